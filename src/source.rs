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
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::UrlEncoded => "url-encoded",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
            Encoding::Deflate => "deflate",
            Encoding::Zlib => "zlib",
        }
    }
}

/// Where a decoded message came from: a list of human-readable steps, outermost first.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Origin(pub Vec<String>);

impl Origin {
    pub fn new(first: impl Into<String>) -> Self {
        Origin(vec![first.into()])
    }
    #[must_use]
    pub fn with(&self, step: impl Into<String>) -> Self {
        let mut o = self.clone();
        o.0.push(step.into());
        o
    }
    pub fn push(&mut self, step: impl Into<String>) {
        self.0.push(step.into());
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" › ")?;
            }
            f.write_str(&crate::util::sanitize(step))?;
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
    /// The raw query string or form body, exactly as received, when there was one.
    pub raw_query: Option<String>,
    /// `GET`/`POST`, when known (HAR, SAML-tracer).
    pub method: Option<String>,
    pub url: Option<String>,
    /// HAR `startedDateTime` (RFC 3339) of the request that carried the message.
    pub time: Option<String>,
    /// HAR entry number (1-based), when from a HAR.
    pub entry: Option<usize>,
    /// HTTP status of the response to that request (HAR, SAML-tracer).
    pub status: Option<i64>,
}

/// One decoded SAML message text and everything known about how it was obtained.
#[derive(Debug, Clone)]
pub struct Source {
    pub origin: Origin,
    /// The decoding steps applied, outermost first (e.g. url-encoded, base64, deflate).
    pub encodings: Vec<Encoding>,
    pub binding: BindingParams,
    /// The decoded text: the source of truth for spans.
    pub text: Arc<str>,
}

impl Source {
    /// Raw XML as given (no decoding step), e.g. for tests and benches.
    pub fn raw(name: &str, text: &str) -> Source {
        Source {
            origin: Origin::new(name),
            encodings: Vec::new(),
            binding: BindingParams::default(),
            text: Arc::from(text),
        }
    }

    /// Did the message come DEFLATE-compressed, i.e. over the Redirect binding?
    pub fn inflated(&self) -> bool {
        self.encodings
            .iter()
            .any(|e| matches!(e, Encoding::Deflate | Encoding::Zlib))
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
    fn line_col_counts_chars() {
        let t = "ab\ncdé\nf";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4)); // after 'é' (2 bytes)
        assert_eq!(line_col(t, 99), (3, 2));
    }

    #[test]
    fn origin_display_strips_control_chars() {
        let o = Origin::new("a\u{1b}[31m").with("b");
        assert_eq!(o.to_string(), "a[31m › b");
    }
}
