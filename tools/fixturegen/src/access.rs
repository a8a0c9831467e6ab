//! The demo's access, logging and monitoring evidence: two `prev_hash`-chained
//! audit logs, the leavers list and the alerts, and what SPEC §7 "Access and
//! logging, exactly" (plus `monitoring.alert_resolution`) makes of them.
//!
//! As for availability, the month is a script of planted events at fixed UTC
//! times over seeded noise: customers of three tenants logging in to the
//! application (`app.ndjson`), staff logging in to the admin console
//! (`admin-console.ndjson`), support staff entering tenants with a ticket, a
//! deploy bot around the clock, and routine alerts. The noise is built so that
//! it can never change a conclusion: every MFA-required login has MFA, every
//! support access has a ticket, no noise login comes from a barred account.
//! Only the planted events fail checks, and [`assess`], an independent reading
//! of the spec applied to the events as written, computes the exact figures the
//! README states.
//!
//! Output (all LF, fixed order, byte-identical for a seed):
//! `evidence/audit/admin-console.ndjson`, `evidence/audit/app.ndjson`,
//! `evidence/leavers.csv`, `evidence/alerts.csv`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::audit_log::{self, Chain, Line};
use crate::config_toml::{self, Input};
use crate::org::period;
use crate::prng::Rng;
use crate::time::{hours, melbourne_wall, rfc3339, utc, HOUR, MIN};

/// The `[policy]` keys of this family, in seconds (all `24h`).
pub const LEAVER_DEACTIVATION_MAX: i64 = 24 * HOUR;
pub const SHARED_CREDENTIAL_ROTATION_MAX: i64 = 24 * HOUR;
pub const MAX_LOG_GAP: i64 = 24 * HOUR;
pub const ALERT_RESOLUTION_MAX: i64 = 24 * HOUR;
pub const MFA_REQUIRED_ROLES: [&str; 2] = ["admin", "support"];

/// The lines `demo` adds to `[policy]`, matching the constants above.
pub const POLICY_TOML: &str = "mfa_required_roles = [\"admin\", \"support\"]
leaver_deactivation_max = \"24h\"
shared_credential_rotation_max = \"24h\"
max_log_gap = \"24h\"
alert_resolution_max = \"24h\"
";

pub const AUDIT_DIR: &str = "evidence/audit/";
pub const LEAVERS: &str = "evidence/leavers.csv";
pub const ALERTS: &str = "evidence/alerts.csv";

/// The `[[input]]` entries `demo` appends to the config, after a comment.
pub fn config_inputs() -> String {
    let inputs = config_toml::inputs(&[
        Input::new("audit", "ndjson", AUDIT_DIR),
        Input::new("leavers", "csv", LEAVERS),
        Input::new("alerts", "csv", ALERTS),
    ]);
    format!("\n# Access, logging and monitoring, written by `demo`.\n{inputs}")
}

/// One of the two audit logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogFile {
    AdminConsole,
    App,
}

impl LogFile {
    /// Path relative to the demo root (also the `logging.*` subject).
    pub fn path(self) -> &'static str {
        match self {
            LogFile::AdminConsole => "evidence/audit/admin-console.ndjson",
            LogFile::App => "evidence/audit/app.ndjson",
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            LogFile::AdminConsole => "adm",
            LogFile::App => "app",
        }
    }
}

/// One audit event before it is written.
#[derive(Debug, Clone)]
pub struct Event {
    pub time: i64,
    pub actor: String,
    pub action: &'static str,
    pub success: bool,
    pub role: Option<&'static str>,
    pub tenant: Option<&'static str>,
    pub mfa: Option<bool>,
    pub target: Option<String>,
    /// `Some("")`: an empty ticket; `None`: no `ticket` field.
    pub ticket: Option<String>,
    pub ip: Option<String>,
    /// A field unknown to auditpack, kept for the reader.
    pub new_role: Option<&'static str>,
}

impl Event {
    fn new(time: i64, actor: &str, action: &'static str) -> Self {
        Event {
            time,
            actor: actor.to_string(),
            action,
            success: true,
            role: None,
            tenant: None,
            mfa: None,
            target: None,
            ticket: None,
            ip: None,
            new_role: None,
        }
    }
    /// A staff member's event, from their office or VPN address.
    fn staff(time: i64, name: &str, action: &'static str, role: &'static str) -> Self {
        Event::new(time, name, action)
            .role(role)
            .ip(&staff_ip(name))
    }
    fn role(mut self, role: &'static str) -> Self {
        self.role = Some(role);
        self
    }
    fn tenant(mut self, tenant: &'static str) -> Self {
        self.tenant = Some(tenant);
        self
    }
    fn mfa(mut self, mfa: Option<bool>) -> Self {
        self.mfa = mfa;
        self
    }
    fn target(mut self, target: &str) -> Self {
        self.target = Some(target.to_string());
        self
    }
    fn ticket(mut self, ticket: &str) -> Self {
        self.ticket = Some(ticket.to_string());
        self
    }
    fn ip(mut self, ip: &str) -> Self {
        self.ip = Some(ip.to_string());
        self
    }
    fn failed(mut self) -> Self {
        self.success = false;
        self
    }

    /// The event as an audit-log line.
    fn line<'a>(&'a self, time: &'a str, event_id: &'a str) -> Line<'a> {
        Line {
            time,
            actor: &self.actor,
            action: self.action,
            outcome: if self.success { "success" } else { "failure" },
            role: self.role,
            tenant: self.tenant,
            mfa: self.mfa,
            target: self.target.as_deref(),
            ticket: self.ticket.as_deref(),
            ip: self.ip.as_deref(),
            new_role: self.new_role,
            event_id: Some(event_id),
            prev_hash: "",
        }
    }
}

/// One chained audit log, as written.
pub struct AuditLog {
    pub file: LogFile,
    /// In file order (time order).
    pub events: Vec<Event>,
    /// The lines as written (after tampering), without terminators.
    pub lines: Vec<String>,
    /// What each line claims as `prev_hash` (empty on the first).
    pub claimed: Vec<String>,
}

/// Build the chain over `events` (sorted by time, stably).
fn chain(file: LogFile, mut events: Vec<Event>) -> AuditLog {
    events.sort_by_key(|e| e.time);
    let mut lines = Vec::with_capacity(events.len());
    let mut claimed = Vec::with_capacity(events.len());
    let mut chain = Chain::default();
    let mut line = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let id = format!("{}-{:06}", file.id_prefix(), i + 1);
        claimed.push(chain.prev_hash().to_string());
        chain.push(&mut line, &e.line(&rfc3339(e.time), &id));
        lines.push(String::from_utf8(line.clone()).expect("JSON is UTF-8"));
    }
    AuditLog {
        file,
        events,
        lines,
        claimed,
    }
}

/// A row of `leavers.csv`.
pub struct Leaver {
    pub actor: &'static str,
    pub left_at: i64,
    pub role: &'static str,
}

/// A row of `alerts.csv`.
#[derive(Debug, Clone)]
pub struct Alert {
    pub alert: &'static str,
    pub target: &'static str,
    pub started: i64,
    pub severity: &'static str,
    pub resolved: Option<i64>,
    /// What it was, for planted alerts; empty for seeded ones.
    pub note: &'static str,
}

/// A planted event, for the README.
pub struct Planted {
    pub at: i64,
    pub file: &'static str,
    pub what: String,
    pub verdict: String,
}

/// The whole access scenario for one seed.
pub struct Access {
    pub logs: Vec<AuditLog>,
    pub leavers: Vec<Leaver>,
    pub alerts: Vec<Alert>,
    pub planted: Vec<Planted>,
    /// The first and last event time written, over both logs.
    pub span: (i64, i64),
}

pub const TENANTS: [&str; 3] = ["acme-payroll", "bluegum-jobs", "coastal-care"];
pub const ADMINS: [&str; 3] = ["m.okafor", "s.lindqvist", "r.patel"];
pub const SUPPORT: [&str; 5] = ["j.chen", "a.kowalski", "t.nguyen", "l.moreau", "p.silva"];
pub const ENGINEERS: [&str; 4] = ["h.tanaka", "d.osei", "b.wright", "f.costa"];
pub const DEPLOY_BOT: &str = "svc-deploy";
/// A contractor whose account was deactivated in September.
pub const CONTRACTOR: &str = "k.brennan";
/// The support engineer who leaves, and the engineer who leaves cleanly.
pub const SUPPORT_LEAVER: &str = "l.moreau";
pub const ENGINEER_LEAVER: &str = "d.osei";
/// The shared credentials.
pub const BREAK_GLASS: &str = "support-break-glass";
pub const DB_SUPERUSER: &str = "db-superuser";
/// The tenant that gets support accesses without a ticket.
pub const TICKETLESS_TENANT: &str = "coastal-care";

const USERS: [&[&str]; 3] = [
    &[
        "olivia.hart",
        "james.kerr",
        "mei.lin",
        "tom.fraser",
        "priya.nair",
        "ben.walsh",
        "sarah.dunn",
        "luke.morris",
    ],
    &[
        "ava.reid",
        "noah.bell",
        "zoe.clarke",
        "liam.ford",
        "chloe.ng",
        "ethan.gray",
        "isla.burke",
        "mason.tran",
        "ruby.shaw",
    ],
    &[
        "nina.rossi",
        "omar.haddad",
        "ella.brooks",
        "jack.pham",
        "lucy.ward",
        "sam.quinn",
        "amir.karimi",
        "holly.byrne",
        "tara.mills",
        "will.hughes",
    ],
];

/// The audit logs run from local midnight on Sunday 27 September to 03:00 on
/// 1 November (local), beyond both ends of the period.
pub fn log_range() -> (i64, i64) {
    (utc(2026, 9, 26, 14, 0), utc(2026, 10, 31, 16, 0))
}

/// When the support engineer left: Thursday 15 October, 10:00 AEDT.
pub fn support_leaver_left() -> i64 {
    utc(2026, 10, 14, 23, 0)
}

/// When the engineer left: Thursday 22 October, 17:00 AEDT.
pub fn engineer_leaver_left() -> i64 {
    utc(2026, 10, 22, 6, 0)
}

/// The app log's silence (its shipper stalled): [start, end).
pub fn app_silence() -> (i64, i64) {
    (utc(2026, 10, 20, 2, 0), utc(2026, 10, 21, 4, 0))
}

/// The role change edited after the chain was written.
fn tampered_at() -> i64 {
    utc(2026, 10, 23, 0, 14) + 27
}

/// Staff IP addresses (documentation ranges): office and VPN.
fn staff_ip(name: &str) -> String {
    let n = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("192.0.2.{}", 10 + n % 200)
}

fn user_ip(tenant: usize, user: usize) -> String {
    let net = ["203.0.113", "198.51.100", "100.64.12"][tenant];
    format!("{net}.{}", 20 + user * 7)
}

fn email(tenant: usize, user: usize) -> String {
    format!("{}@{}.example", USERS[tenant][user], TENANTS[tenant])
}

/// Every local date the logs cover.
fn local_dates() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2026, 9, 27).expect("valid");
    let last = NaiveDate::from_ymd_opt(2026, 11, 1).expect("valid");
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// The UTC instant of local `date` at `minute` past midnight (wall clock), plus
/// `second` seconds.
fn at(date: NaiveDate, minute: i64, second: i64) -> i64 {
    let minute = minute.clamp(0, 24 * 60 - 1);
    melbourne_wall(
        date.year(),
        date.month(),
        date.day(),
        (minute / 60) as u32,
        (minute % 60) as u32,
    ) + second
}

fn weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Customers of the three tenants logging in to the application.
fn customer_events(seed: u64, dates: &[NaiveDate]) -> Vec<Event> {
    let mut out = Vec::new();
    for (t, tenant) in TENANTS.iter().enumerate() {
        let mut rng = Rng::stream(seed, &["audit", tenant]);
        for &date in dates {
            // (count, earliest minute, latest minute) of logins, by tenant rhythm.
            let mut slots: Vec<(i64, i64, i64)> = match t {
                // Payroll: office hours on weekdays, busy on pay-run Wednesdays.
                0 if weekend(date) => vec![(rng.range(0, 2), 9 * 60, 16 * 60)],
                0 => {
                    let payday = date.weekday() == Weekday::Wed && date.day() % 14 == 0;
                    vec![(
                        rng.range(6, 11) + if payday { 6 } else { 0 },
                        8 * 60,
                        18 * 60,
                    )]
                }
                // Job board: employers and candidates, mornings to late evening.
                1 => vec![(rng.range(6, 10), 7 * 60, 23 * 60)],
                // Aged care: 24/7, clustered around the shift changes.
                _ => vec![
                    (rng.range(3, 5), 6 * 60 + 30, 7 * 60 + 30),
                    (rng.range(3, 5), 14 * 60 + 30, 15 * 60 + 30),
                    (rng.range(2, 4), 22 * 60 + 30, 23 * 60 + 30),
                    (rng.range(1, 3), 0, 24 * 60 - 1),
                ],
            };
            for (count, lo, hi) in slots.drain(..) {
                for _ in 0..count {
                    let user = rng.below(USERS[t].len() as u64) as usize;
                    let time = at(date, rng.range(lo, hi), rng.range(0, 59));
                    let role = if user == 0 {
                        "tenant_admin"
                    } else {
                        "customer"
                    };
                    let mfa = match t {
                        2 => Some(true),
                        0 if user == 0 => Some(true),
                        0 => None,
                        _ => Some(false),
                    };
                    let fails = rng.below(100) < 6;
                    let logout_after = rng.range(15, 240) * MIN + rng.range(0, 59);
                    let logs_out = rng.below(100) < 70;
                    let login = Event::new(time, &email(t, user), "login")
                        .role(role)
                        .tenant(tenant)
                        .ip(&user_ip(t, user));
                    if fails {
                        out.push(login.failed());
                        continue;
                    }
                    out.push(login.clone().mfa(mfa));
                    if logs_out {
                        out.push(Event {
                            time: time + logout_after,
                            action: "logout",
                            ..login
                        });
                    }
                }
            }
        }
    }
    out
}

/// The last instant an account may act in the noise (its holder's departure).
fn active_until(name: &str) -> i64 {
    match name {
        SUPPORT_LEAVER => support_leaver_left(),
        ENGINEER_LEAVER => engineer_leaver_left(),
        _ => i64::MAX,
    }
}

/// A staff session: an occasional mistyped password, the login, the logout.
fn session(
    rng: &mut Rng,
    out: &mut Vec<Event>,
    name: &str,
    role: &'static str,
    mfa: Option<bool>,
    start: i64,
    length: i64,
) {
    if rng.below(100) < 4 {
        let mistyped = start - rng.range(20, 90);
        out.push(Event::staff(mistyped, name, "login", role).failed());
    }
    out.push(Event::staff(start, name, "login", role).mfa(mfa));
    out.push(Event::staff(start + length, name, "logout", role));
}

/// Staff in the admin console, and support staff entering tenants (in the app).
fn staff_events(seed: u64, dates: &[NaiveDate]) -> (Vec<Event>, Vec<Event>) {
    let (mut console, mut app) = (Vec::new(), Vec::new());
    let mut ticket = 4_100;
    for (day, &date) in dates.iter().enumerate() {
        let off = weekend(date);
        for name in ADMINS {
            let mut rng = Rng::stream(seed, &["audit", name, &date.to_string()]);
            if off || rng.below(100) >= 85 {
                continue;
            }
            let start = at(date, rng.range(8 * 60, 10 * 60), rng.range(0, 59));
            let length = rng.range(60, 300) * MIN;
            session(
                &mut rng,
                &mut console,
                name,
                "admin",
                Some(true),
                start,
                length,
            );
            if rng.below(100) < 35 {
                let start = at(date, rng.range(13 * 60, 16 * 60), rng.range(0, 59));
                let length = rng.range(30, 120) * MIN;
                session(
                    &mut rng,
                    &mut console,
                    name,
                    "admin",
                    Some(true),
                    start,
                    length,
                );
            }
        }
        // Support: weekdays most of the team, weekends one on call (rotating).
        let active: Vec<&str> = SUPPORT
            .iter()
            .copied()
            .filter(|n| at(date, 24 * 60 - 1, 59) < active_until(n))
            .collect();
        for (i, name) in active.iter().enumerate() {
            let mut rng = Rng::stream(seed, &["audit", name, &date.to_string()]);
            let on = if off {
                i == day % active.len()
            } else {
                rng.below(100) < 80
            };
            if !on {
                continue;
            }
            let (from, to, length) = if off {
                (10 * 60, 12 * 60, rng.range(90, 180))
            } else {
                (8 * 60, 9 * 60 + 30, rng.range(420, 540))
            };
            let start = at(date, rng.range(from, to), rng.range(0, 59));
            session(
                &mut rng,
                &mut console,
                name,
                "support",
                Some(true),
                start,
                length * MIN,
            );
            let accesses = if off {
                rng.range(1, 2)
            } else {
                rng.range(1, 4)
            };
            for _ in 0..accesses {
                let t = rng.below(TENANTS.len() as u64) as usize;
                let user = rng.below(USERS[t].len() as u64) as usize;
                ticket += 1 + rng.range(0, 6);
                let time = start + rng.range(5, length - 5) * MIN + rng.range(0, 59);
                app.push(
                    Event::staff(time, name, "support_access", "support")
                        .tenant(TENANTS[t])
                        .target(&email(t, user))
                        .ticket(&format!("SUP-{ticket}")),
                );
            }
        }
        // Engineers: most weekdays; one on call at weekends, some days.
        for (i, name) in ENGINEERS.iter().enumerate() {
            let mut rng = Rng::stream(seed, &["audit", name, &date.to_string()]);
            let on = if off {
                i == day % ENGINEERS.len() && rng.below(100) < 60
            } else {
                rng.below(100) < 70
            };
            if !on {
                continue;
            }
            let start = at(date, rng.range(9 * 60, 11 * 60), rng.range(0, 59));
            if start + 8 * HOUR >= active_until(name) {
                continue;
            }
            let mfa = if rng.below(2) == 0 { Some(true) } else { None };
            let length = rng.range(120, 480) * MIN;
            session(&mut rng, &mut console, name, "engineer", mfa, start, length);
        }
    }
    (console, app)
}

/// The deploy bot authenticates once in every 3-hour slot, around the clock.
fn deploy_events(seed: u64) -> Vec<Event> {
    let (l0, l1) = log_range();
    let mut rng = Rng::stream(seed, &["audit", DEPLOY_BOT]);
    let mut out = Vec::new();
    let mut slot = l0;
    while slot < l1 {
        let t = slot + rng.range(0, 3 * HOUR - 1);
        out.push(
            Event::new(t, DEPLOY_BOT, "login")
                .role("service")
                .ip("10.40.0.15"),
        );
        slot += 3 * HOUR;
    }
    out
}

/// The scripted events: (file, event, what, verdict) — `what` empty for
/// supporting events the README need not list.
fn scripted() -> Vec<(LogFile, Event, &'static str, &'static str)> {
    use LogFile::{AdminConsole as Adm, App};
    let left = support_leaver_left();
    let (s0, s1) = app_silence();
    vec![
        (
            Adm,
            Event::staff(utc(2026, 9, 28, 3, 0), "s.lindqvist", "deactivate", "admin")
                .target(CONTRACTOR),
            "s.lindqvist deactivates contractor k.brennan (contract ended), before the period",
            "makes k.brennan an `access.leaver_login` subject: evidence before the period must be read",
        ),
        (
            Adm,
            Event::staff(utc(2026, 9, 28, 4, 0), "s.lindqvist", "credential_rotated", "admin")
                .target(BREAK_GLASS),
            "routine rotation of `support-break-glass`",
            "makes it an `access.shared_credential_rotation` subject",
        ),
        (
            Adm,
            Event::staff(utc(2026, 9, 29, 5, 0), "m.okafor", "credential_rotated", "admin")
                .target(DB_SUPERUSER),
            "routine rotation of `db-superuser`, its last",
            "makes it an `access.shared_credential_rotation` subject",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 5, 1, 30), "s.lindqvist", "password_policy_changed", "admin")
                .target("staff-sso"),
            "",
            "",
        ),
        (
            Adm,
            Event::new(utc(2026, 10, 7, 23, 12) + 41, "r.patel", "login")
                .role("admin")
                .mfa(Some(false))
                .ip("198.51.100.23"),
            "r.patel (admin) logs in without MFA (`\"mfa\":false`) from a hotel network",
            "`access.mfa` r.patel: 1, fails",
        ),
        (
            Adm,
            Event::new(utc(2026, 10, 8, 21, 30) + 9, CONTRACTOR, "login")
                .role("engineer")
                .ip("198.51.100.61"),
            "k.brennan, deactivated in September, logs in (role engineer)",
            "`access.leaver_login` k.brennan: 1, fails (not an `access.mfa` subject: engineer)",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 10, 11, 5), "j.chen", "login", "support")
                .mfa(Some(true)),
            "",
            "",
        ),
        (
            App,
            Event::staff(utc(2026, 10, 10, 11, 20) + 14, "j.chen", "support_access", "support")
                .tenant(TICKETLESS_TENANT)
                .target(&email(2, 3))
                .ticket(""),
            "j.chen enters coastal-care with `\"ticket\":\"\"` (Saturday night call-out)",
            "`access.support_ticket` coastal-care: no ticket",
        ),
        (
            App,
            Event::staff(utc(2026, 10, 10, 11, 48) + 40, "j.chen", "support_access", "support")
                .tenant(TICKETLESS_TENANT)
                .target(&email(2, 5)),
            "j.chen enters coastal-care again, no `ticket` field at all",
            "`access.support_ticket` coastal-care: no ticket",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 10, 12, 30), "j.chen", "logout", "support"),
            "",
            "",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 12, 22, 3) + 12, "s.lindqvist", "login", "admin")
                .mfa(Some(false))
                .failed(),
            "s.lindqvist fails a login without MFA, then succeeds with MFA a minute later",
            "not counted: only successful logins count",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 12, 22, 4) + 30, "s.lindqvist", "login", "admin")
                .mfa(Some(true)),
            "",
            "",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 14, 21, 30), SUPPORT_LEAVER, "login", "support")
                .mfa(Some(true)),
            "l.moreau (support) logs in on her last morning",
            "not barred: before she left",
        ),
        (
            App,
            Event::staff(utc(2026, 10, 14, 22, 10), SUPPORT_LEAVER, "support_access", "support")
                .tenant("acme-payroll")
                .target(&email(0, 0))
                .ticket("SUP-HANDOVER-1015"),
            "",
            "",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 14, 22, 50), SUPPORT_LEAVER, "logout", "support"),
            "",
            "",
        ),
        (
            Adm,
            Event::staff(left + 10 * HOUR, "s.lindqvist", "credential_rotated", "admin")
                .target(BREAK_GLASS),
            "`support-break-glass` rotated 10 h after l.moreau left",
            "`access.shared_credential_rotation` support-break-glass: 10.00 h, passes",
        ),
        (
            Adm,
            Event::staff(left + 30 * HOUR, "s.lindqvist", "deactivate", "admin")
                .target(SUPPORT_LEAVER),
            "l.moreau's account deactivated, 30 h after she left",
            "`access.leaver_deactivation` l.moreau: 30.00 h, fails",
        ),
        (
            App,
            Event::staff(utc(2026, 10, 19, 22, 44) + 10, SUPPORT_LEAVER, "login", "support")
                .failed(),
            "l.moreau's app account (not deprovisioned) fails a login",
            "not counted: a failed login",
        ),
        (
            App,
            Event::staff(utc(2026, 10, 19, 22, 45) + 2, SUPPORT_LEAVER, "login", "support")
                .mfa(Some(true)),
            "... and then logs in, after her deactivation (in the other file)",
            "`access.leaver_login` l.moreau: 1, fails",
        ),
        (
            App,
            Event::new(s0, &email(1, 2), "login")
                .role("customer")
                .tenant("bluegum-jobs")
                .mfa(Some(false))
                .ip(&user_ip(1, 2)),
            "last app event before the log shipper stalls",
            "",
        ),
        (
            App,
            Event::new(s1, &email(2, 4), "login")
                .role("customer")
                .tenant("coastal-care")
                .mfa(Some(true))
                .ip(&user_ip(2, 4)),
            "first app event after the shipper is restarted: 26 h of silence",
            "`logging.gaps` app.ndjson: 26.00 h, fails",
        ),
        (
            Adm,
            Event::staff(engineer_leaver_left() + 90 * MIN, "m.okafor", "deactivate", "admin")
                .target(ENGINEER_LEAVER),
            "d.osei (engineer) deactivated 1.5 h after leaving",
            "`access.leaver_deactivation` d.osei: 1.50 h, passes; an engineer leaver needs no \
             credential rotation",
        ),
        (
            Adm,
            Event {
                new_role: Some("admin"),
                ..Event::staff(tampered_at(), "m.okafor", "role_changed", "admin")
                    .target("t.nguyen")
            },
            "m.okafor makes t.nguyen an admin; the line is later edited to read \
             `\"new_role\":\"support\"`",
            "`logging.integrity` admin-console.ndjson: the next line's `prev_hash` no longer \
             matches, 1, fails",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 27, 9, 15), "t.nguyen", "login", "support")
                .mfa(Some(true)),
            "",
            "",
        ),
        (
            App,
            Event::staff(utc(2026, 10, 27, 9, 40) + 5, "t.nguyen", "support_access", "support")
                .tenant(TICKETLESS_TENANT)
                .target(&email(2, 8))
                .ticket(""),
            "t.nguyen enters coastal-care with an empty ticket (evening call-out)",
            "`access.support_ticket` coastal-care: no ticket",
        ),
        (
            Adm,
            Event::staff(utc(2026, 10, 27, 10, 20), "t.nguyen", "logout", "support"),
            "",
            "",
        ),
    ]
}

fn alerts(seed: u64) -> Vec<Alert> {
    let fixed = |alert, target, started: i64, severity, minutes: Option<i64>, note| Alert {
        alert,
        target,
        started,
        severity,
        resolved: minutes.map(|m| started + m * MIN),
        note,
    };
    let mut out = vec![
        fixed(
            "HighMemory",
            "db-main-01",
            utc(2026, 9, 28, 20, 0),
            "warning",
            Some(27 * 60),
            "September, resolved before the period: not counted (27 h would fail)",
        ),
        fixed(
            "EndpointDown",
            "payroll-api",
            utc(2026, 10, 3, 15, 54),
            "critical",
            Some(18),
            "the payroll-api outage at the DST change",
        ),
        fixed(
            "DiskSpaceLow",
            "files-01",
            utc(2026, 10, 9, 2, 0),
            "warning",
            Some(30 * 60),
            "files-01 volume above 90 % for 30 h until it is resized: fails",
        ),
        fixed(
            "EndpointDown",
            "jobs-api",
            utc(2026, 10, 11, 22, 42),
            "critical",
            Some(14),
            "the jobs-api worker queue backlog",
        ),
        fixed(
            "ReplicationLag",
            "db-main-01",
            utc(2026, 10, 13, 4, 10),
            "warning",
            Some(52),
            "replica catching up after a vacuum",
        ),
        fixed(
            "EndpointDown",
            "payroll-api",
            utc(2026, 10, 14, 3, 12),
            "critical",
            Some(23),
            "the payroll-api connection pool outage",
        ),
        fixed(
            "EndpointDown",
            "payroll-web",
            utc(2026, 10, 16, 23, 20),
            "critical",
            Some(6),
            "the payroll-web bad deploy",
        ),
        fixed(
            "BackupMissed",
            "payroll-db",
            utc(2026, 10, 17, 8, 30),
            "warning",
            Some(215),
            "the missed 08:00Z restic run",
        ),
        fixed(
            "ProbeMissing",
            "customer-portal",
            utc(2026, 10, 19, 16, 5),
            "warning",
            Some(87),
            "the deleted probe configuration",
        ),
        fixed(
            "EndpointDown",
            "payroll-api",
            utc(2026, 10, 21, 9, 43),
            "critical",
            Some(9),
            "the payroll-api load-balancer pool failure",
        ),
        fixed(
            "EndpointDown",
            "jobs-api",
            utc(2026, 10, 22, 3, 6),
            "critical",
            Some(35),
            "the jobs-api outage in the late CHG-2026-1022",
        ),
        fixed(
            "CertificateExpiringSoon",
            "customer-portal",
            utc(2026, 10, 30, 9, 0),
            "warning",
            None,
            "still firing at period end: 28 h to the period end, fails",
        ),
    ];
    // Routine alerts, placed by the seed, all resolved within hours.
    let kinds: [(&str, &str, &str); 6] = [
        ("HighCPU", "k8s-node-03", "warning"),
        ("HighCPU", "k8s-node-05", "warning"),
        ("DiskSpaceLow", "files-01", "warning"),
        ("ReplicationLag", "db-main-01", "warning"),
        ("TLSHandshakeErrors", "lb-01", "info"),
        ("PodCrashLooping", "jobs-api", "warning"),
    ];
    let (p0, p1) = period();
    let mut rng = Rng::stream(seed, &["alerts"]);
    for _ in 0..9 {
        let (alert, target, severity) = kinds[rng.below(kinds.len() as u64) as usize];
        let started = p0 + 6 * HOUR + rng.below((p1 - p0 - 48 * HOUR) as u64) as i64;
        let started = started - started % MIN;
        let minutes = rng.range(8, 6 * 60);
        out.push(fixed(alert, target, started, severity, Some(minutes), ""));
    }
    out.sort_by_key(|a| (a.started, a.target));
    out
}

impl Access {
    pub fn new(seed: u64) -> Self {
        let (l0, l1) = log_range();
        let (s0, s1) = app_silence();
        let dates = local_dates();
        let (mut console, mut app) = staff_events(seed, &dates);
        console.extend(deploy_events(seed));
        app.extend(customer_events(seed, &dates));
        // The noise keeps to the log range, to its actors' employment, and out of
        // the app's silence.
        let keep = |e: &Event| (l0..l1).contains(&e.time) && e.time < active_until(&e.actor);
        console.retain(keep);
        app.retain(|e| keep(e) && !(s0 - MIN..s1 + MIN).contains(&e.time));

        let mut planted = Vec::new();
        for (file, event, what, verdict) in scripted() {
            if !what.is_empty() {
                planted.push(Planted {
                    at: event.time,
                    file: file.path(),
                    what: what.to_string(),
                    verdict: verdict.to_string(),
                });
            }
            match file {
                LogFile::AdminConsole => console.push(event),
                LogFile::App => app.push(event),
            }
        }

        let mut admin = chain(LogFile::AdminConsole, console);
        let app = chain(LogFile::App, app);
        let i = admin
            .events
            .iter()
            .position(|e| e.action == "role_changed" && e.time == tampered_at())
            .expect("the planted role change is in the admin console log");
        admin.lines[i] =
            admin.lines[i].replace("\"new_role\":\"admin\"", "\"new_role\":\"support\"");

        let leavers = vec![
            Leaver {
                actor: SUPPORT_LEAVER,
                left_at: support_leaver_left(),
                role: "support",
            },
            Leaver {
                actor: ENGINEER_LEAVER,
                left_at: engineer_leaver_left(),
                role: "engineer",
            },
        ];
        planted.push(Planted {
            at: support_leaver_left(),
            file: LEAVERS,
            what: "l.moreau (support) leaves".to_string(),
            verdict: "a support-role leaver: every shared credential must be rotated within 24 h"
                .to_string(),
        });
        planted.push(Planted {
            at: engineer_leaver_left(),
            file: LEAVERS,
            what: "d.osei (engineer) leaves".to_string(),
            verdict: "no logins after leaving: `access.leaver_login` d.osei 0, passes".to_string(),
        });
        planted.sort_by_key(|p| p.at);

        let span = [&admin, &app]
            .iter()
            .flat_map(|l| [l.events[0].time, l.events[l.events.len() - 1].time])
            .fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
        Access {
            logs: vec![admin, app],
            leavers,
            alerts: alerts(seed),
            planted,
            span,
        }
    }
}

/// Write the audit logs, the leavers and the alerts under `out`.
pub fn write(access: &Access, out: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(out.join(AUDIT_DIR))?;
    let mut files = Vec::new();
    for log in &access.logs {
        let path = out.join(log.file.path());
        let mut text = String::with_capacity(log.lines.len() * 260);
        for line in &log.lines {
            text.push_str(line);
            text.push('\n');
        }
        fs::write(&path, text)?;
        files.push(path);
    }
    let mut leavers = String::from("actor,left_at,role\n");
    for l in &access.leavers {
        leavers.push_str(&format!("{},{},{}\n", l.actor, rfc3339(l.left_at), l.role));
    }
    let path = out.join(LEAVERS);
    fs::write(&path, leavers)?;
    files.push(path);
    let mut alerts = String::from("alert,target,started_at,severity,resolved_at\n");
    for a in &access.alerts {
        alerts.push_str(&format!(
            "{},{},{},{},{}\n",
            a.alert,
            a.target,
            rfc3339(a.started),
            a.severity,
            a.resolved.map(rfc3339).unwrap_or_default()
        ));
    }
    let path = out.join(ALERTS);
    fs::write(&path, alerts)?;
    files.push(path);
    Ok(files)
}

/// What a measured value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    Count(u64),
    /// A duration in seconds, shown in hours.
    Hours(i64),
}

impl Measured {
    pub fn text(self) -> String {
        match self {
            Measured::Count(n) => n.to_string(),
            Measured::Hours(secs) => hours(secs),
        }
    }
}

/// One expected `findings.csv` row.
#[derive(Debug, Clone)]
pub struct Finding {
    pub check: &'static str,
    pub subject: String,
    pub measured: Measured,
    pub pass: bool,
    pub detail: String,
}

impl Finding {
    pub fn verdict(&self) -> &'static str {
        if self.pass {
            "PASS"
        } else {
            "FAIL"
        }
    }
}

fn count(check: &'static str, subject: &str, n: u64, detail: String) -> Finding {
    Finding {
        check,
        subject: subject.to_string(),
        measured: Measured::Count(n),
        pass: n == 0,
        detail,
    }
}

fn duration(check: &'static str, subject: &str, secs: i64, max: i64, detail: String) -> Finding {
    Finding {
        check,
        subject: subject.to_string(),
        measured: Measured::Hours(secs),
        pass: secs <= max,
        detail,
    }
}

/// SPEC §7 "Access and logging, exactly" and `monitoring.alert_resolution`,
/// applied to the events as written. Rows ordered by check, then subject.
pub fn assess(access: &Access) -> Vec<Finding> {
    let (p0, p1) = period();
    let in_period = |t: i64| (p0..p1).contains(&t);
    let events: Vec<&Event> = access.logs.iter().flat_map(|l| &l.events).collect();
    let ok: Vec<&Event> = events.iter().copied().filter(|e| e.success).collect();
    let mut out = Vec::new();

    // access.mfa: successful in-period logins under an MFA-required role.
    let mut mfa: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for e in ok
        .iter()
        .filter(|e| e.action == "login" && in_period(e.time))
    {
        if e.role.is_some_and(|r| MFA_REQUIRED_ROLES.contains(&r)) {
            let entry = mfa.entry(&e.actor).or_default();
            entry.0 += 1;
            if e.mfa != Some(true) {
                entry.1 += 1;
            }
        }
    }
    for (actor, (logins, without)) in mfa {
        out.push(count(
            "access.mfa",
            actor,
            without,
            format!("{without} of {logins} logins without MFA"),
        ));
    }

    // Deactivations and reactivations, per account.
    let mut lifecycle: BTreeMap<&str, Vec<(i64, bool, &str)>> = BTreeMap::new();
    for e in ok
        .iter()
        .filter(|e| matches!(e.action, "deactivate" | "reactivate"))
    {
        if let Some(target) = &e.target {
            lifecycle
                .entry(target)
                .or_default()
                .push((e.time, e.action == "deactivate", &e.actor));
        }
    }
    for v in lifecycle.values_mut() {
        v.sort();
    }
    let left: BTreeMap<&str, &Leaver> = access.leavers.iter().map(|l| (l.actor, l)).collect();

    // access.leaver_login.
    let mut subjects: BTreeSet<&str> = left.keys().copied().collect();
    for (account, v) in &lifecycle {
        if v.iter().any(|&(t, deactivate, _)| deactivate && t < p1) {
            subjects.insert(account);
        }
    }
    for subject in subjects {
        let barred = |t: i64| {
            let after_leaving = left.get(subject).is_some_and(|l| t > l.left_at);
            let deactivated = lifecycle
                .get(subject)
                .and_then(|v| v.iter().rfind(|l| l.0 < t))
                .is_some_and(|l| l.1);
            after_leaving || deactivated
        };
        let logins: Vec<i64> = ok
            .iter()
            .filter(|e| e.action == "login" && e.actor == subject && in_period(e.time))
            .map(|e| e.time)
            .filter(|&t| barred(t))
            .collect();
        let detail = if logins.is_empty() {
            "no successful login while barred".to_string()
        } else {
            format!(
                "barred logins at {}",
                logins
                    .iter()
                    .map(|&t| rfc3339(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(count(
            "access.leaver_login",
            subject,
            logins.len() as u64,
            detail,
        ));
    }

    // access.leaver_deactivation.
    for (actor, leaver) in &left {
        let deactivated = lifecycle.get(actor).and_then(|v| {
            v.iter()
                .find(|l| l.1 && l.0 >= leaver.left_at && l.0 < p1)
                .map(|l| (l.0, l.2))
        });
        let (to, detail) = match deactivated {
            Some((t, by)) => (t, format!("deactivated at {} by {by}", rfc3339(t))),
            None => (p1, "still active at period end".to_string()),
        };
        out.push(duration(
            "access.leaver_deactivation",
            actor,
            to - leaver.left_at,
            LEAVER_DEACTIVATION_MAX,
            format!("left at {}, {detail}", rfc3339(leaver.left_at)),
        ));
    }

    // access.shared_credential_rotation.
    let mut rotations: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for e in ok
        .iter()
        .filter(|e| e.action == "credential_rotated" && e.time < p1)
    {
        if let Some(target) = &e.target {
            rotations.entry(target).or_default().push(e.time);
        }
    }
    let support_leavers: Vec<&Leaver> = access
        .leavers
        .iter()
        .filter(|l| l.role == "support" && l.left_at < p1)
        .collect();
    for (credential, mut times) in rotations {
        times.sort_unstable();
        let worst = support_leavers
            .iter()
            .map(|l| {
                let next = times.iter().copied().find(|&t| t >= l.left_at);
                (next.unwrap_or(p1) - l.left_at, l, next)
            })
            .max_by_key(|w| w.0);
        if let Some((secs, l, next)) = worst {
            let detail = match next {
                Some(t) => format!(
                    "{} left {}, rotated {}",
                    l.actor,
                    rfc3339(l.left_at),
                    rfc3339(t)
                ),
                None => format!(
                    "{} left {}, not rotated by period end",
                    l.actor,
                    rfc3339(l.left_at)
                ),
            };
            out.push(duration(
                "access.shared_credential_rotation",
                credential,
                secs,
                SHARED_CREDENTIAL_ROTATION_MAX,
                detail,
            ));
        }
    }

    // access.support_ticket.
    let mut support: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for e in ok
        .iter()
        .filter(|e| e.action == "support_access" && in_period(e.time))
    {
        let entry = support.entry(e.tenant.unwrap_or("")).or_default();
        entry.0 += 1;
        let has_ticket = e.ticket.as_deref().is_some_and(|t| !t.trim().is_empty());
        if !has_ticket {
            entry.1 += 1;
        }
    }
    for (tenant, (accesses, without)) in support {
        out.push(count(
            "access.support_ticket",
            tenant,
            without,
            format!("{without} of {accesses} support accesses without a ticket"),
        ));
    }

    // logging.integrity: recompute every link from the bytes as written.
    for log in &access.logs {
        let broken: Vec<usize> = (1..log.lines.len())
            .filter(|&i| log.claimed[i] != audit_log::link(log.lines[i - 1].as_bytes()))
            .map(|i| i + 1)
            .collect();
        let detail = match broken.first() {
            None => format!("all {} lines chain", log.lines.len()),
            Some(line) => format!("first broken link at line {line}"),
        };
        out.push(count(
            "logging.integrity",
            log.file.path(),
            broken.len() as u64,
            detail,
        ));
    }

    // logging.gaps: every event, whatever its action or outcome, in the period.
    for log in &access.logs {
        let mut times: Vec<i64> = log
            .events
            .iter()
            .map(|e| e.time)
            .filter(|&t| in_period(t))
            .collect();
        times.sort_unstable();
        let n = times.len();
        let mut points = vec![p0];
        points.extend(times);
        points.push(p1);
        let (from, to) = points
            .windows(2)
            .map(|w| (w[0], w[1]))
            .fold(
                (p0, p0),
                |best, g| {
                    if g.1 - g.0 > best.1 - best.0 {
                        g
                    } else {
                        best
                    }
                },
            );
        out.push(duration(
            "logging.gaps",
            log.file.path(),
            to - from,
            MAX_LOG_GAP,
            format!(
                "{} to {}; {n} events in the period",
                rfc3339(from),
                rfc3339(to)
            ),
        ));
    }

    // inputs.rejected_rows: every line of these four files is readable.
    for log in &access.logs {
        out.push(count(
            "inputs.rejected_rows",
            log.file.path(),
            0,
            format!("all {} rows read", log.lines.len()),
        ));
    }
    for (path, rows) in [
        (LEAVERS, access.leavers.len()),
        (ALERTS, access.alerts.len()),
    ] {
        out.push(count(
            "inputs.rejected_rows",
            path,
            0,
            format!("all {rows} rows read"),
        ));
    }

    // monitoring.alert_resolution: alerts open during the period, per target.
    let mut by_target: BTreeMap<&str, Vec<&Alert>> = BTreeMap::new();
    for a in &access.alerts {
        if a.started < p1 && a.resolved.is_none_or(|r| r >= p0) {
            by_target.entry(a.target).or_default().push(a);
        }
    }
    for (target, alerts) in by_target {
        let length = |a: &Alert| a.resolved.filter(|&r| r <= p1).unwrap_or(p1) - a.started;
        let worst = alerts
            .iter()
            .max_by_key(|a| (length(a), std::cmp::Reverse(a.started)))
            .expect("non-empty");
        let how = match worst.resolved {
            Some(r) if r <= p1 => format!("resolved {}", rfc3339(r)),
            _ => "still firing at period end".to_string(),
        };
        out.push(duration(
            "monitoring.alert_resolution",
            target,
            length(worst),
            ALERT_RESOLUTION_MAX,
            format!(
                "{} from {}, {how}; {} alerts",
                worst.alert,
                rfc3339(worst.started),
                alerts.len()
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_chain_and_one_was_tampered() {
        let access = Access::new(27_001);
        for log in &access.logs {
            assert_eq!(log.claimed[0], "");
            assert!(log.lines[0].contains("\"prev_hash\":\"\""));
            let broken = (1..log.lines.len())
                .filter(|&i| log.claimed[i] != audit_log::link(log.lines[i - 1].as_bytes()))
                .count();
            let want = usize::from(log.file == LogFile::AdminConsole);
            assert_eq!(broken, want, "{}", log.file.path());
            for (line, claimed) in log.lines.iter().zip(&log.claimed) {
                assert!(line.ends_with(&format!("\"prev_hash\":\"{claimed}\"}}")));
            }
        }
    }

    #[test]
    fn same_seed_same_bytes() {
        let (a, b) = (Access::new(5), Access::new(5));
        assert_eq!(a.logs[0].lines, b.logs[0].lines);
        assert_eq!(a.logs[1].lines, b.logs[1].lines);
        assert_ne!(Access::new(6).logs[1].lines, a.logs[1].lines);
    }
}
