//! Output formats.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod order;
pub mod prediction;
pub mod public;
pub mod redact;
pub mod sarif;
pub mod summary;
pub mod timeline;
pub mod window;

use crate::finding::Finding;
use crate::lint::{Linted, Run};
use clap::ValueEnum;

/// The input file a message came from, when its input is a file on disk (not a pasted value or stdin).
pub fn input_file<'a>(run: &'a Run, m: &Linted) -> Option<&'a str> {
    let i = run.inputs.get(m.input)?;
    std::path::Path::new(&i.name)
        .is_file()
        .then_some(i.name.as_str())
}

/// Is the text a message's spans point into the file's own bytes, so that a span is a line and column
/// in the file? True for a raw XML file and for a Keycloak export (its clients are subjects of one
/// file: the JSON text as read); false for anything decoded (base64, a HAR entry, a pasted value).
pub fn text_is_file(run: &Run, m: &Linted) -> bool {
    input_file(run, m).is_some()
        && m.source.encodings.is_empty()
        && (m.source.origin.0.len() == 1 || m.is_keycloak())
}

/// A place in a text: 1-based lines, columns in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Where a finding is in the text its message was read from (the decoded text; the file itself when
/// [`text_is_file`]). The one computation SARIF, GitHub annotations and the concise format share.
pub fn region(m: &Linted, f: &Finding) -> Option<Region> {
    let s = f.span?;
    let (start_line, start_column) = m.source.line_col(s.start);
    let (end_line, end_column) = m.source.line_col(s.end);
    Some(Region {
        start_line,
        start_column,
        end_line,
        end_column,
    })
}

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
