//! sslyze → canonical `tls_endpoints` rows (SPEC §16).
//!
//! Reads one `sslyze --json_out FILE` document as sslyze 5.x and 6.x write it:
//! `{"server_scan_results": [server…], "invalid_server_strings": […],
//! "date_scans_started": …, "sslyze_version": …}`. Each completed server scan (an
//! element of `server_scan_results`) gives one row per protocol scan command that ran,
//! oldest protocol first, and one row per certificate deployment:
//!
//! | canonical | from |
//! |---|---|
//! | `observed_at` | the document's `date_scans_started` (when sslyze began the scan; every row of the file has it). sslyze 6.x writes it in UTC with `Z`; sslyze 5.x writes it without an offset and the input's `timezone` applies (SPEC §16) — 5.x takes it from `datetime.utcnow()`, so declare `timezone = "UTC"` |
//! | `endpoint` | `server_location.hostname` `:` `server_location.port`, e.g. `www.example.com:443`. A scan of an address (`sslyze 10.0.0.5:443`) has the address as its hostname: `10.0.0.5:443`; an IPv6 one is bracketed, `[2001:db8::1]:443`. A name scanned at a chosen address (`www.example.com:443{10.0.0.5}`) stays `www.example.com:443`: clients reach the name, and two addresses of one name scanned in one file make one snapshot (a protocol counts as accepted if either accepted it, the earlier certificate counts) |
//! | `protocol` | the scan command: `ssl_2_0_cipher_suites` → `SSLv2`, `ssl_3_0_…` → `SSLv3`, `tls_1_0_…` → `TLSv1.0`, `tls_1_1_…` → `TLSv1.1`, `tls_1_2_…` → `TLSv1.2`, `tls_1_3_…` → `TLSv1.3` |
//! | `accepted` | the command's `result.accepted_cipher_suites` is not empty (sslyze's own `is_tls_version_supported` says the same) |
//! | `cert_not_after` | certificate rows only: `certificate_info` → `result.certificate_deployments[i].received_certificate_chain[0].not_valid_after`, the leaf the server sent. sslyze 5.x writes it without an offset; X.509 validity is always UTC (5.x takes it from `cryptography`'s naive UTC datetime), so it is read as UTC whatever the input's `timezone` |
//!
//! The certificate is on a row of its own, without `protocol` and `accepted`, one per
//! deployment (a server with an RSA and an ECDSA certificate has two), rather than on
//! every protocol row: `crypto.in_transit` marks the certificate row as the offending
//! evidence when it expires soon, and an accepted TLS 1.3 row should not be marked for
//! it. A scan command that was not asked for (`NOT_SCHEDULED`, or absent) gives no row:
//! the protocol was not scanned, which is not the same as refused.
//!
//! Line numbers (SPEC §12) are 0-based element indexes: every row of a server scan has
//! its index in `server_scan_results`. Rejected, the rest used: a server scan whose
//! `scan_status` is not `COMPLETED` (sslyze could not connect: the reason is the last
//! line of `connectivity_error_trace`), or without a readable `server_location`; a scan
//! command that ended in `ERROR` (its `error_reason` and the last line of its
//! `error_trace`), one rejection each; a certificate deployment without a leaf date.
//! A target sslyze could not even resolve is listed in `invalid_server_strings`, not
//! scanned: each is rejected too, numbered on after the server scans (the first has
//! index `len(server_scan_results)`), so a name that vanished from DNS is not lost
//! silently. When `date_scans_started` cannot be read (a 5.x file on an input without
//! `timezone`), every server scan is rejected once with that reason. A document that is
//! not sslyze 5.x/6.x JSON (not an object, no `server_scan_results` array, no
//! `date_scans_started`, written by sslyze before 5.0) stops the run naming the file.
//! An empty file is zero rows. This module never decides a check.
//!
//! Only the keys above are parsed ([`KEEP`]); the rest of the document is skipped
//! unread, since sslyze writes RSA moduli and serial numbers as integers of hundreds of
//! digits. The input's `observed_at` is refused by the config for sslyze: the file says
//! when it was taken.

use std::io::Read;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::canonical::Sink;
use super::document::{self, at, describe, Keep};
use super::values::{parse_time, Raw};
use super::FileStats;
use crate::config::Input;
use crate::error::Error;
use crate::period::format_utc;

const EXPECTED: &str = "`sslyze --json_out` output (sslyze 5.x or 6.x)";

/// The protocol scan commands, oldest first, with the protocol each scans as SPEC §16
/// spells it.
const PROTOCOL_COMMANDS: [(&str, &str); 6] = [
    ("ssl_2_0_cipher_suites", "SSLv2"),
    ("ssl_3_0_cipher_suites", "SSLv3"),
    ("tls_1_0_cipher_suites", "TLSv1.0"),
    ("tls_1_1_cipher_suites", "TLSv1.1"),
    ("tls_1_2_cipher_suites", "TLSv1.2"),
    ("tls_1_3_cipher_suites", "TLSv1.3"),
];

const CERTIFICATE_COMMAND: &str = "certificate_info";

/// What of the document is read: the rest (every other scan command, the certificates'
/// keys and PEM, the rejected cipher suites) is skipped unparsed, and must be, since
/// sslyze writes RSA moduli and serial numbers as integers no `f64` holds.
static KEEP: Keep = Keep::Keys(&[
    ("sslyze_version", Keep::All),
    ("date_scans_started", Keep::All),
    ("invalid_server_strings", Keep::All),
    ("server_scan_results", Keep::Keys(SERVER)),
]);

const SERVER: &[(&str, Keep)] = &[
    ("server_location", Keep::Keys(LOCATION)),
    ("scan_status", Keep::All),
    ("connectivity_error_trace", Keep::All),
    ("scan_result", Keep::Keys(COMMANDS)),
];

const LOCATION: &[(&str, Keep)] = &[("hostname", Keep::All), ("port", Keep::All)];

const COMMANDS: &[(&str, Keep)] = &[
    ("ssl_2_0_cipher_suites", Keep::Keys(PROTOCOL_ATTEMPT)),
    ("ssl_3_0_cipher_suites", Keep::Keys(PROTOCOL_ATTEMPT)),
    ("tls_1_0_cipher_suites", Keep::Keys(PROTOCOL_ATTEMPT)),
    ("tls_1_1_cipher_suites", Keep::Keys(PROTOCOL_ATTEMPT)),
    ("tls_1_2_cipher_suites", Keep::Keys(PROTOCOL_ATTEMPT)),
    ("tls_1_3_cipher_suites", Keep::Keys(PROTOCOL_ATTEMPT)),
    ("certificate_info", Keep::Keys(CERTIFICATE_ATTEMPT)),
];

const PROTOCOL_ATTEMPT: &[(&str, Keep)] = &[
    ("status", Keep::All),
    ("error_reason", Keep::All),
    ("error_trace", Keep::All),
    // Only whether any suite was accepted matters: each becomes `{}`.
    (
        "result",
        Keep::Keys(&[("accepted_cipher_suites", Keep::Keys(&[]))]),
    ),
];

const CERTIFICATE_ATTEMPT: &[(&str, Keep)] = &[
    ("status", Keep::All),
    ("error_reason", Keep::All),
    ("error_trace", Keep::All),
    (
        "result",
        Keep::Keys(&[(
            "certificate_deployments",
            Keep::Keys(&[(
                "received_certificate_chain",
                Keep::Keys(&[("not_valid_after", Keep::All)]),
            )]),
        )]),
    ),
];

/// A rejection reason quotes at most this much of a traceback line.
const MAX_TRACE_CHARS: usize = 200;

/// Reads one `sslyze --json_out` document into the sink.
pub fn read(reader: impl Read, _input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read_kept(reader, sink, EXPECTED, &KEEP)? else {
        return Ok(stats);
    };
    let Value::Object(_) = &document else {
        return Err(not_sslyze(
            sink,
            format!("expected a JSON object, found {}", describe(&document)),
        ));
    };
    if let Some(version) = document.get("sslyze_version").and_then(Value::as_str) {
        let major = version
            .split('.')
            .next()
            .and_then(|m| m.parse::<u32>().ok());
        if major.is_some_and(|major| major < 5) {
            return Err(not_sslyze(
                sink,
                format!("written by sslyze {version}, whose JSON has another shape"),
            ));
        }
    }
    let servers = match document.get("server_scan_results") {
        Some(Value::Array(servers)) => servers,
        Some(other) => {
            return Err(not_sslyze(
                sink,
                format!("`server_scan_results` is {}, not an array", describe(other)),
            ))
        }
        None => return Err(not_sslyze(sink, "no `server_scan_results` array")),
    };
    let unresolved = match document.get("invalid_server_strings") {
        Some(Value::Array(unresolved)) => unresolved.as_slice(),
        None | Some(Value::Null) => &[],
        Some(other) => {
            return Err(not_sslyze(
                sink,
                format!(
                    "`invalid_server_strings` is {}, not an array",
                    describe(other)
                ),
            ))
        }
    };
    let scanned_at = match at(&document, &["date_scans_started"]) {
        Some(Value::String(text)) => text.as_str(),
        Some(other) => {
            return Err(not_sslyze(
                sink,
                format!("`date_scans_started` is {}, not a time", describe(other)),
            ))
        }
        None => {
            return Err(not_sslyze(
                sink,
                "no `date_scans_started` (the time of the scan)",
            ))
        }
    };
    // The scan time is the document's, not a server's: read it once, so an unreadable
    // one (a 5.x file on an input without `timezone`) is one rejection per server scan
    // rather than one per row, each saying what to declare.
    match parse_time(scanned_at, sink.timezone) {
        Ok(_) => {
            for (index, server) in (0u64..).zip(servers) {
                push_server(index, server, scanned_at, sink, &mut stats);
            }
        }
        Err(why) => {
            let reason = format!("`date_scans_started` is `{scanned_at}`: {why}");
            for index in (0u64..).take(servers.len()) {
                sink.reject(index, reason.clone(), &mut stats);
            }
        }
    }
    let first_unresolved = u64::try_from(servers.len()).unwrap_or(u64::MAX);
    for (index, target) in (first_unresolved..).zip(unresolved) {
        sink.reject(index, unresolved_reason(target), &mut stats);
    }
    Ok(stats)
}

fn not_sslyze(sink: &Sink<'_>, why: impl std::fmt::Display) -> Error {
    sink.fatal(None, format!("not {EXPECTED}: {why}"))
}

/// One element of `server_scan_results`: its protocol rows and certificate rows, or
/// its rejections.
fn push_server(
    index: u64,
    server: &Value,
    observed_at: &str,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let endpoint = match endpoint(server) {
        Ok(endpoint) => endpoint,
        Err(reason) => return sink.reject(index, reason, stats),
    };
    match server.get("scan_status").and_then(Value::as_str) {
        Some("COMPLETED") => {}
        Some(status) => {
            let trace = last_line(server.get("connectivity_error_trace"))
                .map_or_else(String::new, |line| format!(": {line}"));
            return sink.reject(
                index,
                format!("`{endpoint}` was not scanned: `scan_status` is `{status}`{trace}"),
                stats,
            );
        }
        None => {
            return sink.reject(
                index,
                format!("`{endpoint}`: no `scan_status` string in the server scan"),
                stats,
            )
        }
    }
    let Some(Value::Object(commands)) = server.get("scan_result") else {
        let found = server.get("scan_result").map_or("nothing", describe);
        return sink.reject(
            index,
            format!("`{endpoint}`: the completed scan's `scan_result` is {found}, not an object"),
            stats,
        );
    };
    for (command, protocol) in PROTOCOL_COMMANDS {
        let result = match outcome(commands, command) {
            Outcome::NotRun => continue,
            Outcome::Failed(why) => {
                sink.reject(index, format!("`{endpoint}`: {why}"), stats);
                continue;
            }
            Outcome::Completed(result) => result,
        };
        let Some(Value::Array(accepted)) = result.get("accepted_cipher_suites") else {
            let found = result
                .get("accepted_cipher_suites")
                .map_or("nothing", describe);
            sink.reject(
                index,
                format!(
                    "`{endpoint}`: `{command}.result.accepted_cipher_suites` is {found}, not an array"
                ),
                stats,
            );
            continue;
        };
        sink.push_fields(
            index,
            &[
                ("observed_at", Raw::Text(observed_at)),
                ("endpoint", Raw::Text(&endpoint)),
                ("protocol", Raw::Text(protocol)),
                ("accepted", Raw::Bool(!accepted.is_empty())),
            ],
            stats,
        );
    }
    match outcome(commands, CERTIFICATE_COMMAND) {
        Outcome::NotRun => {}
        Outcome::Failed(why) => sink.reject(index, format!("`{endpoint}`: {why}"), stats),
        Outcome::Completed(result) => {
            push_certificates(index, result, observed_at, &endpoint, sink, stats);
        }
    }
}

/// One row per certificate deployment, with the leaf's `not_valid_after`.
fn push_certificates(
    index: u64,
    result: &Value,
    observed_at: &str,
    endpoint: &str,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let Some(Value::Array(deployments)) = result.get("certificate_deployments") else {
        let found = result
            .get("certificate_deployments")
            .map_or("nothing", describe);
        return sink.reject(
            index,
            format!("`{endpoint}`: `certificate_info.result.certificate_deployments` is {found}, not an array"),
            stats,
        );
    };
    for (number, deployment) in deployments.iter().enumerate() {
        let leaf = deployment
            .get("received_certificate_chain")
            .and_then(|chain| chain.get(0));
        let not_after = match leaf.and_then(|leaf| at(leaf, &["not_valid_after"])) {
            Some(Value::String(text)) => text,
            found => {
                let found = found.map_or("nothing", describe);
                sink.reject(
                    index,
                    format!(
                        "`{endpoint}`: certificate deployment {number}: the leaf's `not_valid_after` is {found}, not a time"
                    ),
                    stats,
                );
                continue;
            }
        };
        // X.509 validity is UTC by definition, and sslyze 5.x drops the `Z`: read a
        // naive date as UTC, never in the input's `timezone` (that is for the scan time).
        let not_after = match parse_time(not_after, Some(Tz::UTC)) {
            Ok(millis) => format_utc(millis),
            Err(why) => {
                sink.reject(
                    index,
                    format!("`{endpoint}`: certificate deployment {number}: `not_valid_after` is `{not_after}`: {why}"),
                    stats,
                );
                continue;
            }
        };
        sink.push_fields(
            index,
            &[
                ("observed_at", Raw::Text(observed_at)),
                ("endpoint", Raw::Text(endpoint)),
                ("cert_not_after", Raw::Text(&not_after)),
            ],
            stats,
        );
    }
}

/// `hostname:port` of a server scan's `server_location`; an IPv6 address is bracketed
/// so the port stays unambiguous.
fn endpoint(server: &Value) -> Result<String, String> {
    let hostname = match at(server, &["server_location", "hostname"]) {
        Some(Value::String(hostname)) if !hostname.trim().is_empty() => hostname.trim(),
        found => {
            return Err(format!(
                "`server_location.hostname` is {}, not a host name",
                found.map_or("nothing", describe)
            ))
        }
    };
    let port = match at(server, &["server_location", "port"]) {
        Some(Value::Number(port)) if port.as_u64().is_some_and(|p| p <= 65_535) => port.to_string(),
        found => {
            return Err(format!(
                "`{hostname}`: `server_location.port` is {}, not a port number",
                found.map_or_else(|| "nothing".to_string(), Value::to_string)
            ))
        }
    };
    Ok(if hostname.contains(':') {
        format!("[{hostname}]:{port}")
    } else {
        format!("{hostname}:{port}")
    })
}

/// How one scan command of a completed server scan ended.
enum Outcome<'v> {
    /// Not asked for (`NOT_SCHEDULED`) or absent.
    NotRun,
    /// Ended in `ERROR` (or a status this module does not know): the reason.
    Failed(String),
    /// `COMPLETED`: its `result`.
    Completed(&'v Value),
}

fn outcome<'v>(commands: &'v Map<String, Value>, command: &str) -> Outcome<'v> {
    let Some(attempt) = commands.get(command).filter(|a| !a.is_null()) else {
        return Outcome::NotRun;
    };
    match attempt.get("status").and_then(Value::as_str) {
        Some("NOT_SCHEDULED") => Outcome::NotRun,
        Some("COMPLETED") => match at(attempt, &["result"]) {
            Some(result) => Outcome::Completed(result),
            None => Outcome::Failed(format!("`{command}` is `COMPLETED` without a `result`")),
        },
        status => {
            let status = status.unwrap_or("missing");
            let error_reason = attempt
                .get("error_reason")
                .and_then(Value::as_str)
                .map_or_else(String::new, |reason| format!(" (`{reason}`)"));
            let trace = last_line(attempt.get("error_trace"))
                .map_or_else(String::new, |line| format!(": {line}"));
            Outcome::Failed(format!(
                "the `{command}` scan command ended with status `{status}`{error_reason}{trace}"
            ))
        }
    }
}

/// The last non-blank line of a Python traceback (the exception and its message),
/// shortened for a rejection reason.
fn last_line(trace: Option<&Value>) -> Option<String> {
    let line = trace?
        .as_str()?
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())?;
    let line = line.trim();
    Some(match line.char_indices().nth(MAX_TRACE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    })
}

/// The reason for an `invalid_server_strings` entry: a target sslyze did not scan.
fn unresolved_reason(target: &Value) -> String {
    let server = target
        .get("server_string")
        .and_then(Value::as_str)
        .unwrap_or("an unnamed target");
    match target.get("error_message").and_then(Value::as_str) {
        Some(message) => {
            format!("`{server}` was not scanned (`invalid_server_strings`): {message}")
        }
        None => format!("`{server}` was not scanned (`invalid_server_strings`)"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::document::parse_kept;
    use super::super::document::testing::{
        bools, ingest_input, ints, line_numbers, rejected, table, texts,
    };
    use crate::config::InputKind;
    use crate::error::Error;
    use crate::ingest::Ingested;

    use super::KEEP;

    /// sslyze 6.1.0, protocol and certificate commands; servers in result order:
    /// 0 `127.0.0.1:14439` (nothing listening), 1 `127.0.0.1:14432` (TLS 1.0 to 1.3),
    /// 2 `127.0.0.1:14431` (TLS 1.2, 1.3), 3 `localhost:14433` (certificate of 5 days);
    /// `nonexistent.invalid:443` in `invalid_server_strings`.
    const V6: &str = include_str!("../../tests/samples/sslyze-6.1.0-protocols-certinfo.json");
    /// sslyze 5.2.0, the same servers in another order: 0 `127.0.0.1:14439`,
    /// 1 `localhost:14433`, 2 `127.0.0.1:14431`, 3 `127.0.0.1:14432`.
    const V5: &str = include_str!("../../tests/samples/sslyze-5.2.0-protocols-certinfo.json");
    /// sslyze 6.1.0 with its default scan commands, of `127.0.0.1:14432` only.
    const V6_DEFAULT: &str = include_str!("../../tests/samples/sslyze-6.1.0-default-legacy.json");

    const PROTOCOLS: [&str; 6] = ["sslv2", "sslv3", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"];

    fn ingest(content: &str, extra: &str) -> Result<Ingested, Error> {
        ingest_input(
            "tls_endpoints",
            "scan.json",
            content.as_bytes(),
            "sslyze",
            extra,
        )
    }

    fn read(content: &str, extra: &str) -> Ingested {
        ingest(content, extra).expect("ingest")
    }

    /// A sample with `edit` applied to the part of it the adapter reads (the whole
    /// sample does not fit `serde_json::Value`: see `KEEP`).
    fn edited(sample: &str, edit: impl FnOnce(&mut Value)) -> String {
        let mut document = parse_kept(sample.as_bytes(), &KEEP).expect("sample JSON");
        edit(&mut document);
        document.to_string()
    }

    fn server(document: &mut Value, index: usize) -> &mut Value {
        &mut document["server_scan_results"][index]
    }

    fn millis(rfc3339: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .expect("time")
            .timestamp_millis()
    }

    /// The rows of one element (by `_line`) as (protocol, accepted, cert_not_after).
    type Described = (Option<String>, Option<bool>, Option<i64>);

    fn element(ingested: &Ingested, index: u64) -> (Option<String>, Vec<Described>) {
        let table = table(ingested, InputKind::TlsEndpoints);
        let lines = line_numbers(table);
        let endpoints = texts(table, "endpoint");
        let protocols = texts(table, "protocol");
        let accepted = bools(table, "accepted");
        let not_after = ints(table, "cert_not_after");
        let rows: Vec<usize> = (0..table.height()).filter(|&i| lines[i] == index).collect();
        let endpoint = rows.first().and_then(|&i| endpoints[i].clone());
        assert!(rows.iter().all(|&i| endpoints[i] == endpoint));
        let described = rows
            .iter()
            .map(|&i| (protocols[i].clone(), accepted[i], not_after[i]))
            .collect();
        (endpoint, described)
    }

    /// Six protocol rows with these accepted flags, then one certificate row.
    fn scan(accepted: [bool; 6], not_after: &str) -> Vec<Described> {
        let mut rows: Vec<Described> = PROTOCOLS
            .iter()
            .zip(accepted)
            .map(|(protocol, accepted)| (Some(protocol.to_string()), Some(accepted), None))
            .collect();
        rows.push((None, None, Some(millis(not_after))));
        rows
    }

    const LEGACY: [bool; 6] = [false, false, true, true, true, true];
    const MODERN: [bool; 6] = [false, false, false, false, true, true];

    #[test]
    fn real_6x_scan_gives_a_row_per_protocol_and_one_for_the_certificate_of_each_server() {
        let ingested = read(V6, "");
        let table = table(&ingested, InputKind::TlsEndpoints);
        assert_eq!(table.height(), 21);
        assert_eq!(
            element(&ingested, 1),
            (
                Some("127.0.0.1:14432".to_string()),
                scan(LEGACY, "2027-12-06T18:39:01Z")
            )
        );
        assert_eq!(
            element(&ingested, 2),
            (
                Some("127.0.0.1:14431".to_string()),
                scan(MODERN, "2027-12-06T18:39:01Z")
            )
        );
        // Scanned by name: the endpoint is the name, not the address it resolved to.
        assert_eq!(
            element(&ingested, 3),
            (
                Some("localhost:14433".to_string()),
                scan(MODERN, "2026-12-11T18:39:01Z")
            )
        );
        let scanned_at = millis("2026-12-06T18:40:49.796Z");
        assert!(ints(table, "observed_at")
            .iter()
            .all(|at| *at == Some(scanned_at)));
        let found = rejected(&ingested);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 0);
        assert_eq!(
            found[0].1,
            "`127.0.0.1:14439` was not scanned: `scan_status` is `ERROR_NO_CONNECTIVITY`: \
             sslyze.errors.ServerRejectedConnection: 127.0.0.1:14439 -> \"Server rejected the connection\"."
        );
        // Numbered on after the four server scans.
        assert_eq!(found[1].0, 4);
        assert_eq!(
            found[1].1,
            "`nonexistent.invalid:443` was not scanned (`invalid_server_strings`): \
             Could not resolve hostname nonexistent.invalid"
        );
        assert_eq!(ingested.files[0].rows, 21);
        assert_eq!(ingested.files[0].rejected_rows, 2);
    }

    #[test]
    fn real_5x_scan_time_is_read_in_the_inputs_timezone_and_certificate_dates_in_utc() {
        let ingested = read(V5, "timezone = \"UTC\"\n");
        let utc_table = table(&ingested, InputKind::TlsEndpoints);
        assert_eq!(utc_table.height(), 21);
        assert_eq!(
            element(&ingested, 1),
            (
                Some("localhost:14433".to_string()),
                scan(MODERN, "2026-12-11T18:39:01Z")
            )
        );
        assert_eq!(
            element(&ingested, 2),
            (
                Some("127.0.0.1:14431".to_string()),
                scan(MODERN, "2027-12-06T18:39:01Z")
            )
        );
        assert_eq!(
            element(&ingested, 3),
            (
                Some("127.0.0.1:14432".to_string()),
                scan(LEGACY, "2027-12-06T18:39:01Z")
            )
        );
        let utc = millis("2026-12-06T18:40:51.900Z");
        assert!(ints(utc_table, "observed_at")
            .iter()
            .all(|at| *at == Some(utc)));
        assert_eq!(
            rejected(&ingested)
                .iter()
                .map(|(line, _)| *line)
                .collect::<Vec<_>>(),
            vec![0, 4]
        );
        // The same file declared in Berlin (UTC+1 in December): the scan time moves, the
        // certificate dates do not.
        let berlin = read(V5, "timezone = \"Europe/Berlin\"\n");
        let berlin_table = table(&berlin, InputKind::TlsEndpoints);
        assert!(ints(berlin_table, "observed_at")
            .iter()
            .all(|at| *at == Some(utc - 3_600_000)));
        assert_eq!(element(&berlin, 1).1, scan(MODERN, "2026-12-11T18:39:01Z"));
    }

    #[test]
    fn real_5x_scan_without_a_timezone_rejects_each_server_scan_once() {
        let ingested = read(V5, "");
        assert_eq!(table(&ingested, InputKind::TlsEndpoints).height(), 0);
        let found = rejected(&ingested);
        let lines: Vec<u64> = found.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, vec![0, 1, 2, 3, 4], "{found:?}");
        assert_eq!(
            found[1].1,
            "`date_scans_started` is `2026-12-06T18:40:51.900587`: time without an offset \
             (declare `timezone` on the input to read naive times)"
        );
        assert!(found[4].1.contains("nonexistent.invalid:443"), "{found:?}");
    }

    #[test]
    fn real_default_scan_reads_the_same_rows_among_every_other_command() {
        let ingested = read(V6_DEFAULT, "");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(
            element(&ingested, 0),
            (
                Some("127.0.0.1:14432".to_string()),
                scan(LEGACY, "2027-12-06T18:39:01Z")
            )
        );
        assert_eq!(table(&ingested, InputKind::TlsEndpoints).height(), 7);
    }

    #[test]
    fn a_server_scan_that_did_not_complete_is_rejected_by_its_index_and_the_rest_used() {
        let content = edited(V6, |document| {
            let legacy = server(document, 1);
            legacy["scan_status"] = Value::from("ERROR_NO_CONNECTIVITY");
            legacy["connectivity_error_trace"] =
                Value::from("Traceback (most recent call last):\n  …\nTimeout: timed out\n\n");
        });
        let ingested = read(&content, "");
        assert_eq!(table(&ingested, InputKind::TlsEndpoints).height(), 14);
        assert_eq!(element(&ingested, 1).1, Vec::new());
        let found = rejected(&ingested);
        assert_eq!(
            found.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            vec![0, 1, 4]
        );
        assert_eq!(
            found[1].1,
            "`127.0.0.1:14432` was not scanned: `scan_status` is `ERROR_NO_CONNECTIVITY`: \
             Timeout: timed out"
        );
    }

    #[test]
    fn a_failed_scan_command_is_one_rejection_and_one_not_asked_for_is_no_row() {
        let content = edited(V6, |document| {
            let commands = &mut server(document, 1)["scan_result"];
            commands["tls_1_0_cipher_suites"] = serde_json::json!({
                "status": "ERROR",
                "error_reason": "CONNECTIVITY_ISSUE",
                "error_trace": "Traceback (most recent call last):\nConnectionToServerTimedOut: timed out\n",
                "result": null
            });
            commands["ssl_2_0_cipher_suites"] = serde_json::json!({
                "status": "NOT_SCHEDULED", "error_reason": null, "error_trace": null, "result": null
            });
            commands["certificate_info"]["status"] = Value::from("ERROR");
        });
        let ingested = read(&content, "");
        let (_, rows) = element(&ingested, 1);
        let protocols: Vec<Option<&str>> = rows.iter().map(|row| row.0.as_deref()).collect();
        assert_eq!(
            protocols,
            vec![
                Some("sslv3"),
                Some("tlsv1.1"),
                Some("tlsv1.2"),
                Some("tlsv1.3")
            ]
        );
        let found = rejected(&ingested);
        let mine: Vec<&str> = found
            .iter()
            .filter(|(line, _)| *line == 1)
            .map(|(_, reason)| reason.as_str())
            .collect();
        assert_eq!(
            mine,
            // Rejections are listed sorted by line, then reason.
            vec![
                "`127.0.0.1:14432`: the `certificate_info` scan command ended with status `ERROR`",
                "`127.0.0.1:14432`: the `tls_1_0_cipher_suites` scan command ended with status \
                 `ERROR` (`CONNECTIVITY_ISSUE`): ConnectionToServerTimedOut: timed out",
            ]
        );
    }

    #[test]
    fn an_ipv6_address_is_bracketed_and_every_certificate_deployment_is_a_row() {
        let content = edited(V6, |document| {
            let modern = server(document, 2);
            modern["server_location"]["hostname"] = Value::from("::1");
            let deployments =
                &mut modern["scan_result"]["certificate_info"]["result"]["certificate_deployments"];
            let mut second = deployments[0].clone();
            second["received_certificate_chain"][0]["not_valid_after"] =
                Value::from("2026-12-20T00:00:00Z");
            if let Value::Array(all) = deployments {
                all.push(second);
            }
        });
        let ingested = read(&content, "");
        let (endpoint, rows) = element(&ingested, 2);
        assert_eq!(endpoint.as_deref(), Some("[::1]:14431"));
        let dates: Vec<Option<i64>> = rows.iter().filter_map(|row| row.2).map(Some).collect();
        assert_eq!(
            dates,
            vec![
                Some(millis("2027-12-06T18:39:01Z")),
                Some(millis("2026-12-20T00:00:00Z"))
            ]
        );
    }

    #[test]
    fn an_unreadable_location_or_certificate_date_is_rejected_by_index() {
        let content = edited(V6, |document| {
            server(document, 1)["server_location"]["port"] = Value::from("https");
            server(document, 3)["scan_result"]["certificate_info"]["result"]
                ["certificate_deployments"][0]["received_certificate_chain"][0]
                ["not_valid_after"] = Value::from("soon");
        });
        let ingested = read(&content, "");
        let found = rejected(&ingested);
        assert_eq!(
            found.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
            vec![0, 1, 3, 4],
            "{found:?}"
        );
        assert_eq!(
            found[1].1,
            "`127.0.0.1`: `server_location.port` is \"https\", not a port number"
        );
        assert!(
            found[2].1.starts_with(
                "`localhost:14433`: certificate deployment 0: `not_valid_after` is `soon`"
            ),
            "{found:?}"
        );
        // Localhost's protocol rows are still used.
        assert_eq!(element(&ingested, 3).1.len(), 6);
    }

    #[test]
    fn an_empty_file_or_scan_is_zero_rows() {
        for content in [
            "",
            "\u{feff}\n",
            r#"{"server_scan_results": [], "date_scans_started": "2026-12-06T18:40:49Z"}"#,
        ] {
            let ingested = read(content, "");
            assert_eq!(table(&ingested, InputKind::TlsEndpoints).height(), 0);
            assert!(ingested.rejected.is_empty());
        }
    }

    #[test]
    fn a_document_of_something_else_stops_the_run_naming_the_file() {
        let prometheus =
            include_str!("../../tests/samples/prometheus-2.42-query_range-probe_success.json");
        let no_date = edited(V6, |document| {
            if let Value::Object(map) = document {
                map.remove("date_scans_started");
            }
        });
        let old = edited(V6, |document| {
            document["sslyze_version"] = Value::from("4.1.0");
        });
        for (content, expected) in [
            ("[1, 2]", "expected a JSON object, found an array"),
            ("{\"uuid\": ", "not a JSON document"),
            (prometheus, "no `server_scan_results` array"),
            (
                r#"{"server_scan_results": {}}"#,
                "`server_scan_results` is an object, not an array",
            ),
            (&no_date, "no `date_scans_started` (the time of the scan)"),
            (&old, "written by sslyze 4.1.0"),
        ] {
            let message = ingest(content, "").expect_err("fatal").to_string();
            assert!(message.contains("scan.json"), "{message}");
            assert!(
                message.contains("not `sslyze --json_out` output (sslyze 5.x or 6.x)"),
                "{message}"
            );
            assert!(message.contains(expected), "{expected}\n{message}");
        }
    }
}
