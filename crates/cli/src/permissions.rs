//! The API token permissions each command needs: one table, from which the `--help` of
//! every command and the hints of a 403 are written. It follows the API guide
//! (`shared/api/README.md` §2 and `adjacent.md`): the six reads need "Access: Audit Logs
//! Read", changing users and seats "Zero Trust: Seats Write" (create and delete are not
//! documented; Seats Write is what the guide infers), revoking a person's Access tokens
//! "Access: Organizations, Identity Providers, and Groups Write".

/// Reading users, sessions, failed logins and identities.
pub(crate) const AUDIT_LOGS_READ: &str = "Access: Audit Logs Read";
/// Creating, renaming and deleting users, and freeing seats.
pub(crate) const SEATS_WRITE: &str = "Zero Trust: Seats Write";
/// Revoking a person's Access tokens (offboarding).
pub(crate) const REVOKE_WRITE: &str = "Access: Organizations, Identity Providers, and Groups Write";

/// The permissions of one command.
pub(crate) type Needs = &'static [&'static str];

/// What the read commands need.
pub(crate) const READ: Needs = &[AUDIT_LOGS_READ];
/// What a change of one user needs.
pub(crate) const CHANGE: Needs = &[SEATS_WRITE];
/// What `users delete` needs: it reads the user to ask about them first.
pub(crate) const DELETE: Needs = &[SEATS_WRITE, AUDIT_LOGS_READ];
/// What reclaiming seats needs: reading every user, then freeing seats.
pub(crate) const RECLAIM: Needs = &[AUDIT_LOGS_READ, SEATS_WRITE];
/// What offboarding needs: looking people up, revoking their tokens, freeing seats, deleting.
pub(crate) const OFFBOARD: Needs = &[AUDIT_LOGS_READ, REVOKE_WRITE, SEATS_WRITE];
/// Commands that send no request.
pub(crate) const NONE: Needs = &[];

/// Every command (its words after `cfzt`) and what its token needs.
pub(crate) const COMMANDS: &[(&str, Needs)] = &[
    ("users list", READ),
    ("users get", READ),
    ("users find", READ),
    ("users create", CHANGE),
    ("users rename", CHANGE),
    ("users delete", DELETE),
    ("sessions list", READ),
    ("sessions get", READ),
    ("seats count", READ),
    ("reclaim", RECLAIM),
    ("offboard", OFFBOARD),
    ("sync", READ),
    ("apply", OFFBOARD),
    ("export", READ),
    ("identity", READ),
    ("failed-logins", READ),
    ("config list", NONE),
    ("config show", NONE),
    ("config set", NONE),
    ("completions", NONE),
    ("man", NONE),
];

/// What `command` needs; `None` for a command missing from the table (a test checks there
/// is none).
pub(crate) fn of(command: &str) -> Option<Needs> {
    COMMANDS.iter().find(|(name, _)| *name == command).map(|(_, needs)| *needs)
}

/// The permissions quoted and joined: `"A"`, `"A" and "B"`, `"A", "B" and "C"`.
pub(crate) fn quoted(needs: Needs) -> String {
    let quoted: Vec<String> = needs.iter().map(|p| format!("\"{p}\"")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The line a command's `--help` shows.
pub(crate) fn help_line(needs: Needs) -> String {
    if needs.is_empty() {
        "Token permission: none (no request is sent)".into()
    } else {
        format!("Token permission: {}", quoted(needs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_quoted_and_joined() {
        assert_eq!(quoted(NONE), "");
        assert_eq!(quoted(READ), "\"Access: Audit Logs Read\"");
        assert_eq!(quoted(RECLAIM), "\"Access: Audit Logs Read\" and \"Zero Trust: Seats Write\"");
        assert!(quoted(OFFBOARD).starts_with("\"Access: Audit Logs Read\", \"Access: Organizations"));
    }
}
