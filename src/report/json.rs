//! The version-1 JSON report. Its JSON Schema is docs/report-v1.schema.json; later versions only add
//! fields.

use crate::finding::Severity;
use crate::lint::{InputStatus, Run};
use crate::source::line_col;
use serde::Serialize;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Report<'a> {
    pub version: u32,
    pub tool: Tool,
    pub inputs: Vec<Input<'a>>,
    pub messages: Vec<MessageOut<'a>>,
    pub findings: Vec<FindingOut<'a>>,
    /// The rules that fired: what each checks, why, and where the requirement comes from.
    pub rules: Vec<&'static crate::finding::RuleMeta>,
    pub summary: Summary,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct Input<'a> {
    pub index: usize,
    pub source: &'a str,
    pub kind: crate::decode::InputKind,
    pub status: InputStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every error in this input (the first is also `error`).
    pub errors: Vec<ErrorOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<usize>,
    /// The steps of the login in a HAR capture (report/timeline.rs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<&'a crate::decode::timeline::Timeline>,
}

#[derive(Serialize)]
pub struct ErrorOut {
    pub code: &'static str,
    pub message: String,
    pub origin: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

#[derive(Serialize)]
pub struct MessageOut<'a> {
    pub index: usize,
    pub input: usize,
    pub origin: &'a [crate::source::Step],
    pub kind: &'static str,
    /// Root element's local name (useful when kind is Other).
    pub root: &'a str,
    pub encodings: Vec<&'static str>,
    pub binding: &'a crate::source::BindingParams,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<&'a crate::verify::Report>,
    /// The instant time checks were evaluated at (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<&'a str>,
    /// Why that instant: `now`, `fixed`, `capture` (HAR entry time) or `issue-instant`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_source: Option<&'static str>,
    /// The packs that applied, comma-separated (`builtin` when none did).
    pub pack: String,
    /// Each pack that applied, and why.
    pub packs: &'a [crate::rules::Applied],
    /// What each SP whose pack applied would answer, stage by stage (responses only).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub predictions: &'a [crate::predict::Prediction],
    /// The certificate that signed the response, when it is not the configured one (`--idp-cert`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<&'a crate::predict::SignedBy>,
    /// How the EncryptedAssertion was opened with `--sp-key` (the message shown is the decrypted one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decryption: Option<&'a crate::decrypt::Decryption>,
}

#[derive(Serialize)]
pub struct FindingOut<'a> {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: &'a crate::finding::Msg,
    pub help: &'a str,
    pub url: Option<String>,
    pub pack: &'static str,
    pub message_index: Option<usize>,
    pub input: usize,
    pub location: Option<Location>,
}

#[derive(Serialize)]
pub struct Location {
    /// Byte offsets into the decoded message text.
    pub start: usize,
    pub end: usize,
    /// 1-based line and column (characters) in the decoded message text.
    pub line: usize,
    pub column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub inputs: usize,
    pub messages: usize,
    /// Inputs (or messages in them) that could not be linted.
    pub failed_inputs: usize,
}

pub fn build(run: &Run) -> Report<'_> {
    let inputs = run
        .inputs
        .iter()
        .map(|i| {
            let errors: Vec<ErrorOut> = i
                .errors
                .iter()
                .map(|e| ErrorOut {
                    code: e.kind.code(),
                    message: crate::util::one_line(&e.kind.to_string()),
                    origin: e
                        .origin
                        .0
                        .iter()
                        .map(|s| crate::util::one_line(&s.to_string()))
                        .collect(),
                    location: match (&e.text, e.span) {
                        (Some(t), Some(s)) => {
                            let (line, column) = line_col(t, s.start);
                            Some(Location {
                                start: s.start,
                                end: s.end,
                                line,
                                column,
                                path: None,
                            })
                        }
                        _ => None,
                    },
                })
                .collect();
            Input {
                index: i.index,
                source: &i.name,
                kind: i.kind,
                status: i.status,
                error: errors.first().map(|e| e.message.clone()),
                errors,
                entries: i.entries,
                timeline: i.timeline.as_ref(),
            }
        })
        .collect();
    let messages = run
        .messages
        .iter()
        .map(|m| MessageOut {
            index: m.index,
            input: m.input,
            origin: &m.source.origin.0,
            kind: m.model.kind.as_str(),
            root: &m.model.root_name,
            encodings: m.source.encodings.iter().map(|e| e.label()).collect(),
            binding: &m.source.binding,
            signature: m.signature.as_ref(),
            at: m.at.as_ref().map(|a| a.time.as_str()),
            at_source: m.at.as_ref().map(|a| a.source),
            pack: if m.packs.is_empty() {
                "builtin".to_string()
            } else {
                m.packs.iter().map(|p| p.pack).collect::<Vec<_>>().join(",")
            },
            packs: &m.packs,
            predictions: &m.predicted.predictions,
            signed_by: m.predicted.signed_by.as_ref(),
            decryption: m.decryption.as_ref(),
        })
        .collect();
    let findings = run
        .messages
        .iter()
        .flat_map(|m| {
            m.findings.iter().map(move |f| FindingOut {
                code: f.code,
                name: f.name,
                severity: f.severity,
                message: &f.message,
                help: &f.help,
                url: Some(crate::rules::docs::url(f.code)),
                pack: f.pack,
                message_index: Some(m.index),
                input: m.input,
                location: f.span.map(|s| {
                    let (line, column) = m.source.line_col(s.start);
                    Location {
                        start: s.start,
                        end: s.end,
                        line,
                        column,
                        path: f.path.clone(),
                    }
                }),
            })
        })
        .collect();
    let mut rules: Vec<&'static crate::finding::RuleMeta> = Vec::new();
    for m in &run.messages {
        for f in &m.findings {
            if let Some(r) = crate::registry::rule(f.code)
                && !rules.iter().any(|x| x.code == r.code)
            {
                rules.push(r);
            }
        }
    }
    rules.sort_by_key(|r| r.code);
    Report {
        version: VERSION,
        rules,
        tool: Tool {
            name: "samlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        inputs,
        messages,
        findings,
        summary: Summary {
            errors: run.count(Severity::Error),
            warnings: run.count(Severity::Warning),
            infos: run.count(Severity::Info),
            inputs: run.inputs.len(),
            messages: run.messages.len(),
            failed_inputs: run
                .inputs
                .iter()
                .filter(|i| i.status == InputStatus::Failed)
                .count(),
        },
    }
}

/// The report as pretty JSON. Messages and findings (most of a batch's report) are rendered on every
/// core, a chunk at a time so that a batch never holds its report twice; the result is byte for byte
/// what serialising the whole [`Report`] at once gives (tested below).
pub fn render(run: &Run) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = render_to(run, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`], written to `w` as it is made: a chunk of messages at a time, never the whole report
/// in memory (a batch of thousands of messages is tens of megabytes of JSON).
pub fn render_to(run: &Run, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut report = build(run);
    let messages = std::mem::take(&mut report.messages);
    let findings = std::mem::take(&mut report.findings);
    // The frame: the report with both arrays empty. Each is a top-level key, so it is the one line
    // at two spaces of indent with that key (a string never holds a raw newline).
    let frame = crate::util::json_pretty(&report);
    let (Some(m), Some(f)) = (
        frame.find("\n  \"messages\": []"),
        frame.find("\n  \"findings\": []"),
    ) else {
        return w.write_all(render_whole(run).as_bytes());
    };
    let (m, f) = (
        m + "\n  \"messages\": [".len(),
        f + "\n  \"findings\": [".len(),
    );
    w.write_all(&frame.as_bytes()[..m])?;
    elements(w, &messages)?;
    w.write_all(&frame.as_bytes()[m..f])?;
    elements(w, &findings)?;
    w.write_all(&frame.as_bytes()[f..])?;
    w.write_all(b"\n")
}

/// The elements of a top-level array, as serde_json's pretty formatter writes them at depth 2:
/// `\n    {…}` separated by commas, then `\n  ` before the `]` that follows.
fn elements<T: Serialize + Sync>(w: &mut dyn std::io::Write, items: &[T]) -> std::io::Result<()> {
    use rayon::prelude::*;
    // Small enough that a chunk's strings (several kilobytes a message) are freed and their memory
    // reused before the next, large enough to keep every core busy.
    const CHUNK: usize = 64;
    // A few elements (a single paste's findings) are rendered here: starting the pool's threads
    // for them costs more than rendering them.
    const FEW: usize = 32;
    let render = |x: &T| crate::util::json_pretty_at(x, 2);
    for (c, chunk) in items.chunks(CHUNK).enumerate() {
        let parts: Vec<String> = if chunk.len() < FEW {
            chunk.iter().map(render).collect()
        } else {
            chunk.par_iter().map(render).collect()
        };
        for (i, p) in parts.iter().enumerate() {
            w.write_all(if c == 0 && i == 0 {
                b"\n    "
            } else {
                b",\n    "
            })?;
            w.write_all(p.as_bytes())?;
        }
    }
    if !items.is_empty() {
        w.write_all(b"\n  ")?;
    }
    Ok(())
}

/// The report serialised whole, on one thread.
fn render_whole(run: &Run) -> String {
    let mut s = crate::util::json_pretty(&build(run));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report of every fixture, written by samlint's JSON writer (util/pretty.rs) and by the
    /// serde_json serializer with the safe formatter it replaced: the same bytes.
    #[test]
    fn the_report_is_what_the_serde_json_writer_wrote() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let inputs: Vec<String> = ["saml", "keycloak", "har", "tracer", "hostile"]
            .iter()
            .map(|d| format!("{root}/{d}"))
            .collect();
        let run = crate::lint::run(
            &inputs,
            &mut std::io::empty(),
            &crate::lint::Options::default(),
        );
        assert!(run.messages.len() >= 10, "{}", run.messages.len());
        let report = build(&run);
        assert_eq!(
            crate::util::json_pretty(&report),
            crate::util::json_pretty_serde(&report, 0)
        );
    }

    /// A run of every fixture message and Keycloak export, in one batch: the parallel render is the
    /// whole render, byte for byte (empty arrays, one element, more than a chunk).
    #[test]
    fn the_parallel_render_is_the_whole_render() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
        let opts = crate::lint::Options::default();
        let empty = crate::lint::run(&[], &mut std::io::empty(), &opts);
        assert_eq!(render(&empty), render_whole(&empty));
        assert!(render(&empty).contains("\"messages\": []"));
        let one = [format!("{root}/saml/keycloak-atlassian-unsigned.xml")];
        let run = crate::lint::run(&one, &mut std::io::empty(), &opts);
        assert_eq!(run.messages.len(), 1);
        assert_eq!(render(&run), render_whole(&run));
        let mut inputs = Vec::new();
        for _ in 0..3 {
            for d in ["saml", "keycloak", "har", "tracer", "hostile"] {
                inputs.push(format!("{root}/{d}"));
            }
        }
        let run = crate::lint::run(&inputs, &mut std::io::empty(), &opts);
        let findings: usize = run.messages.iter().map(|m| m.findings.len()).sum();
        // Both ways: more findings than a chunk, and more messages than are rendered on this thread.
        assert!(findings > 256 && run.messages.len() >= 32, "{findings}");
        assert_eq!(render(&run), render_whole(&run));
    }
}
