//! How auditpack counts time: [`Millis`], and durations as written in `auditpack.toml`
//! (`1500ms`, `30s`, `5m`, `4h`, `90d`, `2w`, or a sum of them such as `4h15m`; months and
//! years are refused: their length depends on the date). A leaf: it depends on no other
//! module of the crate, so every layer can use it. The clock is not here but in `period`.

/// A UTC instant in milliseconds since the Unix epoch. All computation is on these.
pub type Millis = i64;

/// One hour in milliseconds.
pub const HOUR: Millis = 3_600_000;
/// One day (24 hours, not a calendar day) in milliseconds.
pub const DAY: Millis = 24 * HOUR;

const UNITS: [(char, Millis); 5] = [
    ('s', 1_000),
    ('m', 60_000),
    ('h', 3_600_000),
    ('d', 86_400_000),
    ('w', 604_800_000),
];

/// Parses a duration into milliseconds; the error says what was expected.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    let expected = || {
        format!(
            "expected a duration such as `1500ms`, `30s`, `5m`, `4h`, `90d`, `2w` or `4h15m`, found `{text}`"
        )
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(expected());
    }
    let mut total: Millis = 0;
    let mut digits = String::new();
    let mut chars = trimmed.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let unit_ms = if ch == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            1
        } else {
            let Some(&(_, unit_ms)) = UNITS.iter().find(|(unit, _)| *unit == ch) else {
                return Err(expected());
            };
            unit_ms
        };
        let amount: Millis = digits.parse().map_err(|_| expected())?;
        total = amount
            .checked_mul(unit_ms)
            .and_then(|ms| total.checked_add(ms))
            .ok_or_else(expected)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(expected());
    }
    Ok(total)
}

/// Formats milliseconds back in the largest units that divide it (`4h15m`), for details.
pub fn format_duration(ms: Millis) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut rest = ms;
    let mut out = String::new();
    for (unit, unit_ms) in [
        ('d', 86_400_000),
        ('h', 3_600_000),
        ('m', 60_000),
        ('s', 1_000),
    ] {
        if rest >= unit_ms {
            out.push_str(&format!("{}{unit}", rest / unit_ms));
            rest %= unit_ms;
        }
    }
    if rest > 0 {
        out.push_str(&format!("{rest}ms"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_compound_durations() {
        assert_eq!(parse_duration("30s"), Ok(30_000));
        assert_eq!(parse_duration("5m"), Ok(300_000));
        assert_eq!(parse_duration("4h"), Ok(14_400_000));
        assert_eq!(parse_duration("90d"), Ok(90 * 86_400_000));
        assert_eq!(parse_duration("2w"), Ok(14 * 86_400_000));
        assert_eq!(parse_duration("4h15m"), Ok(15_300_000));
        assert_eq!(parse_duration(" 0s "), Ok(0));
        assert_eq!(parse_duration("1500ms"), Ok(1_500));
        assert_eq!(parse_duration("1s500ms"), Ok(1_500));
        assert_eq!(parse_duration("0m"), Ok(0));
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for bad in [
            "",
            "4",
            "h",
            "4 hours",
            "1.5h",
            "3M",
            "-4h",
            "4h4",
            "99999999999999999w",
        ] {
            let error = parse_duration(bad).expect_err(bad);
            assert!(error.contains("expected a duration"), "{error}");
        }
    }

    #[test]
    fn formats_back() {
        assert_eq!(format_duration(15_300_000), "4h15m");
        assert_eq!(format_duration(90 * 86_400_000), "90d");
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(1_500), "1s500ms");
    }
}
