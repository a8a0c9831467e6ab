//! `crypto.at_rest` (SPEC §16): per host, on its newest snapshot at or before the
//! period's end, the volumes not encrypted (a volume listed twice in one snapshot
//! counts once, its last row holding). A stale snapshot fails with an empty measured
//! value. Evidence: every volume of each host's snapshot; unencrypted ones (and every
//! row of a stale snapshot) offend.

use std::collections::BTreeMap;

use crate::checks::snapshots::{self, Origin};
use crate::checks::{frame, pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};

const COLUMNS: [&str; 7] = [
    columns::HOST,
    columns::VOLUME,
    columns::ENCRYPTED,
    columns::METHOD,
    columns::OBSERVED_AT,
    columns::PATH,
    columns::LINE,
];

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let Some(table) = ctx.tables.get(InputKind::DiskEncryption) else {
        return Ok(None);
    };
    let snapshots = snapshots::newest(ctx, table, "host")?;
    if snapshots.is_empty() {
        return Ok(None);
    }
    let volumes = frame::texts(table, "volume")?;
    let encrypted = frame::bools(table, "encrypted")?;
    let methods = frame::texts(table, "method")?;
    let origin = Origin::of(table)?;
    let mut output = CheckOutput::default();
    let mut evidence = EvidenceTable::new(&COLUMNS);
    for snapshot in &snapshots {
        // By volume, the last row read holding.
        let by_volume: BTreeMap<String, usize> = snapshot
            .rows
            .iter()
            .map(|&row| (volumes[row].clone().unwrap_or_default(), row))
            .collect();
        let plain: Vec<&str> = by_volume
            .iter()
            .filter(|(_, &row)| encrypted[row] != Some(true))
            .map(|(volume, _)| volume.as_str())
            .collect();
        let (status, measured, detail) = if snapshot.stale {
            (Status::Fail, None, snapshot.stale_detail())
        } else if plain.is_empty() {
            (
                Status::Pass,
                Some(0.0),
                format!("all {} encrypted", count(by_volume.len())),
            )
        } else {
            (
                pass_if(false),
                Some(plain.len() as f64),
                format!(
                    "{} of {} not encrypted: {}",
                    plain.len(),
                    count(by_volume.len()),
                    plain.join(", ")
                ),
            )
        };
        for (volume, &row) in &by_volume {
            let [path, line] = origin.cells(row);
            let offending = snapshot.stale || encrypted[row] != Some(true);
            evidence.push(
                vec![
                    Cell::Text(snapshot.subject.clone()),
                    Cell::Text(volume.clone()),
                    encrypted[row].map_or(Cell::Empty, |e| Cell::Text(e.to_string())),
                    Cell::Text(methods[row].clone().unwrap_or_default()),
                    Cell::Time(snapshot.observed_at),
                    path,
                    line,
                ],
                offending,
            );
        }
        output.findings.push(ctx.finding(
            CheckId::CryptoAtRest,
            &snapshot.subject,
            status,
            measured,
            Some(0.0),
            detail,
        ));
    }
    output.evidence = Some(evidence);
    Ok(Some(output))
}

fn count(volumes: usize) -> String {
    if volumes == 1 {
        "1 volume".to_string()
    } else {
        format!("{volumes} volumes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::snapshots::testing::{table, Col};
    use crate::checks::testing::{Fixture, H};

    #[test]
    fn a_volume_counts_once_and_a_stale_host_fails_without_a_figure() {
        let mut fixture = Fixture::day();
        let (now, old) = (
            fixture.period.end - H,
            fixture.period.end - fixture.policy.snapshot_max_age - H,
        );
        fixture.tables.insert(
            InputKind::DiskEncryption,
            table(vec![
                Col::Time(
                    "observed_at",
                    vec![Some(now), Some(now), Some(now), Some(old)],
                ),
                Col::Text("host", vec![Some("a"), Some("a"), Some("a"), Some("b")]),
                Col::Text(
                    "volume",
                    vec![Some("/"), Some("/data"), Some("/data"), Some("/")],
                ),
                Col::Bool(
                    "encrypted",
                    vec![Some(true), Some(true), Some(false), Some(true)],
                ),
                Col::Text("method", vec![None, None, None, None]),
            ]),
        );
        let output = run(&fixture.ctx()).expect("runs").expect("subjects");
        let found: Vec<(&str, Status, Option<f64>)> = output
            .findings
            .iter()
            .map(|f| (f.subject.as_str(), f.status, f.measured))
            .collect();
        // a's `/data` is listed twice: the last row (not encrypted) holds.
        assert_eq!(
            found,
            [("a", Status::Fail, Some(1.0)), ("b", Status::Fail, None)]
        );
        let evidence = output.evidence.expect("evidence");
        let offending: Vec<bool> = evidence.rows.iter().map(|r| r.offending).collect();
        assert_eq!(offending, [false, true, true]);
    }
}
