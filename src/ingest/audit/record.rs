//! One NDJSON audit line to a typed event, without building a JSON tree: the line is
//! deserialised straight into the twelve canonical columns, borrowing the text from the
//! line wherever it has no escapes. This is the hot loop of a report (SPEC §13: ten
//! million lines a month), so the common line costs no allocation at all.
//!
//! Anything unusual (a duplicated key, a line that is not an object, broken JSON) falls
//! back to the general path — `serde_json::Value` — whose reasons are the ones
//! `rejected.csv` has always given. Both paths type the values with the same function
//! ([`type_fields`], over [`parse_value`]), so a line reads the same whichever path
//! took it.

use std::borrow::Cow;
use std::fmt;

use chrono_tz::Tz;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Action, Claim};
use crate::config::InputKind;
use crate::ingest::schema::{columns, missing_required, ColumnSpec, ValueType};
use crate::ingest::values::{parse_time, parse_value, Raw, Value};
use crate::model::Millis;

/// The canonical audit columns, in `schema::AUDIT` order (a test holds them together).
const COLUMNS: [&str; 12] = [
    "time",
    "actor",
    "action",
    "outcome",
    "role",
    "tenant",
    "mfa",
    "target",
    "ticket",
    "ip",
    "event_id",
    "prev_hash",
];
const PREV_HASH: usize = 11;

/// One value as the line holds it.
#[derive(Debug, Default, Clone, PartialEq)]
pub enum Field<'a> {
    /// The key is not in the line.
    #[default]
    Absent,
    Null,
    Text(Cow<'a, str>),
    Bool(bool),
    Number(serde_json::Number),
    /// An array or object where a value was expected.
    Structured,
}

impl Field<'_> {
    fn raw(&self) -> Option<Raw<'_>> {
        match self {
            Field::Absent | Field::Null => None,
            Field::Text(text) => Some(Raw::Text(text)),
            Field::Bool(b) => Some(Raw::Bool(*b)),
            Field::Number(n) => Some(Raw::Number(n)),
            Field::Structured => Some(Raw::Text("[structured value]")),
        }
    }

    fn from_json(value: serde_json::Value) -> Field<'static> {
        match value {
            serde_json::Value::Null => Field::Null,
            serde_json::Value::Bool(b) => Field::Bool(b),
            serde_json::Value::Number(n) => Field::Number(n),
            serde_json::Value::String(s) => Field::Text(Cow::Owned(s)),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => Field::Structured,
        }
    }
}

impl<'de> Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Field::Text(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Field::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Field::Number(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Field::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        serde_json::Number::from_f64(v)
            .map(Field::Number)
            .ok_or_else(|| E::custom("not a finite number"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Field::Structured)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Field::Structured)
    }
}

/// A line's values of the canonical columns (other keys are skipped unread).
#[derive(Debug, Default)]
pub struct Fields<'a>(pub [Field<'a>; 12]);

impl<'a> Fields<'a> {
    /// Which columns the line names (bit `i` for column `i`), for SPEC §4's "missing
    /// required columns" check over a whole file.
    pub fn present(&self) -> u16 {
        self.0
            .iter()
            .enumerate()
            .filter(|(_, field)| **field != Field::Absent)
            .fold(0, |mask, (i, _)| mask | 1 << i)
    }

    /// What the line says of its predecessor in the `prev_hash` chain.
    pub fn claim(&self) -> Claim<'_> {
        match &self.0[PREV_HASH] {
            Field::Text(hash) if !hash.trim().is_empty() => Claim::Value(hash.trim()),
            Field::Text(_) | Field::Null | Field::Absent => Claim::Absent,
            Field::Bool(_) | Field::Number(_) | Field::Structured => Claim::Unreadable,
        }
    }

    /// The fields of a JSON object parsed the general way (the last of duplicated keys).
    fn from_object(mut object: serde_json::Map<String, serde_json::Value>) -> Fields<'static> {
        let mut fields = Fields::default();
        for (slot, name) in fields.0.iter_mut().zip(COLUMNS) {
            if let Some(value) = object.remove(name) {
                *slot = Field::from_json(value);
            }
        }
        fields
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::default();
        while let Some(Column(column)) = map.next_key::<Column>()? {
            match column {
                Some(i) if fields.0[i] != Field::Absent => {
                    // Duplicated: the general path decides (the last one counts there).
                    return Err(de::Error::custom("duplicate key"));
                }
                Some(i) => fields.0[i] = map.next_value()?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }
}

/// A key of a line: which canonical column it names, if any (read without allocating).
/// ([`column_of`] lists the keys; a test holds it to `COLUMNS`.)
struct Column(Option<usize>);

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(ColumnVisitor)
    }
}

struct ColumnVisitor;

impl Visitor<'_> for ColumnVisitor {
    type Value = Column;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Column, E> {
        Ok(Column(column_of(key)))
    }
}

/// Which canonical column `key` names, if any. Compared as one or two machine words
/// after a switch on the length: nine keys a line, ten million lines a month.
fn column_of(key: &str) -> Option<usize> {
    /// The first (up to) eight bytes as a number, zero-padded.
    const fn word(bytes: &[u8]) -> u64 {
        let mut word = 0u64;
        let mut i = 0;
        while i < bytes.len() && i < 8 {
            word |= (bytes[i] as u64) << (8 * i);
            i += 1;
        }
        word
    }
    let bytes = key.as_bytes();
    let w = word(bytes);
    let column = match bytes.len() {
        2 if w == const { word(b"ip") } => 9,
        3 if w == const { word(b"mfa") } => 6,
        4 if w == const { word(b"time") } => 0,
        4 if w == const { word(b"role") } => 4,
        5 if w == const { word(b"actor") } => 1,
        6 if w == const { word(b"action") } => 2,
        6 if w == const { word(b"tenant") } => 5,
        6 if w == const { word(b"target") } => 7,
        6 if w == const { word(b"ticket") } => 8,
        7 if w == const { word(b"outcome") } => 3,
        8 if w == const { word(b"event_id") } => 10,
        9 if w == const { word(b"prev_has") } && bytes[8] == b'h' => 11,
        _ => return None,
    };
    Some(column)
}

/// A line read as JSON: its fields, or why it is not an object.
///
/// Three ways, fastest first: the flat scanner (an object of strings, booleans and
/// nulls without escapes: what logs write), serde into the columns, and the general
/// `serde_json::Value` path, whose reasons `rejected.csv` gives. Each later way is
/// taken only when the one before declines, and tests hold them to the same answers.
pub fn read_line(bytes: &[u8]) -> Result<Fields<'_>, String> {
    if bytes.first() == Some(&b'{') {
        // Valid UTF-8 checked once for the line, not again for every string in it.
        if let Ok(text) = std::str::from_utf8(bytes) {
            if let Some(fields) = scan_flat(text) {
                return Ok(fields);
            }
            if let Ok(fields) = serde_json::from_str::<Fields<'_>>(text) {
                return Ok(fields);
            }
        }
    }
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(object)) => Ok(Fields::from_object(object)),
        Ok(_) => Err("not a JSON object".to_string()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// Reads a flat JSON object — string, boolean and null values, no escapes, keys
/// unique — into the columns; `None` for anything else (numbers, nested values,
/// escapes, duplicated keys, bad JSON), which the general parsers then read.
fn scan_flat(line: &str) -> Option<Fields<'_>> {
    let bytes = line.as_bytes();
    if needs_general_parser(bytes) {
        return None;
    }
    let mut at = skip_whitespace(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_whitespace(bytes, at + 1);
    let mut fields = Fields::default();
    if bytes.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            if bytes.get(at) != Some(&b'"') {
                return None;
            }
            let (key, after) = plain_string(line, at + 1)?;
            at = skip_whitespace(bytes, after);
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            at = skip_whitespace(bytes, at + 1);
            let (value, after) = match bytes.get(at)? {
                b'"' => {
                    let (text, after) = plain_string(line, at + 1)?;
                    (Field::Text(Cow::Borrowed(text)), after)
                }
                b't' if bytes[at..].starts_with(b"true") => (Field::Bool(true), at + 4),
                b'f' if bytes[at..].starts_with(b"false") => (Field::Bool(false), at + 5),
                b'n' if bytes[at..].starts_with(b"null") => (Field::Null, at + 4),
                _ => return None,
            };
            if let Some(i) = column_of(key) {
                if fields.0[i] != Field::Absent {
                    return None;
                }
                fields.0[i] = value;
            }
            at = skip_whitespace(bytes, after);
            match bytes.get(at)? {
                b',' => at = skip_whitespace(bytes, at + 1),
                b'}' => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_whitespace(bytes, at) == bytes.len()).then_some(fields)
}

/// The index of the first byte at or after `at` that is not JSON white space.
fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}

/// The string whose first byte is at `start` (after its opening quote) and the index
/// after its closing quote; `None` if it does not end. [`scan_flat`] has made sure the
/// line holds no escape and no control character, so the next quote ends the string.
fn plain_string(line: &str, start: usize) -> Option<(&str, usize)> {
    let end = start + memchr::memchr(b'"', line.as_bytes().get(start..)?)?;
    Some((line.get(start..end)?, end + 1))
}

/// Whether `bytes` holds a backslash or a control character: then a string in it may
/// have an escape, or be refused by JSON, and the general parsers decide.
fn needs_general_parser(bytes: &[u8]) -> bool {
    // Without an early exit, so the compiler looks at many bytes at a time.
    bytes
        .iter()
        .fold(false, |found, &b| found | (b < 0x20) | (b == b'\\'))
}

/// A typed audit event whose text borrows from its line where it can.
#[derive(Debug, Clone, PartialEq)]
pub struct Typed<'a> {
    pub time: Millis,
    pub actor: Cow<'a, str>,
    pub action: Cow<'a, str>,
    pub kind: Action,
    pub success: bool,
    pub role: Option<Cow<'a, str>>,
    pub tenant: Option<Cow<'a, str>>,
    pub mfa: Option<bool>,
    pub target: Option<Cow<'a, str>>,
    pub ticket: Option<Cow<'a, str>>,
    pub ip: Option<Cow<'a, str>>,
}

/// A typed value of one column.
#[derive(Debug, Default)]
enum Typing<'a> {
    #[default]
    Null,
    Text(Cow<'a, str>),
    Time(Millis),
    Bool(bool),
}

impl<'a> Typing<'a> {
    fn text(self) -> Option<Cow<'a, str>> {
        match self {
            Typing::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Types a line's fields as the canonical `audit` row (SPEC §4); the first problem, in
/// column order, is the rejection reason — as [`parse_value`] words it for every path.
pub fn type_fields(fields: Fields<'_>, timezone: Option<Tz>) -> Result<Typed<'_>, String> {
    let specs = columns(InputKind::Audit);
    let mut fields = fields.0;
    let mut column = |i: usize| {
        let spec = &specs[i];
        let typed = type_one(spec, std::mem::take(&mut fields[i]), timezone)?;
        if spec.required && matches!(typed, Typing::Null) {
            return Err(missing_required(spec.name));
        }
        Ok(typed)
    };
    // In column order, so the first problem is the one reported.
    let (time, actor, action, outcome) = (column(0)?, column(1)?, column(2)?, column(3)?);
    let (role, tenant, mfa, target) = (column(4)?, column(5)?, column(6)?, column(7)?);
    let (ticket, ip) = (column(8)?, column(9)?);
    column(10)?; // event_id and prev_hash: typed (a row is refused on them), not kept.
    column(11)?;
    let (Typing::Time(time), Some(actor), Some(action), Some(outcome)) =
        (time, actor.text(), action.text(), outcome.text())
    else {
        return Err("the required values could not be typed".to_string());
    };
    Ok(Typed {
        time,
        kind: Action::of(&action),
        actor,
        action,
        // Only `success` (any case, trimmed) succeeded; every other outcome is kept as
        // a readable, unsuccessful event (SPEC §4).
        success: outcome.trim().eq_ignore_ascii_case("success"),
        role: role.text(),
        tenant: tenant.text(),
        mfa: match mfa {
            Typing::Bool(b) => Some(b),
            _ => None,
        },
        target: target.text(),
        ticket: ticket.text(),
        ip: ip.text(),
    })
}

/// Empty or only white space (usually the first byte decides).
fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        // A visible ASCII character first: not blank, without a look at the rest.
        Some(&first) if first > b' ' && first.is_ascii() => false,
        _ => text.trim().is_empty(),
    }
}

fn type_one<'a>(
    spec: &ColumnSpec,
    field: Field<'a>,
    timezone: Option<Tz>,
) -> Result<Typing<'a>, String> {
    if let Field::Absent | Field::Null = field {
        return Ok(Typing::Null);
    }
    // The common cases, borrowed: free text, and an enumerated value already canonical;
    // and a time, without the general match.
    if let Field::Text(text) = &field {
        if spec.ty == ValueType::Time && !is_blank(text) {
            return parse_time(text, timezone)
                .map(Typing::Time)
                .map_err(|why| format!("`{}` is `{text}`: {why}", spec.name));
        }
        if spec.ty == ValueType::Text && !is_blank(text) {
            let canonical = match spec.allowed {
                None => true,
                Some(allowed) => allowed.contains(&text.as_ref()),
            };
            if canonical {
                return Ok(match field {
                    Field::Text(text) => Typing::Text(text),
                    _ => Typing::Null,
                });
            }
        }
    }
    let Some(raw) = field.raw() else {
        return Ok(Typing::Null);
    };
    Ok(match parse_value(spec, raw, timezone)? {
        Value::Null => Typing::Null,
        Value::Text(text) => Typing::Text(Cow::Owned(text.into_owned())),
        Value::Time(time) => Typing::Time(time),
        Value::Bool(b) => Typing::Bool(b),
        // No audit column is numeric.
        Value::Int(_) | Value::Float(_) => Typing::Null,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Result<Typed<'static>, String> {
        let line: &'static str = Box::leak(line.to_string().into_boxed_str());
        type_fields(read_line(line.as_bytes())?, None)
    }

    #[test]
    fn columns_are_the_schema_columns_in_order() {
        let names: Vec<&str> = columns(InputKind::Audit).iter().map(|s| s.name).collect();
        assert_eq!(names, COLUMNS);
        for (i, name) in COLUMNS.iter().enumerate() {
            let key: Result<Column, serde::de::value::Error> = ColumnVisitor.visit_str(name);
            assert_eq!(key.map(|c| c.0), Ok(Some(i)), "{name}");
        }
        for other in [
            "",
            "tim",
            "times",
            "time\0",
            "Time",
            "prev_hash_",
            "a_key_longer_than_15",
        ] {
            assert_eq!(column_of(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_plain_line_borrows_its_text() {
        let line = r#"{"time":"2026-10-01T00:00:00Z","actor":"ana","action":"login","outcome":"success","role":"admin","mfa":true,"ip":"10.0.0.1","extra":{"a":[1,2]}}"#;
        let fields = read_line(line.as_bytes()).unwrap();
        assert!(matches!(&fields.0[1], Field::Text(Cow::Borrowed("ana"))));
        let typed = type_fields(fields, None).unwrap();
        assert_eq!(typed.time, 1_790_812_800_000);
        assert!(typed.success);
        assert_eq!(typed.mfa, Some(true));
        assert_eq!(typed.role.as_deref(), Some("admin"));
        assert_eq!(typed.tenant, None);
    }

    #[test]
    fn escapes_numbers_and_structures_read_as_the_general_path_does() {
        let typed = read(
            r#"{"time":"2026-10-01T00:00:00Z","actor":"a\"b","action":"login","outcome":" Success ","mfa":"yes","target":12.5,"ticket":"  ","tenant":["x"]}"#,
        )
        .unwrap();
        assert_eq!(typed.actor, "a\"b");
        assert!(typed.success, "outcome is trimmed and lower-cased");
        assert_eq!(typed.mfa, Some(true));
        assert_eq!(typed.target.as_deref(), Some("12.5"));
        assert_eq!(typed.ticket, None, "a blank ticket is no ticket");
        assert_eq!(typed.tenant.as_deref(), Some("[structured value]"));
    }

    #[test]
    fn the_last_of_duplicated_keys_counts() {
        let typed = read(
            r#"{"time":"2026-10-01T00:00:00Z","actor":"first","actor":"second","action":"login","outcome":"success"}"#,
        )
        .unwrap();
        assert_eq!(typed.actor, "second");
    }

    #[test]
    fn reasons_name_the_first_problem_in_column_order() {
        assert_eq!(read("[1,2]").unwrap_err(), "not a JSON object");
        assert!(read("{\"time\":").unwrap_err().starts_with("not JSON: "));
        assert_eq!(
            read(r#"{"time":"2026-10-01T00:00:00Z","action":"login","outcome":"success"}"#)
                .unwrap_err(),
            "missing required value `actor`"
        );
        assert_eq!(
            read(r#"{"time":"yesterday","actor":"a","action":"login","outcome":"maybe"}"#)
                .unwrap_err(),
            "`time` is `yesterday`: expected an RFC 3339 time such as 2026-10-01T09:30:00Z"
        );
        // SPEC §4: an outcome other than success/failure is readable and unsuccessful.
        for outcome in ["maybe", "denied_by_policy", "DENY", "ALLOW", "failure"] {
            let line = format!(
                r#"{{"time":"2026-10-01T00:00:00Z","actor":"a","action":"login","outcome":"{outcome}"}}"#
            );
            let typed = read(&line).expect("a readable event");
            assert!(!typed.success, "{outcome} is not a success");
        }
        assert_eq!(
            read(r#"{"time":"2026-10-01T00:00:00Z","actor":true,"action":"login","outcome":"success"}"#)
                .unwrap_err(),
            "`actor` is true: expected text"
        );
    }

    /// The general way, without the flat scanner.
    fn general(line: &str) -> Result<Fields<'_>, String> {
        if let Ok(fields) = serde_json::from_str::<Fields<'_>>(line) {
            return Ok(fields);
        }
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(object)) => Ok(Fields::from_object(object)),
            Ok(_) => Err("not a JSON object".to_string()),
            Err(e) => Err(format!("not JSON: {e}")),
        }
    }

    #[test]
    fn the_flat_scanner_reads_what_the_general_parsers_read_or_declines() {
        let pieces = [
            r#""time":"2026-10-01T00:00:00Z""#,
            r#""actor":"ana""#,
            r#""actor" : "b""#,
            r#""action":"login""#,
            r#""outcome":"success""#,
            r#""mfa":true"#,
            r#""mfa":false"#,
            r#""mfa":null"#,
            r#""mfa":1"#,
            r#""ticket":"""#,
            r#""ip":"10.0.0.1""#,
            r#""x":{"a":"}"}"#,
            r#""x":[1,"]"]"#,
            r#""tenant":"a\"b""#,
            r#""tenant":"\u00e9""#,
            "\"tenant\":\"caf\u{e9} \u{1F600}\"",
            "\"tenant\":\"tab\there\"",
            r#""prev_hash":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef""#,
            r#""role":"admin"  "#,
            r#""unknown":"value with , and } inside""#,
            r#""ti\u006de":"2026-10-01T00:00:00Z""#,
            r#""truthy":truex"#,
            r#""n":nul"#,
            r#""a":"unterminated"#,
        ];
        let mut lines = vec![
            "{}".to_string(),
            " { } ".to_string(),
            "{".to_string(),
            "{}}".to_string(),
            "{,}".to_string(),
            r#"{"a":"b",}"#.to_string(),
            r#"{"a" "b"}"#.to_string(),
            r#"{"a":"b"} x"#.to_string(),
        ];
        let mut x: u64 = 3;
        for _ in 0..20_000 {
            let mut parts = Vec::new();
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for k in 0..(x >> 60) as usize {
                parts.push(pieces[((x >> (k * 5 % 55)) as usize) % pieces.len()]);
            }
            let separator = if x & 1 == 0 { "," } else { " ,\t" };
            lines.push(format!("{{{}}}", parts.join(separator)));
        }
        let mut scanned = 0;
        for line in &lines {
            if let Some(fields) = scan_flat(line) {
                scanned += 1;
                let general = general(line).unwrap_or_else(|e| panic!("{line}: {e}"));
                assert_eq!(fields.0, general.0, "{line}");
            }
            let read = read_line(line.as_bytes()).map(|f| f.0);
            assert_eq!(read, general(line).map(|f| f.0), "{line}");
        }
        assert!(
            scanned > 1000,
            "the scanner takes the plain lines ({scanned})"
        );
    }

    #[test]
    fn lines_with_escapes_or_control_characters_go_to_the_general_parsers() {
        for (i, special) in [b'\\', 0x00, 0x09, 0x1f].into_iter().enumerate() {
            for at in 0..20 {
                let mut line = vec![b'a'; 20];
                line[at] = special;
                assert!(needs_general_parser(&line), "{i} at {at}");
            }
        }
        let plain: Vec<u8> = (0x20..=0xff).filter(|&b| b != b'\\').collect();
        assert!(!needs_general_parser(&plain));
        assert!(!needs_general_parser(b""));
    }

    #[test]
    fn claims_and_presence() {
        let fields = read_line(br#"{"time":null,"prev_hash":" AB "}"#).unwrap();
        assert_eq!(fields.claim(), Claim::Value("AB"));
        assert_eq!(fields.present(), 1 | 1 << PREV_HASH);
        let fields = read_line(br#"{"prev_hash":7}"#).unwrap();
        assert_eq!(fields.claim(), Claim::Unreadable);
        let fields = read_line(br#"{"prev_hash":""}"#).unwrap();
        assert_eq!(fields.claim(), Claim::Absent);
    }
}
