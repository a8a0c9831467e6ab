//! Small hand-computed timelines, one per rule of SPEC §7 "Availability, exactly".
//! Times are in minutes for readability.

use super::*;

const MIN: Millis = 60_000;

fn samples(points: &[(i64, bool)]) -> Vec<Sample> {
    points
        .iter()
        .map(|&(minute, up)| Sample {
            time: minute * MIN,
            up,
        })
        .collect()
}

fn minutes(totals: Totals) -> (i64, i64, i64, i64) {
    (
        totals.up / MIN,
        totals.down / MIN,
        totals.no_data / MIN,
        totals.scheduled / MIN,
    )
}

#[test]
fn a_sample_holds_until_the_next_but_at_most_max_gap() {
    // Samples at 0 (up), 3 (down), 20 (up); gap 5: up 0-3, down 3-8, nothing 8-20, up 20-25.
    let coverage = location_coverage(
        &samples(&[(0, true), (3, false), (20, true)]),
        5 * MIN,
        0,
        60 * MIN,
    );
    assert_eq!(
        coverage,
        vec![
            Coverage {
                start: 0,
                end: 3 * MIN,
                up: true
            },
            Coverage {
                start: 3 * MIN,
                end: 8 * MIN,
                up: false
            },
            Coverage {
                start: 20 * MIN,
                end: 25 * MIN,
                up: true
            },
        ]
    );
}

#[test]
fn coverage_is_clipped_and_a_sample_before_the_period_carries_in() {
    // A sample 2 minutes before the period start holds 3 minutes into it.
    let coverage = location_coverage(&samples(&[(-2, false), (58, true)]), 5 * MIN, 0, 60 * MIN);
    assert_eq!(
        coverage,
        vec![
            Coverage {
                start: 0,
                end: 3 * MIN,
                up: false
            },
            Coverage {
                start: 58 * MIN,
                end: 60 * MIN,
                up: true
            },
        ]
    );
}

#[test]
fn one_location_down_is_not_a_majority_of_three() {
    let every_minute = |down: std::ops::Range<i64>| -> Vec<Sample> {
        (0..60)
            .map(|m| Sample {
                time: m * MIN,
                up: !down.contains(&m),
            })
            .collect()
    };
    let locations = vec![
        location_coverage(&every_minute(10..20), 5 * MIN, 0, 60 * MIN),
        location_coverage(&every_minute(15..25), 5 * MIN, 0, 60 * MIN),
        location_coverage(&every_minute(0..0), 5 * MIN, 0, 60 * MIN),
    ];
    let q = quorum(0, 3);
    assert_eq!(q, 2);
    let timeline = service_timeline(&locations, q, &[], 0, 60 * MIN);
    // Two of three say down only from 15 to 20.
    assert_eq!(minutes(totals(&timeline, 0, 60 * MIN)), (55, 5, 0, 0));
    assert_eq!(
        timeline
            .iter()
            .filter(|s| s.state == State::Down)
            .collect::<Vec<_>>(),
        vec![&Segment {
            start: 15 * MIN,
            end: 20 * MIN,
            state: State::Down
        }]
    );
    // With a configured quorum of 1, any location down is down: 10 to 25.
    let timeline = service_timeline(&locations, 1, &[], 0, 60 * MIN);
    assert_eq!(minutes(totals(&timeline, 0, 60 * MIN)), (45, 15, 0, 0));
}

#[test]
fn fewer_than_quorum_locations_with_data_is_no_data_but_down_wins() {
    // Location A samples every minute for an hour; B stops at minute 30 (covers to 35).
    // From 35, only one location has data: below the quorum of 2, so no data.
    let a: Vec<Sample> = (0..60)
        .map(|m| Sample {
            time: m * MIN,
            up: true,
        })
        .collect();
    let b: Vec<Sample> = (0..=30)
        .map(|m| Sample {
            time: m * MIN,
            up: true,
        })
        .collect();
    let locations = vec![
        location_coverage(&a, 5 * MIN, 0, 60 * MIN),
        location_coverage(&b, 5 * MIN, 0, 60 * MIN),
    ];
    let q = quorum(0, 2);
    assert_eq!(q, 2);
    let timeline = service_timeline(&locations, q, &[], 0, 60 * MIN);
    let t = totals(&timeline, 0, 60 * MIN);
    assert_eq!(minutes(t), (35, 0, 25, 0));
    assert_eq!(t.measured(), 35 * MIN);
    assert_eq!(t.coverage(), Some(100.0 * 35.0 / 60.0));
    assert_eq!(t.availability(), Some(100.0));

    // Quorum 1: down is checked before no data.
    let down: Vec<Sample> = (0..60)
        .map(|m| Sample {
            time: m * MIN,
            up: m >= 10,
        })
        .collect();
    let locations = vec![location_coverage(&down, 5 * MIN, 0, 60 * MIN), vec![]];
    let timeline = service_timeline(&locations, 1, &[], 0, 60 * MIN);
    assert_eq!(minutes(totals(&timeline, 0, 60 * MIN)), (50, 10, 0, 0));
}

#[test]
fn scheduled_windows_leave_the_period_and_split_incidents() {
    // One location, quorum 1, down from 10 to 40; a scheduled window 20-30 (and an
    // overlapping one 25-32) takes 20-32 out: two incidents, 10-20 and 32-40.
    let s: Vec<Sample> = (0..60)
        .map(|m| Sample {
            time: m * MIN,
            up: !(10..40).contains(&m),
        })
        .collect();
    let locations = vec![location_coverage(&s, 5 * MIN, 0, 60 * MIN)];
    let timeline = service_timeline(
        &locations,
        1,
        &[(20 * MIN, 30 * MIN), (25 * MIN, 32 * MIN)],
        0,
        60 * MIN,
    );
    let t = totals(&timeline, 0, 60 * MIN);
    assert_eq!(minutes(t), (30, 18, 0, 12));
    assert_eq!(t.measured(), 48 * MIN);
    let down: Vec<(i64, i64)> = timeline
        .iter()
        .filter(|s| s.state == State::Down)
        .map(|s| (s.start / MIN, s.end / MIN))
        .collect();
    assert_eq!(down, vec![(10, 20), (32, 40)]);
    // availability = 100 × (48 − 18) / 48; coverage = 100 × 48 / 48.
    assert_eq!(t.availability(), Some(62.5));
    assert_eq!(t.coverage(), Some(100.0));
    // error budget at 99.9 %: 18 / (0.001 × 48) = 37 500 %.
    let budget = t.error_budget_used(99.9).expect("budget");
    assert!((budget - 37_500.0).abs() < 1e-6, "{budget}");
}

#[test]
fn a_window_that_starts_before_the_period_is_clipped() {
    let s: Vec<Sample> = (-30..60)
        .map(|m| Sample {
            time: m * MIN,
            up: true,
        })
        .collect();
    let locations = vec![location_coverage(&s, 5 * MIN, 0, 60 * MIN)];
    let timeline = service_timeline(&locations, 1, &[(-30 * MIN, 15 * MIN)], 0, 60 * MIN);
    assert_eq!(minutes(totals(&timeline, 0, 60 * MIN)), (45, 0, 0, 15));
}

#[test]
fn a_down_stretch_crossing_the_period_end_is_clipped() {
    let s: Vec<Sample> = (0..90)
        .map(|m| Sample {
            time: m * MIN,
            up: m < 50,
        })
        .collect();
    let locations = vec![location_coverage(&s, 5 * MIN, 0, 60 * MIN)];
    let timeline = service_timeline(&locations, 1, &[], 0, 60 * MIN);
    assert_eq!(
        timeline.last(),
        Some(&Segment {
            start: 50 * MIN,
            end: 60 * MIN,
            state: State::Down
        })
    );
}

#[test]
fn a_month_with_a_daylight_saving_change_measures_real_hours() {
    // October 2026 in Melbourne is 743 hours. One location probing every minute, down
    // for 44 minutes: availability = 100 × (743×60 − 44) / (743×60).
    use crate::period::Period;
    let period = Period::month("2026-10", chrono_tz::Australia::Melbourne).expect("period");
    let s: Vec<Sample> = (0..743 * 60)
        .map(|m| Sample {
            time: period.start + m * MIN,
            up: !(100..144).contains(&m),
        })
        .collect();
    let locations = vec![location_coverage(&s, 5 * MIN, period.start, period.end)];
    let timeline = service_timeline(&locations, 1, &[], period.start, period.end);
    let t = totals(&timeline, period.start, period.end);
    assert_eq!(t.span, 743 * 60 * MIN);
    assert_eq!(t.down, 44 * MIN);
    let expected = 100.0 * (743.0 * 60.0 - 44.0) / (743.0 * 60.0);
    assert_eq!(t.availability(), Some(expected));
    assert_eq!(format!("{:.4}", expected), "99.9013");
}

#[test]
fn nothing_measured_gives_no_figures() {
    let timeline = service_timeline(&[vec![]], 1, &[], 0, 60 * MIN);
    let t = totals(&timeline, 0, 60 * MIN);
    assert_eq!(t.availability(), None);
    assert_eq!(t.coverage(), Some(0.0));
    let all_scheduled = service_timeline(&[vec![]], 1, &[(0, 60 * MIN)], 0, 60 * MIN);
    assert_eq!(totals(&all_scheduled, 0, 60 * MIN).coverage(), None);
    assert_eq!(
        totals(&all_scheduled, 0, 60 * MIN).error_budget_used(99.9),
        None
    );
}
