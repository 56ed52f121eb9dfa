//! `client-certificate`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `client-certificate`: the certificate given as the IdP's (`--idp-cert`) against the client's own.
pub struct ClientCertificate;
#[derive(Debug)]
struct ClientCertCheck;

impl Function for ClientCertificate {
    fn name(&self) -> &'static str {
        "client-certificate"
    }
    fn doc(&self) -> &'static str {
        "Runs on a Keycloak client's `saml.signing.certificate` (the client's own certificate, with which Keycloak checks the SP's signed requests): when `--idp-cert` or `--idp-metadata` is given and one of those certificates is this one, it reports it, since Keycloak signs SAML responses with the realm's key and never the client's. A certificate that cannot be read passes. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(ClientCertCheck))
    }
}

impl Check for ClientCertCheck {
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit> {
        let Some(pem) = node.and_then(Node::as_str) else {
            return Vec::new();
        };
        if cx.idp_certs.is_empty() {
            return Vec::new();
        }
        let Ok(info) = crate::verify::cert::b64_body(crate::keycloak::up_to_padding(pem))
            .and_then(|d| crate::verify::cert::info(&d))
        else {
            return Vec::new();
        };
        if !cx.idp_certs.iter().any(|c| c.info.sha1 == info.sha1) {
            return Vec::new();
        }
        vec![
            Hit::new(msg!(
                "the certificate given with --idp-cert (SHA-1 {}) is this client's own certificate (Keys tab), with which Keycloak checks the SP's requests; Keycloak signs SAML responses with the realm's key, so an SP that trusts this certificate rejects them",
                Arg::plain(&info.sha1)
            ))
            .value("[certificate]"),
        ]
    }
}
