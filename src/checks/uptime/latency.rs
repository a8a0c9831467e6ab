//! `uptime.latency` (SPEC §15): per service, the p95 latency of its up samples with a
//! latency value, of every location, whose time is in the period and not inside a
//! scheduled window of the service (or of `*`), against `latency_p95_max`.
//!
//! Percentiles are nearest-rank: sort ascending, take the value at rank ⌈p × n⌉
//! (1-based). The rank is computed in integers (`⌈95 n / 100⌉`), so that 0.95 × 20,
//! which is 19.000000000000004 in floating point, is rank 19 and not 20.
//!
//! A service with probes but no latency value anywhere is `not_evaluated`, and so is
//! one whose latency values all fall outside the period, on down samples or inside
//! scheduled windows (n = 0). Evidence: one row per service with n, p50, p95, p99, the
//! maximum and how many samples scheduled windows took out; a row over the target
//! offends.

use super::Uptime;
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::{
    columns, Cell, CheckId, DailyLatency, EvidenceTable, Millis, ServiceLatency, Status,
};
use crate::period::Period;

const COLUMNS: [&str; 7] = [
    columns::SERVICE,
    columns::SAMPLES,
    columns::P50_MS,
    columns::P95_MS,
    columns::P99_MS,
    columns::MAX_MS,
    columns::EXCLUDED_SCHEDULED,
];

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let uptime = ctx.family::<Uptime>()?;
    if !uptime.probed {
        return Ok(None);
    }
    let target = ctx.policy.latency_p95_max as f64;
    let mut output = CheckOutput::default();
    let mut evidence = EvidenceTable::new(&COLUMNS);
    for service in &uptime.services {
        let name = &service.figures.service;
        let (status, measured, detail) = match &service.figures.latency {
            Some(latency) => {
                evidence.push(
                    vec![
                        Cell::Text(name.clone()),
                        Cell::Count(latency.n),
                        Cell::Milliseconds(latency.p50),
                        Cell::Milliseconds(latency.p95),
                        Cell::Milliseconds(latency.p99),
                        Cell::Milliseconds(latency.max),
                        Cell::Count(service.latency_excluded),
                    ],
                    latency.p95 > target,
                );
                (
                    pass_if(latency.p95 <= target),
                    Some(latency.p95),
                    format!(
                        "p95 {:.2} ms of {} up sample{}; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms{}",
                        latency.p95,
                        latency.n,
                        if latency.n == 1 { "" } else { "s" },
                        latency.p50,
                        latency.p99,
                        latency.max,
                        excluded(service.latency_excluded),
                    ),
                )
            }
            None if !service.has_latency => (
                Status::NotEvaluated,
                None,
                "the probes carry no latency values".to_string(),
            ),
            None => (
                Status::NotEvaluated,
                None,
                format!(
                    "no up sample with a latency value in the period outside scheduled maintenance{}",
                    excluded(service.latency_excluded)
                ),
            ),
        };
        output.findings.push(ctx.finding(
            CheckId::UptimeLatency,
            name,
            status,
            measured,
            Some(target),
            detail,
        ));
    }
    output.evidence = Some(evidence);
    Ok(Some(output))
}

fn excluded(count: u64) -> String {
    match count {
        0 => String::new(),
        1 => "; 1 sample inside scheduled maintenance left out".to_string(),
        n => format!("; {n} samples inside scheduled maintenance left out"),
    }
}

/// The latency figures of one service from its locations' `(time, ms)` values (up
/// samples in the period), leaving out those inside `scheduled` windows `[start, end)`;
/// with how many were left out.
pub(super) fn figures(
    mut values: Vec<(Millis, f64)>,
    scheduled: &[(Millis, Millis)],
    period: &Period,
) -> (Option<ServiceLatency>, u64) {
    let before = values.len();
    values.retain(|&(time, _)| !scheduled.iter().any(|&(s, e)| s <= time && time < e));
    let excluded = (before - values.len()) as u64;
    if values.is_empty() {
        return (None, excluded);
    }
    values.sort_by_key(|&(time, _)| time);
    let daily = period
        .local_days()
        .into_iter()
        .filter_map(|(date, start, end)| {
            let from = values.partition_point(|&(t, _)| t < start);
            let to = values.partition_point(|&(t, _)| t < end);
            let mut day: Vec<f64> = values[from..to].iter().map(|&(_, ms)| ms).collect();
            day.sort_by(f64::total_cmp);
            Some(DailyLatency {
                date: date.format("%Y-%m-%d").to_string(),
                n: day.len() as u64,
                p50: nearest_rank(&day, 50)?,
                p95: nearest_rank(&day, 95)?,
            })
        })
        .collect();
    let mut all: Vec<f64> = values.into_iter().map(|(_, ms)| ms).collect();
    all.sort_by(f64::total_cmp);
    let latency = ServiceLatency {
        n: all.len() as u64,
        p50: nearest_rank(&all, 50).unwrap_or_default(),
        p95: nearest_rank(&all, 95).unwrap_or_default(),
        p99: nearest_rank(&all, 99).unwrap_or_default(),
        max: all.last().copied().unwrap_or_default(),
        daily,
    };
    (Some(latency), excluded)
}

/// The nearest-rank `percent` percentile of ascending `sorted`: the value at 1-based
/// rank ⌈percent × n / 100⌉. `None` when empty.
pub(super) fn nearest_rank(sorted: &[f64], percent: usize) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (percent * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_takes_the_ceiling_in_exact_arithmetic() {
        let twenty: Vec<f64> = (1..=20).map(f64::from).collect();
        // ⌈0.95 × 20⌉ = 19 exactly (floating point would say 19.000000000000004 → 20).
        assert_eq!(nearest_rank(&twenty, 95), Some(19.0));
        assert_eq!(nearest_rank(&twenty, 50), Some(10.0));
        assert_eq!(nearest_rank(&twenty, 99), Some(20.0));
        let seven: Vec<f64> = (1..=7).map(f64::from).collect();
        // ⌈0.95 × 7⌉ = ⌈6.65⌉ = 7; ⌈0.5 × 7⌉ = 4.
        assert_eq!(nearest_rank(&seven, 95), Some(7.0));
        assert_eq!(nearest_rank(&seven, 50), Some(4.0));
        assert_eq!(nearest_rank(&[42.0], 95), Some(42.0));
        assert_eq!(nearest_rank(&[], 95), None);
    }

    #[test]
    fn samples_inside_a_scheduled_window_are_left_out_and_counted() {
        let tz: chrono_tz::Tz = "UTC".parse().expect("zone");
        let period = Period::month("2026-10", tz).expect("period");
        let t = |minutes: i64| period.start + minutes * 60_000;
        let values = vec![(t(0), 10.0), (t(10), 500.0), (t(20), 30.0), (t(30), 20.0)];
        // [t(10), t(20)): the sample at t(10) is inside, the one at t(20) is not.
        let (latency, excluded) = figures(values, &[(t(10), t(20))], &period);
        let latency = latency.expect("three values left");
        assert_eq!(excluded, 1);
        assert_eq!(latency.n, 3);
        assert_eq!((latency.p50, latency.p95, latency.max), (20.0, 30.0, 30.0));
        assert_eq!(latency.daily.len(), 1);
        assert_eq!(latency.daily[0].date, "2026-10-01");

        let (none, excluded) = figures(vec![(t(15), 1.0)], &[(t(10), t(20))], &period);
        assert_eq!((none, excluded), (None, 1));
    }
}
