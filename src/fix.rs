//! `samlint fix`: correct a Keycloak export for the rules whose fix is a value in the export.
//!
//! The export is never re-serialised: each fix is an edit of the original text at the byte span that
//! the span-keeping JSON parser (tree.rs) gives for the value, or an insertion after the last member of
//! an object (or item of an array) that copies the separator the file already uses. Key order,
//! indentation, line endings and every unrelated byte stay as they were. Rules whose fix is not a value
//! in the export (an Atlassian URL only the admin knows, a mapper to add, a secret to remove) are
//! listed with what to do by hand.

use crate::finding::Finding;
use crate::source::Span;
use crate::tree::{Node, Value};

/// One change to the text: replace `start..end` (an insertion when they are equal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// What fixing one finding did.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Fixed by these changes (human-readable: `saml.encrypt: "true" → "false"`).
    Fixed(Vec<String>),
    /// Not a value in the export: what to do by hand.
    Manual(String),
}

/// The fixes planned for one export: members to set (per object, by the object's span) and items to
/// append to arrays.
#[derive(Default)]
struct Plan {
    /// Replacements of existing values.
    edits: Vec<Edit>,
    /// New members per object (object span start → (object, members)), in the order planned.
    inserts: Vec<(Span, Vec<(String, String)>)>,
    /// New items per array.
    appends: Vec<(Span, Vec<String>)>,
    /// Members of an `attributes` object to create, per client without one (review 54: each fix
    /// planned its own object and only the first was written).
    new_attributes: Vec<(Span, Vec<(String, String)>)>,
    /// Claims ATL013's fixes rename a mapper to, per client.
    renamed: Vec<(Span, String)>,
}

/// A JSON string literal, written by the output's one JSON writer ([`crate::util::json_pretty`]):
/// control and invisible formatting characters (C1, bidi overrides) as `\uXXXX`, the same JSON
/// string, so that a diff shown in a terminal or CI log is never driven by the export (review 46:
/// serde_json escapes C0 only, and U+202E reached the diff and the file).
fn lit(s: &str) -> String {
    crate::util::json_pretty(s)
}

impl Plan {
    /// Set `key` of the object `map` to the JSON literal `value`: every member with that key is
    /// replaced (tree::parse_json refuses an object with a key twice; were one to get here, every
    /// copy would get the new value), or a member is added.
    fn set(&mut self, text: &str, map: &Node, key: &str, value: &str) -> Option<String> {
        let span = map.span?;
        let found: Vec<&crate::tree::Entry> =
            map.entries().iter().filter(|e| e.key == key).collect();
        if found.is_empty() {
            let slot = match self.inserts.iter_mut().find(|(s, _)| *s == span) {
                Some(slot) => slot,
                None => {
                    self.inserts.push((span, Vec::new()));
                    self.inserts.last_mut()?
                }
            };
            if !slot.1.iter().any(|(k, _)| k == key) {
                slot.1.push((key.to_string(), value.to_string()));
            }
            return Some(format!("{key}: (absent) → {value}"));
        }
        let mut said = None;
        for e in found {
            let s = e.node.span?;
            let old = text.get(s.range())?;
            if old != value && !self.edits.iter().any(|x| x.start == s.start) {
                self.edits.push(Edit {
                    start: s.start,
                    end: s.end,
                    text: value.to_string(),
                });
            }
            said.get_or_insert(format!("{key}: {old} → {value}"));
        }
        said
    }

    /// Append the JSON literal `value` to the array `list` (unless an item already equals it).
    fn append(&mut self, list: &Node, value: &str) -> Option<String> {
        let span = list.span?;
        match self.appends.iter_mut().find(|(s, _)| *s == span) {
            Some((_, items)) if !items.iter().any(|i| i == value) => items.push(value.to_string()),
            Some(_) => {}
            None => self.appends.push((span, vec![value.to_string()])),
        }
        Some(format!("added {value}"))
    }

    /// Every change as edits of the text, sorted, none overlapping.
    fn edits(&self, text: &str, root: &Node) -> Result<Vec<Edit>, String> {
        let mut out = self.edits.clone();
        let mut inserts = self.inserts.clone();
        for (client, members) in &self.new_attributes {
            let body: Vec<String> = members
                .iter()
                .map(|(k, v)| format!("{}: {v}", lit(k)))
                .collect();
            let object = ("attributes".to_string(), format!("{{{}}}", body.join(", ")));
            match inserts.iter_mut().find(|(s, _)| s == client) {
                Some((_, m)) => m.push(object),
                None => inserts.push((*client, vec![object])),
            }
        }
        for (span, members) in &inserts {
            let map = find(root, *span).ok_or("an object to add to was not found")?;
            out.push(insert_members(text, map, members)?);
        }
        for (span, items) in &self.appends {
            let list = find(root, *span).ok_or("an array to add to was not found")?;
            out.push(append_items(text, list, items)?);
        }
        out.sort_by_key(|e| (e.start, e.end));
        for w in out.windows(2) {
            if w[0].end > w[1].start {
                return Err("two fixes would change the same bytes".into());
            }
        }
        Ok(out)
    }
}

/// The node of the tree with this span.
fn find(n: &Node, span: Span) -> Option<&Node> {
    if n.span == Some(span) {
        return Some(n);
    }
    let inside = n
        .span
        .is_none_or(|s| s.start <= span.start && span.end <= s.end);
    if !inside {
        return None;
    }
    match &n.value {
        Value::Map(m) => m.iter().find_map(|e| find(&e.node, span)),
        Value::List(l) => l.iter().find_map(|i| find(i, span)),
        _ => None,
    }
}

/// New members after the last one, with the separators the object already uses.
fn insert_members(text: &str, map: &Node, members: &[(String, String)]) -> Result<Edit, String> {
    let span = map.span.ok_or("an object without a place")?;
    let entries = map.entries();
    let key_span = |e: &crate::tree::Entry| e.key_span.ok_or("a key without a place");
    let value_span = |e: &crate::tree::Entry| e.node.span.ok_or("a value without a place");
    let Some(last) = entries.last() else {
        // `{}` (or `{ }`): write the members inside, on one line.
        let body: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("{}: {v}", lit(k)))
            .collect();
        return Ok(Edit {
            start: span.start,
            end: span.end,
            text: format!("{{{}}}", body.join(", ")),
        });
    };
    let sep = match entries.len() {
        1 => format!(
            ",{}",
            text.get(span.start + 1..key_span(last)?.start)
                .ok_or("bad span")?
        ),
        n => text
            .get(value_span(&entries[n - 2])?.end..key_span(last)?.start)
            .ok_or("bad span")?
            .to_string(),
    };
    let colon = text
        .get(key_span(last)?.end..value_span(last)?.start)
        .ok_or("bad span")?;
    let mut add = String::new();
    for (k, v) in members {
        add.push_str(&sep);
        add.push_str(&lit(k));
        add.push_str(colon);
        add.push_str(v);
    }
    let at = value_span(last)?.end;
    Ok(Edit {
        start: at,
        end: at,
        text: add,
    })
}

/// New items after the last one, with the separators the array already uses.
fn append_items(text: &str, list: &Node, items: &[String]) -> Result<Edit, String> {
    let span = list.span.ok_or("an array without a place")?;
    let all = list.items();
    let item_span = |n: &Node| n.span.ok_or("an item without a place");
    let Some(last) = all.last() else {
        return Ok(Edit {
            start: span.start,
            end: span.end,
            text: format!("[{}]", items.join(", ")),
        });
    };
    let sep = match all.len() {
        1 => format!(
            ",{}",
            text.get(span.start + 1..item_span(last)?.start)
                .ok_or("bad span")?
        ),
        n => text
            .get(item_span(&all[n - 2])?.end..item_span(last)?.start)
            .ok_or("bad span")?
            .to_string(),
    };
    let mut add = String::new();
    for i in items {
        add.push_str(&sep);
        add.push_str(i);
    }
    let at = item_span(last)?.end;
    Ok(Edit {
        start: at,
        end: at,
        text: add,
    })
}

/// Apply sorted, non-overlapping edits.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for e in edits {
        out.push_str(text.get(at..e.start).unwrap_or_default());
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// The rules `samlint fix` corrects, and the value each sets (README and `samlint fix --help`).
pub const FIXABLE: &[(&str, &str)] = &[
    ("ATL004", "attributes.saml_name_id_format = \"email\""),
    ("KC004", "attributes.saml_force_name_id_format = \"true\""),
    (
        "ATL015",
        "attributes.saml.server.signature and saml.assertion.signature = \"true\"",
    ),
    ("ADC002", "attributes.saml.assertion.signature = \"true\""),
    (
        "ATL016",
        "attributes.saml.signature.algorithm = \"RSA_SHA256\"",
    ),
    (
        "ATL017",
        "attributes.saml.signature.algorithm = \"RSA_SHA256\"",
    ),
    (
        "KC016",
        "attributes.saml.signature.algorithm = \"RSA_SHA256\"",
    ),
    (
        "ATL022",
        "attributes.saml_signature_canonicalization_method = exclusive C14N",
    ),
    (
        "ATL018",
        "attributes.saml.force.post.binding = \"true\" (and saml.artifact.binding = \"false\")",
    ),
    ("KC001", "attributes.saml.client.signature = \"false\""),
    ("KC026", "attributes.saml.client.signature = \"false\""),
    ("ATL014", "attributes.saml.encrypt = \"false\""),
    ("KC015", "consentRequired = false"),
    ("KC027", "bearerOnly = false"),
    ("KC028", "standardFlowEnabled = true"),
    ("KC003", "redirectUris += the exact ACS"),
    (
        "ATL013",
        "the mapper's attribute.name = the claim URI Atlassian reads",
    ),
    (
        "KC012",
        "the mapper's attribute.nameformat = Basic, URI Reference or Unspecified",
    ),
    ("ADC003", "the group mapper's full.path = \"false\""),
    ("ADC004", "the group mapper's single = \"true\""),
];

/// Set a client attribute (creating `attributes` when the client has none).
fn attr(plan: &mut Plan, text: &str, client: &Node, key: &str, value: &str) -> Option<String> {
    let v = lit(value);
    match client.get("attributes") {
        Some(a) if matches!(a.value, Value::Map(_)) => plan.set(text, a, key, &v),
        Some(_) => None,
        None => {
            let span = client.span?;
            let slot = match plan.new_attributes.iter_mut().find(|(s, _)| *s == span) {
                Some(slot) => slot,
                None => {
                    plan.new_attributes.push((span, Vec::new()));
                    plan.new_attributes.last_mut()?
                }
            };
            if !slot.1.iter().any(|(k, _)| k == key) {
                slot.1.push((key.to_string(), v.clone()));
            }
            Some(format!("{key}: (absent) → {v}"))
        }
    }
}

/// The client's own SAML mapper whose bytes hold the finding (a mapper of a realm's client scope is
/// shared with other clients: `None`, fixed by hand).
fn own_mapper<'a>(client: &'a Node, f: &Finding) -> Option<&'a Node> {
    let s = f.span?;
    client.get("protocolMappers")?.items().iter().find(|m| {
        m.span
            .is_some_and(|ms| ms.start <= s.start && s.end <= ms.end)
    })
}

/// Keycloak's label for a NameFormat URN (KC012); anything else becomes Basic, which is what Keycloak
/// sends for it anyway.
fn nameformat_label(v: &str) -> &'static str {
    match v.trim() {
        "urn:oasis:names:tc:SAML:2.0:attrname-format:uri" => "URI Reference",
        "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified" => "Unspecified",
        _ => "Basic",
    }
}

/// Plan the fix of one finding of a client.
fn plan_one<'a>(
    plan: &mut Plan,
    text: &str,
    client: &'a Node,
    realm: Option<&'a Node>,
    scopes: &crate::keycloak::Scopes<'a>,
    f: &Finding,
) -> Outcome {
    let manual = |why: &str| Outcome::Manual(why.to_string());
    let by_hand = || Outcome::Manual(f.help.clone());
    let mut done = Vec::new();
    let mut set = |plan: &mut Plan, key: &str, value: &str| {
        if let Some(d) = attr(plan, text, client, key, value) {
            done.push(d);
        }
    };
    match f.code {
        "ATL004" => set(plan, "saml_name_id_format", "email"),
        "KC004" => set(plan, "saml_force_name_id_format", "true"),
        "ATL014" => set(plan, "saml.encrypt", "false"),
        "ATL015" => {
            set(plan, "saml.server.signature", "true");
            set(plan, "saml.assertion.signature", "true");
        }
        "ADC002" => set(plan, "saml.assertion.signature", "true"),
        "ATL016" | "ATL017" | "KC016" => set(plan, "saml.signature.algorithm", "RSA_SHA256"),
        "ATL022" => set(
            plan,
            "saml_signature_canonicalization_method",
            "http://www.w3.org/2001/10/xml-exc-c14n#",
        ),
        "ATL018" => {
            set(plan, "saml.force.post.binding", "true");
            if crate::keycloak::attr(client, "saml.artifact.binding")
                .is_some_and(crate::keycloak::is_true)
            {
                set(plan, "saml.artifact.binding", "false");
            }
        }
        "KC001" | "KC026" => set(plan, "saml.client.signature", "false"),
        "KC015" | "KC027" | "KC028" => {
            let (key, value) = match f.code {
                "KC015" => ("consentRequired", "false"),
                "KC027" => ("bearerOnly", "false"),
                _ => ("standardFlowEnabled", "true"),
            };
            // Keep the JSON type the export uses (a boolean in ClientRepresentation).
            let value = match client.get(key).map(|n| &n.value) {
                Some(Value::Str(_)) => lit(value),
                _ => value.to_string(),
            };
            if let Some(d) = plan.set(text, client, key, &value) {
                done.push(d);
            }
        }
        "KC003" => {
            let acs = crate::keycloak::attr(client, "saml_assertion_consumer_url_post")
                .and_then(Node::as_str)
                .filter(|s| !s.is_empty())
                .or_else(|| client.get("adminUrl").and_then(Node::as_str))
                .filter(|s| !s.is_empty());
            let Some(acs) = acs else {
                return manual(
                    "No ACS is configured, so there is no URL to add: set the client's Assertion Consumer Service POST Binding URL first.",
                );
            };
            let d = match client.get("redirectUris") {
                Some(l) if matches!(l.value, Value::List(_)) => plan.append(l, &lit(acs)),
                Some(_) => None,
                None => plan.set(text, client, "redirectUris", &format!("[{}]", lit(acs))),
            };
            done.extend(d);
        }
        "ATL013" | "KC012" | "ADC003" | "ADC004" => {
            let Some(m) = own_mapper(client, f) else {
                return manual(&format!(
                    "The mapper comes from a client scope shared with other clients: change it in the client scope. {}",
                    f.help
                ));
            };
            let Some(cfg) = m.get("config").filter(|c| matches!(c.value, Value::Map(_))) else {
                return by_hand();
            };
            let get = |k: &str| cfg.get(k).and_then(Node::as_str);
            let (key, value) = match f.code {
                "ATL013" => {
                    let Some(meant) =
                        get("attribute.name").and_then(crate::rules::functions::lookalike_meant)
                    else {
                        return by_hand();
                    };
                    let name =
                        format!("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/{meant}");
                    // Another mapper that applies to the client (its own, or a default client
                    // scope's in a realm export) already sends that claim, or another fix of this run
                    // renames one to it: this one would send it twice (reviews 54, 55); which to keep
                    // is the admin's choice.
                    let (mappers, _) = crate::keycloak::mappers_in(client, realm, scopes);
                    let sent_by_another = mappers.iter().any(|o| {
                        !std::ptr::eq(o.node, m)
                            && o.node
                                .get("config")
                                .and_then(|c| c.get("attribute.name"))
                                .and_then(Node::as_str)
                                == Some(name.as_str())
                    }) || plan
                        .renamed
                        .iter()
                        .any(|(c, n)| Some(*c) == client.span && *n == name);
                    if sent_by_another {
                        return manual(&format!(
                            "Another mapper of this client already sends {name}: remove one of the two. {}",
                            f.help
                        ));
                    }
                    if let Some(c) = client.span {
                        plan.renamed.push((c, name.clone()));
                    }
                    ("attribute.name", name)
                }
                "KC012" => (
                    "attribute.nameformat",
                    nameformat_label(get("attribute.nameformat").unwrap_or_default()).to_string(),
                ),
                "ADC003" => ("full.path", "false".to_string()),
                _ => ("single", "true".to_string()),
            };
            if let Some(d) = plan.set(text, cfg, key, &lit(&value)) {
                let name = m.get("name").and_then(Node::as_str).unwrap_or("?");
                done.push(format!("mapper {}: {d}", crate::util::one_line(name)));
            }
        }
        _ => return by_hand(),
    }
    if done.is_empty() {
        by_hand()
    } else {
        Outcome::Fixed(done)
    }
}

/// One finding and what fixing it did.
pub struct Fixed<'a> {
    pub finding: &'a Finding,
    /// `client <id>` or `realm <name>`.
    pub subject: String,
    pub outcome: Outcome,
}

/// Plan and apply the fixes of one export's findings: `(new text, what happened per finding)`. The
/// subjects are the linted clients and realm of this text (their `model.span` is the client's span).
pub fn fix_text<'a>(
    text: &str,
    subjects: &[&'a crate::lint::Linted],
) -> Result<(String, Vec<Fixed<'a>>), String> {
    let root = crate::tree::parse_json(text).map_err(|e| e.message)?;
    // A realm export: its client scopes' mappers apply to its clients too. In a list of realms
    // (`kc.sh export` of several), the realm that holds the client (review 60: the list's root has no
    // `clients`, and a rename onto a claim a default scope already sends went through).
    // Each realm with its client scopes, indexed once (review 61: once per fix was O(fixes × scopes)).
    let realms: Vec<(&crate::tree::Node, crate::keycloak::Scopes)> =
        if root.get("clients").is_some() {
            vec![&root]
        } else {
            root.items()
                .iter()
                .filter(|r| r.get("clients").is_some())
                .collect()
        }
        .into_iter()
        .map(|r| (r, crate::keycloak::Scopes::new(Some(r))))
        .collect();
    // The realm whose bytes hold the client's.
    let realm_of = |client: &crate::tree::Node| {
        if root.get("clients").is_some() {
            return realms.first();
        }
        let c = client.span?;
        realms
            .iter()
            .find(|(r, _)| r.span.is_some_and(|s| s.start <= c.start && c.end <= s.end))
    };
    let none = crate::keycloak::Scopes::default();
    let mut plan = Plan::default();
    let mut report = Vec::new();
    for m in subjects {
        let subject = m.source.origin.within();
        let client = (m.model.kind == crate::model::MessageKind::KeycloakClient)
            .then(|| find(&root, m.model.span))
            .flatten();
        for f in &m.findings {
            let outcome = match client {
                Some(c) => {
                    let (realm, scopes) = realm_of(c).map_or((None, &none), |(r, s)| (Some(*r), s));
                    plan_one(&mut plan, text, c, realm, scopes, f)
                }
                None => Outcome::Manual(f.help.clone()),
            };
            report.push(Fixed {
                finding: f,
                subject: subject.clone(),
                outcome,
            });
        }
    }
    let edits = plan.edits(text, &root)?;
    Ok((apply(text, &edits), report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_attr(text: &str, key: &str, value: &str) -> String {
        let root = crate::tree::parse_json(text).unwrap();
        let mut plan = Plan::default();
        attr(&mut plan, text, &root, key, value).unwrap();
        let out = apply(text, &plan.edits(text, &root).unwrap());
        crate::tree::parse_json(&out).expect("still JSON");
        out
    }

    #[test]
    fn replaces_in_place_and_inserts_with_the_files_own_separators() {
        let t = "{\n  \"clientId\": \"x\",\n  \"attributes\": {\n    \"a\": \"1\",\n    \"saml.encrypt\": \"true\"\n  }\n}\n";
        assert_eq!(
            set_attr(t, "saml.encrypt", "false"),
            t.replace("\"saml.encrypt\": \"true\"", "\"saml.encrypt\": \"false\"")
        );
        assert_eq!(
            set_attr(t, "b", "2"),
            t.replace(
                "\"saml.encrypt\": \"true\"",
                "\"saml.encrypt\": \"true\",\n    \"b\": \"2\""
            )
        );
        // One member: the separator is the whitespace after `{`.
        let one = "{\"clientId\":\"x\",\"attributes\":{\"a\":\"1\"}}";
        assert_eq!(
            set_attr(one, "b", "2"),
            "{\"clientId\":\"x\",\"attributes\":{\"a\":\"1\",\"b\":\"2\"}}"
        );
        // Empty and missing `attributes`.
        assert_eq!(
            set_attr("{\"clientId\":\"x\",\"attributes\":{}}", "b", "2"),
            "{\"clientId\":\"x\",\"attributes\":{\"b\": \"2\"}}"
        );
        assert_eq!(
            set_attr("{\"clientId\": \"x\"}", "b", "2"),
            "{\"clientId\": \"x\",\"attributes\": {\"b\": \"2\"}}"
        );
        // CRLF and tabs are kept.
        let crlf = "{\r\n\t\"attributes\": {\r\n\t\t\"a\": \"1\"\r\n\t}\r\n}";
        assert_eq!(
            set_attr(crlf, "b", "2"),
            crlf.replace("\"a\": \"1\"", "\"a\": \"1\",\r\n\t\t\"b\": \"2\"")
        );
    }

    #[test]
    fn appends_to_arrays() {
        let t = "{\"redirectUris\": [\n  \"a\",\n  \"b\"\n]}";
        let root = crate::tree::parse_json(t).unwrap();
        let mut plan = Plan::default();
        plan.append(root.get("redirectUris").unwrap(), "\"c\"");
        let out = apply(t, &plan.edits(t, &root).unwrap());
        assert_eq!(out, "{\"redirectUris\": [\n  \"a\",\n  \"b\",\n  \"c\"\n]}");
        let t = "{\"redirectUris\": []}";
        let root = crate::tree::parse_json(t).unwrap();
        let mut plan = Plan::default();
        plan.append(root.get("redirectUris").unwrap(), "\"c\"");
        assert_eq!(
            apply(t, &plan.edits(t, &root).unwrap()),
            "{\"redirectUris\": [\"c\"]}"
        );
    }
}
