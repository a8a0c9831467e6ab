//! The monitoring family: `monitoring.alert_resolution` (SPEC §7) and
//! `monitoring.disk_alerting` (SPEC §15), which reads the `utilization` rows of the
//! capacity family ([`super::capacity::Utilization`]).

pub(super) mod alert_resolution;
pub(super) mod disk_alerting;
