//! The `[policy]` table: the thresholds the checks judge against (SPEC §3). The model
//! owns it because every [`Assessment`](super::Assessment) carries the policy it was
//! judged by; `config` fills it from `auditpack.toml`.

use crate::time::{Millis, DAY, HOUR};

/// The `[policy]` table with every default of SPEC §3 applied. Durations in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub uptime_target_percent: f64,
    /// 0 means a majority of the service's locations.
    pub probe_quorum: usize,
    pub max_sample_gap: Millis,
    pub min_monitoring_coverage_percent: f64,
    pub maintenance_notice: Millis,
    pub rpo: Millis,
    pub offsite_max_age: Millis,
    pub retention_min: Millis,
    pub restore_test_max_age: Millis,
    pub mfa_required_roles: Vec<String>,
    pub leaver_deactivation_max: Millis,
    pub shared_credential_rotation_max: Millis,
    pub max_log_gap: Millis,
    pub alert_resolution_max: Millis,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            uptime_target_percent: 99.9,
            probe_quorum: 0,
            max_sample_gap: 5 * 60_000,
            min_monitoring_coverage_percent: 99.0,
            maintenance_notice: 48 * HOUR,
            rpo: 4 * HOUR,
            offsite_max_age: 24 * HOUR,
            retention_min: 90 * DAY,
            restore_test_max_age: 90 * DAY,
            mfa_required_roles: vec!["admin".to_string(), "support".to_string()],
            leaver_deactivation_max: 24 * HOUR,
            shared_credential_rotation_max: 24 * HOUR,
            max_log_gap: 24 * HOUR,
            alert_resolution_max: 24 * HOUR,
        }
    }
}

impl Policy {
    /// A policy value by its key, as a number (durations in milliseconds), for floors.
    pub fn value(&self, key: &str) -> Option<f64> {
        let ms = |value: Millis| Some(value as f64);
        match key {
            "uptime_target_percent" => Some(self.uptime_target_percent),
            "probe_quorum" => Some(self.probe_quorum as f64),
            "max_sample_gap" => ms(self.max_sample_gap),
            "min_monitoring_coverage_percent" => Some(self.min_monitoring_coverage_percent),
            "maintenance_notice" => ms(self.maintenance_notice),
            "rpo" => ms(self.rpo),
            "offsite_max_age" => ms(self.offsite_max_age),
            "retention_min" => ms(self.retention_min),
            "restore_test_max_age" => ms(self.restore_test_max_age),
            "leaver_deactivation_max" => ms(self.leaver_deactivation_max),
            "shared_credential_rotation_max" => ms(self.shared_credential_rotation_max),
            "max_log_gap" => ms(self.max_log_gap),
            "alert_resolution_max" => ms(self.alert_resolution_max),
            _ => None,
        }
    }

    /// Whether a policy key holds a duration (for writing floors and values back).
    pub fn is_duration(key: &str) -> bool {
        !matches!(
            key,
            "uptime_target_percent" | "probe_quorum" | "min_monitoring_coverage_percent"
        )
    }
}
