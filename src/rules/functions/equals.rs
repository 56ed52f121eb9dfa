//! `equals`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `equals`: a present scalar must equal `value` (or, with `not: true`, must not).
pub struct Equals;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    value: Scalar,
    #[serde(default)]
    not: Option<String>,
    #[serde(default)]
    case_insensitive: Option<String>,
}

#[derive(Debug)]
struct EqualsCheck {
    value: String,
    not: bool,
    ci: bool,
}

impl Function for Equals {
    fn name(&self) -> &'static str {
        "equals"
    }
    fn doc(&self) -> &'static str {
        "A present scalar must equal `value` (compared as text; `case_insensitive: true` ignores ASCII case). With `not: true` it must differ. Absent and unknown values pass (use `defined` to require presence)."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        Ok(Box::new(EqualsCheck {
            value: opts.value,
            not: flag(&opts.not)?,
            ci: flag(&opts.case_insensitive)?,
        }))
    }
}

impl Check for EqualsCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(t) = text(node) else {
            return Vec::new();
        };
        let eq = if self.ci {
            t.eq_ignore_ascii_case(&self.value)
        } else {
            t == self.value
        };
        if eq == self.not {
            let what = if self.not { "equals" } else { "is not" };
            vec![Hit::new(msg!("{} `{}`", Arg::plain(what), Arg::plain(&self.value))).generic()]
        } else {
            Vec::new()
        }
    }
}
