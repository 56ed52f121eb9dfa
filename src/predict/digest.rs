//! The digest xml-crypto computes for a Reference, so that a prediction can quote the library's
//! "calculated digest is …" exactly: the referenced element canonicalised the way the Reference's
//! transforms say (enveloped-signature, then one canonicalization), hashed, base64. Only that shape (the
//! one every IdP uses) is computed; anything else returns `None` and the prediction says it cannot quote
//! the library.

use base64::Engine as _;

/// The base64 digest of the element starting at byte `target` (of `text`) as seen from the signature
/// starting at byte `signature`, with these Reference transforms, digest method and exclusive c14n
/// prefix list.
pub fn reference(
    text: &str,
    content_start: usize,
    signature: usize,
    target: usize,
    transforms: &[String],
    digest_method: &str,
    prefixes: &[String],
) -> Option<String> {
    use bergshamra::c14n::C14nMode;
    use bergshamra::xml::NodeSet;
    let (enveloped, c14n) = match transforms {
        [e, c] if e == ENVELOPED => (true, c.as_str()),
        [c] => (false, c.as_str()),
        _ => return None,
    };
    let mode = C14nMode::from_uri(c14n)?;
    let body = text.get(content_start..)?;
    let doc = bergshamra::xml::uppsala::parse(body).ok()?;
    let at = |start: usize| element_at(&doc, start.checked_sub(content_start)?);
    let (sig, el) = (at(signature)?, at(target)?);
    let mut set = if mode.with_comments() {
        NodeSet::tree_with_comments(el, &doc)
    } else {
        NodeSet::tree_without_comments(el, &doc)
    };
    if enveloped {
        set = set.subtract(&NodeSet::tree_with_comments(sig, &doc));
    }
    let prefixes: Vec<&str> = if mode.is_exclusive() {
        prefixes.iter().map(String::as_str).collect()
    } else {
        Vec::new()
    };
    let bytes = bergshamra::c14n::canonicalize_doc(&doc, mode, Some(&set), &prefixes).ok()?;
    let digest: Vec<u8> = match digest_method {
        "http://www.w3.org/2000/09/xmldsig#sha1" => {
            use sha1::Digest as _;
            sha1::Sha1::digest(&bytes).to_vec()
        }
        "http://www.w3.org/2001/04/xmlenc#sha256" => {
            use sha2::Digest as _;
            sha2::Sha256::digest(&bytes).to_vec()
        }
        "http://www.w3.org/2001/04/xmlenc#sha512" => {
            use sha2::Digest as _;
            sha2::Sha512::digest(&bytes).to_vec()
        }
        _ => return None,
    };
    Some(base64::engine::general_purpose::STANDARD.encode(digest))
}

const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/// The element whose start tag begins at byte `start` of the parsed text.
fn element_at(
    doc: &bergshamra::xml::uppsala::Document<'_>,
    start: usize,
) -> Option<bergshamra::xml::NodeId> {
    let mut stack = vec![doc.document_element()?];
    while let Some(n) = stack.pop() {
        if doc.node_range(n).is_some_and(|r| r.start == start) {
            return Some(n);
        }
        for c in doc.children(n).into_iter().rev() {
            if doc.element(c).is_some() {
                stack.push(c);
            }
        }
    }
    None
}

/// The canonical form of the SignedInfo of the signature starting at byte `signature`, with its
/// CanonicalizationMethod and exclusive prefix list: the bytes a signature value is computed over.
pub fn signed_info(
    text: &str,
    content_start: usize,
    signed_info: usize,
    c14n: &str,
    prefixes: &[String],
) -> Option<Vec<u8>> {
    use bergshamra::c14n::C14nMode;
    use bergshamra::xml::NodeSet;
    let mode = C14nMode::from_uri(c14n)?;
    let body = text.get(content_start..)?;
    let doc = bergshamra::xml::uppsala::parse(body).ok()?;
    let si = element_at(&doc, signed_info.checked_sub(content_start)?)?;
    let set = NodeSet::tree_without_comments(si, &doc);
    let prefixes: Vec<&str> = if mode.is_exclusive() {
        prefixes.iter().map(String::as_str).collect()
    } else {
        Vec::new()
    };
    bergshamra::c14n::canonicalize_doc(&doc, mode, Some(&set), &prefixes).ok()
}

/// HMAC-SHA1 (RFC 2104).
pub fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    use sha1::Digest as _;
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..20].copy_from_slice(&sha1::Sha1::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = sha1::Sha1::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = sha1::Sha1::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn hmac_sha1_rfc2202() {
        // RFC 2202 test case 2.
        let mac = super::hmac_sha1(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }
}
