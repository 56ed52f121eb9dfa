//! Built-in functions that rules call (`then: {function: NAME, options: {...}}`), one file each.
//! Adding a function: its file, one line in [`FUNCTIONS`], its tests. `samlint functions` prints the
//! doc comment of each ([`Function::doc`]).

use crate::source::Span;
use crate::tree::Node;

mod atlassian_acs;
mod client_certificate;
pub mod connection_id;
mod contains;
mod defined;
mod email;
mod email_domain;
mod enumeration;
mod equals;
mod keycloak_boolean;
mod keycloak_flag;
mod keycloak_types;
mod length;
mod lookalike_attribute;
mod pasted_certificate;
mod pattern;
mod realm_keys;
mod redirect_uri;
mod same_as_client;
mod secrets;
mod similar_key;
mod truthy;
mod unique;
mod unmixed;
mod user_property;
mod visible;

pub use email::is_email;
pub use lookalike_attribute::meant as lookalike_meant;

/// What a check sees besides the node: the whole tree and the run's settings.
pub struct Cx<'a> {
    pub root: &'a Node,
    /// `--domain`: the organisation's verified domains.
    pub domains: &'a [String],
    /// The certificates the SP trusts (`--idp-cert`, `--idp-metadata`).
    pub idp_certs: &'a [crate::verify::cert::Cert],
}

/// One problem a check found.
#[derive(Debug, Clone, Default)]
pub struct Hit {
    /// Where; `None` = the node the function ran on.
    pub span: Option<Span>,
    /// What is wrong, for `{{error}}`: typed, so that values from the input are redacted.
    pub error: crate::finding::Msg,
    /// The offending value, for `{{value}}` (masked under --redact); `None` = the node's own value.
    pub value: Option<String>,
    /// The JSON/XML path of the offending node, when it is below the node the function ran on.
    pub path: Option<String>,
    /// The error is a generic predicate ("is false", "is not one of …") that reads well only inside
    /// the rule's message: it is not used as the label under the marked place.
    pub generic: bool,
}

impl Hit {
    pub fn new(error: impl Into<crate::finding::Msg>) -> Self {
        Hit {
            error: error.into(),
            ..Hit::default()
        }
    }
    #[must_use]
    pub fn at(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }
    #[must_use]
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = Some(v.into());
        self
    }
    /// See [`Hit::generic`](Hit#structfield.generic).
    #[must_use]
    pub fn generic(mut self) -> Self {
        self.generic = true;
        self
    }
    #[must_use]
    pub fn path(mut self, p: impl Into<String>) -> Self {
        self.path = Some(p.into());
        self
    }
}

/// A compiled function call.
pub trait Check: Send + Sync + std::fmt::Debug {
    /// `node` is `None` when `then.field` names a member that is absent.
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit>;
}

/// An options error, with the YAML position when known.
#[derive(Debug, Clone)]
pub struct OptionsError {
    pub message: String,
    pub mark: Option<marked_yaml::Marker>,
}

pub trait Function: Sync {
    fn name(&self) -> &'static str;
    /// One paragraph: what it checks and its options.
    fn doc(&self) -> &'static str;
    fn compile(&self, options: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError>;
}

/// Every built-in function.
pub static FUNCTIONS: &[&dyn Function] = &[
    &atlassian_acs::AtlassianAcs,
    &client_certificate::ClientCertificate,
    &connection_id::ConnectionId,
    &contains::Contains,
    &defined::Defined,
    &defined::Undefined,
    &email::Email,
    &email_domain::EmailDomain,
    &enumeration::Enumeration,
    &equals::Equals,
    &truthy::Falsy,
    &keycloak_boolean::KeycloakBoolean,
    &keycloak_flag::KeycloakFlag,
    &keycloak_types::KeycloakTypes,
    &length::Length,
    &lookalike_attribute::LookalikeAttribute,
    &pasted_certificate::PastedCertificate,
    &pattern::Pattern,
    &realm_keys::RealmKeys,
    &redirect_uri::RedirectUri,
    &same_as_client::SameAsClient,
    &secrets::Secrets,
    &similar_key::SimilarKey,
    &truthy::Truthy,
    &unique::Unique,
    &unmixed::Unmixed,
    &user_property::UserProperty,
    &visible::Visible,
];

pub fn find(name: &str) -> Option<&'static dyn Function> {
    FUNCTIONS.iter().copied().find(|f| f.name() == name)
}

/// Deserialize a function's options strictly (unknown keys are errors with a position).
pub fn options<T: serde::de::DeserializeOwned>(
    node: Option<&marked_yaml::Node>,
    function: &str,
) -> Result<T, OptionsError> {
    match node {
        Some(n) => marked_yaml::from_node::<T>(n).map_err(|e| {
            let message = format!("options of `{function}`: {e}");
            let mark = e
                .into_inner()
                .start_mark()
                .or_else(|| n.span().start().copied());
            OptionsError { message, mark }
        }),
        None => serde_json::from_str::<T>("{}").map_err(|e| OptionsError {
            message: format!("`{function}` needs options: {e}"),
            mark: None,
        }),
    }
}

/// A function that takes no options.
pub fn no_options(node: Option<&marked_yaml::Node>, function: &str) -> Result<(), OptionsError> {
    match node {
        None => Ok(()),
        Some(n) => Err(OptionsError {
            message: format!("`{function}` takes no options"),
            mark: n.span().start().copied(),
        }),
    }
}

/// The text of a scalar node for comparisons (`None` for absent, unknown, lists and maps).
pub fn text(node: Option<&Node>) -> Option<String> {
    let n = node?;
    match &n.value {
        crate::tree::Value::Unknown | crate::tree::Value::List(_) | crate::tree::Value::Map(_) => {
            None
        }
        _ => n.scalar_text(),
    }
}

/// A YAML scalar option that may be written as a string, number or boolean: marked-yaml gives every
/// scalar as a string.
pub type Scalar = String;

/// A boolean option (marked-yaml gives scalars as strings).
pub fn flag(v: &Option<String>) -> Result<bool, OptionsError> {
    match v.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(o) => Err(OptionsError {
            message: format!("expected true or false, found `{o}`"),
            mark: None,
        }),
    }
}

/// For the functions' tests: what `check` reports of the string `v`, as error texts.
#[cfg(test)]
pub(crate) fn errors_on_string(check: &dyn Check, v: &str) -> Vec<String> {
    let tree = crate::tree::parse_json(&serde_json::to_string(v).expect("JSON")).expect("parses");
    let cx = Cx {
        root: &tree,
        domains: &[],
        idp_certs: &[],
    };
    check
        .run(Some(&tree), &cx)
        .into_iter()
        .map(|h| h.error.to_string())
        .collect()
}
