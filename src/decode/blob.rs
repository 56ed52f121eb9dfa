//! Decoding one SAML value: URL encoding, base64 (both alphabets), raw DEFLATE, down to XML text.

use crate::error::{ErrorKind, InputError, Misplaced};
use crate::limits::Limits;
use crate::source::{Encoding, Origin};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use flate2::{Decompress, FlushDecompress, Status};

/// A value decoded down to XML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encodings: Vec<Encoding>,
}

const BOM: char = '\u{feff}';

/// Trim whitespace and a leading byte-order mark.
pub fn trim_value(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == BOM)
}

/// Does this text look like XML markup (after whitespace and BOM)?
pub fn looks_like_xml(s: &str) -> bool {
    trim_value(s).starts_with('<')
}

fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'%', b).any(|i| {
        b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
    })
}

/// Percent-decode; with `plus_is_space`, `+` becomes a space (application/x-www-form-urlencoded).
/// Malformed escapes are kept literally, as browsers do.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    String::from_utf8_lossy(&percent_decode_bytes(s, plus_is_space)).into_owned()
}

/// [`percent_decode`]'s bytes, before any reading as UTF-8 (two values that differ in bytes that are
/// no UTF-8, `%FF` and `%FE`, stay different).
pub fn percent_decode_bytes(s: &str, plus_is_space: bool) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn b64_engine(alphabet: &base64::alphabet::Alphabet) -> GeneralPurpose {
    GeneralPurpose::new(
        alphabet,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    )
}

/// Byte classes for base64 text, as bits, so that one pass ORs together what a value holds.
const ALNUM: u8 = 1;
const SPACE: u8 = 2;
const STD: u8 = 4; // + /
const URL: u8 = 8; // - _
const PAD: u8 = 16; // =
const FOREIGN: u8 = 32;
/// A character of the standard base64 alphabet, or `=`. Written with `&` and `|` on comparisons
/// only, so that a loop over a block is a vector loop.
pub(crate) const fn standard_base64(c: u8) -> bool {
    ((c | 0x20).wrapping_sub(b'a') < 26)
        | (c.wrapping_sub(b'0') < 10)
        | (c == b'+')
        | (c == b'/')
        | (c == b'=')
}

/// The classes a value holds, ORed ([`B64`] of every byte). The common value (the standard alphabet,
/// no whitespace) is settled by vector loops ([`crate::util::first_byte`] with comparisons, `memchr`);
/// any other is classified byte by byte through the table.
fn classes(bytes: &[u8]) -> u8 {
    if crate::util::first_byte(bytes, |c| !standard_base64(c)).is_some() {
        return bytes.iter().fold(0u8, |acc, b| acc | B64[usize::from(*b)]);
    }
    let alnum = crate::util::first_byte(bytes, |c| {
        ((c | 0x20).wrapping_sub(b'a') < 26) | (c.wrapping_sub(b'0') < 10)
    });
    let std = memchr::memchr2(b'+', b'/', bytes);
    let pad = memchr::memchr(b'=', bytes);
    (u8::from(alnum.is_some()) * ALNUM)
        | (u8::from(std.is_some()) * STD)
        | (u8::from(pad.is_some()) * PAD)
}

static B64: [u8; 256] = {
    let mut t = [FOREIGN; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            t[i] = ALNUM;
        } else if b.is_ascii_whitespace() {
            t[i] = SPACE;
        } else if b == b'+' || b == b'/' {
            t[i] = STD;
        } else if b == b'-' || b == b'_' {
            t[i] = URL;
        } else if b == b'=' {
            t[i] = PAD;
        }
        i += 1;
    }
    t
};

/// Decode base64 (standard or URL-safe alphabet, any whitespace, padding optional).
pub fn decode_base64(value: &str) -> Result<(Vec<u8>, Encoding), String> {
    let bytes = value.as_bytes();
    // The common value: the standard alphabet, no white space, padding at most at its end. The
    // table decoder takes it in one pass; it refuses any other (a character outside the alphabet,
    // met in its first bytes when the value is wrapped or URL-safe), which the checks below read.
    // What it gives is what they give such a value (the same body, the same alphabet).
    if !bytes.is_empty() {
        let end = bytes.iter().rposition(|b| *b != b'=').map_or(0, |p| p + 1);
        if let Some(out) = decode_body(bytes.get(..end).unwrap_or_default(), false) {
            return Ok((out, Encoding::Base64));
        }
    }
    // One pass over the bytes learns what the value holds; the (rare) error path says which character
    // is wrong, and only a value with whitespace is copied.
    let seen = classes(bytes);
    if seen & FOREIGN != 0 {
        return Err(foreign_character(value));
    }
    let owned: Vec<u8>;
    let cleaned: &[u8] = if seen & SPACE == 0 {
        bytes
    } else {
        owned = bytes
            .iter()
            .copied()
            .filter(|b| B64[usize::from(*b)] != SPACE)
            .collect();
        &owned
    };
    if cleaned.is_empty() {
        return Err("the value is empty".into());
    }
    let end = cleaned
        .iter()
        .rposition(|b| *b != b'=')
        .map_or(0, |p| p + 1);
    let body = cleaned.get(..end).unwrap_or_default();
    if memchr::memchr(b'=', body).is_some() {
        return Err(
            "padding '=' in the middle of the value (two values joined, or a cut-and-paste error)"
                .into(),
        );
    }
    let url_safe = seen & URL != 0;
    if url_safe && seen & STD != 0 {
        return Err("mixes the standard (+/) and URL-safe (-_) base64 alphabets".into());
    }
    if body.len() % 4 == 1 {
        return Err(format!(
            "{} base64 characters cannot encode whole bytes: the value is truncated",
            body.len()
        ));
    }
    let (alphabet, enc) = if url_safe {
        (&base64::alphabet::URL_SAFE, Encoding::Base64Url)
    } else {
        (&base64::alphabet::STANDARD, Encoding::Base64)
    };
    if let Some(bytes) = decode_body(body, url_safe) {
        return Ok((bytes, enc));
    }
    b64_engine(alphabet)
        .decode(body)
        .map(|b| (b, enc))
        .map_err(|e| e.to_string())
}

/// A character's value in a base64 alphabet (the URL-safe one has `-` and `_` for `+` and `/`).
const fn sextet(c: u8, url_safe: bool) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some((c - b'A') as u32),
        b'a'..=b'z' => Some((c - b'a') as u32 + 26),
        b'0'..=b'9' => Some((c - b'0') as u32 + 52),
        b'+' if !url_safe => Some(62),
        b'/' if !url_safe => Some(63),
        b'-' if url_safe => Some(62),
        b'_' if url_safe => Some(63),
        _ => None,
    }
}

/// What a character outside the alphabet looks up: bits no group of four sets.
const OUTSIDE: u32 = 0xFF00_0000;

/// For each character, its value already shifted to its place in a group of four (the 24 bits of
/// three bytes): `<< 18` for the first, `<< 12`, `<< 6`, none for the last; [`OUTSIDE`] for a
/// character outside the alphabet.
const fn shifted(url_safe: bool) -> [[u32; 256]; 4] {
    let mut t = [[OUTSIDE; 256]; 4];
    let mut c = 0;
    while c < 256 {
        if let Some(v) = sextet(c as u8, url_safe) {
            t[0][c] = v << 18;
            t[1][c] = v << 12;
            t[2][c] = v << 6;
            t[3][c] = v;
        }
        c += 1;
    }
    t
}

static STANDARD_SHIFTED: [[u32; 256]; 4] = shifted(false);
static URL_SAFE_SHIFTED: [[u32; 256]; 4] = shifted(true);

/// The bytes of a base64 body that [`decode_base64`] checked (one alphabet's characters only, no
/// padding or white space, a length that is not one more than a multiple of four), the bits after
/// the last whole byte dropped: what the base64 crate's decoder, set as [`b64_engine`] sets it,
/// gives for such a body (tested against it), in one pass of four table lookups a group. `None`
/// when a character is outside the alphabet, or the length is one of those; the crate then says
/// why.
fn decode_body(body: &[u8], url_safe: bool) -> Option<Vec<u8>> {
    let [t0, t1, t2, t3] = if url_safe {
        &URL_SAFE_SHIFTED
    } else {
        &STANDARD_SHIFTED
    };
    let group = |g: &[u8; 4]| {
        t0[usize::from(g[0])]
            | t1[usize::from(g[1])]
            | t2[usize::from(g[2])]
            | t3[usize::from(g[3])]
    };
    let pairs = body.chunks_exact(8);
    let rest = pairs.remainder();
    let (whole, tail): (usize, usize) = match rest.len() {
        0 | 2 | 3 => (0, rest.len()),
        4 => (1, 0),
        6 | 7 => (1, rest.len() - 4),
        _ => return None,
    };
    let mut out = vec![0u8; body.len() / 8 * 6 + whole * 3 + tail.saturating_sub(1)];
    let (main, end) = out.split_at_mut(body.len() / 8 * 6);
    // Eight characters make six bytes: two groups of 24 bits, written at once.
    let mut seen = 0u32;
    for (src, dst) in pairs.zip(main.chunks_exact_mut(6)) {
        let (a, b) = src.split_at(4);
        let (a, b) = (group(a.try_into().ok()?), group(b.try_into().ok()?));
        seen |= a | b;
        if seen & OUTSIDE != 0 {
            return None;
        }
        let six = (u64::from(a) << 24) | u64::from(b);
        dst.copy_from_slice(six.to_be_bytes().get(2..)?);
    }
    // What is left: a group of four, then two or three characters (one or two bytes).
    let (four, last) = rest.split_at(whole * 4);
    let mut left = [0u8; 6];
    if let Ok(g) = <&[u8; 4]>::try_from(four) {
        let n = group(g);
        seen |= n;
        let [_, x, y, z] = n.to_be_bytes();
        left[..3].copy_from_slice(&[x, y, z]);
    }
    let padded = match *last {
        [] => None,
        [a, b] => Some([a, b, b'A', b'A']),
        [a, b, c] => Some([a, b, c, b'A']),
        _ => return None,
    };
    if let Some(g) = padded {
        let n = group(&g);
        seen |= n;
        let [_, x, y, _] = n.to_be_bytes();
        let at = whole * 3;
        left.get_mut(at..at + 2)?.copy_from_slice(&[x, y]);
    }
    end.copy_from_slice(left.get(..end.len())?);
    (seen & OUTSIDE == 0).then_some(out)
}

/// The first character outside both base64 alphabets, and its position among the non-whitespace ones.
fn foreign_character(value: &str) -> String {
    let found = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=')));
    match found {
        Some((pos, c)) => format!(
            "character {:?} at position {} is not in either base64 alphabet",
            crate::util::one_line(&c.to_string()),
            pos + 1
        ),
        None => "a character is not in either base64 alphabet".into(),
    }
}

/// Inflate raw DEFLATE (`zlib_header = false`) or zlib data with the output capped and a ratio check,
/// stopping as soon as a limit is passed.
pub fn inflate(data: &[u8], zlib_header: bool, limits: &Limits) -> Result<Vec<u8>, ErrorKind> {
    inflate_why(data, zlib_header, limits).map_err(|(_, e)| e)
}

/// Why [`inflate`] stopped short, for the caller that decides whether to try zlib next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// Not DEFLATE data (of this framing).
    Corrupt,
    /// The stream ends before its final block: a truncated value.
    Truncated,
    /// Bytes follow the stream's end.
    Trailing,
    /// A size or ratio limit was passed.
    Bomb,
}

fn inflate_why(
    data: &[u8],
    zlib_header: bool,
    limits: &Limits,
) -> Result<Vec<u8>, (Stop, ErrorKind)> {
    let mut d = Decompress::new(zlib_header);
    let mut out: Vec<u8> = Vec::with_capacity((data.len() * 4).min(limits.max_inflate) + 64);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let in_before = d.total_in() as usize;
        let out_before = d.total_out();
        let input = data.get(in_before..).unwrap_or_default();
        let status = d
            .decompress(input, &mut chunk, FlushDecompress::None)
            .map_err(|e| {
                let detail = e.to_string();
                (Stop::Corrupt, ErrorKind::Inflate { detail })
            })?;
        let produced = (d.total_out() - out_before) as usize;
        out.extend_from_slice(chunk.get(..produced).unwrap_or_default());
        if out.len() > limits.max_inflate {
            return Err((
                Stop::Bomb,
                ErrorKind::InflateBomb {
                    input: data.len(),
                    output: out.len(),
                    limit: limits.max_inflate,
                    ratio: false,
                },
            ));
        }
        let consumed = (d.total_in() as usize).max(1);
        if out.len() > 64 * 1024 && out.len() / consumed > limits.max_inflate_ratio {
            return Err((
                Stop::Bomb,
                ErrorKind::InflateBomb {
                    input: data.len(),
                    output: out.len(),
                    limit: limits.max_inflate_ratio,
                    ratio: true,
                },
            ));
        }
        match status {
            // One signature, one message: bytes after the stream's end (a second stream, a value
            // joined to another) are refused, not dropped (review 26).
            Status::StreamEnd if (d.total_in() as usize) < data.len() => {
                let detail = format!(
                    "{} bytes follow the end of the DEFLATE stream (a second message, or two values joined)",
                    data.len() - d.total_in() as usize
                );
                return Err((Stop::Trailing, ErrorKind::Inflate { detail }));
            }
            Status::StreamEnd => return Ok(out),
            Status::Ok | Status::BufError => {
                if produced == 0 && d.total_in() as usize == in_before {
                    let detail = "the DEFLATE stream ends early (truncated value)".into();
                    return Err((Stop::Truncated, ErrorKind::Inflate { detail }));
                }
            }
        }
    }
}

/// Bytes to text: UTF-8 required (SAML messages are UTF-8 in practice; anything else is refused with the
/// offset of the first bad byte).
pub fn utf8(bytes: Vec<u8>, origin: &Origin) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        InputError::new(
            origin,
            ErrorKind::NotUtf8 {
                offset: e.utf8_error().valid_up_to(),
            },
        )
    })
}

/// Decode one value (as pasted, or as found in a parameter) down to XML text.
///
/// `form_encoded` says the value is known to be application/x-www-form-urlencoded (a raw query or form
/// body value), so it is always URL-decoded with `+` as space; otherwise it is URL-decoded only when it
/// carries `%XX` escapes (a base64 `+` stays a `+`).
pub fn decode_value(
    value: &str,
    form_encoded: bool,
    origin: &Origin,
    limits: &Limits,
) -> Result<Decoded, InputError> {
    if value.len() > limits.max_value {
        return Err(InputError::too_large(
            origin,
            "the SAML value",
            value.len() as u64,
            limits.max_value as u64,
            "--max-value",
        ));
    }
    let mut encodings = Vec::new();
    // Borrowed until a decoding step makes a new text (a value is copied only if it changes).
    let mut current = std::borrow::Cow::Borrowed(trim_value(value));
    if current.is_empty() {
        return Err(InputError::new(origin, ErrorKind::Empty));
    }
    if looks_like_xml(&current) {
        return Ok(Decoded {
            text: current.into_owned(),
            encodings,
        });
    }
    let escaped = has_percent_escape(&current);
    // The form-decoded value with its spaces kept at the ends (a `+` at the end is one).
    let mut decoded_spaces_kept = None;
    if form_encoded || escaped {
        let decoded = percent_decode(&current, form_encoded || escaped);
        if decoded != current {
            encodings.push(Encoding::UrlEncoded);
            current = std::borrow::Cow::Owned(trim_value(&decoded).to_string());
            decoded_spaces_kept = Some(
                decoded
                    .trim_matches(|c: char| c != ' ' && (c.is_whitespace() || c == BOM))
                    .to_string(),
            );
        }
        if looks_like_xml(&current) {
            return Ok(Decoded {
                text: current.into_owned(),
                encodings,
            });
        }
    }
    // In a form body or query every space of the decoded value was a `+` (or %20) there, and base64
    // has none: the value lost its `+` (a capture decoded once already, or a sender that wrote
    // spaces). Read back first, so that the answer does not hang on whether the value with its spaces
    // dropped happens to decode to something that starts like XML.
    if form_encoded
        && let Some(kept) = &decoded_spaces_kept
        && lost_plus(kept)
    {
        let mut with = encodings.clone();
        with.push(Encoding::PlusFromSpace);
        for candidate in [kept.as_str(), &current] {
            if let Ok(d) = from_base64(&candidate.replace(' ', "+"), with.clone(), origin, limits) {
                return Ok(d);
            }
        }
    }
    let first = match from_base64(&current, encodings.clone(), origin, limits) {
        Ok(d) => return Ok(d),
        Err(e) => e,
    };
    // Every `+` became a space somewhere on the way (a form body decoded twice, a log): read the spaces
    // back as `+` and say so; when that does not decode either, the first error stands. A `+` at the
    // end became a trailing space, which trimming dropped: the value with its spaces kept (only line
    // breaks trimmed) is tried first.
    let spaces_kept = if encodings.is_empty() {
        value.trim_matches(|c: char| c != ' ' && (c.is_whitespace() || c == BOM))
    } else {
        &current
    };
    encodings.push(Encoding::PlusFromSpace);
    for candidate in [spaces_kept, &current] {
        if lost_plus(candidate)
            && let Ok(d) = from_base64(
                &candidate.replace(' ', "+"),
                encodings.clone(),
                origin,
                limits,
            )
        {
            return Ok(d);
        }
    }
    Err(first)
}

/// Did this value lose its `+` to spaces? It has none, and has spaces between base64 characters (line
/// breaks are whitespace any base64 may carry; spaces inside a line are not).
fn lost_plus(value: &str) -> bool {
    let t = value.trim();
    !t.contains('+')
        && t.lines().any(|l| l.trim().contains(' '))
        && t.bytes().all(|b| B64[usize::from(b)] != FOREIGN)
}

/// Base64, then XML or DEFLATE: the part of [`decode_value`] after URL decoding.
fn from_base64(
    current: &str,
    mut encodings: Vec<Encoding>,
    origin: &Origin,
    limits: &Limits,
) -> Result<Decoded, InputError> {
    if memchr::memchr(b' ', current.trim().as_bytes()).is_some()
        && current.bytes().any(|b| B64[usize::from(b)] == FOREIGN)
    {
        return Err(InputError::new(
            origin,
            ErrorKind::Unrecognised {
                detail: "text that is neither XML, base64, nor a URL / form body with SAMLResponse or SAMLRequest".into(),
            },
        ));
    }
    let (bytes, enc) = decode_base64(current)
        .map_err(|detail| InputError::new(origin, ErrorKind::Base64 { detail }))?;
    encodings.push(enc);
    let after_ws = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&bytes[..0], |p| &bytes[p..]);
    let starts_xml = after_ws.starts_with(b"<") || after_ws.starts_with(&[0xEF, 0xBB, 0xBF]);
    if starts_xml {
        let text = utf8(bytes, &origin.with(enc.label()))?;
        return Ok(Decoded { text, encodings });
    }
    // Redirect binding: raw DEFLATE. Try zlib too (some tools wrap it), and say so.
    let (inflated, step) = match inflate_why(&bytes, false, limits) {
        Ok(out) => (out, Encoding::Deflate),
        // A limit passed or a truncated stream is the answer; so is raw DEFLATE that ends before the
        // data does, unless it is zlib read raw (tried below).
        Err((Stop::Bomb | Stop::Truncated, e)) => return Err(InputError::new(origin, e)),
        Err((Stop::Trailing, e)) if bytes.first() != Some(&0x78) => {
            return Err(InputError::new(origin, e));
        }
        Err((_, raw_err)) => {
            if bytes.first() == Some(&0x78) {
                match inflate(&bytes, true, limits) {
                    Ok(out) => (out, Encoding::Zlib),
                    Err(e) => return Err(InputError::new(origin, e)),
                }
            } else if super::utf16_bom(&bytes).is_some() {
                // XML saved as UTF-16 before it was encoded: every SP reads a SAML message as UTF-8.
                return Err(InputError::new(
                    origin,
                    ErrorKind::Unrecognised {
                        detail: format!(
                            "base64 decoded to {} bytes of UTF-16 text (a byte order mark first); SAML messages are UTF-8 and SPs refuse these bytes",
                            bytes.len()
                        ),
                    },
                ));
            } else if looks_binary(&bytes) {
                return Err(InputError::new(
                    origin,
                    ErrorKind::Unrecognised {
                        detail: format!(
                            "base64 decoded to {} bytes that are neither XML nor DEFLATE data ({raw_err})",
                            bytes.len()
                        ),
                    },
                ));
            } else {
                return Err(InputError::new(
                    origin,
                    ErrorKind::Unrecognised {
                        detail: format!(
                            "base64 decoded to {} bytes of text that is not XML",
                            bytes.len()
                        ),
                    },
                ));
            }
        }
    };
    encodings.push(step);
    let text = utf8(inflated, origin)?;
    if !looks_like_xml(&text) {
        return Err(InputError::new(
            origin,
            ErrorKind::Unrecognised {
                detail: "the inflated DEFLATE data is not XML".into(),
            },
        ));
    }
    Ok(Decoded { text, encodings })
}

/// The registered JOSE algorithms (RFC 7518, RFC 8037) a JWT header names; only these are repeated in
/// a message (a header is input, and anything else could be anything).
const JOSE_ALGS: [&str; 21] = [
    "none",
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
    "ES256K",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "RSA1_5",
    "dir",
    "A128KW",
    "A256KW",
];

/// What a value that is not a SAML message was recognised as, when it is one of the things people
/// paste by mistake: a JWT (or JWE), or a RelayState (a URL, a RelayState parameter alone, Shibboleth's
/// `ss:mem:` handle, a short opaque token). `None` when it is none of these.
pub fn misplaced(value: &str) -> Option<Misplaced> {
    let t = trim_value(value);
    let token = t
        .strip_prefix("Bearer ")
        .or_else(|| t.strip_prefix("bearer "))
        .unwrap_or(t)
        .trim();
    if let Some(m) = jwt(token) {
        return Some(m);
    }
    let relay = |why: &str| {
        Some(Misplaced::RelayState {
            why: why.to_string(),
        })
    };
    if t.contains(char::is_whitespace) {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return relay("a URL with no SAMLResponse or SAMLRequest parameter");
    }
    if lower.starts_with("ss:mem:") || lower.starts_with("cookie:") {
        return relay("a Shibboleth RelayState handle");
    }
    let params = super::query::parse_pairs(super::query::query_part(t));
    if params.iter().any(|p| p.name == "RelayState") {
        return relay("a RelayState parameter with no SAMLResponse or SAMLRequest beside it");
    }
    // A SAML message is at least several hundred characters of base64; a single short token of the
    // characters opaque handles use (a UUID, a random state) is far more often the RelayState copied
    // from the same form. Base64 that starts like XML (`PHN` is `<s`, `PD94` is `<?x`) is a cut message,
    // and a value with other characters is a damaged one: their decoding errors say so.
    let token = t
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'='));
    let xml_start = ["PHN", "PD94", "PEF", "PHg"]
        .iter()
        .any(|p| t.starts_with(p));
    if (24..=512).contains(&t.len()) && token && !xml_start {
        return relay(&format!(
            "a short opaque value of {} characters; a SAMLResponse is thousands",
            t.chars().count()
        ));
    }
    None
}

/// A JWS (three base64url parts) or JWE (five) whose header is a JSON object with `alg`.
fn jwt(token: &str) -> Option<Misplaced> {
    let parts: Vec<&str> = token.split('.').collect();
    if !(parts.len() == 3 || parts.len() == 5) || token.len() > 64 * 1024 {
        return None;
    }
    let urlsafe = |p: &str| {
        p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
    };
    let first = parts.first().filter(|h| !h.is_empty())?;
    if !parts.iter().all(|p| urlsafe(p)) {
        return None;
    }
    let header = b64_engine(&base64::alphabet::URL_SAFE)
        .decode(first.trim_end_matches('='))
        .ok()?;
    let header: serde_json::Value = serde_json::from_slice(&header).ok()?;
    let alg = header.get("alg")?.as_str()?;
    Some(Misplaced::Jwt {
        alg: JOSE_ALGS.iter().copied().find(|a| *a == alg),
        encrypted: parts.len() == 5,
    })
}

fn looks_binary(b: &[u8]) -> bool {
    std::str::from_utf8(b).is_err() || b.iter().any(|&c| c < 0x09)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::DeflateEncoder;
    use std::io::Write;

    /// [`classes`] (a vector loop for the standard alphabet) is the table's OR, for every byte alone and
    /// inside a run.
    #[test]
    fn the_fast_classification_is_the_table() {
        assert_eq!(B64[0x0b], FOREIGN, "the vertical tab is not whitespace");
        // The ORed form: each byte alone, and runs of every byte in turn around a 64-byte stride.
        for b in 0..=255u8 {
            assert_eq!(classes(&[b]), B64[usize::from(b)], "byte {b:#04x}");
            let mut run = vec![b'A'; 130];
            run[97] = b;
            assert_eq!(
                classes(&run),
                ALNUM | B64[usize::from(b)],
                "byte {b:#04x} in a run"
            );
        }
        assert_eq!(classes(b""), 0);
    }

    /// Review 26: bytes after the DEFLATE stream (junk, or a whole second message) were dropped and the
    /// first message linted as if it were all there was.
    #[test]
    fn bytes_after_the_deflate_stream_are_refused() {
        let limits = Limits::default();
        let one = deflate(b"<a/>");
        assert_eq!(inflate(&one, false, &limits).unwrap(), b"<a/>");
        for tail in [&b"x"[..], &deflate(b"<b/>")] {
            let two = [one.as_slice(), tail].concat();
            let e = inflate(&two, false, &limits).unwrap_err();
            assert!(
                e.to_string()
                    .contains(&format!("{} bytes follow the end", tail.len())),
                "{e}"
            );
        }
        // The same for a zlib stream (its checksum is part of it).
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(b"<a/>").unwrap();
        let z = z.finish().unwrap();
        assert_eq!(inflate(&z, true, &limits).unwrap(), b"<a/>");
        assert!(inflate(&[z.as_slice(), b"x"].concat(), true, &limits).is_err());
    }

    fn deflate(s: &[u8]) -> Vec<u8> {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
        e.write_all(s).unwrap();
        e.finish().unwrap()
    }

    fn o() -> Origin {
        Origin::new("test")
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2Bb%3D+c", true), "a+b= c");
        assert_eq!(percent_decode("a%2Bb+c", false), "a+b+c");
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz%4", true), "%zz%4");
    }

    #[test]
    fn base64_forms() {
        let xml = "<a>é?>?</a>";
        let std = base64::engine::general_purpose::STANDARD.encode(xml);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(xml);
        assert_ne!(
            std.trim_end_matches('='),
            url,
            "test needs +/ in the standard form"
        );
        for (v, enc) in [(std.clone(), Encoding::Base64), (url, Encoding::Base64Url)] {
            let d = decode_value(&v, false, &o(), &Limits::default()).unwrap();
            assert_eq!(d.text, xml);
            assert_eq!(d.encodings, vec![enc]);
        }
        // Line breaks, no padding.
        let wrapped: String = std
            .trim_end_matches('=')
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i % 4 == 3 { vec![c, '\n'] } else { vec![c] })
            .collect();
        assert_eq!(
            decode_value(&wrapped, false, &o(), &Limits::default())
                .unwrap()
                .text,
            xml
        );
    }

    #[test]
    fn url_encoded_base64_keeps_plus_without_escapes() {
        let xml = "<a>>>>?</a>"; // encodes with '+' and '/'
        let b = base64::engine::general_purpose::STANDARD.encode(xml);
        assert!(b.contains('+') || b.contains('/'));
        let enc = b
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        let d = decode_value(&enc, false, &o(), &Limits::default()).unwrap();
        assert_eq!(d.text, xml);
        assert_eq!(d.encodings, vec![Encoding::UrlEncoded, Encoding::Base64]);
    }

    #[test]
    fn redirect_binding_deflate() {
        let xml = b"<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>";
        let v = base64::engine::general_purpose::STANDARD.encode(deflate(xml));
        let d = decode_value(&v, false, &o(), &Limits::default()).unwrap();
        assert_eq!(d.text.as_bytes(), xml);
        assert_eq!(d.encodings, vec![Encoding::Base64, Encoding::Deflate]);
    }

    /// The decode path, not only `inflate`: trailing bytes after raw DEFLATE are the answer, after a
    /// zlib stream too (first read raw, then as zlib), and neither is dropped.
    #[test]
    fn trailing_bytes_fail_the_decode_for_raw_deflate_and_zlib() {
        let xml = b"<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"/>";
        let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
        let raw = [deflate(xml).as_slice(), b"junk"].concat();
        let e = decode_value(&b64(&raw), false, &o(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("4 bytes follow the end"), "{e}");
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), Compression::best());
        z.write_all(xml).unwrap();
        let z = z.finish().unwrap();
        let d = decode_value(&b64(&z), false, &o(), &Limits::default()).unwrap();
        assert_eq!(d.encodings, vec![Encoding::Base64, Encoding::Zlib]);
        let e = decode_value(
            &b64(&[z.as_slice(), b"junk"].concat()),
            false,
            &o(),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("follow the end"), "{e}");
    }

    #[test]
    fn deflate_bomb_is_stopped() {
        let bomb = deflate(&vec![b'<'; 50 * 1024 * 1024]);
        let v = base64::engine::general_purpose::STANDARD.encode(&bomb);
        let e = decode_value(&v, false, &o(), &Limits::default()).unwrap_err();
        assert!(
            matches!(e.kind, ErrorKind::InflateBomb { ratio: true, .. }),
            "{e}"
        );
    }

    #[test]
    fn inflate_cap_without_ratio() {
        let limits = Limits {
            max_inflate: 1000,
            max_inflate_ratio: 1_000_000,
            ..Limits::default()
        };
        let data = deflate(&vec![b'a'; 5000]);
        assert!(matches!(
            inflate(&data, false, &limits),
            Err(ErrorKind::InflateBomb { ratio: false, .. })
        ));
    }

    #[test]
    fn truncated_base64_is_named() {
        let e = decode_value("PHNhbWw6UmVzcG9uc2Ux2", false, &o(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = decode_value("PHNh*bWw6", false, &o(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("position 5"), "{e}");
    }

    #[test]
    fn plus_lost_to_spaces_is_restored_and_said() {
        let xml = "<a>>>>?</a>"; // encodes with '+'
        let b = base64::engine::general_purpose::STANDARD.encode(xml);
        assert!(b.contains('+'));
        let spaced = b.replace('+', " ");
        let d = decode_value(&spaced, false, &o(), &Limits::default()).unwrap();
        assert_eq!(d.text, xml);
        assert_eq!(d.encodings, vec![Encoding::PlusFromSpace, Encoding::Base64]);
        // A value with a '+' of its own, or only line breaks, is not touched.
        assert!(!lost_plus("PHNh+bWx wOl"));
        assert!(!lost_plus("PHNhbWxw\nOlJl\n"));
        assert!(lost_plus("PHNh bWxw\nOlJl"));
        // Spaces that decode without being read as '+' (a value wrapped with spaces) are only
        // whitespace: the step is not taken.
        let d = decode_value("PHNh bWxw OlJl c3Bv", false, &o(), &Limits::default()).unwrap();
        assert_eq!(d.encodings, vec![Encoding::Base64]);
    }

    #[test]
    fn misplaced_values_are_named() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        assert_eq!(
            misplaced(jwt),
            Some(Misplaced::Jwt {
                alg: Some("RS256"),
                encrypted: false
            })
        );
        assert!(matches!(
            misplaced("https://acme.atlassian.net/"),
            Some(Misplaced::RelayState { .. })
        ));
        assert!(matches!(
            misplaced("3f2a9c1e-7b4d-4e8a-9f6c-2d1b0a9e8c7f"),
            Some(Misplaced::RelayState { .. })
        ));
        // Cut SAML messages and damaged values are not called RelayStates.
        assert_eq!(misplaced("PHNhbWxwOlJlc3BvbnNlIHhtbG5z"), None);
        assert_eq!(misplaced("PHNhbWxwOlJlc3BvbnNl!!!!"), None);
        assert_eq!(misplaced("a.b.c"), None);
    }

    #[test]
    fn truncated_deflate_is_named() {
        let xml =
            b"<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"x\"/>";
        let d = deflate(xml);
        let v = base64::engine::general_purpose::STANDARD.encode(&d[..d.len() / 2]);
        let e = decode_value(&v, false, &o(), &Limits::default()).unwrap_err();
        assert_eq!(e.kind.code(), "decode::deflate", "{e}");
    }
}

#[cfg(test)]
mod base64_tests {
    use super::*;

    /// The table decoder gives what the base64 crate gives, for every length and both alphabets,
    /// every value of the last two or three characters (their dropped bits included), and refuses
    /// what is outside the alphabet.
    #[test]
    fn the_table_decoder_is_the_crates() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for (url_safe, alphabet) in [
            (false, &base64::alphabet::STANDARD),
            (true, &base64::alphabet::URL_SAFE),
        ] {
            let chars: Vec<u8> = (0..=255u8)
                .filter(|c| sextet(*c, url_safe).is_some())
                .collect();
            assert_eq!(chars.len(), 64);
            let crate_decode = |b: &[u8]| b64_engine(alphabet).decode(b).ok();
            for len in 0..200 {
                for _ in 0..20 {
                    let body: Vec<u8> = (0..len).map(|_| chars[(next() % 64) as usize]).collect();
                    let want = crate_decode(&body);
                    if len % 4 == 1 {
                        assert_eq!(decode_body(&body, url_safe), None);
                        assert_eq!(want, None);
                    } else {
                        assert_eq!(decode_body(&body, url_safe), want, "{len}");
                        assert!(want.is_some());
                    }
                }
            }
            // Every ending of two and three characters, after 0, 4 and 8 others.
            for lead in [&b""[..], b"QUJD", b"QUJDREVG"] {
                for &a in &chars {
                    for &b in &chars {
                        let mut body = lead.to_vec();
                        body.extend([a, b]);
                        assert_eq!(decode_body(&body, url_safe), crate_decode(&body));
                        let c = chars[(next() % 64) as usize];
                        body.push(c);
                        assert_eq!(decode_body(&body, url_safe), crate_decode(&body));
                    }
                }
            }
            // A character outside the alphabet, anywhere.
            for len in [2, 3, 4, 6, 7, 8, 9 + 1, 16, 19] {
                for at in 0..len {
                    for bad in [
                        b'=',
                        b' ',
                        b'%',
                        b'.',
                        0,
                        0x80,
                        0xff,
                        if url_safe { b'+' } else { b'-' },
                    ] {
                        let mut body = vec![b'Q'; len];
                        body[at] = bad;
                        assert_eq!(decode_body(&body, url_safe), None, "{body:?}");
                    }
                }
            }
        }
    }
}
