//! SPEC §17: the trust page `site/index.html`. Headless Chromium (the Debian package;
//! `.ci/run` installs it) loads it with the network blocked and the rendered DOM has the
//! verdict, every service's availability figure and the organisation; the page loads
//! nothing from elsewhere; a due-diligence pack's page and feeds name no other tenant
//! and no staff member. Without Chromium the browser test says so and passes, except
//! under CI (`CI` set).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{demo_report, read_csv};

fn pack(dir: &Path, extra: &[&str]) -> PathBuf {
    demo_report(&dir.join("pack"), "1793491200", extra)
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn chromium_renders_the_verdict_every_service_and_the_organisation_offline() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed"
        );
        eprintln!("skipped: chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = pack(dir.path(), &[]);
    let page = out.join("site/index.html");
    let url = format!("file://{}", page.display());
    // No network: every host resolves nowhere and every proxy is closed.
    let blocked = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
    ];
    let dom = Command::new(browser)
        .args(blocked)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("id=\"verdict\""), "{dom}");
    assert!(dom.contains(">FAIL<"), "the demo fails");
    assert!(dom.contains("Southern Cross Hosting Pty Ltd"));
    for row in read_csv(&out.join("findings.csv"))
        .iter()
        .filter(|r| r["check_id"] == "uptime.availability")
    {
        let figure = format!("{}%", row["measured"]);
        assert!(
            dom.contains(&format!("data-service=\"{}\">{figure}<", row["subject"])),
            "{} {figure} not in the page",
            row["subject"]
        );
    }
    let shot = dir.path().join("page.png");
    let status = Command::new(browser)
        .args(blocked)
        .arg("--window-size=1200,2400")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .status()
        .expect("chromium runs");
    assert!(status.success());
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
}

#[test]
fn the_page_loads_nothing_from_elsewhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = pack(dir.path(), &[]);
    let html = std::fs::read_to_string(out.join("site/index.html")).expect("page");
    assert!(!html.contains("<script"), "no script");
    assert!(!html.contains(" src="), "no fetched resource");
    assert!(
        !html.contains("@import") && !html.contains("url("),
        "no CSS fetch"
    );
    for link in html.split("href=\"").skip(1) {
        let target = link.split('"').next().unwrap_or("");
        assert!(!target.contains("://"), "a link out of the pack: {target}");
    }
}

#[test]
fn a_tenants_page_and_feeds_name_no_other_tenant_and_no_staff() {
    let platform_dir = tempfile::tempdir().expect("tempdir");
    let platform = pack(platform_dir.path(), &[]);
    let tenant = "coastal-care";
    let others: Vec<String> = read_csv(&platform.join("evidence/access.support_ticket.csv"))
        .iter()
        .map(|r| r["tenant"].clone())
        .chain(
            read_csv(&platform.join("findings.csv"))
                .iter()
                .filter(|r| r["check_id"] == "access.support_ticket")
                .map(|r| r["subject"].clone()),
        )
        .filter(|t| !t.is_empty() && t != tenant && t != "*")
        .collect();
    let staff: Vec<String> = read_csv(&platform.join("evidence/access.mfa.csv"))
        .iter()
        .map(|r| r["actor"].clone())
        .collect();
    assert!(!others.is_empty() && !staff.is_empty());
    let dir = tempfile::tempdir().expect("tempdir");
    let scoped = pack(
        dir.path(),
        &["--template", "due-diligence", "--tenant", tenant],
    );
    for file in ["site/index.html", "site/feed.atom", "site/maintenance.ics"] {
        let text = std::fs::read_to_string(scoped.join(file)).expect("a site file");
        for name in others.iter().chain(&staff) {
            assert!(!text.contains(name.as_str()), "{file} names {name}");
        }
    }
}
