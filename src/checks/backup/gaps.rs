//! The longest gap between successful backups (SPEC §7 "Backups, exactly"), on plain
//! finish times so it can be tested by hand; and the findings row and evidence rows
//! `backup.rpo` and `backup.offsite` both write for a gap.

use super::{Backup, HOUR};
use crate::checks::{pass_if, CheckCtx};
use crate::model::evidence::kinds;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Finding, Millis, Status};
use crate::period::format_utc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub from: Millis,
    pub to: Millis,
    /// Finish times considered, before and inside the period; 0 means none at all.
    pub points: usize,
    /// Finish times inside the period.
    pub in_period: usize,
}

impl Gap {
    pub fn length(&self) -> Millis {
        self.to - self.from
    }
}

/// The longest stretch between consecutive finish times, from the last one before
/// `start` (or `start` itself when there is none) to `end`. `finishes` must all be
/// before `end`; they need not be sorted. The first of equally long gaps is taken.
pub fn longest_gap(finishes: &[Millis], start: Millis, end: Millis) -> Gap {
    let mut sorted: Vec<Millis> = finishes.iter().copied().filter(|&t| t < end).collect();
    sorted.sort_unstable();
    let before = sorted.iter().copied().filter(|&t| t < start).max();
    let inside: Vec<Millis> = sorted.iter().copied().filter(|&t| t >= start).collect();
    let mut points = vec![before.unwrap_or(start)];
    points.extend(&inside);
    points.push(end);
    let (from, to) =
        points
            .windows(2)
            .map(|w| (w[0], w[1]))
            .fold((points[0], points[0]), |best, (a, b)| {
                if b - a > best.1 - best.0 {
                    (a, b)
                } else {
                    best
                }
            });
    Gap {
        from,
        to,
        points: inside.len() + usize::from(before.is_some()),
        in_period: inside.len(),
    }
}

/// The evidence columns of both gap checks.
pub const COLUMNS: [&str; 10] = [
    columns::SOURCE,
    columns::KIND,
    columns::START,
    columns::END,
    columns::HOURS,
    columns::SNAPSHOT_ID,
    columns::REPOSITORY,
    columns::REGION,
    columns::PATH,
    columns::LINE,
];

/// An empty evidence table of a gap check, for [`push_rows`].
pub fn table() -> EvidenceTable {
    EvidenceTable::new(&COLUMNS)
}

/// The findings row of a gap check. `nouns`: what is counted, singular (for "no …")
/// and plural (for "N … in the period").
pub fn finding(
    ctx: &CheckCtx<'_>,
    check: CheckId,
    source: &str,
    gap: &Gap,
    limit: Millis,
    nouns: (&str, String),
) -> Finding {
    let (singular, plural) = nouns;
    let hours = gap.length() as f64 / HOUR;
    let target = limit as f64 / HOUR;
    let (status, detail) = if gap.points == 0 {
        (
            Status::Fail,
            format!(
                "no {singular} in or before the period: the whole period ({hours:.2} h) is the gap"
            ),
        )
    } else {
        (
            pass_if(gap.length() <= limit),
            format!(
                "longest gap {hours:.2} h from {} to {}; {} {plural} in the period",
                format_utc(gap.from),
                format_utc(gap.to),
                gap.in_period,
            ),
        )
    };
    ctx.finding(check, source, status, Some(hours), Some(target), detail)
}

/// Evidence rows: the longest gap, the successful backups behind it (the one before
/// the period that opens the first gap included) and the failed or partial runs among
/// `others`. The failed and partial runs are the rows flagged offending (the PDF lists
/// them as failed runs); the gap and the backups are the workings of the figure.
pub fn push_rows(
    table: &mut EvidenceTable,
    source: &str,
    gap: &Gap,
    used: &[&Backup],
    others: &[Backup],
    period_start: Millis,
) {
    table.push(
        vec![
            Cell::Text(source.to_string()),
            Cell::Text(kinds::LONGEST_GAP.to_string()),
            Cell::Time(gap.from),
            Cell::Time(gap.to),
            Cell::Hours(gap.length() as f64 / HOUR),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ],
        false,
    );
    let opening = used
        .iter()
        .filter(|b| b.finished < period_start)
        .max_by_key(|b| (b.finished, b.line));
    let backup_row = |kind: &str, b: &Backup| {
        vec![
            Cell::Text(source.to_string()),
            Cell::Text(kind.to_string()),
            Cell::Time(b.started),
            Cell::Time(b.finished),
            Cell::Empty,
            Cell::Text(b.snapshot.clone()),
            Cell::Text(b.repository.clone()),
            Cell::Text(b.region.clone().unwrap_or_default()),
            Cell::Text(b.path.clone()),
            Cell::Count(b.line),
        ]
    };
    // Each row with its flag: a failed or partial run offends.
    let mut listed: Vec<(Vec<Cell>, bool)> = Vec::new();
    if let Some(b) = opening {
        listed.push((backup_row(kinds::BEFORE_PERIOD, b), false));
    }
    for b in used.iter().filter(|b| b.finished >= period_start) {
        listed.push((backup_row(kinds::BACKUP, b), false));
    }
    for b in others
        .iter()
        .filter(|b| !b.is_success() && b.finished >= period_start)
    {
        listed.push((backup_row(&b.status, b), true));
    }
    listed.sort_by_key(|(cells, _)| match &cells[2] {
        Cell::Time(t) => *t,
        _ => 0,
    });
    for (cells, offending) in listed {
        table.push(cells, offending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 3_600_000;

    #[test]
    fn the_last_backup_before_the_period_opens_the_first_gap() {
        // Backups at -3h, 1h, 5h, 13h in a 24h period: gaps 4, 4, 8, 11 (to the end).
        let gap = longest_gap(&[-3 * H, 5 * H, H, 13 * H], 0, 24 * H);
        assert_eq!((gap.from, gap.to), (13 * H, 24 * H));
        assert_eq!((gap.points, gap.in_period), (4, 3));
        let gap = longest_gap(&[-3 * H, 5 * H, H, 13 * H, 20 * H], 0, 24 * H);
        assert_eq!((gap.from, gap.to), (5 * H, 13 * H));
    }

    #[test]
    fn without_a_backup_before_the_period_the_start_opens_it() {
        let gap = longest_gap(&[9 * H, 12 * H], 0, 14 * H);
        assert_eq!((gap.from, gap.to), (0, 9 * H));
    }

    #[test]
    fn no_backup_at_all_is_the_whole_period() {
        let gap = longest_gap(&[], 0, 24 * H);
        assert_eq!((gap.from, gap.to, gap.points), (0, 24 * H, 0));
        // Backups at or after the end do not count.
        let gap = longest_gap(&[24 * H, 30 * H], 0, 24 * H);
        assert_eq!((gap.length(), gap.points), (24 * H, 0));
    }

    #[test]
    fn only_an_old_backup_before_the_period_measures_from_it() {
        let gap = longest_gap(&[-30 * H, -40 * H], 0, 24 * H);
        assert_eq!(
            (gap.from, gap.to, gap.points, gap.in_period),
            (-30 * H, 24 * H, 1, 0)
        );
    }
}
