//! Periods and time zones (SPEC §6), and the only clock: `SOURCE_DATE_EPOCH` or now.
//!
//! A period is a half-open range of UTC instants. A calendar month runs from the first
//! instant of the month to the first instant of the next in the organisation's zone,
//! so a month with a daylight-saving change is an hour shorter or longer.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::Error;
use crate::time::Millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// First instant, inclusive.
    pub start: Millis,
    /// End instant, exclusive.
    pub end: Millis,
    pub timezone: Tz,
    /// `2026-10` for a month, `2026-10-01_2026-10-15` for a range of days.
    pub label: String,
}

impl Period {
    pub fn duration(&self) -> Millis {
        self.end - self.start
    }

    /// The calendar month `YYYY-MM` in `tz`.
    pub fn month(text: &str, tz: Tz) -> Result<Period, Error> {
        let bad = || {
            Error::Usage(format!(
                "--period: expected a month as YYYY-MM, found `{text}`"
            ))
        };
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)?;
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(bad)?;
        Ok(Period {
            start: start_of_local_day(first, tz),
            end: start_of_local_day(next, tz),
            timezone: tz,
            label: format!("{year:04}-{month:02}"),
        })
    }

    /// The last full calendar month before `now` in `tz`.
    pub fn previous_month(now: Millis, tz: Tz) -> Result<Period, Error> {
        let local = to_local(now, tz).date_naive();
        let this_month = NaiveDate::from_ymd_opt(local.year(), local.month(), 1)
            .ok_or_else(|| Error::Usage("the clock is out of range".to_string()))?;
        let previous = this_month
            .checked_sub_months(chrono::Months::new(1))
            .ok_or_else(|| Error::Usage("the clock is out of range".to_string()))?;
        Period::month(&previous.format("%Y-%m").to_string(), tz)
    }

    /// An explicit range. `from` and `to` are local dates `YYYY-MM-DD` (both days
    /// included) or RFC 3339 instants (`to` then excluded).
    pub fn range(from: &str, to: &str, tz: Tz) -> Result<Period, Error> {
        let (start, from_label) = parse_bound(from, tz, false, "--from")?;
        let (end, to_label) = parse_bound(to, tz, true, "--to")?;
        if end <= start {
            return Err(Error::Usage(format!(
                "--to ({to}) must be after --from ({from})"
            )));
        }
        Ok(Period {
            start,
            end,
            timezone: tz,
            label: format!("{from_label}_{to_label}"),
        })
    }

    /// The first instant `months` calendar months before the period's end, in its zone
    /// (SPEC §15's trailing window): a 12-month window ending 2026-11-01 local starts
    /// 2025-11-01 local. A day the earlier month lacks is its last day (chrono clamps);
    /// a local time in a daylight-saving gap is the jump.
    pub fn months_before_end(&self, months: u32) -> Millis {
        let local = to_local(self.end, self.timezone).naive_local();
        local
            .checked_sub_months(chrono::Months::new(months))
            .map_or(self.start, |earlier| {
                first_instant_at_or_after(earlier, self.timezone)
            })
    }

    /// The local calendar day of the period's last instant (its end is exclusive):
    /// `2026-10-31` for the month 2026-10. Waivers and attestations are dated in local
    /// days and judged against it (SPEC §8).
    pub fn last_local_day(&self) -> NaiveDate {
        to_local(self.end - 1, self.timezone).date_naive()
    }

    /// The local calendar days the period touches, each clipped to the period.
    pub fn local_days(&self) -> Vec<(NaiveDate, Millis, Millis)> {
        let mut days = Vec::new();
        let mut date = to_local(self.start, self.timezone).date_naive();
        while let Some(next) = date.succ_opt() {
            let day_start = start_of_local_day(date, self.timezone).max(self.start);
            let day_end = start_of_local_day(next, self.timezone).min(self.end);
            if day_start >= self.end {
                break;
            }
            if day_end > day_start {
                days.push((date, day_start, day_end));
            }
            date = next;
        }
        days
    }
}

fn parse_bound(text: &str, tz: Tz, is_end: bool, flag: &str) -> Result<(Millis, String), Error> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let day = if is_end {
            date.succ_opt()
                .ok_or_else(|| Error::Usage(format!("{flag}: date out of range")))?
        } else {
            date
        };
        return Ok((
            start_of_local_day(day, tz),
            date.format("%Y-%m-%d").to_string(),
        ));
    }
    match DateTime::parse_from_rfc3339(text) {
        Ok(instant) => {
            let ms = instant.timestamp_millis();
            Ok((ms, format_utc(ms).replace(':', "")))
        }
        Err(_) => Err(Error::Usage(format!(
            "{flag}: expected a date YYYY-MM-DD or an RFC 3339 time, found `{text}`"
        ))),
    }
}

/// The first instant of a local calendar day. Where midnight does not exist (a
/// daylight-saving jump at midnight) the day starts at the jump; where it occurs twice,
/// at the first.
pub fn start_of_local_day(date: NaiveDate, tz: Tz) -> Millis {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    first_instant_at_or_after(midnight, tz)
}

/// The first instant whose local time is `local` or, where `local` falls in a
/// daylight-saving gap, the jump itself.
pub fn first_instant_at_or_after(local: NaiveDateTime, tz: Tz) -> Millis {
    // Daylight-saving gaps are whole minutes and at most a few hours long.
    for minutes in 0..=(26 * 60) {
        let candidate = local + Duration::minutes(minutes);
        match tz.from_local_datetime(&candidate) {
            LocalResult::Single(t) => return t.timestamp_millis(),
            LocalResult::Ambiguous(earliest, _) => return earliest.timestamp_millis(),
            LocalResult::None => continue,
        }
    }
    local.and_utc().timestamp_millis()
}

pub fn to_local(ms: Millis, tz: Tz) -> DateTime<Tz> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// RFC 3339 UTC with `Z`, seconds precision unless there are milliseconds.
pub fn format_utc(ms: Millis) -> String {
    let time = Utc.timestamp_millis_opt(ms).single().unwrap_or_default();
    if ms.rem_euclid(1000) == 0 {
        time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

/// Local time with its offset, for people (the PDF): `2026-10-14 14:10 +11:00`.
pub fn format_local(ms: Millis, tz: Tz) -> String {
    to_local(ms, tz).format("%Y-%m-%d %H:%M %:z").to_string()
}

/// The pack's `generated_at`: `SOURCE_DATE_EPOCH` (seconds) when set, else now.
pub fn generated_at(source_date_epoch: Option<&str>) -> Result<Millis, Error> {
    match source_date_epoch {
        Some(text) if !text.trim().is_empty() => {
            let seconds: i64 = text.trim().parse().map_err(|_| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH: expected whole seconds since 1970, found `{text}`"
                ))
            })?;
            seconds
                .checked_mul(1000)
                .ok_or_else(|| Error::Usage("SOURCE_DATE_EPOCH is out of range".to_string()))
        }
        _ => Ok(Utc::now().timestamp_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Australia};

    fn utc(text: &str) -> Millis {
        DateTime::parse_from_rfc3339(text)
            .expect("test time")
            .timestamp_millis()
    }

    #[test]
    fn a_month_with_daylight_saving_start_is_an_hour_short() {
        let period = Period::month("2026-10", Australia::Melbourne).expect("period");
        assert_eq!(period.start, utc("2026-09-30T14:00:00Z"));
        assert_eq!(period.end, utc("2026-10-31T13:00:00Z"));
        assert_eq!(period.duration(), (31 * 24 - 1) * 3_600_000);
        assert_eq!(period.label, "2026-10");
    }

    #[test]
    fn the_last_local_day_is_the_day_of_the_last_instant() {
        let month = Period::month("2026-10", Australia::Melbourne).expect("period");
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
        assert_eq!(month.last_local_day(), day("2026-10-31"));
        let range = Period::range("2026-10-01", "2026-10-15", Australia::Melbourne).expect("range");
        assert_eq!(range.last_local_day(), day("2026-10-15"));
        // An RFC 3339 `--to` is exclusive: 2026-10-16T00:00 local is not in the period.
        let instant = Period::range("2026-10-01", "2026-10-15T13:00:00Z", Australia::Melbourne)
            .expect("range");
        assert_eq!(instant.last_local_day(), day("2026-10-15"));
    }

    #[test]
    fn a_month_with_daylight_saving_end_is_an_hour_long() {
        let period = Period::month("2026-04", Australia::Melbourne).expect("period");
        assert_eq!(period.duration(), (30 * 24 + 1) * 3_600_000);
        let period = Period::month("2026-11", America::New_York).expect("period");
        assert_eq!(period.duration(), (30 * 24 + 1) * 3_600_000);
    }

    #[test]
    fn a_month_in_utc_is_its_days() {
        let period = Period::month("2026-02", Tz::UTC).expect("period");
        assert_eq!(period.duration(), 28 * 24 * 3_600_000);
    }

    #[test]
    fn bad_months_are_refused() {
        for bad in ["2026-13", "2026-1", "26-10", "october", "2026-00"] {
            assert!(Period::month(bad, Tz::UTC).is_err(), "{bad}");
        }
    }

    #[test]
    fn previous_month_is_in_the_local_zone() {
        // 2026-11-01T00:30 in Melbourne is still October in UTC.
        let now = utc("2026-10-31T13:30:00Z");
        let period = Period::previous_month(now, Australia::Melbourne).expect("period");
        assert_eq!(period.label, "2026-10");
        let period = Period::previous_month(now, Tz::UTC).expect("period");
        assert_eq!(period.label, "2026-09");
    }

    #[test]
    fn ranges_include_both_days_or_take_instants() {
        let period = Period::range("2026-10-01", "2026-10-15", Tz::UTC).expect("range");
        assert_eq!(period.start, utc("2026-10-01T00:00:00Z"));
        assert_eq!(period.end, utc("2026-10-16T00:00:00Z"));
        let period = Period::range("2026-10-01T06:00:00Z", "2026-10-01T12:00:00+02:00", Tz::UTC)
            .expect("range");
        assert_eq!(period.duration(), 4 * 3_600_000);
        assert!(Period::range("2026-10-15", "2026-10-01", Tz::UTC).is_err());
    }

    #[test]
    fn local_days_follow_the_zone() {
        let period = Period::month("2026-10", Australia::Melbourne).expect("period");
        let days = period.local_days();
        assert_eq!(days.len(), 31);
        // 4 October 2026 is 23 hours long in Melbourne.
        let (date, start, end) = days[3];
        assert_eq!(date.to_string(), "2026-10-04");
        assert_eq!(end - start, 23 * 3_600_000);
        assert_eq!(days[30].2, period.end);
    }

    #[test]
    fn a_day_without_midnight_starts_at_the_jump() {
        // Santiago skips from 2026-09-06 00:00 to 01:00 local.
        let start = start_of_local_day(
            NaiveDate::from_ymd_opt(2026, 9, 6).expect("date"),
            America::Santiago,
        );
        assert_eq!(format_utc(start), "2026-09-06T04:00:00Z");
    }

    #[test]
    fn source_date_epoch_is_the_clock() {
        assert_eq!(
            generated_at(Some("1793000000")).expect("epoch"),
            1_793_000_000_000
        );
        assert!(generated_at(Some("yesterday")).is_err());
    }
}
