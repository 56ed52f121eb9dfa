//! Stage 4, accept: each signature's verdict from the contract and the crypto, then the message's
//! status from those verdicts. Pure decisions over the facts of the earlier stages.

use super::cert::Cert;
use super::contract::{Contract, Refusal, SigContract};
use super::crypto::Runs;
use super::dsig::Crypto;
use super::locate::{Located, Site};
use super::{SigReport, Status, cause};
use crate::finding::{Arg, Msg};
use crate::model::Message;
use crate::msg;
use crate::xml::{Document, NodeId};

/// One signature's verdict.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// `valid`, `invalid`, or `not-verified`.
    pub result: &'static str,
    pub cause: Option<&'static str>,
    pub detail: Option<Msg>,
    /// The key the verdict is about (the one that verified it, or the first one that failed).
    pub key: Option<usize>,
}

impl Verdict {
    fn refused(r: &Refusal) -> Self {
        Verdict {
            result: "not-verified",
            cause: Some(r.cause),
            detail: Some(r.detail.clone()),
            key: None,
        }
    }
    /// Valid by the crypto and accepted by the contract.
    pub fn accepted(&self, sc: &SigContract) -> bool {
        self.result == "valid" && sc.refused.is_none()
    }
}

/// Which keys to try for a signature: every trusted key, or else its own KeyInfo certificate.
fn candidates(site: &Site, keys: &[Cert], trusted: bool) -> Vec<usize> {
    if trusted {
        return (0..keys.len()).collect();
    }
    keys.iter()
        .enumerate()
        .filter(|(_, k)| {
            site.keyinfo_certs
                .iter()
                .flatten()
                .any(|d| d[..] == k.der[..])
        })
        .map(|(i, _)| i)
        .take(1)
        .collect()
}

/// The verdict on one signature.
#[allow(clippy::too_many_arguments)]
pub fn signature(
    doc: &Document,
    site: &Site,
    sc: &SigContract,
    doc_refused: Option<&Refusal>,
    runs: &Runs,
    keys: &[Cert],
    trusted: bool,
    options: &'static str,
) -> Verdict {
    // Refusals that keep the verifier's verdict away. Wrapping-shaped ones (an intact signature in the
    // wrong place) still get their crypto result: the two layers are reported apart, and the contract
    // outranks the crypto in the end.
    if let Some(r) = &sc.refused
        && r.cause != cause::WRAPPING
        && r.cause != cause::UNEXPECTED_SIGNATURE
    {
        return Verdict::refused(r);
    }
    if let Some(r) = doc_refused.or(runs.doc_error.as_ref()) {
        return Verdict::refused(r);
    }
    let cands = candidates(site, keys, trusted);
    if cands.is_empty() {
        return Verdict {
            result: "not-verified",
            cause: Some(cause::NO_KEY),
            detail: Some(msg!(
                "no {} was given and the signature carries no certificate",
                Arg::plain(options)
            )),
            key: None,
        };
    }
    let end = doc.node(site.node).span.end;
    let mut first_failure: Option<(usize, String)> = None;
    // A key the verifier could apply says more than one it could not (another key type): the cause
    // does not depend on the order the keys were given in (review 53: an ECDSA signature's wrong
    // length was 'verifier-error' with the RSA certificate given first).
    let mut first_applied: Option<(usize, String)> = None;
    for ki in cands {
        match runs.get(ki, end) {
            Some(Crypto::Valid { references }) => {
                let mut v = match positions_agree(doc, site, sc, references) {
                    Ok(()) => Verdict {
                        result: "valid",
                        cause: None,
                        detail: None,
                        key: Some(ki),
                    },
                    Err(detail) => Verdict {
                        result: "not-verified",
                        cause: Some(cause::DISAGREEMENT),
                        detail: Some(detail),
                        key: Some(ki),
                    },
                };
                outrank(&mut v, sc);
                return v;
            }
            Some(Crypto::Invalid(reason)) => {
                first_failure.get_or_insert((ki, reason.clone()));
                if failure_cause(reason, trusted) != cause::VERIFIER_ERROR {
                    first_applied.get_or_insert((ki, reason.clone()));
                }
            }
            None => {}
        }
    }
    let (ki, reason) = first_applied
        .or(first_failure)
        .unwrap_or((0, "no result".into()));
    let c = failure_cause(&reason, trusted);
    // The verifier's words may quote the document: free text.
    let reason = msg!("{}", Arg::text(reason));
    let mut v = Verdict {
        // A verifier that could not process the signature gave no crypto verdict.
        result: if c == cause::VERIFIER_ERROR {
            "not-verified"
        } else {
            "invalid"
        },
        cause: Some(c),
        detail: Some(reason),
        key: Some(ki),
    };
    outrank(&mut v, sc);
    v
}

/// The contract's refusal outranks whatever the crypto said.
fn outrank(v: &mut Verdict, sc: &SigContract) {
    if let Some(r) = &sc.refused {
        v.cause = Some(r.cause);
        v.detail = Some(r.detail.clone());
    }
}

/// The verifier's References must be ours: as many, every digest checked, each resolved to the element
/// samlint resolved it to (the whole document for `URI=""`).
fn positions_agree(
    doc: &Document,
    site: &Site,
    sc: &SigContract,
    references: &[super::dsig::RefResult],
) -> Result<(), Msg> {
    if references.len() != site.references.len() {
        return Err(msg!(
            "the verifier checked {} References where the signature has {}",
            Arg::plain(references.len()),
            Arg::plain(site.references.len())
        ));
    }
    if references.iter().any(|r| !r.digest_ok) {
        return Err(msg!(
            "the verifier accepted a Reference without checking its digest"
        ));
    }
    // More than one Reference is refused by the contract (outside Advice); the first decides the target.
    let whole = site
        .references
        .first()
        .is_some_and(|r| r.uri.as_deref() == Some(""));
    let ours = sc.target.map(|t| doc.node(t).span.range());
    let theirs = references.first().and_then(|r| r.resolved);
    let agree = match (&ours, theirs) {
        (Some(o), Some(t)) => t.is(o.clone()),
        (Some(_), None) => whole && sc.target == Some(doc.root),
        _ => false,
    };
    if agree {
        Ok(())
    } else {
        Err(msg!(
            "the verifier validated a Reference over the element ending at byte {}, but samlint resolves it to the element at bytes {}",
            Arg::plain(theirs.map_or("(none)".into(), |t| t.end.to_string())),
            Arg::plain(ours.map_or("(none)".into(), |o| format!("{}..{}", o.start, o.end)))
        ))
    }
}

/// A verifier's reason, as a stable cause.
fn failure_cause(reason: &str, trusted: bool) -> &'static str {
    let lower = reason.to_lowercase();
    // The veto (crypto.rs): the signed bytes read differently, whichever check failed; not a wrong key.
    if reason.ends_with(super::crypto::PARSERS_DIFFER) {
        return cause::DIGEST_MISMATCH;
    }
    // A value of the wrong length: no key's signature, not another key's.
    if reason.contains(super::dsig::WRONG_LENGTH) || reason.contains(super::dsig::WRONG_EC_LENGTH) {
        return cause::BAD_SIGNATURE_VALUE;
    }
    if lower.contains("unsupported") {
        cause::UNSUPPORTED_ALGORITHM
    } else if lower.contains("digest") {
        cause::DIGEST_MISMATCH
    } else if lower.contains("signature value") || lower.contains("verification failed") {
        if trusted {
            cause::WRONG_KEY
        } else {
            cause::BAD_SIGNATURE_VALUE
        }
    } else {
        cause::VERIFIER_ERROR
    }
}

/// The message's status, its cause and detail, and what the findings stage needs to know.
#[derive(Debug, Clone)]
pub struct Acceptance {
    pub status: Status,
    pub cause: Option<&'static str>,
    pub detail: Option<Msg>,
    /// A valid `URI=""` signature or one on the root covers the whole message.
    pub root_covered: bool,
    /// Elements that must be covered (the assertions, or the root when there is none).
    pub required: Vec<NodeId>,
    /// Elements that carry more than one signature, with the count.
    pub doubled: Vec<(NodeId, usize)>,
}

impl Acceptance {
    /// Is `n` covered by an accepted signature (its own, or one over the whole message)?
    pub fn covered(&self, n: NodeId, sites: &[Site], contract: &Contract, v: &[Verdict]) -> bool {
        self.root_covered
            || sites
                .iter()
                .zip(&contract.sigs)
                .zip(v)
                .any(|((s, sc), v)| v.accepted(sc) && s.parent == Some(n) && sc.target == Some(n))
    }
}

/// A message verdict: its status, the cause and the detail.
type Decision = (Status, Option<&'static str>, Option<Msg>);

/// Decide the message status. The order is the order of importance: structural wrapping first (it is
/// the security-relevant cause even when a signature also fails), then a failing signature, then what
/// is not covered.
pub fn message(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
    verdicts: &[Verdict],
    trusted: bool,
) -> Acceptance {
    // Every stage must speak of the same signatures: a signature without a verdict would never count
    // as a problem below (the helpers zip the lists). Refuse rather than decide on part of them.
    if verdicts.len() != loc.sites.len() || contract.sigs.len() != loc.sites.len() {
        return Acceptance {
            status: Status::Invalid,
            cause: Some(cause::DISAGREEMENT),
            detail: Some(crate::msg!(
                "samlint's stages disagree on the number of signatures ({} located, {} vetted, {} judged): refused",
                crate::finding::Arg::plain(loc.sites.len()),
                crate::finding::Arg::plain(contract.sigs.len()),
                crate::finding::Arg::plain(verdicts.len())
            )),
            root_covered: false,
            required: Vec::new(),
            doubled: Vec::new(),
        };
    }
    let mut acc = Acceptance {
        status: Status::Absent,
        cause: None,
        detail: None,
        root_covered: root_covered(doc, loc, contract, verdicts),
        required: required_elements(doc, m),
        doubled: doubled_signatures(loc),
    };
    let (status, c, detail) = structural_refusal(doc, m, loc, contract, &acc.doubled)
        .unwrap_or_else(|| coverage_decision(m, loc, contract, verdicts, &acc, trusted));
    acc.status = status;
    acc.cause = c;
    acc.detail = detail;
    acc
}

/// Does an accepted signature cover the root (a `URI=""` signature or one on the root element)?
fn root_covered(doc: &Document, loc: &Located, contract: &Contract, verdicts: &[Verdict]) -> bool {
    (0..loc.sites.len()).any(|i| {
        verdicts[i].accepted(&contract.sigs[i]) && contract.sigs[i].target == Some(doc.root)
    })
}

/// The elements a signature must cover: the assertions, or the root when there is none.
fn required_elements(doc: &Document, m: &Message) -> Vec<NodeId> {
    if m.assertions.is_empty() && m.encrypted_assertions.is_empty() {
        vec![doc.root]
    } else {
        m.assertions.iter().map(|a| a.node).collect()
    }
}

/// Elements that carry more than one signature, with the count, in node order: no IdP puts two on one
/// element.
fn doubled_signatures(loc: &Located) -> Vec<(NodeId, usize)> {
    let mut per_parent: std::collections::HashMap<NodeId, usize> = std::collections::HashMap::new();
    for s in &loc.sites {
        if let Some(p) = s.parent {
            *per_parent.entry(p).or_default() += 1;
        }
    }
    let mut doubled: Vec<(NodeId, usize)> =
        per_parent.into_iter().filter(|(_, n)| *n > 1).collect();
    doubled.sort_unstable();
    doubled
}

/// What refuses the message whatever its signatures say: no signature at all (absent, or encrypted),
/// a duplicate ID, a hidden or look-alike Assertion, assertion content outside any assertion, a
/// doubled signature, more than one assertion.
fn structural_refusal(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
    doubled: &[(NodeId, usize)],
) -> Option<Decision> {
    if loc.sites.is_empty() {
        return Some(if m.encrypted_assertions.is_empty() {
            (Status::Absent, Some(cause::NO_SIGNATURE), None)
        } else {
            (
                Status::Absent,
                Some(cause::ENCRYPTED),
                Some(msg!(
                    "the assertion is encrypted; a signature inside it cannot be checked without the SP's private key"
                )),
            )
        });
    }
    wrapping_refusal(doc, m, loc, contract, doubled)
}

/// The refusals that do not depend on any signature's result: duplicate IDs and wrapping shapes.
fn wrapping_refusal(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
    doubled: &[(NodeId, usize)],
) -> Option<Decision> {
    Some(if contract.duplicate_ids {
        (
            Status::Invalid,
            Some(cause::DUPLICATE_ID),
            Some(msg!("an ID is used by more than one element")),
        )
    } else if !loc.hidden.is_empty() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(msg!(
                "an Assertion is hidden outside the Response's own assertions"
            )),
        )
    } else if !loc.lookalike.is_empty() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(msg!(
                "an element named like SAML's is outside SAML's namespace; an SP that selects by local name reads it"
            )),
        )
    } else if let Some(&e) = loc.stray.first() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(msg!(
                "{} is outside the Response's assertions; an SP that selects elements by name may read it",
                Arg::path(doc.path(e))
            )),
        )
    } else if let Some(&e) = loc.unsigned_saml.first() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(msg!(
                "{} is inside a signature or encrypted content, which no signature covers; an SP that selects elements by name may read it",
                Arg::path(doc.path(e))
            )),
        )
    } else if let Some((el, n)) = doubled.first() {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(msg!(
                "{} carries {} signatures",
                Arg::path(doc.path(*el)),
                Arg::plain(n)
            )),
        )
    } else if m.assertions.len() + m.encrypted_assertions.len() > 1 {
        (
            Status::Invalid,
            Some(cause::WRAPPING),
            Some(msg!("the Response carries more than one assertion")),
        )
    } else {
        return None;
    })
}

/// What refuses a message as received whatever its signatures say: duplicate IDs, an Assertion
/// hidden outside the Response's own or named like one outside SAML's namespace, an element with two
/// signatures, more than one assertion. Checked on the received document when samlint lints its
/// decrypted form (`--sp-key`): decryption replaces the whole EncryptedAssertion, and with it anything
/// planted inside EncryptedData (KeyInfo, EncryptionProperties), which an SP that reads the received
/// document by name may still find.
pub fn received_refusal(
    doc: &Document,
    m: &Message,
    loc: &Located,
    contract: &Contract,
) -> Option<crate::verify::contract::Refusal> {
    let doubled = doubled_signatures(loc);
    wrapping_refusal(doc, m, loc, contract, &doubled).and_then(|(_, c, d)| {
        Some(crate::verify::contract::Refusal::new(
            c?,
            d.unwrap_or_else(|| msg!("the message as received is refused")),
        ))
    })
}

/// The first signature that is not accepted, with its cause and detail. A verifier's policy refusal of
/// a signature inside Advice (content samlint does not lint) is reported but does not decide the
/// verdict; a digest or signature failure there still does.
fn first_problem(
    loc: &Located,
    contract: &Contract,
    verdicts: &[Verdict],
) -> Option<(&'static str, Option<Msg>)> {
    loc.sites
        .iter()
        .zip(&contract.sigs)
        .zip(verdicts)
        .find(|((s, sc), v)| {
            let advice_policy = s.in_advice && v.cause == Some(cause::VERIFIER_ERROR);
            !(v.accepted(sc) || advice_policy)
        })
        .map(|(_, v)| (v.cause.unwrap_or(cause::VERIFIER_ERROR), v.detail.clone()))
}

/// With the structure sound: a failing signature, else what is covered (nothing, part, all), else
/// valid when the key is trusted.
fn coverage_decision(
    m: &Message,
    loc: &Located,
    contract: &Contract,
    verdicts: &[Verdict],
    acc: &Acceptance,
    trusted: bool,
) -> Decision {
    let covered = |n: NodeId| acc.covered(n, &loc.sites, contract, verdicts);
    let all_covered = acc.required.iter().all(|n| covered(*n))
        && (m.encrypted_assertions.is_empty() || acc.root_covered);
    let any_covered = acc.root_covered || acc.required.iter().any(|n| covered(*n));
    if let Some((c, d)) = first_problem(loc, contract, verdicts) {
        (Status::Invalid, Some(c), d)
    } else if !any_covered {
        (
            Status::Absent,
            Some(cause::NOT_COVERING),
            Some(msg!("no signature covers the Response or its assertions")),
        )
    } else if !all_covered {
        (
            Status::Invalid,
            Some(cause::PARTIAL),
            Some(msg!(
                "some of the content samlint lints is not covered by a signature"
            )),
        )
    } else if trusted {
        (Status::Valid, None, None)
    } else {
        (Status::Untrusted, None, None)
    }
}

/// The JSON record of one signature.
pub fn sig_report(
    doc: &Document,
    loc: &Located,
    site: &Site,
    sc: &SigContract,
    v: &Verdict,
    keys: &[Cert],
) -> SigReport {
    let first = site.references.first();
    SigReport {
        path: site.path.clone(),
        element: sc.target.map(|t| doc.path(t)),
        id: sc.target.and_then(|t| {
            doc.attr(t, "ID")
                .or_else(|| doc.attr(t, "Id"))
                .map(|a| a.value.clone())
        }),
        covers_linted_content: site
            .parent
            .is_some_and(|p| sc.target == Some(p) && loc.linted.has(p)),
        algorithm: site.signature_method.as_ref().map(|(a, _)| a.clone()),
        digest: first
            .and_then(|r| r.digest_method.as_ref())
            .map(|(a, _)| a.clone()),
        c14n: site.c14n.as_ref().map(|(a, _)| a.clone()),
        transforms: first.map(|r| r.transforms.clone()).unwrap_or_default(),
        reference: first.and_then(|r| r.uri.clone()),
        key: v.key.and_then(|k| keys.get(k)).cloned(),
        keyinfo_certificates: site
            .keyinfo_certs
            .iter()
            .flatten()
            .filter_map(|d| super::cert::info(d).ok())
            .collect(),
        result: v.result,
        cause: v.cause,
        detail: v.detail.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_vetoed_signature_is_a_digest_mismatch_never_a_wrong_key() {
        for reason in [
            "digest mismatch for Reference 1",
            "the signature value does not verify over the canonical SignedInfo",
        ] {
            let vetoed = format!(
                "{reason} on samlint's parse; {}",
                super::super::crypto::PARSERS_DIFFER
            );
            assert_eq!(
                failure_cause(&vetoed, true),
                cause::DIGEST_MISMATCH,
                "{vetoed}"
            );
        }
        // Without the veto, a signature value that does not verify with a trusted key is a wrong key.
        assert_eq!(
            failure_cause("signature value mismatch", true),
            cause::WRONG_KEY
        );
    }
}
