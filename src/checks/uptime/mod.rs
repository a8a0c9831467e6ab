//! The uptime family: `uptime.availability` and `uptime.coverage` (SPEC §7). Both
//! come from one timeline per service ([`timeline`]), computed once here
//! ([`Uptime`]), which also yields the incidents and the daily figures for the PDF.

mod timeline;

pub(super) mod availability;
pub(super) mod coverage;

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::maintenance::Maintenance;
use super::{table_error, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{
    columns, Cell, DailyAvailability, Incident, MaintenanceWindow, Millis, ServiceAvailability,
};
use timeline::{Coverage, Sample, Segment, State};

/// Probe samples grouped by service, then location, in time order.
type Probes = BTreeMap<String, BTreeMap<String, Vec<Sample>>>;

/// The locations of each service, sorted.
type Locations = BTreeMap<String, Vec<String>>;

/// The evidence columns of both uptime checks.
const COLUMNS: [&str; 7] = [
    columns::SERVICE,
    columns::KIND,
    columns::START,
    columns::END,
    columns::DURATION_SECONDS,
    columns::LOCATIONS,
    columns::REFERENCE,
];

/// The family's timelines: one per service with probes, by service.
pub(super) struct Uptime {
    /// Whether any probe row was read: without one the family has no subject.
    probed: bool,
    services: Vec<Service>,
    /// Maintenance windows that touch the period.
    maintenance: Vec<MaintenanceWindow>,
}

/// One service's timeline over the period.
struct Service {
    figures: ServiceAvailability,
    incidents: Vec<Incident>,
    /// The maintenance windows of the service (and of `*`).
    windows: Vec<MaintenanceWindow>,
    segments: Vec<Segment>,
    /// Per location, what it covered.
    coverage: Vec<(String, Vec<Coverage>)>,
}

/// What the PDF shows of the uptime family.
#[derive(Debug, Default)]
pub(super) struct Figures {
    pub services: Vec<ServiceAvailability>,
    pub incidents: Vec<Incident>,
    pub maintenance: Vec<MaintenanceWindow>,
}

pub(super) fn figures(ctx: &CheckCtx<'_>) -> Result<Figures, Error> {
    let uptime = ctx.family::<Uptime>()?;
    if !uptime.probed {
        return Ok(Figures::default());
    }
    Ok(Figures {
        services: uptime.services.iter().map(|s| s.figures.clone()).collect(),
        incidents: uptime
            .services
            .iter()
            .flat_map(|s| s.incidents.iter().cloned())
            .collect(),
        maintenance: uptime.maintenance.clone(),
    })
}

impl Family for Uptime {
    fn read(ctx: &CheckCtx<'_>) -> Result<Self, Error> {
        let mut uptime = Uptime {
            probed: false,
            services: Vec::new(),
            maintenance: Vec::new(),
        };
        let Some(probes_frame) = ctx.tables.get(InputKind::Probes) else {
            return Ok(uptime);
        };
        if probes_frame.height() == 0 {
            return Ok(uptime);
        }
        let (policy, period) = (ctx.policy, ctx.period);
        let (probes, locations_by_service) = read_probes(
            probes_frame,
            period.start - policy.max_sample_gap,
            period.end,
        )?;
        uptime.probed = true;
        uptime.maintenance = ctx
            .family::<Maintenance>()?
            .touching(period.start, period.end)
            .cloned()
            .collect();
        let empty = BTreeMap::new();
        for (service, locations) in &locations_by_service {
            let samples = probes.get(service).unwrap_or(&empty);
            uptime.services.push(timeline_of(
                ctx,
                service,
                locations,
                samples,
                &uptime.maintenance,
            ));
        }
        Ok(uptime)
    }
}

/// The timeline of one service over the period, and what it adds up to.
fn timeline_of(
    ctx: &CheckCtx<'_>,
    service: &str,
    locations: &[String],
    samples_by_location: &BTreeMap<String, Vec<Sample>>,
    maintenance: &[MaintenanceWindow],
) -> Service {
    let (policy, period) = (ctx.policy, ctx.period);
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
    let windows: Vec<MaintenanceWindow> = maintenance
        .iter()
        .filter(|w| w.service == service || w.service == "*")
        .cloned()
        .collect();
    let scheduled: Vec<(Millis, Millis)> = windows
        .iter()
        .filter(|w| w.scheduled)
        .map(|w| (w.start, w.end))
        .collect();
    let quorum = timeline::quorum(policy.probe_quorum, locations.len());
    let coverage_only: Vec<Vec<Coverage>> = coverage.iter().map(|(_, c)| c.clone()).collect();
    let segments =
        timeline::service_timeline(&coverage_only, quorum, &scheduled, period.start, period.end);
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
        service: service.to_string(),
        locations: locations.to_vec(),
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
    Service {
        figures,
        incidents,
        windows,
        segments,
        coverage,
    }
}

/// The evidence row of a maintenance window clipped to the period, if it touches it.
fn window_row(service: &str, window: &MaintenanceWindow, ctx: &CheckCtx<'_>) -> Option<Vec<Cell>> {
    let (start, end) = (
        window.start.max(ctx.period.start),
        window.end.min(ctx.period.end),
    );
    if start >= end {
        return None;
    }
    let kind = if window.scheduled {
        "scheduled_maintenance"
    } else {
        "late_maintenance"
    };
    Some(vec![
        Cell::Text(service.to_string()),
        Cell::Text(kind.to_string()),
        Cell::Time(start),
        Cell::Time(end),
        Cell::Seconds(end - start),
        Cell::Empty,
        Cell::Text(window.reference.clone()),
    ])
}

/// Evidence rows sort by service, start, then kind.
fn sort_rows(rows: &mut [Vec<Cell>]) {
    rows.sort_by_key(|row| evidence_key(row));
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
