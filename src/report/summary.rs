//! The summary a person reads first for each message of the `full` format (and its one-line form in
//! `concise`): the verdict, each signature with the key that verified it, the Issuer, the NameID, where
//! the message is addressed, the time window and when it was evaluated, and the attributes.
//!
//! `full` is never redacted (`--redact` shows it in the concise layout), so values are shown as they
//! are, through [`crate::util::one_line`] and [`crate::util::sanitize`] like every finding message. The
//! concise line carries no value from the input but public SAML constants, so it needs no redaction.

use crate::finding::Severity;
use crate::lint::Linted;
use crate::model::{Assertion, MessageKind};
use crate::util::plural;
use crate::verify::SigReport;
use crate::verify::cert::KeySource;
use unicode_width::UnicodeWidthStr;

/// At most this many attributes in the table (the rest are counted).
const MAX_ATTRIBUTES: usize = 24;
/// At most this many values shown per attribute.
const MAX_VALUES: usize = 6;

/// The label column: labels are padded to this width.
const LABEL: usize = 12;

/// A value from the input, on one line and without control characters (the escaping every human
/// output of an input value goes through).
fn clean(s: &str) -> String {
    crate::util::one_line(s)
}

/// A value from the input, cleaned and cut to `max` columns.
fn val(s: &str, max: usize) -> String {
    cut(&clean(s), max)
}

/// The byte length of the longest prefix of `s` within `max` display columns, but at least one
/// character (so that breaking a line always advances).
fn prefix_within(s: &str, max: usize) -> usize {
    let mut w = 0;
    for (i, c) in s.char_indices() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > max && i > 0 {
            return i;
        }
        w += cw;
    }
    s.len()
}

/// Cut `s` to at most `max` display columns, marking the cut with `…`.
fn cut(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    format!("{}…", &s[..prefix_within(s, max.saturating_sub(1))])
}

/// A value from the input over up to `lines` lines of `max` columns, broken anywhere (URLs and IDs
/// have no spaces, and their end matters as much as their start); the last line is cut with `…`.
fn val_lines(s: &str, max: usize, lines: usize) -> Vec<String> {
    let s = clean(s);
    let max = max.max(8);
    let mut out = Vec::new();
    let mut rest = s.as_str();
    while !rest.is_empty() {
        if out.len() + 1 == lines && rest.width() > max {
            out.push(cut(rest, max));
            return out;
        }
        let n = prefix_within(rest, max);
        out.push(rest[..n].to_string());
        rest = &rest[n..];
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

/// A name from the input cut to `max` columns from the left: the end of a claim URI
/// (`…/claims/emailaddress`) is what tells two names apart.
fn tail(s: &str, max: usize) -> String {
    let s = clean(s);
    if s.width() <= max {
        return s;
    }
    let mut start = s.len();
    let mut w = 1;
    for (i, c) in s.char_indices().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > max {
            break;
        }
        start = i;
        w += cw;
    }
    format!("…{}", &s[start..])
}

/// The last segment of an algorithm URI (`…#rsa-sha256` → `rsa-sha256`).
fn short_alg(u: &str) -> String {
    val(u.rsplit(['#', '/']).next().unwrap_or(u), 40)
}

/// The short name of a NameID format URI, or the URI (cut) when it is not one SAML defines.
pub fn name_id_format(f: Option<&str>) -> String {
    match f {
        None => "no Format".into(),
        Some(u) => {
            let known = [
                "emailAddress",
                "unspecified",
                "persistent",
                "transient",
                "X509SubjectName",
                "WindowsDomainQualifiedName",
                "kerberos",
                "entity",
            ];
            let last = u.rsplit(':').next().unwrap_or(u);
            if u.starts_with("urn:oasis:names:tc:SAML:") && known.contains(&last) {
                last.to_string()
            } else {
                val(u, 60)
            }
        }
    }
}

/// The signed element of a signature, as a person names it.
fn signed_what(s: &SigReport) -> String {
    match s.element.as_deref() {
        Some(e) => {
            let last = e.rsplit('/').next().unwrap_or(e);
            let last = last.rsplit(':').next().unwrap_or(last);
            let last = last.split('[').next().unwrap_or(last);
            if last.is_empty() {
                "the document".into()
            } else {
                val(last, 30)
            }
        }
        None if s.path == "?Signature" => "the query (Redirect binding)".into(),
        None => "(no signed element)".into(),
    }
}

fn mark(result: &str, color: bool) -> String {
    let (m, c) = match result {
        "valid" => ("✔", "32"),
        "invalid" => ("✘", "31"),
        _ => ("?", "33"),
    };
    paint(m, c, color)
}

/// `s` without ANSI colour sequences (what the summary itself paints).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\x1b' {
            for d in it.by_ref() {
                if d == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A verdict or signature mark in its colour.
pub fn painted(sym: char) -> String {
    let code = match sym {
        '✔' => "32",
        '✘' => "31",
        _ => "33",
    };
    paint(&sym.to_string(), code, true)
}

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn key_source(s: &KeySource, signer: crate::verify::Signer) -> String {
    match s {
        KeySource::Config => "--idp-cert".into(),
        KeySource::SpConfig => "--sp-cert".into(),
        KeySource::Metadata => "--idp-metadata".into(),
        KeySource::KeyInfo => format!(
            "the message's own KeyInfo (not trusted: pass {})",
            signer.options()
        ),
    }
}

/// `2036-11-18T10:00:00Z` → `2036-11-18`.
fn day(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

/// Break `text` at spaces into lines of at most `width` columns; a word longer than a line (a URL) is
/// broken where the line ends.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    wrap2(text, width, width)
}

/// [`wrap_words`] with the first line `first` columns wide and the others `rest`.
fn wrap2(text: &str, first: usize, rest: usize) -> Vec<String> {
    let (first, rest) = (first.max(8), rest.max(8));
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let w = if out.is_empty() { first } else { rest };
            if cur.is_empty() && word.width() > w {
                // The head of a word longer than the line fills it.
                let n = prefix_within(&word, w);
                out.push(word[..n].to_string());
                word = word[n..].to_string();
                continue;
            }
            if !cur.is_empty() && cur.width() + 1 + word.width() > w {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(&word);
            break;
        }
    }
    out.push(cur);
    out
}

/// `text` wrapped to `width` columns with a hanging indent: the first line after `first` spaces, the
/// others after `rest`.
pub fn hang(text: &str, width: usize, first: usize, rest: usize) -> Vec<String> {
    wrap2(
        text,
        width.saturating_sub(first).max(24),
        width.saturating_sub(rest).max(24),
    )
    .into_iter()
    .enumerate()
    .map(|(i, l)| format!("{}{l}", " ".repeat(if i == 0 { first } else { rest })))
    .collect()
}

/// A labelled row whose text is wrapped to the value column (`width` is the terminal's).
pub fn wrapped_row(out: &mut Vec<String>, label: &str, texts: &[String], width: usize) {
    let room = width.saturating_sub(LABEL + 3).max(24);
    let mut lines = Vec::new();
    for t in texts {
        for (i, l) in wrap_words(t, room.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            lines.push(if i == 0 { l } else { format!("  {l}") });
        }
    }
    row(out, label, lines);
}

/// One labelled row: the label padded, the first line beside it, further lines under the value.
pub fn row(out: &mut Vec<String>, label: &str, lines: Vec<String>) {
    let mut it = lines.into_iter();
    let first = it.next().unwrap_or_default();
    out.push(format!("  {label:<LABEL$} {first}"));
    for l in it {
        out.push(format!("  {:<LABEL$} {l}", ""));
    }
}

/// The SPs predicted for the message, each once, in the order of their predictions.
fn predicted_sps(m: &Linted) -> Vec<&'static str> {
    let mut sps: Vec<&'static str> = Vec::new();
    for p in &m.predicted.predictions {
        if !sps.contains(&p.sp) {
            sps.push(p.sp);
        }
    }
    sps
}

/// The verdict lines: one per SP whose pack applied (each SP's deciding stage; with two SPs, the
/// second's answer is as much the verdict as the first's), else one from the counts. Only the first
/// character (✔, ✘, ? or !) is coloured.
pub fn verdicts(m: &Linted, color: bool) -> Vec<String> {
    let lines: Vec<String> = predicted_sps(m)
        .into_iter()
        .filter_map(|sp| m.predicted.headline(sp))
        .map(|p| {
            let forged = super::prediction::forged(&m.predicted, p);
            let (sym, c) = match p.answer {
                crate::predict::Answer::Accepted if forged => ("!", "31"),
                crate::predict::Answer::Accepted => ("✔", "32"),
                crate::predict::Answer::Rejected => ("✘", "31"),
                crate::predict::Answer::Unknown => ("?", "33"),
            };
            format!(
                "{} {}",
                paint(sym, c, color),
                crate::util::one_line(&super::prediction::headline_of(p, forged))
            )
        })
        .collect();
    if !lines.is_empty() {
        return lines;
    }
    vec![counts_verdict(m, color)]
}

fn counts_verdict(m: &Linted, color: bool) -> String {
    let (e, w) = (
        m.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count(),
        m.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
    );
    if e > 0 {
        format!(
            "{} {}: this message would be refused",
            paint("✘", "31", color),
            plural(e, "error")
        )
    } else if w > 0 {
        format!(
            "{} no errors, {}: likely to cause trouble",
            paint("!", "33", color),
            plural(w, "warning")
        )
    } else {
        format!("{} no errors or warnings", paint("✔", "32", color))
    }
}

/// The summary block of a message in the `full` format (no trailing blank line), `width` columns.
pub fn block(m: &Linted, color: bool, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    if m.is_keycloak() {
        return out;
    }
    let room = width.saturating_sub(LABEL + 3).max(24);
    signatures(m, color, room, &mut out);
    let model = &m.model;
    if let Some(i) = model.issuer.as_ref() {
        row(&mut out, "issuer", val_lines(&i.value.value, room, 3));
    }
    if let Some(s) = model.status.as_ref().and_then(|s| s.code.as_ref()) {
        let code = s.value.rsplit(':').next().unwrap_or(&s.value);
        let mut text = val(code, 40);
        if let Some(sub) = model.status.as_ref().and_then(|s| s.sub_codes.first()) {
            text.push_str(&format!(
                " › {}",
                val(sub.value.rsplit(':').next().unwrap_or(&sub.value), 40)
            ));
        }
        if code != "Success" {
            if let Some(msg) = model.status.as_ref().and_then(|s| s.message.as_ref()) {
                text.push_str(&format!(
                    ": {}",
                    val(&msg.value, room.saturating_sub(text.width() + 2))
                ));
            }
            row(&mut out, "status", vec![paint(&text, "31", color)]);
        }
    }
    if let Some(d) = model.destination.as_ref() {
        row(&mut out, "destination", val_lines(&d.value, room, 3));
    }
    if let Some(r) = model.authn_request.as_ref() {
        if let Some(acs) = r.assertion_consumer_service_url.as_ref() {
            row(&mut out, "ACS", val_lines(&acs.value, room, 3));
        }
        if let Some(f) = r.name_id_policy_format.as_ref() {
            row(
                &mut out,
                "NameIDPolicy",
                vec![name_id_format(Some(&f.value))],
            );
        }
    }
    match (model.assertions.len(), model.encrypted_assertions.len()) {
        (0, 0) => {}
        (1, 0) => {
            if let Some(d) = &m.decryption {
                let file = std::path::Path::new(&d.key)
                    .file_name()
                    .map_or_else(|| d.key.clone(), |f| f.to_string_lossy().into_owned());
                wrapped_row(
                    &mut out,
                    "decrypted",
                    &[format!(
                        "with --sp-key {} ({} / {}, EncryptedKey {} of {})",
                        val(&file, 40),
                        short_alg(&d.content_algorithm),
                        short_alg(&d.key_transport),
                        d.encrypted_key,
                        d.encrypted_keys
                    )],
                    width,
                );
            }
            assertion(m, &model.assertions[0], width, &mut out)
        }
        (0, n) => {
            for e in &model.encrypted_assertions {
                let alg = |v: &Option<crate::model::Val>| {
                    v.as_ref()
                        .map_or_else(|| "unknown".to_string(), |v| short_alg(&v.value))
                };
                row(
                    &mut out,
                    "assertion",
                    wrap_words(
                        &format!(
                            "encrypted ({} with key transport {}): pass the SP's private key with --sp-key to read it",
                            alg(&e.encryption_method),
                            alg(&e.key_transport)
                        ),
                        room,
                    ),
                );
            }
            if n > 1 {
                row(&mut out, "", vec![format!("{n} encrypted assertions")]);
            }
        }
        (a, e) => row(
            &mut out,
            "assertions",
            vec![if e == 0 {
                format!("{a}: not summarised, as SPs disagree on which one they read")
            } else {
                format!(
                    "{a}, and {e} encrypted: not summarised, as SPs disagree on which one they read"
                )
            }],
        ),
    }
    if model.assertions.len() != 1 || model.kind != MessageKind::Response {
        checked_at(m, width, &mut out);
    }
    out
}

/// When the time windows were evaluated, and why then.
fn checked_at(m: &Linted, width: usize, out: &mut Vec<String>) {
    if let Some(at) = &m.at {
        let why = match at.source {
            "now" => "now".to_string(),
            "fixed" => "--at".to_string(),
            "capture" => "when the capture sent it".to_string(),
            _ if m.source.binding.time.is_some() => {
                "the message's own IssueInstant: the capture's time of this request is not a time samlint reads (PRO012)".into()
            }
            _ => {
                "the message's own IssueInstant: pass --at now or a HAR to check the window".into()
            }
        };
        wrapped_row(
            out,
            "checked at",
            &[format!("{} ({why})", val(&at.time, 40))],
            width,
        );
    }
}

fn signatures(m: &Linted, color: bool, room: usize, out: &mut Vec<String>) {
    let Some(report) = m.signature.as_ref() else {
        return;
    };
    if report.signatures.is_empty() {
        row(
            out,
            "signature",
            vec![format!(
                "{} none: nothing in this message is signed",
                paint("✘", "31", color)
            )],
        );
        return;
    }
    let mut lines = Vec::new();
    let mut keys: Vec<&crate::verify::cert::Cert> = Vec::new();
    let mut carried: Vec<&crate::verify::cert::CertInfo> = Vec::new();
    for s in report.signatures.iter().take(8) {
        let mut l = format!("{} {} {}", mark(s.result, color), signed_what(s), s.result);
        if let Some(c) = s.cause {
            l.push_str(&format!(" ({c})"));
        }
        if let Some(a) = &s.algorithm {
            l.push_str(&format!(" · {}", short_alg(a)));
        }
        if let Some(d) = &s.digest {
            l.push_str(&format!(" / {}", short_alg(d)));
        }
        lines.push(l);
        if let Some(k) = &s.key
            && !keys.iter().any(|x| x.info.sha1 == k.info.sha1)
        {
            keys.push(k);
        }
        for c in &s.keyinfo_certificates {
            if !carried.iter().any(|x| x.sha1 == c.sha1) {
                carried.push(c);
            }
        }
    }
    if report.signatures.len() > 8 {
        lines.push(format!("and {} more", report.signatures.len() - 8));
    }
    // Colour codes do not take columns: wrap on the plain text's width.
    let lines: Vec<String> = lines
        .into_iter()
        .flat_map(|l| {
            let plain_extra = l.len() - strip_ansi(&l).len();
            let mut w = wrap_words(&l, room + plain_extra);
            for x in w.iter_mut().skip(1) {
                *x = format!("  {x}");
            }
            w
        })
        .collect();
    row(out, "signatures", lines);
    // Valid signatures do not make a trusted message: say so when the message's verdict differs.
    if report.status != crate::verify::Status::Valid
        && report.signatures.iter().any(|s| s.result == "valid")
    {
        let verdict = format!(
            "{} yet the message is not trusted{}",
            mark("invalid", color),
            report.cause.map(|c| format!(" ({c})")).unwrap_or_default()
        );
        row(out, "", vec![verdict]);
    }
    for k in &keys {
        row(
            out,
            "key",
            [val(&k.info.subject, room), format!("SHA-1 {}", k.info.sha1)]
                .into_iter()
                .chain(wrap_words(
                    &format!(
                        "expires {} · from {}",
                        day(&k.info.not_after),
                        key_source(&k.source, report.signer)
                    ),
                    room,
                ))
                .collect(),
        );
    }
    // A certificate the message carries that is not the key used: say which one signed (or claims to).
    for c in carried
        .iter()
        .filter(|c| !keys.iter().any(|k| k.info.sha1 == c.sha1))
    {
        // "signed by" only when the signature was shown to verify with it (the prediction's lax check).
        let signed = m
            .predicted
            .signed_by
            .as_ref()
            .is_some_and(|s| s.cert.sha1 == c.sha1);
        let mut lines = vec![val(&c.subject, room), format!("SHA-1 {}", c.sha1)];
        lines.extend(wrap_words(
            &format!(
                "expires {} · in the message's KeyInfo{}",
                day(&c.not_after),
                if signed {
                    ": the signature verifies with it"
                } else {
                    ", not the key checked"
                }
            ),
            room,
        ));
        row(out, if signed { "signed by" } else { "carries" }, lines);
    }
    if keys.is_empty() && carried.is_empty() {
        row(
            out,
            "key",
            vec!["none given and none in the message: pass --idp-cert".into()],
        );
    }
}

fn assertion(m: &Linted, a: &Assertion, width: usize, out: &mut Vec<String>) {
    let room = width.saturating_sub(LABEL + 3).max(24);
    if let Some(i) = a.issuer.as_ref()
        && m.model
            .issuer
            .as_ref()
            .is_none_or(|r| r.value.value != i.value.value)
    {
        row(out, "assertion by", val_lines(&i.value.value, room, 3));
    }
    if let Some(s) = a.subject.as_ref() {
        match (&s.name_id, s.encrypted_id) {
            (Some(n), _) => {
                let f = name_id_format(n.format.as_ref().map(|f| f.value.as_str()));
                let v = val(&n.value.value, room.saturating_sub(f.width() + 3));
                row(out, "NameID", vec![format!("{v} ({f})")]);
            }
            (None, true) => row(out, "NameID", vec!["encrypted (EncryptedID)".into()]),
            (None, false) => row(out, "NameID", vec!["none".into()]),
        }
        let recipients: Vec<&str> = s
            .confirmations
            .iter()
            .filter_map(|c| c.data.as_ref()?.recipient.as_ref())
            .map(|r| r.value.as_str())
            .collect();
        for r in recipients.iter().take(2) {
            // Shown only where it differs from the Destination.
            if m.model.destination.as_ref().map(|d| d.value.as_str()) != Some(*r) {
                row(out, "recipient", val_lines(r, room, 3));
            }
        }
    }
    if let Some(c) = a.conditions.as_ref() {
        let auds: Vec<&str> = c
            .audience_restrictions
            .iter()
            .flatten()
            .map(|t| t.value.as_str())
            .collect();
        if !auds.is_empty() {
            row(
                out,
                "audience",
                auds.iter()
                    .take(3)
                    .flat_map(|a| val_lines(a, room, 3))
                    .collect(),
            );
        }
        let nb = c.not_before.as_ref().map(|v| v.value.as_str());
        let na = c.not_on_or_after.as_ref().map(|v| v.value.as_str());
        if nb.is_some() || na.is_some() {
            row(
                out,
                "valid",
                vec![format!(
                    "{} → {} (Conditions)",
                    val(nb.unwrap_or("any time"), 32),
                    val(na.unwrap_or("no end"), 32)
                )],
            );
        }
    }
    checked_at(m, width, out);
    attributes(a, room, out);
}

fn attributes(a: &Assertion, room: usize, out: &mut Vec<String>) {
    if a.attributes.is_empty() {
        row(out, "attributes", vec!["none".into()]);
        return;
    }
    let name = |x: &crate::model::Attribute| {
        x.name
            .as_ref()
            .map_or_else(|| "(no Name)".to_string(), |n| tail(&n.value, 40))
    };
    let friendly = |x: &crate::model::Attribute| {
        x.friendly_name
            .as_ref()
            .map_or_else(|| "—".to_string(), |n| tail(&n.value, 20))
    };
    let shown: Vec<&crate::model::Attribute> = a.attributes.iter().take(MAX_ATTRIBUTES).collect();
    let w1 = shown
        .iter()
        .map(|x| name(x).width())
        .max()
        .unwrap_or(4)
        .max(4);
    let w2 = shown
        .iter()
        .map(|x| friendly(x).width())
        .max()
        .unwrap_or(8)
        .max(8);
    // Names give up columns (they are cut from the left) so that values keep at least 20.
    let w1 = w1.min(room.saturating_sub(w2 + 4 + 20).max(16));
    let name = |x: &crate::model::Attribute| {
        x.name
            .as_ref()
            .map_or_else(|| "(no Name)".to_string(), |n| tail(&n.value, w1))
    };
    // Values get what is left; when that is too little, each attribute takes two lines.
    let left = room.saturating_sub(w1 + w2 + 4);
    let two_lines = left < 16;
    let mut lines = vec![format!(
        "{:<w1$}  {:<w2$}  {}",
        "Name", "Friendly", "Values"
    )];
    for x in &shown {
        let mut values: Vec<String> = x
            .values
            .iter()
            .take(MAX_VALUES)
            .map(|v| {
                if v.nil {
                    "(nil)".to_string()
                } else {
                    clean(&v.value.value)
                }
            })
            .collect();
        if x.values.len() > MAX_VALUES {
            values.push(format!("… {} more", x.values.len() - MAX_VALUES));
        }
        let joined = if values.is_empty() {
            "(no value)".to_string()
        } else {
            values.join(", ")
        };
        let (n, f) = (name(x), friendly(x));
        let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.width())));
        if two_lines {
            lines.push(format!("{}  {}", pad(&n, w1), f));
            lines.push(format!("  {}", cut(&joined, room.saturating_sub(2))));
        } else {
            lines.push(format!(
                "{}  {}  {}",
                pad(&n, w1),
                pad(&f, w2),
                cut(&joined, left)
            ));
        }
    }
    if a.attributes.len() > MAX_ATTRIBUTES {
        lines.push(format!(
            "… {} more attributes (samlint decode shows them all)",
            a.attributes.len() - MAX_ATTRIBUTES
        ));
    }
    row(out, "attributes", lines);
}

/// The one-line form for `concise`: the verdict, each signature's result and the counts. No value from
/// the input but public SAML constants.
pub fn one_line(m: &Linted) -> String {
    let mut parts = Vec::new();
    for sp in predicted_sps(m) {
        if let Some(p) = m.predicted.headline(sp) {
            parts.push(match p.answer {
                crate::predict::Answer::Accepted => format!("{sp} accepts"),
                crate::predict::Answer::Rejected => format!("{sp} rejects"),
                crate::predict::Answer::Unknown => format!("{sp} unknown"),
            });
        }
    }
    if let Some(r) = m.signature.as_ref() {
        if r.signatures.is_empty() {
            parts.push("nothing signed".into());
        } else {
            let s: Vec<String> = r
                .signatures
                .iter()
                .take(8)
                .map(|s| {
                    let what = match s.element.as_deref() {
                        Some(e) if e.ends_with("Assertion") || e.contains("Assertion[") => {
                            "Assertion"
                        }
                        // The root of a request or a logout message: its kind (samlint's word, not
                        // the input's).
                        Some(e)
                            if m.model.kind != MessageKind::Other
                                && e.strip_prefix('/') == Some(m.model.kind.as_str()) =>
                        {
                            m.model.kind.as_str()
                        }
                        Some(e) if e.ends_with("Response") => "Response",
                        Some(_) => "element",
                        // The Redirect binding's Signature parameter signs the query.
                        None if s.path == "?Signature" => "query",
                        None => "unresolved",
                    };
                    format!("{what} {}", s.result)
                })
                .collect();
            parts.push(format!("signatures: {}", s.join(", ")));
        }
    }
    if m.model.kind == MessageKind::Response
        && let [a] = m.model.assertions.as_slice()
        && let Some(n) = a.subject.as_ref().and_then(|s| s.name_id.as_ref())
    {
        let f = n.format.as_ref().map(|f| f.value.as_str());
        let known = f.is_none_or(|u| u.starts_with("urn:oasis:names:tc:SAML:"));
        parts.push(format!(
            "NameID {}",
            if known {
                name_id_format(f)
            } else {
                "of a custom Format".into()
            }
        ));
    }
    let count = |s: Severity| m.findings.iter().filter(|f| f.severity == s).count();
    parts.push(format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info")
    ));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_with_a_hanging_indent_and_long_words_break_at_the_line_end() {
        assert_eq!(wrap_words("aaa bbb ccc", 8), ["aaa bbb", "ccc"]);
        assert_eq!(
            wrap_words("x https://example.com/long/path y", 10),
            ["x", "https://ex", "ample.com/", "long/path", "y"]
        );
        let h = hang(&format!("head {}", "u".repeat(60)), 40, 0, 3);
        assert!(h.iter().all(|l| l.width() <= 40), "{h:?}");
        assert!(h[1].starts_with("   u"), "{h:?}");
        // The pieces of a broken word are not joined by spaces.
        assert_eq!(
            h.concat().replace(' ', ""),
            format!("head{}", "u".repeat(60))
        );
    }

    #[test]
    fn long_values_wrap_then_cut_and_names_keep_their_end() {
        assert_eq!(
            val_lines("abcdefghijklmnopqrst", 8, 3),
            ["abcdefgh", "ijklmnop", "qrst"]
        );
        assert_eq!(
            val_lines("abcdefghijklmnopq", 8, 2),
            ["abcdefgh", "ijklmno…"]
        );
        assert_eq!(
            val_lines("abcdefghijklmnop", 8, 2),
            ["abcdefgh", "ijklmnop"]
        );
        assert_eq!(val_lines("short", 8, 2), ["short"]);
        assert_eq!(
            tail(
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                24
            ),
            "…ity/claims/emailaddress"
        );
        assert!(
            tail(
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
                24
            )
            .width()
                <= 24
        );
    }

    #[test]
    fn cut_marks_what_it_drops_and_counts_columns() {
        assert_eq!(cut("abcdef", 6), "abcdef");
        assert_eq!(cut("abcdef", 4), "abc…");
        // Wide characters take two columns each.
        assert_eq!(cut("日本語テキスト", 7), "日本語…");
        assert!(cut("日本語テキスト", 7).width() <= 7);
    }

    #[test]
    fn name_id_formats_are_short_only_when_saml_defines_them() {
        assert_eq!(
            name_id_format(Some(
                "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
            )),
            "emailAddress"
        );
        assert_eq!(
            name_id_format(Some("urn:example:emailAddress")),
            "urn:example:emailAddress"
        );
        assert_eq!(name_id_format(None), "no Format");
    }
}
