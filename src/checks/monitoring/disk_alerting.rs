//! `monitoring.disk_alerting` (SPEC §15): per host, the disk breaches starting in the
//! period without a timely alert.
//!
//! For each host and mount, a breach is a maximal run of consecutive `disk` samples (in
//! time order) above `disk_alert_threshold_percent`; it starts at the run's first sample
//! and ends at the next sample at or below the threshold. It is alerted when an alert on
//! the host (named in `disk_alert_names`, when that is not empty) started at or before
//! breach start + `disk_alert_delay_max` and had not resolved before the breach start —
//! an alert already firing counts. Without an `alerts` input each host is
//! `not_evaluated`, naming the missing input (SPEC §7).

use std::collections::BTreeMap;

use crate::checks::capacity::{Sample, Series, Utilization, DISK};
use crate::checks::{frame, pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Millis, Status};

/// One alert, as the check reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub name: String,
    pub target: String,
    pub started: Millis,
    pub resolved: Option<Millis>,
}

/// A run of samples above the threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Breach {
    /// The run's first sample.
    pub first: Sample,
    /// The first sample back at or below the threshold; `None`: still above at the end.
    pub end: Option<Millis>,
    pub peak_percent: f64,
}

/// How a breach was alerted.
#[derive(Debug, Clone, PartialEq)]
pub enum Alerting<'a> {
    /// An alert started within the delay after the breach start.
    OnTime(&'a Alert),
    /// An alert started before the breach and was still firing at its start.
    AlreadyFiring(&'a Alert),
    /// The first alert on the host after the delay.
    Late(&'a Alert),
    Never,
}

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let utilization = ctx.family::<Utilization>()?;
    let mut hosts: BTreeMap<&str, Vec<&Series>> = BTreeMap::new();
    for series in utilization.of(DISK) {
        hosts.entry(series.host.as_str()).or_default().push(series);
    }
    if hosts.is_empty() {
        return Ok(None);
    }
    let alerts = match ctx.tables.get(InputKind::Alerts) {
        Some(frame) => Some(read_alerts(frame)?),
        None => None,
    };
    let threshold = ctx.policy.disk_alert_threshold_percent;
    let delay = ctx.policy.disk_alert_delay_max;
    let names = &ctx.policy.disk_alert_names;
    let mut output = CheckOutput::default();
    let mut evidence = EvidenceTable::new(&[
        columns::HOST,
        columns::MOUNT,
        columns::START,
        columns::END,
        columns::PEAK_USED_PERCENT,
        columns::ALERT,
        columns::ALERT_STARTED_AT,
        columns::NOTE,
        columns::PATH,
        columns::LINE,
    ]);
    for (host, series) in &hosts {
        let mut breaches = 0u64;
        let mut unalerted = 0u64;
        for one in series {
            for breach in breaches_of(&one.samples, threshold) {
                if breach.first.time < ctx.period.start {
                    continue;
                }
                breaches += 1;
                let alerting = alerts.as_ref().map(|alerts| {
                    let on_host = alerts
                        .iter()
                        .filter(|a| a.target == *host)
                        .filter(|a| names.is_empty() || names.contains(&a.name));
                    alerting(on_host, &breach, delay)
                });
                let (alert, alert_started, note) = match &alerting {
                    Some(Alerting::OnTime(a)) => (
                        a.name.clone(),
                        Cell::Time(a.started),
                        "alerted on time".to_string(),
                    ),
                    Some(Alerting::AlreadyFiring(a)) => (
                        a.name.clone(),
                        Cell::Time(a.started),
                        "alert already firing at the breach start".to_string(),
                    ),
                    Some(Alerting::Late(a)) => (
                        String::new(),
                        Cell::Time(a.started),
                        format!(
                            "late: {} started {} after the breach start, more than {}",
                            a.name,
                            crate::config::format_duration(a.started - breach.first.time),
                            crate::config::format_duration(delay)
                        ),
                    ),
                    Some(Alerting::Never) => (String::new(), Cell::Empty, "no alert".to_string()),
                    None => (
                        String::new(),
                        Cell::Empty,
                        "no `alerts` input declared".to_string(),
                    ),
                };
                // A breach offends without a timely alert; without an `alerts` input
                // it is not judged.
                let offending = matches!(alerting, Some(Alerting::Late(_) | Alerting::Never));
                if offending {
                    unalerted += 1;
                }
                let (path, line) = utilization.origin(&breach.first);
                evidence.push(
                    vec![
                        Cell::Text(host.to_string()),
                        Cell::Text(one.mount.clone()),
                        Cell::Time(breach.first.time),
                        breach.end.map_or(Cell::Empty, Cell::Time),
                        Cell::Percent(breach.peak_percent),
                        Cell::Text(alert),
                        alert_started,
                        Cell::Text(note),
                        Cell::Text(path),
                        Cell::Count(line),
                    ],
                    offending,
                );
            }
        }
        let finding = |status, measured: Option<u64>, detail| {
            ctx.finding(
                CheckId::MonitoringDiskAlerting,
                host,
                status,
                measured.map(|n| n as f64),
                Some(0.0),
                detail,
            )
        };
        output.findings.push(if alerts.is_none() {
            // SPEC §7: the subjects are here, the second input kind is not.
            finding(
                Status::NotEvaluated,
                None,
                format!(
                    "no `alerts` input declared: {breaches} disk breaches above {threshold}% in the period cannot be matched to alerts"
                ),
            )
        } else if breaches == 0 {
            finding(
                Status::Pass,
                Some(0),
                format!("no disk breach above {threshold}% in the period"),
            )
        } else {
            finding(
                pass_if(unalerted == 0),
                Some(unalerted),
                format!(
                    "{unalerted} of {breaches} disk breaches above {threshold}% without an alert within {}",
                    crate::config::format_duration(delay)
                ),
            )
        });
    }
    output.evidence = Some(evidence);
    Ok(Some(output))
}

/// The breaches of one host's mount, in time order; `samples` are in time order.
pub fn breaches_of(samples: &[Sample], threshold: f64) -> Vec<Breach> {
    let mut breaches = Vec::new();
    let mut open: Option<Breach> = None;
    for sample in samples {
        if sample.used_percent > threshold {
            match &mut open {
                Some(breach) => breach.peak_percent = breach.peak_percent.max(sample.used_percent),
                None => {
                    open = Some(Breach {
                        first: *sample,
                        end: None,
                        peak_percent: sample.used_percent,
                    })
                }
            }
        } else if let Some(mut breach) = open.take() {
            breach.end = Some(sample.time);
            breaches.push(breach);
        }
    }
    breaches.extend(open);
    breaches
}

/// How `breach` was alerted, among the alerts that may count. A late alert is one that
/// started while the breach lasted.
pub fn alerting<'a>(
    alerts: impl Iterator<Item = &'a Alert>,
    breach: &Breach,
    delay: Millis,
) -> Alerting<'a> {
    let start = breach.first.time;
    let mut firing: Option<&Alert> = None;
    let mut on_time: Option<&Alert> = None;
    let mut late: Option<&Alert> = None;
    for alert in alerts {
        if alert.resolved.is_some_and(|r| r < start) {
            continue;
        }
        let earliest = |best: Option<&'a Alert>| {
            Some(match best {
                Some(best) if best.started <= alert.started => best,
                _ => alert,
            })
        };
        if alert.started <= start {
            firing = earliest(firing);
        } else if alert.started <= start + delay {
            on_time = earliest(on_time);
        } else if breach.end.is_none_or(|end| alert.started < end) {
            late = earliest(late);
        }
    }
    match (on_time, firing, late) {
        (Some(alert), _, _) => Alerting::OnTime(alert),
        (None, Some(alert), _) => Alerting::AlreadyFiring(alert),
        (None, None, Some(alert)) => Alerting::Late(alert),
        (None, None, None) => Alerting::Never,
    }
}

fn read_alerts(frame: &polars::prelude::DataFrame) -> Result<Vec<Alert>, Error> {
    let names = frame::texts(frame, "alert")?;
    let targets = frame::texts(frame, "target")?;
    let started = frame::times(frame, "started_at")?;
    let resolved = frame::times(frame, "resolved_at")?;
    Ok((0..frame.height())
        .filter_map(|i| {
            Some(Alert {
                name: names[i].clone()?,
                target: targets[i].clone()?,
                started: started[i]?,
                resolved: resolved[i],
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const M: Millis = 60_000;

    fn samples(values: &[(Millis, f64)]) -> Vec<Sample> {
        values
            .iter()
            .enumerate()
            .map(|(row, &(time, used_percent))| Sample {
                time,
                used_percent,
                row: row as u32,
                file: 0,
                line: row as u64 + 2,
            })
            .collect()
    }

    fn alert(name: &str, started: Millis, resolved: Option<Millis>) -> Alert {
        Alert {
            name: name.to_string(),
            target: "db-1".to_string(),
            started,
            resolved,
        }
    }

    #[test]
    fn a_breach_is_a_maximal_run_strictly_above_the_threshold() {
        let found = breaches_of(
            &samples(&[
                (0, 85.0),
                (M, 86.0),
                (2 * M, 90.0),
                (3 * M, 85.0),
                (4 * M, 99.0),
            ]),
            85.0,
        );
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].first.time, found[0].end), (M, Some(3 * M)));
        assert_eq!(found[0].peak_percent, 90.0);
        assert_eq!((found[1].first.time, found[1].end), (4 * M, None));
    }

    #[test]
    fn an_alert_exactly_at_the_delay_is_on_time_and_one_after_is_late() {
        let breach = breaches_of(&samples(&[(0, 90.0), (60 * M, 10.0)]), 85.0)[0];
        let delay = 15 * M;
        let on_time = [alert("DiskFull", 15 * M, None)];
        assert!(matches!(
            alerting(on_time.iter(), &breach, delay),
            Alerting::OnTime(_)
        ));
        let late = [alert("DiskFull", 15 * M + 1, None)];
        assert!(matches!(
            alerting(late.iter(), &breach, delay),
            Alerting::Late(_)
        ));
        // An alert after the breach ended is not about it.
        let after = [alert("DiskFull", 60 * M, None)];
        assert_eq!(alerting(after.iter(), &breach, delay), Alerting::Never);
    }

    #[test]
    fn an_alert_firing_at_the_breach_start_counts_and_one_resolved_before_does_not() {
        let breach = breaches_of(&samples(&[(10 * M, 90.0)]), 85.0)[0];
        let firing = [alert("DiskFull", 0, Some(10 * M))];
        assert!(matches!(
            alerting(firing.iter(), &breach, 15 * M),
            Alerting::AlreadyFiring(_)
        ));
        let resolved = [alert("DiskFull", 0, Some(10 * M - 1))];
        assert_eq!(alerting(resolved.iter(), &breach, 15 * M), Alerting::Never);
    }

    #[test]
    fn without_an_alerts_input_each_host_is_not_evaluated_naming_it() {
        let fixture = crate::checks::testing::Fixture::day();
        let t0 = fixture.period.start;
        let series = |host: &str, values: &[(Millis, f64)]| Series {
            resource: DISK.to_string(),
            cluster: "default".to_string(),
            host: host.to_string(),
            mount: "/".to_string(),
            samples: samples(values),
        };
        let ctx = fixture.ctx().with_family(Utilization {
            series: vec![
                series("db-1", &[(t0, 90.0)]),
                series("web-1", &[(t0, 10.0)]),
            ],
            files: vec!["utilization.csv".to_string()],
        });
        let output = run(&ctx).expect("runs").expect("has subjects");
        let found: Vec<(&str, Status)> = output
            .findings
            .iter()
            .map(|f| (f.subject.as_str(), f.status))
            .collect();
        assert_eq!(
            found,
            [
                ("db-1", Status::NotEvaluated),
                ("web-1", Status::NotEvaluated)
            ]
        );
        assert!(output.findings[0]
            .detail
            .starts_with("no `alerts` input declared: 1 disk breaches"));
    }
}
