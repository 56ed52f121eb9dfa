//! XML: samlint's own pre-scan, then a namespace-aware DOM with spans, and a pretty view.

pub mod dom;
pub mod prescan;
pub mod pretty;

use crate::error::ErrorKind;
use crate::limits::Limits;
use crate::source::Span;
pub use dom::{Document, NodeId, NodeKind};

/// Pre-scan (limits, DOCTYPE) and parse.
pub fn parse(text: &str, limits: &Limits) -> Result<Document, (ErrorKind, Span)> {
    if text.len() > limits.max_value {
        return Err((
            ErrorKind::TooLarge {
                what: "the XML message",
                size: text.len() as u64,
                limit: limits.max_value as u64,
                flag: "--max-value",
            },
            Span::new(0, 0),
        ));
    }
    prescan::prescan(text, limits.max_depth)?;
    dom::parse(text)
}
