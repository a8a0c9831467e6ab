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
    /// The stretch the last event landed in, held out of the map: an append-only log
    /// keeps extending it, which then costs no map operation (SPEC §13). `hot_next` is
    /// the start of the first stored stretch after it.
    hot: Option<Stretch>,
    hot_next: Option<Millis>,
    pub events: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stretch {
    start: Millis,
    end: Millis,
    inner: Millis,
}

impl GapTracker {
    pub fn add(&mut self, time: Millis) {
        self.events += 1;
        if let Some(hot) = &mut self.hot {
            let end = hot.end.max(time);
            let reaches_next = self.hot_next.is_some_and(|next| next <= end + MERGE);
            if time >= hot.start && time <= hot.end + MERGE && !reaches_next {
                if time > hot.end {
                    hot.inner = hot.inner.max(time - hot.end);
                    hot.end = time;
                }
                return;
            }
            if time > hot.end + MERGE && self.hot_next.is_none() {
                // In order, beyond reach, nothing stored after: a sparse log's next stretch.
                self.stretches.insert(hot.start, (hot.end, hot.inner));
                *hot = Stretch {
                    start: time,
                    end: time,
                    inner: 0,
                };
                return;
            }
        }
        self.cool();
        self.merge(time);
        self.heat(time);
    }

    /// Puts the hot stretch back into the map.
    fn cool(&mut self) {
        if let Some(hot) = self.hot.take() {
            self.stretches.insert(hot.start, (hot.end, hot.inner));
        }
    }

    /// Takes the stretch holding `time` out of the map as the hot one.
    fn heat(&mut self, time: Millis) {
        let Some((&start, &(end, inner))) = self.stretches.range(..=time).next_back() else {
            return;
        };
        self.stretches.remove(&start);
        self.hot = Some(Stretch { start, end, inner });
        self.hot_next = self.stretches.range(start + 1..).next().map(|(&s, _)| s);
    }

    /// Adds `time` to the stored stretches, joining those it brings within reach.
    fn merge(&mut self, time: Millis) {
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

    /// Every stretch in order, the hot one in its place.
    fn all(&self) -> Vec<Stretch> {
        let mut all: Vec<Stretch> = self
            .stretches
            .iter()
            .map(|(&start, &(end, inner))| Stretch { start, end, inner })
            .chain(self.hot)
            .collect();
        all.sort_by_key(|s| s.start);
        all
    }

    /// The longest stretch of `[from, to)` without an event, as `(start, end)`.
    pub fn longest(&self, from: Millis, to: Millis) -> (Millis, Millis) {
        let mut best = (from, from);
        let mut cursor = from;
        for Stretch { start, end, inner } in self.all() {
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

    /// The tracker without its hot stretch: every event through the map.
    fn reference(times: &[Millis]) -> Vec<Stretch> {
        let mut cold = GapTracker::default();
        for &t in times {
            cold.merge(t);
        }
        cold.all()
    }

    #[test]
    fn the_hot_stretch_changes_nothing() {
        // Interleaved, repeated, out-of-order and far-apart times, in a fixed order.
        let mut times = Vec::new();
        let mut x: i64 = 7;
        for i in 0..5000 {
            x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
            let jitter = x % 30_000 - 5_000;
            let base = if i % 97 == 0 {
                (x % 1000) * 60_000
            } else {
                i * 3_000
            };
            times.push(base + jitter);
        }
        // And a sparse log in order (gaps of 5 to 30 s), with a few late events.
        let mut t = 0;
        for i in 0..3000 {
            t += 5_000 + (i * 7_919) % 25_000;
            times.push(if i % 500 == 499 { t - 400_000 } else { t });
        }
        let mut hot = GapTracker::default();
        for &t in &times {
            hot.add(t);
        }
        assert_eq!(hot.all(), reference(&times));
        assert_eq!(hot.events, times.len() as u64);
    }

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
        assert_eq!(gaps.all().len(), 1);
        let (from, to) = gaps.longest(0, 999_000);
        assert_eq!(to - from, 5000);
    }
}
