//! XML-DSig verifiers behind one interface. The default is pure Rust (bergshamra, RustCrypto); the
//! `xmlsec` feature adds libxmlsec1 as a second, independent verifier.

use super::cert::Cert;

/// One verifier's verdict on one ds:Signature (in document order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crypto {
    Valid {
        /// Byte range of the ds:Signature element, as the verifier's own parser saw it.
        signature: Option<std::ops::Range<usize>>,
        /// Per Reference: was its digest verified, and the byte range it resolved to (`None` for the whole
        /// document, `URI=""`).
        references: Vec<(bool, Option<std::ops::Range<usize>>)>,
    },
    Invalid(String),
}

pub trait Verifier {
    fn name(&self) -> &'static str;
    /// Verify every ds:Signature of `xml` with exactly this key (never one from the document). Returns
    /// one result per ds:Signature in document order, or a document-level failure.
    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<Crypto>, String>;
    /// Verify a detached signature over raw octets (the Redirect binding).
    fn verify_raw(
        &self,
        sig_alg: &str,
        data: &[u8],
        signature: &[u8],
        key: &Cert,
    ) -> Result<bool, String>;
}

fn load_key(key: &Cert) -> Result<bergshamra::keys::Key, String> {
    // Some real certificates are rejected by bergshamra's X.509 loader; the public key is what matters,
    // so fall back to the SubjectPublicKeyInfo that x509-parser extracts.
    match bergshamra::keys::loader::load_x509_cert_der(&key.der) {
        Ok(k) => Ok(k),
        Err(e) => {
            use x509_parser::prelude::FromDer;
            let (_, c) = x509_parser::certificate::X509Certificate::from_der(&key.der)
                .map_err(|_| format!("key not usable: {e}"))?;
            bergshamra::keys::loader::load_spki_der(c.public_key().raw)
                .map_err(|e2| format!("key not usable: {e}; {e2}"))
        }
    }
}

pub struct Bergshamra;

impl Verifier for Bergshamra {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<Crypto>, String> {
        let k = load_key(key)?;
        let mut km = bergshamra::keys::KeysManager::new();
        km.add_key(k);
        // Hardened defaults: trusted keys only (KeyInfo keys are never used), strict verification.
        let ctx = bergshamra::DsigContext::new(km);
        let doc = uppsala::parse(xml)
            .map_err(|e| format!("verifier could not parse the document: {e}"))?;
        let results =
            bergshamra::dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(xml))
                .map_err(|e| e.to_string())?;
        Ok(results
            .into_iter()
            .map(|r| match r {
                bergshamra::VerifyResult::Valid {
                    signature_node,
                    references,
                    ..
                } => Crypto::Valid {
                    signature: doc.node_range(signature_node),
                    references: references
                        .iter()
                        .map(|r| {
                            (
                                r.digest_verified,
                                r.resolved_node.and_then(|n| doc.node_range(n)),
                            )
                        })
                        .collect(),
                },
                bergshamra::VerifyResult::Invalid { reason } => Crypto::Invalid(reason),
            })
            .collect())
    }

    fn verify_raw(
        &self,
        sig_alg: &str,
        data: &[u8],
        signature: &[u8],
        key: &Cert,
    ) -> Result<bool, String> {
        let k = load_key(key)?;
        let sk = k
            .to_signing_key()
            .map_err(|e| e.to_string())?
            .ok_or("the key has no usable public key")?;
        let alg = bergshamra::crypto::sign::from_uri(sig_alg).map_err(|e| e.to_string())?;
        alg.verify(&sk, data, signature).map_err(|e| e.to_string())
    }
}
