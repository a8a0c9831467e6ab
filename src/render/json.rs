//! `summary.json` (SPEC §9). Keys are written in sorted order (serde_json's default
//! map), so the file is byte-stable.

use serde_json::{json, Value};

use crate::error::Error;
use crate::model::{Assessment, ControlStatus, Status};
use crate::period::format_utc;

/// Rounds for display to the precision the CSVs use; the statuses were decided on the
/// unrounded values.
fn round(value: Option<f64>, decimals: i32) -> Value {
    match value {
        Some(x) => {
            let scale = 10f64.powi(decimals);
            json!((x * scale).round() / scale)
        }
        None => Value::Null,
    }
}

fn date(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Every declared waiver with its state at the period end (expired ones included).
fn waivers(assessment: &Assessment) -> Vec<Value> {
    assessment
        .waivers
        .iter()
        .map(|entry| {
            let waiver = &entry.waiver;
            json!({
                "check": waiver.check.as_str(),
                "subject": waiver.subject,
                "justification": waiver.justification,
                "approver": waiver.approver,
                "expires_on": date(waiver.expires_on),
                "state": entry.state.as_str(),
                "days_left": entry.days_left,
                "waived_rows": entry.waived_rows,
            })
        })
        .collect()
}

/// Every declared attestation with its state and the status its control rolled up to.
fn attestations(assessment: &Assessment) -> Vec<Value> {
    assessment
        .attestations
        .iter()
        .map(|entry| {
            let attestation = &entry.attestation;
            let control_status = assessment
                .control(&attestation.control)
                .map(|c| c.status.as_str());
            json!({
                "control": attestation.control,
                "status": attestation.kind.as_str(),
                "justification": attestation.justification,
                "owner": attestation.owner,
                "evidence": attestation.evidence,
                "reviewed_on": date(attestation.reviewed_on),
                "state": entry.state.as_str(),
                "control_status": control_status,
            })
        })
        .collect()
}

pub fn summary(assessment: &Assessment) -> Result<Vec<u8>, Error> {
    let counts = assessment.counts();
    let by_status: serde_json::Map<String, Value> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), json!(counts.get(*s))))
        .collect();
    let controls: serde_json::Map<String, Value> = ControlStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), json!(assessment.control_count(*s))))
        .collect();
    let seconds = |ms: i64| json!(ms as f64 / 1000.0);
    let services: Vec<Value> = assessment
        .services
        .iter()
        .map(|s| {
            json!({
                "service": s.service,
                "locations": s.locations,
                "quorum": s.quorum,
                "availability_percent": round(s.availability, 4),
                "coverage_percent": round(s.coverage, 4),
                "error_budget_used_percent": round(s.error_budget_used, 4),
                "period_seconds": seconds(s.period_ms),
                "scheduled_seconds": seconds(s.scheduled_ms),
                "no_data_seconds": seconds(s.no_data_ms),
                "down_seconds": seconds(s.down_ms),
                "measured_seconds": seconds(s.measured_ms),
                "incidents": s.incidents,
            })
        })
        .collect();
    let summary = json!({
        "tool_version": assessment.tool_version,
        "generated_at": format_utc(assessment.generated_at),
        "organisation": assessment.organisation.name,
        "period": {
            "label": assessment.period.label,
            "start": format_utc(assessment.period.start),
            "end": format_utc(assessment.period.end),
            "timezone": assessment.period.timezone.name(),
        },
        "template": assessment.template,
        "tenant": assessment.tenant,
        "verdict": assessment.verdict().as_str(),
        "counts": by_status,
        "findings": counts.total(),
        "controls": controls,
        "availability": services,
        "incidents": assessment.incidents.len(),
        "inputs": assessment.inputs.len(),
        "rejected_rows": assessment.rejected.len(),
        "waivers": waivers(assessment),
        "attestations": attestations(assessment),
        "signed": !assessment.signers.is_empty(),
        "signers": assessment.signers,
    });
    let mut bytes = serde_json::to_vec_pretty(&summary).map_err(|e| Error::Render {
        what: "summary.json",
        message: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}
