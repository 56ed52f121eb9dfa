//! The structural sanity checks (codes `STR…`): is this a SAML message of a kind samlint lints, and is
//! its skeleton complete? Protocol, signature and profile rules build on top of these.

use crate::finding::{Arg, Finding};
use crate::model::{Message, MessageKind, ns};
use crate::msg;
use crate::registry::{
    STR001, STR002, STR003, STR004, STR005, STR006, STR007, STR008, STR009, STR010, STR011, STR012,
};
use crate::xml::Document;

pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Run the structural checks on one message.
pub fn check(doc: &Document, m: &Message) -> Vec<Finding> {
    let mut out = Vec::new();
    let root_path = format!("/{}", m.root_name);
    if m.kind == MessageKind::Other {
        // The root's name is structure (shown); its namespace URI is a value (public or redacted).
        let name = Arg::path(&m.root_name);
        let nsarg = || Arg::value(m.root_ns.clone().unwrap_or_default());
        let ns = m.root_ns.as_deref().unwrap_or("");
        let (rule, msg, help) = if ns == ns::SAML && m.root_name == "Assertion" {
            (
                STR002,
                msg!("the root is a bare saml:Assertion, not a samlp:Response"),
                Some(
                    "an SP receives the assertion inside a samlp:Response; paste the whole SAMLResponse value",
                ),
            )
        } else if ns == ns::MD {
            (
                STR002,
                msg!("this is SAML metadata (a {} element), not a message", name),
                Some("pass metadata with --idp-metadata FILE; lint the SAMLResponse itself"),
            )
        } else if ns == ns::SAML1P || ns == ns::SAML1 {
            (
                STR002,
                msg!(
                    "this is SAML 1.x (a {} element of {}); samlint lints SAML 2.0",
                    name,
                    nsarg()
                ),
                Some("Atlassian and Keycloak use SAML 2.0; check the IdP's protocol setting"),
            )
        } else if ns == ns::SAMLP {
            (
                STR002,
                msg!("root element samlp:{} is not a message samlint lints", name),
                None,
            )
        } else if m.root_ns.is_some() {
            (
                STR001,
                msg!(
                    "root element is {} in the namespace {}, not a SAML 2.0 protocol message",
                    name,
                    nsarg()
                ),
                None,
            )
        } else {
            (
                STR001,
                msg!(
                    "root element is {} in no namespace, not a SAML 2.0 protocol message",
                    name
                ),
                None,
            )
        };
        let mut f = Finding::new(&rule, msg)
            .at(m.start_tag, root_path)
            .label("root element");
        if let Some(h) = help {
            f = f.help(h);
        }
        out.push(f);
        return out;
    }
    let kind = Arg::plain(m.kind.as_str());
    // Root ID and Version.
    match &m.id {
        None => out.push(
            Finding::new(&STR010, msg!("the {} has no ID attribute", kind.clone()))
                .at(m.start_tag, &root_path)
                .label("no ID"),
        ),
        Some(v) if v.value.trim().is_empty() => out.push(
            Finding::new(&STR010, msg!("the {} has an empty ID", kind.clone()))
                .at(v.span, &root_path)
                .label("empty"),
        ),
        _ => {}
    }
    match &m.version {
        None => out.push(
            Finding::new(
                &STR009,
                msg!("the {} has no Version attribute", kind.clone()),
            )
            .at(m.start_tag, &root_path)
            .label("no Version"),
        ),
        Some(v) if v.value != "2.0" => out.push(
            Finding::new(
                &STR009,
                msg!(
                    "the {} has Version=\"{}\", not \"2.0\"",
                    kind.clone(),
                    Arg::value(&v.value)
                ),
            )
            .at(v.span, &root_path)
            .label("version"),
        ),
        _ => {}
    }
    // Issuer.
    if m.issuer.is_none() {
        let rule = if m.kind == MessageKind::Response || m.kind == MessageKind::LogoutResponse {
            STR004
        } else {
            STR003
        };
        out.push(
            Finding::new(&rule, msg!("the {} has no Issuer", kind.clone()))
                .at(m.start_tag, &root_path)
                .label("no <saml:Issuer> in here"),
        );
    }
    // Status.
    if matches!(m.kind, MessageKind::Response | MessageKind::LogoutResponse) {
        status(doc, m, &kind, &root_path, &mut out);
    }
    if m.kind == MessageKind::Response {
        let success = m
            .status
            .as_ref()
            .and_then(|s| s.code.as_ref())
            .is_some_and(|c| c.value == STATUS_SUCCESS);
        let count = m.assertions.len() + m.encrypted_assertions.len();
        if success && count == 0 {
            out.push(
                Finding::new(
                    &STR006,
                    "the Response says Success but carries no Assertion",
                )
                .at(m.start_tag, &root_path)
                .label("no assertion in this response"),
            );
        }
        if count > 1 {
            let second = m
                .assertions
                .get(1)
                .map(|a| (a.start_tag, a.path.clone()))
                .or_else(|| {
                    m.encrypted_assertions
                        .last()
                        .map(|e| (e.span, e.path.clone()))
                });
            if let Some((span, path)) = second {
                out.push(
                    Finding::new(
                        &STR007,
                        msg!(
                            "the Response carries {} assertions; exactly one is expected",
                            Arg::plain(count)
                        ),
                    )
                    .at(span, path)
                    .label("another assertion"),
                );
            }
        }
        for e in &m.encrypted_assertions {
            let mut said = crate::decrypt::summary(&crate::decrypt::describe(doc, e));
            said.push(crate::msg!(
                ". Its subject, conditions and attributes cannot be checked: pass the SP's private key with --sp-key to check what is inside"
            ));
            out.push(
                Finding::new(&STR008, said)
                    .at(e.start_tag, &e.path)
                    .label("EncryptedAssertion"),
            );
        }
    }
    for a in &m.assertions {
        match &a.id {
            None => out.push(
                Finding::new(&STR010, "the Assertion has no ID attribute")
                    .at(a.start_tag, &a.path)
                    .label("no ID"),
            ),
            Some(v) if v.value.trim().is_empty() => out.push(
                Finding::new(&STR010, "the Assertion has an empty ID")
                    .at(v.span, &a.path)
                    .label("empty"),
            ),
            _ => {}
        }
        match &a.version {
            None => out.push(
                Finding::new(&STR009, "the Assertion has no Version attribute")
                    .at(a.start_tag, &a.path)
                    .label("no Version"),
            ),
            Some(v) if v.value != "2.0" => out.push(
                Finding::new(
                    &STR009,
                    msg!(
                        "the Assertion has Version=\"{}\", not \"2.0\"",
                        Arg::value(&v.value)
                    ),
                )
                .at(v.span, &a.path)
                .label("version"),
            ),
            _ => {}
        }
        if a.issuer.is_none() {
            out.push(
                Finding::new(&STR003, "the Assertion has no Issuer")
                    .at(a.start_tag, &a.path)
                    .label("no <saml:Issuer> in here"),
            );
        }
    }
    repeated(doc, &mut out);
    repeated_attributes(doc, &mut out);
    out
}

/// The children SAML allows at most once, by parent (Core §2.3.3 Assertion, §2.4.1 Subject and
/// §2.4.1.1 SubjectConfirmation, §2.5.1 Conditions, §3.2.1 and §3.2.2 the protocol messages; the
/// Status is STR005's, a second signature is a wrapping refusal). Names in one group
/// are alternatives: one of them, once.
/// An element name: (namespace, local name).
type Name = (&'static str, &'static str);
/// Alternatives of which one element may appear, once.
type Group = &'static [Name];

const ONCE: &[(&str, &str, &[Group])] = &[
    (
        ns::SAML,
        "Assertion",
        &[
            &[(ns::SAML, "Issuer")],
            &[(ns::SAML, "Subject")],
            &[(ns::SAML, "Conditions")],
            &[(ns::SAML, "Advice")],
        ],
    ),
    (
        ns::SAML,
        "Subject",
        &[&[
            (ns::SAML, "NameID"),
            (ns::SAML, "BaseID"),
            (ns::SAML, "EncryptedID"),
        ]],
    ),
    (
        ns::SAML,
        "SubjectConfirmation",
        &[
            &[
                (ns::SAML, "NameID"),
                (ns::SAML, "BaseID"),
                (ns::SAML, "EncryptedID"),
            ],
            &[(ns::SAML, "SubjectConfirmationData")],
        ],
    ),
    (
        ns::SAML,
        "Conditions",
        &[
            &[(ns::SAML, "OneTimeUse")],
            &[(ns::SAML, "ProxyRestriction")],
        ],
    ),
];

/// STR011: an element SAML allows once, given twice, in the message's root or anywhere in its
/// assertions. Readers take different copies: Auth0's SP library the first, SimpleSAMLphp refuses the
/// assertion, a reader that sets a field per element keeps the last. Reported at the second copy.
fn repeated(doc: &Document, out: &mut Vec<Finding>) {
    let root = doc.root;
    for parent in std::iter::once(root).chain(doc.descendants(root)) {
        let groups: &[Group] = if parent == root {
            &[&[(ns::SAML, "Issuer")], &[(ns::SAMLP, "Extensions")]]
        } else {
            match ONCE.iter().find(|(ns, local, _)| doc.is(parent, ns, local)) {
                Some((_, _, g)) => g,
                None => continue,
            }
        };
        for group in groups {
            let mut copies = doc
                .child_elements(parent)
                .filter(|c| group.iter().any(|(ns, local)| doc.is(*c, ns, local)));
            let (Some(_), Some(second)) = (copies.next(), copies.next()) else {
                continue;
            };
            let count = 2 + copies.count();
            let (Some(p), Some(s)) = (doc.element(parent), doc.element(second)) else {
                continue;
            };
            let names = match group {
                [(_, one)] => format!("{one} elements"),
                many => format!(
                    "identifiers ({})",
                    many.iter().map(|(_, l)| *l).collect::<Vec<_>>().join(", ")
                ),
            };
            out.push(
                Finding::new(
                    &STR011,
                    msg!(
                        "the {} holds {} {}; SAML allows one, and SPs differ on which they read",
                        Arg::path(p.local.as_str()),
                        Arg::plain(count),
                        Arg::plain(names)
                    ),
                )
                .at(s.start_tag, doc.path(second))
                .label("another copy"),
            );
        }
    }
}

/// STR012: one Attribute `Name` given twice among an assertion's own AttributeStatements (review 57:
/// a second, empty givenname was not reported, and Atlassian Cloud's library keeps the last).
/// Readers differ: Auth0's SP library keeps the last copy's values, SimpleSAMLphp merges them,
/// python3-saml refuses the response. Reported at each later copy, once per name.
fn repeated_attributes(doc: &Document, out: &mut Vec<Finding>) {
    let root = doc.root;
    for a in std::iter::once(root)
        .chain(doc.descendants(root))
        .filter(|n| doc.is(*n, ns::SAML, "Assertion"))
    {
        // Hashed: an assertion may hold tens of thousands of attributes.
        let mut seen: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        let mut told: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
        for attr in doc
            .children_named(a, ns::SAML, "AttributeStatement")
            .flat_map(|st| doc.children_named(st, ns::SAML, "Attribute"))
        {
            let Some(name) = doc.attr(attr, "Name").map(|x| x.value.as_str()) else {
                continue;
            };
            if seen.insert(name) || !told.insert(name) {
                continue;
            }
            let Some(e) = doc.element(attr) else {
                continue;
            };
            out.push(
                Finding::new(
                    &STR012,
                    msg!(
                        "the Attribute `{}` is given more than once in this assertion: Atlassian Cloud's library keeps the last copy's values, SimpleSAMLphp merges them, python3-saml refuses the response",
                        Arg::value(name)
                    ),
                )
                .at(e.start_tag, doc.path(attr))
                .label("the same Name again"),
            );
        }
    }
}

/// STR005: a status response must carry one Status whose one top-level StatusCode has a Value (Core
/// §3.2.2). A second Status or StatusCode is as bad as none: readers differ on which one they take (the
/// model, and the rules after it, read the first).
fn status(doc: &Document, m: &Message, kind: &Arg, root_path: &str, out: &mut Vec<Finding>) {
    let Some(st) = &m.status else {
        out.push(
            Finding::new(&STR005, msg!("the {} has no Status", kind.clone()))
                .at(m.start_tag, root_path)
                .label("no <samlp:Status> in here"),
        );
        return;
    };
    let at = format!("{root_path}/Status");
    let statuses: Vec<_> = doc.children_named(doc.root, ns::SAMLP, "Status").collect();
    if let Some(second) = statuses.get(1) {
        out.push(
            Finding::new(
                &STR005,
                msg!(
                    "the {} has {} Status elements; the schema allows one, and SPs differ on which they read",
                    kind.clone(),
                    Arg::plain(statuses.len())
                ),
            )
            .at(doc.name_span(*second), doc.path(*second))
            .label("a second Status"),
        );
        return;
    }
    let codes: Vec<_> = statuses
        .first()
        .map(|s| doc.children_named(*s, ns::SAMLP, "StatusCode").collect())
        .unwrap_or_default();
    if let Some(second) = codes.get(1) {
        out.push(
            Finding::new(
                &STR005,
                msg!(
                    "the Status has {} top-level StatusCode elements; the schema allows one, and SPs differ on which they read",
                    Arg::plain(codes.len())
                ),
            )
            .at(doc.name_span(*second), doc.path(*second))
            .label("a second StatusCode"),
        );
    } else if st.code.is_none() {
        let (msg, span) = match codes.first() {
            Some(c) => ("the StatusCode has no Value", doc.name_span(*c)),
            None => ("the Status has no StatusCode", st.span),
        };
        out.push(
            Finding::new(&STR005, msg)
                .at(span, &at)
                .label("no status value"),
        );
    }
}
