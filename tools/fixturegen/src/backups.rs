//! The demo's backups: three sources, the points each repository holds, the
//! restore tests, and what SPEC §7 "Backups, exactly" makes of them.
//!
//! The plan is fixed (no seed). Two sources are backed up by real tools and
//! exported by `demo-backups` (see `backups/real.rs`), which replays exactly the
//! times planned here: `payroll-db` with restic, `customer-files` with borg. The
//! third, `ledger-db`, and the restore tests are canonical CSV written by `demo`,
//! byte for byte the same on every run. The README's expected figures come from
//! [`assess`], an independent reading of the spec applied to the plan.
//!
//! Every point of a restic or borg repository is a snapshot or archive whose
//! time is the planned instant: restic 0.14 writes no `summary`, so its finish
//! time is the snapshot `time`; `borg list` has only a start; `borg info` has an
//! `end` equal to the start to the second for these tiny backups (checked when
//! the files are produced).

pub mod real;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::config_toml::{self, Input};
use crate::org::{period, PRIMARY_REGION, TIMEZONE};
use chrono::{Datelike, Days, Months, NaiveDate};

use crate::time::{fixed_offset_misreading, melbourne_date, rfc3339, utc, DAY, HOUR, MIN};

/// Where the offsite copies live.
pub const OFFSITE_REGION: &str = "au-southwest-1";

/// The backup keys of `[policy]`, in seconds.
pub struct BackupPolicy {
    pub rpo: i64,
    pub offsite_max_age: i64,
    pub retention_min: i64,
    pub restore_test_max_age: i64,
}

pub const POLICY: BackupPolicy = BackupPolicy {
    rpo: 4 * HOUR,
    offsite_max_age: 24 * HOUR,
    retention_min: 90 * DAY,
    restore_test_max_age: 90 * DAY,
};

/// The lines `demo` adds to `[policy]`, matching [`POLICY`].
pub const POLICY_TOML: &str = "rpo = \"4h\"
offsite_max_age = \"24h\"
retention_min = \"90d\"
restore_test_max_age = \"90d\"
";

/// Directory of the backup evidence, relative to the demo root.
pub const DIR: &str = "evidence/backups";
/// The restore tests file, relative to the demo root.
pub const RESTORE_TESTS: &str = "evidence/restore_tests.csv";

/// How a repository's evidence is produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// `restic snapshots --json`, by `demo-backups`.
    Restic,
    /// `borg list --json`, by `demo-backups`.
    BorgList,
    /// `borg info --json`, by `demo-backups`.
    BorgInfo,
    /// Canonical CSV rows, by `demo`.
    Csv,
}

impl Tool {
    pub fn format(self) -> &'static str {
        match self {
            Tool::Restic => "restic",
            Tool::BorgList | Tool::BorgInfo => "borg",
            Tool::Csv => "csv",
        }
    }
}

/// One snapshot, archive or canonical row.
#[derive(Debug, Clone)]
pub struct Point {
    /// Archive name (borg) or `snapshot_id` (CSV); empty for restic, whose ids
    /// are random.
    pub name: String,
    pub started: i64,
    pub finished: i64,
    /// A borg `.checkpoint` archive: listed, but not a successful backup.
    pub checkpoint: bool,
    pub expired: Option<i64>,
    pub size_bytes: u64,
}

/// One repository of one source, and the evidence file that lists it.
pub struct Repo {
    pub source: &'static str,
    pub repository: &'static str,
    pub region: &'static str,
    pub tool: Tool,
    /// File name under [`DIR`].
    pub file: &'static str,
    /// The stable path written in place of the throwaway repository's.
    pub location: &'static str,
    pub encrypted: bool,
    pub schedule: &'static str,
    pub points: Vec<Point>,
}

impl Repo {
    pub fn path(&self) -> String {
        format!("{DIR}/{}", self.file)
    }

    pub fn offsite(&self) -> bool {
        self.region != PRIMARY_REGION
    }

    /// Points that are successful backups (SPEC §7: all but `*.checkpoint`).
    pub fn successes(&self) -> impl Iterator<Item = &Point> {
        self.points.iter().filter(|p| !p.checkpoint)
    }
}

/// A row of `restore_tests.csv`.
pub struct RestoreTest {
    pub source: &'static str,
    pub tested_at: i64,
    pub success: bool,
    pub snapshot_id: &'static str,
    pub duration_seconds: u32,
    pub reference: &'static str,
}

/// A planted event, for the README.
pub struct Planted {
    pub source: &'static str,
    /// `None` for an absence that has no time.
    pub at: Option<i64>,
    pub what: String,
    pub verdict: String,
}

/// The whole backup scenario.
pub struct Backups {
    pub repos: Vec<Repo>,
    pub tests: Vec<RestoreTest>,
    pub events: Vec<Planted>,
}

pub const SOURCES: [&str; 3] = ["payroll-db", "customer-files", "ledger-db"];

/// Whose data each source holds (SPEC §9): the native inputs of a tenant's source
/// declare its `tenant`; `ledger-db` is the platform's shared ledger, every tenant's.
const TENANT_OF: [(&str, Option<&str>); 3] = [
    ("payroll-db", Some("acme-payroll")),
    ("customer-files", Some("coastal-care")),
    ("ledger-db", None),
];

/// The tenant whose data `source` holds; `None` for a shared platform source.
pub fn tenant_of(source: &str) -> Option<&'static str> {
    TENANT_OF
        .iter()
        .find(|(s, _)| *s == source)
        .and_then(|(_, tenant)| *tenant)
}

/// First and last day of the 4-hourly and daily schedules: from two days before
/// the period (in UTC) to its last day, so both ends are exercised.
const FIRST_DAY: (i32, u32, u32) = (2026, 9, 29);
const LAST_DAY: (i32, u32, u32) = (2026, 10, 31);

/// Month-end points kept by the retention policy, all before the schedules.
const MONTHLY: [(i32, u32, u32); 3] = [(2026, 6, 30), (2026, 7, 31), (2026, 8, 31)];

/// The ledger-db month-end dump pruned by mistake during the storage move
/// (CHG-2026-0912): 31 Jul 17:00Z, which is 1 Aug in Melbourne, so the `monthly`
/// tier's August slot is left without a restorable point.
pub fn ledger_pruned() -> i64 {
    utc(2026, 7, 31, 17, 0)
}
/// When it was pruned (its `expired_at`), as `utc` arguments.
const LEDGER_PRUNED_AT: (i32, u32, u32, u32, u32) = (2026, 9, 12, 2, 0);

/// `[policy.retention_tiers]` of the demo: the SPEC §15 defaults, written out so the
/// README's slot counts can be read off the config.
pub const TIERS: RetentionTiers = RetentionTiers {
    daily: 7,
    weekly: 4,
    monthly: 3,
};

/// The `[policy.retention_tiers]` table `demo` writes, matching [`TIERS`]. A TOML
/// sub-table, so it must come after every plain `[policy]` key.
pub const TIERS_TOML: &str = "
[policy.retention_tiers]
daily = 7
weekly = 4
monthly = 3
";

/// Slots per tier (SPEC §15 "Retention tiers").
pub struct RetentionTiers {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl RetentionTiers {
    pub fn slots(&self) -> u32 {
        self.daily + self.weekly + self.monthly
    }
}

/// The run restic missed (8 h between successful backups).
pub fn restic_missed() -> i64 {
    utc(2026, 10, 17, 8, 0)
}

/// Every day from `FIRST_DAY` to `LAST_DAY`, as the UTC midnight.
fn days() -> Vec<i64> {
    let (y, m, d) = FIRST_DAY;
    let (ly, lm, ld) = LAST_DAY;
    let (first, last) = (utc(y, m, d, 0, 0), utc(ly, lm, ld, 0, 0));
    (0..)
        .map(|i| first + i * DAY)
        .take_while(|&t| t <= last)
        .collect()
}

/// The schedule's instants: every day at each of `hours`:`minute` UTC.
fn schedule(hours: &[i64], minute: i64) -> Vec<i64> {
    let mut out: Vec<i64> = days()
        .into_iter()
        .flat_map(|d| hours.iter().map(move |h| d + h * HOUR + minute * MIN))
        .collect();
    out.sort_unstable();
    out
}

fn monthly(hour: u32) -> Vec<i64> {
    MONTHLY
        .iter()
        .map(|&(y, m, d)| utc(y, m, d, hour, 0))
        .collect()
}

/// `customer-files-2026-10-01T04:00`: borg archive names carry the UTC start.
fn archive_name(prefix: &str, t: i64) -> String {
    format!("{prefix}-{}", &rfc3339(t)[..16])
}

/// A snapshot or archive taken at `t` (finish = start).
fn instant(name: String, t: i64, size_bytes: u64) -> Point {
    Point {
        name,
        started: t,
        finished: t,
        checkpoint: false,
        expired: None,
        size_bytes,
    }
}

/// Deterministic, slowly growing sizes for the canonical rows.
fn ledger_size(t: i64) -> u64 {
    let day = (t - utc(2026, 5, 1, 0, 0)).div_euclid(DAY) as u64;
    38_412_000_000 + day * 61_250_000 + (t.rem_euclid(DAY) / HOUR) as u64 * 1_024_000
}

pub fn plan() -> Backups {
    let four_hourly = [0, 4, 8, 12, 16, 20];
    let (_, p1) = period();

    // payroll-db: restic, one missed run.
    let mut payroll: Vec<Point> = monthly(16)
        .into_iter()
        .chain(schedule(&four_hourly, 0))
        .filter(|&t| t != restic_missed())
        .map(|t| instant(String::new(), t, 0))
        .collect();
    payroll.sort_by_key(|p| p.started);
    let payroll_offsite: Vec<Point> = schedule(&[16], 0)
        .into_iter()
        .map(|t| instant(String::new(), t, 0))
        .collect();

    // customer-files: borg, all present, one stale checkpoint.
    let mut files: Vec<Point> = monthly(16)
        .into_iter()
        .chain(schedule(&four_hourly, 0))
        .map(|t| instant(archive_name("customer-files", t), t, 0))
        .collect();
    let checkpoint_at = utc(2026, 5, 31, 16, 0);
    files.push(Point {
        name: format!(
            "{}.checkpoint",
            archive_name("customer-files", checkpoint_at)
        ),
        checkpoint: true,
        ..instant(String::new(), checkpoint_at, 0)
    });
    files.sort_by_key(|p| p.started);
    let files_offsite: Vec<Point> = schedule(&[15], 0)
        .into_iter()
        .map(|t| instant(archive_name("customer-files", t), t, 0))
        .collect();

    // ledger-db: canonical CSV, 12-minute dumps, 22-minute offsite copies.
    let ledger_row = |t: i64, minutes: i64, expired: Option<i64>| Point {
        name: archive_name("ledger-db", t),
        started: t,
        finished: t + minutes * MIN,
        checkpoint: false,
        expired,
        size_bytes: ledger_size(t),
    };
    let expired_at = utc(2026, 10, 1, 17, 30);
    let mut ledger: Vec<Point> =
        std::iter::once(ledger_row(utc(2026, 5, 31, 17, 0), 12, Some(expired_at)))
            .chain(monthly(17).into_iter().map(|t| {
                let pruned = (t == ledger_pruned()).then_some(LEDGER_PRUNED_AT);
                ledger_row(t, 12, pruned.map(|(y, m, d, h, mi)| utc(y, m, d, h, mi)))
            }))
            .chain(
                schedule(&[1, 5, 9, 13, 17, 21], 0)
                    .into_iter()
                    .map(|t| ledger_row(t, 12, None)),
            )
            .collect();
    ledger.sort_by_key(|p| p.started);
    // The offsite job copies the 01:00 dump at 03:30 every day.
    let ledger_offsite: Vec<Point> = schedule(&[3], 30)
        .into_iter()
        .map(|t| Point {
            name: archive_name("ledger-db", t - 2 * HOUR - 30 * MIN),
            ..ledger_row(t, 22, None)
        })
        .collect();

    let repos = vec![
        Repo {
            source: "payroll-db",
            repository: "payroll-db-primary",
            region: PRIMARY_REGION,
            tool: Tool::Restic,
            file: "payroll-db-primary.restic.json",
            location: "/srv/restic/payroll-db",
            encrypted: true,
            schedule: "restic every 4 h at 00/04/08/12/16/20Z; month-end points kept",
            points: payroll,
        },
        Repo {
            source: "payroll-db",
            repository: "payroll-db-offsite",
            region: OFFSITE_REGION,
            tool: Tool::Restic,
            file: "payroll-db-offsite.restic.json",
            location: "/mnt/offsite/restic/payroll-db",
            encrypted: true,
            schedule:
                "`restic copy` of the 16:00Z snapshot, daily (a copy keeps the snapshot's time)",
            points: payroll_offsite,
        },
        Repo {
            source: "customer-files",
            repository: "customer-files-primary",
            region: PRIMARY_REGION,
            tool: Tool::BorgList,
            file: "customer-files-primary.borg-list.json",
            location: "/srv/backup/customer-files",
            encrypted: true,
            schedule: "borg (repokey) every 4 h at 00/04/08/12/16/20Z; month-end archives kept; \
                       listed with `--consider-checkpoints`",
            points: files,
        },
        Repo {
            source: "customer-files",
            repository: "customer-files-offsite",
            region: OFFSITE_REGION,
            tool: Tool::BorgInfo,
            file: "customer-files-offsite.borg-info.json",
            location: "/mnt/offsite/borg/customer-files",
            encrypted: true,
            schedule: "borg (repokey) daily at 15:00Z",
            points: files_offsite,
        },
        Repo {
            source: "ledger-db",
            repository: "ledger-db-primary",
            region: PRIMARY_REGION,
            tool: Tool::Csv,
            file: "ledger-db.csv",
            location: "",
            encrypted: true,
            schedule: "dump every 4 h at 01/05/09/13/17/21Z, 12 min each; month-end points kept",
            points: ledger,
        },
        Repo {
            source: "ledger-db",
            repository: "ledger-db-offsite",
            region: OFFSITE_REGION,
            tool: Tool::Csv,
            file: "ledger-db.csv",
            location: "",
            encrypted: true,
            schedule: "copy of the 01:00Z dump daily at 03:30Z, 22 min each",
            points: ledger_offsite,
        },
    ];

    let tests = vec![
        RestoreTest {
            source: "customer-files",
            tested_at: utc(2026, 6, 18, 2, 0),
            success: true,
            snapshot_id: "customer-files-2026-06-16T16:00",
            duration_seconds: 5_412,
            reference: "RT-2026-06-02",
        },
        RestoreTest {
            source: "payroll-db",
            tested_at: utc(2026, 7, 9, 1, 30),
            success: true,
            snapshot_id: "",
            duration_seconds: 1_262,
            reference: "RT-2026-07-01",
        },
        RestoreTest {
            source: "payroll-db",
            tested_at: utc(2026, 10, 12, 1, 30),
            success: true,
            snapshot_id: "",
            duration_seconds: 1_184,
            reference: "RT-2026-10-01",
        },
        RestoreTest {
            source: "customer-files",
            tested_at: utc(2026, 10, 20, 3, 15),
            success: false,
            snapshot_id: "customer-files-2026-10-19T16:00",
            duration_seconds: 2_710,
            reference: "RT-2026-10-02",
        },
    ];

    let after_end = format!(
        "ignored: finishes at or after the period end ({})",
        rfc3339(p1)
    );
    let events = vec![
        Planted {
            source: "payroll-db",
            at: Some(restic_missed()),
            what: "the 08:00Z restic run is missing (the job did not start)".into(),
            verdict: "8 h between the 04:00Z and 12:00Z snapshots: misses the 4 h RPO once".into(),
        },
        Planted {
            source: "payroll-db",
            at: Some(utc(2026, 9, 30, 16, 0)),
            what: "offsite copies are exactly 24 h apart, from 2026-09-29 16:00Z".into(),
            verdict: "24 h meets `offsite_max_age = \"24h\"` (the bound is inclusive)".into(),
        },
        Planted {
            source: "payroll-db",
            at: Some(utc(2026, 10, 12, 1, 30)),
            what: "restore test RT-2026-10-01 succeeds".into(),
            verdict: "recent enough".into(),
        },
        Planted {
            source: "payroll-db",
            at: Some(utc(2026, 10, 31, 16, 0)),
            what: "snapshots at 16:00Z and 20:00Z on 31 Oct, and the 16:00Z offsite copy".into(),
            verdict: after_end.clone(),
        },
        Planted {
            source: "customer-files",
            at: Some(checkpoint_at),
            what: "a stale `.checkpoint` archive from an interrupted run".into(),
            verdict: "not a successful backup: the oldest restorable point stays 30 Jun".into(),
        },
        Planted {
            source: "customer-files",
            at: Some(utc(2026, 10, 3, 16, 0)),
            what: "DST starts between the 12:00Z and 16:00Z archives: borg's naive local times \
                   read 22:00 then 03:00"
                .into(),
            verdict: "4 h apart, not 5: meets the RPO (needs the input's `timezone`)".into(),
        },
        Planted {
            source: "customer-files",
            at: Some(utc(2026, 10, 4, 15, 0)),
            what: "offsite archives read 01:00 before and 02:00 after the DST change".into(),
            verdict: "24 h apart, not 25: meets `offsite_max_age`".into(),
        },
        Planted {
            source: "customer-files",
            at: Some(utc(2026, 10, 20, 3, 15)),
            what: "restore test RT-2026-10-02 fails".into(),
            verdict: "the last successful test stays 18 Jun (RT-2026-06-02), over 90 days \
                      before period end: fails `backup.restore_test`"
                .into(),
        },
        Planted {
            source: "customer-files",
            at: Some(utc(2026, 10, 31, 16, 0)),
            what: "archives at 16:00Z and 20:00Z on 31 Oct (Melbourne: 1 Nov), and the 15:00Z \
                   offsite archive"
                .into(),
            verdict: after_end,
        },
        Planted {
            source: "ledger-db",
            at: Some(utc(2026, 5, 31, 17, 0)),
            what: "the May month-end dump, `expired_at` 2026-10-01T17:30:00Z".into(),
            verdict: "not restorable at period end: the oldest point is 30 Jun".into(),
        },
        Planted {
            source: "ledger-db",
            at: Some(ledger_pruned()),
            what: format!(
                "the July month-end dump (Melbourne: 1 Aug) pruned during the storage move, \
                 `expired_at` {}",
                {
                    let (y, m, d, h, mi) = LEDGER_PRUNED_AT;
                    rfc3339(utc(y, m, d, h, mi))
                }
            ),
            verdict: "no restorable point in the `monthly 2026-08` slot: fails \
                      `backup.retention_tiers` (1 of 14 slots); `backup.retention` still \
                      passes (30 Jun is older)"
                .into(),
        },
        Planted {
            source: "ledger-db",
            at: Some(utc(2026, 10, 31, 13, 0)),
            what: "the 13:00Z dump finishes at 13:12Z".into(),
            verdict: "ignored (finishes after the period end); the last gap is 09:12Z to 13:00Z"
                .into(),
        },
        Planted {
            source: "ledger-db",
            at: None,
            what: "no restore test at all".into(),
            verdict: "fails `backup.restore_test`: no successful restore test".into(),
        },
    ];

    Backups {
        repos,
        tests,
        events,
    }
}

/// The `[[input]]` blocks for the backups, in plan order, after a comment
/// saying where each file comes from. Each native file is its own input (a
/// directory input would pick files by their ending); the canonical rows share
/// one.
pub fn config_inputs(plan: &Backups) -> String {
    let paths: Vec<String> = plan.repos.iter().map(Repo::path).collect();
    let mut inputs: Vec<Input> = Vec::new();
    for (r, path) in plan.repos.iter().zip(&paths) {
        if r.tool == Tool::Csv {
            if !inputs.iter().any(|i| i.format == "csv") {
                inputs.push(Input::new("backups", "csv", path));
            }
            continue;
        }
        inputs.push(Input {
            source: Some(r.source),
            repository: Some(r.repository),
            region: Some(r.region),
            tenant: tenant_of(r.source),
            timezone: matches!(r.tool, Tool::BorgList | Tool::BorgInfo).then_some(TIMEZONE),
            ..Input::new("backups", r.tool.format(), path)
        });
    }
    inputs.push(Input::new("restore_tests", "csv", RESTORE_TESTS));
    format!(
        "\n# Backups. The restic and borg JSON is real tool output made by `demo-backups`;\n\
         # the CSVs are written by `demo`.\n{}",
        config_toml::inputs(&inputs)
    )
}

/// `evidence/backups/ledger-db.csv`: every canonical row, by start then repository.
pub fn ledger_csv(plan: &Backups) -> String {
    let mut rows: Vec<(&Repo, &Point)> = plan
        .repos
        .iter()
        .filter(|r| r.tool == Tool::Csv)
        .flat_map(|r| r.points.iter().map(move |p| (r, p)))
        .collect();
    rows.sort_by_key(|(r, p)| (p.started, r.repository));
    let mut s = String::from(
        "source,started_at,finished_at,status,snapshot_id,repository,region,encrypted,size_bytes,expired_at\n",
    );
    for (r, p) in rows {
        s.push_str(&format!(
            "{},{},{},success,{},{},{},{},{},{}\n",
            r.source,
            rfc3339(p.started),
            rfc3339(p.finished),
            p.name,
            r.repository,
            r.region,
            r.encrypted,
            p.size_bytes,
            p.expired.map(rfc3339).unwrap_or_default()
        ));
    }
    s
}

/// `evidence/restore_tests.csv`, by test time.
pub fn restore_tests_csv(plan: &Backups) -> String {
    let mut tests: Vec<&RestoreTest> = plan.tests.iter().collect();
    tests.sort_by_key(|t| (t.tested_at, t.source));
    let mut s = String::from("source,tested_at,outcome,snapshot_id,duration_seconds,reference\n");
    for t in tests {
        s.push_str(&format!(
            "{},{},{},{},{},{}\n",
            t.source,
            rfc3339(t.tested_at),
            if t.success { "success" } else { "failure" },
            t.snapshot_id,
            t.duration_seconds,
            t.reference
        ));
    }
    s
}

/// Write the deterministic part (`demo`): the canonical CSVs.
pub fn write_canonical(plan: &Backups, out: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(out.join(DIR))?;
    let ledger = out.join(DIR).join("ledger-db.csv");
    fs::write(&ledger, ledger_csv(plan))?;
    let tests = out.join(RESTORE_TESTS);
    fs::write(&tests, restore_tests_csv(plan))?;
    Ok(vec![ledger, tests])
}

/// A longest gap between successful finishes: `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub from: i64,
    pub to: i64,
}

impl Gap {
    pub fn length(&self) -> i64 {
        self.to - self.from
    }
}

/// SPEC §7: from the last finish before the period (else its start) through
/// every finish inside it to its end; finishes at or after the end are ignored.
/// The first of equally long gaps is reported.
pub fn longest_gap(finishes: &[i64], p0: i64, p1: i64) -> Gap {
    let mut sorted: Vec<i64> = finishes.iter().copied().filter(|&t| t < p1).collect();
    sorted.sort_unstable();
    let before = sorted.iter().copied().filter(|&t| t < p0).max();
    let mut points = vec![before.unwrap_or(p0)];
    points.extend(sorted.iter().copied().filter(|&t| t >= p0));
    points.push(p1);
    let mut best = Gap {
        from: points[0],
        to: points[0],
    };
    for w in points.windows(2) {
        if w[1] - w[0] > best.length() {
            best = Gap {
                from: w[0],
                to: w[1],
            };
        }
    }
    best
}

/// What SPEC §7 concludes about one source.
#[derive(Debug, Clone)]
pub struct Figures {
    pub source: &'static str,
    /// Successful backups finishing inside the period (all repositories).
    pub in_period: usize,
    pub rpo: Gap,
    pub offsite: Gap,
    pub offsite_in_period: usize,
    pub unencrypted: usize,
    /// Oldest restorable point at period end: (started, name).
    pub oldest: Option<(i64, String)>,
    /// Last successful restore test before period end: (tested_at, reference).
    pub last_test: Option<(i64, &'static str)>,
    pub failed_tests: usize,
    /// SPEC §15 "Retention tiers": the slots with no restorable point at period end,
    /// labelled as auditpack's detail names them (`monthly 2026-08`), tier by tier,
    /// oldest first.
    pub uncovered_slots: Vec<String>,
    /// Longest gap between consecutive successful finishes as a DST-blind tool
    /// reads borg's naive times (fixed +10:00), if the source uses borg:
    /// (primary, offsite).
    pub misread: Option<(i64, i64)>,
}

pub const CHECKS: [&str; 5] = [
    "backup.rpo",
    "backup.offsite",
    "backup.encryption",
    "backup.retention",
    "backup.restore_test",
];

impl Figures {
    pub fn age(&self) -> Option<i64> {
        self.oldest.as_ref().map(|(t, _)| period().1 - t)
    }

    pub fn test_age(&self) -> Option<i64> {
        self.last_test.map(|(t, _)| period().1 - t)
    }

    /// Pass/fail per check, in [`CHECKS`] order (bounds inclusive).
    pub fn verdicts(&self) -> [&'static str; 5] {
        let v = |ok: bool| if ok { "PASS" } else { "FAIL" };
        [
            v(self.rpo.length() <= POLICY.rpo),
            v(self.offsite.length() <= POLICY.offsite_max_age && self.offsite_in_period > 0),
            v(self.in_period > 0 && self.unencrypted == 0),
            v(self.age().is_some_and(|a| a >= POLICY.retention_min)),
            v(self
                .test_age()
                .is_some_and(|a| a <= POLICY.restore_test_max_age)),
        ]
    }
}

/// Longest gap between consecutive finishes of a repository's successful points
/// that end inside the period, read at a fixed `+10:00`.
fn misread_gap(repo: &Repo, p0: i64, p1: i64) -> i64 {
    let mut finishes: Vec<i64> = repo
        .successes()
        .map(|p| p.finished)
        .filter(|&t| t < p1)
        .collect();
    finishes.sort_unstable();
    finishes
        .windows(2)
        .filter(|w| w[1] >= p0)
        .map(|w| fixed_offset_misreading(w[1]) - fixed_offset_misreading(w[0]))
        .max()
        .unwrap_or(0)
}

/// SPEC §7 "Backups, exactly" on the plan, one [`Figures`] per source.
pub fn assess(plan: &Backups) -> Vec<Figures> {
    let (p0, p1) = period();
    SOURCES
        .iter()
        .map(|&source| {
            let repos: Vec<&Repo> = plan.repos.iter().filter(|r| r.source == source).collect();
            let ok: Vec<(&Repo, &Point)> = repos
                .iter()
                .flat_map(|r| r.successes().map(move |p| (*r, p)))
                .filter(|(_, p)| p.finished < p1)
                .collect();
            let finishes: Vec<i64> = ok.iter().map(|(_, p)| p.finished).collect();
            let offsite: Vec<i64> = ok
                .iter()
                .filter(|(r, _)| r.offsite())
                .map(|(_, p)| p.finished)
                .collect();
            let inside = |(_, p): &&(&Repo, &Point)| p.finished >= p0;
            let oldest = ok
                .iter()
                .filter(|(_, p)| p.started < p1 && p.expired.is_none_or(|e| e > p1))
                .min_by_key(|(_, p)| p.started)
                .map(|(_, p)| (p.started, p.name.clone()));
            let tests: Vec<&RestoreTest> = plan
                .tests
                .iter()
                .filter(|t| t.source == source && t.tested_at < p1)
                .collect();
            let misread = {
                let borg = |tool| repos.iter().find(|r| r.tool == tool);
                match (borg(Tool::BorgList), borg(Tool::BorgInfo)) {
                    (Some(a), Some(b)) => Some((misread_gap(a, p0, p1), misread_gap(b, p0, p1))),
                    _ => None,
                }
            };
            let restorable: Vec<i64> = ok
                .iter()
                .filter(|(_, p)| p.started < p1 && p.expired.is_none_or(|e| e > p1))
                .map(|(_, p)| p.started)
                .collect();
            Figures {
                source,
                uncovered_slots: uncovered_slots(&restorable, &TIERS),
                in_period: ok.iter().filter(inside).count(),
                rpo: longest_gap(&finishes, p0, p1),
                offsite: longest_gap(&offsite, p0, p1),
                offsite_in_period: ok
                    .iter()
                    .filter(inside)
                    .filter(|(r, _)| r.offsite())
                    .count(),
                unencrypted: ok
                    .iter()
                    .filter(inside)
                    .filter(|(r, _)| !r.encrypted)
                    .count(),
                oldest,
                last_test: tests
                    .iter()
                    .filter(|t| t.success)
                    .max_by_key(|t| t.tested_at)
                    .map(|t| (t.tested_at, t.reference)),
                failed_tests: tests.iter().filter(|t| !t.success).count(),
                misread,
            }
        })
        .collect()
}

/// The tier slots (SPEC §15) that no restorable point (by its start) falls in. Slots
/// are Melbourne calendar days, ISO weeks and months ending with the period's last
/// local day; a point covers the slot its local start date falls in.
pub fn uncovered_slots(restorable_starts: &[i64], tiers: &RetentionTiers) -> Vec<String> {
    let (_, p1) = period();
    let last = melbourne_date(p1 - 1);
    let dates: Vec<NaiveDate> = restorable_starts
        .iter()
        .map(|&t| melbourne_date(t))
        .collect();
    let mut out = Vec::new();
    for back in (0..tiers.daily).rev() {
        let day = last - Days::new(u64::from(back));
        if !dates.contains(&day) {
            out.push(format!("daily {}", day.format("%Y-%m-%d")));
        }
    }
    for back in (0..tiers.weekly).rev() {
        let week = (last - Days::new(7 * u64::from(back))).iso_week();
        if !dates.iter().any(|d| d.iso_week() == week) {
            out.push(format!("weekly {}-W{:02}", week.year(), week.week()));
        }
    }
    for back in (0..tiers.monthly).rev() {
        let first = last.with_day(1).expect("day 1 exists") - Months::new(back);
        if !dates
            .iter()
            .any(|d| (d.year(), d.month()) == (first.year(), first.month()))
        {
            out.push(format!("monthly {}", first.format("%Y-%m")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_slots_follow_melbourne_dates() {
        // 31 Jul 17:00Z is 1 Aug in Melbourne: it covers August, not July.
        let tiers = RetentionTiers {
            daily: 0,
            weekly: 0,
            monthly: 4,
        };
        let starts = [
            utc(2026, 7, 31, 17, 0),
            utc(2026, 9, 20, 0, 0),
            utc(2026, 10, 2, 0, 0),
        ];
        assert_eq!(uncovered_slots(&starts, &tiers), vec!["monthly 2026-07"]);
        // The period's last local day is Sat 31 Oct, in ISO week 44.
        let tiers = RetentionTiers {
            daily: 2,
            weekly: 1,
            monthly: 0,
        };
        assert_eq!(
            uncovered_slots(&[utc(2026, 10, 30, 13, 0)], &tiers),
            vec!["daily 2026-10-30"]
        );
        assert_eq!(
            uncovered_slots(&[], &tiers).last().map(String::as_str),
            Some("weekly 2026-W44")
        );
    }

    #[test]
    fn gaps_follow_the_spec() {
        let (p0, p1) = (100, 200);
        // The last finish before the period opens the first gap.
        assert_eq!(
            longest_gap(&[40, 130, 190], p0, p1),
            Gap { from: 40, to: 130 }
        );
        // None before: the period start opens it; finishes at the end are ignored.
        assert_eq!(
            longest_gap(&[150, 200, 250], p0, p1),
            Gap { from: 100, to: 150 }
        );
        // Nothing at all: the whole span.
        assert_eq!(longest_gap(&[], p0, p1), Gap { from: 100, to: 200 });
    }

    #[test]
    fn the_plan_does_what_the_readme_says() {
        let plan = plan();
        let figures = assess(&plan);
        let get = |s: &str| figures.iter().find(|f| f.source == s).unwrap();
        let payroll = get("payroll-db");
        assert_eq!(payroll.rpo.length(), 8 * HOUR);
        assert_eq!(payroll.rpo.from, utc(2026, 10, 17, 4, 0));
        assert_eq!(payroll.offsite.length(), 24 * HOUR);
        let files = get("customer-files");
        assert_eq!(files.rpo.length(), 4 * HOUR);
        assert_eq!(files.misread, Some((5 * HOUR, 25 * HOUR)));
        assert_eq!(files.oldest.as_ref().unwrap().0, utc(2026, 6, 30, 16, 0));
        let ledger = get("ledger-db");
        assert_eq!(ledger.oldest.as_ref().unwrap().0, utc(2026, 6, 30, 17, 0));
        assert!(ledger.last_test.is_none());
    }

    #[test]
    fn csvs_are_stable() {
        let plan = plan();
        let ledger = ledger_csv(&plan);
        assert!(ledger.starts_with("source,started_at,finished_at,status,"));
        assert!(ledger.contains(
            "ledger-db,2026-10-01T01:00:00Z,2026-10-01T01:12:00Z,success,ledger-db-2026-10-01T01:00,ledger-db-primary,au-southeast-1,true,"
        ));
        assert!(ledger.contains(
            "ledger-db,2026-10-01T03:30:00Z,2026-10-01T03:52:00Z,success,ledger-db-2026-10-01T01:00,ledger-db-offsite,au-southwest-1,true,"
        ));
        assert_eq!(
            restore_tests_csv(&plan).lines().nth(3),
            Some("payroll-db,2026-10-12T01:30:00Z,success,,1184,RT-2026-10-01")
        );
    }
}
