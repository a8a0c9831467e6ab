//! `access.shared_credential_rotation` (SPEC §7): per credential with a successful
//! `credential_rotated` up to period end, the hours from each support-role leaver's
//! `left_at` to the credential's next rotation (not rotated by period end: the hours to
//! period end); the worst leaver counts. Without a `leavers` input the support-role
//! leavers are unknown and the rows are `not_evaluated`.

use super::HOUR;
use crate::checks::audit::{AuditFacts, Leaver};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Millis, Status};
use crate::period::format_utc;

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    if facts.rotations.is_empty() {
        return None;
    }
    let leavers_declared = ctx.tables.rows(InputKind::Leavers).is_some();
    let limit = ctx.policy.shared_credential_rotation_max as f64 / HOUR;
    let support_leavers: Vec<&Leaver> = facts
        .leavers
        .values()
        .filter(|l| {
            l.left_at < facts.end
                && l.role
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case("support"))
        })
        .collect();
    let mut output = CheckOutput::default();
    let mut table = EvidenceTable::new(&[
        columns::CREDENTIAL,
        columns::LEAVER,
        columns::LEFT_AT,
        columns::ROTATED_AT,
        columns::HOURS,
    ]);
    for (credential, rotations) in &facts.rotations {
        let finding = |status, measured, detail| {
            ctx.finding(
                CheckId::AccessSharedCredentialRotation,
                credential,
                status,
                measured,
                Some(limit),
                detail,
            )
        };
        if !leavers_declared {
            output.findings.push(finding(
                Status::NotEvaluated,
                None,
                "no `leavers` input declared: support-role leavers are unknown".to_string(),
            ));
            continue;
        }
        let mut sorted = rotations.clone();
        sorted.sort_unstable();
        let mut worst: Option<(f64, &Leaver, Option<Millis>)> = None;
        for leaver in &support_leavers {
            let next = sorted.iter().copied().find(|&t| t >= leaver.left_at);
            let hours = (next.unwrap_or(facts.end) - leaver.left_at) as f64 / HOUR;
            let within_limit = hours <= limit;
            table.push(
                vec![
                    Cell::Text(credential.clone()),
                    Cell::Text(leaver.actor.clone()),
                    Cell::Time(leaver.left_at),
                    next.map_or(Cell::Empty, Cell::Time),
                    Cell::Hours(hours),
                ],
                !within_limit,
            );
            if worst.is_none_or(|(w, _, _)| hours > w) {
                worst = Some((hours, leaver, next));
            }
        }
        output.findings.push(match worst {
            None => finding(
                Status::Pass,
                None,
                "no support-role leaver up to period end".to_string(),
            ),
            Some((hours, leaver, next)) => {
                let rotated = match next {
                    Some(t) => format!("rotated at {}", format_utc(t)),
                    None => "not rotated by period end".to_string(),
                };
                let detail = format!(
                    "{} left at {}; {rotated}",
                    leaver.actor,
                    format_utc(leaver.left_at)
                );
                finding(pass_if(hours <= limit), Some(hours), detail)
            }
        });
    }
    output.evidence = Some(table);
    Some(output)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::checks::audit::Leaver;
    use crate::checks::testing::{flags, Fixture, H};

    #[test]
    fn a_row_offends_when_the_rotation_came_later_than_the_limit() {
        let mut fixture = Fixture::day().with_leavers();
        fixture.policy.shared_credential_rotation_max = 2 * H;
        let mut facts = fixture.audit_facts();
        let start = facts.start;
        let leaver = Leaver {
            actor: "sam".to_string(),
            left_at: start + H,
            role: Some("support".to_string()),
        };
        facts.leavers.insert("sam".to_string(), leaver);
        // Rotated 2 h after sam left (the limit passes), and 9 h after.
        facts.rotations = BTreeMap::from([
            ("on-time".to_string(), vec![start + 3 * H]),
            ("slow".to_string(), vec![start + 10 * H]),
        ]);
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        assert_eq!(flags(&output), [false, true]);
    }
}
