//! `crypto.in_transit` (SPEC §16): per endpoint, on its newest snapshot at or before the
//! period's end, the protocols older than `tls_min_version` it accepted, plus one when
//! its certificate expires within `cert_min_days_left` of the period's end (fewer than
//! that many days left, or already expired; of several certificate dates in one
//! snapshot the earliest counts). A stale snapshot fails with an empty measured value.
//! Evidence: the snapshot's rows; accepted old protocols, the certificate row when
//! short, and every row of a stale snapshot offend.

use std::collections::BTreeMap;

use crate::checks::snapshots::{self, Origin};
use crate::checks::{frame, pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::error::Error;
use crate::ingest::schema::TLS_PROTOCOLS;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Millis, Status};
use crate::period::format_utc;
use crate::time::DAY;

const COLUMNS: [&str; 7] = [
    columns::ENDPOINT,
    columns::PROTOCOL,
    columns::ACCEPTED,
    columns::CERT_NOT_AFTER,
    columns::OBSERVED_AT,
    columns::PATH,
    columns::LINE,
];

/// The canonical spelling of each protocol, in [`TLS_PROTOCOLS`]' order (SPEC §16).
const NAMES: [&str; 6] = ["SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/// The position of a canonical protocol in [`TLS_PROTOCOLS`] (oldest first); the table
/// keeps the case the file wrote.
fn rank(protocol: &str) -> Option<usize> {
    let lower = protocol.to_ascii_lowercase();
    TLS_PROTOCOLS.iter().position(|p| *p == lower)
}

/// A protocol as SPEC §16 spells it.
fn canonical(protocol: &str) -> String {
    rank(protocol).map_or_else(|| protocol.to_string(), |r| NAMES[r].to_string())
}

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let Some(table) = ctx.tables.get(InputKind::TlsEndpoints) else {
        return Ok(None);
    };
    let snapshots = snapshots::newest(ctx, table, "endpoint")?;
    if snapshots.is_empty() {
        return Ok(None);
    }
    let protocols = frame::texts(table, "protocol")?;
    let accepted = frame::bools(table, "accepted")?;
    let not_after = frame::times(table, "cert_not_after")?;
    let origin = Origin::of(table)?;
    let policy = ctx.policy;
    // `tls_min_version` is `1.0` … `1.3` (config validates it).
    let minimum = rank(&format!("tlsv{}", policy.tls_min_version)).unwrap_or(4);
    let short_before: Millis = ctx.period.end + policy.cert_min_days_left;
    let mut output = CheckOutput::default();
    let mut evidence = EvidenceTable::new(&COLUMNS);
    for snapshot in &snapshots {
        // Protocols by rank (each counted once), accepted if any row says so.
        let mut old: BTreeMap<usize, String> = BTreeMap::new();
        let mut certificate: Option<Millis> = None;
        for &row in &snapshot.rows {
            if let Some(protocol) = &protocols[row] {
                let below = rank(protocol).is_some_and(|r| r < minimum);
                if below && accepted[row] == Some(true) {
                    if let Some(r) = rank(protocol) {
                        old.insert(r, canonical(protocol));
                    }
                }
            }
            if let Some(at) = not_after[row] {
                certificate = Some(certificate.map_or(at, |c: Millis| c.min(at)));
            }
        }
        let short = certificate.filter(|&at| at < short_before);
        let measured = old.len() + usize::from(short.is_some());
        let (status, value, detail) = if snapshot.stale {
            (Status::Fail, None, snapshot.stale_detail())
        } else {
            let mut parts: Vec<String> = Vec::new();
            if old.is_empty() {
                parts.push(format!(
                    "no protocol older than TLS {} accepted",
                    policy.tls_min_version
                ));
            } else {
                let names: Vec<&str> = old.values().map(String::as_str).collect();
                parts.push(format!("accepts {}", names.join(", ")));
            }
            match certificate {
                Some(at) => {
                    let days = (at - ctx.period.end) as f64 / DAY as f64;
                    parts.push(format!(
                        "certificate valid until {} ({days:.2} days after the period end{})",
                        format_utc(at),
                        if short.is_some() {
                            format!(
                                ", fewer than {:.0}",
                                policy.cert_min_days_left as f64 / DAY as f64
                            )
                        } else {
                            String::new()
                        }
                    ));
                }
                None => parts.push("no certificate date in the snapshot".to_string()),
            }
            (
                pass_if(measured == 0),
                Some(measured as f64),
                parts.join("; "),
            )
        };
        for &row in &snapshot.rows {
            let protocol = protocols[row].as_deref().map(canonical);
            let old_accepted = protocol
                .as_deref()
                .and_then(rank)
                .is_some_and(|r| r < minimum && accepted[row] == Some(true));
            let short_row = not_after[row].is_some_and(|at| at < short_before);
            let [path, line] = origin.cells(row);
            evidence.push(
                vec![
                    Cell::Text(snapshot.subject.clone()),
                    Cell::Text(protocol.unwrap_or_default()),
                    accepted[row].map_or(Cell::Empty, |a| Cell::Text(a.to_string())),
                    not_after[row].map_or(Cell::Empty, Cell::Time),
                    Cell::Time(snapshot.observed_at),
                    path,
                    line,
                ],
                snapshot.stale || old_accepted || short_row,
            );
        }
        output.findings.push(ctx.finding(
            CheckId::CryptoInTransit,
            &snapshot.subject,
            status,
            value,
            Some(0.0),
            detail,
        ));
    }
    output.evidence = Some(evidence);
    Ok(Some(output))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::snapshots::testing::{table, Col};
    use crate::checks::testing::{Fixture, H};

    /// A scan row: endpoint, protocol, accepted, certificate expiry.
    type Scan = (
        &'static str,
        Option<&'static str>,
        Option<bool>,
        Option<Millis>,
    );

    fn run_on(fixture: &mut Fixture, rows: Vec<Scan>) -> Vec<(String, Status, Option<f64>)> {
        let at = fixture.period.end - H;
        let frame = table(vec![
            Col::Time("observed_at", vec![Some(at); rows.len()]),
            Col::Text("endpoint", rows.iter().map(|r| Some(r.0)).collect()),
            Col::Text("protocol", rows.iter().map(|r| r.1).collect()),
            Col::Bool("accepted", rows.iter().map(|r| r.2).collect()),
            Col::Time("cert_not_after", rows.iter().map(|r| r.3).collect()),
        ]);
        fixture.tables.insert(InputKind::TlsEndpoints, frame);
        let output = run(&fixture.ctx()).expect("runs").expect("subjects");
        output
            .findings
            .into_iter()
            .map(|f| (f.subject, f.status, f.measured))
            .collect()
    }

    #[test]
    fn old_protocols_count_once_and_a_certificate_exactly_at_the_limit_passes() {
        let mut fixture = Fixture::day();
        let limit = fixture.period.end + fixture.policy.cert_min_days_left;
        let found = run_on(
            &mut fixture,
            vec![
                // Written in any case; accepted twice, counted once; refused: not counted.
                ("a:443", Some("tlsv1.0"), Some(true), None),
                ("a:443", Some("TLSv1.0"), Some(true), None),
                ("a:443", Some("tlsv1.1"), Some(false), None),
                ("a:443", Some("tlsv1.2"), Some(true), Some(limit)),
                // A millisecond short of the limit: one more.
                ("b:443", Some("tlsv1.3"), Some(true), Some(limit - 1)),
                // Two certificate dates: the earliest counts.
                ("c:443", None, None, Some(limit + DAY)),
                ("c:443", None, None, Some(limit - DAY)),
            ],
        );
        assert_eq!(
            found,
            [
                ("a:443".to_string(), Status::Fail, Some(1.0)),
                ("b:443".to_string(), Status::Fail, Some(1.0)),
                ("c:443".to_string(), Status::Fail, Some(1.0)),
            ]
        );
    }

    #[test]
    fn tls_min_version_decides_what_is_old() {
        let mut fixture = Fixture::day();
        fixture.policy.tls_min_version = "1.3".to_string();
        let found = run_on(
            &mut fixture,
            vec![
                ("a:443", Some("tlsv1.2"), Some(true), None),
                ("b:443", Some("tlsv1.3"), Some(true), None),
            ],
        );
        assert_eq!(
            found,
            [
                ("a:443".to_string(), Status::Fail, Some(1.0)),
                ("b:443".to_string(), Status::Pass, Some(0.0)),
            ]
        );
    }

    #[test]
    fn no_input_or_no_snapshot_by_the_end_has_no_subject() {
        let fixture = Fixture::day();
        assert!(run(&fixture.ctx()).expect("runs").is_none());
        let mut fixture = Fixture::day();
        let after = fixture.period.end + H;
        fixture.tables.insert(
            InputKind::TlsEndpoints,
            table(vec![
                Col::Time("observed_at", vec![Some(after)]),
                Col::Text("endpoint", vec![Some("a:443")]),
                Col::Text("protocol", vec![Some("tlsv1.0")]),
                Col::Bool("accepted", vec![Some(true)]),
                Col::Time("cert_not_after", vec![None]),
            ]),
        );
        assert!(run(&fixture.ctx()).expect("runs").is_none());
    }
}
