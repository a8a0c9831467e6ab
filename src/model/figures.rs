//! The figures the outputs show beside the rows: counts by status, theme and state,
//! each service's availability with the status of its finding, the verdicts, the failed
//! backup runs. Every renderer and the CLI read them from here, so no output counts,
//! compares with the policy or decides a status on its own, and two outputs can never
//! disagree.
//!
//! Nothing here formats (no labels, no colours, no rounding) or reads a file.

use std::collections::BTreeMap;

use super::evidence::{columns, MissingColumn};
use super::Assessment;
use super::{
    AttestationKind, AttestationState, Cell, CheckId, ControlRow, ControlStatus, DailyAvailability,
    Finding, Millis, ServiceAvailability, ServiceLatency, Status, StatusCounts, WaiverState,
};

/// Annex A themes in the standard's order.
pub const ANNEX_A_THEMES: [&str; 4] = ["Organizational", "People", "Physical", "Technological"];

impl Status {
    /// The statuses from the one that weighs most in a summary to the least.
    pub const WORST_FIRST: [Status; 5] = [
        Status::Fail,
        Status::Error,
        Status::Waived,
        Status::NotEvaluated,
        Status::Pass,
    ];
}

impl StatusCounts {
    /// The rows counted by status.
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for finding in findings {
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

    /// Rows that neither pass nor fail: waived and not evaluated (JUnit's `skipped`).
    pub fn skipped(&self) -> usize {
        self.waived + self.not_evaluated
    }

    /// The worst status any row has ([`Status::WORST_FIRST`]); `None` without rows.
    pub fn worst(&self) -> Option<Status> {
        Status::WORST_FIRST
            .into_iter()
            .find(|status| self.get(*status) > 0)
    }
}

/// The controls of one Annex A theme by status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeCounts {
    pub theme: String,
    pub controls: usize,
    pub by_status: BTreeMap<ControlStatus, usize>,
}

impl ThemeCounts {
    pub fn get(&self, status: ControlStatus) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }
}

/// The declared waivers by state at the period end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WaiverCounts {
    pub declared: usize,
    pub active: usize,
    pub expiring: usize,
    pub expired: usize,
    /// Active and expiring: those that apply.
    pub in_force: usize,
}

/// The declared attestations by state; `implemented` and `not_applicable` count the
/// current ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttestationCounts {
    pub declared: usize,
    pub implemented: usize,
    pub not_applicable: usize,
    pub stale: usize,
    /// The controls of the stale ones, in catalogue order.
    pub stale_controls: Vec<String>,
}

/// One service's availability figures with the finding that judged them.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFigures<'a> {
    pub service: &'a ServiceAvailability,
    /// The service's `uptime.availability` row, after waivers and policy floors.
    pub finding: Option<&'a Finding>,
    /// Its status: what findings.csv says of the service's availability.
    pub status: Option<Status>,
    /// Per day of `service.daily`: measured below the policy's availability target.
    pub days_below_target: Vec<bool>,
}

/// One service's latency figures (`uptime.latency`) with its finding's status.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyFigures<'a> {
    pub service: &'a str,
    pub latency: &'a ServiceLatency,
    /// What findings.csv says of the service's latency.
    pub status: Option<Status>,
    /// Per day of `latency.daily`: its p95 over the policy's `latency_p95_max`.
    pub days_over_target: Vec<bool>,
}

/// The not-evaluated rows that share a reason (their `detail`).
#[derive(Debug, Clone, PartialEq)]
pub struct NotEvaluatedReason<'a> {
    /// The rows' detail; empty when the check gave none.
    pub detail: &'a str,
    pub findings: Vec<&'a Finding>,
}

/// A failed or partial backup run, with what the `backup.rpo` evidence says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedRun<'a> {
    pub source: &'a str,
    pub started: Millis,
    pub finished: Option<Millis>,
    /// The run's outcome as the evidence writes it (`failure`, `partial`, …).
    pub outcome: Option<&'a str>,
    pub repository: Option<&'a str>,
}

impl Assessment {
    /// Rows that fail `auditpack check`: `fail` and `error`, and `not_evaluated` when
    /// `strict`.
    pub fn failing(&self, strict: bool) -> usize {
        self.findings
            .iter()
            .filter(|f| f.status.is_failing(strict))
            .count()
    }

    /// `auditpack check`'s verdict: `fail` when any row fails (see [`Self::failing`]);
    /// not strict, it is the pack's [`Self::verdict`].
    pub fn check_verdict(&self, strict: bool) -> Status {
        if self.failing(strict) > 0 {
            Status::Fail
        } else {
            Status::Pass
        }
    }

    /// The number of controls with `status`.
    pub fn control_count(&self, status: ControlStatus) -> usize {
        self.controls.iter().filter(|c| c.status == status).count()
    }

    /// Controls by theme and status: the four Annex A themes in the standard's order
    /// (also when no control has them), then any other theme of the catalogue in the
    /// order its first control comes.
    pub fn theme_counts(&self) -> Vec<ThemeCounts> {
        let mut themes: Vec<&str> = ANNEX_A_THEMES.to_vec();
        for control in &self.controls {
            if !themes.contains(&control.theme.as_str()) {
                themes.push(&control.theme);
            }
        }
        themes
            .into_iter()
            .map(|theme| {
                let mut counts = ThemeCounts {
                    theme: theme.to_string(),
                    controls: 0,
                    by_status: BTreeMap::new(),
                };
                for control in self.controls.iter().filter(|c| c.theme == theme) {
                    counts.controls += 1;
                    *counts.by_status.entry(control.status).or_insert(0) += 1;
                }
                counts
            })
            .collect()
    }

    /// The control row of Annex A control `id`.
    pub fn control(&self, id: &str) -> Option<&ControlRow> {
        self.controls.iter().find(|c| c.id == id)
    }

    pub fn waiver_counts(&self) -> WaiverCounts {
        let count = |state: WaiverState| self.waivers.iter().filter(|e| e.state == state).count();
        WaiverCounts {
            declared: self.waivers.len(),
            active: count(WaiverState::Active),
            expiring: count(WaiverState::Expiring),
            expired: count(WaiverState::Expired),
            in_force: self.waivers.iter().filter(|e| e.state.applies()).count(),
        }
    }

    pub fn attestation_counts(&self) -> AttestationCounts {
        let current = |kind: AttestationKind| {
            self.attestations
                .iter()
                .filter(|e| e.attestation.kind == kind && e.state == AttestationState::Current)
                .count()
        };
        let stale_controls: Vec<String> = self
            .attestations
            .iter()
            .filter(|e| e.state == AttestationState::Stale)
            .map(|e| e.attestation.control.clone())
            .collect();
        AttestationCounts {
            declared: self.attestations.len(),
            implemented: current(AttestationKind::Implemented),
            not_applicable: current(AttestationKind::NotApplicable),
            stale: stale_controls.len(),
            stale_controls,
        }
    }

    /// The row of `check` for `subject`.
    pub fn finding(&self, check: CheckId, subject: &str) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.check == check && f.subject == subject)
    }

    /// The rows of `check` in findings order.
    pub fn findings_of(&self, check: CheckId) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.check == check).collect()
    }

    /// The rows of `check` about a subject (not the check-wide `*` row).
    pub fn subjects_of(&self, check: CheckId) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.check == check && f.subject != "*")
            .collect()
    }

    /// The rows of `check` about a subject whose measured count is above zero (for
    /// `access.mfa`: the accounts that logged in without MFA at least once).
    pub fn subjects_with_events(&self, check: CheckId) -> usize {
        self.subjects_of(check)
            .iter()
            .filter(|f| f.measured.is_some_and(|m| m > 0.0))
            .count()
    }

    /// The findings rows grouped by check, in findings order.
    pub fn findings_by_check(&self) -> Vec<(CheckId, Vec<&Finding>)> {
        let mut groups: Vec<(CheckId, Vec<&Finding>)> = Vec::new();
        for finding in &self.findings {
            match groups.last_mut() {
                Some((check, rows)) if *check == finding.check => rows.push(finding),
                _ => groups.push((finding.check, vec![finding])),
            }
        }
        groups
    }

    /// Rows that were evaluated (any status but `not_evaluated`), in findings order.
    pub fn evaluated(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.status != Status::NotEvaluated)
            .collect()
    }

    /// Whether no row of these checks was evaluated (also when they have no row).
    pub fn none_evaluated(&self, checks: &[CheckId]) -> bool {
        self.findings
            .iter()
            .filter(|f| checks.contains(&f.check))
            .all(|f| f.status == Status::NotEvaluated)
    }

    /// The `not_evaluated` rows of `checks` (every check when `None`) grouped by their
    /// reason, reasons in the order they first come: checks in the order given, rows in
    /// findings order.
    pub fn not_evaluated_reasons(&self, checks: Option<&[CheckId]>) -> Vec<NotEvaluatedReason<'_>> {
        let rows: Vec<&Finding> = match checks {
            None => self
                .findings
                .iter()
                .filter(|f| f.status == Status::NotEvaluated)
                .collect(),
            Some(checks) => checks
                .iter()
                .flat_map(|check| {
                    self.findings
                        .iter()
                        .filter(move |f| f.check == *check && f.status == Status::NotEvaluated)
                })
                .collect(),
        };
        let mut reasons: Vec<NotEvaluatedReason> = Vec::new();
        for finding in rows {
            match reasons.iter_mut().find(|r| r.detail == finding.detail) {
                Some(reason) => reason.findings.push(finding),
                None => reasons.push(NotEvaluatedReason {
                    detail: &finding.detail,
                    findings: vec![finding],
                }),
            }
        }
        reasons
    }

    /// The rows a waiver decided: waived ones, and failing ones whose waiver expired.
    pub fn findings_with_waiver(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.waiver.is_some())
            .collect()
    }

    /// Each service's availability with the status of its `uptime.availability` row,
    /// so an output's verdict on a service is the findings' verdict (a waiver or a
    /// policy floor included).
    pub fn service_figures(&self) -> Vec<ServiceFigures<'_>> {
        let target = self.policy.uptime_target_percent;
        self.services
            .iter()
            .map(|service| {
                let finding = self.finding(CheckId::UptimeAvailability, &service.service);
                ServiceFigures {
                    service,
                    finding,
                    status: finding.map(|f| f.status),
                    days_below_target: service
                        .daily
                        .iter()
                        .map(|day| day_below(day, target))
                        .collect(),
                }
            })
            .collect()
    }

    /// The latency figures of every service with latency values, in service order.
    pub fn latency_figures(&self) -> Vec<LatencyFigures<'_>> {
        let target = self.policy.latency_p95_max as f64;
        self.services
            .iter()
            .filter_map(|service| {
                let latency = service.latency.as_ref()?;
                Some(LatencyFigures {
                    service: &service.service,
                    latency,
                    status: self
                        .finding(CheckId::UptimeLatency, &service.service)
                        .map(|f| f.status),
                    days_over_target: latency.daily.iter().map(|d| d.p95 > target).collect(),
                })
            })
            .collect()
    }

    /// Every failed or partial backup run in the period, by source, with its finish,
    /// outcome and repository from the `backup.rpo` evidence row of the same source and
    /// start that the check flagged offending (a failed or partial run, whose kind is
    /// its outcome).
    pub fn failed_backup_runs(&self) -> Result<Vec<FailedRun<'_>>, MissingColumn> {
        let table = self.evidence.get(&CheckId::BackupRpo);
        let at = match table {
            Some(table) => Some((
                table.column(columns::SOURCE)?,
                table.column(columns::KIND)?,
                table.column(columns::START)?,
                table.column(columns::END)?,
                table.column(columns::REPOSITORY)?,
            )),
            None => None,
        };
        let mut runs = Vec::new();
        for source in &self.backups {
            for started in &source.failed {
                let mut run = FailedRun {
                    source: &source.source,
                    started: *started,
                    finished: None,
                    outcome: None,
                    repository: None,
                };
                if let (Some(table), Some((source_at, kind_at, start_at, end_at, repo_at))) =
                    (table, at)
                {
                    let row = table.rows.iter().find(|row| {
                        row.offending
                            && text_of(&row.cells, source_at) == Some(source.source.as_str())
                            && time_of(&row.cells, start_at) == Some(*started)
                    });
                    if let Some(row) = row.map(|row| row.cells.as_slice()) {
                        run.finished = time_of(row, end_at);
                        run.outcome = text_of(row, kind_at);
                        run.repository = text_of(row, repo_at);
                    }
                }
                runs.push(run);
            }
        }
        Ok(runs)
    }
}

/// A day measured below `target` percent.
fn day_below(day: &DailyAvailability, target: f64) -> bool {
    day.availability.is_some_and(|value| value < target)
}

/// A non-empty text cell.
fn text_of(row: &[Cell], index: usize) -> Option<&str> {
    match row.get(index) {
        Some(Cell::Text(text)) if !text.is_empty() => Some(text),
        _ => None,
    }
}

fn time_of(row: &[Cell], index: usize) -> Option<Millis> {
    match row.get(index) {
        Some(Cell::Time(at)) => Some(*at),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
