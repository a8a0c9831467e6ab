//! The probes of a run, kept compact (SPEC §15 trailing availability, §19 year scale).
//!
//! A year of probes is tens of millions of rows; as a general canonical table (a
//! string per service and location, the file and line of every row) it would take
//! gigabytes. A run needs far less: per service and location, each sample's time and
//! state inside the window the uptime checks read (the trailing window, which holds the
//! period, widened by `max_sample_gap`), the latency of the period's up samples, and
//! which locations ever probed each service. [`ProbeSink`] keeps exactly that, 8 bytes a
//! sample (time × 4 + has-latency × 2 + up in one `i64`) and 8 more for a latency value;
//! rows outside the window are read, hashed and counted, and only their service and
//! location are remembered.
//!
//! `auditpack inputs` and the adapters' tests read probes into the general table instead
//! ([`super::ingest`]); the run always reads them here.

use std::collections::{BTreeMap, BTreeSet};

use super::values::Value;
use super::RowSink;
use crate::time::Millis;

/// What of the probes a run keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeWindow {
    /// Samples with `from < time < to` are kept (a sample exactly `max_sample_gap`
    /// before the window's start cannot reach into it).
    pub from: Millis,
    pub to: Millis,
    /// The latency of up samples with `start ≤ time < end` (the period) is kept.
    pub latency: (Millis, Millis),
}

/// A group's samples as `(time, up)` and its latencies as `(time, ms)`.
pub type Taken = (Vec<(Millis, bool)>, Vec<(Millis, f64)>);

/// One location's samples of one service.
#[derive(Debug, Default)]
pub struct ProbeGroup {
    /// `time × 4 + has_latency × 2 + up`, in reading order.
    packed: Vec<i64>,
    /// The latency of each sample flagged `has_latency`, in the same order: an up
    /// sample in the period that carries a value. Its time is its sample's, so a year
    /// of latencies costs 8 bytes a sample, not 16.
    latency_ms: Vec<f64>,
}

impl ProbeGroup {
    /// The samples as `(time, up)`, in time order (samples at one instant keep their
    /// reading order: the last one holds, SPEC §7), and the latencies as `(time, ms)`
    /// in reading order. Frees the group.
    pub fn take(&mut self) -> Taken {
        let packed = std::mem::take(&mut self.packed);
        let mut values = std::mem::take(&mut self.latency_ms).into_iter();
        let mut latency = Vec::with_capacity(values.len());
        let mut samples: Vec<(Millis, bool)> = Vec::with_capacity(packed.len());
        for p in packed {
            let time = p >> 2;
            if p & 2 == 2 {
                if let Some(ms) = values.next() {
                    latency.push((time, ms));
                }
            }
            samples.push((time, p & 1 == 1));
        }
        samples.sort_by_key(|&(time, _)| time);
        (samples, latency)
    }

    fn extend(&mut self, other: ProbeGroup) {
        if self.packed.is_empty() {
            // The run's vectors as they are: no copy, and no second allocation.
            *self = other;
            return;
        }
        self.packed.extend(other.packed);
        self.latency_ms.extend(other.latency_ms);
    }
}

/// The kept probes of a run.
#[derive(Debug, Default)]
pub struct Probes {
    /// By service, then location: the samples inside the window.
    pub groups: BTreeMap<String, BTreeMap<String, ProbeGroup>>,
    /// Every location that ever probed each service, in or out of the window: the `n`
    /// of the default quorum.
    pub locations: BTreeMap<String, BTreeSet<String>>,
    /// The services with a latency value on any row.
    pub with_latency: BTreeSet<String>,
}

/// Receives the probe rows of every file in reading order.
pub struct ProbeSink {
    window: ProbeWindow,
    probes: Probes,
    /// The (service, location) of the current run of rows and its samples so far: rows
    /// of one service and location come in runs (a file each, usually), so the maps are
    /// touched once per run.
    run: Option<(String, String)>,
    group: ProbeGroup,
    run_has_latency: bool,
    rows: u64,
}

impl ProbeSink {
    pub fn new(window: ProbeWindow) -> Self {
        ProbeSink {
            window,
            probes: Probes::default(),
            run: None,
            group: ProbeGroup::default(),
            run_has_latency: false,
            rows: 0,
        }
    }

    /// The kept probes and how many rows were read. Every group is shrunk to its
    /// length once, at the end (a year at one sample a minute is just over 2^19
    /// samples, which growth by doubling would hold in twice the room).
    pub fn finish(mut self) -> (Probes, u64) {
        self.end_run();
        for group in self.probes.groups.values_mut().flat_map(|g| g.values_mut()) {
            group.packed.shrink_to_fit();
            group.latency_ms.shrink_to_fit();
        }
        (self.probes, self.rows)
    }

    fn end_run(&mut self) {
        let Some((service, location)) = self.run.take() else {
            return;
        };
        let group = std::mem::take(&mut self.group);
        if std::mem::take(&mut self.run_has_latency) {
            self.probes.with_latency.insert(service.clone());
        }
        if group.packed.is_empty() {
            return;
        }
        let kept = self
            .probes
            .groups
            .entry(service)
            .or_default()
            .entry(location)
            .or_default();
        kept.extend(group);
    }
}

impl RowSink for ProbeSink {
    /// `values` in the probes schema's order: time, service, up, location, latency_ms.
    fn push(&mut self, values: Vec<Value>, _path: &str, _line: u64) {
        let mut values = values.into_iter();
        let (Some(Value::Time(time)), Some(Value::Text(service)), Some(Value::Bool(up))) =
            (values.next(), values.next(), values.next())
        else {
            return; // Required values: ingest never lets a null through.
        };
        let location = match values.next() {
            Some(Value::Text(location)) => location,
            _ => "default".to_string(),
        };
        let latency = match values.next() {
            Some(Value::Float(ms)) => Some(ms),
            _ => None,
        };
        self.rows += 1;
        let same_run = self
            .run
            .as_ref()
            .is_some_and(|(s, l)| *s == service && *l == location);
        if !same_run {
            self.end_run();
            let locations = self.probes.locations.entry(service.clone()).or_default();
            if !locations.contains(&location) {
                locations.insert(location.clone());
            }
            self.run = Some((service, location));
        }
        self.run_has_latency |= latency.is_some();
        let window = self.window;
        if time > window.from && time < window.to {
            let (start, end) = window.latency;
            let latency = latency.filter(|_| up && time >= start && time < end);
            self.group
                .packed
                .push(time * 4 + i64::from(latency.is_some()) * 2 + i64::from(up));
            self.group.latency_ms.extend(latency);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        time: Millis,
        service: &str,
        up: bool,
        location: Option<&str>,
        ms: Option<f64>,
    ) -> Vec<Value> {
        vec![
            Value::Time(time),
            Value::Text(service.to_string()),
            Value::Bool(up),
            location.map_or(Value::Null, |l| Value::Text(l.to_string())),
            ms.map_or(Value::Null, Value::Float),
        ]
    }

    #[test]
    fn keeps_the_window_and_every_location_and_orders_each_group_by_time() {
        let mut sink = ProbeSink::new(ProbeWindow {
            from: 100,
            to: 1_000,
            latency: (500, 1_000),
        });
        // Out of the window: counted, its location remembered, its sample not kept.
        sink.push(row(50, "api", true, Some("old"), Some(9.0)), "a.csv", 2);
        sink.push(row(600, "api", true, Some("syd"), Some(12.5)), "a.csv", 3);
        sink.push(row(200, "api", false, Some("syd"), Some(99.0)), "a.csv", 4);
        sink.push(row(700, "api", false, Some("syd"), Some(30.0)), "a.csv", 5);
        // Another file of the same group, and one without a location.
        sink.push(row(800, "api", true, Some("syd"), None), "b.csv", 2);
        sink.push(row(300, "web", true, None, None), "b.csv", 3);
        let (mut probes, rows) = sink.finish();
        assert_eq!(rows, 6);
        let names = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>();
        assert_eq!(names(&probes.locations["api"]), ["old", "syd"]);
        assert_eq!(names(&probes.locations["web"]), ["default"]);
        assert_eq!(names(&probes.with_latency), ["api"]);
        assert!(!probes.groups["api"].contains_key("old"));
        let syd = probes
            .groups
            .get_mut("api")
            .and_then(|g| g.get_mut("syd"))
            .expect("syd");
        // Only the up sample at 600 is in the latency range [500, 1000).
        let (samples, latency) = syd.take();
        assert_eq!(latency, [(600, 12.5)]);
        assert_eq!(
            samples,
            [(200, false), (600, true), (700, false), (800, true)]
        );
    }
}
