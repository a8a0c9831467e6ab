//! Applying waivers (SPEC §8) to a run's findings: a waiver in force turns a `fail` row
//! into `waived`; it never touches a row that passed, was not evaluated or erred,
//! because a waiver accepts a known failure, it does not stand in for evidence.

use chrono::NaiveDate;

use super::waiver::{Waiver, WaiverEntry, WaiverState};
use super::{Finding, Status};

/// Applies `waivers` to `findings` for a period whose last local day is `last_day`,
/// and returns every waiver with its state, sorted by check id, subject and expiry.
///
/// Of the waivers in force that cover a failing row, the one naming the subject beats
/// a `*` waiver, then the one expiring last, then the first declared. A failing row
/// only an expired waiver covers stays `fail` and notes that waiver.
pub fn apply_waivers(
    findings: &mut [Finding],
    waivers: &[Waiver],
    last_day: NaiveDate,
) -> Vec<WaiverEntry> {
    let mut entries: Vec<WaiverEntry> = waivers
        .iter()
        .map(|waiver| {
            let (state, days_left) = WaiverState::at(waiver.expires_on, last_day);
            WaiverEntry {
                waiver: waiver.clone(),
                state,
                days_left,
                waived_rows: 0,
            }
        })
        .collect();
    for finding in findings.iter_mut() {
        if finding.status != Status::Fail {
            continue;
        }
        let in_force = best_match(&entries, finding, true);
        if let Some(index) = in_force {
            finding.status = Status::Waived;
            finding.waiver = Some(entries[index].note());
            entries[index].waived_rows += 1;
        } else if let Some(index) = best_match(&entries, finding, false) {
            finding.waiver = Some(entries[index].note());
        }
    }
    entries.sort_by(|a, b| {
        let key = |e: &WaiverEntry| (e.waiver.check.as_str(), e.waiver.subject.clone());
        key(a)
            .cmp(&key(b))
            .then(a.waiver.expires_on.cmp(&b.waiver.expires_on))
    });
    entries
}

/// The index of the entry that decides `finding`: among those covering it whose
/// state applies (or, with `applying == false`, those that do not), the one naming
/// the subject, then the one expiring last, then the first declared.
fn best_match(entries: &[WaiverEntry], finding: &Finding, applying: bool) -> Option<usize> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.state.applies() == applying && e.waiver.covers(finding.check, &finding.subject)
        })
        // `max_by_key` keeps the last of equals: reverse the index so the first wins.
        .max_by_key(|(index, e)| {
            (
                e.waiver.subject != "*",
                e.waiver.expires_on,
                std::cmp::Reverse(*index),
            )
        })
        .map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Unit;
    use crate::model::{CheckId, WaiverNote};

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    /// The last local day of the period 2026-10.
    fn last_day() -> NaiveDate {
        date("2026-10-31")
    }

    fn finding(check: CheckId, subject: &str, status: Status) -> Finding {
        Finding {
            check,
            controls: vec!["8.13".to_string()],
            subject: subject.to_string(),
            status,
            measured: None,
            target: None,
            unit: Unit::Days,
            detail: String::new(),
            waiver: None,
        }
    }

    fn waiver(check: CheckId, subject: &str, expires_on: &str) -> Waiver {
        Waiver {
            check,
            subject: subject.to_string(),
            justification: "restore environment being rebuilt".to_string(),
            approver: "m.okafor".to_string(),
            expires_on: date(expires_on),
        }
    }

    const RESTORE: CheckId = CheckId::BackupRestoreTest;

    #[test]
    fn states_follow_the_days_from_the_periods_last_day() {
        let state = |expires: &str| WaiverState::at(date(expires), last_day());
        assert_eq!(state("2026-10-30"), (WaiverState::Expired, -1));
        // In force through its whole expires_on day: the last day of the period counts.
        assert_eq!(state("2026-10-31"), (WaiverState::Expiring, 0));
        assert_eq!(state("2026-11-14"), (WaiverState::Expiring, 14));
        assert_eq!(state("2026-11-15"), (WaiverState::Active, 15));
    }

    #[test]
    fn a_waiver_in_force_turns_a_failing_row_into_waived_and_names_itself() {
        let mut findings = vec![finding(RESTORE, "ledger-db", Status::Fail)];
        let entries = apply_waivers(
            &mut findings,
            &[waiver(RESTORE, "ledger-db", "2026-12-31")],
            last_day(),
        );
        assert_eq!(findings[0].status, Status::Waived);
        let label = findings[0].waiver.as_ref().map(WaiverNote::label);
        assert_eq!(
            label.as_deref(),
            Some("m.okafor, expires 2026-12-31: restore environment being rebuilt")
        );
        assert_eq!(entries[0].state, WaiverState::Active);
        assert_eq!(entries[0].waived_rows, 1);
    }

    #[test]
    fn an_expired_waiver_no_longer_applies_but_is_noted_on_the_row() {
        let mut findings = vec![finding(RESTORE, "ledger-db", Status::Fail)];
        let entries = apply_waivers(
            &mut findings,
            &[waiver(RESTORE, "ledger-db", "2026-10-30")],
            last_day(),
        );
        assert_eq!(findings[0].status, Status::Fail);
        let label = findings[0].waiver.as_ref().map(WaiverNote::label);
        assert_eq!(
            label.as_deref(),
            Some("m.okafor, expired 2026-10-30, no longer applies: restore environment being rebuilt")
        );
        assert_eq!(entries[0].state, WaiverState::Expired);
        assert_eq!(entries[0].days_left, -1);
        assert_eq!(entries[0].waived_rows, 0);
    }

    #[test]
    fn a_waiver_expiring_within_14_days_still_applies_and_is_flagged() {
        let mut findings = vec![finding(RESTORE, "ledger-db", Status::Fail)];
        let entries = apply_waivers(
            &mut findings,
            &[waiver(RESTORE, "ledger-db", "2026-11-10")],
            last_day(),
        );
        assert_eq!(findings[0].status, Status::Waived);
        assert_eq!(entries[0].state, WaiverState::Expiring);
        assert_eq!(entries[0].days_left, 10);
        let label = findings[0].waiver.as_ref().map(WaiverNote::label);
        assert!(
            label.as_deref().is_some_and(|l| l
                .starts_with("m.okafor, expires 2026-11-10, within 14 days of the period end:")),
            "{label:?}"
        );
    }

    #[test]
    fn a_star_waiver_covers_every_subject_of_its_check_only() {
        let mut findings = vec![
            finding(RESTORE, "ledger-db", Status::Fail),
            finding(RESTORE, "payroll-db", Status::Fail),
            finding(CheckId::BackupRpo, "ledger-db", Status::Fail),
        ];
        let entries = apply_waivers(
            &mut findings,
            &[waiver(RESTORE, "*", "2026-12-31")],
            last_day(),
        );
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, [Status::Waived, Status::Waived, Status::Fail]);
        assert_eq!(findings[2].waiver, None);
        assert_eq!(entries[0].waived_rows, 2);
    }

    #[test]
    fn a_waiver_never_turns_not_evaluated_pass_or_error_into_waived() {
        let mut findings = vec![
            finding(RESTORE, "*", Status::NotEvaluated),
            finding(RESTORE, "ledger-db", Status::Pass),
            finding(RESTORE, "payroll-db", Status::Error),
        ];
        let entries = apply_waivers(
            &mut findings,
            &[waiver(RESTORE, "*", "2026-12-31")],
            last_day(),
        );
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [Status::NotEvaluated, Status::Pass, Status::Error]
        );
        assert!(findings.iter().all(|f| f.waiver.is_none()));
        assert_eq!(entries[0].waived_rows, 0);
    }

    #[test]
    fn the_waiver_naming_the_subject_beats_a_star_waiver_then_the_later_expiry_wins() {
        let mut findings = vec![finding(RESTORE, "ledger-db", Status::Fail)];
        let waivers = [
            waiver(RESTORE, "*", "2027-06-30"),
            Waiver {
                approver: "first".to_string(),
                ..waiver(RESTORE, "ledger-db", "2026-12-31")
            },
            Waiver {
                approver: "second".to_string(),
                ..waiver(RESTORE, "ledger-db", "2026-12-31")
            },
            waiver(RESTORE, "ledger-db", "2026-10-01"),
        ];
        let entries = apply_waivers(&mut findings, &waivers, last_day());
        assert_eq!(
            findings[0].waiver.as_ref().map(|w| w.approver.as_str()),
            Some("first")
        );
        // Sorted by check, subject, expiry: `*` first, then ledger-db by date.
        let listed: Vec<(&str, usize)> = entries
            .iter()
            .map(|e| (e.waiver.subject.as_str(), e.waived_rows))
            .collect();
        assert_eq!(
            listed,
            [
                ("*", 0),
                ("ledger-db", 0),
                ("ledger-db", 1),
                ("ledger-db", 0)
            ]
        );
    }
}
