//! auditpack turns a hosting company's operational evidence into ISO/IEC 27001:2022
//! evidence packs.
//!
//! The pipeline runs one way:
//!
//! ```text
//! auditpack.toml ──► config ──► ingest ──► canonical tables (polars)
//!                                              │
//!                              checks (pure) ◄─┘
//!                                  │
//!                                  ▼
//!                 model::Assessment (the one result)
//!                                  │  (due diligence: scoped to one tenant by
//!                                  │   model::TenantScope, staff pseudonymised)
//!          render: csv · json · junit · pdf  ──►  pack: signed PDF, SHA256SUMS(.sig)
//! ```
//!
//! One public function per command: [`report`], [`check`], [`controls`], [`inputs`],
//! [`verify`], [`keygen`]; what a run does between the config and the pack's files is
//! [`run`]. Only `cli` prints; this library returns values and writes the files asked
//! of it. Module dependencies run one way, without cycles (ARCHITECTURE.md, "What may
//! depend on what"; `.ci/run` checks it).

pub mod catalog;
pub mod checks;
pub mod cleanup;
pub mod cli;
pub mod config;
pub mod digest;
pub mod error;
pub mod ingest;
pub mod memory;
pub mod model;
pub mod observer;
pub mod pack;
pub mod period;
pub mod render;
pub mod run;
pub mod time;

use std::path::{Path, PathBuf};

use catalog::Catalog;
use config::Config;
use error::Error;
use model::Assessment;
use observer::Observer;
use run::{assess, default_out, load_catalog, render_pack, RunOptions};
use time::Millis;

/// What `report` produced.
#[derive(Debug)]
pub struct ReportOutcome {
    pub assessment: Assessment,
    pub out: PathBuf,
    pub files: Vec<String>,
    pub warnings: Vec<String>,
}

/// `auditpack report`: assess and write the pack.
pub fn report(
    config: &Config,
    options: &RunOptions,
    out: Option<&Path>,
    observer: &dyn Observer,
) -> Result<ReportOutcome, Error> {
    // Keys are loaded before the evidence is read: a bad key fails fast, and the
    // signers must be on the assessment before the PDF cover is rendered.
    let keys = config
        .signing
        .as_ref()
        .map(|signing| pack::keys::SigningKeys::load(signing, &config.path))
        .transpose()?;
    // The output is locked before the evidence is read: a second run on the same `--out`
    // stops at once (SPEC §18). Without `--out` the pack's name depends on the period.
    let period_out = match out {
        Some(out) => out.to_path_buf(),
        None => default_out(options, &options.resolve_period(config)?),
    };
    let _lock = pack::OutLock::take(&period_out)?;
    let (mut assessment, mut warnings) = assess(config, options, observer)?;
    if let Some(keys) = &keys {
        assessment.signers = keys.signers();
    } else {
        warnings.push("the pack is not signed: add [signing] (see `auditpack keygen`)".to_string());
    }
    observer.stage("rendering");
    memory::release_free();
    let out = period_out;
    let mut staging = pack::Staging::begin(&out)?;
    let pdf = render_pack(&assessment, &mut staging)?;
    observer.stage("signing");
    // The PDF is signed before the manifest is made, so the manifest covers the signed
    // PDF; the manifest's signature comes last.
    let pdf = match &keys {
        Some(keys) => pack::pdf_signature::sign(&pdf, &keys.pdf, assessment.generated_at)?,
        None => pdf,
    };
    staging.add(pack::REPORT_PDF, &pdf)?;
    staging.seal(keys.as_ref())?;
    let files = staging.finish()?;
    Ok(ReportOutcome {
        assessment,
        out,
        files,
        warnings,
    })
}

/// `auditpack check`: assess, and write `junit.xml` / `summary.json` where asked.
pub fn check(
    config: &Config,
    options: &RunOptions,
    junit: Option<&Path>,
    json: Option<&Path>,
    observer: &dyn Observer,
) -> Result<(Assessment, Vec<String>), Error> {
    let (assessment, warnings) = assess(config, options, observer)?;
    let write = |path: &Path, bytes: Vec<u8>| {
        std::fs::write(path, bytes).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            action: "write the report file",
            source,
        })
    };
    if let Some(path) = junit {
        write(path, render::junit::render(&assessment))?;
    }
    if let Some(path) = json {
        write(path, render::json::summary(&assessment)?)?;
    }
    Ok((assessment, warnings))
}

/// `auditpack inputs`: what each declared input resolves to, read as a run would.
pub fn inputs(config: &Config, observer: &dyn Observer) -> Result<InputsReport, Error> {
    let mut ingested = ingest::ingest(&config.inputs, &config.dir, observer)?;
    let streamed =
        ingest::audit::stream(&config.inputs, &ingested.planned, observer, &mut CountOnly)?;
    observer.finish_reading();
    ingested.add_streamed(streamed);
    let entries = config
        .inputs
        .iter()
        .map(|input| {
            let files = ingested
                .planned
                .iter()
                .filter(|p| p.input_index == input.index)
                .filter_map(|p| ingested.files.iter().find(|f| f.path == p.display).cloned())
                .collect();
            InputEntry {
                index: input.index,
                kind: input.kind.as_str(),
                format: input.format.as_str(),
                path: input.path_text.clone(),
                files,
            }
        })
        .collect();
    Ok(InputsReport {
        entries,
        rejected: ingested.rejected,
        warnings: ingested.warnings,
    })
}

/// Reads audit events for `inputs` without keeping them.
struct CountOnly;

impl ingest::audit::AuditConsumer for CountOnly {
    fn event(&mut self, _event: &ingest::audit::AuditEvent<'_>) {}
}

#[derive(Debug)]
pub struct InputEntry {
    pub index: usize,
    pub kind: &'static str,
    pub format: &'static str,
    pub path: String,
    pub files: Vec<model::InputFile>,
}

#[derive(Debug)]
pub struct InputsReport {
    pub entries: Vec<InputEntry>,
    pub rejected: Vec<model::Rejected>,
    pub warnings: Vec<String>,
}

/// `auditpack controls`: the catalogue with its bindings and, for the period, the
/// Statement of Applicability.
pub fn controls(
    config: &Config,
    options: &RunOptions,
    observer: &dyn Observer,
) -> Result<(Catalog, Assessment), Error> {
    let catalog = load_catalog(config)?;
    let (assessment, _) = assess(config, options, observer)?;
    Ok((catalog, assessment))
}

/// `auditpack verify`: checks a pack's manifest, signatures and files (SPEC §11).
pub fn verify(
    pack_dir: &Path,
    options: &pack::verify::VerifyOptions,
) -> Result<pack::verify::VerifyReport, Error> {
    pack::verify::verify(pack_dir, options)
}

/// `auditpack keygen`: new signing keys in `out` (SPEC §11). `now` starts the
/// certificate's validity.
pub fn keygen(
    out: &Path,
    identity: &str,
    now: Millis,
) -> Result<pack::keygen::KeygenOutcome, Error> {
    pack::keygen::keygen(out, identity, now)
}
