//! `cfzt` in a real terminal: each test runs it inside a detached tmux session (a
//! pseudo-terminal) and reads the pane. The progress bar must be drawn while the work runs
//! and leave no trace once the command is done; `users delete` must ask, and act on the
//! answer.
//!
//! Needs `tmux` (`apt-get install -y tmux`); without it the tests say so on stderr and
//! pass, so that `cargo test` works on a machine without it.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use cfzt_fake_server::{Fault, FaultRule, Route};
use common::*;

/// A tmux server of the test's own (its own socket), running one session, killed on drop.
struct Tmux {
    socket: String,
    dir: PathBuf,
}

impl Tmux {
    /// Runs `command` (a shell line) in a new session, in a terminal of 150x20. The exit
    /// code is written to a file that [`Tmux::exit_code`] waits for.
    fn start(name: &str, command: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            // CI installs tmux (.ci/run): there, a missing tmux is a failure, not a skip.
            assert!(std::env::var_os("CI").is_none(), "tmux is not installed: the terminal tests need it");
            eprintln!("SKIPPED: tmux is not installed (apt-get install -y tmux): the terminal was not checked");
            return None;
        }
        let socket = format!("cfzt-test-{}-{name}", std::process::id());
        let dir = std::env::temp_dir().join(&socket);
        std::fs::create_dir_all(&dir).unwrap();
        let tmux = Tmux { socket, dir };
        // The shell stays a while after the command, so that the pane can still be read.
        let line = format!("{command}; echo $? > {}; sleep 60", tmux.dir.join("exit-code").display());
        tmux.run(&["new-session", "-d", "-s", "cfzt", "-x", "150", "-y", "20", &line]);
        Some(tmux)
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output().expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn pane(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "cfzt"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "cfzt"];
        args.extend(keys);
        self.run(&args);
    }

    /// Waits for the command to end and returns its exit code.
    fn exit_code(&self) -> i32 {
        let file = self.dir.join("exit-code");
        wait_for("the command to finish", Duration::from_secs(60), || file.exists());
        // The file is created before it is written.
        std::thread::sleep(Duration::from_millis(100));
        std::fs::read_to_string(&file).unwrap().trim().parse().unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The shell line that runs `cfzt args` against `fake`.
fn cfzt_line(fake: &Fake, args: &str) -> String {
    format!(
        "CFZT_CONFIG={NO_CONFIG} CLOUDFLARE_API_TOKEN={TOKEN} CLOUDFLARE_ACCOUNT_ID={} CLOUDFLARE_BASE_URL={} {} {args}",
        Fake::account(),
        fake.server.base_url(),
        env!("CARGO_BIN_EXE_cfzt"),
    )
}

fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_progress_bar_draws_on_a_terminal_and_is_cleared_at_the_end() {
    let fake = Fake::start();
    // Slow every request so that the bar is on screen for a few seconds.
    fake.server.inject(FaultRule::new(Route::Any, Fault::delay(Duration::from_millis(150))));
    let args = "offboard rroe@example.com asmith@example.com bjones@example.com cgarcia@example.com \
                --yes --concurrency 1 > /dev/null";
    let Some(tmux) = Tmux::start("progress", &cfzt_line(&fake, args)) else { return };

    let bar = |pane: &str| pane.lines().any(|l| l.contains("offboarding [") && l.contains("/4"));
    wait_for("the bar to be drawn", Duration::from_secs(30), || bar(&tmux.pane()));
    let code = tmux.exit_code();
    let pane = tmux.pane();
    assert_eq!(code, 0, "{pane}");
    assert!(!bar(&pane), "the bar is cleared at the end:\n{pane}");
    assert!(pane.contains("done: "), "the summary stays:\n{pane}");
}

#[test]
fn users_delete_asks_on_a_terminal_and_acts_on_the_answer() {
    let fake = Fake::start();
    let id = DEMO_USER_ID.parse().unwrap();
    // Declining is an answer, not an error: exit 0, nothing changed.
    for (answer, code, kept) in [("n", 0, true), ("y", 0, false)] {
        let line = cfzt_line(&fake, &format!("users delete {DEMO_USER_ID}"));
        let Some(tmux) = Tmux::start(&format!("delete-{answer}"), &line) else { return };
        wait_for("the question", Duration::from_secs(30), || tmux.pane().contains("[y/N]"));
        assert!(tmux.pane().contains("Jane Doe <jdoe@example.com>"), "{}", tmux.pane());
        tmux.keys(&[answer, "Enter"]);
        assert_eq!(tmux.exit_code(), code, "{}", tmux.pane());
        assert_eq!(fake.server.user(&Fake::account(), &id).is_some(), kept, "answer {answer}");
        if kept {
            assert!(tmux.pane().contains("nothing changed"), "{}", tmux.pane());
        }
    }
}

#[test]
fn a_bulk_plan_on_a_terminal_asks_before_it_is_applied() {
    for (answer, applied) in [("n", false), ("y", true)] {
        let fake = Fake::start();
        let line = cfzt_line(&fake, "offboard jdoe@example.com --delete -o csv > /dev/null");
        let Some(tmux) = Tmux::start(&format!("offboard-{answer}"), &line) else { return };
        wait_for("the question", Duration::from_secs(30), || tmux.pane().contains("Apply? [y/N]"));
        assert!(tmux.pane().contains("plan: 1 person"), "the plan's summary comes first:\n{}", tmux.pane());
        tmux.keys(&[answer, "Enter"]);
        assert_eq!(tmux.exit_code(), 0, "{}", tmux.pane());
        let id = DEMO_USER_ID.parse().unwrap();
        assert_eq!(fake.server.user(&Fake::account(), &id).is_none(), applied, "answer {answer}:\n{}", tmux.pane());
        let pane = tmux.pane();
        assert!(pane.contains(if applied { "done: " } else { "declined: nothing changed" }), "{pane}");
    }
}

#[test]
fn the_export_bar_counts_against_the_total_from_the_first_page() {
    let fake = Fake::start();
    fake.server.inject(FaultRule::new(Route::Any, Fault::delay(Duration::from_millis(150))));
    let Some(tmux) = Tmux::start("export", &cfzt_line(&fake, "export --concurrency 1 -o csv > /dev/null")) else {
        return;
    };
    // The demo account holds 5 users: the bar says so while it runs.
    let bar = |pane: &str| pane.lines().any(|l| l.contains("exporting [") && l.contains("/5"));
    wait_for("the bar with its total", Duration::from_secs(30), || bar(&tmux.pane()));
    assert_eq!(tmux.exit_code(), 0, "{}", tmux.pane());
}

#[test]
fn the_reclaim_planning_bar_counts_users_against_the_total() {
    let fake = Fake::start();
    // Slow enough that the bar is drawn while the walk waits for its page.
    fake.server.inject(FaultRule::new(Route::Any, Fault::delay(Duration::from_millis(1500))));
    let line = cfzt_line(&fake, "reclaim --inactive-days 1 -o csv > /dev/null");
    let Some(tmux) = Tmux::start("reclaim-planning", &line) else { return };
    // The demo account holds 5 users: planning counts them against that total.
    let bar = |pane: &str| pane.lines().any(|l| l.contains("planning [") && l.contains("/5"));
    wait_for("the planning bar with its total", Duration::from_secs(30), || bar(&tmux.pane()));
    wait_for("the question", Duration::from_secs(30), || tmux.pane().contains("Apply? [y/N]"));
    tmux.keys(&["n", "Enter"]);
    assert_eq!(tmux.exit_code(), 0, "{}", tmux.pane());
}

#[test]
fn status_cells_are_coloured_on_a_terminal_unless_told_not_to() {
    // (name, environment, arguments, coloured); --quiet drops notes, not colour
    for (name, prefix, args, coloured) in [
        ("colour", "", "", true),
        ("no-color", "NO_COLOR=1 ", "", false),
        ("never", "", "--color never", false),
        ("quiet", "", "--quiet", true),
    ] {
        let fake = Fake::start();
        let line = format!("{prefix}{}", cfzt_line(&fake, &format!("offboard jdoe@example.com --yes {args}")));
        let Some(tmux) = Tmux::start(name, &line) else { return };
        assert_eq!(tmux.exit_code(), 0, "{}", tmux.pane());
        // -e keeps the escape sequences of the pane.
        let pane = tmux.run(&["capture-pane", "-e", "-p", "-t", "cfzt"]);
        let done = pane.lines().find(|l| l.contains("revoke_sessions")).unwrap_or_else(|| panic!("{pane}"));
        assert_eq!(done.contains("\u{1b}[32m"), coloured, "{name}: {done:?}");
        if args == "--quiet" {
            assert!(!pane.contains("done: "), "--quiet drops the summary:\n{pane}");
        }
    }
}
