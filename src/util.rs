//! Small helpers shared across modules.

/// Strip C0 and C1 control characters (except tab and newline) so that a value taken from the input can
/// never drive the terminal (ANSI escapes, carriage-return overwrites, bells).
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_bad_control) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !is_bad_control(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Like [`sanitize`] but also folds newlines and tabs into spaces: for one-line contexts.
pub fn one_line(s: &str) -> String {
    s.chars()
        .filter(|c| !is_bad_control(*c))
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

fn is_bad_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Like [`sanitize`], but replaces each unsafe character with one of the same UTF-8 length (so byte
/// spans into the text stay valid): `\r` becomes a space, other controls `?`, `¿` or `�`.
pub fn sanitize_same_len(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_bad_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if c == '\r' {
                    ' '
                } else if is_bad_control(c) {
                    match c.len_utf8() {
                        1 => '?',
                        2 => '¿',
                        _ => '\u{fffd}',
                    }
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// Shorten a string for display to at most `max` characters, marking the cut with `…`.
pub fn ellipsize(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Human-readable byte size.
pub fn human_bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * 1024 * 1024;
    if n >= GIB {
        format!("{:.1} GiB", n as f64 / GIB as f64)
    } else if n >= MIB {
        format!("{:.1} MiB", n as f64 / MIB as f64)
    } else if n >= KIB {
        format!("{:.1} KiB", n as f64 / KIB as f64)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_removes_escapes_and_bidi() {
        assert_eq!(sanitize("a\u{1b}[2Jb\r\u{7}c\u{202e}d\ne"), "a[2Jbcd\ne");
        assert_eq!(one_line("a\nb\tc"), "a b c");
    }

    #[test]
    fn same_len_sanitizing_keeps_offsets() {
        for t in ["a\u{1b}[2Jb", "x\u{85}y", "p\u{202e}q", "r\r\nn"] {
            let out = sanitize_same_len(t);
            assert_eq!(out.len(), t.len(), "{t:?}");
            assert!(!out.chars().any(is_bad_control));
        }
    }

    #[test]
    fn ellipsize_cuts() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 4), "abc");
    }
}
