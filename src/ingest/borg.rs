//! borg → canonical `backups` rows (SPEC §5, §7 "Backups, exactly").
//!
//! Reads the output of `borg list --json` and `borg info --json` from borg 1.x: one
//! JSON object with `archives` (absent from a repository-only `borg info --json`: zero
//! rows), `encryption.mode` and `repository`. Each archive is one backup:
//!
//! | canonical | from |
//! |---|---|
//! | `source`, `region`, `tenant` | the input entry (borg does not say) |
//! | `repository` | the input entry, else `repository.location` |
//! | `started_at` | `start` (`borg list` also prints `time`, the same instant) |
//! | `finished_at` | `end` (`borg info`), else `start` |
//! | `status` | `partial` for a checkpoint (the name contains `.checkpoint`: an interrupted run), else `success` |
//! | `snapshot_id` | `name` (the archive name), else `archive` |
//! | `encrypted` | `encryption.mode` is not `none`, `authenticated` or `authenticated-blake2` (those only sign); absent: unknown |
//! | `size_bytes` | `stats.original_size` (`borg info`), when present |
//!
//! borg 1.x prints naive local times (`2026-11-22T03:31:55.000000`): they are read in
//! the input's `timezone`, which the configuration requires for borg; a local time that
//! a daylight-saving change skips is a rejected row, a repeated one is its first
//! occurrence (values.rs). A file that is not this output at all (not JSON, not an
//! object, an object with neither `archives` nor `repository`) stops the run naming the
//! file. A single archive that cannot be read is rejected with `line` = its 0-based index
//! in `archives`, and the rest are used. This module never decides a check.

use std::io::Read;

use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, at, describe, raw};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "`borg list --json` or `borg info --json` output";

/// Encryption modes that authenticate but do not encrypt (`borg init --encryption`).
const NOT_ENCRYPTING: [&str; 3] = ["none", "authenticated", "authenticated-blake2"];

/// Reads one `borg list --json` / `borg info --json` file into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let Value::Object(root) = &document else {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: expected a JSON object with `archives` and `repository`, found {}",
                describe(&document)
            ),
        ));
    };
    if root.contains_key("archive") && !root.contains_key("archives") {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: this looks like `borg create --json` output (one `archive`); \
                 list the repository with `borg list --json` instead"
            ),
        ));
    }
    let archives = match root.get("archives") {
        Some(Value::Array(archives)) => archives.as_slice(),
        Some(other) => {
            return Err(sink.fatal(
                None,
                format!(
                    "not {EXPECTED}: `archives` is {}, not an array",
                    describe(other)
                ),
            ))
        }
        None if root.get("repository").is_some_and(Value::is_object) => &[],
        None => {
            return Err(sink.fatal(
                None,
                format!("not {EXPECTED}: the object has neither `archives` nor `repository`"),
            ))
        }
    };
    let mode = at(&document, &["encryption", "mode"]).and_then(Value::as_str);
    let encrypted =
        mode.map(|mode| !NOT_ENCRYPTING.contains(&mode.trim().to_ascii_lowercase().as_str()));
    let location = at(&document, &["repository", "location"]);
    let repository = match &input.repository {
        Some(name) => Some(Raw::Text(name)),
        None => location.and_then(raw),
    };
    for (index, archive) in (0u64..).zip(archives) {
        push_archive(
            index, archive, input, repository, encrypted, sink, &mut stats,
        );
    }
    Ok(stats)
}

fn push_archive(
    index: u64,
    archive: &Value,
    input: &Input,
    repository: Option<Raw<'_>>,
    encrypted: Option<bool>,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    if !archive.is_object() {
        let reason = format!("expected an archive object, found {}", describe(archive));
        sink.reject(index, reason, stats);
        return;
    }
    let started = at(archive, &["start"]).or(at(archive, &["time"]));
    let Some(started) = started else {
        sink.reject(index, "the archive has no `start` or `time`", stats);
        return;
    };
    let finished = at(archive, &["end"]).unwrap_or(started);
    let name = at(archive, &["name"]).or(at(archive, &["archive"]));
    let checkpoint = name
        .and_then(Value::as_str)
        .is_some_and(|name| name.contains(".checkpoint"));
    let status = if checkpoint { "partial" } else { "success" };
    let mut fields: Vec<(&str, Raw<'_>)> = vec![("status", Raw::Text(status))];
    let from_document = [
        ("started_at", Some(started)),
        ("finished_at", Some(finished)),
        ("snapshot_id", name),
        ("size_bytes", at(archive, &["stats", "original_size"])),
    ];
    for (field, value) in from_document {
        if let Some(raw) = value.and_then(raw) {
            fields.push((field, raw));
        }
    }
    if let Some(encrypted) = encrypted {
        fields.push(("encrypted", Raw::Bool(encrypted)));
    }
    if let Some(repository) = repository {
        fields.push(("repository", repository));
    }
    let from_input = [
        ("source", &input.source),
        ("region", &input.region),
        ("tenant", &input.tenant),
    ];
    for (field, value) in from_input {
        if let Some(text) = value {
            fields.push((field, Raw::Text(text)));
        }
    }
    sink.push_fields(index, &fields, stats);
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{ingest_backups, rejected, rows, Row};
    use crate::ingest::Ingested;

    const LIST: &str = include_str!("../../tests/samples/borg-1.2-list.json");
    const INFO: &str = include_str!("../../tests/samples/borg-1.2-info.json");
    const INFO_ARCHIVES: &str = include_str!("../../tests/samples/borg-1.2-info-archives.json");
    const RESTIC_SNAPSHOTS: &str = include_str!("../../tests/samples/restic-0.14-snapshots.json");
    const PGBACKREST_INFO: &str = include_str!("../../tests/samples/pgbackrest-2.45-info.json");
    const PROMETHEUS: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-probe_success.json");

    const MELBOURNE: &str = "source = \"web1\"\nregion = \"au-southeast-1\"\n\
                             timezone = \"Australia/Melbourne\"\n";

    fn read(content: &str, extra: &str) -> Ingested {
        ingest_backups("borg.json", content.as_bytes(), "borg", extra).expect("ingest")
    }

    fn fatal(content: &str) -> String {
        ingest_backups("borg.json", content.as_bytes(), "borg", MELBOURNE)
            .expect_err("fatal")
            .to_string()
    }

    /// A borg row from the samples' repository, read in Melbourne.
    fn row(line: u64, started_at: i64, finished_at: i64, name: &str, size: Option<i64>) -> Row {
        Row {
            source: Some("web1".into()),
            started_at: Some(started_at),
            status: Some("success".into()),
            finished_at: Some(finished_at),
            snapshot_id: Some(name.into()),
            repository: Some("/tmp/rt/borgrepo".into()),
            region: Some("au-southeast-1".into()),
            encrypted: Some(true),
            size_bytes: size,
            tenant: None,
            line,
        }
    }

    // 2026-11-22T03:31:55 and 03:31:57 in Melbourne (AEDT, +11:00).
    const FIRST: i64 = 1_795_278_715_000;
    const SECOND: i64 = 1_795_278_717_000;

    #[test]
    fn borg_list_reads_naive_times_in_the_input_timezone() {
        let ingested = read(LIST, MELBOURNE);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(
            rows(&ingested),
            vec![
                row(0, FIRST, FIRST, "web1-2026-11-22T03:31:55", None),
                row(1, SECOND, SECOND, "daily-2026-11-22T03:31:57", None),
            ]
        );
        let file = &ingested.files[0];
        assert_eq!(
            (file.format.as_str(), file.rows, file.bytes),
            ("borg", 2, LIST.len() as u64)
        );
    }

    #[test]
    fn borg_info_with_archives_gives_end_and_original_size() {
        let ingested = read(INFO_ARCHIVES, MELBOURNE);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(
            rows(&ingested),
            vec![
                row(0, FIRST, FIRST, "web1-2026-11-22T03:31:55", Some(100_011)),
                row(
                    1,
                    SECOND,
                    SECOND,
                    "daily-2026-11-22T03:31:57",
                    Some(100_011)
                ),
            ]
        );
    }

    #[test]
    fn repository_only_borg_info_is_zero_rows() {
        let ingested = read(INFO, MELBOURNE);
        assert!(rows(&ingested).is_empty());
        assert!(ingested.rejected.is_empty());
        assert_eq!(ingested.files[0].rows, 0);
    }

    #[test]
    fn the_input_repository_wins_over_the_location() {
        let ingested = read(
            LIST,
            &format!("{MELBOURNE}repository = \"offsite-perth\"\ntenant = \"acme\"\n"),
        );
        for row in rows(&ingested) {
            assert_eq!(row.repository.as_deref(), Some("offsite-perth"));
            assert_eq!(row.tenant.as_deref(), Some("acme"));
        }
    }

    #[test]
    fn daylight_saving_in_melbourne_shifts_the_offset_and_a_skipped_time_is_rejected() {
        let content = r#"{
          "archives": [
            {"name": "winter", "start": "2026-07-01T03:00:00.000000", "end": "2026-07-01T03:20:00.000000"},
            {"name": "after-dst-start", "start": "2026-10-04T03:30:00.000000"},
            {"name": "in-the-gap", "start": "2026-10-04T02:30:00.000000"},
            {"name": "repeated-hour", "start": "2026-04-05T02:30:00.000000"},
            {"name": "with-offset", "start": "2026-11-22T03:31:55+00:00"}
          ],
          "encryption": {"mode": "keyfile"},
          "repository": {"location": "/tmp/rt/borgrepo"}
        }"#;
        let ingested = read(content, MELBOURNE);
        let rejected = rejected(&ingested);
        assert_eq!(rejected.len(), 1, "{rejected:?}");
        assert_eq!(rejected[0].0, 2);
        assert!(
            rejected[0].1.contains("daylight-saving gap"),
            "{rejected:?}"
        );
        let winter = 1_782_838_800_000; // 2026-06-30T17:00:00Z: AEST, +10:00
        let after_dst_start = 1_791_045_000_000; // 2026-10-03T16:30:00Z: AEDT, +11:00
        let repeated = 1_775_316_600_000; // 2026-04-04T15:30:00Z: the first 02:30, +11:00
        let with_offset = 1_795_318_315_000; // an explicit offset is kept
        assert_eq!(
            rows(&ingested),
            vec![
                row(0, winter, winter + 20 * 60_000, "winter", None),
                row(1, after_dst_start, after_dst_start, "after-dst-start", None),
                row(3, repeated, repeated, "repeated-hour", None),
                row(4, with_offset, with_offset, "with-offset", None),
            ]
        );
    }

    #[test]
    fn a_checkpoint_archive_is_a_partial_run() {
        let content = r#"{"archives": [
            {"name": "db-2026-11-22T03:00:00.checkpoint", "start": "2026-11-22T03:00:00.000000"},
            {"name": "db-2026-11-22T03:00:00.checkpoint.1", "start": "2026-11-22T03:10:00.000000"},
            {"name": "db-2026-11-22T03:00:00", "start": "2026-11-22T03:20:00.000000"}
          ],
          "encryption": {"mode": "repokey"},
          "repository": {"location": "ssh://backup@host/./db"}}"#;
        let statuses: Vec<(Option<String>, Option<String>)> = rows(&read(content, MELBOURNE))
            .into_iter()
            .map(|r| (r.snapshot_id, r.status))
            .collect();
        assert_eq!(
            statuses,
            vec![
                (
                    Some("db-2026-11-22T03:00:00.checkpoint".into()),
                    Some("partial".into())
                ),
                (
                    Some("db-2026-11-22T03:00:00.checkpoint.1".into()),
                    Some("partial".into())
                ),
                (
                    Some("db-2026-11-22T03:00:00".into()),
                    Some("success".into())
                ),
            ]
        );
    }

    #[test]
    fn authenticated_modes_do_not_encrypt() {
        for (mode, encrypted) in [
            ("none", Some(false)),
            ("authenticated", Some(false)),
            ("authenticated-blake2", Some(false)),
            ("repokey", Some(true)),
            ("keyfile-blake2", Some(true)),
        ] {
            let content = LIST.replace("repokey-blake2", mode);
            let found: Vec<Option<bool>> = rows(&read(&content, MELBOURNE))
                .into_iter()
                .map(|r| r.encrypted)
                .collect();
            assert_eq!(found, vec![encrypted, encrypted], "{mode}");
        }
        // No `encryption` at all: unknown, not assumed.
        let content = r#"{"archives": [{"name": "a", "start": "2026-11-22T03:00:00.000000"}],
                          "repository": {"location": "/r"}}"#;
        assert_eq!(rows(&read(content, MELBOURNE))[0].encrypted, None);
    }

    #[test]
    fn a_broken_archive_is_rejected_by_index_and_the_rest_used() {
        let content = r#"{"archives": [
            {"name": "a0", "start": "2026-11-22T03:00:00.000000"},
            {"name": "a1", "start": "soon"},
            {"name": "a2"},
            ["a3"],
            {"name": "a4", "start": "2026-11-22T03:00:00.000000", "stats": {"original_size": -1.5}},
            {"name": "a5", "time": "2026-11-22T04:00:00.000000"}
          ],
          "encryption": {"mode": "repokey"},
          "repository": {"location": "/r"}}"#;
        let ingested = read(content, MELBOURNE);
        let rejected = rejected(&ingested);
        assert_eq!(
            rejected.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            vec![1, 2, 3, 4],
            "{rejected:?}"
        );
        assert!(
            rejected[0].1.contains("`started_at` is `soon`"),
            "{rejected:?}"
        );
        assert_eq!(rejected[1].1, "the archive has no `start` or `time`");
        assert_eq!(rejected[2].1, "expected an archive object, found an array");
        assert!(
            rejected[3].1.contains("expected a whole number"),
            "{rejected:?}"
        );
        let used: Vec<(u64, Option<String>)> = rows(&ingested)
            .into_iter()
            .map(|r| (r.line, r.snapshot_id))
            .collect();
        assert_eq!(used, vec![(0, Some("a0".into())), (5, Some("a5".into()))]);
    }

    #[test]
    fn empty_archives_and_an_empty_file_are_zero_rows() {
        for content in [r#"{"archives": [], "repository": {"location": "/r"}}"#, ""] {
            let ingested = read(content, MELBOURNE);
            assert!(rows(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
        }
    }

    #[test]
    fn a_file_that_is_not_borg_json_stops_the_run_naming_it() {
        let cases = [
            (
                "not JSON",
                "Archive name: web1\nTime (start): Sun, 2026-11-22 03:31:55\n",
            ),
            ("restic snapshots", RESTIC_SNAPSHOTS),
            ("pgbackrest info", PGBACKREST_INFO),
            ("prometheus", PROMETHEUS),
            (
                "archives not an array",
                r#"{"archives": {"a": 1}, "repository": {}}"#,
            ),
            (
                "borg create",
                r#"{"archive": {"name": "a"}, "repository": {"location": "/r"}}"#,
            ),
        ];
        for (what, content) in cases {
            let message = fatal(content);
            assert!(
                message.contains("borg.json")
                    && message.contains("not `borg list --json` or `borg info --json` output"),
                "{what}: {message}"
            );
        }
        assert!(fatal(RESTIC_SNAPSHOTS).contains("found an array"));
        assert!(fatal(PROMETHEUS).contains("neither `archives` nor `repository`"));
    }
}
