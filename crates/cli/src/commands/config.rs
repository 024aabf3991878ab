//! `cfzt config list|show|set`: the config file's profiles, never a token.

use std::io;

use serde::Serialize;

use crate::args::{ConfigCommand, GlobalArgs, parse_deadline, parse_rate_limit};
use crate::console::say;
use crate::errors::CliError;
use crate::output::{Format, print_json};
use crate::profiles::{self, ConfigFile, PROFILE_KEYS};
use crate::settings::{Credential, Settings, Source};

pub(super) fn run(global: &GlobalArgs, command: ConfigCommand) -> Result<(), CliError> {
    let env = |name: &str| std::env::var(name).ok();
    let path = profiles::path(global.config.as_deref(), &env).ok_or_else(|| {
        CliError::usage("no config file: HOME is not set", Some("pass --config FILE or set CFZT_CONFIG".into()))
    })?;
    let json = global.output == Some(Format::Json);
    match command {
        ConfigCommand::List => list(&path, &profiles::load(&path)?, json),
        ConfigCommand::Show => show(&Settings::load(global, &env)?, json),
        ConfigCommand::Set { key, value } => set(&path, global.profile.as_deref(), &key, &value),
    }
}

/// One profile as `config list` shows it.
#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    default: bool,
    account_id: Option<&'a str>,
    credential: Option<String>,
}

fn list(path: &std::path::Path, file: &ConfigFile, json: bool) -> Result<(), CliError> {
    let default = file.default_profile.as_deref().unwrap_or(profiles::DEFAULT_PROFILE);
    let rows: Vec<Listed<'_>> = file
        .profiles
        .iter()
        .map(|(name, p)| Listed {
            name,
            default: name == default,
            account_id: p.account_id.as_deref(),
            credential: credential_of(p).map(|c| c.to_string()),
        })
        .collect();
    if json {
        return Ok(print_json(io::stdout(), &rows)?);
    }
    if rows.is_empty() {
        say!("no profiles in {}: `cfzt config set --profile NAME account_id ID` adds one", path.display());
    }
    let mut out = String::new();
    for row in &rows {
        let mark = if row.default { "*" } else { " " };
        out.push_str(&format!(
            "{mark} {:<16} {:<34} {}\n",
            row.name,
            row.account_id.unwrap_or("-"),
            row.credential.as_deref().unwrap_or("-")
        ));
    }
    write_out(&out)
}

fn credential_of(p: &profiles::Profile) -> Option<Credential> {
    if let Some(var) = &p.token_env {
        Some(Credential::TokenEnv(var.clone()))
    } else if let Some(command) = &p.token_command {
        Some(Credential::TokenCommand(command.clone()))
    } else {
        p.api_token.as_ref().map(|_| Credential::InFile)
    }
}

/// One setting as `config show` shows it.
#[derive(Serialize)]
struct Shown {
    setting: &'static str,
    value: String,
    source: Source,
}

fn show(s: &Settings, json: bool) -> Result<(), CliError> {
    let shown = |setting, value: Option<String>, source: Option<Source>| Shown {
        setting,
        value: value.unwrap_or_else(|| "-".into()),
        source: source.unwrap_or(Source::Default),
    };
    let rows = [
        shown("config_file", s.file.as_ref().map(|p| p.display().to_string()), None),
        shown("profile", s.profile.clone(), s.profile.clone().map(Source::Profile)),
        shown(
            "account_id",
            s.account.as_ref().map(|a| a.value.to_string()),
            s.account.as_ref().map(|a| a.source.clone()),
        ),
        shown("base_url", s.base_url.as_ref().map(|a| a.value.clone()), s.base_url.as_ref().map(|a| a.source.clone())),
        shown("rate_limit", Some(rate_limit(&s.rate_limit.value)), Some(s.rate_limit.source.clone())),
        shown("budget_url", s.budget.as_ref().map(|a| a.value.clone()), s.budget.as_ref().map(|a| a.source.clone())),
        shown("deadline", Some(deadline(&s.deadline.value)), Some(s.deadline.source.clone())),
        shown(
            "credential",
            s.credential.as_ref().map(|c| c.value.to_string()),
            s.credential.as_ref().map(|c| c.source.clone()),
        ),
    ];
    if json {
        return Ok(print_json(io::stdout(), &rows)?);
    }
    let out: String = rows.iter().map(|r| format!("{:<12} {}  ({})\n", r.setting, r.value, r.source)).collect();
    write_out(&out)
}

fn rate_limit(value: &crate::args::RateLimitArg) -> String {
    match value {
        crate::args::RateLimitArg::Off => "off".into(),
        crate::args::RateLimitArg::Quota(q) => format!("{}/{}s", q.requests(), q.window().as_secs_f64()),
    }
}

fn deadline(value: &crate::args::DeadlineArg) -> String {
    value.0.map_or_else(|| "off".into(), |d| format!("{}s", d.as_secs_f64()))
}

fn set(path: &std::path::Path, profile: Option<&str>, key: &str, value: &str) -> Result<(), CliError> {
    let mut file = profiles::load(path)?;
    let value = value.trim();
    let new = (!value.is_empty()).then(|| value.to_string());
    if key == "default_profile" {
        file.default_profile = new;
        profiles::save(path, &file)?;
        say!("set default_profile in {}", path.display());
        return Ok(());
    }
    if !PROFILE_KEYS.contains(&key) {
        let hint = if ["token", "api_token", "api_key"].contains(&key) {
            "a token is never written by cfzt: set token_env (the variable that holds it) or token_command (a \
             command that prints it)"
                .to_string()
        } else {
            format!("the keys are default_profile, {}", PROFILE_KEYS.join(", "))
        };
        return Err(CliError::usage(format!("unknown config key {key:?}"), Some(hint)));
    }
    if let Some(v) = &new {
        check(key, v).map_err(|e| CliError::usage(format!("{key}: {e}"), None))?;
    }
    let name = profile.or(file.default_profile.as_deref()).unwrap_or(profiles::DEFAULT_PROFILE).to_string();
    let p = file.profiles.entry(name.clone()).or_default();
    let slot = match key {
        "account_id" => &mut p.account_id,
        "base_url" => &mut p.base_url,
        "rate_limit" => &mut p.rate_limit,
        "budget_url" => &mut p.budget_url,
        "deadline" => &mut p.deadline,
        "token_env" => &mut p.token_env,
        _ => &mut p.token_command,
    };
    *slot = new;
    profiles::save(path, &file)?;
    say!("set {key} of profile {name:?} in {}", path.display());
    Ok(())
}

/// Checks a value as the setting will read it, so that a bad one is refused now.
fn check(key: &str, value: &str) -> Result<(), String> {
    match key {
        "account_id" => value.parse::<cfzt_access_users::AccountId>().map(drop).map_err(|e| e.to_string()),
        "rate_limit" => parse_rate_limit(value).map(drop),
        "deadline" => parse_deadline(value).map(drop),
        _ => Ok(()),
    }
}

fn write_out(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = io::stdout().lock();
    out.write_all(crate::console::lines(text).as_bytes())?;
    Ok(out.flush()?)
}
