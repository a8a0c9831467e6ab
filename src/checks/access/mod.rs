//! The access family (SPEC §7, "Access and logging, exactly"): the staff access checks,
//! each over what the audit pass kept ([`crate::checks::audit::AuditFacts`]).

pub(super) mod leaver_deactivation;
pub(super) mod leaver_login;
pub(super) mod mfa;
pub(super) mod shared_credential_rotation;
pub(super) mod support_ticket;

const HOUR: f64 = 3_600_000.0;
