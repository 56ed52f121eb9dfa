//! Decoded sources and byte spans.
//!
//! Every message samlint lints is a [`Source`]: the decoded text (the source of truth for every span)
//! plus the origin chain that says where it came from, e.g.
//! `capture.har › entry 14 (POST https://…) › SAMLResponse › base64`.

use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// A half-open byte range into a decoded source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

/// How a value was encoded on its way to us; one step of an origin chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// `%XX` / `+` URL encoding (form bodies and query strings).
    UrlEncoded,
    /// Standard base64 alphabet (the POST binding).
    Base64,
    /// URL-safe base64 alphabet.
    Base64Url,
    /// Raw DEFLATE (the Redirect binding).
    Deflate,
    /// zlib-wrapped DEFLATE: not what the Redirect binding specifies, but some tools send it.
    Zlib,
    /// Spaces read back as the `+` they were: a base64 value that went through form decoding once too
    /// often (or was copied from a log that did), so every `+` became a space.
    PlusFromSpace,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::UrlEncoded => "url-encoded",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Deflate => "deflate",
            Encoding::Zlib => "zlib",
            Encoding::PlusFromSpace => "plus-from-space",
        }
    }
    /// The step as an origin chain says it (the label, or a sentence where the label is terse).
    pub fn origin_step(self) -> &'static str {
        match self {
            Encoding::PlusFromSpace => "spaces read back as '+'",
            other => other.label(),
        }
    }
}

/// Where a decoded message came from: a list of human-readable steps, outermost first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Origin(pub Vec<Step>);

/// One step of an [`Origin`]. A request's step keeps its method and URL apart from its words, so
/// that a redacted output pseudonymises the URL as a URL (`Redactor::url`), whatever its shape; found
/// by review 46, a URL read out of a label's text was missed when it was relative or its scheme not
/// lower-case (`Https://`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Text(String),
    /// `client https://… in realm acme`: samlint's words, each followed by a value from the input
    /// (a Keycloak clientId, a realm name), kept as written so that redaction finds the pseudonym
    /// the export's view gives it (review 47: a clientId with a tab or newline, made one line for
    /// the label, matched no value seen and was printed), and shown on one line, capped.
    Subject(Vec<(&'static str, String)>),
    /// `entry 14 (POST https://…)`: the words, the method as shown, the request's URL as shown
    /// ([`crate::decode::query::display_url`]: bounded, since every message of a query carries it).
    Request {
        what: String,
        method: Option<String>,
        url: Option<String>,
    },
}

impl Step {
    /// The step for a request, its URL shortened as it is shown.
    pub fn request(what: impl Into<String>, method: Option<&str>, url: Option<&str>) -> Self {
        Step::Request {
            what: what.into(),
            method: method.map(str::to_string),
            url: url.map(crate::decode::query::display_url),
        }
    }
}

/// The most characters of a value a [`Step::Subject`] shows (a clientId is a URL of a hundred or so).
pub const SUBJECT_MAX_CHARS: usize = 200;

impl From<String> for Step {
    fn from(s: String) -> Self {
        Step::Text(s)
    }
}

impl From<&str> for Step {
    fn from(s: &str) -> Self {
        Step::Text(s.to_string())
    }
}

impl From<&String> for Step {
    fn from(s: &String) -> Self {
        Step::Text(s.clone())
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Text(t) => f.write_str(t),
            Step::Subject(parts) => {
                for (i, (what, value)) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    let v = crate::util::ellipsize(value, SUBJECT_MAX_CHARS);
                    write!(f, "{what} {}", crate::util::one_line(&v))?;
                }
                Ok(())
            }
            Step::Request { what, method, url } => {
                f.write_str(what)?;
                match (method, url) {
                    (Some(m), Some(u)) => write!(f, " ({m} {u})"),
                    (None, Some(u)) => write!(f, " ({u})"),
                    (Some(m), None) => write!(f, " ({m})"),
                    (None, None) => Ok(()),
                }
            }
        }
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Step::Text(t) => s.serialize_str(t),
            other => s.collect_str(other),
        }
    }
}

impl Origin {
    pub fn new(first: impl Into<String>) -> Self {
        Origin(vec![Step::Text(first.into())])
    }
    #[must_use]
    pub fn with(&self, step: impl Into<Step>) -> Self {
        let mut o = self.clone();
        o.0.push(step.into());
        o
    }
    pub fn push(&mut self, step: impl Into<Step>) {
        self.0.push(step.into());
    }
    /// The first step: the input's name.
    pub fn input(&self) -> String {
        self.0.first().map(Step::to_string).unwrap_or_default()
    }
    /// The steps after the input's name, joined as they are shown (` › `).
    pub fn within(&self) -> String {
        let steps: Vec<String> = self.0.iter().skip(1).map(Step::to_string).collect();
        steps.join(" › ")
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" › ")?;
            }
            // One line: a file name holding a newline would start a line with what follows it. A
            // character that shows as nothing is shown as `<U+XXXX>` (review 65: `resp<U+200B>.xml`
            // read as `resp.xml`, another file of the same folder).
            f.write_str(&crate::util::mark_unseen(&step.to_string(), "\\n", "\t"))?;
        }
        Ok(())
    }
}

/// The binding-level parameters that travelled with a message (kept verbatim for the Redirect-binding
/// signature check, which is computed over the exact raw query).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BindingParams {
    /// `SAMLResponse` or `SAMLRequest`, when the message came as a parameter.
    pub parameter: Option<String>,
    pub relay_state: Option<String>,
    pub sig_alg: Option<String>,
    pub signature: Option<String>,
    /// The raw query string or form body, exactly as received, when there was one; carried by the first
    /// message of that query only (any other is refused as ambiguous, and one copy per message would make
    /// the report quadratic in the input).
    pub raw_query: Option<Arc<str>>,
    /// Why the query or form that carried this message is ambiguous (a binding parameter repeated, an
    /// encoded parameter name, a request and a response together); empty when it is not. A message from
    /// an ambiguous set is never `valid` (design.md "One signature, one message").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ambiguous: Vec<String>,
    /// `GET`/`POST`, when known (HAR, SAML-tracer).
    pub method: Option<String>,
    /// The request URL, with the first message of its query or form only (like `raw_query`).
    pub url: Option<String>,
    /// HAR `startedDateTime` (RFC 3339) of the request that carried the message.
    pub time: Option<String>,
    /// HAR entry number (1-based), when from a HAR.
    pub entry: Option<usize>,
    /// HTTP status of the response to that request (HAR, SAML-tracer).
    pub status: Option<i64>,
    /// The message came in a request body (a HAR's postData, SAML-tracer's POST parameters), whatever
    /// the method says: never the Redirect binding, which carries it in the URL's query.
    #[serde(skip)]
    pub in_body: bool,
    /// The body's fields as a capture parsed them (a HAR's `params` without its `text`): not the bytes
    /// sent, so how a `+` in them travelled is not known (review 31).
    #[serde(skip)]
    pub fields_only: bool,
    /// The set that carried it names its message parameter (exactly so) more than once: Express's form
    /// parsers then hand the SP an array, not the response (review 39).
    #[serde(skip)]
    pub repeated: bool,
    /// Another name of the set is one Node's `qs` (Express's extended form parser) reads as the message
    /// parameter (`SAMLResponse[]`): that parser hands the SP a list, the plain one a string.
    #[serde(skip)]
    pub qs_merged: bool,
    /// The body as sent is no URL-encoded form carrying the message (`multipart/form-data`, an HTML
    /// form's `enctype="text/plain"`, another or no media type, an empty text beside parsed
    /// parameters): what the SP's form parser makes of it is not modelled.
    #[serde(skip)]
    pub not_urlencoded: bool,
    /// The set that carried it: how many fields, and how many bytes they take URL-encoded (the raw
    /// body or query when known, else counted from the decoded fields). What Express's URL-encoded
    /// parser limits (1,000 parameters, 100 kB), beside the message's own bytes (review 49).
    #[serde(skip)]
    pub set_fields: usize,
    #[serde(skip)]
    pub set_bytes: usize,
}

impl BindingParams {
    /// Was the request that carried it a POST (HAR, SAML-tracer)?
    pub fn posted(&self) -> bool {
        self.method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("POST"))
    }
}

/// One decoded SAML message text and everything known about how it was obtained.
#[derive(Debug, Clone)]
pub struct Source {
    pub origin: Origin,
    /// The decoding steps applied, outermost first (e.g. url-encoded, base64, deflate).
    pub encodings: Vec<Encoding>,
    pub binding: BindingParams,
    /// The decoded text: the source of truth for spans. Empty after [`Source::slim`].
    pub text: Arc<str>,
    /// Line positions of the text, kept when the text itself was dropped (batch runs whose report needs
    /// only line and column numbers).
    pub lines: Option<Arc<LineIndex>>,
}

impl Source {
    /// Raw XML as given (no decoding step), e.g. for tests and benches.
    pub fn raw(name: &str, text: &str) -> Source {
        Source {
            origin: Origin::new(name),
            encodings: Vec::new(),
            binding: BindingParams::default(),
            text: Arc::from(text),
            lines: None,
        }
    }

    /// 1-based line and column (in characters) of a byte offset of the text, also after `slim`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        match &self.lines {
            Some(ix) => ix.line_col(offset),
            None => line_col(&self.text, offset),
        }
    }

    /// Drop the text, keeping what [`Source::line_col`] needs. Idempotent.
    pub fn slim(&mut self) {
        if self.lines.is_none() {
            self.lines = Some(Arc::new(LineIndex::new(&self.text)));
        }
        self.text = Arc::from("");
    }

    /// Did the message come DEFLATE-compressed, i.e. over the Redirect binding?
    pub fn inflated(&self) -> bool {
        self.encodings
            .iter()
            .any(|e| matches!(e, Encoding::Deflate | Encoding::Zlib))
    }
    /// Did a form body or query carry the base64 with its `+` unescaped (spaces after form decoding,
    /// read back as `+`)? Every SP's form parser reads spaces there (CORE004).
    pub fn plus_unescaped(&self) -> bool {
        self.binding.parameter.is_some() && self.encodings.contains(&Encoding::PlusFromSpace)
    }
    /// How the message travelled, as far as the input says (review 30).
    pub fn carrier(&self) -> Carrier {
        let b = &self.binding;
        if b.parameter.is_none() {
            Carrier::Unknown
        } else if b.in_body || b.posted() {
            // A POSTed request is read by the POST binding, whatever its URL carries (the one
            // reading of `verify::not_redirect`, the transport rules and the prediction).
            Carrier::Body
        } else if b.url.is_some() || b.method.is_some() {
            Carrier::Query
        } else {
            Carrier::Unknown
        }
    }
    /// Did a binding parameter hold the XML itself, not its base64 (CORE005)? Both bindings
    /// base64-encode the message (Bindings §3.4.4.1, §3.5.4), and every SP base64-decodes the parameter.
    pub fn not_base64(&self) -> bool {
        self.binding.parameter.is_some()
            && !self
                .encodings
                .iter()
                .any(|e| matches!(e, Encoding::Base64 | Encoding::Base64Url))
    }
    /// Did a URL's query carry the base64 of the XML without DEFLATE (CORE006)? The Redirect binding
    /// compresses it (Bindings §3.4.4.1) unless a `SAMLEncoding` parameter names another encoding.
    pub fn redirect_not_deflated(&self) -> bool {
        self.carrier() == Carrier::Query
            && !self.not_base64()
            && !self.inflated()
            && !self
                .binding
                .raw_query
                .as_deref()
                .is_some_and(|q| q.split('&').any(|p| p.starts_with("SAMLEncoding=")))
    }
}

/// How a binding parameter travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carrier {
    /// A request body (a POSTed form): the POST binding.
    Body,
    /// A URL's query, not POSTed: the Redirect binding.
    Query,
    /// Parameters without a URL or a method (`SAMLResponse=…` pasted), or no parameter at all.
    Unknown,
}

/// Where lines start and where characters take more than one byte: enough to turn byte offsets into
/// line and column without the text (a few bytes per line of SAML, which is mostly ASCII).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    len: usize,
    /// Byte offset of each line start after the first.
    starts: Vec<usize>,
    /// (byte offset, byte length) of each multi-byte character.
    wide: Vec<(usize, u8)>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let starts = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .collect();
        let wide = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .filter(|(_, c)| c.len_utf8() > 1)
                .map(|(i, c)| (i, c.len_utf8() as u8))
                .collect()
        };
        LineIndex {
            len: text.len(),
            starts,
            wide,
        }
    }

    /// How many line feeds come before `offset` (its 0-based line).
    pub fn newlines_before(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset)
    }

    /// The byte offset where 0-based line `line` starts (the text's end past the last).
    pub fn line_start(&self, line: usize) -> usize {
        match line {
            0 => 0,
            k => self.starts.get(k - 1).copied().unwrap_or(self.len),
        }
    }

    /// The same answer as [`line_col`] on the text this index was built from.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut off = offset.min(self.len);
        // Inside a multi-byte character: back to its first byte, as `line_col` does.
        let w = self.wide.partition_point(|(i, _)| *i < off);
        if let Some((i, n)) = w.checked_sub(1).and_then(|k| self.wide.get(k))
            && off < i + usize::from(*n)
        {
            off = *i;
        }
        let line = self.starts.partition_point(|s| *s <= off);
        let start = line
            .checked_sub(1)
            .and_then(|k| self.starts.get(k))
            .copied()
            .unwrap_or(0);
        let from = self.wide.partition_point(|(i, _)| *i < start);
        let to = self.wide.partition_point(|(i, _)| *i < off);
        let extra: usize = self
            .wide
            .get(from..to)
            .unwrap_or_default()
            .iter()
            .map(|(_, n)| usize::from(*n) - 1)
            .sum();
        (line + 1, off - start - extra + 1)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut off = offset;
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        for t in [
            "",
            "ab\ncdé\nf",
            "\n\n",
            "é\n😀x\nabc\u{2028}d\n",
            "<a>ééé\nxyz</a>",
        ] {
            let ix = LineIndex::new(t);
            for off in 0..t.len() + 3 {
                assert_eq!(ix.line_col(off), line_col(t, off), "{t:?} at {off}");
            }
        }
    }

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4)); // after 'é' (2 bytes)
        assert_eq!(line_col(t, 99), (3, 2));
    }

    #[test]
    fn origin_display_shows_control_chars() {
        // Never raw (a terminal would obey it), and never dropped (review 65: a name would read as
        // another).
        let o = Origin::new("a\u{1b}[31m").with("b\nc\u{200b}");
        assert_eq!(o.to_string(), "a<U+001B>[31m › b\\nc<U+200B>");
    }
}
