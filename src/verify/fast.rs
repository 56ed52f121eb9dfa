//! A faster check of RSA PKCS#1 v1.5 signature values, through ring, plugged into bergshamra as its
//! "HSM verifier" (a `kryptering::Verifier` that replaces the key lookup and RustCrypto's RSA).
//!
//! bergshamra still does everything else (references, digests, canonicalisation, the strict position
//! checks); only the final RSA operation changes. The contract that keeps verdicts identical with and
//! without this module: the fast pass is used only when it says every signature of the document is
//! valid. Anything else (an invalid signature, an algorithm ring does not take, a key size outside
//! ring's 1024–8192 bits, two different SignatureMethods in one document) runs the ordinary RustCrypto
//! path again, which gives the verdict and its reason. `tests/signatures.rs` and the corpus verdicts run
//! through both.

use kryptering::{HashAlgorithm as H, SignatureAlgorithm as S};
use ring::signature::{self, RsaParameters, UnparsedPublicKey};

pub struct RingRsa {
    algorithm: S,
    params: &'static RsaParameters,
    /// PKCS#1 RSAPublicKey DER (the SubjectPublicKeyInfo's bit string).
    key: Vec<u8>,
}

impl kryptering::Verifier for RingRsa {
    fn algorithm(&self) -> S {
        self.algorithm
    }

    fn verify(&self, data: &[u8], sig: &[u8]) -> kryptering::Result<bool> {
        Ok(UnparsedPublicKey::new(self.params, &self.key)
            .verify(data, sig)
            .is_ok())
    }
}

/// ring's parameters for a SignatureMethod URI. Key sizes: ring takes 1024–8192 bits for SHA-1, SHA-256
/// and SHA-512 (its "legacy" variants) and 2048–8192 for SHA-384; smaller keys fall back.
pub fn params(uri: &str) -> Option<(S, &'static RsaParameters)> {
    Some(match uri {
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1" => (
            S::RsaPkcs1v15(H::Sha1),
            &signature::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        ),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" => (
            S::RsaPkcs1v15(H::Sha256),
            &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        ),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384" => (
            S::RsaPkcs1v15(H::Sha384),
            &signature::RSA_PKCS1_2048_8192_SHA384,
        ),
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512" => (
            S::RsaPkcs1v15(H::Sha512),
            &signature::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
        ),
        _ => return None,
    })
}

/// The `Algorithm` values of every `SignatureMethod` start tag in the text. A plain text scan: it may
/// see one inside a comment, which can only make the fast pass fail and fall back, never pass wrongly,
/// because bergshamra compares the verifier's algorithm with each signature's own SignatureMethod.
fn signature_methods(xml: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for (at, _) in xml.match_indices("SignatureMethod") {
        let Some(rest) = xml.get(at..) else { continue };
        let tag = rest.split('>').next().unwrap_or_default();
        let Some(a) = tag.find("Algorithm") else {
            continue;
        };
        let after = tag.get(a + "Algorithm".len()..).unwrap_or_default();
        let after = after.trim_start().strip_prefix('=').unwrap_or_default();
        let after = after.trim_start();
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let value = after.get(1..).unwrap_or_default();
        let value = value.split(q).next().unwrap_or_default();
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// A fast verifier for this document and key, when the document's signatures all use one RSA PKCS#1
/// v1.5 method and the key is RSA.
pub fn for_document(xml: &str, cert_der: &[u8]) -> Option<RingRsa> {
    let methods = signature_methods(xml);
    let [uri] = methods.as_slice() else {
        return None;
    };
    let (algorithm, params) = params(uri)?;
    Some(RingRsa {
        algorithm,
        params,
        key: super::native::rsa_key(cert_der)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(file: &str) -> Vec<u8> {
        let pem = std::fs::read(format!("fixtures/keys/{file}")).unwrap_or_default();
        crate::verify::cert::parse_certs(&pem)
            .ok()
            .and_then(|c| c.into_iter().next())
            .unwrap_or_else(|| panic!("fixtures/keys/{file} did not load"))
    }

    /// ring itself, through bergshamra's verifier hook, on the signed fixture: both signatures valid
    /// with the IdP's key, neither with another key. (The corpus test compares verdicts with and without
    /// ring; this one shows the ring pass is the one that decides a valid message.)
    #[test]
    fn ring_verifies_the_fixture_through_bergshamra() {
        let xml =
            std::fs::read_to_string("fixtures/saml/keycloak-atlassian-ok.xml").unwrap_or_default();
        let doc = uppsala::parse(&xml).unwrap_or_else(|e| panic!("{e}"));
        let verdicts = |cert: &str| {
            let v = for_document(&xml, &der(cert)).unwrap_or_else(|| panic!("no fast verifier"));
            let ctx = bergshamra::DsigContext::new(bergshamra::keys::KeysManager::new())
                .with_hsm_verifier(Box::new(v));
            bergshamra::dsig::verify::verify_all_document_with_source(&ctx, &doc, Some(&xml))
                .unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .map(bergshamra::VerifyResult::is_valid)
                .collect::<Vec<_>>()
        };
        assert_eq!(verdicts("idp-cert.pem"), [true, true]);
        assert_eq!(verdicts("client-cert.pem"), [false, false]);
    }

    #[test]
    fn methods_are_read_from_start_tags() {
        let xml = r#"<a><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
            <ds:SignatureMethod Algorithm = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1'></ds:SignatureMethod>
            <SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/></a>"#;
        assert_eq!(
            signature_methods(xml),
            [
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
            ]
        );
        // Two different methods: no fast pass.
        let der = der("idp-cert.pem");
        assert!(for_document(xml, &der).is_none());
        let one =
            r#"<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>"#;
        assert!(for_document(one, &der).is_some());
        let ec =
            r#"<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>"#;
        assert!(for_document(ec, &der).is_none());
    }
}
