//! The backup family (SPEC §7, "Backups, exactly"): `backup.rpo`, `backup.offsite`,
//! `backup.encryption`, `backup.retention` and `backup.restore_test`, one row per
//! source, computed from the canonical `backups` and `restore_tests` tables.
//!
//! - Gaps are measured between the finish times (`finished_at`, else `started_at`) of
//!   successful backups, from the last one before the period (or the period start) to
//!   the period end. No successful backup in or before the period: the whole period is
//!   the gap, and the row fails.
//! - Offsite copies are successful backups whose `region` is set and is not the
//!   organisation's `primary_region`.
//! - Backups finishing at or after the period end are ignored everywhere.
//! - A restorable point at period end is a successful backup that started before the
//!   period end with no `expired_at` at or before it; its age runs from `started_at`.

mod gaps;

use std::collections::{BTreeMap, BTreeSet};

use super::{frame, CheckCtx};
use crate::config::{format_duration, InputKind};
use crate::error::Error;
use crate::model::{
    BackupRepository, Cell, CheckId, EvidenceTable, Finding, Millis, SourceBackups, Status, Unit,
};
use crate::period::format_utc;
use gaps::{longest_gap, Gap};

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

/// What the backup family contributes to the assessment.
pub struct BackupOutcome {
    pub findings: Vec<Finding>,
    pub evidence: Vec<(CheckId, EvidenceTable)>,
    pub sources: Vec<SourceBackups>,
}

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<BackupOutcome>, Error> {
    let Some(frame) = ctx.tables.get(InputKind::Backups) else {
        return Ok(None);
    };
    if frame.height() == 0 {
        return Ok(None);
    }
    let backups = read_backups(frame, ctx.file_tenants)?;
    let restore_tests = match ctx.tables.get(InputKind::RestoreTests) {
        Some(frame) => Some(read_restore_tests(frame)?),
        None => None,
    };
    let mut sources: BTreeSet<String> = backups.keys().cloned().collect();
    if let Some(tests) = &restore_tests {
        sources.extend(tests.keys().cloned());
    }

    let mut outcome = BackupOutcome {
        findings: Vec::new(),
        evidence: Vec::new(),
        sources: Vec::new(),
    };
    let mut rpo_rows = Vec::new();
    let mut offsite_rows = Vec::new();
    let mut encryption_rows = Vec::new();
    let mut retention_rows = Vec::new();
    let mut restore_rows = Vec::new();
    let no_backups = Vec::new();
    for source in &sources {
        // Backups finishing at or after the period end are ignored everywhere.
        let source_backups: Vec<&Backup> = backups
            .get(source)
            .unwrap_or(&no_backups)
            .iter()
            .filter(|b| b.finished < ctx.period.end)
            .collect();
        let tests: Vec<&RestoreTest> = restore_tests
            .as_ref()
            .and_then(|t| t.get(source))
            .map(|t| t.iter().filter(|r| r.tested < ctx.period.end).collect())
            .unwrap_or_default();
        let mut figures = SourceBackups {
            tenants: tenants_of(backups.get(source).unwrap_or(&no_backups)),
            repositories: repositories(&source_backups, ctx),
            ..SourceBackups::new(source)
        };
        let in_period = |b: &&&Backup| b.finished >= ctx.period.start;
        figures.failed = source_backups
            .iter()
            .filter(in_period)
            .filter(|b| !b.is_success())
            .map(|b| b.started)
            .collect();

        // backup.rpo
        let successes: Vec<&Backup> = source_backups
            .iter()
            .copied()
            .filter(|b| b.is_success())
            .collect();
        let gap = longest_gap(
            &successes.iter().map(|b| b.finished).collect::<Vec<_>>(),
            ctx.period.start,
            ctx.period.end,
        );
        figures.successes = successes
            .iter()
            .filter(|b| b.finished >= ctx.period.start)
            .map(|b| b.finished)
            .collect();
        figures.longest_gap = Some((gap.from, gap.to));
        outcome.findings.push(gap_finding(
            ctx,
            CheckId::BackupRpo,
            source,
            &gap,
            ctx.policy.rpo,
            ("successful backup", "successful backups".to_string()),
        ));
        push_gap_rows(
            &mut rpo_rows,
            source,
            &gap,
            &successes,
            &source_backups,
            ctx.period.start,
        );

        // backup.offsite
        let primary = ctx.organisation.primary_region.trim();
        if primary.is_empty() {
            outcome.findings.push(
                ctx.finding(
                    CheckId::BackupOffsite,
                    source,
                    Status::NotEvaluated,
                    None,
                    Some(ctx.policy.offsite_max_age as f64 / HOUR),
                    Unit::Hours,
                    "organisation.primary_region is not set: no copy can be told to be offsite"
                        .to_string(),
                ),
            );
        } else {
            let offsite: Vec<&Backup> = successes
                .iter()
                .copied()
                .filter(|b| {
                    b.region
                        .as_deref()
                        .is_some_and(|r| !r.trim().is_empty() && r.trim() != primary)
                })
                .collect();
            let gap = longest_gap(
                &offsite.iter().map(|b| b.finished).collect::<Vec<_>>(),
                ctx.period.start,
                ctx.period.end,
            );
            figures.offsite = offsite
                .iter()
                .filter(|b| b.finished >= ctx.period.start)
                .map(|b| b.finished)
                .collect();
            figures.longest_offsite_gap = Some((gap.from, gap.to));
            let nouns = (
                "successful copy outside the primary region",
                format!("successful copies outside {primary}"),
            );
            outcome.findings.push(gap_finding(
                ctx,
                CheckId::BackupOffsite,
                source,
                &gap,
                ctx.policy.offsite_max_age,
                nouns,
            ));
            push_gap_rows(
                &mut offsite_rows,
                source,
                &gap,
                &offsite,
                &[],
                ctx.period.start,
            );
        }

        // backup.encryption: successful backups finishing inside the period.
        let unencrypted: Vec<&Backup> = successes
            .iter()
            .copied()
            .filter(|b| b.finished >= ctx.period.start && b.encrypted != Some(true))
            .collect();
        let checked = successes
            .iter()
            .filter(|b| b.finished >= ctx.period.start)
            .count();
        figures.unencrypted = unencrypted.len() as u64;
        let unknown = unencrypted.iter().filter(|b| b.encrypted.is_none()).count();
        let detail = match (checked, unencrypted.len(), unknown) {
            (0, _, _) => "no successful backup in the period".to_string(),
            (n, 0, _) => format!("all {n} successful backups in the period are encrypted"),
            (n, bad, 0) => format!("{bad} of {n} successful backups in the period are not encrypted"),
            (n, bad, unknown) => format!(
                "{bad} of {n} successful backups in the period are not known to be encrypted ({unknown} without an `encrypted` value)"
            ),
        };
        let status = if checked > 0 && unencrypted.is_empty() {
            Status::Pass
        } else if checked == 0 {
            Status::NotEvaluated
        } else {
            Status::Fail
        };
        outcome.findings.push(ctx.finding(
            CheckId::BackupEncryption,
            source,
            status,
            (checked > 0).then_some(unencrypted.len() as f64),
            Some(0.0),
            Unit::Count,
            detail,
        ));
        for b in &unencrypted {
            encryption_rows.push(vec![
                Cell::Text(source.clone()),
                Cell::Time(b.started),
                Cell::Time(b.finished),
                Cell::Text(b.snapshot.clone()),
                Cell::Text(b.repository.clone()),
                Cell::Text(b.encrypted.map_or(String::new(), |e| e.to_string())),
                Cell::Text(b.path.clone()),
                Cell::Count(b.line),
            ]);
        }

        // backup.retention
        let oldest = successes
            .iter()
            .copied()
            .filter(|b| {
                b.started < ctx.period.end && b.expired.is_none_or(|at| at > ctx.period.end)
            })
            .min_by_key(|b| (b.started, b.line));
        let target_days = ctx.policy.retention_min as f64 / DAY;
        let finding = match oldest {
            Some(b) => {
                let age = (ctx.period.end - b.started) as f64 / DAY;
                figures.oldest_restorable = Some(b.started);
                retention_rows.push(vec![
                    Cell::Text(source.clone()),
                    Cell::Time(b.started),
                    Cell::Text(b.snapshot.clone()),
                    Cell::Text(b.repository.clone()),
                    Cell::Days(age),
                    Cell::Text(b.path.clone()),
                    Cell::Count(b.line),
                ]);
                let status = if age >= target_days {
                    Status::Pass
                } else {
                    Status::Fail
                };
                let detail = format!(
                    "oldest restorable point {} ({}) is {age:.2} days old at period end; policy keeps at least {}",
                    b.snapshot,
                    format_utc(b.started),
                    format_duration(ctx.policy.retention_min)
                );
                ctx.finding(
                    CheckId::BackupRetention,
                    source,
                    status,
                    Some(age),
                    Some(target_days),
                    Unit::Days,
                    detail,
                )
            }
            None => ctx.finding(
                CheckId::BackupRetention,
                source,
                Status::Fail,
                None,
                Some(target_days),
                Unit::Days,
                "no restorable point at period end".to_string(),
            ),
        };
        outcome.findings.push(finding);

        // backup.restore_test
        let last = tests
            .iter()
            .copied()
            .filter(|t| t.success)
            .max_by_key(|t| (t.tested, t.line));
        let target_days = ctx.policy.restore_test_max_age as f64 / DAY;
        let finding = match (last, &restore_tests) {
            (Some(test), _) => {
                let days = (ctx.period.end - test.tested) as f64 / DAY;
                figures.last_restore_test = Some(test.tested);
                restore_rows.push(vec![
                    Cell::Text(source.clone()),
                    Cell::Time(test.tested),
                    Cell::Text("success".to_string()),
                    Cell::Text(test.snapshot.clone()),
                    Cell::Text(test.reference.clone()),
                    Cell::Days(days),
                    Cell::Text(test.path.clone()),
                    Cell::Count(test.line),
                ]);
                let status = if days <= target_days {
                    Status::Pass
                } else {
                    Status::Fail
                };
                let reference = if test.reference.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", test.reference)
                };
                let detail = format!(
                    "last successful restore test {}{reference}, {days:.2} days before period end",
                    format_utc(test.tested)
                );
                ctx.finding(
                    CheckId::BackupRestoreTest,
                    source,
                    status,
                    Some(days),
                    Some(target_days),
                    Unit::Days,
                    detail,
                )
            }
            (None, None) => ctx.finding(
                CheckId::BackupRestoreTest,
                source,
                Status::Fail,
                None,
                Some(target_days),
                Unit::Days,
                "no `restore_tests` input declared: no restore of this source is evidenced"
                    .to_string(),
            ),
            (None, Some(_)) => {
                let failures = tests.iter().filter(|t| !t.success).count();
                let detail = if failures > 0 {
                    format!("no successful restore test ({failures} failed)")
                } else {
                    "no successful restore test".to_string()
                };
                ctx.finding(
                    CheckId::BackupRestoreTest,
                    source,
                    Status::Fail,
                    None,
                    Some(target_days),
                    Unit::Days,
                    detail,
                )
            }
        };
        for test in tests.iter().filter(|t| !t.success) {
            restore_rows.push(vec![
                Cell::Text(source.clone()),
                Cell::Time(test.tested),
                Cell::Text("failure".to_string()),
                Cell::Text(test.snapshot.clone()),
                Cell::Text(test.reference.clone()),
                Cell::Empty,
                Cell::Text(test.path.clone()),
                Cell::Count(test.line),
            ]);
        }
        outcome.findings.push(finding);
        outcome.sources.push(figures);
    }
    let gap_columns = vec![
        "source",
        "kind",
        "start",
        "end",
        "hours",
        "snapshot_id",
        "repository",
        "region",
        "path",
        "line",
    ];
    outcome.evidence.push((
        CheckId::BackupRpo,
        EvidenceTable {
            columns: gap_columns.clone(),
            rows: rpo_rows,
        },
    ));
    if !ctx.organisation.primary_region.trim().is_empty() {
        outcome.evidence.push((
            CheckId::BackupOffsite,
            EvidenceTable {
                columns: gap_columns,
                rows: offsite_rows,
            },
        ));
    }
    outcome.evidence.push((
        CheckId::BackupEncryption,
        EvidenceTable {
            columns: vec![
                "source",
                "started_at",
                "finished_at",
                "snapshot_id",
                "repository",
                "encrypted",
                "path",
                "line",
            ],
            rows: encryption_rows,
        },
    ));
    outcome.evidence.push((
        CheckId::BackupRetention,
        EvidenceTable {
            columns: vec![
                "source",
                "oldest_restorable",
                "snapshot_id",
                "repository",
                "age_days",
                "path",
                "line",
            ],
            rows: retention_rows,
        },
    ));
    restore_rows.sort_by_key(|row| restore_key(row));
    outcome.evidence.push((
        CheckId::BackupRestoreTest,
        EvidenceTable {
            columns: vec![
                "source",
                "tested_at",
                "outcome",
                "snapshot_id",
                "reference",
                "days_to_period_end",
                "path",
                "line",
            ],
            rows: restore_rows,
        },
    ));
    Ok(Some(outcome))
}

fn restore_key(row: &[Cell]) -> (String, Millis) {
    let source = match row.first() {
        Some(Cell::Text(s)) => s.clone(),
        _ => String::new(),
    };
    let time = match row.get(1) {
        Some(Cell::Time(t)) => *t,
        _ => 0,
    };
    (source, time)
}

/// `nouns`: what is counted, singular (for "no …") and plural (for "N … in the period").
fn gap_finding(
    ctx: &CheckCtx<'_>,
    check: CheckId,
    source: &str,
    gap: &Gap,
    limit: Millis,
    nouns: (&str, String),
) -> Finding {
    let (singular, plural) = nouns;
    let hours = gap.length() as f64 / HOUR;
    let target = limit as f64 / HOUR;
    let (status, detail) = if gap.points == 0 {
        (
            Status::Fail,
            format!(
                "no {singular} in or before the period: the whole period ({hours:.2} h) is the gap"
            ),
        )
    } else {
        (
            if gap.length() <= limit {
                Status::Pass
            } else {
                Status::Fail
            },
            format!(
                "longest gap {hours:.2} h from {} to {}; {} {plural} in the period",
                format_utc(gap.from),
                format_utc(gap.to),
                gap.in_period,
            ),
        )
    };
    ctx.finding(
        check,
        source,
        status,
        Some(hours),
        Some(target),
        Unit::Hours,
        detail,
    )
}

/// Evidence rows: the longest gap, the successful backups behind it (the one before
/// the period that opens the first gap included) and the failed or partial runs.
fn push_gap_rows(
    rows: &mut Vec<Vec<Cell>>,
    source: &str,
    gap: &Gap,
    used: &[&Backup],
    others: &[&Backup],
    period_start: Millis,
) {
    rows.push(vec![
        Cell::Text(source.to_string()),
        Cell::Text("longest_gap".to_string()),
        Cell::Time(gap.from),
        Cell::Time(gap.to),
        Cell::Hours(gap.length() as f64 / HOUR),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    let opening = used
        .iter()
        .filter(|b| b.finished < period_start)
        .max_by_key(|b| (b.finished, b.line));
    let backup_row = |kind: &str, b: &Backup| {
        vec![
            Cell::Text(source.to_string()),
            Cell::Text(kind.to_string()),
            Cell::Time(b.started),
            Cell::Time(b.finished),
            Cell::Empty,
            Cell::Text(b.snapshot.clone()),
            Cell::Text(b.repository.clone()),
            Cell::Text(b.region.clone().unwrap_or_default()),
            Cell::Text(b.path.clone()),
            Cell::Count(b.line),
        ]
    };
    let mut listed: Vec<Vec<Cell>> = Vec::new();
    if let Some(b) = opening {
        listed.push(backup_row("before_period", b));
    }
    for b in used.iter().filter(|b| b.finished >= period_start) {
        listed.push(backup_row("backup", b));
    }
    for b in others
        .iter()
        .filter(|b| !b.is_success() && b.finished >= period_start)
    {
        listed.push(backup_row(&b.status, b));
    }
    listed.sort_by_key(|row| match &row[2] {
        Cell::Time(t) => *t,
        _ => 0,
    });
    rows.extend(listed);
}

/// The tenants whose data a source holds, from all its rows (SPEC §9: a source of
/// another tenant is left out of a tenant's pack).
fn tenants_of(backups: &[Backup]) -> Vec<String> {
    let tenants: BTreeSet<&String> = backups
        .iter()
        .flat_map(|b| b.tenants.iter().flatten())
        .collect();
    tenants.into_iter().cloned().collect()
}

/// Where a source's copies are: per repository and region, the successful backups
/// finishing in the period and the last of them (for "where is my data").
fn repositories(backups: &[&Backup], ctx: &CheckCtx<'_>) -> Vec<BackupRepository> {
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
