//! The shape of a Cloudflare Ray ID (the `cf-ray` response header): the one check of
//! what may go into a trace, used by the retry layer's attempt spans and the client's
//! call spans.

/// `true` for a value shaped like a Ray ID: 16 hex digits, optionally `-` and up to four
/// letters of a data centre. Only such a value goes into a trace, so that a server
/// echoing a credential in `cf-ray` cannot put it there.
///
/// ```
/// use cfzt_transport::is_ray_id;
///
/// assert!(is_ray_id("8d5b2f0c3a1e4b7f-LHR"));
/// assert!(!is_ray_id("Bearer Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY"));
/// ```
pub fn is_ray_id(value: &str) -> bool {
    let (id, colo) = value.split_once('-').unwrap_or((value, ""));
    id.len() == 16
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && colo.len() <= 4
        && colo.bytes().all(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    #[test]
    fn ray_ids_and_what_is_not_one() {
        let cases = [
            ("8d5b2f0c3a1e4b7f", true),
            ("8d5b2f0c3a1e4b7f-LHR", true),
            ("8D5B2F0C3A1E4B7F-sjc", true),
            ("", false),
            ("8d5b2f0c3a1e4b7", false),
            ("8d5b2f0c3a1e4b7g", false),
            ("8d5b2f0c3a1e4b7f-LHR1", false),
            ("8d5b2f0c3a1e4b7f-TOOLONG", false),
            ("Sn3lZJTBX6kkg7OdcBUAxOO963GEIyGQqnFTOFYY", false),
            ("Bearer 8d5b2f0c3a1e4b7f", false),
        ];
        for (value, want) in cases {
            assert_eq!(super::is_ray_id(value), want, "{value:?}");
        }
    }
}
