//! `email`.

use super::*;

/// `email`: a present string must be an email address.
pub struct Email;
#[derive(Debug)]
struct EmailCheck;

/// A pragmatic email check: `local@domain.tld`, no spaces, one `@`.
pub fn is_email(v: &str) -> bool {
    let v = v.trim();
    match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !v.contains(char::is_whitespace)
        }
        None => false,
    }
}

impl Function for Email {
    fn name(&self) -> &'static str {
        "email"
    }
    fn doc(&self) -> &'static str {
        "A present string must look like an email address (`local@domain.tld`, one `@`, no spaces). Absent and unknown values pass. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(EmailCheck))
    }
}

impl Check for EmailCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        match text(node) {
            Some(t) if !is_email(&t) => vec![Hit::new("is not an email address")],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn emails() {
        assert!(is_email("a.b@example.com"));
        assert!(!is_email("alice"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("a@b@example.com"));
    }
}
