//! `contains`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `contains`: a list must hold an item whose member `key` equals `value` (or one of `values`).
pub struct Contains;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    key: String,
    value: Option<Scalar>,
    values: Option<Vec<Scalar>>,
}

#[derive(Debug)]
struct ContainsCheck {
    key: String,
    values: Vec<String>,
}

impl Function for Contains {
    fn name(&self) -> &'static str {
        "contains"
    }
    fn doc(&self) -> &'static str {
        "The list must hold an item whose member `key` equals `value` (or any of `values`). An absent list fails; a list the source cannot know passes."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let mut values = opts.values.unwrap_or_default();
        values.extend(opts.value);
        if values.is_empty() {
            return Err(OptionsError {
                message: "`contains` needs `value` or `values`".into(),
                mark: o.and_then(|n| n.span().start().copied()),
            });
        }
        Ok(Box::new(ContainsCheck {
            key: opts.key,
            values,
        }))
    }
}

impl Check for ContainsCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        if node.is_some_and(|n| n.value == crate::tree::Value::Unknown) {
            return Vec::new();
        }
        let found = node.is_some_and(|n| {
            n.items().iter().any(|i| {
                i.get(&self.key)
                    .and_then(Node::scalar_text)
                    .is_some_and(|v| self.values.contains(&v))
            })
        });
        if found {
            Vec::new()
        } else {
            vec![
                Hit::new(msg!(
                    "has no item whose {} is `{}`",
                    Arg::plain(&self.key),
                    Arg::plain(self.values.join("` or `"))
                ))
                .generic(),
            ]
        }
    }
}
