//! Writing results: one [`Sink`] per command, fed item by item, in the chosen [`Format`].

mod bulk;
mod csv;
pub(crate) mod jq;
mod json;
mod records;
mod sync;
mod table;

use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

use serde::Serialize;

pub(crate) use bulk::{ExportRow, PlanRow, ReportRow};
pub(crate) use records::DeletedUser;
pub(crate) use sync::SyncRow;

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

/// The output options every sink follows, settled once before the command runs
/// (`crate::view::settle`): global, as they are for the process.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    /// `--jq`: the filter JSON output goes through.
    pub(crate) jq: Option<String>,
    /// `--fields`: the columns of tables and CSV, checked against the command's record.
    pub(crate) fields: Option<Vec<String>>,
    /// Whether tables are coloured.
    pub(crate) colour: bool,
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Records the output options; the first call wins.
pub(crate) fn settle(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

/// The output options, or the defaults when none were settled (unit tests).
pub(crate) fn settings() -> &'static Settings {
    static DEFAULT: Settings = Settings { jq: None, fields: None, colour: false };
    SETTINGS.get().unwrap_or(&DEFAULT)
}

/// The columns a sink for `R` shows: `--fields` in its order, else `default`.
fn chosen_columns<R: Record>(default: &'static [&'static str]) -> (Vec<&'static str>, Vec<usize>) {
    let names: Vec<&'static str> = match &settings().fields {
        Some(fields) => fields.iter().filter_map(|f| R::COLUMNS.iter().find(|c| **c == f.as_str()).copied()).collect(),
        None => default.to_vec(),
    };
    let picks = names.iter().filter_map(|name| R::COLUMNS.iter().position(|c| c == name)).collect();
    (names, picks)
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
    /// JSON held back to be filtered by `--jq` at the end, then written to the writer.
    Jq(json::JsonSink<Vec<u8>>, W),
}

impl<W: Write> Sink<W> {
    /// A sink for items of type `R`.
    pub(crate) fn new<R: Record>(format: Format, shape: Shape, writer: W) -> Self {
        match format {
            Format::Table => Sink::Table(table::TableSink::new::<R>(shape, writer)),
            Format::Json if settings().jq.is_some() => Sink::Jq(json::JsonSink::new(shape, Vec::new()), writer),
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
            Sink::Jq(s, _) => s.write(record),
        }
    }

    /// Writes what is held back and the closing parts, and flushes.
    pub(crate) fn finish(self) -> io::Result<()> {
        match self {
            Sink::Table(s) => s.finish(),
            Sink::Json(s) => s.finish(),
            Sink::Ndjson(s) => s.finish(),
            Sink::Csv(s) => (*s).finish(),
            Sink::Jq(s, writer) => filter_json(&s.finish_into()?, writer),
        }
    }
}

/// Prints one item in `format` to `writer`.
pub(crate) fn print_one<R: Record, W: Write>(format: Format, writer: W, record: &R) -> io::Result<()> {
    let mut sink = Sink::new::<R>(format, Shape::One, writer);
    sink.write(record)?;
    sink.finish()
}

/// Runs `--jq` on the JSON document `json` and writes its results to `writer`.
fn filter_json<W: Write>(json: &[u8], mut writer: W) -> io::Result<()> {
    let expr = settings().jq.as_deref().unwrap_or(".");
    jq::run(expr, json, &mut writer, io::stdout().is_terminal())
}

/// Prints any value as one pretty JSON document (a plan, a report), through `--jq` if given.
pub(crate) fn print_json<T: Serialize, W: Write>(mut writer: W, value: &T) -> io::Result<()> {
    if settings().jq.is_some() {
        let mut json = Vec::new();
        json::write_json(&mut json, value, false)?;
        return filter_json(&json, writer);
    }
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
