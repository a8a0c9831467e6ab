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

/// Reads one `query_range` response into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let series = matrix(&document, sink, EXPECTED, Some("probe_success"))?;
    let location_label = input
        .location_label
        .as_deref()
        .unwrap_or(DEFAULT_LOCATION_LABEL);
    let mut index: u64 = 0;
    for one in series {
        push_series(&mut index, one, input, location_label, sink, &mut stats);
    }
    Ok(stats)
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
    location_label: &str,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let Some(Value::Array(values)) = series.get("values") else {
        let found = series.get("values").map_or("nothing", describe);
        let reason = format!("a series whose `values` is {found}, not an array");
        sink.reject(*index, reason, stats);
        *index += 1;
        return;
    };
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
    for value in values {
        match service {
            Some(service) => push_sample(*index, value, service, location, sink, stats),
            None => sink.reject(
                *index,
                "the series has no `service`, `instance` or `job` label to name the service, \
                 and the input gives no `source`",
                stats,
            ),
        }
        *index += 1;
    }
}

fn push_sample(
    index: u64,
    pair: &Value,
    service: &str,
    location: Option<&str>,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let (time, up) = match sample(pair) {
        Ok(sample) => sample,
        Err(reason) => {
            sink.reject(index, reason, stats);
            return;
        }
    };
    let mut fields: Vec<(&str, Raw<'_>)> = vec![
        ("time", Raw::Text(&time)),
        ("service", Raw::Text(service)),
        ("up", Raw::Bool(up)),
    ];
    if let Some(location) = location {
        fields.push(("location", Raw::Text(location)));
    }
    sink.push_fields(index, &fields, stats);
}

/// A `[seconds, "1"|"0"]` pair as RFC 3339 UTC text and up/down.
fn sample(pair: &Value) -> Result<(String, bool), String> {
    let (time, value) = time_and_value(pair)?;
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
    Ok((time, up))
}

/// A `[seconds, value]` pair as RFC 3339 UTC text (to the millisecond) and the value.
pub(super) fn time_and_value(pair: &Value) -> Result<(String, &Value), String> {
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
    Ok((time, value))
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
}
