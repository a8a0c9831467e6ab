//! `junit.xml` (SPEC §9): one testsuite per check, one testcase per findings row;
//! `fail` → `<failure>`, `error` → `<error>`, `waived`/`not_evaluated` → `<skipped>`.

use crate::model::{Assessment, Finding, Status, StatusCounts};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

fn figure(finding: &Finding) -> String {
    match (finding.measured, finding.target) {
        (Some(m), Some(t)) => format!(
            "measured {} {}, target {}",
            finding.unit.format(m),
            finding.unit.as_str(),
            finding.unit.format(t)
        ),
        (Some(m), None) => format!(
            "measured {} {}",
            finding.unit.format(m),
            finding.unit.as_str()
        ),
        _ => "nothing measured".to_string(),
    }
}

pub fn render(assessment: &Assessment) -> Vec<u8> {
    let mut xml = Vec::new();
    // Writing into memory cannot fail.
    let _ = write(assessment, &mut xml);
    xml
}

/// Writes `junit.xml` to `xml` row by row.
pub fn write(assessment: &Assessment, xml: &mut dyn std::io::Write) -> std::io::Result<()> {
    let counts = assessment.counts();
    xml.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    writeln!(
        xml,
        "<testsuites name=\"auditpack {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        escape(&assessment.period.label),
        counts.total(),
        counts.fail,
        counts.error,
        counts.skipped(),
    )?;
    for (check, rows) in assessment.findings_by_check() {
        let counts = StatusCounts::of(rows.iter().copied());
        writeln!(
            xml,
            "  <testsuite name=\"{check}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            counts.total(),
            counts.fail,
            counts.error,
            counts.skipped(),
        )?;
        for finding in rows {
            write!(
                xml,
                "    <testcase classname=\"{check}\" name=\"{}\"",
                escape(&finding.subject)
            )?;
            // A waiver's one-line label: why a row is waived, or the expired waiver
            // that no longer covers a failing row.
            let waiver = finding
                .waiver
                .as_ref()
                .map(|w| format!("; waiver: {}", w.label()))
                .unwrap_or_default();
            let message = escape(&format!("{}: {}{waiver}", figure(finding), finding.detail));
            match finding.status {
                Status::Pass => xml.write_all(b"/>\n")?,
                Status::Fail => {
                    write!(
                        xml,
                        ">\n      <failure type=\"fail\" message=\"{message}\">{}</failure>\n    </testcase>\n",
                        escape(&finding.detail)
                    )?;
                }
                Status::Error => {
                    write!(
                        xml,
                        ">\n      <error type=\"error\" message=\"{message}\">{}</error>\n    </testcase>\n",
                        escape(&finding.detail)
                    )?;
                }
                Status::Waived => {
                    write!(
                        xml,
                        ">\n      <skipped message=\"waived: {message}\"/>\n    </testcase>\n",
                    )?;
                }
                Status::NotEvaluated => {
                    write!(
                        xml,
                        ">\n      <skipped message=\"not_evaluated: {}\"/>\n    </testcase>\n",
                        escape(&finding.detail)
                    )?;
                }
            }
        }
        xml.write_all(b"  </testsuite>\n")?;
    }
    xml.write_all(b"</testsuites>\n")
}
