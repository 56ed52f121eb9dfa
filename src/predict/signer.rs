//! Which key verifies which signature, asked of samlint's own verifier: the run the lint already made
//! (with the configured certificate, or with the KeyInfo certificates when none was configured), and,
//! when the library would verify with a certificate the message carries, one more run of
//! `verify::analyse_with` that trusts exactly that certificate. That second run is also how samlint
//! names the certificate that did sign when the one pasted into Atlassian does not.

use super::auth0::{Crypto, Key, Oracle};
use crate::model::{Message, ns};
use crate::verify::cert::{Cert, CertInfo, KeySource};
use crate::verify::{Report, SigReport, Trust, VerifierKind, cause};
use crate::xml::{Document, NodeId};
use serde::Serialize;
use std::cell::RefCell;

/// The certificate that signed the response when it is not the one configured (JSON
/// `messages[].signed_by`).
#[derive(Debug, Clone, Serialize)]
pub struct SignedBy {
    #[serde(flatten)]
    pub cert: CertInfo,
    /// Where samlint found it: always `key-info` (the response's own KeyInfo).
    pub source: &'static str,
    /// `keyinfo-certificate-not-configured`: the signature verifies with this certificate, which is not
    /// the one configured (`--idp-cert`).
    pub reason: &'static str,
    /// The certificate itself (DER), for the PEM block of the full human output; never in JSON.
    #[serde(skip)]
    pub der: Vec<u8>,
    /// SHA-1 of the configured certificates (for the human output; JSON has them under `signature`).
    #[serde(skip)]
    pub configured: Vec<String>,
}

impl SignedBy {
    /// The certificate as PEM, to paste into Atlassian.
    pub fn pem(&self) -> String {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.der);
        let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(chunk));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
        out
    }
}

/// samlint's verifier as the library's crypto oracle.
pub struct Verifier<'a> {
    pub doc: &'a Document,
    pub model: &'a Message,
    pub text: &'a str,
    /// The lint's own verdict.
    pub main: Option<&'a Report>,
    pub trust: &'a Trust,
    pub kind: VerifierKind,
    pub now_ms: i64,
    /// Runs that trusted one KeyInfo certificate each.
    runs: RefCell<Vec<(Vec<u8>, Option<Report>)>>,
}

impl<'a> Verifier<'a> {
    pub fn new(
        doc: &'a Document,
        model: &'a Message,
        text: &'a str,
        main: Option<&'a Report>,
        trust: &'a Trust,
        kind: VerifierKind,
        now_ms: i64,
    ) -> Self {
        Verifier {
            doc,
            model,
            text,
            main,
            trust,
            kind,
            now_ms,
            runs: RefCell::new(Vec::new()),
        }
    }

    /// The verdict of a run that trusts only `der`.
    fn with_key(&self, der: &[u8], path: &str) -> Result<SigReport, String> {
        // The lint's own run, when it already used exactly this certificate for this signature.
        if let Some(s) = self
            .main
            .and_then(|r| r.signatures.iter().find(|s| s.path == path))
            && s.key.as_ref().is_some_and(|k| k.der == der)
        {
            return Ok(s.clone());
        }
        let mut runs = self.runs.borrow_mut();
        if !runs.iter().any(|(d, _)| d == der) {
            let report = crate::verify::cert::info(der).ok().map(|info| {
                let trust = Trust {
                    certs: vec![Cert {
                        der: der.to_vec(),
                        source: KeySource::KeyInfo,
                        origin: "KeyInfo".into(),
                        info,
                    }],
                    entity_id: None,
                };
                crate::verify::analyse_with(
                    self.kind,
                    self.doc,
                    self.model,
                    self.text,
                    &trust,
                    self.now_ms,
                )
                .report
            });
            runs.push((der.to_vec(), report));
        }
        let report = runs
            .iter()
            .find(|(d, _)| d == der)
            .and_then(|(_, r)| r.as_ref())
            .ok_or(
                "the certificate in the signature's KeyInfo is not a readable X.509 certificate",
            )?;
        report
            .signatures
            .iter()
            .find(|s| s.path == path)
            .cloned()
            .ok_or_else(|| "samlint's verifier did not see this signature".to_string())
    }

    fn digest(&self, s: NodeId) -> Option<String> {
        let doc = self.doc;
        let si = doc.first_child(s, ns::DS, "SignedInfo")?;
        let r = doc.first_child(si, ns::DS, "Reference")?;
        let uri = doc.attr(r, "URI").map(|a| a.value.as_str()).unwrap_or("");
        let target = if uri.is_empty() {
            doc.root
        } else {
            let id = uri.strip_prefix('#')?;
            std::iter::once(doc.root)
                .chain(doc.descendants(doc.root))
                .find(|n| {
                    ["AssertionID", "Id", "ID", "id"]
                        .iter()
                        .any(|a| doc.attr(*n, a).is_some_and(|v| v.value == id))
                })?
        };
        let ts: Vec<NodeId> = doc
            .first_child(r, ns::DS, "Transforms")
            .map(|t| doc.children_named(t, ns::DS, "Transform").collect())
            .unwrap_or_default();
        let transforms: Vec<String> = ts
            .iter()
            .filter_map(|t| doc.attr(*t, "Algorithm").map(|a| a.value.clone()))
            .collect();
        let prefixes: Vec<String> = ts
            .last()
            .and_then(|t| {
                doc.child_elements(*t).find(|c| {
                    doc.element(*c)
                        .is_some_and(|e| e.local == "InclusiveNamespaces")
                })
            })
            .and_then(|i| doc.attr(i, "PrefixList"))
            .map(|p| p.value.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        let method = doc
            .first_child(r, ns::DS, "DigestMethod")
            .and_then(|d| doc.attr(d, "Algorithm"))?;
        super::digest::reference(
            self.text,
            doc.content_start,
            doc.node(s).span.start,
            doc.node(target).span.start,
            &transforms,
            &method.value,
            &prefixes,
        )
    }
}

fn crypto(s: &SigReport) -> Crypto {
    match (s.result, s.cause) {
        ("valid", _) => Crypto::Valid,
        ("invalid", Some(c)) if c == cause::DIGEST_MISMATCH => Crypto::Digest(None),
        ("invalid", Some(c)) if c == cause::WRONG_KEY || c == cause::BAD_SIGNATURE_VALUE => {
            Crypto::Value
        }
        (r, c) => Crypto::Unknown(format!(
            "samlint's verifier gave no verdict on this signature ({r}, {})",
            c.unwrap_or("no cause")
        )),
    }
}

impl Oracle for Verifier<'_> {
    fn verify(&self, s: NodeId, key: &Key) -> Crypto {
        let path = self.doc.path(s);
        let sig = match key {
            Key::Configured => {
                if self.trust.certs.is_empty() {
                    return Crypto::Unknown(
                        "the signature carries no certificate and none was configured (--idp-cert)"
                            .into(),
                    );
                }
                match self
                    .main
                    .and_then(|r| r.signatures.iter().find(|x| x.path == path))
                {
                    Some(x) => x.clone(),
                    None => return Crypto::Unknown("samlint did not verify this signature".into()),
                }
            }
            Key::Embedded(der) => match self.with_key(der, &path) {
                Ok(x) => x,
                Err(e) => return Crypto::Unknown(e),
            },
        };
        match crypto(&sig) {
            Crypto::Digest(_) => Crypto::Digest(self.digest(s)),
            c => c,
        }
    }

    fn configured_sha1(&self) -> Option<Vec<[u8; 20]>> {
        (!self.trust.certs.is_empty()).then(|| {
            self.trust
                .certs
                .iter()
                .map(|c| super::auth0::sha1(&c.der))
                .collect()
        })
    }
}
