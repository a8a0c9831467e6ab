//! The assessment: everything one run found, in the order the outputs show it.

use std::collections::BTreeMap;

use chrono_tz::Tz;

use super::{
    AttestationEntry, CheckId, ControlStatus, Millis, Policy, Status, WaiverEntry, WaiverNote,
};
use crate::period::Period;

/// The unit of a finding's measured value; it fixes the precision outputs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Hours,
    Days,
    Count,
    Minutes,
    Milliseconds,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Hours => "hours",
            Unit::Days => "days",
            Unit::Count => "count",
            Unit::Minutes => "minutes",
            Unit::Milliseconds => "ms",
        }
    }

    /// Fixed precision of SPEC §9 and §15: percentages 4 decimals; hours, days, minutes
    /// and milliseconds 2; counts 0.
    pub fn decimals(self) -> usize {
        match self {
            Unit::Percent => 4,
            Unit::Hours | Unit::Days | Unit::Minutes | Unit::Milliseconds => 2,
            Unit::Count => 0,
        }
    }

    pub fn format(self, value: f64) -> String {
        format!("{:.*}", self.decimals(), value)
    }
}

/// One row of `findings.csv`: one check, one subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub check: CheckId,
    /// Annex A control ids the check is bound to.
    pub controls: Vec<String>,
    pub subject: String,
    pub status: Status,
    /// The measured value, unrounded; `None` when there is nothing to measure.
    pub measured: Option<f64>,
    pub target: Option<f64>,
    pub unit: Unit,
    pub detail: String,
    /// The waiver that made this row `waived`, or, on a row that still fails, the
    /// expired waiver that would have covered it.
    pub waiver: Option<WaiverNote>,
}

/// A typed cell of an evidence table; renderers format it (times as UTC `Z`, fixed
/// precision for numbers), checks never format.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Time(Millis),
    /// A duration, written in seconds.
    Seconds(Millis),
    Percent(f64),
    Hours(f64),
    Days(f64),
    Minutes(f64),
    Milliseconds(f64),
    Count(u64),
    Empty,
}

/// The rows behind one check's figures: `evidence/<check_id>.csv`. Built with
/// [`EvidenceTable::new`] and [`EvidenceTable::push`] (see `model::evidence`).
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceTable {
    pub columns: Vec<&'static str>,
    pub rows: Vec<EvidenceRow>,
}

/// One row of an [`EvidenceTable`]: its cells, one per column, and whether the check
/// that wrote it judged it offending. The flag travels with the cells, so sorting,
/// filtering or dropping a column cannot put it out of step.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    pub cells: Vec<Cell>,
    /// The row broke the check's limit, as the check decided before policy floors and
    /// waivers (a floor fails every row; a waiver does not make a late row on time).
    /// Not a column: the CSV does not show it.
    pub offending: bool,
}

/// A maximal stretch of quorum downtime outside scheduled maintenance (SPEC §7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub service: String,
    pub start: Millis,
    pub end: Millis,
    /// Locations that reported down at some point inside the incident, sorted.
    pub locations: Vec<String>,
}

impl Incident {
    pub fn duration_ms(&self) -> Millis {
        self.end - self.start
    }
}

/// Availability of one service over one local calendar day (for the daily chart).
#[derive(Debug, Clone, PartialEq)]
pub struct DailyAvailability {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    pub start: Millis,
    pub end: Millis,
    pub down_ms: Millis,
    pub no_data_ms: Millis,
    pub scheduled_ms: Millis,
    /// `None` when nothing of the day was measured.
    pub availability: Option<f64>,
}

/// The figures of SPEC §7 "Availability, exactly" for one service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAvailability {
    pub service: String,
    pub locations: Vec<String>,
    pub quorum: usize,
    pub period_ms: Millis,
    pub scheduled_ms: Millis,
    pub no_data_ms: Millis,
    pub down_ms: Millis,
    pub measured_ms: Millis,
    pub availability: Option<f64>,
    pub coverage: Option<f64>,
    pub error_budget_used: Option<f64>,
    pub incidents: usize,
    pub daily: Vec<DailyAvailability>,
    /// `uptime.latency` (SPEC §15): `None` when the service has no latency value.
    pub latency: Option<ServiceLatency>,
    /// `uptime.trailing_availability` (SPEC §15) over its trailing window.
    pub trailing: TrailingAvailability,
}

/// `capacity.headroom`'s figure per local day of the period, for one cluster (SPEC §15).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterCapacity {
    pub cluster: String,
    pub daily: Vec<DailyPeak>,
}

/// A cluster's highest load on the survivors on one local day.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyPeak {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    /// `None` when no instant of the day had more hosts than the margin.
    pub peak: Option<f64>,
    /// Over `capacity_failover_max_percent`.
    pub over_limit: bool,
}

/// Latency of one service's up samples in the period, outside scheduled windows (SPEC
/// §15): nearest-rank percentiles, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLatency {
    pub n: u64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    /// Per local day of the period (for the chart); days without a value are left out.
    pub daily: Vec<DailyLatency>,
}

/// Latency of one service over one local day.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyLatency {
    /// The local date, `YYYY-MM-DD`.
    pub date: String,
    pub n: u64,
    pub p50: f64,
    pub p95: f64,
}

/// SPEC §7's availability over `[from, to)`: the `trailing_months` calendar months that
/// end with the period (SPEC §15).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrailingAvailability {
    pub from: Millis,
    pub to: Millis,
    pub months: u32,
    pub scheduled_ms: Millis,
    pub no_data_ms: Millis,
    pub down_ms: Millis,
    pub measured_ms: Millis,
    /// `None` when nothing of the window was measured.
    pub availability: Option<f64>,
    /// The covered share: `100 × measured / (window − scheduled)`.
    pub coverage: Option<f64>,
    /// The service's first sample in the window.
    pub first_sample: Option<Millis>,
}

/// The backup figures of one source (SPEC §7 "Backups, exactly"), for the PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceBackups {
    pub source: String,
    /// The tenants whose data the source holds: the `tenant` of its backup rows, and
    /// the tenant an input declares for every row it reads. Empty for a platform
    /// source (a shared database holding every tenant's data). Sorted.
    pub tenants: Vec<String>,
    /// Where its copies are: one entry per repository and region, by repository.
    pub repositories: Vec<BackupRepository>,
    /// Finish times of successful backups inside the period.
    pub successes: Vec<Millis>,
    /// Finish times of successful offsite copies inside the period.
    pub offsite: Vec<Millis>,
    /// Start times of failed or partial runs inside the period.
    pub failed: Vec<Millis>,
    /// The longest gap between successful backups, `(from, to)`.
    pub longest_gap: Option<(Millis, Millis)>,
    pub longest_offsite_gap: Option<(Millis, Millis)>,
    pub unencrypted: u64,
    /// `started_at` of the oldest restorable point at period end.
    pub oldest_restorable: Option<Millis>,
    pub last_restore_test: Option<Millis>,
}

impl SourceBackups {
    /// A source with nothing found yet: no tenant, no repository, no backup.
    pub fn new(source: &str) -> SourceBackups {
        SourceBackups {
            source: source.to_string(),
            tenants: Vec::new(),
            repositories: Vec::new(),
            successes: Vec::new(),
            offsite: Vec::new(),
            failed: Vec::new(),
            longest_gap: None,
            longest_offsite_gap: None,
            unencrypted: 0,
            oldest_restorable: None,
            last_restore_test: None,
        }
    }
}

/// One repository of a source's backups: where a copy of the data is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupRepository {
    /// Empty when the rows do not name one.
    pub repository: String,
    /// Empty when the rows do not say.
    pub region: String,
    /// In a region other than the organisation's primary region.
    pub offsite: bool,
    /// Successful backups finishing inside the period.
    pub successes: u64,
    /// The finish time of the last of them.
    pub last_success: Option<Millis>,
}

/// A maintenance window as read, with the verdict on its notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaintenanceWindow {
    pub service: String,
    pub start: Millis,
    pub end: Millis,
    pub announced_at: Option<Millis>,
    pub reference: String,
    /// Announced at least `maintenance_notice` before it started.
    pub scheduled: bool,
}

/// One row of `inputs.csv`: a file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path relative to the configuration file's directory, `/`-separated.
    pub path: String,
    pub kind: String,
    pub format: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows: u64,
    pub rejected_rows: u64,
}

/// A row that could not be read (SPEC §12).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rejected {
    pub path: String,
    /// Physical 1-based line, or the element index for whole-document JSON.
    pub line: u64,
    pub reason: String,
}

/// One row of the Statement of Applicability (`controls.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct ControlRow {
    pub id: String,
    pub title: String,
    pub theme: String,
    pub status: ControlStatus,
    /// Checks bound to the control that produced rows.
    pub checks: Vec<CheckId>,
    /// The SOC 2 criteria the crosswalk maps the control to.
    pub soc2: Vec<String>,
    pub justification: String,
    /// Pack files that carry the evidence.
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    pub timezone: Tz,
    pub primary_region: String,
}

/// Row counts by status, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    pub pass: usize,
    pub fail: usize,
    pub waived: usize,
    pub not_evaluated: usize,
    pub error: usize,
}

impl StatusCounts {
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::Waived => self.waived,
            Status::NotEvaluated => self.not_evaluated,
            Status::Error => self.error,
        }
    }

    pub fn total(&self) -> usize {
        self.pass + self.fail + self.waived + self.not_evaluated + self.error
    }
}

/// The single result of a run. Every output is rendered from it.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub tool_version: &'static str,
    pub generated_at: Millis,
    pub organisation: Organisation,
    pub period: Period,
    pub policy: Policy,
    pub template: String,
    pub tenant: Option<String>,
    /// Sorted by check id (as text), then subject.
    pub findings: Vec<Finding>,
    pub evidence: BTreeMap<CheckId, EvidenceTable>,
    /// Annex A order.
    pub controls: Vec<ControlRow>,
    /// Sorted by service, then start.
    pub incidents: Vec<Incident>,
    /// Sorted by service.
    pub services: Vec<ServiceAvailability>,
    /// Sorted by service, then start.
    pub maintenance: Vec<MaintenanceWindow>,
    /// Per cluster, `capacity.headroom`'s daily figures (SPEC §15).
    pub capacity: Vec<ClusterCapacity>,
    /// The business-hours intervals of the period, `[start, end)` in time order, as
    /// `maintenance.business_hours` counts them (SPEC §15).
    pub business_hours: Vec<(Millis, Millis)>,
    /// Sorted by source.
    pub backups: Vec<SourceBackups>,
    /// Sorted by path.
    pub inputs: Vec<InputFile>,
    /// Sorted by path, then line.
    pub rejected: Vec<Rejected>,
    /// Every declared waiver with its state, sorted by check id, subject, expiry.
    pub waivers: Vec<WaiverEntry>,
    /// Every declared attestation with its state, in catalogue order.
    pub attestations: Vec<AttestationEntry>,
    /// Public-key fingerprints of the pack's signers (filled when the pack is signed).
    pub signers: Vec<String>,
}

impl Assessment {
    pub fn counts(&self) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for finding in &self.findings {
            match finding.status {
                Status::Pass => counts.pass += 1,
                Status::Fail => counts.fail += 1,
                Status::Waived => counts.waived += 1,
                Status::NotEvaluated => counts.not_evaluated += 1,
                Status::Error => counts.error += 1,
            }
        }
        counts
    }

    /// `fail` if any row fails (or errs), else `pass` (SPEC §9).
    pub fn verdict(&self) -> Status {
        if self.findings.iter().any(|f| f.status.is_failing(false)) {
            Status::Fail
        } else {
            Status::Pass
        }
    }

    pub fn control_counts(&self) -> BTreeMap<ControlStatus, usize> {
        let mut counts = BTreeMap::new();
        for control in &self.controls {
            *counts.entry(control.status).or_insert(0) += 1;
        }
        counts
    }
}
