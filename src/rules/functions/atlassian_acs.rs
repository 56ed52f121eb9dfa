//! `atlassian-acs`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `atlassian-acs`: the profile's `sp.acs_url` must be Atlassian Cloud's ACS with its connection query.
pub struct AtlassianAcs;
#[derive(Debug)]
struct AcsCheck;

const ACS: &str = "https://auth.atlassian.com/login/callback";

impl Function for AtlassianAcs {
    fn name(&self) -> &'static str {
        "atlassian-acs"
    }
    fn doc(&self) -> &'static str {
        "Runs on the profile's `sp`: its `acs_url` must be exactly `https://auth.atlassian.com/login/callback?connection=saml-<id>`. The error names the value for what it is (a response's Destination or Recipient, a client's ACS setting or adminUrl, from `sp.acs_from`) and what is wrong with it. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(AcsCheck))
    }
}

/// What `sp.acs_from` says the value is.
pub fn acs_name(from: Option<&str>) -> &'static str {
    match from {
        Some("destination") => "the Response's Destination",
        Some("recipient") => {
            "the Recipient of the bearer SubjectConfirmationData (the Response has no Destination)"
        }
        Some("assertion-consumer-service-url") => "the AuthnRequest's AssertionConsumerServiceURL",
        Some("assertion-consumer-service-post") => {
            "the client's Assertion Consumer Service POST Binding URL"
        }
        Some("admin-url") => {
            "the client's Master SAML Processing URL (adminUrl, the fallback ACS of every binding)"
        }
        _ => "the client's Assertion Consumer Service POST Binding URL",
    }
}

impl Check for AcsCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(sp) = node else { return Vec::new() };
        let Some(acs_node) = sp.get("acs_url") else {
            return Vec::new();
        };
        let Some(acs) = acs_node.as_str() else {
            return Vec::new();
        };
        let what = acs_name(sp.get("acs_from").and_then(Node::as_str));
        let (base, query) = acs.split_once('?').unwrap_or((acs, ""));
        let problem = if base != ACS {
            msg!("is not on {}", Arg::plain(ACS))
        } else if query.is_empty() {
            msg!("has no `?connection=saml-<id>` query")
        } else if super::connection_id::acs_id_of(acs).is_none() {
            msg!("does not name a connection (`connection=saml-<id>`)")
        } else if !query.strip_prefix("connection=saml-").is_some_and(|id| {
            !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        }) {
            msg!("carries more in its query than `connection=saml-<id>`")
        } else {
            return Vec::new();
        };
        let mut m = msg!("{} `{}` ", Arg::plain(what), Arg::url(acs));
        m.push(problem);
        vec![Hit::new(m).at(acs_node.span).value(acs).path(".acs_url")]
    }
}
