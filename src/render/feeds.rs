//! The trust page's feeds (SPEC §17): `site/feed.atom` (RFC 4287), an entry per incident
//! and per maintenance window, and `site/maintenance.ics` (RFC 5545), a VEVENT per
//! window, so a customer can subscribe. An entry's id and an event's UID are derived
//! from the event alone (organisation, service, start, end, reference), never from when
//! the pack was made, so next month's feed repeats them and a reader shows each event
//! once. They lay out the model's incidents and windows; they decide nothing.

use crate::digest::name_uuid;
use crate::model::{Assessment, Incident, MaintenanceWindow, Millis};
use crate::period::format_utc;
use crate::time::format_duration;

fn incident_id(assessment: &Assessment, incident: &Incident) -> String {
    name_uuid(&format!(
        "{}|incident|{}|{}",
        assessment.organisation.name, incident.service, incident.start
    ))
}

fn window_id(assessment: &Assessment, window: &MaintenanceWindow) -> String {
    name_uuid(&format!(
        "{}|maintenance|{}|{}|{}|{}",
        assessment.organisation.name, window.service, window.start, window.end, window.reference
    ))
}

fn service_name(service: &str) -> &str {
    if service == "*" {
        "every service"
    } else {
        service
    }
}

/// XML text and attribute escaping.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `feed.atom`: incidents and maintenance windows, newest first.
pub fn atom(assessment: &Assessment) -> Vec<u8> {
    struct Entry {
        id: String,
        title: String,
        published: Millis,
        updated: Millis,
        summary: String,
    }
    let tz = assessment.organisation.timezone;
    let mut entries: Vec<Entry> = Vec::new();
    for incident in &assessment.incidents {
        entries.push(Entry {
            id: incident_id(assessment, incident),
            title: format!(
                "{} down for {}",
                incident.service,
                format_duration(incident.duration_ms())
            ),
            published: incident.start,
            updated: incident.end,
            summary: format!(
                "{} was down from {} to {} ({}); locations reporting down: {}.",
                incident.service,
                crate::period::format_local(incident.start, tz),
                crate::period::format_local(incident.end, tz),
                format_duration(incident.duration_ms()),
                incident.locations.join(", ")
            ),
        });
    }
    for window in &assessment.maintenance {
        let notice = match window.announced_at {
            Some(at) if window.scheduled => {
                format!("announced {}", crate::period::format_local(at, tz))
            }
            Some(at) => format!("announced late, {}", crate::period::format_local(at, tz)),
            None => "not announced".to_string(),
        };
        entries.push(Entry {
            id: window_id(assessment, window),
            title: format!(
                "Maintenance of {}: {}",
                service_name(&window.service),
                crate::period::format_local(window.start, tz)
            ),
            published: window.announced_at.unwrap_or(window.start),
            updated: window
                .announced_at
                .unwrap_or(window.start)
                .max(window.start),
            summary: format!(
                "Maintenance of {} from {} to {}; {}{}.",
                service_name(&window.service),
                crate::period::format_local(window.start, tz),
                crate::period::format_local(window.end, tz),
                notice,
                if window.reference.is_empty() {
                    String::new()
                } else {
                    format!("; reference {}", window.reference)
                }
            ),
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(assessment.period.end);
    let feed_id = name_uuid(&format!("{}|feed", assessment.organisation.name));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <id>urn:uuid:{feed_id}</id>\n"));
    out.push_str(&format!(
        "  <title>{}: incidents and maintenance</title>\n",
        xml(&assessment.organisation.name)
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", format_utc(updated)));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml(&assessment.organisation.name)
    ));
    out.push_str("  <link rel=\"self\" href=\"feed.atom\"/>\n");
    out.push_str("  <link rel=\"alternate\" href=\"index.html\"/>\n");
    for entry in &entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>urn:uuid:{}</id>\n", entry.id));
        out.push_str(&format!("    <title>{}</title>\n", xml(&entry.title)));
        out.push_str(&format!(
            "    <published>{}</published>\n",
            format_utc(entry.published)
        ));
        out.push_str(&format!(
            "    <updated>{}</updated>\n",
            format_utc(entry.updated)
        ));
        out.push_str(&format!("    <summary>{}</summary>\n", xml(&entry.summary)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out.into_bytes()
}

/// RFC 5545 TEXT escaping.
fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// `20261022T030000Z`.
fn ics_time(ms: Millis) -> String {
    format_utc(ms - ms.rem_euclid(1000))
        .replace(['-', ':'], "")
        .replace(".000", "")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
    out
}

/// `maintenance.ics`: every maintenance window, scheduled or not.
pub fn ics(assessment: &Assessment) -> Vec<u8> {
    let tz = assessment.organisation.timezone;
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//auditpack//maintenance//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!(
        "X-WR-CALNAME:{}",
        ics_text(&format!("{} maintenance", assessment.organisation.name))
    )));
    for window in &assessment.maintenance {
        let status = if window.scheduled {
            "announced in time"
        } else if window.announced_at.is_some() {
            "announced late"
        } else {
            "not announced"
        };
        let lines = [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}@auditpack", window_id(assessment, window)),
            format!(
                "DTSTAMP:{}",
                ics_time(window.announced_at.unwrap_or(window.start))
            ),
            format!("DTSTART:{}", ics_time(window.start)),
            format!("DTEND:{}", ics_time(window.end)),
            format!(
                "SUMMARY:{}",
                ics_text(&format!("Maintenance: {}", service_name(&window.service)))
            ),
            format!(
                "DESCRIPTION:{}",
                ics_text(&format!(
                    "{} from {} to {} ({status}){}",
                    service_name(&window.service),
                    crate::period::format_local(window.start, tz),
                    crate::period::format_local(window.end, tz),
                    if window.reference.is_empty() {
                        String::new()
                    } else {
                        format!("; reference {}", window.reference)
                    }
                ))
            ),
            "TRANSP:OPAQUE".to_string(),
            "END:VEVENT".to_string(),
        ];
        for line in lines {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_and_times_are_basic_utc() {
        let long = "X".repeat(160);
        let folded = fold(&long);
        let lines: Vec<&str> = folded.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1].starts_with(' ') && lines[1].len() == 75);
        assert_eq!(ics_time(1_792_638_000_000), "20261022T030000Z");
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
