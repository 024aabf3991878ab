//! Lists a person hands a bulk command: one item per line, from a file or stdin (`-`).

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use crate::errors::CliError;

/// Reads a list from `path` (`-` for stdin): one item per line, trimmed; blank lines and
/// lines starting with `#` are skipped; repeats (ignoring ASCII case) are dropped, keeping
/// the first.
pub(crate) fn read_list(path: &Path) -> Result<Vec<String>, CliError> {
    let context = || format!("reading {}", path.display());
    if path == Path::new("-") {
        return parse_list(io::stdin().lock()).map_err(CliError::io(context()));
    }
    let file = File::open(path).map_err(CliError::io(context()))?;
    parse_list(BufReader::new(file)).map_err(CliError::io(context()))
}

/// The items of `lines`, as [`read_list`] reads them.
pub(crate) fn parse_list(lines: impl BufRead) -> io::Result<Vec<String>> {
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for line in lines.lines() {
        let line = line?;
        let item = line.trim();
        if item.is_empty() || item.starts_with('#') {
            continue;
        }
        if seen.insert(item.to_ascii_lowercase()) {
            items.push(item.to_string());
        }
    }
    Ok(items)
}

/// Items from the command line and from a list file together, without repeats.
pub(crate) fn merge(mut items: Vec<String>, file: Option<&Path>) -> Result<Vec<String>, CliError> {
    if let Some(path) = file {
        items.extend(read_list(path)?);
    }
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(item.trim().to_ascii_lowercase()));
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_skip_blanks_comments_and_repeats() {
        let text = "# leavers\n a@example.com \n\nB@example.com\nA@EXAMPLE.com\n#c@example.com\n";
        assert_eq!(parse_list(text.as_bytes()).unwrap(), ["a@example.com", "B@example.com"]);
    }

    #[test]
    fn merge_keeps_the_first_of_repeats() {
        let items = vec!["x@example.com".to_string(), "X@example.com".to_string(), "y@example.com".to_string()];
        assert_eq!(merge(items, None).unwrap(), ["x@example.com", "y@example.com"]);
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let err = read_list(Path::new("/nonexistent/leavers.txt")).unwrap_err();
        assert!(err.render().contains("/nonexistent/leavers.txt"));
    }
}
