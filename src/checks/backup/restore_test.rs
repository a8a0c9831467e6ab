//! `backup.restore_test` (SPEC §7): per source, the days from the last successful
//! restore test before the period end to the period end. A source with backups but no
//! successful restore test fails with an empty measured value; without a
//! `restore_tests` input at all, each source is `not_evaluated`.

use super::{Backups, RestoreTest, Source, DAY};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Millis, Status};
use crate::period::format_utc;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let backups = ctx.family::<Backups>()?;
    if backups.sources.is_empty() {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    let target_days = ctx.policy.restore_test_max_age as f64 / DAY;
    for source in &backups.sources {
        let finding = |status, measured, detail| {
            ctx.finding(
                CheckId::BackupRestoreTest,
                &source.name,
                status,
                measured,
                Some(target_days),
                detail,
            )
        };
        let finding = match last_success(source) {
            Some(test) => {
                let days = (ctx.period.end - test.tested) as f64 / DAY;
                rows.push(test_row(source, test, Cell::Days(days)));
                let reference = if test.reference.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", test.reference)
                };
                let detail = format!(
                    "last successful restore test {}{reference}, {days:.2} days before period end",
                    format_utc(test.tested)
                );
                finding(pass_if(days <= target_days), Some(days), detail)
            }
            // SPEC §7: a check with its subjects but not its second input kind gives
            // each subject a `not_evaluated` row naming the missing input.
            None if !backups.restore_tests_declared => finding(
                Status::NotEvaluated,
                None,
                "no `restore_tests` input declared: no restore of this source is evidenced"
                    .to_string(),
            ),
            None => {
                let failures = source.tests.iter().filter(|t| !t.success).count();
                let detail = if failures > 0 {
                    format!("no successful restore test ({failures} failed)")
                } else {
                    "no successful restore test".to_string()
                };
                finding(Status::Fail, None, detail)
            }
        };
        for test in source.tests.iter().filter(|t| !t.success) {
            rows.push(test_row(source, test, Cell::Empty));
        }
        output.findings.push(finding);
    }
    rows.sort_by_key(|row| restore_key(row));
    output.evidence = Some(EvidenceTable::unjudged(
        &[
            columns::SOURCE,
            columns::TESTED_AT,
            columns::OUTCOME,
            columns::SNAPSHOT_ID,
            columns::REFERENCE,
            columns::DAYS_TO_PERIOD_END,
            columns::PATH,
            columns::LINE,
        ],
        rows,
    ));
    Ok(Some(output))
}

/// The last successful restore test of `source` before the period end.
pub(super) fn last_success(source: &Source) -> Option<&RestoreTest> {
    source
        .tests
        .iter()
        .filter(|t| t.success)
        .max_by_key(|t| (t.tested, t.line))
}

fn test_row(source: &Source, test: &RestoreTest, days: Cell) -> Vec<Cell> {
    let outcome = if test.success { "success" } else { "failure" };
    vec![
        Cell::Text(source.name.clone()),
        Cell::Time(test.tested),
        Cell::Text(outcome.to_string()),
        Cell::Text(test.snapshot.clone()),
        Cell::Text(test.reference.clone()),
        days,
        Cell::Text(test.path.clone()),
        Cell::Count(test.line),
    ]
}

fn restore_key(row: &[Cell]) -> (String, Millis) {
    let source = match row.first() {
        Some(Cell::Text(s)) => s.clone(),
        _ => String::new(),
    };
    let time = match row.get(1) {
        Some(Cell::Time(t)) => *t,
        _ => 0,
    };
    (source, time)
}

#[cfg(test)]
mod tests {
    use crate::checks::backup::testing::{backup, run_check, H};
    use crate::model::Status;

    #[test]
    fn the_last_success_counts_and_exactly_the_maximum_age_passes() {
        // restore_test_max_age 90d; the period ends 24h after its start. `fresh`: tested
        // 89 days before the start, so exactly 90 days before the end: pass. `stale`: a
        // success 100 days before the end and a later failure: 100 days, fail.
        let rows = vec![backup("fresh", H), backup("stale", H), backup("never", H)];
        let tests = vec![
            ("fresh", -(89 * 24) * H, true),
            ("stale", -(99 * 24) * H, true),
            ("stale", -H, false),
            ("never", 2 * H, false),
        ];
        let findings = run_check(super::run, rows, tests);
        let by = |s: &str| findings.iter().find(|f| f.subject == s).expect("row");
        assert_eq!(
            (by("fresh").measured, by("fresh").status),
            (Some(90.0), Status::Pass)
        );
        assert_eq!(
            (by("stale").measured, by("stale").status),
            (Some(100.0), Status::Fail)
        );
        assert_eq!(
            (by("never").measured, by("never").status),
            (None, Status::Fail)
        );
        assert_eq!(by("never").detail, "no successful restore test (1 failed)");
    }

    #[test]
    fn without_a_restore_tests_input_each_source_is_not_evaluated() {
        let findings = run_check(super::run, vec![backup("s", H)], vec![]);
        assert_eq!(findings[0].status, Status::NotEvaluated);
        assert!(findings[0]
            .detail
            .starts_with("no `restore_tests` input declared"));
    }
}
