//! Exclusive XML Canonicalization 1.0, without comments (https://www.w3.org/TR/xml-exc-c14n/), of one
//! element's subtree on samlint's own DOM, written to a [`Sink`] as it goes (a hasher, for a digest).
//!
//! It is what every SAML IdP in the corpus signs with, and it lets a signature be checked on the parse
//! the linter reads instead of a second one. It follows libxml2's `c14n.c` (what libxmlsec1, and so
//! most SPs, canonicalise with) where the Recommendation leaves room: namespace nodes are rendered when
//! visibly utilised (or on the InclusiveNamespaces PrefixList) and not already rendered the same by an
//! output ancestor; `xmlns=""` only where it undoes a rendered default namespace; namespace nodes by
//! prefix, attributes by (namespace URI, local name), both in byte order.
//!
//! What it does not take, it refuses ([`Unsupported`]) instead of guessing: a processing instruction in
//! the subtree, and a namespace URI that libxml2 would refuse (relative) or write unescaped (one with a
//! character that needs escaping). The caller then leaves the signature to an independent verifier.
//! Differential tests compare its bytes with libxml2's (through xmlsec1) and bergshamra's on every
//! corpus message, fixture and adversarial input (tests/c14n.rs), and a fuzz target does the same on
//! mutated signed documents (fuzz/fuzz_targets/c14n_differential.rs).

use super::dom::{Document, NodeId, NodeKind, XMLNS_NS};

/// Where canonical bytes go.
pub trait Sink {
    fn put(&mut self, bytes: &[u8]);
    /// How many bytes were put so far, where the sink keeps count (only [`piece`] asks).
    fn written(&self) -> usize {
        0
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
    fn written(&self) -> usize {
        self.len()
    }
}

/// Why a subtree was not canonicalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsupported {
    /// The node to start from is not an element.
    NotAnElement,
    /// A processing instruction in the subtree.
    ProcessingInstruction,
    /// A namespace URI to render that libxml2 refuses or writes differently (see the module docs).
    NamespaceUri,
}

/// A namespace binding: prefix (`None` for the default namespace) and URI (`""` undeclares).
type Binding<'a> = (Option<&'a str>, &'a str);

/// Canonicalise the subtree of `apex`, leaving out the subtree of `omit` (the enveloped signature),
/// with `inclusive` the InclusiveNamespaces PrefixList (`#default` for the default namespace).
pub fn exclusive(
    doc: &Document,
    apex: NodeId,
    omit: Option<NodeId>,
    inclusive: &[&str],
    out: &mut impl Sink,
) -> Result<(), Unsupported> {
    exclusive_with(doc, apex, omit, inclusive, &[], out)
}

/// A subtree canonicalised once on its own (as the apex of its own Reference), nothing left out, so
/// that an enclosing canonicalisation writes these bytes where it reaches the subtree instead of
/// canonicalising it again (a Response signature covers the signed Assertion).
///
/// Exclusive c14n writes a subtree the same wherever it sits, but for one thing: a namespace node is
/// not written again where an output ancestor already wrote it the same. [`Piece::fits`] therefore
/// takes the bytes only where no output ancestor wrote a binding for any prefix the subtree looked up
/// (nor a non-empty default namespace), with the same PrefixList and nothing of the subtree left out;
/// the declarations in scope are the same in both (those of the apex's ancestors, in document order).
#[derive(Debug)]
pub struct Piece<'a> {
    pub apex: NodeId,
    pub bytes: Vec<u8>,
    /// The node asked for ([`piece`]'s `mark`), and where its subtree was written, when it was.
    marked_node: Option<NodeId>,
    pub mark: Option<std::ops::Range<usize>>,
    inclusive: Vec<Option<&'a str>>,
    /// Every prefix the canonicalisation looked up (`None`: the default namespace).
    looked_up: Vec<Option<&'a str>>,
}

/// At most this many prefixes looked up in a piece: checking that it fits is then linear in the
/// bindings written above it (a hostile subtree of many prefixes is canonicalised in place instead).
const PIECE_PREFIXES: usize = 64;

impl Piece<'_> {
    /// Was it made marking `mark`, with this PrefixList?
    pub fn made_for(&self, mark: Option<NodeId>, inclusive: &[String]) -> bool {
        self.marked_node == mark
            && self.inclusive.len() == inclusive.len()
            && self
                .inclusive
                .iter()
                .zip(inclusive)
                .all(|(a, b)| *a == (b != "#default").then_some(b.as_str()))
    }

    /// The piece's bytes without those of `mark` (its enveloped signature): what canonicalising the
    /// apex with `mark` omitted writes.
    pub fn without_mark(&self) -> [&[u8]; 2] {
        match &self.mark {
            Some(m) => [
                self.bytes.get(..m.start).unwrap_or_default(),
                self.bytes.get(m.end..).unwrap_or_default(),
            ],
            None => [&self.bytes, &[]],
        }
    }

    /// Does an enclosing canonicalisation write exactly these bytes here? `rendered` are the bindings
    /// its output ancestors wrote, `omit` what it leaves out, `inclusive` its PrefixList.
    fn fits(
        &self,
        doc: &Document,
        inclusive: &[Option<&str>],
        omit: Option<NodeId>,
        rendered: &[Binding],
    ) -> bool {
        self.inclusive == inclusive
            && self.looked_up.len() <= PIECE_PREFIXES
            && !omit.is_some_and(|o| (self.apex..doc.node(self.apex).end).contains(&o))
            && self.looked_up.iter().all(|p| match p {
                None => lookup(rendered, None).unwrap_or("").is_empty(),
                Some(_) => lookup(rendered, *p).is_none(),
            })
    }
}

/// Canonicalise the subtree of `apex` with nothing left out, noting where the subtree of `mark` was
/// written and which prefixes were looked up.
pub fn piece<'a>(
    doc: &'a Document,
    apex: NodeId,
    mark: Option<NodeId>,
    inclusive: &[&'a str],
) -> Result<Piece<'a>, Unsupported> {
    let mut w = Walk::new(doc, inclusive, None, &[]);
    w.mark = mark;
    w.looked_up = Some(Vec::new());
    let mut bytes = Vec::new();
    w.run(apex, &mut bytes)?;
    let mut looked_up = w.looked_up.unwrap_or_default();
    looked_up.sort_unstable();
    looked_up.dedup();
    Ok(Piece {
        apex,
        bytes,
        marked_node: mark,
        mark: w.marked.and_then(|(s, e)| Some(s..e?)),
        inclusive: w.inclusive,
        looked_up,
    })
}

/// [`exclusive`], writing the bytes of a [`Piece`] where one fits instead of canonicalising its
/// subtree again.
pub fn exclusive_with(
    doc: &Document,
    apex: NodeId,
    omit: Option<NodeId>,
    inclusive: &[&str],
    pieces: &[Piece],
    out: &mut impl Sink,
) -> Result<(), Unsupported> {
    Walk::new(doc, inclusive, omit, pieces).run(apex, out)
}

/// One canonicalisation: what it was asked, and what it notes on the way.
struct Walk<'a, 'p> {
    doc: &'a Document,
    inclusive: Vec<Option<&'a str>>,
    omit: Option<NodeId>,
    pieces: &'p [Piece<'p>],
    mark: Option<NodeId>,
    /// Where `mark`'s subtree starts and ends in the output.
    marked: Option<(usize, Option<usize>)>,
    looked_up: Option<Vec<Option<&'a str>>>,
}

impl<'a, 'p> Walk<'a, 'p> {
    fn new(
        doc: &'a Document,
        inclusive: &[&'a str],
        omit: Option<NodeId>,
        pieces: &'p [Piece<'p>],
    ) -> Self {
        Walk {
            doc,
            inclusive: inclusive
                .iter()
                .map(|p| (*p != "#default").then_some(*p))
                .collect(),
            omit,
            pieces,
            mark: None,
            marked: None,
            looked_up: None,
        }
    }

    fn run(&mut self, apex: NodeId, out: &mut impl Sink) -> Result<(), Unsupported> {
        let doc = self.doc;
        doc.element(apex).ok_or(Unsupported::NotAnElement)?;
        // Declarations in scope at the apex's parent, outermost first.
        let mut scope: Vec<Binding> = Vec::new();
        let mut up = doc.node(apex).parent;
        let mut ancestors = Vec::new();
        while let Some(a) = up {
            ancestors.push(a);
            up = doc.node(a).parent;
        }
        for a in ancestors.into_iter().rev() {
            declarations(doc, a, &mut scope);
        }
        let mut rendered: Vec<Binding> = Vec::new();
        // One set of working lists for every start tag (cleared each time, not allocated each time).
        let mut scratch = Scratch::default();
        // Explicit stack: Open(node) or Close(element, scope length, rendered length) to restore.
        enum Step {
            Open(NodeId),
            Close(NodeId, usize, usize),
        }
        let mut steps = vec![Step::Open(apex)];
        while let Some(step) = steps.pop() {
            match step {
                Step::Close(id, s, r) => {
                    if let Some(e) = doc.element(id) {
                        out.put(b"</");
                        qname(out, e.prefix.as_deref(), &e.local);
                        out.put(b">");
                    }
                    scope.truncate(s);
                    rendered.truncate(r);
                    if Some(id) == self.mark
                        && let Some((_, end)) = &mut self.marked
                    {
                        *end = Some(out.written());
                    }
                }
                Step::Open(id) if Some(id) == self.omit => {}
                Step::Open(id) if id != apex && self.splice(id, &rendered, out) => {}
                Step::Open(id) => match &doc.node(id).kind {
                    NodeKind::Element(_) => {
                        if Some(id) == self.mark {
                            self.marked = Some((out.written(), None));
                        }
                        let marks = (scope.len(), rendered.len());
                        start_tag(
                            doc,
                            id,
                            &self.inclusive,
                            &mut scope,
                            &mut rendered,
                            &mut scratch,
                            out,
                        )?;
                        if let Some(l) = &mut self.looked_up {
                            l.extend_from_slice(&scratch.wanted);
                        }
                        steps.push(Step::Close(id, marks.0, marks.1));
                        for c in doc.node(id).children.iter().rev() {
                            steps.push(Step::Open(*c));
                        }
                    }
                    NodeKind::Text { value } | NodeKind::CData { value } => text(out, value),
                    NodeKind::Comment { .. } => {}
                    NodeKind::Pi => return Err(Unsupported::ProcessingInstruction),
                },
            }
        }
        Ok(())
    }

    /// Write the piece of `id` when there is one and it fits here.
    fn splice(&self, id: NodeId, rendered: &[Binding], out: &mut impl Sink) -> bool {
        let Some(p) = self.pieces.iter().find(|p| p.apex == id) else {
            return false;
        };
        if !p.fits(self.doc, &self.inclusive, self.omit, rendered) {
            return false;
        }
        out.put(&p.bytes);
        true
    }
}

/// Push the namespace declarations `id` carries onto `scope`.
fn declarations<'a>(doc: &'a Document, id: NodeId, scope: &mut Vec<Binding<'a>>) {
    if let Some(e) = doc.element(id) {
        for a in &e.attrs {
            if a.ns.is_none() && a.qname == "xmlns" {
                scope.push((None, a.value.as_str()));
            } else if a.ns.as_deref() == Some(XMLNS_NS) {
                scope.push((Some(a.local.as_str()), a.value.as_str()));
            }
        }
    }
}

fn lookup<'a>(list: &[Binding<'a>], prefix: Option<&str>) -> Option<&'a str> {
    list.iter()
        .rev()
        .find(|(p, _)| *p == prefix)
        .map(|(_, u)| *u)
}

/// The working lists of [`start_tag`], kept for the whole subtree.
#[derive(Default)]
struct Scratch<'a> {
    wanted: Vec<Option<&'a str>>,
    attrs: Vec<&'a super::dom::Attr>,
    decls: Vec<Binding<'a>>,
}

fn start_tag<'a>(
    doc: &'a Document,
    id: NodeId,
    inclusive: &[Option<&'a str>],
    scope: &mut Vec<Binding<'a>>,
    rendered: &mut Vec<Binding<'a>>,
    scratch: &mut Scratch<'a>,
    out: &mut impl Sink,
) -> Result<(), Unsupported> {
    let Some(e) = doc.element(id) else {
        return Ok(());
    };
    declarations(doc, id, scope);
    let Scratch {
        wanted,
        attrs,
        decls,
    } = scratch;
    wanted.clear();
    attrs.clear();
    decls.clear();
    // Prefixes visibly utilised: the element's, its prefixed attributes', then the PrefixList's.
    wanted.push(e.prefix.as_deref());
    for a in &e.attrs {
        if a.is_declaration() {
            continue;
        }
        if let Some((p, _)) = a.qname.split_once(':') {
            wanted.push(Some(p));
        }
        attrs.push(a);
    }
    wanted.extend(inclusive.iter().copied());
    // Each prefix looked up once, however many attributes use it (each lookup scans the bindings
    // in scope).
    wanted.sort_unstable();
    wanted.dedup();
    for &p in wanted.iter() {
        if p == Some("xml") || decls.iter().any(|(q, _)| *q == p) {
            continue;
        }
        let now = lookup(scope, p);
        let before = lookup(rendered, p);
        let differs = match p {
            None => now.unwrap_or("") != before.unwrap_or(""),
            Some(_) => now.is_some() && now != before,
        };
        if differs {
            decls.push((p, now.unwrap_or("")));
        }
    }
    decls.sort_by(|a, b| a.0.unwrap_or("").cmp(b.0.unwrap_or("")));
    attrs.sort_by(|a, b| {
        (
            a.ns.is_some(),
            a.ns.as_deref().unwrap_or(""),
            a.local.as_str(),
        )
            .cmp(&(
                b.ns.is_some(),
                b.ns.as_deref().unwrap_or(""),
                b.local.as_str(),
            ))
    });
    out.put(b"<");
    qname(out, e.prefix.as_deref(), &e.local);
    for (p, uri) in decls.iter() {
        if !plain_uri(uri) {
            return Err(Unsupported::NamespaceUri);
        }
        match p {
            None => out.put(b" xmlns=\""),
            Some(p) => {
                out.put(b" xmlns:");
                out.put(p.as_bytes());
                out.put(b"=\"");
            }
        }
        out.put(uri.as_bytes());
        out.put(b"\"");
        rendered.push((*p, uri));
    }
    for a in attrs.iter() {
        out.put(b" ");
        out.put(a.qname.as_bytes());
        out.put(b"=\"");
        attr_value(out, &a.value);
        out.put(b"\"");
    }
    out.put(b">");
    Ok(())
}

/// A namespace URI written the same by every canonicaliser: empty, or absolute and made of characters
/// no escaping rule touches and RFC 3986 allows (libxml2 writes the value without escaping).
fn plain_uri(u: &str) -> bool {
    u.is_empty()
        || (has_scheme(u)
            && u.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$'()*+,;=%".contains(&b)))
}

/// Does the URI start with a scheme (RFC 3986 §3.1: a letter, then letters, digits, `+`, `-`, `.`,
/// then `:`)? libxml2's canonicaliser refuses a namespace URI without one.
pub fn has_scheme(u: &str) -> bool {
    let Some((scheme, _)) = u.split_once(':') else {
        return false;
    };
    let mut s = scheme.chars();
    s.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn qname(out: &mut impl Sink, prefix: Option<&str>, local: &str) {
    if let Some(p) = prefix {
        out.put(p.as_bytes());
        out.put(b":");
    }
    out.put(local.as_bytes());
}

/// Text: `&`, `<`, `>` and CR escaped.
fn text(out: &mut impl Sink, s: &str) {
    escape(out, s, |b| match b {
        b'&' => Some(&b"&amp;"[..]),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// An attribute value: `&`, `<`, `"`, tab, LF and CR escaped.
fn attr_value(out: &mut impl Sink, s: &str) {
    escape(out, s, |b| match b {
        b'&' => Some(&b"&amp;"[..]),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// Write `s`, replacing the ASCII bytes `rule` names; runs without any are written in one piece.
fn escape(out: &mut impl Sink, s: &str, rule: impl Fn(u8) -> Option<&'static [u8]>) {
    let b = s.as_bytes();
    // Most values (base64, names, URIs) have nothing to replace (every byte a rule replaces is <= '>'):
    // written whole.
    if crate::util::first_byte(b, |x| x <= b'>' && rule(x).is_some()).is_none() {
        out.put(b);
        return;
    }
    let mut from = 0;
    for (i, c) in b.iter().enumerate() {
        if let Some(r) = rule(*c) {
            out.put(&b[from..i]);
            out.put(r);
            from = i + 1;
        }
    }
    out.put(&b[from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, apex_local: &str, prefixes: &[&str]) -> Result<String, Unsupported> {
        let doc = crate::xml::dom::parse(xml).unwrap_or_else(|e| panic!("{e:?}"));
        let apex = element(&doc, apex_local);
        let mut out = Vec::new();
        exclusive(&doc, apex, None, prefixes, &mut out)?;
        Ok(String::from_utf8(out).unwrap_or_default())
    }

    /// The examples of the Exclusive C14N Recommendation §2.2: the same element in two contexts gives
    /// the same bytes, with only the namespaces it uses.
    #[test]
    fn recommendation_example() {
        let a = r#"<n0:local xmlns:n0="foo:bar" xmlns:n3="ftp://example.org"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n0:local>"#;
        let b = r#"<n2:pdu xmlns:n1="http://example.com" xmlns:n2="http://foo.example" xml:lang="fr" xml:foo="bar"><n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"/></n1:elem2></n2:pdu>"#;
        let want = r#"<n1:elem2 xmlns:n1="http://example.net" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>"#;
        assert_eq!(c14n(a, "elem2", &[]).as_deref(), Ok(want));
        assert_eq!(c14n(b, "elem2", &[]).as_deref(), Ok(want));
        // On the PrefixList, n2 is rendered where it is in scope.
        assert_eq!(
            c14n(b, "elem2", &["n2"]).as_deref(),
            Ok(
                r#"<n1:elem2 xmlns:n1="http://example.net" xmlns:n2="http://foo.example" xml:lang="en"><n3:stuff xmlns:n3="ftp://example.org"></n3:stuff></n1:elem2>"#
            )
        );
    }

    #[test]
    fn escaping_sorting_and_default_namespace() {
        let xml = "<r xmlns=\"urn:d\" xmlns:b=\"urn:b\" xmlns:a=\"urn:a\"><e b:y=\"1\" a:z=\"2\" x=\"&#9;&quot;&lt;&amp;&#13;\" w='v'>t&amp;&lt;&gt;&#13;<![CDATA[<c>]]><!-- gone --></e><f xmlns=\"\"><g/></f></r>";
        assert_eq!(
            c14n(xml, "r", &[]).as_deref(),
            Ok(
                "<r xmlns=\"urn:d\"><e xmlns:a=\"urn:a\" xmlns:b=\"urn:b\" w=\"v\" x=\"&#x9;&quot;&lt;&amp;&#xD;\" a:z=\"2\" b:y=\"1\">t&amp;&lt;&gt;&#xD;&lt;c&gt;</e><f xmlns=\"\"><g></g></f></r>"
            )
        );
        // The apex in no namespace below a default one: nothing to undo, so no xmlns="".
        assert_eq!(c14n(xml, "f", &[]).as_deref(), Ok("<f><g></g></f>"));
    }

    #[test]
    fn refusals() {
        assert_eq!(
            c14n("<a><?pi x?></a>", "a", &[]),
            Err(Unsupported::ProcessingInstruction)
        );
        assert_eq!(
            c14n("<p:a xmlns:p=\"rel/ative\"/>", "a", &[]),
            Err(Unsupported::NamespaceUri)
        );
        assert_eq!(
            c14n("<p:a xmlns:p=\"urn:x&amp;y\"/>", "a", &[]),
            Err(Unsupported::NamespaceUri)
        );
    }

    #[test]
    fn a_text_node_is_no_apex() {
        let doc = crate::xml::dom::parse("<a>t</a>").unwrap_or_else(|e| panic!("{e:?}"));
        let text = doc.node(doc.root).children[0];
        assert_eq!(
            exclusive(&doc, text, None, &[], &mut Vec::new()),
            Err(Unsupported::NotAnElement)
        );
    }

    /// The element with local name `local`.
    fn element(doc: &Document, local: &str) -> NodeId {
        std::iter::once(doc.root)
            .chain(doc.descendants(doc.root))
            .find(|n| doc.element(*n).is_some_and(|e| e.local == local))
            .unwrap_or_else(|| panic!("no {local}"))
    }

    /// Canonicalise `outer` of `xml` (leaving out `omit`, with the PrefixList `lists[0]`) with a piece
    /// made for `inner` (with `lists[1]`): the bytes must be those of the plain canonicalisation
    /// whether the piece is written or not; whether it was is the answer (told by a piece whose bytes
    /// were swapped for a sentinel).
    fn spliced(
        xml: &str,
        outer: &str,
        omit: Option<&str>,
        inner: &str,
        lists: [&[&str]; 2],
    ) -> bool {
        let doc = crate::xml::dom::parse(xml).unwrap_or_else(|e| panic!("{e:?}"));
        let (outer, inner) = (element(&doc, outer), element(&doc, inner));
        let omit = omit.map(|o| element(&doc, o));
        let mut plain = Vec::new();
        exclusive(&doc, outer, omit, lists[0], &mut plain).unwrap_or_else(|e| panic!("{e:?}"));
        let piece = piece(&doc, inner, None, lists[1]).unwrap_or_else(|e| panic!("{e:?}"));
        let mut with = Vec::new();
        exclusive_with(
            &doc,
            outer,
            omit,
            lists[0],
            std::slice::from_ref(&piece),
            &mut with,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            String::from_utf8_lossy(&with),
            String::from_utf8_lossy(&plain),
            "{xml}"
        );
        let sentinel = Piece {
            bytes: b"<SENTINEL>".to_vec(),
            ..piece
        };
        let mut probe = Vec::new();
        exclusive_with(&doc, outer, omit, lists[0], &[sentinel], &mut probe)
            .unwrap_or_else(|e| panic!("{e:?}"));
        probe.windows(10).any(|w| w == b"<SENTINEL>")
    }

    /// A piece is written only where canonicalising in place writes the same bytes: never where an
    /// output ancestor wrote a prefix the piece uses, a default namespace, another PrefixList, or
    /// where something inside the piece is left out.
    #[test]
    fn a_piece_is_written_where_it_fits_and_only_there() {
        let none: &[&str] = &[];
        // The usual message: the Response writes only its own prefix.
        let usual = r#"<p:R xmlns:p="urn:p" xmlns:s="urn:s" ID="r"><s:I>i</s:I><p:S xmlns:p="urn:p"/><s:A ID="a"><s:X a="1"/><d:G xmlns:d="urn:d"><d:V/></d:G></s:A></p:R>"#;
        assert!(spliced(usual, "R", Some("S"), "A", [none, none]));
        // The piece uses the prefix its output ancestor wrote.
        let shared = r#"<p:R xmlns:p="urn:p" xmlns:s="urn:s"><s:A><p:X/></s:A></p:R>"#;
        assert!(!spliced(shared, "R", None, "A", [none, none]));
        let by_attribute =
            r#"<p:R xmlns:p="urn:p" xmlns:s="urn:s"><s:A><s:X p:a="1"/></s:A></p:R>"#;
        assert!(!spliced(by_attribute, "R", None, "A", [none, none]));
        // A default namespace written above it, used in it (and not, where it makes no difference).
        let default = r#"<R xmlns="urn:d" xmlns:s="urn:s"><s:A><X/></s:A></R>"#;
        assert!(!spliced(default, "R", None, "A", [none, none]));
        let unused = r#"<R xmlns="urn:d" xmlns:s="urn:s"><s:A><s:X/></s:A></R>"#;
        assert!(spliced(unused, "R", None, "A", [none, none]));
        // A default namespace undone above it is none.
        let undone = r#"<R xmlns="urn:d"><Q xmlns=""><s:A xmlns:s="urn:s"><X/></s:A></Q></R>"#;
        assert!(spliced(undone, "R", None, "A", [none, none]));
        // Another PrefixList, or the same naming a prefix written above.
        assert!(!spliced(usual, "R", Some("S"), "A", [&["d"], none]));
        assert!(spliced(usual, "R", Some("S"), "A", [&["d"], &["d"]]));
        assert!(!spliced(usual, "R", Some("S"), "A", [&["p"], &["p"]]));
        // Something inside the piece left out by the enclosing canonicalisation.
        assert!(!spliced(usual, "R", Some("G"), "A", [none, none]));
        // The apex itself is never replaced by its own piece.
        assert!(!spliced(usual, "A", None, "A", [none, none]));
    }

    /// A piece without its mark is the apex canonicalised with the mark left out.
    #[test]
    fn a_piece_without_its_mark_is_the_omitted_canonicalisation() {
        for (xml, mark) in [
            (
                r#"<s:A xmlns:s="urn:s" ID="a"><s:X/><d:G xmlns:d="urn:d"><d:V/></d:G><s:Y/></s:A>"#,
                "G",
            ),
            (r#"<s:A xmlns:s="urn:s"><d:G xmlns:d="urn:d"/></s:A>"#, "G"),
            (r#"<s:A xmlns:s="urn:s"><d:G xmlns:d="urn:d"/></s:A>"#, "A"),
            (r#"<s:A xmlns:s="urn:s"><s:X/></s:A>"#, "none"),
        ] {
            let doc = crate::xml::dom::parse(xml).unwrap_or_else(|e| panic!("{e:?}"));
            let apex = element(&doc, "A");
            let mark = (mark != "none").then(|| element(&doc, mark));
            let mut plain = Vec::new();
            exclusive(&doc, apex, mark, &[], &mut plain).unwrap_or_else(|e| panic!("{e:?}"));
            let p = piece(&doc, apex, mark, &[]).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(p.without_mark().concat(), plain, "{xml}");
            let mut full = Vec::new();
            exclusive(&doc, apex, None, &[], &mut full).unwrap_or_else(|e| panic!("{e:?}"));
            assert_eq!(p.bytes, full, "{xml}");
        }
    }

    /// A piece answers for the mark and PrefixList it was made with (`#default` as written), and
    /// for no other: the digest of a Reference is taken from it only then.
    #[test]
    fn a_piece_is_for_the_reference_it_was_made_for() {
        let doc =
            crate::xml::dom::parse(r#"<s:A xmlns:s="urn:s"><d:G xmlns:d="urn:d"/><s:B/></s:A>"#)
                .unwrap_or_else(|e| panic!("{e:?}"));
        let (a, g, b) = (element(&doc, "A"), element(&doc, "G"), element(&doc, "B"));
        let p = piece(&doc, a, Some(g), &["s", "#default"]).unwrap_or_else(|e| panic!("{e:?}"));
        let list = |l: &[&str]| l.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(p.made_for(Some(g), &list(&["s", "#default"])));
        assert!(!p.made_for(Some(b), &list(&["s", "#default"])));
        assert!(!p.made_for(None, &list(&["s", "#default"])));
        assert!(!p.made_for(Some(g), &list(&["s"])));
        assert!(!p.made_for(Some(g), &list(&["s", "default"])));
        assert!(!p.made_for(Some(g), &list(&["s", "#default", "x"])));
    }

    /// A piece of a subtree canonicalisation refuses is not made.
    #[test]
    fn no_piece_of_what_is_refused() {
        let doc =
            crate::xml::dom::parse("<a><b><?pi x?></b></a>").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            piece(&doc, element(&doc, "b"), None, &[]).map(|p| p.bytes),
            Err(Unsupported::ProcessingInstruction)
        );
    }

    #[test]
    fn the_omitted_subtree_is_left_out() {
        let xml = "<a ID=\"x\"> <s><t/></s> <b/></a>";
        let doc = crate::xml::dom::parse(xml).unwrap_or_else(|e| panic!("{e:?}"));
        let s = doc.first_child(doc.root, "", "s");
        let s = s.or_else(|| doc.child_elements(doc.root).next());
        let mut out = Vec::new();
        exclusive(&doc, doc.root, s, &[], &mut out).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            "<a ID=\"x\">  <b></b></a>"
        );
    }
}
