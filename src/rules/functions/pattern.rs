//! `pattern`.

use super::*;
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

/// A regular expression checked when the pack loads and compiled on first use: compiling every
/// pattern of every pack would add milliseconds to each run, and most runs use few of them.
#[derive(Debug)]
pub struct LazyRegex {
    pattern: String,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl LazyRegex {
    /// Validate the syntax now (cheap), compile later.
    pub fn new(pattern: &str) -> Result<Self, String> {
        regex_syntax::Parser::new()
            .parse(pattern)
            .map_err(|e| e.to_string())?;
        Ok(LazyRegex {
            pattern: pattern.to_string(),
            compiled: std::sync::OnceLock::new(),
        })
    }
    pub fn as_str(&self) -> &str {
        &self.pattern
    }
    /// `false` when the pattern (valid syntax) still fails to compile, e.g. too large.
    fn compiled(&self) -> Option<&regex::Regex> {
        self.compiled
            .get_or_init(|| regex::Regex::new(&self.pattern).ok())
            .as_ref()
    }
    pub fn is_match(&self, t: &str) -> bool {
        self.compiled().is_some_and(|r| r.is_match(t))
    }
    /// Compile now (see `Check::warm`).
    pub fn warm(&self) {
        self.compiled();
    }
}

#[derive(Debug)]
struct PatternCheck {
    matches: Option<LazyRegex>,
    not_match: Option<LazyRegex>,
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
        let re = |s: &Option<String>| -> Result<Option<LazyRegex>, OptionsError> {
            s.as_deref()
                .map(|p| {
                    LazyRegex::new(p).map_err(|e| OptionsError {
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
    fn warm(&self) {
        self.matches
            .iter()
            .chain(&self.not_match)
            .for_each(LazyRegex::warm);
    }
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(t) = text(node) else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        if let Some(r) = &self.matches
            && !r.is_match(&t)
        {
            hits.push(Hit::new(format!("does not match `{}`", r.as_str())));
        }
        if let Some(r) = &self.not_match
            && r.is_match(&t)
        {
            hits.push(Hit::new(format!("matches `{}`", r.as_str())));
        }
        hits
    }
}
