//! Stage 1, locate: where every signature sits, what each of its References says, which elements carry
//! which IDs, and which assertions samlint lints. Plain facts, one linear walk; no verdicts.

use super::cert;
use crate::model::{Message, ns};
use crate::source::Span;
use crate::xml::{Document, NodeId};
use std::collections::HashMap;

/// Attribute local names that some verifier treats as an ID, in any namespace: SAML's `ID`, XML-DSig's
/// `Id`, `id` (so `xml:id` too) and SAML 1's `AssertionID`. bergshamra matches them by local name
/// whatever the prefix; libxml2 knows `xml:id` and what samlint registers. samlint's map is the union,
/// so that no verifier can resolve a Reference to an element that samlint does not see as its target.
pub const ID_ATTRIBUTES: [&str; 4] = ["ID", "Id", "id", "AssertionID"];

/// Local names of SAML's elements that an SP reads to decide a login (who the user is, who vouches
/// for it, for whom, until when, how strongly), with the namespace each belongs to: anywhere else (or
/// in another case) they are look-alikes, which an SP that selects by local name reads as SAML's.
pub const LOOKALIKE_NAMES: [(&str, &str); 20] = [
    ("Assertion", ns::SAML),
    ("EncryptedAssertion", ns::SAML),
    ("Subject", ns::SAML),
    ("NameID", ns::SAML),
    ("EncryptedID", ns::SAML),
    ("SubjectConfirmation", ns::SAML),
    ("SubjectConfirmationData", ns::SAML),
    ("Conditions", ns::SAML),
    ("AudienceRestriction", ns::SAML),
    ("Audience", ns::SAML),
    ("AuthnStatement", ns::SAML),
    ("AuthnContext", ns::SAML),
    ("AuthnContextClassRef", ns::SAML),
    ("AttributeStatement", ns::SAML),
    ("Attribute", ns::SAML),
    ("AttributeValue", ns::SAML),
    ("Issuer", ns::SAML),
    ("Response", ns::SAMLP),
    ("Status", ns::SAMLP),
    ("StatusCode", ns::SAMLP),
];

/// Is `el` named like one of SAML's elements an SP reads (any case) without being it?
fn lookalike_name(el: &crate::xml::dom::Element) -> bool {
    LOOKALIKE_NAMES.iter().any(|(n, u)| {
        n.eq_ignore_ascii_case(&el.local) && (el.ns.as_deref() != Some(u) || *n != el.local)
    })
}

/// A set of nodes of one document, with constant-time membership.
#[derive(Debug, Clone, Default)]
pub struct Marks(Vec<bool>);

impl Marks {
    fn new(len: usize) -> Self {
        Marks(vec![false; len])
    }
    fn set(&mut self, n: NodeId) {
        if let Some(b) = self.0.get_mut(n) {
            *b = true;
        }
    }
    pub fn has(&self, n: NodeId) -> bool {
        self.0.get(n).copied().unwrap_or(false)
    }
}

/// One `ds:Reference`, as written.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The `URI` attribute; `None` when it is absent.
    pub uri: Option<String>,
    /// The URI value (or the Reference's name when there is none).
    pub span: Span,
    pub transforms: Vec<String>,
    pub transforms_span: Option<Span>,
    pub digest_method: Option<(String, Span)>,
}

/// One `ds:Signature` element and what it says.
#[derive(Debug, Clone)]
pub struct Site {
    pub node: NodeId,
    pub parent: Option<NodeId>,
    pub path: String,
    /// The `<ds:Signature` of its start tag.
    pub span: Span,
    /// Inside an assertion carried in a saml:Advice: verified, but not what samlint lints.
    pub in_advice: bool,
    pub has_signed_info: bool,
    pub has_signature_value: bool,
    pub signature_method: Option<(String, Span)>,
    pub c14n: Option<(String, Span)>,
    /// The References of its SignedInfo, in order.
    pub references: Vec<Reference>,
    /// Every other ds:Reference below the signature (ds:Object / ds:Manifest), which some verifiers
    /// dereference too.
    pub other_references: Vec<Reference>,
    /// `ds:RetrievalMethod` elements below the signature (a URI a verifier may fetch).
    pub retrieval_methods: Vec<(Option<String>, Span)>,
    /// The certificates of its own KeyInfo (DER), readable or not (`None`).
    pub keyinfo_certs: Vec<Option<Vec<u8>>>,
    /// ds:Object children.
    pub objects: usize,
}

/// Everything the later stages need to know about a message's signatures.
#[derive(Debug, Clone)]
pub struct Located {
    /// The Response (or request) and its assertions: what samlint lints.
    pub linted: Marks,
    /// Assertions inside a saml:Advice.
    pub advice: Marks,
    /// SAML assertions that are neither linted nor in Advice: the signature-wrapping shape.
    pub hidden: Vec<NodeId>,
    /// Elements of SAML's assertion namespace (a NameID, a Subject, an AttributeStatement…) in a
    /// Response but outside every assertion, other than the Response's own (first) Issuer: no SP should read
    /// them, and one that takes the first `NameID` of the document does (the outermost of each).
    pub stray: Vec<NodeId>,
    /// Elements of SAML's assertion or protocol namespace, or named like SAML's (see
    /// [`LOOKALIKE_NAMES`]), inside a ds:Signature (its KeyInfo or Object; the contract refuses them
    /// anywhere else in it) or inside encrypted content (a saml:EncryptedAssertion, EncryptedID or
    /// EncryptedAttribute, an xenc:EncryptedData or EncryptedKey), the outermost of each. No
    /// signature covers them: the enveloped-signature transform leaves the whole Signature out, and
    /// an assertion's signature covers the plaintext, not the encrypted wrapper around it. An SP that
    /// takes the first `NameID` of the document reads one planted in the assertion's own signature
    /// (it comes before the Subject), or in the wrapper once it decrypts in place.
    pub unsigned_saml: Vec<NodeId>,
    /// Elements named `Assertion` or `EncryptedAssertion` outside SAML's namespace (a foreign or
    /// near-miss URI): an SP that selects by local name reads them, samlint's model does not.
    pub lookalike: Vec<NodeId>,
    /// Each ID value and the distinct elements that carry it in any [`ID_ATTRIBUTES`] attribute.
    pub ids: HashMap<String, Vec<NodeId>>,
    pub sites: Vec<Site>,
}

/// Walk the document once.
pub fn locate(doc: &Document, m: &Message) -> Located {
    let root = doc.root;
    let n = doc.nodes.len();
    let mut linted = Marks::new(n);
    for l in std::iter::once(root)
        .chain(m.assertions.iter().map(|a| a.node))
        .chain(m.encrypted_assertions.iter().map(|e| e.node))
    {
        linted.set(l);
    }
    let mut advice = Marks::new(n);
    let mut hidden = Vec::new();
    let mut lookalike = Vec::new();
    let mut ids: HashMap<String, Vec<NodeId>> = HashMap::new();
    let mut sites = Vec::new();
    // The arena is in document order, so its range under the root is a pre-order walk: a node's
    // parent and grandparent are marked before it is looked at.
    let mut stray = Vec::new();
    let response = m.kind == crate::model::MessageKind::Response;
    // The Response's own Issuer: its first saml:Issuer child (a second one is stray too).
    let own_issuer = doc.first_child(root, ns::SAML, "Issuer");
    // The arena ends of the assertion (or stray element) subtrees entered so far: a node below that
    // is inside one.
    let mut in_assertion_until = 0;
    let mut in_stray_until = 0;
    // The same for ds:Signature subtrees and encrypted content, and for the SAML elements found
    // inside one.
    let mut in_unsigned_until = 0;
    let mut in_planted_until = 0;
    let mut unsigned_saml = Vec::new();
    let end = doc.nodes.get(root).map_or(root, |r| r.end).min(n);
    for id in root..end {
        let Some(el) = doc.element(id) else { continue };
        record_ids(el, id, &mut ids);
        // An encrypted assertion anywhere but among the Response's own is the same shape: an SP that
        // decrypts what it finds would read content samlint never saw.
        let saml_assertion =
            doc.is(id, ns::SAML, "Assertion") || doc.is(id, ns::SAML, "EncryptedAssertion");
        if saml_assertion && id != root && !linted.has(id) {
            if in_advice_of_assertion(doc, id, &linted, &advice) {
                advice.set(id);
            } else {
                hidden.push(id);
            }
        }
        let node_end = doc.node(id).end;
        let planted = id < in_unsigned_until && saml_named(el);
        if planted && id >= in_planted_until {
            unsigned_saml.push(id);
            in_planted_until = node_end;
        }
        if saml_assertion {
            in_assertion_until = in_assertion_until.max(node_end);
        } else if response
            && !planted
            && id >= in_assertion_until
            && id >= in_stray_until
            && el.ns.as_deref() == Some(ns::SAML)
            && Some(id) != own_issuer
        {
            stray.push(id);
            in_stray_until = node_end;
        }
        if !planted && lookalike_name(el) {
            lookalike.push(id);
        }
        if unsigned_wrapper(el) {
            in_unsigned_until = in_unsigned_until.max(node_end);
        }
        if doc.is(id, ns::DS, "Signature") {
            let parent = doc.node(id).parent;
            sites.push(site(doc, id, parent, parent.is_some_and(|p| advice.has(p))));
        }
    }
    Located {
        linted,
        advice,
        hidden,
        stray,
        unsigned_saml,
        lookalike,
        ids,
        sites,
    }
}

/// Add `id` to the map under each value it carries in an [`ID_ATTRIBUTES`] attribute.
fn record_ids(el: &crate::xml::dom::Element, id: NodeId, ids: &mut HashMap<String, Vec<NodeId>>) {
    for a in &el.attrs {
        if ID_ATTRIBUTES.contains(&a.local.as_str()) && !a.is_declaration() {
            let list = ids.entry(a.value.clone()).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
    }
}

/// An element of SAML's assertion or protocol namespace, or named like one of SAML's.
fn saml_named(el: &crate::xml::dom::Element) -> bool {
    matches!(el.ns.as_deref(), Some(ns::SAML) | Some(ns::SAMLP)) || lookalike_name(el)
}

/// An element whose content no signature covers: a ds:Signature (the enveloped-signature transform
/// leaves it out), or encrypted content (an assertion's signature covers its plaintext, not the
/// wrapper: a saml:EncryptedAssertion, EncryptedID, EncryptedAttribute, samlp:NewEncryptedID, an
/// xenc:EncryptedData or EncryptedKey).
fn unsigned_wrapper(el: &crate::xml::dom::Element) -> bool {
    match el.ns.as_deref() {
        Some(ns::DS) => el.local == "Signature",
        Some(ns::SAML) => matches!(
            el.local.as_str(),
            "EncryptedAssertion" | "EncryptedID" | "EncryptedAttribute"
        ),
        Some(ns::SAMLP) => el.local == "NewEncryptedID",
        Some(ns::XENC) => matches!(el.local.as_str(), "EncryptedData" | "EncryptedKey"),
        _ => false,
    }
}

/// Is `id` a child of a `saml:Advice` that is itself a child of an assertion samlint lints (or of
/// one already in such an Advice)? That is the one place SAML puts advice (Core §2.6.1). An Advice
/// anywhere else (under the Response, in Extensions, StatusDetail, a KeyInfo or an Object) is no
/// assertion's advice: an assertion in it is hidden, the signature-wrapping shape.
fn in_advice_of_assertion(doc: &Document, id: NodeId, linted: &Marks, advice: &Marks) -> bool {
    let parent = doc.node(id).parent;
    let Some(adv) = parent.filter(|p| doc.is(*p, ns::SAML, "Advice")) else {
        return false;
    };
    doc.node(adv).parent.is_some_and(|owner| {
        doc.is(owner, ns::SAML, "Assertion") && (linted.has(owner) || advice.has(owner))
    })
}

fn algorithm(doc: &Document, n: Option<NodeId>) -> Option<(String, Span)> {
    n.and_then(|n| doc.attr(n, "Algorithm"))
        .map(|a| (a.value.clone(), a.value_span))
}

fn reference(doc: &Document, r: NodeId) -> Reference {
    let tnode = doc.first_child(r, ns::DS, "Transforms");
    Reference {
        uri: doc.attr(r, "URI").map(|a| a.value.clone()),
        span: doc
            .attr(r, "URI")
            .map_or_else(|| doc.name_span(r), |a| a.value_span),
        transforms: tnode
            .map(|t| {
                doc.children_named(t, ns::DS, "Transform")
                    .map(|x| {
                        doc.attr(x, "Algorithm")
                            .map(|a| a.value.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default(),
        transforms_span: tnode.map(|t| doc.name_span(t)),
        digest_method: algorithm(doc, doc.first_child(r, ns::DS, "DigestMethod")),
    }
}

fn site(doc: &Document, s: NodeId, parent: Option<NodeId>, in_advice: bool) -> Site {
    let si = doc.first_child(s, ns::DS, "SignedInfo");
    let signed: Vec<NodeId> = si
        .map(|si| doc.children_named(si, ns::DS, "Reference").collect())
        .unwrap_or_default();
    let mut other_references = Vec::new();
    let mut retrieval_methods = Vec::new();
    for d in doc.descendants(s) {
        if doc.is(d, ns::DS, "Reference") && !signed.contains(&d) {
            other_references.push(reference(doc, d));
        }
        if doc.is(d, ns::DS, "RetrievalMethod") {
            retrieval_methods.push((
                doc.attr(d, "URI").map(|a| a.value.clone()),
                doc.name_span(d),
            ));
        }
    }
    let mut keyinfo_certs = Vec::new();
    if let Some(ki) = doc.first_child(s, ns::DS, "KeyInfo") {
        for xd in doc.children_named(ki, ns::DS, "X509Data") {
            for xc in doc.children_named(xd, ns::DS, "X509Certificate") {
                keyinfo_certs.push(cert::keyinfo_cert_der(&doc.own_text(xc)));
            }
        }
    }
    Site {
        node: s,
        parent,
        path: doc.path(s),
        span: doc.name_span(s),
        in_advice,
        has_signed_info: si.is_some(),
        has_signature_value: doc.first_child(s, ns::DS, "SignatureValue").is_some(),
        signature_method: algorithm(
            doc,
            si.and_then(|si| doc.first_child(si, ns::DS, "SignatureMethod")),
        ),
        c14n: algorithm(
            doc,
            si.and_then(|si| doc.first_child(si, ns::DS, "CanonicalizationMethod")),
        ),
        references: signed.iter().map(|r| reference(doc, *r)).collect(),
        other_references,
        retrieval_methods,
        keyinfo_certs,
        objects: doc.children_named(s, ns::DS, "Object").count(),
    }
}
