//! Atlassian Cloud's own step after the SAML library: the NameID (as the library hands it on, its whole
//! text) is the account's email address, and with `--domain` it must be in a verified domain. Judged on
//! its own: Atlassian reaches this step only when the library accepts.

use super::text::Text;
use super::{Answer, Confidence, Prediction, Stage};
use crate::xml::Document;

pub const MODEL: &str = "Atlassian Cloud account step (published error texts)";

/// The account step's prediction, when the response has an assertion to read a NameID from.
pub fn predict(doc: &Document, domains: &[String]) -> Option<Prediction> {
    if doc.is_empty() {
        return None;
    }
    doc.first_child(doc.root, crate::model::ns::SAML, "Assertion")?;
    let base = Prediction {
        sp: "atlassian-cloud",
        stage: Stage::Account,
        answer: Answer::Accepted,
        error_description: None,
        error: None,
        model: MODEL,
        confidence: Confidence::Secondary,
        check: None,
        message: None,
        assumptions: Vec::new(),
        reason: None,
    };
    // Without a NameID, the library's profile keeps the nameidentifier claim of an Attribute of
    // that Name (saml.js parseAttributes; the NameID overwrites it when there is one): review 11.
    let name_id = match super::auth0::name_id(doc) {
        Some(v) => Some(v),
        None => match nameidentifier_claim(doc).as_deref() {
            None => None,
            Some([one]) => Some(one.clone()),
            Some([]) => {
                return Some(Prediction {
                    answer: Answer::Unknown,
                    confidence: Confidence::Unconfirmed,
                    check: Some("nameid-missing"),
                    reason: Some(
                        "no NameID, and the nameidentifier claim holds no element, which the library hands on as an empty list"
                            .into(),
                    ),
                    ..base
                });
            }
            Some(_) => {
                return Some(Prediction {
                    answer: Answer::Unknown,
                    confidence: Confidence::Unconfirmed,
                    check: Some("nameid-missing"),
                    reason: Some(
                        "no NameID, and the nameidentifier claim holds several values, which the library hands on as a list"
                            .into(),
                    ),
                    ..base
                });
            }
        },
    };
    let reject = |id: &'static str, text: &'static str, confidence| Prediction {
        answer: Answer::Rejected,
        error_description: Some(Text::lit(text)),
        message: Some(Text::lit(text)),
        error: Some("access_denied"),
        check: Some(id),
        confidence,
        ..base.clone()
    };
    let Some(v) = name_id else {
        // No NameID: Atlassian has nothing to match; what it shows is not published.
        return Some(Prediction {
            answer: Answer::Rejected,
            error: Some("access_denied"),
            check: Some("nameid-missing"),
            confidence: Confidence::Unconfirmed,
            assumptions: vec![
                "the response has no NameID; Atlassian's answer to that is not published".into(),
            ],
            ..base
        });
    };
    if !crate::rules::functions::is_email(&v) {
        // jira.atlassian.com ID-7397 shows this text for a NameID that is not an email address.
        return Some(reject(
            "nameid-not-email",
            "verify-saml-domains:malformed-email-address",
            Confidence::Confirmed,
        ));
    }
    let domain = v.trim().rsplit('@').next().unwrap_or("");
    if !domains.is_empty() && !domains.iter().any(|d| d.eq_ignore_ascii_case(domain)) {
        // Atlassian's KB "Having trouble logging you in" ties this text to a NameID that no account
        // under an authentication policy of this IdP matches.
        return Some(reject(
            "domain-not-verified",
            "authentication-policy-strategy-mismatch",
            Confidence::Secondary,
        ));
    }
    if domains.is_empty() {
        return Some(Prediction {
            assumptions: vec!["the NameID's domain is verified and linked to this identity provider (pass --domain to check)".into()],
            confidence: Confidence::Inferred,
            ..base
        });
    }
    Some(base)
}

/// The account step's checks and the rules that predict them (for `samlint explain` and its tests).
pub static CHECKS: &[(&str, &str, &[&str])] = &[
    (
        "nameid-not-email",
        "verify-saml-domains:malformed-email-address",
        &["ATL004", "KC004", "KC005"],
    ),
    (
        "domain-not-verified",
        "authentication-policy-strategy-mismatch",
        &["ATL004", "ATL005", "KC004"],
    ),
];

const NAMEIDENTIFIER: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";

/// The nameidentifier claim as the library's profile holds it without a NameID (saml.js
/// `parseAttributes`): of the elements named Attribute, in any namespace, that are children of an
/// element named AttributeStatement below the assertion, the last whose `Name` is the claim (each one
/// overwrites the one before); its value the text of each element child, whatever its name or
/// namespace. `None`: no such attribute, or one with no child node (the library's `undefined`).
/// Review 36: samlint merged the values of every such Attribute in the SAML namespace and read only
/// AttributeValue children, and so named another identity than the library hands on.
fn nameidentifier_claim(doc: &Document) -> Option<Vec<String>> {
    let a = doc.first_child(doc.root, crate::model::ns::SAML, "Assertion")?;
    let last = super::auth0::library_attributes(doc, a)
        .filter(|n| {
            doc.attr(*n, "Name")
                .is_some_and(|x| x.value == NAMEIDENTIFIER)
        })
        .last()?;
    if doc.node(last).children.is_empty() {
        return None;
    }
    Some(
        doc.child_elements(last)
            .map(|v| super::auth0::text_content(doc, v))
            .collect(),
    )
}
