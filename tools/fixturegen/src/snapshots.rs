//! The demo's configuration snapshots (SPEC §16): one export of each kind, in the
//! formats real tools write, with a failing and a stale subject planted in each.
//!
//! - `evidence/config/okta-password-policies.json`: Okta's password policy list
//!   (`GET /api/v1/policies?type=PASSWORD`), fetched 30 Oct: `Staff` meets the default
//!   rules (length 12; upper, lower, symbol); `Contractors` (length 10, no symbol) lacks
//!   two; `Legacy VPN`, from an export of 12 Aug, is stale.
//! - `evidence/config/osquery-<host>.json`: `osqueryi --json` rows of
//!   `disk_encryption`: db-main-01 all encrypted; files-01 with an unencrypted data
//!   disk; backup-01 last exported 28 Aug (stale).
//! - `evidence/config/tls_endpoints.csv`: canonical TLS scan rows: the portal accepts
//!   TLS 1.2 and 1.3 only; the API still accepts TLS 1.1; the status page was last
//!   scanned 2 Sep (stale).
//!
//! The period ends 2026-11-01 00:00 Melbourne (2026-10-31T13:00Z); with the default
//! `snapshot_max_age` of 31 days a snapshot before 2026-09-30T13:00Z is stale.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::config_toml::Input;

pub const DIR: &str = "evidence/config/";
const OKTA: &str = "evidence/config/okta-password-policies.json";
const OKTA_STALE: &str = "evidence/config/okta-password-policies-2026-08.json";
const TLS: &str = "evidence/config/tls_endpoints.csv";

/// The osquery export of each host: (host, observed at, rows).
const DISKS: [(&str, &str, &str); 3] = [
    (
        "db-main-01",
        "2026-10-30T02:00:00+11:00",
        r#"[
  {"encrypted":"1","encryption_status":"encrypted","name":"/dev/dm-0","type":"aes-xts-plain64","uid":"","user_uuid":"","uuid":"3f1c2a9e-6b1d-4f0e-9a57-0c6d1e2b7a10"},
  {"encrypted":"1","encryption_status":"encrypted","name":"/dev/dm-1","type":"aes-xts-plain64","uid":"","user_uuid":"","uuid":"8d2e4b6a-1f3c-4e5d-8b7a-2c9f0e1d3b42"}
]
"#,
    ),
    (
        "files-01",
        "2026-10-30T02:05:00+11:00",
        r#"[
  {"encrypted":"1","encryption_status":"encrypted","name":"/dev/dm-0","type":"aes-xts-plain64","uid":"","user_uuid":"","uuid":"5a7c9e1b-3d2f-4a6b-8c0d-1e2f3a4b5c6d"},
  {"encrypted":"0","encryption_status":"not encrypted","name":"/dev/sdb1","type":"","uid":"","user_uuid":"","uuid":""}
]
"#,
    ),
    (
        "backup-01",
        "2026-08-28T02:00:00+10:00",
        r#"[
  {"encrypted":"1","encryption_status":"encrypted","name":"/dev/dm-0","type":"aes-xts-plain64","uid":"","user_uuid":"","uuid":"9b8a7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"}
]
"#,
    ),
];

const POLICIES: &str = r#"[
  {"id":"00p1staff","status":"ACTIVE","name":"Staff","system":false,"type":"PASSWORD","priority":1,
   "settings":{"password":{"complexity":{"minLength":12,"minLowerCase":1,"minUpperCase":1,"minNumber":1,"minSymbol":1,"excludeUsername":true},
     "age":{"maxAgeDays":0,"historyCount":12},"lockout":{"maxAttempts":5}}}},
  {"id":"00p2contractors","status":"ACTIVE","name":"Contractors","system":false,"type":"PASSWORD","priority":2,
   "settings":{"password":{"complexity":{"minLength":10,"minLowerCase":1,"minUpperCase":1,"minNumber":1,"minSymbol":0,"excludeUsername":true},
     "age":{"maxAgeDays":90,"historyCount":4},"lockout":{"maxAttempts":10}}}}
]
"#;

/// An older export that still names a policy since removed.
const POLICIES_STALE: &str = r#"{"observed_at":"2026-08-12T09:00:00+10:00","policies":[
  {"id":"00p9vpn","status":"ACTIVE","name":"Legacy VPN","system":false,"type":"PASSWORD","priority":3,
   "settings":{"password":{"complexity":{"minLength":14,"minLowerCase":1,"minUpperCase":1,"minNumber":1,"minSymbol":1}}}}
]}
"#;

const TLS_CSV: &str = "observed_at,endpoint,protocol,accepted,cert_not_after
2026-10-30T03:00:00+11:00,portal.southerncross.example:443,TLSv1.0,false,
2026-10-30T03:00:00+11:00,portal.southerncross.example:443,TLSv1.1,false,
2026-10-30T03:00:00+11:00,portal.southerncross.example:443,TLSv1.2,true,2027-01-20T23:59:59Z
2026-10-30T03:00:00+11:00,portal.southerncross.example:443,TLSv1.3,true,2027-01-20T23:59:59Z
2026-10-30T03:00:00+11:00,api.southerncross.example:443,TLSv1.0,false,
2026-10-30T03:00:00+11:00,api.southerncross.example:443,TLSv1.1,true,
2026-10-30T03:00:00+11:00,api.southerncross.example:443,TLSv1.2,true,2027-03-02T23:59:59Z
2026-09-02T03:00:00+10:00,status.southerncross.example:443,TLSv1.2,true,2027-02-01T23:59:59Z
";

/// What each check must find, for the README and the generator's self-check.
pub const EXPECTED: [(&str, &str, &str, &str); 9] = [
    ("access.password_policy", "Contractors", "fail", "2"),
    (
        "access.password_policy",
        "Legacy VPN",
        "fail",
        "stale (12 Aug)",
    ),
    ("access.password_policy", "Staff", "pass", "0"),
    ("crypto.at_rest", "backup-01", "fail", "stale (28 Aug)"),
    ("crypto.at_rest", "db-main-01", "pass", "0"),
    ("crypto.at_rest", "files-01", "fail", "1"),
    (
        "crypto.in_transit",
        "api.southerncross.example:443",
        "fail",
        "1",
    ),
    (
        "crypto.in_transit",
        "portal.southerncross.example:443",
        "pass",
        "0",
    ),
    (
        "crypto.in_transit",
        "status.southerncross.example:443",
        "fail",
        "stale (2 Sep)",
    ),
];

/// Writes the snapshots under `out`.
pub fn write(out: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(out.join(DIR))?;
    let mut files = Vec::new();
    for (path, text) in [
        (OKTA, POLICIES),
        (OKTA_STALE, POLICIES_STALE),
        (TLS, TLS_CSV),
    ] {
        fs::write(out.join(path), text)?;
        files.push(out.join(path));
    }
    for (host, _, rows) in DISKS {
        let path = out.join(format!("{DIR}osquery-{host}.json"));
        fs::write(&path, rows)?;
        files.push(path);
    }
    Ok(files)
}

/// The `[[input]]`s of the snapshots: osquery needs one per host (its rows name none).
pub fn config_inputs() -> String {
    let disk_paths: Vec<String> = DISKS
        .iter()
        .map(|(host, _, _)| format!("{DIR}osquery-{host}.json"))
        .collect();
    let mut inputs = vec![
        Input {
            observed_at: Some("2026-10-30T09:00:00+11:00"),
            ..Input::new("password_policies", "okta", OKTA)
        },
        Input::new("password_policies", "okta", OKTA_STALE),
        Input::new("tls_endpoints", "csv", TLS),
    ];
    for ((host, observed_at, _), path) in DISKS.iter().zip(&disk_paths) {
        inputs.push(Input {
            observed_at: Some(observed_at),
            host: Some(host),
            ..Input::new("disk_encryption", "osquery", path)
        });
    }
    crate::config_toml::inputs(&inputs)
}

/// The README's section on the snapshots.
pub fn readme_section() -> String {
    let mut s = String::from(
        "\n## Configuration snapshots (SPEC §16)\n\n\
         States, not events: each is proved by the newest snapshot a tool exported by the \
         period's end (2026-10-31T13:00Z); one older than 31 days fails whatever it says. \
         `evidence/config/` holds Okta's password policy list (two exports), one \
         `osqueryi --json` export of `disk_encryption` per host, and canonical TLS scan rows.\n\n\
         | check | subject | status | measured |\n|---|---|---|---|\n",
    );
    for (check, subject, status, measured) in EXPECTED {
        s.push_str(&format!(
            "| `{check}` | {subject} | {status} | {measured} |\n"
        ));
    }
    s
}
