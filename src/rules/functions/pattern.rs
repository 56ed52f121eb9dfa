//! `pattern`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `pattern`: a present string must match `match` and must not match `not_match`.
pub struct Pattern;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    #[serde(rename = "match")]
    matches: Option<String>,
    not_match: Option<String>,
    /// What a value that fails `match` is not, in words ("an Atlassian Cloud SP entity ID"): the
    /// error reads "is not <expect>". A regular expression is never shown to a user.
    expect: Option<String>,
    /// What a value that matches `not_match` is, in words ("a SHA-1 algorithm").
    found: Option<String>,
    /// Match ASCII only: classes, `(?i)` and `\w` know ASCII characters, and the bytes of any other
    /// character are matched by nothing but a negated class or `.`.
    #[serde(default)]
    ascii: bool,
}

/// A compiled expression: Unicode text (the default), or bytes with Unicode off (`ascii: true`).
#[derive(Debug)]
enum Re {
    Text(regex::Regex),
    Ascii(regex::bytes::Regex),
}

impl Re {
    fn is_match(&self, t: &str) -> bool {
        match self {
            Re::Text(r) => r.is_match(t),
            Re::Ascii(r) => r.is_match(t.as_bytes()),
        }
    }
}

#[derive(Debug)]
struct PatternCheck {
    matches: Option<Re>,
    not_match: Option<Re>,
    expect: Option<String>,
    found: Option<String>,
}

impl Function for Pattern {
    fn name(&self) -> &'static str {
        "pattern"
    }
    fn doc(&self) -> &'static str {
        "A present string must match the regular expression `match` and must not match `not_match` (Rust regex syntax; at least one of the two). `ascii: true` matches ASCII only, which is cheaper to compile for ASCII values such as URIs: classes and `(?i)` know ASCII characters, and another character is matched only by a negated class or `.`, byte by byte. Absent and unknown values pass. `expect` says in words what a value failing `match` is not (the error reads \"is not <expect>\"), `found` what a value matching `not_match` is (\"is <found>\"); the expressions themselves are never shown to users."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let mark = o.and_then(|n| n.span().start().copied());
        // Compiled when the pack loads, so that a pattern that is valid syntax but too large to
        // compile is a pack error (exit 2), not a rule that silently never matches. The shipped packs
        // load on their own thread (rules::preload), beside the input's decoding and verification.
        // `ascii: true` compiles with Unicode off (the shipped packs' URI patterns): a Unicode class
        // or `(?i)` costs the compiler a 10,000-entry table, about 0.3 ms a pattern, cold.
        let ascii = opts.ascii;
        let re = |s: &Option<String>| -> Result<Option<Re>, OptionsError> {
            s.as_deref()
                .map(|p| {
                    let compiled = if ascii {
                        regex::bytes::RegexBuilder::new(p)
                            .unicode(false)
                            .build()
                            .map(Re::Ascii)
                    } else {
                        regex::Regex::new(p).map(Re::Text)
                    };
                    compiled.map_err(|e| OptionsError {
                        message: format!("bad regular expression `{p}`: {e}"),
                        mark,
                    })
                })
                .transpose()
        };
        let c = PatternCheck {
            matches: re(&opts.matches)?,
            not_match: re(&opts.not_match)?,
            expect: opts.expect,
            found: opts.found,
        };
        // Words for an expression that is not there would never be shown: a typo in the pack.
        if c.expect.is_some() && c.matches.is_none() {
            return Err(OptionsError {
                message:
                    "`expect` says what a value failing `match` is not, but there is no `match`"
                        .into(),
                mark,
            });
        }
        if c.found.is_some() && c.not_match.is_none() {
            return Err(OptionsError {
                message:
                    "`found` says what a value matching `not_match` is, but there is no `not_match`"
                        .into(),
                mark,
            });
        }
        if c.matches.is_none() && c.not_match.is_none() {
            return Err(OptionsError {
                message: "`pattern` needs `match` or `not_match`".into(),
                mark,
            });
        }
        Ok(Box::new(c))
    }
}

impl Check for PatternCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(t) = text(node) else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        if let Some(r) = &self.matches
            && !r.is_match(&t)
        {
            hits.push(
                Hit::new(match &self.expect {
                    Some(e) => msg!("is not {}", Arg::plain(e)),
                    None => msg!("does not have the form this rule expects"),
                })
                .generic(),
            );
        }
        if let Some(r) = &self.not_match
            && r.is_match(&t)
        {
            hits.push(
                Hit::new(match &self.found {
                    Some(f) => msg!("is {}", Arg::plain(f)),
                    None => msg!("has a form this rule reports"),
                })
                .generic(),
            );
        }
        hits
    }
}
