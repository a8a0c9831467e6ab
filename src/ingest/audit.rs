//! Audit events are the large input (millions of lines a month), so they are never
//! collected into a table: each file is read once, every readable event is handed to an
//! [`AuditConsumer`] (the access and logging checks' state) and dropped, and the
//! `prev_hash` chain is computed on the raw bytes in the same pass (SPEC §4, §13).
//! Memory therefore depends on what the checks keep, not on the size of the log.

use super::values::Value;
use super::{read_file, PlannedFile, RowSink};
use crate::config::{Config, Format, InputKind};
use crate::error::Error;
use crate::model::{InputFile, Millis, Rejected};
use crate::observer::Observer;

/// One readable audit event (SPEC §4 `audit` columns), borrowed for the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuditEvent<'a> {
    pub time: Millis,
    pub actor: &'a str,
    pub action: &'a str,
    pub success: bool,
    pub role: Option<&'a str>,
    pub tenant: Option<&'a str>,
    /// `None` when the column is missing or empty: no MFA.
    pub mfa: Option<bool>,
    pub target: Option<&'a str>,
    pub ticket: Option<&'a str>,
    pub ip: Option<&'a str>,
    /// The file, as shown in the pack.
    pub file: &'a str,
    /// The `logging.*` subject: the file for canonical inputs, the input entry for
    /// native ones.
    pub source: &'a str,
    pub line: u64,
}

/// What a line says of its predecessor in the `prev_hash` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrevHash {
    /// The line could not be read: its own link cannot be checked.
    Unreadable,
    /// Missing or empty.
    Absent,
    Value(String),
}

/// One record's link: the SHA-256 of the previous physical line's bytes (without its
/// terminator; `None` on the file's first record) and what the record claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    pub line: u64,
    pub previous_line: Option<[u8; 32]>,
    pub prev_hash: PrevHash,
}

/// The checks' side of the stream. Implementations keep only what their answers need.
pub trait AuditConsumer {
    fn begin_file(&mut self, _file: &str, _source: &str) {}
    fn event(&mut self, event: &AuditEvent<'_>);
    fn chain(&mut self, _file: &str, _link: &ChainLink) {}
    fn end_file(&mut self, _file: &str) {}
}

/// What streaming the audit inputs read.
#[derive(Debug, Default)]
pub struct Streamed {
    pub files: Vec<InputFile>,
    pub rejected: Vec<Rejected>,
    pub rows: u64,
}

/// Reads every audit file of `planned` (the plan `ingest` made) once, handing each event
/// to `consumer`.
pub fn stream(
    config: &Config,
    planned: &[PlannedFile],
    observer: &dyn Observer,
    consumer: &mut dyn AuditConsumer,
) -> Result<Streamed, Error> {
    let mut streamed = Streamed::default();
    let audit_files = planned
        .iter()
        .filter(|file| config.inputs[file.input_index].kind == InputKind::Audit);
    for file in audit_files {
        let input = &config.inputs[file.input_index];
        let source = match input.format {
            Format::Csv | Format::Ndjson => file.display.clone(),
            _ => input.path_text.clone(),
        };
        consumer.begin_file(&file.display, &source);
        let mut forwarder = Forwarder {
            consumer: &mut *consumer,
            file: &file.display,
            source: &source,
        };
        let read = read_file(
            file,
            input,
            &mut forwarder,
            &mut streamed.rejected,
            observer,
        )?;
        consumer.end_file(&file.display);
        streamed.rows += read.rows;
        streamed.files.push(read);
    }
    observer.finish_reading();
    streamed.files.sort_by(|a, b| a.path.cmp(&b.path));
    streamed.rejected.sort();
    Ok(streamed)
}

/// Turns typed canonical rows into borrowed events for the consumer.
struct Forwarder<'c, 'f> {
    consumer: &'c mut dyn AuditConsumer,
    file: &'f str,
    source: &'f str,
}

impl RowSink for Forwarder<'_, '_> {
    fn push(&mut self, values: Vec<Value>, _path: &str, line: u64) {
        // Columns in `schema::AUDIT` order.
        let text = |i: usize| match values.get(i) {
            Some(Value::Text(t)) if !t.is_empty() => Some(t.as_str()),
            _ => None,
        };
        let (Some(Value::Time(time)), Some(actor), Some(action), Some(outcome)) =
            (values.first(), text(1), text(2), text(3))
        else {
            return; // Required values: the reader never lets a row without them through.
        };
        let event = AuditEvent {
            time: *time,
            actor,
            action,
            success: outcome == "success",
            role: text(4),
            tenant: text(5),
            mfa: match values.get(6) {
                Some(Value::Bool(b)) => Some(*b),
                _ => None,
            },
            target: text(7),
            ticket: text(8).filter(|t| !t.trim().is_empty()),
            ip: text(9),
            file: self.file,
            source: self.source,
            line,
        };
        self.consumer.event(&event);
    }

    fn chain(&mut self, link: ChainLink) {
        self.consumer.chain(self.file, &link);
    }
}

/// SHA-256 of one physical line without its terminator (`\n` or `\r\n`).
pub fn line_hash(line: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Sha256::digest(line).into()
}
