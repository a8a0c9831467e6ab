//! Evidence tables as both sides read them: the column names the checks write and the
//! renderers look up ([`columns`], one constant per name, so that a renamed column
//! fails to compile or fails a test instead of blanking a table), lookups that fail
//! loudly ([`EvidenceTable::column`]), how a check builds its table with a flag per
//! row ([`EvidenceTable::push`]), and which rows of a check's table offend
//! ([`Assessment::offending_rows`], the checks' flags).
//!
//! Nothing here formats a cell (renderers do) or reads a file.

use std::fmt;

use super::{Assessment, Cell, CheckId, EvidenceRow, EvidenceTable};

/// The column names of `evidence/<check>.csv`, as the checks write them and the
/// renderers look them up.
pub mod columns {
    // Audit events (`access.mfa`, `access.leaver_login`, `access.support_ticket`).
    /// The findings row's subject an event belongs to.
    pub const SUBJECT: &str = "subject";
    pub const TIME: &str = "time";
    pub const ACTOR: &str = "actor";
    /// Dropped from a tenant's support-access table, which is all one tenant's.
    pub const TENANT: &str = "tenant";
    pub const TARGET: &str = "target";
    /// Dropped (not emptied) from every table of a due-diligence pack.
    pub const IP: &str = "ip";
    pub const NOTE: &str = "note";
    /// The audit file of an event or a broken link.
    pub const FILE: &str = "file";
    /// The line in [`FILE`] or [`PATH`].
    pub const LINE: &str = "line";
    /// A tenant's support accesses (due-diligence pack).
    pub const ROLE: &str = "role";
    pub const TICKET: &str = "ticket";

    // `access.leaver_deactivation`.
    pub const LEFT_AT: &str = "left_at";
    pub const DEACTIVATED_AT: &str = "deactivated_at";
    pub const DEACTIVATED_BY: &str = "deactivated_by";
    /// A measured time in hours (deactivation, rotation, silence, alert resolution,
    /// backup gap).
    pub const HOURS: &str = "hours";

    // `access.shared_credential_rotation`.
    pub const CREDENTIAL: &str = "credential";
    pub const LEAVER: &str = "leaver";
    pub const ROTATED_AT: &str = "rotated_at";

    // `logging.integrity`.
    pub const REASON: &str = "reason";

    // `logging.gaps`, and the backup tables.
    pub const SOURCE: &str = "source";
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const EVENTS_IN_PERIOD: &str = "events_in_period";

    // `monitoring.alert_resolution` (and [`TARGET`], [`HOURS`], [`FILE`], [`LINE`]).
    pub const ALERT: &str = "alert";
    pub const SEVERITY: &str = "severity";
    pub const STARTED_AT: &str = "started_at";
    pub const RESOLVED_AT: &str = "resolved_at";

    // `backup.*`.
    /// What a backup row is: one of [`super::kinds`], or a failed run's outcome.
    pub const KIND: &str = "kind";
    pub const REPOSITORY: &str = "repository";
    pub const REGION: &str = "region";
    pub const SNAPSHOT_ID: &str = "snapshot_id";
    /// The input file of a backup or uptime row (audit tables say [`FILE`]).
    pub const PATH: &str = "path";
    pub const FINISHED_AT: &str = "finished_at";
    pub const ENCRYPTED: &str = "encrypted";
    pub const OLDEST_RESTORABLE: &str = "oldest_restorable";
    pub const AGE_DAYS: &str = "age_days";
    pub const TESTED_AT: &str = "tested_at";
    pub const OUTCOME: &str = "outcome";
    pub const REFERENCE: &str = "reference";
    pub const DAYS_TO_PERIOD_END: &str = "days_to_period_end";

    // `uptime.*`.
    pub const SERVICE: &str = "service";
    pub const DURATION_SECONDS: &str = "duration_seconds";
    pub const LOCATIONS: &str = "locations";
    // `uptime.latency` (and [`SERVICE`]).
    /// n: the up samples with a latency value counted.
    pub const SAMPLES: &str = "samples";
    pub const P50_MS: &str = "p50_ms";
    pub const P95_MS: &str = "p95_ms";
    pub const P99_MS: &str = "p99_ms";
    pub const MAX_MS: &str = "max_ms";
    /// Samples left out for being inside a scheduled window.
    pub const EXCLUDED_SCHEDULED: &str = "excluded_scheduled";
    // `uptime.trailing_availability` (and [`SERVICE`], [`START`], [`END`]).
    pub const FIRST_SAMPLE: &str = "first_sample";
    pub const DOWN_SECONDS: &str = "down_seconds";
    pub const NO_DATA_SECONDS: &str = "no_data_seconds";
    pub const SCHEDULED_SECONDS: &str = "scheduled_seconds";
    pub const MEASURED_SECONDS: &str = "measured_seconds";
    pub const AVAILABILITY_PERCENT: &str = "availability_percent";
    pub const COVERED_PERCENT: &str = "covered_percent";

    // `capacity.headroom` (and [`TIME`], [`PATH`], [`LINE`]).
    pub const CLUSTER: &str = "cluster";
    /// n(t): the hosts with a sample at the rounded instant.
    pub const HOSTS_SAMPLED: &str = "hosts_sampled";
    /// D(t): the sum of their `used_percent`.
    pub const LOAD_SUM_PERCENT: &str = "load_sum_percent";
    /// D(t) / (n(t) − margin): the load on each host left after losing the margin.
    pub const SURVIVOR_LOAD_PERCENT: &str = "survivor_load_percent";
    pub const HOST: &str = "host";
    /// When a host's counted sample was taken (inside the rounded instant's step).
    pub const SAMPLED_AT: &str = "sampled_at";
    pub const USED_PERCENT: &str = "used_percent";

    // `monitoring.disk_alerting` (and [`HOST`], [`START`], [`END`], [`ALERT`],
    // [`NOTE`], [`PATH`], [`LINE`]). [`ALERT`] names the timely alert; empty: none.
    pub const MOUNT: &str = "mount";
    pub const PEAK_USED_PERCENT: &str = "peak_used_percent";
    pub const ALERT_STARTED_AT: &str = "alert_started_at";

    // `inputs.rejected_rows`.
    pub const FORMAT: &str = "format";
    pub const ROWS: &str = "rows";
    pub const REJECTED_ROWS: &str = "rejected_rows";

    // maintenance.*
    pub const ANNOUNCED_AT: &str = "announced_at";
    pub const NOTICE_HOURS: &str = "notice_hours";
    pub const VERDICT: &str = "verdict";
    pub const MINUTES_IN_BUSINESS_HOURS: &str = "minutes_in_business_hours";

    // SPEC §16: `access.password_policy`, `crypto.at_rest`, `crypto.in_transit` (and
    // [`HOST`], [`PATH`], [`LINE`]).
    pub const OBSERVED_AT: &str = "observed_at";
    pub const POLICY: &str = "policy";
    pub const MIN_LENGTH: &str = "min_length";
    pub const REQUIRE_UPPER: &str = "require_upper";
    pub const REQUIRE_LOWER: &str = "require_lower";
    pub const REQUIRE_DIGIT: &str = "require_digit";
    pub const REQUIRE_SYMBOL: &str = "require_symbol";
    /// What a password policy lacks, or why its snapshot does not count.
    pub const MISSING: &str = "missing";
    pub const VOLUME: &str = "volume";
    pub const METHOD: &str = "method";
    pub const ENDPOINT: &str = "endpoint";
    pub const PROTOCOL: &str = "protocol";
    pub const ACCEPTED: &str = "accepted";
    pub const CERT_NOT_AFTER: &str = "cert_not_after";

    // backup.retention_tiers
    pub const TIER: &str = "tier";
    pub const SLOT: &str = "slot";
    pub const COVERED_BY_STARTED_AT: &str = "covered_by_started_at";
}

/// The values of a `backup.rpo` / `backup.offsite` row's [`columns::KIND`] that are the
/// gap's own rows; any other value is a failed or partial run's outcome.
pub mod kinds {
    /// The longest gap itself.
    pub const LONGEST_GAP: &str = "longest_gap";
    /// The last successful backup before the period, where the first gap opens.
    pub const BEFORE_PERIOD: &str = "before_period";
    /// A successful backup inside the period.
    pub const BACKUP: &str = "backup";
}

/// A column an evidence table does not have: a check and a renderer disagree on its
/// name. Never a fault of the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingColumn {
    pub column: &'static str,
    /// The columns the table has.
    pub columns: Vec<&'static str>,
}

impl fmt::Display for MissingColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no column `{}` (the table has {})",
            self.column,
            self.columns.join(", ")
        )
    }
}

impl std::error::Error for MissingColumn {}

impl EvidenceTable {
    /// A table with these columns and no row yet.
    pub fn new(columns: &[&'static str]) -> EvidenceTable {
        EvidenceTable {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// A table of rows that all offend: a check that writes only the offending rows
    /// (events, broken links).
    pub fn offending(columns: &[&'static str], rows: Vec<Vec<Cell>>) -> EvidenceTable {
        let mut table = EvidenceTable::new(columns);
        rows.into_iter().for_each(|cells| table.push(cells, true));
        table
    }

    /// A table of rows none of which offends: the workings of a check's figures.
    pub fn unjudged(columns: &[&'static str], rows: Vec<Vec<Cell>>) -> EvidenceTable {
        let mut table = EvidenceTable::new(columns);
        rows.into_iter().for_each(|cells| table.push(cells, false));
        table
    }

    /// Adds a row, `offending` when the check judged it so.
    pub fn push(&mut self, cells: Vec<Cell>, offending: bool) {
        self.rows.push(EvidenceRow { cells, offending });
    }

    /// The index of column `name`, or which column is missing.
    pub fn column(&self, name: &'static str) -> Result<usize, MissingColumn> {
        self.columns
            .iter()
            .position(|c| *c == name)
            .ok_or_else(|| MissingColumn {
                column: name,
                columns: self.columns.clone(),
            })
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.columns.contains(&name)
    }
}

/// Which rows of one check's evidence table offend, in the table's (the CSV's) order:
/// the flags the check set ([`EvidenceRow::offending`]), read, not decided, here.
#[derive(Debug, Clone, PartialEq)]
pub struct Offending<'a> {
    /// One flag per row of the table.
    pub flags: Vec<bool>,
    /// The offending rows' cells.
    pub rows: Vec<&'a [Cell]>,
}

impl Offending<'_> {
    pub fn count(&self) -> usize {
        self.rows.len()
    }

    pub fn is_offending(&self, row: usize) -> bool {
        self.flags.get(row).copied().unwrap_or(false)
    }
}

impl Assessment {
    /// The rows of `check`'s evidence its check flagged as offending (none when it has
    /// no table).
    pub fn offending_rows(&self, check: CheckId) -> Offending<'_> {
        let rows = self.evidence.get(&check).map_or(&[][..], |t| &t.rows[..]);
        Offending {
            flags: rows.iter().map(|row| row.offending).collect(),
            rows: rows
                .iter()
                .filter(|row| row.offending)
                .map(|row| row.cells.as_slice())
                .collect(),
        }
    }
}
