//! Canonical CSV and NDJSON readers (SPEC §4, §12). They stream the file once, hash its
//! bytes on the way, keep physical 1-based line numbers, and turn every row that cannot
//! be read into a `Rejected` value while the rest of the file is used. A file that is
//! not the declared format at all is a fatal error naming the file.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use chrono_tz::Tz;

use super::schema::{columns, ColumnSpec};
use super::table::TableBuilder;
use super::values::{parse_value, Raw, Value};
use super::FileStats;
use crate::config::InputKind;
use crate::error::Error;
use crate::model::Rejected;

/// Where rows of one file go, and how to name the file.
pub struct Sink<'a> {
    pub kind: InputKind,
    pub display: &'a str,
    pub disk_path: &'a std::path::Path,
    pub timezone: Option<Tz>,
    pub table: &'a mut TableBuilder,
    pub rejected: &'a mut Vec<Rejected>,
}

impl Sink<'_> {
    /// For native adapters: types one record given as canonical field names and raw
    /// values, checks it like a canonical row, and uses or rejects it. `line` is the
    /// physical line, or the element's index for whole-document JSON (SPEC §12).
    #[allow(dead_code)] // until the native adapters that call it arrive
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

    /// The file is not the declared format at all: stops the run naming the file.
    pub fn fatal(&self, line: Option<u64>, message: impl Into<String>) -> Error {
        Error::input(self.disk_path, line, message)
    }

    /// Types one row's raw values; the first problem is the rejection reason.
    fn type_row<'r>(
        &self,
        specs: &[ColumnSpec],
        raw_of: impl Fn(usize) -> Option<Raw<'r>>,
    ) -> Result<Vec<Value>, String> {
        let mut values = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            let value = match raw_of(index) {
                Some(raw) => parse_value(spec, raw, self.timezone)?,
                None => Value::Null,
            };
            if spec.required && value == Value::Null {
                return Err(format!("missing required value `{}`", spec.name));
            }
            values.push(value);
        }
        super::schema::check_row(self.kind, &values)?;
        Ok(values)
    }
}

/// Reads a canonical CSV file: RFC 4180, header row, BOM and CRLF tolerated.
pub fn read_csv(reader: impl Read, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let specs = columns(sink.kind);
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
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
                header.join(", ")
            ),
        ));
    }
    let width = header.len();
    while read(&mut csv_reader, &mut record)? {
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != width {
            sink.reject(
                line,
                format!("expected {width} fields, found {}", record.len()),
                &mut stats,
            );
            continue;
        }
        let fields: Result<Vec<&str>, _> = record.iter().map(std::str::from_utf8).collect();
        let Ok(fields) = fields else {
            sink.reject(line, "not valid UTF-8", &mut stats);
            continue;
        };
        match sink.type_row(specs, |i| positions[i].map(|p| Raw::Text(fields[p]))) {
            Ok(values) => {
                sink.table.push(values, sink.display, line);
                stats.rows += 1;
            }
            Err(reason) => sink.reject(line, reason, &mut stats),
        }
    }
    Ok(stats)
}

/// Reads a canonical NDJSON file: one JSON object a line; blank lines are skipped.
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
        let bytes = trim_ascii(bytes);
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
    if objects == 0 {
        if let Some((line, reason)) = first_failure {
            return Err(sink.fatal(
                Some(line),
                format!("not NDJSON (no line is a JSON object): {reason}"),
            ));
        }
    } else {
        let missing: Vec<&str> = specs
            .iter()
            .filter(|spec| spec.required && !seen_keys.get(spec.name).copied().unwrap_or(false))
            .map(|spec| spec.name)
            .collect();
        if !missing.is_empty() {
            return Err(sink.fatal(
                None,
                format!(
                    "not canonical `{}` NDJSON: no record has the required fields {}",
                    sink.kind.as_str(),
                    missing.join(", ")
                ),
            ));
        }
    }
    Ok(stats)
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}
