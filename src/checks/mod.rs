//! The checks of SPEC §7. Every check is pure: it reads the canonical tables through a
//! [`CheckCtx`] and returns a [`CheckOutput`] (findings and evidence rows); no file IO,
//! no clock, no output order that depends on a hash map.
//!
//! A check `family.name` lives in `checks/<family>/<name>.rs` and is listed once in
//! [`registry::REGISTRY`]; [`run_tables`] and [`complete`] walk that list. A family's
//! `mod.rs` holds only what its checks share: its rows, read once per run through
//! [`CheckCtx::family`], and the figures its PDF section shows. The audit family is
//! different only in how it is fed: one observer ([`audit::AuditState`]) sees every
//! event of the single audit pass, and its checks read what it kept
//! ([`audit::AuditFacts`]).

mod access;
pub mod audit;
mod backup;
mod capacity;
mod crypto;
mod frame;
mod inputs;
mod logging;
mod maintenance;
mod monitoring;
mod registry;
mod snapshots;
pub mod tenancy;
#[cfg(test)]
mod testing;
mod uptime;

use std::any::{Any, TypeId};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use crate::catalog::Catalog;
use crate::config::Policy;
use crate::error::Error;
use crate::ingest::Tables;
use crate::model::{
    CheckId, ClusterCapacity, EvidenceTable, Finding, Incident, InputFile, MaintenanceWindow,
    Millis, Organisation, ServiceAvailability, SourceBackups, Status,
};
use crate::period::Period;
pub use registry::{unit_of, Run, REGISTRY};

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
    /// The families' rows, read once by the first check that asks.
    families: Families,
}

/// What a check found: its findings rows and the rows behind their figures.
#[derive(Debug, Default)]
pub struct CheckOutput {
    pub findings: Vec<Finding>,
    pub evidence: Option<EvidenceTable>,
}

/// What a family's checks share, read from the tables once per run.
pub trait Family: Any + Send + Sync + Sized {
    fn read(ctx: &CheckCtx<'_>) -> Result<Self, Error>;
}

/// The families read so far, by type.
#[derive(Default)]
struct Families(Mutex<BTreeMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl<'a> CheckCtx<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        period: &'a Period,
        policy: &'a Policy,
        organisation: &'a Organisation,
        catalog: &'a Catalog,
        tables: &'a Tables,
        files: &'a [InputFile],
        file_tenants: &'a BTreeMap<String, String>,
    ) -> Self {
        CheckCtx {
            period,
            policy,
            organisation,
            catalog,
            tables,
            files,
            file_tenants,
            families: Families::default(),
        }
    }

    /// The rows family `T` reads, read on first use and shared by its checks.
    pub fn family<T: Family>(&self) -> Result<Arc<T>, Error> {
        let key = TypeId::of::<T>();
        let cached = self
            .families
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned();
        if let Some(Ok(family)) = cached.map(Arc::downcast::<T>) {
            return Ok(family);
        }
        let family = Arc::new(T::read(self)?);
        self.families
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, family.clone());
        Ok(family)
    }

    /// A findings row for `check`, bound to the check's controls, in its unit.
    pub fn finding(
        &self,
        check: CheckId,
        subject: &str,
        status: Status,
        measured: Option<f64>,
        target: Option<f64>,
        detail: String,
    ) -> Finding {
        Finding {
            check,
            controls: self.catalog.binding(check).controls.clone(),
            subject: subject.to_string(),
            status,
            measured,
            target,
            unit: unit_of(check),
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
    pub capacity: Vec<ClusterCapacity>,
    pub business_hours: Vec<(Millis, Millis)>,
    pub backups: Vec<SourceBackups>,
}

impl CheckResults {
    fn add(&mut self, check: CheckId, output: CheckOutput) {
        self.findings.extend(output.findings);
        if let Some(table) = output.evidence {
            self.evidence.insert(check, table);
        }
    }
}

/// The checks over the collected tables ([`Run::Tables`]) and the figures their
/// families show beside the findings. They need nothing from the audit stream, so a
/// report runs them while the logs are still read.
pub use capacity::utilization_keep;
pub use uptime::probe_window;

pub fn run_tables(ctx: &CheckCtx<'_>) -> Result<CheckResults, Error> {
    let mut results = CheckResults::default();
    for check in REGISTRY {
        if let Run::Tables(run) = check.run {
            if let Some(output) = run(ctx)? {
                results.add(check.id, output);
            }
        }
    }
    let uptime = uptime::figures(ctx)?;
    results.services = uptime.services;
    results.incidents = uptime.incidents;
    results.maintenance = uptime.maintenance;
    results.backups = backup::figures(ctx)?;
    results.capacity = capacity::headroom::daily(ctx)?;
    results.business_hours =
        maintenance::business_hours::business_intervals(ctx.period, ctx.policy);
    Ok(results)
}

/// Adds the audit checks ([`Run::Audit`], over what the audit pass kept, or without an
/// audit input over the leavers alone) and the checks over the files read
/// ([`Run::Files`]) to what [`run_tables`] found, a `not_evaluated` row (subject `*`)
/// for every check without one, and the policy floors (a policy looser than a check's
/// floor fails its evaluated rows), and sorts. `ctx` must hold every table and every
/// file read.
pub fn complete(
    ctx: &CheckCtx<'_>,
    mut results: CheckResults,
    audit: Option<audit::AuditFacts>,
) -> Result<CheckResults, Error> {
    let audit = match audit {
        Some(facts) => facts,
        None => audit::AuditFacts::without_audit(ctx)?,
    };
    for check in REGISTRY {
        let output = match check.run {
            Run::Audit(run) => run(&audit, ctx),
            Run::Files(run) => run(ctx),
            Run::Tables(_) => None,
        };
        if let Some(output) = output {
            results.add(check.id, output);
        }
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
    Ok(results)
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
    ctx.finding(check, "*", Status::NotEvaluated, None, None, detail)
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

/// `Pass` when `ok`, else `Fail`: how most checks judge their measure.
fn pass_if(ok: bool) -> Status {
    if ok {
        Status::Pass
    } else {
        Status::Fail
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
