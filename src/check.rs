//! The structural sanity checks (codes `STR…`): is this a SAML message of a kind samlint lints, and is
//! its skeleton complete? Protocol, signature and profile rules build on top of these.

use crate::finding::{Arg, Finding, RuleMeta, Severity};
use crate::model::{Message, MessageKind, ns};
use crate::msg;
use crate::xml::Document;

const SAML_CORE: &str = "SAML 2.0 Core (saml-core-2.0-os)";

pub const STR001: RuleMeta = RuleMeta {
    code: "STR001",
    name: "not-saml-message",
    severity: Severity::Error,
    summary: "The document is XML but not a SAML 2.0 protocol message",
    help: "pass the SAMLResponse (or SAMLRequest) value itself; metadata goes to --idp-metadata",
    source: SAML_CORE,
};
pub const STR002: RuleMeta = RuleMeta {
    code: "STR002",
    name: "unexpected-root",
    severity: Severity::Error,
    summary: "A SAML document whose root is not a Response, AuthnRequest, LogoutRequest or LogoutResponse",
    help: "browsers carry samlp:Response / samlp:AuthnRequest / samlp:Logout*; capture the whole message, not an element cut out of it",
    source: SAML_CORE,
};
pub const STR003: RuleMeta = RuleMeta {
    code: "STR003",
    name: "missing-issuer",
    severity: Severity::Error,
    summary: "An Assertion or request has no Issuer",
    help: "the IdP (or SP, for requests) must name itself in <saml:Issuer>; SPs reject messages they cannot attribute",
    source: "SAML 2.0 Core §2.3.3 (Assertion Issuer is required); Profiles §4.1.4.1 (AuthnRequest Issuer)",
};
pub const STR004: RuleMeta = RuleMeta {
    code: "STR004",
    name: "response-issuer-missing",
    severity: Severity::Warning,
    summary: "The Response has no Issuer",
    help: "the Web Browser SSO profile requires the Response Issuer when the Response is signed or the assertion encrypted; most SPs expect it always",
    source: "SAML 2.0 Profiles §4.1.4.2",
};
pub const STR005: RuleMeta = RuleMeta {
    code: "STR005",
    name: "missing-status",
    severity: Severity::Error,
    summary: "A Response or LogoutResponse has no Status",
    help: "<samlp:Status> with a StatusCode is required in every StatusResponseType",
    source: "SAML 2.0 Core §3.2.2",
};
pub const STR006: RuleMeta = RuleMeta {
    code: "STR006",
    name: "success-without-assertion",
    severity: Severity::Error,
    summary: "A successful Response carries no Assertion",
    help: "a Success response to an authentication request must carry exactly one assertion with the user's identity",
    source: "SAML 2.0 Profiles §4.1.4.2",
};
pub const STR007: RuleMeta = RuleMeta {
    code: "STR007",
    name: "multiple-assertions",
    severity: Severity::Error,
    summary: "The Response carries more than one assertion",
    help: "send exactly one assertion; SPs (python3-saml, ruby-saml, Atlassian's) reject several, and it is the shape of signature-wrapping attacks",
    source: "https://github.com/SAML-Toolkits/java-saml/blob/5cd3ed8753dcc076cde86ec68aeb5781326868c8/core/src/main/java/com/onelogin/saml2/authn/SamlResponse.java ('SAML Response must contain 1 Assertion.')",
};
pub const STR008: RuleMeta = RuleMeta {
    code: "STR008",
    name: "encrypted-assertion",
    severity: Severity::Warning,
    summary: "The assertion is encrypted, so its content cannot be checked",
    help: "samlint cannot read an EncryptedAssertion without the SP's private key; Atlassian Cloud does not accept encrypted assertions (turn off 'Encrypt assertions' on the Keycloak client)",
    source: "https://www.npmjs.com/package/passport-wsfed-saml2/v/4.6.1 lib/passport-wsfed-saml2/samlp.js ('Assertion is encrypted'); SAML 2.0 Core §2.3.4",
};
pub const STR009: RuleMeta = RuleMeta {
    code: "STR009",
    name: "unsupported-version",
    severity: Severity::Error,
    summary: "Version is missing or not 2.0",
    help: "SAML 2.0 messages and assertions carry Version=\"2.0\"",
    source: "SAML 2.0 Core §2.3.3, §3.2.1",
};
pub const STR010: RuleMeta = RuleMeta {
    code: "STR010",
    name: "missing-id",
    severity: Severity::Error,
    summary: "A message or assertion has no ID",
    help: "ID is required: signatures reference it (Reference URI=\"#ID\") and SPs use it for replay detection",
    source: "SAML 2.0 Core §2.3.3, §3.2.1",
};

/// Every built-in structural rule, in code order.
pub const RULES: &[RuleMeta] = &[
    STR001, STR002, STR003, STR004, STR005, STR006, STR007, STR008, STR009, STR010,
];

pub const STATUS_SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";

/// Run the structural checks on one message.
pub fn check(_doc: &Document, m: &Message) -> Vec<Finding> {
    let mut out = Vec::new();
    let root_path = format!("/{}", m.root_name);
    if m.kind == MessageKind::Other {
        // The root's name is structure (shown); its namespace URI is a value (public or redacted).
        let name = Arg::path(&m.root_name);
        let nsarg = || Arg::value(m.root_ns.clone().unwrap_or_default());
        let ns = m.root_ns.as_deref().unwrap_or("");
        let (rule, msg, help) = if ns == ns::SAML && m.root_name == "Assertion" {
            (
                STR002,
                msg!("the root is a bare saml:Assertion, not a samlp:Response"),
                Some(
                    "an SP receives the assertion inside a samlp:Response; paste the whole SAMLResponse value",
                ),
            )
        } else if ns == ns::MD {
            (
                STR002,
                msg!("this is SAML metadata (a {} element), not a message", name),
                Some("pass metadata with --idp-metadata FILE; lint the SAMLResponse itself"),
            )
        } else if ns == ns::SAML1P || ns == ns::SAML1 {
            (
                STR002,
                msg!(
                    "this is SAML 1.x (a {} element of {}); samlint lints SAML 2.0",
                    name,
                    nsarg()
                ),
                Some("Atlassian and Keycloak use SAML 2.0; check the IdP's protocol setting"),
            )
        } else if ns == ns::SAMLP {
            (
                STR002,
                msg!("root element samlp:{} is not a message samlint lints", name),
                None,
            )
        } else if m.root_ns.is_some() {
            (
                STR001,
                msg!(
                    "root element is {} in the namespace {}, not a SAML 2.0 protocol message",
                    name,
                    nsarg()
                ),
                None,
            )
        } else {
            (
                STR001,
                msg!(
                    "root element is {} in no namespace, not a SAML 2.0 protocol message",
                    name
                ),
                None,
            )
        };
        let mut f = Finding::new(&rule, msg)
            .at(m.start_tag, root_path)
            .label("root element");
        if let Some(h) = help {
            f = f.help(h);
        }
        out.push(f);
        return out;
    }
    let kind = Arg::plain(m.kind.as_str());
    // Root ID and Version.
    match &m.id {
        None => out.push(
            Finding::new(&STR010, msg!("the {} has no ID attribute", kind.clone()))
                .at(m.start_tag, &root_path)
                .label("no ID"),
        ),
        Some(v) if v.value.trim().is_empty() => out.push(
            Finding::new(&STR010, msg!("the {} has an empty ID", kind.clone()))
                .at(v.span, &root_path)
                .label("empty"),
        ),
        _ => {}
    }
    match &m.version {
        None => out.push(
            Finding::new(
                &STR009,
                msg!("the {} has no Version attribute", kind.clone()),
            )
            .at(m.start_tag, &root_path)
            .label("no Version"),
        ),
        Some(v) if v.value != "2.0" => out.push(
            Finding::new(
                &STR009,
                msg!(
                    "the {} has Version=\"{}\", not \"2.0\"",
                    kind.clone(),
                    Arg::value(&v.value)
                ),
            )
            .at(v.span, &root_path)
            .label("version"),
        ),
        _ => {}
    }
    // Issuer.
    if m.issuer.is_none() {
        let rule = if m.kind == MessageKind::Response || m.kind == MessageKind::LogoutResponse {
            STR004
        } else {
            STR003
        };
        out.push(
            Finding::new(&rule, msg!("the {} has no Issuer", kind.clone()))
                .at(m.start_tag, &root_path)
                .label("no <saml:Issuer> in here"),
        );
    }
    // Status.
    if matches!(m.kind, MessageKind::Response | MessageKind::LogoutResponse) && m.status.is_none() {
        out.push(
            Finding::new(&STR005, msg!("the {} has no Status", kind.clone()))
                .at(m.start_tag, &root_path)
                .label("no <samlp:Status> in here"),
        );
    }
    if m.kind == MessageKind::Response {
        let success = m
            .status
            .as_ref()
            .and_then(|s| s.code.as_ref())
            .is_some_and(|c| c.value == STATUS_SUCCESS);
        let count = m.assertions.len() + m.encrypted_assertions.len();
        if success && count == 0 {
            out.push(
                Finding::new(
                    &STR006,
                    "the Response says Success but carries no Assertion",
                )
                .at(m.start_tag, &root_path)
                .label("no assertion in this response"),
            );
        }
        if count > 1 {
            let second = m
                .assertions
                .get(1)
                .map(|a| (a.start_tag, a.path.clone()))
                .or_else(|| {
                    m.encrypted_assertions
                        .last()
                        .map(|e| (e.span, e.path.clone()))
                });
            if let Some((span, path)) = second {
                out.push(
                    Finding::new(
                        &STR007,
                        msg!(
                            "the Response carries {} assertions; exactly one is expected",
                            Arg::plain(count)
                        ),
                    )
                    .at(span, path)
                    .label("another assertion"),
                );
            }
        }
        for e in &m.encrypted_assertions {
            let mut said = crate::decrypt::summary(&crate::decrypt::describe(_doc, e));
            said.push(crate::msg!(
                ". Its subject, conditions and attributes cannot be checked: pass the SP's private key with --sp-key to check what is inside"
            ));
            out.push(
                Finding::new(&STR008, said)
                    .at(e.start_tag, &e.path)
                    .label("EncryptedAssertion"),
            );
        }
    }
    for a in &m.assertions {
        match &a.id {
            None => out.push(
                Finding::new(&STR010, "the Assertion has no ID attribute")
                    .at(a.start_tag, &a.path)
                    .label("no ID"),
            ),
            Some(v) if v.value.trim().is_empty() => out.push(
                Finding::new(&STR010, "the Assertion has an empty ID")
                    .at(v.span, &a.path)
                    .label("empty"),
            ),
            _ => {}
        }
        match &a.version {
            None => out.push(
                Finding::new(&STR009, "the Assertion has no Version attribute")
                    .at(a.start_tag, &a.path)
                    .label("no Version"),
            ),
            Some(v) if v.value != "2.0" => out.push(
                Finding::new(
                    &STR009,
                    msg!(
                        "the Assertion has Version=\"{}\", not \"2.0\"",
                        Arg::value(&v.value)
                    ),
                )
                .at(v.span, &a.path)
                .label("version"),
            ),
            _ => {}
        }
        if a.issuer.is_none() {
            out.push(
                Finding::new(&STR003, "the Assertion has no Issuer")
                    .at(a.start_tag, &a.path)
                    .label("no <saml:Issuer> in here"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }
}
