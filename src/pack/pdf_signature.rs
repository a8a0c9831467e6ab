//! The signature inside `report.pdf` (SPEC §11): an incremental update appended to
//! the rendered PDF, and the check `verify` makes of it.
//!
//! The update is written by hand, so every offset is known: the catalog again with an
//! `/AcroForm` (`/SigFlags 3`), page 1 again with the signature widget in `/Annots`, the
//! widget (an invisible field, `/Rect [0 0 0 0]`), and the signature dictionary
//! (`/Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M …`) whose `/ByteRange`
//! and `/Contents` are fixed-width placeholders, then a classic xref section and a
//! trailer with `/Prev`. Once the layout is fixed, the byte range is filled in, the
//! ranges are hashed, and the CMS signature ([`super::cades`]) is written into
//! `/Contents` as hex. Nothing depends on the clock or on randomness, so the same PDF
//! and key give the same bytes.

use chrono::{TimeZone, Utc};
use lopdf::{Dictionary, Document, Object, ObjectId};
use sha2::{Digest, Sha256};

use super::cades;
use super::keys::PdfSigner;
use crate::error::Error;
use crate::time::Millis;

/// Bytes reserved for the CMS signature (written as twice as many hex digits). A
/// signature with its certificate takes about 1.3 KB.
const CONTENTS_BYTES: usize = 8192;
/// Width of the `/ByteRange` value, `[0 a b c]` padded with spaces.
const BYTE_RANGE_WIDTH: usize = 3 + 3 * 11 + 1;
/// The signature field's name.
const FIELD_NAME: &[u8] = b"auditpack";

fn render_error(message: impl Into<String>) -> Error {
    Error::Sign {
        what: "report.pdf",
        message: message.into(),
    }
}

/// `D:YYYYMMDDHHmmSS+00'00'` in UTC.
fn pdf_date(ms: Millis) -> String {
    let time = Utc.timestamp_millis_opt(ms).single().unwrap_or_default();
    time.format("D:%Y%m%d%H%M%S+00'00'").to_string()
}

/// Appends the signature to `pdf` and returns the signed bytes.
pub fn sign(pdf: &[u8], signer: &PdfSigner, signed_at: Millis) -> Result<Vec<u8>, Error> {
    let document = Document::load_mem(pdf).map_err(|e| render_error(e.to_string()))?;
    let previous_xref = start_xref(pdf).ok_or_else(|| render_error("no startxref"))?;
    let root_id = document
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| render_error("the trailer has no /Root"))?;
    let size = document
        .trailer
        .get(b"Size")
        .and_then(Object::as_i64)
        .ok()
        .and_then(|size| u32::try_from(size).ok())
        .unwrap_or(document.max_id + 1)
        .max(document.max_id + 1);
    let page_id = *document
        .get_pages()
        .get(&1)
        .ok_or_else(|| render_error("the document has no page"))?;
    let signature_id: ObjectId = (size, 0);
    let field_id: ObjectId = (size + 1, 0);

    let mut catalog = document
        .get_dictionary(root_id)
        .map_err(|e| render_error(format!("catalog: {e}")))?
        .clone();
    if catalog.has(b"AcroForm") {
        return Err(render_error("the PDF already has a form"));
    }
    catalog.set(
        "AcroForm",
        Dictionary::from_iter(vec![
            ("Fields", Object::Array(vec![Object::Reference(field_id)])),
            ("SigFlags", Object::Integer(3)),
        ]),
    );
    // ETSI.CAdES.detached is defined for PDF 1.7 by the ESIC extension level 2 (PAdES).
    catalog.set("Version", Object::Name(b"1.7".to_vec()));
    catalog.set(
        "Extensions",
        Dictionary::from_iter(vec![(
            "ESIC",
            Object::Dictionary(Dictionary::from_iter(vec![
                ("BaseVersion", Object::Name(b"1.7".to_vec())),
                ("ExtensionLevel", Object::Integer(2)),
            ])),
        )]),
    );

    let mut page = document
        .get_dictionary(page_id)
        .map_err(|e| render_error(format!("page 1: {e}")))?
        .clone();
    let mut annotations = match page.get(b"Annots") {
        Ok(annotations) => match document.dereference(annotations) {
            Ok((_, Object::Array(items))) => items.clone(),
            _ => return Err(render_error("page 1: /Annots is not an array")),
        },
        Err(_) => Vec::new(),
    };
    annotations.push(Object::Reference(field_id));
    page.set("Annots", Object::Array(annotations));

    let field = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("FT", Object::Name(b"Sig".to_vec())),
        (
            "T",
            Object::String(FIELD_NAME.to_vec(), lopdf::StringFormat::Literal),
        ),
        // Print + Locked: an invisible widget that readers keep with the page.
        ("F", Object::Integer(132)),
        (
            "Rect",
            Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
        ),
        ("P", Object::Reference(page_id)),
        ("V", Object::Reference(signature_id)),
    ]);

    // The update, with offsets relative to the end of the original file.
    let mut update: Vec<u8> = Vec::new();
    if !pdf.ends_with(b"\n") {
        update.push(b'\n');
    }
    let mut offsets: Vec<(ObjectId, usize)> = Vec::new();
    let mut object = |update: &mut Vec<u8>, id: ObjectId, body: &[u8]| {
        offsets.push((id, pdf.len() + update.len()));
        update.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        update.extend_from_slice(body);
        update.extend_from_slice(b"\nendobj\n");
    };
    object(
        &mut update,
        root_id,
        &serialize(&Object::Dictionary(catalog))?,
    );
    object(&mut update, page_id, &serialize(&Object::Dictionary(page))?);
    object(
        &mut update,
        field_id,
        &serialize(&Object::Dictionary(field))?,
    );

    let mut signature = Vec::new();
    signature
        .extend_from_slice(b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M");
    signature.extend_from_slice(&serialize(&Object::String(
        pdf_date(signed_at).into_bytes(),
        lopdf::StringFormat::Literal,
    ))?);
    signature.extend_from_slice(b"/ByteRange");
    let byte_range_at = signature.len();
    signature.extend_from_slice(&[b' '; BYTE_RANGE_WIDTH]);
    signature.extend_from_slice(b"/Contents");
    let contents_at = signature.len();
    signature.push(b'<');
    signature.extend_from_slice(&vec![b'0'; 2 * CONTENTS_BYTES]);
    signature.push(b'>');
    signature.extend_from_slice(b">>");
    let signature_start = pdf.len() + update.len() + format!("{} 0 obj\n", signature_id.0).len();
    object(&mut update, signature_id, &signature);

    let xref_at = pdf.len() + update.len();
    offsets.sort();
    update.extend_from_slice(b"xref\n");
    let mut index = 0;
    while index < offsets.len() {
        let mut end = index + 1;
        while end < offsets.len() && offsets[end].0 .0 == offsets[end - 1].0 .0 + 1 {
            end += 1;
        }
        update.extend_from_slice(format!("{} {}\n", offsets[index].0 .0, end - index).as_bytes());
        for (id, offset) in &offsets[index..end] {
            update.extend_from_slice(format!("{offset:010} {:05} n \n", id.1).as_bytes());
        }
        index = end;
    }
    let mut trailer = Dictionary::new();
    trailer.set("Size", Object::Integer(i64::from(size + 2)));
    trailer.set("Root", Object::Reference(root_id));
    for key in [&b"Info"[..], b"ID"] {
        if let Ok(value) = document.trailer.get(key) {
            trailer.set(key.to_vec(), value.clone());
        }
    }
    trailer.set("Prev", Object::Integer(previous_xref as i64));
    update.extend_from_slice(b"trailer\n");
    update.extend_from_slice(&serialize(&Object::Dictionary(trailer))?);
    update.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());

    let mut signed = Vec::with_capacity(pdf.len() + update.len());
    signed.extend_from_slice(pdf);
    signed.extend_from_slice(&update);

    // The byte range: everything but the hex string `<…>` of /Contents.
    let gap_start = signature_start + contents_at;
    let gap_end = gap_start + 2 * CONTENTS_BYTES + 2;
    let byte_range = format!("[0 {gap_start} {gap_end} {}]", signed.len() - gap_end);
    if byte_range.len() > BYTE_RANGE_WIDTH {
        return Err(render_error("the PDF is too large for the byte range"));
    }
    let range_at = signature_start + byte_range_at;
    signed[range_at..range_at + byte_range.len()].copy_from_slice(byte_range.as_bytes());

    let digest = {
        let mut hasher = Sha256::new();
        hasher.update(&signed[..gap_start]);
        hasher.update(&signed[gap_end..]);
        hasher.finalize()
    };
    let cms = cades::sign(signer, &digest).map_err(|e| render_error(format!("CMS: {e}")))?;
    if cms.len() > CONTENTS_BYTES {
        return Err(render_error(format!(
            "the CMS signature ({} bytes) does not fit the {CONTENTS_BYTES} bytes reserved",
            cms.len()
        )));
    }
    let hex = crate::digest::hex(&cms).to_ascii_uppercase();
    signed[gap_start + 1..gap_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(signed)
}

/// The offset after the last `startxref`.
fn start_xref(pdf: &[u8]) -> Option<usize> {
    let tail_start = pdf.len().saturating_sub(1024);
    let tail = &pdf[tail_start..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let rest = std::str::from_utf8(&tail[at + 9..]).ok()?;
    rest.split_whitespace().next()?.parse().ok()
}

/// PDF syntax for a direct object (streams are always indirect, so never here).
fn serialize(object: &Object) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    write_object(&mut out, object)?;
    Ok(out)
}

fn write_object(out: &mut Vec<u8>, object: &Object) -> Result<(), Error> {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(value) => out.extend_from_slice(if *value { b"true" } else { b"false" }),
        Object::Integer(value) => out.extend_from_slice(value.to_string().as_bytes()),
        Object::Real(value) => {
            if !value.is_finite() {
                return Err(render_error("a non-finite number in the page dictionary"));
            }
            out.extend_from_slice(value.to_string().as_bytes());
        }
        Object::Name(name) => {
            out.push(b'/');
            for &byte in name {
                if (0x21..=0x7e).contains(&byte) && !b"#()<>[]{}/%".contains(&byte) {
                    out.push(byte);
                } else {
                    out.extend_from_slice(format!("#{byte:02X}").as_bytes());
                }
            }
        }
        Object::String(bytes, _) => {
            out.push(b'(');
            for &byte in bytes {
                match byte {
                    b'(' | b')' | b'\\' => {
                        out.push(b'\\');
                        out.push(byte);
                    }
                    b'\r' => out.extend_from_slice(b"\\r"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    _ => out.push(byte),
                }
            }
            out.push(b')');
        }
        Object::Array(items) => {
            out.push(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b' ');
                }
                write_object(out, item)?;
            }
            out.push(b']');
        }
        Object::Dictionary(dictionary) => {
            out.extend_from_slice(b"<<");
            for (key, value) in dictionary.iter() {
                write_object(out, &Object::Name(key.clone()))?;
                out.push(b' ');
                write_object(out, value)?;
            }
            out.extend_from_slice(b">>");
        }
        Object::Reference((number, generation)) => {
            out.extend_from_slice(format!("{number} {generation} R").as_bytes());
        }
        Object::Stream(_) => return Err(render_error("a stream inside a dictionary")),
    }
    Ok(())
}

/// A PDF signature that verified.
#[derive(Debug)]
pub struct VerifiedPdf {
    pub signer: cades::Verified,
    /// The signature dictionary's `/M`, as written.
    pub signed_at: Option<String>,
}

/// Checks the one signature of `pdf`: the byte range covers the whole file but the
/// `/Contents` hex string, the CMS message digest matches those bytes, and the ECDSA
/// signature verifies with the embedded certificate. Trust in the certificate is the
/// caller's question.
pub fn verify(pdf: &[u8]) -> Result<VerifiedPdf, String> {
    let document = Document::load_mem(pdf).map_err(|e| format!("cannot read the PDF: {e}"))?;
    let signatures = signature_dictionaries(&document)?;
    let signature = match signatures.as_slice() {
        [] => return Err("not signed: no signature field".to_string()),
        [one] => one,
        more => {
            return Err(format!(
                "{} signature fields; auditpack packs carry exactly one",
                more.len()
            ))
        }
    };
    let sub_filter = signature
        .get(b"SubFilter")
        .and_then(Object::as_name)
        .unwrap_or(b"");
    if sub_filter != b"ETSI.CAdES.detached" && sub_filter != b"adbe.pkcs7.detached" {
        return Err(format!(
            "unsupported /SubFilter /{}",
            String::from_utf8_lossy(sub_filter)
        ));
    }
    let range: Vec<usize> = signature
        .get(b"ByteRange")
        .and_then(Object::as_array)
        .map_err(|_| "the signature has no /ByteRange".to_string())?
        .iter()
        .map(|o| o.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
        .collect::<Option<Vec<usize>>>()
        .ok_or("/ByteRange holds something other than offsets")?;
    let [0, first_len, second_start, second_len] = range.as_slice() else {
        return Err(format!(
            "/ByteRange {range:?} is not [0 a b c] (two ranges from the start of the file)"
        ));
    };
    let (gap_start, gap_end) = (*first_len, *second_start);
    if gap_end <= gap_start + 1 || gap_end.checked_add(*second_len) != Some(pdf.len()) {
        return Err(format!(
            "/ByteRange {range:?} does not cover the whole file ({} bytes) but one gap",
            pdf.len()
        ));
    }
    let contents = signature
        .get(b"Contents")
        .and_then(Object::as_str)
        .map_err(|_| "the signature has no /Contents".to_string())?;
    // The gap must be exactly the /Contents hex string: `<hex>` right after `/Contents`.
    let gap = &pdf[gap_start..gap_end];
    let hex_ok = gap.len() == 2 * contents.len() + 2
        && gap[0] == b'<'
        && gap[gap.len() - 1] == b'>'
        && gap[1..gap.len() - 1].iter().all(u8::is_ascii_hexdigit)
        && decode_hex(&gap[1..gap.len() - 1]).as_deref() == Some(contents);
    let before = pdf[..gap_start].trim_ascii_end();
    if !hex_ok || !before.ends_with(b"/Contents") {
        return Err(
            "the part of the file the signature leaves out is not exactly its /Contents"
                .to_string(),
        );
    }
    let digest = {
        let mut hasher = Sha256::new();
        hasher.update(&pdf[..gap_start]);
        hasher.update(&pdf[gap_end..]);
        hasher.finalize()
    };
    let signer = cades::verify(contents, &digest)?;
    let signed_at = signature
        .get(b"M")
        .and_then(Object::as_str)
        .ok()
        .map(|m| String::from_utf8_lossy(m).to_string());
    Ok(VerifiedPdf { signer, signed_at })
}

/// The signature dictionaries of the document's signature fields.
fn signature_dictionaries(document: &Document) -> Result<Vec<&Dictionary>, String> {
    fn resolve<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Object> {
        document.dereference(object).map(|(_, o)| o).ok()
    }
    let catalog = document
        .catalog()
        .map_err(|e| format!("no document catalog: {e}"))?;
    let Ok(form) = catalog.get(b"AcroForm") else {
        return Ok(Vec::new());
    };
    let resolve = |object| resolve(document, object);
    let Some(Object::Dictionary(form)) = resolve(form) else {
        return Err("/AcroForm is not a dictionary".to_string());
    };
    let Some(Object::Array(fields)) = form.get(b"Fields").ok().and_then(resolve) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for field in fields {
        let Some(Object::Dictionary(field)) = resolve(field) else {
            continue;
        };
        if field.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig") {
            continue;
        }
        if let Some(Object::Dictionary(value)) = field.get(b"V").ok().and_then(resolve) {
            found.push(value);
        }
    }
    Ok(found)
}

fn decode_hex(hex: &[u8]) -> Option<Vec<u8>> {
    hex.chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(text, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_names_strings_and_arrays() {
        let object = Object::Array(vec![
            Object::Name(b"A B#".to_vec()),
            Object::String(b"x(y)\\".to_vec(), lopdf::StringFormat::Literal),
            Object::Real(595.27563),
            Object::Reference((3, 0)),
            Object::Null,
        ]);
        assert_eq!(
            serialize(&object).expect("serialize"),
            b"[/A#20B#23 (x\\(y\\)\\\\) 595.27563 3 0 R null]".to_vec()
        );
    }

    #[test]
    fn pdf_dates_are_utc() {
        assert_eq!(pdf_date(1_793_491_200_000), "D:20261101000000+00'00'");
    }

    #[test]
    fn start_xref_is_the_last_one() {
        assert_eq!(
            start_xref(b"x\nstartxref\n12\n%%EOF\nmore\nstartxref\n345\n%%EOF"),
            Some(345)
        );
    }
}

#[cfg(test)]
mod round_trip {
    use lopdf::dictionary;

    use super::*;

    fn tiny_pdf() -> Vec<u8> {
        let mut document = Document::with_version("1.4");
        let pages_id = document.new_object_id();
        let page_id = document.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 200.into(), 200.into()],
        });
        document.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
            }),
        );
        let catalog_id = document.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        });
        document.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        document.save_to(&mut bytes).expect("save");
        bytes
    }

    #[test]
    fn a_signed_pdf_verifies_and_any_change_is_caught() {
        let signer = super::cades::tests::test_signer(9);
        let pdf = tiny_pdf();
        let signed = sign(&pdf, &signer, 1_793_491_200_000).expect("sign");
        assert_eq!(
            signed,
            sign(&pdf, &signer, 1_793_491_200_000).expect("sign"),
            "reproducible"
        );
        assert!(signed.starts_with(&pdf), "an incremental update");
        let verified = verify(&signed).expect("verify");
        assert_eq!(
            verified.signed_at.as_deref(),
            Some("D:20261101000000+00'00'")
        );

        let mut changed = signed.clone();
        changed[5] = b'9'; // %PDF-1.4 -> %PDF-9.4
        assert!(verify(&changed)
            .expect_err("changed")
            .contains("digest mismatch"));

        let mut appended = signed.clone();
        appended.extend_from_slice(b"% more\n");
        assert!(verify(&appended)
            .expect_err("appended")
            .contains("/ByteRange"));

        assert!(verify(&pdf).expect_err("unsigned").contains("not signed"));
    }
}
