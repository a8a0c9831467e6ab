//! `access.support_ticket` (SPEC §7): per tenant with a successful `support_access` in
//! the period, the accesses without a ticket (an empty `ticket` is no ticket). Accesses
//! that name no tenant are counted under `(no tenant)`.

use crate::checks::audit::{events_table, AuditFacts};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::model::CheckId;

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    if facts.support.is_empty() {
        return None;
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for (tenant, (accesses, without)) in &facts.support {
        let count = without.len();
        let detail = format!("{count} of {accesses} support accesses had no ticket");
        output.findings.push(ctx.finding(
            CheckId::AccessSupportTicket,
            tenant,
            pass_if(count == 0),
            Some(count as f64),
            Some(0.0),
            detail,
        ));
        rows.extend(without.iter().map(|k| k.cells(tenant)));
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
        facts.support.insert(
            "acme".to_string(),
            (3, vec![kept("sam", H, 2), kept("sam", 2 * H, 5)]),
        );
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        assert_eq!(flags(&output), [true, true]);
    }
}
