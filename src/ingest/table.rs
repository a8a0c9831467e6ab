//! Accumulates validated rows of one canonical kind and turns them into a polars
//! `DataFrame` with UTC datetime columns.

use polars::prelude::*;

use super::schema::{columns, ColumnSpec, ValueType, LINE_COLUMN, PATH_COLUMN};
use super::values::Value;
use crate::config::InputKind;
use crate::error::Error;

enum Builder {
    /// Straight into polars' string buffers: no `String` per value is kept.
    Text(StringChunkedBuilder),
    Time(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i64>>),
    Float(Vec<Option<f64>>),
}

pub struct TableBuilder {
    specs: &'static [ColumnSpec],
    builders: Vec<Builder>,
    /// Each row's file, as an index into `files` (a file has many rows).
    paths: Vec<u32>,
    files: Vec<String>,
    lines: Vec<u64>,
}

impl TableBuilder {
    pub fn new(kind: InputKind) -> Self {
        let specs = columns(kind);
        let builders = specs
            .iter()
            .map(|spec| match spec.ty {
                ValueType::Text => Builder::Text(StringChunkedBuilder::new(spec.name.into(), 0)),
                ValueType::Time => Builder::Time(Vec::new()),
                ValueType::Bool => Builder::Bool(Vec::new()),
                ValueType::Int => Builder::Int(Vec::new()),
                ValueType::Float => Builder::Float(Vec::new()),
            })
            .collect();
        TableBuilder {
            specs,
            builders,
            paths: Vec::new(),
            files: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub fn finish(self) -> Result<DataFrame, Error> {
        self.into_frame()
    }
}

impl super::RowSink for TableBuilder {
    /// Appends one row; `values` are aligned with the kind's columns and already typed.
    fn push(&mut self, values: Vec<Value<'_>>, path: &str, line: u64) {
        for (builder, value) in self.builders.iter_mut().zip(values) {
            match (builder, value) {
                (Builder::Text(v), Value::Text(x)) => v.append_value(x),
                (Builder::Time(v), Value::Time(x)) => v.push(Some(x)),
                (Builder::Bool(v), Value::Bool(x)) => v.push(Some(x)),
                (Builder::Int(v), Value::Int(x)) => v.push(Some(x)),
                (Builder::Float(v), Value::Float(x)) => v.push(Some(x)),
                (Builder::Text(v), _) => v.append_null(),
                (Builder::Time(v), _) => v.push(None),
                (Builder::Bool(v), _) => v.push(None),
                (Builder::Int(v), _) => v.push(None),
                (Builder::Float(v), _) => v.push(None),
            }
        }
        if self.files.last().is_none_or(|last| last != path) {
            self.files.push(path.to_string());
        }
        self.paths.push(self.files.len() as u32 - 1);
        self.lines.push(line);
    }
}

impl TableBuilder {
    fn into_frame(self) -> Result<DataFrame, Error> {
        let height = self.lines.len();
        let mut frame_columns: Vec<Column> = self
            .specs
            .iter()
            .zip(self.builders)
            .map(|(spec, builder)| {
                let name = PlSmallStr::from_static(spec.name);
                let series = match builder {
                    Builder::Text(v) => v.finish().into_series(),
                    Builder::Time(v) => Int64Chunked::from_iter_options(name, v.into_iter())
                        .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
                        .into_series(),
                    Builder::Bool(v) => Series::new(name, v),
                    Builder::Int(v) => Series::new(name, v),
                    Builder::Float(v) => Series::new(name, v),
                };
                Column::from(series)
            })
            .collect();
        let files = &self.files;
        let paths: StringChunked = self
            .paths
            .iter()
            .map(|&i| files.get(i as usize).map(String::as_str))
            .collect();
        frame_columns.push(Column::from(
            paths.with_name(PATH_COLUMN.into()).into_series(),
        ));
        frame_columns.push(Column::new(LINE_COLUMN.into(), self.lines));
        DataFrame::new(height, frame_columns).map_err(|e| Error::Render {
            what: "a canonical table",
            message: e.to_string(),
        })
    }
}
