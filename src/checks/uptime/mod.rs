//! `uptime.availability` and `uptime.coverage` (SPEC §7): both come from one timeline
//! per service, which also yields the incidents and the daily figures for the PDF.

mod timeline;

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::{frame, table_error, CheckCtx};
use crate::config::{format_duration, InputKind};
use crate::error::Error;
use crate::model::{
    Cell, CheckId, DailyAvailability, EvidenceTable, Finding, Incident, MaintenanceWindow, Millis,
    ServiceAvailability, Status, Unit,
};
use timeline::{Coverage, Sample, Segment, State};

/// What the uptime family contributes to the assessment.
pub struct UptimeOutcome {
    pub findings: Vec<Finding>,
    pub evidence: Vec<(CheckId, EvidenceTable)>,
    pub incidents: Vec<Incident>,
    pub services: Vec<ServiceAvailability>,
    pub maintenance: Vec<MaintenanceWindow>,
}

/// Probe samples grouped by service, then location, in time order.
type Probes = BTreeMap<String, BTreeMap<String, Vec<Sample>>>;

/// The locations of each service, sorted.
type Locations = BTreeMap<String, Vec<String>>;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<UptimeOutcome>, Error> {
    let Some(probes_frame) = ctx.tables.get(InputKind::Probes) else {
        return Ok(None);
    };
    if probes_frame.height() == 0 {
        return Ok(None);
    }
    let policy = ctx.policy;
    let period = ctx.period;
    let (probes, locations_by_service) = read_probes(
        probes_frame,
        period.start - policy.max_sample_gap,
        period.end,
    )?;
    let maintenance = read_maintenance(ctx)?;

    let mut outcome = UptimeOutcome {
        findings: Vec::new(),
        evidence: Vec::new(),
        incidents: Vec::new(),
        services: Vec::new(),
        maintenance: maintenance.clone(),
    };
    let mut availability_rows = Vec::new();
    let mut coverage_rows = Vec::new();
    let empty = BTreeMap::new();
    for (service, locations) in &locations_by_service {
        let samples_by_location = probes.get(service).unwrap_or(&empty);
        let coverage: Vec<(String, Vec<Coverage>)> = locations
            .iter()
            .map(|location| {
                let samples = samples_by_location
                    .get(location)
                    .map_or(&[][..], |s| s.as_slice());
                let covered = timeline::location_coverage(
                    samples,
                    policy.max_sample_gap,
                    period.start,
                    period.end,
                );
                (location.clone(), covered)
            })
            .collect();
        let windows: Vec<&MaintenanceWindow> = maintenance
            .iter()
            .filter(|w| w.service == *service || w.service == "*")
            .collect();
        let scheduled: Vec<(Millis, Millis)> = windows
            .iter()
            .filter(|w| w.scheduled)
            .map(|w| (w.start, w.end))
            .collect();
        let quorum = timeline::quorum(policy.probe_quorum, locations.len());
        let coverage_only: Vec<Vec<Coverage>> = coverage.iter().map(|(_, c)| c.clone()).collect();
        let segments = timeline::service_timeline(
            &coverage_only,
            quorum,
            &scheduled,
            period.start,
            period.end,
        );
        let totals = timeline::totals(&segments, period.start, period.end);

        let incidents = incidents_of(service, &segments, &coverage);
        let daily = period
            .local_days()
            .into_iter()
            .map(|(date, start, end)| {
                let day = timeline::totals(&segments, start, end);
                DailyAvailability {
                    date: date.format("%Y-%m-%d").to_string(),
                    start,
                    end,
                    down_ms: day.down,
                    no_data_ms: day.no_data,
                    scheduled_ms: day.scheduled,
                    availability: day.availability(),
                }
            })
            .collect();
        let figures = ServiceAvailability {
            service: service.clone(),
            locations: locations.clone(),
            quorum,
            period_ms: totals.span,
            scheduled_ms: totals.scheduled,
            no_data_ms: totals.no_data,
            down_ms: totals.down,
            measured_ms: totals.measured(),
            availability: totals.availability(),
            coverage: totals.coverage(),
            error_budget_used: totals.error_budget_used(policy.uptime_target_percent),
            incidents: incidents.len(),
            daily,
        };
        outcome.findings.push(availability_finding(ctx, &figures));
        outcome.findings.push(coverage_finding(ctx, &figures));

        for incident in &incidents {
            availability_rows.push(vec![
                Cell::Text(service.clone()),
                Cell::Text("down".to_string()),
                Cell::Time(incident.start),
                Cell::Time(incident.end),
                Cell::Seconds(incident.duration_ms()),
                Cell::Text(incident.locations.join(";")),
                Cell::Empty,
            ]);
        }
        for window in &windows {
            let (start, end) = (window.start.max(period.start), window.end.min(period.end));
            if start >= end {
                continue;
            }
            let kind = if window.scheduled {
                "scheduled_maintenance"
            } else {
                "late_maintenance"
            };
            let row = vec![
                Cell::Text(service.clone()),
                Cell::Text(kind.to_string()),
                Cell::Time(start),
                Cell::Time(end),
                Cell::Seconds(end - start),
                Cell::Empty,
                Cell::Text(window.reference.clone()),
            ];
            if window.scheduled {
                coverage_rows.push(row.clone());
            }
            availability_rows.push(row);
        }
        for segment in segments.iter().filter(|s| s.state == State::NoData) {
            coverage_rows.push(vec![
                Cell::Text(service.clone()),
                Cell::Text("no_data".to_string()),
                Cell::Time(segment.start),
                Cell::Time(segment.end),
                Cell::Seconds(segment.end - segment.start),
                Cell::Text(
                    coverage
                        .iter()
                        .filter(|(_, covered)| overlaps(covered, segment.start, segment.end))
                        .map(|(location, _)| location.as_str())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                Cell::Empty,
            ]);
        }
        outcome.incidents.extend(incidents);
        outcome.services.push(figures);
    }
    for rows in [&mut availability_rows, &mut coverage_rows] {
        rows.sort_by_key(|row| evidence_key(row));
    }
    let columns = vec![
        "service",
        "kind",
        "start",
        "end",
        "duration_seconds",
        "locations",
        "reference",
    ];
    outcome.evidence.push((
        CheckId::UptimeAvailability,
        EvidenceTable {
            columns: columns.clone(),
            rows: availability_rows,
        },
    ));
    // For coverage, `locations` names the locations that still had data.
    outcome.evidence.push((
        CheckId::UptimeCoverage,
        EvidenceTable {
            columns,
            rows: coverage_rows,
        },
    ));
    Ok(Some(outcome))
}

fn evidence_key(row: &[Cell]) -> (String, Millis, String) {
    let text = |cell: &Cell| match cell {
        Cell::Text(t) => t.clone(),
        _ => String::new(),
    };
    let time = match row.get(2) {
        Some(Cell::Time(t)) => *t,
        _ => 0,
    };
    (text(&row[0]), time, text(&row[1]))
}

fn availability_finding(ctx: &CheckCtx<'_>, figures: &ServiceAvailability) -> Finding {
    let target = ctx.policy.uptime_target_percent;
    let (status, detail) = match figures.availability {
        None => (
            Status::NotEvaluated,
            "no monitored time in the period: no location had data".to_string(),
        ),
        Some(availability) => {
            let budget = figures
                .error_budget_used
                .map(|b| format!("; error budget used {b:.1}%"))
                .unwrap_or_default();
            (
                if availability >= target { Status::Pass } else { Status::Fail },
                format!(
                    "down {} in {} incident{} over {} measured (scheduled maintenance {}, no data {}){budget}",
                    format_duration(figures.down_ms),
                    figures.incidents,
                    if figures.incidents == 1 { "" } else { "s" },
                    format_duration(figures.measured_ms),
                    format_duration(figures.scheduled_ms),
                    format_duration(figures.no_data_ms),
                ),
            )
        }
    };
    ctx.finding(
        CheckId::UptimeAvailability,
        &figures.service,
        status,
        figures.availability,
        Some(target),
        Unit::Percent,
        detail,
    )
}

fn coverage_finding(ctx: &CheckCtx<'_>, figures: &ServiceAvailability) -> Finding {
    let target = ctx.policy.min_monitoring_coverage_percent;
    let (status, detail) = match figures.coverage {
        None => (
            Status::NotEvaluated,
            "the whole period was scheduled maintenance".to_string(),
        ),
        Some(coverage) => (
            if coverage >= target {
                Status::Pass
            } else {
                Status::Fail
            },
            format!(
                "no data {} of {} outside scheduled maintenance; {} location{}, quorum {}",
                format_duration(figures.no_data_ms),
                format_duration(figures.period_ms - figures.scheduled_ms),
                figures.locations.len(),
                if figures.locations.len() == 1 {
                    ""
                } else {
                    "s"
                },
                figures.quorum
            ),
        ),
    };
    ctx.finding(
        CheckId::UptimeCoverage,
        &figures.service,
        status,
        figures.coverage,
        Some(target),
        Unit::Percent,
        detail,
    )
}

/// Maximal down stretches, with the locations that said down during each.
fn incidents_of(
    service: &str,
    segments: &[Segment],
    coverage: &[(String, Vec<Coverage>)],
) -> Vec<Incident> {
    segments
        .iter()
        .filter(|segment| segment.state == State::Down)
        .map(|segment| {
            let locations = coverage
                .iter()
                .filter(|(_, covered)| {
                    covered
                        .iter()
                        .any(|c| !c.up && c.start < segment.end && c.end > segment.start)
                })
                .map(|(location, _)| location.clone())
                .collect();
            Incident {
                service: service.to_string(),
                start: segment.start,
                end: segment.end,
                locations,
            }
        })
        .collect()
}

fn overlaps(covered: &[Coverage], start: Millis, end: Millis) -> bool {
    covered.iter().any(|c| c.start < end && c.end > start)
}

/// The probe samples that can matter for `[from, to)`, grouped and sorted. A sample
/// more than `max_sample_gap` before the period cannot reach into it.
/// The probe samples inside `(from, to)` grouped by service and location in time order,
/// and the locations each service has anywhere in the inputs (the `n` of the default
/// quorum): every location that ever probed it, in or out of the period.
fn read_probes(frame: &DataFrame, from: Millis, to: Millis) -> Result<(Probes, Locations), Error> {
    // Grouped here rather than by a three-column sort in polars: the table has millions
    // of rows, the groups are few, and each file's rows already run in time order.
    let time = frame
        .column("time")
        .and_then(|c| c.cast(&DataType::Int64))
        .map_err(table_error)?;
    let times = time.i64().map_err(table_error)?;
    let services = frame
        .column("service")
        .and_then(|c| c.str())
        .map_err(table_error)?;
    let locations_column = frame
        .column("location")
        .and_then(|c| c.str())
        .map_err(table_error)?;
    let ups = frame
        .column("up")
        .and_then(|c| c.bool())
        .map_err(table_error)?;
    let mut probes = Probes::new();
    let mut locations: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Rows of one service and location come in runs (a file each, usually): the run's
    // key is compared, and the maps touched once per run.
    let mut run: Option<(&str, &str)> = None;
    let mut samples: Vec<Sample> = Vec::new();
    let rows = services
        .iter()
        .zip(locations_column.iter())
        .zip(times.iter())
        .zip(ups.iter());
    for (((service, location), time), up) in rows {
        let (Some(service), Some(time), Some(up)) = (service, time, up) else {
            continue; // Required values: ingest never lets a null through.
        };
        let location = location.unwrap_or("default");
        if run != Some((service, location)) {
            if let Some((s, l)) = run {
                add_samples(&mut probes, s, l, std::mem::take(&mut samples));
            }
            if !locations.get(service).is_some_and(|l| l.contains(location)) {
                locations
                    .entry(service.to_string())
                    .or_default()
                    .insert(location.to_string());
            }
            run = Some((service, location));
        }
        if time > from && time < to {
            samples.push(Sample { time, up });
        }
    }
    if let Some((s, l)) = run {
        add_samples(&mut probes, s, l, samples);
    }
    // Stable, so samples of one location at one instant keep their file order.
    for samples in probes.values_mut().flat_map(BTreeMap::values_mut) {
        samples.sort_by_key(|sample| sample.time);
    }
    let locations = locations
        .into_iter()
        .map(|(service, set)| (service, set.into_iter().collect()))
        .collect();
    Ok((probes, locations))
}

/// Appends a run of one service's and location's samples to its group.
fn add_samples(probes: &mut Probes, service: &str, location: &str, samples: Vec<Sample>) {
    if samples.is_empty() {
        return;
    }
    let by_location = match probes.get_mut(service) {
        Some(by_location) => by_location,
        None => probes.entry(service.to_string()).or_default(),
    };
    match by_location.get_mut(location) {
        Some(group) => group.extend(samples),
        None => {
            by_location.insert(location.to_string(), samples);
        }
    }
}

/// Maintenance windows that touch the period, with the verdict on their notice.
fn read_maintenance(ctx: &CheckCtx<'_>) -> Result<Vec<MaintenanceWindow>, Error> {
    let Some(frame) = ctx.tables.get(InputKind::Maintenance) else {
        return Ok(Vec::new());
    };
    let (from, to) = (ctx.period.start, ctx.period.end);
    let start = col("start").cast(DataType::Int64);
    let end = col("end").cast(DataType::Int64);
    let frame = frame
        .clone()
        .lazy()
        .filter(start.clone().lt(lit(to)).and(end.clone().gt(lit(from))))
        .select([
            col("service"),
            start,
            end,
            col("announced_at").cast(DataType::Int64),
            col("reference").fill_null(lit("")),
        ])
        .sort(
            ["service", "start", "end"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
        .map_err(table_error)?;
    let services = frame::texts(&frame, "service")?;
    let starts = frame::times(&frame, "start")?;
    let ends = frame::times(&frame, "end")?;
    let announced = frame::times(&frame, "announced_at")?;
    let references = frame::texts(&frame, "reference")?;
    let notice = ctx.policy.maintenance_notice;
    let mut windows = Vec::new();
    for i in 0..frame.height() {
        let (Some(service), Some(start), Some(end)) = (&services[i], starts[i], ends[i]) else {
            continue;
        };
        let announced_at = announced[i];
        windows.push(MaintenanceWindow {
            service: service.clone(),
            start,
            end,
            announced_at,
            reference: references[i].clone().unwrap_or_default(),
            scheduled: announced_at.is_some_and(|at| at <= start - notice),
        });
    }
    Ok(windows)
}
