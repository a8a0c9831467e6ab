//! The canonical tables of SPEC §4: their columns, types and which are required.

use crate::config::InputKind;
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Text,
    /// An RFC 3339 instant; stored as UTC milliseconds.
    Time,
    Bool,
    Int,
    Float,
}

#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    pub name: &'static str,
    pub ty: ValueType,
    pub required: bool,
    /// Allowed values (lower case) for enumerated text columns.
    pub allowed: Option<&'static [&'static str]>,
}

const fn req(name: &'static str, ty: ValueType) -> ColumnSpec {
    ColumnSpec {
        name,
        ty,
        required: true,
        allowed: None,
    }
}

const fn opt(name: &'static str, ty: ValueType) -> ColumnSpec {
    ColumnSpec {
        name,
        ty,
        required: false,
        allowed: None,
    }
}

const fn one_of(name: &'static str, allowed: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        ty: ValueType::Text,
        required: true,
        allowed: Some(allowed),
    }
}

/// An optional text column with allowed values.
const fn opt_one_of(name: &'static str, allowed: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        required: false,
        ..one_of(name, allowed)
    }
}

use ValueType::{Bool, Float, Int, Text, Time};

const OUTCOMES: &[&str] = &["success", "failure"];
/// An audit `outcome` other than success or failure (`denied`, Okta's `DENY`, …) is a
/// readable, unsuccessful event (SPEC §4), so the column takes any text.
const BACKUP_STATUSES: &[&str] = &["success", "failed", "partial"];

const AUDIT: &[ColumnSpec] = &[
    req("time", Time),
    req("actor", Text),
    req("action", Text),
    req("outcome", Text),
    opt("role", Text),
    opt("tenant", Text),
    opt("mfa", Bool),
    opt("target", Text),
    opt("ticket", Text),
    opt("ip", Text),
    opt("event_id", Text),
    opt("prev_hash", Text),
];

const LEAVERS: &[ColumnSpec] = &[req("actor", Text), req("left_at", Time), opt("role", Text)];

const BACKUPS: &[ColumnSpec] = &[
    req("source", Text),
    req("started_at", Time),
    one_of("status", BACKUP_STATUSES),
    opt("finished_at", Time),
    opt("snapshot_id", Text),
    opt("repository", Text),
    opt("region", Text),
    opt("encrypted", Bool),
    opt("size_bytes", Int),
    opt("expired_at", Time),
    opt("tenant", Text),
];

const RESTORE_TESTS: &[ColumnSpec] = &[
    req("source", Text),
    req("tested_at", Time),
    one_of("outcome", OUTCOMES),
    opt("snapshot_id", Text),
    opt("duration_seconds", Float),
    opt("reference", Text),
];

const PROBES: &[ColumnSpec] = &[
    req("time", Time),
    req("service", Text),
    req("up", Bool),
    opt("location", Text),
    opt("latency_ms", Float),
];

const MAINTENANCE: &[ColumnSpec] = &[
    req("service", Text),
    req("start", Time),
    req("end", Time),
    opt("announced_at", Time),
    opt("reference", Text),
];

const ALERTS: &[ColumnSpec] = &[
    req("alert", Text),
    req("target", Text),
    req("started_at", Time),
    opt("severity", Text),
    opt("resolved_at", Time),
    opt("acknowledged_at", Time),
];

/// SPEC §15. `cluster` defaults to `default` and `mount` (for `disk`) to `/`; the
/// checks apply the defaults, so the table keeps what the file said.
const UTILIZATION: &[ColumnSpec] = &[
    req("time", Time),
    req("host", Text),
    req("resource", Text),
    req("used_percent", Float),
    opt("cluster", Text),
    opt("mount", Text),
];

/// SPEC §16: configuration snapshots. A requirement column left empty is a requirement
/// the policy does not have.
const PASSWORD_POLICIES: &[ColumnSpec] = &[
    req("observed_at", Time),
    req("policy", Text),
    opt("min_length", Int),
    opt("require_upper", Bool),
    opt("require_lower", Bool),
    opt("require_digit", Bool),
    opt("require_symbol", Bool),
];

const DISK_ENCRYPTION: &[ColumnSpec] = &[
    req("observed_at", Time),
    req("host", Text),
    req("volume", Text),
    req("encrypted", Bool),
    opt("method", Text),
];

/// The canonical `protocol` values (SPEC §16), oldest first; compared case-insensitively.
pub const TLS_PROTOCOLS: &[&str] = &["sslv2", "sslv3", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"];

/// A row says whether one protocol is accepted, or (without `protocol`) only when the
/// endpoint's certificate expires; a row may say both.
const TLS_ENDPOINTS: &[ColumnSpec] = &[
    req("observed_at", Time),
    req("endpoint", Text),
    opt_one_of("protocol", TLS_PROTOCOLS),
    opt("accepted", Bool),
    opt("cert_not_after", Time),
];

/// The `resource` whose samples have a `mount` (SPEC §15).
pub const DISK_RESOURCE: &str = "disk";
/// The `cluster` of a utilization row without one.
pub const DEFAULT_CLUSTER: &str = "default";
/// The `mount` of a `disk` row without one.
pub const DEFAULT_MOUNT: &str = "/";

/// The columns of a canonical table, required first.
pub fn columns(kind: InputKind) -> &'static [ColumnSpec] {
    match kind {
        InputKind::Audit => AUDIT,
        InputKind::Leavers => LEAVERS,
        InputKind::Backups => BACKUPS,
        InputKind::RestoreTests => RESTORE_TESTS,
        InputKind::Probes => PROBES,
        InputKind::Maintenance => MAINTENANCE,
        InputKind::Alerts => ALERTS,
        InputKind::Utilization => UTILIZATION,
        InputKind::PasswordPolicies => PASSWORD_POLICIES,
        InputKind::DiskEncryption => DISK_ENCRYPTION,
        InputKind::TlsEndpoints => TLS_ENDPOINTS,
    }
}

/// Every canonical table also carries where each row came from, for evidence.
pub const PATH_COLUMN: &str = "_path";
pub const LINE_COLUMN: &str = "_line";

/// The rejection reason for a row without a value its kind requires.
pub fn missing_required(name: &str) -> String {
    format!("missing required value `{name}`")
}

/// Whether a whole NDJSON file is the declared format (SPEC §12): not when no line is a
/// JSON object (`first_failure` says why the first one is not), nor when no record has
/// a required field (`missing`). An empty file is normal input.
pub fn ndjson_verdict(
    path: &std::path::Path,
    kind: InputKind,
    objects: u64,
    first_failure: Option<(u64, String)>,
    missing: &[&str],
) -> Result<(), Error> {
    if objects == 0 {
        return match first_failure {
            Some((line, reason)) => Err(Error::input(
                path,
                Some(line),
                format!("not NDJSON (no line is a JSON object): {reason}"),
            )),
            None => Ok(()),
        };
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::input(
        path,
        None,
        format!(
            "not canonical `{}` NDJSON: no record has the required fields {}",
            kind.as_str(),
            missing.join(", ")
        ),
    ))
}
