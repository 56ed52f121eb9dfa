//! `realm-keys`.

use super::*;

/// `realm-keys`: the realm's RSA signing keys against the certificate pasted into the SP.
pub struct RealmKeys;
#[derive(Debug)]
struct KeysCheck {
    several: bool,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    /// `trusted` (default): the signing certificate against --idp-cert; `several-active`: more than one
    /// active RSA key.
    mode: Option<String>,
}

impl Function for RealmKeys {
    fn name(&self) -> &'static str {
        "realm-keys"
    }
    fn doc(&self) -> &'static str {
        "Runs on a realm export: reads the realm's RSA signing certificates (key providers under `components`, or the legacy realm `certificate`). `mode: trusted` (the default) reports, when `--idp-cert` is given, that the active key with the highest priority has another certificate (Atlassian's \"Invalid thumbprint\"); `mode: several-active` reports more than one active RSA key (the one with the highest priority signs, so a priority change or rotation changes the certificate)."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let several = match opts.mode.as_deref() {
            None | Some("trusted") => false,
            Some("several-active") => true,
            Some(m) => {
                return Err(OptionsError {
                    message: format!("unknown mode `{m}` (expected trusted or several-active)"),
                    mark: o.and_then(|n| n.span().start().copied()),
                });
            }
        };
        Ok(Box::new(KeysCheck { several }))
    }
}

impl Check for KeysCheck {
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit> {
        let Some(realm) = node else { return Vec::new() };
        let keys = crate::keycloak::realm_keys(realm);
        let active: Vec<_> = keys.iter().filter(|k| k.active).collect();
        if active.is_empty() {
            return Vec::new();
        }
        if !self.several {
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
            let info = match crate::verify::cert::b64_body(pem)
                .and_then(|d| crate::verify::cert::info(&d))
            {
                Ok(i) => i,
                Err(e) => {
                    return vec![
                        Hit::new(format!(
                            "the realm signs with `{}`, whose certificate cannot be read ({e}), so it cannot be the certificate given with --idp-cert ({})",
                            signing.name,
                            trusted.join(", ")
                        ))
                        .at(signing.certificate.span)
                        .value("[certificate]"),
                    ];
                }
            };
            if !trusted.contains(&info.sha1.as_str()) {
                return vec![
                    Hit::new(format!(
                        "the realm signs with `{}` (SHA-1 {}), which is not the certificate given with --idp-cert ({})",
                        signing.name,
                        info.sha1,
                        trusted.join(", ")
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
                Hit::new(format!(
                    "{} active RSA signing keys ({}); the one with the highest priority signs, and a change of priority changes the certificate the SP must trust",
                    active.len(),
                    names.join(", ")
                ))
                .at(active.get(1).and_then(|k| k.certificate.span))
                .value("[certificate]"),
            ];
        }
        Vec::new()
    }
}
