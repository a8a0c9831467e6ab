//! Rolls findings up to control statuses for the Statement of Applicability (SPEC §8).

use std::collections::BTreeMap;

use super::{CheckId, ControlRow, ControlStatus, EvidenceTable, Finding, Status};
use crate::catalog::Catalog;

/// One row per catalogue control, in catalogue order.
///
/// `fail` if any bound row fails (an `error` row counts as failing); `waived` if the
/// failing rows are all waived; `pass` if there are rows and all pass; otherwise
/// `no_evidence` (attestations arrive in a later issue). A control whose rows are a mix
/// of `pass` and `not_evaluated` is not a pass: part of its evidence is missing.
pub fn roll_up_controls(
    catalog: &Catalog,
    findings: &[Finding],
    evidence: &BTreeMap<CheckId, EvidenceTable>,
) -> Vec<ControlRow> {
    catalog
        .controls
        .iter()
        .map(|control| {
            let rows: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.controls.iter().any(|c| c == &control.id))
                .collect();
            let mut checks: Vec<CheckId> = rows.iter().map(|f| f.check).collect();
            checks.sort_by_key(|c| c.as_str());
            checks.dedup();
            let count = |status: Status| rows.iter().filter(|f| f.status == status).count();
            let failing = count(Status::Fail) + count(Status::Error);
            let waived = count(Status::Waived);
            let passing = count(Status::Pass);
            let not_evaluated: Vec<&str> = checks
                .iter()
                .filter(|c| {
                    rows.iter()
                        .any(|f| f.check == **c && f.status == Status::NotEvaluated)
                })
                .map(|c| c.as_str())
                .collect();
            let (status, justification) = if failing > 0 {
                (
                    ControlStatus::Fail,
                    format!("{failing} of {} findings fail", rows.len()),
                )
            } else if waived > 0 {
                (
                    ControlStatus::Waived,
                    format!("{waived} failing findings are waived"),
                )
            } else if !rows.is_empty() && passing == rows.len() {
                (
                    ControlStatus::Pass,
                    format!("all {} findings pass", rows.len()),
                )
            } else if rows.is_empty() {
                (
                    ControlStatus::NoEvidence,
                    "no check covers this control and no attestation was given".to_string(),
                )
            } else {
                (
                    ControlStatus::NoEvidence,
                    format!("not evaluated: {}", not_evaluated.join(", ")),
                )
            };
            let evidence_files = checks
                .iter()
                .filter(|c| evidence.contains_key(c))
                .map(|c| format!("evidence/{}.csv", c.as_str()))
                .collect();
            ControlRow {
                id: control.id.clone(),
                title: control.title.clone(),
                theme: control.theme.clone(),
                status,
                checks,
                justification,
                evidence: evidence_files,
            }
        })
        .collect()
}
