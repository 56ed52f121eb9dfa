//! samlint's own pass over the text before any XML parser sees it. It refuses, pointing at the offending
//! bytes:
//! - DOCTYPE / entity declarations, and nesting deeper than the limit;
//! - what libxml2 refuses (design.md "What libxml2 refuses, samlint refuses"), so that no SP-side
//!   parser reads another document than samlint: a second byte-order mark, anything before the XML
//!   declaration (in decoded messages), an XML declaration anywhere but at the start, an encoding
//!   declaration the bytes are not in;
//! - more elements, attributes on one element, or namespace declarations than the limits allow, so that
//!   every later pass is bounded.
//!
//! It is a simple byte scanner (comments, CDATA, processing instructions and quoted attribute values
//! are skipped), so no hostile document can make a parser recurse or expand anything.

use crate::error::ErrorKind;
use crate::limits::Limits;
use crate::source::Span;
use memchr::memmem;

const BOM: &str = "\u{feff}";

fn xml_err(detail: impl Into<String>, span: Span) -> (ErrorKind, Span) {
    (
        ErrorKind::Xml {
            detail: detail.into(),
        },
        span,
    )
}

pub fn prescan(text: &str, limits: &Limits) -> Result<(), (ErrorKind, Span)> {
    let b = text.as_bytes();
    // XML 1.0 §2.2: no C0 control characters other than tab, LF and CR, anywhere.
    if let Some(pos) = first_control(b) {
        return Err(xml_err(
            format!("control character U+{:04X} is not allowed in XML", b[pos]),
            Span::new(pos, pos + 1),
        ));
    }
    // §2.2: U+FFFE and U+FFFF are not characters either (written literally; references are checked by
    // the parser).
    if let Some(pos) = memchr::memchr_iter(0xef, b)
        .find(|&p| b.get(p + 1) == Some(&0xbf) && matches!(b.get(p + 2), Some(0xbe | 0xbf)))
    {
        return Err(xml_err(
            format!(
                "U+{:04X} is not an XML character",
                if b.get(pos + 2) == Some(&0xbe) {
                    0xfffe
                } else {
                    0xffff
                }
            ),
            Span::new(pos, pos + 3),
        ));
    }
    let decl_at = declaration(text)?;
    if let Some(at) = decl_at {
        declaration_grammar(text, at)?;
        encoding(text, at)?;
    }
    body(text, limits, decl_at)
}

/// The first C0 control character other than tab, LF and CR.
fn first_control(b: &[u8]) -> Option<usize> {
    crate::util::first_byte(b, |c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
}

/// Where the XML declaration starts, if there is one; refuses a second BOM and anything else before it.
fn declaration(text: &str) -> Result<Option<usize>, (ErrorKind, Span)> {
    let after_bom = text.strip_prefix(BOM).map_or(0, |_| BOM.len());
    let rest = &text[after_bom..];
    if rest.starts_with(BOM) {
        return Err(xml_err(
            "a second byte-order mark: libxml2 refuses the document",
            Span::new(after_bom, after_bom + BOM.len()),
        ));
    }
    let ws = rest.len() - rest.trim_start_matches(super::SPACE).len();
    let at = after_bom + ws;
    if !is_decl(&text.as_bytes()[at..]) {
        return Ok(None);
    }
    if ws > 0 {
        return Err(xml_err(
            "whitespace before the XML declaration: the declaration must be the very first thing in the document, and libxml2-based SPs refuse it (if the whitespace came from copying, delete it)",
            Span::new(after_bom, at),
        ));
    }
    Ok(Some(at))
}

/// XML 1.0 §2.8 XMLDecl, as libxml2 holds it: `<?xml`, `version` ("1." and digits), then optionally
/// `encoding` (an EncName) and `standalone` ("yes" or "no"), in that order, each after white space,
/// quoted with matching quotes; nothing else.
fn declaration_grammar(text: &str, at: usize) -> Result<(), (ErrorKind, Span)> {
    let b = text.as_bytes();
    let end = memmem::find(&b[at..], b"?>").map_or(b.len(), |k| at + k + 2);
    let bad = |why: &str| {
        Err(xml_err(
            format!("malformed XML declaration ({why}): libxml2 refuses the document"),
            Span::new(at, end),
        ))
    };
    let Some(mut rest) = text.get(at..end).and_then(|d| d.strip_prefix("<?xml")) else {
        return bad("it must start with `<?xml` in lower case");
    };
    let mut seen: Vec<&str> = Vec::new();
    loop {
        let trimmed = rest.trim_start_matches(super::SPACE);
        let had_space = trimmed.len() < rest.len();
        if trimmed == "?>" {
            break;
        }
        if !had_space {
            return bad("white space is missing before a pseudo-attribute");
        }
        let Some((name, after)) = trimmed.split_once('=') else {
            return bad("a pseudo-attribute without a value");
        };
        let name = name.trim_end_matches(super::SPACE);
        let after = after.trim_start_matches(super::SPACE);
        let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return bad("an unquoted value");
        };
        let Some((value, next)) = after[1..].split_once(q) else {
            return bad("an unterminated value");
        };
        let order = ["version", "encoding", "standalone"];
        let Some(pos) = order.iter().position(|o| *o == name) else {
            return bad("an unknown pseudo-attribute");
        };
        if seen
            .last()
            .is_some_and(|l| order.iter().position(|o| o == l) >= Some(pos))
            || (seen.is_empty() && pos != 0)
        {
            return bad("version, encoding and standalone must come once each, in that order");
        }
        let ok = match name {
            "version" => value
                .strip_prefix("1.")
                .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit())),
            "encoding" => {
                value
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            }
            _ => matches!(value, "yes" | "no"),
        };
        if !ok {
            return bad("a value libxml2 does not take");
        }
        seen.push(name);
        rest = next;
    }
    if seen.is_empty() {
        return bad("no version");
    }
    Ok(())
}

/// `<?xml` followed by whitespace or `?>`: the declaration (any other `<?xml…` is a reserved PI target).
fn is_decl(b: &[u8]) -> bool {
    b.len() >= 6
        && b[..5].eq_ignore_ascii_case(b"<?xml")
        && matches!(b[5], b' ' | b'\t' | b'\r' | b'\n' | b'?')
}

/// The encoding the XML declaration at `at` names, and where, when it names one.
fn encoding_value(text: &str, at: usize) -> Option<(&str, Span)> {
    let b = text.as_bytes();
    let end = memmem::find(&b[at..], b"?>").map_or(b.len(), |k| at + k);
    let decl = &text[at..end];
    let k = decl.find("encoding")?;
    let after = decl[k + "encoding".len()..].trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let q = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after[1..].split(q).next().unwrap_or_default();
    let start = at + (decl.len() - after.len()) + 1;
    Some((value, Span::new(start, start + value.len())))
}

/// The encoding named by an XML declaration at the start of `text` (after a byte-order mark and
/// white space, as libxml2 finds it), when there is one that names one.
pub fn declared_encoding(text: &str) -> Option<&str> {
    let after_bom = text.strip_prefix(BOM).map_or(0, |_| BOM.len());
    let rest = &text[after_bom..];
    let at = after_bom + rest.len() - rest.trim_start_matches(super::SPACE).len();
    is_decl(&text.as_bytes()[at..])
        .then(|| encoding_value(text, at).map(|(v, _)| v))
        .flatten()
}

/// The declared encoding must be what the text is: UTF-8, or an ASCII-compatible one when every byte
/// is ASCII (where both readings agree).
fn encoding(text: &str, at: usize) -> Result<(), (ErrorKind, Span)> {
    let Some((value, span)) = encoding_value(text, at) else {
        return Ok(());
    };
    let name = value.to_ascii_lowercase();
    if matches!(name.as_str(), "utf-8" | "utf8") {
        return Ok(());
    }
    // Only names that exist (libxml2 refuses `iso-8859-12`, `iso-8859-99`, `windows-125`: "Unsupported
    // encoding", the whole document unread).
    let part = |n: &str| -> bool {
        n.parse::<u8>()
            .is_ok_and(|k| (1..=16).contains(&k) && k != 12 && !n.starts_with('0'))
    };
    let ascii_compatible = matches!(name.as_str(), "us-ascii" | "ascii" | "latin1" | "latin-1")
        || name.strip_prefix("iso-8859-").is_some_and(part)
        || name.strip_prefix("iso8859-").is_some_and(part)
        || name
            .strip_prefix("windows-125")
            .is_some_and(|d| d.len() == 1 && d.as_bytes()[0].is_ascii_digit() && d != "9");
    match text.bytes().position(|c| c >= 0x80) {
        None if ascii_compatible => Ok(()),
        Some(pos) if ascii_compatible => Err((
            ErrorKind::Encoding {
                detail: format!(
                    "the declaration says encoding=\"{}\" but the message holds UTF-8 (non-ASCII at byte {pos}): libxml2-based SPs read other characters there",
                    crate::util::one_line(value).replace('"', "'")
                ),
            },
            span,
        )),
        _ => Err((
            ErrorKind::Encoding {
                detail: format!(
                    "the declaration says encoding=\"{}\" but the message is UTF-8 text: libxml2 refuses it",
                    crate::util::one_line(value).replace('"', "'")
                ),
            },
            span,
        )),
    }
}

fn too_many(
    what: &'static str,
    count: usize,
    limit: usize,
    flag: &'static str,
    span: Span,
) -> (ErrorKind, Span) {
    (
        ErrorKind::TooMany {
            what,
            count,
            limit,
            flag,
        },
        span,
    )
}

/// The markup: DOCTYPE, depth, declarations out of place, and the counts.
fn body(text: &str, limits: &Limits, decl_at: Option<usize>) -> Result<(), (ErrorKind, Span)> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth: usize = 0;
    let mut elements: usize = 0;
    let mut namespaces: usize = 0;
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
            if is_decl(rest) && Some(lt) != decl_at {
                return Err(xml_err(
                    "an XML declaration that is not at the start of the message",
                    Span::new(lt, lt + 5),
                ));
            }
            i = find_after(b, lt + 2, b"?>");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find_after(b, lt + 2, b">");
        } else {
            let tag = start_tag(b, lt);
            let span = Span::new(lt, (tag.end + 1).min(b.len()));
            elements += 1;
            if elements > limits.max_elements {
                return Err(too_many(
                    "elements",
                    elements,
                    limits.max_elements,
                    "--max-elements",
                    span,
                ));
            }
            if tag.attributes > limits.max_attributes {
                return Err(too_many(
                    "attributes on one element",
                    tag.attributes,
                    limits.max_attributes,
                    "--max-attributes",
                    span,
                ));
            }
            namespaces += tag.namespaces;
            if namespaces > limits.max_namespaces {
                return Err(too_many(
                    "namespace declarations",
                    namespaces,
                    limits.max_namespaces,
                    "--max-namespaces",
                    span,
                ));
            }
            if !tag.self_closing {
                depth += 1;
                if depth > limits.max_depth {
                    return Err((
                        ErrorKind::TooDeep {
                            depth,
                            limit: limits.max_depth,
                        },
                        span,
                    ));
                }
            }
            i = (tag.end + 1).min(b.len());
        }
        if i >= b.len() {
            break;
        }
    }
    Ok(())
}

struct Tag {
    /// The `>` (or the end of the text).
    end: usize,
    self_closing: bool,
    attributes: usize,
    namespaces: usize,
}

/// Scan a start tag to its `>`, honouring quotes, counting attributes (`=` outside quotes) and
/// namespace declarations (attribute names `xmlns` and `xmlns:…`).
fn start_tag(b: &[u8], lt: usize) -> Tag {
    let mut j = lt + 1;
    let mut attributes = 0;
    let mut namespaces = 0;
    while let Some(&c) = b.get(j) {
        match c {
            // A quoted value: straight to its closing quote (or the end of the text).
            b'"' | b'\'' => match memchr::memchr(c, b.get(j + 1..).unwrap_or_default()) {
                Some(k) => j += k + 1,
                None => {
                    j = b.len();
                    break;
                }
            },
            b'>' => break,
            b'=' => attributes += 1,
            _ if c.is_ascii_whitespace() => {
                let name = &b[j + 1..];
                if name.starts_with(b"xmlns")
                    && matches!(
                        name.get(5),
                        Some(b':' | b'=' | b' ' | b'\t' | b'\r' | b'\n')
                    )
                {
                    namespaces += 1;
                }
            }
            _ => {}
        }
        j += 1;
    }
    Tag {
        end: j,
        self_closing: j > lt + 1 && b.get(j - 1) == Some(&b'/'),
        attributes,
        namespaces,
    }
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

    fn scan(t: &str) -> Result<(), (ErrorKind, Span)> {
        prescan(t, &Limits::default())
    }

    /// The scan before quoted values were skipped with memchr: the reference for the one above.
    fn start_tag_bytewise(b: &[u8], lt: usize) -> Tag {
        let mut j = lt + 1;
        let mut quote: Option<u8> = None;
        let mut attributes = 0;
        let mut namespaces = 0;
        while j < b.len() {
            let c = b[j];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if c == b'>' => break,
                None if c == b'=' => attributes += 1,
                None if c.is_ascii_whitespace() => {
                    let name = &b[j + 1..];
                    if name.starts_with(b"xmlns")
                        && matches!(
                            name.get(5),
                            Some(b':' | b'=' | b' ' | b'\t' | b'\r' | b'\n')
                        )
                    {
                        namespaces += 1;
                    }
                }
                None => {}
            }
            j += 1;
        }
        Tag {
            end: j,
            self_closing: j > lt + 1 && b.get(j - 1) == Some(&b'/'),
            attributes,
            namespaces,
        }
    }

    #[test]
    fn the_tag_scan_agrees_with_the_bytewise_scan() {
        let pieces = [
            "a",
            " ",
            "\t",
            "\u{c}",
            "=",
            "\"",
            "'",
            ">",
            "/",
            "xmlns",
            "xmlns:p",
            "é",
            "x=\"v>w\"",
            "y='q\"r'",
            "\"unclosed",
            "\n",
        ];
        // Every sequence of up to four pieces after '<', at two offsets into the text.
        let n = pieces.len();
        for k in 0..n * n * n * n {
            let mut t = String::from("zz<e");
            let mut x = k;
            for _ in 0..4 {
                t.push_str(pieces[x % n]);
                x /= n;
            }
            for lt in [2, 0] {
                let (a, b) = (
                    start_tag(t.as_bytes(), lt),
                    start_tag_bytewise(t.as_bytes(), lt),
                );
                assert_eq!(
                    (a.end, a.self_closing, a.attributes, a.namespaces),
                    (b.end, b.self_closing, b.attributes, b.namespaces),
                    "{t:?} at {lt}"
                );
            }
        }
    }

    #[test]
    fn the_block_control_search_finds_the_first_one() {
        let slow = |b: &[u8]| {
            b.iter()
                .position(|&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
        };
        for len in [0usize, 1, 63, 64, 65, 200] {
            for at in (0..len).step_by(7).chain([len.saturating_sub(1)]) {
                for c in [0u8, 0x08, b'\t', b'\n', b'\r', 0x1f, b' ', 0x7f] {
                    let mut b = vec![b'a'; len];
                    if let Some(x) = b.get_mut(at) {
                        *x = c;
                    }
                    // A second one later never wins.
                    if let Some(x) = b.get_mut(at + 70) {
                        *x = 0x01;
                    }
                    assert_eq!(first_control(&b), slow(&b), "len {len} at {at} c {c}");
                }
            }
        }
    }

    #[test]
    fn refuses_the_non_characters_fffe_and_ffff_wherever_they_are() {
        for (t, code) in [
            ("<a>\u{fffe}</a>", 0xfffe),
            ("<a b='\u{ffff}'/>", 0xffff),
            ("<a>\u{fffd}\u{ffef}x</a><!--\u{ffff}-->", 0xffff),
            // Both: the first in the text is named, wherever the other is.
            ("<a>\u{ffff}\u{fffe}</a>", 0xffff),
            ("<a>\u{fffe}\u{ffff}</a>", 0xfffe),
        ] {
            let (k, span) = scan(t).unwrap_err();
            assert!(k.to_string().contains(&format!("U+{code:04X}")), "{k}");
            assert_eq!(
                &t[span.range()],
                char::from_u32(code).map(String::from).unwrap_or_default()
            );
        }
        // Other U+FFxx characters are fine.
        assert!(scan("<a>\u{fffd}\u{ffef}\u{ff00}</a>").is_ok());
    }

    #[test]
    fn refuses_doctype_and_entities() {
        let lol = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><a>&lol2;</a>"#;
        let (k, span) = scan(lol).unwrap_err();
        assert_eq!(k, ErrorKind::Doctype);
        assert_eq!(&lol[span.start..span.start + 9], "<!DOCTYPE");
    }

    #[test]
    fn depth_limit() {
        let deep = "<a>".repeat(300);
        assert!(matches!(
            scan(&deep),
            Err((ErrorKind::TooDeep { depth: 257, .. }, _))
        ));
        let ok = format!("{}{}", "<a>".repeat(256), "</a>".repeat(256));
        assert!(scan(&ok).is_ok());
        // Self-closing and quoted '>' do not count.
        let tricky = format!(
            "{}<b x='>'/>{}",
            "<a x=\">\">".repeat(256),
            "</a>".repeat(256)
        );
        assert!(scan(&tricky).is_ok());
    }

    #[test]
    fn declarations_and_non_characters_libxml2_refuses_are_refused() {
        let l = Limits::default();
        for t in [
            "<?xml version=\"1.0\" foo=\"bar\"?><a/>",
            "<?xml encoding=\"UTF-8\" version=\"1.0\"?><a/>",
            "<?xml version=\"1.0\"encoding=\"UTF-8\"?><a/>",
            "<?xml version=\"1.0'?><a/>",
            "<?xml version=\"1.0\" standalone=\"maybe\"?><a/>",
            "<?xml?><a/>",
            "<?XML version=\"1.0\"?><a/>",
            "<?xml version=\"2.0\"?><a/>",
            "<?xml version=\"\"?><a/>",
            "<a><!-- \u{ffff} --></a>",
            "<a>\u{fffe}</a>",
        ] {
            assert!(prescan(t, &l).is_err(), "{t} accepted");
        }
        for t in [
            "<?xml version=\"1.0\"?><a/>",
            "<?xml version='1.0' encoding='UTF-8' standalone='no' ?><a/>",
            "<?xml version=\"1.1\"\n encoding = \"utf-8\"?><a/>",
            "<a>\u{fffd}\u{fdd0}</a>",
        ] {
            assert!(prescan(t, &l).is_ok(), "{t} refused");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(
            matches!(scan("<a>\u{1b}[31m</a>"), Err((ErrorKind::Xml { .. }, s)) if s == Span::new(3, 4))
        );
        assert!(scan("<a>\t\r\n</a>").is_ok());
    }

    #[test]
    fn comments_and_cdata_are_skipped() {
        assert!(scan("<a><!-- <!DOCTYPE x> --><![CDATA[<!ENTITY]]></a>").is_ok());
    }

    #[test]
    fn what_libxml2_refuses_is_refused() {
        let refused = |t: &str, what: &str| {
            let (k, span) = scan(t).unwrap_err();
            assert!(k.to_string().contains(what), "{t:?}: {k}");
            assert!(span.end <= t.len());
        };
        refused("\u{feff}\u{feff}<a/>", "second byte-order mark");
        refused(
            "\n <?xml version=\"1.0\"?><a/>",
            "whitespace before the XML declaration",
        );
        refused("<a/><?xml version=\"1.0\"?>", "not at the start");
        refused(
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
            "encoding=\"UTF-16\"",
        );
        refused(
            "<?xml version=\"1.0\" encoding='ISO-8859-1'?><a>jörg</a>",
            "non-ASCII at byte",
        );
        // Allowed: one BOM, UTF-8, ASCII-only Latin-1, PIs named xml-…
        assert!(scan("\u{feff}<?xml version=\"1.0\"?><a/>").is_ok());
        refused("\n<?xml version=\"1.0\"?><a/>", "whitespace before");
        assert!(scan("\n<a/>").is_ok());
        assert!(scan("<?xml version=\"1.0\" encoding=\"utf-8\"?><a>jörg</a>").is_ok());
        assert!(scan("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>j</a>").is_ok());
        assert!(scan("<a><?xml-stylesheet x?></a>").is_ok());
        // Names no encoding has (libxml2: "Unsupported encoding"), found by the differential.
        for name in [
            "ISO-8859-12",
            "iso-8859-99",
            "iso-8859-01",
            "windows-125",
            "windows-1259",
        ] {
            refused(
                &format!("<?xml version=\"1.0\" encoding=\"{name}\"?><a>j</a>"),
                "libxml2 refuses it",
            );
        }
        for name in ["iso-8859-15", "ISO8859-2", "windows-1252", "US-ASCII"] {
            let t = format!("<?xml version=\"1.0\" encoding=\"{name}\"?><a>j</a>");
            assert!(scan(&t).is_ok(), "{t}");
        }
    }

    #[test]
    fn counts_are_limited() {
        let l = Limits {
            max_elements: 3,
            max_attributes: 2,
            max_namespaces: 2,
            ..Limits::default()
        };
        let over = |t: &str, flag: &str| {
            let (k, _) = prescan(t, &l).unwrap_err();
            assert!(
                matches!(k, ErrorKind::TooMany { flag: f, .. } if f == flag),
                "{t}: {k:?}"
            );
        };
        over("<a><b/><c/><d/></a>", "--max-elements");
        over("<a x='1' y='2' z='=3'/>", "--max-attributes");
        over(
            "<a xmlns='u'><b xmlns:p='v'/><c xmlns:q='w'/></a>",
            "--max-namespaces",
        );
        assert!(prescan("<a x='=' y=\"==\"><b/></a>", &l).is_ok());
    }
}
