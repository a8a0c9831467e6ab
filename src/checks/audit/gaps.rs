//! The longest silence in an audit source without keeping every event time: event times
//! closer than `MERGE` are merged into covered stretches, so memory grows with the
//! number of silences longer than `MERGE`, not with the number of events.
//!
//! Exact whenever the longest gap is at least `MERGE` long. Below that, the gap inside a
//! stretch is tracked exactly for events that arrive in time order (the usual case for
//! an append-only log); an event that arrives out of order inside a stretch can only
//! shorten a gap, so the figure is then an upper bound under ten seconds.

use std::collections::BTreeMap;

use crate::model::Millis;

const MERGE: Millis = 10_000;

#[derive(Debug, Default, Clone)]
pub struct GapTracker {
    /// Covered stretches: start → (end, longest inner gap).
    stretches: BTreeMap<Millis, (Millis, Millis)>,
    pub events: u64,
}

impl GapTracker {
    pub fn add(&mut self, time: Millis) {
        self.events += 1;
        let before = self
            .stretches
            .range(..=time)
            .next_back()
            .map(|(s, v)| (*s, *v));
        let (mut start, mut end, mut inner) = match before {
            Some((s, (e, i))) if time <= e + MERGE => {
                self.stretches.remove(&s);
                let inner = if time > e { i.max(time - e) } else { i };
                (s, e.max(time), inner)
            }
            _ => (time, time, 0),
        };
        // Join the following stretch when it now lies within reach.
        while let Some((next_start, (next_end, next_inner))) = self
            .stretches
            .range(start + 1..)
            .next()
            .map(|(s, v)| (*s, *v))
        {
            if next_start > end + MERGE {
                break;
            }
            self.stretches.remove(&next_start);
            inner = inner.max(next_inner).max(next_start - end);
            end = end.max(next_end);
        }
        if start > time {
            start = time;
        }
        self.stretches.insert(start, (end, inner));
    }

    /// The longest stretch of `[from, to)` without an event, as `(start, end)`.
    pub fn longest(&self, from: Millis, to: Millis) -> (Millis, Millis) {
        let mut best = (from, from);
        let mut cursor = from;
        for (&start, &(end, inner)) in &self.stretches {
            if end < from || start >= to {
                continue;
            }
            if start > cursor && start - cursor > best.1 - best.0 {
                best = (cursor, start);
            }
            if inner > best.1 - best.0 {
                // An inner gap: its place is not kept, only its length (under MERGE).
                best = (start, start + inner);
            }
            cursor = cursor.max(end);
        }
        if to - cursor > best.1 - best.0 {
            best = (cursor, to);
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: Millis = 3_600_000;

    #[test]
    fn longest_silence_including_the_period_edges() {
        let mut gaps = GapTracker::default();
        for t in [2 * H, 3 * H, 33 * H, 40 * H] {
            gaps.add(t);
        }
        assert_eq!(gaps.longest(0, 48 * H), (3 * H, 33 * H));
        assert_eq!(gaps.longest(0, 80 * H), (40 * H, 80 * H));
        // Nothing in the period: the whole period.
        assert_eq!(GapTracker::default().longest(0, 10 * H), (0, 10 * H));
    }

    #[test]
    fn order_does_not_matter_for_long_gaps() {
        let times = [5 * H, H, 30 * H, 2 * H, 31 * H, 29 * H];
        let mut forwards = GapTracker::default();
        let mut backwards = GapTracker::default();
        let mut sorted = times;
        sorted.sort();
        for t in sorted {
            forwards.add(t);
        }
        for t in times.iter().rev() {
            backwards.add(*t);
        }
        assert_eq!(forwards.longest(0, 40 * H), (5 * H, 29 * H));
        assert_eq!(backwards.longest(0, 40 * H), (5 * H, 29 * H));
    }

    #[test]
    fn dense_events_merge_and_keep_the_inner_gap() {
        let mut gaps = GapTracker::default();
        for s in 0..1000 {
            gaps.add(s * 1000 + if s == 500 { 4000 } else { 0 });
        }
        assert_eq!(gaps.stretches.len(), 1);
        let (from, to) = gaps.longest(0, 999_000);
        assert_eq!(to - from, 5000);
    }
}
