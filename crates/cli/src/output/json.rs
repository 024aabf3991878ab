//! JSON (one value) and NDJSON (one object per line), written item by item.

use std::io::{self, Write};

use serde::Serialize;

use super::Shape;

/// JSON: an object for one item, an array streamed element by element for a list.
pub(crate) struct JsonSink<W: Write> {
    writer: W,
    shape: Shape,
    written: usize,
}

impl<W: Write> JsonSink<W> {
    pub(crate) fn new(shape: Shape, writer: W) -> Self {
        Self { writer, shape, written: 0 }
    }

    pub(crate) fn write<R: Serialize>(&mut self, record: &R) -> io::Result<()> {
        match self.shape {
            Shape::One => serde_json::to_writer_pretty(&mut self.writer, record)?,
            Shape::Many => {
                self.writer.write_all(if self.written == 0 { b"[\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut self.writer, record)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        match (self.shape, self.written) {
            (Shape::Many, 0) => self.writer.write_all(b"[]\n")?,
            (Shape::Many, _) => self.writer.write_all(b"\n]\n")?,
            (Shape::One, _) => self.writer.write_all(b"\n")?,
        }
        self.writer.flush()
    }
}

/// NDJSON: one compact object per line, flushed line by line.
pub(crate) struct NdjsonSink<W: Write> {
    writer: W,
}

impl<W: Write> NdjsonSink<W> {
    pub(crate) fn new(writer: W) -> Self {
        Self { writer }
    }

    pub(crate) fn write<R: Serialize>(&mut self, record: &R) -> io::Result<()> {
        serde_json::to_writer(&mut self.writer, record)?;
        self.writer.write_all(b"\n")?;
        self.writer.flush()
    }

    pub(crate) fn finish(mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(shape: Shape, items: &[u32]) -> serde_json::Value {
        let mut out = Vec::new();
        let mut sink = JsonSink::new(shape, &mut out);
        for i in items {
            sink.write(i).unwrap();
        }
        sink.finish().unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn a_list_is_an_array_even_when_empty() {
        assert_eq!(json_of(Shape::Many, &[]), serde_json::json!([]));
        assert_eq!(json_of(Shape::Many, &[1]), serde_json::json!([1]));
        assert_eq!(json_of(Shape::Many, &[1, 2, 3]), serde_json::json!([1, 2, 3]));
        assert_eq!(json_of(Shape::One, &[7]), serde_json::json!(7));
    }
}
