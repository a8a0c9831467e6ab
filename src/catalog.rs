//! The control catalogue: the 93 Annex A controls of ISO/IEC 27001:2022 (ids, titles,
//! themes only) and the check → control bindings with their policy floors, as data
//! under `controls/`. Built into the binary; `[controls].catalog` replaces it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::InputKind;
use crate::error::Error;
pub use crate::model::Control;
use crate::model::{CheckId, Policy};
use crate::time::parse_duration;

const BUILT_IN_CONTROLS: &str = include_str!("../controls/annex-a.csv");
const BUILT_IN_BINDINGS: &str = include_str!("../controls/bindings.toml");

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
        Catalog::parse(
            &controls_path,
            &controls_text,
            &bindings_path,
            &bindings_text,
        )
    }

    fn parse(
        controls_path: &Path,
        controls_text: &str,
        bindings_path: &Path,
        bindings_text: &str,
    ) -> Result<Catalog, Error> {
        let catalog_error = |path: &Path, message: String| Error::Catalog {
            path: path.to_path_buf(),
            message,
        };
        let mut controls = Vec::new();
        let mut reader = csv::Reader::from_reader(controls_text.as_bytes());
        for record in reader.deserialize::<Control>() {
            let control = record.map_err(|e| catalog_error(controls_path, e.to_string()))?;
            controls.push(control);
        }
        let raw: RawBindings = toml::from_str(bindings_text)
            .map_err(|e| catalog_error(bindings_path, e.message().to_string()))?;
        let mut bindings = Vec::new();
        for raw_binding in raw.check {
            let check: CheckId = raw_binding
                .id
                .parse()
                .map_err(|e: String| catalog_error(bindings_path, e))?;
            for control in &raw_binding.controls {
                if !controls.iter().any(|c| &c.id == control) {
                    return Err(catalog_error(
                        bindings_path,
                        format!("{check}: control {control} is not in the catalogue"),
                    ));
                }
            }
            let input = match &raw_binding.input {
                Some(kind) => Some(InputKind::parse(kind).ok_or_else(|| {
                    catalog_error(
                        bindings_path,
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
                .map_err(|message| catalog_error(bindings_path, message))?;
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
                    format!("check {check} must be bound exactly once, found {count}"),
                ));
            }
        }
        Ok(Catalog { controls, bindings })
    }

    pub fn binding(&self, check: CheckId) -> &Binding {
        // `parse` guarantees one binding per check id, in CheckId::ALL order.
        &self.bindings[CheckId::ALL
            .iter()
            .position(|c| *c == check)
            .unwrap_or_default()]
    }
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
