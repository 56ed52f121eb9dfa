//! `redirect-uri`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `redirect-uri`: the SP's ACS must be accepted by the client's `redirectUris` under Keycloak's rules.
pub struct RedirectUri;
#[derive(Debug)]
struct RedirectCheck;

/// Keycloak's RedirectUtils (`matchesRedirects`, `resolveValidRedirects`, `areWildcardsAllowed`;
/// review 52 compared it line by line):
/// - an entry starting with `/` is relative to the client's `rootUrl` (`root`); without one, or with a
///   `${…}` placeholder there, it is relative to Keycloak's own address, which no SP's ACS is;
/// - a lone `*` allows everything;
/// - an entry ending in `*` without a `?` is a prefix of the ACS cut at its query (or fragment), or,
///   with the `*` and one trailing `/` taken off, equal to it; an ACS with user info or a `/../` in
///   its path takes no wildcard;
/// - any other entry, `…?connection=saml-*` included, must equal the ACS, query and case as written.
pub fn accepted(acs: &str, valid: &[&str], root: Option<&str>) -> bool {
    let wildcards = wildcards_allowed(acs);
    let cut = acs
        .find('?')
        .or_else(|| acs.find('#'))
        .map_or(acs, |i| &acs[..i]);
    valid.iter().any(|v| {
        let resolved;
        let v = match (v.starts_with('/'), root) {
            (false, _) => *v,
            (true, Some(r)) if !r.is_empty() && !r.contains("${") => {
                resolved = format!("{r}{v}");
                resolved.as_str()
            }
            (true, _) => return false,
        };
        if v == "*" {
            return true;
        }
        match v.strip_suffix('*') {
            Some(prefix) if wildcards && !v.contains('?') => {
                cut.starts_with(prefix)
                    || (prefix.len() > 1 && prefix.strip_suffix('/') == Some(cut))
            }
            _ => v == acs,
        }
    })
}

/// Keycloak's `areWildcardsAllowed`: no user info, and no `/../` (in any of its encodings) in the path.
fn wildcards_allowed(acs: &str) -> bool {
    let rest = acs.split_once("://").map_or(acs, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let path = tail.split(['?', '#']).next().unwrap_or(tail);
    static UNSAFE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(/|%2[fF]|%5[cC]|\\)(%2[eE]|\.){2}(/|%2[fF]|%5[cC]|\\)|(/|%2[fF]|%5[cC]|\\)(%2[eE]|\.){2}$",
        )
        .ok()
    });
    !authority.contains('@') && UNSAFE.as_ref().is_some_and(|re| !re.is_match(path))
}

impl Function for RedirectUri {
    fn name(&self) -> &'static str {
        "redirect-uri"
    }
    fn doc(&self) -> &'static str {
        "Runs on the profile's `sp` (Keycloak clients): the ACS (`acs_url`) must be accepted by `redirect_uris` as Keycloak matches them: a lone `*` allows everything, an entry ending in `*` is a prefix match that ignores the query, any other entry must equal the URL including its query (`?connection=saml-…`). With no ACS it passes. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(RedirectCheck))
    }
}

impl Check for RedirectCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(sp) = node else { return Vec::new() };
        let Some(acs) = sp.get("acs_url").and_then(Node::as_str) else {
            return Vec::new();
        };
        let uris = sp.get("redirect_uris");
        let valid: Vec<&str> = uris
            .map(|u| u.items().iter().filter_map(Node::as_str).collect())
            .unwrap_or_default();
        let root = sp.get("root_url").and_then(Node::as_str);
        if accepted(acs, &valid, root) {
            return Vec::new();
        }
        let why = if valid.is_empty() {
            "redirectUris is empty".to_string()
        } else if valid.iter().any(|v| v.ends_with('*') && v.contains('?')) {
            "an entry with a query ends in *, which Keycloak compares as written: it takes * as a wildcard only in an entry without a query".to_string()
        } else if valid.iter().any(|v| v.starts_with('/'))
            && !valid.iter().any(|v| !v.starts_with('/'))
        {
            "its entries are relative, and Keycloak resolves them against the client's Root URL (or its own address without one), not the SP's".to_string()
        } else if valid.iter().any(|v| {
            acs.split('?').next() == Some(*v) || v.split('?').next() == acs.split('?').next()
        }) {
            "redirectUris has the ACS without its exact query; Keycloak compares the query too"
                .to_string()
        } else {
            format!("no entry of redirectUris ({}) matches it", valid.len())
        };
        vec![
            Hit::new(msg!("the ACS is not accepted: {}", Arg::plain(why)))
                .at(uris.and_then(|u| u.span).or(sp.span))
                .value(acs),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::accepted;

    #[test]
    fn keycloak_matching() {
        let acs = "https://auth.atlassian.com/login/callback?connection=saml-1";
        assert!(accepted(acs, &[acs], None));
        assert!(accepted(
            acs,
            &["https://auth.atlassian.com/login/callback*"],
            None
        ));
        assert!(accepted(acs, &["*"], None));
        assert!(!accepted(
            acs,
            &["https://auth.atlassian.com/login/callback"],
            None
        ));
        assert!(!accepted(
            acs,
            &["https://auth.atlassian.com/login/callback?connection=saml-2"],
            None
        ));
        assert!(!accepted(acs, &[], None));
    }

    /// Review 52, against RedirectUtils.matchesRedirects: a `*` in an entry with a query is literal;
    /// one trailing `/` before the `*` may be missing from the ACS; a relative entry takes the root URL.
    #[test]
    fn keycloak_wildcards_and_relative_entries() {
        let acs = "https://auth.atlassian.com/login/callback?connection=saml-1";
        assert!(!accepted(
            acs,
            &["https://auth.atlassian.com/login/callback?connection=saml-*"],
            None
        ));
        assert!(accepted(
            acs,
            &["https://auth.atlassian.com/login/callback/*"],
            None
        ));
        assert!(!accepted(
            acs,
            &["https://auth.atlassian.com/login/callbac/*"],
            None
        ));
        let relative = ["/login/callback?connection=saml-1"];
        assert!(accepted(acs, &relative, Some("https://auth.atlassian.com")));
        assert!(!accepted(acs, &relative, None));
        assert!(!accepted(acs, &relative, Some("${authBaseUrl}")));
        assert!(accepted(
            acs,
            &["/login/*"],
            Some("https://auth.atlassian.com")
        ));
        // No wildcard for an ACS with user info or a parent step in its path; `*` alone still.
        for odd in [
            "https://x@auth.atlassian.com/login/callback",
            "https://auth.atlassian.com/login/../callback",
            "https://auth.atlassian.com/login/%2E%2E/callback",
        ] {
            assert!(
                !accepted(odd, &["https://auth.atlassian.com/*"], None),
                "{odd}"
            );
            assert!(accepted(odd, &["*"], None), "{odd}");
        }
    }
}
