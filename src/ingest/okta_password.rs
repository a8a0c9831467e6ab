//! Okta password policies → canonical `password_policies` rows (SPEC §16).
//!
//! Reads the list `GET /api/v1/policies?type=PASSWORD` returns: a JSON array of Policy
//! objects. Okta does not say when the list was fetched, so `observed_at` is the input
//! entry's; a file may instead be an object `{"observed_at": "<RFC 3339>", "policies":
//! [...]}` (what an export script that stamps its fetch writes), whose key applies when
//! the entry gives none. Neither: the run stops naming the file (a snapshot without a
//! time proves nothing). Each policy is one row:
//!
//! | canonical | from |
//! |---|---|
//! | `policy` | `name` (SPEC §16: the subject) |
//! | `min_length` | `settings.password.complexity.minLength` |
//! | `require_upper` | `minUpperCase` ≥ 1 |
//! | `require_lower` | `minLowerCase` ≥ 1 |
//! | `require_digit` | `minNumber` ≥ 1 |
//! | `require_symbol` | `minSymbol` ≥ 1 |
//!
//! Every policy counts, `ACTIVE` or not (SPEC names no exception). A policy of another
//! `type`, without a `name`, or with a complexity value that is not a whole number ≥ 0
//! is rejected with its 0-based index; a missing complexity value is a requirement the
//! policy does not have. A document that is not such a list (an Okta error object, a
//! System Log array) stops the run naming the file. An empty file or `[]` is zero rows.

use std::io::Read;

use chrono::{DateTime, SecondsFormat};
use serde_json::Value;

use super::canonical::Sink;
use super::document::{self, at, describe};
use super::values::Raw;
use super::FileStats;
use crate::config::Input;
use crate::error::Error;

const EXPECTED: &str = "Okta password policies (`GET /api/v1/policies?type=PASSWORD`)";

pub fn read(reader: impl Read, input: &Input, sink: &mut Sink<'_>) -> Result<FileStats, Error> {
    let mut stats = FileStats::default();
    let Some(document) = document::read(reader, sink, EXPECTED)? else {
        return Ok(stats);
    };
    let (policies, stamped) = match &document {
        Value::Array(policies) => (policies, None),
        Value::Object(root) => match (root.get("policies"), root.get("observed_at")) {
            (Some(Value::Array(policies)), stamp) => (policies, stamp.and_then(Value::as_str)),
            _ => {
                let why = match (root.get("errorCode"), root.get("errorSummary")) {
                    (Some(code), Some(summary)) => format!(
                        "an Okta error: {} {}",
                        code.as_str().unwrap_or_default(),
                        summary.as_str().unwrap_or_default()
                    ),
                    _ => "an object without a `policies` array".to_string(),
                };
                return Err(sink.fatal(None, format!("not {EXPECTED}: {why}")));
            }
        },
        other => {
            return Err(sink.fatal(
                None,
                format!(
                    "not {EXPECTED}: expected a JSON array, found {}",
                    describe(other)
                ),
            ))
        }
    };
    if !policies.is_empty() && !policies.iter().any(is_policy) {
        return Err(sink.fatal(
            None,
            format!("not {EXPECTED}: no element is a policy (`type`, `name`, `settings`)"),
        ));
    }
    let observed_at = match (input.observed_at, stamped) {
        (Some(at), _) => DateTime::from_timestamp_millis(at)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
            .unwrap_or_default(),
        (None, Some(stamp)) => stamp.to_string(),
        (None, None) if policies.is_empty() => return Ok(stats),
        (None, None) => {
            return Err(sink.fatal(
                None,
                "Okta's policy list does not say when it was fetched: give the input \
                 `observed_at`, or the file an `observed_at` key beside `policies`",
            ))
        }
    };
    for (index, policy) in policies.iter().enumerate() {
        let index = index as u64;
        match row(policy) {
            Ok(row) => {
                let flag = |n: Option<i64>| n.map(|n| Raw::Bool(n >= 1));
                let length = row.min_length.map(|n| n.to_string());
                let fields: Vec<(&str, Raw<'_>)> = [
                    Some(("observed_at", Raw::Text(&observed_at))),
                    Some(("policy", Raw::Text(row.name))),
                    length.as_deref().map(|l| ("min_length", Raw::Text(l))),
                    flag(row.upper).map(|f| ("require_upper", f)),
                    flag(row.lower).map(|f| ("require_lower", f)),
                    flag(row.digit).map(|f| ("require_digit", f)),
                    flag(row.symbol).map(|f| ("require_symbol", f)),
                ]
                .into_iter()
                .flatten()
                .collect();
                sink.push_fields(index, &fields, &mut stats);
            }
            Err(reason) => sink.reject(index, reason, &mut stats),
        }
    }
    Ok(stats)
}

fn is_policy(value: &Value) -> bool {
    value.get("type").is_some() && value.get("name").is_some() && value.get("settings").is_some()
}

/// What one policy requires.
struct Row<'a> {
    name: &'a str,
    min_length: Option<i64>,
    upper: Option<i64>,
    lower: Option<i64>,
    digit: Option<i64>,
    symbol: Option<i64>,
}

fn row(policy: &Value) -> Result<Row<'_>, String> {
    if !policy.is_object() {
        return Err(format!(
            "expected a policy object, found {}",
            describe(policy)
        ));
    }
    match policy.get("type").and_then(Value::as_str) {
        Some("PASSWORD") => {}
        Some(other) => return Err(format!("a policy of type `{other}`, not `PASSWORD`")),
        None => return Err("a policy without `type`".to_string()),
    }
    let name = policy
        .get("name")
        .and_then(Value::as_str)
        .filter(|name| !name.trim().is_empty())
        .ok_or("a policy without a `name`")?;
    let complexity = |key: &str| -> Result<Option<i64>, String> {
        match at(policy, &["settings", "password", "complexity", key]) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value.as_i64().filter(|n| *n >= 0).map(Some).ok_or_else(|| {
                format!(
                    "`complexity.{key}` is {}, not a whole number ≥ 0",
                    describe(value)
                )
            }),
        }
    };
    Ok(Row {
        name,
        min_length: complexity("minLength")?,
        upper: complexity("minUpperCase")?,
        lower: complexity("minLowerCase")?,
        digit: complexity("minNumber")?,
        symbol: complexity("minSymbol")?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::document::testing::{bools, ingest_input, ints, rejected, table, texts};
    use crate::config::InputKind;

    /// The Policy objects as Okta's Policy API documents them (trimmed of `_links`).
    const POLICIES: &str = r#"[
  {"id":"00p1","status":"ACTIVE","name":"Default Policy","system":true,"type":"PASSWORD","priority":2,
   "conditions":{"people":{"groups":{"include":["00g1"]}},"authProvider":{"provider":"OKTA"}},
   "settings":{"password":{"complexity":{"minLength":8,"minLowerCase":1,"minUpperCase":1,"minNumber":1,"minSymbol":0,
     "excludeUsername":true,"dictionary":{"common":{"exclude":false}},"excludeAttributes":[]},
     "age":{"maxAgeDays":0,"expireWarnDays":0,"minAgeMinutes":0,"historyCount":4},
     "lockout":{"maxAttempts":10,"autoUnlockMinutes":0,"showLockoutFailures":false}},
     "recovery":{"factors":{}},"delegation":{"options":{"skipUnlock":false}}}},
  {"id":"00p2","status":"ACTIVE","name":"Staff","system":false,"type":"PASSWORD","priority":1,
   "settings":{"password":{"complexity":{"minLength":14,"minLowerCase":1,"minUpperCase":1,"minNumber":1,"minSymbol":1}}}}
]"#;

    fn ingest(content: &str, extra: &str) -> crate::ingest::Ingested {
        ingest_input(
            "password_policies",
            "policies.json",
            content.as_bytes(),
            "okta",
            extra,
        )
        .expect("ingest")
    }

    #[test]
    fn each_policy_is_a_row_with_its_requirements() {
        let ingested = ingest(POLICIES, "observed_at = \"2026-10-30T08:00:00+11:00\"\n");
        assert!(ingested.rejected.is_empty(), "{:?}", ingested.rejected);
        let frame = table(&ingested, InputKind::PasswordPolicies);
        assert_eq!(
            texts(frame, "policy"),
            [
                Some("Default Policy".to_string()),
                Some("Staff".to_string())
            ]
        );
        assert_eq!(ints(frame, "min_length"), [Some(8), Some(14)]);
        assert_eq!(bools(frame, "require_symbol"), [Some(false), Some(true)]);
        assert_eq!(bools(frame, "require_upper"), [Some(true), Some(true)]);
        // 08:00 +11:00 is 21:00 UTC the day before.
        assert_eq!(
            ints(frame, "observed_at"),
            [Some(1_793_307_600_000), Some(1_793_307_600_000)]
        );
    }

    #[test]
    fn a_stamped_export_carries_its_own_time() {
        let content =
            format!("{{\"observed_at\":\"2026-10-29T00:00:00Z\",\"policies\":{POLICIES}}}");
        let ingested = ingest(&content, "");
        let frame = table(&ingested, InputKind::PasswordPolicies);
        assert_eq!(ints(frame, "observed_at")[0], Some(1_793_232_000_000));
    }

    #[test]
    fn bad_policies_are_rejected_by_index_and_foreign_documents_stop_the_run() {
        let content = r#"[
  {"type":"PASSWORD","name":"ok","settings":{"password":{"complexity":{"minLength":12}}}},
  {"type":"OKTA_SIGN_ON","name":"sign-on","settings":{}},
  {"type":"PASSWORD","name":"bad","settings":{"password":{"complexity":{"minLength":"twelve"}}}}
]"#;
        let ingested = ingest(content, "observed_at = \"2026-10-30T00:00:00Z\"\n");
        assert_eq!(table(&ingested, InputKind::PasswordPolicies).height(), 1);
        let reasons = rejected(&ingested);
        assert_eq!(reasons[0].0, 1);
        assert!(reasons[0].1.contains("type `OKTA_SIGN_ON`"), "{reasons:?}");
        assert_eq!(reasons[1].0, 2);
        assert!(reasons[1].1.contains("minLength"), "{reasons:?}");

        let fatal = |content: &str, extra: &str| {
            ingest_input(
                "password_policies",
                "policies.json",
                content.as_bytes(),
                "okta",
                extra,
            )
            .expect_err("fatal")
            .to_string()
        };
        let error = fatal(
            r#"{"errorCode":"E0000011","errorSummary":"Invalid token provided"}"#,
            "observed_at = \"2026-10-30T00:00:00Z\"\n",
        );
        assert!(
            error.contains("policies.json") && error.contains("E0000011"),
            "{error}"
        );
        let error = fatal(POLICIES, "");
        assert!(
            error.contains("does not say when it was fetched"),
            "{error}"
        );
        let error = fatal(
            r#"[{"uuid":"1","published":"2026-10-01T00:00:00Z","eventType":"user.session.start"}]"#,
            "observed_at = \"2026-10-30T00:00:00Z\"\n",
        );
        assert!(error.contains("no element is a policy"), "{error}");
    }
}
