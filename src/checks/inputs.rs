//! `inputs.rejected_rows`: one row per input file, failing when any row of it could
//! not be read (SPEC §12). The rejected rows themselves are in `rejected.csv`.

use super::CheckCtx;
use crate::model::{Cell, CheckId, EvidenceTable, Finding, Status, Unit};

pub fn rejected_rows(ctx: &CheckCtx<'_>) -> (Vec<Finding>, Option<EvidenceTable>) {
    if ctx.files.is_empty() {
        return (Vec::new(), None);
    }
    let findings = ctx
        .files
        .iter()
        .map(|file| {
            let status = if file.rejected_rows == 0 {
                Status::Pass
            } else {
                Status::Fail
            };
            let detail = if file.rejected_rows == 0 {
                format!("all {} rows read", file.rows)
            } else {
                format!(
                    "{} of {} rows could not be read: see rejected.csv",
                    file.rejected_rows,
                    file.rows + file.rejected_rows
                )
            };
            ctx.finding(
                CheckId::InputsRejectedRows,
                &file.path,
                status,
                Some(file.rejected_rows as f64),
                Some(0.0),
                Unit::Count,
                detail,
            )
        })
        .collect();
    let rows = ctx
        .files
        .iter()
        .map(|file| {
            vec![
                Cell::Text(file.path.clone()),
                Cell::Text(file.kind.clone()),
                Cell::Text(file.format.clone()),
                Cell::Count(file.rows),
                Cell::Count(file.rejected_rows),
            ]
        })
        .collect();
    let table = EvidenceTable {
        columns: vec!["path", "kind", "format", "rows", "rejected_rows"],
        rows,
    };
    (findings, Some(table))
}
