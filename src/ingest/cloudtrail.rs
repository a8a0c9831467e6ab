//! AWS CloudTrail → canonical `audit` rows (SPEC §5, §7 "Access and logging, exactly").
//!
//! Reads the log files CloudTrail delivers to S3 — one `{"Records": […]}` object, on one
//! line or pretty-printed, gzip-compressed (`.json.gz`, recognised by its magic bytes) or
//! not; several such objects one a line (concatenated files) — or one record a line
//! (NDJSON, as exported by CloudWatch Logs or a SIEM). Every record is one event:
//!
//! | canonical | from |
//! |---|---|
//! | `time` | `eventTime` |
//! | `actor` | `userIdentity.userName`; else the last part of `userIdentity.arn` (an assumed role's session name, `root`); else `userIdentity.principalId`; else `userIdentity.invokedBy` (an AWS service) |
//! | `action` | `ConsoleLogin` → `login`; `DeleteUser`, `DeleteLoginProfile` → `deactivate`; `CreateLoginProfile` → `reactivate` (console access given back); any other `eventName` as it is |
//! | `outcome` | `ConsoleLogin`: `responseElements.ConsoleLogin` (`Success`/`Failure`); other events: `failure` when `errorCode` is present, else `success` |
//! | `mfa` | `ConsoleLogin` only: `additionalEventData.MFAUsed` (`Yes`/`No`); absent counts as no MFA |
//! | `target` | `requestParameters.userName`: the IAM user acted on |
//! | `role` | `AssumedRole`: the role's name (`userIdentity.sessionContext.sessionIssuer.userName`); `Root`: `root`; other identities: none (an IAM user's policies are not a role) |
//! | `tenant` | the input's `tenant` (CloudTrail does not know the customer) |
//! | `ip` | `sourceIPAddress` (for calls made by AWS services, the service's name) |
//! | `event_id` | `eventID` |
//!
//! `MFAUsed` is what AWS recorded for the console sign-in itself: a federated sign-in
//! through an identity provider that did the MFA says `No`, so such logins are best
//! audited at the provider (the `okta` format).
//!
//! Line numbers (SPEC §12): for one record a line, the physical 1-based line; for
//! `Records` documents, the record's 0-based index in `Records` (counting on across
//! documents when several are concatenated). The first non-blank line decides which: a
//! `Records` object, or a line that opens one (`{` alone, or `{"Records"` that does
//! not parse on its own: the whole file is then one document). A record that cannot be
//! read is rejected and the rest are used; in NDJSON so is a line that is not JSON, not
//! an object or not a CloudTrail record. A file that is not CloudTrail at all (no line
//! is a record, a document without `Records` such as a digest file, a broken document,
//! a corrupt gzip stream) stops the run naming the file. An empty file is zero rows.
//! This module never decides a check.

use std::io::{BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;
use serde_json::Value;

use super::canonical::Sink;
use super::document::{at, describe, parse_line, raw, whole_document, Lines};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "CloudTrail logs (`{\"Records\":[…]}` files or one record a line)";

/// The first two bytes of every gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads one CloudTrail file, gzip-compressed or not, into the sink.
pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut buffered = BufReader::new(reader);
    let head = buffered
        .fill_buf()
        .map_err(|e| sink.fatal(None, format!("cannot read: {e}")))?;
    if head.starts_with(&GZIP_MAGIC) {
        read_text(BufReader::new(MultiGzDecoder::new(buffered)), input, sink)
    } else {
        read_text(buffered, input, sink)
    }
}

fn read_text(reader: impl BufRead, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let mut lines = Lines::new(reader);
    let Some((first_line, first)) = lines.next_line(sink)? else {
        return Ok(stats);
    };
    let first = first.to_vec();
    match serde_json::from_slice::<Value>(&first) {
        Ok(document) if is_document(&document) => {
            let mut index = push_document(0, &document, None, input, sink, &mut stats)?;
            // Further lines: more `Records` documents (concatenated delivery files).
            while let Some((line, bytes)) = lines.next_line(sink)? {
                let document = serde_json::from_slice::<Value>(bytes).map_err(|e| {
                    sink.fatal(Some(line), format!("not {EXPECTED}: not JSON: {e}"))
                })?;
                index = push_document(index, &document, Some(line), input, sink, &mut stats)?;
            }
        }
        Err(_) if opens_a_document(&first) => {
            let whole = whole_document(first_line, &first, lines.rest(sink)?);
            let document = serde_json::from_slice::<Value>(&whole).map_err(|e| {
                let line = u64::try_from(e.line()).ok().filter(|l| *l > 0);
                sink.fatal(line, format!("not {EXPECTED}: not a JSON document: {e}"))
            })?;
            push_document(0, &document, Some(first_line), input, sink, &mut stats)?;
        }
        first_parsed => {
            let mut state = NdjsonState::default();
            let first_parsed = first_parsed.map_err(|e| format!("not JSON: {e}"));
            state.take(first_line, first_parsed, input, sink, &mut stats);
            while let Some((line, bytes)) = lines.next_line(sink)? {
                let parsed = parse_line(bytes);
                state.take(line, parsed, input, sink, &mut stats);
            }
            if state.records == 0 {
                if let Some((line, reason)) = state.first_failure {
                    return Err(sink.fatal(Some(line), format!("not {EXPECTED}: {reason}")));
                }
            }
        }
    }
    Ok(stats)
}

/// What one-record-a-line reading has seen so far.
#[derive(Default)]
struct NdjsonState {
    records: u64,
    first_failure: Option<(u64, String)>,
}

impl NdjsonState {
    /// Uses one line's record, or rejects the line.
    fn take(
        &mut self,
        line: u64,
        parsed: Result<Value, String>,
        input: &Input,
        sink: &mut Sink<'_>,
        stats: &mut FileStats,
    ) {
        match parsed.and_then(|value| record_line(&value).map(|()| value)) {
            Ok(record) => {
                self.records += 1;
                push_record(line, &record, input, sink, stats);
            }
            Err(reason) => {
                self.first_failure.get_or_insert((line, reason.clone()));
                sink.reject(line, reason, stats);
            }
        }
    }
}

/// A first line that is a whole document rather than a record: a `Records` file, or a
/// digest or `lookup-events` document, which `push_document` names.
fn is_document(value: &Value) -> bool {
    ["Records", "digestStartTime", "Events"]
        .iter()
        .any(|key| value.get(key).is_some())
}

/// A first line that opens a pretty-printed `Records` document: `{` alone, or
/// `{"Records"` (possibly with spaces) that did not parse on its own.
fn opens_a_document(first: &[u8]) -> bool {
    first
        .strip_prefix(b"{")
        .map(<[u8]>::trim_ascii_start)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(b"\"Records\""))
}

/// Pushes the records of one `Records` document, numbered from `first_index`; returns
/// the next index. `line` is where the document starts, for the message when the
/// document is not one.
fn push_document(
    first_index: u64,
    document: &Value,
    line: Option<u64>,
    input: &Input,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) -> Result<u64, Error> {
    let records = match document.get("Records") {
        Some(Value::Array(records)) => records,
        Some(other) => {
            let why = format!("`Records` is {}, not an array", describe(other));
            return Err(sink.fatal(line, format!("not {EXPECTED}: {why}")));
        }
        None if document.get("digestStartTime").is_some() => {
            let why = "this is a CloudTrail digest file (CloudTrail-Digest/), which holds \
                       hashes, not events: point the input at the CloudTrail/ log folder";
            return Err(sink.fatal(line, format!("not {EXPECTED}: {why}")));
        }
        None => {
            let why = format!(
                "expected an object with `Records`, found {}",
                shape(document)
            );
            return Err(sink.fatal(line, format!("not {EXPECTED}: {why}")));
        }
    };
    let mut index = first_index;
    for record in records {
        if record.is_object() {
            push_record(index, record, input, sink, stats);
        } else {
            let reason = format!(
                "expected a CloudTrail record object, found {}",
                describe(record)
            );
            sink.reject(index, reason, stats);
        }
        index += 1;
    }
    Ok(index)
}

/// What a document is, for messages.
fn shape(document: &Value) -> String {
    match document {
        Value::Object(object) if object.contains_key("Events") => {
            "an object with `Events` (`aws cloudtrail lookup-events` output); export the \
             trail's S3 log files instead"
                .to_string()
        }
        Value::Object(_) => "an object without it".to_string(),
        other => describe(other).to_string(),
    }
}

/// Whether one NDJSON line holds a CloudTrail record; otherwise why not.
fn record_line(value: &Value) -> Result<(), String> {
    if !value.is_object() {
        return Err(format!(
            "expected a CloudTrail record object, found {}",
            describe(value)
        ));
    }
    if value.get("Records").is_some() {
        return Err(
            "a `{\"Records\":…}` document among one-record-a-line NDJSON: \
                    give it a file of its own"
                .to_string(),
        );
    }
    let is_record = ["eventVersion", "eventSource", "eventName"]
        .iter()
        .any(|key| value.get(key).is_some());
    if is_record {
        Ok(())
    } else {
        Err("not a CloudTrail record: no `eventName`, `eventSource` or `eventVersion`".to_string())
    }
}

fn push_record(
    line: u64,
    record: &Value,
    input: &Input,
    sink: &mut Sink<'_>,
    stats: &mut FileStats,
) {
    let Some(event_name) = at(record, &["eventName"]).and_then(Value::as_str) else {
        sink.reject(line, "the record has no `eventName`", stats);
        return;
    };
    let login = event_name == "ConsoleLogin";
    let action = match event_name {
        "ConsoleLogin" => "login",
        "DeleteUser" | "DeleteLoginProfile" => "deactivate",
        "CreateLoginProfile" => "reactivate",
        other => other,
    };
    let failed = at(record, &["errorCode"]).is_some();
    let generic_outcome = if failed { "failure" } else { "success" };
    let outcome = if login {
        match at(record, &["responseElements", "ConsoleLogin"]).and_then(Value::as_str) {
            Some(result) if result.eq_ignore_ascii_case("success") => Raw::Text("success"),
            Some(result) if result.eq_ignore_ascii_case("failure") => Raw::Text("failure"),
            // Anything else is shown to the reader as a rejected row, not guessed.
            Some(result) => Raw::Text(result),
            None => Raw::Text(generic_outcome),
        }
    } else {
        Raw::Text(generic_outcome)
    };
    let identity = |key: &str| at(record, &["userIdentity", key]).and_then(Value::as_str);
    let arn_name = identity("arn")
        .and_then(|arn| arn.rsplit(['/', ':']).next())
        .filter(|name| !name.is_empty());
    let actor = identity("userName")
        .filter(|name| !name.is_empty())
        .or(arn_name)
        .or_else(|| identity("principalId").filter(|id| !id.is_empty()))
        .or_else(|| identity("invokedBy"));
    let role = match identity("type") {
        Some("AssumedRole") => at(
            record,
            &[
                "userIdentity",
                "sessionContext",
                "sessionIssuer",
                "userName",
            ],
        )
        .and_then(raw),
        Some("Root") => Some(Raw::Text("root")),
        _ => None,
    };
    let mut fields: Vec<(&str, Raw<'_>)> =
        vec![("action", Raw::Text(action)), ("outcome", outcome)];
    if let Some(actor) = actor {
        fields.push(("actor", Raw::Text(actor)));
    }
    if let Some(role) = role {
        fields.push(("role", role));
    }
    if login {
        if let Some(mfa) = at(record, &["additionalEventData", "MFAUsed"]).and_then(raw) {
            fields.push(("mfa", mfa));
        }
    }
    let from_record = [
        ("time", at(record, &["eventTime"])),
        ("target", at(record, &["requestParameters", "userName"])),
        ("ip", at(record, &["sourceIPAddress"])),
        ("event_id", at(record, &["eventID"])),
    ];
    for (name, value) in from_record {
        if let Some(value) = value.and_then(raw) {
            fields.push((name, value));
        }
    }
    if let Some(tenant) = &input.tenant {
        fields.push(("tenant", Raw::Text(tenant)));
    }
    sink.push_fields(line, &fields, stats);
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::Write;

    use flate2::write::GzEncoder;
    use flate2::Compression;

    use super::super::document::testing::{audit_rows, ingest_input, rejected, AuditRow};
    use crate::ingest::Ingested;

    const OKTA_LIKE: &str =
        r#"{"uuid":"1","published":"2026-11-01T00:00:00Z","eventType":"user.session.start"}"#;
    const PROMETHEUS: &str =
        include_str!("../../tests/samples/prometheus-2.42-query_range-probe_success.json");

    fn ingest(name: &str, content: &[u8], extra: &str) -> Result<Ingested, crate::error::Error> {
        ingest_input("audit", name, content, "cloudtrail", extra)
    }

    fn read(name: &str, content: &[u8]) -> Ingested {
        ingest(name, content, "tenant = \"acme\"\n").expect("ingest")
    }

    fn fatal(content: &[u8]) -> String {
        ingest("trail.json", content, "")
            .expect_err("fatal")
            .to_string()
    }

    /// The records of AWS's documentation examples: an IAM user's console sign-in with
    /// MFA, a failed one, an assumed role's sign-in, a root sign-in, a user and a login
    /// profile deleted, a login profile created, and two API calls (one refused, one
    /// made by a service).
    pub(crate) const RECORDS: [&str; 9] = [
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","arn":"arn:aws:iam::111122223333:user/Mary_Major","accountId":"111122223333","userName":"Mary_Major"},"eventTime":"2026-11-02T09:15:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::111122223333:mfa/Mary_Major","MFAUsed":"Yes"},"eventID":"3fcfb182-98f8-4744-bd45-10a395ab61cb","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDACKCEVSQ6C2EXAMPLE","accountId":"111122223333","accessKeyId":"","userName":"Mary_Major"},"eventTime":"2026-11-02T09:14:10Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"Mozilla/5.0","errorMessage":"Failed authentication","requestParameters":null,"responseElements":{"ConsoleLogin":"Failure"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"No"},"eventID":"a8b3c8b4-1111-4d6e-9b1f-2b7c1c0d9e01","readOnly":false,"eventType":"AwsConsoleSignIn","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAIDPPEZS35WEXAMPLE:jdoe@example.com","arn":"arn:aws:sts::111122223333:assumed-role/SupportAdmin/jdoe@example.com","accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAIDPPEZS35WEXAMPLE","arn":"arn:aws:iam::111122223333:role/SupportAdmin","accountId":"111122223333","userName":"SupportAdmin"},"webIdFederationData":{},"attributes":{"creationDate":"2026-11-02T10:00:00Z","mfaAuthenticated":"false"}}},"eventTime":"2026-11-02T10:00:01Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"No","SamlProviderArn":"arn:aws:iam::111122223333:saml-provider/Okta"},"eventID":"c1d2e3f4-2222-4d6e-9b1f-2b7c1c0d9e02","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":""},"eventTime":"2026-11-02T11:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.5","userAgent":"Mozilla/5.0","requestParameters":null,"responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"LoginTo":"https://console.aws.amazon.com/","MobileVersion":"No","MFAUsed":"Yes"},"eventID":"d1d2e3f4-3333-4d6e-9b1f-2b7c1c0d9e03","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"Alice"},"eventTime":"2026-11-03T08:00:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteLoginProfile","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","userAgent":"aws-cli/2.13.0","requestParameters":{"userName":"Richard_Roe"},"responseElements":null,"requestID":"11111111-2222-3333-4444-555555555555","eventID":"e1d2e3f4-4444-4d6e-9b1f-2b7c1c0d9e04","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","userName":"Alice"},"eventTime":"2026-11-03T08:00:05Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","requestParameters":{"userName":"Richard_Roe"},"responseElements":null,"eventID":"f1d2e3f4-5555-4d6e-9b1f-2b7c1c0d9e05","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","userName":"Alice"},"eventTime":"2026-11-04T08:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateLoginProfile","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","requestParameters":{"userName":"Paulo_Santos","passwordResetRequired":true},"responseElements":{"loginProfile":{"userName":"Paulo_Santos","createDate":"Nov 4, 2026 8:00:00 AM","passwordResetRequired":true}},"eventID":"a2d2e3f4-6666-4d6e-9b1f-2b7c1c0d9e06","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","userName":"Alice"},"eventTime":"2026-11-04T09:00:00+10:00","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.20","errorCode":"DeleteConflict","errorMessage":"Cannot delete entity, must delete login profile first.","requestParameters":{"userName":"Paulo_Santos"},"responseElements":null,"eventID":"b2d2e3f4-7777-4d6e-9b1f-2b7c1c0d9e07","eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
        r#"{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"},"eventTime":"2026-11-04T10:00:00Z","eventSource":"kms.amazonaws.com","eventName":"GenerateDataKey","awsRegion":"us-east-1","sourceIPAddress":"cloudtrail.amazonaws.com","userAgent":"cloudtrail.amazonaws.com","requestParameters":{"keySpec":"AES_256"},"responseElements":null,"eventID":"c2d2e3f4-8888-4d6e-9b1f-2b7c1c0d9e08","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#,
    ];

    /// The rows `RECORDS` give, numbered by `line(i)`.
    fn expected(line: impl Fn(u64) -> u64) -> Vec<AuditRow> {
        let hour = 3_600_000;
        let nov2 = 1_793_577_600_000; // 2026-11-02T00:00:00Z
        let row = |i: u64, time: i64, actor: &str, action: &str, outcome: &str| AuditRow {
            line: line(i),
            time: Some(time),
            actor: Some(actor.into()),
            action: Some(action.into()),
            outcome: Some(outcome.into()),
            tenant: Some("acme".into()),
            ..AuditRow::default()
        };
        vec![
            AuditRow {
                mfa: Some(true),
                ip: Some("192.0.2.10".into()),
                event_id: Some("3fcfb182-98f8-4744-bd45-10a395ab61cb".into()),
                ..row(
                    0,
                    nov2 + 9 * hour + 900_000,
                    "Mary_Major",
                    "login",
                    "success",
                )
            },
            AuditRow {
                mfa: Some(false),
                ip: Some("192.0.2.10".into()),
                event_id: Some("a8b3c8b4-1111-4d6e-9b1f-2b7c1c0d9e01".into()),
                ..row(
                    1,
                    nov2 + 9 * hour + 850_000,
                    "Mary_Major",
                    "login",
                    "failure",
                )
            },
            AuditRow {
                // The session name is the actor; the role is the role's name.
                role: Some("SupportAdmin".into()),
                mfa: Some(false),
                ip: Some("198.51.100.7".into()),
                event_id: Some("c1d2e3f4-2222-4d6e-9b1f-2b7c1c0d9e02".into()),
                ..row(
                    2,
                    nov2 + 10 * hour + 1000,
                    "jdoe@example.com",
                    "login",
                    "success",
                )
            },
            AuditRow {
                role: Some("root".into()),
                mfa: Some(true),
                ip: Some("203.0.113.5".into()),
                event_id: Some("d1d2e3f4-3333-4d6e-9b1f-2b7c1c0d9e03".into()),
                ..row(3, nov2 + 11 * hour, "root", "login", "success")
            },
            AuditRow {
                target: Some("Richard_Roe".into()),
                ip: Some("192.0.2.20".into()),
                event_id: Some("e1d2e3f4-4444-4d6e-9b1f-2b7c1c0d9e04".into()),
                ..row(4, nov2 + 32 * hour, "Alice", "deactivate", "success")
            },
            AuditRow {
                target: Some("Richard_Roe".into()),
                ip: Some("192.0.2.20".into()),
                event_id: Some("f1d2e3f4-5555-4d6e-9b1f-2b7c1c0d9e05".into()),
                ..row(5, nov2 + 32 * hour + 5000, "Alice", "deactivate", "success")
            },
            AuditRow {
                target: Some("Paulo_Santos".into()),
                ip: Some("192.0.2.20".into()),
                event_id: Some("a2d2e3f4-6666-4d6e-9b1f-2b7c1c0d9e06".into()),
                ..row(6, nov2 + 56 * hour, "Alice", "reactivate", "success")
            },
            AuditRow {
                // Refused (`errorCode`): a failed deactivation, which no check counts.
                target: Some("Paulo_Santos".into()),
                ip: Some("192.0.2.20".into()),
                event_id: Some("b2d2e3f4-7777-4d6e-9b1f-2b7c1c0d9e07".into()),
                ..row(7, nov2 + 47 * hour, "Alice", "deactivate", "failure")
            },
            AuditRow {
                ip: Some("cloudtrail.amazonaws.com".into()),
                event_id: Some("c2d2e3f4-8888-4d6e-9b1f-2b7c1c0d9e08".into()),
                ..row(
                    8,
                    nov2 + 58 * hour,
                    "cloudtrail.amazonaws.com",
                    "GenerateDataKey",
                    "success",
                )
            },
        ]
    }

    fn records_document() -> String {
        format!("{{\"Records\":[{}]}}", RECORDS.join(","))
    }

    #[test]
    fn a_records_file_maps_logins_mfa_deactivations_and_other_calls() {
        let ingested = read("trail.json", records_document().as_bytes());
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(audit_rows(&ingested), expected(|i| i));
    }

    #[test]
    fn a_gzipped_pretty_printed_records_file_reads_the_same() {
        let document: serde_json::Value =
            serde_json::from_str(&records_document()).expect("valid JSON");
        let pretty = serde_json::to_string_pretty(&document).expect("pretty");
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(pretty.as_bytes()).expect("gzip");
        let gzipped = encoder.finish().expect("gzip");
        let ingested = read(
            "111122223333_CloudTrail_us-east-1_20261102T0915Z_x.json.gz",
            &gzipped,
        );
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(audit_rows(&ingested), expected(|i| i));
        // The hash and size are those of the file on disk, compressed.
        assert_eq!(ingested.files[0].bytes, gzipped.len() as u64);
    }

    #[test]
    fn concatenated_records_files_number_records_on() {
        let first = format!("{{\"Records\":[{}]}}", RECORDS[..4].join(","));
        let second = format!("{{\"Records\":[{}]}}", RECORDS[4..].join(","));
        let ingested = read("trail.json", format!("{first}\n{second}\n").as_bytes());
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        assert_eq!(audit_rows(&ingested), expected(|i| i));
    }

    #[test]
    fn one_record_a_line_numbers_physical_lines() {
        let content = format!(
            "\u{feff}{}\r\n\r\n{}\r\n",
            RECORDS[..4].join("\r\n"),
            RECORDS[4..].join("\n")
        );
        let ingested = read("trail.ndjson", content.as_bytes());
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        // Lines 1-4, a blank line 5, then lines 6-10.
        assert_eq!(
            audit_rows(&ingested),
            expected(|i| if i < 4 { i + 1 } else { i + 2 })
        );
    }

    #[test]
    fn a_broken_line_is_rejected_and_the_rest_used() {
        let lines = [
            RECORDS[0].to_string(),
            RECORDS[1][..80].to_string(),
            OKTA_LIKE.to_string(),
            RECORDS[2].replace("2026-11-02T10:00:01Z", "yesterday"),
            RECORDS[3].replace(r#""Success""#, r#""Maybe""#),
            "{\"eventVersion\":\"1.08\",\"eventTime\":\"2026-11-02T10:00:00Z\"}".to_string(),
            RECORDS[4].to_string(),
        ];
        let ingested = read("trail.ndjson", lines.join("\n").as_bytes());
        let rejected = rejected(&ingested);
        let numbers: Vec<u64> = rejected.iter().map(|r| r.0).collect();
        // An outcome other than Success/Failure (line 5) is a readable, unsuccessful
        // login (SPEC §4), not a rejected row.
        assert_eq!(numbers, vec![2, 3, 4, 6], "{rejected:?}");
        assert!(rejected[0].1.starts_with("not JSON"), "{rejected:?}");
        assert!(
            rejected[1].1.contains("not a CloudTrail record"),
            "{rejected:?}"
        );
        assert!(rejected[2].1.contains("`yesterday`"), "{rejected:?}");
        assert_eq!(rejected[3].1, "the record has no `eventName`");
        let rows = audit_rows(&ingested);
        let used: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(used, vec![1, 5, 7]);
    }

    #[test]
    fn a_broken_record_in_a_records_file_is_rejected_by_index() {
        let content = format!(
            "{{\"Records\":[{},\"junk\",{},{}]}}",
            RECORDS[0],
            RECORDS[5].replace(r#""userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE","arn":"arn:aws:iam::111122223333:user/Alice","accountId":"111122223333","userName":"Alice"},"#, ""),
            RECORDS[6]
        );
        let ingested = read("trail.json", content.as_bytes());
        let rejected = rejected(&ingested);
        assert_eq!(
            rejected,
            vec![
                (
                    1,
                    "expected a CloudTrail record object, found a string".to_string()
                ),
                (2, "missing required value `actor`".to_string()),
            ]
        );
        let used: Vec<u64> = audit_rows(&ingested).iter().map(|r| r.line).collect();
        assert_eq!(used, vec![0, 3]);
    }

    #[test]
    fn empty_input_is_zero_events() {
        for content in ["", "\n", "{\"Records\":[]}", "{\n  \"Records\": []\n}\n"] {
            let ingested = read("trail.json", content.as_bytes());
            assert!(audit_rows(&ingested).is_empty(), "{content:?}");
            assert!(ingested.rejected.is_empty(), "{content:?}");
        }
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(b"").expect("gzip");
        let gzipped = encoder.finish().expect("gzip");
        assert!(audit_rows(&read("empty.json.gz", &gzipped)).is_empty());
    }

    #[test]
    fn a_file_that_is_not_cloudtrail_stops_the_run_naming_it() {
        let digest = r#"{"awsAccountId":"111122223333","digestStartTime":"2026-11-02T00:00:00Z","digestEndTime":"2026-11-02T01:00:00Z","logFiles":[]}"#;
        let lookup =
            "{\n  \"Events\": [\n    {\"EventId\": \"x\", \"CloudTrailEvent\": \"{}\"}\n  ]\n}\n";
        let cases: [(&str, &[u8], &str); 7] = [
            (
                "okta events",
                OKTA_LIKE.as_bytes(),
                "trail.json:1: not CloudTrail logs",
            ),
            (
                "prometheus",
                PROMETHEUS.as_bytes(),
                "found an object without it",
            ),
            ("digest", digest.as_bytes(), "digest file"),
            ("lookup-events", lookup.as_bytes(), "lookup-events"),
            (
                "broken document",
                b"{\n  \"Records\": [\n    {\"eventName\": \n",
                "trail.json:4: not CloudTrail",
            ),
            ("text", b"ConsoleLogin by root\n", "not JSON"),
            (
                "corrupt gzip",
                &[0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad],
                "cannot read",
            ),
        ];
        for (what, content, detail) in cases {
            let message = fatal(content);
            assert!(
                message.contains("trail.json") && message.contains(detail),
                "{what}: {message}"
            );
        }
    }
}
