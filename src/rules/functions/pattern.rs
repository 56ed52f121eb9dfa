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
}

#[derive(Debug)]
struct PatternCheck {
    matches: Option<regex::Regex>,
    not_match: Option<regex::Regex>,
}

impl Function for Pattern {
    fn name(&self) -> &'static str {
        "pattern"
    }
    fn doc(&self) -> &'static str {
        "A present string must match the regular expression `match` and must not match `not_match` (Rust regex syntax; at least one of the two). Absent and unknown values pass."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let mark = o.and_then(|n| n.span().start().copied());
        // Compiled when the pack loads, so that a pattern that is valid syntax but too large to
        // compile is a pack error (exit 2), not a rule that silently never matches. The shipped packs
        // load on their own thread (rules::preload), beside the input's decoding and verification.
        let re = |s: &Option<String>| -> Result<Option<regex::Regex>, OptionsError> {
            s.as_deref()
                .map(|p| {
                    regex::Regex::new(p).map_err(|e| OptionsError {
                        message: format!("bad regular expression `{p}`: {e}"),
                        mark,
                    })
                })
                .transpose()
        };
        let c = PatternCheck {
            matches: re(&opts.matches)?,
            not_match: re(&opts.not_match)?,
        };
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
            hits.push(Hit::new(msg!(
                "does not match `{}`",
                Arg::plain(r.as_str())
            )));
        }
        if let Some(r) = &self.not_match
            && r.is_match(&t)
        {
            hits.push(Hit::new(msg!("matches `{}`", Arg::plain(r.as_str()))));
        }
        hits
    }
}
