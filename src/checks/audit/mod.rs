//! The access and logging families (SPEC §7, "Access and logging, exactly"), computed
//! from the audit stream without holding it: [`AuditState`] sees each event once and
//! keeps only what the answers need — per-actor lifecycle events, credential rotations,
//! the offending events themselves, and each source's covered stretches of time.
//!
//! Logins after a deactivation are judged when they are seen, against the lifecycle
//! events seen so far. That is exact for logs in time order. When a deactivation or
//! reactivation turns up that is earlier than a login already judged for that actor
//! (out-of-order files), the actor is marked and [`AuditState::rescan`] asks for a
//! second pass that re-judges only that actor's logins with every lifecycle event known.

mod gaps;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use foldhash::fast::FixedState;

use super::CheckCtx;
use crate::ingest::audit::{Action, AuditConsumer, AuditEvent, ChainLinks};
use crate::model::{Cell, CheckId, EvidenceTable, Finding, Millis, Status, Unit};
use crate::period::format_utc;
use gaps::GapTracker;

const HOUR: f64 = 3_600_000.0;

/// A leaver from the `leavers` table.
#[derive(Debug, Clone)]
pub struct Leaver {
    pub actor: String,
    pub left_at: Millis,
    pub role: Option<String>,
}

/// An event kept as evidence.
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    time: Millis,
    actor: String,
    tenant: String,
    target: String,
    ip: String,
    file: String,
    line: u64,
    note: String,
}

impl Kept {
    fn from(event: &AuditEvent<'_>, note: String) -> Self {
        Kept {
            time: event.time,
            actor: event.actor.to_string(),
            tenant: event.tenant.unwrap_or_default().to_string(),
            target: event.target.unwrap_or_default().to_string(),
            ip: event.ip.unwrap_or_default().to_string(),
            file: event.file.to_string(),
            line: event.line,
            note,
        }
    }

    fn cells(&self, subject: &str) -> Vec<Cell> {
        vec![
            Cell::Text(subject.to_string()),
            Cell::Time(self.time),
            Cell::Text(self.actor.clone()),
            Cell::Text(self.tenant.clone()),
            Cell::Text(self.target.clone()),
            Cell::Text(self.ip.clone()),
            Cell::Text(self.note.clone()),
            Cell::Text(self.file.clone()),
            Cell::Count(self.line),
        ]
    }
}

const EVENT_COLUMNS: [&str; 9] = [
    "subject", "time", "actor", "tenant", "target", "ip", "note", "file", "line",
];

/// A successful deactivate (`true`) or reactivate (`false`) of an account.
#[derive(Debug, Clone)]
struct Lifecycle {
    time: Millis,
    deactivate: bool,
    actor: String,
    file: String,
    line: u64,
}

/// What the stream leaves behind, and what the checks need from the period and policy.
pub struct AuditState {
    start: Millis,
    end: Millis,
    mfa_roles: Vec<String>,
    leavers: BTreeMap<String, Leaver>,
    /// Per actor: logins under an MFA-required role, and those without MFA (hashed, as
    /// `actors`; sorted when the findings are made).
    mfa: HashMap<String, (u64, Vec<Kept>), FixedState>,
    lifecycle: BTreeMap<String, Vec<Lifecycle>>,
    /// Every actor seen logging in or barred from it, looked up once per login: a hash
    /// map, since this is the per-event cost of a report (SPEC §13); nothing is ever
    /// rendered in its order.
    actors: HashMap<String, ActorSeen, FixedState>,
    leaver_logins: BTreeMap<String, Vec<Kept>>,
    rescan: BTreeSet<String>,
    rescanning: bool,
    rotations: BTreeMap<String, Vec<Millis>>,
    support: BTreeMap<String, (u64, Vec<Kept>)>,
    chains: BTreeMap<String, ChainLinks>,
    sources: BTreeMap<String, GapTracker>,
    /// The source of the file being read, its tracker held out of `sources` meanwhile.
    current: Option<(String, GapTracker)>,
}

/// What a login needs to know of its actor.
#[derive(Debug, Default, Clone, Copy)]
struct ActorSeen {
    /// The latest successful login judged so far (to notice out-of-order files).
    latest_login: Option<Millis>,
    /// A leaver, or the target of a deactivation or reactivation: logins are judged.
    watched: bool,
}

impl AuditState {
    pub fn new(ctx: &CheckCtx<'_>, leavers: Vec<Leaver>) -> Self {
        let mut by_actor: BTreeMap<String, Leaver> = BTreeMap::new();
        for leaver in leavers {
            // Listed twice (a rehire who left again): the latest departure counts.
            let keep = by_actor
                .get(&leaver.actor)
                .is_none_or(|l| l.left_at < leaver.left_at);
            if keep {
                by_actor.insert(leaver.actor.clone(), leaver);
            }
        }
        let mut actors: HashMap<String, ActorSeen, FixedState> = HashMap::default();
        for actor in by_actor.keys() {
            actors.insert(
                actor.clone(),
                ActorSeen {
                    latest_login: None,
                    watched: true,
                },
            );
        }
        AuditState {
            start: ctx.period.start,
            end: ctx.period.end,
            mfa_roles: ctx
                .policy
                .mfa_required_roles
                .iter()
                .map(|r| r.to_lowercase())
                .collect(),
            leavers: by_actor,
            mfa: HashMap::default(),
            lifecycle: BTreeMap::new(),
            actors,
            leaver_logins: BTreeMap::new(),
            rescan: BTreeSet::new(),
            rescanning: false,
            rotations: BTreeMap::new(),
            support: BTreeMap::new(),
            chains: BTreeMap::new(),
            sources: BTreeMap::new(),
            current: None,
        }
    }

    /// Actors whose logins must be judged again in a second pass, if any. After this
    /// returns a non-empty set, stream the audit inputs once more into the state.
    pub fn rescan(&mut self) -> bool {
        if self.rescan.is_empty() || self.rescanning {
            return false;
        }
        self.rescanning = true;
        for actor in &self.rescan {
            self.leaver_logins.remove(actor);
        }
        true
    }

    fn put_back_current(&mut self) {
        if let Some((source, tracker)) = self.current.take() {
            self.sources.insert(source, tracker);
        }
    }

    /// Whether `role` (as written on a login) is one of `mfa_required_roles`, compared
    /// case-insensitively without allocating for the usual ASCII role.
    fn requires_mfa(&self, role: &str) -> bool {
        if role.is_ascii() {
            self.mfa_roles.iter().any(|r| r.eq_ignore_ascii_case(role))
        } else {
            let role = role.to_lowercase();
            self.mfa_roles.contains(&role)
        }
    }

    fn in_period(&self, time: Millis) -> bool {
        time >= self.start && time < self.end
    }

    /// Why a login at `time` by `actor` is barred, judged on what is known now.
    fn barred(&self, actor: &str, time: Millis) -> Option<String> {
        if let Some(leaver) = self.leavers.get(actor) {
            if time > leaver.left_at {
                return Some(format!("left at {}", format_utc(leaver.left_at)));
            }
        }
        let last = self
            .lifecycle
            .get(actor)?
            .iter()
            .filter(|l| l.time < time)
            .max_by_key(|l| (l.time, l.deactivate))?;
        last.deactivate
            .then(|| format!("deactivated at {} by {}", format_utc(last.time), last.actor))
    }

    fn judge_login(&mut self, event: &AuditEvent<'_>) {
        if self.rescanning && !self.rescan.contains(event.actor) {
            return;
        }
        let seen = match self.actors.get_mut(event.actor) {
            Some(seen) => seen,
            None => self.actors.entry(event.actor.to_string()).or_default(),
        };
        seen.latest_login = Some(seen.latest_login.map_or(event.time, |t| t.max(event.time)));
        if !seen.watched {
            return; // Neither a leaver nor ever (de)activated: nothing can bar the login.
        }
        if let Some(reason) = self.barred(event.actor, event.time) {
            self.leaver_logins
                .entry(event.actor.to_string())
                .or_default()
                .push(Kept::from(event, reason));
        }
    }
}

impl AuditConsumer for AuditState {
    fn begin_file(&mut self, file: &str, source: &str) {
        if self.rescanning {
            return;
        }
        self.chains.entry(file.to_string()).or_default();
        let tracker = self.sources.remove(source).unwrap_or_default();
        self.current = Some((source.to_string(), tracker));
    }

    fn end_file(&mut self, _file: &str) {
        self.put_back_current();
    }

    fn event(&mut self, event: &AuditEvent<'_>) {
        let is_login = event.kind == Action::Login && event.success;
        if self.rescanning {
            if is_login && self.in_period(event.time) {
                self.judge_login(event);
            }
            return;
        }
        // logging.gaps counts every readable event, whatever its action or outcome.
        if self.in_period(event.time) {
            // The stream's contract: between begin_file and end_file every event is of
            // the file begun, so its source needs no look-up (nor a comparison).
            debug_assert!(self.current.as_ref().is_none_or(|(s, _)| s == event.source));
            match &mut self.current {
                Some((_, gaps)) => gaps.add(event.time),
                None => {
                    if let Some(gaps) = self.sources.get_mut(event.source) {
                        gaps.add(event.time);
                    }
                }
            }
        }
        if !event.success {
            return;
        }
        match event.kind {
            Action::Login if self.in_period(event.time) => {
                let role = event.role.unwrap_or_default();
                if self.requires_mfa(role) {
                    let entry = match self.mfa.get_mut(event.actor) {
                        Some(entry) => entry,
                        None => self.mfa.entry(event.actor.to_string()).or_default(),
                    };
                    entry.0 += 1;
                    if event.mfa != Some(true) {
                        let note = format!("role {}, no MFA", role.to_lowercase());
                        entry.1.push(Kept::from(event, note));
                    }
                }
                self.judge_login(event);
            }
            Action::Deactivate | Action::Reactivate => {
                let Some(target) = event.target else { return };
                let seen = match self.actors.get_mut(target) {
                    Some(seen) => seen,
                    None => self.actors.entry(target.to_string()).or_default(),
                };
                seen.watched = true;
                if seen.latest_login.is_some_and(|t| t > event.time) {
                    self.rescan.insert(target.to_string());
                }
                self.lifecycle
                    .entry(target.to_string())
                    .or_default()
                    .push(Lifecycle {
                        time: event.time,
                        deactivate: event.kind == Action::Deactivate,
                        actor: event.actor.to_string(),
                        file: event.file.to_string(),
                        line: event.line,
                    });
            }
            Action::CredentialRotated if event.time < self.end => {
                if let Some(target) = event.target {
                    self.rotations
                        .entry(target.to_string())
                        .or_default()
                        .push(event.time);
                }
            }
            Action::SupportAccess if self.in_period(event.time) => {
                let tenant = event.tenant.unwrap_or("(no tenant)");
                let entry = match self.support.get_mut(tenant) {
                    Some(entry) => entry,
                    None => self.support.entry(tenant.to_string()).or_default(),
                };
                entry.0 += 1;
                if event.ticket.is_none() {
                    entry.1.push(Kept::from(event, "no ticket".to_string()));
                }
            }
            _ => {}
        }
    }

    fn chain(&mut self, file: &str, links: &ChainLinks) {
        if self.rescanning {
            return;
        }
        match self.chains.get_mut(file) {
            Some(chain) => chain.append(links, 0),
            None => {
                self.chains.insert(file.to_string(), links.clone());
            }
        }
    }
}

/// The rows and evidence of the access and logging checks.
pub struct AuditOutcome {
    pub findings: Vec<Finding>,
    pub evidence: Vec<(CheckId, EvidenceTable)>,
}

impl AuditState {
    pub fn finish(mut self, ctx: &CheckCtx<'_>, leavers_declared: bool) -> AuditOutcome {
        self.put_back_current();
        let mut outcome = AuditOutcome {
            findings: Vec::new(),
            evidence: Vec::new(),
        };
        self.mfa_findings(ctx, &mut outcome);
        self.leaver_login_findings(ctx, &mut outcome);
        if leavers_declared {
            self.leaver_deactivation_findings(ctx, &mut outcome);
        }
        self.rotation_findings(ctx, leavers_declared, &mut outcome);
        self.support_findings(ctx, &mut outcome);
        self.integrity_findings(ctx, &mut outcome);
        self.gap_findings(ctx, &mut outcome);
        outcome
    }

    fn mfa_findings(&self, ctx: &CheckCtx<'_>, outcome: &mut AuditOutcome) {
        let mut rows = Vec::new();
        let by_actor: BTreeMap<&String, &(u64, Vec<Kept>)> = self.mfa.iter().collect();
        for (actor, (logins, without)) in by_actor {
            let count = without.len();
            let status = if count == 0 {
                Status::Pass
            } else {
                Status::Fail
            };
            let detail = format!(
                "{count} of {logins} successful logins under an MFA-required role had no MFA"
            );
            outcome.findings.push(ctx.finding(
                CheckId::AccessMfa,
                actor,
                status,
                Some(count as f64),
                Some(0.0),
                Unit::Count,
                detail,
            ));
            rows.extend(without.iter().map(|k| k.cells(actor)));
        }
        if !self.mfa.is_empty() {
            outcome.evidence.push((CheckId::AccessMfa, table(rows)));
        }
    }

    fn leaver_login_findings(&self, ctx: &CheckCtx<'_>, outcome: &mut AuditOutcome) {
        let mut subjects: BTreeSet<&str> = self.leavers.keys().map(String::as_str).collect();
        for (account, events) in &self.lifecycle {
            if events.iter().any(|l| l.deactivate && l.time < self.end) {
                subjects.insert(account);
            }
        }
        if subjects.is_empty() {
            return;
        }
        let mut rows = Vec::new();
        for subject in subjects {
            let logins = self
                .leaver_logins
                .get(subject)
                .map_or(&[][..], |v| v.as_slice());
            let count = logins.len();
            let status = if count == 0 {
                Status::Pass
            } else {
                Status::Fail
            };
            let why = match self.leavers.get(subject) {
                Some(leaver) => format!("left at {}", format_utc(leaver.left_at)),
                None => "deactivated account".to_string(),
            };
            let detail = format!("{count} successful logins in the period while barred ({why})");
            outcome.findings.push(ctx.finding(
                CheckId::AccessLeaverLogin,
                subject,
                status,
                Some(count as f64),
                Some(0.0),
                Unit::Count,
                detail,
            ));
            let mut kept: Vec<&Kept> = logins.iter().collect();
            kept.sort_by(|a, b| (a.time, &a.file, a.line).cmp(&(b.time, &b.file, b.line)));
            rows.extend(kept.iter().map(|k| k.cells(subject)));
        }
        outcome
            .evidence
            .push((CheckId::AccessLeaverLogin, table(rows)));
    }

    fn leaver_deactivation_findings(&self, ctx: &CheckCtx<'_>, outcome: &mut AuditOutcome) {
        let limit = ctx.policy.leaver_deactivation_max as f64 / HOUR;
        let mut rows = Vec::new();
        for (actor, leaver) in &self.leavers {
            if leaver.left_at >= self.end {
                outcome.findings.push(ctx.finding(
                    CheckId::AccessLeaverDeactivation,
                    actor,
                    Status::NotEvaluated,
                    None,
                    Some(limit),
                    Unit::Hours,
                    format!("leaves after the period ({})", format_utc(leaver.left_at)),
                ));
                continue;
            }
            let events = self.lifecycle.get(actor).map_or(&[][..], |v| v.as_slice());
            let mut sorted: Vec<&Lifecycle> = events.iter().filter(|l| l.time < self.end).collect();
            sorted.sort_by_key(|l| (l.time, l.deactivate));
            let state_at_leaving = sorted.iter().rfind(|l| l.time <= leaver.left_at);
            let (hours, detail, evidence) = match state_at_leaving {
                Some(l) if l.deactivate => (
                    0.0,
                    format!(
                        "already deactivated at {} before leaving at {}",
                        format_utc(l.time),
                        format_utc(leaver.left_at)
                    ),
                    Some(*l),
                ),
                _ => match sorted
                    .iter()
                    .find(|l| l.deactivate && l.time > leaver.left_at)
                {
                    Some(l) => {
                        let hours = (l.time - leaver.left_at) as f64 / HOUR;
                        (
                            hours,
                            format!(
                                "left at {}, deactivated at {} by {}",
                                format_utc(leaver.left_at),
                                format_utc(l.time),
                                l.actor
                            ),
                            Some(*l),
                        )
                    }
                    None => {
                        let hours = (self.end - leaver.left_at) as f64 / HOUR;
                        (
                            hours,
                            format!(
                                "left at {}, still active at period end",
                                format_utc(leaver.left_at)
                            ),
                            None,
                        )
                    }
                },
            };
            let status = if hours <= limit {
                Status::Pass
            } else {
                Status::Fail
            };
            outcome.findings.push(ctx.finding(
                CheckId::AccessLeaverDeactivation,
                actor,
                status,
                Some(hours),
                Some(limit),
                Unit::Hours,
                detail,
            ));
            rows.push(vec![
                Cell::Text(actor.clone()),
                Cell::Time(leaver.left_at),
                evidence.map_or(Cell::Empty, |l| Cell::Time(l.time)),
                Cell::Hours(hours),
                Cell::Text(evidence.map(|l| l.actor.clone()).unwrap_or_default()),
                Cell::Text(evidence.map(|l| l.file.clone()).unwrap_or_default()),
                evidence.map_or(Cell::Empty, |l| Cell::Count(l.line)),
            ]);
        }
        outcome.evidence.push((
            CheckId::AccessLeaverDeactivation,
            EvidenceTable {
                columns: vec![
                    "actor",
                    "left_at",
                    "deactivated_at",
                    "hours",
                    "deactivated_by",
                    "file",
                    "line",
                ],
                rows,
            },
        ));
    }

    fn rotation_findings(
        &self,
        ctx: &CheckCtx<'_>,
        leavers_declared: bool,
        outcome: &mut AuditOutcome,
    ) {
        if self.rotations.is_empty() {
            return;
        }
        let limit = ctx.policy.shared_credential_rotation_max as f64 / HOUR;
        let support_leavers: Vec<&Leaver> = self
            .leavers
            .values()
            .filter(|l| {
                l.left_at < self.end
                    && l.role
                        .as_deref()
                        .is_some_and(|r| r.eq_ignore_ascii_case("support"))
            })
            .collect();
        let mut rows = Vec::new();
        for (credential, rotations) in &self.rotations {
            if !leavers_declared {
                outcome.findings.push(ctx.finding(
                    CheckId::AccessSharedCredentialRotation,
                    credential,
                    Status::NotEvaluated,
                    None,
                    Some(limit),
                    Unit::Hours,
                    "no `leavers` input declared: support-role leavers are unknown".to_string(),
                ));
                continue;
            }
            let mut sorted = rotations.clone();
            sorted.sort_unstable();
            let mut worst: Option<(f64, &Leaver, Option<Millis>)> = None;
            for leaver in &support_leavers {
                let next = sorted.iter().copied().find(|&t| t >= leaver.left_at);
                let hours = (next.unwrap_or(self.end) - leaver.left_at) as f64 / HOUR;
                rows.push(vec![
                    Cell::Text(credential.clone()),
                    Cell::Text(leaver.actor.clone()),
                    Cell::Time(leaver.left_at),
                    next.map_or(Cell::Empty, Cell::Time),
                    Cell::Hours(hours),
                ]);
                if worst.is_none_or(|(w, _, _)| hours > w) {
                    worst = Some((hours, leaver, next));
                }
            }
            let finding = match worst {
                None => ctx.finding(
                    CheckId::AccessSharedCredentialRotation,
                    credential,
                    Status::Pass,
                    None,
                    Some(limit),
                    Unit::Hours,
                    "no support-role leaver up to period end".to_string(),
                ),
                Some((hours, leaver, next)) => {
                    let status = if hours <= limit {
                        Status::Pass
                    } else {
                        Status::Fail
                    };
                    let detail = match next {
                        Some(t) => format!(
                            "{} left at {}; rotated at {}",
                            leaver.actor,
                            format_utc(leaver.left_at),
                            format_utc(t)
                        ),
                        None => format!(
                            "{} left at {}; not rotated by period end",
                            leaver.actor,
                            format_utc(leaver.left_at)
                        ),
                    };
                    ctx.finding(
                        CheckId::AccessSharedCredentialRotation,
                        credential,
                        status,
                        Some(hours),
                        Some(limit),
                        Unit::Hours,
                        detail,
                    )
                }
            };
            outcome.findings.push(finding);
        }
        outcome.evidence.push((
            CheckId::AccessSharedCredentialRotation,
            EvidenceTable {
                columns: vec!["credential", "leaver", "left_at", "rotated_at", "hours"],
                rows,
            },
        ));
    }

    fn support_findings(&self, ctx: &CheckCtx<'_>, outcome: &mut AuditOutcome) {
        if self.support.is_empty() {
            return;
        }
        let mut rows = Vec::new();
        for (tenant, (accesses, without)) in &self.support {
            let count = without.len();
            let status = if count == 0 {
                Status::Pass
            } else {
                Status::Fail
            };
            let detail = format!("{count} of {accesses} support accesses had no ticket");
            outcome.findings.push(ctx.finding(
                CheckId::AccessSupportTicket,
                tenant,
                status,
                Some(count as f64),
                Some(0.0),
                Unit::Count,
                detail,
            ));
            rows.extend(without.iter().map(|k| k.cells(tenant)));
        }
        outcome
            .evidence
            .push((CheckId::AccessSupportTicket, table(rows)));
    }

    fn integrity_findings(&self, ctx: &CheckCtx<'_>, outcome: &mut AuditOutcome) {
        if self.chains.is_empty() {
            return;
        }
        let mut rows = Vec::new();
        for (file, chain) in &self.chains {
            if !chain.carries {
                outcome.findings.push(ctx.finding(
                    CheckId::LoggingIntegrity,
                    file,
                    Status::NotEvaluated,
                    None,
                    Some(0.0),
                    Unit::Count,
                    "the file carries no prev_hash chain".to_string(),
                ));
                continue;
            }
            let mut problems: Vec<(u64, String)> = chain.broken.clone();
            problems.extend(
                chain
                    .absent
                    .iter()
                    .flat_map(|&(first, last)| first..=last)
                    .map(|line| (line, "no prev_hash".to_string())),
            );
            problems.sort();
            let count = problems.len();
            let status = if count == 0 {
                Status::Pass
            } else {
                Status::Fail
            };
            let detail = match problems.first() {
                None => format!("all {} links of the chain hold", chain.count),
                Some((line, _)) => format!(
                    "{count} broken links of {}; the first at line {line}",
                    chain.count
                ),
            };
            outcome.findings.push(ctx.finding(
                CheckId::LoggingIntegrity,
                file,
                status,
                Some(count as f64),
                Some(0.0),
                Unit::Count,
                detail,
            ));
            rows.extend(problems.into_iter().map(|(line, reason)| {
                vec![
                    Cell::Text(file.clone()),
                    Cell::Count(line),
                    Cell::Text(reason),
                ]
            }));
        }
        outcome.evidence.push((
            CheckId::LoggingIntegrity,
            EvidenceTable {
                columns: vec!["file", "line", "reason"],
                rows,
            },
        ));
    }

    fn gap_findings(&self, ctx: &CheckCtx<'_>, outcome: &mut AuditOutcome) {
        if self.sources.is_empty() {
            return;
        }
        let limit_ms = ctx.policy.max_log_gap;
        let mut rows = Vec::new();
        for (source, gaps) in &self.sources {
            let (from, to) = gaps.longest(self.start, self.end);
            let hours = (to - from) as f64 / HOUR;
            let status = if to - from <= limit_ms {
                Status::Pass
            } else {
                Status::Fail
            };
            let detail = if gaps.events == 0 {
                "no event in the period: the whole period is silent".to_string()
            } else {
                format!(
                    "longest silence {hours:.2} h from {} to {}; {} events in the period",
                    format_utc(from),
                    format_utc(to),
                    gaps.events
                )
            };
            outcome.findings.push(ctx.finding(
                CheckId::LoggingGaps,
                source,
                status,
                Some(hours),
                Some(limit_ms as f64 / HOUR),
                Unit::Hours,
                detail,
            ));
            rows.push(vec![
                Cell::Text(source.clone()),
                Cell::Time(from),
                Cell::Time(to),
                Cell::Hours(hours),
                Cell::Count(gaps.events),
            ]);
        }
        outcome.evidence.push((
            CheckId::LoggingGaps,
            EvidenceTable {
                columns: vec!["source", "start", "end", "hours", "events_in_period"],
                rows,
            },
        ));
    }
}

fn table(rows: Vec<Vec<Cell>>) -> EvidenceTable {
    EvidenceTable {
        columns: EVENT_COLUMNS.to_vec(),
        rows,
    }
}
