//! `auditpack-fixturegen`: seeded, deterministic fixtures for auditpack.
//!
//! ```text
//! auditpack-fixturegen demo --out DIR [--seed N]
//! auditpack-fixturegen demo-backups --out DIR
//! auditpack-fixturegen bench --out DIR [--seed N] [--audit-events N]
//! ```
//!
//! `demo` writes the demo organisation (Southern Cross Hosting Pty Ltd, October
//! 2026): config, probe and maintenance evidence, canonical backup and restore
//! test evidence, audit logs, leavers and alerts, attestations and waivers, and a README stating what a correct tool must conclude. The
//! same seed always yields byte-identical files.
//!
//! `demo-backups` adds the native backup evidence (`evidence/backups/*.json`) by
//! running the real restic and borg on throwaway repositories. Those files are
//! not byte-reproducible (the tools pick random ids); their times are, and are
//! checked against the plan on every run.
//!
//! `bench` writes the SPEC §13 benchmark workload (see `bench.rs`), streamed.
//!
//! The argument parser is hand-written because the crate's only dependency is
//! `chrono`: a generator that must reproduce the same bytes for years should
//! carry as little as possible that can change under it.

mod access;
mod audit_log;
mod backups;
mod bench;
mod controls;
mod demo;
mod prng;
mod readme;
mod reference;
mod time;

use std::path::PathBuf;
use std::process::ExitCode;

/// The default seed: a nod to ISO/IEC 27001.
const DEFAULT_SEED: u64 = 27_001;

const USAGE: &str = "usage: auditpack-fixturegen demo --out DIR [--seed N]
       auditpack-fixturegen demo-backups --out DIR
       auditpack-fixturegen bench --out DIR [--seed N] [--audit-events N]

  demo          write the demo organisation (config, evidence, README) into DIR
  demo-backups  write the demo's restic and borg evidence (evidence/backups/*.json)
                into DIR, made by the real tools (needs restic and borg)
  bench         write the SPEC §13 benchmark workload (October 2026, UTC) into DIR
  --out         output directory (created if missing; existing files are overwritten)
  --seed        seed for jitter, latencies and isolated failures (default 27001)
  --audit-events  audit events of `bench` (default 10000000, about 2 GB; `_` allowed)";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Demo {
        out: PathBuf,
        seed: u64,
    },
    DemoBackups {
        out: PathBuf,
    },
    Bench {
        out: PathBuf,
        seed: u64,
        audit_events: u64,
    },
    Help,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter();
    let command = match it.next().map(String::as_str) {
        Some(c @ ("demo" | "demo-backups" | "bench")) => c,
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("missing command".to_string()),
    };
    let (mut out, mut seed, mut audit_events) = (None, None, None);
    while let Some(arg) = it.next() {
        // Accept both `--out DIR` and `--out=DIR`.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("`{flag}` needs a value"))
        };
        match flag {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" if command != "demo-backups" => {
                let v = value()?;
                seed = Some(
                    v.parse()
                        .map_err(|_| format!("`--seed` expects an unsigned integer, got `{v}`"))?,
                );
            }
            "--audit-events" if command == "bench" => {
                let v = value()?;
                audit_events = Some(v.replace('_', "").parse().map_err(|_| {
                    format!("`--audit-events` expects an unsigned integer, got `{v}`")
                })?);
            }
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = out.ok_or_else(|| format!("`{command}` needs `--out DIR`"))?;
    Ok(match command {
        "demo" => Command::Demo {
            out,
            seed: seed.unwrap_or(DEFAULT_SEED),
        },
        "bench" => Command::Bench {
            out,
            seed: seed.unwrap_or(DEFAULT_SEED),
            audit_events: audit_events.unwrap_or(bench::DEFAULT_AUDIT_EVENTS),
        },
        _ => Command::DemoBackups { out },
    })
}

/// The conclusions the scenario is built to produce, whatever the seed. Checked
/// on every run so that an edit to the scenario cannot silently change what
/// the README promises.
const INTENT: [(&str, &str, &str); 4] = [
    ("payroll-api", "FAIL", "PASS"),
    ("payroll-web", "PASS", "PASS"),
    ("jobs-api", "FAIL", "PASS"),
    ("customer-portal", "PASS", "PASS"),
];

/// The backup conclusions the scenario is built to produce, per source, in the
/// order of `backups::CHECKS` (rpo, offsite, encryption, retention, restore_test).
const BACKUP_INTENT: [(&str, [&str; 5]); 3] = [
    ("payroll-db", ["FAIL", "PASS", "PASS", "PASS", "PASS"]),
    ("customer-files", ["PASS", "PASS", "PASS", "PASS", "FAIL"]),
    ("ledger-db", ["PASS", "PASS", "PASS", "PASS", "FAIL"]),
];

/// The access, logging and monitoring conclusions the scenario is built to
/// produce: these (check, subject) rows with these verdicts, and every other
/// row passing.
const ACCESS_INTENT: [(&str, &str, &str); 14] = [
    ("access.mfa", "r.patel", "FAIL"),
    ("access.leaver_login", "l.moreau", "FAIL"),
    ("access.leaver_login", "k.brennan", "FAIL"),
    ("access.leaver_login", "d.osei", "PASS"),
    ("access.leaver_deactivation", "l.moreau", "FAIL"),
    ("access.leaver_deactivation", "d.osei", "PASS"),
    (
        "access.shared_credential_rotation",
        "support-break-glass",
        "PASS",
    ),
    ("access.shared_credential_rotation", "db-superuser", "FAIL"),
    ("access.support_ticket", "coastal-care", "FAIL"),
    (
        "logging.integrity",
        "evidence/audit/admin-console.ndjson",
        "FAIL",
    ),
    ("logging.integrity", "evidence/audit/app.ndjson", "PASS"),
    ("logging.gaps", "evidence/audit/app.ndjson", "FAIL"),
    ("monitoring.alert_resolution", "files-01", "FAIL"),
    ("monitoring.alert_resolution", "customer-portal", "FAIL"),
];

fn check_access_intent(findings: &[access::Finding]) -> Result<(), String> {
    for (check, subject, want) in ACCESS_INTENT {
        let f = findings
            .iter()
            .find(|f| f.check == check && f.subject == subject)
            .ok_or_else(|| format!("scenario lost the {check} row of {subject}"))?;
        if f.verdict() != want {
            return Err(format!(
                "scenario no longer does what it is for: {check} {subject} gives {} ({}), \
                 intended {want}",
                f.verdict(),
                f.measured.text()
            ));
        }
    }
    let planted = |f: &access::Finding| {
        ACCESS_INTENT
            .iter()
            .any(|(c, s, _)| *c == f.check && *s == f.subject)
    };
    if let Some(f) = findings.iter().find(|f| !f.pass && !planted(f)) {
        return Err(format!(
            "the noise changed a conclusion: {} {} fails ({})",
            f.check, f.subject, f.detail
        ));
    }
    Ok(())
}

fn check_backup_intent(figures: &[backups::Figures]) -> Result<(), String> {
    if figures.len() != BACKUP_INTENT.len() {
        return Err(format!(
            "scenario has {} backup sources, intended {}",
            figures.len(),
            BACKUP_INTENT.len()
        ));
    }
    for (source, want) in BACKUP_INTENT {
        let f = figures
            .iter()
            .find(|f| f.source == source)
            .ok_or_else(|| format!("scenario lost backup source {source}"))?;
        let got = f.verdicts();
        if got != want {
            return Err(format!(
                "scenario no longer does what it is for: {source} gives {got:?} for {:?}, intended {want:?}",
                backups::CHECKS
            ));
        }
    }
    Ok(())
}

fn run_demo_backups(out: PathBuf) -> Result<(), String> {
    let plan = backups::plan();
    check_backup_intent(&backups::assess(&plan))?;
    for (path, bytes, entries) in backups::real::write(&plan, &out)? {
        println!(
            "  wrote {} ({entries} entries, {bytes} bytes)",
            path.display()
        );
    }
    Ok(())
}

fn run_bench(out: PathBuf, seed: u64, audit_events: u64) -> Result<(), String> {
    let started = std::time::Instant::now();
    let summary = bench::write(&out, seed, audit_events)
        .map_err(|e| format!("writing {}: {e}", out.display()))?;
    let total: u64 = summary.files.iter().map(|f| f.2).sum();
    for (path, rows, bytes) in &summary.files {
        println!("  wrote {} ({rows} rows, {bytes} bytes)", path.display());
    }
    print!("{}", summary.expected);
    println!(
        "{} files, {:.2} GB in {:.1} s",
        summary.files.len(),
        total as f64 / 1e9,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn run_demo(out: PathBuf, seed: u64) -> Result<(), String> {
    let scenario = demo::Demo::new(seed);
    let io_err = |e: std::io::Error| format!("writing {}: {e}", out.display());
    let mut output = demo::write(&scenario, &out).map_err(io_err)?;
    let readme_path = out.join("README.md");
    std::fs::write(&readme_path, readme::render(&scenario, &output)).map_err(io_err)?;
    output.files.push(readme_path);

    print!("{}", readme::summary(&scenario, &output));
    for path in &output.files {
        println!("  wrote {}", path.display());
    }
    for (service, want_a, want_c) in INTENT {
        let r = output
            .services
            .iter()
            .find(|r| r.service == service)
            .ok_or_else(|| format!("scenario lost service {service}"))?;
        let got = readme::conclusions(&r.exact);
        if got != (want_a, want_c) {
            return Err(format!(
                "scenario no longer does what it is for: {service} gives availability {} / \
                 coverage {}, intended {want_a} / {want_c}",
                got.0, got.1
            ));
        }
    }
    check_backup_intent(&output.backups)?;
    check_access_intent(&output.access)?;
    check_controls_intent()
}

/// The states the demo's waivers and attestations are chosen to show at the period
/// end: one waiver of each state, in file order, and exactly one stale attestation.
const WAIVER_INTENT: [&str; 3] = ["expiring", "active", "expired"];
const STALE_ATTESTATION: &str = "6.3";

fn check_controls_intent() -> Result<(), String> {
    let states: Vec<&str> = controls::waivers().iter().map(|w| w.state()).collect();
    if states != WAIVER_INTENT {
        return Err(format!(
            "scenario no longer does what it is for: waivers are {states:?}, intended {WAIVER_INTENT:?}"
        ));
    }
    let stale: Vec<&str> = controls::attestations()
        .iter()
        .filter(|a| a.state() == "stale")
        .map(|a| a.control)
        .collect();
    if stale != [STALE_ATTESTATION] {
        return Err(format!(
            "scenario no longer does what it is for: stale attestations {stale:?}, intended [{STALE_ATTESTATION}]"
        ));
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            Ok(())
        }
        Ok(Command::Demo { out, seed }) => run_demo(out, seed),
        Ok(Command::DemoBackups { out }) => run_demo_backups(out),
        Ok(Command::Bench {
            out,
            seed,
            audit_events,
        }) => run_bench(out, seed, audit_events),
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_demo() {
        assert_eq!(
            parse(&args("demo --out x --seed 7")),
            Ok(Command::Demo {
                out: PathBuf::from("x"),
                seed: 7
            })
        );
        assert_eq!(
            parse(&args("demo --out=x")),
            Ok(Command::Demo {
                out: PathBuf::from("x"),
                seed: DEFAULT_SEED
            })
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(&args("demo")).is_err());
        assert!(parse(&args("demo --out")).is_err());
        assert!(parse(&args("demo --out x --seed -1")).is_err());
        assert!(parse(&args("demo --out x --frob")).is_err());
        assert!(parse(&args("bench")).is_err());
        assert!(parse(&args("bench --out x --audit-events lots")).is_err());
        assert!(parse(&args("demo --out x --audit-events 5")).is_err());
        assert!(parse(&args("demo-backups")).is_err());
        assert!(parse(&args("demo-backups --out x --seed 3")).is_err());
    }

    #[test]
    fn backup_intent_holds_and_is_checked() {
        let mut figures = backups::assess(&backups::plan());
        assert_eq!(check_backup_intent(&figures), Ok(()));
        // An edit that closes payroll-db's 8 h gap must be caught.
        figures[0].rpo.to = figures[0].rpo.from + 4 * 3_600;
        assert!(check_backup_intent(&figures).is_err());
    }

    #[test]
    fn access_intent_holds_for_several_seeds() {
        for seed in [DEFAULT_SEED, 1, 2, 3, 99] {
            let findings = access::assess(&access::Access::new(seed));
            assert_eq!(check_access_intent(&findings), Ok(()), "seed {seed}");
        }
        let mut findings = access::assess(&access::Access::new(DEFAULT_SEED));
        let f = findings
            .iter_mut()
            .find(|f| f.check == "access.mfa" && f.subject == "j.chen")
            .expect("j.chen logs in");
        f.pass = false;
        assert!(check_access_intent(&findings).is_err());
    }

    #[test]
    fn parses_bench() {
        assert_eq!(
            parse(&args("bench --out b --audit-events 1_000_000")),
            Ok(Command::Bench {
                out: PathBuf::from("b"),
                seed: DEFAULT_SEED,
                audit_events: 1_000_000
            })
        );
        assert_eq!(
            parse(&args("bench --out=b --seed 3")),
            Ok(Command::Bench {
                out: PathBuf::from("b"),
                seed: 3,
                audit_events: bench::DEFAULT_AUDIT_EVENTS
            })
        );
    }

    #[test]
    fn parses_demo_backups() {
        assert_eq!(
            parse(&args("demo-backups --out=x")),
            Ok(Command::DemoBackups {
                out: PathBuf::from("x")
            })
        );
    }
}
