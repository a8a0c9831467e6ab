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

use std::collections::{BTreeMap, BTreeSet, HashMap};

use foldhash::fast::FixedState;

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
    /// Every (service, location) seen, in order of first appearance, with its samples.
    open: Vec<Open>,
    /// Each entry of `open` by its key, service and location joined by a NUL.
    index: HashMap<String, usize, FixedState>,
    /// The key of the row being looked up, built in place.
    key: String,
    /// The entry of the previous row. Files hold one service, its locations taking
    /// turns (`syd`, `mel`, `per`, `syd`, …) or one after another, so a row's entry is
    /// the previous row's, the one after it, or where the turns start again (`wrap`,
    /// the last entry a look-up found): found by comparing two strings, a row
    /// allocates nothing and hashes nothing.
    last: usize,
    wrap: usize,
    rows: u64,
}

/// One (service, location) of the rows read so far.
struct Open {
    service: String,
    location: String,
    group: ProbeGroup,
    has_latency: bool,
}

impl ProbeSink {
    pub fn new(window: ProbeWindow) -> Self {
        ProbeSink {
            window,
            open: Vec::new(),
            index: HashMap::default(),
            key: String::new(),
            last: 0,
            wrap: 0,
            rows: 0,
        }
    }

    /// The kept probes and how many rows were read. Every group is shrunk to its
    /// length once, at the end (a year at one sample a minute is just over 2^19
    /// samples, which growth by doubling would hold in twice the room).
    pub fn finish(self) -> (Probes, u64) {
        let mut probes = Probes::default();
        for mut open in self.open {
            if open.has_latency {
                probes.with_latency.insert(open.service.clone());
            }
            let locations = probes.locations.entry(open.service.clone()).or_default();
            locations.insert(open.location.clone());
            if open.group.packed.is_empty() {
                continue;
            }
            open.group.packed.shrink_to_fit();
            open.group.latency_ms.shrink_to_fit();
            let services = probes.groups.entry(open.service).or_default();
            services.insert(open.location, open.group);
        }
        (probes, self.rows)
    }

    /// Adds the rows a sink read from later files: each group's samples after this
    /// one's, as if one sink had read them all.
    pub fn append(&mut self, later: ProbeSink) {
        for open in later.open {
            let at = self.entry(&open.service, &open.location);
            let kept = &mut self.open[at];
            kept.has_latency |= open.has_latency;
            kept.group.packed.extend(open.group.packed);
            kept.group.latency_ms.extend(open.group.latency_ms);
        }
        self.rows += later.rows;
    }

    /// The index in `open` of `service` at `location`, added on its first row.
    fn entry(&mut self, service: &str, location: &str) -> usize {
        let is = |at: usize| {
            self.open
                .get(at)
                .is_some_and(|o| o.service == service && o.location == location)
        };
        for at in [self.last, self.last + 1, self.wrap] {
            if is(at) {
                self.last = at;
                return at;
            }
        }
        self.key.clear();
        self.key.push_str(service);
        self.key.push('\0');
        self.key.push_str(location);
        let at = match self.index.get(self.key.as_str()) {
            Some(&at) => {
                self.wrap = at;
                at
            }
            None => {
                self.open.push(Open {
                    service: service.to_string(),
                    location: location.to_string(),
                    group: ProbeGroup::default(),
                    has_latency: false,
                });
                self.index.insert(self.key.clone(), self.open.len() - 1);
                self.open.len() - 1
            }
        };
        self.last = at;
        at
    }
}

impl RowSink for ProbeSink {
    /// `values` in the probes schema's order: time, service, up, location, latency_ms.
    fn push(&mut self, values: Vec<Value<'_>>, _path: &str, _line: u64) {
        let mut values = values.into_iter();
        let (Some(Value::Time(time)), Some(Value::Text(service)), Some(Value::Bool(up))) =
            (values.next(), values.next(), values.next())
        else {
            return; // Required values: ingest never lets a null through.
        };
        let location = match values.next() {
            Some(Value::Text(location)) => location,
            _ => "default".into(),
        };
        let latency = match values.next() {
            Some(Value::Float(ms)) => Some(ms),
            _ => None,
        };
        self.rows += 1;
        let window = self.window;
        let at = self.entry(&service, &location);
        let open = &mut self.open[at];
        open.has_latency |= latency.is_some();
        if time > window.from && time < window.to {
            let (start, end) = window.latency;
            let latency = latency.filter(|_| up && time >= start && time < end);
            open.group
                .packed
                .push(time * 4 + i64::from(latency.is_some()) * 2 + i64::from(up));
            open.group.latency_ms.extend(latency);
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
    ) -> Vec<Value<'static>> {
        vec![
            Value::Time(time),
            Value::Text(service.to_string().into()),
            Value::Bool(up),
            location.map_or(Value::Null, |l| Value::Text(l.to_string().into())),
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

    #[test]
    fn two_sinks_appended_keep_what_one_sink_reading_every_row_keeps() {
        let window = ProbeWindow {
            from: 0,
            to: 1_000,
            latency: (0, 1_000),
        };
        let rows: Vec<Vec<Value<'static>>> = (0..60)
            .map(|i| {
                let location = ["syd", "mel", "per"][i % 3];
                let service = if i < 40 { "api" } else { "web" };
                // Two rows at one instant (i = 30, 31 at 300): the later one holds.
                let time = if i == 31 { 300 } else { i as i64 * 10 };
                let ms = (i % 4 != 0).then_some(i as f64);
                row(time, service, i % 7 != 0, Some(location), ms)
            })
            .collect();
        // The rows cut into sinks at `cuts`.
        let kept = |cuts: &[usize]| {
            let mut all: Option<ProbeSink> = None;
            let bounds: Vec<usize> = [0].iter().chain(cuts).chain([&60]).copied().collect();
            for range in bounds.windows(2).map(|w| w[0]..w[1]) {
                let mut sink = ProbeSink::new(window);
                for (i, values) in rows[range.clone()].iter().enumerate() {
                    sink.push(values.clone(), "p.csv", i as u64);
                }
                match &mut all {
                    Some(all) => all.append(sink),
                    None => all = Some(sink),
                }
            }
            let (mut probes, rows) = all.expect("a sink").finish();
            let groups: Vec<(String, String, Taken)> = probes
                .groups
                .iter_mut()
                .flat_map(|(service, g)| {
                    g.iter_mut().map(move |(location, group)| {
                        (service.clone(), location.clone(), group.take())
                    })
                })
                .collect();
            (groups, probes.locations, probes.with_latency, rows)
        };
        let one = kept(&[]);
        assert_eq!(one.3, 60);
        assert_eq!(one.0.len(), 6);
        assert_eq!(kept(&[31]), one);
        assert_eq!(kept(&[10, 45]), one);
    }
}
