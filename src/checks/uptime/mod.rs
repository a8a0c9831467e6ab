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

use std::collections::BTreeMap;

use polars::prelude::*;

use super::maintenance::Maintenance;
use super::{frame, table_error, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::ingest::probes::{ProbeGroup, ProbeSink, ProbeWindow, Probes};
use crate::ingest::values::Value;
use crate::ingest::RowSink;
use crate::model::Policy;
use crate::model::{
    columns, Cell, DailyAvailability, Incident, MaintenanceWindow, Millis, ServiceAvailability,
    TrailingAvailability,
};
use crate::period::Period;
use timeline::{Coverage, Sample, Segment, State};

/// The probes a run keeps for the uptime family: the trailing window (which holds the
/// period) widened by `max_sample_gap` at its start, and the latency of the period's up
/// samples (SPEC §7, §15).
pub fn probe_window(period: &Period, policy: &Policy) -> ProbeWindow {
    let from = period
        .start
        .min(period.months_before_end(policy.trailing_months));
    ProbeWindow {
        from: from - policy.max_sample_gap,
        to: period.end,
        latency: (period.start, period.end),
    }
}

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
        let (policy, period) = (ctx.policy, ctx.period);
        let trailing_from = period.months_before_end(policy.trailing_months);
        let window = Window {
            from: period.start.min(trailing_from),
            to: period.end,
        };
        let probes = match (ctx.tables.take_probes(), ctx.tables.get(InputKind::Probes)) {
            (Some(probes), _) => probes,
            // Read as a table (a check's own tests): kept the same way.
            (None, Some(frame)) => probes_of(frame, probe_window(period, policy))?,
            (None, None) => return Ok(uptime),
        };
        if probes.locations.is_empty() {
            return Ok(uptime);
        }
        let Probes {
            groups: mut probes,
            locations: locations_by_service,
            with_latency,
        } = probes;
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
            let locations: Vec<String> = locations.iter().cloned().collect();
            // Taken out of the map: the samples go once the coverage is known.
            let samples = probes.remove(service).unwrap_or_default();
            let windows = Windows {
                period: &uptime.maintenance,
                trailing: &trailing_maintenance,
                trailing_from,
                wide: window,
            };
            let mut one = timeline_of(ctx, service, &locations, samples, &windows);
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
    mut samples_by_location: BTreeMap<String, ProbeGroup>,
    maintenance: &Windows<'_>,
) -> Service {
    let (policy, period) = (ctx.policy, ctx.period);
    let mut first_sample: Option<Millis> = None;
    let mut latency: Vec<(Millis, f64)> = Vec::new();
    // Each location's coverage over the wide window; its samples dropped right after.
    let wide: Vec<(String, Vec<Coverage>)> = locations
        .iter()
        .map(|location| {
            let mut group = samples_by_location.remove(location).unwrap_or_default();
            let (samples, latencies) = group.take();
            let samples: Vec<Sample> = samples
                .into_iter()
                .map(|(time, up)| Sample { time, up })
                .collect();
            latency.extend(latencies);
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

/// The probes of a table (read by `auditpack inputs` or a check's tests rather than a
/// run), kept as a run keeps them.
fn probes_of(frame: &DataFrame, window: ProbeWindow) -> Result<Probes, Error> {
    let times = frame::times(frame, "time")?;
    let services = frame::texts(frame, "service")?;
    let ups = frame::bools(frame, "up")?;
    let locations = frame::texts(frame, "location")?;
    let latencies = frame
        .column("latency_ms")
        .and_then(|c| c.f64().map(|f| f.iter().collect::<Vec<_>>()))
        .map_err(table_error)?;
    let mut sink = ProbeSink::new(window);
    for i in 0..frame.height() {
        let value = |v: Option<Value<'static>>| v.unwrap_or(Value::Null);
        sink.push(
            vec![
                value(times[i].map(Value::Time)),
                value(services[i].clone().map(|s| Value::Text(s.into()))),
                value(ups[i].map(Value::Bool)),
                value(locations[i].clone().map(|l| Value::Text(l.into()))),
                value(latencies[i].map(Value::Float)),
            ],
            "",
            0,
        );
    }
    Ok(sink.finish().0)
}
