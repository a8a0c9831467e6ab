//! SPEC §17: the trust page's `site/feed.atom` and `site/maintenance.ics`, read by
//! independent parsers (Python's `feedparser` and `icalendar`; `.ci/run` installs them):
//! one Atom entry per incident and per maintenance window, one VEVENT per window, and
//! ids and UIDs that do not change when the pack is made at another time. Without the
//! parsers the test says so and passes, except under CI (`CI` set).

mod common;

use std::path::Path;
use std::process::Command;

use common::{demo_report, have_python, read_csv};

const READ: &str = r#"
import sys, feedparser, icalendar
feed = feedparser.parse(open(sys.argv[1], "rb").read())
assert not feed.bozo, feed.bozo_exception
for e in feed.entries:
    print("entry", e.id, sep="\t")
cal = icalendar.Calendar.from_ical(open(sys.argv[2], "rb").read())
for event in cal.walk("VEVENT"):
    print("event", str(event["UID"]), event.decoded("DTSTART").isoformat(), sep="\t")
"#;

fn pack(dir: &Path, epoch: &str) -> std::path::PathBuf {
    demo_report(&dir.join(format!("pack-{epoch}")), epoch, &[])
}

fn parsed(pack: &Path) -> Vec<String> {
    let output = Command::new("python3")
        .args(["-c", READ])
        .arg(pack.join("site/feed.atom"))
        .arg(pack.join("site/maintenance.ics"))
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "a parser refused a feed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn feeds_parse_with_an_entry_per_event_and_ids_that_do_not_move() {
    if !have_python("feedparser, icalendar", "pip install feedparser icalendar") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let first = pack(dir.path(), "1793491200");
    let later = pack(dir.path(), "1796169600");
    let lines = parsed(&first);
    // A month later the same events carry the same ids.
    assert_eq!(lines, parsed(&later));
    let incidents = read_csv(&first.join("incidents.csv")).len();
    let windows = read_csv(&first.join("evidence/maintenance.notice.csv")).len();
    let entries = lines.iter().filter(|l| l.starts_with("entry\t")).count();
    let events = lines.iter().filter(|l| l.starts_with("event\t")).count();
    assert!(incidents > 0 && windows > 0);
    assert_eq!(entries, incidents + windows);
    assert_eq!(events, windows);
    // Every id once.
    let mut ids: Vec<&str> = lines.iter().filter_map(|l| l.split('\t').nth(1)).collect();
    ids.sort();
    let before = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), before);
}
