//! The access family (SPEC §7, "Access and logging, exactly"): the staff access checks,
//! each over what the audit pass kept ([`crate::checks::audit::AuditFacts`]); and
//! `access.password_policy` (SPEC §16), over the password policy snapshots.

pub(super) mod leaver_deactivation;
pub(super) mod leaver_login;
pub(super) mod mfa;
pub(super) mod password_policy;
pub(super) mod shared_credential_rotation;
pub(super) mod support_ticket;

const HOUR: f64 = 3_600_000.0;

use crate::checks::{CheckCtx, CheckOutput};
use crate::model::{CheckId, Status};

/// SPEC §7: subjects known from one input (the leavers) whose check needs another (the
/// audit log) that is not declared get a `not_evaluated` row each, naming it; `what`
/// is what cannot be seen.
fn without_audit<'s>(
    ctx: &CheckCtx<'_>,
    check: CheckId,
    subjects: impl IntoIterator<Item = &'s str>,
    target: Option<f64>,
    what: &str,
) -> CheckOutput {
    let findings = subjects
        .into_iter()
        .map(|subject| {
            let detail = format!("no `audit` input declared: {what} cannot be seen");
            ctx.finding(check, subject, Status::NotEvaluated, None, target, detail)
        })
        .collect();
    CheckOutput {
        findings,
        evidence: None,
    }
}
