//! Which rows a tenant's pack keeps. A row goes when it names another tenant (its
//! subject, or any text of an evidence row); `access.support_ticket` keeps only the
//! tenant's own row; everything else is platform-wide and stays. Texts of kept rows are
//! renamed later ([`super::redact`]), not here.

use std::collections::BTreeMap;

use super::TenantScope;
use crate::model::{
    columns, Assessment, Cell, CheckId, EvidenceTable, Finding, Status, Unit, Waiver, WaiverEntry,
};

/// What `rejected.csv` says instead of a rejected row's reason: the reason quotes the
/// row, and a shared file's row may be another customer's.
pub const REASON_WITHHELD: &str =
    "reason withheld from the due-diligence pack: it may quote another customer's row";

/// The columns of the tenant's support-access evidence (`evidence/access.support_ticket.csv`).
const SUPPORT_COLUMNS: [&str; 9] = [
    columns::SUBJECT,
    columns::TIME,
    columns::ACTOR,
    columns::ROLE,
    columns::TARGET,
    columns::TICKET,
    columns::NOTE,
    columns::FILE,
    columns::LINE,
];

pub struct Filter<'a> {
    pub scope: &'a TenantScope,
}

impl Filter<'_> {
    fn tenant(&self) -> &str {
        &self.scope.tenant
    }

    fn names_another_tenant(&self, text: &str) -> bool {
        self.scope.names_another_tenant(text)
    }

    /// Whether a findings row (or an evidence row) with this subject is the tenant's
    /// or platform-wide. `access.support_ticket`'s subject is a tenant: only the
    /// requested one's row stays (not `(no tenant)`, which may be anyone's).
    fn keeps_subject(&self, check: CheckId, subject: &str) -> bool {
        match check {
            CheckId::AccessSupportTicket => subject == self.tenant() || subject == "*",
            _ => !self.names_another_tenant(subject),
        }
    }

    /// The kept findings (with the waivers taken off: they are applied again to the
    /// scoped rows) and their evidence. A check that loses every row gets one
    /// `not_evaluated` row saying so, and a row whose evidence lost events in other
    /// tenants says how many are not listed.
    pub fn findings_and_evidence(
        &self,
        findings: &[Finding],
        evidence: &BTreeMap<CheckId, EvidenceTable>,
    ) -> (Vec<Finding>, BTreeMap<CheckId, EvidenceTable>) {
        let mut kept: Vec<Finding> = findings
            .iter()
            .filter(|f| self.keeps_subject(f.check, &f.subject))
            .cloned()
            .map(without_waiver)
            .collect();
        self.add_support_row(findings, &mut kept);
        let mut tables = BTreeMap::new();
        let mut unlisted: BTreeMap<(CheckId, String), usize> = BTreeMap::new();
        for (check, table) in evidence {
            let evaluated = kept.iter().any(|f| f.check == *check);
            if !evaluated {
                continue;
            }
            let table = if *check == CheckId::AccessSupportTicket {
                self.support_table()
            } else {
                self.evidence_table(*check, table, &mut unlisted)
            };
            tables.insert(*check, table);
        }
        for finding in &mut kept {
            match unlisted.get(&(finding.check, finding.subject.clone())) {
                Some(1) => finding
                    .detail
                    .push_str("; 1 of its events was in another tenant and is not listed"),
                Some(n) => finding.detail.push_str(&format!(
                    "; {n} of its events were in other tenants and are not listed"
                )),
                None => {}
            }
        }
        self.add_placeholders(findings, &mut kept);
        (kept, tables)
    }

    /// The tenant's `access.support_ticket` row when the check ran but no support
    /// access entered this tenant: nobody entered it, and that passes.
    fn add_support_row(&self, findings: &[Finding], kept: &mut Vec<Finding>) {
        let check = CheckId::AccessSupportTicket;
        let ran = findings
            .iter()
            .find(|f| f.check == check && f.status != Status::NotEvaluated);
        let has_row = kept.iter().any(|f| f.check == check);
        if let (Some(model), false) = (ran, has_row) {
            kept.push(Finding {
                subject: self.tenant().to_string(),
                status: Status::Pass,
                measured: Some(0.0),
                target: Some(0.0),
                unit: Unit::Count,
                detail: "no support access to this tenant in the period".to_string(),
                waiver: None,
                ..model.clone()
            });
        }
    }

    /// One `not_evaluated` row for each check every row of which named another tenant.
    fn add_placeholders(&self, findings: &[Finding], kept: &mut Vec<Finding>) {
        let mut added = Vec::new();
        for finding in findings {
            let has_row = kept.iter().chain(&added).any(|f| f.check == finding.check);
            if !has_row {
                added.push(Finding {
                    subject: "*".to_string(),
                    status: Status::NotEvaluated,
                    measured: None,
                    detail: format!(
                        "no subject of this check belongs to tenant {} or to the shared platform",
                        self.tenant()
                    ),
                    waiver: None,
                    ..finding.clone()
                });
            }
        }
        kept.extend(added);
    }

    /// The rows of `table` that name no other tenant, without the `ip` column, each
    /// with its offending flag. Rows dropped only for being in another tenant while
    /// their subject stays are counted in `unlisted`, by check and subject.
    fn evidence_table(
        &self,
        check: CheckId,
        table: &EvidenceTable,
        unlisted: &mut BTreeMap<(CheckId, String), usize>,
    ) -> EvidenceTable {
        let column = |name: &str| table.columns.iter().position(|c| *c == name);
        let (subject_at, tenant_at, ip_at) = (
            column(columns::SUBJECT),
            column(columns::TENANT),
            column(columns::IP),
        );
        let text_at = |row: &[Cell], index: Option<usize>| match index.and_then(|i| row.get(i)) {
            Some(Cell::Text(text)) => Some(text.clone()),
            _ => None,
        };
        let mut scoped = EvidenceTable::new(&without(&table.columns, ip_at));
        for evidence_row in &table.rows {
            let row = &evidence_row.cells;
            let subject = text_at(row, subject_at);
            if subject
                .as_deref()
                .is_some_and(|s| !self.keeps_subject(check, s))
            {
                continue;
            }
            let tenant = text_at(row, tenant_at).unwrap_or_default();
            let in_scope = (tenant.is_empty() || tenant == self.tenant())
                && !row.iter().enumerate().any(|(i, cell)| {
                    Some(i) != ip_at
                        && matches!(cell, Cell::Text(text) if self.names_another_tenant(text))
                });
            if in_scope {
                scoped.push(without(row, ip_at), evidence_row.offending);
            } else if let Some(subject) = subject {
                *unlisted.entry((check, subject)).or_insert(0) += 1;
            }
        }
        scoped
    }

    /// Every support access to the tenant, with its ticket: the answer to "who of your
    /// staff entered our tenant, and why". An access without a ticket offends.
    fn support_table(&self) -> EvidenceTable {
        let text = |s: &str| Cell::Text(s.to_string());
        let mut table = EvidenceTable::new(&SUPPORT_COLUMNS);
        for access in &self.scope.support {
            let without_ticket = access.ticket.is_empty();
            let note = if without_ticket { "no ticket" } else { "" };
            table.push(
                vec![
                    text(self.tenant()),
                    Cell::Time(access.time),
                    text(&access.actor),
                    text(&access.role),
                    text(&access.target),
                    text(&access.ticket),
                    text(note),
                    text(&access.file),
                    Cell::Count(access.line),
                ],
                without_ticket,
            );
        }
        table
    }

    /// Platform-wide parts: backup sources, services, incidents, maintenance windows,
    /// inputs and rejected rows that name no other tenant.
    pub fn platform(&self, scoped: &mut Assessment) {
        let foreign = |text: &str| self.names_another_tenant(text);
        let any_foreign = |texts: &[String]| texts.iter().any(|t| foreign(t));
        scoped.backups.retain(|b| !foreign(&b.source));
        scoped
            .services
            .retain(|s| !foreign(&s.service) && !any_foreign(&s.locations));
        scoped
            .incidents
            .retain(|i| !foreign(&i.service) && !any_foreign(&i.locations));
        scoped
            .maintenance
            .retain(|m| !foreign(&m.service) && !foreign(&m.reference));
        scoped.inputs.retain(|input| !foreign(&input.path));
        scoped.rejected.retain(|rejected| !foreign(&rejected.path));
        for rejected in &mut scoped.rejected {
            rejected.reason = REASON_WITHHELD.to_string();
        }
    }

    /// The declared waivers the pack shows: those for every subject (`*`) and those
    /// whose subject is a kept row of their check. A waiver for another tenant's row,
    /// or for a subject no row has (which could be anything), is left out.
    pub fn waivers(&self, entries: &[WaiverEntry], kept: &[Finding]) -> Vec<Waiver> {
        entries
            .iter()
            .map(|entry| &entry.waiver)
            .filter(|waiver| {
                waiver.subject == "*"
                    || kept
                        .iter()
                        .any(|f| f.check == waiver.check && f.subject == waiver.subject)
            })
            .cloned()
            .collect()
    }
}

fn without_waiver(mut finding: Finding) -> Finding {
    if finding.status == Status::Waived {
        finding.status = Status::Fail;
    }
    finding.waiver = None;
    finding
}

/// `items` without the element at `index`.
fn without<T: Clone>(items: &[T], index: Option<usize>) -> Vec<T> {
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != index)
        .map(|(_, item)| item.clone())
        .collect()
}
