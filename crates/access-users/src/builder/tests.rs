//! The builder's checks: credentials, the environment, refused base URLs, fixed headers.

use cfzt_transport::{BudgetQuota, LocalBudget};

use super::*;

/// A URL without a scheme is told to add `https://`; `api.cloudflare.com` without
/// `/client/v4` is told the path.
#[test]
fn base_url_errors_say_what_to_do() {
    let cases = [
        (
            "api.cloudflare.com/client/v4",
            "has no scheme: add https:// in front, as in \"https://api.cloudflare.com/client/v4\"",
        ),
        ("localhost:8787/client/v4", "as in \"https://localhost:8787/client/v4\""),
        ("admin:secret@api.cloudflare.com/client/v4?t=secret", "as in \"https://api.cloudflare.com/client/v4\""),
        ("https://api.cloudflare.com", "lacks the API's path: Cloudflare serves it under /client/v4"),
        ("https://api.cloudflare.com/v4/", "lacks the API's path"),
    ];
    for (raw, needle) in cases {
        let err = Client::builder().api_token("tok").base_url(raw).build().unwrap_err();
        assert!(err.to_string().contains(needle), "{raw}: {err}");
        assert!(!err.to_string().contains("secret"), "{raw}: {err}");
    }
}

/// A refused base URL is quoted without its userinfo, query or fragment, whether it
/// was set explicitly or read from `CLOUDFLARE_BASE_URL`, parsed or not.
#[test]
fn a_refused_base_url_is_quoted_redacted() {
    let cases = [
        ("https://admin:secret@api.cloudflare.com/client/v4", "\"https://api.cloudflare.com/client/v4\""),
        ("https://api.cloudflare.com/client/v4?api_token=secret", "\"https://api.cloudflare.com/client/v4\""),
        ("https://api.cloudflare.com/client/v4#secret", "\"https://api.cloudflare.com/client/v4\""),
        ("http://admin:secret@10.0.0.1/client/v4?x=secret", "\"http://10.0.0.1/client/v4\""),
        ("https://admin:se/cret@api.cloudflare.com/client/v4", "\"https://api.cloudflare.com/client/v4\""),
        ("https://admin:secret@[::1/client/v4", "\"https://[::1/client/v4\""),
        ("admin:secret@api.cloudflare.com/client/v4", "\"api.cloudflare.com/client/v4\""),
        ("ftp://admin:secret@h?secret", "\"ftp://h\""),
    ];
    for (raw, quoted) in cases {
        let explicit = Client::builder().api_token("tok").base_url(raw).build().unwrap_err();
        let from_env = Client::builder()
            .load_env_with(env(&[("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_BASE_URL", raw)]))
            .build()
            .unwrap_err();
        for (err, env) in [(explicit, false), (from_env, true)] {
            let text = format!("{err} {err:?} {err:#?}");
            assert!(err.is_config(), "{raw}");
            assert!(!text.contains("secret") && !text.contains("admin"), "{raw} quoted: {text}");
            assert!(err.to_string().contains(quoted), "{raw}: {err}");
            assert_eq!(err.to_string().contains("CLOUDFLARE_BASE_URL"), env, "{raw}: {err}");
        }
        let builder = Client::builder().base_url(raw);
        assert!(!format!("{builder:?}").contains("secret"), "{raw}: the builder's Debug");
    }
}

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn auth_headers(client: &Client) -> Vec<String> {
    let mut names: Vec<String> = client
        .inner
        .headers
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k == "authorization" || k.starts_with("x-auth"))
        .collect();
    names.sort();
    names
}

#[test]
fn env_table() {
    let t = "tok";
    type Vars<'a> = &'a [(&'a str, &'a str)];
    let cases: [(Vars<'_>, Result<Vec<&str>, &str>); 6] = [
        (&[("CLOUDFLARE_API_TOKEN", t)], Ok(vec!["authorization"])),
        (&[("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "k")], Ok(vec!["x-auth-email", "x-auth-key"])),
        (
            &[("CLOUDFLARE_API_TOKEN", t), ("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "k")],
            Ok(vec!["authorization"]),
        ),
        (&[("CLOUDFLARE_API_TOKEN", "  "), ("CLOUDFLARE_EMAIL", "a@b.c")], Err("CLOUDFLARE_API_KEY")),
        (&[("CLOUDFLARE_API_KEY", "k")], Err("CLOUDFLARE_EMAIL")),
        (&[], Err("no credentials")),
    ];
    for (vars, want) in cases {
        let got = Client::builder().load_env_with(env(vars)).build();
        match (got, want) {
            (Ok(client), Ok(names)) => assert_eq!(auth_headers(&client), names, "{vars:?}"),
            (Err(e), Err(needle)) => {
                assert!(e.is_config(), "{vars:?}");
                assert!(e.to_string().contains(needle), "{vars:?}: {e}");
            }
            (got, _) => panic!("{vars:?}: unexpected {got:?}"),
        }
    }
}

#[test]
fn explicit_values_win_over_the_environment() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:1")
        .global_api_key("a@b.c", "k")
        .load_env_with(env(&[("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_BASE_URL", "https://x.example")]))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:1");
    assert_eq!(auth_headers(&client), ["x-auth-email", "x-auth-key"]);
    let client = Client::builder()
        .load_env_with(env(&[("CLOUDFLARE_API_TOKEN", "tok"), ("CLOUDFLARE_BASE_URL", " https://x.example/v4/ ")]))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://x.example/v4");
}

/// A token or key that is not visible ASCII is refused at build time, naming the field
/// and never echoing the value.
#[test]
fn credentials_must_be_visible_ascii() {
    let cases: [(&str, Option<&str>); 9] = [
        ("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY", None),
        ("secret-with\nnewline", Some("a control character at character 12")),
        ("secret-with\rcr", Some("a control character")),
        ("secret\0nul", Some("a control character")),
        ("secret\ttab", Some("a control character")),
        ("secret with-space", Some("whitespace at character 7")),
        (" secret-leading", Some("whitespace")),
        ("secret-é", Some("a non-ASCII character")),
        ("secret\u{a0}nbsp", Some("whitespace")),
    ];
    for (value, want) in cases {
        let token = Client::builder().api_token(value).build();
        let key = Client::builder().global_api_key("a@b.c", value).build();
        for (result, field) in [(token, "API token"), (key, "global API key")] {
            match (result, want) {
                (Ok(_), None) => {}
                (Err(e), Some(needle)) => {
                    let text = format!("{e} {e:?}");
                    assert!(e.is_config(), "{value:?}");
                    assert!(text.contains(field) && text.contains(needle), "{value:?}: {e}");
                    assert!(!text.contains("secret"), "{value:?}: the value is echoed: {text}");
                }
                (got, _) => panic!("{value:?} as {field}: unexpected {got:?}"),
            }
        }
    }
    let bad_email = Client::builder().global_api_key("admin@example.com\r\n", "key").build().unwrap_err();
    assert!(bad_email.to_string().contains("`email`"), "{bad_email}");
}

#[test]
fn credential_headers_are_sensitive_and_checked() {
    let client = Client::builder().api_token("tok").build().unwrap();
    assert!(client.inner.headers["authorization"].is_sensitive());
    let bad = Client::builder().api_token("to\nk").build().unwrap_err();
    assert!(bad.is_config());
    assert!(!bad.to_string().contains("to\nk"));
    assert!(Client::builder().api_token("").build().unwrap_err().is_config());
}

#[test]
fn api_version_header() {
    let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 31).unwrap();
    let client = Client::builder().api_token("tok").api_version(date).build().unwrap();
    assert_eq!(client.inner.headers["api-version"], "2025-01-31");
    let client = Client::builder().api_token("tok").build().unwrap();
    assert!(!client.inner.headers.contains_key("api-version"));
}

#[test]
fn the_shared_budget_store_comes_from_the_environment_or_the_builder() {
    let base = || Client::builder().api_token("tok");
    let with_store = |url: &'static str| move |name: &str| (name == "CFZT_BUDGET_URL").then(|| url.to_string());
    let err = |b: ClientBuilder| b.build().unwrap_err().to_string();
    // A store URL that cannot be used names the variable, and never quotes the URL.
    let refused = err(base().load_env_with(with_store("http://:hunter2@127.0.0.1/")));
    assert!(refused.contains("CFZT_BUDGET_URL") && !refused.contains("hunter2"), "{refused}");
    // A budget chosen in code gives way to nothing from the environment.
    base().load_env_with(with_store("http://bad/")).pacing(Pacing::Off).build().unwrap();
    base()
        .load_env_with(with_store("http://bad/"))
        .pacing(Pacing::Shared(Arc::new(LocalBudget::default())))
        .build()
        .unwrap();
    #[cfg(feature = "redis")]
    {
        // Built without connecting: Redis is reached on the first request.
        let quota = BudgetQuota::new(20, std::time::Duration::from_secs(1)).unwrap();
        base().load_env_with(with_store("redis://127.0.0.1:1/")).pacing(Pacing::Quota(quota)).build().unwrap();
        let redis = |url: &str| Pacing::Redis { url: url.into(), quota: None };
        let refused = err(base().pacing(redis("ftp://127.0.0.1/")));
        assert!(refused.contains("Pacing::Redis"), "{refused}");
        let debug = format!("{:?}", base().pacing(redis("redis://:hunter2@127.0.0.1/")));
        assert!(!debug.contains("hunter2"), "{debug}");
    }
    #[cfg(not(feature = "redis"))]
    assert!(err(base().load_env_with(with_store("redis://127.0.0.1/"))).contains("`redis` feature"));
}

/// Each configuration error names the setting it is about, so that a CLI can name its
/// own flag for it rather than guess from the message.
#[test]
fn a_config_error_names_its_setting() {
    let setting = |b: ClientBuilder| match b.build().unwrap_err() {
        Error::Config(e) => e.setting,
        other => panic!("not a configuration error: {other}"),
    };
    let token = || Client::builder().api_token("tok");
    let cases = [
        (Client::builder(), ConfigSetting::Credentials),
        (Client::builder().api_token("t\nk"), ConfigSetting::Credentials),
        (Client::builder().load_env_with(env(&[("CLOUDFLARE_EMAIL", "a@example.com")])), ConfigSetting::Credentials),
        (token().base_url("ftp://x"), ConfigSetting::BaseUrl),
        (token().base_url("http://10.0.0.1/client/v4"), ConfigSetting::BaseUrl),
        (token().load_env_with(env(&[("CLOUDFLARE_BASE_URL", "nope")])), ConfigSetting::BaseUrl),
        (token().load_env_with(env(&[("CFZT_BUDGET_URL", "http://127.0.0.1/")])), ConfigSetting::BudgetStore),
    ];
    for (builder, want) in cases {
        let debug = format!("{builder:?}");
        assert_eq!(setting(builder), want, "{debug}");
    }
}

/// One rule for the environment: `CFZT_BUDGET_URL` keeps the default pacing, or a quota set
/// in code, in Redis; `Off`, `Shared` and `Redis` set in code are used as they are.
#[test]
fn the_environment_keeps_a_quota_in_redis_and_leaves_the_rest_alone() {
    let quota = BudgetQuota::new(20, std::time::Duration::from_secs(1)).unwrap();
    let url = || Some("redis://127.0.0.1:1/".to_string());
    let shown = |(pacing, from_env): (Pacing, bool)| format!("{pacing:?} {from_env}");
    let redis = |quota| shown((Pacing::Redis { url: "redis://127.0.0.1:1/".into(), quota }, true));
    let shared: Arc<dyn cfzt_transport::RequestBudget> = Arc::new(LocalBudget::default());
    let cases = [
        (None, url(), redis(None)),
        (Some(Pacing::Auto), url(), redis(None)),
        (Some(Pacing::Quota(quota)), url(), redis(Some(quota))),
        (None, None, shown((Pacing::Auto, false))),
        (Some(Pacing::Off), url(), shown((Pacing::Off, false))),
        (Some(Pacing::Shared(shared.clone())), url(), shown((Pacing::Shared(shared), false))),
    ];
    for (set, env, want) in cases {
        assert_eq!(shown(Pacing::resolve(set, env)), want);
    }
}

/// The former builder methods are thin wrappers over `pacing` and `retry_tokens`.
#[test]
#[allow(deprecated)]
fn the_former_pacing_methods_set_the_one_pacing() {
    let quota = BudgetQuota::new(20, std::time::Duration::from_secs(1)).unwrap();
    let pacing = |b: ClientBuilder| format!("{:?}", b.pacing);
    let redis = |quota| format!("{:?}", Some(Pacing::Redis { url: "redis://h/".into(), quota }));
    assert_eq!(pacing(Client::builder().rate_limit(quota)), format!("{:?}", Some(Pacing::Quota(quota))));
    assert_eq!(pacing(Client::builder().no_request_budget()), format!("{:?}", Some(Pacing::Off)));
    assert_eq!(pacing(Client::builder().rate_limit(quota).redis_budget("redis://h/")), redis(Some(quota)));
    assert_eq!(pacing(Client::builder().redis_budget("redis://h/").rate_limit(quota)), redis(Some(quota)));
    assert_eq!(pacing(Client::builder().redis_budget("redis://h/").no_request_budget()), redis(None));
    let tokens = Arc::new(cfzt_transport::RetryTokens::new(7));
    let client = Client::builder().api_token("tok").retry_budget(tokens).build().unwrap();
    assert_eq!(client.inner.transport.retry_tokens().available(), 7);
}
