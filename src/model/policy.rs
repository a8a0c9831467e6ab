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
    // SPEC §15
    /// Local business hours `[start, end)`, as minutes after local midnight.
    pub business_hours: (u32, u32),
    pub business_days: Vec<chrono::Weekday>,
    pub maintenance_business_hours_max: Millis,
    pub latency_p95_max: Millis,
    pub trailing_months: u32,
    pub trailing_uptime_target_percent: f64,
    pub capacity_resource: String,
    pub capacity_margin_hosts: u32,
    pub capacity_failover_max_percent: f64,
    pub capacity_step: Millis,
    pub disk_alert_threshold_percent: f64,
    pub disk_alert_delay_max: Millis,
    /// Alert names that count; empty: any alert on the host.
    pub disk_alert_names: Vec<String>,
    pub retention_tiers: RetentionTiers,
    // SPEC §16
    pub snapshot_max_age: Millis,
    pub password_min_length: u32,
    /// Of `upper`, `lower`, `digit`, `symbol`.
    pub password_require: Vec<String>,
    /// `1.0`, `1.1`, `1.2` or `1.3`.
    pub tls_min_version: String,
    pub cert_min_days_left: Millis,
}

/// `[policy.retention_tiers]`: how many slots of each tier must hold a restorable point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionTiers {
    /// Local calendar days ending with the period's last day.
    pub daily: u32,
    /// ISO weeks (Monday to Sunday, local) ending with the period's last week.
    pub weekly: u32,
    /// Calendar months ending with the period's month.
    pub monthly: u32,
}

/// The password requirements `password_require` may name.
pub const PASSWORD_REQUIREMENTS: [&str; 4] = ["upper", "lower", "digit", "symbol"];
/// The `tls_min_version` values.
pub const TLS_VERSIONS: [&str; 4] = ["1.0", "1.1", "1.2", "1.3"];

impl Policy {
    /// `business_hours` as the config writes it: `08:00-18:00`.
    pub fn business_hours_text(&self) -> String {
        let (start, end) = self.business_hours;
        format!(
            "{:02}:{:02}-{:02}:{:02}",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        )
    }

    /// `business_days` for people: `Mon, Tue, Wed`.
    pub fn business_days_text(&self) -> String {
        let days: Vec<String> = self.business_days.iter().map(|d| d.to_string()).collect();
        days.join(", ")
    }
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
            business_hours: (8 * 60, 18 * 60),
            business_days: vec![
                chrono::Weekday::Mon,
                chrono::Weekday::Tue,
                chrono::Weekday::Wed,
                chrono::Weekday::Thu,
                chrono::Weekday::Fri,
            ],
            maintenance_business_hours_max: 0,
            latency_p95_max: 1_500,
            trailing_months: 12,
            trailing_uptime_target_percent: 99.9,
            capacity_resource: "cpu".to_string(),
            capacity_margin_hosts: 2,
            capacity_failover_max_percent: 100.0,
            capacity_step: 60_000,
            disk_alert_threshold_percent: 85.0,
            disk_alert_delay_max: 15 * 60_000,
            disk_alert_names: Vec::new(),
            retention_tiers: RetentionTiers {
                daily: 7,
                weekly: 4,
                monthly: 3,
            },
            snapshot_max_age: 31 * DAY,
            password_min_length: 12,
            password_require: vec![
                "upper".to_string(),
                "lower".to_string(),
                "symbol".to_string(),
            ],
            tls_min_version: "1.2".to_string(),
            cert_min_days_left: 14 * DAY,
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
            "maintenance_business_hours_max" => ms(self.maintenance_business_hours_max),
            "latency_p95_max" => ms(self.latency_p95_max),
            "trailing_months" => Some(f64::from(self.trailing_months)),
            "trailing_uptime_target_percent" => Some(self.trailing_uptime_target_percent),
            "capacity_margin_hosts" => Some(f64::from(self.capacity_margin_hosts)),
            "capacity_failover_max_percent" => Some(self.capacity_failover_max_percent),
            "capacity_step" => ms(self.capacity_step),
            "disk_alert_threshold_percent" => Some(self.disk_alert_threshold_percent),
            "disk_alert_delay_max" => ms(self.disk_alert_delay_max),
            "snapshot_max_age" => ms(self.snapshot_max_age),
            "password_min_length" => Some(f64::from(self.password_min_length)),
            "tls_min_version" => self.tls_min_version.parse().ok(),
            "cert_min_days_left" => ms(self.cert_min_days_left),
            _ => None,
        }
    }

    /// Whether a policy key holds a duration (for writing floors and values back).
    pub fn is_duration(key: &str) -> bool {
        !matches!(
            key,
            "uptime_target_percent"
                | "probe_quorum"
                | "min_monitoring_coverage_percent"
                | "trailing_months"
                | "trailing_uptime_target_percent"
                | "capacity_margin_hosts"
                | "capacity_failover_max_percent"
                | "disk_alert_threshold_percent"
                | "password_min_length"
                | "tls_min_version"
        )
    }
}
