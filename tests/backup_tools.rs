//! Backups from the real tools: the test makes restic and borg repositories, takes
//! snapshots at chosen times, exports their JSON, and checks the figures auditpack
//! derives (SPEC §7 "Backups, exactly"). `.ci/run` installs restic and borgbackup;
//! elsewhere, without them, the test says so and does nothing (under CI it fails).

mod common;

use std::path::Path;
use std::process::Command;

use common::{auditpack, read_csv, SOURCE_DATE_EPOCH};

fn have(tool: &str, version_argument: &str) -> bool {
    let found = Command::new(tool)
        .arg(version_argument)
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is required under CI (.ci/run installs it)"
        );
        eprintln!("skipping: {tool} is not installed (apt-get install restic borgbackup)");
    }
    found
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command.output().expect("run the backup tool");
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn restic(repo: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("restic");
    command
        .arg("-r")
        .arg(repo)
        .arg("-q")
        .args(args)
        .env("RESTIC_PASSWORD", "test-only")
        .env("TZ", "UTC");
    command
}

fn borg(args: &[&str], tz: &str) -> Command {
    let mut command = Command::new("borg");
    command
        .args(args)
        .env("BORG_PASSPHRASE", "test-only")
        .env("BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes")
        .env("BORG_RELOCATED_REPO_ACCESS_IS_OK", "yes")
        .env("TZ", tz);
    command
}

/// A restic repository with a snapshot at each of `times` (UTC, `YYYY-MM-DD HH:MM:SS`).
fn restic_repository(dir: &Path, name: &str, data: &Path, times: &[&str]) -> std::path::PathBuf {
    let repo = dir.join(name);
    run(&mut restic(&repo, &["init"]));
    for (i, time) in times.iter().enumerate() {
        std::fs::write(data.join("db.dump"), format!("{name} {i}")).expect("write data");
        run(restic(&repo, &["backup", "--host", "db-01", "--time", time]).arg(data));
    }
    let json = run(&mut restic(&repo, &["snapshots", "--json"]));
    let out = dir.join(format!("{name}.json"));
    std::fs::write(&out, json).expect("write json");
    out
}

#[test]
fn figures_from_real_restic_and_borg_output() {
    if !(have("restic", "version") && have("borg", "--version")) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");

    // db: every 4 h, but 10:00 → 19:00 on 2 October is a 9-hour gap.
    let primary = restic_repository(
        dir.path(),
        "db-primary",
        &data,
        &[
            "2026-09-30 22:00:00",
            "2026-10-01 02:00:00",
            "2026-10-01 06:00:00",
            "2026-10-01 10:00:00",
            "2026-10-01 14:00:00",
            "2026-10-01 18:00:00",
            "2026-10-01 22:00:00",
            "2026-10-02 02:00:00",
            "2026-10-02 06:00:00",
            "2026-10-02 10:00:00",
            "2026-10-02 19:00:00",
            "2026-10-02 23:00:00",
            "2026-10-03 03:00:00",
            "2026-10-03 07:00:00",
            "2026-10-03 11:00:00",
            "2026-10-03 15:00:00",
            "2026-10-03 19:00:00",
            "2026-10-03 23:00:00",
        ],
    );
    // db offsite: daily at noon, but not on 2 October.
    let offsite = restic_repository(
        dir.path(),
        "db-offsite",
        &data,
        &[
            "2026-09-30 12:00:00",
            "2026-10-01 12:00:00",
            "2026-10-03 12:00:00",
        ],
    );
    // files: an unencrypted borg repository, daily at 06:00 UTC, listed in Melbourne time.
    let repo = dir.path().join("files-borg");
    run(borg(&["init", "-e", "none"], "UTC").arg(&repo));
    for day in 1..=3 {
        std::fs::write(data.join("db.dump"), format!("files {day}")).expect("write data");
        let archive = format!("{}::files-{day}", repo.display());
        let timestamp = format!("2026-10-0{day}T06:00:00");
        run(borg(&["create", "--timestamp", &timestamp, &archive], "UTC").arg(&data));
    }
    let files = dir.path().join("files.borg.json");
    std::fs::write(
        &files,
        run(borg(&["list", "--json"], "Australia/Melbourne").arg(&repo)),
    )
    .expect("write json");

    std::fs::write(
        dir.path().join("restore_tests.csv"),
        "source,tested_at,outcome\ndb,2026-06-01T00:00:00Z,success\nfiles,2026-10-02T12:00:00Z,success\n",
    )
    .expect("write restore tests");
    let config = format!(
        "[organisation]\nname = \"Real tools\"\ntimezone = \"UTC\"\nprimary_region = \"au-southeast-1\"\n\
         [[input]]\nkind = \"backups\"\nformat = \"restic\"\npath = \"{}\"\nsource = \"db\"\nrepository = \"db-primary\"\nregion = \"au-southeast-1\"\n\
         [[input]]\nkind = \"backups\"\nformat = \"restic\"\npath = \"{}\"\nsource = \"db\"\nrepository = \"db-offsite\"\nregion = \"au-southwest-1\"\n\
         [[input]]\nkind = \"backups\"\nformat = \"borg\"\npath = \"{}\"\nsource = \"files\"\nregion = \"au-southeast-1\"\ntimezone = \"Australia/Melbourne\"\n\
         [[input]]\nkind = \"restore_tests\"\nformat = \"csv\"\npath = \"restore_tests.csv\"\n",
        primary.display(),
        offsite.display(),
        files.display()
    );
    let config_path = dir.path().join("auditpack.toml");
    std::fs::write(&config_path, config).expect("write config");
    let pack = dir.path().join("pack");
    let output = auditpack(
        &[
            "report",
            "--config",
            config_path.to_str().expect("utf-8"),
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-03",
            "--out",
            pack.to_str().expect("utf-8"),
        ],
        &[("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)],
    );
    assert_eq!(output.code, 0, "{}", output.stderr);
    let findings = read_csv(&pack.join("findings.csv"));
    // The period is 2026-10-01T00:00Z to 2026-10-04T00:00Z (72 h).
    let expected = [
        ("backup.rpo", "db", "9.00", "fail"),
        ("backup.offsite", "db", "48.00", "fail"),
        ("backup.encryption", "db", "0", "pass"),
        ("backup.retention", "db", "3.50", "fail"),
        ("backup.restore_test", "db", "125.00", "fail"),
        ("backup.rpo", "files", "24.00", "fail"),
        ("backup.offsite", "files", "72.00", "fail"),
        ("backup.encryption", "files", "3", "fail"),
        ("backup.retention", "files", "2.75", "fail"),
        ("backup.restore_test", "files", "1.50", "pass"),
    ];
    common::assert_figures(&findings, &expected);
    assert!(read_csv(&pack.join("rejected.csv")).is_empty());
}

fn config_for(dir: &Path, input: &str) -> std::path::PathBuf {
    let path = dir.join("auditpack.toml");
    std::fs::write(
        &path,
        format!("[organisation]\nname = \"T\"\ntimezone = \"UTC\"\nprimary_region = \"r1\"\n[[input]]\nkind = \"backups\"\n{input}"),
    )
    .expect("write config");
    path
}

fn report_in(dir: &Path, config: &Path) -> common::Output {
    common::report_month(config, &dir.join("pack"))
}

#[test]
fn a_borg_file_without_timezone_is_a_config_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("b.json"),
        include_str!("samples/borg-1.2-list.json"),
    )
    .expect("write");
    let config = config_for(
        dir.path(),
        "format = \"borg\"\npath = \"b.json\"\nsource = \"files\"\n",
    );
    let output = report_in(dir.path(), &config);
    assert_eq!(output.code, 2);
    assert!(
        output.stderr.contains("auditpack.toml"),
        "{}",
        output.stderr
    );
    assert!(
        output
            .stderr
            .contains("input[1].timezone: borg prints naive local times"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_restic_file_that_is_not_json_stops_the_run_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("snapshots.json"),
        include_str!("samples/restic-0.14-check.txt"),
    )
    .expect("write");
    let config = config_for(
        dir.path(),
        "format = \"restic\"\npath = \"snapshots.json\"\nsource = \"db\"\n",
    );
    let output = report_in(dir.path(), &config);
    assert_eq!(output.code, 2);
    assert_eq!(output.stderr.lines().count(), 1, "{}", output.stderr);
    assert!(
        output.stderr.contains("snapshots.json"),
        "{}",
        output.stderr
    );
    assert!(!dir.path().join("pack").exists());
}

#[test]
fn a_pgbackrest_file_from_another_tool_stops_the_run_naming_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("info.json"),
        include_str!("samples/restic-0.14-snapshots.json"),
    )
    .expect("write");
    let config = config_for(
        dir.path(),
        "format = \"pgbackrest\"\npath = \"info.json\"\n",
    );
    let output = report_in(dir.path(), &config);
    assert_eq!(output.code, 2);
    assert!(output.stderr.contains("info.json"), "{}", output.stderr);
    assert!(
        output.stderr.contains("pgbackrest") || output.stderr.contains("pgBackRest"),
        "{}",
        output.stderr
    );
}

#[test]
fn a_pack_without_backup_inputs_shows_the_backup_checks_not_evaluated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("auditpack.toml");
    std::fs::write(&path, "[organisation]\nname = \"T\"\ntimezone = \"UTC\"\n").expect("write");
    let output = report_in(dir.path(), &path);
    assert_eq!(output.code, 0, "{}", output.stderr);
    let findings = read_csv(&dir.path().join("pack/findings.csv"));
    for check in [
        "backup.rpo",
        "backup.offsite",
        "backup.encryption",
        "backup.retention",
        "backup.restore_test",
    ] {
        let rows: Vec<_> = findings.iter().filter(|r| r["check_id"] == check).collect();
        assert_eq!(rows.len(), 1, "{check}");
        assert_eq!(
            (rows[0]["subject"].as_str(), rows[0]["status"].as_str()),
            ("*", "not_evaluated"),
            "{check}"
        );
        assert!(
            rows[0]["detail"].contains("no `backups` input declared"),
            "{check}"
        );
    }
}
