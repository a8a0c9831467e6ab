//! `attestations.toml` and `waivers.toml` (SPEC §8) → validated [`Attestation`]s and
//! [`Waiver`]s: what people declare about controls and checks, beside what the evidence
//! shows. Paths come from `[controls]` and are relative to the config file.
//!
//! ```toml
//! [[attestation]]
//! control = "5.1"                  # an Annex A id of the catalogue
//! status = "implemented"           # implemented | not_applicable
//! justification = "Policy set approved by the board and published to all staff"
//! owner = "Head of Information Security"
//! evidence = "ISMS-POL-001 Information Security Policy v4.2"  # optional for not_applicable
//! reviewed_on = 2026-02-17         # a TOML date (or the string "2026-02-17")
//!
//! [[waiver]]
//! check = "backup.restore_test"    # a check id
//! subject = "ledger-db"            # a findings subject, or "*" for every subject
//! justification = "Restore environment rebuilt after the storage migration"
//! approver = "m.okafor (Head of Infrastructure)"
//! expires_on = 2026-11-10          # the last local day it is in force
//! ```
//!
//! Errors are config errors (exit 2), reported all at once with the line, the entry and
//! key (`attestation[2].owner`) and what was expected. To report every problem of every
//! entry, unknown keys included, entries are read key by key from spanned maps rather
//! than by a derived struct, whose first unknown key would stop serde. Free text is
//! kept on one line (whitespace collapsed), because it lands in CSV cells and one-line
//! JUnit messages. Nothing here judges a date against a period: that is `model`'s job.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::{Spanned, Value};

use super::{raw, ControlsConfig, Problems};
use crate::error::Error;
use crate::model::{Attestation, AttestationKind, CheckId, Waiver};

/// The attestations and waivers `[controls]` declares; empty when it names none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declarations {
    /// In file order.
    pub attestations: Vec<Attestation>,
    /// In file order.
    pub waivers: Vec<Waiver>,
}

impl Declarations {
    /// Reads and validates the files `[controls]` names; `control_ids` are the ids of the
    /// catalogue in use. Problems in both files are reported together.
    pub fn load(controls: &ControlsConfig, control_ids: &[&str]) -> Result<Declarations, Error> {
        let attestations = controls
            .attestations
            .as_deref()
            .map(|path| parse_attestations(path, &read(path)?, control_ids))
            .transpose();
        let waivers = controls
            .waivers
            .as_deref()
            .map(|path| parse_waivers(path, &read(path)?))
            .transpose();
        match (attestations, waivers) {
            (Ok(attestations), Ok(waivers)) => Ok(Declarations {
                attestations: attestations.unwrap_or_default(),
                waivers: waivers.unwrap_or_default(),
            }),
            (Err(a), Err(w)) => Err(Error::Several(vec![a, w])),
            (Err(error), _) | (_, Err(error)) => Err(error),
        }
    }
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        action: "read the file",
        source,
    })
}

/// A table's keys with their spans, read one by one.
type RawEntry = BTreeMap<Spanned<String>, Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttestations {
    #[serde(default)]
    attestation: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaivers {
    #[serde(default)]
    waiver: Vec<Spanned<RawEntry>>,
}

const ATTESTATION_KEYS: &[&str] = &[
    "control",
    "status",
    "justification",
    "owner",
    "evidence",
    "reviewed_on",
];

const WAIVER_KEYS: &[&str] = &[
    "check",
    "subject",
    "justification",
    "approver",
    "expires_on",
];

/// Validates the text of an attestations file read from `path`.
pub fn parse_attestations(
    path: &Path,
    text: &str,
    control_ids: &[&str],
) -> Result<Vec<Attestation>, Error> {
    let raw: RawAttestations = parse_toml(path, text)?;
    // The entry that first attested each control, to refuse a second.
    let mut first: BTreeMap<String, (String, usize)> = BTreeMap::new();
    let read = |entry: &mut Entry, problems: &mut Problems<'_>| {
        read_attestation(entry, control_ids, &mut first, problems)
    };
    read_entries(
        path,
        text,
        "attestation",
        ATTESTATION_KEYS,
        raw.attestation,
        read,
    )
}

/// Validates the text of a waivers file read from `path`.
pub fn parse_waivers(path: &Path, text: &str) -> Result<Vec<Waiver>, Error> {
    let raw: RawWaivers = parse_toml(path, text)?;
    read_entries(path, text, "waiver", WAIVER_KEYS, raw.waiver, read_waiver)
}

/// Reads every entry with `read`, then reports the keys it left as unknown; the values
/// when no entry had a problem, else every problem as one config error of `path`.
fn read_entries<T>(
    path: &Path,
    text: &str,
    kind: &str,
    keys: &'static [&'static str],
    entries: Vec<Spanned<RawEntry>>,
    mut read: impl FnMut(&mut Entry, &mut Problems<'_>) -> Option<T>,
) -> Result<Vec<T>, Error> {
    let mut problems = Problems::new(text);
    let mut values = Vec::new();
    for (index, raw_entry) in entries.into_iter().enumerate() {
        let mut entry = Entry::new(kind, index, raw_entry, keys, text);
        values.extend(read(&mut entry, &mut problems));
        entry.report_unknown_keys(&mut problems);
    }
    problems.into_result(path, values)
}

/// One `[[attestation]]`; every key is read (and every problem reported) before any
/// missing value gives `None`. `first` records the entry that first attests a control.
fn read_attestation(
    entry: &mut Entry,
    control_ids: &[&str],
    first: &mut BTreeMap<String, (String, usize)>,
    problems: &mut Problems<'_>,
) -> Option<Attestation> {
    let control = entry.control(control_ids, first, problems);
    if let Some(control) = &control {
        first.insert(control.clone(), (entry.name.clone(), entry.line));
    }
    let kind = entry.kind(problems);
    let justification = entry.text(
        "justification",
        "why the control is met or does not apply",
        problems,
    );
    let owner = entry.text(
        "owner",
        "the person or role accountable for the control",
        problems,
    );
    let evidence = if kind == Some(AttestationKind::NotApplicable) {
        entry.optional_text("evidence", "a reference to the evidence", problems)
    } else {
        entry.text(
            "evidence",
            "a reference to the evidence, such as a document and its version",
            problems,
        )
    };
    let reviewed_on = entry.date("reviewed_on", problems);
    Some(Attestation {
        control: control?,
        kind: kind?,
        justification: justification?,
        owner: owner?,
        evidence: evidence?,
        reviewed_on: reviewed_on?,
    })
}

/// One `[[waiver]]`; every key is read before any missing value gives `None`.
fn read_waiver(entry: &mut Entry, problems: &mut Problems<'_>) -> Option<Waiver> {
    let check = entry.check(problems);
    let subject = entry.text(
        "subject",
        "the findings subject the waiver covers, or \"*\" for every subject",
        problems,
    );
    let justification = entry.text("justification", "why the failure is accepted", problems);
    let approver = entry.text("approver", "who accepted the risk", problems);
    let expires_on = entry.date("expires_on", problems);
    Some(Waiver {
        check: check?,
        subject: subject?,
        justification: justification?,
        approver: approver?,
        expires_on: expires_on?,
    })
}

/// The TOML structure: a syntax error or an unknown top-level table is one problem.
fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, Error> {
    toml::from_str(text).map_err(|error| Error::Config {
        path: path.to_path_buf(),
        problems: vec![raw::describe_toml_error(text, &error)],
    })
}

/// One `[[attestation]]` or `[[waiver]]` table while its keys are read.
struct Entry {
    /// `attestation[2]`: 1-based, as `input[N]` in `auditpack.toml`.
    name: String,
    /// The line of the table header, for keys that are missing.
    line: usize,
    span: std::ops::Range<usize>,
    /// Keys not read yet, by name, with the key's span and the value.
    values: BTreeMap<String, (std::ops::Range<usize>, Spanned<Value>)>,
    known: &'static [&'static str],
}

impl Entry {
    fn new(
        kind: &str,
        index: usize,
        raw_entry: Spanned<RawEntry>,
        known: &'static [&'static str],
        text: &str,
    ) -> Entry {
        let span = raw_entry.span();
        let values = raw_entry
            .into_inner()
            .into_iter()
            .map(|(key, value)| {
                let key_span = key.span();
                (key.into_inner(), (key_span, value))
            })
            .collect();
        Entry {
            name: format!("{kind}[{}]", index + 1),
            line: raw::line_of(text, span.start),
            span,
            values,
            known,
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}.{key}", self.name)
    }

    /// Takes a key's value; a missing required key is a problem at the table header.
    fn take(
        &mut self,
        key: &str,
        required: Option<&str>,
        problems: &mut Problems<'_>,
    ) -> Option<Spanned<Value>> {
        match self.values.remove(key) {
            Some((_, value)) => Some(value),
            None => {
                if let Some(what) = required {
                    problems.at(
                        self.span.clone(),
                        &self.key(key),
                        format!("missing: expected {what}"),
                    );
                }
                None
            }
        }
    }

    /// A required, non-empty string, on one line.
    fn text(&mut self, key: &str, what: &str, problems: &mut Problems<'_>) -> Option<String> {
        let value = self.take(key, Some(what), problems)?;
        self.string(key, what, value, problems)
    }

    /// An optional string: absent is empty; present must not be empty.
    fn optional_text(
        &mut self,
        key: &str,
        what: &str,
        problems: &mut Problems<'_>,
    ) -> Option<String> {
        match self.take(key, None, problems) {
            Some(value) => self.string(key, what, value, problems),
            None => Some(String::new()),
        }
    }

    fn string(
        &self,
        key: &str,
        what: &str,
        value: Spanned<Value>,
        problems: &mut Problems<'_>,
    ) -> Option<String> {
        let span = value.span();
        match value.into_inner() {
            Value::String(text) if !text.trim().is_empty() => Some(one_line(&text)),
            Value::String(_) => {
                problems.at(
                    span,
                    &self.key(key),
                    format!("expected {what}, found an empty string"),
                );
                None
            }
            other => {
                problems.at(
                    span,
                    &self.key(key),
                    format!("expected {what} as a string, found {}", describe(&other)),
                );
                None
            }
        }
    }

    /// A required date: a TOML local date (`2026-12-31`) or a string `"2026-12-31"`.
    fn date(&mut self, key: &str, problems: &mut Problems<'_>) -> Option<NaiveDate> {
        let expected = "a date such as 2026-12-31";
        let value = self.take(key, Some(expected), problems)?;
        let span = value.span();
        let date = match value.get_ref() {
            Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
                datetime.date.and_then(|d| {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                })
            }
            Value::String(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok(),
            _ => None,
        };
        if date.is_none() {
            problems.at(
                span,
                &self.key(key),
                format!(
                    "expected {expected} (a day, no time), found {}",
                    describe(value.get_ref())
                ),
            );
        }
        date
    }

    /// `control`: an id of the catalogue, attested once.
    fn control(
        &mut self,
        control_ids: &[&str],
        first: &BTreeMap<String, (String, usize)>,
        problems: &mut Problems<'_>,
    ) -> Option<String> {
        let what = "an Annex A control id of the catalogue, such as \"5.1\"";
        let value = self.take("control", Some(what), problems)?;
        let span = value.span();
        let id = self.string("control", what, value, problems)?;
        if !control_ids.contains(&id.as_str()) {
            let range = match (control_ids.first(), control_ids.last()) {
                (Some(first), Some(last)) => {
                    format!(" ({} controls, {first} to {last})", control_ids.len())
                }
                _ => String::new(),
            };
            problems.at(
                span,
                &self.key("control"),
                format!("expected an Annex A control id of the catalogue{range}, found `{id}`"),
            );
            return None;
        }
        if let Some((name, line)) = first.get(&id) {
            problems.at(
                span,
                &self.key("control"),
                format!("control {id} is already attested by {name} on line {line}; expected one attestation per control"),
            );
            return None;
        }
        Some(id)
    }

    /// `status`: implemented | not_applicable.
    fn kind(&mut self, problems: &mut Problems<'_>) -> Option<AttestationKind> {
        let valid: Vec<&str> = AttestationKind::ALL.iter().map(|k| k.as_str()).collect();
        let what = format!("one of {}", valid.join(", "));
        self.one_of("status", &what, AttestationKind::parse, problems)
    }

    /// `check`: a check id.
    fn check(&mut self, problems: &mut Problems<'_>) -> Option<CheckId> {
        let valid: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        let what = format!("a check id, one of {}", valid.join(", "));
        self.one_of("check", &what, |text| text.parse().ok(), problems)
    }

    /// A required string that `parse` accepts; `what` lists the valid choices.
    fn one_of<T>(
        &mut self,
        key: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        problems: &mut Problems<'_>,
    ) -> Option<T> {
        let value = self.take(key, Some(what), problems)?;
        let span = value.span();
        let text = self.string(key, what, value, problems)?;
        let parsed = parse(&text);
        if parsed.is_none() {
            problems.at(
                span,
                &self.key(key),
                format!("expected {what}, found `{text}`"),
            );
        }
        parsed
    }

    /// Every key left once the known ones are read is unknown.
    fn report_unknown_keys(&mut self, problems: &mut Problems<'_>) {
        let mut unknown: Vec<(String, std::ops::Range<usize>)> = std::mem::take(&mut self.values)
            .into_iter()
            .map(|(key, (span, _))| (key, span))
            .collect();
        unknown.sort_by_key(|(_, span)| span.start);
        for (key, span) in unknown {
            problems.at(
                span,
                &self.key(&key),
                format!("unknown key; expected one of {}", self.known.join(", ")),
            );
        }
    }
}

/// Free text on one line: CSV cells and JUnit messages are single lines.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(text) => format!("`{text}`"),
        Value::Datetime(datetime) => format!("`{datetime}`"),
        other => {
            let kind = other.type_str();
            let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {kind} (`{other}`)")
        }
    }
}

#[cfg(test)]
mod tests;
