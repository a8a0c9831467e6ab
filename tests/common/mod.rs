//! Helpers shared by the integration tests: run the real binary, read CSVs.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixed `generated_at` (2026-11-01T00:00:00Z) so packs are reproducible.
pub const SOURCE_DATE_EPOCH: &str = "1793491200";

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn auditpack<S: AsRef<std::ffi::OsStr>>(args: &[S], env: &[(&str, &str)]) -> Output {
    auditpack_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, env)
}

pub fn auditpack_in<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: &[S],
    env: &[(&str, &str)],
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_auditpack"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run auditpack");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
    }
}

pub fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("record");
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub fn demo_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/auditpack.toml")
}

/// `(measured, status)` of the findings row for `check` and `subject`.
pub fn figure(
    findings: &[HashMap<String, String>],
    check: &str,
    subject: &str,
) -> (String, String) {
    let row = findings
        .iter()
        .find(|r| r["check_id"] == check && r["subject"] == subject)
        .unwrap_or_else(|| panic!("no {check} row for {subject}"));
    (row["measured"].clone(), row["status"].clone())
}

/// Asserts `(check, subject, measured, status)` rows of `findings.csv`.
pub fn assert_figures(findings: &[HashMap<String, String>], expected: &[(&str, &str, &str, &str)]) {
    for (check, subject, measured, status) in expected {
        assert_eq!(
            figure(findings, check, subject),
            (measured.to_string(), status.to_string()),
            "{check} {subject}"
        );
    }
}

/// Writes the pack of a golden case directory (its `auditpack.toml` and `case.toml`
/// arguments) into a temp dir; returns the dir (keep it alive) and the pack path.
pub fn run_case(case: &Path) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(case.join("case.toml")).expect("case.toml");
    let value: toml::Value = toml::from_str(&text).expect("case.toml parses");
    let case_args: Vec<String> = value
        .get("args")
        .and_then(|a| a.as_array())
        .map(|args| {
            args.iter()
                .filter_map(|a| a.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let out = tempfile::tempdir().expect("tempdir");
    let pack = out.path().join("pack");
    let mut args = vec![
        "report".to_string(),
        "--config".to_string(),
        case.join("auditpack.toml").display().to_string(),
    ];
    args.extend(case_args);
    args.extend(["--out".to_string(), pack.display().to_string()]);
    let output = auditpack(&args, &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)]);
    assert_eq!(output.code, 0, "{}: {}", case.display(), output.stderr);
    (out, pack)
}

/// `auditpack report --config CONFIG --period 2026-10 --out OUT` with the fixed clock.
pub fn report_month(config: &Path, out: &Path) -> Output {
    auditpack(
        &[
            "report".as_ref(),
            "--config".as_ref(),
            config.as_os_str(),
            "--period".as_ref(),
            "2026-10".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
        &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)],
    )
}

/// The demo's October pack at `out`, made with `SOURCE_DATE_EPOCH` = `epoch` and the
/// `extra` arguments of `report`; asserts that the report succeeded.
pub fn demo_report(out: &Path, epoch: &str, extra: &[&str]) -> PathBuf {
    let config = demo_config();
    let mut args = vec![
        "--quiet",
        "report",
        "--config",
        config.to_str().expect("utf-8"),
        "--period",
        "2026-10",
        "--out",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let output = auditpack(&args, &[("SOURCE_DATE_EPOCH", epoch)]);
    assert_eq!(output.code, 0, "{}", output.stderr);
    out.to_path_buf()
}

/// Whether Python 3 can import `modules` (`"feedparser, icalendar"`). Missing ones
/// fail the test under CI (`.ci/run` installs them) and skip it elsewhere; `install`
/// says how to get them.
pub fn have_python(modules: &str, install: &str) -> bool {
    let found = Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{modules} not importable ({install}; CI must install it: see .ci/run)");
        }
        eprintln!("skipping: {modules} not importable ({install})");
    }
    found
}

/// Whether an optional tool (one CI does not promise) is installed.
pub fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Whether an external tool is installed. Missing tools fail the test under CI
/// (`.ci/run` installs them) and skip it elsewhere.
pub fn have(tool: &str) -> bool {
    let found = installed(tool);
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{tool} is not installed (CI must install it: see .ci/run)");
        }
        eprintln!("skipping: {tool} is not installed");
    }
    found
}
