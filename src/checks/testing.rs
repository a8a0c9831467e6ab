//! Fixtures for the checks' unit tests: a one-day period in UTC (2026-10-01), the
//! product's default policy, the built-in catalogue and no tables; a family's rows are
//! handed to the context directly ([`CheckCtx::with_family`]), so a test states its
//! rows in a few lines and never goes through polars.

use std::collections::BTreeMap;

use super::{CheckCtx, Family};
use crate::catalog::Catalog;
use crate::config::Policy;
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
