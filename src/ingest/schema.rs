//! The canonical tables of SPEC §4: their columns, types and which are required.

use crate::config::InputKind;

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
    }
}

/// Every canonical table also carries where each row came from, for evidence.
pub const PATH_COLUMN: &str = "_path";
pub const LINE_COLUMN: &str = "_line";

/// The rejection reason for a row without a value its kind requires.
pub fn missing_required(name: &str) -> String {
    format!("missing required value `{name}`")
}

/// Rules across the columns of one row, beyond each value's type.
pub fn check_row(kind: InputKind, values: &[super::values::Value]) -> Result<(), String> {
    use super::values::Value;
    let time_of = |name: &str| {
        columns(kind)
            .iter()
            .position(|spec| spec.name == name)
            .and_then(|i| match values.get(i) {
                Some(Value::Time(t)) => Some(*t),
                _ => None,
            })
    };
    let ordered = |first: &str, second: &str| match (time_of(first), time_of(second)) {
        (Some(a), Some(b)) if b < a => Err(format!("`{second}` is before `{first}`")),
        _ => Ok(()),
    };
    match kind {
        InputKind::Maintenance => match (time_of("start"), time_of("end")) {
            (Some(start), Some(end)) if end <= start => {
                Err("`end` is not after `start`".to_string())
            }
            _ => Ok(()),
        },
        InputKind::Backups => ordered("started_at", "finished_at"),
        InputKind::Alerts => ordered("started_at", "resolved_at"),
        _ => Ok(()),
    }
}
