//! osquery → canonical `disk_encryption` rows (SPEC §16).
//!
//! Reads what `osqueryi --json "SELECT * FROM disk_encryption"` (Linux, macOS) or
//! `osqueryi --json "SELECT * FROM bitlocker_info"` (Windows) prints: one JSON array of
//! row objects, every value a string (osquery's JSON output writes integers as text; a
//! number is accepted too). osquery names neither the machine nor the time, so the
//! input gives both (`host`, `observed_at`; the config requires them). Each row is one
//! volume:
//!
//! | canonical | `disk_encryption` row | `bitlocker_info` row |
//! |---|---|---|
//! | `volume` | `name` (the block device, `/dev/dm-0`) | `drive_letter` (`C:`); without one, `device_id` |
//! | `encrypted` | `encrypted` = `1` | `conversion_status` = `1` (fully encrypted) **and** `protection_status` = `1` (protection on: a suspended BitLocker leaves the key in the clear) |
//! | `method` | `type` (`aes-xts-plain64`), else `encryption_status` | `encryption_method` (`XTS_AES_128`) |
//! | `host`, `observed_at` | the input's | the input's |
//!
//! Which table a row comes from is read from its keys (`drive_letter` or
//! `conversion_status`: BitLocker; `encrypted` and `name`: disk_encryption). A row of
//! neither shape, or whose flag is not `0`/`1`, is rejected with its 0-based index; the
//! rest are used. A document that is not an array of objects (an osquery error message,
//! a JSON object) stops the run naming the file. An empty file or `[]` is zero rows.

use std::io::Read;

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, describe};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "`osqueryi --json` rows of the `disk_encryption` or `bitlocker_info` table";

pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let Value::Array(rows) = &document else {
        return Err(sink.fatal(
            None,
            format!(
                "not {EXPECTED}: expected a JSON array of rows, found {}",
                describe(&document)
            ),
        ));
    };
    if !rows.is_empty() && rows.iter().all(|row| !row.is_object()) {
        return Err(sink.fatal(
            None,
            format!("not {EXPECTED}: no element of the array is a row object"),
        ));
    }
    let observed_at = input
        .observed_at
        .and_then(DateTime::from_timestamp_millis)
        .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default();
    let host = input.host.as_deref().unwrap_or_default();
    for (index, row) in rows.iter().enumerate() {
        let index = index as u64;
        match volume(row) {
            Ok(volume) => {
                let mut fields: Vec<(&str, Raw<'_>)> = vec![
                    ("observed_at", Raw::Text(&observed_at)),
                    ("host", Raw::Text(host)),
                    ("volume", Raw::Text(volume.name)),
                    ("encrypted", Raw::Bool(volume.encrypted)),
                ];
                if let Some(method) = volume.method {
                    fields.push(("method", Raw::Text(method)));
                }
                sink.push_fields(index, &fields, &mut stats);
            }
            Err(reason) => sink.reject(index, reason, &mut stats),
        }
    }
    Ok(stats)
}

/// One volume as a row says it.
struct Volume<'a> {
    name: &'a str,
    encrypted: bool,
    method: Option<&'a str>,
}

fn volume(row: &Value) -> Result<Volume<'_>, String> {
    let Value::Object(fields) = row else {
        return Err(format!("expected a row object, found {}", describe(row)));
    };
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
    };
    if fields.contains_key("drive_letter") || fields.contains_key("conversion_status") {
        let name = text("drive_letter")
            .or_else(|| text("device_id"))
            .ok_or("a bitlocker_info row with neither `drive_letter` nor `device_id`")?;
        let converted = flag(fields.get("conversion_status"), "conversion_status", 5)?;
        let protected = flag(fields.get("protection_status"), "protection_status", 2)?;
        return Ok(Volume {
            name,
            encrypted: converted == 1 && protected == 1,
            method: text("encryption_method"),
        });
    }
    if fields.contains_key("encrypted") && fields.contains_key("name") {
        let name = text("name").ok_or("a disk_encryption row with an empty `name`")?;
        let encrypted = flag(fields.get("encrypted"), "encrypted", 1)? == 1;
        return Ok(Volume {
            name,
            encrypted,
            method: text("type").or_else(|| text("encryption_status")),
        });
    }
    Err("not a row of `disk_encryption` (`name`, `encrypted`) or `bitlocker_info` (`drive_letter`, `conversion_status`)".to_string())
}

/// An osquery integer column (text or number) in `0..=max`.
fn flag(value: Option<&Value>, key: &str, max: i64) -> Result<i64, String> {
    let number = match value {
        Some(Value::String(text)) => text.trim().parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    };
    number.filter(|n| (0..=max).contains(n)).ok_or_else(|| {
        format!(
            "`{key}` is {}: expected an integer from 0 to {max}",
            value.map_or("missing".to_string(), |v| match v {
                Value::String(text) => format!("`{text}`"),
                other => describe(other).to_string(),
            })
        )
    })
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{bools, ingest_input, rejected, table, texts};
    use crate::config::InputKind;

    const EXTRA: &str = "observed_at = \"2026-10-30T02:00:00Z\"\nhost = \"db-1\"\n";

    /// The shape osquery 5.x documents for `osqueryi --json` on Linux: every value text.
    const LINUX: &str = r#"[
  {"encrypted":"1","encryption_status":"encrypted","name":"/dev/dm-0","type":"aes-xts-plain64","uid":"","user_uuid":"","uuid":"b1a6e2f0-1c1a-4a53-9d1f-4c3e0f1b2a11"},
  {"encrypted":"0","encryption_status":"not encrypted","name":"/dev/sdb1","type":"","uid":"","user_uuid":"","uuid":""}
]"#;

    /// `bitlocker_info` on Windows: C: encrypted and protected, D: encrypted with
    /// protection suspended, E: not encrypted.
    const WINDOWS: &str = r#"[
  {"conversion_status":"1","device_id":"\\\\?\\Volume{1}\\","drive_letter":"C:","encryption_method":"XTS_AES_128","lock_status":"0","percentage_encrypted":"100","persistent_volume_id":"{A}","protection_status":"1","version":"2"},
  {"conversion_status":"1","device_id":"\\\\?\\Volume{2}\\","drive_letter":"D:","encryption_method":"XTS_AES_256","lock_status":"0","percentage_encrypted":"100","persistent_volume_id":"{B}","protection_status":"0","version":"2"},
  {"conversion_status":"0","device_id":"\\\\?\\Volume{3}\\","drive_letter":"E:","encryption_method":"None","lock_status":"0","percentage_encrypted":"0","persistent_volume_id":"","protection_status":"0","version":"0"}
]"#;

    fn ingest(content: &str, extra: &str) -> crate::ingest::Ingested {
        ingest_input(
            "disk_encryption",
            "disks.json",
            content.as_bytes(),
            "osquery",
            extra,
        )
        .expect("ingest")
    }

    #[test]
    fn linux_disk_encryption_rows_become_volumes_of_the_inputs_host() {
        let ingested = ingest(LINUX, EXTRA);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let frame = table(&ingested, InputKind::DiskEncryption);
        assert_eq!(
            texts(frame, "volume"),
            [Some("/dev/dm-0".to_string()), Some("/dev/sdb1".to_string())]
        );
        assert_eq!(bools(frame, "encrypted"), [Some(true), Some(false)]);
        assert_eq!(
            texts(frame, "host"),
            [Some("db-1".to_string()), Some("db-1".to_string())]
        );
        assert_eq!(
            texts(frame, "method"),
            [
                Some("aes-xts-plain64".to_string()),
                Some("not encrypted".to_string())
            ]
        );
    }

    #[test]
    fn bitlocker_counts_as_encrypted_only_when_converted_and_protected() {
        let ingested = ingest(WINDOWS, EXTRA);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let frame = table(&ingested, InputKind::DiskEncryption);
        assert_eq!(
            texts(frame, "volume"),
            [
                Some("C:".to_string()),
                Some("D:".to_string()),
                Some("E:".to_string())
            ]
        );
        assert_eq!(
            bools(frame, "encrypted"),
            [Some(true), Some(false), Some(false)]
        );
    }

    #[test]
    fn a_row_of_another_table_or_a_bad_flag_is_rejected_by_its_index() {
        let content = r#"[
  {"encrypted":"1","name":"/dev/dm-0","type":"aes"},
  {"pid":"1","name":"systemd"},
  {"encrypted":"yes","name":"/dev/dm-1"},
  "text"
]"#;
        let ingested = ingest(content, EXTRA);
        assert_eq!(table(&ingested, InputKind::DiskEncryption).height(), 1);
        let reasons = rejected(&ingested);
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert_eq!(reasons[0].0, 1);
        assert!(
            reasons[0].1.contains("not a row of `disk_encryption`"),
            "{reasons:?}"
        );
        assert_eq!(reasons[1].0, 2);
        assert!(reasons[1].1.contains("`encrypted` is `yes`"), "{reasons:?}");
        assert_eq!(reasons[2].0, 3);
    }

    #[test]
    fn not_osquery_rows_stops_the_run_naming_the_file() {
        for content in [
            r#"{"error":"no such table: disk_encryption"}"#,
            r#"["a", "b"]"#,
            "Error: near \"SELEC\": syntax error",
        ] {
            let error = ingest_input(
                "disk_encryption",
                "disks.json",
                content.as_bytes(),
                "osquery",
                EXTRA,
            )
            .expect_err("fatal")
            .to_string();
            assert!(error.contains("disks.json"), "{error}");
            assert!(error.contains("osqueryi --json"), "{error}");
        }
        let empty = ingest("", EXTRA);
        assert_eq!(table(&empty, InputKind::DiskEncryption).height(), 0);
    }
}
