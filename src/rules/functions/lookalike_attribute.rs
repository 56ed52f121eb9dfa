//! `lookalike-attribute`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `lookalike-attribute`: attribute names that only resemble the claim names Atlassian reads.
pub struct LookalikeAttribute;
#[derive(Debug)]
struct LookalikeCheck;

const CLAIMS: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";

/// The claim an attribute name was probably meant to be.
pub fn meant(name: &str) -> Option<&'static str> {
    let expected = ["emailaddress", "givenname", "surname", "name", "upn"];
    if let Some(rest) = name.strip_prefix(CLAIMS)
        && expected.contains(&rest)
    {
        return None;
    }
    let n = name.to_ascii_lowercase();
    let tail = n
        .trim_end_matches('/')
        .rsplit(['/', ':', '#'])
        .next()
        .unwrap_or(&n)
        .to_string();
    Some(match (n.as_str(), tail.as_str()) {
        ("urn:oid:1.2.840.113549.1.9.1" | "urn:oid:0.9.2342.19200300.100.1.3", _) => "emailaddress",
        ("urn:oid:2.5.4.42", _) => "givenname",
        ("urn:oid:2.5.4.4", _) => "surname",
        (_, "email" | "mail" | "emailaddress" | "e-mail" | "email_address") => "emailaddress",
        (_, "givenname" | "firstname" | "first_name" | "given_name") => "givenname",
        (_, "surname" | "lastname" | "last_name" | "family_name" | "sn") => "surname",
        _ => return None,
    })
}

impl Function for LookalikeAttribute {
    fn name(&self) -> &'static str {
        "lookalike-attribute"
    }
    fn doc(&self) -> &'static str {
        "A present attribute name must not merely resemble one of the claims Atlassian reads (`http://schemas.xmlsoap.org/ws/2005/05/identity/claims/` emailaddress, givenname, surname): X.500 `urn:oid:` names, `email`, `firstName`, other case or namespace. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(LookalikeCheck))
    }
}

impl Check for LookalikeCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(name) = text(node) else {
            return Vec::new();
        };
        match meant(&name) {
            Some(m) => vec![Hit::new(msg!(
                "is not `{}`, which is what Atlassian reads",
                Arg::plain(format!("{CLAIMS}{m}"))
            ))],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::meant;

    #[test]
    fn lookalikes() {
        assert_eq!(meant("urn:oid:2.5.4.42"), Some("givenname"));
        assert_eq!(meant("email"), Some("emailaddress"));
        assert_eq!(meant("firstName"), Some("givenname"));
        assert_eq!(
            meant("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/EmailAddress"),
            Some("emailaddress")
        );
        assert_eq!(
            meant("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"),
            None
        );
        assert_eq!(meant("Role"), None);
    }
}
