//! Prometheus → canonical `utilization` rows (SPEC §15).
//!
//! Reads a `query_range` response (`/api/v1/query_range`, `resultType` `matrix`) of a
//! utilization expression, such as node_exporter's CPU or filesystem usage. The series
//! do not say what they measure, so the `[[input]]` does ([`UtilizationSource`]):
//!
//! | canonical | from |
//! |---|---|
//! | `time` | the pair's time: float seconds, kept to the millisecond (rounded) |
//! | `host` | the label named by `host_label` (default `instance`); a series without it: each sample rejected |
//! | `resource` | the input's `resource` |
//! | `used_percent` | the pair's value (a string); with `scale = "fraction"` a value in 0..1, times 100. `NaN`, `±Inf`, anything not a number and a fraction outside 0..1 are rejected samples |
//! | `cluster` | the input's `cluster`, or the label named by `cluster_label` (a series without it: each sample rejected), or none (`default`) |
//! | `mount` | `disk` only: the label named by `mount_label` (default `mountpoint`); without it none (`/`) |
//!
//! The document is read as the probes adapter reads it ([`super::prometheus::matrix`]):
//! an unsuccessful response, a `resultType` other than `matrix` or another shape stops
//! the run naming the file; a rejected sample's `line` is its 0-based position in a
//! running count over all values of all series in document order. An empty file or an
//! empty `result` is zero rows. This module never decides a check.

use std::io::Read;

use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, at, describe};
use super::prometheus::{matrix, time_and_value};
use super::schema::DISK_RESOURCE;
use super::values::Raw;
use super::FileStats;
use crate::config::{ClusterFrom, Input, Scale, UtilizationSource};
use crate::error::Error;

const EXPECTED: &str = "a Prometheus `query_range` response of a utilization expression";

/// Reads one `query_range` response into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(source) = &input.utilization else {
        // Validation gives every Prometheus utilization input its keys.
        return Err(sink.fatal(None, "the input names no `resource`"));
    };
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let series = matrix(&document, sink, EXPECTED, None)?;
    let mut index: u64 = 0;
    for one in series {
        push_series(&mut index, one, source, sink, &mut stats);
    }
    Ok(stats)
}

fn push_series(
    index: &mut u64,
    series: &Value,
    source: &UtilizationSource,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let Some(Value::Array(values)) = series.get("values") else {
        let found = series.get("values").map_or("nothing", describe);
        sink.reject(
            *index,
            format!("a series whose `values` is {found}, not an array"),
            stats,
        );
        *index += 1;
        return;
    };
    let label = |name: &str| {
        at(series, &["metric", name])
            .and_then(Value::as_str)
            .filter(|value| !value.trim().is_empty())
    };
    let host = label(&source.host_label).ok_or_else(|| {
        format!(
            "the series has no `{}` label to name the host (`host_label`)",
            source.host_label
        )
    });
    let cluster = match &source.cluster {
        ClusterFrom::Fixed(cluster) => Ok(Some(cluster.as_str())),
        ClusterFrom::Label(name) => label(name).map(Some).ok_or_else(|| {
            format!("the series has no `{name}` label to name the cluster (`cluster_label`)")
        }),
        ClusterFrom::Default => Ok(None),
    };
    let mount = if source.resource == DISK_RESOURCE {
        label(&source.mount_label)
    } else {
        None
    };
    let labels = host.and_then(|host| cluster.map(|cluster| (host, cluster)));
    for pair in values {
        match &labels {
            Ok((host, cluster)) => {
                push_sample(*index, pair, source, host, *cluster, mount, sink, stats)
            }
            Err(why) => sink.reject(*index, why.clone(), stats),
        }
        *index += 1;
    }
}

#[allow(clippy::too_many_arguments)]
fn push_sample(
    index: u64,
    pair: &Value,
    source: &UtilizationSource,
    host: &str,
    cluster: Option<&str>,
    mount: Option<&str>,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let (time, used) = match time_and_value(pair)
        .and_then(|(time, _, value)| used_percent(value, source.scale).map(|used| (time, used)))
    {
        Ok(sample) => sample,
        Err(reason) => {
            sink.reject(index, reason, stats);
            return;
        }
    };
    let Some(used) = serde_json::Number::from_f64(used) else {
        sink.reject(index, format!("the value {used} is not finite"), stats);
        return;
    };
    let mut fields: Vec<(&str, Raw<'_>)> = vec![
        ("time", Raw::Text(&time)),
        ("host", Raw::Text(host)),
        ("resource", Raw::Text(&source.resource)),
        ("used_percent", Raw::Number(&used)),
    ];
    if let Some(cluster) = cluster {
        fields.push(("cluster", Raw::Text(cluster)));
    }
    if let Some(mount) = mount {
        fields.push(("mount", Raw::Text(mount)));
    }
    sink.push_fields(index, &fields, stats);
}

/// A sample's value (Prometheus writes it as a string) in percent.
fn used_percent(value: &Value, scale: Scale) -> Result<f64, String> {
    let Some(text) = value.as_str() else {
        return Err(format!(
            "the sample value is {}, not a string such as \"42.5\"",
            describe(value)
        ));
    };
    let number = match text.trim().parse::<f64>() {
        Ok(number) if number.is_finite() => number,
        _ => {
            return Err(format!(
                "the sample value is `{text}`: expected a finite number"
            ))
        }
    };
    match scale {
        Scale::Percent => Ok(number),
        Scale::Fraction if (0.0..=1.0).contains(&number) => Ok(number * 100.0),
        Scale::Fraction => Err(format!(
            "the sample value is `{text}`, outside 0..1 for `scale = \"fraction\"` (is it a percentage?)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{
        ingest_input, ints, line_numbers, rejected, table, texts,
    };
    use crate::config::InputKind;
    use crate::error::Error;
    use crate::ingest::Ingested;

    const CPU: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-cpu_used_percent.json");
    const DISK: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-disk_used_percent.json");
    const CPU_FRACTION: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-cpu_used_fraction.json");
    const MEMORY_FRACTION: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-memory_used_fraction.json");
    const ERROR: &str = include_str!("../../tests/samples/prometheus-2.42-query_range-error.json");
    const INSTANT: &str =
        include_str!("../../tests/samples/prometheus-2.42-query-disk_used_percent.json");

    fn ingest(content: &str, extra: &str) -> Result<Ingested, Error> {
        ingest_input(
            "utilization",
            "util.json",
            content.as_bytes(),
            "prometheus",
            extra,
        )
    }

    fn read(content: &str, extra: &str) -> Ingested {
        ingest(content, extra).expect("ingest")
    }

    fn used(ingested: &Ingested) -> Vec<f64> {
        let table = table(ingested, InputKind::Utilization);
        table
            .column("used_percent")
            .expect("used_percent")
            .f64()
            .expect("f64")
            .iter()
            .map(|v| v.expect("used_percent"))
            .collect()
    }

    #[test]
    fn real_cpu_percent_reads_every_sample_with_the_inputs_resource_and_cluster_label() {
        let ingested = read(CPU, "resource = \"cpu\"\ncluster_label = \"cluster\"\n");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let table = table(&ingested, InputKind::Utilization);
        assert_eq!(table.height(), 11);
        assert_eq!(texts(table, "host")[0].as_deref(), Some("127.0.0.1:9100"));
        assert_eq!(texts(table, "resource")[0].as_deref(), Some("cpu"));
        assert_eq!(texts(table, "cluster")[0].as_deref(), Some("lab"));
        assert_eq!(texts(table, "mount")[0], None);
        assert_eq!(ints(table, "time")[0], Some(1_796_542_272_000));
        assert_eq!(line_numbers(table), (0..11).collect::<Vec<u64>>());
        assert!((used(&ingested)[0] - 99.957_884_999_999_08).abs() < 1e-9);
    }

    #[test]
    fn real_disk_percent_takes_the_mount_from_its_label_and_a_fixed_cluster() {
        let ingested = read(DISK, "resource = \"disk\"\ncluster = \"edge\"\n");
        let first = table(&ingested, InputKind::Utilization);
        assert_eq!(first.height(), 11);
        assert_eq!(texts(first, "mount")[0].as_deref(), Some("/"));
        assert_eq!(texts(first, "cluster")[0].as_deref(), Some("edge"));
        assert!((used(&ingested)[0] - 78.424_293_417_253_38).abs() < 1e-9);
        // Another label names the mount: the device, here.
        let ingested = read(
            DISK,
            "resource = \"disk\"\nmount_label = \"device\"\nhost_label = \"job\"\n",
        );
        let frame = table(&ingested, InputKind::Utilization);
        assert_eq!(texts(frame, "mount")[0].as_deref(), Some("/dev/vda"));
        assert_eq!(texts(frame, "host")[0].as_deref(), Some("node"));
        assert_eq!(texts(frame, "cluster")[0], None);
    }

    #[test]
    fn real_fractions_become_percentages_and_percentages_are_refused_as_fractions() {
        let percent = used(&read(CPU, "resource = \"cpu\"\n"));
        let fraction = used(&read(
            CPU_FRACTION,
            "resource = \"cpu\"\nscale = \"fraction\"\n",
        ));
        assert_eq!(fraction.len(), percent.len());
        for (f, p) in fraction.iter().zip(&percent) {
            assert!((f - p).abs() < 1e-6, "{f} vs {p}");
        }
        let memory = used(&read(
            MEMORY_FRACTION,
            "resource = \"memory\"\nscale = \"fraction\"\n",
        ));
        assert!(
            memory.iter().all(|m| (0.0..=100.0).contains(m)),
            "{memory:?}"
        );
        let wrong = read(CPU, "resource = \"cpu\"\nscale = \"fraction\"\n");
        let reasons = rejected(&wrong);
        assert_eq!(reasons.len(), 11, "{reasons:?}");
        assert!(
            reasons[0]
                .1
                .contains("outside 0..1 for `scale = \"fraction\"`"),
            "{reasons:?}"
        );
    }

    #[test]
    fn non_finite_and_non_numeric_values_are_rejected_by_their_index() {
        let edited = DISK
            .replacen("\"78.4801182674143\"", "\"NaN\"", 1)
            .replacen("\"78.41553530155721\"", "\"+Inf\"", 1)
            .replacen("\"78.42952557764164\"", "\"-Inf\"", 1)
            .replacen("\"78.42976780728924\"", "\"full\"", 1)
            .replacen("\"78.42089009070456\"", "78.4", 1);
        let ingested = read(&edited, "resource = \"disk\"\n");
        let found = rejected(&ingested);
        let lines: Vec<u64> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 5], "{found:?}");
        assert!(found[0].1.contains("`NaN`: expected a finite number"));
        assert!(found[1].1.contains("`+Inf`"));
        assert!(found[2].1.contains("`-Inf`"));
        assert!(found[3].1.contains("`full`"));
        assert!(found[4].1.contains("not a string"), "{found:?}");
        assert_eq!(table(&ingested, InputKind::Utilization).height(), 6);
    }

    #[test]
    fn a_series_without_its_host_or_cluster_label_has_every_sample_rejected() {
        let without_instance = CPU.replacen("\"instance\":\"127.0.0.1:9100\"", "\"node\":\"a\"", 1);
        let found = rejected(&read(&without_instance, "resource = \"cpu\"\n"));
        assert_eq!(found.len(), 11);
        assert!(
            found[0]
                .1
                .contains("no `instance` label to name the host (`host_label`)"),
            "{found:?}"
        );
        let found = rejected(&read(CPU, "resource = \"cpu\"\ncluster_label = \"zone\"\n"));
        assert_eq!(found.len(), 11);
        assert!(found[0].1.contains("no `zone` label to name the cluster"));
    }

    #[test]
    fn an_empty_result_or_file_is_zero_rows() {
        let empty = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        let ingested = read(empty, "resource = \"cpu\"\n");
        assert_eq!(table(&ingested, InputKind::Utilization).height(), 0);
        assert!(ingested.rejected.is_empty());
        let ingested = read("", "resource = \"cpu\"\n");
        assert_eq!(table(&ingested, InputKind::Utilization).height(), 0);
    }

    #[test]
    fn an_error_response_an_instant_query_or_another_document_stops_the_run_naming_the_file() {
        for (content, expected) in [
            (
                ERROR,
                "the query did not succeed (`status` is `error`): bad_data: 1:78: parse error",
            ),
            (INSTANT, "`resultType` is `vector` (an instant query)"),
            (
                r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#,
                "`resultType` is `scalar`, expected `matrix`",
            ),
            ("[1, 2]", "expected a JSON object"),
        ] {
            let message = ingest(content, "resource = \"cpu\"\n")
                .expect_err("fatal")
                .to_string();
            assert!(message.contains("util.json"), "{message}");
            assert!(
                message.contains(
                    "not a Prometheus `query_range` response of a utilization expression"
                ),
                "{message}"
            );
            assert!(message.contains(expected), "{expected}\n{message}");
        }
    }
}
