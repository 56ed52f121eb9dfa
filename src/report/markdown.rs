//! The support report: one Markdown document an admin can paste into a support thread. Verdicts are
//! computed on the original input; only the rendering is redacted (see redact.rs). Nothing from the input
//! reaches the page as Markdown or HTML: input-derived text is escaped or fenced with a fence longer than
//! any backtick run inside it, and links and images are never built from it.

use super::redact::Redactor;
use crate::finding::Severity;
use crate::lint::Run;
use crate::model::MessageKind;
use crate::util::plural;
use std::fmt::Write as _;

/// Options for the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub redact: bool,
    pub keep_domains: bool,
    pub seed: Option<u64>,
}

/// Escape text for Markdown outside code: the characters that can start emphasis, code, links,
/// images, HTML, tables or headings anywhere, and list markers at the start. URL-like words become code
/// spans, so that no renderer turns them into autolinks.
pub fn md_escape(s: &str) -> String {
    let line = crate::util::one_line(s);
    let mut out = String::with_capacity(line.len());
    for (wi, word) in line.split(' ').enumerate() {
        if wi > 0 {
            out.push(' ');
        }
        let lower = word.to_ascii_lowercase();
        // GFM's extended autolinks: a scheme, `www.` anywhere in the word (after `(`, `:` or a quote
        // it still starts a link), an email address.
        if lower.contains("://")
            || lower.contains("www.")
            || lower.contains("@") && lower.contains('.')
        {
            // Sentence punctuation after a URL stays outside the code span; a message that already
            // quotes the value in backticks (`` `{{value}}` ``) gets one code span, not one around
            // the backticks.
            let opened = word.trim_start_matches('(');
            out.push_str(&word[..word.len() - opened.len()]);
            let ticked = opened.starts_with('`');
            let w = if ticked { &opened[1..] } else { opened };
            let bare = w.trim_end_matches([',', ';', ':', '.', ')', '`']);
            out.push_str(&code(bare));
            let tail = &w[bare.len()..];
            let tail = match (ticked, tail.find('`')) {
                (true, Some(i)) => format!("{}{}", &tail[..i], &tail[i + 1..]),
                _ => tail.to_string(),
            };
            escape_word(&mut out, &tail, false);
            continue;
        }
        escape_word(&mut out, word, wi == 0);
    }
    out
}

/// `word` with every character that Markdown reads as syntax escaped (and a list marker when it
/// starts the line).
fn escape_word(out: &mut String, word: &str, line_start: bool) {
    for (i, c) in word.chars().enumerate() {
        if "\\`*_{}[]<>#!|~&".contains(c) || (line_start && i == 0 && "-+=".contains(c)) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A table cell: every `|` that is not already escaped is escaped (GitHub's tables split cells on it
/// even inside a code span).
pub fn cell(s: impl AsRef<str>) -> String {
    let s = s.as_ref();
    let mut out = String::with_capacity(s.len());
    let mut prev = '\0';
    for c in s.chars() {
        if c == '|' && prev != '\\' {
            out.push('\\');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// An inline code span that no backtick inside can close.
pub fn code(s: &str) -> String {
    let s = crate::util::one_line(s);
    let longest = longest_run(&s, '`');
    let fence = "`".repeat(longest + 1);
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A fenced block that nothing inside can close. An unsafe character of the XML or JSON is written as
/// a character reference or `\u` escape, which means the same (review 64: dropped, a NameID with a
/// zero-width space read as the address without it).
pub fn fenced(lang: &str, body: &str) -> String {
    let body = match lang {
        "xml" => crate::util::xml_char_refs(body),
        "json" => crate::util::json_char_escapes(body),
        _ => crate::util::sanitize(body),
    };
    let fence = "`".repeat(longest_run(&body, '`').max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}\n", body.trim_end())
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for c in s.chars() {
        if c == ch {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn file_digest(name: &str) -> Option<String> {
    let p = std::path::Path::new(name);
    if !p.is_file() {
        return None;
    }
    use sha2::Digest as _;
    use std::io::Read as _;
    let mut f = std::fs::File::open(p).ok()?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn base_name(name: &str) -> String {
    std::path::Path::new(name)
        .file_name()
        .map_or_else(|| name.to_string(), |f| f.to_string_lossy().into_owned())
}

pub fn render(run: &Run, opts: Options) -> String {
    let mut r = Redactor::new(opts.seed);
    r.keep_domains = opts.keep_domains;
    render_with(run, opts, &mut r)
}

/// [`render`] with the caller's redactor, which then holds the report's pseudonyms: what the caller
/// redacts with it afterwards (the errors printed beside the report) names the same host, user or id
/// as the report does (review 47: the errors on stderr had pseudonyms of another key).
pub fn render_with(run: &Run, opts: Options, r: &mut Redactor) -> String {
    // The one redaction path: the run redacted as a whole (findings' typed values, origins, names,
    // certificates), then rendered; the redactor keeps its pseudonyms for the XML and JSON views.
    // Digests of the original files (a redacted run no longer names them).
    let digests: Vec<(usize, Option<String>)> = run
        .inputs
        .iter()
        .map(|i| (i.index, i.sha256.clone().or_else(|| file_digest(&i.name))))
        .collect();
    let redacted;
    let run = if opts.redact {
        redacted = super::redact::run_with(run, r);
        &redacted
    } else {
        run
    };
    // Predictions (redacted with the run).
    let predicted: Vec<(&crate::lint::Linted, crate::predict::Predicted)> = run
        .messages
        .iter()
        .filter(|m| !m.predicted.predictions.is_empty())
        .map(|m| (m, m.predicted.clone()))
        .collect();
    let mut red = |s: &str| {
        if opts.redact {
            r.text(s)
        } else {
            crate::util::sanitize(s).into_owned()
        }
    };
    let mut o = String::new();
    let _ = writeln!(o, "# samlint report\n");
    let mut packs: Vec<&str> = Vec::new();
    for p in run.messages.iter().flat_map(|m| &m.packs) {
        if !packs.contains(&p.pack) {
            packs.push(p.pack);
        }
    }
    let packs = if packs.is_empty() {
        String::new()
    } else {
        format!(", and the rule packs {}", packs.join(", "))
    };
    let _ = writeln!(
        o,
        "samlint {} · checks: built-in structure (STR), signatures (SIG) and protocol (PRO){packs} · {}\n",
        env!("CARGO_PKG_VERSION"),
        if opts.redact {
            "values are redacted: every identifier is replaced by a pseudonym keyed to this report"
        } else {
            "**not redacted** (--no-redact): do not post this publicly"
        }
    );
    // Verdict.
    let (e, w, i) = (
        run.count(Severity::Error),
        run.count(Severity::Warning),
        run.count(Severity::Info),
    );
    let failed = run.inputs.iter().filter(|i| !i.errors.is_empty()).count();
    let _ = writeln!(o, "## Verdict\n");
    let headline = if failed > 0 && run.messages.is_empty() {
        "**samlint could not read the input**, so nothing was checked.".to_string()
    } else if e > 0 {
        "**This login would be rejected:** the errors below must be fixed.".to_string()
    } else if w > 0 {
        "**No errors**, but the warnings below are likely to cause trouble.".to_string()
    } else {
        "**No errors or warnings.**".to_string()
    };
    let _ = writeln!(
        o,
        "{headline} {}, {}, {} in {}.\n",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info"),
        plural(run.messages.len(), "message")
    );
    let _ = writeln!(
        o,
        "| # | input | kind | SHA-256 of the original | messages | result |\n|---|---|---|---|---|---|"
    );
    for input in &run.inputs {
        let digest = digests
            .iter()
            .find(|(i, _)| *i == input.index)
            .and_then(|(_, d)| d.clone())
            .unwrap_or_else(|| "—".into());
        let name = if input.name == "stdin" || input.name.starts_with("argument ") {
            input.name.clone()
        } else {
            base_name(&input.name)
        };
        let result = if !input.errors.is_empty() {
            format!(
                "could not lint: {}",
                md_escape(&red(&input.errors[0].kind.to_string()))
            )
        } else {
            let errs = run
                .messages
                .iter()
                .filter(|m| m.input == input.index)
                .flat_map(|m| &m.findings)
                .filter(|f| f.severity == Severity::Error)
                .count();
            if errs == 0 {
                "no errors".into()
            } else {
                plural(errs, "error")
            }
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            input.index + 1,
            cell(md_escape(&red(&name))),
            input.kind.label(),
            code(&digest),
            input.messages,
            result
        );
    }
    o.push('\n');
    // What the SPs would answer.
    if !predicted.is_empty() {
        let _ = writeln!(o, "## What Atlassian would answer\n");
        for (m, p) in predicted {
            let _ = writeln!(o, "Message {} ({}):\n", m.index + 1, m.model.kind.as_str());
            for l in super::prediction::lines(&p, false) {
                let indent = l.len() - l.trim_start().len();
                let _ = writeln!(
                    o,
                    "{}- {}",
                    if indent > 0 { "  " } else { "" },
                    md_escape(l.trim_start())
                );
            }
            o.push('\n');
        }
    }
    // Findings, most severe first.
    let mut all: Vec<(&crate::lint::Linted, &crate::finding::Finding)> = run
        .messages
        .iter()
        .flat_map(|m| m.findings.iter().map(move |f| (m, f)))
        .collect();
    all.sort_by(|a, b| {
        b.1.severity
            .cmp(&a.1.severity)
            .then(a.0.index.cmp(&b.0.index))
    });
    if !all.is_empty() {
        let _ = writeln!(o, "## Findings\n");
        for (n, (m, f)) in all.iter().enumerate() {
            let _ = writeln!(o, "### {}. {} {} {}\n", n + 1, f.severity, f.code, f.name);
            let _ = writeln!(o, "> {}\n", md_escape(&f.message.to_string()));
            let _ = writeln!(o, "**Fix:** {}\n", md_escape(&f.help));
            // Already redacted with the run (a second pass pseudonymised the pseudonyms).
            let origin = crate::util::sanitize(&m.source.origin.within()).into_owned();
            let _ = writeln!(
                o,
                "**Where:** message {} ({}){}{}\n",
                m.index + 1,
                m.model.kind.as_str(),
                f.path
                    .as_deref()
                    .map(|p| format!(", {}", code(p)))
                    .unwrap_or_default(),
                if origin.is_empty() {
                    String::new()
                } else {
                    format!(", from {}", code(&origin))
                }
            );
        }
    }
    // Signatures.
    let sigs: Vec<_> = run
        .messages
        .iter()
        .filter_map(|m| m.signature.as_ref().map(|s| (m, s)))
        .collect();
    if !sigs.is_empty() {
        let _ = writeln!(o, "## Signatures\n");
        let _ = writeln!(
            o,
            "| message | status | signature | signs | algorithm | digest | key (subject, SHA-1, valid until) | result |\n|---|---|---|---|---|---|---|---|"
        );
        for (m, s) in sigs {
            for x in &s.signatures {
                let key = x
                    .key
                    .as_ref()
                    .map(|k| {
                        // Redacted (a pseudonym of its CN) in a redacted run.
                        let subject = k.info.subject.clone();
                        format!(
                            "{} · {} · {} ({})",
                            md_escape(&subject),
                            code(&k.info.sha1),
                            k.info.not_after,
                            format!("{:?}", k.source).to_lowercase()
                        )
                    })
                    .unwrap_or_else(|| "—".into());
                let short = |u: &Option<String>| {
                    u.as_deref()
                        .map(|u| code(u.rsplit(['#', '/']).next().unwrap_or(u)))
                        .unwrap_or_else(|| "—".into())
                };
                let _ = writeln!(
                    o,
                    "| {} | {}{} | {} | {} | {} | {} | {} | {}{} |",
                    m.index + 1,
                    format!("{:?}", s.status).to_lowercase(),
                    s.cause.map(|c| format!(" ({c})")).unwrap_or_default(),
                    cell(code(&x.path)),
                    cell(x.element.as_deref().map(code).unwrap_or_else(|| "—".into())),
                    cell(short(&x.algorithm)),
                    cell(short(&x.digest)),
                    cell(key),
                    x.result,
                    x.cause.map(|c| format!(" ({c})")).unwrap_or_default()
                );
            }
        }
        o.push('\n');
    }
    // Timeline of captures: a HAR's steps (report/timeline.rs), else the captured messages.
    let steps = super::timeline::markdown(run);
    let with_timeline: std::collections::HashSet<usize> = run
        .inputs
        .iter()
        .filter(|i| i.timeline.is_some())
        .map(|i| i.index)
        .collect();
    let has_timeline = |input: usize| with_timeline.contains(&input);
    if !steps.is_empty() {
        let _ = writeln!(o, "## Timeline\n");
        o.push_str(&steps);
    }
    let captured: Vec<_> = run
        .messages
        .iter()
        .filter(|m| m.source.binding.entry.is_some() && !has_timeline(m.input))
        .collect();
    if !captured.is_empty() {
        if steps.is_empty() {
            let _ = writeln!(o, "## Timeline\n");
        }
        let _ = writeln!(
            o,
            "| entry | time | method | URL | status | message | answers |\n|---|---|---|---|---|---|---|"
        );
        for m in &captured {
            let b = &m.source.binding;
            let answers = match (m.model.kind, m.model.in_response_to.as_ref()) {
                (MessageKind::Response, Some(irt)) => run
                    .messages
                    .iter()
                    .find(|q| {
                        q.input == m.input
                            && q.model.kind == MessageKind::AuthnRequest
                            && q.model.id.as_ref().is_some_and(|id| id.value == irt.value)
                    })
                    .map_or_else(
                        || "a request not in this capture".to_string(),
                        |q| format!("message {}", q.index + 1),
                    ),
                (MessageKind::Response, None) => "unsolicited (IdP-initiated)".into(),
                _ => "—".into(),
            };
            // Already redacted in a redacted run.
            let url = b.url.clone().unwrap_or_default();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} {} | {} |",
                b.entry.unwrap_or(0),
                cell(b.time.as_deref().map(md_escape).unwrap_or_default()),
                cell(md_escape(b.method.as_deref().unwrap_or(""))),
                cell(code(&url)),
                b.status.map_or_else(|| "—".to_string(), |s| s.to_string()),
                m.index + 1,
                m.model.kind.as_str(),
                answers
            );
        }
        o.push('\n');
    }
    // The messages themselves.
    if !run.messages.is_empty() {
        let _ = writeln!(
            o,
            "## Messages{}\n",
            if opts.redact { " (redacted)" } else { "" }
        );
        for m in &run.messages {
            let _ = writeln!(
                o,
                "### message {} · {}\n",
                m.index + 1,
                m.model.kind.as_str()
            );
            if m.model.kind == crate::model::MessageKind::KeycloakRealm {
                o.push_str(
                    "Realm-level findings only; the realm export is not reproduced here.\n\n",
                );
                continue;
            }
            let (lang, body) = if m.doc.is_empty() {
                // A Keycloak client: its own JSON object.
                let slice = m.source.text.get(m.model.span.range()).unwrap_or_default();
                let body = if opts.redact {
                    r.json(slice)
                } else {
                    // Its secrets masked (a client's object: no `credentials` encloses it).
                    crate::keycloak::mask_secrets(slice).into_owned()
                };
                ("json", body)
            } else if opts.redact {
                ("xml", r.xml(&m.doc))
            } else {
                (
                    "xml",
                    crate::xml::pretty::pretty(&m.doc, &m.source.text).text,
                )
            };
            o.push_str(&fenced(lang, &body));
            o.push('\n');
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_fences() {
        assert_eq!(md_escape("![x](y) <b>"), "\\!\\[x\\](y) \\<b\\>");
        // A URL the message already quotes in backticks: one code span, punctuation outside.
        assert_eq!(
            md_escape("ID `https://a.example/x`: no"),
            "ID `https://a.example/x`: no"
        );
        assert_eq!(
            md_escape("(`https://a.example/x`)."),
            "(`https://a.example/x`)."
        );
        assert_eq!(
            md_escape("(https://a.example/x)"),
            "(`https://a.example/x`)"
        );
        assert_eq!(
            md_escape("`https://a.example/x`y`"),
            "``https://a.example/x`y``"
        );
        assert_eq!(
            md_escape("https://a.example/x`"),
            "`https://a.example/x`\\`"
        );
        assert_eq!(md_escape("- a.b"), "\\- a.b");
        assert_eq!(
            md_escape("see https://x.example/a_b, now"),
            "see `https://x.example/a_b`, now"
        );
        assert_eq!(code("a`b"), "``a`b``");
        let f = fenced("xml", "```\nx");
        assert!(f.starts_with("````xml\n") && f.ends_with("\n````\n"), "{f}");
    }
}
