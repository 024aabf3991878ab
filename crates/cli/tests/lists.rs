//! List files (`offboard --from-file`, `reclaim --exclude`, stdin `-`) read as operators
//! write them: a byte-order mark, CRLF, blank lines, comments and one email in two cases
//! name exactly the people written; a line that is not an email, or a file that is not
//! UTF-8, is refused before anything is sent. Emails that only Unicode case rules would
//! merge are two people.

mod common;

use common::*;

const ALICE: &str = "asmith@example.com";
const BOB: &str = "bjones@example.com";
const CARLA: &str = "cgarcia@example.com";
const BOM: &str = "\u{FEFF}";

/// A list file of this test process, removed when dropped.
struct ListFile(std::path::PathBuf);

impl ListFile {
    fn new(name: &str, bytes: impl AsRef<[u8]>) -> ListFile {
        let path = std::env::temp_dir().join(format!("cfzt-cli-lists-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        ListFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for ListFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The emails of the demo users who hold a seat now.
fn seated(fake: &Fake) -> Vec<String> {
    let users = fake.server.users(&Fake::account());
    users
        .into_iter()
        .filter(|u| u.access_seat == Some(true) || u.gateway_seat == Some(true))
        .filter_map(|u| u.email)
        .collect()
}

fn requests(fake: &Fake) -> usize {
    fake.server.journal().len()
}

/// Each planned person's email and user id, from `-o json`.
fn planned(plan: &serde_json::Value) -> Vec<(String, bool)> {
    let people = plan["people"].as_array().unwrap();
    people.iter().map(|p| (p["email"].as_str().unwrap().to_string(), p["user_id"].is_string())).collect()
}

#[test]
fn an_excluded_person_listed_first_in_a_bom_file_keeps_their_seat() {
    for (what, text) in [
        ("BOM", format!("{BOM}{BOB}\n")),
        ("BOM and CRLF", format!("{BOM}{BOB}\r\n# the board\r\n\r\n")),
        ("BOM, upper case and a trailing comment", format!("{BOM}BJONES@Example.COM   # board member\r\n")),
    ] {
        let fake = Fake::start();
        let exclude = ListFile::new("exclude", &text);
        let args = ["reclaim", "--inactive-days", "30", "--exclude", exclude.path(), "--yes", "-o", "json"];
        run(&mut fake.cfzt(&args), 0);
        assert_eq!(seated(&fake), [BOB], "{what}: only the excluded keeps a seat");
    }
}

#[test]
fn an_exclusion_list_on_stdin_is_read_the_same_way() {
    let fake = Fake::start();
    let args = ["reclaim", "--inactive-days", "30", "--exclude", "-", "--yes", "-o", "json"];
    run(fake.cfzt(&args).write_stdin(format!("{BOM}# keep\r\n{ALICE}\r\n{BOB} # and Bob\r\n")), 0);
    let mut kept = seated(&fake);
    kept.sort();
    assert_eq!(kept, [ALICE, BOB]);
}

/// A list with everything an operator's editor or spreadsheet puts in one.
fn messy_list() -> String {
    format!(
        "{BOM}# leavers, May\r\n\r\nASMITH@Example.com   # Alice\r\n{ALICE}\r\n  \r\n\t{BOB}\r\n# {CARLA} stays\r\nAsmith@example.COM\r\n"
    )
}

#[test]
fn an_offboard_list_with_crlf_bom_comments_and_repeats_plans_exactly_the_people_named() {
    let fake = Fake::start();
    let list = ListFile::new("leavers", messy_list());
    let plan = json(&run(&mut fake.cfzt(&["offboard", "--from-file", list.path(), "-o", "json"]), 0));
    let want = [("ASMITH@Example.com".to_string(), true), (BOB.to_string(), true)];
    assert_eq!(planned(&plan), want, "each found, none twice, no comment planned");

    // The same list on stdin, applied: Alice and Bob lose their seats, Carla keeps hers.
    let args = ["offboard", "--from-file", "-", "--yes", "-o", "json"];
    run(fake.cfzt(&args).write_stdin(messy_list()), 0);
    let mut kept = seated(&fake);
    kept.sort();
    assert_eq!(kept, [CARLA, "rroe@example.com"]);
}

#[test]
fn a_line_that_is_not_an_email_refuses_the_list_and_nothing_is_sent() {
    for (what, text, line) in [
        ("a name", format!("{BOB}\nJane Doe <{DEMO_USER_EMAIL}>\n"), 2),
        ("a CSV header", format!("email\r\n{BOB}\r\n"), 1),
        ("two on a line", format!("{BOB},{ALICE}\n"), 1),
        ("an escape", format!("# ok\n\n{BOB}\u{1b}[2J\n"), 3),
    ] {
        let fake = Fake::start();
        let exclude = ListFile::new("bad-exclude", &text);
        let args = ["reclaim", "--inactive-days", "30", "--exclude", exclude.path(), "--yes"];
        let out = run(&mut fake.cfzt(&args), 2);
        let err = stderr(&out);
        assert!(err.contains(&format!("{} line {line}: invalid `email`", exclude.path())), "{what}: {err}");
        assert!(!err.contains('\u{1b}'), "{what}: the line is named, not echoed: {err:?}");
        assert_eq!(requests(&fake), 0, "{what}: nothing is sent");
        assert_eq!(seated(&fake).len(), 4, "{what}");

        let out = run(fake.cfzt(&["offboard", "--from-file", "-", "--yes"]).write_stdin(text.clone()), 2);
        assert!(stderr(&out).contains(&format!("- line {line}")), "{what}: {}", stderr(&out));
        assert_eq!(requests(&fake), 0, "{what}: nothing is sent");
    }
}

#[test]
fn a_list_that_is_not_utf8_is_refused_naming_the_file() {
    for (what, bytes, says) in [
        ("Latin-1", b"bjones@example.com\nj\xF6rg@example.com\n".to_vec(), "not UTF-8 text (line 2)"),
        ("UTF-16", b"\xFF\xFEb\0@\0x\0\n\0".to_vec(), "is UTF-16, not UTF-8"),
    ] {
        let fake = Fake::start();
        let list = ListFile::new("not-utf8", &bytes);
        let out = run(&mut fake.cfzt(&["offboard", "--from-file", list.path(), "--yes"]), 1);
        let err = stderr(&out);
        assert!(err.contains(list.path()) && err.contains(says), "{what}: {err}");
        let args = ["reclaim", "--inactive-days", "30", "--exclude", "-", "--yes"];
        let out = run(fake.cfzt(&args).write_stdin(bytes), 1);
        assert!(stderr(&out).contains(says), "{what}: {}", stderr(&out));
        assert_eq!(requests(&fake), 0, "{what}: nothing is sent");
    }
}

#[test]
fn lookalike_emails_in_a_list_are_two_people() {
    let fake = Fake::start();
    let (mark, kelvin) = ("mark@example.com", "mar\u{212A}@example.com"); // KELVIN SIGN
    for email in [mark, kelvin] {
        fake.server.add_user(&Fake::account(), cfzt_models::CreateUserParams::new(email)).unwrap();
    }
    let list = ListFile::new("lookalikes", format!("{mark}\n{kelvin}\nMARK@example.com\n"));
    let plan = json(&run(&mut fake.cfzt(&["offboard", "--from-file", list.path(), "-o", "json"]), 0));
    assert_eq!(planned(&plan), [(mark.to_string(), true), (kelvin.to_string(), true)]);
    let ids: Vec<&str> = plan["people"].as_array().unwrap().iter().map(|p| p["user_id"].as_str().unwrap()).collect();
    assert_ne!(ids[0], ids[1], "each is found as themselves");
}

#[test]
fn the_help_of_each_list_flag_says_how_the_file_is_read() {
    for (command, flag) in [("offboard", "--from-file"), ("reclaim", "--exclude")] {
        let help = String::from_utf8(run(&mut cfzt(&[command, "--help"]), 0).stdout).unwrap();
        let at = help.find(&format!("{flag} <FILE>")).unwrap_or_else(|| panic!("{command}: {help}"));
        let text = help[at..].split_whitespace().collect::<Vec<_>>().join(" ");
        for needle in ["byte-order mark", "CRLF", "`#` starts a comment", "any ASCII case", "not UTF-8"] {
            assert!(text.contains(needle), "{command} {flag}: {needle}");
        }
    }
}
