//! `access.leaver_login` (SPEC §7): per leaver, and per account deactivated before the
//! period end, the successful logins in the period after the holder left or while the
//! account was deactivated. The audit pass judges each login as it is seen
//! ([`crate::checks::audit::AuditState`]); this check counts what it kept. Leavers listed
//! without an `audit` input are each `not_evaluated`, naming the missing input.

use std::collections::BTreeSet;

use crate::checks::audit::{events_table, AuditFacts, Kept};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::model::CheckId;
use crate::period::format_utc;

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    let mut subjects: BTreeSet<&str> = facts.leavers.keys().map(String::as_str).collect();
    for (account, events) in &facts.lifecycle {
        if events.iter().any(|l| l.deactivate && l.time < facts.end) {
            subjects.insert(account);
        }
    }
    if subjects.is_empty() {
        return None;
    }
    if !facts.audit_read {
        return Some(super::without_audit(
            ctx,
            CheckId::AccessLeaverLogin,
            subjects,
            Some(0.0),
            "their logins",
        ));
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for subject in subjects {
        let logins = facts
            .leaver_logins
            .get(subject)
            .map_or(&[][..], |v| v.as_slice());
        let count = logins.len();
        let why = match facts.leavers.get(subject) {
            Some(leaver) => format!("left at {}", format_utc(leaver.left_at)),
            None => "deactivated account".to_string(),
        };
        let detail = format!("{count} successful logins in the period while barred ({why})");
        output.findings.push(ctx.finding(
            CheckId::AccessLeaverLogin,
            subject,
            pass_if(count == 0),
            Some(count as f64),
            Some(0.0),
            detail,
        ));
        let mut kept: Vec<&Kept> = logins.iter().collect();
        kept.sort_by(|a, b| (a.time, &a.file, a.line).cmp(&(b.time, &b.file, b.line)));
        rows.extend(kept.iter().map(|k| k.cells(subject)));
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
        facts.leavers.insert(
            "alice".to_string(),
            crate::checks::audit::Leaver {
                actor: "alice".to_string(),
                left_at: facts.start,
                role: None,
            },
        );
        facts.leaver_logins.insert(
            "alice".to_string(),
            vec![kept("alice", 2 * H, 5), kept("alice", H, 2)],
        );
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        assert_eq!(flags(&output), [true, true]);
    }
}
