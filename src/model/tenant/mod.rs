//! Tenant scope (SPEC §9): turns the platform-wide [`Assessment`] into the one a
//! customer's due-diligence pack is rendered from. Only this module scopes and redacts,
//! so every renderer (CSV, JSON, JUnit, PDF) gets an assessment that is already scoped
//! and none of them can leak.
//!
//! [`Assessment::scoped_to`] runs in three steps:
//!
//! 1. **Rows** ([`rows`]): a row stays when it is the tenant's or platform-wide, and
//!    goes when it names another tenant. What names another tenant is a [`Names`]
//!    matcher built from the evidence ([`Tenancy`]): other tenants' ids, their backup
//!    sources and their users as words, and the input files declared for them as whole
//!    paths. `access.support_ticket`
//!    keeps only the tenant's own row, and its evidence becomes every support access to
//!    the tenant with its ticket. Evidence rows whose `tenant` is another's go, and the
//!    `ip` column is dropped. `rejected.csv` keeps file and line, not the reason (a
//!    reason can quote another customer's row).
//! 2. **Names** ([`redact`]): every text left is rewritten once: staff become `staff-1`,
//!    `staff-2`, … numbered in the sorted order of the real names the pack mentions (so
//!    two runs give the same bytes and one person has one pseudonym in every file);
//!    another tenant's name left in free text becomes `[another customer]`; IP addresses
//!    become `[ip]`. The tenant's own users keep their names: they are the customer's
//!    own accounts, and the customer needs them to see whose account staff entered.
//! 3. **Verdicts**: waivers and attestations are applied again and the controls rolled
//!    up again from the scoped findings, so a control failing only on another tenant's
//!    backup does not fail in this tenant's pack.
//!
//! Nothing here reads files or prints; [`TenantScope::leaks`] lets the caller refuse to
//! write a pack that would still name another tenant.

mod names;
mod redact;
mod rows;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use names::{drop_ip_addresses, NameKind, Names, FOREIGN, IP};
pub use rows::REASON_WITHHELD;

use super::{
    apply_waivers, assess_attestations, roll_up_controls, Assessment, Attestation, Control, Millis,
    Waiver,
};

/// Who a person named in the audit log or the leavers list is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Identity {
    /// The provider's staff, or someone seen in more than one tenant: pseudonymised.
    Staff,
    /// A user of exactly one tenant.
    User(String),
}

/// One successful support access to the requested tenant in the period (an audit
/// `support_access` event): staff entering the customer's tenant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SupportAccess {
    pub time: Millis,
    pub actor: String,
    pub role: String,
    /// The account entered, when the event says.
    pub target: String,
    /// Empty: no ticket.
    pub ticket: String,
    pub file: String,
    pub line: u64,
}

/// What the evidence says about tenants, read (by `checks::tenancy`) for the
/// due-diligence pack of one tenant. Backup sources carry their own tenants
/// ([`super::SourceBackups::tenants`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tenancy {
    /// Every tenant the audit events name.
    pub tenants: BTreeSet<String>,
    /// Input files (as the pack shows their paths) and native audit inputs (their
    /// `path` as written) whose `[[input]]` declares a `tenant`, with that tenant.
    pub declared: BTreeMap<String, String>,
    /// Everyone named in the audit log (actors, and targets that are accounts) and the
    /// leavers list.
    pub identities: BTreeMap<String, Identity>,
    /// The requested tenant's support accesses in the period, by time, file and line.
    pub support: Vec<SupportAccess>,
}

/// `--tenant` names no tenant the evidence knows: most likely a typo, and a pack for it
/// would look like a clean bill of health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTenant {
    pub tenant: String,
    pub known: Vec<String>,
}

impl fmt::Display for UnknownTenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--tenant `{}`: no audit event, backup row or input names this tenant",
            self.tenant
        )?;
        if self.known.is_empty() {
            write!(f, "; the evidence names no tenant at all")
        } else {
            write!(f, "; the evidence names {}", self.known.join(", "))
        }
    }
}

/// What to keep, drop and rename for one tenant's pack.
#[derive(Debug, Clone)]
pub struct TenantScope {
    pub tenant: String,
    names: Names,
    /// Input files and native audit inputs declared for another tenant.
    foreign_paths: BTreeSet<String>,
    support: Vec<SupportAccess>,
    /// Backup sources whose rows name this tenant and others: left out (they cannot be
    /// shown without naming another tenant), for the operator to hear about.
    pub warnings: Vec<String>,
}

impl TenantScope {
    /// The scope of `tenant` over `assessment` (the platform-wide one), with what
    /// `tenancy` says about tenants. Waiver approvers and attestation owners are staff.
    pub fn new(
        tenant: &str,
        tenancy: Tenancy,
        assessment: &Assessment,
    ) -> Result<TenantScope, UnknownTenant> {
        let mut tenants = tenancy.tenants.clone();
        tenants.extend(tenancy.declared.values().cloned());
        for source in &assessment.backups {
            tenants.extend(source.tenants.iter().cloned());
        }
        if !tenants.contains(tenant) {
            return Err(UnknownTenant {
                tenant: tenant.to_string(),
                known: tenants.into_iter().collect(),
            });
        }
        let kind_of = |owner: &str| {
            if owner == tenant {
                NameKind::Own
            } else {
                NameKind::Foreign
            }
        };
        let mut entries: Vec<(String, NameKind)> = Vec::new();
        entries.extend(tenants.iter().map(|t| (t.clone(), kind_of(t))));
        // Paths match whole texts only: a directory declared for another tenant must
        // not take the shared files beside or under it along.
        let foreign_paths = tenancy
            .declared
            .iter()
            .filter(|(_, owner)| owner.as_str() != tenant)
            .map(|(path, _)| path.clone())
            .collect();
        let mut warnings = Vec::new();
        for source in &assessment.backups {
            let kind = match source.tenants.as_slice() {
                [] => continue, // A platform source: every tenant's, shown to all.
                [only] => kind_of(only),
                several => {
                    if several.iter().any(|t| t == tenant) {
                        warnings.push(format!(
                            "backup source {} holds rows of several tenants ({}): it is left out of the due-diligence pack",
                            source.source,
                            several.join(", ")
                        ));
                    }
                    NameKind::Foreign
                }
            };
            entries.push((source.source.clone(), kind));
        }
        for (name, identity) in &tenancy.identities {
            let kind = match identity {
                Identity::Staff => NameKind::Staff,
                Identity::User(owner) => kind_of(owner),
            };
            entries.push((name.clone(), kind));
        }
        let declarers = assessment
            .waivers
            .iter()
            .map(|w| w.waiver.approver.as_str())
            .chain(
                assessment
                    .attestations
                    .iter()
                    .map(|a| a.attestation.owner.as_str()),
            );
        entries.extend(declarers.map(|text| (person(text).to_string(), NameKind::Staff)));
        Ok(TenantScope {
            tenant: tenant.to_string(),
            names: Names::new(entries),
            foreign_paths,
            support: tenancy.support,
            warnings,
        })
    }

    /// Whether `text` names another tenant: one of its names as a word, or, as the
    /// whole text, the path of an input declared for it.
    fn names_another_tenant(&self, text: &str) -> bool {
        self.foreign_paths.contains(text) || self.names.mentions_foreign(text)
    }

    /// Every text of `assessment` that still names another tenant, with the name: empty
    /// for a correctly scoped assessment. Covers what any renderer prints.
    pub fn leaks(&self, assessment: &Assessment) -> Vec<String> {
        let mut leaks = Vec::new();
        redact::each_text(assessment, &mut |text| {
            if self.foreign_paths.contains(text) {
                leaks.push(format!("the path `{text}`"));
            }
            for mention in self.names.mentions(text) {
                if mention.kind == NameKind::Foreign {
                    leaks.push(format!("`{}` in `{text}`", self.names.name(mention.name)));
                }
            }
        });
        leaks.sort();
        leaks.dedup();
        leaks
    }
}

/// The person in a declaration's `approver` or `owner`: `m.okafor (Head of
/// Infrastructure)` names `m.okafor` in the role that follows; a text without a role
/// in brackets is the person.
fn person(text: &str) -> &str {
    let text = text.trim();
    match text.strip_suffix(')').and_then(|t| t.rsplit_once(" (")) {
        Some((name, _role)) if !name.trim().is_empty() => name.trim(),
        _ => text,
    }
}

/// The declarations a scoped assessment applies again.
struct Declarations {
    waivers: Vec<Waiver>,
    attestations: Vec<Attestation>,
}

impl Assessment {
    /// This platform-wide assessment scoped to one tenant (see the module docs): what
    /// every renderer of a due-diligence pack gets.
    pub fn scoped_to(&self, scope: &TenantScope, controls: &[Control]) -> Assessment {
        let filter = rows::Filter { scope };
        let mut scoped = self.clone();
        scoped.tenant = Some(scope.tenant.clone());
        let (findings, evidence) = filter.findings_and_evidence(&self.findings, &self.evidence);
        scoped.findings = findings;
        scoped.evidence = evidence;
        filter.platform(&mut scoped);
        let mut declarations = Declarations {
            waivers: filter.waivers(&self.waivers, &scoped.findings),
            attestations: self
                .attestations
                .iter()
                .map(|entry| entry.attestation.clone())
                .collect(),
        };
        redact::rename(&scope.names, &mut scoped, &mut declarations);
        let last_day = scoped.period.last_local_day();
        scoped.waivers = apply_waivers(&mut scoped.findings, &declarations.waivers, last_day);
        scoped.attestations = assess_attestations(&declarations.attestations, last_day);
        scoped.controls = roll_up_controls(
            controls,
            &scoped.findings,
            &scoped.evidence,
            &scoped.attestations,
        );
        scoped
    }
}
