//! Human output: miette diagnostics pointing into a pretty-printed view of each decoded message, and the
//! concise one-line format.

use super::{order, summary};
use crate::error::InputError;
use crate::finding::{Finding, Severity};
use crate::lint::{Linted, Run};
use crate::source::{Span, line_col};
use crate::util::plural;
use crate::util::{one_line, sanitize};
use crate::xml::pretty::Pretty;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    /// Show info findings (`--show-infos`); else they are counted, not shown.
    pub show_infos: bool,
}

fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1)
}

struct FindingDiag<'a> {
    f: &'a Finding,
    src: &'a dyn SourceCode,
    /// Every place the finding was found (identical findings are shown once), in the pretty view.
    spans: Vec<Span>,
    /// How many identical findings this one stands for.
    count: usize,
}

impl fmt::Debug for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.f.code)
    }
}
impl fmt::Display for FindingDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.f.message.to_string())?;
        if self.count > 1 {
            write!(f, " (× {})", self.count)?;
        }
        Ok(())
    }
}
impl std::error::Error for FindingDiag<'_> {}
impl Diagnostic for FindingDiag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}({})", self.f.code, self.f.name)))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.f.help.is_empty())
            .then(|| Box::new(sanitize(&self.f.help).into_owned()) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.spans.is_empty()).then_some(self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.spans.is_empty() {
            return None;
        }
        let label = self.f.label.as_ref().map(|l| l.to_string());
        Some(Box::new(self.spans.iter().map(move |s| {
            LabeledSpan::new(label.clone(), s.start, s.len())
        })))
    }
}

/// Columns miette takes left of a source line (`  12 │ `), with a margin.
const GUTTER: usize = 8;

/// At most this many places are marked for findings shown once for several.
const MAX_PLACES: usize = 6;

/// A place over more lines than this (a whole client when the setting at fault is absent) is marked
/// at its first line: miette would print every line of it, for every finding.
const MAX_SPAN_LINES: usize = 6;

/// A pretty view built once per message (once per input and thread for a Keycloak export's
/// clients, which share one text).
pub struct View {
    pub pretty: Arc<Pretty>,
    pub named: Shown,
}

/// The view as miette reads it, its line starts indexed. miette's own reading of a text scans it from
/// its start for every span: a realm export of 600 clients took half a minute to show (each client's
/// findings read the whole export); this one reads from a few lines before the span.
pub struct Shown {
    name: String,
    text: Arc<String>,
    lang: &'static str,
    /// Where its lines start.
    lines: Arc<crate::source::LineIndex>,
}

impl Shown {
    fn new(name: String, text: Arc<String>, lang: &'static str) -> Shown {
        let lines = Arc::new(crate::source::LineIndex::new(&text));
        Shown {
            name,
            text,
            lang,
            lines,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many line feeds come before `offset`.
    pub fn newlines_before(&self, offset: usize) -> usize {
        self.lines.newlines_before(offset)
    }
}

impl fmt::Debug for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl SourceCode for Shown {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        // miette's reading, from the start of a line `before` lines (and one more) above the span's:
        // what it keeps is the same (the view has no CR: it is shown as a space), and its line numbers
        // and count are shifted by the lines skipped.
        let line = self.newlines_before(span.offset());
        let skipped = line.saturating_sub(before + 1);
        let from = self.lines.line_start(skipped);
        let sub = self.text.as_bytes().get(from..).unwrap_or_default();
        let local = miette::SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let inner = sub.read_span(&local, before, after)?;
        Ok(Box::new(
            miette::MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                miette::SourceSpan::new((inner.span().offset() + from).into(), inner.span().len()),
                inner.line() + skipped,
                inner.column(),
                inner.line_count() + skipped,
            )
            .with_language(self.lang),
        ))
    }
}

/// What the view of a Keycloak export's text is: its text masked and sanitised, with its line starts.
type ExportView = (Arc<Pretty>, Arc<String>, Arc<crate::source::LineIndex>);

pub fn view(m: &Linted, style: Style) -> View {
    let name = format!("{}", m.source.origin);
    if m.is_keycloak() {
        // Every client of a realm export shares its text: viewed once per thread, not per client.
        thread_local! {
            static LAST: std::cell::RefCell<Option<(Arc<str>, ExportView)>> = const { std::cell::RefCell::new(None) };
        }
        let (pretty, text, lines) = LAST.with(|last| {
            let mut last = last.borrow_mut();
            if let Some((t, v)) = last.as_ref()
                && Arc::ptr_eq(t, &m.source.text)
            {
                return v.clone();
            }
            let p = crate::xml::pretty::pretty_width(&m.doc, &m.source.text, style.width);
            // Same-length replacements keep the view's offsets valid: the secrets masked, control
            // characters replaced.
            let shown = crate::util::sanitize_same_len(&crate::keycloak::mask_secrets(&p.text))
                .into_owned();
            let lines = Arc::new(crate::source::LineIndex::new(&shown));
            let v = (Arc::new(p), Arc::new(shown), lines);
            *last = Some((m.source.text.clone(), v.clone()));
            v
        });
        let named = Shown {
            name,
            text,
            lang: "json",
            lines,
        };
        return View { pretty, named };
    }
    // Long start tags are broken to fit the terminal beside miette's line-number gutter (xml/pretty.rs).
    let p = crate::xml::pretty::pretty_width(
        &m.doc,
        &m.source.text,
        style.width.saturating_sub(GUTTER).max(20),
    );
    // Same-length replacement keeps the pretty view's offsets valid.
    let shown = crate::util::sanitize_same_len(&p.text).into_owned();
    View {
        pretty: Arc::new(p),
        named: Shown::new(name, Arc::new(shown), "xml"),
    }
}

/// `s` itself, or its first line when it covers more than [`MAX_SPAN_LINES`] lines.
fn first_line_if_long(shown: &Shown, s: Span) -> Span {
    let text = shown.text();
    let start = s.start.min(text.len());
    let end = s.end.clamp(start, text.len());
    if shown.newlines_before(end) - shown.newlines_before(start) < MAX_SPAN_LINES {
        return s;
    }
    let line_end = text[start..].find('\n').map_or(end, |i| start + i);
    Span::new(start, line_end)
}

pub fn render_finding(style: Style, v: &View, f: &Finding) -> String {
    render_group(style, v, &[f])
}

/// Identical findings (see `order::grouped`) as one diagnostic marking each place.
pub fn render_group(style: Style, v: &View, all: &[&Finding]) -> String {
    let Some(f) = all.first() else {
        return String::new();
    };
    let mut spans: Vec<Span> = Vec::new();
    for s in all.iter().filter_map(|f| f.span).take(MAX_PLACES) {
        let s = first_line_if_long(&v.named, v.pretty.map_span(s));
        if !spans.contains(&s) {
            spans.push(s);
        }
    }
    // One place on a line wider than the terminal (a certificate, a long value): a window around it
    // (report/window.rs).
    let window = match spans.as_slice() {
        [s] => super::window::around(
            v.named.text(),
            v.named.name(),
            *s,
            style.width.saturating_sub(GUTTER),
            &|x| v.named.newlines_before(x),
        ),
        _ => None,
    };
    let (src, spans): (&dyn SourceCode, Vec<Span>) = match &window {
        Some((w, s)) => (w, vec![*s]),
        None => (&v.named, spans),
    };
    let d = FindingDiag {
        f,
        src,
        spans,
        count: all.len(),
    };
    let mut out = String::new();
    let _ = handler(style).render_report(&mut out, &d);
    out
}

/// Errors: point into the decoded text, cutting a window around the problem so that a one-line
/// message does not print kilobytes of base64.
/// A window of a decoded text that reports the line numbers of the whole text.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line of the excerpt's first line in the whole text, and its column offset.
    first_line: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct ErrorDiag<'a> {
    e: &'a InputError,
    src: Option<Excerpt>,
    span: Option<Span>,
}

impl fmt::Debug for ErrorDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.e, f)
    }
}
impl fmt::Display for ErrorDiag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.e, f)
    }
}
impl std::error::Error for ErrorDiag<'_> {}
impl Diagnostic for ErrorDiag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.e.kind.code()))
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.e.help().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.src.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let s = self.span?;
        self.src.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some("here".into()),
            s.start,
            s.len(),
        ))))
    }
}

const WINDOW: usize = 160;

fn floor_boundary(t: &str, mut i: usize) -> usize {
    i = i.min(t.len());
    while i > 0 && !t.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub fn render_error(style: Style, e: &InputError) -> String {
    // A JSON text's secrets (a Keycloak export's) are masked, byte for byte.
    let masked = e.text.as_deref().map(|t| {
        // (Behind a byte-order mark too: review 34.)
        if crate::decode::is_json_start(t.as_bytes()) {
            crate::keycloak::mask_secrets(t)
        } else {
            std::borrow::Cow::Borrowed(t)
        }
    });
    let (src, span) = match (&masked, e.span) {
        (Some(t), Some(s)) => {
            // A parser's error position can fall inside a multi-byte character: snap to boundaries.
            let s = Span::new(floor_boundary(t, s.start), floor_boundary(t, s.end));
            let s = Span::new(s.start, s.end.max(s.start));
            let start = floor_boundary(t, s.start.saturating_sub(WINDOW));
            let start = t[start..s.start.min(t.len()).max(start)]
                .find('\n')
                .map_or(start, |nl| {
                    // Start at a line boundary when one is near.
                    if s.start.saturating_sub(start + nl) < WINDOW {
                        start + nl + 1
                    } else {
                        start
                    }
                });
            let end = floor_boundary(t, s.end.max(s.start + 1).saturating_add(WINDOW));
            let end = t[s.end.min(end)..end]
                .find('\n')
                .map_or(end, |nl| s.end.min(end) + nl);
            let excerpt = crate::util::sanitize_same_len(&t[start..end]).into_owned();
            let (first_line, _) = line_col(t, start);
            let name = if e.encodings_hint() {
                format!("{} (decoded)", e.origin)
            } else {
                e.origin.to_string()
            };
            let local = Span::new(
                s.start - start,
                (s.end.min(end)).saturating_sub(start).max(s.start - start),
            );
            // Sanitising may have removed characters before the span; only keep the label if it still fits.
            let ok = excerpt.len() == end - start;
            (
                Some(Excerpt {
                    name,
                    text: excerpt,
                    first_line: first_line - 1,
                }),
                ok.then_some(local),
            )
        }
        _ => (None, None),
    };
    let d = ErrorDiag { e, src, span };
    let mut out = String::new();
    let _ = handler(style).render_report(&mut out, &d);
    // Every diagnostic names its input and may quote it: nothing in it reads as a workflow command
    // in a CI log (review 31), whichever command prints it.
    match crate::util::defuse_ci(&out) {
        std::borrow::Cow::Owned(t) => t,
        std::borrow::Cow::Borrowed(_) => out,
    }
}

/// The `full` format.
pub fn render_full(run: &Run, style: Style) -> String {
    let mut out = String::new();
    for (n, m) in run.messages.iter().enumerate() {
        // A HAR capture's timeline, once, before its first message (report/timeline.rs).
        if n == 0 || run.messages[n - 1].input != m.input {
            out.push_str(&super::timeline::full_for_input(run, m.input, style.width));
        }
        let header = format!(
            "── message {} · {} · {}",
            m.index + 1,
            if m.model.kind == crate::model::MessageKind::Other {
                one_line(&m.model.root_name)
            } else {
                m.model.kind.as_str().to_string()
            },
            m.source.origin
        );
        // Wrapped to the terminal: an origin names the whole decoding chain and a URL.
        for l in summary::hang(&header, style.width, 0, 3) {
            out.push_str(&l);
            out.push('\n');
        }
        match &m.rendered {
            Some(r) => out.push_str(r),
            None => out.push_str(&full_body(m, style)),
        }
    }
    // Captures that gave no message still show their steps (report/timeline.rs).
    out.push_str(&super::timeline::full_without_messages(run, style.width));
    let last = summary_line_with(run, style.show_infos);
    // The elapsed time stays on the line it ends (joined by no-break spaces while wrapping).
    let last = match last.trim_end().rsplit_once(" · ") {
        Some((body, time)) => format!("{body}\u{a0}·\u{a0}{}", time.replace(' ', "\u{a0}")),
        None => last.trim_end().to_string(),
    };
    for l in summary::hang(&last, style.width, 0, 2) {
        out.push_str(&l.replace('\u{a0}', " "));
        out.push('\n');
    }
    out
}

/// One message in the `full` format, after its header: the verdict and what the message says (see
/// `summary`), what the prediction assumed, the packs that applied and the findings, most important
/// first (what `Finish` renders while the document is at hand).
pub fn full_body(m: &Linted, style: Style) -> String {
    let mut out = String::new();
    let mut rows: Vec<String> = Vec::new();
    if !m.is_keycloak() {
        // What the SP would answer comes first: it is what the user is asking.
        // One line per SP: the first line after two columns of indent, the rest after four.
        for v in summary::verdicts(m, false) {
            for (i, w) in summary::hang(&v, style.width, 2, 4).into_iter().enumerate() {
                if i == 0 && style.color {
                    let mut chars = w.trim_start().chars();
                    let sym = chars.next().unwrap_or(' ');
                    rows.push(format!("  {}{}", summary::painted(sym), chars.as_str()));
                } else {
                    rows.push(w);
                }
            }
        }
        rows.extend(summary::block(m, style.color, style.width));
        let parts = super::prediction::parts(&m.predicted, true);
        let mut pem = None;
        for (i, p) in parts.into_iter().enumerate() {
            let mut texts = Vec::new();
            // Each SP's headline is a verdict line above.
            if i > 0 {
                texts.extend(p.signed_by);
            }
            // The certificate that signed is in the summary's `carries` row above.
            texts.extend(p.paste);
            texts.extend(p.details);
            summary::wrapped_row(
                &mut rows,
                if i == 0 { "prediction" } else { "" },
                &texts,
                style.width,
            );
            pem = pem.or(p.pem);
        }
        if let Some(pem) = pem {
            rows.push("  the certificate that signed (to paste into Atlassian):".into());
            rows.extend(pem.lines().map(|l| format!("    {l}")));
        }
    }
    if !m.packs.is_empty() {
        let packs: Vec<String> = m
            .packs
            .iter()
            .map(|p| format!("{} ({})", p.pack, p.reason))
            .collect();
        summary::wrapped_row(
            &mut rows,
            "packs",
            &[sanitize(&packs.join("; ")).into_owned()],
            style.width,
        );
    }
    let count = |s: Severity| m.findings.iter().filter(|f| f.severity == s).count();
    let (folded, codes) = order::folded(&m.findings, style.show_infos);
    let mut counts = format!(
        "{} · {} · {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Info), "info")
    );
    if folded > 0 {
        counts.push_str(&format!(
            " ({} hidden: {}; --show-infos shows {})",
            if folded == 1 { "it is" } else { "they are" },
            codes.join(", "),
            if folded == 1 { "it" } else { "them" }
        ));
    }
    summary::wrapped_row(&mut rows, "findings", &[counts], style.width);
    for r in rows {
        out.push_str(&r);
        out.push('\n');
    }
    out.push('\n');
    let shown: Vec<_> = order::grouped(&m.findings)
        .into_iter()
        .filter(|g| order::shown(g.first, style.show_infos))
        .collect();
    if shown.is_empty() {
        return out;
    }
    let v = view(m, style);
    for g in shown {
        out.push_str(&render_group(style, &v, &g.all));
        out.push('\n');
    }
    out
}

pub fn summary_line(run: &Run) -> String {
    summary_line_with(run, true)
}

/// The last line of every human format; `show_infos: false` says that infos were counted, not shown.
pub fn summary_line_with(run: &Run, show_infos: bool) -> String {
    use crate::lint::InputStatus;
    let failed = run.inputs.iter().filter(|i| !i.errors.is_empty()).count();
    let skipped = run
        .inputs
        .iter()
        .filter(|i| i.status == InputStatus::Skipped)
        .count();
    let mut s = format!(
        "{}, {}: {}, {}, {}",
        plural(run.inputs.len() - skipped, "input"),
        plural(run.messages.len(), "message"),
        plural(run.count(Severity::Error), "error"),
        plural(run.count(Severity::Warning), "warning"),
        plural(run.count(Severity::Info), "info"),
    );
    if !show_infos && run.count(Severity::Info) > 0 {
        s.push_str(" (not shown: --show-infos)");
    }
    if failed > 0 {
        s.push_str(&format!(
            "; {} could not be linted",
            plural(failed, "input")
        ));
    }
    if skipped > 0 {
        s.push_str(&format!(
            "; {} skipped (excluded by --include/--exclude, not a regular file, or by its content neither SAML, a capture nor a Keycloak export)",
            plural(skipped, "file")
        ));
    }
    s.push_str(&format!(" · {:.2} s\n", run.elapsed.as_secs_f64()));
    s
}

/// The `concise` format. Line and column refer to the pretty view that `samlint decode` prints, so a
/// one-line message never yields "line 1, column 5234".
pub fn render_concise(run: &Run, show_infos: bool) -> String {
    let mut out = String::new();
    for m in &run.messages {
        match &m.rendered {
            Some(r) => out.push_str(r),
            None => out.push_str(&concise_findings(m, show_infos)),
        }
    }
    for e in run.errors() {
        out.push_str(&format!(
            "{}: error[{}] {}\n",
            e.origin,
            e.kind.code(),
            one_line(&e.kind.to_string())
        ));
    }
    out.push_str(&summary_line_with(run, show_infos));
    out
}

/// One message's lines in the `concise` format: its summary line, what the SPs would answer, then the
/// findings most important first (infos only with `show_infos`).
pub fn concise_findings(m: &Linted, show_infos: bool) -> String {
    let mut out = String::new();
    let findings: Vec<&Finding> = order::ordered(&m.findings)
        .into_iter()
        .filter(|f| order::shown(f, show_infos))
        .collect();
    if m.is_keycloak() {
        // A Keycloak export: `file:line:col:` first, in the file itself (editors jump to it), then the
        // client or realm the finding belongs to.
        let file = m.source.origin.input();
        let subject = m.source.origin.within();
        for f in &findings {
            let (line, col) = f.span.map_or((1, 1), |s| m.source.line_col(s.start));
            out.push_str(&format!(
                "{}:{line}:{col}: {}[{}] {} ({})\n",
                sanitize(&file),
                f.severity,
                f.code,
                f.message,
                sanitize(&subject)
            ));
        }
        return out;
    }
    out.push_str(&format!(
        "{}: summary {}\n",
        m.source.origin,
        summary::one_line(m)
    ));
    for p in &m.predicted.predictions {
        out.push_str(&format!(
            "{}: prediction[{}/{}] {} ({}, confidence {})\n",
            m.source.origin,
            p.sp,
            match p.stage {
                crate::predict::Stage::SamlLibrary => "saml-library",
                crate::predict::Stage::Account => "account",
            },
            match p.answer {
                crate::predict::Answer::Accepted => "accepted".to_string(),
                crate::predict::Answer::Rejected => format!("rejected: {}", p.shown()),
                crate::predict::Answer::Unknown => "unknown".to_string(),
            },
            p.model,
            p.confidence.as_str()
        ));
    }
    if let Some(s) = &m.predicted.signed_by {
        out.push_str(&format!(
            "{}: signed-by {} · SHA-1 {} · valid {} → {} (the certificate in the response's KeyInfo, not the configured one)\n",
            m.source.origin,
            one_line(&s.cert.subject),
            s.cert.sha1,
            s.cert.not_before,
            s.cert.not_after
        ));
    }
    // The view `samlint decode` prints, at the same width.
    let p = (!findings.is_empty())
        .then(|| crate::xml::pretty::pretty_width(&m.doc, &m.source.text, crate::cli::width()));
    for f in &findings {
        let (line, col) = match (f.span, &p) {
            (Some(s), Some(p)) => line_col(&p.text, p.map_offset(s.start, false)),
            _ => (1, 1),
        };
        out.push_str(&format!(
            "{}:{line}:{col}: {}[{}] {}\n",
            m.source.origin, f.severity, f.code, f.message
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::error::{ErrorKind, InputError};
    use crate::source::Origin;

    /// `Shown` reads every span as miette's own reading of the whole text does (its line, column,
    /// line count, data and span), on texts with long and empty lines, at every offset.
    #[test]
    fn shown_reads_spans_as_miette_does() {
        let texts = [
            "a\nbb\n\nccc\ndddd\n".to_string(),
            (0..40)
                .map(|i| format!("{}\n", "x".repeat(i % 7)))
                .collect::<String>(),
            "no line feed at all".to_string(),
            "\n\n\nx\n\n".to_string(),
            (0..30).map(|i| format!("l{i} é\n")).collect::<String>(),
        ];
        for text in texts {
            let shown = Shown::new("n".into(), Arc::new(text.clone()), "json");
            let named = miette::NamedSource::new("n", text.clone()).with_language("json");
            for start in 0..=text.len() {
                for len in [0, 1, 2, 5] {
                    if start + len > text.len() {
                        continue;
                    }
                    for (before, after) in [(0, 0), (1, 1), (2, 3)] {
                        let span = miette::SourceSpan::new(start.into(), len);
                        let ours = shown.read_span(&span, before, after);
                        let theirs = named.read_span(&span, before, after);
                        match (ours, theirs) {
                            (Ok(a), Ok(b)) => {
                                let what = format!("{text:?} {start}+{len} ({before},{after})");
                                assert_eq!(a.data(), b.data(), "{what}");
                                assert_eq!(a.span(), b.span(), "{what}");
                                assert_eq!(a.line(), b.line(), "{what}");
                                assert_eq!(a.column(), b.column(), "{what}");
                                assert_eq!(a.line_count(), b.line_count(), "{what}");
                            }
                            (a, b) => assert_eq!(a.is_ok(), b.is_ok()),
                        }
                    }
                }
            }
        }
    }

    /// A place over many lines is marked at its first line; one over a few lines, and spans past the
    /// text's end, are kept as they are.
    #[test]
    fn a_long_place_is_marked_at_its_first_line() {
        let text: String = (0..20).map(|i| format!("line {i}\n")).collect();
        let shown = Shown::new("n".into(), Arc::new(text.clone()), "json");
        let at = |l: usize| text.match_indices("line ").nth(l).map_or(0, |(i, _)| i);
        let whole = Span::new(at(2), at(15) + 3);
        assert_eq!(
            first_line_if_long(&shown, whole),
            Span::new(at(2), at(3) - 1)
        );
        let few = Span::new(at(2), at(2 + MAX_SPAN_LINES - 1));
        assert_eq!(first_line_if_long(&shown, few), few);
        let past = Span::new(at(19), text.len() + 10);
        assert_eq!(first_line_if_long(&shown, past), past);
        let last = Span::new(at(10), text.len());
        assert_eq!(
            first_line_if_long(&shown, last),
            Span::new(at(10), at(11) - 1)
        );
    }

    #[test]
    fn error_spans_inside_a_multibyte_character_do_not_panic() {
        let text: std::sync::Arc<str> = std::sync::Arc::from("<a>ééé\nxyz</a>");
        for start in 0..text.len() {
            for end in [start, start + 1, start + 3, text.len() + 5] {
                let e = InputError::at(
                    &Origin::new("t"),
                    ErrorKind::Xml { detail: "x".into() },
                    text.clone(),
                    Span::new(start, end),
                );
                let out = render_error(
                    Style {
                        color: false,
                        width: 80,
                        show_infos: false,
                    },
                    &e,
                );
                assert!(out.contains("malformed XML"), "{out}");
            }
        }
    }
}
