//! What the access, logging and monitoring sections share: per check, its findings
//! rows against their targets and the offending rows of its evidence table.
//!
//! Figures, targets, statuses and details come from `assessment.findings`; the listed
//! rows are the rows the check flagged offending ([`crate::model::Assessment::offending_rows`]) in
//! `assessment.evidence[check]`, in the order of `evidence/<check>.csv`, so the PDF's
//! first rows are the CSV's first rows. Nothing is measured, compared or counted here.
//! Columns are looked up by the names in [`crate::model::columns`]; a column the table
//! lacks (other than an optional one) refuses the report instead of blanking it.

use super::super::layout::{colour, Cell, Column, Layout, Style, Table};
use super::super::layout::{CONTENT_WIDTH, TABLE_TEXT_SIZE};
use super::super::text::{self, Font};
use super::{status_cell, with_unit, Context};
use crate::model::{columns, Cell as EvidenceCell, CheckId, EvidenceTable, Finding};
use crate::model::{MissingColumn, Status, Unit};
use crate::period::format_local;

/// At most this many offending rows are listed per check; the evidence CSV has them all.
pub const EVENTS_SHOWN: usize = 50;
/// A check's findings table lists at most this many subjects; beyond it the rows that
/// do not pass come first and findings.csv has them all (a million subjects must not
/// become a twenty-thousand-page report).
pub const FINDINGS_SHOWN: usize = 200;

/// The offending rows' tables are the densest of the report.
const EVENT_TEXT_SIZE: f32 = 7.0;

/// How one check is shown.
pub struct CheckView {
    pub check: CheckId,
    /// What the check measures, as the check's sub-heading.
    pub title: &'static str,
    /// The header of the findings table's subject column.
    pub subject: &'static str,
    /// How the offending rows are spoken of.
    pub offending: Offending,
    /// The columns of the offending rows' table.
    pub columns: &'static [EventColumn],
}

/// How a check's offending rows are spoken of; which rows offend is the check's flag
/// ([`crate::model::Assessment::offending_rows`]).
pub enum Offending {
    /// Offending events (`N offending events`).
    Events,
    /// The evidence has a row per measurement. `what` names the offending ones
    /// ("leavers deactivated later than the target"), `scope` says what the CSV has a
    /// row for ("leaver").
    Measurements {
        what: (&'static str, &'static str),
        scope: &'static str,
    },
}

/// A column of an offending rows' table; `width` in points (the columns of a table
/// add up to the content width, 493 pt).
pub struct EventColumn {
    pub title: &'static str,
    pub width: f32,
    pub value: Value,
    /// Left out where the table does not carry it (a due-diligence pack drops `ip`, and
    /// its support-access table is all one tenant's); any other missing column is an
    /// error.
    pub optional: bool,
}

pub enum Value {
    /// The evidence column of that name: texts as they are, times local with the
    /// offset, hours at 2 decimals.
    Field(&'static str),
    /// A time column; `missing` is shown when it is empty.
    TimeOr(&'static str, &'static str),
    /// `file:line` of the evidence row, so an auditor can find the line.
    Location,
    /// The same from the tables that name the input file [`columns::PATH`] (the
    /// backup, uptime, capacity and disk tables).
    PathLine,
}

pub const fn column(title: &'static str, width: f32, value: Value) -> EventColumn {
    EventColumn {
        title,
        width,
        value,
        optional: false,
    }
}

/// A column some tables of the check do not carry.
pub const fn optional(title: &'static str, width: f32, value: Value) -> EventColumn {
    EventColumn {
        optional: true,
        ..column(title, width, value)
    }
}

impl EventColumn {
    /// The evidence columns this column shows.
    fn names(&self) -> Vec<&'static str> {
        match self.value {
            Value::Field(name) | Value::TimeOr(name, _) => vec![name],
            Value::Location => vec![columns::FILE, columns::LINE],
            Value::PathLine => vec![columns::PATH, columns::LINE],
        }
    }

    /// Whether `table` carries it, or the first column it lacks when it is required.
    fn shown(&self, table: &EvidenceTable) -> Result<bool, MissingColumn> {
        for name in self.names() {
            if let Err(missing) = table.column(name) {
                return if self.optional {
                    Ok(false)
                } else {
                    Err(missing)
                };
            }
        }
        Ok(true)
    }
}

/// One family: its checks in order, or, when none of its rows was evaluated, the
/// sentence that there was no evidence and why, under the sub-heading `label` when the
/// section shows more than one family.
pub fn family(layout: &mut Layout, context: &Context, label: Option<&str>, views: &[CheckView]) {
    let assessment = context.assessment;
    let checks: Vec<CheckId> = views.iter().map(|v| v.check).collect();
    if assessment.none_evaluated(&checks) {
        if let Some(label) = label {
            layout.subheading(label, 30.0);
        }
        layout.paragraph("No evidence of this kind in the period.", Style::BODY);
        layout.space(2.0);
        // One bullet per reason, so that the checks sharing a missing input read as one.
        for reason in assessment.not_evaluated_reasons(Some(&checks)) {
            layout.bullet(
                &format!(
                    "{}: not evaluated, {}.",
                    super::not_evaluated_labels(&reason),
                    super::reason_text(&reason)
                ),
                Style::SMALL,
            );
        }
        return;
    }
    for view in views {
        check(layout, context, view);
    }
}

fn check(layout: &mut Layout, context: &Context, view: &CheckView) {
    let assessment = context.assessment;
    let rows = assessment.findings_of(view.check);
    // Keep the sub-heading with the table header and a couple of rows.
    layout.subheading(&format!("{} ({})", view.title, view.check), 80.0);
    if rows.is_empty() {
        layout.paragraph("No finding for this check.", Style::BODY);
        return;
    }
    if let [only] = rows.as_slice() {
        if only.subject == "*" && only.status == Status::NotEvaluated {
            let reason = if only.detail.is_empty() {
                "no detail given"
            } else {
                only.detail.as_str()
            };
            layout.paragraph(&format!("Not evaluated: {reason}."), Style::BODY);
            return;
        }
    }
    let shown = listed_findings(layout, &rows, "subjects");
    findings_table(layout, view, &shown);
    layout.space(4.0);
    offending_rows(layout, context, view);
}

/// The rows a table lists: all of them up to [`FINDINGS_SHOWN`]; beyond, those that do
/// not pass first, after a sentence saying so (the CSV has every row).
pub fn listed_findings<'a>(
    layout: &mut Layout,
    rows: &[&'a Finding],
    what: &str,
) -> Vec<&'a Finding> {
    if rows.len() > FINDINGS_SHOWN {
        note_not_passing(layout, rows, what);
    }
    capped(rows, |f| f.status != Status::Pass)
}

/// The sentence before a table cut at [`FINDINGS_SHOWN`] rows.
fn note_not_passing(layout: &mut Layout, rows: &[&Finding], what: &str) {
    let not_passing = rows.iter().filter(|f| f.status != Status::Pass).count();
    layout.paragraph(
        &format!(
            "{} {what}, {not_passing} not passing; {FINDINGS_SHOWN} are listed ({}), all are in findings.csv.",
            rows.len(),
            if not_passing >= FINDINGS_SHOWN {
                "the first that do not pass"
            } else {
                "those that do not pass, then the first that pass"
            }
        ),
        Style::new(Font::Bold, 8.5, colour::INK),
    );
}

/// The rows a table lists: all of them up to [`FINDINGS_SHOWN`]; beyond, the `flagged`
/// ones first, each group in its order.
pub fn capped<'a, T>(rows: &[&'a T], flagged: impl Fn(&T) -> bool) -> Vec<&'a T> {
    if rows.len() <= FINDINGS_SHOWN {
        return rows.to_vec();
    }
    rows.iter()
        .filter(|row| flagged(row))
        .chain(rows.iter().filter(|row| !flagged(row)))
        .take(FINDINGS_SHOWN)
        .copied()
        .collect()
}

/// One row per subject: measured value and target with the unit, status, detail.
fn findings_table(layout: &mut Layout, view: &CheckView, rows: &[&Finding]) {
    // Widths in points: the subject column as wide as its longest subject (file paths
    // for the logging checks, short names for access), the detail takes the rest.
    let subject = rows
        .iter()
        .map(|f| text::width(Font::Bold, TABLE_TEXT_SIZE, &f.subject))
        .fold(
            text::width(Font::Bold, TABLE_TEXT_SIZE, view.subject),
            f32::max,
        )
        .clamp(62.0, 150.0)
        + 10.0;
    let (measured, target, status) = (55.0, 58.0, 72.0);
    let mut table = Table::new(vec![
        Column::new(view.subject, subject),
        Column::new("Measured", measured).right(),
        Column::new("Target", target).right(),
        Column::new("Status", status),
        Column::new(
            "Detail",
            CONTENT_WIDTH - subject - measured - target - status,
        )
        .sized(7.5),
    ]);
    for finding in rows {
        let status = status_cell(finding.status);
        // The waiver that decided the row (or expired): who, until when and why.
        let detail = match &finding.waiver {
            Some(waiver) => format!("{}\nWaiver: {}", finding.detail, waiver.label()),
            None => finding.detail.clone(),
        };
        let target = match (finding.target, finding.unit) {
            (Some(target), Unit::Hours | Unit::Days | Unit::Minutes | Unit::Milliseconds) => {
                format!("max {}", with_unit(Some(target), finding.unit))
            }
            (target, unit) => with_unit(target, unit),
        };
        table.row(vec![
            Cell::new(finding.subject.clone()).bold(),
            with_unit(finding.measured, finding.unit).into(),
            target.into(),
            status,
            detail.into(),
        ]);
    }
    layout.table(&table);
}

/// The sentence with the count, then the first [`EVENTS_SHOWN`] offending rows.
fn offending_rows(layout: &mut Layout, context: &Context, view: &CheckView) {
    let assessment = context.assessment;
    let csv = format!("evidence/{}.csv", view.check);
    let empty = EvidenceTable::new(&[]);
    let table = assessment.evidence.get(&view.check).unwrap_or(&empty);
    // The columns are resolved before anything is drawn, also when no row offends, so
    // that a renamed column is found by every report that has the table.
    let mut columns: Vec<&EventColumn> = Vec::new();
    if !table.columns.is_empty() {
        for column in view.columns {
            match column.shown(table) {
                Ok(true) => columns.push(column),
                Ok(false) => {}
                Err(missing) => return context.missing_column(view.check, &missing),
            }
        }
    }
    let offending = assessment.offending_rows(view.check);
    let count = offending.count();
    let (singular, plural) = match &view.offending {
        Offending::Events => ("offending event", "offending events"),
        Offending::Measurements { what, .. } => *what,
    };
    let sentence = match count {
        0 => format!("No {singular} in the period."),
        n if n > EVENTS_SHOWN => {
            format!("{n} {plural}; the first {EVENTS_SHOWN} are listed, all are in {csv}.")
        }
        1 => format!("1 {singular}, listed below and in {csv}."),
        n => format!("{n} {plural}, all listed below and in {csv}."),
    };
    let style = Style::new(Font::Bold, 8.5, colour::INK);
    if count > 0 {
        // The sentence stays with the table header and its first rows.
        layout.ensure(3.0 * style.leading() + 40.0);
    }
    layout.paragraph(&sentence, style);
    if let Offending::Measurements { scope, .. } = &view.offending {
        if table.rows.len() > count {
            layout.paragraph(&format!("{csv} has a row for every {scope}."), Style::SMALL);
        }
    }
    if count == 0 {
        return;
    }
    layout.space(2.0);
    let tz = assessment.organisation.timezone;
    let evidence = Evidence { table };
    let mut listed = Table::new(
        columns
            .iter()
            .map(|c| {
                let column = Column::new(c.title, c.width).sized(EVENT_TEXT_SIZE);
                match c.value {
                    Value::Field(columns::HOURS | columns::LINE | columns::EVENTS_IN_PERIOD) => {
                        column.right()
                    }
                    _ => column,
                }
            })
            .collect(),
    );
    for row in offending.rows.iter().take(EVENTS_SHOWN) {
        listed.row(
            columns
                .iter()
                .map(|c| match c.value {
                    Value::Field(name) => evidence.text(row, name, tz).into(),
                    Value::TimeOr(name, missing) => match evidence.get(row, name) {
                        Some(EvidenceCell::Time(_)) => evidence.text(row, name, tz).into(),
                        _ => Cell::new(missing).coloured(colour::RED),
                    },
                    Value::Location | Value::PathLine => {
                        let file_column = match c.value {
                            Value::PathLine => columns::PATH,
                            _ => columns::FILE,
                        };
                        let file = evidence.text(row, file_column, tz);
                        let line = evidence.text(row, columns::LINE, tz);
                        match (file.is_empty(), line.is_empty()) {
                            (true, _) => Cell::new(""),
                            (false, true) => Cell::new(file),
                            (false, false) => Cell::new(format!("{file}:{line}")),
                        }
                    }
                })
                .collect(),
        );
    }
    layout.table(&listed);
}

/// Cells of an evidence table by column name.
pub struct Evidence<'a> {
    pub table: &'a EvidenceTable,
}

impl Evidence<'_> {
    /// The cell of column `name`; `None` where the table lacks the column (sections
    /// resolve their columns first, see [`EventColumn`]).
    pub fn get<'r>(&self, row: &'r [EvidenceCell], name: &'static str) -> Option<&'r EvidenceCell> {
        let index = self.table.column(name).ok()?;
        row.get(index)
    }

    /// A cell as the PDF shows it: times local with the offset, numbers at the
    /// precision of the CSV.
    pub fn text(&self, row: &[EvidenceCell], name: &'static str, tz: chrono_tz::Tz) -> String {
        match self.get(row, name) {
            None | Some(EvidenceCell::Empty) => String::new(),
            Some(EvidenceCell::Text(text)) => text.clone(),
            Some(EvidenceCell::Time(at)) => format_local(*at, tz),
            Some(EvidenceCell::Seconds(ms)) => crate::time::format_duration(*ms),
            Some(EvidenceCell::Percent(value)) => with_unit(Some(*value), Unit::Percent),
            Some(EvidenceCell::Hours(value)) => with_unit(Some(*value), Unit::Hours),
            Some(EvidenceCell::Days(value)) => with_unit(Some(*value), Unit::Days),
            Some(EvidenceCell::Minutes(value)) => with_unit(Some(*value), Unit::Minutes),
            Some(EvidenceCell::Milliseconds(value)) => with_unit(Some(*value), Unit::Milliseconds),
            Some(EvidenceCell::Count(value)) => value.to_string(),
        }
    }
}
