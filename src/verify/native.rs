//! samlint's own check of the usual SAML signature, on the parse the linter reads: one parse, one
//! canonicalisation of each signed subtree (xml::c14n, hashed as it is written), ring for the RSA
//! signature value, the public key taken from each certificate once per thread.
//!
//! It takes only the shape every IdP in the corpus sends: `SignedInfo` with exclusive c14n (without
//! comments), an RSA PKCS#1 v1.5 SignatureMethod, References `#id` to exactly one element with the
//! transforms `[enveloped-signature,] exc-c14n`, SHA-1/2 digests; no duplicate IDs, no Object, Manifest
//! or RetrievalMethod. Its answer is the verdict when every signature of the document is valid with the
//! key; anything else — a shape it does not take, a digest or a signature value that does not verify —
//! is left to bergshamra, which gives the verdict and its reason, with one veto: a signature this
//! module computed and found not to verify ([`Native::Mismatch`]) is never reported valid because
//! bergshamra, on its own parse, reads another document (bergshamra keeps a CR inside CDATA, which
//! XML's line-end handling and libxml2 turn into a line feed; tests/differential.rs compares such
//! messages with xmlsec1). So it changes bergshamra's verdict only where the two canonicalisations
//! differ: the differential tests (tests/c14n.rs: its bytes against libxml2's and bergshamra's, its
//! verdicts against both verifiers', on every corpus message, fixture and adversarial input) and a fuzz
//! target guard that.

use super::cert::Cert;
use super::contract::{C14N, ENVELOPED, plain_id};
use super::dsig::{Crypto, Place, RefResult, SigResult, base64};
use super::locate::Located;
use crate::model::ns;
use crate::xml::c14n::{self, Sink};
use crate::xml::{Document, NodeId, NodeKind};
use ring::signature::{self, RsaParameters};

const EXC: &str = C14N[0];

/// samlint's own answer for one signature with one key.
#[derive(Debug, Clone)]
pub enum Native {
    Valid(SigResult),
    /// The shape is one this module takes, and it computed a digest or a signature value that does
    /// not match: by XML 1.0 and exclusive c14n as libxml2 reads them, the signature does not verify.
    /// A verifier that calls it valid reads another document (e.g. bergshamra keeps a CR inside CDATA,
    /// which XML's line-end handling turns into a line feed).
    Mismatch {
        at: Place,
        reason: String,
    },
    /// A shape this module does not take: only the other verifier answers.
    Declined,
}

/// Verify every signature of the document with `key`: `Some` only when this module takes every one
/// of them and each is valid.
pub fn verify_all(doc: &Document, loc: &Located, key: &Cert) -> Option<Vec<SigResult>> {
    let all = each(doc, loc, key);
    if all.is_empty() {
        // Not taken at all (or no signature): no answer, never "all of none valid".
        return None;
    }
    all.into_iter()
        .map(|n| match n {
            Native::Valid(r) => Some(r),
            _ => None,
        })
        .collect()
}

/// samlint's answer for every signature of the document with `key`, in document order (empty when the
/// document is one this module does not take at all).
pub fn each(doc: &Document, loc: &Located, key: &Cert) -> Vec<Native> {
    check(&digest_all(doc, loc), key)
}

/// The half of the check that needs no key, done once for every key: each signature's canonical
/// SignedInfo, its value, and each Reference's digest.
pub struct Digested {
    /// One per signature, in document order; empty when the document is not taken at all.
    sigs: Vec<Prepared>,
}

enum Prepared {
    Declined,
    Ready {
        at: Place,
        params: &'static RsaParameters,
        signed: Vec<u8>,
        value: Vec<u8>,
        references: Vec<RefResult>,
        /// The first Reference whose digest does not match.
        mismatch: Option<String>,
    },
}

/// Canonicalise and hash what every signature of the document covers. A subtree that two References
/// cover (the Assertion, inside the Response) is canonicalised once.
pub fn digest_all(doc: &Document, loc: &Located) -> Digested {
    if loc.sites.is_empty() || loc.ids.values().any(|v| v.len() > 1) || shadowed_names(doc) {
        return Digested { sigs: Vec::new() };
    }
    let shapes = shapes(doc, loc);
    let pieces = Pieces::of(doc, &shapes);
    let sigs = loc
        .sites
        .iter()
        .zip(&shapes)
        .map(|(s, shape)| match shape {
            Some(shape) => prepare(doc, s.node, shape, &pieces),
            None => Prepared::Declined,
        })
        .collect();
    Digested { sigs }
}

/// samlint's answer for every signature with `key`, from what [`digest_all`] prepared.
pub fn check(d: &Digested, key: &Cert) -> Vec<Native> {
    if d.sigs.is_empty() {
        return Vec::new();
    }
    let Some(rsa) = rsa_key(&key.der) else {
        return Vec::new();
    };
    d.sigs
        .iter()
        .map(|p| match p {
            Prepared::Declined => Native::Declined,
            Prepared::Ready {
                mismatch: Some(reason),
                at,
                ..
            } => Native::Mismatch {
                at: *at,
                reason: reason.clone(),
            },
            Prepared::Ready {
                at,
                params,
                signed,
                value,
                references,
                mismatch: None,
            } => match signature::UnparsedPublicKey::new(*params, &rsa).verify(signed, value) {
                Ok(()) => Native::Valid(SigResult {
                    at: *at,
                    outcome: Crypto::Valid {
                        references: references.clone(),
                    },
                }),
                Err(_) => Native::Mismatch {
                    at: *at,
                    reason: "the signature value does not verify over the canonical SignedInfo"
                        .into(),
                },
            },
        })
        .collect()
}

/// A signature of the shape this module takes: its parts and a plan for each Reference (`None`: a
/// Reference it does not take).
struct Shape<'a> {
    parts: Parts,
    plans: Vec<Option<Plan<'a>>>,
}

/// Each signature's shape, `None` for one this module declines (another kind of Reference below it,
/// a RetrievalMethod, an Object, or parts of another shape).
fn shapes<'a>(doc: &'a Document, loc: &Located) -> Vec<Option<Shape<'a>>> {
    loc.sites
        .iter()
        .map(|s| {
            if !s.other_references.is_empty() || !s.retrieval_methods.is_empty() || s.objects > 0 {
                return None;
            }
            shape(doc, loc, s.node)
        })
        .collect()
}

/// The parts of the signature `sig` and a plan for each of its References.
fn shape<'a>(doc: &'a Document, loc: &Located, sig: NodeId) -> Option<Shape<'a>> {
    let parts = parts(doc, sig)?;
    let plans = parts
        .references
        .iter()
        .map(|r| plan(doc, loc, sig, *r))
        .collect();
    Some(Shape { parts, plans })
}

/// At most this many subtrees are canonicalised ahead to be written again (the usual message has
/// one: the Assertion inside the signed Response).
const MAX_PIECES: usize = 4;
/// Pieces are looked for among at most this many References (the usual message has two).
const MAX_PLANS: usize = 16;

/// Referenced subtrees inside another Reference's subtree, canonicalised once ([`c14n::piece`]).
struct Pieces<'a> {
    list: Vec<c14n::Piece<'a>>,
}

impl<'a> Pieces<'a> {
    fn of(doc: &'a Document, shapes: &'a [Option<Shape<'a>>]) -> Self {
        let plans: Vec<&Plan> = shapes
            .iter()
            .flatten()
            .flat_map(|s| s.plans.iter().flatten())
            .collect();
        let mut out = Pieces { list: Vec::new() };
        // Every pair of References is compared: a document of many is canonicalised in place.
        if plans.len() > MAX_PLANS {
            return out;
        }
        for p in &plans {
            let enclosed = plans
                .iter()
                .any(|q| q.target != p.target && inside(doc, q.target, p.target));
            if !enclosed
                || out.list.len() == MAX_PIECES
                || out.list.iter().any(|x| x.apex == p.target)
            {
                continue;
            }
            let list: Vec<&str> = p.prefixes.iter().map(String::as_str).collect();
            if let Ok(piece) = c14n::piece(doc, p.target, p.omit, &list) {
                out.list.push(piece);
            }
        }
        out
    }

    /// The piece made for exactly this Reference, when its bytes minus the omitted node are what
    /// canonicalising it in place writes.
    fn own(&self, doc: &Document, plan: &Plan) -> Option<&c14n::Piece<'a>> {
        // Any piece of that apex made for this Reference (two References to one subtree, with other
        // PrefixLists, each have theirs), not the first of that apex.
        let omitted_inside = plan.omit.is_some_and(|o| inside(doc, plan.target, o));
        self.list.iter().find(|x| {
            x.apex == plan.target
                && x.made_for(plan.omit, &plan.prefixes)
                && (!omitted_inside || x.mark.is_some())
        })
    }
}

/// Is `node` in the subtree of `top` (or `top` itself)?
fn inside(doc: &Document, top: NodeId, node: NodeId) -> bool {
    (top..doc.node(top).end).contains(&node)
}

/// The canonical bytes one Reference covers, written to `out`: the piece made for it, or its subtree
/// canonicalised in place (writing any piece inside it that fits).
fn write_reference(
    doc: &Document,
    plan: &Plan,
    pieces: &Pieces,
    out: &mut impl Sink,
) -> Result<(), c14n::Unsupported> {
    if let Some(piece) = pieces.own(doc, plan) {
        for part in piece.without_mark() {
            out.put(part);
        }
        return Ok(());
    }
    let prefixes: Vec<&str> = plan.prefixes.iter().map(String::as_str).collect();
    c14n::exclusive_with(doc, plan.target, plan.omit, &prefixes, &pieces.list, out)
}

/// Attribute names this module reads without a namespace (and ID attributes), also present in some
/// namespace somewhere: libxml2's `xmlGetProp`, which libxmlsec1 reads them with, takes the first of
/// either in document order, so the SP may read the other one. Left to bergshamra.
fn shadowed_names(doc: &Document) -> bool {
    const READ: [&str; 7] = [
        "URI",
        "Algorithm",
        "PrefixList",
        "ID",
        "Id",
        "id",
        "AssertionID",
    ];
    doc.nodes.iter().any(|n| match &n.kind {
        NodeKind::Element(e) => e.attrs.iter().any(|a| {
            a.ns.as_deref().is_some_and(|ns| {
                ns != crate::xml::dom::XMLNS_NS && READ.contains(&a.local.as_str())
            })
        }),
        _ => false,
    })
}

/// The text of a DigestValue or SignatureValue when it holds nothing but text (libxml2 reads the text
/// of child elements too; bergshamra reads one text node).
fn value_text(doc: &Document, id: NodeId) -> Option<String> {
    let c = &doc.node(id).children;
    match c.as_slice() {
        [one] if matches!(doc.node(*one).kind, NodeKind::Text { .. }) => Some(doc.own_text(id)),
        _ => None,
    }
}

/// The parts of one ds:Signature, when it has exactly the expected shape.
struct Parts {
    signed_info: NodeId,
    c14n_prefixes: Vec<String>,
    params: &'static RsaParameters,
    references: Vec<NodeId>,
    value: NodeId,
}

fn prepare(doc: &Document, sig: NodeId, shape: &Shape, pieces: &Pieces) -> Prepared {
    let at = Place::of(doc.node(sig).span.range());
    let p = &shape.parts;
    let mut references = Vec::new();
    let mut mismatch = None;
    for (k, plan) in shape.plans.iter().enumerate() {
        let target = match plan.as_ref().map(|plan| reference(doc, plan, pieces)) {
            None | Some(Ref::Declined) => return Prepared::Declined,
            Some(Ref::Matches(t)) => t,
            Some(Ref::Differs(t)) => {
                mismatch.get_or_insert(format!("digest mismatch for Reference {}", k + 1));
                t
            }
        };
        if !expected_position(doc, sig, target) {
            return Prepared::Declined;
        }
        references.push(RefResult {
            digest_ok: true,
            resolved: Some(Place::of(doc.node(target).span.range())),
        });
    }
    let mut signed = Vec::new();
    let prefixes: Vec<&str> = p.c14n_prefixes.iter().map(String::as_str).collect();
    if c14n::exclusive(doc, p.signed_info, None, &prefixes, &mut signed).is_err() {
        return Prepared::Declined;
    }
    let Some(value) = value_text(doc, p.value).and_then(|v| base64(&v)) else {
        return Prepared::Declined;
    };
    Prepared::Ready {
        at,
        params: p.params,
        signed,
        value,
        references,
        mismatch,
    }
}

/// bergshamra's strict position rule: a Reference's target is the document element, an ancestor of
/// the signature, or a sibling of it. Anything else is left to bergshamra (which refuses it, as the
/// contract does: a wrapping shape).
fn expected_position(doc: &Document, sig: NodeId, target: NodeId) -> bool {
    if target == doc.root || doc.node(target).parent == doc.node(sig).parent {
        return true;
    }
    let mut up = Some(sig);
    while let Some(n) = up {
        if n == target {
            return true;
        }
        up = doc.node(n).parent;
    }
    false
}

/// The element children of `id`, when everything else in it is whitespace (no comment, no PI, no text).
fn only_elements(doc: &Document, id: NodeId) -> Option<Vec<NodeId>> {
    let mut out = Vec::new();
    for c in &doc.node(id).children {
        match &doc.node(*c).kind {
            NodeKind::Element(_) => out.push(*c),
            NodeKind::Text { value } if crate::xml::is_blank(value) => {}
            _ => return None,
        }
    }
    Some(out)
}

fn is_ds(doc: &Document, id: NodeId, local: &str) -> bool {
    doc.is(id, ns::DS, local)
}

fn algorithm(doc: &Document, id: NodeId) -> Option<&str> {
    doc.attr(id, "Algorithm").map(|a| a.value.as_str())
}

fn parts(doc: &Document, sig: NodeId) -> Option<Parts> {
    let children = only_elements(doc, sig)?;
    let [si, value, rest @ ..] = children.as_slice() else {
        return None;
    };
    if !is_ds(doc, *si, "SignedInfo")
        || !is_ds(doc, *value, "SignatureValue")
        || !rest.iter().all(|k| is_ds(doc, *k, "KeyInfo"))
        || rest.len() > 1
    {
        return None;
    }
    let si_children = only_elements(doc, *si)?;
    let [cm, sm, refs @ ..] = si_children.as_slice() else {
        return None;
    };
    if !is_ds(doc, *cm, "CanonicalizationMethod")
        || !is_ds(doc, *sm, "SignatureMethod")
        || refs.is_empty()
        || !refs.iter().all(|r| is_ds(doc, *r, "Reference"))
        || !only_elements(doc, *sm)?.is_empty()
        || algorithm(doc, *cm) != Some(EXC)
    {
        return None;
    }
    Some(Parts {
        signed_info: *si,
        c14n_prefixes: prefix_list(doc, *cm)?,
        params: super::fast::params(algorithm(doc, *sm)?)?.1,
        references: refs.to_vec(),
        value: *value,
    })
}

/// The InclusiveNamespaces PrefixList of an exc-c14n CanonicalizationMethod or Transform (none, or one
/// `ec:InclusiveNamespaces` child and nothing else).
fn prefix_list(doc: &Document, method: NodeId) -> Option<Vec<String>> {
    match only_elements(doc, method)?.as_slice() {
        [] => Some(Vec::new()),
        [one] if doc.is(*one, EXC, "InclusiveNamespaces") => {
            let e = doc.element(*one)?;
            if e.attrs
                .iter()
                .any(|a| a.local != "PrefixList" || a.ns.is_some())
                || !only_elements(doc, *one)?.is_empty()
                || !doc.node(*one).children.is_empty()
            {
                return None;
            }
            Some(
                doc.attr(*one, "PrefixList")?
                    .value
                    .split_ascii_whitespace()
                    .map(str::to_string)
                    .collect(),
            )
        }
        _ => None,
    }
}

/// What one Reference asks for: the subtree to canonicalise (minus the enveloped signature), the
/// PrefixList, the DigestMethod and the DigestValue.
struct Plan<'a> {
    target: NodeId,
    omit: Option<NodeId>,
    prefixes: Vec<String>,
    method: &'a str,
    want: Vec<u8>,
}

fn plan<'a>(doc: &'a Document, loc: &Located, sig: NodeId, r: NodeId) -> Option<Plan<'a>> {
    let id = plain_id(&doc.attr(r, "URI")?.value)?;
    let [target] = loc.ids.get(id)?.as_slice() else {
        return None;
    };
    let children = only_elements(doc, r)?;
    let [t, dm, dv] = children.as_slice() else {
        return None;
    };
    if !is_ds(doc, *t, "Transforms")
        || !is_ds(doc, *dm, "DigestMethod")
        || !is_ds(doc, *dv, "DigestValue")
        || !only_elements(doc, *dm)?.is_empty()
    {
        return None;
    }
    let (enveloped, prefixes) = transforms_of(doc, *t)?;
    Some(Plan {
        target: *target,
        omit: enveloped.then_some(sig),
        prefixes,
        method: algorithm(doc, *dm)?,
        want: base64(&value_text(doc, *dv)?)?,
    })
}

/// Check one Reference's digest; the element it covers.
/// A Reference's digest, computed by this module.
enum Ref {
    Matches(NodeId),
    Differs(NodeId),
    Declined,
}

fn reference(doc: &Document, p: &Plan, pieces: &Pieces) -> Ref {
    let got = match p.method {
        "http://www.w3.org/2000/09/xmldsig#sha1" => digest::<sha1::Sha1>(doc, p, pieces),
        "http://www.w3.org/2001/04/xmlenc#sha256" => digest::<sha2::Sha256>(doc, p, pieces),
        "http://www.w3.org/2001/04/xmldsig-more#sha384" => digest::<sha2::Sha384>(doc, p, pieces),
        "http://www.w3.org/2001/04/xmlenc#sha512" => digest::<sha2::Sha512>(doc, p, pieces),
        _ => None,
    };
    match got {
        None => Ref::Declined,
        Some(g) if g == p.want => Ref::Matches(p.target),
        Some(_) => Ref::Differs(p.target),
    }
}

/// `[enveloped-signature,] exc-c14n`: whether the first is there, and the second's PrefixList.
fn transforms_of(doc: &Document, t: NodeId) -> Option<(bool, Vec<String>)> {
    let list = only_elements(doc, t)?;
    if !list.iter().all(|x| is_ds(doc, *x, "Transform")) {
        return None;
    }
    match list.as_slice() {
        [env, exc]
            if algorithm(doc, *env) == Some(ENVELOPED) && algorithm(doc, *exc) == Some(EXC) =>
        {
            only_elements(doc, *env)?.is_empty().then_some(())?;
            Some((true, prefix_list(doc, *exc)?))
        }
        [exc] if algorithm(doc, *exc) == Some(EXC) => Some((false, prefix_list(doc, *exc)?)),
        _ => None,
    }
}

/// Hashes canonical bytes as they are written, through a small buffer (the canonicaliser writes many
/// short pieces).
struct Hashing<D: sha2::Digest> {
    hash: D,
    buf: Vec<u8>,
}

impl<D: sha2::Digest> Sink for Hashing<D> {
    // Called for every short piece the canonicaliser writes: inlined there, the common case is a
    // bounds check and a copy.
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() <= 4096 {
            self.buf.extend_from_slice(bytes);
        } else {
            self.spill(bytes);
        }
    }
}

impl<D: sha2::Digest> Hashing<D> {
    /// The buffer is full: hash it, then keep `bytes` (or hash them at once when they are longer).
    #[cold]
    #[inline(never)]
    fn spill(&mut self, bytes: &[u8]) {
        self.hash.update(&self.buf);
        self.buf.clear();
        if bytes.len() > 4096 {
            self.hash.update(bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }
}

fn digest<D: sha2::Digest>(doc: &Document, plan: &Plan, pieces: &Pieces) -> Option<Vec<u8>> {
    let mut h = Hashing {
        hash: D::new(),
        buf: Vec::with_capacity(4096),
    };
    write_reference(doc, plan, pieces, &mut h).ok()?;
    h.hash.update(&h.buf);
    Some(h.hash.finalize().to_vec())
}

/// The PKCS#1 RSAPublicKey of a certificate, when its key is RSA; remembered per thread (a batch uses
/// one or two certificates).
pub(crate) fn rsa_key(der: &[u8]) -> Option<Vec<u8>> {
    thread_local! {
        static KEYS: crate::util::MemoCell<Vec<u8>, Option<Vec<u8>>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    crate::util::memo(&KEYS, der, |der| {
        use x509_parser::prelude::FromDer;
        x509_parser::certificate::X509Certificate::from_der(der)
            .ok()
            .filter(|(_, c)| {
                c.public_key().algorithm.algorithm
                    == x509_parser::oid_registry::OID_PKCS1_RSAENCRYPTION
            })
            .map(|(_, c)| c.public_key().subject_public_key.data.to_vec())
    })
}

/// For the differential tests and the fuzz target: the canonical forms this module hashes and signs,
/// from the same code, and the same node-sets canonicalised by bergshamra.
pub mod differential {
    use super::*;
    use crate::model::Message;
    use crate::xml::c14n::Unsupported;

    /// A Reference's subtree (`reference: Some(k)`) or a SignedInfo (`None`) of signature `signature`
    /// (document order), with the bytes samlint's canonicaliser gives.
    #[derive(Debug)]
    pub struct Form {
        pub signature: usize,
        pub reference: Option<usize>,
        pub apex: NodeId,
        pub omit: Option<NodeId>,
        pub prefixes: Vec<String>,
        pub bytes: Result<Vec<u8>, Unsupported>,
    }

    /// Every form of every signature whose shape this module takes.
    pub fn forms(doc: &Document, m: &Message) -> Vec<Form> {
        let loc = super::super::locate::locate(doc, m);
        let shapes = shapes(doc, &loc);
        let pieces = Pieces::of(doc, &shapes);
        let mut out = Vec::new();
        for (i, (shape, site)) in shapes.iter().zip(&loc.sites).enumerate() {
            // A signature the check declines for what else it holds (another kind of Reference, an
            // Object…) is never hashed; its forms are still compared, canonicalised in place.
            let declined;
            let shape = match shape {
                Some(shape) => shape,
                None => match super::shape(doc, &loc, site.node) {
                    Some(s) => {
                        declined = s;
                        &declined
                    }
                    None => continue,
                },
            };
            let p = &shape.parts;
            let list: Vec<&str> = p.c14n_prefixes.iter().map(String::as_str).collect();
            let mut bytes = Vec::new();
            let r = c14n::exclusive(doc, p.signed_info, None, &list, &mut bytes);
            out.push(Form {
                signature: i,
                reference: None,
                apex: p.signed_info,
                omit: None,
                prefixes: p.c14n_prefixes.clone(),
                bytes: r.map(|()| bytes),
            });
            for (k, plan) in shape.plans.iter().enumerate() {
                let Some(plan) = plan else {
                    continue;
                };
                // The very bytes the digest hashes: a piece where one is made, pieces spliced in.
                let mut bytes = Vec::new();
                let r = write_reference(doc, plan, &pieces, &mut bytes);
                out.push(Form {
                    signature: i,
                    reference: Some(k),
                    apex: plan.target,
                    omit: plan.omit,
                    prefixes: plan.prefixes.clone(),
                    bytes: r.map(|()| bytes),
                });
            }
        }
        out
    }

    /// Does the signed-content contract keep every verifier away from this document (so that nothing
    /// of it is ever hashed or verified)?
    pub fn refused(doc: &Document, m: &Message) -> bool {
        let loc = super::super::locate::locate(doc, m);
        super::super::contract::check(doc, &loc)
            .doc_refused
            .is_some()
    }

    /// samlint's own verdict with `key` (`None` when it leaves the document to bergshamra).
    pub fn verify(doc: &Document, m: &Message, key: &Cert) -> Option<Vec<SigResult>> {
        verify_all(doc, &super::super::locate::locate(doc, m), key)
    }

    /// bergshamra's exclusive canonicalisation (without comments) of the same node-set, on its own
    /// parse of `text` (attribute whitespace normalised first, as the verifier does).
    pub fn bergshamra(text: &str, doc: &Document, f: &Form) -> Result<Vec<u8>, String> {
        let norm = super::super::dsig::normalise_attribute_whitespace(text);
        let theirs_text = norm.as_ref().map_or(text, |n| n.text.as_str());
        let back = |x: usize| norm.as_ref().map_or(x, |n| n.original(x));
        let u = uppsala::parse(theirs_text).map_err(|e| e.to_string())?;
        let find = |id: NodeId| {
            let want = doc.node(id).span.range();
            u.descendants(u.root()).into_iter().find(|n| {
                u.node_range(*n)
                    .is_some_and(|r| back(r.start) == want.start && back(r.end) == want.end)
            })
        };
        let apex = find(f.apex).ok_or("bergshamra's parse has no such element")?;
        let mut set = bergshamra::xml::nodeset::NodeSet::tree_without_comments(apex, &u);
        if let Some(o) = f.omit {
            let o = find(o).ok_or("bergshamra's parse has no such signature")?;
            set = set.subtract(&bergshamra::xml::nodeset::NodeSet::tree_with_comments(
                o, &u,
            ));
        }
        bergshamra::c14n::canonicalize_doc(
            &u,
            bergshamra::c14n::C14nMode::Exclusive,
            Some(&set),
            &f.prefixes,
        )
        .map_err(|e| e.to_string())
    }
}
