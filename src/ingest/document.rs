//! JSON input shared by the native adapters. Whole documents (restic, borg, pgBackRest,
//! Prometheus, CloudTrail `Records` files, Okta arrays): read to the end through the
//! hashing reader, so the hash covers every byte, and a file that is not JSON at all is
//! one fatal error naming the file and the tool output that was expected. One object a
//! line (Alertmanager, CloudTrail, Okta): `Lines` yields the physical, 1-based lines.
//! A document can be read keeping only the keys an adapter names (`read_kept`, for
//! sslyze). It knows no tool's shape; the adapters do.

use std::io::{BufRead, Read};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use super::canonical::Sink;
use super::values::Raw;
use crate::error::Error;

/// Reads the whole file as one JSON document. `expected` names the tool output, e.g.
/// "`restic snapshots --json` output", for the error message. An empty file (or one
/// holding only a BOM and whitespace) is normal input (SPEC §12): `None`, zero rows.
pub fn read(reader: impl Read, sink: &Sink<'_>, expected: &str) -> Result<Option<Value>, Error> {
    read_kept(reader, sink, expected, &Keep::All)
}

/// What of a document to keep: everything, or only the keys named, each with what to
/// keep under it (applied to every element of an array, so `Keys(&[])` keeps an
/// array's length but not its elements' contents). A scalar where keys are expected is
/// kept, for the adapter to name.
#[derive(Debug)]
pub enum Keep {
    All,
    Keys(&'static [(&'static str, Keep)]),
}

/// Like [`read`], keeping only what `keep` names; the rest is skipped by the parser
/// without being turned into values. Some tools write numbers no `f64` holds (sslyze
/// writes RSA moduli and certificate serial numbers as JSON integers of hundreds of
/// digits), which serde_json refuses as a value but skips unharmed.
pub fn read_kept(
    mut reader: impl Read,
    sink: &Sink<'_>,
    expected: &str,
    keep: &'static Keep,
) -> Result<Option<Value>, Error> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| sink.fatal(None, format!("cannot read: {e}")))?;
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    parse_kept(text, keep).map(Some).map_err(|e| {
        let line = u64::try_from(e.line()).ok().filter(|line| *line > 0);
        sink.fatal(line, format!("not {expected}: not a JSON document: {e}"))
    })
}

/// The part of one JSON document that `keep` names.
pub fn parse_kept(text: &[u8], keep: &'static Keep) -> serde_json::Result<Value> {
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let value = Kept(keep).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// Builds the kept part of a document as a `Value` (see [`Keep`]).
#[derive(Clone, Copy)]
struct Kept(&'static Keep);

impl<'de> DeserializeSeed<'de> for Kept {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        match self.0 {
            Keep::All => Value::deserialize(deserializer),
            Keep::Keys(_) => deserializer.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Kept {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_string()))
    }

    fn visit_string<E>(self, text: String) -> Result<Value, E> {
        Ok(Value::String(text))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut elements = Vec::new();
        while let Some(element) = seq.next_element_seed(self)? {
            elements.push(element);
        }
        Ok(Value::Array(elements))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let Keep::Keys(keys) = self.0 else {
            // `All` never visits: it deserializes a whole `Value`.
            return Err(serde::de::Error::custom("a kept value visited as keys"));
        };
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match keys.iter().find(|(name, _)| *name == key) {
                Some((_, keep)) => {
                    let value = map.next_value_seed(Kept(keep))?;
                    object.insert(key, value);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Value::Object(object))
    }
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

/// The non-blank lines of a one-object-a-line file, with their physical 1-based numbers
/// (SPEC §12): a BOM on the first line and surrounding whitespace (so CRLF) are removed,
/// blank lines are skipped, a missing final newline is normal.
pub struct Lines<R> {
    reader: R,
    buffer: Vec<u8>,
    line: u64,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Lines {
            reader,
            buffer: Vec::new(),
            line: 0,
        }
    }

    /// The next non-blank line, trimmed, with its number; `None` at the end. A read error
    /// (including a corrupt compressed stream underneath) stops the run naming the line.
    pub fn next_line(&mut self, sink: &Sink<'_>) -> Result<Option<(u64, &[u8])>, Error> {
        loop {
            self.buffer.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut self.buffer)
                .map_err(|e| sink.fatal(Some(self.line + 1), format!("cannot read: {e}")))?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            let bom = if self.line == 1 && self.buffer.starts_with(b"\xef\xbb\xbf") {
                3
            } else {
                0
            };
            let text = self.buffer[bom..].trim_ascii();
            if !text.is_empty() {
                let start = self.buffer.len() - self.buffer[bom..].trim_ascii_start().len();
                let end = start + text.len();
                return Ok(Some((self.line, &self.buffer[start..end])));
            }
        }
    }

    /// Everything not read yet, for a whole document whose first line was just read.
    pub fn rest(&mut self, sink: &Sink<'_>) -> Result<Vec<u8>, Error> {
        let mut rest = Vec::new();
        self.reader
            .read_to_end(&mut rest)
            .map_err(|e| sink.fatal(None, format!("cannot read: {e}")))?;
        Ok(rest)
    }
}

/// A whole document whose first non-blank line (`first`, number `first_line`) was read
/// by `Lines`, followed by the `rest` of the file. Blank lines stand in for the lines
/// skipped before it, so the parser's line numbers in errors are the file's.
pub fn whole_document(first_line: u64, first: &[u8], rest: Vec<u8>) -> Vec<u8> {
    let skipped = usize::try_from(first_line.saturating_sub(1)).unwrap_or(0);
    let mut whole = Vec::with_capacity(skipped + first.len() + 1 + rest.len());
    whole.resize(skipped, b'\n');
    whole.extend_from_slice(first);
    whole.push(b'\n');
    whole.extend(rest);
    whole
}

/// One line as JSON; the error is the rejection reason.
pub fn parse_line(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))
}

/// A JSON value as owned text for a text column, like `raw` does for borrowed values:
/// `null` and missing are `None`.
pub fn owned_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(_) | Value::Object(_) => Some("[structured value]".to_string()),
    }
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
        ingest_input("backups", name, content, format, extra)
    }

    /// Writes `content` as `name` in a temp dir, declares it as one input of `kind` and
    /// `format` with the extra TOML lines `extra`, and ingests it.
    pub fn ingest_input(
        kind: &str,
        name: &str,
        content: &[u8],
        format: &str,
        extra: &str,
    ) -> Result<Ingested, Error> {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(name), content).expect("write");
        let text = format!(
            "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
             [[input]]\nkind = \"{kind}\"\nformat = \"{format}\"\npath = \"{name}\"\n{extra}"
        );
        let config = Config::parse(&dir.path().join("auditpack.toml"), &text).expect("config");
        let mut ingested = ingest(&config.inputs, &config.dir, &Silent)?;
        if kind == "audit" {
            // Audit events are streamed in a run; here they are collected into a table
            // through the same dispatch, so the adapters' rows can be compared.
            let mut table = crate::ingest::table::TableBuilder::new(InputKind::Audit);
            for file in &ingested.planned {
                let input = &config.inputs[file.input_index];
                let read = crate::ingest::read_file(
                    file,
                    input,
                    &mut table,
                    crate::ingest::Reading::Rows(None),
                    &mut ingested.rejected,
                    &Silent,
                )?;
                ingested.files.push(read);
            }
            ingested.tables.insert(InputKind::Audit, table.finish()?);
            ingested.rejected.sort();
        }
        Ok(ingested)
    }

    /// The table of `kind` (it must have been declared).
    pub fn table(ingested: &Ingested, kind: InputKind) -> &DataFrame {
        ingested.tables.get(kind).expect("a table of the kind")
    }

    /// A text column, in table order.
    pub fn texts(table: &DataFrame, name: &str) -> Vec<Option<String>> {
        (0..table.height()).map(|i| text(table, name, i)).collect()
    }

    /// A time (UTC milliseconds) or whole-number column, in table order.
    pub fn ints(table: &DataFrame, name: &str) -> Vec<Option<i64>> {
        (0..table.height()).map(|i| int(table, name, i)).collect()
    }

    /// A boolean column, in table order.
    pub fn bools(table: &DataFrame, name: &str) -> Vec<Option<bool>> {
        let column = table.column(name).expect("column");
        column.bool().expect("bool").iter().collect()
    }

    /// The `_line` column, in table order.
    pub fn line_numbers(table: &DataFrame) -> Vec<u64> {
        let column = table.column("_line").expect("_line");
        column.u64().expect("u64").iter().flatten().collect()
    }

    /// One row of the audit table, times in UTC milliseconds; `None` fields are empty.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct AuditRow {
        pub line: u64,
        pub time: Option<i64>,
        pub actor: Option<String>,
        pub action: Option<String>,
        pub outcome: Option<String>,
        pub role: Option<String>,
        pub tenant: Option<String>,
        pub mfa: Option<bool>,
        pub target: Option<String>,
        pub ticket: Option<String>,
        pub ip: Option<String>,
        pub event_id: Option<String>,
    }

    /// The audit table as rows, in table order.
    pub fn audit_rows(ingested: &Ingested) -> Vec<AuditRow> {
        let table = table(ingested, InputKind::Audit);
        let lines = line_numbers(table);
        let time = ints(table, "time");
        let [actor, action, outcome, role, tenant, target, ticket, ip, event_id] = [
            "actor", "action", "outcome", "role", "tenant", "target", "ticket", "ip", "event_id",
        ]
        .map(|name| texts(table, name));
        let mfa = bools(table, "mfa");
        (0..table.height())
            .map(|i| AuditRow {
                line: lines[i],
                time: time[i],
                actor: actor[i].clone(),
                action: action[i].clone(),
                outcome: outcome[i].clone(),
                role: role[i].clone(),
                tenant: tenant[i].clone(),
                mfa: mfa[i],
                target: target[i].clone(),
                ticket: ticket[i].clone(),
                ip: ip[i].clone(),
                event_id: event_id[i].clone(),
            })
            .collect()
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

#[cfg(test)]
mod tests {
    use super::{parse_kept, Keep};

    static KEEP: Keep = Keep::Keys(&[
        ("name", Keep::All),
        ("items", Keep::Keys(&[("id", Keep::All)])),
        ("flags", Keep::Keys(&[])),
    ]);

    #[test]
    fn kept_keys_are_values_and_the_rest_is_skipped_even_numbers_no_f64_holds() {
        let huge = "9".repeat(700);
        let text = format!(
            r#"{{"name": "a", "key": {huge}, "items": [{{"id": 1, "n": {huge}}}, {{"id": "x"}}],
                "flags": [{{"big": {huge}}}, 2], "other": {{"n": -{huge}.5e3}}}}"#
        );
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
        let kept = parse_kept(text.as_bytes(), &KEEP).expect("kept");
        assert_eq!(
            kept,
            serde_json::json!({"name": "a", "items": [{"id": 1}, {"id": "x"}], "flags": [{}, 2]})
        );
        // A kept value is still parsed, and trailing text is still an error.
        assert!(parse_kept(format!(r#"{{"name": {huge}}}"#).as_bytes(), &KEEP).is_err());
        assert!(parse_kept(br#"{"name": "a"} x"#, &KEEP).is_err());
        assert_eq!(
            parse_kept(b"[1, {\"name\": null}]", &KEEP).expect("array"),
            serde_json::json!([1, {"name": null}])
        );
    }
}
