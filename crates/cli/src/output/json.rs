//! JSON (one value) and NDJSON (one object per line), written item by item.
//!
//! Strings are written with every control and format character as a `\uXXXX` escape:
//! the same value to a JSON parser, and nothing that acts on a terminal (serde_json
//! escapes C0 itself, but writes DEL, C1 and bidi overrides as they are).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter, Serializer};

use super::Shape;
use crate::sanitize::acts;

/// Writes `value` as compact JSON (`pretty`: indented), its strings escaped.
pub(crate) fn write_json<W: Write, T: Serialize + ?Sized>(writer: W, value: &T, pretty: bool) -> io::Result<()> {
    if pretty {
        value.serialize(&mut Serializer::with_formatter(writer, Escaping(PrettyFormatter::new())))?;
    } else {
        value.serialize(&mut Serializer::with_formatter(writer, Escaping(CompactFormatter)))?;
    }
    Ok(())
}

/// A formatter that writes what [`acts`] as `\uXXXX` escapes (UTF-16 pairs above U+FFFF),
/// and lays out as `F` does.
struct Escaping<F>(F);

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices().filter(|(_, c)| acts(*c)) {
            writer.write_all(&fragment.as_bytes()[start..i])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

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
            Shape::One => write_json(&mut self.writer, record, true)?,
            Shape::Many => {
                self.writer.write_all(if self.written == 0 { b"[\n  " } else { b",\n  " })?;
                write_json(&mut self.writer, record, false)?;
            }
        }
        self.written += 1;
        Ok(())
    }

    pub(crate) fn finish(self) -> io::Result<()> {
        self.finish_into().map(drop)
    }

    /// Writes the closing parts, flushes, and gives the writer back (`--jq` reads it).
    pub(crate) fn finish_into(mut self) -> io::Result<W> {
        match (self.shape, self.written) {
            (Shape::Many, 0) => self.writer.write_all(b"[]\n")?,
            (Shape::Many, _) => self.writer.write_all(b"\n]\n")?,
            (Shape::One, _) => self.writer.write_all(b"\n")?,
        }
        self.writer.flush()?;
        Ok(self.writer)
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
        write_json(&mut self.writer, record, false)?;
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

    #[test]
    fn strings_escape_what_acts_and_parse_back_the_same() {
        let cases = [
            ("plain é 山田 🙂", "\"plain é 山田 🙂\""),
            ("\u{1b}[2J\n", "\"\\u001b[2J\\n\""),
            ("\u{7f}\u{9b}", "\"\\u007f\\u009b\""),
            ("\u{202e}moc.elpmaxe@eodj", "\"\\u202emoc.elpmaxe@eodj\""),
            ("a\u{200b}b\u{feff}\u{2066}", "\"a\\u200bb\\ufeff\\u2066\""),
            ("tag\u{e0041}", "\"tag\\udb40\\udc41\""),
        ];
        for (value, want) in cases {
            for pretty in [false, true] {
                let mut out = Vec::new();
                write_json(&mut out, value, pretty).unwrap();
                let text = String::from_utf8(out).unwrap();
                assert_eq!(text, want, "{value:?}");
                assert_eq!(serde_json::from_str::<String>(&text).unwrap(), value);
            }
        }
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({"k\u{202e}": [1, "\u{202e}"]}), true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "{\n  \"k\\u202e\": [\n    1,\n    \"\\u202e\"\n  ]\n}");
    }
}
