//! Adversarial inputs for the canonical readers: every row that cannot be read is
//! rejected with its physical line, the rest of the file is used.

use std::path::Path;

use super::*;
use crate::config::Config;
use crate::observer::Silent;

fn config_with(dir: &Path, inputs: &str) -> Config {
    let text = format!("[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n{inputs}");
    Config::parse(&dir.join("auditpack.toml"), &text).expect("valid config")
}

fn ingest_file(
    name: &str,
    content: &[u8],
    kind: &str,
    format: &str,
    extra: &str,
) -> Result<Ingested, Error> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), content).expect("write");
    let config = config_with(
        dir.path(),
        &format!("[[input]]\nkind = \"{kind}\"\nformat = \"{format}\"\npath = \"{name}\"\n{extra}"),
    );
    ingest(&config.inputs, &config.dir, &Silent)
}

fn lines(ingested: &Ingested) -> Vec<(u64, String)> {
    ingested
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect()
}

#[test]
fn bad_csv_rows_are_rejected_with_their_physical_line() {
    let csv = "time,service,up,location\n\
               2026-10-01T00:00:00Z,api,1,syd\n\
               2026-10-01T00:01:00,api,1,syd\n\
               yesterday,api,1,syd\n\
               2026-10-01T00:02:00Z,,1,syd\n\
               2026-10-01T00:03:00Z,api,maybe,syd\n\
               2026-10-01T00:04:00Z,api,1\n\
               2026-10-01T00:05:00Z,\"a\nb\",0,per\n\
               2026-10-01T00:06:00Z,api,0,per\n";
    let ingested = ingest_file("p.csv", csv.as_bytes(), "probes", "csv", "").expect("ingest");
    let rejected = lines(&ingested);
    let numbers: Vec<u64> = rejected.iter().map(|(l, _)| *l).collect();
    assert_eq!(numbers, vec![3, 4, 5, 6, 7], "{rejected:?}");
    assert!(rejected[0].1.contains("without an offset"), "{rejected:?}");
    assert!(
        rejected[2].1.contains("missing required value `service`"),
        "{rejected:?}"
    );
    assert!(rejected[3].1.contains("`up` is `maybe`"), "{rejected:?}");
    assert!(
        rejected[4].1.contains("expected 4 fields, found 3"),
        "{rejected:?}"
    );
    let file = &ingested.files[0];
    assert_eq!((file.rows, file.rejected_rows), (3, 5));
    let table = ingested.tables.get(InputKind::Probes).expect("table");
    assert_eq!(table.height(), 3);
    // The record spanning lines 8-9 keeps the number of its first line.
    let line_numbers: Vec<Option<u64>> = table
        .column("_line")
        .expect("_line")
        .u64()
        .expect("u64")
        .iter()
        .collect();
    assert_eq!(line_numbers, vec![Some(2), Some(8), Some(10)]);
}

#[test]
fn bom_crlf_and_no_final_newline_are_normal() {
    let csv = "\u{feff}time,service,up\r\n2026-10-01T00:00:00Z,api,true\r\n2026-10-01T00:01:00Z,api,false";
    let ingested = ingest_file("p.csv", csv.as_bytes(), "probes", "csv", "").expect("ingest");
    assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
    assert_eq!(ingested.files[0].rows, 2);
    assert_eq!(ingested.files[0].bytes, csv.len() as u64);
}

#[test]
fn an_empty_file_is_normal_input() {
    for format in ["csv", "ndjson"] {
        let ingested = ingest_file("p.x", b"", "probes", format, "").expect("ingest");
        assert_eq!(ingested.files[0].rows, 0);
        assert_eq!(
            ingested.files[0].sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

#[test]
fn missing_required_columns_stop_the_run_naming_the_file() {
    let error = ingest_file(
        "p.csv",
        b"when,service\n2026-10-01T00:00:00Z,api\n",
        "probes",
        "csv",
        "",
    )
    .expect_err("fatal");
    let message = error.to_string();
    assert!(
        message
            .contains("p.csv:1: not a canonical `probes` CSV: missing required columns time, up"),
        "{message}"
    );
}

/// Found by the property tests (`fuzz.rs`): a header whose quoted field held a line
/// break made the fatal message two lines, and a huge field made it huge.
#[test]
fn a_header_field_with_a_line_break_is_shown_on_one_line() {
    let long = "x".repeat(1000);
    let csv = format!("api,\"multi\nline\",{long}\napi,a,b\n");
    let error = ingest_file("p.csv", csv.as_bytes(), "probes", "csv", "").expect_err("fatal");
    let message = error.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(
        message.ends_with(
            "(the header has: api, multi\\nline, xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…)"
        ),
        "{message}"
    );
}

#[test]
fn broken_ndjson_lines_are_rejected_and_the_rest_used() {
    let ndjson = "{\"time\":\"2026-10-01T00:00:00Z\",\"service\":\"api\",\"up\":true}\n\
                  {\"time\":\"2026-10-01T00:01:00Z\",\"service\":\"api\",\"up\":\n\
                  \n\
                  [1,2]\n\
                  {\"time\":\"2026-10-01T00:02:00Z\",\"service\":\"api\",\"up\":1,\"latency_ms\":12.5}\r\n\
                  {\"time\":\"2026-10-01T00:03:00Z\",\"service\":\"api\",\"up\":\"no\",\"location\":null}";
    let ingested =
        ingest_file("p.ndjson", ndjson.as_bytes(), "probes", "ndjson", "").expect("ingest");
    let rejected = lines(&ingested);
    assert_eq!(
        rejected.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![2, 4]
    );
    assert!(rejected[0].1.starts_with("not JSON"), "{rejected:?}");
    assert_eq!(rejected[1].1, "not a JSON object");
    assert_eq!(ingested.files[0].rows, 3);
}

#[test]
fn a_file_that_is_not_ndjson_at_all_is_fatal() {
    let error = ingest_file(
        "p.ndjson",
        b"time,service,up\n2026,api,1\n",
        "probes",
        "ndjson",
        "",
    )
    .expect_err("fatal");
    assert!(
        error.to_string().contains("p.ndjson:1: not NDJSON"),
        "{error}"
    );
}

#[test]
fn a_declared_timezone_reads_naive_times() {
    let csv = "time,service,up\n2026-10-01 10:00:00,api,1\n";
    let ingested = ingest_file(
        "p.csv",
        csv.as_bytes(),
        "probes",
        "csv",
        "timezone = \"Australia/Melbourne\"\n",
    )
    .expect("ingest");
    assert!(ingested.rejected.is_empty());
    let table = ingested.tables.get(InputKind::Probes).expect("table");
    let time = table
        .column("time")
        .expect("time")
        .cast(&polars::prelude::DataType::Int64)
        .expect("cast");
    assert_eq!(time.i64().expect("i64").get(0), Some(1_790_812_800_000));
}

#[test]
fn a_maintenance_window_that_ends_before_it_starts_is_rejected() {
    let csv = "service,start,end\napi,2026-10-01T02:00:00Z,2026-10-01T01:00:00Z\n";
    let ingested = ingest_file("m.csv", csv.as_bytes(), "maintenance", "csv", "").expect("ingest");
    assert_eq!(
        lines(&ingested),
        vec![(2, "`end` is not after `start`".to_string())]
    );
}

#[test]
fn a_file_matched_by_two_inputs_is_read_once_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("probes")).expect("mkdir");
    std::fs::write(
        dir.path().join("probes/a.csv"),
        "time,service,up\n2026-10-01T00:00:00Z,api,1\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("probes/notes.txt"), "not evidence").expect("write");
    let config = config_with(
        dir.path(),
        "[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"probes/\"\n\
         [[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"probes/*.csv\"\n",
    );
    let ingested = ingest(&config.inputs, &config.dir, &Silent).expect("ingest");
    assert_eq!(ingested.files.len(), 1);
    assert_eq!(ingested.files[0].path, "probes/a.csv");
    assert!(
        ingested.warnings[0].contains("matched by input[1] and input[2]"),
        "{:?}",
        ingested.warnings
    );
}

#[cfg(unix)]
#[test]
fn symlinks_leading_outside_an_input_directory_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        outside.path().join("secret.csv"),
        "time,service,up\n2026-10-01T00:00:00Z,x,1\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("probes")).expect("mkdir");
    std::os::unix::fs::symlink(
        outside.path().join("secret.csv"),
        dir.path().join("probes/link.csv"),
    )
    .expect("symlink");
    let config = config_with(
        dir.path(),
        "[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"probes\"\n",
    );
    let ingested = ingest(&config.inputs, &config.dir, &Silent).expect("ingest");
    assert!(ingested.files.is_empty());
    assert!(
        ingested.warnings[0].contains("not followed"),
        "{:?}",
        ingested.warnings
    );
}

#[test]
fn crlf_csv_rows_keep_their_physical_line_numbers() {
    let csv = "time,service,up\r\n2026-10-01T00:00:00Z,api,1\r\nbad,api,1\r\n2026-10-01T00:02:00Z,api,x\r\n\"2026-10-01T00:03:00Z\",\"a\r\nb\",1\r\nlate,api,1\r\n";
    let ingested = ingest_file("p.csv", csv.as_bytes(), "probes", "csv", "").expect("ingest");
    assert_eq!(
        lines(&ingested).iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![3, 4, 7]
    );
    assert_eq!(ingested.files[0].bytes, csv.len() as u64);
}

#[test]
fn utilization_rows_are_read_from_csv_and_ndjson_with_their_optional_columns() {
    let csv = "time,host,resource,used_percent,cluster,mount\n\
               2026-10-01T00:00:00Z,web-1,cpu,41.5,web,\n\
               2026-10-01T00:00:00Z,db-1,disk,90,,/var\n\
               2026-10-01T00:00:00Z,db-1,disk,NaN,,/\n\
               2026-10-01T00:00:00Z,,cpu,12,web,\n";
    let ingested = ingest_file("u.csv", csv.as_bytes(), "utilization", "csv", "").expect("ingest");
    assert_eq!(
        lines(&ingested),
        vec![
            (4, "`used_percent` is `NaN`: expected a number".to_string()),
            (5, "missing required value `host`".to_string()),
        ]
    );
    let table = ingested.tables.get(InputKind::Utilization).expect("table");
    assert_eq!(table.height(), 2);
    let used: Vec<Option<f64>> = table
        .column("used_percent")
        .expect("used_percent")
        .f64()
        .expect("f64")
        .iter()
        .collect();
    assert_eq!(used, vec![Some(41.5), Some(90.0)]);
    let ndjson = "{\"time\":\"2026-10-01T00:00:00Z\",\"host\":\"web-1\",\"resource\":\"memory\",\"used_percent\":7}\n\
                  {\"time\":\"2026-10-01T00:00:00Z\",\"host\":\"web-1\",\"resource\":\"memory\"}\n";
    let ingested =
        ingest_file("u.ndjson", ndjson.as_bytes(), "utilization", "ndjson", "").expect("ingest");
    assert_eq!(
        ingested
            .tables
            .get(InputKind::Utilization)
            .expect("table")
            .height(),
        1
    );
    assert_eq!(
        lines(&ingested),
        vec![(2, "missing required value `used_percent`".to_string())]
    );
}

/// A log that gains a line after the reader first reached its end.
struct Appended {
    parts: Vec<&'static [u8]>,
}

impl std::io::Read for Appended {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.parts.first_mut() {
            // An empty part is the end of the file as the reader saw it then.
            Some([]) => {
                self.parts.remove(0);
                Ok(0)
            }
            Some(part) => {
                let n = part.len().min(buf.len());
                buf[..n].copy_from_slice(&part[..n]);
                *part = &part[n..];
                Ok(n)
            }
            None => Ok(0),
        }
    }
}

#[test]
fn a_log_appended_after_it_was_read_is_hashed_as_read() {
    use sha2::{Digest, Sha256};
    let read = b"time,service,up\n2026-10-01T00:00:00Z,api,1\n";
    let mut reader = super::HashingReader::new(
        Appended {
            parts: vec![read, b"", b"2026-10-01T00:01:00Z,api,0\n"],
        },
        &Silent,
    );
    let mut used = Vec::new();
    std::io::Read::read_to_end(&mut reader, &mut used).expect("reads");
    assert_eq!(used, read);
    let (sha256, bytes) = reader.finish().expect("finishes");
    assert_eq!(bytes, read.len() as u64);
    assert_eq!(sha256, crate::digest::hex(&Sha256::digest(read)));
}

#[test]
fn a_character_split_across_two_csv_fields_is_not_valid_utf8() {
    // "é" is C3 A9: as the end of one field and the start of the next, the record's
    // bytes end to end are valid UTF-8 and each field is not.
    let mut csv = b"time,service,up,location\n2026-10-01T00:00:00Z,api\xc3,\xa91,syd\n".to_vec();
    csv.extend_from_slice("2026-10-01T00:01:00Z,api\u{e9},1,syd\n".as_bytes());
    let ingested = ingest_file("p.csv", &csv, "probes", "csv", "").expect("ingest");
    assert_eq!(lines(&ingested), [(2, "not valid UTF-8".to_string())]);
    assert_eq!(ingested.tables.rows(InputKind::Probes), Some(1));
}

#[test]
fn probes_read_in_two_lanes_are_kept_as_one_thread_keeps_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("split")).expect("dir");
    std::fs::create_dir_all(dir.path().join("whole")).expect("dir");
    let header = "time,service,up,location,latency_ms\n";
    let mut whole = header.to_string();
    for file in 0..4 {
        let mut rows = String::new();
        for i in 0..200 {
            // Every file goes back over the same minutes: samples at one instant in two
            // files, whose reading order decides which holds.
            let location = ["syd", "mel", "per"][i % 3];
            let service = ["api", "web"][(i / 3) % 2];
            let up = u8::from((i + file) % 11 != 0);
            rows.push_str(&format!(
                "2026-10-01T00:{:02}:00Z,{service},{up},{location},{}\n",
                i % 60,
                file * 1000 + i
            ));
        }
        let path = dir.path().join(format!("split/p{file}.csv"));
        std::fs::write(path, format!("{header}{rows}")).expect("write");
        whole.push_str(&rows);
    }
    std::fs::write(dir.path().join("whole/all.csv"), whole).expect("write");
    let compact = Compact {
        probes: probes::ProbeWindow {
            from: 0,
            to: i64::MAX,
            latency: (0, i64::MAX),
        },
        utilization: utilization::UtilizationKeep {
            resources: Vec::new(),
            start: 0,
            end: 0,
        },
    };
    let kept = |folder: &str| {
        let config = config_with(
            dir.path(),
            &format!("[[input]]\nkind = \"probes\"\nformat = \"csv\"\npath = \"{folder}/\"\n"),
        );
        let plan = plan_reading(&config.inputs, &config.dir, &Silent).expect("plan");
        let files: Vec<(usize, &PlannedFile)> = plan.files.iter().enumerate().collect();
        let lanes = 1 + usize::from(second_lane(&config.inputs, &files, true) > 0);
        let read = read_tables(
            &config.inputs,
            &plan.files,
            |_| true,
            Some(compact.clone()),
            &Silent,
        )
        .expect("read");
        let mut probes = read.tables.take_probes().expect("probes");
        let groups: Vec<(String, String, probes::Taken)> = probes
            .groups
            .iter_mut()
            .flat_map(|(service, groups)| {
                groups
                    .iter_mut()
                    .map(move |(location, group)| (service.clone(), location.clone(), group.take()))
            })
            .collect();
        let rows = read.tables.rows(InputKind::Probes);
        (
            lanes,
            groups,
            probes.locations,
            probes.with_latency,
            rows,
            read.files.len(),
        )
    };
    let split = kept("split");
    let whole = kept("whole");
    assert_eq!(
        (split.0, whole.0),
        (2, 1),
        "the split folder is read in two lanes"
    );
    assert_eq!(split.4, Some(800));
    assert_eq!(split.5, 4, "every file listed");
    assert_eq!(split.1, whole.1);
    assert_eq!(split.2, whole.2);
    assert_eq!(split.3, whole.3);
    assert_eq!(split.4, whole.4);
}
