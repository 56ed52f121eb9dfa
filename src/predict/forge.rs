//! Whether node-forge 0.10 reads a certificate, as far as samlint vouches for it.
//!
//! Auth0's SP library parses a certificate with forge (`forge.pki.certificateFromPem`, saml.js
//! `extractAndValidateCertExpiration`) after it checks a signature, and a certificate forge cannot
//! read is its answer, whatever the signature. samlint reads certificates with x509-parser, which
//! accepts DER that forge refuses (adversarial reviews 13 and 14, 2026-12-06: a malformed keyUsage;
//! a five-byte pathLen; RSASSA-PSS; unused bits in a BIT STRING; high tag numbers; an odd-length
//! BMPString; a trailing byte in the RSA key; deprecated extension OIDs forge decodes). So this is
//! an allow-list, not a model of forge: a certificate is vouched for only when it has the shape
//! IdPs issue, and every part of it that forge decodes is one that it reads. Anything else makes
//! the prediction unknown, never a guess.

use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Signature algorithms forge 0.10 verifies a certificate with and reads without parameters:
/// md5, sha1, sha256, sha384 and sha512 with RSA (PKCS #1 v1.5).
const SIGNATURE_OIDS: [&str; 5] = [
    "1.2.840.113549.1.1.4",
    "1.2.840.113549.1.1.5",
    "1.2.840.113549.1.1.11",
    "1.2.840.113549.1.1.12",
    "1.2.840.113549.1.1.13",
];

/// Extensions forge decodes (x509.js `_readExtension`, oids.js): keyUsage, basicConstraints,
/// extKeyUsage, subjectAltName, issuerAltName, subjectKeyIdentifier, nsCertType. x509-parser must
/// read each of them without an error.
const DECODED: [&str; 7] = [
    "2.5.29.15",
    "2.5.29.19",
    "2.5.29.37",
    "2.5.29.17",
    "2.5.29.18",
    "2.5.29.14",
    "2.16.840.1.113730.1.1",
];

/// Deprecated OIDs forge's table maps onto subjectAltName, issuerAltName and basicConstraints and
/// decodes as those; x509-parser leaves them unparsed.
const DEPRECATED: [&str; 4] = ["2.5.29.7", "2.5.29.8", "2.5.29.10", "2.5.29.13"];

/// String types of a Name's attribute values that forge reads (a BMPString of an even length).
const NAME_STRINGS: [u32; 5] = [0x0c, 0x13, 0x14, 0x16, 0x1e];

/// Does forge read the certificate `der` (see the module's comment)?
pub fn reads(der: &[u8]) -> bool {
    unread(der).is_none()
}

/// Why samlint does not vouch that forge reads the certificate `der`: the first part of it outside
/// the allow-list, in words for the prediction's `why:` line; `None` when it does.
pub fn unread(der: &[u8]) -> Option<&'static str> {
    let Ok((_, c)) = X509Certificate::from_der(der) else {
        return Some("it is not a certificate samlint can read");
    };
    let oid = |o: &x509_parser::der_parser::oid::Oid| o.to_id_string();
    let spki = c.public_key();
    let names = [c.subject(), c.issuer()];
    let checks: [(bool, &'static str); 7] = [
        (
            low_tags(der, 0),
            "its DER has a high tag number or a length forge does not read",
        ),
        (
            spki.algorithm.algorithm == x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION,
            "its key is not an RSA key",
        ),
        (
            spki.subject_public_key.unused_bits == 0
                && rsa_public_key_exact(&spki.subject_public_key.data),
            "its RSA key is not exactly one RSAPublicKey",
        ),
        (
            c.signature_value.unused_bits == 0,
            "its signature value has unused bits",
        ),
        (
            SIGNATURE_OIDS.contains(&oid(&c.signature_algorithm.algorithm).as_str())
                && SIGNATURE_OIDS.contains(&oid(&c.tbs_certificate.signature.algorithm).as_str()),
            "it is signed with an algorithm other than RSA PKCS #1 v1.5 (RSASSA-PSS, for one)",
        ),
        (
            names.iter().flat_map(|n| n.iter_attributes()).all(|a| {
                let v = a.attr_value();
                let tag = v.header.tag().0;
                v.header.class() == x509_parser::der_parser::asn1_rs::Class::Universal
                    && !v.header.is_constructed()
                    && NAME_STRINGS.contains(&tag)
                    && (tag != 0x1e || v.data.len() % 2 == 0)
                    // forge's decodeUtf8 (decodeURIComponent) throws on bytes that are not UTF-8.
                    && (tag != 0x0c || std::str::from_utf8(v.data).is_ok())
            }),
            "its subject or issuer has a value of a string type or form forge does not read",
        ),
        (
            c.extensions().iter().all(|e| {
                let id = oid(&e.oid);
                if DEPRECATED.contains(&id.as_str()) {
                    return false;
                }
                if !DECODED.contains(&id.as_str()) {
                    return true;
                }
                match e.parsed_extension() {
                    // forge reads the path length as a 32-bit two's-complement INTEGER.
                    ParsedExtension::BasicConstraints(b) => {
                        b.path_len_constraint.is_none_or(|n| n < 1 << 31)
                    }
                    ParsedExtension::ParseError { .. }
                    | ParsedExtension::UnsupportedExtension { .. } => false,
                    _ => true,
                }
            }),
            "it has an extension forge decodes whose value it may not read (malformed, a deprecated OID, a path length over 32 bits)",
        ),
    ];
    checks.into_iter().find(|(ok, _)| !ok).map(|(_, why)| why)
}

/// `bytes` is exactly one RSAPublicKey: SEQUENCE { INTEGER, INTEGER } and nothing after it (forge
/// leaves a BIT STRING with more in it undecoded, and its RSA reader then fails).
fn rsa_public_key_exact(bytes: &[u8]) -> bool {
    let Some((0x30, body, rest)) = tlv(bytes) else {
        return false;
    };
    let Some((0x02, _, body)) = tlv(body) else {
        return false;
    };
    matches!(tlv(body), Some((0x02, _, []))) && rest.is_empty()
}

/// Every tag in `der` (and, below constructed ones, in their contents) is in the low-tag-number form
/// with a definite length of at most four bytes: forge's asn1.js reads one tag byte, and refuses the
/// rest. Nesting is capped (a certificate is a few levels deep), so the walk is linear.
fn low_tags(mut der: &[u8], depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    while !der.is_empty() {
        let Some((tag, body, rest)) = tlv(der) else {
            return false;
        };
        if tag & 0x20 != 0 && !low_tags(body, depth + 1) {
            return false;
        }
        der = rest;
    }
    true
}

/// One TLV at the start of `der`: its tag byte, its contents and what follows; `None` for a high tag
/// number, an indefinite or over-long length, or contents cut short.
fn tlv(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, der) = der.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, der) = der.split_first()?;
    let (len, der) = if first < 0x80 {
        (usize::from(first), der)
    } else {
        let k = usize::from(first & 0x7f);
        if k == 0 || k > 4 || der.len() < k {
            return None;
        }
        let len = der[..k]
            .iter()
            .fold(0usize, |n, b| (n << 8) | usize::from(*b));
        (len, &der[k..])
    };
    (der.len() >= len).then(|| (tag, &der[..len], &der[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(pem: &str) -> Vec<u8> {
        crate::verify::cert::parse_certs(pem.as_bytes())
            .expect("a certificate")
            .remove(0)
    }

    /// The test IdP's certificates are read; the one with a malformed keyUsage is not.
    #[test]
    fn the_fixture_certificates() {
        for ok in ["idp-cert.pem", "idp-cert-other.pem", "client-cert.pem"] {
            let pem = std::fs::read_to_string(format!("fixtures/keys/{ok}")).expect("fixture");
            assert!(reads(&der(&pem)), "{ok}");
        }
        let bad =
            std::fs::read_to_string("fixtures/keys/idp-cert-bad-keyusage.pem").expect("fixture");
        assert!(!reads(&der(&bad)));
    }

    /// Each odd certificate of fixtures/keys/forge is refused for its own oddity (node-forge 0.10
    /// refuses each: adversarial review 14); the control is read.
    #[test]
    fn each_oddity_is_named() {
        let why = |f: &str| {
            let pem =
                std::fs::read_to_string(format!("fixtures/keys/forge/{f}.pem")).expect("fixture");
            unread(&der(&pem))
        };
        assert_eq!(why("bc-pathlen-4byte-control"), None);
        for (f, part) in [
            ("bc-pathlen-5byte", "extension"),
            ("dep-oid-2.5.29.10-garbage", "extension"),
            ("pss-noparams", "RSASSA-PSS"),
            ("pss-nullparams", "RSASSA-PSS"),
            ("sigvalue-unused-bits", "unused bits"),
            ("sigparams-hightag", "high tag"),
        ] {
            assert!(
                why(f).is_some_and(|w| w.contains(part)),
                "{f}: {:?}",
                why(f)
            );
        }
    }

    /// The DER walk: low tag numbers only, definite lengths, contents that fit.
    #[test]
    fn tags_and_lengths() {
        assert!(low_tags(&[0x30, 0x03, 0x02, 0x01, 0x05], 0));
        // [APPLICATION 100] in the high-tag-number form, inside a SEQUENCE.
        assert!(!low_tags(&[0x30, 0x04, 0x5f, 0x64, 0x01, 0x00], 0));
        // Indefinite length; contents cut short; a five-byte length.
        assert!(!low_tags(&[0x30, 0x80, 0x00, 0x00], 0));
        assert!(!low_tags(&[0x04, 0x05, 0x00], 0));
        assert!(!low_tags(&[0x04, 0x85, 0, 0, 0, 0, 1, 0], 0));
        // Nesting: 20 levels are read, 40 are beyond the cap.
        let nested = |levels: usize| {
            let mut d = vec![0x04, 0x00];
            for _ in 0..levels {
                let mut outer = vec![0x30, d.len() as u8];
                outer.extend_from_slice(&d);
                d = outer;
            }
            d
        };
        assert!(low_tags(&nested(20), 0));
        assert!(!low_tags(&nested(40), 0));
    }

    #[test]
    fn an_rsa_key_with_a_byte_after_it_is_not_read() {
        let key = [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03];
        assert!(rsa_public_key_exact(&key));
        let mut more = key.to_vec();
        more.push(0);
        assert!(!rsa_public_key_exact(&more));
        assert!(!rsa_public_key_exact(&[0x30, 0x03, 0x02, 0x01, 0x05]));
    }
}
