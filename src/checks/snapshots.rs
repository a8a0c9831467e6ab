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
