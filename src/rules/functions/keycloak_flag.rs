//! `keycloak-flag`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use serde::Deserialize;

/// `keycloak-flag`: a Boolean field of a Keycloak representation, read as Keycloak reads it, must not
/// be `value`.
pub struct KeycloakFlag;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Opts {
    value: Scalar,
}

#[derive(Debug)]
struct FlagCheck {
    value: bool,
}

impl Function for KeycloakFlag {
    fn name(&self) -> &'static str {
        "keycloak-flag"
    }
    fn doc(&self) -> &'static str {
        "Runs on a Boolean field of a Keycloak client or realm (`enabled`, `bearerOnly`, `consentRequired` …, not the string-valued `attributes`): reports it when it reads as `value` (true or false) the way Keycloak's JSON import reads it: a JSON boolean, the string \"true\" or \"false\" (also \"True\", \"TRUE\", \"False\", \"FALSE\"; white space around is dropped), or an integer (0 false, any other true). Absent, null and empty values pass (Keycloak's default applies)."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        let opts: Opts = options(o, self.name())?;
        let value = flag(&Some(opts.value)).map_err(|e| OptionsError {
            mark: o.and_then(|n| n.span().start().copied()),
            ..e
        })?;
        Ok(Box::new(FlagCheck { value }))
    }
}

impl Check for FlagCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        match node.and_then(crate::keycloak::representation_flag) {
            Some(v) if v == self.value => {
                vec![Hit::new(msg!("reads as {}", Arg::plain(v.to_string()))).generic()]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_keycloaks_import_does() {
        let read = |json: &str| {
            let tree = crate::tree::parse_json(&format!("{{\"v\": {json}}}")).expect("parses");
            let cx = Cx {
                root: &tree,
                domains: &[],
                idp_certs: &[],
            };
            let hit = |value| !FlagCheck { value }.run(tree.get("v"), &cx).is_empty();
            match (hit(true), hit(false)) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                (false, false) => None,
                (true, true) => panic!("{json} read as both"),
            }
        };
        for (json, want) in [
            ("true", Some(true)),
            ("false", Some(false)),
            ("\"TRUE\"", Some(true)),
            ("\"False\"", Some(false)),
            (" \" false \"", Some(false)),
            ("\"tRUE\"", None),
            ("\"false\\t\"", Some(false)),
            ("\"false\\u00a0\"", None),
            ("0", Some(false)),
            ("1", Some(true)),
            ("-1", Some(true)),
            ("0.0", None),
            ("1e3", None),
            ("\"1\"", None),
            ("\"\"", None),
            ("null", None),
            ("[]", None),
        ] {
            assert_eq!(read(json), want, "{json}");
        }
    }
}
