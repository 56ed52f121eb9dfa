//! Signatures and trust: what is signed, with which key, what exactly failed, and what to change.
//!
//! The signed-content contract (design.md "Decisions"): samlint's own DOM decides what each Reference
//! points at; References other than `""` and `#id` are refused before any verifier runs; a verifier's
//! verdict counts only when the byte ranges it reports for the Signature and its Reference are the ones
//! our parser found; keys inside KeyInfo are never used when trust is configured.

pub mod cert;
pub mod dsig;
#[cfg(feature = "ring")]
pub mod fast;
pub mod protocol;
pub mod rules;
pub mod sign;
pub mod time;
#[cfg(feature = "xmlsec")]
pub mod xmlsec_errors;

use crate::finding::Finding;
use crate::model::{Message, ns};
use crate::source::Span;
use crate::xml::{Document, NodeId};
use cert::{Cert, CertInfo, KeySource};
use dsig::{Crypto, Verifier};
use rules::*;
use serde::Serialize;
use std::collections::HashMap;

/// Which XML-DSig verifier(s) to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifierKind {
    /// Pure Rust (bergshamra): the default build.
    #[default]
    Rust,
    /// libxmlsec1 (cargo feature `xmlsec`).
    Xmlsec,
    /// Both; a disagreement about any signature is itself a finding (SIG017).
    Both,
}

impl VerifierKind {
    /// Is this verifier compiled into this build?
    pub fn available(self) -> bool {
        self == VerifierKind::Rust || cfg!(feature = "xmlsec")
    }
}

/// Analyse with the chosen verifier(s).
pub fn analyse_with(
    kind: VerifierKind,
    doc: &Document,
    m: &Message,
    text: &str,
    trust: &Trust,
    now_ms: i64,
) -> Outcome {
    let rust = dsig::RUST;
    match kind {
        VerifierKind::Rust => analyse(doc, m, text, trust, &rust, now_ms),
        #[cfg(feature = "xmlsec")]
        VerifierKind::Xmlsec => analyse(doc, m, text, trust, &dsig::Xmlsec, now_ms),
        #[cfg(feature = "xmlsec")]
        VerifierKind::Both => {
            let mut a = analyse(doc, m, text, trust, &rust, now_ms);
            let b = analyse(doc, m, text, trust, &dsig::Xmlsec, now_ms);
            let mut disagree = false;
            for (sa, sb) in a.report.signatures.iter().zip(&b.report.signatures) {
                let crypto = |r: &str| matches!(r, "valid" | "invalid");
                if crypto(sa.result) && crypto(sb.result) && sa.result != sb.result {
                    disagree = true;
                    let span = doc
                        .descendants(doc.root)
                        .into_iter()
                        .find(|n| doc.path(*n) == sa.path)
                        .map_or(m.start_tag, |n| doc.name_span(n));
                    a.findings.push(
                        Finding::new(
                            &SIG017,
                            format!(
                                "the Rust verifier says {} and libxmlsec1 says {} ({})",
                                sa.result,
                                sb.result,
                                crate::util::one_line(
                                    sb.detail.as_deref().or(sa.detail.as_deref()).unwrap_or("")
                                )
                            ),
                        )
                        .at(span, &sa.path)
                        .label("verifiers disagree"),
                    );
                }
            }
            if disagree && matches!(a.report.status, Status::Valid | Status::Untrusted) {
                a.report.status = Status::Invalid;
                a.report.cause = Some(cause::DISAGREEMENT);
                a.report.detail = Some("the two verifiers disagree about a signature".into());
            }
            a.report.verifier = "rust+xmlsec";
            a
        }
        #[cfg(not(feature = "xmlsec"))]
        _ => analyse(doc, m, text, trust, &rust, now_ms),
    }
}

/// Trust material from `--idp-cert` / `--idp-metadata`.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub certs: Vec<Cert>,
    /// Expected IdP entity ID (`--idp-entity-id`, or the metadata's entity).
    pub entity_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Valid,
    Invalid,
    Absent,
    Untrusted,
}

/// The `signature` object of the JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub verifier: &'static str,
    pub signatures: Vec<SigReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SigReport {
    /// Path of the ds:Signature element.
    pub path: String,
    /// Path of the element the Reference resolves to (what is signed).
    pub element: Option<String>,
    /// The signed element's ID.
    pub id: Option<String>,
    /// Does this signature cover the Response or an Assertion that samlint lints?
    pub covers_linted_content: bool,
    pub algorithm: Option<String>,
    pub digest: Option<String>,
    pub c14n: Option<String>,
    pub transforms: Vec<String>,
    pub reference: Option<String>,
    /// The key tried.
    pub key: Option<Cert>,
    /// Certificates carried in this signature's own KeyInfo.
    pub keyinfo_certificates: Vec<CertInfo>,
    /// `valid`, `invalid`, or `not-verified` (refused before any verifier ran, or no key to try).
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Causes, as stable strings (JSON `cause`).
pub mod cause {
    pub const NO_SIGNATURE: &str = "no-signature";
    pub const MALFORMED: &str = "malformed";
    pub const MULTIPLE_REFERENCES: &str = "multiple-references";
    pub const UNSUPPORTED_REFERENCE: &str = "unsupported-reference";
    pub const DANGLING_REFERENCE: &str = "dangling-reference";
    pub const DUPLICATE_ID: &str = "duplicate-id";
    pub const WRAPPING: &str = "wrapping";
    pub const UNEXPECTED_SIGNATURE: &str = "unexpected-signature";
    pub const FORBIDDEN_ALGORITHM: &str = "forbidden-algorithm";
    pub const UNSUPPORTED_ALGORITHM: &str = "unsupported-algorithm";
    pub const UNSAFE_TRANSFORM: &str = "unsafe-transform";
    pub const DIGEST_MISMATCH: &str = "digest-mismatch";
    pub const WRONG_KEY: &str = "wrong-key";
    pub const BAD_SIGNATURE_VALUE: &str = "bad-signature-value";
    pub const NO_KEY: &str = "no-key";
    pub const DISAGREEMENT: &str = "verifier-disagreement";
    pub const VERIFIER_ERROR: &str = "verifier-error";
    pub const NOT_COVERING: &str = "not-covering";
    pub const PARTIAL: &str = "partially-covered";
    pub const ENCRYPTED: &str = "encrypted";
    pub const AMBIGUOUS_BINDING: &str = "ambiguous-binding";
}

const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const SAFE_TRANSFORMS: [&str; 7] = [
    ENVELOPED,
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
    "http://www.w3.org/2006/12/xml-c14n11#WithComments",
];

/// How acceptable a signature or digest algorithm URI is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlgClass {
    Good,
    /// SHA-1: verifies, but deprecated.
    Weak,
    /// MD5, DSA, HMAC: never acceptable for an IdP's signature.
    Forbidden,
    Unknown,
}

pub fn classify_signature_method(uri: &str) -> AlgClass {
    let u = uri.to_ascii_lowercase();
    if u.contains("hmac") || u.contains("dsa-") && !u.contains("ecdsa") || u.contains("md5") {
        return AlgClass::Forbidden;
    }
    match uri {
        "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1" => AlgClass::Weak,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
        | "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"
        | "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512"
        | "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1"
        | "http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1"
        | "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1" => AlgClass::Good,
        _ => AlgClass::Unknown,
    }
}

pub fn classify_digest_method(uri: &str) -> AlgClass {
    match uri {
        "http://www.w3.org/2000/09/xmldsig#sha1" => AlgClass::Weak,
        "http://www.w3.org/2001/04/xmlenc#sha256"
        | "http://www.w3.org/2001/04/xmldsig-more#sha384"
        | "http://www.w3.org/2001/04/xmlenc#sha512"
        | "http://www.w3.org/2001/04/xmldsig-more#sha224" => AlgClass::Good,
        u if u.to_ascii_lowercase().contains("md5") => AlgClass::Forbidden,
        _ => AlgClass::Unknown,
    }
}

/// The outcome for one message.
#[derive(Debug)]
pub struct Outcome {
    pub report: Report,
    pub findings: Vec<Finding>,
}

struct SigWork {
    node: NodeId,
    parent: Option<NodeId>,
    target: Option<NodeId>,
    refused: Option<(&'static str, String)>,
    report: SigReport,
    keyinfo_ders: Vec<Vec<u8>>,
}

fn text_of(doc: &Document, id: NodeId) -> String {
    doc.node(id)
        .children
        .iter()
        .filter_map(|c| match &doc.node(*c).kind {
            crate::xml::NodeKind::Text { value } | crate::xml::NodeKind::CData { value } => {
                Some(value.as_str())
            }
            _ => None,
        })
        .collect()
}

/// Is `a` inside a saml:Advice of `outer`?
fn in_advice_of(doc: &Document, a: NodeId, linted: &[NodeId]) -> bool {
    let mut cur = doc.node(a).parent;
    let mut saw_advice = false;
    while let Some(p) = cur {
        if doc.is(p, ns::SAML, "Advice") {
            saw_advice = true;
        }
        if saw_advice && linted.contains(&p) {
            return true;
        }
        cur = doc.node(p).parent;
    }
    false
}

/// Analyse every signature of a message. `text` is the decoded message; `verifier` checks the crypto.
pub fn analyse(
    doc: &Document,
    m: &Message,
    text: &str,
    trust: &Trust,
    verifier: &dyn Verifier,
    now_ms: i64,
) -> Outcome {
    let mut findings = Vec::new();
    let root = doc.root;
    let linted: Vec<NodeId> = std::iter::once(root)
        .chain(m.assertions.iter().map(|a| a.node))
        .collect();
    let all = doc.descendants(root);
    let sig_nodes: Vec<NodeId> = all
        .iter()
        .copied()
        .filter(|n| doc.is(*n, ns::DS, "Signature"))
        .collect();
    let advice_assertions: Vec<NodeId> = all
        .iter()
        .copied()
        .filter(|n| doc.is(*n, ns::SAML, "Assertion") && in_advice_of(doc, *n, &linted))
        .collect();

    // ID map (SAML's ID attribute), and the lowercase variants some toolkits sign through.
    let mut ids: HashMap<&str, Vec<NodeId>> = HashMap::new();
    let mut other_ids: HashMap<&str, Vec<NodeId>> = HashMap::new();
    for n in std::iter::once(root).chain(all.iter().copied()) {
        if let Some(a) = doc.attr(n, "ID") {
            ids.entry(a.value.as_str()).or_default().push(n);
        }
        for alt in ["Id", "id"] {
            if let Some(a) = doc.attr(n, alt) {
                other_ids.entry(a.value.as_str()).or_default().push(n);
            }
        }
    }
    for (id, nodes) in &ids {
        if nodes.len() > 1 {
            let second = nodes[1];
            findings.push(
                Finding::new(
                    &SIG005,
                    format!(
                        "ID \"{}\" is used by {} elements; a Reference to it is ambiguous",
                        crate::util::one_line(id),
                        nodes.len()
                    ),
                )
                .at(doc.name_span(second), doc.path(second))
                .label("second element with this ID"),
            );
        }
    }

    let mut work: Vec<SigWork> = Vec::new();
    let mut doc_refused: Option<(&'static str, String)> = None;
    for &s in &sig_nodes {
        let sm = m_signature(doc, s);
        let parent = doc.node(s).parent;
        let mut report = SigReport {
            path: doc.path(s),
            element: None,
            id: None,
            covers_linted_content: false,
            algorithm: sm.signature_method.clone(),
            digest: sm.digest_method.clone(),
            c14n: sm.c14n.clone(),
            transforms: sm.transforms.clone(),
            reference: sm.uris.first().cloned().flatten(),
            key: None,
            keyinfo_certificates: Vec::new(),
            result: "not-verified",
            cause: None,
            detail: None,
        };
        let keyinfo_ders: Vec<Vec<u8>> = sm
            .keyinfo_certs
            .iter()
            .filter_map(|b| cert::keyinfo_cert_der(b))
            .collect();
        // Signatures inside an Advice assertion are verified but are not what samlint lints: the
        // one-Reference-to-its-own-element rules apply to signatures on linted content.
        let in_advice = parent.is_some_and(|p| advice_assertions.contains(&p));
        report.keyinfo_certificates = keyinfo_ders
            .iter()
            .filter_map(|d| cert::info(d).ok())
            .collect();
        let mut refused: Option<(&'static str, String)> = None;
        let mut target = None;
        let sig_span = doc.name_span(s);
        let sig_path = report.path.clone();
        if !sm.has_signed_info
            || sm.uris.is_empty()
            || !sm.has_signature_value
            || sm.signature_method.is_none()
        {
            let missing: Vec<&str> = [
                (!sm.has_signed_info, "SignedInfo"),
                (sm.has_signed_info && sm.uris.is_empty(), "Reference"),
                (sm.signature_method.is_none(), "SignatureMethod"),
                (!sm.has_signature_value, "SignatureValue"),
            ]
            .iter()
            .filter(|(b, _)| *b)
            .map(|(_, n)| *n)
            .collect();
            let msg = format!("the signature lacks {}", missing.join(", "));
            findings.push(
                Finding::new(&SIG001, msg.clone())
                    .at(sig_span, &sig_path)
                    .label("incomplete ds:Signature"),
            );
            refused = Some((cause::MALFORMED, msg));
        } else if sm.uris.len() > 1 && !in_advice {
            let msg = format!(
                "the signature has {} References; a SAML signature has exactly one, to its own element",
                sm.uris.len()
            );
            findings.push(
                Finding::new(&SIG015, msg.clone())
                    .at(sig_span, &sig_path)
                    .label("several References"),
            );
            refused = Some((cause::MULTIPLE_REFERENCES, msg));
        } else {
            let uri = sm.uris[0].clone().unwrap_or_default();
            let uri_span = sm.uri_spans.first().copied().flatten().unwrap_or(sig_span);
            if uri.is_empty() {
                target = Some(root);
            } else if let Some(id) = uri
                .strip_prefix('#')
                .filter(|id| !id.is_empty() && !id.contains(['(', ')', '/', ' ']))
            {
                match ids.get(id).map(Vec::as_slice) {
                    Some([one]) => target = Some(*one),
                    Some(many) if many.len() > 1 => {
                        refused = Some((
                            cause::DUPLICATE_ID,
                            format!("the Reference #{id} matches {} elements", many.len()),
                        ));
                    }
                    _ => match other_ids.get(id).map(Vec::as_slice) {
                        Some([one]) => {
                            // Signed through a non-SAML `Id` attribute: covers that element only.
                            target = Some(*one);
                        }
                        _ => {
                            let msg = format!(
                                "the Reference #{} points at no element",
                                crate::util::one_line(id)
                            );
                            findings.push(
                                Finding::new(&SIG001, msg.clone())
                                    .at(uri_span, &sig_path)
                                    .label("dangling Reference"),
                            );
                            refused = Some((cause::DANGLING_REFERENCE, msg));
                        }
                    },
                }
            } else {
                let msg = format!(
                    "Reference URI \"{}\" is neither \"\" nor \"#ID\"; samlint never dereferences anything else (XPointer, files, URLs)",
                    crate::util::one_line(&uri)
                );
                findings.push(
                    Finding::new(&SIG008, msg.clone())
                        .at(uri_span, &sig_path)
                        .label("refused Reference"),
                );
                refused = Some((cause::UNSUPPORTED_REFERENCE, msg.clone()));
                doc_refused.get_or_insert((cause::UNSUPPORTED_REFERENCE, msg));
            }
            // Transforms.
            let unsafe_t: Vec<&String> = sm
                .transforms
                .iter()
                .filter(|t| !SAFE_TRANSFORMS.contains(&t.as_str()))
                .collect();
            if !unsafe_t.is_empty() {
                let msg = format!(
                    "transform {} is not allowed in a SAML signature (XPath/XSLT can exclude content from what is signed)",
                    crate::util::one_line(unsafe_t[0])
                );
                findings.push(
                    Finding::new(&SIG012, msg.clone())
                        .at(sm.transforms_span.unwrap_or(sig_span), &sig_path)
                        .label("transform"),
                );
                refused.get_or_insert((cause::UNSAFE_TRANSFORM, msg.clone()));
                doc_refused.get_or_insert((cause::UNSAFE_TRANSFORM, msg));
            } else if sm.transforms.len() > 2 {
                let msg = format!(
                    "{} transforms; a SAML signature uses enveloped-signature plus one canonicalization",
                    sm.transforms.len()
                );
                findings.push(
                    Finding::new(&SIG012, msg.clone())
                        .at(sm.transforms_span.unwrap_or(sig_span), &sig_path)
                        .label("transforms"),
                );
                refused.get_or_insert((cause::UNSAFE_TRANSFORM, msg));
            }
            if sm
                .transforms
                .iter()
                .chain(sm.c14n.iter())
                .any(|t| t.ends_with("#WithComments"))
            {
                findings.push(
                    Finding::new(
                        &SIG013,
                        "canonicalization #WithComments: comments become part of what is signed",
                    )
                    .at(sm.c14n_span.unwrap_or(sig_span), &sig_path)
                    .label("WithComments"),
                );
            }
        }
        // Algorithms.
        // Algorithms: one finding per signature for SHA-1 (method and/or digest), one per bad algorithm.
        let sig_class = sm
            .signature_method
            .as_deref()
            .map(classify_signature_method);
        let dig_class = sm.digest_method.as_deref().map(classify_digest_method);
        if let (Some(alg), Some(AlgClass::Forbidden)) = (&sm.signature_method, sig_class) {
            let msg = format!(
                "signature algorithm {} is not acceptable for an IdP signature",
                crate::util::one_line(alg)
            );
            findings.push(
                Finding::new(&SIG007, msg.clone())
                    .at(sm.sig_method_span.unwrap_or(sig_span), &sig_path)
                    .label("algorithm"),
            );
            refused.get_or_insert((cause::FORBIDDEN_ALGORITHM, msg));
        }
        if let (Some(alg), Some(AlgClass::Unknown)) = (&sm.signature_method, sig_class) {
            findings.push(
                Finding::new(
                    &SIG007,
                    format!(
                        "signature algorithm {} is not a standard XML-DSig URI",
                        crate::util::one_line(alg)
                    ),
                )
                .at(sm.sig_method_span.unwrap_or(sig_span), &sig_path)
                .label("unknown algorithm"),
            );
        }
        if let (Some(dg), Some(AlgClass::Forbidden | AlgClass::Unknown)) =
            (&sm.digest_method, dig_class)
        {
            let msg = format!(
                "digest algorithm {} is not acceptable",
                crate::util::one_line(dg)
            );
            findings.push(
                Finding::new(&SIG007, msg)
                    .at(sm.digest_span.unwrap_or(sig_span), &sig_path)
                    .label("digest"),
            );
        }
        let weak_sig = sig_class == Some(AlgClass::Weak);
        let weak_dig = dig_class == Some(AlgClass::Weak);
        if weak_sig || weak_dig {
            let what = match (weak_sig, weak_dig) {
                (true, true) => "signature (rsa-sha1) and digest (sha1) use SHA-1",
                (true, false) => "the signature algorithm uses SHA-1",
                _ => "the digest algorithm is SHA-1",
            };
            let span = if weak_sig {
                sm.sig_method_span
            } else {
                sm.digest_span
            };
            findings.push(
                Finding::new(&SIG006, what)
                    .at(span.unwrap_or(sig_span), &sig_path)
                    .label("SHA-1"),
            );
        }
        if sm.objects > 0 {
            findings.push(
                Finding::new(&SIG014, "ds:Object inside the signature: content that is carried but never part of the signed element")
                    .at(sig_span, &sig_path)
                    .label("ds:Object"),
            );
        }
        if let Some(t) = target {
            report.element = Some(doc.path(t));
            report.id = doc
                .attr(t, "ID")
                .or_else(|| doc.attr(t, "Id"))
                .map(|a| a.value.clone());
            // Enveloped: the Reference must resolve to the Signature's own parent (URI="" signs the whole
            // document, which contains it).
            let whole_document = sm
                .uris
                .first()
                .is_some_and(|u| u.as_deref().unwrap_or("").is_empty());
            if Some(t) != parent && !whole_document && refused.is_none() {
                let msg = format!(
                    "the signature sits in {} but its Reference points at {}: the signed element is not the one it travels with",
                    parent.map(|p| doc.path(p)).unwrap_or_default(),
                    doc.path(t)
                );
                findings.push(
                    Finding::new(&SIG005, msg.clone())
                        .at(
                            sm.uri_spans.first().copied().flatten().unwrap_or(sig_span),
                            &sig_path,
                        )
                        .label("Reference"),
                );
                refused = Some((cause::WRAPPING, msg));
            }
        }
        let allowed_parent =
            parent.is_some_and(|p| linted.contains(&p) || advice_assertions.contains(&p));
        if !allowed_parent && refused.is_none() {
            let msg = format!(
                "a signature on {}, which is neither the Response nor one of its assertions",
                parent.map(|p| doc.path(p)).unwrap_or_default()
            );
            findings.push(
                Finding::new(&SIG005, msg.clone())
                    .at(sig_span, &sig_path)
                    .label("signature on an unexpected element"),
            );
            refused = Some((cause::UNEXPECTED_SIGNATURE, msg));
        }
        if let Some(p) = parent {
            report.covers_linted_content = target == Some(p) && linted.contains(&p);
        }
        work.push(SigWork {
            node: s,
            parent,
            target,
            refused,
            report,
            keyinfo_ders,
        });
    }

    // Assertions hidden outside the places samlint lints (wrapping), Advice excepted.
    let hidden: Vec<NodeId> = all
        .iter()
        .copied()
        .filter(|n| {
            doc.is(*n, ns::SAML, "Assertion")
                && !linted.contains(n)
                && !advice_assertions.contains(n)
        })
        .collect();
    for &h in &hidden {
        findings.push(
            Finding::new(
                &SIG005,
                "an Assertion outside the Response's own assertions (signature-wrapping shape)",
            )
            .at(doc.name_span(h), doc.path(h))
            .label("hidden assertion"),
        );
    }

    // Crypto.
    let content_start = doc.content_start;
    let body = text.get(content_start..).unwrap_or(text);
    let trusted = !trust.certs.is_empty();
    let keys: Vec<Cert> = if trusted {
        trust.certs.clone()
    } else {
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let mut out = Vec::new();
        for w in &work {
            for der in &w.keyinfo_ders {
                if !seen.contains(der)
                    && let Ok(info) = cert::info(der)
                {
                    seen.push(der.clone());
                    out.push(Cert {
                        der: der.clone(),
                        source: KeySource::KeyInfo,
                        origin: "KeyInfo".into(),
                        info,
                    });
                }
            }
        }
        out
    };
    let mut doc_error: Option<(&'static str, String)> = doc_refused.clone();
    let mut runs: Vec<(usize, Vec<Crypto>)> = Vec::new();
    if doc_error.is_none() && !work.is_empty() {
        for (ki, k) in keys.iter().enumerate() {
            match verifier.verify_all(body, k) {
                Ok(r) if r.len() == work.len() => runs.push((ki, r)),
                Ok(r) => {
                    doc_error = Some((
                        cause::DISAGREEMENT,
                        format!(
                            "the verifier saw {} signatures where samlint's parser sees {}",
                            r.len(),
                            work.len()
                        ),
                    ));
                    break;
                }
                Err(e) => {
                    let c = if e.to_lowercase().contains("duplicate id") {
                        cause::DUPLICATE_ID
                    } else {
                        cause::VERIFIER_ERROR
                    };
                    doc_error = Some((c, e));
                    break;
                }
            }
        }
    }
    for (i, w) in work.iter_mut().enumerate() {
        // Refusals that keep the verifier away from this signature. Wrapping-shaped ones (the signature
        // is intact but in the wrong place) still get a crypto result: the two layers are reported apart.
        if let Some((c, d)) = &w.refused
            && *c != cause::WRAPPING
            && *c != cause::UNEXPECTED_SIGNATURE
        {
            w.report.cause = Some(c);
            w.report.detail = Some(d.clone());
            continue;
        }
        if let Some((c, d)) = &doc_error {
            w.report.cause = Some(c);
            w.report.detail = Some(d.clone());
            continue;
        }
        // Which keys to try for this signature: every trusted key, or its own KeyInfo certificate.
        let candidates: Vec<usize> = if trusted {
            (0..keys.len()).collect()
        } else {
            keys.iter()
                .enumerate()
                .filter(|(_, k)| w.keyinfo_ders.contains(&k.der))
                .map(|(i, _)| i)
                .take(1)
                .collect()
        };
        if candidates.is_empty() {
            w.report.cause = Some(cause::NO_KEY);
            w.report.detail = Some("no --idp-cert or --idp-metadata was given and the signature carries no certificate".into());
            continue;
        }
        let mut first_failure: Option<(usize, String)> = None;
        let mut ok: Option<(usize, &Crypto)> = None;
        for ki in candidates {
            let Some((_, res)) = runs.iter().find(|(k, _)| *k == ki) else {
                continue;
            };
            match res.get(i) {
                Some(c @ Crypto::Valid { .. }) => {
                    ok = Some((ki, c));
                    break;
                }
                Some(Crypto::Invalid(reason)) => {
                    first_failure.get_or_insert((ki, reason.clone()));
                }
                None => {}
            }
        }
        match ok {
            Some((
                ki,
                Crypto::Valid {
                    signature,
                    references,
                },
            )) => {
                w.report.key = Some(keys[ki].clone());
                // Cross-check the verifier's view of the document with ours.
                let ours_sig = doc.node(w.node).span.start;
                let theirs_sig = signature.as_ref().map(|r| r.start + content_start);
                let ours_ref = w.target.map(|t| doc.node(t).span.start);
                let first = references.first().cloned();
                let theirs_ref = first
                    .clone()
                    .and_then(|(_, r)| r)
                    .map(|r| r.start + content_start);
                let digest_ok = first.as_ref().is_some_and(|(ok, _)| *ok);
                let ref_ok = digest_ok
                    && match (ours_ref, theirs_ref) {
                        (Some(o), Some(t)) => o == t || (w.target == Some(root) && t <= o),
                        // The whole document (URI=""): the verifier names no node.
                        (Some(_), None) => w.target == Some(root),
                        _ => false,
                    };
                if verifier.reports_positions() && (theirs_sig != Some(ours_sig) || !ref_ok) {
                    w.report.cause = Some(cause::DISAGREEMENT);
                    w.report.detail = Some(format!(
                        "the verifier validated a signature at byte {:?} over bytes {:?}, but samlint's parser has this signature at {} over {:?}",
                        theirs_sig, theirs_ref, ours_sig, ours_ref
                    ));
                } else {
                    w.report.result = "valid";
                }
            }
            _ => {
                let (ki, reason) = first_failure.unwrap_or((0, "no result".into()));
                w.report.key = keys.get(ki).cloned();
                let lower = reason.to_lowercase();
                let c = if lower.contains("unsupported") {
                    cause::UNSUPPORTED_ALGORITHM
                } else if lower.contains("digest") {
                    cause::DIGEST_MISMATCH
                } else if lower.contains("signature value") || lower.contains("verification failed")
                {
                    if trusted {
                        cause::WRONG_KEY
                    } else {
                        cause::BAD_SIGNATURE_VALUE
                    }
                } else {
                    cause::VERIFIER_ERROR
                };
                // A verifier that could not process the signature gave no crypto verdict.
                w.report.result = if c == cause::VERIFIER_ERROR {
                    "not-verified"
                } else {
                    "invalid"
                };
                w.report.cause = Some(c);
                w.report.detail = Some(reason);
            }
        }
        // Acceptance: a refusal outranks whatever the crypto said.
        if let Some((c, d)) = &w.refused {
            w.report.cause = Some(c);
            w.report.detail = Some(d.clone());
        }
    }

    // Per-signature findings for crypto failures and key facts (each key's facts once per message).
    let mut keys_reported: Vec<String> = Vec::new();
    for w in &work {
        let span = doc.name_span(w.node);
        let path = &w.report.path;
        // Refused signatures already have their finding; crypto findings are for the others.
        let verdict = if w.refused.is_some() {
            ("refused", None)
        } else {
            (w.report.result, w.report.cause)
        };
        match verdict {
            (_, Some(cause::VERIFIER_ERROR))
                if w.parent.is_some_and(|p| advice_assertions.contains(&p)) =>
            {
                let mut f = Finding::new(
                    &SIG001,
                    format!(
                        "a signature inside Advice was not verified: {}",
                        crate::util::one_line(w.report.detail.as_deref().unwrap_or(""))
                    ),
                )
                .at(span, path)
                .label("signature in Advice");
                f.severity = crate::finding::Severity::Warning;
                findings.push(f);
            }
            ("invalid", Some(c)) => {
                let (msg, help) = explain_failure(c, trusted, w);
                findings.push(
                    Finding::new(&SIG001, msg)
                        .at(span, path)
                        .label("this signature")
                        .help(help),
                );
            }
            ("not-verified", Some(c))
                if c == cause::DISAGREEMENT
                    || c == cause::VERIFIER_ERROR
                    || c == cause::NO_KEY
                    || c == cause::DUPLICATE_ID =>
            {
                let detail = w.report.detail.clone().unwrap_or_default();
                let rule = if c == cause::DISAGREEMENT {
                    &SIG017
                } else {
                    &SIG001
                };
                findings.push(
                    Finding::new(
                        rule,
                        format!("signature not verified: {}", crate::util::one_line(&detail)),
                    )
                    .at(span, path)
                    .label("this signature"),
                );
            }
            _ => {}
        }
        if w.report.result == "valid"
            && w.refused.is_none()
            && let Some(k) = &w.report.key
        {
            {
                if !keys_reported.contains(&k.info.sha256) {
                    keys_reported.push(k.info.sha256.clone());
                    key_findings(k, now_ms, span, path, &mut findings);
                }
                // KeyInfo carries a different certificate than the one configured (once per pair).
                let pair = format!(
                    "{}>{:?}",
                    k.info.sha256,
                    w.keyinfo_ders.first().map(|d| d.len())
                );
                if trusted
                    && !w.keyinfo_ders.is_empty()
                    && !w.keyinfo_ders.contains(&k.der)
                    && !keys_reported.contains(&pair)
                {
                    keys_reported.push(pair);
                    let same_key = w
                        .report
                        .keyinfo_certificates
                        .iter()
                        .any(|c| c.spki_sha256 == k.info.spki_sha256);
                    let ki = w.report.keyinfo_certificates.first();
                    let msg = format!(
                        "the signature verifies with the configured certificate ({}), but its KeyInfo carries another certificate{} ({}){}",
                        k.info.sha1,
                        if same_key { " over the same key" } else { "" },
                        ki.map(|c| c.sha1.as_str()).unwrap_or("unreadable"),
                        if same_key {
                            ""
                        } else {
                            " that did not sign it"
                        }
                    );
                    findings.push(
                        Finding::new(&SIG004, msg)
                            .at(span, path)
                            .label("KeyInfo certificate differs"),
                    );
                }
            }
        }
    }

    // Message status.
    let required: Vec<NodeId> = if m.assertions.is_empty() && m.encrypted_assertions.is_empty() {
        vec![root]
    } else {
        m.assertions.iter().map(|a| a.node).collect()
    };
    // URI="" signs the whole document wherever the signature sits.
    let acceptable = |w: &SigWork| {
        w.report.result == "valid"
            && w.refused.is_none()
            && (w.target == w.parent || w.target == Some(root))
    };
    let root_covered = work.iter().any(|w| acceptable(w) && w.target == Some(root));
    let covered =
        |n: NodeId| root_covered || work.iter().any(|w| acceptable(w) && w.parent == Some(n));
    let all_covered =
        required.iter().all(|n| covered(*n)) && (m.encrypted_assertions.is_empty() || root_covered);
    let any_covered = root_covered || required.iter().any(|n| covered(*n));
    // A verifier's policy refusal of a signature inside Advice (content samlint does not lint) is
    // reported but does not decide the verdict; a digest or signature failure there still does.
    let advice_policy = |w: &SigWork| {
        w.parent.is_some_and(|p| advice_assertions.contains(&p))
            && w.report.cause == Some(cause::VERIFIER_ERROR)
    };
    let problem = work
        .iter()
        .find(|w| (w.report.result != "valid" || w.refused.is_some()) && !advice_policy(w))
        .map(|w| {
            (
                w.report.cause.unwrap_or(cause::VERIFIER_ERROR),
                w.report.detail.clone(),
            )
        });
    let dup = ids.values().any(|v| v.len() > 1);
    // Several signatures on one element: no IdP does that; two References to one ID is a wrapping shape.
    let mut doubled: Vec<(String, usize)> = Vec::new();
    for w in &work {
        if let Some(p) = w.parent {
            let n = work.iter().filter(|x| x.parent == Some(p)).count();
            if n > 1 && !doubled.iter().any(|(e, _)| *e == doc.path(p)) {
                doubled.push((doc.path(p), n));
                findings.push(
                    Finding::new(
                        &SIG005,
                        format!(
                            "{} carries {n} signatures; an element has at most one",
                            doc.path(p)
                        ),
                    )
                    .at(doc.name_span(w.node), &w.report.path)
                    .label("one of several signatures here"),
                );
            }
        }
    }
    let (status, c, detail): (Status, Option<&'static str>, Option<String>) = if work.is_empty() {
        let detail = (!m.encrypted_assertions.is_empty())
            .then(|| "the assertion is encrypted; a signature inside it cannot be checked without the SP's private key".to_string());
        (
            Status::Absent,
            Some(if detail.is_some() {
                cause::ENCRYPTED
            } else {
                cause::NO_SIGNATURE
            }),
            detail,
        )
    } else if dup {
        // Structural wrapping first: it is the security-relevant cause even when a signature also fails.
        (
            Status::Invalid,
            Some(cause::DUPLICATE_ID),
            Some("an ID is used by more than one element".into()),
        )
    } else if !hidden.is_empty() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some("an Assertion is hidden outside the Response's own assertions".into()),
        )
    } else if let Some((el, n)) = doubled.first() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(format!("{el} carries {n} signatures")),
        )
    } else if m.assertions.len() + m.encrypted_assertions.len() > 1 {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some("the Response carries more than one assertion".into()),
        )
    } else if let Some((c, d)) = problem {
        (Status::Invalid, Some(c), d)
    } else if !any_covered {
        (
            Status::Absent,
            Some(cause::NOT_COVERING),
            Some("no signature covers the Response or its assertions".into()),
        )
    } else if !all_covered {
        (
            Status::Invalid,
            Some(cause::PARTIAL),
            Some("some of the content samlint lints is not covered by a signature".into()),
        )
    } else if trusted {
        (Status::Valid, None, None)
    } else {
        (Status::Untrusted, None, None)
    };

    let root_path = format!("/{}", m.root_name);
    match status {
        Status::Absent => {
            let msg = match c {
                Some(cause::ENCRYPTED) => format!("nothing verifiable is signed: the {} carries no signature outside its EncryptedAssertion", m.kind.as_str()),
                Some(cause::NOT_COVERING) => format!("no signature covers the {} or its assertions", m.kind.as_str()),
                _ => format!("the {} is not signed, nor is any assertion in it", m.kind.as_str()),
            };
            findings.push(Finding::new(&SIG002, msg).at(doc.name_span(root), &root_path).label("unsigned"));
        }
        Status::Untrusted => findings.push(
            Finding::new(&SIG003, "the signature verifies only with the certificate the message carries itself: this proves integrity, not who signed it")
                .at(doc.name_span(root), &root_path)
                .label("verified with its own KeyInfo certificate"),
        ),
        Status::Invalid if c == Some(cause::PARTIAL) => {
            for n in &required {
                if !covered(*n) {
                    findings.push(
                        Finding::new(&SIG002, "this assertion is not covered by any valid signature").at(doc.name_span(*n), doc.path(*n)).label("unsigned"),
                    );
                }
            }
        }
        _ => {}
    }
    // Response signed but Assertion not: fine for Cloud, not for Data Center.
    if status == Status::Valid || status == Status::Untrusted {
        for a in &m.assertions {
            if root_covered
                && !work
                    .iter()
                    .any(|w| acceptable(w) && w.parent == Some(a.node))
            {
                findings.push(
                    Finding::new(&SIG016, "the Response is signed but the Assertion is not")
                        .at(a.start_tag, &a.path)
                        .label("unsigned assertion in a signed response"),
                );
            }
        }
    }
    // Assertion signed but not the Response: the protocol-level fields ride unsigned.
    if matches!(status, Status::Valid | Status::Untrusted)
        && !root_covered
        && m.kind == crate::model::MessageKind::Response
    {
        findings.push(
            Finding::new(&SIG019, "the Assertion is signed but the Response is not: Destination, InResponseTo and Status are not covered")
                .at(doc.name_span(root), &root_path)
                .label("unsigned Response"),
        );
    }
    // Comment / CDATA splitting inside values the SP reads (the comment-truncation family).
    split_text_findings(m, &mut findings);

    let report = Report {
        status,
        cause: c,
        detail,
        verifier: verifier.name(),
        signatures: work.into_iter().map(|w| w.report).collect(),
    };
    Outcome { report, findings }
}

fn explain_failure(c: &'static str, trusted: bool, w: &SigWork) -> (String, String) {
    let detail = crate::util::one_line(w.report.detail.as_deref().unwrap_or(""));
    let key = w
        .report
        .key
        .as_ref()
        .map(|k| format!("{} (SHA-1 {})", k.info.subject, k.info.sha1))
        .unwrap_or_default();
    match c {
        cause::DIGEST_MISMATCH => (
            format!("digest mismatch: the signed content was changed after it was signed ({detail})"),
            "something rewrote the message after the IdP signed it (a proxy, a copy-paste that reformatted it, or an attack); capture it again unmodified".into(),
        ),
        cause::WRONG_KEY if trusted => (
            format!("the signature does not verify with the configured certificate {key}"),
            "the certificate given to the SP is not the one the IdP signs with: in Keycloak take the realm's active RSA certificate (Realm settings › Keys), not the client's own certificate, and paste it into Atlassian again".into(),
        ),
        cause::BAD_SIGNATURE_VALUE => (
            format!("the signature value does not verify with the certificate in its own KeyInfo ({detail})"),
            "the message was altered or signed with a different key than the certificate it carries".into(),
        ),
        cause::UNSUPPORTED_ALGORITHM => (
            format!("the verifier does not support this signature's algorithms ({detail})"),
            "configure the IdP to sign with RSA-SHA256 and digest SHA-256".into(),
        ),
        _ => (format!("the signature does not verify ({detail})"), "see the signature section of `samlint check --format json`".into()),
    }
}

fn key_findings(k: &Cert, now_ms: i64, span: Span, path: &str, findings: &mut Vec<Finding>) {
    let i = &k.info;
    if i.key_type == "RSA" && i.bits.is_some_and(|b| b < 2048) {
        findings.push(
            Finding::new(
                &SIG009,
                format!(
                    "the signing key is RSA-{}; 2048 bits is the minimum",
                    i.bits.unwrap_or(0)
                ),
            )
            .at(span, path)
            .label("short key"),
        );
    }
    let unconfirmed = " (SPs that pin the key, such as Shibboleth and python3-saml, ignore certificate dates; whether Atlassian does is unconfirmed)";
    if now_ms > i.not_after_ms {
        findings.push(
            Finding::new(
                &SIG010,
                format!(
                    "the signing certificate {} expired on {}{unconfirmed}",
                    i.sha1, i.not_after
                ),
            )
            .at(span, path)
            .label("expired certificate"),
        );
    } else if now_ms < i.not_before_ms {
        findings.push(
            Finding::new(
                &SIG010,
                format!(
                    "the signing certificate {} is not valid before {}{unconfirmed}",
                    i.sha1, i.not_before
                ),
            )
            .at(span, path)
            .label("certificate not yet valid"),
        );
    } else if i.not_after_ms - now_ms < 30 * 86_400_000 {
        findings.push(
            Finding::new(
                &SIG018,
                format!(
                    "the signing certificate {} expires on {}",
                    i.sha1, i.not_after
                ),
            )
            .at(span, path)
            .label("expiring soon"),
        );
    }
}

fn split_text_findings(m: &Message, findings: &mut Vec<Finding>) {
    for a in &m.assertions {
        if let Some(n) = a.subject.as_ref().and_then(|s| s.name_id.as_ref())
            && (n.value.is_split() || n.value.cdata > 0 || n.value.child_elements > 0)
        {
            findings.push(
                Finding::new(
                    &SIG011,
                    format!(
                        "the NameID is split by a comment, CDATA or markup: it reads \"{}\" in full, but \"{}\" to a parser that stops at the first text node",
                        crate::util::one_line(&n.value.value),
                        crate::util::one_line(&n.value.first_node)
                    ),
                )
                .at(n.value.span, format!("{}/Subject/NameID", a.path))
                .label("split value"),
            );
        }
        for at in &a.attributes {
            for v in &at.values {
                if v.value.is_split() || v.value.cdata > 0 {
                    findings.push(
                        Finding::new(&SIG011, format!(
                            "attribute value is split by a comment or CDATA: \"{}\" in full, \"{}\" to a parser that stops at the first text node",
                            crate::util::one_line(&v.value.value),
                            crate::util::one_line(&v.value.first_node)
                        ))
                        .at(v.value.span, format!("{}/AttributeStatement/Attribute", a.path))
                        .label("split value"),
                    );
                }
            }
        }
    }
}

/// What samlint reads from one ds:Signature, with spans for findings.
struct SigModel {
    has_signed_info: bool,
    has_signature_value: bool,
    signature_method: Option<String>,
    sig_method_span: Option<Span>,
    c14n: Option<String>,
    c14n_span: Option<Span>,
    uris: Vec<Option<String>>,
    uri_spans: Vec<Option<Span>>,
    transforms: Vec<String>,
    transforms_span: Option<Span>,
    digest_method: Option<String>,
    digest_span: Option<Span>,
    keyinfo_certs: Vec<String>,
    objects: usize,
}

fn m_signature(doc: &Document, s: NodeId) -> SigModel {
    let si = doc.first_child(s, ns::DS, "SignedInfo");
    let alg = |n: Option<NodeId>| {
        n.and_then(|n| doc.attr(n, "Algorithm"))
            .map(|a| (a.value.clone(), a.value_span))
    };
    let sm = alg(si.and_then(|si| doc.first_child(si, ns::DS, "SignatureMethod")));
    let c14n = alg(si.and_then(|si| doc.first_child(si, ns::DS, "CanonicalizationMethod")));
    let refs: Vec<NodeId> = si
        .map(|si| doc.children_named(si, ns::DS, "Reference").collect())
        .unwrap_or_default();
    let first = refs.first().copied();
    let tnode = first.and_then(|r| doc.first_child(r, ns::DS, "Transforms"));
    let transforms: Vec<String> = tnode
        .map(|t| {
            doc.children_named(t, ns::DS, "Transform")
                .filter_map(|x| doc.attr(x, "Algorithm").map(|a| a.value.clone()))
                .collect()
        })
        .unwrap_or_default();
    let dm = alg(first.and_then(|r| doc.first_child(r, ns::DS, "DigestMethod")));
    let mut keyinfo_certs = Vec::new();
    if let Some(ki) = doc.first_child(s, ns::DS, "KeyInfo") {
        for xd in doc.children_named(ki, ns::DS, "X509Data") {
            for xc in doc.children_named(xd, ns::DS, "X509Certificate") {
                keyinfo_certs.push(text_of(doc, xc));
            }
        }
    }
    SigModel {
        has_signed_info: si.is_some(),
        has_signature_value: doc.first_child(s, ns::DS, "SignatureValue").is_some(),
        signature_method: sm.as_ref().map(|x| x.0.clone()),
        sig_method_span: sm.map(|x| x.1),
        c14n: c14n.as_ref().map(|x| x.0.clone()),
        c14n_span: c14n.map(|x| x.1),
        uris: refs
            .iter()
            .map(|r| doc.attr(*r, "URI").map(|a| a.value.clone()))
            .collect(),
        uri_spans: refs
            .iter()
            .map(|r| {
                doc.attr(*r, "URI")
                    .map(|a| a.value_span)
                    .or(Some(doc.name_span(*r)))
            })
            .collect(),
        transforms,
        transforms_span: tnode.map(|t| doc.name_span(t)),
        digest_method: dm.as_ref().map(|x| x.0.clone()),
        digest_span: dm.map(|x| x.1),
        keyinfo_certs,
        objects: doc.children_named(s, ns::DS, "Object").count(),
    }
}

/// The octets a Redirect-binding signature over the message parameter `parameter` (`SAMLRequest` or
/// `SAMLResponse`) covers: that parameter, `RelayState` (when present) and `SigAlg`, each `name=value`
/// exactly as received (never re-encoded), joined by `&` (SAML 2.0 Bindings §3.4.4.1). Each must appear
/// at most once: a repeated one is an error, never a choice of copy.
pub fn redirect_octets(raw_query: &str, parameter: &str) -> Result<String, String> {
    let pairs: Vec<(&str, &str)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .collect();
    let one = |n: &str| -> Result<Option<&str>, String> {
        let mut it = pairs.iter().filter(|(k, _)| *k == n);
        let first = it.next().map(|(_, v)| *v);
        if it.next().is_some() {
            return Err(format!("{n} appears more than once"));
        }
        Ok(first)
    };
    let msg = one(parameter)?.ok_or_else(|| format!("the raw query carries no {parameter}"))?;
    let mut out = format!("{parameter}={msg}");
    if let Some(rs) = one("RelayState")? {
        out.push_str("&RelayState=");
        out.push_str(rs);
    }
    let alg = one("SigAlg")?.ok_or("the raw query carries no SigAlg")?;
    out.push_str("&SigAlg=");
    out.push_str(alg);
    Ok(out)
}

/// Verify a Redirect-binding signature (query parameters `SigAlg` and `Signature`), when the message
/// came with one.
pub fn analyse_redirect(
    m: &Message,
    binding: &crate::source::BindingParams,
    trust: &Trust,
    verifier: &dyn Verifier,
) -> Option<Outcome> {
    let (sig_alg, signature) = (binding.sig_alg.as_deref(), binding.signature.as_deref());
    if sig_alg.is_none() && signature.is_none() {
        return None;
    }
    let root_path = format!("/{}", m.root_name);
    let mut findings = Vec::new();
    let mut report = SigReport {
        path: "?Signature".into(),
        element: Some(root_path.clone()),
        id: m.id.as_ref().map(|v| v.value.clone()),
        covers_linted_content: true,
        algorithm: sig_alg.map(str::to_string),
        digest: None,
        c14n: None,
        transforms: Vec::new(),
        reference: None,
        key: None,
        keyinfo_certificates: Vec::new(),
        result: "not-verified",
        cause: None,
        detail: None,
    };
    let refuse = |report: &mut SigReport, c: &'static str, d: String| {
        report.cause = Some(c);
        report.detail = Some(d);
    };
    // One signature, one message: the octets are those of this message's own parameter, from a query in
    // which no binding parameter repeats.
    let octets = match (&binding.raw_query, &binding.parameter) {
        _ if !binding.ambiguous.is_empty() => Err(binding.ambiguous.join("; ")),
        (Some(raw), Some(p)) => redirect_octets(raw, p),
        _ => Err(
            "the raw query is not available, so the Redirect-binding signature cannot be checked"
                .into(),
        ),
    };
    match (sig_alg, signature, &octets) {
        _ if !binding.ambiguous.is_empty() => refuse(
            &mut report,
            cause::AMBIGUOUS_BINDING,
            format!(
                "the query or form is ambiguous ({}); no signature is accepted over it",
                binding.ambiguous.join("; ")
            ),
        ),
        (Some(alg), Some(sig), Ok(octets)) => {
            match classify_signature_method(alg) {
                AlgClass::Forbidden | AlgClass::Unknown => {
                    let msg = format!("SigAlg {} is not acceptable", crate::util::one_line(alg));
                    findings.push(
                        Finding::new(&SIG007, msg.clone())
                            .at(m.start_tag, &root_path)
                            .label("Redirect-binding signature"),
                    );
                    refuse(&mut report, cause::FORBIDDEN_ALGORITHM, msg);
                }
                c => {
                    if c == AlgClass::Weak {
                        findings.push(
                            Finding::new(&SIG006, "the Redirect-binding SigAlg uses SHA-1")
                                .at(m.start_tag, &root_path)
                                .label("SigAlg"),
                        );
                    }
                    match cert::b64_body(sig) {
                        Err(e) => refuse(
                            &mut report,
                            cause::MALFORMED,
                            format!("Signature parameter: {e}"),
                        ),
                        Ok(_) if trust.certs.is_empty() => {
                            refuse(&mut report, cause::NO_KEY, "a Redirect-binding signature carries no certificate: pass --idp-cert to check it".into());
                        }
                        Ok(sig_bytes) => {
                            let mut last = None;
                            for k in &trust.certs {
                                match verifier.verify_raw(alg, octets.as_bytes(), &sig_bytes, k) {
                                    Ok(true) => {
                                        report.result = "valid";
                                        report.key = Some(k.clone());
                                        last = None;
                                        break;
                                    }
                                    Ok(false) => last = Some((k.clone(), cause::WRONG_KEY, "the signature over the query does not verify with this key".to_string())),
                                    Err(e) => last = Some((k.clone(), cause::VERIFIER_ERROR, e)),
                                }
                            }
                            if let Some((k, c, d)) = last {
                                report.result = "invalid";
                                report.key = Some(k);
                                refuse(&mut report, c, d);
                            }
                        }
                    }
                }
            }
        }
        (Some(_), Some(_), Err(e)) => refuse(&mut report, cause::MALFORMED, e.clone()),
        _ => refuse(
            &mut report,
            cause::MALFORMED,
            "SigAlg and Signature must come together".into(),
        ),
    }
    let status = match (report.result, report.cause) {
        ("valid", _) => Status::Valid,
        (_, Some(cause::NO_KEY)) => {
            findings.push(
                Finding::new(&SIG003, "the Redirect-binding signature cannot be checked: pass the IdP certificate with --idp-cert")
                    .at(m.start_tag, &root_path)
                    .label("signed over the query"),
            );
            Status::Invalid
        }
        // The ambiguity has its own finding (`binding_ambiguity`).
        (_, Some(cause::AMBIGUOUS_BINDING)) => Status::Invalid,
        _ => {
            if !findings.iter().any(|f| f.code == SIG007.code) {
                let d = crate::util::one_line(report.detail.as_deref().unwrap_or(""));
                findings.push(
                    Finding::new(
                        &SIG001,
                        format!("the Redirect-binding signature does not verify: {d}"),
                    )
                    .at(m.start_tag, &root_path)
                    .label("signed over the query"),
                );
            }
            Status::Invalid
        }
    };
    Some(Outcome {
        report: Report {
            status,
            cause: report.cause,
            detail: report.detail.clone(),
            verifier: verifier.name(),
            signatures: vec![report],
        },
        findings,
    })
}

/// A message carried by an ambiguous query or form (a binding parameter repeated, an encoded parameter
/// name, a request beside a response): one error finding, and whatever the signatures said, the message
/// is not `valid` (design.md "One signature, one message").
pub fn binding_ambiguity(
    m: &Message,
    binding: &crate::source::BindingParams,
    report: Option<&mut Report>,
) -> Option<Finding> {
    if binding.ambiguous.is_empty() {
        return None;
    }
    let why = binding.ambiguous.join("; ");
    if let Some(r) = report
        && matches!(r.status, Status::Valid | Status::Untrusted)
    {
        r.status = Status::Invalid;
        r.cause = Some(cause::AMBIGUOUS_BINDING);
        r.detail = Some(format!(
            "the query or form that carried it is ambiguous: {why}"
        ));
    }
    Some(
        Finding::new(
            &SIG020,
            format!(
                "the {} came in a query or form that is ambiguous ({}): SPs disagree on which copy they read, so no signature is accepted for it",
                m.kind.as_str(),
                crate::util::one_line(&why)
            ),
        )
        .at(m.start_tag, format!("/{}", m.root_name))
        .label("carried by an ambiguous query or form"),
    )
}
