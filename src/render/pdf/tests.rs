use printpdf::{Op, TextItem};

use super::layout::{Cell, Column, Layout, Table};
use super::*;
use crate::catalog::Catalog;
use crate::config::Policy;
use crate::model::{
    Cell as EvidenceCell, CheckId, ControlRow, ControlStatus, DailyAvailability, EvidenceTable,
    Finding, Incident, InputFile, MaintenanceWindow, Organisation, ServiceAvailability,
    SourceBackups, Status, Unit,
};
use crate::period::Period;

const HOUR: i64 = 3_600_000;

fn assessment() -> Assessment {
    let tz: chrono_tz::Tz = "Australia/Melbourne".parse().expect("zone");
    let period = Period::month("2026-10", tz).expect("period");
    let catalog = Catalog::built_in().expect("catalogue");
    let controls = catalog
        .controls
        .iter()
        .enumerate()
        .map(|(index, control)| ControlRow {
            id: control.id.clone(),
            title: control.title.clone(),
            theme: control.theme.clone(),
            status: if index == 3 {
                ControlStatus::Fail
            } else {
                ControlStatus::NoEvidence
            },
            checks: if index == 3 {
                vec![CheckId::UptimeAvailability]
            } else {
                Vec::new()
            },
            soc2: control.soc2.clone(),
            justification: String::new(),
            evidence: Vec::new(),
        })
        .collect();
    let daily = period
        .local_days()
        .into_iter()
        .enumerate()
        .map(|(index, (date, start, end))| DailyAvailability {
            date: date.format("%Y-%m-%d").to_string(),
            start,
            end,
            down_ms: 0,
            no_data_ms: 0,
            scheduled_ms: 0,
            availability: match index {
                4 => None,
                9 => Some(99.2),
                _ => Some(100.0),
            },
        })
        .collect();
    Assessment {
        tool_version: "0.1.0",
        generated_at: 1_793_491_200_000,
        organisation: Organisation {
            name: "Zürich Hosting – Ops…".to_string(),
            timezone: tz,
            primary_region: "au-southeast-1".to_string(),
        },
        period: period.clone(),
        policy: Policy::default(),
        template: "monthly".to_string(),
        tenant: None,
        findings: vec![
            Finding {
                check: CheckId::UptimeAvailability,
                controls: vec!["5.30".to_string()],
                subject: "api".to_string(),
                status: Status::Fail,
                measured: Some(99.87654),
                target: Some(99.9),
                unit: Unit::Percent,
                detail: "below target".to_string(),
                waiver: None,
            },
            Finding {
                check: CheckId::BackupRpo,
                controls: vec!["8.13".to_string()],
                subject: "*".to_string(),
                status: Status::NotEvaluated,
                measured: None,
                target: Some(24.0),
                unit: Unit::Hours,
                detail: "no backup evidence in the period".to_string(),
                waiver: None,
            },
        ],
        evidence: Default::default(),
        controls,
        incidents: vec![Incident {
            service: "api".to_string(),
            start: period.start + 200 * HOUR,
            end: period.start + 201 * HOUR,
            locations: vec!["syd".to_string(), "mel".to_string()],
        }],
        services: vec![ServiceAvailability {
            service: "api".to_string(),
            locations: vec!["syd".to_string(), "mel".to_string()],
            quorum: 2,
            period_ms: period.duration(),
            scheduled_ms: 0,
            no_data_ms: 24 * HOUR,
            down_ms: HOUR,
            measured_ms: period.duration() - 25 * HOUR,
            availability: Some(99.87654),
            coverage: Some(96.7),
            error_budget_used: Some(123.4),
            incidents: 1,
            daily,
            latency: None,
            trailing: Default::default(),
        }],
        maintenance: vec![MaintenanceWindow {
            service: "api".to_string(),
            start: period.start + 300 * HOUR,
            end: period.start + 302 * HOUR,
            announced_at: None,
            reference: "CHG-1".to_string(),
            scheduled: false,
        }],
        capacity: Vec::new(),
        business_hours: Vec::new(),
        backups: Vec::new(),
        inputs: vec![InputFile {
            path: "evidence/probes/api.csv".to_string(),
            kind: "probes".to_string(),
            format: "csv".to_string(),
            sha256: "ab".repeat(32),
            bytes: 1234,
            rows: 10,
            rejected_rows: 0,
        }],
        rejected: Vec::new(),
        waivers: Vec::new(),
        attestations: Vec::new(),
        signers: Vec::new(),
    }
}

fn pack() -> Vec<PackEntry> {
    vec![PackEntry {
        path: "findings.csv".to_string(),
        sha256: "cd".repeat(32),
        bytes: 99,
    }]
}

/// Every `ShowText` string of a page, in drawing order.
fn texts(ops: &[Op]) -> Vec<String> {
    ops.iter()
        .filter_map(|op| match op {
            Op::ShowText { items } => Some(
                items
                    .iter()
                    .filter_map(|item| match item {
                        TextItem::Text(text) => Some(text.clone()),
                        _ => None,
                    })
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn same_assessment_gives_identical_bytes_in_one_process() {
    let template = Template::built_in("monthly").expect("template");
    let first = render(&assessment(), &template, &pack()).expect("first");
    let second = render(&assessment(), &template, &pack()).expect("second");
    assert!(first.starts_with(b"%PDF-"));
    assert!(first == second, "two renders differ");
}

#[test]
fn document_dates_come_from_generated_at() {
    let template = Template::built_in("monthly").expect("template");
    let bytes = render(&assessment(), &template, &pack()).expect("render");
    let document = lopdf::Document::load_mem(&bytes).expect("parse");
    let info = document
        .trailer
        .get(b"Info")
        .and_then(|info| info.as_reference())
        .and_then(|id| document.get_dictionary(id))
        .expect("info");
    let created = info.get(b"CreationDate").expect("date");
    // 1_793_491_200 s is 2026-11-01T00:00:00Z.
    assert_eq!(
        created.as_str().expect("string"),
        b"D:20261101000000+00'00'"
    );
    assert!(document.get_pages().len() >= 5);
}

#[test]
fn every_section_of_both_templates_renders() {
    for name in Template::names() {
        let template = Template::built_in(name).expect("template");
        render(&assessment(), &template, &pack()).expect(name);
    }
}

#[test]
fn long_tables_continue_with_their_header_on_every_page() {
    let mut table = Table::new(vec![
        Column::new("Column A", 1.0),
        Column::new("Column B", 3.0),
    ]);
    for n in 0..200 {
        table.row(vec![
            Cell::new(format!("row {n}")),
            Cell::new("some text that is long enough to wrap onto a second line in a narrow column of this table, maybe"),
        ]);
    }
    let mut layout = Layout::new();
    layout.table(&table);
    let pages = layout.finish("header", "right", "footer");
    assert!(pages.len() >= 4, "200 rows fit on {} pages", pages.len());
    let mut rows_seen = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let texts = texts(page);
        assert_eq!(
            texts[0],
            "Column A",
            "page {} starts with {:?}",
            index + 1,
            texts[0]
        );
        assert_eq!(texts[1], "Column B");
        rows_seen.extend(texts.iter().filter(|t| t.starts_with("row ")).cloned());
        assert!(texts.contains(&format!("Page {} of {}", index + 1, pages.len())));
    }
    let expected: Vec<String> = (0..200).map(|n| format!("row {n}")).collect();
    assert_eq!(rows_seen, expected);
}

#[test]
fn text_is_drawn_in_win_ansi_only() {
    let mut layout = Layout::new();
    layout.paragraph("Größe − 5 ≥ 3… 東京", layout::Style::BODY);
    let pages = layout.finish("h", "r", "f");
    let texts = texts(&pages[0]);
    assert_eq!(texts[0], "Größe - 5 >= 3... ??");
}

fn backup_finding(
    check: CheckId,
    subject: &str,
    status: Status,
    measured: Option<f64>,
    target: f64,
    unit: Unit,
    detail: &str,
) -> Finding {
    Finding {
        check,
        controls: vec!["8.13".to_string()],
        subject: subject.to_string(),
        status,
        measured,
        target: Some(target),
        unit,
        detail: detail.to_string(),
        waiver: None,
    }
}

/// The base assessment with two backup sources: `db-main` backed up hourly (hundreds
/// of ticks) with 25 failed runs and an 8 h gap, `files` daily with no offsite copy.
fn assessment_with_backups() -> Assessment {
    let mut assessment = assessment();
    let start = assessment.period.start;
    let end = assessment.period.end;
    let failed: Vec<i64> = (0..25).map(|n| start + (100 + 20 * n) * HOUR).collect();
    let db_successes: Vec<i64> = (1..)
        .map(|n| start + n * HOUR)
        .take_while(|at| *at < end)
        .filter(|at| !(200 * HOUR..208 * HOUR).contains(&(at - start)))
        .collect();
    let files_successes: Vec<i64> = (0..30).map(|n| start + (n * 24 + 2) * HOUR).collect();
    assessment.backups = vec![
        SourceBackups {
            source: "db-main".to_string(),
            tenants: Vec::new(),
            repositories: Vec::new(),
            successes: db_successes,
            offsite: (0..31).map(|n| start + (n * 24 + 3) * HOUR).collect(),
            failed: failed.clone(),
            longest_gap: Some((start + 199 * HOUR, start + 208 * HOUR)),
            longest_offsite_gap: Some((start + 3 * HOUR, start + 27 * HOUR)),
            unencrypted: 0,
            oldest_restorable: Some(start - 100 * 24 * HOUR),
            last_restore_test: Some(start + 24 * HOUR),
        },
        SourceBackups {
            source: "files".to_string(),
            tenants: Vec::new(),
            repositories: Vec::new(),
            successes: files_successes,
            offsite: Vec::new(),
            failed: Vec::new(),
            longest_gap: Some((start - 22 * HOUR, start + 2 * HOUR)),
            longest_offsite_gap: Some((start, end)),
            unencrypted: 30,
            oldest_restorable: Some(start - 5 * 24 * HOUR),
            last_restore_test: None,
        },
    ];
    assessment
        .findings
        .retain(|f| !matches!(f.check, CheckId::BackupRpo));
    use CheckId::*;
    assessment.findings.extend([
        backup_finding(
            BackupEncryption,
            "db-main",
            Status::Pass,
            Some(0.0),
            0.0,
            Unit::Count,
            "all encrypted",
        ),
        backup_finding(
            BackupEncryption,
            "files",
            Status::Fail,
            Some(30.0),
            0.0,
            Unit::Count,
            "30 of 30 not encrypted",
        ),
        backup_finding(
            BackupOffsite,
            "db-main",
            Status::Pass,
            Some(24.0),
            24.0,
            Unit::Hours,
            "longest gap 24 h",
        ),
        backup_finding(
            BackupOffsite,
            "files",
            Status::Fail,
            Some(743.0),
            24.0,
            Unit::Hours,
            "no copy",
        ),
        backup_finding(
            BackupRestoreTest,
            "db-main",
            Status::Pass,
            Some(29.5),
            90.0,
            Unit::Days,
            "tested",
        ),
        backup_finding(
            BackupRestoreTest,
            "files",
            Status::Fail,
            None,
            90.0,
            Unit::Days,
            "no successful restore test (1 failed)",
        ),
        backup_finding(
            BackupRetention,
            "db-main",
            Status::Pass,
            Some(131.0),
            90.0,
            Unit::Days,
            "old enough",
        ),
        backup_finding(
            BackupRetention,
            "files",
            Status::Fail,
            Some(35.9),
            90.0,
            Unit::Days,
            "too young",
        ),
        backup_finding(
            BackupRpo,
            "db-main",
            Status::Fail,
            Some(8.0),
            4.0,
            Unit::Hours,
            "longest gap 8.00 h",
        ),
        backup_finding(
            BackupRpo,
            "files",
            Status::Fail,
            Some(24.0),
            4.0,
            Unit::Hours,
            "longest gap 24.00 h",
        ),
    ]);
    assessment
        .findings
        .sort_by(|a, b| (a.check.as_str(), &a.subject).cmp(&(b.check.as_str(), &b.subject)));
    let rows = failed
        .iter()
        .map(|at| {
            vec![
                EvidenceCell::Text("db-main".to_string()),
                EvidenceCell::Text("partial".to_string()),
                EvidenceCell::Time(*at),
                EvidenceCell::Time(at + HOUR / 4),
                EvidenceCell::Empty,
                EvidenceCell::Text(String::new()),
                EvidenceCell::Text("pgbackrest-main".to_string()),
                EvidenceCell::Text(String::new()),
                EvidenceCell::Text("evidence/pgbackrest.json".to_string()),
                EvidenceCell::Count(1),
            ]
        })
        .collect();
    // Failed and partial runs are the rows `backup.rpo` flags.
    assessment.evidence.insert(
        BackupRpo,
        EvidenceTable::offending(
            &[
                "source",
                "kind",
                "start",
                "end",
                "hours",
                "snapshot_id",
                "repository",
                "region",
                "path",
                "line",
            ],
            rows,
        ),
    );
    assessment
}

fn all_texts(pages: &[Vec<Op>]) -> Vec<String> {
    pages.iter().flat_map(|page| texts(page)).collect()
}

#[test]
fn backups_section_shows_every_source_with_its_figures_and_timeline() {
    for name in Template::names() {
        let template = Template::built_in(name).expect("template");
        let without = pages(&assessment(), &template, &pack()).expect("pages");
        let with = pages(&assessment_with_backups(), &template, &pack()).expect("pages");
        assert!(
            with.len() > without.len(),
            "{name}: {} pages with backups, {} without",
            with.len(),
            without.len()
        );
        assert!(all_texts(&without).contains(&"No backup evidence in the period.".to_string()));

        let texts = all_texts(&with);
        for expected in [
            "db-main",
            "files",
            "backups",
            "offsite",
            "longest gap 8.00 h",
            "longest gap 743.00 h",
            "no offsite copy in the period",
            "Fail: 8.00 h",
            "max 4.00 h",
            "Pass: 131.00 days",
            "Fail: none",
            "partial",
            "pgbackrest-main",
        ] {
            assert!(
                texts.iter().any(|t| t == expected),
                "{name}: no {expected:?}"
            );
        }
        assert!(!texts.contains(&"No backup evidence in the period.".to_string()));
        // The failed runs are listed up to the limit, then counted.
        let listed = texts.iter().filter(|t| *t == "partial").count();
        assert_eq!(listed, 20, "{name}");
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("The first 20 of 25 failed")),
            "{name}"
        );
    }
}

#[test]
fn backups_report_is_reproducible() {
    let template = Template::built_in("due-diligence").expect("template");
    let first = render(&assessment_with_backups(), &template, &pack()).expect("first");
    let second = render(&assessment_with_backups(), &template, &pack()).expect("second");
    assert!(first == second, "two renders differ");
    let document = lopdf::Document::load_mem(&first).expect("parse");
    assert!(document.get_pages().len() >= 6);
}

fn access_finding(
    check: CheckId,
    subject: &str,
    status: Status,
    measured: Option<f64>,
    target: Option<f64>,
    unit: Unit,
    detail: &str,
) -> Finding {
    Finding {
        check,
        controls: vec!["8.5".to_string()],
        subject: subject.to_string(),
        status,
        measured,
        target,
        unit,
        detail: detail.to_string(),
        waiver: None,
    }
}

/// The base assessment with access, logging and monitoring rows: 73 logins without
/// MFA by `alice` (lines 1 to 73 of `app.ndjson`), two leavers of whom one was
/// deactivated late, and `logging.*` and `monitoring.*` not evaluated.
fn assessment_with_access() -> Assessment {
    use CheckId::*;
    let mut assessment = assessment();
    let start = assessment.period.start;
    assessment.findings.extend([
        access_finding(
            AccessMfa,
            "alice",
            Status::Fail,
            Some(73.0),
            Some(0.0),
            Unit::Count,
            "73 of 80 successful logins under an MFA-required role had no MFA",
        ),
        access_finding(
            AccessMfa,
            "bob",
            Status::Pass,
            Some(0.0),
            Some(0.0),
            Unit::Count,
            "0 of 12 successful logins under an MFA-required role had no MFA",
        ),
        access_finding(
            AccessLeaverDeactivation,
            "carol",
            Status::Fail,
            Some(40.0),
            Some(24.0),
            Unit::Hours,
            "left at 2026-10-10T17:00:00Z, deactivated at 2026-10-12T09:00:00Z by alice",
        ),
        access_finding(
            AccessLeaverDeactivation,
            "dave",
            Status::Pass,
            Some(24.0),
            Some(24.0),
            Unit::Hours,
            "left at 2026-10-20T12:00:00Z, deactivated at 2026-10-21T12:00:00Z by alice",
        ),
        access_finding(
            AccessSupportTicket,
            "*",
            Status::NotEvaluated,
            None,
            None,
            Unit::Count,
            "no subject in the `audit` inputs for this check in the period",
        ),
        access_finding(
            LoggingIntegrity,
            "*",
            Status::NotEvaluated,
            None,
            None,
            Unit::Count,
            "no `audit` input declared",
        ),
        access_finding(
            LoggingGaps,
            "*",
            Status::NotEvaluated,
            None,
            None,
            Unit::Hours,
            "no `audit` input declared",
        ),
        access_finding(
            MonitoringAlertResolution,
            "*",
            Status::NotEvaluated,
            None,
            None,
            Unit::Hours,
            "no `alerts` input declared",
        ),
    ]);
    assessment
        .findings
        .sort_by(|a, b| (a.check.as_str(), &a.subject).cmp(&(b.check.as_str(), &b.subject)));
    let text = |s: &str| EvidenceCell::Text(s.to_string());
    let logins = (1..=73)
        .map(|n| {
            vec![
                text("alice"),
                EvidenceCell::Time(start + n * HOUR),
                text("alice"),
                text(""),
                text(""),
                text("198.51.100.7"),
                text("role admin, no MFA"),
                text("app.ndjson"),
                EvidenceCell::Count(n as u64),
            ]
        })
        .collect();
    assessment.evidence.insert(
        AccessMfa,
        EvidenceTable::offending(
            &[
                "subject", "time", "actor", "tenant", "target", "ip", "note", "file", "line",
            ],
            logins,
        ),
    );
    let leaver = |actor: &str, left: i64, hours: f64, line: u64| {
        vec![
            text(actor),
            EvidenceCell::Time(start + left * HOUR),
            EvidenceCell::Time(start + left * HOUR + (hours * HOUR as f64) as i64),
            EvidenceCell::Hours(hours),
            text("alice"),
            text("app.ndjson"),
            EvidenceCell::Count(line),
        ]
    };
    let mut leavers = EvidenceTable::new(&[
        "actor",
        "left_at",
        "deactivated_at",
        "hours",
        "deactivated_by",
        "file",
        "line",
    ]);
    // Over the 24 h limit offends; exactly 24 h does not.
    leavers.push(leaver("carol", 230, 40.0, 480), true);
    leavers.push(leaver("dave", 470, 24.0, 760), false);
    assessment
        .evidence
        .insert(AccessLeaverDeactivation, leavers);
    assessment
}

#[test]
fn access_section_lists_the_first_50_offending_events_and_counts_them_all() {
    for name in Template::names() {
        let template = Template::built_in(name).expect("template");
        let texts =
            all_texts(&pages(&assessment_with_access(), &template, &pack()).expect("pages"));
        let has = |expected: &str| texts.iter().any(|t| t == expected);

        // The figures against their targets, from the findings.
        assert!(has("Logins without MFA (access.mfa)"), "{name}");
        assert!(has("73"), "{name}");
        assert!(has("max 24.00 h"), "{name}");
        assert!(has("40.00 h"), "{name}");

        // Exactly the first 50 of the 73 events, each with its file and line.
        let listed: Vec<&String> = texts
            .iter()
            .filter(|t| t.starts_with("app.ndjson:"))
            .collect();
        let mfa: Vec<String> = (1..=50).map(|n| format!("app.ndjson:{n}")).collect();
        assert_eq!(
            listed[..50].iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            mfa,
            "{name}"
        );
        assert!(!has("app.ndjson:51"), "{name}");
        assert!(
            has(
                "73 offending events; the first 50 are listed, all are in evidence/access.mfa.csv."
            ),
            "{name}"
        );
        // Times are local, with the offset: the first login is 01:00 UTC + 10:00.
        assert!(has("2026-10-01 01:00 +10:00"), "{name}");

        // Hour checks list only the rows over the target (24 h exactly meets it).
        assert!(has("app.ndjson:480"), "{name}");
        assert!(!has("app.ndjson:760"), "{name}");
        assert!(has(
            "1 leaver deactivated later than the target, listed below and in \
             evidence/access.leaver_deactivation.csv."
        ));

        // A check with only a `*` row says why, in one line.
        assert!(
            has("Not evaluated: no subject in the `audit` inputs for this check in the period."),
            "{name}"
        );
        // Logging and monitoring: nothing was evaluated.
        assert!(has("No evidence of this kind in the period."), "{name}");
        assert!(
            texts
                .iter()
                .any(|t| t.contains("logging.integrity, logging.gaps: not evaluated")),
            "{name}"
        );
    }
}

#[test]
fn access_and_logging_sections_without_evidence_say_so() {
    let template = Template::built_in("monthly").expect("template");
    let texts = all_texts(&pages(&assessment(), &template, &pack()).expect("pages"));
    for title in [
        "Access control",
        "Logging and monitoring",
        "Hosting promises",
        "Configuration",
    ] {
        assert!(texts.iter().any(|t| t == title), "no {title:?}");
    }
    let none = texts
        .iter()
        .filter(|t| *t == "No evidence of this kind in the period.")
        .count();
    // Access, the audit logs and the alerts; the hosting promises' maintenance,
    // responsiveness, trailing availability, capacity and backup tiers; the
    // configuration's password policies and encryption.
    assert_eq!(none, 10);
}

#[test]
fn access_report_is_reproducible() {
    let template = Template::built_in("due-diligence").expect("template");
    let first = render(&assessment_with_access(), &template, &pack()).expect("first");
    let second = render(&assessment_with_access(), &template, &pack()).expect("second");
    assert!(first == second, "two renders differ");
}

/// The base assessment with a waived, an expiring and an expired waiver, and 40
/// attestations (one stale), enough for the attestations table to run over a page.
fn assessment_with_waivers() -> Assessment {
    use crate::model::{
        apply_waivers, assess_attestations, roll_up_controls, Attestation, AttestationKind, Waiver,
    };
    let mut assessment = assessment();
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date");
    let last_day = assessment.period.last_local_day();
    let waiver = |subject: &str, expires: &str, approver: &str| Waiver {
        check: CheckId::UptimeAvailability,
        subject: subject.to_string(),
        justification: "load balancer replacement booked".to_string(),
        approver: approver.to_string(),
        expires_on: day(expires),
    };
    let waivers = [
        waiver("api", "2026-11-10", "m.okafor"),
        waiver("*", "2026-09-30", "a.kowalski"),
        waiver("web", "2027-03-31", "a.kowalski"),
    ];
    assessment.waivers = apply_waivers(&mut assessment.findings, &waivers, last_day);
    let catalog = Catalog::built_in().expect("catalogue");
    let attestations: Vec<Attestation> = catalog
        .controls
        .iter()
        .take(40)
        .enumerate()
        .map(|(index, control)| Attestation {
            control: control.id.clone(),
            kind: if index == 1 {
                AttestationKind::NotApplicable
            } else {
                AttestationKind::Implemented
            },
            justification: format!("justification of control {}", control.id),
            owner: "Head of Information Security".to_string(),
            evidence: format!("ISMS-{index:03} v2"),
            reviewed_on: if index == 2 {
                day("2025-06-30")
            } else {
                day("2026-02-17")
            },
        })
        .collect();
    assessment.attestations = assess_attestations(&attestations, last_day);
    assessment.controls = roll_up_controls(
        &catalog.controls,
        &assessment.findings,
        &assessment.evidence,
        &assessment.attestations,
    );
    assessment
}

#[test]
fn waivers_section_lists_waivers_with_their_state_and_attestations_across_pages() {
    for name in Template::names() {
        let template = Template::built_in(name).expect("template");
        let pages = pages(&assessment_with_waivers(), &template, &pack()).expect("pages");
        let all = all_texts(&pages);
        for expected in [
            "3 waivers declared: 1 active, 1 expiring within 14 days, 1 expired.",
            "Expiring in 10 days",
            "Expired",
            "no longer applies",
            "Active",
            "* (every subject)",
            "Findings covered by a waiver",
            "Waived",
            "40 attestations declared: 38 implemented and 1 not applicable are current, 1",
            "stale",
            "Evidence: ISMS-000 v2",
        ] {
            assert!(
                all.iter().any(|t| t.starts_with(expected)),
                "{name}: no {expected:?} in {:?}",
                all.iter()
                    .filter(|t| t.contains("xpir"))
                    .collect::<Vec<_>>()
            );
        }
        // The attestations table continues on the next page under its header.
        let with_header: Vec<usize> = pages
            .iter()
            .enumerate()
            .filter(|(_, page)| texts(page).contains(&"Justification and evidence".to_string()))
            .map(|(index, _)| index)
            .collect();
        assert!(with_header.len() >= 2, "{name}: {with_header:?}");
        assert_eq!(with_header[1], with_header[0] + 1, "{name}");
    }
}

#[test]
fn without_declarations_the_waivers_section_says_so() {
    let template = Template::built_in("monthly").expect("template");
    let texts = all_texts(&pages(&assessment(), &template, &pack()).expect("pages"));
    assert!(texts.contains(&"Waivers and attestations".to_string()));
    assert!(texts.contains(&"No waiver was declared.".to_string()));
    assert!(texts
        .iter()
        .any(|t| t.starts_with("No attestation was declared")));
}

/// The backups assessment scoped to tenant `acme`: `db-main` is acme's, `files` a
/// shared platform source; two support accesses to acme, one without a ticket.
fn assessment_for_tenant() -> Assessment {
    let mut assessment = assessment_with_backups();
    assessment.template = "due-diligence".to_string();
    assessment.tenant = Some("acme".to_string());
    assessment.backups[0].tenants = vec!["acme".to_string()];
    assessment.backups[0].repositories = vec![crate::model::BackupRepository {
        repository: "db-main-offsite".to_string(),
        region: "au-southwest-1".to_string(),
        offsite: true,
        successes: 31,
        last_success: Some(assessment.period.end - HOUR),
    }];
    assessment.findings.push(access_finding(
        CheckId::AccessSupportTicket,
        "acme",
        Status::Fail,
        Some(1.0),
        Some(0.0),
        Unit::Count,
        "1 of 2 support accesses had no ticket",
    ));
    let text = |t: &str| EvidenceCell::Text(t.to_string());
    let access = |ticket: &str, line: u64| {
        vec![
            text("acme"),
            EvidenceCell::Time(assessment.period.start + 30 * HOUR),
            text("staff-1"),
            text("support"),
            text("ann@acme.example"),
            text(ticket),
            text(if ticket.is_empty() { "no ticket" } else { "" }),
            text("evidence/audit/app.ndjson"),
            EvidenceCell::Count(line),
        ]
    };
    let mut accesses = EvidenceTable::new(&[
        "subject", "time", "actor", "role", "target", "ticket", "note", "file", "line",
    ]);
    accesses.push(access("SUP-1", 7), false);
    // Without a ticket: offending.
    accesses.push(access("", 9), true);
    assessment
        .evidence
        .insert(CheckId::AccessSupportTicket, accesses);
    assessment
}

#[test]
fn the_due_diligence_report_answers_the_customers_questions_for_its_tenant() {
    let template = Template::built_in("due-diligence").expect("template");
    let texts = all_texts(&pages(&assessment_for_tenant(), &template, &pack()).expect("pages"));
    // Table cells wrap at spaces: read the drawn lines as one text.
    let joined = texts.join(" ");
    let has = |expected: &str| joined.contains(expected);
    for expected in [
        "For tenant acme",
        "Where is my data?",
        "How often is it backed up?",
        "How long is it kept?",
        "Are restores tested?",
        "What was the uptime?",
        "Is MFA enforced?",
        "Who of your staff entered our tenant, and why?",
        "primary region au-southeast-1",
        "acme's data only",
        "shared platform source: every customer's data,",
        "db-main-offsite",
        "ann@acme.example",
        "SUP-1",
        "evidence/audit/app.ndjson:9",
        "Fail: 1 of 2 support accesses had no ticket.",
    ] {
        assert!(has(expected), "no {expected:?} in the report");
    }
    // The access section lists only the access without a ticket as offending.
    assert!(has("1 offending event, listed below"), "{joined}");
    assert!(
        texts.iter().any(|t| t == "none"),
        "the missing ticket is marked"
    );
}

#[test]
fn a_renamed_evidence_column_refuses_the_report_instead_of_blanking_a_table() {
    let template = Template::built_in("monthly").expect("template");
    let mut assessment = assessment_with_access();
    // A check that renamed `hours`: the offending rows could no longer be picked.
    let table = assessment
        .evidence
        .get_mut(&CheckId::AccessLeaverDeactivation)
        .expect("table");
    table.columns[3] = "hours_taken";
    let error = pages(&assessment, &template, &pack()).expect_err("refused");
    assert!(
        error.to_string().contains(
            "evidence/access.leaver_deactivation.csv: no column `hours` (the table has actor, left_at, deactivated_at, hours_taken,"
        ),
        "{error}"
    );
    // A renamed column only shown (not judged on) is refused too.
    let mut assessment = assessment_with_access();
    let table = assessment
        .evidence
        .get_mut(&CheckId::AccessLeaverDeactivation)
        .expect("table");
    table.columns[4] = "deactivator";
    let error = pages(&assessment, &template, &pack()).expect_err("refused");
    assert!(
        error.to_string().contains("no column `deactivated_by`"),
        "{error}"
    );
    // The optional `ip` column may be absent (a due-diligence pack drops it).
    let mut assessment = assessment_with_access();
    let table = assessment
        .evidence
        .get_mut(&CheckId::AccessMfa)
        .expect("table");
    let ip = table.column(crate::model::columns::IP).expect("ip");
    table.columns.remove(ip);
    for row in &mut table.rows {
        row.cells.remove(ip);
    }
    pages(&assessment, &template, &pack()).expect("rendered without the ip column");
}

/// The demo's assessment as `report` builds it, from the real checks.
fn demo(template: &str, tenant: Option<&str>) -> Assessment {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        crate::config::Config::load(&root.join("fixtures/demo/auditpack.toml")).expect("config");
    let options = crate::run::RunOptions {
        period: crate::run::PeriodChoice::Month("2026-10".to_string()),
        template: template.to_string(),
        tenant: tenant.map(str::to_string),
        generated_at: 1_793_491_200_000,
    };
    crate::run::assess(&config, &options, &crate::observer::Silent)
        .expect("demo assessment")
        .0
}

#[test]
fn the_demo_reports_look_up_only_columns_the_checks_write() {
    // Every column a section shows or judges on is looked up in the tables the real
    // checks wrote: a check renaming one fails this test (the report is refused).
    for (name, tenant) in [("monthly", None), ("due-diligence", Some("acme-payroll"))] {
        let assessment = demo(name, tenant);
        let template = Template::built_in(name).expect("template");
        pages(&assessment, &template, &pack()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assessment
            .failed_backup_runs()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // The demo has offending rows in the tables the PDF lists them from.
        assert!(assessment.offending_rows(CheckId::AccessMfa).count() > 0);
    }
}
