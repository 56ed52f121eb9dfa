//! Small helpers shared across modules.

pub mod pretty;

/// Strip C0 and C1 control characters (except tab and newline) so that a value taken from the input can
/// never drive the terminal (ANSI escapes, carriage-return overwrites, bells).
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if has_bad_control(s) {
        std::borrow::Cow::Owned(s.chars().filter(|c| !is_bad_control(*c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// How many characters [`sanitize`] leaves out of `s` that a reader misses: a CR ending a line (CR LF)
/// is not counted, its line break still shows; a lone one is.
pub fn withheld(s: &str) -> usize {
    if !has_bad_control(s) {
        return 0;
    }
    let mut n = 0;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if is_bad_control(c) && !(c == '\r' && it.peek() == Some(&'\n')) {
            n += 1;
        }
    }
    n
}

/// For XML shown to a person: every unsafe or unseen character (see [`is_unseen`]) written as a character
/// reference `&#xHHHH;`, which means the same in text and attribute values (and is a visible marker in a
/// comment or CDATA section); a carriage return becomes the newline an XML parser reads it as.
pub fn xml_char_refs(s: &str) -> std::borrow::Cow<'_, str> {
    replace_unseen(s, Some('\n'), |c| format!("&#x{:X};", u32::from(c)))
}

/// `s` with each character of [`is_unseen`] written as `escape` writes it, a CR before a line feed
/// dropped and a lone one written as `lone_cr` (escaped when `None`).
fn replace_unseen(
    s: &str,
    lone_cr: Option<char>,
    escape: impl Fn(char) -> String,
) -> std::borrow::Cow<'_, str> {
    if !has_unseen(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\r' if it.peek() == Some(&'\n') => {}
            '\r' if lone_cr.is_some() => out.extend(lone_cr),
            c if is_unseen(c) => out.push_str(&escape(c)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// For one-line contexts (a value a finding or the summary quotes): newlines and tabs folded into
/// spaces, and each character of [`is_unseen`] written as a visible `<U+XXXX>` (a CR before a
/// line feed is dropped). Dropped unseen, such a character made one value read as another (review 64:
/// a NameID holding a zero-width space or a soft hyphen was shown as the address without it, the
/// identity an SP does not read).
pub fn one_line(s: &str) -> String {
    if printable_ascii(s) {
        return s.to_owned();
    }
    mark_unseen(s, " ", " ").into_owned()
}

/// `U+XXXX`, how samlint names a character.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// `s` with each character of [`is_unseen`] written as `<U+XXXX>`, a line feed as `newline`, a tab
/// as `tab`, a CR before a line feed dropped: [`one_line`] folds both into spaces, an origin's steps
/// write `\n` and keep the tab.
pub fn mark_unseen<'a>(s: &'a str, newline: &str, tab: &str) -> std::borrow::Cow<'a, str> {
    if !has_unseen(s) && !s.contains(['\n', '\t']) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\n' => out.push_str(newline),
            '\t' => out.push_str(tab),
            '\r' if it.peek() == Some(&'\n') => {}
            c if is_unseen(c) => {
                out.push('<');
                out.push_str(&code_point(c));
                out.push('>');
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// For JSON shown to a person: every unsafe or unseen character (see [`is_unseen`]) as a `\uXXXX` escape
/// (what it means in a string), a CR before a line feed dropped.
pub fn json_char_escapes(s: &str) -> std::borrow::Cow<'_, str> {
    replace_unseen(s, None, json_u_escape)
}

/// Text for a CI log with nothing the GitHub Actions runner reads as a workflow command (review 31): a
/// line that starts, after white space, with `::` and names a command (another `::` follows) gets a
/// space between its first colons, and `##[` (the runner's legacy form, matched anywhere in a line)
/// becomes `# #[`. Input values reach the human formats and stderr, and a value can start a line (a
/// wrapped one, or a file name holding a newline). Samlint's own `--format github` lines are the
/// only commands it writes, and do not pass through here.
pub fn defuse_ci(s: &str) -> std::borrow::Cow<'_, str> {
    let command = |l: &str| {
        l.trim_start()
            .strip_prefix("::")
            .is_some_and(|rest| rest.contains("::"))
    };
    if !s.contains("##[") && !s.split('\n').any(command) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.replace("##[", "# #[");
        if command(&line) {
            let lead = line.len() - line.trim_start().len();
            out.push_str(&line[..lead]);
            out.push_str(": :");
            out.push_str(&line[lead + 2..]);
        } else {
            out.push_str(&line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One of HTTP's registered request methods (RFC 9110 §9, RFC 5789), in capitals as captures write
/// them.
pub fn is_http_method(m: &str) -> bool {
    matches!(
        m,
        "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH" | "CONNECT" | "TRACE"
    )
}

/// The first byte of `b` for which `f` holds. Blocks of 64 bytes are tested without an early exit
/// inside one (the compiler makes that a vector loop when `f` is comparisons); only a block with a hit
/// is searched. For whole-text scans where a hit is rare (control characters, bytes to escape).
pub fn first_byte(b: &[u8], f: impl Fn(u8) -> bool) -> Option<usize> {
    b.chunks(64).enumerate().find_map(|(k, chunk)| {
        chunk
            .iter()
            .fold(false, |acc, &c| acc | f(c))
            .then(|| chunk.iter().position(|&c| f(c)).map(|p| k * 64 + p))
            .flatten()
    })
}

/// Is `s` printable ASCII only (no control, no tab or newline, nothing beyond U+007E)? What
/// [`one_line`] and [`sanitize`] leave as it is, settled by one pass over the bytes.
pub fn printable_ascii(s: &str) -> bool {
    first_byte(s.as_bytes(), |b| !(0x20..0x7f).contains(&b)).is_none()
}

/// Does `s` hold a character of [`is_unseen`]? Printable ASCII, tab and newline are settled by one
/// pass over the bytes.
pub fn has_unseen(s: &str) -> bool {
    has_char(s, is_unseen)
}

/// Does `s` hold a character of [`is_bad_control`]? Printable ASCII, tab and newline (most text) are
/// settled by one pass over the bytes.
pub fn has_bad_control(s: &str) -> bool {
    has_char(s, is_bad_control)
}

/// Does `s` hold a character `bad` accepts? Every character set here excludes printable ASCII, tab
/// and newline, so text of those alone (most text) is settled by one pass over the bytes.
fn has_char(s: &str, bad: fn(char) -> bool) -> bool {
    !s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
        && s.chars().any(bad)
}

/// Characters that must never reach a terminal raw from the input: C0 (but tab and newline) and C1
/// controls (U+009B is an 8-bit CSI), DEL, and the invisible formatting characters that reorder or
/// hide text (bidi embeddings, overrides, isolates and marks, line/paragraph separators, zero-width
/// characters, the BOM, interlinear annotations).
pub fn is_bad_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c)
}

/// `s` without the white space XML lays values out with (space, tab, CR, LF) at either end.
/// `str::trim` would also drop Unicode's other spaces and separators (no-break, ideographic, U+0085,
/// U+2028 …), which are part of the value an SP compares: a NameID ending in a no-break space read
/// as the plain address, and CORE007 never saw it.
pub fn trim_xml_space(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\r', '\n'])
}

/// A character that shows as nothing, or as a plain space where it is none: those of
/// [`is_bad_control`], the space characters other than U+0020 (Unicode's Zs: no-break, ideographic,
/// en and em spaces …) and U+2800 (a Braille pattern without dots). [`one_line`] shows each as
/// `<U+XXXX>` (review 65: a NameID ending in U+2800 read as the plain address).
pub fn is_unseen(c: char) -> bool {
    is_bad_control(c)
        || matches!(
            c,
            '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{2800}'
        )
}

/// The line and paragraph separators, the interlinear annotations, Unicode's default-ignorable
/// code points (DerivedCoreProperties.txt) and the Egyptian hieroglyph format controls (Cf, shown
/// as nothing outside a hieroglyph quadrat: review 68): a terminal shows none of them, so a value
/// holding them looks like one without (review 54: tag characters and a soft hyphen after a NameID
/// printed raw).
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}'..='\u{1160}'
        | '\u{17b4}'..='\u{17b5}' | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}' | '\u{ffa0}' | '\u{fff0}'..='\u{fffb}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{13430}'..='\u{1343f}' | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e0fff}')
}

/// `c` as a JSON `\uXXXX` escape: a character above U+FFFF as its UTF-16 surrogate pair (review 55:
/// `\ue0061` reads back as U+E006 and a `1`).
pub fn json_u_escape(c: char) -> String {
    let mut units = [0u16; 2];
    c.encode_utf16(&mut units)
        .iter()
        .map(|u| format!("\\u{u:04x}"))
        .collect()
}

/// The escapes of a JSON string's contents (between its quotes), written into `out`: what JSON must
/// escape (`"`, `\\`, C0 controls: `\b \f \n \r \t` or `\u00xx`), then every other control and
/// invisible formatting character (see [`is_bad_control`]) as a `\uXXXX` escape, so that the JSON
/// stays valid and means the same and a terminal that shows it is never driven by the input, and the
/// second `#` of `##[` (the GitHub runner's legacy workflow command, read anywhere in a log line;
/// review 31) as `\u0023`.
pub fn json_string_contents(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    // What JSON escapes, and what may be unseen (DEL, everything beyond ASCII).
    let special = |c: u8| !(0x20..0x7f).contains(&c) | (c == b'"') | (c == b'\\');
    // Printable ASCII without those (most of every report) is written as it is, settled by one pass
    // (a short string by a plain loop, a long one in blocks without an early exit: a vector loop);
    // a `#` is looked at only where there is one.
    let (escape, hash) = if b.len() <= 64 {
        b.iter().fold((false, false), |(e, h), &c| {
            (e | special(c), h | (c == b'#'))
        })
    } else {
        (
            first_byte(b, special).is_some(),
            memchr::memchr(b'#', b).is_some(),
        )
    };
    if !escape
        && (!hash || !memchr::memchr_iter(b'#', b).any(|i| b.get(i + 1..i + 3) == Some(&b"#["[..])))
    {
        out.extend_from_slice(b);
        return;
    }
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let simple: &[u8] = match c {
            '"' => b"\\\"",
            '\\' => b"\\\\",
            '\u{8}' => b"\\b",
            '\u{c}' => b"\\f",
            '\n' => b"\\n",
            '\r' => b"\\r",
            '\t' => b"\\t",
            _ => b"",
        };
        let command = c == '#'
            && i.checked_sub(1).and_then(|j| b.get(j)) == Some(&b'#')
            && b.get(i + 1) == Some(&b'[');
        if !simple.is_empty() {
            out.extend_from_slice(&b[start..i]);
            out.extend_from_slice(simple);
        } else if u32::from(c) < 0x20 {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let n = usize::from(c as u8);
            out.extend_from_slice(&b[start..i]);
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[n >> 4], HEX[n & 0xf]]);
        } else if c.is_control() || is_invisible_format(c) || command {
            out.extend_from_slice(&b[start..i]);
            out.extend_from_slice(json_u_escape(c).as_bytes());
        } else {
            continue;
        }
        start = i + c.len_utf8();
    }
    out.extend_from_slice(&b[start..]);
}

/// The JSON writer [`pretty`] replaced, kept to test that it writes the same bytes: a pretty JSON
/// formatter (serde_json's `PrettyFormatter`, two spaces a level) that writes every
/// control and invisible formatting character (see [`is_bad_control`]) as a `\uXXXX` escape: the JSON
/// stays valid and means the same, and a terminal that shows it is never driven by the input. It can
/// start at a depth, so that a part of a report renders as it would inside the whole.
#[cfg(test)]
struct SafeJson {
    depth: usize,
    has_value: bool,
}

#[cfg(test)]
impl SafeJson {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W, first: bool) -> std::io::Result<()> {
        const SPACES: &[u8] = b"\n                                                                ";
        if !first {
            w.write_all(b",")?;
        }
        match SPACES.get(..2 * self.depth + 1) {
            Some(s) => w.write_all(s),
            None => {
                w.write_all(b"\n")?;
                (0..self.depth).try_for_each(|_| w.write_all(b"  "))
            }
        }
    }
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(c)
    }
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            self.newline(w, true)?;
        }
        w.write_all(c)
    }
}

#[cfg(test)]
impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // Printable ASCII (most of every report) has nothing to escape: one pass over the bytes, in
        // blocks without an early exit (a vector loop).
        let b = fragment.as_bytes();
        // A short fragment (every key, most values) of printable ASCII without `#`: one plain loop,
        // without the block scan's and memchr's set-up.
        if b.len() <= 64 && b.iter().all(|&c| (0x20..0x7f).contains(&c) && c != b'#') {
            return w.write_all(b);
        }
        if first_byte(b, |b| !(0x20..0x7f).contains(&b)).is_none()
            && !memchr::memchr_iter(b'#', b).any(|i| b.get(i + 1..i + 3) == Some(&b"#["[..]))
        {
            return w.write_all(b);
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            // `##[` is the GitHub runner's legacy workflow command, read anywhere in a log line: its
            // second `#` is written escaped (the same JSON string; review 31).
            let command = c == '#'
                && i.checked_sub(1).and_then(|j| b.get(j)) == Some(&b'#')
                && b.get(i + 1) == Some(&b'[');
            if c.is_control() || is_invisible_format(c) || command {
                w.write_all(&b[start..i])?;
                w.write_all(json_u_escape(c).as_bytes())?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The arguments and results a [`memo`] remembers on one thread.
pub type MemoCell<K, V> = std::cell::RefCell<Vec<(K, V)>>;

/// The longest key a [`memo`] keeps: a certificate is a few KB; a hostile multi-megabyte KeyInfo value
/// is computed every time rather than kept (8 entries of it, per memo and thread, would be held for the
/// rest of the run).
pub const MEMO_MAX_KEY: usize = 64 * 1024;

/// A pure function of `key`, remembered per thread for the last few distinct keys: a batch shows the
/// same IdP certificate in every message (twice when Response and Assertion are signed), and decoding,
/// hashing or reading it again each time is most of what some stages do. Bounded (8 entries, oldest
/// dropped first, keys up to [`MEMO_MAX_KEY`] bytes), so a run over many certificates costs a few
/// comparisons per lookup and a fixed amount of memory.
pub fn memo<K, V>(
    cell: &'static std::thread::LocalKey<MemoCell<K::Owned, V>>,
    key: &K,
    f: impl FnOnce(&K) -> V,
) -> V
where
    K: ?Sized + PartialEq + ToOwned + AsRef<[u8]>,
    K::Owned: std::borrow::Borrow<K>,
    V: Clone,
{
    if key.as_ref().len() > MEMO_MAX_KEY {
        return f(key);
    }
    use std::borrow::Borrow as _;
    if let Some(hit) = cell.with_borrow(|seen| {
        seen.iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v.clone())
    }) {
        return hit;
    }
    let v = f(key);
    cell.with_borrow_mut(|seen| {
        if seen.len() >= 8 {
            drop(seen.remove(0));
        }
        seen.push((key.to_owned(), v.clone()));
    });
    v
}

/// Pretty JSON for output, written by [`pretty`] (with [`json_string_contents`]'s escapes); never
/// fails for samlint's own types (a failure gives an empty string, which the callers' schema tests
/// would catch).
pub fn json_pretty<T: serde::Serialize + ?Sized>(v: &T) -> String {
    // A whole report can be megabytes: written into its own buffer, never copied.
    let mut out = Vec::with_capacity(1024);
    if !write_json(v, 0, &mut out) {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Pretty JSON of `v` at `depth` into `out`; false when a Serialize impl failed.
fn write_json<T: serde::Serialize + ?Sized>(v: &T, depth: usize, out: &mut Vec<u8>) -> bool {
    v.serialize(&mut pretty::Pretty::new(out, depth)).is_ok()
}

/// [`write_json`] as serde_json's serializer with [`SafeJson`] wrote it (what [`pretty`] must equal).
#[cfg(test)]
pub(crate) fn json_pretty_serde<T: serde::Serialize + ?Sized>(v: &T, depth: usize) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        SafeJson {
            depth,
            has_value: false,
        },
    );
    if v.serialize(&mut ser).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// [`json_pretty`] of a value that sits `depth` levels deep in a larger document: its inner lines are
/// indented as they would be there (its first line is not).
pub fn json_pretty_at<T: serde::Serialize + ?Sized>(v: &T, depth: usize) -> String {
    // Written into a buffer this thread keeps, then copied out at its size: one allocation per value
    // instead of a doubling series (a batch message's JSON is several kilobytes).
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let render = |out: &mut Vec<u8>| {
        out.clear();
        if !write_json(v, depth, out) {
            return String::new();
        }
        String::from_utf8(out.clone()).unwrap_or_default()
    };
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut out) => {
            let s = render(&mut out);
            // A huge value (a realm export) does not pin its buffer for the rest of the run.
            if out.capacity() > 1 << 20 {
                *out = Vec::new();
            }
            s
        }
        // Re-entered (a Serialize impl that renders JSON itself): a buffer of its own.
        Err(_) => render(&mut Vec::with_capacity(1024)),
    })
}

/// Like [`sanitize`], but replaces each unsafe or unseen character ([`is_unseen`]) with one of the same
/// UTF-8 length (so byte spans into the text stay valid): `\r` becomes a space, others `?`, `¿` or `�`.
pub fn sanitize_same_len(s: &str) -> std::borrow::Cow<'_, str> {
    if !has_unseen(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if c == '\r' {
                    ' '
                } else if is_unseen(c) {
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

/// `http://` or `https://` first, in any case (`Https://` is the same URL to a browser; review 46).
pub fn is_http_url(s: &str) -> bool {
    let starts = |p: &str| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    starts("http://") || starts("https://")
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
    fn first_byte_finds_the_first_hit_across_blocks() {
        for len in [0usize, 1, 63, 64, 65, 130] {
            for at in 0..len {
                let mut b = vec![b'a'; len];
                b[at] = b'<';
                if let Some(x) = b.get_mut(at + 64) {
                    *x = b'<';
                }
                assert_eq!(first_byte(&b, |c| c == b'<'), Some(at), "{len} {at}");
            }
            assert_eq!(first_byte(&vec![b'a'; len], |c| c == b'<'), None);
        }
    }

    #[test]
    fn memo_remembers_a_few_short_keys_and_no_long_one() {
        thread_local! {
            static SEEN: MemoCell<Vec<u8>, usize> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let calls = std::cell::Cell::new(0);
        let f = |k: &[u8]| {
            calls.set(calls.get() + 1);
            k.len()
        };
        let long = vec![b'x'; MEMO_MAX_KEY + 1];
        for _ in 0..3 {
            assert_eq!(memo(&SEEN, &b"cert"[..], f), 4);
            assert_eq!(memo(&SEEN, &long[..], f), MEMO_MAX_KEY + 1);
        }
        // The short key once, the long one every time; and nothing long is held.
        assert_eq!(calls.get(), 1 + 3);
        assert!(SEEN.with_borrow(|s| s.iter().all(|(k, _)| k.len() <= MEMO_MAX_KEY)));
        // Nine distinct keys: the first is dropped and computed again.
        for i in 0..9u8 {
            memo(&SEEN, &[i][..], f);
        }
        let before = calls.get();
        memo(&SEEN, &[0u8][..], f);
        memo(&SEEN, &[8u8][..], f);
        assert_eq!(calls.get(), before + 1);
    }

    #[test]
    fn the_ascii_pass_answers_what_the_character_test_answers() {
        // Every character of the first two planes' interesting ranges, alone and beside ASCII.
        let mut n = 0;
        for c in (0u32..0x3000)
            .chain(0xfe00..0x10000)
            .filter_map(char::from_u32)
        {
            for s in [c.to_string(), format!("a{c}b"), format!("{c}\n\t")] {
                assert_eq!(has_bad_control(&s), s.chars().any(is_bad_control), "{s:?}");
                n += 1;
            }
        }
        assert!(n > 20_000);
    }

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

#[cfg(test)]
mod invisible_tests {
    use super::json_pretty;

    /// `decode --raw` on a terminal says how many characters it withheld: each one `sanitize` drops,
    /// but a CR that ends a line (review 55: a lone CR was not counted).
    #[test]
    fn withheld_counts_what_sanitize_drops_but_line_ends() {
        assert_eq!(super::withheld("plain\ntext"), 0);
        assert_eq!(super::withheld("a\r\nb\r\n"), 0);
        assert_eq!(super::withheld("a\rb"), 1);
        assert_eq!(super::withheld("a\r\rb\u{1b}[2J\u{202e}"), 4);
        for s in ["a\rb", "x\u{7}y\r\n", "\u{e0061}\r"] {
            let dropped = s.chars().count() - super::sanitize(s).chars().count();
            let line_ends = s.matches("\r\n").count();
            assert_eq!(super::withheld(s), dropped - line_ends, "{s:?}");
        }
    }

    /// Review 54: what a terminal does not show is escaped, whatever block it is in; ordinary letters,
    /// accents and emoji are not.
    #[test]
    fn default_ignorable_characters_are_escaped_and_others_kept() {
        for c in [
            '\u{00ad}',
            '\u{034f}',
            '\u{180e}',
            '\u{2064}',
            '\u{206f}',
            '\u{3164}',
            '\u{fe0f}',
            '\u{e0061}',
            '\u{e007f}',
            '\u{202e}',
            '\u{2066}',
        ] {
            assert!(super::is_bad_control(c), "U+{:04X}", c as u32);
            // In JSON too, as the same string (above U+FFFF, a surrogate pair).
            let json = json_pretty(&format!("{c}"));
            assert_eq!(
                serde_json::from_str::<String>(&json).ok(),
                Some(c.to_string()),
                "{json}"
            );
            let value = format!("jane{c}doe");
            let shown = super::xml_char_refs(&value);
            assert_eq!(shown, format!("jane&#x{:X};doe", c as u32));
        }
        for c in ['a', 'é', 'ß', '中', '😀', '\u{2013}', '-'] {
            assert!(!super::is_bad_control(c), "U+{:04X}", c as u32);
        }
    }
}

#[cfg(test)]
mod ci_tests {
    use super::defuse_ci;

    #[test]
    fn workflow_commands_are_defused_and_other_text_kept() {
        let same = "plain text\n  a::b::c inside a line\n::no-second-colon-pair\n";
        assert!(matches!(defuse_ci(same), std::borrow::Cow::Borrowed(_)));
        assert_eq!(
            defuse_ci("x\n  ::error title=a::b\nsee ##[warning]y"),
            "x\n  : :error title=a::b\nsee # #[warning]y"
        );
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;

    /// A value whose Serialize renders JSON itself, inside [`json_pretty_at`]: the inner render
    /// finds the thread's buffer taken and uses its own, and neither output is damaged.
    #[test]
    fn a_render_inside_a_render_uses_its_own_buffer() {
        struct Outer(Vec<u32>);
        impl serde::Serialize for Outer {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&json_pretty_at(&self.0, 1))
            }
        }
        let inner = json_pretty_at(&vec![1u32, 2], 1);
        assert_eq!(inner, "[\n    1,\n    2\n  ]");
        let outer = json_pretty_at(&Outer(vec![1, 2]), 0);
        assert_eq!(outer, serde_json::to_string(&inner).unwrap());
        // The thread's buffer is free again afterwards.
        assert_eq!(json_pretty_at(&vec![1u32, 2], 1), inner);
    }

    #[test]
    fn json_escapes_what_could_drive_a_terminal() {
        let v =
            serde_json::json!({"k\u{202e}": ["a\u{9b}31m\u{85}b\u{2028}\u{200f}\u{1b}\u{7f}", 1]});
        let s = json_pretty(&v);
        assert!(!s.chars().any(is_bad_control), "{s:?}");
        assert!(
            s.contains("\\u202e") && s.contains("\\u009b") && s.contains("\\u200f"),
            "{s}"
        );
        // Still the same JSON.
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
        assert_eq!(
            json_pretty(&serde_json::json!({"a": [1, {"b": null}]})),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, {"b": null}]})).unwrap()
        );
    }

    /// The formatter lays out as serde_json's own pretty formatter, at any depth: empty and nested
    /// arrays and objects, scalars, deep nesting (past the 32 levels of spaces kept ready).
    #[test]
    fn json_layout_is_serde_jsons_at_every_depth() {
        let mut deep = serde_json::json!({"x": [[], {}, [1], {"y": "z"}]});
        for i in 0..40 {
            deep = if i % 2 == 0 {
                serde_json::json!([deep, i])
            } else {
                serde_json::json!({ "n": deep, "e": [] })
            };
        }
        let values = [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!("s"),
            serde_json::json!([[], [[]], {"a": {}, "b": [1, 2.5, true, null, "c"]}]),
            serde_json::json!({"messages": [], "findings": [{"a": 1}, {"b": [{}]}]}),
            deep,
        ];
        for v in &values {
            let want = serde_json::to_string_pretty(v).unwrap();
            assert_eq!(json_pretty(v), want);
            // Inside an array inside an object: depth 2.
            let whole = serde_json::to_string_pretty(&serde_json::json!({ "k": [v] })).unwrap();
            let part = json_pretty_at(v, 2);
            assert_eq!(whole, format!("{{\n  \"k\": [\n    {part}\n  ]\n}}"));
        }
    }
}

/// `1 error`, `2 errors`: a count and a noun that takes `s` in the plural.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
