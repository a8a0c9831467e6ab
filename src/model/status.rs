//! Check and control statuses (SPEC §8).

use std::fmt;

/// The status of one findings row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Pass,
    Fail,
    /// A failing row covered by a valid waiver.
    Waived,
    /// No evidence: never counted as a pass.
    NotEvaluated,
    Error,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Waived,
        Status::NotEvaluated,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Waived => "waived",
            Status::NotEvaluated => "not_evaluated",
            Status::Error => "error",
        }
    }

    /// Whether `auditpack check` treats this row as failing.
    pub fn is_failing(self, strict: bool) -> bool {
        match self {
            Status::Fail | Status::Error => true,
            Status::NotEvaluated => strict,
            Status::Pass | Status::Waived => false,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rolled-up status of one Annex A control in the Statement of Applicability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControlStatus {
    Pass,
    Fail,
    Waived,
    Attested,
    NotApplicable,
    NoEvidence,
}

impl ControlStatus {
    pub const ALL: [ControlStatus; 6] = [
        ControlStatus::Pass,
        ControlStatus::Fail,
        ControlStatus::Waived,
        ControlStatus::Attested,
        ControlStatus::NotApplicable,
        ControlStatus::NoEvidence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ControlStatus::Pass => "pass",
            ControlStatus::Fail => "fail",
            ControlStatus::Waived => "waived",
            ControlStatus::Attested => "attested",
            ControlStatus::NotApplicable => "not_applicable",
            ControlStatus::NoEvidence => "no_evidence",
        }
    }
}

impl fmt::Display for ControlStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
