//! The availability timeline of one service, exactly as SPEC §7 "Availability,
//! exactly" defines it. Pure and table-free so each rule can be tested on small
//! hand-computed timelines.
//!
//! 1. Per location, a sample's state holds from its time until that location's next
//!    sample, but at most `max_sample_gap`; what no sample covers is no data.
//! 2. At each instant: down if at least `q` locations say down; no data if fewer than
//!    `q` locations have data; otherwise up.
//! 3. Scheduled maintenance is taken out of the period entirely.

use crate::model::Millis;

/// One probe sample of one location, in time order within its location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    pub time: Millis,
    pub up: bool,
}

/// What a stretch of the period counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Up,
    Down,
    NoData,
    /// Inside a scheduled maintenance window: out of the period.
    Scheduled,
}

/// A maximal stretch `[start, end)` in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub start: Millis,
    pub end: Millis,
    pub state: State,
}

/// A location's state over `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub start: Millis,
    pub end: Millis,
    pub up: bool,
}

/// Turns one location's time-ordered samples into the stretches they cover (rule 1),
/// clipped to `[from, to)`. Samples at the same instant: the last one holds.
pub fn location_coverage(
    samples: &[Sample],
    max_gap: Millis,
    from: Millis,
    to: Millis,
) -> Vec<Coverage> {
    let mut out: Vec<Coverage> = Vec::with_capacity(samples.len());
    for (i, sample) in samples.iter().enumerate() {
        let limit = sample.time.saturating_add(max_gap);
        let end = match samples.get(i + 1) {
            Some(next) => next.time.min(limit),
            None => limit,
        };
        let (start, end) = (sample.time.max(from), end.min(to));
        if start >= end {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.end == start && last.up == sample.up => last.end = end,
            _ => out.push(Coverage {
                start,
                end,
                up: sample.up,
            }),
        }
    }
    out
}

/// Combines the locations' coverage and the scheduled windows into the service's
/// timeline over `[from, to)` (rules 2 and 3). `scheduled` windows may overlap.
pub fn service_timeline(
    locations: &[Vec<Coverage>],
    quorum: usize,
    scheduled: &[(Millis, Millis)],
    from: Millis,
    to: Millis,
) -> Vec<Segment> {
    // Sweep over change points: +/- one location with data, +/- one saying down,
    // +/- one scheduled window.
    let mut events: Vec<(Millis, i64, i64, i64)> = Vec::new();
    for location in locations {
        for stretch in location {
            let down = i64::from(!stretch.up);
            events.push((stretch.start, 1, down, 0));
            events.push((stretch.end, -1, -down, 0));
        }
    }
    for &(start, end) in scheduled {
        let (start, end) = (start.max(from), end.min(to));
        if start < end {
            events.push((start, 0, 0, 1));
            events.push((end, 0, 0, -1));
        }
    }
    events.sort_unstable();
    let (mut with_data, mut saying_down, mut in_scheduled) = (0i64, 0i64, 0i64);
    let quorum = quorum as i64;
    let mut segments: Vec<Segment> = Vec::new();
    let mut cursor = from;
    let mut index = 0;
    while cursor < to {
        while index < events.len() && events[index].0 <= cursor {
            let (_, data, down, window) = events[index];
            with_data += data;
            saying_down += down;
            in_scheduled += window;
            index += 1;
        }
        let next = events.get(index).map_or(to, |e| e.0.min(to));
        let state = if in_scheduled > 0 {
            State::Scheduled
        } else if saying_down >= quorum {
            State::Down
        } else if with_data < quorum {
            State::NoData
        } else {
            State::Up
        };
        match segments.last_mut() {
            Some(last) if last.state == state && last.end == cursor => last.end = next,
            _ => segments.push(Segment {
                start: cursor,
                end: next,
                state,
            }),
        }
        cursor = next;
    }
    segments
}

/// Time per state within `[from, to)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub span: Millis,
    pub up: Millis,
    pub down: Millis,
    pub no_data: Millis,
    pub scheduled: Millis,
}

impl Totals {
    /// `period − scheduled − no_data`.
    pub fn measured(&self) -> Millis {
        self.span - self.scheduled - self.no_data
    }

    /// `100 × (measured − down) / measured`; `None` when nothing was measured.
    pub fn availability(&self) -> Option<f64> {
        let measured = self.measured();
        (measured > 0).then(|| 100.0 * (measured - self.down) as f64 / measured as f64)
    }

    /// `100 × measured / (period − scheduled)`.
    pub fn coverage(&self) -> Option<f64> {
        let open = self.span - self.scheduled;
        (open > 0).then(|| 100.0 * self.measured() as f64 / open as f64)
    }

    /// `100 × down / ((1 − target/100) × (period − scheduled))`; `None` when the
    /// target leaves no budget or nothing is left of the period.
    pub fn error_budget_used(&self, target_percent: f64) -> Option<f64> {
        let budget = (1.0 - target_percent / 100.0) * (self.span - self.scheduled) as f64;
        (budget > 0.0).then(|| 100.0 * self.down as f64 / budget)
    }
}

pub fn totals(segments: &[Segment], from: Millis, to: Millis) -> Totals {
    let mut totals = Totals {
        span: to - from,
        ..Totals::default()
    };
    for segment in segments {
        let length = segment.end.min(to) - segment.start.max(from);
        if length <= 0 {
            continue;
        }
        match segment.state {
            State::Up => totals.up += length,
            State::Down => totals.down += length,
            State::NoData => totals.no_data += length,
            State::Scheduled => totals.scheduled += length,
        }
    }
    totals
}

/// The default quorum: a majority of the service's locations.
pub fn quorum(configured: usize, locations: usize) -> usize {
    if configured > 0 {
        configured
    } else {
        locations / 2 + 1
    }
}

#[cfg(test)]
mod tests;
