//! `capacity.headroom` (SPEC §15): per cluster, the peak load on the hosts left after
//! losing `capacity_margin_hosts`, in percent of one host.
//!
//! Samples of `capacity_resource` are grouped by their time rounded down to a multiple
//! of `capacity_step` from the Unix epoch (t); a host with several samples in one step
//! counts its latest. n(t) is the hosts with a sample at t, D(t) the sum of their
//! `used_percent`, and the value at t is D(t) / (n(t) − m). Measured is the maximum over
//! the t in the period; an instant with n(t) ≤ m fails the cluster with an empty
//! measured value, naming the first such t.

use std::collections::BTreeMap;

use super::{by_cluster, Sample, Series, Utilization};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::{
    columns, Cell, CheckId, ClusterCapacity, DailyPeak, EvidenceTable, Millis, Status,
};
use crate::period::format_utc;

/// One rounded instant of a cluster: how many hosts had a sample, and their load sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub time: Millis,
    pub hosts: u32,
    pub load_sum: f64,
}

/// What a cluster measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Headroom {
    /// No sample in the period.
    NoSample,
    /// The first instant with no more hosts than the margin.
    Short(Step),
    /// The worst instant (the earliest of equals) and its value.
    Peak(Step, f64),
}

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let utilization = ctx.family::<Utilization>()?;
    let resource = ctx.policy.capacity_resource.as_str();
    let clusters = by_cluster(utilization.of(resource));
    if clusters.is_empty() {
        return Ok(None);
    }
    let margin = ctx.policy.capacity_margin_hosts;
    let step = ctx.policy.capacity_step;
    let target = ctx.policy.capacity_failover_max_percent;
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for (cluster, series) in &clusters {
        let hosts = by_host(series);
        let steps = steps(&hosts, step, ctx.period.start, ctx.period.end);
        let headroom = measure(&steps, margin);
        let finding = |status, measured, detail| {
            ctx.finding(
                CheckId::CapacityHeadroom,
                cluster,
                status,
                measured,
                Some(target),
                detail,
            )
        };
        let (finding, worst) = match headroom {
            Headroom::NoSample => (
                finding(
                    Status::NotEvaluated,
                    None,
                    format!("no `{resource}` sample in the period"),
                ),
                None,
            ),
            Headroom::Short(at) => (
                finding(
                    Status::Fail,
                    None,
                    format!(
                        "at {} only {} of {} hosts had a `{resource}` sample: no more than the margin of {margin} hosts",
                        format_utc(at.time),
                        at.hosts,
                        hosts.len()
                    ),
                ),
                Some((at, None)),
            ),
            Headroom::Peak(at, value) => (
                finding(
                    pass_if(value <= target),
                    Some(value),
                    format!(
                        "peak {value:.4}% of one host at {}: load {:.4}% on {} hosts, {} left after losing {margin}",
                        format_utc(at.time),
                        at.load_sum,
                        at.hosts,
                        at.hosts - margin
                    ),
                ),
                Some((at, Some(value))),
            ),
        };
        output.findings.push(finding);
        if let Some((at, value)) = worst {
            for (host, sample) in samples_at(&hosts, at.time, step) {
                let (path, line) = utilization.origin(sample);
                rows.push(vec![
                    Cell::Text(cluster.to_string()),
                    Cell::Time(at.time),
                    Cell::Count(u64::from(at.hosts)),
                    Cell::Percent(at.load_sum),
                    value.map_or(Cell::Empty, Cell::Percent),
                    Cell::Text(host.to_string()),
                    Cell::Time(sample.time),
                    Cell::Percent(sample.used_percent),
                    Cell::Text(path),
                    Cell::Count(line),
                ]);
            }
        }
    }
    // The workings of each cluster's figure: the finding judges, no row offends alone.
    output.evidence = Some(EvidenceTable::unjudged(
        &[
            columns::CLUSTER,
            columns::TIME,
            columns::HOSTS_SAMPLED,
            columns::LOAD_SUM_PERCENT,
            columns::SURVIVOR_LOAD_PERCENT,
            columns::HOST,
            columns::SAMPLED_AT,
            columns::USED_PERCENT,
            columns::PATH,
            columns::LINE,
        ],
        rows,
    ));
    Ok(Some(output))
}

/// A cluster's samples per host (a host's mounts, for `disk`, taken together), by host.
/// Each cluster's daily figure for the PDF: per local day of the period, the highest
/// value D(t) / (n(t) − m) of its instants with more hosts than the margin, and whether
/// it is over the limit (the check's own comparison).
pub fn daily(ctx: &CheckCtx<'_>) -> Result<Vec<ClusterCapacity>, Error> {
    let utilization = ctx.family::<Utilization>()?;
    let clusters = by_cluster(utilization.of(ctx.policy.capacity_resource.as_str()));
    let margin = ctx.policy.capacity_margin_hosts;
    let limit = ctx.policy.capacity_failover_max_percent;
    let days = ctx.period.local_days();
    Ok(clusters
        .iter()
        .map(|(cluster, series)| {
            let hosts = by_host(series);
            let steps = steps(
                &hosts,
                ctx.policy.capacity_step,
                ctx.period.start,
                ctx.period.end,
            );
            let daily = days
                .iter()
                .map(|(date, start, end)| {
                    let peak = steps
                        .iter()
                        .filter(|s| s.time >= *start && s.time < *end && s.hosts > margin)
                        .map(|s| s.load_sum / f64::from(s.hosts - margin))
                        .fold(None, |peak: Option<f64>, value| {
                            Some(peak.map_or(value, |p| p.max(value)))
                        });
                    DailyPeak {
                        date: date.format("%Y-%m-%d").to_string(),
                        peak,
                        over_limit: peak.is_some_and(|p| p > limit),
                    }
                })
                .collect();
            ClusterCapacity {
                cluster: cluster.to_string(),
                daily,
            }
        })
        .collect())
}

fn by_host<'a>(series: &[&'a Series]) -> Vec<(&'a str, Vec<Sample>)> {
    let mut hosts: BTreeMap<&str, Vec<Sample>> = BTreeMap::new();
    for one in series {
        hosts
            .entry(one.host.as_str())
            .or_default()
            .extend_from_slice(&one.samples);
    }
    let mut hosts: Vec<(&str, Vec<Sample>)> = hosts.into_iter().collect();
    for (_, samples) in &mut hosts {
        samples.sort_by_key(|s| (s.time, s.row));
    }
    hosts
}

/// The step a time falls in: rounded down to a multiple of `step` from the epoch.
fn step_of(time: Millis, step: Millis) -> Millis {
    time - time.rem_euclid(step)
}

/// Each host's latest sample per step, for the steps in `[start, end)`.
fn latest_per_step(
    samples: &[Sample],
    step: Millis,
    start: Millis,
    end: Millis,
) -> impl Iterator<Item = (Millis, &Sample)> {
    samples
        .iter()
        .enumerate()
        .filter(move |(i, sample)| {
            // Samples are in time order, so a step's latest is the last of its run.
            let t = step_of(sample.time, step);
            let last_of_step = samples
                .get(i + 1)
                .is_none_or(|next| step_of(next.time, step) != t);
            last_of_step && t >= start && t < end
        })
        .map(move |(_, sample)| (step_of(sample.time, step), sample))
}

/// n(t) and D(t) for every t in `[start, end)` where a host has a sample, in time order.
pub fn steps(hosts: &[(&str, Vec<Sample>)], step: Millis, start: Millis, end: Millis) -> Vec<Step> {
    let mut by_time: BTreeMap<Millis, (u32, f64)> = BTreeMap::new();
    for (_, samples) in hosts {
        for (t, sample) in latest_per_step(samples, step, start, end) {
            let entry = by_time.entry(t).or_insert((0, 0.0));
            entry.0 += 1;
            entry.1 += sample.used_percent;
        }
    }
    by_time
        .into_iter()
        .map(|(time, (hosts, load_sum))| Step {
            time,
            hosts,
            load_sum,
        })
        .collect()
}

/// The cluster's measure over its steps (SPEC §15).
pub fn measure(steps: &[Step], margin: u32) -> Headroom {
    if let Some(short) = steps.iter().find(|s| s.hosts <= margin) {
        return Headroom::Short(*short);
    }
    let mut worst: Option<(Step, f64)> = None;
    for step in steps {
        let value = step.load_sum / f64::from(step.hosts - margin);
        if worst.is_none_or(|(_, peak)| value > peak) {
            worst = Some((*step, value));
        }
    }
    match worst {
        Some((step, value)) => Headroom::Peak(step, value),
        None => Headroom::NoSample,
    }
}

/// Each host's counted sample at step `t`, by host.
fn samples_at<'a>(
    hosts: &'a [(&'a str, Vec<Sample>)],
    t: Millis,
    step: Millis,
) -> Vec<(&'a str, &'a Sample)> {
    hosts
        .iter()
        .filter_map(|(host, samples)| {
            let after = samples.partition_point(|s| s.time < t + step);
            let sample = samples[..after].last()?;
            (step_of(sample.time, step) == t).then_some((*host, sample))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::capacity::Series;
    use crate::checks::testing::Fixture;

    const M: Millis = 60_000;

    fn sample(time: Millis, used_percent: f64, row: u32) -> Sample {
        Sample {
            time,
            used_percent,
            row,
            file: 0,
            line: u64::from(row) + 2,
        }
    }

    fn series(cluster: &str, host: &str, samples: Vec<Sample>) -> Series {
        Series {
            resource: "cpu".to_string(),
            cluster: cluster.to_string(),
            host: host.to_string(),
            mount: String::new(),
            samples,
        }
    }

    fn run_on(fixture: &Fixture, series: Vec<Series>) -> CheckOutput {
        let ctx = fixture.ctx().with_family(Utilization {
            series,
            files: vec!["utilization.csv".to_string()],
        });
        run(&ctx).expect("runs").expect("has subjects")
    }

    #[test]
    fn a_host_with_two_samples_in_a_step_counts_its_latest_and_steps_start_at_the_epoch() {
        let fixture = Fixture::day();
        let t0 = fixture.period.start;
        let hosts = vec![
            (
                "a",
                vec![sample(t0 + 5_000, 10.0, 0), sample(t0 + 59_999, 30.0, 1)],
            ),
            (
                "b",
                vec![sample(t0 + 2_000, 50.0, 2), sample(t0 + M, 70.0, 3)],
            ),
        ];
        let found = steps(&hosts, M, t0, t0 + 24 * 60 * M);
        assert_eq!(
            found,
            vec![
                Step {
                    time: t0,
                    hosts: 2,
                    load_sum: 80.0
                },
                Step {
                    time: t0 + M,
                    hosts: 1,
                    load_sum: 70.0
                },
            ]
        );
    }

    #[test]
    fn steps_outside_the_period_are_not_counted() {
        let fixture = Fixture::day();
        let t0 = fixture.period.start;
        let end = fixture.period.end;
        // 30 s before the period rounds to a step before it.
        let hosts = vec![(
            "a",
            vec![sample(t0 - 30_000, 99.0, 0), sample(end - 1, 5.0, 1)],
        )];
        let found = steps(&hosts, M, t0, end);
        assert_eq!(
            found,
            vec![Step {
                time: end - M,
                hosts: 1,
                load_sum: 5.0
            }]
        );
    }

    #[test]
    fn the_peak_is_the_earliest_of_equal_values_and_the_bound_is_inclusive() {
        let fixture = Fixture::day();
        let t0 = fixture.period.start;
        // Four hosts, margin 2: value = D / 2. 200 / 2 = 100, exactly the default bound.
        let output = run_on(
            &fixture,
            ["a", "b", "c", "d"]
                .iter()
                .enumerate()
                .map(|(i, host)| {
                    series(
                        "web",
                        host,
                        vec![
                            sample(t0, 50.0, i as u32),
                            sample(t0 + M, 50.0, 4 + i as u32),
                        ],
                    )
                })
                .collect(),
        );
        let finding = &output.findings[0];
        assert_eq!(finding.status, Status::Pass);
        assert_eq!(finding.measured, Some(100.0));
        assert!(
            finding.detail.contains("at 2026-10-01T00:00:00Z"),
            "{}",
            finding.detail
        );
        let evidence = output.evidence.expect("evidence");
        assert_eq!(evidence.rows.len(), 4);
    }

    #[test]
    fn a_cluster_no_larger_than_its_margin_fails_without_a_measure() {
        let fixture = Fixture::day();
        let t0 = fixture.period.start;
        let output = run_on(
            &fixture,
            vec![
                series(
                    "db",
                    "a",
                    vec![sample(t0, 10.0, 0), sample(t0 + M, 10.0, 1)],
                ),
                series("db", "b", vec![sample(t0, 10.0, 2)]),
                series("db", "c", vec![sample(t0, 10.0, 3)]),
            ],
        );
        let finding = &output.findings[0];
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.measured, None);
        assert!(
            finding
                .detail
                .starts_with("at 2026-10-01T00:01:00Z only 1 of 3 hosts"),
            "{}",
            finding.detail
        );
    }

    #[test]
    fn a_cluster_without_a_sample_in_the_period_is_not_evaluated() {
        let fixture = Fixture::day();
        let t0 = fixture.period.start;
        let output = run_on(
            &fixture,
            vec![series("old", "a", vec![sample(t0 - M, 10.0, 0)])],
        );
        assert_eq!(output.findings[0].status, Status::NotEvaluated);
    }

    #[test]
    fn no_sample_of_the_resource_is_no_subject() {
        let fixture = Fixture::day();
        let ctx = fixture.ctx().with_family(Utilization::default());
        assert!(run(&ctx).expect("runs").is_none());
    }
}
