//! Checking the base URL, and quoting a refused one without its secrets.

use std::net::IpAddr;

use crate::error::{ConfigError, ConfigSetting};

/// Cloudflare's API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The path Cloudflare serves API v4 under.
const API_PATH: &str = "/client/v4";

/// The configuration error for a refused base URL: it quotes the URL redacted (scheme,
/// host and path; never userinfo, query or fragment) and says where it came from.
pub(crate) fn base_url_error(raw: &str, from_env: bool, why: &str) -> ConfigError {
    let source = if from_env { " (from CLOUDFLARE_BASE_URL)" } else { "" };
    ConfigError::new(ConfigSetting::BaseUrl, format!("base URL {:?}{source} {why}", redacted_url(raw)))
}

/// A URL as it may be shown: without userinfo (anything up to the last `@` of the part
/// after the scheme), query or fragment. Works on text, so it also redacts what does not
/// parse as a URL.
pub(crate) fn redacted_url(raw: &str) -> String {
    let raw = raw.trim();
    let raw = raw.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, raw),
    };
    let rest = rest.rsplit_once('@').map_or(rest, |(_, after)| after);
    match scheme {
        Some(scheme) => format!("{scheme}://{rest}"),
        None => rest.to_string(),
    }
}

/// Checks a base URL and returns it without a trailing slash, or says what is wrong
/// without quoting it (the caller quotes it redacted).
pub(crate) fn check_base_url(raw: &str) -> Result<String, String> {
    if !raw.contains("://") {
        return Err(format!("has no scheme: add https:// in front, as in \"https://{}\"", redacted_url(raw)));
    }
    let url = url::Url::parse(raw).map_err(|e| format!("is not a URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain credentials (user:password@); pass them with ClientBuilder::api_token".into());
    }
    // The caller quotes the URL without them, so the message names what was left out.
    let extra = match (url.query().is_some(), url.fragment().is_some()) {
        (true, true) => Some("a query (`?...`) and a fragment (`#...`)"),
        (true, false) => Some("a query (`?...`)"),
        (false, true) => Some("a fragment (`#...`)"),
        (false, false) => None,
    };
    if let Some(extra) = extra {
        return Err(format!("was given with {extra}, not quoted here: a base URL may have neither"));
    }
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                None => false,
            };
            if !loopback {
                return Err("uses plain http to a host that is not loopback; use https".into());
            }
        }
        _ => return Err("must use https".into()),
    }
    let path = url.path().trim_end_matches('/');
    if !path.ends_with(API_PATH) {
        if url.host_str().is_some_and(|h| h.eq_ignore_ascii_case("api.cloudflare.com")) {
            return Err(format!(
                "lacks the API's path: Cloudflare serves it under {API_PATH}, as in \"{DEFAULT_BASE_URL}\""
            ));
        }
        tracing::warn!(
            base_url = %redacted_url(raw),
            "the base URL's path does not end with {API_PATH}; Cloudflare serves the API there, so calls may 404"
        );
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_table() {
        let cases = [
            ("https://api.cloudflare.com/client/v4", Some("https://api.cloudflare.com/client/v4")),
            ("https://api.cloudflare.com/client/v4/", Some("https://api.cloudflare.com/client/v4")),
            ("http://127.0.0.1:8787", Some("http://127.0.0.1:8787")),
            ("http://127.0.0.2:8787/v4", Some("http://127.0.0.2:8787/v4")),
            ("http://[::1]:8787", Some("http://[::1]:8787")),
            ("http://localhost:8787/", Some("http://localhost:8787")),
            ("http://api.cloudflare.com/client/v4", None),
            ("http://10.0.0.1", None),
            ("ftp://127.0.0.1", None),
            ("https://user:pw@api.cloudflare.com", None),
            ("https://api.cloudflare.com/?x=1", None),
            ("not a url", None),
            ("https://api.cloudflare.com", None),
            ("https://api.cloudflare.com/", None),
            ("https://API.Cloudflare.com/v4", None),
            ("https://api.cloudflare.com/client/v4/accounts", None),
            ("https://API.cloudflare.com/client/v4", Some("https://api.cloudflare.com/client/v4")),
            ("https://proxy.example/cf/client/v4", Some("https://proxy.example/cf/client/v4")),
            ("https://proxy.example", Some("https://proxy.example")),
            ("api.cloudflare.com/client/v4", None),
            ("localhost:8787/client/v4", None),
        ];
        for (raw, want) in cases {
            assert_eq!(check_base_url(raw).ok().as_deref(), want, "{raw}");
        }
    }

    /// The URL is quoted without its query and fragment, so the message must not say it
    /// "must not have a query" of a URL shown with none: it names what was left out.
    #[test]
    fn a_query_or_fragment_is_named_as_left_out() {
        let cases = [
            ("https://api.cloudflare.com/client/v4?x=1", "was given with a query (`?...`), not quoted here"),
            ("https://api.cloudflare.com/client/v4#top", "was given with a fragment (`#...`), not quoted here"),
            ("https://api.cloudflare.com/client/v4?x=1#top", "a query (`?...`) and a fragment (`#...`)"),
        ];
        for (raw, want) in cases {
            let why = check_base_url(raw).unwrap_err();
            let shown = base_url_error(raw, false, &why).to_string();
            assert!(shown.contains("\"https://api.cloudflare.com/client/v4\""), "{shown}");
            assert!(shown.contains(want), "{raw}: {shown}");
        }
    }
}
