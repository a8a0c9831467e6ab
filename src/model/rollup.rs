//! Rolls findings and attestations up to control statuses for the Statement of
//! Applicability (SPEC §8).

use std::collections::BTreeMap;

use super::{
    AttestationEntry, AttestationKind, AttestationState, CheckId, ControlRow, ControlStatus,
    EvidenceTable, Finding, Status,
};

/// One Annex A control of the catalogue: id, title and theme, never the standard's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub theme: String,
    /// The SOC 2 criteria the crosswalk maps this control to, in the criteria's order.
    #[serde(skip)]
    pub soc2: Vec<String>,
}

/// One row per catalogue control (`controls`, the catalogue's list), in catalogue order.
///
/// The order of precedence is `fail` > `waived` > `pass` > the attestation
/// (`attested` or `not_applicable`) > `no_evidence`: `fail` if any bound row fails (an
/// `error` row counts as failing); `waived` if the failing rows are all waived; `pass`
/// if there are rows and all pass; otherwise a current attestation decides, and a
/// stale one or none leaves `no_evidence`. A control whose rows are a mix of `pass` and
/// `not_evaluated` is not a pass: part of its evidence is missing.
pub fn roll_up_controls(
    controls: &[Control],
    findings: &[Finding],
    evidence: &BTreeMap<CheckId, EvidenceTable>,
    attestations: &[AttestationEntry],
) -> Vec<ControlRow> {
    controls
        .iter()
        .map(|control| {
            let rows: Vec<&Finding> = findings
                .iter()
                .filter(|f| f.controls.iter().any(|c| c == &control.id))
                .collect();
            let attestation = attestations
                .iter()
                .find(|a| a.attestation.control == control.id);
            roll_up_control(control, &rows, evidence, attestation)
        })
        .collect()
}

fn roll_up_control(
    control: &Control,
    rows: &[&Finding],
    evidence: &BTreeMap<CheckId, EvidenceTable>,
    attestation: Option<&AttestationEntry>,
) -> ControlRow {
    let mut checks: Vec<CheckId> = rows.iter().map(|f| f.check).collect();
    checks.sort_by_key(|c| c.as_str());
    checks.dedup();
    let mut evidence_files: Vec<String> = checks
        .iter()
        .filter(|c| evidence.contains_key(c))
        .map(|c| format!("evidence/{}.csv", c.as_str()))
        .collect();
    let (status, mut justification) = match from_findings(rows, &checks) {
        Decided::ByFindings(status, justification) => {
            // The findings take precedence; the SoA still says an attestation exists.
            let justification = match attestation {
                Some(entry) => format!(
                    "{justification}; the attestation ({}, owner {}) is not used: findings take precedence",
                    entry.attestation.kind.as_str(),
                    entry.attestation.owner
                ),
                None => justification,
            };
            (status, justification)
        }
        Decided::Open(why) => match attestation {
            Some(entry) => from_attestation(entry, &why),
            None if rows.is_empty() => (
                ControlStatus::NoEvidence,
                format!("{why} and no attestation was given"),
            ),
            None => (ControlStatus::NoEvidence, why),
        },
    };
    if let Some(entry) = attestation {
        if !entry.attestation.evidence.is_empty() {
            evidence_files.insert(0, entry.attestation.evidence.clone());
        }
    }
    justification = justification.replace(['\n', '\r'], " ");
    ControlRow {
        id: control.id.clone(),
        title: control.title.clone(),
        theme: control.theme.clone(),
        status,
        checks,
        soc2: control.soc2.clone(),
        justification,
        evidence: evidence_files,
    }
}

/// What a control's findings say: a status, or that an attestation may decide (with
/// why the findings do not).
enum Decided {
    ByFindings(ControlStatus, String),
    Open(String),
}

fn from_findings(rows: &[&Finding], checks: &[CheckId]) -> Decided {
    let count = |status: Status| rows.iter().filter(|f| f.status == status).count();
    let failing = count(Status::Fail) + count(Status::Error);
    let waived = count(Status::Waived);
    let passing = count(Status::Pass);
    if failing > 0 {
        return Decided::ByFindings(
            ControlStatus::Fail,
            format!("{failing} of {} findings fail", rows.len()),
        );
    }
    if waived > 0 {
        let mut waivers: Vec<String> = rows
            .iter()
            .filter(|f| f.status == Status::Waived)
            .map(|f| {
                let by = f.waiver.as_ref().map_or(String::new(), |w| {
                    format!(
                        " (waiver by {}, expires {})",
                        w.approver,
                        w.expires_on.format("%Y-%m-%d")
                    )
                });
                format!("{} {}{by}", f.check.as_str(), f.subject)
            })
            .collect();
        waivers.dedup();
        let are = if waived == 1 {
            "failing finding is"
        } else {
            "failing findings are"
        };
        return Decided::ByFindings(
            ControlStatus::Waived,
            format!("{waived} {are} waived: {}", waivers.join(", ")),
        );
    }
    if !rows.is_empty() && passing == rows.len() {
        return Decided::ByFindings(
            ControlStatus::Pass,
            format!("all {} findings pass", rows.len()),
        );
    }
    if rows.is_empty() {
        return Decided::Open("no check covers this control".to_string());
    }
    let not_evaluated: Vec<&str> = checks
        .iter()
        .filter(|c| {
            rows.iter()
                .any(|f| f.check == **c && f.status == Status::NotEvaluated)
        })
        .map(|c| c.as_str())
        .collect();
    Decided::Open(format!("not evaluated: {}", not_evaluated.join(", ")))
}

/// The status and justification an attestation gives a control its findings leave
/// open; `why` says why the findings do not decide.
fn from_attestation(entry: &AttestationEntry, why: &str) -> (ControlStatus, String) {
    let attestation = &entry.attestation;
    let reviewed = attestation.reviewed_on.format("%Y-%m-%d");
    match entry.state {
        AttestationState::Current => {
            let status = match attestation.kind {
                AttestationKind::Implemented => ControlStatus::Attested,
                AttestationKind::NotApplicable => ControlStatus::NotApplicable,
            };
            (
                status,
                format!(
                    "{} (owner {}, reviewed {reviewed})",
                    attestation.justification, attestation.owner
                ),
            )
        }
        AttestationState::Stale => (
            ControlStatus::NoEvidence,
            format!(
                "stale attestation, counts as no evidence: last reviewed {reviewed}, more than {} months before the period end ({}: {}; owner {}); {why}",
                super::attestations::MAX_REVIEW_AGE_MONTHS,
                attestation.kind.as_str(),
                attestation.justification,
                attestation.owner
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::catalog::Catalog;
    use crate::model::{Attestation, Unit, WaiverNote, WaiverState};

    fn catalog() -> Catalog {
        Catalog::built_in().expect("catalogue")
    }

    fn row(check: CheckId, control: &str, subject: &str, status: Status) -> Finding {
        Finding {
            check,
            controls: vec![control.to_string()],
            subject: subject.to_string(),
            status,
            measured: None,
            target: None,
            unit: Unit::Count,
            detail: String::new(),
            waiver: (status == Status::Waived).then(|| WaiverNote {
                approver: "m.okafor".to_string(),
                expires_on: NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"),
                state: WaiverState::Active,
                justification: "accepted".to_string(),
            }),
        }
    }

    fn attestation(
        control: &str,
        kind: AttestationKind,
        state: AttestationState,
    ) -> AttestationEntry {
        AttestationEntry {
            attestation: Attestation {
                control: control.to_string(),
                kind,
                justification: "policy approved by the board".to_string(),
                owner: "CISO".to_string(),
                evidence: "ISMS-POL-001 v4".to_string(),
                reviewed_on: NaiveDate::from_ymd_opt(2026, 2, 17).expect("date"),
            },
            state,
        }
    }

    /// The status and justification of control `id` for these rows and attestations.
    fn status_of(
        id: &str,
        rows: &[Finding],
        attestations: &[AttestationEntry],
    ) -> (ControlStatus, String, Vec<String>) {
        let controls = roll_up_controls(&catalog().controls, rows, &BTreeMap::new(), attestations);
        let control = controls
            .into_iter()
            .find(|c| c.id == id)
            .expect("control in the catalogue");
        (control.status, control.justification, control.evidence)
    }

    const CURRENT: AttestationState = AttestationState::Current;
    const IMPLEMENTED: AttestationKind = AttestationKind::Implemented;
    const MFA: CheckId = CheckId::AccessMfa;

    #[test]
    fn precedence_is_fail_then_waived_then_pass_then_attestation_then_no_evidence() {
        let attested = [attestation("8.5", IMPLEMENTED, CURRENT)];
        let fail = row(MFA, "8.5", "a", Status::Fail);
        let waived = row(MFA, "8.5", "b", Status::Waived);
        let pass = row(MFA, "8.5", "c", Status::Pass);
        let not_evaluated = row(MFA, "8.5", "*", Status::NotEvaluated);
        let cases: [(&[Finding], ControlStatus); 6] = [
            (
                &[fail.clone(), waived.clone(), pass.clone()],
                ControlStatus::Fail,
            ),
            (&[waived.clone(), pass.clone()], ControlStatus::Waived),
            (
                &[waived.clone(), not_evaluated.clone()],
                ControlStatus::Waived,
            ),
            (std::slice::from_ref(&pass), ControlStatus::Pass),
            (
                &[pass.clone(), not_evaluated.clone()],
                ControlStatus::Attested,
            ),
            (&[], ControlStatus::Attested),
        ];
        for (rows, expected) in cases {
            assert_eq!(status_of("8.5", rows, &attested).0, expected, "{rows:?}");
        }
        assert_eq!(
            status_of("8.5", &[pass, not_evaluated], &[]).0,
            ControlStatus::NoEvidence
        );
        assert_eq!(status_of("8.5", &[], &[]).0, ControlStatus::NoEvidence);
    }

    #[test]
    fn an_error_row_fails_its_control_whatever_the_attestation() {
        let rows = [row(MFA, "8.5", "a", Status::Error)];
        let attested = [attestation("8.5", IMPLEMENTED, CURRENT)];
        let (status, justification, _) = status_of("8.5", &rows, &attested);
        assert_eq!(status, ControlStatus::Fail);
        assert!(
            justification.contains("the attestation (implemented, owner CISO) is not used"),
            "{justification}"
        );
    }

    #[test]
    fn a_waived_control_names_its_waivers() {
        let rows = [row(MFA, "8.5", "r.patel", Status::Waived)];
        let (status, justification, _) = status_of("8.5", &rows, &[]);
        assert_eq!(status, ControlStatus::Waived);
        assert_eq!(
            justification,
            "1 failing finding is waived: access.mfa r.patel (waiver by m.okafor, expires 2026-12-31)"
        );
    }

    #[test]
    fn a_current_attestation_gives_its_status_justification_owner_and_evidence() {
        let attested = [
            attestation("5.1", IMPLEMENTED, CURRENT),
            attestation("8.30", AttestationKind::NotApplicable, CURRENT),
        ];
        let (status, justification, evidence) = status_of("5.1", &[], &attested);
        assert_eq!(status, ControlStatus::Attested);
        assert_eq!(
            justification,
            "policy approved by the board (owner CISO, reviewed 2026-02-17)"
        );
        assert_eq!(evidence, ["ISMS-POL-001 v4"]);
        assert_eq!(
            status_of("8.30", &[], &attested).0,
            ControlStatus::NotApplicable
        );
    }

    #[test]
    fn a_stale_attestation_counts_as_no_evidence_and_says_so() {
        let stale = [attestation("5.1", IMPLEMENTED, AttestationState::Stale)];
        let (status, justification, evidence) = status_of("5.1", &[], &stale);
        assert_eq!(status, ControlStatus::NoEvidence);
        assert!(
            justification.starts_with(
                "stale attestation, counts as no evidence: last reviewed 2026-02-17, more than 12 months before the period end"
            ),
            "{justification}"
        );
        assert_eq!(evidence, ["ISMS-POL-001 v4"]);
    }
}
