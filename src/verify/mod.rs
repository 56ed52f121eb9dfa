//! Signatures and trust: what is signed, with which key, what exactly failed, and what to change.
//!
//! A pipeline of stages over plain data, each one job (style.md §2.8):
//! `locate` (where every signature sits, its References, the ID map) → `contract` (every Reference of
//! every signature resolved on samlint's own DOM and held to the allow-lists before any verifier runs)
//! → `crypto` (each verifier's results, attached to signatures by byte offset) → `accept` (each
//! signature's verdict, then the message's) → `findings` (what the user reads). The Redirect binding's
//! query signature is `redirect`.
//!
//! The signed-content contract (design.md "Decisions"): samlint's own DOM decides what each Reference
//! points at; References other than `""` and `#id` are refused before any verifier runs; a verifier's
//! verdict counts only when the byte ranges it reports for the Signature and its Reference are the ones
//! our parser found; keys inside KeyInfo are never used when trust is configured.
//!
//! No function here runs past 100 lines of code (clippy.toml's `too-many-lines-threshold`): this is
//! the code whose every branch decides whether a forgery passes, and it is read whole.
#![deny(clippy::too_many_lines)]

mod accept;
pub mod cert;
mod contract;
mod crypto;
pub mod dsig;
#[cfg(feature = "ring")]
pub mod fast;
mod findings;
mod locate;
#[cfg(feature = "ring")]
pub mod native;
pub mod protocol;
mod redirect;
pub mod sign;
pub mod time;
#[cfg(feature = "xmlsec")]
mod xmlsec;
#[cfg(feature = "xmlsec")]
pub mod xmlsec_errors;

pub use contract::C14N;
pub use findings::split_text as split_values;
pub use redirect::{
    analyse_redirect, binding_ambiguity, detached_outside_redirect, embedded_in_redirect,
    not_redirect, redirect_octets,
};

use crate::finding::{Finding, Msg};
use crate::model::Message;
use crate::xml::Document;
use cert::{Cert, CertInfo, KeySource};
use dsig::Verifier;
use serde::Serialize;

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

/// A message as received, when the document analysed is its decrypted form (`--sp-key`): the DOM, the
/// model and the text. The Response's own signatures are judged on it.
pub type Received<'a> = (&'a Document, &'a Message, &'a str);

/// Analyse with the chosen verifier(s).
pub fn analyse_with(
    kind: VerifierKind,
    doc: &Document,
    m: &Message,
    text: &str,
    trust: &Trust,
    now_ms: i64,
) -> Outcome {
    analyse_decrypted(kind, doc, m, text, trust, now_ms, None)
}

/// Analyse with the chosen verifier(s) a document that may be the decrypted form of `received`: every
/// verifier sees the decrypted document (the Assertion's own signature is checked there, in place of
/// the EncryptedAssertion), and the signatures that are children of the Response get the verdict the
/// same verifier gives them on the message as received (they sign the ciphertext).
pub fn analyse_decrypted(
    kind: VerifierKind,
    doc: &Document,
    m: &Message,
    text: &str,
    trust: &Trust,
    now_ms: i64,
    received: Option<Received>,
) -> Outcome {
    let rust = dsig::RUST;
    match kind {
        VerifierKind::Rust => analyse_inner(doc, m, text, trust, &rust, now_ms, received),
        #[cfg(feature = "xmlsec")]
        VerifierKind::Xmlsec => {
            analyse_inner(doc, m, text, trust, &xmlsec::Xmlsec, now_ms, received)
        }
        #[cfg(feature = "xmlsec")]
        VerifierKind::Both => {
            let mut a = analyse_inner(doc, m, text, trust, &rust, now_ms, received);
            let b = analyse_inner(doc, m, text, trust, &xmlsec::Xmlsec, now_ms, received);
            // Valid only when both say so: a message they judge differently is not valid, and every
            // difference about a signature is a finding (a warning when it does not change the
            // message's verdict, e.g. a policy refusal of a signature inside Advice).
            let disagree = a.report.status != b.report.status;
            for (sa, sb) in a.report.signatures.iter().zip(&b.report.signatures) {
                if (sa.result, sa.cause) == (sb.result, sb.cause) {
                    continue;
                }
                let span = doc
                    .descendants(doc.root)
                    .into_iter()
                    .find(|n| doc.path(*n) == sa.path)
                    .map_or(m.start_tag, |n| doc.name_span(n));
                let say = |r: &SigReport| match r.cause {
                    Some(c) => crate::finding::Arg::plain(format!("{} ({c})", r.result)),
                    None => crate::finding::Arg::plain(r.result),
                };
                let mut m = crate::msg!(
                    "the Rust verifier says {} and libxmlsec1 says {}",
                    say(sa),
                    say(sb)
                );
                if let Some(d) = sb.detail.as_ref().or(sa.detail.as_ref()) {
                    m.push(crate::msg!(": "));
                    m.push(d.clone());
                }
                let mut f = Finding::new(&crate::registry::SIG017, m)
                    .at(span, &sa.path)
                    .label("verifiers disagree");
                if !disagree {
                    f.severity = crate::finding::Severity::Warning;
                }
                a.findings.push(f);
            }
            if disagree && matches!(a.report.status, Status::Valid | Status::Untrusted) {
                a.report.status = Status::Invalid;
                a.report.cause = Some(cause::DISAGREEMENT);
                a.report.detail = Some(crate::msg!(
                    "the two verifiers disagree (libxmlsec1: {})",
                    crate::finding::Arg::plain(
                        serde_json::to_value(b.report.status)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    )
                ));
            }
            a.report.verifier = "rust+xmlsec";
            a
        }
        #[cfg(not(feature = "xmlsec"))]
        _ => analyse_inner(doc, m, text, trust, &rust, now_ms, received),
    }
}

/// Trust material: whose keys (`signer`) and the expected IdP entity ID.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub certs: Vec<Cert>,
    /// Expected IdP entity ID (`--idp-entity-id`, or the metadata's entity).
    pub entity_id: Option<String>,
    pub signer: Signer,
}

/// Whose keys a [`Trust`] holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Signer {
    /// The IdP's (`--idp-cert`, `--idp-metadata`): for everything but what the SP signs.
    #[default]
    Idp,
    /// The SP's (`--sp-cert`): for an AuthnRequest.
    Sp,
    /// Both, for a logout message, which either side signs.
    Either,
}

impl Signer {
    /// The options that give these keys, as a message names them.
    pub fn options(self) -> &'static str {
        match self {
            Signer::Idp => "--idp-cert or --idp-metadata",
            Signer::Sp => "--sp-cert",
            Signer::Either => "--idp-cert, --idp-metadata or --sp-cert",
        }
    }
}

impl Trust {
    /// The options that give these keys, as a message names them.
    pub fn options(&self) -> &'static str {
        self.signer.options()
    }
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
    pub detail: Option<Msg>,
    pub verifier: &'static str,
    pub signatures: Vec<SigReport>,
    /// Whose keys were asked for (the summary names their options for a KeyInfo-only key).
    #[serde(skip)]
    pub signer: Signer,
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
    pub keyinfo_certificates: Vec<std::sync::Arc<CertInfo>>,
    /// `valid`, `invalid`, or `not-verified` (refused before any verifier ran, or no key to try).
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Msg>,
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

/// Most distinct KeyInfo certificates tried when no key is trusted. Each is one verification of the
/// whole document, and KeyInfo is not signed: anyone can add certificates to a captured message (8,000
/// of them took 48 s). IdPs send one, or a short chain.
const MAX_KEYINFO_KEYS: usize = 4;

/// Can a key of this type check this SignatureMethod? A certificate that cannot (an EC key beside an
/// RSA signature) is not tried: the verifier's error would make the message `invalid` and hide the
/// certificate that can.
fn fits(key_type: &str, method: Option<&str>) -> bool {
    let Some(m) = method.map(str::to_ascii_lowercase) else {
        return true;
    };
    if m.contains("ecdsa") {
        key_type == "EC"
    } else if m.contains("rsa") {
        key_type == "RSA"
    } else if m.contains("dsa") {
        key_type == "DSA"
    } else {
        true
    }
}

/// The keys to try: the configured ones, or else at most [`MAX_KEYINFO_KEYS`] distinct readable
/// certificates of the signatures' own KeyInfo that [`fits`] their SignatureMethod (which can only
/// make a message `untrusted`, never `valid`). Taken in turn from each signature (the first of each,
/// then the second of each, …): certificates piled into one KeyInfo do not crowd out another
/// signature's own.
fn keys<'t>(trust: &'t Trust, loc: &locate::Located) -> std::borrow::Cow<'t, [Cert]> {
    if !trust.certs.is_empty() {
        return std::borrow::Cow::Borrowed(&trust.certs);
    }
    let mut out: Vec<Cert> = Vec::new();
    let most = loc
        .sites
        .iter()
        .map(|s| s.keyinfo_certs.len())
        .max()
        .unwrap_or(0);
    let candidates = (0..most).flat_map(|i| {
        loc.sites.iter().filter_map(move |s| {
            let method = s.signature_method.as_ref().map(|(m, _)| m.as_str());
            s.keyinfo_certs
                .get(i)
                .and_then(Option::as_ref)
                .map(|der| (der, method))
        })
    });
    for (der, method) in candidates {
        if out.len() == MAX_KEYINFO_KEYS {
            break;
        }
        if !out.iter().any(|c| c.der[..] == der[..])
            && let Ok(info) = cert::info(der)
            && fits(&info.key_type, method)
        {
            out.push(Cert {
                der: der.as_slice().into(),
                source: KeySource::KeyInfo,
                origin: "KeyInfo".into(),
                info,
                valid_until: None,
            });
        }
    }
    std::borrow::Cow::Owned(out)
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
    analyse_inner(doc, m, text, trust, verifier, now_ms, None)
}

/// The verdicts of the Response's own signatures (children of the root) on the message as received,
/// by element path, with the certificate that decided each; and a refusal of that whole document.
struct Carried {
    refused: Option<contract::Refusal>,
    /// The received document's own wrapping refusal (see `accept::received_refusal`), said as SIG005.
    structural: Option<contract::Refusal>,
    sigs: Vec<(String, accept::Verdict, Option<Vec<u8>>)>,
}

fn carry(received: Received, trust: &Trust, verifier: &dyn Verifier) -> Carried {
    let (doc, m, text) = received;
    let loc = locate::locate(doc, m);
    let contract = contract::check(doc, &loc);
    let trusted = !trust.certs.is_empty();
    let keys = keys(trust, &loc);
    let runs = if contract.doc_refused.is_none() {
        crypto::run(verifier, doc, text, &keys, &loc)
    } else {
        crypto::Runs::default()
    };
    let structural = accept::received_refusal(doc, m, &loc, &contract);
    let refused = contract
        .doc_refused
        .clone()
        .or_else(|| runs.doc_error.clone())
        .or_else(|| structural.clone());
    let sigs = loc
        .sites
        .iter()
        .zip(&contract.sigs)
        .filter(|(s, _)| s.parent == Some(doc.root))
        .map(|(s, sc)| {
            let v = accept::signature(
                doc,
                s,
                sc,
                contract.doc_refused.as_ref(),
                &runs,
                &keys,
                trusted,
                trust.options(),
            );
            let der = v.key.and_then(|k| keys.get(k)).map(|c| c.der.to_vec());
            (doc.path(s.node), v, der)
        })
        .collect();
    Carried {
        refused,
        structural,
        sigs,
    }
}

/// Replace the verdicts of the Response's own signatures with the ones carried from the message as
/// received; one that is not there is refused.
fn apply_carried(
    doc: &Document,
    loc: &locate::Located,
    verdicts: &mut [accept::Verdict],
    keys: &[Cert],
    carried: &Carried,
) {
    for (i, s) in loc.sites.iter().enumerate() {
        if s.parent != Some(doc.root) {
            continue;
        }
        let path = doc.path(s.node);
        let v = match carried.sigs.iter().find(|(p, _, _)| *p == path) {
            Some((_, v, der)) => {
                let mut v = v.clone();
                v.key = der
                    .as_ref()
                    .and_then(|d| keys.iter().position(|k| k.der[..] == d[..]));
                v
            }
            None => accept::Verdict {
                result: "not-verified",
                cause: Some(cause::DISAGREEMENT),
                detail: Some(crate::msg!(
                    "this signature is not in the message as received"
                )),
                key: None,
            },
        };
        if let Some(slot) = verdicts.get_mut(i) {
            *slot = v;
        }
    }
}

fn analyse_inner(
    doc: &Document,
    m: &Message,
    text: &str,
    trust: &Trust,
    verifier: &dyn Verifier,
    now_ms: i64,
    received: Option<Received>,
) -> Outcome {
    let loc = locate::locate(doc, m);
    let mut contract = contract::check(doc, &loc);
    let trusted = !trust.certs.is_empty();
    let keys = keys(trust, &loc);
    let carried = received.map(|r| carry(r, trust, verifier));
    // A message refused as received is refused decrypted too.
    if let Some(r) = carried.as_ref().and_then(|c| c.refused.clone())
        && contract.doc_refused.is_none()
    {
        contract.doc_refused = Some(r);
    }
    // No verifier sees a document the contract refused.
    let runs = if contract.doc_refused.is_none() {
        crypto::run(verifier, doc, text, &keys, &loc)
    } else {
        crypto::Runs::default()
    };
    let mut verdicts: Vec<accept::Verdict> = loc
        .sites
        .iter()
        .zip(&contract.sigs)
        .map(|(s, sc)| {
            accept::signature(
                doc,
                s,
                sc,
                contract.doc_refused.as_ref(),
                &runs,
                &keys,
                trusted,
                trust.options(),
            )
        })
        .collect();
    if let Some(c) = &carried {
        apply_carried(doc, &loc, &mut verdicts, &keys, c);
    }
    let acc = accept::message(doc, m, &loc, &contract, &verdicts, trusted);
    let mut findings = contract.findings.clone();
    findings.extend(findings::all(
        doc,
        m,
        &loc,
        &contract,
        &verdicts,
        &acc,
        &keys,
        trusted,
        trust.signer,
        now_ms,
    ));
    if let Some(r) = carried.as_ref().and_then(|c| c.structural.as_ref()) {
        let mut detail = crate::msg!("In the message as received (before decryption): ");
        detail.push(r.detail.clone());
        findings.push(
            crate::finding::Finding::new(&crate::registry::SIG005, detail)
                .at(m.start_tag, doc.path(doc.root)),
        );
    }
    let signatures = loc
        .sites
        .iter()
        .zip(&contract.sigs)
        .zip(&verdicts)
        .map(|((s, sc), v)| accept::sig_report(doc, &loc, s, sc, v, &keys))
        .collect();
    Outcome {
        report: Report {
            status: acc.status,
            cause: acc.cause,
            detail: acc.detail,
            verifier: verifier.name(),
            signatures,
            signer: trust.signer,
        },
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    /// The fixture IdP certificate with one letter of its issuer name changed: another certificate
    /// (another DER, another fingerprint) with the same key.
    fn variant(letter: u8) -> String {
        let pem = include_str!("../../fixtures/keys/idp-cert.pem");
        let mut der = cert::parse_certs(pem.as_bytes()).unwrap().remove(0);
        let name = b"realm acme";
        let at = der.windows(name.len()).position(|w| w == name).unwrap();
        der[at + 6] = letter;
        cert::info(&der).expect("the variant still parses");
        base64::engine::general_purpose::STANDARD.encode(der)
    }

    fn keyinfo_keys(certs: &[String], method: &str) -> usize {
        keyinfo_keys_of(&[certs], method).len()
    }

    /// The KeyInfo keys of a Response with one signature per list of certificates (base64 DER).
    fn keyinfo_keys_of(sigs: &[&[String]], method: &str) -> Vec<Cert> {
        let signatures: String = sigs
            .iter()
            .map(|certs| {
                let x509: String = certs
                    .iter()
                    .map(|c| format!("<ds:X509Certificate>{c}</ds:X509Certificate>"))
                    .collect();
                format!(
                    "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/><ds:SignatureMethod Algorithm=\"{method}\"/><ds:Reference URI=\"#_r\"/></ds:SignedInfo><ds:SignatureValue>AA==</ds:SignatureValue><ds:KeyInfo><ds:X509Data>{x509}</ds:X509Data></ds:KeyInfo></ds:Signature>"
                )
            })
            .collect();
        let xml = format!(
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r\" Version=\"2.0\" IssueInstant=\"2026-11-20T10:00:00Z\">{signatures}</samlp:Response>"
        );
        let doc = crate::xml::parse(&xml, &crate::limits::Limits::default()).unwrap();
        let m = crate::model::build(&doc);
        let loc = locate::locate(&doc, &m);
        keys(&Trust::default(), &loc).into_owned()
    }

    /// Certificates piled into one signature's KeyInfo do not keep another signature's own from being
    /// tried: each signature's first certificate comes before any signature's second.
    #[test]
    fn each_signature_gives_its_first_keyinfo_certificate_before_any_gives_more() {
        const RSA: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
        let pile: Vec<String> = (b'b'..=b'k').map(variant).collect();
        let own = vec![variant(b'z')];
        let keys = keyinfo_keys_of(&[&pile, &own], RSA);
        assert_eq!(keys.len(), MAX_KEYINFO_KEYS);
        let own_der = base64::engine::general_purpose::STANDARD
            .decode(&own[0])
            .unwrap();
        assert_eq!(
            keys[1].der[..],
            own_der[..],
            "the second signature's own certificate"
        );
    }

    /// KeyInfo is not signed: however many certificates it holds, a few are tried (each is a whole
    /// verification of the document; 8,000 took 48 s), distinct ones, and only those whose key can
    /// check the SignatureMethod (an EC certificate beside an RSA signature made the message
    /// `invalid` and hid the certificate that can).
    #[test]
    fn a_few_distinct_keyinfo_certificates_that_fit_are_tried() {
        const RSA: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
        const ECDSA: &str = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
        let many: Vec<String> = (b'b'..=b'z').map(variant).collect();
        assert_eq!(keyinfo_keys(&many[..1], RSA), 1);
        assert_eq!(keyinfo_keys(&many[..3], RSA), 3);
        assert_eq!(keyinfo_keys(&many, RSA), MAX_KEYINFO_KEYS);
        let same = vec![many[0].clone(); 50];
        assert_eq!(keyinfo_keys(&same, RSA), 1);
        assert_eq!(keyinfo_keys(&many[..3], ECDSA), 0);
        assert!(fits("RSA", Some(RSA)) && fits("EC", Some(ECDSA)) && !fits("EC", Some(RSA)));
        assert!(fits(
            "DSA",
            Some("http://www.w3.org/2000/09/xmldsig#dsa-sha1")
        ));
        assert!(!fits(
            "RSA",
            Some("http://www.w3.org/2009/xmldsig11#dsa-sha256")
        ));
        assert!(fits("RSA", None));
    }
}
