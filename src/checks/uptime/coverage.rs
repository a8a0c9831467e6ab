//! `uptime.coverage` (SPEC §7, "Availability, exactly"): per service, the share of the
//! period outside scheduled maintenance for which a quorum of locations had data,
//! `100 × measured / (period − scheduled)`, against `min_monitoring_coverage_percent`.
//! Evidence: the scheduled windows taken out and every stretch of no data, with the
//! locations that still had data during it.

use super::{sort_rows, window_row, Uptime, COLUMNS};
use crate::checks::uptime::timeline::State;
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::format_duration;
use crate::error::Error;
use crate::model::{Cell, CheckId, EvidenceTable, Finding, ServiceAvailability, Status};

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let uptime = ctx.family::<Uptime>()?;
    if !uptime.probed {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for service in &uptime.services {
        let name = &service.figures.service;
        output.findings.push(finding(ctx, &service.figures));
        let scheduled = service.windows.iter().filter(|w| w.scheduled);
        rows.extend(scheduled.filter_map(|w| window_row(name, w, ctx)));
        for segment in service.segments.iter().filter(|s| s.state == State::NoData) {
            let with_data: Vec<&str> = service
                .coverage
                .iter()
                .filter(|(_, covered)| super::overlaps(covered, segment.start, segment.end))
                .map(|(location, _)| location.as_str())
                .collect();
            rows.push(vec![
                Cell::Text(name.clone()),
                Cell::Text("no_data".to_string()),
                Cell::Time(segment.start),
                Cell::Time(segment.end),
                Cell::Seconds(segment.end - segment.start),
                Cell::Text(with_data.join(";")),
                Cell::Empty,
            ]);
        }
    }
    sort_rows(&mut rows);
    // For coverage, `locations` names the locations that still had data.
    output.evidence = Some(EvidenceTable::unjudged(&COLUMNS, rows));
    Ok(Some(output))
}

fn finding(ctx: &CheckCtx<'_>, figures: &ServiceAvailability) -> Finding {
    let target = ctx.policy.min_monitoring_coverage_percent;
    let (status, detail) = match figures.coverage {
        None => (
            Status::NotEvaluated,
            "the whole period was scheduled maintenance".to_string(),
        ),
        Some(coverage) => (
            pass_if(coverage >= target),
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
        detail,
    )
}
