//! `unique`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;
use std::collections::HashMap;

/// `unique`: no two items of a list alike in the given keys.
pub struct Unique;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    keys: Option<Vec<String>>,
}

#[derive(Debug)]
struct UniqueCheck {
    /// The members compared; empty = the items themselves (scalars).
    keys: Vec<String>,
}

impl Function for Unique {
    fn name(&self) -> &'static str {
        "unique"
    }
    fn doc(&self) -> &'static str {
        "No two items of a list may be alike: with `keys: [protocol, name]`, alike in all those members of each item (an absent member is a value of its own; an item with none of them, or that is not a map, is not compared), without `keys` alike as scalars. Each item that repeats an earlier one is reported, at its last key, with both places. Values are compared as written (case matters). Absent, unknown and non-list values pass."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = match o {
            None => Opts { keys: None },
            Some(_) => options(o, self.name())?,
        };
        let keys = opts.keys.unwrap_or_default();
        if keys.iter().any(String::is_empty) {
            return Err(OptionsError {
                message: "`unique`: a key is empty".into(),
                mark: o.and_then(|n| n.span().start().copied()),
            });
        }
        Ok(Box::new(UniqueCheck { keys }))
    }
}

impl Check for UniqueCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(crate::tree::Value::List(items)) = node.map(|n| &n.value) else {
            return Vec::new();
        };
        // Hashed: linear in the list (a realm export can hold thousands of clients).
        let mut seen: HashMap<Vec<Option<String>>, usize> = HashMap::new();
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let (key, last) = if self.keys.is_empty() {
                (vec![text(Some(item))], item)
            } else {
                if !matches!(item.value, crate::tree::Value::Map(_)) {
                    continue;
                }
                let members: Vec<Option<&Node>> = self.keys.iter().map(|k| item.get(k)).collect();
                let Some(last) = members.iter().rev().flatten().next() else {
                    continue;
                };
                (members.iter().map(|m| text(*m)).collect(), *last)
            };
            if key.iter().all(Option::is_none) {
                continue;
            }
            match seen.get(&key) {
                None => {
                    seen.insert(key, i);
                }
                Some(first) => {
                    let at = self
                        .keys
                        .iter()
                        .rev()
                        .find(|k| item.get(k).is_some())
                        .map_or_else(
                            || format!("[{i}]"),
                            |k| crate::rules::selector::member_path(&format!("[{i}]"), k),
                        );
                    let mut hit = Hit::new(msg!(
                        "item [{}] repeats item [{}]",
                        Arg::plain(i.to_string()),
                        Arg::plain(first.to_string())
                    ))
                    .at(last.span)
                    .path(at);
                    if let Some(v) = last.scalar_text() {
                        hit = hit.value(v);
                    }
                    out.push(hit);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty key would compare a member no item has: an error of the pack, at its options.
    #[test]
    fn an_empty_key_is_an_options_error() {
        let compile = |yaml: Option<&str>| {
            let o = yaml.map(|y| marked_yaml::parse_yaml(0, y).expect("YAML"));
            Unique
                .compile(o.as_ref())
                .err()
                .map(|e| (e.message, e.mark.is_some()))
        };
        assert_eq!(
            compile(Some("keys: [name, '']")),
            Some(("`unique`: a key is empty".into(), true))
        );
        assert_eq!(compile(Some("keys: [protocol, name]")), None);
        assert_eq!(compile(None), None);
        assert!(compile(Some("key: [name]")).is_some(), "unknown option");
    }

    fn run(keys: &[&str], json: &str) -> Vec<(String, String, String)> {
        let tree = crate::tree::parse_json(json).expect("parses");
        let c = UniqueCheck {
            keys: keys.iter().map(|k| k.to_string()).collect(),
        };
        let cx = Cx {
            root: &tree,
            domains: &[],
            idp_certs: &[],
        };
        c.run(Some(&tree), &cx)
            .into_iter()
            .map(|h| {
                (
                    h.path.unwrap_or_default(),
                    h.value.unwrap_or_default(),
                    h.error.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn each_repeat_is_reported_with_both_places() {
        let mappers = r#"[
            {"name": "email", "protocol": "saml"},
            {"name": "email", "protocol": "openid-connect"},
            {"name": "email", "protocol": "saml"},
            {"name": "Email", "protocol": "saml"},
            {"name": "email", "protocol": "saml"},
            {"protocol": "saml"},
            {"protocol": "saml"},
            "email",
            {"name": "x"},
            {"name": "x"}
        ]"#;
        assert_eq!(
            run(&["protocol", "name"], mappers),
            [
                (
                    "[2].name".into(),
                    "email".into(),
                    "item [2] repeats item [0]".into()
                ),
                (
                    "[4].name".into(),
                    "email".into(),
                    "item [4] repeats item [0]".into()
                ),
                // An absent protocol is a value of its own: alike with another absent one.
                (
                    "[6].protocol".into(),
                    "saml".into(),
                    "item [6] repeats item [5]".into()
                ),
                (
                    "[9].name".into(),
                    "x".into(),
                    "item [9] repeats item [8]".into()
                ),
            ]
        );
        assert_eq!(
            run(&[], r#"["a", "b", "a", {"a": 1}, {"a": 1}]"#),
            [("[2]".into(), "a".into(), "item [2] repeats item [0]".into())]
        );
        assert_eq!(run(&["name"], r#"{"name": "a"}"#), []);
        assert_eq!(run(&["name"], r#"[{"n": 1}, {"n": 1}]"#), []);
    }
}
