//! Writing results: one [`Sink`] per command, fed item by item, in the chosen [`Format`].

mod bulk;
mod csv;
mod json;
mod records;
mod table;

use std::io::{self, Write};

use serde::Serialize;

pub(crate) use bulk::{ExportRow, PlanRow, ReportRow};
pub(crate) use records::DeletedUser;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A readable table (a list), or one field per line (one item).
    Table,
    /// One JSON value: an object for one item, an array for a list.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// A header row, then one row per item.
    Csv,
}

impl Format {
    /// The chosen format, or the default: a table on a terminal, NDJSON for programs.
    pub(crate) fn resolve(chosen: Option<Format>, stdout_is_terminal: bool) -> Format {
        chosen.unwrap_or(if stdout_is_terminal { Format::Table } else { Format::Ndjson })
    }
}

/// Whether a command prints one item or a list: JSON and tables print them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    One,
    Many,
}

/// Something a command prints: serialized whole as JSON, flattened into stable columns for
/// CSV and tables.
pub(crate) trait Record: Serialize {
    /// The CSV columns, in order. Renaming or reordering one breaks scripts: only append.
    const COLUMNS: &'static [&'static str];
    /// The columns a table shows, a subset of [`Record::COLUMNS`] that fits a terminal.
    const TABLE_COLUMNS: &'static [&'static str] = Self::COLUMNS;
    /// One cell per column of [`Record::COLUMNS`]; `None` where the API gave no value.
    fn cells(&self) -> Vec<Option<String>>;
}

/// Writes a command's items as they come.
pub(crate) enum Sink<W: Write> {
    Table(table::TableSink<W>),
    Json(json::JsonSink<W>),
    Ndjson(json::NdjsonSink<W>),
    // Boxed: the CSV writer holds its buffer's bookkeeping inline.
    Csv(Box<csv::CsvSink<W>>),
}

impl<W: Write> Sink<W> {
    /// A sink for items of type `R`.
    pub(crate) fn new<R: Record>(format: Format, shape: Shape, writer: W) -> Self {
        match format {
            Format::Table => Sink::Table(table::TableSink::new::<R>(shape, writer)),
            Format::Json => Sink::Json(json::JsonSink::new(shape, writer)),
            Format::Ndjson => Sink::Ndjson(json::NdjsonSink::new(writer)),
            Format::Csv => Sink::Csv(Box::new(csv::CsvSink::new::<R>(writer))),
        }
    }

    /// Writes one item (tables may hold the first rows back to size their columns).
    pub(crate) fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        match self {
            Sink::Table(s) => s.write(record),
            Sink::Json(s) => s.write(record),
            Sink::Ndjson(s) => s.write(record),
            Sink::Csv(s) => s.write(record),
        }
    }

    /// Writes what is held back and the closing parts, and flushes.
    pub(crate) fn finish(self) -> io::Result<()> {
        match self {
            Sink::Table(s) => s.finish(),
            Sink::Json(s) => s.finish(),
            Sink::Ndjson(s) => s.finish(),
            Sink::Csv(s) => (*s).finish(),
        }
    }
}

/// Prints one item in `format` to `writer`.
pub(crate) fn print_one<R: Record, W: Write>(format: Format, writer: W, record: &R) -> io::Result<()> {
    let mut sink = Sink::new::<R>(format, Shape::One, writer);
    sink.write(record)?;
    sink.finish()
}

/// Prints any value as one pretty JSON document (a plan, a report).
pub(crate) fn print_json<T: Serialize, W: Write>(mut writer: W, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut writer, value)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

/// A cell without control characters, so that a value from the API cannot move the
/// cursor or recolour a terminal.
pub(crate) fn clean(cell: &str) -> String {
    cell.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_format_follows_the_terminal() {
        assert_eq!(Format::resolve(None, true), Format::Table);
        assert_eq!(Format::resolve(None, false), Format::Ndjson);
        assert_eq!(Format::resolve(Some(Format::Csv), true), Format::Csv);
    }

    #[test]
    fn clean_removes_escape_sequences() {
        assert_eq!(clean("a\u{1b}[31mb\nc"), "a [31mb c");
    }
}
