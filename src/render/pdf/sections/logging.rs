//! The logging and monitoring sections: the policy targets, then per `logging.*` and
//! `monitoring.*` check its findings rows and its offending rows.
//!
//! A `logging` section also shows the monitoring family, unless the template gives
//! monitoring a section of its own: both templates show them together.

use super::super::layout::{colour, Layout, Style};
use super::super::text::Font;
use super::checks::{self, column, CheckView, EventColumn, Offending, Value};
use super::Context;
use crate::model::{columns, CheckId};
use crate::render::template::SectionKind;
use crate::time::format_duration;

const INTEGRITY_COLUMNS: &[EventColumn] = &[
    column("File:line", 110.0, Value::Location),
    column(
        "Why the link is broken",
        383.0,
        Value::Field(columns::REASON),
    ),
];

const GAP_COLUMNS: &[EventColumn] = &[
    column("Audit source", 150.0, Value::Field(columns::SOURCE)),
    column("Silent from (local)", 95.0, Value::Field(columns::START)),
    column("Until (local)", 95.0, Value::Field(columns::END)),
    column("Hours", 60.0, Value::Field(columns::HOURS)),
    column(
        "Events in period",
        93.0,
        Value::Field(columns::EVENTS_IN_PERIOD),
    ),
];

const ALERT_COLUMNS: &[EventColumn] = &[
    column("Target", 75.0, Value::Field(columns::TARGET)),
    column("Alert", 75.0, Value::Field(columns::ALERT)),
    column("Severity", 42.0, Value::Field(columns::SEVERITY)),
    column("Started (local)", 87.0, Value::Field(columns::STARTED_AT)),
    column(
        "Resolved (local)",
        87.0,
        Value::TimeOr(columns::RESOLVED_AT, "still firing at period end"),
    ),
    column("Hours", 40.0, Value::Field(columns::HOURS)),
    column("File:line", 87.0, Value::Location),
];

pub fn logging(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    let with_monitoring = !context
        .template
        .sections
        .iter()
        .any(|s| s.kind == SectionKind::Monitoring);
    layout.paragraph(
        &format!(
            "Targets: every line of an audit file carries the hash of the line before it \
             (prev_hash), none broken; no audit source silent for more than {} in the \
             period.{} Times are local ({}).",
            format_duration(policy.max_log_gap),
            if with_monitoring {
                format!(
                    " Every alert resolved within {}.",
                    format_duration(policy.alert_resolution_max)
                )
            } else {
                String::new()
            },
            assessment.organisation.timezone.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);
    checks::family(
        layout,
        context,
        with_monitoring.then_some("Audit logs"),
        &[
            CheckView {
                check: CheckId::LoggingIntegrity,
                title: "Tamper evidence: the prev_hash chain",
                subject: "Audit file",
                offending: Offending::Events,
                columns: INTEGRITY_COLUMNS,
            },
            CheckView {
                check: CheckId::LoggingGaps,
                title: "Completeness: the longest silence per audit source",
                subject: "Audit source",
                offending: Offending::Measurements {
                    what: (
                        "source silent for longer than the target",
                        "sources silent for longer than the target",
                    ),
                    scope: "audit source, with its longest silence",
                },
                columns: GAP_COLUMNS,
            },
        ],
    );
    if with_monitoring {
        monitoring_checks(layout, context, Some("Alerts"));
    }
}

pub fn monitoring(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    layout.paragraph(
        &format!(
            "Target: every alert resolved within {}; one still firing at period end \
             counts the time to period end. Times are local ({}).",
            format_duration(assessment.policy.alert_resolution_max),
            assessment.organisation.timezone.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);
    monitoring_checks(layout, context, None);
}

fn monitoring_checks(layout: &mut Layout, context: &Context, label: Option<&str>) {
    checks::family(
        layout,
        context,
        label,
        &[CheckView {
            check: CheckId::MonitoringAlertResolution,
            title: "Time to resolve alerts",
            subject: "Alert target",
            offending: Offending::Measurements {
                what: (
                    "alert resolved later than the target",
                    "alerts resolved later than the target",
                ),
                scope: "alert open during the period",
            },
            columns: ALERT_COLUMNS,
        }],
    );
}
