//! The trust page, `site/index.html` (SPEC §17): one static page, inline CSS and SVG,
//! no script, font or image from anywhere, readable offline in any browser. It shows
//! what the PDF shows, from the same assessment: the verdict, each service's
//! availability with a daily chart, incidents, maintenance (past and announced), the
//! backup and access figures, the Statement of Applicability in numbers, and how to
//! verify the pack. A due-diligence pack's page is the scoped, redacted assessment's.
//! It lays out the model's figures; it decides nothing.

use std::fmt::Write as _;

use crate::model::{Assessment, CheckId, ControlStatus, Status, Unit};
use crate::period::format_local;
use crate::time::format_duration;

/// HTML text escaping.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn percent(value: Option<f64>) -> String {
    value.map_or("–".to_string(), |v| {
        format!("{}%", Unit::Percent.format(v))
    })
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail | Status::Error => "fail",
        Status::Waived => "waived",
        Status::NotEvaluated => "none",
    }
}

const STYLE: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
.muted{color:#667}.verdict{display:inline-block;padding:.4rem 1rem;border-radius:.3rem;color:#fff;font-weight:700;font-size:1.3rem}
.verdict.pass{background:#2b7d4a;color:#fff}.verdict.fail{background:#bd3329;color:#fff}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ea}
th{background:#f3f5f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#2b7d4a}.fail{color:#bd3329}.waived{color:#b8860b}.none{color:#777}
svg{display:block;margin:.3rem 0 1rem}code,pre{background:#f3f5f8;padding:.1rem .3rem;border-radius:.2rem}pre{padding:.6rem;overflow-x:auto}
";

/// A bar per local day: its availability on an axis from the lowest value (at most
/// 99 %) to 100 %, red when the model says the day is below the target.
fn daily_svg(days: &[(String, Option<f64>)], below: &[bool], target: f64) -> String {
    let (width, height, top) = (720.0_f64, 90.0_f64, 6.0_f64);
    let low = days
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(99.0_f64, f64::min)
        .min(target)
        .max(0.0)
        .floor();
    let slot = width / days.len().max(1) as f64;
    let y = |v: f64| top + (height - top) * (1.0 - ((v - low) / (100.0 - low)).clamp(0.0, 1.0));
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\" role=\"img\" aria-label=\"daily availability\">",
        height + 16.0
    );
    let _ = write!(
        svg,
        "<rect x=\"0\" y=\"{top}\" width=\"{width}\" height=\"{}\" fill=\"#f3f5f8\"/>",
        height - top
    );
    for (i, (date, value)) in days.iter().enumerate() {
        let x = slot * i as f64 + slot * 0.15;
        match value {
            Some(v) => {
                let fill = if below.get(i).copied().unwrap_or(false) {
                    "#bd3329"
                } else {
                    "#5a87ad"
                };
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"><title>{} {}</title></rect>",
                    y(*v),
                    slot * 0.7,
                    (height - y(*v)).max(0.8),
                    esc(date),
                    percent(Some(*v))
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"3\" fill=\"#999\"><title>{} not measured</title></rect>",
                    height - 4.0,
                    slot * 0.7,
                    esc(date)
                );
            }
        }
        if i % 5 == 0 {
            let day = date
                .rsplit('-')
                .next()
                .unwrap_or("")
                .trim_start_matches('0');
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"9\" fill=\"#667\" text-anchor=\"middle\">{day}</text>",
                x + slot * 0.35,
                height + 12.0
            );
        }
    }
    let _ = write!(
        svg,
        "<line x1=\"0\" x2=\"{width}\" y1=\"{0:.1}\" y2=\"{0:.1}\" stroke=\"#222\" stroke-dasharray=\"4 3\"/><text x=\"{width}\" y=\"{1:.1}\" font-size=\"9\" text-anchor=\"end\" fill=\"#222\">target {target}%</text></svg>",
        y(target),
        y(target) - 2.0
    );
    svg
}

pub fn index(assessment: &Assessment) -> Vec<u8> {
    let tz = assessment.organisation.timezone;
    let org = esc(&assessment.organisation.name);
    let verdict = assessment.verdict();
    let (verdict_class, verdict_text) = if verdict.is_failing(false) {
        ("fail", "FAIL")
    } else {
        ("pass", "PASS")
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{org}: trust page {period}</title><style>{STYLE}</style>\
         <link rel=\"alternate\" type=\"application/atom+xml\" href=\"feed.atom\" title=\"Incidents and maintenance\"></head><body>\n",
        period = esc(&assessment.period.label)
    );
    let _ = write!(
        h,
        "<header><h1 id=\"organisation\">{org}</h1><p class=\"muted\">Operational evidence for {}{}, ISO/IEC 27001:2022 Annex A. Times are local ({}).</p>\
         <p>Overall: <span id=\"verdict\" class=\"verdict {verdict_class}\">{verdict_text}</span></p>",
        esc(&assessment.period.label),
        assessment
            .tenant
            .as_deref()
            .map(|t| format!(" for tenant {}", esc(t)))
            .unwrap_or_default(),
        tz.name()
    );
    let counts = assessment.counts();
    let parts: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", counts.get(*s), s.as_str()))
        .collect();
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} findings: {}. Subscribe: <a href=\"feed.atom\">incident and maintenance feed</a>, <a href=\"maintenance.ics\">maintenance calendar</a>.</p></header>",
        counts.total(),
        parts.join(", ")
    );

    h.push_str("<section id=\"availability\"><h2>Availability</h2>");
    if assessment.services.is_empty() {
        h.push_str("<p>No service was probed in the period.</p>");
    } else {
        let _ = write!(
            h,
            "<table><tr><th>Service</th><th>Availability</th><th>Target</th><th>Coverage</th><th>Down</th><th>Incidents</th><th>Last {} months</th></tr>",
            assessment.policy.trailing_months
        );
        for figure in assessment.service_figures() {
            let service = figure.service;
            let class = figure.status.map_or("none", status_class);
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num {class}\" data-service=\"{}\">{}</td><td class=\"num\">{}%</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&service.service),
                esc(&service.service),
                percent(service.availability),
                assessment.policy.uptime_target_percent,
                percent(service.coverage),
                format_duration(service.down_ms),
                service.incidents,
                percent(service.trailing.availability)
            );
        }
        h.push_str("</table>");
        for figure in assessment.service_figures() {
            let days: Vec<(String, Option<f64>)> = figure
                .service
                .daily
                .iter()
                .map(|d| (d.date.clone(), d.availability))
                .collect();
            let _ = write!(
                h,
                "<h3>{} by day</h3>{}",
                esc(&figure.service.service),
                daily_svg(
                    &days,
                    &figure.days_below_target,
                    assessment.policy.uptime_target_percent
                )
            );
        }
    }
    h.push_str("</section>\n<section id=\"incidents\"><h2>Incidents</h2>");
    if assessment.incidents.is_empty() {
        h.push_str("<p>No incidents in the period.</p>");
    } else {
        h.push_str("<table><tr><th>Service</th><th>Start</th><th>End</th><th>Duration</th></tr>");
        for incident in &assessment.incidents {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&incident.service),
                format_local(incident.start, tz),
                format_local(incident.end, tz),
                format_duration(incident.duration_ms())
            );
        }
        h.push_str("</table>");
    }
    h.push_str("</section>\n<section id=\"maintenance\"><h2>Maintenance</h2>");
    if assessment.maintenance.is_empty() {
        h.push_str("<p>No maintenance windows in the period.</p>");
    } else {
        h.push_str("<table><tr><th>Service</th><th>Start</th><th>End</th><th>Announced</th><th>Reference</th></tr>");
        for window in &assessment.maintenance {
            let announced = match window.announced_at {
                Some(at) if window.scheduled => format_local(at, tz),
                Some(at) => format!("{} (late)", format_local(at, tz)),
                None => "not announced".to_string(),
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(if window.service == "*" {
                    "every service"
                } else {
                    &window.service
                }),
                format_local(window.start, tz),
                format_local(window.end, tz),
                esc(&announced),
                esc(&window.reference)
            );
        }
        h.push_str("</table>");
    }
    h.push_str("</section>\n<section id=\"checks\"><h2>Backups, access and the other checks</h2><table><tr><th>Check</th><th>Subjects</th><th>Pass</th><th>Fail</th><th>Waived</th><th>Not evaluated</th></tr>");
    for check in CheckId::ALL {
        let rows = assessment.findings_of(check);
        let count = |s: Status| rows.iter().filter(|f| f.status == s).count();
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num pass\">{}</td><td class=\"num fail\">{}</td><td class=\"num waived\">{}</td><td class=\"num none\">{}</td></tr>",
            check.as_str(),
            rows.len(),
            count(Status::Pass),
            count(Status::Fail) + count(Status::Error),
            count(Status::Waived),
            count(Status::NotEvaluated)
        );
    }
    h.push_str("</table></section>\n<section id=\"soa\"><h2>Statement of Applicability</h2><table><tr><th>Theme</th><th>Controls</th>");
    for status in ControlStatus::ALL {
        let _ = write!(h, "<th>{}</th>", status.as_str().replace('_', " "));
    }
    h.push_str("</tr>");
    for theme in assessment.theme_counts() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"num\">{}</td>",
            esc(&theme.theme),
            theme.controls
        );
        for status in ControlStatus::ALL {
            let _ = write!(h, "<td class=\"num\">{}</td>", theme.get(status));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table></section>\n");
    let _ = writeln!(
        h,
        "<section id=\"verify\"><h2>Verify this pack</h2><p>Every file of the pack is listed with its SHA-256 in <code>SHA256SUMS</code>, which is signed in <code>SHA256SUMS.sig</code>. From the pack's directory:</p>\
         <pre>sha256sum -c SHA256SUMS\nssh-keygen -Y verify -f allowed_signers -I &lt;signer identity&gt; -n auditpack -s SHA256SUMS.sig &lt; SHA256SUMS</pre>\
         <p class=\"muted\">Generated by auditpack {} for {org}.</p></section>\n</body></html>",
        esc(assessment.tool_version)
    );
    h.into_bytes()
}
