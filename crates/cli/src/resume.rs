//! `--resume FILE`: the items a bulk command finished, appended as each one finishes, so
//! that a rerun after Ctrl-C or a failure skips them.
//!
//! The file starts with a line naming the command, so that the file of one command is not
//! taken for another's; then one finished item per line.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::errors::CliError;

/// The finished items of one command, read from and appended to a file.
#[derive(Debug)]
pub(crate) struct Resume {
    file: Option<(File, PathBuf)>,
    done: HashSet<String>,
}

impl Resume {
    /// No file: nothing is skipped or recorded.
    pub(crate) fn none() -> Resume {
        Resume { file: None, done: HashSet::new() }
    }

    /// Opens (or creates) `path` for `command`, reading what it records as done.
    pub(crate) fn open(path: &Path, command: &str) -> Result<Resume, CliError> {
        let header = format!("# cfzt {command} --resume");
        let context = || format!("opening the resume file {}", path.display());
        let mut file =
            OpenOptions::new().create(true).read(true).append(true).open(path).map_err(CliError::io(context()))?;
        let mut lines = BufReader::new(&file).lines();
        let mut done = HashSet::new();
        match lines.next().transpose().map_err(CliError::io(context()))? {
            None => writeln!(file, "{header}").map_err(CliError::io(context()))?,
            Some(first) if first == header => {
                for line in lines {
                    let line = line.map_err(CliError::io(context()))?;
                    if !line.trim().is_empty() {
                        done.insert(line.trim().to_string());
                    }
                }
            }
            Some(first) => {
                return Err(CliError::usage(
                    format!("{} is not a resume file of `cfzt {command}` (it starts with {first:?})", path.display()),
                    Some("pass another --resume file, or delete this one to start over".into()),
                ));
            }
        }
        Ok(Resume { file: Some((file, path.to_path_buf())), done })
    }

    /// Opens `path` when given.
    pub(crate) fn from_option(path: Option<&Path>, command: &str) -> Result<Resume, CliError> {
        path.map_or_else(|| Ok(Resume::none()), |p| Resume::open(p, command))
    }

    /// Whether `key` was finished by an earlier run.
    pub(crate) fn is_done(&self, key: &str) -> bool {
        self.done.contains(key)
    }

    /// Records `key` as finished, on disk at once.
    pub(crate) fn record(&mut self, key: &str) -> Result<(), CliError> {
        if let Some((file, path)) = &mut self.file {
            writeln!(file, "{key}")
                .and_then(|()| file.flush())
                .map_err(CliError::io(format!("writing the resume file {}", path.display())))?;
        }
        self.done.insert(key.to_string());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("cfzt-resume-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn a_rerun_sees_what_the_first_run_finished() {
        let path = temp("rerun");
        let mut first = Resume::open(&path, "offboard").unwrap();
        assert!(!first.is_done("a@example.com"));
        first.record("a@example.com").unwrap();
        drop(first);
        let second = Resume::open(&path, "offboard").unwrap();
        assert!(second.is_done("a@example.com"));
        assert!(!second.is_done("b@example.com"));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn another_commands_file_is_refused() {
        let path = temp("other");
        Resume::open(&path, "reclaim").unwrap().record("x").unwrap();
        let err = Resume::open(&path, "offboard").unwrap_err();
        assert_eq!(err.exit_code(), crate::errors::EXIT_USAGE);
        std::fs::remove_file(path).unwrap();
    }
}
