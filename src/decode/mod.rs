//! Inputs → decoded SAML message texts.
//!
//! An input is a file path, `-` for stdin, or (when it is not an existing path) the pasted value itself.
//! Its form is detected, in this order: JSON capture (HAR, SAML-tracer), an HTML page with a form that
//! posts `SAMLResponse` or `SAMLRequest`, raw XML, the `Name: value` lines of a devtools Payload view,
//! URL / query string / form body with `SAMLResponse` or `SAMLRequest`, and a bare value (URL-encoded,
//! base64, base64 of raw DEFLATE, base64 whose `+` became spaces). A value that is none of these but is
//! recognised as something else people paste by mistake (a JWT, a RelayState) is named as such.

pub mod blob;
pub mod capture;
pub mod html;
pub mod query;
pub mod timeline;

use crate::error::{ErrorKind, InputError};
use crate::limits::Limits;
use crate::source::{BindingParams, Encoding, Origin, Source};
use capture::{Found, FoundValue, JsonKind};
use serde::Serialize;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

/// The form an input was recognised as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// Raw XML.
    Xml,
    /// Base64 of XML (the POST binding), possibly URL-encoded.
    Base64,
    /// Base64 of raw DEFLATE (the Redirect binding), possibly URL-encoded.
    Base64Deflate,
    /// A whole URL carrying SAML parameters.
    Url,
    /// A query string or form body carrying SAML parameters.
    Query,
    /// An HTML page whose form posts SAML parameters (an IdP's auto-submit page).
    HtmlForm,
    /// `Name: value` lines, as a devtools Payload view copies a form's fields.
    Fields,
    /// A HAR 1.2 capture.
    Har,
    /// A SAML-tracer JSON export.
    SamlTracer,
    /// A Keycloak client, client list or realm export.
    KeycloakJson,
    /// Not recognised (the input failed).
    Unknown,
}

impl InputKind {
    pub fn label(self) -> &'static str {
        match self {
            InputKind::Xml => "XML",
            InputKind::Base64 => "base64 (POST binding)",
            InputKind::Base64Deflate => "base64 + DEFLATE (Redirect binding)",
            InputKind::Url => "URL",
            InputKind::Query => "query string / form body",
            InputKind::HtmlForm => "HTML form",
            InputKind::Fields => "devtools Payload lines",
            InputKind::Har => "HAR capture",
            InputKind::SamlTracer => "SAML-tracer export",
            InputKind::KeycloakJson => "Keycloak export",
            InputKind::Unknown => "unrecognised",
        }
    }
}

/// One command-line input after decoding.
#[derive(Debug)]
pub struct LoadedInput {
    /// 0-based position on the command line.
    pub index: usize,
    /// How the input is named in output: the path, `stdin`, or `argument N`.
    pub name: String,
    pub kind: InputKind,
    /// Every SAML message found, in order; a message that failed to decode is an `Err` and does not hide
    /// the others.
    pub messages: Vec<Result<Source, InputError>>,
    /// Set when the input as a whole could not be read or recognised.
    pub error: Option<InputError>,
    /// Entries or requests in a capture.
    pub entries: Option<usize>,
    /// SHA-256 of the original bytes, when they were held (stdin and pasted values; files are hashed by
    /// the report from disk).
    pub sha256: Option<String>,
    /// The whole text of a JSON input that may be a Keycloak export (lint.rs parses and decides).
    pub json_text: Option<Arc<str>>,
    /// Errors a capture shows outside SAML messages (Atlassian error redirects, Keycloak error pages).
    pub events: Vec<capture::CaptureEvent>,
    /// The steps of the login in a HAR capture.
    pub timeline: Option<timeline::Timeline>,
}

impl LoadedInput {
    fn failed(index: usize, name: String, err: InputError) -> Self {
        LoadedInput {
            index,
            name,
            kind: InputKind::Unknown,
            messages: Vec::new(),
            error: Some(err),
            entries: None,
            sha256: None,
            json_text: None,
            events: Vec::new(),
            timeline: None,
        }
    }
}

/// Is this argument meant as a path (so that a missing file is reported as "no such file", not as
/// "not base64")?
pub fn looks_like_path(arg: &str) -> bool {
    let a = arg.trim();
    if a.is_empty()
        || a.contains(char::is_whitespace)
        || a.contains("://")
        || a.contains('=')
        || a.contains('<')
    {
        return false;
    }
    if a.starts_with("./") || a.starts_with("../") || a.starts_with("~/") || a.starts_with(".\\") {
        return true;
    }
    let lower = a.to_ascii_lowercase();
    const EXT: [&str; 12] = [
        ".xml", ".har", ".json", ".b64", ".base64", ".txt", ".saml", ".pem", ".crt", ".cer",
        ".log", ".url",
    ];
    if EXT.iter().any(|e| lower.ends_with(e)) {
        return true;
    }
    // Short values with a path separator (base64 of a SAML message is far longer than this).
    a.len() < 200 && (a.contains('/') || a.contains('\\')) && !a.contains('+')
}

/// What a directory walk reads of a file to decide whether it can hold a SAML message or a Keycloak
/// export.
pub const SNIFF: usize = 64 * 1024;

/// Can this file, found by a directory walk, hold a SAML message, a capture or a Keycloak export?
/// Repositories are full of XML and JSON that is neither (`junit.xml`, `pom.xml`, `package.json`,
/// `tsconfig.json`) and of text files (`requirements.txt`): those are skipped, never reported as bad
/// input. The start of the file decides: JSON with a HAR's `log`, SAML-tracer's `requests`, Keycloak's
/// `clientId` / `clients` / `realm`, or a SAML parameter as a key; XML whose root element is a SAML
/// protocol message or assertion (metadata is `--idp-metadata`'s, not an input); other text that names
/// a SAML parameter or namespace, is an HTML page posting one, or is one base64 value. A file that
/// cannot be read is kept, so that the error is reported.
pub fn may_hold_saml(path: &Path) -> bool {
    match read_head(path, SNIFF) {
        Ok(head) => head_may_hold_saml(&head),
        Err(_) => true,
    }
}

/// The first `cap` bytes of a file: one `open`, one `fstat` to size the buffer, and reads until `cap`
/// bytes or the end (one `read` for a regular file shorter than `cap`), so that a directory walk
/// costs one read of each file it sniffs.
pub fn read_head(path: &Path, cap: usize) -> std::io::Result<Vec<u8>> {
    let mut f = std::fs::File::open(path)?;
    let meta = f.metadata().ok();
    let len = meta.as_ref().map_or(4096, |m| m.len()).min(cap as u64) as usize;
    let mut head = Vec::with_capacity(len + 1);
    read_upto(&mut f, &mut head, cap, meta.as_ref().and_then(known_end))?;
    Ok(head)
}

/// Where a regular file ends, from `fstat`: its length when that is above zero (files of procfs and
/// sysfs say 0 and are read to the end). A file is read as long as it was when opened: bytes a writer
/// appends afterwards are not read (a cut message fails to parse, it never passes).
fn known_end(meta: &std::fs::Metadata) -> Option<usize> {
    (meta.is_file() && meta.len() > 0)
        .then(|| usize::try_from(meta.len()).ok())
        .flatten()
}

/// Append what `r` gives to `buf` until `buf` holds `cap` bytes, or `end` bytes (the file's length
/// when known), or `r` ends. Reads into `buf`'s spare capacity whole (std's `read_to_end` reads 8 KiB
/// first whatever the capacity): a buffer sized from the file's length takes one `read` (a second
/// that sees the end is one system call a file more, a tenth of a batch message's kernel time).
fn read_upto(
    r: &mut impl Read,
    buf: &mut Vec<u8>,
    cap: usize,
    end: Option<usize>,
) -> std::io::Result<()> {
    loop {
        if buf.len() >= cap || end.is_some_and(|e| buf.len() >= e) {
            return Ok(());
        }
        if buf.len() == buf.capacity() {
            buf.reserve(8192.min(cap - buf.len()));
        }
        let start = buf.len();
        let room = (buf.capacity() - start).min(cap - start);
        buf.resize(start + room, 0);
        match r.read(&mut buf[start..]) {
            Ok(n) => {
                buf.truncate(start + n);
                if n == 0 {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    }
}

/// The bytes of a base64 value as a file holds it: both alphabets, padding, white space (a wrapped
/// value) and `%` (a percent-encoded one).
/// Written with `&` and `|` on comparisons only, so that a loop over a block is a vector loop.
const fn base64ish(c: u8) -> bool {
    let alpha = (c | 0x20).wrapping_sub(b'a') < 26;
    let digit = c.wrapping_sub(b'0') < 10;
    // ' ', and tab, LF, form feed, CR (9..=13 but not the vertical tab).
    let space = (c == b' ') | ((c.wrapping_sub(9) < 5) & (c != 0x0b));
    let sign = (c == b'+') | (c == b'/') | (c == b'=') | (c == b'-') | (c == b'_') | (c == b'%');
    alpha | digit | space | sign
}

/// Every byte [`base64ish`] (a vector loop, see [`crate::util::first_byte`]). The common file, the
/// standard alphabet and padding only, is settled by the shorter test of
/// [`blob::standard_base64`] (a subset: when it holds, so does the other).
fn all_base64ish(b: &[u8]) -> bool {
    crate::util::first_byte(b, |c| !blob::standard_base64(c)).is_none()
        || crate::util::first_byte(b, |c| !base64ish(c)).is_none()
}

/// A JSON text that names a realm export's `realm` and `clients` anywhere (the keys a sorted export puts
/// beyond the sniff window). Not the other keys [`head_may_hold_saml`] asks for: `log` or `clientId`
/// deep in an unrelated JSON file must not turn it into an input.
fn late_realm_export(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    json_key(&text, "realm") && json_key(&text, "clients")
}

/// [`may_hold_saml`] on the bytes it read.
pub fn head_may_hold_saml(head: &[u8]) -> bool {
    // Only what is positively recognised as something else (or as nothing: an empty file) is skipped:
    // bytes that are not UTF-8 text (UTF-16, a NUL, a binary file) are linted, so that their problem is
    // reported.
    let text = match std::str::from_utf8(head) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        // A multi-byte character cut by the sniff window is still text.
        Err(e) if e.error_len().is_none() => String::from_utf8_lossy(head),
        Err(_) => return true,
    };
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let t = blob::trim_value(&text);
    if t.is_empty() {
        return false;
    }
    // One base64 value (the POST or Redirect binding), possibly wrapped: a SAML message is long. Asked
    // first because it is the common file and the cheapest answer (no other test below can say no to
    // text of these characters only: it is not JSON, HTML or XML).
    if t.len() >= 100 && all_base64ish(t.as_bytes()) {
        return true;
    }
    if is_json_start(t.as_bytes()) {
        const KEYS: [&str; 6] = [
            "log",
            "requests",
            "clientId",
            "clients",
            "SAMLResponse",
            "SAMLRequest",
        ];
        // A realm export names its `realm` beside `id`, `enabled` or `clientScopes` (what
        // keycloak::detect asks); Keycloak's OIDC adapter config (keycloak.json) names a `realm` too,
        // beside its server URL, and is not an export.
        let adapter = json_key(t, "auth-server-url") && !json_key(t, "clients");
        let realm = json_key(t, "realm")
            && ["id", "enabled", "clientScopes"]
                .iter()
                .any(|k| json_key(t, k));
        return !adapter && (realm || KEYS.iter().any(|k| json_key(t, k)));
    }
    if html::looks_like_html(t) {
        return t.contains("SAMLResponse") || t.contains("SAMLRequest");
    }
    if t.starts_with('<') {
        // No root found in the first bytes (a long DOCTYPE or comment): lint it and let it say.
        return xml_root(t).is_none_or(|(prefix_ns, local)| {
            const ROOTS: [&str; 10] = [
                "Response",
                "AuthnRequest",
                "LogoutRequest",
                "LogoutResponse",
                "Assertion",
                "EncryptedAssertion",
                "ArtifactResolve",
                "ArtifactResponse",
                "AttributeQuery",
                "ManageNameIDRequest",
            ];
            ROOTS.contains(&local) || (prefix_ns && !local.ends_with("Descriptor"))
        });
    }
    if names_a_parameter(t) {
        return true;
    }
    false
}

/// Does this text carry a SAML binding parameter with a value (`SAMLResponse=…`, `SAMLRequest: …`, a
/// URL's `?SAMLRequest=`), not merely mention one (a README that says "paste the SAMLResponse")?
fn names_a_parameter(t: &str) -> bool {
    ["SAMLResponse", "SAMLRequest"].iter().any(|p| {
        t.match_indices(p).any(|(i, _)| {
            let rest = t[i + p.len()..].trim_start_matches([' ', '\t']);
            let rest = rest.strip_prefix(['=', ':']).unwrap_or("");
            // At least a few characters of value after the separator.
            rest.trim_start_matches([' ', '\t'])
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '&')
                .count()
                >= 4
        })
    })
}

/// Does this JSON text have `"key"` as an object key (followed by `:`)?
fn json_key(t: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    let mut rest = t;
    while let Some(i) = rest.find(&quoted) {
        let after = &rest[i + quoted.len()..];
        if after.trim_start().starts_with(':') {
            return true;
        }
        rest = after;
    }
    false
}

/// The root element of an XML text's start: (whether its start tag mentions a SAML namespace, its
/// local name). Declarations, comments and processing instructions before it are skipped.
fn xml_root(t: &str) -> Option<(bool, &str)> {
    let mut rest = t;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if let Some(r) = rest.strip_prefix("<!") {
            // A DOCTYPE (with its internal subset): samlint refuses a SAML message that has one, and
            // a directory walk must report it, not skip it, so the root after it decides.
            let gt = r.find('>')?;
            let end = match r.find('[') {
                Some(b) if b < gt => {
                    let close = b + r[b..].find(']')?;
                    close + r[close..].find('>')?
                }
                _ => gt,
            };
            rest = &r[end + 1..];
        } else {
            break;
        }
    }
    let tag = rest.strip_prefix('<')?;
    let end = tag.find('>').unwrap_or(tag.len());
    let start_tag = &tag[..end];
    let name_end = start_tag
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(start_tag.len());
    let name = &start_tag[..name_end];
    let local = name.rsplit(':').next().unwrap_or(name);
    Some((start_tag.contains("urn:oasis:names:tc:SAML"), local))
}

/// Load one input.
pub fn load(arg: &str, index: usize, stdin: &mut dyn Read, limits: &Limits) -> LoadedInput {
    if arg == "-" {
        return from_stream(index, "stdin", Stream::Stdin, stdin, limits);
    }
    let path = Path::new(arg);
    if path.exists() {
        // Without the look, `from_file` always answers.
        if let Some(li) = from_file(index, arg, path, limits, false) {
            return li;
        }
    }
    let name = format!("argument {}", index + 1);
    if looks_like_path(arg) {
        return LoadedInput::failed(
            index,
            arg.to_string(),
            InputError::new(
                &Origin::new(arg),
                ErrorKind::NotFound {
                    path: arg.to_string(),
                },
            ),
        );
    }
    let mut li = from_text(index, name, arg, true, limits);
    li.sha256 = Some(sha256_hex(arg.as_bytes()));
    li
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The most a non-JSON input can be: one SAML value plus the URL or form body around it.
fn max_single(limits: &Limits) -> u64 {
    limits.max_value as u64 + 64 * 1024
}

/// A reader that fails once more than `limit` bytes came through, and hashes what it passes on.
struct Capped<R> {
    inner: R,
    left: u64,
    hash: sha2::Sha256,
    /// A copy of what passed, while it stays under [`KEEP_JSON`] (a Keycloak export on stdin is parsed
    /// whole); `None` once it grew past that.
    kept: Option<Vec<u8>>,
}

/// The largest Keycloak export read from stdin (files have no such limit below --max-input).
const KEEP_JSON: usize = 64 * 1024 * 1024;

const CAP_MARK: &str = "samlint: input larger than --max-input";

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest as _;
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::other(CAP_MARK));
        }
        self.left -= n as u64;
        self.hash.update(&buf[..n]);
        if let Some(k) = &mut self.kept {
            if k.len() + n > KEEP_JSON {
                self.kept = None;
            } else {
                k.extend_from_slice(&buf[..n]);
            }
        }
        Ok(n)
    }
}

/// What is read once, as it comes.
#[derive(Clone, Copy)]
enum Stream {
    Stdin,
    Pipe,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdin => "stdin",
            Stream::Pipe => "the pipe",
        }
    }
    fn one_value(self) -> &'static str {
        match self {
            Stream::Stdin => "stdin (not a JSON capture, so one SAML value)",
            Stream::Pipe => "the pipe (not a JSON capture, so one SAML value)",
        }
    }
}

/// stdin, or a path that is a pipe (`<(cat x.json)`): read once, as it comes. A JSON capture is streamed
/// like a file; anything else is one value, read only up to the largest a value can be.
fn from_stream(
    index: usize,
    name: &str,
    what: Stream,
    stdin: &mut dyn Read,
    limits: &Limits,
) -> LoadedInput {
    use sha2::Digest as _;
    let name = name.to_string();
    let origin = Origin::new(&name);
    let io = |e: std::io::Error| {
        InputError::new(
            &origin,
            ErrorKind::Io {
                detail: e.to_string(),
            },
        )
    };
    let mut head = vec![0u8; 512];
    let mut n = 0;
    while n < head.len() {
        match stdin.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return LoadedInput::failed(index, name, io(e)),
        }
    }
    head.truncate(n);
    if let Some(le) = utf16_bom(&head) {
        return utf16_input(index, name, head, stdin, le, limits);
    }
    if is_json_start(&head) {
        let mut capped = Capped {
            inner: std::io::Cursor::new(head).chain(stdin),
            left: limits.max_input,
            hash: sha2::Sha256::new(),
            kept: Some(Vec::new()),
        };
        let mut li = from_json(
            index,
            name,
            BufReader::with_capacity(256 * 1024, &mut capped),
            limits,
        );
        if li.error.as_ref().is_some_and(
            |e| matches!(&e.kind, ErrorKind::Json { detail, .. } if detail.contains(CAP_MARK)),
        ) {
            li.error = Some(InputError::too_large(
                &origin,
                what.name(),
                limits.max_input + 1,
                limits.max_input,
                "--max-input",
            ));
        }
        if li.kind == InputKind::KeycloakJson && li.error.is_none() {
            match capped.kept.take().map(|k| utf8(k, &origin)) {
                Some(Ok(t)) => li.json_text = Some(t),
                Some(Err(e)) => li.error = Some(e),
                None => {
                    li.error = Some(InputError::new(
                        &origin,
                        ErrorKind::Io {
                            detail: format!(
                                "a Keycloak export over {} MiB is not read from {} (it is parsed whole); pass it as a file path",
                                KEEP_JSON >> 20,
                                what.name()
                            ),
                        },
                    ))
                }
            }
        }
        li.sha256 = Some(
            capped
                .hash
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
        );
        return li;
    }
    let cap = max_single(limits);
    let mut buf = head;
    if let Err(e) = stdin.take(cap + 1 - buf.len() as u64).read_to_end(&mut buf) {
        return LoadedInput::failed(index, name, io(e));
    }
    if buf.len() as u64 > cap {
        // Stop reading: no single SAML value is this large.
        return LoadedInput::failed(
            index,
            name,
            InputError::too_large(
                &origin,
                what.one_value(),
                buf.len() as u64,
                cap,
                "--max-value",
            ),
        );
    }
    let digest = sha256_hex(&buf);
    let mut li = from_bytes(index, name, buf, limits);
    li.sha256 = Some(digest);
    li
}

/// [`load`] of a file a directory walk found: `None` when its start cannot hold a SAML message, a
/// capture or a Keycloak export ([`head_may_hold_saml`] on its first [`SNIFF`] bytes). One read of the
/// file serves the look and the lint.
pub fn load_found(arg: &str, index: usize, limits: &Limits) -> Option<LoadedInput> {
    from_file(index, arg, Path::new(arg), limits, true)
}

/// Read a file named on the command line, or (`sniff`) one a directory walk found, which is `None`
/// when its start cannot hold SAML (a file that cannot be read is kept, so that the error is reported).
fn from_file(
    index: usize,
    arg: &str,
    path: &Path,
    limits: &Limits,
    sniff: bool,
) -> Option<LoadedInput> {
    let name = arg.to_string();
    let origin = Origin::new(&name);
    let io_err = |e: std::io::Error| {
        InputError::new(
            &origin,
            ErrorKind::Io {
                detail: e.to_string(),
            },
        )
    };
    // One open; the type and length come from the open file (no second look at the path).
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Some(LoadedInput::failed(index, name, io_err(e))),
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => return Some(LoadedInput::failed(index, name, io_err(e))),
    };
    if meta.is_dir() {
        return Some(LoadedInput::failed(
            index,
            name,
            InputError::new(
                &origin,
                ErrorKind::Io {
                    detail: "is a directory".into(),
                },
            ),
        ));
    }
    if !meta.is_file() {
        // A pipe or a device: it gives its bytes once, so it is read as stdin is.
        return Some(from_stream(index, &name, Stream::Pipe, &mut file, limits));
    }
    // Sniff the start: JSON captures are streamed, everything else is small and read whole, into a
    // buffer sized from the file's length (no growth, no copy of the start).
    let small = meta.len() <= max_single(limits);
    let end = known_end(&meta);
    let mut buf: Vec<u8> = Vec::with_capacity(if small { meta.len() as usize + 1 } else { 512 });
    // The walk's look: the first SNIFF bytes, which the lint then reads on from.
    let mut whole = false;
    if sniff {
        if let Err(e) = read_upto(&mut file, &mut buf, SNIFF, end) {
            return Some(LoadedInput::failed(index, name, io_err(e)));
        }
        whole = buf.len() < SNIFF;
        if let Some(le) = utf16_bom(&buf) {
            // The look reads as many characters as for UTF-8 (review 37: SNIFF bytes of UTF-16 are
            // half as many, and a form posted past them was skipped in a folder, linted when named),
            // transcoded (an odd cut at the window's end left out).
            if !whole {
                if let Err(e) = read_upto(&mut file, &mut buf, 2 * SNIFF, end) {
                    return Some(LoadedInput::failed(index, name, io_err(e)));
                }
                whole = buf.len() < 2 * SNIFF;
            }
            let head = &buf[..buf.len() & !1];
            let text = match from_utf16(head, le) {
                Ok(t) => t,
                Err(_) => return Some(utf16_input(index, name, buf, &mut file, le, limits)),
            };
            let json_late = || {
                !whole
                    && is_json_start(&text[..text.len().min(512)])
                    && meta.len() <= limits.max_input
            };
            if !head_may_hold_saml(&text) && !json_late() {
                return None;
            }
            let li = utf16_input(index, name, buf, &mut file, le, limits);
            // As for UTF-8: a realm export sorted by key is kept, other JSON the look missed is not.
            return (head_may_hold_saml(&text) || li.kind == InputKind::KeycloakJson).then_some(li);
        }
        if !head_may_hold_saml(&buf) {
            // A realm export longer than the window whose keys are sorted (`jq -S`) names `clients`
            // and `realm` only after `authenticationFlows` and `clientScopes`: the whole JSON decides
            // (review 31: such a file in a folder was skipped and the run passed).
            if whole || !is_json_start(&buf[..buf.len().min(512)]) || meta.len() > limits.max_input
            {
                return None;
            }
            if let Err(e) = read_upto(&mut file, &mut buf, limits.max_input as usize, end) {
                return Some(LoadedInput::failed(index, name, io_err(e)));
            }
            whole = true;
            if !late_realm_export(&buf) {
                return None;
            }
        }
    }
    if meta.len() > limits.max_input {
        return Some(LoadedInput::failed(
            index,
            name,
            InputError::too_large(
                &origin,
                "the file",
                meta.len(),
                limits.max_input,
                "--max-input",
            ),
        ));
    }
    if !whole && let Err(e) = read_upto(&mut file, &mut buf, 512, end) {
        return Some(LoadedInput::failed(index, name, io_err(e)));
    }
    if let Some(le) = utf16_bom(&buf) {
        return Some(utf16_input(index, name, buf, &mut file, le, limits));
    }
    // The first 512 bytes decide, whatever the walk's look read beyond them: a file is read the same
    // way named on the command line or found in a folder.
    if is_json_start(&buf[..buf.len().min(512)]) {
        let reader = BufReader::with_capacity(256 * 1024, std::io::Cursor::new(buf).chain(file));
        let mut li = from_json(index, name, reader, limits);
        if li.kind == InputKind::KeycloakJson {
            // Keycloak exports are parsed whole (with spans): read the file again.
            match std::fs::read(path).map(|b| utf8(b, &origin)) {
                Ok(Ok(t)) => li.json_text = Some(t),
                Ok(Err(e)) => li.error = Some(e),
                Err(e) => li.error = Some(io_err(e)),
            }
        }
        return Some(li);
    }
    if meta.len() > max_single(limits) {
        // Not a JSON capture, so it can only be one SAML value: refuse without reading it.
        return Some(LoadedInput::failed(
            index,
            name,
            InputError::too_large(
                &origin,
                "the file (not a JSON capture, so one SAML value)",
                meta.len(),
                max_single(limits),
                "--max-value",
            ),
        ));
    }
    let cap = usize::try_from(limits.max_input).unwrap_or(usize::MAX);
    if !whole && let Err(e) = read_upto(&mut file, &mut buf, cap, end) {
        return Some(LoadedInput::failed(index, name, io_err(e)));
    }
    Some(from_bytes(index, name, buf, limits))
}

/// Does the text start (after a UTF-8 byte-order mark and white space) as JSON does?
pub(crate) fn is_json_start(head: &[u8]) -> bool {
    let head = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    matches!(
        head.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{') | Some(b'[')
    )
}

fn from_bytes(index: usize, name: String, buf: Vec<u8>, limits: &Limits) -> LoadedInput {
    if is_json_start(&buf) {
        let mut li = from_json(index, name.clone(), std::io::Cursor::new(&buf[..]), limits);
        if li.kind == InputKind::KeycloakJson {
            match utf8(buf, &Origin::new(&name)) {
                Ok(t) => li.json_text = Some(t),
                Err(e) => return LoadedInput::failed(index, name, e),
            }
        }
        return li;
    }
    // Validated in place: from_text copies what it keeps, so the buffer is not copied into an Arc.
    match std::str::from_utf8(&buf) {
        Ok(text) => from_text(index, name, text, false, limits),
        Err(e) => {
            let e = not_utf8(&e, &Origin::new(&name));
            LoadedInput::failed(index, name, e)
        }
    }
}

/// Bytes as text; invalid UTF-8 is an error naming the offset.
fn utf8(buf: Vec<u8>, origin: &Origin) -> Result<Arc<str>, InputError> {
    String::from_utf8(buf)
        .map(Arc::from)
        .map_err(|e| not_utf8(&e.utf8_error(), origin))
}

fn not_utf8(e: &std::str::Utf8Error, origin: &Origin) -> InputError {
    InputError::new(
        origin,
        ErrorKind::NotUtf8 {
            offset: e.valid_up_to(),
        },
    )
}

/// The byte order of a text that starts with a UTF-16 byte order mark (`FF FE`: little-endian, as
/// Windows PowerShell 5.1's `>` and Notepad's "Unicode" write; `FE FF`: big-endian).
pub(crate) fn utf16_bom(head: &[u8]) -> Option<bool> {
    match head {
        [0xFF, 0xFE, ..] => Some(true),
        [0xFE, 0xFF, ..] => Some(false),
        _ => None,
    }
}

/// A file saved as UTF-16 (with its byte order mark) as UTF-8, without the mark: the file's encoding is
/// how it was saved, not part of what it holds (ripgrep reads such files the same way). The SAML
/// values inside are still decoded from what the text says. `Err` holds the offset, in the file, of a
/// unit that is not UTF-16 (an unpaired surrogate, or an odd byte at the end).
fn from_utf16(bytes: &[u8], little_endian: bool) -> Result<Vec<u8>, ErrorKind> {
    let body = bytes.get(2..).unwrap_or_default();
    let bad = |offset: usize| ErrorKind::NotUtf16 { offset };
    if body.len() % 2 == 1 {
        return Err(bad(bytes.len() - 1));
    }
    let units = body.chunks_exact(2).map(|u| {
        if little_endian {
            u16::from_le_bytes([u[0], u[1]])
        } else {
            u16::from_be_bytes([u[0], u[1]])
        }
    });
    let mut out = Vec::with_capacity(body.len());
    let mut at = 2;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| bad(at))?;
        at += 2 * c.len_utf16();
        let mut b = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
    }
    Ok(out)
}

/// Does the (transcoded) text start with an XML declaration whose `encoding` names UTF-16? Read as
/// the prescan reads declarations (not `<?xml-stylesheet … utf-16-view.xsl?>`: review 38).
fn declares_utf16(text: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&text[..text.len().min(4096)]);
    crate::xml::prescan::declared_encoding(&head)
        .is_some_and(|e| e.to_ascii_lowercase().starts_with("utf-16"))
}

/// The rest of a UTF-16 input read (to `cap` bytes at most: a larger one is refused as too large) and
/// transcoded, then linted as a UTF-8 one is.
fn utf16_input(
    index: usize,
    name: String,
    mut buf: Vec<u8>,
    rest: &mut dyn Read,
    little_endian: bool,
    limits: &Limits,
) -> LoadedInput {
    let origin = Origin::new(&name);
    let cap = limits.max_input;
    if let Err(e) = rest
        .take(cap.saturating_add(1).saturating_sub(buf.len() as u64))
        .read_to_end(&mut buf)
    {
        let kind = ErrorKind::Io {
            detail: e.to_string(),
        };
        return LoadedInput::failed(index, name, InputError::new(&origin, kind));
    }
    if buf.len() as u64 > cap {
        let e = InputError::too_large(&origin, "the input", buf.len() as u64, cap, "--max-input");
        return LoadedInput::failed(index, name, e);
    }
    let digest = sha256_hex(&buf);
    let mut li = match from_utf16(&buf, little_endian) {
        Ok(text) => {
            drop(buf);
            if !is_json_start(&text[..text.len().min(512)])
                && text.len() as u64 > max_single(limits)
            {
                let e = InputError::too_large(
                    &origin,
                    "the input (not a JSON capture, so one SAML value)",
                    text.len() as u64,
                    max_single(limits),
                    "--max-value",
                );
                return LoadedInput::failed(index, name, e);
            }
            if declares_utf16(&text) {
                let kind = ErrorKind::Encoding {
                    detail: "the file is UTF-16 and its XML declaration names UTF-16; samlint reads a file's UTF-16 as its UTF-8 text, which that declaration then misnames. Save it as UTF-8 without the declaration, or give the SAMLResponse value (or a HAR) the SP received".into(),
                };
                return LoadedInput::failed(index, name, InputError::new(&origin, kind));
            }
            from_bytes(index, name, text, limits)
        }
        Err(kind) => LoadedInput::failed(index, name, InputError::new(&origin, kind)),
    };
    li.sha256 = Some(digest);
    li
}

fn from_json<R: Read>(index: usize, name: String, reader: R, limits: &Limits) -> LoadedInput {
    let origin = Origin::new(&name);
    // A UTF-8 byte order mark, which Jackson (Keycloak's import) and browsers' HAR readers skip, is
    // skipped (review 31: a Keycloak export saved with one was refused).
    let mut reader = std::io::BufReader::new(reader);
    if let Ok(head) = std::io::BufRead::fill_buf(&mut reader)
        && head.starts_with(&[0xEF, 0xBB, 0xBF])
    {
        std::io::BufRead::consume(&mut reader, 3);
    }
    let mut scan = match capture::scan(reader) {
        Ok(s) => s,
        Err(e) => {
            let kind = ErrorKind::Json {
                detail: strip_serde_position(&e.to_string()),
                line: e.line(),
                column: e.column(),
            };
            return LoadedInput::failed(index, name, InputError::new(&origin, kind));
        }
    };
    let (kind, what) = match scan.kind {
        Some(JsonKind::Har) => (InputKind::Har, "HAR file"),
        Some(JsonKind::SamlTracer) => (InputKind::SamlTracer, "SAML-tracer export"),
        Some(JsonKind::Params) => (InputKind::Query, "parameter object"),
        _ if scan.keycloak_hint => {
            // The caller attaches the text; lint.rs parses it and reports what it is not.
            return LoadedInput {
                index,
                name,
                kind: InputKind::KeycloakJson,
                messages: Vec::new(),
                error: None,
                entries: None,
                sha256: None,
                json_text: None,
                events: Vec::new(),
                timeline: None,
            };
        }
        _ => {
            return LoadedInput::failed(
                index,
                name,
                InputError::new(
                    &origin,
                    ErrorKind::Unrecognised {
                        detail: "JSON that is neither a HAR capture (no `log`), a SAML-tracer export (no `requests`), a Keycloak export (no `clientId`, `clients` or `realm`) nor an object with SAMLResponse / SAMLRequest"
                            .into(),
                    },
                ),
            );
        }
    };
    if scan.found.is_empty() {
        let mut li = LoadedInput::failed(
            index,
            name,
            InputError::new(
                &origin,
                ErrorKind::NoSaml {
                    what,
                    shown: Vec::new(),
                },
            ),
        );
        li.kind = kind;
        // What the capture shows instead (an error page); lint.rs names the known ones in the error.
        li.events = std::mem::take(&mut scan.events);
        li.entries = Some(scan.entries);
        li.timeline = scan.timeline.take();
        return li;
    }
    if let Some(e) = too_many_messages(&origin, scan.found.len(), limits) {
        return LoadedInput::failed(index, name, e);
    }
    let events = std::mem::take(&mut scan.events);
    let messages = scan
        .found
        .into_iter()
        .map(|f| found_to_source(&origin, f, limits))
        .collect();
    LoadedInput {
        index,
        name,
        kind,
        messages,
        error: None,
        entries: Some(scan.entries),
        sha256: None,
        json_text: None,
        events,
        timeline: scan.timeline.take(),
    }
}

/// One input carries at most `--max-messages` messages.
fn too_many_messages(origin: &Origin, n: usize, limits: &Limits) -> Option<InputError> {
    (n > limits.max_messages).then(|| {
        InputError::new(
            origin,
            ErrorKind::TooMany {
                what: "SAML messages in one input",
                count: n,
                limit: limits.max_messages,
                flag: "--max-messages",
            },
        )
    })
}

fn strip_serde_position(s: &str) -> String {
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

fn found_to_source(base: &Origin, f: Found, limits: &Limits) -> Result<Source, InputError> {
    let mut origin = base.with(f.label);
    if let Some(p) = &f.binding.parameter {
        origin.push(p.clone());
    }
    match f.value {
        FoundValue::Encoded {
            value,
            form_encoded,
        } => {
            let d = blob::decode_value(&value, form_encoded, &origin, limits)?;
            Ok(make_source(origin, d.encodings, f.binding, d.text))
        }
        FoundValue::DecodedXml(xml) => {
            origin.push("saml (as decoded by SAML-tracer)");
            Ok(make_source(origin, Vec::new(), f.binding, xml))
        }
    }
}

fn make_source(
    mut origin: Origin,
    encodings: Vec<Encoding>,
    binding: BindingParams,
    text: String,
) -> Source {
    for e in &encodings {
        origin.push(e.origin_step());
    }
    Source {
        origin,
        encodings,
        binding,
        text: Arc::from(text),
        lines: None,
    }
}

/// `argument`: the text is a command-line argument (not a file's or a stream's content), so that a short
/// token that decodes to nothing may be a mistyped path.
fn from_text(
    index: usize,
    name: String,
    text: &str,
    argument: bool,
    limits: &Limits,
) -> LoadedInput {
    let origin = Origin::new(&name);
    let trimmed = blob::trim_value(text);
    if trimmed.is_empty() {
        return LoadedInput::failed(index, name, InputError::new(&origin, ErrorKind::Empty));
    }
    if is_json_start(trimmed.as_bytes()) {
        let mut li = from_json(
            index,
            name,
            std::io::Cursor::new(trimmed.as_bytes()),
            limits,
        );
        if li.kind == InputKind::KeycloakJson {
            li.json_text = Some(Arc::from(trimmed));
        }
        return li;
    }
    if html::looks_like_html(trimmed)
        && let Some(li) = from_html(index, &name, &origin, trimmed, limits)
    {
        return li;
    }
    if blob::looks_like_xml(trimmed) {
        if trimmed.len() > limits.max_value {
            return LoadedInput::failed(
                index,
                name,
                InputError::too_large(
                    &origin,
                    "the XML message",
                    trimmed.len() as u64,
                    limits.max_value as u64,
                    "--max-value",
                ),
            );
        }
        // Keep the text exactly as given (spans point into it); only a BOM is dropped by the parser.
        let src = make_source(
            origin,
            Vec::new(),
            BindingParams::default(),
            text.to_string(),
        );
        return LoadedInput {
            index,
            name,
            kind: InputKind::Xml,
            messages: vec![Ok(src)],
            error: None,
            entries: None,
            sha256: None,
            json_text: None,
            events: Vec::new(),
            timeline: None,
        };
    }
    if let Some(fields) = query::field_lines(trimmed) {
        let mut found = Vec::new();
        capture::push_fields(
            &crate::source::Step::from("Payload view"),
            &BindingParams::default(),
            &fields,
            &mut found,
        );
        return from_found(index, name, &origin, InputKind::Fields, found, limits);
    }
    if query::has_saml_param(trimmed) {
        let is_url = trimmed.starts_with("http://") || trimmed.starts_with("https://");
        let raw = query::query_part(trimmed);
        if let Some(param) = query::html_escaped(trimmed)
            .or_else(|| query::html_escaped_names(&query::parse_pairs(raw)))
        {
            return LoadedInput::failed(
                index,
                name,
                InputError::new(&origin, ErrorKind::HtmlEscaped { name: param }),
            );
        }
        let mut found = Vec::new();
        let base = BindingParams {
            url: is_url.then(|| trimmed.to_string()),
            ..BindingParams::default()
        };
        capture::push_pairs_pub(&base, raw, &mut found);
        let kind = if is_url {
            InputKind::Url
        } else {
            InputKind::Query
        };
        return from_found(index, name, &origin, kind, found, limits);
    }
    // The text as given: a trailing space can be a `+` that form decoding turned into one.
    match blob::decode_value(text, false, &origin, limits) {
        Ok(d) => {
            let src = make_source(origin, d.encodings, BindingParams::default(), d.text);
            let kind = if src.inflated() {
                InputKind::Base64Deflate
            } else {
                InputKind::Base64
            };
            LoadedInput {
                index,
                name,
                kind,
                messages: vec![Ok(src)],
                error: None,
                entries: None,
                sha256: None,
                json_text: None,
                events: Vec::new(),
                timeline: None,
            }
        }
        Err(e) => {
            if let Some(what) = blob::misplaced(trimmed) {
                return LoadedInput::failed(
                    index,
                    name,
                    InputError::new(&origin, ErrorKind::Misplaced { what }),
                );
            }
            // A short single argument that decodes to nothing is far more likely a mistyped path (a
            // file's content is what it is, even when it reads like a path).
            if argument
                && trimmed.len() < 24
                && !trimmed.contains(char::is_whitespace)
                && matches!(
                    e.kind,
                    ErrorKind::Base64 { .. } | ErrorKind::Unrecognised { .. }
                )
            {
                return LoadedInput::failed(
                    index,
                    trimmed.to_string(),
                    InputError::new(
                        &Origin::new(trimmed),
                        ErrorKind::NotFound {
                            path: trimmed.to_string(),
                        },
                    ),
                );
            }
            LoadedInput::failed(index, name, e)
        }
    }
}

/// The messages found in a set of fields, as one input of that kind.
fn from_found(
    index: usize,
    name: String,
    origin: &Origin,
    kind: InputKind,
    found: Vec<Found>,
    limits: &Limits,
) -> LoadedInput {
    if let Some(e) = too_many_messages(origin, found.len(), limits) {
        return LoadedInput::failed(index, name, e);
    }
    let messages = found
        .into_iter()
        .map(|f| found_to_source(origin, f, limits))
        .collect();
    LoadedInput {
        index,
        name,
        kind,
        messages,
        error: None,
        entries: None,
        sha256: None,
        json_text: None,
        events: Vec::new(),
        timeline: None,
    }
}

/// An HTML page: every form that posts SAMLResponse or SAMLRequest, each as the request the browser
/// would send (method and action, the fields decoded). `None` when no form carries SAML and the text is
/// not plainly an HTML document, so that XML whose root is `html` is still read (and linted) as XML.
fn from_html(
    index: usize,
    name: &str,
    origin: &Origin,
    text: &str,
    limits: &Limits,
) -> Option<LoadedInput> {
    let forms = html::forms(text);
    let carrying: Vec<&html::Form> = forms
        .iter()
        .filter(|f| {
            f.fields
                .iter()
                .any(|(n, _)| query::MESSAGE_PARAMS.contains(&n.as_str()))
        })
        .collect();
    if carrying.is_empty() {
        let doctype = html::after_comments(text)
            .get(..14)
            .is_some_and(|h| h.eq_ignore_ascii_case("<!doctype html"));
        return doctype.then(|| {
            let mut li = LoadedInput::failed(
                index,
                name.to_string(),
                InputError::new(
                    origin,
                    ErrorKind::NoSaml {
                        what: "HTML page",
                        shown: Vec::new(),
                    },
                ),
            );
            li.kind = InputKind::HtmlForm;
            li
        });
    }
    let mut found = Vec::new();
    let several = carrying.len() > 1;
    for (k, f) in carrying.iter().enumerate() {
        let label = crate::source::Step::request(
            if several {
                format!("HTML form {}", k + 1)
            } else {
                "HTML form".to_string()
            },
            f.method.as_deref(),
            f.action.as_deref(),
        );
        // A POST form's fields are its body (review 39: without this the page's response was taken
        // as carried in the action URL's query, and predicted rejected); a form without a method is
        // a GET, whose fields a browser sends in the URL's query.
        let posted = f
            .method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("POST"));
        let base = BindingParams {
            method: f.method.clone(),
            url: f.action.clone(),
            in_body: posted,
            not_urlencoded: f.not_urlencoded,
            ..BindingParams::default()
        };
        let first = found.len();
        capture::push_fields(&label, &base, &f.fields, &mut found);
        for m in found.iter_mut().skip(first) {
            // Its textareas and selects are posted too: Express's limits count them.
            m.binding.set_fields += f.other_fields;
            m.binding.set_bytes += f.other_bytes;
            // A field samlint read that the browser may not post (disabled, an image button): how
            // many copies reach the SP is not known, so repeated copies are no certain rejection
            // (review 49: a disabled second copy was predicted rejected as 'more than once'); the
            // ambiguity says why instead.
            m.binding.repeated &= f.unposted.is_empty();
        }
    }
    // What a browser could post is more than samlint's form reading sees (a textarea or select, a field
    // outside its form with form=…, a comment a browser ends earlier, a nested form): the page must name
    // exactly the binding parameters samlint read, once each, in one form, or no message is `valid`.
    if let Some(why) = html_ambiguity(text, &forms, carrying.len()) {
        for f in &mut found {
            if !f.binding.ambiguous.contains(&why) {
                f.binding.ambiguous.push(why.clone());
            }
        }
    }
    Some(from_found(
        index,
        name.to_string(),
        origin,
        InputKind::HtmlForm,
        found,
        limits,
    ))
}

/// Why an HTML page's SAML fields are ambiguous, if they are: more than one form carries a message, a
/// binding parameter is read twice, or the page names binding parameters (`name="SAMLResponse"`, after
/// character references, anywhere: in a textarea, select, comment or script) that the form reading did
/// not take as fields.
fn html_ambiguity(text: &str, forms: &[html::Form], carrying: usize) -> Option<String> {
    if carrying > 1 {
        return Some(format!("{carrying} forms carry a SAML message"));
    }
    // Review (2026-12-05): a browser decodes more character references in a name than samlint does
    // (`&#83AMLResponse` without its `;`, any number of leading zeros, the whole named table), and
    // reads a page in the charset it declares (ISO-2022-JP drops an escape sequence inside a name):
    // a field name written either way may be one more binding parameter.
    if name_with_reference(text) {
        return Some("the page writes a field name with a character reference (&…), which browsers decode in more ways than samlint reads".into());
    }
    // A submit button's formaction / formmethod / formenctype override the form's (a script may click
    // it), a <base href> is what a relative action resolves against (`action="#"` keeps its query),
    // and SVG or MathML content reads tags otherwise than HTML (a <title> there is no raw text).
    let lower = text.to_ascii_lowercase();
    if [
        "formaction",
        "formmethod",
        "formenctype",
        "<base",
        "<svg",
        "<math",
        // A frameset replaces the page's body, forms and all (review 50: nothing was posted).
        "<frameset",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Some("the page holds a form override (formaction, formmethod, formenctype), a <base>, a <frameset> or SVG/MathML content, which samlint does not read as a browser does".into());
    }
    if foreign_charset(text) {
        // Not named: the declared charset is the page's text.
        return Some("the page declares a charset other than UTF-8, or holds escape bytes, and samlint reads it as UTF-8".into());
    }
    // A field samlint read that the browser does not post as read: the SP gets no message, or another.
    if let Some(why) = forms
        .iter()
        .filter(|f| {
            f.fields
                .iter()
                .any(|(n, _)| query::MESSAGE_PARAMS.contains(&n.as_str()))
        })
        .find_map(|f| f.unposted.first())
    {
        return Some((*why).to_string());
    }
    // A POST keeps its action's query: a binding parameter there is one more copy (servlets read the
    // query's first).
    for f in forms {
        let posted = f.method.as_deref() == Some("POST");
        let carries = f
            .fields
            .iter()
            .any(|(n, _)| query::MESSAGE_PARAMS.contains(&n.as_str()));
        if let (true, true, Some(action)) = (posted, carries, &f.action) {
            let in_query = query::url_params(action.split('#').next().unwrap_or(action));
            let names = in_query
                .iter()
                .map(|p| (p.name.as_str(), p.raw_name.as_str()))
                .chain(f.fields.iter().map(|(n, _)| (n.as_str(), n.as_str())));
            let why = query::ambiguities(names);
            if !why.is_empty() {
                // Said of the fields alone when they are ambiguous without the action's query
                // (review 57: two SAMLResponse fields were blamed on the action URL too).
                let alone =
                    query::ambiguities(f.fields.iter().map(|(n, _)| (n.as_str(), n.as_str())));
                return Some(if alone.is_empty() {
                    format!(
                        "the form's action URL and its fields together: {}",
                        why.join("; ")
                    )
                } else {
                    format!("the form's fields: {}", alone.join("; "))
                });
            }
            // A copy after a `;` in the action's query, which legacy parsers split off (review 41).
            let query = query::query_part(action.split('#').next().unwrap_or(action));
            if query::names_in(query)
                .iter()
                .any(|n| query::names_a_message(n))
            {
                return Some(
                    "the form's action URL carries a SAML message beside its fields, after a ';' that legacy form parsers (Python 2, Rack 2) split on".into(),
                );
            }
        }
    }
    let mut read = [0usize; query::BINDING_PARAMS.len()];
    for f in forms {
        for (n, _) in &f.fields {
            if let Some(i) = query::BINDING_PARAMS.iter().position(|p| p == n) {
                read[i] += 1;
            }
        }
    }
    let named = named_binding_params(&html::decode_references(text));
    for (i, p) in query::BINDING_PARAMS.iter().enumerate() {
        if read[i] > 1 {
            return Some(format!("{p} appears {} times", read[i]));
        }
        if named[i] != read[i] {
            return Some(format!(
                "the page names {p} in {} places, and samlint read {} of them as a form field",
                named[i], read[i]
            ));
        }
    }
    None
}

/// The values of every `name` and `dirname` attribute in the raw text, as written (quoted, or up to white
/// space or `>`). `name` as a whole attribute name: not `x-name` or `username`. `dirname` counts too: a
/// browser posts one more field under its value (the text's direction, `ltr`), and PHP, which keeps
/// the last copy, or Node, which makes the two an array, reads that one.
fn name_values(text: &str) -> Vec<&str> {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&b[from..], b"name") {
        let at = from + k;
        let mut j = at + 4;
        from = j;
        let part = |k: usize| k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'-');
        let start = if at >= 3 && &b[at - 3..at] == b"dir" {
            at - 3
        } else {
            at
        };
        if part(start) {
            continue;
        }
        while b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 1;
        }
        let (open, close): (usize, &[u8]) = match b.get(j) {
            Some(b'"') => (j + 1, b"\""),
            Some(b'\'') => (j + 1, b"'"),
            _ => (j, b" \t\r\n\x0c>"),
        };
        let end = b[open..]
            .iter()
            .position(|c| close.contains(c))
            .map_or(b.len(), |e| open + e);
        if let Some(v) = text.get(open..end) {
            out.push(v);
        }
    }
    out
}

/// Does the page write a field name (or a `dirname`) with a character reference?
fn name_with_reference(text: &str) -> bool {
    text.contains('&') && name_values(text).iter().any(|v| v.contains('&'))
}

/// Does the page declare a charset other than UTF-8 (or US-ASCII), or hold an escape byte (a browser
/// may detect ISO-2022-JP from those)? A browser then reads it otherwise than samlint.
fn foreign_charset(text: &str) -> bool {
    if text.contains('\u{1b}') {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(k) = lower[from..].find("charset") {
        let at = from + k + "charset".len();
        from = at;
        let rest = lower[at..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let cs: String = rest
            .trim_start()
            .trim_start_matches(['"', '\''])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        if !cs.is_empty() && !matches!(cs.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii") {
            return true;
        }
    }
    false
}

/// How often each binding parameter is given as a `name` (or `dirname`) attribute's value anywhere in
/// the text (case-insensitive, white space and quotes around it skipped, anything after it that cannot
/// continue a name: what a browser might post, counted generously).
fn named_binding_params(text: &str) -> [usize; query::BINDING_PARAMS.len()] {
    let mut counts = [0usize; query::BINDING_PARAMS.len()];
    for v in name_values(text) {
        let v = v
            .trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '"' || c == '\'')
            .as_bytes();
        for (i, p) in query::BINDING_PARAMS.iter().enumerate() {
            if v.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
                && !v
                    .get(p.len())
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                counts[i] += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known end stops the reads there (no read that sees the end); without one, the reads go on
    /// to the end; `cap` bounds both.
    #[test]
    fn reads_stop_at_the_known_end_or_go_on_to_the_end() {
        /// A reader that counts its calls and gives at most 3 bytes a call.
        struct Slow<'a>(&'a [u8], usize);
        impl Read for Slow<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.1 += 1;
                let n = buf.len().min(3).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let data = b"0123456789";
        let (mut r, mut buf) = (Slow(data, 0), Vec::with_capacity(11));
        read_upto(&mut r, &mut buf, 1 << 20, Some(6)).unwrap();
        assert_eq!((buf.as_slice(), r.1), (&data[..6], 2));
        let (mut r, mut buf) = (Slow(data, 0), Vec::with_capacity(11));
        read_upto(&mut r, &mut buf, 1 << 20, None).unwrap();
        assert_eq!(
            (buf.as_slice(), r.1),
            (&data[..], 5),
            "four reads and the one at the end"
        );
        let (mut r, mut buf) = (Slow(data, 0), Vec::new());
        read_upto(&mut r, &mut buf, 4, Some(10)).unwrap();
        assert_eq!(&buf[..], &data[..4]);
        // A file that ends before its stated length (cut while being read) ends the reads.
        let (mut r, mut buf) = (Slow(&data[..2], 0), Vec::new());
        read_upto(&mut r, &mut buf, 1 << 20, Some(10)).unwrap();
        assert_eq!(&buf[..], &data[..2]);
    }

    /// Files that state no length (procfs) are read to their end, and a regular file whole.
    #[test]
    fn a_file_without_a_stated_length_is_read_to_its_end() {
        if let Ok(m) = std::fs::metadata("/proc/self/status") {
            assert_eq!(m.len(), 0, "procfs states no length");
            let head = read_head(Path::new("/proc/self/status"), 1 << 20).unwrap();
            assert!(String::from_utf8_lossy(&head).contains("\nPid:"));
        }
        let path = std::env::temp_dir().join(format!("samlint-read-{}.txt", std::process::id()));
        std::fs::write(&path, "x".repeat(70_000)).unwrap();
        let whole = read_head(&path, 1 << 20).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(whole.len(), 70_000);
    }

    #[test]
    fn the_base64_look_is_its_character_rule() {
        let rule = |c: u8| {
            c.is_ascii_alphanumeric()
                || c.is_ascii_whitespace()
                || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_' | b'%')
        };
        for c in 0..=255u8 {
            assert_eq!(base64ish(c), rule(c), "{c:#x}");
            // The shorter test all_base64ish asks first is a subset.
            assert!(!blob::standard_base64(c) || base64ish(c), "{c:#x}");
            for len in [1usize, 63, 64, 65, 300] {
                for at in [0, len / 2, len - 1] {
                    let mut b = vec![b'Q'; len];
                    b[at] = c;
                    assert_eq!(
                        all_base64ish(&b),
                        b.iter().all(|&x| rule(x)),
                        "{c:#x} {len} {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn path_heuristic() {
        for p in [
            "capture.har",
            "./x",
            "dir/response.b64",
            "../a/b.xml",
            "C:\\x\\y.xml",
            "fixtures/missing",
        ] {
            assert!(looks_like_path(p), "{p}");
        }
        for v in [
            "PHNhbWxwOlJlc3BvbnNl",
            "https://x/?SAMLResponse=a",
            "<a/>",
            "SAMLResponse=abc",
            "PHNh/bWx+wOlJl/c3BvbnNl/PHNh/bWx+wOlJl/c3BvbnNl/PHNh/bWx+wOlJl/c3BvbnNl/PHNh/bWx+wOlJl/c3BvbnNl",
        ] {
            assert!(!looks_like_path(v), "{v}");
        }
    }
}
