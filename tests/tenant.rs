//! The due-diligence pack end to end (SPEC §9, §10): a pack for tenant `acme` on a
//! platform shared with `globex` (`tests/data/tenant/two-tenants`, see its README) and
//! for each tenant of the demo. No byte of any file of the pack — CSV, JSON, XML,
//! SHA256SUMS(.sig), and the PDF's text — names the other tenant, its backup sources,
//! its users, a member of staff or an IP address, while the tenant's own figures are
//! there. The golden runner (`tests/golden.rs`) compares the case's files byte for byte.

mod common;

use std::path::{Path, PathBuf};

use common::{auditpack, read_csv, SOURCE_DATE_EPOCH};

fn case() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tenant/two-tenants")
}

/// `auditpack report` of `config` for 2026-10 with `extra` arguments into `out`.
fn report(config: &Path, out: &Path, extra: &[&str]) -> common::Output {
    let mut args: Vec<String> = vec![
        "report".into(),
        "--config".into(),
        config.display().to_string(),
        "--period".into(),
        "2026-10".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    auditpack(&args, &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)])
}

/// Every file of a pack as text: the PDF through `pdftotext`, the rest as written.
fn pack_texts(pack: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for entry in walkdir::WalkDir::new(pack).sort_by_file_name() {
        let entry = entry.expect("walk");
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(pack)
            .expect("inside")
            .display()
            .to_string();
        let bytes = std::fs::read(entry.path()).expect("read");
        texts.push((name.clone(), String::from_utf8_lossy(&bytes).to_string()));
        if name == "report.pdf" {
            texts.push(("report.pdf (pdftotext)".to_string(), pdf_text(entry.path())));
        }
    }
    texts
}

fn pdf_text(pdf: &Path) -> String {
    let output = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout).to_string()
}

/// Dotted quads in `text` that are IPv4 addresses.
fn ipv4_addresses(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|word| word.trim_matches('.'))
        .filter(|word| word.parse::<std::net::Ipv4Addr>().is_ok())
        .map(str::to_string)
        .collect()
}

/// Asserts that no file of `pack` contains any of `forbidden` (case-insensitively) or
/// an IPv4 address.
fn assert_names_none_of(pack: &Path, forbidden: &[&str]) {
    let mut found = Vec::new();
    for (name, text) in pack_texts(pack) {
        let lower = text.to_lowercase();
        for word in forbidden {
            if lower.contains(&word.to_lowercase()) {
                found.push(format!("{name}: {word}"));
            }
        }
        for address in ipv4_addresses(&text) {
            found.push(format!("{name}: IP address {address}"));
        }
    }
    assert!(found.is_empty(), "the pack names:\n{}", found.join("\n"));
}

#[test]
fn acmes_pack_names_nothing_of_globex_no_staff_and_no_ip_address() {
    if !common::have("pdftotext") {
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    let pack = out.path().join("pack");
    let config = case().join("auditpack.toml");
    let output = report(
        &config,
        &pack,
        &["--template", "due-diligence", "--tenant", "acme"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    // The evidence names these (see the case's README); the pack must not.
    assert_names_none_of(
        &pack,
        &[
            "globex",
            "globex-files",
            "gina@",
            "dave@",
            "GLX-",
            "alice",
            "bob",
            "carol",
            "e.hughes",
            "m.okafor",
        ],
    );

    // The check is not vacuous: the platform-wide pack of the same evidence names them.
    let monthly = out.path().join("monthly");
    assert_eq!(report(&config, &monthly, &[]).code, 0);
    let all: String = pack_texts(&monthly)
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    for word in ["globex-files", "dave@globex.example", "alice", "e.hughes"] {
        assert!(all.contains(word), "the monthly pack has no {word}");
    }
    assert!(!ipv4_addresses(&all).is_empty());

    // acme's figures are there.
    let findings = read_csv(&pack.join("findings.csv"));
    common::assert_figures(
        &findings,
        &[
            ("access.support_ticket", "acme", "1", "fail"),
            ("backup.rpo", "acme-db", "4.00", "pass"),
            ("backup.retention", "acme-db", "92.17", "pass"),
            ("backup.restore_test", "acme-db", "21.88", "pass"),
            ("backup.retention", "shared-ledger", "92.15", "pass"),
            ("access.mfa", "staff-1", "1", "waived"),
            ("access.leaver_deactivation", "staff-3", "24.00", "pass"),
            ("uptime.availability", "portal", "99.9664", "pass"),
        ],
    );
    let support = read_csv(&pack.join("evidence/access.support_ticket.csv"));
    assert_eq!(support.len(), 10);
    assert!(support.iter().all(|r| r["target"] == "ann@acme.example"));
    assert_eq!(support.iter().filter(|r| r["ticket"].is_empty()).count(), 1);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(pack.join("summary.json")).expect("summary.json"))
            .expect("json");
    assert_eq!(summary["template"], "due-diligence");
    assert_eq!(summary["tenant"], "acme");
    assert_eq!(summary["findings"], findings.len());

    let text = pdf_text(&pack.join("report.pdf"));
    for expected in [
        "For tenant acme",
        "Your questions, answered",
        "Where is my data?",
        "acme-db-offsite",
        "Who of your staff entered our tenant, and why?",
        "ACME-30",
        "ann@acme.example",
    ] {
        assert!(text.contains(expected), "the PDF has no {expected:?}");
    }
}

#[test]
fn a_due_diligence_pack_is_byte_identical_on_a_second_run() {
    let out = tempfile::tempdir().expect("tempdir");
    let config = case().join("auditpack.toml");
    let args = ["--template", "due-diligence", "--tenant", "acme"];
    let first = out.path().join("first");
    let second = out.path().join("second");
    assert_eq!(report(&config, &first, &args).code, 0);
    assert_eq!(report(&config, &second, &args).code, 0);
    let files = |pack: &Path| -> Vec<(String, Vec<u8>)> {
        walkdir::WalkDir::new(pack)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.expect("walk"))
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let name = e
                    .path()
                    .strip_prefix(pack)
                    .expect("inside")
                    .display()
                    .to_string();
                (name, std::fs::read(e.path()).expect("read"))
            })
            .collect()
    };
    assert!(files(&first) == files(&second), "two runs differ");
}

#[test]
fn every_demo_tenants_signed_pack_names_no_other_tenant_no_staff_and_no_ip_address() {
    if !common::have("pdftotext") {
        return;
    }
    let demo = common::demo_config();
    let tenants = ["acme-payroll", "bluegum-jobs", "coastal-care"];
    let staff = [
        "m.okafor",
        "s.lindqvist",
        "r.patel",
        "j.chen",
        "a.kowalski",
        "t.nguyen",
        "l.moreau",
        "p.silva",
        "h.tanaka",
        "d.osei",
        "b.wright",
        "f.costa",
        "svc-deploy",
        "k.brennan",
        "e.hughes",
        "g.romano",
    ];
    // The demo's backup sources of each tenant (fixtures/demo/README.md).
    let sources = [
        ("acme-payroll", "payroll-db"),
        ("coastal-care", "customer-files"),
    ];
    let out = tempfile::tempdir().expect("tempdir");
    for tenant in tenants {
        let pack = out.path().join(tenant);
        let output = report(
            &demo,
            &pack,
            &["--template", "due-diligence", "--tenant", tenant],
        );
        assert_eq!(output.code, 0, "{tenant}: {}", output.stderr);
        let mut forbidden: Vec<&str> = tenants.iter().copied().filter(|t| *t != tenant).collect();
        forbidden.extend(
            sources
                .iter()
                .filter(|(owner, _)| *owner != tenant)
                .map(|(_, source)| *source),
        );
        forbidden.extend(staff);
        assert_names_none_of(&pack, &forbidden);
        let findings = read_csv(&pack.join("findings.csv"));
        let support: Vec<_> = findings
            .iter()
            .filter(|r| r["check_id"] == "access.support_ticket")
            .map(|r| r["subject"].as_str())
            .collect();
        assert_eq!(support, [tenant], "{tenant}");
        assert!(
            findings.iter().any(|r| r["subject"] == "ledger-db"),
            "{tenant}: the shared source"
        );

        let verified = auditpack(
            &[
                "verify".as_ref(),
                pack.as_os_str(),
                "--allowed-signers".as_ref(),
                demo.with_file_name("keys-DEMO-ONLY/allowed_signers")
                    .as_os_str(),
            ],
            &[],
        );
        assert_eq!(verified.code, 0, "{tenant}: {}", verified.stdout);
    }
}

#[test]
fn coastal_cares_pack_lists_all_62_support_accesses_and_the_3_without_a_ticket() {
    let out = tempfile::tempdir().expect("tempdir");
    let pack = out.path().join("pack");
    let output = report(
        &common::demo_config(),
        &pack,
        &["--template", "due-diligence", "--tenant", "coastal-care"],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let support = read_csv(&pack.join("evidence/access.support_ticket.csv"));
    assert_eq!(support.len(), 62);
    assert_eq!(
        support.iter().filter(|r| r["note"] == "no ticket").count(),
        3
    );
    assert!(support.iter().all(|r| r["actor"].starts_with("staff-")));
    // The monthly figures are unchanged: the same source, the same measurement.
    let findings = read_csv(&pack.join("findings.csv"));
    common::assert_figures(
        &findings,
        &[
            ("access.support_ticket", "coastal-care", "3", "fail"),
            ("backup.restore_test", "customer-files", "135.46", "fail"),
            ("backup.restore_test", "ledger-db", "", "waived"),
        ],
    );
    let sources: Vec<_> = read_csv(&pack.join("evidence/backup.rpo.csv"))
        .iter()
        .map(|r| r["source"].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(sources, ["customer-files", "ledger-db"]);
}

#[test]
fn tenant_and_template_must_agree_and_the_tenant_must_exist() {
    let out = tempfile::tempdir().expect("tempdir");
    let config = case().join("auditpack.toml");
    let cases: [(&[&str], &str); 4] = [
        (
            &["--tenant", "acme"],
            "auditpack: error: --tenant: the monthly template is platform-wide; scope a pack to a tenant with --template due-diligence\n",
        ),
        (
            &["--template", "due-diligence"],
            "auditpack: error: --template due-diligence needs --tenant ID: the pack is scoped to one tenant\n",
        ),
        (
            &["--template", "due-diligence", "--tenant", "acm"],
            "auditpack: error: --tenant `acm`: no audit event, backup row or input names this tenant; the evidence names acme, globex\n",
        ),
        (
            &["--template", "due-diligence", "--tenant", "../acme"],
            "auditpack: error: --tenant `../acme`: expected a tenant id as the evidence writes it (not empty, no path separators or control characters)\n",
        ),
    ];
    for (index, (args, stderr)) in cases.iter().enumerate() {
        let pack = out.path().join(format!("pack-{index}"));
        let output = report(&config, &pack, args);
        assert_eq!(output.code, 2, "{args:?}: {}", output.stderr);
        assert_eq!(output.stderr, *stderr, "{args:?}");
        assert!(!pack.exists(), "{args:?}: no pack is written");
    }
}
