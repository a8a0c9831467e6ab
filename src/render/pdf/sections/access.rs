//! The access section (SPEC §7, "Access and logging, exactly"): the policy targets,
//! then per `access.*` check its findings rows and its offending events.

use super::super::layout::{colour, Layout, Style};
use super::super::text::Font;
use super::checks::{self, column, optional, CheckView, EventColumn, Offending, Value};
use super::Context;
use crate::model::{columns, CheckId};
use crate::time::format_duration;

/// The columns of an audit event kept as evidence (mfa, leaver_login, support_ticket).
const EVENT_COLUMNS: &[EventColumn] = &[
    column("Time (local)", 87.0, Value::Field(columns::TIME)),
    column("Actor", 55.0, Value::Field(columns::ACTOR)),
    optional("Tenant", 50.0, Value::Field(columns::TENANT)),
    column("Target", 50.0, Value::Field(columns::TARGET)),
    optional("IP", 62.0, Value::Field(columns::IP)),
    column("Note", 84.0, Value::Field(columns::NOTE)),
    column("File:line", 105.0, Value::Location),
];

const DEACTIVATION_COLUMNS: &[EventColumn] = &[
    column("Leaver", 70.0, Value::Field(columns::ACTOR)),
    column("Left (local)", 87.0, Value::Field(columns::LEFT_AT)),
    column(
        "Deactivated (local)",
        87.0,
        Value::TimeOr(columns::DEACTIVATED_AT, "still active at period end"),
    ),
    column("Hours", 45.0, Value::Field(columns::HOURS)),
    column(
        "Deactivated by",
        70.0,
        Value::Field(columns::DEACTIVATED_BY),
    ),
    column("File:line", 134.0, Value::Location),
];

const ROTATION_COLUMNS: &[EventColumn] = &[
    column("Credential", 130.0, Value::Field(columns::CREDENTIAL)),
    column("Leaver", 100.0, Value::Field(columns::LEAVER)),
    column("Left (local)", 105.0, Value::Field(columns::LEFT_AT)),
    column(
        "Rotated (local)",
        105.0,
        Value::TimeOr(columns::ROTATED_AT, "not rotated by period end"),
    ),
    column("Hours", 53.0, Value::Field(columns::HOURS)),
];

pub fn access(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    let roles = if policy.mfa_required_roles.is_empty() {
        "no role requires MFA".to_string()
    } else {
        format!(
            "no successful login without MFA under the roles {}",
            policy.mfa_required_roles.join(", ")
        )
    };
    layout.paragraph(
        &format!(
            "Targets: {roles}; no successful login after an account was deactivated or its \
             holder left; leavers deactivated within {} of leaving; every shared credential \
             rotated within {} of a support-role leaver leaving; no support access to a \
             tenant without a ticket. Times are local ({}).",
            format_duration(policy.leaver_deactivation_max),
            format_duration(policy.shared_credential_rotation_max),
            assessment.organisation.timezone.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);
    let views = [
        CheckView {
            check: CheckId::AccessMfa,
            title: "Logins without MFA",
            subject: "Actor",
            offending: Offending::Events,
            columns: EVENT_COLUMNS,
        },
        CheckView {
            check: CheckId::AccessLeaverLogin,
            title: "Logins by leavers and deactivated accounts",
            subject: "Account",
            offending: Offending::Events,
            columns: EVENT_COLUMNS,
        },
        CheckView {
            check: CheckId::AccessLeaverDeactivation,
            title: "Time to deactivate leavers",
            subject: "Leaver",
            offending: Offending::Measurements {
                what: (
                    "leaver deactivated later than the target",
                    "leavers deactivated later than the target",
                ),
                scope: "leaver who left in or before the period",
            },
            columns: DEACTIVATION_COLUMNS,
        },
        CheckView {
            check: CheckId::AccessSharedCredentialRotation,
            title: "Rotation of shared credentials after support-role leavers",
            subject: "Credential",
            offending: Offending::Measurements {
                what: (
                    "rotation later than the target",
                    "rotations later than the target",
                ),
                scope: "shared credential and support-role leaver",
            },
            columns: ROTATION_COLUMNS,
        },
        CheckView {
            check: CheckId::AccessSupportTicket,
            title: "Support access to tenants without a ticket",
            subject: "Tenant",
            offending: Offending::Events,
            columns: EVENT_COLUMNS,
        },
    ];
    checks::family(layout, context, None, &views);
}
