//! `maintenance.notice` (SPEC §15): per service (as the windows write it, `*`
//! included), the windows starting in the period that were announced later than
//! `maintenance_notice` before their start, or not at all. A window that started before
//! the period is listed but not counted: its notice was judged in its own period.

use super::{Maintenance, Window};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::format_duration;
use crate::error::Error;
use crate::model::columns::*;
use crate::model::{Cell, CheckId, EvidenceTable};

const HOUR: f64 = 3_600_000.0;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let maintenance = ctx.family::<Maintenance>()?;
    let subjects = maintenance.subjects(ctx);
    if subjects.is_empty() {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut table = EvidenceTable::new(&[
        SERVICE,
        START,
        END,
        ANNOUNCED_AT,
        NOTICE_HOURS,
        VERDICT,
        REFERENCE,
        PATH,
        LINE,
    ]);
    for service in subjects {
        let windows: Vec<&Window> = maintenance.of(service, ctx).collect();
        let starting: Vec<&&Window> = windows
            .iter()
            .filter(|w| w.window.start >= ctx.period.start && w.window.start < ctx.period.end)
            .collect();
        let late = starting.iter().filter(|w| !w.window.scheduled).count();
        let unannounced = starting
            .iter()
            .filter(|w| w.window.announced_at.is_none())
            .count();
        let detail = format!(
            "{late} of {} windows starting in the period announced less than {} ahead or not at all ({unannounced} unannounced)",
            starting.len(),
            format_duration(ctx.policy.maintenance_notice)
        );
        output.findings.push(ctx.finding(
            CheckId::MaintenanceNotice,
            service,
            pass_if(late == 0),
            Some(late as f64),
            Some(0.0),
            detail,
        ));
        for w in windows {
            let window = &w.window;
            let verdict = match window.announced_at {
                None => "unannounced",
                Some(_) if window.scheduled => "scheduled",
                Some(_) => "late",
            };
            let counted = window.start >= ctx.period.start;
            let offends = counted && !window.scheduled;
            table.push(
                vec![
                    Cell::Text(service.to_string()),
                    Cell::Time(window.start),
                    Cell::Time(window.end),
                    window.announced_at.map_or(Cell::Empty, Cell::Time),
                    window.announced_at.map_or(Cell::Empty, |at| {
                        Cell::Hours((window.start - at) as f64 / HOUR)
                    }),
                    Cell::Text(
                        if counted {
                            verdict
                        } else {
                            "started_before_period"
                        }
                        .to_string(),
                    ),
                    Cell::Text(window.reference.clone()),
                    Cell::Text(w.path.clone()),
                    Cell::Count(w.line),
                ],
                offends,
            );
        }
    }
    output.evidence = Some(table);
    Ok(Some(output))
}

#[cfg(test)]
mod tests {
    use crate::checks::maintenance::testing::{family, window};
    use crate::checks::testing::Fixture;
    use crate::model::Status;

    #[test]
    fn late_and_unannounced_windows_starting_in_the_period_count() {
        // Notice 48h. api: exactly 48h ahead (scheduled) and 47h ahead (late). `*`: one
        // unannounced. db: a late window that started before the period (not counted).
        let windows = vec![
            window("api", 2.0, 3.0, Some(48.0)),
            window("api", 5.0, 6.0, Some(47.0)),
            window("*", 20.0, 22.0, None),
            window("db", -2.0, 1.0, Some(1.0)),
        ];
        let fixture = Fixture::day();
        let ctx = fixture.ctx().with_family(family(windows));
        let output = super::run(&ctx).expect("runs").expect("subjects");
        let by = |s: &str| {
            output
                .findings
                .iter()
                .find(|f| f.subject == s)
                .expect("row")
        };
        assert_eq!(
            (by("api").measured, by("api").status),
            (Some(1.0), Status::Fail)
        );
        assert_eq!(
            (by("*").measured, by("*").status),
            (Some(1.0), Status::Fail)
        );
        assert_eq!(
            (by("db").measured, by("db").status),
            (Some(0.0), Status::Pass)
        );
        assert_eq!(output.evidence.expect("rows").rows.len(), 4);
    }

    #[test]
    fn no_window_in_the_period_no_subject() {
        let fixture = Fixture::day();
        let windows = vec![window("api", 30.0, 31.0, None)];
        let ctx = fixture.ctx().with_family(family(windows));
        assert!(super::run(&ctx).expect("runs").is_none());
    }
}
