//! `maintenance.business_hours` (SPEC §15): per service (as the windows write it; a `*`
//! window counts for subject `*` only), the minutes of its *scheduled* windows, clipped
//! to the period, that fall inside business hours. Business hours are the local
//! intervals `[start, end)` of `business_hours` on each of `business_days`, turned into
//! UTC instants in the organisation's zone, so a daylight-saving day has its real
//! length (a local time in a gap is the jump itself). Late or unannounced windows are
//! not scheduled and are not counted here: `maintenance.notice` catches them.
//! Overlapping windows of one service count their shared time once.

use chrono::{Datelike, Duration, NaiveDate};

use super::{Maintenance, Window};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::{format_duration, Policy};
use crate::error::Error;
use crate::model::columns::*;
use crate::model::{Cell, CheckId, EvidenceTable, Millis};
use crate::period::{first_instant_at_or_after, to_local, Period};

const MINUTE: f64 = 60_000.0;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let maintenance = ctx.family::<Maintenance>()?;
    let subjects = maintenance.subjects(ctx);
    if subjects.is_empty() {
        return Ok(None);
    }
    let hours = business_intervals(ctx.period, ctx.policy);
    let limit = ctx.policy.maintenance_business_hours_max as f64 / MINUTE;
    let mut output = CheckOutput::default();
    let mut table = EvidenceTable::new(&[
        SERVICE,
        START,
        END,
        MINUTES_IN_BUSINESS_HOURS,
        REFERENCE,
        PATH,
        LINE,
    ]);
    for service in subjects {
        let scheduled: Vec<&Window> = maintenance
            .of(service, ctx)
            .filter(|w| w.window.scheduled)
            .collect();
        let clipped: Vec<(Millis, Millis)> = scheduled
            .iter()
            .map(|w| {
                (
                    w.window.start.max(ctx.period.start),
                    w.window.end.min(ctx.period.end),
                )
            })
            .collect();
        let inside = overlap(&union(&clipped), &hours);
        let minutes = inside as f64 / MINUTE;
        let (from, to) = (ctx.policy.business_hours.0, ctx.policy.business_hours.1);
        let detail = format!(
            "{} of {} scheduled windows in the period fall inside business hours ({:02}:{:02}-{:02}:{:02} local); {} allowed",
            scheduled
                .iter()
                .zip(&clipped)
                .filter(|(_, span)| overlap(&[**span], &hours) > 0)
                .count(),
            scheduled.len(),
            from / 60,
            from % 60,
            to / 60,
            to % 60,
            format_duration(ctx.policy.maintenance_business_hours_max)
        );
        output.findings.push(ctx.finding(
            CheckId::MaintenanceBusinessHours,
            service,
            pass_if(minutes <= limit),
            Some(minutes),
            Some(limit),
            detail,
        ));
        for (w, &span) in scheduled.iter().zip(&clipped) {
            let inside = overlap(&[span], &hours);
            if inside == 0 {
                continue;
            }
            // Every listed window is scheduled maintenance inside business hours.
            table.push(
                vec![
                    Cell::Text(service.to_string()),
                    Cell::Time(span.0),
                    Cell::Time(span.1),
                    Cell::Minutes(inside as f64 / MINUTE),
                    Cell::Text(w.window.reference.clone()),
                    Cell::Text(w.path.clone()),
                    Cell::Count(w.line),
                ],
                minutes > limit,
            );
        }
    }
    output.evidence = Some(table);
    Ok(Some(output))
}

/// The business-hours intervals that touch the period, clipped to it, in time order.
pub fn business_intervals(period: &Period, policy: &Policy) -> Vec<(Millis, Millis)> {
    let tz = period.timezone;
    let (open, close) = policy.business_hours;
    let at = |date: NaiveDate, minutes: u32| {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        first_instant_at_or_after(midnight + Duration::minutes(i64::from(minutes)), tz)
    };
    let mut intervals = Vec::new();
    let first = to_local(period.start, tz).date_naive();
    let last = period.last_local_day();
    let mut date = first;
    while date <= last {
        if policy.business_days.contains(&date.weekday()) {
            let (start, end) = (
                at(date, open).max(period.start),
                at(date, close).min(period.end),
            );
            if start < end {
                intervals.push((start, end));
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    intervals
}

/// The union of `spans` as sorted, disjoint intervals.
fn union(spans: &[(Millis, Millis)]) -> Vec<(Millis, Millis)> {
    let mut sorted: Vec<(Millis, Millis)> = spans.iter().copied().filter(|(a, b)| a < b).collect();
    sorted.sort_unstable();
    let mut merged: Vec<(Millis, Millis)> = Vec::new();
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Milliseconds `spans` (disjoint) share with `intervals` (disjoint).
fn overlap(spans: &[(Millis, Millis)], intervals: &[(Millis, Millis)]) -> Millis {
    spans
        .iter()
        .flat_map(|&(a, b)| {
            intervals
                .iter()
                .map(move |&(c, d)| (b.min(d) - a.max(c)).max(0))
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::maintenance::testing::{family, window};
    use crate::checks::testing::Fixture;
    use crate::model::Status;

    #[test]
    fn scheduled_minutes_inside_business_hours_count_once() {
        // 2026-10-01 is a Thursday; business hours 08:00-18:00 UTC. api: 17:00-19:00
        // scheduled (60 min inside) and an overlapping 17:30-18:30 (adds nothing), plus
        // a late 09:00-10:00 (not scheduled: not counted). db: 02:00-04:00 (0 min).
        let windows = vec![
            window("api", 17.0, 19.0, Some(72.0)),
            window("api", 17.5, 18.5, Some(72.0)),
            window("api", 9.0, 10.0, Some(1.0)),
            window("db", 2.0, 4.0, Some(72.0)),
        ];
        let fixture = Fixture::day();
        let ctx = fixture.ctx().with_family(family(windows));
        let output = super::run(&ctx).expect("runs").expect("subjects");
        let by = |s: &str| {
            output
                .findings
                .iter()
                .find(|f| f.subject == s)
                .expect("row")
        };
        assert_eq!(
            (by("api").measured, by("api").status),
            (Some(60.0), Status::Fail)
        );
        assert_eq!(
            (by("db").measured, by("db").status),
            (Some(0.0), Status::Pass)
        );
    }

    #[test]
    fn a_daylight_saving_day_has_its_real_length() {
        // Melbourne, Sunday 2026-10-04: clocks go from 02:00 to 03:00. Business hours
        // 01:00-04:00 every day are then 2 real hours.
        let mut fixture = Fixture::day();
        fixture.period = Period::range("2026-10-04", "2026-10-04", chrono_tz::Australia::Melbourne)
            .expect("period");
        fixture.policy.business_hours = (60, 240);
        fixture.policy.business_days = vec![chrono::Weekday::Sun];
        let hours = business_intervals(&fixture.period, &fixture.policy);
        assert_eq!(hours.len(), 1);
        assert_eq!(hours[0].1 - hours[0].0, 2 * 3_600_000);
    }

    #[test]
    fn weekends_are_outside_business_hours() {
        let mut fixture = Fixture::day();
        fixture.period =
            Period::range("2026-10-03", "2026-10-04", chrono_tz::UTC).expect("Sat and Sun");
        assert!(business_intervals(&fixture.period, &fixture.policy).is_empty());
    }
}

#[cfg(test)]
mod month_tests {
    use super::*;
    use crate::checks::testing::Fixture;

    #[test]
    fn a_month_starts_with_its_first_business_day() {
        let mut fixture = Fixture::day();
        fixture.period =
            Period::month("2026-10", chrono_tz::Australia::Melbourne).expect("October");
        let hours = business_intervals(&fixture.period, &fixture.policy);
        // Thursday 1 October 08:00 AEST (+10) = 2026-09-30T22:00Z; 22 weekdays.
        assert_eq!(
            crate::period::format_utc(hours[0].0),
            "2026-09-30T22:00:00Z"
        );
        assert_eq!(hours.len(), 22);
    }
}
