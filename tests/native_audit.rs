//! Whole reports over the native audit formats (issue: every native format through a
//! whole report): CloudTrail (a gzip `{"Records": […]}` file as S3 holds it, and one
//! record a line) and Okta's System Log (an `/api/v1/logs` array). The records follow
//! the shapes of AWS's and Okta's own documentation (no real tenant's logs are public);
//! the figures are worked out here by hand from them.
//!
//! Decisions these pin down (SPEC §4 and §7 "Access and logging, exactly"):
//! - CloudTrail's actor is the IAM user's name, an assumed role's session name, or
//!   `root`; the role is an assumed role's name or `root` (an IAM user has none);
//!   `DeleteLoginProfile`/`DeleteUser` deactivate their `requestParameters.userName`,
//!   `CreateLoginProfile` reactivates it (console access given back), and a call with an
//!   `errorCode` is unsuccessful and changes nothing.
//! - Okta: only `user.session.impersonation.initiate` and `.grant` are support access
//!   (`.end` and `.extend` are not a new entry); `user.lifecycle.suspend` deactivates and
//!   `.unsuspend` reactivates; an outcome other than `SUCCESS` (`DENY`, `ALLOW`,
//!   `UNKNOWN`) is kept and unsuccessful. Okta events carry no role, so `access.mfa`
//!   (which judges logins by role) has no Okta subject.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};

use common::{auditpack, read_csv};

type Findings = HashMap<(String, String), HashMap<String, String>>;

/// `report` for 2026-11-02 (UTC) on `config` in `dir`: findings by (check, subject)
/// and inputs.csv.
fn report(dir: &Path, config: &str) -> (Findings, Vec<HashMap<String, String>>) {
    let path = dir.join("auditpack.toml");
    std::fs::write(&path, config).expect("config");
    let out = dir.join("pack");
    let args = [
        "--quiet",
        "report",
        "--config",
        path.to_str().expect("utf-8"),
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-02",
        "--out",
        out.to_str().expect("utf-8"),
    ];
    let output = auditpack(&args, &[("SOURCE_DATE_EPOCH", "1793491200")]);
    assert!(matches!(output.code, 0 | 1), "{}", output.stderr);
    let findings = read_csv(&out.join("findings.csv"))
        .into_iter()
        .map(|row| ((row["check_id"].clone(), row["subject"].clone()), row))
        .collect();
    (findings, read_csv(&out.join("inputs.csv")))
}

fn row<'a>(findings: &'a Findings, check: &str, subject: &str) -> &'a HashMap<String, String> {
    findings
        .get(&(check.to_string(), subject.to_string()))
        .unwrap_or_else(|| panic!("no {check} row for {subject}"))
}

fn subjects(findings: &Findings, check: &str) -> Vec<String> {
    let mut subjects: Vec<String> = findings
        .keys()
        .filter(|(c, _)| c == check)
        .map(|(_, s)| s.clone())
        .collect();
    subjects.sort();
    subjects
}

const ACCOUNT: &str = "111122223333";

fn iam_user(name: &str) -> Value {
    json!({
        "type": "IAMUser",
        "principalId": "AIDACKCEVSQ6C2EXAMPLE",
        "arn": format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
        "accountId": ACCOUNT,
        "userName": name,
    })
}

fn assumed_role(role: &str, session: &str) -> Value {
    json!({
        "type": "AssumedRole",
        "principalId": format!("AROAIDPPEZS35WEXAMPLE:{session}"),
        "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}"),
        "accountId": ACCOUNT,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAIDPPEZS35WEXAMPLE",
                "arn": format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
                "accountId": ACCOUNT,
                "userName": role,
            },
            "attributes": { "creationDate": "2026-11-02T00:00:00Z", "mfaAuthenticated": "false" },
        },
    })
}

fn root() -> Value {
    json!({
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": format!("arn:aws:iam::{ACCOUNT}:root"),
        "accountId": ACCOUNT,
    })
}

fn console_login(id: &str, time: &str, identity: Value, result: &str, mfa: &str) -> Value {
    json!({
        "eventVersion": "1.08",
        "userIdentity": identity,
        "eventTime": time,
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "Mozilla/5.0",
        "requestParameters": null,
        "responseElements": { "ConsoleLogin": result },
        "additionalEventData": {
            "LoginTo": "https://console.aws.amazon.com/console/home",
            "MobileVersion": "No",
            "MFAUsed": mfa,
        },
        "eventID": id,
        "eventType": "AwsConsoleSignIn",
        "recipientAccountId": ACCOUNT,
    })
}

fn iam_call(id: &str, time: &str, name: &str, target: &str, error: Option<&str>) -> Value {
    let mut record = json!({
        "eventVersion": "1.08",
        "userIdentity": iam_user("Mary_Major"),
        "eventTime": time,
        "eventSource": "iam.amazonaws.com",
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.13.0",
        "requestParameters": { "userName": target },
        "responseElements": null,
        "eventID": id,
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT,
    });
    if let Some(code) = error {
        record["errorCode"] = json!(code);
        record["errorMessage"] = json!("User is not authorized to perform this action");
    }
    record
}

const LEAVERS: &str = "actor,left_at,role\n\
                       leaver1,2026-11-01T06:00:00Z,support\n\
                       leaver2,2026-11-01T09:00:00Z,support\n\
                       ghost,2026-11-01T12:00:00Z,admin\n";

#[test]
fn cloudtrail_through_a_whole_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    // As S3 delivers it: one gzip-compressed `Records` document.
    let records = json!({ "Records": [
        console_login("e1", "2026-11-02T09:14:10Z", iam_user("Mary_Major"), "Failure", "No"),
        console_login("e2", "2026-11-02T09:15:00Z", iam_user("Mary_Major"), "Success", "Yes"),
        console_login("e3", "2026-11-02T10:00:01Z", assumed_role("SupportAdmin", "jdoe@example.com"), "Success", "No"),
        console_login("e4", "2026-11-02T11:00:00Z", assumed_role("SupportAdmin", "asmith@example.com"), "Success", "Yes"),
        console_login("e5", "2026-11-02T08:00:00Z", root(), "Success", "Yes"),
        iam_call("e6", "2026-11-02T12:00:00Z", "DeleteLoginProfile", "leaver1", None),
        iam_call("e7", "2026-11-02T12:30:00Z", "DeleteUser", "ghost", Some("AccessDenied")),
        iam_call("e8", "2026-11-02T14:00:00Z", "DeleteUser", "ghost", None),
    ]});
    let file = std::fs::File::create(
        dir.path()
            .join("111122223333_CloudTrail_us-east-1_20261102T1200Z_a.json.gz"),
    )
    .expect("create");
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    gz.write_all(serde_json::to_string(&records).expect("JSON").as_bytes())
        .expect("write");
    gz.finish().expect("gzip");
    // As a SIEM exports it: one record a line.
    let lines = [
        console_login(
            "e9",
            "2026-11-02T13:00:00Z",
            iam_user("leaver2"),
            "Success",
            "Yes",
        ),
        iam_call(
            "e10",
            "2026-11-02T15:00:00Z",
            "CreateLoginProfile",
            "leaver1",
            None,
        ),
    ];
    let ndjson: String = lines.iter().map(|record| format!("{record}\n")).collect();
    std::fs::write(dir.path().join("cloudtrail.ndjson"), ndjson).expect("write");
    std::fs::write(dir.path().join("leavers.csv"), LEAVERS).expect("write");
    let config = r#"[organisation]
name = "Native Audit"
timezone = "UTC"
primary_region = "us-east-1"

[policy]
mfa_required_roles = ["SupportAdmin", "root"]

[[input]]
kind = "audit"
format = "cloudtrail"
path = "111122223333_CloudTrail_us-east-1_20261102T1200Z_a.json.gz"

[[input]]
kind = "audit"
format = "cloudtrail"
path = "cloudtrail.ndjson"

[[input]]
kind = "leavers"
format = "csv"
path = "leavers.csv"
"#;
    let (findings, inputs) = report(dir.path(), config);
    let rows: Vec<(&str, &str, &str)> = inputs
        .iter()
        .map(|r| {
            (
                r["path"].as_str(),
                r["rows"].as_str(),
                r["rejected_rows"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "111122223333_CloudTrail_us-east-1_20261102T1200Z_a.json.gz",
                "8",
                "0"
            ),
            ("cloudtrail.ndjson", "2", "0"),
            ("leavers.csv", "3", "0"),
        ]
    );

    // MFA: the assumed-role sessions and root, by their role; the IAM user has none.
    assert_eq!(
        subjects(&findings, "access.mfa"),
        ["asmith@example.com", "jdoe@example.com", "root"]
    );
    let mfa = |subject: &str| {
        let r = row(&findings, "access.mfa", subject);
        (r["status"].clone(), r["measured"].clone())
    };
    assert_eq!(
        mfa("jdoe@example.com"),
        ("fail".to_string(), "1".to_string())
    );
    assert_eq!(
        mfa("asmith@example.com"),
        ("pass".to_string(), "0".to_string())
    );
    assert_eq!(mfa("root"), ("pass".to_string(), "0".to_string()));

    // leaver1: console access removed 30 h after leaving, given back at 15:00, so still
    // active at the period end: 42 h. leaver2: never deactivated (39 h) and logged in at
    // 13:00. ghost: the denied DeleteUser changed nothing; the 14:00 one did (26 h).
    let hours =
        |subject: &str| row(&findings, "access.leaver_deactivation", subject)["measured"].clone();
    assert_eq!(hours("leaver1"), "42.00");
    assert_eq!(hours("leaver2"), "39.00");
    assert_eq!(hours("ghost"), "26.00");
    let logins = |subject: &str| row(&findings, "access.leaver_login", subject)["measured"].clone();
    assert_eq!(logins("leaver2"), "1");
    assert_eq!(logins("leaver1"), "0");
    assert_eq!(logins("ghost"), "0");
}

#[allow(clippy::too_many_arguments)]
fn okta_event(
    uuid: &str,
    published: &str,
    event_type: &str,
    actor: &str,
    result: &str,
    session: Option<&str>,
    target: Option<&str>,
    debug_data: Value,
) -> Value {
    json!({
        "actor": { "id": "00u1qw1mqitPHM8AJ0g7", "type": "User", "alternateId": actor, "displayName": "Staff" },
        "client": { "ipAddress": "203.0.113.9", "device": "Computer" },
        "authenticationContext": { "externalSessionId": session },
        "displayMessage": "",
        "eventType": event_type,
        "outcome": { "result": result, "reason": null },
        "published": published,
        "severity": "INFO",
        "debugContext": { "debugData": debug_data },
        "transaction": { "type": "WEB", "id": "Wn4f-0RQ8D8lTSLkAmkKdQAADqo" },
        "uuid": uuid,
        "version": "0",
        "target": target.map(|t| json!([{ "id": "00u1t7x9hJkqzZ8Jl0h8", "type": "User", "alternateId": t, "displayName": "Target" }])),
    })
}

#[test]
fn okta_through_a_whole_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = |hh: &str| format!("2026-11-02T{hh}:00:00.000Z");
    let none = json!({});
    let events = json!([
        okta_event(
            "u1",
            &t("09"),
            "user.session.start",
            "ana@example.com",
            "SUCCESS",
            Some("102a"),
            None,
            none.clone()
        ),
        okta_event(
            "u2",
            &t("09"),
            "user.authentication.auth_via_mfa",
            "ana@example.com",
            "SUCCESS",
            Some("102a"),
            None,
            json!({"factor": "OKTA_VERIFY_PUSH"})
        ),
        // leaver1 suspended 10:00 (28 h after leaving), unsuspended 11:00, suspended
        // again 16:00: 34 h; a login at 12:00 while active again.
        okta_event(
            "u3",
            &t("10"),
            "user.lifecycle.suspend",
            "admin@example.com",
            "SUCCESS",
            None,
            Some("leaver1"),
            none.clone()
        ),
        okta_event(
            "u4",
            &t("11"),
            "user.lifecycle.unsuspend",
            "admin@example.com",
            "SUCCESS",
            None,
            Some("leaver1"),
            none.clone()
        ),
        okta_event(
            "u5",
            &t("12"),
            "user.session.start",
            "leaver1",
            "SUCCESS",
            Some("102c"),
            None,
            none.clone()
        ),
        okta_event(
            "u6",
            &t("16"),
            "user.lifecycle.deactivate",
            "admin@example.com",
            "SUCCESS",
            None,
            Some("leaver1"),
            none.clone()
        ),
        // leaver2's deactivation was denied: still active at the end (39 h); a login
        // attempt DENY is not a login.
        okta_event(
            "u7",
            &t("10"),
            "user.lifecycle.deactivate",
            "admin@example.com",
            "DENY",
            None,
            Some("leaver2"),
            none.clone()
        ),
        okta_event(
            "u8",
            &t("13"),
            "user.session.start",
            "leaver2",
            "DENY",
            Some("102d"),
            None,
            none.clone()
        ),
        // ghost: deactivated at 12:00 (24 h: exactly the limit); an ALLOW result is not a success.
        okta_event(
            "u9",
            &t("12"),
            "user.lifecycle.deactivate",
            "admin@example.com",
            "SUCCESS",
            None,
            Some("ghost"),
            none.clone()
        ),
        okta_event(
            "u10",
            &t("13"),
            "user.session.start",
            "ghost",
            "ALLOW",
            Some("102e"),
            None,
            none.clone()
        ),
        // Support access: initiate with a ticket, grant without; end is not an entry.
        okta_event(
            "u11",
            &t("14"),
            "user.session.impersonation.initiate",
            "support@example.com",
            "SUCCESS",
            None,
            Some("cust@coastal.example"),
            json!({"supportTicketId": "CS-4711"})
        ),
        okta_event(
            "u12",
            &t("15"),
            "user.session.impersonation.grant",
            "support@example.com",
            "SUCCESS",
            None,
            Some("cust@coastal.example"),
            none.clone()
        ),
        okta_event(
            "u13",
            &t("15"),
            "user.session.impersonation.end",
            "support@example.com",
            "SUCCESS",
            None,
            Some("cust@coastal.example"),
            none.clone()
        ),
    ]);
    std::fs::write(
        dir.path().join("okta-logs.json"),
        serde_json::to_string_pretty(&events).expect("JSON"),
    )
    .expect("write");
    std::fs::write(dir.path().join("leavers.csv"), LEAVERS).expect("write");
    let config = r#"[organisation]
name = "Native Audit"
timezone = "UTC"
primary_region = "us-east-1"

[[input]]
kind = "audit"
format = "okta"
path = "okta-logs.json"
tenant = "coastal-care"

[[input]]
kind = "leavers"
format = "csv"
path = "leavers.csv"
"#;
    let (findings, inputs) = report(dir.path(), config);
    let okta = inputs
        .iter()
        .find(|r| r["path"] == "okta-logs.json")
        .expect("listed");
    assert_eq!(okta["rows"], "13");
    assert_eq!(okta["rejected_rows"], "0");

    // Okta carries no role: no access.mfa subject comes from it.
    assert!(
        subjects(&findings, "access.mfa").iter().all(|s| s == "*"),
        "{:?}",
        subjects(&findings, "access.mfa")
    );
    let hours =
        |subject: &str| row(&findings, "access.leaver_deactivation", subject)["measured"].clone();
    assert_eq!(hours("leaver1"), "34.00");
    assert_eq!(hours("leaver2"), "39.00");
    assert_eq!(hours("ghost"), "24.00");
    assert_eq!(
        row(&findings, "access.leaver_deactivation", "ghost")["status"],
        "pass"
    );
    let logins = |subject: &str| row(&findings, "access.leaver_login", subject)["measured"].clone();
    assert_eq!(logins("leaver1"), "1");
    assert_eq!(logins("leaver2"), "0");
    assert_eq!(logins("ghost"), "0");

    // Two entries into coastal-care's tenant, one without a ticket.
    let support = row(&findings, "access.support_ticket", "coastal-care");
    assert_eq!(support["measured"], "1", "{support:?}");
    assert_eq!(support["status"], "fail");
}
