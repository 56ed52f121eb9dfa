//! `keycloak-types`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use crate::tree::Value;
use serde::Deserialize;

/// `keycloak-types`: the members of a Keycloak client or realm representation must have JSON types
/// Keycloak's import (Jackson, with its default coercions) reads.
pub struct KeycloakTypes;

/// What a representation's member is, as Java declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum T {
    Str,
    Bool,
    Int,
    StrList,
    /// `List<ProtocolMapperRepresentation>`.
    Mappers,
    /// `List<ClientScopeRepresentation>`.
    Scopes,
    StrMap,
    IntMap,
    /// Any JSON object (a nested representation samlint does not model further).
    Object,
    /// Any JSON array of objects.
    Objects,
    /// A realm's `clients`: each one that is not a SAML client is checked here (a SAML client is
    /// linted on its own, KC034); one refused value refuses the whole realm (review 62).
    Clients,
}

/// ClientRepresentation (Keycloak 26).
const CLIENT: &[(&str, T)] = &[
    ("id", T::Str),
    ("clientId", T::Str),
    ("name", T::Str),
    ("description", T::Str),
    ("rootUrl", T::Str),
    ("adminUrl", T::Str),
    ("baseUrl", T::Str),
    ("surrogateAuthRequired", T::Bool),
    ("enabled", T::Bool),
    ("alwaysDisplayInConsole", T::Bool),
    ("clientAuthenticatorType", T::Str),
    ("secret", T::Str),
    ("registrationAccessToken", T::Str),
    ("defaultRoles", T::StrList),
    ("redirectUris", T::StrList),
    ("webOrigins", T::StrList),
    ("notBefore", T::Int),
    ("bearerOnly", T::Bool),
    ("consentRequired", T::Bool),
    ("standardFlowEnabled", T::Bool),
    ("implicitFlowEnabled", T::Bool),
    ("directAccessGrantsEnabled", T::Bool),
    ("serviceAccountsEnabled", T::Bool),
    ("authorizationServicesEnabled", T::Bool),
    ("directGrantsOnly", T::Bool),
    ("publicClient", T::Bool),
    ("frontchannelLogout", T::Bool),
    ("protocol", T::Str),
    ("attributes", T::StrMap),
    ("authenticationFlowBindingOverrides", T::StrMap),
    ("fullScopeAllowed", T::Bool),
    ("nodeReRegistrationTimeout", T::Int),
    ("registeredNodes", T::IntMap),
    ("protocolMappers", T::Mappers),
    ("defaultClientScopes", T::StrList),
    ("optionalClientScopes", T::StrList),
    ("access", T::Object),
    ("origin", T::Str),
];

/// ProtocolMapperRepresentation.
const MAPPER: &[(&str, T)] = &[
    ("id", T::Str),
    ("name", T::Str),
    ("protocol", T::Str),
    ("protocolMapper", T::Str),
    ("consentRequired", T::Bool),
    ("consentText", T::Str),
    ("config", T::StrMap),
];

/// ClientScopeRepresentation.
const SCOPE: &[(&str, T)] = &[
    ("id", T::Str),
    ("name", T::Str),
    ("description", T::Str),
    ("protocol", T::Str),
    ("attributes", T::StrMap),
    ("protocolMappers", T::Mappers),
];

/// The members of RealmRepresentation samlint reads (its clients are linted as clients).
const REALM: &[(&str, T)] = &[
    ("id", T::Str),
    ("realm", T::Str),
    ("enabled", T::Bool),
    ("clients", T::Clients),
    ("clientScopes", T::Scopes),
    ("defaultDefaultClientScopes", T::StrList),
    ("defaultOptionalClientScopes", T::StrList),
    ("attributes", T::StrMap),
    ("smtpServer", T::StrMap),
    ("components", T::Object),
    ("roles", T::Object),
    ("scopeMappings", T::Objects),
    ("clientScopeMappings", T::Object),
    ("users", T::Objects),
    ("groups", T::Objects),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    kind: String,
}

#[derive(Debug)]
struct TypesCheck {
    table: &'static [(&'static str, T)],
}

impl Function for KeycloakTypes {
    fn name(&self) -> &'static str {
        "keycloak-types"
    }
    fn doc(&self) -> &'static str {
        "Runs on a Keycloak client (`kind: client`) or realm (`kind: realm`) representation: reports each member Keycloak's import cannot read as Java declares it (Jackson with its default coercions): a list or an object where a string, boolean or number belongs; a boolean written as a string other than true/True/TRUE or false/False/FALSE (white space around is dropped), or as a fraction; an object where a list belongs or the reverse; a list or object as a value of a map of strings (`attributes`, a mapper's `config`). Numbers and booleans where a string belongs, and null anywhere, are read. Also each protocol mapper (and, in a realm, each client scope and its mappers)."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let table = match opts.kind.as_str() {
            "client" => CLIENT,
            "realm" => REALM,
            other => {
                return Err(OptionsError {
                    message: format!("`keycloak-types`: kind is client or realm, not `{other}`"),
                    mark: o.and_then(|n| n.span().start().copied()),
                });
            }
        };
        Ok(Box::new(TypesCheck { table }))
    }
}

/// What a JSON value is, for messages.
fn shape(n: &Node) -> &'static str {
    match &n.value {
        Value::List(_) => "a list",
        Value::Map(_) => "an object",
        Value::Str(_) => "a string",
        Value::Num(_) => "a number",
        Value::Bool(_) => "a boolean",
        Value::Null | Value::Unknown => "null",
    }
}

/// Why Jackson cannot read `n` as `t` (what it expected), or `None` when it can. Nested members are
/// checked by [`walk`].
fn refused(t: T, n: &Node) -> Option<&'static str> {
    let scalar = matches!(
        n.value,
        Value::Str(_) | Value::Num(_) | Value::Bool(_) | Value::Null | Value::Unknown
    );
    match (t, &n.value) {
        (_, Value::Null | Value::Unknown) => None,
        (T::Str, _) => (!scalar).then_some("a string"),
        // A Boolean as keycloak::representation_flag reads it; a blank or "null" string is null.
        (T::Bool, Value::Str(s)) if matches!(crate::keycloak::java_trim(s), "" | "null") => None,
        (T::Bool, _) => crate::keycloak::representation_flag(n)
            .is_none()
            .then_some("true or false"),
        // An Integer: a number within int's range (a fraction is cut, Jackson's ACCEPT_FLOAT_AS_INT),
        // or a string of one that parses as an int (review 62: "1.5", "NaN" and 99999999999 are
        // refused).
        (T::Int, Value::Num(x)) => {
            let fits = if x.contains(['.', 'e', 'E']) {
                x.parse::<f64>()
                    .is_ok_and(|v| (f64::from(i32::MIN)..=f64::from(i32::MAX)).contains(&v))
            } else {
                x.parse::<i32>().is_ok()
            };
            (!fits).then_some("a number within int's range")
        }
        // A blank or "null" string is null, as for a Boolean (Jackson's textual null).
        (T::Int, Value::Str(s)) => {
            let s = crate::keycloak::java_trim(s);
            (!matches!(s, "" | "null") && s.parse::<i32>().is_err())
                .then_some("a number within int's range")
        }
        (T::Int, _) => Some("a number"),
        (T::StrList | T::Mappers | T::Scopes | T::Objects | T::Clients, Value::List(_)) => None,
        (T::StrList | T::Mappers | T::Scopes | T::Objects | T::Clients, _) => Some("a list"),
        (T::StrMap | T::IntMap | T::Object, Value::Map(_)) => None,
        (T::StrMap | T::IntMap | T::Object, _) => Some("an object"),
    }
}

fn walk(n: &Node, table: &[(&str, T)], path: &str, out: &mut Vec<Hit>) {
    for e in n.entries() {
        let Some((_, t)) = table.iter().find(|(k, _)| *k == e.key) else {
            continue;
        };
        let at = crate::rules::selector::member_path(path, &e.key);
        member(&e.node, *t, &at, out);
    }
}

fn member(n: &Node, t: T, at: &str, out: &mut Vec<Hit>) {
    if let Some(expected) = refused(t, n) {
        out.push(hit(n, at, expected));
        return;
    }
    let items = |out: &mut Vec<Hit>, item: T| {
        for (i, c) in n.items().iter().enumerate() {
            member(c, item, &format!("{at}[{i}]"), out);
        }
    };
    match t {
        T::StrList => items(out, T::Str),
        T::Objects => items(out, T::Object),
        T::Clients => {
            for (i, c) in n.items().iter().enumerate() {
                let at = format!("{at}[{i}]");
                match refused(T::Object, c) {
                    Some(expected) => out.push(hit(c, &at, expected)),
                    None if c.get("protocol").and_then(Node::as_str) == Some("saml") => {}
                    None => walk(c, CLIENT, &at, out),
                }
            }
        }
        T::Mappers | T::Scopes => {
            let table = if t == T::Mappers { MAPPER } else { SCOPE };
            for (i, c) in n.items().iter().enumerate() {
                let at = format!("{at}[{i}]");
                match refused(T::Object, c) {
                    Some(expected) => out.push(hit(c, &at, expected)),
                    None => walk(c, table, &at, out),
                }
            }
        }
        T::StrMap | T::IntMap => {
            let value = if t == T::StrMap { T::Str } else { T::Int };
            for e in n.entries() {
                let at = crate::rules::selector::member_path(at, &e.key);
                if let Some(expected) = refused(value, &e.node) {
                    out.push(hit(&e.node, &at, expected));
                }
            }
        }
        _ => {}
    }
}

/// The member is named by the finding's path, which `--redact` renders as it renders JSON paths
/// (Keycloak's own keys kept): a member name written as a value was pseudonymised, `enabled` too.
fn hit(n: &Node, at: &str, expected: &str) -> Hit {
    let mut h = Hit::new(msg!(
        "is {} where Keycloak's import reads {}",
        Arg::plain(shape(n)),
        Arg::plain(expected)
    ))
    .at(n.span)
    .path(at.strip_prefix('$').unwrap_or(at).to_string());
    if let Some(v) = n.scalar_text() {
        h = h.value(v);
    }
    h
}

impl Check for TypesCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(n) = node.filter(|n| matches!(n.value, Value::Map(_))) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        walk(n, self.table, "$", &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind other than client or realm is an error of the pack, at its options, not a silent
    /// check of nothing.
    #[test]
    fn kind_is_client_or_realm() {
        let compile = |yaml: &str| {
            let o = marked_yaml::parse_yaml(0, yaml).expect("YAML");
            KeycloakTypes
                .compile(Some(&o))
                .err()
                .map(|e| (e.message, e.mark.is_some()))
        };
        assert_eq!(
            compile("kind: group"),
            Some((
                "`keycloak-types`: kind is client or realm, not `group`".into(),
                true
            ))
        );
        assert_eq!(compile("kind: client"), None);
        assert_eq!(compile("kind: realm"), None);
        assert!(compile("{}").is_some(), "kind is required");
    }

    fn run(table: &'static [(&'static str, T)], json: &str) -> Vec<String> {
        let tree = crate::tree::parse_json(json).expect("parses");
        let cx = Cx {
            root: &tree,
            domains: &[],
            idp_certs: &[],
        };
        TypesCheck { table }
            .run(Some(&tree), &cx)
            .into_iter()
            .map(|h| format!("{} {}", h.path.unwrap_or_default(), h.error))
            .collect()
    }

    #[test]
    fn what_jacksons_import_refuses() {
        assert_eq!(
            run(
                CLIENT,
                r#"{"clientId": "x", "enabled": "yes", "bearerOnly": 1, "consentRequired": " False ",
                    "fullScopeAllowed": 1.5, "publicClient": "tRUE", "notBefore": "soon",
                    "redirectUris": "https://a", "webOrigins": [{"a": 1}, 3, true, null],
                    "protocolMappers": {"name": "m"}, "attributes": {"a": {"b": 1}, "c": 2, "d": false, "e": null},
                    "registeredNodes": {"h": "x"}, "unknownField": {"x": 1}, "description": 42}"#
            ),
            [
                ".enabled is a string where Keycloak's import reads true or false",
                ".fullScopeAllowed is a number where Keycloak's import reads true or false",
                ".publicClient is a string where Keycloak's import reads true or false",
                ".notBefore is a string where Keycloak's import reads a number within int's range",
                ".redirectUris is a string where Keycloak's import reads a list",
                ".webOrigins[0] is an object where Keycloak's import reads a string",
                ".protocolMappers is an object where Keycloak's import reads a list",
                ".attributes.a is an object where Keycloak's import reads a string",
                ".registeredNodes.h is a string where Keycloak's import reads a number within int's range",
            ]
        );
        assert_eq!(
            run(
                CLIENT,
                r#"{"protocolMappers": [{"name": ["m"], "config": {"k": [1]}}, "x"]}"#
            ),
            [
                ".protocolMappers[0].name is a list where Keycloak's import reads a string",
                ".protocolMappers[0].config.k is a list where Keycloak's import reads a string",
                ".protocolMappers[1] is a string where Keycloak's import reads an object",
            ]
        );
        assert_eq!(
            run(
                REALM,
                r#"{"realm": "r", "clients": {}, "clientScopes": [{"name": "s", "protocolMappers": [{"config": "x"}]}]}"#
            ),
            [
                ".clients is an object where Keycloak's import reads a list",
                ".clientScopes[0].protocolMappers[0].config is a string where Keycloak's import reads an object",
            ]
        );
        assert_eq!(
            run(
                CLIENT,
                r#"{"clientId": "x", "enabled": true, "attributes": {}}"#
            ),
            Vec::<String>::new()
        );
        // Integers (review 62), and a realm's clients of another protocol (its SAML ones are KC034's).
        assert_eq!(
            run(
                CLIENT,
                r#"{"notBefore": "1.5", "nodeReRegistrationTimeout": 99999999999, "registeredNodes": {"a": "NaN", "b": " 7 ", "c": 2.0, "d": "", "e": "null", "f": "+8", "g": "Null"}}"#
            ),
            [
                ".notBefore is a string where Keycloak's import reads a number within int's range",
                ".nodeReRegistrationTimeout is a number where Keycloak's import reads a number within int's range",
                ".registeredNodes.a is a string where Keycloak's import reads a number within int's range",
                ".registeredNodes.g is a string where Keycloak's import reads a number within int's range",
            ]
        );
        assert_eq!(
            run(
                REALM,
                r#"{"clients": [{"clientId": "s", "protocol": "saml", "enabled": "yes"}, {"clientId": "o", "enabled": "yes", "redirectUris": "x"}]}"#
            ),
            [
                ".clients[1].enabled is a string where Keycloak's import reads true or false",
                ".clients[1].redirectUris is a string where Keycloak's import reads a list",
            ]
        );
    }
}
