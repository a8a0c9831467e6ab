//! `backup.retention` (SPEC §7): per source, the age at period end of the oldest
//! restorable point — a successful backup that started before the period end and has no
//! `expired_at` at or before it — measured from its `started_at`.

use super::{Backup, Backups, DAY};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::config::format_duration;
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};
use crate::period::format_utc;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let backups = ctx.family::<Backups>()?;
    if backups.sources.is_empty() {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    let target_days = ctx.policy.retention_min as f64 / DAY;
    for source in &backups.sources {
        let successes: Vec<&Backup> = source.successes().collect();
        let finding = match oldest(&successes, ctx) {
            Some(b) => {
                let age = (ctx.period.end - b.started) as f64 / DAY;
                rows.push(vec![
                    Cell::Text(source.name.clone()),
                    Cell::Time(b.started),
                    Cell::Text(b.snapshot.clone()),
                    Cell::Text(b.repository.clone()),
                    Cell::Days(age),
                    Cell::Text(b.path.clone()),
                    Cell::Count(b.line),
                ]);
                let detail = format!(
                    "oldest restorable point {} ({}) is {age:.2} days old at period end; policy keeps at least {}",
                    b.snapshot,
                    format_utc(b.started),
                    format_duration(ctx.policy.retention_min)
                );
                ctx.finding(
                    CheckId::BackupRetention,
                    &source.name,
                    pass_if(age >= target_days),
                    Some(age),
                    Some(target_days),
                    detail,
                )
            }
            None => ctx.finding(
                CheckId::BackupRetention,
                &source.name,
                Status::Fail,
                None,
                Some(target_days),
                "no restorable point at period end".to_string(),
            ),
        };
        output.findings.push(finding);
    }
    output.evidence = Some(EvidenceTable::unjudged(
        &[
            columns::SOURCE,
            columns::OLDEST_RESTORABLE,
            columns::SNAPSHOT_ID,
            columns::REPOSITORY,
            columns::AGE_DAYS,
            columns::PATH,
            columns::LINE,
        ],
        rows,
    ));
    Ok(Some(output))
}

/// The oldest restorable point at period end among `successes`.
pub(super) fn oldest<'b>(successes: &[&'b Backup], ctx: &CheckCtx<'_>) -> Option<&'b Backup> {
    restorable(successes, ctx)
        .into_iter()
        .min_by_key(|b| (b.started, b.line))
}

/// The restorable points at period end among `successes`: started before the period
/// end, and not expired at or before it.
pub(super) fn restorable<'b>(successes: &[&'b Backup], ctx: &CheckCtx<'_>) -> Vec<&'b Backup> {
    let end = ctx.period.end;
    successes
        .iter()
        .copied()
        .filter(|b| b.started < end && b.expired.is_none_or(|at| at > end))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::backup::testing::{backup, run_check, H};
    use crate::checks::testing::Fixture;
    use crate::model::Status;

    #[test]
    fn the_oldest_unexpired_point_counts_and_exactly_the_minimum_passes() {
        // Period end is 24h after start; retention_min 90d. `kept`: a point started
        // 90d - 24h before the start is exactly 90 days old at the end: pass.
        // `pruned`: the same point expired at the period end (at or before it: gone);
        // only a point at 12h is left, 0.5 days old: fail.
        let (_, kept) = backup("kept", -(89 * 24) * H);
        let (_, mut pruned) = backup("pruned", -(89 * 24) * H);
        pruned.expired = Some(Fixture::day().period.end);
        let rows = vec![
            ("kept".to_string(), kept),
            ("pruned".to_string(), pruned),
            backup("pruned", 12 * H),
        ];
        let findings = run_check(super::run, rows, vec![]);
        assert_eq!(
            (findings[0].measured, findings[0].status),
            (Some(90.0), Status::Pass)
        );
        assert_eq!(
            (findings[1].measured, findings[1].status),
            (Some(0.5), Status::Fail)
        );
    }

    #[test]
    fn a_source_with_only_failed_backups_has_no_restorable_point() {
        let (_, mut failed) = backup("s", H);
        failed.status = "failed".to_string();
        let findings = run_check(super::run, vec![("s".to_string(), failed)], vec![]);
        assert_eq!(
            (findings[0].measured, findings[0].status),
            (None, Status::Fail)
        );
    }
}
