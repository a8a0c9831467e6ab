//! `access.password_policy` (SPEC §16): per password policy, on its newest snapshot at
//! or before the period's end, the requirements it lacks against `password_min_length`
//! (a minimum length below it, or none, is one) and `password_require` (each of
//! `upper`, `lower`, `digit`, `symbol` named there and not required is one). A stale
//! snapshot fails with an empty measured value. Evidence: the snapshot's row of each
//! policy with what it lacks.

use crate::checks::snapshots::{self, Origin};
use crate::checks::{frame, pass_if, CheckCtx, CheckOutput};
use crate::config::InputKind;
use crate::error::Error;
use crate::model::{columns, Cell, CheckId, EvidenceTable, Status};

const COLUMNS: [&str; 10] = [
    columns::POLICY,
    columns::OBSERVED_AT,
    columns::MIN_LENGTH,
    columns::REQUIRE_UPPER,
    columns::REQUIRE_LOWER,
    columns::REQUIRE_DIGIT,
    columns::REQUIRE_SYMBOL,
    columns::MISSING,
    columns::PATH,
    columns::LINE,
];

pub fn run(ctx: &CheckCtx<'_>) -> Result<Option<CheckOutput>, Error> {
    let Some(table) = ctx.tables.get(InputKind::PasswordPolicies) else {
        return Ok(None);
    };
    let snapshots = snapshots::newest(ctx, table, "policy")?;
    if snapshots.is_empty() {
        return Ok(None);
    }
    let min_lengths = frame::ints(table, "min_length")?;
    let require = |name: &str| frame::bools(table, &format!("require_{name}"));
    let flags = [
        ("upper", require("upper")?),
        ("lower", require("lower")?),
        ("digit", require("digit")?),
        ("symbol", require("symbol")?),
    ];
    let origin = Origin::of(table)?;
    let policy = ctx.policy;
    let mut output = CheckOutput::default();
    let mut evidence = EvidenceTable::new(&COLUMNS);
    for snapshot in &snapshots {
        // One row a policy a snapshot; should a tool write two, the last one read holds.
        let Some(&row) = snapshot.rows.last() else {
            continue;
        };
        let mut missing: Vec<String> = Vec::new();
        match min_lengths[row] {
            Some(length) if length >= i64::from(policy.password_min_length) => {}
            Some(length) => missing.push(format!(
                "minimum length {length} < {}",
                policy.password_min_length
            )),
            None => missing.push(format!(
                "no minimum length (at least {})",
                policy.password_min_length
            )),
        }
        for (name, values) in &flags {
            if policy.password_require.iter().any(|r| r == name) && values[row] != Some(true) {
                missing.push(format!("{} not required", class(name)));
            }
        }
        let (status, measured, detail) = if snapshot.stale {
            (Status::Fail, None, snapshot.stale_detail())
        } else if missing.is_empty() {
            (
                Status::Pass,
                Some(0.0),
                format!(
                    "meets minimum length {} and requires {}",
                    policy.password_min_length,
                    requirements(&policy.password_require)
                ),
            )
        } else {
            (
                pass_if(false),
                Some(missing.len() as f64),
                format!("lacks: {}", missing.join("; ")),
            )
        };
        let flag = |i: usize| flags[i].1[row].map_or(Cell::Empty, |v| Cell::Text(v.to_string()));
        let [path, line] = origin.cells(row);
        evidence.push(
            vec![
                Cell::Text(snapshot.subject.clone()),
                Cell::Time(snapshot.observed_at),
                min_lengths[row].map_or(Cell::Empty, |l| Cell::Count(l.max(0) as u64)),
                flag(0),
                flag(1),
                flag(2),
                flag(3),
                Cell::Text(if snapshot.stale {
                    snapshot.stale_detail()
                } else {
                    missing.join("; ")
                }),
                path,
                line,
            ],
            status == Status::Fail,
        );
        output.findings.push(ctx.finding(
            CheckId::AccessPasswordPolicy,
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

/// A character class as people name it.
fn class(name: &str) -> &str {
    match name {
        "upper" => "upper case",
        "lower" => "lower case",
        other => other,
    }
}

/// `upper, lower, symbol characters`.
fn requirements(required: &[String]) -> String {
    if required.is_empty() {
        return "no character classes".to_string();
    }
    format!("{} characters", required.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::snapshots::testing::{table, Col};
    use crate::checks::testing::{Fixture, H};

    #[test]
    fn the_minimum_met_exactly_passes_and_each_missing_rule_counts() {
        let mut fixture = Fixture::day();
        let at = fixture.period.end - H;
        let length = i64::from(fixture.policy.password_min_length);
        fixture.tables.insert(
            InputKind::PasswordPolicies,
            table(vec![
                Col::Time("observed_at", vec![Some(at); 3]),
                Col::Text("policy", vec![Some("exact"), Some("short"), Some("bare")]),
                Col::Int("min_length", vec![Some(length), Some(length - 1), None]),
                Col::Bool("require_upper", vec![Some(true), Some(true), None]),
                Col::Bool("require_lower", vec![Some(true), Some(true), None]),
                Col::Bool("require_digit", vec![None, None, None]),
                Col::Bool("require_symbol", vec![Some(true), Some(false), None]),
            ]),
        );
        let output = run(&fixture.ctx()).expect("runs").expect("subjects");
        let found: Vec<(&str, Status, Option<f64>)> = output
            .findings
            .iter()
            .map(|f| (f.subject.as_str(), f.status, f.measured))
            .collect();
        // Defaults: length 12; upper, lower, symbol. `bare` lacks all four.
        assert_eq!(
            found,
            [
                ("bare", Status::Fail, Some(4.0)),
                ("exact", Status::Pass, Some(0.0)),
                ("short", Status::Fail, Some(2.0)),
            ]
        );
    }
}
