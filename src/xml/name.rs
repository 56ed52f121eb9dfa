//! Names of the DOM (local names, prefixes, attribute names as written): the vocabulary of SAML,
//! XML-DSig, XML-Enc and XML Schema instance borrowed from a static table, any other name owned.
//!
//! A name reads as the `&str` it holds (`Deref`), compares, hashes, orders, prints and serialises
//! exactly as that `&str` (and so as the `String` it replaced): which variant holds a name is never
//! visible to a reader. The table only saves the allocation (issue 17: about 200 a message).

use serde::{Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A name of the DOM: the exact bytes of the source, from the table or owned.
#[derive(Clone)]
pub struct Name(Inner);

#[derive(Clone)]
enum Inner {
    Static(&'static str),
    Owned(Box<str>),
}

impl Name {
    /// The name `s`: the table's copy when the table holds exactly `s`, else an owned copy.
    #[inline]
    pub fn new(s: &str) -> Name {
        match lookup(s) {
            Some(v) => Name(Inner::Static(v)),
            None => Name::owned(s),
        }
    }
    #[cold]
    #[inline(never)]
    fn owned(s: &str) -> Name {
        Name(Inner::Owned(Box::from(s)))
    }
    /// This name from byte `from` on (the local name after a prefix): the table's own bytes when
    /// the name is the table's, so no copy. `None` when `from` is not a character boundary.
    pub fn tail(&self, from: usize) -> Option<Name> {
        match &self.0 {
            Inner::Static(w) => w.get(from..).map(|t| Name(Inner::Static(t))),
            Inner::Owned(b) => b.get(from..).map(Name::new),
        }
    }
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Inner::Static(s) => s,
            Inner::Owned(b) => b,
        }
    }
}

impl Default for Name {
    fn default() -> Self {
        Name(Inner::Static(""))
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Name {
        Name::new(s)
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.as_str().to_string()
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialEq for Name {
    fn eq(&self, o: &Name) -> bool {
        self.as_str() == o.as_str()
    }
}
impl Eq for Name {}

impl PartialOrd for Name {
    fn partial_cmp(&self, o: &Name) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Name {
    fn cmp(&self, o: &Name) -> Ordering {
        self.as_str().cmp(o.as_str())
    }
}

macro_rules! eq_with {
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Name {
            fn eq(&self, o: &$t) -> bool {
                self.as_str() == &o[..]
            }
        }
        impl PartialEq<Name> for $t {
            fn eq(&self, o: &Name) -> bool {
                &self[..] == o.as_str()
            }
        }
    )*};
}
eq_with!(str, &str, String);

/// The vocabulary: names SAML messages are made of (elements, attributes, the usual prefixes and
/// attribute names as written). Which names are here changes no reader's view, only what allocates.
const WORDS: &[&str] = &[
    // Prefixes, and `xmlns`, `xml`.
    "xmlns",
    "xml",
    "saml",
    "samlp",
    "saml2",
    "saml2p",
    "ds",
    "dsig",
    "xenc",
    "xenc11",
    "xs",
    "xsd",
    "xsi",
    "ec",
    "md",
    "mdui",
    "mdattr",
    "alg",
    "ns1",
    "ns2",
    "ns3",
    "dsig11",
    "ecp",
    "soap",
    "SOAP-ENV",
    "S",
    "env",
    "wsse",
    "wsu",
    "query",
    "samlr",
    "sp",
    "idpdisc",
    "init",
    "shibmd",
    "mdrpi",
    "req",
    "hoksso",
    "fed",
    "auth",
    "x500",
    // Declarations and prefixed attributes as written.
    "xmlns:saml",
    "xmlns:samlp",
    "xmlns:saml2",
    "xmlns:saml2p",
    "xmlns:ds",
    "xmlns:dsig",
    "xmlns:xenc",
    "xmlns:xenc11",
    "xmlns:xs",
    "xmlns:xsd",
    "xmlns:xsi",
    "xmlns:ec",
    "xmlns:md",
    "xmlns:ns1",
    "xmlns:ns2",
    "xmlns:ns3",
    "xmlns:dsig11",
    "xmlns:x500",
    "xmlns:mdui",
    "xmlns:mdattr",
    "xmlns:alg",
    "xmlns:ecp",
    "xmlns:soap",
    "xmlns:SOAP-ENV",
    "xmlns:S",
    "xsi:type",
    "xsi:nil",
    "xsi:schemaLocation",
    "xml:lang",
    "x500:Encoding",
    "xmlns:shibmd",
    "xmlns:mdrpi",
    "xmlns:idpdisc",
    "xmlns:init",
    // SAML 2.0 assertion and protocol elements.
    "Response",
    "Assertion",
    "EncryptedAssertion",
    "Issuer",
    "Status",
    "StatusCode",
    "StatusMessage",
    "StatusDetail",
    "Subject",
    "NameID",
    "EncryptedID",
    "BaseID",
    "SubjectConfirmation",
    "SubjectConfirmationData",
    "Conditions",
    "AudienceRestriction",
    "Audience",
    "OneTimeUse",
    "ProxyRestriction",
    "Condition",
    "Advice",
    "AssertionIDRef",
    "AssertionURIRef",
    "AuthnStatement",
    "AuthnContext",
    "AuthnContextClassRef",
    "AuthnContextDeclRef",
    "AuthnContextDecl",
    "AuthenticatingAuthority",
    "SubjectLocality",
    "AttributeStatement",
    "Attribute",
    "AttributeValue",
    "EncryptedAttribute",
    "AuthzDecisionStatement",
    "Action",
    "Evidence",
    "Statement",
    "AuthnRequest",
    "LogoutRequest",
    "LogoutResponse",
    "NameIDPolicy",
    "RequestedAuthnContext",
    "Scoping",
    "IDPList",
    "IDPEntry",
    "RequesterID",
    "Extensions",
    "SessionIndex",
    "ArtifactResolve",
    "ArtifactResponse",
    "Artifact",
    "NewID",
    "NewEncryptedID",
    "Terminate",
    "ManageNameIDRequest",
    "ManageNameIDResponse",
    "AttributeQuery",
    "AuthnQuery",
    "AuthzDecisionQuery",
    "AssertionIDRequest",
    "NameIDMappingRequest",
    "NameIDMappingResponse",
    "GetComplete",
    // XML-DSig and XML-Enc elements.
    "Signature",
    "SignedInfo",
    "CanonicalizationMethod",
    "SignatureMethod",
    "Reference",
    "Transforms",
    "Transform",
    "DigestMethod",
    "DigestValue",
    "SignatureValue",
    "KeyInfo",
    "KeyName",
    "KeyValue",
    "RSAKeyValue",
    "Modulus",
    "Exponent",
    "ECKeyValue",
    "NamedCurve",
    "PublicKey",
    "X509Data",
    "X509Certificate",
    "X509IssuerSerial",
    "X509IssuerName",
    "X509SerialNumber",
    "X509SubjectName",
    "X509SKI",
    "X509CRL",
    "RetrievalMethod",
    "Object",
    "Manifest",
    "SignatureProperties",
    "SignatureProperty",
    "HMACOutputLength",
    "XPath",
    "InclusiveNamespaces",
    "EncryptedData",
    "EncryptedKey",
    "EncryptionMethod",
    "CipherData",
    "CipherValue",
    "CipherReference",
    "ReferenceList",
    "DataReference",
    "KeyReference",
    "CarriedKeyName",
    "EncryptionProperties",
    "EncryptionProperty",
    "OAEPparams",
    "MGF",
    "KeySize",
    "AgreementMethod",
    // Attributes.
    "ID",
    "Id",
    "Version",
    "IssueInstant",
    "Destination",
    "InResponseTo",
    "Consent",
    "Value",
    "Format",
    "NameQualifier",
    "SPNameQualifier",
    "SPProvidedID",
    "Method",
    "Recipient",
    "NotBefore",
    "NotOnOrAfter",
    "Address",
    "DNSName",
    "AuthnInstant",
    "SessionNotOnOrAfter",
    "Name",
    "NameFormat",
    "FriendlyName",
    "Algorithm",
    "URI",
    "Type",
    "MimeType",
    "Encoding",
    "PrefixList",
    "type",
    "nil",
    "lang",
    "schemaLocation",
    "Count",
    "Resource",
    "Decision",
    "Namespace",
    "AssertionConsumerServiceURL",
    "AssertionConsumerServiceIndex",
    "ProtocolBinding",
    "AttributeConsumingServiceIndex",
    "ForceAuthn",
    "IsPassive",
    "ProviderName",
    "AllowCreate",
    "Comparison",
    "Reason",
    "ProxyCount",
    "Location",
    "Binding",
    "ResponseLocation",
    "index",
    "isDefault",
    "entityID",
    "use",
    "validUntil",
    "cacheDuration",
    "Target",
];

/// Slots of the table (a power of two, about four times the words: most lookups read one slot).
const BITS: u32 = 10;
const SLOTS: usize = 1 << BITS;

/// The slot a name starts its probe at: its length and three of its bytes, mixed by one multiply.
/// `b` is not empty.
#[inline]
const fn hash(b: &[u8]) -> usize {
    let n = b.len();
    let x =
        (n as u32 & 0xff) | (b[0] as u32) << 8 | (b[n - 1] as u32) << 16 | (b[n / 2] as u32) << 24;
    (x.wrapping_mul(0xB1E3_2C03) >> (32 - BITS)) as usize
}

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Open addressing, linear probes; an empty slot holds "" (no word is empty). A word listed twice
/// keeps its first slot.
static TABLE: [&str; SLOTS] = {
    let mut t = [""; SLOTS];
    let mut w = 0;
    while w < WORDS.len() {
        let b = WORDS[w].as_bytes();
        assert!(!b.is_empty());
        let mut i = hash(b);
        loop {
            if t[i].is_empty() {
                t[i] = WORDS[w];
                break;
            }
            if same(t[i].as_bytes(), b) {
                break;
            }
            i = (i + 1) & (SLOTS - 1);
        }
        w += 1;
    }
    t
};

/// `a == b`, by 8-byte words (the last one overlapping) rather than a call to `memcmp`: a name is
/// short, and most compared here are equal. A length that differs settles it without a byte read.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w8 = |x: &[u8], at: usize| {
        x.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_ne_bytes)
    };
    let w4 = |x: &[u8], at: usize| {
        x.get(at..at + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map(u32::from_ne_bytes)
    };
    if n >= 8 {
        let mut at = 0;
        while at + 8 < n {
            match (w8(a, at), w8(b, at)) {
                (Some(x), Some(y)) if x == y => at += 8,
                _ => return false,
            }
        }
        matches!((w8(a, n - 8), w8(b, n - 8)), (Some(x), Some(y)) if x == y)
    } else if n >= 4 {
        matches!((w4(a, 0), w4(b, 0)), (Some(x), Some(y)) if x == y)
            && matches!((w4(a, n - 4), w4(b, n - 4)), (Some(x), Some(y)) if x == y)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// The table's copy of `s`, when it holds exactly `s`. Words of another length are passed over
/// without reading their bytes.
#[inline]
fn lookup(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        return None;
    }
    let mut i = hash(s.as_bytes());
    loop {
        let w: &'static str = TABLE.get(i)?;
        if w.is_empty() {
            return None;
        }
        if same_bytes(w.as_bytes(), s.as_bytes()) {
            return Some(w);
        }
        i = (i + 1) & (SLOTS - 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_found_as_itself_and_nothing_else_is() {
        for w in WORDS {
            assert_eq!(lookup(w), Some(*w));
            assert!(matches!(Name::new(w).0, Inner::Static(_)));
            for other in [
                format!("{w}x"),
                format!("x{w}"),
                w[1..].to_string(),
                w.to_uppercase(),
            ] {
                if !WORDS.contains(&other.as_str()) {
                    assert_eq!(lookup(&other), None, "{other}");
                }
                assert_eq!(Name::new(&other).as_str(), other);
            }
        }
        for s in [
            "",
            "a",
            "Signatur",
            "Signature ",
            "Ｓignature",
            "ds:Signature",
            "é",
        ] {
            assert_eq!(Name::new(s).as_str(), s);
        }
        for (s, from) in [
            ("xmlns:ds", 6),
            ("xsi:type", 4),
            ("p:ID", 2),
            ("ID", 0),
            ("é:x", 3),
        ] {
            assert_eq!(Name::new(s).tail(from).as_deref(), s.get(from..));
        }
        assert!(Name::new("é:x").tail(1).is_none());
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn the_word_compare_is_byte_equality() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_bytes(&a, &a.clone()));
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_bytes(&a, &b), "{n} {at}");
            }
            let mut longer = a.clone();
            longer.push(b'z');
            assert!(!same_bytes(&a, &longer));
        }
    }

    #[test]
    fn a_name_reads_compares_and_prints_as_its_str() {
        use std::collections::hash_map::DefaultHasher;
        let h = |x: &dyn Fn(&mut DefaultHasher)| {
            let mut s = DefaultHasher::new();
            x(&mut s);
            s.finish()
        };
        for s in ["Signature", "notaword", "xmlns:ds", "Ünïcode"] {
            let n = Name::new(s);
            assert_eq!(n, s);
            assert_eq!(s, n);
            assert_eq!(n, s.to_string());
            assert_eq!(format!("{n}"), s);
            assert_eq!(format!("{n:?}"), format!("{s:?}"));
            assert_eq!(
                serde_json::to_string(&n).ok(),
                serde_json::to_string(s).ok()
            );
            assert_eq!(h(&|x| n.hash(x)), h(&|x| s.to_string().hash(x)));
            assert_eq!(n.cmp(&Name::new("m")), s.cmp("m"));
        }
    }
}
