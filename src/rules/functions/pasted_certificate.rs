//! `pasted-certificate`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `pasted-certificate`: a certificate the message carries against the certificate pasted into the SP.
pub struct PastedCertificate;
#[derive(Debug)]
struct PastedCheck;

impl Function for PastedCertificate {
    fn name(&self) -> &'static str {
        "pasted-certificate"
    }
    fn doc(&self) -> &'static str {
        "Runs on an item of the profile's `signing.certificates` (the certificate a signature's KeyInfo carries, with its SHA-1 `sha1`): when `--idp-cert` or `--idp-metadata` is given, the certificate must be one of those (SPs that pin the thumbprint, such as Atlassian Cloud, compare exactly this). Without a configured certificate it passes. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(PastedCheck))
    }
}

impl Check for PastedCheck {
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit> {
        let Some(sha1) = node.and_then(|n| n.get("sha1")).and_then(Node::as_str) else {
            return Vec::new();
        };
        if cx.idp_certs.is_empty() || cx.idp_certs.iter().any(|c| c.info.sha1 == sha1) {
            return Vec::new();
        }
        let configured: Vec<&str> = cx.idp_certs.iter().map(|c| c.info.sha1.as_str()).collect();
        let mut m = msg!("carries the certificate ");
        if let Some(s) = node.and_then(|n| n.get("subject")).and_then(Node::as_str) {
            m.push(msg!("{}, ", Arg::dn(s)));
        }
        m.push(msg!(
            "SHA-1 {}, not the one configured (SHA-1 {})",
            Arg::plain(sha1),
            Arg::plain(configured.join(", "))
        ));
        vec![Hit::new(m).value(sha1)]
    }
}
