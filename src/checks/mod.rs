//! The checks of SPEC §7. Every check is pure: it reads the canonical tables through a
//! [`CheckCtx`] and returns findings and evidence rows; no file IO, no clock, no output
//! order that depends on a hash map.
//!
//! Adding a check: its file under `checks/<family>/`, its binding in
//! `controls/bindings.toml`, a golden case under `tests/data/`, and one line in
//! [`run_tables`] (a check over collected tables) or the audit state.

pub mod audit;
mod backup;
mod frame;
mod inputs;
mod monitoring;
pub mod tenancy;
mod uptime;

use std::collections::BTreeMap;

use crate::catalog::Catalog;
use crate::config::Policy;
use crate::error::Error;
use crate::ingest::Tables;
use crate::model::{
    CheckId, EvidenceTable, Finding, Incident, InputFile, MaintenanceWindow, Organisation,
    ServiceAvailability, SourceBackups, Status, Unit,
};
use crate::period::Period;

/// What every check may read.
pub struct CheckCtx<'a> {
    pub period: &'a Period,
    pub policy: &'a Policy,
    pub organisation: &'a Organisation,
    pub catalog: &'a Catalog,
    pub tables: &'a Tables,
    pub files: &'a [InputFile],
    /// Input files (as the pack shows their paths) whose `[[input]]` declares a
    /// `tenant`, with that tenant: every row such a file holds is that tenant's.
    pub file_tenants: &'a BTreeMap<String, String>,
}

impl CheckCtx<'_> {
    /// A findings row for `check`, bound to the check's controls.
    #[allow(clippy::too_many_arguments)]
    pub fn finding(
        &self,
        check: CheckId,
        subject: &str,
        status: Status,
        measured: Option<f64>,
        target: Option<f64>,
        unit: Unit,
        detail: String,
    ) -> Finding {
        Finding {
            check,
            controls: self.catalog.binding(check).controls.clone(),
            subject: subject.to_string(),
            status,
            measured,
            target,
            unit,
            detail,
            waiver: None,
        }
    }
}

/// Everything the checks found.
#[derive(Debug, Default)]
pub struct CheckResults {
    /// Sorted by check id (as text), then subject.
    pub findings: Vec<Finding>,
    pub evidence: BTreeMap<CheckId, EvidenceTable>,
    pub incidents: Vec<Incident>,
    pub services: Vec<ServiceAvailability>,
    pub maintenance: Vec<MaintenanceWindow>,
    pub backups: Vec<SourceBackups>,
}

/// The checks over the collected tables — availability, backups, monitoring. They need
/// nothing from the audit stream, so a report runs them while the logs are still read.
pub fn run_tables(ctx: &CheckCtx<'_>) -> Result<CheckResults, Error> {
    let mut results = CheckResults::default();
    if let Some((findings, table)) = monitoring::run(ctx)? {
        results.findings.extend(findings);
        results
            .evidence
            .insert(CheckId::MonitoringAlertResolution, table);
    }
    if let Some(uptime) = uptime::run(ctx)? {
        results.findings.extend(uptime.findings);
        results.evidence.extend(uptime.evidence);
        results.incidents = uptime.incidents;
        results.services = uptime.services;
        results.maintenance = uptime.maintenance;
    }
    if let Some(backup) = backup::run(ctx)? {
        results.findings.extend(backup.findings);
        results.evidence.extend(backup.evidence);
        results.backups = backup.sources;
    }
    Ok(results)
}

/// Adds the audit stream's rows and the rejected-rows check to what [`run_tables`]
/// found, a `not_evaluated` row (subject `*`) for every check without one, and the
/// policy floors (a policy looser than a check's floor fails its evaluated rows), and
/// sorts. `ctx` must hold every table and every file read.
pub fn complete(
    ctx: &CheckCtx<'_>,
    mut results: CheckResults,
    audit: Option<audit::AuditOutcome>,
) -> CheckResults {
    if let Some(audit) = audit {
        results.findings.extend(audit.findings);
        results.evidence.extend(audit.evidence);
    }
    let (rejected_findings, rejected_evidence) = inputs::rejected_rows(ctx);
    results.findings.extend(rejected_findings);
    if let Some(table) = rejected_evidence {
        results.evidence.insert(CheckId::InputsRejectedRows, table);
    }

    for check in CheckId::ALL {
        if results.findings.iter().any(|f| f.check == check) {
            continue;
        }
        results.findings.push(not_evaluated(ctx, check));
    }
    apply_floors(ctx, &mut results.findings);
    results
        .findings
        .sort_by(|a, b| (a.check.as_str(), &a.subject).cmp(&(b.check.as_str(), &b.subject)));
    results
}

fn not_evaluated(ctx: &CheckCtx<'_>, check: CheckId) -> Finding {
    let binding = ctx.catalog.binding(check);
    let detail = match binding.input {
        Some(kind) if ctx.tables.rows(kind).is_none() => {
            format!("no `{}` input declared", kind.as_str())
        }
        Some(kind) if ctx.tables.rows(kind) == Some(0) => {
            format!("the `{}` inputs hold no rows", kind.as_str())
        }
        Some(kind) => format!(
            "no subject in the `{}` inputs for this check in the period",
            kind.as_str()
        ),
        None => "no input files were read".to_string(),
    };
    ctx.finding(
        check,
        "*",
        Status::NotEvaluated,
        None,
        None,
        unit_of(check),
        detail,
    )
}

/// The unit each check measures in (SPEC §7).
pub fn unit_of(check: CheckId) -> Unit {
    match check {
        CheckId::UptimeAvailability | CheckId::UptimeCoverage => Unit::Percent,
        CheckId::BackupRpo
        | CheckId::BackupOffsite
        | CheckId::AccessLeaverDeactivation
        | CheckId::AccessSharedCredentialRotation
        | CheckId::LoggingGaps
        | CheckId::MonitoringAlertResolution => Unit::Hours,
        CheckId::BackupRetention | CheckId::BackupRestoreTest => Unit::Days,
        CheckId::BackupEncryption
        | CheckId::AccessMfa
        | CheckId::AccessLeaverLogin
        | CheckId::AccessSupportTicket
        | CheckId::LoggingIntegrity
        | CheckId::InputsRejectedRows => Unit::Count,
    }
}

/// SPEC §8: a policy looser than the catalogue's floor makes the check fail.
fn apply_floors(ctx: &CheckCtx<'_>, findings: &mut [Finding]) {
    for finding in findings.iter_mut() {
        if !matches!(finding.status, Status::Pass | Status::Fail) {
            continue;
        }
        let binding = ctx.catalog.binding(finding.check);
        if let Some(violation) = binding
            .floors
            .iter()
            .find_map(|floor| floor.violation(ctx.policy))
        {
            finding.status = Status::Fail;
            finding.detail = format!("{violation}; measured: {}", finding.detail);
        }
    }
}

fn table_error(error: polars::prelude::PolarsError) -> Error {
    Error::Render {
        what: "a check's query",
        message: error.to_string(),
    }
}

/// The leavers table as the audit checks need it.
pub fn read_leavers(tables: &Tables) -> Result<Vec<audit::Leaver>, Error> {
    let Some(leavers) = tables.get(crate::config::InputKind::Leavers) else {
        return Ok(Vec::new());
    };
    let actors = frame::texts(leavers, "actor")?;
    let left = frame::times(leavers, "left_at")?;
    let roles = frame::texts(leavers, "role")?;
    Ok((0..leavers.height())
        .filter_map(|i| {
            Some(audit::Leaver {
                actor: actors[i].clone()?,
                left_at: left[i]?,
                role: roles[i].clone(),
            })
        })
        .collect())
}
