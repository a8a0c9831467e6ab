//! Audit events are the large input (millions of lines a month), so they are never
//! collected into a table: each file is read once, every readable event is handed to an
//! [`AuditConsumer`] (the access and logging checks' state) and dropped, and the
//! `prev_hash` chain is computed on the raw bytes in the same pass (SPEC §4, §13).
//! Memory therefore depends on what the checks keep, not on the size of the log.

mod ndjson;
mod record;

pub use super::chain::{line_hash, ChainLinks, Claim};
use super::values::Value;
use super::{read_file, PlannedFile, Reading, RowSink};
use crate::config::{Format, Input, InputKind};
use crate::error::Error;
use crate::model::{InputFile, Millis, Rejected};
use crate::observer::Observer;

/// The actions the checks act on (SPEC §4 `audit.action`), told apart once per line
/// while lines are parsed on every core; any other action is `Other`, kept and counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    Deactivate,
    Reactivate,
    CredentialRotated,
    SupportAccess,
    Other,
}

impl Action {
    pub fn of(action: &str) -> Action {
        match action {
            "login" => Action::Login,
            "deactivate" => Action::Deactivate,
            "reactivate" => Action::Reactivate,
            "credential_rotated" => Action::CredentialRotated,
            "support_access" => Action::SupportAccess,
            _ => Action::Other,
        }
    }
}

/// One readable audit event (SPEC §4 `audit` columns), borrowed for the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AuditEvent<'a> {
    pub time: Millis,
    pub actor: &'a str,
    pub action: &'a str,
    /// `action`, told apart.
    pub kind: Action,
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

/// The checks' side of the stream. Implementations keep only what their answers need.
///
/// [`stream`] calls `begin_file`, then `event` and `chain` for that file only (every
/// event's `file` and `source` are the ones `begin_file` named), then `end_file`.
pub trait AuditConsumer {
    fn begin_file(&mut self, _file: &str, _source: &str) {}
    fn event(&mut self, event: &AuditEvent<'_>);
    /// Links of consecutive records of `file`, judged (lines are the file's).
    fn chain(&mut self, _file: &str, _links: &ChainLinks) {}
    fn end_file(&mut self, _file: &str) {}
}

/// What streaming the audit inputs read.
#[derive(Debug, Default)]
pub struct Streamed {
    pub files: Vec<InputFile>,
    pub rejected: Vec<Rejected>,
    pub rows: u64,
}

/// Reads every audit file of `planned` (the plan `ingest` made) once, in plan order,
/// handing each event to `consumer`. NDJSON files, the usual large input, are parsed on
/// every core (`ndjson.rs`); the consumer still sees each file's events in line order.
pub fn stream(
    inputs: &[Input],
    planned: &[PlannedFile],
    observer: &dyn Observer,
    consumer: &mut (dyn AuditConsumer + Send),
) -> Result<Streamed, Error> {
    let mut streamed = Streamed::default();
    let audit_files = planned
        .iter()
        .filter(|file| inputs[file.input_index].kind == InputKind::Audit);
    for file in audit_files {
        let input = &inputs[file.input_index];
        let source = match input.format {
            Format::Csv | Format::Ndjson => file.display.clone(),
            _ => input.path_text.clone(),
        };
        consumer.begin_file(&file.display, &source);
        let read = if input.format == Format::Ndjson {
            ndjson::read(
                file,
                input,
                &source,
                &mut *consumer,
                &mut streamed.rejected,
                observer,
            )?
        } else {
            let mut forwarder = Forwarder {
                consumer: &mut *consumer,
                file: &file.display,
                source: &source,
            };
            read_file(
                file,
                input,
                &mut forwarder,
                Reading::Rows(None),
                &mut streamed.rejected,
                observer,
            )?
        };
        consumer.end_file(&file.display);
        observer.file_read(&read.kind, read.bytes, read.rows);
        streamed.rows += read.rows;
        streamed.files.push(read);
    }
    streamed.files.sort_by(|a, b| a.path.cmp(&b.path));
    streamed.rejected.sort();
    Ok(streamed)
}

/// Turns typed canonical rows (CSV and the native formats) into borrowed events.
struct Forwarder<'c, 'f> {
    consumer: &'c mut (dyn AuditConsumer + Send),
    file: &'f str,
    source: &'f str,
}

impl RowSink for Forwarder<'_, '_> {
    fn push(&mut self, values: Vec<Value<'_>>, _path: &str, line: u64) {
        // Columns in `schema::AUDIT` order.
        let text = |i: usize| match values.get(i) {
            Some(Value::Text(t)) if !t.is_empty() => Some(t.as_ref()),
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
            kind: Action::of(action),
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

    fn chain(&mut self, line: u64, previous: Option<&[u8; 32]>, claim: Claim<'_>) {
        let mut links = ChainLinks::default();
        links.judge(line, previous, claim);
        self.consumer.chain(self.file, &links);
    }
}
