//! A HAR capture's login as a timeline (decode/timeline.rs reads the steps): a compact numbered list for
//! the `full` format and a table for the Markdown report. Everything shown came from the input and goes
//! through [`redacted`] in a redacted report (the one path: `redact::run_with`).

use super::redact::Redactor;
use crate::decode::timeline::{Answers, Step, Timeline};
use crate::lint::Run;

/// Seconds between two steps, `+0.8 s`; `?` when a time is missing.
fn delta(prev: Option<i64>, cur: Option<i64>) -> String {
    match (prev, cur) {
        (Some(p), Some(c)) => {
            let d = (c - p) as f64 / 1000.0;
            if d.abs() < 100.0 {
                format!("{d:+.1} s")
            } else {
                format!("{d:+.0} s")
            }
        }
        _ => "?".into(),
    }
}

/// The time of each step after the one before it (the first: after itself, `+0.0 s`).
fn deltas(tl: &Timeline) -> Vec<String> {
    let mut prev = None;
    tl.steps
        .iter()
        .map(|s| {
            let d = delta(prev.or(s.offset_ms), s.offset_ms);
            if s.offset_ms.is_some() {
                prev = s.offset_ms;
            }
            d
        })
        .collect()
}

/// What a step's message is and which request it answers: `message 2 (Response), answers entry 2`.
pub fn message_note(s: &Step) -> Option<String> {
    let m = s.message?;
    let mut out = format!("message {} ({})", m + 1, s.kind.unwrap_or("?"));
    match &s.answers {
        Some(Answers::Entry { entry }) => out.push_str(&format!(", answers entry {entry}")),
        Some(Answers::Several { entries }) => {
            let e: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
            out.push_str(&format!(
                ", answers one of entries {} (the same request ID)",
                e.join(", ")
            ));
        }
        Some(Answers::NotInCapture) => out.push_str(", answers a request not in this capture"),
        Some(Answers::Unsolicited) => out.push_str(", unsolicited (no InResponseTo)"),
        None => {}
    }
    Some(out)
}

/// A URL without its `https://` (an `http://` stays: it is worth seeing).
fn short(u: &str) -> &str {
    u.strip_prefix("https://").unwrap_or(u)
}

/// At most `n` columns, cut in the middle so that the host and the path's end both stay.
fn fit(s: &str, n: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= n {
        return s.to_string();
    }
    if n < 8 {
        return chars.iter().take(n).collect();
    }
    let head = (n - 1) * 3 / 5;
    let tail = n - 1 - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// A URL in at most `n` columns: the query's names go first (cut at the end), then the path is cut in
/// the middle.
fn fit_url(u: &str, n: usize) -> String {
    let len = u.chars().count();
    if len <= n {
        return u.to_string();
    }
    let (base, _) = u.split_once('?').unwrap_or((u, ""));
    let base_len = base.chars().count();
    if base_len + 3 <= n {
        let mut out: String = u.chars().take(n - 1).collect();
        out.push('…');
        return out;
    }
    fit(base, n)
}

const ENTRY_W: usize = 5;
const TIME_W: usize = 8;
const ROLE_W: usize = 13;

/// The timeline in the `full` format: two lines a step (what was asked, what came back), fitting
/// `width` columns.
pub fn full(tl: &Timeline, input: &str, entries: Option<usize>, width: usize) -> String {
    use crate::util::sanitize;
    let width = width.max(60);
    let n = tl.steps.len() + tl.more;
    let tail = format!(
        " · {n} step{}{}",
        if n == 1 { "" } else { "s" },
        entries.map_or(String::new(), |e| format!(
            " in {e} entr{}",
            if e == 1 { "y" } else { "ies" }
        ))
    );
    let head = "── timeline · ";
    let name = fit(
        &sanitize(input),
        width.saturating_sub(head.chars().count() + tail.chars().count()),
    );
    let mut out = format!("{head}{name}{tail}\n");
    let indent = ENTRY_W + 1 + TIME_W + 2 + ROLE_W + 2;
    let room = width.saturating_sub(indent).max(20);
    for (s, d) in tl.steps.iter().zip(deltas(tl)) {
        let method = sanitize(&s.method);
        let url = fit_url(
            &sanitize(short(&s.url)),
            room.saturating_sub(method.chars().count() + 1),
        );
        out.push_str(&format!(
            "{:>ENTRY_W$} {d:>TIME_W$}  {:<ROLE_W$}  {method} {url}\n",
            s.entry,
            s.role.as_str()
        ));
        let status = s
            .status
            .map_or_else(|| "no answer".to_string(), |c| c.to_string());
        let mut answer = status.clone();
        if let Some(l) = &s.location {
            let l = sanitize(l);
            let l = fit(&l, room.saturating_sub(status.len() + 3));
            answer.push_str(&format!(" → {l}"));
        }
        let pad = " ".repeat(indent);
        match message_note(s) {
            Some(n) if answer.chars().count() + 3 + n.chars().count() <= room => {
                out.push_str(&format!("{pad}{answer} · {n}\n"));
            }
            Some(n) => {
                out.push_str(&format!("{pad}{answer}\n{pad}{}\n", fit(&n, room)));
            }
            None => out.push_str(&format!("{pad}{answer}\n")),
        }
    }
    if tl.more > 0 {
        out.push_str(&format!(
            "{:>ENTRY_W$} {} more step{} not shown (at most {} are kept)\n",
            "…",
            tl.more,
            if tl.more == 1 { "" } else { "s" },
            crate::decode::timeline::MAX_STEPS
        ));
    }
    out.push('\n');
    out
}

/// The timeline of one input for the `full` format, when it has one (a HAR capture).
pub fn full_for_input(run: &Run, input: usize, width: usize) -> String {
    run.inputs
        .iter()
        .find(|i| i.index == input)
        .and_then(|i| {
            let tl = i.timeline.as_ref()?;
            Some(full(tl, &i.name, i.entries, width))
        })
        .unwrap_or_default()
}

/// The timelines of captures that gave no message to show (a capture without SAML, whose last pages
/// say what the browser did instead), for the end of the `full` format.
pub fn full_without_messages(run: &Run, width: usize) -> String {
    let with_messages: std::collections::HashSet<usize> =
        run.messages.iter().map(|m| m.input).collect();
    run.inputs
        .iter()
        .filter(|i| !with_messages.contains(&i.index))
        .filter_map(|i| {
            let tl = i.timeline.as_ref().filter(|t| !t.steps.is_empty())?;
            Some(full(tl, &i.name, i.entries, width))
        })
        .collect()
}

/// The Markdown report's timeline of every capture that has one, each as a table; empty when none.
pub fn markdown(run: &Run) -> String {
    use super::markdown::{cell, code, md_escape};
    let with: Vec<_> = run
        .inputs
        .iter()
        .filter_map(|i| i.timeline.as_ref().map(|t| (i, t)))
        .collect();
    let mut o = String::new();
    for (i, tl) in &with {
        if with.len() > 1 || run.inputs.len() > 1 {
            o.push_str(&format!("Input {}:\n\n", i.index + 1));
        }
        if tl.steps.is_empty() {
            o.push_str("No step of a login in this capture.\n\n");
            continue;
        }
        o.push_str(
            "| entry | time | after | step | method | URL | status | redirects to | message |\n|---|---|---|---|---|---|---|---|---|\n",
        );
        for (s, d) in tl.steps.iter().zip(deltas(tl)) {
            o.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                s.entry,
                cell(s.time.as_deref().map(md_escape).unwrap_or_default()),
                d,
                s.role.as_str(),
                cell(md_escape(&s.method)),
                cell(code(&s.url)),
                s.status.map_or_else(|| "—".to_string(), |c| c.to_string()),
                cell(s.location.as_deref().map_or_else(|| "—".to_string(), code)),
                message_note(s).unwrap_or_else(|| "—".into())
            ));
        }
        if tl.more > 0 {
            o.push_str(&format!(
                "\n{} more steps not shown (at most {} are kept).\n",
                tl.more,
                crate::decode::timeline::MAX_STEPS
            ));
        }
        o.push('\n');
    }
    o
}

/// A timeline with its URLs and hosts replaced by the redactor's pseudonyms (query names as
/// [`Redactor::url`] keeps them, never values).
pub fn redacted(tl: &Timeline, r: &mut Redactor) -> Timeline {
    let mut out = tl.clone();
    for s in &mut out.steps {
        s.url = r.url(&s.url);
        s.location = s.location.as_deref().map(|l| {
            let u = r.url(&format!("https://{l}"));
            u.strip_prefix("https://").unwrap_or(&u).to_string()
        });
        s.method = r.method(&s.method);
        s.time = s.time.as_deref().map(|t| r.time(t));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_in_the_middle() {
        assert_eq!(fit("abcdefghijklmnop", 10), "abcde…mnop");
        assert_eq!(fit("abc", 10), "abc");
        assert_eq!(fit("abcdefghij", 5), "abcde");
    }

    #[test]
    fn fit_url_drops_query_names_first() {
        let u = "kc.example/realms/acme/protocol/saml?SAMLRequest&RelayState";
        assert_eq!(fit_url(u, 60), u);
        assert_eq!(
            fit_url(u, 50),
            "kc.example/realms/acme/protocol/saml?SAMLRequest&…"
        );
        assert_eq!(fit_url(u, 20), "kc.example/…col/saml");
    }

    #[test]
    fn deltas_between_steps() {
        assert_eq!(delta(Some(100), Some(900)), "+0.8 s");
        assert_eq!(delta(None, Some(900)), "?");
        assert_eq!(delta(Some(0), Some(250_000)), "+250 s");
    }
}
