//! The other direction, for tests, fixtures and experiments only: replace a Response's Assertion with
//! an EncryptedAssertion for an SP certificate, in the shape Keycloak writes (EncryptedKey inside the
//! EncryptedData's KeyInfo). The caller supplies the content key; samlint itself never encrypts.

use super::RSA_OAEP_MGF1P;
use base64::Engine as _;

/// How to encrypt.
#[derive(Debug, Clone)]
pub struct Seal {
    /// Content encryption algorithm URI (AES-CBC/GCM, 3DES-CBC).
    pub content: String,
    /// Key transport URI (RSA-OAEP-MGF1P, xmlenc11 RSA-OAEP, RSA-1.5).
    pub transport: String,
    /// For xmlenc11 RSA-OAEP: the DigestMethod and MGF URIs.
    pub digest: Option<String>,
    pub mgf: Option<String>,
    /// Put the certificate in the EncryptedKey's KeyInfo.
    pub with_cert: bool,
}

impl Default for Seal {
    fn default() -> Self {
        Seal {
            content: "http://www.w3.org/2009/xmlenc11#aes256-gcm".into(),
            transport: RSA_OAEP_MGF1P.into(),
            digest: None,
            mgf: None,
            with_cert: true,
        }
    }
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// Encrypt `plaintext` (the bytes to put inside) for `cert_der` and return the EncryptedAssertion
/// element. `cek` must have the content algorithm's key size.
pub fn encrypted_assertion(
    plaintext: &[u8],
    cert_der: &[u8],
    cek: &[u8],
    seal: &Seal,
) -> Result<String, String> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, c) = X509Certificate::from_der(cert_der).map_err(|e| e.to_string())?;
    let public = kryptering::SoftwareKey::from_spki_der(
        kryptering::KeyAlgorithm::Rsa,
        c.tbs_certificate.subject_pki.raw,
    )
    .map_err(|e| e.to_string())?;
    let cipher = bergshamra::crypto::cipher::from_uri(&seal.content).map_err(|e| e.to_string())?;
    let ct = cipher.encrypt(cek, plaintext).map_err(|e| e.to_string())?;
    let params = bergshamra::crypto::keytransport::OaepParams {
        digest_uri: seal.digest.clone(),
        mgf_uri: seal.mgf.clone(),
        oaep_params: None,
    };
    let t = bergshamra::crypto::keytransport::from_uri_with_params(&seal.transport, params)
        .map_err(|e| e.to_string())?;
    let wrapped = t.encrypt(&public, cek).map_err(|e| e.to_string())?;
    let mut method = String::new();
    if let Some(d) = &seal.digest {
        method.push_str(&format!(
            r#"<ds:DigestMethod xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Algorithm="{d}"/>"#
        ));
    }
    if let Some(m) = &seal.mgf {
        method.push_str(&format!(
            r#"<xenc11:MGF xmlns:xenc11="http://www.w3.org/2009/xmlenc11#" Algorithm="{m}"/>"#
        ));
    }
    let keyinfo = if seal.with_cert {
        format!(
            r#"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"#,
            b64(cert_der)
        )
    } else {
        String::new()
    };
    Ok(format!(
        concat!(
            r#"<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" Type="http://www.w3.org/2001/04/xmlenc#Element">"#,
            r#"<xenc:EncryptionMethod Algorithm="{content}"/>"#,
            r#"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><xenc:EncryptedKey>"#,
            r#"<xenc:EncryptionMethod Algorithm="{transport}">{method}</xenc:EncryptionMethod>{keyinfo}"#,
            r#"<xenc:CipherData><xenc:CipherValue>{wrapped}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>"#,
            r#"<xenc:CipherData><xenc:CipherValue>{ct}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>"#
        ),
        content = seal.content,
        transport = seal.transport,
        method = method,
        keyinfo = keyinfo,
        wrapped = b64(&wrapped),
        ct = b64(&ct),
    ))
}

/// The Response `xml` with its `<saml:Assertion …>…</saml:Assertion>` encrypted in place. The Assertion
/// gets its own `xmlns:saml` declaration first (it is serialised alone, as an IdP does).
pub fn seal_response(
    xml: &str,
    cert_der: &[u8],
    cek: &[u8],
    seal: &Seal,
) -> Result<String, String> {
    let start = xml
        .find("<saml:Assertion")
        .ok_or("no <saml:Assertion in the document")?;
    let close = "</saml:Assertion>";
    let end = xml[start..]
        .find(close)
        .map(|e| start + e + close.len())
        .ok_or("no </saml:Assertion>")?;
    let mut assertion = xml[start..end].to_string();
    if !assertion[..assertion.find('>').unwrap_or(0)].contains("xmlns:saml=") {
        assertion.insert_str(
            "<saml:Assertion".len(),
            r#" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion""#,
        );
    }
    let enc = encrypted_assertion(assertion.as_bytes(), cert_der, cek, seal)?;
    Ok(format!("{}{}{}", &xml[..start], enc, &xml[end..]))
}
