//! The TOML as written, parsed with serde: unknown keys and wrong types are refused here.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub organisation: RawOrganisation,
    #[serde(default)]
    pub policy: RawPolicy,
    #[serde(default, rename = "input")]
    pub inputs: Vec<RawInput>,
    pub signing: Option<RawSigning>,
    pub controls: Option<RawControls>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrganisation {
    pub name: String,
    pub timezone: Spanned<String>,
    pub primary_region: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub uptime_target_percent: Option<Spanned<f64>>,
    pub probe_quorum: Option<u32>,
    pub max_sample_gap: Option<Spanned<String>>,
    pub min_monitoring_coverage_percent: Option<Spanned<f64>>,
    pub maintenance_notice: Option<Spanned<String>>,
    pub rpo: Option<Spanned<String>>,
    pub offsite_max_age: Option<Spanned<String>>,
    pub retention_min: Option<Spanned<String>>,
    pub restore_test_max_age: Option<Spanned<String>>,
    pub mfa_required_roles: Option<Vec<String>>,
    pub leaver_deactivation_max: Option<Spanned<String>>,
    pub shared_credential_rotation_max: Option<Spanned<String>>,
    pub max_log_gap: Option<Spanned<String>>,
    pub alert_resolution_max: Option<Spanned<String>>,
    // SPEC §15
    pub business_hours: Option<Spanned<String>>,
    pub business_days: Option<Spanned<Vec<String>>>,
    pub maintenance_business_hours_max: Option<Spanned<String>>,
    pub latency_p95_max: Option<Spanned<String>>,
    pub trailing_months: Option<Spanned<u32>>,
    pub trailing_uptime_target_percent: Option<Spanned<f64>>,
    pub capacity_resource: Option<String>,
    pub capacity_margin_hosts: Option<u32>,
    pub capacity_failover_max_percent: Option<Spanned<f64>>,
    pub capacity_step: Option<Spanned<String>>,
    pub disk_alert_threshold_percent: Option<Spanned<f64>>,
    pub disk_alert_delay_max: Option<Spanned<String>>,
    pub disk_alert_names: Option<Vec<String>>,
    pub retention_tiers: Option<RawRetentionTiers>,
    // SPEC §16
    pub snapshot_max_age: Option<Spanned<String>>,
    pub password_min_length: Option<u32>,
    pub password_require: Option<Spanned<Vec<String>>>,
    pub tls_min_version: Option<Spanned<String>>,
    pub cert_min_days_left: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetentionTiers {
    pub daily: Option<u32>,
    pub weekly: Option<u32>,
    pub monthly: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    pub kind: Spanned<String>,
    pub format: Spanned<String>,
    pub path: Spanned<String>,
    pub source: Option<String>,
    pub repository: Option<String>,
    pub region: Option<String>,
    pub tenant: Option<String>,
    pub timezone: Option<Spanned<String>>,
    pub location_label: Option<String>,
    /// SPEC §15: a `probes` input of format `prometheus` may name a `query_range` file of
    /// `probe_duration_seconds` with the same labels.
    pub latency_path: Option<Spanned<String>>,
    /// SPEC §16: when a snapshot was taken, for formats that do not say (RFC 3339).
    pub observed_at: Option<Spanned<String>>,
    /// SPEC §16: the machine an osquery export ran on.
    pub host: Option<Spanned<String>>,
    // SPEC §15: a `utilization` input of format `prometheus`.
    pub resource: Option<Spanned<String>>,
    pub cluster: Option<Spanned<String>>,
    pub cluster_label: Option<Spanned<String>>,
    pub host_label: Option<Spanned<String>>,
    pub mount_label: Option<Spanned<String>>,
    pub scale: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSigning {
    pub ssh_key: Option<String>,
    pub pdf_key: Option<String>,
    pub pdf_certificate: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawControls {
    pub catalog: Option<String>,
    pub attestations: Option<Spanned<String>>,
    pub waivers: Option<Spanned<String>>,
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One line: where the TOML error is and what serde expected.
pub fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let source_line = text.lines().nth(line - 1).unwrap_or("").trim();
            format!("line {line}: `{source_line}`: {message}")
        }
        None => message,
    }
}
