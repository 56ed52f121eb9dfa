//! Findings: what samlint reports about a message that it could lint.

use crate::source::Span;
use serde::Serialize;

// A finding's rule and severity are the registry's (the registry depends on nothing here).
pub use crate::registry::{RuleMeta, Severity};

/// A value in a finding's message. Values taken from the input say what they are, so that the output
/// layer can escape them for their format and, under `--redact`, replace each by a pseudonym of the right
/// shape (design.md "Typed finding arguments"). Nothing from the input reaches a message any other way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Arg {
    /// Not from the input: a count, a code, a constant written in samlint, a thumbprint or a time.
    Plain(String),
    /// From the input, and exactly one of the public constants (report::public): shown as it is.
    Public(String),
    Email(String),
    /// The domain part of an email address.
    Domain(String),
    Host(String),
    Url(String),
    /// An XML ID or a reference to one.
    Id(String),
    Uuid(String),
    /// An X.500 distinguished name (a certificate subject or issuer).
    Dn(String),
    /// An element path or name taken from the document (`/Response/Extensions/x/Assertion`): SAML's
    /// own names are shown, any other is redacted as the redacted XML view redacts it.
    Path(String),
    /// Any other value from the input.
    Text(String),
}

impl Arg {
    pub fn plain(v: impl std::fmt::Display) -> Self {
        Arg::Plain(v.to_string())
    }
    pub fn text(v: impl Into<String>) -> Self {
        Arg::Text(v.into())
    }
    pub fn email(v: impl Into<String>) -> Self {
        Arg::Email(v.into())
    }
    pub fn domain(v: impl Into<String>) -> Self {
        Arg::Domain(v.into())
    }
    pub fn host(v: impl Into<String>) -> Self {
        Arg::Host(v.into())
    }
    pub fn url(v: impl Into<String>) -> Self {
        Arg::Url(v.into())
    }
    pub fn id(v: impl Into<String>) -> Self {
        Arg::Id(v.into())
    }
    pub fn uuid(v: impl Into<String>) -> Self {
        Arg::Uuid(v.into())
    }
    pub fn path(v: impl Into<String>) -> Self {
        Arg::Path(v.into())
    }
    pub fn dn(v: impl Into<String>) -> Self {
        Arg::Dn(v.into())
    }
    /// A value from the input whose kind the caller does not know: a public constant (exact match), an
    /// email address, a URL, or else free text.
    pub fn value(v: impl Into<String>) -> Self {
        let v: String = v.into();
        let t = v.trim();
        if crate::report::public::is_public(t) {
            Arg::Public(v)
        } else if crate::util::is_http_url(t) {
            // Before the email test: a URL whose query holds an `@` (`?login_hint=jane@corp`) is a
            // URL, and redacted as one (review 46).
            Arg::Url(v)
        } else if crate::report::public::looks_like_email(t) {
            Arg::Email(v)
        } else {
            Arg::Text(v)
        }
    }
    /// The value itself.
    pub fn raw(&self) -> &str {
        match self {
            Arg::Plain(v)
            | Arg::Public(v)
            | Arg::Email(v)
            | Arg::Domain(v)
            | Arg::Host(v)
            | Arg::Url(v)
            | Arg::Id(v)
            | Arg::Uuid(v)
            | Arg::Dn(v)
            | Arg::Path(v)
            | Arg::Text(v) => v,
        }
    }
    /// Did this value come from the input (so that `--redact` must replace it)?
    pub fn from_input(&self) -> bool {
        !matches!(self, Arg::Plain(_) | Arg::Public(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Part {
    Lit(std::borrow::Cow<'static, str>),
    Arg(Arg),
}

/// A finding's message: text written in samlint with typed values in it. `Display` shows each value on
/// one line with control characters removed; `--redact` renders it with [`Msg::map_args`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Msg {
    parts: Vec<Part>,
}

impl Msg {
    /// `template` with each `{}` replaced by the next argument, in order.
    pub fn new(template: &'static str, args: Vec<Arg>) -> Self {
        let mut parts = Vec::with_capacity(2 * args.len() + 1);
        let mut args = args.into_iter();
        let mut rest = template;
        while let Some(i) = rest.find("{}") {
            if i > 0 {
                parts.push(Part::Lit(rest[..i].into()));
            }
            match args.next() {
                Some(a) => parts.push(Part::Arg(a)),
                None => parts.push(Part::Lit("{}".into())),
            }
            rest = &rest[i + 2..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.into()));
        }
        // More arguments than placeholders: still shown, never dropped.
        for a in args {
            parts.push(Part::Lit(" ".into()));
            parts.push(Part::Arg(a));
        }
        Msg { parts }
    }
    /// A template written by a rule pack's author (trusted text) whose `{{name}}` placeholders are
    /// filled by `var(name)`; an unknown placeholder stays as written.
    pub fn template(template: &str, var: impl Fn(&str) -> Option<Msg>) -> Self {
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(i) = rest.find("{{") {
            let Some(j) = rest[i + 2..].find("}}") else {
                break;
            };
            let name = &rest[i + 2..i + 2 + j];
            match var(name) {
                Some(v) => {
                    if i > 0 {
                        parts.push(Part::Lit(rest[..i].to_string().into()));
                    }
                    parts.extend(v.parts);
                }
                None => parts.push(Part::Lit(rest[..i + 4 + j].to_string().into())),
            }
            rest = &rest[i + 4 + j..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string().into()));
        }
        Msg { parts }
    }
    /// The message as a sentence: its first letter upper-case when the message starts with samlint's
    /// own text (a value from the input is never changed).
    pub fn sentence(mut self) -> Self {
        // Only an English word: `saml.assertion.lifespan` or `redirectUris` keep their case.
        let word = |l: &str| {
            let w = l.split([' ', ':', ',', ';']).next().unwrap_or("");
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '\'' || c == '-')
        };
        if let Some(Part::Lit(l)) = self.parts.first_mut()
            && word(l)
            && let Some(c) = l.chars().next()
        {
            let upper: String = c.to_uppercase().chain(l[c.len_utf8()..].chars()).collect();
            *l = upper.into();
        }
        self
    }
    /// Append more text written in samlint (and its arguments).
    pub fn push(&mut self, more: Msg) {
        self.parts.extend(more.parts);
    }
    /// The values taken from the input.
    pub fn args(&self) -> impl Iterator<Item = &Arg> {
        self.parts.iter().filter_map(|p| match p {
            Part::Arg(a) => Some(a),
            Part::Lit(_) => None,
        })
    }
    /// The same message with each argument replaced (redaction: an input value becomes a `Plain`
    /// pseudonym).
    pub fn map_args(&self, mut f: impl FnMut(&Arg) -> Arg) -> Msg {
        Msg {
            parts: self
                .parts
                .iter()
                .map(|p| match p {
                    Part::Arg(a) => Part::Arg(f(a)),
                    Part::Lit(l) => Part::Lit(l.clone()),
                })
                .collect(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

#[cfg(test)]
mod sentence_tests {
    use super::*;
    use crate::msg;

    /// Review 46: a value is shown up to [`MAX_ARG_CHARS`] characters, then counted; a value at the
    /// cap is shown whole.
    #[test]
    fn a_long_value_is_shown_capped_and_counted() {
        let long = "é".repeat(MAX_ARG_CHARS + 4000);
        let shown = msg!("status {}", Arg::text(long.as_str())).to_string();
        assert_eq!(
            shown,
            format!(
                "status {}…(4000 more characters)",
                "é".repeat(MAX_ARG_CHARS)
            )
        );
        let at_cap = "x".repeat(MAX_ARG_CHARS);
        assert_eq!(msg!("{}", Arg::text(at_cap.as_str())).to_string(), at_cap);
    }

    #[test]
    fn only_an_english_first_word_is_capitalised() {
        let s = |m: Msg| m.sentence().to_string();
        assert_eq!(
            s(msg!("the signature does not verify")),
            "The signature does not verify"
        );
        assert_eq!(
            s(msg!("saml.assertion.lifespan is 10")),
            "saml.assertion.lifespan is 10"
        );
        assert_eq!(
            s(msg!("redirectUris has the ACS")),
            "redirectUris has the ACS"
        );
        assert_eq!(
            s(msg!("{} is the value", Arg::text("jane"))),
            "jane is the value"
        );
        assert_eq!(
            s(msg!("time windows were evaluated")),
            "Time windows were evaluated"
        );
    }
}

impl From<&'static str> for Msg {
    fn from(s: &'static str) -> Self {
        Msg {
            parts: vec![Part::Lit(s.into())],
        }
    }
}

/// The most characters of one input value a message shows.
pub const MAX_ARG_CHARS: usize = 1000;

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.parts {
            match p {
                Part::Lit(l) => f.write_str(l)?,
                Part::Arg(a) => {
                    // Capped: a value is quoted in every format and every finding that names it
                    // (review 46: a 2 MB StatusMessage made a 2 MB GitHub annotation line).
                    let v = a.raw();
                    // Short printable ASCII (most values) is shown as it is: within the cap, and
                    // nothing for `one_line` to change.
                    if v.len() <= MAX_ARG_CHARS && crate::util::printable_ascii(v) {
                        f.write_str(v)?;
                        continue;
                    }
                    match v.char_indices().nth(MAX_ARG_CHARS) {
                        Some((cut, _)) => {
                            f.write_str(&crate::util::one_line(&v[..cut]))?;
                            write!(f, "…({} more characters)", v[cut..].chars().count())?;
                        }
                        None => f.write_str(&crate::util::one_line(v))?,
                    }
                }
            }
        }
        Ok(())
    }
}

impl Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A message: `msg!("literal with {} and {}", Arg::text(a), Arg::plain(n))`. The template is always a
/// literal, so no input value can reach a message except as a typed argument.
#[macro_export]
macro_rules! msg {
    ($t:literal) => {
        $crate::finding::Msg::new($t, Vec::new())
    };
    ($t:literal, $($a:expr),+ $(,)?) => {
        $crate::finding::Msg::new($t, vec![$($a),+])
    };
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: Msg,
    pub help: String,
    pub pack: &'static str,
    /// Where in the decoded message.
    pub span: Option<Span>,
    /// Prefix-independent XML path of the element at fault.
    pub path: Option<String>,
    /// `path` with the items of Keycloak lists named, not numbered (`rules::selector::key_path`): what
    /// baselines and SARIF fingerprints key on. `None`: the path itself.
    #[serde(skip)]
    pub key: Option<String>,
    /// A short label for the span.
    pub label: Option<Msg>,
}

impl Finding {
    pub fn new(rule: &RuleMeta, message: impl Into<Msg>) -> Self {
        Finding {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into().sentence(),
            help: rule.help.to_string(),
            pack: rule.pack.unwrap_or("builtin"),
            span: None,
            path: None,
            key: None,
            label: None,
        }
    }
    #[must_use]
    pub fn at(mut self, span: Span, path: impl Into<String>) -> Self {
        self.span = Some(span);
        self.path = Some(path.into());
        self
    }
    #[must_use]
    pub fn label(mut self, l: impl Into<Msg>) -> Self {
        self.label = Some(l.into());
        self
    }
    #[must_use]
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = h.into();
        self
    }
}

#[cfg(test)]
mod msg_tests {
    use super::*;

    #[test]
    fn templates_take_typed_arguments() {
        let m = msg!("a {} b {}", Arg::text("x\u{1b}y"), Arg::plain(3));
        assert_eq!(m.to_string(), "a x<U+001B>y b 3");
        assert_eq!(m.args().count(), 2);
        let r = m.map_args(|a| {
            if a.from_input() {
                Arg::plain("[v]")
            } else {
                a.clone()
            }
        });
        assert_eq!(r.to_string(), "a [v] b 3");
        assert_eq!(msg!("no args").to_string(), "no args");
        assert_eq!(
            Msg::new("{} and {}", vec![Arg::plain(1)]).to_string(),
            "1 and {}"
        );
        let t = Msg::template("is `{{value}}` at {{path}} {{other}}", |n| {
            (n == "value").then(|| msg!("{}", Arg::email("j@x.org")))
        });
        assert_eq!(t.to_string(), "is `j@x.org` at {{path}} {{other}}");
        assert_eq!(t.args().count(), 1);
    }
}
