//! Pretty-printed view of a decoded message with an offset map back to the raw bytes.
//!
//! Keycloak and most IdPs send one-line XML; a diagnostic at "line 1, column 5234" helps nobody. The
//! pretty view re-indents elements but copies every tag, attribute, text, comment and CDATA section
//! byte for byte, so attribute order, prefixes and namespace declarations are kept, and any span in the
//! raw text maps into the view. The raw text stays the source of truth.

use super::dom::{Document, NodeId, NodeKind};
use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Pretty {
    pub text: String,
    /// (raw_start, pretty_start, len): raw bytes copied verbatim, sorted by raw_start.
    segments: Vec<(usize, usize, usize)>,
}

impl Pretty {
    /// Map a raw offset to the view. Offsets in dropped whitespace move to the next copied byte.
    pub fn map_offset(&self, raw: usize, is_end: bool) -> usize {
        // For an end offset, a segment that ends exactly here wins over one that starts here.
        let idx = if is_end {
            self.segments.partition_point(|s| s.0 < raw)
        } else {
            self.segments.partition_point(|s| s.0 <= raw)
        };
        if idx > 0 {
            let (rs, ps, len) = self.segments[idx - 1];
            if raw < rs + len || (is_end && raw == rs + len) {
                return ps + (raw - rs);
            }
        }
        if is_end && idx > 0 {
            let (_, ps, len) = self.segments[idx - 1];
            return ps + len;
        }
        match self.segments.get(idx) {
            Some((_, ps, _)) => *ps,
            None => self.text.len(),
        }
    }

    pub fn map_span(&self, s: Span) -> Span {
        let start = self.map_offset(s.start, false);
        let end = self.map_offset(s.end, true).max(start);
        Span::new(start, end)
    }
}

struct Writer<'a> {
    raw: &'a str,
    out: String,
    segments: Vec<(usize, usize, usize)>,
}

impl Writer<'_> {
    fn copy(&mut self, s: Span) {
        let Some(slice) = self.raw.get(s.range()) else {
            return;
        };
        if !slice.is_empty() {
            self.segments.push((s.start, self.out.len(), slice.len()));
            self.out.push_str(slice);
        }
    }
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }
}

/// Build the view.
pub fn pretty(doc: &Document, raw: &str) -> Pretty {
    if doc.is_empty() {
        // Not XML (a Keycloak export): the view is the text itself.
        return Pretty {
            text: raw.to_string(),
            segments: vec![(0, 0, raw.len())],
        };
    }
    let mut w = Writer {
        raw,
        out: String::with_capacity(raw.len() + raw.len() / 4),
        segments: Vec::new(),
    };
    if let Some(d) = doc.decl {
        w.copy(d);
        w.out.push('\n');
    }
    for &n in &doc.prolog {
        w.copy(doc.node(n).span);
        w.out.push('\n');
    }
    element(&mut w, doc, doc.root, 0);
    for &n in &doc.epilog {
        w.copy(doc.node(n).span);
        w.out.push('\n');
    }
    // Segments are produced in document order, so already sorted by raw offset.
    Pretty {
        text: w.out,
        segments: w.segments,
    }
}

fn element(w: &mut Writer, doc: &Document, id: NodeId, level: usize) {
    let node = doc.node(id);
    let NodeKind::Element(el) = &node.kind else {
        return;
    };
    w.indent(level);
    w.copy(el.start_tag);
    let Some(end_tag) = el.end_tag else {
        w.out.push('\n');
        return;
    };
    let has_element_children = node.children.iter().any(|c| doc.element(*c).is_some());
    if !has_element_children {
        // Text-only content (comments and CDATA included) stays inline, exactly as sent.
        w.copy(Span::new(el.start_tag.end, end_tag.start));
        w.copy(end_tag);
        w.out.push('\n');
        return;
    }
    w.out.push('\n');
    for &c in &node.children {
        let child = doc.node(c);
        match &child.kind {
            NodeKind::Element(_) => element(w, doc, c, level + 1),
            NodeKind::Text { .. } => {
                let slice = w.raw.get(child.span.range()).unwrap_or_default();
                let lead = slice.len() - slice.trim_start().len();
                let trimmed = slice.trim();
                if !trimmed.is_empty() {
                    w.indent(level + 1);
                    w.copy(Span::new(
                        child.span.start + lead,
                        child.span.start + lead + trimmed.len(),
                    ));
                    w.out.push('\n');
                }
            }
            _ => {
                w.indent(level + 1);
                w.copy(child.span);
                w.out.push('\n');
            }
        }
    }
    w.indent(level);
    w.copy(end_tag);
    w.out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::dom::parse;

    #[test]
    fn indents_and_maps() {
        let raw = r#"<a x="1"><b>t<!--c-->u</b>  <c/><d><e>v</e></d></a>"#;
        let doc = parse(raw).unwrap();
        let p = pretty(&doc, raw);
        assert_eq!(
            p.text,
            "<a x=\"1\">\n  <b>t<!--c-->u</b>\n  <c/>\n  <d>\n    <e>v</e>\n  </d>\n</a>\n"
        );
        // Every element's span maps onto the same bytes in the view.
        for n in doc.descendants(doc.root) {
            let s = doc.node(n).span;
            let m = p.map_span(Span::new(s.start, doc.element(n).unwrap().start_tag.end));
            assert_eq!(
                &p.text[m.range()],
                &raw[s.start..doc.element(n).unwrap().start_tag.end]
            );
        }
        let x = doc.attr(doc.root, "x").unwrap().value_span;
        assert_eq!(&p.text[p.map_span(x).range()], "1");
    }
}
