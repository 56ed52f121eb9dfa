//! Encrypted assertions: what an EncryptedAssertion says about itself, and opening it with `--sp-key`.
//!
//! A pipeline of small stages over plain data (style.md §2.8): `read` (the one EncryptedData, its
//! algorithms, every EncryptedKey and the certificate or KeyName it is for; anything samlint will not
//! process is refused here, before any key is used) → `unwrap` (each SP key against each EncryptedKey
//! meant for it, at most [`MAX_TRIES`] RSA operations) → `decrypt` (AES-CBC/GCM or 3DES-CBC through
//! bergshamra's RustCrypto primitives) → `splice` (the plaintext must be exactly one saml:Assertion
//! element; it replaces the EncryptedAssertion's bytes, and the whole document is parsed again with the
//! same limits) → the caller lints the new document as any other.
//!
//! How signatures are then verified (lint.rs, verify::analyse_with): the decrypted document is what
//! every verifier sees, so the Assertion's own signature is checked in the context an SP checks it in
//! (python3-saml and xmlsec put the decrypted Assertion in place of the EncryptedAssertion, where it
//! inherits the Response's namespace declarations). A signature of the Response covers the ciphertext,
//! so its verdict is taken from the document as received; the plaintext is fixed by that signed
//! ciphertext and the SP's key.

pub mod keys;
pub mod seal;

pub use keys::{SpKey, SpKeys, load_sp_key};

use crate::finding::{Arg, Finding, Msg};
use crate::limits::Limits;
use crate::model::{Encrypted, Message, MessageKind, ns};
use crate::msg;
use crate::source::Source;
use crate::xml::{Document, NodeId};
use base64::Engine as _;
use sha1::Digest as _;

/// XML Encryption 1.1's namespace (its `MGF` element).
pub const XENC11: &str = "http://www.w3.org/2009/xmlenc11#";
/// Most EncryptedKeys read per EncryptedAssertion.
pub const MAX_KEYS: usize = 8;
/// Most RSA decryptions per message (SP keys × EncryptedKeys).
pub const MAX_TRIES: usize = 16;

pub const RSA_OAEP_MGF1P: &str = "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p";
pub const RSA_OAEP_11: &str = "http://www.w3.org/2009/xmlenc11#rsa-oaep";
pub const RSA_1_5: &str = "http://www.w3.org/2001/04/xmlenc#rsa-1_5";
pub const ELEMENT_TYPE: &str = "http://www.w3.org/2001/04/xmlenc#Element";

/// Content encryption algorithms samlint decrypts, with their names.
const CIPHERS: &[(&str, &str)] = &[
    ("http://www.w3.org/2001/04/xmlenc#aes128-cbc", "AES-128-CBC"),
    ("http://www.w3.org/2001/04/xmlenc#aes192-cbc", "AES-192-CBC"),
    ("http://www.w3.org/2001/04/xmlenc#aes256-cbc", "AES-256-CBC"),
    ("http://www.w3.org/2009/xmlenc11#aes128-gcm", "AES-128-GCM"),
    ("http://www.w3.org/2009/xmlenc11#aes192-gcm", "AES-192-GCM"),
    ("http://www.w3.org/2009/xmlenc11#aes256-gcm", "AES-256-GCM"),
    ("http://www.w3.org/2001/04/xmlenc#tripledes-cbc", "3DES-CBC"),
];

const TRANSPORTS: &[(&str, &str)] = &[
    (RSA_OAEP_MGF1P, "RSA-OAEP-MGF1P"),
    (RSA_OAEP_11, "RSA-OAEP"),
    (RSA_1_5, "RSA-1.5"),
];

fn alg_name(uri: Option<&str>, table: &[(&str, &'static str)]) -> Arg {
    match uri {
        None => Arg::plain("no algorithm"),
        Some(u) => table
            .iter()
            .find(|(k, _)| *k == u)
            .map_or_else(|| Arg::value(u), |(_, n)| Arg::plain(n)),
    }
}

/// One xenc:EncryptedKey, as read.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    pub node: NodeId,
    pub algorithm: Option<String>,
    pub digest: Option<String>,
    pub mgf: Option<String>,
    pub oaep_params: Option<Vec<u8>>,
    pub cipher: Result<Vec<u8>, Msg>,
    /// The certificate in its KeyInfo (DER), if any.
    pub cert: Option<Vec<u8>>,
    pub key_name: Option<String>,
    pub recipient: Option<String>,
}

/// What one EncryptedAssertion holds.
#[derive(Debug, Clone)]
pub struct Described {
    pub data: Option<NodeId>,
    pub content_alg: Option<String>,
    pub keys: Vec<KeyEntry>,
    /// The first reason samlint will not open it, whatever the key.
    pub refusal: Option<Msg>,
}

fn b64(s: &str) -> Option<Vec<u8>> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()
}

fn alg_of(doc: &Document, parent: NodeId, ns_: &str, local: &str) -> Option<String> {
    doc.first_child(parent, ns_, local)
        .and_then(|m| doc.attr(m, "Algorithm"))
        .map(|a| a.value.clone())
}

/// Stage `read`: the EncryptedData, its algorithm, and every EncryptedKey (beside it, or in its
/// KeyInfo), refusing what samlint does not process.
pub fn describe(doc: &Document, e: &Encrypted) -> Described {
    let mut d = Described {
        data: None,
        content_alg: None,
        keys: Vec::new(),
        refusal: None,
    };
    let refuse = |d: &mut Described, m: Msg| {
        d.refusal.get_or_insert(m);
    };
    let datas: Vec<NodeId> = doc
        .children_named(e.node, ns::XENC, "EncryptedData")
        .collect();
    match datas.as_slice() {
        [one] => d.data = Some(*one),
        [] => refuse(
            &mut d,
            msg!("the EncryptedAssertion holds no xenc:EncryptedData"),
        ),
        more => refuse(
            &mut d,
            msg!(
                "the EncryptedAssertion holds {} xenc:EncryptedData elements; exactly one is expected",
                Arg::plain(more.len())
            ),
        ),
    }
    let others = doc
        .child_elements(e.node)
        .filter(|c| !doc.is(*c, ns::XENC, "EncryptedData") && !doc.is(*c, ns::XENC, "EncryptedKey"))
        .count();
    if others > 0 {
        refuse(
            &mut d,
            msg!("the EncryptedAssertion holds elements other than EncryptedData and EncryptedKey"),
        );
    }
    let mut key_nodes: Vec<NodeId> = doc
        .children_named(e.node, ns::XENC, "EncryptedKey")
        .collect();
    if let Some(data) = d.data {
        if let Some(t) = doc.attr(data, "Type")
            && t.value != ELEMENT_TYPE
        {
            refuse(
                &mut d,
                msg!(
                    "the EncryptedData has Type {}; an encrypted assertion is an Element",
                    Arg::value(&t.value)
                ),
            );
        }
        d.content_alg = alg_of(doc, data, ns::XENC, "EncryptionMethod");
        let alg = d.content_alg.clone();
        match alg.as_deref() {
            Some(u) if CIPHERS.iter().any(|(k, _)| *k == u) => {}
            other => refuse(
                &mut d,
                msg!(
                    "the content encryption algorithm {} is not one samlint decrypts (AES-CBC, AES-GCM, 3DES-CBC)",
                    alg_name(other, CIPHERS)
                ),
            ),
        }
        match doc.first_child(data, ns::XENC, "CipherData") {
            Some(cd) if doc.first_child(cd, ns::XENC, "CipherReference").is_some() => refuse(
                &mut d,
                msg!(
                    "the EncryptedData uses a CipherReference; samlint never fetches or dereferences ciphertext"
                ),
            ),
            Some(cd) if doc.children_named(cd, ns::XENC, "CipherValue").count() == 1 => {}
            _ => refuse(
                &mut d,
                msg!("the EncryptedData has no single CipherData/CipherValue"),
            ),
        }
        if let Some(ki) = doc.first_child(data, ns::DS, "KeyInfo") {
            key_nodes.extend(doc.children_named(ki, ns::XENC, "EncryptedKey"));
            for rm in doc.children_named(ki, ns::DS, "RetrievalMethod") {
                // Only a same-document reference to one of the EncryptedKeys beside it, which are
                // tried anyway; anything else would be a fetch.
                let uri = doc.attr(rm, "URI").map(|a| a.value.as_str()).unwrap_or("");
                let target = uri.strip_prefix('#');
                let known = target.is_some_and(|id| {
                    key_nodes.iter().any(|k| {
                        doc.attr(*k, "Id")
                            .or_else(|| doc.attr(*k, "ID"))
                            .map(|a| a.value.as_str())
                            == Some(id)
                    })
                });
                if !known {
                    refuse(
                        &mut d,
                        msg!(
                            "the KeyInfo's RetrievalMethod points at {}, not at an EncryptedKey of this EncryptedAssertion; samlint never fetches keys",
                            Arg::value(uri)
                        ),
                    );
                }
            }
        }
    }
    if key_nodes.is_empty() && d.data.is_some() {
        refuse(
            &mut d,
            msg!(
                "no xenc:EncryptedKey carries the content key (a key agreed out of band cannot be checked)"
            ),
        );
    }
    if key_nodes.len() > MAX_KEYS {
        refuse(
            &mut d,
            msg!(
                "{} EncryptedKeys; samlint reads at most {}",
                Arg::plain(key_nodes.len()),
                Arg::plain(MAX_KEYS)
            ),
        );
        key_nodes.truncate(MAX_KEYS);
    }
    // What is read once must be there once: a second EncryptionMethod, CipherData, CipherValue,
    // KeyInfo or certificate could be read by another processor in place of the first.
    let mut twice: Vec<String> = Vec::new();
    if let Some(data) = d.data {
        twice.extend(doubled_children(doc, data, "EncryptedData"));
    }
    for k in &key_nodes {
        twice.extend(doubled_children(doc, *k, "EncryptedKey"));
    }
    // A value read as text must be text: a reader that takes all the text inside an element reads
    // `AAAA<x>BBBB</x>` as another value than one that takes the element's own text.
    for n in d.data.into_iter().chain(key_nodes.iter().copied()) {
        twice.extend(element_in_value(doc, n));
    }
    // Children out of XML Encryption's order, or not its own: libxmlsec1 refuses to decrypt such
    // a wrapper (review 48: a foreign element, a ReferenceList or EncryptionProperties before the
    // CipherData, a CipherData inside the CipherData were decrypted and `valid`).
    if let Some(data) = d.data {
        twice.extend(out_of_order(doc, data, "EncryptedData", false));
    }
    for k in &key_nodes {
        twice.extend(out_of_order(doc, *k, "EncryptedKey", true));
    }
    if let Some(first) = twice.first() {
        refuse(
            &mut d,
            msg!(
                "{}; samlint reads one, and refuses what another processor could read differently",
                Arg::plain(first)
            ),
        );
    }
    for k in key_nodes {
        d.keys.push(read_key(doc, k));
    }
    d
}

/// Why the element children of an EncryptedData or EncryptedKey (`key`) are not XML Encryption's
/// content model (§3.1, §3.5.1): `EncryptionMethod?`, `ds:KeyInfo?`, `CipherData`,
/// `EncryptionProperties?`, and for a key `ReferenceList?`, `CarriedKeyName?`; a CipherData holds
/// one CipherValue or CipherReference and nothing else. `None` when they are.
fn out_of_order(doc: &Document, node: NodeId, what: &str, key: bool) -> Option<String> {
    const DATA: [(&str, &str, bool); 4] = [
        (ns::XENC, "EncryptionMethod", false),
        (ns::DS, "KeyInfo", false),
        (ns::XENC, "CipherData", true),
        (ns::XENC, "EncryptionProperties", false),
    ];
    const KEY: [(&str, &str, bool); 2] = [
        (ns::XENC, "ReferenceList", false),
        (ns::XENC, "CarriedKeyName", false),
    ];
    let model = DATA.iter().chain(if key { &KEY[..] } else { &[] });
    let mut children = doc.child_elements(node).peekable();
    // XML Encryption's and XML-DSig's names are samlint's words; another is the input's (not shown:
    // a redacted report must not quote it).
    let named = |c: NodeId| {
        doc.element(c)
            .filter(|e| matches!(e.ns.as_deref(), Some(ns::XENC | ns::DS | XENC11)))
            .map_or("foreign element", |e| e.local.as_str())
    };
    let misplaced = |c: NodeId| {
        format!(
            "the {what} holds a {} out of XML Encryption's order (EncryptionMethod, KeyInfo, CipherData, …), which libxmlsec1 refuses",
            named(c)
        )
    };
    for (uri, local, required) in model {
        match children.peek() {
            Some(c) if doc.is(*c, uri, local) => {
                children.next();
            }
            Some(c) if *required => return Some(misplaced(*c)),
            // No CipherData at all is refused before ("no single CipherData/CipherValue").
            _ => {}
        }
    }
    if let Some(c) = children.next() {
        return Some(misplaced(c));
    }
    // An RSA-OAEP key transport reads its DigestMethod and OAEPparams (and XML Encryption 1.1's MGF)
    // and refuses any other child (libxmlsec1: "unexpected node"; review 49: a KeySize or a foreign
    // element there was decrypted and `valid`).
    if let Some(m) = doc
        .first_child(node, ns::XENC, "EncryptionMethod")
        .filter(|_| key)
    {
        let alg = doc.attr(m, "Algorithm").map_or("", |a| a.value.as_str());
        let known = |c: NodeId| {
            doc.is(c, ns::DS, "DigestMethod")
                || doc.is(c, ns::XENC, "OAEPparams")
                || (alg == RSA_OAEP_11 && doc.is(c, XENC11, "MGF"))
        };
        if (alg == RSA_OAEP_MGF1P || alg == RSA_OAEP_11)
            && let Some(c) = doc.child_elements(m).find(|c| !known(*c))
        {
            return Some(format!(
                "the {what}'s RSA-OAEP EncryptionMethod holds a {}, which libxmlsec1 refuses (it reads DigestMethod and OAEPparams only)",
                named(c)
            ));
        }
        // An empty OAEPparams: libxmlsec1 fails on it (review 50), samlint read no label.
        if doc
            .children_named(m, ns::XENC, "OAEPparams")
            .any(|p| doc.own_text(p).is_empty())
        {
            return Some(format!(
                "the {what}'s OAEPparams is empty, which libxmlsec1 refuses"
            ));
        }
    }
    let cd = doc.first_child(node, ns::XENC, "CipherData")?;
    let inner: Vec<NodeId> = doc.child_elements(cd).take(2).collect();
    match inner[..] {
        [one]
            if doc.is(one, ns::XENC, "CipherValue") || doc.is(one, ns::XENC, "CipherReference") =>
        {
            None
        }
        _ => Some(format!(
            "the {what}'s CipherData holds something else than one CipherValue"
        )),
    }
}

/// A CipherValue, X509Certificate or OAEPparams below `node` that holds an element.
fn element_in_value(doc: &Document, node: NodeId) -> Option<String> {
    let mut values: Vec<NodeId> = Vec::new();
    if let Some(cd) = doc.first_child(node, ns::XENC, "CipherData") {
        values.extend(doc.children_named(cd, ns::XENC, "CipherValue"));
    }
    if let Some(m) = doc.first_child(node, ns::XENC, "EncryptionMethod") {
        values.extend(doc.children_named(m, ns::XENC, "OAEPparams"));
    }
    if let Some(x) = doc
        .first_child(node, ns::DS, "KeyInfo")
        .and_then(|ki| doc.first_child(ki, ns::DS, "X509Data"))
    {
        values.extend(doc.children_named(x, ns::DS, "X509Certificate"));
    }
    values
        .into_iter()
        .find(|v| doc.child_elements(*v).next().is_some())
        .map(|v| {
            let name = doc.element(v).map_or("value", |e| e.local.as_str());
            format!("a {name} holds an element where its value should be")
        })
}

/// The children of an EncryptedData or EncryptedKey (and of its CipherData and KeyInfo) that appear
/// more than once, as "the EncryptedData has 2 CipherData".
fn doubled_children(doc: &Document, node: NodeId, what: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut count = |parent: NodeId, owner: &str, ns_: &str, local: &str| {
        let n = doc.children_named(parent, ns_, local).count();
        if n > 1 {
            out.push(format!("the {owner} has {n} {local}"));
        }
    };
    for local in ["EncryptionMethod", "CipherData"] {
        count(node, what, ns::XENC, local);
    }
    count(node, what, ns::DS, "KeyInfo");
    if let Some(cd) = doc.first_child(node, ns::XENC, "CipherData") {
        count(cd, "CipherData", ns::XENC, "CipherValue");
    }
    if let Some(ki) = doc.first_child(node, ns::DS, "KeyInfo") {
        count(ki, "KeyInfo", ns::DS, "X509Data");
        count(ki, "KeyInfo", ns::DS, "KeyName");
        if let Some(x) = doc.first_child(ki, ns::DS, "X509Data") {
            count(x, "X509Data", ns::DS, "X509Certificate");
        }
    }
    if let Some(m) = doc.first_child(node, ns::XENC, "EncryptionMethod") {
        count(m, "EncryptionMethod", ns::XENC, "OAEPparams");
        count(m, "EncryptionMethod", ns::DS, "DigestMethod");
    }
    out
}

fn read_key(doc: &Document, k: NodeId) -> KeyEntry {
    let method = doc.first_child(k, ns::XENC, "EncryptionMethod");
    let ki = doc.first_child(k, ns::DS, "KeyInfo");
    let cert = ki
        .and_then(|ki| doc.first_child(ki, ns::DS, "X509Data"))
        .and_then(|x| doc.first_child(x, ns::DS, "X509Certificate"))
        .and_then(|c| b64(&doc.own_text(c)));
    let cipher = doc
        .first_child(k, ns::XENC, "CipherData")
        .and_then(|cd| {
            if doc.first_child(cd, ns::XENC, "CipherReference").is_some() {
                return None;
            }
            doc.first_child(cd, ns::XENC, "CipherValue")
        })
        .and_then(|cv| b64(&doc.own_text(cv)))
        .ok_or_else(|| msg!("the EncryptedKey has no readable CipherValue"));
    KeyEntry {
        node: k,
        algorithm: method
            .and_then(|m| doc.attr(m, "Algorithm"))
            .map(|a| a.value.clone()),
        digest: method.and_then(|m| alg_of(doc, m, ns::DS, "DigestMethod")),
        mgf: method.and_then(|m| alg_of(doc, m, XENC11, "MGF")),
        oaep_params: method
            .and_then(|m| doc.first_child(m, ns::XENC, "OAEPparams"))
            .and_then(|p| b64(&doc.own_text(p))),
        cipher,
        cert,
        key_name: ki
            .and_then(|ki| doc.first_child(ki, ns::DS, "KeyName"))
            .map(|n| doc.own_text(n).trim().to_string()),
        recipient: doc.attr(k, "Recipient").map(|a| a.value.clone()),
    }
}

/// The certificate an EncryptedKey names, as the user can recognise it, and its Recipient.
fn recipient_msg(k: &KeyEntry) -> Msg {
    let mut m = key_named(k);
    if let Some(r) = &k.recipient {
        m.push(msg!(" (Recipient {})", Arg::value(r)));
    }
    m
}

fn key_named(k: &KeyEntry) -> Msg {
    if let Some(der) = &k.cert {
        let sha1 = crate::verify::cert::colon_hex(&sha1::Sha1::digest(der));
        return match crate::verify::cert::info(der) {
            Ok(i) => msg!(
                "the certificate {} (SHA-1 {})",
                Arg::dn(i.subject.clone()),
                Arg::plain(sha1)
            ),
            Err(_) => msg!("an unreadable certificate (SHA-1 {})", Arg::plain(sha1)),
        };
    }
    if let Some(n) = &k.key_name {
        return msg!("the key named {}", Arg::text(n));
    }
    msg!("a key its KeyInfo does not name (no certificate or KeyName)")
}

/// One sentence on what is encrypted, with which algorithms, for which certificate.
pub fn summary(d: &Described) -> Msg {
    let mut m = msg!(
        "the assertion is encrypted with {}",
        alg_name(d.content_alg.as_deref(), CIPHERS)
    );
    for (i, k) in d.keys.iter().enumerate() {
        m.push(if i == 0 {
            msg!("; its key is wrapped with ")
        } else {
            msg!(" and with ")
        });
        m.push(msg!(
            "{} for ",
            alg_name(k.algorithm.as_deref(), TRANSPORTS)
        ));
        m.push(recipient_msg(k));
    }
    m
}

/// The SPKI of a certificate.
fn cert_spki(der: &[u8]) -> Option<Vec<u8>> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, c) = X509Certificate::from_der(der).ok()?;
    Some(c.tbs_certificate.subject_pki.raw.to_vec())
}

/// What happened to a message's encrypted assertion.
pub enum Opened {
    /// Nothing to open (no EncryptedAssertion, not a Response, or no --sp-key).
    Nothing,
    /// Opened: the decrypted document, to lint instead, and the note that says how.
    Decrypted(Box<Decrypted>),
    /// Not opened: the error finding that says why.
    Refused(Box<Finding>),
}

/// How an EncryptedAssertion was opened (JSON `messages[].decryption`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Decryption {
    /// The `--sp-key` file that opened it.
    pub key: String,
    /// SHA-1 of that key's public key (SubjectPublicKeyInfo), colon-separated upper-case hex.
    pub public_key_sha1: String,
    pub content_algorithm: String,
    pub key_transport: String,
    /// Which EncryptedKey (1-based) opened it, of how many.
    pub encrypted_key: usize,
    pub encrypted_keys: usize,
}

pub struct Decrypted {
    pub info: Decryption,
    pub source: Source,
    pub doc: Document,
    pub model: Message,
    pub note: Finding,
}

/// Why a key did not open it, per key tried.
fn tried_list(keys: &SpKeys, why: &[(usize, Msg)]) -> Msg {
    let mut m = Msg::default();
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            m.push(msg!("; "));
        }
        m.push(msg!(
            "{} (public key SHA-1 {}): ",
            Arg::text(&k.origin),
            Arg::plain(&k.public_sha1)
        ));
        let mut any = false;
        for (_, r) in why.iter().filter(|(ki, _)| *ki == i) {
            if any {
                m.push(msg!(", "));
            }
            m.push(r.clone());
            any = true;
        }
        if !any {
            m.push(msg!("not tried"));
        }
    }
    m
}

fn refused(e: &Encrypted, why: Msg) -> Opened {
    Opened::Refused(Box::new(
        Finding::new(&crate::registry::SIG021, why)
            .at(e.start_tag, &e.path)
            .label("not decrypted"),
    ))
}

/// Open the message's EncryptedAssertion with the SP keys: the stages `read`, `unwrap` and `decrypt`
/// ([`try_keys`]), `splice`, each of which may refuse.
pub fn open(src: &Source, doc: &Document, m: &Message, keys: &SpKeys, limits: &Limits) -> Opened {
    if keys.is_empty() || m.kind != MessageKind::Response {
        return Opened::Nothing;
    }
    let Some(e) = m.encrypted_assertions.first() else {
        return Opened::Nothing;
    };
    let count = m.encrypted_assertions.len() + m.assertions.len();
    if count != 1 {
        return refused(
            e,
            msg!(
                "the Response carries {} assertions (encrypted or not); samlint decrypts only a Response with exactly one",
                Arg::plain(count)
            ),
        );
    }
    let d = describe(doc, e);
    let (ciphertext, cipher, alg) = match content(doc, &d) {
        Ok(c) => c,
        Err(r) => {
            let mut why = msg!("not decrypted: ");
            why.push(r);
            return refused(e, why);
        }
    };
    let (ki, ei, plain) = match try_keys(keys, &d, cipher.as_ref(), alg, &ciphertext) {
        Ok(found) => found,
        Err(why) => {
            let mut m = msg!("the EncryptedAssertion did not decrypt with any --sp-key; ");
            m.push(summary(&d));
            m.push(msg!(". Keys tried: "));
            m.push(tried_list(keys, &why));
            return refused(e, m);
        }
    };
    let (Some(key), Some(ek)) = (keys.0.get(ki), d.keys.get(ei)) else {
        return refused(e, msg!("not decrypted: internal key index"));
    };
    match splice(src, doc, e, &plain, limits) {
        Ok((source, doc2, model)) => {
            let mut note = summary(&d);
            note.push(msg!(
                "; decrypted with {} (public key SHA-1 {}) through EncryptedKey {} of {}",
                Arg::text(&key.origin),
                Arg::plain(&key.public_sha1),
                Arg::plain(ei + 1),
                Arg::plain(d.keys.len())
            ));
            let (span, path) = model
                .assertions
                .first()
                .map_or((model.start_tag, model.root_name.clone()), |a| {
                    (a.start_tag, a.path.clone())
                });
            Opened::Decrypted(Box::new(Decrypted {
                info: Decryption {
                    key: key.origin.clone(),
                    public_key_sha1: key.public_sha1.clone(),
                    content_algorithm: alg.to_string(),
                    key_transport: ek.algorithm.clone().unwrap_or_default(),
                    encrypted_key: ei + 1,
                    encrypted_keys: d.keys.len(),
                },
                note: Finding::new(&crate::registry::SIG022, note)
                    .at(span, path)
                    .label("decrypted"),
                source,
                doc: doc2,
                model,
            }))
        }
        Err(r) => {
            let mut m = msg!("decrypted, but refused: ");
            m.push(r);
            refused(e, m)
        }
    }
}

type Cipher = Box<dyn bergshamra::crypto::cipher::CipherAlgorithm>;
/// The key index, the EncryptedKey index and the plaintext of a successful decryption.
type Found = (usize, usize, Vec<u8>);

/// The ciphertext and its cipher, once `read` found nothing to refuse.
fn content<'d>(doc: &Document, d: &'d Described) -> Result<(Vec<u8>, Cipher, &'d str), Msg> {
    if let Some(r) = &d.refusal {
        return Err(r.clone());
    }
    let (Some(data), Some(alg)) = (d.data, d.content_alg.as_deref()) else {
        return Err(msg!("no EncryptedData"));
    };
    let ciphertext = doc
        .first_child(data, ns::XENC, "CipherData")
        .and_then(|cd| doc.first_child(cd, ns::XENC, "CipherValue"))
        .and_then(|cv| b64(&doc.own_text(cv)))
        .ok_or_else(|| msg!("the EncryptedData's CipherValue is not base64"))?;
    let cipher = bergshamra::crypto::cipher::from_uri(alg).map_err(|_| {
        msg!(
            "{} is not available in this build",
            alg_name(Some(alg), CIPHERS)
        )
    })?;
    Ok((ciphertext, cipher, alg))
}

/// Stages `unwrap` and `decrypt`: each SP key (in the order given) with each EncryptedKey meant for
/// it, at most [`MAX_TRIES`] RSA operations. Every pair is tried: the pair whose content key opens the
/// ciphertext (GCM tag, CBC padding) gives (key index, EncryptedKey index, plaintext), but only when
/// every EncryptedKey that unwraps gives that same content key. Two EncryptedKeys carrying different
/// keys are refused: an SP that takes the first one it can unwrap would read something else (or
/// nothing) where samlint took a later one. Otherwise, per key, why not.
fn try_keys(
    keys: &SpKeys,
    d: &Described,
    cipher: &dyn bergshamra::crypto::cipher::CipherAlgorithm,
    alg: &str,
    ciphertext: &[u8],
) -> Result<Found, Vec<(usize, Msg)>> {
    let mut why: Vec<(usize, Msg)> = Vec::new();
    let mut tries = 0usize;
    // Every content key an EncryptedKey unwrapped to (of the right size), with its EncryptedKey.
    let mut unwrapped: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut found: Option<Found> = None;
    for (ki, key) in keys.iter().enumerate() {
        for (ei, ek) in d.keys.iter().enumerate() {
            let n = Arg::plain(ei + 1);
            // An EncryptedKey that names a certificate is for that certificate's key only (the
            // certificate itself is named once, in the summary).
            if let Some(der) = &ek.cert
                && cert_spki(der).as_deref() != Some(key.spki.as_slice())
            {
                why.push((
                    ki,
                    msg!("not the key of the certificate EncryptedKey {} is for", n),
                ));
                continue;
            }
            if tries >= MAX_TRIES {
                let cap = Arg::plain(MAX_TRIES);
                why.push((
                    ki,
                    msg!("not tried: at most {} RSA decryptions per message", cap),
                ));
                continue;
            }
            tries += 1;
            let cek = match unwrap_key(key, ek) {
                Ok(c) => c,
                Err(r) => {
                    why.push((ki, r));
                    continue;
                }
            };
            if cek.len() != cipher.key_size() {
                why.push((
                    ki,
                    msg!(
                        "EncryptedKey {} opened to {} bytes, not the {} the content algorithm needs (not this key)",
                        n,
                        Arg::plain(cek.len()),
                        Arg::plain(cipher.key_size())
                    ),
                ));
                continue;
            }
            if !unwrapped.iter().any(|(_, k)| *k == cek) {
                unwrapped.push((ei, cek.clone()));
            }
            if found.is_some() {
                continue;
            }
            match cipher.decrypt(&cek, ciphertext) {
                Ok(plain) => found = Some((ki, ei, plain)),
                Err(_) => why.push((
                    ki,
                    msg!(
                        "EncryptedKey {} opened, but the content did not decrypt ({} authentication or padding failed: wrong key or altered ciphertext)",
                        n,
                        alg_name(Some(alg), CIPHERS)
                    ),
                )),
            }
        }
    }
    if let [(a, _), (b, _), ..] = unwrapped.as_slice() {
        why.clear();
        why.push((
            found.as_ref().map_or(0, |f| f.0),
            msg!(
                "EncryptedKeys {} and {} unwrap to different content keys; samlint refuses what SPs that take the first key they can unwrap would read differently",
                Arg::plain(a + 1),
                Arg::plain(b + 1)
            ),
        ));
        return Err(why);
    }
    found.ok_or(why)
}

/// Stage `unwrap`: the content key from one EncryptedKey with one SP key.
fn unwrap_key(key: &SpKey, ek: &KeyEntry) -> Result<Vec<u8>, Msg> {
    let alg = ek.algorithm.as_deref().unwrap_or("");
    if !TRANSPORTS.iter().any(|(u, _)| *u == alg) {
        return Err(msg!(
            "key transport {} is not one samlint uses (RSA-OAEP, RSA-1.5)",
            alg_name(ek.algorithm.as_deref(), TRANSPORTS)
        ));
    }
    let cipher = ek.cipher.as_ref().map_err(Clone::clone)?;
    let params = bergshamra::crypto::keytransport::OaepParams {
        digest_uri: ek.digest.clone(),
        mgf_uri: ek.mgf.clone(),
        oaep_params: ek.oaep_params.clone(),
    };
    let t = bergshamra::crypto::keytransport::from_uri_with_params(alg, params).map_err(|_| {
        msg!(
            "the EncryptedKey's OAEP DigestMethod or MGF is not supported ({}, {})",
            Arg::value(ek.digest.clone().unwrap_or_default()),
            Arg::value(ek.mgf.clone().unwrap_or_default())
        )
    })?;
    t.decrypt(&key.key, cipher).map_err(|_| {
        msg!(
            "{} did not open the EncryptedKey (not the key it was encrypted for)",
            alg_name(Some(alg), TRANSPORTS)
        )
    })
}

/// An element's namespace and local name, and its attributes'.
type ExpandedNames<'a> = (Option<&'a str>, &'a str, Vec<(Option<&'a str>, &'a str)>);

/// An inclusive canonicalisation (it copies every namespace binding in scope): one of the
/// algorithms samlint lets a verifier run that is not exclusive c14n.
fn inclusive_c14n(alg: &str) -> bool {
    crate::verify::C14N.contains(&alg) && !alg.starts_with(ns::EC)
}

/// libxmlsec1 (and the SPs built on it) decrypt in place: the plaintext replaces the EncryptedData
/// inside the EncryptedAssertion, so it is read in the EncryptedAssertion's context, where samlint
/// puts it in the Response's. When the EncryptedAssertion declares namespaces or carries `xml:*`
/// attributes, the plaintext is parsed in its context too, and the SP reads (and digests) another
/// assertion than samlint when: an element or attribute resolves to another name there; or a
/// signature inside canonicalises inclusively (explicitly, or by default when a Reference names no
/// canonicalisation) and a binding in scope at the assertion differs or an `xml:*` attribute would be
/// inherited; or an exclusive one's InclusiveNamespaces PrefixList names a prefix whose binding
/// differs. Why, or `None` when both read alike.
fn read_in_place(
    doc: &Document,
    ea: NodeId,
    original: &str,
    inner: &str,
    doc2: &Document,
    a: NodeId,
    limits: &Limits,
) -> Option<Msg> {
    let el = doc.element(ea)?;
    let declared: Vec<Option<&str>> = el
        .attrs
        .iter()
        .filter(|x| x.is_declaration())
        .map(|x| (x.qname != "xmlns").then_some(x.local.as_str()))
        .collect();
    let xml_attrs = el
        .attrs
        .iter()
        .any(|x| x.ns.as_deref() == Some(crate::xml::dom::XML_NS));
    if declared.is_empty() && !xml_attrs {
        return None;
    }
    let span = doc.node(ea).span;
    // What the EncryptedAssertion carries, as the sentence says it (a constant: no input in it).
    let carries = match (declared.is_empty(), xml_attrs) {
        (false, false) => "declares namespaces",
        (true, _) => "carries xml:* attributes",
        (false, true) => "declares namespaces and carries xml:* attributes",
    };
    let differs = || {
        Some(msg!(
            "the EncryptedAssertion {} that change how the decrypted assertion reads where libxmlsec1-based SPs decrypt it (in place, inside the EncryptedAssertion): they would read, and digest, another assertion than samlint",
            Arg::plain(carries)
        ))
    };
    let (Some(before), Some(open), Some(after)) = (
        original.get(..span.start),
        original.get(el.start_tag.range()),
        original.get(span.end..),
    ) else {
        return differs();
    };
    let text = format!("{before}{open}{inner}</{}>{after}", el.qname());
    let Ok(doc3) = crate::xml::parse(&text, limits) else {
        return differs();
    };
    let a3 = doc3
        .node(doc3.root)
        .children
        .iter()
        .find(|c| doc3.node(**c).span.start == span.start)
        .and_then(|w| doc3.child_elements(*w).next());
    let Some(a3) = a3 else { return differs() };
    let ours: Vec<NodeId> = std::iter::once(a).chain(doc2.descendants(a)).collect();
    let theirs: Vec<NodeId> = std::iter::once(a3).chain(doc3.descendants(a3)).collect();
    fn name(d: &Document, n: NodeId) -> Option<ExpandedNames<'_>> {
        d.element(n).map(|e| {
            let attrs = e
                .attrs
                .iter()
                .filter(|x| !x.is_declaration())
                .map(|x| (x.ns.as_deref(), x.local.as_str()))
                .collect();
            (e.ns.as_deref(), e.local.as_str(), attrs)
        })
    }
    if ours.len() != theirs.len()
        || ours
            .iter()
            .zip(&theirs)
            .any(|(x, y)| name(doc2, *x) != name(&doc3, *y))
    {
        return differs();
    }
    let (inclusive, prefix_list) = c14n_in_effect(doc2, &ours);
    let changed = |p: &Option<&str>| doc2.lookup_prefix(a, *p) != doc3.lookup_prefix(a3, *p);
    if (inclusive && (xml_attrs || declared.iter().any(changed)))
        || declared
            .iter()
            .any(|p| prefix_list.contains(p) && changed(p))
    {
        return differs();
    }
    None
}

/// Among `nodes`: does any signature canonicalise inclusively (an inclusive CanonicalizationMethod or
/// Transform, or a Reference with no canonicalisation among its transforms, which XML-DSig then
/// canonicalises with inclusive c14n 1.0), and the prefixes of every InclusiveNamespaces PrefixList
/// (`None` for `#default`).
fn c14n_in_effect<'d>(doc: &'d Document, nodes: &[NodeId]) -> (bool, Vec<Option<&'d str>>) {
    let algorithm = |n: NodeId| {
        doc.element(n).and_then(|e| {
            e.attrs
                .iter()
                .find(|x| x.ns.is_none() && x.local == "Algorithm")
                .map(|x| x.value.as_str())
        })
    };
    let mut inclusive = false;
    let mut prefixes = Vec::new();
    for &n in nodes {
        let Some(e) = doc.element(n) else { continue };
        if e.local == "InclusiveNamespaces" {
            for x in e.attrs.iter().filter(|x| x.local == "PrefixList") {
                prefixes.extend(
                    x.value
                        .split_ascii_whitespace()
                        .map(|p| (p != "#default").then_some(p)),
                );
            }
        }
        if e.ns.as_deref() != Some(ns::DS) {
            continue;
        }
        match e.local.as_str() {
            "CanonicalizationMethod" | "Transform" => {
                inclusive |= algorithm(n).is_some_and(inclusive_c14n);
            }
            "Reference" => {
                let canonicalises = doc.descendants(n).any(|t| {
                    doc.is(t, ns::DS, "Transform")
                        && algorithm(t).is_some_and(|a| crate::verify::C14N.contains(&a))
                });
                inclusive |= !canonicalises;
            }
            _ => {}
        }
    }
    (inclusive, prefixes)
}

/// Stage `splice`: the plaintext must be one saml:Assertion element (surrounding whitespace allowed);
/// it replaces the EncryptedAssertion's bytes and the whole document is parsed again.
fn splice(
    src: &Source,
    doc: &Document,
    e: &Encrypted,
    plain: &[u8],
    limits: &Limits,
) -> Result<(Source, Document, Message), Msg> {
    let Ok(text) = std::str::from_utf8(plain) else {
        return Err(msg!("the decrypted content is not UTF-8"));
    };
    let start = text
        .bytes()
        .position(|b| !crate::xml::is_space(b))
        .unwrap_or(text.len());
    let end = text
        .bytes()
        .rposition(|b| !crate::xml::is_space(b))
        .map_or(start, |p| p + 1);
    let inner = text.get(start..end).unwrap_or("");
    if !inner.starts_with('<') || inner.starts_with("<?") || inner.starts_with("<!") {
        return Err(msg!(
            "the decrypted content does not start with an element (an XML declaration, a DOCTYPE, a comment or text comes first)"
        ));
    }
    let span = doc.node(e.node).span;
    let original: &str = &src.text;
    let (Some(before), Some(after)) = (original.get(..span.start), original.get(span.end..)) else {
        return Err(msg!("the EncryptedAssertion's position is not in the text"));
    };
    let mut new = String::with_capacity(before.len() + inner.len() + after.len());
    new.push_str(before);
    new.push_str(inner);
    new.push_str(after);
    let doc2 = crate::xml::parse(&new, limits).map_err(|(kind, _)| {
        msg!(
            "the document with the decrypted assertion in place does not parse: {}",
            Arg::text(kind.to_string())
        )
    })?;
    let mut model = crate::model::build(&doc2);
    let range = span.start..span.start + inner.len();
    // Exactly one element fills the spliced range, and it is the Response's one saml:Assertion.
    let filled: Vec<NodeId> = doc2
        .node(doc2.root)
        .children
        .iter()
        .copied()
        .filter(|c| {
            let s = doc2.node(*c).span;
            s.start < range.end && s.end > range.start
        })
        .collect();
    let ok_shape = match filled.as_slice() {
        [a] => {
            let s = doc2.node(*a).span;
            s.start == range.start && s.end == range.end && doc2.is(*a, ns::SAML, "Assertion")
        }
        _ => false,
    };
    if !ok_shape {
        return Err(msg!(
            "the decrypted content is not exactly one saml:Assertion element"
        ));
    }
    let a = filled[0];
    let nested = doc2.descendants(a).into_iter().find(|n| {
        doc2.is(*n, ns::SAML, "Assertion")
            || doc2.is(*n, ns::SAML, "EncryptedAssertion")
            || doc2
                .element(*n)
                .is_some_and(|el| el.ns.as_deref() == Some(ns::SAMLP))
    });
    if let Some(n) = nested {
        return Err(msg!(
            "the decrypted assertion contains {}; nested assertions and protocol messages are refused",
            Arg::path(doc2.path(n))
        ));
    }
    if model.assertions.len() != 1 || !model.encrypted_assertions.is_empty() {
        return Err(msg!(
            "the decrypted content is not exactly one saml:Assertion element"
        ));
    }
    if let Some(why) = read_in_place(doc, e.node, original, inner, &doc2, a, limits) {
        return Err(why);
    }
    model.decrypted = model.assertions.first().map(|a| a.start_tag);
    let source = Source {
        origin: src.origin.with("decrypted"),
        encodings: src.encodings.clone(),
        binding: src.binding.clone(),
        text: std::sync::Arc::from(new.as_str()),
        lines: None,
    };
    Ok((source, doc2, model))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `read_in_place` on a Response whose EncryptedAssertion start tag is `ea_open`, decrypted to an
    /// assertion whose one signature has the Reference `transforms` (and SignedInfo c14n `c14n`).
    fn in_place(ea_open: &str, transforms: &str, c14n: &str) -> Option<Msg> {
        let ea_close = if ea_open.starts_with("<s2:") {
            "</s2:EncryptedAssertion>"
        } else {
            "</saml:EncryptedAssertion>"
        };
        let original = format!(
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r\">{ea_open}<x/>{ea_close}</samlp:Response>"
        );
        let inner = format!(
            "<saml:Assertion ID=\"_a\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"{c14n}\"/><ds:Reference URI=\"#_a\"><ds:Transforms>{transforms}</ds:Transforms></ds:Reference></ds:SignedInfo></ds:Signature><saml:Issuer>i</saml:Issuer></saml:Assertion>"
        );
        spliced(&original, &inner)
    }

    /// `read_in_place` on the Response `original`, whose first child is the EncryptedAssertion, decrypted
    /// to `inner` (spliced in its place, as samlint reads it).
    fn spliced(original: &str, inner: &str) -> Option<Msg> {
        let limits = Limits::default();
        let doc = crate::xml::parse(original, &limits).unwrap();
        let ea = doc.child_elements(doc.root).next().unwrap();
        let span = doc.node(ea).span;
        let text = format!(
            "{}{inner}{}",
            &original[..span.start],
            &original[span.end..]
        );
        let doc2 = crate::xml::parse(&text, &limits).unwrap();
        let a = doc2.child_elements(doc2.root).next().unwrap();
        read_in_place(&doc, ea, original, inner, &doc2, a, &limits)
    }

    /// Review (2026-12-05): what the EncryptedAssertion's context changes in the plaintext libxmlsec1
    /// decrypts in place, for each canonicalisation, and the EncryptedAssertions real IdPs write.
    #[test]
    fn the_encrypted_assertions_context_is_read_as_libxmlsec1_reads_it() {
        const ENV: &str =
            "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>";
        const EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
        const INC: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
        let exc = format!("{ENV}<ds:Transform Algorithm=\"{EXC}\"/>");
        let exc_foo = format!(
            "{ENV}<ds:Transform Algorithm=\"{EXC}\"><ec:InclusiveNamespaces xmlns:ec=\"{EXC}\" PrefixList=\"foo\"/></ds:Transform>"
        );
        let inc = format!("{ENV}<ds:Transform Algorithm=\"{INC}\"/>");
        let plain = "<saml:EncryptedAssertion>";
        let foo = "<saml:EncryptedAssertion xmlns:foo=\"urn:foo\">";
        let lang = "<saml:EncryptedAssertion xml:lang=\"en\">";
        let same = "<saml:EncryptedAssertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">";
        let evil = "<s2:EncryptedAssertion xmlns:s2=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:saml=\"urn:evil\">";
        for (ea, transforms, c14n, differs) in [
            (plain, exc.as_str(), EXC, false),
            (same, exc.as_str(), EXC, false),
            (foo, exc.as_str(), EXC, false),
            (lang, exc.as_str(), EXC, false),
            (same, inc.as_str(), INC, false),
            // The plaintext's names resolve to another namespace.
            (evil, exc.as_str(), EXC, true),
            // No canonicalisation among the transforms: inclusive c14n 1.0 by default.
            (foo, ENV, EXC, true),
            (foo, inc.as_str(), EXC, true),
            (foo, exc.as_str(), INC, true),
            // On the PrefixList: rendered where in scope.
            (foo, exc_foo.as_str(), EXC, true),
            (plain, exc_foo.as_str(), EXC, false),
            // Inclusive c14n copies an ancestor's xml:* attributes.
            (lang, inc.as_str(), INC, true),
            (plain, inc.as_str(), INC, false),
        ] {
            assert_eq!(
                in_place(ea, transforms, c14n).is_some(),
                differs,
                "{ea} {transforms} {c14n}"
            );
        }
        // The sentence says what the EncryptedAssertion carries.
        let said = |ea: &str, transforms: &str, c14n: &str| {
            in_place(ea, transforms, c14n).map(|m| m.to_string())
        };
        let lang_says = said(lang, inc.as_str(), INC).unwrap_or_default();
        assert!(
            lang_says.contains("carries xml:* attributes"),
            "{lang_says}"
        );
        assert!(!lang_says.contains("declares"), "{lang_says}");
        let foo_says = said(foo, ENV, EXC).unwrap_or_default();
        assert!(foo_says.contains("declares namespaces that"), "{foo_says}");
    }

    /// A plaintext that is a well-formed assertion where samlint reads it (the Response's context) and
    /// not inside the EncryptedAssertion, where libxmlsec1 decrypts it: `saml:x` and `b:x` become one
    /// expanded name there. Refused, not read as samlint reads it.
    #[test]
    fn a_plaintext_that_does_not_parse_in_place_is_refused() {
        const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
        let case = |b_on_ea: &str| {
            let original = format!(
                "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" xmlns:saml=\"{SAML}\" xmlns:b=\"urn:b\" ID=\"_r\"><saml:EncryptedAssertion xmlns:b=\"{b_on_ea}\"><x/></saml:EncryptedAssertion></samlp:Response>"
            );
            spliced(
                &original,
                "<saml:Assertion ID=\"_a\" saml:x=\"1\" b:x=\"2\"><saml:Issuer>i</saml:Issuer></saml:Assertion>",
            )
        };
        assert!(case("urn:b").is_none(), "the same binding reads alike");
        assert!(case(SAML).is_some(), "a colliding binding is refused");
    }
}
