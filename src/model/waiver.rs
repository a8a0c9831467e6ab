//! The waiver types (SPEC §8): a management decision to accept a failing check for one subject
//! (or every subject of the check) until a date. A waiver in force turns a `fail` row
//! into `waived`; it never touches a row that passed, was not evaluated or erred,
//! because a waiver accepts a known failure, it does not stand in for evidence.
//!
//! Dates are local calendar days in the organisation's time zone. A waiver is in force
//! through the whole of its `expires_on` day; it applies to a period when it is still
//! in force on the period's last local day, so it covers the whole period or nothing.
//!
//! Applying them to findings is `waivers.rs`; the types live apart so that the
//! findings (`assessment.rs`) can carry a [`WaiverNote`] without a circle.

use chrono::NaiveDate;

use super::CheckId;

/// A waiver in force that ends within this many days after the period's last day is
/// flagged as expiring, so it is renewed or the failure fixed before the next pack.
pub const EXPIRING_WITHIN_DAYS: i64 = 14;

/// One `[[waiver]]` entry of `waivers.toml`, as declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub check: CheckId,
    /// A findings subject, or `*` for every subject of the check.
    pub subject: String,
    /// One line (whitespace collapsed when read).
    pub justification: String,
    pub approver: String,
    /// The last local day the waiver is in force.
    pub expires_on: NaiveDate,
}

impl Waiver {
    /// Whether this waiver names the findings row of `check` for `subject`.
    pub fn covers(&self, check: CheckId, subject: &str) -> bool {
        self.check == check && (self.subject == "*" || self.subject == subject)
    }
}

/// Where a waiver stands at the end of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WaiverState {
    /// In force, and for more than [`EXPIRING_WITHIN_DAYS`] after the period.
    Active,
    /// In force, but ending within [`EXPIRING_WITHIN_DAYS`] of the period's last day.
    Expiring,
    /// Ended before the period's last day: no longer applies, still shown.
    Expired,
}

impl WaiverState {
    pub const ALL: [WaiverState; 3] = [
        WaiverState::Active,
        WaiverState::Expiring,
        WaiverState::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaiverState::Active => "active",
            WaiverState::Expiring => "expiring",
            WaiverState::Expired => "expired",
        }
    }

    /// Whether a waiver in this state turns failing rows into `waived`.
    pub fn applies(self) -> bool {
        self != WaiverState::Expired
    }

    /// The state of a waiver ending on `expires_on` for a period whose last local day
    /// is `last_day`, and the days from `last_day` to `expires_on` (negative: expired).
    pub fn at(expires_on: NaiveDate, last_day: NaiveDate) -> (WaiverState, i64) {
        let days_left = (expires_on - last_day).num_days();
        let state = if days_left < 0 {
            WaiverState::Expired
        } else if days_left <= EXPIRING_WITHIN_DAYS {
            WaiverState::Expiring
        } else {
            WaiverState::Active
        };
        (state, days_left)
    }
}

/// A declared waiver with its state for the period: the waivers listing of every output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverEntry {
    pub waiver: Waiver,
    pub state: WaiverState,
    /// Days from the period's last local day to `expires_on`; negative when expired.
    pub days_left: i64,
    /// Failing rows this waiver turned into `waived` (0 when expired).
    pub waived_rows: usize,
}

impl WaiverEntry {
    pub(super) fn note(&self) -> WaiverNote {
        WaiverNote {
            approver: self.waiver.approver.clone(),
            expires_on: self.waiver.expires_on,
            state: self.state,
            justification: self.waiver.justification.clone(),
        }
    }
}

/// What a findings row carries of the waiver that matched it: the waiver that made it
/// `waived`, or, on a row that still fails, the expired waiver that no longer covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverNote {
    pub approver: String,
    pub expires_on: NaiveDate,
    pub state: WaiverState,
    pub justification: String,
}

impl WaiverNote {
    /// The one-line text of `findings.csv`'s `waiver` column and the JUnit message.
    pub fn label(&self) -> String {
        let date = self.expires_on.format("%Y-%m-%d");
        let when = match self.state {
            WaiverState::Active => format!("expires {date}"),
            WaiverState::Expiring => {
                format!("expires {date}, within {EXPIRING_WITHIN_DAYS} days of the period end")
            }
            WaiverState::Expired => format!("expired {date}, no longer applies"),
        };
        format!("{}, {when}: {}", self.approver, self.justification)
    }
}
