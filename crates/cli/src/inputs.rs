//! Lists a person hands a bulk command: one email per line, from a file or stdin (`-`),
//! read as operators write them.
//!
//! The one rule for every list file (`offboard --from-file`, `reclaim --exclude`): UTF-8
//! text, a byte-order mark and CRLF (or lone CR) line ends allowed; blank lines skipped;
//! `#` starts a comment at the start of a line, after whitespace or after an address's `@`
//! (in the local part, as in `a#b@example.com`, it is part of the address); every other line is one email, checked by
//! `cfzt_models::validate_email`; the same email twice, in any ASCII case
//! (`cfzt_models::email_key`), counts once. A line that is not an email refuses the whole
//! list, naming the line, before anything is sent: an exclusion that names no one would
//! cost someone their seat.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use cfzt_models::{ValidationError, email_key, validate_email};

use crate::errors::CliError;

/// The hint of a refused line: the format in one sentence.
const FORMAT_HINT: &str =
    "a list holds one email per line; blank lines and `#` comments are skipped (see the command's --help)";

/// Reads a list from `path` (`-` for stdin), as the module says.
pub(crate) fn read_list(path: &Path) -> Result<Vec<String>, CliError> {
    let context = || format!("reading {}", path.display());
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        io::stdin().lock().read_to_end(&mut bytes)
    } else {
        File::open(path).and_then(|mut file| file.read_to_end(&mut bytes))
    };
    read.map_err(CliError::io(context()))?;
    match parse_list(&bytes) {
        Ok(items) => Ok(items),
        Err(ListError::NotUtf8 { line, utf16 }) => {
            let why = if utf16 { "is UTF-16, not UTF-8" } else { "is not UTF-8 text" };
            let message = format!("the list {why} (line {line}); save it as UTF-8");
            Err(CliError::io(context())(io::Error::new(io::ErrorKind::InvalidData, message)))
        }
        Err(ListError::NotAnEmail { line, error }) => {
            Err(CliError::usage(format!("{} line {line}: {error}", path.display()), Some(FORMAT_HINT.into())))
        }
    }
}

/// Why a list was refused.
#[derive(Debug, PartialEq)]
pub(crate) enum ListError {
    /// The bytes are not UTF-8; `line` holds the first bad byte. `utf16` when they start
    /// with a UTF-16 byte-order mark.
    NotUtf8 { line: usize, utf16: bool },
    /// Line `line` is neither blank, a comment nor an email.
    NotAnEmail { line: usize, error: ValidationError },
}

/// The emails of a list, as the module says, in the order given, first of repeats kept.
pub(crate) fn parse_list(bytes: &[u8]) -> Result<Vec<String>, ListError> {
    let line_of = |at: usize| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ListError::NotUtf8 { line: 1, utf16: true });
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| ListError::NotUtf8 { line: line_of(e.valid_up_to()), utf16: false })?;
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        // CRLF, and a lone CR (old Mac exports), end a line too.
        for piece in line.split('\r') {
            let item = item_of(piece);
            if item.is_empty() {
                continue;
            }
            validate_email(item).map_err(|error| ListError::NotAnEmail { line: index + 1, error })?;
            if seen.insert(email_key(item)) {
                items.push(item.to_string());
            }
        }
    }
    Ok(items)
}

/// The email a line holds, or `""`: blanks and byte-order marks around it and a comment
/// removed. A comment starts at a `#` at the start, after whitespace or after the `@` (a
/// domain holds no `#`, so `ceo@example.com# keep` is Ceo); a `#` in the local part is
/// part of the address.
fn item_of(line: &str) -> &str {
    let blank = |c: char| c.is_whitespace() || c == '\u{FEFF}';
    let line = line.trim_matches(blank);
    let (mut after_blank, mut in_domain) = (true, false);
    for (at, c) in line.char_indices() {
        if c == '#' && (after_blank || in_domain) {
            return line[..at].trim_matches(blank);
        }
        after_blank = blank(c);
        in_domain |= c == '@';
    }
    line
}

/// Emails from the command line and from a list file together, without repeats (in any
/// ASCII case), each checked by `cfzt_models::validate_email` before anything is sent.
pub(crate) fn merge(items: Vec<String>, file: Option<&Path>) -> Result<Vec<String>, CliError> {
    for (n, item) in items.iter().enumerate() {
        validate_email(item).map_err(|e| CliError::usage(format!("email {} of the command line: {e}", n + 1), None))?;
    }
    let mut items = items;
    if let Some(path) = file {
        items.extend(read_list(path)?);
    }
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(email_key(item)));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists as operators write them, and the emails they name.
    const LISTS: &[(&str, &str, &[&str])] = &[
        ("plain", "a@example.com\nb@example.com\n", &["a@example.com", "b@example.com"]),
        ("no final newline", "a@example.com\nb@example.com", &["a@example.com", "b@example.com"]),
        ("BOM", "\u{FEFF}a@example.com\nb@example.com\n", &["a@example.com", "b@example.com"]),
        ("BOM before a comment", "\u{FEFF}# keep\na@example.com\n", &["a@example.com"]),
        ("BOM alone", "\u{FEFF}", &[]),
        ("CRLF", "a@example.com\r\nb@example.com\r\n", &["a@example.com", "b@example.com"]),
        ("lone CR", "a@example.com\rb@example.com\r", &["a@example.com", "b@example.com"]),
        ("BOM and CRLF", "\u{FEFF}a@example.com\r\n\r\nb@example.com\r\n", &["a@example.com", "b@example.com"]),
        ("blanks", "\n  \n\ta@example.com  \n\n \u{A0}\n", &["a@example.com"]),
        ("comment lines", "# leavers\n  # indented\na@example.com\n#b@example.com\n", &["a@example.com"]),
        ("trailing comment", "a@example.com # left in May\nb@example.com\t#x\n", &["a@example.com", "b@example.com"]),
        ("# inside an address", "a#b@example.com\n", &["a#b@example.com"]),
        ("# after an address", "a@example.com#x\nb@example.com# y\n", &["a@example.com", "b@example.com"]),
        ("# in both parts", "a#b@example.com#c\n", &["a#b@example.com"]),
        (
            "repeats in ASCII case",
            "a@example.com\nA@EXAMPLE.com\nb@example.com\na@example.com\n",
            &["a@example.com", "b@example.com"],
        ),
        (
            "lookalikes are two people",
            "mark@example.com\nmar\u{212A}@example.com\n",
            &["mark@example.com", "mar\u{212A}@example.com"],
        ),
        ("empty", "", &[]),
        ("only comments", "# nobody\n\n", &[]),
        (
            "everything",
            "\u{FEFF}# leavers\r\n\r\nA@example.com  # Ann\r\na@example.com\r\n  b@example.com\r\n",
            &["A@example.com", "b@example.com"],
        ),
    ];

    #[test]
    fn lists_name_exactly_the_people_written() {
        for (what, text, want) in LISTS {
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(parse_list(text.as_bytes()), Ok(want), "{what}");
        }
    }

    /// Lists refused, and the line named.
    #[test]
    fn a_line_that_is_not_an_email_refuses_the_list_naming_it() {
        let cases: &[(&str, usize, &str)] = &[
            ("a@example.com\nemail\n", 2, "must be an address"),
            ("a@example.com\r\nJane Doe <jane@example.com>\r\n", 2, "U+0020"),
            ("a@example.com,b@example.com\n", 1, "must be an address"),
            ("a@example.com\n\n\njdoe@exa\u{200B}mple.com\n", 4, "U+200B"),
            ("a@example.com\u{1B}[2J\n", 1, "U+001B"),
            ("a@example.com b@example.com\n", 1, "U+0020"),
        ];
        for (text, line, reason) in cases {
            match parse_list(text.as_bytes()) {
                Err(ListError::NotAnEmail { line: got, error }) => {
                    assert_eq!((got, error.field()), (*line, "email"), "{text:?}");
                    assert!(error.reason().contains(reason), "{text:?}: {error}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_refused_naming_the_line() {
        let cases: &[(&[u8], usize, bool)] = &[
            (b"a@example.com\nb\xFF@example.com\n", 2, false),
            (b"j\xF6rg@example.com\n", 1, false), // Latin-1
            (b"\xFF\xFEa\0@\0b\0\n\0", 1, true),  // UTF-16 LE, as Windows Notepad saved "Unicode"
            (b"\xFE\xFF\0a\0@\0b\0\n", 1, true),  // UTF-16 BE
        ];
        for (bytes, line, utf16) in cases {
            assert_eq!(parse_list(bytes), Err(ListError::NotUtf8 { line: *line, utf16: *utf16 }), "{bytes:?}");
        }
    }

    #[test]
    fn merge_keeps_the_first_of_repeats_and_checks_the_command_line() {
        let items = vec!["x@example.com".to_string(), "X@example.com".to_string(), "y@example.com".to_string()];
        assert_eq!(merge(items, None).unwrap(), ["x@example.com", "y@example.com"]);
        let err = merge(vec!["x@example.com".into(), "not an email".into()], None).unwrap_err();
        assert_eq!(err.exit_code(), crate::errors::EXIT_USAGE);
        assert!(err.render().contains("email 2 of the command line"), "{}", err.render());
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = read_list(Path::new("/nonexistent/leavers.txt")).unwrap_err();
        assert!(err.render().contains("/nonexistent/leavers.txt"));
    }
}
