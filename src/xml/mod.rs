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
    signature_work(&doc, limits)?;
    Ok(doc)
}

/// The work a signature verifier does grows with the signatures, References and Transforms of a
/// message (each can make it canonicalise the whole document) and with the PrefixList prefixes (an
/// exclusive canonicaliser looks at each at every element): each is bounded, in one walk, before any
/// verifier sees the document. Counted wherever they sit (a Manifest's References, an Advice's
/// signatures, an InclusiveNamespaces in any namespace), as a verifier may read them all.
fn signature_work(doc: &Document, limits: &Limits) -> Result<(), (ErrorKind, Span)> {
    use crate::model::ns::DS;
    let limit = |what, limit, flag| (what, limit, flag, 0usize, None::<NodeId>);
    let mut counts = [
        limit(
            "signatures in one message",
            limits.max_signatures,
            "--max-signatures",
        ),
        limit(
            "References in one message",
            limits.max_references,
            "--max-references",
        ),
        limit(
            "Transforms in one message",
            limits.max_transforms,
            "--max-transforms",
        ),
        limit(
            "PrefixList prefixes in one message",
            limits.max_prefixes,
            "--max-prefixes",
        ),
    ];
    for id in 0..doc.nodes.len() {
        let Some(e) = doc.element(id) else { continue };
        let (slot, n) = match e.local.as_str() {
            "Signature" if e.ns.as_deref() == Some(DS) => (0, 1),
            "Reference" if e.ns.as_deref() == Some(DS) => (1, 1),
            "Transform" if e.ns.as_deref() == Some(DS) => (2, 1),
            "InclusiveNamespaces" => (
                3,
                e.attrs
                    .iter()
                    .filter(|a| a.ns.is_none() && a.local == "PrefixList")
                    .map(|a| a.value.split_ascii_whitespace().count())
                    .sum(),
            ),
            _ => continue,
        };
        let (_, limit, _, count, first_over) = &mut counts[slot];
        *count += n;
        if *count > *limit && first_over.is_none() {
            *first_over = Some(id);
        }
    }
    match counts.into_iter().find(|c| c.4.is_some()) {
        Some((what, limit, flag, count, Some(at))) => Err((
            ErrorKind::TooMany {
                what,
                count,
                limit,
                flag,
            },
            doc.name_span(at),
        )),
        _ => Ok(()),
    }
}
