//! Deny-by-default redaction (design.md "Decisions"): every value that is not a public constant becomes a
//! pseudonym. Pseudonyms are keyed by a secret chosen per run (so two reports cannot be correlated),
//! consistent within the run (the same value always gets the same pseudonym), length-independent, and
//! keep the shape a diagnosis needs (an email stays email-shaped, a group keeps its leading `/`, an
//! Atlassian URL keeps Atlassian's host and path). Encoded blobs (certificates, signatures, digests,
//! base64) never appear: certificates are shown by subject CN, thumbprints and dates elsewhere.

use crate::model::ns;
use crate::xml::{Document, NodeId, NodeKind};
use sha2::Digest as _;
use std::collections::HashMap;

/// Public constants that may appear as they are: an exact match with report::public's lists.
pub use super::public::is_public;

#[derive(Debug)]
pub struct Redactor {
    key: [u8; 32],
    /// Every value met so far and its pseudonym (never changed once set).
    seen: HashMap<String, String>,
    /// The pseudonyms of `seen`, for "is this already a pseudonym?" in constant time.
    pseudonyms: std::collections::HashSet<String>,
    /// `seen` in lower case, and the hosts (lower case) of the URLs in it: what a Keycloak key is
    /// compared with ([`Redactor::json_key`]).
    seen_lower: HashMap<String, String>,
    seen_hosts: std::collections::HashSet<String>,
    /// The values of `seen` in the order they were met, and automata that find them in a text (see
    /// [`Redactor::text`]).
    order: Vec<String>,
    finder: Finder,
    /// Keep email domains (for verified-domain diagnoses).
    pub keep_domains: bool,
}

impl Redactor {
    /// A redactor keyed by a fresh random secret, or by `seed` (tests).
    pub fn new(seed: Option<u64>) -> Self {
        let mut key = [0u8; 32];
        match seed {
            Some(s) => key[..8].copy_from_slice(&s.to_le_bytes()),
            None => {
                // std's RandomState is seeded from the OS per process: enough for a per-run secret.
                use std::hash::{BuildHasher, Hasher};
                for chunk in key.chunks_mut(8) {
                    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
                    h.write_u64(chunk.as_ptr() as u64);
                    chunk.copy_from_slice(&h.finish().to_le_bytes());
                }
            }
        }
        Redactor {
            key,
            seen: HashMap::new(),
            pseudonyms: Default::default(),
            seen_lower: HashMap::new(),
            seen_hosts: Default::default(),
            order: Vec::new(),
            finder: Finder::default(),
            keep_domains: false,
        }
    }

    fn tag(&self, class: &str, v: &str) -> String {
        let mut h = sha2::Sha256::new();
        h.update(self.key);
        h.update(class.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.finalize()
            .iter()
            .take(3)
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn remember(&mut self, original: &str, pseudonym: String) -> String {
        if original.len() >= 3 {
            self.see(original.to_string(), &pseudonym);
        }
        pseudonym
    }

    /// Record `original`'s pseudonym, unless it has one already.
    fn see(&mut self, original: String, pseudonym: &str) {
        if let std::collections::hash_map::Entry::Vacant(e) = self.seen.entry(original) {
            if !e.key().is_empty() {
                self.order.push(e.key().clone());
                let lower = e.key().to_lowercase();
                let host = crate::decode::timeline::host_of(&lower);
                let host = host.split(':').next().unwrap_or(host);
                if host.len() >= 3 && !matches!(host, "auth.atlassian.com" | "id.atlassian.com") {
                    self.seen_hosts.insert(host.to_string());
                }
                self.seen_lower
                    .entry(lower)
                    .or_insert_with(|| pseudonym.to_string());
            }
            e.insert(pseudonym.to_string());
            self.pseudonyms.insert(pseudonym.to_string());
        }
    }

    /// A pseudonym of the right shape for any value.
    pub fn value(&mut self, v: &str) -> String {
        let t = v.trim();
        if is_public(t) {
            return v.to_string();
        }
        if let Some(p) = self.seen.get(t) {
            return p.clone();
        }
        // A same-document reference names an ID: give it that ID's pseudonym.
        if let Some(id) = t
            .strip_prefix('#')
            .filter(|id| !id.is_empty() && !id.contains(['(', '/']))
        {
            let p = format!("#{}", self.id(id));
            return self.remember(t, p);
        }
        // A URL before an email: one whose query holds an `@` (`?login_hint=jane@corp`) is a URL
        // (review 46: it was made an email address, and a rule about the URL lost its diagnosis).
        let p = if crate::util::is_http_url(t) {
            self.url(t)
        } else if let Some((_, domain)) = t
            .split_once('@')
            .filter(|_| crate::report::public::looks_like_email(t))
        {
            let d = if self.keep_domains {
                domain.to_string()
            } else {
                format!("domain-{}.example", self.tag("domain", domain))
            };
            format!("user-{}@{d}", self.tag("user", t))
        } else if let Some(rest) = t.strip_prefix('/') {
            let parts: Vec<String> = rest
                .split('/')
                .map(|seg| format!("group-{}", self.tag("group", seg)))
                .collect();
            format!("/{}", parts.join("/"))
        } else if t.starts_with('_')
            || t.starts_with("ID_")
            || t.starts_with("pfx")
            || t.starts_with("id") && t.len() > 16
        {
            self.id(t)
        } else {
            format!("value-{}", self.tag("value", t))
        };
        self.remember(t, p)
    }

    /// Element text. No SAML element carries a time as its text, so a timestamp there is user data
    /// (an attribute value such as a date of birth): a pseudonym like any value, and remembered, so
    /// that a finding quoting it is redacted too.
    fn content(&mut self, v: &str) -> String {
        let t = v.trim();
        if super::public::is_timestamp(t) {
            if let Some(p) = self.seen.get(t) {
                return p.clone();
            }
            let p = format!("value-{}", self.tag("value", t));
            return self.remember(t, p);
        }
        self.value(v)
    }

    fn id(&mut self, v: &str) -> String {
        let p = format!("_id-{}", self.tag("id", v));
        self.remember(v, p)
    }

    /// An Atlassian connection id (a UUID, with or without `saml-`): the same pseudonym wherever it
    /// appears (entity ID, ACS query, finding text), so that "these differ" survives redaction.
    fn connection(&self, v: &str) -> String {
        let id = v.trim().trim_start_matches("saml-");
        // samlint's own placeholder for an id nothing names is shown as it is.
        if id == crate::predict::UNKNOWN_CONNECTION {
            return id.to_string();
        }
        format!("conn-{}", self.tag("conn", id))
    }

    /// A step of an origin chain: a request's URL (as shown: shortened) as [`Self::url`] redacts a
    /// URL, relative or not, in any case of its scheme; a Keycloak subject's values as values; any
    /// other step as free text.
    pub fn step(&mut self, s: &crate::source::Step) -> crate::source::Step {
        use crate::source::Step;
        match s {
            Step::Text(t) => Step::Text(self.text(t)),
            Step::Subject(parts) => Step::Subject(
                parts
                    .iter()
                    .map(|(what, value)| (*what, self.value(value)))
                    .collect(),
            ),
            Step::Request { what, method, url } => Step::Request {
                what: self.text(what),
                method: method.as_deref().map(|m| self.method(m)),
                url: url.as_deref().map(|u| self.url(u)),
            },
        }
    }

    /// An HTTP method from a capture: a standard one as it is; anything else (a HAR is free text)
    /// withheld.
    pub fn method(&self, m: &str) -> String {
        if crate::util::is_http_method(m) {
            m.to_string()
        } else {
            "(method withheld)".into()
        }
    }

    /// A capture's time (HAR startedDateTime): shown when it is a plain timestamp, withheld otherwise
    /// (it is free text in a HAR, and a long fraction can carry any digits).
    pub fn time(&self, t: &str) -> String {
        if super::public::is_timestamp(t) {
            t.to_string()
        } else {
            "(time withheld)".into()
        }
    }

    /// A distinguished name: only a pseudonym of its CN (a Keycloak certificate's CN is the realm name).
    pub fn dn(&mut self, d: &str) -> String {
        match cn_value(d) {
            Some(cn) => format!("CN=cn-{}", self.tag("cn", cn)),
            None => "(no CN)".into(),
        }
    }

    /// One typed argument, redacted by what it is.
    pub fn arg(&mut self, a: &crate::finding::Arg) -> crate::finding::Arg {
        use crate::finding::Arg;
        Arg::Plain(match a {
            Arg::Plain(_) => return a.clone(),
            // A public constant, unless it is a value this run saw as user data (a timestamp in an
            // attribute value: see `content`).
            Arg::Public(v) => match self.seen.get(v.trim()) {
                Some(p) => p.clone(),
                None => return a.clone(),
            },
            Arg::Email(v) | Arg::Text(v) => self.value(v),
            Arg::Domain(d) if self.keep_domains => d.clone(),
            Arg::Domain(d) => format!("domain-{}.example", self.tag("domain", d)),
            Arg::Host(h) => self.host(h),
            Arg::Url(u) if is_public(u.trim()) => u.clone(),
            Arg::Url(u) => self.url(u.trim()),
            Arg::Id(i) => self.id(i.trim()),
            Arg::Uuid(u) => self.connection(u),
            Arg::Dn(d) => self.dn(d),
            Arg::Path(p) if p.starts_with('/') || p.starts_with('$') => self.xml_path(p),
            Arg::Path(p) => self.name("n-", p, KNOWN_ELEMENTS),
        })
    }

    /// A finding's message (or label, or note) with every value from the input redacted.
    pub fn msg(&mut self, m: &crate::finding::Msg) -> crate::finding::Msg {
        m.map_args(|a| self.arg(a))
    }

    fn host(&self, host: &str) -> String {
        if host == "auth.atlassian.com" || host == "id.atlassian.com" {
            host.to_string()
        } else if host.ends_with(".atlassian.net") {
            format!("site-{}.atlassian.net", self.tag("host", host))
        } else {
            format!("host-{}.example", self.tag("host", host))
        }
    }

    /// A URL: Atlassian's fixed hosts and paths stay, identifiers become pseudonyms, the query keeps its
    /// names and drops its values (but for Atlassian's `connection=saml-…`, pseudonymised).
    pub fn url(&mut self, u: &str) -> String {
        if let Some(p) = self.seen.get(u) {
            return p.clone();
        }
        // A relative URL (an HTML form's action) stays relative: its path and query are redacted
        // as an absolute URL's are, and it gets no host.
        let (scheme, rest) = match u.split_once("://") {
            Some((s, rest)) if s.eq_ignore_ascii_case("http") => (Some("http"), rest),
            Some((_, rest)) => (Some("https"), rest),
            None => (None, u),
        };
        let (hostpath, query) = rest.split_once('?').map_or((rest, None), |(a, b)| {
            (a, Some(b.split('#').next().unwrap_or(b)))
        });
        let (host, path) = match scheme {
            Some(_) => hostpath
                .split_once('/')
                .map_or((hostpath, ""), |(h, p)| (h, p)),
            None => ("", hostpath),
        };
        let atlassian = host == "auth.atlassian.com"
            || host == "id.atlassian.com"
            || host.ends_with(".atlassian.net");
        let host_out = scheme.map(|_| self.host(host));
        let known = [
            "saml",
            "login",
            "callback",
            "realms",
            "protocol",
            "auth",
            "plugins",
            "servlet",
            "samlconsumer",
            "sso",
            "descriptor",
            "broker",
            "endpoint",
        ];
        let segs: Vec<&str> = path.split('/').collect();
        let path_out: Vec<String> = segs
            .iter()
            .enumerate()
            .map(|(i, seg)| {
                if seg.is_empty() || known.contains(seg) {
                    seg.to_string()
                } else if atlassian && i > 0 && segs[i - 1] == "saml" {
                    // Atlassian's SP entity ID: /saml/<connection id>.
                    self.connection(seg)
                } else {
                    format!("id-{}", self.tag("seg", seg))
                }
            })
            .collect();
        // A bare origin stays bare: Keycloak exports list `https://auth.atlassian.com` (webOrigins),
        // and free text is redacted by replacing what was seen, so a slash added here would turn
        // every longer URL on that host into `https://auth.atlassian.com//…`.
        let mut out = match (scheme, host_out) {
            (Some(scheme), Some(host_out)) if hostpath.contains('/') => {
                format!("{scheme}://{host_out}/{}", path_out.join("/"))
            }
            (Some(scheme), Some(host_out)) => format!("{scheme}://{host_out}"),
            _ => path_out.join("/"),
        };
        if let Some(q) = query {
            let params: Vec<String> = q
                .split('&')
                .map(|p| {
                    let (n, v) = p.split_once('=').unwrap_or((p, ""));
                    // Parameter names are shown only when they are a binding's or Atlassian's own.
                    let n_out = if [
                        "connection",
                        "SAMLRequest",
                        "SAMLResponse",
                        "RelayState",
                        "SigAlg",
                        "Signature",
                        "error",
                        "error_description",
                        "client_id",
                        "redirect_uri",
                        "state",
                    ]
                    .contains(&n)
                    {
                        n.to_string()
                    } else {
                        "param".into()
                    };
                    // (A query shown by its names only has no connection to pseudonymise.)
                    // A label's shortened value (`saml-…`) is no connection id: its pseudonym would
                    // say it differs from the real one.
                    if atlassian && n == "connection" && v == "saml-…" {
                        format!("{n_out}={v}")
                    } else if atlassian && n == "connection" && !v.is_empty() && !v.ends_with('…')
                    {
                        format!("{n_out}=saml-{}", self.connection(v))
                    } else if v.is_empty() {
                        n_out
                    } else {
                        format!("{n_out}=…")
                    }
                })
                .collect();
            out.push('?');
            out.push_str(&params.join("&"));
        }
        self.remember(u, out)
    }

    /// Replace every value this redactor has seen in free text (finding messages, origins), longest
    /// first; then scrub what it has not seen: emails, URLs and long base64 runs.
    ///
    /// One pass over `s`, taking at each position the longest value seen that starts there (so a
    /// value inside a longer one is not replaced first, and a pseudonym is never searched again).
    /// The values are held by a few Aho-Corasick automata of doubling sizes: values met since the
    /// last call become a new small one, and two of about the same size are merged (Bentley-Saxe),
    /// so a run builds each value into an automaton O(log n) times, however its values and texts
    /// interleave (one automaton rebuilt whenever a value was added made a report quadratic again
    /// when every message brought a new value), and a text is searched by O(log n) automata.
    pub fn text(&mut self, s: &str) -> String {
        self.finder.add(&self.order, &self.seen);
        let replaced = match self.finder.replace_all(s) {
            Some(r) => r,
            // An automaton could not be built (too large for its state ids): every value is
            // replaced one at a time, longest first, slower but never less.
            None => self.replace_each(s),
        };
        self.scrub(&replaced)
    }

    fn replace_each(&self, s: &str) -> String {
        let mut pairs: Vec<(&String, &String)> =
            self.seen.iter().filter(|(a, _)| !a.is_empty()).collect();
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let mut out = s.to_string();
        for (orig, p) in pairs {
            if out.contains(orig.as_str()) {
                out = out.replace(orig.as_str(), p);
            }
        }
        out
    }

    /// An input error as a redacted output shows it: samlint's own words kept, anything quoted from
    /// the input (between backticks, double quotes or angle brackets: a parser's "expected
    /// `</jane.doe>`") withheld unless it is a public constant, and the rest scrubbed as free text.
    pub fn error_kind(&mut self, k: &crate::error::ErrorKind) -> crate::error::ErrorKind {
        use crate::error::{ErrorKind as K, Misplaced};
        let mut d = |s: &str| self.text(&withhold_quoted(s));
        match k {
            K::NotFound { path } => K::NotFound { path: d(path) },
            K::Io { detail } => K::Io { detail: d(detail) },
            K::Unrecognised { detail } => K::Unrecognised { detail: d(detail) },
            K::Base64 { detail } => K::Base64 { detail: d(detail) },
            K::Inflate { detail } => K::Inflate { detail: d(detail) },
            K::NotXml { detail } => K::NotXml { detail: d(detail) },
            K::Xml { detail } => K::Xml { detail: d(detail) },
            K::Namespace { detail } => K::Namespace { detail: d(detail) },
            K::Encoding { detail } => K::Encoding { detail: d(detail) },
            K::Json {
                detail,
                line,
                column,
            } => K::Json {
                detail: d(detail),
                line: *line,
                column: *column,
            },
            K::RulePack { detail } => K::RulePack { detail: d(detail) },
            K::Config { detail } => K::Config { detail: d(detail) },
            K::Usage { detail } => K::Usage { detail: d(detail) },
            K::NoSaml { what, shown } => K::NoSaml {
                what,
                shown: shown
                    .iter()
                    .map(|(i, w, t)| (*i, *w, t.as_deref().map(&mut d)))
                    .collect(),
            },
            K::Misplaced {
                what: Misplaced::RelayState { why },
            } => K::Misplaced {
                what: Misplaced::RelayState { why: d(why) },
            },
            other => other.clone(),
        }
    }

    fn scrub(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for word in s.split_inclusive(|c: char| {
            c.is_whitespace() || c == '"' || c == '(' || c == ')' || c == ','
        }) {
            let trimmed = word.trim_end_matches(|c: char| {
                c.is_whitespace() || c == '"' || c == '(' || c == ')' || c == ','
            });
            let tail = &word[trimmed.len()..];
            let core = trimmed.trim_end_matches(['.', ';', ':']);
            let punct = &trimmed[core.len()..];
            // A URL shortened for a label (`?user=jroe-…`) is no pseudonym: it is redacted too.
            let replaced = if crate::util::is_http_url(core) {
                if is_public(core) || self.pseudonyms.contains(core) {
                    core.to_string()
                } else {
                    self.url(core)
                }
            } else if core.contains('@') && core.contains('.') && !core.starts_with("user-") {
                self.value(core)
            } else if core.len() >= 40
                && core
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
                && !core.contains("--")
            {
                "[encoded value removed]".to_string()
            } else {
                core.to_string()
            };
            out.push_str(&replaced);
            out.push_str(punct);
            out.push_str(tail);
        }
        out
    }

    /// Learn (and pseudonymise) every value in a document, so that later free text is redacted too.
    pub fn learn(&mut self, doc: &Document) {
        for n in &doc.nodes {
            match &n.kind {
                NodeKind::Element(e) => {
                    // IDs first, so that references to them get the same pseudonym.
                    if let Some(a) = e.attrs.iter().find(|a| a.local == "ID") {
                        self.id(a.value.trim());
                    }
                    for a in &e.attrs {
                        if !(a.is_declaration() || a.local == "Algorithm" || a.local == "ID") {
                            self.value(&a.value);
                        }
                    }
                }
                NodeKind::Text { value } | NodeKind::CData { value }
                    if !is_blob_element(doc, n.parent) =>
                {
                    self.content(value);
                }
                _ => {}
            }
        }
    }

    /// Learn every value of a message's source: the DOM for XML, every JSON string for a Keycloak export.
    pub fn learn_source(&mut self, doc: &Document, text: &str) {
        if doc.is_empty() {
            if let Ok(root) = crate::tree::parse_json(text) {
                let mut strings = Vec::new();
                root.strings(&mut strings);
                for s in strings {
                    self.value(s);
                }
            }
        } else {
            self.learn(doc);
        }
    }

    /// A JSON text (Keycloak export) with every string value redacted; keys, numbers and booleans kept.
    pub fn json(&mut self, text: &str) -> String {
        /// `key`: the member name the value is under, `hosts`: the map is keyed by host names.
        fn walk(r: &mut Redactor, n: &crate::tree::Node, key: Option<&str>) -> serde_json::Value {
            use crate::tree::Value as V;
            match &n.value {
                V::Null | V::Unknown => serde_json::Value::Null,
                V::Bool(b) => serde_json::Value::Bool(*b),
                // A number is a value too (review 60: a numeric `secret`, phone number or hard-coded
                // attribute value was shown as written): kept only when it is a small integer (a
                // lifespan, a priority, a count) under a key that is no secret's.
                V::Num(x) => {
                    let digits = x.strip_prefix('-').unwrap_or(x);
                    let small = digits.len() <= 4 && digits.bytes().all(|c| c.is_ascii_digit());
                    let secret = key.is_some_and(|k| crate::keycloak::is_secret_key(k, true));
                    match x.parse::<serde_json::Number>() {
                        Ok(num) if small && !secret => serde_json::Value::Number(num),
                        _ => serde_json::Value::String(r.value(x)),
                    }
                }
                V::Str(s) => serde_json::Value::String(r.value(s)),
                V::List(l) => serde_json::Value::Array(l.iter().map(|i| walk(r, i, key)).collect()),
                // `registeredNodes` is keyed by the cluster nodes' host names (review 60: a customer's
                // internal host was shown as a name-shaped key).
                V::Map(m) => serde_json::Value::Object(
                    m.iter()
                        .map(|e| {
                            let k = if key == Some("registeredNodes") {
                                format!("host-{}", r.tag("host", &e.key))
                            } else {
                                r.json_key(&e.key)
                            };
                            (k, walk(r, &e.node, Some(&e.key)))
                        })
                        .collect(),
                ),
            }
        }
        match crate::tree::parse_json(text) {
            Ok(root) => crate::util::json_pretty(&walk(self, &root, None)),
            Err(_) => String::new(),
        }
    }

    /// The pretty view of a document with every value redacted; blobs replaced by a description.
    pub fn xml(&mut self, doc: &Document) -> String {
        if doc.is_empty() {
            return String::new();
        }
        let mut out = String::new();
        self.element(doc, doc.root, 0, &mut out);
        out
    }

    /// A name in the redacted XML view: SAML, XML-DSig and XML Encryption names (and common prefixes)
    /// are shown; anything else is a name the input chose, which can carry identity.
    fn name(&self, class: &str, v: &str, known: &[&str]) -> String {
        if known.contains(&v) {
            v.to_string()
        } else {
            format!("{class}{}", self.tag(class, v))
        }
    }

    /// A key of a Keycloak export. Keycloak's own keys are names (`clientId`, `saml.signing.certificate`)
    /// and stay. A key that is also a value redacted elsewhere (a client ID keying `roles.client`, a
    /// user name keying an attribute map) gets that value's pseudonym, name-shaped or not. Any other
    /// name-shaped key stays; one that is not name-shaped (spaces, `@`, `/`, `:`) gets a pseudonym of
    /// its own.
    pub fn json_key(&self, k: &str) -> String {
        let name_shaped = k.len() <= 64
            && k.starts_with(|c: char| c.is_ascii_alphabetic())
            && k.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'));
        if is_public(k) {
            k.to_string()
        } else if let Some(p) = self.seen.get(k) {
            p.clone()
        } else if name_shaped && !self.key_holds_a_value(k) {
            k.to_string()
        } else if let Some(p) = self.seen_lower.get(&k.to_lowercase()) {
            p.clone()
        } else {
            format!("key-{}", self.tag("key", k))
        }
    }

    /// Does a name-shaped key (at most 64 characters) hold a redacted value, or the host of a redacted
    /// URL, in any case, between separators (`ZQKS-SECRETNAME`, `zqks-secretname.x`,
    /// `acme-example.atlassian.net`)? Each run of whole parts is looked up: at most a few hundred
    /// lookups per key.
    fn key_holds_a_value(&self, k: &str) -> bool {
        let lower = k.to_lowercase();
        let sep = |c: char| matches!(c, '.' | '-' | '_');
        let starts: Vec<usize> = std::iter::once(0)
            .chain(lower.match_indices(sep).map(|(i, _)| i + 1))
            .collect();
        let ends: Vec<usize> = lower
            .match_indices(sep)
            .map(|(i, _)| i)
            .chain(std::iter::once(lower.len()))
            .collect();
        starts.iter().any(|&a| {
            ends.iter().filter(|&&b| b >= a + 3).any(|&b| {
                lower.get(a..b).is_some_and(|part| {
                    self.seen_lower.contains_key(part) || self.seen_hosts.contains(part)
                })
            })
        })
    }

    /// A location in a Keycloak export (`$.roles.client['https://…'][0].attributes.secret`): each key
    /// redacted as the JSON view redacts it, indexes kept.
    pub fn json_path(&self, p: &str) -> String {
        let Some(mut rest) = p.strip_prefix('$') else {
            return p.to_string();
        };
        let mut out = String::from("$");
        let key = |k: &str, out: &mut String| {
            let r = self.json_key(k);
            if r.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
                && !r.is_empty()
            {
                out.push('.');
                out.push_str(&r);
            } else {
                out.push_str(&format!("['{}']", r.replace('\'', "\\'")));
            }
        };
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix("['") {
                let end = r.find("']").unwrap_or(r.len());
                key(&r[..end], &mut out);
                rest = r.get(end + 2..).unwrap_or_default();
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                let index = &r[..end];
                if index.bytes().all(|c| c.is_ascii_digit()) {
                    out.push_str(&format!("[{index}]"));
                } else {
                    key(index, &mut out);
                }
                rest = r.get(end + 1..).unwrap_or_default();
            } else {
                let r = rest.strip_prefix('.').unwrap_or(rest);
                let end = r.find(['.', '[']).unwrap_or(r.len());
                key(&r[..end], &mut out);
                rest = &r[end..];
            }
        }
        out
    }

    /// An element path (`/Response/Assertion[2]/Subject`, what a finding points at): each name that is
    /// not one of SAML's or XML Signature's own becomes the pseudonym the redacted XML view gives it.
    /// A location in a Keycloak export (`$.clients[0]…`) is redacted key by key.
    pub fn xml_path(&self, p: &str) -> String {
        if p.starts_with('$') {
            return self.json_path(p);
        }
        if !p.starts_with('/') {
            return p.to_string();
        }
        p.split('/')
            .map(|seg| {
                let (name, index) = seg.find('[').map_or((seg, ""), |i| seg.split_at(i));
                if name.is_empty() {
                    String::new()
                } else if let Some(a) = name.strip_prefix('@') {
                    format!("@{}{index}", self.name("a-", a, KNOWN_ATTRIBUTES))
                } else {
                    format!("{}{index}", self.name("n-", name, KNOWN_ELEMENTS))
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn qname(&self, prefix: Option<&str>, local: &str, known: &[&str]) -> String {
        let l = self.name("n-", local, known);
        match prefix {
            Some(p) => format!("{}:{l}", self.name("p-", p, KNOWN_PREFIXES)),
            None => l,
        }
    }

    fn element(&mut self, doc: &Document, id: NodeId, level: usize, out: &mut String) {
        let Some(el) = doc.element(id) else { return };
        let indent = "  ".repeat(level);
        let name = self.qname(el.prefix.as_deref(), &el.local, KNOWN_ELEMENTS);
        out.push_str(&indent);
        out.push('<');
        out.push_str(&name);
        for a in &el.attrs {
            let (prefix, local) = match a.qname.split_once(':') {
                Some((p, l)) => (Some(p), l),
                None => (None, a.qname.as_str()),
            };
            let aname = if a.qname == "xmlns" {
                "xmlns".to_string()
            } else if prefix == Some("xmlns") {
                format!("xmlns:{}", self.name("p-", local, KNOWN_PREFIXES))
            } else {
                self.qname(prefix, local, KNOWN_ATTRIBUTES)
            };
            let v = if is_public(a.value.trim()) {
                a.value.clone()
            } else if a.qname == "xmlns" || prefix == Some("xmlns") {
                format!("urn:redacted:ns-{}", self.tag("ns", &a.value))
            } else if ["ID", "InResponseTo", "Id"].contains(&a.local.as_str()) {
                self.id(a.value.trim())
            } else {
                self.value(&a.value)
            };
            out.push_str(&format!(" {aname}=\"{}\"", escape(&v)));
        }
        let children = &doc.node(id).children;
        if children.is_empty() {
            out.push_str("/>\n");
            return;
        }
        out.push('>');
        let has_elements = children.iter().any(|c| doc.element(*c).is_some());
        let blob = is_blob_element(doc, Some(id));
        if !has_elements {
            for c in children {
                match &doc.node(*c).kind {
                    NodeKind::Text { value } | NodeKind::CData { value } => {
                        if blob {
                            out.push_str(&format!("[{} removed]", el.local));
                        } else if !value.trim().is_empty() {
                            out.push_str(&escape(&self.content(value)));
                        }
                    }
                    NodeKind::Comment { .. } => out.push_str("<!-- comment -->"),
                    _ => {}
                }
            }
            out.push_str(&format!("</{}>\n", name));
            return;
        }
        out.push('\n');
        for c in children {
            match &doc.node(*c).kind {
                NodeKind::Element(_) => self.element(doc, *c, level + 1, out),
                NodeKind::Comment { .. } => out.push_str(&format!("{indent}  <!-- comment -->\n")),
                NodeKind::Text { value } | NodeKind::CData { value }
                    if !value.trim().is_empty() =>
                {
                    out.push_str(&format!("{indent}  {}\n", escape(&self.content(value))));
                }
                _ => {}
            }
        }
        out.push_str(&format!("{indent}</{}>\n", name));
    }
}

/// Automata over the values seen, each over a contiguous run of [`Redactor`]'s `order`, sizes
/// decreasing: level i holds `order[start_i..start_i + len_i]`.
#[derive(Debug, Default)]
struct Finder {
    levels: Vec<Level>,
    /// How many values of `order` the levels hold.
    covered: usize,
    /// An automaton failed to build: [`Finder::replace_all`] answers `None` from then on.
    broken: bool,
}

#[derive(Debug)]
struct Level {
    start: usize,
    len: usize,
    ac: aho_corasick::AhoCorasick,
    pseudonyms: Vec<String>,
}

impl Finder {
    /// Take in the values met since the last call, merging levels of about the same size.
    fn add(&mut self, order: &[String], seen: &HashMap<String, String>) {
        if self.covered == order.len() || self.broken {
            return;
        }
        let mut start = self.covered;
        let mut len = order.len() - start;
        while self.levels.last().is_some_and(|l| l.len <= 2 * len) {
            if let Some(l) = self.levels.pop() {
                start = l.start;
                len += l.len;
            }
        }
        let values = order.get(start..start + len).unwrap_or_default();
        let pseudonyms = values
            .iter()
            .map(|v| seen.get(v).cloned().unwrap_or_default())
            .collect();
        // A contiguous NFA, never a DFA: building a DFA follows failure links per state and
        // byte, quadratic in a value that overlaps itself (review 46: 2,000 `A`s in one attribute
        // value took 9 s to redact, 8,000 more than two minutes); the NFA is built in time linear
        // in the values and searches in time linear in the text.
        match aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(values)
        {
            Ok(ac) => self.levels.push(Level {
                start,
                len,
                ac,
                pseudonyms,
            }),
            Err(_) => self.broken = true,
        }
        self.covered = order.len();
    }

    /// Every value of every level replaced by its pseudonym: at each position the leftmost match of
    /// any level, the longest on a tie (leftmost-longest over the union of the levels). Each level's
    /// next match is searched again only once the text has passed its start: linear in `s` per level.
    fn replace_all(&self, s: &str) -> Option<String> {
        if self.broken {
            return None;
        }
        let find = |l: &Level, from: usize| l.ac.find(aho_corasick::Input::new(s).range(from..));
        let mut next: Vec<Option<aho_corasick::Match>> =
            self.levels.iter().map(|l| find(l, 0)).collect();
        let mut out = String::with_capacity(s.len());
        let mut pos = 0;
        loop {
            for (l, m) in self.levels.iter().zip(next.iter_mut()) {
                if m.is_some_and(|m| m.start() < pos) {
                    *m = find(l, pos);
                }
            }
            let best = next
                .iter()
                .enumerate()
                .filter_map(|(i, m)| m.map(|m| (i, m)))
                .min_by_key(|(_, m)| (m.start(), std::cmp::Reverse(m.len())));
            let Some((i, m)) = best else { break };
            out.push_str(s.get(pos..m.start())?);
            out.push_str(self.levels.get(i)?.pseudonyms.get(m.pattern().as_usize())?);
            pos = m.end();
        }
        out.push_str(s.get(pos..)?);
        Some(out)
    }
}

/// The CN's value of an X.500 subject (`CN=x, O=y` → `x`), escaped commas included.
fn cn_value(subject: &str) -> Option<&str> {
    let start = subject.find("CN=")? + 3;
    let rest = &subject[start..];
    let mut end = rest.len();
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            ',' | '+' if !escaped => {
                end = i;
                break;
            }
            _ => escaped = false,
        }
    }
    Some(rest[..end].trim())
}

/// Elements whose text is an encoded blob: never shown.
fn is_blob_element(doc: &Document, id: Option<NodeId>) -> bool {
    id.and_then(|i| doc.element(i)).is_some_and(|e| {
        (e.ns.as_deref() == Some(ns::DS)
            && matches!(
                e.local.as_str(),
                "X509Certificate"
                    | "SignatureValue"
                    | "DigestValue"
                    | "Modulus"
                    | "Exponent"
                    | "KeyName"
                    | "X509SubjectName"
                    | "X509IssuerName"
                    | "X509SerialNumber"
            ))
            || (e.ns.as_deref() == Some(ns::XENC) && e.local == "CipherValue")
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A copy of a run in which everything taken from the input is redacted, for `--redact` with the machine
/// formats: finding messages, origin chains, binding parameters (raw query, RelayState, Signature and
/// URLs), signature details and certificate subjects (CN only). Positions and codes stay; the decoded
/// texts stay too, for computing positions only: the machine formats never print them (the `full` format
/// does, which is why `--redact` renders it in the concise layout).
pub fn run(original: &crate::lint::Run, seed: Option<u64>, keep_domains: bool) -> crate::lint::Run {
    let mut r = Redactor::new(seed);
    r.keep_domains = keep_domains;
    run_with(original, &mut r)
}

/// An input's name as a redacted report shows it: stdin and arguments as they are, a file by its
/// extension only (a file name can hold a person's name or address).
pub fn input_name(name: &str, index: usize) -> String {
    // samlint's own names for what was not a file; a file may be called `argument x.html` (review 47).
    let pasted = name
        .strip_prefix("argument ")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if name == "stdin" || pasted {
        return name.to_string();
    }
    file_label(&format!("input-{}", index + 1), name)
}

/// A file's extension as a redacted output keeps it (`.pem`, `.har`): short and alphanumeric, or
/// nothing.
fn extension(name: &str) -> String {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| KNOWN_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .map(|e| format!(".{e}"))
        .unwrap_or_default()
}

/// A file a redacted output names: `stem` and the file's extension (`file.pem`, `config.yaml`), never
/// its path or name (a path names its user: `/home/jane.roe/…`).
pub fn file_label(stem: &str, path: &str) -> String {
    format!("{stem}{}", extension(path))
}

/// The extensions a redacted file name keeps: the kinds of file samlint reads and writes. Any other
/// (`/tmp/john.smith` has `smith`) may be part of a name (review 47).
const KNOWN_EXTENSIONS: &[&str] = &[
    "xml", "har", "json", "b64", "base64", "txt", "url", "saml", "html", "htm", "pem", "crt",
    "cer", "der", "key", "p8", "yaml", "yml", "md", "sarif",
];

/// Where a trusted key came from, as a redacted report names it: samlint's own words as they are, a
/// file by its extension only (a path names its user: `/home/jane.roe/…`), a metadata entity ID by
/// its pseudonym.
fn key_origin(r: &mut Redactor, k: &crate::verify::cert::Cert) -> String {
    use crate::verify::cert::KeySource;
    let file = |path: &str| file_label("file", path);
    match k.source {
        KeySource::KeyInfo => "KeyInfo".into(),
        KeySource::Config | KeySource::SpConfig if k.pasted() => k.origin.to_string(),
        KeySource::Config | KeySource::SpConfig => file(&k.origin),
        KeySource::Metadata => match k.origin.strip_suffix(')').and_then(|o| o.rsplit_once(" (")) {
            Some((path, entity)) => format!("{} ({})", file(path), r.value(entity)),
            None => file(&k.origin),
        },
    }
}

/// An error about files options name (`--idp-cert`, `--sp-key`, `--idp-metadata`), as a redacting
/// run prints it: each file as a redacted key origin names it (`file.pem`: a path names its user),
/// nothing quoted from it (a broken metadata file's element names), the rest scrubbed as free text
/// (review 46).
pub fn option_files(e: &str, files: &[&str]) -> String {
    let mut files: Vec<&str> = files.iter().copied().filter(|f| !f.is_empty()).collect();
    // Longest first: a path that is part of a longer one is not replaced inside it.
    files.sort_by_key(|f| std::cmp::Reverse(f.len()));
    let mut s = e.to_string();
    for f in files {
        s = s.replace(f, &file_label("file", f));
    }
    Redactor::new(None).text(&withhold_quoted(&s))
}

/// A usage error about a file an option names (`--baseline`, `--pack`), as a redacting run prints
/// it: the file as [`option_files`] names it, nothing quoted from it, and no snippet of it.
pub fn usage_error(e: &crate::error::InputError) -> crate::error::InputError {
    let mut r = Redactor::new(None);
    let mut out = e.clone();
    out.text = None;
    out.span = None;
    out.kind = r.error_kind(&e.kind);
    if let Some(first) = out.origin.0.first_mut() {
        let name = first.to_string();
        // samlint's own words (`stdin`, `--docs-url`) stay; a path is named by its extension.
        if !name.starts_with("--") && name != "stdin" {
            *first = file_label("file", &name).into();
        }
    }
    for step in out.origin.0.iter_mut().skip(1) {
        *step = r.step(step);
    }
    out
}

/// [`run`] with a given redactor, which keeps what it learned (the Markdown report redacts the XML and
/// JSON views with the same pseudonyms).
pub fn run_with(original: &crate::lint::Run, r: &mut Redactor) -> crate::lint::Run {
    // The clients of one export share its text: it is learned once (parsing it per client made a
    // realm of 600 clients take ten seconds).
    let mut learned: std::collections::HashSet<(usize, usize)> = Default::default();
    for m in &original.messages {
        let text = (m.source.text.as_ptr() as usize, m.source.text.len());
        if !m.doc.is_empty() || learned.insert(text) {
            r.learn_source(&m.doc, &m.source.text);
        }
        if let Some(v) = &m.source.binding.relay_state {
            r.value(v);
        }
        // A request's URL is a URL whatever its scheme's case, or none (a form's relative action).
        if let Some(u) = &m.source.binding.url {
            r.url(u);
        }
    }
    let mut out = original.clone();
    let names: Vec<(usize, String)> = original
        .inputs
        .iter()
        .map(|i| (i.index, input_name(&i.name, i.index)))
        .collect();
    let name_of = |index: usize| {
        names
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, n)| n.clone())
    };
    // A finding that points into an input by its file name (a --keycloak client's `client.json:3:7`)
    // names it as the input table does.
    for i in &original.inputs {
        if let Some(n) = name_of(i.index) {
            let base = std::path::Path::new(&i.name)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned());
            for k in std::iter::once(i.name.clone()).chain(base) {
                r.see(k, &n);
            }
        }
    }
    for i in &mut out.inputs {
        if let Some(n) = name_of(i.index) {
            i.name = n;
        }
        i.timeline = i.timeline.as_ref().map(|t| super::timeline::redacted(t, r));
    }
    for m in &mut out.messages {
        if let (Some(first), Some(n)) = (m.source.origin.0.first_mut(), name_of(m.input)) {
            *first = n.into();
        }
        for step in m.source.origin.0.iter_mut().skip(1) {
            *step = r.step(step);
        }
        // The root element's name, as the XML view and element paths show it (review 46: the
        // JSON report's `root` and the human header of a message of no known kind printed it).
        m.model.root_name = r.name("n-", &m.model.root_name, KNOWN_ELEMENTS);
        let b = &mut m.source.binding;
        b.url = b.url.as_deref().map(|u| r.url(u));
        b.relay_state = b.relay_state.as_deref().map(|v| r.value(v));
        // An algorithm URI is a public constant; anything else in SigAlg came from the input
        // (review 46: it was printed verbatim).
        b.sig_alg = b.sig_alg.as_deref().map(|a| r.value(a));
        b.raw_query = None;
        b.method = b.method.as_deref().map(|m| r.method(m));
        b.time = b.time.as_deref().map(|t| r.time(t));
        b.signature = b
            .signature
            .as_ref()
            .map(|_| "[signature removed]".to_string());
        for f in &mut m.findings {
            f.message = r.msg(&f.message);
            f.label = f.label.as_ref().map(|l| r.msg(l));
            f.path = f.path.as_deref().map(|p| r.xml_path(p));
        }
        for p in &mut m.packs {
            p.reason = r.msg(&p.reason);
        }
        m.predicted = m.predicted.redacted(r);
        // The --sp-key file, as a redacted key origin names a file: by its extension (review 47: as
        // free text it was a pseudonym only once a SIG022 finding had taught the redactor the path).
        if let Some(d) = &mut m.decryption {
            d.key = file_label("file", &d.key);
        }
        if let Some(sig) = &mut m.signature {
            sig.detail = sig.detail.as_ref().map(|d| r.msg(d));
            for x in &mut sig.signatures {
                x.detail = x.detail.as_ref().map(|d| r.msg(d));
                x.path = r.xml_path(&x.path);
                x.element = x.element.as_deref().map(|e| r.xml_path(e));
                x.id = x.id.as_deref().map(|i| r.value(i));
                x.reference = x.reference.as_deref().map(|i| r.value(i));
                // Algorithm URIs are public constants when they name an algorithm; anything else
                // written there comes from the input.
                x.algorithm = x.algorithm.as_deref().map(|a| r.value(a));
                x.digest = x.digest.as_deref().map(|a| r.value(a));
                x.c14n = x.c14n.as_deref().map(|a| r.value(a));
                x.transforms = x.transforms.iter().map(|a| r.value(a)).collect();
                if let Some(k) = &mut x.key {
                    let info = std::sync::Arc::make_mut(&mut k.info);
                    info.subject = r.dn(&info.subject);
                    info.issuer = r.dn(&info.issuer);
                    k.origin = key_origin(r, k).into();
                }
                for c in &mut x.keyinfo_certificates {
                    let c = std::sync::Arc::make_mut(c);
                    c.subject = r.dn(&c.subject);
                    c.issuer = r.dn(&c.issuer);
                }
            }
        }
    }
    for i in &mut out.inputs {
        let n = name_of(i.index);
        for e in &mut i.errors {
            e.text = None;
            e.span = None;
            e.kind = r.error_kind(&e.kind);
            if let (Some(first), Some(n)) = (e.origin.0.first_mut(), &n) {
                *first = n.into();
            }
            for step in e.origin.0.iter_mut().skip(1) {
                *step = r.step(step);
            }
        }
    }
    out
}

/// `s` with what it quotes (`…`, "…", <…>) replaced by `…`, but for public constants.
fn withhold_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['`', '"', '<']) {
        let open = rest[i..].chars().next().unwrap_or('`');
        let close = if open == '<' { '>' } else { open };
        out.push_str(&rest[..i + open.len_utf8()]);
        let after = &rest[i + open.len_utf8()..];
        // A quote escaped with a backslash (serde's `string "a\"b"`) closes nothing.
        let closing = after.char_indices().find(|&(j, c)| {
            c == close && after[..j].bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 0
        });
        match closing.map(|(j, _)| j) {
            Some(j) => {
                let inner = &after[..j];
                if crate::report::public::is_public(inner) {
                    out.push_str(inner);
                } else {
                    out.push('…');
                }
                out.push(close);
                rest = &after[j + close.len_utf8()..];
            }
            None => {
                // An unclosed quote: nothing after it is shown.
                out.push('…');
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Prefixes that identity providers and SAML libraries use.
const KNOWN_PREFIXES: &[&str] = &[
    "saml", "samlp", "saml2", "saml2p", "ds", "dsig", "xenc", "xenc11", "xs", "xsd", "xsi", "md",
    "ec", "mdui", "mdattr", "alg", "shibmd", "xml", "xmlns", "ns1", "ns2", "ns3", "ns4", "ns5",
    "ns6", "ns7",
];

/// SAML 2.0 assertion and protocol, XML-DSig and XML Encryption element names.
const KNOWN_ELEMENTS: &[&str] = &[
    "Response",
    "Assertion",
    "EncryptedAssertion",
    "Issuer",
    "Status",
    "StatusCode",
    "StatusMessage",
    "StatusDetail",
    "Extensions",
    "Subject",
    "NameID",
    "EncryptedID",
    "BaseID",
    "SubjectConfirmation",
    "SubjectConfirmationData",
    "Conditions",
    "AudienceRestriction",
    "Audience",
    "OneTimeUse",
    "ProxyRestriction",
    "Condition",
    "Advice",
    "AssertionIDRef",
    "AssertionURIRef",
    "AuthnStatement",
    "AuthnContext",
    "AuthnContextClassRef",
    "AuthnContextDeclRef",
    "AuthenticatingAuthority",
    "SubjectLocality",
    "AttributeStatement",
    "Attribute",
    "AttributeValue",
    "EncryptedAttribute",
    "AuthzDecisionStatement",
    "Action",
    "Evidence",
    "AuthnRequest",
    "NameIDPolicy",
    "RequestedAuthnContext",
    "Scoping",
    "IDPList",
    "IDPEntry",
    "RequesterID",
    "LogoutRequest",
    "LogoutResponse",
    "SessionIndex",
    "Signature",
    "SignedInfo",
    "CanonicalizationMethod",
    "SignatureMethod",
    "Reference",
    "Transforms",
    "Transform",
    "DigestMethod",
    "DigestValue",
    "SignatureValue",
    "KeyInfo",
    "KeyName",
    "KeyValue",
    "RSAKeyValue",
    "Modulus",
    "Exponent",
    "X509Data",
    "X509Certificate",
    "X509SubjectName",
    "X509IssuerSerial",
    "X509IssuerName",
    "X509SerialNumber",
    "RetrievalMethod",
    "Object",
    "Manifest",
    "InclusiveNamespaces",
    "XPath",
    "EncryptedData",
    "EncryptedKey",
    "EncryptionMethod",
    "CipherData",
    "CipherValue",
    "ReferenceList",
    "DataReference",
    "KeyReference",
    "OAEPparams",
    "MGF",
];

/// Their attribute names.
const KNOWN_ATTRIBUTES: &[&str] = &[
    "ID",
    "Id",
    "Version",
    "IssueInstant",
    "Destination",
    "InResponseTo",
    "Consent",
    "Format",
    "NameQualifier",
    "SPNameQualifier",
    "SPProvidedID",
    "Method",
    "NotBefore",
    "NotOnOrAfter",
    "Recipient",
    "Address",
    "DNSName",
    "AuthnInstant",
    "SessionIndex",
    "SessionNotOnOrAfter",
    "Name",
    "NameFormat",
    "FriendlyName",
    "Value",
    "Algorithm",
    "URI",
    "Type",
    "MimeType",
    "Encoding",
    "AssertionConsumerServiceURL",
    "AssertionConsumerServiceIndex",
    "AttributeConsumingServiceIndex",
    "ProtocolBinding",
    "ForceAuthn",
    "IsPassive",
    "AllowCreate",
    "ProviderName",
    "ProviderID",
    "Loc",
    "GetComplete",
    "Comparison",
    "Reason",
    "PrefixList",
    "type",
    "lang",
    "Count",
    "Resource",
    "Decision",
    "ProxyCount",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Arg;
    use crate::msg;

    /// Review 46: a URL whose query holds an `@` is redacted as a URL (its host, path and parameter
    /// names kept as a URL's are), not as an email address; in any case of its scheme.
    #[test]
    fn a_url_with_an_at_in_its_query_is_a_url() {
        let mut r = Redactor::new(Some(1));
        for u in [
            "https://auth.atlassian.com/login/callback?connection=saml-1&login_hint=jane@corp.test",
            "Https://auth.atlassian.com/login/callback?connection=saml-1&login_hint=jane@corp.test",
        ] {
            let v = r.value(u);
            assert!(
                v.starts_with("https://auth.atlassian.com/login/callback?connection=saml-conn-"),
                "{v}"
            );
            assert!(!v.contains("jane") && !v.contains("user-"), "{v}");
        }
        let m = msg!("{}", Arg::value("https://x.test/a?u=jane@corp.test"));
        assert!(matches!(m.args().next(), Some(Arg::Url(_))));
    }

    /// Review 46: the values are searched by contiguous NFAs. A DFA's construction follows failure
    /// links for every state and byte, quadratic in a value that overlaps itself: 2,000 `A`s in one
    /// attribute value took 9 s to redact and 8,000 over two minutes (benches/pipeline.rs
    /// `redact-repetitive-value` times it). Leftmost-longest replacement is unchanged (the test
    /// below).
    #[test]
    fn values_are_searched_by_contiguous_nfas() {
        let mut r = Redactor::new(Some(1));
        r.value(&"A".repeat(5000));
        r.value("jane@corp.test");
        let out = r.text(&format!("x {} y jane@corp.test", "A".repeat(5000)));
        assert!(!out.contains("AAAA") && !out.contains("jane"), "{out}");
        assert!(!r.finder.levels.is_empty());
        for l in &r.finder.levels {
            assert_eq!(l.ac.kind(), aho_corasick::AhoCorasickKind::ContiguousNFA);
        }
    }

    /// Values added in batches between texts (the levels merge as they grow) replace exactly what one
    /// automaton over all of them replaces, leftmost-longest, on generated texts over a small
    /// alphabet (so values overlap, nest and repeat).
    #[test]
    fn levels_replace_as_one_automaton_does() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut word =
            |len: u64| -> String { (0..len).map(|_| char::from(b'a' + rnd(4) as u8)).collect() };
        let mut r = Redactor::new(Some(7));
        let mut texts = 0;
        for batch in 0..60 {
            for _ in 0..(1 + batch % 7) {
                let v = word(3 + batch % 5);
                r.see(v.clone(), &format!("<{v}>"));
            }
            for _ in 0..5 {
                let t = word(40);
                let one = aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&r.order)
                    .unwrap();
                let pseudonyms: Vec<&String> = r.order.iter().map(|v| &r.seen[v]).collect();
                let want = one.replace_all(&t, &pseudonyms);
                r.finder.add(&r.order, &r.seen);
                assert_eq!(
                    r.finder.replace_all(&t).as_deref(),
                    Some(want.as_str()),
                    "{t}"
                );
                texts += 1;
            }
        }
        assert!(
            r.finder.levels.len() > 1 && r.finder.levels.len() < 12,
            "{}",
            r.finder.levels.len()
        );
        assert_eq!(texts, 300);
    }

    /// Should an automaton not build, every value is still replaced (longest first) before the scrub.
    #[test]
    fn a_finder_that_could_not_build_falls_back_to_replacing_each_value() {
        let mut r = Redactor::new(Some(7));
        r.see("jane.roe".into(), "value-1");
        r.see("jane.roe of acme".into(), "value-2");
        r.finder.broken = true;
        assert_eq!(
            r.text("by jane.roe of acme and jane.roe"),
            "by value-2 and value-1"
        );
        assert!(r.finder.replace_all("jane.roe").is_none());
    }

    #[test]
    fn shapes_and_consistency() {
        let mut r = Redactor::new(Some(7));
        let a = r.value("jane.doe@example.com");
        assert!(
            a.starts_with("user-") && a.contains("@domain-") && a.ends_with(".example"),
            "{a}"
        );
        assert_eq!(r.value("jane.doe@example.com"), a);
        assert_ne!(r.value("john@example.com"), a);
        let g = r.value("/org/team");
        assert!(
            g.starts_with("/group-") && g.matches('/').count() == 2,
            "{g}"
        );
        assert_eq!(
            r.value("urn:oasis:names:tc:SAML:2.0:status:Success"),
            "urn:oasis:names:tc:SAML:2.0:status:Success"
        );
        let u = r.url("https://auth.atlassian.com/login/callback?connection=saml-1234");
        assert!(
            u.starts_with("https://auth.atlassian.com/login/callback?connection=saml-conn-"),
            "{u}"
        );
        let k = r.url("https://kc.corp.example.org/realms/acme");
        assert!(
            k.starts_with("https://host-") && k.contains("/realms/id-"),
            "{k}"
        );
        assert!(!r.text("user jane.doe@example.com failed").contains("jane"));
        // A bare origin seen in a Keycloak export (webOrigins) leaves longer URLs on that host intact.
        assert_eq!(
            r.url("https://auth.atlassian.com"),
            "https://auth.atlassian.com"
        );
        let id = r.url("https://auth.atlassian.com/saml/1234");
        assert_eq!(
            r.text(
                "the client https://auth.atlassian.com/saml/1234 and https://auth.atlassian.com"
            ),
            format!("the client {id} and https://auth.atlassian.com")
        );
        // An Atlassian SP entity ID keeps its shape, its connection id pseudonymised as in the ACS.
        assert!(
            id.starts_with("https://auth.atlassian.com/saml/conn-"),
            "{id}"
        );
        // Another run, another key: no correlation.
        let mut r2 = Redactor::new(Some(8));
        assert_ne!(r2.value("jane.doe@example.com"), a);
    }
}
