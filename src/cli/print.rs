//! What the commands print: a result summary on stdout, warnings on stderr.

use crate::config::format_duration;
use std::collections::BTreeMap;

use crate::model::{criteria_counts, Assessment, ControlStatus, CriterionRow, Finding, Status};
use crate::period::format_local;
use crate::{InputsReport, ReportOutcome};

pub fn warnings(warnings: &[String], quiet: bool) {
    if quiet {
        return;
    }
    for warning in warnings {
        eprintln!("auditpack: warning: {warning}");
    }
}

fn measured(finding: &Finding) -> String {
    match finding.measured {
        Some(m) => format!("{} {}", finding.unit.format(m), finding.unit.as_str()),
        None => "-".to_string(),
    }
}

fn counts_line(assessment: &Assessment) -> String {
    let counts = assessment.counts();
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|s| counts.get(**s) > 0)
        .map(|s| format!("{} {}", counts.get(*s), s.as_str()))
        .collect();
    format!("{} findings: {}", counts.total(), parts.join(", "))
}

fn findings_table(assessment: &Assessment, all: bool) {
    for finding in &assessment.findings {
        if !all && finding.status == Status::Pass {
            continue;
        }
        println!(
            "  {:<14} {:<34} {:<24} {:>16}  {}",
            finding.status.as_str(),
            finding.check.as_str(),
            finding.subject,
            measured(finding),
            finding.detail
        );
        // Why a row is waived (or which expired waiver no longer covers it).
        if let Some(waiver) = &finding.waiver {
            println!("  {:<14} waiver: {}", "", waiver.label());
        }
    }
}

pub fn report(outcome: &ReportOutcome, verbose: bool) {
    let assessment = &outcome.assessment;
    let tenant = assessment
        .tenant
        .as_ref()
        .map(|tenant| format!(", tenant {tenant}"))
        .unwrap_or_default();
    println!(
        "{} {}{tenant} ({} to {}): verdict {}",
        assessment.organisation.name,
        assessment.period.label,
        format_local(assessment.period.start, assessment.period.timezone),
        format_local(assessment.period.end, assessment.period.timezone),
        assessment.verdict().as_str().to_uppercase()
    );
    println!("{}", counts_line(assessment));
    for service in &assessment.services {
        let percent = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.4}%"));
        println!(
            "  {:<24} availability {:>10}  coverage {:>10}  down {:>8}  incidents {}",
            service.service,
            percent(service.availability),
            percent(service.coverage),
            format_duration(service.down_ms),
            service.incidents
        );
    }
    if verbose {
        findings_table(assessment, true);
    }
    println!(
        "pack written to {} ({} files)",
        outcome.out.display(),
        outcome.files.len()
    );
}

pub fn check(assessment: &Assessment, strict: bool, verbose: bool) {
    findings_table(assessment, verbose);
    println!(
        "{}{}: {}",
        counts_line(assessment),
        if strict { " (strict)" } else { "" },
        match assessment.check_verdict(strict) {
            Status::Fail => format!("FAIL ({} failing)", assessment.failing(strict)),
            _ => "PASS".to_string(),
        }
    );
}

pub fn controls(assessment: &Assessment) {
    println!(
        "{:<6} {:<15} {:<14} {:<60} checks",
        "id", "theme", "status", "title"
    );
    for control in &assessment.controls {
        let checks: Vec<&str> = control.checks.iter().map(|c| c.as_str()).collect();
        println!(
            "{:<6} {:<15} {:<14} {:<60} {}",
            control.id,
            control.theme,
            control.status.as_str(),
            truncate(&control.title, 60),
            checks.join(", ")
        );
    }
    println!(
        "{} controls for {}: {}",
        assessment.controls.len(),
        assessment.period.label,
        by_status(&assessment.control_counts())
    );
}

/// `controls --framework soc2`: the Statement of Applicability seen from the criteria,
/// each with the Annex A controls mapped to it (relationship and status).
pub fn criteria(criteria: &[CriterionRow], period: &str) {
    println!(
        "{:<6} {:<21} {:<14} {:<50} annex a controls (relationship: status)",
        "id", "category", "status", "title"
    );
    for criterion in criteria {
        let controls: Vec<String> = criterion
            .controls
            .iter()
            .map(|(id, relationship, status)| format!("{id} ({relationship}: {status})"))
            .collect();
        println!(
            "{:<6} {:<21} {:<14} {:<50} {}",
            criterion.id,
            criterion.category,
            criterion.status.as_str(),
            truncate(&criterion.title, 50),
            if controls.is_empty() {
                "none mapped".to_string()
            } else {
                controls.join(", ")
            }
        );
    }
    let counts = criteria_counts(criteria);
    println!(
        "{} SOC 2 criteria for {period}: {}; {} with no control mapped, {} mapped only in part (no equal or superset control)",
        criteria.len(),
        by_status(&counts.by_status),
        counts.unmapped,
        counts.partly_mapped
    );
}

/// `15 fail, 46 no_evidence`: the statuses that occur, with their counts.
fn by_status(counts: &BTreeMap<ControlStatus, usize>) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    parts.join(", ")
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

pub fn inputs(report: &InputsReport, verbose: bool) {
    for entry in &report.entries {
        println!(
            "input[{}] {} ({}): {}",
            entry.index + 1,
            entry.kind,
            entry.format,
            entry.path
        );
        if entry.files.is_empty() {
            println!("  (no files)");
        }
        for file in &entry.files {
            println!(
                "  {}  {} bytes  {} rows  {} rejected  sha256 {}",
                file.path, file.bytes, file.rows, file.rejected_rows, file.sha256
            );
        }
    }
    let shown = if verbose {
        report.rejected.len()
    } else {
        report.rejected.len().min(20)
    };
    for rejected in &report.rejected[..shown] {
        println!(
            "rejected {}:{}: {}",
            rejected.path, rejected.line, rejected.reason
        );
    }
    if shown < report.rejected.len() {
        println!(
            "... and {} more rejected rows (--verbose shows all)",
            report.rejected.len() - shown
        );
    }
}

pub fn verify(report: &crate::pack::verify::VerifyReport, quiet: bool) {
    for line in &report.lines {
        match &line.outcome {
            Ok(note) if !quiet => {
                if note.is_empty() {
                    println!("ok  {}", line.subject);
                } else {
                    println!("ok  {}: {note}", line.subject);
                }
            }
            Ok(_) => {}
            Err(reason) => println!("FAIL {}: {reason}", line.subject),
        }
    }
    if report.ok() {
        if !quiet {
            println!("pack verified");
        }
    } else {
        println!("pack NOT verified: {} problem(s)", report.problems());
    }
}

pub fn keygen(outcome: &crate::pack::keygen::KeygenOutcome, out: &std::path::Path) {
    for file in &outcome.files {
        println!("wrote {}", file.display());
    }
    println!("manifest key: {}", outcome.ssh_fingerprint);
    println!("PDF certificate: {}", outcome.certificate_fingerprint);
    println!(
        "add to auditpack.toml:\n\n[signing]\nssh_key = \"{0}/{1}\"\npdf_key = \"{0}/{2}\"\npdf_certificate = \"{0}/{3}\"\n\nand give `{0}/{4}` to whoever checks the packs.",
        out.display(),
        crate::pack::keygen::SSH_KEY,
        crate::pack::keygen::PDF_KEY,
        crate::pack::keygen::PDF_CERTIFICATE,
        crate::pack::keygen::ALLOWED_SIGNERS
    );
}
