//! The demo's attestations and waivers (SPEC §8): `attestations.toml`,
//! `waivers.toml` and the `[controls]` lines of the config.
//!
//! What a hosting company that rents racks in a colocation data centre would
//! declare: the physical controls are attested as implemented by the
//! data-centre provider, the policy set and a few people controls by their
//! owners; two controls are not applicable, with the reason; one attestation
//! was not reviewed this year (stale). Three waivers: one in force that runs
//! out ten days after the period (flagged as expiring), one in force for
//! months, and one that expired before the period (still shown, no longer
//! applied).
//!
//! The states are worked out here from the dates alone, independently of
//! auditpack, for the README and the intent check: the period's last local day
//! is 2026-10-31; a waiver applies when `expires_on` is on or after it and is
//! flagged when that is within 14 days; an attestation is stale when
//! `reviewed_on` plus 12 months is before it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};

use crate::config_toml::tables;

pub const ATTESTATIONS: &str = "attestations.toml";
pub const WAIVERS: &str = "waivers.toml";

/// The `[controls]` table of the demo config.
pub const CONFIG_CONTROLS: &str = "
# Attestations and waivers (SPEC §8), written by `demo`.
[controls]
attestations = \"attestations.toml\"
waivers = \"waivers.toml\"
";

/// The last local day of the period 2026-10 (Australia/Melbourne).
pub fn last_day() -> NaiveDate {
    date((2026, 10, 31))
}

fn date((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("scenario dates are valid")
}

/// One `[[attestation]]`, its fields in file order.
#[derive(Serialize)]
pub struct Attestation {
    pub control: &'static str,
    pub status: &'static str,
    pub justification: &'static str,
    pub owner: &'static str,
    /// `None` for a not-applicable control whose reason is the justification.
    pub evidence: Option<&'static str>,
    #[serde(serialize_with = "toml_date")]
    pub reviewed_on: (i32, u32, u32),
}

impl Attestation {
    /// `current` or `stale` at the period's last day.
    pub fn state(&self) -> &'static str {
        let until = date(self.reviewed_on).checked_add_months(Months::new(12));
        match until {
            Some(until) if until >= last_day() => "current",
            _ => "stale",
        }
    }

    /// The status its control rolls up to: these controls have no check.
    pub fn control_status(&self) -> &'static str {
        match (self.state(), self.status) {
            ("current", "implemented") => "attested",
            ("current", _) => "not_applicable",
            _ => "no_evidence",
        }
    }
}

/// One `[[waiver]]`, its fields in file order.
#[derive(Serialize)]
pub struct Waiver {
    pub check: &'static str,
    pub subject: &'static str,
    pub justification: &'static str,
    pub approver: &'static str,
    #[serde(serialize_with = "toml_date")]
    pub expires_on: (i32, u32, u32),
    /// What it does to the demo's findings, for the README.
    #[serde(skip)]
    pub effect: &'static str,
}

impl Waiver {
    /// Days from the period's last day to `expires_on` (negative: expired).
    pub fn days_left(&self) -> i64 {
        (date(self.expires_on) - last_day()).num_days()
    }

    /// `active`, `expiring` (within 14 days) or `expired` at the period's last day.
    pub fn state(&self) -> &'static str {
        match self.days_left() {
            d if d < 0 => "expired",
            d if d <= 14 => "expiring",
            _ => "active",
        }
    }
}

const PROVIDER_EVIDENCE: &str =
    "Colocation provider's ISO/IEC 27001 certificate (MEL-2 site, valid to 2027-08) and SOC 2 Type II report for 2025-26, SUP-REG-2026 entry 3";
const INFRASTRUCTURE: &str = "m.okafor (Head of Infrastructure)";
const SECURITY: &str = "e.hughes (Head of Information Security)";
const PEOPLE: &str = "g.romano (People and Culture Manager)";

pub fn attestations() -> Vec<Attestation> {
    let provider = |control, justification| Attestation {
        control,
        status: "implemented",
        justification,
        owner: INFRASTRUCTURE,
        evidence: Some(PROVIDER_EVIDENCE),
        reviewed_on: (2026, 5, 12),
    };
    vec![
        Attestation {
            control: "5.1",
            status: "implemented",
            justification: "Information security policy and topic-specific policies approved by the board and published to all staff, who acknowledge them yearly",
            owner: SECURITY,
            evidence: Some("ISMS-POL-001 Information Security Policy v4.2, board minutes 2026-02-17"),
            reviewed_on: (2026, 2, 17),
        },
        Attestation {
            control: "5.19",
            status: "implemented",
            justification: "Every supplier that handles customer data is security-assessed before contract and yearly after",
            owner: SECURITY,
            evidence: Some("SUP-REG-2026 supplier register, assessments VA-2026-01 to VA-2026-04"),
            reviewed_on: (2026, 5, 12),
        },
        Attestation {
            control: "5.24",
            status: "implemented",
            justification: "Incident response plan with on-call roles and customer notification steps; tested in a tabletop exercise",
            owner: SECURITY,
            evidence: Some("IRP-003 Incident Response Plan v2.1, tabletop exercise report 2026-06-18"),
            reviewed_on: (2026, 6, 18),
        },
        Attestation {
            control: "6.1",
            status: "implemented",
            justification: "Identity, right-to-work and police checks before anyone gets production access",
            owner: PEOPLE,
            evidence: Some("HR-PROC-07 Pre-employment screening v3"),
            reviewed_on: (2026, 1, 20),
        },
        Attestation {
            control: "6.3",
            status: "implemented",
            justification: "Security awareness training at induction and every year for all staff",
            owner: PEOPLE,
            evidence: Some("Training records export 2025-08, course SEC-101"),
            reviewed_on: (2025, 8, 14),
        },
        provider(
            "7.1",
            "Racks sit in the provider's data hall inside a fenced, guarded perimeter; we have no premises of our own holding customer data",
        ),
        provider(
            "7.2",
            "Entry to the data hall by the provider's badge and biometric check; our staff are on its access list, visits logged",
        ),
        provider(
            "7.4",
            "The provider monitors the site with CCTV and 24x7 security staff",
        ),
        provider(
            "7.5",
            "Fire suppression, flood and temperature protection of the data hall are the provider's",
        ),
        provider(
            "7.8",
            "Our racks are locked cages in the provider's hall, sited and protected under its controls",
        ),
        provider(
            "7.11",
            "Dual power feeds, UPS and generators are provided and tested by the provider",
        ),
        Attestation {
            control: "8.23",
            status: "not_applicable",
            justification: "Production hosts have no general internet egress (allow-listed destinations only) and no one browses the web from them; office web use is outside the ISMS scope",
            owner: SECURITY,
            evidence: Some("ISMS-SCOPE-001 Scope statement v2, section 3"),
            reviewed_on: (2026, 2, 17),
        },
        Attestation {
            control: "8.30",
            status: "not_applicable",
            justification: "No development is outsourced: all software is written and reviewed by our own staff",
            owner: "s.lindqvist (Head of Engineering)",
            evidence: None,
            reviewed_on: (2026, 3, 2),
        },
    ]
}

pub fn waivers() -> Vec<Waiver> {
    vec![
        Waiver {
            check: "backup.restore_test",
            subject: "ledger-db",
            justification: "ledger-db moved to new storage in September (CHG-2026-0912); the restore-test environment is being rebuilt for it and the first test is booked for 2026-11-05 (RT-2026-11)",
            approver: INFRASTRUCTURE,
            expires_on: (2026, 11, 10),
            effect: "`backup.restore_test` ledger-db (never restore-tested) becomes waived; flagged: it runs out 10 days after the period",
        },
        Waiver {
            check: "logging.gaps",
            subject: "evidence/audit/app.ndjson",
            justification: "The app log shipper stopped for 26 h on 20-21 October; the events were recovered from the hosts' local journals and archived under INC-2026-0147; disk buffering for the shipper is being rolled out (CHG-2026-1104)",
            approver: SECURITY,
            expires_on: (2027, 1, 31),
            effect: "`logging.gaps` app.ndjson (26 h) becomes waived, so control 8.17 (bound to `logging.gaps` alone) is waived; 8.15 still fails on `logging.integrity`",
        },
        Waiver {
            check: "access.mfa",
            subject: "*",
            justification: "The legacy admin console could not enforce MFA before the SSO cut-over; accepted until the cut-over",
            approver: SECURITY,
            expires_on: (2026, 9, 30),
            effect: "expired before the period: `access.mfa` r.patel still fails, and its waiver column names the expired waiver",
        },
    ]
}

/// A day as a TOML local date (`2026-11-10`, unquoted).
fn toml_date<S: Serializer>(day: &(i32, u32, u32), serializer: S) -> Result<S::Ok, S::Error> {
    let d = date(*day);
    toml::value::Datetime {
        date: Some(toml::value::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    }
    .serialize(serializer)
}

/// `2026-11-10`: how the README writes days.
pub fn format_day(d: (i32, u32, u32)) -> String {
    date(d).format("%Y-%m-%d").to_string()
}

pub fn attestations_toml(seed: u64, attestations: &[Attestation]) -> String {
    let header = format!(
        "# Attestations of the demo organisation (SPEC §8). Generated by tools/fixturegen (seed {seed}): do not edit by hand.
# For controls no operational data can prove: status implemented | not_applicable;
# evidence may be left out for not_applicable; reviewed_on is the last yearly review.
"
    );
    format!("{header}\n{}", tables("attestation", attestations))
}

pub fn waivers_toml(seed: u64, waivers: &[Waiver]) -> String {
    let header = format!(
        "# Waivers of the demo organisation (SPEC §8). Generated by tools/fixturegen (seed {seed}): do not edit by hand.
# A waiver accepts failing rows of one check for one subject (or \"*\": every subject)
# through expires_on, a local day; expired waivers are kept for the record.
"
    );
    format!("{header}\n{}", tables("waiver", waivers))
}

/// Writes both files under `out`.
pub fn write(seed: u64, out: &Path) -> io::Result<Vec<PathBuf>> {
    let attestations_path = out.join(ATTESTATIONS);
    fs::write(&attestations_path, attestations_toml(seed, &attestations()))?;
    let waivers_path = out.join(WAIVERS);
    fs::write(&waivers_path, waivers_toml(seed, &waivers()))?;
    Ok(vec![attestations_path, waivers_path])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_spec_section_8_at_the_periods_last_day() {
        let states: Vec<&str> = waivers().iter().map(Waiver::state).collect();
        assert_eq!(states, ["expiring", "active", "expired"]);
        assert_eq!(waivers()[0].days_left(), 10);
        let stale: Vec<&str> = attestations()
            .iter()
            .filter(|a| a.state() == "stale")
            .map(|a| a.control)
            .collect();
        assert_eq!(stale, ["6.3"]);
    }

    #[test]
    fn files_are_a_header_then_tables_with_local_dates() {
        let text = waivers_toml(1, &waivers()[..1]);
        let (_, body) = text
            .split_once("kept for the record.\n\n")
            .expect("the header, then a blank line");
        assert!(
            body.starts_with("[[waiver]]\ncheck = \"backup.restore_test\"\n"),
            "{body}"
        );
        assert!(body.ends_with("expires_on = 2026-11-10\n"), "{body}");
    }
}
