//! The audit stream's one observer. The access and logging checks (SPEC §7, "Access
//! and logging, exactly") are computed from the audit stream without holding it:
//! [`AuditState`] sees each event of the single audit pass once and keeps only what
//! their answers need — per-actor lifecycle events, credential rotations, the offending
//! events themselves, and each source's covered stretches of time — and
//! [`AuditState::finish`] hands that over as [`AuditFacts`], which each check in
//! `access/` and `logging/` reads. Nothing here decides a status.
//!
//! Logins after a deactivation are judged when they are seen, against the lifecycle
//! events seen so far. That is exact for logs in time order. When a deactivation or
//! reactivation turns up that is earlier than a login already judged for that actor
//! (out-of-order files), the actor is marked and [`AuditState::rescan`] asks for a
//! second pass that re-judges only that actor's logins with every lifecycle event known.

pub(in crate::checks) mod gaps;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use foldhash::fast::FixedState;

use super::CheckCtx;
use crate::ingest::audit::{Action, AuditConsumer, AuditEvent, ChainLinks};
use crate::model::{columns, Cell, EvidenceTable, Millis};
use crate::period::format_utc;
use gaps::GapTracker;

/// A leaver from the `leavers` table.
#[derive(Debug, Clone)]
pub struct Leaver {
    pub actor: String,
    pub left_at: Millis,
    pub role: Option<String>,
}

/// An event kept as evidence.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::checks) struct Kept {
    pub time: Millis,
    pub actor: String,
    pub tenant: String,
    pub target: String,
    pub ip: String,
    pub file: String,
    pub line: u64,
    pub note: String,
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

    pub fn cells(&self, subject: &str) -> Vec<Cell> {
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
    columns::SUBJECT,
    columns::TIME,
    columns::ACTOR,
    columns::TENANT,
    columns::TARGET,
    columns::IP,
    columns::NOTE,
    columns::FILE,
    columns::LINE,
];

/// A successful deactivate (`true`) or reactivate (`false`) of an account.
#[derive(Debug, Clone)]
pub(in crate::checks) struct Lifecycle {
    pub time: Millis,
    pub deactivate: bool,
    pub actor: String,
    pub file: String,
    pub line: u64,
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

/// What the audit pass kept, read by the access and logging checks.
pub struct AuditFacts {
    /// Whether an audit input was read at all: without one the leavers are known but
    /// none of their logins or deactivations can be seen.
    pub(in crate::checks) audit_read: bool,
    pub(in crate::checks) start: Millis,
    pub(in crate::checks) end: Millis,
    /// Leavers by actor (the latest departure of one listed twice).
    pub(in crate::checks) leavers: BTreeMap<String, Leaver>,
    /// Per actor: logins under an MFA-required role, and those without MFA.
    pub(in crate::checks) mfa: BTreeMap<String, (u64, Vec<Kept>)>,
    /// Per account: its successful deactivations and reactivations.
    pub(in crate::checks) lifecycle: BTreeMap<String, Vec<Lifecycle>>,
    /// Per actor: successful logins in the period while barred.
    pub(in crate::checks) leaver_logins: BTreeMap<String, Vec<Kept>>,
    /// Per credential: its successful rotations up to period end.
    pub(in crate::checks) rotations: BTreeMap<String, Vec<Millis>>,
    /// Per tenant: support accesses in the period, and those without a ticket.
    pub(in crate::checks) support: BTreeMap<String, (u64, Vec<Kept>)>,
    /// Per audit file: its `prev_hash` chain.
    pub(in crate::checks) chains: BTreeMap<String, ChainLinks>,
    /// Per audit source: the stretches its events cover.
    pub(in crate::checks) sources: BTreeMap<String, GapTracker>,
}

impl AuditState {
    /// The facts the pass kept, once every file (and any second pass) is read.
    pub fn finish(mut self) -> AuditFacts {
        self.put_back_current();
        AuditFacts {
            audit_read: true,
            start: self.start,
            end: self.end,
            leavers: self.leavers,
            mfa: self.mfa.into_iter().collect(),
            lifecycle: self.lifecycle,
            leaver_logins: self.leaver_logins,
            rotations: self.rotations,
            support: self.support,
            chains: self.chains,
            sources: self.sources,
        }
    }
}

impl AuditFacts {
    /// The facts when no audit input is declared: the leavers, and nothing seen.
    pub fn without_audit(ctx: &CheckCtx<'_>) -> Result<AuditFacts, crate::error::Error> {
        let state = AuditState::new(ctx, super::read_leavers(ctx.tables)?);
        Ok(AuditFacts {
            audit_read: false,
            ..state.finish()
        })
    }
}

/// An evidence table of kept events: each one offends (only offending events are
/// kept).
pub(in crate::checks) fn events_table(rows: Vec<Vec<Cell>>) -> EvidenceTable {
    EvidenceTable::offending(&EVENT_COLUMNS, rows)
}
