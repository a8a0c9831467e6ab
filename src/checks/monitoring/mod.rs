//! The monitoring family: `monitoring.alert_resolution` (SPEC §7).

pub(super) mod alert_resolution;
