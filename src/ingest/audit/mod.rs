//! Audit events are the large input (millions of lines a month), so they are never
//! collected into a table: each file is read once, every readable event is handed to an
//! [`AuditConsumer`] (the access and logging checks' state) and dropped, and the
//! `prev_hash` chain is computed on the raw bytes in the same pass (SPEC §4, §13).
//! Memory therefore depends on what the checks keep, not on the size of the log.

mod ndjson;
mod record;

use super::values::Value;
use super::{read_file, PlannedFile, RowSink};
use crate::config::{Config, Format, InputKind};
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

/// What a line says of its predecessor in the `prev_hash` chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim<'a> {
    /// The line could not be read: its own link cannot be checked.
    Unreadable,
    /// Missing or empty.
    Absent,
    Value(&'a str),
}

/// The judged links of consecutive records of one file (SPEC §4 `prev_hash`): a
/// record's link is the SHA-256 of the previous physical line's bytes (without its
/// terminator) against what the record claims.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ChainLinks {
    /// Records linked: every non-blank line, readable or not.
    pub count: u64,
    /// Whether any record carries a `prev_hash`.
    pub carries: bool,
    /// Lines whose `prev_hash` is not the previous line's hash, with the reason.
    pub broken: Vec<(u64, String)>,
    /// Runs `(first, last)` of lines after the first without a `prev_hash`: broken links
    /// when the file carries the column. Runs, so a file without a chain costs nothing
    /// per line.
    pub absent: Vec<(u64, u64)>,
}

impl ChainLinks {
    /// Judges the link of the record on `line`; `previous` is the hash of the line
    /// before it, `None` on the file's first line (nothing to point at).
    pub fn judge(&mut self, line: u64, previous: Option<&[u8; 32]>, claim: Claim<'_>) {
        self.count += 1;
        if let Claim::Value(_) = claim {
            self.carries = true;
        }
        let Some(previous) = previous else {
            return;
        };
        match claim {
            Claim::Value(claimed) if !hex_matches(claimed, previous) => self.broken.push((
                line,
                format!(
                    "prev_hash {claimed} but the previous line hashes to {}",
                    super::hex(previous)
                ),
            )),
            Claim::Value(_) | Claim::Unreadable => {}
            Claim::Absent => self.absent_run(line, line),
        }
    }

    /// Adds the links of later lines of the same file, numbered from `offset + 1`.
    pub fn append(&mut self, other: &ChainLinks, offset: u64) {
        self.count += other.count;
        self.carries |= other.carries;
        self.broken.extend(
            other
                .broken
                .iter()
                .map(|(line, reason)| (line + offset, reason.clone())),
        );
        for &(first, last) in &other.absent {
            self.absent_run(first + offset, last + offset);
        }
    }

    fn absent_run(&mut self, first: u64, last: u64) {
        match self.absent.last_mut() {
            Some(run) if run.1 + 1 == first => run.1 = last,
            _ => self.absent.push((first, last)),
        }
    }
}

/// Whether `claimed` is the hex of `hash`, in either case. (Once per audit line: the
/// hash is spelt out in lowercase and compared as one block first.)
fn hex_matches(claimed: &str, hash: &[u8; 32]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let claimed = claimed.as_bytes();
    if claimed.len() != 64 {
        return false;
    }
    let mut lower = [0u8; 64];
    for (pair, byte) in lower.chunks_exact_mut(2).zip(hash) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 15)];
    }
    claimed == lower || claimed.eq_ignore_ascii_case(&lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_matches_in_either_case_and_only_in_full() {
        let hash = line_hash(b"hello\r\n");
        let hex = crate::ingest::hex(&hash);
        assert_eq!(hash, line_hash(b"hello"), "the terminator is not hashed");
        assert!(hex_matches(&hex, &hash));
        assert!(hex_matches(&hex.to_uppercase(), &hash));
        assert!(!hex_matches(&hex[..63], &hash));
        assert!(!hex_matches(&format!("{hex}0"), &hash));
        let mut other = hex.into_bytes();
        other[63] = if other[63] == b'0' { b'1' } else { b'0' };
        assert!(!hex_matches(std::str::from_utf8(&other).unwrap(), &hash));
    }
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
    config: &Config,
    planned: &[PlannedFile],
    observer: &dyn Observer,
    consumer: &mut (dyn AuditConsumer + Send),
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
                &mut streamed.rejected,
                observer,
            )?
        };
        consumer.end_file(&file.display);
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

/// SHA-256 of one physical line without its terminator (`\n` or `\r\n`).
pub fn line_hash(line: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Sha256::digest(line).into()
}
