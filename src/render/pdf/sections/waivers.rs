//! The "Waivers and attestations" section (SPEC §8, §10): every declared waiver with its
//! state at the period end (expired ones included, expiring ones flagged), the findings
//! rows waivers cover, and every attestation with its state and the status its control
//! rolled up to.
//!
//! Everything shown comes from `assessment.waivers`, `assessment.attestations`,
//! `assessment.findings` and `assessment.controls`, the counts from
//! [`crate::model::Assessment::waiver_counts`] and `attestation_counts`; nothing is
//! counted here.

use super::super::layout::{colour, Cell, Column, Layout, Rgb, Style, Table};
use super::super::text::Font;
use super::checks::FINDINGS_SHOWN;
use super::{control_cell, status_cell, with_unit, Context};
use crate::model::{
    AttestationKind, AttestationState, WaiverEntry, WaiverState, EXPIRING_WITHIN_DAYS,
    MAX_REVIEW_AGE_MONTHS,
};

/// The tables of this section are dense: free text wraps in narrow columns.
const TEXT_SIZE: f32 = 7.5;

/// What a sub-heading keeps with it on its page: its sentence, the table header and
/// the first rows (which wrap to four or five lines).
const KEEP: f32 = 130.0;

pub fn waivers_and_attestations(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    layout.paragraph(
        &format!(
            "A waiver turns failing findings of its check and subject (or every subject, \
             *) into waived; it never stands in for missing evidence. It is in force \
             through its expiry day and applies when it is still in force on the period's \
             last day, {}; one that ends within {EXPIRING_WITHIN_DAYS} days after it is \
             flagged. An attestation decides a control only when no finding does; one \
             last reviewed more than {MAX_REVIEW_AGE_MONTHS} months before the period end \
             is stale and counts as no evidence. Dates are local ({}).",
            assessment.period.last_local_day().format("%Y-%m-%d"),
            assessment.organisation.timezone.name()
        ),
        Style::new(Font::Regular, 8.5, colour::MUTED),
    );
    layout.space(4.0);
    waivers(layout, context);
    waived_findings(layout, context);
    attestations(layout, context);
}

/// The executive summary's lines on waivers and attestations, when any is declared:
/// what was waived, which waivers expire soon or have expired, which attestations
/// are stale. The details are in this section.
pub fn summary(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    if assessment.waivers.is_empty() && assessment.attestations.is_empty() {
        return;
    }
    layout.subheading("Waivers and attestations", 40.0);
    let waived = assessment.counts().waived;
    let in_force = assessment.waiver_counts().in_force;
    layout.bullet(
        &format!(
            "{waived} failing findings are waived by the {in_force} waivers in force; waived \
             findings do not fail the verdict."
        ),
        Style::BODY,
    );
    let flagged = Style::new(Font::Bold, 9.5, colour::AMBER);
    for entry in &assessment.waivers {
        let waiver = &entry.waiver;
        let expires = waiver.expires_on.format("%Y-%m-%d");
        let subject = subject_text(&waiver.subject);
        match entry.state {
            WaiverState::Expiring => layout.bullet(
                &format!(
                    "Expiring: the waiver of {} for {subject} (approved by {}) ends on {expires}, \
                     {} days after the period's last day.",
                    waiver.check, waiver.approver, entry.days_left
                ),
                flagged,
            ),
            WaiverState::Expired => layout.bullet(
                &format!(
                    "Expired: the waiver of {} for {subject} ended on {expires} and no longer applies.",
                    waiver.check
                ),
                Style::BODY,
            ),
            WaiverState::Active => {}
        }
    }
    let attestations = assessment.attestation_counts();
    if attestations.declared > 0 {
        let stale = match attestations.stale_controls.as_slice() {
            [] => "none is stale".to_string(),
            controls => format!("stale, so counted as no evidence: {}", controls.join(", ")),
        };
        layout.bullet(
            &format!(
                "{} attestations declared for controls no finding decides; {stale}.",
                attestations.declared
            ),
            Style::BODY,
        );
    }
}

/// A waiver's subject, `*` spelt out.
fn subject_text(subject: &str) -> String {
    if subject == "*" {
        "* (every subject)".to_string()
    } else {
        subject.to_string()
    }
}

fn waiver_state_cell(entry: &WaiverEntry) -> Cell {
    let (text, marker): (String, Rgb) = match entry.state {
        WaiverState::Active => ("Active".to_string(), colour::BLUE),
        WaiverState::Expiring => (
            match entry.days_left {
                0 => "Expiring: last day of the period".to_string(),
                1 => "Expiring in 1 day".to_string(),
                n => format!("Expiring in {n} days"),
            },
            colour::AMBER,
        ),
        WaiverState::Expired => ("Expired\nno longer applies".to_string(), colour::RED),
    };
    let cell = Cell::new(text).marked(marker);
    if entry.state == WaiverState::Active {
        cell
    } else {
        cell.bold()
    }
}

fn waivers(layout: &mut Layout, context: &Context) {
    let entries = &context.assessment.waivers;
    layout.subheading("Waivers", KEEP);
    if entries.is_empty() {
        layout.paragraph("No waiver was declared.", Style::BODY);
        return;
    }
    let counts = context.assessment.waiver_counts();
    layout.paragraph(
        &format!(
            "{} waivers declared: {} active, {} expiring within {EXPIRING_WITHIN_DAYS} days, {} expired.",
            counts.declared, counts.active, counts.expiring, counts.expired
        ),
        Style::BODY,
    );
    layout.space(3.0);
    let mut table = Table::new(vec![
        Column::new("Check / subject", 110.0).sized(TEXT_SIZE),
        Column::new("Approver", 78.0).sized(TEXT_SIZE),
        Column::new("Expires", 50.0).sized(TEXT_SIZE),
        Column::new("State", 86.0).sized(TEXT_SIZE),
        Column::new("Rows waived", 34.0).right().sized(TEXT_SIZE),
        Column::new("Justification", 135.0).sized(TEXT_SIZE),
    ]);
    for entry in entries {
        let waiver = &entry.waiver;
        let subject = subject_text(&waiver.subject);
        table.row(vec![
            Cell::new(format!("{}\n{subject}", waiver.check)).bold(),
            waiver.approver.clone().into(),
            waiver.expires_on.format("%Y-%m-%d").to_string().into(),
            waiver_state_cell(entry),
            entry.waived_rows.to_string().into(),
            waiver.justification.clone().into(),
        ]);
    }
    layout.table(&table);
}

/// The findings rows a waiver decided: waived ones, and failing ones whose waiver expired.
fn waived_findings(layout: &mut Layout, context: &Context) {
    let rows = context.assessment.findings_with_waiver();
    if rows.is_empty() {
        return;
    }
    layout.subheading("Findings covered by a waiver", KEEP);
    layout.paragraph(
        "Waived rows do not fail the verdict or auditpack check; a row whose waiver \
         expired still fails.",
        Style::SMALL,
    );
    if rows.len() > FINDINGS_SHOWN {
        layout.paragraph(
            &format!(
                "{} rows; the first {FINDINGS_SHOWN} are listed, all are in findings.csv (its waiver column).",
                rows.len()
            ),
            Style::SMALL,
        );
    }
    layout.space(3.0);
    let mut table = Table::new(vec![
        Column::new("Check / subject", 150.0).sized(TEXT_SIZE),
        Column::new("Measured", 58.0).right().sized(TEXT_SIZE),
        Column::new("Target", 58.0).right().sized(TEXT_SIZE),
        Column::new("Status", 62.0).sized(TEXT_SIZE),
        Column::new("Waiver (approver, expiry)", 165.0).sized(TEXT_SIZE),
    ]);
    for finding in rows.into_iter().take(FINDINGS_SHOWN) {
        // Who and until when; the justification is in the waivers table above.
        let waiver = finding
            .waiver
            .as_ref()
            .map(|w| {
                let expires = w.expires_on.format("%Y-%m-%d");
                let when = match w.state {
                    WaiverState::Active => format!("expires {expires}"),
                    WaiverState::Expiring => format!("expires {expires} (expiring)"),
                    WaiverState::Expired => format!("expired {expires}, no longer applies"),
                };
                format!("{}\n{when}", w.approver)
            })
            .unwrap_or_default();
        table.row(vec![
            Cell::new(format!("{}\n{}", finding.check, finding.subject)).bold(),
            with_unit(finding.measured, finding.unit).into(),
            with_unit(finding.target, finding.unit).into(),
            status_cell(finding.status),
            waiver.into(),
        ]);
    }
    layout.table(&table);
}

fn attestations(layout: &mut Layout, context: &Context) {
    let assessment = context.assessment;
    let entries = &assessment.attestations;
    layout.subheading("Attestations", KEEP);
    if entries.is_empty() {
        layout.paragraph(
            "No attestation was declared: controls no check covers show as no evidence.",
            Style::BODY,
        );
        return;
    }
    let counts = assessment.attestation_counts();
    layout.paragraph(
        &format!(
            "{} attestations declared: {} implemented and {} not applicable are current, {} stale. \
             The last column is the status the control rolled up to in the Statement of Applicability.",
            counts.declared, counts.implemented, counts.not_applicable, counts.stale,
        ),
        Style::BODY,
    );
    layout.space(3.0);
    let mut table = Table::new(vec![
        Column::new("Control", 38.0).sized(TEXT_SIZE),
        Column::new("Attested", 56.0).sized(TEXT_SIZE),
        Column::new("Owner", 76.0).sized(TEXT_SIZE),
        Column::new("Reviewed", 50.0).sized(TEXT_SIZE),
        Column::new("Justification and evidence", 198.0).sized(TEXT_SIZE),
        Column::new("SoA status", 75.0).sized(TEXT_SIZE),
    ]);
    for entry in entries {
        let attestation = &entry.attestation;
        let kind = match attestation.kind {
            AttestationKind::Implemented => "Implemented",
            AttestationKind::NotApplicable => "Not applicable",
        };
        let reviewed = attestation.reviewed_on.format("%Y-%m-%d");
        let reviewed = match entry.state {
            AttestationState::Current => Cell::new(format!("{reviewed}\ncurrent")),
            AttestationState::Stale => Cell::new(format!("{reviewed}\nstale"))
                .coloured(colour::RED)
                .bold(),
        };
        let mut text = attestation.justification.clone();
        if !attestation.evidence.is_empty() {
            text.push_str(&format!("\nEvidence: {}", attestation.evidence));
        }
        let status = assessment
            .control(&attestation.control)
            .map(|c| control_cell(c.status))
            .unwrap_or_default();
        table.row(vec![
            Cell::new(attestation.control.clone()).bold(),
            kind.into(),
            attestation.owner.clone().into(),
            reviewed,
            text.into(),
            status,
        ]);
    }
    layout.table(&table);
}
