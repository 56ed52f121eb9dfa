//! A span-carrying tree of JSON-like values: Keycloak exports are parsed into it (every key and value
//! keeps its byte range in the file), and the profile (profile.rs) is built as one. Rule selectors
//! (rules/selector.rs) walk it.

use crate::source::Span;
use serde::Serialize;

/// One value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub value: Value,
    /// The bytes that gave this value (in the source of the message or client it belongs to).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// How the value was obtained when it was not read verbatim, e.g. "absent: Keycloak's runtime
    /// default is `username`".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<crate::finding::Msg>,
}

/// A map entry, with the span of its key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub key: String,
    #[serde(skip)]
    pub key_span: Option<Span>,
    pub node: Node,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers are kept as written.
    Num(String),
    Str(String),
    List(Vec<Node>),
    Map(Vec<Entry>),
    /// The source cannot tell (e.g. the NameID value a Keycloak client would send).
    #[serde(serialize_with = "unknown")]
    Unknown,
}

fn unknown<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("<unknown>")
}

impl Node {
    pub fn new(value: Value, span: Option<Span>) -> Self {
        Node {
            value,
            span,
            note: None,
        }
    }
    pub fn str(s: impl Into<String>, span: Option<Span>) -> Self {
        Node::new(Value::Str(s.into()), span)
    }
    pub fn bool(b: bool, span: Option<Span>) -> Self {
        Node::new(Value::Bool(b), span)
    }
    pub fn map(span: Option<Span>) -> Self {
        Node::new(Value::Map(Vec::new()), span)
    }
    pub fn list(items: Vec<Node>, span: Option<Span>) -> Self {
        Node::new(Value::List(items), span)
    }
    pub fn unknown(note: impl Into<crate::finding::Msg>) -> Self {
        Node {
            value: Value::Unknown,
            span: None,
            note: Some(note.into()),
        }
    }
    #[must_use]
    pub fn note(mut self, n: impl Into<crate::finding::Msg>) -> Self {
        self.note = Some(n.into());
        self
    }

    /// A map member.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.node)
    }
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(m) => m.iter().find(|e| e.key == key),
            _ => None,
        }
    }
    /// Follow a dotted path of map keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::List(l) => l,
            _ => &[],
        }
    }
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }
    /// Insert or replace a map member (no-op on non-maps).
    pub fn set(&mut self, key: &str, node: Node) {
        if let Value::Map(m) = &mut self.value {
            if let Some(e) = m.iter_mut().find(|e| e.key == key) {
                e.node = node;
            } else {
                m.push(Entry {
                    key: key.to_string(),
                    key_span: None,
                    node,
                });
            }
        }
    }
    /// Builder form of [`Node::set`].
    #[must_use]
    pub fn with(mut self, key: &str, node: Node) -> Self {
        self.set(key, node);
        self
    }
    /// Builder form of several keys.
    #[must_use]
    pub fn with_all(self, pairs: impl IntoIterator<Item = (&'static str, Node)>) -> Self {
        pairs.into_iter().fold(self, |n, (k, v)| n.with(k, v))
    }
    /// Builder form that skips `None` (the state "not emitted").
    #[must_use]
    pub fn with_opt(self, key: &str, node: Option<Node>) -> Self {
        match node {
            Some(n) => self.with(key, n),
            None => self,
        }
    }
    /// A one-line rendering of a scalar, for messages (`None` for lists and maps).
    pub fn scalar_text(&self) -> Option<String> {
        match &self.value {
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Num(n) => Some(n.clone()),
            Value::Str(s) => Some(s.clone()),
            Value::Unknown => Some("<unknown>".into()),
            Value::List(_) | Value::Map(_) => None,
        }
    }
    /// The JSON type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Num(_) => "number",
            Value::Str(_) => "string",
            Value::List(_) => "array",
            Value::Map(_) => "object",
            Value::Unknown => "unknown",
        }
    }
    /// Every string value in the tree (keys excluded), for redaction.
    pub fn strings<'a>(&'a self, out: &mut Vec<&'a str>) {
        match &self.value {
            Value::Str(s) => out.push(s),
            Value::List(l) => l.iter().for_each(|n| n.strings(out)),
            Value::Map(m) => m.iter().for_each(|e| e.node.strings(out)),
            _ => {}
        }
    }
}

/// Why JSON text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub message: String,
    pub span: Span,
    /// For a key given twice in one object (at `span`): where the first one is.
    pub first: Option<Span>,
}

/// Deepest JSON nesting accepted (Keycloak exports nest about 8 deep); checked before the parser runs,
/// so that no input can exhaust the stack.
pub const MAX_JSON_DEPTH: usize = 128;

fn check_depth(text: &str) -> Result<(), JsonError> {
    let (mut depth, mut in_str, mut esc) = (0usize, false, false);
    for (i, b) in text.bytes().enumerate() {
        if in_str {
            match b {
                _ if esc => esc = false,
                b'\\' => esc = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(JsonError {
                        message: format!("JSON nested deeper than {MAX_JSON_DEPTH} levels"),
                        span: Span::new(i, i + 1),
                        first: None,
                    });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Parse strict JSON (no comments, no trailing commas) into a span-carrying tree.
pub fn parse_json(text: &str) -> Result<Node, JsonError> {
    // A UTF-8 byte order mark, which Jackson (Keycloak's import) skips (review 31): read as three
    // spaces, so that every span still indexes the text as given.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        return parse_json(&format!("   {rest}"));
    }
    use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};
    check_depth(text)?;
    let parsed = parse_to_ast(
        text,
        &CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        },
        &ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
        },
    )
    .map_err(|e| {
        let r = e.range();
        JsonError {
            message: e.kind().to_string(),
            span: Span::new(r.start, r.end.max(r.start)),
            first: None,
        }
    })?;
    match parsed.value {
        Some(v) => convert(v).map_err(|(first, again)| JsonError {
            message: "duplicate key".into(),
            span: again,
            first: Some(first),
        }),
        None => Err(JsonError {
            message: "empty JSON document".into(),
            span: Span::new(0, 0),
            first: None,
        }),
    }
}

/// Convert the parser's tree. An object with the same key twice is refused, with the spans of both
/// keys: Keycloak's reader (Jackson) keeps the last value, the rules' selectors read the first, so a
/// file with `"saml_name_id_format": "email"` followed by `"…": "username"` would be linted on a value
/// Keycloak never uses. Keys are compared after JSON unescaping (`"a"` and `"\u0061"` are one key).
fn convert(v: jsonc_parser::ast::Value) -> Result<Node, (Span, Span)> {
    use jsonc_parser::ast::{ObjectPropName, Value as V};
    let sp = |r: jsonc_parser::common::Range| Span::new(r.start, r.end);
    Ok(match v {
        V::StringLit(s) => Node::str(s.value.into_owned(), Some(sp(s.range))),
        V::NumberLit(n) => Node::new(Value::Num(n.value.to_string()), Some(sp(n.range))),
        V::BooleanLit(b) => Node::bool(b.value, Some(sp(b.range))),
        V::NullKeyword(n) => Node::new(Value::Null, Some(sp(n.range))),
        V::Array(a) => {
            let items = a.elements.into_iter().map(convert);
            Node::list(items.collect::<Result<_, _>>()?, Some(sp(a.range)))
        }
        V::Object(o) => {
            let mut entries: Vec<Entry> = Vec::with_capacity(o.properties.len());
            let mut seen = rustc_hash::FxHashMap::<String, Span>::default();
            for p in o.properties {
                let (key, key_span) = match p.name {
                    ObjectPropName::String(s) => (s.value.into_owned(), sp(s.range)),
                    ObjectPropName::Word(w) => (w.value.to_string(), sp(w.range)),
                };
                if let Some(first) = seen.insert(key.clone(), key_span) {
                    return Err((first, key_span));
                }
                entries.push(Entry {
                    key,
                    key_span: Some(key_span),
                    node: convert(p.value)?,
                });
            }
            Node::new(Value::Map(entries), Some(sp(o.range)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_point_at_keys_and_values() {
        let t = r#"{"a": {"b": "x"}, "c": [true, 1.5, null]}"#;
        let n = parse_json(t).unwrap();
        let b = n.path(&["a", "b"]).unwrap();
        assert_eq!(&t[b.span.unwrap().range()], "\"x\"");
        let e = n.get("a").unwrap().entry("b").unwrap();
        assert_eq!(&t[e.key_span.unwrap().range()], "\"b\"");
        assert_eq!(n.get("c").unwrap().items().len(), 3);
    }

    #[test]
    fn refuses_comments_trailing_commas_and_deep_nesting() {
        assert!(parse_json("{\"a\": 1,}").is_err());
        assert!(parse_json("{/*x*/\"a\": 1}").is_err());
        let deep = "[".repeat(100_000);
        let e = parse_json(&deep).unwrap_err();
        assert!(e.message.contains("deeper"), "{e:?}");
        // Brackets inside strings do not count.
        let s = format!("{{\"a\": \"{}\"}}", "[".repeat(1000));
        assert!(parse_json(&s).is_ok());
    }

    #[test]
    fn refuses_a_key_twice_in_one_object() {
        // Keycloak keeps the last, the selectors read the first: neither may be linted silently.
        let t = "{\"attributes\": {\"saml_name_id_format\": \"email\",\n \"saml_name_id_format\": \"username\"}}";
        let e = parse_json(t).unwrap_err();
        assert_eq!(&t[e.span.range()], "\"saml_name_id_format\"");
        assert!(
            e.span.start > t.find("email").unwrap(),
            "points at the second key"
        );
        let first = e.first.unwrap();
        assert_eq!(&t[first.range()], "\"saml_name_id_format\"");
        assert!(
            first.start < t.find("email").unwrap(),
            "and names the first"
        );
        // The same key once escaped is still the same key; deep inside arrays too.
        assert!(parse_json(r#"[{"x": [{"a": 1, "\u0061": 2}]}]"#).is_err());
        // The same key in two objects, or as a value, is fine.
        assert!(parse_json(r#"{"a": {"a": "a"}, "b": {"a": 1}, "c": ["a", "a"]}"#).is_ok());
    }
}
