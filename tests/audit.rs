//! The audit stream's harder cases: files out of time order, CSV audit logs with a
//! chain, and `auditpack inputs` listing streamed files.

mod common;

use std::path::Path;

use common::{auditpack, read_csv};

fn report(dir: &Path, config: &str) -> Vec<std::collections::HashMap<String, String>> {
    let path = dir.join("auditpack.toml");
    std::fs::write(
        &path,
        format!("[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n{config}"),
    )
    .expect("config");
    let pack = dir.join("pack");
    let output = common::report_month(&path, &pack);
    assert_eq!(output.code, 0, "{}", output.stderr);
    read_csv(&pack.join("findings.csv"))
}

fn measured(
    findings: &[std::collections::HashMap<String, String>],
    check: &str,
    subject: &str,
) -> String {
    findings
        .iter()
        .find(|r| r["check_id"] == check && r["subject"] == subject)
        .unwrap_or_else(|| panic!("no {check} row for {subject}"))["measured"]
        .clone()
}

#[test]
fn a_login_read_before_an_earlier_deactivation_still_counts() {
    // Two files read in path order: the login (5 October) is in `a.ndjson`, the
    // deactivation it breaks (1 October) in `b.ndjson`. A second pass judges it.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("audit")).expect("mkdir");
    std::fs::write(
        dir.path().join("audit/a.ndjson"),
        "{\"time\":\"2026-10-05T10:00:00Z\",\"actor\":\"zoe\",\"action\":\"login\",\"outcome\":\"success\"}\n\
         {\"time\":\"2026-10-07T10:00:00Z\",\"actor\":\"zoe\",\"action\":\"login\",\"outcome\":\"success\"}\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("audit/b.ndjson"),
        "{\"time\":\"2026-10-01T10:00:00Z\",\"actor\":\"it\",\"action\":\"deactivate\",\"outcome\":\"success\",\"target\":\"zoe\"}\n\
         {\"time\":\"2026-10-06T10:00:00Z\",\"actor\":\"it\",\"action\":\"reactivate\",\"outcome\":\"success\",\"target\":\"zoe\"}\n",
    )
    .expect("write");
    let findings = report(
        dir.path(),
        "[[input]]\nkind = \"audit\"\nformat = \"ndjson\"\npath = \"audit\"\n",
    );
    // Barred on 5 October (deactivated on the 1st), allowed on the 7th (reactivated on the 6th).
    assert_eq!(measured(&findings, "access.leaver_login", "zoe"), "1");
}

#[test]
fn a_chained_csv_audit_log_is_verified_line_by_line() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().expect("tempdir");
    let header = "time,actor,action,outcome,prev_hash";
    let rows = [
        "2026-10-01T00:00:00Z,a,login,success",
        "2026-10-01T01:00:00Z,b,login,success",
        "2026-10-01T02:00:00Z,c,login,success",
    ];
    let mut lines = vec![header.to_string()];
    let mut previous: Option<String> = None;
    for row in rows {
        let prev = previous.clone().unwrap_or_default();
        let line = format!("{row},{prev}");
        previous = Some(
            Sha256::digest(line.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        );
        lines.push(line);
    }
    std::fs::write(dir.path().join("audit.csv"), lines.join("\r\n") + "\r\n").expect("write");
    let config = "[[input]]\nkind = \"audit\"\nformat = \"csv\"\npath = \"audit.csv\"\n";
    let findings = report(dir.path(), config);
    assert_eq!(measured(&findings, "logging.integrity", "audit.csv"), "0");
    // Edit the second record after the fact: the third no longer matches.
    lines[2] = lines[2].replace(",b,", ",mallory,");
    std::fs::write(dir.path().join("audit.csv"), lines.join("\r\n") + "\r\n").expect("write");
    let findings = report(dir.path(), config);
    assert_eq!(measured(&findings, "logging.integrity", "audit.csv"), "1");
}

#[test]
fn inputs_lists_streamed_audit_files() {
    let config =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/access/month/auditpack.toml");
    let output = auditpack(
        &["inputs", "--config", config.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    assert!(
        output.stdout.contains("evidence/audit/app.ndjson"),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("3 rejected"), "{}", output.stdout);
}
