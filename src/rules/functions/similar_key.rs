//! `similar-key`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `similar-key`: keys of a map that are not known but resemble a known key (a typo Keycloak ignores).
pub struct SimilarKey;

/// SAML client attribute keys Keycloak reads (requirements.md §3.3).
pub const SAML_ATTRIBUTE_KEYS: &[&str] = &[
    "saml_name_id_format",
    "saml_force_name_id_format",
    "saml.authnstatement",
    "saml.onetimeuse.condition",
    "saml.server.signature",
    "saml.assertion.signature",
    "saml.signature.algorithm",
    "saml_signature_canonicalization_method",
    "saml.server.signature.keyinfo.xmlSigKeyInfoKeyNameTransformer",
    "saml.server.signature.keyinfo.ext",
    "saml.force.post.binding",
    "saml.artifact.binding",
    "saml.client.signature",
    "saml.signing.certificate",
    "saml.signing.private.key",
    "saml.encrypt",
    "saml.encryption.certificate",
    "saml.encryption.private.key",
    "saml.encryption.algorithm",
    "saml.encryption.keyAlgorithm",
    "saml.encryption.digestMethod",
    "saml.encryption.maskGenerationFunction",
    "saml.assertion.lifespan",
    "saml_assertion_consumer_url_post",
    "saml_assertion_consumer_url_redirect",
    "saml_artifact_binding_url",
    "saml_single_logout_service_url_post",
    "saml_single_logout_service_url_redirect",
    "saml_single_logout_service_url_artifact",
    "saml_artifact_resolution_service_url",
    "saml_idp_initiated_sso_url_name",
    "saml_idp_initiated_sso_relay_state",
    "saml.logout.signature.algorithm",
    "saml.allow.ecp.flow",
    "saml.artifact.binding.identifier",
    "saml.useMetadataDescriptorUrl",
    "saml.metadataDescriptorUrl",
    "saml.descriptor.cache.seconds",
    "saml.multivalued.roles",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    known: Option<Vec<String>>,
}

#[derive(Debug)]
struct SimilarCheck {
    known: Vec<String>,
}

/// Keys compared with `.`, `_` and `-` unified, case ignored and surrounding spaces dropped.
fn norm(k: &str) -> String {
    k.trim()
        .chars()
        .map(|c| match c {
            '.' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Levenshtein distance, bounded for short keys.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The known key this one was probably meant to be.
pub fn suggestion<'a>(key: &str, known: &'a [String]) -> Option<&'a str> {
    if known.iter().any(|k| k == key) {
        return None;
    }
    let n = norm(key);
    known
        .iter()
        .map(|k| (k, distance(&n, &norm(k))))
        .filter(|(_, d)| *d <= 2)
        .min_by_key(|(_, d)| *d)
        .map(|(k, _)| k.as_str())
}

impl Function for SimilarKey {
    fn name(&self) -> &'static str {
        "similar-key"
    }
    fn doc(&self) -> &'static str {
        "Runs on a map: every key that is not in `known` (default: the SAML client attribute keys Keycloak reads) but is within two edits of one (after unifying `.`, `_`, `-`, case and surrounding spaces) is reported as a probable typo that Keycloak silently ignores."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        Ok(Box::new(SimilarCheck {
            known: opts
                .known
                .unwrap_or_else(|| SAML_ATTRIBUTE_KEYS.iter().map(|s| s.to_string()).collect()),
        }))
    }
}

impl Check for SimilarCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(n) = node else { return Vec::new() };
        n.entries()
            .iter()
            .filter_map(|e| {
                let s = suggestion(&e.key, &self.known)?;
                Some(
                    Hit::new(msg!(
                        "`{}` is not a Keycloak setting; did you mean `{}`?",
                        Arg::value(&e.key),
                        Arg::plain(s)
                    ))
                    .at(e.key_span)
                    .value(e.key.clone())
                    .path(format!("['{}']", e.key)),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_found_and_known_keys_are_not() {
        let known: Vec<String> = SAML_ATTRIBUTE_KEYS.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            suggestion("saml_force_post_binding", &known),
            Some("saml.force.post.binding")
        );
        assert_eq!(
            suggestion("saml.force_name_id_format", &known),
            Some("saml_force_name_id_format")
        );
        assert_eq!(
            suggestion("saml_name_id_format ", &known),
            Some("saml_name_id_format")
        );
        assert_eq!(suggestion("saml.encrypt", &known), None);
        assert_eq!(suggestion("display.on.consent.screen", &known), None);
    }
}
