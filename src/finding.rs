//! Findings: what samlint reports about a message that it could lint.

use crate::source::Span;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
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

/// Static description of a built-in check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
    /// Where the requirement comes from.
    pub source: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub pack: &'static str,
    /// Where in the decoded message.
    pub span: Option<Span>,
    /// Prefix-independent XML path of the element at fault.
    pub path: Option<String>,
    /// A short label for the span.
    pub label: Option<String>,
}

impl Finding {
    pub fn new(rule: &RuleMeta, message: impl Into<String>) -> Self {
        Finding {
            code: rule.code,
            name: rule.name,
            severity: rule.severity,
            message: message.into(),
            help: rule.help.to_string(),
            pack: "builtin",
            span: None,
            path: None,
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
    pub fn label(mut self, l: impl Into<String>) -> Self {
        self.label = Some(l.into());
        self
    }
    #[must_use]
    pub fn help(mut self, h: impl Into<String>) -> Self {
        self.help = h.into();
        self
    }
}

/// Every rule implemented in Rust (structure, signatures, protocol), in code order within each family.
pub fn builtin_rules() -> Vec<&'static RuleMeta> {
    crate::check::RULES
        .iter()
        .chain(crate::verify::rules::RULES.iter())
        .chain(crate::verify::protocol::RULES.iter())
        .collect()
}

/// A Rust-implemented rule by code.
pub fn builtin_rule(code: &str) -> Option<&'static RuleMeta> {
    crate::check::RULES
        .iter()
        .chain(crate::verify::rules::RULES.iter())
        .chain(crate::verify::protocol::RULES.iter())
        .find(|r| r.code == code)
}

/// Rules defined by rule packs loaded in this process (shipped and users').
fn pack_registry() -> &'static std::sync::Mutex<Vec<&'static RuleMeta>> {
    static R: std::sync::OnceLock<std::sync::Mutex<Vec<&'static RuleMeta>>> =
        std::sync::OnceLock::new();
    R.get_or_init(|| std::sync::Mutex::new(Vec::new()))
}

/// Keep a pack rule's metadata for the life of the process and record it so that reports can describe
/// it. Identical metadata is stored once, so loading the same pack again does not grow memory.
pub fn intern_meta(meta: RuleMeta) -> &'static RuleMeta {
    let mut g = match pack_registry().lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    if let Some(m) = g.iter().find(|m| ***m == meta) {
        return m;
    }
    let m: &'static RuleMeta = Box::leak(Box::new(meta));
    g.push(m);
    m
}

/// Every rule: Rust-implemented ones, then those of the shipped packs and of packs loaded since.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut out = builtin_rules();
    out.extend(crate::rules::shipped_rules().map(|r| r.meta));
    let g = match pack_registry().lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    for m in g.iter() {
        if !out.iter().any(|o| o.code == m.code) {
            out.push(m);
        }
    }
    out
}

/// A rule by code.
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    // The order of `all_rules`, without building it (reports look up every finding's rule).
    builtin_rule(code)
        .or_else(|| {
            crate::rules::shipped_rules()
                .map(|r| r.meta)
                .find(|m| m.code == code)
        })
        .or_else(|| {
            let g = match pack_registry().lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            g.iter().find(|m| m.code == code).copied()
        })
}
