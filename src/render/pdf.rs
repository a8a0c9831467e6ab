//! `report.pdf` (SPEC §10), built with printpdf from the assessment and a template.
//! (Minimal first cut: replaced by the full report layout.)

use printpdf::{
    BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

use super::template::Template;
use super::PackEntry;
use crate::error::Error;
use crate::model::Assessment;

pub fn render(
    assessment: &Assessment,
    template: &Template,
    _pack: &[PackEntry],
) -> Result<Vec<u8>, Error> {
    let mut doc = PdfDocument::new(&template.title);
    let font = PdfFontHandle::Builtin(BuiltinFont::Helvetica);
    let ops = vec![
        Op::StartTextSection,
        Op::SetFont {
            font: font.clone(),
            size: Pt(20.0),
        },
        Op::SetTextCursor {
            pos: Point::new(Mm(20.0), Mm(260.0)),
        },
        Op::ShowText {
            items: vec![TextItem::Text(assessment.organisation.name.clone())],
        },
        Op::EndTextSection,
    ];
    doc.with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), ops)]);
    let mut warnings = Vec::new();
    Ok(doc.save(&PdfSaveOptions::default(), &mut warnings))
}
