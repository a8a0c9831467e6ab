//! An independent, deliberately simple implementation of SPEC §7 "Availability,
//! exactly", used to state the demo's expected figures.
//!
//! The main crate computes the same numbers with its own engine; this one exists
//! so the README's expectations come from the rules in the spec applied to the
//! very samples that were written, not from the nominal event times (sample
//! jitter moves every boundary by a few seconds). It favours obviousness over
//! speed: a sweep over every instant at which any location's state can change.
//!
//! Reading of the spec applied here (stated so a disagreement is easy to spot):
//! - a sample holds `[t, min(next sample of that location, t + max_sample_gap))`;
//! - `n` counts the locations that have at least one sample for the service
//!   anywhere in the input (not only inside the period);
//! - **down** when at least `q` locations say down, else **no data** when fewer
//!   than `q` have data, else **up**;
//! - scheduled windows (for the service or `*`) are clipped to the period and
//!   their union is removed before anything else is counted;
//! - an incident is a maximal down stretch of the remaining time, and the
//!   locations that "saw it" are those reporting down at some point inside it.

/// One probe sample of one location: (Unix seconds, up).
pub type Sample = (i64, bool);

/// The policy keys that availability depends on (SPEC §3), in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub probe_quorum: usize,
    pub max_sample_gap: i64,
    pub maintenance_notice: i64,
}

/// A maintenance window as the check sees it.
#[derive(Debug, Clone, Copy)]
pub struct WindowSpan {
    pub start: i64,
    pub end: i64,
    pub announced_at: Option<i64>,
}

impl WindowSpan {
    /// SPEC §7 step 3: announced at least `notice` before it starts.
    pub fn is_scheduled(&self, notice: i64) -> bool {
        self.announced_at.is_some_and(|a| a <= self.start - notice)
    }
}

/// A maximal down interval, clipped to the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub start: i64,
    pub end: i64,
    pub locations: Vec<String>,
}

/// The measured quantities of SPEC §7 step 4, all in seconds.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub period: i64,
    pub scheduled: i64,
    pub no_data: i64,
    pub down: i64,
    pub incidents: Vec<Incident>,
}

impl Outcome {
    /// `period − scheduled − no_data`.
    pub fn measured(&self) -> i64 {
        self.period - self.scheduled - self.no_data
    }

    /// Availability in percent (`None` when nothing was measured).
    pub fn availability(&self) -> Option<f64> {
        let m = self.measured();
        (m > 0).then(|| 100.0 * (m - self.down) as f64 / m as f64)
    }

    /// Monitoring coverage in percent.
    pub fn coverage(&self) -> Option<f64> {
        let base = self.period - self.scheduled;
        (base > 0).then(|| 100.0 * self.measured() as f64 / base as f64)
    }

    /// Share of the error budget used, in percent.
    pub fn error_budget_used(&self, target_percent: f64) -> Option<f64> {
        let budget = (1.0 - target_percent / 100.0) * (self.period - self.scheduled) as f64;
        (budget > 0.0).then(|| 100.0 * self.down as f64 / budget)
    }
}

/// One location's samples turned into half-open state spans.
struct Spans {
    name: String,
    spans: Vec<(i64, i64, bool)>,
    cursor: usize,
}

impl Spans {
    fn new(name: &str, samples: &[Sample], gap: i64) -> Self {
        let spans = samples
            .iter()
            .enumerate()
            .filter_map(|(i, &(t, up))| {
                let next = samples.get(i + 1).map_or(i64::MAX, |s| s.0);
                let end = next.min(t + gap);
                (end > t).then_some((t, end, !up))
            })
            .collect();
        Spans {
            name: name.to_string(),
            spans,
            cursor: 0,
        }
    }

    /// State at instant `at` (`None` = no data). Calls must be non-decreasing.
    fn state_at(&mut self, at: i64) -> Option<bool> {
        while self.spans.get(self.cursor).is_some_and(|s| s.1 <= at) {
            self.cursor += 1;
        }
        self.spans
            .get(self.cursor)
            .filter(|s| s.0 <= at)
            .map(|s| s.2)
    }
}

/// Union of the scheduled windows, clipped to `[p0, p1)`, sorted and disjoint.
fn scheduled_union(windows: &[WindowSpan], p0: i64, p1: i64, notice: i64) -> Vec<(i64, i64)> {
    let mut clipped: Vec<(i64, i64)> = windows
        .iter()
        .filter(|w| w.is_scheduled(notice))
        .map(|w| (w.start.max(p0), w.end.min(p1)))
        .filter(|(s, e)| s < e)
        .collect();
    clipped.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (s, e) in clipped {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Assess one service over the period `[p0, p1)`.
///
/// `locations` holds each location's samples sorted by time; `windows` the
/// maintenance windows that apply to the service (its own and `*`).
pub fn assess(
    p0: i64,
    p1: i64,
    locations: &[(&str, &[Sample])],
    windows: &[WindowSpan],
    policy: Policy,
) -> Outcome {
    let mut locs: Vec<Spans> = locations
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(name, s)| Spans::new(name, s, policy.max_sample_gap))
        .collect();
    let n = locs.len();
    let q = if policy.probe_quorum == 0 {
        n / 2 + 1
    } else {
        policy.probe_quorum
    };
    let scheduled = scheduled_union(windows, p0, p1, policy.maintenance_notice);

    // Every instant at which the classification can change.
    let mut cuts: Vec<i64> = vec![p0, p1];
    for l in &locs {
        for &(s, e, _) in &l.spans {
            cuts.push(s);
            cuts.push(e);
        }
    }
    for &(s, e) in &scheduled {
        cuts.push(s);
        cuts.push(e);
    }
    cuts.retain(|&t| (p0..=p1).contains(&t));
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = Outcome {
        period: p1 - p0,
        scheduled: scheduled.iter().map(|(s, e)| e - s).sum(),
        no_data: 0,
        down: 0,
        incidents: Vec::new(),
    };
    let mut sched_cursor = 0;
    // The incident being built: (start, end, locations seen down).
    let mut open: Option<(i64, i64, Vec<String>)> = None;

    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        while scheduled.get(sched_cursor).is_some_and(|w| w.1 <= a) {
            sched_cursor += 1;
        }
        let in_window = scheduled.get(sched_cursor).is_some_and(|w| w.0 <= a);
        let states: Vec<(usize, Option<bool>)> = locs
            .iter_mut()
            .enumerate()
            .map(|(i, l)| (i, l.state_at(a)))
            .collect();
        if in_window {
            continue;
        }
        let with_data = states.iter().filter(|s| s.1.is_some()).count();
        let saying_down: Vec<usize> = states
            .iter()
            .filter(|s| s.1 == Some(true))
            .map(|s| s.0)
            .collect();

        if saying_down.len() >= q {
            out.down += b - a;
            // Contiguous with the open incident only if nothing (not even
            // scheduled time) separates them.
            let extend = open.as_ref().is_some_and(|o| o.1 == a);
            if !extend {
                if let Some(done) = open.take() {
                    out.incidents.push(finish(done));
                }
                open = Some((a, b, Vec::new()));
            }
            let o = open.as_mut().expect("just opened");
            o.1 = b;
            for i in saying_down {
                if !o.2.contains(&locs[i].name) {
                    o.2.push(locs[i].name.clone());
                }
            }
        } else if with_data < q {
            out.no_data += b - a;
        }
    }
    if let Some(done) = open.take() {
        out.incidents.push(finish(done));
    }
    out
}

fn finish((start, end, mut locations): (i64, i64, Vec<String>)) -> Incident {
    locations.sort();
    Incident {
        start,
        end,
        locations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        probe_quorum: 0,
        max_sample_gap: 300,
        maintenance_notice: 48 * 3600,
    };

    fn every_minute(from: i64, to: i64, down: (i64, i64)) -> Vec<Sample> {
        (from..to)
            .step_by(60)
            .map(|t| (t, !(down.0..down.1).contains(&t)))
            .collect()
    }

    #[test]
    fn quorum_down_and_single_location_noise() {
        let a = every_minute(0, 7200, (600, 1200));
        let b = every_minute(0, 7200, (900, 1500));
        let c = every_minute(0, 7200, (0, 0));
        let o = assess(0, 3600, &[("a", &a), ("b", &b), ("c", &c)], &[], POLICY);
        assert_eq!(o.down, 300); // a and b overlap on [900, 1200)
        assert_eq!(o.no_data, 0);
        assert_eq!(o.incidents.len(), 1);
        assert_eq!(o.incidents[0].locations, vec!["a", "b"]);
    }

    #[test]
    fn gaps_become_no_data_after_max_sample_gap() {
        let mut a = every_minute(0, 7200, (0, 0));
        a.retain(|s| !(1200..2400).contains(&s.0));
        let b = a.clone();
        let c = every_minute(0, 7200, (0, 0));
        let o = assess(0, 3600, &[("a", &a), ("b", &b), ("c", &c)], &[], POLICY);
        // Last sample before the hole at 1140 holds until 1440; next at 2400.
        assert_eq!(o.no_data, 2400 - 1440);
    }

    #[test]
    fn scheduled_windows_are_clipped_and_late_ones_ignored() {
        let a = every_minute(-3600, 7200, (-600, 600));
        let o = assess(
            0,
            3600,
            &[("a", &a)],
            &[
                WindowSpan {
                    start: -1200,
                    end: 300,
                    announced_at: Some(-1200 - 48 * 3600),
                },
                WindowSpan {
                    start: 2000,
                    end: 2100,
                    announced_at: Some(1000),
                },
            ],
            POLICY,
        );
        assert_eq!(o.scheduled, 300);
        assert_eq!(o.down, 300); // [300, 600) survives the window
        assert_eq!(o.incidents[0].start, 300);
    }
}
