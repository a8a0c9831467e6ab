//! `backup.retention_tiers` (SPEC §15): per source, the tier slots with no restorable
//! point at period end. A restorable point is what `backup.retention` counts (a
//! successful backup started before the period end and not expired at or before it);
//! it covers the slot its `started_at` falls in. Slots, in the organisation's zone:
//! the last `daily` local days ending with the period's last local day, the last
//! `weekly` ISO weeks (Monday 00:00 to Monday 00:00) ending with that day's week, and
//! the last `monthly` calendar months ending with that day's month. A tier set to 0
//! has no slots.

use chrono::{Datelike, Months, NaiveDate};

use super::{retention, Backup, Backups};
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::columns::*;
use crate::model::{Cell, CheckId, EvidenceTable, Millis};
use crate::period::start_of_local_day;

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let backups = ctx.family::<Backups>()?;
    if backups.sources.is_empty() {
        return Ok(None);
    }
    let slots = slots(ctx);
    let mut output = CheckOutput::default();
    let mut table = EvidenceTable::new(&[
        SOURCE,
        TIER,
        SLOT,
        START,
        END,
        COVERED_BY_STARTED_AT,
        SNAPSHOT_ID,
    ]);
    for source in &backups.sources {
        let successes: Vec<&Backup> = source.successes().collect();
        let points = retention::restorable(&successes, ctx);
        let mut uncovered = Vec::new();
        for slot in &slots {
            let covering = points
                .iter()
                .filter(|b| b.started >= slot.start && b.started < slot.end)
                .min_by_key(|b| (b.started, b.line));
            if covering.is_none() {
                uncovered.push(slot.label());
            }
            table.push(
                vec![
                    Cell::Text(source.name.clone()),
                    Cell::Text(slot.tier.to_string()),
                    Cell::Text(slot.name.clone()),
                    Cell::Time(slot.start),
                    Cell::Time(slot.end),
                    covering.map_or(Cell::Empty, |b| Cell::Time(b.started)),
                    Cell::Text(covering.map(|b| b.snapshot.clone()).unwrap_or_default()),
                ],
                covering.is_none(),
            );
        }
        let detail = if slots.is_empty() {
            "no tier slots: every tier is set to 0".to_string()
        } else if uncovered.is_empty() {
            format!(
                "all {} slots hold a restorable point ({} restorable points at period end)",
                slots.len(),
                points.len()
            )
        } else {
            format!(
                "{} of {} slots without a restorable point: {}",
                uncovered.len(),
                slots.len(),
                uncovered.join(", ")
            )
        };
        output.findings.push(ctx.finding(
            CheckId::BackupRetentionTiers,
            &source.name,
            pass_if(uncovered.is_empty()),
            Some(uncovered.len() as f64),
            Some(0.0),
            detail,
        ));
    }
    output.evidence = Some(table);
    Ok(Some(output))
}

/// One slot of a tier: `[start, end)` in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub tier: &'static str,
    /// `2026-10-31`, `2026-W44`, `2026-10`.
    pub name: String,
    pub start: Millis,
    pub end: Millis,
}

impl Slot {
    fn label(&self) -> String {
        format!("{} {}", self.tier, self.name)
    }
}

/// Every slot of the policy's tiers for the period, tier by tier, oldest first.
pub fn slots(ctx: &CheckCtx<'_>) -> Vec<Slot> {
    let tz = ctx.period.timezone;
    let tiers = ctx.policy.retention_tiers;
    let last = ctx.period.last_local_day();
    let day_start = |date: NaiveDate| start_of_local_day(date, tz);
    let mut slots = Vec::new();
    for back in (0..tiers.daily).rev() {
        let Some(date) = last.checked_sub_days(chrono::Days::new(u64::from(back))) else {
            continue;
        };
        let Some(next) = date.succ_opt() else {
            continue;
        };
        slots.push(Slot {
            tier: "daily",
            name: date.format("%Y-%m-%d").to_string(),
            start: day_start(date),
            end: day_start(next),
        });
    }
    let monday = last - chrono::Duration::days(i64::from(last.weekday().num_days_from_monday()));
    for back in (0..tiers.weekly).rev() {
        let start = monday - chrono::Duration::weeks(i64::from(back));
        let week = start.iso_week();
        slots.push(Slot {
            tier: "weekly",
            name: format!("{}-W{:02}", week.year(), week.week()),
            start: day_start(start),
            end: day_start(start + chrono::Duration::weeks(1)),
        });
    }
    let first_of_month = last.with_day(1).unwrap_or(last);
    for back in (0..tiers.monthly).rev() {
        let Some(start) = first_of_month.checked_sub_months(Months::new(back)) else {
            continue;
        };
        let Some(end) = start.checked_add_months(Months::new(1)) else {
            continue;
        };
        slots.push(Slot {
            tier: "monthly",
            name: start.format("%Y-%m").to_string(),
            start: day_start(start),
            end: day_start(end),
        });
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::backup::testing::{backup, run_check, H};
    use crate::checks::testing::Fixture;
    use crate::model::RetentionTiers;
    use crate::model::Status;
    use crate::period::Period;

    #[test]
    fn slots_end_with_the_periods_last_day_week_and_month() {
        // Period 2026-10 in UTC: last day Saturday 31 October, in ISO week 44.
        let mut fixture = Fixture::day();
        fixture.period = Period::month("2026-10", chrono_tz::UTC).expect("month");
        fixture.policy.retention_tiers = RetentionTiers {
            daily: 2,
            weekly: 2,
            monthly: 2,
        };
        let names: Vec<String> = slots(&fixture.ctx()).iter().map(Slot::label).collect();
        assert_eq!(
            names,
            [
                "daily 2026-10-30",
                "daily 2026-10-31",
                "weekly 2026-W43",
                "weekly 2026-W44",
                "monthly 2026-09",
                "monthly 2026-10"
            ]
        );
    }

    #[test]
    fn a_point_exactly_at_a_slot_boundary_covers_the_later_slot() {
        // One day, 2026-10-01 (Thursday), daily 1, weekly 1 (W40 from Monday 28 Sep),
        // monthly 0. A point at 00:00 of the day covers the daily slot and the week;
        // `old` has a point at Monday 00:00 only: covers the week, not the day.
        let mut fixture = Fixture::day();
        fixture.policy.retention_tiers = RetentionTiers {
            daily: 1,
            weekly: 1,
            monthly: 0,
        };
        let rows = vec![backup("fresh", 0), backup("old", -(3 * 24) * H)];
        let family = crate::checks::backup::testing::family(rows, vec![]);
        let ctx = fixture.ctx().with_family(family);
        let output = super::run(&ctx).expect("runs").expect("subjects");
        let by = |s: &str| {
            output
                .findings
                .iter()
                .find(|f| f.subject == s)
                .expect("row")
        };
        assert_eq!(
            (by("fresh").measured, by("fresh").status),
            (Some(0.0), Status::Pass)
        );
        assert_eq!(
            (by("old").measured, by("old").status),
            (Some(1.0), Status::Fail)
        );
        assert!(
            by("old").detail.ends_with("daily 2026-10-01"),
            "{}",
            by("old").detail
        );
    }

    #[test]
    fn every_tier_zero_has_no_slot_and_passes() {
        let mut fixture = Fixture::day();
        fixture.policy.retention_tiers = RetentionTiers {
            daily: 0,
            weekly: 0,
            monthly: 0,
        };
        let family = crate::checks::backup::testing::family(vec![backup("s", H)], vec![]);
        let ctx = fixture.ctx().with_family(family);
        let output = super::run(&ctx).expect("runs").expect("subjects");
        assert_eq!(output.findings[0].status, Status::Pass);
        let _ = run_check; // the helper other tests use
    }
}
