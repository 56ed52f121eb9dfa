//! `same-as-client`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `same-as-client`: a message's value must equal what the paired Keycloak client says.
pub struct SameAsClient;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    /// The profile path in the client, dotted (e.g. `name_id.kind`).
    path: String,
}

#[derive(Debug)]
struct SameCheck {
    path: Vec<String>,
}

impl Function for SameAsClient {
    fn name(&self) -> &'static str {
        "same-as-client"
    }
    fn doc(&self) -> &'static str {
        "For a message paired with a Keycloak client (`--keycloak`; responses by Audience = clientId, AuthnRequests by Issuer = clientId, or `--client`): a present value must equal the client's value at `path` (a dotted profile path, e.g. `name_id.kind`). Passes when there is no paired client or the client cannot tell."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        if opts.path.is_empty() {
            return Err(OptionsError {
                message: "`same-as-client` needs a non-empty `path`".into(),
                mark: o.and_then(|n| n.span().start().copied()),
            });
        }
        Ok(Box::new(SameCheck {
            path: opts.path.split('.').map(str::to_string).collect(),
        }))
    }
}

impl Check for SameCheck {
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit> {
        let Some(mine) = text(node) else {
            return Vec::new();
        };
        let keys: Vec<&str> = std::iter::once("client")
            .chain(self.path.iter().map(String::as_str))
            .collect();
        let Some(theirs_node) = cx.root.path(&keys) else {
            return Vec::new();
        };
        let Some(theirs) = text(Some(theirs_node)) else {
            return Vec::new();
        };
        if mine == theirs {
            return Vec::new();
        }
        let mut m = msg!(
            "is `{}`, but the Keycloak client says `{}`",
            Arg::value(mine),
            Arg::value(theirs)
        );
        if let Some(n) = &theirs_node.note {
            m.push(msg!(" ("));
            m.push(n.clone());
            m.push(msg!(")"));
        }
        vec![Hit::new(m)]
    }
}
