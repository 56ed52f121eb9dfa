//! `defined` / `undefined`.

use super::*;

/// `defined`: the member must be present.
pub struct Defined;
/// `undefined`: the member must be absent.
pub struct Undefined;
#[derive(Debug)]
struct DefinedCheck(bool);

impl Function for Defined {
    fn name(&self) -> &'static str {
        "defined"
    }
    fn doc(&self) -> &'static str {
        "The member named by `field` must be present and not null (JSON null is unset to Keycloak, whose settings the packs read; an empty `given` match reports nothing, so presence is checked with this). No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(DefinedCheck(true)))
    }
}

impl Function for Undefined {
    fn name(&self) -> &'static str {
        "undefined"
    }
    fn doc(&self) -> &'static str {
        "The member named by `field` must be absent. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(DefinedCheck(false)))
    }
}

impl Check for DefinedCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let present = node.is_some_and(|n| !matches!(n.value, crate::tree::Value::Null));
        match (present, self.0) {
            (false, true) => vec![Hit::new("is absent").generic()],
            (true, false) => vec![Hit::new("is present").generic()],
            _ => Vec::new(),
        }
    }
}
