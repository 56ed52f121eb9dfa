//! HTML pages that post a SAML message: the auto-submit page an IdP answers with (Keycloak's
//! `saml-post-form`, SimpleSAMLphp's `post.php`, Entra ID's and Okta's equivalents), pasted from the
//! browser's "view source" or saved from devtools.
//!
//! This is not an HTML parser: one linear pass over the tags finds `<form>` start tags (their `method` and
//! `action`) and the `<input>` fields inside them, with character references decoded as a browser does
//! before it posts the form. Comments and the contents of `<script>`, `<style>` and `<textarea>` are
//! skipped, so that a field written inside them is not read as one the browser would send.

/// One form of the page and the named fields inside it, values decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    /// `POST` or `GET` (upper case); `None` when the form does not say (a browser then sends GET).
    pub method: Option<String>,
    /// The `action` URL, decoded; `None` when absent.
    pub action: Option<String>,
    /// `(name, value)` of every named `<input>` in the form, in order.
    pub fields: Vec<(String, String)>,
    /// Why the browser may not post a binding parameter samlint read in this form, or not as a form
    /// body an SP parses (a disabled field, a checkbox, `enctype="text/plain"`, …): empty when it does.
    pub unposted: Vec<&'static str>,
    /// Its `enctype` is `multipart/form-data` or `text/plain`: not sent URL-encoded.
    pub not_urlencoded: bool,
    /// Named `<textarea>` and `<select>` controls (posted, not read as fields), and an upper bound of
    /// the bytes they add to the body: what Express's limits count too (review 50).
    pub other_fields: usize,
    pub other_bytes: usize,
}

/// The text after its leading comments: a page saved by a browser starts with one (`<!-- saved from
/// url=(0045)https://… -->`). At most four are skipped.
pub fn after_comments(mut t: &str) -> &str {
    for _ in 0..4 {
        // Where a browser ends the comment ([`markup_to_skip`]); one that never ends is no page.
        match t
            .starts_with("<!--")
            .then(|| markup_to_skip(t))
            .flatten()
            .filter(|n| *n < t.len() || t.ends_with('>'))
        {
            Some(n) => t = t.get(n..).unwrap_or_default().trim_start(),
            None => break,
        }
    }
    t
}

/// Does this text start like an HTML document or fragment (rather than an XML message)?
pub fn looks_like_html(text: &str) -> bool {
    let t = after_comments(super::blob::trim_value(text));
    let head: String = t.chars().take(16).collect::<String>().to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body", "<form"]
        .iter()
        .any(|p| head.starts_with(p))
}

/// Every form of the page, in order. Named inputs outside any form are gathered in a form of their own
/// (with no method or action) at the end, so that no field that names a SAML message is missed.
pub fn forms(text: &str) -> Vec<Form> {
    let b = text.as_bytes();
    let mut out: Vec<Form> = Vec::new();
    let mut outside = Form::default();
    let mut open: Option<Form> = None;
    // How many <template>s were open when the open form started: a form started inside a template
    // belongs to its inert content and ends with it (review 49: `<template><form></template>` then
    // the fields was read as a form the browser posts; the browser has no such form).
    let mut open_in_templates = 0usize;
    // A script that a browser may read past its first `</script` (its escaped, then double-escaped
    // state: `<!--` then `<script` inside it): what follows is not read as the browser does.
    let mut script_doubt = false;
    // Whether each open <fieldset> is disabled (its fields are not posted).
    let mut fieldsets: Vec<bool> = Vec::new();
    // Open <template> and <datalist> elements: a template's content is inert (a browser submits
    // nothing in it unless a script copies it out), and a field inside a datalist is never posted
    // (HTML, "constructing the entry list"). Counted, not parsed as a browser does: a miscount only
    // makes a page ambiguous, never a message `valid` (review 48: both were predicted accepted).
    let (mut templates, mut datalists) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        i += off;
        let rest = &text[i..];
        if let Some(len) = markup_to_skip(rest) {
            i += len;
            continue;
        }
        let Some(tag) = Tag::read(rest) else {
            i += 1;
            continue;
        };
        i += tag.len;
        if !tag.complete {
            // The text ends inside the tag: a browser drops it, and nothing after it is a tag.
            break;
        }
        match (tag.closing, tag.name.as_str()) {
            // A browser ignores a <form> start tag while a form is open: its fields stay in the open one.
            (false, "form") if open.is_some() => {}
            (false, "form") => {
                open_in_templates = templates;
                // An enumerated attribute: the keyword exactly (any case), else the default.
                let enctype = tag.attr("enctype").unwrap_or_default();
                let mut unposted = Vec::new();
                let not_urlencoded = enctype.eq_ignore_ascii_case("text/plain")
                    || enctype.eq_ignore_ascii_case("multipart/form-data");
                if not_urlencoded {
                    unposted.push("the form is not sent URL-encoded (its enctype), which SPs' form parsers read");
                }
                if templates > 0 {
                    unposted.push(IN_TEMPLATE);
                }
                open = Some(Form {
                    // As a browser reads it: `post` (any case, nothing around it) is POST, anything else
                    // GET; the page's own text never reaches an output.
                    method: tag.attr("method").map(|m| {
                        if m.eq_ignore_ascii_case("post") {
                            "POST".to_string()
                        } else {
                            "GET".to_string()
                        }
                    }),
                    action: tag.attr("action").map(|a| a.trim().to_string()),
                    fields: Vec::new(),
                    unposted,
                    not_urlencoded,
                    ..Form::default()
                });
            }
            (false, "template") => templates += 1,
            (true, "template") => {
                templates = templates.saturating_sub(1);
                // A form started inside the template ends with it.
                if open_in_templates > templates
                    && let Some(f) = open.take()
                {
                    out.push(f);
                }
            }
            (false, "datalist") => datalists += 1,
            (true, "datalist") => datalists = datalists.saturating_sub(1),
            (false, "fieldset") => fieldsets.push(tag.attr("disabled").is_some()),
            (true, "fieldset") => {
                fieldsets.pop();
            }
            // Inside a template, an end tag closes only a form started in it (HTML: the form is not
            // in scope there otherwise, and the end tag is ignored).
            (true, "form") if open_in_templates < templates => {}
            (true, "form") => {
                if let Some(f) = open.take() {
                    out.push(f);
                }
            }
            (false, "input") => {
                if let Some(name) = tag.attr("name").filter(|n| !n.is_empty()) {
                    let value = tag.attr("value").unwrap_or_default();
                    let doubt = not_posted(&tag, fieldsets.contains(&true))
                        .or((datalists > 0).then_some(
                            "a field samlint read is inside a <datalist>, and browsers do not post it",
                        ))
                        .or((templates > 0).then_some(IN_TEMPLATE));
                    let f = match &mut open {
                        Some(f) => f,
                        None => &mut outside,
                    };
                    if let Some(why) = doubt
                        && BINDING_NAMES.contains(&name.as_str())
                    {
                        f.unposted.push(why);
                    }
                    f.fields.push((name, value));
                }
            }
            (false, "plaintext") => break,
            (false, "select") if tag.attr("name").is_some_and(|n| !n.is_empty()) => {
                let f = open.as_mut().unwrap_or(&mut outside);
                f.other_fields += 1;
                f.other_bytes += tag
                    .attr("name")
                    .map_or(0, |n| super::capture::form_encoded_len(&n))
                    + 2;
            }
            (
                false,
                raw @ ("script" | "style" | "textarea" | "title" | "noscript" | "xmp" | "iframe"
                | "noembed" | "noframes"),
            ) => {
                // Raw text (with scripting on, as a browser that auto-submits runs: <noscript> too)
                // up to the matching end tag, ASCII case-insensitive, whose name ends there.
                let start = i;
                let end = format!("</{raw}");
                let mut from = i;
                i = loop {
                    match find_ci(b, from, end.as_bytes()) {
                        Some(e)
                            if b.get(e + end.len()).is_some_and(|c| {
                                !(c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
                            }) =>
                        {
                            from = e + end.len();
                        }
                        Some(e) => break e,
                        None => break b.len(),
                    }
                };
                if raw == "script" {
                    let body = b.get(start..i).unwrap_or_default();
                    script_doubt |= double_escaped_at_end(body);
                }
                if raw == "textarea"
                    && let Some(name) = tag.attr("name").filter(|n| !n.is_empty())
                {
                    let f = open.as_mut().unwrap_or(&mut outside);
                    f.other_fields += 1;
                    // Its text as written: references decode to fewer bytes, so an upper bound.
                    f.other_bytes += super::capture::form_encoded_len(&name)
                        + text
                            .get(start..i)
                            .map_or(0, super::capture::form_encoded_len)
                        + 2;
                }
            }
            _ => {}
        }
    }
    if let Some(f) = open {
        out.push(f);
    }
    if !outside.fields.is_empty() {
        // Outside every form a field is posted by no submission (review 49: the fields after a form
        // that ended with its <template>, or after a `</form>` inside an element, were predicted
        // accepted).
        if outside
            .fields
            .iter()
            .any(|(n, _)| BINDING_NAMES.contains(&n.as_str()))
        {
            outside
                .unposted
                .push("a field samlint read is outside any form, and browsers post no such field");
        }
        out.push(outside);
    }
    if script_doubt {
        for f in &mut out {
            f.unposted.push("a <script> holds '<!--' and then '<script', and browsers may read it past its first '</script>'");
        }
    }
    out
}

/// Is a browser's tokenizer, at the end of this script text (where samlint ends the script: its first
/// `</script`), in the script's double-escaped state, and so reading on past it? `<!--` escapes, a
/// `<script` then (followed by white space, `/` or `>`) double-escapes, `-->` ends either, and in
/// the double-escaped state `</script` returns to the escaped one (HTML's script data states).
/// Review 50: `<!-- document.write('<script …><\/script>'); //-->`, a common legacy script, was
/// called ambiguous when any `<!--` and `<script` were in a script.
fn double_escaped_at_end(body: &[u8]) -> bool {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        Double,
    }
    // `word` at `at`, followed by white space, `/` or `>` (the end of the text is no delimiter).
    let tag_at = |at: usize, word: &[u8]| {
        body.get(at + word.len())
            .is_some_and(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
    };
    let next_tag = |from: usize, word: &[u8]| {
        let mut from = from;
        while let Some(p) = find_ci(body, from, word) {
            if tag_at(p, word) {
                return Some(p);
            }
            from = p + 1;
        }
        None
    };
    let (mut state, mut pos) = (State::Data, 0);
    loop {
        match state {
            State::Data => match find_ci(body, pos, b"<!--") {
                // The dashes may be those of the `-->` that ends it (`<!-->`).
                Some(p) => (state, pos) = (State::Escaped, p + 2),
                None => break,
            },
            State::Escaped | State::Double => {
                let end = find_ci(body, pos, b"-->");
                let (word, to): (&[u8], State) = if state == State::Escaped {
                    (b"<script", State::Double)
                } else {
                    (b"</script", State::Escaped)
                };
                match (end, next_tag(pos, word)) {
                    (Some(e), t) if t.is_none_or(|t| e < t) => (state, pos) = (State::Data, e + 3),
                    (_, Some(t)) => (state, pos) = (to, t + word.len()),
                    _ => break,
                }
            }
        }
    }
    state == State::Double
}

/// How many bytes of markup at the start of `s` (which starts with `<`) a browser's tokenizer reads as
/// a comment: `<!--` to the first `-->` or `--!>` (`<!-->` and `<!--->` end at once); a bogus comment
/// (`<!x`, `<?x`, `</ x`, a DOCTYPE) to the first `>`; `</>`, nothing at all. `None` for anything else
/// (a tag, or a `<` that is text). To the end of the text when it never ends. (Review 49: `<!x` or
/// `</ x` before a field hid it from the browser, and `--!>` ended a comment samlint read on.)
fn markup_to_skip(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let to_gt = |from: usize| {
        b.get(from..)
            .and_then(|r| memchr::memchr(b'>', r))
            .map_or(b.len(), |p| from + p + 1)
    };
    if let Some(rest) = s.strip_prefix("<!--") {
        if rest.starts_with('>') {
            return Some(5);
        }
        if rest.starts_with("->") {
            return Some(6);
        }
        let r = rest.as_bytes();
        let end = [
            memchr::memmem::find(r, b"-->").map(|p| p + 3),
            memchr::memmem::find(r, b"--!>").map(|p| p + 4),
        ]
        .into_iter()
        .flatten()
        .min();
        return Some(end.map_or(b.len(), |e| 4 + e));
    }
    match (b.get(1), b.get(2)) {
        (Some(b'!' | b'?'), _) => Some(to_gt(2)),
        (Some(b'/'), Some(b'>')) => Some(3),
        (Some(b'/'), Some(c)) if !c.is_ascii_alphabetic() => Some(to_gt(2)),
        _ => None,
    }
}

/// Why a form, or a field, inside a `<template>` is not posted as read.
const IN_TEMPLATE: &str = "a form or field samlint read is inside a <template>, whose content a browser submits only once a script copies it out";

/// The binding parameters (query.rs BINDING_PARAMS), whose fields must reach the SP as read.
const BINDING_NAMES: [&str; 5] = [
    "SAMLRequest",
    "SAMLResponse",
    "RelayState",
    "SigAlg",
    "Signature",
];

/// Why a browser would not post this `<input>` as `name=value` in its form's body: disabled (itself or
/// by a disabled fieldset), associated with another form (`form=`), or of a type it posts only when
/// checked or chosen, or otherwise (checkbox, radio, submit, image, button, reset, file).
fn not_posted(tag: &Tag, in_disabled_fieldset: bool) -> Option<&'static str> {
    if tag.attr("disabled").is_some() || in_disabled_fieldset {
        return Some("a field samlint read is disabled, and browsers do not post it");
    }
    if tag.attr("form").is_some() {
        return Some(
            "a field samlint read names a form with form=, and browsers post it with that form",
        );
    }
    let kind = tag.attr("type").unwrap_or_default().to_ascii_lowercase();
    match kind.as_str() {
        "checkbox" | "radio" if tag.attr("checked").is_none() => Some(
            "a field samlint read is an unchecked checkbox or radio button, which browsers do not post",
        ),
        "submit" | "image" | "button" | "reset" | "file" => Some(
            "a field samlint read is a button or file input, which browsers post otherwise or not at all",
        ),
        _ => None,
    }
}

/// The first position at or after `from` where `needle` (ASCII, lower case) occurs, ignoring case.
fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = hay.get(from..)?;
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| p + from)
}

/// A start or end tag: its lower-case name, its attributes (values decoded), and its length in bytes.
struct Tag {
    name: String,
    closing: bool,
    attrs: Vec<(String, String)>,
    len: usize,
    /// False when the text ends before the tag does (the tag then runs to the end).
    complete: bool,
}

impl Tag {
    /// Read the tag at the start of `s` (which starts with `<`); `None` when it is not a tag. A tag the
    /// text ends in is returned incomplete, running to the end: the caller stops there, so that no byte
    /// is scanned twice however many `<` an unterminated tag holds.
    fn read(s: &str) -> Option<Tag> {
        let b = s.as_bytes();
        let mut i = 1;
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        // A tag name runs to white space, `/` or `>` (HTML's tokenizer): `<input-x>` is not an input.
        while b
            .get(i)
            .is_some_and(|c| !(c.is_ascii_whitespace() || matches!(c, b'/' | b'>')))
        {
            i += 1;
        }
        if i == start || !b.get(start).is_some_and(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let name = s[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let cut = |name: String| Tag {
            name,
            closing,
            attrs: Vec::new(),
            len: s.len(),
            complete: false,
        };
        loop {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                i += 1;
            }
            match b.get(i) {
                None => return Some(cut(name)),
                Some(b'>') => {
                    return Some(Tag {
                        name,
                        closing,
                        attrs,
                        len: i + 1,
                        complete: true,
                    });
                }
                _ => {}
            }
            let n0 = i;
            // HTML's tokenizer: an attribute name may start with `=` (`=" value=x "` is an attribute
            // named `="`, and `value=x` the next one), and runs to white space, `/`, `>` or `=`.
            if b.get(i) == Some(&b'=') {
                i += 1;
            }
            while b
                .get(i)
                .is_some_and(|c| !(c.is_ascii_whitespace() || matches!(c, b'=' | b'>' | b'/')))
            {
                i += 1;
            }
            let attr = s[n0..i].to_ascii_lowercase();
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                if i == n0 {
                    // A lone '=' or similar: skip it so that the loop always advances.
                    i += 1;
                }
                attrs.push((attr, String::new()));
                continue;
            }
            i += 1;
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            let value = match b.get(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let v0 = i + 1;
                    let Some(close) = b
                        .get(v0..)
                        .and_then(|r| r.iter().position(|c| c == q))
                        .map(|p| p + v0)
                    else {
                        return Some(cut(name));
                    };
                    i = close + 1;
                    &s[v0..close]
                }
                _ => {
                    let v0 = i;
                    while b
                        .get(i)
                        .is_some_and(|c| !(c.is_ascii_whitespace() || *c == b'>'))
                    {
                        i += 1;
                    }
                    &s[v0..i]
                }
            };
            attrs.push((attr, decode_references(value)));
        }
    }

    /// The first attribute of that name (a browser ignores later duplicates).
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }
}

/// Decode HTML character references: the numeric ones and the named ones an attribute value in an IdP's
/// page carries (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, and `&plus;`, `&equals;`, `&sol;` for the
/// base64 characters). Anything else is kept as written, as browsers keep an unknown reference.
pub fn decode_references(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        // A numeric reference as a browser reads it: any number of digits, `;` optional.
        let numeric = numeric_reference(rest);
        let decoded =
            numeric.or_else(|| end.and_then(|e| reference(&rest[1..e]).map(|c| (c, e + 1))));
        match decoded {
            Some((c, n)) => {
                out.push(c);
                rest = &rest[n..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `&#…` at the start of `s` as HTML's tokenizer reads it: decimal or `x`/`X` hexadecimal digits, as
/// many as there are, then an optional `;`. A value that is no character (0, a surrogate, past
/// U+10FFFF) is U+FFFD. The character and the bytes it took; `None` when no digit follows.
fn numeric_reference(s: &str) -> Option<(char, usize)> {
    let b = s.as_bytes();
    if b.get(..2) != Some(b"&#") {
        return None;
    }
    let hex = matches!(b.get(2), Some(b'x' | b'X'));
    let start = if hex { 3 } else { 2 };
    let digits = b[start..]
        .iter()
        .take_while(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
        .count();
    if digits == 0 {
        return None;
    }
    let text = &s[start..start + digits];
    let value = u32::from_str_radix(text.trim_start_matches('0'), if hex { 16 } else { 10 })
        .unwrap_or(if text.trim_start_matches('0').is_empty() {
            0
        } else {
            u32::MAX
        });
    let c = char::from_u32(value)
        .filter(|c| *c != '\0')
        .unwrap_or('\u{fffd}');
    let used = start + digits + usize::from(b.get(start + digits) == Some(&b';'));
    Some((c, used))
}

fn reference(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(n).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "plus" => '+',
        "equals" => '=',
        "sol" => '/',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_saved_by_a_browser_is_html() {
        assert!(looks_like_html(
            "<!-- saved from url=(0045)https://kc.example.com/realms/acme/protocol/saml -->\n<html><body><form method=\"post\"></form></body></html>"
        ));
        assert!(!looks_like_html(
            "<!-- a comment --><samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>"
        ));
        assert!(!looks_like_html("<!-- unclosed <html>"));
    }

    #[test]
    fn keycloak_page() {
        let page = r#"<!DOCTYPE html>
<html><head><title>Keycloak</title><script>window.onload = function() {document.forms[0].submit()}; var s = '<input name="SAMLResponse" value="fake">';</script></head>
<body><p>Redirecting, please wait.</p>
<form name="saml-post-binding" method="post" action="https://auth.atlassian.com/login/callback?connection=saml-1&amp;x=2">
  <input type="hidden" name="SAMLResponse" value="PHNh&#43;bWw&#x2F;"/>
  <input type="hidden" name="RelayState" value="a&amp;b"/>
  <noscript><p>JavaScript is disabled.</p><input type="submit" value="Continue"/></noscript>
</form></body></html>"#;
        assert!(looks_like_html(page));
        let f = forms(page);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].method.as_deref(), Some("POST"));
        assert_eq!(
            f[0].action.as_deref(),
            Some("https://auth.atlassian.com/login/callback?connection=saml-1&x=2")
        );
        assert_eq!(
            f[0].fields,
            [
                ("SAMLResponse".to_string(), "PHNh+bWw/".to_string()),
                ("RelayState".to_string(), "a&b".to_string())
            ]
        );
    }

    #[test]
    fn upper_case_unquoted_and_outside_forms() {
        let page = "<HTML><BODY><FORM METHOD=POST ACTION=https://sp/acs><INPUT TYPE=HIDDEN NAME=SAMLResponse VALUE=abc></FORM><input name='SAMLRequest' value='x y'></BODY></HTML>";
        let f = forms(page);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].action.as_deref(), Some("https://sp/acs"));
        assert_eq!(f[0].fields[0], ("SAMLResponse".into(), "abc".into()));
        assert_eq!(f[1].method, None);
        assert_eq!(f[1].fields[0], ("SAMLRequest".into(), "x y".into()));
    }

    #[test]
    fn unknown_and_broken_references_are_kept() {
        assert_eq!(decode_references("a&unknown;b&#;c&"), "a&unknown;b&#;c&");
        // Numeric references as a browser reads them (review, 2026-12-05): no `;` needed, any number of
        // digits, and what is no character is U+FFFD.
        assert_eq!(decode_references("&#0;&#x110000;"), "\u{fffd}\u{fffd}");
        assert_eq!(decode_references("&lt;&#60;&#x3c;"), "<<<");
        assert_eq!(decode_references("&#83AMLRespons&#x65"), "SAMLResponse");
        assert_eq!(decode_references("&#0000000000083;x&#63y"), "Sx?y");
        assert_eq!(decode_references("&#99999999999999999999;"), "\u{fffd}");
    }

    #[test]
    fn unterminated_tags_and_comments_end() {
        for s in [
            "<form",
            "<input name='a",
            "<!-- x",
            "<script>",
            "<a =>",
            "< <<",
        ] {
            let _ = forms(s);
        }
        assert!(forms("<!-- <input name=SAMLResponse value=x> -->").is_empty());
        // Many unterminated tags: the scan stops at the first (each byte is read a bounded number of
        // times; a quadratic scan would take minutes here).
        let many = "<a x='".repeat(200_000);
        assert!(forms(&many).is_empty());
        let many = "<a ".repeat(200_000);
        assert!(forms(&many).is_empty());
    }

    /// Review 50: only a script still double-escaped where samlint ends it is doubtful.
    #[test]
    fn scripts_double_escaped_at_their_end() {
        for (body, doubt) in [
            ("<!--<script>", true),
            ("<!-- <SCRIPT src=x>", true),
            (
                "<!-- document.write('<script src=x><\\/script>'); //-->",
                false,
            ),
            ("<!-- a --> <script>", false),
            ("<!--> <script>", false),
            ("<!-- <scripts>", false),
            ("<!-- <script", false),
            ("var a = '<script>';", false),
            ("<!-- <script> --> <!-- <script/>", true),
        ] {
            assert_eq!(double_escaped_at_end(body.as_bytes()), doubt, "{body}");
        }
    }

    /// What a browser's tokenizer reads as a comment (review 49).
    #[test]
    fn comments_end_where_a_browser_ends_them() {
        for (s, len) in [
            ("<!-->x", 5),
            ("<!--->x", 6),
            ("<!-- a -->x", 10),
            ("<!-- a --!>x", 11),
            ("<!-- a --->x", 11),
            ("<!-- a", 6),
            ("<!x >y", 5),
            ("<!DOCTYPE html>y", 15),
            ("<?x a>y", 6),
            ("</ x>y", 5),
            ("</>y", 3),
            ("<![CDATA[ ]]>y", 13),
        ] {
            assert_eq!(markup_to_skip(s), Some(len), "{s}");
        }
        for s in ["<a>", "</a>", "< a", "<1", "</"] {
            assert_eq!(markup_to_skip(s), None, "{s}");
        }
        let field = "<input name=SAMLResponse value=x>";
        assert!(
            forms(&format!("<form><!-- a --!>{field}</form>"))[0]
                .fields
                .len()
                == 1
        );
        for opener in ["<!x ", "</ x ", "<?x "] {
            let f = forms(&format!("<form>{opener}{field}</form>"));
            assert!(f.iter().all(|f| f.fields.is_empty()), "{opener}: {f:?}");
        }
    }
}
