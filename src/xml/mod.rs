//! XML: samlint's own pre-scan, then a namespace-aware DOM with spans, and a pretty view.

pub mod c14n;
pub mod dom;
pub mod name;
pub mod prescan;
pub mod pretty;

use crate::error::ErrorKind;
use crate::limits::Limits;
use crate::source::Span;
pub use dom::{Document, NodeId, NodeKind};

/// XML's white space (XML 1.0 §2.3, `S`): space, tab, carriage return, line feed. Never `str::trim`'s
/// Unicode white space (U+00A0, U+3000 …), and not the form feed `u8::is_ascii_whitespace` takes.
pub fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// [`is_space`] as characters, for `str::trim_matches` and friends.
pub const SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// Text of XML white space only (or empty).
pub fn is_blank(t: &str) -> bool {
    t.bytes().all(is_space)
}

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
    // A verifier of a `URI=""` Reference walks the siblings of each node outside the root (quadratic
    // in them: 40,000 processing instructions after the root took 25 s); no IdP writes more than one.
    let outside = doc.prolog.len() + doc.epilog.len();
    if outside > limits.max_outside_root {
        let at = doc
            .prolog
            .iter()
            .chain(&doc.epilog)
            .nth(limits.max_outside_root)
            .map_or(Span::new(0, 0), |n| doc.node(*n).span);
        return Err((
            ErrorKind::TooMany {
                what: "comments and processing instructions outside the root element",
                count: outside,
                limit: limits.max_outside_root,
                flag: "--max-outside-root",
            },
            at,
        ));
    }
    signature_work(&doc, limits)?;
    Ok(doc)
}

/// The work a signature verifier does grows with the signatures, References and Transforms of a
/// message (each can make it canonicalise the whole document), with the PrefixList prefixes (an
/// exclusive canonicaliser looks at each at every element) and with the namespace bindings in scope
/// at each element (an inclusive canonicaliser copies them at every element, once per Reference; an
/// exclusive one looks up each prefix an element or its attributes use among them):
/// each is bounded, in one walk, before any verifier sees the document. Counted wherever they sit (a
/// Manifest's References, an Advice's signatures, an InclusiveNamespaces in any namespace), as a
/// verifier may read them all.
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
    // Namespace bindings in scope at each element (its parent's and its own declarations), summed:
    // an inclusive canonicaliser copies them at every element it writes. Counted once more for each
    // prefixed attribute: an exclusive canonicaliser looks each prefix an element uses up among them
    // (4,000 bindings × 250 prefixed attributes × 240 elements took 2.9 s in samlint and 4 s more in
    // bergshamra, under the element-only count).
    let mut in_scope = vec![0usize; doc.nodes.len()];
    let mut scope_sum = 0usize;
    let mut scope_first = None;
    for id in 0..doc.nodes.len() {
        let Some(e) = doc.element(id) else { continue };
        let inherited = doc.node(id).parent.map_or(0, |p| in_scope[p]);
        let own = e.attrs.iter().filter(|a| a.is_declaration()).count();
        in_scope[id] = inherited + own;
        let prefixed = e
            .attrs
            .iter()
            .filter(|a| !a.is_declaration() && a.ns.is_some())
            .count();
        scope_sum = scope_sum.saturating_add(in_scope[id].saturating_mul(1 + prefixed));
        if scope_first.is_none() && scope_sum > limits.max_namespace_scope {
            scope_first = Some(id);
        }
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
    let (references, signatures) = (counts[1].3, counts[0].3);
    if let Some((what, limit, flag, count, Some(at))) = counts.into_iter().find(|c| c.4.is_some()) {
        return Err((
            ErrorKind::TooMany {
                what,
                count,
                limit,
                flag,
            },
            doc.name_span(at),
        ));
    }
    // Each Reference can make a verifier canonicalise the whole document: the sum counts once per
    // Reference, and only when there is a signature to verify.
    let scope_work = scope_sum.saturating_mul(references.max(1));
    if signatures > 0 && scope_work > limits.max_namespace_scope {
        return Err((
            ErrorKind::TooMany {
                what: "namespace bindings in scope (summed over the elements and their prefixed attributes, times the References)",
                count: scope_work,
                limit: limits.max_namespace_scope,
                flag: "--max-namespace-scope",
            },
            doc.name_span(scope_first.unwrap_or(doc.root)),
        ));
    }
    Ok(())
}
