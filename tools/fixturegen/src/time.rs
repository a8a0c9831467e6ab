//! Instants as whole UTC seconds, and how to print them.
//!
//! Every sample in the demo sits on a whole second, so the generator (and its
//! reference assessment) works on `i64` Unix seconds: exact, cheap, and free of
//! any rounding question. `chrono` turns calendar dates into seconds and back
//! into text; `chrono-tz` supplies Australia/Melbourne, the demo organisation's
//! time zone, for local wall-clock times. A leaf: no scenario knowledge here.

use chrono::{DateTime, NaiveDate, Offset, SecondsFormat, TimeDelta, TimeZone, Utc};
use chrono_tz::{Australia::Melbourne, Tz};

/// One minute, in seconds.
pub const MIN: i64 = 60;
/// One hour, in seconds.
pub const HOUR: i64 = 3_600;
/// One day, in seconds.
pub const DAY: i64 = 86_400;

/// The UTC instant `y-m-d h:mi:00Z` as Unix seconds.
///
/// Panics on an impossible date: every date here is a literal in the scenario.
pub fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_opt(h, mi, 0))
        .expect("scenario dates are valid")
        .and_utc()
        .timestamp()
}

fn datetime(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("scenario instants are in range")
}

/// RFC 3339 UTC with `Z` and second precision, as SPEC §6 writes every time.
pub fn rfc3339(secs: i64) -> String {
    datetime(secs).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `2026-10-14 03:10Z`: compact UTC for prose and tables.
pub fn short_utc(secs: i64) -> String {
    datetime(secs).format("%Y-%m-%d %H:%MZ").to_string()
}

/// `HH:MM:SSZ` when the instant is not on a whole minute, else `HH:MMZ`.
pub fn clock_utc(secs: i64) -> String {
    if secs % MIN == 0 {
        datetime(secs).format("%H:%MZ").to_string()
    } else {
        datetime(secs).format("%H:%M:%SZ").to_string()
    }
}

/// Daylight saving in Melbourne starts 2026-10-04 02:00 AEST = 2026-10-03T16:00Z.
pub fn dst_start() -> i64 {
    utc(2026, 10, 3, 16, 0)
}

fn melbourne(secs: i64) -> DateTime<Tz> {
    datetime(secs).with_timezone(&Melbourne)
}

/// The UTC instant of Melbourne wall-clock time `y-m-d h:mi`. Wall-clock times
/// inside the hour skipped at a DST start (02:00-03:00 on 4 October 2026) do not
/// exist and are read with the offset after it (AEDT).
pub fn melbourne_wall(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    let naive = DateTime::from_timestamp(utc(y, m, d, h, mi), 0)
        .expect("scenario instants are in range")
        .naive_utc();
    let hour = TimeDelta::hours(1);
    Melbourne
        .from_local_datetime(&naive)
        .earliest()
        .or_else(|| {
            let after = Melbourne.from_local_datetime(&(naive + hour)).earliest()?;
            Some(after - hour)
        })
        .expect("at most an hour of wall-clock time is skipped")
        .timestamp()
}

/// The Melbourne calendar date of an instant (SPEC §15's local days, weeks and months).
pub fn melbourne_date(secs: i64) -> NaiveDate {
    melbourne(secs).date_naive()
}

/// `Wed 14 Oct 14:10 AEDT`: Melbourne wall-clock time for prose.
pub fn local(secs: i64) -> String {
    melbourne(secs).format("%a %-d %b %H:%M %Z").to_string()
}

/// Melbourne wall-clock time as borg 1.x prints it in JSON under
/// `TZ=Australia/Melbourne`: naive, microseconds always zero here
/// (`2026-10-04T03:00:00.000000`).
pub fn naive_melbourne(secs: i64) -> String {
    melbourne(secs)
        .format("%Y-%m-%dT%H:%M:%S.000000")
        .to_string()
}

/// The same instant read back as if Melbourne were always `+10:00` (AEST): what a
/// tool that ignores daylight saving makes of borg's naive local times. Only
/// differences between such values mean anything.
pub fn fixed_offset_misreading(secs: i64) -> i64 {
    let offset = melbourne(secs).offset().fix().local_minus_utc();
    secs + i64::from(offset) - 10 * HOUR
}

/// Hours with two decimals (`8.00`), as SPEC §7 prints them.
pub fn hours(secs: i64) -> String {
    format!("{:.2}", secs as f64 / HOUR as f64)
}

/// Days with two decimals (`122.88`), as SPEC §7 prints them.
pub fn days(secs: i64) -> String {
    format!("{:.2}", secs as f64 / DAY as f64)
}

/// Minutes, printed with two decimals and without trailing noise (`23`, `22.93`).
pub fn minutes(secs: i64) -> String {
    if secs % MIN == 0 {
        format!("{}", secs / MIN)
    } else {
        format!("{:.2}", secs as f64 / MIN as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_2026_10_in_melbourne_is_743_hours() {
        // Both ends are local midnights; the month loses an hour to DST.
        let start = utc(2026, 9, 30, 14, 0);
        let end = utc(2026, 10, 31, 13, 0);
        assert_eq!((end - start) / HOUR, 743);
        assert_eq!(local(start), "Thu 1 Oct 00:00 AEST");
        assert_eq!(local(end), "Sun 1 Nov 00:00 AEDT");
    }

    #[test]
    fn dst_boundary() {
        assert_eq!(local(dst_start() - 1), "Sun 4 Oct 01:59 AEST");
        assert_eq!(local(dst_start()), "Sun 4 Oct 03:00 AEDT");
    }

    #[test]
    fn wall_clock_to_utc() {
        assert_eq!(melbourne_wall(2026, 10, 1, 0, 0), utc(2026, 9, 30, 14, 0));
        assert_eq!(melbourne_wall(2026, 10, 4, 1, 59), dst_start() - MIN);
        assert_eq!(melbourne_wall(2026, 10, 4, 3, 0), dst_start());
        // Inside the skipped hour: read as AEDT.
        assert_eq!(melbourne_wall(2026, 10, 4, 2, 30), dst_start() - 30 * MIN);
        assert_eq!(melbourne_wall(2026, 11, 1, 0, 0), utc(2026, 10, 31, 13, 0));
    }

    #[test]
    fn formats() {
        let t = utc(2026, 10, 14, 3, 10) + 2;
        assert_eq!(rfc3339(t), "2026-10-14T03:10:02Z");
        assert_eq!(clock_utc(t), "03:10:02Z");
        assert_eq!(minutes(23 * MIN), "23");
        assert_eq!(minutes(23 * MIN - 4), "22.93");
        assert_eq!(hours(8 * HOUR), "8.00");
        assert_eq!(days(122 * DAY + 21 * HOUR), "122.88");
    }

    #[test]
    fn borg_naive_times() {
        assert_eq!(
            naive_melbourne(utc(2026, 10, 3, 12, 0)),
            "2026-10-03T22:00:00.000000"
        );
        assert_eq!(
            naive_melbourne(utc(2026, 10, 3, 16, 0)),
            "2026-10-04T03:00:00.000000"
        );
        let misread = |t| fixed_offset_misreading(t);
        assert_eq!(
            misread(utc(2026, 10, 3, 16, 0)) - misread(utc(2026, 10, 3, 12, 0)),
            5 * HOUR
        );
    }
}
