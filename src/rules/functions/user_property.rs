//! `user-property`.

use super::*;

/// `user-property`: a present string must be a property Keycloak's UserModel has
/// ([`crate::keycloak::USER_PROPERTIES`], the one list the profile reads too).
pub struct UserProperty;
#[derive(Debug)]
struct UserPropertyCheck;

impl Function for UserProperty {
    fn name(&self) -> &'static str {
        "user-property"
    }
    fn doc(&self) -> &'static str {
        "A present string must name a property of Keycloak's users, as a `saml-user-property-mapper` reads it: a no-argument `get…`/`is…` method of UserModel (username, email, firstName, lastName, id, …), the first letter in either case. Absent and unknown values pass. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(UserPropertyCheck))
    }
}

impl Check for UserPropertyCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        match text(node) {
            Some(t) if !crate::keycloak::is_user_property(&t) => vec![Hit::new(
                "is not a user property (username, email, firstName, lastName, id, …)",
            )],
            _ => Vec::new(),
        }
    }
}
