//! `logging.gaps` (SPEC §7): per audit source (a file, or a native input), the longest
//! stretch inside the period with no readable event, whatever its action or outcome,
//! from the period start to the first event and from the last event to the period end.

use crate::checks::audit::AuditFacts;
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::model::{columns, Cell, CheckId, EvidenceTable};
use crate::period::format_utc;

const HOUR: f64 = 3_600_000.0;

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    if facts.sources.is_empty() {
        return None;
    }
    let limit_ms = ctx.policy.max_log_gap;
    let mut output = CheckOutput::default();
    let mut table = EvidenceTable::new(&[
        columns::SOURCE,
        columns::START,
        columns::END,
        columns::HOURS,
        columns::EVENTS_IN_PERIOD,
    ]);
    for (source, gaps) in &facts.sources {
        let (from, to) = gaps.longest(facts.start, facts.end);
        let hours = (to - from) as f64 / HOUR;
        let detail = if gaps.events == 0 {
            "no event in the period: the whole period is silent".to_string()
        } else {
            format!(
                "longest silence {hours:.2} h from {} to {}; {} events in the period",
                format_utc(from),
                format_utc(to),
                gaps.events
            )
        };
        let within_limit = to - from <= limit_ms;
        output.findings.push(ctx.finding(
            CheckId::LoggingGaps,
            source,
            pass_if(within_limit),
            Some(hours),
            Some(limit_ms as f64 / HOUR),
            detail,
        ));
        table.push(
            vec![
                Cell::Text(source.clone()),
                Cell::Time(from),
                Cell::Time(to),
                Cell::Hours(hours),
                Cell::Count(gaps.events),
            ],
            !within_limit,
        );
    }
    output.evidence = Some(table);
    Some(output)
}

#[cfg(test)]
mod tests {
    use crate::checks::audit::gaps::GapTracker;
    use crate::checks::testing::{flags, Fixture, H};

    #[test]
    fn a_row_offends_when_its_silence_is_longer_than_the_limit() {
        let mut fixture = Fixture::day();
        fixture.policy.max_log_gap = 2 * H;
        let mut facts = fixture.audit_facts();
        let start = facts.start;
        // `edge`: every 2 h from 2 h to 22 h, so every silence is exactly the limit.
        let mut edge = GapTracker::default();
        (1..=11).for_each(|i| edge.add(start + 2 * i * H));
        // `late`: one event at 1 h, then silent for 23 h.
        let mut late = GapTracker::default();
        late.add(start + H);
        facts.sources.insert("edge".to_string(), edge);
        facts.sources.insert("late".to_string(), late);
        facts
            .sources
            .insert("silent".to_string(), GapTracker::default());
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        assert_eq!(flags(&output), [false, true, true]);
    }
}
