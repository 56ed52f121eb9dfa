//! Enveloped XML-DSig signing of SAML messages, for samlint's own tests, fixtures and benchmarks
//! (sign with a test key, then tamper). Not used when linting.

use crate::model::ns;
use crate::xml::Document;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum What {
    Response,
    Assertion,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    RsaSha256,
    RsaSha1,
}

impl Alg {
    fn uris(self) -> (&'static str, &'static str) {
        match self {
            Alg::RsaSha256 => (
                "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
                "http://www.w3.org/2001/04/xmlenc#sha256",
            ),
            Alg::RsaSha1 => (
                "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                "http://www.w3.org/2000/09/xmldsig#sha1",
            ),
        }
    }
}

/// The signature template inserted after the element's Issuer, as Keycloak places it.
pub fn template(id: &str, alg: Alg, keyinfo_cert_b64: &str) -> String {
    let (sm, dm) = alg.uris();
    format!(
        concat!(
            "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>",
            "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:SignatureMethod Algorithm=\"{sm}\"/><ds:Reference URI=\"#{id}\"><ds:Transforms>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>",
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms>",
            "<ds:DigestMethod Algorithm=\"{dm}\"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo>",
            "<ds:SignatureValue></ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate>",
            "</ds:X509Data></ds:KeyInfo></ds:Signature>"
        ),
        sm = sm,
        dm = dm,
        id = id,
        cert = keyinfo_cert_b64
    )
}

/// The base64 body of the first certificate in a PEM file.
pub fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect()
}

fn insertion_point(doc: &Document, el: usize) -> Result<(usize, String), String> {
    let id = doc
        .attr(el, "ID")
        .map(|a| a.value.clone())
        .ok_or("element has no ID")?;
    let issuer = doc
        .first_child(el, ns::SAML, "Issuer")
        .ok_or("element has no Issuer")?;
    Ok((doc.node(issuer).span.end, id))
}

fn sign_one(
    xml: &str,
    at: usize,
    id: &str,
    key_pem: &[u8],
    keyinfo_cert_b64: &str,
    alg: Alg,
) -> Result<String, String> {
    let mut t = String::with_capacity(xml.len() + 2048);
    t.push_str(&xml[..at]);
    t.push_str(&template(id, alg, keyinfo_cert_b64));
    t.push_str(&xml[at..]);
    let key = bergshamra::keys::loader::load_rsa_private_pem(key_pem).map_err(|e| e.to_string())?;
    let mut km = bergshamra::keys::KeysManager::new();
    km.add_key(key);
    let ctx = bergshamra::DsigContext::new(km);
    bergshamra::dsig::sign::sign(&ctx, &t).map_err(|e| e.to_string())
}

/// Sign the Response and/or its (first) Assertion. `keyinfo_cert_b64` is what goes into KeyInfo (usually
/// the signing key's certificate; a different one to reproduce "Invalid thumbprint").
pub fn sign(
    xml: &str,
    what: What,
    key_pem: &[u8],
    keyinfo_cert_b64: &str,
    alg: Alg,
) -> Result<String, String> {
    let limits = crate::limits::Limits::default();
    let mut out = xml.to_string();
    if matches!(what, What::Assertion | What::Both) {
        let doc = crate::xml::parse(&out, &limits).map_err(|(k, _)| k.to_string())?;
        let a = doc
            .first_child(doc.root, ns::SAML, "Assertion")
            .ok_or("no Assertion")?;
        let (at, id) = insertion_point(&doc, a)?;
        out = sign_one(&out, at, &id, key_pem, keyinfo_cert_b64, alg)?;
    }
    if matches!(what, What::Response | What::Both) {
        let doc = crate::xml::parse(&out, &limits).map_err(|(k, _)| k.to_string())?;
        let (at, id) = insertion_point(&doc, doc.root)?;
        out = sign_one(&out, at, &id, key_pem, keyinfo_cert_b64, alg)?;
    }
    Ok(out)
}
