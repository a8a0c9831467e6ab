//! Renaming in a scoped assessment: every text the pack shows is rewritten once with
//! the scope's [`Names`] — staff to pseudonyms, another tenant's name left in free
//! text to `[another customer]`, IP addresses to `[ip]` — and [`each_text`] lists every
//! text a renderer prints, for [`super::TenantScope::leaks`].
//!
//! Pseudonyms are numbered in the sorted order of the real names this pack mentions,
//! not of every name in the log: the pack then reads `staff-1` … `staff-n` without
//! gaps, and the numbering is the same on every run with the same inputs.

use std::collections::{BTreeMap, BTreeSet};

use super::{Declarations, NameKind, Names};
use crate::model::{Assessment, Cell};

/// Renames every text of `scoped` and `declarations`, then restores the sort orders
/// the renaming may have changed (findings by check and subject, evidence rows by
/// their first column, inputs and rejected rows by path).
pub(super) fn rename(names: &Names, scoped: &mut Assessment, declarations: &mut Declarations) {
    let mut staff: BTreeSet<usize> = BTreeSet::new();
    each_text_mut(scoped, declarations, &mut |text| {
        staff.extend(
            names
                .mentions(text)
                .into_iter()
                .filter(|m| m.kind == NameKind::Staff)
                .map(|m| m.name),
        );
    });
    let mut sorted: Vec<usize> = staff.into_iter().collect();
    sorted.sort_by(|a, b| names.name(*a).cmp(names.name(*b)));
    let pseudonyms: BTreeMap<usize, String> = sorted
        .into_iter()
        .enumerate()
        .map(|(n, name)| (name, format!("staff-{}", n + 1)))
        .collect();
    let pseudonym = |name: usize| {
        pseudonyms
            .get(&name)
            .cloned()
            .unwrap_or_else(|| "staff".to_string())
    };
    each_text_mut(scoped, declarations, &mut |text| {
        *text = names.rewrite(text, pseudonym);
    });
    scoped
        .findings
        .sort_by(|a, b| (a.check.as_str(), &a.subject).cmp(&(b.check.as_str(), &b.subject)));
    for table in scoped.evidence.values_mut() {
        // Each row's offending flag moves with it.
        table
            .rows
            .sort_by(|a, b| first_text(&a.cells).cmp(first_text(&b.cells)));
    }
    scoped.inputs.sort_by(|a, b| a.path.cmp(&b.path));
    scoped.rejected.sort();
}

fn first_text(row: &[Cell]) -> &str {
    match row.first() {
        Some(Cell::Text(text)) => text,
        _ => "",
    }
}

/// Every text of a scoped assessment (before its waivers, attestations and controls
/// are derived again) and of the declarations it will apply.
fn each_text_mut(
    scoped: &mut Assessment,
    declarations: &mut Declarations,
    f: &mut dyn FnMut(&mut String),
) {
    for finding in &mut scoped.findings {
        f(&mut finding.subject);
        f(&mut finding.detail);
    }
    for table in scoped.evidence.values_mut() {
        for cell in table.rows.iter_mut().flat_map(|row| &mut row.cells) {
            if let Cell::Text(text) = cell {
                f(text);
            }
        }
    }
    for source in &mut scoped.backups {
        f(&mut source.source);
        for repository in &mut source.repositories {
            f(&mut repository.repository);
            f(&mut repository.region);
        }
    }
    for service in &mut scoped.services {
        f(&mut service.service);
        service.locations.iter_mut().for_each(&mut *f);
    }
    for incident in &mut scoped.incidents {
        f(&mut incident.service);
        incident.locations.iter_mut().for_each(&mut *f);
    }
    for window in &mut scoped.maintenance {
        f(&mut window.service);
        f(&mut window.reference);
    }
    for input in &mut scoped.inputs {
        f(&mut input.path);
    }
    for rejected in &mut scoped.rejected {
        f(&mut rejected.path);
        f(&mut rejected.reason);
    }
    for waiver in &mut declarations.waivers {
        f(&mut waiver.subject);
        f(&mut waiver.justification);
        f(&mut waiver.approver);
    }
    for attestation in &mut declarations.attestations {
        f(&mut attestation.justification);
        f(&mut attestation.owner);
        f(&mut attestation.evidence);
    }
}

/// Every text of `assessment` any renderer prints (the organisation, the policy's
/// roles, findings, evidence, sources, services, inputs, waivers, attestations, the
/// Statement of Applicability, signers).
pub(super) fn each_text(assessment: &Assessment, f: &mut dyn FnMut(&str)) {
    f(&assessment.organisation.name);
    f(&assessment.organisation.primary_region);
    assessment
        .policy
        .mfa_required_roles
        .iter()
        .for_each(|r| f(r));
    for finding in &assessment.findings {
        f(&finding.subject);
        f(&finding.detail);
        if let Some(note) = &finding.waiver {
            f(&note.label());
        }
    }
    for table in assessment.evidence.values() {
        for cell in table.rows.iter().flat_map(|row| &row.cells) {
            if let Cell::Text(text) = cell {
                f(text);
            }
        }
    }
    for source in &assessment.backups {
        f(&source.source);
        source.tenants.iter().for_each(|t| f(t));
        for repository in &source.repositories {
            f(&repository.repository);
            f(&repository.region);
        }
    }
    for service in &assessment.services {
        f(&service.service);
        service.locations.iter().for_each(|l| f(l));
    }
    for incident in &assessment.incidents {
        f(&incident.service);
        incident.locations.iter().for_each(|l| f(l));
    }
    for window in &assessment.maintenance {
        f(&window.service);
        f(&window.reference);
    }
    for input in &assessment.inputs {
        f(&input.path);
    }
    for rejected in &assessment.rejected {
        f(&rejected.path);
        f(&rejected.reason);
    }
    for entry in &assessment.waivers {
        f(&entry.waiver.subject);
        f(&entry.waiver.justification);
        f(&entry.waiver.approver);
    }
    for entry in &assessment.attestations {
        f(&entry.attestation.justification);
        f(&entry.attestation.owner);
        f(&entry.attestation.evidence);
    }
    for control in &assessment.controls {
        f(&control.justification);
        control.evidence.iter().for_each(|e| f(e));
    }
    assessment.signers.iter().for_each(|s| f(s));
}
