//! Scoping one small platform-wide assessment to tenant `acme` (with `globex` as the
//! other tenant): which rows stay, how names change, what the verdicts become.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::*;
use crate::catalog::Catalog;
use crate::config::Policy;
use crate::model::{
    AttestationKind, BackupRepository, Cell, CheckId, ControlStatus, EvidenceTable, Finding,
    InputFile, Organisation, Rejected, SourceBackups, Status, Unit, WaiverState,
};
use crate::period::Period;

const EVENT_COLUMNS: [&str; 9] = [
    "subject", "time", "actor", "tenant", "target", "ip", "note", "file", "line",
];

fn finding(check: CheckId, subject: &str, status: Status, detail: &str) -> Finding {
    let catalog = Catalog::built_in().expect("catalogue");
    Finding {
        check,
        controls: catalog.binding(check).controls.clone(),
        subject: subject.to_string(),
        status,
        measured: Some(if status == Status::Fail { 1.0 } else { 0.0 }),
        target: Some(0.0),
        unit: Unit::Count,
        detail: detail.to_string(),
        waiver: None,
    }
}

fn source(name: &str, tenants: &[&str]) -> SourceBackups {
    SourceBackups {
        tenants: tenants.iter().map(|t| t.to_string()).collect(),
        repositories: vec![BackupRepository {
            repository: format!("{name}-offsite"),
            region: "au-southwest-1".to_string(),
            offsite: true,
            successes: 31,
            last_success: None,
        }],
        ..SourceBackups::new(name)
    }
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

fn event_row(subject: &str, actor: &str, tenant: &str, target: &str, note: &str) -> Vec<Cell> {
    vec![
        text(subject),
        Cell::Time(1_791_000_000_000),
        text(actor),
        text(tenant),
        text(target),
        text("192.0.2.51"),
        text(note),
        text("evidence/audit/app.ndjson"),
        Cell::Count(12),
    ]
}

fn waiver(check: CheckId, subject: &str, approver: &str) -> Waiver {
    Waiver {
        check,
        subject: subject.to_string(),
        justification: format!("accepted until the fix; see {subject}"),
        approver: approver.to_string(),
        expires_on: NaiveDate::from_ymd_opt(2027, 1, 31).expect("date"),
    }
}

/// The platform-wide assessment: one backup source each for `acme` and `globex` and a
/// shared one, support accesses to both tenants, staff MFA rows (one with a login
/// inside globex's tenant), waivers for an acme-only, a globex-only and every subject.
fn platform() -> Assessment {
    let tz: chrono_tz::Tz = "Australia/Melbourne".parse().expect("zone");
    let period = Period::month("2026-10", tz).expect("period");
    let catalog = Catalog::built_in().expect("catalogue");
    use CheckId::*;
    let mut findings = vec![
        finding(BackupRpo, "acme-db", Status::Pass, "longest gap 4.00 h"),
        finding(
            BackupRpo,
            "globex-files",
            Status::Fail,
            "longest gap 9.00 h",
        ),
        finding(BackupRpo, "ledger-db", Status::Pass, "longest gap 4.00 h"),
        finding(
            BackupRestoreTest,
            "acme-db",
            Status::Pass,
            "tested 2026-10-12",
        ),
        finding(
            BackupRestoreTest,
            "globex-files",
            Status::Fail,
            "never tested",
        ),
        finding(
            BackupEncryption,
            "globex-files",
            Status::Fail,
            "3 of 9 not encrypted",
        ),
        finding(
            AccessSupportTicket,
            "acme",
            Status::Fail,
            "1 of 2 support accesses had no ticket",
        ),
        finding(
            AccessSupportTicket,
            "globex",
            Status::Pass,
            "0 of 3 support accesses had no ticket",
        ),
        finding(AccessSupportTicket, "(no tenant)", Status::Pass, "0 of 1"),
        finding(
            AccessMfa,
            "r.patel",
            Status::Fail,
            "2 of 26 successful logins under an MFA-required role had no MFA",
        ),
        finding(AccessMfa, "j.chen", Status::Pass, "0 of 20"),
        finding(AccessMfa, "bob@globex.example", Status::Fail, "1 of 3"),
        finding(
            AccessLeaverDeactivation,
            "l.moreau",
            Status::Fail,
            "left at 2026-10-14T23:00:00Z, deactivated at 2026-10-16T05:00:00Z by s.lindqvist",
        ),
        finding(
            MonitoringAlertResolution,
            "globex-files",
            Status::Pass,
            "BackupMissed took 1.00 h",
        ),
        finding(
            MonitoringAlertResolution,
            "lb-01",
            Status::Pass,
            "TLSHandshakeErrors took 2.00 h",
        ),
        finding(
            InputsRejectedRows,
            "evidence/globex/backups.csv",
            Status::Fail,
            "1 of 9 rows could not be read: see rejected.csv",
        ),
        finding(
            InputsRejectedRows,
            "evidence/audit/app.ndjson",
            Status::Pass,
            "all 9 rows read",
        ),
    ];
    findings.sort_by(|a, b| (a.check.as_str(), &a.subject).cmp(&(b.check.as_str(), &b.subject)));
    let mut evidence = BTreeMap::new();
    evidence.insert(
        BackupRpo,
        EvidenceTable::unjudged(
            &["source", "kind", "repository", "path"],
            vec![
                vec![
                    text("acme-db"),
                    text("backup"),
                    text("acme-db-primary"),
                    text("evidence/acme/db.json"),
                ],
                vec![
                    text("globex-files"),
                    text("backup"),
                    text("globex-files-primary"),
                    text("evidence/globex/backups.csv"),
                ],
                vec![
                    text("ledger-db"),
                    text("backup"),
                    text("ledger-primary"),
                    text("evidence/ledger.csv"),
                ],
            ],
        ),
    );
    evidence.insert(
        AccessMfa,
        EvidenceTable::offending(
            &EVENT_COLUMNS,
            vec![
                event_row(
                    "bob@globex.example",
                    "bob@globex.example",
                    "globex",
                    "",
                    "role admin, no MFA",
                ),
                event_row("r.patel", "r.patel", "", "", "role admin, no MFA"),
                event_row("r.patel", "r.patel", "globex", "", "role admin, no MFA"),
            ],
        ),
    );
    evidence.insert(
        AccessSupportTicket,
        EvidenceTable::offending(
            &EVENT_COLUMNS,
            vec![event_row(
                "acme",
                "j.chen",
                "acme",
                "ann@acme.example",
                "no ticket",
            )],
        ),
    );
    evidence.insert(
        AccessLeaverDeactivation,
        EvidenceTable::unjudged(
            &["actor", "left_at", "deactivated_by"],
            vec![vec![text("l.moreau"), Cell::Time(1), text("s.lindqvist")]],
        ),
    );
    let waivers = crate::model::apply_waivers(
        &mut findings,
        &[
            waiver(
                BackupRestoreTest,
                "globex-files",
                "m.okafor (Head of Infrastructure)",
            ),
            waiver(AccessMfa, "*", "e.hughes (Head of Information Security)"),
            waiver(
                AccessSupportTicket,
                "acme",
                "e.hughes (Head of Information Security)",
            ),
        ],
        period.last_local_day(),
    );
    let attestations = crate::model::assess_attestations(
        &[Attestation {
            control: "5.1".to_string(),
            kind: AttestationKind::Implemented,
            justification: "Policies approved by the board".to_string(),
            owner: "e.hughes (Head of Information Security)".to_string(),
            evidence: "ISMS-POL-001".to_string(),
            reviewed_on: NaiveDate::from_ymd_opt(2026, 2, 17).expect("date"),
        }],
        period.last_local_day(),
    );
    let controls = roll_up_controls(&catalog.controls, &findings, &evidence, &attestations);
    let input = |path: &str| InputFile {
        path: path.to_string(),
        kind: "backups".to_string(),
        format: "csv".to_string(),
        sha256: "00".repeat(32),
        bytes: 10,
        rows: 9,
        rejected_rows: 1,
    };
    Assessment {
        tool_version: "0.1.0",
        generated_at: 1_793_491_200_000,
        organisation: Organisation {
            name: "Example Hosting".to_string(),
            timezone: tz,
            primary_region: "au-southeast-1".to_string(),
        },
        period,
        policy: Policy::default(),
        template: "due-diligence".to_string(),
        tenant: None,
        findings,
        evidence,
        controls,
        incidents: Vec::new(),
        services: Vec::new(),
        maintenance: Vec::new(),
        capacity: Vec::new(),
        business_hours: Vec::new(),
        backups: vec![
            source("acme-db", &["acme"]),
            source("globex-files", &["globex"]),
            source("ledger-db", &[]),
        ],
        inputs: vec![
            input("evidence/acme/db.json"),
            input("evidence/globex/backups.csv"),
            input("evidence/ledger.csv"),
        ],
        rejected: vec![
            Rejected {
                path: "evidence/globex/backups.csv".to_string(),
                line: 4,
                reason: "`tenant` is `globex`: bad".to_string(),
            },
            Rejected {
                path: "evidence/ledger.csv".to_string(),
                line: 7,
                reason: "`started_at` is `bob@globex.example`: expected a time".to_string(),
            },
        ],
        waivers,
        attestations,
        signers: Vec::new(),
    }
}

fn tenancy() -> Tenancy {
    let user = |t: &str| Identity::User(t.to_string());
    Tenancy {
        tenants: BTreeSet::from(["acme".to_string(), "globex".to_string()]),
        declared: BTreeMap::from([
            ("evidence/globex/".to_string(), "globex".to_string()),
            (
                "evidence/globex/backups.csv".to_string(),
                "globex".to_string(),
            ),
        ]),
        identities: BTreeMap::from([
            ("ann@acme.example".to_string(), user("acme")),
            ("bob@globex.example".to_string(), user("globex")),
            ("j.chen".to_string(), Identity::Staff),
            ("l.moreau".to_string(), Identity::Staff),
            ("r.patel".to_string(), Identity::Staff),
            ("s.lindqvist".to_string(), Identity::Staff),
        ]),
        support: vec![
            SupportAccess {
                time: 1_791_000_000_000,
                actor: "j.chen".to_string(),
                role: "support".to_string(),
                target: "ann@acme.example".to_string(),
                ticket: String::new(),
                file: "evidence/audit/app.ndjson".to_string(),
                line: 12,
            },
            SupportAccess {
                time: 1_791_000_600_000,
                actor: "r.patel".to_string(),
                role: "support".to_string(),
                target: "ann@acme.example".to_string(),
                ticket: "SUP-1".to_string(),
                file: "evidence/audit/app.ndjson".to_string(),
                line: 14,
            },
        ],
    }
}

fn scoped() -> (Assessment, TenantScope) {
    let platform = platform();
    let scope = TenantScope::new("acme", tenancy(), &platform).expect("acme is known");
    let catalog = Catalog::built_in().expect("catalogue");
    (platform.scoped_to(&scope, &catalog.controls), scope)
}

fn rows(assessment: &Assessment) -> Vec<(String, String)> {
    assessment
        .findings
        .iter()
        .map(|f| (f.check.as_str().to_string(), f.subject.clone()))
        .collect()
}

fn has_row(assessment: &Assessment, check: &str, subject: &str) -> bool {
    rows(assessment)
        .iter()
        .any(|(c, s)| c == check && s == subject)
}

/// Every text of the assessment, for "appears nowhere" assertions.
fn all_text(assessment: &Assessment) -> String {
    let mut all = Vec::new();
    redact::each_text(assessment, &mut |text| all.push(text.to_string()));
    for table in assessment.evidence.values() {
        all.extend(table.columns.iter().map(|c| c.to_string()));
    }
    all.join("\n")
}

#[test]
fn another_tenants_backup_source_goes_with_its_evidence_and_shared_sources_stay() {
    let (scoped, _) = scoped();
    assert!(has_row(&scoped, "backup.rpo", "acme-db"));
    assert!(has_row(&scoped, "backup.rpo", "ledger-db"));
    assert!(!has_row(&scoped, "backup.rpo", "globex-files"));
    let sources: Vec<&str> = scoped.backups.iter().map(|b| b.source.as_str()).collect();
    assert_eq!(sources, ["acme-db", "ledger-db"]);
    let rpo = &scoped.evidence[&CheckId::BackupRpo];
    assert_eq!(rpo.rows.len(), 2);
    // Its alert goes too: the alert target is globex's source.
    assert!(!has_row(
        &scoped,
        "monitoring.alert_resolution",
        "globex-files"
    ));
    assert!(has_row(&scoped, "monitoring.alert_resolution", "lb-01"));
}

#[test]
fn a_check_whose_every_row_was_another_tenants_gets_one_not_evaluated_row() {
    let (scoped, _) = scoped();
    let encryption: Vec<&Finding> = scoped
        .findings
        .iter()
        .filter(|f| f.check == CheckId::BackupEncryption)
        .collect();
    assert_eq!(encryption.len(), 1);
    assert_eq!(encryption[0].subject, "*");
    assert_eq!(encryption[0].status, Status::NotEvaluated);
    assert!(
        encryption[0].detail.contains("tenant acme"),
        "{}",
        encryption[0].detail
    );
    assert!(!scoped.evidence.contains_key(&CheckId::BackupEncryption));
}

#[test]
fn support_ticket_keeps_the_tenants_row_and_lists_every_access_with_its_ticket() {
    let (scoped, _) = scoped();
    let support: Vec<&str> = scoped
        .findings
        .iter()
        .filter(|f| f.check == CheckId::AccessSupportTicket)
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(support, ["acme"]);
    let table = &scoped.evidence[&CheckId::AccessSupportTicket];
    assert_eq!(
        table.columns,
        ["subject", "time", "actor", "role", "target", "ticket", "note", "file", "line"]
    );
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0].cells[5], text(""));
    assert_eq!(table.rows[0].cells[6], text("no ticket"));
    assert_eq!(table.rows[1].cells[5], text("SUP-1"));
    // The access without a ticket offends; the one with a ticket does not.
    let flags: Vec<bool> = table.rows.iter().map(|row| row.offending).collect();
    assert_eq!(flags, [true, false]);
    // The tenant's own user keeps the name; staff do not.
    assert_eq!(table.rows[0].cells[4], text("ann@acme.example"));
    assert!(matches!(&table.rows[0].cells[2], Cell::Text(t) if t.starts_with("staff-")));
}

#[test]
fn a_tenant_nobody_entered_gets_a_passing_support_row() {
    let mut tenancy = tenancy();
    tenancy.support.clear();
    let mut platform = platform();
    platform
        .findings
        .retain(|f| !(f.check == CheckId::AccessSupportTicket && f.subject == "acme"));
    let scope = TenantScope::new("acme", tenancy, &platform).expect("known");
    let scoped = platform.scoped_to(&scope, &Catalog::built_in().expect("catalogue").controls);
    let row = scoped
        .findings
        .iter()
        .find(|f| f.check == CheckId::AccessSupportTicket)
        .expect("a support row");
    assert_eq!((row.subject.as_str(), row.status), ("acme", Status::Pass));
    assert_eq!(row.measured, Some(0.0));
}

#[test]
fn staff_become_pseudonyms_numbered_in_the_sorted_order_of_the_names_the_pack_mentions() {
    let (scoped, _) = scoped();
    // Mentioned: e.hughes (approver, owner), j.chen, l.moreau, m.okafor is gone with
    // globex's waiver, r.patel, s.lindqvist (in a detail and an evidence cell).
    let mfa: Vec<(&str, Status)> = scoped
        .findings
        .iter()
        .filter(|f| f.check == CheckId::AccessMfa)
        .map(|f| (f.subject.as_str(), f.status))
        .collect();
    assert_eq!(
        mfa,
        [("staff-2", Status::Pass), ("staff-4", Status::Waived)]
    );
    let leaver = scoped
        .findings
        .iter()
        .find(|f| f.check == CheckId::AccessLeaverDeactivation)
        .expect("leaver row");
    assert_eq!(leaver.subject, "staff-3");
    assert!(leaver.detail.ends_with("by staff-5"), "{}", leaver.detail);
    let deactivation = &scoped.evidence[&CheckId::AccessLeaverDeactivation];
    assert_eq!(deactivation.rows[0].cells[2], text("staff-5"));
    let approvers: Vec<&str> = scoped
        .waivers
        .iter()
        .map(|w| w.waiver.approver.as_str())
        .collect();
    assert_eq!(
        approvers,
        [
            "staff-1 (Head of Information Security)",
            "staff-1 (Head of Information Security)"
        ]
    );
    assert_eq!(
        scoped.attestations[0].attestation.owner,
        "staff-1 (Head of Information Security)"
    );
    let all = all_text(&scoped);
    for name in [
        "r.patel",
        "j.chen",
        "l.moreau",
        "s.lindqvist",
        "e.hughes",
        "m.okafor",
    ] {
        assert!(!all.contains(name), "{name} appears:\n{all}");
    }
}

#[test]
fn evidence_rows_in_another_tenant_go_are_counted_and_ip_addresses_are_dropped() {
    let (scoped, _) = scoped();
    let mfa = &scoped.evidence[&CheckId::AccessMfa];
    assert!(!mfa.columns.contains(&"ip"));
    assert_eq!(mfa.rows.len(), 1, "only r.patel's login outside globex");
    let patel = scoped
        .findings
        .iter()
        .find(|f| f.check == CheckId::AccessMfa && f.subject == "staff-4")
        .expect("r.patel's row");
    assert!(
        patel
            .detail
            .ends_with("; 1 of its events was in another tenant and is not listed"),
        "{}",
        patel.detail
    );
    assert!(!all_text(&scoped).contains("192.0.2.51"));
}

#[test]
fn offending_flags_stay_with_their_rows_when_rows_go_are_sorted_and_ip_is_dropped() {
    let mut platform = platform();
    let mut table = EvidenceTable::new(&["actor", "ip", "note"]);
    table.push(
        vec![text("zeta"), text("192.0.2.7"), text("on time")],
        false,
    );
    table.push(
        vec![text("bob@globex.example"), text(""), text("late")],
        true,
    );
    table.push(vec![text("alpha"), text(""), text("late")], true);
    platform
        .evidence
        .insert(CheckId::AccessLeaverDeactivation, table);
    let scope = TenantScope::new("acme", tenancy(), &platform).expect("acme is known");
    let scoped = platform.scoped_to(&scope, &Catalog::built_in().expect("catalogue").controls);
    let table = &scoped.evidence[&CheckId::AccessLeaverDeactivation];
    assert_eq!(table.columns, ["actor", "note"]);
    let rows: Vec<(&Cell, bool)> = table
        .rows
        .iter()
        .map(|row| (&row.cells[1], row.offending))
        .collect();
    assert_eq!(rows, [(&text("late"), true), (&text("on time"), false)]);
    assert_eq!(
        scoped
            .offending_rows(CheckId::AccessLeaverDeactivation)
            .flags,
        [true, false]
    );
}

#[test]
fn no_identifier_of_the_other_tenant_appears_anywhere() {
    let (scoped, scope) = scoped();
    let all = all_text(&scoped);
    for foreign in [
        "globex",
        "globex-files",
        "bob@globex.example",
        "(no tenant)",
    ] {
        assert!(!all.contains(foreign), "{foreign} appears:\n{all}");
    }
    assert!(scope.leaks(&scoped).is_empty());
    // The check itself finds them in the platform-wide assessment.
    assert!(!scope.leaks(&platform()).is_empty());
}

#[test]
fn inputs_of_another_tenant_go_and_rejected_reasons_are_withheld() {
    let (scoped, _) = scoped();
    let inputs: Vec<&str> = scoped.inputs.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(inputs, ["evidence/acme/db.json", "evidence/ledger.csv"]);
    assert_eq!(scoped.rejected.len(), 1);
    assert_eq!(scoped.rejected[0].path, "evidence/ledger.csv");
    assert_eq!(scoped.rejected[0].reason, REASON_WITHHELD);
    assert!(!has_row(
        &scoped,
        "inputs.rejected_rows",
        "evidence/globex/backups.csv"
    ));
}

#[test]
fn controls_roll_up_from_the_scoped_rows() {
    let platform = platform();
    let control = |a: &Assessment, id: &str| {
        a.controls
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.status)
            .expect("control")
    };
    // 8.13 fails platform-wide only because of globex's backups.
    assert_eq!(control(&platform, "8.13"), ControlStatus::Fail);
    let (scoped, _) = scoped();
    assert_eq!(control(&scoped, "8.13"), ControlStatus::Pass);
    // Counts and the verdict come from the scoped rows.
    assert_eq!(scoped.counts().total(), scoped.findings.len());
}

#[test]
fn waivers_of_another_tenants_subject_go_and_the_others_apply_again() {
    let (scoped, _) = scoped();
    let waivers: Vec<(&str, &str, usize, WaiverState)> = scoped
        .waivers
        .iter()
        .map(|w| {
            (
                w.waiver.check.as_str(),
                w.waiver.subject.as_str(),
                w.waived_rows,
                w.state,
            )
        })
        .collect();
    assert_eq!(
        waivers,
        [
            ("access.mfa", "*", 1, WaiverState::Active),
            ("access.support_ticket", "acme", 1, WaiverState::Active),
        ]
    );
    let support = scoped
        .findings
        .iter()
        .find(|f| f.check == CheckId::AccessSupportTicket)
        .expect("support row");
    assert_eq!(support.status, Status::Waived);
}

#[test]
fn scoping_is_deterministic() {
    let (first, _) = scoped();
    let (second, _) = scoped();
    assert_eq!(first.findings, second.findings);
    assert_eq!(first.evidence, second.evidence);
    assert_eq!(first.controls, second.controls);
    assert_eq!(first.waivers, second.waivers);
}

#[test]
fn an_unknown_tenant_is_an_error_naming_the_known_ones() {
    let error = TenantScope::new("acm", tenancy(), &platform()).expect_err("unknown");
    assert_eq!(
        error.to_string(),
        "--tenant `acm`: no audit event, backup row or input names this tenant; the evidence names acme, globex"
    );
}

#[test]
fn a_source_of_several_tenants_is_left_out_with_a_warning() {
    let mut platform = platform();
    platform
        .backups
        .push(source("mixed-db", &["acme", "globex"]));
    let scope = TenantScope::new("acme", tenancy(), &platform).expect("known");
    assert_eq!(scope.warnings.len(), 1);
    assert!(
        scope.warnings[0].contains("mixed-db"),
        "{}",
        scope.warnings[0]
    );
    let scoped = platform.scoped_to(&scope, &Catalog::built_in().expect("catalogue").controls);
    assert!(scoped.backups.iter().all(|b| b.source != "mixed-db"));
}

#[test]
fn a_directory_declared_for_another_tenant_takes_only_its_own_path_along() {
    let mut tenancy = tenancy();
    tenancy
        .declared
        .insert("evidence/".to_string(), "globex".to_string());
    let platform = platform();
    let scope = TenantScope::new("acme", tenancy, &platform).expect("known");
    let scoped = platform.scoped_to(&scope, &Catalog::built_in().expect("catalogue").controls);
    let inputs: Vec<&str> = scoped.inputs.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(inputs, ["evidence/acme/db.json", "evidence/ledger.csv"]);
    assert!(!scope
        .leaks(&platform)
        .iter()
        .any(|l| l.contains("`evidence/`")));
}

#[test]
fn the_person_of_a_declaration_is_the_name_before_the_role() {
    assert_eq!(person("m.okafor (Head of Infrastructure)"), "m.okafor");
    assert_eq!(person("Head of Infrastructure"), "Head of Infrastructure");
    assert_eq!(person(" (CFO)"), "(CFO)");
}
