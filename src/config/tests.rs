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
fn an_sslyze_input_takes_its_scan_time_from_the_file_not_observed_at() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("scan.json"), "{}").expect("write");
    let text = format!(
        "{ORG}[[input]]\nkind = \"tls_endpoints\"\nformat = \"sslyze\"\npath = \"scan.json\"\n\
         observed_at = \"2026-10-31T23:00:00Z\"\n"
    );
    let error = Config::parse(&dir.path().join("auditpack.toml"), &text).expect_err("invalid");
    let Error::Config { problems, .. } = error else {
        panic!("expected a config error");
    };
    let all = problems.join("\n");
    assert!(
        all.contains("input[1].observed_at: sslyze writes its own scan time"),
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

#[test]
fn a_prometheus_utilization_input_takes_its_labels_with_defaults() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("u.json"), "{}").expect("write");
    let text = format!(
        "{ORG}[[input]]\nkind = \"utilization\"\nformat = \"prometheus\"\npath = \"u.json\"\n\
         resource = \"disk\"\ncluster_label = \"job\"\nscale = \"fraction\"\n\
         [[input]]\nkind = \"utilization\"\nformat = \"csv\"\npath = \"u.json\"\n"
    );
    let config = Config::parse(&dir.path().join("auditpack.toml"), &text).expect("valid");
    assert_eq!(
        config.inputs[0].utilization,
        Some(UtilizationSource {
            resource: "disk".to_string(),
            cluster: ClusterFrom::Label("job".to_string()),
            host_label: "instance".to_string(),
            mount_label: "mountpoint".to_string(),
            scale: Scale::Fraction,
        })
    );
    assert_eq!(config.inputs[1].kind, InputKind::Utilization);
    assert_eq!(config.inputs[1].utilization, None);
}

#[test]
fn utilization_keys_that_make_no_sense_for_the_input_are_errors_naming_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("u.json"), "{}").expect("write");
    let text = format!(
        "{ORG}[[input]]\nkind = \"probes\"\nformat = \"prometheus\"\npath = \"u.json\"\nresource = \"cpu\"\n\
         [[input]]\nkind = \"utilization\"\nformat = \"csv\"\npath = \"u.json\"\nhost_label = \"node\"\n\
         [[input]]\nkind = \"utilization\"\nformat = \"prometheus\"\npath = \"u.json\"\n\
         cluster = \"a\"\ncluster_label = \"job\"\nmount_label = \"mp\"\nscale = \"ratio\"\nresource = \"cpu\"\n\
         [[input]]\nkind = \"utilization\"\nformat = \"prometheus\"\npath = \"u.json\"\nlocation_label = \"x\"\n\
         [[input]]\nkind = \"utilization\"\nformat = \"restic\"\npath = \"u.json\"\nsource = \"s\"\n"
    );
    let error = Config::parse(&dir.path().join("auditpack.toml"), &text).expect_err("invalid");
    let Error::Config { problems, .. } = error else {
        panic!("expected a config error");
    };
    let all = problems.join("\n");
    for expected in [
        "input[1].resource: applies only to a `utilization` input of format `prometheus`",
        "input[2].host_label: applies only to a `utilization` input of format `prometheus`",
        "input[3].cluster_label: expected either `cluster` (a fixed value) or `cluster_label`",
        "input[3].mount_label: applies to `resource = \"disk\"` only, not `cpu`",
        "input[3].scale: expected `percent` or `fraction`, found `ratio`",
        "input[4].location_label: applies to `probes` inputs only",
        "input[4].resource: Prometheus series do not say what they measure",
        "format `restic` holds `backups` evidence, not `utilization`",
    ] {
        assert!(all.contains(expected), "{expected}\n---\n{all}");
    }
    assert_eq!(problems.len(), 8, "{all}");
}

#[test]
fn latency_path_belongs_to_a_prometheus_probes_input_and_names_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("p.json"), "{}").expect("write");
    std::fs::write(dir.path().join("d.json"), "{}").expect("write");
    let text = format!(
        "{ORG}[[input]]\nkind = \"probes\"\nformat = \"prometheus\"\npath = \"p.json\"\nlatency_path = \"d.json\"\n\
         [[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"p.json\"\nlatency_path = \"d.json\"\n\
         [[input]]\nkind = \"probes\"\nformat = \"prometheus\"\npath = \"p.json\"\nlatency_path = \"missing.json\"\n"
    );
    let error = Config::parse(&dir.path().join("auditpack.toml"), &text).expect_err("invalid");
    let Error::Config { problems, .. } = error else {
        panic!("expected a config error");
    };
    let all = problems.join("\n");
    for expected in [
        "input[2].latency_path: applies only to a `probes` input of format `prometheus`",
        "input[3].latency_path: expected one file, found no such file:",
    ] {
        assert!(all.contains(expected), "{expected}\n---\n{all}");
    }
    assert_eq!(problems.len(), 2, "{all}");
    let valid = format!(
        "{ORG}[[input]]\nkind = \"probes\"\nformat = \"prometheus\"\npath = \"p.json\"\nlatency_path = \"d.json\"\n"
    );
    let config = Config::parse(&dir.path().join("auditpack.toml"), &valid).expect("valid");
    assert_eq!(
        config.inputs[0].latency_path,
        Some(dir.path().join("d.json"))
    );
}

#[test]
fn snapshot_inputs_take_observed_at_and_osquery_needs_a_host() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("d.json"), "[]").expect("write");
    let text = format!(
        "{ORG}[[input]]\nkind = \"disk_encryption\"\nformat = \"osquery\"\npath = \"d.json\"\n\
         [[input]]\nkind = \"password_policies\"\nformat = \"okta\"\npath = \"d.json\"\nobserved_at = \"yesterday\"\n\
         [[input]]\nkind = \"alerts\"\nformat = \"csv\"\npath = \"d.json\"\nobserved_at = \"2026-10-30T00:00:00Z\"\n\
         [[input]]\nkind = \"tls_endpoints\"\nformat = \"sslyze\"\npath = \"d.json\"\nhost = \"x\"\n"
    );
    let error = Config::parse(&dir.path().join("auditpack.toml"), &text).expect_err("invalid");
    let Error::Config { problems, .. } = error else {
        panic!("expected a config error");
    };
    let all = problems.join("\n");
    for expected in [
        "input[1].observed_at: osquery rows do not say when they were taken",
        "input[1].host: osquery rows do not name the machine",
        "input[2].observed_at: expected an RFC 3339 time with an offset",
        "input[3].observed_at: applies to `password_policies`, `disk_encryption` and `tls_endpoints` inputs only",
        "input[4].host: applies to `osquery` inputs only",
    ] {
        assert!(all.contains(expected), "{expected}\n---\n{all}");
    }
    assert_eq!(problems.len(), 5, "{all}");
    let valid = format!(
        "{ORG}[[input]]\nkind = \"disk_encryption\"\nformat = \"osquery\"\npath = \"d.json\"\n\
         observed_at = \"2026-10-30T10:00:00+11:00\"\nhost = \"db-1\"\n"
    );
    let config = Config::parse(&dir.path().join("auditpack.toml"), &valid).expect("valid");
    assert_eq!(config.inputs[0].observed_at, Some(1_793_314_800_000));
    assert_eq!(config.inputs[0].host.as_deref(), Some("db-1"));
}

#[test]
fn an_unknown_input_key_is_still_an_error() {
    let found = problems(&format!(
        "{ORG}[[input]]\nkind = \"utilization\"\nformat = \"prometheus\"\npath = \"u.json\"\nresources = \"cpu\"\n"
    ));
    assert!(found[0].contains("resources"), "{found:?}");
}
