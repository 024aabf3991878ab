//! The config file and its named profiles: where the file is, reading it (refused when it
//! holds a secret others can read), choosing a profile, editing it, and running a profile's
//! `token_command`.
//!
//! ```toml
//! default_profile = "prod"          # else a profile named "default", if there is one
//!
//! [profiles.prod]
//! account_id = "023e105f4ecef8ad9ca31a8372d0c353"
//! token_command = "pass show cloudflare/prod"   # its stdout is the token
//! rate_limit = "600/300s"
//!
//! [profiles.staging]
//! account_id = "..."
//! token_env = "CF_STAGING_TOKEN"                # the variable holding the token
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::errors::CliError;

/// The variable naming the config file (as `--config` does).
pub(crate) const CONFIG_ENV: &str = "CFZT_CONFIG";
/// The profile used when none is named and the file has no `default_profile`.
pub(crate) const DEFAULT_PROFILE: &str = "default";
/// How long a `token_command` may run.
pub(crate) const TOKEN_COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Keys that hold a secret: a file with one must be readable by its owner only.
const SECRET_KEYS: [&str; 3] = ["token", "api_token", "api_key"];
/// The keys `cfzt config set` writes in a profile.
pub(crate) const PROFILE_KEYS: [&str; 7] =
    ["account_id", "base_url", "rate_limit", "budget_url", "deadline", "token_env", "token_command"];

/// The whole file.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// The profile used when neither `--profile` nor `CFZT_PROFILE` names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) default_profile: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// One profile: settings, and where the credential comes from (never the credential).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    pub(crate) account_id: Option<String>,
    pub(crate) base_url: Option<String>,
    pub(crate) rate_limit: Option<String>,
    pub(crate) budget_url: Option<String>,
    pub(crate) deadline: Option<String>,
    /// The environment variable holding the API token.
    pub(crate) token_env: Option<String>,
    /// A command whose standard output is the API token.
    pub(crate) token_command: Option<String>,
    /// A token in the file itself: read only from a file no one else can read.
    #[serde(alias = "token", skip_serializing)]
    pub(crate) api_token: Option<Secret>,
}

/// A token read from the file: its `Debug` never shows it.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub(crate) struct Secret(pub(crate) String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// The config file's path: `--config`, else `CFZT_CONFIG`, else the platform's config
/// directory (`$XDG_CONFIG_HOME/cfzt/config.toml`, `~/.config/cfzt/config.toml`;
/// `%APPDATA%\cfzt\config.toml` on Windows).
pub(crate) fn path(flag: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(path) = flag {
        return Some(path.to_path_buf());
    }
    if let Some(path) = var(CONFIG_ENV) {
        return Some(PathBuf::from(path));
    }
    let dir = if cfg!(windows) {
        PathBuf::from(var("APPDATA")?)
    } else {
        // XDG: a relative XDG_CONFIG_HOME is to be ignored.
        match var("XDG_CONFIG_HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
            Some(dir) => dir,
            None => PathBuf::from(var("HOME")?).join(".config"),
        }
    };
    Some(dir.join("cfzt").join("config.toml"))
}

/// Reads the file at `path`; a missing file is an empty one.
pub(crate) fn load(path: &Path) -> Result<ConfigFile, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => return Err(CliError::io(format!("reading the config file {}", path.display()))(e)),
    };
    let bad = |message: String| CliError::usage(format!("the config file {}: {message}", path.display()), None);
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| bad(e.message().to_string()))?;
    if holds_secret(&table) && readable_by_others(path) {
        return Err(CliError::usage(
            format!("the config file {} holds a token and other users can read it", path.display()),
            Some(format!("chmod 600 {}; better, replace the token with token_env or token_command", path.display())),
        ));
    }
    ConfigFile::deserialize(table).map_err(|e| bad(e.message().to_string()))
}

/// Whether any profile (or the top level) has a key that holds a secret.
fn holds_secret(table: &toml::Table) -> bool {
    let secret = |t: &toml::Table| SECRET_KEYS.iter().any(|k| t.contains_key(*k));
    let profiles = table.get("profiles").and_then(toml::Value::as_table);
    secret(table) || profiles.is_some_and(|p| p.values().filter_map(toml::Value::as_table).any(secret))
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_path: &Path) -> bool {
    false
}

impl ConfigFile {
    /// The profile to use and its name: `named` (`--profile`, `CFZT_PROFILE`), else
    /// `default_profile`, else one named `default`; `None` when nothing names one and there
    /// is no `default`. A name given but absent is an error listing the names there are.
    pub(crate) fn select(&self, named: Option<&str>, path: &Path) -> Result<Option<(String, Profile)>, CliError> {
        let explicit = named.or(self.default_profile.as_deref());
        let name = explicit.unwrap_or(DEFAULT_PROFILE);
        match self.profiles.get(name) {
            Some(profile) => Ok(Some((name.to_string(), profile.clone()))),
            None if explicit.is_none() => Ok(None),
            None => {
                let names: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                let hint = match names.as_slice() {
                    [] => format!("`cfzt config set --profile {name} account_id ID` creates it"),
                    names => format!("the profiles are: {}", names.join(", ")),
                };
                Err(CliError::usage(format!("no profile {name:?} in {}", path.display()), Some(hint)))
            }
        }
    }
}

/// Writes `file` to `path` readable by its owner only, creating the directory.
pub(crate) fn save(path: &Path, file: &ConfigFile) -> Result<(), CliError> {
    let text = toml::to_string(file)
        .map_err(|e| CliError::Failed { message: format!("writing the config: {e}"), hint: None })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(CliError::io(format!("creating {}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let context = format!("writing the config file {}", path.display());
    let mut out = options.open(path).map_err(CliError::io(context.clone()))?;
    std::io::Write::write_all(&mut out, text.as_bytes()).map_err(CliError::io(context))
}

/// Runs a profile's `token_command` with the shell and returns its trimmed stdout; a
/// command that fails, prints nothing or runs longer than [`TOKEN_COMMAND_TIMEOUT`] is an
/// error naming the profile (never the output).
pub(crate) async fn run_token_command(profile: &str, command: &str) -> Result<String, CliError> {
    let fail = |why: String| CliError::Failed {
        message: format!("the token_command of profile {profile:?} {why}"),
        hint: Some(format!("run it yourself to see why: {command}")),
    };
    let mut shell = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C");
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c");
        c
    };
    shell
        .arg(command)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    let child = shell.spawn().map_err(|e| fail(format!("could not start: {e}")))?;
    let output = match tokio::time::timeout(TOKEN_COMMAND_TIMEOUT, child.wait_with_output()).await {
        Ok(output) => output.map_err(|e| fail(format!("failed: {e}")))?,
        Err(_) => return Err(fail(format!("did not finish within {} s", TOKEN_COMMAND_TIMEOUT.as_secs()))),
    };
    if !output.status.success() {
        return Err(fail(format!("failed ({})", output.status)));
    }
    let token = String::from_utf8(output.stdout).map_err(|_| fail("printed something that is not UTF-8".into()))?;
    let token = token.trim();
    if token.is_empty() {
        return Err(fail("printed no token".into()));
    }
    Ok(token.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_follows_the_flag_the_variable_then_xdg() {
        let env = |set: &'static [(&'static str, &'static str)]| {
            move |name: &str| set.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        let flag = Path::new("/f.toml");
        type Case<'a> = (Option<&'a Path>, &'a [(&'a str, &'a str)], Option<&'a str>);
        let cases: [Case<'_>; 5] = [
            (Some(flag), &[(CONFIG_ENV, "/e.toml")], Some("/f.toml")),
            (None, &[(CONFIG_ENV, "/e.toml"), ("HOME", "/h")], Some("/e.toml")),
            (None, &[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")], Some("/x/cfzt/config.toml")),
            (None, &[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")], Some("/h/.config/cfzt/config.toml")),
            (None, &[], None),
        ];
        if cfg!(windows) {
            return;
        }
        for (flag, vars, want) in cases {
            assert_eq!(path(flag, &env(vars)), want.map(PathBuf::from), "{vars:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_command_that_hangs_is_stopped_at_the_bound() {
        if cfg!(windows) {
            return;
        }
        // Paused time: the bound passes at once while the child sleeps.
        let err = run_token_command("slow", "sleep 600").await.unwrap_err().render();
        assert!(err.contains("did not finish within 30 s"), "{err}");
    }

    #[tokio::test]
    async fn a_token_command_that_prints_nothing_is_an_error() {
        if cfg!(windows) {
            return;
        }
        let err = run_token_command("empty", "true").await.unwrap_err().render();
        assert!(err.contains("printed no token"), "{err}");
    }

    #[test]
    fn a_token_in_the_file_is_not_in_debug() {
        let file: ConfigFile = toml::from_str("[profiles.a]\ntoken = \"s3cret\"").unwrap();
        assert!(!format!("{file:?}").contains("s3cret"));
    }

    #[test]
    fn secrets_are_found_in_profiles_and_at_the_top() {
        let cases = [
            ("[profiles.a]\naccount_id = \"x\"", false),
            ("[profiles.a]\ntoken = \"x\"", true),
            ("[profiles.a]\napi_key = \"x\"", true),
            ("api_token = \"x\"", true),
        ];
        for (text, want) in cases {
            assert_eq!(holds_secret(&text.parse().unwrap()), want, "{text}");
        }
    }
}
