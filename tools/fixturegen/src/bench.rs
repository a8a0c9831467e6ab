//! The SPEC §13 benchmark workload: one month (October 2026, a UTC
//! organisation) of everything `auditpack report` reads, at production scale.
//!
//! - `evidence/audit/*.ndjson`: `--audit-events` events (default 10 M, about
//!   2 GB) over eight `prev_hash`-chained files: the admin console (staff) and
//!   seven application shards (customers of 500 tenants, support access).
//! - `evidence/probes/<service>.csv`: 20 services x 3 locations every 60 s
//!   (about 2.7 M rows), with a few incidents.
//! - `evidence/probes-history/<service>.csv`: the same probes over the months before
//!   (`--probe-months`, default 12 with the period: about 32 M rows in all, SPEC §19),
//!   read by `uptime.trailing_availability`.
//! - `evidence/utilization.csv`: 100 hosts in 5 clusters, CPU every 60 s and the root
//!   disk every 5 min (SPEC §15), with one cluster over its failover limit and three
//!   disk breaches that no alert follows.
//! - `evidence/backups.csv`: 200 sources backed up every 4 h plus a daily
//!   offsite copy (canonical CSV), month-end points for retention;
//!   `evidence/restore_tests.csv`.
//! - `evidence/alerts.csv` (1,000 alerts), `evidence/leavers.csv`,
//!   `evidence/maintenance.csv`, and `auditpack.toml` (whose `[signing]` keys,
//!   `keys/`, come from `auditpack keygen`: the generator makes no keys).
//!
//! Everything is streamed through `BufWriter`s: memory stays flat whatever the
//! event count. The same seed and count give byte-identical files. Planted
//! exceptions (MFA-less logins, ticketless support access, late deactivations,
//! barred logins, one edited line) are rare but present, so every check has
//! real work and real failures; their expected counts are printed to stdout
//! and written to `expected.txt` for cross-checking.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::audit_log::{Chain, Line};
use crate::config_toml::{self, Input};
use crate::prng::Rng;
use crate::time::{rfc3339, utc, DAY, HOUR, MIN};

pub const DEFAULT_AUDIT_EVENTS: u64 = 10_000_000;

/// The benchmark period: October 2026 in UTC.
pub fn period() -> (i64, i64) {
    (utc(2026, 10, 1, 0, 0), utc(2026, 11, 1, 0, 0))
}

/// The audit logs start a day early, so deactivations before the period exist.
fn log_range() -> (i64, i64) {
    (utc(2026, 9, 30, 0, 0), utc(2026, 11, 1, 0, 0))
}

const TENANTS: usize = 500;
const CUSTOMERS: usize = 20_000;
const ADMINS: usize = 20;
const SUPPORT: usize = 60;
const ENGINEERS: usize = 120;
const STAFF: usize = ADMINS + SUPPORT + ENGINEERS;
const LEAVERS: usize = 50;
const CREDENTIALS: usize = 20;
/// Audit files: the admin console and seven application shards.
const APP_SHARDS: usize = 7;
/// The admin console's share of all events, in thousandths.
const CONSOLE_PERMILLE: u64 = 100;
/// One in this many MFA-required logins has no MFA; one in this many support
/// accesses has no ticket.
const NO_MFA_ONE_IN: u64 = 50_000;
const NO_TICKET_ONE_IN: u64 = 20_000;

pub const DEFAULT_PROBE_MONTHS: u32 = 12;
const HOSTS: usize = 100;
const CLUSTERS: usize = 5;
/// The policy defaults the planted capacity and disk figures are judged by.
const MARGIN_HOSTS: usize = 2;
const DISK_THRESHOLD: i64 = 85;
const SERVICES: usize = 20;
const LOCATIONS: [&str; 3] = ["syd", "mel", "per"];
const SOURCES: usize = 200;
const ALERTS: usize = 1_000;

pub const PRIMARY_REGION: &str = "ap-southeast-2";
pub const OFFSITE_REGION: &str = "ap-southeast-4";

/// What was written, and what a correct tool must count.
#[derive(Default)]
pub struct Summary {
    pub files: Vec<(PathBuf, u64, u64)>,
    pub expected: String,
}

/// Fast RFC 3339 formatting for increasing instants: the date is formatted
/// once per day.
struct Clock {
    day: i64,
    text: String,
}

impl Clock {
    fn new() -> Self {
        Clock {
            day: i64::MIN,
            text: String::new(),
        }
    }

    fn format(&mut self, secs: i64) -> &str {
        let day = secs.div_euclid(DAY);
        if day != self.day {
            self.day = day;
            self.text = rfc3339(day * DAY);
        }
        let s = secs.rem_euclid(DAY);
        // `2026-10-01T` stays; `HH:MM:SSZ` is rewritten in place.
        self.text.truncate("2026-10-01T".len());
        for (i, v) in [s / HOUR, s % HOUR / MIN, s % MIN].into_iter().enumerate() {
            if i > 0 {
                self.text.push(':');
            }
            self.text.push(char::from(b'0' + (v / 10) as u8));
            self.text.push(char::from(b'0' + (v % 10) as u8));
        }
        self.text.push('Z');
        &self.text
    }
}

/// One audit event, borrowed for writing.
struct Ev<'a> {
    time: i64,
    actor: &'a str,
    action: &'a str,
    success: bool,
    role: Option<&'a str>,
    tenant: Option<&'a str>,
    mfa: Option<bool>,
    target: Option<&'a str>,
    /// `None`: no field; `Some("")`: an empty ticket.
    ticket: Option<&'a str>,
    ip: &'a str,
}

/// An owned event planted at a fixed time.
#[derive(Clone)]
struct Special {
    time: i64,
    actor: String,
    action: &'static str,
    role: &'static str,
    target: Option<String>,
    mfa: Option<bool>,
}

impl Special {
    fn ev(&self) -> Ev<'_> {
        Ev {
            time: self.time,
            actor: &self.actor,
            action: self.action,
            success: true,
            role: Some(self.role),
            tenant: None,
            mfa: self.mfa,
            target: self.target.as_deref(),
            ticket: None,
            ip: "10.8.0.4",
        }
    }
}

/// Writes one chained NDJSON file, line by line.
struct ChainWriter {
    out: BufWriter<File>,
    line: Vec<u8>,
    chain: Chain,
    clock: Clock,
    lines: u64,
    bytes: u64,
}

impl ChainWriter {
    fn create(path: &Path) -> io::Result<Self> {
        Ok(ChainWriter {
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            line: Vec::with_capacity(512),
            chain: Chain::default(),
            clock: Clock::new(),
            lines: 0,
            bytes: 0,
        })
    }

    /// Write `e`; with `tamper`, the line is chained as written here but then
    /// edited (its `ip` changed) before it reaches the file.
    fn write(&mut self, e: &Ev<'_>, tamper: bool) -> io::Result<()> {
        let line = Line {
            time: self.clock.format(e.time),
            actor: e.actor,
            action: e.action,
            outcome: if e.success { "success" } else { "failure" },
            role: e.role,
            tenant: e.tenant,
            mfa: e.mfa,
            target: e.target,
            ticket: e.ticket,
            ip: Some(e.ip),
            new_role: None,
            event_id: None,
            prev_hash: "",
        };
        let l = &mut self.line;
        self.chain.push(l, &line);
        if tamper {
            let text = String::from_utf8_lossy(l).replace("\"ip\":\"10.", "\"ip\":\"11.");
            l.clear();
            l.extend_from_slice(text.as_bytes());
        }
        l.push(b'\n');
        self.out.write_all(l)?;
        self.lines += 1;
        self.bytes += l.len() as u64;
        Ok(())
    }

    fn finish(mut self) -> io::Result<(u64, u64)> {
        self.out.flush()?;
        Ok((self.lines, self.bytes))
    }
}

/// The people and things of the workload.
struct World {
    customers: Vec<String>,
    tenants: Vec<String>,
    staff: Vec<String>,
    /// Per staff member: the instant they stop acting (their departure).
    active_until: Vec<i64>,
    ips: Vec<String>,
    leavers: Vec<(usize, i64)>,
    specials_console: Vec<Special>,
}

fn staff_role(i: usize) -> &'static str {
    if i < ADMINS {
        "admin"
    } else if i < ADMINS + SUPPORT {
        "support"
    } else {
        "engineer"
    }
}

impl World {
    fn new(seed: u64) -> Self {
        let (p0, p1) = period();
        let customers = (0..CUSTOMERS)
            .map(|u| format!("u{u:05}@t{:03}", u % TENANTS))
            .collect();
        let tenants = (0..TENANTS).map(|t| format!("t{t:03}")).collect();
        let staff: Vec<String> = (0..STAFF)
            .map(|i| format!("{}-{i:03}", staff_role(i)))
            .collect();
        let ips = (0..256)
            .map(|i| format!("10.{}.{}.{}", i % 7, i, (i * 37) % 251))
            .collect();
        let credentials: Vec<String> = (0..CREDENTIALS).map(|c| format!("shared-{c:02}")).collect();
        let mut rng = Rng::stream(seed, &["bench", "world"]);
        let mut active_until = vec![i64::MAX; STAFF];
        let mut specials = Vec::new();
        let special = |time, actor: &str, action, role, target: Option<&str>| Special {
            time,
            actor: actor.to_string(),
            action,
            role,
            target: target.map(str::to_string),
            mfa: None,
        };

        // Leavers: staff of every role, departing across the period.
        let mut leavers = Vec::new();
        let mut chosen = std::collections::BTreeSet::new();
        while chosen.len() < LEAVERS {
            chosen.insert(rng.below(STAFF as u64) as usize);
        }
        for (k, &i) in chosen.iter().enumerate() {
            let left = p0 + rng.below((p1 - p0 - 2 * DAY) as u64) as i64;
            active_until[i] = left;
            leavers.push((i, left));
            // Deactivated after 15 min to 48 h: about half are late.
            let delay = rng.range(15 * MIN, 48 * HOUR);
            let admin = &staff[rng.below(ADMINS as u64) as usize];
            specials.push(special(
                left + delay,
                admin,
                "deactivate",
                "admin",
                Some(&staff[i]),
            ));
            // One in five logs in once after deactivation.
            if k % 5 == 0 {
                let mut s = special(
                    left + delay + rng.range(HOUR, 3 * DAY),
                    &staff[i],
                    "login",
                    staff_role(i),
                    None,
                );
                s.mfa = Some(true);
                specials.push(s);
            }
        }
        // Accounts deactivated just before the period (not leavers); a few log in.
        for k in 0..10 {
            let account = format!("contractor-{k:02}");
            let admin = &staff[rng.below(ADMINS as u64) as usize];
            specials.push(special(
                utc(2026, 9, 30, 2, 0) + k as i64 * HOUR,
                admin,
                "deactivate",
                "admin",
                Some(&account),
            ));
            if k % 3 == 0 {
                specials.push(special(
                    p0 + rng.below((p1 - p0 - DAY) as u64) as i64,
                    &account,
                    "login",
                    "engineer",
                    None,
                ));
            }
        }
        // Logins without MFA under MFA-required roles, whatever the size:
        // `"mfa":false` and no `mfa` at all.
        for k in 0..8 {
            let i = rng.below((ADMINS + SUPPORT) as u64) as usize;
            let t = p0 + (2 + 3 * k as i64) * DAY + rng.range(0, DAY - 1);
            if t < active_until[i] {
                let mut s = special(t, &staff[i], "login", staff_role(i), None);
                s.mfa = (k % 2 == 0).then_some(false);
                specials.push(s);
            }
        }
        // Shared credentials: weekly rotations, from the day before the period.
        for (c, name) in credentials.iter().enumerate() {
            let mut t = utc(2026, 9, 30, 1, 0) + c as i64 * 17 * MIN;
            while t < p1 {
                let admin = &staff[rng.below(ADMINS as u64) as usize];
                specials.push(special(t, admin, "credential_rotated", "admin", Some(name)));
                t += 7 * DAY;
            }
        }
        specials.sort_by(|a, b| (a.time, &a.actor, a.action).cmp(&(b.time, &b.actor, b.action)));
        World {
            customers,
            tenants,
            staff,
            active_until,
            ips,
            leavers,
            specials_console: specials,
        }
    }

    /// A staff member of `role` index range who is still employed at `t`.
    fn staff_at(&self, rng: &mut Rng, from: usize, n: usize, t: i64) -> usize {
        loop {
            let i = from + rng.below(n as u64) as usize;
            if t < self.active_until[i] {
                return i;
            }
        }
    }
}

/// Expected access figures, counted as the events are written.
#[derive(Default)]
struct Tally {
    mfa_logins: u64,
    mfa_missing: u64,
    support_access: u64,
    no_ticket: u64,
    events_in_period: u64,
}

impl Tally {
    /// Count `e` when it falls in the `period`.
    fn count(&mut self, e: &Ev<'_>, (p0, p1): (i64, i64)) {
        if !(p0..p1).contains(&e.time) {
            return;
        }
        self.events_in_period += 1;
        if e.success && e.action == "login" && matches!(e.role, Some("admin" | "support")) {
            self.mfa_logins += 1;
            self.mfa_missing += u64::from(e.mfa != Some(true));
        }
        if e.action == "support_access" {
            self.support_access += 1;
            self.no_ticket += u64::from(e.ticket.is_none_or(str::is_empty));
        }
    }
}

fn write_audit(
    world: &World,
    seed: u64,
    n: u64,
    audit_months: u32,
    dir: &Path,
    sum: &mut Summary,
) -> io::Result<Tally> {
    let (l0, l1) = log_range();
    // The months before the log range: background only (SPEC §19's year of logs).
    let history = (
        months_before(period().0, audit_months.saturating_sub(1)) - DAY,
        l0,
    );
    let period = period();
    fs::create_dir_all(dir)?;
    let mut tally = Tally::default();
    let console_n = n * CONSOLE_PERMILLE / 1000;
    let shard_n = (n - console_n) / APP_SHARDS as u64;
    let mut files: Vec<(String, u64)> = vec![("admin-console.ndjson".to_string(), console_n)];
    for s in 1..=APP_SHARDS {
        let extra = if s == 1 {
            n - console_n - shard_n * APP_SHARDS as u64
        } else {
            0
        };
        files.push((format!("app-{s:02}.ndjson"), shard_n + extra));
    }
    let mut ticket_no: u64 = 100_000;
    for (fi, (name, count)) in files.iter().enumerate() {
        let path = dir.join(name);
        let mut w = ChainWriter::create(&path)?;
        let console = fi == 0;
        if history.0 < history.1 {
            let events = count * u64::from(audit_months - 1);
            write_history(world, seed, name, console, events, history, &mut w)?;
        }
        let mut rng = Rng::stream(seed, &["bench", "audit", name]);
        let mut specials = if console {
            world.specials_console.iter().peekable()
        } else {
            [].iter().peekable()
        };
        // One edited line in the middle of the third file.
        let tamper_at = if fi == 2 { Some(count / 2) } else { None };
        let span = (l1 - l0) as u64;
        for i in 0..*count {
            let t = l0 + (u128::from(i) * u128::from(span) / u128::from((*count).max(1))) as i64;
            while let Some(s) = specials.next_if(|s| s.time <= t) {
                if s.time >= l0 && s.time < l1 {
                    let e = s.ev();
                    tally.count(&e, period);
                    w.write(&e, false)?;
                }
            }
            let roll = rng.below(1000);
            let ip = &world.ips[rng.below(256) as usize];
            let success = rng.below(100) != 0;
            let ticket_text;
            let e = if console {
                // Staff: 45 % admins' and support's sessions, the rest engineers'.
                staff_session(world, &mut rng, (t, roll, success), ip, true)
            } else if roll < 100 {
                // Support staff entering a tenant.
                let i = world.staff_at(&mut rng, ADMINS, SUPPORT, t);
                let tenant = &world.tenants[rng.below(TENANTS as u64) as usize];
                ticket_no += 1;
                ticket_text = format!("SUP-{ticket_no}");
                let ticket = match rng.below(NO_TICKET_ONE_IN) {
                    0 => None,
                    1 => Some(""),
                    _ => Some(ticket_text.as_str()),
                };
                support_access(&world.staff[i], t, tenant, ticket, ip)
            } else {
                customer_event(world, &mut rng, (t, roll, success), ip, true)
            };
            tally.count(&e, period);
            w.write(&e, tamper_at == Some(i))?;
        }
        for s in specials {
            if s.time < l1 {
                w.write(&s.ev(), false)?;
            }
        }
        let (lines, bytes) = w.finish()?;
        sum.files.push((path, lines, bytes));
    }
    Ok(tally)
}

/// `events` background events over `[h0, h1)` into one audit file, ahead of its month:
/// the same mix as the month (staff sessions, support access, customers) with MFA and a
/// ticket always present and no lifecycle events, so the period's figures do not change
/// with the months of log before it.
fn write_history(
    world: &World,
    seed: u64,
    name: &str,
    console: bool,
    events: u64,
    (h0, h1): (i64, i64),
    w: &mut ChainWriter,
) -> io::Result<()> {
    let mut rng = Rng::stream(seed, &["bench", "audit-history", name]);
    let span = (h1 - h0) as u64;
    for i in 0..events {
        let t = h0 + (u128::from(i) * u128::from(span) / u128::from(events.max(1))) as i64;
        let roll = rng.below(1000);
        let ip = &world.ips[rng.below(256) as usize];
        let success = rng.below(100) != 0;
        let ticket = format!("SUP-H{i}");
        let e = if console {
            staff_session(world, &mut rng, (t, roll, success), ip, false)
        } else if roll < 100 {
            let i = world.staff_at(&mut rng, ADMINS, SUPPORT, t);
            let tenant = &world.tenants[rng.below(TENANTS as u64) as usize];
            support_access(&world.staff[i], t, tenant, Some(&ticket), ip)
        } else {
            customer_event(world, &mut rng, (t, roll, success), ip, false)
        };
        w.write(&e, false)?;
    }
    Ok(())
}

/// A staff session at `t` on the admin console: 45 % admins' and support's, the rest
/// engineers'. With `exceptions`, one login in `NO_MFA_ONE_IN` by an admin or support
/// has no MFA.
fn staff_session<'a>(
    world: &'a World,
    rng: &mut Rng,
    (t, roll, success): (i64, u64, bool),
    ip: &'a str,
    exceptions: bool,
) -> Ev<'a> {
    let i = if roll < 450 {
        world.staff_at(rng, 0, ADMINS + SUPPORT, t)
    } else {
        world.staff_at(rng, ADMINS + SUPPORT, ENGINEERS, t)
    };
    let role = staff_role(i);
    let login = rng.below(2) == 0;
    let mfa = match role {
        "engineer" => None,
        _ if exceptions && login && rng.below(NO_MFA_ONE_IN) == 0 => Some(false),
        _ => Some(true),
    };
    Ev {
        time: t,
        actor: &world.staff[i],
        action: if login { "login" } else { "logout" },
        success,
        role: Some(role),
        tenant: None,
        mfa: if login { mfa } else { None },
        target: None,
        ticket: None,
        ip,
    }
}

/// Support staff entering a tenant at `t`.
fn support_access<'a>(
    actor: &'a str,
    t: i64,
    tenant: &'a str,
    ticket: Option<&'a str>,
    ip: &'a str,
) -> Ev<'a> {
    Ev {
        time: t,
        actor,
        action: "support_access",
        success: true,
        role: Some("support"),
        tenant: Some(tenant),
        mfa: None,
        target: None,
        ticket,
        ip,
    }
}

/// A customer's event at `t`: a login, a logout or (with `enrolments`) an MFA
/// enrolment.
fn customer_event<'a>(
    world: &'a World,
    rng: &mut Rng,
    (t, roll, success): (i64, u64, bool),
    ip: &'a str,
    enrolments: bool,
) -> Ev<'a> {
    let u = rng.below(CUSTOMERS as u64) as usize;
    let action = match roll {
        ..=560 => "login",
        561..=990 => "logout",
        _ if enrolments => "mfa_enrolled",
        _ => "logout",
    };
    Ev {
        time: t,
        actor: &world.customers[u],
        action,
        success: success || action != "login",
        role: Some("customer"),
        tenant: Some(&world.tenants[u % TENANTS]),
        mfa: (action == "login").then_some(u % 3 == 1),
        target: None,
        ticket: None,
        ip,
    }
}

fn csv_file(path: &Path) -> io::Result<BufWriter<File>> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    Ok(BufWriter::with_capacity(1 << 20, File::create(path)?))
}

/// The probes of `[from, to)` (the period with 5 minutes either side, or the history
/// before it), one file per service; `stream` keeps the two apart in the seed.
fn write_probes(
    seed: u64,
    dir: &Path,
    (from, to): (i64, i64),
    stream: &str,
    sum: &mut Summary,
) -> io::Result<()> {
    let (p0, p1) = (from, to);
    fs::create_dir_all(dir)?;
    let mut clock = Clock::new();
    let mut line = Vec::with_capacity(128);
    for s in 0..SERVICES {
        let service = format!("service-{s:02}");
        let path = dir.join(format!("{service}.csv"));
        let mut w = csv_file(&path)?;
        w.write_all(b"time,service,location,up,latency_ms\n")?;
        let mut rng = Rng::stream(seed, &["bench", stream, &service]);
        // 0-3 incidents of 2-40 min, seen by two locations; rare single blips.
        let incidents: Vec<(i64, i64)> = (0..rng.below(4))
            .map(|_| {
                let start = p0 + rng.below((p1 - p0) as u64 / 60) as i64 * MIN;
                (start, start + rng.range(2, 40) * MIN)
            })
            .collect();
        let (mut rows, mut bytes) = (0u64, 0u64);
        let mut t = p0;
        while t < p1 {
            for (li, location) in LOCATIONS.iter().enumerate() {
                let jitter = rng.range(0, 3);
                let down = (li < 2 && incidents.iter().any(|&(a, b)| (a..b).contains(&t)))
                    || rng.below(20_000) == 0;
                line.clear();
                line.extend_from_slice(clock.format(t + jitter).as_bytes());
                line.extend_from_slice(b",");
                line.extend_from_slice(service.as_bytes());
                line.push(b',');
                line.extend_from_slice(location.as_bytes());
                if down {
                    line.extend_from_slice(b",0,\n");
                } else {
                    let latency = 20 + 15 * li as i64 + rng.range(0, 40);
                    line.extend_from_slice(format!(",1,{latency}\n").as_bytes());
                }
                w.write_all(&line)?;
                rows += 1;
                bytes += line.len() as u64;
            }
            t += MIN;
        }
        w.flush()?;
        sum.files.push((path, rows, bytes));
    }
    Ok(())
}

/// The first instant of the UTC month `months` calendar months before `t`'s month.
fn months_before(t: i64, months: u32) -> i64 {
    let (mut year, mut month) = (2026_i32, 10_u32);
    debug_assert_eq!(t, utc(year, month, 1, 0, 0));
    for _ in 0..months {
        if month == 1 {
            year -= 1;
            month = 12;
        } else {
            month -= 1;
        }
    }
    utc(year, month, 1, 0, 0)
}

/// What the utilization series were built to show.
struct Capacity {
    /// Per cluster: `name peak%` of the load on the survivors at its worst minute.
    worst: Vec<String>,
    breaches: usize,
}

/// CPU of 100 hosts in 5 clusters every 60 s (a few seconds of jitter, so that
/// `capacity_step` has work) and their root disks every 5 min. `cluster-3` runs hot for
/// an hour on 14 October, over the failover limit; three hosts' disks fill past the
/// threshold for an hour each, and no alert follows.
fn write_utilization(seed: u64, path: &Path, sum: &mut Summary) -> io::Result<Capacity> {
    let (p0, p1) = period();
    let mut w = csv_file(path)?;
    w.write_all(b"time,host,resource,used_percent,cluster,mount\n")?;
    let mut rng = Rng::stream(seed, &["bench", "utilization"]);
    let mut clock = Clock::new();
    let hot = (utc(2026, 10, 14, 9, 0), utc(2026, 10, 14, 10, 0));
    let full_hosts = [7_usize, 42, 93];
    let full_from = |host: usize| utc(2026, 10, 3 + host as u32 / 10, 2, 0);
    let per_cluster = HOSTS / CLUSTERS;
    let mut worst = [0_i64; CLUSTERS];
    let mut breaches = 0;
    let mut in_breach = [false; HOSTS];
    let (mut rows, mut bytes) = (0u64, 0u64);
    let mut line = String::with_capacity(96);
    let mut t = p0;
    while t < p1 {
        let mut load = [0_i64; CLUSTERS];
        for (host, breaching) in in_breach.iter_mut().enumerate() {
            let cluster = host / per_cluster;
            let cpu = if cluster == 3 && (hot.0..hot.1).contains(&t) {
                rng.range(90, 100)
            } else {
                rng.range(25, 70)
            };
            load[cluster] += cpu;
            let jitter = rng.range(0, 20);
            line.clear();
            let _ = writeln!(
                line,
                "{},host-{host:03},cpu,{cpu},cluster-{cluster},",
                clock.format(t + jitter)
            );
            if t % (5 * MIN) == 0 {
                let start = full_from(host);
                let full = full_hosts.contains(&host) && (start..start + HOUR).contains(&t);
                let disk = if full {
                    rng.range(90, 97)
                } else {
                    rng.range(40, 80)
                };
                if disk > DISK_THRESHOLD && !*breaching {
                    breaches += 1;
                }
                *breaching = disk > DISK_THRESHOLD;
                let _ = writeln!(
                    line,
                    "{},host-{host:03},disk,{disk},cluster-{cluster},/",
                    clock.format(t + jitter)
                );
                rows += 1;
            }
            w.write_all(line.as_bytes())?;
            rows += 1;
            bytes += line.len() as u64;
        }
        for (cluster, sum) in load.iter().enumerate() {
            worst[cluster] = worst[cluster].max(*sum);
        }
        t += MIN;
    }
    w.flush()?;
    sum.files.push((path.to_path_buf(), rows, bytes));
    let survivors = (per_cluster - MARGIN_HOSTS) as f64;
    Ok(Capacity {
        worst: worst
            .iter()
            .enumerate()
            .map(|(c, load)| format!("cluster-{c} {:.4}%", *load as f64 / survivors))
            .collect(),
        breaches,
    })
}

fn write_backups(seed: u64, out: &Path, sum: &mut Summary) -> io::Result<()> {
    let (p0, p1) = period();
    let path = out.join("evidence/backups.csv");
    let mut w = csv_file(&path)?;
    w.write_all(b"source,started_at,finished_at,status,snapshot_id,repository,region,encrypted,size_bytes,expired_at\n")?;
    let mut rows = 0u64;
    let mut rng = Rng::stream(seed, &["bench", "backups"]);
    // Row by row in time order: month-end points, then the schedules.
    let mut row = |w: &mut BufWriter<File>,
                   s: usize,
                   start: i64,
                   minutes: i64,
                   status: &str,
                   offsite: bool| {
        let (repository, region) = if offsite {
            (format!("src-{s:03}-offsite"), OFFSITE_REGION)
        } else {
            (format!("src-{s:03}-primary"), PRIMARY_REGION)
        };
        rows += 1;
        writeln!(
            w,
            "src-{s:03},{},{},{status},snap-{s:03}-{start},{repository},{region},true,{},",
            rfc3339(start),
            rfc3339(start + minutes * MIN),
            1_000_000_000 + (s as u64) * 7_919_000 + (start.rem_euclid(DAY) as u64),
        )
    };
    for (y, m, d) in [(2026, 6, 30), (2026, 7, 31), (2026, 8, 31)] {
        for s in 0..SOURCES {
            row(
                &mut w,
                s,
                utc(y, m, d, 22, 0) + s as i64 * 7,
                9,
                "success",
                false,
            )?;
        }
    }
    let mut t = p0 - DAY;
    while t < p1 {
        for s in 0..SOURCES {
            let start = t + (s as i64 % 60) * 10;
            let status = match rng.below(2_000) {
                0 => "failed",
                1 => "partial",
                _ => "success",
            };
            row(&mut w, s, start, rng.range(3, 25), status, false)?;
            if (t - p0).rem_euclid(DAY) == 4 * HOUR {
                row(
                    &mut w,
                    s,
                    start + 30 * MIN,
                    rng.range(10, 40),
                    "success",
                    true,
                )?;
            }
        }
        t += 4 * HOUR;
    }
    w.flush()?;
    let bytes = fs::metadata(&path)?.len();
    sum.files.push((path, rows, bytes));

    let path = out.join("evidence/restore_tests.csv");
    let mut w = csv_file(&path)?;
    w.write_all(b"source,tested_at,outcome,snapshot_id,duration_seconds,reference\n")?;
    for s in 0..SOURCES {
        let at = utc(2026, 8, 1, 3, 0) + rng.below(80 * DAY as u64) as i64;
        let outcome = if s % 40 == 7 { "failure" } else { "success" };
        writeln!(
            w,
            "src-{s:03},{},{outcome},,{},RT-{s:04}",
            rfc3339(at),
            rng.range(300, 7200)
        )?;
    }
    w.flush()?;
    let bytes = fs::metadata(&path)?.len();
    sum.files.push((path, SOURCES as u64, bytes));
    Ok(())
}

fn write_small(seed: u64, world: &World, out: &Path, sum: &mut Summary) -> io::Result<()> {
    let (p0, p1) = period();
    let mut rng = Rng::stream(seed, &["bench", "alerts"]);
    let path = out.join("evidence/alerts.csv");
    let mut w = csv_file(&path)?;
    w.write_all(b"alert,target,started_at,severity,resolved_at\n")?;
    let kinds = [
        "HighCPU",
        "HighMemory",
        "DiskSpaceLow",
        "EndpointDown",
        "ReplicationLag",
        "TLSHandshakeErrors",
    ];
    let severities = ["info", "warning", "critical"];
    let mut alerts: Vec<(i64, String)> = (0..ALERTS)
        .map(|k| {
            let started = p0 + rng.below((p1 - p0) as u64) as i64;
            let minutes = match k % 100 {
                0 => rng.range(25 * 60, 40 * 60),
                _ => rng.range(3, 8 * 60),
            };
            let resolved = started + minutes * MIN;
            let target = if k % 2 == 0 {
                format!("service-{:02}", rng.below(SERVICES as u64))
            } else {
                format!("host-{:03}", rng.below(80))
            };
            let row = format!(
                "{},{target},{},{},{}",
                kinds[rng.below(kinds.len() as u64) as usize],
                rfc3339(started),
                severities[rng.below(3) as usize],
                if resolved < p1 && k % 250 != 1 {
                    rfc3339(resolved)
                } else {
                    String::new()
                }
            );
            (started, row)
        })
        .collect();
    alerts.sort();
    for (_, row) in &alerts {
        writeln!(w, "{row}")?;
    }
    w.flush()?;
    sum.files
        .push((path.clone(), ALERTS as u64, fs::metadata(&path)?.len()));

    let path = out.join("evidence/leavers.csv");
    let mut w = csv_file(&path)?;
    w.write_all(b"actor,left_at,role\n")?;
    let mut leavers = world.leavers.clone();
    leavers.sort_by_key(|&(i, t)| (t, i));
    for (i, left) in &leavers {
        writeln!(
            w,
            "{},{},{}",
            world.staff[*i],
            rfc3339(*left),
            staff_role(*i)
        )?;
    }
    w.flush()?;
    sum.files.push((
        path.clone(),
        leavers.len() as u64,
        fs::metadata(&path)?.len(),
    ));

    let path = out.join("evidence/maintenance.csv");
    let mut w = csv_file(&path)?;
    w.write_all(b"service,start,end,announced_at,reference\n")?;
    for k in 0..6 {
        let start = p0 + (3 + 5 * k) * DAY + 14 * HOUR;
        let service = if k == 0 {
            "*".to_string()
        } else {
            format!("service-{:02}", k * 3)
        };
        let notice = if k == 4 { 6 * HOUR } else { 7 * DAY };
        writeln!(
            w,
            "{service},{},{},{},CHG-{k:03}",
            rfc3339(start),
            rfc3339(start + HOUR),
            rfc3339(start - notice)
        )?;
    }
    w.flush()?;
    sum.files
        .push((path.clone(), 6, fs::metadata(&path)?.len()));
    Ok(())
}

/// The start of `auditpack.toml`, before the inputs of [`config_text`].
const CONFIG_HEAD: &str =
    "# SPEC §13 benchmark workload. Generated by tools/fixturegen `bench`: do not edit by hand.
[organisation]
name = \"Benchmark Hosting Pty Ltd\"
timezone = \"UTC\"
primary_region = \"ap-southeast-2\"

[policy]
uptime_target_percent = 99.9
rpo = \"4h30m\"
offsite_max_age = \"26h\"
retention_min = \"90d\"
restore_test_max_age = \"90d\"
mfa_required_roles = [\"admin\", \"support\"]
leaver_deactivation_max = \"24h\"
shared_credential_rotation_max = \"24h\"
max_log_gap = \"24h\"
alert_resolution_max = \"24h\"

";

/// The end of `auditpack.toml`.
const SIGNING: &str = "
# Made by `auditpack keygen --out keys` (bench/run.sh does it when they are missing).
[signing]
ssh_key = \"keys/auditpack_ed25519\"
pdf_key = \"keys/pdf-signing.key\"
pdf_certificate = \"keys/pdf-signing.crt\"
";

fn config_text(history: bool) -> String {
    let mut inputs = vec![
        Input::new("audit", "ndjson", "evidence/audit/"),
        Input::new("leavers", "csv", "evidence/leavers.csv"),
        Input::new("probes", "csv", "evidence/probes/"),
        Input::new("maintenance", "csv", "evidence/maintenance.csv"),
        Input::new("backups", "csv", "evidence/backups.csv"),
        Input::new("restore_tests", "csv", "evidence/restore_tests.csv"),
        Input::new("alerts", "csv", "evidence/alerts.csv"),
        Input::new("utilization", "csv", "evidence/utilization.csv"),
    ];
    if history {
        inputs.push(Input::new("probes", "csv", "evidence/probes-history/"));
    }
    let inputs = config_toml::inputs(&inputs);
    format!("{CONFIG_HEAD}{inputs}{SIGNING}")
}

/// Write the whole workload under `out`.
pub fn write(
    out: &Path,
    seed: u64,
    audit_events: u64,
    probe_months: u32,
    audit_months: u32,
) -> io::Result<Summary> {
    fs::create_dir_all(out)?;
    let mut sum = Summary::default();
    let config = out.join("auditpack.toml");
    let config_text = config_text(probe_months > 1);
    fs::write(&config, &config_text)?;
    sum.files.push((config, 0, config_text.len() as u64));
    let world = World::new(seed);
    let tally = write_audit(
        &world,
        seed,
        audit_events,
        audit_months.max(1),
        &out.join("evidence/audit"),
        &mut sum,
    )?;
    let (p0, p1) = period();
    write_probes(
        seed,
        &out.join("evidence/probes"),
        (p0 - 5 * MIN, p1 + 5 * MIN),
        "probes",
        &mut sum,
    )?;
    let history_from = months_before(p0, probe_months.saturating_sub(1));
    if history_from < p0 {
        write_probes(
            seed,
            &out.join("evidence/probes-history"),
            (history_from, p0 - 5 * MIN),
            "probes-history",
            &mut sum,
        )?;
    }
    let capacity = write_utilization(seed, &out.join("evidence/utilization.csv"), &mut sum)?;
    write_backups(seed, out, &mut sum)?;
    write_small(seed, &world, out, &mut sum)?;

    let late = world
        .specials_console
        .iter()
        .filter(|s| s.action == "deactivate")
        .filter_map(|s| {
            let target = s.target.as_deref()?;
            let (_, left) = world
                .leavers
                .iter()
                .find(|(i, _)| world.staff[*i] == target)?;
            Some(s.time - left)
        })
        .filter(|&d| d > 24 * HOUR)
        .count();
    let mut e = String::new();
    let _ = writeln!(
        e,
        "benchmark workload, seed {seed}, {audit_events} audit events, {probe_months} probe months, {} audit months, period [{}, {})",
        audit_months.max(1),
        rfc3339(p0),
        rfc3339(p1)
    );
    let _ = writeln!(
        e,
        "capacity.headroom: worst load on the survivors (of {MARGIN_HOSTS} lost) per cluster: {}",
        capacity.worst.join(", ")
    );
    let _ = writeln!(
        e,
        "monitoring.disk_alerting: {} disk breaches over {DISK_THRESHOLD}%, none alerted",
        capacity.breaches
    );
    let _ = writeln!(
        e,
        "access.mfa: {} successful in-period logins under admin/support, {} without MFA (sum over actors)",
        tally.mfa_logins, tally.mfa_missing
    );
    let _ = writeln!(
        e,
        "access.support_ticket: {} in-period support accesses, {} without a ticket (sum over tenants)",
        tally.support_access, tally.no_ticket
    );
    let _ = writeln!(
        e,
        "access.leaver_deactivation: {LEAVERS} leavers, {late} deactivated after more than 24 h"
    );
    let _ = writeln!(
        e,
        "logging.integrity: 1 broken link (evidence/audit/app-02.ndjson)"
    );
    let _ = writeln!(e, "audit events in the period: {}", tally.events_in_period);
    fs::write(out.join("expected.txt"), &e)?;
    sum.expected = e;
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit_log;

    #[test]
    fn clock_matches_rfc3339() {
        let mut clock = Clock::new();
        for t in [
            utc(2026, 9, 30, 0, 0),
            utc(2026, 9, 30, 23, 59) + 59,
            utc(2026, 10, 1, 0, 0),
            utc(2026, 10, 31, 7, 5) + 9,
        ] {
            assert_eq!(clock.format(t), rfc3339(t));
        }
    }

    #[test]
    fn chain_writer_links_lines_and_tampers_after_hashing() {
        let dir = std::env::temp_dir().join(format!("fixturegen-bench-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("chain.ndjson");
        let mut w = ChainWriter::create(&path).unwrap();
        let ev = |time| Ev {
            time,
            actor: "admin-001",
            action: "login",
            success: true,
            role: Some("admin"),
            tenant: None,
            mfa: Some(true),
            target: None,
            ticket: Some(""),
            ip: "10.0.0.1",
        };
        let t = utc(2026, 10, 1, 0, 0);
        w.write(&ev(t), false).unwrap();
        w.write(&ev(t + 1), true).unwrap();
        w.write(&ev(t + 2), false).unwrap();
        assert_eq!(w.finish().unwrap().0, 3);
        let text = fs::read_to_string(&path).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with(r#""ticket":"","ip":"10.0.0.1","prev_hash":""}"#));
        assert!(lines[1].contains(r#""ip":"11.0.0.1""#), "{}", lines[1]);
        let claimed = |l: &str| l.rsplit("\"prev_hash\":\"").next().unwrap()[..64].to_string();
        assert_eq!(claimed(lines[1]), audit_log::link(lines[0].as_bytes()));
        // The edited line no longer hashes to what the next line claims.
        assert_ne!(claimed(lines[2]), audit_log::link(lines[1].as_bytes()));
    }

    #[test]
    fn world_is_seeded_and_leavers_are_barred_from_the_noise() {
        let (a, b) = (World::new(1), World::new(1));
        assert_eq!(a.leavers, b.leavers);
        assert_eq!(a.leavers.len(), LEAVERS);
        let mut rng = Rng::stream(1, &["t"]);
        let (p0, _) = period();
        for _ in 0..1000 {
            let t = p0 + rng.below(30 * DAY as u64) as i64;
            let i = a.staff_at(&mut rng, 0, STAFF, t);
            assert!(t < a.active_until[i]);
        }
    }
}
