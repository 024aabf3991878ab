//! Asking the person at the terminal before a destructive change.

use std::io::{self, BufRead, IsTerminal, Write};

use crate::errors::CliError;

/// `true` when a person can answer: stdin and stderr are both terminals.
pub(crate) fn can_ask() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Asks `question` on stderr and reads the answer from stdin: `y` or `yes` agrees,
/// anything else (or end of input) declines.
pub(crate) fn ask(question: &str) -> Result<bool, CliError> {
    let mut stderr = io::stderr();
    write!(stderr, "{} [y/N] ", crate::sanitize::clean(question))
        .and_then(|()| stderr.flush())
        .map_err(CliError::io("asking"))?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer).map_err(CliError::io("reading the answer"))?;
    Ok(agrees(&answer))
}

fn agrees(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_yes_agrees() {
        for (answer, want) in
            [("y\n", true), ("YES\n", true), (" yes ", true), ("", false), ("n\n", false), ("yep", false)]
        {
            assert_eq!(super::agrees(answer), want, "{answer:?}");
        }
    }
}
