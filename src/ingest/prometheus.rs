//! Prometheus → canonical `probes` rows (SPEC §5, §7 "Availability, exactly").
//!
//! Reads the response of the HTTP API's `query_range` (`/api/v1/query_range`) for
//! `probe_success`, as blackbox_exporter exports it: one JSON object
//! `{"status": "success", "data": {"resultType": "matrix", "result": [series…]}}`, each
//! series a `metric` (its labels) and `values` (`[unix seconds, "value"]` pairs). Every
//! value is one probe sample:
//!
//! | canonical | from |
//! |---|---|
//! | `time` | the pair's time: float seconds, kept to the millisecond (rounded) |
//! | `up` | the pair's value: `"1"` → up, `"0"` → down; anything else (`"NaN"`, `"0.5"`) is a rejected sample |
//! | `location` | the label named by the input's `location_label` (default `probe_location`); a series without it: its `instance` label; neither: none, which §4 reads as `default` |
//! | `service` | the input's `source`; else the `service` label; else `instance` — unless `instance` already gives the location, then `job` |
//!
//! A series named another metric (`__name__` present and not containing
//! `probe_success`, such as `probe_duration_seconds` or `ALERTS`), a response whose
//! `status` is not `success`, a `resultType` other than `matrix` (an instant `query`
//! gives `vector`) or another document shape stops the run naming the file: it is not
//! this input. A sample that cannot be read is rejected with `line` = its 0-based
//! position in a running count over all values of all series in document order (the
//! second series' first value follows the first series' last); a series whose `values`
//! is missing or not an array takes one position. The rest are used. An empty file is
//! zero rows. This module never decides a check.
//!
//! Latency (SPEC §15): the input's `latency_path` names a `query_range` response of
//! `probe_duration_seconds` with the same labels, read first ([`read_latency`]). Its
//! samples join the `probe_success` samples on service, location (both found from the
//! labels as above) and time to the millisecond; seconds become milliseconds
//! (`latency_ms`). A `probe_success` sample without a partner has no latency; a latency
//! sample that is not a finite number ≥ 0 is rejected, by its position in that file.

use std::collections::HashMap;
use std::io::Read;

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, at, describe};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "a Prometheus `query_range` response of `probe_success`";

/// The label that names a probe's location when the input does not say.
const DEFAULT_LOCATION_LABEL: &str = "probe_location";

const EXPECTED_LATENCY: &str = "a Prometheus `query_range` response of `probe_duration_seconds`";

/// The latency samples of a `latency_path` file, in milliseconds, by service, location
/// and time (ms).
#[derive(Debug, Default)]
pub struct Latencies(HashMap<(String, Option<String>, i64), f64>);

impl Latencies {
    fn get(&self, service: &str, location: Option<&str>, time: i64) -> Option<f64> {
        // The key owns its strings; a lookup builds one (a probe file's samples are few
        // per series, and latency is optional).
        let key = (service.to_string(), location.map(str::to_string), time);
        self.0.get(&key).copied()
    }
}

/// Reads one `query_range` response into the sink, with the latency of each sample
/// from `latencies` (the input's `latency_path`) where it has one.
pub fn read(
    reader: impl Read,
    input: &Input,
    sink: &mut Sink<'_>,
    latencies: Option<&Latencies>,
) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let series = matrix(&document, sink, EXPECTED, Some("probe_success"))?;
    let mut index: u64 = 0;
    for one in series {
        push_series(&mut index, one, input, sink, &mut stats, latencies);
    }
    Ok(stats)
}

/// Reads a `latency_path` file: `probe_duration_seconds` samples into `latencies`.
/// Nothing goes into the table; `rows` counts the samples kept.
pub fn read_latency(
    reader: impl Read,
    input: &Input,
    sink: &mut Sink<'_>,
    latencies: &mut Latencies,
) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED_LATENCY)? else {
        return Ok(stats);
    };
    let series = matrix(
        &document,
        sink,
        EXPECTED_LATENCY,
        Some("probe_duration_seconds"),
    )?;
    let mut index: u64 = 0;
    for one in series {
        let Some(Value::Array(values)) = one.get("values") else {
            let found = one.get("values").map_or("nothing", describe);
            sink.reject(
                index,
                format!("a series whose `values` is {found}, not an array"),
                &mut stats,
            );
            index += 1;
            continue;
        };
        let (service, location) = names(one, input);
        for pair in values {
            match (service, latency(pair)) {
                (Some(service), Ok((time, ms))) => {
                    let key = (service.to_string(), location.map(str::to_string), time);
                    latencies.0.insert(key, ms);
                    stats.rows += 1;
                }
                (None, _) => sink.reject(index, NO_SERVICE, &mut stats),
                (_, Err(reason)) => sink.reject(index, reason, &mut stats),
            }
            index += 1;
        }
    }
    Ok(stats)
}

/// A `[seconds, "0.123"]` pair of `probe_duration_seconds` as (time in ms, latency in ms).
fn latency(pair: &Value) -> Result<(i64, f64), String> {
    let (_, millis, value) = time_and_value(pair)?;
    let seconds = match value.as_str().map(str::parse::<f64>) {
        Some(Ok(seconds)) if seconds.is_finite() && seconds >= 0.0 => seconds,
        Some(_) => {
            return Err(format!(
                "the `probe_duration_seconds` value is `{}`: expected a number of seconds ≥ 0",
                value.as_str().unwrap_or_default()
            ))
        }
        None => {
            return Err(format!(
                "the sample value is {}, not a string such as \"0.125\"",
                describe(value)
            ))
        }
    };
    Ok((millis, seconds * 1000.0))
}

const NO_SERVICE: &str =
    "the series has no `service`, `instance` or `job` label to name the service, \
                          and the input gives no `source`";

/// The service and location a series' labels name (the table in the module's doc).
fn names<'s>(series: &'s Value, input: &'s Input) -> (Option<&'s str>, Option<&'s str>) {
    let location_label = input
        .location_label
        .as_deref()
        .unwrap_or(DEFAULT_LOCATION_LABEL);
    let label = |name: &str| {
        at(series, &["metric", name])
            .and_then(Value::as_str)
            .filter(|value| !value.trim().is_empty())
    };
    let (location, instance_is_location) = match label(location_label) {
        Some(location) => (Some(location), location_label == "instance"),
        None => (label("instance"), true),
    };
    let fallback = if instance_is_location {
        "job"
    } else {
        "instance"
    };
    let service = input
        .source
        .as_deref()
        .or_else(|| label("service"))
        .or_else(|| label(fallback));
    (service, location)
}

/// The series of a successful matrix response, or the fatal error saying why the
/// document is not `expected`. With a `metric`, a series named another metric is not.
pub(super) fn matrix<'d>(
    document: &'d Value,
    sink: &Sink<'_>,
    expected: &str,
    metric: Option<&str>,
) -> Result<&'d [Value], Error> {
    let fatal = |why: String| sink.fatal(None, format!("not {expected}: {why}"));
    let Value::Object(root) = document else {
        return Err(fatal(format!(
            "expected a JSON object with `status` and `data`, found {}",
            describe(document)
        )));
    };
    match root.get("status").and_then(Value::as_str) {
        Some("success") => {}
        Some(status) => {
            let detail = [root.get("errorType"), root.get("error")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(": ");
            return Err(fatal(format!(
                "the query did not succeed (`status` is `{status}`){}",
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                }
            )));
        }
        None => return Err(fatal("the object has no `status`".to_string())),
    }
    let Some(data) = root.get("data").filter(|data| data.is_object()) else {
        return Err(fatal("the object has no `data` object".to_string()));
    };
    match data.get("resultType").and_then(Value::as_str) {
        Some("matrix") => {}
        Some("vector") => {
            return Err(fatal(
                "`resultType` is `vector` (an instant query): export the range with \
                 `/api/v1/query_range`"
                    .to_string(),
            ))
        }
        Some(other) => {
            return Err(fatal(format!(
                "`resultType` is `{other}`, expected `matrix`"
            )))
        }
        None => return Err(fatal("`data` has no `resultType`".to_string())),
    }
    let Some(Value::Array(series)) = data.get("result") else {
        return Err(fatal("`data.result` is not an array".to_string()));
    };
    if let Some(metric) = metric {
        let other_metric = series
            .iter()
            .filter_map(|one| at(one, &["metric", "__name__"]).and_then(Value::as_str))
            .find(|name| !name.contains(metric));
        if let Some(name) = other_metric {
            return Err(fatal(format!("a series of `{name}`: expected `{metric}`")));
        }
    }
    Ok(series)
}

fn push_series(
    index: &mut u64,
    series: &Value,
    input: &Input,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
    latencies: Option<&Latencies>,
) {
    let Some(Value::Array(values)) = series.get("values") else {
        let found = series.get("values").map_or("nothing", describe);
        let reason = format!("a series whose `values` is {found}, not an array");
        sink.reject(*index, reason, stats);
        *index += 1;
        return;
    };
    let (service, location) = names(series, input);
    for value in values {
        match service {
            Some(service) => {
                let sample = Series {
                    service,
                    location,
                    latencies,
                };
                push_sample(*index, value, &sample, sink, stats);
            }
            None => sink.reject(*index, NO_SERVICE, stats),
        }
        *index += 1;
    }
}

/// What a series' samples share.
struct Series<'a> {
    service: &'a str,
    location: Option<&'a str>,
    latencies: Option<&'a Latencies>,
}

fn push_sample(
    index: u64,
    pair: &Value,
    series: &Series<'_>,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let (time, millis, up) = match sample(pair) {
        Ok(sample) => sample,
        Err(reason) => {
            sink.reject(index, reason, stats);
            return;
        }
    };
    let latency = series
        .latencies
        .and_then(|l| l.get(series.service, series.location, millis))
        .map(|ms| ms.to_string());
    let mut fields: Vec<(&str, Raw<'_>)> = vec![
        ("time", Raw::Text(&time)),
        ("service", Raw::Text(series.service)),
        ("up", Raw::Bool(up)),
    ];
    if let Some(location) = series.location {
        fields.push(("location", Raw::Text(location)));
    }
    if let Some(latency) = &latency {
        fields.push(("latency_ms", Raw::Text(latency)));
    }
    sink.push_fields(index, &fields, stats);
}

/// A `[seconds, "1"|"0"]` pair as RFC 3339 UTC text, Unix ms and up/down.
fn sample(pair: &Value) -> Result<(String, i64, bool), String> {
    let (time, millis, value) = time_and_value(pair)?;
    let up = match value.as_str() {
        Some("1") => true,
        Some("0") => false,
        Some(other) => {
            return Err(format!(
                "the `probe_success` value is `{other}`: expected \"1\" (up) or \"0\" (down)"
            ))
        }
        None => {
            return Err(format!(
                "the sample value is {}, not a string such as \"1\"",
                describe(value)
            ))
        }
    };
    Ok((time, millis, up))
}

/// A `[seconds, value]` pair as RFC 3339 UTC text (to the millisecond), Unix ms and
/// the value.
pub(super) fn time_and_value(pair: &Value) -> Result<(String, i64, &Value), String> {
    let Value::Array(pair) = pair else {
        return Err(format!(
            "expected a [time, value] pair, found {}",
            describe(pair)
        ));
    };
    let [time, value] = pair.as_slice() else {
        return Err(format!(
            "expected a [time, value] pair, found an array of {}",
            pair.len()
        ));
    };
    let Some(seconds) = time.as_f64() else {
        return Err(format!(
            "the sample time is {}, not a number of Unix seconds",
            describe(time)
        ));
    };
    let millis = (seconds * 1000.0).round();
    // `as` saturates; anything beyond ±2^53 ms is out of chrono's range anyway.
    let time = (millis.abs() < 9.0e15)
        .then(|| DateTime::from_timestamp_millis(millis as i64))
        .flatten()
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .ok_or_else(|| format!("the sample time {seconds} is not a representable instant"))?;
    Ok((time, millis as i64, value))
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{
        bools, ingest_input, ints, line_numbers, rejected, table, texts,
    };
    use crate::config::InputKind;
    use crate::ingest::Ingested;

    const PROBE_SUCCESS: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-probe_success.json");
    const PROBE_DURATION: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-probe_duration_seconds.json");
    const ALERTS: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-ALERTS.json");
    const INSTANT: &str =
        include_str!("../../tests/samples/prometheus-2.42-query-avg_over_time.json");
    const RESTIC: &str = include_str!("../../tests/samples/restic-0.14-snapshots.json");

    /// One probes row: (line, time ms, service, up, location).
    type Probe = (u64, i64, String, bool, Option<String>);

    fn read(content: &str, extra: &str) -> Ingested {
        ingest_input(
            "probes",
            "probes.json",
            content.as_bytes(),
            "prometheus",
            extra,
        )
        .expect("ingest")
    }

    fn fatal(content: &str) -> String {
        ingest_input(
            "probes",
            "probes.json",
            content.as_bytes(),
            "prometheus",
            "",
        )
        .expect_err("fatal")
        .to_string()
    }

    fn probes(ingested: &Ingested) -> Vec<Probe> {
        let table = table(ingested, InputKind::Probes);
        let lines = line_numbers(table);
        let times = ints(table, "time");
        let services = texts(table, "service");
        let ups = bools(table, "up");
        let locations = texts(table, "location");
        (0..table.height())
            .map(|i| {
                (
                    lines[i],
                    times[i].expect("time"),
                    services[i].clone().expect("service"),
                    ups[i].expect("up"),
                    locations[i].clone(),
                )
            })
            .collect()
    }

    #[test]
    fn prometheus_2_42_probe_success_gives_one_sample_a_value() {
        let ingested = read(PROBE_SUCCESS, "");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let probes = probes(&ingested);
        // 24 values of the 8081 target, then 23 of the always-down 8089 target.
        assert_eq!(probes.len(), 47);
        let first = &probes[0];
        assert_eq!(
            first,
            &(
                0,
                1_795_318_514_000,
                // `instance` is the service: the location comes from `probe_location`.
                "http://127.0.0.1:8081/".to_string(),
                true,
                Some("local-eu-west".to_string())
            )
        );
        let second_series: Vec<&Probe> = probes.iter().filter(|p| p.0 >= 24).collect();
        assert_eq!(second_series.len(), 23);
        assert_eq!(second_series[0].1, 1_795_318_519_000);
        assert!(second_series
            .iter()
            .all(|p| p.2 == "http://127.0.0.1:8089/" && !p.3));
        // The 8081 target was down for about 15 s: some of its samples say so.
        let down_8081 = probes.iter().filter(|p| p.0 < 24 && !p.3).count();
        assert!(down_8081 > 0 && down_8081 < 24, "{down_8081}");
        assert_eq!(ingested.files[0].rows, 47);
    }

    const TWO_SERIES: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
      {"metric":{"__name__":"probe_success","instance":"https://shop.example/","job":"blackbox",
                 "probe_location":"syd","region":"au"},
       "values":[[1793491200,"1"],[1793491260.5,"0"],[1793491320.0005,"1"]]},
      {"metric":{"instance":"https://api.example/","job":"blackbox-api","service":"api"},
       "values":[[1793491200,"1"]]}
    ]}}"#;

    #[test]
    fn float_seconds_become_milliseconds_and_labels_name_service_and_location() {
        let ingested = read(TWO_SERIES, "");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let start = 1_793_491_200_000; // 2026-11-01T00:00:00Z
        let shop = "https://shop.example/".to_string();
        assert_eq!(
            probes(&ingested),
            vec![
                (0, start, shop.clone(), true, Some("syd".into())),
                (1, start + 60_500, shop.clone(), false, Some("syd".into())),
                (2, start + 120_001, shop, true, Some("syd".into())),
                // No `probe_location`: `instance` is the location, so `service` names the
                // service (and `job` would, without it).
                (
                    3,
                    start,
                    "api".into(),
                    true,
                    Some("https://api.example/".into())
                ),
            ]
        );
    }

    #[test]
    fn location_label_and_source_from_the_input_win() {
        let ingested = read(
            TWO_SERIES,
            "location_label = \"region\"\nsource = \"shop\"\n",
        );
        let got: Vec<(String, Option<String>)> =
            probes(&ingested).into_iter().map(|p| (p.2, p.4)).collect();
        assert_eq!(
            got,
            vec![
                ("shop".into(), Some("au".into())),
                ("shop".into(), Some("au".into())),
                ("shop".into(), Some("au".into())),
                // No `region` label: `instance` is the location.
                ("shop".into(), Some("https://api.example/".into())),
            ]
        );
    }

    #[test]
    fn instance_as_location_leaves_job_as_the_service() {
        let content = r#"{"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"instance":"10.0.0.1:9115","job":"web"},"values":[[1793491200,"0"]]}]}}"#;
        let probes = probes(&read(content, ""));
        assert_eq!(probes[0].2, "web");
        assert_eq!(probes[0].4.as_deref(), Some("10.0.0.1:9115"));
    }

    #[test]
    fn a_bad_sample_is_rejected_by_its_running_index_and_the_rest_used() {
        let content = r#"{"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"instance":"a","job":"j"},
           "values":[[1793491200,"1"],[1793491260,"NaN"],[1793491320,1],["soon","1"]]},
          {"metric":{"instance":"b","job":"j"}},
          {"metric":{"instance":"c","job":"j"},
           "values":[[1793491200],[1793491200,"0.5"],[1793491260,"0"]]},
          {"metric":{"probe_location":"syd"},"values":[[1793491200,"1"]]}
        ]}}"#;
        let ingested = read(content, "");
        let rejected = rejected(&ingested);
        let lines: Vec<u64> = rejected.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5, 6, 8], "{rejected:?}");
        assert!(rejected[0].1.contains("value is `NaN`"), "{rejected:?}");
        assert!(
            rejected[1].1.contains("is a number, not a string"),
            "{rejected:?}"
        );
        assert!(
            rejected[2].1.contains("not a number of Unix seconds"),
            "{rejected:?}"
        );
        assert!(
            rejected[3].1.contains("`values` is nothing"),
            "{rejected:?}"
        );
        assert!(rejected[4].1.contains("an array of 1"), "{rejected:?}");
        assert!(rejected[5].1.contains("`0.5`"), "{rejected:?}");
        assert!(
            rejected[6].1.contains("no `service`, `instance` or `job`"),
            "{rejected:?}"
        );
        let used: Vec<u64> = probes(&ingested).iter().map(|p| p.0).collect();
        assert_eq!(used, vec![0, 7]);
        let file = &ingested.files[0];
        assert_eq!((file.rows, file.rejected_rows), (2, 7));
    }

    #[test]
    fn an_empty_file_and_an_empty_result_are_zero_samples() {
        let empty = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        for content in ["", "\u{feff}\r\n", empty] {
            let ingested = read(content, "");
            assert!(probes(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
            assert_eq!(ingested.files[0].bytes, content.len() as u64);
        }
    }

    #[test]
    fn a_file_that_is_not_a_probe_success_range_stops_the_run_naming_it() {
        let cases = [
            (
                "not JSON",
                "probe_success{instance=\"a\"} 1\n",
                "not a JSON document",
            ),
            ("restic snapshots", RESTIC, "expected a JSON object"),
            ("instant query", INSTANT, "`resultType` is `vector`"),
            ("another metric", PROBE_DURATION, "`probe_duration_seconds`"),
            ("ALERTS", ALERTS, "a series of `ALERTS`"),
            (
                "an error response",
                r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
                "(`status` is `error`): bad_data: parse error",
            ),
            (
                "a scalar",
                r#"{"status":"success","data":{"resultType":"scalar","result":[1,"1"]}}"#,
                "`resultType` is `scalar`",
            ),
        ];
        for (what, content, detail) in cases {
            let message = fatal(content);
            assert!(
                message.contains("probes.json")
                    && message.contains("not a Prometheus `query_range` response")
                    && message.contains(detail),
                "{what}: {message}"
            );
        }
    }

    /// The probes of the real `probe_success` sample with the real
    /// `probe_duration_seconds` sample of the same capture as its `latency_path`.
    fn read_with_latency(latency: &str) -> Ingested {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("success.json"), PROBE_SUCCESS).expect("write");
        std::fs::write(dir.path().join("duration.json"), latency).expect("write");
        let text = "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
                    [[input]]\nkind = \"probes\"\nformat = \"prometheus\"\n\
                    path = \"success.json\"\nlatency_path = \"duration.json\"\n";
        let config =
            crate::config::Config::parse(&dir.path().join("auditpack.toml"), text).expect("config");
        crate::ingest::ingest(&config.inputs, &config.dir, &crate::observer::Silent)
            .expect("ingest")
    }

    fn latencies(ingested: &Ingested) -> Vec<Option<f64>> {
        let table = table(ingested, InputKind::Probes);
        let column = table.column("latency_ms").expect("latency_ms");
        column.f64().expect("floats").iter().collect()
    }

    #[test]
    fn prometheus_2_42_probe_duration_joins_its_probe_success_samples_in_ms() {
        let ingested = read_with_latency(PROBE_DURATION);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        // Both files are inputs of the pack: hashed, listed, the latency file first.
        let files: Vec<(&str, u64)> = ingested
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.rows))
            .collect();
        assert_eq!(files, [("duration.json", 24), ("success.json", 47)]);
        let probes = probes(&ingested);
        let latency = latencies(&ingested);
        assert_eq!(latency.len(), 47);
        // The duration series was queried with a 10 s step, probe_success with 5 s: every
        // other probe sample has a partner. 8081's first sample (1795318514) has none;
        // its second (1795318519) took 0.003438235 s.
        assert_eq!(probes[0].1, 1_795_318_514_000);
        assert_eq!(latency[0], None);
        assert_eq!(probes[1].1, 1_795_318_519_000);
        let first = latency[1].expect("a partner at 1795318519");
        assert!((first - 3.438235).abs() < 1e-9, "{first}");
        // 12 partners per series, matched on the instance (the service) and location.
        let joined = latency.iter().filter(|l| l.is_some()).count();
        assert_eq!(joined, 24);
        let down_8089 = probes
            .iter()
            .zip(&latency)
            .find(|(p, l)| p.2 == "http://127.0.0.1:8089/" && l.is_some())
            .expect("8089 has latency");
        assert_eq!(down_8089.0 .1, 1_795_318_519_000);
        assert!((down_8089.1.expect("ms") - 0.664531).abs() < 1e-9);
    }

    #[test]
    fn a_bad_latency_sample_is_rejected_by_its_position_in_the_latency_file() {
        let edited = PROBE_DURATION.replacen("\"0.003438235\"", "\"NaN\"", 1);
        assert_ne!(edited, PROBE_DURATION);
        let ingested = read_with_latency(&edited);
        let rejected: Vec<(&str, u64, &str)> = ingested
            .rejected
            .iter()
            .map(|r| (r.path.as_str(), r.line, r.reason.as_str()))
            .collect();
        assert_eq!(
            rejected,
            [(
                "duration.json",
                0,
                "the `probe_duration_seconds` value is `NaN`: expected a number of seconds ≥ 0"
            )]
        );
        // That probe sample is kept, without latency.
        assert_eq!(latencies(&ingested)[1], None);
    }

    #[test]
    fn a_latency_file_of_another_metric_stops_the_run_naming_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("success.json"), PROBE_SUCCESS).expect("write");
        std::fs::write(dir.path().join("duration.json"), PROBE_SUCCESS).expect("write");
        let text = "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n\
                    [[input]]\nkind = \"probes\"\nformat = \"prometheus\"\n\
                    path = \"success.json\"\nlatency_path = \"duration.json\"\n";
        let config =
            crate::config::Config::parse(&dir.path().join("auditpack.toml"), text).expect("config");
        let error = crate::ingest::ingest(&config.inputs, &config.dir, &crate::observer::Silent)
            .expect_err("fatal")
            .to_string();
        assert!(error.contains("duration.json"), "{error}");
        assert!(
            error.contains("a series of `probe_success`: expected `probe_duration_seconds`"),
            "{error}"
        );
    }

    /// Found by the property tests (`fuzz.rs`): the query's error text, quoted in the
    /// fatal message, made it two lines when it held a line break.
    #[test]
    fn a_quoted_error_with_a_line_break_stays_one_line() {
        let message =
            fatal(r#"{"status":"error","errorType":"bad_data","error":"1:78: pa\rse\nerror"}"#);
        assert!(!message.contains(['\n', '\r']), "{message}");
        assert!(
            message.ends_with("bad_data: 1:78: pa\\rse\\nerror"),
            "{message}"
        );
    }
}
