//! The configuration section (SPEC §16): password policies, encryption at rest and in
//! transit, each subject judged on its newest snapshot. Per check its findings rows
//! (with the snapshot's verdict in the detail, a stale one included) and the rows the
//! check flagged: what a policy lacks, the volumes not encrypted, the old protocols and
//! short certificates.

use super::super::layout::{colour, Layout, Style};
use super::super::text::Font;
use super::checks::{self, column, CheckView, EventColumn, Offending, Value};
use super::Context;
use crate::model::{columns, CheckId};
use crate::time::format_duration;

const PASSWORD_COLUMNS: &[EventColumn] = &[
    column("Policy", 110.0, Value::Field(columns::POLICY)),
    column("Snapshot (local)", 92.0, Value::Field(columns::OBSERVED_AT)),
    column("Min length", 50.0, Value::Field(columns::MIN_LENGTH)),
    column("What it lacks", 178.0, Value::Field(columns::MISSING)),
    column("File:line", 63.0, Value::PathLine),
];

const AT_REST_COLUMNS: &[EventColumn] = &[
    column("Host", 80.0, Value::Field(columns::HOST)),
    column("Volume", 90.0, Value::Field(columns::VOLUME)),
    column("Encrypted", 55.0, Value::Field(columns::ENCRYPTED)),
    column("Snapshot (local)", 92.0, Value::Field(columns::OBSERVED_AT)),
    column("Method", 113.0, Value::Field(columns::METHOD)),
    column("File:line", 63.0, Value::PathLine),
];

const IN_TRANSIT_COLUMNS: &[EventColumn] = &[
    column("Endpoint", 130.0, Value::Field(columns::ENDPOINT)),
    column("Protocol", 55.0, Value::Field(columns::PROTOCOL)),
    column("Accepted", 50.0, Value::Field(columns::ACCEPTED)),
    column(
        "Certificate until",
        95.0,
        Value::Field(columns::CERT_NOT_AFTER),
    ),
    column(
        "Snapshot (local)",
        100.0,
        Value::Field(columns::OBSERVED_AT),
    ),
    column("File:line", 63.0, Value::PathLine),
];

pub fn configuration(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let policy = &assessment.policy;
    layout.paragraph(
        &format!(
            "Targets: passwords of at least {} characters requiring {}; every volume \
             encrypted; no protocol older than TLS {} accepted and certificates valid for \
             at least {} after the period. Each subject is judged on its newest snapshot \
             taken by the period's end; one older than {} proves nothing and fails. \
             Times are local ({}).",
            policy.password_min_length,
            if policy.password_require.is_empty() {
                "no character classes".to_string()
            } else {
                policy.password_require.join(", ")
            },
            policy.tls_min_version,
            format_duration(policy.cert_min_days_left),
            format_duration(policy.snapshot_max_age),
            assessment.organisation.timezone.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(6.0);
    checks::family(
        layout,
        context,
        Some("Password policies"),
        &[CheckView {
            check: CheckId::AccessPasswordPolicy,
            title: "Password rules against the policy",
            subject: "Policy",
            offending: Offending::Measurements {
                what: (
                    "policy lacking a rule or stale",
                    "policies lacking a rule or stale",
                ),
                scope: "password policy, on its newest snapshot",
            },
            columns: PASSWORD_COLUMNS,
        }],
    );
    checks::family(
        layout,
        context,
        Some("Encryption"),
        &[
            CheckView {
                check: CheckId::CryptoAtRest,
                title: "Encryption at rest",
                subject: "Host",
                offending: Offending::Measurements {
                    what: (
                        "volume not encrypted or stale",
                        "volumes not encrypted or stale",
                    ),
                    scope: "volume of each host's newest snapshot",
                },
                columns: AT_REST_COLUMNS,
            },
            CheckView {
                check: CheckId::CryptoInTransit,
                title: "Encryption in transit",
                subject: "Endpoint",
                offending: Offending::Measurements {
                    what: (
                        "old protocol, short certificate or stale scan",
                        "old protocols, short certificates or stale scans",
                    ),
                    scope: "row of each endpoint's newest scan",
                },
                columns: IN_TRANSIT_COLUMNS,
            },
        ],
    );
}
