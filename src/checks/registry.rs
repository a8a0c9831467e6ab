//! The registry: every check, once. A check's id comes from its binding in
//! `controls/bindings.toml` (which also names its controls, input kind and floors); its
//! line here says what it measures in and how it runs. [`super::run_tables`] and
//! [`super::complete`] walk this list; nothing else lists checks.

use super::{
    access, backup, capacity, crypto, inputs, logging, maintenance, monitoring, uptime, CheckOutput,
};
use super::{audit::AuditFacts, CheckCtx};
use crate::error::Error;
use crate::model::{CheckId, Unit};

/// How a check is run, all to the same [`CheckOutput`] (`None`: no subject, and the
/// check gets one `not_evaluated` row).
#[derive(Clone, Copy)]
pub enum Run {
    /// Over the collected tables, while the audit logs are still streamed.
    Tables(fn(&CheckCtx<'_>) -> Result<Option<CheckOutput>, Error>),
    /// Over what the single audit pass kept ([`AuditFacts`]), once it is done.
    Audit(fn(&AuditFacts, &CheckCtx<'_>) -> Option<CheckOutput>),
    /// Over the list of files read, once every input is read.
    Files(fn(&CheckCtx<'_>) -> Option<CheckOutput>),
}

pub struct Check {
    pub id: CheckId,
    pub unit: Unit,
    pub run: Run,
}

const fn check(id: CheckId, unit: Unit, run: Run) -> Check {
    Check { id, unit, run }
}

use CheckId as Id;
use Run::{Audit, Files, Tables};
use Unit::{Count, Days, Hours, Milliseconds, Minutes, Percent};

/// Every check, in `CheckId::ALL` order (a test holds it to that): one line each.
#[rustfmt::skip]
pub const REGISTRY: &[Check] = &[
    check(Id::UptimeAvailability,             Percent, Tables(uptime::availability::run)),
    check(Id::UptimeCoverage,                 Percent, Tables(uptime::coverage::run)),
    check(Id::BackupRpo,                      Hours,   Tables(backup::rpo::run)),
    check(Id::BackupOffsite,                  Hours,   Tables(backup::offsite::run)),
    check(Id::BackupEncryption,               Count,   Tables(backup::encryption::run)),
    check(Id::BackupRetention,                Days,    Tables(backup::retention::run)),
    check(Id::BackupRestoreTest,              Days,    Tables(backup::restore_test::run)),
    check(Id::AccessMfa,                      Count,   Audit(access::mfa::run)),
    check(Id::AccessLeaverLogin,              Count,   Audit(access::leaver_login::run)),
    check(Id::AccessLeaverDeactivation,       Hours,   Audit(access::leaver_deactivation::run)),
    check(Id::AccessSharedCredentialRotation, Hours,   Audit(access::shared_credential_rotation::run)),
    check(Id::AccessSupportTicket,            Count,   Audit(access::support_ticket::run)),
    check(Id::LoggingIntegrity,               Count,   Audit(logging::integrity::run)),
    check(Id::LoggingGaps,                    Hours,   Audit(logging::gaps::run)),
    check(Id::MonitoringAlertResolution,      Hours,   Tables(monitoring::alert_resolution::run)),
    check(Id::InputsRejectedRows,             Count,   Files(inputs::rejected_rows::run)),
    check(Id::MaintenanceNotice,              Count,   Tables(maintenance::notice::run)),
    check(Id::MaintenanceBusinessHours,       Minutes, Tables(maintenance::business_hours::run)),
    check(Id::BackupRetentionTiers,           Count,   Tables(backup::retention_tiers::run)),
    check(Id::CapacityHeadroom,               Percent, Tables(capacity::headroom::run)),
    check(Id::MonitoringDiskAlerting,         Count,   Tables(monitoring::disk_alerting::run)),
    check(Id::UptimeLatency,                  Milliseconds, Tables(uptime::latency::run)),
    check(Id::UptimeTrailingAvailability,     Percent, Tables(uptime::trailing_availability::run)),
    check(Id::AccessPasswordPolicy,           Count,   Tables(access::password_policy::run)),
    check(Id::CryptoAtRest,                   Count,   Tables(crypto::at_rest::run)),
    check(Id::CryptoInTransit,                Count,   Tables(crypto::in_transit::run)),
];

/// The registry line of `id`.
pub fn entry(id: CheckId) -> &'static Check {
    // `registry_lists_every_check_once` holds REGISTRY to CheckId::ALL's order.
    let index = CheckId::ALL
        .iter()
        .position(|c| *c == id)
        .unwrap_or_default();
    &REGISTRY[index]
}

/// The unit `id` measures in (SPEC §7, §15, §16).
pub fn unit_of(id: CheckId) -> Unit {
    entry(id).unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_lists_every_check_once() {
        let ids: Vec<CheckId> = REGISTRY.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            CheckId::ALL,
            "REGISTRY must list CheckId::ALL in order"
        );
    }
}
