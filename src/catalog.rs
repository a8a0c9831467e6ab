//! The control catalogue: the 93 Annex A controls of ISO/IEC 27001:2022 (ids, titles,
//! themes only) and the check → control bindings with their policy floors, as data
//! under `controls/`, with the SOC 2 crosswalk (`soc2-criteria.csv`,
//! `crosswalk-soc2.csv`, SPEC §17). Built into the binary; `[controls].catalog`
//! replaces it (a catalogue directory without the two crosswalk files keeps the
//! built-in crosswalk for the controls it lists).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::InputKind;
use crate::error::Error;
pub use crate::model::Control;
use crate::model::{CheckId, Criterion, Crosswalk, Mapping, Policy, Relationship};
use crate::time::parse_duration;

const BUILT_IN_CONTROLS: &str = include_str!("../controls/annex-a.csv");
const BUILT_IN_BINDINGS: &str = include_str!("../controls/bindings.toml");
const BUILT_IN_SOC2_CRITERIA: &str = include_str!("../controls/soc2-criteria.csv");
const BUILT_IN_SOC2_CROSSWALK: &str = include_str!("../controls/crosswalk-soc2.csv");

/// A bound on a policy key below which the check cannot support its control.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub policy: String,
    /// Durations in milliseconds, percentages as numbers.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The bound as written in the catalogue, for details.
    pub written: String,
}

impl Floor {
    /// Describes how `policy` is looser than this floor, or `None` when acceptable.
    pub fn violation(&self, policy: &Policy) -> Option<String> {
        let value = policy.value(&self.policy)?;
        let too_low = self.min.is_some_and(|min| value < min);
        let too_high = self.max.is_some_and(|max| value > max);
        if !(too_low || too_high) {
            return None;
        }
        let shown = if Policy::is_duration(&self.policy) {
            crate::time::format_duration(value as i64)
        } else {
            format!("{value}")
        };
        let bound = if too_low { "at least" } else { "at most" };
        Some(format!(
            "configuration not acceptable for the control: policy {} = {shown}, the catalogue requires {bound} {}",
            self.policy, self.written
        ))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub check: CheckId,
    pub title: String,
    pub controls: Vec<String>,
    /// The input kind the check needs; `None` for checks about the inputs themselves.
    pub input: Option<InputKind>,
    pub floors: Vec<Floor>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    /// In catalogue (Annex A) order.
    pub controls: Vec<Control>,
    /// One per check id, in `CheckId::ALL` order.
    pub bindings: Vec<Binding>,
    /// Annex A to the SOC 2 Trust Services Criteria.
    pub soc2: Crosswalk,
}

/// A crosswalk's two files: the criteria and the mapping rows.
struct CrosswalkText<'a> {
    criteria: (&'a Path, &'a str),
    mappings: (&'a Path, &'a str),
    /// Whether a row naming a control outside the catalogue is an error (its own
    /// catalogue) or left out (the built-in crosswalk beside a replaced catalogue).
    strict: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    annex_a: String,
    tsc: String,
    relationship: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBindings {
    check: Vec<RawBinding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    id: String,
    title: String,
    controls: Vec<String>,
    input: Option<String>,
    #[serde(default)]
    floors: Vec<RawFloor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFloor {
    policy: String,
    min: Option<toml::Value>,
    max: Option<toml::Value>,
}

impl Catalog {
    pub fn built_in() -> Result<Catalog, Error> {
        Catalog::parse(
            Path::new("controls/annex-a.csv (built in)"),
            BUILT_IN_CONTROLS,
            Path::new("controls/bindings.toml (built in)"),
            BUILT_IN_BINDINGS,
            built_in_crosswalk(),
        )
    }

    /// Reads `annex-a.csv` and `bindings.toml` from a directory.
    pub fn load(dir: &Path) -> Result<Catalog, Error> {
        let read = |name: &str| -> Result<(PathBuf, String), Error> {
            let path = dir.join(name);
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                path: path.clone(),
                action: "read the control catalogue",
                source,
            })?;
            Ok((path, text))
        };
        let (controls_path, controls_text) = read("annex-a.csv")?;
        let (bindings_path, bindings_text) = read("bindings.toml")?;
        let own = dir.join("crosswalk-soc2.csv").exists() || dir.join("soc2-criteria.csv").exists();
        let (criteria, mappings) = if own {
            (
                Some(read("soc2-criteria.csv")?),
                Some(read("crosswalk-soc2.csv")?),
            )
        } else {
            (None, None)
        };
        let crosswalk = match (&criteria, &mappings) {
            (Some((criteria_path, criteria)), Some((mappings_path, mappings))) => CrosswalkText {
                criteria: (criteria_path, criteria),
                mappings: (mappings_path, mappings),
                strict: true,
            },
            _ => CrosswalkText {
                strict: false,
                ..built_in_crosswalk()
            },
        };
        Catalog::parse(
            &controls_path,
            &controls_text,
            &bindings_path,
            &bindings_text,
            crosswalk,
        )
    }

    fn parse(
        controls_path: &Path,
        controls_text: &str,
        bindings_path: &Path,
        bindings_text: &str,
        crosswalk: CrosswalkText,
    ) -> Result<Catalog, Error> {
        let mut controls = Vec::new();
        let mut reader = csv::Reader::from_reader(controls_text.as_bytes());
        for record in reader.deserialize::<Control>() {
            let control = record.map_err(|e| catalog_error(controls_path, None, e.to_string()))?;
            controls.push(control);
        }
        let raw: RawBindings = toml::from_str(bindings_text)
            .map_err(|e| catalog_error(bindings_path, None, e.message().to_string()))?;
        let mut bindings = Vec::new();
        for raw_binding in raw.check {
            let check: CheckId = raw_binding
                .id
                .parse()
                .map_err(|e: String| catalog_error(bindings_path, None, e))?;
            for control in &raw_binding.controls {
                if !controls.iter().any(|c| &c.id == control) {
                    return Err(catalog_error(
                        bindings_path,
                        None,
                        format!("{check}: control {control} is not in the catalogue"),
                    ));
                }
            }
            let input = match &raw_binding.input {
                Some(kind) => Some(InputKind::parse(kind).ok_or_else(|| {
                    catalog_error(
                        bindings_path,
                        None,
                        format!("{check}: unknown input kind `{kind}`"),
                    )
                })?),
                None => None,
            };
            let floors = raw_binding
                .floors
                .into_iter()
                .map(|raw_floor| parse_floor(check, raw_floor))
                .collect::<Result<Vec<_>, String>>()
                .map_err(|message| catalog_error(bindings_path, None, message))?;
            bindings.push(Binding {
                check,
                title: raw_binding.title,
                controls: raw_binding.controls,
                input,
                floors,
            });
        }
        bindings.sort_by_key(|b| b.check);
        for check in CheckId::ALL {
            let count = bindings.iter().filter(|b| b.check == check).count();
            if count != 1 {
                return Err(catalog_error(
                    bindings_path,
                    None,
                    format!("check {check} must be bound exactly once, found {count}"),
                ));
            }
        }
        let soc2 = parse_crosswalk(&controls, crosswalk)?;
        for control in &mut controls {
            control.soc2 = soc2.criteria_of(&control.id);
        }
        Ok(Catalog {
            controls,
            bindings,
            soc2,
        })
    }

    pub fn binding(&self, check: CheckId) -> &Binding {
        // `parse` guarantees one binding per check id, in CheckId::ALL order.
        &self.bindings[CheckId::ALL
            .iter()
            .position(|c| *c == check)
            .unwrap_or_default()]
    }
}

fn built_in_crosswalk() -> CrosswalkText<'static> {
    CrosswalkText {
        criteria: (
            Path::new("controls/soc2-criteria.csv (built in)"),
            BUILT_IN_SOC2_CRITERIA,
        ),
        mappings: (
            Path::new("controls/crosswalk-soc2.csv (built in)"),
            BUILT_IN_SOC2_CROSSWALK,
        ),
        strict: true,
    }
}

/// An error of a catalogue file, at a line when there is one.
fn catalog_error(path: &Path, line: Option<u64>, message: String) -> Error {
    Error::Catalog {
        path: path.to_path_buf(),
        message: match line {
            Some(line) => format!("line {line}: {message}"),
            None => message,
        },
    }
}

/// Reads a catalogue CSV row by row into `T`, handing each with its line to `each`.
fn read_rows<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    mut each: impl FnMut(T, Option<u64>) -> Result<(), Error>,
) -> Result<(), Error> {
    let line_of = |position: Option<&csv::Position>| position.map(|p| p.line());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let headers = reader
        .headers()
        .map_err(|e| catalog_error(path, None, e.to_string()))?
        .clone();
    while reader
        .read_record(&mut record)
        .map_err(|e| catalog_error(path, line_of(e.position()), e.to_string()))?
    {
        let line = line_of(record.position());
        let row: T = record
            .deserialize(Some(&headers))
            .map_err(|e| catalog_error(path, line, e.to_string()))?;
        each(row, line)?;
    }
    Ok(())
}

/// Reads the criteria and the crosswalk rows; an error names the file and the line.
fn parse_crosswalk(controls: &[Control], text: CrosswalkText) -> Result<Crosswalk, Error> {
    let (criteria_path, criteria_text) = text.criteria;
    let mut criteria: Vec<Criterion> = Vec::new();
    read_rows(
        criteria_path,
        criteria_text,
        |criterion: Criterion, line| {
            if criteria.iter().any(|c| c.id == criterion.id) {
                return Err(catalog_error(
                    criteria_path,
                    line,
                    format!("criterion {} is listed twice", criterion.id),
                ));
            }
            criteria.push(criterion);
            Ok(())
        },
    )?;
    let (mappings_path, mappings_text) = text.mappings;
    let mut mappings: Vec<Mapping> = Vec::new();
    read_rows(mappings_path, mappings_text, |raw: RawMapping, line| {
        if !controls.iter().any(|c| c.id == raw.annex_a) {
            if text.strict {
                return Err(catalog_error(
                    mappings_path,
                    line,
                    format!("control {} is not in the catalogue", raw.annex_a),
                ));
            }
            return Ok(());
        }
        if !criteria.iter().any(|c| c.id == raw.tsc) {
            return Err(catalog_error(
                mappings_path,
                line,
                format!(
                    "criterion {} is not in {}",
                    raw.tsc,
                    criteria_path.display()
                ),
            ));
        }
        if mappings
            .iter()
            .any(|m| m.control == raw.annex_a && m.criterion == raw.tsc)
        {
            return Err(catalog_error(
                mappings_path,
                line,
                format!("{} to {} is mapped twice", raw.annex_a, raw.tsc),
            ));
        }
        let relationship: Relationship = raw
            .relationship
            .parse()
            .map_err(|message| catalog_error(mappings_path, line, message))?;
        if raw.source.trim().is_empty() {
            return Err(catalog_error(
                mappings_path,
                line,
                "the source of the mapping is empty".to_string(),
            ));
        }
        mappings.push(Mapping {
            control: raw.annex_a,
            criterion: raw.tsc,
            relationship,
            source: raw.source,
        });
        Ok(())
    })?;
    Ok(Crosswalk {
        framework: "soc2".to_string(),
        criteria,
        mappings,
    })
}

fn parse_floor(check: CheckId, raw: RawFloor) -> Result<Floor, String> {
    let is_duration = Policy::is_duration(&raw.policy);
    if Policy::default().value(&raw.policy).is_none() {
        return Err(format!(
            "{check}: unknown policy key `{}` in a floor",
            raw.policy
        ));
    }
    let number = |value: &toml::Value| -> Result<(f64, String), String> {
        match value {
            toml::Value::String(text) if is_duration => {
                Ok((parse_duration(text)? as f64, text.clone()))
            }
            toml::Value::Float(x) if !is_duration => Ok((*x, x.to_string())),
            toml::Value::Integer(x) if !is_duration => Ok((*x as f64, x.to_string())),
            other => Err(format!(
                "{check}: floor for `{}` has the wrong type: {other}",
                raw.policy
            )),
        }
    };
    let min = raw.min.as_ref().map(number).transpose()?;
    let max = raw.max.as_ref().map(number).transpose()?;
    let written = min
        .as_ref()
        .or(max.as_ref())
        .map(|(_, text)| text.clone())
        .unwrap_or_default();
    Ok(Floor {
        policy: raw.policy,
        min: min.map(|(value, _)| value),
        max: max.map(|(value, _)| value),
        written,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalogue_has_93_controls_in_four_themes() {
        let catalog = Catalog::built_in().expect("catalogue");
        assert_eq!(catalog.controls.len(), 93);
        let count = |theme: &str| catalog.controls.iter().filter(|c| c.theme == theme).count();
        assert_eq!(count("Organizational"), 37);
        assert_eq!(count("People"), 8);
        assert_eq!(count("Physical"), 14);
        assert_eq!(count("Technological"), 34);
        assert_eq!(catalog.controls[0].id, "5.1");
        assert_eq!(catalog.controls[92].id, "8.34");
    }

    #[test]
    fn every_check_is_bound_as_spec_section_7_says() {
        let catalog = Catalog::built_in().expect("catalogue");
        let bound = |check: CheckId| catalog.binding(check).controls.join(",");
        assert_eq!(bound(CheckId::UptimeAvailability), "5.30,8.14");
        assert_eq!(bound(CheckId::UptimeCoverage), "8.16");
        assert_eq!(bound(CheckId::BackupOffsite), "8.13,5.30");
        assert_eq!(bound(CheckId::AccessSupportTicket), "8.2,5.15");
        assert_eq!(bound(CheckId::MonitoringAlertResolution), "8.16,8.6");
        assert_eq!(bound(CheckId::InputsRejectedRows), "8.15");
        for check in CheckId::ALL {
            assert_eq!(catalog.binding(check).check, check);
        }
    }

    #[test]
    fn the_built_in_soc2_crosswalk_names_61_criteria_and_known_controls() {
        let catalog = Catalog::built_in().expect("catalogue");
        let soc2 = &catalog.soc2;
        assert_eq!(soc2.criteria.len(), 61);
        let in_category = |category: &str| {
            soc2.criteria
                .iter()
                .filter(|c| c.category == category)
                .count()
        };
        assert_eq!(in_category("Common criteria"), 33);
        assert_eq!(in_category("Availability"), 3);
        assert_eq!(in_category("Confidentiality"), 2);
        assert_eq!(in_category("Processing integrity"), 5);
        assert_eq!(in_category("Privacy"), 18);
        assert!(soc2.mappings.len() >= 140, "{}", soc2.mappings.len());
        let control = |id: &str| {
            catalog
                .controls
                .iter()
                .find(|c| c.id == id)
                .expect("control")
                .soc2
                .join(";")
        };
        assert_eq!(control("8.6"), "A1.1");
        assert_eq!(control("8.13"), "A1.2;PI1.5");
        assert_eq!(control("5.32"), "");
        let relationship = |control: &str, criterion: &str| {
            soc2.mappings
                .iter()
                .find(|m| m.control == control && m.criterion == criterion)
                .map(|m| m.relationship)
        };
        assert_eq!(relationship("8.7", "CC6.8"), Some(Relationship::Equal));
        assert_eq!(relationship("8.5", "CC6.1"), Some(Relationship::Subset));
    }

    #[test]
    fn a_crosswalk_row_naming_an_unknown_criterion_or_relationship_names_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |name: &str, text: &str| {
            std::fs::write(dir.path().join(name), text).expect("write");
        };
        write("annex-a.csv", BUILT_IN_CONTROLS);
        write("bindings.toml", BUILT_IN_BINDINGS);
        write("soc2-criteria.csv", BUILT_IN_SOC2_CRITERIA);
        let cases = [
            (
                "8.6,A1.1,equal,us\n8.7,CC9.9,equal,us\n",
                "line 3: criterion CC9.9 is not in",
            ),
            (
                "8.6,A1.1,related,us\n",
                "line 2: unknown relationship `related`",
            ),
            (
                "9.1,A1.1,equal,us\n",
                "line 2: control 9.1 is not in the catalogue",
            ),
            (
                "8.6,A1.1,equal,\n",
                "line 2: the source of the mapping is empty",
            ),
            (
                "8.6,A1.1,equal,us\n8.6,A1.1,subset,us\n",
                "line 3: 8.6 to A1.1 is mapped twice",
            ),
        ];
        for (rows, expected) in cases {
            write(
                "crosswalk-soc2.csv",
                &format!("annex_a,tsc,relationship,source\n{rows}"),
            );
            let message = Catalog::load(dir.path())
                .expect_err("a bad crosswalk")
                .to_string();
            assert!(
                message.contains("crosswalk-soc2.csv") && message.contains(expected),
                "{message}"
            );
        }
        std::fs::remove_file(dir.path().join("crosswalk-soc2.csv")).expect("remove");
        std::fs::remove_file(dir.path().join("soc2-criteria.csv")).expect("remove");
        let catalog = Catalog::load(dir.path()).expect("the built-in crosswalk");
        assert_eq!(catalog.soc2, Catalog::built_in().expect("built in").soc2);
    }

    #[test]
    fn floors_flag_a_looser_policy() {
        let catalog = Catalog::built_in().expect("catalogue");
        let policy = Policy {
            rpo: 72 * 3_600_000,
            ..Policy::default()
        };
        let floor = &catalog.binding(CheckId::BackupRpo).floors[0];
        let message = floor.violation(&policy).expect("looser than the floor");
        assert!(
            message.contains("policy rpo = 3d, the catalogue requires at most 24h"),
            "{message}"
        );
        assert_eq!(floor.violation(&Policy::default()), None);
    }
}
