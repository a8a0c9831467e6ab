//! Not a check: what a due-diligence pack needs to know about tenants (SPEC §9), read
//! from the same audit stream and tables the checks read, for `model::TenantScope` to
//! scope and redact with. Only run when a pack is scoped to a tenant.
//!
//! Who is who, from the audit events (an event's tenant is its `tenant`, else the
//! tenant its input declares):
//! - staff: the actor of a `support_access` or of any event without a tenant, the
//!   target of an event without a tenant (but `credential_rotated`, whose target is a
//!   credential), and everyone in the leavers list;
//! - a tenant's user: a name seen only with that one tenant (as actor, or as the
//!   target of an event carrying the tenant, such as the account a support access
//!   entered); a name seen with two tenants is treated as staff, so it is pseudonymised
//!   rather than shown to either.
//!
//! Memory: one entry per distinct name and the requested tenant's support accesses in
//! the period, never the events.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::audit::Leaver;
use crate::ingest::audit::{AuditConsumer, AuditEvent, ChainLinks};
use crate::model::{Identity, Millis, SupportAccess, Tenancy};
use crate::period::Period;

/// What is known of one name so far.
#[derive(Debug, Default, Clone)]
struct Seen {
    staff: bool,
    /// The one tenant it was seen with, if any.
    tenant: Option<String>,
    several_tenants: bool,
}

impl Seen {
    fn with_tenant(&mut self, tenant: &str) {
        match &self.tenant {
            None => self.tenant = Some(tenant.to_string()),
            Some(known) if known != tenant => self.several_tenants = true,
            Some(_) => {}
        }
    }

    fn identity(&self) -> Identity {
        match (&self.tenant, self.staff || self.several_tenants) {
            (Some(tenant), false) => Identity::User(tenant.clone()),
            _ => Identity::Staff,
        }
    }
}

/// Reads the audit events for one tenant's pack (an [`AuditConsumer`], next to the
/// checks' own state through [`Tee`]).
pub struct TenancyReader<'a> {
    tenant: &'a str,
    start: Millis,
    end: Millis,
    /// Files and native audit inputs whose `[[input]]` declares a tenant.
    declared: &'a BTreeMap<String, String>,
    tenants: BTreeSet<String>,
    /// A hash map: looked up once or twice per event; sorted when finished.
    names: HashMap<String, Seen>,
    support: Vec<SupportAccess>,
}

impl<'a> TenancyReader<'a> {
    pub fn new(tenant: &'a str, period: &Period, declared: &'a BTreeMap<String, String>) -> Self {
        TenancyReader {
            tenant,
            start: period.start,
            end: period.end,
            declared,
            tenants: BTreeSet::new(),
            names: HashMap::new(),
            support: Vec::new(),
        }
    }

    /// Updates what is known of `name`, allocating only for a name not seen before.
    fn note(&mut self, name: &str, change: impl FnOnce(&mut Seen)) {
        match self.names.get_mut(name) {
            Some(seen) => change(seen),
            None => change(self.names.entry(name.to_string()).or_default()),
        }
    }

    /// What was read, with the leavers (staff by definition).
    pub fn finish(self, leavers: &[Leaver]) -> Tenancy {
        let mut identities: BTreeMap<String, Identity> = self
            .names
            .iter()
            .map(|(name, seen)| (name.clone(), seen.identity()))
            .collect();
        for leaver in leavers {
            identities.insert(leaver.actor.clone(), Identity::Staff);
        }
        let mut support = self.support;
        support.sort();
        Tenancy {
            tenants: self.tenants,
            declared: self.declared.clone(),
            identities,
            support,
        }
    }
}

impl AuditConsumer for TenancyReader<'_> {
    fn event(&mut self, event: &AuditEvent<'_>) {
        let declared = self.declared;
        let tenant = event
            .tenant
            .or_else(|| declared.get(event.file).map(String::as_str))
            .or_else(|| declared.get(event.source).map(String::as_str));
        if let Some(tenant) = tenant {
            if !self.tenants.contains(tenant) {
                self.tenants.insert(tenant.to_string());
            }
        }
        let staff_action = event.action == "support_access";
        match tenant {
            Some(tenant) if !staff_action => self.note(event.actor, |s| s.with_tenant(tenant)),
            _ => self.note(event.actor, |s| s.staff = true),
        }
        if let Some(target) = event
            .target
            .filter(|_| event.action != "credential_rotated")
        {
            match tenant {
                Some(tenant) => self.note(target, |s| s.with_tenant(tenant)),
                None => self.note(target, |s| s.staff = true),
            }
        }
        // As `access.support_ticket` counts them: successful, in the period, by the
        // event's own `tenant`.
        let counted = staff_action
            && event.success
            && event.tenant == Some(self.tenant)
            && event.time >= self.start
            && event.time < self.end;
        if counted {
            self.support.push(SupportAccess {
                time: event.time,
                actor: event.actor.to_string(),
                role: event.role.unwrap_or_default().to_string(),
                target: event.target.unwrap_or_default().to_string(),
                ticket: event.ticket.unwrap_or_default().to_string(),
                file: event.file.to_string(),
                line: event.line,
            });
        }
    }
}

/// Hands every audit event to two consumers: the checks' state and the tenancy reader.
pub struct Tee<'a> {
    pub first: &'a mut (dyn AuditConsumer + Send),
    pub second: &'a mut (dyn AuditConsumer + Send),
}

impl AuditConsumer for Tee<'_> {
    fn begin_file(&mut self, file: &str, source: &str) {
        self.first.begin_file(file, source);
        self.second.begin_file(file, source);
    }

    fn event(&mut self, event: &AuditEvent<'_>) {
        self.first.event(event);
        self.second.event(event);
    }

    fn chain(&mut self, file: &str, links: &ChainLinks) {
        self.first.chain(file, links);
        self.second.chain(file, links);
    }

    fn end_file(&mut self, file: &str) {
        self.first.end_file(file);
        self.second.end_file(file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::UTC;

    fn event<'a>(
        actor: &'a str,
        action: &'a str,
        tenant: Option<&'a str>,
        target: Option<&'a str>,
    ) -> AuditEvent<'a> {
        AuditEvent {
            time: 1_791_000_000_000,
            actor,
            action,
            kind: crate::ingest::audit::Action::of(action),
            success: true,
            role: Some("support"),
            tenant,
            mfa: Some(true),
            target,
            ticket: None,
            ip: Some("192.0.2.1"),
            file: "evidence/audit/app.ndjson",
            source: "evidence/audit/app.ndjson",
            line: 7,
        }
    }

    #[test]
    fn staff_users_and_support_accesses_are_told_apart() {
        let period = Period::month("2026-10", UTC).expect("period");
        let declared = BTreeMap::from([("evidence/audit/b.ndjson".to_string(), "b".to_string())]);
        let mut reader = TenancyReader::new("a", &period, &declared);
        reader.event(&event("j.chen", "support_access", Some("a"), Some("ann@a")));
        reader.event(&event("j.chen", "login", None, None));
        reader.event(&event("ann@a", "login", Some("a"), None));
        reader.event(&event("bob@b", "login", Some("b"), None));
        reader.event(&event("both", "login", Some("a"), None));
        reader.event(&event("both", "login", Some("b"), None));
        reader.event(&event("s.admin", "deactivate", None, Some("k.brennan")));
        reader.event(&event(
            "s.admin",
            "credential_rotated",
            None,
            Some("db-root"),
        ));
        let mut in_b = event("carl", "login", None, None);
        in_b.file = "evidence/audit/b.ndjson";
        reader.event(&in_b);
        let tenancy = reader.finish(&[Leaver {
            actor: "l.moreau".to_string(),
            left_at: 0,
            role: None,
        }]);
        let user = |t: &str| Identity::User(t.to_string());
        let who = |name: &str| tenancy.identities.get(name).cloned();
        assert_eq!(who("j.chen"), Some(Identity::Staff));
        assert_eq!(who("ann@a"), Some(user("a")));
        assert_eq!(who("bob@b"), Some(user("b")));
        assert_eq!(who("carl"), Some(user("b")));
        assert_eq!(who("both"), Some(Identity::Staff));
        assert_eq!(who("k.brennan"), Some(Identity::Staff));
        assert_eq!(who("l.moreau"), Some(Identity::Staff));
        assert_eq!(who("db-root"), None);
        assert_eq!(tenancy.tenants.iter().collect::<Vec<_>>(), vec!["a", "b"]);
        assert_eq!(tenancy.support.len(), 1);
        assert_eq!(tenancy.support[0].target, "ann@a");
        assert_eq!(tenancy.support[0].ticket, "");
    }
}
