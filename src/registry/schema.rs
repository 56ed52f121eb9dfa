//! The words a rule declaration is written in (severity, confidence, causality) and the shape of its
//! code and name. One definition for the three readers of declarations: build.rs, which turns
//! rules/builtin.yaml and the shipped packs into the registry's table (this file is compiled into it
//! with `#[path]`, so it uses nothing but std), the pack loader (users' packs, with spans), and the
//! registry itself.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            _ => Err(format!(
                "unknown severity `{s}` (expected error, warning or info)"
            )),
        }
    }
}

/// How sure samlint is that the requirement holds: [C] the vendor's documentation or code says so,
/// [S] secondary sources (community answers, guides, issues), [I] inferred from how the products
/// work, [U] unconfirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidence {
    Confirmed,
    Secondary,
    Inferred,
    Unconfirmed,
}

impl Confidence {
    pub const ALL: [Confidence; 4] = [
        Confidence::Confirmed,
        Confidence::Secondary,
        Confidence::Inferred,
        Confidence::Unconfirmed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Secondary => "secondary",
            Confidence::Inferred => "inferred",
            Confidence::Unconfirmed => "unconfirmed",
        }
    }
    pub fn parse(s: &str) -> Option<Confidence> {
        Confidence::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a rule's findings come among those of their severity in the order a person reads them
/// (report::order): what explains other findings comes first. Declared with each rule (`causality:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Causality {
    /// The message cannot be read as what it claims to be.
    Unreadable,
    /// The IdP or the SP already said no (a non-Success status, the error page of a capture):
    /// everything else follows from it.
    Refused,
    /// Nothing trustworthy is signed, or the content is hidden (wrapping, unsigned, wrong key,
    /// encrypted).
    Untrusted,
    /// Other signature findings.
    Signature,
    /// Structure and protocol (addresses, times, subject).
    Protocol,
    /// What the rule packs say of names and attributes (a pack rule's default).
    Content,
}

impl Causality {
    pub const ALL: [Causality; 6] = [
        Causality::Unreadable,
        Causality::Refused,
        Causality::Untrusted,
        Causality::Signature,
        Causality::Protocol,
        Causality::Content,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Causality::Unreadable => "unreadable",
            Causality::Refused => "refused",
            Causality::Untrusted => "untrusted",
            Causality::Signature => "signature",
            Causality::Protocol => "protocol",
            Causality::Content => "content",
        }
    }
    pub fn parse(s: &str) -> Option<Causality> {
        Causality::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A rule code: upper-case letters followed by three digits (`ATL001`).
pub fn valid_code(code: &str) -> bool {
    code.len() >= 4
        && code.is_ascii()
        && code.bytes().rev().take(3).all(|c| c.is_ascii_digit())
        && code[..code.len() - 3]
            .bytes()
            .all(|c| c.is_ascii_uppercase())
}

/// A rule or pack name: kebab-case (lower-case letters, digits and `-`).
pub fn kebab(name: &str) -> bool {
    name.bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}
