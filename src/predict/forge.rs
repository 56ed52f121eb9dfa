//! Whether node-forge 0.10 reads a certificate, as far as samlint vouches for it.
//!
//! Auth0's SP library parses a certificate with forge (`forge.pki.certificateFromPem`, saml.js
//! `extractAndValidateCertExpiration`) after it checks a signature, and a certificate forge cannot
//! read is its answer, whatever the signature. samlint reads certificates with x509-parser, which
//! accepts DER that forge refuses (adversarial reviews 13 and 14, 2026-12-06: a malformed keyUsage;
//! a five-byte pathLen; RSASSA-PSS; unused bits in a BIT STRING; high tag numbers; an odd-length
//! BMPString; a trailing byte in the RSA key; deprecated extension OIDs forge decodes; review 15:
//! any element numbered 30 read as a BMPString, constructed iPAddress and registeredID names, OID
//! arcs wrapped to 32 bits onto known extensions, a pathLen in five bytes, EXPLICIT unique IDs). So
//! this is an allow-list, not a model of forge: a certificate is vouched for only when it has the
//! shape IdPs issue (known extensions of plain shapes, by their OIDs' bytes), and every part of it
//! that forge decodes is one that it reads. Anything else makes the prediction unknown, never a
//! guess.

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

/// Extensions a certificate may carry, by their OID's encoded bytes (an arc written otherwise, or
/// one beyond 32 bits that forge's derToOid would wrap onto a known OID, is not one of them), and
/// what forge makes of each: the ones it decodes (x509.js `_readExtension`) must have the plain
/// shape samlint checks; the others it keeps as bytes.
const EXTENSIONS: [(&[u64], Shape); 14] = [
    (&[2, 5, 29, 15], Shape::Bits),                     // keyUsage
    (&[2, 16, 840, 1, 113730, 1, 1], Shape::Bits),      // nsCertType
    (&[2, 5, 29, 19], Shape::BasicConstraints),         // basicConstraints
    (&[2, 5, 29, 37], Shape::Oids),                     // extKeyUsage
    (&[2, 5, 29, 17], Shape::GeneralNames),             // subjectAltName
    (&[2, 5, 29, 18], Shape::GeneralNames),             // issuerAltName
    (&[2, 5, 29, 14], Shape::Octets),                   // subjectKeyIdentifier
    (&[2, 5, 29, 35], Shape::Kept),                     // authorityKeyIdentifier
    (&[2, 5, 29, 31], Shape::Kept),                     // cRLDistributionPoints
    (&[2, 5, 29, 32], Shape::Kept),                     // certificatePolicies
    (&[1, 3, 6, 1, 5, 5, 7, 1, 1], Shape::Kept),        // authorityInfoAccess
    (&[2, 16, 840, 1, 113730, 1, 13], Shape::Kept),     // nsComment
    (&[1, 3, 6, 1, 4, 1, 311, 21, 7], Shape::Kept),     // Microsoft certificate template
    (&[1, 3, 6, 1, 4, 1, 11129, 2, 4, 2], Shape::Kept), // certificate transparency
];

/// What an extension's value must look like for samlint to vouch that forge reads it.
#[derive(Clone, Copy)]
enum Shape {
    /// A primitive BIT STRING of at most two bytes of flags.
    Bits,
    /// SEQUENCE { BOOLEAN?, INTEGER of at most four bytes? }: forge's derToInteger reads 32 bits.
    BasicConstraints,
    /// SEQUENCE OF primitive OBJECT IDENTIFIER.
    Oids,
    /// SEQUENCE OF primitive rfc822Name, dNSName, URI or a 4- or 16-byte iPAddress: forge reads
    /// an iPAddress or registeredID as a string, and a constructed one throws.
    GeneralNames,
    /// A primitive OCTET STRING.
    Octets,
    /// Not decoded by forge.
    Kept,
}

/// The contents of the one SEQUENCE that is all of `v`.
fn seq(v: &[u8]) -> Option<&[u8]> {
    match tlv(v) {
        Some((0x30, body, [])) => Some(body),
        _ => None,
    }
}

impl Shape {
    fn fits(self, value: &[u8]) -> bool {
        let all = |mut body: &[u8], ok: &dyn Fn(u8, &[u8]) -> bool| {
            while !body.is_empty() {
                match tlv(body) {
                    Some((tag, v, rest)) if ok(tag, v) => body = rest,
                    _ => return false,
                }
            }
            true
        };
        match self {
            Shape::Bits => matches!(tlv(value), Some((0x03, v, [])) if (1..=3).contains(&v.len())),
            Shape::BasicConstraints => seq(value).is_some_and(|body| {
                let rest = match tlv(body) {
                    Some((0x01, [_], rest)) => rest,
                    _ => body,
                };
                match tlv(rest) {
                    None => rest.is_empty(),
                    Some((0x02, int, [])) => (1..=4).contains(&int.len()),
                    Some(_) => false,
                }
            }),
            Shape::Oids => seq(value).is_some_and(|b| all(b, &|t, v| t == 0x06 && !v.is_empty())),
            Shape::GeneralNames => seq(value).is_some_and(|b| {
                all(b, &|t, v| match t {
                    0x81 | 0x82 | 0x86 => true,
                    0x87 => v.len() == 4 || v.len() == 16,
                    _ => false,
                })
            }),
            Shape::Octets => matches!(tlv(value), Some((0x04, _, []))),
            Shape::Kept => true,
        }
    }
}

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
    let checks: [(bool, &'static str); 8] = [
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
                let known = EXTENSIONS.iter().find(|(arcs, _)| {
                    x509_parser::der_parser::oid::Oid::from(arcs)
                        .is_ok_and(|o| o.as_bytes() == e.oid.as_bytes())
                });
                // x509-parser's reading matters only where forge decodes the value too (it knows
                // no Microsoft template, which forge keeps as bytes).
                known.is_some_and(|(_, shape)| {
                    shape.fits(e.value)
                        && (matches!(shape, Shape::Kept)
                            || !matches!(
                                e.parsed_extension(),
                                ParsedExtension::ParseError { .. }
                                    | ParsedExtension::UnsupportedExtension { .. }
                            ))
                })
            }),
            "it has an extension outside those samlint knows forge reads (an unusual extension, or a value of an unusual shape)",
        ),
        (
            c.tbs_certificate.issuer_uid.is_none() && c.tbs_certificate.subject_uid.is_none(),
            "it has an issuer or subject unique identifier",
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
/// with a definite length of at most four bytes (forge's asn1.js reads one tag byte, and refuses the
/// rest), and no element numbered 30 is other than a BMPString of an even length. Nesting is capped
/// (a certificate is a few levels deep), so the walk is linear.
fn low_tags(mut der: &[u8], depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    while !der.is_empty() {
        let Some((tag, body, rest)) = tlv(der) else {
            return false;
        };
        // forge decodes any element numbered 30, whatever its class, as a BMPString, two bytes at
        // a time (asn1.js): only a primitive universal one of an even length is read.
        if tag & 0x1f == 0x1e && (tag != 0x1e || body.len() % 2 == 1) {
            return false;
        }
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
        // A Microsoft certificate template (which x509-parser does not know and forge keeps as
        // bytes) beside keyUsage and basicConstraints, as AD CS issues them.
        assert_eq!(why("ms-template-control"), None);
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

    /// The value shapes of the extensions forge decodes, byte by byte.
    #[test]
    fn extension_shapes() {
        let yes = |s: Shape, v: &[u8]| assert!(s.fits(v), "{v:02x?}");
        let no = |s: Shape, v: &[u8]| assert!(!s.fits(v), "{v:02x?}");
        yes(Shape::Bits, &[0x03, 0x02, 0x05, 0xa0]);
        no(Shape::Bits, &[0x03, 0x04, 0x00, 1, 2, 3]);
        no(Shape::Bits, &[0x23, 0x02, 0x05, 0xa0]);
        // CA:TRUE, pathLen 0; pathLen alone; empty; pathLen in five bytes (the value is 5).
        yes(
            Shape::BasicConstraints,
            &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x00],
        );
        yes(Shape::BasicConstraints, &[0x30, 0x03, 0x02, 0x01, 0x05]);
        yes(Shape::BasicConstraints, &[0x30, 0x00]);
        no(
            Shape::BasicConstraints,
            &[0x30, 0x07, 0x02, 0x05, 0, 0, 0, 0, 5],
        );
        no(
            Shape::BasicConstraints,
            &[0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x05],
        );
        yes(Shape::Oids, &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x06, 0x01]);
        no(Shape::Oids, &[0x30, 0x05, 0x26, 0x03, 0x06, 0x01, 0x01]);
        // A dNSName and an IPv4 address; a constructed iPAddress; a [30] name; an IP of 5 bytes.
        yes(
            Shape::GeneralNames,
            &[0x30, 0x09, 0x82, 0x01, b'a', 0x87, 0x04, 127, 0, 0, 1],
        );
        no(
            Shape::GeneralNames,
            &[0x30, 0x08, 0xa7, 0x06, 0x04, 0x04, 127, 0, 0, 1],
        );
        no(Shape::GeneralNames, &[0x30, 0x03, 0x9e, 0x01, 0x00]);
        no(
            Shape::GeneralNames,
            &[0x30, 0x07, 0x87, 0x05, 1, 2, 3, 4, 5],
        );
        yes(Shape::Octets, &[0x04, 0x02, 0xab, 0xcd]);
        no(Shape::Octets, &[0x24, 0x04, 0x04, 0x02, 0xab, 0xcd]);
        // Trailing bytes after the value.
        no(Shape::Octets, &[0x04, 0x01, 0xab, 0x00]);
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
