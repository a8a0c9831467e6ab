//! Whole-document JSON, shared by the native backup adapters (restic, borg, pgBackRest):
//! reads the file to its end through the hashing reader, so the hash covers every byte,
//! and turns a file that is not JSON at all into one fatal error naming the file and the
//! tool output that was expected. It knows no tool's shape; the adapters do.

use std::io::Read;

use serde_json::Value;

use super::canonical::Sink;
use super::values::Raw;
use crate::error::Error;

/// Reads the whole file as one JSON document. `expected` names the tool output, e.g.
/// "`restic snapshots --json` output", for the error message. An empty file (or one
/// holding only a BOM and whitespace) is normal input (SPEC §12): `None`, zero rows.
pub fn read(
    mut reader: impl Read,
    sink: &Sink<'_>,
    expected: &str,
) -> Result<Option<Value>, Error> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| sink.fatal(None, format!("cannot read: {e}")))?;
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(text).map(Some).map_err(|e| {
        let line = u64::try_from(e.line()).ok().filter(|line| *line > 0);
        sink.fatal(line, format!("not {expected}: not a JSON document: {e}"))
    })
}

/// A JSON value as a raw canonical value: strings stay text, numbers and booleans keep
/// their type (the column's parser decides), `null` is absent, and an array or object
/// where a single value belongs is refused by the parser as a structured value.
pub fn raw(value: &Value) -> Option<Raw<'_>> {
    match value {
        Value::String(text) => Some(Raw::Text(text)),
        Value::Bool(b) => Some(Raw::Bool(*b)),
        Value::Number(n) => Some(Raw::Number(n)),
        Value::Null => None,
        Value::Array(_) | Value::Object(_) => Some(Raw::Text("[structured value]")),
    }
}

/// What a JSON value is, for messages ("found an object").
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value at a path of object keys, e.g. `["summary", "backup_end"]`; `None` when a
/// step is missing, is `null` or is not an object.
pub fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut current = value;
    for key in path {
        current = current.get(key)?;
    }
    (!current.is_null()).then_some(current)
}

/// Test support for the adapters: ingest one file through the real dispatch and read the
/// backups table back as plain rows.
#[cfg(test)]
pub mod testing {
    use polars::prelude::{DataFrame, DataType};

    use crate::config::{Config, InputKind};
    use crate::error::Error;
    use crate::ingest::{ingest, Ingested};
    use crate::observer::Silent;

    /// One row of the backups table, times in UTC milliseconds.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Row {
        pub source: Option<String>,
        pub started_at: Option<i64>,
        pub status: Option<String>,
        pub finished_at: Option<i64>,
        pub snapshot_id: Option<String>,
        pub repository: Option<String>,
        pub region: Option<String>,
        pub encrypted: Option<bool>,
        pub size_bytes: Option<i64>,
        pub tenant: Option<String>,
        pub line: u64,
    }

    /// Writes `content` as `name` in a temp dir, declares it as one backups input of
    /// `format` with the extra TOML lines `extra`, and ingests it.
    pub fn ingest_backups(
        name: &str,
        content: &[u8],
        format: &str,
        extra: &str,
    ) -> Result<Ingested, Error> {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(name), content).expect("write");
        let text = format!(
            "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
             [[input]]\nkind = \"backups\"\nformat = \"{format}\"\npath = \"{name}\"\n{extra}"
        );
        let config = Config::parse(&dir.path().join("auditpack.toml"), &text).expect("config");
        ingest(&config, &Silent)
    }

    /// The backups table as rows, in table order.
    pub fn rows(ingested: &Ingested) -> Vec<Row> {
        let table = ingested
            .tables
            .get(InputKind::Backups)
            .expect("a backups table");
        (0..table.height()).map(|i| row(table, i)).collect()
    }

    fn text(table: &DataFrame, name: &str, i: usize) -> Option<String> {
        let column = table.column(name).expect("column");
        column.str().expect("text").get(i).map(str::to_string)
    }

    fn int(table: &DataFrame, name: &str, i: usize) -> Option<i64> {
        let column = table.column(name).expect("column");
        let column = column.cast(&DataType::Int64).expect("cast to Int64");
        column.i64().expect("i64").get(i)
    }

    fn row(table: &DataFrame, i: usize) -> Row {
        Row {
            source: text(table, "source", i),
            started_at: int(table, "started_at", i),
            status: text(table, "status", i),
            finished_at: int(table, "finished_at", i),
            snapshot_id: text(table, "snapshot_id", i),
            repository: text(table, "repository", i),
            region: text(table, "region", i),
            encrypted: table
                .column("encrypted")
                .expect("column")
                .bool()
                .expect("bool")
                .get(i),
            size_bytes: int(table, "size_bytes", i),
            tenant: text(table, "tenant", i),
            line: table
                .column("_line")
                .expect("_line")
                .u64()
                .expect("u64")
                .get(i)
                .expect("a line"),
        }
    }

    /// The rejected rows as (line, reason).
    pub fn rejected(ingested: &Ingested) -> Vec<(u64, String)> {
        ingested
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.clone()))
            .collect()
    }
}
