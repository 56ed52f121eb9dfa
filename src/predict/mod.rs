//! Predictions: what a service provider would answer to a response (design.md "Decisions added on
//! 2026-12-02" › Predictions). For Atlassian Cloud there are two stages, kept apart: `saml-library`,
//! the SAML step of Atlassian's ACS, modelled by Auth0's SP library (auth0.rs, proven against the
//! library itself by tests/oracle.rs), and `account`, Atlassian's own step after it (account.rs). For
//! Atlassian Data Center a small model of its own stack (datacenter.rs), never run.
//!
//! Each prediction names its model and version and how sure samlint is. Values the library quotes are
//! kept as typed parts (text.rs), so that a redacted output shows pseudonyms.

pub mod account;
pub mod auth0;
pub mod datacenter;
pub mod digest;
pub mod forge;
pub mod signer;
pub mod text;

use crate::lint::At;
use crate::model::{Message, MessageKind};
use crate::rules::functions::connection_id::{acs_id_of, entity_id_of};
use crate::source::Source;
use crate::verify::{Report, Trust, protocol::Expect};
use crate::xml::Document;
use serde::{Serialize, Serializer};
pub use signer::SignedBy;
pub use text::Text;

/// The step of the SP that answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// The SAML library: signature, thumbprint, audience, recipient, destination, expiry, status.
    SamlLibrary,
    /// The SP's own step after it: the NameID as an account, domain policy.
    Account,
}

/// How sure samlint is, weakest first (so that `min` caps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Not run, not published: a guess from samlint's findings.
    Unconfirmed,
    /// Follows from the model, or from values samlint had to infer.
    Inferred,
    /// A third party quotes the SP answering this.
    Secondary,
    /// The SP's own documentation shows it.
    Confirmed,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Unconfirmed => "unconfirmed",
            Confidence::Inferred => "inferred",
            Confidence::Secondary => "secondary",
            Confidence::Confirmed => "confirmed",
        }
    }
}

/// What samlint predicts the SP answers: JSON `accepted` (true only for [`Answer::Accepted`], as in
/// version 1 before `outcome` existed) and `outcome` (`accepted`, `rejected` or `unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accepted,
    Rejected,
    /// samlint cannot tell whether the SP accepts: the model stops short (the reason says why).
    Unknown,
}

impl Answer {
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Accepted => "accepted",
            Answer::Rejected => "rejected",
            Answer::Unknown => "unknown",
        }
    }
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("Answer", 2)?;
        st.serialize_field("accepted", &(*self == Answer::Accepted))?;
        st.serialize_field("outcome", self.as_str())?;
        st.end()
    }
}

/// One prediction (JSON `messages[].predictions[]`).
#[derive(Debug, Clone, Serialize)]
pub struct Prediction {
    pub sp: &'static str,
    pub stage: Stage,
    /// JSON `accepted` and `outcome`.
    #[serde(flatten)]
    pub answer: Answer,
    /// What the SP shows (`error_description` of Atlassian's error URL), when known.
    #[serde(serialize_with = "visible_text")]
    pub error_description: Option<Text>,
    /// The `error` of the SP's error URL (`access_denied`) when it rejects.
    pub error: Option<&'static str>,
    pub model: &'static str,
    pub confidence: Confidence,
    /// The model's check that decided (auth0.rs `CHECKS`, account.rs): a stable name.
    pub check: Option<&'static str>,
    /// The library's whole message, before the SP cuts it (human output, tests).
    #[serde(skip)]
    pub message: Option<Text>,
    /// What samlint assumed to make this prediction (said under it in the human output, and in
    /// JSON: a machine reading `accepted` must see what it rests on). Typed, so that `--redact`
    /// replaces the values from the input.
    pub assumptions: Vec<crate::finding::Msg>,
    /// Why samlint cannot name the answer or its text (an unknown outcome, a rejection whose text the
    /// model does not compute).
    pub reason: Option<crate::finding::Msg>,
}

fn visible_text<S: Serializer>(t: &Option<Text>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_some(&crate::util::one_line(&t.full())),
        None => s.serialize_none(),
    }
}

impl Prediction {
    /// The same prediction with every value from the input replaced by its pseudonym.
    pub fn redacted(&self, r: &mut crate::report::redact::Redactor) -> Prediction {
        let mut p = self.clone();
        p.error_description = p.error_description.map(|t| t.redacted(r));
        p.message = p.message.map(|t| t.redacted(r));
        p.assumptions = p.assumptions.iter().map(|a| r.msg(a)).collect();
        p.reason = p.reason.map(|a| r.msg(&a));
        p
    }

    /// The SP accepts (what the verdict lines count as a pass).
    pub fn accepted(&self) -> bool {
        self.answer == Answer::Accepted
    }

    /// `Invalid thumbprint`, or `accepted`.
    pub fn shown(&self) -> String {
        match &self.error_description {
            Some(t) => crate::util::one_line(&t.full()),
            None => match self.answer {
                Answer::Accepted => "accepted".into(),
                Answer::Rejected => "an error samlint cannot name".into(),
                Answer::Unknown => "an answer samlint cannot predict".into(),
            },
        }
    }
}

/// Everything predicted for one message.
#[derive(Debug, Clone, Default)]
pub struct Predicted {
    pub predictions: Vec<Prediction>,
    /// The certificate that signed the response, when it is not the configured one.
    pub signed_by: Option<SignedBy>,
    /// The signature Atlassian Cloud's library rejects because it canonicalises otherwise (SIG024).
    pub divergence: Option<auth0::Divergence>,
    /// The signatures Atlassian Cloud's library passes by a digest read from a comment (SIG026).
    pub digest_comment: Vec<crate::xml::NodeId>,
    /// What the library reads by name elsewhere than in the assertion's own place (PRO019).
    pub nested: Vec<auth0::NestedRead>,
}

impl Predicted {
    pub fn redacted(&self, r: &mut crate::report::redact::Redactor) -> Predicted {
        Predicted {
            divergence: self.divergence,
            digest_comment: self.digest_comment.clone(),
            nested: self.nested.clone(),
            predictions: self.predictions.iter().map(|p| p.redacted(r)).collect(),
            signed_by: self.signed_by.clone().map(|mut s| {
                let cert = std::sync::Arc::make_mut(&mut s.cert);
                cert.subject = r.dn(&cert.subject);
                cert.issuer = r.dn(&cert.issuer);
                s.der.clear();
                s
            }),
        }
    }

    /// The first stage that rejects, else the first stage (what a human reads first).
    pub fn headline(&self, sp: &str) -> Option<&Prediction> {
        let of_sp = || self.predictions.iter().filter(move |p| p.sp == sp);
        of_sp().find(|p| !p.accepted()).or_else(|| of_sp().next())
    }
}

/// What a prediction needs besides the message.
pub struct Input<'a> {
    pub doc: &'a Document,
    pub model: &'a Message,
    pub source: &'a Source,
    pub report: Option<&'a Report>,
    pub trust: &'a Trust,
    pub at: Option<&'a At>,
    pub now_ms: i64,
    pub expect: &'a Expect,
    pub domains: &'a [String],
    /// The packs that applied to the message.
    pub packs: &'a [crate::rules::Applied],
    /// The message's findings (the Data Center model reads them).
    pub findings: &'a [crate::finding::Finding],
}

/// Predict every SP whose pack applied to a response.
pub fn predict(i: &Input) -> Predicted {
    let mut out = Predicted::default();
    if i.model.kind != MessageKind::Response || i.doc.is_empty() {
        return out;
    }
    let applied = |name: &str| i.packs.iter().any(|p| p.pack == name);
    if applied("atlassian-cloud") {
        cloud(i, &mut out);
    }
    if applied("atlassian-datacenter") {
        out.predictions.push(datacenter::predict(i));
    }
    out
}

/// The Atlassian connection the response meets, and what of it samlint inferred.
struct Connection {
    cfg: auth0::Config,
    inferred: Vec<crate::finding::Msg>,
}

const ATLASSIAN_ACS: &str = "https://auth.atlassian.com/login/callback?connection=saml-";
/// The connection id of an assumed ACS URL when nothing names one: a placeholder, not an id, so a
/// redacted report shows it as it is (a pseudonym would read like a real connection's).
pub const UNKNOWN_CONNECTION: &str = "<id>";
const ATLASSIAN_ENTITY: &str = "https://auth.atlassian.com/saml/";

/// The connection's values: the flags, else the connection the response was POSTed to (a capture's
/// URL), else what the response itself says. The connection that receives the POST is the one that
/// judges it, so its id names the SP entity ID too.
fn connection(i: &Input) -> Connection {
    let mut inferred = Vec::new();
    let m = i.model;
    // An Atlassian connection's ACS URL is always the callback with its connection id and nothing
    // more: a URL that names the connection stands for that callback (a fragment is never sent, and
    // other parameters are not part of the configured URL Auth0 compares the Destination with).
    let callback = |u: &str| {
        let u = u.split('#').next().unwrap_or(u);
        acs_id_of(u).map(|id| format!("{ATLASSIAN_ACS}{id}"))
    };
    let posted = i
        .source
        .binding
        .url
        .as_deref()
        .filter(|u| u.starts_with("https://auth.atlassian.com/login/callback?"))
        .and_then(callback);
    let recipient = m
        .assertions
        .first()
        .and_then(|a| a.subject.as_ref())
        .and_then(|s| s.confirmations.iter().find_map(|c| c.data.as_ref()))
        .and_then(|d| d.recipient.as_ref())
        .map(|r| r.value.clone());
    let audience = m
        .assertions
        .first()
        .and_then(|a| a.conditions.as_ref())
        .and_then(|c| c.audience_restrictions.iter().flatten().next())
        .map(|t| t.value.trim().to_string());
    let destination = m
        .destination
        .as_ref()
        .map(|d| d.value.clone())
        .filter(|d| !d.is_empty());
    let atl_acs = |u: &Option<String>| u.as_deref().and_then(callback);
    let acs = match (&i.expect.acs_url, posted) {
        (Some(a), _) => a.clone(),
        (None, Some(p)) => p,
        (None, None) => {
            // Every Atlassian connection's ACS is the callback with its id: a URL that names no single
            // connection (none, two, a foreign host, the callback spelt otherwise) is no connection's
            // ACS, and without an id anywhere the ACS is the callback with an unknown one (reviews 2
            // and 3, 2026-12-05: such a Destination was taken as the ACS and matched itself).
            let a = atl_acs(&destination)
                .or_else(|| atl_acs(&recipient))
                .or_else(|| {
                    audience
                        .as_deref()
                        .and_then(entity_id_of)
                        .map(|id| format!("{ATLASSIAN_ACS}{id}"))
                })
                .unwrap_or_else(|| format!("{ATLASSIAN_ACS}{UNKNOWN_CONNECTION}"));
            inferred.push(crate::msg!(
                "the ACS URL is {}",
                crate::finding::Arg::url(&a)
            ));
            a
        }
    };
    let realm = match &i.expect.sp_entity_id {
        Some(s) => s.clone(),
        None => {
            let r = acs_id_of(&acs)
                .map(|id| format!("{ATLASSIAN_ENTITY}{id}"))
                .or(audience)
                .unwrap_or_default();
            inferred.push(crate::msg!(
                "the SP entity ID is {}",
                crate::finding::Arg::url(&r)
            ));
            r
        }
    };
    let now_ms = i.at.map_or(i.now_ms, |a| a.ms);
    if i.at.is_some_and(|a| a.source == "issue-instant") {
        inferred.push(crate::finding::Msg::from(
            "Atlassian received it at its IssueInstant (pass --at, or a HAR capture)",
        ));
    }
    Connection {
        cfg: auth0::Config { realm, acs, now_ms },
        inferred,
    }
}

/// Why the response, as the SP's POST endpoint receives it, does not decode into the XML samlint read,
/// when the input shows how it travelled (reviews 30 and 31: each of these was predicted accepted). A
/// response pasted as parameters without its request keeps the assumptions `cloud` states instead.
pub fn undecodable(s: &Source) -> Option<crate::finding::Msg> {
    use crate::source::Carrier;
    let why = if s.not_base64() {
        "the SAMLResponse parameter holds the XML itself, not its base64: the SP base64-decodes the form field into bytes that are no XML (CORE005)"
    } else if s.carrier() == Carrier::Body && s.inflated() {
        "the response was POSTed DEFLATE-compressed: the SP base64-decodes the form field and never inflates it, so it parses compressed bytes, not XML (ATL018)"
    } else if s.carrier() == Carrier::Body && s.plus_unescaped() {
        "the request body carries the base64's '+' unescaped: the SP's form parser turns them into spaces, which base64 decoding skips, so what it decodes is not the signed XML (CORE004)"
    } else if s.carrier() == Carrier::Query {
        // passport-wsfed-saml2 strategy.js reads a response only from `req.method === 'POST'` with
        // `req.body.SAMLResponse`; a GET starts a new login instead (review 31).
        "the response came in a URL's query (the Redirect binding): the SP's library reads a response only from a POSTed form, so it never reads this one (ATL018)"
    } else if s.carrier() == Carrier::Body && !s.binding.in_body {
        // A POST whose URL, not its body, carries the response (review 32).
        "the response came in the URL's query of a POST, not in its body: the SP's library reads a response only from the POSTed form, so it never reads this one"
    } else if s.carrier() == Carrier::Body && !s.binding.posted() && s.binding.method.is_some() {
        // strategy.js reads `req.body.SAMLResponse` only when `req.method === 'POST'` (review 39).
        "the request that carried the response in its body was not a POST: the SP's library reads a response only from a POST, and starts a new login otherwise"
    } else if s.carrier() == Carrier::Body && s.binding.repeated {
        // Express's form parsers (querystring, qs) read a repeated field as an array, which
        // `new Buffer(…, 'base64')` turns into bytes that are no XML (review 39).
        "the form carries the response's parameter more than once: the SP's form parser reads the copies as a list, which its base64 decoding turns into bytes that are no XML"
    } else {
        return None;
    };
    Some(crate::finding::Msg::from(why))
}

/// body-parser's default `limit` for a URL-encoded body: '100kb', 102,400 bytes.
const EXPRESS_BODY_LIMIT: usize = 100 * 1024;

/// body-parser's default `parameterLimit` for a URL-encoded body.
const EXPRESS_PARAMETER_LIMIT: usize = 1000;

/// The fewest bytes a browser's form body carrying the response has: `SAMLResponse=` and the XML's
/// base64, each '+', '/' and '=' of which a form writes as three bytes (review 44: the base64 alone
/// let a 146 kB body through). It may carry more fields and line breaks: this is a floor. The base64 is
/// computed only when the escapes could matter (a body under a third of the limit cannot reach it).
fn posted_body_floor(s: &Source) -> usize {
    use base64::Engine as _;
    const FIELD: usize = "SAMLResponse=".len();
    let plain = s.text.len().div_ceil(3) * 4;
    if FIELD + 3 * plain <= EXPRESS_BODY_LIMIT {
        return FIELD + plain;
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(s.text.as_bytes());
    FIELD
        + b64.len()
        + 2 * b64
            .bytes()
            .filter(|b| matches!(b, b'+' | b'/' | b'='))
            .count()
}

/// Auth0's library judged as Atlassian configures it: with one certificate (its `cert`, and its SHA-1
/// the one thumbprint). Several given (`--idp-cert` twice, a file or metadata with more): judged once
/// per certificate (review 37: a signature without KeyInfo was checked with the first certificate and
/// one with KeyInfo against all of them, so two certificates passed where any one held fails), those
/// that verified a signature in samlint's own check first, at most [`MOST_HELD`] of them. The first
/// that accepts is the prediction; else the answer under the first certificate that verified a
/// signature (review 38: the first certificate's "Invalid thumbprint" hid the audience or expiry
/// that certificate fails on, and an unknown answer under a certificate that verified nothing hid a
/// rejection); else an unknown answer if one is unknown; else the first rejection. `Some((SHA-1, how
/// many))` names the certificate assumed held.
fn judge_held(
    i: &Input,
    cfg: &auth0::Config,
) -> (auth0::Outcome, auth0::Trace, Option<(String, usize)>) {
    let mut distinct: Vec<&crate::verify::cert::Cert> = Vec::new();
    for c in &i.trust.certs {
        if !distinct.iter().any(|d| d.der == c.der) {
            distinct.push(c);
        }
    }
    let judge = |trust: &crate::verify::Trust| {
        let mut trace = auth0::Trace::default();
        let v = signer::Verifier::new(i.doc, &i.source.text, i.report, trust);
        (auth0::judge(i.doc, cfg, &v, &mut trace), trace)
    };
    if distinct.len() < 2 {
        let (o, t) = judge(i.trust);
        return (o, t, None);
    }
    let verified: Vec<&[u8]> = i.report.map_or_else(Vec::new, |r| {
        r.signatures
            .iter()
            .filter(|s| s.result == "valid")
            .filter_map(|s| s.key.as_ref().map(|k| &k.der[..]))
            .collect()
    });
    let verifies = |c: &crate::verify::cert::Cert| verified.contains(&&c.der[..]);
    // Stable: the order given, those that verified first.
    distinct.sort_by_key(|c| !verifies(c));
    let n = distinct.len();
    let mut under_verifying = None;
    let mut unknown = None;
    let mut first = None;
    for c in distinct.iter().take(MOST_HELD) {
        let one = crate::verify::Trust {
            certs: vec![(*c).clone()],
            ..i.trust.clone()
        };
        let (o, t) = judge(&one);
        let named = Some((c.info.sha1.clone(), n));
        match o {
            auth0::Outcome::Accepted => return (o, t, named),
            _ if verifies(c) && under_verifying.is_none() => under_verifying = Some((o, t, named)),
            auth0::Outcome::Unknown(..) if unknown.is_none() => unknown = Some((o, t, None)),
            _ if first.is_none() => first = Some((o, t, None)),
            _ => {}
        }
    }
    under_verifying.or(unknown).or(first).unwrap_or_else(|| {
        let (o, t) = judge(i.trust);
        (o, t, None)
    })
}

/// The most certificates the library is judged with, one at a time (those that verified a signature
/// come first: one that verified nothing cannot be the one the library accepts with).
const MOST_HELD: usize = 16;

fn cloud(i: &Input, out: &mut Predicted) {
    let conn = connection(i);
    let mut trace = auth0::Trace::default();
    let transport = undecodable(i.source);
    // The whole body, when the set that carried the response is known: its other fields count too
    // (review 49: a 150 kB extra field beside the response was predicted accepted).
    let body_floor =
        posted_body_floor(i.source).max(if i.source.carrier() == crate::source::Carrier::Body {
            i.source.binding.set_bytes
        } else {
            0
        });
    let mut held_of = None;
    let outcome = match &transport {
        Some(why) => auth0::Outcome::Unnamed(auth0::check("undecodable"), why.clone()),
        // A body that is no URL-encoded form, or one naming the parameter again as `SAMLResponse[]`:
        // what Atlassian's form parser hands its library is not modelled (reviews 39 and 40: each
        // was predicted accepted).
        None if i.source.carrier() == crate::source::Carrier::Body
            && i.source.binding.not_urlencoded =>
        {
            auth0::Outcome::Unknown(
                auth0::check("undecodable"),
                "the body was not sent as a URL-encoded form carrying the response (multipart, plain text, another or no media type, a charset other than UTF-8): samlint does not know what Atlassian's form parser reads of it".into(),
            )
        }
        // Express's URL-encoded parser refuses a body over its limit (413) before the library runs;
        // Atlassian's limit is not published (review 41).
        None if body_floor > EXPRESS_BODY_LIMIT => auth0::Outcome::Unknown(
            auth0::check("undecodable"),
            crate::msg!(
                "posted, the form body is at least {} kB, above the 100 kB Express's URL-encoded parser takes by default: samlint does not know the limit Atlassian's ACS sets",
                crate::finding::Arg::plain(body_floor.div_ceil(1024))
            ),
        ),
        // body-parser's `parameterLimit` (1,000 by default): a body with more fields is answered
        // 413 before the library runs; Atlassian's setting is not published.
        None if i.source.carrier() == crate::source::Carrier::Body
            && i.source.binding.set_fields > EXPRESS_PARAMETER_LIMIT =>
        {
            auth0::Outcome::Unknown(
                auth0::check("undecodable"),
                crate::msg!(
                    "the form body has {} fields, more than the 1,000 Express's URL-encoded parser takes by default: samlint does not know the limit Atlassian's ACS sets",
                    crate::finding::Arg::plain(i.source.binding.set_fields)
                ),
            )
        }
        None if i.source.carrier() == crate::source::Carrier::Body
            && i.source.binding.qs_merged =>
        {
            auth0::Outcome::Unknown(
                auth0::check("undecodable"),
                "the form names the response's parameter again with brackets (SAMLResponse[…]): Express's extended form parser reads the copies as a list, its plain one as the unbracketed copy, and samlint does not know which Atlassian uses".into(),
            )
        }
        // What the SP receives is ambiguous (a textarea or select naming the parameter, a form
        // override, a field the browser does not post, a parameter in the action's query): the
        // signature is not `valid` (SIG020), and the library's answer is not predicted either
        // (review 48: a textarea's second SAMLResponse, which the browser posts, was predicted
        // accepted; Express hands the library both copies). The repeated fields samlint read are
        // `undecodable` above.
        None if !i.source.binding.ambiguous.is_empty() => auth0::Outcome::Unknown(
            auth0::check("undecodable"),
            crate::msg!(
                "the query or form that carried the response is ambiguous ({}): samlint does not know what Atlassian receives",
                crate::finding::Arg::plain(i.source.binding.ambiguous.join("; "))
            ),
        ),
        None => {
            let (outcome, t, held) = judge_held(i, &conn.cfg);
            trace = t;
            held_of = held;
            out.nested = auth0::nested_reads(i.doc);
            outcome
        }
    };
    out.divergence = trace.divergence;
    out.digest_comment = std::mem::take(&mut trace.digest_comment);
    let mut assumptions = conn.inferred.clone();
    // When the bytes it parses are not the response, nothing is assumed of how they travelled.
    if transport.is_none() && i.source.inflated() {
        assumptions.push(
            "it came DEFLATE-encoded (the Redirect binding); Atlassian's ACS takes the POST binding, and this is what it would answer had the response been POSTed".into(),
        );
    }
    if transport.is_none() && i.source.binding.fields_only {
        assumptions.push(
            "the form's fields reached Atlassian as the HAR parsed them (it has no body text, so a '+' the IdP left unescaped, a space to Atlassian, would not show)".into(),
        );
    }
    if transport.is_none() && i.source.plus_unescaped() {
        assumptions.push(
            "the base64's '+' reached Atlassian as '+'; the form or query carries them unescaped, which Atlassian reads as spaces, and then it cannot decode the response (CORE004)".into(),
        );
    }
    if trace.assumed_certificate {
        assumptions.push(
            "the certificate pasted into Atlassian is the one the response carries (pass --idp-cert)"
                .into(),
        );
    }
    if let Some((sha1, n)) = held_of {
        assumptions.push(crate::msg!(
            "of the {} certificates given, the one pasted into Atlassian (it holds one) is {}",
            crate::finding::Arg::plain(n.to_string()),
            crate::finding::Arg::plain(format!("SHA-1 {sha1}"))
        ));
    }
    let inferred = !assumptions.is_empty();
    let cap = |c: Confidence| {
        if inferred {
            c.min(Confidence::Inferred)
        } else {
            c
        }
    };
    let base = Prediction {
        sp: "atlassian-cloud",
        stage: Stage::SamlLibrary,
        answer: Answer::Accepted,
        error_description: None,
        error: None,
        model: auth0::MODEL,
        confidence: cap(auth0::ACCEPTED_CONFIDENCE),
        check: None,
        message: None,
        assumptions,
        reason: None,
    };
    let p = match outcome {
        auth0::Outcome::Accepted => base,
        auth0::Outcome::Rejected(c, message) => Prediction {
            answer: Answer::Rejected,
            error_description: Some(message.visible()),
            error: Some("access_denied"),
            confidence: cap(c.confidence),
            check: Some(c.id),
            message: Some(message),
            reason: trace.why.clone(),
            ..base
        },
        // The library rejects (its bytes differ from those signed), with a text samlint does not
        // compute.
        auth0::Outcome::Unnamed(c, reason) => Prediction {
            answer: Answer::Rejected,
            error: Some("access_denied"),
            confidence: cap(Confidence::Inferred),
            check: Some(c.id),
            reason: Some(reason),
            ..base
        },
        auth0::Outcome::Unknown(c, reason) => Prediction {
            answer: Answer::Unknown,
            confidence: Confidence::Unconfirmed,
            check: Some(c.id),
            reason: Some(reason),
            ..base
        },
    };
    // The certificate that signed, when the library verified with one that is not the configured one.
    let configured: Vec<[u8; 20]> = i.trust.certs.iter().map(|c| auth0::sha1(&c.der)).collect();
    out.signed_by = trace
        .embedded
        .iter()
        .find(|(_, der, ok)| *ok && !configured.contains(&auth0::sha1(der)))
        .and_then(|(_, der, _)| {
            let cert = crate::verify::cert::info(der).ok()?;
            Some(SignedBy {
                cert,
                source: "key-info",
                reason: "keyinfo-certificate-not-configured",
                der: der.clone(),
                configured: i.trust.certs.iter().map(|c| c.info.sha1.clone()).collect(),
            })
        })
        .filter(|_| !configured.is_empty());
    out.predictions.push(p);
    if let Some(a) = account::predict(i.doc, i.domains) {
        out.predictions.push(a);
    }
}

/// PRO020: the library's rejection, when no error of the message (`findings`, PRO019 included) says
/// why (review 59: a KeyInfo certificate that starts with a comment, `ID` and `Id` on one assertion,
/// inclusive c14n 1.1 were predicted rejected and exited 0 with no warning). Warnings do not silence
/// it (review 61: an unrelated ATL007 did, and with ATL007 in a baseline the rejection exited 0 with
/// no finding at all); one that names the cause (SIG024, CORE004) may stand beside it.
pub fn unexplained_rejection(
    doc: &Document,
    p: &Predicted,
    findings: &[crate::finding::Finding],
) -> Option<crate::finding::Finding> {
    use crate::finding::{Arg, Msg};
    let pr = p
        .predictions
        .iter()
        .find(|x| x.stage == Stage::SamlLibrary && x.answer == Answer::Rejected)?;
    // Only an error of a rule that names the check the library stopped at explains it (auth0.rs
    // CHECKS: each check's rules). Review 62: ATL005 (the account step, after the library's answer)
    // kept in a baseline silenced PRO020 and the rejection exited 0; review 63: PRO016, which the
    // library does not check, did the same.
    let explains = pr.check.map_or(&[][..], |c| auth0::check(c).rules);
    if findings
        .iter()
        .any(|f| f.severity >= crate::finding::Severity::Error && explains.contains(&f.code))
    {
        return None;
    }
    // The library's message, its words plain and its values typed (redacted by kind), else the
    // reason samlint gives for a rejection whose text it does not compute.
    let why = match &pr.message {
        Some(t) => {
            let mut m = Msg::default();
            for part in &t.0 {
                m.push(match part {
                    text::Part::Lit(s) => crate::msg!("{}", Arg::plain(s)),
                    text::Part::Url(u) => crate::msg!("{}", Arg::url(u.clone())),
                    text::Part::Id(i) => crate::msg!("{}", Arg::id(i.clone())),
                    text::Part::Blob(b) | text::Part::Value(b) => {
                        crate::msg!("{}", Arg::value(b.clone()))
                    }
                });
            }
            let mut quoted = crate::msg!("`");
            quoted.push(m);
            quoted.push(crate::msg!("`"));
            quoted
        }
        None => pr.reason.clone()?,
    };
    let root = doc.element(doc.root)?;
    let mut message = crate::msg!(
        "Atlassian Cloud's SAML library rejects this response, and no error names the check it stops at: "
    );
    message.push(why);
    Some(
        crate::finding::Finding::new(&crate::registry::PRO020, message)
            .at(root.start_tag, doc.path(doc.root))
            .label("rejected by Atlassian Cloud's library"),
    )
}

/// PRO019: what Atlassian Cloud's library reads by name below the assertion that is not the
/// assertion's own and reads otherwise, one finding each, at the element it reads.
pub fn nested_findings(doc: &Document, p: &Predicted) -> Vec<crate::finding::Finding> {
    use crate::finding::Arg;
    p.nested
        .iter()
        .filter_map(|n| {
            let e = doc.element(n.read)?;
            let at = e.start_tag;
            let where_ = Arg::path(doc.path(n.read));
            // A path names local names only: an element of another namespace says so (review 58:
            // an `x:Conditions` before the assertion's own read as the same path twice).
            let foreign = match e.ns.as_deref() {
                Some(crate::model::ns::SAML) => None,
                Some(other) => Some(crate::msg!(
                    "; the element it reads is of the namespace `{}`, not SAML's",
                    Arg::value(other)
                )),
                None => Some(crate::msg!(
                    "; the element it reads is in no namespace, not SAML's"
                )),
            };
            let text = |x: crate::xml::NodeId| Arg::value(auth0::text_content(doc, x).trim().to_string());
            let attr = |x: crate::xml::NodeId, k: &str| {
                doc.attr(x, k)
                    .map_or_else(|| Arg::plain("none"), |a| Arg::value(a.value.clone()))
            };
            // The assertion's own element, or `none`.
            let own = n
                .own
                .map_or_else(|| Arg::plain("none"), |o| Arg::path(doc.path(o)));
            let message = match n.what {
                auth0::Read::NameId => crate::msg!(
                    "Atlassian Cloud's SAML library reads the NameID `{}` at {}, not the assertion's own ({}): that is the identity it logs in",
                    text(n.read), where_, own
                ),
                auth0::Read::Conditions => crate::msg!(
                    "Atlassian Cloud's SAML library reads the Conditions at {} (NotBefore {}, NotOnOrAfter {}), not the assertion's own ({}): it checks that time window",
                    where_, attr(n.read, "NotBefore"), attr(n.read, "NotOnOrAfter"), own
                ),
                auth0::Read::Audience => crate::msg!(
                    "Atlassian Cloud's SAML library reads the Audience `{}` at {}, not the assertion's own ({}): it checks that one against its entity ID",
                    text(n.read), where_, own
                ),
                auth0::Read::SubjectConfirmationData => crate::msg!(
                    "Atlassian Cloud's SAML library reads the SubjectConfirmationData at {} (Recipient {}), not the assertion's own ({}): it checks that Recipient against its ACS",
                    where_, attr(n.read, "Recipient"), own
                ),
                auth0::Read::Attribute => crate::msg!(
                    "Atlassian Cloud's SAML library reads the Attribute {} at {}, which is not one of the assertion's own SAML attributes: it becomes a claim of the user's profile",
                    attr(n.read, "Name"), where_
                ),
                auth0::Read::AttributeValue => crate::msg!(
                    "Atlassian Cloud's SAML library reads the element at {} as a value (`{}`) of its Attribute {}: it takes every child element's text, where SAML puts values in AttributeValue elements",
                    where_, text(n.read), doc.node(n.read).parent.map_or_else(|| Arg::plain("none"), |p| attr(p, "Name"))
                ),
            };
            let mut message = message;
            if let Some(f) = foreign {
                message.push(f);
            }
            Some(
                crate::finding::Finding::new(&crate::registry::PRO019, message)
                    .at(at, doc.path(n.read))
                    .label("read by Atlassian Cloud's library"),
            )
        })
        .collect()
}

/// SIG026: a signature Atlassian Cloud's library passes by the digest it reads from the DigestValue's
/// first child (a comment), where the digest that was signed does not match the content.
pub fn digest_comment_findings(doc: &Document, p: &Predicted) -> Vec<crate::finding::Finding> {
    p.digest_comment
        .iter()
        .filter_map(|s| digest_comment_finding(doc, *s))
        .collect()
}

fn digest_comment_finding(
    doc: &Document,
    s: crate::xml::NodeId,
) -> Option<crate::finding::Finding> {
    let at = doc.element(s)?.start_tag;
    Some(
        crate::finding::Finding::new(
            &crate::registry::SIG026,
            crate::msg!(
                "Atlassian Cloud's SAML library reads this signature's digest from the DigestValue's first child (a comment, or the first of several texts), which matches the content as it is now, while the digest that was signed does not: the content was changed after signing, and the library's signature check passes it (CVE-2025-29775)"
            ),
        )
        .at(at, doc.path(s))
        .label("forged content passes in Atlassian Cloud's library"),
    )
}

/// SIG024: the signature Atlassian Cloud's library rejects because it canonicalises its content or
/// SignedInfo into other bytes than the specification (a valid signature, a login that fails).
pub fn divergence_finding(doc: &Document, p: &Predicted) -> Option<crate::finding::Finding> {
    let d = p.divergence?;
    let at = doc.element(d.signature)?.start_tag;
    let part = if d.in_signed_info {
        "its SignedInfo"
    } else {
        "the content it signs"
    };
    Some(
        crate::finding::Finding::new(
            &crate::registry::SIG024,
            crate::msg!(
                "Atlassian Cloud's SAML library writes the canonical form of {} otherwise than the specification ({}): the signature verifies over the specification's form, not over the library's, so the login is rejected",
                crate::finding::Arg::plain(part),
                crate::finding::Arg::plain(d.reason())
            ),
        )
        .at(at, doc.path(d.signature))
        .label("fails in Atlassian Cloud's library"),
    )
}
