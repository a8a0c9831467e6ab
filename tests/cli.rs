//! End to end: the binary on the demo organisation and on small broken configs.

mod common;

use std::path::Path;
use std::process::Command;

use common::{auditpack, demo_config, read_csv};

fn demo_pack(out: &Path) -> common::Output {
    let config = demo_config();
    common::report_month(&config, out)
}

#[test]
fn report_writes_a_pack_that_sha256sum_accepts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack");
    let output = demo_pack(&pack);
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(output.stdout.contains("verdict FAIL"), "{}", output.stdout);
    // The demo signs with its public, demo-only keys.
    assert!(!output.stderr.contains("not signed"), "{}", output.stderr);
    assert!(pack.join("SHA256SUMS.sig").is_file());
    for name in [
        "report.pdf",
        "findings.csv",
        "controls.csv",
        "incidents.csv",
        "inputs.csv",
        "rejected.csv",
        "summary.json",
        "junit.xml",
        "SHA256SUMS",
        "evidence/uptime.availability.csv",
    ] {
        assert!(pack.join(name).is_file(), "missing {name}");
    }
    let check = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(&pack)
        .output()
        .expect("sha256sum");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let listed = std::fs::read_to_string(pack.join("SHA256SUMS")).expect("manifest");
    let files: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, p)| p))
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted, "SHA256SUMS must be sorted by path");
    // The twelve pack files (OSCAL and the trust page with its feeds among them), and
    // one evidence file per evaluated check.
    let (evidence, others): (Vec<&str>, Vec<&str>) =
        files.iter().partition(|f| f.starts_with("evidence/"));
    assert_eq!(others.len(), 12, "{files:?}");
    assert!(others.contains(&"site/index.html"), "{files:?}");
    assert!(others.contains(&"site/feed.atom"), "{files:?}");
    assert!(others.contains(&"site/maintenance.ics"), "{files:?}");
    assert!(
        others.contains(&"oscal/assessment-results.json"),
        "{files:?}"
    );
    assert!(evidence.len() >= 16, "{files:?}");
}

#[test]
fn the_demo_pack_carries_the_planted_figures() {
    // Planted by tools/fixturegen and cross-checked there by a separate implementation.
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack");
    assert_eq!(demo_pack(&pack).code, 0);
    let findings = read_csv(&pack.join("findings.csv"));
    common::assert_figures(
        &findings,
        &[
            ("uptime.availability", "payroll-api", "99.8877", "fail"),
            ("uptime.availability", "payroll-web", "99.9865", "pass"),
            ("uptime.availability", "jobs-api", "99.8897", "fail"),
            ("uptime.availability", "customer-portal", "100.0000", "pass"),
            ("uptime.coverage", "customer-portal", "99.7257", "pass"),
            // SPEC §15: each check's planted failure and a passing witness.
            ("maintenance.notice", "jobs-api", "1", "fail"),
            (
                "maintenance.business_hours",
                "customer-portal",
                "30.00",
                "fail",
            ),
            ("uptime.latency", "jobs-api", "1061.00", "fail"),
            ("uptime.latency", "payroll-api", "134.00", "pass"),
            (
                "uptime.trailing_availability",
                "payroll-web",
                "99.8789",
                "fail",
            ),
            (
                "uptime.trailing_availability",
                "payroll-api",
                "99.9905",
                "pass",
            ),
            (
                "uptime.trailing_availability",
                "customer-portal",
                "100.0000",
                "pass",
            ),
            ("capacity.headroom", "db", "100.3000", "fail"),
            ("capacity.headroom", "k8s-prod", "58.5000", "pass"),
            ("monitoring.disk_alerting", "db-main-02", "1", "fail"),
            ("monitoring.disk_alerting", "files-01", "0", "pass"),
            ("backup.retention_tiers", "ledger-db", "1", "fail"),
            ("backup.retention_tiers", "payroll-db", "0", "pass"),
        ],
    );
    // Backups, from the real restic and borg output the generator recorded.
    let expected_backups = [
        ("backup.rpo", "payroll-db", "8.00", "fail"),
        ("backup.rpo", "customer-files", "4.00", "pass"),
        ("backup.offsite", "payroll-db", "24.00", "pass"),
        ("backup.retention", "customer-files", "122.88", "pass"),
        ("backup.restore_test", "customer-files", "135.46", "fail"),
        // Never restore-tested, but waived until 2026-11-10 (fixtures/demo/waivers.toml).
        ("backup.restore_test", "ledger-db", "", "waived"),
        ("backup.restore_test", "payroll-db", "19.48", "pass"),
    ];
    common::assert_figures(&findings, &expected_backups);
    // Access, logging and monitoring, planted by tools/fixturegen (see its README).
    let expected_access = [
        ("access.mfa", "r.patel", "1", "fail"),
        ("access.leaver_login", "l.moreau", "1", "fail"),
        ("access.leaver_login", "k.brennan", "1", "fail"),
        ("access.leaver_deactivation", "l.moreau", "30.00", "fail"),
        (
            "access.shared_credential_rotation",
            "support-break-glass",
            "10.00",
            "pass",
        ),
        (
            "access.shared_credential_rotation",
            "db-superuser",
            "398.00",
            "fail",
        ),
        ("access.support_ticket", "coastal-care", "3", "fail"),
        (
            "logging.integrity",
            "evidence/audit/admin-console.ndjson",
            "1",
            "fail",
        ),
        // Waived until 2027-01-31 (fixtures/demo/waivers.toml).
        (
            "logging.gaps",
            "evidence/audit/app.ndjson",
            "26.00",
            "waived",
        ),
        (
            "monitoring.alert_resolution",
            "customer-portal",
            "28.00",
            "fail",
        ),
    ];
    common::assert_figures(&findings, &expected_access);
    let incidents = read_csv(&pack.join("incidents.csv"));
    assert_eq!(incidents.len(), 6);
}

#[test]
fn controls_csv_has_93_rows_and_nothing_without_evidence_passes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack");
    assert_eq!(demo_pack(&pack).code, 0);
    let controls = read_csv(&pack.join("controls.csv"));
    assert_eq!(controls.len(), 93);
    let findings = read_csv(&pack.join("findings.csv"));
    for control in &controls {
        let rows: Vec<_> = findings
            .iter()
            .filter(|f| f["controls"].split(';').any(|c| c == control["control_id"]))
            .collect();
        match control["status"].as_str() {
            "pass" => {
                assert!(
                    !rows.is_empty(),
                    "{} passes without findings",
                    control["control_id"]
                );
                assert!(
                    rows.iter().all(|f| f["status"] == "pass"),
                    "{} passes with non-passing rows",
                    control["control_id"]
                );
            }
            "fail" => assert!(rows.iter().any(|f| f["status"] == "fail")),
            "waived" => {
                assert!(rows.iter().any(|f| f["status"] == "waived"));
                assert!(rows.iter().all(|f| f["status"] != "fail"));
            }
            // Attestations decide only controls whose findings do not.
            "attested" | "not_applicable" | "no_evidence" => {
                let open = |f: &&std::collections::HashMap<String, String>| {
                    f["status"] == "pass" || f["status"] == "not_evaluated"
                };
                assert!(rows.iter().all(open), "{}", control["control_id"]);
                assert!(
                    rows.is_empty() || rows.iter().any(|f| f["status"] == "not_evaluated"),
                    "{} has only passing rows",
                    control["control_id"]
                );
            }
            other => panic!("unexpected status {other}"),
        }
    }
    let status = |id: &str| {
        controls
            .iter()
            .find(|c| c["control_id"] == id)
            .expect("control")["status"]
            .clone()
    };
    assert_eq!(status("5.30"), "fail"); // availability and restore tests fail
    assert_eq!(status("8.14"), "fail");
    assert_eq!(status("8.16"), "fail"); // coverage passes, an alert took 30 h
                                        // From fixtures/demo/attestations.toml and waivers.toml.
    assert_eq!(status("5.1"), "attested");
    assert_eq!(status("7.1"), "attested");
    assert_eq!(status("8.30"), "not_applicable");
    assert_eq!(status("6.3"), "no_evidence"); // stale attestation
    assert_eq!(status("8.17"), "waived"); // logging.gaps app.ndjson is waived
    assert_eq!(status("8.15"), "fail"); // logging.integrity still fails
    assert_eq!(status("5.2"), "no_evidence");
}

#[test]
fn two_runs_with_the_same_source_date_epoch_are_identical() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    assert_eq!(demo_pack(&one).code, 0);
    assert_eq!(demo_pack(&two).code, 0);
    for entry in walkdir::WalkDir::new(&one) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&one).expect("inside");
            let a = std::fs::read(entry.path()).expect("read");
            let b = std::fs::read(two.join(relative)).expect("same file in the second pack");
            assert!(a == b, "{} differs between runs", relative.display());
        }
    }
}

#[test]
fn check_exits_1_with_well_formed_junit_when_availability_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("summary.json");
    let config = demo_config();
    let output = auditpack(
        &[
            "check",
            "--config",
            config.to_str().expect("utf-8"),
            "--period",
            "2026-10",
            "--junit",
            junit.to_str().expect("utf-8"),
            "--json",
            json.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(output.code, 1, "{}{}", output.stdout, output.stderr);
    assert!(
        output.stdout.contains("FAIL (26 failing)"),
        "{}",
        output.stdout
    );
    let xml = std::fs::read_to_string(&junit).expect("junit.xml");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    // 28 rows fail the checks; the demo's waivers cover two of them.
    assert_eq!(root.attribute("failures"), Some("26"));
    let failures: Vec<String> = document
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .filter_map(|n| {
            n.parent()
                .and_then(|p| p.attribute("name"))
                .map(String::from)
        })
        .collect();
    assert_eq!(
        failures,
        [
            "l.moreau",
            "k.brennan",
            "l.moreau",
            "r.patel",
            "Contractors",
            "Legacy VPN",
            "db-superuser",
            "coastal-care",
            "customer-files",
            "ledger-db",
            "payroll-db",
            "db",
            "backup-01",
            "files-01",
            "api.southerncross.example:443",
            "status.southerncross.example:443",
            "evidence/audit/admin-console.ndjson",
            "customer-portal",
            "jobs-api",
            "customer-portal",
            "files-01",
            "db-main-02",
            "jobs-api",
            "payroll-api",
            "jobs-api",
            "payroll-web"
        ]
    );
    let testcases = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(
        Some(testcases.to_string().as_str()),
        root.attribute("tests")
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("json")).expect("parse");
    assert_eq!(summary["verdict"], "fail");
    assert_eq!(summary["counts"]["fail"], 26);
    assert_eq!(summary["counts"]["waived"], 2);
    let states: Vec<(&str, &str)> = summary["waivers"]
        .as_array()
        .expect("waivers")
        .iter()
        .filter_map(|w| Some((w["check"].as_str()?, w["state"].as_str()?)))
        .collect();
    assert_eq!(
        states,
        [
            ("access.mfa", "expired"),
            ("backup.restore_test", "expiring"),
            ("logging.gaps", "active")
        ]
    );
    // The expiring and the expired waiver, and the stale attestation, are on stderr.
    for warning in [
        "waiver backup.restore_test ledger-db (approved by m.okafor (Head of Infrastructure)) expires on 2026-11-10, within 14 days",
        "waiver access.mfa * (approved by e.hughes (Head of Information Security)) expired on 2026-09-30",
        "attestation of control 6.3",
    ] {
        assert!(output.stderr.contains(warning), "{}", output.stderr);
    }
}

fn write_config(dir: &Path, body: &str) -> std::path::PathBuf {
    let path = dir.join("auditpack.toml");
    std::fs::write(
        &path,
        format!("[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n{body}"),
    )
    .expect("write");
    path
}

#[test]
fn check_exits_0_when_every_evaluated_check_passes_and_1_with_strict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut probes = String::from("time,service,up\n");
    for minute in 0..(24 * 60 + 10) {
        probes.push_str(&format!(
            "2026-10-01T{:02}:{:02}:00Z,api,1\n",
            (minute / 60) % 24,
            minute % 60
        ));
    }
    std::fs::write(
        dir.path().join("probes.csv"),
        probes.replace("T24:", "T00:"),
    )
    .expect("write");
    let config = write_config(
        dir.path(),
        "[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"probes.csv\"\n",
    );
    let config = config.to_str().expect("utf-8");
    let output = auditpack(
        &[
            "check",
            "--config",
            config,
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-01",
        ],
        &[],
    );
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    let output = auditpack(
        &[
            "check",
            "--config",
            config,
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-01",
            "--strict",
        ],
        &[],
    );
    assert_eq!(
        output.code, 1,
        "not_evaluated rows fail with --strict: {}",
        output.stdout
    );
}

#[test]
fn a_missing_input_exits_2_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(
        dir.path(),
        "[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"nowhere/probes.csv\"\n",
    );
    let output = auditpack(
        &[
            "check",
            "--config",
            config.to_str().expect("utf-8"),
            "--period",
            "2026-10",
        ],
        &[],
    );
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("nowhere/probes.csv"),
        "{}",
        output.stderr
    );
    assert_eq!(output.stderr.lines().count(), 1, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("input[1].path: no such file or directory"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("panicked"), "{}", output.stderr);
}

#[test]
fn a_wrong_format_input_exits_2_naming_the_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("probes.csv"),
        "{\"time\": \"2026-10-01T00:00:00Z\"}\n",
    )
    .expect("write");
    let config = write_config(
        dir.path(),
        "[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"probes.csv\"\n",
    );
    let output = common::report_month(&config, &dir.path().join("pack"));
    assert_eq!(output.code, 2);
    assert_eq!(output.stderr.lines().count(), 1, "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("probes.csv:1: not a canonical `probes` CSV"),
        "{}",
        output.stderr
    );
    assert!(
        !dir.path().join("pack").exists(),
        "no half pack is left behind"
    );
}

#[test]
fn bad_config_and_bad_arguments_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), "[policy]\nrpo = \"soon\"\nunknown = 1\n");
    let output = auditpack(&["check", "--config", config.to_str().expect("utf-8")], &[]);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("auditpack.toml"),
        "{}",
        output.stderr
    );
    assert!(output.stderr.contains("unknown"), "{}", output.stderr);
    let config = write_config(dir.path(), "");
    let config = config.to_str().expect("utf-8");
    for args in [
        vec!["check", "--config", config, "--period", "2026-13"],
        vec![
            "check",
            "--config",
            config,
            "--period",
            "2026-10",
            "--from",
            "2026-10-01",
        ],
        vec!["report", "--config", config, "--template", "weekly"],
    ] {
        let output = auditpack(&args, &[]);
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
    }
    let output = auditpack(
        &["check", "--config", config],
        &[("SOURCE_DATE_EPOCH", "soon")],
    );
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("SOURCE_DATE_EPOCH"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_config_without_inputs_is_valid_and_evaluates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), "");
    let pack = dir.path().join("pack");
    let output = common::report_month(&config, &pack);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let findings = read_csv(&pack.join("findings.csv"));
    assert_eq!(
        findings.len(),
        auditpack::model::CheckId::ALL.len(),
        "one not_evaluated row per check"
    );
    assert!(findings
        .iter()
        .all(|f| f["status"] == "not_evaluated" && f["subject"] == "*"));
    let controls = read_csv(&pack.join("controls.csv"));
    assert!(controls.iter().all(|c| c["status"] == "no_evidence"));
}

#[test]
fn inputs_shows_what_each_input_resolves_to() {
    let config = demo_config();
    let output = auditpack(
        &["inputs", "--config", config.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output
            .stdout
            .contains("input[1] probes (csv): evidence/probes/"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("evidence/probes/payroll-api.csv"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("134190 rows  0 rejected"),
        "{}",
        output.stdout
    );
}

#[test]
fn controls_lists_the_statement_of_applicability() {
    let config = demo_config();
    let output = auditpack(
        &[
            "controls",
            "--config",
            config.to_str().expect("utf-8"),
            "--period",
            "2026-10",
        ],
        &[],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stdout.contains("93 controls for 2026-10"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("8.14"), "{}", output.stdout);
}

/// `controls --framework soc2` rolls the pack's SoA up to the criteria: a criterion
/// fails exactly when a control the crosswalk maps to it fails in `controls.csv`.
#[test]
fn controls_framework_soc2_shows_the_soa_from_the_criteria() {
    let config = demo_config();
    let output = auditpack(
        &[
            "controls",
            "--config",
            config.to_str().expect("utf-8"),
            "--period",
            "2026-10",
            "--framework",
            "soc2",
        ],
        &[],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let criteria: Vec<(&str, &str, &str)> = output
        .stdout
        .lines()
        .skip(1)
        .filter(|line| !line.contains("SOC 2 criteria for"))
        .map(|line| {
            let mut fields = line.split_whitespace();
            let id = fields.next().unwrap_or_default();
            // The category may be two words; the status follows it.
            let rest: Vec<&str> = fields.collect();
            let status = rest
                .iter()
                .find(|w| {
                    [
                        "pass",
                        "fail",
                        "waived",
                        "attested",
                        "not_applicable",
                        "no_evidence",
                    ]
                    .contains(w)
                })
                .copied()
                .unwrap_or_default();
            (id, status, line)
        })
        .collect();
    assert_eq!(criteria.len(), 61, "{}", output.stdout);
    assert!(
        output.stdout.contains(
            "61 SOC 2 criteria for 2026-10: 15 fail, 46 no_evidence; 17 with no control mapped, 40 mapped only in part"
        ),
        "{}",
        output.stdout
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("pack");
    assert_eq!(demo_pack(&pack).code, 0);
    let controls = read_csv(&pack.join("controls.csv"));
    let crosswalk = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("controls/crosswalk-soc2.csv"),
    )
    .expect("crosswalk");
    for (id, status, line) in &criteria {
        let mapped: Vec<&str> = crosswalk
            .lines()
            .skip(1)
            .filter_map(|row| {
                let fields: Vec<&str> = row.split(',').collect();
                (fields[1] == *id).then_some(fields[0])
            })
            .collect();
        let failing = controls
            .iter()
            .any(|c| mapped.contains(&c["control_id"].as_str()) && c["status"] == "fail");
        assert_eq!(*status == "fail", failing, "{line}");
        if mapped.is_empty() {
            assert!(line.ends_with("none mapped"), "{line}");
        }
        for control in controls
            .iter()
            .filter(|c| mapped.contains(&c["control_id"].as_str()))
        {
            assert!(
                control["soc2"].split(';').any(|c| c == *id),
                "controls.csv {} lacks {id}",
                control["control_id"]
            );
        }
    }
    let capacity = criteria.iter().find(|c| c.0 == "A1.1").expect("A1.1");
    assert!(capacity.2.contains("8.6 (equal: fail)"), "{}", capacity.2);
}

#[test]
fn a_policy_looser_than_the_floor_fails_the_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("probes.csv"),
        "time,service,up\n2026-10-01T00:00:00Z,api,1\n",
    )
    .expect("write");
    let config = write_config(
        dir.path(),
        "[policy]\nuptime_target_percent = 95.0\n[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"probes.csv\"\n",
    );
    let json = dir.path().join("s.json");
    let junit = dir.path().join("j.xml");
    let output = auditpack(
        &[
            "check",
            "--config",
            config.to_str().expect("utf-8"),
            "--from",
            "2026-10-01T00:00:00Z",
            "--to",
            "2026-10-01T00:04:00Z",
            "--json",
            json.to_str().expect("utf-8"),
            "--junit",
            junit.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(output.code, 1, "{}", output.stdout);
    let xml = std::fs::read_to_string(&junit).expect("junit");
    assert!(
        xml.contains(
            "configuration not acceptable for the control: policy uptime_target_percent = 95"
        ),
        "{xml}"
    );
}
