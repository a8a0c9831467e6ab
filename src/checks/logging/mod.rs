//! The logging family (SPEC §7, "Access and logging, exactly"): the audit log's own
//! integrity and gaps, over what the audit pass kept
//! ([`crate::checks::audit::AuditFacts`]).

pub(super) mod gaps;
pub(super) mod integrity;
