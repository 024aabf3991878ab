//! CSV: a header row of the record's stable columns, then one row per item, flushed row by
//! row so that a pipe sees each row as it is fetched.
//!
//! By default each cell is made safe to open in a spreadsheet or to show: a cell a
//! spreadsheet would run as a formula gets a leading `'`, and control and format characters
//! are shown as `\u{..}` escapes (as in tables). `--csv-raw` writes cells exactly as the API
//! gave them, for programs.

use std::io::{self, Write};

use super::Record;
use crate::sanitize::{clean, defuse_formula};

pub(crate) struct CsvSink<W: Write> {
    writer: csv::Writer<W>,
    columns: Vec<&'static str>,
    /// For each column, its index in the record's cells.
    picks: Vec<usize>,
    header_written: bool,
    /// Cells exactly as given (`--csv-raw`), not made safe.
    raw: bool,
}

impl<W: Write> CsvSink<W> {
    /// A sink for items of type `R`; `raw` writes their cells exactly as given.
    pub(crate) fn new<R: Record>(writer: W, raw: bool) -> Self {
        let (columns, picks) = super::chosen_columns::<R>(R::COLUMNS);
        Self { writer: csv::Writer::from_writer(writer), columns, picks, header_written: false, raw }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.writer.write_record(&self.columns).map_err(io_error)?;
            self.header_written = true;
        }
        Ok(())
    }

    pub(crate) fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        self.header()?;
        let cells = record.cells();
        let cells = self.picks.iter().map(|&i| cells.get(i).and_then(|c| c.as_deref()).unwrap_or(""));
        if self.raw {
            self.writer.write_record(cells)
        } else {
            self.writer.write_record(cells.map(|c| clean(&defuse_formula(c))))
        }
        .map_err(io_error)?;
        self.writer.flush()
    }

    /// Writes the header when there were no rows, so an empty result still names its columns.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.header()?;
        self.writer.flush()
    }
}

/// The io error inside a CSV error, so that its kind survives: a reader that went away
/// (`BrokenPipe`) ends the command quietly, as with every other format.
fn io_error(error: csv::Error) -> io::Error {
    if !error.is_io_error() {
        return io::Error::other(error);
    }
    match error.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Row(&'static str, Option<&'static str>);

    impl Record for Row {
        const COLUMNS: &'static [&'static str] = &["a", "b"];
        fn cells(&self) -> Vec<Option<String>> {
            vec![Some(self.0.to_string()), self.1.map(str::to_string)]
        }
    }

    fn csv_of(rows: &[Row]) -> String {
        csv_in(false, rows)
    }

    fn csv_in(raw: bool, rows: &[Row]) -> String {
        let mut out = Vec::new();
        let mut sink = CsvSink::new::<Row>(&mut out, raw);
        for r in rows {
            sink.write(r).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn header_once_quotes_where_needed_and_empty_for_none() {
        assert_eq!(csv_of(&[]), "a,b\n");
        assert_eq!(csv_of(&[Row("x,y", None), Row("q\"", Some("z"))]), "a,b\n\"x,y\",\n\"q\"\"\",z\n");
    }

    #[test]
    fn formulas_and_hostile_characters_are_defused_unless_raw() {
        let rows = [Row("=cmd|'/C calc'!A0", Some("\u{202e}moc.elpmaxe@eodj")), Row("-1", Some("\u{1b}[2J"))];
        let safe = "a,b\n'=cmd|'/C calc'!A0,\\u{202e}moc.elpmaxe@eodj\n'-1,\\u{1b}[2J\n";
        assert_eq!(csv_in(false, &rows), safe);
        let raw = "a,b\n=cmd|'/C calc'!A0,\u{202e}moc.elpmaxe@eodj\n-1,\u{1b}[2J\n";
        assert_eq!(csv_in(true, &rows), raw);
    }

    /// A writer whose reader went away.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_a_broken_pipe_whatever_the_row() {
        // A row longer than the CSV writer's buffer fails inside `write_record`.
        let long: &'static str = Box::leak("x".repeat(100_000).into_boxed_str());
        for row in [Row("short", None), Row(long, None)] {
            let mut sink = CsvSink::new::<Row>(ClosedPipe, false);
            let err = sink.write(&row).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe, "{err}");
        }
    }
}
