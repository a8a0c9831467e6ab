//! A year of sparse probe history for `uptime.trailing_availability` (SPEC §15):
//! `evidence/probes-history/<service>.csv`, a second `probes` input.
//!
//! The trailing window is the 12 Melbourne calendar months ending with the period,
//! from 2025-11-01 00:00 local. The history covers it up to where the month's probe
//! files begin (2026-09-30T12:00Z), so the two inputs never overlap. It is sparse on
//! purpose, to keep the demo small: one sample every 5 min (a long-term store
//! downsampled to 5 min, as Thanos does), from two of the three locations. Both
//! choices are the least that still measures: 5 min is the demo's `max_sample_gap`,
//! so the samples cover the time between them, and 2 of 3 locations is the quorum.
//! No jitter, no latency (the column is optional and latency is judged in the
//! period only).
//!
//! Planted: a 10.5 h payroll-web outage in March, which fails its trailing target
//! although its October passes; customer-portal launched on 2 February, so its
//! window is partly covered (the time before its first sample is no data).

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::org::period;
use crate::reference::Sample;
use crate::time::{melbourne_wall, rfc3339, utc, MIN};

/// Where the history goes, relative to the demo root.
pub const DIR: &str = "evidence/probes-history/";
/// `trailing_months` of the config.
pub const TRAILING_MONTHS: u32 = 12;
/// One sample per location every STEP: the demo's `max_sample_gap`, no more.
pub const STEP: i64 = 5 * MIN;
/// The locations the long-term store kept.
pub const LOCATIONS: [&str; 2] = ["syd", "per"];

/// The trailing window `[2025-11-01 local, period end)`.
pub fn window() -> (i64, i64) {
    (melbourne_wall(2025, 11, 1, 0, 0), period().1)
}

/// The service's first history sample: customer-portal launched on Mon 2 Feb 2026
/// (10:00 AEDT); the others were probed all year.
pub fn first_sample(service: &str) -> i64 {
    match service {
        "customer-portal" => utc(2026, 2, 1, 23, 0),
        _ => window().0,
    }
}

/// A planted outage in the history, seen by both locations.
pub struct Outage {
    pub service: &'static str,
    pub start: i64,
    pub end: i64,
    pub what: &'static str,
}

pub fn outages() -> Vec<Outage> {
    vec![Outage {
        service: "payroll-web",
        start: utc(2026, 3, 14, 19, 30),
        end: utc(2026, 3, 15, 6, 0),
        what: "storage controller failure; restored from the replica after 10.5 h \
               (Sun 15 Mar 06:30-17:00 AEDT)",
    }]
}

/// Write one service's history, from its first sample to `end` (exclusive, where
/// the month's probe files begin); return its rows and per-location samples, in
/// the order of [`LOCATIONS`].
pub fn write(service: &str, end: i64, path: &Path) -> io::Result<(usize, Vec<Vec<Sample>>)> {
    let down: Vec<(i64, i64)> = outages()
        .iter()
        .filter(|o| o.service == service)
        .map(|o| (o.start, o.end))
        .collect();
    let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    w.write_all(b"time,service,location,up\n")?;
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); LOCATIONS.len()];
    let mut rows = 0;
    let mut t = first_sample(service);
    while t < end {
        let up = !down.iter().any(|&(s, e)| (s..e).contains(&t));
        let time = rfc3339(t);
        for (i, location) in LOCATIONS.iter().enumerate() {
            writeln!(w, "{time},{service},{location},{}", u8::from(up))?;
            samples[i].push((t, up));
            rows += 1;
        }
        t += STEP;
    }
    w.flush()?;
    Ok((rows, samples))
}
