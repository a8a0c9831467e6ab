//! The demo organisation's fixed facts: its name, time zone, primary region and
//! the period the demo is about (2026-10 in Australia/Melbourne).
//!
//! A leaf: the demo's parts (access, backups, controls, the README) all read these
//! here, so none of them imports `demo.rs`, which assembles them. Nothing here
//! depends on the seed.

use crate::time::utc;

pub const ORGANISATION: &str = "Southern Cross Hosting Pty Ltd";
pub const TIMEZONE: &str = "Australia/Melbourne";
pub const PRIMARY_REGION: &str = "au-southeast-1";

/// The period 2026-10 in Australia/Melbourne: local midnight 1 Oct (AEST) to
/// local midnight 1 Nov (AEDT), 743 hours because of the DST start on 4 Oct.
pub fn period() -> (i64, i64) {
    (utc(2026, 9, 30, 14, 0), utc(2026, 10, 31, 13, 0))
}
