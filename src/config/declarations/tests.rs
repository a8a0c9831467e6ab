use std::path::{Path, PathBuf};

use super::*;
use crate::catalog::Catalog;

fn control_ids() -> Vec<String> {
    Catalog::built_in()
        .expect("catalogue")
        .controls
        .into_iter()
        .map(|c| c.id)
        .collect()
}

fn attestations(text: &str) -> Result<Vec<Attestation>, Error> {
    let ids = control_ids();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    parse_attestations(Path::new("x/attestations.toml"), text, &ids)
}

fn waivers(text: &str) -> Result<Vec<Waiver>, Error> {
    parse_waivers(Path::new("x/waivers.toml"), text)
}

/// The problems of a config error, checking it names the file.
fn problems(result: Result<impl std::fmt::Debug, Error>, file: &str) -> Vec<String> {
    match result {
        Err(Error::Config { path, problems }) => {
            assert_eq!(path, PathBuf::from(file));
            problems
        }
        other => panic!("expected a config error, got {other:?}"),
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

#[test]
fn a_valid_attestations_file_reads_every_field_and_collapses_whitespace() {
    let found = attestations(
        "# Reviewed yearly.\n\
         [[attestation]]\n\
         control = \"5.1\"\n\
         status = \"implemented\"\n\
         justification = \"\"\"\nPolicy approved\n  by the board\"\"\"\n\
         owner = \"CISO\"\n\
         evidence = \"ISMS-POL-001 v4.2\"\n\
         reviewed_on = 2026-02-17\n\
         \n\
         [[attestation]]\n\
         control = \"8.30\"\n\
         status = \"not_applicable\"\n\
         justification = \"No development is outsourced\"\n\
         owner = \"CTO\"\n\
         reviewed_on = \"2026-03-01\"\n",
    )
    .expect("valid");
    assert_eq!(
        found,
        [
            Attestation {
                control: "5.1".to_string(),
                kind: AttestationKind::Implemented,
                justification: "Policy approved by the board".to_string(),
                owner: "CISO".to_string(),
                evidence: "ISMS-POL-001 v4.2".to_string(),
                reviewed_on: date("2026-02-17"),
            },
            Attestation {
                control: "8.30".to_string(),
                kind: AttestationKind::NotApplicable,
                justification: "No development is outsourced".to_string(),
                owner: "CTO".to_string(),
                evidence: String::new(),
                reviewed_on: date("2026-03-01"),
            },
        ]
    );
}

#[test]
fn an_empty_file_declares_nothing() {
    assert_eq!(attestations("# none yet\n").expect("valid"), []);
    assert_eq!(waivers("").expect("valid"), []);
}

#[test]
fn every_attestation_problem_is_reported_at_once_with_line_entry_and_key() {
    let found = problems(
        attestations(
            "[[attestation]]\n\
             control = \"5.99\"\n\
             status = \"done\"\n\
             justification = \"\"\n\
             owner = 7\n\
             reviewed_on = \"2026-02-30\"\n\
             colour = \"blue\"\n\
             \n\
             [[attestation]]\n\
             control = \"7.1\"\n\
             status = \"implemented\"\n\
             justification = \"Provider's ISO 27001 certificate\"\n\
             owner = \"Infrastructure manager\"\n\
             reviewed_on = 2026-02-01T10:00:00Z\n",
        ),
        "x/attestations.toml",
    );
    let all = found.join("\n");
    let expected = [
        "line 2: attestation[1].control: expected an Annex A control id of the catalogue (93 controls, 5.1 to 8.34), found `5.99`",
        "line 3: attestation[1].status: expected one of implemented, not_applicable, found `done`",
        "line 4: attestation[1].justification: expected why the control is met or does not apply, found an empty string",
        "line 5: attestation[1].owner: expected the person or role accountable for the control as a string, found an integer (`7`)",
        "line 1: attestation[1].evidence: missing: expected a reference to the evidence, such as a document and its version",
        "line 6: attestation[1].reviewed_on: expected a date such as 2026-12-31 (a day, no time), found `2026-02-30`",
        "line 7: attestation[1].colour: unknown key; expected one of control, status, justification, owner, evidence, reviewed_on",
        "line 9: attestation[2].evidence: missing: expected a reference to the evidence, such as a document and its version",
        "line 14: attestation[2].reviewed_on: expected a date such as 2026-12-31 (a day, no time), found `2026-02-01T10:00:00Z`",
    ];
    assert_eq!(found, expected, "{all}");
}

#[test]
fn a_control_is_attested_once() {
    let entry = "[[attestation]]\ncontrol = \"5.1\"\nstatus = \"implemented\"\n\
                 justification = \"j\"\nowner = \"o\"\nevidence = \"e\"\nreviewed_on = 2026-01-01\n";
    let found = problems(
        attestations(&format!("{entry}\n{entry}")),
        "x/attestations.toml",
    );
    assert_eq!(
        found,
        ["line 10: attestation[2].control: control 5.1 is already attested by attestation[1] on line 1; expected one attestation per control"]
    );
    // Also when the first entry has a problem of its own: all problems at once.
    let without_owner = entry.replace("owner = \"o\"\n", "");
    let found = problems(
        attestations(&format!("{without_owner}\n{entry}")),
        "x/attestations.toml",
    );
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[1].contains("control 5.1 is already attested by attestation[1]"),
        "{found:#?}"
    );
}

#[test]
fn a_toml_syntax_error_or_an_unknown_table_names_its_line() {
    let found = problems(
        attestations("[[attestations]]\ncontrol = \"5.1\"\n"),
        "x/attestations.toml",
    );
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("line 1:"), "{found:?}");
    assert!(found[0].contains("attestations"), "{found:?}");
    let found = problems(waivers("[[waiver]]\ncheck = \n"), "x/waivers.toml");
    assert!(found[0].starts_with("line 2:"), "{found:?}");
}

#[test]
fn a_valid_waivers_file_reads_every_field() {
    let found = waivers(
        "[[waiver]]\n\
         check = \"backup.restore_test\"\n\
         subject = \"ledger-db\"\n\
         justification = \"Restore environment being rebuilt\"\n\
         approver = \"m.okafor\"\n\
         expires_on = 2026-11-10\n\
         [[waiver]]\n\
         check = \"access.mfa\"\n\
         subject = \"*\"\n\
         justification = \"Legacy console\"\n\
         approver = \"CISO\"\n\
         expires_on = 2026-09-30\n",
    )
    .expect("valid");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].check, CheckId::BackupRestoreTest);
    assert_eq!(found[0].subject, "ledger-db");
    assert_eq!(found[0].expires_on, date("2026-11-10"));
    assert_eq!(found[1].check, CheckId::AccessMfa);
    assert_eq!(found[1].subject, "*");
}

#[test]
fn every_waiver_problem_is_reported_at_once() {
    let found = problems(
        waivers(
            "[[waiver]]\n\
             check = \"backup.restore\"\n\
             subject = \"\"\n\
             approver = \"CISO\"\n\
             expires_on = \"soon\"\n\
             ticket = \"CHG-1\"\n",
        ),
        "x/waivers.toml",
    );
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(
        found[0].starts_with(
            "line 2: waiver[1].check: expected a check id, one of uptime.availability, uptime.coverage, backup.rpo"
        ) && found[0].ends_with("found `backup.restore`"),
        "{found:#?}"
    );
    assert_eq!(
        found[1..],
        [
            "line 3: waiver[1].subject: expected the findings subject the waiver covers, or \"*\" for every subject, found an empty string",
            "line 1: waiver[1].justification: missing: expected why the failure is accepted",
            "line 5: waiver[1].expires_on: expected a date such as 2026-12-31 (a day, no time), found `soon`",
            "line 6: waiver[1].ticket: unknown key; expected one of check, subject, justification, approver, expires_on",
        ]
    );
}

#[test]
fn problems_in_both_files_are_reported_together_and_a_missing_file_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let attestations_path = dir.path().join("attestations.toml");
    let waivers_path = dir.path().join("waivers.toml");
    std::fs::write(&attestations_path, "[[attestation]]\ncontrol = \"5.1\"\n").expect("write");
    std::fs::write(&waivers_path, "[[waiver]]\ncheck = \"nope\"\n").expect("write");
    let controls = ControlsConfig {
        catalog: None,
        attestations: Some(attestations_path.clone()),
        waivers: Some(waivers_path.clone()),
    };
    let error = Declarations::load(&controls, &["5.1"]).expect_err("invalid");
    let text = error.to_string();
    assert!(
        text.contains(&format!(
            "{}: invalid configuration",
            attestations_path.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}: invalid configuration",
            waivers_path.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("waiver[1].check: expected a check id"),
        "{text}"
    );

    let missing = ControlsConfig {
        waivers: Some(dir.path().join("gone.toml")),
        ..ControlsConfig::default()
    };
    let error = Declarations::load(&missing, &["5.1"]).expect_err("missing");
    assert!(error.to_string().contains("gone.toml"), "{error}");
    assert_eq!(
        Declarations::load(&ControlsConfig::default(), &[]).expect("nothing declared"),
        Declarations::default()
    );
}
