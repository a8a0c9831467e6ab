//! `uptime.availability` (SPEC §7, "Availability, exactly"): per service, the share of
//! measured time that was up, `100 × (measured − down) / measured`, against
//! `uptime_target_percent`. Evidence: every incident, and every maintenance window in
//! the period (scheduled ones were taken out; late ones were not).

use super::{sort_rows, window_row, Uptime, COLUMNS};
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
        for incident in &service.incidents {
            rows.push(vec![
                Cell::Text(name.clone()),
                Cell::Text("down".to_string()),
                Cell::Time(incident.start),
                Cell::Time(incident.end),
                Cell::Seconds(incident.duration_ms()),
                Cell::Text(incident.locations.join(";")),
                Cell::Empty,
            ]);
        }
        rows.extend(
            service
                .windows
                .iter()
                .filter_map(|w| window_row(name, w, ctx)),
        );
    }
    sort_rows(&mut rows);
    output.evidence = Some(EvidenceTable::unjudged(&COLUMNS, rows));
    Ok(Some(output))
}

fn finding(ctx: &CheckCtx<'_>, figures: &ServiceAvailability) -> Finding {
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
                pass_if(availability >= target),
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
        detail,
    )
}
