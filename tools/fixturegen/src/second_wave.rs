//! What the SPEC §15 checks ("the second wave") must conclude about the demo, one
//! row per (check, subject), in auditpack's units, from the generator's own reading
//! of the spec: the maintenance windows here, latency and the trailing window from
//! `demo.rs`/`history.rs`, capacity and disk alerting from `utilization.rs`, tier
//! slots from `backups.rs`. Nothing here runs auditpack.
//!
//! [`INTENT`] pins the verdicts the scenario exists to show (one planted failure per
//! check); [`check_intent`] holds every run to it.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Weekday};

use crate::demo::{Demo, Output, Window, LATENCY_P95_MAX, POLICY};
use crate::history;
use crate::org::period;
use crate::time::{melbourne_date, melbourne_wall, rfc3339, MIN};
use crate::utilization::{DISK_THRESHOLD_TENTHS, FAILOVER_MAX_PERCENT, MARGIN_HOSTS};

/// One expected findings row.
pub struct Expected {
    pub check: &'static str,
    pub subject: String,
    /// As auditpack prints it (`1 count`, `30.00 minutes`, `99.8735 %`).
    pub measured: String,
    pub pass: bool,
    pub detail: String,
}

impl Expected {
    pub fn verdict(&self) -> &'static str {
        if self.pass {
            "PASS"
        } else {
            "FAIL"
        }
    }
}

/// The rows the scenario is built to produce: each check's one planted failure and
/// the passing rows that show the rule (every other row of these checks passes).
pub const INTENT: [(&str, &str, &str); 14] = [
    ("maintenance.notice", "jobs-api", "FAIL"),
    ("maintenance.business_hours", "customer-portal", "FAIL"),
    ("maintenance.business_hours", "jobs-api", "PASS"),
    ("uptime.latency", "jobs-api", "FAIL"),
    ("uptime.latency", "payroll-api", "PASS"),
    ("uptime.trailing_availability", "payroll-web", "FAIL"),
    ("uptime.trailing_availability", "payroll-api", "PASS"),
    ("uptime.trailing_availability", "customer-portal", "PASS"),
    ("capacity.headroom", "db", "FAIL"),
    ("capacity.headroom", "k8s-prod", "PASS"),
    ("monitoring.disk_alerting", "db-main-02", "FAIL"),
    ("monitoring.disk_alerting", "files-01", "PASS"),
    ("backup.retention_tiers", "ledger-db", "FAIL"),
    ("backup.retention_tiers", "payroll-db", "PASS"),
];

pub fn check_intent(rows: &[Expected]) -> Result<(), String> {
    for (check, subject, want) in INTENT {
        let row = rows
            .iter()
            .find(|r| r.check == check && r.subject == subject)
            .ok_or_else(|| format!("scenario lost the {check} row of {subject}"))?;
        if row.verdict() != want {
            return Err(format!(
                "scenario no longer does what it is for: {check} {subject} gives {} ({}), \
                 intended {want}",
                row.verdict(),
                row.measured
            ));
        }
    }
    let planted = |r: &Expected| {
        INTENT
            .iter()
            .any(|(c, s, v)| *c == r.check && *s == r.subject && *v == "FAIL")
    };
    if let Some(r) = rows.iter().find(|r| !r.pass && !planted(r)) {
        return Err(format!(
            "the noise changed a conclusion: {} {} fails ({})",
            r.check, r.subject, r.detail
        ));
    }
    Ok(())
}

/// Every expected §15 row, by check then subject.
pub fn expected(demo: &Demo, out: &Output) -> Vec<Expected> {
    let mut rows = maintenance(&demo.windows);
    for r in &out.services {
        let l = &r.latency;
        rows.push(Expected {
            check: "uptime.latency",
            subject: r.service.to_string(),
            measured: format!("{}.00 ms", l.p95),
            pass: l.p95 <= LATENCY_P95_MAX,
            detail: format!(
                "p95 {} ms of {} up samples; p50 {}, p99 {}, max {} ms; {} in scheduled windows left out",
                l.p95, l.n, l.p50, l.p99, l.max, l.excluded
            ),
        });
        let t = &r.trailing;
        let availability = t.availability().unwrap_or(0.0);
        let first = history::first_sample(r.service);
        rows.push(Expected {
            check: "uptime.trailing_availability",
            subject: r.service.to_string(),
            measured: format!("{availability:.4} %"),
            pass: availability >= 99.9,
            detail: format!(
                "down {} s over {} s measured; covered {:.4}%{}",
                t.down,
                t.measured(),
                t.coverage().unwrap_or(0.0),
                if first > history::window().0 {
                    format!("; first sample {}", rfc3339(first))
                } else {
                    String::new()
                }
            ),
        });
    }
    for h in &out.utilization.headroom {
        rows.push(Expected {
            check: "capacity.headroom",
            subject: h.cluster.to_string(),
            measured: format!("{:.4} %", h.peak_percent),
            pass: h.pass(),
            detail: format!(
                "peak {:.4}% of one host at {}: load {}.{}% on {} hosts, {} left after losing {MARGIN_HOSTS}; \
                 at most {FAILOVER_MAX_PERCENT:.1}%",
                h.peak_percent,
                rfc3339(h.at),
                h.load_tenths / 10,
                h.load_tenths % 10,
                h.sampled,
                h.sampled - MARGIN_HOSTS
            ),
        });
    }
    for d in &out.utilization.disks {
        let breaches: Vec<String> = d
            .breaches
            .iter()
            .map(|b| {
                format!(
                    "{} to {}, peak {}.{}%: {}",
                    rfc3339(b.start),
                    b.end.map_or_else(|| "period end".to_string(), rfc3339),
                    b.peak_tenths / 10,
                    b.peak_tenths % 10,
                    b.alerting
                )
            })
            .collect();
        rows.push(Expected {
            check: "monitoring.disk_alerting",
            subject: d.host.to_string(),
            measured: format!("{} count", d.unalerted()),
            pass: d.unalerted() == 0,
            detail: if breaches.is_empty() {
                format!(
                    "no disk breach above {}%",
                    DISK_THRESHOLD_TENTHS as f64 / 10.0
                )
            } else {
                breaches.join("; ")
            },
        });
    }
    for f in &out.backups {
        rows.push(Expected {
            check: "backup.retention_tiers",
            subject: f.source.to_string(),
            measured: format!("{} count", f.uncovered_slots.len()),
            pass: f.uncovered_slots.is_empty(),
            detail: if f.uncovered_slots.is_empty() {
                "every slot holds a restorable point".to_string()
            } else {
                f.uncovered_slots.join(", ")
            },
        });
    }
    rows.sort_by(|a, b| (a.check, &a.subject).cmp(&(b.check, &b.subject)));
    rows
}

/// `maintenance.notice` and `maintenance.business_hours`: every `service` value of a
/// window overlapping the period is a subject; `*` windows count for `*` only.
fn maintenance(windows: &[Window]) -> Vec<Expected> {
    let (p0, p1) = period();
    let business = business_intervals();
    let subjects: BTreeSet<&str> = windows
        .iter()
        .filter(|w| w.start < p1 && w.end > p0)
        .map(|w| w.service)
        .collect();
    let mut rows = Vec::new();
    for subject in subjects {
        let own: Vec<&Window> = windows.iter().filter(|w| w.service == subject).collect();
        let starting: Vec<&&Window> = own.iter().filter(|w| (p0..p1).contains(&w.start)).collect();
        let late = starting
            .iter()
            .filter(|w| !w.span().is_scheduled(POLICY.maintenance_notice))
            .count();
        rows.push(Expected {
            check: "maintenance.notice",
            subject: subject.to_string(),
            measured: format!("{late} count"),
            pass: late == 0,
            detail: format!(
                "{late} of {} windows starting in the period announced late",
                starting.len()
            ),
        });
        let inside: i64 = own
            .iter()
            .filter(|w| w.span().is_scheduled(POLICY.maintenance_notice))
            .map(|w| {
                let (s, e) = (w.start.max(p0), w.end.min(p1));
                business
                    .iter()
                    .map(|&(b0, b1)| (e.min(b1) - s.max(b0)).max(0))
                    .sum::<i64>()
            })
            .sum();
        rows.push(Expected {
            check: "maintenance.business_hours",
            subject: subject.to_string(),
            measured: format!("{:.2} minutes", inside as f64 / MIN as f64),
            pass: inside == 0,
            detail: "scheduled minutes inside Mon-Fri 08:00-18:00 Melbourne".to_string(),
        });
    }
    rows
}

/// Mon-Fri 08:00-18:00 Melbourne, as UTC intervals, for every local day of the period.
fn business_intervals() -> Vec<(i64, i64)> {
    let (p0, p1) = period();
    let (first, last) = (melbourne_date(p0), melbourne_date(p1 - 1));
    let mut out = Vec::new();
    let mut day = first;
    while day <= last {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let (y, m, d) = (day.year(), day.month(), day.day());
            out.push((
                melbourne_wall(y, m, d, 8, 0),
                melbourne_wall(y, m, d, 18, 0),
            ));
        }
        day = day + Days::new(1);
    }
    out
}
