//! `connection-id`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `connection-id`: Atlassian's SP entity ID and ACS must name the same connection.
pub struct ConnectionId;
#[derive(Debug)]
struct ConnCheck;

/// The id in `https://auth.atlassian.com/saml/<id>`.
pub fn entity_id_of(e: &str) -> Option<&str> {
    e.strip_prefix("https://auth.atlassian.com/saml/")
        .map(|s| s.trim_end_matches('/'))
        .filter(|s| !s.is_empty())
}

/// The id in `…?connection=saml-<id>`, percent-decoded as Express decodes a query, when the query
/// names exactly one connection. A query with two `connection` parameters (also spelt
/// percent-encoded, in another case, or as `connection[]`, which Express's `qs` reads as the same key)
/// names none: the first is not "the" connection, since SPs disagree on which copy they read, and
/// Express hands Auth0 an array.
pub fn acs_id_of(acs: &str) -> Option<String> {
    use crate::decode::query;
    let (_, q) = acs.split_once('?')?;
    let params = query::parse_pairs(query::query_part(q));
    // Every name PHP or qs would read as `connection`, in any letter case.
    let mut named = params.iter().filter(|p| {
        query::rewritten_names(&p.name)
            .iter()
            .any(|k| k.eq_ignore_ascii_case("connection"))
    });
    match (named.next(), named.next()) {
        (Some(p), None) if p.name == "connection" => p
            .value()
            .strip_prefix("saml-")
            .filter(|id| !id.is_empty())
            .map(str::to_string),
        _ => None,
    }
}

impl Function for ConnectionId {
    fn name(&self) -> &'static str {
        "connection-id"
    }
    fn doc(&self) -> &'static str {
        "Runs on the profile's `sp`: when the entity ID is `https://auth.atlassian.com/saml/<id>` and the ACS carries `connection=saml-<id>`, the two ids must be equal (both come from one Atlassian SAML configuration). An ACS without a connection id is left to ATL002. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(ConnCheck))
    }
}

impl Check for ConnCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(sp) = node else { return Vec::new() };
        let (Some(e), Some(acs_node)) = (
            sp.get("entity_id")
                .and_then(Node::as_str)
                .and_then(entity_id_of),
            sp.get("acs_url"),
        ) else {
            return Vec::new();
        };
        let Some(acs) = acs_node.as_str() else {
            return Vec::new();
        };
        if !acs.starts_with("https://auth.atlassian.com/") {
            return Vec::new();
        }
        // An ACS without a connection id is ATL002's finding (the ACS pattern), not this one's.
        let entity = match sp.get("entity_id_from").and_then(Node::as_str) {
            Some("audience") => "the Audience",
            Some("issuer") => "the AuthnRequest's Issuer",
            _ => "the client ID",
        };
        let what = super::atlassian_acs::acs_name(sp.get("acs_from").and_then(Node::as_str));
        // The connection an entity ID names is its id without a query or fragment: one with them is
        // no Atlassian SP entity ID (ATL001), but names the connection its id does (review 46: the
        // same id with `?x=1` after it was said to be another connection).
        let e = e.split(['?', '#']).next().unwrap_or(e);
        match acs_id_of(acs) {
            Some(a) if a != e => vec![
                Hit::new(msg!(
                    "{} `{}` and {} `{}` name different Atlassian connections: one of the two belongs to another SAML configuration",
                    Arg::plain(entity),
                    Arg::url(sp.get("entity_id").and_then(Node::as_str).unwrap_or(e)),
                    Arg::plain(what),
                    Arg::url(acs)
                ))
                .at(acs_node.span)
                .value(acs),
            ],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{acs_id_of, entity_id_of};

    #[test]
    fn ids() {
        assert_eq!(
            entity_id_of("https://auth.atlassian.com/saml/abc/"),
            Some("abc")
        );
        assert_eq!(entity_id_of("https://auth.atlassian.com/saml/"), None);
        assert_eq!(entity_id_of("https://example.com/saml/abc"), None);
        assert_eq!(
            acs_id_of("https://auth.atlassian.com/login/callback?x=1&connection=saml-abc")
                .as_deref(),
            Some("abc")
        );
        // Express decodes the query: the connection is the decoded id (review 2, 2026-12-05).
        assert_eq!(
            acs_id_of("https://auth.atlassian.com/login/callback?connection=saml-%30f1e")
                .as_deref(),
            Some("0f1e")
        );
        assert_eq!(acs_id_of("https://auth.atlassian.com/login/callback"), None);
        // Two connections name none, however the second is spelt.
        for second in [
            "connection=saml-b",
            "Connection=saml-b",
            "connectio%6E=saml-b",
            "connection[]=saml-b",
            "connection",
            "+connection=x",
        ] {
            for q in [
                format!("connection=saml-a&{second}"),
                format!("{second}&connection=saml-a"),
            ] {
                let u = format!("https://auth.atlassian.com/login/callback?{q}");
                assert_eq!(acs_id_of(&u), None, "{u}");
            }
        }
        // A fragment is never sent.
        assert_eq!(
            acs_id_of(
                "https://auth.atlassian.com/login/callback?connection=saml-a#connection=saml-b"
            )
            .as_deref(),
            Some("a")
        );
    }
}
