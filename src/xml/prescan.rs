//! samlint's own pass over the text before any XML parser sees it: refuses DOCTYPE / entity
//! declarations and nesting deeper than the limit, pointing at the offending bytes. It is a simple byte
//! scanner (comments, CDATA, processing instructions and quoted attribute values are skipped), so no
//! hostile document can make a parser recurse or expand anything.

use crate::error::ErrorKind;
use crate::source::Span;
use memchr::memmem;

pub fn prescan(text: &str, max_depth: usize) -> Result<(), (ErrorKind, Span)> {
    let b = text.as_bytes();
    // XML 1.0 §2.2: no C0 control characters other than tab, LF and CR, anywhere.
    if let Some(pos) = b
        .iter()
        .position(|&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
    {
        return Err((
            ErrorKind::Xml {
                detail: format!("control character U+{:04X} is not allowed in XML", b[pos]),
            },
            Span::new(pos, pos + 1),
        ));
    }
    let mut i = 0;
    let mut depth: usize = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let rest = &b[lt..];
        if rest.starts_with(b"<!--") {
            i = find_after(b, lt + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = find_after(b, lt + 9, b"]]>");
        } else if rest.starts_with(b"<!") {
            // <!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST: refused whatever their case.
            let mut end = lt + 2;
            while end < b.len() && b[end].is_ascii_alphabetic() {
                end += 1;
            }
            return Err((ErrorKind::Doctype, Span::new(lt, end)));
        } else if rest.starts_with(b"<?") {
            i = find_after(b, lt + 2, b"?>");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find_after(b, lt + 2, b">");
        } else {
            // A start tag: scan to '>' honouring quotes.
            let mut j = lt + 1;
            let mut quote: Option<u8> = None;
            while j < b.len() {
                let c = b[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => break,
                    None => {}
                }
                j += 1;
            }
            let self_closing = j > lt + 1 && b.get(j - 1) == Some(&b'/');
            if !self_closing {
                depth += 1;
                if depth > max_depth {
                    let end = (j + 1).min(b.len());
                    return Err((
                        ErrorKind::TooDeep {
                            depth,
                            limit: max_depth,
                        },
                        Span::new(lt, end),
                    ));
                }
            }
            i = (j + 1).min(b.len());
        }
        if i >= b.len() {
            break;
        }
    }
    Ok(())
}

fn find_after(b: &[u8], from: usize, pat: &[u8]) -> usize {
    match b.get(from..).and_then(|s| memmem::find(s, pat)) {
        Some(k) => from + k + pat.len(),
        None => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_doctype_and_entities() {
        let lol = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>"#;
        let (k, span) = prescan(lol, 256).unwrap_err();
        assert_eq!(k, ErrorKind::Doctype);
        assert_eq!(&lol[span.start..span.start + 9], "<!DOCTYPE");
    }

    #[test]
    fn depth_limit() {
        let deep = "<a>".repeat(300);
        assert!(matches!(
            prescan(&deep, 256),
            Err((ErrorKind::TooDeep { depth: 257, .. }, _))
        ));
        let ok = format!("{}{}", "<a>".repeat(256), "</a>".repeat(256));
        assert!(prescan(&ok, 256).is_ok());
        // Self-closing and quoted '>' do not count.
        let tricky = format!(
            "{}<b x='>'/>{}",
            "<a x=\">\">".repeat(256),
            "</a>".repeat(256)
        );
        assert!(prescan(&tricky, 256).is_ok());
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(
            matches!(prescan("<a>\u{1b}[31m</a>", 256), Err((ErrorKind::Xml { .. }, s)) if s == Span::new(3, 4))
        );
        assert!(prescan("<a>\t\r\n</a>", 256).is_ok());
    }

    #[test]
    fn comments_and_cdata_are_skipped() {
        assert!(prescan("<a><!-- <!DOCTYPE x> --><![CDATA[<!ENTITY]]></a>", 256).is_ok());
    }
}
