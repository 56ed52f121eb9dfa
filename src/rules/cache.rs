//! The shipped packs' YAML trees, parsed at build time (build.rs) and kept as compact JSON, so that a run
//! does not parse YAML before it can apply a rule. Parsing the four packs' YAML took about 7.5 million
//! instructions, the larger part of a single paste; reading this form back takes a small part of that.
//!
//! The tree is marked-yaml's, node for node: each scalar's text and whether it may be coerced (plain,
//! not quoted), and every start and end marker, so the loader (`pack::load_tree`) sees exactly what
//! parsing the YAML gives and its spans still point into the YAML text. `tests/rules.rs` checks that
//! both ways load the same packs. This file is also compiled into build.rs (`#[path]`).
//!
//! Encoding, preorder, read with a cursor (a JSON form was tried first and was slower than the YAML:
//! building `serde_json::Value`s cost more than the scanner it saved):
//! `S<coerce 0|1><span>:<byte length>:<text>`, `Q<span>:<count>:<nodes>`, `M<span>:<count>:<key value…>`,
//! where a span is `<marker> <marker>` and a marker is `-` or `<character>,<line>,<column>`.

// Compiled twice: build.rs uses `encode`, the library `decode`; each sees the other as unused.
#![allow(dead_code)]

use marked_yaml::types::{MarkedMappingNode, MarkedScalarNode, MarkedSequenceNode};
use marked_yaml::{Marker, Node, Span};

/// How pack YAML is parsed: duplicate keys are errors, quoted scalars are never coerced.
pub fn yaml_options() -> marked_yaml::LoaderOptions {
    marked_yaml::LoaderOptions::default()
        .error_on_duplicate_keys(true)
        .prevent_coercion(true)
}

fn put_marker(out: &mut String, m: Option<&Marker>) {
    match m {
        Some(m) => out.push_str(&format!("{},{},{}", m.character(), m.line(), m.column())),
        None => out.push('-'),
    }
}

fn put_span(out: &mut String, s: &Span) {
    put_marker(out, s.start());
    out.push(' ');
    put_marker(out, s.end());
    out.push(':');
}

/// A parsed YAML tree in the cached form (build time).
pub fn encode(n: &Node, out: &mut String) {
    match n {
        Node::Scalar(s) => {
            out.push('S');
            out.push(if s.may_coerce() { '1' } else { '0' });
            put_span(out, s.span());
            out.push_str(&format!("{}:", s.as_str().len()));
            out.push_str(s.as_str());
        }
        Node::Sequence(q) => {
            out.push('Q');
            put_span(out, q.span());
            out.push_str(&format!("{}:", q.len()));
            for n in q.iter() {
                encode(n, out);
            }
        }
        Node::Mapping(m) => {
            out.push('M');
            put_span(out, m.span());
            out.push_str(&format!("{}:", m.len()));
            for (k, v) in m.iter() {
                encode(&Node::Scalar(k.clone()), out);
                encode(v, out);
            }
        }
    }
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.text.as_bytes().get(self.at)?;
        self.at += 1;
        Some(b)
    }
    /// A decimal number ended by `end`.
    fn number(&mut self, end: u8) -> Option<usize> {
        let mut n: usize = 0;
        loop {
            match self.byte()? {
                b if b == end => return Some(n),
                b @ b'0'..=b'9' => n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?,
                _ => return None,
            }
        }
    }
    fn marker(&mut self, end: u8) -> Option<Option<Marker>> {
        if self.text.as_bytes().get(self.at) == Some(&b'-') {
            self.at += 1;
            return (self.byte()? == end).then_some(None);
        }
        let c = self.number(b',')?;
        let l = self.number(b',')?;
        let col = self.number(end)?;
        Some(Some(Marker::new(0, c, l, col)))
    }
    fn span(&mut self) -> Option<Span> {
        let start = self.marker(b' ')?;
        let end = self.marker(b':')?;
        Some(match (start, end) {
            (Some(s), Some(e)) => Span::new_with_marks(s, e),
            (Some(s), None) => Span::new_start(s),
            _ => Span::new_blank(),
        })
    }
    fn node(&mut self, depth: usize) -> Option<Node> {
        if depth > 64 {
            return None;
        }
        match self.byte()? {
            b'S' => Some(Node::Scalar(self.scalar_body()?)),
            b'Q' => {
                let span = self.span()?;
                let n = self.number(b':')?;
                let mut items = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    items.push(self.node(depth + 1)?);
                }
                Some(Node::Sequence(MarkedSequenceNode::new(span, items)))
            }
            b'M' => {
                let span = self.span()?;
                let n = self.number(b':')?;
                let mut m = MarkedMappingNode::new_empty(span);
                for _ in 0..n {
                    if self.byte()? != b'S' {
                        return None;
                    }
                    let k = self.scalar_body()?;
                    let v = self.node(depth + 1)?;
                    m.insert(k, v);
                }
                Some(Node::Mapping(m))
            }
            _ => None,
        }
    }
    fn scalar_body(&mut self) -> Option<MarkedScalarNode> {
        let coerce = match self.byte()? {
            b'1' => true,
            b'0' => false,
            _ => return None,
        };
        let span = self.span()?;
        let len = self.number(b':')?;
        let text = self.text.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        let mut s = MarkedScalarNode::new(span, text);
        s.set_coerce(coerce);
        Some(s)
    }
}

/// The tree back (run time); `None` if the text is not what `encode` wrote.
pub fn decode(text: &str) -> Option<Node> {
    let mut c = Cursor { text, at: 0 };
    let n = c.node(0)?;
    (c.at == text.len()).then_some(n)
}
