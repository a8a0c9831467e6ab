//! The pack's CSV files (SPEC §9): RFC 4180, comma, LF, UTF-8, header row, rows in the
//! assessment's sorted order, fixed precision, UTC `Z` times.

use crate::error::Error;
use crate::model::{Assessment, Cell, EvidenceTable, Millis, Unit, WaiverNote};
use crate::period::format_utc;

fn write_rows<I, R>(header: &[&str], rows: I) -> Result<Vec<u8>, Error>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut bytes = Vec::new();
    write_rows_to(&mut bytes, header, rows).map_err(|e| Error::Render {
        what: "a CSV file",
        message: e.to_string(),
    })?;
    Ok(bytes)
}

/// Writes a header and rows to `out` as they come.
fn write_rows_to<I, R>(
    out: &mut dyn std::io::Write,
    header: &[&str],
    rows: I,
) -> std::io::Result<()>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    writer.write_record(header)?;
    let mut record = csv::StringRecord::new();
    for row in rows {
        record.clear();
        for field in row {
            record.push_field(&field);
        }
        writer.write_record(&record)?;
    }
    writer.flush()
}

/// Seconds: whole when the duration is whole, else to the millisecond.
pub fn format_seconds(ms: Millis) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.3}", ms as f64 / 1000.0)
    }
}

pub fn format_cell(cell: &Cell) -> String {
    match cell {
        Cell::Text(text) => text.clone(),
        Cell::Time(ms) => format_utc(*ms),
        Cell::Seconds(ms) => format_seconds(*ms),
        Cell::Percent(x) => Unit::Percent.format(*x),
        Cell::Hours(x) => Unit::Hours.format(*x),
        Cell::Days(x) => Unit::Days.format(*x),
        Cell::Minutes(x) => Unit::Minutes.format(*x),
        Cell::Milliseconds(x) => Unit::Milliseconds.format(*x),
        Cell::Count(n) => n.to_string(),
        Cell::Empty => String::new(),
    }
}

/// Writes `findings.csv` to `out` row by row.
pub fn findings(assessment: &Assessment, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_rows_to(
        out,
        &[
            "check_id", "controls", "subject", "status", "measured", "target", "unit", "detail",
            "waiver",
        ],
        assessment.findings.iter().map(|f| {
            [
                f.check.as_str().to_string(),
                f.controls.join(";"),
                f.subject.clone(),
                f.status.as_str().to_string(),
                f.measured.map(|m| f.unit.format(m)).unwrap_or_default(),
                f.target.map(|t| f.unit.format(t)).unwrap_or_default(),
                f.unit.as_str().to_string(),
                f.detail.clone(),
                f.waiver.as_ref().map(WaiverNote::label).unwrap_or_default(),
            ]
        }),
    )
}

pub fn controls(assessment: &Assessment) -> Result<Vec<u8>, Error> {
    write_rows(
        &[
            "control_id",
            "title",
            "theme",
            "status",
            "checks",
            "justification",
            "evidence",
            "soc2",
        ],
        assessment.controls.iter().map(|c| {
            [
                c.id.clone(),
                c.title.clone(),
                c.theme.clone(),
                c.status.as_str().to_string(),
                c.checks
                    .iter()
                    .map(|id| id.as_str())
                    .collect::<Vec<_>>()
                    .join(";"),
                c.justification.clone(),
                c.evidence.join(";"),
                c.soc2.join(";"),
            ]
        }),
    )
}

pub fn incidents(assessment: &Assessment) -> Result<Vec<u8>, Error> {
    write_rows(
        &["service", "start", "end", "duration_seconds", "locations"],
        assessment.incidents.iter().map(|i| {
            [
                i.service.clone(),
                format_utc(i.start),
                format_utc(i.end),
                format_seconds(i.duration_ms()),
                i.locations.join(";"),
            ]
        }),
    )
}

pub fn inputs(assessment: &Assessment) -> Result<Vec<u8>, Error> {
    write_rows(
        &[
            "path",
            "kind",
            "format",
            "sha256",
            "bytes",
            "rows",
            "rejected_rows",
        ],
        assessment.inputs.iter().map(|f| {
            [
                f.path.clone(),
                f.kind.clone(),
                f.format.clone(),
                f.sha256.clone(),
                f.bytes.to_string(),
                f.rows.to_string(),
                f.rejected_rows.to_string(),
            ]
        }),
    )
}

pub fn rejected(assessment: &Assessment) -> Result<Vec<u8>, Error> {
    write_rows(
        &["path", "line", "reason"],
        assessment
            .rejected
            .iter()
            .map(|r| [r.path.clone(), r.line.to_string(), r.reason.clone()]),
    )
}

/// Writes an evidence table to `out` row by row.
pub fn evidence(table: &EvidenceTable, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_rows_to(
        out,
        &table.columns,
        table
            .rows
            .iter()
            .map(|row| row.cells.iter().map(format_cell)),
    )
}
