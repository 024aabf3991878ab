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
    /// A header row, then one row per item; cells a spreadsheet would run as a formula get
    /// a leading `'`, control and format characters are shown as `\u{..}` escapes.
    Csv,
    /// CSV with every cell exactly as the API gave it (`-o csv --csv-raw`), for programs.
    #[value(skip)]
    CsvRaw,
}

impl Format {
    /// The chosen format, or the default: a table on a terminal, NDJSON for programs.
    /// `csv_raw` turns CSV into [`Format::CsvRaw`]; other formats ignore it.
    pub(crate) fn resolve(chosen: Option<Format>, stdout_is_terminal: bool, csv_raw: bool) -> Format {
        match chosen.unwrap_or(if stdout_is_terminal { Format::Table } else { Format::Ndjson }) {
            Format::Csv if csv_raw => Format::CsvRaw,
            format => format,
        }
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
            Format::Csv => Sink::Csv(Box::new(csv::CsvSink::new::<R>(writer, false))),
            Format::CsvRaw => Sink::Csv(Box::new(csv::CsvSink::new::<R>(writer, true))),
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
    json::write_json(&mut writer, value, true)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_format_follows_the_terminal() {
        assert_eq!(Format::resolve(None, true, false), Format::Table);
        assert_eq!(Format::resolve(None, false, false), Format::Ndjson);
        assert_eq!(Format::resolve(Some(Format::Csv), true, false), Format::Csv);
    }

    #[test]
    fn csv_raw_changes_csv_only() {
        assert_eq!(Format::resolve(Some(Format::Csv), false, true), Format::CsvRaw);
        assert_eq!(Format::resolve(None, false, true), Format::Ndjson);
        assert_eq!(Format::resolve(Some(Format::Table), true, true), Format::Table);
    }
}
