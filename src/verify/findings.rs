//! Stage 5, findings: what the user reads about the verdicts of the earlier stages. Nothing here
//! decides a verdict.

use super::accept::{Acceptance, Verdict};
use super::cert::Cert;
use super::contract::Contract;
use super::locate::{Located, Site};
use super::{Signer, Status, cause};
use crate::finding::{Arg, Finding, Msg, Severity};
use crate::model::{Message, MessageKind};
use crate::msg;
use crate::registry::{
    SIG001, SIG002, SIG003, SIG004, SIG005, SIG009, SIG010, SIG011, SIG016, SIG017, SIG018, SIG019,
    SIG025,
};
use crate::source::Span;
use crate::xml::Document;

/// Every finding of the verdicts, in a stable order.
#[allow(clippy::too_many_arguments)]
pub fn all(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
    verdicts: &[Verdict],
    acc: &Acceptance,
    keys: &[Cert],
    trusted: bool,
    signer: Signer,
    now_ms: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    hidden_assertions(doc, loc, &mut out);
    let mut keys_reported: Vec<String> = Vec::new();
    for ((site, sc), v) in loc.sites.iter().zip(&contract.sigs).zip(verdicts) {
        // Refused signatures already have their finding; crypto findings are for the others.
        if sc.refused.is_none() {
            crypto(site, v, keys, trusted, &mut out);
        }
        if v.accepted(sc)
            && let Some(k) = v.key.and_then(|k| keys.get(k))
        {
            key_facts(site, k, keys, trusted, now_ms, &mut keys_reported, &mut out);
        }
    }
    doubled(doc, loc, acc, &mut out);
    status(doc, m, loc, contract, verdicts, acc, signer, &mut out);
    coverage(doc, m, loc, contract, verdicts, acc, &mut out);
    out
}

fn hidden_assertions(doc: &Document, loc: &Located, out: &mut Vec<Finding>) {
    for &h in &loc.lookalike {
        let (local, uri) = doc
            .element(h)
            .map(|e| {
                (
                    e.local.clone(),
                    e.ns.as_deref().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_default();
        out.push(
            Finding::new(
                &SIG005,
                msg!(
                    "an element named {} in the namespace `{}`, not SAML's: an SP that selects elements by local name reads it as SAML's (signature-wrapping shape)",
                    Arg::path(local),
                    Arg::value(uri)
                ),
            )
            .at(doc.name_span(h), doc.path(h))
            .label("look-alike SAML element"),
        );
    }
    for &h in &loc.hidden {
        out.push(
            Finding::new(
                &SIG005,
                "an Assertion outside the Response's own assertions (signature-wrapping shape)",
            )
            .at(doc.name_span(h), doc.path(h))
            .label("hidden assertion"),
        );
    }
    for &h in &loc.stray {
        let local = doc.element(h).map(|e| e.local.clone()).unwrap_or_default();
        out.push(
            Finding::new(
                &SIG005,
                msg!(
                    "a saml:{} outside the Response's assertions: an SP that takes the first {} of the document reads it, not the assertion's (signature-wrapping shape)",
                    Arg::path(local.clone()),
                    Arg::path(local)
                ),
            )
            .at(doc.name_span(h), doc.path(h))
            .label("assertion content outside an assertion"),
        );
    }
    for &h in &loc.unsigned_saml {
        let Some(el) = doc.element(h) else { continue };
        let local = el.local.clone();
        let msg = match el.ns.as_deref() {
            Some(crate::model::ns::SAMLP) => msg!(
                "a samlp:{} inside a signature or encrypted content, which no signature covers: an SP that takes the first {} of the document may read it (signature-wrapping shape)",
                Arg::path(local.clone()),
                Arg::path(local)
            ),
            Some(crate::model::ns::SAML) => msg!(
                "a saml:{} inside a signature or encrypted content, which no signature covers: an SP that takes the first {} of the document may read it (signature-wrapping shape)",
                Arg::path(local.clone()),
                Arg::path(local)
            ),
            other => msg!(
                "an element named {} in the namespace `{}`, inside a signature or encrypted content, which no signature covers: an SP that takes the first {} of the document by local name may read it (signature-wrapping shape)",
                Arg::path(local.clone()),
                Arg::value(other.unwrap_or_default().to_string()),
                Arg::path(local)
            ),
        };
        out.push(
            Finding::new(&SIG005, msg)
                .at(doc.name_span(h), doc.path(h))
                .label("unsigned SAML content"),
        );
    }
}

/// SIG001 (or SIG017) for a signature that failed or could not be verified.
fn crypto(site: &Site, v: &Verdict, keys: &[Cert], trusted: bool, out: &mut Vec<Finding>) {
    let (span, path) = (site.span, &site.path);
    let detail = v.detail.clone().unwrap_or_default();
    match (v.result, v.cause) {
        (_, Some(cause::VERIFIER_ERROR)) if site.in_advice => {
            let mut m = msg!("a signature inside Advice was not verified: ");
            m.push(detail);
            let mut f = Finding::new(&SIG001, m)
                .at(span, path)
                .label("signature in Advice");
            f.severity = Severity::Warning;
            out.push(f);
        }
        ("invalid", Some(c)) => {
            let key = v.key.and_then(|k| keys.get(k));
            let (msg, help) = explain_failure(c, trusted, detail, key);
            out.push(
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
            let rule = if c == cause::DISAGREEMENT {
                &SIG017
            } else {
                &SIG001
            };
            let mut m = msg!("signature not verified: ");
            m.push(detail);
            out.push(Finding::new(rule, m).at(span, path).label("this signature"));
        }
        _ => {}
    }
}

fn explain_failure(
    c: &'static str,
    trusted: bool,
    detail: Msg,
    key: Option<&Cert>,
) -> (Msg, String) {
    let with = |mut m: Msg| {
        m.push(msg!(" ("));
        m.push(detail.clone());
        m.push(msg!(")"));
        m
    };
    match c {
        // The veto of crypto.rs: samlint's parse and bergshamra's read the signed bytes differently.
        cause::DIGEST_MISMATCH if detail.to_string().contains(super::crypto::PARSERS_DIFFER) => (
            with(msg!("the signature does not verify as XML 1.0 and libxml2 read the message")),
            "the signer canonicalised what a conforming parser does not read (a CR inside CDATA, say): SPs built on libxml2 reject it; have the IdP send the text without it".into(),
        ),
        cause::DIGEST_MISMATCH => (
            with(msg!("digest mismatch: the signed content was changed after it was signed")),
            "something rewrote the message after the IdP signed it (a proxy, a copy-paste that reformatted it, or an attack); capture it again unmodified".into(),
        ),
        cause::WRONG_KEY if trusted => (
            match key {
                Some(k) => msg!(
                    "the signature does not verify with the configured certificate {} (SHA-1 {})",
                    Arg::dn(&k.info.subject),
                    Arg::plain(&k.info.sha1)
                ),
                None => msg!("the signature does not verify with the configured certificate"),
            },
            "the certificate given to the SP is not the one the IdP signs with: in Keycloak take the realm's active RSA certificate (Realm settings › Keys), not the client's own certificate, and paste it into Atlassian again".into(),
        ),
        // A value of the wrong length for the key (crypto.rs): written otherwise, not another key's.
        cause::BAD_SIGNATURE_VALUE
            if detail.to_string().contains(super::dsig::WRONG_EC_LENGTH) =>
        {
            (
                with(msg!("the ECDSA signature value is not written as XML-DSig writes one")),
                "the IdP wrote the value in another form than r then s (ASN.1 DER, as OpenSSL and Java emit it, or padded halves): libxmlsec1 and the SPs built on it reject it; have the IdP write the XML-DSig form".into(),
            )
        }
        cause::BAD_SIGNATURE_VALUE if detail.to_string().contains(super::dsig::WRONG_LENGTH) => (
            with(msg!("the signature value is not as long as this key's signatures are")),
            "leading zero bytes of the value were dropped or added on its way (the signer or a tool that re-encoded it): every SP rejects it; capture the message again unmodified".into(),
        ),
        cause::BAD_SIGNATURE_VALUE => (
            with(msg!("the signature value does not verify with the certificate in its own KeyInfo")),
            "the message was altered or signed with a different key than the certificate it carries".into(),
        ),
        cause::UNSUPPORTED_ALGORITHM => (
            with(msg!("the verifier does not support this signature's algorithms")),
            "configure the IdP to sign with RSA-SHA256 and digest SHA-256".into(),
        ),
        _ => (
            with(msg!("the signature does not verify")),
            "see the signature section of `samlint check --format json`".into(),
        ),
    }
}

/// The signing key's facts (once per key), and SIG004 when KeyInfo carries another certificate (once
/// per pair).
fn key_facts(
    site: &Site,
    k: &Cert,
    keys: &[Cert],
    trusted: bool,
    now_ms: i64,
    reported: &mut Vec<String>,
    out: &mut Vec<Finding>,
) {
    let (span, path) = (site.span, site.path.as_str());
    if !reported.contains(&k.info.sha256) {
        reported.push(k.info.sha256.clone());
        key_findings(k, now_ms, span, path, out);
    }
    let ders: Vec<&Vec<u8>> = site.keyinfo_certs.iter().flatten().collect();
    let pair = format!("{}>{:?}", k.info.sha256, ders.first().map(|d| d.len()));
    // A KeyInfo certificate that is itself one of those given is no other certificate: which one
    // Atlassian holds is the prediction's assumption (review 38: SIG004 said "Invalid thumbprint"
    // beside a prediction that accepted, naming it).
    let given = |d: &[u8]| {
        keys.iter()
            .any(|c| c.source != super::cert::KeySource::KeyInfo && c.der[..] == *d)
    };
    if trusted
        && !ders.is_empty()
        && !ders.iter().any(|d| d[..] == k.der[..] || given(d))
        && !reported.contains(&pair)
    {
        reported.push(pair);
        let infos: Vec<std::sync::Arc<super::cert::CertInfo>> = ders
            .iter()
            .filter_map(|d| super::cert::info(d).ok())
            .collect();
        let same_key = infos.iter().any(|c| c.spki_sha256 == k.info.spki_sha256);
        let msg = msg!(
            "the signature verifies with the configured certificate ({}), but its KeyInfo carries another certificate{} ({}){}",
            Arg::plain(&k.info.sha1),
            Arg::plain(if same_key { " over the same key" } else { "" }),
            Arg::plain(
                infos
                    .first()
                    .map(|c| c.sha1.as_str())
                    .unwrap_or("unreadable")
            ),
            Arg::plain(if same_key {
                ""
            } else {
                " that did not sign it"
            })
        );
        out.push(
            Finding::new(&SIG004, msg)
                .at(span, path)
                .label("KeyInfo certificate differs"),
        );
    }
}

pub fn key_findings(k: &Cert, now_ms: i64, span: Span, path: &str, out: &mut Vec<Finding>) {
    let i = &k.info;
    if i.key_type == "RSA" && i.bits.is_some_and(|b| b < 2048) {
        out.push(
            Finding::new(
                &SIG009,
                msg!(
                    "the signing key is RSA-{}; 2048 bits is the minimum",
                    Arg::plain(i.bits.unwrap_or(0))
                ),
            )
            .at(span, path)
            .label("short key"),
        );
    }
    if let Some(until) = k.valid_until
        && now_ms > until
    {
        out.push(
            Finding::new(
                &SIG025,
                msg!(
                    "the IdP metadata that gives the signing certificate {} expired at {} (validUntil)",
                    Arg::plain(&i.sha1),
                    Arg::plain(super::time::format(until))
                ),
            )
            .at(span, path)
            .label("expired metadata"),
        );
    }
    let unconfirmed = " (SPs that pin the key, such as Shibboleth and python3-saml, ignore certificate dates; whether Atlassian does is unconfirmed)";
    if now_ms > i.not_after_ms {
        out.push(
            Finding::new(
                &SIG010,
                msg!(
                    "the signing certificate {} expired on {}{}",
                    Arg::plain(&i.sha1),
                    Arg::plain(&i.not_after),
                    Arg::plain(unconfirmed)
                ),
            )
            .at(span, path)
            .label("expired certificate"),
        );
    } else if now_ms < i.not_before_ms {
        out.push(
            Finding::new(
                &SIG010,
                msg!(
                    "the signing certificate {} is not valid before {}{}",
                    Arg::plain(&i.sha1),
                    Arg::plain(&i.not_before),
                    Arg::plain(unconfirmed)
                ),
            )
            .at(span, path)
            .label("certificate not yet valid"),
        );
    } else if i.not_after_ms - now_ms < 30 * 86_400_000 {
        out.push(
            Finding::new(
                &SIG018,
                msg!(
                    "the signing certificate {} expires on {}",
                    Arg::plain(&i.sha1),
                    Arg::plain(&i.not_after)
                ),
            )
            .at(span, path)
            .label("expiring soon"),
        );
    }
}

/// SIG005 once per element that carries several signatures.
fn doubled(doc: &Document, loc: &Located, acc: &Acceptance, out: &mut Vec<Finding>) {
    for (el, n) in &acc.doubled {
        if let Some(s) = loc.sites.iter().find(|s| s.parent == Some(*el)) {
            out.push(
                Finding::new(
                    &SIG005,
                    msg!(
                        "{} carries {} signatures; an element has at most one",
                        Arg::path(doc.path(*el)),
                        Arg::plain(n)
                    ),
                )
                .at(s.span, &s.path)
                .label("one of several signatures here"),
            );
        }
    }
}

/// SIG002 / SIG003 for the message status; `signer` is whose keys would settle who signed (an
/// AuthnRequest's are the SP's, `--sp-cert`).
#[allow(clippy::too_many_arguments)]
fn status(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
    verdicts: &[Verdict],
    acc: &Acceptance,
    signer: Signer,
    out: &mut Vec<Finding>,
) {
    let root = doc.root;
    let root_path = format!("/{}", m.root_name);
    match acc.status {
        Status::Absent => {
            let kind = Arg::plain(m.kind.as_str());
            let msg = match acc.cause {
                Some(cause::ENCRYPTED) => msg!(
                    "nothing verifiable is signed: the {} carries no signature outside its EncryptedAssertion",
                    kind
                ),
                Some(cause::NOT_COVERING) => {
                    msg!("no signature covers the {} or its assertions", kind)
                }
                _ => msg!("the {} is not signed, nor is any assertion in it", kind),
            };
            out.push(
                Finding::new(&SIG002, msg)
                    .at(doc.name_span(root), &root_path)
                    .label("unsigned"),
            );
        }
        Status::Untrusted => {
            let f = Finding::new(&SIG003, "the signature verifies only with the certificate the message carries itself: this proves integrity, not who signed it")
                .at(doc.name_span(root), &root_path)
                .label("verified with its own KeyInfo certificate");
            // The rule's help names the IdP's options; a message the SP signs needs the SP's.
            out.push(match signer {
                Signer::Idp => f,
                _ => f.help(format!(
                    "pass the signer's certificate with {} to check who signed it",
                    signer.options()
                )),
            });
        }
        Status::Invalid if acc.cause == Some(cause::PARTIAL) => {
            for n in &acc.required {
                if !acc.covered(*n, &loc.sites, contract, verdicts) {
                    out.push(
                        Finding::new(
                            &SIG002,
                            "this assertion is not covered by any valid signature",
                        )
                        .at(doc.name_span(*n), doc.path(*n))
                        .label("unsigned"),
                    );
                }
            }
        }
        _ => {}
    }
}

/// SIG016 (Response signed, Assertion not) and SIG019 (Assertion signed, Response not).
fn coverage(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
    verdicts: &[Verdict],
    acc: &Acceptance,
    out: &mut Vec<Finding>,
) {
    if !matches!(acc.status, Status::Valid | Status::Untrusted) {
        return;
    }
    let own = |n| {
        loc.sites
            .iter()
            .zip(&contract.sigs)
            .zip(verdicts)
            .any(|((s, sc), v)| v.accepted(sc) && s.parent == Some(n) && sc.target == Some(n))
    };
    if acc.root_covered {
        for a in &m.assertions {
            if !own(a.node) {
                out.push(
                    Finding::new(&SIG016, "the Response is signed but the Assertion is not")
                        .at(a.start_tag, &a.path)
                        .label("unsigned assertion in a signed response"),
                );
            }
        }
    } else if m.kind == MessageKind::Response {
        out.push(
            Finding::new(&SIG019, "the Assertion is signed but the Response is not: Destination, InResponseTo and Status are not covered")
                .at(doc.name_span(doc.root), format!("/{}", m.root_name))
                .label("unsigned Response"),
        );
    }
}

/// SIG011's message: the two readings when they differ; when the first text node is the whole value
/// (a comment or processing instruction before or after the text), that parsers reading only the text
/// before the first non-text node (lxml's `.text`) may see less. `what` names the value ("the
/// NameID"), samlint's own words.
fn split_message(what: &'static str, markup: bool, v: &crate::model::Text) -> crate::finding::Msg {
    let full = Arg::value(&v.value);
    let what = Arg::plain(what);
    // An element inside: its own text is not all a parser reads (review 64: "in full" left out the
    // inner element's text, which xmldom's textContent, and so Atlassian's library, reads too).
    if markup && v.child_elements > 0 {
        return if v.value == v.first_node {
            crate::finding::Msg::new(
                "{} holds an element inside its value: its own text reads \"{}\", but a parser that reads all text inside it (textContent) adds the inner element's text",
                vec![what, full],
            )
        } else {
            crate::finding::Msg::new(
                "{} holds an element inside its value: its own text reads \"{}\", but a parser that reads all text inside it (textContent) adds the inner element's text, and one that stops at the first text node sees \"{}\"",
                vec![what, full, Arg::value(&v.first_node)],
            )
        };
    }
    match (v.value == v.first_node, markup) {
        (true, true) => crate::finding::Msg::new(
            "{} holds a comment, CDATA, processing instruction or markup beside its text: it reads \"{}\" in full, but a parser that reads only the text before the first other node may see less",
            vec![what, full],
        ),
        (true, false) => crate::finding::Msg::new(
            "{} holds a comment, CDATA or processing instruction beside its text: it reads \"{}\" in full, but a parser that reads only the text before the first other node may see less",
            vec![what, full],
        ),
        (false, true) => crate::finding::Msg::new(
            "{} is split by a comment, CDATA, processing instruction or markup: it reads \"{}\" in full, but \"{}\" to a parser that stops at the first text node",
            vec![what, full, Arg::value(&v.first_node)],
        ),
        (false, false) => crate::finding::Msg::new(
            "{} is split by a comment, CDATA or processing instruction: it reads \"{}\" in full, but \"{}\" to a parser that stops at the first text node",
            vec![what, full, Arg::value(&v.first_node)],
        ),
    }
}

/// SIG011: comment / CDATA splitting inside values the SP reads (the comment-truncation family): more
/// than one text or CDATA node, a comment or PI, or (except in an attribute value, which may hold XML)
/// an element inside. A value written as one CDATA section alone is read whole by every parser, and is no
/// finding. Every value an SP decides by is looked at (review 26: an Audience split as
/// `https://sp.example.com<!---->.attacker.example` was no finding): NameID, attribute values, the
/// Issuers, Audiences, AuthnContextClassRef, a LogoutRequest's NameID and SessionIndexes, an
/// AuthnRequest's requested AuthnContextClassRefs. Run for every message, whatever binding or signature
/// carried it (it was part of the XML signature analysis, so an unsigned or query-signed LogoutRequest
/// was never looked at).
pub fn split_text(m: &Message, out: &mut Vec<Finding>) {
    let mut check =
        |what, markup, v: &crate::model::Text, path| split_check(out, what, markup, v, path);
    let root = format!("/{}", m.root_name);
    if let Some(i) = &m.issuer {
        check("the Issuer", true, &i.value, format!("{root}/Issuer"));
    }
    for a in &m.assertions {
        split_in_assertion(a, &mut check);
    }
    if let Some(l) = &m.logout_request {
        if let Some(n) = &l.name_id {
            check("the NameID", true, &n.value, format!("{root}/NameID"));
        }
        for si in &l.session_indexes {
            check("a SessionIndex", true, si, format!("{root}/SessionIndex"));
        }
    }
    if let Some(r) = &m.authn_request {
        for c in &r.requested_authn_context {
            check(
                "a requested AuthnContextClassRef",
                true,
                c,
                format!("{root}/RequestedAuthnContext/AuthnContextClassRef"),
            );
        }
    }
}

/// SIG011 for one value. `markup`: a value that holds no elements (a NameID, an Issuer), where an
/// element or the white space beside one is a split too; elsewhere (an attribute value, which may
/// hold XML) only a comment, CDATA or PI, or text beside text, is.
fn split_check(
    out: &mut Vec<Finding>,
    what: &'static str,
    markup: bool,
    v: &crate::model::Text,
    path: String,
) {
    let split = if markup {
        v.is_split() || v.child_elements > 0
    } else {
        v.is_split_ignoring_indentation()
    };
    if split {
        // The words name markup whenever an element is among what splits it (an attribute value's
        // `admin<x:b/>.attacker` too).
        let by_markup = markup || v.child_elements > 0;
        out.push(
            Finding::new(&SIG011, split_message(what, by_markup, v))
                .at(v.span, path)
                .label("split value"),
        );
    }
}

/// [`split_text`] for the values of one assertion.
fn split_in_assertion(
    a: &crate::model::Assertion,
    check: &mut impl FnMut(&'static str, bool, &crate::model::Text, String),
) {
    if let Some(i) = &a.issuer {
        check("the Issuer", true, &i.value, format!("{}/Issuer", a.path));
    }
    if let Some(n) = a.subject.as_ref().and_then(|s| s.name_id.as_ref()) {
        check(
            "the NameID",
            true,
            &n.value,
            format!("{}/Subject/NameID", a.path),
        );
    }
    for aud in a
        .conditions
        .iter()
        .flat_map(|c| c.audience_restrictions.iter().flatten())
    {
        check(
            "an Audience",
            true,
            aud,
            format!("{}/Conditions/AudienceRestriction/Audience", a.path),
        );
    }
    for st in &a.authn_statements {
        if let Some(c) = &st.authn_context_class_ref {
            check(
                "the AuthnContextClassRef",
                true,
                c,
                format!(
                    "{}/AuthnStatement/AuthnContext/AuthnContextClassRef",
                    a.path
                ),
            );
        }
    }
    for v in a.attributes.iter().flat_map(|at| &at.values) {
        check(
            "an attribute value",
            false,
            &v.value,
            format!("{}/AttributeStatement/Attribute", a.path),
        );
        for (name_id, n) in &v.inner {
            let (what, path) = if *name_id {
                ("a NameID in an attribute value", "NameID")
            } else {
                ("an element in an attribute value", "*")
            };
            // Structured content (an element of elements) is no split but in a NameID.
            check(
                what,
                *name_id,
                n,
                format!(
                    "{}/AttributeStatement/Attribute/AttributeValue/{path}",
                    a.path
                ),
            );
        }
    }
}
