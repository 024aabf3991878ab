//! Server text made safe to show: the one cleaning every table cell, every line on stderr
//! and (unless `--csv-raw`) every CSV cell goes through, and the CSV formula guard.
//!
//! A value from the API is data, never code: it cannot move the cursor, clear the screen,
//! open a hyperlink (escape sequences), reorder what is shown (bidi overrides), hide
//! characters (zero-width ones) or run as a spreadsheet formula.

use std::fmt::Write as _;

/// `text` with every control and format character shown as a visible `\u{..}` escape, so
/// that a hostile value looks odd instead of acting: `U+202E` (RIGHT-TO-LEFT OVERRIDE)
/// prints as `\u{202e}` and cannot make a reversed address read as `jdoe@example.com`.
/// Tab, line feed and carriage return become a space (they are whitespace, but would
/// break a table's row or forge a line of its own).
///
/// Escaped: control characters (C0, DEL, C1: general category Cc, which carries terminal
/// escape sequences), format characters (category Cf: bidi embeddings, overrides, isolates
/// and marks, zero-width space and joiners, word joiner, BOM, invisible operators, tags)
/// and the line and paragraph separators (Zl, Zp).
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(' '),
            c if acts(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` acts on how text is shown rather than being shown: a control character, or
/// a format character or separator ([`is_format`]).
pub(crate) fn acts(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// Whether `c` is of general category Cf (format), or a line or paragraph separator (Zl,
/// Zp): characters that are not drawn but change how the text around them is drawn.
/// The Cf ranges are those of Unicode 16.
fn is_format(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD // SOFT HYPHEN
            | 0x0600..=0x0605 // Arabic number signs
            | 0x061C // ARABIC LETTER MARK
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E // MONGOLIAN VOWEL SEPARATOR
            | 0x200B..=0x200F // zero-width space, non-joiner, joiner; LRM, RLM
            | 0x2028..=0x2029 // LINE and PARAGRAPH SEPARATOR (Zl, Zp)
            | 0x202A..=0x202E // bidi embeddings and overrides
            | 0x2060..=0x2064 // word joiner, invisible operators
            | 0x2066..=0x206F // bidi isolates, deprecated format characters
            | 0xFEFF // BOM, ZERO WIDTH NO-BREAK SPACE
            | 0xFFF9..=0xFFFB // interlinear annotation
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F // Egyptian hieroglyph format controls
            | 0x1BCA0..=0x1BCA3 // shorthand format controls
            | 0x1D173..=0x1D17A // musical symbol format controls
            | 0xE0001 // LANGUAGE TAG
            | 0xE0020..=0xE007F // tag characters
    )
}

/// The characters that make a spreadsheet read a cell as a formula when they lead it
/// (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_LEADS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell a spreadsheet will not run: one that starts with a formula character gets a
/// leading `'`, which spreadsheets read as "this is text" (and hide). `=1+1` becomes
/// `'=1+1`; every other cell is returned as it is.
pub(crate) fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_LEADS) { format!("'{cell}").into() } else { cell.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_shows_control_and_format_characters_as_escapes() {
        let cases = [
            ("jdoe@example.com", "jdoe@example.com"),
            ("Zoë Łukasz 山田 🙂", "Zoë Łukasz 山田 🙂"),
            ("a\tb\nc\rd", "a b c d"),
            // A screen clear, a colour, an OSC-8 hyperlink, a C1 CSI and DEL.
            ("\u{1b}[2J\u{1b}[31mred", "\\u{1b}[2J\\u{1b}[31mred"),
            (
                "\u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7}",
                "\\u{1b}]8;;https://evil.example\\u{7}click\\u{1b}]8;;\\u{7}",
            ),
            ("\u{9b}2J\u{7f}", "\\u{9b}2J\\u{7f}"),
            // RIGHT-TO-LEFT OVERRIDE: "moc.elpmaxe@eodj" would read as jdoe@example.com.
            ("\u{202e}moc.elpmaxe@eodj", "\\u{202e}moc.elpmaxe@eodj"),
            ("\u{202a}\u{202b}\u{202c}\u{202d}", "\\u{202a}\\u{202b}\\u{202c}\\u{202d}"),
            ("\u{2066}\u{2067}\u{2068}\u{2069}", "\\u{2066}\\u{2067}\\u{2068}\\u{2069}"),
            ("\u{200e}\u{200f}\u{61c}", "\\u{200e}\\u{200f}\\u{61c}"),
            ("j\u{200b}doe\u{200c}\u{200d}\u{2060}", "j\\u{200b}doe\\u{200c}\\u{200d}\\u{2060}"),
            ("\u{feff}jdoe", "\\u{feff}jdoe"),
            ("a\u{ad}b\u{2028}c\u{2029}", "a\\u{ad}b\\u{2028}c\\u{2029}"),
            ("tag\u{e0041}", "tag\\u{e0041}"),
        ];
        for (raw, want) in cases {
            assert_eq!(clean(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn nothing_that_acts_survives_clean() {
        let hostile: String = (0..0x3000).chain(0xE0000..0xE0080).filter_map(char::from_u32).collect();
        let cleaned = clean(&hostile);
        assert!(!cleaned.chars().any(acts));
    }

    #[test]
    fn formulas_get_a_leading_quote_and_nothing_else_changes() {
        let cases = [
            ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("jdoe@example.com", "jdoe@example.com"),
            ("a=b", "a=b"),
            (" =1", " =1"),
            ("'quoted", "'quoted"),
            ("", ""),
        ];
        for (raw, want) in cases {
            assert_eq!(defuse_formula(raw), want, "{raw:?}");
        }
    }
}
