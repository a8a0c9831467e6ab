//! Canonical CSV and NDJSON readers (SPEC §4, §12). They stream the file once, hash its
//! bytes on the way, keep physical 1-based line numbers, and turn every row that cannot
//! be read into a `Rejected` value while the rest of the file is used. A file that is
//! not the declared format at all is a fatal error naming the file.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use chrono_tz::Tz;

use super::chain::{line_hash, Claim};
use super::schema::{columns, ndjson_verdict, ColumnSpec};
use super::values::{parse_value, Raw, Value};
use super::FileStats;
use super::RowSink;
use crate::config::InputKind;
use crate::error::Error;
use crate::model::Rejected;

/// Where rows of one file go, and how to name the file.
pub struct Sink<'a> {
    pub kind: InputKind,
    pub display: &'a str,
    pub disk_path: &'a std::path::Path,
    pub timezone: Option<Tz>,
    pub table: &'a mut dyn RowSink,
    pub rejected: &'a mut Vec<Rejected>,
}

impl Sink<'_> {
    /// For native adapters: types one record given as canonical field names and raw
    /// values, checks it like a canonical row, and uses or rejects it. `line` is the
    /// physical line, or the element's index for whole-document JSON (SPEC §12).
    pub fn push_fields(&mut self, line: u64, fields: &[(&str, Raw<'_>)], stats: &mut FileStats) {
        let specs = columns(self.kind);
        let typed = self.type_row(specs, |i| {
            fields
                .iter()
                .find(|(name, _)| *name == specs[i].name)
                .map(|(_, raw)| *raw)
        });
        match typed {
            Ok(values) => {
                self.table.push(values, self.display, line);
                stats.rows += 1;
            }
            Err(reason) => self.reject(line, reason, stats),
        }
    }

    /// For native adapters: a record that cannot be used at all.
    pub fn reject(&mut self, line: u64, reason: impl Into<String>, stats: &mut FileStats) {
        stats.rejected_rows += 1;
        self.rejected.push(Rejected {
            path: self.display.to_string(),
            line,
            reason: reason.into(),
        });
    }

    /// The file is not the declared format at all: stops the run naming the file. The
    /// message is one line (SPEC §12) even when it quotes the file (a tool's error text,
    /// a label): control characters in it are escaped.
    pub fn fatal(&self, line: Option<u64>, message: impl Into<String>) -> Error {
        Error::input(self.disk_path, line, one_line(message.into()))
    }

    /// Types one row's raw values; the first problem is the rejection reason.
    fn type_row<'r>(
        &self,
        specs: &[ColumnSpec],
        raw_of: impl Fn(usize) -> Option<Raw<'r>>,
    ) -> Result<Vec<Value<'r>>, String> {
        let mut values = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let value = match raw_of(index) {
                Some(raw) => parse_value(spec, raw, self.timezone)?,
                None => Value::Null,
            };
            if spec.required && value == Value::Null {
                return Err(super::schema::missing_required(spec.name));
            }
            values.push(value);
        }
        super::values::check_row(self.kind, &values)?;
        Ok(values)
    }
}

/// Reads a canonical CSV file: RFC 4180, header row, BOM and CRLF tolerated.
pub fn read_csv(reader: impl Read, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let specs = columns(sink.kind);
    // The csv crate numbers the record after a CRLF one line early (it notes the start
    // before consuming the `\n`), so CRLF becomes LF before parsing; the hash has
    // already seen the original bytes.
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(CrlfToLf::new(reader));
    let mut stats = FileStats::default();
    let mut record = csv::ByteRecord::new();
    let disk_path = sink.disk_path.to_path_buf();
    let read = |csv_reader: &mut csv::Reader<_>, record: &mut csv::ByteRecord| {
        csv_reader.read_byte_record(record).map_err(|e| {
            let line = e.position().map(|p| p.line());
            Error::input(&disk_path, line, format!("cannot read CSV: {e}"))
        })
    };
    if !read(&mut csv_reader, &mut record)? {
        return Ok(stats); // An empty file is normal input.
    }
    let header: Vec<String> = record
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let text = String::from_utf8_lossy(field);
            let text = if i == 0 {
                text.trim_start_matches('\u{feff}')
            } else {
                &text
            };
            text.trim().to_ascii_lowercase()
        })
        .collect();
    let positions: Vec<Option<usize>> = specs
        .iter()
        .map(|spec| header.iter().position(|h| h == spec.name))
        .collect();
    let missing: Vec<&str> = specs
        .iter()
        .zip(&positions)
        .filter(|(spec, position)| spec.required && position.is_none())
        .map(|(spec, _)| spec.name)
        .collect();
    if !missing.is_empty() {
        return Err(sink.fatal(
            Some(1),
            format!(
                "not a canonical `{}` CSV: missing required columns {} (the header has: {})",
                sink.kind.as_str(),
                missing.join(", "),
                header
                    .iter()
                    .map(|name| shown(name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let width = header.len();
    let prev_hash_column = header.iter().position(|h| h == "prev_hash");
    let mut chain = match (sink.kind, prev_hash_column) {
        (InputKind::Audit, Some(_)) => Some(LineHashes::open(sink.disk_path)?),
        _ => None,
    };
    let mut first_record = true;
    while read(&mut csv_reader, &mut record)? {
        let line = record.position().map_or(0, |p| p.line());
        let fields = record_text(&record);
        let field = |text, i| field_of(text, &record, i);
        if let (Some(hashes), Some(column)) = (chain.as_mut(), prev_hash_column) {
            let previous_line = hashes.hash_of(line.saturating_sub(1), sink.disk_path)?;
            let claim = match fields {
                Some(text) if record.len() == width => match field(text, column).trim() {
                    "" => Claim::Absent,
                    value => Claim::Value(value),
                },
                _ => Claim::Unreadable,
            };
            let previous_line = if first_record { None } else { previous_line };
            sink.table.chain(line, previous_line.as_ref(), claim);
        }
        first_record = false;
        if record.len() != width {
            sink.reject(
                line,
                format!("expected {width} fields, found {}", record.len()),
                &mut stats,
            );
            continue;
        }
        let Some(text) = fields else {
            sink.reject(line, "not valid UTF-8", &mut stats);
            continue;
        };
        match sink.type_row(specs, |i| positions[i].map(|p| Raw::Text(field(text, p)))) {
            Ok(values) => {
                sink.table.push(values, sink.display, line);
                stats.rows += 1;
            }
            Err(reason) => sink.reject(line, reason, &mut stats),
        }
    }
    Ok(stats)
}

/// A record's fields as one text (they are stored end to end, unquoted), when every
/// field is valid UTF-8: one check a row, and fields sliced from it allocate nothing.
fn record_text(record: &csv::ByteRecord) -> Option<&str> {
    let text = std::str::from_utf8(record.as_slice()).ok()?;
    // Valid as a whole is not valid field by field: a character may straddle two.
    let whole = |i| {
        record
            .range(i)
            .is_some_and(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
    };
    (0..record.len()).all(whole).then_some(text)
}

/// Field `i` of a record whose [`record_text`] is `text`.
fn field_of<'t>(text: &'t str, record: &csv::ByteRecord, i: usize) -> &'t str {
    record.range(i).and_then(|r| text.get(r)).unwrap_or("")
}

/// `message` with every control character (a line break, a tab, an escape) escaped.
fn one_line(message: String) -> String {
    if !message.chars().any(char::is_control) {
        return message;
    }
    message
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A header field as a fatal message shows it: one line (SPEC §12: one clear message),
/// so a line break or control character in a quoted field is escaped, and a field that is
/// really a whole record's worth of text is cut short.
fn shown(name: &str) -> String {
    const MAX_CHARS: usize = 40;
    let escaped: String = name.escape_debug().collect();
    match escaped.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}…", &escaped[..end]),
        None => escaped,
    }
}

/// Reads a canonical NDJSON file: one JSON object a line; blank lines are skipped.
/// (Audit NDJSON, the large input, has its own parallel reader: `audit::ndjson`.)
pub fn read_ndjson(reader: impl Read, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let specs = columns(sink.kind);
    let mut reader = BufReader::new(reader);
    let mut stats = FileStats::default();
    let mut buffer = Vec::new();
    let mut line: u64 = 0;
    let mut objects = 0u64;
    let mut first_failure: Option<(u64, String)> = None;
    let mut seen_keys: HashMap<&'static str, bool> =
        specs.iter().map(|s| (s.name, false)).collect();
    loop {
        buffer.clear();
        let n = reader
            .read_until(b'\n', &mut buffer)
            .map_err(|e| sink.fatal(Some(line + 1), format!("cannot read: {e}")))?;
        if n == 0 {
            break;
        }
        line += 1;
        let mut bytes = buffer.as_slice();
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        }
        let bytes = bytes.trim_ascii();
        if bytes.is_empty() {
            continue;
        }
        let parsed: Result<serde_json::Map<String, serde_json::Value>, String> =
            serde_json::from_slice::<serde_json::Value>(bytes)
                .map_err(|e| format!("not JSON: {e}"))
                .and_then(|value| match value {
                    serde_json::Value::Object(map) => Ok(map),
                    _ => Err("not a JSON object".to_string()),
                });
        let object = match parsed {
            Ok(object) => object,
            Err(reason) => {
                first_failure.get_or_insert((line, reason.clone()));
                sink.reject(line, reason, &mut stats);
                continue;
            }
        };
        objects += 1;
        for spec in specs {
            if object.contains_key(spec.name) {
                seen_keys.insert(spec.name, true);
            }
        }
        let raw_of = |i: usize| -> Option<Raw<'_>> {
            match object.get(specs[i].name)? {
                serde_json::Value::String(text) => Some(Raw::Text(text)),
                serde_json::Value::Bool(b) => Some(Raw::Bool(*b)),
                serde_json::Value::Number(n) => Some(Raw::Number(n)),
                serde_json::Value::Null => None,
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    Some(Raw::Text("[structured value]"))
                }
            }
        };
        match sink.type_row(specs, raw_of) {
            Ok(values) => {
                sink.table.push(values, sink.display, line);
                stats.rows += 1;
            }
            Err(reason) => sink.reject(line, reason, &mut stats),
        }
    }
    let missing: Vec<&str> = specs
        .iter()
        .filter(|spec| spec.required && !seen_keys.get(spec.name).copied().unwrap_or(false))
        .map(|spec| spec.name)
        .collect();
    ndjson_verdict(sink.disk_path, sink.kind, objects, first_failure, &missing)?;
    Ok(stats)
}

/// Reads through `inner`, turning each `\r\n` into `\n` (a lone `\r` is kept).
struct CrlfToLf<R> {
    inner: BufReader<R>,
}

impl<R: Read> CrlfToLf<R> {
    fn new(inner: R) -> Self {
        CrlfToLf {
            inner: BufReader::new(inner),
        }
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut out = 0;
        while out < buf.len() {
            let available = self.inner.fill_buf()?;
            if available.is_empty() {
                break;
            }
            if available[0] == b'\r' {
                self.inner.consume(1);
                let followed_by_lf = self.inner.fill_buf()?.first() == Some(&b'\n');
                if followed_by_lf {
                    self.inner.consume(1);
                }
                buf[out] = if followed_by_lf { b'\n' } else { b'\r' };
                out += 1;
                continue;
            }
            // Copy the run up to the next `\r`.
            let run = memchr::memchr(b'\r', available).unwrap_or(available.len());
            let take = run.min(buf.len() - out);
            buf[out..out + take].copy_from_slice(&available[..take]);
            self.inner.consume(take);
            out += take;
        }
        Ok(out)
    }
}

/// Hashes a CSV file's physical lines in step with the CSV reader, so a record's link
/// to the line before it can be checked without holding the file.
struct LineHashes {
    lines: BufReader<std::fs::File>,
    /// The number and hash of the last line hashed.
    last: (u64, Option<[u8; 32]>),
    buffer: Vec<u8>,
}

impl LineHashes {
    fn open(path: &std::path::Path) -> Result<Self, Error> {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            action: "open the input file",
            source,
        })?;
        Ok(LineHashes {
            lines: BufReader::new(file),
            last: (0, None),
            buffer: Vec::new(),
        })
    }

    /// The hash of physical line `target` (1-based); lines are only read forwards.
    fn hash_of(&mut self, target: u64, path: &std::path::Path) -> Result<Option<[u8; 32]>, Error> {
        while self.last.0 < target {
            self.buffer.clear();
            let n = self
                .lines
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| {
                    Error::input(path, Some(self.last.0 + 1), format!("cannot read: {e}"))
                })?;
            if n == 0 {
                return Ok(None);
            }
            let mut bytes = self.buffer.as_slice();
            if self.last.0 == 0 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            self.last = (self.last.0 + 1, Some(line_hash(bytes)));
        }
        Ok(if self.last.0 == target {
            self.last.1
        } else {
            None
        })
    }
}
