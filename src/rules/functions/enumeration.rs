//! `enumeration`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `enumeration`: a present scalar must be one of `values` (with `not: true`, none of them).
pub struct Enumeration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    values: Vec<Scalar>,
    #[serde(default)]
    not: Option<String>,
}

#[derive(Debug)]
struct EnumCheck {
    values: Vec<String>,
    not: bool,
}

impl Function for Enumeration {
    fn name(&self) -> &'static str {
        "enumeration"
    }
    fn doc(&self) -> &'static str {
        "A present scalar must be one of `values`; with `not: true`, none of them. Absent and unknown values pass."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        if opts.values.is_empty() {
            return Err(OptionsError {
                message: "`enumeration` needs at least one value".into(),
                mark: o.and_then(|n| n.span().start().copied()),
            });
        }
        Ok(Box::new(EnumCheck {
            values: opts.values,
            not: super::flag(&opts.not)?,
        }))
    }
}

impl Check for EnumCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(t) = text(node) else {
            return Vec::new();
        };
        let inside = self.values.contains(&t);
        if inside == self.not {
            let list = self.values.join("`, `");
            vec![
                Hit::new(if self.not {
                    msg!("is one of `{}`", Arg::plain(list))
                } else {
                    msg!("is not one of `{}`", Arg::plain(list))
                })
                .generic(),
            ]
        } else {
            Vec::new()
        }
    }
}
