//! Where each setting comes from, in one place: its flag, else its environment variable,
//! else the profile, else the built-in default. (clap already puts a flag before its
//! variable; [`Settings::resolve`] tells which of the two it was and adds the profile.)

use std::path::PathBuf;

use cfzt_access_users::AccountId;
use cfzt_transport::BudgetQuota;
use serde::Serialize;

use crate::args::{DEFAULT_DEADLINE, DeadlineArg, GlobalArgs, RateLimitArg, parse_deadline, parse_rate_limit};
use crate::errors::CliError;
use crate::profiles::{self, Profile};

/// The environment variables that carry credentials, read by the SDK (`load_env`).
pub(crate) const CREDENTIAL_VARS: [&str; 3] = ["CLOUDFLARE_API_TOKEN", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_KEY"];

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Source {
    /// A flag on the command line.
    Flag(&'static str),
    /// An environment variable.
    Env(String),
    /// The profile of this name.
    Profile(String),
    /// The built-in default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(name) => write!(f, "environment {name}"),
            Source::Profile(name) => write!(f, "profile {name}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Sourced<T> {
    pub(crate) value: T,
    pub(crate) source: Source,
}

/// Where the credential comes from (never the credential itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY: the SDK reads them.
    Environment,
    /// The variable a profile's `token_env` names.
    TokenEnv(String),
    /// A profile's `token_command`.
    TokenCommand(String),
    /// A token in the config file itself (a file readable by its owner only).
    InFile,
}

impl std::fmt::Display for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Environment => {
                f.write_str("environment CLOUDFLARE_API_TOKEN / CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY")
            }
            Credential::TokenEnv(name) => write!(f, "token_env {name}"),
            Credential::TokenCommand(command) => write!(f, "token_command {command}"),
            Credential::InFile => f.write_str("api_token in the config file"),
        }
    }
}

/// Every setting a command runs with, each with its source.
#[derive(Debug)]
pub(crate) struct Settings {
    /// The config file looked at, if a path could be made.
    pub(crate) file: Option<PathBuf>,
    /// The profile used, if any.
    pub(crate) profile: Option<String>,
    pub(crate) account: Option<Sourced<AccountId>>,
    pub(crate) base_url: Option<Sourced<String>>,
    pub(crate) rate_limit: Sourced<RateLimitArg>,
    pub(crate) budget: Option<Sourced<String>>,
    pub(crate) deadline: Sourced<DeadlineArg>,
    pub(crate) credential: Option<Sourced<Credential>>,
    /// The profile's own values (an empty one when none is used).
    chosen: Profile,
}

impl Settings {
    /// Reads the config file and resolves every setting from `global` (flags and their
    /// variables, merged by clap), the environment `env` and the profile chosen.
    pub(crate) fn load(global: &GlobalArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<Settings, CliError> {
        let file = profiles::path(global.config.as_deref(), env);
        let profile = match &file {
            Some(path) => profiles::load(path)?.select(global.profile.as_deref(), path)?,
            None if global.profile.is_some() => {
                return Err(CliError::usage("--profile names a profile, and there is no config file", None));
            }
            None => None,
        };
        Settings::resolve(global, env, file, profile)
    }

    /// The precedence rule: flag, then environment variable, then profile, then default.
    pub(crate) fn resolve(
        global: &GlobalArgs,
        env: &dyn Fn(&str) -> Option<String>,
        file: Option<PathBuf>,
        profile: Option<(String, Profile)>,
    ) -> Result<Settings, CliError> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        // A value clap gave came from the flag, unless the variable holds that very value.
        let given = |flag: &'static str, name: &str, shown: Option<String>| {
            shown.map(|shown| match var(name) {
                Some(v) if v.trim() == shown.trim() => Source::Env(name.to_string()),
                _ => Source::Flag(flag),
            })
        };
        let (name, profile) = match profile {
            Some((name, profile)) => (Some(name), profile),
            None => (None, Profile::default()),
        };
        let from_profile = || Source::Profile(name.clone().unwrap_or_default());
        let bad = |key: &str, e: String| {
            CliError::usage(format!("profile {:?}: {key}: {e}", name.clone().unwrap_or_default()), None)
        };
        // A string setting: its flag or variable, else the profile's key.
        let pick = |flag: &'static str, name: &str, given_value: &Option<String>, in_profile: &Option<String>| {
            match given_value {
                Some(v) => Some(Sourced {
                    value: v.clone(),
                    source: given(flag, name, Some(v.clone())).unwrap_or(Source::Default),
                }),
                None => in_profile.clone().map(|value| Sourced { value, source: from_profile() }),
            }
        };

        let account = match (&global.account, &profile.account_id) {
            (Some(id), _) => {
                let source =
                    given("--account", "CLOUDFLARE_ACCOUNT_ID", Some(id.to_string())).unwrap_or(Source::Default);
                Some(Sourced { value: id.clone(), source })
            }
            (None, Some(raw)) => {
                let value = raw.parse::<AccountId>().map_err(|e| bad("account_id", e.to_string()))?;
                Some(Sourced { value, source: from_profile() })
            }
            (None, None) => None,
        };
        let base_url = pick("--base-url", "CLOUDFLARE_BASE_URL", &global.base_url, &profile.base_url);
        let budget = pick("--budget", "CFZT_BUDGET_URL", &global.budget, &profile.budget_url);
        let rate_limit = match (global.rate_limit, &profile.rate_limit) {
            (Some(value), _) => Sourced { value, source: Source::Flag("--rate-limit") },
            (None, Some(raw)) => {
                Sourced { value: parse_rate_limit(raw).map_err(|e| bad("rate_limit", e))?, source: from_profile() }
            }
            (None, None) => Sourced { value: RateLimitArg::Quota(BudgetQuota::cloudflare()), source: Source::Default },
        };
        let deadline = match (global.deadline, &profile.deadline) {
            (Some(value), _) => Sourced { value, source: Source::Flag("--deadline") },
            (None, Some(raw)) => {
                Sourced { value: parse_deadline(raw).map_err(|e| bad("deadline", e))?, source: from_profile() }
            }
            (None, None) => Sourced {
                value: parse_deadline(DEFAULT_DEADLINE).map_err(|e| bad("deadline", e))?,
                source: Source::Default,
            },
        };
        let credential = if let Some(name) = CREDENTIAL_VARS.iter().find(|n| var(n).is_some()) {
            Some(Sourced { value: Credential::Environment, source: Source::Env((*name).to_string()) })
        } else if let Some(token_env) = &profile.token_env {
            Some(Sourced { value: Credential::TokenEnv(token_env.clone()), source: from_profile() })
        } else if let Some(command) = &profile.token_command {
            Some(Sourced { value: Credential::TokenCommand(command.clone()), source: from_profile() })
        } else {
            profile.api_token.as_ref().map(|_| Sourced { value: Credential::InFile, source: from_profile() })
        };
        Ok(Settings {
            file,
            profile: name,
            account,
            base_url,
            rate_limit,
            budget,
            deadline,
            credential,
            chosen: profile,
        })
    }

    /// The token a profile provides, if the credential comes from one (the environment's
    /// is read by the SDK itself).
    pub(crate) async fn profile_token(&self) -> Result<Option<String>, CliError> {
        let name = self.profile.as_deref().unwrap_or_default();
        match self.credential.as_ref().map(|c| &c.value) {
            Some(Credential::TokenEnv(var)) => match std::env::var(var).ok().filter(|v| !v.trim().is_empty()) {
                Some(token) => Ok(Some(token.trim().to_string())),
                None => Err(CliError::usage(
                    format!("profile {name:?} takes its token from the variable {var}, which is not set"),
                    Some(format!("export {var}=..., or set CLOUDFLARE_API_TOKEN")),
                )),
            },
            Some(Credential::TokenCommand(command)) => profiles::run_token_command(name, command).await.map(Some),
            Some(Credential::InFile) => Ok(self.chosen.api_token.as_ref().map(|s| s.0.clone())),
            Some(Credential::Environment) | None => Ok(None),
        }
    }
}
