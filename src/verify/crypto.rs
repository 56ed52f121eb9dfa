//! Stage 3, crypto: run a verifier over the document with each key, and attach each of its results to
//! the signature at the same byte offset in samlint's own parse. Never by position in a list: a verifier
//! that sees a signature samlint does not (or misses one samlint sees) has parsed another document, and
//! the whole document is refused.

use super::cause;
use super::cert::Cert;
use super::contract::Refusal;
use super::dsig::{Crypto, Place, Verifier};
use super::locate::Located;
use crate::finding::{Arg, Msg};
use crate::msg;
use crate::xml::Document;
use std::collections::HashMap;

/// Every verifier result, per key index and per signature end offset (in samlint's text).
#[derive(Debug, Default)]
pub struct Runs {
    per_key: Vec<(usize, HashMap<usize, Crypto>)>,
    /// A document-level failure (the verifier could not parse it, or saw other signatures).
    pub doc_error: Option<Refusal>,
}

impl Runs {
    /// What the verifier said with key `key` about the signature that ends at `end`.
    pub fn get(&self, key: usize, end: usize) -> Option<&Crypto> {
        self.per_key
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, m)| m.get(&end))
    }
}

/// Run `verifier` over `body` (the document from `offset` on) with each key. With the Rust verifier, a
/// key with which samlint's own check (native.rs) finds every signature valid is not run through
/// bergshamra: that check works on samlint's parse, so its places are ours by construction.
pub fn run(
    verifier: &dyn Verifier,
    doc: &Document,
    text: &str,
    keys: &[Cert],
    loc: &Located,
) -> Runs {
    let sites = &loc.sites;
    let mut runs = Runs::default();
    if sites.is_empty() {
        return runs;
    }
    let input = Input::new(
        text.get(doc.content_start..).unwrap_or(text),
        doc.content_start,
    );
    let spans: Vec<std::ops::Range<usize>> = sites
        .iter()
        .map(|s| doc.node(s.node).span.range())
        .collect();
    let mut ours: Vec<usize> = spans.iter().map(|r| r.start).collect();
    ours.sort_unstable();
    // What samlint's own check needs no key for, done once for every key.
    #[cfg(feature = "ring")]
    let digested =
        (verifier.takes_native() && !keys.is_empty()).then(|| super::native::digest_all(doc, loc));
    for (ki, k) in keys.iter().enumerate() {
        // samlint's own answers: all valid, the verdict; a computed mismatch, a veto on `valid` below.
        #[cfg(feature = "ring")]
        let native = match &digested {
            Some(d) => super::native::check(d, k),
            None => Vec::new(),
        };
        #[cfg(feature = "ring")]
        if let Some(by_end) = all_valid(&native) {
            runs.per_key.push((ki, by_end));
            continue;
        }
        match verifier.verify_all(&input.text, k) {
            Ok(results) => {
                // Each result must be at one of our signatures, and each of ours must have one.
                let mut theirs: Vec<usize> = results
                    .iter()
                    .map(|r| {
                        let at = input.place(r.at);
                        spans
                            .iter()
                            .find(|s| at.is((*s).clone()))
                            .map_or(at.start.unwrap_or(at.end), |s| s.start)
                    })
                    .collect();
                theirs.sort_unstable();
                if theirs != ours {
                    runs.doc_error = Some(Refusal::new(
                        cause::DISAGREEMENT,
                        disagreement(&ours, &theirs),
                    ));
                    return runs;
                }
                #[allow(unused_mut)]
                let mut by_end: HashMap<usize, Crypto> = results
                    .into_iter()
                    .map(|r| (input.place(r.at).end, shift(r.outcome, &input)))
                    .collect();
                #[cfg(feature = "ring")]
                veto(&mut by_end, native);
                wrong_length(&mut by_end, doc, loc, k);
                runs.per_key.push((ki, by_end));
            }
            Err(e) => {
                let c = if e.to_lowercase().contains("duplicate id") {
                    cause::DUPLICATE_ID
                } else {
                    cause::VERIFIER_ERROR
                };
                // The verifier's words may quote the document: free text.
                runs.doc_error = Some(Refusal::new(c, msg!("{}", Arg::text(e))));
                return runs;
            }
        }
    }
    runs
}

/// What the veto's reason ends with: accept.rs maps it to a cause, findings.rs says what happened.
pub const PARSERS_DIFFER: &str =
    "bergshamra's parse verifies it: the verifiers read different documents";

/// samlint's own answers as the run's, when it took every signature and each is valid.
#[cfg(feature = "ring")]
fn all_valid(native: &[super::native::Native]) -> Option<HashMap<usize, Crypto>> {
    use super::native::Native;
    if native.is_empty() {
        return None;
    }
    native
        .iter()
        .map(|n| match n {
            Native::Valid(r) => Some((r.at.end, r.outcome.clone())),
            _ => None,
        })
        .collect()
}

/// A signature samlint computed and found not to verify is never `valid` because the other verifier,
/// on its own parse, read another document.
#[cfg(feature = "ring")]
fn veto(by_end: &mut HashMap<usize, Crypto>, native: Vec<super::native::Native>) {
    for n in native {
        if let super::native::Native::Mismatch { at, reason } = n
            && let Some(c) = by_end.get_mut(&at.end)
            && matches!(c, Crypto::Valid { .. })
        {
            *c = Crypto::Invalid(format!("{reason} on samlint's parse; {PARSERS_DIFFER}"));
        }
    }
}

/// Whatever a verifier said, a signature value of the wrong length for an RSA key, or for an EC key
/// as XML-DSig writes ECDSA values, is invalid with it, and for that reason
/// ([`super::dsig::wrong_length`], [`super::dsig::wrong_ec_length`]).
fn wrong_length(by_end: &mut HashMap<usize, Crypto>, doc: &Document, loc: &Located, key: &Cert) {
    for s in &loc.sites {
        let value = doc
            .child_elements(s.node)
            .find(|c| doc.is(*c, crate::model::ns::DS, "SignatureValue"))
            .and_then(|v| super::dsig::base64(&doc.own_text(v)));
        let method = s.signature_method.as_ref().map_or("", |(m, _)| m.as_str());
        let end = doc.node(s.node).span.end;
        if let Some(v) = value
            && let Some(c) = by_end.get_mut(&end)
            // An EC value of another length is often another curve's signature: only a `valid` is
            // overruled, and a verifier's own refusal keeps its words.
            && let Some(why) = super::dsig::wrong_length(method, &v, key).or_else(|| {
                matches!(c, Crypto::Valid { .. })
                    .then(|| super::dsig::wrong_ec_length(method, &v, key))
                    .flatten()
            })
        {
            *c = Crypto::Invalid(why);
        }
    }
}

/// What the verifiers read: the document after XML 1.0's end-of-line handling (§2.11: CR LF and a lone
/// CR become LF before parsing), which samlint's parser and libxml2 do and bergshamra's does not inside
/// CDATA. Handed the raw text, bergshamra digested a CR an SP never sees and called `valid` a signature
/// every libxml2-based SP rejects, wherever samlint's own check declined to judge (an attribute
/// shadowing `ID`, inclusive c14n, …). A CR in the document only as `&#13;` is a character, kept.
struct Input<'a> {
    text: std::borrow::Cow<'a, str>,
    /// Where the document starts in samlint's text.
    offset: usize,
    /// Offsets, in `text`, of the line feeds whose CR was dropped (ascending).
    dropped: Vec<usize>,
}

impl<'a> Input<'a> {
    fn new(body: &'a str, offset: usize) -> Self {
        let b = body.as_bytes();
        if memchr::memchr(b'\r', b).is_none() {
            return Input {
                text: std::borrow::Cow::Borrowed(body),
                offset,
                dropped: Vec::new(),
            };
        }
        let mut out = String::with_capacity(b.len());
        let mut dropped = Vec::new();
        let mut from = 0;
        // A CR is ASCII: every slice below starts and ends on a character boundary.
        for i in memchr::memchr_iter(b'\r', b) {
            out.push_str(&body[from..i]);
            if b.get(i + 1) == Some(&b'\n') {
                // CR LF: the LF stays, at this offset of the output.
                dropped.push(out.len());
            } else {
                out.push('\n');
            }
            from = i + 1;
        }
        out.push_str(&body[from..]);
        Input {
            text: std::borrow::Cow::Owned(out),
            offset,
            dropped,
        }
    }
    /// An offset in the verifiers' input, as an offset in samlint's text.
    fn back(&self, n: usize) -> usize {
        self.offset + n + self.dropped.partition_point(|&d| d < n)
    }
    fn place(&self, p: Place) -> Place {
        Place {
            start: p.start.map(|s| self.back(s)),
            end: self.back(p.end),
        }
    }
}

/// Offsets in the verifiers' input made offsets in samlint's text.
fn shift(c: Crypto, input: &Input) -> Crypto {
    match c {
        Crypto::Valid { references } => Crypto::Valid {
            references: references
                .into_iter()
                .map(|mut r| {
                    r.resolved = r.resolved.map(|x| input.place(x));
                    r
                })
                .collect(),
        },
        other => other,
    }
}

fn disagreement(ours: &[usize], theirs: &[usize]) -> Msg {
    let only_theirs: Vec<usize> = theirs
        .iter()
        .filter(|t| !ours.contains(t))
        .copied()
        .collect();
    let only_ours: Vec<usize> = ours
        .iter()
        .filter(|o| !theirs.contains(o))
        .copied()
        .collect();
    let list = |v: &[usize]| {
        Arg::plain(
            v.iter()
                .take(5)
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    match (only_theirs.is_empty(), only_ours.is_empty()) {
        (false, _) => msg!(
            "the verifier sees {} signature(s) samlint's parser does not (at byte {}): the two parsers read different documents",
            Arg::plain(only_theirs.len()),
            list(&only_theirs)
        ),
        (true, false) => msg!(
            "the verifier does not see {} signature(s) samlint's parser sees (at byte {}): the two parsers read different documents",
            Arg::plain(only_ours.len()),
            list(&only_ours)
        ),
        _ => msg!(
            "the verifier saw {} signatures where samlint's parser sees {}",
            Arg::plain(theirs.len()),
            Arg::plain(ours.len())
        ),
    }
}
