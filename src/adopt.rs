//! Adopting samlint where findings already exist: suppressions from samlint.yaml (per rule, client or
//! file, each with a reason and an optional expiry date), a baseline of today's findings
//! (`--write-baseline FILE`, then `--baseline FILE` reports only new ones), and counts per rule
//! (`--statistics`). All of them read findings through their existing fields and the SARIF fingerprint.

use crate::config::Suppression;
use crate::finding::Severity;
use crate::lint::Run;
use crate::util::plural;
use serde::{Deserialize, Serialize};

/// A note about the adoption machinery itself (not a finding): printed on stderr, and as a workflow
/// annotation in `--format github`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The file and 1-based line the note is about (a suppression in samlint.yaml), if any.
    pub at: Option<(String, usize)>,
    pub warning: bool,
    pub text: String,
    /// The note as a redacting run (`report`, `--redact`) prints it: samlint's words and rule codes
    /// only. A suppression names a client, a file glob and a reason, and a baseline entry an input's
    /// path, a request URL and element paths (review 47: a redacted output printed them, and so tied a
    /// pseudonym back to the connection id it hides).
    pub redacted: String,
}

impl Note {
    /// The note as a redacting run prints it: [`Note::redacted`], and the config file it is about by
    /// its extension (a path names its user).
    pub fn redact(&self) -> Note {
        Note {
            at: self
                .at
                .as_ref()
                .map(|(f, l)| (crate::report::redact::file_label("config", f), *l)),
            warning: self.warning,
            text: self.redacted.clone(),
            redacted: self.redacted.clone(),
        }
    }
    /// `samlint.yaml:12: warning: …` or `samlint: …`.
    pub fn line(&self) -> String {
        let level = if self.warning { "warning: " } else { "" };
        match &self.at {
            Some((f, l)) => format!("{f}:{l}: {level}{}\n", self.text),
            None => format!("samlint: {level}{}\n", self.text),
        }
    }
    /// As a GitHub workflow command.
    pub fn annotation(&self) -> String {
        use crate::report::github::{esc_data, esc_prop};
        let level = if self.warning { "warning" } else { "notice" };
        let mut props = Vec::new();
        if let Some((f, l)) = &self.at {
            props.push(format!("file={},line={l}", esc_prop(f)));
        }
        props.push("title=samlint".to_string());
        format!("::{level} {}::{}\n", props.join(","), esc_data(&self.text))
    }
}

/// Today as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    crate::verify::time::format(crate::verify::time::now())
        .chars()
        .take(10)
        .collect()
}

/// Remove the findings the suppressions cover; say which suppressions matched nothing and which have
/// expired (their findings are reported again).
pub fn suppress(run: &mut Run, suppressions: &[Suppression], today: &str) -> Vec<Note> {
    let mut used = vec![0usize; suppressions.len()];
    let mut expired_hits = vec![0usize; suppressions.len()];
    let names: Vec<String> = run.inputs.iter().map(|i| i.name.clone()).collect();
    for m in &mut run.messages {
        let input = names.get(m.input).map_or("", String::as_str);
        let client = m.client.as_ref().map(|c| c.id.clone());
        m.findings.retain(|f| {
            let mut keep = true;
            for (i, s) in suppressions.iter().enumerate() {
                if !s.covers(f.code, input, client.as_deref()) {
                    continue;
                }
                if s.expires.as_deref().is_some_and(|e| e < today) {
                    expired_hits[i] += 1;
                } else {
                    used[i] += 1;
                    keep = false;
                }
            }
            keep
        });
    }
    let mut notes = Vec::new();
    for (i, s) in suppressions.iter().enumerate() {
        if let Some(e) = s.expires.as_deref().filter(|e| *e < today) {
            notes.push(Note {
                at: Some(s.at.clone()),
                warning: true,
                text: format!(
                    "the suppression of {} expired on {e}: {} it covered {} reported again (reason given: {})",
                    s.describe(),
                    plural(expired_hits[i], "finding"),
                    if expired_hits[i] == 1 { "is" } else { "are" },
                    crate::util::one_line(&s.reason)
                ),
                redacted: format!(
                    "a suppression of {} expired: {} it covered {} reported again",
                    crate::util::one_line(&s.rule),
                    plural(expired_hits[i], "finding"),
                    if expired_hits[i] == 1 { "is" } else { "are" },
                ),
            });
        } else if used[i] == 0 {
            notes.push(Note {
                at: Some(s.at.clone()),
                warning: true,
                text: format!(
                    "the suppression of {} matched no finding: remove it",
                    s.describe()
                ),
                redacted: format!(
                    "a suppression of {} matched no finding: remove it",
                    crate::util::one_line(&s.rule)
                ),
            });
        }
    }
    notes
}

/// A baseline file: the findings of one run, by their stable fingerprint.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always 1.
    pub samlint_baseline: u32,
    pub findings: Vec<Entry>,
}

/// One baselined finding. Only the fingerprint is matched; the rest says what it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub name: String,
    /// The input, the place inside it (HAR entry, client) and the XML or JSON path.
    pub input: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub within: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
}

impl Entry {
    fn describe(&self) -> String {
        let mut s = format!("{} {} in {}", self.code, self.name, self.input);
        if !self.within.is_empty() {
            s.push_str(&format!(" › {}", self.within));
        }
        if !self.path.is_empty() {
            s.push_str(&format!(" at {}", self.path));
        }
        crate::util::one_line(&s)
    }
}

/// Today's findings as a baseline (JSON text).
pub fn baseline(run: &Run) -> String {
    let mut findings = Vec::new();
    for m in &run.messages {
        for f in &m.findings {
            findings.push(Entry {
                fingerprint: crate::report::sarif::finding_fingerprint(run, m, f),
                code: f.code.to_string(),
                name: f.name.to_string(),
                input: run
                    .inputs
                    .get(m.input)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                within: m.source.origin.within(),
                path: f.path.clone().unwrap_or_default(),
            });
        }
    }
    let b = Baseline {
        samlint_baseline: 1,
        findings,
    };
    let mut s = crate::util::json_pretty(&b);
    s.push('\n');
    s
}

/// Read a baseline file: an error names the file and, for JSON that is not a baseline, the place.
pub fn read_baseline(path: &str) -> Result<Baseline, crate::error::InputError> {
    use crate::error::{ErrorKind, InputError};
    let origin = crate::source::Origin::new(path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        InputError::new(
            &origin,
            ErrorKind::Usage {
                detail: if e.kind() == std::io::ErrorKind::NotFound {
                    "--baseline: no such file (write one with `samlint check … --write-baseline FILE`)"
                        .to_string()
                } else {
                    format!("--baseline: cannot read: {e}")
                },
            },
        )
    })?;
    serde_json::from_str::<Baseline>(&text).map_err(|e| {
        let offset = crate::config::offset_of(&text, e.line(), e.column());
        let detail = format!(
            "--baseline: not a samlint baseline ({}); write one with --write-baseline",
            crate::util::one_line(&e.to_string())
        );
        InputError::at(
            &origin,
            ErrorKind::Usage { detail },
            std::sync::Arc::from(text.as_str()),
            crate::source::Span::new(offset, offset),
        )
    })
}

/// Remove the findings the baseline holds (each entry covers one finding: two identical findings
/// need two entries), and say how many were baselined and which baselined ones are gone.
pub fn apply_baseline(run: &mut Run, b: &Baseline, file: &str) -> Vec<Note> {
    let mut left: std::collections::HashMap<&str, Vec<&Entry>> = Default::default();
    for e in &b.findings {
        left.entry(e.fingerprint.as_str()).or_default().push(e);
    }
    let mut baselined = 0;
    let fps: Vec<Vec<String>> = run
        .messages
        .iter()
        .map(|m| {
            m.findings
                .iter()
                .map(|f| crate::report::sarif::finding_fingerprint(run, m, f))
                .collect()
        })
        .collect();
    for (m, fps) in run.messages.iter_mut().zip(fps) {
        let mut i = 0;
        m.findings.retain(|_| {
            let fp = &fps[i];
            i += 1;
            match left.get_mut(fp.as_str()) {
                Some(v) if !v.is_empty() => {
                    v.pop();
                    baselined += 1;
                    false
                }
                _ => true,
            }
        });
    }
    let mut gone: Vec<&Entry> = left.into_values().flatten().collect();
    gone.sort_by(|a, b| (&a.input, &a.within, &a.path).cmp(&(&b.input, &b.within, &b.path)));
    let mut notes = vec![Note {
        at: None,
        warning: false,
        text: format!(
            "{} in the baseline {} (not reported); {} no longer found",
            plural(baselined, "finding"),
            crate::util::one_line(file),
            gone.len()
        ),
        redacted: format!(
            "{} in the baseline (not reported); {} no longer found",
            plural(baselined, "finding"),
            gone.len()
        ),
    }];
    for e in gone {
        notes.push(Note {
            at: None,
            warning: false,
            text: format!(
                "baselined and gone (fixed, or no longer linted): {}; --write-baseline drops it",
                e.describe()
            ),
            redacted: format!(
                "baselined and gone (fixed, or no longer linted): {} (run without redaction to see where); --write-baseline drops it",
                crate::util::one_line(&e.code)
            ),
        });
    }
    notes
}

/// `--statistics`: findings per rule, most frequent first.
#[derive(Debug, Serialize)]
pub struct Count {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
}

pub fn statistics(run: &Run) -> Vec<Count> {
    let mut out: Vec<Count> = Vec::new();
    for f in run.messages.iter().flat_map(|m| &m.findings) {
        match out.iter_mut().find(|c| c.code == f.code) {
            Some(c) => c.count += 1,
            None => out.push(Count {
                code: f.code,
                name: f.name,
                severity: f.severity,
                count: 1,
            }),
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    out
}

/// The statistics as a table.
pub fn render_statistics(counts: &[Count]) -> String {
    let mut s = String::new();
    let w = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    for c in counts {
        s.push_str(&format!(
            "{:>w$}  {:<8} {:<8} {}\n",
            c.count,
            c.code,
            c.severity.as_str(),
            c.name
        ));
    }
    if counts.is_empty() {
        s.push_str("no findings\n");
    }
    s
}
