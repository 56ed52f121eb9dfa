//! How the human formats and the Markdown report say what an SP would answer: first lines of each
//! message. The texts come from crate::predict; values in them are already redacted when the run is.

use crate::predict::{Answer, Predicted, Prediction, Stage, auth0};

fn sp_name(sp: &str) -> &'static str {
    match sp {
        "atlassian-datacenter" => "Atlassian Data Center",
        _ => "Atlassian",
    }
}

fn basis(p: &Prediction) -> String {
    match (p.sp, p.stage) {
        ("atlassian-cloud", Stage::SamlLibrary) => format!("predicted from {}", auth0::SHORT),
        ("atlassian-cloud", Stage::Account) => {
            format!("Atlassian's account step, after {} accepts", auth0::SHORT)
        }
        _ => "samlint's findings (Data Center's own SAML stack was not run)".into(),
    }
}

/// "Atlassian would reject this login: Invalid thumbprint — predicted from Auth0's SP library 4.6.1".
/// "samlint cannot predict whether Atlassian accepts this login — …" when the model stops short.
pub fn headline(p: &Prediction) -> String {
    headline_of(p, false)
}

/// Does Atlassian Cloud's library pass altered content in this message (SIG026)? Its acceptance is
/// then a forgery's, and the headline says so.
pub fn forged(pr: &Predicted, p: &Prediction) -> bool {
    p.sp == "atlassian-cloud" && p.answer == Answer::Accepted && !pr.digest_comment.is_empty()
}

/// [`headline`], naming an accepted login a forged one when `forged`.
pub fn headline_of(p: &Prediction, forged: bool) -> String {
    match p.answer {
        Answer::Accepted if forged => format!(
            "{} would accept this login, though its signed content was altered (SIG026) — {}",
            sp_name(p.sp),
            basis(p)
        ),
        Answer::Accepted => format!("{} would accept this login — {}", sp_name(p.sp), basis(p)),
        Answer::Rejected => format!(
            "{} would reject this login: {} — {}",
            sp_name(p.sp),
            p.shown(),
            basis(p)
        ),
        Answer::Unknown => format!(
            "samlint cannot predict whether {} accepts this login — beyond its model of {}",
            sp_name(p.sp),
            auth0::SHORT
        ),
    }
}

/// The details under a headline, each one line.
fn details(p: &Prediction) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = &p.reason {
        out.push(format!("why: {}", crate::util::one_line(&r.to_string())));
    }
    if let Some(m) = &p.message {
        let full = crate::util::one_line(&m.full());
        let shown = p.shown();
        if full != shown && full.trim_end_matches('.') != shown.trim_end_matches('.') {
            out.push(format!("the library's whole message: {full}"));
        }
    }
    out.push(format!(
        "confidence {} · {} stage · model: {}",
        p.confidence.as_str(),
        stage(p.stage),
        p.model
    ));
    if !p.assumptions.is_empty() {
        let a: Vec<String> = p.assumptions.iter().map(|a| a.to_string()).collect();
        out.push(format!("assumed: {}", a.join("; ")));
    }
    out
}

fn stage(s: Stage) -> &'static str {
    match s {
        Stage::SamlLibrary => "saml-library",
        Stage::Account => "account",
    }
}

/// One SP's prediction as a person reads it: the headline, the lines under it, and the PEM of the
/// certificate that did sign when Atlassian should be given it.
pub struct Part {
    pub headline: String,
    /// Which certificate did sign (the one in KeyInfo, when it is not the configured one).
    pub signed_by: Option<String>,
    /// What to do about it.
    pub paste: Option<String>,
    pub details: Vec<String>,
    pub pem: Option<String>,
}

/// The lines a human reads first for one message (empty when nothing was predicted). `pem` adds the
/// certificate that did sign, to paste into Atlassian (never in a redacted output).
pub fn lines(pr: &Predicted, pem: bool) -> Vec<String> {
    let mut out = Vec::new();
    for p in parts(pr, pem) {
        out.push(p.headline);
        out.extend(
            p.signed_by
                .into_iter()
                .chain(p.paste)
                .chain(p.details)
                .map(|d| format!("  {d}")),
        );
        if let Some(pem) = p.pem {
            out.extend(pem.lines().map(|l| format!("  {l}")));
        }
    }
    out
}

/// Each predicted SP's [`Part`], the deciding stage first. `pem`: the signer's certificate is wanted
/// (shown "below").
pub fn parts(pr: &Predicted, pem: bool) -> Vec<Part> {
    let mut out = Vec::new();
    let mut sps: Vec<&str> = Vec::new();
    for p in &pr.predictions {
        if !sps.contains(&p.sp) {
            sps.push(p.sp);
        }
    }
    for sp in sps {
        let Some(lead) = pr.headline(sp) else {
            continue;
        };
        let (mut signed_by, mut paste) = (None, None);
        let signer = pr
            .signed_by
            .as_ref()
            .filter(|_| sp == "atlassian-cloud" && lead.stage == Stage::SamlLibrary);
        if let Some(s) = signer {
            signed_by = Some(format!(
                "signed by: {} · SHA-1 {} · valid {} → {} (the certificate in the response's own KeyInfo{})",
                crate::util::one_line(&s.cert.subject),
                s.cert.sha1,
                s.cert.not_before,
                s.cert.not_after,
                if s.configured.is_empty() {
                    String::new()
                } else {
                    format!("; the one configured has SHA-1 {}", s.configured.join(", "))
                }
            ));
            paste = Some(format!(
                "if that is your IdP's current signing certificate (Keycloak: Realm settings › Keys › RS256 › Certificate), paste this certificate into Atlassian{}",
                if pem && !s.der.is_empty() {
                    " (below)"
                } else {
                    ""
                }
            ));
        }
        let mut details = self::details(lead);
        // The other stage, when the first one decided.
        for other in pr
            .predictions
            .iter()
            .filter(|p| p.sp == sp && !std::ptr::eq(*p, lead))
        {
            let what = match other.answer {
                Answer::Accepted => "accepts".to_string(),
                Answer::Rejected => format!("answers {}", other.shown()),
                Answer::Unknown => "its answer cannot be predicted".to_string(),
            };
            details.push(format!(
                "{} stage on its own: {what} (confidence {}{})",
                stage(other.stage),
                other.confidence.as_str(),
                other
                    .assumptions
                    .first()
                    .map(|a| format!("; assumed: {a}"))
                    .unwrap_or_default()
            ));
        }
        out.push(Part {
            headline: headline_of(lead, forged(pr, lead)),
            signed_by,
            paste,
            details,
            pem: signer.filter(|s| pem && !s.der.is_empty()).map(|s| s.pem()),
        });
    }
    out
}
