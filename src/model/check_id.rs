//! Check ids: stable public codes, like cargo-deny's diagnostic codes. Renaming one is a
//! breaking change for every user's waivers and CI filters; `tests::ids_are_stable`
//! lists them all so a rename shows in review.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckId {
    UptimeAvailability,
    UptimeCoverage,
    BackupRpo,
    BackupOffsite,
    BackupEncryption,
    BackupRetention,
    BackupRestoreTest,
    AccessMfa,
    AccessLeaverLogin,
    AccessLeaverDeactivation,
    AccessSharedCredentialRotation,
    AccessSupportTicket,
    LoggingIntegrity,
    LoggingGaps,
    MonitoringAlertResolution,
    InputsRejectedRows,
}

impl CheckId {
    pub const ALL: [CheckId; 16] = [
        CheckId::UptimeAvailability,
        CheckId::UptimeCoverage,
        CheckId::BackupRpo,
        CheckId::BackupOffsite,
        CheckId::BackupEncryption,
        CheckId::BackupRetention,
        CheckId::BackupRestoreTest,
        CheckId::AccessMfa,
        CheckId::AccessLeaverLogin,
        CheckId::AccessLeaverDeactivation,
        CheckId::AccessSharedCredentialRotation,
        CheckId::AccessSupportTicket,
        CheckId::LoggingIntegrity,
        CheckId::LoggingGaps,
        CheckId::MonitoringAlertResolution,
        CheckId::InputsRejectedRows,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::UptimeAvailability => "uptime.availability",
            CheckId::UptimeCoverage => "uptime.coverage",
            CheckId::BackupRpo => "backup.rpo",
            CheckId::BackupOffsite => "backup.offsite",
            CheckId::BackupEncryption => "backup.encryption",
            CheckId::BackupRetention => "backup.retention",
            CheckId::BackupRestoreTest => "backup.restore_test",
            CheckId::AccessMfa => "access.mfa",
            CheckId::AccessLeaverLogin => "access.leaver_login",
            CheckId::AccessLeaverDeactivation => "access.leaver_deactivation",
            CheckId::AccessSharedCredentialRotation => "access.shared_credential_rotation",
            CheckId::AccessSupportTicket => "access.support_ticket",
            CheckId::LoggingIntegrity => "logging.integrity",
            CheckId::LoggingGaps => "logging.gaps",
            CheckId::MonitoringAlertResolution => "monitoring.alert_resolution",
            CheckId::InputsRejectedRows => "inputs.rejected_rows",
        }
    }

    /// The family a check belongs to: the part before the dot.
    pub fn family(self) -> &'static str {
        let id = self.as_str();
        id.split('.').next().unwrap_or(id)
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CheckId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckId::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| format!("unknown check id `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable() {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|id| id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "uptime.availability",
                "uptime.coverage",
                "backup.rpo",
                "backup.offsite",
                "backup.encryption",
                "backup.retention",
                "backup.restore_test",
                "access.mfa",
                "access.leaver_login",
                "access.leaver_deactivation",
                "access.shared_credential_rotation",
                "access.support_ticket",
                "logging.integrity",
                "logging.gaps",
                "monitoring.alert_resolution",
                "inputs.rejected_rows",
            ]
        );
        for id in CheckId::ALL {
            assert_eq!(id.as_str().parse::<CheckId>(), Ok(id));
        }
        // ALL is sorted by declaration, and as_str order is what findings.csv sorts by.
        let mut sorted = CheckId::ALL;
        sorted.sort();
        assert_eq!(sorted, CheckId::ALL);
    }
}
