//! `realm-keys`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `realm-keys`: the realm's RSA signing keys against the certificate pasted into the SP.
pub struct RealmKeys;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Trusted,
    SeveralActive,
    Padding,
}

#[derive(Debug)]
struct KeysCheck {
    mode: Mode,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    /// `trusted` (default): the signing certificate against --idp-cert; `several-active`: more than one
    /// active RSA key; `padding`: key material whose base64 goes on after its padding.
    mode: Option<String>,
}

impl Function for RealmKeys {
    fn name(&self) -> &'static str {
        "realm-keys"
    }
    fn doc(&self) -> &'static str {
        "Runs on a realm export: reads the realm's RS256 signing certificates, the keys Keycloak's SAML protocol signs with (key providers under `components`, or the legacy realm `certificate`). `mode: trusted` (the default) reports, when `--idp-cert` is given, that the active key with the highest priority has another certificate (Atlassian's \"Invalid thumbprint\"); `mode: several-active` reports more than one active RS256 key (the one with the highest priority signs, so a priority change or rotation changes the certificate); `mode: padding` reports a key provider's `privateKey` or `certificate` (or the legacy realm-level keys) whose base64 goes on after its `=` padding (`…==+`), which Java's decoders, and so Keycloak 26.5 and later, reject. The values are never printed."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let mode = match opts.mode.as_deref() {
            None | Some("trusted") => Mode::Trusted,
            Some("several-active") => Mode::SeveralActive,
            Some("padding") => Mode::Padding,
            Some(m) => {
                return Err(OptionsError {
                    message: format!(
                        "unknown mode `{m}` (expected trusted, several-active or padding)"
                    ),
                    mark: o.and_then(|n| n.span().start().copied()),
                });
            }
        };
        Ok(Box::new(KeysCheck { mode }))
    }
}

impl Check for KeysCheck {
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit> {
        let Some(realm) = node else { return Vec::new() };
        if self.mode == Mode::Padding {
            return padding(realm);
        }
        let keys = crate::keycloak::realm_keys(realm);
        let active: Vec<_> = keys.iter().filter(|k| k.active).collect();
        if active.is_empty() {
            return Vec::new();
        }
        if self.mode == Mode::Trusted {
            if cx.idp_certs.is_empty() {
                return Vec::new();
            }
            let trusted: Vec<&str> = cx.idp_certs.iter().map(|c| c.info.sha1.as_str()).collect();
            // The key with the highest priority signs.
            let Some(signing) = active.iter().max_by_key(|k| k.priority) else {
                return Vec::new();
            };
            // No certificate in the export (keys left out): nothing to compare.
            let Some(pem) = signing.certificate.as_str() else {
                return Vec::new();
            };
            // Keycloak before 26.5 ignored base64 after the padding (mode `padding` reports it), so
            // the certificate it signed with is the part up to the padding.
            let pem = crate::keycloak::up_to_padding(pem);
            let info = match crate::verify::cert::b64_body(pem)
                .and_then(|d| crate::verify::cert::info(&d))
            {
                Ok(i) => i,
                Err(e) => {
                    return vec![
                        Hit::new(msg!(
                            "the realm signs with `{}`, whose certificate cannot be read ({}), so it cannot be the certificate given with --idp-cert ({})",
                            Arg::text(&signing.name),
                            Arg::plain(e),
                            Arg::plain(trusted.join(", "))
                        ))
                        .at(signing.certificate.span)
                        .value("[certificate]"),
                    ];
                }
            };
            if !trusted.contains(&info.sha1.as_str()) {
                return vec![
                    Hit::new(msg!(
                        "the realm signs with `{}` (SHA-1 {}), which is not the certificate given with --idp-cert ({})",
                        Arg::text(&signing.name),
                        Arg::plain(&info.sha1),
                        Arg::plain(trusted.join(", "))
                    ))
                    .at(signing.certificate.span)
                    .value("[certificate]"),
                ];
            }
            return Vec::new();
        }
        if active.len() > 1 {
            let names: Vec<&str> = active.iter().map(|k| k.name.as_str()).collect();
            return vec![
                Hit::new(msg!(
                    "{} active RS256 signing keys ({}); the one with the highest priority signs, and a change of priority changes the certificate the SP must trust",
                    Arg::plain(active.len()),
                    Arg::text(names.join(", "))
                ))
                .at(active.get(1).and_then(|k| k.certificate.span))
                .value("[certificate]"),
            ];
        }
        Vec::new()
    }
}

/// Key material whose base64 goes on after its padding, one hit each (the value is never shown).
fn padding(realm: &Node) -> Vec<Hit> {
    crate::keycloak::realm_key_values(realm)
        .into_iter()
        .filter_map(|k| {
            let n = crate::keycloak::data_after_padding(k.node.as_str()?)?;
            let mut m = if k.owner == "realm" {
                msg!("the realm's")
            } else {
                msg!("key provider `{}`'s", Arg::text(k.owner))
            };
            m.push(msg!(
                " {} has {} base64 character{} after its `=` padding",
                Arg::plain(k.field),
                Arg::plain(n),
                Arg::plain(if n == 1 { "" } else { "s" })
            ));
            Some(Hit::new(m).at(k.node.span).value("[key]"))
        })
        .collect()
}
