//! The config file's profiles through the binary: which value wins (flag > environment >
//! profile > default), where the token comes from, a file holding a secret others can
//! read, and `cfzt config list|show|set`.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const OTHER_ACCOUNT: &str = "0123456789abcdef0123456789abcdef";

/// A config file with `text` in a fresh directory, readable by its owner only.
fn config_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cfzt-profiles-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    chmod(&path, 0o600);
    path
}

fn chmod(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// `cfzt` with the config file `path` and no Cloudflare variables.
fn with_config(path: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = cfzt(args);
    cmd.env("CFZT_CONFIG", path).env_remove("CFZT_PROFILE");
    cmd
}

/// `config show -o json` as setting -> (value, source).
fn shown(output: &std::process::Output) -> std::collections::HashMap<String, (String, String)> {
    let rows = json(output);
    let source = |s: &serde_json::Value| match s {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(o) => o.keys().next().cloned().unwrap_or_default(),
        other => other.to_string(),
    };
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["setting"].as_str().unwrap().to_string(),
                (r["value"].as_str().unwrap().to_string(), source(&r["source"])),
            )
        })
        .collect()
}

#[test]
fn flags_beat_the_environment_which_beats_the_profile_which_beats_the_default() {
    let path = config_file(
        "precedence",
        &format!(
            "[profiles.default]\naccount_id = \"{OTHER_ACCOUNT}\"\nrate_limit = \"600/300s\"\ndeadline = \"2m\"\n\
             token_env = \"MY_TOKEN\"\n"
        ),
    );
    let account = DEMO_ACCOUNT_ID_STR;
    // (flag, environment, want value, want source) for the account; the profile always has one.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case<'_>; 4] = [
        (&["--account", account], &[("CLOUDFLARE_ACCOUNT_ID", "ffffffffffffffffffffffffffffffff")], account, "flag"),
        (&[], &[("CLOUDFLARE_ACCOUNT_ID", account)], account, "env"),
        (&[], &[], OTHER_ACCOUNT, "profile"),
        (&["--account", account], &[], account, "flag"),
    ];
    for (flags, vars, want, source) in cases {
        let mut args = flags.to_vec();
        args.extend(["config", "show", "-o", "json"]);
        let mut cmd = with_config(&path, &args);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let got = shown(&run(&mut cmd, 0));
        assert_eq!(got["account_id"], (want.to_string(), source.to_string()), "{flags:?} {vars:?}");
    }
    // The other settings: a flag over the profile, the profile over the default.
    let got = shown(&run(&mut with_config(&path, &["--deadline", "30s", "config", "show", "-o", "json"]), 0));
    assert_eq!(got["deadline"], ("30s".into(), "flag".into()));
    assert_eq!(got["rate_limit"], ("600/300s".into(), "profile".into()));
    assert_eq!(got["credential"], ("token_env MY_TOKEN".into(), "profile".into()));
    let mut cmd = with_config(&path, &["config", "show", "-o", "json"]);
    cmd.env("CLOUDFLARE_API_TOKEN", "t");
    assert_eq!(shown(&run(&mut cmd, 0))["credential"].1, "env", "the environment's token beats the profile's");
    let empty = config_file("precedence-empty", "");
    let got = shown(&run(&mut with_config(&empty, &["config", "show", "-o", "json"]), 0));
    assert_eq!(got["deadline"], ("360s".into(), "default".into()));
    assert_eq!(got["rate_limit"], ("1200/300s".into(), "default".into()));
}

const DEMO_ACCOUNT_ID_STR: &str = cfzt_fake_server::DEMO_ACCOUNT_ID;

#[test]
fn a_profile_gives_the_account_the_url_and_the_token_from_a_variable_or_a_command() {
    let fake = Fake::start();
    let base = fake.server.base_url();
    let path = config_file(
        "use",
        &format!(
            "default_profile = \"fromenv\"\n\
             [profiles.fromenv]\naccount_id = \"{DEMO_ACCOUNT_ID_STR}\"\nbase_url = \"{base}\"\ntoken_env = \"MY_TOKEN\"\n\
             [profiles.fromcmd]\naccount_id = \"{DEMO_ACCOUNT_ID_STR}\"\nbase_url = \"{base}\"\ntoken_command = \"echo {TOKEN}\"\n\
             [profiles.failing]\naccount_id = \"{DEMO_ACCOUNT_ID_STR}\"\nbase_url = \"{base}\"\ntoken_command = \"exit 7\"\n"
        ),
    );
    let mut cmd = with_config(&path, &["users", "get", DEMO_USER_ID, "-o", "json"]);
    cmd.env("MY_TOKEN", TOKEN);
    assert_eq!(json(&run(&mut cmd, 0))["email"], DEMO_USER_EMAIL);
    // Named by CFZT_PROFILE, then by --profile.
    let mut cmd = with_config(&path, &["users", "get", DEMO_USER_ID, "-o", "json"]);
    cmd.env("CFZT_PROFILE", "fromcmd");
    assert_eq!(json(&run(&mut cmd, 0))["email"], DEMO_USER_EMAIL);
    let err = stderr(&run(&mut with_config(&path, &["--profile", "failing", "users", "get", DEMO_USER_ID]), 1));
    assert!(err.contains("token_command of profile \"failing\" failed"), "{err}");
    // The variable named but not set.
    let err = stderr(&run(&mut with_config(&path, &["users", "get", DEMO_USER_ID]), 2));
    assert!(err.contains("MY_TOKEN, which is not set"), "{err}");
    // An unknown profile lists the ones there are.
    let err = stderr(&run(&mut with_config(&path, &["--profile", "nope", "users", "list"]), 2));
    assert!(err.contains("no profile \"nope\"") && err.contains("failing, fromcmd, fromenv"), "{err}");
}

#[test]
fn a_file_holding_a_token_is_refused_when_others_can_read_it() {
    let path = config_file(
        "secret",
        "[profiles.default]\naccount_id = \"0123456789abcdef0123456789abcdef\"\ntoken = \"s3cret-value\"\n",
    );
    chmod(&path, 0o644);
    if cfg!(unix) {
        let err = stderr(&run(&mut with_config(&path, &["users", "list"]), 2));
        assert!(err.contains(&path.display().to_string()) && err.contains("chmod 600"), "{err}");
        assert!(!err.contains("s3cret-value"), "{err}");
    }
    chmod(&path, 0o600);
    let out = run(&mut with_config(&path, &["config", "show"]), 0);
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &stderr(&out);
    assert!(text.contains("api_token in the config file"), "{text}");
    assert!(!text.contains("s3cret-value"), "the token is never shown: {text}");
    let out = run(&mut with_config(&path, &["config", "list"]), 0);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cret-value"));
}

#[test]
fn config_set_writes_a_private_file_that_list_and_show_read_back() {
    let dir = std::env::temp_dir().join(format!("cfzt-profiles-{}-xdg", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // XDG_CONFIG_HOME places the file when neither --config nor CFZT_CONFIG is given.
    let set = |args: &[&str], code| {
        let mut all = vec!["config", "set"];
        all.extend(args);
        let mut cmd = cfzt(&all);
        cmd.env_remove("CFZT_CONFIG").env_remove("CFZT_PROFILE").env("XDG_CONFIG_HOME", &dir);
        run(&mut cmd, code)
    };
    set(&["--profile", "prod", "account_id", OTHER_ACCOUNT], 0);
    set(&["--profile", "prod", "token_command", "pass show cf/prod"], 0);
    set(&["default_profile", "prod"], 0);
    let err = stderr(&set(&["--profile", "prod", "account_id", "not-an-id"], 2));
    assert!(err.contains("account_id"), "{err}");
    let err = stderr(&set(&["--profile", "prod", "token", "abc"], 2));
    assert!(err.contains("never written"), "{err}");
    let path = dir.join("cfzt").join("config.toml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("default_profile = \"prod\"") && text.contains("[profiles.prod]"), "{text}");

    let mut cmd = cfzt(&["config", "list", "-o", "json"]);
    cmd.env_remove("CFZT_CONFIG").env("XDG_CONFIG_HOME", &dir);
    let listed = json(&run(&mut cmd, 0));
    assert_eq!(listed[0]["name"], "prod");
    assert_eq!(listed[0]["default"], true);
    assert_eq!(listed[0]["credential"], "token_command pass show cf/prod");
    let mut cmd = cfzt(&["config", "show", "-o", "json"]);
    cmd.env_remove("CFZT_CONFIG").env_remove("CFZT_PROFILE").env("XDG_CONFIG_HOME", &dir);
    let got = shown(&run(&mut cmd, 0));
    assert_eq!(got["profile"].0, "prod");
    assert_eq!(got["account_id"], (OTHER_ACCOUNT.to_string(), "profile".to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}
