//! XML-DSig verifiers behind one interface. The default is pure Rust (bergshamra, RustCrypto); the
//! `xmlsec` feature adds libxmlsec1 as a second, independent verifier.

use super::cert::Cert;

/// One verifier's verdict on one ds:Signature (in document order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crypto {
    Valid {
        /// Byte range of the ds:Signature element, as the verifier's own parser saw it.
        signature: Option<std::ops::Range<usize>>,
        /// Byte ranges each Reference resolved to.
        references: Vec<Option<std::ops::Range<usize>>>,
    },
    Invalid(String),
}

pub trait Verifier {
    fn name(&self) -> &'static str;
    /// Verify every ds:Signature of `xml` with exactly this key (never one from the document). Returns
    /// one result per ds:Signature in document order, or a document-level failure.
    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<Crypto>, String>;
}

pub struct Bergshamra;

impl Verifier for Bergshamra {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<Crypto>, String> {
        let k = bergshamra::keys::loader::load_x509_cert_der(&key.der)
            .map_err(|e| format!("key not usable: {e}"))?;
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
                            if r.digest_verified {
                                r.resolved_node.and_then(|n| doc.node_range(n))
                            } else {
                                None
                            }
                        })
                        .collect(),
                },
                bergshamra::VerifyResult::Invalid { reason } => Crypto::Invalid(reason),
            })
            .collect())
    }
}
