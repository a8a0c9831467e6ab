//! The backups section: the policy targets, the five backup figures per source against
//! their targets, a timeline per source and the failed or partial runs.
//!
//! Every figure comes from the `backup.*` rows of `assessment.findings` (measured,
//! target, status, detail) and the instants from `assessment.backups`; the failed
//! runs with their outcome and repository from [`Assessment::failed_backup_runs`].
//! Nothing is measured here: a gap's length on the timeline is the finding's measured
//! value.

use super::super::layout::{colour, Cell, Column, Layout, Style, Table};
use super::super::text::Font;
use super::super::timeline::{self, Band, Lane};
use super::{status_colour, status_label, with_unit, Context};
use crate::model::{Assessment, CheckId, Finding, Millis, Status};
use crate::model::{SourceBackups, Unit, WaiverState};
use crate::period::format_local;
use crate::time::format_duration;

/// The five checks in the order of the figures table.
const CHECKS: [(CheckId, &str); 5] = [
    (CheckId::BackupRpo, "Longest gap between backups (RPO)"),
    (CheckId::BackupOffsite, "Longest gap between offsite copies"),
    (
        CheckId::BackupEncryption,
        "Unencrypted backups in the period",
    ),
    (
        CheckId::BackupRetention,
        "Age of the oldest restorable point",
    ),
    (
        CheckId::BackupRestoreTest,
        "Days since the last restore test",
    ),
];

/// At most this many failed or partial runs are listed; the evidence CSV has them all.
const FAILED_ROWS_SHOWN: usize = 20;

pub fn backups(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    let tz = assessment.organisation.timezone;
    let offsite = match assessment.organisation.primary_region.trim() {
        "" => "outside the primary region".to_string(),
        region => format!("outside {region}"),
    };
    layout.paragraph(
        &format!(
            "Targets: a successful backup at least every {} (RPO); a copy {offsite} at \
             least every {}; no unencrypted backup; restorable points kept at least {}; \
             a successful restore test within {} of the period end. Times are local ({}).",
            format_duration(policy.rpo),
            format_duration(policy.offsite_max_age),
            format_duration(policy.retention_min),
            format_duration(policy.restore_test_max_age),
            tz.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);

    if assessment.backups.is_empty() {
        layout.paragraph("No backup evidence in the period.", Style::BODY);
        if let Some(finding) = assessment.finding(CheckId::BackupRpo, "*") {
            if !finding.detail.is_empty() {
                layout.paragraph(
                    &format!("The backup checks are not evaluated: {}.", finding.detail),
                    Style::SMALL,
                );
            }
        }
        return;
    }

    figures(layout, assessment);
    let days: Vec<(String, Millis, Millis)> = assessment
        .period
        .local_days()
        .into_iter()
        .map(|(date, start, end)| (date.format("%-d").to_string(), start, end))
        .collect();
    let axis = timeline::Axis {
        start: assessment.period.start,
        end: assessment.period.end,
        days: &days,
    };
    let source_title = Style::new(Font::Bold, 9.0, colour::INK);
    let chart_height = source_title.leading() + 2.0 + timeline::height(2);
    layout.subheading(
        "Timelines",
        2.0 * Style::SMALL.leading() + timeline::LEGEND_HEIGHT + chart_height,
    );
    layout.paragraph(
        "Per source, a tick for each successful backup and each offsite copy that \
         finished in the period, failed or partial runs in red, and the longest gap of \
         each lane shaded with its length (a gap that opens before the period starts at \
         its left edge).",
        Style::SMALL,
    );
    timeline::legend(layout);
    for source in &assessment.backups {
        layout.space(4.0);
        layout.ensure(chart_height);
        layout.paragraph(&source.source, source_title);
        layout.space(2.0);
        timeline::timeline(layout, &axis, &lanes(assessment, source));
    }
    failed_runs(layout, context);
}

/// One row per source, one column per check: status, measured value, target.
fn figures(layout: &mut Layout, assessment: &Assessment) {
    let mut columns = vec![Column::new("Source", 1.25)];
    columns.extend(
        CHECKS
            .iter()
            .map(|(_, title)| Column::new(title, 1.55).sized(7.5)),
    );
    let mut table = Table::new(columns);
    for source in &assessment.backups {
        let mut row = vec![Cell::new(source.source.clone()).bold()];
        for (check, _) in CHECKS {
            row.push(figure_cell(assessment.finding(check, &source.source)));
        }
        table.row(row);
    }
    layout.table(&table);
    layout.paragraph(
        "Each cell: status and measured value, then the target. A value is empty when \
         there was nothing to measure; the line below it says why.",
        Style::SMALL,
    );
}

fn figure_cell(finding: Option<&Finding>) -> Cell {
    let Some(finding) = finding else {
        return Cell::new("\u{2014}").coloured(colour::MUTED);
    };
    let measured = match finding.measured {
        Some(value) => with_unit(Some(value), finding.unit),
        None if finding.status == Status::NotEvaluated => "\u{2014}".to_string(),
        None => "none".to_string(),
    };
    let mut lines = vec![format!("{}: {measured}", status_label(finding.status))];
    if let Some(target) = finding.target {
        let bound = match finding.check {
            CheckId::BackupRetention => "min",
            CheckId::BackupEncryption => "target",
            _ => "max",
        };
        lines.push(format!("{bound} {}", with_unit(Some(target), finding.unit)));
    }
    if finding.measured.is_none() && !finding.detail.is_empty() {
        lines.push(finding.detail.clone());
    }
    // The waivers section has the approver and justification; a cell says until when.
    if let Some(waiver) = &finding.waiver {
        let expires = waiver.expires_on.format("%Y-%m-%d");
        lines.push(match waiver.state {
            WaiverState::Expired => format!("waiver expired {expires}"),
            WaiverState::Active | WaiverState::Expiring => format!("waived until {expires}"),
        });
    }
    Cell::new(lines.join("\n")).marked(status_colour(finding.status))
}

/// The "backups" and "offsite" lanes of one source's timeline.
fn lanes<'a>(assessment: &Assessment, source: &'a SourceBackups) -> Vec<Lane<'a>> {
    let lane = |name: &'a str,
                nothing: &str,
                check: CheckId,
                ticks: &'a [Millis],
                failed: &'a [Millis],
                gap| {
        let finding = assessment.finding(check, &source.source);
        let band = match (gap, finding) {
            (Some((from, to)), Some(finding)) => Some(Band {
                from,
                to,
                label: format!("longest gap {}", with_unit(finding.measured, Unit::Hours)),
                failing: !matches!(finding.status, Status::Pass | Status::NotEvaluated),
            }),
            _ => None,
        };
        let note = match finding {
            Some(f) if f.status == Status::NotEvaluated => {
                Some(format!("not evaluated: {}", f.detail))
            }
            _ if ticks.is_empty() && failed.is_empty() => Some(nothing.to_string()),
            _ => None,
        };
        Lane {
            name,
            ticks,
            failed,
            band,
            note,
        }
    };
    vec![
        lane(
            "backups",
            "no successful backup in the period",
            CheckId::BackupRpo,
            &source.successes,
            &source.failed,
            source.longest_gap,
        ),
        lane(
            "offsite",
            "no offsite copy in the period",
            CheckId::BackupOffsite,
            &source.offsite,
            &[],
            source.longest_offsite_gap,
        ),
    ]
}

/// The failed or partial runs, their outcome and repository taken from the
/// `backup.rpo` evidence rows.
fn failed_runs(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let tz = assessment.organisation.timezone;
    let runs = match assessment.failed_backup_runs() {
        Ok(runs) => runs,
        Err(missing) => return context.missing_column(CheckId::BackupRpo, &missing),
    };
    layout.subheading("Failed and partial runs", 50.0);
    if runs.is_empty() {
        layout.paragraph("No failed or partial run in the period.", Style::BODY);
        return;
    }
    let mut table = Table::new(vec![
        Column::new("Source", 1.4),
        Column::new("Started (local)", 2.0),
        Column::new("Finished (local)", 2.0),
        Column::new("Outcome", 1.1),
        Column::new("Repository", 1.8),
    ]);
    for run in runs.iter().take(FAILED_ROWS_SHOWN) {
        table.row(vec![
            Cell::new(run.source),
            format_local(run.started, tz).into(),
            run.finished
                .map(|at| format_local(at, tz))
                .unwrap_or_default()
                .into(),
            Cell::new(run.outcome.unwrap_or("failed or partial")).marked(colour::RED),
            run.repository.unwrap_or_default().into(),
        ]);
    }
    layout.table(&table);
    if runs.len() > FAILED_ROWS_SHOWN {
        layout.paragraph(
            &format!(
                "The first {FAILED_ROWS_SHOWN} of {} failed or partial runs; \
                 evidence/backup.rpo.csv lists them all.",
                runs.len()
            ),
            Style::SMALL,
        );
    }
}
