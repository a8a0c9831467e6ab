//! Whole reports over the native formats' real samples (`tests/samples/`, made by the
//! real tools; see SOURCE.md there): pgBackRest, Prometheus (`probe_success` with
//! `probe_duration_seconds` as `latency_path`) and Alertmanager, all from one capture on
//! 2026-11-22. restic and borg have `tests/backup_tools.rs`; sslyze, osquery and Okta's
//! password policies have golden cases. The figures are worked out here from the
//! samples themselves, independently of the adapters.

mod common;

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use common::{auditpack, read_csv};

const SAMPLES: [&str; 4] = [
    "pgbackrest-2.45-info.json",
    "prometheus-2.42-query_range-probe_success.json",
    "prometheus-2.42-query_range-probe_duration_seconds.json",
    "alertmanager-0.25-webhook-payloads.ndjson",
];

const CONFIG: &str = r#"[organisation]
name = "Native Formats"
timezone = "UTC"
primary_region = "eu-west-1"

[[input]]
kind = "backups"
format = "pgbackrest"
path = "pgbackrest-2.45-info.json"

[[input]]
kind = "probes"
format = "prometheus"
path = "prometheus-2.42-query_range-probe_success.json"
latency_path = "prometheus-2.42-query_range-probe_duration_seconds.json"

[[input]]
kind = "alerts"
format = "alertmanager"
path = "alertmanager-0.25-webhook-payloads.ndjson"
"#;

fn sample(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/samples")
        .join(name);
    std::fs::read(path).expect("a sample")
}

/// A CSV row by column name.
type Row = HashMap<String, String>;

/// The report on 2026-11-22 (UTC): its findings by (check, subject), and inputs.csv.
fn report() -> (HashMap<(String, String), Row>, Vec<Row>) {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in SAMPLES {
        std::fs::write(dir.path().join(name), sample(name)).expect("copy a sample");
    }
    let config = dir.path().join("auditpack.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let out = dir.path().join("pack");
    let args = [
        "--quiet",
        "report",
        "--config",
        config.to_str().expect("utf-8"),
        "--from",
        "2026-11-22",
        "--to",
        "2026-11-22",
        "--out",
        out.to_str().expect("utf-8"),
    ];
    let output = auditpack(&args, &[("SOURCE_DATE_EPOCH", "1793491200")]);
    assert_eq!(output.code, 0, "{}{}", output.stdout, output.stderr);
    let findings = read_csv(&out.join("findings.csv"))
        .into_iter()
        .map(|row| ((row["check_id"].clone(), row["subject"].clone()), row))
        .collect();
    (findings, read_csv(&out.join("inputs.csv")))
}

#[test]
fn every_sample_is_read_whole_and_hashed_as_sha256sum_would() {
    let (_, inputs) = report();
    assert_eq!(inputs.len(), SAMPLES.len());
    for row in &inputs {
        let bytes = sample(&row["path"]);
        assert_eq!(
            row["sha256"],
            format!("{:x}", Sha256::digest(&bytes)),
            "{}",
            row["path"]
        );
        assert_eq!(row["bytes"], bytes.len().to_string());
        assert_eq!(row["rejected_rows"], "0", "{}", row["path"]);
    }
    let rows =
        |path: &str| inputs.iter().find(|r| r["path"] == path).expect("listed")["rows"].clone();
    // Two pgBackRest backups (a full and an incremental); 24 + 23 probe samples; 12 + 12
    // latency samples; two alerts.
    assert_eq!(rows("pgbackrest-2.45-info.json"), "2");
    assert_eq!(rows("prometheus-2.42-query_range-probe_success.json"), "47");
    assert_eq!(
        rows("prometheus-2.42-query_range-probe_duration_seconds.json"),
        "24"
    );
    assert_eq!(rows("alertmanager-0.25-webhook-payloads.ndjson"), "2");
}

#[test]
fn pgbackrest_and_alertmanager_figures_are_the_hand_computed_ones() {
    let (findings, _) = report();
    let measured = |check: &str, subject: &str| {
        findings[&(check.to_string(), subject.to_string())]["measured"].clone()
    };
    // The incremental finished 03:32:33: the gap to the period end is 20 h 27 min 27 s.
    assert_eq!(
        measured("backup.rpo", "demo"),
        format!("{:.2}", 73_647.0 / 3_600.0)
    );
    // 8089's EndpointDown fired 03:35:15.672 and never resolved: to 24:00.
    let firing = 86_400.0 - (3.0 * 3_600.0 + 35.0 * 60.0 + 15.672);
    assert_eq!(
        measured("monitoring.alert_resolution", "http://127.0.0.1:8089/"),
        format!("{:.2}", firing / 3_600.0)
    );
    // 8081's was resolved 16 s after it fired.
    assert_eq!(
        measured("monitoring.alert_resolution", "http://127.0.0.1:8081/"),
        "0.00"
    );
}

#[test]
fn latency_is_the_nearest_rank_p95_of_the_up_samples_durations() {
    let (findings, _) = report();
    let json =
        |name: &str| -> serde_json::Value { serde_json::from_slice(&sample(name)).expect("JSON") };
    let series = |doc: &serde_json::Value, instance: &str| -> Vec<(i64, String)> {
        doc["data"]["result"]
            .as_array()
            .expect("result")
            .iter()
            .filter(|s| s["metric"]["instance"] == instance)
            .flat_map(|s| s["values"].as_array().expect("values").clone())
            .map(|pair| {
                let time = (pair[0].as_f64().expect("time") * 1000.0).round() as i64;
                (time, pair[1].as_str().expect("value").to_string())
            })
            .collect()
    };
    let success = json("prometheus-2.42-query_range-probe_success.json");
    let duration = json("prometheus-2.42-query_range-probe_duration_seconds.json");
    let instance = "http://127.0.0.1:8081/";
    let up: HashMap<i64, bool> = series(&success, instance)
        .into_iter()
        .map(|(t, v)| (t, v == "1"))
        .collect();
    let mut ms: Vec<f64> = series(&duration, instance)
        .into_iter()
        .filter(|(t, _)| up.get(t) == Some(&true))
        .map(|(_, v)| v.parse::<f64>().expect("seconds") * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let rank = (95 * ms.len()).div_ceil(100);
    let row = &findings[&("uptime.latency".to_string(), instance.to_string())];
    assert_eq!(row["measured"], format!("{:.2}", ms[rank - 1]));
    assert!(
        row["detail"].contains(&format!("of {} up samples", ms.len())),
        "{}",
        row["detail"]
    );
    // 8089 was down throughout: latency values, but no up sample.
    let down = &findings[&(
        "uptime.latency".to_string(),
        "http://127.0.0.1:8089/".to_string(),
    )];
    assert_eq!(down["status"], "not_evaluated");
}
