//! CSV: a header row of the record's stable columns, then one row per item, flushed row by
//! row so that a pipe sees each row as it is fetched.

use std::io::{self, Write};

use super::Record;

pub(crate) struct CsvSink<W: Write> {
    writer: csv::Writer<W>,
    columns: &'static [&'static str],
    header_written: bool,
}

impl<W: Write> CsvSink<W> {
    pub(crate) fn new<R: Record>(writer: W) -> Self {
        Self { writer: csv::Writer::from_writer(writer), columns: R::COLUMNS, header_written: false }
    }

    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.writer.write_record(self.columns)?;
            self.header_written = true;
        }
        Ok(())
    }

    pub(crate) fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        self.header()?;
        self.writer.write_record(record.cells().iter().map(|c| c.as_deref().unwrap_or("")))?;
        self.writer.flush()
    }

    /// Writes the header when there were no rows, so an empty result still names its columns.
    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.header()?;
        self.writer.flush()
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
        let mut out = Vec::new();
        let mut sink = CsvSink::new::<Row>(&mut out);
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
}
