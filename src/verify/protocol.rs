//! Protocol checks (codes `PRO…`): status, issuer, audience, destination and recipient, bearer
//! confirmation, InResponseTo, and time windows. Expected values come from flags; when a flag is absent
//! the value is inferred from the message and the message is checked against itself.

use super::time::{Millis, format, human_duration, parse, parse_xs};
use crate::finding::{Arg, Finding, Msg, RuleMeta};
use crate::model::{Assertion, Message, MessageKind, Subject, Val};
use crate::msg;
use crate::registry::{
    PRO001, PRO002, PRO003, PRO004, PRO005, PRO006, PRO007, PRO008, PRO009, PRO010, PRO011, PRO012,
    PRO013, PRO015, PRO016, PRO018, PRO021, PRO022, PRO023,
};

/// What the SP expects.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    pub sp_entity_id: Option<String>,
    pub acs_url: Option<String>,
    pub idp_entity_id: Option<String>,
    pub request_id: Option<String>,
}

/// Facts from around the message.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// IDs of AuthnRequests seen earlier in the same input (a HAR), newest last.
    pub requests: &'a [String],
    /// This Response's, or one of its assertions', ID that an earlier Response of the same input
    /// carried (PRO021).
    pub replayed: Option<&'a Replayed>,
    /// The evaluation instant and where it came from (`now`, `fixed`, `capture`, `issue-instant`).
    pub at: Option<(Millis, &'static str)>,
    /// Browser time of the request that carried the message (HAR).
    pub capture_ms: Option<Millis>,
    /// The capture gave a time for that request that is not one samlint reads.
    pub capture_unread: bool,
    pub skew_ms: i64,
}

/// An ID a Response of a capture carries that an earlier Response of the same capture carried: the
/// assertion's when an assertion's is, else the Response's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub id: String,
    /// Which assertion of the message (its index), or `None` for the Response itself.
    pub assertion: Option<usize>,
    /// Where it was posted first: the request as the capture's origin names it (`entry N` of a HAR,
    /// `request N` of a SAML-tracer export), else `message N` of the input.
    pub earlier: String,
}

/// Where a message of a capture was sent, for [`replays`].
#[derive(Debug, Clone, Copy)]
pub struct Posted<'m> {
    /// The request's words as the origin shows them (`entry 4`, `request 3`), if from a capture.
    pub request: Option<&'m str>,
    /// The HTTP status of the answer, if the capture has one.
    pub status: Option<i64>,
}

/// For each message of one input, in order: the [`Replayed`] ID of a Response, if any. Linear (one
/// hash map of the IDs seen). IDs repeated within one message are the wrapping checks' (SIG005); two
/// copies in one request (its URL and its body) are the binding's (ambiguous parameters). A post the
/// SP did not consume is no first post (review 65): one answered 307 or 308 (the browser sends it
/// again, to the new address) or with status 0 (aborted, or never answered).
pub fn replays<'m>(
    messages: impl Iterator<Item = Option<(&'m Message, Posted<'m>)>>,
) -> Vec<Option<Replayed>> {
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for (k, m) in messages.enumerate() {
        let Some((m, posted)) = m.filter(|(m, _)| m.kind == MessageKind::Response) else {
            out.push(None);
            continue;
        };
        let here = posted
            .request
            .map_or_else(|| format!("message {}", k + 1), str::to_string);
        let ids: Vec<(&str, Option<usize>)> = m
            .assertions
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.id.as_ref().map(|v| (v.value.as_str(), Some(i))))
            .chain(m.id.as_ref().map(|v| (v.value.as_str(), None)))
            .filter(|(id, _)| !id.is_empty())
            .collect();
        out.push(ids.iter().find_map(|(id, assertion)| {
            seen.get(*id)
                .filter(|earlier| **earlier != here)
                .map(|earlier| Replayed {
                    id: id.to_string(),
                    assertion: *assertion,
                    earlier: earlier.clone(),
                })
        }));
        if matches!(posted.status, Some(0 | 307 | 308)) {
            continue;
        }
        for (id, _) in ids {
            seen.entry(id.to_string()).or_insert_with(|| here.clone());
        }
    }
    out
}

/// PRO021: the assertion (or the Response) was posted before in this capture.
fn replay(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(r) = c.cx.replayed else { return };
    let (what, span, path) = match r.assertion.and_then(|i| c.m.assertions.get(i)) {
        Some(a) => ("assertion", a.start_tag, a.path.clone()),
        None => ("Response", c.m.start_tag, c.root.clone()),
    };
    out.push(
        Finding::new(
            &PRO021,
            msg!(
                "this {} (ID \"{}\") was posted earlier in this capture ({}): an SP consumes a bearer assertion once and refuses it when it comes again",
                Arg::plain(what),
                Arg::id(r.id.as_str()),
                Arg::plain(&r.earlier)
            ),
        )
        .at(span, &path)
        .label("posted before"),
    );
}

/// The smallest clock skew that would have accepted a miss of `ms`: exact seconds, plus a readable form.
fn min_skew(ms: i64) -> String {
    let secs = (ms.max(0) + 999) / 1000;
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{secs} s ({})", human_duration(secs * 1000))
    }
}

const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

fn short_status(uri: &str) -> &str {
    uri.rsplit(':').next().unwrap_or(uri)
}

/// A status code explained; an unknown one is shown as the (redactable) value it is.
fn explain_status(code: &str, subs: &[&str]) -> Msg {
    let sub = subs.first().copied().unwrap_or("");
    match short_status(sub) {
        "InvalidNameIDPolicy" => msg!(
            "InvalidNameIDPolicy: the IdP cannot produce the NameID format asked for. With Keycloak and NameID format 'email' this means the user has no email address in Keycloak (pitfall 4)"
        ),
        "AuthnFailed" => msg!("AuthnFailed: the user could not be authenticated at the IdP"),
        "RequestDenied" => {
            msg!("RequestDenied: the IdP refused the request (client disabled, or policy)")
        }
        "NoPassive" => {
            msg!("NoPassive: the SP asked for passive login and the user has no IdP session")
        }
        "UnknownPrincipal" => msg!("UnknownPrincipal: the IdP does not know this user"),
        "RequestUnsupported" => msg!(
            "RequestUnsupported: the IdP does not support something in the AuthnRequest (binding, signature)"
        ),
        "" => match short_status(code) {
            "Requester" => msg!(
                "Requester: the IdP blames the request (Keycloak: 'Invalid requester' — client signature required, unknown client ID, or a redirect URI it does not accept)"
            ),
            "Responder" => msg!("Responder: the IdP failed on its side"),
            "VersionMismatch" => msg!("VersionMismatch: not SAML 2.0"),
            _ => msg!("{}", Arg::value(code)),
        },
        _ => msg!("{}", Arg::value(sub)),
    }
}

fn strip_auth(s: &str) -> String {
    s.replacen("/auth/realms/", "/realms/", 1)
}

/// Where two different identifiers (URLs, or URNs) first differ, said in samlint's words: the part of a
/// URL, or a difference of case, a trailing slash or white space. Shown after the two values, so that
/// the difference is found in a long URL, and survives redaction (which drops query values: two URLs
/// that differ only there look alike redacted). Empty when there is nothing short to say.
pub(crate) fn differs_in(got: &str, want: &str) -> &'static str {
    if got == want {
        return "";
    }
    if got.trim() == want.trim() {
        return " (they differ only in white space around the value)";
    }
    let (g, w) = (got.trim(), want.trim());
    if g.eq_ignore_ascii_case(w) {
        return " (they differ only in upper and lower case)";
    }
    if g.trim_end_matches('/') == w.trim_end_matches('/') {
        return " (they differ only in a trailing slash)";
    }
    // scheme://authority/path?query#fragment (RFC 3986 §3), compared part by part.
    fn parts(u: &str) -> Option<[&str; 5]> {
        let (scheme, rest) = u.split_once("://")?;
        let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        Some([scheme, host, path, query, fragment])
    }
    let (Some(a), Some(b)) = (parts(g), parts(w)) else {
        return "";
    };
    const WHERE: [&str; 5] = [
        " (they differ in the scheme)",
        " (they differ in the host)",
        " (they differ in the path)",
        " (they differ in the query)",
        " (they differ in the fragment)",
    ];
    a.iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .map_or("", |i| WHERE[i])
}

/// The value of an optional attribute.
fn val(v: &Option<Val>) -> Option<&str> {
    v.as_ref().map(|v| v.value.as_str())
}

/// What every check reads: the message, what the SP expects, the facts around the message, and the
/// expected values resolved once (given by a flag, else inferred from the message).
struct Ctx<'a> {
    m: &'a Message,
    expect: &'a Expect,
    cx: &'a Context<'a>,
    /// `/{root element name}`, the path of message-level findings.
    root: String,
    /// Every SubjectConfirmationData Recipient, with its path, in document order.
    recipients: Vec<(&'a Val, String)>,
    /// The SP entity ID: `--sp-entity-id`, else the first Audience.
    sp: Option<String>,
    /// The ACS URL: `--acs-url`, else a non-empty Destination, else the first Recipient.
    acs: Option<String>,
}

/// One protocol check: it reads the context and adds its findings.
type Check = fn(&Ctx, &mut Vec<Finding>);

/// Which messages a check reads: Responses only (the login's answer), or every SAML protocol message
/// (Response, AuthnRequest, LogoutRequest, LogoutResponse).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reads {
    Responses,
    Messages,
}

/// Every protocol check, each once, in the order its findings are reported (the machine formats keep
/// this order), with the rules it may report and the messages it reads. A rule belongs to exactly one
/// check (see the tests).
const CHECKS: &[(&[&RuleMeta], Reads, Check)] = &[
    (&[&PRO001], Reads::Responses, status),
    (&[&PRO002], Reads::Messages, issuer),
    (&[&PRO003], Reads::Responses, audience),
    (&[&PRO016], Reads::Responses, sp_name_qualifier),
    (&[&PRO004], Reads::Responses, destination),
    (&[&PRO005], Reads::Responses, recipient),
    (&[&PRO011, &PRO006], Reads::Responses, subject_and_bearer),
    (&[&PRO008, &PRO007], Reads::Responses, in_response_to),
    (&[&PRO021], Reads::Responses, replay),
    (&[&PRO018], Reads::Messages, time_syntax),
    (&[&PRO012], Reads::Responses, time_not_checked),
    (&[&PRO009, &PRO010], Reads::Responses, time_windows),
    (&[&PRO023, &PRO022], Reads::Responses, window_lengths),
    (&[&PRO015], Reads::Responses, idp_clock),
    (&[&PRO013], Reads::Responses, inferred),
];

pub fn check(m: &Message, expect: &Expect, cx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let reads = match m.kind {
        MessageKind::Response => [Reads::Responses, Reads::Messages].as_slice(),
        MessageKind::AuthnRequest | MessageKind::LogoutRequest | MessageKind::LogoutResponse => {
            &[Reads::Messages]
        }
        _ => return out,
    };
    let ctx = Ctx::new(m, expect, cx);
    for (_, on, run) in CHECKS {
        if reads.contains(on) {
            run(&ctx, &mut out);
        }
    }
    out
}

impl<'a> Ctx<'a> {
    fn new(m: &'a Message, expect: &'a Expect, cx: &'a Context<'a>) -> Self {
        let recipients = recipients(m);
        let sp = match &expect.sp_entity_id {
            Some(s) => Some(s.clone()),
            None => first_audience(m),
        };
        let acs = match &expect.acs_url {
            Some(u) => Some(u.clone()),
            None => val(&m.destination)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .or_else(|| recipients.first().map(|(r, _)| r.value.clone())),
        };
        Ctx {
            m,
            expect,
            cx,
            root: format!("/{}", m.root_name),
            recipients,
            sp,
            acs,
        }
    }
}

/// The first Audience of any assertion, in document order.
fn first_audience(m: &Message) -> Option<String> {
    m.assertions
        .iter()
        .flat_map(|a| a.conditions.iter().flat_map(|c| &c.audience_restrictions))
        .flatten()
        .next()
        .map(|t| t.value.trim().to_string())
}

fn recipients(m: &Message) -> Vec<(&Val, String)> {
    m.assertions
        .iter()
        .flat_map(|a| {
            a.subject.iter().flat_map(move |s| {
                s.confirmations
                    .iter()
                    .filter_map(|c| c.data.as_ref().and_then(|d| d.recipient.as_ref()))
                    .map(move |r| {
                        (
                            r,
                            format!(
                                "{}/Subject/SubjectConfirmation/SubjectConfirmationData",
                                a.path
                            ),
                        )
                    })
            })
        })
        .collect()
}

/// The Response's own Issuer, trimmed.
fn response_issuer(m: &Message) -> Option<String> {
    m.issuer.as_ref().map(|i| i.value.value.trim().to_string())
}

/// PRO001: a status other than Success, explained.
fn status(c: &Ctx, out: &mut Vec<Finding>) {
    if let Some(st) = &c.m.status
        && let Some(code) = &st.code
        && code.value != SUCCESS
    {
        let subs: Vec<&str> = st.sub_codes.iter().map(|s| s.value.as_str()).collect();
        let mut msg = msg!("status ");
        msg.push(explain_status(&code.value, &subs));
        if let Some(sm) = &st.message {
            msg.push(msg!(" (StatusMessage: \"{}\")", Arg::text(sm.value.trim())));
        }
        let span = st.sub_codes.first().map_or(code.span, |s| s.span);
        out.push(
            Finding::new(&PRO001, msg)
                .at(span, format!("{}/Status/StatusCode", c.root))
                .label("status"),
        );
    }
}

/// PRO002: each Assertion Issuer against the Response Issuer, then every Issuer against the expected
/// IdP entity ID. A logout message is sent by either side: its Issuer against both entity IDs, when
/// both are known (review 37: one that named neither was checked with both key sets, no finding).
fn issuer(c: &Ctx, out: &mut Vec<Finding>) {
    match c.m.kind {
        MessageKind::Response => {}
        MessageKind::LogoutRequest | MessageKind::LogoutResponse => return logout_issuer(c, out),
        _ => return,
    }
    let r_issuer = response_issuer(c.m);
    for a in &c.m.assertions {
        let Some(ai) = &a.issuer else { continue };
        let av = ai.value.value.trim();
        if let Some(ri) = &r_issuer
            && ri != av
        {
            out.push(
                Finding::new(
                    &PRO002,
                    msg!(
                        "the Assertion Issuer \"{}\" differs from the Response Issuer \"{}\"{}",
                        Arg::url(av),
                        Arg::url(ri.as_str()),
                        Arg::plain(differs_in(av, ri))
                    ),
                )
                .at(ai.value.span, format!("{}/Issuer", a.path))
                .label("assertion issuer"),
            );
        }
    }
    let Some(want) = &c.expect.idp_entity_id else {
        return;
    };
    let issuers = c.m.issuer.iter().map(|i| (i, c.root.clone())).chain(
        c.m.assertions
            .iter()
            .filter_map(|a| a.issuer.as_ref().map(|i| (i, a.path.clone()))),
    );
    for (i, path) in issuers {
        let got = i.value.value.trim();
        if got != want {
            let hint = if strip_auth(got) == strip_auth(want) {
                " — they differ only by Keycloak's legacy /auth path prefix (Keycloak 17+ dropped it; use the realm URL the IdP really sends)"
            } else {
                differs_in(got, want)
            };
            out.push(
                Finding::new(
                    &PRO002,
                    msg!(
                        "Issuer \"{}\" is not the expected IdP entity ID \"{}\"{}",
                        Arg::url(got),
                        Arg::url(want.as_str()),
                        Arg::plain(hint)
                    ),
                )
                .at(i.value.span, format!("{path}/Issuer"))
                .label("issuer"),
            );
        }
    }
}

/// Which side a logout message's Issuer names, by the entity IDs known (the IdP's, the SP's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Idp,
    Sp,
    /// Both entity IDs are known and the Issuer is neither.
    Neither,
    /// No Issuer, or it is not one of the entity IDs known and one is not known.
    Unknown,
}

/// [`Sender`] of a logout message: what lint.rs checks its signature with (only the sender's keys)
/// and what PRO002 reports (an Issuer that names neither side).
pub fn logout_sender(m: &Message, idp: Option<&str>, sp: Option<&str>) -> Sender {
    let Some(issuer) = m.issuer.as_ref().map(|i| i.value.value.trim()) else {
        return Sender::Unknown;
    };
    if idp == Some(issuer) {
        Sender::Idp
    } else if sp == Some(issuer) {
        Sender::Sp
    } else if idp.is_some() && sp.is_some() {
        Sender::Neither
    } else {
        Sender::Unknown
    }
}

/// PRO002 on a logout message: its Issuer is neither the IdP's entity ID nor the SP's.
fn logout_issuer(c: &Ctx, out: &mut Vec<Finding>) {
    let (idp, sp) = (
        c.expect.idp_entity_id.as_deref(),
        c.expect.sp_entity_id.as_deref(),
    );
    let (Some(i), Some(idp), Some(sp)) = (&c.m.issuer, idp, sp) else {
        return;
    };
    let got = i.value.value.trim();
    if logout_sender(c.m, Some(idp), Some(sp)) == Sender::Neither {
        out.push(
            Finding::new(
                &PRO002,
                msg!(
                    "Issuer \"{}\" of this logout message is neither the IdP entity ID \"{}\" nor the SP entity ID \"{}\": which side sent it is not known, and its signature is checked with both sides' keys",
                    Arg::url(got),
                    Arg::url(idp),
                    Arg::url(sp)
                ),
            )
            .at(i.value.span, format!("{}/Issuer", c.root))
            .label("issuer")
            .help("a logout message's Issuer is its sender's entity ID, exactly: the IdP's (Keycloak: the realm URL) or the SP's"),
        );
    }
}

/// PRO003: white space around an Audience. Compared as written (Auth0's library, so Atlassian
/// Cloud), it names no SP; [`audience`]'s comparisons ignore it, so that it is said once, here.
fn audience_white_space(a: &Assertion, out: &mut Vec<Finding>) {
    for t in a
        .conditions
        .iter()
        .flat_map(|c| &c.audience_restrictions)
        .flatten()
    {
        let v = t.value.trim();
        if !v.is_empty() && v.len() != t.value.len() {
            out.push(
                Finding::new(
                    &PRO003,
                    msg!(
                        "Audience \"{}\" has white space around it: an SP that compares it as written (Atlassian Cloud's library does) matches no entity ID",
                        Arg::url(v)
                    ),
                )
                .at(t.span, format!("{}/Conditions/AudienceRestriction/Audience", a.path))
                .label("white space")
                .help("remove the white space around the Audience: in Keycloak, around the client ID (or the value of the mapper that sets the Audience)"),
            );
        }
    }
}

/// PRO003: an assertion without an Audience, an empty Audience, an Audience that is not the SP.
fn audience(c: &Ctx, out: &mut Vec<Finding>) {
    for a in &c.m.assertions {
        audience_white_space(a, out);
        let has = a
            .conditions
            .as_ref()
            .is_some_and(|c| c.audience_restrictions.iter().any(|r| !r.is_empty()));
        if !has {
            let at = a.conditions.as_ref().map_or(a.start_tag, |c| c.span);
            out.push(
                Finding::new(&PRO003, "the assertion has no AudienceRestriction/Audience")
                    .at(at, format!("{}/Conditions", a.path))
                    .label("no audience"),
            );
        }
    }
    // Every AudienceRestriction must hold: restrictions that share no Audience exclude every SP, known
    // or not (an SP that reads only the first one, as Auth0's library does, accepts what the others
    // forbid). Linear: the audiences of the first restriction, kept while each other one names them.
    if c.expect.sp_entity_id.is_none() {
        for a in &c.m.assertions {
            let mut rs = a
                .conditions
                .iter()
                .flat_map(|c| &c.audience_restrictions)
                .filter(|r| !r.is_empty());
            let Some(first) = rs.next() else { continue };
            let mut common: std::collections::HashSet<&str> =
                first.iter().map(|t| t.value.trim()).collect();
            let mut last = None;
            for r in rs {
                let here: std::collections::HashSet<&str> =
                    r.iter().map(|t| t.value.trim()).collect();
                common.retain(|v| here.contains(v));
                last = Some(r);
            }
            if let (true, Some(r)) = (common.is_empty(), last.and_then(|r| r.first())) {
                out.push(
                    Finding::new(
                        &PRO003,
                        "no Audience is in every AudienceRestriction, and each must hold: no SP accepts this assertion under the rules, and one that reads only the first restriction accepts what the others forbid",
                    )
                    .at(r.span, format!("{}/Conditions/AudienceRestriction", a.path))
                    .label("disjoint audiences"),
                );
            }
        }
    }
    let Some(sp) = &c.sp else { return };
    for a in &c.m.assertions {
        let at = format!("{}/Conditions/AudienceRestriction/Audience", a.path);
        // The Audiences of one AudienceRestriction are alternatives, and every AudienceRestriction
        // must hold (SAML 2.0 Core §2.5.1.4): another Audience beside the SP's is no finding.
        for r in a.conditions.iter().flat_map(|c| &c.audience_restrictions) {
            let names_sp = r.iter().any(|t| t.value.trim() == sp.as_str());
            for t in r {
                let v = t.value.trim();
                if v.is_empty() {
                    out.push(
                        Finding::new(&PRO003, "empty Audience")
                            .at(t.span, at.clone())
                            .label("empty"),
                    );
                } else if c.expect.sp_entity_id.is_some() && !names_sp {
                    out.push(
                        Finding::new(
                            &PRO003,
                            msg!(
                                "Audience \"{}\" is not the SP entity ID \"{}\"{}",
                                Arg::url(v),
                                Arg::url(sp.as_str()),
                                Arg::plain(differs_in(v, sp))
                            ),
                        )
                        .at(t.span, at.clone())
                        .label("audience"),
                    );
                }
            }
        }
    }
}

/// PRO016: a NameID SPNameQualifier that is not the SP entity ID given by the flag.
fn sp_name_qualifier(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(sp) = &c.sp else { return };
    for a in &c.m.assertions {
        if let Some(q) = a
            .subject
            .as_ref()
            .and_then(|s| s.name_id.as_ref())
            .and_then(|n| n.sp_name_qualifier.as_ref())
            && q.value != *sp
            && c.expect.sp_entity_id.is_some()
        {
            out.push(
                Finding::new(
                    &PRO016,
                    msg!(
                        "SPNameQualifier \"{}\" is not the SP entity ID \"{}\"{}",
                        Arg::url(&q.value),
                        Arg::url(sp.as_str()),
                        Arg::plain(differs_in(&q.value, sp))
                    ),
                )
                .at(q.span, format!("{}/Subject/NameID", a.path))
                .label("SPNameQualifier"),
            );
        }
    }
}

/// PRO004: an empty Destination, or one that is not the ACS URL (or, inferred, the Recipient).
fn destination(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(d) = &c.m.destination else { return };
    if d.value.is_empty() {
        out.push(
            Finding::new(&PRO004, "Destination is empty")
                .at(d.span, &c.root)
                .label("empty Destination"),
        );
    } else if let Some(acs) = &c.acs
        && d.value != *acs
    {
        // Only a given ACS URL can differ: an inferred one is this non-empty Destination itself.
        out.push(
            Finding::new(
                &PRO004,
                msg!(
                    "Destination \"{}\" is not the ACS URL \"{}\"{}",
                    Arg::url(&d.value),
                    Arg::url(acs.as_str()),
                    Arg::plain(differs_in(&d.value, acs))
                ),
            )
            .at(d.span, &c.root)
            .label("Destination"),
        );
    }
}

/// PRO005: a Recipient that is not the ACS URL (given, taken from a non-empty Destination, or else
/// from the first Recipient, so that the others are compared with it).
fn recipient(c: &Ctx, out: &mut Vec<Finding>) {
    let Some(acs) = &c.acs else { return };
    // Every Recipient, also when the ACS was taken from the first of them: a second one that differs
    // is what an SP reading another SubjectConfirmation would compare.
    for (r, path) in &c.recipients {
        if r.value != *acs {
            out.push(
                Finding::new(
                    &PRO005,
                    msg!(
                        "Recipient \"{}\" is not the ACS URL \"{}\"{}",
                        Arg::url(&r.value),
                        Arg::url(acs.as_str()),
                        Arg::plain(differs_in(&r.value, acs))
                    ),
                )
                .at(r.span, path)
                .label("Recipient"),
            );
        }
    }
}

/// PRO011 then PRO006, assertion by assertion: the Subject and NameID, then the bearer confirmation.
fn subject_and_bearer(c: &Ctx, out: &mut Vec<Finding>) {
    for a in &c.m.assertions {
        let Some(s) = &a.subject else {
            out.push(
                Finding::new(&PRO011, "the assertion has no Subject")
                    .at(a.start_tag, &a.path)
                    .label("no Subject"),
            );
            continue;
        };
        subject(a, s, out);
        bearer(a, s, out);
    }
}

/// PRO011: a Subject without a NameID (nor an EncryptedID), or with an empty one.
fn subject(a: &Assertion, s: &Subject, out: &mut Vec<Finding>) {
    if s.name_id.is_none() && !s.encrypted_id {
        out.push(
            Finding::new(&PRO011, "the Subject has no NameID")
                .at(s.span, format!("{}/Subject", a.path))
                .label("no NameID"),
        );
    } else if let Some(n) = &s.name_id
        && n.value.value.trim().is_empty()
    {
        out.push(
            Finding::new(&PRO011, "the NameID is empty")
                .at(n.span, format!("{}/Subject/NameID", a.path))
                .label("empty NameID"),
        );
    }
}

/// PRO006: no bearer SubjectConfirmation, or one without data, Recipient or NotOnOrAfter.
fn bearer(a: &Assertion, s: &Subject, out: &mut Vec<Finding>) {
    let bearer: Vec<_> = s
        .confirmations
        .iter()
        .filter(|c| val(&c.method) == Some(BEARER))
        .collect();
    if bearer.is_empty() {
        let msg = if s.confirmations.is_empty() {
            msg!("the Subject has no SubjectConfirmation")
        } else {
            msg!("no SubjectConfirmation has Method bearer")
        };
        out.push(
            Finding::new(&PRO006, msg)
                .at(s.span, format!("{}/Subject", a.path))
                .label("no bearer confirmation"),
        );
    }
    for c in bearer {
        let Some(d) = &c.data else {
            out.push(
                Finding::new(
                    &PRO006,
                    "the bearer SubjectConfirmation has no SubjectConfirmationData",
                )
                .at(c.span, format!("{}/Subject/SubjectConfirmation", a.path))
                .label("no data"),
            );
            continue;
        };
        let missing = match (d.recipient.is_none(), d.not_on_or_after.is_none()) {
            (false, false) => continue,
            (true, true) => "Recipient and NotOnOrAfter",
            (true, false) => "Recipient",
            (false, true) => "NotOnOrAfter",
        };
        out.push(
            Finding::new(
                &PRO006,
                msg!(
                    "the bearer SubjectConfirmationData has no {}",
                    Arg::plain(missing)
                ),
            )
            .at(
                d.span,
                format!(
                    "{}/Subject/SubjectConfirmation/SubjectConfirmationData",
                    a.path
                ),
            )
            .label("incomplete"),
        );
    }
}

/// PRO008 for an unsolicited response; PRO007 for an InResponseTo that answers another request, or a
/// SubjectConfirmationData InResponseTo that differs from the Response's (or the request ID).
fn in_response_to(c: &Ctx, out: &mut Vec<Finding>) {
    let (m, root) = (c.m, &c.root);
    let irt = val(&m.in_response_to).map(str::to_string);
    let scd_irts: Vec<&Val> = m
        .assertions
        .iter()
        .flat_map(|a| {
            a.subject.iter().flat_map(|s| {
                s.confirmations
                    .iter()
                    .filter_map(|c| c.data.as_ref().and_then(|d| d.in_response_to.as_ref()))
            })
        })
        .collect();
    let irt_span = m.in_response_to.as_ref().map_or(m.start_tag, |v| v.span);
    let requests = c.cx.requests;
    match (&irt, &c.expect.request_id) {
        (None, _) if scd_irts.is_empty() => out.push(
            Finding::new(&PRO008, "no InResponseTo: this is an IdP-initiated (unsolicited) response").at(m.start_tag, root).label("unsolicited"),
        ),
        (Some(got), Some(want)) if got != want => out.push(
            Finding::new(&PRO007, msg!("InResponseTo \"{}\" is not the request ID \"{}\"", Arg::id(got.as_str()), Arg::id(want.as_str())))
                .at(irt_span, root)
                .label("InResponseTo"),
        ),
        (Some(got), None) if !requests.is_empty() && !requests.contains(got) => out.push(
            Finding::new(&PRO007, msg!("InResponseTo \"{}\" answers none of the {} AuthnRequest(s) earlier in this capture", Arg::id(got.as_str()), Arg::plain(requests.len())))
                .at(irt_span, root)
                .label("InResponseTo"),
        ),
        _ => {}
    }
    // With neither the Response's InResponseTo nor a request ID, the first SubjectConfirmationData
    // value stands for the answer: the others must agree with it, and it must answer a request of the
    // capture when there are some.
    let from_scd = c.expect.request_id.is_none() && irt.is_none();
    let Some(want) = c
        .expect
        .request_id
        .clone()
        .or(irt)
        .or_else(|| scd_irts.first().map(|v| v.value.clone()))
    else {
        return;
    };
    if from_scd
        && !requests.is_empty()
        && !requests.contains(&want)
        && let Some(first) = scd_irts.first()
    {
        out.push(
            Finding::new(
                &PRO007,
                msg!(
                    "SubjectConfirmationData InResponseTo \"{}\" answers none of the {} AuthnRequest(s) earlier in this capture",
                    Arg::id(want.as_str()),
                    Arg::plain(requests.len())
                ),
            )
            .at(first.span, root)
            .label("InResponseTo"),
        );
    }
    for v in &scd_irts {
        if v.value != *want {
            out.push(
                Finding::new(
                    &PRO007,
                    msg!(
                        "SubjectConfirmationData InResponseTo \"{}\" differs from \"{}\"",
                        Arg::id(&v.value),
                        Arg::id(want.as_str())
                    ),
                )
                .at(v.span, root)
                .label("InResponseTo"),
            );
        }
    }
}

/// PRO012: the windows were evaluated at the message's own IssueInstant, so only a window that
/// contradicts the IssueInstant itself can fail; whether the SP received it in time is not checked.
fn time_not_checked(c: &Ctx, out: &mut Vec<Finding>) {
    if let Some((at, "issue-instant")) = c.cx.at {
        let m = c.m;
        let mut f = Finding::new(&PRO012, msg!("time windows were evaluated at the message's own IssueInstant ({}), not when the SP received it", Arg::plain(format(at))))
            .at(m.issue_instant.as_ref().map_or(m.start_tag, |v| v.span), &c.root)
            .label("evaluated here");
        // A capture whose time could not be read: the user expected its clock, and gets none.
        if c.cx.capture_unread {
            f.message.push(msg!(
                ": the capture's time of this request (HAR startedDateTime) is not an ISO 8601 date and time (YYYY-MM-DDThh:mm:ss with Z or an offset)"
            ));
            f.severity = crate::finding::Severity::Warning;
            f = f.help("pass the time the browser sent it with --at (ISO 8601), or a capture that writes its times so");
        }
        out.push(f);
    }
}

/// A time that bounds a validity window: what it is, its value, whether it ends the window, its path.
struct Window<'a> {
    what: &'static str,
    v: &'a Val,
    is_end: bool,
    path: String,
}

/// One validity window of an assertion: its element (`Conditions` or `SubjectConfirmationData`), the
/// names of its two bounds as findings give them, its bounds, its path.
struct Bounds<'a> {
    element: &'static str,
    names: [&'static str; 2],
    start: Option<&'a Val>,
    end: Option<&'a Val>,
    path: String,
}

/// The assertion's Conditions window, then each SubjectConfirmationData's, in document order.
fn bounds(a: &Assertion) -> impl Iterator<Item = Bounds<'_>> {
    let conditions = a.conditions.as_ref().map(|c| Bounds {
        element: "Conditions",
        names: ["Conditions NotBefore", "Conditions NotOnOrAfter"],
        start: c.not_before.as_ref(),
        end: c.not_on_or_after.as_ref(),
        path: format!("{}/Conditions", a.path),
    });
    let confirmations = a
        .subject
        .iter()
        .flat_map(|s| s.confirmations.iter())
        .filter_map(|c| c.data.as_ref())
        .map(|d| Bounds {
            element: "SubjectConfirmationData",
            names: [
                "SubjectConfirmationData NotBefore",
                "SubjectConfirmationData NotOnOrAfter",
            ],
            start: d.not_before.as_ref(),
            end: d.not_on_or_after.as_ref(),
            path: format!(
                "{}/Subject/SubjectConfirmation/SubjectConfirmationData",
                a.path
            ),
        });
    conditions.into_iter().chain(confirmations)
}

/// Every window bound of the message, in the order they are reported.
fn windows<'a>(m: &'a Message, root: &str) -> Vec<Window<'a>> {
    let mut out = Vec::new();
    let mut push = |what, v, is_end, path| {
        out.push(Window {
            what,
            v,
            is_end,
            path,
        })
    };
    for a in &m.assertions {
        for r in bounds(a) {
            let [start, end] = r.names;
            if let Some(v) = r.start {
                push(start, v, false, r.path.clone());
            }
            if let Some(v) = r.end {
                push(end, v, true, r.path);
            }
        }
        for s in &a.authn_statements {
            if let Some(v) = &s.session_not_on_or_after {
                let p = format!("{}/AuthnStatement", a.path);
                push("AuthnStatement SessionNotOnOrAfter", v, true, p);
            }
        }
    }
    if let Some(v) = &m.issue_instant {
        push(issue_instant_of(m.kind), v, false, root.to_string());
    }
    if let Some(v) = m
        .logout_request
        .as_ref()
        .and_then(|l| l.not_on_or_after.as_ref())
    {
        push("LogoutRequest NotOnOrAfter", v, true, root.to_string());
    }
    for a in &m.assertions {
        if let Some(v) = &a.issue_instant {
            push("Assertion IssueInstant", v, false, a.path.clone());
        }
    }
    out
}

/// The label of a message's own IssueInstant.
fn issue_instant_of(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::AuthnRequest => "AuthnRequest IssueInstant",
        MessageKind::LogoutRequest => "LogoutRequest IssueInstant",
        MessageKind::LogoutResponse => "LogoutResponse IssueInstant",
        _ => "Response IssueInstant",
    }
}

/// PRO018: every time of the message that is not a valid xs:dateTime, and a required IssueInstant
/// (the message's, each Assertion's) that is missing, whatever the evaluation time. Without a
/// Response's, the evaluation time may be unknown: the finding then says no window was checked.
fn time_syntax(c: &Ctx, out: &mut Vec<Finding>) {
    let unchecked = if c.cx.at.is_none() && c.m.kind == MessageKind::Response {
        ", so no time window was checked (pass --at, or a HAR capture)"
    } else {
        ""
    };
    let response_time = c.m.issue_instant.as_ref();
    if response_time.is_none() {
        out.push(
            Finding::new(
                &PRO018,
                msg!(
                    "the {} has no IssueInstant{}",
                    Arg::plain(c.m.kind.as_str()),
                    Arg::plain(unchecked)
                ),
            )
            .at(c.m.start_tag, &c.root)
            .label("no IssueInstant"),
        );
    }
    for a in c.m.assertions.iter().filter(|a| a.issue_instant.is_none()) {
        out.push(
            Finding::new(&PRO018, msg!("the Assertion has no IssueInstant"))
                .at(a.start_tag, &a.path)
                .label("no IssueInstant"),
        );
    }
    for w in windows(c.m, &c.root) {
        let Err(why) = parse_xs(&w.v.value) else {
            continue;
        };
        let is_response_time = response_time.is_some_and(|v| std::ptr::eq(v, w.v));
        out.push(
            Finding::new(
                &PRO018,
                msg!(
                    "{} \"{}\" is not a valid xs:dateTime ({}){}",
                    Arg::plain(w.what),
                    Arg::text(&w.v.value),
                    Arg::plain(why),
                    Arg::plain(if is_response_time { unchecked } else { "" })
                ),
            )
            .at(w.v.span, &w.path)
            .label("not a dateTime"),
        );
    }
}

/// PRO009 and PRO010: every window bound judged at the evaluation instant, with the allowed skew.
fn time_windows(c: &Ctx, out: &mut Vec<Finding>) {
    let Some((at, source)) = c.cx.at else { return };
    let source = match source {
        "fixed" => "--at",
        "capture" => "the HAR request time",
        "issue-instant" => "the IssueInstant",
        other => other,
    };
    for w in windows(c.m, &c.root) {
        judge_window(&w, at, source, c.cx.skew_ms, out);
    }
}

/// One window bound: already closed (PRO009) or not yet open (PRO010). One that is not a valid time
/// is PRO018's.
fn judge_window(w: &Window, at: Millis, source: &str, skew: i64, out: &mut Vec<Finding>) {
    let Window {
        what,
        v,
        is_end,
        path,
    } = w;
    let (what, is_end) = (*what, *is_end);
    let Some(t) = parse(&v.value) else {
        return;
    };
    // Atlassian Cloud's library reads the first Conditions window only: say so for the others.
    let not_atlassian = if what.starts_with("Conditions") {
        ""
    } else {
        " (Atlassian Cloud's SAML library judges only the Conditions window)"
    };
    if is_end && at >= t + skew {
        let late = at - t;
        out.push(
            Finding::new(&PRO009, msg!(
                "{} {} had passed at {} ({}) by {}; a clock skew of {} would have accepted it{}",
                Arg::plain(what), Arg::plain(format(t)), Arg::plain(format(at)), Arg::plain(source),
                Arg::plain(human_duration(late)), Arg::plain(min_skew(late + 1)), Arg::plain(not_atlassian)
            ))
            .at(v.span, path)
            .label("expired"),
        );
    } else if !is_end && at + skew < t {
        let early = t - at;
        out.push(
            Finding::new(&PRO010, msg!(
                "{} {} was still {} ahead at {} ({}); a clock skew of {} would have accepted it{}",
                Arg::plain(what), Arg::plain(format(t)), Arg::plain(human_duration(early)),
                Arg::plain(format(at)), Arg::plain(source), Arg::plain(min_skew(early)), Arg::plain(not_atlassian)
            ))
            .at(v.span, path)
            .label("not yet valid"),
        );
    }
}

/// How long after its issue an assertion may stay usable before PRO022 speaks: a day. IdPs issue
/// assertions for minutes (Keycloak: 60 s for Conditions, 300 s for the bearer confirmation) and
/// some for an hour (AD FS's default token lifetime); a day is beyond every default.
const LONG_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// PRO023 and PRO022: each assertion's Conditions and SubjectConfirmationData windows on their own,
/// whatever the evaluation time: one that closes before it opens, one that stays open more than a
/// day after the assertion was issued. A bound that is not a valid time is PRO018's.
fn window_lengths(c: &Ctx, out: &mut Vec<Finding>) {
    for a in &c.m.assertions {
        // The Assertion's IssueInstant, else the Response's (PRO018 reports the missing one).
        let issued = match &a.issue_instant {
            Some(v) => parse(&v.value).map(|t| (t, "the Assertion's IssueInstant")),
            None => (c.m.issue_instant.as_ref())
                .and_then(|v| parse(&v.value))
                .map(|t| (t, "the Response's IssueInstant")),
        };
        for Bounds {
            element: what,
            start,
            end,
            path,
            ..
        } in bounds(a)
        {
            let Some((end, end_v)) = end.and_then(|v| parse(&v.value).map(|t| (t, v))) else {
                continue;
            };
            if let Some(start) = start.and_then(|v| parse(&v.value))
                && end <= start
            {
                out.push(inverted(what, start, end, end_v, &path));
            } else if let Some((issued, issued_what)) = issued
                && end.saturating_sub(issued) > LONG_WINDOW_MS
            {
                out.push(
                    Finding::new(
                        &PRO022,
                        msg!(
                            "{} NotOnOrAfter {} is {} after {} ({}): whoever holds a copy of this bearer assertion can use it until then; IdPs issue assertions for minutes",
                            Arg::plain(what),
                            Arg::plain(format(end)),
                            Arg::plain(long_duration(end.saturating_sub(issued))),
                            Arg::plain(issued_what),
                            Arg::plain(format(issued))
                        ),
                    )
                    .at(end_v.span, &path)
                    .label("open too long"),
                );
            }
        }
    }
}

/// PRO023: a window whose NotOnOrAfter is not after its NotBefore (SAML core §2.5.1.2 and §2.4.1.2:
/// NotBefore MUST be earlier).
fn inverted(what: &str, start: Millis, end: Millis, end_v: &Val, path: &str) -> Finding {
    let how = if end == start {
        "the same instant as".to_string()
    } else {
        format!("{} before", human_duration(start.saturating_sub(end)))
    };
    Finding::new(
        &PRO023,
        msg!(
            "{} NotOnOrAfter {} is {} its NotBefore {}: the window closes before it opens, and no time is inside it but by the SP's clock skew",
            Arg::plain(what),
            Arg::plain(format(end)),
            Arg::plain(how),
            Arg::plain(format(start))
        ),
    )
    .at(end_v.span, path)
    .label("empty window")
}

/// A long duration in days, with years when it is over two.
fn long_duration(ms: i64) -> String {
    let days = ms / 86_400_000;
    if days >= 730 {
        format!("about {} years ({days} days)", days / 365)
    } else {
        human_duration(ms)
    }
}

/// PRO015: the IdP's clock (IssueInstant) against the browser's (HAR request time).
fn idp_clock(c: &Ctx, out: &mut Vec<Finding>) {
    let (Some(cap), Some(ii)) = (
        c.cx.capture_ms,
        c.m.issue_instant
            .as_ref()
            .and_then(|v| parse(&v.value).map(|t| (t, v.span))),
    ) else {
        return;
    };
    let off = ii.0 - cap;
    if off.abs() > c.cx.skew_ms {
        out.push(
            Finding::new(
                &PRO015,
                msg!(
                    "IssueInstant {} is {} {} the browser's time for this request ({})",
                    Arg::plain(format(ii.0)),
                    Arg::plain(human_duration(off)),
                    Arg::plain(if off > 0 { "ahead of" } else { "behind" }),
                    Arg::plain(format(cap))
                ),
            )
            .at(ii.1, &c.root)
            .label("IdP clock"),
        );
    }
}

/// PRO013: the expected values that were inferred from the message (IdP, SP, ACS), in that order.
fn inferred(c: &Ctx, out: &mut Vec<Finding>) {
    let mut inferred: Vec<Msg> = Vec::new();
    if c.expect.idp_entity_id.is_none()
        && let Some(ri) = response_issuer(c.m)
    {
        inferred.push(msg!("IdP entity ID = {}", Arg::url(ri.as_str())));
    }
    if c.expect.sp_entity_id.is_none()
        && let Some(s) = &c.sp
    {
        inferred.push(msg!("SP entity ID = {}", Arg::url(s.as_str())));
    }
    if c.expect.acs_url.is_none()
        && let Some(u) = &c.acs
    {
        inferred.push(msg!("ACS URL = {}", Arg::url(u.as_str())));
    }
    if inferred.is_empty() {
        return;
    }
    let mut msg = msg!("checked the message against itself; inferred ");
    for (i, m) in inferred.into_iter().enumerate() {
        if i > 0 {
            msg.push(msg!(", "));
        }
        msg.push(m);
    }
    out.push(
        Finding::new(&PRO013, msg)
            .at(c.m.start_tag, &c.root)
            .label("inferred from here"),
    );
}

#[cfg(test)]
mod tests {

    #[test]
    fn differs_in_names_the_first_part_that_differs() {
        let acs = "https://auth.atlassian.com/login/callback?connection=saml-0f1e";
        let cases = [
            (acs, ""),
            (
                "https://auth.atlassian.com/login/callback?connection=saml-9999",
                "query",
            ),
            ("https://auth.atlassian.com/login/callback", "query"),
            (
                "https://auth.atlassian.com/login/callback/?connection=saml-0f1e",
                "path",
            ),
            (
                "https://auth.atlassian.net/login/callback?connection=saml-0f1e",
                "host",
            ),
            (
                "http://auth.atlassian.com/login/callback?connection=saml-0f1e",
                "scheme",
            ),
            (
                "https://auth.atlassian.com/login/callback?connection=saml-0f1e#x",
                "fragment",
            ),
            (
                "https://auth.atlassian.com/login/callback?connection=SAML-0F1E",
                "upper and lower case",
            ),
            (
                " https://auth.atlassian.com/login/callback?connection=saml-0f1e",
                "white space",
            ),
        ];
        for (got, want) in cases {
            let said = differs_in(got, acs);
            assert!(said.contains(want), "{got}: {said:?} does not say {want:?}");
            assert_eq!(said.is_empty(), want.is_empty(), "{got}: {said:?}");
        }
        assert!(
            differs_in("https://sp.example.org/acs/", "https://sp.example.org/acs")
                .contains("trailing slash")
        );
        // Not URLs: only case, slash and white space are said.
        assert_eq!(differs_in("urn:sp:one", "urn:sp:two"), "");
        assert!(differs_in("URN:SP:ONE", "urn:sp:one").contains("case"));
    }

    use super::*;

    #[test]
    fn auth_prefix_is_stripped() {
        assert_eq!(
            strip_auth("https://kc/auth/realms/acme"),
            "https://kc/realms/acme"
        );
    }

    /// Each rule is reported by exactly one check (PRO017 by the capture pass in lint.rs, PRO019 and
    /// PRO020 by the Atlassian Cloud prediction, predict::nested_findings and
    /// predict::unexplained_rejection), and no check is registered twice:
    /// a check cannot be forgotten or run twice.
    #[test]
    fn each_rule_belongs_to_exactly_one_check() {
        let mut owned: Vec<&str> = CHECKS
            .iter()
            .flat_map(|(rules, _, _)| rules.iter().map(|r| r.code))
            .collect();
        owned.push(crate::registry::PRO017.code);
        owned.push(crate::registry::PRO019.code);
        owned.push(crate::registry::PRO020.code);
        let mut all: Vec<&str> = crate::registry::builtin()
            .iter()
            .map(|r| r.code)
            .filter(|c| c.starts_with("PRO"))
            .collect();
        owned.sort_unstable();
        all.sort_unstable();
        assert_eq!(owned, all);
        for (i, (_, _, a)) in CHECKS.iter().enumerate() {
            for (_, _, b) in &CHECKS[i + 1..] {
                assert!(
                    !std::ptr::fn_addr_eq(*a, *b),
                    "check {i} is registered twice"
                );
            }
        }
    }
}
