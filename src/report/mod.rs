//! Output formats.

pub mod human;
pub mod json;

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich diagnostics pointing into a pretty-printed view of each message.
    Full,
    /// One line per finding: `origin:line:column: severity[CODE] message`.
    Concise,
    /// The stable version-1 JSON report (docs/report-v1.schema.json).
    Json,
}
