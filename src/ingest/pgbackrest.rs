//! pgBackRest → canonical `backups` rows (SPEC §5, §7 "Backups, exactly").
//!
//! Reads the output of `pgbackrest info --output=json` (2.x): a JSON array of stanzas,
//! each with `name`, a `backup` array, the stanza `cipher` and a `repo` array (`key`,
//! `cipher`). Every backup of every stanza is one row:
//!
//! | canonical | from |
//! |---|---|
//! | `source` | the input entry's `source`, else the stanza `name` |
//! | `region`, `tenant` | the input entry |
//! | `repository` | the input entry, else `repo<key>` from the backup's `database.repo-key` |
//! | `started_at`, `finished_at` | `timestamp.start`, `timestamp.stop` (Unix seconds, UTC) |
//! | `status` | `failed` when `error` is true, else `success` |
//! | `snapshot_id` | `label` |
//! | `encrypted` | the `cipher` of the backup's repository (`database.repo-key` → `repo[].key`), else the stanza `cipher`; not `none`. A stanza cipher of `mixed` (repositories differ) with no matching repository is unknown |
//! | `size_bytes` | `info.size` (the database size the backup restores) |
//!
//! A file that is not this output at all (not JSON, not an array, an array in which no
//! element is a stanza with `name` and `backup`) stops the run naming the file. A single
//! backup that cannot be read is rejected with `line` = its 0-based position among all
//! the backups of the document, stanza after stanza (a stanza whose `backup` is not an
//! array takes one position), and the rest are used. This module never decides a check.

use std::io::Read;

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, at, describe, raw};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "`pgbackrest info --output=json` output";

/// Reads one `pgbackrest info --output=json` file into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let Value::Array(stanzas) = &document else {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: expected a JSON array of stanzas, found {}",
                describe(&document)
            ),
        ));
    };
    if !stanzas.is_empty() && !stanzas.iter().any(is_stanza) {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: no element of the array is a stanza (an object with `name` and `backup`)"
            ),
        ));
    }
    let mut index: u64 = 0;
    for stanza in stanzas {
        match stanza.get("backup") {
            Some(Value::Array(backups)) if stanza.is_object() => {
                for backup in backups {
                    push_backup(index, stanza, backup, input, sink, &mut stats);
                    index += 1;
                }
            }
            found => {
                let reason = match (stanza.is_object(), found) {
                    (false, _) => format!("expected a stanza object, found {}", describe(stanza)),
                    (true, None) => format!("stanza {}: no `backup` array", stanza_name(stanza)),
                    (true, Some(other)) => format!(
                        "stanza {}: `backup` is {}, not an array",
                        stanza_name(stanza),
                        describe(other)
                    ),
                };
                sink.reject(index, reason, &mut stats);
                index += 1;
            }
        }
    }
    Ok(stats)
}

fn is_stanza(element: &Value) -> bool {
    element.get("name").is_some() && element.get("backup").is_some()
}

fn stanza_name(stanza: &Value) -> String {
    match stanza.get("name") {
        Some(Value::String(name)) => format!("`{name}`"),
        _ => "without a name".to_string(),
    }
}

fn push_backup(
    index: u64,
    stanza: &Value,
    backup: &Value,
    input: &Input,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    if !backup.is_object() {
        let reason = format!("expected a backup object, found {}", describe(backup));
        sink.reject(index, reason, stats);
        return;
    }
    let times =
        unix_time(backup, "start").and_then(|start| Ok((start, unix_time(backup, "stop")?)));
    let (started, finished) = match times {
        Ok(times) => times,
        Err(reason) => {
            sink.reject(index, reason, stats);
            return;
        }
    };
    let status = match at(backup, &["error"]) {
        None | Some(Value::Bool(false)) => "success",
        Some(Value::Bool(true)) => "failed",
        Some(other) => {
            let reason = format!("`error` is {}, expected true or false", describe(other));
            sink.reject(index, reason, stats);
            return;
        }
    };
    let repo_key = at(backup, &["database", "repo-key"]);
    let repository_name = repo_key.map(|key| match key {
        Value::String(key) => format!("repo{key}"),
        other => format!("repo{other}"),
    });
    let mut fields: Vec<(&str, Raw<'_>)> = vec![("status", Raw::Text(status))];
    if let Some(started) = &started {
        fields.push(("started_at", Raw::Text(started)));
    }
    if let Some(finished) = &finished {
        fields.push(("finished_at", Raw::Text(finished)));
    }
    if let Some(encrypted) = encrypted(stanza, repo_key) {
        fields.push(("encrypted", Raw::Bool(encrypted)));
    }
    let source = match &input.source {
        Some(source) => Some(Raw::Text(source)),
        None => at(stanza, &["name"]).and_then(raw),
    };
    let repository = match (&input.repository, &repository_name) {
        (Some(name), _) | (None, Some(name)) => Some(Raw::Text(name)),
        (None, None) => None,
    };
    let from_document = [
        ("source", source),
        ("repository", repository),
        ("snapshot_id", at(backup, &["label"]).and_then(raw)),
        ("size_bytes", at(backup, &["info", "size"]).and_then(raw)),
        ("region", input.region.as_deref().map(Raw::Text)),
        ("tenant", input.tenant.as_deref().map(Raw::Text)),
    ];
    fields.extend(
        from_document
            .into_iter()
            .filter_map(|(name, value)| value.map(|value| (name, value))),
    );
    sink.push_fields(index, &fields, stats);
}

/// `timestamp.<which>` as RFC 3339 UTC text; absent is `None` (the row check decides
/// whether that is allowed).
fn unix_time(backup: &Value, which: &str) -> Result<Option<String>, String> {
    let Some(value) = at(backup, &["timestamp", which]) else {
        return Ok(None);
    };
    value
        .as_i64()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .map(|time| Some(time.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .ok_or_else(|| format!("`timestamp.{which}` is {value}: expected Unix seconds"))
}

/// Whether the backup's repository encrypts: its `repo[]` entry's cipher, else the
/// stanza's; unknown when neither says (or the stanza says `mixed`).
fn encrypted(stanza: &Value, repo_key: Option<&Value>) -> Option<bool> {
    let repo_cipher = repo_key.and_then(|key| {
        stanza
            .get("repo")?
            .as_array()?
            .iter()
            .find(|repo| repo.get("key") == Some(key))?
            .get("cipher")?
            .as_str()
    });
    let cipher = repo_cipher.or_else(|| stanza.get("cipher")?.as_str())?;
    match cipher.trim().to_ascii_lowercase().as_str() {
        "mixed" | "" => None,
        "none" => Some(false),
        _ => Some(true),
    }
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{ingest_backups, rejected, rows, Row};
    use crate::ingest::Ingested;

    const INFO: &str = include_str!("../../tests/samples/pgbackrest-2.45-info.json");
    const RESTIC_SNAPSHOTS: &str = include_str!("../../tests/samples/restic-0.14-snapshots.json");
    const BORG_LIST: &str = include_str!("../../tests/samples/borg-1.2-list.json");

    fn read(content: &str, extra: &str) -> Ingested {
        ingest_backups("info.json", content.as_bytes(), "pgbackrest", extra).expect("ingest")
    }

    fn fatal(content: &str) -> String {
        ingest_backups("info.json", content.as_bytes(), "pgbackrest", "")
            .expect_err("fatal")
            .to_string()
    }

    fn row(line: u64, start: i64, stop: i64, label: &str) -> Row {
        Row {
            source: Some("demo".into()),
            started_at: Some(start * 1000),
            status: Some("success".into()),
            finished_at: Some(stop * 1000),
            snapshot_id: Some(label.into()),
            repository: Some("repo1".into()),
            region: None,
            encrypted: Some(true),
            size_bytes: Some(22_956_398),
            tenant: None,
            line,
        }
    }

    #[test]
    fn pgbackrest_2_45_info_gives_every_backup_of_the_stanza() {
        let ingested = read(INFO, "");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(
            rows(&ingested),
            vec![
                // 2026-11-22T03:32:24Z to 03:32:30Z.
                row(0, 1_795_318_344, 1_795_318_350, "20261122-033224F"),
                row(
                    1,
                    1_795_318_351,
                    1_795_318_353,
                    "20261122-033224F_20261122-033231I"
                ),
            ]
        );
        let file = &ingested.files[0];
        assert_eq!(
            (file.format.as_str(), file.rows, file.bytes),
            ("pgbackrest", 2, INFO.len() as u64)
        );
    }

    #[test]
    fn the_input_entry_names_source_repository_region_and_tenant() {
        let extra = "source = \"db-main\"\nrepository = \"s3-sydney\"\n\
                     region = \"ap-southeast-2\"\ntenant = \"acme\"\n";
        for row in rows(&read(INFO, extra)) {
            assert_eq!(row.source.as_deref(), Some("db-main"));
            assert_eq!(row.repository.as_deref(), Some("s3-sydney"));
            assert_eq!(row.region.as_deref(), Some("ap-southeast-2"));
            assert_eq!(row.tenant.as_deref(), Some("acme"));
        }
    }

    /// Two stanzas; the second has two repositories, one without a cipher.
    const TWO_STANZAS: &str = r#"[
      {"name": "main", "cipher": "aes-256-cbc",
       "repo": [{"key": 1, "cipher": "aes-256-cbc", "status": {"code": 0, "message": "ok"}}],
       "backup": [
         {"label": "20261101-010000F", "error": true, "type": "full",
          "database": {"id": 1, "repo-key": 1},
          "info": {"size": 1000, "delta": 1000},
          "timestamp": {"start": 1793491200, "stop": 1793494800}}
       ]},
      {"name": "reports", "cipher": "mixed",
       "repo": [{"key": 1, "cipher": "aes-256-cbc"}, {"key": 2, "cipher": "none"}],
       "backup": [
         {"label": "20261101-020000F", "error": false,
          "database": {"id": 1, "repo-key": 2},
          "info": {"size": 2000},
          "timestamp": {"start": 1793494800, "stop": 1793498400}},
         {"label": "20261101-030000F",
          "database": {"id": 1, "repo-key": 1},
          "info": {"size": 3000},
          "timestamp": {"start": 1793498400, "stop": 1793502000}},
         {"label": "20261101-040000F",
          "database": {"id": 1, "repo-key": 3},
          "timestamp": {"start": 1793502000, "stop": 1793505600}}
       ]},
      {"name": "fresh", "cipher": "none", "repo": [], "backup": [],
       "status": {"code": 2, "message": "no valid backups"}}
    ]"#;

    #[test]
    fn error_is_failed_and_each_backup_takes_its_repository_cipher() {
        let ingested = read(TWO_STANZAS, "");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        // line, source, label, status, encrypted, repository
        let found: Vec<String> = rows(&ingested)
            .into_iter()
            .map(|r| {
                format!(
                    "{} {} {} {} {:?} {}",
                    r.line,
                    r.source.unwrap_or_default(),
                    r.snapshot_id.unwrap_or_default(),
                    r.status.unwrap_or_default(),
                    r.encrypted,
                    r.repository.unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                "0 main 20261101-010000F failed Some(true) repo1",
                "1 reports 20261101-020000F success Some(false) repo2",
                "2 reports 20261101-030000F success Some(true) repo1",
                // No `repo[]` entry with key 3 and a `mixed` stanza cipher: unknown.
                "3 reports 20261101-040000F success None repo3",
            ]
        );
    }

    #[test]
    fn cipher_none_is_not_encrypted() {
        let content = INFO.replace("aes-256-cbc", "none");
        let encrypted: Vec<Option<bool>> = rows(&read(&content, ""))
            .into_iter()
            .map(|r| r.encrypted)
            .collect();
        assert_eq!(encrypted, vec![Some(false), Some(false)]);
    }

    #[test]
    fn a_backup_with_a_broken_time_is_rejected_by_position_and_the_rest_used() {
        let content = r#"[
          {"name": "a", "cipher": "none", "backup": [
            {"label": "b0", "timestamp": {"start": 1793491200, "stop": 1793494800}},
            {"label": "b1", "timestamp": {"start": "yesterday", "stop": 1793494800}},
            {"label": "b2", "timestamp": {"stop": 1793494800}},
            {"label": "b3", "timestamp": {"start": 1793491200, "stop": 1793487600}}
          ]},
          {"name": "b", "backup": {"label": "not a list"}},
          {"name": "c", "cipher": "none", "backup": [
            {"label": "b5", "error": "maybe", "timestamp": {"start": 1793491200}},
            7,
            {"label": "b7", "timestamp": {"start": 1793491200}}
          ]}
        ]"#;
        let ingested = read(content, "");
        let rejected = rejected(&ingested);
        assert_eq!(
            rejected.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            vec![1, 2, 3, 4, 5, 6],
            "{rejected:?}"
        );
        assert_eq!(
            rejected[0].1,
            "`timestamp.start` is \"yesterday\": expected Unix seconds"
        );
        assert_eq!(rejected[1].1, "missing required value `started_at`");
        assert_eq!(rejected[2].1, "`finished_at` is before `started_at`");
        assert_eq!(
            rejected[3].1,
            "stanza `b`: `backup` is an object, not an array"
        );
        assert_eq!(rejected[4].1, "`error` is a string, expected true or false");
        assert_eq!(rejected[5].1, "expected a backup object, found a number");
        let used: Vec<(u64, Option<String>, Option<String>)> = rows(&ingested)
            .into_iter()
            .map(|r| (r.line, r.source, r.snapshot_id))
            .collect();
        assert_eq!(
            used,
            vec![
                (0, Some("a".into()), Some("b0".into())),
                (7, Some("c".into()), Some("b7".into()))
            ]
        );
    }

    #[test]
    fn an_empty_array_is_zero_rows() {
        for content in ["[]", "", "[{\"name\": \"fresh\", \"backup\": []}]"] {
            let ingested = read(content, "");
            assert!(rows(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
        }
    }

    #[test]
    fn a_file_that_is_not_pgbackrest_info_stops_the_run_naming_it() {
        let cases = [
            ("not JSON", "stanza: demo\n    status: ok\n"),
            ("restic snapshots", RESTIC_SNAPSHOTS),
            ("borg list", BORG_LIST),
            ("a number", "42"),
        ];
        for (what, content) in cases {
            let message = fatal(content);
            assert!(
                message.contains("info.json")
                    && message.contains("not `pgbackrest info --output=json` output"),
                "{what}: {message}"
            );
        }
        assert!(fatal(RESTIC_SNAPSHOTS).contains("no element of the array is a stanza"));
        assert!(fatal(BORG_LIST).contains("expected a JSON array of stanzas, found an object"));
    }
}
