//! One run of an assessment, from the validated config to the files of a pack: the
//! orchestration the commands in `lib.rs` share. It resolves the period, loads the
//! catalogue and the declarations, plans the inputs, reads the evidence (the audit logs
//! streamed on every core while another thread reads the other tables and runs their
//! checks), completes the checks, applies waivers and attestations, rolls the controls
//! up, scopes a due-diligence pack to its tenant, and renders every file of the pack.
//! It writes nothing and prints nothing: `lib.rs` writes the pack, `cli` prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::checks::{self, CheckCtx};
use crate::config::{self, Config, Declarations};
use crate::error::Error;
use crate::ingest;
use crate::model::{
    self, Assessment, AttestationEntry, AttestationState, WaiverEntry, WaiverState,
};
use crate::observer::{self, Observer};
use crate::pack::{Staging, Written};
use crate::period::Period;
use crate::render::template::Template;
use crate::render::{self, PackEntry};
use crate::time::Millis;

pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Which period to assess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodChoice {
    /// The last full calendar month before `generated_at`.
    PreviousMonth,
    /// `--period YYYY-MM`.
    Month(String),
    /// `--from DATE --to DATE`.
    Range { from: String, to: String },
}

/// What one assessment run needs beyond the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    pub period: PeriodChoice,
    pub template: String,
    pub tenant: Option<String>,
    /// `SOURCE_DATE_EPOCH` or now.
    pub generated_at: Millis,
}

impl RunOptions {
    /// SPEC §2, §9: `--tenant` scopes a per-tenant template (`due-diligence`), and such
    /// a template needs one; a platform-wide pack for a customer, or a monthly pack
    /// silently cut to one tenant, would be the wrong document.
    pub fn check_tenant(&self, template: &Template) -> Result<(), Error> {
        match (&self.tenant, template.per_tenant) {
            (None, true) => Err(Error::Usage(format!(
                "--template {} needs --tenant ID: the pack is scoped to one tenant",
                template.name
            ))),
            (Some(_), false) => Err(Error::Usage(format!(
                "--tenant: the {} template is platform-wide; scope a pack to a tenant with --template {}",
                template.name,
                Template::per_tenant_names().join(" or --template ")
            ))),
            (Some(tenant), true) if !is_tenant_id(tenant) => Err(Error::Usage(format!(
                "--tenant `{tenant}`: expected a tenant id as the evidence writes it (not empty, no path separators or control characters)"
            ))),
            _ => Ok(()),
        }
    }

    pub fn resolve_period(&self, config: &Config) -> Result<Period, Error> {
        let tz = config.organisation.timezone;
        match &self.period {
            PeriodChoice::PreviousMonth => Period::previous_month(self.generated_at, tz),
            PeriodChoice::Month(month) => Period::month(month, tz),
            PeriodChoice::Range { from, to } => Period::range(from, to, tz),
        }
    }
}

/// A tenant id that is safe in the default pack directory name.
fn is_tenant_id(tenant: &str) -> bool {
    !tenant.trim().is_empty()
        && tenant != "."
        && tenant != ".."
        && !tenant
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control())
}

/// The catalogue the config asks for: built in, or `[controls].catalog`.
pub fn load_catalog(config: &Config) -> Result<Catalog, Error> {
    match &config.controls.catalog {
        Some(dir) => Catalog::load(dir),
        None => Catalog::built_in(),
    }
}

/// Reads the evidence and runs every check: the one assessment every output renders.
pub fn assess(
    config: &Config,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<(Assessment, Vec<String>), Error> {
    let period = options.resolve_period(config)?;
    let catalog = load_catalog(config)?;
    // Read before the evidence: a bad attestation or waiver fails fast (exit 2).
    let declarations = load_declarations(config, &catalog)?;
    let template = Template::built_in(&options.template)?;
    options.check_tenant(&template)?;
    let plan = ingest::plan_reading(&config.inputs, &config.dir, observer)?;
    let declared = declared_tenants(config, &plan.files);
    let mut tenancy = options
        .tenant
        .as_deref()
        .map(|tenant| checks::tenancy::TenancyReader::new(tenant, &period, &declared));
    let also = tenancy
        .as_mut()
        .map(|reader| reader as &mut (dyn ingest::audit::AuditConsumer + Send));
    let sources = Sources {
        period: &period,
        catalog: &catalog,
        declared: &declared,
    };
    let (ingested, evidence) = read_evidence(config, &sources, plan, also, observer)?;
    observer.stage("checks");
    let ctx = sources.ctx(config, &ingested.tables, &ingested.files);
    let mut results = checks::complete(&ctx, evidence.tables, evidence.audit)?;
    let last_day = period.last_local_day();
    let waivers = model::apply_waivers(&mut results.findings, &declarations.waivers, last_day);
    let attestations = in_catalogue_order(
        &catalog,
        model::assess_attestations(&declarations.attestations, last_day),
    );
    let controls = model::roll_up_controls(
        &catalog.controls,
        &results.findings,
        &results.evidence,
        &attestations,
    );
    let mut warnings = config.warnings.clone();
    warnings.extend(ingested.warnings);
    warnings.extend(declaration_warnings(
        &waivers,
        &attestations,
        &results.findings,
    ));
    let assessment = Assessment {
        tool_version: TOOL_VERSION,
        generated_at: options.generated_at,
        organisation: config.organisation.clone(),
        period,
        policy: config.policy.clone(),
        template: options.template.clone(),
        tenant: options.tenant.clone(),
        findings: results.findings,
        evidence: results.evidence,
        controls,
        incidents: results.incidents,
        services: results.services,
        maintenance: results.maintenance,
        capacity: results.capacity,
        business_hours: results.business_hours,
        backups: results.backups,
        inputs: ingested.files,
        rejected: ingested.rejected,
        waivers,
        attestations,
        signers: Vec::new(),
    };
    let assessment = match (options.tenant.as_deref(), tenancy) {
        (Some(tenant), Some(reader)) => {
            let tenancy = reader.finish(&checks::read_leavers(&ingested.tables)?);
            scope_to_tenant(assessment, tenant, tenancy, &catalog, &mut warnings)?
        }
        _ => assessment,
    };
    Ok((assessment, warnings))
}

/// The platform-wide assessment scoped to `tenant` (SPEC §9). Refuses, rather than
/// writes, a pack that would still name another tenant.
fn scope_to_tenant(
    assessment: Assessment,
    tenant: &str,
    tenancy: model::Tenancy,
    catalog: &Catalog,
    warnings: &mut Vec<String>,
) -> Result<Assessment, Error> {
    let scope = model::TenantScope::new(tenant, tenancy, &assessment)
        .map_err(|unknown| Error::Usage(unknown.to_string()))?;
    warnings.extend(scope.warnings.iter().cloned());
    let scoped = assessment.scoped_to(&scope, &catalog.controls);
    let leaks = scope.leaks(&scoped);
    if !leaks.is_empty() {
        return Err(Error::Render {
            what: "the due-diligence pack",
            message: format!("it would still name another tenant: {}", leaks.join("; ")),
        });
    }
    Ok(scoped)
}

/// Input files (as the pack shows their paths) and native audit inputs (their `path`
/// as written, the `logging.*` subject) whose `[[input]]` declares a `tenant`.
fn declared_tenants(config: &Config, planned: &[ingest::PlannedFile]) -> BTreeMap<String, String> {
    let mut declared = BTreeMap::new();
    for input in &config.inputs {
        if let Some(tenant) = &input.tenant {
            declared.insert(input.path_text.clone(), tenant.clone());
        }
    }
    for file in planned {
        if let Some(tenant) = &config.inputs[file.input_index].tenant {
            declared.insert(file.display.clone(), tenant.clone());
        }
    }
    declared
}

/// The attestations and waivers `[controls]` declares, checked against the catalogue.
pub fn load_declarations(config: &Config, catalog: &Catalog) -> Result<Declarations, Error> {
    let control_ids: Vec<&str> = catalog.controls.iter().map(|c| c.id.as_str()).collect();
    Declarations::load(&config.controls, &control_ids)
}

/// Attestations sorted as the catalogue lists their controls.
fn in_catalogue_order(
    catalog: &Catalog,
    mut entries: Vec<AttestationEntry>,
) -> Vec<AttestationEntry> {
    let position = |control: &str| catalog.controls.iter().position(|c| c.id == control);
    entries.sort_by_key(|e| position(&e.attestation.control));
    entries
}

/// What the user should act on before the next pack: waivers that expire soon or have
/// expired, waivers whose subject no findings row has (most likely a typo), and stale
/// attestations. The outputs show all of it too; stderr is where a run says so.
fn declaration_warnings(
    waivers: &[WaiverEntry],
    attestations: &[AttestationEntry],
    findings: &[model::Finding],
) -> Vec<String> {
    let mut warnings = Vec::new();
    for entry in waivers {
        let waiver = &entry.waiver;
        let name = format!("waiver {} {}", waiver.check, waiver.subject);
        let expires = waiver.expires_on.format("%Y-%m-%d");
        match entry.state {
            WaiverState::Expiring => warnings.push(format!(
                "{name} (approved by {}) expires on {expires}, within {} days of the period end: renew it or fix the failure",
                waiver.approver,
                model::EXPIRING_WITHIN_DAYS
            )),
            WaiverState::Expired => warnings.push(format!(
                "{name} (approved by {}) expired on {expires} and no longer applies",
                waiver.approver
            )),
            WaiverState::Active => {}
        }
        let subject_seen = waiver.subject == "*"
            || findings
                .iter()
                .any(|f| f.check == waiver.check && f.subject == waiver.subject);
        if !subject_seen {
            warnings.push(format!(
                "{name}: no findings row of {} has the subject `{}`",
                waiver.check, waiver.subject
            ));
        }
    }
    for entry in attestations {
        if entry.state == AttestationState::Stale {
            let attestation = &entry.attestation;
            warnings.push(format!(
                "attestation of control {} (owner {}) was last reviewed on {}, more than {} months before the period end: it counts as no evidence",
                attestation.control,
                attestation.owner,
                attestation.reviewed_on.format("%Y-%m-%d"),
                model::MAX_REVIEW_AGE_MONTHS
            ));
        }
    }
    warnings
}

/// What the checks found while the evidence was read.
struct EarlyResults {
    /// The checks over the collected tables ([`checks::run_tables`]).
    tables: checks::CheckResults,
    /// What the audit pass kept for the access and logging checks, when an audit
    /// input is declared.
    audit: Option<checks::audit::AuditFacts>,
}

/// What reading needs besides the config: the period, the catalogue, and the tenant
/// each tenant-declared input file belongs to.
struct Sources<'a> {
    period: &'a Period,
    catalog: &'a Catalog,
    declared: &'a BTreeMap<String, String>,
}

impl Sources<'_> {
    fn ctx<'c>(
        &'c self,
        config: &'c Config,
        tables: &'c ingest::Tables,
        files: &'c [model::InputFile],
    ) -> CheckCtx<'c> {
        CheckCtx::new(
            self.period,
            &config.policy,
            &config.organisation,
            self.catalog,
            tables,
            files,
            self.declared,
        )
    }
}

/// Reads every input of `plan`: the leavers first (the audit stream judges logins
/// against them), then the audit logs streamed through the access and logging checks'
/// state — and through `also`, the tenancy reader of a due-diligence pack — on every
/// core while, on a thread of their own, the other tables are read and their checks
/// run (SPEC §13).
fn read_evidence(
    config: &Config,
    sources: &Sources<'_>,
    plan: ingest::Plan,
    also: Option<&mut (dyn ingest::audit::AuditConsumer + Send)>,
    observer: &dyn Observer,
) -> Result<(ingest::Ingested, EarlyResults), Error> {
    use config::InputKind::Leavers;
    let leavers = ingest::read_tables(
        &config.inputs,
        &plan.files,
        |kind| kind == Leavers,
        None,
        observer,
    )?;
    let compact = ingest::Compact {
        probes: checks::probe_window(sources.period, &config.policy),
        utilization: checks::utilization_keep(sources.period, &config.policy),
    };
    let (others, audit) = std::thread::scope(|scope| {
        let others = scope.spawn(|| {
            let read = ingest::read_tables(
                &config.inputs,
                &plan.files,
                |kind| kind != Leavers,
                Some(compact),
                observer,
            )?;
            let results = checks::run_tables(&sources.ctx(config, &read.tables, &read.files))?;
            // The probe and utilization samples are freed by now; give their pages back
            // while the audit stream goes on.
            crate::memory::release_free();
            Ok::<_, Error>((read, results))
        });
        let audit = stream_audit(config, sources, &plan.files, &leavers, also, observer);
        let others = others
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (others, audit)
    });
    observer.finish_reading();
    // The error a sequential read would meet first: the tables are read before the logs.
    let (others, tables) = others?;
    let audit = audit?;
    let mut ingested = plan.into_ingested(&config.inputs, vec![leavers, others]);
    let Some((state, streamed)) = audit else {
        return Ok((
            ingested,
            EarlyResults {
                tables,
                audit: None,
            },
        ));
    };
    ingested.add_streamed(streamed);
    let audit = Some(state.finish());
    Ok((ingested, EarlyResults { tables, audit }))
}

/// Streams the audit inputs through the access and logging checks' state (twice when
/// out-of-order files need some logins judged again), and through `also` in the first
/// pass. `None` when no audit input is declared.
fn stream_audit(
    config: &Config,
    sources: &Sources<'_>,
    planned: &[ingest::PlannedFile],
    leavers: &ingest::TablesRead,
    also: Option<&mut (dyn ingest::audit::AuditConsumer + Send)>,
    observer: &dyn Observer,
) -> Result<Option<(checks::audit::AuditState, ingest::audit::Streamed)>, Error> {
    if config.inputs_of(config::InputKind::Audit).next().is_none() {
        return Ok(None);
    }
    let ctx = sources.ctx(config, &leavers.tables, &leavers.files);
    let mut state = checks::audit::AuditState::new(&ctx, checks::read_leavers(&leavers.tables)?);
    let streamed = match also {
        Some(also) => {
            let mut both = checks::tenancy::Tee {
                first: &mut state,
                second: also,
            };
            ingest::audit::stream(&config.inputs, planned, observer, &mut both)?
        }
        None => ingest::audit::stream(&config.inputs, planned, observer, &mut state)?,
    };
    if state.rescan() {
        // The second pass reads each log as far as the first did: a log still being
        // appended to gives both passes the same lines (SPEC §18).
        let read: BTreeMap<&str, u64> = streamed
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes))
            .collect();
        let capped: Vec<ingest::PlannedFile> = planned
            .iter()
            .map(|file| ingest::PlannedFile {
                limit: read.get(file.display.as_str()).copied(),
                ..file.clone()
            })
            .collect();
        ingest::audit::stream(&config.inputs, &capped, &observer::Silent, &mut state)?;
    }
    Ok(Some((state, streamed)))
}

/// Renders every file of the pack but `report.pdf` and the manifest from the one
/// assessment, each written to `staging` as soon as it is made (only one output is in
/// memory at a time; the OSCAL file is written as it is serialised). Returns the PDF,
/// unsigned, which lists the other files with their SHA-256.
pub fn render_pack(assessment: &Assessment, staging: &mut Staging) -> Result<Vec<u8>, Error> {
    let bytes =
        |staging: &mut Staging, path: &str, bytes: Vec<u8>| staging.add(path, &bytes).map(entry);
    let mut index: Vec<PackEntry> = vec![
        staging
            .add_with("findings.csv", |out| render::csv::findings(assessment, out))
            .map(entry)?,
        bytes(staging, "controls.csv", render::csv::controls(assessment)?)?,
        bytes(
            staging,
            "incidents.csv",
            render::csv::incidents(assessment)?,
        )?,
        bytes(staging, "inputs.csv", render::csv::inputs(assessment)?)?,
        bytes(staging, "rejected.csv", render::csv::rejected(assessment)?)?,
        bytes(staging, "summary.json", render::json::summary(assessment)?)?,
        staging
            .add_with("junit.xml", |out| render::junit::write(assessment, out))
            .map(entry)?,
    ];
    for (check, table) in &assessment.evidence {
        let path = format!("evidence/{}.csv", check.as_str());
        index.push(
            staging
                .add_with(&path, |out| render::csv::evidence(table, out))
                .map(entry)?,
        );
    }
    index.push(bytes(
        staging,
        "site/index.html",
        render::site::index(assessment),
    )?);
    index.push(bytes(
        staging,
        "site/feed.atom",
        render::feeds::atom(assessment),
    )?);
    index.push(bytes(
        staging,
        "site/maintenance.ics",
        render::feeds::ics(assessment),
    )?);
    let template = Template::built_in(&assessment.template)?;
    let oscal = staging.add_with("oscal/assessment-results.json", |out| {
        render::oscal::assessment_results(assessment, &index, out)
    })?;
    // The PDF's evidence index lists the OSCAL file too.
    index.push(entry(oscal));
    render::pdf::render(assessment, &template, &index)
}

fn entry(written: Written) -> PackEntry {
    PackEntry {
        path: written.path,
        sha256: written.sha256,
        bytes: written.bytes,
    }
}

/// The default pack directory: `packs/<template>-<period>[-<tenant>]`.
pub fn default_out(options: &RunOptions, period: &Period) -> PathBuf {
    let mut name = format!("{}-{}", options.template, period.label);
    if let Some(tenant) = &options.tenant {
        name.push('-');
        name.push_str(tenant);
    }
    Path::new("packs").join(name)
}
