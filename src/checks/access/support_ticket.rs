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
