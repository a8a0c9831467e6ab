//! The demo organisation: Southern Cross Hosting Pty Ltd, October 2026.
//!
//! The month is a scripted scenario (every planted event sits at a fixed UTC
//! time, so the README can talk about it) played over seeded noise (sample
//! jitter, latencies and a few isolated single-location probe failures, which
//! move with the seed). Each planted event exists to exercise one rule of
//! SPEC §7 "Availability, exactly"; `Event::verdict` says which.
//!
//! Output: `auditpack.toml`, `evidence/probes/<service>.csv` (with `latency_ms`
//! on up samples), the sparse year of `history.rs`
//! (`evidence/probes-history/<service>.csv`), the cpu and disk series of
//! `utilization.rs` (`evidence/utilization.csv`), `evidence/maintenance.csv`, the canonical backup evidence of `backups.rs`
//! (`evidence/backups/ledger-db.csv`, `evidence/restore_tests.csv`), the access,
//! logging and monitoring evidence of `access.rs` (`evidence/audit/*.ndjson`,
//! `evidence/leavers.csv`, `evidence/alerts.csv`), the attestations and waivers of
//! `controls.rs` (`attestations.toml`, `waivers.toml`) and `README.md` under the
//! chosen directory. Files
//! are written whole, with LF line endings, in a fixed order, so the same seed
//! always gives byte-identical files.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::access::{self, Access};
use crate::backups::{self, Backups, Figures};
use crate::config_toml::{self, Input};
use crate::controls;
use crate::history;
use crate::org::{period, ORGANISATION, PRIMARY_REGION, TIMEZONE};
use crate::prng::Rng;
use crate::reference::{self, Outcome, Policy, Sample, WindowSpan};
use crate::snapshots;
use crate::time::{rfc3339, utc, HOUR, MIN};
use crate::utilization::{self, Utilization};

/// `uptime_target_percent` and `min_monitoring_coverage_percent` of the config.
pub const UPTIME_TARGET: f64 = 99.9;
pub const MIN_COVERAGE: f64 = 99.0;

/// The `[policy]` keys availability depends on, as written to the config.
pub const POLICY: Policy = Policy {
    probe_quorum: 0,
    max_sample_gap: 5 * MIN,
    maintenance_notice: 48 * HOUR,
};

/// Seconds between two probes of one service from one location.
const CADENCE: i64 = MIN;
/// Each sample lands 0..=MAX_JITTER seconds after its nominal minute, so the
/// three locations are never perfectly aligned (as with real probe schedulers).
const MAX_JITTER: i64 = 4;
/// Isolated single-location failures per service, placed by the seed.
const BLIPS_PER_SERVICE: usize = 3;
/// A random blip keeps at least this far from anything planted, so it can never
/// combine with another location's failure into a quorum.
const BLIP_CLEARANCE: i64 = 30 * MIN;

/// Where the availability evidence goes, relative to the demo root.
const PROBES_DIR: &str = "evidence/probes/";
const MAINTENANCE: &str = "evidence/maintenance.csv";

pub const SERVICES: [&str; 4] = ["payroll-api", "payroll-web", "jobs-api", "customer-portal"];

/// A probe location and its normal round-trip latency range (ms) to the
/// Melbourne data centre.
pub struct Location {
    pub name: &'static str,
    pub latency_ms: (i64, i64),
}

pub const LOCATIONS: [Location; 3] = [
    Location {
        name: "syd",
        latency_ms: (20, 60),
    },
    Location {
        name: "per",
        latency_ms: (50, 90),
    },
    Location {
        name: "sgp",
        latency_ms: (90, 150),
    },
];

/// Probes run from a little before the period to a little after it, so both
/// ends are covered by a sample and "evidence just before the period" exists.
pub fn data_range() -> (i64, i64) {
    (utc(2026, 9, 30, 12, 0), utc(2026, 10, 31, 13, 30))
}

/// One row of `maintenance.csv`.
pub struct Window {
    pub reference: &'static str,
    pub service: &'static str,
    pub start: i64,
    pub end: i64,
    pub announced_at: i64,
    pub purpose: &'static str,
}

impl Window {
    pub fn applies_to(&self, service: &str) -> bool {
        self.service == "*" || self.service == service
    }

    pub fn span(&self) -> WindowSpan {
        WindowSpan {
            start: self.start,
            end: self.end,
            announced_at: Some(self.announced_at),
        }
    }
}

/// What a planted event does to the samples of its locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Samples report `up=0`.
    Down,
    /// No samples at all (the probe agent or its pipeline is broken).
    Silent,
    /// Still up, but latency triples (a struggling service before it falls over).
    Slow,
    /// Still up, with latency drawn from `[lo, hi]` ms (a service struggling for a
    /// while). Drawn from a stream of its own, so the noise elsewhere is unchanged.
    SlowTo(i64, i64),
}

/// A planted event: every sample whose nominal minute is in `[start, end)`, at
/// one of `locations`, is affected.
pub struct Event {
    pub service: &'static str,
    pub effect: Effect,
    pub start: i64,
    pub end: i64,
    pub locations: Vec<&'static str>,
    pub what: String,
    /// What a correct tool concludes about it.
    pub verdict: String,
    /// Placed by the seed rather than by the script.
    pub random: bool,
}

/// The whole scenario for one seed.
pub struct Demo {
    pub seed: u64,
    pub windows: Vec<Window>,
    pub events: Vec<Event>,
    /// The backup scenario (fixed, not seeded).
    pub backups: Backups,
    /// Audit logs, leavers and alerts (planted events over seeded noise).
    pub access: Access,
}

/// Shorthand for the scripted events below.
fn planted(
    service: &'static str,
    effect: Effect,
    (start, end): (i64, i64),
    locations: &[&'static str],
    what: &str,
    verdict: &str,
) -> Event {
    Event {
        service,
        effect,
        start,
        end,
        locations: locations.to_vec(),
        what: what.to_string(),
        verdict: verdict.to_string(),
        random: false,
    }
}

/// `[y-m-d h1:m1, y-m-d h2:m2)` in UTC, for one-day spans.
fn span(y: i32, mo: u32, d: u32, (h1, m1): (u32, u32), (h2, m2): (u32, u32)) -> (i64, i64) {
    (utc(y, mo, d, h1, m1), utc(y, mo, d, h2, m2))
}

const ALL: &[&str] = &["syd", "per", "sgp"];

fn windows() -> Vec<Window> {
    vec![
        Window {
            reference: "CHG-2026-0930",
            service: "payroll-web",
            start: utc(2026, 9, 30, 13, 0),
            end: utc(2026, 9, 30, 15, 0),
            announced_at: utc(2026, 9, 23, 2, 0),
            purpose: "payroll-web database migration (straddles the period start)",
        },
        Window {
            reference: "CHG-2026-1009",
            service: "payroll-web",
            start: utc(2026, 10, 8, 15, 0),
            end: utc(2026, 10, 8, 15, 30),
            announced_at: utc(2026, 10, 6, 15, 0),
            purpose: "TLS certificate rotation, announced exactly 48 h ahead",
        },
        Window {
            reference: "CHG-2026-1018",
            service: "jobs-api",
            start: utc(2026, 10, 17, 15, 0),
            end: utc(2026, 10, 17, 17, 0),
            announced_at: utc(2026, 10, 10, 14, 30),
            purpose: "queue broker major-version upgrade",
        },
        Window {
            reference: "CHG-2026-1022",
            service: "jobs-api",
            start: utc(2026, 10, 22, 3, 0),
            end: utc(2026, 10, 22, 3, 45),
            announced_at: utc(2026, 10, 22, 0, 0),
            purpose: "emergency kernel patch, announced 3 h ahead (late)",
        },
        Window {
            reference: "CHG-2026-1025",
            service: "*",
            start: utc(2026, 10, 24, 14, 0),
            end: utc(2026, 10, 24, 15, 0),
            announced_at: utc(2026, 10, 14, 14, 0),
            purpose: "core switch firmware upgrade, all services",
        },
        Window {
            reference: "CHG-2026-1028",
            service: "customer-portal",
            start: utc(2026, 10, 27, 23, 0),
            end: utc(2026, 10, 27, 23, 30),
            announced_at: utc(2026, 10, 20, 23, 0),
            purpose: "CDN provider cut-over, scheduled in business hours (Wed 10:00 AEDT)",
        },
    ]
}

fn scripted_events() -> Vec<Event> {
    use Effect::*;
    const QUORUM: &str = "counts as downtime: quorum (2 of 3) down";
    const ALONE: &str = "not downtime: one location alone is below quorum";
    const IN_WINDOW: &str = "excluded: inside a scheduled window";
    vec![
        // payroll-api: three real incidents (~50 min) blow the 99.9 % budget.
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 3, (15, 52), (16, 10)),
            &["syd", "per"],
            "outage across the DST change (local clock jumps 02:00 AEST -> 03:00 AEDT)",
            "counts as downtime: quorum down for 18 min of real time, although local \
             wall-clock times span 78 min",
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 6, (7, 15), (7, 19)),
            &["per"],
            "per probe flaps",
            ALONE,
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 12, (19, 40), (19, 43)),
            &["per"],
            "per probe flaps",
            ALONE,
        ),
        planted(
            "payroll-api",
            Slow,
            span(2026, 10, 14, (3, 4), (3, 10)),
            ALL,
            "latency triples before the outage",
            "no effect on availability (still up)",
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 14, (3, 10), (3, 33)),
            ALL,
            "outage: database connection pool exhausted",
            QUORUM,
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 18, (11, 5), (11, 10)),
            &["per"],
            "per probe flaps",
            ALONE,
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 21, (9, 41), (9, 50)),
            &["syd", "sgp"],
            "partial outage: one of two load-balancer pools failing",
            QUORUM,
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 24, (14, 5), (14, 25)),
            ALL,
            "down during CHG-2026-1025",
            IN_WINDOW,
        ),
        planted(
            "payroll-api",
            Down,
            span(2026, 10, 28, (23, 20), (23, 23)),
            &["per"],
            "per probe flaps",
            ALONE,
        ),
        // payroll-web: windows that test clipping and the inclusive notice bound.
        planted(
            "payroll-web",
            Down,
            span(2026, 9, 30, (13, 3), (14, 52)),
            ALL,
            "down during CHG-2026-0930 (starts before the period)",
            "excluded: only the in-period part of the window (14:00-15:00Z) is removed, \
             and it covers the 52 in-period minutes of downtime",
        ),
        planted(
            "payroll-web",
            Down,
            span(2026, 10, 8, (15, 4), (15, 24)),
            ALL,
            "down during CHG-2026-1009",
            "excluded: announced exactly 48 h before its start, which is scheduled \
             (the bound is inclusive)",
        ),
        planted(
            "payroll-web",
            Down,
            span(2026, 10, 16, (23, 18), (23, 24)),
            &["syd", "sgp"],
            "short incident: bad deploy rolled back",
            QUORUM,
        ),
        planted(
            "payroll-web",
            Down,
            span(2026, 10, 24, (14, 30), (14, 38)),
            &["syd", "sgp"],
            "down during CHG-2026-1025",
            IN_WINDOW,
        ),
        // jobs-api: a late window does not excuse its downtime.
        planted(
            "jobs-api",
            Down,
            span(2026, 10, 11, (22, 40), (22, 54)),
            ALL,
            "unannounced outage: worker queue backlog",
            QUORUM,
        ),
        planted(
            "jobs-api",
            Down,
            span(2026, 10, 17, (15, 2), (16, 55)),
            ALL,
            "down during CHG-2026-1018",
            IN_WINDOW,
        ),
        planted(
            "jobs-api",
            SlowTo(4_000, 6_000),
            span(2026, 10, 17, (16, 55), (17, 0)),
            ALL,
            "cold caches after the broker upgrade: 4-6 s responses",
            "excluded from `uptime.latency`: inside the scheduled CHG-2026-1018",
        ),
        planted(
            "jobs-api",
            SlowTo(900, 1_600),
            (utc(2026, 10, 26, 0, 0), utc(2026, 10, 28, 0, 0)),
            ALL,
            "a runaway batch job starves the worker pool for 48 h: 0.9-1.6 s responses",
            "no downtime, but over 5 % of the month's up samples: p95 above 800 ms fails \
             `uptime.latency`",
        ),
        planted(
            "jobs-api",
            Down,
            span(2026, 10, 22, (3, 4), (3, 39)),
            ALL,
            "down during CHG-2026-1022",
            "counts as downtime: the window was announced 3 h ahead, under the 48 h \
             notice, so it is not scheduled",
        ),
        planted(
            "jobs-api",
            Down,
            span(2026, 10, 24, (14, 10), (14, 20)),
            &["per"],
            "per down during CHG-2026-1025",
            IN_WINDOW,
        ),
        // customer-portal: healthy, but the monitoring itself has holes.
        planted(
            "customer-portal",
            Silent,
            span(2026, 10, 9, (2, 0), (8, 0)),
            &["sgp"],
            "sgp probe agent stopped for 6 h",
            "still measured: syd and per (2 of 3) have data",
        ),
        planted(
            "customer-portal",
            Silent,
            span(2026, 10, 9, (5, 0), (5, 40)),
            &["per"],
            "per probe agent restarted while sgp was still out",
            "no data: only syd has data, fewer than 2 of 3 (the last samples stand \
             for 5 min, so about 36 min)",
        ),
        planted(
            "customer-portal",
            Silent,
            span(2026, 10, 19, (16, 0), (17, 30)),
            ALL,
            "probe configuration for the service deleted by mistake, then restored",
            "no data for about 86 min (90 min minus the 5 min a last sample stands for)",
        ),
        planted(
            "customer-portal",
            Down,
            span(2026, 10, 24, (14, 12), (14, 47)),
            &["per", "sgp"],
            "down during CHG-2026-1025",
            IN_WINDOW,
        ),
    ]
}

/// Isolated single-sample failures placed by the seed, away from everything
/// planted, so they are always below quorum.
fn random_blips(seed: u64, scripted: &[Event], windows: &[Window]) -> Vec<Event> {
    let (p0, p1) = period();
    let mut out: Vec<Event> = Vec::new();
    for service in SERVICES {
        let mut rng = Rng::stream(seed, &[service, "blips"]);
        let mut busy: Vec<(i64, i64)> = scripted
            .iter()
            .filter(|e| e.service == service)
            .map(|e| (e.start, e.end))
            .chain(
                windows
                    .iter()
                    .filter(|w| w.applies_to(service))
                    .map(|w| (w.start, w.end)),
            )
            .collect();
        let mut placed = 0;
        while placed < BLIPS_PER_SERVICE {
            // Whole minutes, an hour clear of the period ends.
            let minutes = (p1 - p0 - 2 * HOUR) / MIN;
            let start = p0 + HOUR + rng.below(minutes as u64) as i64 * MIN;
            let location = LOCATIONS[rng.below(LOCATIONS.len() as u64) as usize].name;
            let clear = busy.iter().all(|&(s, e)| {
                start + CADENCE + BLIP_CLEARANCE <= s || e + BLIP_CLEARANCE <= start
            });
            if !clear {
                continue;
            }
            busy.push((start, start + CADENCE));
            out.push(Event {
                service,
                effect: Effect::Down,
                start,
                end: start + CADENCE,
                locations: vec![location],
                what: format!("isolated {location} probe failure (one sample)"),
                verdict: "not downtime: one location alone is below quorum".to_string(),
                random: true,
            });
            placed += 1;
        }
    }
    out
}

impl Demo {
    pub fn new(seed: u64) -> Self {
        let windows = windows();
        let mut events = scripted_events();
        let blips = random_blips(seed, &events, &windows);
        events.extend(blips);
        events.sort_by_key(|e| (e.start, e.end));
        let mut access = Access::new(seed);
        // The disk alert the utilization scenario plants goes in the same alerts.csv.
        access.alerts.extend(utilization::alerts());
        access.alerts.sort_by_key(|a| (a.started, a.target));
        Demo {
            seed,
            windows,
            events,
            backups: backups::plan(),
            access,
        }
    }
}

/// Figures for one service, from the samples actually written.
pub struct ServiceResult {
    pub service: &'static str,
    pub rows: usize,
    /// SPEC §7 applied to the nominal sample minutes (no jitter): the figures
    /// planted by construction, in whole minutes.
    pub planted: Outcome,
    /// SPEC §7 applied exactly to the jittered samples in the file.
    pub exact: Outcome,
    /// SPEC §15 `uptime.latency` on the samples in the file.
    pub latency: Latency,
    /// Rows of `evidence/probes-history/<service>.csv`.
    pub history_rows: usize,
    /// SPEC §7 over the trailing window (SPEC §15), on the history and the month.
    pub trailing: Outcome,
}

/// `uptime.latency` of one service (SPEC §15): nearest-rank percentiles of the up
/// samples' latency in the period, outside scheduled windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    pub n: usize,
    /// Up samples in the period left out because a scheduled window holds them.
    pub excluded: usize,
    pub p50: i64,
    pub p95: i64,
    pub p99: i64,
    pub max: i64,
}

impl Latency {
    fn of(samples: &[(i64, i64)], scheduled: &[(i64, i64)]) -> Self {
        let (p0, p1) = period();
        let in_period: Vec<(i64, i64)> = samples
            .iter()
            .copied()
            .filter(|(t, _)| (p0..p1).contains(t))
            .collect();
        let mut kept: Vec<i64> = in_period
            .iter()
            .filter(|(t, _)| !scheduled.iter().any(|&(s, e)| (s..e).contains(t)))
            .map(|&(_, ms)| ms)
            .collect();
        kept.sort_unstable();
        let n = kept.len();
        // Rank ⌈p × n / 100⌉, 1-based, in integers.
        let rank = |p: usize| {
            kept.get((p * n).div_ceil(100).max(1) - 1)
                .copied()
                .unwrap_or(0)
        };
        Latency {
            n,
            excluded: in_period.len() - n,
            p50: rank(50),
            p95: rank(95),
            p99: rank(99),
            max: kept.last().copied().unwrap_or(0),
        }
    }
}

/// Everything one run produced.
pub struct Output {
    pub files: Vec<PathBuf>,
    pub services: Vec<ServiceResult>,
    /// SPEC §7 "Backups, exactly" on the backup plan, per source.
    pub backups: Vec<Figures>,
    /// SPEC §7 "Access and logging, exactly" and alert resolution, per subject.
    pub access: Vec<access::Finding>,
    /// The utilization evidence and SPEC §15's capacity and disk figures.
    pub utilization: Utilization,
}

/// Write the whole demo under `out`.
pub fn write(demo: &Demo, out: &Path) -> io::Result<Output> {
    let probes_dir = out.join(PROBES_DIR);
    fs::create_dir_all(&probes_dir)?;

    let mut files = Vec::new();
    let config = out.join("auditpack.toml");
    fs::write(&config, config_text(demo.seed, &demo.backups))?;
    files.push(config);

    let maintenance = out.join(MAINTENANCE);
    fs::write(&maintenance, maintenance_csv(&demo.windows))?;
    files.push(maintenance);
    files.extend(backups::write_canonical(&demo.backups, out)?);
    files.extend(access::write(&demo.access, out)?);
    files.extend(controls::write(demo.seed, out)?);
    files.extend(snapshots::write(out)?);
    let utilization = utilization::write(demo.seed, out, &demo.access.alerts)?;
    files.push(utilization.path.clone());

    let history_dir = out.join(history::DIR);
    fs::create_dir_all(&history_dir)?;
    let mut services = Vec::new();
    for service in SERVICES {
        let path = probes_dir.join(format!("{service}.csv"));
        let (rows, (jittered, nominal), latencies) = write_probes(demo, service, &path)?;
        files.push(path);
        let history_path = history_dir.join(format!("{service}.csv"));
        let (history_rows, history) = history::write(service, data_range().0, &history_path)?;
        files.push(history_path);
        let windows: Vec<WindowSpan> = demo
            .windows
            .iter()
            .filter(|w| w.applies_to(service))
            .map(Window::span)
            .collect();
        let scheduled: Vec<(i64, i64)> = windows
            .iter()
            .filter(|w| w.is_scheduled(POLICY.maintenance_notice))
            .map(|w| (w.start, w.end))
            .collect();
        // The year: each location's history, then its month (the files never overlap).
        let year: Vec<Vec<Sample>> = LOCATIONS
            .iter()
            .zip(&jittered)
            .map(|(l, month)| {
                let old = history::LOCATIONS
                    .iter()
                    .position(|h| *h == l.name)
                    .map_or(&[][..], |i| history[i].as_slice());
                old.iter().chain(month).copied().collect()
            })
            .collect();
        let (w0, w1) = history::window();
        let trailing = {
            let locs: Vec<(&str, &[Sample])> = LOCATIONS
                .iter()
                .zip(&year)
                .map(|(l, s)| (l.name, s.as_slice()))
                .collect();
            reference::assess(w0, w1, &locs, &windows, POLICY)
        };
        let (p0, p1) = period();
        let assess = |samples: &[Vec<Sample>]| {
            let locs: Vec<(&str, &[Sample])> = LOCATIONS
                .iter()
                .zip(samples)
                .map(|(l, s)| (l.name, s.as_slice()))
                .collect();
            reference::assess(p0, p1, &locs, &windows, POLICY)
        };
        services.push(ServiceResult {
            service,
            rows,
            planted: assess(&nominal),
            exact: assess(&jittered),
            latency: Latency::of(&latencies, &scheduled),
            history_rows,
            trailing,
        });
    }
    Ok(Output {
        files,
        services,
        backups: backups::assess(&demo.backups),
        access: access::assess(&demo.access),
        utilization,
    })
}

/// The config, in exactly the shape the README and tests expect.
fn config_text(seed: u64, plan: &Backups) -> String {
    let mut text = format!(
        "# Demo organisation for auditpack. Generated by tools/fixturegen (seed {seed}): do not edit by hand.
[organisation]
name = \"{ORGANISATION}\"
timezone = \"{TIMEZONE}\"
primary_region = \"{PRIMARY_REGION}\"

[policy]
uptime_target_percent = 99.9
probe_quorum = 0
max_sample_gap = \"5m\"
min_monitoring_coverage_percent = 99.0
maintenance_notice = \"48h\"
{policy}{access}{second_wave}{utilization}{tiers}
",
        policy = backups::POLICY_TOML,
        access = access::POLICY_TOML,
        second_wave = SECOND_WAVE_POLICY_TOML,
        utilization = utilization::POLICY_TOML,
        tiers = backups::TIERS_TOML,
    );
    text.push_str(&config_toml::inputs(&[
        Input::new("probes", "csv", PROBES_DIR),
        Input::new("probes", "csv", history::DIR),
        Input::new("maintenance", "csv", MAINTENANCE),
        Input::new("utilization", "csv", utilization::UTILIZATION),
    ]));
    text.push_str(&backups::config_inputs(plan));
    text.push_str(&access::config_inputs());
    text.push_str(&snapshots::config_inputs());
    text.push_str(controls::CONFIG_CONTROLS);
    text.push_str(SIGNING_TOML);
    text
}

/// The SPEC §15 `[policy]` keys of maintenance and uptime, as written to the config.
const SECOND_WAVE_POLICY_TOML: &str = "business_hours = \"08:00-18:00\"
business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]
maintenance_business_hours_max = \"0m\"
latency_p95_max = \"800ms\"
trailing_months = 12
trailing_uptime_target_percent = 99.9
";
/// `latency_p95_max`, in ms.
pub const LATENCY_P95_MAX: i64 = 800;

/// The demo signs its packs with public, demo-only keys (made once with
/// `auditpack keygen`, committed under `keys-DEMO-ONLY/`, not by this generator: keys are
/// random). A pack signed with them proves nothing; a real user runs `keygen`.
const SIGNING_TOML: &str = "
# DEMO-ONLY keys, public on purpose (see keys-DEMO-ONLY/README.md): never sign real evidence with them.
[signing]
ssh_key = \"keys-DEMO-ONLY/auditpack_ed25519\"
pdf_key = \"keys-DEMO-ONLY/pdf-signing.key\"
pdf_certificate = \"keys-DEMO-ONLY/pdf-signing.crt\"
";

fn maintenance_csv(windows: &[Window]) -> String {
    let mut sorted: Vec<&Window> = windows.iter().collect();
    sorted.sort_by_key(|w| (w.start, w.end, w.service));
    let mut s = String::from("service,start,end,announced_at,reference\n");
    for w in sorted {
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            w.service,
            rfc3339(w.start),
            rfc3339(w.end),
            rfc3339(w.announced_at),
            w.reference
        ));
    }
    s
}

/// One sample before it is written.
struct Row {
    time: i64,
    location: &'static str,
    up: bool,
    latency_ms: i64,
}

/// Per-location samples: (as written, with jitter) and (nominal minute).
type SampleSets = (Vec<Vec<Sample>>, Vec<Vec<Sample>>);

/// (time, latency ms) of the up samples written.
type Latencies = Vec<(i64, i64)>;

/// Write one service's probes file; return its row count, its samples, and the
/// (time, latency ms) of its up samples as written.
fn write_probes(
    demo: &Demo,
    service: &str,
    path: &Path,
) -> io::Result<(usize, SampleSets, Latencies)> {
    let (d0, d1) = data_range();
    let mut rngs: Vec<Rng> = LOCATIONS
        .iter()
        .map(|l| Rng::stream(demo.seed, &[service, l.name]))
        .collect();
    let mut slow_rngs: Vec<Rng> = LOCATIONS
        .iter()
        .map(|l| Rng::stream(demo.seed, &[service, l.name, "slow"]))
        .collect();
    let mut latencies = Vec::new();
    // Events per location, so the inner loop only scans its own few.
    let events: Vec<Vec<&Event>> = LOCATIONS
        .iter()
        .map(|l| {
            demo.events
                .iter()
                .filter(|e| e.service == service && e.locations.contains(&l.name))
                .collect()
        })
        .collect();

    let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
    w.write_all(b"time,service,location,up,latency_ms\n")?;
    let (mut jittered, mut nominal): SampleSets = (
        vec![Vec::new(); LOCATIONS.len()],
        vec![Vec::new(); LOCATIONS.len()],
    );
    let mut rows = 0;
    let mut minute: Vec<Row> = Vec::with_capacity(LOCATIONS.len());

    let mut base = d0;
    while base < d1 {
        minute.clear();
        for (i, loc) in LOCATIONS.iter().enumerate() {
            let rng = &mut rngs[i];
            // Draw the same numbers whatever the sample's fate, so an event
            // never shifts the noise of the samples after it.
            let jitter = rng.range(0, MAX_JITTER);
            let (lo, hi) = loc.latency_ms;
            // Mean of two uniforms: a triangular spread, like real latency.
            let mut latency = (rng.range(lo, hi) + rng.range(lo, hi)) / 2;

            let active = |effect| {
                events[i]
                    .iter()
                    .any(|e| e.effect == effect && (e.start..e.end).contains(&base))
            };
            if active(Effect::Silent) {
                continue;
            }
            if active(Effect::Slow) {
                latency *= 3;
            }
            let slow_to = events[i].iter().find_map(|e| match e.effect {
                Effect::SlowTo(lo, hi) if (e.start..e.end).contains(&base) => Some((lo, hi)),
                _ => None,
            });
            if let Some((lo, hi)) = slow_to {
                latency = slow_rngs[i].range(lo, hi);
            }
            let up = !active(Effect::Down);
            jittered[i].push((base + jitter, up));
            nominal[i].push((base, up));
            minute.push(Row {
                time: base + jitter,
                location: loc.name,
                up,
                latency_ms: latency,
            });
        }
        // Jitter is far below the cadence, so sorting within a minute sorts
        // the file by (time, location).
        minute.sort_by(|a, b| (a.time, a.location).cmp(&(b.time, b.location)));
        for r in &minute {
            if r.up {
                latencies.push((r.time, r.latency_ms));
                writeln!(
                    w,
                    "{},{service},{},1,{}",
                    rfc3339(r.time),
                    r.location,
                    r.latency_ms
                )?;
            } else {
                writeln!(w, "{},{service},{},0,", rfc3339(r.time), r.location)?;
            }
            rows += 1;
        }
        base += CADENCE;
    }
    w.flush()?;
    Ok((rows, (jittered, nominal), latencies))
}
