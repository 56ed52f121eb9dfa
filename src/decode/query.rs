//! URLs, query strings and form bodies that carry SAML parameters.

use super::blob::percent_decode;

/// One `name=value` pair, with the value kept exactly as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The name, percent-decoded.
    pub name: String,
    /// The name exactly as received.
    pub raw_name: String,
    pub raw_value: String,
}

impl Param {
    pub fn value(&self) -> String {
        percent_decode(&self.raw_value, true)
    }
}

/// The SAML message parameters.
pub const MESSAGE_PARAMS: [&str; 2] = ["SAMLResponse", "SAMLRequest"];

/// Every parameter of the SAML bindings: a query or form that carries one of them twice is ambiguous.
pub const BINDING_PARAMS: [&str; 5] = [
    "SAMLRequest",
    "SAMLResponse",
    "RelayState",
    "SigAlg",
    "Signature",
];

/// A binding parameter written behind an HTML-escaped separator (`…&amp;SigAlg=…`, a URL copied from
/// a page's source): the parameter's name (review 59: the signed request was read as unsigned and
/// passed). `text` is the whole pasted URL or query, fragment included: `&#38;` and `&#x26;` put a
/// `#` in it, which cut the query there and dropped SigAlg and Signature as a fragment, and
/// `&amp;amp;` is escaped twice (review 61). Any run of `amp;`, `#38;` and `#x26;` (leading zeros,
/// either case) after an `&`, then a binding parameter's name and `=`.
pub fn html_escaped(text: &str) -> Option<&'static str> {
    let b = text.as_bytes();
    memchr::memchr_iter(b'&', b).find_map(|at| {
        let rest = after_amp_references(&text[at + 1..])?;
        BINDING_PARAMS
            .iter()
            .copied()
            .find(|p| rest.strip_prefix(p).is_some_and(|r| r.starts_with('=')))
    })
}

/// [`html_escaped`] on decoded names (`&amp%3BSigAlg=`: the name decodes to `amp;SigAlg`).
pub fn html_escaped_names(params: &[Param]) -> Option<&'static str> {
    params.iter().find_map(|p| {
        let rest = after_amp_references(&p.name)?;
        BINDING_PARAMS.iter().copied().find(|b| *b == rest)
    })
}

/// `rest` after the run of HTML references to `&` at its start, or `None` when there is none.
fn after_amp_references(mut rest: &str) -> Option<&str> {
    let start = rest.len();
    while let Some(after) = html_amp(rest) {
        rest = after;
    }
    (rest.len() < start).then_some(rest)
}

/// `rest` after one HTML reference to `&` at its start, or `None`: `amp;` (any case), or a numeric
/// reference whose value is 38, `#38` or `#x26` with any number of leading zeros and its `;` or not
/// (browsers decode a numeric reference without one; review 62: `&#38SigAlg=` and
/// `&#0000000000038;` got through).
fn html_amp(rest: &str) -> Option<&str> {
    if rest
        .get(..4)
        .is_some_and(|n| n.eq_ignore_ascii_case("amp;"))
    {
        return Some(&rest[4..]);
    }
    let num = rest.strip_prefix('#')?;
    let (digits, radix) = match num.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (num, 10),
    };
    let len = digits
        .bytes()
        .take_while(|c| (radix == 16 && c.is_ascii_hexdigit()) || c.is_ascii_digit())
        .count();
    let value = digits[..len].trim_start_matches('0');
    let amp = if radix == 16 { "26" } else { "38" };
    if len == 0 || value != amp {
        return None;
    }
    let after = &digits[len..];
    Some(after.strip_prefix(';').unwrap_or(after))
}

/// Why a set of binding parameters is ambiguous (design.md "One signature, one message"): SPs disagree on
/// which copy of a repeated parameter they read (PHP keeps the last, Java servlets the first), so no
/// signature can be said to cover "the" message. `names` are (decoded name, name as received) in order;
/// the result is empty when every binding parameter appears at most once, under its own name, and the
/// set carries at most one message.
pub fn ambiguities<'a>(names: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut counts = [0usize; BINDING_PARAMS.len()];
    let mut out = Vec::new();
    // One sentence per kind of disguise and parameter, whatever the number of names (a query of 100,000
    // `SAMLResponse[i]` names says so once, in linear time).
    let mut described = [[false; 5]; BINDING_PARAMS.len()];
    for (name, raw) in names {
        // Case-insensitively: ASP.NET's query collection (and others) match names so, and would read a
        // `samlrequest` appended to a signed query as the SAMLRequest.
        // Java's equalsIgnoreCase compares characters upper-cased, then lower-cased: `ſAMLRequest`
        // (long s), `SıgAlg` (dotless i) and a Kelvin sign match too. Folded the same way.
        // PHP drops a name's leading spaces and cuts it at a NUL; PHP and Node's `qs` (Express's
        // extended body parser) read `name[…]` as an array named `name`. `+SAMLResponse`,
        // `SAMLResponse%00x` and `SAMLResponse[]` are the SAMLResponse there, and PHP keeps the last.
        let Some((i, read_as)) = rewritten_names(name).into_iter().find_map(|read_as| {
            let folded: String = read_as.chars().map(java_fold).collect();
            BINDING_PARAMS
                .iter()
                .position(|p| p.eq_ignore_ascii_case(&folded))
                .map(|i| (i, read_as))
        }) else {
            continue;
        };
        counts[i] += 1;
        let canonical = BINDING_PARAMS[i];
        // The sentence names the rewrite, never the name: what follows a NUL or sits in brackets is
        // any text the sender chose, and these sentences reach outputs as samlint's own words. The
        // names quoted below are the canonical name itself, in other letter cases.
        let (kind, why) = if read_as != name {
            let (kind, how) = if name.starts_with(' ') {
                (0, "leading spaces, which PHP drops")
            } else if name.contains('\0') {
                (1, "a NUL, where PHP ends it")
            } else {
                (
                    2,
                    "brackets, which PHP, Node's qs and Rack read as that name",
                )
            };
            (
                kind,
                format!("a parameter name with {how}, is read as {canonical}"),
            )
        } else if name != canonical {
            (
                3,
                format!(
                    "the parameter name {name} differs in case from {canonical}: SPs that match names case-insensitively read it as {canonical}"
                ),
            )
        } else if raw != name {
            (
                4,
                format!(
                    "the parameter name {name} is percent-encoded: SPs that compare raw names do not see it"
                ),
            )
        } else {
            continue;
        };
        if !std::mem::replace(&mut described[i][kind], true) {
            out.push(why);
        }
    }
    for (i, n) in counts.iter().enumerate() {
        if *n > 1 {
            out.push(format!("{} appears {n} times", BINDING_PARAMS[i]));
        }
    }
    if counts[0] > 0 && counts[1] > 0 {
        out.push("SAMLRequest and SAMLResponse are both present".into());
    }
    out
}

/// The names a parameter is registered under where the SP's form parser rewrites names: PHP
/// (`php_register_variable_ex`) drops leading spaces, ends the name at a NUL, and reads `name[…]` as an
/// array named `name` (an unclosed `[` is no array); Node's `qs` cuts a name at its first `[`, closed
/// or not, and reads `[name]…` as `name`; Rack 2 (`normalize_params`, `\A[\[\]]*([^\[\]]+)\]*`) drops
/// leading brackets of either kind and reads the name up to the next one (review 39: `SAMLResponse]`,
/// `]SAMLResponse` and `[[SAMLResponse` are the SAMLResponse there, and the last one wins).
pub fn rewritten_names(name: &str) -> [&str; 3] {
    let n = name.trim_start_matches(' ');
    let n = n.split('\0').next().unwrap_or(n);
    let php = match n.find('[') {
        Some(i) if n[i..].contains(']') => &n[..i],
        _ => n,
    };
    // qs (6.x): a name before any `[` is the key, unclosed or not; `[key]` first is the key itself.
    let qs = match name.find('[') {
        Some(0) => name[1..].split(']').next().unwrap_or_default(),
        Some(i) => &name[..i],
        None => name,
    };
    let rack = name.trim_start_matches(['[', ']']);
    let rack = rack.split(['[', ']']).next().unwrap_or(rack);
    [php, qs, rack]
}

/// The name Node's `qs` (Express's extended form parser) registers this one under ([`rewritten_names`]).
pub fn qs_name(name: &str) -> &str {
    rewritten_names(name)[1]
}

/// Does some SP's form parser read this (decoded) name as SAMLRequest or SAMLResponse: the name
/// itself, a rewrite ([`rewritten_names`]) or either in another letter case (as [`ambiguities`] reads
/// names)? Review 40: a copy under a disguised name in a request's URL, beside one in its body, was
/// not seen as a second copy.
pub fn names_a_message(name: &str) -> bool {
    rewritten_names(name).iter().any(|r| {
        let folded: String = r.chars().map(java_fold).collect();
        ["SAMLRequest", "SAMLResponse"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(&folded))
    })
}

/// The (decoded) names a query or form body carries as any SP's parser may split it: on `&`, and on
/// `;` too, as legacy parsers (Python 2, Rack 2) do (review 41).
pub fn names_in(text: &str) -> Vec<String> {
    let mut names: Vec<String> = parse_pairs(text).into_iter().map(|p| p.name).collect();
    if text.contains(';') {
        names.extend(
            parse_pairs(&text.replace(';', "&"))
                .into_iter()
                .map(|p| p.name),
        );
    }
    names
}

/// One character as Java's `String.equalsIgnoreCase` compares it: upper case, then lower case (when
/// each is one character).
fn java_fold(c: char) -> char {
    fn one(mut it: impl Iterator<Item = char>) -> Option<char> {
        let first = it.next()?;
        it.next().is_none().then_some(first)
    }
    let upper = one(c.to_uppercase()).unwrap_or(c);
    one(upper.to_lowercase()).unwrap_or(upper)
}

/// Split `a=b&c=d` (also `;` separators are not used by SAML, so only `&`).
pub fn parse_pairs(query: &str) -> Vec<Param> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            Param {
                name: percent_decode(n, true),
                raw_name: n.to_string(),
                raw_value: v.to_string(),
            }
        })
        .collect()
}

/// The parameters after a URL's `?`, the fragment's included (`…?a=1#error_description=…`): error
/// redirects put theirs in either.
pub fn url_params(url: &str) -> Vec<Param> {
    url.split_once('?')
        .map(|(_, q)| parse_pairs(&q.replace('#', "&")))
        .unwrap_or_default()
}

/// The query part of a URL (without the fragment), or the whole string when it is already a query or a
/// form body.
pub fn query_part(s: &str) -> &str {
    let s = s.trim();
    // '#' and '?' are ASCII: the slices below are on character boundaries.
    let s = memchr::memchr(b'#', s.as_bytes()).map_or(s, |i| &s[..i]);
    memchr::memchr(b'?', s.as_bytes()).map_or(s, |i| &s[i + 1..])
}

/// Does this text carry a SAML message parameter?
pub fn has_saml_param(s: &str) -> bool {
    // Only names are decoded, and only names short enough to be one: an escape takes three bytes, so a
    // longer name cannot decode to a parameter (this keeps a pasted 100 kB base64 value from being
    // percent-decoded just to learn it is not a query).
    let longest = 3 * MESSAGE_PARAMS.iter().map(|p| p.len()).max().unwrap_or(0);
    // Each piece's name is looked for in its first `longest + 1` bytes only: a longer name is none.
    // '&' and '=' are ASCII (the slices are on character boundaries); memchr, not `str::split`,
    // because a pasted value is one long piece.
    let q = query_part(s);
    let b = q.as_bytes();
    let mut start = 0;
    while start <= b.len() {
        let end = memchr::memchr(b'&', &b[start..]).map_or(b.len(), |i| start + i);
        let p = &q[start..end];
        let head = &p.as_bytes()[..p.len().min(longest + 1)];
        let name = match memchr::memchr(b'=', head) {
            Some(i) => &p[..i],
            None => p,
        };
        if name.len() <= longest && MESSAGE_PARAMS.contains(&percent_decode(name, true).as_str()) {
            return true;
        }
        start = end + 1;
    }
    false
}

/// The fields of a devtools Payload view copied as text: one `Name: value` line per field (Chrome's
/// "Form Data" / "Query String Parameters" sections; a tab instead of `: ` also reads), values shown
/// decoded. Short lines that are not fields (the section titles, "view source", "view URL-encoded") are
/// left out. `None` unless every other line is a field and one of them is SAMLResponse or SAMLRequest.
pub fn field_lines(text: &str) -> Option<Vec<(String, String)>> {
    // A field line splits at `:` or a tab: text with neither (one base64 value) has none.
    memchr::memchr2(b':', b'\t', text.as_bytes())?;
    let mut fields = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let split = line
            .split_once(':')
            .filter(|(n, _)| !n.contains('\t'))
            .or_else(|| line.split_once('\t'));
        let field = split.and_then(|(n, v)| {
            let n = n.trim();
            let ok = !n.is_empty()
                && n.len() <= 64
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            ok.then(|| {
                let v = v.trim();
                let v = v
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v);
                (n.to_string(), v.to_string())
            })
        });
        match field {
            Some(f) => fields.push(f),
            // A short heading ("Form Data", "view source") is skipped; a line that names a binding
            // parameter without being a field of it is not a heading: the paste is not read as fields.
            None if line.len() <= 40
                && !line.contains('=')
                && !BINDING_PARAMS
                    .iter()
                    .any(|p| line.to_ascii_lowercase().contains(&p.to_ascii_lowercase())) => {}
            None => return None,
        }
    }
    fields
        .iter()
        .any(|(n, _)| MESSAGE_PARAMS.contains(&n.as_str()))
        .then_some(fields)
}

/// A URL shortened for display: scheme, host, path, and each query value cut to a few characters.
pub fn display_url(url: &str) -> String {
    let url = crate::util::one_line(url);
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q.split_once('#').map_or(q, |(a, _)| a))),
        None => (url.split_once('#').map_or(url.as_str(), |(a, _)| a), None),
    };
    let mut out = crate::util::ellipsize(base, 100);
    if let Some(q) = query {
        out.push('?');
        // At most 8 parameters: a label is repeated for every message of the query.
        const SHOWN: usize = 8;
        let total = q.split('&').count();
        let mut parts: Vec<String> = q
            .split('&')
            .take(SHOWN)
            .map(|p| match p.split_once('=') {
                Some((n, v)) => format!(
                    "{}={}",
                    crate::util::ellipsize(n, 24),
                    crate::util::ellipsize(v, 6)
                ),
                None => crate::util::ellipsize(p, 24),
            })
            .collect();
        if total > SHOWN {
            parts.push(format!("…({} more)", total - SHOWN));
        }
        out.push_str(&parts.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memchr scans answer as the `str::split` reading they replace.
    #[test]
    fn the_parameter_look_agrees_with_split() {
        let slow = |s: &str| {
            let s = s.trim();
            let s = s.split_once('#').map_or(s, |(a, _)| a);
            let q = s.split_once('?').map_or(s, |(_, q)| q);
            let longest = 3 * MESSAGE_PARAMS.iter().map(|p| p.len()).max().unwrap_or(0);
            q.split('&').any(|p| {
                let name = p.split_once('=').map_or(p, |(n, _)| n);
                name.len() <= longest
                    && MESSAGE_PARAMS.contains(&percent_decode(name, true).as_str())
            })
        };
        let long = "A".repeat(40);
        let cases = [
            "",
            "&",
            "SAMLResponse",
            "SAMLResponse=",
            "a=b&SAMLRequest=x",
            "x#SAMLResponse=1",
            "https://h/p?SAMLRequest=a&RelayState=b",
            "https://h/p?x=1#?SAMLResponse=2",
            "%53AMLResponse=1",
            "%53%41%4D%4C%52%65%73%70%6F%6E%73%65=1",
            "é&SAMLRequest",
            "&&SAMLResponse&",
            "?&",
            "SAMLResponse==",
            "a=SAMLResponse",
        ];
        for c in cases.iter().map(|c| c.to_string()).chain([
            format!("{long}=SAMLResponse"),
            format!("{long}&SAMLResponse=1"),
            format!("SAMLRespons{long}=1"),
            format!("  ?{long}{long}==  "),
        ]) {
            assert_eq!(has_saml_param(&c), slow(&c), "{c:?}");
        }
    }

    #[test]
    fn query_and_url() {
        let u = "https://idp.example/sso?SAMLRequest=ab%2Bc&RelayState=x+y#frag";
        assert_eq!(query_part(u), "SAMLRequest=ab%2Bc&RelayState=x+y");
        let p = parse_pairs(query_part(u));
        assert_eq!(p[0].name, "SAMLRequest");
        assert_eq!(p[0].raw_value, "ab%2Bc");
        assert_eq!(p[0].value(), "ab+c");
        assert_eq!(p[1].value(), "x y");
        assert!(has_saml_param(u));
        assert!(!has_saml_param("https://x/?a=b"));
        let p = url_params(
            "https://id.atlassian.com/login?x=1#error_description=Audience+is%20invalid",
        );
        assert_eq!(p.len(), 2);
        assert_eq!(
            (p[1].name.as_str(), p[1].value().as_str()),
            ("error_description", "Audience is invalid")
        );
        assert!(url_params("no query").is_empty());
    }

    #[test]
    fn repeated_or_disguised_binding_parameters_are_ambiguous() {
        let amb = |q: &str| {
            let p = parse_pairs(q);
            ambiguities(p.iter().map(|p| (p.name.as_str(), p.raw_name.as_str())))
        };
        assert!(amb("SAMLRequest=a&RelayState=b&SigAlg=c&Signature=d&x=1&x=2").is_empty());
        assert_eq!(
            amb("SAMLRequest=a&SAMLRequest=b"),
            ["SAMLRequest appears 2 times"]
        );
        assert_eq!(
            amb("SAMLRequest=a&SAMLResponse=b"),
            ["SAMLRequest and SAMLResponse are both present"]
        );
        for p in ["RelayState", "SigAlg", "Signature"] {
            assert_eq!(
                amb(&format!("SAMLResponse=a&{p}=1&{p}=2")),
                [format!("{p} appears 2 times")]
            );
        }
        assert_eq!(amb("SAML%52equest=a").len(), 1);
        assert!(amb("SAML%52equest=a")[0].contains("percent-encoded"));
        // Review (2026-12-05): names PHP (and Node's qs) rewrite into SAMLResponse, after a signed
        // one: PHP's $_POST keeps the unsigned last copy.
        for second in [
            "+SAMLResponse",
            "%20SAMLResponse",
            "%20%20SAMLResponse",
            "SAMLResponse%00x",
            "SAMLResponse[]",
            "SAMLResponse[0]",
            "+samlresponse%00",
            // Node's qs (review, 2026-12-05): cut at an unclosed bracket; `[name]` is `name`.
            "SAMLResponse%5B",
            "%5BSAMLResponse%5D",
        ] {
            let a = amb(&format!("SAMLResponse=a&RelayState=r&{second}=b"));
            assert!(
                a.iter().any(|m| m == "SAMLResponse appears 2 times"),
                "{second}: {a:?}"
            );
            assert!(
                a.iter().any(|m| m.starts_with("a parameter name with")),
                "{second}: {a:?}"
            );
        }
        // The sentences never carry the name's own text (it reaches outputs unredacted).
        for tail in [
            "SAMLResponse%00jane.doe@corp.example",
            "SAMLResponse[jane.doe@corp.example]",
        ] {
            let a = amb(&format!("SAMLResponse=a&{tail}=b"));
            assert!(
                !a.is_empty() && a.iter().all(|m| !m.contains("jane")),
                "{a:?}"
            );
        }
        // Review (2026-12-05): one sentence per kind of disguise, however many names (it was one per
        // name, found by a quadratic scan: 80,000 names took 12 s).
        let many: String = (0..50_000)
            .map(|i| format!("&SAMLResponse[{i}]=x&SAMLRESPONSE{}=x", "%00".repeat(i % 2)))
            .collect();
        let a = amb(&format!("SAMLResponse=a{many}"));
        assert_eq!(a.len(), 4, "{a:?}");
        assert!(a.contains(&"SAMLResponse appears 100001 times".to_string()));
        // Not rewritten into it: inner spaces stay, a NUL ends a name, a bracket after it.
        for other in ["SAML+Response", "x%00SAMLResponse", "x[SAMLResponse]"] {
            assert!(
                amb(&format!("SAMLResponse=a&{other}=b")).is_empty(),
                "{other}"
            );
        }
    }

    #[test]
    fn payload_view_lines() {
        let f = field_lines(
            "Form Data\nview source\nSAMLResponse: PHNh\nRelayState: \"https://x/?a=b\"\n",
        )
        .unwrap();
        assert_eq!(
            f,
            [
                ("SAMLResponse".to_string(), "PHNh".to_string()),
                ("RelayState".to_string(), "https://x/?a=b".to_string())
            ]
        );
        assert_eq!(
            field_lines("SAMLRequest\tfZJN").unwrap(),
            [("SAMLRequest".to_string(), "fZJN".to_string())]
        );
        // No SAML field, a long line that is not a field, a URL: not Payload lines.
        assert!(field_lines("RelayState: x").is_none());
        assert!(
            field_lines(
                "SAMLResponse: a\nPHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6"
            )
            .is_none()
        );
        assert!(field_lines("https://idp/sso?SAMLRequest=abc").is_none());
        assert!(field_lines("SAMLResponse=PHNh&RelayState=x").is_none());
    }

    #[test]
    fn display_url_cuts_values() {
        assert_eq!(
            display_url("https://auth.atlassian.com/login/callback?connection=saml-0123456789"),
            "https://auth.atlassian.com/login/callback?connection=saml-…"
        );
    }
}
