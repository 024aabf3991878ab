//! Shell completions and man pages, generated from the command definitions: the bash
//! completion is sourced in `bash` and queried as bash queries it at a Tab; the other
//! shells' scripts name the commands; the man pages render with `man -l`.

mod common;

use std::process::Command as Process;

use common::*;

/// What the bash completion of `cfzt` offers for `words` (the last one being completed).
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = run(&mut cfzt(&["completions", "bash"]), 0).stdout;
    let dir = std::env::temp_dir().join(format!("cfzt-cli-shell-{}-{}", std::process::id(), words.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cfzt.bash");
    std::fs::write(&path, script).unwrap();
    let words_quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE='{}'; COMP_POINT=${{#COMP_LINE}}; \
         _cfzt cfzt '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        path.display(),
        words_quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len().saturating_sub(2)],
    );
    let output = Process::new("bash").args(["--norc", "--noprofile", "-c", &program]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(output.stdout).unwrap().lines().map(str::to_string).filter(|l| !l.is_empty()).collect()
}

#[test]
fn bash_completion_offers_the_commands_and_their_options() {
    let top = bash_complete(&["cfzt", ""]);
    for command in ["users", "offboard", "reclaim", "export", "completions", "man"] {
        assert!(top.iter().any(|w| w == command), "{command} in {top:?}");
    }
    let users = bash_complete(&["cfzt", "users", ""]);
    for command in ["list", "find", "delete"] {
        assert!(users.iter().any(|w| w == command), "{command} in {users:?}");
    }
    let offboard = bash_complete(&["cfzt", "offboard", "--"]);
    for option in ["--yes", "--force", "--delete", "--jq", "--fields", "--color", "--quiet", "--json"] {
        assert!(offboard.iter().any(|w| w == option), "{option} in {offboard:?}");
    }
    let colours = bash_complete(&["cfzt", "users", "list", "--color", ""]);
    assert_eq!(colours, ["auto", "always", "never"]);
}

#[test]
fn every_shell_gets_a_script_naming_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(&mut cfzt(&["completions", shell]), 0);
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains("offboard") && script.contains("failed-logins"), "{shell}");
    }
    let output = run(&mut cfzt(&["completions", "tcsh"]), 2);
    assert!(stderr(&output).contains("bash"), "{}", stderr(&output));
}

/// `man -l` of `page`, as plain text.
fn render(page: &std::path::Path) -> String {
    let output =
        Process::new("man").arg("-l").arg(page).env("MANPAGER", "cat").env("MANWIDTH", "100").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn man_pages_render_with_man() {
    let dir = std::env::temp_dir().join(format!("cfzt-cli-man-{}", std::process::id()));
    // The root page on stdout, with no account and no server.
    let output = run(&mut cfzt(&["man"]), 0);
    std::fs::create_dir_all(&dir).unwrap();
    let root = dir.join("stdout.1");
    std::fs::write(&root, output.stdout).unwrap();
    let text = render(&root);
    for part in ["NAME", "cfzt", "SYNOPSIS", "offboard", "--jq"] {
        assert!(text.contains(part), "{part} in the root page:\n{text}");
    }
    // One page per command into a directory.
    let pages = dir.join("pages");
    run(&mut cfzt(&["man", "--dir", pages.to_str().unwrap()]), 0);
    for page in ["cfzt.1", "cfzt-offboard.1", "cfzt-users.1", "cfzt-users-list.1", "cfzt-completions.1"] {
        assert!(pages.join(page).exists(), "{page}");
    }
    let offboard = render(&pages.join("cfzt-offboard.1"));
    assert!(offboard.contains("--delete") && offboard.contains("--force"), "{offboard}");
    let _ = std::fs::remove_dir_all(&dir);
}
