//! The Statement of Applicability seen from another framework's side (SPEC §17): the
//! SOC 2 Trust Services Criteria, each rolled up from the Annex A controls the
//! crosswalk maps to it.
//!
//! A relationship reads "the Annex A control is <relationship> the criterion", in the
//! set-theory sense NIST's OLIR uses: `equal` (same scope), `subset` (the control covers
//! part of the criterion), `superset` (the control covers all of it and more),
//! `intersect` (they overlap).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use super::{ControlRow, ControlStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Relationship {
    Equal,
    Subset,
    Superset,
    Intersect,
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::Subset => "subset",
            Relationship::Superset => "superset",
            Relationship::Intersect => "intersect",
        }
    }

    /// Whether the control alone covers all of the criterion.
    pub fn covers_whole(self) -> bool {
        matches!(self, Relationship::Equal | Relationship::Superset)
    }
}

impl FromStr for Relationship {
    type Err = String;

    fn from_str(text: &str) -> Result<Relationship, String> {
        match text {
            "equal" => Ok(Relationship::Equal),
            "subset" => Ok(Relationship::Subset),
            "superset" => Ok(Relationship::Superset),
            "intersect" => Ok(Relationship::Intersect),
            other => Err(format!(
                "unknown relationship `{other}` (expected equal, subset, superset or intersect)"
            )),
        }
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One criterion of the other framework: its id, category and a short name in our own
/// words (never the criterion's text).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Criterion {
    pub id: String,
    pub category: String,
    pub title: String,
}

/// One row of the crosswalk: an Annex A control, a criterion, how they relate and who
/// says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub control: String,
    pub criterion: String,
    pub relationship: Relationship,
    pub source: String,
}

/// A framework's criteria and the crosswalk to Annex A, as the catalogue holds them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Crosswalk {
    pub framework: String,
    /// In the framework's order.
    pub criteria: Vec<Criterion>,
    /// In the crosswalk file's order.
    pub mappings: Vec<Mapping>,
}

impl Crosswalk {
    /// The criteria an Annex A control maps to, in the framework's order.
    pub fn criteria_of(&self, control: &str) -> Vec<String> {
        self.criteria
            .iter()
            .filter(|criterion| {
                self.mappings
                    .iter()
                    .any(|m| m.control == control && m.criterion == criterion.id)
            })
            .map(|criterion| criterion.id.clone())
            .collect()
    }
}

/// One criterion with the controls mapped to it and the status they roll up to.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionRow {
    pub id: String,
    pub category: String,
    pub title: String,
    pub status: ControlStatus,
    /// The mapped controls in catalogue order, each with its relationship and status.
    pub controls: Vec<(String, Relationship, ControlStatus)>,
    /// Whether a mapped control covers the whole criterion (`equal` or `superset`).
    pub covered_whole: bool,
    pub justification: String,
}

/// Rolls the Statement of Applicability up to the crosswalk's criteria, the way rows
/// roll up to controls (SPEC §8), with the controls' statuses as the rows:
/// `fail` if a mapped control fails; `waived` if failing controls are all waived;
/// `no_evidence` if no control is mapped or one of them has no evidence (part of the
/// criterion is unproven); `attested` if one rests on an attestation; `pass` if every
/// mapped control passes. Controls attested `not_applicable` are left out, and a
/// criterion whose controls are all not applicable is `not_applicable`.
pub fn roll_up_criteria(crosswalk: &Crosswalk, controls: &[ControlRow]) -> Vec<CriterionRow> {
    crosswalk
        .criteria
        .iter()
        .map(|criterion| {
            let mapped: Vec<(String, Relationship, ControlStatus)> = controls
                .iter()
                .filter_map(|control| {
                    crosswalk
                        .mappings
                        .iter()
                        .find(|m| m.criterion == criterion.id && m.control == control.id)
                        .map(|m| (control.id.clone(), m.relationship, control.status))
                })
                .collect();
            let (status, justification) = criterion_status(&mapped);
            CriterionRow {
                id: criterion.id.clone(),
                category: criterion.category.clone(),
                title: criterion.title.clone(),
                status,
                covered_whole: mapped.iter().any(|(_, r, _)| r.covers_whole()),
                controls: mapped,
                justification,
            }
        })
        .collect()
}

/// The criteria counted by status, and how many are unmapped or mapped only in part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CriteriaCounts {
    pub by_status: BTreeMap<ControlStatus, usize>,
    pub unmapped: usize,
    pub partly_mapped: usize,
}

pub fn criteria_counts(criteria: &[CriterionRow]) -> CriteriaCounts {
    let mut counts = CriteriaCounts::default();
    for criterion in criteria {
        *counts.by_status.entry(criterion.status).or_insert(0) += 1;
        if criterion.controls.is_empty() {
            counts.unmapped += 1;
        } else if !criterion.covered_whole {
            counts.partly_mapped += 1;
        }
    }
    counts
}

fn criterion_status(mapped: &[(String, Relationship, ControlStatus)]) -> (ControlStatus, String) {
    if mapped.is_empty() {
        return (
            ControlStatus::NoEvidence,
            "no Annex A control is mapped to this criterion".to_string(),
        );
    }
    let with = |status: ControlStatus| -> Vec<&str> {
        mapped
            .iter()
            .filter(|(_, _, s)| *s == status)
            .map(|(id, _, _)| id.as_str())
            .collect()
    };
    let applicable = mapped.len() - with(ControlStatus::NotApplicable).len();
    let named = |status: ControlStatus, what: &str| -> Option<(ControlStatus, String)> {
        let ids = with(status);
        (!ids.is_empty()).then(|| {
            (
                status,
                format!(
                    "{} of {applicable} controls {what}: {}",
                    ids.len(),
                    ids.join(", ")
                ),
            )
        })
    };
    if applicable == 0 {
        return (
            ControlStatus::NotApplicable,
            "every mapped control is attested not applicable".to_string(),
        );
    }
    named(ControlStatus::Fail, "fail")
        .or_else(|| named(ControlStatus::Waived, "are waived"))
        .or_else(|| named(ControlStatus::NoEvidence, "have no evidence"))
        .or_else(|| named(ControlStatus::Attested, "rest on an attestation"))
        .unwrap_or_else(|| {
            (
                ControlStatus::Pass,
                format!("all {applicable} controls pass"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, status: ControlStatus) -> ControlRow {
        ControlRow {
            id: id.to_string(),
            title: String::new(),
            theme: String::new(),
            status,
            checks: Vec::new(),
            soc2: Vec::new(),
            justification: String::new(),
            evidence: Vec::new(),
        }
    }

    fn crosswalk(mappings: &[(&str, &str, Relationship)]) -> Crosswalk {
        let mut criteria: Vec<Criterion> = mappings
            .iter()
            .map(|(_, criterion, _)| Criterion {
                id: criterion.to_string(),
                category: "Common criteria".to_string(),
                title: String::new(),
            })
            .collect();
        criteria.dedup();
        criteria.push(Criterion {
            id: "CC3.3".to_string(),
            category: "Common criteria".to_string(),
            title: String::new(),
        });
        Crosswalk {
            framework: "soc2".to_string(),
            criteria,
            mappings: mappings
                .iter()
                .map(|(control, criterion, relationship)| Mapping {
                    control: control.to_string(),
                    criterion: criterion.to_string(),
                    relationship: *relationship,
                    source: "test".to_string(),
                })
                .collect(),
        }
    }

    fn status_of(rows: &[ControlRow], id: &str) -> (ControlStatus, String) {
        let walk = crosswalk(&[
            ("8.5", "CC6.1", Relationship::Subset),
            ("8.24", "CC6.1", Relationship::Subset),
            ("5.15", "CC6.1", Relationship::Intersect),
            ("8.6", "A1.1", Relationship::Equal),
        ]);
        let criteria = roll_up_criteria(&walk, rows);
        let row = criteria
            .into_iter()
            .find(|c| c.id == id)
            .expect("criterion");
        (row.status, row.justification)
    }

    #[test]
    fn a_criterion_takes_the_worst_of_its_controls_in_the_soa_order() {
        use ControlStatus::*;
        let cases = [
            ([Pass, Fail, Waived], Fail, "1 of 3 controls fail: 8.24"),
            (
                [Pass, Waived, NoEvidence],
                Waived,
                "1 of 3 controls are waived: 8.24",
            ),
            (
                [Pass, NoEvidence, Attested],
                NoEvidence,
                "1 of 3 controls have no evidence: 8.24",
            ),
            (
                [Pass, Attested, Pass],
                Attested,
                "1 of 3 controls rest on an attestation: 8.24",
            ),
            ([Pass, Pass, NotApplicable], Pass, "all 2 controls pass"),
            (
                [NotApplicable, NotApplicable, NotApplicable],
                NotApplicable,
                "every mapped control is attested not applicable",
            ),
        ];
        for (statuses, expected, why) in cases {
            let rows = [
                row("5.15", statuses[0]),
                row("8.24", statuses[1]),
                row("8.5", statuses[2]),
                row("8.6", Pass),
            ];
            assert_eq!(status_of(&rows, "CC6.1"), (expected, why.to_string()));
        }
    }

    #[test]
    fn an_unmapped_criterion_has_no_evidence_and_whole_cover_needs_equal_or_superset() {
        let rows = [
            row("8.6", ControlStatus::Pass),
            row("8.5", ControlStatus::Pass),
        ];
        assert_eq!(
            status_of(&rows, "CC3.3"),
            (
                ControlStatus::NoEvidence,
                "no Annex A control is mapped to this criterion".to_string()
            )
        );
        let walk = crosswalk(&[
            ("8.5", "CC6.1", Relationship::Subset),
            ("8.6", "A1.1", Relationship::Equal),
        ]);
        let criteria = roll_up_criteria(&walk, &rows);
        let whole: Vec<(&str, bool)> = criteria
            .iter()
            .map(|c| (c.id.as_str(), c.covered_whole))
            .collect();
        assert_eq!(whole, [("CC6.1", false), ("A1.1", true), ("CC3.3", false)]);
    }

    #[test]
    fn relationships_parse_only_the_four_names() {
        for relationship in [
            Relationship::Equal,
            Relationship::Subset,
            Relationship::Superset,
            Relationship::Intersect,
        ] {
            assert_eq!(relationship.as_str().parse(), Ok(relationship));
        }
        assert!("related".parse::<Relationship>().is_err());
    }
}
