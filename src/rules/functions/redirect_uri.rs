//! `redirect-uri`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `redirect-uri`: the SP's ACS must be accepted by the client's `redirectUris` under Keycloak's rules.
pub struct RedirectUri;
#[derive(Debug)]
struct RedirectCheck;

/// Keycloak's RedirectUtils (modern versions): a lone `*` allows everything; an entry ending in `*` is a
/// prefix match that ignores the query; any other entry must equal the full URL, query included.
pub fn accepted(acs: &str, valid: &[&str]) -> bool {
    let no_query = acs.split(['?', '#']).next().unwrap_or(acs);
    valid.iter().any(|v| {
        if *v == "*" {
            true
        } else if let Some(prefix) = v.strip_suffix('*') {
            no_query.starts_with(prefix) || acs.starts_with(prefix)
        } else {
            *v == acs
        }
    })
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
        if accepted(acs, &valid) {
            return Vec::new();
        }
        let why = if valid.is_empty() {
            "redirectUris is empty".to_string()
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
        assert!(accepted(acs, &[acs]));
        assert!(accepted(
            acs,
            &["https://auth.atlassian.com/login/callback*"]
        ));
        assert!(accepted(acs, &["*"]));
        assert!(!accepted(
            acs,
            &["https://auth.atlassian.com/login/callback"]
        ));
        assert!(!accepted(
            acs,
            &["https://auth.atlassian.com/login/callback?connection=saml-2"]
        ));
        assert!(!accepted(acs, &[]));
    }
}
