//! The due-diligence sections (SPEC §10): a customer's usual questions answered from
//! the measured figures, where the customer's data is, and who of the provider's staff
//! entered the customer's tenant and why.
//!
//! The assessment is already scoped to the tenant (`model::TenantScope`): staff are
//! pseudonyms and nothing names another tenant. Figures come from the findings,
//! `assessment.backups` and `assessment.services`, the support accesses from the
//! `access.support_ticket` evidence and the counts from the model; nothing is counted
//! or judged here.

use super::super::layout::{colour, Cell, Column, Layout, Style, Table};
use super::super::text::Font;
use super::checks::{Evidence, FINDINGS_SHOWN};
use super::{percent, status_cell, status_colour, status_label, with_unit, Context};
use crate::model::{columns, Assessment, Cell as EvidenceCell, CheckId, Finding, SourceBackups};
use crate::model::{Status, StatusCounts};
use crate::period::format_local;
use crate::time::format_duration;

/// At most this many support accesses are listed; the evidence CSV has them all.
const ACCESSES_SHOWN: usize = 200;

/// `n` and the noun, singular for one: `1 incident`, `2 incidents`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The tenant the pack is for, as the report names it.
fn tenant(assessment: &Assessment) -> &str {
    assessment.tenant.as_deref().unwrap_or("this tenant")
}

/// Whose data a source holds, as a customer reads it.
fn holds(assessment: &Assessment, source: &SourceBackups) -> String {
    if source.tenants.is_empty() {
        "shared platform source: every customer's data, yours included".to_string()
    } else {
        format!("{}'s data only", tenant(assessment))
    }
}

/// A finding's measured value against its target, or why there is none.
fn figure(finding: &Finding, bound: &str) -> String {
    match finding.measured {
        Some(_) => format!(
            "{} {}",
            with_unit(finding.measured, finding.unit),
            target(finding, bound)
        ),
        None => finding.detail.clone(),
    }
}

/// `(max 4.00 h)`: the target with how it bounds the figure.
fn target(finding: &Finding, bound: &str) -> String {
    format!("({bound} {})", with_unit(finding.target, finding.unit))
}

fn finding_status(finding: Option<&Finding>) -> Cell {
    match finding {
        Some(finding) => status_cell(finding.status),
        None => Cell::new("\u{2014}").coloured(colour::MUTED),
    }
}

/// The rows of a check by status, as "7 pass, 1 fail", marked with the colour of its
/// most serious status.
fn counts_cell(rows: &[&Finding]) -> Cell {
    let counts = StatusCounts::of(rows.iter().copied());
    let Some(worst) = counts.worst() else {
        return Cell::new("\u{2014}").coloured(colour::MUTED);
    };
    let text: Vec<String> = Status::WORST_FIRST
        .iter()
        .filter(|s| counts.get(**s) > 0)
        .map(|s| format!("{} {}", counts.get(*s), status_label(*s).to_lowercase()))
        .collect();
    Cell::new(text.join(", ")).marked(status_colour(worst))
}

/// One question and its answer rows: the question only on the first.
struct Answers {
    table: Table,
}

impl Answers {
    fn new() -> Answers {
        Answers {
            table: Table::new(vec![
                Column::new("Your question", 1.7),
                Column::new("Subject", 1.5),
                Column::new("What we measured", 4.2),
                Column::new("Status", 1.2),
            ]),
        }
    }

    fn question(&mut self, question: &str, answers: Vec<(String, String, Cell)>) {
        let more = answers.len().saturating_sub(FINDINGS_SHOWN);
        for (index, (subject, answer, status)) in
            answers.into_iter().take(FINDINGS_SHOWN).enumerate()
        {
            let asked = if index == 0 {
                Cell::new(question).bold()
            } else {
                Cell::new("")
            };
            self.table
                .row(vec![asked, subject.into(), answer.into(), status]);
        }
        if more > 0 {
            self.table.row(vec![
                Cell::new(""),
                Cell::new(""),
                Cell::new(format!("... and {more} more, in findings.csv")),
                Cell::new(""),
            ]);
        }
    }
}

/// "Your questions, answered": one table, one block of rows per question.
pub fn answers(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let mut answers = Answers::new();
    answers.question("Where is my data?", data_answers(assessment));
    answers.question("How often is it backed up?", frequency_answers(assessment));
    answers.question("How long is it kept?", retention_answers(assessment));
    answers.question("Are restores tested?", restore_answers(assessment));
    answers.question("What was the uptime?", uptime_answers(assessment));
    answers.question(
        &format!(
            "What was availability over the last {} months?",
            assessment.policy.trailing_months
        ),
        trailing_answers(assessment),
    );
    answers.question("Is the service responsive?", latency_answers(assessment));
    answers.question(
        "Is maintenance announced and out of hours?",
        maintenance_answers(assessment),
    );
    answers.question(
        "Is there spare capacity if a server fails?",
        capacity_answers(assessment),
    );
    answers.question(
        "Is my data encrypted at rest and in transit?",
        encryption_answers(assessment),
    );
    answers.question(
        "What password rules protect accounts?",
        password_answers(assessment),
    );
    answers.question("Is MFA enforced?", mfa_answers(assessment));
    answers.question(
        "Who of your staff entered our tenant, and why?",
        support_answers(assessment),
    );
    answers.question(
        "Are your logs complete and tamper-evident?",
        logging_answers(assessment),
    );
    layout.table(&answers.table);
    layout.paragraph(
        "Each answer is a measured figure against our policy target; the sections that \
         follow give the detail and evidence/<check>.csv the rows behind every figure.",
        Style::SMALL,
    );
}

fn no_backups() -> Vec<(String, String, Cell)> {
    vec![(
        "\u{2014}".to_string(),
        "no backup evidence for your data in the period".to_string(),
        Cell::new("\u{2014}").coloured(colour::MUTED),
    )]
}

fn data_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let mut rows = vec![(
        "production".to_string(),
        format!("primary region {}", assessment.organisation.primary_region),
        Cell::new("\u{2014}").coloured(colour::MUTED),
    )];
    for source in &assessment.backups {
        let places: Vec<String> = source
            .repositories
            .iter()
            .map(|r| {
                let region = if r.region.is_empty() {
                    "region not stated".to_string()
                } else {
                    r.region.clone()
                };
                let kind = if r.offsite {
                    "offsite"
                } else {
                    "primary region"
                };
                format!("{} ({region}, {kind})", r.repository)
            })
            .collect();
        rows.push((
            source.source.clone(),
            format!(
                "{}; copies in {}",
                holds(assessment, source),
                places.join(", ")
            ),
            Cell::new("\u{2014}").coloured(colour::MUTED),
        ));
    }
    rows
}

fn frequency_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    if assessment.backups.is_empty() {
        return no_backups();
    }
    let mut rows = Vec::new();
    for source in &assessment.backups {
        let rpo = assessment.finding(CheckId::BackupRpo, &source.source);
        let offsite = assessment.finding(CheckId::BackupOffsite, &source.source);
        rows.push((
            source.source.clone(),
            format!(
                "{} in the period; longest gap {}",
                count(
                    source.successes.len(),
                    "successful backup",
                    "successful backups"
                ),
                rpo.map_or("not measured".to_string(), |f| figure(f, "max"))
            ),
            finding_status(rpo),
        ));
        rows.push((
            format!("{} (offsite)", source.source),
            format!(
                "{} in the period; longest gap {}",
                count(source.offsite.len(), "offsite copy", "offsite copies"),
                offsite.map_or("not measured".to_string(), |f| figure(f, "max"))
            ),
            finding_status(offsite),
        ));
    }
    rows
}

fn retention_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    if assessment.backups.is_empty() {
        return no_backups();
    }
    assessment
        .backups
        .iter()
        .map(|source| {
            let retention = assessment.finding(CheckId::BackupRetention, &source.source);
            (
                source.source.clone(),
                format!(
                    "oldest restorable point at period end: {}",
                    retention.map_or("not measured".to_string(), |f| figure(f, "at least"))
                ),
                finding_status(retention),
            )
        })
        .collect()
}

fn restore_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    if assessment.backups.is_empty() {
        return no_backups();
    }
    let tz = assessment.organisation.timezone;
    assessment
        .backups
        .iter()
        .map(|source| {
            let test = assessment.finding(CheckId::BackupRestoreTest, &source.source);
            let answer = match (source.last_restore_test, test) {
                (Some(at), Some(f)) => format!(
                    "last successful restore test {}, {} before the period end {}",
                    format_local(at, tz),
                    with_unit(f.measured, f.unit),
                    target(f, "max")
                ),
                (_, Some(f)) => f.detail.clone(),
                (_, None) => "not measured".to_string(),
            };
            (source.source.clone(), answer, finding_status(test))
        })
        .collect()
}

fn uptime_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    if assessment.services.is_empty() {
        return vec![(
            "\u{2014}".to_string(),
            "no service was probed in the period".to_string(),
            Cell::new("\u{2014}").coloured(colour::MUTED),
        )];
    }
    assessment
        .service_figures()
        .into_iter()
        .map(|figure| {
            let service = figure.service;
            (
                service.service.clone(),
                format!(
                    "{} available (target {}%), {}; monitored {} of the time",
                    percent(service.availability),
                    assessment.policy.uptime_target_percent,
                    count(service.incidents, "incident", "incidents"),
                    percent(service.coverage)
                ),
                finding_status(figure.finding),
            )
        })
        .collect()
}

/// The findings rows of `check` as answer rows: subject, `text` of the row, status;
/// `none` when the check has no evaluated row.
fn rows_of(
    assessment: &Assessment,
    check: CheckId,
    none: &str,
    text: impl Fn(&Finding) -> String,
) -> Vec<(String, String, Cell)> {
    let rows = evaluated_rows(assessment, check, text);
    if rows.is_empty() {
        return vec![(
            "\u{2014}".to_string(),
            none.to_string(),
            Cell::new("\u{2014}").coloured(colour::MUTED),
        )];
    }
    rows
}

/// The findings rows of `check` as answer rows, without the check-wide
/// `not_evaluated` row.
fn evaluated_rows(
    assessment: &Assessment,
    check: CheckId,
    text: impl Fn(&Finding) -> String,
) -> Vec<(String, String, Cell)> {
    assessment
        .findings_of(check)
        .into_iter()
        .filter(|f| f.status != Status::NotEvaluated || f.subject != "*")
        .map(|f| (f.subject.clone(), text(f), status_cell(f.status)))
        .collect()
}

fn trailing_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let target = assessment.policy.trailing_uptime_target_percent;
    assessment
        .services
        .iter()
        .map(|service| {
            let trailing = &service.trailing;
            let finding = assessment.finding(CheckId::UptimeTrailingAvailability, &service.service);
            (
                service.service.clone(),
                match trailing.availability {
                    Some(_) => format!(
                        "{} available over {} months (target {target}%); monitored {} of the window",
                        percent(trailing.availability),
                        trailing.months,
                        percent(trailing.coverage)
                    ),
                    None => format!("not monitored in the last {} months", trailing.months),
                },
                finding_status(finding),
            )
        })
        .chain(
            assessment
                .services
                .is_empty()
                .then(|| {
                    (
                        "\u{2014}".to_string(),
                        "no service was probed".to_string(),
                        Cell::new("\u{2014}").coloured(colour::MUTED),
                    )
                }),
        )
        .collect()
}

fn latency_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let target = assessment.policy.latency_p95_max;
    rows_of(
        assessment,
        CheckId::UptimeLatency,
        "no service's response time was measured in the period",
        |finding| match finding.measured {
            Some(p95) => format!(
                "95% of probe responses within {} (target {target} ms)",
                with_unit(Some(p95), finding.unit)
            ),
            None => "response time not measured".to_string(),
        },
    )
}

fn maintenance_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let policy = &assessment.policy;
    let mut rows = rows_of(
        assessment,
        CheckId::MaintenanceNotice,
        "no maintenance window in the period",
        |finding| {
            format!(
                "{} announced less than {} ahead or not at all",
                count(
                    finding.measured.unwrap_or_default() as usize,
                    "window",
                    "windows"
                ),
                format_duration(policy.maintenance_notice)
            )
        },
    );
    rows.extend(evaluated_rows(
        assessment,
        CheckId::MaintenanceBusinessHours,
        |finding| {
            format!(
                "{} of announced maintenance inside business hours ({}, {}; at most {} allowed)",
                with_unit(finding.measured, finding.unit),
                policy.business_hours_text(),
                policy.business_days_text(),
                format_duration(policy.maintenance_business_hours_max)
            )
        },
    ));
    rows
}

fn capacity_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let policy = &assessment.policy;
    let mut rows = rows_of(
        assessment,
        CheckId::CapacityHeadroom,
        "no capacity evidence in the period",
        |finding| match finding.measured {
            Some(load) => format!(
                "after losing {} at its busiest, the rest ran at {} (limit {}%)",
                count(policy.capacity_margin_hosts as usize, "server", "servers"),
                with_unit(Some(load), finding.unit),
                policy.capacity_failover_max_percent
            ),
            None => finding.detail.clone(),
        },
    );
    rows.extend(evaluated_rows(
        assessment,
        CheckId::MonitoringDiskAlerting,
        |finding| {
            format!(
                "{} over {}% without an alert within {}",
                count(
                    finding.measured.unwrap_or_default() as usize,
                    "disk breach",
                    "disk breaches"
                ),
                policy.disk_alert_threshold_percent,
                format_duration(policy.disk_alert_delay_max)
            )
        },
    ));
    rows
}

fn encryption_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let policy = &assessment.policy;
    let mut rows = rows_of(
        assessment,
        CheckId::CryptoAtRest,
        "no disk encryption snapshot by the period's end",
        |finding| match finding.measured {
            Some(0.0) => format!("at rest: every volume encrypted ({})", finding.detail),
            Some(_) => format!("at rest: {}", finding.detail),
            None => format!("at rest: {} (no current evidence)", finding.detail),
        },
    );
    rows.extend(rows_of(
        assessment,
        CheckId::CryptoInTransit,
        "no TLS scan by the period's end",
        |finding| match finding.measured {
            Some(_) => format!(
                "in transit (TLS {} or newer required): {}",
                policy.tls_min_version, finding.detail
            ),
            None => format!("in transit: {} (no current evidence)", finding.detail),
        },
    ));
    rows
}

fn password_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    rows_of(
        assessment,
        CheckId::AccessPasswordPolicy,
        "no password policy snapshot by the period's end",
        |finding| match finding.measured {
            Some(_) => finding.detail.clone(),
            None => format!("{} (no current evidence)", finding.detail),
        },
    )
}

fn mfa_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let mfa = assessment.subjects_of(CheckId::AccessMfa);
    let without = assessment.subjects_with_events(CheckId::AccessMfa);
    let roles = assessment.policy.mfa_required_roles.join(", ");
    let leavers = assessment.subjects_of(CheckId::AccessLeaverDeactivation);
    let barred = assessment.subjects_of(CheckId::AccessLeaverLogin);
    vec![
        (
            "staff logins".to_string(),
            if mfa.is_empty() {
                format!("no staff login under an MFA-required role ({roles}) in the period")
            } else {
                format!(
                    "{without} of {} under MFA-required roles ({roles}) logged in without MFA at least once",
                    count(mfa.len(), "staff account", "staff accounts")
                )
            },
            counts_cell(&mfa),
        ),
        (
            "leavers".to_string(),
            format!(
                "{} (to be deactivated within {} of leaving); {} from logging in",
                count(leavers.len(), "leaver's account", "leavers' accounts"),
                format_duration(assessment.policy.leaver_deactivation_max),
                count(barred.len(), "account barred", "accounts barred")
            ),
            counts_cell(&[leavers, barred].concat()),
        ),
    ]
}

fn support_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let finding = assessment
        .finding(CheckId::AccessSupportTicket, tenant(assessment))
        .or_else(|| assessment.finding(CheckId::AccessSupportTicket, "*"));
    let answer = match finding {
        Some(f) if f.status == Status::NotEvaluated => format!("not evaluated: {}", f.detail),
        Some(f) => format!(
            "{}; each access is listed with its ticket (the reason) below",
            f.detail
        ),
        None => "not measured".to_string(),
    };
    vec![(
        tenant(assessment).to_string(),
        answer,
        finding_status(finding),
    )]
}

fn logging_answers(assessment: &Assessment) -> Vec<(String, String, Cell)> {
    let integrity = assessment.subjects_of(CheckId::LoggingIntegrity);
    let gaps = assessment.subjects_of(CheckId::LoggingGaps);
    vec![
        (
            "hash chains".to_string(),
            format!(
                "{} checked line by line for a broken prev_hash link",
                count(integrity.len(), "audit file", "audit files")
            ),
            counts_cell(&integrity),
        ),
        (
            "silences".to_string(),
            format!(
                "{} checked for a silence over {}",
                count(gaps.len(), "audit source", "audit sources"),
                format_duration(assessment.policy.max_log_gap)
            ),
            counts_cell(&gaps),
        ),
    ]
}

/// "Where is my data?": the primary region and, per backup source of the tenant (and
/// shared platform source), every repository with its region.
pub fn data_location(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let tz = assessment.organisation.timezone;
    let primary = &assessment.organisation.primary_region;
    layout.paragraph(
        &format!(
            "Production data is kept in {primary}. A copy is offsite when its repository is \
             in another region. A shared platform source (a database that holds every \
             customer's data) is listed because your data is in it; another customer's own \
             sources are not."
        ),
        Style::BODY,
    );
    layout.space(4.0);
    if assessment.backups.is_empty() {
        layout.paragraph(
            "No backup source holding your data was in the evidence of the period.",
            Style::BODY,
        );
        return;
    }
    let mut table = Table::new(vec![
        Column::new("Source", 1.25),
        Column::new("Holds", 1.9),
        Column::new("Repository", 1.7),
        Column::new("Region", 1.35),
        Column::new("Copy", 0.85),
        Column::new("Backups in period", 1.0).right(),
        Column::new("Last backup (local)", 1.6),
    ]);
    for source in &assessment.backups {
        for (index, repository) in source.repositories.iter().enumerate() {
            let (name, whose) = if index == 0 {
                (
                    Cell::new(source.source.clone()).bold(),
                    Cell::new(holds(assessment, source)),
                )
            } else {
                (Cell::new(""), Cell::new(""))
            };
            table.row(vec![
                name,
                whose,
                repository.repository.clone().into(),
                repository.region.clone().into(),
                if repository.offsite {
                    Cell::new("offsite").marked(colour::GREEN)
                } else {
                    Cell::new("primary")
                },
                repository.successes.to_string().into(),
                repository
                    .last_success
                    .map(|at| format_local(at, tz))
                    .unwrap_or_else(|| "none in the period".to_string())
                    .into(),
            ]);
        }
    }
    layout.table(&table);
}

/// "Who of our staff entered your tenant, and why?": every support access to the
/// tenant in the period with the ticket that gave the reason.
pub fn support_access(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let tz = assessment.organisation.timezone;
    layout.paragraph(
        &format!(
            "Every time a member of our staff entered your tenant ({}) in the period, with \
             the account entered and the support ticket that gave the reason. Our staff are \
             shown by pseudonym (staff-1, staff-2, ...), the same person under the same \
             pseudonym everywhere in this pack; your own users by their names. Times are \
             local ({}).",
            tenant(assessment),
            tz.name()
        ),
        Style::BODY,
    );
    layout.space(4.0);
    let finding = assessment.finding(CheckId::AccessSupportTicket, tenant(assessment));
    let Some(table) = assessment.evidence.get(&CheckId::AccessSupportTicket) else {
        let why = finding
            .or_else(|| assessment.finding(CheckId::AccessSupportTicket, "*"))
            .map_or("no audit evidence".to_string(), |f| f.detail.clone());
        layout.paragraph(&format!("Not evaluated: {why}."), Style::BODY);
        return;
    };
    if let Some(finding) = finding {
        let style = Style::new(Font::Bold, 9.0, colour::INK);
        layout.paragraph(
            &format!("{}: {}.", status_label(finding.status), finding.detail),
            style,
        );
        layout.space(3.0);
    }
    if table.rows.is_empty() {
        layout.paragraph(
            "No member of our staff entered your tenant in the period.",
            Style::BODY,
        );
        return;
    }
    // Every column is resolved first: a renamed one refuses the report.
    let listed_columns = [
        columns::TIME,
        columns::ACTOR,
        columns::ROLE,
        columns::TARGET,
        columns::TICKET,
        columns::FILE,
        columns::LINE,
    ];
    if let Some(missing) = listed_columns.iter().find_map(|c| table.column(c).err()) {
        return context.missing_column(CheckId::AccessSupportTicket, &missing);
    }
    let evidence = Evidence { table };
    let size = 7.0;
    let mut listed = Table::new(vec![
        Column::new("Time (local)", 1.75).sized(size),
        Column::new("Staff", 0.9).sized(size),
        Column::new("Role", 0.9).sized(size),
        Column::new("Account entered", 2.3).sized(size),
        Column::new("Ticket", 1.0).sized(size),
        Column::new("File:line", 2.1).sized(size),
    ]);
    for evidence_row in table.rows.iter().take(ACCESSES_SHOWN) {
        let row = &evidence_row.cells;
        // The check's flag says which accesses offend (those without a ticket).
        let ticket = if evidence_row.offending {
            Cell::new("none").coloured(colour::RED).bold()
        } else {
            Cell::new(evidence.text(row, columns::TICKET, tz))
        };
        let location = match evidence.get(row, columns::LINE) {
            Some(EvidenceCell::Count(line)) => {
                format!("{}:{line}", evidence.text(row, columns::FILE, tz))
            }
            _ => evidence.text(row, columns::FILE, tz),
        };
        listed.row(vec![
            evidence.text(row, columns::TIME, tz).into(),
            evidence.text(row, columns::ACTOR, tz).into(),
            evidence.text(row, columns::ROLE, tz).into(),
            evidence.text(row, columns::TARGET, tz).into(),
            ticket,
            location.into(),
        ]);
    }
    layout.table(&listed);
    if table.rows.len() > ACCESSES_SHOWN {
        layout.paragraph(
            &format!(
                "The first {ACCESSES_SHOWN} of {} support accesses; \
                 evidence/access.support_ticket.csv lists them all.",
                table.rows.len()
            ),
            Style::SMALL,
        );
    }
}
