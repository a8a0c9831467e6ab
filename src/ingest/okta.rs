//! Okta System Log → canonical `audit` rows (SPEC §5, §7 "Access and logging, exactly").
//!
//! Reads LogEvent objects as `GET /api/v1/logs` returns them (a JSON array, pages
//! concatenated into one array or one file each) or one event a line (NDJSON, as a
//! SIEM export or an event-hook receiver writes them). Every event is one row:
//!
//! | canonical | from |
//! |---|---|
//! | `time` | `published` |
//! | `actor` | `actor.alternateId` (the login, or `system@okta.com`) |
//! | `action` | by `eventType`, below |
//! | `outcome` | `outcome.result`: `SUCCESS` → `success`; `FAILURE`, `DENY` and every other or missing result (`SKIPPED`, `ALLOW`, `CHALLENGE`, `UNKNOWN`) → `failure`, so nothing uncertain counts as done |
//! | `mfa` | logins only: `true` when the login succeeded and a successful `user.authentication.auth_via_mfa` event in the same file shares its `authenticationContext.externalSessionId`; else `false` |
//! | `target` | the first target's `alternateId` (the account acted on) |
//! | `ticket` | support access only: the first `debugContext.debugData` field whose name contains `ticket` (any case) and has a value; else none |
//! | `tenant` | the input's `tenant` (Okta is the provider's own directory and has no customer tenant) |
//! | `role` | none: Okta events do not carry the actor's role; declare roles in the leavers list or use a canonical input where `access.mfa` needs them |
//! | `ip` | `client.ipAddress` |
//! | `event_id` | `uuid` |
//!
//! | `eventType` | `action` |
//! |---|---|
//! | `user.session.start` | `login` |
//! | `user.authentication.auth_via_mfa` | `mfa_verified` |
//! | `user.lifecycle.deactivate`, `user.lifecycle.suspend` | `deactivate` |
//! | `user.lifecycle.reactivate`, `user.lifecycle.unsuspend` | `reactivate` |
//! | `user.session.impersonation.initiate`, `user.session.impersonation.grant` | `support_access` |
//! | any other | the `eventType` as it is |
//!
//! MFA is correlated within one file, so a login and its factor verification must be
//! exported together; the session ids (`unknown` and empty ones never match) and the
//! canonical fields of each event are held until the end of the file, not the events.
//!
//! Line numbers (SPEC §12): for an array, the event's 0-based index; for one event a
//! line, the physical 1-based line. A first non-blank line starting with `[` makes the
//! file one array. An event that cannot be read is rejected and the rest are used; in
//! NDJSON so is a line that is not JSON, not an object or not an Okta event. A file that
//! is not Okta System Log events at all (an API error object, a document of something
//! else, an array or NDJSON in which no element is an event) stops the run naming the
//! file. An empty file is zero rows. This module never decides a check.

use std::collections::HashSet;
use std::io::{BufReader, Read};

use serde_json::Value;

use super::canonical::Sink;
use super::document::{at, describe, owned_text, parse_line, whole_document, Lines};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str =
    "Okta System Log events (a JSON array from /api/v1/logs or one event a line)";

/// An event's canonical fields, held until the file's MFA verifications are known.
struct Event {
    line: u64,
    time: Option<String>,
    actor: Option<String>,
    action: String,
    success: bool,
    target: Option<String>,
    ticket: Option<String>,
    ip: Option<String>,
    event_id: Option<String>,
    /// For a login: its session, to look for an MFA verification.
    login_session: Option<Option<String>>,
}

/// Reads one file of System Log events into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let mut lines = Lines::new(BufReader::new(reader));
    let Some((first_line, first)) = lines.next_line(sink)? else {
        return Ok(stats);
    };
    let first = first.to_vec();
    let mut events = Vec::new();
    let mut verified_sessions = HashSet::new();
    if first.starts_with(b"[") {
        let whole = whole_document(first_line, &first, lines.rest(sink)?);
        let document: Value = serde_json::from_slice(&whole).map_err(|e| {
            let line = u64::try_from(e.line()).ok().filter(|l| *l > 0);
            sink.fatal(line, format!("not {EXPECTED}: not a JSON document: {e}"))
        })?;
        let Value::Array(elements) = &document else {
            let found = describe(&document);
            return Err(sink.fatal(
                None,
                format!("not {EXPECTED}: expected an array, found {found}"),
            ));
        };
        if !elements.is_empty() && !elements.iter().any(is_event) {
            return Err(sink.fatal(
                None,
                format!("not {EXPECTED}: no element of the array is an event (an object with `eventType`)"),
            ));
        }
        for (index, element) in (0u64..).zip(elements) {
            match event(index, element, &mut verified_sessions) {
                Ok(event) => events.push(event),
                Err(reason) => sink.reject(index, reason, &mut stats),
            }
        }
    } else {
        let mut first_failure: Option<(u64, String)> = None;
        let mut parsed = parse_line(&first);
        let mut line = first_line;
        loop {
            let taken = parsed.and_then(|value| {
                if is_event(&value) {
                    Ok(value)
                } else if value.is_object() {
                    Err(not_an_event(&value))
                } else {
                    Err(format!(
                        "expected an event object, found {}",
                        describe(&value)
                    ))
                }
            });
            match taken.and_then(|value| event(line, &value, &mut verified_sessions)) {
                Ok(event) => events.push(event),
                Err(reason) => {
                    first_failure.get_or_insert((line, reason.clone()));
                    sink.reject(line, reason, &mut stats);
                }
            }
            match lines.next_line(sink)? {
                Some((next, bytes)) => {
                    line = next;
                    parsed = parse_line(bytes);
                }
                None => break,
            }
        }
        if events.is_empty() {
            if let Some((line, reason)) = first_failure {
                return Err(sink.fatal(Some(line), format!("not {EXPECTED}: {reason}")));
            }
        }
    }
    for event in &events {
        push_event(event, input, &verified_sessions, sink, &mut stats);
    }
    Ok(stats)
}

fn is_event(value: &Value) -> bool {
    value.is_object() && value.get("eventType").is_some()
}

/// Why an object is not an event; an Okta API error says what it is.
fn not_an_event(value: &Value) -> String {
    match at(value, &["errorSummary"]).and_then(Value::as_str) {
        Some(summary) => format!("an Okta API error, not an event: {summary}"),
        None => "not an Okta event: no `eventType`".to_string(),
    }
}

/// The canonical fields of one event; records a successful MFA verification's session.
fn event(
    line: u64,
    value: &Value,
    verified_sessions: &mut HashSet<String>,
) -> Result<Event, String> {
    if !value.is_object() {
        return Err(format!(
            "expected an event object, found {}",
            describe(value)
        ));
    }
    let Some(event_type) = at(value, &["eventType"]).and_then(Value::as_str) else {
        return Err("the event has no `eventType` text".to_string());
    };
    let success = at(value, &["outcome", "result"])
        .and_then(Value::as_str)
        .is_some_and(|result| result.eq_ignore_ascii_case("SUCCESS"));
    let session = at(value, &["authenticationContext", "externalSessionId"])
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|id| !id.is_empty() && !id.eq_ignore_ascii_case("unknown"))
        .map(str::to_string);
    let action = match event_type {
        "user.session.start" => "login",
        "user.authentication.auth_via_mfa" => {
            if success {
                if let Some(session) = &session {
                    verified_sessions.insert(session.clone());
                }
            }
            "mfa_verified"
        }
        "user.lifecycle.deactivate" | "user.lifecycle.suspend" => "deactivate",
        "user.lifecycle.reactivate" | "user.lifecycle.unsuspend" => "reactivate",
        "user.session.impersonation.initiate" | "user.session.impersonation.grant" => {
            "support_access"
        }
        other => other,
    };
    let ticket = if action == "support_access" {
        ticket(value)
    } else {
        None
    };
    Ok(Event {
        line,
        time: owned_text(at(value, &["published"])),
        actor: owned_text(at(value, &["actor", "alternateId"])),
        action: action.to_string(),
        success,
        target: value
            .get("target")
            .and_then(Value::as_array)
            .and_then(|targets| targets.first())
            .and_then(|target| owned_text(at(target, &["alternateId"]))),
        ticket,
        ip: owned_text(at(value, &["client", "ipAddress"])),
        event_id: owned_text(at(value, &["uuid"])),
        login_session: (action == "login").then_some(session),
    })
}

/// A ticket reference in the debug data: the first field named like one, with a value.
fn ticket(value: &Value) -> Option<String> {
    let Some(Value::Object(debug)) = at(value, &["debugContext", "debugData"]) else {
        return None;
    };
    debug
        .iter()
        .filter(|(key, _)| key.to_ascii_lowercase().contains("ticket"))
        .find_map(|(_, value)| match value {
            Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

fn push_event(
    event: &Event,
    input: &Input,
    verified_sessions: &HashSet<String>,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let outcome = if event.success { "success" } else { "failure" };
    let mut fields: Vec<(&str, Raw<'_>)> = vec![
        ("action", Raw::Text(&event.action)),
        ("outcome", Raw::Text(outcome)),
    ];
    if let Some(session) = &event.login_session {
        let mfa = event.success
            && session
                .as_ref()
                .is_some_and(|session| verified_sessions.contains(session));
        fields.push(("mfa", Raw::Bool(mfa)));
    }
    let texts = [
        ("time", &event.time),
        ("actor", &event.actor),
        ("target", &event.target),
        ("ticket", &event.ticket),
        ("ip", &event.ip),
        ("event_id", &event.event_id),
        ("tenant", &input.tenant),
    ];
    for (name, value) in texts {
        if let Some(text) = value {
            fields.push((name, Raw::Text(text)));
        }
    }
    sink.push_fields(event.line, &fields, stats);
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::document::testing::{audit_rows, ingest_input, rejected, AuditRow};
    use crate::ingest::Ingested;

    const CLOUDTRAIL_LINE: &str = r#"{"eventVersion":"1.08","eventTime":"2026-11-02T09:15:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin"}"#;

    fn ingest(name: &str, content: &str) -> Result<Ingested, crate::error::Error> {
        ingest_input(
            "audit",
            name,
            content.as_bytes(),
            "okta",
            "tenant = \"acme\"\n",
        )
    }

    fn read(name: &str, content: &str) -> Ingested {
        ingest(name, content).expect("ingest")
    }

    fn fatal(content: &str) -> String {
        ingest("okta.json", content).expect_err("fatal").to_string()
    }

    /// A LogEvent shaped as Okta's System Log API reference describes it.
    #[allow(clippy::too_many_arguments)]
    fn event(
        uuid: &str,
        published: &str,
        event_type: &str,
        actor: &str,
        result: &str,
        session: Option<&str>,
        target: Option<&str>,
        debug_data: &str,
    ) -> String {
        let session = session.map_or("null".to_string(), |s| format!("\"{s}\""));
        let target = target.map_or("null".to_string(), |t| {
            format!(r#"[{{"id":"00u1t7x9hJkqzZ8Jl0h8","type":"User","alternateId":"{t}","displayName":"Target","detailEntry":null}}]"#)
        });
        format!(
            r#"{{"actor":{{"id":"00u1qw1mqitPHM8AJ0g7","type":"User","alternateId":"{actor}","displayName":"Staff","detailEntry":null}},"client":{{"userAgent":{{"rawUserAgent":"Mozilla/5.0","os":"Mac OS X","browser":"CHROME"}},"zone":"null","device":"Computer","id":null,"ipAddress":"203.0.113.9","geographicalContext":{{"city":"Melbourne","state":"Victoria","country":"Australia","postalCode":"3000","geolocation":{{"lat":-37.8,"lon":144.9}}}}}},"authenticationContext":{{"authenticationProvider":null,"credentialProvider":null,"credentialType":null,"issuer":null,"interface":null,"authenticationStep":0,"externalSessionId":{session}}},"displayMessage":"","eventType":"{event_type}","outcome":{{"result":"{result}","reason":null}},"published":"{published}","securityContext":{{"asNumber":null,"asOrg":null,"isp":null,"domain":null,"isProxy":null}},"severity":"INFO","debugContext":{{"debugData":{{{debug_data}}}}},"legacyEventType":"core.user_auth.login_success","transaction":{{"type":"WEB","id":"Wn4f-0RQ8D8lTSLkAmkKdQAADqo","detail":{{}}}},"uuid":"{uuid}","version":"0","request":{{"ipChain":[]}},"target":{target}}}"#
        )
    }

    /// A day of events: two logins with MFA in their session, one without, one failed,
    /// a deactivation, a suspension, an unsuspension, support access with and without a
    /// ticket, a logout (kept as it is) and an unknown result.
    pub(crate) fn day() -> Vec<String> {
        let t = |hh: &str| format!("2026-11-02T{hh}:00:00.000Z");
        vec![
            event(
                "u0",
                &t("09"),
                "user.session.start",
                "ana@example.com",
                "SUCCESS",
                Some("102a"),
                None,
                r#""requestUri":"/idp/idx/identify""#,
            ),
            event(
                "u1",
                &t("09"),
                "user.authentication.auth_via_mfa",
                "ana@example.com",
                "SUCCESS",
                Some("102a"),
                None,
                r#""factor":"OKTA_VERIFY_PUSH""#,
            ),
            // The verification comes before the login of this session.
            event(
                "u2",
                &t("10"),
                "user.authentication.auth_via_mfa",
                "ben@example.com",
                "SUCCESS",
                Some("102b"),
                None,
                "",
            ),
            event(
                "u3",
                &t("10"),
                "user.session.start",
                "ben@example.com",
                "SUCCESS",
                Some("102b"),
                None,
                "",
            ),
            // A failed factor does not make the login an MFA login.
            event(
                "u4",
                &t("11"),
                "user.authentication.auth_via_mfa",
                "cy@example.com",
                "FAILURE",
                Some("102c"),
                None,
                "",
            ),
            event(
                "u5",
                &t("11"),
                "user.session.start",
                "cy@example.com",
                "SUCCESS",
                Some("102c"),
                None,
                "",
            ),
            // A failed sign-in has no session.
            event(
                "u6",
                &t("12"),
                "user.session.start",
                "dee@example.com",
                "FAILURE",
                None,
                None,
                "",
            ),
            event(
                "u7",
                &t("13"),
                "user.lifecycle.deactivate",
                "admin@example.com",
                "SUCCESS",
                Some("102d"),
                Some("eve@example.com"),
                "",
            ),
            event(
                "u8",
                &t("13"),
                "user.lifecycle.suspend",
                "admin@example.com",
                "SUCCESS",
                Some("102d"),
                Some("fay@example.com"),
                "",
            ),
            event(
                "u9",
                &t("14"),
                "user.lifecycle.unsuspend",
                "admin@example.com",
                "SUCCESS",
                Some("102d"),
                Some("fay@example.com"),
                "",
            ),
            event(
                "u10",
                &t("15"),
                "user.session.impersonation.initiate",
                "support@okta.com",
                "SUCCESS",
                Some("unknown"),
                Some("admin@example.com"),
                r#""supportTicketId":"CS-4711","requestUri":"/api/v1/impersonation""#,
            ),
            event(
                "u11",
                &t("15"),
                "user.session.impersonation.grant",
                "admin@example.com",
                "SUCCESS",
                Some("102d"),
                Some("support@okta.com"),
                "",
            ),
            event(
                "u12",
                &t("16"),
                "user.session.end",
                "ana@example.com",
                "SUCCESS",
                Some("102a"),
                None,
                "",
            ),
            event(
                "u13",
                &t("17"),
                "user.session.start",
                "gus@example.com",
                "CHALLENGE",
                Some("unknown"),
                None,
                "",
            ),
        ]
    }

    fn expected(line: impl Fn(u64) -> u64) -> Vec<AuditRow> {
        let nine = 1_793_610_000_000; // 2026-11-02T09:00:00Z
        let hour = 3_600_000;
        let row = |i: u64, hours: i64, actor: &str, action: &str, outcome: &str| AuditRow {
            line: line(i),
            time: Some(nine + hours * hour),
            actor: Some(actor.into()),
            action: Some(action.into()),
            outcome: Some(outcome.into()),
            tenant: Some("acme".into()),
            ip: Some("203.0.113.9".into()),
            event_id: Some(format!("u{i}")),
            ..AuditRow::default()
        };
        let login = |i, hours, actor: &str, outcome, mfa| AuditRow {
            mfa: Some(mfa),
            ..row(i, hours, actor, "login", outcome)
        };
        let targeted = |i, hours, actor: &str, action, target: &str| AuditRow {
            target: Some(target.into()),
            ..row(i, hours, actor, action, "success")
        };
        vec![
            login(0, 0, "ana@example.com", "success", true),
            row(1, 0, "ana@example.com", "mfa_verified", "success"),
            row(2, 1, "ben@example.com", "mfa_verified", "success"),
            login(3, 1, "ben@example.com", "success", true),
            row(4, 2, "cy@example.com", "mfa_verified", "failure"),
            login(5, 2, "cy@example.com", "success", false),
            login(6, 3, "dee@example.com", "failure", false),
            targeted(7, 4, "admin@example.com", "deactivate", "eve@example.com"),
            targeted(8, 4, "admin@example.com", "deactivate", "fay@example.com"),
            targeted(9, 5, "admin@example.com", "reactivate", "fay@example.com"),
            AuditRow {
                ticket: Some("CS-4711".into()),
                ..targeted(
                    10,
                    6,
                    "support@okta.com",
                    "support_access",
                    "admin@example.com",
                )
            },
            targeted(
                11,
                6,
                "admin@example.com",
                "support_access",
                "support@okta.com",
            ),
            row(12, 7, "ana@example.com", "user.session.end", "success"),
            login(13, 8, "gus@example.com", "failure", false),
        ]
    }

    #[test]
    fn an_api_array_maps_logins_mfa_lifecycle_and_support_access() {
        let content = format!("[\n{}\n]\n", day().join(",\n"));
        let ingested = read("okta.json", &content);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(audit_rows(&ingested), expected(|i| i));
    }

    #[test]
    fn one_event_a_line_numbers_physical_lines() {
        let content = format!("\u{feff}{}\r\n", day().join("\r\n"));
        let ingested = read("okta.ndjson", &content);
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(audit_rows(&ingested), expected(|i| i + 1));
    }

    #[test]
    fn mfa_is_not_borrowed_from_another_file() {
        let day = day();
        // Ana's login without the verification that shares its session.
        let ingested = read("okta.ndjson", &day[0]);
        assert_eq!(audit_rows(&ingested)[0].mfa, Some(false));
    }

    #[test]
    fn a_broken_line_is_rejected_and_the_rest_used() {
        let day = day();
        let lines = [
            day[0].clone(),
            day[1][..100].to_string(),
            CLOUDTRAIL_LINE.to_string(),
            day[3].replace("2026-11-02T10:00:00.000Z", "2026-11-02 10:00"),
            day[5].replace("\"alternateId\":\"cy@example.com\"", "\"alternateId\":null"),
            "42".to_string(),
            day[7].clone(),
        ];
        let ingested = read("okta.ndjson", &lines.join("\n"));
        let rejected = rejected(&ingested);
        let numbers: Vec<u64> = rejected.iter().map(|r| r.0).collect();
        assert_eq!(numbers, vec![2, 3, 4, 5, 6], "{rejected:?}");
        assert!(rejected[0].1.starts_with("not JSON"), "{rejected:?}");
        assert!(rejected[1].1.contains("no `eventType`"), "{rejected:?}");
        assert!(rejected[2].1.contains("without an offset"), "{rejected:?}");
        assert_eq!(rejected[3].1, "missing required value `actor`");
        assert!(rejected[4].1.contains("found a number"), "{rejected:?}");
        let used: Vec<(u64, Option<String>)> = audit_rows(&ingested)
            .into_iter()
            .map(|r| (r.line, r.action))
            .collect();
        // Line 1's verification was the broken line 2: no MFA for that login.
        assert_eq!(
            used,
            vec![(1, Some("login".into())), (7, Some("deactivate".into()))]
        );
        assert_eq!(audit_rows(&ingested)[0].mfa, Some(false));
    }

    #[test]
    fn a_broken_event_in_an_array_is_rejected_by_index() {
        let day = day();
        let content = format!(
            "[{},\"junk\",{},{}]",
            day[0],
            day[7].replace("\"published\":\"2026-11-02T13:00:00.000Z\",", ""),
            day[8]
        );
        let ingested = read("okta.json", &content);
        assert_eq!(
            rejected(&ingested),
            vec![
                (1, "expected an event object, found a string".to_string()),
                (2, "missing required value `time`".to_string()),
            ]
        );
        let used: Vec<u64> = audit_rows(&ingested).iter().map(|r| r.line).collect();
        assert_eq!(used, vec![0, 3]);
    }

    #[test]
    fn empty_input_is_zero_events() {
        for content in ["", "\r\n", "[]", "[\n]\n"] {
            let ingested = read("okta.json", content);
            assert!(audit_rows(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
        }
    }

    #[test]
    fn a_file_that_is_not_okta_events_stops_the_run_naming_it() {
        let error = r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oaeXXXX","errorCauses":[]}"#;
        let cases = [
            (
                "cloudtrail line",
                CLOUDTRAIL_LINE.to_string(),
                "okta.json:1: not Okta System Log events",
            ),
            (
                "api error",
                error.to_string(),
                "an Okta API error, not an event: Invalid token provided",
            ),
            (
                "array of something else",
                "[{\"id\":1},{\"id\":2}]".to_string(),
                "no element of the array is an event",
            ),
            (
                "broken array",
                "\n\n[\n{\"eventType\":\n".to_string(),
                "okta.json:5: not Okta System Log events",
            ),
            (
                "pretty object",
                "{\n  \"eventType\": \"user.session.start\"\n}\n".to_string(),
                "okta.json:1:",
            ),
            (
                "cloudtrail records",
                format!("{{\"Records\":[{CLOUDTRAIL_LINE}]}}"),
                "no `eventType`",
            ),
        ];
        for (what, content, detail) in cases {
            let message = fatal(&content);
            assert!(
                message.contains("okta.json") && message.contains(detail),
                "{what}: {message}"
            );
        }
    }
}
