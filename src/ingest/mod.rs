//! Ingest: resolves every `[[input]]` to files, reads each file once (hashing it on the
//! way) and fills the canonical tables of SPEC §4 as polars `DataFrame`s with UTC
//! datetime columns. This is the only code that knows a file format; checks see the
//! canonical tables only.
//!
//! Why not polars' own CSV/NDJSON readers: SPEC §12 wants every unreadable row kept
//! with its physical line number (a quoted CSV record can span lines) while the rest of
//! the file is used, and the hash of every byte. So rows are validated by streaming
//! readers here and the validated columns become polars tables, which the checks then
//! query lazily.

mod alertmanager;
pub mod audit;
mod borg;
mod canonical;
mod chain;
mod cloudtrail;
mod document;
mod okta;
mod okta_password;
mod osquery;
mod pgbackrest;
pub mod probes;
mod prometheus;
mod prometheus_utilization;
mod resolve;
mod restic;
pub mod schema;
mod sslyze;
mod table;
pub mod utilization;
pub mod values;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use polars::prelude::DataFrame;
use sha2::{Digest, Sha256};

pub use resolve::display_path;

use crate::config::{Format, Input, InputKind};
use crate::digest::hex;
use crate::error::Error;
use crate::model::{InputFile, Rejected};
use crate::observer::Observer;
use table::TableBuilder;

/// Where typed rows of one canonical kind go: a table (collected) or, for audit
/// events, a consumer that sees each row once (streamed, never collected).
pub trait RowSink {
    /// One row; `values` are aligned with the kind's columns (schema order) and typed.
    fn push(&mut self, values: Vec<values::Value<'_>>, path: &str, line: u64);
    /// One record's link in a file's `prev_hash` chain (chained audit files only):
    /// `previous` is the hash of the physical line before it (`None` on the first).
    fn chain(&mut self, _line: u64, _previous: Option<&[u8; 32]>, _claim: chain::Claim<'_>) {}
}

/// Rows used and rejected in one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStats {
    pub rows: u64,
    pub rejected_rows: u64,
}

/// The canonical tables, one per declared kind, except audit events, which are
/// streamed and only counted here.
#[derive(Debug, Default)]
pub struct Tables {
    tables: BTreeMap<InputKind, DataFrame>,
    declared: BTreeSet<InputKind>,
    streamed_rows: BTreeMap<InputKind, u64>,
    /// A run's probes, read compact instead of as a table ([`probes`]); the uptime
    /// family takes them once.
    probes: Mutex<Option<probes::Probes>>,
    /// A run's utilization samples, read compact instead of as a table ([`utilization`]);
    /// the capacity family takes them once.
    utilization: Mutex<Option<utilization::Utilization>>,
}

impl Tables {
    /// The table of a kind, when an input of that kind was declared (it may be empty).
    pub fn get(&self, kind: InputKind) -> Option<&DataFrame> {
        self.tables.get(&kind)
    }

    pub fn insert(&mut self, kind: InputKind, frame: DataFrame) {
        self.declared.insert(kind);
        self.tables.insert(kind, frame);
    }

    /// Rows read of a kind, or `None` when no input of that kind was declared.
    pub fn rows(&self, kind: InputKind) -> Option<u64> {
        if !self.declared.contains(&kind) {
            return None;
        }
        let collected = self.tables.get(&kind).map_or(0, |t| t.height() as u64);
        Some(collected + self.streamed_rows.get(&kind).copied().unwrap_or(0))
    }

    /// Keeps a run's compact probes; `rows` of them were read.
    pub fn insert_probes(&mut self, probes: probes::Probes, rows: u64) {
        self.add_streamed_rows(InputKind::Probes, rows);
        *self
            .probes
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = Some(probes);
    }

    /// Takes a run's compact probes: `None` when they were read as a table or already
    /// taken. The uptime family takes them so that each service's samples can be freed
    /// as soon as its coverage is known.
    pub fn take_probes(&self) -> Option<probes::Probes> {
        self.probes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Keeps a run's compact utilization samples; `rows` of them were read.
    pub fn insert_utilization(&mut self, kept: utilization::Utilization, rows: u64) {
        self.add_streamed_rows(InputKind::Utilization, rows);
        *self
            .utilization
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner) = Some(kept);
    }

    /// Takes a run's compact utilization samples: `None` when they were read as a table
    /// or already taken.
    pub fn take_utilization(&self) -> Option<utilization::Utilization> {
        self.utilization
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Declares `kind` and counts `rows` more of it read without a table.
    fn add_streamed_rows(&mut self, kind: InputKind, rows: u64) {
        self.declared.insert(kind);
        *self.streamed_rows.entry(kind).or_default() += rows;
    }

    /// Records how many rows of a streamed kind were read.
    pub fn set_streamed_rows(&mut self, kind: InputKind, rows: u64) {
        self.declared.insert(kind);
        self.streamed_rows.insert(kind, rows);
    }
}

/// Everything ingest produced.
#[derive(Debug, Default)]
pub struct Ingested {
    pub tables: Tables,
    /// Sorted by path.
    pub files: Vec<InputFile>,
    /// Sorted by path, then line.
    pub rejected: Vec<Rejected>,
    pub warnings: Vec<String>,
    /// Which input read each file, in reading order.
    pub planned: Vec<PlannedFile>,
}

/// A file an input resolves to, for `auditpack inputs` and for reading.
#[derive(Debug, Clone)]
pub struct PlannedFile {
    pub input_index: usize,
    pub path: PathBuf,
    pub display: String,
    /// The input's `latency_path` (SPEC §15), read before the input's own files.
    pub latency: bool,
    /// Read no more than this many bytes: a second pass over an audit log reads what
    /// the first read, even if the log has grown since (SPEC §18).
    pub limit: Option<u64>,
    /// Its size when planned, for the progress bar and for sharing the reading between
    /// threads (0 if it could not be read then: reading it says why).
    pub bytes: u64,
}

impl PlannedFile {
    /// Opens the file, capped at its [`limit`](Self::limit).
    pub fn open(&self) -> Result<std::io::Take<File>, Error> {
        let handle = File::open(&self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            action: "open the input file",
            source,
        })?;
        Ok(handle.take(self.limit.unwrap_or(u64::MAX)))
    }
}

/// Resolves every input to its files; a file matched by two inputs is read once (by
/// the first), with a warning naming it.
fn plan(
    inputs: &[Input],
    dir: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<PlannedFile>, Error> {
    let mut seen: HashMap<PathBuf, usize> = HashMap::new();
    let mut planned = Vec::new();
    for input in inputs {
        let mut files = resolve::resolve(input, dir, warnings)?;
        let latency = match &input.latency_path {
            Some(path) => Some(resolve::resolve_file(path, dir)?),
            None => None,
        };
        if let Some(latency) = latency {
            if files.iter().any(|f| f.canonical == latency.canonical) {
                return Err(Error::input(
                    &latency.path,
                    None,
                    "is both the input's `path` and its `latency_path`",
                ));
            }
            files.insert(0, latency);
        }
        let latency_files = usize::from(input.latency_path.is_some());
        for (position, file) in files.into_iter().enumerate() {
            if let Some(first) = seen.get(&file.canonical) {
                warnings.push(format!(
                    "{}: matched by input[{}] and input[{}]: read once, as input[{}]",
                    file.display,
                    first + 1,
                    input.index + 1,
                    first + 1
                ));
                continue;
            }
            seen.insert(file.canonical.clone(), input.index);
            let bytes = std::fs::metadata(&file.path).map_or(0, |m| m.len());
            planned.push(PlannedFile {
                input_index: input.index,
                path: file.path,
                display: file.display,
                latency: position < latency_files,
                limit: None,
                bytes,
            });
        }
    }
    Ok(planned)
}

/// Reads every input (the config's `[[input]]`s, relative paths against `dir`) except
/// the audit logs, which are streamed once through [`audit::stream`] instead of being
/// collected (they are the large input).
pub fn ingest(inputs: &[Input], dir: &Path, observer: &dyn Observer) -> Result<Ingested, Error> {
    let plan = plan_reading(inputs, dir, observer)?;
    let tables = read_tables(
        inputs,
        &plan.files,
        |kind| kind != InputKind::Audit,
        None,
        observer,
    )?;
    Ok(plan.into_ingested(inputs, vec![tables]))
}

/// The files every input resolves to, and the warnings resolving gave.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    pub warnings: Vec<String>,
}

impl Ingested {
    /// Adds what streaming the audit logs read: their row count, files and rejected rows,
    /// kept in the sorted order the tables' files and rejected rows have.
    pub fn add_streamed(&mut self, streamed: audit::Streamed) {
        self.tables
            .set_streamed_rows(InputKind::Audit, streamed.rows);
        self.files.extend(streamed.files);
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.rejected.extend(streamed.rejected);
        self.rejected.sort();
    }
}

impl Plan {
    /// The plan and the tables read by one or more [`read_tables`] calls, as one. Every
    /// kind the config declares counts as declared (audit too, though it is streamed).
    pub fn into_ingested(self, inputs: &[Input], parts: Vec<TablesRead>) -> Ingested {
        let mut ingested = Ingested {
            warnings: self.warnings,
            planned: self.files,
            ..Ingested::default()
        };
        ingested
            .tables
            .declared
            .extend(inputs.iter().map(|input| input.kind));
        for part in parts {
            let tables = part.tables;
            if let Some(probes) = tables.take_probes() {
                *ingested
                    .tables
                    .probes
                    .get_mut()
                    .unwrap_or_else(PoisonError::into_inner) = Some(probes);
            }
            ingested.tables.streamed_rows.extend(tables.streamed_rows);
            ingested.tables.tables.extend(tables.tables);
            ingested.tables.declared.extend(tables.declared);
            ingested.files.extend(part.files);
            ingested.rejected.extend(part.rejected);
        }
        ingested.files.sort_by(|a, b| a.path.cmp(&b.path));
        ingested.rejected.sort();
        ingested
    }
}

/// Resolves every input (relative paths against `dir`, the config's directory) to its
/// files and tells the observer how much there is to read.
pub fn plan_reading(inputs: &[Input], dir: &Path, observer: &dyn Observer) -> Result<Plan, Error> {
    let mut warnings = Vec::new();
    let files = plan(inputs, dir, &mut warnings)?;
    let total_bytes: u64 = files.iter().map(|f| f.bytes).sum();
    observer.start_reading(total_bytes);
    Ok(Plan { files, warnings })
}

/// What [`read_tables`] read: the tables of some kinds, their files and rejected rows.
#[derive(Debug, Default)]
pub struct TablesRead {
    pub tables: Tables,
    pub files: Vec<InputFile>,
    pub rejected: Vec<Rejected>,
}

/// What a run keeps compact instead of as general tables.
#[derive(Debug, Clone)]
pub struct Compact {
    pub probes: probes::ProbeWindow,
    pub utilization: utilization::UtilizationKeep,
}

/// Reads the planned files of the kinds `wanted` selects into their canonical tables
/// (never audit: it is streamed). Independent kinds can be read on different threads.
/// With `compact`, the probes ([`probes`]) and the utilization samples
/// ([`utilization`]) are kept compact instead of as tables: what a run does — and the
/// later probe files (a year of them is most of the bytes) are read on a second
/// thread, their samples appended to the first thread's in reading order.
pub fn read_tables(
    inputs: &[Input],
    planned: &[PlannedFile],
    wanted: impl Fn(InputKind) -> bool,
    compact: Option<Compact>,
    observer: &dyn Observer,
) -> Result<TablesRead, Error> {
    let wanted = |kind: InputKind| kind != InputKind::Audit && wanted(kind);
    let declared = |kind: InputKind| inputs.iter().any(|i| i.kind == kind && wanted(i.kind));
    let is_compact = |kind: InputKind| {
        matches!(kind, InputKind::Probes | InputKind::Utilization) && compact.is_some()
    };
    let lane = || Lane {
        builders: inputs
            .iter()
            .filter(|input| wanted(input.kind) && !is_compact(input.kind))
            .map(|input| (input.kind, TableBuilder::new(input.kind)))
            .collect(),
        probes: compact
            .as_ref()
            .filter(|_| declared(InputKind::Probes))
            .map(|c| probes::ProbeSink::new(c.probes)),
        utilization: compact
            .as_ref()
            .filter(|_| declared(InputKind::Utilization))
            .map(|c| utilization::UtilizationSink::new(c.utilization.clone())),
        files: Vec::new(),
        rejected: Vec::new(),
        latencies: BTreeMap::new(),
    };
    let wanted_files: Vec<(usize, &PlannedFile)> = planned
        .iter()
        .enumerate()
        .filter(|(_, file)| wanted(inputs[file.input_index].kind))
        .collect();
    let second = second_lane(inputs, &wanted_files, compact.is_some());
    let (first, second) = wanted_files.split_at(wanted_files.len() - second);
    let mut lane_one = lane();
    let read = if second.is_empty() {
        lane_one.read(inputs, first, observer).map(|()| None)
    } else {
        // The second lane only reads probe files.
        let mut lane_two = Lane {
            builders: BTreeMap::new(),
            utilization: None,
            ..lane()
        };
        std::thread::scope(|scope| {
            let later = scope.spawn(|| lane_two.read(inputs, second, observer).map(|()| lane_two));
            let earlier = lane_one.read(inputs, first, observer);
            let later = later
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // The error a sequential read would meet first.
            match (earlier, later) {
                (Err(error), _) => Err(error),
                (Ok(()), later) => later.map(Some),
            }
        })
    };
    let lane_two = read?;
    if let Some(lane_two) = lane_two {
        lane_one.append(lane_two);
    }
    lane_one.finish()
}

/// How many of `files` (the wanted ones, in reading order) a second thread reads: the
/// last compact probe files (of inputs without a `latency_path`, whose samples need
/// their input's latency map) up to about half of all the bytes. None below 64 MiB of
/// them: a thread is not worth it.
fn second_lane(inputs: &[Input], files: &[(usize, &PlannedFile)], compact: bool) -> usize {
    // Small in the unit tests, so that they read in two lanes.
    const WORTH_A_THREAD: u64 = if cfg!(test) { 1 << 10 } else { 64 << 20 };
    let splittable = |file: &PlannedFile| {
        let input = &inputs[file.input_index];
        compact && input.kind == InputKind::Probes && input.latency_path.is_none()
    };
    let total: u64 = files.iter().map(|(_, file)| file.bytes).sum();
    let mut taken = 0;
    let mut bytes = 0;
    for (_, file) in files.iter().rev() {
        if !splittable(file) || bytes + file.bytes > total / 2 {
            break;
        }
        bytes += file.bytes;
        taken += 1;
    }
    if bytes < WORTH_A_THREAD {
        0
    } else {
        taken
    }
}

/// What one thread of [`read_tables`] reads into.
struct Lane {
    builders: BTreeMap<InputKind, TableBuilder>,
    probes: Option<probes::ProbeSink>,
    utilization: Option<utilization::UtilizationSink>,
    /// The files read, with their place in the plan.
    files: Vec<(usize, InputFile)>,
    rejected: Vec<Rejected>,
    /// The `latency_path` samples of each input, read before its own files.
    latencies: BTreeMap<usize, prometheus::Latencies>,
}

impl Lane {
    fn read(
        &mut self,
        inputs: &[Input],
        files: &[(usize, &PlannedFile)],
        observer: &dyn Observer,
    ) -> Result<(), Error> {
        for &(place, file) in files {
            let input = &inputs[file.input_index];
            let sink: &mut dyn RowSink = match (
                self.builders.get_mut(&input.kind),
                &mut self.probes,
                &mut self.utilization,
            ) {
                (Some(builder), _, _) => builder,
                (None, Some(probes), _) if input.kind == InputKind::Probes => probes,
                (None, _, Some(kept)) if input.kind == InputKind::Utilization => kept,
                _ => continue,
            };
            let reading = if file.latency {
                Reading::Latency(self.latencies.entry(file.input_index).or_default())
            } else {
                Reading::Rows(self.latencies.get(&file.input_index))
            };
            let stats = read_file(file, input, sink, reading, &mut self.rejected, observer)?;
            observer.file_read(&stats.kind, stats.bytes, stats.rows);
            self.files.push((place, stats));
        }
        Ok(())
    }

    /// Adds what a lane that read later files read.
    fn append(&mut self, later: Lane) {
        if let (Some(probes), Some(later)) = (&mut self.probes, later.probes) {
            probes.append(later);
        }
        self.files.extend(later.files);
        self.rejected.extend(later.rejected);
    }

    fn finish(mut self) -> Result<TablesRead, Error> {
        let mut read = TablesRead::default();
        for (kind, builder) in self.builders {
            read.tables.insert(kind, builder.finish()?);
        }
        if let Some(sink) = self.probes {
            let (probes, rows) = sink.finish();
            read.tables.insert_probes(probes, rows);
        }
        if let Some(sink) = self.utilization {
            let (kept, rows) = sink.finish();
            read.tables.insert_utilization(kept, rows);
        }
        self.files.sort_by_key(|(place, _)| *place);
        read.files = self.files.into_iter().map(|(_, file)| file).collect();
        read.rejected = self.rejected;
        Ok(read)
    }
}

/// What one file is read for.
pub(crate) enum Reading<'a> {
    /// The input's rows; with the latency samples of its `latency_path`, if any.
    Rows(Option<&'a prometheus::Latencies>),
    /// A `latency_path` file: its samples go into the map, not into a table.
    Latency(&'a mut prometheus::Latencies),
}

/// Reads one file of one input into `rows`, hashing it on the way.
fn read_file(
    file: &PlannedFile,
    input: &Input,
    rows: &mut dyn RowSink,
    reading: Reading<'_>,
    rejected: &mut Vec<Rejected>,
    observer: &dyn Observer,
) -> Result<InputFile, Error> {
    let mut reader = HashingReader::new(file.open()?, observer);
    let mut sink = canonical::Sink {
        kind: input.kind,
        display: &file.display,
        disk_path: &file.path,
        timezone: input.timezone,
        table: rows,
        rejected,
    };
    let stats = match (input.format, reading) {
        (Format::Prometheus, Reading::Latency(latencies)) => {
            prometheus::read_latency(&mut reader, input, &mut sink, latencies)?
        }
        (Format::Prometheus, Reading::Rows(latencies)) if input.kind == InputKind::Probes => {
            prometheus::read(&mut reader, input, &mut sink, latencies)?
        }
        (format, _) => read_rows(format, &mut reader, input, &mut sink)?,
    };
    let (sha256, bytes) = reader.finish().map_err(|source| Error::Io {
        path: file.path.clone(),
        action: "read the input file",
        source,
    })?;
    Ok(InputFile {
        path: file.display.clone(),
        kind: input.kind.as_str().to_string(),
        format: input.format.as_str().to_string(),
        sha256,
        bytes,
        rows: stats.rows,
        rejected_rows: stats.rejected_rows,
    })
}

/// Reads one file of a format that needs nothing beyond its input.
fn read_rows(
    format: Format,
    mut reader: impl Read,
    input: &Input,
    sink: &mut canonical::Sink<'_>,
) -> Result<FileStats, Error> {
    Ok(match format {
        Format::Csv => canonical::read_csv(&mut reader, sink)?,
        Format::Ndjson => canonical::read_ndjson(&mut reader, sink)?,
        Format::Restic => restic::read(&mut reader, input, sink)?,
        Format::Borg => borg::read(&mut reader, input, sink)?,
        Format::Pgbackrest => pgbackrest::read(&mut reader, input, sink)?,
        Format::Prometheus => prometheus_utilization::read(&mut reader, input, sink)?,
        Format::Alertmanager => alertmanager::read(&mut reader, sink)?,
        Format::Cloudtrail => cloudtrail::read(&mut reader, input, sink)?,
        Format::Okta if input.kind == InputKind::PasswordPolicies => {
            okta_password::read(&mut reader, input, sink)?
        }
        Format::Okta => okta::read(&mut reader, input, sink)?,
        Format::Osquery => osquery::read(&mut reader, input, sink)?,
        Format::Sslyze => sslyze::read(&mut reader, input, sink)?,
    })
}

/// Hashes and counts every byte read through it, so each file is read once.
struct HashingReader<'a, R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    observer: &'a dyn Observer,
}

impl<'a, R: Read> HashingReader<'a, R> {
    fn new(inner: R, observer: &'a dyn Observer) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            observer,
        }
    }

    /// The hex SHA-256 and size of the bytes the parser read (SPEC §18): every reader
    /// reads to the end of what the file held when it got there, and a log appended to
    /// after that has its new bytes neither used nor hashed. (Reading on to the end here
    /// would hash bytes no row came from.)
    fn finish(self) -> std::io::Result<(String, u64)> {
        Ok((hex(&self.hasher.finalize()), self.bytes))
    }
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        self.observer.advance(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
