//! The figures every output shows: counts by theme and state, each service's status
//! after waivers and floors, the verdicts, the offending rows and the failed runs.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::config::Policy;
use crate::model::evidence::{columns, kinds};
use crate::model::{
    apply_waivers, assess_attestations, Assessment, Attestation, AttestationKind, Cell, CheckId,
    ControlRow, ControlStatus, EvidenceTable, Finding, MissingColumn, Organisation,
    ServiceAvailability, SourceBackups, Status, StatusCounts, Unit, Waiver, WaiverState,
};
use crate::period::Period;

const HOUR: i64 = 3_600_000;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

fn finding(check: CheckId, subject: &str, status: Status, measured: Option<f64>) -> Finding {
    Finding {
        check,
        controls: Vec::new(),
        subject: subject.to_string(),
        status,
        measured,
        target: None,
        unit: Unit::Count,
        detail: String::new(),
        waiver: None,
    }
}

fn control(id: &str, theme: &str, status: ControlStatus) -> ControlRow {
    ControlRow {
        id: id.to_string(),
        title: format!("control {id}"),
        theme: theme.to_string(),
        status,
        checks: Vec::new(),
        soc2: Vec::new(),
        justification: String::new(),
        evidence: Vec::new(),
    }
}

fn service(name: &str, availability: f64) -> ServiceAvailability {
    ServiceAvailability {
        service: name.to_string(),
        locations: vec!["syd".to_string()],
        quorum: 1,
        period_ms: 744 * HOUR,
        scheduled_ms: 0,
        no_data_ms: 0,
        down_ms: 0,
        measured_ms: 744 * HOUR,
        availability: Some(availability),
        coverage: Some(100.0),
        error_budget_used: None,
        incidents: 0,
        daily: Vec::new(),
        latency: None,
        trailing: Default::default(),
    }
}

fn assessment() -> Assessment {
    let tz: chrono_tz::Tz = "Australia/Sydney".parse().expect("zone");
    Assessment {
        tool_version: "0.1.0",
        generated_at: 0,
        organisation: Organisation {
            name: "Example".to_string(),
            timezone: tz,
            primary_region: "au".to_string(),
        },
        period: Period::month("2026-10", tz).expect("period"),
        policy: Policy::default(),
        template: "monthly".to_string(),
        tenant: None,
        findings: Vec::new(),
        evidence: BTreeMap::new(),
        controls: Vec::new(),
        incidents: Vec::new(),
        services: Vec::new(),
        maintenance: Vec::new(),
        capacity: Vec::new(),
        business_hours: Vec::new(),
        backups: Vec::new(),
        inputs: Vec::new(),
        rejected: Vec::new(),
        waivers: Vec::new(),
        attestations: Vec::new(),
        signers: Vec::new(),
    }
}

#[test]
fn controls_are_counted_by_theme_and_status_with_every_annex_a_theme() {
    let mut assessment = assessment();
    assessment.controls = vec![
        control("5.1", "Organizational", ControlStatus::Pass),
        control("5.2", "Organizational", ControlStatus::Fail),
        control("5.3", "Organizational", ControlStatus::Pass),
        control("6.1", "People", ControlStatus::Attested),
        control("8.1", "Technological", ControlStatus::NoEvidence),
        control("X.1", "Local", ControlStatus::Waived),
    ];
    let themes = assessment.theme_counts();
    let names: Vec<&str> = themes.iter().map(|t| t.theme.as_str()).collect();
    // The standard's four in its order, "Physical" with no control included, then
    // the catalogue's own theme.
    assert_eq!(
        names,
        [
            "Organizational",
            "People",
            "Physical",
            "Technological",
            "Local"
        ]
    );
    let organizational = &themes[0];
    assert_eq!(organizational.controls, 3);
    assert_eq!(organizational.get(ControlStatus::Pass), 2);
    assert_eq!(organizational.get(ControlStatus::Fail), 1);
    assert_eq!(organizational.get(ControlStatus::Waived), 0);
    assert_eq!(themes[1].get(ControlStatus::Attested), 1);
    assert_eq!(themes[2].controls, 0);
    assert_eq!(themes[4].get(ControlStatus::Waived), 1);
    // The themes add up to the totals.
    for status in ControlStatus::ALL {
        let by_theme: usize = themes.iter().map(|t| t.get(status)).sum();
        assert_eq!(by_theme, assessment.control_count(status), "{status}");
    }
    assert_eq!(assessment.control_count(ControlStatus::Pass), 2);
    assert_eq!(
        assessment.control("6.1").map(|c| c.status),
        Some(ControlStatus::Attested)
    );
    assert_eq!(assessment.control("9.9"), None);
}

#[test]
fn waivers_are_counted_by_state_and_attestations_by_kind_and_state() {
    let mut assessment = assessment();
    let waiver = |subject: &str, expires_on: &str| Waiver {
        check: CheckId::BackupRpo,
        subject: subject.to_string(),
        justification: "moving".to_string(),
        approver: "m.okafor".to_string(),
        expires_on: day(expires_on),
    };
    let last_day = assessment.period.last_local_day();
    assert_eq!(last_day, day("2026-10-31"));
    assessment.waivers = apply_waivers(
        &mut assessment.findings,
        &[
            waiver("a", "2027-03-01"),
            waiver("b", "2026-11-05"),
            waiver("c", "2026-10-31"),
            waiver("d", "2026-09-30"),
        ],
        last_day,
    );
    let states: Vec<WaiverState> = assessment.waivers.iter().map(|e| e.state).collect();
    assert_eq!(
        states,
        [
            WaiverState::Active,
            WaiverState::Expiring,
            WaiverState::Expiring,
            WaiverState::Expired
        ]
    );
    let counts = assessment.waiver_counts();
    assert_eq!(
        (
            counts.declared,
            counts.active,
            counts.expiring,
            counts.expired,
            counts.in_force
        ),
        (4, 1, 2, 1, 3)
    );

    let attestation = |control: &str, kind: AttestationKind, reviewed_on: &str| Attestation {
        control: control.to_string(),
        kind,
        justification: "policy".to_string(),
        owner: "j.ng".to_string(),
        evidence: String::new(),
        reviewed_on: day(reviewed_on),
    };
    assessment.attestations = assess_attestations(
        &[
            attestation("5.1", AttestationKind::Implemented, "2026-06-01"),
            attestation("5.2", AttestationKind::Implemented, "2025-01-10"),
            attestation("7.1", AttestationKind::NotApplicable, "2026-01-01"),
            attestation("7.2", AttestationKind::NotApplicable, "2024-12-01"),
        ],
        last_day,
    );
    let counts = assessment.attestation_counts();
    assert_eq!(counts.declared, 4);
    assert_eq!(counts.implemented, 1);
    assert_eq!(counts.not_applicable, 1);
    assert_eq!(counts.stale, 2);
    assert_eq!(counts.stale_controls, ["5.2", "7.2"]);
}

#[test]
fn a_waived_availability_row_makes_the_service_figure_waived() {
    let mut assessment = assessment();
    assessment.services = vec![service("api", 99.5), service("web", 99.95)];
    assessment.findings = vec![
        finding(CheckId::UptimeAvailability, "api", Status::Fail, Some(99.5)),
        finding(
            CheckId::UptimeAvailability,
            "web",
            Status::Pass,
            Some(99.95),
        ),
    ];
    assessment.waivers = apply_waivers(
        &mut assessment.findings,
        &[Waiver {
            check: CheckId::UptimeAvailability,
            subject: "api".to_string(),
            justification: "migration".to_string(),
            approver: "m.okafor".to_string(),
            expires_on: day("2027-01-31"),
        }],
        assessment.period.last_local_day(),
    );
    let figures = assessment.service_figures();
    let statuses: Vec<(&str, Option<Status>)> = figures
        .iter()
        .map(|f| (f.service.service.as_str(), f.status))
        .collect();
    // Below the 99.9 % target, but the row is waived: the figure says so, as
    // findings.csv does, rather than judging the number again.
    assert_eq!(
        statuses,
        [("api", Some(Status::Waived)), ("web", Some(Status::Pass))]
    );
    assert!(figures[0].finding.is_some_and(|f| f.waiver.is_some()));
    assert_eq!(assessment.verdict(), Status::Pass);
}

#[test]
fn a_policy_floor_failing_the_row_fails_the_service_figure_above_the_policy_target() {
    let mut assessment = assessment();
    // A policy target of 98.5 % is looser than the catalogue's floor: the check's row
    // fails although the service measured above the policy's own target.
    assessment.policy.uptime_target_percent = 98.5;
    assessment.services = vec![service("api", 98.8)];
    assessment.findings = vec![finding(
        CheckId::UptimeAvailability,
        "api",
        Status::Fail,
        Some(98.8),
    )];
    let figures = assessment.service_figures();
    assert_eq!(figures[0].status, Some(Status::Fail));
    // A service without a row (not evaluated) has no status to show.
    assessment.findings.clear();
    assert_eq!(assessment.service_figures()[0].status, None);
}

#[test]
fn days_below_the_policy_target_are_flagged() {
    let mut assessment = assessment();
    let mut api = service("api", 99.9);
    api.daily = [Some(100.0), Some(99.8), None, Some(99.9)]
        .into_iter()
        .map(|availability| crate::model::DailyAvailability {
            date: "2026-10-01".to_string(),
            start: 0,
            end: 0,
            down_ms: 0,
            no_data_ms: 0,
            scheduled_ms: 0,
            availability,
        })
        .collect();
    assessment.services = vec![api];
    assert_eq!(
        assessment.service_figures()[0].days_below_target,
        [false, true, false, false]
    );
}

#[test]
fn the_verdicts_count_error_always_and_not_evaluated_only_when_strict() {
    let mut assessment = assessment();
    assessment.findings = vec![
        finding(CheckId::BackupRpo, "a", Status::Pass, None),
        finding(CheckId::BackupRpo, "b", Status::Waived, None),
        finding(CheckId::LoggingGaps, "*", Status::NotEvaluated, None),
    ];
    assert_eq!(assessment.verdict(), Status::Pass);
    assert_eq!(assessment.check_verdict(false), Status::Pass);
    assert_eq!(assessment.failing(false), 0);
    assert_eq!(assessment.check_verdict(true), Status::Fail);
    assert_eq!(assessment.failing(true), 1);
    assessment
        .findings
        .push(finding(CheckId::LoggingIntegrity, "f", Status::Error, None));
    assert_eq!(assessment.verdict(), Status::Fail);
    assert_eq!(assessment.failing(false), 1);
    assert_eq!(assessment.failing(true), 2);
}

#[test]
fn status_counts_know_the_worst_status_and_what_junit_skips() {
    let rows = [
        finding(CheckId::BackupRpo, "a", Status::Pass, None),
        finding(CheckId::BackupRpo, "b", Status::Waived, None),
        finding(CheckId::BackupRpo, "c", Status::NotEvaluated, None),
    ];
    let counts = StatusCounts::of(&rows);
    assert_eq!(counts.total(), 3);
    assert_eq!(counts.skipped(), 2);
    assert_eq!(counts.worst(), Some(Status::Waived));
    assert_eq!(StatusCounts::default().worst(), None);
    let with_error = StatusCounts::of(&[finding(CheckId::BackupRpo, "d", Status::Error, None)]);
    assert_eq!(with_error.worst(), Some(Status::Error));
}

#[test]
fn rows_are_grouped_by_check_and_not_evaluated_rows_by_reason() {
    let mut assessment = assessment();
    let not_evaluated = |check, detail: &str| Finding {
        detail: detail.to_string(),
        ..finding(check, "*", Status::NotEvaluated, None)
    };
    assessment.findings = vec![
        finding(CheckId::AccessMfa, "alice", Status::Fail, Some(2.0)),
        finding(CheckId::AccessMfa, "bob", Status::Pass, Some(0.0)),
        not_evaluated(CheckId::LoggingIntegrity, "no `audit` input declared"),
        not_evaluated(CheckId::LoggingGaps, "no `audit` input declared"),
        not_evaluated(
            CheckId::MonitoringAlertResolution,
            "no `alerts` input declared",
        ),
    ];
    let groups: Vec<(CheckId, usize)> = assessment
        .findings_by_check()
        .into_iter()
        .map(|(check, rows)| (check, rows.len()))
        .collect();
    assert_eq!(groups[0], (CheckId::AccessMfa, 2));
    assert_eq!(groups.len(), 4);
    assert_eq!(assessment.subjects_with_events(CheckId::AccessMfa), 1);
    assert_eq!(assessment.evaluated().len(), 2);

    let reasons = assessment.not_evaluated_reasons(None);
    assert_eq!(reasons.len(), 2);
    assert_eq!(reasons[0].detail, "no `audit` input declared");
    assert_eq!(reasons[0].findings.len(), 2);
    let logging = [CheckId::LoggingGaps, CheckId::LoggingIntegrity];
    assert!(assessment.none_evaluated(&logging));
    assert!(!assessment.none_evaluated(&[CheckId::AccessMfa]));
    // Checks in the order asked for.
    let reasons = assessment.not_evaluated_reasons(Some(&logging));
    assert_eq!(reasons[0].findings[0].check, CheckId::LoggingGaps);
}

/// A table of `(name, hours)` rows, each with the flag its check set.
fn hours_table(names: [&'static str; 2], rows: &[(f64, bool)]) -> EvidenceTable {
    let mut table = EvidenceTable::new(&names);
    for (i, (hours, offending)) in rows.iter().enumerate() {
        table.push(
            vec![Cell::Text(format!("row {i}")), Cell::Hours(*hours)],
            *offending,
        );
    }
    table
}

#[test]
fn offending_rows_are_the_rows_the_check_flagged() {
    let mut assessment = assessment();
    // The flags, not the policy: a limit that would judge otherwise changes nothing.
    assessment.policy.leaver_deactivation_max = 100 * HOUR;
    assessment.evidence.insert(
        CheckId::AccessLeaverDeactivation,
        hours_table(
            [columns::ACTOR, columns::HOURS],
            &[(3.0, false), (24.0, false), (24.01, true), (30.0, true)],
        ),
    );
    let offending = assessment.offending_rows(CheckId::AccessLeaverDeactivation);
    assert_eq!(offending.flags, [false, false, true, true]);
    assert_eq!(offending.count(), 2);
    assert_eq!(offending.rows[0][0], Cell::Text("row 2".to_string()));
    assert!(!offending.is_offending(1) && offending.is_offending(2));
    assert!(!offending.is_offending(4), "no such row");

    // A table of offending events, one of unjudged workings, and no table at all.
    let text = |s: &str| Cell::Text(s.to_string());
    assessment.evidence.insert(
        CheckId::AccessMfa,
        EvidenceTable::offending(
            &[columns::ACTOR, columns::NOTE],
            vec![vec![text("a"), text("x")], vec![text("b"), text("y")]],
        ),
    );
    assert_eq!(assessment.offending_rows(CheckId::AccessMfa).count(), 2);
    assessment.evidence.insert(
        CheckId::UptimeAvailability,
        EvidenceTable::unjudged(&[columns::SERVICE], vec![vec![text("api")]]),
    );
    let unjudged = assessment.offending_rows(CheckId::UptimeAvailability);
    assert_eq!(
        (unjudged.flags.as_slice(), unjudged.count()),
        (&[false][..], 0)
    );
    assert_eq!(assessment.offending_rows(CheckId::LoggingGaps).count(), 0);
}

#[test]
fn a_support_access_offends_by_its_flag_not_by_its_ticket_cell() {
    let mut assessment = assessment();
    let text = |s: &str| Cell::Text(s.to_string());
    let mut table = EvidenceTable::new(&[columns::ACTOR, columns::TICKET]);
    table.push(vec![text("alice"), text("OPS-1")], false);
    table.push(vec![text("bob"), text("")], true);
    // Not flagged: the model does not judge the empty cell itself.
    table.push(vec![text("carol"), Cell::Empty], false);
    assessment
        .evidence
        .insert(CheckId::AccessSupportTicket, table);
    let offending = assessment.offending_rows(CheckId::AccessSupportTicket);
    assert_eq!(offending.flags, [false, true, false]);
}

#[test]
fn a_renamed_column_is_an_error_not_a_blank() {
    let table = hours_table([columns::SOURCE, "silence_hours"], &[(30.0, true)]);
    let error = table
        .column(columns::HOURS)
        .expect_err("the hours column is missing");
    assert_eq!(
        error,
        MissingColumn {
            column: columns::HOURS,
            columns: vec![columns::SOURCE, "silence_hours"],
        }
    );
    assert_eq!(
        error.to_string(),
        "no column `hours` (the table has source, silence_hours)"
    );
    assert_eq!(table.column(columns::SOURCE), Ok(0));
    assert!(!table.has_column(columns::HOURS));
}

#[test]
fn failed_backup_runs_take_outcome_and_repository_from_the_rpo_evidence() {
    let mut assessment = assessment();
    let mut source = SourceBackups::new("ledger-db");
    source.failed = vec![10 * HOUR, 20 * HOUR];
    assessment.backups = vec![source];
    let text = |s: &str| Cell::Text(s.to_string());
    let row = |kind: &str, start: i64, end: i64, repository: &str| {
        vec![
            text("ledger-db"),
            text(kind),
            Cell::Time(start),
            Cell::Time(end),
            text(repository),
        ]
    };
    assessment.evidence.insert(CheckId::BackupRpo, {
        let mut table = EvidenceTable::new(&[
            columns::SOURCE,
            columns::KIND,
            columns::START,
            columns::END,
            columns::REPOSITORY,
        ]);
        // A successful backup starting at the same instant is not the run: the
        // check flags only the failed or partial run.
        table.push(row(kinds::BACKUP, 10 * HOUR, 11 * HOUR, "main"), false);
        table.push(row("partial", 10 * HOUR, 12 * HOUR, "offsite"), true);
        table
    });
    let runs = assessment.failed_backup_runs().expect("columns");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].outcome, Some("partial"));
    assert_eq!(runs[0].finished, Some(12 * HOUR));
    assert_eq!(runs[0].repository, Some("offsite"));
    // No evidence row for the second run: it is still listed.
    assert_eq!((runs[1].started, runs[1].outcome), (20 * HOUR, None));
}
