//! The help texts: what the commands are for, the exit codes, and each command's examples.

pub(crate) const ABOUT: &str = "Cloudflare Zero Trust Access users, sessions and seats from the shell";

pub(crate) const LONG_ABOUT: &str = "\
Cloudflare Zero Trust Access users, sessions and seats from the shell.

Credentials never come from a flag (flags land in shell history), but from the environment:
  CLOUDFLARE_API_TOKEN                    an API token (preferred), or
  CLOUDFLARE_EMAIL + CLOUDFLARE_API_KEY   an email and global API key;
or from a profile of the config file (~/.config/cfzt/config.toml), whose token_env names the
variable holding the token, or whose token_command prints it (`cfzt config --help`).
The account comes from --account, CLOUDFLARE_ACCOUNT_ID or the profile's account_id.
Each setting is taken from the first of: its flag, its environment variable, the profile
(--profile or CFZT_PROFILE, else the file's default_profile, else a profile named
\"default\"), the built-in default.

Try every command with no account: `cfzt --demo users list` starts an embedded fake of the API
with demo data on 127.0.0.1 for the duration of the command (changes last for that one command).";

/// The exit codes, as a literal for `concat!`.
macro_rules! exit_codes {
    () => {
        "Exit codes:
  0  done
  1  error (the API refused, the network failed, or nothing matched); a declined prompt is 0
  2  usage error (bad arguments, no account, a bad setting such as --base-url or --budget,
     or a change refused without --yes off a terminal)
  3  partial failure (a bulk command finished, but some items failed, or a plan could not look
     someone up)
  130  interrupted by Ctrl-C (a bulk command reports the steps under way first)"
    };
}

/// A command's after-help: its examples, then the exit codes.
macro_rules! examples {
    ($($line:literal),+ $(,)?) => {
        concat!("Examples:\n", $("  ", $line, "\n",)+ "\n", exit_codes!())
    };
}

/// A plan -> apply command's after-help: its examples, what it prints, the exit codes.
macro_rules! plan_examples {
    ($($line:literal),+ $(,)?) => {
        concat!("Examples:\n", $("  ", $line, "\n",)+ "
Without --yes the command prints its plan (one row per person and step: run, skip and why, or
undecided when a lookup failed, which is exit 3); on a terminal it then asks \"Apply? [y/N]\"
(no is exit 0, nothing changed), elsewhere it changes nothing. With --yes it applies the
plan and prints the report, in the plan's order (one row per person and step: done, skipped,
failed, not_attempted, stopped, interrupted); undecided steps are looked up again and fail if
that fails again. With -o json, the plan or report is one object. A progress bar is drawn on stderr when stderr is a
terminal. --resume records only people whose every step is done or skipped.
If stdout is closed midway, the rows stop but the job goes on to the end.
Ctrl-C once: no new step starts, the steps under way finish and are reported, exit 130. Twice:
the steps under way are abandoned and reported as interrupted (they may have taken effect).

", exit_codes!())
    };
}

/// Output rules and exit codes, shown after the top-level help.
pub(crate) const AFTER_HELP: &str = concat!(
    "Examples:
  cfzt --demo users list                       # try it with no account
  cfzt users find jdoe@example.com -o json
  cfzt offboard leaver@example.com             # the plan; asks before applying on a terminal
  cfzt sync --roster staff.txt --plan-out plan.json   # Access against a roster; then cfzt apply
  cfzt export -o csv > audit.csv
  cfzt --profile staging config show           # the settings in use, and where each came from
`cfzt COMMAND --help` shows a command's options, the token permission it needs and examples.

Output (--output):
  table   a readable table; the default when stdout is a terminal
  ndjson  one JSON object per line; the default when stdout is not a terminal
  json    one JSON value: an object for one item, an array for a list
  csv     a header row, then one row per item; safe to open in a spreadsheet (see --csv-raw)
  Lists are written item by item as pages arrive (memory stays flat for any number of users).
  CSV and table columns are stable; JSON carries the API's objects as the SDK decodes them.
  Tables, CSV and messages on stderr show control and format characters from the server
  (escape sequences, bidi overrides, zero-width characters) as \\u{..} escapes; JSON and NDJSON
  carry values exactly, those characters written as JSON's \\uXXXX escapes.

",
    exit_codes!()
);

/// `cfzt config --help`: the file and its keys.
pub(crate) const CONFIG_ABOUT: &str = "\
Inspect and edit the config file's profiles (never shows a token).

The file is $XDG_CONFIG_HOME/cfzt/config.toml, else ~/.config/cfzt/config.toml (%APPDATA%\\cfzt
on Windows), or the one --config or CFZT_CONFIG names:

  default_profile = \"prod\"            # else a profile named \"default\", if there is one
  [profiles.prod]
  account_id = \"023e105f4ecef8ad9ca31a8372d0c353\"
  base_url = \"https://api.cloudflare.com/client/v4\"
  rate_limit = \"600/300s\"             # as --rate-limit
  budget_url = \"redis://127.0.0.1:6379\"
  deadline = \"10m\"                    # as --deadline
  token_env = \"CF_PROD_TOKEN\"         # the variable holding the token, or
  token_command = \"pass show cf/prod\" # a command printing it (30 s at most)

The token itself does not belong in the file; one there (token, api_token, api_key) is read
only while no one else can read the file (chmod 600). A flag or environment variable beats
the profile, which beats the built-in default.";

/// The root `--help`'s frame; `{jobs}` is replaced by [`command`] with the commands by job.
pub(crate) const ROOT_TEMPLATE: &str =
    "{about-with-newline}\n{usage-heading} {usage}\n\n{jobs}\nGlobal options:\n{options}\n{after-help}";

/// The commands by job, as the root `--help` lists them.
pub(crate) const JOBS: &[(&str, &[&str])] = &[
    (
        "Look up",
        &["users list", "users get", "users find", "sessions list", "sessions get", "identity", "failed-logins"],
    ),
    ("Change", &["users create", "users rename", "users delete"]),
    ("Bulk (a plan; --yes applies it)", &["offboard", "reclaim", "sync", "apply"]),
    ("Audit", &["export", "seats count"]),
    ("Set up", &["config list", "config show", "config set", "completions", "man"]),
];

/// The command tree with what the derive cannot write: the root help's commands by job,
/// and each command's token permission (from [`crate::permissions`]) above its examples.
pub(crate) fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = with_permissions(super::Cli::command(), "");
    let mut jobs = String::new();
    for (job, paths) in JOBS {
        jobs.push_str(&format!("{job}:\n"));
        for path in *paths {
            let about = find(&cmd, path).and_then(|c| c.get_about()).map(|a| a.to_string()).unwrap_or_default();
            jobs.push_str(&format!("  {path:<15} {about}\n"));
        }
    }
    let template = ROOT_TEMPLATE.replace("{jobs}", &jobs);
    cmd.help_template(template)
}

/// The subcommand at `path` ("users list") of `cmd`.
pub(crate) fn find<'a>(cmd: &'a clap::Command, path: &str) -> Option<&'a clap::Command> {
    path.split(' ').try_fold(cmd, |cmd, name| cmd.find_subcommand(name))
}

/// `cmd` (at `path`) and its subcommands, each with its token permission line.
fn with_permissions(cmd: clap::Command, path: &str) -> clap::Command {
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).filter(|n| n != "help").collect();
    let line = match crate::permissions::of(path) {
        Some(needs) => crate::permissions::help_line(needs),
        None => "Token permission: each command's --help names its own".to_string(),
    };
    let mut cmd = if path.is_empty() {
        cmd
    } else {
        let after = cmd.get_after_help().map(|a| a.to_string()).unwrap_or_default();
        cmd.after_help(format!("{line}\n\n{after}"))
    };
    for name in names {
        let sub = if path.is_empty() { name.clone() } else { format!("{path} {name}") };
        cmd = cmd.mut_subcommand(&name, |c| with_permissions(c, &sub));
    }
    cmd
}

/// `cfzt sync --help`: what it is for.
pub(crate) const SYNC_ABOUT: &str = "\
Make Access match a roster (HR's export, the identity provider's list): plan what would change
and why, with the guards that make it safe to run unattended. Nothing is changed: write the
plan with --plan-out, review it, then apply it with `cfzt apply PLAN --yes`.

Users not in the roster get --not-in-roster (only reported by default); users whose name
differs from the roster's are renamed (the current email confirms the user); roster people
with no Access user are reported (they appear when they first log in), or created with
--create-missing. Emails match ignoring ASCII case only; a person listed twice is reported,
never guessed. Guards: protected accounts (--protect, --protect-domain) are never touched; a
plan acting on more than --max-removals (default 10% of the current users) is refused; an
empty roster, or one with more than --max-shrink (default 50%) fewer people than Access has
users, is refused; `cfzt apply` refuses a plan whose users changed since (plan again).";

/// `cfzt sync --help`: examples, what it prints, the exit codes.
pub(crate) const SYNC_HELP: &str = concat!(
    "Examples:
  cfzt sync --roster hr.csv --map email='Work Email',name='Full Name' --protect keep.txt \\
      --not-in-roster free-seat --max-removals 5% --plan-out plan.json
  cfzt apply plan.json --yes
  cfzt sync --roster staff.txt --exit-code     # CI: 0 no drift, 2 drift, 1 error
  cfzt sync --roster hr.csv --map email=Email,active=Status:Active -o json | jq '.entries[]'

The plan prints one row per person: email, user_id, change (remove, report, rename, create,
missing, untouched), detail (the steps, or the new name) and why. With -o json, the plan is one
object, as --plan-out writes it.

",
    exit_codes!(),
    "
  With --exit-code: 0 no drift, 2 drift found, 1 any error."
);
