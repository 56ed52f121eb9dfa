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
#[derive(Debug, Clone, Copy, Serialize)]
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

/// Every built-in rule, in code order within each family.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    crate::check::RULES
        .iter()
        .chain(crate::verify::rules::RULES.iter())
        .chain(crate::verify::protocol::RULES.iter())
        .collect()
}

/// A rule by code.
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    all_rules().into_iter().find(|r| r.code == code)
}
