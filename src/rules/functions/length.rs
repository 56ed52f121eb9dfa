//! `length`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `length`: the length of a string or list (or a number's value) must lie within `min`..=`max`.
pub struct Length;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    min: Option<String>,
    max: Option<String>,
}

#[derive(Debug)]
struct LengthCheck {
    min: Option<f64>,
    max: Option<f64>,
}

impl Function for Length {
    fn name(&self) -> &'static str {
        "length"
    }
    fn doc(&self) -> &'static str {
        "The length of a string or list, or the value of a number (numbers written as strings too, as Keycloak stores them), must lie within `min` and `max` (both inclusive, at least one given). Absent and unknown values pass."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let mark = o.and_then(|n| n.span().start().copied());
        let num = |s: &Option<String>| -> Result<Option<f64>, OptionsError> {
            s.as_deref()
                .map(|v| {
                    v.parse::<f64>().map_err(|_| OptionsError {
                        message: format!("`{v}` is not a number"),
                        mark,
                    })
                })
                .transpose()
        };
        let c = LengthCheck {
            min: num(&opts.min)?,
            max: num(&opts.max)?,
        };
        if c.min.is_none() && c.max.is_none() {
            return Err(OptionsError {
                message: "`length` needs `min` or `max`".into(),
                mark,
            });
        }
        Ok(Box::new(c))
    }
}

impl Check for LengthCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        use crate::tree::Value;
        let Some(n) = node else { return Vec::new() };
        let len = match &n.value {
            Value::Num(v) => v.parse::<f64>().ok(),
            Value::Str(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .or(Some(s.chars().count() as f64)),
            Value::List(l) => Some(l.len() as f64),
            _ => None,
        };
        let Some(len) = len else { return Vec::new() };
        if self.min.is_some_and(|m| len < m) {
            return vec![Hit::new(msg!(
                "is {}, below {}",
                Arg::plain(len),
                Arg::plain(self.min.unwrap_or_default())
            ))];
        }
        if self.max.is_some_and(|m| len > m) {
            return vec![Hit::new(msg!(
                "is {}, above {}",
                Arg::plain(len),
                Arg::plain(self.max.unwrap_or_default())
            ))];
        }
        Vec::new()
    }
}
