//! The pipeline: inputs → decoded sources → DOM + model → findings.

use crate::check;
use crate::decode::{self, InputKind};
use crate::error::InputError;
use crate::finding::{Arg, Finding, Severity};
use crate::limits::Limits;
use crate::model::{self, Message};
use crate::source::Source;
use crate::verify::{self, Trust};
use crate::xml::{self, Document};
use serde::Serialize;
use std::io::Read;

/// One message that decoded and parsed, with its findings.
#[derive(Debug, Clone)]
pub struct Linted {
    /// 0-based position among all messages of the run.
    pub index: usize,
    /// 0-based input it came from.
    pub input: usize,
    pub source: Source,
    pub doc: Document,
    pub model: Box<Message>,
    pub findings: Vec<Finding>,
    /// Signature verdict (responses and signed messages).
    pub signature: Option<verify::Report>,
    /// The instant time checks were evaluated at, and why that one.
    pub at: Option<At>,
    /// The rule packs that applied, and why.
    pub packs: Vec<crate::rules::Applied>,
    /// This message's part of a human report, rendered while the document was at hand (batch runs
    /// drop the document afterwards: see [`Finish`]).
    pub rendered: Option<String>,
    /// A Keycloak client subject: its clientId and profile, for pairing messages with it.
    pub client: Option<Client>,
    /// What the SPs whose packs applied would answer (responses only).
    pub predicted: crate::predict::Predicted,
    /// How its EncryptedAssertion was opened (`--sp-key`).
    pub decryption: Option<crate::decrypt::Decryption>,
}

/// What pairing needs of a Keycloak client (see `pair_with_clients`).
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub profile: crate::tree::Node,
}

impl Linted {
    /// Is this a Keycloak client or realm (JSON), not a SAML message?
    pub fn is_keycloak(&self) -> bool {
        matches!(
            self.model.kind,
            crate::model::MessageKind::KeycloakClient | crate::model::MessageKind::KeycloakRealm
        )
    }

    /// Drop the document and the text once nothing needs them: findings, signature report, packs and
    /// line positions stay, and the model too when `keep_model` (pairing with a Keycloak client reads
    /// it); otherwise only its kind, root name and span. Keycloak subjects are kept whole (pairing reads
    /// their JSON again).
    pub fn slim(&mut self, keep_model: bool) {
        if self.is_keycloak() {
            return;
        }
        self.doc = Document::empty();
        self.source.slim();
        if !keep_model {
            let m = &self.model;
            *self.model = Message::empty(m.kind, &m.root_name, m.span);
        }
    }
}

/// What happens to each message as soon as its input is done, on the worker thread: a report that needs
/// only findings and line numbers slims it, a human report renders it first. This keeps a batch's
/// memory bounded by its largest input instead of growing with every message (issue 6).
///
/// The flag says whether the message may still be paired with a Keycloak client when the run ends
/// (the run has `--client`, or an input looks like a Keycloak export): a finish must then keep what
/// pairing reads and changes, or do nothing. When a Keycloak export turns up that the look missed,
/// the run is done again with the flag set, so the results never depend on the look.
#[derive(Clone)]
pub struct Finish(pub std::sync::Arc<FinishFn>);

/// The function behind a [`Finish`]: the message, and whether it may still be paired.
pub type FinishFn = dyn Fn(&mut Linted, bool) + Send + Sync;

impl std::fmt::Debug for Finish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Finish(..)")
    }
}

/// When time-dependent checks are evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtMode {
    /// The wall clock.
    Now,
    /// The capture time (HAR entry), else the message's own IssueInstant. The default: a pasted response
    /// is always "expired" by the time it is pasted.
    Capture,
    /// A fixed instant (`--at RFC3339`).
    Fixed(verify::time::Millis),
}

/// The evaluation instant chosen for one message.
#[derive(Debug, Clone, Serialize)]
pub struct At {
    pub time: String,
    #[serde(skip)]
    pub ms: verify::time::Millis,
    /// `now`, `fixed`, `capture` (HAR entry time) or `issue-instant`.
    pub source: &'static str,
}

/// Everything a run needs besides its inputs.
#[derive(Debug, Clone)]
pub struct Options {
    pub limits: Limits,
    /// Compute findings (false for `decode`).
    pub lint: bool,
    pub trust: Trust,
    /// `--sp-cert`: the keys for what the SP signs (an AuthnRequest; a logout message with the IdP's).
    pub sp_trust: Trust,
    pub at: AtMode,
    pub clock_skew_ms: i64,
    /// The wall clock, fixed once per run (tests may set it).
    pub now_ms: verify::time::Millis,
    /// What the SP expects (`--sp-entity-id`, `--acs-url`, `--request-id`; the IdP entity ID comes from
    /// `trust`).
    pub expect: verify::protocol::Expect,
    /// Which XML-DSig verifier(s) to run.
    pub verifier: verify::VerifierKind,
    /// Directory walks: file globs to read (default DEFAULT_INCLUDE) and to leave out.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// Show a progress bar on a terminal for long runs.
    pub progress: bool,
    /// Rule packs and their settings (--pack, --select, --ignore, --domain, samlint.yaml).
    pub engine: std::sync::Arc<crate::rules::Engine>,
    /// Keycloak exports: lint only the client with this client ID (`--client`).
    pub client: Option<String>,
    /// Applied to every message as soon as its input is done (None: keep everything).
    pub finish: Option<Finish>,
    /// `--sp-key`: the SP's private keys that open encrypted assertions.
    pub sp_keys: crate::decrypt::SpKeys,
}

/// The shipped packs with default settings, loaded once.
pub fn default_engine() -> std::sync::Arc<crate::rules::Engine> {
    static E: std::sync::OnceLock<std::sync::Arc<crate::rules::Engine>> =
        std::sync::OnceLock::new();
    E.get_or_init(|| {
        std::sync::Arc::new(crate::rules::Engine::shipped(
            crate::rules::Settings::default(),
        ))
    })
    .clone()
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limits: Limits::default(),
            lint: true,
            trust: Trust::default(),
            sp_trust: Trust {
                signer: verify::Signer::Sp,
                ..Trust::default()
            },
            at: AtMode::Capture,
            clock_skew_ms: 180_000,
            now_ms: verify::time::now(),
            expect: verify::protocol::Expect::default(),
            verifier: verify::VerifierKind::default(),
            include: Vec::new(),
            exclude: Vec::new(),
            progress: false,
            engine: default_engine(),
            client: None,
            finish: None,
            sp_keys: crate::decrypt::SpKeys::default(),
        }
    }
}

fn evaluation_time(opts: &Options, src: &Source, m: &Message) -> Option<At> {
    match opts.at {
        AtMode::Now => Some(At {
            time: verify::time::format(opts.now_ms),
            ms: opts.now_ms,
            source: "now",
        }),
        AtMode::Fixed(ms) => Some(At {
            time: verify::time::format(ms),
            ms,
            source: "fixed",
        }),
        AtMode::Capture => {
            if let Some(ms) = src
                .binding
                .time
                .as_deref()
                .and_then(verify::time::parse_lenient)
            {
                return Some(At {
                    time: verify::time::format(ms),
                    ms,
                    source: "capture",
                });
            }
            let ms = m
                .issue_instant
                .as_ref()
                .and_then(|v| verify::time::parse(&v.value))?;
            Some(At {
                time: verify::time::format(ms),
                ms,
                source: "issue-instant",
            })
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputStatus {
    Linted,
    Skipped,
    Failed,
}

#[derive(Debug, Clone)]
pub struct InputReport {
    pub index: usize,
    pub name: String,
    pub kind: InputKind,
    pub status: InputStatus,
    /// Everything that could not be linted in this input (the input as a whole, or single messages).
    pub errors: Vec<InputError>,
    pub messages: usize,
    pub entries: Option<usize>,
    /// SHA-256 of the original input (files: computed from disk when a report asks).
    pub sha256: Option<String>,
    /// The steps of the login in a HAR capture (decode/timeline.rs); message numbers are the run's.
    pub timeline: Option<decode::timeline::Timeline>,
}

#[derive(Debug, Default, Clone)]
pub struct Run {
    pub inputs: Vec<InputReport>,
    pub messages: Vec<Linted>,
    /// Wall time of the run.
    pub elapsed: std::time::Duration,
}

impl Run {
    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.inputs.iter().flat_map(|i| i.errors.iter())
    }
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
    pub fn count(&self, sev: Severity) -> usize {
        self.messages
            .iter()
            .flat_map(|m| &m.findings)
            .filter(|f| f.severity == sev)
            .count()
    }
    pub fn max_severity(&self) -> Option<Severity> {
        self.messages
            .iter()
            .flat_map(|m| &m.findings)
            .map(|f| f.severity)
            .max()
    }
}

/// `EntityDescriptor` or `EntitiesDescriptor` when the message is SAML metadata.
fn metadata_root(m: &Message) -> Option<&'static str> {
    if m.root_ns.as_deref() != Some(crate::model::ns::MD) {
        return None;
    }
    ["EntityDescriptor", "EntitiesDescriptor"]
        .into_iter()
        .find(|r| *r == m.root_name)
}

/// Parse a decoded source into the DOM and the typed model.
///
/// A message longer than libxml2's `XML_MAX_LOOKUP_LIMIT` (10,000,000 bytes) is refused whatever
/// `--max-value` says: without `XML_PARSE_HUGE`, libxml2 (which libxmlsec1, lxml and python3-saml
/// parse with) refuses a token or a look-ahead over that size, depending on where it sits, so SPs
/// built on it cannot be relied on to read the message samlint would judge.
pub fn parse_source(src: &Source, limits: &Limits) -> Result<(Document, Message), InputError> {
    let most = crate::xml::dom::LIBXML2_MAX_TEXT;
    if src.text.len() > most {
        let kind = crate::error::ErrorKind::Xml {
            detail: format!(
                "a message of {} bytes: libxml2, which most SPs parse with, refuses tokens and look-aheads over {most} bytes, so they cannot be relied on to read it",
                src.text.len()
            ),
        };
        return Err(InputError::at(
            &src.origin,
            kind,
            src.text.clone(),
            crate::source::Span::new(0, 0),
        ));
    }
    match xml::parse(&src.text, limits) {
        Ok(doc) => {
            let m = model::build(&doc);
            Ok((doc, m))
        }
        Err((kind, span)) => Err(InputError::at(&src.origin, kind, src.text.clone(), span)),
    }
}

/// A message as received, when samlint lints its decrypted form instead: the Response's signature is
/// verified over it (the signature covers the ciphertext), and the SPs' answers are predicted from it
/// (an SP without the key sees the EncryptedAssertion).
#[derive(Debug, Clone)]
pub struct Original {
    pub source: Source,
    pub doc: Document,
    pub model: Message,
}

/// What decryption (`--sp-key`) made of one message: the original when the message was decrypted,
/// and the finding that says what happened.
#[derive(Debug, Clone, Default)]
pub struct Opening {
    pub original: Option<Box<Original>>,
    pub findings: Vec<Finding>,
    pub decryption: Option<crate::decrypt::Decryption>,
}

/// Decrypt the message's EncryptedAssertion when `--sp-key` was given: the decrypted message replaces
/// the parsed one, and the original is kept for its Response signature and for predictions.
pub fn open_encrypted(
    opts: &Options,
    src: Source,
    doc: Document,
    model: Message,
) -> (Source, Document, Message, Opening) {
    match crate::decrypt::open(&src, &doc, &model, &opts.sp_keys, &opts.limits) {
        crate::decrypt::Opened::Nothing => (src, doc, model, Opening::default()),
        crate::decrypt::Opened::Refused(f) => (
            src,
            doc,
            model,
            Opening {
                original: None,
                findings: vec![*f],
                decryption: None,
            },
        ),
        crate::decrypt::Opened::Decrypted(d) => {
            let d = *d;
            (
                d.source,
                d.doc,
                d.model,
                Opening {
                    original: Some(Box::new(Original {
                        source: src,
                        doc,
                        model,
                    })),
                    findings: vec![d.note],
                    decryption: Some(d.info),
                },
            )
        }
    }
}

/// A key was given and the EncryptedAssertion was refused or did not open (SIG021): whatever the
/// Response's signature says, the message is not `valid`, since the assertion inside is unchecked.
fn not_decrypted(opening: &Opening, signature: Option<&mut verify::Report>) {
    let refused = opening.original.is_none()
        && opening
            .findings
            .iter()
            .any(|f| f.code == crate::registry::SIG021.code);
    if let Some(s) = signature
        && refused
        && matches!(s.status, verify::Status::Valid | verify::Status::Untrusted)
    {
        s.status = verify::Status::Invalid;
        s.cause = Some(verify::cause::ENCRYPTED);
        s.detail = Some(crate::msg!(
            "--sp-key was given but the EncryptedAssertion was not decrypted (SIG021): the assertion inside is unchecked"
        ));
    }
}

/// What [`lint_message`] found out about one message.
pub struct Verdict {
    pub findings: Vec<Finding>,
    pub signature: Option<verify::Report>,
    pub at: Option<At>,
    pub packs: Vec<crate::rules::Applied>,
    pub predicted: crate::predict::Predicted,
}

/// What the messages before one in the same input tell about it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Around<'a> {
    /// The IDs of the AuthnRequests before it, oldest first.
    pub requests: &'a [String],
    /// An ID of it an earlier Response carried.
    pub replayed: Option<&'a verify::protocol::Replayed>,
}

/// Lint one parsed message: structure, then signatures, protocol, packs, and what the SPs would answer.
pub fn lint_message(
    opts: &Options,
    source: &Source,
    doc: &Document,
    model: &Message,
    around: Around,
    opening: &Opening,
) -> Verdict {
    let mut findings = check::check(doc, model);
    findings.extend(opening.findings.iter().cloned());
    let original = opening
        .original
        .as_deref()
        .map(|o| (&o.doc, &o.model, &*o.source.text));
    let at = evaluation_time(opts, source, model);
    let has_xml_signature = model.signatures_anywhere > 0;
    // A Response must be signed whichever binding carried it: one over the Redirect binding with
    // neither a query signature nor an XML signature is unsigned (SIG002), never a silent pass.
    let wants_signature = model.kind == crate::model::MessageKind::Response;
    let mut signature = None;
    let when = at.as_ref().map_or(opts.now_ms, |a| a.ms);
    // The SP signs an AuthnRequest: its signature is checked with --sp-cert, never with the IdP's keys
    // (review 27: an SP-signed request was 'wrong-key' with --idp-cert, and could not be checked).
    // Either side signs a logout message (the SP its own LogoutRequest, or its LogoutResponse to the
    // IdP's). Its Issuer names the sender: when that is the IdP's entity ID (metadata,
    // --idp-entity-id) only the IdP's keys may sign it, when it is the SP's (--sp-entity-id) only the
    // SP's (review 36: an IdP logout signed with the SP key was valid); else both key sets (review 28).
    use crate::model::MessageKind as K;
    use verify::protocol::Sender;
    let sender = verify::protocol::logout_sender(
        model,
        opts.trust.entity_id.as_deref(),
        opts.expect.sp_entity_id.as_deref(),
    );
    let either;
    let trust = match model.kind {
        K::AuthnRequest => &opts.sp_trust,
        K::LogoutRequest | K::LogoutResponse if sender == Sender::Idp => &opts.trust,
        K::LogoutRequest | K::LogoutResponse if sender == Sender::Sp => &opts.sp_trust,
        K::LogoutRequest | K::LogoutResponse => {
            either = verify::Trust {
                certs: opts
                    .trust
                    .certs
                    .iter()
                    .chain(&opts.sp_trust.certs)
                    .cloned()
                    .collect(),
                entity_id: opts.trust.entity_id.clone(),
                signer: verify::Signer::Either,
            };
            &either
        }
        _ => &opts.trust,
    };
    // SigAlg and Signature sign a message only over the Redirect binding; beside a POSTed (or not
    // deflated) message they are reported (SIG023) and the XML signatures judge it.
    let redirect = match verify::not_redirect(source) {
        Some(why) => {
            findings.extend(verify::detached_outside_redirect(model, source, why));
            None
        }
        None => verify::analyse_redirect(model, &source.binding, trust, &verify::dsig::RUST, when),
    };
    let xml_signatures = || {
        verify::analyse_decrypted(
            opts.verifier,
            doc,
            model,
            &source.text,
            trust,
            when,
            original,
        )
    };
    let out = match redirect {
        // XML signatures inside a query-signed message are judged too (review 26): the query
        // signature covers every byte, but SPs that check the embedded ones (OpenSAML, Atlassian's
        // library) reject a message whose embedded signature is broken, so neither is `valid` then.
        Some(mut out) => {
            if has_xml_signature {
                verify::embedded_in_redirect(&mut out, xml_signatures());
            }
            Some(out)
        }
        None if wants_signature || has_xml_signature => Some(xml_signatures()),
        None => None,
    };
    if let Some(out) = out {
        findings.extend(out.findings);
        signature = Some(out.report);
    }
    verify::split_values(model, &mut findings);
    findings.extend(verify::binding_ambiguity(
        model,
        &source.binding,
        signature.as_mut(),
    ));
    not_decrypted(opening, signature.as_mut());
    let mut expect = opts.expect.clone();
    if expect.idp_entity_id.is_none() {
        expect.idp_entity_id = opts.trust.entity_id.clone();
    }
    let capture_ms = source
        .binding
        .time
        .as_deref()
        .and_then(verify::time::parse_lenient);
    let cx = verify::protocol::Context {
        requests: around.requests,
        replayed: around.replayed,
        at: at.as_ref().map(|a| (a.ms, a.source)),
        capture_ms,
        capture_unread: source.binding.time.is_some() && capture_ms.is_none(),
        skew_ms: opts.clock_skew_ms,
    };
    findings.extend(verify::protocol::check(model, &expect, &cx));
    let profile = crate::profile::from_message(model, source);
    let (more, packs) = opts.engine.apply(
        &crate::rules::Subject::Message {
            profile: &profile,
            kind: model.kind,
        },
        &opts.trust,
    );
    findings.extend(more);
    opts.engine.settings.filter(&mut findings);
    cap_findings(&mut findings, opts.limits.max_findings);
    // An SP predicts from what it receives: the message as sent, EncryptedAssertion and all.
    let (pdoc, pmodel, psource) = match opening.original.as_deref() {
        Some(o) => (&o.doc, &o.model, &o.source),
        None => (doc, model, source),
    };
    let predicted = crate::predict::predict(&crate::predict::Input {
        doc: pdoc,
        model: pmodel,
        source: psource,
        report: signature.as_ref(),
        trust: &opts.trust,
        at: at.as_ref(),
        now_ms: opts.now_ms,
        expect: &expect,
        domains: &opts.engine.settings.domains,
        packs: &packs,
        findings: &findings,
    });
    // SIG024, SIG026 and PRO019 come from the prediction (and of the message as sent: a decrypted copy has other spans).
    if opening.original.is_none() {
        let mut more: Vec<_> = crate::predict::divergence_finding(doc, &predicted)
            .into_iter()
            .chain(crate::predict::digest_comment_findings(doc, &predicted))
            .chain(crate::predict::nested_findings(doc, &predicted))
            .collect();
        opts.engine.settings.filter(&mut more);
        findings.extend(more);
        // PRO020 last: the net under every rule that names the library's reason.
        let mut net: Vec<_> = crate::predict::unexplained_rejection(doc, &predicted, &findings)
            .into_iter()
            .collect();
        opts.engine.settings.filter(&mut net);
        findings.extend(net);
    }
    Verdict {
        findings,
        signature,
        at,
        packs,
        predicted,
    }
}

/// At most `max` findings of each rule on one message: the first ones are kept, and the last kept one
/// says how many more there were (a document built to produce thousands must not drown the report).
pub fn cap_findings(findings: &mut Vec<Finding>, max: usize) {
    let mut total: std::collections::HashMap<&'static str, usize> =
        std::collections::HashMap::new();
    for f in findings.iter() {
        *total.entry(f.code).or_default() += 1;
    }
    if total.values().all(|n| *n <= max) {
        return;
    }
    let mut kept: std::collections::HashMap<&'static str, usize> = std::collections::HashMap::new();
    findings.retain(|f| {
        let k = kept.entry(f.code).or_default();
        *k += 1;
        *k <= max
    });
    let mut told: Vec<&'static str> = Vec::new();
    for f in findings.iter_mut().rev() {
        let n = total.get(f.code).copied().unwrap_or(0);
        if n > max && !told.contains(&f.code) {
            told.push(f.code);
            f.message.push(crate::msg!(
                " (and {} more {} findings in this message, not shown: raise --max-findings to see them)",
                crate::finding::Arg::plain(n - max),
                crate::finding::Arg::plain(f.code)
            ));
        }
    }
}

/// Files a directory walk reads by default (others are skipped and counted).
pub const DEFAULT_INCLUDE: &[&str] = &[
    "*.xml", "*.har", "*.json", "*.b64", "*.base64", "*.txt", "*.url", "*.saml", "*.html", "*.htm",
];

/// One input of a run: a command-line argument, or a file found in a directory.
enum Item {
    Arg(String),
    /// A file a directory walk found (not named on the command line): linted when its start can hold
    /// SAML (that look and the lint are one read of it, in [`process`]). The flag: it is named `.json`
    /// and its start looks like a Keycloak export.
    Found(String, bool),
    Skipped(String),
}

/// `case_insensitive`: for the default patterns, whose extensions a file may carry in any case
/// (review 60: `Realm-Export.JSON` in a walked folder was skipped and the run passed).
fn globs(patterns: &[String], case_insensitive: bool) -> Option<globset::GlobSet> {
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        // Patterns match at any depth below the walked directory (`*.har`, `captures/**`).
        let p = if p.starts_with("**") || p.starts_with('/') {
            p.clone()
        } else {
            format!("**/{p}")
        };
        b.add(
            globset::GlobBuilder::new(&p)
                .literal_separator(true)
                .case_insensitive(case_insensitive)
                .build()
                .ok()?,
        );
    }
    b.build().ok()
}

/// A realm's name as written (`?` when it has none; an origin step shows it on one line).
fn realm_name(realm: &crate::tree::Node) -> String {
    realm
        .get("realm")
        .and_then(crate::tree::Node::as_str)
        .unwrap_or("?")
        .to_string()
}

/// A glob over paths: `*` inside one segment, `**` across them (review 35: `*` crossed `/`).
pub fn glob(p: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(p).literal_separator(true).build()
}

/// Expand directories (recursively, sorted, hidden entries skipped) into their files; with each
/// directory named on the command line, the range of items its walk gave.
fn expand(args: &[String], opts: &Options) -> (Vec<Item>, Vec<(String, std::ops::Range<usize>)>) {
    let default: Vec<String> = DEFAULT_INCLUDE.iter().map(|s| s.to_string()).collect();
    let include = if opts.include.is_empty() {
        globs(&default, true)
    } else {
        globs(&opts.include, false)
    };
    // --exclude is matched as written (review 62: ignoring case there dropped `prod/` for
    // `Prod/*`, and a broken export passed unread); write `*.{json,JSON}` for both.
    let exclude = globs(&opts.exclude, false);
    let mut out = Vec::new();
    let mut dirs = Vec::new();
    for a in args {
        let p = std::path::Path::new(a);
        if a != "-" && p.is_dir() {
            let first = out.len();
            // Where the directory really is: a link to a file inside it is read (review 65: a
            // `latest.xml` link was skipped without a word), one out of it is not.
            let root = std::fs::canonicalize(p).ok();
            let mut stack = vec![p.to_path_buf()];
            let mut files = Vec::new();
            while let Some(d) = stack.pop() {
                let Ok(rd) = std::fs::read_dir(&d) else {
                    files.push(d);
                    continue;
                };
                let mut entries: Vec<_> = rd
                    .filter_map(Result::ok)
                    .map(|e| (e.path(), e.file_type().ok()))
                    .collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                for (e, t) in entries.into_iter().rev() {
                    let hidden = e
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
                    if hidden {
                        continue;
                    }
                    // The entry's type as the directory listing gave it (no `stat`). A symbolic
                    // link to a directory is not followed (review 64: links to `.` made the walk
                    // exponential), nor one out of the directory (it read files no one named): it
                    // is counted as skipped, like a FIFO. A link to a regular file inside the
                    // directory is read. A link named on the command line is followed.
                    let kind = match t
                        .or_else(|| std::fs::symlink_metadata(&e).ok().map(|m| m.file_type()))
                    {
                        Some(t) if t.is_symlink() => std::fs::canonicalize(&e)
                            .ok()
                            .filter(|to| root.as_ref().is_some_and(|r| to.starts_with(r)))
                            .and_then(|to| std::fs::metadata(to).ok())
                            .map(|m| m.file_type())
                            .filter(|t| t.is_file()),
                        t => t,
                    };
                    if kind.is_some_and(|k| k.is_dir()) {
                        stack.push(e)
                    } else if kind.is_some_and(|k| k.is_file()) {
                        files.push(e)
                    } else {
                        // A symbolic link; a FIFO, socket or device: opening it could block forever.
                        out.push(Item::Skipped(e.to_string_lossy().into_owned()));
                    }
                }
            }
            files.sort();
            // Whether a Keycloak export is among them decides how messages are kept for pairing
            // (see `run`). Only `.json` files are looked at for that before the lint (on the pool, in
            // order): reading every file twice was a tenth of a batch's time. An export named
            // otherwise is found by the lint, and the inputs with messages are then linted again.
            out.extend(par_map(files, |f| {
                let s = f.to_string_lossy().into_owned();
                let included = include.as_ref().is_none_or(|g| g.is_match(&f));
                let excluded = exclude.as_ref().is_some_and(|g| g.is_match(&f));
                if !included || excluded {
                    return Item::Skipped(s);
                }
                let json = f
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                let clients = json && may_hold_clients(&s);
                Item::Found(s, clients)
            }));
            dirs.push((a.clone(), first..out.len()));
        } else {
            out.push(Item::Arg(a.clone()));
        }
    }
    (out, dirs)
}

/// A directory named on the command line in which nothing was linted (empty, or every file skipped):
/// an input that could not be linted (exit 2), as a path that does not exist is. A CI job pointed at
/// the wrong folder, or whose `--include` matches nothing, must not pass having checked nothing.
fn nothing_found(index: usize, dir: &str, skipped: usize) -> InputReport {
    InputReport {
        index,
        name: dir.to_string(),
        kind: decode::InputKind::Unknown,
        status: InputStatus::Failed,
        errors: vec![InputError::new(
            &crate::source::Origin::new(dir),
            crate::error::ErrorKind::NothingFound { skipped },
        )],
        messages: 0,
        entries: None,
        sha256: None,
        timeline: None,
    }
}

/// An input that is not linted: a file the walk found that holds none of samlint's inputs, or one
/// `--include` / `--exclude` leaves out, or a FIFO.
fn skipped(index: usize, name: String) -> (InputReport, Vec<Linted>) {
    (
        InputReport {
            index,
            name,
            kind: decode::InputKind::Unknown,
            status: InputStatus::Skipped,
            errors: Vec::new(),
            messages: 0,
            entries: None,
            sha256: None,
            timeline: None,
        },
        Vec::new(),
    )
}

/// Decode, parse and (when `opts.lint`) lint one input; `walked`: a file a directory walk found.
fn process(
    arg: &str,
    i: usize,
    walked: bool,
    stdin: &mut dyn Read,
    opts: &Options,
) -> (InputReport, Vec<Linted>) {
    let limits = &opts.limits;
    let mut loaded = if walked {
        // A file the walk found is linted only when its content can hold SAML or a Keycloak export:
        // junit.xml and package.json are skipped.
        match decode::load_found(arg, i, limits) {
            Some(l) => l,
            None => return skipped(i, arg.to_string()),
        }
    } else {
        decode::load(arg, i, stdin, limits)
    };
    name_capture_errors(&mut loaded);
    let mut report = InputReport {
        index: i,
        name: loaded.name.clone(),
        kind: loaded.kind,
        status: InputStatus::Linted,
        errors: loaded.error.into_iter().collect(),
        messages: 0,
        entries: loaded.entries,
        sha256: loaded.sha256.clone(),
        timeline: loaded.timeline.take(),
    };
    // The messages of one input (a HAR can hold thousands) are parsed and linted in parallel too. A
    // response is paired with the AuthnRequests before it in the input, so the request IDs are read
    // in order between the two parallel steps.
    type Parsed = (Source, Document, Message, Opening);
    let parsed: Vec<Result<Parsed, InputError>> = par_map(loaded.messages, |msg| {
        msg.and_then(|src| {
            let (d, m) = parse_source(&src, limits)?;
            // Metadata given as the input to lint: say where it belongs (decode shows it as is).
            if opts.lint
                && let Some(root) = metadata_root(&m)
            {
                // No excerpt: a metadata root tag is one long line of namespace declarations,
                // and the message says all there is to say about it.
                return Err(InputError::new(
                    &src.origin,
                    crate::error::ErrorKind::Misplaced {
                        what: crate::error::Misplaced::Metadata { root },
                    },
                ));
            }
            Ok(open_encrypted(opts, src, d, m))
        })
    });
    // A Response posted again later in the same input (review 64: a HAR whose response was posted
    // twice had both predicted accepted, without a word).
    let replays = verify::protocol::replays(parsed.iter().map(|p| {
        p.as_ref().ok().map(|(src, _, m, _)| {
            let request = src.origin.0.iter().find_map(|s| match s {
                crate::source::Step::Request { what, .. } => Some(what.as_str()),
                _ => None,
            });
            (
                m,
                verify::protocol::Posted {
                    request,
                    status: src.binding.status,
                },
            )
        })
    }));
    let mut requests: Vec<String> = Vec::new();
    let mut before = Vec::with_capacity(parsed.len());
    for p in &parsed {
        before.push(requests.len());
        if let Ok((_, _, m, _)) = p
            && m.kind == crate::model::MessageKind::AuthnRequest
            && let Some(id) = &m.id
        {
            requests.push(id.value.clone());
        }
    }
    let pairs: Vec<_> = parsed
        .into_iter()
        .zip(before.into_iter().zip(replays))
        .collect();
    let linted: Vec<Result<Linted, InputError>> = par_map(pairs, |(p, (n, replayed))| {
        p.map(|(source, doc, model, opening)| {
            let v = if opts.lint {
                let earlier = Around {
                    requests: requests.get(..n).unwrap_or_default(),
                    replayed: replayed.as_ref(),
                };
                lint_message(opts, &source, &doc, &model, earlier, &opening)
            } else {
                Verdict {
                    findings: Vec::new(),
                    signature: None,
                    at: None,
                    packs: Vec::new(),
                    predicted: Default::default(),
                }
            };
            Linted {
                index: 0,
                input: i,
                source,
                doc,
                model: Box::new(model),
                findings: v.findings,
                signature: v.signature,
                at: v.at,
                packs: v.packs,
                rendered: None,
                client: None,
                predicted: v.predicted,
                decryption: opening.decryption.clone(),
            }
        })
    });
    let mut out = Vec::with_capacity(linted.len());
    for l in linted {
        match l {
            Ok(l) => {
                report.messages += 1;
                out.push(l);
            }
            Err(e) => report.errors.push(e),
        }
    }
    attach_events(&loaded.events, &mut out);
    if let Some(tl) = report.timeline.as_mut() {
        link_timeline(tl, &out);
    }
    if let Some(text) = loaded.json_text {
        let name = report.name.clone();
        out.extend(keycloak_input(&text, i, &name, opts, &mut report));
    }
    if !report.errors.is_empty() {
        report.status = InputStatus::Failed;
    }
    (report, out)
}

/// Which message each step of a capture's timeline carries, and which request a Response answers.
fn link_timeline(tl: &mut decode::timeline::Timeline, out: &[Linted]) {
    let parsed: Vec<decode::timeline::Parsed> = out
        .iter()
        .map(|m| decode::timeline::Parsed {
            entry: m.source.binding.entry,
            kind: m.model.kind.as_str(),
            id: m.model.id.as_ref().map(|v| v.value.as_str()),
            in_response_to: m.model.in_response_to.as_ref().map(|v| v.value.as_str()),
        })
        .collect();
    decode::timeline::link(tl, &parsed);
}

/// A capture without any SAML message that shows an error page (an IdP-initiated login Keycloak refused
/// before producing a message) says which: the title of each known error, never the capture's own text.
fn name_capture_errors(loaded: &mut decode::LoadedInput) {
    let events = std::mem::take(&mut loaded.events);
    if let Some(crate::error::InputError {
        kind: crate::error::ErrorKind::NoSaml { shown, .. },
        ..
    }) = loaded.error.as_mut()
    {
        for ev in &events {
            let title = crate::rules::explain::explain(&ev.text)
                .first()
                .map(|e| e.title.clone());
            shown.push((ev.entry, ev.by, title));
        }
    }
    loaded.events = events;
}

/// Errors a capture shows outside SAML messages become PRO017 findings on the message just before them
/// (the one that failed), else the first one after. The text is shown only when `samlint explain` knows
/// it, so nothing else from the capture is repeated.
fn attach_events(events: &[decode::capture::CaptureEvent], out: &mut [Linted]) {
    for ev in events {
        let entry = |m: &Linted| m.source.binding.entry.unwrap_or(0);
        let at = out
            .iter()
            .rposition(|m| entry(m) <= ev.entry)
            .or(if out.is_empty() { None } else { Some(0) });
        let Some(m) = at.and_then(|i| out.get_mut(i)) else {
            continue;
        };
        let known = crate::rules::explain::explain(&ev.text);
        // The text itself is the input's; only a known error's title (samlint's own) is shown.
        let what = match known.first() {
            Some(e) => Arg::plain(format!("`{}`", e.title)),
            None => Arg::plain("an error samlint does not know"),
        };
        let rules: Vec<&str> = known
            .iter()
            .flat_map(|e| e.rules.iter().map(String::as_str))
            .collect();
        let mut f = Finding::new(
            &crate::registry::PRO017,
            crate::msg!(
                "HAR entry {}: {} answered {}{}",
                Arg::plain(ev.entry),
                Arg::plain(ev.by),
                what,
                Arg::plain(if rules.is_empty() {
                    String::new()
                } else {
                    format!(" (rules that detect its causes: {})", rules.join(", "))
                })
            ),
        );
        if let Some(e) = known.first() {
            f.help = format!(
                "{} Run `samlint explain \"{}\"` for the likely causes.",
                e.meaning, e.title
            );
        }
        f.path = Some(format!("HAR entry {}", ev.entry));
        m.findings.push(f);
    }
}

/// Lint a Keycloak export: one subject per SAML client, plus the realm as a whole for a realm export.
fn keycloak_input(
    text: &std::sync::Arc<str>,
    input: usize,
    name: &str,
    opts: &Options,
    report: &mut InputReport,
) -> Vec<Linted> {
    use crate::keycloak::{self, ExportKind};
    use crate::model::MessageKind;
    let origin = crate::source::Origin::new(name);
    let fail = |report: &mut InputReport, e: InputError| {
        report.errors.push(e);
        report.status = InputStatus::Failed;
    };
    let root = match crate::tree::parse_json(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, column) = crate::source::line_col(text, e.span.start);
            let kind = match e.first {
                Some(first) => {
                    let (first_line, first_column) = crate::source::line_col(text, first.start);
                    crate::error::ErrorKind::DuplicateKey {
                        line,
                        column,
                        first_line,
                        first_column,
                    }
                }
                None => crate::error::ErrorKind::Json {
                    detail: e.message,
                    line,
                    column,
                },
            };
            fail(report, InputError::at(&origin, kind, text.clone(), e.span));
            return Vec::new();
        }
    };
    let Some(kind) = keycloak::detect(&root) else {
        report.kind = InputKind::Unknown;
        fail(
            report,
            InputError::new(
                &origin,
                crate::error::ErrorKind::Unrecognised {
                    detail: "JSON that is neither a HAR capture (no `log`), a SAML-tracer export (no `requests`) nor a Keycloak export: it has Keycloak-like keys, but a client also has `protocol`, `attributes` or `protocolMappers`, a realm export has `realm` with `clients`, and a client list holds only clients".into(),
                },
            ),
        );
        return Vec::new();
    };
    // The realms (one, several in a list of realms, none for a client export), each with its
    // clients; a client or client list is one group without a realm.
    let groups: Vec<(Option<&crate::tree::Node>, Vec<keycloak::ClientRef>)> = match kind {
        ExportKind::Realm | ExportKind::RealmList => keycloak::realms(&root, kind)
            .into_iter()
            .map(|(r, at)| (Some(r), keycloak::realm_clients(r, &at)))
            .collect(),
        ExportKind::Client | ExportKind::ClientList => {
            vec![(None, keycloak::clients(&root, kind))]
        }
    };
    let mut out = Vec::new();
    // Every client of the export points into its one text: one index of its lines for all of them
    // (each finding's line and column is then a lookup, not a scan of the export).
    let lines = std::sync::Arc::new(crate::source::LineIndex::new(text));
    // One linted subject: a client, or the realm as a whole.
    let lint_subject = |kind: MessageKind,
                        step: crate::source::Step,
                        span: crate::source::Span,
                        subject: crate::rules::Subject,
                        client: Option<Client>|
     -> Linted {
        let (mut findings, packs) = if opts.lint {
            opts.engine.apply(&subject, &opts.trust)
        } else {
            (Vec::new(), Vec::new())
        };
        opts.engine.settings.filter(&mut findings);
        Linted {
            index: 0,
            input,
            source: crate::source::Source {
                origin: origin.with(step),
                encodings: Vec::new(),
                binding: crate::source::BindingParams::default(),
                text: text.clone(),
                lines: Some(lines.clone()),
            },
            doc: Document::empty(),
            model: Box::new(Message::empty(kind, kind.as_str(), span)),
            findings,
            signature: None,
            at: None,
            packs,
            rendered: None,
            client,
            predicted: Default::default(),
            decryption: None,
        }
    };
    // A client with SAML settings that Keycloak serves as another protocol: the export is read no
    // further (its SAML settings are never used), and the run does not pass (review 31). The path
    // names it; its values are not quoted (an input error is shown unredacted).
    // Only without a protocol or with `saml` miswritten: exports of Keycloak 4 to about 19 carry
    // `saml.*` attributes on every OpenID Connect client.
    let misread = |c: &&keycloak::ClientRef| {
        !c.is_saml()
            && c.protocol
                .as_deref()
                .is_none_or(|p| p.eq_ignore_ascii_case("saml"))
            && c.looks_saml()
    };
    // Each such client is an error of its own, and the export's other clients are linted (review
    // 60: the first one stopped the export, and an Atlassian client's errors beside it went unseen).
    for c in groups.iter().flat_map(|(_, cs)| cs).filter(misread) {
        fail(
            report,
            InputError::new(
                &origin,
                crate::error::ErrorKind::KeycloakProtocol {
                    path: crate::util::one_line(&c.path),
                    missing: c.protocol.is_none(),
                },
            ),
        );
    }
    for (realm, clients) in &groups {
        let realm = *realm;
        // The realm's client scopes, indexed once for all its clients (review 61).
        let scopes = keycloak::Scopes::new(realm);
        for c in clients {
            if !c.is_saml() || opts.client.as_ref().is_some_and(|id| *id != c.client_id) {
                continue;
            }
            let profile = crate::profile::from_client_in(c.node, realm, &scopes);
            // In a list of realms, two realms may each have a client of that clientId: the realm
            // names it too (its findings, and their baseline fingerprints, are not the other's;
            // review 35).
            let mut step = vec![("client", c.client_id.clone())];
            if let (ExportKind::RealmList, Some(r)) = (kind, realm) {
                step.push(("in realm", realm_name(r)));
            }
            let step = crate::source::Step::Subject(step);
            out.push(lint_subject(
                MessageKind::KeycloakClient,
                step,
                c.node.span.unwrap_or_default(),
                crate::rules::Subject::Client {
                    profile: &profile,
                    raw: c.node,
                },
                Some(Client {
                    id: c.client_id.clone(),
                    profile: profile.clone(),
                }),
            ));
        }
        if let Some(realm) = realm {
            out.push(lint_subject(
                MessageKind::KeycloakRealm,
                crate::source::Step::Subject(vec![("realm", realm_name(realm))]),
                realm.span.unwrap_or_default(),
                crate::rules::Subject::Realm { raw: realm },
                None,
            ));
        }
    }
    if out.is_empty() && report.errors.is_empty() {
        report.status = InputStatus::Skipped;
    }
    report.messages += out.len();
    out
}

/// Decode and parse every input (directories are walked), and lint every message when `opts.lint`.
/// Inputs are processed in parallel on a work-stealing pool; the output order is the input order.
pub fn run(args: &[String], stdin: &mut dyn Read, opts: &Options) -> Run {
    let started = std::time::Instant::now();
    let (items, dirs) = expand(args, opts);
    let bar = progress_bar(opts, items.len());
    // stdin cannot be shared between threads: read it first, in place. So are other inputs that can be
    // read only once (a pipe such as `<(cat x.har)`): they are never read twice (see below).
    let mut done: Vec<Option<(InputReport, Vec<Linted>)>> = items
        .iter()
        .enumerate()
        .map(|(i, it)| match it {
            Item::Arg(a) if a == "-" => Some(process(a, i, false, stdin, opts)),
            Item::Arg(a) if read_once(a) => Some(process(a, i, false, &mut std::io::empty(), opts)),
            Item::Skipped(name) => Some(skipped(i, name.clone())),
            _ => None,
        })
        .collect();
    // Messages are finished (slimmed, or rendered and slimmed) as soon as their input is done. Whether
    // they may still be paired with a Keycloak client is guessed from a look at the files; the messages
    // of stdin and pipes (linted above) wait until the answer is known.
    let early_clients = done
        .iter()
        .flatten()
        .any(|(_, msgs)| msgs.iter().any(|m| m.client.is_some()));
    let finish = |msgs: &mut Vec<Linted>, may_pair: bool| {
        if let Some(f) = &opts.finish {
            msgs.iter_mut().for_each(|m| (f.0)(m, may_pair));
        }
    };
    let looks = opts.finish.is_some()
        && (opts.client.is_some()
            || early_clients
            || par_map(items.iter().collect(), |it| match it {
                Item::Arg(a) => a != "-" && may_hold_clients(a),
                Item::Found(_, clients) => *clients,
                Item::Skipped(_) => false,
            })
            .contains(&true));
    let pending: Vec<(usize, &str, bool)> = items
        .iter()
        .enumerate()
        .filter(|(i, _)| done.get(*i).is_some_and(Option::is_none))
        .filter_map(|(i, it)| match it {
            Item::Arg(a) => Some((i, a.as_str(), false)),
            Item::Found(a, _) => Some((i, a.as_str(), true)),
            Item::Skipped(_) => None,
        })
        .collect();
    let lint_files = |pending: Vec<(usize, &str, bool)>,
                      may_pair: bool|
     -> Vec<(usize, (InputReport, Vec<Linted>))> {
        par_map(pending, |(i, a, walked)| {
            let mut r = process(a, i, walked, &mut std::io::empty(), opts);
            // A file the walk found whose content, read whole, is none of the inputs samlint reads
            // (JSON with a Keycloak-like key that is no export): skipped like junit.xml, not exit 2.
            if walked
                && !r.0.errors.is_empty()
                && r.0
                    .errors
                    .iter()
                    .all(|e| matches!(e.kind, crate::error::ErrorKind::Unrecognised { .. }))
            {
                r.0.errors.clear();
                r.0.status = InputStatus::Skipped;
                r.1.clear();
            }
            finish(&mut r.1, may_pair);
            if let Some(b) = &bar {
                b.inc(1);
            }
            (i, r)
        })
    };
    let mut parallel = lint_files(pending.clone(), looks);
    let clients = early_clients
        || parallel
            .iter()
            .any(|(_, (_, msgs))| msgs.iter().any(|m| m.client.is_some()));
    if opts.finish.is_some() && clients && !looks {
        // A Keycloak export the look missed (or a walk did not look for): the messages were finished
        // as unpaired. Lint again the inputs that gave any (an export alone has nothing to redo).
        let again: Vec<(usize, &str, bool)> = pending
            .iter()
            .zip(&parallel)
            .filter(|(_, (_, (_, msgs)))| msgs.iter().any(|m| m.client.is_none()))
            .map(|(p, _)| *p)
            .collect();
        if let Some(b) = &bar {
            b.set_position(0);
            b.set_length(again.len() as u64);
        }
        let mut redone = lint_files(again, true).into_iter().peekable();
        for (i, r) in parallel.iter_mut() {
            if redone.peek().is_some_and(|(j, _)| j == i)
                && let Some((_, again)) = redone.next()
            {
                *r = again;
            }
        }
    }
    for (_, msgs) in done.iter_mut().flatten() {
        finish(msgs, clients);
    }
    for (i, r) in parallel {
        if let Some(slot) = done.get_mut(i) {
            *slot = Some(r);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut run = Run::default();
    // Sized once: a Linted is a large value, and doubling the list copies every one before it.
    let total = done.iter().flatten().map(|(_, m)| m.len()).sum();
    run.messages.reserve_exact(total);
    run.inputs.reserve_exact(done.len());
    for (mut report, msgs) in done.into_iter().flatten() {
        // A timeline numbers its input's messages from 0; the run numbers them all.
        for s in report.timeline.iter_mut().flat_map(|t| t.steps.iter_mut()) {
            s.message = s.message.map(|i| i + run.messages.len());
        }
        for mut m in msgs {
            m.index = run.messages.len();
            run.messages.push(m);
        }
        run.inputs.push(report);
    }
    // Reported after the files the walk found (input indexes stay those of the items).
    for (dir, range) in dirs {
        let walked = run.inputs.get(range.clone()).unwrap_or_default();
        if walked.iter().all(|i| i.status == InputStatus::Skipped) {
            let report = nothing_found(run.inputs.len(), &dir, walked.len());
            run.inputs.push(report);
        }
    }
    if opts.lint {
        pair_with_clients(&mut run, opts);
    }
    run.elapsed = started.elapsed();
    run
}

/// `map` over `v` on the work-stealing pool, in order; on this thread when there is only one item, so
/// that a single paste never starts the pool's threads.
fn par_map<T: Send, U: Send>(v: Vec<T>, f: impl Fn(T) -> U + Sync + Send) -> Vec<U> {
    use rayon::prelude::*;
    if v.len() > 1 {
        v.into_par_iter().map(f).collect()
    } else {
        v.into_iter().map(f).collect()
    }
}

/// An input that may not give the same bytes twice: something that exists but is not a regular file or
/// a directory (a pipe, a FIFO, a character device).
fn read_once(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Could this file be a Keycloak export (whose clients messages are paired with)? A look at its first
/// 4 KiB: a JSON array, or a JSON object naming `clientId` or `realm` (Keycloak writes `id`, then `realm`
/// or `clientId`, first). A wrong "yes" only costs memory; a wrong "no" costs a second run (see `run`).
fn may_hold_clients(path: &str) -> bool {
    // Only regular files: reading a pipe here would take bytes that the real read then misses (pipes
    // are linted first, like stdin, and their Keycloak exports counted then).
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    decode::read_head(std::path::Path::new(path), 4096).is_ok_and(|h| head_may_hold_clients(&h))
}

/// [`may_hold_clients`] on a file's first bytes (its first 4 KiB are looked at).
fn head_may_hold_clients(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    // The common answer first: the first byte that is not ASCII white space is ASCII and not a
    // bracket (an XML or base64 file). Only then can it not start a JSON export.
    // (`char::is_whitespace`, used below, also counts U+000B.)
    match head
        .iter()
        .find(|&&c| !c.is_ascii_whitespace() && c != 0x0b)
    {
        None => return false,
        Some(&c) if c.is_ascii() && c != b'[' && c != b'{' => return false,
        _ => {}
    }
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    t.starts_with('[')
        || (t.starts_with('{') && (t.contains("\"clientId\"") || t.contains("\"realm\"")))
}

/// Messages and Keycloak clients in the same run (`--keycloak`, or both given as inputs) are paired:
/// a Response by Audience = clientId, an AuthnRequest by Issuer = clientId, or both by `--client`. The
/// message's profile then carries the client's (profile.rs `pair`), and the packs run again on it, so
/// that rules can compare what the message shows with what the client says.
fn pair_with_clients(run: &mut Run, opts: &Options) {
    use crate::model::MessageKind;
    // (client, its JSON text, the file it came from): places in the client become `file:line:col`,
    // with the file's own name only, as the report's input table shows it: the folders above it can
    // carry what a redacted report must not (e2e/keycloak.sh names them after the client ID).
    let clients: Vec<(Client, std::sync::Arc<str>, String)> = run
        .messages
        .iter()
        .filter_map(|m| {
            let file = run.inputs.get(m.input).map(|i| {
                std::path::Path::new(&i.name)
                    .file_name()
                    .map_or_else(|| i.name.clone(), |f| f.to_string_lossy().into_owned())
            });
            Some((
                m.client.clone()?,
                m.source.text.clone(),
                file.unwrap_or_default(),
            ))
        })
        .collect();
    if clients.is_empty() {
        return;
    }
    for m in run.messages.iter_mut().filter(|m| {
        matches!(
            m.model.kind,
            MessageKind::Response | MessageKind::AuthnRequest
        )
    }) {
        let mut p = crate::profile::from_message(&m.model, &m.source);
        let key = opts.client.clone().or_else(|| {
            p.path(&["sp", "entity_id"])
                .and_then(crate::tree::Node::as_str)
                .map(str::to_string)
        });
        let found = key.and_then(|k| clients.iter().find(|(c, _, _)| c.id == k));
        crate::profile::pair(
            &mut p,
            found.map(|(c, text, file)| (&c.profile, &**text, file.as_str())),
        );
        let (more, packs) = opts.engine.apply(
            &crate::rules::Subject::Message {
                profile: &p,
                kind: m.model.kind,
            },
            &opts.trust,
        );
        m.findings.retain(|f| f.pack == "builtin");
        m.findings.extend(more);
        opts.engine.settings.filter(&mut m.findings);
        m.packs = packs;
    }
}

/// A progress bar on stderr, only for a terminal, only with several inputs, and only once the run has
/// taken a second (so that a quick run draws nothing).
fn progress_bar(opts: &Options, n: usize) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal as _;
    if !opts.progress
        || n < 2
        || !std::io::stderr().is_terminal()
        || std::env::var_os("CI").is_some()
    {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(n as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed} [{bar:30}] {pos}/{len} inputs")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    let shown = bar.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(1));
        if !shown.is_finished() {
            shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    });
    Some(bar)
}

#[cfg(test)]
mod cap_tests {
    use super::*;

    /// The byte fast path of `head_may_hold_clients` answers as the character rule it shortcuts.
    #[test]
    fn the_clients_look_agrees_with_its_character_rule() {
        let slow = |head: &[u8]| {
            let text = String::from_utf8_lossy(head);
            let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
            t.starts_with('[')
                || (t.starts_with('{') && (t.contains("\"clientId\"") || t.contains("\"realm\"")))
        };
        let leads = [
            "",
            " ",
            "\t\r\n",
            "\u{b}",
            "\u{c}",
            "\u{feff}",
            "\u{a0}",
            "\u{2028} ",
            "\u{ff}",
        ];
        let bodies = [
            "",
            "[]",
            "{\"clientId\": \"x\"}",
            "{\"realm\": 1}",
            "{\"log\": {}}",
            "<a/>",
            "PHNhbWxwOlJlc3BvbnNl",
            "\u{b}{\"realm\": 1}",
            "x[",
            "{",
        ];
        for l in leads {
            for b in bodies {
                let h = format!("{l}{b}");
                assert_eq!(
                    head_may_hold_clients(h.as_bytes()),
                    slow(h.as_bytes()),
                    "{h:?}"
                );
            }
        }
        let bad = [0xff, b'{', b'"'];
        assert_eq!(head_may_hold_clients(&bad), slow(&bad));
    }

    #[test]
    fn findings_of_one_rule_are_capped_with_a_count() {
        let rule = &crate::registry::SIG011;
        let mut v: Vec<Finding> = (0..30)
            .map(|i| Finding::new(rule, crate::msg!("f{}", Arg::plain(i))))
            .collect();
        v.push(Finding::new(&crate::registry::SIG001, "other"));
        cap_findings(&mut v, 20);
        assert_eq!(v.len(), 21);
        assert!(v[19].message.to_string().ends_with("(and 10 more SIG011 findings in this message, not shown: raise --max-findings to see them)"), "{}", v[19].message);
        assert!(!v[18].message.to_string().contains("more"));
        assert_eq!(v[20].message.to_string(), "Other");
    }
}
