//! `access.leaver_deactivation` (SPEC §7): per leaver, the hours from `left_at` to the
//! deactivation of the account that holds at period end (already deactivated when
//! leaving: 0; still active at period end, or active again after a reactivation: the
//! hours to period end; deactivated, reactivated and deactivated again: the hours to
//! the last deactivation, as the account was open until then). A leaver who leaves after the period is
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
        // The deactivation that holds at period end: the start of the last stretch in
        // which the account stayed deactivated. A reactivation (console access given
        // back, an unsuspension) reopens the account, and the clock runs on.
        let mut holding: Option<&Lifecycle> = None;
        let mut reopened: Option<&Lifecycle> = None;
        for l in &sorted {
            match (l.deactivate, holding) {
                (true, None) => holding = Some(*l),
                (false, Some(_)) => {
                    holding = None;
                    reopened = Some(*l);
                }
                _ => {}
            }
        }
        let (hours, detail, evidence) = match holding {
            Some(l) if l.time <= leaver.left_at => (
                0.0,
                format!(
                    "already deactivated at {} before leaving at {}",
                    format_utc(l.time),
                    format_utc(leaver.left_at)
                ),
                Some(l),
            ),
            Some(l) => (
                (l.time - leaver.left_at) as f64 / HOUR,
                format!(
                    "left at {}, deactivated at {} by {}{}",
                    format_utc(leaver.left_at),
                    format_utc(l.time),
                    l.actor,
                    reopened.map_or(String::new(), |r| format!(
                        " (after a reactivation at {} by {})",
                        format_utc(r.time),
                        r.actor
                    ))
                ),
                Some(l),
            ),
            None => (
                (facts.end - leaver.left_at) as f64 / HOUR,
                match reopened {
                    Some(r) => format!(
                        "left at {}, reactivated at {} by {}: active at period end",
                        format_utc(leaver.left_at),
                        format_utc(r.time),
                        r.actor
                    ),
                    None => format!(
                        "left at {}, still active at period end",
                        format_utc(leaver.left_at)
                    ),
                },
                None,
            ),
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

    #[test]
    fn a_reactivation_reopens_the_account_and_the_last_deactivation_counts() {
        let fixture = Fixture::day().with_leavers();
        let mut facts = fixture.audit_facts();
        let (start, end) = (facts.start, facts.end);
        for actor in ["reopened", "closed_again", "before_leaving"] {
            let leaver = Leaver {
                actor: actor.to_string(),
                left_at: start + 2 * H,
                role: None,
            };
            facts.leavers.insert(actor.to_string(), leaver);
        }
        let event = |at, deactivate| Lifecycle {
            time: start + at,
            deactivate,
            actor: "admin".to_string(),
            file: "audit.ndjson".to_string(),
            line: 1,
        };
        facts.lifecycle = BTreeMap::from([
            (
                "reopened".to_string(),
                vec![event(3 * H, true), event(5 * H, false)],
            ),
            (
                "closed_again".to_string(),
                vec![event(3 * H, true), event(5 * H, false), event(9 * H, true)],
            ),
            ("before_leaving".to_string(), vec![event(H, true)]),
        ]);
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        let hours: Vec<(&str, Option<f64>)> = output
            .findings
            .iter()
            .map(|f| (f.subject.as_str(), f.measured))
            .collect();
        let to_end = (end - start - 2 * H) as f64 / H as f64;
        assert_eq!(
            hours,
            [
                ("before_leaving", Some(0.0)),
                ("closed_again", Some(7.0)),
                ("reopened", Some(to_end)),
            ]
        );
        let reopened = &output.findings[2].detail;
        assert!(
            reopened.contains("reactivated at") && reopened.ends_with("active at period end"),
            "{reopened}"
        );
        assert!(
            output.findings[1]
                .detail
                .contains("(after a reactivation at"),
            "{}",
            output.findings[1].detail
        );
    }
}
