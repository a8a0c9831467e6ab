//! `inputs.rejected_rows`: one row per input file, failing when any row of it could
//! not be read (SPEC §12). The rejected rows themselves are in `rejected.csv`.

use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::model::{columns, Cell, CheckId, EvidenceTable};

pub fn run(ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    if ctx.files.is_empty() {
        return None;
    }
    let findings = ctx
        .files
        .iter()
        .map(|file| {
            let status = pass_if(file.rejected_rows == 0);
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
    let table = EvidenceTable::unjudged(
        &[
            columns::PATH,
            columns::KIND,
            columns::FORMAT,
            columns::ROWS,
            columns::REJECTED_ROWS,
        ],
        rows,
    );
    Some(CheckOutput {
        findings,
        evidence: Some(table),
    })
}
