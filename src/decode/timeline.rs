//! The steps of a login in a HAR capture, read while the capture streams by (issue 15 item 5).
//!
//! A HAR holds every request the browser made: the login's few documents among hundreds of scripts,
//! images and API calls. A step of the login is one of:
//! - an entry that carries a SAML message (`authn-request` for SAMLRequest, `response-post` for
//!   SAMLResponse; `other` once linting shows the message is something else, e.g. a LogoutRequest);
//! - an entry that shows a known error outside SAML (an Atlassian error redirect, a Keycloak error page:
//!   the same events PRO017 reports), `error-page`;
//! - a top-level document (never a subresource: see [`is_document`]) linked to one of those:
//!   - `sp-redirect`: the redirect chain that led to a request, followed backwards through `Location`
//!     from the request's URL (the SP's "go to your IdP" answer); for a request sent by POST (an
//!     auto-submitting form) or a capture without `Location`, the one document just before it;
//!   - `idp-page`: a document on the request's host between the request and the Response (the login
//!     page, the form post of the credentials, an MFA page), or the form page just before an
//!     unsolicited Response;
//!   - `sp-answer`: the redirect chain after the Response POST (followed forwards through `Location`),
//!     or, without a `Location`, the first document on the ACS's host after it.
//!
//! Everything else (the application's own pages before and after, other tabs, background calls) is not
//! a step: following redirects and hosts keeps the list to what a person debugging the login reads.
//!
//! Bounds: at most [`MAX_STEPS`] steps are kept (the rest are counted in `more`), a look-back of
//! [`LOOKBACK`] documents, and each kept URL is cut to [`MAX_URL`] characters; URLs are matched by a
//! hash of their full text, so a 2 MB query is never kept. Every entry costs a constant amount of work.
//!
//! Nothing from a query's values is kept: a URL is its origin, path and parameter *names* (SAML's own
//! parameter values are shown by the messages themselves, never here). Bodies and headers are never
//! kept; `Location` is kept as host and path only.

use serde::Serialize;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

/// Steps kept per capture; the others are counted.
pub const MAX_STEPS: usize = 200;
/// Documents remembered before a request, to find the redirect chain that led to it.
pub const LOOKBACK: usize = 16;
/// Characters of one kept URL (origin, path and parameter names).
pub const MAX_URL: usize = 300;

/// What a step is in the login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    SpRedirect,
    AuthnRequest,
    IdpPage,
    ResponsePost,
    SpAnswer,
    ErrorPage,
    Other,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SpRedirect => "sp-redirect",
            Role::AuthnRequest => "authn-request",
            Role::IdpPage => "idp-page",
            Role::ResponsePost => "response-post",
            Role::SpAnswer => "sp-answer",
            Role::ErrorPage => "error-page",
            Role::Other => "other",
        }
    }
}

/// Which request a Response answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Answers {
    /// The HAR entry of the AuthnRequest whose ID is the Response's InResponseTo.
    Entry { entry: usize },
    /// Several requests of the capture carry that ID (a replayed or repeated request): which one the
    /// Response answers cannot be told. The first few entries.
    Several { entries: Vec<usize> },
    /// InResponseTo names a request this capture does not hold.
    NotInCapture,
    /// No InResponseTo: IdP-initiated.
    Unsolicited,
}

/// One step of the login.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// HAR entry number (1-based).
    pub entry: usize,
    /// `startedDateTime` as the capture gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Milliseconds since the capture's first step (when both times parse).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset_ms: Option<i64>,
    #[serde(skip)]
    pub millis: Option<i64>,
    pub method: String,
    /// Origin and path; the query as parameter names only (`?SAMLRequest&RelayState`).
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<i64>,
    /// Where a redirect went: host and path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub role: Role,
    /// The message this entry carries (0-based index in the run's messages), its kind, and for a
    /// Response which request it answers: filled in once the messages are parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answers: Option<Answers>,
}

/// The steps of the login in one capture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Timeline {
    pub steps: Vec<Step>,
    /// Steps beyond [`MAX_STEPS`], not kept.
    pub more: usize,
}

/// What the capture reader passes for each HAR entry (borrowed: nothing is copied unless kept).
pub struct Seen<'a> {
    pub entry: usize,
    pub time: Option<&'a str>,
    pub method: &'a str,
    pub url: &'a str,
    pub status: Option<i64>,
    /// `redirectURL`, else the `Location` header.
    pub location: Option<&'a str>,
    /// Chrome's `_resourceType`.
    pub resource_type: Option<&'a str>,
    /// The response's `content.mimeType`.
    pub mime: Option<&'a str>,
    /// `SAMLRequest` or `SAMLResponse` when the entry carries one.
    pub saml: Option<&'static str>,
    /// The entry shows a known error (a PRO017 event).
    pub error: bool,
}

/// A document not (yet) taken as a step.
struct Candidate {
    step: Step,
    /// Hashes of the entry's full URL and of where it redirected (absolute).
    url: u64,
    location: Option<u64>,
}

/// Reads entries in order and keeps the steps.
#[derive(Default)]
pub struct Builder {
    tl: Timeline,
    recent: VecDeque<Candidate>,
    /// The host of the last request, while its Response has not come.
    idp_host: Option<String>,
    /// After a Response POST, until the SP's answer is seen.
    after_response: bool,
    /// The ACS's host, after a Response POST that did not redirect: its answer is the first document
    /// there.
    acs_fallback: Option<String>,
    /// Where the last step redirected to (hash of the absolute URL).
    expect: Option<u64>,
}

impl Builder {
    pub fn push(&mut self, s: &Seen) {
        let full = strip_fragment(s.url);
        let url_hash = hash(full);
        let location = s
            .location
            .filter(|l| !l.is_empty())
            .map(|l| resolve(full, l));
        let loc_hash = location.as_deref().map(hash);
        let host = host_of(full).to_ascii_lowercase();
        let role = if let Some(p) = s.saml {
            Some(if p == "SAMLRequest" {
                Role::AuthnRequest
            } else {
                Role::ResponsePost
            })
        } else if s.error {
            Some(Role::ErrorPage)
        } else if !is_document(s) {
            return;
        } else if self.expect == Some(url_hash) {
            Some(if self.after_response {
                Role::SpAnswer
            } else if self.idp_host.is_some() {
                Role::IdpPage
            } else {
                Role::Other
            })
        } else if self.idp_host.as_deref() == Some(host.as_str()) {
            Some(Role::IdpPage)
        } else if self.acs_fallback.as_deref() == Some(host.as_str()) {
            Some(Role::SpAnswer)
        } else {
            None
        };
        let step = Step {
            entry: s.entry,
            time: s.time.map(|t| cut(t, 40)),
            offset_ms: None,
            millis: s.time.and_then(crate::verify::time::parse_lenient),
            method: cut(&s.method.to_ascii_uppercase(), 16),
            url: shown_url(full),
            status: s.status,
            location: location.as_deref().map(host_path),
            role: role.unwrap_or(Role::Other),
            message: None,
            kind: None,
            answers: None,
        };
        let Some(role) = role else {
            if self.recent.len() == LOOKBACK {
                self.recent.pop_front();
            }
            self.recent.push_back(Candidate {
                step,
                url: url_hash,
                location: loc_hash,
            });
            return;
        };
        match role {
            Role::AuthnRequest => {
                self.take_chain(
                    url_hash,
                    s.method.eq_ignore_ascii_case("POST"),
                    Role::SpRedirect,
                );
                self.idp_host = Some(host);
                self.after_response = false;
                self.acs_fallback = None;
            }
            Role::ResponsePost => {
                if self.idp_host.is_none() {
                    // An unsolicited Response: the IdP's form page just before it.
                    self.take_chain(url_hash, true, Role::IdpPage);
                }
                self.recent.clear();
                self.idp_host = None;
                self.after_response = true;
                self.acs_fallback = loc_hash.is_none().then_some(host);
            }
            Role::SpAnswer | Role::ErrorPage => {
                self.acs_fallback = None;
                if loc_hash.is_none() {
                    // A page, not a redirect: the login is over; later documents are the application's.
                    self.after_response = false;
                }
            }
            _ => {}
        }
        self.expect = loc_hash;
        self.keep(step);
    }

    /// Take the documents that redirected (through `Location`) to the URL hashed as `target`, newest
    /// first; with none, and `or_last`, the document just before.
    fn take_chain(&mut self, mut target: u64, or_last: bool, role: Role) {
        let mut chain = Vec::new();
        while let Some(i) = self.recent.iter().rposition(|c| c.location == Some(target)) {
            let Some(c) = self.recent.remove(i) else {
                break;
            };
            target = c.url;
            chain.push(c.step);
            // `recent` shrinks every round: at most LOOKBACK rounds.
        }
        if chain.is_empty()
            && let Some(c) = self.recent.pop_back()
        {
            let redirect_without_location =
                c.location.is_none() && c.step.status.is_some_and(|s| (300..400).contains(&s));
            if or_last || redirect_without_location {
                chain.push(c.step);
            }
        }
        self.recent.clear();
        for mut s in chain.into_iter().rev() {
            s.role = role;
            self.keep(s);
        }
    }

    fn keep(&mut self, s: Step) {
        if self.tl.steps.len() < MAX_STEPS {
            self.tl.steps.push(s);
        } else {
            self.tl.more += 1;
        }
    }

    /// The timeline, in entry order, with times relative to its first step.
    ///
    /// A capture in which nothing was a step (no SAML message, no known error page) shows its last
    /// documents instead, as `other`: what the browser did when it should have been logging in.
    pub fn finish(self) -> Timeline {
        let mut tl = self.tl;
        if tl.steps.is_empty() && tl.more == 0 {
            tl.steps = self.recent.into_iter().map(|c| c.step).collect();
        }
        tl.steps.sort_by_key(|s| s.entry);
        let first = tl.steps.iter().find_map(|s| s.millis);
        for s in &mut tl.steps {
            s.offset_ms = match (first, s.millis) {
                (Some(f), Some(m)) => Some(m - f),
                _ => None,
            };
        }
        tl
    }
}

/// One parsed message of the capture, as [`link`] reads it.
pub struct Parsed<'a> {
    /// HAR entry it rode on.
    pub entry: Option<usize>,
    /// `AuthnRequest`, `Response`, …
    pub kind: &'static str,
    pub id: Option<&'a str>,
    pub in_response_to: Option<&'a str>,
}

/// Attach the parsed messages to their steps: which message (by position in `msgs`) an entry carries,
/// its kind, and which entry's request a Response answers (InResponseTo = the request's ID). A step
/// whose message is not the one its parameter promised (a LogoutRequest in SAMLRequest) becomes
/// `other`. Linear: one map of request IDs, one of entries.
pub fn link(tl: &mut Timeline, msgs: &[Parsed]) {
    use std::collections::HashMap;
    let mut by_entry: HashMap<usize, usize> = HashMap::new();
    // Every request entry of an ID (a few: more say nothing new), not just the first.
    let mut requests: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in msgs.iter().enumerate() {
        if let Some(e) = m.entry {
            by_entry.entry(e).or_insert(i);
            if m.kind == "AuthnRequest"
                && let Some(id) = m.id
            {
                let v = requests.entry(id).or_default();
                if v.len() < 5 && !v.contains(&e) {
                    v.push(e);
                }
            }
        }
    }
    for s in &mut tl.steps {
        let Some(&i) = by_entry.get(&s.entry) else {
            continue;
        };
        let m = &msgs[i];
        s.message = Some(i);
        s.kind = Some(m.kind);
        let expected = match s.role {
            Role::AuthnRequest => "AuthnRequest",
            Role::ResponsePost => "Response",
            _ => continue,
        };
        if m.kind != expected {
            s.role = Role::Other;
        }
        if m.kind == "Response" {
            s.answers = Some(match m.in_response_to {
                None => Answers::Unsolicited,
                Some(irt) => match requests.get(irt).map(Vec::as_slice) {
                    None | Some([]) => Answers::NotInCapture,
                    Some([entry]) => Answers::Entry { entry: *entry },
                    Some(entries) => Answers::Several {
                        entries: entries.to_vec(),
                    },
                },
            });
        }
    }
}

/// A top-level document, not a subresource. Chrome says so (`_resourceType: document`); other
/// browsers' HARs are judged by the response's MIME type and the URL's extension: images, style
/// sheets, scripts, fonts, media and JSON/XHR answers are never a step of a login (they are most of a
/// capture, and would bury the few redirects and pages that are).
pub fn is_document(s: &Seen) -> bool {
    if let Some(t) = s.resource_type {
        return t.eq_ignore_ascii_case("document");
    }
    let mime = s.mime.unwrap_or("").to_ascii_lowercase();
    const SUB_MIMES: [&str; 9] = [
        "image/",
        "font/",
        "text/css",
        "javascript",
        "ecmascript",
        "application/json",
        "application/font",
        "audio/",
        "video/",
    ];
    if SUB_MIMES.iter().any(|m| mime.contains(m)) {
        return false;
    }
    let path = path_of(strip_fragment(s.url)).to_ascii_lowercase();
    const SUB_EXT: [&str; 16] = [
        ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".css", ".js", ".mjs", ".map",
        ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ];
    !SUB_EXT.iter().any(|e| path.ends_with(e))
}

fn hash(s: &str) -> u64 {
    // DefaultHasher::new() has fixed keys: the same URL always hashes the same within a run.
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn strip_fragment(u: &str) -> &str {
    u.split_once('#').map_or(u, |(a, _)| a)
}

/// The length of `u`'s scheme when it is absolute (`https://…`): `://` after a scheme (a letter, then
/// letters, digits, `+`, `-`, `.`), not one that a query or a path happens to hold
/// (`/home?next=https://…`).
fn scheme_len(u: &str) -> Option<usize> {
    let i = u.find("://")?;
    let scheme = &u[..i];
    (scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(i)
}

/// `https://host:port` of an absolute URL (empty when it is not one).
fn origin_of(u: &str) -> &str {
    let Some(i) = scheme_len(u) else {
        return "";
    };
    let rest = &u[i + 3..];
    let end = rest.find(['/', '?', '#']).map_or(u.len(), |j| i + 3 + j);
    &u[..end]
}

/// The host (and port) of an absolute URL, without user info (empty when it is not one).
pub(crate) fn host_of(u: &str) -> &str {
    let o = origin_of(u);
    let h = o.split_once("://").map_or(o, |(_, h)| h);
    // Drop userinfo.
    h.rsplit_once('@').map_or(h, |(_, h)| h)
}

/// The path of an absolute URL, without the query.
fn path_of(u: &str) -> &str {
    let rest = &u[origin_of(u).len()..];
    rest.split_once('?').map_or(rest, |(p, _)| p)
}

/// A `Location` made absolute against the URL it answered.
fn resolve(base: &str, loc: &str) -> String {
    let loc = strip_fragment(loc.trim());
    if scheme_len(loc).is_some() {
        return loc.to_string();
    }
    let origin = origin_of(base);
    if let Some(rest) = loc.strip_prefix("//") {
        let scheme = origin.split_once("://").map_or("https", |(s, _)| s);
        return format!("{scheme}://{rest}");
    }
    if loc.starts_with('/') {
        return format!("{origin}{loc}");
    }
    let path = path_of(base);
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    format!("{origin}{dir}/{loc}")
}

/// Host and path (for `Location`): no scheme, no query.
fn host_path(u: &str) -> String {
    let p = path_of(u);
    cut(&format!("{}{}", host_of(u), p), MAX_URL)
}

/// Origin, path and the query's parameter names.
pub fn shown_url(u: &str) -> String {
    let base = format!("{}{}", origin_of(u), path_of(u));
    let names: Vec<String> = u
        .split_once('?')
        .map(|(_, q)| {
            super::query::parse_pairs(q)
                .into_iter()
                .take(20)
                .map(|p| cut(&p.name, 40))
                .collect()
        })
        .unwrap_or_default();
    let shown = if names.is_empty() {
        base
    } else {
        format!("{base}?{}", names.join("&"))
    };
    cut(&shown, MAX_URL)
}

/// At most `n` characters, control characters removed (only a bounded prefix is looked at: a URL
/// can be megabytes long).
fn cut(s: &str, n: usize) -> String {
    let end = s
        .char_indices()
        .nth(n.saturating_mul(4))
        .map_or(s.len(), |(i, _)| i);
    crate::util::ellipsize(&crate::util::one_line(&s[..end]), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_location_whose_query_holds_a_url_stays_relative() {
        let base = "https://acme.example/login/callback?connection=x";
        assert_eq!(
            resolve(base, "/home?session=tok://SECRET"),
            "https://acme.example/home?session=tok://SECRET"
        );
        assert_eq!(
            host_path(&resolve(base, "/x?code=https://leak.example/V/")),
            "acme.example/x"
        );
        assert_eq!(origin_of("/x?next=https://leak.example/"), "");
        assert_eq!(
            resolve(base, "https://idp.example/a"),
            "https://idp.example/a"
        );
        assert_eq!(cut("abcdef", 4), "abc…");
    }

    fn seen<'a>(entry: usize, method: &'a str, url: &'a str) -> Seen<'a> {
        Seen {
            entry,
            time: None,
            method,
            url,
            status: Some(200),
            location: None,
            resource_type: None,
            mime: Some("text/html"),
            saml: None,
            error: false,
        }
    }

    fn roles(tl: &Timeline) -> Vec<(usize, &'static str)> {
        tl.steps
            .iter()
            .map(|s| (s.entry, s.role.as_str()))
            .collect()
    }

    #[test]
    fn roles_of_an_sp_initiated_login_with_an_error() {
        let mut b = Builder::default();
        let req = "https://idp.example/realms/acme/protocol/saml?SAMLRequest=abc&RelayState=x";
        let entries = [
            // The application's page before the login: not a step.
            Seen {
                status: Some(200),
                ..seen(1, "GET", "https://app.example/home")
            },
            Seen {
                status: Some(302),
                location: Some("/login?next=x"),
                ..seen(2, "GET", "https://sp.example/start")
            },
            Seen {
                status: Some(302),
                location: Some(req),
                ..seen(3, "GET", "https://sp.example/login?next=x")
            },
            // A script and an image: never steps.
            Seen {
                mime: Some("application/javascript"),
                ..seen(4, "GET", "https://sp.example/app.js")
            },
            Seen {
                saml: Some("SAMLRequest"),
                ..seen(5, "GET", req)
            },
            Seen {
                mime: None,
                ..seen(6, "GET", "https://idp.example/logo.png")
            },
            Seen {
                status: Some(200),
                ..seen(
                    7,
                    "POST",
                    "https://idp.example/realms/acme/login-actions/authenticate?code=1",
                )
            },
            // Another tab: not a step.
            seen(8, "GET", "https://news.example/"),
            Seen {
                status: Some(302),
                saml: Some("SAMLResponse"),
                location: Some("https://id.atlassian.com/login?error_description=bad"),
                ..seen(9, "POST", "https://sp.example/acs")
            },
            Seen {
                status: Some(200),
                error: true,
                ..seen(
                    10,
                    "GET",
                    "https://id.atlassian.com/login?error_description=bad",
                )
            },
            seen(11, "GET", "https://sp.example/later"),
        ];
        for e in &entries {
            b.push(e);
        }
        let tl = b.finish();
        assert_eq!(
            roles(&tl),
            [
                (2, "sp-redirect"),
                (3, "sp-redirect"),
                (5, "authn-request"),
                (7, "idp-page"),
                (9, "response-post"),
                (10, "error-page")
            ]
        );
        assert_eq!(
            tl.steps[4].location.as_deref(),
            Some("id.atlassian.com/login")
        );
        // Query values are never kept.
        assert_eq!(
            tl.steps[2].url,
            "https://idp.example/realms/acme/protocol/saml?SAMLRequest&RelayState"
        );
        assert_eq!(
            tl.steps[1].location.as_deref(),
            Some("idp.example/realms/acme/protocol/saml")
        );
        assert!(!format!("{tl:?}").contains("abc"));
    }

    #[test]
    fn sp_answer_follows_the_redirect_and_stops_at_a_page() {
        let mut b = Builder::default();
        for e in [
            Seen {
                saml: Some("SAMLResponse"),
                status: Some(302),
                location: Some("https://app.example/"),
                ..seen(1, "POST", "https://sp.example/acs")
            },
            Seen {
                status: Some(302),
                location: Some("/dashboard"),
                ..seen(2, "GET", "https://app.example/")
            },
            seen(3, "GET", "https://app.example/dashboard"),
            seen(4, "GET", "https://app.example/other"),
            seen(5, "GET", "https://sp.example/after"),
        ] {
            b.push(&e);
        }
        let tl = b.finish();
        assert_eq!(
            roles(&tl),
            [(1, "response-post"), (2, "sp-answer"), (3, "sp-answer")]
        );
    }

    #[test]
    fn post_binding_request_takes_the_form_page_and_unsolicited_response_the_idp_page() {
        let mut b = Builder::default();
        for e in [
            seen(1, "GET", "https://unrelated.example/"),
            seen(2, "GET", "https://sp.example/sso"),
            Seen {
                saml: Some("SAMLRequest"),
                ..seen(3, "POST", "https://idp.example/sso")
            },
            Seen {
                saml: Some("SAMLResponse"),
                ..seen(4, "POST", "https://sp.example/acs")
            },
            seen(5, "GET", "https://idp.example/start"),
            Seen {
                saml: Some("SAMLResponse"),
                ..seen(6, "POST", "https://sp.example/acs")
            },
        ] {
            b.push(&e);
        }
        assert_eq!(
            roles(&b.finish()),
            [
                (2, "sp-redirect"),
                (3, "authn-request"),
                (4, "response-post"),
                (5, "idp-page"),
                (6, "response-post")
            ]
        );
    }

    #[test]
    fn link_says_which_request_a_response_answers() {
        let mut b = Builder::default();
        for (n, p) in [
            (2, "SAMLRequest"),
            (4, "SAMLResponse"),
            (5, "SAMLResponse"),
            (6, "SAMLRequest"),
            (7, "SAMLRequest"),
            (8, "SAMLRequest"),
            (9, "SAMLResponse"),
        ] {
            b.push(&Seen {
                saml: Some(p),
                ..seen(n, "GET", "https://x.example/sso")
            });
        }
        let mut tl = b.finish();
        let p = |entry, kind, id, irt| Parsed {
            entry: Some(entry),
            kind,
            id,
            in_response_to: irt,
        };
        link(
            &mut tl,
            &[
                p(2, "AuthnRequest", Some("_a"), None),
                p(4, "Response", Some("_r"), Some("_a")),
                p(5, "Response", None, Some("_elsewhere")),
                p(6, "LogoutRequest", Some("_l"), None),
                // Two requests with one ID: the Response cannot be paired with one of them.
                p(7, "AuthnRequest", Some("_twice"), None),
                p(8, "AuthnRequest", Some("_twice"), None),
                p(9, "Response", Some("_r2"), Some("_twice")),
            ],
        );
        let s = &tl.steps;
        assert_eq!(s[1].answers, Some(Answers::Entry { entry: 2 }));
        assert_eq!(s[1].message, Some(1));
        assert_eq!(s[2].answers, Some(Answers::NotInCapture));
        assert_eq!(s[3].role, Role::Other);
        assert_eq!(s[3].kind, Some("LogoutRequest"));
        assert_eq!(
            s[6].answers,
            Some(Answers::Several {
                entries: vec![7, 8]
            })
        );
    }

    #[test]
    fn document_detection() {
        let d = |mime: Option<&'static str>, rt: Option<&'static str>, url: &'static str| {
            is_document(&Seen {
                mime,
                resource_type: rt,
                ..seen(1, "GET", url)
            })
        };
        assert!(d(Some("text/html"), None, "https://a/b"));
        assert!(d(None, None, "https://a/b?x=.png"));
        assert!(!d(None, None, "https://a/b.css?v=1"));
        assert!(!d(Some("font/woff2"), None, "https://a/f"));
        assert!(!d(Some("text/html"), Some("xhr"), "https://a/b"));
        assert!(d(Some("image/png"), Some("Document"), "https://a/b"));
    }

    #[test]
    fn bounded_and_times_relative() {
        let mut b = Builder::default();
        let urls: Vec<String> = (0..MAX_STEPS + 50)
            .map(|i| format!("https://idp.example/p{i}"))
            .collect();
        b.push(&Seen {
            saml: Some("SAMLRequest"),
            time: Some("2026-11-20T09:59:55.100Z"),
            ..seen(1, "GET", "https://idp.example/sso?SAMLRequest=x")
        });
        for (i, u) in urls.iter().enumerate() {
            b.push(&Seen {
                time: Some("2026-11-20T09:59:55.900Z"),
                ..seen(i + 2, "GET", u)
            });
        }
        let tl = b.finish();
        assert_eq!(tl.steps.len(), MAX_STEPS);
        assert_eq!(tl.more, 51);
        assert_eq!(tl.steps[0].offset_ms, Some(0));
        assert_eq!(tl.steps[1].offset_ms, Some(800));
    }

    #[test]
    fn urls() {
        assert_eq!(
            resolve("https://a.example/x/y?q", "z"),
            "https://a.example/x/z"
        );
        assert_eq!(
            resolve("https://a.example/x/y?q", "//b.example/c#f"),
            "https://b.example/c"
        );
        assert_eq!(host_of("https://u:p@a.example:8443/x"), "a.example:8443");
        assert_eq!(
            shown_url("https://a.example/p?x=1&y&z=%41#frag"),
            "https://a.example/p?x&y&z"
        );
        assert_eq!(cut("ééé", 2), "é…");
    }
}
