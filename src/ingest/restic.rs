//! restic → canonical `backups` rows (SPEC §5, §7 "Backups, exactly").
//!
//! Reads the output of `restic snapshots --json` from restic 0.14 to current: one JSON
//! array of snapshots, or, with `--group-by`, an array of groups (`group_key`,
//! `snapshots`) that is flattened in document order. Every listed snapshot is one
//! successful backup:
//!
//! | canonical | from |
//! |---|---|
//! | `source`, `repository`, `region`, `tenant` | the input entry (restic does not say) |
//! | `started_at` | `summary.backup_start` (restic ≥ 0.17), else `time` |
//! | `finished_at` | `summary.backup_end` (restic ≥ 0.17), else `time` |
//! | `status` | `success` |
//! | `snapshot_id` | `id`, else `short_id` |
//! | `encrypted` | `true`: a restic repository is always encrypted |
//! | `size_bytes` | `summary.total_bytes_processed`, when present |
//!
//! restic writes RFC 3339 times with an offset and nanoseconds; they are kept to the
//! millisecond. A file that is not this output at all (not JSON, not an array, an array
//! in which no element is a snapshot or a group) stops the run naming the file. A single
//! snapshot that cannot be read is rejected with `line` = its 0-based index in the
//! flattened list of snapshots (for a plain array, its index in the array; with
//! `--group-by`, its position counting across the groups in order; a group whose
//! `snapshots` is not an array takes one position), and the rest are used. This module
//! never reads anything but the file it is given and never decides a check.

use std::io::Read;

use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, at, describe, raw};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "`restic snapshots --json` output";

/// Reads one `restic snapshots --json` file into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let Value::Array(elements) = &document else {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: expected a JSON array of snapshots, found {}",
                describe(&document)
            ),
        ));
    };
    if !elements.is_empty() && !elements.iter().any(|e| is_snapshot(e) || is_group(e)) {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: no element of the array is a snapshot (an object with \
                 `time` and `tree` or `id`) or a `--group-by` group (`group_key`, `snapshots`)"
            ),
        ));
    }
    let mut index: u64 = 0;
    for element in elements {
        if is_group(element) {
            match element.get("snapshots") {
                Some(Value::Array(snapshots)) => {
                    for snapshot in snapshots {
                        push_snapshot(index, snapshot, input, sink, &mut stats);
                        index += 1;
                    }
                }
                // restic prints `null` for a Go nil slice: an empty group.
                Some(Value::Null) => {}
                other => {
                    let found = other.map_or("nothing", describe);
                    sink.reject(
                        index,
                        format!("a `--group-by` group whose `snapshots` is {found}, not an array"),
                        &mut stats,
                    );
                    index += 1;
                }
            }
        } else {
            push_snapshot(index, element, input, sink, &mut stats);
            index += 1;
        }
    }
    Ok(stats)
}

/// An object restic prints for a snapshot: it always has `time` and `tree`; `id` is
/// there from 0.9 on. One of them is enough to say what the element was meant to be.
fn is_snapshot(element: &Value) -> bool {
    element.get("tree").is_some()
        || (element.get("time").is_some()
            && (element.get("id").is_some() || element.get("short_id").is_some()))
}

fn is_group(element: &Value) -> bool {
    element.get("group_key").is_some()
}

fn push_snapshot(
    index: u64,
    snapshot: &Value,
    input: &Input,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    if !snapshot.is_object() {
        let reason = format!("expected a snapshot object, found {}", describe(snapshot));
        sink.reject(index, reason, stats);
        return;
    }
    if !is_snapshot(snapshot) {
        sink.reject(
            index,
            "not a restic snapshot: no `time` with `tree` or `id`",
            stats,
        );
        return;
    }
    let summary = at(snapshot, &["summary"]);
    if let Some(summary) = summary.filter(|s| !s.is_object()) {
        let reason = format!("`summary` is {}, not an object", describe(summary));
        sink.reject(index, reason, stats);
        return;
    }
    let time = at(snapshot, &["time"]);
    let started = at(snapshot, &["summary", "backup_start"]).or(time);
    let finished = at(snapshot, &["summary", "backup_end"]).or(time);
    if started.is_none() {
        sink.reject(index, "the snapshot has no `time`", stats);
        return;
    }
    let mut fields: Vec<(&str, Raw<'_>)> = vec![
        ("status", Raw::Text("success")),
        ("encrypted", Raw::Bool(true)),
    ];
    let from_document = [
        ("started_at", started),
        ("finished_at", finished),
        (
            "snapshot_id",
            at(snapshot, &["id"]).or(at(snapshot, &["short_id"])),
        ),
        (
            "size_bytes",
            at(snapshot, &["summary", "total_bytes_processed"]),
        ),
    ];
    for (name, value) in from_document {
        if let Some(raw) = value.and_then(raw) {
            fields.push((name, raw));
        }
    }
    let from_input = [
        ("source", &input.source),
        ("repository", &input.repository),
        ("region", &input.region),
        ("tenant", &input.tenant),
    ];
    for (name, value) in from_input {
        if let Some(text) = value {
            fields.push((name, Raw::Text(text)));
        }
    }
    sink.push_fields(index, &fields, stats);
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{ingest_backups, rejected, rows, Row};

    const SNAPSHOTS_0_14: &str = include_str!("../../tests/samples/restic-0.14-snapshots.json");
    const BORG_LIST: &str = include_str!("../../tests/samples/borg-1.2-list.json");
    const PGBACKREST_INFO: &str = include_str!("../../tests/samples/pgbackrest-2.45-info.json");
    const RESTIC_STATS: &str = include_str!("../../tests/samples/restic-0.14-stats.json");
    const RESTIC_FORGET: &str = include_str!("../../tests/samples/restic-0.14-forget-dryrun.json");

    const INPUT: &str = "source = \"web1\"\nrepository = \"offsite-perth\"\n\
                         region = \"au-southwest-1\"\ntenant = \"acme\"\n";

    /// A restic row with the input entry's values; the rest as given.
    fn row(
        line: u64,
        started_at: i64,
        finished_at: i64,
        snapshot_id: &str,
        size_bytes: Option<i64>,
    ) -> Row {
        Row {
            source: Some("web1".into()),
            started_at: Some(started_at),
            status: Some("success".into()),
            finished_at: Some(finished_at),
            snapshot_id: Some(snapshot_id.into()),
            repository: Some("offsite-perth".into()),
            region: Some("au-southwest-1".into()),
            encrypted: Some(true),
            size_bytes,
            tenant: Some("acme".into()),
            line,
        }
    }

    fn read(content: &str) -> crate::ingest::Ingested {
        ingest_backups("snapshots.json", content.as_bytes(), "restic", INPUT).expect("ingest")
    }

    fn fatal(content: &str) -> String {
        ingest_backups("snapshots.json", content.as_bytes(), "restic", INPUT)
            .expect_err("fatal")
            .to_string()
    }

    #[test]
    fn restic_0_14_snapshots_without_summary_start_and_finish_at_time() {
        let ingested = read(SNAPSHOTS_0_14);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        // 2026-11-22T03:31:43.846965288Z and 03:31:44.479818051Z, kept to the millisecond.
        let first = 1_795_318_303_846;
        let second = 1_795_318_304_479;
        assert_eq!(
            rows(&ingested),
            vec![
                row(
                    0,
                    first,
                    first,
                    "af89b563ad94e81a1b5edb7e0fdd65f00956b38803035cb99aa1a6ef1884eb99",
                    None
                ),
                row(
                    1,
                    second,
                    second,
                    "76405d6ff4658b356caae246201fc29d9ae2ace3ada5991dd11b52826c64cd8e",
                    None
                ),
            ]
        );
        let file = &ingested.files[0];
        assert_eq!(
            (file.format.as_str(), file.rows, file.rejected_rows),
            ("restic", 2, 0)
        );
        assert_eq!(file.bytes, SNAPSHOTS_0_14.len() as u64);
    }

    /// The shape restic's documentation gives for `snapshots --json` from 0.17 on: the
    /// snapshot carries its backup summary, times with an offset and nanoseconds.
    const SNAPSHOTS_WITH_SUMMARY: &str = r#"[
      {
        "time": "2026-11-02T01:00:04.123456789+11:00",
        "parent": "0f3c1a2b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a",
        "tree": "7b0e3c9a1f2d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a",
        "paths": ["/srv/db"],
        "hostname": "db-main",
        "username": "backup",
        "uid": 998,
        "gid": 998,
        "excludes": ["/srv/db/tmp"],
        "tags": ["hourly"],
        "program_version": "restic 0.17.3",
        "summary": {
          "backup_start": "2026-11-02T01:00:04.123456789+11:00",
          "backup_end": "2026-11-02T01:07:19.987654321+11:00",
          "files_new": 12,
          "files_changed": 3,
          "files_unmodified": 1840,
          "dirs_new": 0,
          "dirs_changed": 2,
          "dirs_unmodified": 310,
          "data_blobs": 27,
          "tree_blobs": 3,
          "data_added": 52428800,
          "data_added_packed": 20971520,
          "total_files_processed": 1855,
          "total_bytes_processed": 4294967296
        },
        "id": "5a7d8e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
        "short_id": "5a7d8e1a"
      },
      {
        "time": "2026-11-02T05:00:00Z",
        "tree": "8c1f4d0b2a3e5f6c7b8d9e0a1f2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
        "paths": ["/srv/db"],
        "hostname": "db-main",
        "program_version": "restic 0.17.3",
        "summary": {
          "backup_start": "2026-11-02T04:59:58.5Z",
          "backup_end": "2026-11-02T05:03:30Z",
          "total_files_processed": 1855,
          "total_bytes_processed": 4294971392
        },
        "short_id": "9b8c7d6e"
      }
    ]"#;

    #[test]
    fn restic_0_17_summary_gives_start_end_and_size() {
        let ingested = read(SNAPSHOTS_WITH_SUMMARY);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(
            rows(&ingested),
            vec![
                // 2026-11-01T14:00:04.123Z to 14:07:19.987Z.
                row(
                    0,
                    1_793_541_604_123,
                    1_793_542_039_987,
                    "5a7d8e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
                    Some(4_294_967_296)
                ),
                // `backup_start` wins over `time`; no `id`: the short id.
                row(
                    1,
                    1_793_595_598_500,
                    1_793_595_810_000,
                    "9b8c7d6e",
                    Some(4_294_971_392)
                ),
            ]
        );
    }

    #[test]
    fn group_by_output_is_flattened_in_document_order() {
        let group_by = r#"[
          {"group_key": {"hostname": "web1", "paths": null, "tags": null},
           "snapshots": [
             {"time": "2026-11-01T00:00:00Z", "tree": "a1", "id": "aaaa"},
             {"time": "2026-11-01T04:00:00Z", "tree": "a2", "id": "bbbb"}]},
          {"group_key": {"hostname": "web2", "paths": null, "tags": null},
           "snapshots": [
             {"time": "2026-11-01T08:00:00+02:00", "tree": "b1", "id": "cccc"}]},
          {"group_key": {"hostname": "web3", "paths": null, "tags": null},
           "snapshots": null}
        ]"#;
        let ingested = read(group_by);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let hour = 3_600_000;
        let start = 1_793_491_200_000; // 2026-11-01T00:00:00Z
        assert_eq!(
            rows(&ingested),
            vec![
                row(0, start, start, "aaaa", None),
                row(1, start + 4 * hour, start + 4 * hour, "bbbb", None),
                row(2, start + 6 * hour, start + 6 * hour, "cccc", None),
            ]
        );
    }

    #[test]
    fn a_snapshot_with_a_broken_time_is_rejected_by_index_and_the_rest_used() {
        let content = r#"[
          {"time": "2026-11-01T00:00:00Z", "tree": "t0", "id": "s0"},
          {"time": "last tuesday", "tree": "t1", "id": "s1"},
          {"tree": "t2", "id": "s2"},
          {"time": 1793491200, "tree": "t3", "id": "s3"},
          "s4",
          {"time": "2026-11-01T00:00:00Z", "tree": "t5", "id": "s5",
           "summary": {"backup_start": "2026-11-01T00:00:00Z",
                       "backup_end": "2026-10-31T23:00:00Z"}},
          {"time": "2026-11-01T04:00:00Z", "tree": "t6", "id": "s6",
           "summary": {"total_bytes_processed": "lots"}},
          {"time": "2026-11-01T08:00:00Z", "tree": "t7", "id": "s7"}
        ]"#;
        let ingested = read(content);
        let rejected = rejected(&ingested);
        assert_eq!(
            rejected.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6],
            "{rejected:?}"
        );
        assert!(rejected[0].1.contains("`last tuesday`"), "{rejected:?}");
        assert_eq!(rejected[1].1, "the snapshot has no `time`");
        assert!(
            rejected[2].1.contains("expected an RFC 3339 time"),
            "{rejected:?}"
        );
        assert_eq!(rejected[3].1, "expected a snapshot object, found a string");
        assert_eq!(rejected[4].1, "`finished_at` is before `started_at`");
        assert!(
            rejected[5].1.contains("`size_bytes` is `lots`"),
            "{rejected:?}"
        );
        let used: Vec<(u64, Option<String>)> = rows(&ingested)
            .into_iter()
            .map(|r| (r.line, r.snapshot_id))
            .collect();
        assert_eq!(used, vec![(0, Some("s0".into())), (7, Some("s7".into()))]);
        let file = &ingested.files[0];
        assert_eq!((file.rows, file.rejected_rows), (2, 6));
    }

    #[test]
    fn an_empty_array_and_an_empty_file_are_zero_snapshots() {
        for content in ["[]", "\u{feff}[]\r\n", "", "\n"] {
            let ingested = read(content);
            assert!(rows(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
            assert_eq!(ingested.files[0].bytes, content.len() as u64);
        }
    }

    #[test]
    fn a_file_that_is_not_restic_snapshots_output_stops_the_run_naming_it() {
        let cases = [
            ("not JSON", "repository 1a2b3c opened\n"),
            ("borg list", BORG_LIST),
            ("pgbackrest info", PGBACKREST_INFO),
            ("restic stats", RESTIC_STATS),
            ("restic forget", RESTIC_FORGET),
            (
                "restic backup --json lines",
                "{\"message_type\":\"status\"}\n{\"message_type\":\"summary\"}\n",
            ),
        ];
        for (what, content) in cases {
            let message = fatal(content);
            assert!(
                message.contains("snapshots.json")
                    && message.contains("not `restic snapshots --json` output"),
                "{what}: {message}"
            );
        }
        assert!(fatal(BORG_LIST).contains("expected a JSON array of snapshots, found an object"));
        assert!(fatal(PGBACKREST_INFO).contains("no element of the array is a snapshot"));
        assert!(fatal("[1,").contains(
            "snapshots.json:1: not `restic snapshots --json` output: not a JSON document"
        ));
    }
}
