//! Atlassian Data Center (SSO 2.0) runs its own SAML stack, which samlint has not run: its prediction
//! is samlint's own verdict (an error finding of the signature, protocol or Data Center checks rejects),
//! with the one error text Atlassian's KBs publish for a cause samlint sees, and always `unconfirmed`.

use super::text::Text;
use super::{Answer, Confidence, Input, Prediction, Stage};
use crate::finding::Severity;

pub const MODEL: &str =
    "Atlassian Data Center SSO 2.0 (not run; samlint's findings and Atlassian's published texts)";

const UNSIGNED_ASSERTION: &str =
    "The Assertion of the Response is not signed and the SP requires it";

pub fn predict(i: &Input) -> Prediction {
    let base = Prediction {
        sp: "atlassian-datacenter",
        stage: Stage::SamlLibrary,
        answer: Answer::Accepted,
        error_description: None,
        error: None,
        model: MODEL,
        confidence: Confidence::Unconfirmed,
        check: None,
        message: None,
        assumptions: Vec::new(),
        reason: None,
    };
    // Review 30: a response that does not decode as its request carried it never reaches the checks.
    if let Some(why) = super::undecodable(i.source) {
        return Prediction {
            answer: Answer::Rejected,
            check: Some("undecodable"),
            assumptions: vec![why],
            ..base
        };
    }
    // Review (2026-12-05): the prediction is about the message as sent (the model here is the one
    // received), never what samlint's own --sp-key opened. SSO 2.0 has no SP decryption key to
    // configure, so an encrypted assertion does not open there.
    if !i.model.encrypted_assertions.is_empty() {
        return Prediction {
            answer: Answer::Rejected,
            check: Some("assertion-encrypted"),
            assumptions: vec![crate::finding::Msg::from(
                "rejected because the assertion was sent encrypted and Data Center's SSO 2.0 has no key to decrypt it; its error text for this is not modelled",
            )],
            ..base
        };
    }
    let unsigned = i.model.assertions.iter().any(|a| a.signature.is_none());
    if unsigned && !i.model.assertions.is_empty() {
        return Prediction {
            answer: Answer::Rejected,
            error_description: Some(Text::lit(UNSIGNED_ASSERTION)),
            message: Some(Text::lit(UNSIGNED_ASSERTION)),
            check: Some("assertion-unsigned"),
            ..base
        };
    }
    let decisive = i.findings.iter().find(|f| {
        f.severity == Severity::Error
            && (f.code.starts_with("SIG") || f.code.starts_with("PRO") || f.code.starts_with("ADC"))
    });
    // Data Center checks the assertion with the one certificate configured in it: a signature checked
    // only with the certificate the message carries says nothing of that one (review 36: an
    // attacker's own certificate was predicted accepted, with nothing assumed). Cloud says the same.
    let untrusted = i
        .report
        .is_some_and(|r| r.status == crate::verify::Status::Untrusted);
    let base = if untrusted {
        Prediction {
            assumptions: vec![crate::finding::Msg::from(
                "the certificate configured in Data Center is the one the response carries (pass --idp-cert)",
            )],
            ..base
        }
    } else {
        base
    };
    match decisive {
        Some(f) => Prediction {
            answer: Answer::Rejected,
            check: Some(f.code),
            assumptions: vec![crate::msg!(
                "rejected because of {}; Data Center's own error text for it is not modelled",
                crate::finding::Arg::plain(f.code)
            )],
            ..base
        },
        None => base,
    }
}
