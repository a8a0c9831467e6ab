//! What the configuration checks of SPEC §16 share (`access.password_policy`,
//! `crypto.at_rest`, `crypto.in_transit`): snapshots. A snapshot of a subject is the
//! rows naming it with one `observed_at`. The subjects are those named in any snapshot
//! taken at or before the period's end (`observed_at` ≤ end: a snapshot taken after
//! the period says nothing of it); each is judged on its newest such snapshot, and one
//! older than `snapshot_max_age` before the period's end is stale: it fails whatever it
//! says (an auditor rejects stale evidence first), with an empty measured value.

use std::collections::BTreeMap;

use polars::prelude::DataFrame;

use super::{frame, CheckCtx};
use crate::error::Error;
use crate::ingest::schema::PATH_COLUMN;
use crate::model::{Cell, Millis};
use crate::period::format_utc;

/// The newest snapshot of one subject at or before the period's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub subject: String,
    pub observed_at: Millis,
    /// Its rows in the table, in file order.
    pub rows: Vec<usize>,
    /// Older than `snapshot_max_age` before the period's end.
    pub stale: bool,
}

impl Snapshot {
    /// The detail of a stale snapshot's row (SPEC §16).
    pub fn stale_detail(&self) -> String {
        format!("stale snapshot from {}", format_utc(self.observed_at))
    }
}

/// The newest snapshot of each subject (the `subject` column) at or before the
/// period's end, by subject.
pub fn newest(
    ctx: &CheckCtx<'_>,
    table: &DataFrame,
    subject: &str,
) -> Result<Vec<Snapshot>, Error> {
    let subjects = frame::texts(table, subject)?;
    let observed = frame::times(table, "observed_at")?;
    let end = ctx.period.end;
    let mut newest: BTreeMap<String, Snapshot> = BTreeMap::new();
    for (row, (subject, observed_at)) in subjects.iter().zip(&observed).enumerate() {
        let (Some(subject), Some(observed_at)) = (subject, *observed_at) else {
            continue; // Required values: ingest never lets a null through.
        };
        if observed_at > end {
            continue;
        }
        let snapshot = newest.entry(subject.clone()).or_insert_with(|| Snapshot {
            subject: subject.clone(),
            observed_at,
            rows: Vec::new(),
            stale: false,
        });
        if observed_at > snapshot.observed_at {
            snapshot.observed_at = observed_at;
            snapshot.rows.clear();
        }
        if observed_at == snapshot.observed_at {
            snapshot.rows.push(row);
        }
    }
    let oldest_current = end - ctx.policy.snapshot_max_age;
    Ok(newest
        .into_values()
        .map(|snapshot| Snapshot {
            stale: snapshot.observed_at < oldest_current,
            ..snapshot
        })
        .collect())
}

/// The `path` and `line` cells of each row, for evidence.
pub struct Origin {
    paths: Vec<Option<String>>,
    lines: Vec<u64>,
}

impl Origin {
    pub fn of(table: &DataFrame) -> Result<Origin, Error> {
        Ok(Origin {
            paths: frame::texts(table, PATH_COLUMN)?,
            lines: frame::lines(table)?,
        })
    }

    /// The row's file and line cells.
    pub fn cells(&self, row: usize) -> [Cell; 2] {
        [
            Cell::Text(self.paths[row].clone().unwrap_or_default()),
            Cell::Count(self.lines[row]),
        ]
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Snapshot tables for the configuration checks' unit tests, built column by column.

    use polars::prelude::*;

    use crate::ingest::schema::{LINE_COLUMN, PATH_COLUMN};

    /// One column of a test table.
    pub enum Col {
        Text(&'static str, Vec<Option<&'static str>>),
        Time(&'static str, Vec<Option<i64>>),
        Bool(&'static str, Vec<Option<bool>>),
        Int(&'static str, Vec<Option<i64>>),
    }

    /// A table of `columns` with `_path` = `t.csv` and `_line` = 2, 3, …
    pub fn table(columns: Vec<Col>) -> DataFrame {
        let mut height = 0;
        let mut out: Vec<Column> = columns
            .into_iter()
            .map(|col| {
                let series = match col {
                    Col::Text(name, v) => Series::new(name.into(), v),
                    Col::Time(name, v) => Series::new(name.into(), v),
                    Col::Bool(name, v) => Series::new(name.into(), v),
                    Col::Int(name, v) => Series::new(name.into(), v),
                };
                height = series.len();
                Column::from(series)
            })
            .collect();
        out.push(Column::new(PATH_COLUMN.into(), vec!["t.csv"; height]));
        out.push(Column::new(
            LINE_COLUMN.into(),
            (2..2 + height as u64).collect::<Vec<u64>>(),
        ));
        DataFrame::new(height, out).expect("a test table")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{table, Col};
    use super::*;
    use crate::checks::testing::{Fixture, H};
    use crate::time::DAY;

    #[test]
    fn newest_at_or_before_the_end_and_stale_from_exactly_past_the_age() {
        let fixture = Fixture::day();
        let ctx = fixture.ctx();
        let end = fixture.period.end;
        let max_age = fixture.policy.snapshot_max_age;
        let frame = table(vec![
            Col::Text(
                "host",
                vec![
                    Some("a"),
                    Some("a"),
                    Some("a"),
                    Some("b"),
                    Some("c"),
                    Some("d"),
                ],
            ),
            Col::Time(
                "observed_at",
                vec![
                    Some(end - 5 * DAY),
                    Some(end), // at the end: counts
                    Some(end),
                    Some(end - max_age),     // exactly the age: current
                    Some(end - max_age - 1), // a millisecond older: stale
                    Some(end + H),           // after the period: no subject
                ],
            ),
        ]);
        let snapshots = newest(&ctx, &frame, "host").expect("snapshots");
        let found: Vec<(&str, Millis, Vec<usize>, bool)> = snapshots
            .iter()
            .map(|s| (s.subject.as_str(), s.observed_at, s.rows.clone(), s.stale))
            .collect();
        assert_eq!(
            found,
            [
                ("a", end, vec![1, 2], false),
                ("b", end - max_age, vec![3], false),
                ("c", end - max_age - 1, vec![4], true),
            ]
        );
        assert_eq!(
            snapshots[2].stale_detail(),
            format!("stale snapshot from {}", format_utc(end - max_age - 1))
        );
    }
}
