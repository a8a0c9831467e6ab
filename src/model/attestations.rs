//! Attestations (SPEC §8): what a named owner states about a control no data can prove
//! (policies, physical security), with the evidence reference and the day it was last
//! reviewed. An attestation only decides a control that its findings do not: a control
//! with failing, waived or all-passing rows takes its status from them.
//!
//! An attestation reviewed more than [`MAX_REVIEW_AGE_MONTHS`] months before the
//! period's last local day is stale: it still shows, and the control counts as
//! `no_evidence`, because an annual review is what ISO/IEC 27001 audits expect.

use chrono::{Months, NaiveDate};

/// The longest time since its review for which an attestation is current.
pub const MAX_REVIEW_AGE_MONTHS: u32 = 12;

/// What an attestation states about its control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttestationKind {
    /// The control is in place (`status = "implemented"`): the control is `attested`.
    Implemented,
    /// The control does not apply to the organisation (`status = "not_applicable"`).
    NotApplicable,
}

impl AttestationKind {
    pub const ALL: [AttestationKind; 2] =
        [AttestationKind::Implemented, AttestationKind::NotApplicable];

    pub fn as_str(self) -> &'static str {
        match self {
            AttestationKind::Implemented => "implemented",
            AttestationKind::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(text: &str) -> Option<AttestationKind> {
        AttestationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// One `[[attestation]]` entry of `attestations.toml`, as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// An Annex A control id of the catalogue.
    pub control: String,
    pub kind: AttestationKind,
    /// One line (whitespace collapsed when read).
    pub justification: String,
    pub owner: String,
    /// Where the evidence is (document, version); may be empty for `not_applicable`.
    pub evidence: String,
    pub reviewed_on: NaiveDate,
}

/// Whether an attestation's review is recent enough at the end of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttestationState {
    Current,
    /// Reviewed more than [`MAX_REVIEW_AGE_MONTHS`] months before the period's last day.
    Stale,
}

impl AttestationState {
    pub fn as_str(self) -> &'static str {
        match self {
            AttestationState::Current => "current",
            AttestationState::Stale => "stale",
        }
    }

    /// The state of an attestation reviewed on `reviewed_on` for a period whose last
    /// local day is `last_day`. Exactly twelve months is still current (bounds are
    /// inclusive, as for the checks).
    pub fn at(reviewed_on: NaiveDate, last_day: NaiveDate) -> AttestationState {
        let current_until = reviewed_on.checked_add_months(Months::new(MAX_REVIEW_AGE_MONTHS));
        match current_until {
            Some(until) if until >= last_day => AttestationState::Current,
            _ => AttestationState::Stale,
        }
    }
}

/// A declared attestation with its state for the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestationEntry {
    pub attestation: Attestation,
    pub state: AttestationState,
}

/// Every attestation with its state for a period whose last local day is `last_day`,
/// in the order given (the caller sorts them in catalogue order).
pub fn assess_attestations(
    attestations: &[Attestation],
    last_day: NaiveDate,
) -> Vec<AttestationEntry> {
    attestations
        .iter()
        .map(|attestation| AttestationEntry {
            attestation: attestation.clone(),
            state: AttestationState::at(attestation.reviewed_on, last_day),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn an_attestation_older_than_12_months_at_the_periods_last_day_is_stale() {
        let last_day = date("2026-10-31");
        let state = |reviewed: &str| AttestationState::at(date(reviewed), last_day);
        assert_eq!(state("2026-03-01"), AttestationState::Current);
        assert_eq!(state("2025-10-31"), AttestationState::Current);
        assert_eq!(state("2025-10-30"), AttestationState::Stale);
        assert_eq!(state("2024-01-01"), AttestationState::Stale);
        // A review after the period does not make it stale.
        assert_eq!(state("2026-11-15"), AttestationState::Current);
    }

    #[test]
    fn a_leap_day_review_is_current_through_28_february_a_year_later() {
        let reviewed = date("2028-02-29");
        assert_eq!(
            AttestationState::at(reviewed, date("2029-02-28")),
            AttestationState::Current
        );
        assert_eq!(
            AttestationState::at(reviewed, date("2029-03-01")),
            AttestationState::Stale
        );
    }

    #[test]
    fn kinds_parse_from_their_public_names() {
        for kind in AttestationKind::ALL {
            assert_eq!(AttestationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AttestationKind::parse("attested"), None);
    }
}
