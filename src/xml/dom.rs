//! A small namespace-aware DOM that keeps byte spans for every node, attribute and value.
//!
//! Built on quick-xml's event reader. Names are resolved to (namespace URI, local name): code compares
//! URIs, never prefixes. Text is kept faithfully: a comment or CDATA section inside a value is its own
//! node, never silently joined (the comment-truncation attack depends on exactly that difference).

use crate::error::ErrorKind;
use crate::source::Span;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

pub use super::name::Name;

pub type NodeId = usize;

/// A namespace URI, shared by every name bound to it.
pub type Ns = std::sync::Arc<str>;

pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

#[derive(Debug, Clone, Serialize)]
pub struct Attr {
    /// Namespace URI; `None` for unprefixed attributes (which are in no namespace). Shared with the
    /// declaration it comes from: one allocation per declaration, not per name.
    pub ns: Option<Ns>,
    pub local: Name,
    /// The name as written (`prefix:local`).
    pub qname: Name,
    /// Normalised, unescaped value.
    pub value: String,
    /// The whole `name="value"`.
    pub span: Span,
    /// The raw value between the quotes.
    pub value_span: Span,
}

impl Attr {
    /// A namespace declaration (`xmlns`, `xmlns:p`), not an attribute of the element.
    pub fn is_declaration(&self) -> bool {
        (self.ns.is_none() && self.qname == "xmlns") || self.ns.as_deref() == Some(XMLNS_NS)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Element {
    pub ns: Option<Ns>,
    pub local: Name,
    pub prefix: Option<Name>,
    pub attrs: Vec<Attr>,
    /// `<name …>` or `<name …/>`.
    pub start_tag: Span,
    /// `</name>`; `None` for an empty-element tag.
    pub end_tag: Option<Span>,
    /// Position (1-based) among the parent's child elements of the same name, and how many there are:
    /// what [`Document::path`] needs without looking at the siblings.
    pub nth: usize,
    pub same: usize,
}

impl Element {
    /// The name as written: `prefix:local`, or `local` without a prefix.
    pub fn qname(&self) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{}", self.local),
            None => self.local.to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum NodeKind {
    Element(Element),
    /// Character data, entity and character references resolved; adjacent pieces joined as in the DOM.
    Text {
        value: String,
    },
    CData {
        value: String,
    },
    Comment {
        value: String,
    },
    Pi,
}

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub kind: NodeKind,
    /// The node's bytes, start tag to end tag for elements.
    pub span: Span,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// One past the last node of this node's subtree: the arena is in document order and never
    /// changes after the parse, so a subtree is the range `id + 1 .. end`.
    pub end: NodeId,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    /// Nodes before / after the root (comments, PIs).
    pub prolog: Vec<NodeId>,
    pub epilog: Vec<NodeId>,
    /// The XML declaration, when present.
    pub decl: Option<Span>,
    /// Offset of the first byte after a leading BOM / whitespace.
    pub content_start: usize,
}

impl Document {
    /// A document with no nodes: the stand-in for sources that are not XML (Keycloak JSON).
    pub fn empty() -> Self {
        Document {
            nodes: Vec::new(),
            root: NodeId::default(),
            prolog: Vec::new(),
            epilog: Vec::new(),
            decl: None,
            content_start: 0,
        }
    }
    /// Is this the stand-in of a non-XML source?
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }
    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes.get(id)?.kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }
    /// Is `id` an element with this namespace and local name?
    pub fn is(&self, id: NodeId, ns: &str, local: &str) -> bool {
        self.element(id)
            .is_some_and(|e| e.ns.as_deref() == Some(ns) && e.local == local)
    }
    /// The element's own text: its text and CDATA children, concatenated (not its descendants').
    pub fn own_text(&self, id: NodeId) -> String {
        self.text_children(id).collect()
    }
    /// Its text and CDATA children, in order (XPath's `text()`).
    pub fn text_children(&self, id: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.node(id)
            .children
            .iter()
            .filter_map(|c| match &self.node(*c).kind {
                NodeKind::Text { value } | NodeKind::CData { value } => Some(value.as_str()),
                _ => None,
            })
    }
    /// Child elements.
    pub fn child_elements(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .filter(move |c| self.element(*c).is_some())
    }
    /// Child elements with this name.
    pub fn children_named<'a>(
        &'a self,
        id: NodeId,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.child_elements(id)
            .filter(move |c| self.is(*c, ns, local))
    }
    pub fn first_child(&self, id: NodeId, ns: &str, local: &str) -> Option<NodeId> {
        self.children_named(id, ns, local).next()
    }
    /// Every element below `id` (not including it), in document order: the elements of the arena range
    /// that holds `id`'s subtree (no allocation, no stack).
    pub fn descendants(&self, id: NodeId) -> impl DoubleEndedIterator<Item = NodeId> + Clone + '_ {
        let end = self.nodes.get(id).map_or(id, |n| n.end.max(id + 1));
        (id + 1..end.min(self.nodes.len())).filter(move |n| self.element(*n).is_some())
    }
    /// An attribute in no namespace (the usual SAML case).
    pub fn attr(&self, id: NodeId, local: &str) -> Option<&Attr> {
        self.element(id)?
            .attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == local)
    }
    pub fn attr_ns(&self, id: NodeId, ns: &str, local: &str) -> Option<&Attr> {
        self.element(id)?
            .attrs
            .iter()
            .find(|a| a.ns.as_deref() == Some(ns) && a.local == local)
    }
    /// Resolve a prefix in scope at `id` (for QName-valued attributes such as xsi:type).
    pub fn lookup_prefix(&self, id: NodeId, prefix: Option<&str>) -> Option<&str> {
        if prefix == Some("xml") {
            return Some(XML_NS);
        }
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let Some(e) = self.element(n) {
                for a in &e.attrs {
                    let declares = match prefix {
                        None => a.ns.is_none() && a.local == "xmlns" && a.qname == "xmlns",
                        Some(p) => a.ns.as_deref() == Some(XMLNS_NS) && a.local == p,
                    };
                    if declares {
                        return if a.value.is_empty() {
                            None
                        } else {
                            Some(a.value.as_str())
                        };
                    }
                }
            }
            cur = self.nodes[n].parent;
        }
        None
    }
    /// A readable, prefix-independent path such as `/Response/Assertion[2]/Subject/NameID`. Linear in
    /// the depth.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts: Vec<&Element> = Vec::new();
        let mut cur = Some(id);
        while let Some(n) = cur {
            if let Some(e) = self.element(n) {
                parts.push(e);
            }
            cur = self.nodes[n].parent;
        }
        let mut out = String::with_capacity(parts.iter().map(|e| e.local.len() + 4).sum());
        for e in parts.iter().rev() {
            use std::fmt::Write as _;
            out.push('/');
            out.push_str(&e.local);
            if e.same > 1 {
                let _ = write!(out, "[{}]", e.nth);
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
    /// The `<prefix:Name` part of an element's start tag (what a finding about the element points at).
    pub fn name_span(&self, id: NodeId) -> Span {
        match self.element(id) {
            Some(e) => {
                let qlen = e.prefix.as_ref().map_or(0, |p| p.len() + 1) + e.local.len();
                Span::new(
                    e.start_tag.start,
                    (e.start_tag.start + 1 + qlen).min(e.start_tag.end),
                )
            }
            None => self.nodes[id].span,
        }
    }
    /// Depth of an element (root = 0).
    pub fn depth(&self, id: NodeId) -> usize {
        let mut d = 0;
        let mut cur = self.nodes[id].parent;
        while let Some(p) = cur {
            d += 1;
            cur = self.nodes[p].parent;
        }
        d
    }
}

/// The namespace bindings in scope: each prefix's stack of URIs (prefix "" is the default namespace, and
/// the URI "" undeclares it), and the prefixes each open element declared. Lookups are constant-time,
/// however many declarations a document holds: the first [`FEW`] distinct prefixes (all a message
/// declares, as a rule) are found by a scan of a short list, cheaper than hashing the name (issue 17);
/// any after them in a hash map.
struct Scopes {
    xml: Ns,
    xmlns: Ns,
    few: Vec<(Name, Vec<Ns>)>,
    many: rustc_hash::FxHashMap<Name, Vec<Ns>>,
    declared: Vec<Vec<Name>>,
}

/// Distinct prefixes kept in [`Scopes`]' list. A prefix is in the list or in the map, never both: the
/// list takes new prefixes until it is full and never lets one go.
const FEW: usize = 8;

impl Default for Scopes {
    fn default() -> Self {
        Scopes {
            xml: Ns::from(XML_NS),
            xmlns: Ns::from(XMLNS_NS),
            few: Vec::new(),
            many: Default::default(),
            declared: Vec::new(),
        }
    }
}

impl Scopes {
    fn stack(&self, p: &str) -> Option<&Vec<Ns>> {
        match self
            .few
            .iter()
            .find(|(k, _)| super::name::same_bytes(k.as_bytes(), p.as_bytes()))
        {
            Some((_, v)) => Some(v),
            None if self.many.is_empty() => None,
            None => self.many.get(p),
        }
    }
    fn stack_mut(&mut self, p: &str) -> Option<&mut Vec<Ns>> {
        match self
            .few
            .iter()
            .position(|(k, _)| super::name::same_bytes(k.as_bytes(), p.as_bytes()))
        {
            Some(i) => self.few.get_mut(i).map(|(_, v)| v),
            None => self.many.get_mut(p),
        }
    }
    fn push(&mut self, bindings: Vec<(Name, Ns)>) {
        let mut names = Vec::with_capacity(bindings.len());
        for (p, u) in bindings {
            if let Some(v) = self.stack_mut(&p) {
                v.push(u);
            } else if self.few.len() < FEW {
                self.few.push((p.clone(), vec![u]));
            } else {
                self.many.entry(p.clone()).or_default().push(u);
            }
            names.push(p);
        }
        self.declared.push(names);
    }
    fn pop(&mut self) {
        for p in self.declared.pop().unwrap_or_default() {
            if let Some(v) = self.stack_mut(&p) {
                v.pop();
            }
        }
    }
    fn resolve(&self, prefix: &str) -> Option<Ns> {
        match prefix {
            "xml" => Some(self.xml.clone()),
            "xmlns" => Some(self.xmlns.clone()),
            p => self.stack(p).and_then(|v| v.last()).cloned(),
        }
    }
}

fn xml_err(e: impl std::fmt::Display) -> ErrorKind {
    ErrorKind::Xml {
        detail: e.to_string(),
    }
}

/// libxml2's limits without `XML_PARSE_HUGE` (parserInternals.h), which SPs built on it (libxmlsec1,
/// lxml, python3-saml) parse with: a name (each part of a QName) longer than `XML_MAX_NAME_LENGTH`, or
/// a text node, attribute value, comment, CDATA section or processing instruction longer than
/// `XML_MAX_TEXT_LENGTH`, and the document is refused. samlint refuses it too: a signature it checked on
/// a document such an SP never reads would be a `valid` no SP agrees with.
const LIBXML2_MAX_NAME: usize = 50_000;
pub(crate) const LIBXML2_MAX_TEXT: usize = 10_000_000;

/// A part of the QName `q` (prefix or local name) longer than libxml2 takes.
fn name_too_long(q: &str) -> Option<ErrorKind> {
    if q.len() <= LIBXML2_MAX_NAME {
        return None;
    }
    q.split(':')
        .map(str::len)
        .find(|&n| n > LIBXML2_MAX_NAME)
        .map(|n| too_long("a name", n, LIBXML2_MAX_NAME))
}

fn too_long(what: &str, len: usize, max: usize) -> ErrorKind {
    xml_err(format!(
        "{what} of {len} bytes: libxml2, which most SPs parse with, refuses more than {max}"
    ))
}

/// Parse a prescanned text into a DOM. `text` must already have passed [`super::prescan::prescan`].
pub fn parse(text: &str) -> Result<Document, (ErrorKind, Span)> {
    let content_start = text.len()
        - text
            .trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
            .len();
    let body = &text[content_start..];
    let mut reader = Reader::from_str(body);
    reader.config_mut().enable_all_checks(true);
    reader.config_mut().trim_text(false);

    // About one node per `<` (a tag, or the text that follows one): sized once, not grown by doubling
    // (each growth copies every node made so far). Capped: a CDATA section or comment full of `<`
    // must not reserve gigabytes for nodes it never makes.
    const MOST: usize = 1 << 16;
    let mut nodes: Vec<Node> = Vec::with_capacity(
        memchr::memchr_iter(b'<', body.as_bytes())
            .take(MOST)
            .count()
            + 1,
    );
    let mut stack: Vec<NodeId> = Vec::new();
    let mut scopes = Scopes::default();
    // Scratch for numbering an element's children when it closes.
    let mut numbered: Vec<(NodeId, usize, usize)> = Vec::new();
    // Scratch for the spans of an element's attributes.
    let mut raw: Vec<(Span, Span)> = Vec::new();
    let mut root: Option<NodeId> = None;
    let mut prolog = Vec::new();
    let mut epilog = Vec::new();
    let mut decl = None;
    // An open text node being accumulated from Text and GeneralRef events.
    let mut open_text: Option<NodeId> = None;

    let at = |a: u64, b: u64| Span::new(content_start + a as usize, content_start + b as usize);

    loop {
        let p0 = reader.buffer_position();
        let ev = reader.read_event();
        let p1 = reader.buffer_position();
        let span = at(p0, p1);
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                let pos = reader.error_position();
                let s = at(pos, pos.max(p0) + 1).join(span);
                let s = Span::new(s.start.min(text.len()), s.end.min(text.len()));
                return Err((classify_quick_xml_error(&e), s));
            }
        };
        let is_text_piece = matches!(ev, Event::Text(_) | Event::GeneralRef(_));
        if !is_text_piece {
            open_text = None;
        }
        match ev {
            Event::Decl(_) => {
                decl = Some(span);
            }
            Event::DocType(_) => return Err((ErrorKind::Doctype, span)),
            Event::Start(_) | Event::Empty(_) if stack.is_empty() && root.is_some() => {
                return Err((ErrorKind::MultipleRoots, span));
            }
            Event::Start(e) => {
                let id = push_element(&mut nodes, &mut scopes, &stack, &e, span, text, &mut raw)?;
                if stack.is_empty() {
                    root = Some(id);
                }
                stack.push(id);
            }
            Event::Empty(e) => {
                let id = push_element(&mut nodes, &mut scopes, &stack, &e, span, text, &mut raw)?;
                scopes.pop();
                if stack.is_empty() {
                    root = Some(id);
                }
            }
            Event::End(_) => {
                let Some(id) = stack.pop() else {
                    return Err((xml_err("unexpected end tag"), span));
                };
                scopes.pop();
                number_children(&mut nodes, id, &mut numbered);
                let end = nodes.len();
                let node = &mut nodes[id];
                node.end = end;
                node.span = Span::new(node.span.start, span.end);
                if let NodeKind::Element(el) = &mut node.kind {
                    el.end_tag = Some(span);
                }
            }
            Event::Text(t) => {
                // §2.4: `]]>` may not appear in content (libxml2 refuses it).
                if t.as_ref().contains("]]>") {
                    return Err((xml_err("']]>' in text (not allowed in XML)"), span));
                }
                let piece = t.xml10_content();
                if stack.is_empty() {
                    if !piece
                        .trim_matches(|c: char| c.is_ascii_whitespace())
                        .is_empty()
                    {
                        let msg = if root.is_some() {
                            "text after the root element"
                        } else {
                            "text before the root element"
                        };
                        return Err((ErrorKind::NotXml { detail: msg.into() }, span));
                    }
                    continue;
                }
                append_text(&mut nodes, &stack, &mut open_text, &piece, span)?;
            }
            Event::GeneralRef(r) => {
                let resolved: String = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        // XML 1.0 §4.1: a character reference must name a legal Char (no C0 controls
                        // other than tab, LF, CR; no U+FFFE/U+FFFF).
                        Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                        _ => {
                            return Err((
                                xml_err(format!("invalid character reference `&{};`", quoted(&r))),
                                span,
                            ));
                        }
                    }
                } else {
                    match &*r {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => {
                            return Err((
                                xml_err(format!("undefined entity `&{};`", quoted(other))),
                                span,
                            ));
                        }
                    }
                };
                if stack.is_empty() {
                    return Err((
                        ErrorKind::NotXml {
                            detail: "reference outside the root element".into(),
                        },
                        span,
                    ));
                }
                append_text(&mut nodes, &stack, &mut open_text, &resolved, span)?;
            }
            Event::CData(c) => {
                let value = c.xml10_content().into_owned();
                if value.len() > LIBXML2_MAX_TEXT {
                    return Err((
                        too_long("a CDATA section", value.len(), LIBXML2_MAX_TEXT),
                        span,
                    ));
                }
                let Some(&parent) = stack.last() else {
                    return Err((
                        ErrorKind::NotXml {
                            detail: "CDATA outside the root element".into(),
                        },
                        span,
                    ));
                };
                push_node(&mut nodes, NodeKind::CData { value }, span, Some(parent));
            }
            Event::Comment(c) => {
                let value = c.xml10_content().into_owned();
                if value.len() > LIBXML2_MAX_TEXT {
                    return Err((too_long("a comment", value.len(), LIBXML2_MAX_TEXT), span));
                }
                let id = push_node(
                    &mut nodes,
                    NodeKind::Comment { value },
                    span,
                    stack.last().copied(),
                );
                if stack.is_empty() {
                    if root.is_some() {
                        epilog.push(id)
                    } else {
                        prolog.push(id)
                    }
                }
            }
            Event::PI(p) => {
                if span.len() > LIBXML2_MAX_TEXT {
                    return Err((
                        too_long("a processing instruction", span.len(), LIBXML2_MAX_TEXT),
                        span,
                    ));
                }
                // §2.6: a processing instruction starts with its target, a Name.
                let target = p.target();
                if let Some(e) = name_too_long(target) {
                    return Err((e, span));
                }
                if !target.chars().next().is_some_and(name_start) || !target.chars().all(name_char)
                {
                    return Err((
                        xml_err("a processing instruction without a valid target"),
                        span,
                    ));
                }
                let id = push_node(&mut nodes, NodeKind::Pi, span, stack.last().copied());
                if stack.is_empty() {
                    if root.is_some() {
                        epilog.push(id)
                    } else {
                        prolog.push(id)
                    }
                }
            }
            Event::Eof => break,
        }
    }
    if let Some(&open) = stack.last() {
        let s = nodes[open].span;
        return Err((
            xml_err("the document ends before this element is closed (truncated?)"),
            s,
        ));
    }
    let Some(root) = root else {
        return Err((
            ErrorKind::NotXml {
                detail: "no root element".into(),
            },
            Span::new(0, text.len().min(1)),
        ));
    };
    Ok(Document {
        nodes,
        root,
        prolog,
        epilog,
        decl,
        content_start,
    })
}

/// Input shown inside samlint's backticks (or quick-xml's): on one line, with its own backticks
/// changed to `'`. A redacted output withholds what is quoted, and a backtick in the input would
/// end the quote early and leave the rest of the input outside it (`&a` Jane Roe `b;`).
fn quoted(s: &str) -> String {
    crate::util::one_line(s).replace('`', "'")
}

/// quick-xml's message, with the input it quotes (tag names, an entity name) passed through
/// [`quoted`] first.
fn classify_quick_xml_error(e: &quick_xml::Error) -> ErrorKind {
    use quick_xml::Error as E;
    use quick_xml::errors::IllFormedError as I;
    use quick_xml::escape::EscapeError;
    let detail = match e {
        E::IllFormed(I::MissingDeclVersion(Some(a))) => {
            E::IllFormed(I::MissingDeclVersion(Some(quoted(a)))).to_string()
        }
        E::IllFormed(I::MissingEndTag(t)) => E::IllFormed(I::MissingEndTag(quoted(t))).to_string(),
        E::IllFormed(I::UnmatchedEndTag(t)) => {
            E::IllFormed(I::UnmatchedEndTag(quoted(t))).to_string()
        }
        E::IllFormed(I::MismatchedEndTag { expected, found }) => {
            E::IllFormed(I::MismatchedEndTag {
                expected: quoted(expected),
                found: quoted(found),
            })
            .to_string()
        }
        E::Escape(EscapeError::UnrecognizedEntity(r, name)) => {
            E::Escape(EscapeError::UnrecognizedEntity(r.clone(), quoted(name))).to_string()
        }
        other => other.to_string(),
    };
    ErrorKind::Xml { detail }
}

fn push_node(nodes: &mut Vec<Node>, kind: NodeKind, span: Span, parent: Option<NodeId>) -> NodeId {
    let id = nodes.len();
    nodes.push(Node {
        kind,
        span,
        parent,
        children: Vec::new(),
        end: id + 1,
    });
    if let Some(p) = parent {
        nodes[p].children.push(id);
    }
    id
}

/// Add a piece of character data to the open text node (or a new one); too long for libxml2 is an
/// error.
fn append_text(
    nodes: &mut Vec<Node>,
    stack: &[NodeId],
    open: &mut Option<NodeId>,
    piece: &str,
    span: Span,
) -> Result<(), (ErrorKind, Span)> {
    if let Some(id) = *open {
        let node = &mut nodes[id];
        node.span = node.span.join(span);
        if let NodeKind::Text { value } = &mut node.kind {
            value.push_str(piece);
            if value.len() > LIBXML2_MAX_TEXT {
                return Err((
                    too_long("a text node", value.len(), LIBXML2_MAX_TEXT),
                    node.span,
                ));
            }
        }
        return Ok(());
    }
    if piece.len() > LIBXML2_MAX_TEXT {
        return Err((too_long("a text node", piece.len(), LIBXML2_MAX_TEXT), span));
    }
    let parent = stack.last().copied();
    let id = push_node(
        nodes,
        NodeKind::Text {
            value: piece.to_string(),
        },
        span,
        parent,
    );
    *open = Some(id);
    Ok(())
}

/// When an element closes, number its child elements among their siblings of the same expanded name
/// (`nth`, 1-based) and tell each how many share it (`same`): what [`Document::path`] shows. A few
/// children are compared pairwise (at most 16 × 16 comparisons); more are counted in a hash map, so
/// the work stays linear in the number of children.
fn number_children(nodes: &mut [Node], parent: NodeId, out: &mut Vec<(NodeId, usize, usize)>) {
    out.clear();
    {
        let nodes = &*nodes;
        let name = |id: NodeId| match &nodes[id].kind {
            NodeKind::Element(e) => Some((e.ns.as_deref(), e.local.as_str())),
            _ => None,
        };
        let els: Vec<(NodeId, (Option<&str>, &str))> = nodes[parent]
            .children
            .iter()
            .filter_map(|&c| name(c).map(|n| (c, n)))
            .collect();
        if els.len() <= 16 {
            for (i, (id, n)) in els.iter().enumerate() {
                let before = els[..i].iter().filter(|(_, m)| m == n).count();
                let same = els.iter().filter(|(_, m)| m == n).count();
                out.push((*id, before + 1, same));
            }
        } else {
            let mut total: rustc_hash::FxHashMap<(Option<&str>, &str), (usize, usize)> =
                rustc_hash::FxHashMap::default();
            for (_, n) in &els {
                total.entry(*n).or_default().1 += 1;
            }
            for (id, n) in &els {
                let e = total.entry(*n).or_default();
                e.0 += 1;
                out.push((*id, e.0, e.1));
            }
        }
    }
    for &(id, nth, same) in out.iter() {
        if let NodeKind::Element(e) = &mut nodes[id].kind {
            e.nth = nth;
            e.same = same;
        }
    }
}

/// Is `c` an XML 1.0 (fifth edition) NameStartChar other than ':'?
fn name_start(c: char) -> bool {
    matches!(c, 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn name_char(c: char) -> bool {
    name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// ASCII bytes of an NCName ([`NAME_START`] may start one, [`NAME_REST`] may follow); every other
/// byte is neither (a byte above 0x7F sends the name to the character rules).
const NAME_START: u8 = 1;
const NAME_REST: u8 = 2;
static NAME_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphabetic() || c == b'_' {
            t[i] = NAME_START | NAME_REST;
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            t[i] = NAME_REST;
        }
        i += 1;
    }
    t
};

pub(crate) fn is_ncname(s: &str) -> bool {
    // ASCII names (every SAML and XML-DSig name) are settled in one pass through the table (issue 17:
    // the ASCII test and then the byte rules were two passes, 0.5 % of a batch message); a name
    // the table refuses is ASCII no name holds, or has a character the character rules settle.
    let b = s.as_bytes();
    let Some((&first, rest)) = b.split_first() else {
        return false;
    };
    if NAME_BYTE[usize::from(first)] & NAME_START != 0
        && rest
            .iter()
            .all(|&c| NAME_BYTE[usize::from(c)] & NAME_REST != 0)
    {
        return true;
    }
    !b.is_ascii() && is_ncname_chars(s)
}

fn is_ncname_chars(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(name_start) && cs.all(name_char)
}

/// A namespace-well-formed QName: `local` or `prefix:local`, both NCNames (Namespaces in XML 1.0 §3).
/// libxml2 and lxml refuse anything else (`:x`, `x:`, `a:b:c`), and a parser that resolves such a name
/// reads another document than they do.
fn check_qname(q: &str) -> Result<(Option<&str>, &str), String> {
    // ':' is ASCII: both halves are on character boundaries. A name is short: a plain byte loop.
    let (prefix, local) = match q.bytes().position(|b| b == b':') {
        Some(i) => (Some(&q[..i]), &q[i + 1..]),
        None => (None, q),
    };
    if prefix.is_none_or(is_ncname) && is_ncname(local) {
        Ok((prefix, local))
    } else {
        Err(format!(
            "`{}` is not a name of the form local or prefix:local",
            quoted(q)
        ))
    }
}

/// Namespaces in XML 1.0 §3: `xml` is bound only to its namespace, `xmlns` never, and neither namespace
/// to another prefix or as the default.
fn check_declaration(prefix: &str, uri: &str) -> Result<(), String> {
    let reserved = uri == XML_NS || uri == XMLNS_NS;
    match prefix {
        "xmlns" => Err("the prefix xmlns cannot be declared".into()),
        "xml" if uri != XML_NS => Err("the prefix xml cannot be bound to another namespace".into()),
        "xml" => Ok(()),
        _ if reserved => Err(format!(
            "the namespace {uri} cannot be bound to {}",
            if prefix.is_empty() {
                "the default namespace".to_string()
            } else {
                format!("the prefix `{}`", quoted(prefix))
            }
        )),
        _ => Ok(()),
    }
}

fn push_element(
    nodes: &mut Vec<Node>,
    scopes: &mut Scopes,
    stack: &[NodeId],
    e: &BytesStart,
    span: Span,
    text: &str,
    raw_attrs: &mut Vec<(Span, Span)>,
) -> Result<NodeId, (ErrorKind, Span)> {
    scan_attr_spans(text, span, raw_attrs);
    let raw_attrs = &*raw_attrs;
    // XML 1.0 §3.1, WFC "No < in Attribute Values": libxml2 (and so the SP) refuses the document;
    // quick-xml reads on, and samlint's own signature check would then judge a document no SP parses.
    if let Some((aspan, _)) = raw_attrs
        .iter()
        .find(|(_, v)| text.get(v.range()).is_some_and(|v| v.contains('<')))
    {
        return Err((
            xml_err("'<' inside an attribute value (not allowed in XML)"),
            *aspan,
        ));
    }
    // §3.1: attributes are separated by white space (`a="1"b="2"` is not XML; quick-xml reads it).
    for w in raw_attrs.windows(2) {
        let between = text.get(w[0].0.end..w[1].0.start).unwrap_or_default();
        if between.is_empty() || !super::is_blank(between) {
            return Err((xml_err("attributes not separated by white space"), w[1].0));
        }
    }
    // Each attribute as read; its namespace and local name are set once the element's declarations
    // are in scope.
    let mut attrs: Vec<Attr> = Vec::with_capacity(raw_attrs.len());
    // quick-xml's own duplicate check keeps a list per element (an allocation each): the names are
    // compared here instead, at most `max_attributes` (prescan) of them.
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|err| (xml_err(err), span))?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| (classify_quick_xml_error(&err), span))?
            .into_owned();
        if value.len() > LIBXML2_MAX_TEXT {
            return Err((
                too_long("an attribute value", value.len(), LIBXML2_MAX_TEXT),
                span,
            ));
        }
        // A character reference must name a legal Char here too (§4.1), as in text.
        if let Some(c) = first_non_xml_char(&value) {
            return Err((
                xml_err(format!(
                    "attribute value holds U+{:04X}, which is not an XML character",
                    c as u32
                )),
                span,
            ));
        }
        let Some(&(aspan, vspan)) = raw_attrs.get(attrs.len()) else {
            return Err((
                xml_err("could not read the attributes of this element"),
                span,
            ));
        };
        // XML 1.0 §3.1, WFC "Unique Att Spec".
        let key = a.key.as_ref();
        if attrs.iter().any(|x| x.qname == key) {
            return Err((
                xml_err(format!("attribute `{}` appears twice", quoted(key))),
                aspan,
            ));
        }
        attrs.push(Attr {
            ns: None,
            local: Name::default(),
            qname: Name::new(key),
            value,
            span: aspan,
            value_span: vspan,
        });
    }
    if attrs.len() != raw_attrs.len() {
        return Err((
            xml_err("could not read the attributes of this element"),
            span,
        ));
    }
    // Namespace declarations first.
    let ns_err = |detail: String| (ErrorKind::Namespace { detail }, span);
    let mut bindings = Vec::new();
    for Attr {
        qname: q, value: v, ..
    } in &attrs
    {
        if q == "xmlns" {
            check_declaration("", v).map_err(ns_err)?;
            bindings.push((Name::default(), Ns::from(v.as_str())));
        } else if let Some(p) = q.strip_prefix("xmlns:") {
            if !is_ncname(p) {
                return Err(ns_err(format!("`{}` declares no valid prefix", quoted(q))));
            }
            if v.is_empty() {
                return Err(ns_err(format!(
                    "prefix `{}` bound to an empty namespace",
                    quoted(p)
                )));
            }
            check_declaration(p, v).map_err(ns_err)?;
            // `p` is `q` after "xmlns:": the same bytes, shared when the table has them.
            let p = q.tail(q.len() - p.len()).unwrap_or_else(|| Name::new(p));
            bindings.push((p, Ns::from(v.as_str())));
        }
    }
    scopes.push(bindings);
    let resolve = |prefix: &str| scopes.resolve(prefix);
    // The name as quick-xml holds it (a slice of the text): no copy.
    let qname = e.name().into_inner();
    if let Some(e) = name_too_long(qname) {
        scopes.pop();
        return Err((e, span));
    }
    let (prefix, local) = match check_qname(qname) {
        // Namespaces in XML 1.0 §3: "Element names MUST NOT have the prefix xmlns." libxml2 calls the
        // document not namespace-well-formed and keeps `xmlns:q` as a name in no namespace, which its
        // canonicaliser then writes differently.
        Ok((Some("xmlns"), _)) => {
            scopes.pop();
            return Err((
                ErrorKind::Namespace {
                    detail: "an element name cannot have the prefix xmlns".into(),
                },
                span,
            ));
        }
        Ok(x) => x,
        Err(detail) => {
            scopes.pop();
            return Err((ErrorKind::Namespace { detail }, span));
        }
    };
    let undeclared = |p: &str, what: String, at: Span| {
        (
            ErrorKind::Namespace {
                detail: format!("prefix `{}` of {what} is not declared", quoted(p)),
            },
            at,
        )
    };
    let ns = match prefix {
        Some(p) => match resolve(p) {
            Some(u) => Some(u),
            None => {
                scopes.pop();
                return Err(undeclared(p, format!("element <{}>", quoted(qname)), span));
            }
        },
        None => resolve("").filter(|u| !u.is_empty()),
    };
    for i in 0..attrs.len() {
        let (done, rest) = attrs.split_at_mut(i);
        let Some(a) = rest.first_mut() else { break };
        if let Some(e) = name_too_long(&a.qname) {
            scopes.pop();
            return Err((e, a.span));
        }
        let (ap, al) = match check_qname(&a.qname) {
            Ok(x) => x,
            Err(detail) => {
                scopes.pop();
                return Err((ErrorKind::Namespace { detail }, a.span));
            }
        };
        let ans = match ap {
            Some(p) => match resolve(p) {
                Some(u) => Some(u),
                None => {
                    scopes.pop();
                    return Err(undeclared(
                        p,
                        format!("attribute `{}`", quoted(&a.qname)),
                        a.span,
                    ));
                }
            },
            None => None,
        };
        // Duplicate expanded names (same URI, different prefixes) are not namespace-well-formed.
        if ans.is_some() && done.iter().any(|x: &Attr| x.ns == ans && x.local == al) {
            scopes.pop();
            return Err((
                ErrorKind::Namespace {
                    detail: format!("attribute `{}` appears twice", quoted(&a.qname)),
                },
                a.span,
            ));
        }
        // `al` ends `a.qname` (check_qname slices it): the same bytes, shared when the table has them.
        a.local = a
            .qname
            .tail(a.qname.len() - al.len())
            .unwrap_or_else(|| Name::new(al));
        a.ns = ans;
    }
    let el = Element {
        ns,
        local: Name::new(local),
        prefix: prefix.map(Name::new),
        attrs,
        start_tag: span,
        end_tag: None,
        nth: 1,
        same: 1,
    };
    Ok(push_node(
        nodes,
        NodeKind::Element(el),
        span,
        stack.last().copied(),
    ))
}

/// XML 1.0 §2.2 Char (Rust's `char` already excludes surrogates).
fn is_xml_char(c: char) -> bool {
    (matches!(c, '\t' | '\n' | '\r') || (c as u32) >= 0x20) && c != '\u{fffe}' && c != '\u{ffff}'
}

/// The first character of `s` that is not an XML Char. Only a C0 control byte or the lead byte 0xEF
/// (of U+FFFE and U+FFFF, among others) can start one: text with neither is settled by its bytes.
fn first_non_xml_char(s: &str) -> Option<char> {
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xef;
    // Settled by the bytes when none is suspect; else the characters are asked.
    crate::util::first_byte(s.as_bytes(), suspect)?;
    s.chars().find(|c| !is_xml_char(*c))
}

/// Spans of each `name="value"` in a start tag, and of each raw value. quick-xml has already checked the
/// tag's syntax, so a simple scan is enough.
fn scan_attr_spans(text: &str, tag: Span, out: &mut Vec<(Span, Span)>) {
    let b = text.as_bytes();
    let end = tag.end.min(b.len());
    let mut i = tag.start + 1;
    // Skip the element name.
    while i < end && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    out.clear();
    loop {
        while i < end && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= end || b[i] == b'>' || b[i] == b'/' {
            break;
        }
        let name_start = i;
        while i < end && b[i] != b'=' && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < end && b[i] != b'"' && b[i] != b'\'' {
            i += 1;
        }
        if i >= end {
            break;
        }
        let q = b[i];
        let v_start = i + 1;
        let v_end =
            memchr::memchr(q, b.get(v_start..end).unwrap_or_default()).map_or(end, |k| v_start + k);
        i = v_end + 1;
        out.push((
            Span::new(name_start, (v_end + 1).min(end)),
            Span::new(v_start, v_end),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_look_at_xml_chars_agrees_with_the_char_rule() {
        let slow = |s: &str| s.chars().find(|c| !is_xml_char(*c));
        for c in (0u32..0x300)
            .chain(0xd7f0..0xd800)
            .chain(0xe000..0x10000)
            .chain([0x10ffff])
        {
            let Some(c) = char::from_u32(c) else { continue };
            for s in [
                c.to_string(),
                format!("ab{c}cd"),
                format!("{c}\u{fffe}"),
                format!("x\u{ffff}{c}"),
            ] {
                assert_eq!(first_non_xml_char(&s), slow(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn spans_and_namespaces() {
        let t = r#"<?xml version="1.0"?>
<p:Response xmlns:p="urn:p" xmlns="urn:d" ID='a&amp;b'><Issuer>x&amp;y&#13;z</Issuer><p:E/></p:Response>"#;
        let d = parse(t).unwrap();
        let root = d.element(d.root).unwrap();
        assert_eq!(root.ns.as_deref(), Some("urn:p"));
        assert_eq!(root.local, "Response");
        let id = d.attr(d.root, "ID").unwrap();
        assert_eq!(id.value, "a&b");
        assert_eq!(&t[id.value_span.range()], "a&amp;b");
        assert_eq!(&t[id.span.range()], "ID='a&amp;b'");
        let issuer = d.first_child(d.root, "urn:d", "Issuer").unwrap();
        let text = d.node(issuer).children[0];
        match &d.node(text).kind {
            NodeKind::Text { value } => assert_eq!(value, "x&y\rz"),
            k => panic!("{k:?}"),
        }
        assert_eq!(&t[d.node(text).span.range()], "x&amp;y&#13;z");
        assert_eq!(
            &t[d.node(issuer).span.range()],
            "<Issuer>x&amp;y&#13;z</Issuer>"
        );
        assert_eq!(d.path(issuer), "/Response/Issuer");
        assert!(d.decl.is_some());
    }

    #[test]
    fn comments_split_text() {
        let t = "<a>user@example.com<!-- c -->.evil.com</a>";
        let d = parse(t).unwrap();
        let kinds: Vec<_> = d
            .node(d.root)
            .children
            .iter()
            .map(|c| match &d.node(*c).kind {
                NodeKind::Text { value } => format!("T:{value}"),
                NodeKind::Comment { .. } => "C".into(),
                _ => "?".into(),
            })
            .collect();
        assert_eq!(kinds, ["T:user@example.com", "C", "T:.evil.com"]);
    }

    #[test]
    fn an_attribute_written_twice_is_refused_at_the_second() {
        let text = r#"<a ID="x" b="1" ID="y"/>"#;
        let e = parse(text).unwrap_err();
        assert!(matches!(e.0, ErrorKind::Xml { .. }), "{e:?}");
        assert!(
            e.0.to_string().contains("attribute `ID` appears twice"),
            "{e:?}"
        );
        assert_eq!(&text[e.1.range()], r#"ID="y""#);
        // The same expanded name under two prefixes, and two distinct names, as before.
        let e = parse(r#"<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>"#).unwrap_err();
        assert!(matches!(e.0, ErrorKind::Namespace { .. }), "{e:?}");
        assert!(parse(r#"<a x="1" y="1" p:x="1" xmlns:p="u"/>"#).is_ok());
    }

    #[test]
    fn undeclared_prefix_and_multiple_roots() {
        let e = parse("<saml:Assertion/>").unwrap_err();
        assert!(matches!(e.0, ErrorKind::Namespace { .. }), "{:?}", e);
        let e = parse("<a/><b/>").unwrap_err();
        assert_eq!(e.0, ErrorKind::MultipleRoots);
        assert_eq!(e.1, Span::new(4, 8));
        let e = parse("<a><b></a>").unwrap_err();
        assert!(matches!(e.0, ErrorKind::Xml { .. }));
        let e = parse("<a><b>").unwrap_err();
        assert!(matches!(e.0, ErrorKind::Xml { .. }), "{e:?}");
        let e = parse("<a>&foo;</a>").unwrap_err();
        assert!(e.0.to_string().contains("undefined entity"));
        let e = parse("<a>&#27;</a>").unwrap_err();
        assert!(
            e.0.to_string().contains("invalid character reference"),
            "{e:?}"
        );
        assert!(parse("<a>&#13;&#x85;&#9;</a>").is_ok());
    }

    #[test]
    fn bom_and_leading_whitespace() {
        let t = "\u{feff}\n  <a x=\"1\"/>";
        let d = parse(t).unwrap();
        assert_eq!(&t[d.node(d.root).span.range()], "<a x=\"1\"/>");
        assert_eq!(&t[d.attr(d.root, "x").unwrap().value_span.range()], "1");
    }

    #[test]
    fn names_and_declarations_must_be_namespace_well_formed() {
        for bad in [
            r#"<:Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>"#,
            r#"<a xmlns:="urn:x"/>"#,
            r#"<a:b:c xmlns:a="urn:a"/>"#,
            r#"<a x:y:z="1" xmlns:x="urn:x"/>"#,
            r#"<a: xmlns:a="urn:a"/>"#,
            r#"<a :x="1"/>"#,
            r#"<a xmlns:xmlns="urn:x"/>"#,
            r#"<a xmlns:xml="urn:x"/>"#,
            r#"<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>"#,
            r#"<a xmlns="http://www.w3.org/2000/xmlns/"/>"#,
            r#"<a xmlns:1p="urn:x"/>"#,
        ] {
            let e = parse(bad).unwrap_err();
            assert!(matches!(e.0, ErrorKind::Namespace { .. }), "{bad}: {e:?}");
            assert!(e.1.end <= bad.len());
        }
        assert!(
            parse(r#"<a xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="en"/>"#).is_ok()
        );
    }

    #[test]
    fn what_libxml2_refuses_is_refused() {
        for t in [
            "<a x=\"1\"y=\"2\"/>",
            "<a>]]></a>",
            "<a x=\"&#xFFFE;\"/>",
            "<a x=\"&#1;\"/>",
            "<a><? x?></a>",
            "<a><?1x y?></a>",
        ] {
            assert!(parse(t).is_err(), "{t} accepted");
        }
        for t in [
            "<a x=\"1\"\ty='2'/>",
            "<a>]]&gt;</a>",
            "<a><![CDATA[x]]]></a>",
            "<a><?p x?></a>",
        ] {
            assert!(parse(t).is_ok(), "{t} refused");
        }
    }

    #[test]
    fn a_less_than_sign_in_an_attribute_value_is_refused() {
        for t in [
            "<a x=\"p<q\"/>",
            "<a x='<'></a>",
            "<r><a y=\"1\" x='a>b<c'/></r>",
        ] {
            let e = parse(t).err().unwrap_or_else(|| panic!("{t} accepted"));
            assert!(
                format!("{e:?}").contains("inside an attribute value"),
                "{e:?}"
            );
        }
        assert!(parse("<a x=\"p&lt;q&gt;\" y='>'/>").is_ok());
    }

    #[test]
    fn attribute_values_are_normalised_like_libxml2() {
        // XML 1.0 §2.11 then §3.3.3: CR LF is one line end, each literal whitespace one space;
        // character references stay what they are.
        let d = parse("<a x=\"p\tq\r\ns\rt\" y='&#9;&#13;&#10;'/>").unwrap();
        assert_eq!(d.attr(d.root, "x").unwrap().value, "p q s t");
        assert_eq!(d.attr(d.root, "y").unwrap().value, "\t\r\n");
    }

    #[test]
    fn paths_number_same_named_siblings() {
        let t = "<r><a/><b><c/></b><a><c/><c/></a></r>";
        let d = parse(t).unwrap();
        let paths: Vec<String> = d.descendants(d.root).map(|n| d.path(n)).collect();
        assert_eq!(
            paths,
            [
                "/r/a[1]",
                "/r/b",
                "/r/b/c",
                "/r/a[2]",
                "/r/a[2]/c[1]",
                "/r/a[2]/c[2]"
            ]
        );
    }

    /// The reference the arena ranges and the close-time numbering must agree with: a walk of the
    /// `children` lists, and counts over each parent's children.
    fn walk(d: &Document, id: NodeId, out: &mut Vec<NodeId>) {
        for &c in &d.node(id).children {
            if d.element(c).is_some() {
                out.push(c);
                walk(d, c, out);
            }
        }
    }

    #[test]
    fn descendants_and_sibling_numbers_match_a_walk_of_the_tree() {
        // Few and many children (the pairwise and the hashed numbering), text, comments and PIs
        // between them, the same local name in two namespaces, prolog and epilog nodes.
        let many: String = (0..40)
            .map(|i| match i % 3 {
                0 => format!("<a>{i}</a>"),
                1 => "<x:a xmlns:x=\"urn:x\"><b/>t<!--c--></x:a>".to_string(),
                _ => format!("<c/><?pi {i}?>"),
            })
            .collect();
        for t in [
            "<r/>".to_string(),
            "<!--p--><r>t<a/>u<b><a/><a/></b><!--c--><a/></r><!--e-->".to_string(),
            format!("<r>{many}</r>"),
            format!("<r><s>{many}</s><s><a/></s></r>"),
        ] {
            let d = parse(&t).unwrap();
            for id in 0..d.nodes.len() {
                let mut want = Vec::new();
                walk(&d, id, &mut want);
                assert_eq!(
                    d.descendants(id).collect::<Vec<_>>(),
                    want,
                    "{t}: node {id}"
                );
                let els: Vec<NodeId> = d.child_elements(id).collect();
                for (i, &c) in els.iter().enumerate() {
                    let (e, key) = (d.element(c).unwrap(), |n: &NodeId| {
                        let e = d.element(*n).unwrap();
                        (e.ns.clone(), e.local.clone())
                    });
                    let nth = els[..=i].iter().filter(|n| key(n) == key(&c)).count();
                    let same = els.iter().filter(|n| key(n) == key(&c)).count();
                    assert_eq!((e.nth, e.same), (nth, same), "{t}: {}", d.path(c));
                }
            }
        }
    }

    #[test]
    fn ascii_names_are_read_as_the_character_rules_read_them() {
        let ascii: Vec<char> = (0u8..128).map(char::from).collect();
        for a in &ascii {
            for b in &ascii {
                for s in [a.to_string(), format!("{a}{b}"), format!("x{a}{b}")] {
                    assert_eq!(is_ncname(&s), is_ncname_chars(&s), "{s:?}");
                }
            }
        }
        // Names with characters beyond ASCII go to the character rules wherever they sit.
        for c in [
            'é',
            '\u{b7}',
            '\u{300}',
            '\u{2070}',
            '\u{37e}',
            '\u{fffd}',
            '\u{10000}',
        ] {
            for s in [
                c.to_string(),
                format!("a{c}"),
                format!("{c}a"),
                format!("a{c}-"),
                format!("a{c}:"),
            ] {
                assert_eq!(is_ncname(&s), is_ncname_chars(&s), "{s:?}");
            }
        }
        assert!(!is_ncname(""));
    }

    #[test]
    fn declarations_are_scoped() {
        // Redeclared, shadowed and restored on the way out; siblings do not see each other's.
        let t = r#"<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c/></p:b><p:d/><e xmlns:q="urn:q"/><q:f/></p:a>"#;
        let e = parse(t).unwrap_err();
        assert!(e.0.to_string().contains("prefix `q`"), "{e:?}");
        let t = t.replace("<q:f/>", "");
        let d = parse(&t).unwrap();
        let ns: Vec<Option<String>> = d
            .descendants(d.root)
            .map(|n| d.element(n).unwrap().ns.as_deref().map(str::to_string))
            .collect();
        let u = |s: &str| Some(s.to_string());
        assert_eq!(ns, [u("urn:2"), u("urn:2"), u("urn:1"), None]);
    }

    #[test]
    fn more_prefixes_than_the_list_holds_resolve_and_unwind() {
        // 20 distinct prefixes, each declared on the way down and again (to another URI) deeper;
        // every name below resolves to the innermost, and after the inner element closes to the outer.
        let n = 20;
        let decl = |i: usize, v: &str| format!(" xmlns:p{i}=\"urn:{v}{i}\"");
        let outer: String = (0..n).map(|i| decl(i, "o")).collect();
        let inner: String = (0..n).map(|i| decl(i, "i")).collect();
        let uses = |tag: &str| -> String { (0..n).map(|i| format!("<p{i}:{tag}/>")).collect() };
        let t = format!("<r{outer}><s{inner}>{}</s>{}</r>", uses("a"), uses("b"));
        let d = parse(&t).unwrap();
        for id in d.descendants(d.root) {
            let e = d.element(id).unwrap();
            let Some(p) = e.prefix.as_deref() else {
                continue;
            };
            let i = &p[1..];
            let want = if e.local == "a" {
                format!("urn:i{i}")
            } else {
                format!("urn:o{i}")
            };
            assert_eq!(e.ns.as_deref(), Some(want.as_str()), "{p}:{}", e.local);
        }
        let e = parse(&format!("<r{outer}><s{inner}/><p19:x/><q:y/></r>")).unwrap_err();
        assert!(e.0.to_string().contains("prefix `q`"), "{e:?}");
    }

    #[test]
    fn prefix_lookup() {
        let t = r#"<a xmlns:xs="urn:xs"><b xmlns:xs="urn:xs2"><c/></b></a>"#;
        let d = parse(t).unwrap();
        let b = d.child_elements(d.root).next().unwrap();
        let c = d.child_elements(b).next().unwrap();
        assert_eq!(d.lookup_prefix(c, Some("xs")), Some("urn:xs2"));
        assert_eq!(d.lookup_prefix(d.root, Some("xs")), Some("urn:xs"));
        assert_eq!(d.lookup_prefix(c, Some("nope")), None);
    }

    /// An element prefixed `xmlns` is not namespace-well-formed (libxml2 reads it as a name in no
    /// namespace and canonicalises it differently); an element named `xmlns` or prefixed `xml` is fine.
    #[test]
    fn no_element_has_the_prefix_xmlns() {
        let e = parse("<a><xmlns:q/></a>").unwrap_err();
        assert!(e.0.to_string().contains("prefix xmlns"), "{e:?}");
        let e = parse("<xmlns:q xmlns:q=\"urn:q\"/>").unwrap_err();
        assert!(matches!(e.0, ErrorKind::Namespace { .. }), "{e:?}");
        assert!(parse("<a><xmlns/><xml:b/></a>").is_ok());
    }

    /// libxml2's limits without XML_PARSE_HUGE, at the limit and one byte over, for each kind of token.
    #[test]
    fn libxml2_size_limits() {
        let refused = |t: &str, what: &str| {
            let e = parse(t).unwrap_err();
            assert!(e.0.to_string().contains(what), "{what}: {e:?}");
        };
        let name = |n: usize| "n".repeat(n);
        for n in [LIBXML2_MAX_NAME, LIBXML2_MAX_NAME + 1] {
            let docs = [
                format!("<a><{}/></a>", name(n)),
                format!("<a xmlns:p=\"urn:p\"><p:{}/></a>", name(n)),
                format!("<a {}=\"1\"/>", name(n)),
                format!("<a><?{} x?></a>", name(n)),
            ];
            for d in docs {
                if n > LIBXML2_MAX_NAME {
                    refused(&d, "a name of 50001 bytes");
                } else {
                    assert!(parse(&d).is_ok(), "{n}");
                }
            }
        }
        let big = |n: usize| "x".repeat(n);
        for n in [LIBXML2_MAX_TEXT - 8, LIBXML2_MAX_TEXT + 1] {
            let docs = [
                (format!("<a>{}</a>", big(n)), "a text node"),
                // Many pieces (a reference between them) make one text node.
                (
                    format!("<a>{}&amp;{}</a>", big(n / 2), big(n - n / 2)),
                    "a text node",
                ),
                (format!("<a b=\"{}\"/>", big(n)), "an attribute value"),
                (format!("<a><!--{}--></a>", big(n)), "a comment"),
                (format!("<a><![CDATA[{}]]></a>", big(n)), "a CDATA section"),
                (
                    format!("<a><?p {}?></a>", big(n)),
                    "a processing instruction",
                ),
            ];
            for (d, what) in docs {
                if n > LIBXML2_MAX_TEXT {
                    refused(&d, what);
                } else {
                    assert!(parse(&d).is_ok(), "{what} {n}");
                }
            }
        }
    }
}
