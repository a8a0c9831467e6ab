//! SPEC §17: `oscal/assessment-results.json` is OSCAL 1.1.x that compliance-trestle 3.x
//! (PyPI; `.ci/run` installs it) reads, and its findings agree with `findings.csv` row
//! for row. Without trestle the test says so and passes, except under CI (`CI` set),
//! where it fails.

mod common;

use std::process::Command;

use common::{demo_report, have_python, read_csv};

/// Reads the file with trestle's model and prints each finding as
/// `check<TAB>subject<TAB>state`, in order.
const READ: &str = r#"
import pathlib, sys
from trestle.oscal.assessment_results import AssessmentResults
ar = AssessmentResults.oscal_read(pathlib.Path(sys.argv[1]))
assert len(ar.results) == 1
result = ar.results[0]
by_uuid = {o.uuid: o for o in result.observations}
for f in result.findings:
    o = by_uuid[f.related_observations[0].observation_uuid]
    props = {p.name: p.value for p in o.props}
    print(props["check"], props["subject"], f.target.status.state.value, sep="\t")
methods = sorted({m for o in result.observations for m in o.methods})
print("methods", ",".join(methods), sep="\t")
"#;

#[test]
fn trestle_reads_the_oscal_file_and_its_findings_are_the_findings_csv_rows() {
    if !have_python(
        "trestle.oscal.assessment_results",
        "pip install 'compliance-trestle>=3.3,<4'",
    ) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = demo_report(&dir.path().join("pack"), "1793491200", &[]);
    let oscal = out.join("oscal/assessment-results.json");
    let read = Command::new("python3")
        .args(["-c", READ])
        .arg(&oscal)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&read.stdout);
    assert!(
        read.status.success(),
        "trestle refused the file: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    let mut lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.pop(), Some("methods\tEXAMINE,TEST"), "{stdout}");
    let expected: Vec<String> = read_csv(&out.join("findings.csv"))
        .iter()
        .map(|row| {
            let state = if row["status"] == "pass" {
                "satisfied"
            } else {
                "not-satisfied"
            };
            format!("{}\t{}\t{state}", row["check_id"], row["subject"])
        })
        .collect();
    assert_eq!(lines, expected);
    // In the manifest, so `verify` and sha256sum cover it.
    let sums = std::fs::read_to_string(out.join("SHA256SUMS")).expect("SHA256SUMS");
    assert!(sums.contains("  oscal/assessment-results.json\n"), "{sums}");
}
