//! Evidence tables as both sides read them: the column names the checks write and the
//! renderers look up ([`columns`], one constant per name, so that a renamed column
//! fails to compile or fails a test instead of blanking a table), lookups that fail
//! loudly ([`EvidenceTable::column`]), and which rows of a check's table offend
//! ([`Assessment::offending_rows`]).
//!
//! Nothing here formats a cell (renderers do) or reads a file.

use std::fmt;

use super::{Assessment, Cell, CheckId, EvidenceTable, Millis};

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

    // `inputs.rejected_rows`.
    pub const FORMAT: &str = "format";
    pub const ROWS: &str = "rows";
    pub const REJECTED_ROWS: &str = "rejected_rows";
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

/// How a check's evidence rows are judged offending.
///
/// Today the model decides from the check's own rule (the comparisons below are the
/// checks' comparisons, on the same policy values). Once [`EvidenceTable`] carries a
/// per-row flag the checks set, [`Assessment::offending_rows`] returns that flag and
/// this rule goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffendingRule {
    /// The check writes only offending rows (events).
    Every,
    /// A row offends when this column is empty; a table without the column lists
    /// offending rows only (`access.support_ticket` lists every support access with
    /// its ticket in a due-diligence pack, only those without one in a monthly pack).
    WithoutValue(&'static str),
    /// One row per measurement; a row offends when its hours exceed the check's limit
    /// (within the limit passes, as the check judges it).
    OverLimit { column: &'static str, limit: Millis },
    /// The rows are the workings of the check's figures; none is singled out.
    NotJudged,
}

const HOUR: f64 = 3_600_000.0;

/// Which rows of one check's evidence table offend, in the table's (the CSV's) order.
#[derive(Debug, Clone, PartialEq)]
pub struct Offending<'a> {
    pub rule: OffendingRule,
    /// One flag per row of the table.
    pub flags: Vec<bool>,
    /// The offending rows.
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
    /// The rule that decides which of `check`'s evidence rows offend.
    pub fn offending_rule(&self, check: CheckId) -> OffendingRule {
        let over = |limit: Millis| OffendingRule::OverLimit {
            column: columns::HOURS,
            limit,
        };
        match check {
            CheckId::AccessMfa | CheckId::AccessLeaverLogin | CheckId::LoggingIntegrity => {
                OffendingRule::Every
            }
            CheckId::AccessSupportTicket => OffendingRule::WithoutValue(columns::TICKET),
            CheckId::AccessLeaverDeactivation => over(self.policy.leaver_deactivation_max),
            CheckId::AccessSharedCredentialRotation => {
                over(self.policy.shared_credential_rotation_max)
            }
            CheckId::LoggingGaps => over(self.policy.max_log_gap),
            CheckId::MonitoringAlertResolution => over(self.policy.alert_resolution_max),
            CheckId::UptimeAvailability
            | CheckId::UptimeCoverage
            | CheckId::BackupRpo
            | CheckId::BackupOffsite
            | CheckId::BackupEncryption
            | CheckId::BackupRetention
            | CheckId::BackupRestoreTest
            | CheckId::InputsRejectedRows => OffendingRule::NotJudged,
            // Checks of SPEC §15 and later: flags set by the check (see the registry).
            _ => OffendingRule::NotJudged,
        }
    }

    /// The offending rows of `check`'s evidence (none when it has no table), or the
    /// column its rule needs and the table lacks.
    pub fn offending_rows(&self, check: CheckId) -> Result<Offending<'_>, MissingColumn> {
        let rule = self.offending_rule(check);
        let Some(table) = self.evidence.get(&check) else {
            return Ok(Offending {
                rule,
                flags: Vec::new(),
                rows: Vec::new(),
            });
        };
        let flags: Vec<bool> = match rule {
            OffendingRule::Every => vec![true; table.rows.len()],
            OffendingRule::NotJudged => vec![false; table.rows.len()],
            OffendingRule::WithoutValue(name) => match table.column(name) {
                Err(_) => vec![true; table.rows.len()],
                Ok(index) => table
                    .rows
                    .iter()
                    .map(|row| match row.get(index) {
                        None | Some(Cell::Empty) => true,
                        Some(Cell::Text(text)) => text.is_empty(),
                        Some(_) => false,
                    })
                    .collect(),
            },
            OffendingRule::OverLimit { column, limit } => {
                let index = table.column(column)?;
                // The checks compare hours as `ms / HOUR` with `limit_ms / HOUR`.
                let limit = limit as f64 / HOUR;
                table
                    .rows
                    .iter()
                    .map(|row| matches!(row.get(index), Some(Cell::Hours(h)) if *h > limit))
                    .collect()
            }
        };
        let rows = table
            .rows
            .iter()
            .zip(&flags)
            .filter(|(_, offending)| **offending)
            .map(|(row, _)| row.as_slice())
            .collect();
        Ok(Offending { rule, flags, rows })
    }
}
