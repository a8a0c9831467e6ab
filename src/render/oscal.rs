//! `oscal/assessment-results.json` (SPEC §17): the assessment as OSCAL 1.1.2
//! assessment-results, for GRC tools. One result for the period; per findings row an
//! observation (its measured value, target, unit and the evidence file with its
//! SHA-256, method `TEST`) and a finding whose target is the row's first control
//! (`a.5.30` for Annex A 5.30: an OSCAL id must start with a letter), `satisfied` when
//! the row passes and `not-satisfied` otherwise (the reason `fail` for fail and waived
//! rows, `other` for not evaluated and error ones, the status in the remarks);
//! attestations as observations of method `EXAMINE`.
//!
//! Every UUID is derived from what it names (a version-5-style UUID over SHA-256), so
//! the file is the same bytes for the same assessment. It lays out the model; it
//! decides nothing.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::PackEntry;
use crate::model::{Assessment, AttestationEntry, Finding, Status};
use crate::period::format_utc;

/// The namespace of auditpack's own props.
const NS: &str = "https://auditpack.dev/ns/oscal";

use crate::digest::name_uuid as uuid;

/// An Annex A control id as an OSCAL token: `5.30` → `a.5.30`.
fn control_id(control: &str) -> String {
    format!("a.{control}")
}

fn prop(name: &str, value: impl Into<String>) -> Value {
    json!({ "name": name, "ns": NS, "value": value.into() })
}

/// Non-empty text (OSCAL markup may not be empty).
fn text(value: &str, otherwise: &str) -> String {
    if value.trim().is_empty() {
        otherwise.to_string()
    } else {
        value.to_string()
    }
}

/// Writes the document to `out` as it is serialised (an error is the writer's, or the
/// serialiser's as an `InvalidData` I/O error).
pub fn assessment_results(
    assessment: &Assessment,
    pack: &[PackEntry],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let period = &assessment.period;
    let generated = format_utc(assessment.generated_at);
    let scope = format!(
        "{}|{}|{}",
        assessment.organisation.name,
        period.label,
        assessment.tenant.as_deref().unwrap_or("*")
    );
    let manifest = uuid(&format!("{scope}|manifest"));
    // Per findings row an observation and a finding, made one at a time as they are
    // written (a million subjects must not become a million JSON trees at once).
    let rows = &assessment.findings;
    let scope_ref = scope.as_str();
    let row_key = move |index: usize, finding: &Finding| {
        format!("{scope_ref}|{}|{}|{index}", finding.check, finding.subject)
    };
    let attestations: Vec<Value> = assessment
        .attestations
        .iter()
        .map(|entry| attestation_of(entry, &scope, &generated))
        .collect();
    let (attestations, generated) = (&attestations, generated.as_str());
    let observations = Node::Seq(
        rows.len() + attestations.len(),
        Box::new(move || {
            Box::new(
                rows.iter()
                    .enumerate()
                    .map(move |(index, finding)| {
                        let observation = uuid(&format!("{}|observation", row_key(index, finding)));
                        observation_of(finding, &observation, generated, pack)
                    })
                    .chain(attestations.iter().cloned()),
            )
        }),
    );
    let findings = Node::Seq(
        rows.len(),
        Box::new(move || {
            Box::new(rows.iter().enumerate().map(move |(index, finding)| {
                let key = row_key(index, finding);
                let observation = uuid(&format!("{key}|observation"));
                finding_of(finding, &key, &observation)
            }))
        }),
    );
    let mut result = Node::map(json!({
        "uuid": uuid(&format!("{scope}|result")),
        "title": format!("ISO/IEC 27001:2022 Annex A evidence for {}", period.label),
        "description": format!(
            "Checks of {}'s operational evidence for the period {} against the Annex A controls they are bound to, by auditpack {}.",
            assessment.organisation.name, period.label, assessment.tool_version
        ),
        "start": format_utc(period.start),
        "end": format_utc(period.end),
        "reviewed-controls": { "control-selections": [{ "include-all": {} }] },
    }));
    result.insert("observations", observations);
    result.insert("findings", findings);
    let mut results = Node::map(json!({
        "uuid": uuid(&format!("{scope}|assessment-results")),
        "metadata": {
            "title": format!(
                "{}: {} evidence pack, {}",
                assessment.organisation.name, assessment.template, period.label
            ),
            "last-modified": format_utc(assessment.generated_at),
            "version": assessment.tool_version,
            "oscal-version": "1.1.2",
        },
        "import-ap": { "href": format!("#{manifest}") },
        "back-matter": {
            "resources": [{
                "uuid": manifest,
                "title": "The evidence pack's manifest",
                "description": "Every file of the pack with its SHA-256; SHA256SUMS.sig signs it.",
                "rlinks": [{ "href": "../SHA256SUMS" }],
            }],
        },
    }));
    results.insert("results", Node::List(vec![result]));
    let mut document = Node::Map(BTreeMap::new());
    document.insert("assessment-results", results);
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}

/// A JSON document whose long arrays are made element by element while it is
/// written. Maps keep their keys sorted, as `serde_json::Map` does, so the bytes are
/// those of the same document built as a `Value`; an empty sequence is left out (OSCAL
/// forbids empty arrays).
enum Node<'a> {
    Value(Value),
    Map(BTreeMap<String, Node<'a>>),
    List(Vec<Node<'a>>),
    /// The element count and a maker of the elements.
    Seq(usize, Box<SeqMaker<'a>>),
}

type SeqMaker<'a> = dyn Fn() -> Box<dyn Iterator<Item = Value> + 'a> + 'a;

impl<'a> Node<'a> {
    /// The node of a JSON object built with `json!`.
    fn map(value: Value) -> Node<'a> {
        match value {
            Value::Object(map) => Node::Map(
                map.into_iter()
                    .map(|(key, value)| (key, Node::Value(value)))
                    .collect(),
            ),
            other => Node::Value(other),
        }
    }

    fn insert(&mut self, key: &str, node: Node<'a>) {
        if let Node::Map(map) = self {
            map.insert(key.to_string(), node);
        }
    }

    fn is_empty_seq(&self) -> bool {
        matches!(self, Node::Seq(0, _))
    }
}

impl serde::Serialize for Node<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Node::Value(value) => value.serialize(serializer),
            Node::Map(map) => {
                let mut out = serializer.serialize_map(None)?;
                for (key, node) in map.iter().filter(|(_, node)| !node.is_empty_seq()) {
                    out.serialize_entry(key, node)?;
                }
                out.end()
            }
            Node::List(nodes) => serializer.collect_seq(nodes),
            Node::Seq(_, make) => serializer.collect_seq(make()),
        }
    }
}

fn attestation_of(entry: &AttestationEntry, scope: &str, generated: &str) -> Value {
    let attestation = &entry.attestation;
    let mut props = vec![
        prop("control", attestation.control.clone()),
        prop(
            "attestation-kind",
            format!("{:?}", attestation.kind).to_lowercase(),
        ),
        prop("owner", attestation.owner.clone()),
        prop(
            "reviewed-on",
            attestation.reviewed_on.format("%Y-%m-%d").to_string(),
        ),
        prop("state", format!("{:?}", entry.state).to_lowercase()),
    ];
    props.retain(|p| p["value"].as_str().is_some_and(|v| !v.is_empty()));
    let mut observation = json!({
        "uuid": uuid(&format!("{scope}|attestation|{}", attestation.control)),
        "title": format!("Attestation of control {}", attestation.control),
        "description": text(&attestation.justification, "attested by its owner"),
        "methods": ["EXAMINE"],
        "collected": generated,
        "props": props,
    });
    if !attestation.evidence.trim().is_empty() {
        observation["relevant-evidence"] = json!([{ "description": attestation.evidence }]);
    }
    observation
}

fn observation_of(finding: &Finding, uuid: &str, collected: &str, pack: &[PackEntry]) -> Value {
    let unit = finding.unit;
    let mut props = vec![
        prop("check", finding.check.as_str()),
        prop("subject", finding.subject.clone()),
        prop("status", finding.status.as_str()),
        prop("unit", unit.as_str()),
    ];
    if let Some(measured) = finding.measured {
        props.push(prop("measured", unit.format(measured)));
    }
    if let Some(target) = finding.target {
        props.push(prop("target", unit.format(target)));
    }
    let evidence_path = format!("evidence/{}.csv", finding.check.as_str());
    let evidence = pack
        .iter()
        .find(|entry| entry.path == evidence_path)
        .or_else(|| pack.iter().find(|entry| entry.path == "findings.csv"));
    let mut observation = json!({
        "uuid": uuid,
        "title": format!("{} for {}", finding.check, finding.subject),
        "description": text(&finding.detail, finding.check.as_str()),
        "methods": ["TEST"],
        "collected": collected,
        "props": props,
    });
    if let Some(entry) = evidence {
        observation["relevant-evidence"] = json!([{
            "href": format!("../{}", entry.path),
            "description": format!("{} in the pack", entry.path),
            "props": [prop("sha256", entry.sha256.clone())],
        }]);
    }
    observation
}

fn finding_of(finding: &Finding, key: &str, observation: &str) -> Value {
    let control = finding.controls.first().map_or("none", String::as_str);
    let (state, reason) = match finding.status {
        Status::Pass => ("satisfied", "pass"),
        Status::Fail | Status::Waived => ("not-satisfied", "fail"),
        Status::NotEvaluated | Status::Error => ("not-satisfied", "other"),
    };
    let mut remarks = format!("auditpack status: {}", finding.status.as_str());
    if let Some(waiver) = &finding.waiver {
        remarks.push_str(&format!("; waiver: {}", waiver.label()));
    }
    let mut props: Vec<Value> = finding
        .controls
        .iter()
        .map(|c| prop("annex-a-control", c.clone()))
        .collect();
    props.push(prop("check", finding.check.as_str()));
    json!({
        "uuid": uuid(&format!("{key}|finding")),
        "title": format!("{} for {}: {}", finding.check, finding.subject, finding.status.as_str()),
        "description": text(&finding.detail, finding.check.as_str()),
        "props": props,
        "target": {
            "type": "objective-id",
            "target-id": control_id(control),
            "status": { "state": state, "reason": reason, "remarks": remarks },
        },
        "related-observations": [{ "observation-uuid": observation }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_in_the_version_5_layout() {
        let a = uuid("x");
        assert_eq!(a, uuid("x"));
        assert_ne!(a, uuid("y"));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'));
        assert!(matches!(
            parts[3].chars().next(),
            Some('8' | '9' | 'a' | 'b')
        ));
        assert_eq!(control_id("5.30"), "a.5.30");
    }
}
