//! `backup.offsite` (SPEC §7): per source, the longest gap between successful copies
//! outside the organisation's `primary_region`, measured as `backup.rpo` measures. A
//! copy is offsite when its `region` is set and is not the primary region; without a
//! `primary_region` no copy can be told to be offsite, and the rows are `not_evaluated`.

use super::gaps::{self, longest_gap, Gap};
use super::{Backup, Backups, HOUR};
use crate::checks::{CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::{CheckId, Status};

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let backups = ctx.family::<Backups>()?;
    if backups.sources.is_empty() {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut table = gaps::table();
    let primary = ctx.organisation.primary_region.trim();
    for source in &backups.sources {
        let successes: Vec<&Backup> = source.successes().collect();
        let Some((copies, gap)) = copies(&successes, ctx) else {
            output.findings.push(
                ctx.finding(
                    CheckId::BackupOffsite,
                    &source.name,
                    Status::NotEvaluated,
                    None,
                    Some(ctx.policy.offsite_max_age as f64 / HOUR),
                    "organisation.primary_region is not set: no copy can be told to be offsite"
                        .to_string(),
                ),
            );
            continue;
        };
        let nouns = (
            "successful copy outside the primary region",
            format!("successful copies outside {primary}"),
        );
        output.findings.push(gaps::finding(
            ctx,
            CheckId::BackupOffsite,
            &source.name,
            &gap,
            ctx.policy.offsite_max_age,
            nouns,
        ));
        gaps::push_rows(
            &mut table,
            &source.name,
            &gap,
            &copies,
            &[],
            ctx.period.start,
        );
    }
    if !primary.is_empty() {
        output.evidence = Some(table);
    }
    Ok(Some(output))
}

/// The successful copies outside the primary region and their longest gap; `None`
/// when the organisation names no primary region.
pub(super) fn copies<'b>(
    successes: &[&'b Backup],
    ctx: &CheckCtx<'_>,
) -> Option<(Vec<&'b Backup>, Gap)> {
    let primary = ctx.organisation.primary_region.trim();
    if primary.is_empty() {
        return None;
    }
    let copies: Vec<&Backup> = successes
        .iter()
        .copied()
        .filter(|b| {
            b.region
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty() && r.trim() != primary)
        })
        .collect();
    let finishes: Vec<_> = copies.iter().map(|b| b.finished).collect();
    let gap = longest_gap(&finishes, ctx.period.start, ctx.period.end);
    Some((copies, gap))
}

#[cfg(test)]
mod tests {
    use crate::checks::backup::testing::{backup, run_check, H};
    use crate::checks::testing::Fixture;
    use crate::model::Status;

    fn offsite(source: &str, offset: i64) -> (String, crate::checks::backup::Backup) {
        let (source, mut row) = backup(source, offset);
        row.region = Some("elsewhere".to_string());
        (source, row)
    }

    #[test]
    fn only_copies_outside_the_primary_region_count() {
        // `daily`: offsite copies at -1h and 23h: gaps 23h and 1h; 24h limit: pass.
        // `local`: backups in the primary region only: no offsite copy, whole period.
        let rows = vec![
            offsite("daily", -H),
            offsite("daily", 23 * H),
            backup("daily", 12 * H),
            backup("local", 12 * H),
        ];
        let findings = run_check(super::run, rows, vec![]);
        assert_eq!(
            (findings[0].measured, findings[0].status),
            (Some(24.0), Status::Pass)
        );
        assert_eq!(
            (findings[1].measured, findings[1].status),
            (Some(24.0), Status::Fail)
        );
        assert!(findings[1]
            .detail
            .starts_with("no successful copy outside the primary region"));
    }

    #[test]
    fn without_a_primary_region_nothing_is_offsite() {
        let mut fixture = Fixture::day();
        fixture.organisation.primary_region = String::new();
        let family = crate::checks::backup::testing::family(vec![offsite("s", H)], vec![]);
        let ctx = fixture.ctx().with_family(family);
        let output = super::run(&ctx).expect("runs").expect("subjects");
        assert_eq!(output.findings[0].status, Status::NotEvaluated);
        assert!(output.evidence.is_none());
    }
}
