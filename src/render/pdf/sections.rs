//! The report's sections: each turns part of the [`Assessment`] into flow elements.
//!
//! Sections format what the assessment holds and nothing more: no figure is computed
//! here (counting rows for a table is the most they do), so the PDF always agrees with
//! the CSV and JSON files of the same pack.

mod access;
mod backups;
mod checks;
mod configuration;
mod logging;
mod promises;
mod tenant;
mod waivers;

use std::cell::RefCell;

use super::chart;
use super::layout::{colour, Cell, Column, Layout, Rgb, Style, Table, CONTENT_WIDTH, MARGIN_X};
use super::text::Font;
use crate::model::{
    Assessment, CheckId, ControlStatus, MissingColumn, NotEvaluatedReason, Status, Unit,
};
use crate::period::{format_local, format_utc};
use crate::render::template::{Section, SectionKind, Template};
use crate::render::PackEntry;
use crate::time::format_duration;

pub struct Context<'a> {
    pub assessment: &'a Assessment,
    pub template: &'a Template,
    pub pack: &'a [PackEntry],
    /// Evidence columns a section looked up and the table did not have: a check and
    /// the report disagree on a name. The report is refused rather than shown with a
    /// blank column.
    pub missing: RefCell<Vec<String>>,
}

impl<'a> Context<'a> {
    pub fn new(assessment: &'a Assessment, template: &'a Template, pack: &'a [PackEntry]) -> Self {
        Context {
            assessment,
            template,
            pack,
            missing: RefCell::new(Vec::new()),
        }
    }

    /// Notes that `evidence/<check>.csv` lacks a column a section needs.
    pub fn missing_column(&self, check: CheckId, missing: &MissingColumn) {
        self.missing
            .borrow_mut()
            .push(format!("evidence/{check}.csv: {missing}"));
    }
}

/// Draws one template section. `number` is its heading number.
pub fn render(layout: &mut Layout, context: &Context, section: &Section, number: usize) {
    let title = section_title(section);
    match section.kind {
        SectionKind::Cover => cover(layout, context),
        SectionKind::Summary => {
            start(layout, number, &title, section);
            summary(layout, context);
        }
        SectionKind::Availability => {
            start(layout, number, &title, section);
            availability(layout, context);
        }
        SectionKind::Backups => {
            start(layout, number, &title, section);
            backups::backups(layout, context);
        }
        SectionKind::Access => {
            start(layout, number, &title, section);
            access::access(layout, context);
        }
        SectionKind::Logging => {
            start(layout, number, &title, section);
            logging::logging(layout, context);
        }
        SectionKind::Monitoring => {
            start(layout, number, &title, section);
            logging::monitoring(layout, context);
        }
        SectionKind::Promises => {
            start(layout, number, &title, section);
            promises::promises(layout, context);
        }
        SectionKind::Configuration => {
            start(layout, number, &title, section);
            configuration::configuration(layout, context);
        }
        SectionKind::Soa => {
            start(layout, number, &title, section);
            statement_of_applicability(layout, context);
        }
        SectionKind::EvidenceIndex => {
            start(layout, number, &title, section);
            evidence_index(layout, context);
        }
        SectionKind::Waivers => {
            start(layout, number, &title, section);
            waivers::waivers_and_attestations(layout, context);
        }
        SectionKind::Answers => {
            start(layout, number, &title, section);
            tenant::answers(layout, context);
        }
        SectionKind::DataLocation => {
            start(layout, number, &title, section);
            tenant::data_location(layout, context);
        }
        SectionKind::SupportAccess => {
            start(layout, number, &title, section);
            tenant::support_access(layout, context);
        }
    }
}

/// Whether the section gets a numbered heading.
pub fn is_numbered(kind: SectionKind) -> bool {
    kind != SectionKind::Cover
}

fn section_title(section: &Section) -> String {
    if !section.title.is_empty() {
        return section.title.clone();
    }
    match section.kind {
        SectionKind::Cover => "Cover",
        SectionKind::Summary => "Summary",
        SectionKind::Availability => "Availability",
        SectionKind::Backups => "Backups",
        SectionKind::Access => "Access",
        SectionKind::Logging => "Logging and monitoring",
        SectionKind::Monitoring => "Monitoring",
        SectionKind::Promises => "Hosting promises",
        SectionKind::Configuration => "Configuration",
        SectionKind::Soa => "Statement of Applicability",
        SectionKind::Waivers => "Waivers and attestations",
        SectionKind::EvidenceIndex => "Evidence index",
        SectionKind::Answers => "Your questions, answered",
        SectionKind::DataLocation => "Where is the data?",
        SectionKind::SupportAccess => "Support access to the tenant",
    }
    .to_string()
}

/// A major section starts on a fresh page with its heading and intro.
fn start(layout: &mut Layout, number: usize, title: &str, section: &Section) {
    if !layout.at_page_top() {
        layout.page_break();
    }
    layout.heading(number, title);
    if !section.intro.is_empty() {
        layout.paragraph(&section.intro, Style::BODY);
        layout.space(6.0);
    }
}

// ----- labels and colours ---------------------------------------------------------------

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Pass => "Pass",
        Status::Fail => "Fail",
        Status::Waived => "Waived",
        Status::NotEvaluated => "Not evaluated",
        Status::Error => "Error",
    }
}

fn status_colour(status: Status) -> Rgb {
    match status {
        Status::Pass => colour::GREEN,
        Status::Fail => colour::RED,
        Status::Waived => colour::AMBER,
        Status::NotEvaluated => colour::GREY,
        Status::Error => colour::PURPLE,
    }
}

fn control_label(status: ControlStatus) -> &'static str {
    match status {
        ControlStatus::Pass => "Pass",
        ControlStatus::Fail => "Fail",
        ControlStatus::Waived => "Waived",
        ControlStatus::Attested => "Attested",
        ControlStatus::NotApplicable => "Not applicable",
        ControlStatus::NoEvidence => "No evidence",
    }
}

fn control_colour(status: ControlStatus) -> Rgb {
    match status {
        ControlStatus::Pass => colour::GREEN,
        ControlStatus::Fail => colour::RED,
        ControlStatus::Waived => colour::AMBER,
        ControlStatus::Attested => colour::BLUE,
        ControlStatus::NotApplicable => colour::LIGHT_GREY,
        ControlStatus::NoEvidence => colour::GREY,
    }
}

fn status_cell(status: Status) -> Cell {
    Cell::new(status_label(status)).marked(status_colour(status))
}

fn control_cell(status: ControlStatus) -> Cell {
    Cell::new(control_label(status)).marked(control_colour(status))
}

fn verdict_text(status: Status) -> &'static str {
    if status.is_failing(false) {
        "FAIL"
    } else {
        "PASS"
    }
}

/// A measured value or target with its unit, at the unit's fixed precision.
fn with_unit(value: Option<f64>, unit: Unit) -> String {
    match value {
        None => "-".to_string(),
        Some(value) => match unit {
            Unit::Percent => format!("{}%", unit.format(value)),
            Unit::Hours => format!("{} h", unit.format(value)),
            Unit::Days => format!("{} days", unit.format(value)),
            Unit::Minutes => format!("{} min", unit.format(value)),
            Unit::Milliseconds => format!("{} ms", unit.format(value)),
            Unit::Count => unit.format(value),
        },
    }
}

fn percent(value: Option<f64>) -> String {
    with_unit(value, Unit::Percent)
}

/// The rows of one not-evaluated reason: `check` for a check-wide row, else
/// `check (subject)`.
fn not_evaluated_labels(reason: &NotEvaluatedReason) -> String {
    let labels: Vec<String> = reason
        .findings
        .iter()
        .map(|finding| {
            if finding.subject == "*" {
                finding.check.as_str().to_string()
            } else {
                format!("{} ({})", finding.check.as_str(), finding.subject)
            }
        })
        .collect();
    labels.join(", ")
}

fn reason_text<'a>(reason: &NotEvaluatedReason<'a>) -> &'a str {
    if reason.detail.is_empty() {
        "no detail given"
    } else {
        reason.detail
    }
}

// ----- cover --------------------------------------------------------------------------

fn cover(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let template = context.template;
    let tz = assessment.organisation.timezone;

    layout.space(28.0);
    layout.paragraph(
        "ISO/IEC 27001:2022 EVIDENCE PACK",
        Style::new(Font::Bold, 9.0, colour::MUTED),
    );
    layout.space(6.0);
    layout.paragraph(
        &template.title,
        Style::new(Font::Bold, 24.0, colour::ACCENT),
    );
    layout.space(4.0);
    layout.paragraph(
        &assessment.organisation.name,
        Style::new(Font::Regular, 15.0, colour::INK),
    );
    if let Some(tenant) = &assessment.tenant {
        layout.paragraph(
            &format!("For tenant {tenant}"),
            Style::new(Font::Bold, 13.0, colour::INK),
        );
    }
    layout.paragraph(
        &format!("Period {}", assessment.period.label),
        Style::new(Font::Regular, 12.0, colour::MUTED),
    );
    layout.space(22.0);

    // The verdict box and the counts behind it.
    let verdict = assessment.verdict();
    let box_height = 62.0;
    let box_width = 140.0;
    let top = layout.y();
    let fill = if verdict.is_failing(false) {
        colour::RED
    } else {
        colour::GREEN
    };
    layout.fill_rect(MARGIN_X, top - box_height, box_width, box_height, fill);
    layout.text_centered(
        MARGIN_X + box_width / 2.0,
        top - 19.0,
        Style::new(Font::Bold, 8.0, colour::WHITE),
        "OVERALL VERDICT",
    );
    layout.text_centered(
        MARGIN_X + box_width / 2.0,
        top - 48.0,
        Style::new(Font::Bold, 26.0, colour::WHITE),
        verdict_text(verdict),
    );
    let counts = assessment.counts();
    let side_x = MARGIN_X + box_width + 16.0;
    let side_width = CONTENT_WIDTH - box_width - 16.0;
    layout.set_y(top - 2.0);
    layout.paragraph_at(
        side_x,
        side_width,
        &format!("{} findings in the period", counts.total()),
        Style::new(Font::Bold, 10.0, colour::INK),
    );
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|status| {
            format!(
                "{} {}",
                counts.get(*status),
                status_label(*status).to_lowercase()
            )
        })
        .collect();
    layout.paragraph_at(side_x, side_width, &parts.join(" | "), Style::BODY);
    let explanation = if verdict.is_failing(false) {
        "At least one finding failed or could not be evaluated because of an error."
    } else {
        "No finding failed or erred. Findings not evaluated are listed in the summary."
    };
    layout.space(3.0);
    layout.paragraph_at(
        side_x,
        side_width,
        explanation,
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.set_y(top - box_height - 24.0);

    let mut details = vec![
        (
            "Organisation".to_string(),
            assessment.organisation.name.clone(),
        ),
        (
            "Primary region".to_string(),
            assessment.organisation.primary_region.clone(),
        ),
    ];
    if let Some(tenant) = &assessment.tenant {
        details.push(("Tenant".to_string(), tenant.clone()));
    }
    details.extend([
        ("Period".to_string(), assessment.period.label.clone()),
        (
            "Period start".to_string(),
            format_local(assessment.period.start, tz),
        ),
        (
            "Period end (exclusive)".to_string(),
            format_local(assessment.period.end, tz),
        ),
        ("Time zone".to_string(), tz.name().to_string()),
        (
            "Report template".to_string(),
            format!("{} ({})", template.title, template.name),
        ),
        ("Audience".to_string(), template.audience.clone()),
        (
            "Generated (UTC)".to_string(),
            format_utc(assessment.generated_at),
        ),
        (
            "Generated (local)".to_string(),
            format_local(assessment.generated_at, tz),
        ),
        (
            "Tool".to_string(),
            format!("auditpack {}", assessment.tool_version),
        ),
        (
            "Signed by".to_string(),
            if assessment.signers.is_empty() {
                "Unsigned".to_string()
            } else {
                assessment.signers.join("\n")
            },
        ),
    ]);
    layout.key_values(&details, 130.0);

    layout.space(10.0);
    layout.subheading("About this report", 30.0);
    layout.paragraph(&template.intro, Style::BODY);
}

// ----- executive summary --------------------------------------------------------------

fn summary(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let verdict = assessment.verdict();
    layout.paragraph(
        &format!(
            "Overall verdict: {}. {} findings and {} Annex A controls are reported for period {}.",
            verdict_text(verdict),
            assessment.counts().total(),
            assessment.controls.len(),
            assessment.period.label
        ),
        Style::BODY,
    );
    layout.space(4.0);

    // Findings and controls by status, side by side.
    let counts = assessment.counts();
    let mut findings = Table::new(vec![
        Column::new("Findings by status", 3.0),
        Column::new("Rows", 1.2).right(),
    ]);
    for status in Status::ALL {
        findings.row(vec![
            status_cell(status),
            counts.get(status).to_string().into(),
        ]);
    }
    findings.row(vec!["Total".into(), counts.total().to_string().into()]);
    findings.footer_rows = 1;

    let mut controls = Table::new(vec![
        Column::new("Controls by status", 3.0),
        Column::new("Controls", 1.2).right(),
    ]);
    for status in ControlStatus::ALL {
        let count = assessment.control_count(status);
        controls.row(vec![control_cell(status), count.to_string().into()]);
    }
    controls.row(vec![
        "Total".into(),
        assessment.controls.len().to_string().into(),
    ]);
    controls.footer_rows = 1;

    let gap = 18.0;
    let half = (CONTENT_WIDTH - gap) / 2.0;
    let height = Layout::table_height(&findings, half).max(Layout::table_height(&controls, half));
    layout.ensure(height + 4.0);
    let top = layout.y();
    layout.table_at(MARGIN_X, half, &findings);
    let left_bottom = layout.y();
    layout.set_y(top);
    layout.table_at(MARGIN_X + half + gap, half, &controls);
    layout.set_y(layout.y().min(left_bottom));

    // Coverage by theme.
    layout.subheading("Coverage by Annex A theme", 60.0);
    let statuses = ControlStatus::ALL;
    let mut columns = vec![
        Column::new("Theme", 2.2),
        Column::new("Controls", 1.1).right(),
    ];
    columns.extend(
        statuses
            .iter()
            .map(|status| Column::new(control_label(*status), 1.1).right()),
    );
    let mut themes = Table::new(columns);
    for theme in assessment.theme_counts() {
        let mut cells = vec![
            Cell::new(theme.theme.clone()),
            theme.controls.to_string().into(),
        ];
        for status in statuses {
            let n = theme.get(status);
            let mut cell = Cell::new(n.to_string());
            if n > 0 && matches!(status, ControlStatus::Fail | ControlStatus::Pass) {
                cell = cell.coloured(control_colour(status)).bold();
            }
            cells.push(cell);
        }
        themes.row(cells);
    }
    let mut total = vec![
        Cell::new("All themes"),
        assessment.controls.len().to_string().into(),
    ];
    for status in statuses {
        total.push(assessment.control_count(status).to_string().into());
    }
    themes.row(total);
    themes.footer_rows = 1;
    layout.table(&themes);

    // Key figures against targets.
    layout.subheading("Key figures against targets", 60.0);
    let evaluated = assessment.evaluated();
    if evaluated.is_empty() {
        layout.paragraph("No check was evaluated in the period.", Style::BODY);
    } else {
        let mut figures = Table::new(vec![
            Column::new("Check", 2.2),
            Column::new("Subject", 3.0),
            Column::new("Measured", 1.3).right(),
            Column::new("Target", 1.2).right(),
            Column::new("Status", 1.3),
        ]);
        for finding in checks::listed_findings(layout, &evaluated, "rows") {
            // Waivers are listed in their own section; the status says "Waived".
            let status = status_cell(finding.status);
            figures.row(vec![
                finding.check.as_str().into(),
                finding.subject.clone().into(),
                with_unit(finding.measured, finding.unit).into(),
                with_unit(finding.target, finding.unit).into(),
                status,
            ]);
        }
        layout.table(&figures);
    }

    layout.subheading("Checks not evaluated", 30.0);
    let reasons = assessment.not_evaluated_reasons(None);
    if reasons.is_empty() {
        layout.paragraph("Every check was evaluated.", Style::BODY);
    } else {
        layout.paragraph(
            "These checks had no evidence in the period; they are never counted as a pass.",
            Style::BODY,
        );
        layout.space(2.0);
        // One bullet per reason, so that the checks sharing a missing input read as one.
        for reason in reasons {
            layout.bullet(
                &format!(
                    "{}: {}",
                    not_evaluated_labels(&reason),
                    reason_text(&reason)
                ),
                Style::BODY,
            );
        }
    }
    waivers::summary(layout, context);
}

// ----- availability -------------------------------------------------------------------

fn availability(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    let tz = assessment.organisation.timezone;
    layout.paragraph(
        &format!(
            "Target: {}% availability per service; monitoring coverage of at least {}%; \
             maintenance counts as scheduled when announced at least {} ahead. \
             Times are local ({}).",
            policy.uptime_target_percent,
            policy.min_monitoring_coverage_percent,
            format_duration(policy.maintenance_notice),
            tz.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);

    if assessment.services.is_empty() {
        layout.paragraph(
            "No availability evidence in the period: no service was probed.",
            Style::BODY,
        );
        return;
    }

    layout.paragraph(
        "Down, scheduled and no-data times are durations within the period; the error \
         budget is the down time the target allows.",
        Style::SMALL,
    );
    layout.space(3.0);
    let mut services = Table::new(vec![
        Column::new("Service", 1.9),
        Column::new("Availability", 1.45).right(),
        Column::new("Target", 0.9).right(),
        Column::new("Coverage", 1.45).right(),
        Column::new("Down", 1.1).right(),
        Column::new("Scheduled", 1.25).right(),
        Column::new("No data", 1.1).right(),
        Column::new("Error budget used", 1.35).right(),
        Column::new("Incidents", 1.2).right(),
    ]);
    let figures = assessment.service_figures();
    for figure in &figures {
        let service = figure.service;
        // Coloured as its findings row judged it, a waiver and the policy floors included.
        let mut availability = Cell::new(percent(service.availability));
        if let Some(status @ (Status::Fail | Status::Error | Status::Waived)) = figure.status {
            availability = availability.coloured(status_colour(status)).bold();
        }
        services.row(vec![
            Cell::new(service.service.clone()).bold(),
            availability,
            format!("{}%", policy.uptime_target_percent).into(),
            percent(service.coverage).into(),
            format_duration(service.down_ms).into(),
            format_duration(service.scheduled_ms).into(),
            format_duration(service.no_data_ms).into(),
            percent(service.error_budget_used).into(),
            service.incidents.to_string().into(),
        ]);
    }
    layout.table(&services);
    for figure in &figures {
        layout.subheading(
            &format!("Daily availability: {}", figure.service.service),
            chart::CHART_HEIGHT,
        );
        chart::daily_availability(
            layout,
            &figure.service.daily,
            &figure.days_below_target,
            policy.uptime_target_percent,
        );
    }

    layout.subheading("Incidents", 50.0);
    if assessment.incidents.is_empty() {
        layout.paragraph("No incidents in the period.", Style::BODY);
    } else {
        let mut incidents = Table::new(vec![
            Column::new("Service", 1.6),
            Column::new("Start", 2.0),
            Column::new("End", 2.0),
            Column::new("Duration", 1.1).right(),
            Column::new("Locations down", 2.2),
        ]);
        for incident in &assessment.incidents {
            incidents.row(vec![
                incident.service.clone().into(),
                format_local(incident.start, tz).into(),
                format_local(incident.end, tz).into(),
                format_duration(incident.duration_ms()).into(),
                incident.locations.join(", ").into(),
            ]);
        }
        layout.table(&incidents);
    }

    layout.subheading("Maintenance windows", 50.0);
    if assessment.maintenance.is_empty() {
        layout.paragraph("No maintenance windows in the period.", Style::BODY);
    } else {
        layout.paragraph(
            "A window is scheduled when it was announced at least the notice period ahead; \
             late or unannounced windows count as down time when the probes say so.",
            Style::SMALL,
        );
        layout.space(3.0);
        let size = 7.5;
        let mut windows = Table::new(vec![
            Column::new("Service", 66.0).sized(size),
            Column::new("Start", 102.0).sized(size),
            Column::new("End", 102.0).sized(size),
            Column::new("Announced", 102.0).sized(size),
            Column::new("Reference", 65.0).sized(size),
            Column::new("Notice", 56.0).sized(size),
        ]);
        for window in &assessment.maintenance {
            let notice = if window.scheduled {
                Cell::new("scheduled").marked(colour::GREEN)
            } else {
                Cell::new("late").marked(colour::RED)
            };
            let service = if window.service == "*" {
                "all services".to_string()
            } else {
                window.service.clone()
            };
            windows.row(vec![
                service.into(),
                format_local(window.start, tz).into(),
                format_local(window.end, tz).into(),
                window
                    .announced_at
                    .map(|at| format_local(at, tz))
                    .unwrap_or_else(|| "not announced".to_string())
                    .into(),
                window.reference.clone().into(),
                notice,
            ]);
        }
        layout.table(&windows);
    }
}

// ----- statement of applicability -----------------------------------------------------

fn statement_of_applicability(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let mut table = Table::new(vec![
        Column::new("Control", 0.9),
        Column::new("Title", 4.2),
        Column::new("Theme", 1.45),
        Column::new("Status", 1.5),
        Column::new("Checks", 2.3),
    ]);
    for control in &assessment.controls {
        let checks: Vec<&str> = control.checks.iter().map(|c| c.as_str()).collect();
        table.row(vec![
            Cell::new(control.id.clone()).bold(),
            control.title.clone().into(),
            control.theme.clone().into(),
            control_cell(control.status),
            checks.join(", ").into(),
        ]);
    }
    layout.table(&table);
}

// ----- evidence index -----------------------------------------------------------------

fn evidence_index(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    layout.subheading("Files in this pack", 50.0);
    layout.paragraph(
        "SHA256SUMS lists every file of the pack, this report included.",
        Style::SMALL,
    );
    layout.space(3.0);
    let mut files = Table::new(vec![
        Column::new("Path", 180.0),
        Column::new("Bytes", 50.0).right(),
        Column::new("SHA-256", 263.0).mono(6.6),
    ]);
    for entry in context.pack {
        files.row(vec![
            entry.path.clone().into(),
            entry.bytes.to_string().into(),
            entry.sha256.clone().into(),
        ]);
    }
    files.row(vec![
        "report.pdf".into(),
        "".into(),
        Cell::new("\u{2014} this file").coloured(colour::MUTED),
    ]);
    layout.table(&files);

    layout.subheading("Inputs read", 50.0);
    if assessment.inputs.is_empty() {
        layout.paragraph("No input file was read.", Style::BODY);
    } else {
        let mut inputs = Table::new(vec![
            Column::new("Path", 136.0).sized(7.5),
            Column::new("Kind", 52.0).sized(7.5),
            Column::new("Rows", 34.0).right().sized(7.5),
            Column::new("Rejected", 40.0).right().sized(7.5),
            Column::new("SHA-256", 231.0).mono(5.8),
        ]);
        let inputs_read = &assessment.inputs;
        if inputs_read.len() > checks::FINDINGS_SHOWN {
            layout.paragraph(
                &format!(
                    "{} files; {} are listed (those with rejected rows first), all are in inputs.csv.",
                    inputs_read.len(),
                    checks::FINDINGS_SHOWN
                ),
                Style::SMALL,
            );
        }
        let all: Vec<_> = inputs_read.iter().collect();
        let listed = checks::capped(&all, |input| input.rejected_rows > 0);
        for input in listed {
            let mut rejected = Cell::new(input.rejected_rows.to_string());
            if input.rejected_rows > 0 {
                rejected = rejected.coloured(colour::RED).bold();
            }
            inputs.row(vec![
                input.path.clone().into(),
                input.kind.clone().into(),
                input.rows.to_string().into(),
                rejected,
                input.sha256.clone().into(),
            ]);
        }
        layout.table(&inputs);
    }
    let rejected = match (assessment.rejected.len(), &assessment.tenant) {
        (0, _) => "No input row was rejected.".to_string(),
        (n, None) => format!(
            "{n} input rows were rejected; rejected.csv gives the file, line and reason of each."
        ),
        (n, Some(_)) => format!(
            "{n} input rows were rejected; rejected.csv gives the file and line of each. The \
             reasons are withheld from this pack, because a reason quotes its row and a \
             shared file's row may be another customer's."
        ),
    };
    layout.space(4.0);
    layout.paragraph(&rejected, Style::BODY);
}
