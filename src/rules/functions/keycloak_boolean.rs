//! `keycloak-boolean`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use crate::tree::Value;
use serde::Deserialize;

/// `keycloak-boolean`: boolean settings in a Keycloak `attributes` map must be the strings "true" or
/// "false".
pub struct KeycloakBoolean;

/// The boolean attribute keys of a SAML client (SamlConfigAttributes, requirements.md §3.3).
pub const BOOLEAN_KEYS: &[&str] = &[
    "saml_force_name_id_format",
    "saml.authnstatement",
    "saml.onetimeuse.condition",
    "saml.server.signature",
    "saml.assertion.signature",
    "saml.server.signature.keyinfo.ext",
    "saml.force.post.binding",
    "saml.artifact.binding",
    "saml.client.signature",
    "saml.encrypt",
    "saml.allow.ecp.flow",
    "saml.multivalued.roles",
    "saml.useMetadataDescriptorUrl",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    keys: Option<Vec<String>>,
}

#[derive(Debug)]
struct BoolCheck {
    keys: Vec<String>,
}

impl Function for KeycloakBoolean {
    fn name(&self) -> &'static str {
        "keycloak-boolean"
    }
    fn doc(&self) -> &'static str {
        "Runs on a Keycloak `attributes` map: each boolean setting present (`keys`, default: every boolean SAML client attribute) must be the string \"true\" or \"false\" (or a JSON boolean, which Keycloak's import stores as that string). Keycloak reads booleans with `\"true\".equals(value)`, so \"True\", \"1\" or a number is read as false."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        Ok(Box::new(BoolCheck {
            keys: opts
                .keys
                .unwrap_or_else(|| BOOLEAN_KEYS.iter().map(|s| s.to_string()).collect()),
        }))
    }
}

impl Check for BoolCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(n) = node else { return Vec::new() };
        n.entries()
            .iter()
            .filter(|e| self.keys.iter().any(|k| k == &e.key))
            .filter_map(|e| {
                let shown = match &e.node.value {
                    Value::Str(s) if s == "true" || s == "false" => return None,
                    // Keycloak's import (Jackson) stores a JSON boolean as its string: read as written
                    // (review 31).
                    Value::Bool(_) => return None,
                    // null is unset to Keycloak (its defaults apply; KC026 for the client signature;
                    // review 32).
                    Value::Null => return None,
                    Value::Str(s) => msg!("the string \"{}\"", Arg::value(s)),
                    _ => msg!("a JSON {}", Arg::plain(e.node.type_name())),
                };
                Some(
                    Hit::new({
                        let mut m = msg!("`{}` is ", Arg::value(&e.key));
                        m.push(shown);
                        m.push(msg!(", which Keycloak reads as false"));
                        m
                    })
                    .at(e.node.span)
                    .value(e.node.scalar_text().unwrap_or_default())
                    .path(format!("['{}']", e.key)),
                )
            })
            .collect()
    }
}
