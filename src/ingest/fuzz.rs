//! Property tests over every input reader (SPEC §12, §18; issue 13): canonical CSV and
//! NDJSON of every kind, and each native format, fed mutated real samples (byte flips,
//! truncation, deleted, duplicated and swapped lines, JSON values replaced by other
//! types, huge numbers, invalid UTF-8, NUL bytes, very long strings, edited CSV fields)
//! and arbitrary bytes. For every input, whatever it is:
//! - the reader never panics: it returns the rows or an error;
//! - on success the file is listed once with `bytes` = its length and the SHA-256 of its
//!   bytes, its `rows` and `rejected_rows` are the table rows and `Rejected` values that
//!   name it, every rejection has a reason, and every element of the file is used or
//!   rejected: exactly once each, by the line or index SPEC §12 gives it (what each
//!   format makes checkable is in its `Model`);
//! - on failure the error is one line that names the file.
//!
//! Audit inputs are checked twice: through the real stream (`audit::stream`, whose
//! NDJSON reader is its own parallel one) and collected through `ingest_input`.
//!
//! Case counts: 64 a property (36 properties; the module takes about 15 s in a debug
//! build, which is what CI runs). A longer run sets `PROPTEST_CASES`:
//! `PROPTEST_CASES=2000 cargo test --lib ingest::fuzz -- --nocapture` (each property
//! prints its case count and time). Seeds are random each run; a failure prints the
//! minimal input (and `PROPTEST_RNG_SEED` replays a run). No regression files are
//! written: a minimal failing input becomes a unit test in the reader's own module.

use std::collections::HashSet;
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config as ProptestConfig, TestCaseError, TestRunner};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::audit::{self, AuditConsumer, AuditEvent};
use super::document::testing::ingest_input;
use super::document::{parse_kept, Keep};
use super::Ingested;
use crate::config::{Config, InputKind};
use crate::digest::hex;
use crate::error::Error;
use crate::model::InputFile;
use crate::observer::Silent;

/// Cases a property: 64, or `PROPTEST_CASES`.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------
// Inputs: seeds and their mutations.

/// One edit of a seed. Positions are `Index`es, so they shrink and fit any length.
#[derive(Debug, Clone)]
enum Mutation {
    FlipByte(Index, u8),
    Truncate(Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Insert(Index, Splice),
    /// In the whole document (when it parses) or in one line that parses: a node of
    /// the JSON tree, picked in preorder.
    Json(Index, Index, JsonEdit),
    /// One comma-separated field of one line replaced.
    CsvField(Index, Index, Splice),
}

#[derive(Clone)]
enum Splice {
    Bytes(&'static [u8]),
    Long(u8, usize),
}

impl fmt::Debug for Splice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Splice::Bytes(bytes) => write!(f, "Bytes(b\"{}\")", bytes.escape_ascii()),
            Splice::Long(byte, n) => write!(f, "Long({:?} x {n})", char::from(*byte)),
        }
    }
}

impl Splice {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Splice::Bytes(bytes) => bytes.to_vec(),
            Splice::Long(byte, n) => vec![*byte; *n],
        }
    }
}

#[derive(Debug, Clone)]
enum JsonEdit {
    Replace(Replacement),
    Remove,
    Duplicate,
    Wrap,
}

#[derive(Clone)]
enum Replacement {
    Json(Value),
    /// Text no `serde_json::Value` holds (numbers beyond `f64`, bad escapes, bytes that
    /// are not UTF-8), spliced in after serializing.
    Raw(&'static [u8]),
    LongString(usize),
}

impl fmt::Debug for Replacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Replacement::Json(value) => write!(f, "Json({value})"),
            Replacement::Raw(bytes) => write!(f, "Raw(b\"{}\")", bytes.escape_ascii()),
            Replacement::LongString(n) => write!(f, "LongString({n})"),
        }
    }
}

/// Stands in for a raw replacement until the document is serialized.
const RAW_MARK: &str = "\u{1}fuzz-raw\u{1}";
const RAW_MARK_SERIALIZED: &[u8] = b"\"\\u0001fuzz-raw\\u0001\"";

const SPLICES: &[&[u8]] = &[
    b"\0",
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\r\n",
    b"\r",
    b"\n",
    b"\n\n",
    b"\t",
    b"\"",
    b",",
    b"\"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\\",
    b"null",
    b"true",
    b"-0",
    b"1e400",
    b"99999999999999999999999999999",
    b"NaN",
    b"2026-11-02T09:15:00",
    b"2026-02-30T25:61:00Z",
    b"+275760-09-13T00:00:00Z",
    b"-262144-01-01T00:00:00Z",
    b"\"a\nb\"",
];

const RAW_VALUES: &[&[u8]] = &[
    b"1e400",
    b"-1e400",
    b"1e-400",
    b"-0",
    b"123456789012345678901234567890123456789",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"9007199254740993",
    b"\"\\ud800\"",
    b"\"\\u0000\"",
    b"\"\xff\xfe\"",
    b"\"\0\"",
];

fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(i64::MAX),
        json!(u64::MAX),
        json!(f64::MIN_POSITIVE),
        json!(""),
        json!(" "),
        json!("0"),
        json!("1"),
        json!("NaN"),
        json!("success"),
        json!("SUCCESS"),
        json!("resolved"),
        json!("COMPLETED"),
        json!("2026-11-02T09:15:00Z"),
        json!("2026-11-02T09:15:00"),
        json!("not a time"),
        json!([]),
        json!({}),
        json!([1, "a", null]),
        json!({"a": null}),
    ]
}

fn splice() -> impl Strategy<Value = Splice> {
    prop_oneof![
        6 => select(SPLICES).prop_map(Splice::Bytes),
        1 => (select(b"a\"\\,\n{[0".to_vec()), select(vec![255usize, 4096, 70_000, 300_000]))
            .prop_map(|(byte, n)| Splice::Long(byte, n)),
    ]
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let replacement = prop_oneof![
        6 => select(replacements()).prop_map(Replacement::Json),
        3 => select(RAW_VALUES).prop_map(Replacement::Raw),
        1 => select(vec![300usize, 70_000, 1_000_000]).prop_map(Replacement::LongString),
    ];
    prop_oneof![
        6 => replacement.prop_map(JsonEdit::Replace),
        2 => Just(JsonEdit::Remove),
        1 => Just(JsonEdit::Duplicate),
        1 => Just(JsonEdit::Wrap),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => (any::<Index>(), 1..=255u8).prop_map(|(i, x)| Mutation::FlipByte(i, x)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (any::<Index>(), splice()).prop_map(|(i, s)| Mutation::Insert(i, s)),
        6 => (any::<Index>(), any::<Index>(), json_edit())
            .prop_map(|(unit, node, edit)| Mutation::Json(unit, node, edit)),
        2 => (any::<Index>(), any::<Index>(), splice())
            .prop_map(|(line, field, s)| Mutation::CsvField(line, field, s)),
    ]
}

/// A generated input: where it came from, and its bytes.
#[derive(Clone)]
struct Fuzzed {
    origin: String,
    mutations: Vec<Mutation>,
    bytes: Vec<u8>,
}

impl fmt::Debug for Fuzzed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 6000;
        let shown = &self.bytes[..self.bytes.len().min(SHOWN)];
        write!(
            f,
            "{} with {:?}: {} bytes: b\"{}\"{}",
            self.origin,
            self.mutations,
            self.bytes.len(),
            shown.escape_ascii(),
            if self.bytes.len() > SHOWN { "…" } else { "" }
        )
    }
}

/// Bytes that make JSON and CSV, for arbitrary input that gets past the first byte.
const JSONISH: &[u8] = b"{}[]\",:0123456789.-+eE tfnrula\\\n\r,";

/// Mutated seeds mostly (some only by JSON edits, which keep a document whole so that
/// the readers get past parsing to the elements), and some arbitrary bytes.
fn fuzzed(seeds: Vec<(String, Vec<u8>)>) -> BoxedStrategy<Fuzzed> {
    let json_edits = (any::<Index>(), any::<Index>(), json_edit())
        .prop_map(|(unit, node, edit)| Mutation::Json(unit, node, edit));
    let seeded = |mutations: BoxedStrategy<Vec<Mutation>>| {
        (select(seeds.clone()), mutations).prop_map(|((origin, seed), mutations)| {
            let bytes = mutate(&seed, &mutations);
            Fuzzed {
                origin,
                mutations,
                bytes,
            }
        })
    };
    prop_oneof![
        5 => seeded(vec(mutation(), 0..5).boxed()),
        4 => seeded(vec(json_edits, 1..6).boxed()),
        1 => vec(any::<u8>(), 0..400).prop_map(|bytes| Fuzzed {
            origin: "arbitrary bytes".to_string(),
            mutations: Vec::new(),
            bytes,
        }),
        1 => vec(select(JSONISH), 0..400).prop_map(|bytes| Fuzzed {
            origin: "arbitrary JSON-ish bytes".to_string(),
            mutations: Vec::new(),
            bytes,
        }),
    ]
    .boxed()
}

fn mutate(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for mutation in mutations {
        bytes = apply(bytes, mutation);
    }
    bytes
}

/// The lines of `bytes`, each with its `\n`.
fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn apply(mut bytes: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    match mutation {
        Mutation::FlipByte(at, x) => {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] ^= x;
            }
            bytes
        }
        Mutation::Truncate(at) => {
            bytes.truncate(at.index(bytes.len() + 1));
            bytes
        }
        Mutation::Insert(at, splice) => {
            let i = at.index(bytes.len() + 1);
            bytes.splice(i..i, splice.bytes());
            bytes
        }
        Mutation::DeleteLine(at) | Mutation::DuplicateLine(at) => {
            let mut lines = split_lines(&bytes);
            if lines.is_empty() {
                return bytes;
            }
            let i = at.index(lines.len());
            if matches!(mutation, Mutation::DeleteLine(_)) {
                lines.remove(i);
            } else {
                let mut copy = lines[i].clone();
                if !copy.ends_with(b"\n") {
                    copy.push(b'\n');
                }
                lines.insert(i, copy);
            }
            lines.concat()
        }
        Mutation::SwapLines(a, b) => {
            let mut lines = split_lines(&bytes);
            if lines.is_empty() {
                return bytes;
            }
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            lines.concat()
        }
        Mutation::CsvField(line, field, splice) => {
            let mut lines = split_lines(&bytes);
            if lines.is_empty() {
                return bytes;
            }
            let i = line.index(lines.len());
            let text = &lines[i];
            let (body, end) = match text.strip_suffix(b"\n") {
                Some(body) => (body.to_vec(), b"\n".as_slice()),
                None => (text.clone(), b"".as_slice()),
            };
            let mut fields: Vec<Vec<u8>> = body.split(|b| *b == b',').map(<[u8]>::to_vec).collect();
            let j = field.index(fields.len());
            fields[j] = splice.bytes();
            let mut edited = fields.join(&b","[..]);
            edited.extend_from_slice(end);
            lines[i] = edited;
            lines.concat()
        }
        Mutation::Json(unit, node, edit) => {
            edit_json(bytes, |n| unit.index(n), |n| node.index(n), edit)
        }
    }
}

/// Edits the whole document when it parses, else one of the lines that parse; `unit`
/// and `node` pick the line and the node among so many.
fn edit_json(
    bytes: Vec<u8>,
    unit: impl Fn(usize) -> usize,
    node: impl Fn(usize) -> usize,
    edit: &JsonEdit,
) -> Vec<u8> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if let Ok(mut document) = serde_json::from_slice::<Value>(body) {
        let pretty = body.trim_ascii().contains(&b'\n');
        return edit_value(&mut document, &node, edit, pretty);
    }
    let mut lines = split_lines(&bytes);
    let parsed: Vec<(usize, Value)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| Some((i, serde_json::from_slice::<Value>(line).ok()?)))
        .collect();
    if parsed.is_empty() {
        return bytes;
    }
    let (i, mut value) = parsed[unit(parsed.len())].clone();
    let mut edited = edit_value(&mut value, &node, edit, false);
    edited.push(b'\n');
    lines[i] = edited;
    lines.concat()
}

fn edit_value(
    value: &mut Value,
    node: &impl Fn(usize) -> usize,
    edit: &JsonEdit,
    pretty: bool,
) -> Vec<u8> {
    let target = node(count_nodes(value));
    let mut raw = None;
    walk(value, target, &mut 0, edit, &mut raw);
    let serialized = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    }
    .unwrap_or_default();
    match raw {
        Some(raw) => replace_once(&serialized, RAW_MARK_SERIALIZED, raw),
        None => serialized,
    }
}

fn count_nodes(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count_nodes).sum(),
        Value::Object(map) => map.values().map(count_nodes).sum(),
        _ => 0,
    }
}

/// Applies `edit` to node `target` (preorder); `Remove` and `Duplicate` act in its
/// parent (on the root: `null`, and an array of two copies).
fn walk(
    value: &mut Value,
    target: usize,
    next: &mut usize,
    edit: &JsonEdit,
    raw: &mut Option<&'static [u8]>,
) -> bool {
    let me = *next;
    *next += 1;
    if me == target {
        *value = match edit {
            JsonEdit::Replace(Replacement::Json(new)) => new.clone(),
            JsonEdit::Replace(Replacement::Raw(text)) => {
                *raw = Some(text);
                Value::String(RAW_MARK.to_string())
            }
            JsonEdit::Replace(Replacement::LongString(n)) => Value::String("x".repeat(*n)),
            JsonEdit::Remove => Value::Null,
            JsonEdit::Duplicate => Value::Array(vec![value.clone(), value.clone()]),
            JsonEdit::Wrap => Value::Array(vec![value.take()]),
        };
        return true;
    }
    let in_parent = matches!(edit, JsonEdit::Remove | JsonEdit::Duplicate);
    match value {
        Value::Array(items) => {
            for i in 0..items.len() {
                if in_parent && *next == target {
                    if matches!(edit, JsonEdit::Remove) {
                        items.remove(i);
                    } else {
                        let copy = items[i].clone();
                        items.insert(i, copy);
                    }
                    return true;
                }
                if walk(&mut items[i], target, next, edit, raw) {
                    return true;
                }
            }
        }
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for key in keys {
                if in_parent && *next == target {
                    if matches!(edit, JsonEdit::Remove) {
                        map.remove(&key);
                    } else if let Some(copy) = map.get(&key).cloned() {
                        map.insert(format!("{key}_copy"), copy);
                    }
                    return true;
                }
                if let Some(child) = map.get_mut(&key) {
                    if walk(child, target, next, edit, raw) {
                        return true;
                    }
                }
            }
        }
        _ => {}
    }
    false
}

fn replace_once(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    match haystack.windows(needle.len()).position(|w| w == needle) {
        Some(at) => [&haystack[..at], with, &haystack[at + needle.len()..]].concat(),
        None => haystack.to_vec(),
    }
}

// ---------------------------------------------------------------------------------
// Seeds.

fn repo_file(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first `n` lines of a repository file (the demo's evidence files are large).
fn head(path: &str, n: usize) -> Vec<u8> {
    split_lines(&repo_file(path))
        .into_iter()
        .take(n)
        .collect::<Vec<_>>()
        .concat()
}

fn seed(origin: &str, bytes: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    (origin.to_string(), bytes.into())
}

/// A canonical CSV of the kind: the head of a real evidence file of the repository.
fn canonical_csv(kind: InputKind) -> Vec<u8> {
    let path = match kind {
        InputKind::Audit => return ndjson_to_csv(&audit_ndjson()),
        InputKind::Leavers => "fixtures/demo/evidence/leavers.csv",
        InputKind::Backups => "fixtures/demo/evidence/backups/ledger-db.csv",
        InputKind::RestoreTests => "fixtures/demo/evidence/restore_tests.csv",
        InputKind::Probes => "fixtures/demo/evidence/probes/jobs-api.csv",
        InputKind::Maintenance => "fixtures/demo/evidence/maintenance.csv",
        InputKind::Alerts => "fixtures/demo/evidence/alerts.csv",
        InputKind::Utilization => "fixtures/demo/evidence/utilization.csv",
        InputKind::PasswordPolicies => {
            "tests/data/access.password_policy/snapshots/evidence/password_policies.csv"
        }
        InputKind::DiskEncryption => {
            "tests/data/crypto.at_rest/snapshots/evidence/disk_encryption.csv"
        }
        InputKind::TlsEndpoints => "fixtures/demo/evidence/config/tls_endpoints.csv",
    };
    head(path, 8)
}

/// The head of the demo's audit log: a `prev_hash` chain.
fn audit_ndjson() -> Vec<u8> {
    head("fixtures/demo/evidence/audit/app.ndjson", 8)
}

/// CSV rows as NDJSON objects; `true`/`false` and numbers as JSON booleans and numbers.
fn csv_to_ndjson(csv_bytes: &[u8]) -> Vec<u8> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_bytes);
    let header: Vec<String> = reader
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for record in reader.records().flatten() {
        let mut object = serde_json::Map::new();
        for (name, field) in header.iter().zip(record.iter()) {
            let value = match field {
                "" => continue,
                "true" => json!(true),
                "false" => json!(false),
                _ => match field.parse::<i64>() {
                    Ok(n) => json!(n),
                    Err(_) => json!(field),
                },
            };
            object.insert(name.clone(), value);
        }
        out.extend(serde_json::to_vec(&Value::Object(object)).unwrap_or_default());
        out.push(b'\n');
    }
    out
}

/// NDJSON objects as CSV, the columns of the first object.
fn ndjson_to_csv(ndjson: &[u8]) -> Vec<u8> {
    let objects: Vec<serde_json::Map<String, Value>> = split_lines(ndjson)
        .iter()
        .filter_map(|line| serde_json::from_slice(line).ok())
        .collect();
    let Some(first) = objects.first() else {
        return Vec::new();
    };
    let columns: Vec<String> = first.keys().cloned().collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&columns);
    for object in &objects {
        let fields = columns.iter().map(|c| match object.get(c) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        });
        let _ = writer.write_record(fields);
    }
    writer.into_inner().unwrap_or_default()
}

/// A CSV seed, and the same with a BOM and CRLF endings, and with a quoted field that
/// spans lines.
fn csv_variants(origin: &str, csv_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut crlf = b"\xef\xbb\xbf".to_vec();
    for line in split_lines(csv_bytes) {
        match line.strip_suffix(b"\n") {
            Some(body) => {
                crlf.extend_from_slice(body);
                crlf.extend_from_slice(b"\r\n");
            }
            None => crlf.extend_from_slice(&line),
        }
    }
    let mut lines = split_lines(csv_bytes);
    if let Some(line) = lines.get_mut(1) {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        let mut fields: Vec<Vec<u8>> = body.split(|b| *b == b',').map(<[u8]>::to_vec).collect();
        if let Some(field) = fields.get_mut(1) {
            *field = b"\"multi\nline \"\"quoted\"\"\"".to_vec();
        }
        let mut edited = fields.join(&b","[..]);
        edited.push(b'\n');
        *line = edited;
    }
    vec![
        seed(origin, csv_bytes),
        seed(&format!("{origin} (BOM, CRLF)"), crlf),
        seed(
            &format!("{origin} (a quoted field on two lines)"),
            lines.concat(),
        ),
    ]
}

fn sample(name: &str) -> (String, Vec<u8>) {
    seed(name, repo_file(&format!("tests/samples/{name}")))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn cloudtrail_seeds() -> Vec<(String, Vec<u8>)> {
    let records: Vec<Value> = super::cloudtrail::tests::RECORDS
        .iter()
        .filter_map(|r| serde_json::from_str(r).ok())
        .collect();
    let document = json!({ "Records": records });
    let pretty = serde_json::to_vec_pretty(&document).unwrap_or_default();
    let compact = serde_json::to_vec(&document).unwrap_or_default();
    let half = json!({ "Records": records[..4].to_vec() });
    let concatenated = [
        serde_json::to_vec(&half).unwrap_or_default(),
        b"\n".to_vec(),
        compact.clone(),
        b"\n".to_vec(),
    ]
    .concat();
    let lines = super::cloudtrail::tests::RECORDS.join("\n").into_bytes();
    vec![
        seed("CloudTrail Records, pretty", pretty),
        seed("CloudTrail Records, one line", compact),
        seed("CloudTrail Records, two documents", concatenated),
        seed("CloudTrail, one record a line", lines),
    ]
}

fn okta_seeds() -> Vec<(String, Vec<u8>)> {
    let events = super::okta::tests::day();
    let array = format!("[{}]", events.join(",\n"));
    vec![
        seed("Okta System Log array", array),
        seed("Okta System Log, one event a line", events.join("\n")),
    ]
}

// ---------------------------------------------------------------------------------
// What can be checked exactly, by format.

/// How the elements of a file are numbered, for "every element used or rejected".
#[derive(Clone, Copy)]
enum Model {
    /// Every CSV record after the header, by its (distinct) first line.
    Csv,
    /// Every non-blank physical line, exactly once.
    Lines,
    /// Positions `0..n` exactly once, `n` from the parsed document.
    Positions(fn(&Value) -> u64),
    /// Alertmanager: every non-blank line that is not a payload, every alert that is not
    /// an object, and every distinct alert (fingerprint + startsAt) once.
    Alertmanager,
    /// CloudTrail: one record a line (lines), or `Records` documents (positions).
    Cloudtrail,
    /// Okta: an array (positions) when the first non-blank line opens one, else lines.
    Okta,
    /// sslyze: lines inside `0..servers + unresolved`; each unresolved target rejected
    /// once. (A completed scan whose commands were not scheduled has no row, by SPEC.)
    Sslyze,
}

/// The non-blank lines of a file as `document::Lines` numbers them.
fn non_blank_lines(bytes: &[u8]) -> Vec<u64> {
    (1u64..)
        .zip(bytes.split(|b| *b == b'\n'))
        .filter(|(number, line)| {
            let line = if *number == 1 {
                line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
            } else {
                line
            };
            !line.trim_ascii().is_empty()
        })
        .map(|(number, _)| number)
        .collect()
}

fn document(bytes: &[u8]) -> Option<Value> {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    serde_json::from_slice(body).ok()
}

fn array_len(value: Option<&Value>) -> u64 {
    value
        .and_then(Value::as_array)
        .map_or(0, |a| a.len() as u64)
}

fn restic_positions(document: &Value) -> u64 {
    let elements = document.as_array().map_or(&[][..], Vec::as_slice);
    elements
        .iter()
        .map(
            |element| match (element.get("group_key"), element.get("snapshots")) {
                (Some(_), Some(Value::Array(snapshots))) => snapshots.len() as u64,
                (Some(_), Some(Value::Null)) => 0,
                _ => 1,
            },
        )
        .sum()
}

fn borg_positions(document: &Value) -> u64 {
    array_len(document.get("archives"))
}

fn pgbackrest_positions(document: &Value) -> u64 {
    let stanzas = document.as_array().map_or(&[][..], Vec::as_slice);
    stanzas
        .iter()
        .map(|stanza| match stanza.get("backup") {
            Some(Value::Array(backups)) if stanza.is_object() => backups.len() as u64,
            _ => 1,
        })
        .sum()
}

fn matrix_positions(document: &Value) -> u64 {
    let series = document
        .pointer("/data/result")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    series
        .iter()
        .map(|one| match one.get("values") {
            Some(Value::Array(values)) => values.len() as u64,
            _ => 1,
        })
        .sum()
}

fn array_positions(document: &Value) -> u64 {
    array_len(Some(document))
}

fn okta_password_positions(document: &Value) -> u64 {
    match document {
        Value::Array(policies) => policies.len() as u64,
        other => array_len(other.get("policies")),
    }
}

/// Each element's number exactly once.
fn exactly(expected: Vec<u64>, found: &[u64]) -> Result<(), TestCaseError> {
    let mut found = found.to_vec();
    found.sort_unstable();
    prop_assert_eq!(
        found,
        expected,
        "elements used or rejected vs. elements of the file"
    );
    Ok(())
}

/// `found` (the lines of used rows and of rejections) against what the file holds.
fn check_model(
    model: Model,
    bytes: &[u8],
    found: &[u64],
    rejected: &[u64],
) -> Result<(), TestCaseError> {
    match model {
        Model::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes);
            let records = reader.byte_records().count() as u64;
            // The csv crate also ends a record at a lone `\r`, which starts no physical
            // line (SPEC §12 numbers lines by `\n`): records split so share a number.
            let lone_cr = bytes
                .iter()
                .enumerate()
                .any(|(i, b)| *b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            let distinct: HashSet<u64> = found.iter().copied().collect();
            prop_assert!(
                lone_cr || distinct.len() == found.len(),
                "two rows share a line: {:?}",
                found
            );
            prop_assert_eq!(
                found.len() as u64,
                records.saturating_sub(1),
                "records after the header"
            );
            let physical = bytes
                .iter()
                .filter(|b| **b == b'\n' || **b == b'\r')
                .count() as u64
                + 1;
            let first = if lone_cr { 1 } else { 2 };
            prop_assert!(
                found.iter().all(|l| (first..=physical).contains(l)),
                "lines {:?}",
                found
            );
        }
        Model::Lines => exactly(non_blank_lines(bytes), found)?,
        Model::Positions(positions) => {
            let n = document(bytes).as_ref().map_or(0, positions);
            exactly((0..n).collect(), found)?;
        }
        Model::Alertmanager => {
            let mut expected = Vec::new();
            let mut seen = HashSet::new();
            for line in non_blank_lines(bytes) {
                let text = bytes
                    .split(|b| *b == b'\n')
                    .nth((line - 1) as usize)
                    .unwrap_or_default();
                let text = if line == 1 {
                    text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text)
                } else {
                    text
                };
                let payload: Option<Value> = serde_json::from_slice(text.trim_ascii()).ok();
                let alerts = payload
                    .as_ref()
                    .filter(|p| p.is_object() && p.get("version").is_none_or(|v| *v == "4"))
                    .and_then(|p| p.get("alerts"))
                    .and_then(Value::as_array);
                let Some(alerts) = alerts else {
                    expected.push(line);
                    continue;
                };
                for alert in alerts {
                    if !alert.is_object() {
                        expected.push(line);
                        continue;
                    }
                    let identity = match alert.get("fingerprint").and_then(Value::as_str) {
                        Some(fingerprint) => format!("fingerprint {fingerprint}"),
                        None => format!("labels {}", alert.get("labels").unwrap_or(&Value::Null)),
                    };
                    let started = match alert.get("startsAt") {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(text)) => text.clone(),
                        Some(Value::Array(_) | Value::Object(_)) => {
                            "[structured value]".to_string()
                        }
                        Some(other) => other.to_string(),
                    };
                    if seen.insert((identity, started)) {
                        expected.push(line);
                    }
                }
            }
            expected.sort_unstable();
            exactly(expected, found)?;
        }
        Model::Cloudtrail => {
            let text = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut text = Vec::new();
                let decoded = flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut text);
                prop_assert!(
                    decoded.is_ok(),
                    "a corrupt gzip stream was read: {:?}",
                    decoded
                );
                text
            } else {
                bytes.to_vec()
            };
            let lines = non_blank_lines(&text);
            let records = match document(&text) {
                Some(document) => array_len(document.get("Records")),
                None => text
                    .split(|b| *b == b'\n')
                    .filter_map(|line| serde_json::from_slice::<Value>(line.trim_ascii()).ok())
                    .map(|document| array_len(document.get("Records")))
                    .sum(),
            };
            let mut sorted = found.to_vec();
            sorted.sort_unstable();
            prop_assert!(
                sorted == lines || sorted == (0..records).collect::<Vec<_>>(),
                "found {:?}; lines {:?}; {} records",
                sorted,
                lines,
                records
            );
        }
        Model::Okta => {
            let lines = non_blank_lines(bytes);
            let first = lines
                .first()
                .and_then(|&line| bytes.split(|b| *b == b'\n').nth((line - 1) as usize));
            let first = first.map(|l| l.strip_prefix(b"\xef\xbb\xbf").unwrap_or(l).trim_ascii());
            if first.is_some_and(|first| first.starts_with(b"[")) {
                let n = document(bytes).as_ref().map_or(0, array_positions);
                exactly((0..n).collect(), found)?;
            } else {
                exactly(lines, found)?;
            }
        }
        Model::Sslyze => {
            static SHAPE: Keep = Keep::Keys(&[
                ("server_scan_results", Keep::Keys(&[])),
                ("invalid_server_strings", Keep::Keys(&[])),
            ]);
            let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            let shape = parse_kept(body, &SHAPE).unwrap_or(Value::Null);
            let servers = array_len(shape.get("server_scan_results"));
            let unresolved = array_len(shape.get("invalid_server_strings"));
            prop_assert!(
                found.iter().all(|l| *l < servers + unresolved),
                "lines {:?}",
                found
            );
            for index in servers..servers + unresolved {
                let used = found.iter().filter(|l| **l == index).count();
                let rejections = rejected.iter().filter(|l| **l == index).count();
                prop_assert_eq!((used, rejections), (1, 1), "unresolved target {}", index);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Running one input.

/// One reader under test: an input entry and how its file's elements are numbered.
#[derive(Clone, Copy)]
struct Reader {
    kind: InputKind,
    format: &'static str,
    name: &'static str,
    extra: &'static str,
    model: Model,
}

/// The file's listing: once, with its length and hash.
fn listed<'i>(
    files: &'i [InputFile],
    name: &str,
    bytes: &[u8],
) -> Result<&'i InputFile, TestCaseError> {
    let listed: Vec<&InputFile> = files.iter().filter(|f| f.path == name).collect();
    prop_assert_eq!(listed.len(), 1, "{} listed once in {:?}", name, files);
    let file = listed[0];
    prop_assert_eq!(file.bytes, bytes.len() as u64, "bytes of {}", name);
    prop_assert_eq!(
        &file.sha256,
        &hex(&Sha256::digest(bytes)),
        "SHA-256 of {}",
        name
    );
    Ok(file)
}

/// The rejections of a file: as many as it says, each with a reason; their lines.
fn rejections(
    ingested_rejected: &[crate::model::Rejected],
    file: &InputFile,
) -> Result<Vec<u64>, TestCaseError> {
    let rejected: Vec<_> = ingested_rejected
        .iter()
        .filter(|r| r.path == file.path)
        .collect();
    prop_assert_eq!(
        rejected.len() as u64,
        file.rejected_rows,
        "rejections of {}",
        file.path
    );
    tally(0, u64::from(!rejected.is_empty()));
    for rejection in &rejected {
        prop_assert!(
            !rejection.reason.trim().is_empty(),
            "a rejection without a reason: {:?}",
            rejection
        );
    }
    Ok(rejected.iter().map(|r| r.line).collect())
}

/// The `_line`s of the table rows read from `path`.
fn table_lines(
    ingested: &Ingested,
    kind: InputKind,
    path: &str,
) -> Result<Vec<u64>, TestCaseError> {
    let Some(table) = ingested.tables.get(kind) else {
        return Err(TestCaseError::fail(format!("no {} table", kind.as_str())));
    };
    let paths = table
        .column("_path")
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let lines = table
        .column("_line")
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let paths = paths
        .str()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let lines = lines
        .u64()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    Ok(paths
        .iter()
        .zip(lines.iter())
        .filter(|(p, _)| *p == Some(path))
        .filter_map(|(_, line)| line)
        .collect())
}

thread_local! {
    /// Inputs that stopped the run, and inputs read with rejections, in this property:
    /// printed with its case count, to show the inputs reach both outcomes.
    static TALLY: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
}

fn tally(fatal: u64, with_rejections: u64) {
    TALLY.with(|t| {
        let (f, r) = t.get();
        t.set((f + fatal, r + with_rejections));
    });
}

/// A fatal error: one line naming the file.
fn names_the_file(error: &Error, name: &str) -> Result<(), TestCaseError> {
    tally(1, 0);
    let text = error.to_string();
    prop_assert!(
        text.contains(name),
        "the error does not name {}: {}",
        name,
        text
    );
    prop_assert!(
        !text.contains(['\n', '\r']),
        "the error is not one line: {:?}",
        text
    );
    Ok(())
}

/// Reads one file through `ingest` (audit: collected through the same dispatch) and
/// checks the properties.
fn check_collected(reader: Reader, bytes: &[u8]) -> Result<(), TestCaseError> {
    match ingest_input(
        reader.kind.as_str(),
        reader.name,
        bytes,
        reader.format,
        reader.extra,
    ) {
        Err(error) => names_the_file(&error, reader.name),
        Ok(ingested) => {
            let file = listed(&ingested.files, reader.name, bytes)?;
            let rejected = rejections(&ingested.rejected, file)?;
            let used = table_lines(&ingested, reader.kind, reader.name)?;
            prop_assert_eq!(used.len() as u64, file.rows, "rows of {}", reader.name);
            let found = [used, rejected.clone()].concat();
            check_model(reader.model, bytes, &found, &rejected)
        }
    }
}

/// The lines of the events an audit stream handed over.
#[derive(Default)]
struct EventLines(Vec<u64>);

impl AuditConsumer for EventLines {
    fn event(&mut self, event: &AuditEvent<'_>) {
        self.0.push(event.line);
    }
}

/// Writes the files in a temporary directory and declares the first as one input.
fn configured(files: &[(&str, &[u8])], reader: Reader, extra: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let text = format!(
        "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
         [[input]]\nkind = \"{}\"\nformat = \"{}\"\npath = \"{}\"\n{}{extra}",
        reader.kind.as_str(),
        reader.format,
        files[0].0,
        reader.extra
    );
    let config = Config::parse(&dir.path().join("auditpack.toml"), &text).expect("config");
    (dir, config)
}

/// Streams one audit file as a run does and checks the properties; then the same file
/// collected.
fn check_streamed(reader: Reader, bytes: &[u8]) -> Result<(), TestCaseError> {
    let (_dir, config) = configured(&[(reader.name, bytes)], reader, "");
    let streamed = super::plan_reading(&config.inputs, &config.dir, &Silent).and_then(|plan| {
        let mut events = EventLines::default();
        let streamed = audit::stream(&config.inputs, &plan.files, &Silent, &mut events)?;
        Ok((streamed, events.0))
    });
    match streamed {
        Err(error) => names_the_file(&error, reader.name)?,
        Ok((streamed, events)) => {
            let file = listed(&streamed.files, reader.name, bytes)?;
            let rejected = rejections(&streamed.rejected, file)?;
            prop_assert_eq!(events.len() as u64, file.rows, "events of {}", reader.name);
            prop_assert_eq!(streamed.rows, file.rows);
            let found = [events, rejected.clone()].concat();
            check_model(reader.model, bytes, &found, &rejected)?;
        }
    }
    check_collected(reader, bytes)
}

/// Runs a property over `strategy`, failing with the minimal input.
fn property<T: fmt::Debug + Clone>(
    name: &str,
    strategy: impl Strategy<Value = T>,
    test: impl Fn(T) -> Result<(), TestCaseError>,
) {
    let config = config();
    let cases = config.cases;
    let started = Instant::now();
    let mut runner = TestRunner::new(config);
    TALLY.with(|t| t.set((0, 0)));
    if let Err(failure) = runner.run(&strategy, test) {
        panic!("{name}: {failure}");
    }
    let (fatal, with_rejections) = TALLY.with(std::cell::Cell::get);
    eprintln!(
        "{name}: {cases} cases in {:.1?} (stopped the run: {fatal}, read with rejected \
         rows: {with_rejections})",
        started.elapsed()
    );
}

fn fuzz_collected(reader: Reader, seeds: Vec<(String, Vec<u8>)>) {
    let name = format!("{} {}", reader.kind.as_str(), reader.format);
    property(&name, fuzzed(seeds), |input| {
        check_collected(reader, &input.bytes)
    });
}

fn fuzz_streamed(reader: Reader, seeds: Vec<(String, Vec<u8>)>) {
    let name = format!("{} {} (streamed)", reader.kind.as_str(), reader.format);
    property(&name, fuzzed(seeds), |input| {
        check_streamed(reader, &input.bytes)
    });
}

fn canonical(kind: InputKind, format: &'static str) -> Reader {
    Reader {
        kind,
        format,
        name: if format == "csv" {
            "input.csv"
        } else {
            "input.ndjson"
        },
        extra: "",
        model: if format == "csv" {
            Model::Csv
        } else {
            Model::Lines
        },
    }
}

// ---------------------------------------------------------------------------------
// The properties: every reader.

#[test]
fn canonical_csv_of_every_kind() {
    for kind in InputKind::ALL {
        let seeds = csv_variants(&format!("{} CSV", kind.as_str()), &canonical_csv(kind));
        if kind == InputKind::Audit {
            fuzz_streamed(canonical(kind, "csv"), seeds);
        } else {
            fuzz_collected(canonical(kind, "csv"), seeds);
        }
    }
}

#[test]
fn canonical_ndjson_of_every_kind() {
    for kind in InputKind::ALL {
        let ndjson = match kind {
            InputKind::Audit => audit_ndjson(),
            _ => csv_to_ndjson(&canonical_csv(kind)),
        };
        let crlf: Vec<u8> = [b"\xef\xbb\xbf".as_slice(), &ndjson]
            .concat()
            .split(|b| *b == b'\n')
            .collect::<Vec<_>>()
            .join(&b"\r\n\r\n"[..]);
        let seeds = vec![
            seed(&format!("{} NDJSON", kind.as_str()), ndjson),
            seed(
                &format!("{} NDJSON (BOM, CRLF, blank lines)", kind.as_str()),
                crlf,
            ),
        ];
        if kind == InputKind::Audit {
            fuzz_streamed(canonical(kind, "ndjson"), seeds);
        } else {
            fuzz_collected(canonical(kind, "ndjson"), seeds);
        }
    }
}

const BACKUP_INPUT: &str = "source = \"web1\"\nrepository = \"offsite\"\ntenant = \"acme\"\n";

#[test]
fn restic() {
    let reader = Reader {
        kind: InputKind::Backups,
        format: "restic",
        name: "snapshots.json",
        extra: BACKUP_INPUT,
        model: Model::Positions(restic_positions),
    };
    let grouped = json!([
        {"group_key": {"hostname": "web1"}, "snapshots": serde_json::from_slice::<Value>(&repo_file("tests/samples/restic-0.14-snapshots.json")).unwrap_or(Value::Null)},
        {"group_key": {"hostname": "web2"}, "snapshots": null}
    ]);
    fuzz_collected(
        reader,
        vec![
            sample("restic-0.14-snapshots.json"),
            sample("restic-0.14-forget-dryrun.json"),
            sample("restic-0.14-backup-summary.json"),
            seed(
                "restic --group-by",
                serde_json::to_vec_pretty(&grouped).unwrap_or_default(),
            ),
            seed(
                "demo restic",
                repo_file("fixtures/demo/evidence/backups/payroll-db-offsite.restic.json"),
            ),
        ],
    );
}

#[test]
fn borg() {
    let reader = Reader {
        kind: InputKind::Backups,
        format: "borg",
        name: "borg.json",
        extra: "source = \"web1\"\ntimezone = \"Australia/Melbourne\"\n",
        model: Model::Positions(borg_positions),
    };
    fuzz_collected(
        reader,
        vec![
            sample("borg-1.2-list.json"),
            sample("borg-1.2-info.json"),
            sample("borg-1.2-info-archives.json"),
        ],
    );
}

#[test]
fn pgbackrest() {
    let reader = Reader {
        kind: InputKind::Backups,
        format: "pgbackrest",
        name: "info.json",
        extra: "",
        model: Model::Positions(pgbackrest_positions),
    };
    fuzz_collected(reader, vec![sample("pgbackrest-2.45-info.json")]);
}

/// A sample re-serialized on one line: another layout of the same document.
fn compact(name: &str) -> (String, Vec<u8>) {
    let (origin, bytes) = sample(name);
    let value = document(&bytes).unwrap_or(Value::Null);
    seed(
        &format!("{origin} (one line)"),
        serde_json::to_vec(&value).unwrap_or_default(),
    )
}

fn prometheus_seeds() -> Vec<(String, Vec<u8>)> {
    vec![
        sample("prometheus-2.42-query_range-probe_success.json"),
        compact("prometheus-2.42-query_range-probe_success.json"),
        sample("prometheus-2.42-query_range-error.json"),
        sample("prometheus-2.42-query-avg_over_time.json"),
    ]
}

#[test]
fn prometheus_probes() {
    let reader = Reader {
        kind: InputKind::Probes,
        format: "prometheus",
        name: "probes.json",
        extra: "",
        model: Model::Positions(matrix_positions),
    };
    fuzz_collected(reader, prometheus_seeds());
}

/// Probes with a `latency_path`: both files mutated; the latency file's samples go into
/// no table, so its `rows` and `rejected_rows` together are its positions.
#[test]
fn prometheus_probes_with_latency() {
    let reader = Reader {
        kind: InputKind::Probes,
        format: "prometheus",
        name: "probes.json",
        extra: "",
        model: Model::Positions(matrix_positions),
    };
    let latency_seeds = vec![
        sample("prometheus-2.42-query_range-probe_duration_seconds.json"),
        compact("prometheus-2.42-query_range-probe_duration_seconds.json"),
        sample("prometheus-2.42-query_range-probe_success.json"),
    ];
    let strategy = (fuzzed(prometheus_seeds()), fuzzed(latency_seeds));
    property(
        "probes prometheus with latency_path",
        strategy,
        |(probes, latency)| {
            let files = [
                ("probes.json", probes.bytes.as_slice()),
                ("latency.json", latency.bytes.as_slice()),
            ];
            let (_dir, config) = configured(&files, reader, "latency_path = \"latency.json\"\n");
            match super::ingest(&config.inputs, &config.dir, &Silent) {
                Err(error) => {
                    tally(1, 0);
                    let text = error.to_string();
                    prop_assert!(
                        text.contains("probes.json") || text.contains("latency.json"),
                        "the error names neither file: {}",
                        text
                    );
                    prop_assert!(
                        !text.contains(['\n', '\r']),
                        "the error is not one line: {:?}",
                        text
                    );
                }
                Ok(ingested) => {
                    let file = listed(&ingested.files, "latency.json", &latency.bytes)?;
                    let rejected = rejections(&ingested.rejected, file)?;
                    let n = document(&latency.bytes)
                        .as_ref()
                        .map_or(0, matrix_positions);
                    prop_assert_eq!(file.rows + file.rejected_rows, n, "latency samples");
                    prop_assert!(rejected.iter().all(|l| *l < n));
                    prop_assert_eq!(
                        rejected.iter().collect::<HashSet<_>>().len(),
                        rejected.len()
                    );
                    let file = listed(&ingested.files, "probes.json", &probes.bytes)?;
                    let rejected = rejections(&ingested.rejected, file)?;
                    let used = table_lines(&ingested, InputKind::Probes, "probes.json")?;
                    prop_assert_eq!(used.len() as u64, file.rows);
                    check_model(
                        reader.model,
                        &probes.bytes,
                        &[used, rejected.clone()].concat(),
                        &rejected,
                    )?;
                }
            }
            Ok(())
        },
    );
}

fn utilization_seeds() -> Vec<(String, Vec<u8>)> {
    vec![
        sample("prometheus-2.42-query_range-cpu_used_percent.json"),
        sample("prometheus-2.42-query_range-cpu_used_fraction.json"),
        sample("prometheus-2.42-query_range-memory_used_fraction.json"),
        sample("prometheus-2.42-query_range-disk_used_percent.json"),
        sample("prometheus-2.42-query-disk_used_percent.json"),
    ]
}

#[test]
fn prometheus_utilization() {
    for extra in [
        "resource = \"disk\"\n",
        "resource = \"cpu\"\nscale = \"fraction\"\ncluster_label = \"cluster\"\n",
    ] {
        let reader = Reader {
            kind: InputKind::Utilization,
            format: "prometheus",
            name: "util.json",
            extra,
            model: Model::Positions(matrix_positions),
        };
        fuzz_collected(reader, utilization_seeds());
    }
}

#[test]
fn alertmanager() {
    let reader = Reader {
        kind: InputKind::Alerts,
        format: "alertmanager",
        name: "hook.ndjson",
        extra: "",
        model: Model::Alertmanager,
    };
    fuzz_collected(
        reader,
        vec![
            sample("alertmanager-0.25-webhook-payloads.ndjson"),
            sample("alertmanager-0.25-api-v2-alerts.json"),
        ],
    );
}

#[test]
fn cloudtrail() {
    let reader = Reader {
        kind: InputKind::Audit,
        format: "cloudtrail",
        name: "trail.json",
        extra: "tenant = \"acme\"\n",
        model: Model::Cloudtrail,
    };
    fuzz_streamed(reader, cloudtrail_seeds());
}

/// Gzip-compressed files: the text mutated before compressing, or the compressed bytes
/// mutated (a corrupt stream must stop the run, naming the file).
#[test]
fn cloudtrail_gzip() {
    let reader = Reader {
        kind: InputKind::Audit,
        format: "cloudtrail",
        name: "trail.json.gz",
        extra: "tenant = \"acme\"\n",
        model: Model::Cloudtrail,
    };
    let compressed: Vec<(String, Vec<u8>)> = cloudtrail_seeds()
        .into_iter()
        .map(|(origin, bytes)| (format!("{origin}, gzip"), gzip(&bytes)))
        .collect();
    let text_mutated = fuzzed(cloudtrail_seeds()).prop_map(|mut input| {
        input.origin = format!("{}, then gzip", input.origin);
        input.bytes = gzip(&input.bytes);
        input
    });
    let compressed_mutated =
        (select(compressed), vec(mutation(), 1..3)).prop_map(|((origin, seed), mutations)| {
            Fuzzed {
                bytes: mutate(&seed, &mutations),
                origin,
                mutations,
            }
        });
    property(
        "audit cloudtrail .json.gz",
        prop_oneof![text_mutated, compressed_mutated],
        |input| check_streamed(reader, &input.bytes),
    );
}

#[test]
fn okta_audit() {
    let reader = Reader {
        kind: InputKind::Audit,
        format: "okta",
        name: "okta.json",
        extra: "tenant = \"acme\"\n",
        model: Model::Okta,
    };
    fuzz_streamed(reader, okta_seeds());
}

#[test]
fn okta_password_policies() {
    let reader = Reader {
        kind: InputKind::PasswordPolicies,
        format: "okta",
        name: "policies.json",
        extra: "observed_at = \"2026-10-30T02:00:00Z\"\n",
        model: Model::Positions(okta_password_positions),
    };
    let stamped = repo_file("fixtures/demo/evidence/config/okta-password-policies.json");
    let stamped = json!({
        "observed_at": "2026-10-30T02:00:00Z",
        "policies": serde_json::from_slice::<Value>(&stamped).unwrap_or(Value::Null),
    });
    fuzz_collected(
        reader,
        vec![
            seed(
                "demo Okta policies",
                repo_file("fixtures/demo/evidence/config/okta-password-policies.json"),
            ),
            seed(
                "demo Okta policies (2026-08)",
                repo_file("fixtures/demo/evidence/config/okta-password-policies-2026-08.json"),
            ),
            seed(
                "Okta policies with observed_at",
                serde_json::to_vec_pretty(&stamped).unwrap_or_default(),
            ),
        ],
    );
}

#[test]
fn osquery() {
    let reader = Reader {
        kind: InputKind::DiskEncryption,
        format: "osquery",
        name: "disks.json",
        extra: "observed_at = \"2026-10-30T02:00:00Z\"\nhost = \"db-1\"\n",
        model: Model::Positions(array_positions),
    };
    let bitlocker = br#"[
  {"conversion_status":"1","device_id":"\\\\?\\Volume{1}","drive_letter":"C:","encryption_method":"XTS_AES_128","persistent_volume_id":"","protection_status":"1","version":"2"},
  {"conversion_status":"1","device_id":"\\\\?\\Volume{2}","drive_letter":"D:","encryption_method":"XTS_AES_128","protection_status":"0"},
  {"conversion_status":0,"device_id":"\\\\?\\Volume{3}","drive_letter":"","encryption_method":"None","protection_status":0}
]"#;
    fuzz_collected(
        reader,
        vec![
            seed(
                "demo osquery (files)",
                repo_file("fixtures/demo/evidence/config/osquery-files-01.json"),
            ),
            seed(
                "demo osquery (db)",
                repo_file("fixtures/demo/evidence/config/osquery-db-main-01.json"),
            ),
            seed(
                "demo osquery (backup)",
                repo_file("fixtures/demo/evidence/config/osquery-backup-01.json"),
            ),
            seed("osquery bitlocker_info", bitlocker.to_vec()),
        ],
    );
}

#[test]
fn sslyze() {
    let reader = Reader {
        kind: InputKind::TlsEndpoints,
        format: "sslyze",
        name: "scan.json",
        extra: "timezone = \"UTC\"\n",
        model: Model::Sslyze,
    };
    fuzz_collected(
        reader,
        vec![
            sample("sslyze-5.2.0-protocols-certinfo.json"),
            sample("sslyze-6.1.0-default-legacy.json"),
            sample("sslyze-6.1.0-protocols-certinfo.json"),
        ],
    );
}

/// The mutations themselves: a JSON edit keeps the rest of a document, a raw value is
/// spliced in where the node was.
#[test]
fn json_edits_replace_one_node() {
    let edit = |text: &str, node: usize, edit: JsonEdit| {
        let edited = edit_json(text.as_bytes().to_vec(), |_| 0, |_| node, &edit);
        String::from_utf8(edited).expect("utf-8")
    };
    assert_eq!(edit(r#"{"a":[1,2]}"#, 2, JsonEdit::Remove), r#"{"a":[2]}"#);
    assert_eq!(
        edit(
            r#"{"a":[1,2]}"#,
            3,
            JsonEdit::Replace(Replacement::Raw(b"1e400"))
        ),
        r#"{"a":[1,1e400]}"#
    );
    assert_eq!(
        edit(r#"{"a":[1,2]}"#, 1, JsonEdit::Wrap),
        r#"{"a":[[1,2]]}"#
    );
}
