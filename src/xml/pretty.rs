//! Pretty-printed view of a decoded message with an offset map back to the raw bytes.
//!
//! Keycloak and most IdPs send one-line XML; a diagnostic at "line 1, column 5234" helps nobody. The
//! pretty view re-indents elements but copies every tag, attribute, text, comment and CDATA section
//! byte for byte, so attribute order, prefixes and namespace declarations are kept, and any span in the
//! raw text maps into the view. The raw text stays the source of truth.
//!
//! For a terminal ([`pretty_width`]) a start tag that would pass the width (a root tag with a dozen
//! namespace declarations is 400 columns) is broken between its attributes: each attribute on its own
//! line, copied byte for byte, so only whitespace inside the tag changes (which XML ignores) and the
//! offset map stays exact. Text is never broken: whitespace inserted there would change the value.

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
    /// Columns a line may take; a longer start tag gets one attribute a line.
    width: usize,
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

/// Build the view, each start tag on one line however long.
pub fn pretty(doc: &Document, raw: &str) -> Pretty {
    pretty_width(doc, raw, usize::MAX)
}

/// Build the view for `width` columns: a start tag longer than that puts each attribute on its own
/// line (an attribute longer than the width stays whole).
pub fn pretty_width(doc: &Document, raw: &str, width: usize) -> Pretty {
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
        width,
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
    start_tag(w, el.start_tag, level);
    let Some(end_tag) = el.end_tag else {
        w.out.push('\n');
        return;
    };
    let has_element_children = node.children.iter().any(|c| doc.element(*c).is_some());
    // Mixed content (text or CDATA beside elements: `jane@example.com<x/>.evil.com` in a NameID) is
    // copied as sent too: re-indenting it would show another value than the one checked (review 54).
    let mixed = has_element_children
        && node.children.iter().any(|c| match &doc.node(*c).kind {
            // XML's white space only (review 55: str::trim also took U+00A0 and U+3000).
            NodeKind::Text { .. } => w
                .raw
                .get(doc.node(*c).span.range())
                .is_some_and(|t| !super::is_blank(t)),
            NodeKind::CData { .. } => true,
            _ => false,
        });
    if !has_element_children || mixed {
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

/// Copy a start tag: whole when it fits the width, else its name, each attribute on a line of its own
/// (indented four more than the tag), and its closing `>` or `/>` after the last attribute.
fn start_tag(w: &mut Writer, tag: Span, level: usize) {
    let Some(text) = w.raw.get(tag.range()) else {
        return;
    };
    if w.width == usize::MAX || level * 2 + text.chars().count() <= w.width {
        w.copy(tag);
        return;
    }
    let Some(parts) = tag_parts(text).filter(|p| !p.attrs.is_empty()) else {
        w.copy(tag);
        return;
    };
    w.copy(Span::new(tag.start, tag.start + parts.name_end));
    for a in &parts.attrs {
        w.out.push('\n');
        w.indent(level + 2);
        w.copy(Span::new(tag.start + a.start, tag.start + a.end));
    }
    w.copy(Span::new(tag.start + parts.tail, tag.end));
}

/// Where a start tag's name ends, each attribute (`name="value"`, quotes included), and where the
/// closing `>` or `/>` begins: byte offsets in the tag. `None` for anything unexpected (the tag is
/// then copied whole): the parser has already accepted the tag, so this is a second reading, not a
/// check.
struct TagParts {
    name_end: usize,
    attrs: Vec<std::ops::Range<usize>>,
    tail: usize,
}

fn tag_parts(text: &str) -> Option<TagParts> {
    let b = text.as_bytes();
    let ws = super::is_space;
    if b.first() != Some(&b'<') {
        return None;
    }
    let mut i = 1;
    while i < b.len() && !ws(b[i]) && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name_end = i;
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return None,
            Some(b'>') | Some(b'/') => break,
            Some(_) => {}
        }
        let start = i;
        while i < b.len() && b[i] != b'"' && b[i] != b'\'' {
            if b[i] == b'>' {
                return None;
            }
            i += 1;
        }
        let q = *b.get(i)?;
        i += 1;
        while i < b.len() && b[i] != q {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        i += 1;
        attrs.push(start..i);
    }
    Some(TagParts {
        name_end,
        attrs,
        tail: i,
    })
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

    /// Review 54: an element whose text sits beside a child element is copied as sent, spaces and all.
    #[test]
    fn mixed_content_is_copied_as_sent() {
        let raw = "<a><n>  jane@example.com<x:y xmlns:x=\"u\"/>.evil.com </n><m><![CDATA[ ]]><k/></m><o>\u{a0}<k/></o></a>";
        let doc = parse(raw).unwrap();
        let p = pretty(&doc, raw);
        assert_eq!(
            p.text,
            "<a>\n  <n>  jane@example.com<x:y xmlns:x=\"u\"/>.evil.com </n>\n  <m><![CDATA[ ]]><k/></m>\n  <o>\u{a0}<k/></o>\n</a>\n"
        );
    }

    #[test]
    fn long_start_tags_get_one_attribute_a_line() {
        let raw = r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_abc" Version="2.0"><a   x = 'é' y="2"/><b/></samlp:Response>"#;
        let doc = parse(raw).unwrap();
        let p = pretty_width(&doc, raw, 30);
        assert_eq!(
            p.text,
            "<samlp:Response\n    xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"\n    ID=\"_abc\"\n    Version=\"2.0\">\n  <a   x = 'é' y=\"2\"/>\n  <b/>\n</samlp:Response>\n"
        );
        let p = pretty_width(&doc, raw, 16);
        assert!(
            p.text.contains("  <a\n      x = 'é'\n      y=\"2\"/>\n"),
            "{}",
            p.text
        );
        let id = doc.attr(doc.root, "ID").unwrap();
        assert_eq!(&p.text[p.map_span(id.span).range()], "ID=\"_abc\"");
        // No width: as before.
        assert_eq!(
            pretty_width(&doc, raw, usize::MAX).text,
            pretty(&doc, raw).text
        );
    }

    /// A small deterministic generator (xorshift), so that the property test needs no crate and
    /// every failure reproduces.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[self.below(xs.len())]
        }
    }

    fn random_element(r: &mut Rng, depth: usize, out: &mut String) {
        let names = ["a", "saml:Assertion", "ds:Signature", "Attribute", "x"];
        let name = r.pick(&names);
        out.push('<');
        out.push_str(name);
        let ws = [" ", "  ", "\n", "\t ", " \r\n "];
        let values = [
            "",
            "1",
            "é€",
            "a&amp;b",
            "urn:oasis:names:tc:SAML:2.0:assertion",
            "a b  c",
            "&#x9;x",
            "long-value-long-value-long-value-long-value",
        ];
        for i in 0..r.below(7) {
            out.push_str(r.pick(&ws));
            let q = if r.below(4) == 0 { '\'' } else { '"' };
            let eq = r.pick(&["=", " = ", "=\n"]);
            out.push_str(&format!(
                "{}{i}{eq}{q}{}{q}",
                r.pick(&["attr", "xmlns:p", "ID", "Name"]),
                r.pick(&values)
            ));
        }
        out.push_str(r.pick(&["", " ", "\n"]));
        if depth > 3 || r.below(3) == 0 {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for _ in 0..r.below(4) {
            match r.below(4) {
                0 => out.push_str(r.pick(&["text", " é ", "\n  ", "a&lt;b"])),
                1 => out.push_str("<!-- c -->"),
                _ => random_element(r, depth + 1, out),
            }
        }
        out.push_str(&format!("</{name}>"));
    }

    fn no_ws(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// Property: at any width, every span of the raw text maps into the view onto the same characters
    /// (only whitespace may differ, where the view re-indents or breaks a tag); an attribute, a name or
    /// a value maps onto exactly its own bytes; and a line passes the width only when it is one
    /// attribute (or a start tag without attributes) that cannot be broken.
    #[test]
    fn every_span_maps_onto_the_same_characters_at_any_width() {
        let mut r = Rng(0x9e37_79b9_7f4a_7c15);
        let mut checked = 0;
        for _ in 0..600 {
            let mut raw = String::new();
            random_element(&mut r, 0, &mut raw);
            let Ok(doc) = parse(&raw) else {
                continue;
            };
            let bounds: Vec<usize> = (0..=raw.len())
                .filter(|i| raw.is_char_boundary(*i))
                .collect();
            for width in [12, 30, 60, 80, usize::MAX] {
                let p = pretty_width(&doc, &raw, width);
                assert_eq!(no_ws(&p.text), no_ws(&raw), "{raw}");
                for n in doc.descendants(doc.root) {
                    let el = doc.element(n).unwrap();
                    for a in &el.attrs {
                        for s in [a.span, a.value_span] {
                            let m = p.map_span(s);
                            assert_eq!(&p.text[m.range()], &raw[s.range()], "{raw}\n{}", p.text);
                        }
                    }
                    let s = doc.node(n).span;
                    let m = p.map_span(s);
                    assert_eq!(no_ws(&p.text[m.range()]), no_ws(&raw[s.range()]));
                }
                for _ in 0..40 {
                    let a = bounds[r.below(bounds.len())];
                    let b = bounds[r.below(bounds.len())];
                    let s = Span::new(a.min(b), a.max(b));
                    let m = p.map_span(s);
                    let shown = p.text.get(m.range()).expect("on character boundaries");
                    assert_eq!(no_ws(shown), no_ws(&raw[s.range()]), "{s:?} in {raw}");
                }
                // Every start tag fits, or is broken one attribute a line, or has no attribute
                // to break at.
                for n in doc.descendants(doc.root) {
                    let el = doc.element(n).unwrap();
                    let m = p.map_span(el.start_tag);
                    let shown = &p.text[m.range()];
                    let col = p.text[..m.start]
                        .rsplit('\n')
                        .next()
                        .unwrap_or("")
                        .chars()
                        .count();
                    let attrs: Vec<&str> = el.attrs.iter().map(|a| &raw[a.span.range()]).collect();
                    // Inside mixed content everything is copied as sent (mixed_content_is_copied_as_sent).
                    let in_mixed = {
                        let mut up = doc.node(n).parent;
                        let mut found = false;
                        while let Some(a) = up {
                            let kids = &doc.node(a).children;
                            found |= kids.iter().any(|c| doc.element(*c).is_some())
                                && kids.iter().any(|c| match &doc.node(*c).kind {
                                    NodeKind::Text { .. } => {
                                        !crate::xml::is_blank(&raw[doc.node(*c).span.range()])
                                    }
                                    NodeKind::CData { .. } => true,
                                    _ => false,
                                });
                            up = doc.node(a).parent;
                        }
                        found
                    };
                    if shown == &raw[el.start_tag.range()] {
                        assert!(
                            width == usize::MAX
                                || attrs.is_empty()
                                || in_mixed
                                || col + shown.chars().count() <= width,
                            "{shown} at {col} > {width}"
                        );
                    } else {
                        // The tag's name, then each attribute on a line of its own, indented four
                        // more than the tag, then its `>` or `/>`.
                        let tag = &raw[el.start_tag.range()];
                        let name_end = tag.find(crate::xml::SPACE).unwrap();
                        let tail = tag.trim_end_matches(['>', '/']);
                        let mut expected = tag[..name_end].to_string();
                        for a in &attrs {
                            expected.push('\n');
                            expected.push_str(&" ".repeat(col + 4));
                            expected.push_str(a);
                        }
                        expected.push_str(&tag[tail.len()..]);
                        assert_eq!(shown, expected);
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} documents parsed");
    }
}
