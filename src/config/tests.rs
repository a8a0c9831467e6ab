use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Config, Error> {
    Config::parse(Path::new("fixtures/x/auditpack.toml"), text)
}

fn problems(text: &str) -> Vec<String> {
    match parse(text) {
        Err(Error::Config { problems, .. }) => problems,
        other => panic!("expected a config error, got {other:?}"),
    }
}

const ORG: &str = "[organisation]\nname = \"X\"\ntimezone = \"Australia/Melbourne\"\n";

#[test]
fn a_config_without_inputs_is_valid_and_takes_every_default() {
    let config = parse(ORG).expect("valid");
    assert_eq!(config.policy, Policy::default());
    assert!(config.inputs.is_empty());
    assert_eq!(
        config.organisation.timezone,
        chrono_tz::Australia::Melbourne
    );
    assert_eq!(config.dir, Path::new("fixtures/x"));
}

#[test]
fn policy_values_override_defaults() {
    let config = parse(&format!(
        "{ORG}[policy]\nrpo = \"4h15m\"\nprobe_quorum = 2\nuptime_target_percent = 99.5\nmfa_required_roles = [\"admin\"]\n"
    ))
    .expect("valid");
    assert_eq!(config.policy.rpo, 15_300_000);
    assert_eq!(config.policy.probe_quorum, 2);
    assert_eq!(config.policy.uptime_target_percent, 99.5);
    assert_eq!(config.policy.mfa_required_roles, ["admin"]);
}

#[test]
fn unknown_keys_are_errors_naming_the_line_and_key() {
    let found = problems(&format!("{ORG}[policy]\nrpo_hours = 4\n"));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("line 5:"), "{found:?}");
    assert!(found[0].contains("rpo_hours"), "{found:?}");
}

#[test]
fn wrong_types_are_errors() {
    let found = problems(&format!("{ORG}[policy]\nprobe_quorum = \"two\"\n"));
    assert!(found[0].contains("probe_quorum"), "{found:?}");
}

#[test]
fn every_value_problem_is_reported_at_once() {
    let found = problems(
        "[organisation]\nname = \"X\"\ntimezone = \"Mars/Olympus\"\n[policy]\nrpo = \"4 hours\"\nuptime_target_percent = 120.0\n\
         [[input]]\nkind = \"audits\"\nformat = \"csv\"\npath = \"nowhere.csv\"\n",
    );
    let all = found.join("\n");
    assert!(
        all.contains("line 3: organisation.timezone: expected an IANA time zone"),
        "{all}"
    );
    assert!(
        all.contains("line 5: policy.rpo: expected a duration"),
        "{all}"
    );
    assert!(
        all.contains("policy.uptime_target_percent: expected a percentage"),
        "{all}"
    );
    assert!(
        all.contains("input[1].kind: expected one of audit, leavers"),
        "{all}"
    );
    assert!(
        all.contains("input[1].path: no such file or directory"),
        "{all}"
    );
    assert_eq!(found.len(), 5, "{all}");
}

#[test]
fn native_formats_must_match_their_kind_and_borg_needs_a_timezone() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("b.json"), "{}").expect("write");
    let text = format!(
        "{ORG}[[input]]\nkind = \"probes\"\nformat = \"restic\"\npath = \"b.json\"\nsource = \"db\"\n\
         [[input]]\nkind = \"backups\"\nformat = \"borg\"\npath = \"b.json\"\nsource = \"db\"\n"
    );
    let error = Config::parse(&dir.path().join("auditpack.toml"), &text).expect_err("invalid");
    let Error::Config { problems, .. } = error else {
        panic!("expected a config error");
    };
    let all = problems.join("\n");
    assert!(
        all.contains("format `restic` holds `backups` evidence, not `probes`"),
        "{all}"
    );
    assert!(
        all.contains("input[2].timezone: borg prints naive local times"),
        "{all}"
    );
}

#[test]
fn controls_files_must_exist_and_are_no_longer_warned_about() {
    let found = problems(&format!(
        "{ORG}[controls]\nattestations = \"attestations.toml\"\nwaivers = \"nowhere/waivers.toml\"\n"
    ));
    assert_eq!(
        found,
        [
            "line 5: controls.attestations: expected a TOML file, no such file: fixtures/x/attestations.toml",
            "line 6: controls.waivers: expected a TOML file, no such file: fixtures/x/nowhere/waivers.toml",
        ]
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("waivers.toml"), "").expect("write");
    let config = Config::parse(
        &dir.path().join("auditpack.toml"),
        &format!("{ORG}[controls]\nwaivers = \"waivers.toml\"\n"),
    )
    .expect("valid");
    assert_eq!(
        config.controls.waivers,
        Some(dir.path().join("waivers.toml"))
    );
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);
}
