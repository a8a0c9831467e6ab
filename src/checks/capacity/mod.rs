//! The capacity family: `capacity.headroom` (SPEC §15). What it shares with
//! `monitoring.disk_alerting` is here: the `utilization` rows, read once per run and
//! grouped into series ([`Utilization`]).
//!
//! The benchmark holds millions of samples per resource, so a sample is a time, a value
//! and its row in the table (for its file and line, looked up only for evidence rows);
//! the names are held once per series, never per row. Only the resources a check reads
//! (`capacity_resource` and `disk`) are kept.

pub(super) mod headroom;

use std::collections::{BTreeMap, HashMap};

use polars::prelude::DataFrame;

use super::{table_error, CheckCtx, Family};
use crate::config::InputKind;
use crate::error::Error;
use crate::ingest::schema::{
    DEFAULT_CLUSTER, DEFAULT_MOUNT, DISK_RESOURCE, LINE_COLUMN, PATH_COLUMN,
};
use crate::model::Millis;

/// The resource `monitoring.disk_alerting` reads.
pub const DISK: &str = DISK_RESOURCE;

/// One utilization sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub time: Millis,
    pub used_percent: f64,
    /// The sample's row in the `utilization` table, in file order.
    pub row: u32,
}

/// The samples of one resource on one host (and, for `disk`, one mount).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub resource: String,
    pub cluster: String,
    pub host: String,
    /// `/` by default for `disk`; empty for every other resource.
    pub mount: String,
    /// Samples before the period end, by time, then file order.
    pub samples: Vec<Sample>,
}

/// The family's rows: every series of the resources the checks read, sorted by
/// resource, cluster, host and mount.
#[derive(Debug, Default)]
pub(super) struct Utilization {
    pub series: Vec<Series>,
}

impl Family for Utilization {
    fn read(ctx: &CheckCtx<'_>) -> Result<Self, Error> {
        let Some(frame) = ctx.tables.get(InputKind::Utilization) else {
            return Ok(Utilization::default());
        };
        let wanted = [ctx.policy.capacity_resource.as_str(), DISK];
        let series = read_series(frame, &wanted, ctx.period.end)?;
        Ok(Utilization { series })
    }
}

impl Utilization {
    /// The series of `resource`, in order.
    pub fn of<'a>(&'a self, resource: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
        self.series.iter().filter(move |s| s.resource == resource)
    }
}

/// Groups the rows of the `wanted` resources before `end` into series. Names are
/// borrowed from the frame while grouping, so no `String` is made per row.
fn read_series(frame: &DataFrame, wanted: &[&str], end: Millis) -> Result<Vec<Series>, Error> {
    let text = |name: &str| -> Result<_, Error> {
        frame
            .column(name)
            .map_err(table_error)?
            .str()
            .map_err(table_error)
            .cloned()
    };
    let resources = text("resource")?;
    let hosts = text("host")?;
    let clusters = text("cluster")?;
    let mounts = text("mount")?;
    let times = frame
        .column("time")
        .map_err(table_error)?
        .cast(&polars::prelude::DataType::Int64)
        .map_err(table_error)?;
    let times = times.i64().map_err(table_error)?;
    let used = frame.column("used_percent").map_err(table_error)?;
    let used = used.f64().map_err(table_error)?;
    let mut index: HashMap<(&str, &str, &str, &str), usize> = HashMap::new();
    let mut series: Vec<Series> = Vec::new();
    let rows = resources
        .iter()
        .zip(hosts.iter())
        .zip(clusters.iter())
        .zip(mounts.iter())
        .zip(times.iter())
        .zip(used.iter());
    for (row, (((((resource, host), cluster), mount), time), used)) in rows.enumerate() {
        // Required values: ingest never lets a null through.
        let (Some(resource), Some(host), Some(time), Some(used)) = (resource, host, time, used)
        else {
            continue;
        };
        if time >= end || !wanted.contains(&resource) {
            continue;
        }
        let cluster = cluster.filter(|c| !c.is_empty()).unwrap_or(DEFAULT_CLUSTER);
        let mount = match mount.filter(|m| !m.is_empty()) {
            _ if resource != DISK => "",
            Some(mount) => mount,
            None => DEFAULT_MOUNT,
        };
        let key = (resource, cluster, host, mount);
        let at = *index.entry(key).or_insert_with(|| {
            series.push(Series {
                resource: resource.to_string(),
                cluster: cluster.to_string(),
                host: host.to_string(),
                mount: mount.to_string(),
                samples: Vec::new(),
            });
            series.len() - 1
        });
        series[at].samples.push(Sample {
            time,
            used_percent: used,
            row: row as u32,
        });
    }
    for one in &mut series {
        one.samples.sort_by_key(|s| (s.time, s.row));
        one.samples.shrink_to_fit();
    }
    series.sort_by(|a, b| {
        (&a.resource, &a.cluster, &a.host, &a.mount).cmp(&(
            &b.resource,
            &b.cluster,
            &b.host,
            &b.mount,
        ))
    });
    Ok(series)
}

/// Where a row of the `utilization` table came from: its file and line.
pub(super) fn row_origin(ctx: &CheckCtx<'_>, row: u32) -> Result<(String, u64), Error> {
    let Some(frame) = ctx.tables.get(InputKind::Utilization) else {
        return Ok((String::new(), 0));
    };
    let path = frame.column(PATH_COLUMN).map_err(table_error)?;
    let line = frame.column(LINE_COLUMN).map_err(table_error)?;
    let path = path
        .str()
        .map_err(table_error)?
        .get(row as usize)
        .unwrap_or_default()
        .to_string();
    let line = line
        .u64()
        .map_err(table_error)?
        .get(row as usize)
        .unwrap_or(0);
    Ok((path, line))
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
