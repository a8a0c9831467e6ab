//! `report.pdf` (SPEC §10): the person-readable report, built with printpdf from the
//! assessment, a report template and the index of the other pack files.
//!
//! The work is split like a small typesetter: [`sections`] turns the assessment into
//! flow elements, [`layout`] places them on A4 pages (wrapping, page breaks, tables
//! that repeat their header), [`chart`] draws the daily availability bars, [`timeline`]
//! the backup timelines and [`text`] knows the built-in fonts. This module assembles the document and makes the bytes
//! reproducible. Nothing here computes a figure.
//!
//! Reproducibility: the same assessment gives the same bytes, also when two reports
//! are built in one process. The built-in fonts have fixed resource names (`F5`, …), so
//! the only process-dependent parts printpdf writes are the trailer `/ID` (a counter)
//! and the document dates (the epoch). The dates are set from `generated_at`, and the
//! `/ID` is replaced by a hash of the document written with a placeholder `/ID`.

mod calendar;
mod chart;
mod layout;
mod sections;
mod text;
mod timeline;

use lopdf::{Object, StringFormat};
use printpdf::{DateTime, Mm, Op, PdfDocument, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

use super::template::Template;
use super::PackEntry;
use crate::error::Error;
use crate::model::Assessment;
use layout::Layout;
use sections::Context;

pub fn render(
    assessment: &Assessment,
    template: &Template,
    pack: &[PackEntry],
) -> Result<Vec<u8>, Error> {
    let pages = pages(assessment, template, pack)?;
    let mut doc = PdfDocument::new(&template.title);
    let generated = DateTime::from_unix_timestamp(assessment.generated_at.div_euclid(1000))
        .map_err(|message| Error::Render {
            what: "report.pdf",
            message: format!("generated_at: {message}"),
        })?;
    let info = &mut doc.metadata.info;
    info.creation_date = generated;
    info.modification_date = generated;
    info.metadata_date = generated;
    info.author = assessment.organisation.name.clone();
    info.creator = format!("auditpack {}", assessment.tool_version);
    info.producer = format!("auditpack {} (printpdf)", assessment.tool_version);
    info.subject = format!(
        "ISO/IEC 27001:2022 evidence, period {}",
        assessment.period.label
    );
    doc.with_pages(
        pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops))
            .collect(),
    );
    save(&doc)
}

/// The report laid out: each page's drawing operations; an error when a section
/// looked up an evidence column the table does not have (a check renamed it).
fn pages(
    assessment: &Assessment,
    template: &Template,
    pack: &[PackEntry],
) -> Result<Vec<Vec<Op>>, Error> {
    let context = Context::new(assessment, template, pack);
    let mut layout = Layout::new();
    let mut number = 0;
    for section in &template.sections {
        if sections::is_numbered(section.kind) {
            number += 1;
        }
        sections::render(&mut layout, &context, section, number);
    }
    let header_right = match &assessment.tenant {
        Some(tenant) => format!(
            "{} | {} | tenant {tenant}",
            assessment.organisation.name, assessment.period.label
        ),
        None => format!(
            "{} | {}",
            assessment.organisation.name, assessment.period.label
        ),
    };
    let footer = format!(
        "{} \u{00B7} {} \u{00B7} period {}",
        assessment.organisation.name, template.title, assessment.period.label
    );
    let missing = context.missing.into_inner();
    if !missing.is_empty() {
        return Err(Error::Render {
            what: "report.pdf",
            message: missing.join("; "),
        });
    }
    Ok(layout.finish(&template.title, &header_right, &footer))
}

/// Writes `doc` with a trailer `/ID` derived from its content instead of printpdf's
/// process-wide counter.
fn save(doc: &PdfDocument) -> Result<Vec<u8>, Error> {
    let mut warnings = Vec::new();
    let mut document = doc.to_lopdf_document(&PdfSaveOptions::default(), &mut warnings);
    document.compress();
    tidy_info(&mut document);
    set_id(&mut document, &[0; 16]);
    let draft = write(&mut document)?;
    let digest = Sha256::digest(&draft);
    set_id(&mut document, &digest[..16]);
    write(&mut document)
}

/// Drops the info entries printpdf always writes but that do not apply: an empty
/// `GTS_PDFXVersion` makes readers take the file for PDF/X, and empty identifiers and
/// keywords say nothing.
fn tidy_info(document: &mut lopdf::Document) {
    let Ok(id) = document.trailer.get(b"Info").and_then(Object::as_reference) else {
        return;
    };
    if let Ok(info) = document.get_object_mut(id).and_then(Object::as_dict_mut) {
        for key in [&b"GTS_PDFXVersion"[..], b"Identifier", b"Keywords"] {
            info.remove(key);
        }
    }
}

fn set_id(document: &mut lopdf::Document, id: &[u8]) {
    let id = Object::String(id.to_vec(), StringFormat::Hexadecimal);
    document
        .trailer
        .set("ID", Object::Array(vec![id.clone(), id]));
}

fn write(document: &mut lopdf::Document) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).map_err(|e| Error::Render {
        what: "report.pdf",
        message: e.to_string(),
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests;
