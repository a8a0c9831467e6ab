//! Small helpers to read a collected polars frame column by column, with nulls as
//! `None`. Time columns are read as UTC milliseconds.

use polars::prelude::*;

use super::table_error;
use crate::error::Error;

pub fn texts(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>, Error> {
    let column = frame.column(name).map_err(table_error)?;
    let strings = column.str().map_err(table_error)?;
    Ok(strings.iter().map(|v| v.map(str::to_string)).collect())
}

pub fn times(frame: &DataFrame, name: &str) -> Result<Vec<Option<i64>>, Error> {
    let column = frame.column(name).map_err(table_error)?;
    let physical = column.cast(&DataType::Int64).map_err(table_error)?;
    let values = physical.i64().map_err(table_error)?;
    Ok(values.iter().collect())
}

pub fn bools(frame: &DataFrame, name: &str) -> Result<Vec<Option<bool>>, Error> {
    let column = frame.column(name).map_err(table_error)?;
    Ok(column.bool().map_err(table_error)?.iter().collect())
}

pub fn lines(frame: &DataFrame) -> Result<Vec<u64>, Error> {
    let column = frame
        .column(crate::ingest::schema::LINE_COLUMN)
        .map_err(table_error)?;
    Ok(column
        .u64()
        .map_err(table_error)?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

pub fn ints(frame: &DataFrame, name: &str) -> Result<Vec<Option<i64>>, Error> {
    let column = frame.column(name).map_err(table_error)?;
    Ok(column.i64().map_err(table_error)?.iter().collect())
}
