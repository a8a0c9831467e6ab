//! Golden cases: `tests/data/<dir>/<case>/` holds a config, its evidence, `case.toml`
//! (the arguments) and `expected/` (the pack files to compare, byte for byte). `<dir>` is
//! a check id (`tests/data/backup.rpo/drifting-job/`: one case focused on one check, its
//! README working every figure out by hand) or, for the older cases that span several
//! checks, a family (`tests/data/access/month/`). The runner writes a pack for every
//! case and compares; every check id of `controls/bindings.toml` must have a case.
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites `expected/` on purpose; review
//! the diff against the case's README before committing it.

mod common;

use std::path::{Path, PathBuf};

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut cases = Vec::new();
    for family in std::fs::read_dir(&root).expect("tests/data") {
        let family = family.expect("entry").path();
        if !family.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&family).expect("family dir") {
            let case = case.expect("entry").path();
            if case.join("case.toml").is_file() {
                cases.push(case);
            }
        }
    }
    cases.sort();
    cases
}

/// The check ids bound in `controls/bindings.toml`, in file order.
fn bound_check_ids() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("controls/bindings.toml");
    let text = std::fs::read_to_string(&path).expect("controls/bindings.toml");
    let bindings: toml::Value = toml::from_str(&text).expect("bindings.toml parses");
    bindings
        .get("check")
        .and_then(|checks| checks.as_array())
        .expect("bindings.toml has [[check]] tables")
        .iter()
        .map(|check| {
            check
                .get("id")
                .and_then(|id| id.as_str())
                .expect("every [[check]] has an id")
                .to_string()
        })
        .collect()
}

#[test]
fn every_bound_check_has_a_golden_case() {
    // A check added to the bindings without `tests/data/<check_id>/<case>/` fails here.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let ids = bound_check_ids();
    assert!(!ids.is_empty(), "no check ids in controls/bindings.toml");
    let cases = cases();
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| {
            !cases
                .iter()
                .any(|case| case.parent() == Some(&root.join(id)))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "check ids without a golden case under tests/data/<check_id>/<case>/case.toml: {missing:?}"
    );
}

#[test]
fn golden_cases_match() {
    let update = std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let cases = cases();
    assert!(!cases.is_empty(), "no golden cases found");
    let mut mismatches = Vec::new();
    for case in &cases {
        let (_out, pack) = common::run_case(case);
        let expected_dir = case.join("expected");
        if update {
            std::fs::create_dir_all(&expected_dir).expect("mkdir expected");
        }
        for name in golden_files(&pack) {
            let actual = std::fs::read(pack.join(&name)).expect("pack file");
            let expected_path = expected_dir.join(&name);
            if update {
                if let Some(parent) = expected_path.parent() {
                    std::fs::create_dir_all(parent).expect("mkdir");
                }
                std::fs::write(&expected_path, &actual).expect("write golden");
                continue;
            }
            match std::fs::read(&expected_path) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => mismatches.push(format!(
                    "{}: {name} differs\n--- expected\n{}\n--- actual\n{}",
                    case.display(),
                    String::from_utf8_lossy(&expected),
                    String::from_utf8_lossy(&actual)
                )),
                Err(_) => mismatches.push(format!("{}: no expected/{name}", case.display())),
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
}

/// The pack files compared byte for byte: every CSV and the JSON summary. The PDF is
/// checked through its text elsewhere, and SHA256SUMS carries the PDF's hash.
fn golden_files(pack: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in walkdir::WalkDir::new(pack).sort_by_file_name() {
        let entry = entry.expect("walk");
        let relative = entry
            .path()
            .strip_prefix(pack)
            .expect("inside")
            .to_string_lossy()
            .replace('\\', "/");
        // The OSCAL file projects findings.csv (tests/oscal.rs holds it to it row for
        // row, through compliance-trestle); golden copies of it would only repeat them.
        let projection = relative.starts_with("oscal/");
        let compared =
            relative.ends_with(".csv") || relative.ends_with(".json") || relative.ends_with(".xml");
        if compared && !projection {
            names.push(relative);
        }
    }
    names
}

#[test]
fn the_dst_case_carries_the_hand_computed_figures() {
    // Independent of the golden files: the figures README.md computes by hand.
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/uptime/dst-day-quorum");
    let (_out, pack) = common::run_case(&case);
    let findings = common::read_csv(&pack.join("findings.csv"));
    let row = |check: &str, subject: &str| common::figure(&findings, check, subject);
    assert_eq!(
        row("uptime.availability", "api"),
        ("97.5434".into(), "fail".into())
    );
    assert_eq!(
        row("uptime.coverage", "api"),
        ("98.1560".into(), "fail".into())
    );
    assert_eq!(
        row("uptime.availability", "web"),
        ("100.0000".into(), "pass".into())
    );
    assert_eq!(
        row("uptime.coverage", "web"),
        ("98.2667".into(), "fail".into())
    );
    assert_eq!(
        row("inputs.rejected_rows", "evidence/probes.csv"),
        ("3".into(), "fail".into())
    );

    let incidents = common::read_csv(&pack.join("incidents.csv"));
    let got: Vec<(String, String, String, String)> = incidents
        .iter()
        .map(|r| {
            (
                r["start"].clone(),
                r["end"].clone(),
                r["duration_seconds"].clone(),
                r["locations"].clone(),
            )
        })
        .collect();
    let want = [
        (
            "2026-11-01T10:00:20Z",
            "2026-11-01T10:10:00Z",
            "580",
            "lon;nyc",
        ),
        (
            "2026-11-01T19:50:20Z",
            "2026-11-01T20:00:00Z",
            "580",
            "lon;nyc",
        ),
        (
            "2026-11-01T23:10:20Z",
            "2026-11-01T23:20:20Z",
            "600",
            "lon;nyc;sfo",
        ),
        (
            "2026-11-02T04:55:20Z",
            "2026-11-02T05:00:00Z",
            "280",
            "lon;nyc",
        ),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);

    let rejected = common::read_csv(&pack.join("rejected.csv"));
    let lines: Vec<&str> = rejected.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["13", "24", "35"]);

    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("summary.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["period"]["start"], "2026-11-01T04:00:00Z");
    assert_eq!(summary["period"]["end"], "2026-11-02T05:00:00Z");
    let api = &summary["availability"][0];
    assert_eq!(api["service"], "api");
    assert_eq!(api["period_seconds"], 90000.0);
    assert_eq!(api["scheduled_seconds"], 5400.0);
    assert_eq!(api["no_data_seconds"], 1560.0);
    assert_eq!(api["down_seconds"], 2040.0);
    assert_eq!(api["error_budget_used_percent"], 2411.3475);
}

#[test]
fn the_backup_case_carries_the_hand_computed_figures() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/backup/three-sources");
    let (_out, pack) = common::run_case(&case);
    let findings = common::read_csv(&pack.join("findings.csv"));
    let expected = [
        ("backup.rpo", "db-main", "8.00", "fail"),
        ("backup.offsite", "db-main", "48.00", "fail"),
        ("backup.encryption", "db-main", "0", "pass"),
        ("backup.retention", "db-main", "123.00", "pass"),
        ("backup.restore_test", "db-main", "16.90", "pass"),
        ("backup.rpo", "files", "24.00", "fail"),
        ("backup.offsite", "files", "744.00", "fail"),
        ("backup.encryption", "files", "31", "fail"),
        ("backup.retention", "files", "36.96", "fail"),
        ("backup.restore_test", "files", "", "fail"),
        ("backup.rpo", "crm", "744.00", "fail"),
        ("backup.offsite", "crm", "744.00", "fail"),
        ("backup.encryption", "crm", "", "not_evaluated"),
        ("backup.retention", "crm", "", "fail"),
        ("backup.restore_test", "crm", "153.00", "fail"),
        ("inputs.rejected_rows", "evidence/backups.csv", "1", "fail"),
    ];
    common::assert_figures(&findings, &expected);
    let evidence = common::read_csv(&pack.join("evidence/backup.rpo.csv"));
    let gap = evidence
        .iter()
        .find(|r| r["source"] == "db-main" && r["kind"] == "longest_gap")
        .expect("the longest gap is listed");
    assert_eq!(
        (gap["start"].as_str(), gap["end"].as_str()),
        ("2026-10-10T04:15:00Z", "2026-10-10T12:15:00Z")
    );
    assert!(evidence
        .iter()
        .any(|r| r["source"] == "db-main" && r["kind"] == "failed"));
    assert!(evidence
        .iter()
        .any(|r| r["source"] == "db-main" && r["kind"] == "before_period"));
}

#[test]
fn the_access_case_carries_the_hand_computed_figures() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/access/month");
    let (_out, pack) = common::run_case(&case);
    let findings = common::read_csv(&pack.join("findings.csv"));
    let expected = [
        ("access.mfa", "alice", "1", "fail"),
        ("access.mfa", "bob", "0", "pass"),
        ("access.mfa", "carol", "1", "fail"),
        ("access.leaver_login", "carol", "2", "fail"),
        ("access.leaver_login", "mallory", "1", "fail"),
        ("access.leaver_login", "oscar", "0", "pass"),
        ("access.leaver_login", "dave", "0", "pass"),
        ("access.leaver_login", "erin", "0", "pass"),
        ("access.leaver_deactivation", "carol", "40.00", "fail"),
        ("access.leaver_deactivation", "dave", "3.00", "pass"),
        ("access.leaver_deactivation", "erin", "", "not_evaluated"),
        (
            "access.shared_credential_rotation",
            "support-vault",
            "27.00",
            "fail",
        ),
        (
            "access.shared_credential_rotation",
            "db-root",
            "511.00",
            "fail",
        ),
        ("access.support_ticket", "acme", "1", "fail"),
        ("access.support_ticket", "globex", "0", "pass"),
        (
            "logging.integrity",
            "evidence/audit/app.ndjson",
            "0",
            "pass",
        ),
        (
            "logging.integrity",
            "evidence/audit/portal.ndjson",
            "1",
            "fail",
        ),
        ("logging.gaps", "evidence/audit/app.ndjson", "22.00", "pass"),
        (
            "logging.gaps",
            "evidence/audit/portal.ndjson",
            "30.00",
            "fail",
        ),
        ("monitoring.alert_resolution", "payroll-api", "0.42", "pass"),
        ("monitoring.alert_resolution", "db-1", "30.00", "fail"),
        ("monitoring.alert_resolution", "portal", "36.00", "fail"),
        (
            "inputs.rejected_rows",
            "evidence/audit/app.ndjson",
            "3",
            "fail",
        ),
    ];
    common::assert_figures(&findings, &expected);
    let subjects = |check: &str| findings.iter().filter(|r| r["check_id"] == check).count();
    assert_eq!(subjects("access.leaver_login"), 5);
    assert_eq!(subjects("access.mfa"), 3);
    let rejected = common::read_csv(&pack.join("rejected.csv"));
    let lines: Vec<&str> = rejected.iter().map(|r| r["line"].as_str()).collect();
    assert_eq!(lines, ["42", "44", "83"]);
    // The offending events name their file and line, so an auditor can find them.
    let logins = common::read_csv(&pack.join("evidence/access.leaver_login.csv"));
    let mallory = logins
        .iter()
        .find(|r| r["subject"] == "mallory")
        .expect("mallory's login");
    assert_eq!(mallory["time"], "2026-10-05T11:00:00Z");
    assert_eq!(mallory["file"], "evidence/audit/app.ndjson");
    assert!(
        mallory["note"].starts_with("deactivated at 2026-09-20T10:00:00Z"),
        "{}",
        mallory["note"]
    );
    let integrity = common::read_csv(&pack.join("evidence/logging.integrity.csv"));
    assert_eq!(integrity.len(), 1);
    assert_eq!(
        (integrity[0]["file"].as_str(), integrity[0]["line"].as_str()),
        ("evidence/audit/portal.ndjson", "14")
    );
}
