//! Help that teaches: every command's `--help` names the token permission it needs and has
//! an example; its own options stand apart from the global ones; the root help lists the
//! commands by job; a mistyped command gets the nearest one.

mod common;

use common::*;

/// Every command, as its words after `cfzt`.
const COMMANDS: [&str; 17] = [
    "users list",
    "users get",
    "users find",
    "users create",
    "users rename",
    "users delete",
    "sessions list",
    "sessions get",
    "seats count",
    "reclaim",
    "offboard",
    "export",
    "identity",
    "failed-logins",
    "config list",
    "config show",
    "config set",
];

fn help(words: &str) -> String {
    let mut args: Vec<&str> = words.split(' ').filter(|w| !w.is_empty()).collect();
    args.push("--help");
    String::from_utf8(run(&mut cfzt(&args), 0).stdout).unwrap()
}

#[test]
fn every_command_names_its_token_permission_and_has_an_example() {
    for command in COMMANDS.iter().chain(&["users", "sessions", "seats", "config"]) {
        let text = help(command);
        assert!(text.lines().any(|l| l.starts_with("Token permission: ")), "{command}:\n{text}");
        let examples = text.split("Examples:\n").nth(1).unwrap_or_else(|| panic!("{command} has no example:\n{text}"));
        assert!(examples.trim_start().starts_with("cfzt "), "{command}:\n{text}");
        // The command's own options apart from the global ones.
        assert!(text.contains("\nGlobal options:\n"), "{command}:\n{text}");
        let before = text.split("\nGlobal options:\n").next().unwrap();
        let own = before.rsplit("\nOptions:\n").next().unwrap();
        assert!(!own.contains("--rate-limit"), "global options stand apart in {command}:\n{text}");
    }
}

#[test]
fn the_permissions_named_are_the_api_guides() {
    // shared/api/README.md §2 and adjacent.md: reads need Audit Logs Read, changes Seats
    // Write, revoking Organizations ... Write.
    let line = |command: &str| help(command).lines().find(|l| l.starts_with("Token permission: ")).unwrap().to_string();
    let read = "\"Access: Audit Logs Read\"";
    for command in ["users list", "users get", "sessions list", "export", "seats count", "identity"] {
        assert_eq!(line(command), format!("Token permission: {read}"), "{command}");
    }
    assert_eq!(line("users create"), "Token permission: \"Zero Trust: Seats Write\"");
    let offboard = help("offboard").replace('\n', " ");
    for needed in
        [read, "\"Zero Trust: Seats Write\"", "\"Access: Organizations, Identity Providers, and Groups Write\""]
    {
        assert!(offboard.contains(needed), "offboard needs {needed}");
    }
    assert!(!help("").contains("Users Write"), "there is no \"Access: Users Write\" permission");
    assert!(line("config set").contains("none"));
}

#[test]
fn the_root_help_lists_every_command_by_job_with_examples() {
    let text = help("");
    let jobs = ["Look up:", "Change:", "Bulk", "Audit:", "Set up:"];
    let mut at = 0;
    for job in jobs {
        let found = text[at..].find(job).unwrap_or_else(|| panic!("{job} in order:\n{text}"));
        at += found;
    }
    for command in COMMANDS {
        assert!(text.lines().any(|l| l.trim_start().starts_with(&format!("{command} "))), "{command}:\n{text}");
    }
    assert!(text.contains("Examples:\n  cfzt "), "{text}");
    assert!(text.contains("--profile") && text.contains("CFZT_PROFILE"), "{text}");
}

#[test]
fn a_mistyped_command_gets_the_nearest_one() {
    for (typed, nearest) in
        [(&["user", "list"][..], "'users'"), (&["ofboard"][..], "'offboard'"), (&["users", "lst"][..], "'list'")]
    {
        let err = stderr(&run(&mut cfzt(typed), 2));
        assert!(err.contains("similar subcommand exists") && err.contains(nearest), "{typed:?}: {err}");
    }
}
