//! A window on a source line wider than the terminal (issue 15 item 4): a 1,700-character
//! X509Certificate or a long attribute value cannot be broken in the pretty view (that would change the
//! value), so a diagnostic on it shows the part of the line around its span, with `…` where the line
//! was cut, and keeps the line and column numbers of the whole view.

use crate::source::Span;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// The lines around a span, each cut to the width; the span's line cut around the span.
#[derive(Debug)]
pub struct Window {
    name: String,
    text: String,
    /// 0-based line of the window's first line in the whole view.
    first_line: usize,
    /// The span's line in the window (0-based), and how many bytes of it were replaced by the leading
    /// `…` (added back to the column miette reports).
    span_line: usize,
    shift: usize,
}

const ELLIPSIS: &str = "…";

/// The byte range of at most `n` characters of `line` starting at character `from`.
fn chars_range(line: &str, from: usize, n: usize) -> (usize, usize) {
    let mut idx = line.char_indices().map(|(i, _)| i).chain([line.len()]);
    let a = idx.nth(from).unwrap_or(line.len());
    let b = line[a..]
        .char_indices()
        .map(|(i, _)| a + i)
        .chain([line.len()])
        .nth(n)
        .unwrap_or(line.len());
    (a, b)
}

/// A line cut to `width` characters from its start.
fn cut(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    let (_, b) = chars_range(line, 0, width.saturating_sub(1));
    format!("{}{ELLIPSIS}", &line[..b])
}

/// A window around `span` in `text` when the span's line is wider than `width` and the span is on one
/// line; `None` otherwise (the text is shown as it is). Returns the window and the span in it.
/// `newlines_before(x)` is how many line feeds `text` holds before byte `x` (an index the caller keeps).
pub fn around(
    text: &str,
    name: &str,
    span: Span,
    width: usize,
    newlines_before: &dyn Fn(usize) -> usize,
) -> Option<(Window, Span)> {
    let width = width.max(20);
    let start = span.start.min(text.len());
    let ls = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let le = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[ls..le];
    if span.end > le || line.chars().count() <= width {
        return None;
    }
    // The span's columns in characters, then a window of `avail` characters holding as much of it as
    // fits, a little context before it.
    let s0 = text[ls..start].chars().count();
    let s1 = text.get(ls..span.end.max(start))?.chars().count();
    let len = line.chars().count();
    let avail = width - 2;
    let a = if s1 - s0 <= avail {
        s0.saturating_sub((avail - (s1 - s0)) / 2)
            .min(len.saturating_sub(avail))
    } else {
        // A quarter of the window before the span (an attribute's name, an element's tag).
        s0.saturating_sub(avail / 4)
    };
    let (ab, bb) = chars_range(line, a, avail);
    let lead = if ab > 0 { ELLIPSIS } else { "" };
    let shown = format!(
        "{lead}{}{}",
        &line[ab..bb],
        if bb < line.len() { ELLIPSIS } else { "" }
    );
    // One line of context either side, cut at the width.
    let prev = (ls > 0).then(|| {
        let ps = text[..ls - 1].rfind('\n').map_or(0, |i| i + 1);
        cut(&text[ps..ls - 1], width)
    });
    let next = (le < text.len()).then(|| {
        let ne = text[le + 1..].find('\n').map_or(text.len(), |i| le + 1 + i);
        cut(&text[le + 1..ne], width)
    });
    let mut out = String::new();
    if let Some(p) = &prev {
        out.push_str(p);
        out.push('\n');
    }
    let line_at = out.len();
    out.push_str(&shown);
    if let Some(n) = &next {
        out.push('\n');
        out.push_str(n);
    }
    let local_start = line_at + lead.len() + (start - ls).saturating_sub(ab);
    let local_end = line_at + lead.len() + (span.end.min(ls + bb)).saturating_sub(ls + ab);
    let first_line = newlines_before(ls) - usize::from(prev.is_some());
    Some((
        Window {
            name: name.to_string(),
            text: out,
            first_line,
            span_line: usize::from(prev.is_some()),
            shift: ab.saturating_sub(lead.len()),
        },
        Span::new(local_start, local_end.max(local_start)),
    ))
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let column = if inner.line() == self.span_line {
            inner.column() + self.shift
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nl(text: &str, x: usize) -> usize {
        text[..x].matches('\n').count()
    }

    #[test]
    fn a_window_holds_the_span_and_keeps_line_numbers() {
        let cert = "M".repeat(500) + "XYZ" + &"N".repeat(500);
        let text = format!("<a>\n  <b>\n    <c>{cert}</c>\n  </b>\n</a>\n");
        let at = text.find("XYZ").unwrap();
        let (w, s) = around(&text, "t", Span::new(at, at + 3), 40, &|x| nl(&text, x)).unwrap();
        assert_eq!(&w.text[s.range()], "XYZ");
        let lines: Vec<&str> = w.text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:?}");
        assert!(lines[1].starts_with('…') && lines[1].ends_with('…'));
        assert_eq!(w.first_line, 1);
        // miette's header: line 3, and the column of XYZ in the whole line.
        let c = w.read_span(&(s.start, s.len()).into(), 0, 0).unwrap();
        assert_eq!(c.line() + 1, 3);
        assert_eq!(c.column(), at - text[..at].rfind('\n').unwrap() - 1);
        // A short line, or a span over several lines: no window.
        assert!(around(&text, "t", Span::new(1, 2), 40, &|x| nl(&text, x)).is_none());
        assert!(
            around(&text, "t", Span::new(at, text.len() - 2), 40, &|x| nl(
                &text, x
            ))
            .is_none()
        );
    }

    #[test]
    fn every_span_of_a_long_line_maps_onto_its_text() {
        let line = "é".repeat(70) + "abc" + &"x".repeat(90);
        let text = format!("<r>\n{line}\n</r>");
        let base = 4;
        let bounds: Vec<usize> = (0..=line.len())
            .filter(|i| line.is_char_boundary(*i))
            .collect();
        for (k, &a) in bounds.iter().enumerate().step_by(7) {
            for &b in bounds[k..].iter().step_by(11) {
                let s = Span::new(base + a, base + b);
                let Some((w, ls)) = around(&text, "t", s, 30, &|x| nl(&text, x)) else {
                    panic!("no window for {s:?}");
                };
                let shown = &w.text[ls.range()];
                // The window shows the span's start and as much of it as fits.
                assert!(line[a..b].starts_with(shown), "{a}..{b}: {shown:?}");
                assert!(!shown.is_empty() || a == b);
            }
        }
    }
}
