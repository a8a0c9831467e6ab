//! `backup.encryption` (SPEC §7): per source, the successful backups finishing in the
//! period that are not encrypted; one without an `encrypted` value is not known to be
//! encrypted and counts. A source without a successful backup in the period is
//! `not_evaluated`.

use super::{Backup, Backups};
use crate::checks::{CheckCtx, CheckOutput};
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let backups = ctx.family::<Backups>()?;
    if backups.sources.is_empty() {
        return Ok(None);
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for source in &backups.sources {
        let successes: Vec<&Backup> = source.successes().collect();
        let unencrypted = unencrypted(&successes, ctx);
        let checked = successes
            .iter()
            .filter(|b| b.finished >= ctx.period.start)
            .count();
        let unknown = unencrypted.iter().filter(|b| b.encrypted.is_none()).count();
        let detail = match (checked, unencrypted.len(), unknown) {
            (0, _, _) => "no successful backup in the period".to_string(),
            (n, 0, _) => format!("all {n} successful backups in the period are encrypted"),
            (n, bad, 0) => format!("{bad} of {n} successful backups in the period are not encrypted"),
            (n, bad, unknown) => format!(
                "{bad} of {n} successful backups in the period are not known to be encrypted ({unknown} without an `encrypted` value)"
            ),
        };
        let status = if checked > 0 && unencrypted.is_empty() {
            Status::Pass
        } else if checked == 0 {
            Status::NotEvaluated
        } else {
            Status::Fail
        };
        output.findings.push(ctx.finding(
            CheckId::BackupEncryption,
            &source.name,
            status,
            (checked > 0).then_some(unencrypted.len() as f64),
            Some(0.0),
            detail,
        ));
        for b in &unencrypted {
            rows.push(vec![
                Cell::Text(source.name.clone()),
                Cell::Time(b.started),
                Cell::Time(b.finished),
                Cell::Text(b.snapshot.clone()),
                Cell::Text(b.repository.clone()),
                Cell::Text(b.encrypted.map_or(String::new(), |e| e.to_string())),
                Cell::Text(b.path.clone()),
                Cell::Count(b.line),
            ]);
        }
    }
    output.evidence = Some(EvidenceTable::unjudged(
        &[
            columns::SOURCE,
            columns::STARTED_AT,
            columns::FINISHED_AT,
            columns::SNAPSHOT_ID,
            columns::REPOSITORY,
            columns::ENCRYPTED,
            columns::PATH,
            columns::LINE,
        ],
        rows,
    ));
    Ok(Some(output))
}

/// The successful backups finishing in the period not known to be encrypted.
pub(super) fn unencrypted<'b>(successes: &[&'b Backup], ctx: &CheckCtx<'_>) -> Vec<&'b Backup> {
    successes
        .iter()
        .copied()
        .filter(|b| b.finished >= ctx.period.start && b.encrypted != Some(true))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::checks::backup::testing::{backup, run_check, H};
    use crate::model::Status;

    #[test]
    fn unencrypted_and_unknown_backups_in_the_period_count() {
        let (_, mut plain) = backup("s", 2 * H);
        plain.encrypted = Some(false);
        let (_, mut unknown) = backup("s", 3 * H);
        unknown.encrypted = None;
        let (_, mut before) = backup("s", -2 * H);
        before.encrypted = Some(false); // Before the period: not counted.
        let rows = vec![
            ("s".to_string(), plain),
            ("s".to_string(), unknown),
            ("s".to_string(), before),
            backup("s", 4 * H),
            backup("ok", 4 * H),
            backup("old", -4 * H),
        ];
        let findings = run_check(super::run, rows, vec![]);
        let by = |s: &str| findings.iter().find(|f| f.subject == s).expect("row");
        assert_eq!(
            (by("s").measured, by("s").status),
            (Some(2.0), Status::Fail)
        );
        assert!(by("s").detail.contains("2 of 3"), "{}", by("s").detail);
        assert_eq!(
            (by("ok").measured, by("ok").status),
            (Some(0.0), Status::Pass)
        );
        assert_eq!(
            (by("old").measured, by("old").status),
            (None, Status::NotEvaluated)
        );
    }
}
