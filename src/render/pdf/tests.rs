use printpdf::{Op, TextItem};

use super::layout::{Cell, Column, Layout, Table};
use super::*;
use crate::catalog::Catalog;
use crate::config::Policy;
use crate::model::{
    CheckId, ControlRow, ControlStatus, DailyAvailability, Finding, Incident, InputFile,
    MaintenanceWindow, Organisation, ServiceAvailability, Status, Unit,
};
use crate::period::Period;

const HOUR: i64 = 3_600_000;

fn assessment() -> Assessment {
    let tz: chrono_tz::Tz = "Australia/Melbourne".parse().expect("zone");
    let period = Period::month("2026-10", tz).expect("period");
    let catalog = Catalog::built_in().expect("catalogue");
    let controls = catalog
        .controls
        .iter()
        .enumerate()
        .map(|(index, control)| ControlRow {
            id: control.id.clone(),
            title: control.title.clone(),
            theme: control.theme.clone(),
            status: if index == 3 {
                ControlStatus::Fail
            } else {
                ControlStatus::NoEvidence
            },
            checks: if index == 3 {
                vec![CheckId::UptimeAvailability]
            } else {
                Vec::new()
            },
            justification: String::new(),
            evidence: Vec::new(),
        })
        .collect();
    let daily = period
        .local_days()
        .into_iter()
        .enumerate()
        .map(|(index, (date, start, end))| DailyAvailability {
            date: date.format("%Y-%m-%d").to_string(),
            start,
            end,
            down_ms: 0,
            no_data_ms: 0,
            scheduled_ms: 0,
            availability: match index {
                4 => None,
                9 => Some(99.2),
                _ => Some(100.0),
            },
        })
        .collect();
    Assessment {
        tool_version: "0.1.0",
        generated_at: 1_793_491_200_000,
        organisation: Organisation {
            name: "Zürich Hosting – Ops…".to_string(),
            timezone: tz,
            primary_region: "au-southeast-1".to_string(),
        },
        period: period.clone(),
        policy: Policy::default(),
        template: "monthly".to_string(),
        tenant: None,
        findings: vec![
            Finding {
                check: CheckId::UptimeAvailability,
                controls: vec!["5.30".to_string()],
                subject: "api".to_string(),
                status: Status::Fail,
                measured: Some(99.87654),
                target: Some(99.9),
                unit: Unit::Percent,
                detail: "below target".to_string(),
                waiver: None,
            },
            Finding {
                check: CheckId::BackupRpo,
                controls: vec!["8.13".to_string()],
                subject: "*".to_string(),
                status: Status::NotEvaluated,
                measured: None,
                target: Some(24.0),
                unit: Unit::Hours,
                detail: "no backup evidence in the period".to_string(),
                waiver: None,
            },
        ],
        evidence: Default::default(),
        controls,
        incidents: vec![Incident {
            service: "api".to_string(),
            start: period.start + 200 * HOUR,
            end: period.start + 201 * HOUR,
            locations: vec!["syd".to_string(), "mel".to_string()],
        }],
        services: vec![ServiceAvailability {
            service: "api".to_string(),
            locations: vec!["syd".to_string(), "mel".to_string()],
            quorum: 2,
            period_ms: period.duration(),
            scheduled_ms: 0,
            no_data_ms: 24 * HOUR,
            down_ms: HOUR,
            measured_ms: period.duration() - 25 * HOUR,
            availability: Some(99.87654),
            coverage: Some(96.7),
            error_budget_used: Some(123.4),
            incidents: 1,
            daily,
        }],
        maintenance: vec![MaintenanceWindow {
            service: "api".to_string(),
            start: period.start + 300 * HOUR,
            end: period.start + 302 * HOUR,
            announced_at: None,
            reference: "CHG-1".to_string(),
            scheduled: false,
        }],
        backups: Vec::new(),
        inputs: vec![InputFile {
            path: "evidence/probes/api.csv".to_string(),
            kind: "probes".to_string(),
            format: "csv".to_string(),
            sha256: "ab".repeat(32),
            bytes: 1234,
            rows: 10,
            rejected_rows: 0,
        }],
        rejected: Vec::new(),
        signers: Vec::new(),
    }
}

fn pack() -> Vec<PackEntry> {
    vec![PackEntry {
        path: "findings.csv".to_string(),
        sha256: "cd".repeat(32),
        bytes: 99,
    }]
}

/// Every `ShowText` string of a page, in drawing order.
fn texts(ops: &[Op]) -> Vec<String> {
    ops.iter()
        .filter_map(|op| match op {
            Op::ShowText { items } => Some(
                items
                    .iter()
                    .filter_map(|item| match item {
                        TextItem::Text(text) => Some(text.clone()),
                        _ => None,
                    })
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn same_assessment_gives_identical_bytes_in_one_process() {
    let template = Template::built_in("monthly").expect("template");
    let first = render(&assessment(), &template, &pack()).expect("first");
    let second = render(&assessment(), &template, &pack()).expect("second");
    assert!(first.starts_with(b"%PDF-"));
    assert!(first == second, "two renders differ");
}

#[test]
fn document_dates_come_from_generated_at() {
    let template = Template::built_in("monthly").expect("template");
    let bytes = render(&assessment(), &template, &pack()).expect("render");
    let document = lopdf::Document::load_mem(&bytes).expect("parse");
    let info = document
        .trailer
        .get(b"Info")
        .and_then(|info| info.as_reference())
        .and_then(|id| document.get_dictionary(id))
        .expect("info");
    let created = info.get(b"CreationDate").expect("date");
    // 1_793_491_200 s is 2026-11-01T00:00:00Z.
    assert_eq!(
        created.as_str().expect("string"),
        b"D:20261101000000+00'00'"
    );
    assert!(document.get_pages().len() >= 5);
}

#[test]
fn every_section_of_both_templates_renders() {
    for name in Template::names() {
        let template = Template::built_in(name).expect("template");
        render(&assessment(), &template, &pack()).expect(name);
    }
}

#[test]
fn long_tables_continue_with_their_header_on_every_page() {
    let mut table = Table::new(vec![
        Column::new("Column A", 1.0),
        Column::new("Column B", 3.0),
    ]);
    for n in 0..200 {
        table.row(vec![
            Cell::new(format!("row {n}")),
            Cell::new("some text that is long enough to wrap onto a second line in a narrow column of this table, maybe"),
        ]);
    }
    let mut layout = Layout::new();
    layout.table(&table);
    let pages = layout.finish("header", "right", "footer");
    assert!(pages.len() >= 4, "200 rows fit on {} pages", pages.len());
    let mut rows_seen = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let texts = texts(page);
        assert_eq!(
            texts[0],
            "Column A",
            "page {} starts with {:?}",
            index + 1,
            texts[0]
        );
        assert_eq!(texts[1], "Column B");
        rows_seen.extend(texts.iter().filter(|t| t.starts_with("row ")).cloned());
        assert!(texts.contains(&format!("Page {} of {}", index + 1, pages.len())));
    }
    let expected: Vec<String> = (0..200).map(|n| format!("row {n}")).collect();
    assert_eq!(rows_seen, expected);
}

#[test]
fn text_is_drawn_in_win_ansi_only() {
    let mut layout = Layout::new();
    layout.paragraph("Größe − 5 ≥ 3… 東京", layout::Style::BODY);
    let pages = layout.finish("h", "r", "f");
    let texts = texts(&pages[0]);
    assert_eq!(texts[0], "Größe - 5 >= 3... ??");
}
