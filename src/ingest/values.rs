//! Parsing one raw value into its canonical type. Errors are reasons for `rejected.csv`.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::schema::{ColumnSpec, ValueType};
use crate::model::Millis;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Text(String),
    Time(Millis),
    Bool(bool),
    Int(i64),
    Float(f64),
}

/// A raw value as the file holds it: CSV gives text, NDJSON may give JSON types.
#[derive(Debug, Clone, Copy)]
pub enum Raw<'a> {
    Text(&'a str),
    Bool(bool),
    Number(&'a serde_json::Number),
}

/// Parses `raw` for `spec`. Empty text is `Null`; a `Null` in a required column is
/// refused by the caller.
pub fn parse_value(spec: &ColumnSpec, raw: Raw<'_>, timezone: Option<Tz>) -> Result<Value, String> {
    let name = spec.name;
    match (spec.ty, raw) {
        (_, Raw::Text(text)) if text.trim().is_empty() => Ok(Value::Null),
        (ValueType::Text, Raw::Text(text)) => match spec.allowed {
            Some(allowed) => {
                let lower = text.trim().to_ascii_lowercase();
                if allowed.contains(&lower.as_str()) {
                    Ok(Value::Text(lower))
                } else {
                    Err(format!(
                        "`{name}` is `{text}`: expected one of {}",
                        allowed.join(", ")
                    ))
                }
            }
            None => Ok(Value::Text(text.to_string())),
        },
        (ValueType::Text, Raw::Number(n)) if spec.allowed.is_none() => {
            Ok(Value::Text(n.to_string()))
        }
        (ValueType::Time, Raw::Text(text)) => parse_time(text, timezone)
            .map(Value::Time)
            .map_err(|why| format!("`{name}` is `{text}`: {why}")),
        (ValueType::Bool, Raw::Bool(b)) => Ok(Value::Bool(b)),
        (ValueType::Bool, Raw::Text(text)) => parse_bool(text)
            .map(Value::Bool)
            .ok_or_else(|| format!("`{name}` is `{text}`: expected true/false, 1/0 or yes/no")),
        (ValueType::Bool, Raw::Number(n)) => match n.as_u64() {
            Some(0) => Ok(Value::Bool(false)),
            Some(1) => Ok(Value::Bool(true)),
            _ => Err(format!(
                "`{name}` is {n}: expected true/false, 1/0 or yes/no"
            )),
        },
        (ValueType::Int, Raw::Text(text)) => text
            .trim()
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| format!("`{name}` is `{text}`: expected a whole number")),
        (ValueType::Int, Raw::Number(n)) => n
            .as_i64()
            .map(Value::Int)
            .ok_or_else(|| format!("`{name}` is {n}: expected a whole number")),
        (ValueType::Float, Raw::Text(text)) => match text.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Value::Float(x)),
            _ => Err(format!("`{name}` is `{text}`: expected a number")),
        },
        (ValueType::Float, Raw::Number(n)) => n
            .as_f64()
            .map(Value::Float)
            .ok_or_else(|| format!("`{name}` is {n}: expected a number")),
        (ty, raw) => Err(format!(
            "`{name}` is {}: expected {}",
            describe(raw),
            expected(ty)
        )),
    }
}

fn describe(raw: Raw<'_>) -> String {
    match raw {
        Raw::Text(text) => format!("`{text}`"),
        Raw::Bool(b) => b.to_string(),
        Raw::Number(n) => n.to_string(),
    }
}

fn expected(ty: ValueType) -> &'static str {
    match ty {
        ValueType::Text => "text",
        ValueType::Time => "an RFC 3339 time",
        ValueType::Bool => "true or false",
        ValueType::Int => "a whole number",
        ValueType::Float => "a number",
    }
}

pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

const NAIVE_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];

/// An RFC 3339 time to UTC milliseconds. A time without an offset is read in
/// `timezone` when the input declares one, and refused otherwise (SPEC §4).
pub fn parse_time(text: &str, timezone: Option<Tz>) -> Result<Millis, String> {
    let text = text.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Ok(instant.timestamp_millis());
    }
    let naive = NAIVE_FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        });
    let Some(naive) = naive else {
        return Err("expected an RFC 3339 time such as 2026-10-01T09:30:00Z".to_string());
    };
    let Some(tz) = timezone else {
        return Err(
            "time without an offset (declare `timezone` on the input to read naive times)"
                .to_string(),
        );
    };
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.timestamp_millis()),
        // A time repeated by a daylight-saving change: the first occurrence.
        LocalResult::Ambiguous(earliest, _) => Ok(earliest.timestamp_millis()),
        LocalResult::None => Err(format!("does not exist in {tz} (daylight-saving gap)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Australia::Melbourne;

    #[test]
    fn times_with_offsets_are_instants() {
        assert_eq!(
            parse_time("2026-10-01T00:00:00Z", None),
            Ok(1_790_812_800_000)
        );
        assert_eq!(
            parse_time("2026-10-01T10:00:00+10:00", None),
            Ok(1_790_812_800_000)
        );
        assert_eq!(
            parse_time("2026-10-01 00:00:00.250Z", None),
            Ok(1_790_812_800_250)
        );
    }

    #[test]
    fn naive_times_need_a_timezone() {
        let error = parse_time("2026-10-01T10:00:00", None).expect_err("naive");
        assert!(error.contains("without an offset"), "{error}");
        assert_eq!(
            parse_time("2026-10-01T10:00:00", Some(Melbourne)),
            Ok(1_790_812_800_000)
        );
        // 2026-10-04 02:30 does not exist in Melbourne: clocks jump from 02:00 to 03:00.
        assert!(parse_time("2026-10-04T02:30:00", Some(Melbourne)).is_err());
        // 2026-04-05 02:30 happens twice: the first (AEDT, +11) is taken.
        assert_eq!(
            parse_time("2026-04-05T02:30:00", Some(Melbourne)),
            parse_time("2026-04-05T02:30:00+11:00", None)
        );
    }

    #[test]
    fn garbage_is_refused() {
        for bad in ["yesterday", "2026-13-01T00:00:00Z", "1790812800"] {
            assert!(parse_time(bad, Some(Melbourne)).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans_take_three_spellings() {
        for (text, value) in [
            ("true", true),
            ("1", true),
            ("YES", true),
            ("false", false),
            ("0", false),
            ("no", false),
        ] {
            assert_eq!(parse_bool(text), Some(value));
        }
        assert_eq!(parse_bool("up"), None);
    }
}
