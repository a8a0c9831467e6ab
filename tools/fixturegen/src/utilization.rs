//! The demo's utilization evidence (SPEC §15 kind `utilization`): cpu and disk of
//! eight hosts every 5 min over the period, the disk alert it plants, and what
//! `capacity.headroom` and `monitoring.disk_alerting` make of them.
//!
//! Seeded noise (each host's daily rhythm, scrape jitter) under a fixed script: the
//! month-end payroll run loads the `db` cluster past its failover headroom; the
//! files-01 disk fills and is alerted on time (the DiskSpaceLow alert `access.rs`
//! already plants); the db-main-02 disk fills and is alerted 40 min later, which is
//! late. The expected figures are computed here from the values as written (tenths
//! of a percent, so sums are exact integers), never by running auditpack.
//!
//! Output: `evidence/utilization.csv`, canonical, in (time, host, resource) order.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::access::Alert;
use crate::org::period;
use crate::prng::Rng;
use crate::time::{rfc3339, utc, HOUR, MIN};

/// Where the utilization evidence goes, relative to the demo root.
pub const UTILIZATION: &str = "evidence/utilization.csv";

/// The `[policy]` keys of the two checks, matching the constants below.
pub const POLICY_TOML: &str = "capacity_resource = \"cpu\"
capacity_margin_hosts = 1
capacity_failover_max_percent = 90.0
capacity_step = \"5m\"
disk_alert_threshold_percent = 85.0
disk_alert_delay_max = \"15m\"
";
/// `capacity_margin_hosts`: every cluster must survive losing one host.
pub const MARGIN_HOSTS: i64 = 1;
/// `capacity_failover_max_percent`.
pub const FAILOVER_MAX_PERCENT: f64 = 90.0;
/// `capacity_step`: the scrape interval, so a scrape's hosts meet in one step.
const STEP: i64 = 5 * MIN;
/// `disk_alert_threshold_percent`, in tenths.
pub const DISK_THRESHOLD_TENTHS: i64 = 850;
/// `disk_alert_delay_max`.
pub const DISK_DELAY_MAX: i64 = 15 * MIN;
/// A host is scraped 0..=MAX_JITTER seconds after the 5-minute mark.
const MAX_JITTER: i64 = 20;

/// One monitored host: its cluster and its usual levels, in tenths of a percent.
struct Host {
    name: &'static str,
    cluster: &'static str,
    /// `None`: no cpu series (a file server outside any failover cluster).
    cpu_base: Option<i64>,
    disk_base: i64,
}

const HOSTS: [Host; 8] = [
    Host {
        name: "db-main-01",
        cluster: "db",
        cpu_base: Some(220),
        disk_base: 610,
    },
    Host {
        name: "db-main-02",
        cluster: "db",
        cpu_base: Some(210),
        disk_base: 640,
    },
    Host {
        name: "db-main-03",
        cluster: "db",
        cpu_base: Some(200),
        disk_base: 600,
    },
    Host {
        name: "files-01",
        cluster: "storage",
        cpu_base: None,
        disk_base: 740,
    },
    Host {
        name: "k8s-node-01",
        cluster: "k8s-prod",
        cpu_base: Some(300),
        disk_base: 520,
    },
    Host {
        name: "k8s-node-02",
        cluster: "k8s-prod",
        cpu_base: Some(290),
        disk_base: 540,
    },
    Host {
        name: "k8s-node-03",
        cluster: "k8s-prod",
        cpu_base: Some(310),
        disk_base: 500,
    },
    Host {
        name: "k8s-node-04",
        cluster: "k8s-prod",
        cpu_base: Some(280),
        disk_base: 560,
    },
];

/// The month-end payroll run on the `db` cluster: Fri 30 Oct 09:00-12:00 AEDT.
pub fn payroll_run() -> (i64, i64) {
    (utc(2026, 10, 29, 22, 0), utc(2026, 10, 30, 1, 0))
}

/// files-01's disk: climbs from 78 % to 84 % overnight, is above 85 % from 01:50Z
/// until the volume is resized 30 h later (the `DiskSpaceLow` alert of `access.rs`
/// starts at 02:00Z and resolves at the resize).
pub fn files_breach() -> (i64, i64) {
    (utc(2026, 10, 9, 1, 50), utc(2026, 10, 10, 8, 0))
}
fn files_ramp_start() -> i64 {
    utc(2026, 10, 8, 14, 0)
}

/// db-main-02's disk: a stuck WAL archiver fills it from 10:00Z until 11:20Z.
pub fn db_breach() -> (i64, i64) {
    (utc(2026, 10, 20, 10, 0), utc(2026, 10, 20, 11, 20))
}

/// The alert for db-main-02's breach, 40 min after it starts: 25 min late.
pub fn alerts() -> Vec<Alert> {
    let (start, _) = db_breach();
    vec![Alert {
        alert: "DiskSpaceLow",
        target: "db-main-02",
        started: start + 40 * MIN,
        severity: "warning",
        resolved: Some(start + 90 * MIN),
        note: "db-main-02 disk above 85 % from 10:00Z (stuck WAL archiver): alerted 40 min \
               after the breach started, more than `disk_alert_delay_max = \"15m\"`",
    }]
}

/// One written sample, in tenths of a percent.
#[derive(Debug, Clone, Copy)]
struct Point {
    time: i64,
    tenths: i64,
}

/// Every series as written: (host index, resource) → samples in time order.
type Series = BTreeMap<(usize, &'static str), Vec<Point>>;

/// Busy hours add load: 09:00-18:00 Melbourne (AEDT for nearly all of the month;
/// the rhythm is noise, so the first three AEST days need no care).
fn daytime(t: i64) -> bool {
    let local_hour = (t + 11 * HOUR).rem_euclid(24 * HOUR) / HOUR;
    (9..18).contains(&local_hour)
}

fn cpu_at(host: &Host, base: i64, t: i64, rng: &mut Rng) -> i64 {
    let (run0, run1) = payroll_run();
    let noise = rng.range(-40, 40);
    if host.cluster == "db" && (run0..run1).contains(&t) {
        // The payroll batch: each database host near two thirds busy.
        return 640 + noise;
    }
    base + if daytime(t) { 110 } else { 0 } + noise
}

fn disk_at(host: &Host, t: i64, rng: &mut Rng) -> i64 {
    let noise = rng.range(-3, 3);
    match host.name {
        "files-01" => {
            let (b0, b1) = files_breach();
            let ramp0 = files_ramp_start();
            if (ramp0..b0).contains(&t) {
                // 78 % to 84 %: rising, but never above the threshold.
                780 + 60 * (t - ramp0) / (b0 - ramp0)
            } else if (b0..b1).contains(&t) {
                900 + 20 * (t - b0) / (b1 - b0) + noise
            } else if t >= b1 {
                610 + noise
            } else {
                host.disk_base + noise
            }
        }
        "db-main-02" => {
            let (b0, b1) = db_breach();
            if (b0..b1).contains(&t) {
                880 + 60 * (t - b0) / (b1 - b0)
            } else {
                host.disk_base + noise
            }
        }
        _ => host.disk_base + noise,
    }
}

/// `used_percent` as written: one decimal.
fn percent(tenths: i64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Write `evidence/utilization.csv`; return its path, its rows and the series.
fn write_csv(seed: u64, out: &Path) -> io::Result<(PathBuf, usize, Series)> {
    let (p0, p1) = period();
    let path = out.join(UTILIZATION);
    let mut w = BufWriter::new(fs::File::create(&path)?);
    w.write_all(b"time,host,resource,used_percent,cluster,mount\n")?;
    let mut rngs: Vec<Rng> = HOSTS
        .iter()
        .map(|h| Rng::stream(seed, &[h.name, "utilization"]))
        .collect();
    let mut series = Series::new();
    let mut rows = 0;
    let mut scrape: Vec<(i64, usize)> = Vec::with_capacity(HOSTS.len());
    let mut nominal = p0;
    while nominal < p1 {
        scrape.clear();
        for (i, rng) in rngs.iter_mut().enumerate() {
            scrape.push((nominal + rng.range(0, MAX_JITTER), i));
        }
        // Jitter is far below the step, so sorting within a scrape sorts the file.
        scrape.sort_unstable();
        for &(time, i) in &scrape {
            let host = &HOSTS[i];
            let rng = &mut rngs[i];
            if let Some(base) = host.cpu_base {
                let tenths = cpu_at(host, base, nominal, rng);
                writeln!(
                    w,
                    "{},{},cpu,{},{},",
                    rfc3339(time),
                    host.name,
                    percent(tenths),
                    host.cluster
                )?;
                series
                    .entry((i, "cpu"))
                    .or_default()
                    .push(Point { time, tenths });
                rows += 1;
            }
            let tenths = disk_at(host, nominal, rng);
            writeln!(
                w,
                "{},{},disk,{},{},/",
                rfc3339(time),
                host.name,
                percent(tenths),
                host.cluster
            )?;
            series
                .entry((i, "disk"))
                .or_default()
                .push(Point { time, tenths });
            rows += 1;
        }
        nominal += STEP;
    }
    w.flush()?;
    Ok((path, rows, series))
}

/// `capacity.headroom` of one cluster, per SPEC §15.
#[derive(Debug, Clone)]
pub struct Headroom {
    pub cluster: &'static str,
    /// The worst step (the earliest of equals): its time, n(t) and D(t) in tenths.
    pub at: i64,
    pub sampled: i64,
    pub load_tenths: i64,
    /// D(t) / (n(t) − m), in percent of one host.
    pub peak_percent: f64,
}

impl Headroom {
    pub fn pass(&self) -> bool {
        self.peak_percent <= FAILOVER_MAX_PERCENT
    }
}

/// One disk breach and how it was alerted.
#[derive(Debug, Clone)]
pub struct Breach {
    pub start: i64,
    pub end: Option<i64>,
    pub peak_tenths: i64,
    /// `on time`, `already firing`, `late (…)` or `no alert`.
    pub alerting: String,
    pub timely: bool,
}

/// `monitoring.disk_alerting` of one host.
#[derive(Debug, Clone)]
pub struct DiskHost {
    pub host: &'static str,
    pub breaches: Vec<Breach>,
}

impl DiskHost {
    pub fn unalerted(&self) -> usize {
        self.breaches.iter().filter(|b| !b.timely).count()
    }
}

/// What `demo` wrote and what the two checks must conclude.
pub struct Utilization {
    pub path: PathBuf,
    pub rows: usize,
    pub headroom: Vec<Headroom>,
    pub disks: Vec<DiskHost>,
}

/// Write the utilization evidence and assess it against `alerts` (every row of
/// `alerts.csv`).
pub fn write(seed: u64, out: &Path, alerts: &[Alert]) -> io::Result<Utilization> {
    let (path, rows, series) = write_csv(seed, out)?;
    Ok(Utilization {
        path,
        rows,
        headroom: headroom(&series),
        disks: disk_alerting(&series, alerts),
    })
}

/// SPEC §15 "Capacity headroom": samples grouped by their time rounded down to the
/// step, a host's latest in a step counting; the value at t is D(t) / (n(t) − m).
fn headroom(series: &Series) -> Vec<Headroom> {
    let (p0, p1) = period();
    let mut clusters: BTreeMap<&'static str, BTreeMap<i64, BTreeMap<usize, i64>>> = BTreeMap::new();
    for ((i, resource), points) in series {
        if *resource != "cpu" {
            continue;
        }
        let steps = clusters.entry(HOSTS[*i].cluster).or_default();
        for p in points {
            let t = p.time - p.time.rem_euclid(STEP);
            if (p0..p1).contains(&t) {
                // Points are in time order: a later one in the same step replaces.
                steps.entry(t).or_default().insert(*i, p.tenths);
            }
        }
    }
    clusters
        .into_iter()
        .filter_map(|(cluster, steps)| {
            let mut worst: Option<Headroom> = None;
            for (t, hosts) in steps {
                let n = hosts.len() as i64;
                let load: i64 = hosts.values().sum();
                let value = load as f64 / 10.0 / (n - MARGIN_HOSTS) as f64;
                if worst.as_ref().is_none_or(|w| value > w.peak_percent) {
                    worst = Some(Headroom {
                        cluster,
                        at: t,
                        sampled: n,
                        load_tenths: load,
                        peak_percent: value,
                    });
                }
            }
            worst
        })
        .collect()
}

/// SPEC §15 "Disk alerting": per host, maximal runs of samples above the threshold
/// starting in the period, each alerted by an alert on the host that started by
/// breach start + delay and had not resolved before the breach start.
fn disk_alerting(series: &Series, alerts: &[Alert]) -> Vec<DiskHost> {
    let (p0, _) = period();
    let mut out = Vec::new();
    for ((i, resource), points) in series {
        if *resource != "disk" {
            continue;
        }
        let host = HOSTS[*i].name;
        let mut runs: Vec<Breach> = Vec::new();
        let mut open: Option<Breach> = None;
        for p in points {
            if p.tenths > DISK_THRESHOLD_TENTHS {
                match &mut open {
                    Some(b) => b.peak_tenths = b.peak_tenths.max(p.tenths),
                    None => {
                        open = Some(Breach {
                            start: p.time,
                            end: None,
                            peak_tenths: p.tenths,
                            alerting: String::new(),
                            timely: false,
                        })
                    }
                }
            } else if let Some(mut b) = open.take() {
                b.end = Some(p.time);
                runs.push(b);
            }
        }
        runs.extend(open);
        let mut breaches = Vec::new();
        for mut b in runs.into_iter().filter(|b| b.start >= p0) {
            let live = |a: &&Alert| a.target == host && a.resolved.is_none_or(|r| r >= b.start);
            let on_host: Vec<&Alert> = alerts.iter().filter(live).collect();
            let timely = on_host
                .iter()
                .filter(|a| a.started <= b.start + DISK_DELAY_MAX)
                // auditpack names an on-time alert before one already firing.
                .min_by_key(|a| (a.started <= b.start, a.started));
            (b.alerting, b.timely) = match timely {
                Some(a) if a.started <= b.start => (format!("{} already firing", a.alert), true),
                Some(a) => (
                    format!(
                        "{} {} min after the start: on time",
                        a.alert,
                        (a.started - b.start) / MIN
                    ),
                    true,
                ),
                None => match on_host
                    .iter()
                    .filter(|a| b.end.is_none_or(|e| a.started < e))
                    .min_by_key(|a| a.started)
                {
                    Some(a) => (
                        format!(
                            "{} at {}, {:.2} min after the start: late",
                            a.alert,
                            rfc3339(a.started),
                            (a.started - b.start) as f64 / MIN as f64
                        ),
                        false,
                    ),
                    None => ("no alert".to_string(), false),
                },
            };
            breaches.push(b);
        }
        out.push(DiskHost { host, breaches });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_does_what_the_readme_says() {
        let dir = std::env::temp_dir().join(format!("fixturegen-util-{}", std::process::id()));
        fs::create_dir_all(dir.join("evidence")).expect("temp dir");
        let mut all = alerts();
        all.push(Alert {
            alert: "DiskSpaceLow",
            target: "files-01",
            started: utc(2026, 10, 9, 2, 0),
            severity: "warning",
            resolved: Some(utc(2026, 10, 10, 8, 0)),
            note: "",
        });
        let u = write(27_001, &dir, &all).expect("write");
        fs::remove_dir_all(&dir).expect("clean up");
        let verdicts: Vec<(&str, bool)> =
            u.headroom.iter().map(|h| (h.cluster, h.pass())).collect();
        assert_eq!(verdicts, vec![("db", false), ("k8s-prod", true)]);
        assert!((payroll_run().0..payroll_run().1).contains(&u.headroom[0].at));
        let failing: Vec<(&str, usize)> = u
            .disks
            .iter()
            .filter(|d| !d.breaches.is_empty())
            .map(|d| (d.host, d.unalerted()))
            .collect();
        assert_eq!(failing, vec![("db-main-02", 1), ("files-01", 0)]);
    }
}
