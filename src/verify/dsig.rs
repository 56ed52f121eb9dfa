//! XML-DSig verifiers behind one interface. The default is pure Rust (bergshamra, with ring for RSA);
//! the `xmlsec` feature adds libxmlsec1 (xmlsec.rs) as a second, independent verifier.
//!
//! Every verifier reports where it found each signature in the text it was given, from its own parse:
//! the crypto stage attaches results to samlint's signatures by that byte offset, never by order.

use super::cert::Cert;
use std::ops::Range;

/// Where a verifier's own parser found an element, in the text it was given: the byte just past its
/// end tag (unique per element), and its first byte when the verifier knows it (libxml2 2.9 records
/// only the end reliably).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub start: Option<usize>,
    pub end: usize,
}

impl Place {
    pub fn of(r: Range<usize>) -> Self {
        Place {
            start: Some(r.start),
            end: r.end,
        }
    }
    /// The same place in a text that starts `offset` bytes earlier.
    pub fn shifted(self, offset: usize) -> Self {
        Place {
            start: self.start.map(|s| s + offset),
            end: self.end + offset,
        }
    }
    /// Is this the element spanning `r`?
    pub fn is(&self, r: Range<usize>) -> bool {
        self.end == r.end && self.start.is_none_or(|s| s == r.start)
    }
}

/// What one verifier said about one ds:Signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigResult {
    /// Where the verifier's own parse has the ds:Signature element.
    pub at: Place,
    pub outcome: Crypto,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crypto {
    Valid {
        /// Per SignedInfo Reference, in order.
        references: Vec<RefResult>,
    },
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefResult {
    /// Was its digest computed and compared?
    pub digest_ok: bool,
    /// Where the element it resolved to is (`None` for the whole document, `URI=""`).
    pub resolved: Option<Place>,
}

pub trait Verifier {
    fn name(&self) -> &'static str;
    /// Verify every ds:Signature of `xml` with exactly this key (never one from the document). Returns
    /// one result per ds:Signature the verifier's parser sees, placed by its byte range, or a
    /// document-level failure.
    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<SigResult>, String>;
    /// Verify a detached signature over raw octets (the Redirect binding).
    fn verify_raw(
        &self,
        sig_alg: &str,
        data: &[u8],
        signature: &[u8],
        key: &Cert,
    ) -> Result<bool, String>;
    /// Does a document whose every signature samlint's own check (native.rs) finds valid count as
    /// verified by this verifier, without running it? Only the Rust verifier with ring says yes:
    /// libxmlsec1 stays an independent second opinion.
    fn takes_native(&self) -> bool {
        false
    }
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

/// The ds:Signature elements of bergshamra's parse, in the order bergshamra verifies them (its
/// `verify_all` walks the same descendants of the root).
fn signature_ranges(doc: &uppsala::Document<'_>) -> Vec<Option<Range<usize>>> {
    doc.descendants(doc.root())
        .into_iter()
        .filter(|n| {
            doc.element(*n).is_some_and(|e| {
                e.name.local_name.as_ref() == "Signature"
                    && e.name.namespace_uri.as_deref() == Some(crate::model::ns::DS)
            })
        })
        .map(|n| doc.node_range(n))
        .collect()
}

fn convert(
    doc: &uppsala::Document<'_>,
    results: Vec<bergshamra::VerifyResult>,
) -> Result<Vec<SigResult>, String> {
    let ranges = signature_ranges(doc);
    if ranges.len() != results.len() {
        return Err(format!(
            "bergshamra returned {} results for the {} signatures of its parse",
            results.len(),
            ranges.len()
        ));
    }
    ranges
        .into_iter()
        .zip(results)
        .map(|(at, r)| {
            let at = at.ok_or("bergshamra gave no position for a signature")?;
            let outcome = match r {
                bergshamra::VerifyResult::Valid {
                    signature_node,
                    references,
                    ..
                } => {
                    // bergshamra says which node it verified: it must be the one at this position.
                    if doc.node_range(signature_node) != Some(at.clone()) {
                        return Err("bergshamra verified another signature than it listed".into());
                    }
                    Crypto::Valid {
                        references: references
                            .iter()
                            .map(|r| RefResult {
                                digest_ok: r.digest_verified,
                                resolved: r
                                    .resolved_node
                                    .and_then(|n| doc.node_range(n))
                                    .map(Place::of),
                            })
                            .collect(),
                    }
                }
                bergshamra::VerifyResult::Invalid { reason } => Crypto::Invalid(reason),
            };
            Ok(SigResult {
                at: Place::of(at),
                outcome,
            })
        })
        .collect()
}

impl Verifier for Bergshamra {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn verify_all(&self, xml: &str, key: &Cert) -> Result<Vec<SigResult>, String> {
        verify_all(xml, key, self.ring)
    }

    fn takes_native(&self) -> bool {
        self.ring
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

/// Attribute-value normalisation (XML 1.0 §3.3.3), which bergshamra's parser does not do: a literal tab,
/// line feed or carriage return (a CR LF pair counting as one, §2.11) inside an attribute value is read
/// as one space by every conforming parser, libxml2 included, so canonicalisation must see a space. The
/// text is rewritten only when it needs it; `removed` lists, in the new text, where a byte was dropped
/// (the LF of a CR LF pair), so that positions can be mapped back.
pub struct Normalised {
    pub text: String,
    removed: Vec<usize>,
}

impl Normalised {
    /// The offset in the original text of an offset in the normalised one.
    pub fn original(&self, new: usize) -> usize {
        new + self.removed.partition_point(|r| *r <= new)
    }
    fn place(&self, p: Place) -> Place {
        Place {
            start: p.start.map(|s| self.original(s)),
            end: self.original(p.end),
        }
    }
}

pub fn normalise_attribute_whitespace(xml: &str) -> Option<Normalised> {
    let b = xml.as_bytes();
    let mut out: Option<(Vec<u8>, Vec<usize>)> = None;
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let skip_to = |from: usize, pat: &[u8]| {
            memchr::memmem::find(&b[from..], pat).map_or(b.len(), |k| from + k + pat.len())
        };
        let next = if rest.starts_with(b"<!--") {
            skip_to(i + 4, b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(i + 9, b"]]>")
        } else if rest.starts_with(b"<?") {
            // A processing instruction ends at `?>`, not at the first `>` (found by the
            // c14n_differential fuzz target: a `>` inside a PI put the scan inside a quote).
            skip_to(i + 2, b"?>")
        } else if rest.starts_with(b"<!") {
            skip_to(i + 2, b">")
        } else if rest.starts_with(b"<") && !rest.starts_with(b"</") {
            // A start tag: rewrite whitespace inside quoted values.
            let mut j = i + 1;
            let mut quote: Option<u8> = None;
            while j < b.len() {
                let c = b[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) if matches!(c, b'\t' | b'\n' | b'\r') => {
                        let (o, removed) = out.get_or_insert_with(|| (b[..j].to_vec(), Vec::new()));
                        // Copy what came since the last rewrite.
                        let copied = o.len() + removed.len();
                        o.extend_from_slice(&b[copied..j]);
                        o.push(b' ');
                        if c == b'\r' && b.get(j + 1) == Some(&b'\n') {
                            j += 1;
                            removed.push(o.len());
                        }
                    }
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                j += 1;
            }
            j + 1
        } else {
            memchr::memchr(b'<', &rest[1..]).map_or(b.len(), |k| i + 1 + k)
        };
        i = next.max(i + 1);
    }
    let (mut o, removed) = out?;
    let copied = o.len() + removed.len();
    o.extend_from_slice(b.get(copied..).unwrap_or_default());
    // Only ASCII bytes were replaced, so the text is still UTF-8.
    String::from_utf8(o)
        .ok()
        .map(|text| Normalised { text, removed })
}

fn verify_all(xml: &str, key: &Cert, fast: bool) -> Result<Vec<SigResult>, String> {
    match normalise_attribute_whitespace(xml) {
        None => verify_parsed(xml, key, fast),
        Some(n) => Ok(verify_parsed(&n.text, key, fast)?
            .into_iter()
            .map(|r| SigResult {
                at: n.place(r.at),
                outcome: match r.outcome {
                    Crypto::Valid { references } => Crypto::Valid {
                        references: references
                            .into_iter()
                            .map(|x| RefResult {
                                digest_ok: x.digest_ok,
                                resolved: x.resolved.map(|p| n.place(p)),
                            })
                            .collect(),
                    },
                    other => other,
                },
            })
            .collect()),
    }
}

fn verify_parsed(xml: &str, key: &Cert, fast: bool) -> Result<Vec<SigResult>, String> {
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
            return convert(&doc, results);
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
    convert(&doc, results)
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

/// libxmlsec1 (cargo feature `xmlsec`), xmlsec.rs.
#[cfg(feature = "xmlsec")]
pub use super::xmlsec::Xmlsec;

/// What a signature value of the wrong length for an RSA key is called (accept.rs gives its cause).
pub const WRONG_LENGTH: &str = "bytes long where the RSA key's modulus is";

/// Why `value` is not an RSA signature by `key` under `method`, when it is written with the wrong
/// length for that key: it must be exactly as long as the modulus (RFC 8017 §8.2.2, step 1: otherwise
/// "invalid signature"), as OpenSSL (every libxmlsec1 and Node SP) and Java (Keycloak) check.
/// bergshamra takes a value whose leading zero byte was dropped (review 33), in a ds:Signature and in
/// the Redirect binding's `Signature` parameter. Only a value a few leading zeros short, or with
/// leading zeros added, is called so: one of another length is another key's, which the verifier's
/// own answer says.
pub fn wrong_length(method: &str, value: &[u8], key: &Cert) -> Option<String> {
    let (Some(bits), "RSA") = (key.info.bits, key.info.key_type.as_str()) else {
        return None;
    };
    let (modulus, len) = ((bits as usize).div_ceil(8), value.len());
    let zeros_dropped = len < modulus && modulus - len <= 8;
    let zeros_added = len > modulus && value[..len - modulus].iter().all(|b| *b == 0);
    (method.to_ascii_lowercase().contains("rsa") && (zeros_dropped || zeros_added)).then(|| {
        format!(
            "the signature value is {len} {WRONG_LENGTH} {modulus}: not a signature of this key"
        )
    })
}

/// What an ECDSA signature value of the wrong length for an EC key is called (accept.rs gives its
/// cause).
pub const WRONG_EC_LENGTH: &str = "bytes long where an ECDSA signature by this key's curve is";

/// Why `value` is not an XML-DSig ECDSA signature by `key`: XML-DSig 1.1 §6.4.3 (RFC 4050 §3.3)
/// writes it as r then s, each exactly as long as the curve's field (64 bytes in all for P-256), and
/// libxmlsec1 refuses any other length. bergshamra's ECDSA also takes an ASN.1 DER value, or halves
/// padded to another length (review 51: samlint called `valid` a value every libxmlsec1 SP refuses).
/// For a ds:Signature only: how the Redirect binding's `Signature` parameter encodes an ECDSA value is
/// not written down (OpenSAML and SimpleSAMLphp sign it in DER there).
pub fn wrong_ec_length(method: &str, value: &[u8], key: &Cert) -> Option<String> {
    let (Some(bits), "EC") = (key.info.bits, key.info.key_type.as_str()) else {
        return None;
    };
    let want = 2 * (bits as usize).div_ceil(8);
    (bits > 0 && method.to_ascii_lowercase().contains("ecdsa") && value.len() != want).then(|| {
        format!(
            "the signature value is {} {WRONG_EC_LENGTH} {want}: r then s, {} bytes each",
            value.len(),
            want / 2
        )
    })
}

/// Base64 text as XML-DSig writes it (line breaks and spaces allowed).
pub fn base64(text: &str) -> Option<Vec<u8>> {
    use ::base64::Engine as _;
    let ws = |c: &u8| crate::xml::is_space(*c);
    let b = text.as_bytes();
    // Bytes, not characters: white space is ASCII, and any other byte is left for the decoder to
    // refuse. A value on one line (most) is decoded as it is.
    if !b.iter().any(ws) {
        return ::base64::engine::general_purpose::STANDARD.decode(b).ok();
    }
    let clean: Vec<u8> = b.iter().filter(|c| !ws(c)).copied().collect();
    ::base64::engine::general_purpose::STANDARD
        .decode(clean)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_whitespace_is_normalised_and_positions_map_back() {
        assert!(normalise_attribute_whitespace("<a x='1 2'>\t\r\n<b/></a>").is_none());
        let t = "<a x=\"p\tq\r\ns\" y='\n'><!-- x=\"\t\" --><b z=\"\r\n\r\n\"/>t\r\n</a>";
        let n = normalise_attribute_whitespace(t).unwrap();
        assert_eq!(
            n.text,
            "<a x=\"p q s\" y=' '><!-- x=\"\t\" --><b z=\"  \"/>t\r\n</a>"
        );
        // Every '<' of the new text maps back to a '<' of the original at the same element.
        for (k, _) in n.text.match_indices('<') {
            assert_eq!(&t[n.original(k)..n.original(k) + 2], &n.text[k..k + 2]);
        }
        assert_eq!(n.original(n.text.len()), t.len());
        // A `>` inside a processing instruction does not end it: the quote after it is not an
        // attribute's, and the line feed in the text that follows stays.
        let t = "<?p a>\"?><r x=\"1\">\n<b y='\t'/></r>";
        let n = normalise_attribute_whitespace(t).unwrap();
        assert_eq!(n.text, "<?p a>\"?><r x=\"1\">\n<b y=' '/></r>");
    }
}
