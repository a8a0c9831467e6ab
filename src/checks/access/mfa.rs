//! `access.mfa` (SPEC §7): per actor with a successful login in the period under a role
//! in `mfa_required_roles` (the `role` on the login), the logins without MFA. A missing
//! or empty `mfa` is no MFA.

use crate::checks::audit::{events_table, AuditFacts};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::model::CheckId;

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    if facts.mfa.is_empty() {
        return None;
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for (actor, (logins, without)) in &facts.mfa {
        let count = without.len();
        let detail =
            format!("{count} of {logins} successful logins under an MFA-required role had no MFA");
        output.findings.push(ctx.finding(
            CheckId::AccessMfa,
            actor,
            pass_if(count == 0),
            Some(count as f64),
            Some(0.0),
            detail,
        ));
        rows.extend(without.iter().map(|k| k.cells(actor)));
    }
    output.evidence = Some(events_table(rows));
    Some(output)
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{flags, kept, Fixture, H};

    #[test]
    fn every_row_offends_only_offending_events_are_listed() {
        let fixture = Fixture::day();
        let mut facts = fixture.audit_facts();
        facts.mfa.insert(
            "alice".to_string(),
            (3, vec![kept("alice", H, 2), kept("alice", 2 * H, 5)]),
        );
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        assert_eq!(flags(&output), [true, true]);
    }
}
