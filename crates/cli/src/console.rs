//! Every line the CLI writes to stderr, through [`say_line`] (or [`say!`]): cleaned of control and format
//! characters (a server's text among it cannot act on the terminal), and written without
//! failing: a stderr that is closed or a pipe whose reader went away loses the line, but
//! never panics the command (`eprintln!` would, and the crate forbids it).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::sanitize::clean;

/// Writes a line to stderr, as [`say_line`] does, from `format!`-style arguments.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::console::say_line(&format!($($arg)*))
    };
}
pub(crate) use say;

/// `--quiet`: notes and progress are not written.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Sets `--quiet`.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// `true` with `--quiet`: no notes, no progress.
pub(crate) fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Writes `text` and a line feed to stderr, each of its lines cleaned of control and
/// format characters; a failure to write is ignored (there is nowhere left to report it).
/// With `--quiet` only errors and warnings are written: lines that start `error:` or
/// `warning:`, and the lines that follow them.
pub(crate) fn say_line(text: &str) {
    if is_quiet() && !(text.starts_with("error:") || text.starts_with("warning:")) {
        return;
    }
    let _ = std::io::stderr().lock().write_all(lines(text).as_bytes());
}

/// `text` as it is written: each line cleaned, each ended with a line feed.
pub(crate) fn lines(text: &str) -> String {
    text.lines().map(|line| clean(line) + "\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_line_is_cleaned_and_ended() {
        let cases = [
            ("error: x", "error: x\n"),
            ("error: a\nhint: b", "error: a\nhint: b\n"),
            ("error: \u{1b}[2Jgone\u{202e}", "error: \\u{1b}[2Jgone\\u{202e}\n"),
            ("a\r\nb", "a\nb\n"),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(lines(text), want, "{text:?}");
        }
    }
}
