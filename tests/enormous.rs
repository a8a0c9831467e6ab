//! SPEC §18: input that is valid but enormous in one dimension finishes, or stops with
//! exit 2 and one clear line; never a panic, an OOM kill or a hang. Each test builds
//! its input in a temporary directory and runs the real binary on it.
//!
//! In CI the subject count is 100 000 (a debug build, about a minute);
//! `AUDITPACK_SUBJECTS=1000000 cargo test --test enormous a_million` runs the million
//! (bench/README.md has the release binary's figures for it).

mod common;

use std::io::Write;
use std::path::Path;

use common::{have, read_csv, report_month};

fn config(dir: &Path, kind: &str, path: &str) -> std::path::PathBuf {
    let config = dir.join("auditpack.toml");
    std::fs::write(
        &config,
        format!(
            "[organisation]\nname = \"Enormous Hosting\"\ntimezone = \"UTC\"\nprimary_region = \"eu-west-1\"\n\n\
             [[input]]\nkind = \"{kind}\"\nformat = \"{}\"\npath = \"{path}\"\n",
            if kind == "audit" { "ndjson" } else { "csv" }
        ),
    )
    .expect("write the config");
    config
}

/// The PDF's text with every run of white space as one space.
fn pdf_text(pdf: &Path) -> Option<String> {
    if !have("pdftotext") {
        return None;
    }
    let output = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn pdf_pages(pdf: &Path) -> Option<usize> {
    if !have("pdfinfo") {
        return None;
    }
    let output = std::process::Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
}

/// A 100 MB field inside a valid audit line, a 1 MB actor name, and a 100 MB line of
/// garbage without a final newline: the report finishes; the long row is used, the
/// garbage rejected with its line; the PDF shows the start of the long name and says
/// how much more there is; the bytes in inputs.csv are the file's.
#[test]
fn a_100_mb_line_is_read_whole_and_the_pdf_shows_its_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("audit.ndjson");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&log).expect("create"));
    let long_actor = "d".repeat(1_000_000);
    writeln!(
        file,
        r#"{{"time":"2026-10-01T08:00:00Z","actor":"alice","action":"login","outcome":"success","role":"admin","mfa":true}}"#
    )
    .expect("write");
    writeln!(
        file,
        r#"{{"time":"2026-10-01T09:00:00Z","actor":"bob","action":"login","outcome":"success","role":"admin","target":"{}"}}"#,
        "x".repeat(100_000_000)
    )
    .expect("write");
    writeln!(
        file,
        r#"{{"time":"2026-10-01T10:00:00Z","actor":"{long_actor}","action":"login","outcome":"success","role":"admin"}}"#
    )
    .expect("write");
    write!(file, "{}", "y".repeat(100_000_000)).expect("write");
    drop(file);
    let bytes = std::fs::metadata(&log).expect("size").len();
    let config = config(dir.path(), "audit", "audit.ndjson");
    let pack = dir.path().join("pack");
    let output = report_month(&config, &pack);
    assert!(matches!(output.code, 0 | 1), "{}", output.stderr);

    let inputs = read_csv(&pack.join("inputs.csv"));
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["bytes"], bytes.to_string());
    assert_eq!(inputs[0]["rows"], "3");
    assert_eq!(inputs[0]["rejected_rows"], "1");
    let rejected = read_csv(&pack.join("rejected.csv"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], "4");
    assert!(
        rejected[0]["reason"].len() < 200,
        "{}",
        rejected[0]["reason"]
    );

    let findings = read_csv(&pack.join("findings.csv"));
    let mfa: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f["check_id"] == "access.mfa")
        .map(|f| (f["subject"].as_str(), f["status"].as_str()))
        .collect();
    assert_eq!(
        mfa,
        [
            ("alice", "pass"),
            ("bob", "fail"),
            (long_actor.as_str(), "fail")
        ]
    );
    if let Some(text) = pdf_text(&pack.join("report.pdf")) {
        assert!(
            text.contains("998000 more characters, in the CSV"),
            "the note"
        );
    }
}

/// Ten thousand input files: every one is hashed in inputs.csv; the PDF lists 200 and
/// says where the rest are, instead of 250 pages of hashes.
#[test]
fn ten_thousand_input_files_are_all_in_inputs_csv_and_the_pdf_stays_short() {
    let dir = tempfile::tempdir().expect("tempdir");
    let probes = dir.path().join("probes");
    std::fs::create_dir(&probes).expect("mkdir");
    for i in 0..10_000 {
        std::fs::write(
            probes.join(format!("p{i:05}.csv")),
            format!(
                "time,service,up,location\n2026-10-{:02}T{:02}:{:02}:00Z,svc{},1,loc1\n",
                1 + i % 28,
                (i / 28) % 24,
                i % 60,
                i % 7
            ),
        )
        .expect("write a probe file");
    }
    let config = config(dir.path(), "probes", "probes/");
    let pack = dir.path().join("pack");
    let output = report_month(&config, &pack);
    assert!(matches!(output.code, 0 | 1), "{}", output.stderr);
    let inputs = read_csv(&pack.join("inputs.csv"));
    assert_eq!(inputs.len(), 10_000);
    assert!(inputs.iter().all(|row| row["rows"] == "1"));
    if let Some(text) = pdf_text(&pack.join("report.pdf")) {
        assert!(
            text.contains("10000 files; 200 are listed (those with rejected rows first), all are in inputs.csv."),
            "the inputs note"
        );
        // 10 000 inputs.rejected_rows rows and the uptime rows of seven services.
        assert!(
            text.contains("10021 rows, 7 not passing; 200 are listed (those that do not pass, then the first that pass)"),
            "the key figures note"
        );
    }
    if let Some(pages) = pdf_pages(&pack.join("report.pdf")) {
        assert!(pages < 60, "{pages} pages");
    }
}

/// A directory 600 levels deep is read; one whose path passes the system's limit
/// (4096 bytes) stops the run with exit 2 and one line naming the depth and the cause.
#[test]
fn deep_directories_are_read_or_refused_in_one_line() {
    for (levels, readable) in [(600, true), (2100, false)] {
        let dir = tempfile::tempdir().expect("tempdir");
        // Made one level at a time from inside, as a path this long cannot be named
        // from the top.
        let status = std::process::Command::new("bash")
            .current_dir(dir.path())
            .arg("-c")
            .arg(format!(
                "mkdir evidence && cd evidence && i=0; while [ $i -lt {levels} ]; do mkdir d && cd d || exit 1; i=$((i+1)); done; \
                 printf 'time,service,up,location\\n2026-10-01T00:00:00Z,svc,1,loc\\n' > p.csv"
            ))
            .status()
            .expect("sh runs");
        assert!(status.success());
        let config = config(dir.path(), "probes", "evidence/");
        let pack = dir.path().join("pack");
        let output = report_month(&config, &pack);
        if readable {
            assert!(matches!(output.code, 0 | 1), "{}", output.stderr);
            let inputs = read_csv(&pack.join("inputs.csv"));
            assert_eq!(inputs.len(), 1);
            assert_eq!(inputs[0]["path"].matches("d/").count(), levels);
        } else {
            assert_eq!(output.code, 2, "{}", output.stderr);
            assert_eq!(output.stderr.trim_end().lines().count(), 1);
            assert!(
                output.stderr.contains("cannot read the input directory (")
                    && output.stderr.contains("levels below")
                    && output.stderr.contains("File name too long"),
                "{}",
                &output.stderr[output.stderr.len().saturating_sub(300)..]
            );
            assert!(!pack.exists());
        }
    }
}

/// A million subjects (100 000 in CI): one admin login each, none with MFA. Every row
/// is in findings.csv, junit.xml and the OSCAL file; the PDF lists 200 per table and
/// says where the rest are.
#[test]
fn a_million_subjects_finish_with_every_row_in_the_csv() {
    let subjects: usize = std::env::var("AUDITPACK_SUBJECTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("audit.ndjson");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&log).expect("create"));
    for i in 0..subjects {
        writeln!(
            file,
            r#"{{"time":"2026-10-01T08:{:02}:{:02}Z","actor":"user{i:07}","action":"login","outcome":"success","role":"admin"}}"#,
            (i / 60) % 60,
            i % 60
        )
        .expect("write");
    }
    drop(file);
    let config = config(dir.path(), "audit", "audit.ndjson");
    let pack = dir.path().join("pack");
    let output = report_month(&config, &pack);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let findings = read_csv(&pack.join("findings.csv"));
    let failing = findings
        .iter()
        .filter(|f| f["check_id"] == "access.mfa" && f["status"] == "fail")
        .count();
    assert_eq!(failing, subjects);
    let junit = std::fs::read_to_string(pack.join("junit.xml")).expect("junit");
    assert_eq!(junit.matches("<testcase ").count(), findings.len());
    // One `target-id` per OSCAL finding (the file is counted, not parsed: a million
    // findings as a JSON tree would need more memory than the report did).
    let oscal = std::fs::read_to_string(pack.join("oscal/assessment-results.json")).expect("oscal");
    assert_eq!(oscal.matches("\"target-id\"").count(), findings.len());
    if let Some(text) = pdf_text(&pack.join("report.pdf")) {
        assert!(
            text.contains(&format!(
                "{subjects} subjects, {subjects} not passing; 200 are listed (the first that do not pass), all are in findings.csv."
            )),
            "the access.mfa note"
        );
    }
    if let Some(pages) = pdf_pages(&pack.join("report.pdf")) {
        assert!(pages < 60, "{pages} pages");
    }
}
