//! `truthy` / `falsy`.

use super::*;
use crate::tree::Value;

fn is_truthy(n: &Node) -> bool {
    match &n.value {
        Value::Bool(b) => *b,
        Value::Str(s) => !s.is_empty() && s != "false",
        Value::Num(n) => n.parse::<f64>().is_ok_and(|v| v != 0.0),
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.is_empty(),
        Value::Null | Value::Unknown => false,
    }
}

/// `truthy`: the value must be present and true (a boolean true, a non-empty string other than
/// "false", a non-zero number, a non-empty list or map). No options.
pub struct Truthy;
#[derive(Debug)]
struct TruthyCheck(bool);

impl Function for Truthy {
    fn name(&self) -> &'static str {
        "truthy"
    }
    fn doc(&self) -> &'static str {
        "The value must be present and true: a boolean true, a non-empty string other than \"false\", a non-zero number, a non-empty list or map. An unknown value (the source cannot tell) passes. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(TruthyCheck(true)))
    }
}

/// `falsy`: the value must be absent or false.
pub struct Falsy;

impl Function for Falsy {
    fn name(&self) -> &'static str {
        "falsy"
    }
    fn doc(&self) -> &'static str {
        "The value must be absent or false (the opposite of `truthy`). No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(TruthyCheck(false)))
    }
}

impl Check for TruthyCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        if node.is_some_and(|n| n.value == Value::Unknown) {
            return Vec::new();
        }
        let t = node.is_some_and(is_truthy);
        if t == self.0 {
            Vec::new()
        } else if self.0 {
            vec![
                Hit::new(if node.is_none() {
                    "is absent"
                } else {
                    "is false"
                })
                .generic(),
            ]
        } else {
            vec![Hit::new("is true").generic()]
        }
    }
}
