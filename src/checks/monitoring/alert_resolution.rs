//! `monitoring.alert_resolution` (SPEC §7): per alert target, the longest time to
//! resolve an alert open during the period; one still firing at period end measures
//! the time to period end.

use std::collections::BTreeMap;

use crate::checks::{frame, pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable};
use crate::period::format_utc;

const HOUR: f64 = 3_600_000.0;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let Some(alerts) = ctx.tables.get(InputKind::Alerts) else {
        return Ok(None);
    };
    if alerts.height() == 0 {
        return Ok(None);
    }
    let names = frame::texts(alerts, "alert")?;
    let targets = frame::texts(alerts, "target")?;
    let severities = frame::texts(alerts, "severity")?;
    let started = frame::times(alerts, "started_at")?;
    let resolved = frame::times(alerts, "resolved_at")?;
    let paths = frame::texts(alerts, crate::ingest::schema::PATH_COLUMN)?;
    let lines = frame::lines(alerts)?;
    let (start, end) = (ctx.period.start, ctx.period.end);
    // Per target: (hours, index of the alert) of every alert open during the period.
    let mut by_target: BTreeMap<String, Vec<(f64, usize)>> = BTreeMap::new();
    for i in 0..alerts.height() {
        let (Some(target), Some(opened)) = (&targets[i], started[i]) else {
            continue;
        };
        let open_during = opened < end && resolved[i].is_none_or(|r| r >= start);
        if !open_during {
            continue;
        }
        let closed = resolved[i].filter(|&r| r <= end).unwrap_or(end);
        by_target
            .entry(target.clone())
            .or_default()
            .push(((closed - opened) as f64 / HOUR, i));
    }
    if by_target.is_empty() {
        return Ok(None);
    }
    let limit = ctx.policy.alert_resolution_max as f64 / HOUR;
    let mut findings = Vec::new();
    // Each row with its flag: over the limit.
    let mut rows: Vec<(Vec<Cell>, bool)> = Vec::new();
    for (target, alerts_of_target) in &by_target {
        let Some(&(hours, worst)) = alerts_of_target
            .iter()
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        else {
            continue;
        };
        let status = pass_if(hours <= limit);
        let name = names[worst].clone().unwrap_or_default();
        let detail = match resolved[worst].filter(|&r| r <= end) {
            Some(r) => format!(
                "{name} took {hours:.2} h to resolve (resolved {}); {} alerts in the period",
                format_utc(r),
                alerts_of_target.len()
            ),
            None => format!(
                "{name} still firing at period end after {hours:.2} h; {} alerts in the period",
                alerts_of_target.len()
            ),
        };
        findings.push(ctx.finding(
            CheckId::MonitoringAlertResolution,
            target,
            status,
            Some(hours),
            Some(limit),
            detail,
        ));
        for &(hours, i) in alerts_of_target {
            let cells = vec![
                Cell::Text(target.clone()),
                Cell::Text(names[i].clone().unwrap_or_default()),
                Cell::Text(severities[i].clone().unwrap_or_default()),
                started[i].map_or(Cell::Empty, Cell::Time),
                resolved[i].map_or(Cell::Empty, Cell::Time),
                Cell::Hours(hours),
                Cell::Text(paths[i].clone().unwrap_or_default()),
                Cell::Count(lines[i]),
            ];
            let within_limit = hours <= limit;
            rows.push((cells, !within_limit));
        }
    }
    // Sorted by the cells alone; the flag moves with its row.
    rows.sort_by(|a, b| format!("{:?}", a.0).cmp(&format!("{:?}", b.0)));
    let mut table = EvidenceTable::new(&[
        columns::TARGET,
        columns::ALERT,
        columns::SEVERITY,
        columns::STARTED_AT,
        columns::RESOLVED_AT,
        columns::HOURS,
        columns::FILE,
        columns::LINE,
    ]);
    for (cells, offending) in rows {
        table.push(cells, offending);
    }
    Ok(Some(CheckOutput {
        findings,
        evidence: Some(table),
    }))
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use crate::checks::testing::{flags, Fixture, H};
    use crate::config::InputKind;
    use crate::ingest::schema::{LINE_COLUMN, PATH_COLUMN};
    use crate::model::Cell;

    #[test]
    fn a_row_offends_when_its_alert_took_longer_than_the_limit_and_keeps_its_flag_sorted() {
        let mut fixture = Fixture::day();
        fixture.policy.alert_resolution_max = 2 * H;
        let t = fixture.period.start;
        // `api`: a2 (5 h) comes before a1 (1 h) in the input; sorting swaps them.
        // `db`: a3 takes exactly the limit and passes.
        let alerts = df!(
            "alert" => ["a2", "a1", "a3"],
            "target" => ["api", "api", "db"],
            "severity" => ["page", "page", "page"],
            "started_at" => [t + 3 * H, t + H, t + H],
            "resolved_at" => [Some(t + 8 * H), Some(t + 2 * H), Some(t + 3 * H)],
            PATH_COLUMN => ["alerts.json", "alerts.json", "alerts.json"],
            LINE_COLUMN => [1u64, 2, 3],
        )
        .expect("frame");
        fixture.tables.insert(InputKind::Alerts, alerts);
        let output = super::run(&fixture.ctx()).expect("runs").expect("subjects");
        let table = output.evidence.as_ref().expect("table");
        let names: Vec<&Cell> = table.rows.iter().map(|row| &row.cells[1]).collect();
        let text = |s: &str| Cell::Text(s.to_string());
        assert_eq!(names, [&text("a1"), &text("a2"), &text("a3")]);
        assert_eq!(flags(&output), [false, true, false]);
    }
}
