//! Output formats.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod prediction;
pub mod redact;
pub mod sarif;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich diagnostics pointing into a pretty-printed view of each message.
    Full,
    /// One line per finding: `origin:line:column: severity[CODE] message`.
    Concise,
    /// The stable version-1 JSON report (docs/report-v1.schema.json).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// JUnit XML: a testsuite per input, a testcase per rule evaluated.
    Junit,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// The redacted Markdown support report (what `samlint report` writes).
    Markdown,
}
