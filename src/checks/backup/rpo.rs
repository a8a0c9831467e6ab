//! `backup.rpo` (SPEC §7): per source, the longest gap between the finish times
//! (`finished_at`, else `started_at`) of successful backups, from the last one before
//! the period (or the period start, if none) to the period end. No successful backup
//! in or before the period: the whole period is the gap, and the row fails.

use super::gaps::{self, longest_gap, Gap};
use super::{Backup, Backups};
use crate::checks::{CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::CheckId;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let backups = ctx.family::<Backups>()?;
    if backups.sources.is_empty() {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut table = gaps::table();
    for source in &backups.sources {
        let successes: Vec<&Backup> = source.successes().collect();
        let gap = gap(&successes, ctx);
        let nouns = ("successful backup", "successful backups".to_string());
        output.findings.push(gaps::finding(
            ctx,
            CheckId::BackupRpo,
            &source.name,
            &gap,
            ctx.policy.rpo,
            nouns,
        ));
        let start = ctx.period.start;
        gaps::push_rows(
            &mut table,
            &source.name,
            &gap,
            &successes,
            &source.backups,
            start,
        );
    }
    output.evidence = Some(table);
    Ok(Some(output))
}

/// The longest gap between `successes` around the period.
pub(super) fn gap(successes: &[&Backup], ctx: &CheckCtx<'_>) -> Gap {
    let finishes: Vec<_> = successes.iter().map(|b| b.finished).collect();
    longest_gap(&finishes, ctx.period.start, ctx.period.end)
}

#[cfg(test)]
mod tests {
    use crate::checks::backup::testing::{backup, output, run_check, H};
    use crate::checks::testing::flags;
    use crate::model::evidence::kinds;
    use crate::model::{Cell, Status};

    #[test]
    fn a_gap_of_exactly_the_rpo_passes_and_a_longer_one_fails() {
        // Period [0, 24h), rpo 4h. `exact`: backups at -2h, 2h, 6h, ..., 22h: gaps of 4h
        // and 2h to the end. `late`: one backup at 12h and none before: 12h from start.
        let mut rows = vec![backup("exact", -2 * H)];
        rows.extend((0..6).map(|i| backup("exact", 2 * H + i * 4 * H)));
        rows.push(backup("late", 12 * H));
        let findings = run_check(super::run, rows, vec![]);
        assert_eq!(findings[0].subject, "exact");
        assert_eq!(findings[0].measured, Some(4.0));
        assert_eq!(findings[0].status, Status::Pass);
        assert_eq!(
            (findings[1].measured, findings[1].status),
            (Some(12.0), Status::Fail)
        );
    }

    #[test]
    fn a_source_with_no_backup_at_all_fails_with_the_whole_period() {
        // A restore test names a source that never backed up: the whole 24h is the gap.
        let findings = run_check(
            super::run,
            vec![backup("other", 0)],
            vec![("ghost", 3 * H, true)],
        );
        let ghost = findings
            .iter()
            .find(|f| f.subject == "ghost")
            .expect("ghost row");
        assert_eq!((ghost.measured, ghost.status), (Some(24.0), Status::Fail));
        assert!(ghost
            .detail
            .starts_with("no successful backup in or before the period"));
    }

    #[test]
    fn backups_finishing_at_or_after_the_period_end_are_ignored() {
        let findings = run_check(
            super::run,
            vec![backup("s", 20 * H), backup("s", 24 * H)],
            vec![],
        );
        assert_eq!(findings[0].measured, Some(20.0));
    }

    #[test]
    fn no_backup_rows_no_subject() {
        assert!(crate::checks::backup::testing::output(super::run, vec![], vec![]).is_none());
    }

    #[test]
    fn failed_and_partial_runs_offend_and_the_gap_and_backups_do_not() {
        let (_, mut failed) = backup("s", 5 * H);
        failed.status = "failure".to_string();
        let rows = vec![
            backup("s", -2 * H),
            backup("s", 2 * H),
            ("s".to_string(), failed),
        ];
        let output = output(super::run, rows, vec![]).expect("subjects");
        let table = output.evidence.as_ref().expect("table");
        let kinds_of: Vec<&Cell> = table.rows.iter().map(|row| &row.cells[1]).collect();
        let text = |s: &str| Cell::Text(s.to_string());
        assert_eq!(
            kinds_of,
            [
                &text(kinds::LONGEST_GAP),
                &text(kinds::BEFORE_PERIOD),
                &text(kinds::BACKUP),
                &text("failure"),
            ]
        );
        assert_eq!(flags(&output), [false, false, false, true]);
    }
}
