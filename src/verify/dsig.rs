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
    /// Whether `Crypto::Valid` carries byte ranges to cross-check against samlint's parser. A verifier
    /// without them is matched by document order and by the ID semantics both sides share.
    fn reports_positions(&self) -> bool {
        true
    }
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

/// bergshamra, with ring checking RSA signature values when `ring` (fast.rs) and RustCrypto deciding
/// the rest; `ring: false` sends every signature value through RustCrypto.
pub struct Bergshamra {
    pub ring: bool,
}

/// The default verifier.
pub const RUST: Bergshamra = Bergshamra {
    ring: cfg!(feature = "ring"),
};

/// The same without ring, for the benches and the test that both give the same verdicts.
pub const RUSTCRYPTO: Bergshamra = Bergshamra { ring: false };

fn convert(doc: &uppsala::Document<'_>, results: Vec<bergshamra::VerifyResult>) -> Vec<Crypto> {
    results
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
        .collect()
}

impl Verifier for Bergshamra {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<Crypto>, String> {
        verify_all(xml, key, self.ring)
    }

    fn verify_raw(
        &self,
        sig_alg: &str,
        data: &[u8],
        signature: &[u8],
        key: &Cert,
    ) -> Result<bool, String> {
        verify_raw(sig_alg, data, signature, key)
    }
}

fn verify_all(xml: &str, key: &Cert, fast: bool) -> Result<Vec<Crypto>, String> {
    let doc =
        uppsala::parse(xml).map_err(|e| format!("verifier could not parse the document: {e}"))?;
    // ring first (fast.rs): used only when every signature is valid; otherwise RustCrypto decides.
    #[cfg(feature = "ring")]
    if fast && let Some(v) = super::fast::for_document(xml, &key.der) {
        let ctx = bergshamra::DsigContext::new(bergshamra::keys::KeysManager::new())
            .with_hsm_verifier(Box::new(v));
        if let Ok(results) =
            bergshamra::dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(xml))
            && !results.is_empty()
            && results.iter().all(bergshamra::VerifyResult::is_valid)
        {
            return Ok(convert(&doc, results));
        }
    }
    #[cfg(not(feature = "ring"))]
    let _ = fast;
    let k = load_key(key)?;
    let mut km = bergshamra::keys::KeysManager::new();
    km.add_key(k);
    // Hardened defaults: trusted keys only (KeyInfo keys are never used), strict verification.
    let ctx = bergshamra::DsigContext::new(km);
    let results = bergshamra::dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(xml))
        .map_err(|e| e.to_string())?;
    Ok(convert(&doc, results))
}

fn verify_raw(sig_alg: &str, data: &[u8], signature: &[u8], key: &Cert) -> Result<bool, String> {
    let k = load_key(key)?;
    let sk = k
        .to_signing_key()
        .map_err(|e| e.to_string())?
        .ok_or("the key has no usable public key")?;
    let alg = bergshamra::crypto::sign::from_uri(sig_alg).map_err(|e| e.to_string())?;
    alg.verify(&sk, data, signature).map_err(|e| e.to_string())
}

/// libxmlsec1 through the `xmlsec` crate: the reference implementation most SAML SPs use. Each
/// ds:Signature is verified on its own with the configured key preset in the context, so xmlsec never
/// takes a key from KeyInfo. SAML's `ID` attributes are registered as XML IDs first.
#[cfg(feature = "xmlsec")]
pub struct Xmlsec;

#[cfg(feature = "xmlsec")]
impl Verifier for Xmlsec {
    fn name(&self) -> &'static str {
        "xmlsec"
    }

    fn reports_positions(&self) -> bool {
        false
    }

    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<Crypto>, String> {
        use xmlsec::XmlSecDocumentExt as _;
        let doc = libxml::parser::Parser::default()
            .parse_string(xml)
            .map_err(|e| format!("libxml2 could not parse the document: {e:?}"))?;
        let ctx =
            libxml::xpath::Context::new(&doc).map_err(|_| "libxml2 XPath context".to_string())?;
        let has_ids = ctx
            .evaluate("//*[@ID]")
            .map(|o| !o.get_nodes_as_vec().is_empty())
            .unwrap_or(false);
        if has_ids {
            doc.specify_idattr("//*[@ID]", "ID", None)
                .map_err(|e| format!("registering IDs: {e}"))?;
        }
        let sigs = ctx
            .evaluate("//*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#']")
            .map_err(|_| "libxml2 XPath".to_string())?
            .get_nodes_as_vec();
        let mut out = Vec::with_capacity(sigs.len());
        for node in &sigs {
            let mut sctx = xmlsec::XmlSecSignatureContext::new();
            super::xmlsec_errors::install();
            super::xmlsec_errors::take();
            let k =
                xmlsec::XmlSecKey::from_memory(&key.der, xmlsec::XmlSecKeyFormat::CertDer, None)
                    .map_err(|e| format!("key not usable by xmlsec: {e}"))?;
            sctx.insert_key(k);
            let result = sctx.verify_node(node);
            let said = super::xmlsec_errors::take();
            // libxmlsec1's own words: "data and digest do not match" (content changed) or "data do not
            // match" (signature value, i.e. the key).
            let why = if said.iter().any(|m| m.contains("digest do not match")) {
                "digest mismatch (xmlsec: data and digest do not match)".to_string()
            } else if said.iter().any(|m| m.contains("data do not match")) {
                "signature value verification failed (xmlsec: data do not match)".to_string()
            } else {
                format!(
                    "xmlsec: {}",
                    said.last().map(String::as_str).unwrap_or("not verified")
                )
            };
            out.push(match result {
                Ok(true) => Crypto::Valid {
                    signature: None,
                    references: Vec::new(),
                },
                Ok(false) => Crypto::Invalid(why),
                Err(e) => Crypto::Invalid(format!("xmlsec: {e}; {why}")),
            });
        }
        Ok(out)
    }

    fn verify_raw(
        &self,
        _sig_alg: &str,
        _data: &[u8],
        _signature: &[u8],
        _key: &Cert,
    ) -> Result<bool, String> {
        Err("the xmlsec verifier checks XML signatures only; Redirect-binding signatures use the Rust verifier".into())
    }
}
