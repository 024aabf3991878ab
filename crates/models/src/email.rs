//! Whether two emails name the same person: the one email comparison of the workspace.

/// `true` when `a` and `b` are the same email: equal once the ASCII letters `A`–`Z` are
/// lowercased, and equal in every other character.
///
/// This is the one email comparison of the workspace: the SDK's credential fingerprint,
/// the workflows (`find_by_email`, offboarding's repeats, reclamation's exclusions), the
/// CLI's list files and resume files, and the fake server's duplicate check, `email`
/// filter and revocation all use it (or [`email_key`], its key for sets and maps).
///
/// Only ASCII case is ignored. Unicode case rules would make a different address match:
/// `K` KELVIN SIGN (U+212A) lowercases to an ASCII `k`, `ſ` LONG S (U+017F) folds to `s`,
/// `İ` (U+0130) lowercases to `i` plus a combining dot, `ẞ` (U+1E9E) lowercases to `ß`.
/// Each of these can be the email of another person, who must never be found, excluded
/// or offboarded in their stead. So a non-ASCII character matches only itself (no case
/// folding, no normalization, no width folding: full-width `ｊ` is not `j`).
///
/// ```
/// use cfzt_models::emails_match;
/// assert!(emails_match("JDoe@Example.COM", "jdoe@example.com"));
/// assert!(!emails_match("mark@example.com", "mar\u{212A}@example.com")); // KELVIN SIGN
/// assert!(!emails_match("mask@example.com", "ma\u{17F}k@example.com")); // LONG S
/// assert!(!emails_match("jdoe@example.com", "ｊdoe@example.com")); // full-width j
/// ```
pub fn emails_match(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The key under which [`emails_match`] files an email: the email with its ASCII letters
/// lowercased, every other character kept. Two emails match exactly when their keys are
/// equal, so a set or map of keys holds one entry per person.
///
/// ```
/// use std::collections::HashSet;
/// use cfzt_models::email_key;
/// let people: HashSet<String> =
///     ["JDoe@Example.com", "jdoe@example.com", "mar\u{212A}@example.com", "mark@example.com"]
///         .into_iter()
///         .map(email_key)
///         .collect();
/// assert_eq!(people.len(), 3); // Jane once; the two Marks are two people
/// assert!(people.contains(&email_key("JDOE@EXAMPLE.COM")));
/// ```
pub fn email_key(email: &str) -> String {
    email.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs of emails and whether they are the same person.
    const PAIRS: &[(&str, &str, bool)] = &[
        // ASCII case pairs match, wherever the case differs.
        ("jdoe@example.com", "jdoe@example.com", true),
        ("jdoe@example.com", "JDOE@EXAMPLE.COM", true),
        ("JDoe@Example.com", "jDOE@eXAMPLE.COM", true),
        ("j.doe+Tag@Sub.Example.co.uk", "J.DOE+tag@sub.example.CO.UK", true),
        ("Jöran@example.com", "jöran@example.com", true),
        ("", "", true),
        // Anything else differs.
        ("jdoe@example.com", "jdoe@example.co", false),
        ("jdoe@example.com", "xjdoe@example.com", false),
        ("jdoe@example.com", "jdoe@example.com ", false),
        ("jdoe@example.com", "", false),
        // KELVIN SIGN lowercases to an ASCII `k` under Unicode rules.
        ("mark@example.com", "mar\u{212A}@example.com", false),
        ("MARK@example.com", "mar\u{212A}@example.com", false),
        // LONG S folds to `s` and uppercases to `S`.
        ("mask@example.com", "ma\u{17F}k@example.com", false),
        ("MASK@example.com", "ma\u{17F}k@example.com", false),
        // Turkish dotless and dotted i.
        ("ijones@example.com", "\u{131}jones@example.com", false),
        ("Ijones@example.com", "\u{131}jones@example.com", false),
        ("ijones@example.com", "\u{130}jones@example.com", false),
        ("Ijones@example.com", "\u{130}jones@example.com", false),
        // Full-width letters, and the full-width `@`.
        ("jdoe@example.com", "\u{FF4A}\u{FF44}\u{FF4F}\u{FF45}@example.com", false),
        ("JDOE@example.com", "\u{FF2A}\u{FF24}\u{FF2F}\u{FF25}@example.com", false),
        ("jdoe@example.com", "jdoe\u{FF20}example.com", false),
        // Non-ASCII letters match only themselves: no case folding, no normalization.
        ("JÖRAN@example.com", "jöran@example.com", false),
        ("strasse@example.com", "straße@example.com", false),
        ("STRAẞE@example.com", "straße@example.com", false),
        ("\u{3A3}\u{391}\u{3A3}@example.com", "\u{3C3}\u{3B1}\u{3C2}@example.com", false),
        ("jos\u{E9}@example.com", "jose\u{301}@example.com", false),
        // Lookalikes from other scripts (Cyrillic а, Greek ο).
        ("alice@example.com", "\u{430}lice@example.com", false),
        ("bob@example.com", "b\u{3BF}b@example.com", false),
        // Angstrom sign and ring-above A: Unicode lowercases both to å.
        ("\u{212B}@example.com", "\u{C5}@example.com", false),
    ];

    #[test]
    fn only_ascii_case_is_ignored() {
        for &(a, b, same) in PAIRS {
            assert_eq!(emails_match(a, b), same, "{a:?} vs {b:?}");
            assert_eq!(emails_match(b, a), same, "{b:?} vs {a:?}");
            assert_eq!(email_key(a) == email_key(b), same, "keys of {a:?} and {b:?}");
        }
    }

    #[test]
    fn the_unicode_rule_would_confuse_the_lookalikes() {
        // The pairs above that Unicode lowercasing takes for one person, which is why it is not used.
        let confused = PAIRS.iter().filter(|(a, b, same)| !same && a.to_lowercase() == b.to_lowercase()).count();
        assert!(confused >= 6, "{confused}");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn the_key_and_the_comparison_agree(a in "[a-zA-Z\u{212A}\u{17F}\u{130}\u{131}ßẞ@.]{0,8}",
                                                 b in "[a-zA-Z\u{212A}\u{17F}\u{130}\u{131}ßẞ@.]{0,8}") {
                prop_assert_eq!(emails_match(&a, &b), email_key(&a) == email_key(&b));
                prop_assert!(emails_match(&a, &email_key(&a)));
                prop_assert_eq!(email_key(&email_key(&a)), email_key(&a));
                // Only ASCII letters change: every other character is kept as it is.
                let kept: String = a.chars().filter(|c| !c.is_ascii_alphabetic()).collect();
                let kept_in_key: String = email_key(&a).chars().filter(|c| !c.is_ascii_alphabetic()).collect();
                prop_assert_eq!(kept, kept_in_key);
            }
        }
    }
}
