//! Alertmanager → canonical `alerts` rows (SPEC §5, §7 `monitoring.alert_resolution`).
//!
//! Reads webhook payloads (Alertmanager's `webhook_config`, payload `version` "4"), one
//! JSON object a line, as a receiver that appends each request body to a file writes
//! them. Each payload carries `alerts[]`; each alert becomes one row:
//!
//! | canonical | from |
//! |---|---|
//! | `alert` | `labels.alertname` |
//! | `target` | `labels.instance`, else `labels.service`, else `labels.job` |
//! | `severity` | `labels.severity` |
//! | `started_at` | `startsAt` |
//! | `resolved_at` | `endsAt`, only when the alert's `status` is `resolved` (a firing alert's `endsAt` is `0001-01-01T00:00:00Z` or a provisional expiry, never a resolution) |
//! | `acknowledged_at` | none: Alertmanager has no acknowledgement |
//!
//! The same alert is sent again in later payloads (still firing at each repeat
//! interval, then resolved), so alerts are de-duplicated on `fingerprint` + `startsAt`
//! across the whole file (an alert without a `fingerprint` is keyed on its labels
//! instead): one row, whose `resolved_at` is taken from any copy that says resolved,
//! and whose other values and `line` come from the first payload that carried it. This
//! holds the distinct alerts of one file in memory, which is small next to the payloads.
//!
//! `line` is the physical 1-based line of a payload (SPEC §12). A line that is not JSON,
//! not an object, not a payload (no `alerts` array) or a payload of another `version` is
//! rejected and the rest of the file is used; so is an alert that is not an object. A
//! file in which no line is a version 4 payload (an `/api/v2/alerts` listing, a
//! pretty-printed document) stops the run naming the file. An empty file is zero rows.
//! This module never decides a check.

use std::collections::HashMap;
use std::io::{BufReader, Read};

use serde_json::Value;

use super::canonical::Sink;
use super::document::{at, describe, owned_text, parse_line, Lines};
use super::values::Raw;
use super::FileStats;
use crate::error::Error;

const EXPECTED: &str = "Alertmanager webhook payloads (version 4, one JSON object a line)";

/// `endsAt` of an alert that has not ended (Go's zero time).
const NOT_ENDED: &str = "0001-01-01T00:00:00Z";

/// One distinct alert, as first seen, with the resolution of any copy.
struct Alert {
    line: u64,
    alert: Option<String>,
    target: Option<String>,
    severity: Option<String>,
    started_at: Option<String>,
    resolved_at: Option<String>,
}

/// Reads one file of webhook payloads into the sink.
pub fn read(reader: impl Read, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let mut lines = Lines::new(BufReader::new(reader));
    let mut alerts: Vec<Alert> = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut payloads = 0u64;
    let mut first_failure: Option<(u64, String)> = None;
    while let Some((line, bytes)) = lines.next_line(sink)? {
        let parsed = parse_line(bytes);
        let payload_alerts = match parsed.as_ref().map_err(Clone::clone).and_then(alerts_of) {
            Ok(list) => list,
            Err(reason) => {
                first_failure.get_or_insert((line, reason.clone()));
                sink.reject(line, reason, &mut stats);
                continue;
            }
        };
        payloads += 1;
        for alert in payload_alerts {
            if !alert.is_object() {
                let reason = format!("an alert that is {}, not an object", describe(alert));
                sink.reject(line, reason, &mut stats);
                continue;
            }
            let resolved_at = resolution(alert);
            let key = key(alert);
            match seen.get(&key) {
                Some(&position) => {
                    let first = &mut alerts[position];
                    if first.resolved_at.is_none() {
                        first.resolved_at = resolved_at;
                    }
                }
                None => {
                    seen.insert(key, alerts.len());
                    alerts.push(first_copy(line, alert, resolved_at));
                }
            }
        }
    }
    if payloads == 0 {
        if let Some((line, reason)) = first_failure {
            return Err(sink.fatal(Some(line), format!("not {EXPECTED}: {reason}")));
        }
    }
    for alert in &alerts {
        let fields = [
            ("alert", &alert.alert),
            ("target", &alert.target),
            ("severity", &alert.severity),
            ("started_at", &alert.started_at),
            ("resolved_at", &alert.resolved_at),
        ];
        let fields: Vec<(&str, Raw<'_>)> = fields
            .iter()
            .filter_map(|(name, value)| value.as_deref().map(|text| (*name, Raw::Text(text))))
            .collect();
        sink.push_fields(alert.line, &fields, &mut stats);
    }
    Ok(stats)
}

/// The `alerts` of one line that is a version 4 payload; otherwise why it is not one.
fn alerts_of(payload: &Value) -> Result<&[Value], String> {
    let Value::Object(object) = payload else {
        return Err(format!(
            "expected a webhook payload object, found {}",
            describe(payload)
        ));
    };
    let Some(Value::Array(alerts)) = object.get("alerts") else {
        return Err("not a webhook payload: no `alerts` array".to_string());
    };
    match object.get("version") {
        None => {}
        Some(Value::String(version)) if version == "4" => {}
        Some(other) => {
            return Err(format!(
                "a webhook payload of version {other}: expected \"4\""
            ))
        }
    }
    Ok(alerts)
}

/// `fingerprint` + `startsAt`; the labels stand in for a missing fingerprint.
fn key(alert: &Value) -> (String, String) {
    let identity = match at(alert, &["fingerprint"]).and_then(Value::as_str) {
        Some(fingerprint) => format!("fingerprint {fingerprint}"),
        None => format!("labels {}", at(alert, &["labels"]).unwrap_or(&Value::Null)),
    };
    let started = owned_text(at(alert, &["startsAt"])).unwrap_or_default();
    (identity, started)
}

/// `endsAt` of an alert whose `status` is `resolved`.
fn resolution(alert: &Value) -> Option<String> {
    let resolved = at(alert, &["status"]).and_then(Value::as_str) == Some("resolved");
    owned_text(at(alert, &["endsAt"]))
        .filter(|ends| resolved && ends.trim() != NOT_ENDED && !ends.trim().is_empty())
}

fn first_copy(line: u64, alert: &Value, resolved_at: Option<String>) -> Alert {
    let label = |name: &str| owned_text(at(alert, &["labels", name]));
    Alert {
        line,
        alert: label("alertname"),
        target: label("instance")
            .or_else(|| label("service"))
            .or_else(|| label("job")),
        severity: label("severity"),
        started_at: owned_text(at(alert, &["startsAt"])),
        resolved_at,
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{
        ingest_input, ints, line_numbers, rejected, table, texts,
    };
    use crate::config::InputKind;
    use crate::ingest::Ingested;

    const PAYLOADS: &str =
        include_str!("../../tests/samples/alertmanager-0.25-webhook-payloads.ndjson");
    const API_ALERTS: &str =
        include_str!("../../tests/samples/alertmanager-0.25-api-v2-alerts.json");
    const PROMETHEUS: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-probe_success.json");

    /// One alerts row: (line, alert, target, severity, started_at, resolved_at).
    type AlertRow = (u64, String, String, Option<String>, i64, Option<i64>);

    fn read(content: &str) -> Ingested {
        ingest_input(
            "alerts",
            "hook.ndjson",
            content.as_bytes(),
            "alertmanager",
            "",
        )
        .expect("ingest")
    }

    fn fatal(content: &str) -> String {
        ingest_input(
            "alerts",
            "hook.ndjson",
            content.as_bytes(),
            "alertmanager",
            "",
        )
        .expect_err("fatal")
        .to_string()
    }

    fn alerts(ingested: &Ingested) -> Vec<AlertRow> {
        let table = table(ingested, InputKind::Alerts);
        let lines = line_numbers(table);
        let [alert, target, severity] =
            ["alert", "target", "severity"].map(|name| texts(table, name));
        let started = ints(table, "started_at");
        let resolved = ints(table, "resolved_at");
        (0..table.height())
            .map(|i| {
                (
                    lines[i],
                    alert[i].clone().expect("alert"),
                    target[i].clone().expect("target"),
                    severity[i].clone(),
                    started[i].expect("started_at"),
                    resolved[i],
                )
            })
            .collect()
    }

    #[test]
    fn alertmanager_0_25_payloads_give_one_row_per_alert_with_the_resolution() {
        let ingested = read(PAYLOADS);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let critical = Some("critical".to_string());
        // 2026-11-22T03:35:15.672Z, 03:36:29.672Z and the resolution at 03:36:45.672Z.
        let down_8089 = 1_795_318_515_672;
        let down_8081 = 1_795_318_589_672;
        assert_eq!(
            alerts(&ingested),
            vec![
                // Firing in all three payloads: still firing.
                (
                    1,
                    "EndpointDown".into(),
                    "http://127.0.0.1:8089/".into(),
                    critical.clone(),
                    down_8089,
                    None
                ),
                // First carried by line 2, resolved in line 3.
                (
                    2,
                    "EndpointDown".into(),
                    "http://127.0.0.1:8081/".into(),
                    critical,
                    down_8081,
                    Some(down_8081 + 16_000)
                ),
            ]
        );
        assert_eq!(ingested.files[0].rows, 2);
    }

    fn payload(status: &str, alerts: &[String]) -> String {
        format!(
            r#"{{"receiver":"hook","status":"{status}","alerts":[{}],"groupLabels":{{}},"commonLabels":{{}},"commonAnnotations":{{}},"externalURL":"http://am:9093","version":"4","groupKey":"{{}}:{{}}","truncatedAlerts":0}}"#,
            alerts.join(",")
        )
    }

    fn alert(status: &str, labels: &str, starts: &str, ends: &str, fingerprint: &str) -> String {
        format!(
            r#"{{"status":"{status}","labels":{{{labels}}},"annotations":{{}},"startsAt":"{starts}","endsAt":"{ends}","generatorURL":"","fingerprint":"{fingerprint}"}}"#
        )
    }

    #[test]
    fn resolved_wins_whatever_the_order_and_a_firing_end_is_no_resolution() {
        let db = r#""alertname":"DiskFull","service":"db","job":"node""#;
        let api = r#""alertname":"Latency","job":"api""#;
        let starts = "2026-11-01T10:00:00Z";
        let ends = "2026-11-01T12:30:00Z";
        let content = [
            // Resolved first, then a stale firing copy: still resolved.
            payload("resolved", &[alert("resolved", db, starts, ends, "f1")]),
            payload(
                "firing",
                &[alert("firing", db, starts, "0001-01-01T00:00:00Z", "f1")],
            ),
            // Firing with a provisional `endsAt` (as the API shows it): not resolved.
            payload("firing", &[alert("firing", api, starts, ends, "f2")]),
            // The same fingerprint firing again later is another alert.
            payload(
                "firing",
                &[alert(
                    "firing",
                    db,
                    "2026-11-02T08:00:00+02:00",
                    "0001-01-01T00:00:00Z",
                    "f1",
                )],
            ),
        ]
        .join("\r\n");
        let ingested = read(&content);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let start = 1_793_527_200_000; // 2026-11-01T10:00:00Z
        assert_eq!(
            alerts(&ingested),
            vec![
                (
                    1,
                    "DiskFull".into(),
                    "db".into(),
                    None,
                    start,
                    Some(start + 9_000_000)
                ),
                (3, "Latency".into(), "api".into(), None, start, None),
                (
                    4,
                    "DiskFull".into(),
                    "db".into(),
                    None,
                    start + 72_000_000,
                    None
                ),
            ]
        );
    }

    #[test]
    fn broken_lines_and_alerts_are_rejected_by_physical_line_and_the_rest_used() {
        let web = r#""alertname":"Down","instance":"web1""#;
        let good = payload(
            "firing",
            &[alert(
                "firing",
                web,
                "2026-11-01T10:00:00Z",
                "0001-01-01T00:00:00Z",
                "a",
            )],
        );
        let content = [
            good.clone(),
            "{\"receiver\":\"hook\",\"alerts\":[".to_string(),
            String::new(),
            "[1,2]".to_string(),
            r#"{"receiver":"hook","alerts":[],"version":"3"}"#.to_string(),
            payload(
                "firing",
                &[
                    "\"oops\"".to_string(),
                    alert(
                        "firing",
                        r#""alertname":"Down""#,
                        "2026-11-01T11:00:00Z",
                        "",
                        "b",
                    ),
                    alert("firing", web, "yesterday", "", "c"),
                    alert("firing", web, "2026-11-01T12:00:00Z", "", "d"),
                ],
            ),
        ]
        .join("\n");
        let ingested = read(&content);
        let rejected = rejected(&ingested);
        let lines: Vec<u64> = rejected.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![2, 4, 5, 6, 6, 6], "{rejected:?}");
        assert!(rejected[0].1.starts_with("not JSON"), "{rejected:?}");
        assert!(rejected[1].1.contains("found an array"), "{rejected:?}");
        assert!(rejected[2].1.contains("version \"3\""), "{rejected:?}");
        let reasons: Vec<&str> = rejected[3..].iter().map(|r| r.1.as_str()).collect();
        assert!(
            reasons.iter().any(|r| r.contains("not an object")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("`target`")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r.contains("`yesterday`")),
            "{reasons:?}"
        );
        let used: Vec<(u64, String)> = alerts(&ingested).into_iter().map(|a| (a.0, a.2)).collect();
        assert_eq!(used, vec![(1, "web1".into()), (6, "web1".into())]);
        let file = &ingested.files[0];
        assert_eq!((file.rows, file.rejected_rows), (2, 6));
    }

    #[test]
    fn an_empty_file_is_zero_alerts() {
        for content in ["", "\n\r\n", "\u{feff}"] {
            let ingested = read(content);
            assert!(alerts(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
        }
    }

    #[test]
    fn a_file_that_is_not_webhook_payloads_stops_the_run_naming_it() {
        let cases = [
            ("api v2 alerts, pretty", API_ALERTS, "hook.ndjson:1:"),
            (
                "api v2 alerts, one line",
                "[{\"labels\":{}}]\n",
                "found an array",
            ),
            ("prometheus", PROMETHEUS, "hook.ndjson:1:"),
            ("text", "alert fired\n", "not JSON"),
            ("objects", "{\"a\":1}\n{\"b\":2}\n", "no `alerts` array"),
        ];
        for (what, content, detail) in cases {
            let message = fatal(content);
            assert!(
                message.contains("hook.ndjson")
                    && message.contains("not Alertmanager webhook payloads")
                    && message.contains(detail),
                "{what}: {message}"
            );
        }
    }
}
