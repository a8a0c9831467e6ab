//! `uptime.trailing_availability` (SPEC §15): per service, §7's availability over the
//! trailing window `[period end − trailing_months calendar months, period end)` in the
//! organisation's zone, with the scheduled windows of the maintenance inputs over the
//! same range, against `trailing_uptime_target_percent`.
//!
//! Time before the service's first sample is no data; the detail gives the covered
//! share of the window, `100 × measured / (window − scheduled)` (the §7 coverage
//! formula over the window). A window with nothing measured is `not_evaluated`.
//! Evidence: one row per service with the window and its totals; a failing row offends.

use super::Uptime;
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::format_duration;
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};
use crate::period::format_local;

const COLUMNS: [&str; 10] = [
    columns::SERVICE,
    columns::START,
    columns::END,
    columns::FIRST_SAMPLE,
    columns::DOWN_SECONDS,
    columns::NO_DATA_SECONDS,
    columns::SCHEDULED_SECONDS,
    columns::MEASURED_SECONDS,
    columns::AVAILABILITY_PERCENT,
    columns::COVERED_PERCENT,
];

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let uptime = ctx.family::<Uptime>()?;
    if !uptime.probed {
        return Ok(None);
    }
    let target = ctx.policy.trailing_uptime_target_percent;
    let tz = ctx.organisation.timezone;
    let mut output = CheckOutput::default();
    let mut evidence = EvidenceTable::new(&COLUMNS);
    for service in &uptime.services {
        let name = &service.figures.service;
        let trailing = &service.figures.trailing;
        let window = format!(
            "{} months from {} to {}",
            trailing.months,
            format_local(trailing.from, tz),
            format_local(trailing.to, tz)
        );
        let (status, detail) = match (trailing.availability, trailing.coverage) {
            (Some(availability), coverage) => (
                pass_if(availability >= target),
                format!(
                    "down {} over {} measured in the {window}; covered {:.4}% of the window outside scheduled maintenance{}",
                    format_duration(trailing.down_ms),
                    format_duration(trailing.measured_ms),
                    coverage.unwrap_or_default(),
                    trailing
                        .first_sample
                        .filter(|&first| first > trailing.from)
                        .map(|first| format!("; first sample {}", format_local(first, tz)))
                        .unwrap_or_default(),
                ),
            ),
            (None, _) => (
                Status::NotEvaluated,
                format!("no monitored time in the {window}: no location had data"),
            ),
        };
        let optional = |value: Option<f64>| value.map_or(Cell::Empty, Cell::Percent);
        evidence.push(
            vec![
                Cell::Text(name.clone()),
                Cell::Time(trailing.from),
                Cell::Time(trailing.to),
                trailing.first_sample.map_or(Cell::Empty, Cell::Time),
                Cell::Seconds(trailing.down_ms),
                Cell::Seconds(trailing.no_data_ms),
                Cell::Seconds(trailing.scheduled_ms),
                Cell::Seconds(trailing.measured_ms),
                optional(trailing.availability),
                optional(trailing.coverage),
            ],
            status == Status::Fail,
        );
        output.findings.push(ctx.finding(
            CheckId::UptimeTrailingAvailability,
            name,
            status,
            trailing.availability,
            Some(target),
            detail,
        ));
    }
    output.evidence = Some(evidence);
    Ok(Some(output))
}

#[cfg(test)]
mod tests {
    use crate::period::Period;

    #[test]
    fn the_window_starts_in_local_calendar_months_before_the_end() {
        let melbourne: chrono_tz::Tz = "Australia/Melbourne".parse().expect("zone");
        let period = Period::month("2026-10", melbourne).expect("period");
        // 2026-11-01 00:00 AEDT (+11) back 12 months: 2025-11-01 00:00 AEDT.
        assert_eq!(
            crate::period::format_utc(period.months_before_end(12)),
            "2025-10-31T13:00:00Z"
        );
        // Back 1 month: 2026-10-01 00:00 AEST (+10), the period's own start.
        assert_eq!(period.months_before_end(1), period.start);
        // A range ending on the 31st: back one month there is no 31st, chrono clamps.
        let range = Period::range("2026-03-01", "2026-03-30", chrono_tz::UTC).expect("range");
        assert_eq!(
            crate::period::format_utc(range.months_before_end(1)),
            "2026-02-28T00:00:00Z"
        );
    }
}
