//! End to end: attestations and waivers (SPEC §8) in every output of the binary, on
//! the golden case `tests/data/controls/waivers-and-attestations/` (its README computes
//! the figures by hand), and `check`'s exit code with waived rows (SPEC §2).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{auditpack, read_csv};

fn case() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/controls/waivers-and-attestations")
}

/// The row of `rows` whose `key` column is `value`.
fn row<'a>(
    rows: &'a [HashMap<String, String>],
    key: &str,
    value: &str,
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}"))
}

#[test]
fn findings_and_controls_csv_show_waivers_and_attestations() {
    let (_out, pack) = common::run_case(&case());
    let findings: Vec<_> = read_csv(&pack.join("findings.csv"))
        .into_iter()
        .filter(|r| r["check_id"] == "monitoring.alert_resolution")
        .collect();
    let status_and_waiver = |subject: &str| {
        let r = row(&findings, "subject", subject);
        (r["status"].as_str(), r["waiver"].as_str())
    };
    assert_eq!(
        status_and_waiver("db-1"),
        (
            "waived",
            "ops-lead, expires 2026-12-31: Disk expansion ordered (PO-118); alerts on db-1 accepted until it lands"
        )
    );
    assert_eq!(
        status_and_waiver("db-2"),
        (
            "waived",
            "ops-lead, expires 2026-11-05, within 14 days of the period end: Same disk order, second shelf"
        )
    );
    assert_eq!(
        status_and_waiver("web-1"),
        (
            "fail",
            "cto, expired 2026-10-30, no longer applies: CPU upgrade was due in September"
        )
    );
    assert_eq!(status_and_waiver("web-2"), ("pass", ""));
    assert_eq!(status_and_waiver("lb-1"), ("fail", ""));
    let all = read_csv(&pack.join("findings.csv"));
    let rpo = all
        .iter()
        .find(|r| r["check_id"] == "backup.rpo")
        .expect("backup.rpo row");
    assert_eq!(
        (rpo["status"].as_str(), rpo["waiver"].as_str()),
        ("not_evaluated", ""),
        "a waiver never turns not_evaluated into waived"
    );

    let controls = read_csv(&pack.join("controls.csv"));
    let control = |id: &str| {
        let r = row(&controls, "control_id", id);
        (
            r["status"].clone(),
            r["justification"].clone(),
            r["evidence"].clone(),
        )
    };
    assert_eq!(
        control("5.1"),
        (
            "attested".into(),
            "Policy set approved by the board (owner ciso, reviewed 2026-03-01)".into(),
            "POL-001 v3".into()
        )
    );
    let (status, justification, _) = control("7.1");
    assert_eq!(status, "no_evidence");
    assert!(
        justification
            .starts_with("stale attestation, counts as no evidence: last reviewed 2025-09-30"),
        "{justification}"
    );
    assert_eq!(control("8.30").0, "not_applicable");
    assert_eq!(
        control("8.13").0,
        "attested",
        "its checks are all not_evaluated"
    );
    let (status, justification, _) = control("8.6");
    assert_eq!(
        status, "fail",
        "findings take precedence over an attestation"
    );
    assert!(
        justification.contains("findings take precedence"),
        "{justification}"
    );
}

#[test]
fn summary_json_and_junit_xml_show_waivers_and_attestations() {
    let (_out, pack) = common::run_case(&case());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["verdict"], "fail");
    assert_eq!(summary["counts"]["waived"], 2);
    assert_eq!(summary["counts"]["fail"], 2);
    let waivers: Vec<(String, String, u64)> = summary["waivers"]
        .as_array()
        .expect("waivers")
        .iter()
        .map(|w| {
            (
                w["subject"].as_str().unwrap_or_default().to_string(),
                w["state"].as_str().unwrap_or_default().to_string(),
                w["waived_rows"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let expected = [
        ("*", "active", 0),
        ("db-1", "active", 1),
        ("db-2", "expiring", 1),
        ("web-1", "expired", 0),
        ("web-2", "active", 0),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(s, st, n)| (s.to_string(), st.to_string(), *n))
        .collect();
    assert_eq!(waivers, expected);
    assert_eq!(summary["waivers"][2]["days_left"], 5);
    let attestations: Vec<(&str, &str, &str)> = summary["attestations"]
        .as_array()
        .expect("attestations")
        .iter()
        .filter_map(|a| {
            Some((
                a["control"].as_str()?,
                a["state"].as_str()?,
                a["control_status"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(
        attestations,
        [
            ("5.1", "current", "attested"),
            ("7.1", "stale", "no_evidence"),
            ("8.6", "current", "fail"),
            ("8.13", "current", "attested"),
            ("8.30", "current", "not_applicable"),
        ]
    );

    let xml = std::fs::read_to_string(pack.join("junit.xml")).expect("junit");
    let document = roxmltree::Document::parse(&xml).expect("well-formed");
    let root = document.root_element();
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(
        root.attribute("skipped"),
        Some((2 + OTHER_CHECKS).to_string().as_str()),
        "2 waived + one not_evaluated row per check without its input"
    );
    let child = |subject: &str, tag: &str| {
        document
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(subject))
            .and_then(|n| n.children().find(|c| c.has_tag_name(tag)))
            .and_then(|c| c.attribute("message").map(String::from))
            .unwrap_or_else(|| panic!("no <{tag}> for {subject}"))
    };
    let db1 = child("db-1", "skipped");
    assert!(
        db1.starts_with("waived: measured 30.00 hours, target 24.00"),
        "{db1}"
    );
    assert!(db1.ends_with("waiver: ops-lead, expires 2026-12-31: Disk expansion ordered (PO-118); alerts on db-1 accepted until it lands"), "{db1}");
    let web1 = child("web-1", "failure");
    assert!(
        web1.contains("waiver: cto, expired 2026-10-30, no longer applies"),
        "{web1}"
    );
}

#[test]
fn the_report_warns_of_expiring_and_expired_waivers_and_stale_attestations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = common::report_month(&case().join("auditpack.toml"), &dir.path().join("pack"));
    assert_eq!(output.code, 0, "{}", output.stderr);
    for warning in [
        "waiver monitoring.alert_resolution db-2 (approved by ops-lead) expires on 2026-11-05, within 14 days of the period end",
        "waiver monitoring.alert_resolution web-1 (approved by cto) expired on 2026-10-30 and no longer applies",
        "attestation of control 7.1 (owner ops-lead) was last reviewed on 2025-09-30",
    ] {
        assert!(output.stderr.contains(warning), "{}", output.stderr);
    }
    assert!(
        !output.stderr.contains("not applied by this version"),
        "{}",
        output.stderr
    );
    if common::have("pdftotext") {
        let text = Command::new("pdftotext")
            .arg(dir.path().join("pack/report.pdf"))
            .arg("-")
            .output()
            .expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout);
        for expected in [
            "Waivers and attestations",
            "5 waivers declared: 3 active, 1 expiring within 14 days, 1 expired.",
            "Expiring in 5 days",
            "Findings covered by a waiver",
            "5 attestations declared",
        ] {
            assert!(text.contains(expected), "no {expected:?} in the PDF");
        }
    }
}

/// A config reading the case's alerts with `waivers` as its waivers file.
fn config_with_waivers(dir: &Path, waivers: &str) -> PathBuf {
    std::fs::write(dir.join("waivers.toml"), waivers).expect("write waivers");
    let alerts = case().join("evidence/alerts.csv");
    let config = dir.join("auditpack.toml");
    std::fs::write(
        &config,
        format!(
            "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
             [[input]]\nkind = \"alerts\"\nformat = \"csv\"\npath = \"{}\"\n\
             [controls]\nwaivers = \"waivers.toml\"\n",
            alerts.display()
        ),
    )
    .expect("write config");
    config
}

fn check(config: &Path, strict: bool) -> common::Output {
    let mut args = vec![
        "check".to_string(),
        "--config".to_string(),
        config.display().to_string(),
        "--period".to_string(),
        "2026-10".to_string(),
    ];
    if strict {
        args.push("--strict".to_string());
    }
    auditpack(&args, &[])
}

/// The case declares only alerts: every check but `monitoring.alert_resolution` and
/// `inputs.rejected_rows` (which passes on the alerts file) has one `not_evaluated` row.
const OTHER_CHECKS: usize = auditpack::model::CheckId::ALL.len() - 2;

const EVERY_ALERT: &str = "[[waiver]]\ncheck = \"monitoring.alert_resolution\"\nsubject = \"*\"\n\
                           justification = \"accepted\"\napprover = \"cto\"\nexpires_on = 2026-12-31\n";

#[test]
fn check_exits_0_when_the_only_failing_rows_are_waived() {
    // The case itself: web-1 (expired waiver) and lb-1 still fail.
    let output = check(&case().join("auditpack.toml"), false);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output.stdout.contains("FAIL (2 failing)"),
        "{}",
        output.stdout
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_with_waivers(dir.path(), EVERY_ALERT);
    let output = check(&config, false);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stdout.contains(&format!(
            "{} findings: 2 pass, 4 waived, {OTHER_CHECKS} not_evaluated: PASS",
            6 + OTHER_CHECKS
        )),
        "{}",
        output.stdout
    );
    // --strict fails the not_evaluated rows (SPEC §2), never the waived ones.
    let output = check(&config, true);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains(&format!("(strict): FAIL ({OTHER_CHECKS} failing)")),
        "{}",
        output.stdout
    );
}

#[test]
fn an_expired_star_waiver_does_not_help_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expired = EVERY_ALERT.replace("2026-12-31", "2026-10-30");
    let output = check(&config_with_waivers(dir.path(), &expired), false);
    assert_eq!(output.code, 1, "{}", output.stdout);
    assert!(
        output.stdout.contains("FAIL (4 failing)"),
        "{}",
        output.stdout
    );
}

#[test]
fn a_bad_waivers_file_exits_2_naming_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_with_waivers(
        dir.path(),
        "[[waiver]]\ncheck = \"monitoring.alert\"\nsubject = \"db-1\"\n\
         justification = \"x\"\napprover = \"cto\"\nexpires_on = 2026-12-31\nticket = 4\n",
    );
    let output = check(&config, false);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("waivers.toml: invalid configuration"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("line 2: waiver[1].check: expected a check id"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("line 7: waiver[1].ticket: unknown key"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);

    // A [controls] file that does not exist is a problem of auditpack.toml.
    let config = dir.path().join("auditpack.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, text.replace("waivers.toml", "missing.toml")).expect("write");
    let output = check(&config, false);
    assert_eq!(output.code, 2, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("line 9: controls.waivers: expected a TOML file, no such file:"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("missing.toml"), "{}", output.stderr);
}
