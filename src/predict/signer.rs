//! Which key verifies which signature, asked of samlint's own verifier: the run the lint already made
//! (with the configured certificate, or with the KeyInfo certificates when none was configured), and,
//! when the library would verify with another certificate (the one the message carries) or samlint's
//! signed-content contract refused the signature before any crypto, one more run of the XML-DSig
//! verifier (verify::dsig) with exactly that certificate. That run is also how samlint names the
//! certificate that did sign when the one pasted into Atlassian does not.

use super::auth0::{Crypto, Key, Oracle};
use crate::model::ns;
use crate::verify::cert::{Cert, CertInfo, KeySource};
use crate::verify::{Report, SigReport, Trust, cause};
use crate::xml::{Document, NodeId};
use serde::Serialize;
use std::cell::RefCell;

/// The certificate that signed the response when it is not the one configured (JSON
/// `messages[].signed_by`).
#[derive(Debug, Clone, Serialize)]
pub struct SignedBy {
    #[serde(flatten)]
    pub cert: std::sync::Arc<CertInfo>,
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

/// One verifier run with one certificate: per ds:Signature, valid or why not; or why it could not run.
type Run = Result<Vec<Result<(), String>>, String>;

/// samlint's verifier as the library's crypto oracle.
pub struct Verifier<'a> {
    pub doc: &'a Document,
    pub text: &'a str,
    /// The lint's own verdict.
    pub main: Option<&'a Report>,
    pub trust: &'a Trust,
    /// Raw runs of the XML-DSig verifier, one per certificate: one result per ds:Signature.
    runs: RefCell<Vec<(Vec<u8>, Run)>>,
}

impl<'a> Verifier<'a> {
    pub fn new(
        doc: &'a Document,
        text: &'a str,
        main: Option<&'a Report>,
        trust: &'a Trust,
    ) -> Self {
        Verifier {
            doc,
            text,
            main,
            trust,
            runs: RefCell::new(Vec::new()),
        }
    }

    /// What verifying signature `s` with the certificate `der` gives. The lint's own run answers when
    /// it checked this signature with this certificate and reached a crypto verdict; otherwise (another
    /// certificate, or a signature samlint's signed-content contract refused before any crypto, which
    /// the library has no notion of) the verifier runs on the document with that certificate alone,
    /// without samlint's policy: the library judges the crypto only.
    fn with_key(&self, s: NodeId, der: &[u8]) -> Crypto {
        let path = self.doc.path(s);
        // Paths name elements by local name, so two signatures can share one (`saml:Assertion` and
        // a look-alike `x:Assertion` under the same parent): the lint's answer is taken only for a
        // path that names this one signature, else the verifier runs and answers by position.
        let signatures = || {
            std::iter::once(self.doc.root)
                .chain(self.doc.descendants(self.doc.root))
                .filter(|n| self.doc.is(*n, ns::DS, "Signature"))
        };
        let unique = signatures().filter(|n| self.doc.path(*n) == path).count() == 1;
        if let Some(x) = self
            .main
            .filter(|_| unique)
            .and_then(|r| r.signatures.iter().find(|x| x.path == path))
            && x.key.as_ref().is_some_and(|k| *k.der == *der)
            && let Some(c) = decided(x)
        {
            return c;
        }
        let index = signatures().position(|n| n == s);
        let mut runs = self.runs.borrow_mut();
        if !runs.iter().any(|(d, _)| d == der) {
            let run = crate::verify::cert::info(der)
                .map_err(|_| {
                    "the certificate the library would use is not a readable X.509 certificate"
                        .to_string()
                })
                .and_then(|info| {
                    let cert = Cert {
                        der: der.into(),
                        source: KeySource::KeyInfo,
                        origin: "KeyInfo".into(),
                        info,
                        valid_until: None,
                    };
                    let body = self.text.get(self.doc.content_start..).unwrap_or(self.text);
                    lax_verify(body, &cert)
                });
            runs.push((der.to_vec(), run));
        }
        match runs.iter().find(|(d, _)| d == der).map(|(_, r)| r) {
            Some(Ok(results)) => match index.and_then(|i| results.get(i)) {
                Some(Ok(())) => Crypto::Valid,
                Some(Err(reason)) => classify(reason),
                None => Crypto::Unknown("samlint's verifier did not see this signature".into()),
            },
            Some(Err(e)) => Crypto::Unknown(crate::msg!(
                "samlint's verifier could not run: {}",
                crate::finding::Arg::text(e.to_string())
            )),
            None => Crypto::Unknown("no verifier run".into()),
        }
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

/// Every ds:Signature of the document checked with exactly this certificate, by the verifier samlint
/// uses (bergshamra), without the reference-position policy that guards samlint's own verdict:
/// xml-crypto has none, and accepts a signature whose References name any element.
fn lax_verify(body: &str, cert: &Cert) -> Run {
    let doc = bergshamra::xml::uppsala::parse(body)
        .map_err(|e| format!("verifier could not parse the document: {e}"))?;
    let results = |r: Vec<bergshamra::VerifyResult>| -> Vec<Result<(), String>> {
        r.into_iter()
            .map(|r| match r {
                bergshamra::VerifyResult::Valid { .. } => Ok(()),
                bergshamra::VerifyResult::Invalid { reason } => Err(reason),
            })
            .collect()
    };
    // ring checks RSA signature values first, as samlint's own verifier does (verify/dsig.rs); its
    // answer counts only when every signature verifies, otherwise RustCrypto decides.
    #[cfg(feature = "ring")]
    if let Some(v) = crate::verify::fast::for_document(body, &cert.der) {
        let ctx = bergshamra::DsigContext::new(bergshamra::keys::KeysManager::new())
            .with_strict_verification(false)
            .with_hsm_verifier(Box::new(v));
        if let Ok(r) =
            bergshamra::dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(body))
            && !r.is_empty()
            && r.iter().all(bergshamra::VerifyResult::is_valid)
        {
            return Ok(results(r));
        }
    }
    let key = match bergshamra::keys::loader::load_x509_cert_der(&cert.der) {
        Ok(k) => k,
        Err(e) => {
            use x509_parser::prelude::FromDer;
            let (_, c) = x509_parser::certificate::X509Certificate::from_der(&cert.der)
                .map_err(|_| format!("key not usable: {e}"))?;
            bergshamra::keys::loader::load_spki_der(c.public_key().raw)
                .map_err(|e2| format!("key not usable: {e}; {e2}"))?
        }
    };
    let mut km = bergshamra::keys::KeysManager::new();
    km.add_key(key);
    let ctx = bergshamra::DsigContext::new(km).with_strict_verification(false);
    let r = bergshamra::dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(body))
        .map_err(|e| e.to_string())?;
    Ok(results(r))
}

/// The lint's verdict on a signature, when it reached one.
fn decided(x: &SigReport) -> Option<Crypto> {
    match (x.result, x.cause) {
        ("valid", _) => Some(Crypto::Valid),
        ("invalid", Some(c)) if c == cause::DIGEST_MISMATCH => Some(Crypto::Digest(None)),
        ("invalid", Some(c)) if c == cause::WRONG_KEY || c == cause::BAD_SIGNATURE_VALUE => {
            Some(Crypto::Value)
        }
        _ => None,
    }
}

/// A verifier's reason for an invalid signature, as the library would see it (the words samlint's
/// own classification uses, verify/mod.rs).
fn classify(reason: &str) -> Crypto {
    let lower = reason.to_lowercase();
    if lower.contains("unsupported") {
        Crypto::Unknown(crate::msg!(
            "samlint's verifier does not support it ({})",
            crate::finding::Arg::text(reason)
        ))
    } else if lower.contains("digest") {
        Crypto::Digest(None)
    } else if lower.contains("signature value") || lower.contains("verification failed") {
        Crypto::Value
    } else {
        Crypto::Unknown(crate::msg!(
            "samlint's verifier gave no crypto verdict ({})",
            crate::finding::Arg::text(reason)
        ))
    }
}

const HMAC_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#hmac-sha1";

impl Verifier<'_> {
    /// The first Reference's digest, when the library would find it does not match: its computed value.
    fn digest_mismatch(&self, s: NodeId) -> Option<String> {
        let doc = self.doc;
        let supplied = doc
            .first_child(s, ns::DS, "SignedInfo")
            .and_then(|si| doc.first_child(si, ns::DS, "Reference"))
            .and_then(|r| doc.first_child(r, ns::DS, "DigestValue"))
            .map(|v| super::auth0::text_content(doc, v))?;
        let computed = self.digest(s)?;
        (super::auth0::node_base64(&computed) != super::auth0::node_base64(&supplied))
            .then_some(computed)
    }

    /// xml-crypto's HMAC-SHA1: the key is the PEM text of the certificate it would use (a public
    /// value), so whoever has that certificate can compute a signature the library accepts.
    fn hmac(&self, s: NodeId, key: &Key) -> Crypto {
        if let Some(c) = self.digest_mismatch(s) {
            return Crypto::Digest(Some(c));
        }
        if self.digest(s).is_none() {
            return Crypto::Unknown("samlint cannot compute this Reference's digest".into());
        }
        self.hmac_value(s, key)
    }

    /// The HMAC-SHA1 signature value alone, over the canonical SignedInfo.
    fn hmac_value(&self, s: NodeId, key: &Key) -> Crypto {
        let doc = self.doc;
        use base64::Engine as _;
        let b64 = match key {
            Key::Embedded(_) => super::auth0::key_certificate(doc, s)
                .and_then(|x| doc.node(x).children.first().copied())
                .and_then(|t| match &doc.node(t).kind {
                    crate::xml::NodeKind::Text { value } => Some(value.clone()),
                    _ => None,
                }),
            Key::Configured => self
                .trust
                .certs
                .first()
                .map(|c| base64::engine::general_purpose::STANDARD.encode(&c.der)),
        };
        let Some(b64) = b64 else {
            return Crypto::Unknown("no certificate for the HMAC key".into());
        };
        let Some(bytes) = self.signed_info(s) else {
            return Crypto::Unknown("samlint cannot canonicalise this SignedInfo".into());
        };
        let mac = super::digest::hmac_sha1(cert_to_pem(&b64).as_bytes(), &bytes);
        let expected = base64::engine::general_purpose::STANDARD.encode(mac);
        if expected == self.signature_value_text(s) {
            Crypto::Valid
        } else {
            Crypto::Value
        }
    }

    /// The canonical SignedInfo of signature `s` (its CanonicalizationMethod and exclusive prefix
    /// list): the bytes its value is computed over.
    fn signed_info(&self, s: NodeId) -> Option<Vec<u8>> {
        let doc = self.doc;
        let si = doc.first_child(s, ns::DS, "SignedInfo")?;
        let cm = doc.first_child(si, ns::DS, "CanonicalizationMethod");
        let c14n = cm.and_then(|c| doc.attr(c, "Algorithm"))?;
        let prefixes: Vec<String> = cm
            .and_then(|c| {
                doc.child_elements(c).find(|x| {
                    doc.element(*x)
                        .is_some_and(|e| e.local == "InclusiveNamespaces")
                })
            })
            .and_then(|i| doc.attr(i, "PrefixList"))
            .map(|p| p.value.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        super::digest::signed_info(
            self.text,
            doc.content_start,
            doc.node(si).span.start,
            &c14n.value,
            &prefixes,
        )
    }

    /// The SignedInfo's SignatureMethod Algorithm (one of each: `picked_by_position` leaves no
    /// prediction where there are more).
    fn signature_method(&self, s: NodeId) -> Option<&str> {
        let doc = self.doc;
        doc.first_child(s, ns::DS, "SignedInfo")
            .and_then(|si| doc.first_child(si, ns::DS, "SignatureMethod"))
            .and_then(|m| doc.attr(m, "Algorithm"))
            .map(|a| a.value.as_str())
    }

    /// The SignatureValue as the library reads it (text or CDATA: review 66).
    fn signature_value_text(&self, s: NodeId) -> String {
        super::auth0::library_signature_value(self.doc, s).unwrap_or_default()
    }

    /// The key's DER: the embedded certificate's, or the configured one's.
    fn key_der(&self, key: &Key) -> Result<Vec<u8>, Crypto> {
        match key {
            Key::Configured => self.configured_der().map(<[u8]>::to_vec).ok_or_else(|| {
                Crypto::Unknown(
                    "the signature carries no certificate and none was configured (--idp-cert)"
                        .into(),
                )
            }),
            Key::Embedded(der) => Ok(der.clone()),
        }
    }
}

impl Verifier<'_> {
    /// An RSA signature value alone over the canonical SignedInfo, with ring.
    #[cfg(feature = "ring")]
    fn rsa_value(&self, s: NodeId, key: &Key, method: Option<&str>) -> Crypto {
        let Some((_, params)) = method.and_then(crate::verify::fast::params) else {
            return Crypto::Unknown("samlint does not check this signature algorithm".into());
        };
        let der = match self.key_der(key) {
            Ok(d) => d,
            Err(c) => return c,
        };
        let Some(rsa) = crate::verify::native::rsa_key(&der) else {
            return Crypto::Unknown("the certificate's key is not an RSA key samlint reads".into());
        };
        // ring refuses keys Node's OpenSSL takes, with the same error as a wrong value (review 66: a
        // 768-bit key; review 67: an exponent of 2^33 + 1): only a key ring checks can say incorrect.
        if !ring_checks(&der) {
            return Crypto::Unknown(
                "the key is one samlint does not check a signature value with (its size or exponent)"
                    .into(),
            );
        }
        let Some(bytes) = self.signed_info(s) else {
            return Crypto::Unknown("samlint cannot canonicalise this SignedInfo".into());
        };
        let value = super::auth0::node_base64(&self.signature_value_text(s));
        match ring::signature::UnparsedPublicKey::new(params, &rsa).verify(&bytes, &value) {
            Ok(()) => Crypto::Valid,
            Err(_) => Crypto::Value,
        }
    }

    /// Without ring, samlint checks no RSA value on its own: no prediction.
    #[cfg(not(feature = "ring"))]
    fn rsa_value(&self, _: NodeId, _: &Key, _: Option<&str>) -> Crypto {
        Crypto::Unknown(
            "samlint was built without ring, which checks a signature value alone".into(),
        )
    }
}

/// Does ring check signatures with this certificate's RSA key (a modulus of 1024 to 8192 bits, an
/// odd public exponent from 3 to 2^33 − 1), so that its refusal means a wrong value?
#[cfg(feature = "ring")]
fn ring_checks(der: &[u8]) -> bool {
    use x509_parser::prelude::FromDer;
    use x509_parser::public_key::PublicKey;
    let Ok((_, c)) = x509_parser::certificate::X509Certificate::from_der(der) else {
        return false;
    };
    let Ok(PublicKey::RSA(k)) = c.public_key().parsed() else {
        return false;
    };
    let e: Vec<u8> = k.exponent.iter().copied().skip_while(|b| *b == 0).collect();
    let exponent = (e.len() <= 5).then(|| e.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b)));
    exponent.is_some_and(|v| (3..1 << 33).contains(&v) && v & 1 == 1)
        && (1024..=8192).contains(&crate::verify::cert::modulus_bits(k.modulus))
}

/// The library's `utils.certToPEM`: runs of up to 64 characters (a JavaScript `.` stops at line
/// breaks) between the PEM header and footer.
fn cert_to_pem(b64: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for run in b64.split(['\n', '\r', '\u{2028}', '\u{2029}']) {
        let chars: Vec<char> = run.chars().collect();
        for chunk in chars.chunks(64) {
            lines.push(chunk.iter().collect());
        }
    }
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

impl Oracle for Verifier<'_> {
    fn text(&self) -> &str {
        self.text
    }
    fn verify(&self, s: NodeId, key: &Key) -> Crypto {
        if self.signature_method(s) == Some(HMAC_SHA1) {
            return self.hmac(s, key);
        }
        let der = match self.key_der(key) {
            Ok(d) => d,
            Err(c) => return c,
        };
        match self.with_key(s, &der) {
            Crypto::Digest(_) => Crypto::Digest(self.digest(s)),
            // No verdict with that key (it is unreadable, or the verifier refused): the library checks
            // the digests first, which samlint can compute without any key.
            Crypto::Unknown(why) => match self.digest_mismatch(s) {
                Some(c) => Crypto::Digest(Some(c)),
                None => Crypto::Unknown(why),
            },
            c => c,
        }
    }

    fn digest(&self, s: NodeId) -> Option<String> {
        Verifier::digest(self, s)
    }

    fn signature_value(&self, s: NodeId, key: &Key) -> Crypto {
        let method = self.signature_method(s);
        if method == Some(HMAC_SHA1) {
            return self.hmac_value(s, key);
        }
        self.rsa_value(s, key, method)
    }

    fn configured_der(&self) -> Option<&[u8]> {
        self.trust.certs.first().map(|c| &c.der[..])
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Review 66/67: keys ring refuses (their size or exponent) make the value's check unknown, not
    /// incorrect; the fixture IdP key is checked.
    #[cfg(feature = "ring")]
    #[test]
    fn ring_checks_only_the_keys_it_takes() {
        let der = |f: &str| {
            let pem = std::fs::read_to_string(format!(
                "{}/fixtures/keys/{f}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("fixture");
            crate::verify::cert::parse_certs(pem.as_bytes())
                .expect("a certificate")
                .remove(0)
        };
        assert!(super::ring_checks(&der("idp-cert.pem")));
        assert!(!super::ring_checks(&der(
            "rsa-exponent-2p33-plus-1-cert.pem"
        )));
        assert!(!super::ring_checks(&der("rsa-1023-bit-cert.pem")));
    }

    /// A lint report that says the signature at `path` is valid with `cert`.
    fn valid_at(path: &str, cert: &Cert) -> Report {
        Report {
            status: crate::verify::Status::Valid,
            cause: None,
            detail: None,
            verifier: "rust",
            signer: crate::verify::Signer::Idp,
            signatures: vec![SigReport {
                path: path.into(),
                element: None,
                id: None,
                covers_linted_content: true,
                algorithm: None,
                digest: None,
                c14n: None,
                transforms: Vec::new(),
                reference: None,
                key: Some(cert.clone()),
                keyinfo_certificates: Vec::new(),
                result: "valid",
                cause: None,
                detail: None,
            }],
        }
    }

    #[test]
    fn the_lints_answer_is_taken_only_for_a_path_that_names_one_signature() {
        let pem = include_str!("../../fixtures/keys/idp-cert.pem");
        let der = crate::verify::cert::parse_certs(pem.as_bytes())
            .unwrap()
            .remove(0);
        let cert = Cert {
            info: crate::verify::cert::info(&der).unwrap(),
            der: der.as_slice().into(),
            source: KeySource::KeyInfo,
            origin: "test".into(),
            valid_until: None,
        };
        let ds = "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"";
        let sig = "<ds:Signature><ds:SignedInfo/><ds:SignatureValue>AA==</ds:SignatureValue></ds:Signature>";
        let one = format!("<r {ds}><a:Assertion xmlns:a=\"urn:a\">{sig}</a:Assertion></r>");
        let two = format!(
            "<r {ds}><a:Assertion xmlns:a=\"urn:a\">{sig}</a:Assertion><b:Assertion xmlns:b=\"urn:b\">{sig}</b:Assertion></r>"
        );
        let trust = Trust::default();
        for (text, want_lint) in [(one, true), (two, false)] {
            let doc = crate::xml::dom::parse(&text).unwrap();
            let sigs: Vec<NodeId> = doc
                .descendants(doc.root)
                .filter(|n| doc.is(*n, ns::DS, "Signature"))
                .collect();
            let path = doc.path(sigs[0]);
            assert_eq!(path, "/r/Assertion/Signature");
            let report = valid_at(&path, &cert);
            let v = Verifier::new(&doc, &text, Some(&report), &trust);
            let got = v.with_key(*sigs.last().unwrap(), &der);
            // The bogus signature never verifies: only the lint's (other signature's) answer says valid.
            assert_eq!(got == Crypto::Valid, want_lint, "{text}: {got:?}");
        }
    }
}
