//! The capacity family: `capacity.headroom` (SPEC §15). What it shares with
//! `monitoring.disk_alerting` is here: the `utilization` samples, read once per run and
//! grouped into series ([`Utilization`]).
//!
//! A run reads them compact at ingest ([`crate::ingest::utilization`]): only the
//! resources a check reads (`capacity_resource` and `disk`), from the period start to
//! its end plus each series' latest sample before the start, 32 bytes a sample, the
//! names held once per series. A table read the general way (the checks' tests) is
//! grouped the same way.

pub(super) mod headroom;

use std::collections::BTreeMap;

use super::{table_error, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::ingest::schema::DISK_RESOURCE;
pub use crate::ingest::utilization::{Sample, Series, Utilization};
use crate::ingest::utilization::{UtilizationKeep, UtilizationSink};
use crate::model::Policy;
use crate::period::Period;

/// The resource `monitoring.disk_alerting` reads.
pub const DISK: &str = DISK_RESOURCE;

/// What of the utilization rows the capacity and disk checks read.
pub fn utilization_keep(period: &Period, policy: &Policy) -> UtilizationKeep {
    UtilizationKeep {
        resources: vec![policy.capacity_resource.clone(), DISK.to_string()],
        start: period.start,
        end: period.end,
    }
}

impl Family for Utilization {
    fn read(ctx: &CheckCtx<'_>) -> Result<Self, Error> {
        if let Some(kept) = ctx.tables.take_utilization() {
            return Ok(kept);
        }
        let Some(frame) = ctx.tables.get(InputKind::Utilization) else {
            return Ok(Utilization::default());
        };
        UtilizationSink::from_table(frame, utilization_keep(ctx.period, ctx.policy))
            .map_err(table_error)
    }
}

/// Series grouped by cluster, in order.
pub(super) fn by_cluster<'a>(
    series: impl Iterator<Item = &'a Series>,
) -> BTreeMap<&'a str, Vec<&'a Series>> {
    let mut clusters: BTreeMap<&str, Vec<&Series>> = BTreeMap::new();
    for one in series {
        clusters.entry(one.cluster.as_str()).or_default().push(one);
    }
    clusters
}
