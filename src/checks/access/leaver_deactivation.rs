//! `access.leaver_deactivation` (SPEC §7): per leaver, the hours from `left_at` to the
//! deactivation of the account (already deactivated when leaving: 0; still active at
//! period end: the hours to period end). A leaver who leaves after the period is
//! `not_evaluated`; without a `leavers` input there is no subject, and without an
//! `audit` input every leaver is `not_evaluated`, naming the missing input.

use super::HOUR;
use crate::checks::audit::{AuditFacts, Lifecycle};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};
use crate::period::format_utc;

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    ctx.tables.rows(InputKind::Leavers)?;
    let limit = ctx.policy.leaver_deactivation_max as f64 / HOUR;
    if !facts.audit_read {
        let leavers = facts.leavers.keys().map(String::as_str);
        return Some(super::without_audit(
            ctx,
            CheckId::AccessLeaverDeactivation,
            leavers,
            Some(limit),
            "their deactivation",
        ));
    }
    let mut output = CheckOutput::default();
    let mut table = EvidenceTable::new(&[
        columns::ACTOR,
        columns::LEFT_AT,
        columns::DEACTIVATED_AT,
        columns::HOURS,
        columns::DEACTIVATED_BY,
        columns::FILE,
        columns::LINE,
    ]);
    for (actor, leaver) in &facts.leavers {
        if leaver.left_at >= facts.end {
            output.findings.push(ctx.finding(
                CheckId::AccessLeaverDeactivation,
                actor,
                Status::NotEvaluated,
                None,
                Some(limit),
                format!("leaves after the period ({})", format_utc(leaver.left_at)),
            ));
            continue;
        }
        let events = facts.lifecycle.get(actor).map_or(&[][..], |v| v.as_slice());
        let mut sorted: Vec<&Lifecycle> = events.iter().filter(|l| l.time < facts.end).collect();
        sorted.sort_by_key(|l| (l.time, l.deactivate));
        let state_at_leaving = sorted.iter().rfind(|l| l.time <= leaver.left_at);
        let (hours, detail, evidence) = match state_at_leaving {
            Some(l) if l.deactivate => (
                0.0,
                format!(
                    "already deactivated at {} before leaving at {}",
                    format_utc(l.time),
                    format_utc(leaver.left_at)
                ),
                Some(*l),
            ),
            _ => match sorted
                .iter()
                .find(|l| l.deactivate && l.time > leaver.left_at)
            {
                Some(l) => (
                    (l.time - leaver.left_at) as f64 / HOUR,
                    format!(
                        "left at {}, deactivated at {} by {}",
                        format_utc(leaver.left_at),
                        format_utc(l.time),
                        l.actor
                    ),
                    Some(*l),
                ),
                None => (
                    (facts.end - leaver.left_at) as f64 / HOUR,
                    format!(
                        "left at {}, still active at period end",
                        format_utc(leaver.left_at)
                    ),
                    None,
                ),
            },
        };
        let within_limit = hours <= limit;
        output.findings.push(ctx.finding(
            CheckId::AccessLeaverDeactivation,
            actor,
            pass_if(within_limit),
            Some(hours),
            Some(limit),
            detail,
        ));
        table.push(
            vec![
                Cell::Text(actor.clone()),
                Cell::Time(leaver.left_at),
                evidence.map_or(Cell::Empty, |l| Cell::Time(l.time)),
                Cell::Hours(hours),
                Cell::Text(evidence.map(|l| l.actor.clone()).unwrap_or_default()),
                Cell::Text(evidence.map(|l| l.file.clone()).unwrap_or_default()),
                evidence.map_or(Cell::Empty, |l| Cell::Count(l.line)),
            ],
            !within_limit,
        );
    }
    output.evidence = Some(table);
    Some(output)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::checks::audit::{Leaver, Lifecycle};
    use crate::checks::testing::{flags, Fixture, H};
    use crate::model::Status;

    #[test]
    fn a_row_offends_when_deactivation_took_longer_than_the_limit() {
        let mut fixture = Fixture::day().with_leavers();
        fixture.policy.leaver_deactivation_max = 2 * H;
        // `late`: 3 h; `exact`: 2 h (the limit passes); `active`: 1 h to period end.
        let mut facts = fixture.audit_facts();
        let start = facts.start;
        for (actor, left) in [("late", H), ("exact", H), ("active", 23 * H)] {
            let leaver = Leaver {
                actor: actor.to_string(),
                left_at: start + left,
                role: None,
            };
            facts.leavers.insert(actor.to_string(), leaver);
        }
        let deactivated = |at| Lifecycle {
            time: start + at,
            deactivate: true,
            actor: "admin".to_string(),
            file: "audit.ndjson".to_string(),
            line: 1,
        };
        facts.lifecycle = BTreeMap::from([
            ("late".to_string(), vec![deactivated(4 * H)]),
            ("exact".to_string(), vec![deactivated(3 * H)]),
        ]);
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        // Rows and findings in the leavers' order: active, exact, late.
        let statuses: Vec<Status> = output.findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Pass, Status::Fail]);
        assert_eq!(flags(&output), [false, false, true]);
    }
}
