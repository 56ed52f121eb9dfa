//! `secrets`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use crate::tree::Value;
use serde::Deserialize;

/// `secrets`: private keys and secrets anywhere below the node (never printed).
pub struct Secrets;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    /// Do not descend into `clients[]` entries whose protocol is saml (they are linted on their own).
    skip_saml_clients: Option<String>,
}

#[derive(Debug)]
struct SecretsCheck {
    skip_saml_clients: bool,
}

fn is_mask(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c == '*')
}

/// Keycloak generates a `secret` for every confidential client, SAML ones included (26.7's admin API,
/// console export and `kc.sh export` all carry it). The SAML protocol never uses it, and Keycloak's OpenID
/// Connect endpoints refuse a SAML client ("Wrong client protocol", checked against a real server by
/// tests/keycloak.rs), so it is not a credential and is not reported. Private keys still are.
fn inert_saml_secret(client: &Node, key: &str) -> bool {
    key == "secret"
        && client.get("clientId").is_some()
        && client.get("protocol").and_then(Node::as_str) == Some("saml")
}

fn walk(n: &Node, path: &str, in_credentials: bool, skip_saml: bool, out: &mut Vec<Hit>) {
    match &n.value {
        Value::Map(m) => {
            for e in m {
                if inert_saml_secret(n, &e.key) {
                    continue;
                }
                let p = crate::rules::selector::member_path(path, &e.key);
                if skip_saml && e.key == "clients" {
                    for (i, c) in e.node.items().iter().enumerate() {
                        if c.get("protocol").and_then(Node::as_str) != Some("saml") {
                            walk(c, &format!("{p}[{i}]"), false, skip_saml, out);
                        }
                    }
                    continue;
                }
                // `value` and `password` are secrets only inside `credentials`
                // (users[].credentials[].value); `password` also in the realm's `smtpServer`, which
                // `kc.sh export` writes in clear (review 57).
                let secret_key = crate::keycloak::is_secret_key(&e.key, in_credentials)
                    || (e.key == "password" && path == "$.smtpServer");
                if secret_key {
                    let present = match &e.node.value {
                        Value::Str(s) => !s.is_empty() && !is_mask(s),
                        Value::List(l) => l
                            .iter()
                            .any(|i| i.as_str().is_some_and(|s| !s.is_empty() && !is_mask(s))),
                        _ => false,
                    };
                    if present {
                        // The key is one of Keycloak's own (`is_secret_key` matches exactly), so it is
                        // shown under --redact too (review 46: `clientSecret` became a pseudonym).
                        out.push(
                            Hit::new(msg!("`{}` holds a secret", Arg::plain(&e.key)))
                                .at(e.node.span)
                                .value("[secret]")
                                .path(p.clone()),
                        );
                    }
                    continue;
                }
                walk(
                    &e.node,
                    &p,
                    in_credentials || e.key == "credentials",
                    skip_saml,
                    out,
                );
            }
        }
        Value::List(l) => {
            for (i, c) in l.iter().enumerate() {
                walk(c, &format!("{path}[{i}]"), in_credentials, skip_saml, out);
            }
        }
        _ => {}
    }
}

impl Function for Secrets {
    fn name(&self) -> &'static str {
        "secrets"
    }
    fn doc(&self) -> &'static str {
        "Finds private keys and secrets below the node: `saml.signing.private.key`, `saml.encryption.private.key`, `secret` (except a SAML client's, which Keycloak generates and never uses), key-provider `privateKey`, identity-provider `clientSecret`, LDAP `bindCredential`, the realm's SMTP `password` (`$.smtpServer.password`), and user credentials (`value`, `secretData`, `hashedSaltedValue`, `password`). Keycloak's `**********` masks are not secrets. The value is never printed. `skip_saml_clients: true` leaves SAML clients of a realm export to their own check."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        Ok(Box::new(SecretsCheck {
            skip_saml_clients: super::flag(&opts.skip_saml_clients)?,
        }))
    }
}

impl Check for SecretsCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let mut out = Vec::new();
        if let Some(n) = node {
            walk(n, "$", false, self.skip_saml_clients, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse_json;

    fn keys(json: &str) -> Vec<String> {
        let mut out = Vec::new();
        walk(&parse_json(json).unwrap(), "$", false, false, &mut out);
        out.into_iter().filter_map(|h| h.path).collect()
    }

    #[test]
    fn a_saml_clients_generated_secret_is_not_reported_but_its_keys_and_other_secrets_are() {
        assert!(keys(r#"{"clientId":"a","protocol":"saml","secret":"s3cr3t"}"#).is_empty());
        assert_eq!(
            keys(
                r#"{"clientId":"a","protocol":"saml","secret":"s3cr3t","attributes":{"saml.signing.private.key":"MIIE"}}"#
            ),
            ["$.attributes['saml.signing.private.key']"]
        );
        // An OpenID Connect client's secret is a credential; so is a secret without a client around it.
        assert_eq!(
            keys(r#"{"clientId":"a","protocol":"openid-connect","secret":"s3cr3t"}"#),
            ["$.secret"]
        );
        assert_eq!(
            keys(r#"{"clients":[{"clientId":"a","secret":"s3cr3t"}]}"#),
            ["$.clients[0].secret"]
        );
        assert_eq!(
            keys(r#"{"config":{"secret":["s3cr3t"]}}"#),
            ["$.config.secret"]
        );
    }
}
