//! The utilization samples of a run, kept compact (SPEC §15 capacity and disk alerting,
//! §19 year scale).
//!
//! A hundred hosts scraped every minute is millions of rows a month; as a general
//! canonical table (a string per host, resource, cluster and mount, the file and line of
//! every row) that is over a hundred bytes a row. The checks need far less: per series
//! (resource, cluster, host, mount) of the resources they read, each sample's time,
//! value, reading order and origin (32 bytes), from the period start to its end — and,
//! before the start, only each series' latest sample (whether a disk breach was already
//! running when the period began). [`UtilizationSink`] keeps exactly that; every other
//! row is read, hashed and counted. The same grouping serves a table read the general
//! way ([`UtilizationSink::from_table`], for `auditpack inputs` and the checks' tests).

use std::collections::HashMap;

use foldhash::fast::FixedState;
use polars::prelude::DataFrame;

use super::schema::{DEFAULT_CLUSTER, DEFAULT_MOUNT, DISK_RESOURCE, LINE_COLUMN, PATH_COLUMN};
use super::values::Value;
use super::RowSink;
use crate::time::Millis;

/// What of the utilization rows a run keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationKeep {
    /// The resources the checks read.
    pub resources: Vec<String>,
    /// Samples at or after `start` and before `end` are kept; before `start`, each
    /// series' latest one.
    pub start: Millis,
    pub end: Millis,
}

/// One utilization sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub time: Millis,
    pub used_percent: f64,
    /// The reading order of the row over all files (ties at one time keep it).
    pub row: u32,
    /// Where the row came from: an index into [`Utilization::files`] and its line.
    pub file: u32,
    pub line: u64,
}

/// The samples of one resource on one host (and, for `disk`, one mount).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub resource: String,
    pub cluster: String,
    pub host: String,
    /// `/` by default for `disk`; empty for every other resource.
    pub mount: String,
    /// By time, then reading order.
    pub samples: Vec<Sample>,
}

/// The kept series, sorted by resource, cluster, host and mount.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Utilization {
    pub series: Vec<Series>,
    /// The files the samples came from.
    pub files: Vec<String>,
}

impl Utilization {
    /// The series of `resource`, in order.
    pub fn of<'a>(&'a self, resource: &'a str) -> impl Iterator<Item = &'a Series> + 'a {
        self.series.iter().filter(move |s| s.resource == resource)
    }

    /// The file and line a sample was read from.
    pub fn origin(&self, sample: &Sample) -> (String, u64) {
        let file = self.files.get(sample.file as usize).cloned();
        (file.unwrap_or_default(), sample.line)
    }
}

/// Receives the utilization rows of every file in reading order.
pub struct UtilizationSink {
    keep: UtilizationKeep,
    /// Each series' index by its key, resource, cluster, host and mount joined by NULs.
    index: HashMap<String, usize, FixedState>,
    /// Per series, its latest sample before `keep.start`.
    before: Vec<Option<Sample>>,
    /// The key of the row being looked up, built in place: a row allocates nothing
    /// unless it starts a series.
    key: String,
    files: HashMap<String, u32>,
    /// The file of the previous row: rows come a file at a time.
    last_file: Option<u32>,
    out: Utilization,
    rows: u64,
}

impl UtilizationSink {
    pub fn new(keep: UtilizationKeep) -> Self {
        UtilizationSink {
            keep,
            index: HashMap::default(),
            before: Vec::new(),
            key: String::new(),
            files: HashMap::new(),
            last_file: None,
            out: Utilization::default(),
            rows: 0,
        }
    }

    /// The index of `path` in [`Utilization::files`], added on its first row.
    fn file_index(&mut self, path: &str) -> u32 {
        if let Some(last) = self.last_file {
            if self.out.files[last as usize] == path {
                return last;
            }
        }
        let next = self.out.files.len() as u32;
        let index = *self.files.entry(path.to_string()).or_insert(next);
        if index == next {
            self.out.files.push(path.to_string());
        }
        self.last_file = Some(index);
        index
    }

    /// The kept series and how many rows were read.
    pub fn finish(mut self) -> (Utilization, u64) {
        for (series, before) in self.out.series.iter_mut().zip(self.before) {
            series.samples.extend(before);
            // Stable: samples at one time keep their reading order.
            series.samples.sort_by_key(|s| (s.time, s.row));
            series.samples.shrink_to_fit();
        }
        self.out.series.retain(|s| !s.samples.is_empty());
        self.out.series.sort_by(|a, b| {
            (&a.resource, &a.cluster, &a.host, &a.mount).cmp(&(
                &b.resource,
                &b.cluster,
                &b.host,
                &b.mount,
            ))
        });
        (self.out, self.rows)
    }

    /// Groups a table read the general way, as a run would have kept it.
    pub fn from_table(
        frame: &DataFrame,
        keep: UtilizationKeep,
    ) -> Result<Utilization, polars::error::PolarsError> {
        let text = |name: &str| frame.column(name).and_then(|c| c.str().cloned());
        let (resources, hosts) = (text("resource")?, text("host")?);
        let (clusters, mounts, paths) = (text("cluster")?, text("mount")?, text(PATH_COLUMN)?);
        let times = frame
            .column("time")?
            .cast(&polars::prelude::DataType::Int64)?;
        let times = times.i64()?;
        let used = frame.column("used_percent")?.f64()?.clone();
        let lines = frame.column(LINE_COLUMN)?.u64()?.clone();
        let mut sink = UtilizationSink::new(keep);
        let text_value =
            |v: Option<&str>| v.map_or(Value::Null, |v| Value::Text(v.to_string().into()));
        for row in 0..frame.height() {
            let values = vec![
                times.get(row).map_or(Value::Null, Value::Time),
                text_value(hosts.get(row)),
                text_value(resources.get(row)),
                used.get(row).map_or(Value::Null, Value::Float),
                text_value(clusters.get(row)),
                text_value(mounts.get(row)),
            ];
            let path = paths.get(row).unwrap_or_default();
            sink.push(values, path, lines.get(row).unwrap_or(0));
        }
        Ok(sink.finish().0)
    }
}

impl RowSink for UtilizationSink {
    /// `values` in the utilization schema's order: time, host, resource, used_percent,
    /// cluster, mount.
    fn push(&mut self, values: Vec<Value<'_>>, path: &str, line: u64) {
        let row = self.rows;
        self.rows += 1;
        let mut values = values.into_iter();
        let (
            Some(Value::Time(time)),
            Some(Value::Text(host)),
            Some(Value::Text(resource)),
            Some(Value::Float(used_percent)),
        ) = (values.next(), values.next(), values.next(), values.next())
        else {
            return; // Required values: ingest never lets a null through.
        };
        if time >= self.keep.end || !self.keep.resources.iter().any(|r| *r == resource) {
            return;
        }
        let cluster = match values.next() {
            Some(Value::Text(cluster)) if !cluster.is_empty() => cluster,
            _ => DEFAULT_CLUSTER.into(),
        };
        let mount = match values.next() {
            _ if resource != DISK_RESOURCE => "".into(),
            Some(Value::Text(mount)) if !mount.is_empty() => mount,
            _ => DEFAULT_MOUNT.into(),
        };
        let file = self.file_index(path);
        let sample = Sample {
            time,
            used_percent,
            row: u32::try_from(row).unwrap_or(u32::MAX),
            file,
            line,
        };
        self.key.clear();
        for part in [&resource, &cluster, &host, &mount] {
            self.key.push_str(part);
            self.key.push('\0');
        }
        let at = match self.index.get(self.key.as_str()) {
            Some(at) => *at,
            None => {
                self.out.series.push(Series {
                    resource: resource.into_owned(),
                    cluster: cluster.into_owned(),
                    host: host.into_owned(),
                    mount: mount.into_owned(),
                    samples: Vec::new(),
                });
                self.before.push(None);
                self.index
                    .insert(self.key.clone(), self.out.series.len() - 1);
                self.out.series.len() - 1
            }
        };
        if time >= self.keep.start {
            self.out.series[at].samples.push(sample);
        } else if self.before[at].is_none_or(|b| time >= b.time) {
            self.before[at] = Some(sample);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(
        time: Millis,
        host: &'a str,
        resource: &'a str,
        used: f64,
        mount: Option<&'a str>,
    ) -> Vec<Value<'a>> {
        vec![
            Value::Time(time),
            Value::Text(host.into()),
            Value::Text(resource.into()),
            Value::Float(used),
            Value::Null,
            mount.map_or(Value::Null, |m| Value::Text(m.into())),
        ]
    }

    #[test]
    fn keeps_the_period_and_each_series_latest_sample_before_it() {
        let keep = UtilizationKeep {
            resources: vec!["cpu".to_string(), "disk".to_string()],
            start: 100,
            end: 200,
        };
        let mut sink = UtilizationSink::new(keep);
        sink.push(row(10, "db-1", "disk", 91.0, None), "a.csv", 2);
        sink.push(row(50, "db-1", "disk", 92.0, None), "a.csv", 3);
        sink.push(row(40, "db-1", "disk", 90.0, None), "a.csv", 4);
        sink.push(row(150, "db-1", "disk", 80.0, None), "b.csv", 2);
        sink.push(row(120, "db-1", "disk", 85.0, Some("/data")), "b.csv", 3);
        sink.push(row(130, "db-1", "cpu", 40.0, Some("/ignored")), "b.csv", 4);
        sink.push(row(140, "db-1", "memory", 40.0, None), "b.csv", 5);
        sink.push(row(200, "db-1", "cpu", 41.0, None), "b.csv", 6);
        let (kept, rows) = sink.finish();
        assert_eq!(rows, 8);
        type Shown = (String, String, Vec<(Millis, f64, (String, u64))>);
        let shown: Vec<Shown> = kept
            .series
            .iter()
            .map(|s| {
                (
                    s.resource.clone(),
                    s.mount.clone(),
                    s.samples
                        .iter()
                        .map(|x| (x.time, x.used_percent, kept.origin(x)))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "cpu".to_string(),
                    String::new(),
                    vec![(130, 40.0, ("b.csv".to_string(), 4))]
                ),
                (
                    "disk".to_string(),
                    "/".to_string(),
                    vec![
                        (50, 92.0, ("a.csv".to_string(), 3)),
                        (150, 80.0, ("b.csv".to_string(), 2))
                    ]
                ),
                (
                    "disk".to_string(),
                    "/data".to_string(),
                    vec![(120, 85.0, ("b.csv".to_string(), 3))]
                ),
            ]
        );
        assert_eq!(kept.series[0].cluster, DEFAULT_CLUSTER);
    }
}
