//! `auditpack.toml` → a validated [`Config`] (SPEC §3).
//!
//! Two stages, like cargo-deny: serde parses the TOML with spans (unknown keys and
//! wrong types are refused there), then `validate` checks values and collects every
//! problem, each naming the file, the line, the key and what was expected, so a user
//! fixes them all in one go. Nothing here reads evidence files or prints.

mod declarations;
mod raw;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;

pub use crate::time::{format_duration, parse_duration};
pub use declarations::Declarations;

use crate::error::Error;
pub use crate::model::{Organisation, Policy, RetentionTiers, PASSWORD_REQUIREMENTS, TLS_VERSIONS};
use crate::time::Millis;
use raw::{RawConfig, RawInput, RawPolicy};
use toml::Spanned;

/// What an `[[input]]` carries: the canonical table it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    Audit,
    Leavers,
    Backups,
    RestoreTests,
    Probes,
    Maintenance,
    Alerts,
    Utilization,
    /// SPEC §16: configuration snapshots.
    PasswordPolicies,
    DiskEncryption,
    TlsEndpoints,
}

impl InputKind {
    pub const ALL: [InputKind; 11] = [
        InputKind::Audit,
        InputKind::Leavers,
        InputKind::Backups,
        InputKind::RestoreTests,
        InputKind::Probes,
        InputKind::Maintenance,
        InputKind::Alerts,
        InputKind::Utilization,
        InputKind::PasswordPolicies,
        InputKind::DiskEncryption,
        InputKind::TlsEndpoints,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Audit => "audit",
            InputKind::Leavers => "leavers",
            InputKind::Backups => "backups",
            InputKind::RestoreTests => "restore_tests",
            InputKind::Probes => "probes",
            InputKind::Maintenance => "maintenance",
            InputKind::Alerts => "alerts",
            InputKind::Utilization => "utilization",
            InputKind::PasswordPolicies => "password_policies",
            InputKind::DiskEncryption => "disk_encryption",
            InputKind::TlsEndpoints => "tls_endpoints",
        }
    }

    pub fn parse(text: &str) -> Option<InputKind> {
        InputKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How an input file is written: canonical CSV/NDJSON or a tool's native output (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Csv,
    Ndjson,
    Restic,
    Borg,
    Pgbackrest,
    Prometheus,
    Alertmanager,
    Cloudtrail,
    Okta,
    /// SPEC §16: `osqueryi --json` rows of `disk_encryption` or `bitlocker_info`.
    Osquery,
    /// SPEC §16: `sslyze --json_out` (5.x, 6.x).
    Sslyze,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Csv,
        Format::Ndjson,
        Format::Restic,
        Format::Borg,
        Format::Pgbackrest,
        Format::Prometheus,
        Format::Alertmanager,
        Format::Cloudtrail,
        Format::Okta,
        Format::Osquery,
        Format::Sslyze,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
            Format::Restic => "restic",
            Format::Borg => "borg",
            Format::Pgbackrest => "pgbackrest",
            Format::Prometheus => "prometheus",
            Format::Alertmanager => "alertmanager",
            Format::Cloudtrail => "cloudtrail",
            Format::Okta => "okta",
            Format::Osquery => "osquery",
            Format::Sslyze => "sslyze",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The kinds a native format fills; empty for the canonical formats (any kind).
    pub fn native_kinds(self) -> &'static [InputKind] {
        match self {
            Format::Csv | Format::Ndjson => &[],
            Format::Restic | Format::Borg | Format::Pgbackrest => &[InputKind::Backups],
            Format::Prometheus => &[InputKind::Probes, InputKind::Utilization],
            Format::Alertmanager => &[InputKind::Alerts],
            Format::Cloudtrail => &[InputKind::Audit],
            Format::Okta => &[InputKind::Audit, InputKind::PasswordPolicies],
            Format::Osquery => &[InputKind::DiskEncryption],
            Format::Sslyze => &[InputKind::TlsEndpoints],
        }
    }

    /// File endings picked up when an input names a directory.
    pub fn file_endings(self) -> &'static [&'static str] {
        match self {
            Format::Csv => &[".csv"],
            Format::Ndjson | Format::Alertmanager => &[".ndjson", ".jsonl", ".json"],
            Format::Cloudtrail => &[".json", ".json.gz", ".ndjson", ".jsonl"],
            Format::Okta => &[".json", ".ndjson", ".jsonl"],
            Format::Restic
            | Format::Borg
            | Format::Pgbackrest
            | Format::Prometheus
            | Format::Osquery
            | Format::Sslyze => &[".json"],
        }
    }
}

/// One validated `[[input]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Position in the config, from 0; the first entry that matches a file reads it.
    pub index: usize,
    pub kind: InputKind,
    pub format: Format,
    /// The path as written in the config.
    pub path_text: String,
    /// The path joined to the config file's directory.
    pub path: PathBuf,
    pub source: Option<String>,
    pub repository: Option<String>,
    pub region: Option<String>,
    pub tenant: Option<String>,
    /// Applies to every naive time in the input.
    pub timezone: Option<Tz>,
    pub location_label: Option<String>,
    /// `latency_path` of a `probes` input of format `prometheus` (SPEC §15): the file of
    /// `probe_duration_seconds` joined to the config's directory.
    pub latency_path: Option<PathBuf>,
    /// SPEC §16: when the snapshots of a configuration input were taken, where the
    /// format does not say (Okta's password policies, osquery rows); UTC ms.
    pub observed_at: Option<Millis>,
    /// SPEC §16: the machine an osquery export ran on.
    pub host: Option<String>,
    /// What a `utilization` input of format `prometheus` cannot say itself (SPEC §15);
    /// `None` for every other input.
    pub utilization: Option<UtilizationSource>,
}

/// The `[[input]]` keys of a Prometheus `utilization` input: which resource its series
/// measure and which labels name the cluster, the host and the mount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationSource {
    /// `cpu`, `memory`, `disk`, …: every sample of the input is of this resource.
    pub resource: String,
    /// The cluster of every sample (`cluster`), or the label holding it
    /// (`cluster_label`); neither: the canonical default `default`.
    pub cluster: ClusterFrom,
    /// The label naming the host (default `instance`).
    pub host_label: String,
    /// The label naming a disk's mount (default `mountpoint`); read for `disk` only.
    pub mount_label: String,
    pub scale: Scale,
}

/// Where a native utilization sample's cluster comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterFrom {
    Fixed(String),
    Label(String),
    Default,
}

/// How a native utilization value is written: a percentage, or a fraction in 0..1
/// (`scale = "fraction"`, multiplied by 100 on reading).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Percent,
    Fraction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    pub ssh_key: Option<PathBuf>,
    pub pdf_key: Option<PathBuf>,
    pub pdf_certificate: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControlsConfig {
    /// A directory holding `annex-a.csv` and `bindings.toml`; `None` = built in.
    pub catalog: Option<PathBuf>,
    pub attestations: Option<PathBuf>,
    pub waivers: Option<PathBuf>,
}

/// The validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The config file as given.
    pub path: PathBuf,
    /// Its directory: relative paths in the config are relative to it.
    pub dir: PathBuf,
    pub organisation: Organisation,
    pub policy: Policy,
    pub inputs: Vec<Input>,
    pub signing: Option<Signing>,
    pub controls: ControlsConfig,
    /// Things the user should know that do not stop the run.
    pub warnings: Vec<String>,
}

impl Config {
    /// Reads and validates a config file. Every problem is reported at once.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            action: "read the configuration file",
            source,
        })?;
        Config::parse(path, &text)
    }

    /// Validates config text read from `path` (used for relative paths and messages).
    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| Error::Config {
            path: path.to_path_buf(),
            problems: vec![raw::describe_toml_error(text, &error)],
        })?;
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."))
            .to_path_buf();
        let mut problems = Problems::new(text);
        let config = validate(raw, path, &dir, &mut problems);
        problems.into_result(path, config)
    }

    /// The declared inputs of one kind.
    pub fn inputs_of(&self, kind: InputKind) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(move |input| input.kind == kind)
    }
}

/// Collects validation problems with the line they were found on.
struct Problems<'a> {
    text: &'a str,
    list: Vec<String>,
}

impl<'a> Problems<'a> {
    fn new(text: &'a str) -> Problems<'a> {
        Problems {
            text,
            list: Vec::new(),
        }
    }

    /// `value` when nothing was wrong, else every problem as one config error of `path`.
    fn into_result<T>(self, path: &Path, value: T) -> Result<T, Error> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(Error::Config {
                path: path.to_path_buf(),
                problems: self.list,
            })
        }
    }

    fn at(&mut self, span: std::ops::Range<usize>, key: &str, message: impl std::fmt::Display) {
        let line = raw::line_of(self.text, span.start);
        self.list.push(format!("line {line}: {key}: {message}"));
    }
}

fn validate(raw: RawConfig, path: &Path, dir: &Path, problems: &mut Problems<'_>) -> Config {
    let timezone = parse_timezone(
        &raw.organisation.timezone,
        "organisation.timezone",
        problems,
    );
    let organisation = Organisation {
        name: raw.organisation.name.clone(),
        timezone: timezone.unwrap_or(Tz::UTC),
        primary_region: raw.organisation.primary_region.clone().unwrap_or_default(),
    };
    let policy = validate_policy(raw.policy, problems);
    let inputs = raw
        .inputs
        .into_iter()
        .enumerate()
        .filter_map(|(index, input)| validate_input(index, input, dir, problems))
        .collect();
    let join = |p: &Option<String>| p.as_ref().map(|p| dir.join(p));
    let signing = raw.signing.map(|s| Signing {
        ssh_key: join(&s.ssh_key),
        pdf_key: join(&s.pdf_key),
        pdf_certificate: join(&s.pdf_certificate),
    });
    let controls = raw
        .controls
        .map(|c| ControlsConfig {
            catalog: join(&c.catalog),
            attestations: declared_file(c.attestations, "controls.attestations", dir, problems),
            waivers: declared_file(c.waivers, "controls.waivers", dir, problems),
        })
        .unwrap_or_default();
    let warnings = Vec::new();
    Config {
        path: path.to_path_buf(),
        dir: dir.to_path_buf(),
        organisation,
        policy,
        inputs,
        signing,
        controls,
        warnings,
    }
}

/// A file `[controls]` names (attestations, waivers), joined to the config's directory;
/// a missing one is a problem of the config, reported with the key's line.
fn declared_file(
    value: Option<toml::Spanned<String>>,
    key: &str,
    dir: &Path,
    problems: &mut Problems<'_>,
) -> Option<PathBuf> {
    let value = value?;
    let path = dir.join(value.get_ref());
    if !path.is_file() {
        problems.at(
            value.span(),
            key,
            format!("expected a TOML file, no such file: {}", path.display()),
        );
    }
    Some(path)
}

fn parse_timezone(
    value: &toml::Spanned<String>,
    key: &str,
    problems: &mut Problems<'_>,
) -> Option<Tz> {
    match value.get_ref().parse::<Tz>() {
        Ok(tz) => Some(tz),
        Err(_) => {
            problems.at(
                value.span(),
                key,
                format!(
                    "expected an IANA time zone name such as `Australia/Melbourne` or `UTC`, found `{}`",
                    value.get_ref()
                ),
            );
            None
        }
    }
}

fn validate_policy(raw: RawPolicy, problems: &mut Problems<'_>) -> Policy {
    let defaults = Policy::default();
    let mut duration = |value: Option<toml::Spanned<String>>, key: &str, default: Millis| {
        let Some(value) = value else {
            return default;
        };
        match parse_duration(value.get_ref()) {
            Ok(ms) => ms,
            Err(message) => {
                problems.at(value.span(), &format!("policy.{key}"), message);
                default
            }
        }
    };
    let max_sample_gap = duration(
        raw.max_sample_gap,
        "max_sample_gap",
        defaults.max_sample_gap,
    );
    let maintenance_notice = duration(
        raw.maintenance_notice,
        "maintenance_notice",
        defaults.maintenance_notice,
    );
    let rpo = duration(raw.rpo, "rpo", defaults.rpo);
    let offsite_max_age = duration(
        raw.offsite_max_age,
        "offsite_max_age",
        defaults.offsite_max_age,
    );
    let retention_min = duration(raw.retention_min, "retention_min", defaults.retention_min);
    let restore_test_max_age = duration(
        raw.restore_test_max_age,
        "restore_test_max_age",
        defaults.restore_test_max_age,
    );
    let leaver_deactivation_max = duration(
        raw.leaver_deactivation_max,
        "leaver_deactivation_max",
        defaults.leaver_deactivation_max,
    );
    let shared_credential_rotation_max = duration(
        raw.shared_credential_rotation_max,
        "shared_credential_rotation_max",
        defaults.shared_credential_rotation_max,
    );
    let max_log_gap = duration(raw.max_log_gap, "max_log_gap", defaults.max_log_gap);
    let alert_resolution_max = duration(
        raw.alert_resolution_max,
        "alert_resolution_max",
        defaults.alert_resolution_max,
    );
    let maintenance_business_hours_max = duration(
        raw.maintenance_business_hours_max,
        "maintenance_business_hours_max",
        defaults.maintenance_business_hours_max,
    );
    let latency_p95_max = duration(
        raw.latency_p95_max,
        "latency_p95_max",
        defaults.latency_p95_max,
    );
    let capacity_step = duration(raw.capacity_step, "capacity_step", defaults.capacity_step);
    let disk_alert_delay_max = duration(
        raw.disk_alert_delay_max,
        "disk_alert_delay_max",
        defaults.disk_alert_delay_max,
    );
    let snapshot_max_age = duration(
        raw.snapshot_max_age,
        "snapshot_max_age",
        defaults.snapshot_max_age,
    );
    let cert_min_days_left = duration(
        raw.cert_min_days_left,
        "cert_min_days_left",
        defaults.cert_min_days_left,
    );
    if capacity_step <= 0 {
        problems
            .list
            .push("policy.capacity_step: expected a duration above 0s".to_string());
    }
    if max_sample_gap <= 0 {
        problems
            .list
            .push("policy.max_sample_gap: expected a duration above 0s".to_string());
    }
    let mut percent =
        |value: Option<toml::Spanned<f64>>, key: &str, default: f64, open_low: bool| {
            let Some(value) = value else {
                return default;
            };
            let number = *value.get_ref();
            let valid = number <= 100.0
                && if open_low {
                    number > 0.0
                } else {
                    number >= 0.0
                };
            if !valid {
                let range = if open_low {
                    "above 0 and at most 100"
                } else {
                    "from 0 to 100"
                };
                problems.at(
                    value.span(),
                    &format!("policy.{key}"),
                    format!("expected a percentage {range}, found {number}"),
                );
                return default;
            }
            number
        };
    let uptime_target_percent = percent(
        raw.uptime_target_percent,
        "uptime_target_percent",
        defaults.uptime_target_percent,
        true,
    );
    let min_monitoring_coverage_percent = percent(
        raw.min_monitoring_coverage_percent,
        "min_monitoring_coverage_percent",
        defaults.min_monitoring_coverage_percent,
        false,
    );
    let trailing_uptime_target_percent = percent(
        raw.trailing_uptime_target_percent,
        "trailing_uptime_target_percent",
        uptime_target_percent,
        true,
    );
    let disk_alert_threshold_percent = percent(
        raw.disk_alert_threshold_percent,
        "disk_alert_threshold_percent",
        defaults.disk_alert_threshold_percent,
        false,
    );
    // Load on the survivors may exceed 100 % of one host (it would not fit): any
    // positive percentage is a valid limit.
    let capacity_failover_max_percent = match raw.capacity_failover_max_percent {
        Some(value) if *value.get_ref() > 0.0 && value.get_ref().is_finite() => *value.get_ref(),
        Some(value) => {
            problems.at(
                value.span(),
                "policy.capacity_failover_max_percent",
                format!("expected a percentage above 0, found {}", value.get_ref()),
            );
            defaults.capacity_failover_max_percent
        }
        None => defaults.capacity_failover_max_percent,
    };
    let business_hours = match &raw.business_hours {
        Some(value) => parse_business_hours(value.get_ref()).unwrap_or_else(|message| {
            problems.at(value.span(), "policy.business_hours", message);
            defaults.business_hours
        }),
        None => defaults.business_hours,
    };
    let business_days = match &raw.business_days {
        Some(value) => {
            let mut days = Vec::new();
            for day in value.get_ref() {
                match parse_weekday(day) {
                    Some(d) if !days.contains(&d) => days.push(d),
                    Some(_) => {}
                    None => problems.at(
                        value.span(),
                        "policy.business_days",
                        format!("expected days such as `mon`, `tue`, … `sun`, found `{day}`"),
                    ),
                }
            }
            days
        }
        None => defaults.business_days.clone(),
    };
    let trailing_months = match &raw.trailing_months {
        Some(value) if (1..=120).contains(value.get_ref()) => *value.get_ref(),
        Some(value) => {
            problems.at(
                value.span(),
                "policy.trailing_months",
                format!("expected 1 to 120 months, found {}", value.get_ref()),
            );
            defaults.trailing_months
        }
        None => defaults.trailing_months,
    };
    let password_require = match &raw.password_require {
        Some(value) => {
            for requirement in value.get_ref() {
                if !PASSWORD_REQUIREMENTS.contains(&requirement.as_str()) {
                    problems.at(
                        value.span(),
                        "policy.password_require",
                        format!(
                            "expected some of {}, found `{requirement}`",
                            PASSWORD_REQUIREMENTS.join(", ")
                        ),
                    );
                }
            }
            value.get_ref().clone()
        }
        None => defaults.password_require.clone(),
    };
    let tls_min_version = match &raw.tls_min_version {
        Some(value) if TLS_VERSIONS.contains(&value.get_ref().as_str()) => value.get_ref().clone(),
        Some(value) => {
            problems.at(
                value.span(),
                "policy.tls_min_version",
                format!(
                    "expected one of {}, found `{}`",
                    TLS_VERSIONS.join(", "),
                    value.get_ref()
                ),
            );
            defaults.tls_min_version.clone()
        }
        None => defaults.tls_min_version.clone(),
    };
    let tiers = raw.retention_tiers.unwrap_or_default();
    let retention_tiers = RetentionTiers {
        daily: tiers.daily.unwrap_or(defaults.retention_tiers.daily),
        weekly: tiers.weekly.unwrap_or(defaults.retention_tiers.weekly),
        monthly: tiers.monthly.unwrap_or(defaults.retention_tiers.monthly),
    };
    Policy {
        uptime_target_percent,
        probe_quorum: raw
            .probe_quorum
            .map_or(defaults.probe_quorum, |q| q as usize),
        max_sample_gap,
        min_monitoring_coverage_percent,
        maintenance_notice,
        rpo,
        offsite_max_age,
        retention_min,
        restore_test_max_age,
        mfa_required_roles: raw
            .mfa_required_roles
            .unwrap_or(defaults.mfa_required_roles),
        leaver_deactivation_max,
        shared_credential_rotation_max,
        max_log_gap,
        alert_resolution_max,
        business_hours,
        business_days,
        maintenance_business_hours_max,
        latency_p95_max,
        trailing_months,
        trailing_uptime_target_percent,
        capacity_resource: raw.capacity_resource.unwrap_or(defaults.capacity_resource),
        capacity_margin_hosts: raw
            .capacity_margin_hosts
            .unwrap_or(defaults.capacity_margin_hosts),
        capacity_failover_max_percent,
        capacity_step,
        disk_alert_threshold_percent,
        disk_alert_delay_max,
        disk_alert_names: raw.disk_alert_names.unwrap_or(defaults.disk_alert_names),
        retention_tiers,
        snapshot_max_age,
        password_min_length: raw
            .password_min_length
            .unwrap_or(defaults.password_min_length),
        password_require,
        tls_min_version,
        cert_min_days_left,
    }
}

/// `HH:MM-HH:MM`, local, `[start, end)`: minutes after midnight (`24:00` ends a day).
fn parse_business_hours(text: &str) -> Result<(u32, u32), String> {
    let expected = || format!("expected local hours such as `08:00-18:00`, found `{text}`");
    let minutes = |part: &str| -> Option<u32> {
        let (hours, minutes) = part.trim().split_once(':')?;
        let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
        (minutes < 60 && hours * 60 + minutes <= 24 * 60).then_some(hours * 60 + minutes)
    };
    let (start, end) = text.split_once('-').ok_or_else(expected)?;
    let (start, end) = (
        minutes(start).ok_or_else(expected)?,
        minutes(end).ok_or_else(expected)?,
    );
    if start >= end {
        return Err(format!(
            "expected the start before the end (hours within one local day), found `{text}`"
        ));
    }
    Ok((start, end))
}

fn parse_weekday(text: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::*;
    let day = match text.trim().to_ascii_lowercase().get(..3)? {
        "mon" => Mon,
        "tue" => Tue,
        "wed" => Wed,
        "thu" => Thu,
        "fri" => Fri,
        "sat" => Sat,
        "sun" => Sun,
        _ => return None,
    };
    Some(day)
}

fn validate_input(
    index: usize,
    raw: RawInput,
    dir: &Path,
    problems: &mut Problems<'_>,
) -> Option<Input> {
    let entry = format!("input[{}]", index + 1);
    let kind = InputKind::parse(raw.kind.get_ref());
    if kind.is_none() {
        let valid: Vec<&str> = InputKind::ALL.iter().map(|k| k.as_str()).collect();
        problems.at(
            raw.kind.span(),
            &format!("{entry}.kind"),
            format!(
                "expected one of {}, found `{}`",
                valid.join(", "),
                raw.kind.get_ref()
            ),
        );
    }
    let format = Format::parse(raw.format.get_ref());
    if format.is_none() {
        let valid: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        problems.at(
            raw.format.span(),
            &format!("{entry}.format"),
            format!(
                "expected one of {}, found `{}`",
                valid.join(", "),
                raw.format.get_ref()
            ),
        );
    }
    if let (Some(kind), Some(format)) = (kind, format) {
        let native_kinds = format.native_kinds();
        if !native_kinds.is_empty() && !native_kinds.contains(&kind) {
            let holds: Vec<String> = native_kinds
                .iter()
                .map(|k| format!("`{}`", k.as_str()))
                .collect();
            problems.at(
                raw.format.span(),
                &format!("{entry}.format"),
                format!(
                    "format `{}` holds {} evidence, not `{}`",
                    format.as_str(),
                    holds.join(" or "),
                    kind.as_str()
                ),
            );
        }
    }
    let timezone = raw
        .timezone
        .as_ref()
        .and_then(|tz| parse_timezone(tz, &format!("{entry}.timezone"), problems));
    if format == Some(Format::Borg) && raw.timezone.is_none() {
        problems.at(
            raw.format.span(),
            &format!("{entry}.timezone"),
            "borg prints naive local times: expected `timezone` (an IANA name) on this input",
        );
    }
    let path_text = raw.path.get_ref().clone();
    let path = dir.join(&path_text);
    let is_glob = path_text.contains(['*', '?', '[']);
    if path_text.trim().is_empty() {
        problems.at(
            raw.path.span(),
            &format!("{entry}.path"),
            "expected a file, directory or glob",
        );
    } else if !is_glob && !path.exists() {
        problems.at(
            raw.path.span(),
            &format!("{entry}.path"),
            format!("no such file or directory: {}", path.display()),
        );
    }
    let utilization = validate_utilization_keys(&raw, &entry, kind, format, problems);
    let latency_path = validate_latency_path(&raw, &entry, kind, format, dir, problems);
    let (observed_at, host) = validate_snapshot_keys(&raw, &entry, kind, format, problems);
    let wants_source = format.is_some_and(|f| matches!(f, Format::Restic | Format::Borg));
    if wants_source && raw.source.is_none() {
        problems.at(
            raw.format.span(),
            &format!("{entry}.source"),
            "native backup formats cannot say which source they back up: expected `source`",
        );
    }
    Some(Input {
        index,
        kind: kind?,
        format: format?,
        path_text,
        path,
        source: raw.source,
        repository: raw.repository,
        region: raw.region,
        tenant: raw.tenant,
        timezone,
        location_label: raw.location_label,
        latency_path,
        observed_at,
        host,
        utilization,
    })
}

/// `observed_at` and `host` (SPEC §16): on the configuration kinds only. osquery rows
/// name neither when nor where they were taken, so an osquery input needs both; sslyze
/// writes its scan time, so an sslyze input takes no `observed_at`.
fn validate_snapshot_keys(
    raw: &RawInput,
    entry: &str,
    kind: Option<InputKind>,
    format: Option<Format>,
    problems: &mut Problems<'_>,
) -> (Option<Millis>, Option<String>) {
    let snapshot_kind = matches!(
        kind,
        Some(InputKind::PasswordPolicies | InputKind::DiskEncryption | InputKind::TlsEndpoints)
    );
    let mut observed_at = None;
    if let Some(given) = &raw.observed_at {
        if kind.is_some() && !snapshot_kind {
            problems.at(
                given.span(),
                &format!("{entry}.observed_at"),
                "applies to `password_policies`, `disk_encryption` and `tls_endpoints` inputs only",
            );
        } else if format == Some(Format::Sslyze) {
            // sslyze writes its own scan time (SPEC §16); a second time on the entry
            // would be silently ignored or would overrule the tool's, so neither.
            problems.at(
                given.span(),
                &format!("{entry}.observed_at"),
                "sslyze writes its own scan time (`date_scans_started`): remove `observed_at` from this input",
            );
        } else {
            match chrono::DateTime::parse_from_rfc3339(given.get_ref()) {
                Ok(at) => observed_at = Some(at.timestamp_millis()),
                Err(_) => problems.at(
                    given.span(),
                    &format!("{entry}.observed_at"),
                    format!(
                        "expected an RFC 3339 time with an offset (2026-10-31T23:00:00Z), found `{}`",
                        given.get_ref()
                    ),
                ),
            }
        }
    }
    let host = match &raw.host {
        Some(given) if format.is_some() && format != Some(Format::Osquery) => {
            problems.at(
                given.span(),
                &format!("{entry}.host"),
                "applies to `osquery` inputs only (the other formats name their hosts)",
            );
            None
        }
        Some(given) => Some(given.get_ref().clone()),
        None => None,
    };
    if format == Some(Format::Osquery) {
        if raw.observed_at.is_none() {
            problems.at(
                raw.format.span(),
                &format!("{entry}.observed_at"),
                "osquery rows do not say when they were taken: expected `observed_at` (RFC 3339) on this input",
            );
        }
        if raw.host.is_none() {
            problems.at(
                raw.format.span(),
                &format!("{entry}.host"),
                "osquery rows do not name the machine they ran on: expected `host` on this input",
            );
        }
    }
    (observed_at, host)
}

/// `latency_path` (SPEC §15): on a `probes` input of format `prometheus` only, one file
/// that exists (not a glob or a directory: it pairs with the input's series).
fn validate_latency_path(
    raw: &RawInput,
    entry: &str,
    kind: Option<InputKind>,
    format: Option<Format>,
    dir: &Path,
    problems: &mut Problems<'_>,
) -> Option<PathBuf> {
    let given = raw.latency_path.as_ref()?;
    let key = format!("{entry}.latency_path");
    let other_input = kind.is_some() && format.is_some();
    if other_input && (kind != Some(InputKind::Probes) || format != Some(Format::Prometheus)) {
        problems.at(
            given.span(),
            &key,
            "applies only to a `probes` input of format `prometheus` (a `query_range` file of `probe_duration_seconds`)",
        );
        return None;
    }
    let path = dir.join(given.get_ref());
    if !path.is_file() {
        problems.at(
            given.span(),
            &key,
            format!("expected one file, found no such file: {}", path.display()),
        );
        return None;
    }
    Some(path)
}

/// The keys of a Prometheus `utilization` input (SPEC §15). They make sense on that
/// input alone: on any other, each one given is a problem naming it, as is
/// `location_label` (a probes key) on a utilization input.
fn validate_utilization_keys(
    raw: &RawInput,
    entry: &str,
    kind: Option<InputKind>,
    format: Option<Format>,
    problems: &mut Problems<'_>,
) -> Option<UtilizationSource> {
    let given: [(&str, &Option<Spanned<String>>); 6] = [
        ("resource", &raw.resource),
        ("cluster", &raw.cluster),
        ("cluster_label", &raw.cluster_label),
        ("host_label", &raw.host_label),
        ("mount_label", &raw.mount_label),
        ("scale", &raw.scale),
    ];
    let native = kind == Some(InputKind::Utilization) && format == Some(Format::Prometheus);
    if kind == Some(InputKind::Utilization) && raw.location_label.is_some() {
        problems.at(
            raw.kind.span(),
            &format!("{entry}.location_label"),
            "applies to `probes` inputs only; a utilization input names its host with `host_label`",
        );
    }
    if !native {
        if kind.is_some() && format.is_some() {
            for (key, value) in given {
                if let Some(value) = value {
                    problems.at(
                        value.span(),
                        &format!("{entry}.{key}"),
                        "applies only to a `utilization` input of format `prometheus`",
                    );
                }
            }
        }
        return None;
    }
    let text = |value: &Option<Spanned<String>>| value.as_ref().map(|v| v.get_ref().clone());
    let resource = match &raw.resource {
        Some(resource) if !resource.get_ref().trim().is_empty() => resource.get_ref().clone(),
        Some(resource) => {
            problems.at(
                resource.span(),
                &format!("{entry}.resource"),
                "expected the resource the series measure (`cpu`, `memory`, `disk`, …)",
            );
            String::new()
        }
        None => {
            problems.at(
                raw.format.span(),
                &format!("{entry}.resource"),
                "Prometheus series do not say what they measure: expected `resource` (`cpu`, `memory`, `disk`, …)",
            );
            String::new()
        }
    };
    let cluster = match (&raw.cluster, &raw.cluster_label) {
        (Some(_), Some(label)) => {
            problems.at(
                label.span(),
                &format!("{entry}.cluster_label"),
                "expected either `cluster` (a fixed value) or `cluster_label` (the label holding it), not both",
            );
            ClusterFrom::Default
        }
        (Some(cluster), None) => ClusterFrom::Fixed(cluster.get_ref().clone()),
        (None, Some(label)) => ClusterFrom::Label(label.get_ref().clone()),
        (None, None) => ClusterFrom::Default,
    };
    if let Some(mount_label) = &raw.mount_label {
        if resource != "disk" && !resource.is_empty() {
            problems.at(
                mount_label.span(),
                &format!("{entry}.mount_label"),
                format!("applies to `resource = \"disk\"` only, not `{resource}`"),
            );
        }
    }
    let scale = match raw.scale.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None | Some(("percent", _)) => Scale::Percent,
        Some(("fraction", _)) => Scale::Fraction,
        Some((other, span)) => {
            problems.at(
                span,
                &format!("{entry}.scale"),
                format!("expected `percent` or `fraction`, found `{other}`"),
            );
            Scale::Percent
        }
    };
    Some(UtilizationSource {
        resource,
        cluster,
        host_label: text(&raw.host_label).unwrap_or_else(|| "instance".to_string()),
        mount_label: text(&raw.mount_label).unwrap_or_else(|| "mountpoint".to_string()),
        scale,
    })
}

#[cfg(test)]
mod tests;
