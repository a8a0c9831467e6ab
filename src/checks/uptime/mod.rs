//! The uptime family: `uptime.availability` and `uptime.coverage` (SPEC §7),
//! `uptime.latency` and `uptime.trailing_availability` (SPEC §15). All come from one
//! reading of the probes per service ([`Uptime`]): each location's coverage over the
//! trailing window (which holds the period), the period's timeline ([`timeline`]) and
//! the trailing window's, and the latency of the period's up samples; with the
//! incidents and the daily figures for the PDF.
//!
//! Memory: a service's samples are packed (time and state in one `i64`) and dropped as
//! soon as its coverage is known, which is a list of stretches, not of samples.

mod timeline;

pub(super) mod availability;
pub(super) mod coverage;
pub(super) mod latency;
pub(super) mod trailing_availability;

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::maintenance::Maintenance;
use super::{table_error, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{
    columns, Cell, DailyAvailability, Incident, MaintenanceWindow, Millis, ServiceAvailability,
    TrailingAvailability,
};
use timeline::{Coverage, Sample, Segment, State};

/// Probe samples grouped by service, then location.
type Probes = BTreeMap<String, BTreeMap<String, Group>>;

/// One location's samples of one service: packed `time × 2 + up`, in reading order
/// (sorted by time, stably, when used), and the latency of its up samples in the period.
#[derive(Debug, Default)]
struct Group {
    packed: Vec<i64>,
    latency: Vec<(Millis, f64)>,
}

impl Group {
    /// The samples in time order; samples at one instant keep their reading order.
    fn samples(&self) -> Vec<Sample> {
        let mut samples: Vec<Sample> = self
            .packed
            .iter()
            .map(|p| Sample {
                time: p >> 1,
                up: p & 1 == 1,
            })
            .collect();
        samples.sort_by_key(|sample| sample.time);
        samples
    }
}

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
    /// Whether any probe row of the service carries a latency value.
    has_latency: bool,
    /// Up samples with latency in the period left out for being in a scheduled window.
    latency_excluded: u64,
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
        let trailing_from = period.months_before_end(policy.trailing_months);
        let window = Window {
            from: period.start.min(trailing_from),
            to: period.end,
        };
        let (mut probes, locations_by_service, with_latency) = read_probes(
            probes_frame,
            window.from - policy.max_sample_gap,
            window.to,
            (period.start, period.end),
        )?;
        uptime.probed = true;
        let maintenance = ctx.family::<Maintenance>()?;
        uptime.maintenance = maintenance
            .touching(period.start, period.end)
            .cloned()
            .collect();
        let trailing_maintenance: Vec<MaintenanceWindow> = maintenance
            .touching(trailing_from, period.end)
            .cloned()
            .collect();
        for (service, locations) in &locations_by_service {
            // Taken out of the map: the samples go once the coverage is known.
            let samples = probes.remove(service).unwrap_or_default();
            let windows = Windows {
                period: &uptime.maintenance,
                trailing: &trailing_maintenance,
                trailing_from,
                wide: window,
            };
            let mut one = timeline_of(ctx, service, locations, samples, &windows);
            one.has_latency = with_latency.contains(service);
            uptime.services.push(one);
        }
        Ok(uptime)
    }
}

/// A stretch of time `[from, to)`.
#[derive(Debug, Clone, Copy)]
struct Window {
    from: Millis,
    to: Millis,
}

/// The maintenance windows one service's timelines take out, and the stretches read.
struct Windows<'a> {
    /// Every window touching the period (all services).
    period: &'a [MaintenanceWindow],
    /// Every window touching the trailing window (all services).
    trailing: &'a [MaintenanceWindow],
    trailing_from: Millis,
    /// The trailing window and the period together: what the coverage spans.
    wide: Window,
}

/// The scheduled windows of `service` (and of `*`) among `windows`, as `[start, end)`.
fn scheduled_of(service: &str, windows: &[MaintenanceWindow]) -> Vec<(Millis, Millis)> {
    windows
        .iter()
        .filter(|w| w.scheduled && (w.service == service || w.service == "*"))
        .map(|w| (w.start, w.end))
        .collect()
}

/// The stretches of `covered` inside `[from, to)`, clipped to it.
fn clip(covered: &[Coverage], from: Millis, to: Millis) -> Vec<Coverage> {
    covered
        .iter()
        .filter(|c| c.start < to && c.end > from)
        .map(|c| Coverage {
            start: c.start.max(from),
            end: c.end.min(to),
            up: c.up,
        })
        .collect()
}

/// The timelines of one service over the period and the trailing window, and what
/// they add up to.
fn timeline_of(
    ctx: &CheckCtx<'_>,
    service: &str,
    locations: &[String],
    mut samples_by_location: BTreeMap<String, Group>,
    maintenance: &Windows<'_>,
) -> Service {
    let (policy, period) = (ctx.policy, ctx.period);
    let mut first_sample: Option<Millis> = None;
    let mut latency: Vec<(Millis, f64)> = Vec::new();
    // Each location's coverage over the wide window; its samples dropped right after.
    let wide: Vec<(String, Vec<Coverage>)> = locations
        .iter()
        .map(|location| {
            let group = samples_by_location.remove(location).unwrap_or_default();
            let samples = group.samples();
            drop(group.packed);
            latency.extend(group.latency);
            if let Some(first) = samples
                .iter()
                .map(|s| s.time)
                .find(|&t| t >= maintenance.trailing_from && t < period.end)
            {
                first_sample = Some(first_sample.map_or(first, |f: Millis| f.min(first)));
            }
            let covered = timeline::location_coverage(
                &samples,
                policy.max_sample_gap,
                maintenance.wide.from,
                maintenance.wide.to,
            );
            (location.clone(), covered)
        })
        .collect();
    let coverage: Vec<(String, Vec<Coverage>)> = wide
        .iter()
        .map(|(location, covered)| (location.clone(), clip(covered, period.start, period.end)))
        .collect();
    let windows: Vec<MaintenanceWindow> = maintenance
        .period
        .iter()
        .filter(|w| w.service == service || w.service == "*")
        .cloned()
        .collect();
    let scheduled = scheduled_of(service, maintenance.period);
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
    let trailing = trailing_of(
        service,
        &wide,
        quorum,
        maintenance,
        Window {
            from: maintenance.trailing_from,
            to: period.end,
        },
        first_sample,
        policy.trailing_months,
    );
    let (latency, latency_excluded) = latency::figures(latency, &scheduled, period);
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
        latency,
        trailing,
    };
    Service {
        figures,
        has_latency: false,
        latency_excluded,
        incidents,
        windows,
        segments,
        coverage,
    }
}

/// §7's availability over the trailing window, from the locations' wide coverage.
fn trailing_of(
    service: &str,
    wide: &[(String, Vec<Coverage>)],
    quorum: usize,
    maintenance: &Windows<'_>,
    window: Window,
    first_sample: Option<Millis>,
    months: u32,
) -> TrailingAvailability {
    let covered: Vec<Vec<Coverage>> = wide
        .iter()
        .map(|(_, covered)| clip(covered, window.from, window.to))
        .collect();
    let scheduled = scheduled_of(service, maintenance.trailing);
    let segments = timeline::service_timeline(&covered, quorum, &scheduled, window.from, window.to);
    let totals = timeline::totals(&segments, window.from, window.to);
    TrailingAvailability {
        from: window.from,
        to: window.to,
        months,
        scheduled_ms: totals.scheduled,
        no_data_ms: totals.no_data,
        down_ms: totals.down,
        measured_ms: totals.measured(),
        availability: totals.availability(),
        coverage: totals.coverage(),
        first_sample,
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

/// The probe samples inside `(from, to)` grouped by service and location (a sample
/// more than `max_sample_gap` before the window cannot reach into it), with the latency
/// of the up samples inside `period`; the locations each service has anywhere in the
/// inputs (the `n` of the default quorum): every location that ever probed it, in or
/// out of the window; and the services with any latency value.
fn read_probes(
    frame: &DataFrame,
    from: Millis,
    to: Millis,
    period: (Millis, Millis),
) -> Result<(Probes, Locations, BTreeSet<String>), Error> {
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
    let latencies = frame
        .column("latency_ms")
        .and_then(|c| c.f64())
        .map_err(table_error)?;
    let mut probes = Probes::new();
    let mut locations: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut with_latency: BTreeSet<String> = BTreeSet::new();
    // Rows of one service and location come in runs (a file each, usually): the run's
    // key is compared, and the maps touched once per run.
    let mut run: Option<(&str, &str)> = None;
    let mut group = Group::default();
    let mut run_has_latency = false;
    let rows = services
        .iter()
        .zip(locations_column.iter())
        .zip(times.iter())
        .zip(ups.iter())
        .zip(latencies.iter());
    for ((((service, location), time), up), latency) in rows {
        let (Some(service), Some(time), Some(up)) = (service, time, up) else {
            continue; // Required values: ingest never lets a null through.
        };
        let location = location.unwrap_or("default");
        if run != Some((service, location)) {
            if let Some((s, l)) = run {
                add_group(&mut probes, s, l, std::mem::take(&mut group));
                if run_has_latency {
                    with_latency.insert(s.to_string());
                }
            }
            run_has_latency = false;
            if !locations.get(service).is_some_and(|l| l.contains(location)) {
                locations
                    .entry(service.to_string())
                    .or_default()
                    .insert(location.to_string());
            }
            run = Some((service, location));
        }
        run_has_latency |= latency.is_some();
        if time > from && time < to {
            group.packed.push(time * 2 + i64::from(up));
            if let Some(ms) = latency.filter(|_| up && time >= period.0 && time < period.1) {
                group.latency.push((time, ms));
            }
        }
    }
    if let Some((s, l)) = run {
        add_group(&mut probes, s, l, group);
        if run_has_latency {
            with_latency.insert(s.to_string());
        }
    }
    let locations = locations
        .into_iter()
        .map(|(service, set)| (service, set.into_iter().collect()))
        .collect();
    Ok((probes, locations, with_latency))
}

/// Appends a run of one service's and location's samples to its group.
fn add_group(probes: &mut Probes, service: &str, location: &str, run: Group) {
    if run.packed.is_empty() {
        return;
    }
    let by_location = match probes.get_mut(service) {
        Some(by_location) => by_location,
        None => probes.entry(service.to_string()).or_default(),
    };
    match by_location.get_mut(location) {
        Some(group) => {
            group.packed.extend(run.packed);
            group.latency.extend(run.latency);
        }
        None => {
            by_location.insert(location.to_string(), run);
        }
    }
}
