//! A library's error message as typed parts: the library's own words, and the values it quotes from the
//! input or from the SP's configuration. The output layer renders it; under redaction every value part
//! is pseudonymised by its kind and the words stay (they are public constants: the library's source).

use crate::report::redact::Redactor;

/// One piece of an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The library's own words.
    Lit(&'static str),
    /// A URL (Destination, ACS, SP entity ID, Issuer).
    Url(String),
    /// An ID or same-document reference (`#ID_…`).
    Id(String),
    /// An encoded value: a digest, a signature value, a thumbprint.
    Blob(String),
    /// Any other value from the input (a StatusMessage, a status code).
    Value(String),
}

impl Part {
    fn as_str(&self) -> &str {
        match self {
            Part::Lit(s) => s,
            Part::Url(s) | Part::Id(s) | Part::Blob(s) | Part::Value(s) => s,
        }
    }
}

/// A message made of parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub Vec<Part>);

impl Text {
    pub fn lit(s: &'static str) -> Text {
        Text(vec![Part::Lit(s)])
    }

    #[must_use]
    pub fn then(mut self, p: Part) -> Text {
        self.0.push(p);
        self
    }

    /// The whole message, as the library builds it.
    pub fn full(&self) -> String {
        self.0.iter().map(Part::as_str).collect()
    }

    /// What Atlassian shows of the message ([`visible_len`]), parts cut where it cuts.
    pub fn visible(&self) -> Text {
        let full = self.full();
        let mut left = visible_len(&full);
        let mut out = Vec::new();
        for p in &self.0 {
            if left == 0 {
                break;
            }
            let s = p.as_str();
            if s.len() <= left {
                out.push(p.clone());
                left -= s.len();
                continue;
            }
            let cut = s.get(..left).unwrap_or_default().to_string();
            out.push(match p {
                Part::Lit(l) => Part::Lit(l.get(..left).unwrap_or(l)),
                Part::Url(_) => Part::Url(cut),
                Part::Id(_) => Part::Id(cut),
                Part::Blob(_) => Part::Blob(cut),
                Part::Value(_) => Part::Value(cut),
            });
            left = 0;
        }
        Text(out)
    }

    /// Every value part replaced by its pseudonym (encoded values by a marker); the words kept.
    pub fn redacted(&self, r: &mut Redactor) -> Text {
        Text(
            self.0
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => Part::Lit(s),
                    Part::Url(u) => Part::Url(r.url(u)),
                    Part::Id(i) => Part::Id(r.value(i)),
                    Part::Blob(_) => Part::Blob("[encoded value removed]".into()),
                    // A free text (a StatusMessage, maybe cut) is one value: deny by default.
                    Part::Value(v) => Part::Value(r.value(v)),
                })
                .collect(),
        )
    }
}

/// How much of a library message Atlassian shows as `error_description`: the message up to its first
/// sentence end. A parenthesised detail is dropped with the space before it, a period followed by more
/// text is kept, a period that ends the message is dropped.
///
/// Fitted to the three texts Atlassian's pages show next to the library's messages:
/// `Invalid thumbprint (configured: …. calculated: …)` → `Invalid thumbprint` (support.atlassian.com KB
/// "Resolving Atlassian Cloud certificate error for SAML SSO"), `assertion has expired.` →
/// `assertion has expired` (KB "Resolving SAML time mismatch issues aka assertion has expired"), and
/// `Audience is invalid. Configured: …` → `Audience is invalid.` (community.auth0.com thread 139415,
/// quoting an id.atlassian.com URL). A literal "first period" would cut the first text inside its
/// parenthesis and every message that quotes a URL inside the host name; periods inside a word (URLs,
/// IDs) are not sentence ends here. Unconfirmed for the texts Atlassian has never shown.
pub fn visible_len(message: &str) -> usize {
    let b = message.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b' ' && b.get(i + 1) == Some(&b'(') {
            return i;
        }
        if *c == b'.' {
            match b.get(i + 1) {
                None => return i,
                Some(n) if n.is_ascii_whitespace() => return i + 1,
                _ => {}
            }
        }
    }
    message.len()
}

/// [`visible_len`] applied.
pub fn visible(message: &str) -> &str {
    message.get(..visible_len(message)).unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_examples() {
        assert_eq!(
            visible("Invalid thumbprint (configured: D76ECD21. calculated: 13C080FF)"),
            "Invalid thumbprint"
        );
        assert_eq!(visible("assertion has expired."), "assertion has expired");
        assert_eq!(
            visible("Audience is invalid. Configured: https://auth.atlassian.com/saml/x"),
            "Audience is invalid."
        );
        assert_eq!(
            visible("Destination endpoint https://a.example/x did not match https://b.example/y"),
            "Destination endpoint https://a.example/x did not match https://b.example/y"
        );
        assert_eq!(
            visible("neither the response nor the assertion are signed"),
            "neither the response nor the assertion are signed"
        );
    }

    #[test]
    fn parts_are_cut_where_the_text_is() {
        let t = Text::lit("Recipient is invalid. Configured: ")
            .then(Part::Url("https://auth.atlassian.com/x".into()));
        assert_eq!(t.visible(), Text::lit("Recipient is invalid."));
        let d = Text::lit("Destination endpoint ")
            .then(Part::Url("https://a.example/x".into()))
            .then(Part::Lit(" did not match "))
            .then(Part::Url("https://b.example/y".into()));
        assert_eq!(d.visible(), d);
    }
}
