//! Parsing one raw value into its canonical type. Errors are reasons for `rejected.csv`.

use std::borrow::Cow;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::schema::{columns, ColumnSpec, ValueType};
use crate::config::InputKind;
use crate::model::Millis;

/// A typed value. Text borrows from the line it was read from where it can (a CSV
/// field as the file holds it), so a sink that keeps rows compact allocates nothing for
/// a row it recognises (SPEC §19).
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(Cow<'a, str>),
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
pub fn parse_value<'a>(
    spec: &ColumnSpec,
    raw: Raw<'a>,
    timezone: Option<Tz>,
) -> Result<Value<'a>, String> {
    let name = spec.name;
    match (spec.ty, raw) {
        (_, Raw::Text(text)) if trim(text).is_empty() => Ok(Value::Null),
        (ValueType::Text, Raw::Text(text)) => match spec.allowed {
            Some(allowed) => {
                let lower = trim(text).to_ascii_lowercase();
                if allowed.contains(&lower.as_str()) {
                    Ok(Value::Text(Cow::Owned(lower)))
                } else {
                    Err(format!(
                        "`{name}` is `{text}`: expected one of {}",
                        allowed.join(", ")
                    ))
                }
            }
            None => Ok(Value::Text(Cow::Borrowed(text))),
        },
        (ValueType::Text, Raw::Number(n)) if spec.allowed.is_none() => {
            Ok(Value::Text(Cow::Owned(n.to_string())))
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
        (ValueType::Float, Raw::Text(text)) => match trim(text).parse::<f64>() {
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

/// `text.trim()`, without decoding characters when `text` starts and ends with a
/// printable ASCII character (nearly every field of nearly every file).
fn trim(text: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let bytes = text.as_bytes();
    if plain(bytes.first()) && plain(bytes.last()) {
        text
    } else {
        text.trim()
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
    let text = trim(text);
    let is = |words: [&str; 3]| words.iter().any(|w| text.eq_ignore_ascii_case(w));
    if is(["true", "1", "yes"]) {
        Some(true)
    } else if is(["false", "0", "no"]) {
        Some(false)
    } else {
        None
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
    let text = trim(text);
    if let Some(millis) = parse_utc_fast(text) {
        return Ok(millis);
    }
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

/// The form nearly every log writes, `YYYY-MM-DDTHH:MM:SS[.f]Z`, read without chrono's
/// general parser (a report reads ten million of them). `None` for anything else —
/// other forms, leap seconds, years before 1970, out-of-range fields — which then
/// takes the general path; a test holds the two to the same answers.
fn parse_utc_fast(text: &str) -> Option<Millis> {
    let b = text.as_bytes();
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let shape = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if shape.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        b[range].iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let millis = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            let fraction = number(20..20 + digits.len())?;
            fraction * 1000 / 10i64.pow(digits.len() as u32)
        }
        _ => return None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year < 1970 || day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis)
}

/// Rules across the columns of one row, beyond each value's type.
pub fn check_row(kind: InputKind, values: &[Value<'_>]) -> Result<(), String> {
    let time_of = |name: &str| {
        columns(kind)
            .iter()
            .position(|spec| spec.name == name)
            .and_then(|i| match values.get(i) {
                Some(Value::Time(t)) => Some(*t),
                _ => None,
            })
    };
    let ordered = |first: &str, second: &str| match (time_of(first), time_of(second)) {
        (Some(a), Some(b)) if b < a => Err(format!("`{second}` is before `{first}`")),
        _ => Ok(()),
    };
    match kind {
        InputKind::Maintenance => match (time_of("start"), time_of("end")) {
            (Some(start), Some(end)) if end <= start => {
                Err("`end` is not after `start`".to_string())
            }
            _ => Ok(()),
        },
        InputKind::Backups => ordered("started_at", "finished_at"),
        InputKind::Alerts => ordered("started_at", "resolved_at"),
        _ => Ok(()),
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
    fn the_fast_utc_path_agrees_with_chrono() {
        let mut texts = vec![
            "1970-01-01T00:00:00Z".to_string(),
            "2000-02-29T23:59:59.999Z".to_string(),
            "2100-02-29T00:00:00Z".to_string(),
            "2026-10-01T00:00:00.5Z".to_string(),
            "2026-10-01T00:00:00.123456789Z".to_string(),
            "2026-10-01T00:00:00.1234567891Z".to_string(),
            "2026-12-31T23:59:60Z".to_string(),
            "2026-04-31T00:00:00Z".to_string(),
            "2026-10-01T24:00:00Z".to_string(),
            "2026-10-01T00:00:00.Z".to_string(),
            "2026-10-01t00:00:00Z".to_string(),
            "1969-12-31T23:59:59.999Z".to_string(),
        ];
        let mut x: u64 = 1;
        for _ in 0..20_000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let pick = |n: u64, shift: u32| (x >> shift) % n;
            texts.push(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:0width$}Z",
                1960 + pick(200, 3),
                pick(13, 11),
                pick(32, 17),
                pick(25, 23),
                pick(61, 29),
                pick(61, 35),
                pick(1000, 41),
                width = 1 + pick(4, 51) as usize,
            ));
        }
        for text in &texts {
            let chrono = DateTime::parse_from_rfc3339(text).map(|t| t.timestamp_millis());
            if let Some(fast) = parse_utc_fast(text) {
                assert_eq!(Ok(fast), chrono, "{text}");
            }
            assert_eq!(parse_time(text, None).ok(), chrono.ok(), "{text}");
        }
        assert!(parse_utc_fast("2026-10-01T00:00:00Z").is_some());
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
