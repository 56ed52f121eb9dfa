//! `email-domain`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `email-domain`: an email's domain must be one of the run's `--domain` values.
pub struct EmailDomain;
#[derive(Debug)]
struct DomainCheck;

impl Function for EmailDomain {
    fn name(&self) -> &'static str {
        "email-domain"
    }
    fn doc(&self) -> &'static str {
        "When the run has `--domain` values (the organisation's verified domains), an email address must belong to one of them (subdomains do not count: Atlassian verifies each domain). Without `--domain`, and for values that are not email addresses, it passes. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(DomainCheck))
    }
}

impl Check for DomainCheck {
    fn run(&self, node: Option<&Node>, cx: &Cx) -> Vec<Hit> {
        if cx.domains.is_empty() {
            return Vec::new();
        }
        let Some(t) = text(node) else {
            return Vec::new();
        };
        let Some((_, domain)) = t.trim().rsplit_once('@') else {
            return Vec::new();
        };
        if cx.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
            Vec::new()
        } else {
            // The organisation's domains are input too: each is redacted like the NameID's (review 30).
            let mut m = msg!(
                "has domain `{}`, which is not among --domain ",
                Arg::domain(domain)
            );
            for (i, d) in cx.domains.iter().enumerate() {
                if i > 0 {
                    m.push(msg!(", "));
                }
                m.push(msg!("{}", Arg::domain(d.as_str())));
            }
            vec![Hit::new(m)]
        }
    }
}
