//! The Redirect binding: a signature over the query octets, and the ambiguity of a query or form
//! that repeats a binding parameter (design.md "One signature, one message").

use super::dsig::Verifier;
use super::{
    AlgClass, Outcome, Report, SigReport, Status, Trust, cause, cert, classify_signature_method,
};
use crate::finding::{Arg, Finding, Msg};
use crate::model::Message;
use crate::msg;
use crate::registry::{SIG001, SIG006, SIG007, SIG020, SIG023};

/// The octets a Redirect-binding signature over the message parameter `parameter` (`SAMLRequest` or
/// `SAMLResponse`) covers: that parameter, `RelayState` (when present) and `SigAlg`, each `name=value`
/// exactly as received (never re-encoded), joined by `&` (SAML 2.0 Bindings §3.4.4.1). Each must appear
/// at most once: a repeated one is an error, never a choice of copy. One written without `=` is an
/// error too (review 51): SPs that take the octets from the raw query find no `RelayState=` and leave
/// it out, those that rebuild them from the decoded parameters write `RelayState=`, and a signature
/// over either would be `valid` for only some of them.
pub fn redirect_octets(raw_query: &str, parameter: &str) -> Result<String, String> {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for p in raw_query.split('&').filter(|p| !p.is_empty()) {
        match p.split_once('=') {
            Some(pair) => pairs.push(pair),
            None if [parameter, "RelayState", "SigAlg"].contains(&p) => {
                return Err(format!(
                    "{p} is written without '=': SPs that read the raw query leave it out of the signed octets, SPs that rebuild them write {p}="
                ));
            }
            None => pairs.push((p, "")),
        }
    }
    let one = |n: &str| -> Result<Option<&str>, String> {
        let mut it = pairs.iter().filter(|(k, _)| *k == n);
        let first = it.next().map(|(_, v)| *v);
        if it.next().is_some() {
            return Err(format!("{n} appears more than once"));
        }
        Ok(first)
    };
    let msg = one(parameter)?.ok_or_else(|| format!("the raw query carries no {parameter}"))?;
    let mut out = format!("{parameter}={msg}");
    if let Some(rs) = one("RelayState")? {
        out.push_str("&RelayState=");
        out.push_str(rs);
    }
    let alg = one("SigAlg")?.ok_or("the raw query carries no SigAlg")?;
    out.push_str("&SigAlg=");
    out.push_str(alg);
    Ok(out)
}

/// Verify a Redirect-binding signature (query parameters `SigAlg` and `Signature`), when the message
/// came with one; the key that verifies it is judged at `now_ms` (SIG009, SIG010, SIG018) as an XML
/// signature's is.
pub fn analyse_redirect(
    m: &Message,
    binding: &crate::source::BindingParams,
    trust: &Trust,
    verifier: &dyn Verifier,
    now_ms: i64,
) -> Option<Outcome> {
    let (sig_alg, signature) = (binding.sig_alg.as_deref(), binding.signature.as_deref());
    if sig_alg.is_none() && signature.is_none() {
        return None;
    }
    let root_path = format!("/{}", m.root_name);
    let mut findings = Vec::new();
    let mut report = new_report(m, &root_path, sig_alg);
    let octets = signed_octets(binding);
    match (sig_alg, signature, &octets) {
        _ if !binding.ambiguous.is_empty() => refuse(
            &mut report,
            cause::AMBIGUOUS_BINDING,
            msg!(
                "the query or form is ambiguous ({}); no signature is accepted over it",
                Arg::plain(binding.ambiguous.join("; "))
            ),
        ),
        (Some(alg), Some(sig), Ok(octets)) => {
            let signed = Signed { alg, sig, octets };
            judge_signature(
                m,
                &root_path,
                &signed,
                trust,
                verifier,
                &mut report,
                &mut findings,
            )
        }
        (Some(_), Some(_), Err(e)) => refuse(&mut report, cause::MALFORMED, e.clone()),
        _ => refuse(
            &mut report,
            cause::MALFORMED,
            msg!("SigAlg and Signature must come together"),
        ),
    }
    if let ("valid", Some(k)) = (report.result, &report.key) {
        super::findings::key_findings(k, now_ms, m.start_tag, &root_path, &mut findings);
    }
    let status = redirect_status(m, &root_path, &report, trust, &mut findings);
    Some(Outcome {
        report: Report {
            status,
            cause: report.cause,
            detail: report.detail.clone(),
            verifier: verifier.name(),
            signatures: vec![report],
            signer: trust.signer,
        },
        findings,
    })
}

/// The report of a Redirect-binding signature before it is judged: over the whole message, not verified.
fn new_report(m: &Message, root_path: &str, sig_alg: Option<&str>) -> SigReport {
    SigReport {
        path: "?Signature".into(),
        element: Some(root_path.to_string()),
        id: m.id.as_ref().map(|v| v.value.clone()),
        covers_linted_content: true,
        algorithm: sig_alg.map(str::to_string),
        digest: None,
        c14n: None,
        transforms: Vec::new(),
        reference: None,
        key: None,
        keyinfo_certificates: Vec::new(),
        result: "not-verified",
        cause: None,
        detail: None,
    }
}

/// The report says why the signature is not accepted.
fn refuse(report: &mut SigReport, c: &'static str, d: Msg) {
    report.cause = Some(c);
    report.detail = Some(d);
}

/// One signature, one message: the octets are those of this message's own parameter, from a query in
/// which no binding parameter repeats. The reasons name parameters, never their values.
fn signed_octets(binding: &crate::source::BindingParams) -> Result<String, Msg> {
    match (&binding.raw_query, &binding.parameter) {
        _ if !binding.ambiguous.is_empty() => Err(binding.ambiguous.join("; ")),
        (Some(raw), Some(p)) => redirect_octets(raw, p),
        _ => Err(
            "the raw query is not available, so the Redirect-binding signature cannot be checked"
                .into(),
        ),
    }
    .map_err(|e| msg!("{}", Arg::plain(e)))
}

/// A Redirect-binding signature as received: `SigAlg`, `Signature` (base64) and the octets it covers.
struct Signed<'a> {
    alg: &'a str,
    sig: &'a str,
    octets: &'a str,
}

/// The algorithm (SIG007 forbidden or unknown, SIG006 SHA-1), then the signature value against the
/// trusted keys.
fn judge_signature(
    m: &Message,
    root_path: &str,
    s: &Signed,
    trust: &Trust,
    verifier: &dyn Verifier,
    report: &mut SigReport,
    findings: &mut Vec<Finding>,
) {
    let c = classify_signature_method(s.alg);
    if matches!(c, AlgClass::Forbidden | AlgClass::Unknown) {
        let msg = msg!("SigAlg {} is not acceptable", Arg::value(s.alg));
        findings.push(
            Finding::new(&SIG007, msg.clone())
                .at(m.start_tag, root_path)
                .label("Redirect-binding signature"),
        );
        refuse(report, cause::FORBIDDEN_ALGORITHM, msg);
        return;
    }
    if c == AlgClass::Weak {
        findings.push(
            Finding::new(&SIG006, "the Redirect-binding SigAlg uses SHA-1")
                .at(m.start_tag, root_path)
                .label("SigAlg"),
        );
    }
    match cert::b64_body(s.sig) {
        Err(e) => refuse(
            report,
            cause::MALFORMED,
            msg!("Signature parameter: {}", Arg::plain(e)),
        ),
        Ok(_) if trust.certs.is_empty() => {
            refuse(
                report,
                cause::NO_KEY,
                msg!(
                    "a Redirect-binding signature carries no certificate: pass {} to check it",
                    Arg::plain(trust.options())
                ),
            );
        }
        Ok(sig_bytes) => verify_with_keys(s, &sig_bytes, trust, verifier, report),
    }
}

/// The signature value against each trusted key in turn: `valid` with the first that verifies it, else
/// `invalid` with the last key's failure.
fn verify_with_keys(
    s: &Signed,
    sig_bytes: &[u8],
    trust: &Trust,
    verifier: &dyn Verifier,
    report: &mut SigReport,
) {
    let mut last = None;
    for k in &trust.certs {
        if let Some(why) = super::dsig::wrong_length(s.alg, sig_bytes, k) {
            last = Some((
                k.clone(),
                cause::BAD_SIGNATURE_VALUE,
                msg!("{}", Arg::plain(why)),
            ));
            continue;
        }
        match verifier.verify_raw(s.alg, s.octets.as_bytes(), sig_bytes, k) {
            Ok(true) => {
                report.result = "valid";
                report.key = Some(k.clone());
                last = None;
                break;
            }
            Ok(false) => {
                last = Some((
                    k.clone(),
                    cause::WRONG_KEY,
                    msg!("the signature over the query does not verify with this key"),
                ))
            }
            Err(e) => last = Some((k.clone(), cause::VERIFIER_ERROR, msg!("{}", Arg::text(e)))),
        }
    }
    if let Some((k, c, d)) = last {
        report.result = "invalid";
        report.key = Some(k);
        refuse(report, c, d);
    }
}

/// The message's signature status from the judged report, with SIG003 (no key) or SIG001 (does not
/// verify) unless a finding already says why.
fn redirect_status(
    m: &Message,
    root_path: &str,
    report: &SigReport,
    trust: &Trust,
    findings: &mut Vec<Finding>,
) -> Status {
    match (report.result, report.cause) {
        ("valid", _) => Status::Valid,
        // Not checked at all (a query signature carries no certificate, unlike an XML one that is
        // then `untrusted`): an error, as for an XML signature without any key (review 26: a
        // `Signature=AAAA` exited 0 with a warning that read like SIG003's "verified only with...").
        (_, Some(cause::NO_KEY)) => {
            findings.push(
                Finding::new(&SIG001, msg!("Signature not verified: no {} was given and a Redirect-binding signature carries no certificate", Arg::plain(trust.options())))
                    .at(m.start_tag, root_path)
                    .label("signed over the query"),
            );
            Status::Invalid
        }
        // The ambiguity has its own finding (`binding_ambiguity`).
        (_, Some(cause::AMBIGUOUS_BINDING)) => Status::Invalid,
        _ => {
            if !findings.iter().any(|f| f.code == SIG007.code) {
                let mut msg = msg!("the Redirect-binding signature does not verify: ");
                msg.push(report.detail.clone().unwrap_or_default());
                findings.push(
                    Finding::new(&SIG001, msg)
                        .at(m.start_tag, root_path)
                        .label("signed over the query"),
                );
            }
            Status::Invalid
        }
    }
}

/// Fold the analysis of the XML signatures of a query-signed message into the query signature's:
/// every signature is listed, and a message whose embedded signatures fail is `invalid` with their
/// cause. Findings about signatures the message lacks (SIG002, SIG016, SIG019) or about the key
/// (SIG003) are the query signature's to give and are dropped; the rest (a broken digest, wrapping,
/// an algorithm) are kept.
pub fn embedded_in_redirect(out: &mut Outcome, xml: Outcome) {
    use crate::registry::{SIG002, SIG003, SIG016, SIG019};
    let query_only = [SIG002.code, SIG003.code, SIG016.code, SIG019.code];
    out.findings.extend(
        xml.findings
            .into_iter()
            .filter(|f| !query_only.contains(&f.code)),
    );
    out.report.signatures.extend(xml.report.signatures);
    if out.report.status == Status::Valid && xml.report.status == Status::Invalid {
        out.report.status = Status::Invalid;
        out.report.cause = xml.report.cause;
        out.report.detail = xml.report.detail;
    }
}

/// A message carried by an ambiguous query or form (a binding parameter repeated, an encoded parameter
/// name, a request beside a response): one error finding, and whatever the signatures said, the message
/// is not `valid` (design.md "One signature, one message").
pub fn binding_ambiguity(
    m: &Message,
    binding: &crate::source::BindingParams,
    report: Option<&mut Report>,
) -> Option<Finding> {
    if binding.ambiguous.is_empty() {
        return None;
    }
    let why = binding.ambiguous.join("; ");
    if let Some(r) = report
        && matches!(r.status, Status::Valid | Status::Untrusted)
    {
        r.status = Status::Invalid;
        r.cause = Some(cause::AMBIGUOUS_BINDING);
        r.detail = Some(msg!(
            "the query or form that carried it is ambiguous: {}",
            Arg::plain(&why)
        ));
    }
    Some(
        Finding::new(
            &SIG020,
            msg!(
                "the {} came in a query or form that is ambiguous ({}): SPs disagree on which copy they read, so no signature is accepted for it",
                Arg::plain(m.kind.as_str()),
                Arg::plain(&why)
            ),
        )
        .at(m.start_tag, format!("/{}", m.root_name))
        .label("carried by an ambiguous query or form"),
    )
}

/// Why the message did not come by the HTTP-Redirect binding, the one binding whose `SigAlg` and
/// `Signature` parameters sign it (DEFLATE-encoded, in a URL's query: Bindings §3.4.4.1); `None` when
/// it did. A POSTed message, or one from a request body whatever the method, is read by the POST
/// binding, where only its XML signatures count (reviews, 2026-12-05: an unsigned Response POSTed
/// with a Redirect-style signature of the form body was `valid`).
pub fn not_redirect(source: &crate::source::Source) -> Option<&'static str> {
    if source.carrier() == crate::source::Carrier::Body {
        Some(if source.binding.posted() {
            "was POSTed"
        } else {
            "came in a request body"
        })
    } else if !source.inflated() {
        Some("is not DEFLATE-encoded")
    } else {
        None
    }
}

/// SIG023: `SigAlg` / `Signature` beside a message the Redirect binding does not carry (`why`, from
/// [`not_redirect`]). They are not checked: the message is judged by its XML signatures, as a
/// POST-binding SP judges it.
pub fn detached_outside_redirect(
    m: &Message,
    source: &crate::source::Source,
    why: &str,
) -> Option<Finding> {
    let b = &source.binding;
    if b.sig_alg.is_none() && b.signature.is_none() {
        return None;
    }
    Some(
        Finding::new(
            &SIG023,
            msg!(
                "SigAlg and Signature came with a {} that {}: the HTTP-Redirect binding's signature does not apply, so only its XML signatures are checked, as a POST-binding SP checks them",
                Arg::plain(m.kind.as_str()),
                Arg::plain(why)
            ),
        )
        .at(m.start_tag, format!("/{}", m.root_name))
        .label("query signature not checked"),
    )
}
