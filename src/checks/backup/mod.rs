//! The backup family (SPEC §7, "Backups, exactly"): `backup.rpo`, `backup.offsite`,
//! `backup.encryption`, `backup.retention` and `backup.restore_test`, one row per
//! source. What they share is here: the `backups` and `restore_tests` rows, read once
//! and grouped by source ([`Backups`]), and the per-source figures the PDF shows
//! ([`figures`]), measured by the checks' own functions.
//!
//! - Backups finishing at or after the period end are ignored everywhere.
//! - Every source with a backup row or a restore test is a subject; without a
//!   `backups` row at all the family has no subject.

mod gaps;

pub(super) mod encryption;
pub(super) mod offsite;
pub(super) mod restore_test;
pub(super) mod retention;
pub(super) mod retention_tiers;
pub(super) mod rpo;

use std::collections::{BTreeMap, BTreeSet};

use super::{frame, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{BackupRepository, Millis, SourceBackups};

const HOUR: f64 = 3_600_000.0;
const DAY: f64 = 86_400_000.0;

/// One row of the `backups` table.
#[derive(Debug, Clone)]
struct Backup {
    started: Millis,
    finished: Millis,
    status: String,
    snapshot: String,
    repository: String,
    region: Option<String>,
    encrypted: Option<bool>,
    expired: Option<Millis>,
    /// The row's `tenant`, and the tenant its input declares for the whole file.
    tenants: [Option<String>; 2],
    path: String,
    line: u64,
}

impl Backup {
    fn is_success(&self) -> bool {
        self.status == "success"
    }
}

#[derive(Debug, Clone)]
struct RestoreTest {
    tested: Millis,
    success: bool,
    snapshot: String,
    reference: String,
    path: String,
    line: u64,
}

/// A source with its rows as the checks see them.
struct Source {
    name: String,
    /// Backups finishing before the period end, by finish time.
    backups: Vec<Backup>,
    /// The tenants whose data the source holds, from all its rows (SPEC §9: a source of
    /// another tenant is left out of a tenant's pack). Sorted.
    tenants: Vec<String>,
    /// Restore tests before the period end, in file order.
    tests: Vec<RestoreTest>,
}

impl Source {
    /// Successful backups, by finish time.
    fn successes(&self) -> impl Iterator<Item = &Backup> {
        self.backups.iter().filter(|b| b.is_success())
    }
}

/// The family's rows: every source, sorted by name.
pub(super) struct Backups {
    sources: Vec<Source>,
    /// Whether a `restore_tests` input is declared at all.
    restore_tests_declared: bool,
}

impl Family for Backups {
    fn read(ctx: &CheckCtx<'_>) -> Result<Self, Error> {
        let rows = match ctx.tables.get(InputKind::Backups) {
            Some(frame) => read_backups(frame, ctx.file_tenants)?,
            None => BTreeMap::new(),
        };
        let tests = match ctx.tables.get(InputKind::RestoreTests) {
            Some(frame) => Some(read_restore_tests(frame)?),
            None => None,
        };
        Ok(Backups::group(rows, tests, ctx.period.end))
    }
}

impl Backups {
    /// Every source with a backup row or a restore test, with its rows before `end`;
    /// no source at all when there is no backup row.
    fn group(
        mut rows: BTreeMap<String, Vec<Backup>>,
        tests: Option<BTreeMap<String, Vec<RestoreTest>>>,
        end: Millis,
    ) -> Backups {
        let restore_tests_declared = tests.is_some();
        let mut tests = tests.unwrap_or_default();
        let mut sources = Vec::new();
        if rows.is_empty() {
            return Backups {
                sources,
                restore_tests_declared,
            };
        }
        let names: BTreeSet<String> = rows.keys().chain(tests.keys()).cloned().collect();
        for name in names {
            let all = rows.remove(&name).unwrap_or_default();
            let tenants: BTreeSet<&String> = all
                .iter()
                .flat_map(|b| b.tenants.iter().flatten())
                .collect();
            sources.push(Source {
                tenants: tenants.into_iter().cloned().collect(),
                backups: all.into_iter().filter(|b| b.finished < end).collect(),
                tests: tests
                    .remove(&name)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| t.tested < end)
                    .collect(),
                name,
            });
        }
        Backups {
            sources,
            restore_tests_declared,
        }
    }
}

/// What the PDF shows of each source, measured by the checks' own functions.
pub(super) fn figures(ctx: &CheckCtx<'_>) -> Result<Vec<SourceBackups>, Error> {
    let backups = ctx.family::<Backups>()?;
    let start = ctx.period.start;
    let in_period = |times: Vec<Millis>| times.into_iter().filter(|&t| t >= start).collect();
    let mut figures = Vec::new();
    for source in &backups.sources {
        let successes: Vec<&Backup> = source.successes().collect();
        let gap = rpo::gap(&successes, ctx);
        let offsite = offsite::copies(&successes, ctx);
        figures.push(SourceBackups {
            tenants: source.tenants.clone(),
            repositories: repositories(&source.backups, ctx),
            failed: source
                .backups
                .iter()
                .filter(|b| b.finished >= start && !b.is_success())
                .map(|b| b.started)
                .collect(),
            successes: in_period(successes.iter().map(|b| b.finished).collect()),
            longest_gap: Some((gap.from, gap.to)),
            offsite: offsite
                .as_ref()
                .map(|(copies, _)| in_period(copies.iter().map(|b| b.finished).collect()))
                .unwrap_or_default(),
            longest_offsite_gap: offsite.map(|(_, gap)| (gap.from, gap.to)),
            unencrypted: encryption::unencrypted(&successes, ctx).len() as u64,
            oldest_restorable: retention::oldest(&successes, ctx).map(|b| b.started),
            last_restore_test: restore_test::last_success(source).map(|t| t.tested),
            ..SourceBackups::new(&source.name)
        });
    }
    Ok(figures)
}

/// Where a source's copies are: per repository and region, the successful backups
/// finishing in the period and the last of them (for "where is my data").
fn repositories(backups: &[Backup], ctx: &CheckCtx<'_>) -> Vec<BackupRepository> {
    let primary = ctx.organisation.primary_region.trim();
    let mut by_place: BTreeMap<(String, String), BackupRepository> = BTreeMap::new();
    for backup in backups {
        let region = backup
            .region
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        let entry = by_place
            .entry((backup.repository.clone(), region.clone()))
            .or_insert_with(|| BackupRepository {
                repository: backup.repository.clone(),
                offsite: !region.is_empty() && !primary.is_empty() && region != primary,
                region,
                successes: 0,
                last_success: None,
            });
        if backup.is_success() && backup.finished >= ctx.period.start {
            entry.successes += 1;
            entry.last_success = entry.last_success.max(Some(backup.finished));
        }
    }
    by_place.into_values().collect()
}

fn read_backups(
    frame: &polars::prelude::DataFrame,
    file_tenants: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Vec<Backup>>, Error> {
    let sources = frame::texts(frame, "source")?;
    let started = frame::times(frame, "started_at")?;
    let finished = frame::times(frame, "finished_at")?;
    let statuses = frame::texts(frame, "status")?;
    let snapshots = frame::texts(frame, "snapshot_id")?;
    let repositories = frame::texts(frame, "repository")?;
    let regions = frame::texts(frame, "region")?;
    let encrypted = frame::bools(frame, "encrypted")?;
    let expired = frame::times(frame, "expired_at")?;
    let tenants = frame::texts(frame, "tenant")?;
    let paths = frame::texts(frame, crate::ingest::schema::PATH_COLUMN)?;
    let lines = frame::lines(frame)?;
    let mut by_source: BTreeMap<String, Vec<Backup>> = BTreeMap::new();
    for i in 0..frame.height() {
        let (Some(source), Some(start), Some(status)) = (&sources[i], started[i], &statuses[i])
        else {
            continue; // Required values: ingest never lets a null through.
        };
        by_source.entry(source.clone()).or_default().push(Backup {
            started: start,
            finished: finished[i].unwrap_or(start),
            status: status.clone(),
            snapshot: snapshots[i].clone().unwrap_or_default(),
            repository: repositories[i].clone().unwrap_or_default(),
            region: regions[i].clone(),
            encrypted: encrypted[i],
            expired: expired[i],
            tenants: [
                tenants[i].clone().filter(|t| !t.trim().is_empty()),
                paths[i].as_ref().and_then(|p| file_tenants.get(p).cloned()),
            ],
            path: paths[i].clone().unwrap_or_default(),
            line: lines[i],
        });
    }
    for backups in by_source.values_mut() {
        backups.sort_by_key(|b| (b.finished, b.started, b.path.clone(), b.line));
    }
    Ok(by_source)
}

fn read_restore_tests(
    frame: &polars::prelude::DataFrame,
) -> Result<BTreeMap<String, Vec<RestoreTest>>, Error> {
    let sources = frame::texts(frame, "source")?;
    let tested = frame::times(frame, "tested_at")?;
    let outcomes = frame::texts(frame, "outcome")?;
    let snapshots = frame::texts(frame, "snapshot_id")?;
    let references = frame::texts(frame, "reference")?;
    let paths = frame::texts(frame, crate::ingest::schema::PATH_COLUMN)?;
    let lines = frame::lines(frame)?;
    let mut by_source: BTreeMap<String, Vec<RestoreTest>> = BTreeMap::new();
    for i in 0..frame.height() {
        let (Some(source), Some(at), Some(outcome)) = (&sources[i], tested[i], &outcomes[i]) else {
            continue;
        };
        by_source
            .entry(source.clone())
            .or_default()
            .push(RestoreTest {
                tested: at,
                success: outcome == "success",
                snapshot: snapshots[i].clone().unwrap_or_default(),
                reference: references[i].clone().unwrap_or_default(),
                path: paths[i].clone().unwrap_or_default(),
                line: lines[i],
            });
    }
    Ok(by_source)
}

/// Rows for the backup checks' unit tests, stated relative to the fixture's period.
#[cfg(test)]
mod testing {
    use std::collections::BTreeMap;

    use super::{Backup, Backups, RestoreTest};
    use crate::checks::testing::Fixture;
    use crate::checks::{CheckCtx, CheckOutput};
    use crate::error::Error;
    use crate::model::{Finding, Millis};

    pub use crate::checks::testing::H;

    /// A successful, encrypted backup of `source` started and finished `offset` after
    /// the period start, in region `primary`.
    pub fn backup(source: &str, offset: Millis) -> (String, Backup) {
        let at = Fixture::day().period.start + offset;
        let row = Backup {
            started: at,
            finished: at,
            status: "success".to_string(),
            snapshot: format!("snap-{offset}"),
            repository: "repo".to_string(),
            region: Some("primary".to_string()),
            encrypted: Some(true),
            expired: None,
            tenants: [None, None],
            path: "backups.csv".to_string(),
            line: 2,
        };
        (source.to_string(), row)
    }

    /// The rows as the family groups them; `tests`: (source, offset, success).
    pub fn family(rows: Vec<(String, Backup)>, tests: Vec<(&str, Millis, bool)>) -> Backups {
        let start = Fixture::day().period.start;
        let mut by_source: BTreeMap<String, Vec<Backup>> = BTreeMap::new();
        for (source, row) in rows {
            by_source.entry(source).or_default().push(row);
        }
        for rows in by_source.values_mut() {
            rows.sort_by_key(|b| (b.finished, b.started));
        }
        let mut by_test: BTreeMap<String, Vec<RestoreTest>> = BTreeMap::new();
        for (source, offset, success) in tests {
            by_test
                .entry(source.to_string())
                .or_default()
                .push(RestoreTest {
                    tested: start + offset,
                    success,
                    snapshot: String::new(),
                    reference: String::new(),
                    path: "restore_tests.csv".to_string(),
                    line: 2,
                });
        }
        let tests = (!by_test.is_empty()).then_some(by_test);
        Backups::group(by_source, tests, Fixture::day().period.end)
    }

    type Run = fn(&CheckCtx<'_>) -> Result<Option<CheckOutput>, Error>;

    pub fn output(
        run: Run,
        rows: Vec<(String, Backup)>,
        tests: Vec<(&str, Millis, bool)>,
    ) -> Option<CheckOutput> {
        let fixture = Fixture::day();
        let ctx = fixture.ctx().with_family(family(rows, tests));
        run(&ctx).expect("the check runs")
    }

    /// The check's findings, by subject.
    pub fn run_check(
        run: Run,
        rows: Vec<(String, Backup)>,
        tests: Vec<(&str, Millis, bool)>,
    ) -> Vec<Finding> {
        output(run, rows, tests).expect("subjects").findings
    }
}
