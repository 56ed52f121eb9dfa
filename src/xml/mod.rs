//! XML: samlint's own pre-scan, then a namespace-aware DOM with spans, and a pretty view.

pub mod c14n;
pub mod dom;
pub mod prescan;
pub mod pretty;

use crate::error::ErrorKind;
use crate::limits::Limits;
use crate::source::Span;
pub use dom::{Document, NodeId, NodeKind};

/// Pre-scan (limits, DOCTYPE, what libxml2 refuses) and parse a message exactly as an SP receives it.
/// Raw XML given by the user is held to the same rules as a decoded message: a document libxml2-based
/// SPs refuse (whitespace before the declaration included) is refused, never linted.
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
    prescan::prescan(text, limits)?;
    let doc = dom::parse(text)?;
    // Each signature can make a verifier canonicalise the whole document: bounded.
    let sigs: Vec<NodeId> = doc
        .nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| doc.is(*i, crate::model::ns::DS, "Signature"))
        .map(|(i, _)| i)
        .collect();
    if sigs.len() > limits.max_signatures {
        let at = doc.name_span(sigs[limits.max_signatures]);
        return Err((
            ErrorKind::TooMany {
                what: "signatures in one message",
                count: sigs.len(),
                limit: limits.max_signatures,
                flag: "--max-signatures",
            },
            at,
        ));
    }
    Ok(doc)
}
