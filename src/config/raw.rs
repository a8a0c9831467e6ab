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
