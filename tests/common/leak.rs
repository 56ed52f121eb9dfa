//! Searching an output for a value that must not be in it: the value itself (after undoing GitHub
//! workflow-command escapes, XML and Markdown escaping and case), its base64 and its URL-encoded forms.
//! Shared by tests/redaction.rs (every value of the corpus and fixtures) and tests/leak.rs (planted
//! values in every field).

use base64::Engine as _;

/// The output as text to search: GitHub %-escapes, backslashes, XML entities and line breaks undone,
/// lower-cased.
pub fn normalise(report: &str) -> String {
    // GitHub workflow commands percent-escape; undo that first.
    let unpct = report
        .replace("%0A", " ")
        .replace("%0D", " ")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%");
    unpct
        .replace('\\', "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .replace('\n', " ")
        .to_lowercase()
}

/// Percent-encoding of everything but the unreserved characters.
pub fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Does `needle` occur in `hay`? Short values must stand as a whole token (so that "mail" is not found
/// inside the public `emailAddress`); longer ones anywhere.
pub fn occurs(hay: &str, needle: &str) -> bool {
    if needle.chars().count() >= 8 {
        return hay.contains(needle);
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    hay.match_indices(needle).any(|(i, _)| {
        !alnum(hay[..i].chars().next_back()) && !alnum(hay[i + needle.len()..].chars().next())
    })
}

/// The base64 of `v` as it appears inside a larger base64 blob, at each of the three byte alignments
/// (the characters that depend on neighbouring bytes dropped). Empty for values under 9 bytes.
pub fn base64_forms(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    if v.len() < 9 {
        return out;
    }
    for (pad, skip) in [(0usize, 0usize), (1, 2), (2, 3)] {
        let mut data = vec![0u8; pad];
        data.extend_from_slice(v.as_bytes());
        let e = base64::engine::general_purpose::STANDARD.encode(&data);
        let e = e.trim_end_matches('=');
        // The last character may mix in the following byte.
        let end = e.len().saturating_sub(1);
        if end > skip + 6 {
            out.push(e[skip..end].to_string());
        }
    }
    out
}
