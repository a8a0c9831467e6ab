//! `logging.integrity` (SPEC §4, §7): per audit file, the `prev_hash` mismatches — a
//! link that does not hash the previous line's raw bytes, or a line without a
//! `prev_hash` in a file that carries the column. A file without the column is
//! `not_evaluated`. The links are judged while the file is read.

use crate::checks::audit::AuditFacts;
use crate::checks::{pass_if, CheckCtx, CheckOutput};
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};

pub fn run(facts: &AuditFacts, ctx: &CheckCtx<'_>) -> Option<CheckOutput> {
    if facts.chains.is_empty() {
        return None;
    }
    let mut output = CheckOutput::default();
    let mut rows = Vec::new();
    for (file, chain) in &facts.chains {
        if !chain.carries {
            output.findings.push(ctx.finding(
                CheckId::LoggingIntegrity,
                file,
                Status::NotEvaluated,
                None,
                Some(0.0),
                "the file carries no prev_hash chain".to_string(),
            ));
            continue;
        }
        let mut problems: Vec<(u64, String)> = chain.broken.clone();
        problems.extend(
            chain
                .absent
                .iter()
                .flat_map(|&(first, last)| first..=last)
                .map(|line| (line, "no prev_hash".to_string())),
        );
        problems.sort();
        let count = problems.len();
        let detail = match problems.first() {
            None => format!("all {} links of the chain hold", chain.count),
            Some((line, _)) => format!(
                "{count} broken links of {}; the first at line {line}",
                chain.count
            ),
        };
        output.findings.push(ctx.finding(
            CheckId::LoggingIntegrity,
            file,
            pass_if(count == 0),
            Some(count as f64),
            Some(0.0),
            detail,
        ));
        rows.extend(problems.into_iter().map(|(line, reason)| {
            vec![
                Cell::Text(file.clone()),
                Cell::Count(line),
                Cell::Text(reason),
            ]
        }));
    }
    // Only broken links are listed: every row offends.
    output.evidence = Some(EvidenceTable::offending(
        &[columns::FILE, columns::LINE, columns::REASON],
        rows,
    ));
    Some(output)
}

#[cfg(test)]
mod tests {
    use crate::checks::testing::{flags, Fixture};
    use crate::ingest::audit::ChainLinks;

    #[test]
    fn every_row_offends_only_broken_links_are_listed() {
        let fixture = Fixture::day();
        let mut facts = fixture.audit_facts();
        let chain = ChainLinks {
            count: 6,
            carries: true,
            broken: vec![(3, "prev_hash mismatch".to_string())],
            absent: vec![(5, 6)],
        };
        facts.chains.insert("audit.ndjson".to_string(), chain);
        let output = super::run(&facts, &fixture.ctx()).expect("subjects");
        assert_eq!(flags(&output), [true, true, true]);
    }
}
