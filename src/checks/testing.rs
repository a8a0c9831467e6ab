//! Fixtures for the checks' unit tests: a one-day period in UTC (2026-10-01), the
//! product's default policy, the built-in catalogue and no tables; a family's rows are
//! handed to the context directly ([`CheckCtx::with_family`]), so a test states its
//! rows in a few lines and never goes through polars.

use std::collections::BTreeMap;

use super::audit::{AuditFacts, Kept};
use super::{CheckCtx, CheckOutput, Family};
use crate::catalog::Catalog;
use crate::config::{InputKind, Policy};
use crate::ingest::Tables;
use crate::model::{InputFile, Millis, Organisation};
use crate::period::Period;

pub const H: Millis = 3_600_000;

pub struct Fixture {
    pub period: Period,
    pub policy: Policy,
    pub organisation: Organisation,
    pub catalog: Catalog,
    pub tables: Tables,
    pub files: Vec<InputFile>,
    pub file_tenants: BTreeMap<String, String>,
}

impl Fixture {
    /// 2026-10-01 in UTC: `[T0, T0 + 24h)`.
    pub fn day() -> Fixture {
        Fixture {
            period: Period::range("2026-10-01", "2026-10-01", chrono_tz::UTC)
                .expect("a one-day period"),
            policy: Policy::default(),
            organisation: Organisation {
                name: "Test Hosting".to_string(),
                timezone: chrono_tz::UTC,
                primary_region: "primary".to_string(),
            },
            catalog: Catalog::built_in().expect("the built-in catalogue"),
            tables: Tables::default(),
            files: Vec::new(),
            file_tenants: BTreeMap::new(),
        }
    }

    /// The fixture with a `leavers` input declared (the leavers themselves are in the
    /// audit facts).
    pub fn with_leavers(mut self) -> Fixture {
        self.tables.set_streamed_rows(InputKind::Leavers, 1);
        self
    }

    /// Audit facts of the fixture's period with nothing kept; a test adds its own.
    pub fn audit_facts(&self) -> AuditFacts {
        AuditFacts {
            audit_read: true,
            start: self.period.start,
            end: self.period.end,
            leavers: BTreeMap::new(),
            mfa: BTreeMap::new(),
            lifecycle: BTreeMap::new(),
            leaver_logins: BTreeMap::new(),
            rotations: BTreeMap::new(),
            support: BTreeMap::new(),
            chains: BTreeMap::new(),
            sources: BTreeMap::new(),
        }
    }

    pub fn ctx(&self) -> CheckCtx<'_> {
        CheckCtx::new(
            &self.period,
            &self.policy,
            &self.organisation,
            &self.catalog,
            &self.tables,
            &self.files,
            &self.file_tenants,
        )
    }
}

impl CheckCtx<'_> {
    /// The context with `family`'s rows already read.
    pub fn with_family<T: Family>(self, family: T) -> Self {
        self.families
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(std::any::TypeId::of::<T>(), std::sync::Arc::new(family));
        self
    }
}

/// An event the audit pass kept, `offset` after the period start of [`Fixture::day`].
pub fn kept(actor: &str, offset: Millis, line: u64) -> Kept {
    Kept {
        time: Fixture::day().period.start + offset,
        actor: actor.to_string(),
        tenant: String::new(),
        target: String::new(),
        ip: String::new(),
        file: "audit.ndjson".to_string(),
        line,
        note: String::new(),
    }
}

/// The offending flag of each evidence row of `output`, in the table's order.
pub fn flags(output: &CheckOutput) -> Vec<bool> {
    output
        .evidence
        .as_ref()
        .expect("an evidence table")
        .rows
        .iter()
        .map(|row| row.offending)
        .collect()
}
