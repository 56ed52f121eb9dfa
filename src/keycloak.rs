//! Keycloak JSON exports: a single client (admin console › Clients › Export), a realm export or partial
//! export (`clients[]`, `clientScopes[]`, `defaultDefaultClientScopes`), or a JSON array of clients.
//! Parsed with byte spans (tree.rs), so every finding points at the key or value at fault.
//!
//! Only `protocol: saml` clients are linted; mappers are filtered by their own `protocol`. Settings live
//! as strings in `attributes`, and Keycloak reads booleans with `"true".equals(value)`
//! (requirements.md §3.1).

use crate::source::Span;
use crate::tree::{Node, Value};

/// Keys whose value is a secret in an export (the `secrets` check, requirements.md §11): `value` and
/// `password` only inside `credentials` (a user's), where [`is_secret_key`] says so.
pub const SECRET_KEYS: &[&str] = &[
    "saml.signing.private.key",
    "saml.encryption.private.key",
    "secret",
    "privateKey",
    "clientSecret",
    "bindCredential",
    "secretData",
    "hashedSaltedValue",
    "password",
    "value",
];

/// Is `key` a secret's key, `in_credentials` saying whether it sits below a `credentials` member?
pub fn is_secret_key(key: &str, in_credentials: bool) -> bool {
    SECRET_KEYS.contains(&key) && (!matches!(key, "value" | "password") || in_credentials)
}

/// Keys shown masked though the `secrets` check may not report them: a key store's passwords, and a
/// `password` anywhere (the check reports a user's credential and the realm's SMTP server's).
const MASKED_TOO: &[&str] = &["keystorePassword", "keyPassword", "password"];

/// `text` (a Keycloak export, or any JSON) with every string below a secret's key written as `*`, byte
/// for byte (so that every span into the text still points at the same place): what any output that
/// shows the export's text (a finding's snippet, an input error's excerpt, `fix --diff`, a report)
/// shows, so that no secret is printed (docs/reference.md). Lexical, so that it also masks a document
/// that is not valid JSON (an input error's); linear.
pub fn mask_secrets(text: &str) -> std::borrow::Cow<'_, str> {
    // Most texts name none of the keys (and write none with an escape): nothing to do.
    if !text.contains("\\u")
        && !SECRET_KEYS
            .iter()
            .chain(MASKED_TOO)
            .any(|k| text.contains(k))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = b.to_vec();
    // Open containers: whether each is an object, masks every string below it, or is below
    // `credentials`.
    struct Open {
        object: bool,
        secret: bool,
        credentials: bool,
    }
    let mut stack: Vec<Open> = Vec::new();
    let masks = |key: Option<&str>, credentials: bool| {
        key.is_some_and(|k| is_secret_key(k, credentials) || MASKED_TOO.contains(&k))
    };
    // In an object: the key just read (before its `:`), and the key whose value comes next.
    let mut key: Option<String> = None;
    let mut member: Option<String> = None;
    let mut expect_key = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len());
                let top = stack.last();
                if top.is_some_and(|o| o.object) && expect_key {
                    key = Some(json_key_text(&text[start..end]));
                } else {
                    let credentials = top.is_some_and(|o| o.credentials);
                    if top.is_some_and(|o| o.secret) || masks(member.as_deref(), credentials) {
                        out[start..end].fill(b'*');
                    }
                }
                i = end + 1;
                continue;
            }
            b':' => {
                member = key.take();
                expect_key = false;
            }
            b',' => {
                member = None;
                expect_key = stack.last().is_some_and(|o| o.object);
            }
            c @ (b'{' | b'[') => {
                let parent = stack.last();
                let credentials = parent.is_some_and(|o| o.credentials)
                    || member.as_deref() == Some("credentials");
                let secret =
                    parent.is_some_and(|o| o.secret) || masks(member.as_deref(), credentials);
                stack.push(Open {
                    object: c == b'{',
                    secret,
                    credentials,
                });
                member = None;
                expect_key = c == b'{';
            }
            b'}' | b']' => {
                stack.pop();
                member = None;
                expect_key = false;
            }
            // A number where a secret belongs (`"secret": 123456789012`, review 60: Keycloak's
            // import stores it as that string, and only strings were masked).
            b'-' | b'0'..=b'9' if !expect_key => {
                let credentials = stack.last().is_some_and(|o| o.credentials);
                let end = b[i..]
                    .iter()
                    .position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
                    .map_or(b.len(), |n| i + n);
                if stack.last().is_some_and(|o| o.secret) || masks(member.as_deref(), credentials) {
                    out[i..end].fill(b'*');
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Whole characters were replaced (a string's bytes between its quotes), so this is still UTF-8.
    std::borrow::Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// A member name as JSON reads it (escapes decoded), or as written when it is not a valid string.
fn json_key_text(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string())
}

/// Keycloak's own vocabulary: setting values, mapper provider ids and user properties. Public constants
/// a redacted report may show (a diagnosis such as "Name ID format is `username`" needs them).
pub const VOCABULARY: &[&str] = &[
    "saml",
    "openid-connect",
    "email",
    "username",
    "transient",
    "persistent",
    "firstName",
    "lastName",
    "RSA_SHA1",
    "RSA_SHA256",
    "RSA_SHA256_MGF1",
    "RSA_SHA512",
    "RSA_SHA512_MGF1",
    "DSA_SHA1",
    "Basic",
    "URI Reference",
    "Unspecified",
    "NONE",
    "KEY_ID",
    "CERT_SUBJECT",
    "saml-user-property-mapper",
    "saml-user-attribute-mapper",
    "saml-group-membership-mapper",
    "saml-role-list-mapper",
    "saml-hardcode-attribute-mapper",
    "saml-hardcode-role-mapper",
    "saml-role-name-mapper",
    "saml-user-session-note-mapper",
    "saml-user-attribute-nameid-mapper",
    "saml-javascript-mapper",
    "saml-audience-mapper",
    "saml-audience-resolve-mapper",
    "role_list",
    "saml_organization",
    "client-secret",
    "**********",
    "RS256",
];

/// Is this one of Keycloak's public constants?
pub fn is_vocabulary(v: &str) -> bool {
    VOCABULARY.contains(&v)
}

/// The shape of a Keycloak export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// One ClientRepresentation.
    Client,
    /// A realm (full or partial) export.
    Realm,
    /// A JSON array of ClientRepresentations.
    ClientList,
    /// A JSON array of realm exports (`kc.sh export --file` without `--realm`; review 32).
    RealmList,
}

/// A realm export's object: `clients` as a list, or a `realm` name beside `clientScopes`, `enabled`
/// or `id`.
fn looks_realm(root: &Node) -> bool {
    root.get("clients")
        .is_some_and(|c| matches!(c.value, Value::List(_)))
        || (root.get("realm").and_then(Node::as_str).is_some()
            && (root.get("clientScopes").is_some()
                || root.get("enabled").is_some()
                || root.get("id").is_some()))
}

/// Does this JSON tree look like a Keycloak export, and which kind?
pub fn detect(root: &Node) -> Option<ExportKind> {
    match &root.value {
        Value::Map(_) => {
            if root.get("clientId").is_some()
                && (root.get("protocol").is_some()
                    || root.get("attributes").is_some()
                    || root.get("protocolMappers").is_some())
            {
                Some(ExportKind::Client)
            } else if looks_realm(root) {
                Some(ExportKind::Realm)
            } else {
                None
            }
        }
        Value::List(items)
            if !items.is_empty() && items.iter().all(|i| i.get("clientId").is_some()) =>
        {
            Some(ExportKind::ClientList)
        }
        Value::List(items)
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| matches!(i.value, Value::Map(_)) && looks_realm(i)) =>
        {
            Some(ExportKind::RealmList)
        }
        _ => None,
    }
}

/// A client inside an export, with its JSON path.
pub struct ClientRef<'a> {
    pub node: &'a Node,
    /// `$` for a single-client export, `$.clients[3]` in a realm export.
    pub path: String,
    pub client_id: String,
    pub protocol: Option<String>,
}

impl ClientRef<'_> {
    /// Keycloak treats a client without `protocol` as OpenID Connect.
    pub fn is_saml(&self) -> bool {
        self.protocol.as_deref() == Some("saml")
    }
    /// Does the client carry SAML settings (an `attributes` key `saml…`, or a `saml-…` protocol
    /// mapper) whatever its `protocol` says? One that does without `protocol: saml` is a SAML client
    /// Keycloak serves as another protocol (review 31: it was skipped, and the run passed).
    pub fn looks_saml(&self) -> bool {
        let settings = self.node.get("attributes").is_some_and(|a| {
            a.entries().iter().any(|e| {
                e.key
                    .get(..4)
                    .is_some_and(|k| k.eq_ignore_ascii_case("saml"))
            })
        });
        let mappers = self.node.get("protocolMappers").is_some_and(|l| {
            l.items().iter().any(|m| {
                m.get("protocolMapper")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("saml-"))
            })
        });
        settings || mappers
    }
}

/// Every client of an export, in file order.
fn one(node: &Node, path: String) -> ClientRef<'_> {
    ClientRef {
        node,
        path,
        client_id: node
            .get("clientId")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string(),
        protocol: node
            .get("protocol")
            .and_then(Node::as_str)
            .map(str::to_string),
    }
}

pub fn clients(root: &Node, kind: ExportKind) -> Vec<ClientRef<'_>> {
    match kind {
        ExportKind::Client => vec![one(root, "$".into())],
        ExportKind::ClientList => root
            .items()
            .iter()
            .enumerate()
            .map(|(i, n)| one(n, format!("$[{i}]")))
            .collect(),
        ExportKind::Realm | ExportKind::RealmList => realms(root, kind)
            .into_iter()
            .flat_map(|(r, at)| realm_clients(r, &at))
            .collect(),
    }
}

/// The realms of an export, each with its JSON path (`$`, or `$[2]` in a list of realms).
pub fn realms(root: &Node, kind: ExportKind) -> Vec<(&Node, String)> {
    match kind {
        ExportKind::Realm => vec![(root, "$".into())],
        ExportKind::RealmList => root
            .items()
            .iter()
            .enumerate()
            .map(|(i, r)| (r, format!("$[{i}]")))
            .collect(),
        ExportKind::Client | ExportKind::ClientList => Vec::new(),
    }
}

/// The clients of one realm, their paths under the realm's `at`.
pub fn realm_clients<'a>(realm: &'a Node, at: &str) -> Vec<ClientRef<'a>> {
    realm
        .get("clients")
        .map(|c| {
            c.items()
                .iter()
                .enumerate()
                .filter(|(_, n)| matches!(n.value, Value::Map(_)))
                .map(|(i, n)| one(n, format!("{at}.clients[{i}]")))
                .collect()
        })
        .unwrap_or_default()
}

/// A client's string attribute (`attributes[key]`), with its node.
pub fn attr<'a>(client: &'a Node, key: &str) -> Option<&'a Node> {
    client.get("attributes").and_then(|a| a.get(key))
}

/// The user properties a `saml-user-property-mapper` can read: the no-argument `get…`/`is…` methods
/// of Keycloak's UserModel and what it extends (ProtocolMapperUtils.getUserModelValue looks the method
/// up by name, the first letter in either case; releases differ on Map and Stream results, so those
/// are taken as readable: review 53). KC030 reads it through the `user-property` function.
pub const USER_PROPERTIES: [&str; 22] = [
    "id",
    "username",
    "createdTimestamp",
    "enabled",
    "firstName",
    "lastName",
    "email",
    "emailVerified",
    "federationLink",
    "serviceAccountClientLink",
    "attributes",
    "federated",
    "groupsCount",
    "groupsStream",
    "requiredActionsStream",
    "roleMappingsStream",
    "realmRoleMappingsStream",
    "class",
    "groups",
    "requiredActions",
    "roleMappings",
    "realmRoleMappings",
];

/// Is `name` one of [`USER_PROPERTIES`] (its first letter in either case)?
pub fn is_user_property(name: &str) -> bool {
    let mut cs = name.chars();
    let Some(first) = cs.next() else { return false };
    USER_PROPERTIES.iter().any(|p| {
        let mut ps = p.chars();
        ps.next()
            .is_some_and(|f| f.eq_ignore_ascii_case(&first) && ps.as_str() == cs.as_str())
    })
}

/// Keycloak's reading of a boolean setting (`"true".equals(value)`) as its JSON import stores it: the
/// exact string "true", or the JSON boolean true, which Jackson's import turns into that string
/// (`attributes` and mapper `config` are maps of strings, and Jackson coerces scalars to strings by
/// default; review 31: `"saml.encrypt": true` was read as false and the encrypted client passed).
/// "True", "1" or the number 1 are false.
pub fn is_true(n: &Node) -> bool {
    n.as_str() == Some("true") || matches!(n.value, Value::Bool(true))
}

/// A Boolean field of a Keycloak representation (`enabled`, `bearerOnly`, `consentRequired` …) as
/// Keycloak's JSON reader (Jackson, scalar coercion on by default) reads it: a JSON boolean; the
/// string `true`, `True` or `TRUE` (`false` alike), white space around dropped; an integer, 0 false
/// and any other true (review 60: `"enabled": 0` disabled the client and samlint, comparing text with
/// "false", said nothing). `None`: absent to Keycloak (null, the empty string), or a value its import
/// refuses (KC034).
pub fn representation_flag(n: &Node) -> Option<bool> {
    match &n.value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if matches!(java_trim(s), "true" | "True" | "TRUE") => Some(true),
        Value::Str(s) if matches!(java_trim(s), "false" | "False" | "FALSE") => Some(false),
        Value::Num(t) => {
            let digits = t.strip_prefix('-').unwrap_or(t);
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.bytes().any(|b| b != b'0'))
        }
        _ => None,
    }
}

/// Java's `String.trim()`: every character up to U+0020 off both ends (control characters too; a
/// no-break space stays).
pub fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// The SAML NameID format URN Keycloak emits for a `saml_name_id_format` value (SamlClient /
/// SamlProtocol; anything else means unspecified with the username).
pub fn name_id_format(v: Option<&str>) -> (&'static str, &'static str) {
    match v {
        Some("email") => (
            "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
            "email",
        ),
        Some("transient") => (
            "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
            "transient",
        ),
        Some("persistent") => (
            "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
            "persistent",
        ),
        _ => (
            "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            "username",
        ),
    }
}

/// The XML-DSig SignatureMethod URI for a `saml.signature.algorithm` value.
pub fn signature_algorithm(v: &str) -> Option<&'static str> {
    Some(match v {
        "RSA_SHA1" => "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "RSA_SHA256" => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "RSA_SHA256_MGF1" => "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1",
        "RSA_SHA512" => "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
        "RSA_SHA512_MGF1" => "http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1",
        "DSA_SHA1" => "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
        _ => return None,
    })
}

/// The NameFormat URN for a mapper's `attribute.nameformat` (AttributeStatementHelper: anything else,
/// the raw URN included, falls back to Basic).
pub fn name_format(v: Option<&str>) -> (&'static str, bool) {
    match v {
        Some("Basic") => ("urn:oasis:names:tc:SAML:2.0:attrname-format:basic", true),
        Some("URI Reference") => ("urn:oasis:names:tc:SAML:2.0:attrname-format:uri", true),
        Some("Unspecified") => (
            "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified",
            true,
        ),
        None => ("urn:oasis:names:tc:SAML:2.0:attrname-format:basic", true),
        Some(_) => ("urn:oasis:names:tc:SAML:2.0:attrname-format:basic", false),
    }
}

/// A protocol mapper that applies to a client, and where it came from.
pub struct Mapper<'a> {
    pub node: &'a Node,
    /// `client` or `scope <name>`.
    pub from: String,
}

/// The SAML mappers that apply to a client: its own, and (in a realm export) those of its default client
/// scopes. Returns the scope names that could not be resolved (single-client exports).
pub fn mappers<'a>(client: &'a Node, realm: Option<&'a Node>) -> (Vec<Mapper<'a>>, Vec<String>) {
    mappers_in(client, realm, &Scopes::new(realm))
}

/// A realm's client scopes, indexed once per realm (review 60: a scope lookup per listed name per
/// client was quadratic, 79 s on a realm of 3,000 scopes in a debug build; review 61: an index built
/// per client was O(clients × scopes) again, 33 s on 5,000 of each). What a client that lists no
/// scopes inherits from the realm is resolved once per protocol (review 62: 5,000 clients each
/// walking 5,000 realm default scopes took 51 s in a debug build).
#[derive(Default)]
pub struct Scopes<'a> {
    /// The first scope of each name.
    by_name: std::collections::HashMap<&'a str, &'a Node>,
    /// (name, protocol) of every scope.
    named: std::collections::HashSet<(&'a str, Option<&'a str>)>,
    /// The realm's default scopes a client of this `protocol` (as written) inherits, and the SAML
    /// mappers they bring with the names that do not resolve.
    inherited:
        std::cell::RefCell<std::collections::HashMap<Option<&'a str>, std::rc::Rc<Inherited<'a>>>>,
}

/// What a client that lists no client scopes gets from its realm (see [`Scopes`]).
pub struct Inherited<'a> {
    pub names: Vec<&'a str>,
    pub set: std::collections::HashSet<&'a str>,
    /// (mapper, the scope it comes from) and the scope names that resolve to no scope.
    mappers: Resolved<'a>,
}

/// The SAML mappers some scopes bring, each with its scope's name, and the names of no scope.
type Resolved<'a> = (Vec<(&'a Node, &'a str)>, Vec<String>);

impl<'a> Scopes<'a> {
    pub fn new(realm: Option<&'a Node>) -> Self {
        let mut s = Scopes::default();
        for scope in realm
            .and_then(|r| r.get("clientScopes"))
            .map(Node::items)
            .unwrap_or_default()
        {
            if let Some(n) = scope.get("name").and_then(Node::as_str) {
                s.by_name.entry(n).or_insert(scope);
                s.named
                    .insert((n, scope.get("protocol").and_then(Node::as_str)));
            }
        }
        s
    }

    /// The SAML mappers of the scopes `names` for a client of `protocol` (the scopes of another
    /// protocol send nothing), and the names that resolve to no scope.
    fn resolve(&self, names: &[&'a str], protocol: &str) -> Resolved<'a> {
        let (mut out, mut unresolved) = (Vec::new(), Vec::new());
        for name in names {
            match self.by_name.get(name).copied() {
                Some(scope) if scope.get("protocol").and_then(Node::as_str) != Some(protocol) => {}
                Some(scope) => {
                    if let Some(l) = scope.get("protocolMappers") {
                        out.extend(
                            l.items()
                                .iter()
                                .filter(|m| is_saml_mapper(m))
                                .map(|m| (m, *name)),
                        );
                    }
                }
                None => unresolved.push(name.to_string()),
            }
        }
        (out, unresolved)
    }

    /// What a client of this `protocol` (as written) inherits from `realm`, resolved once.
    fn inherited(&self, realm: &'a Node, protocol: Option<&'a str>) -> std::rc::Rc<Inherited<'a>> {
        if let Some(i) = self.inherited.borrow().get(&protocol) {
            return i.clone();
        }
        let names: Vec<&'a str> = realm
            .get("defaultDefaultClientScopes")
            .map(|l| {
                l.items()
                    .iter()
                    .filter_map(Node::as_str)
                    .filter(|n| self.named.contains(&(*n, protocol)))
                    .collect()
            })
            .unwrap_or_default();
        let mappers = self.resolve(&names, protocol.unwrap_or("openid-connect"));
        let i = std::rc::Rc::new(Inherited {
            set: names.iter().copied().collect(),
            names,
            mappers,
        });
        self.inherited.borrow_mut().insert(protocol, i.clone());
        i
    }
}

fn is_saml_mapper(m: &Node) -> bool {
    m.get("protocol").and_then(Node::as_str) == Some("saml")
}

/// [`mappers`] with the realm's scopes indexed already.
pub fn mappers_in<'a>(
    client: &'a Node,
    realm: Option<&'a Node>,
    scopes: &Scopes<'a>,
) -> (Vec<Mapper<'a>>, Vec<String>) {
    let mut out: Vec<Mapper> = client
        .get("protocolMappers")
        .map(|l| {
            l.items()
                .iter()
                .filter(|m| is_saml_mapper(m))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .map(|node| Mapper {
            node,
            from: "client".into(),
        })
        .collect();
    // Keycloak assigns a client only the scopes of its own protocol (a client without one is OpenID
    // Connect) and skips the others with a warning in its log (JpaClientProvider.addClientScopes,
    // `Objects.equals(clientScope.getProtocol(), clientProtocol)`): a SAML mapper in an OpenID
    // Connect scope the client lists sends nothing (review 52).
    let protocol = client
        .get("protocol")
        .and_then(Node::as_str)
        .unwrap_or("openid-connect");
    let (from_scopes, unresolved) = match client_default_scopes(client, realm, scopes) {
        ClientScopes::Listed(names, _) => scopes.resolve(&names, protocol),
        ClientScopes::Inherited(i) => i.mappers.clone(),
    };
    out.extend(from_scopes.into_iter().map(|(node, name)| Mapper {
        node,
        from: format!("scope {name}"),
    }));
    (out, unresolved)
}

/// A client's default client scopes: those it lists, or what it inherits from its realm (shared by
/// every client of its protocol that lists none).
pub enum ClientScopes<'a> {
    /// The names the client lists, and a set of them (review 63: a list searched once per scope
    /// mapping of the realm was quadratic, 23.5 s on a megabyte).
    Listed(Vec<&'a str>, std::collections::HashSet<&'a str>),
    Inherited(std::rc::Rc<Inherited<'a>>),
}

impl<'a> ClientScopes<'a> {
    fn listed(names: Vec<&'a str>) -> Self {
        let set = names.iter().copied().collect();
        ClientScopes::Listed(names, set)
    }
    pub fn contains(&self, name: &str) -> bool {
        match self {
            ClientScopes::Listed(_, set) => set.contains(name),
            ClientScopes::Inherited(i) => i.set.contains(name),
        }
    }
    pub fn names(&self) -> &[&'a str] {
        match self {
            ClientScopes::Listed(l, _) => l,
            ClientScopes::Inherited(i) => &i.names,
        }
    }
}

/// [`default_client_scopes`] with the realm's scopes indexed already.
pub fn client_default_scopes<'a>(
    client: &'a Node,
    realm: Option<&'a Node>,
    scopes: &Scopes<'a>,
) -> ClientScopes<'a> {
    let listed = |k: &str| client.get(k).filter(|n| !matches!(n.value, Value::Null));
    if let Some(l) = listed("defaultClientScopes") {
        return ClientScopes::listed(l.items().iter().filter_map(Node::as_str).collect());
    }
    let (Some(realm), None) = (realm, listed("optionalClientScopes")) else {
        return ClientScopes::listed(Vec::new());
    };
    ClientScopes::Inherited(scopes.inherited(realm, client.get("protocol").and_then(Node::as_str)))
}

/// The names of a client's default client scopes once Keycloak has imported it: those it lists; when
/// it lists neither default nor optional scopes, a realm export's `defaultDefaultClientScopes` of its
/// protocol (Keycloak's import adds them when it sets the client's protocol, and removes them only for
/// a client that lists its own: RepresentationToModel.createClient,
/// AbstractLoginProtocolFactory.addDefaultClientScopes; review 33).
pub fn default_client_scopes<'a>(client: &'a Node, realm: Option<&'a Node>) -> Vec<&'a str> {
    client_default_scopes(client, realm, &Scopes::new(realm))
        .names()
        .to_vec()
}

/// The span of a map member's key (for findings about a key, such as a typo).
pub fn key_span(map: &Node, key: &str) -> Option<Span> {
    map.entry(key).and_then(|e| e.key_span)
}

/// Certificates of the realm's RSA signing keys (realm export: the key providers under `components`,
/// or the legacy realm-level `certificate`), with whether the provider is active and its priority.
pub struct RealmKey<'a> {
    pub certificate: &'a Node,
    pub active: bool,
    pub priority: i64,
    pub name: String,
}

pub fn realm_keys(realm: &Node) -> Vec<RealmKey<'_>> {
    let mut out = Vec::new();
    if let Some(c) = realm.get("certificate")
        && c.as_str().is_some()
    {
        out.push(RealmKey {
            certificate: c,
            active: true,
            priority: 0,
            name: "realm certificate".into(),
        });
    }
    let providers = realm
        .get("components")
        .and_then(|c| c.get("org.keycloak.keys.KeyProvider"))
        .map(Node::items)
        .unwrap_or_default();
    for p in providers {
        // Component config is a map of string lists: Keycloak's import stores a JSON boolean or number
        // as its string (review 32: `"active": [false]` was read as active, `"priority": [200]` as 0).
        let first = |k: &str| {
            p.path(&["config", k])
                .and_then(|v| v.items().first())
                .filter(|n| !matches!(n.value, Value::Null))
                .and_then(Node::scalar_text)
        };
        let Some(cert) = p
            .path(&["config", "certificate"])
            .and_then(|v| v.items().first())
        else {
            continue;
        };
        // The keys SAML signs with: Keycloak's SAML protocol takes the realm's active RS256 signing
        // key (`KeyManager.getActiveRsaKey` is `getActiveKey(realm, SIG, RS256)`), whatever the
        // client's signature algorithm; an RS512 or PS256 key never signs a SAML response, nor does
        // `rsa-enc-generated` (keyUse ENC, algorithm RSA-OAEP; review 31: a PS256 key of higher
        // priority was taken for the signing key).
        let signs = first("algorithm").is_none_or(|a| a == "RS256");
        if !signs || first("keyUse").is_some_and(|u| u.eq_ignore_ascii_case("enc")) {
            continue;
        }
        // ComponentModel.get(name, true): absent is true, else Boolean.parseBoolean (case-insensitive
        // "true"; "False", "no" or "0" are false).
        let on = |k: &str| first(k).is_none_or(|v| v.eq_ignore_ascii_case("true"));
        out.push(RealmKey {
            certificate: cert,
            active: on("active") && on("enabled"),
            priority: first("priority").and_then(|v| v.parse().ok()).unwrap_or(0),
            name: p
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or("key provider")
                .to_string(),
        });
    }
    out
}

/// One base64 value of key material in a realm export, and where it came from.
pub struct RealmKeyValue<'a> {
    pub node: &'a Node,
    /// The key provider's name, or `realm` for the legacy realm-level fields.
    pub owner: String,
    /// `privateKey`, `certificate` or (legacy) `publicKey`.
    pub field: &'static str,
}

/// Every base64 key value of a realm export that Keycloak decodes when it loads the realm's keys: each
/// key provider's `privateKey` and `certificate` (whatever its algorithm), and the legacy realm-level
/// `privateKey`, `publicKey` and `certificate`.
pub fn realm_key_values(realm: &Node) -> Vec<RealmKeyValue<'_>> {
    let mut out = Vec::new();
    for field in ["privateKey", "publicKey", "certificate"] {
        if let Some(n) = realm.get(field).filter(|n| n.as_str().is_some()) {
            out.push(RealmKeyValue {
                node: n,
                owner: "realm".into(),
                field,
            });
        }
    }
    let providers = realm
        .get("components")
        .and_then(|c| c.get("org.keycloak.keys.KeyProvider"))
        .map(Node::items)
        .unwrap_or_default();
    for p in providers {
        let owner = p
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("key provider")
            .to_string();
        for field in ["privateKey", "certificate"] {
            let values = p
                .path(&["config", field])
                .map(Node::items)
                .unwrap_or_default();
            for n in values.iter().filter(|n| n.as_str().is_some()) {
                out.push(RealmKeyValue {
                    node: n,
                    owner: owner.clone(),
                    field,
                });
            }
        }
    }
    out
}

fn is_b64_alphabet(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}

/// Base64 that goes on after its padding (`…==+`): the number of base64-alphabet characters after the
/// first `=`, or `None` when there are none. Java's decoders (the basic and the MIME one, which
/// Keycloak uses since 26.5) reject such input ("Input byte array has incorrect ending byte");
/// Keycloak's own decoder before 26.5 stopped at the padding and ignored the rest
/// (keycloak/keycloak#43370, #46591).
pub fn data_after_padding(s: &str) -> Option<usize> {
    // PEM armour (`-----BEGIN …-----`, `-----END …-----`) is removed before decoding, as Keycloak's
    // PemUtils does; its letters are not data.
    let body = s.find("-----END").map_or(s, |end| &s[..end]);
    let pad = body.find('=')?;
    let n = body[pad..].chars().filter(|c| is_b64_alphabet(*c)).count();
    (n > 0).then_some(n)
}

/// The value as Keycloak before 26.5 decoded it: up to the end of its padding (the whole value when
/// nothing follows the padding).
pub fn up_to_padding(s: &str) -> &str {
    if data_after_padding(s).is_none() {
        return s;
    }
    let pad = s.find('=').unwrap_or(s.len());
    let end = s[pad..]
        .find(|c: char| c != '=')
        .map_or(s.len(), |i| pad + i);
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mask_secrets on any text (JSON or not, cut anywhere, escapes, multi-byte characters): no panic,
    /// the same length, nothing written but `*` (a deterministic sweep of generated texts stands in for
    /// a property test; some of them are masked).
    #[test]
    fn masking_any_text_keeps_its_length_and_writes_only_stars() {
        const PIECES: [&str; 16] = [
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "\"",
            "\\",
            "\"secret\"",
            "\"value\"",
            "\"credentials\"",
            "\"privateKey\"",
            "é",
            "\\u0070",
            " x",
            "\"k\"",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut masked = 0;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            // Half of them open on a secret's key, so that what follows is masked when it is a string.
            let mut t = String::from(match next() % 4 {
                0 => "{\"secret\": ",
                1 => "{\"credentials\": [{\"value\": ",
                _ => "",
            });
            for _ in 0..(next() % 24) {
                t.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            let m = mask_secrets(&t);
            assert_eq!(m.len(), t.len(), "{t:?}");
            for (a, b) in t.bytes().zip(m.bytes()) {
                assert!(a == b || b == b'*', "{t:?} -> {m:?}");
            }
            masked += usize::from(m != t);
        }
        assert!(masked > 1000, "{masked}");
    }
    use crate::tree::parse_json;

    #[test]
    fn detects_shapes() {
        let c = parse_json(r#"{"clientId":"x","protocol":"saml"}"#).unwrap();
        assert_eq!(detect(&c), Some(ExportKind::Client));
        let r = parse_json(r#"{"realm":"r","clients":[{"clientId":"a"}]}"#).unwrap();
        assert_eq!(detect(&r), Some(ExportKind::Realm));
        let l = parse_json(r#"[{"clientId":"a"},{"clientId":"b"}]"#).unwrap();
        assert_eq!(detect(&l), Some(ExportKind::ClientList));
        assert_eq!(detect(&parse_json(r#"{"log":{}}"#).unwrap()), None);
        assert_eq!(detect(&parse_json("[]").unwrap()), None);
    }

    #[test]
    fn realm_keys_are_the_signing_keys_only() {
        // The key providers of a new Keycloak 26.7 realm (kc.sh export), values shortened.
        let r = parse_json(
            r#"{"realm":"r","components":{"org.keycloak.keys.KeyProvider":[
               {"name":"hmac-generated-hs512","config":{"secret":["x"],"algorithm":["HS512"]}},
               {"name":"rsa-generated","config":{"privateKey":["k"],"keyUse":["SIG"],"certificate":["c1"],"priority":["100"]}},
               {"name":"rsa-enc-generated","config":{"privateKey":["k"],"keyUse":["ENC"],"certificate":["c2"],"priority":["100"],"algorithm":["RSA-OAEP"]}},
               {"name":"legacy-enc","config":{"certificate":["c3"],"algorithm":["RSA1_5"]}},
               {"name":"ps","config":{"certificate":["c4"],"algorithm":["PS256"]}}]}}"#,
        )
        .unwrap();
        // Only RS256 signs SAML (review 31): not the PS256 key.
        let names: Vec<String> = realm_keys(&r).into_iter().map(|k| k.name).collect();
        assert_eq!(names, ["rsa-generated"]);
    }

    #[test]
    fn mappers_from_scopes_and_unresolved() {
        let r = parse_json(
            r#"{"realm":"r","clientScopes":[{"name":"role_list","protocol":"saml","protocolMappers":[{"protocol":"saml","name":"role list"}]}],
               "clients":[{"clientId":"a","protocol":"saml","defaultClientScopes":["role_list","missing"],
               "protocolMappers":[{"protocol":"openid-connect"},{"protocol":"saml","name":"m"}]}]}"#,
        )
        .unwrap();
        let cs = clients(&r, ExportKind::Realm);
        let (m, unresolved) = mappers(cs[0].node, Some(&r));
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].from, "scope role_list");
        assert_eq!(unresolved, vec!["missing".to_string()]);
    }

    /// Review 52: a scope of another protocol (or none) that a SAML client lists is not assigned to it
    /// by Keycloak, and its mappers send nothing.
    #[test]
    fn mappers_of_a_scope_of_another_protocol_are_not_the_clients() {
        for scope_protocol in [r#""protocol":"openid-connect","#, ""] {
            let r = parse_json(&format!(
                r#"{{"realm":"r","clientScopes":[{{"name":"nid",{scope_protocol}"protocolMappers":[{{"protocol":"saml","name":"email as NameID"}}]}},
                   {{"name":"role_list","protocol":"saml","protocolMappers":[{{"protocol":"saml","name":"role list"}}]}}],
                   "clients":[{{"clientId":"a","protocol":"saml","defaultClientScopes":["nid","role_list"]}}]}}"#
            ))
            .unwrap();
            let cs = clients(&r, ExportKind::Realm);
            let (m, unresolved) = mappers(cs[0].node, Some(&r));
            let from: Vec<&str> = m.iter().map(|m| m.from.as_str()).collect();
            assert_eq!(from, ["scope role_list"], "{scope_protocol}");
            assert!(unresolved.is_empty());
        }
    }

    #[test]
    fn base64_after_padding() {
        assert_eq!(data_after_padding("QUJD"), None);
        assert_eq!(data_after_padding("QUI="), None);
        assert_eq!(data_after_padding("QQ==\n"), None);
        assert_eq!(data_after_padding("QQ==+"), Some(1));
        assert_eq!(data_after_padding("QQ=+A"), Some(2));
        assert_eq!(up_to_padding("QQ==+"), "QQ==");
        assert_eq!(up_to_padding("QQ==\n"), "QQ==\n");
        assert_eq!(up_to_padding("QUJD"), "QUJD");
        let pem = "-----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n";
        assert_eq!(data_after_padding(pem), None);
        assert_eq!(
            data_after_padding("-----BEGIN CERTIFICATE-----\nQQ==+\n-----END CERTIFICATE-----"),
            Some(1)
        );
        let r = parse_json(
            r#"{"realm":"r","privateKey":"QQ==+","components":{"org.keycloak.keys.KeyProvider":[
               {"name":"hmac","config":{"secret":["x"]}},
               {"name":"rsa","config":{"privateKey":["QQ=="],"certificate":["QUJD"]}}]}}"#,
        )
        .unwrap();
        let v = realm_key_values(&r);
        let got: Vec<(&str, &str)> = v.iter().map(|k| (k.owner.as_str(), k.field)).collect();
        assert_eq!(
            got,
            [
                ("realm", "privateKey"),
                ("rsa", "privateKey"),
                ("rsa", "certificate")
            ]
        );
    }
}
