//! Tables for people: a list as aligned columns, one item as one `field: value` per line.
//!
//! A list holds back its first [`SAMPLE`] rows to size the columns, then prints every later
//! row as it comes with those widths, so a table of any length runs in flat memory.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::{Record, Shape};
use crate::sanitize::clean;

/// Rows held back to size the columns.
const SAMPLE: usize = 200;
/// The widest a column gets; longer cells are cut with an ellipsis.
const MAX_WIDTH: usize = 60;
/// Shown for a value the API did not give.
const NONE: &str = "-";

pub(crate) struct TableSink<W: Write> {
    writer: W,
    shape: Shape,
    columns: Vec<&'static str>,
    /// For each table column, its index in the record's cells.
    picks: Vec<usize>,
    held: Vec<Vec<String>>,
    widths: Option<Vec<usize>>,
}

impl<W: Write> TableSink<W> {
    pub(crate) fn new<R: Record>(shape: Shape, writer: W) -> Self {
        let (columns, picks) = match shape {
            Shape::Many => super::chosen_columns::<R>(R::TABLE_COLUMNS),
            // One item shows every field: there is room for them, one per line.
            Shape::One => super::chosen_columns::<R>(R::COLUMNS),
        };
        Self { writer, shape, columns, picks, held: Vec::new(), widths: None }
    }

    pub(crate) fn write<R: Record>(&mut self, record: &R) -> io::Result<()> {
        let cells = record.cells();
        let row: Vec<String> = self
            .picks
            .iter()
            .map(|&i| cells.get(i).cloned().flatten().map_or_else(|| NONE.to_string(), |c| fit(&clean(&c))))
            .collect();
        match (self.shape, &self.widths) {
            (Shape::One, _) => self.write_fields(&row),
            (Shape::Many, Some(_)) => self.write_row(&row),
            (Shape::Many, None) => {
                self.held.push(row);
                if self.held.len() >= SAMPLE { self.release() } else { Ok(()) }
            }
        }
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        if self.shape == Shape::Many && self.widths.is_none() {
            self.release()?;
        }
        self.writer.flush()
    }

    /// Sizes the columns from the held rows, prints the header and the held rows.
    fn release(&mut self) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.width()).collect();
        for row in &self.held {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        self.widths = Some(widths);
        let header: Vec<String> = self.columns.iter().map(|c| c.to_uppercase()).collect();
        self.write_row(&header)?;
        for row in std::mem::take(&mut self.held) {
            self.write_row(&row)?;
        }
        Ok(())
    }

    fn write_row(&mut self, row: &[String]) -> io::Result<()> {
        let widths = self.widths.as_deref().unwrap_or_default();
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            let padding = match (i + 1 < row.len(), widths.get(i)) {
                (true, Some(width)) => width.saturating_sub(cell.width()),
                _ => 0,
            };
            let column = self.columns.get(i).copied().unwrap_or_default();
            line.push_str(&paint(column, cell));
            line.extend(std::iter::repeat_n(' ', padding));
        }
        writeln!(self.writer, "{}", line.trim_end())
    }

    fn write_fields(&mut self, row: &[String]) -> io::Result<()> {
        let width = self.columns.iter().map(|c| c.width()).max().unwrap_or(0) + 1;
        for (name, value) in self.columns.iter().zip(row) {
            writeln!(self.writer, "{:<width$} {}", format!("{name}:"), paint(name, value))?;
        }
        Ok(())
    }
}

/// The columns whose values are coloured: a plan's step and a report's outcome.
const STATUS_COLUMNS: &[&str] = &["step", "outcome"];

/// `cell` of `column`, coloured by its value when tables are coloured (`--color`):
/// failures red, what was done green, what was skipped or not attempted dim, what is
/// undecided or stopped yellow. Other cells, and every cell without colour, as they are.
fn paint(column: &str, cell: &str) -> String {
    const RED: &str = "\x1b[31m";
    const GREEN: &str = "\x1b[32m";
    const YELLOW: &str = "\x1b[33m";
    const DIM: &str = "\x1b[2m";
    const RESET: &str = "\x1b[0m";
    if !super::settings().colour || !STATUS_COLUMNS.contains(&column) {
        return cell.to_string();
    }
    let colour = match cell {
        "failed" | "interrupted" => RED,
        "done" | "run" => GREEN,
        "skipped" | "skip" | "not_attempted" => DIM,
        "undecided" | "stopped" => YELLOW,
        _ => return cell.to_string(),
    };
    format!("{colour}{cell}{RESET}")
}

/// Cuts a cell to [`MAX_WIDTH`] columns.
fn fit(cell: &str) -> String {
    if cell.width() <= MAX_WIDTH {
        return cell.to_string();
    }
    let mut out = String::new();
    let mut width = 0;
    for c in cell.chars() {
        width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        // Keep one column for the ellipsis.
        if width >= MAX_WIDTH {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Row(String, Option<String>, String);

    impl Record for Row {
        const COLUMNS: &'static [&'static str] = &["id", "name", "extra"];
        const TABLE_COLUMNS: &'static [&'static str] = &["name", "id"];
        fn cells(&self) -> Vec<Option<String>> {
            vec![Some(self.0.clone()), self.1.clone(), Some(self.2.clone())]
        }
    }

    fn table_of(shape: Shape, rows: &[Row]) -> Vec<String> {
        let mut out = Vec::new();
        let mut sink = TableSink::new::<Row>(shape, &mut out);
        for r in rows {
            sink.write(r).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
    }

    fn row(id: &str, name: Option<&str>) -> Row {
        Row(id.into(), name.map(Into::into), "x".into())
    }

    #[test]
    fn a_list_is_aligned_in_the_table_columns() {
        let lines = table_of(Shape::Many, &[row("1", Some("Jane Doe")), row("22", None)]);
        assert_eq!(lines, ["NAME      ID", "Jane Doe  1", "-         22"]);
    }

    #[test]
    fn an_empty_list_prints_its_header() {
        assert_eq!(table_of(Shape::Many, &[]), ["NAME  ID"]);
    }

    #[test]
    fn rows_past_the_sample_stream_with_the_sampled_widths() {
        let rows: Vec<Row> = (0..SAMPLE + 3).map(|i| row(&i.to_string(), Some("n"))).collect();
        let lines = table_of(Shape::Many, &rows);
        assert_eq!(lines.len(), SAMPLE + 4);
        assert_eq!(lines.last().map(String::as_str), Some("n     202"));
    }

    #[test]
    fn one_item_shows_every_field() {
        assert_eq!(table_of(Shape::One, &[row("1", None)]), ["id:    1", "name:  -", "extra: x"]);
    }

    #[test]
    fn long_and_hostile_cells_are_cut_and_cleaned() {
        let long = "é".repeat(100);
        let lines = table_of(Shape::Many, &[row("\u{1b}[2J", Some(&long))]);
        assert!(lines[1].starts_with(&"é".repeat(MAX_WIDTH - 1)));
        assert!(lines[1].contains("…"));
        assert!(!lines[1].contains('\u{1b}'));
    }
}
