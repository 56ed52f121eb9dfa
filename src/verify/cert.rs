//! Certificates: loading trust material (PEM, DER, the bare base64 body Keycloak shows, SAML metadata)
//! and the public facts samlint reports about a key (subject, thumbprints, dates, key size).

use crate::model::ns;
use crate::util::one_line;
use base64::Engine as _;
use serde::Serialize;
use sha1::Digest as _;
use std::sync::Arc;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Where a key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeySource {
    /// `--idp-cert` (its argument or file name).
    Config,
    /// `--sp-cert` (its argument or file name); "config" in the report, as `--idp-cert`.
    #[serde(rename = "config")]
    SpConfig,
    /// `--idp-metadata` (file name and entity).
    Metadata,
    /// The certificate inside the message's own KeyInfo (proves integrity, not origin).
    KeyInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// SHA-1 thumbprint, colon-separated upper-case hex: what Atlassian's "Invalid thumbprint" compares.
    pub sha1: String,
    pub sha256: String,
    pub not_before: String,
    pub not_after: String,
    #[serde(skip)]
    pub not_before_ms: i64,
    #[serde(skip)]
    pub not_after_ms: i64,
    /// RSA modulus or EC field size in bits.
    pub bits: Option<u32>,
    /// `RSA`, `EC`, `DSA`, or the OID.
    pub key_type: String,
    /// SHA-256 of the SubjectPublicKeyInfo: equal for two certificates over the same key.
    #[serde(skip)]
    pub spki_sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cert {
    #[serde(skip)]
    pub der: Arc<[u8]>,
    pub source: KeySource,
    /// File, argument or metadata entity it came from.
    pub origin: Arc<str>,
    /// Shared: every signature of every message of a batch names the same configured certificate,
    /// and a clone per signature was ~40 allocations a message.
    #[serde(flatten)]
    pub info: Arc<CertInfo>,
    /// The earliest `validUntil` over the metadata elements that hold the certificate
    /// (`--idp-metadata`). Past it, SIG025.
    #[serde(skip)]
    pub valid_until: Option<crate::verify::time::Millis>,
}

/// `AB:CD:…`, the form Atlassian and `openssl x509 -fingerprint` show a thumbprint in.
pub fn colon_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(':');
        }
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// What a certificate says. Remembered per thread for the last few certificates seen: a batch shows the
/// same IdP certificate in every message (twice when Response and Assertion are signed).
pub fn info(der: &[u8]) -> Result<Arc<CertInfo>, String> {
    thread_local! {
        static SEEN: crate::util::MemoCell<Vec<u8>, Result<Arc<CertInfo>, String>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    crate::util::memo(&SEEN, der, |d| read_info(d).map(Arc::new))
}

/// Why bytes that should be a DER certificate are not one, as a sentence (the parser's own error, such
/// as `NomError(Eof)`, says nothing to a person who pasted a certificate).
fn not_a_certificate(der: &[u8]) -> String {
    match der_declared_len(der) {
        None if der.is_empty() => "the certificate is empty".into(),
        None => "not an X.509 certificate: the bytes do not start like one (a DER SEQUENCE)".into(),
        Some(n) if n > der.len() => format!(
            "the certificate is cut off: it declares {n} bytes but only {} arrived; copy it again, every \
             line from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----",
            der.len()
        ),
        Some(_) => {
            "not an X.509 certificate: its structure does not parse as one (another kind of \
                    key or file, or damaged in copying)"
                .into()
        }
    }
}

/// The total length a DER SEQUENCE at the start of `der` declares (tag, length and contents).
fn der_declared_len(der: &[u8]) -> Option<usize> {
    if der.first() != Some(&0x30) {
        return None;
    }
    let first = *der.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let k = usize::from(first & 0x7f);
    if k == 0 || k > 4 {
        return None;
    }
    let mut n = 0usize;
    for i in 0..k {
        n = (n << 8) | usize::from(*der.get(2 + i)?);
    }
    Some(2 + k + n)
}

/// An RSA modulus's length in bits, leading zero bytes and bits left out (x509-parser's `key_size`
/// counts whole bytes, and drops a first byte below 0x80 that is not zero: a 1023-bit key read as
/// 1016 bits).
pub fn modulus_bits(modulus: &[u8]) -> usize {
    let n = &modulus[modulus.iter().take_while(|b| **b == 0).count()..];
    n.first()
        .map_or(0, |f| (n.len() - 1) * 8 + (8 - f.leading_zeros() as usize))
}

fn read_info(der: &[u8]) -> Result<CertInfo, String> {
    let (_, c) = X509Certificate::from_der(der).map_err(|_| not_a_certificate(der))?;
    let spki = c.public_key();
    let (key_type, bits) = match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(r)) => (
            "RSA".to_string(),
            u32::try_from(modulus_bits(r.modulus)).ok(),
        ),
        Ok(x509_parser::public_key::PublicKey::EC(e)) => {
            ("EC".to_string(), Some(e.key_size() as u32))
        }
        Ok(x509_parser::public_key::PublicKey::DSA(_)) => ("DSA".to_string(), None),
        _ => (spki.algorithm.algorithm.to_id_string(), None),
    };
    let nb = c.validity().not_before.timestamp() * 1000;
    let na = c.validity().not_after.timestamp() * 1000;
    Ok(CertInfo {
        subject: one_line(&c.subject().to_string()),
        issuer: one_line(&c.issuer().to_string()),
        sha1: colon_hex(&sha1::Sha1::digest(der)),
        sha256: colon_hex(&sha2::Sha256::digest(der)),
        not_before: super::time::format(nb),
        not_after: super::time::format(na),
        not_before_ms: nb,
        not_after_ms: na,
        bits,
        key_type,
        spki_sha256: colon_hex(&sha2::Sha256::digest(spki.raw)),
    })
}

/// Decode a base64 body leniently (whitespace, `&#13;` artefacts already resolved by the XML parser).
pub fn b64_body(s: &str) -> Result<Vec<u8>, String> {
    let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned.trim_end_matches('='))
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(cleaned.trim_end_matches('='))
        })
        .map_err(|e| {
            if cleaned.trim_end_matches('=').len() % 4 == 1 {
                "the certificate's base64 is cut off (its length cannot encode whole bytes); copy it again"
                    .to_string()
            } else {
                format!("invalid base64 ({e})")
            }
        })
}

/// A KeyInfo X509Certificate body: base64 of DER, or (as some ADFS exports have it) base64 of a PEM file.
pub fn keyinfo_cert_der(b64: &str) -> Option<Vec<u8>> {
    thread_local! {
        static SEEN: crate::util::MemoCell<String, Option<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    crate::util::memo(&SEEN, b64, keyinfo_cert_der_uncached)
}

fn keyinfo_cert_der_uncached(b64: &str) -> Option<Vec<u8>> {
    let raw = b64_body(b64).ok()?;
    if raw.starts_with(b"-----BEGIN") {
        return parse_certs(&raw).ok()?.into_iter().next();
    }
    Some(raw)
}

/// Certificates from PEM text, DER bytes, or a bare base64 body (as Keycloak's realm keys page shows).
pub fn parse_certs(bytes: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if t.contains("-----BEGIN") {
            let mut out = Vec::new();
            let mut rest = t;
            while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
                let body_start = start + "-----BEGIN CERTIFICATE-----".len();
                let Some(end) = rest[body_start..].find("-----END CERTIFICATE-----") else {
                    return Err("PEM certificate without an END line (cut off?)".into());
                };
                out.push(b64_body(&rest[body_start..body_start + end])?);
                rest = &rest[body_start + end..];
            }
            if out.is_empty() {
                return Err("PEM without a CERTIFICATE block (a private or public key is not a certificate)".into());
            }
            return Ok(out);
        }
        if t.starts_with('<') {
            return Err("XML: pass SAML metadata with --idp-metadata".into());
        }
        if !t.is_empty()
            && t.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=') || c.is_whitespace()
            })
        {
            return b64_body(t).map(|d| vec![d]);
        }
        if !t.is_empty() && !t.starts_with('0') {
            // Stray characters in a pasted certificate (pitfall 8): say which.
            let bad: String = t
                .chars()
                .filter(|c| {
                    !(c.is_ascii_alphanumeric()
                        || matches!(c, '+' | '/' | '=')
                        || c.is_whitespace())
                })
                .take(5)
                .collect();
            return Err(format!(
                "not PEM and not base64: unexpected characters {:?}",
                one_line(&bad)
            ));
        }
    }
    // DER.
    Ok(vec![bytes.to_vec()])
}

/// Load `--idp-cert FILE|VALUE`.
pub fn load_idp_cert(arg: &str) -> Result<Vec<Cert>, String> {
    load_certs(arg, KeySource::Config)
}

/// The label of a certificate given as the option's value itself (not a file), per option.
fn pasted_label(source: KeySource) -> &'static str {
    match source {
        KeySource::SpConfig => "--sp-cert value",
        _ => "--idp-cert value",
    }
}

impl Cert {
    /// Was it given as an option's value itself, not a file (its origin names the option, no path)?
    pub fn pasted(&self) -> bool {
        matches!(self.source, KeySource::Config | KeySource::SpConfig)
            && *self.origin == *pasted_label(self.source)
    }
}

/// [`load_idp_cert`] for the option that `source` names (`--idp-cert` or `--sp-cert`).
pub fn load_certs(arg: &str, source: KeySource) -> Result<Vec<Cert>, String> {
    let path = std::path::Path::new(arg);
    let (bytes, origin) = if path.is_file() {
        (
            std::fs::read(path).map_err(|e| format!("{arg}: {e}"))?,
            arg.to_string(),
        )
    } else if crate::decode::looks_like_path(arg) {
        return Err(format!("{arg}: no such file"));
    } else {
        (arg.as_bytes().to_vec(), pasted_label(source).to_string())
    };
    // Errors are shown after `--idp-cert `: a pasted value is named only as such.
    let named = if path.is_file() {
        origin.as_str()
    } else {
        "value"
    };
    let ders = parse_certs(&bytes).map_err(|e| format!("{named}: {e}"))?;
    ders.into_iter()
        .map(|der| {
            let info = info(&der).map_err(|e| format!("{named}: {e}"))?;
            Ok(Cert {
                der: der.into(),
                source,
                origin: origin.as_str().into(),
                info,
                valid_until: None,
            })
        })
        .collect()
}

/// What `--idp-metadata` supplies.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub entity_id: Option<String>,
    pub certs: Vec<Cert>,
}

/// Load SAML metadata (EntityDescriptor or EntitiesDescriptor, Keycloak's realm descriptor), choosing the
/// IdP entity by `entity_id` or because it is the only one — never by a message's Issuer.
pub fn load_metadata(
    path: &str,
    entity_id: Option<&str>,
    limits: &crate::limits::Limits,
) -> Result<Metadata, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let doc = crate::xml::parse(&text, limits).map_err(|(k, _)| format!("{path}: {k}"))?;
    let idps = idp_entities(&doc);
    let chosen = choose_entity(&doc, &idps, entity_id, path)?;
    let entity = entity_name(&doc, chosen);
    let certs = signing_certs(&doc, chosen, &entity, path)?;
    if certs.is_empty() {
        return Err(format!(
            "{path}: the IdP entity {entity:?} has no signing certificate"
        ));
    }
    Ok(Metadata {
        entity_id: Some(entity),
        certs,
    })
}

/// Every EntityDescriptor with an IdP role, in document order (EntitiesDescriptor nest).
fn idp_entities(doc: &crate::xml::Document) -> Vec<crate::xml::NodeId> {
    let mut entities = Vec::new();
    let mut stack = vec![doc.root];
    while let Some(n) = stack.pop() {
        if doc.is(n, ns::MD, "EntityDescriptor") {
            entities.push(n);
        } else if doc.is(n, ns::MD, "EntitiesDescriptor") {
            stack.extend(doc.child_elements(n).collect::<Vec<_>>().into_iter().rev());
        }
    }
    entities
        .into_iter()
        .filter(|e| doc.first_child(*e, ns::MD, "IDPSSODescriptor").is_some())
        .collect()
}

fn entity_name(doc: &crate::xml::Document, e: crate::xml::NodeId) -> String {
    doc.attr(e, "entityID")
        .map(|a| a.value.clone())
        .unwrap_or_default()
}

/// The IdP entity named by `--idp-entity-id`, else the only one; several without a choice is an error.
fn choose_entity(
    doc: &crate::xml::Document,
    idps: &[crate::xml::NodeId],
    entity_id: Option<&str>,
    path: &str,
) -> Result<crate::xml::NodeId, String> {
    let name = |e| entity_name(doc, e);
    match entity_id {
        Some(want) => idps
            .iter()
            .copied()
            .find(|e| name(*e) == want)
            .ok_or_else(|| {
                let have: Vec<String> = idps.iter().map(|e| one_line(&name(*e))).collect();
                format!(
                    "{path}: no IdP entity {want:?} (it has: {})",
                    have.join(", ")
                )
            }),
        None => match idps {
            [one] => Ok(*one),
            [] => Err(format!("{path}: no IDPSSODescriptor in this metadata")),
            many => {
                let have: Vec<String> = many.iter().map(|e| one_line(&name(*e))).collect();
                Err(format!(
                    "{path}: {} IdP entities; choose one with --idp-entity-id ({})",
                    many.len(),
                    have.join(", ")
                ))
            }
        },
    }
}

/// Every certificate of every signing (or unspecified-use) KeyDescriptor of the entity's IdP roles;
/// one that does not decode is an error.
fn signing_certs(
    doc: &crate::xml::Document,
    chosen: crate::xml::NodeId,
    entity: &str,
    path: &str,
) -> Result<Vec<Cert>, String> {
    let mut certs = Vec::new();
    for role in doc.children_named(chosen, ns::MD, "IDPSSODescriptor") {
        let until = valid_until(doc, role, path)?;
        for kd in doc.children_named(role, ns::MD, "KeyDescriptor") {
            let usage = doc
                .attr(kd, "use")
                .map(|a| a.value.as_str())
                .unwrap_or("signing");
            if usage != "signing" {
                continue;
            }
            for ki in doc.children_named(kd, ns::DS, "KeyInfo") {
                for xd in doc.children_named(ki, ns::DS, "X509Data") {
                    for xc in doc.children_named(xd, ns::DS, "X509Certificate") {
                        let der = b64_body(&doc.own_text(xc))
                            .map_err(|e| format!("{path}: X509Certificate: {e}"))?;
                        let info = info(&der).map_err(|e| format!("{path}: {e}"))?;
                        // One certificate in several roles (a SAML 1.1 one and a SAML 2.0 one):
                        // it expires with the last of them (review 65: the first role's expiry was
                        // taken, and the roles' order decided SIG025).
                        if let Some(c) = certs.iter_mut().find(|c: &&mut Cert| *c.der == *der) {
                            c.valid_until = c.valid_until.zip(until).map(|(a, b)| a.max(b));
                            continue;
                        }
                        certs.push(Cert {
                            der: der.into(),
                            source: KeySource::Metadata,
                            origin: format!("{path} ({})", one_line(entity)).into(),
                            info,
                            valid_until: until,
                        });
                    }
                }
            }
        }
    }
    Ok(certs)
}

/// The earliest `validUntil` of `role` and the elements around it (the EntityDescriptor, the
/// EntitiesDescriptors): SAML Metadata §2.3.1, §2.3.2 and §2.4.1 make it the expiry of everything the
/// element holds (review 64: metadata expired in 2020 was trusted without a word). One that is no
/// xs:dateTime is an error: no key is trusted from metadata whose expiry cannot be read.
fn valid_until(
    doc: &crate::xml::Document,
    role: crate::xml::NodeId,
    path: &str,
) -> Result<Option<crate::verify::time::Millis>, String> {
    let mut earliest: Option<crate::verify::time::Millis> = None;
    let mut at = Some(role);
    while let Some(e) = at {
        if let Some(a) = doc.attr(e, "validUntil") {
            let ms = crate::verify::time::parse_xs(&a.value).map_err(|why| {
                let name = doc.element(e).map_or("", |x| x.local.as_str());
                format!("{path}: the validUntil of {name} is not an xs:dateTime: {why}")
            })?;
            earliest = Some(earliest.map_or(ms, |t| t.min(ms)));
        }
        at = doc.node(e).parent;
    }
    Ok(earliest)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RSA key's size in bits, exactly: x509-parser's `key_size` read a 1023-bit modulus as 1016.
    #[test]
    fn rsa_sizes_are_counted_in_bits() {
        for (f, bits) in [
            ("idp-cert.pem", 2048),
            ("short-cert.pem", 1024),
            ("rsa-1023-bit-cert.pem", 1023),
        ] {
            let pem = std::fs::read_to_string(format!(
                "{}/fixtures/keys/{f}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .expect("fixture");
            let der = parse_certs(pem.as_bytes())
                .expect("a certificate")
                .remove(0);
            assert_eq!(info(&der).expect("reads").bits, Some(bits), "{f}");
        }
        assert_eq!(modulus_bits(&[0, 0, 0x01, 0xff]), 9);
        assert_eq!(modulus_bits(&[0, 0]), 0);
    }

    /// A certificate given as the option's value is labelled with that option (the summary, and
    /// `--redact`, which shows the label instead of a pseudonymous file name); one from a file is not.
    #[test]
    fn a_pasted_certificate_names_its_option() {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/keys/sp-cert.pem");
        let pem = std::fs::read_to_string(file).unwrap();
        let value: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        for (source, label) in [
            (KeySource::SpConfig, "--sp-cert value"),
            (KeySource::Config, "--idp-cert value"),
        ] {
            let k = &load_certs(&value, source).unwrap()[0];
            assert_eq!((k.source, &*k.origin, k.pasted()), (source, label, true));
            let f = &load_certs(file, source).unwrap()[0];
            assert_eq!((f.source, f.pasted()), (source, false));
        }
    }
}
