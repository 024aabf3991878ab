//! What can end a command, its exit code, and the one or two lines a person reads: what
//! went wrong (Cloudflare's message and code, the cf-ray) and, where one fits, what to do.

use std::fmt::Write as _;
use std::io;
use std::time::Duration;

use cfzt_access_users::{ConfigSetting, Error as SdkError};
use cfzt_transport::BudgetQuota;

use crate::args::DEFAULT_DEADLINE;
use crate::permissions::{self, Needs};
use crate::sanitize::clean;

/// Exit code: done.
pub(crate) const EXIT_OK: u8 = 0;
/// Exit code: an error.
pub(crate) const EXIT_ERROR: u8 = 1;
/// Exit code: a usage error (clap uses it for its own).
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit code: `cfzt sync --exit-code` found drift (Terraform's `-detailed-exitcode`).
pub(crate) const EXIT_DRIFT: u8 = 2;
/// Exit code: a bulk command finished but some items failed (or could not be looked up).
pub(crate) const EXIT_PARTIAL: u8 = 3;
/// Exit code: interrupted by Ctrl-C (128 + SIGINT, as shells expect).
pub(crate) const EXIT_INTERRUPTED: u8 = 130;

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A call failed; `needs` is the token permissions the command needs, for a 403's
    /// hint, and `quota` the rate budget's quota then, for a 429's.
    Api { source: SdkError, needs: Needs, quota: Option<BudgetQuota> },
    /// Anything else that stops a command, e.g. `users find` of an email no user has.
    Failed { message: String, hint: Option<String> },
    /// The command line or the environment lacks something, or a change was refused
    /// without `--yes` off a terminal.
    Usage { message: String, hint: Option<String> },
    /// A bulk command finished, but some of its items failed.
    Partial { message: String, hint: Option<String> },
    /// A bulk command was stopped by Ctrl-C before it finished.
    Interrupted { message: String, hint: Option<String> },
    /// `cfzt sync --exit-code` found drift: exit 2.
    Drift { message: String },
    /// Reading or writing a file or the terminal failed.
    Io { context: String, source: io::Error },
}

impl CliError {
    /// Wraps an SDK error of a command that needs `permission`.
    pub(crate) fn api(needs: Needs) -> impl FnOnce(SdkError) -> CliError {
        move |source| CliError::Api { source, needs, quota: None }
    }

    /// The same error, its hint naming `quota` as the rate budget's quota.
    pub(crate) fn with_quota(self, quota: Option<BudgetQuota>) -> CliError {
        match self {
            CliError::Api { source, needs, .. } => CliError::Api { source, needs, quota },
            other => other,
        }
    }

    pub(crate) fn usage(message: impl Into<String>, hint: Option<String>) -> CliError {
        CliError::Usage { message: message.into(), hint }
    }

    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(io::Error) -> CliError {
        let context = context.into();
        move |source| CliError::Io { context, source }
    }

    /// The process's exit code for this failure.
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => EXIT_USAGE,
            CliError::Api { source, .. } if source.is_validation() || is_setting_error(source) => EXIT_USAGE,
            CliError::Partial { .. } => EXIT_PARTIAL,
            CliError::Drift { .. } => EXIT_DRIFT,
            CliError::Interrupted { .. } => EXIT_INTERRUPTED,
            _ => EXIT_ERROR,
        }
    }

    /// `true` when stdout was closed early (`cfzt users list | head`): not worth a message.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The message for stderr: `error: ...`, and `hint: ...` where one fits. Each is one
    /// line, cleaned of control and format characters: the server's text among it (its
    /// message, an HTML error page) cannot act on the terminal or forge a line.
    pub(crate) fn render(&self) -> String {
        let (message, hint) = self.parts();
        let mut out = format!("error: {}", clean(&message));
        if let Some(hint) = hint {
            let _ = write!(out, "\nhint: {}", clean(&hint));
        }
        out
    }

    /// What went wrong and what to do, apart: for a command that reports many failures,
    /// each on one line, and the hint once.
    pub(crate) fn parts(&self) -> (String, Option<String>) {
        match self {
            CliError::Api { source, needs, quota } => (chain(source), api_hint(source, needs, *quota)),
            CliError::Failed { message, hint }
            | CliError::Usage { message, hint }
            | CliError::Partial { message, hint }
            | CliError::Interrupted { message, hint } => (message.clone(), hint.clone()),
            CliError::Drift { message } => (message.clone(), None),
            CliError::Io { context, source } => (format!("{context}: {source}"), None),
        }
    }
}

impl From<io::Error> for CliError {
    fn from(source: io::Error) -> Self {
        CliError::Io { context: "writing the output".into(), source }
    }
}

/// An error and its sources on one line: the SDK's `Display` never repeats its source,
/// except a call the rate budget refused, whose `Display` says all its source says.
fn chain(error: &SdkError) -> String {
    let mut out = error.to_string();
    if refused_by_budget(error) {
        return out;
    }
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        let _ = write!(out, ": {s}");
        source = s.source();
    }
    out
}

const CREDENTIALS: &str = "CLOUDFLARE_API_TOKEN (or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY)";

/// Whether `error` is a setting the person running the command got wrong (a bad
/// `--base-url`, `--budget` or credential): a usage error. A transport that cannot be
/// built is not theirs to fix.
fn is_setting_error(error: &SdkError) -> bool {
    matches!(error, SdkError::Config(e) if e.setting != ConfigSetting::Transport)
}

/// The hint for a configuration error: the flag and the variable that set what is wrong.
fn config_hint(setting: ConfigSetting) -> Option<String> {
    let hint = match setting {
        ConfigSetting::Credentials => format!("set {CREDENTIALS}, or try the command with --demo"),
        ConfigSetting::BaseUrl => "check --base-url (or CLOUDFLARE_BASE_URL): an https:// URL ending in /client/v4, \
                                   or http:// to a loopback host; unset it for Cloudflare's API"
            .into(),
        ConfigSetting::BudgetStore => "check --budget (or CFZT_BUDGET_URL): a Redis URL such as \
                                       redis://127.0.0.1:6379; unset it to keep the budget in this process"
            .into(),
        _ => return None,
    };
    Some(hint)
}

/// Whether the client's own budget refused to send the call, or to retry the server's 429
/// (it would have waited past the deadline), rather than the server refusing it alone.
fn refused_by_budget(error: &SdkError) -> bool {
    error.is_rate_limited() && error.as_api().is_none_or(|api| api.pacing_wait.is_some())
}

fn api_hint(error: &SdkError, needs: Needs, quota: Option<BudgetQuota>) -> Option<String> {
    if let SdkError::Config(e) = error {
        return config_hint(e.setting);
    }
    if refused_by_budget(error) {
        // The client's own budget refused to wait past --deadline.
        return Some(format!(
            "{}; or let a call wait longer with --deadline (default {DEFAULT_DEADLINE}; `off` waits as long as the \
             budget says)",
            rate_limit_hint(error.retry_after(), quota)
        ));
    }
    if error.is_transport() {
        return Some(
            "no answer came: check the network and --base-url; --timeout and --max-retries set how \
                     long to keep trying"
                .into(),
        );
    }
    let api = error.as_api()?;
    let hint = match api.status.as_u16() {
        401 => format!("the credentials were refused: check {CREDENTIALS}"),
        400 if [6003, 6111, 9109].iter().any(|&c| api.has_code(c)) => {
            format!("the credentials are malformed or wrong: check {CREDENTIALS}")
        }
        403 => format!(
            "the API token needs {} for this account (or --account names an account the token cannot use)",
            permissions::quoted(needs)
        ),
        404 => match api.operation {
            "get_active_session" => "no such session: `cfzt sessions list USER` shows the nonces".into(),
            _ => "no such user in this account: `cfzt users find EMAIL` shows a user's id".into(),
        },
        400 if api.operation == "update_user" => {
            "--email must be the user's current email: `cfzt users get ID` shows it".into()
        }
        409 => "a user with this email exists already: `cfzt users find EMAIL` shows them".into(),
        429 => rate_limit_hint(error.retry_after(), quota),
        500..=599 => {
            "Cloudflare failed to answer; try again later, and quote the cf-ray to Cloudflare support if it lasts"
                .into()
        }
        _ => return None,
    };
    Some(hint)
}

/// The rate budget is spent: say its quota (the one in use, which is the server's when it
/// announced one the budget follows) and when it resets.
fn rate_limit_hint(retry_after: Option<Duration>, quota: Option<BudgetQuota>) -> String {
    let (budget, window) = match quota {
        Some(q) => (
            format!("the rate budget for this token ({} requests per {}) is spent", q.requests(), span(q.window())),
            span(q.window()),
        ),
        None => ("Cloudflare's rate limit for this token is spent".to_string(), "5 minutes".to_string()),
    };
    match retry_after {
        Some(wait) => {
            let at = chrono::Utc::now() + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
            format!(
                "{budget}; it resets in {} s, at {} UTC: run the command again then",
                wait.as_secs(),
                at.format("%H:%M:%S")
            )
        }
        None => format!("{budget}; it resets within {window}: run the command again then"),
    }
}

/// A window as people say it: "5 minutes", "1 minute", "90 s".
fn span(window: Duration) -> String {
    match window.as_secs() {
        60 => "1 minute".into(),
        s if s > 0 && s % 60 == 0 => format!("{} minutes", s / 60),
        _ => format!("{} s", window.as_secs_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(CliError::usage("x", None).exit_code(), EXIT_USAGE);
        assert_eq!(CliError::Partial { message: "1 of 2 failed".into(), hint: None }.exit_code(), EXIT_PARTIAL);
        assert_eq!(CliError::Interrupted { message: "stopped".into(), hint: None }.exit_code(), 130);
        let validation = SdkError::from(cfzt_models::ValidationError::new("email", "is empty"));
        assert_eq!(CliError::api(permissions::CHANGE)(validation).exit_code(), EXIT_USAGE);
    }

    #[test]
    fn the_rate_limit_hint_says_when_and_the_quota_in_use() {
        let hint = rate_limit_hint(Some(Duration::from_secs(120)), Some(BudgetQuota::cloudflare()));
        assert!(hint.contains("resets in 120 s, at "), "{hint}");
        assert!(hint.contains("(1200 requests per 5 minutes)"), "{hint}");
        let announced = BudgetQuota::new(100, Duration::from_secs(60)).unwrap();
        let hint = rate_limit_hint(None, Some(announced));
        assert!(hint.contains("(100 requests per 1 minute)") && hint.contains("within 1 minute"), "{hint}");
        assert!(rate_limit_hint(None, None).contains("within 5 minutes"));
    }

    #[test]
    fn render_has_a_hint_line_only_when_there_is_a_hint() {
        assert_eq!(CliError::usage("no account", None).render(), "error: no account");
        assert_eq!(CliError::usage("a", Some("b".into())).render(), "error: a\nhint: b");
    }
}
