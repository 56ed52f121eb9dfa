//! Typed errors for inputs that cannot be linted (exit code 2).
//!
//! Library code returns these; only the CLI renders them (through miette). Each error names the input
//! (its origin chain), says what is wrong, and where the problem sits in a decoded text, points at it.

use crate::source::{Origin, Span};
use crate::util::human_bytes;
use std::fmt;
use std::sync::Arc;

/// What went wrong, without the where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound {
        path: String,
    },
    Io {
        detail: String,
    },
    TooLarge {
        what: &'static str,
        size: u64,
        limit: u64,
        flag: &'static str,
    },
    Empty,
    /// A directory named on the command line in which nothing was linted; `skipped` files were found
    /// and left out.
    NothingFound {
        skipped: usize,
    },
    Unrecognised {
        detail: String,
    },
    Base64 {
        detail: String,
    },
    Inflate {
        detail: String,
    },
    InflateBomb {
        input: usize,
        output: usize,
        limit: usize,
        ratio: bool,
    },
    NotUtf8 {
        offset: usize,
    },
    /// A file that starts with a UTF-16 byte order mark but is not UTF-16 from there.
    NotUtf16 {
        offset: usize,
    },
    NotXml {
        detail: String,
    },
    Doctype,
    TooDeep {
        depth: usize,
        limit: usize,
    },
    Xml {
        detail: String,
    },
    Namespace {
        detail: String,
    },
    /// The XML declaration names an encoding the bytes are not in (libxml2-based SPs would read other
    /// characters, or refuse the document).
    Encoding {
        detail: String,
    },
    /// More of something than a limit allows (elements, attributes, namespace declarations,
    /// signatures, messages).
    TooMany {
        what: &'static str,
        count: usize,
        limit: usize,
        flag: &'static str,
    },
    MultipleRoots,
    Json {
        detail: String,
        line: usize,
        column: usize,
    },
    /// An object of a Keycloak export with the same key twice: Keycloak keeps the last, samlint's
    /// rules would read the first.
    DuplicateKey {
        line: usize,
        column: usize,
        first_line: usize,
        first_column: usize,
    },
    NoSaml {
        what: &'static str,
        /// Errors the capture shows instead (HAR entry, who answered, the title when samlint knows the
        /// error), e.g. Keycloak's "Invalid redirect uri" page of an IdP-initiated login that never
        /// produced a message.
        shown: Vec<(usize, &'static str, Option<String>)>,
    },
    /// A rule pack (YAML) that cannot be loaded.
    RulePack {
        detail: String,
    },
    /// samlint.yaml (or --config FILE) that cannot be used.
    Config {
        detail: String,
    },
    /// A file a flag names that cannot be used (--baseline, fix's inputs and outputs).
    Usage {
        detail: String,
    },
    /// Something recognised that is not a SAML message (metadata, a JWT, a RelayState): what it is and
    /// where it belongs. Only constants and counts, never a value from the input.
    Misplaced {
        what: Misplaced,
    },
    /// A Keycloak client with SAML settings that Keycloak serves as another protocol (no `protocol`,
    /// or `saml` miswritten): its JSON path, never its values.
    KeycloakProtocol {
        path: String,
        missing: bool,
    },
    /// A pasted URL or query whose parameters are separated by `&amp;` (copied from a page's HTML
    /// source): `name` is the binding parameter found behind one (a constant, never input).
    HtmlEscaped {
        name: &'static str,
    },
}

/// What a misplaced input was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misplaced {
    /// SAML metadata; `root` is `EntityDescriptor` or `EntitiesDescriptor`.
    Metadata { root: &'static str },
    /// A JSON Web Token: `alg` when it is one of the registered algorithms, `encrypted` for a JWE.
    Jwt {
        alg: Option<&'static str>,
        encrypted: bool,
    },
    /// A RelayState or another short value that travels beside a SAML message; `why` says what gave it
    /// away.
    RelayState { why: String },
}

impl ErrorKind {
    /// Stable machine-readable code for the error class (shown by miette and in JSON).
    pub fn code(&self) -> &'static str {
        match self {
            ErrorKind::NotFound { .. } => "input::not-found",
            ErrorKind::Io { .. } => "input::io",
            ErrorKind::TooLarge { .. } => "input::too-large",
            ErrorKind::Empty => "input::empty",
            ErrorKind::NothingFound { .. } => "input::nothing-to-lint",
            ErrorKind::Unrecognised { .. } => "input::unrecognised",
            ErrorKind::HtmlEscaped { .. } => "input::html-escaped",
            ErrorKind::Base64 { .. } => "decode::base64",
            ErrorKind::Inflate { .. } => "decode::deflate",
            ErrorKind::InflateBomb { .. } => "decode::deflate-bomb",
            ErrorKind::NotUtf8 { .. } => "decode::not-utf8",
            ErrorKind::NotUtf16 { .. } => "decode::not-utf16",
            ErrorKind::NotXml { .. } => "xml::not-xml",
            ErrorKind::Doctype => "xml::doctype",
            ErrorKind::TooDeep { .. } => "xml::too-deep",
            ErrorKind::Xml { .. } => "xml::syntax",
            ErrorKind::Namespace { .. } => "xml::namespace",
            ErrorKind::Encoding { .. } => "xml::encoding",
            ErrorKind::TooMany { .. } => "input::too-many",
            ErrorKind::MultipleRoots => "xml::multiple-roots",
            ErrorKind::Json { .. } => "json::syntax",
            ErrorKind::DuplicateKey { .. } => "json::duplicate-key",
            ErrorKind::NoSaml { .. } => "input::no-saml",
            ErrorKind::RulePack { .. } => "rules::invalid-pack",
            ErrorKind::Config { .. } => "config::invalid",
            ErrorKind::Usage { .. } => "usage",
            ErrorKind::KeycloakProtocol { .. } => "keycloak::protocol",
            ErrorKind::Misplaced { what } => match what {
                Misplaced::Metadata { .. } => "input::metadata",
                Misplaced::Jwt { .. } => "input::jwt",
                Misplaced::RelayState { .. } => "input::relay-state",
            },
        }
    }

    fn help(&self) -> Option<String> {
        Some(match self {
            ErrorKind::KeycloakProtocol { .. } => {
                "set the client's protocol member to saml; samlint checks its SAML settings once Keycloak would use them"
                    .into()
            }
            ErrorKind::NotFound { .. } => {
                "samlint treats an argument that looks like a path as a file. To paste a SAML message, pass it \
                 as an argument that is not path-like, or (safer for long values) pipe it: `pbpaste | samlint check -`"
                    .into()
            }
            ErrorKind::TooLarge { flag, .. } | ErrorKind::TooMany { flag, .. } => {
                format!("raise the limit with `{flag}` if this input is legitimate")
            }
            ErrorKind::Encoding { .. } => {
                "SAML messages are UTF-8; the declaration must say so (or be left out). A document whose \
                 declaration names another encoding is read differently by libxml2-based SPs, so samlint \
                 does not lint it as if it were UTF-8"
                    .into()
            }
            ErrorKind::Base64 { .. } => {
                "the value may have been cut off when it was copied; copy the whole SAMLResponse value again \
                 (browser devtools: Network › the POST to the ACS › Payload › view source)"
                    .into()
            }
            ErrorKind::InflateBomb { .. } => {
                "raise `--max-inflate` / `--max-inflate-ratio` only if you trust this input".into()
            }
            ErrorKind::DuplicateKey { .. } => {
                "keep one of the two (the one Keycloak should use); Keycloak's importer keeps the last, so a \
                 file with both is linted on neither"
                    .into()
            }
            ErrorKind::Doctype => {
                "SAML messages never carry a DOCTYPE; entity declarations are the XXE and billion-laughs attack \
                 vectors, so samlint refuses the document without expanding anything"
                    .into()
            }
            ErrorKind::NotUtf16 { .. } => {
                "the file was cut or joined from pieces of other encodings; save it again from where it came \
                 (PowerShell 7: `Get-Content in.txt | Set-Content -Encoding utf8 out.txt`), or pass the \
                 original export or capture"
                    .into()
            }
            ErrorKind::NothingFound { .. } => format!(
                "a directory walk reads the files named {} unless `--include` says otherwise, and skips \
                 those whose content is none of samlint's inputs; name other files with `--include GLOB`, \
                 or name the file itself",
                crate::lint::DEFAULT_INCLUDE.join(", ")
            ),
            ErrorKind::TooDeep { .. } => "raise the limit with `--max-depth` if this input is legitimate".into(),
            ErrorKind::Namespace { .. } => {
                "every name is `local` or `prefix:local`, every prefix is declared with xmlns:prefix=\"…\" on \
                 the element or an ancestor, and the xml/xmlns prefixes keep their meaning; libxml2 and lxml \
                 refuse other documents, and a parser that accepts them reads another document than the SP"
                    .into()
            }
            ErrorKind::NoSaml { shown, .. } if !shown.is_empty() => {
                match shown.iter().find_map(|s| s.2.as_deref()) {
                    Some(title) => format!(
                        "the login failed before any SAML message was sent; `samlint explain \"{title}\"` lists \
                         the causes (with --keycloak, the client's own findings name the one at hand)"
                    ),
                    None => "the login failed before any SAML message was sent; `samlint explain` with the \
                             error text lists known causes"
                        .into(),
                }
            }
            ErrorKind::NoSaml {
                what: "HTML page", ..
            } => "paste the page the IdP answers with after the login (the one that posts SAMLResponse to \
                  the SP: view its source), or the SAMLResponse value itself"
                .into(),
            ErrorKind::Misplaced {
                what: Misplaced::Metadata { .. },
            } => "metadata describes the IdP (entity ID, signing certificates); samlint reads it with \
                  `--idp-metadata FILE` to verify messages, e.g. `samlint check response.har --idp-metadata \
                  idp-metadata.xml`. The input to lint is the SAMLResponse the IdP sent (a HAR, the POST's \
                  payload, or the value)"
                .into(),
            ErrorKind::Misplaced {
                what: Misplaced::Jwt { .. },
            } => "JWTs come from OpenID Connect / OAuth logins; SAML SSO to Atlassian posts a SAMLResponse \
                  (base64 XML, starting `PHN`) to the ACS URL (…/login/callback?connection=saml-…). Capture \
                  that POST instead, or check that the IdP's client uses the SAML protocol"
                .into(),
            ErrorKind::Misplaced {
                what: Misplaced::RelayState { .. },
            } => "RelayState travels beside the SAML message and only says where to go after the login; \
                  paste the SAMLResponse (or SAMLRequest) value, the whole form body or URL, or a HAR of \
                  the login"
                .into(),
            ErrorKind::NoSaml { .. } => {
                "record the capture again with the browser's devtools open from the start of the login \
                 (Network tab, 'Preserve log' on), then export it as HAR"
                    .into()
            }
            ErrorKind::RulePack { .. } => {
                "docs/packs.md describes the pack format; `samlint functions` lists the functions a rule can call \
                 and `samlint rules` the codes in use"
                    .into()
            }
            ErrorKind::Config { .. } => {
                let keys = crate::config::KEYS;
                format!(
                    "samlint.yaml keys: {} and {} (docs/reference.md and docs/ci.md); --isolated ignores the file",
                    keys[..keys.len() - 1].join(", "),
                    keys[keys.len() - 1]
                )
            }
            ErrorKind::HtmlEscaped { .. } => {
                "paste the URL as the browser sent it (the address bar, or the request in the devtools' \
                 Network tab), or replace each `&amp;` (or `&#38;`) with `&`"
                    .into()
            }
            ErrorKind::Unrecognised { .. } => {
                "samlint reads raw XML, base64 (POST binding), base64+DEFLATE (Redirect binding), URL-encoded \
                 values, URLs / query strings / form bodies with SAMLResponse or SAMLRequest, HAR files, \
                 SAML-tracer exports and Keycloak client or realm exports"
                    .into()
            }
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::NotFound { path } => {
                write!(f, "no such file: {}", crate::util::one_line(path))
            }
            ErrorKind::Io { detail } => write!(f, "cannot read: {detail}"),
            // A stream is read only to one byte past the limit: its size is then unknown.
            ErrorKind::TooLarge {
                what, size, limit, ..
            } if *size == limit.saturating_add(1) => {
                write!(
                    f,
                    "{what} is larger than the limit of {}",
                    human_bytes(*limit)
                )
            }
            ErrorKind::TooLarge {
                what, size, limit, ..
            } => write!(
                f,
                "{what} is {} (limit {})",
                human_bytes(*size),
                human_bytes(*limit)
            ),
            ErrorKind::Empty => f.write_str("empty input"),
            ErrorKind::NothingFound { skipped: 0 } => {
                f.write_str("nothing to lint: no file in the directory (hidden ones are not read)")
            }
            ErrorKind::NothingFound { skipped } => write!(
                f,
                "nothing to lint: {} in the directory, none of them a SAML message, a capture or a Keycloak export (a symbolic link to a folder, or out of the directory, is not followed)",
                crate::util::plural(*skipped, "file")
            ),
            ErrorKind::Unrecognised { detail } => write!(f, "not a SAML message: {detail}"),
            ErrorKind::HtmlEscaped { name } => write!(
                f,
                "the query's parameters are separated by HTML references to `&` (`&amp;`, `&#38;`), as a page's HTML source writes them: an SP reads no {name} there, so samlint cannot tell what the browser sent"
            ),
            ErrorKind::Base64 { detail } => write!(f, "invalid base64: {detail}"),
            ErrorKind::Inflate { detail } => write!(f, "invalid DEFLATE data: {detail}"),
            ErrorKind::InflateBomb {
                input,
                output,
                limit,
                ratio,
            } => {
                if *ratio {
                    write!(
                        f,
                        "DEFLATE bomb refused: {} of input inflated past {} (more than {limit}:1); stopped early",
                        human_bytes(*input as u64),
                        human_bytes(*output as u64)
                    )
                } else {
                    write!(
                        f,
                        "inflated message exceeds {} (from {} of DEFLATE data); stopped early",
                        human_bytes(*limit as u64),
                        human_bytes(*input as u64)
                    )
                }
            }
            ErrorKind::NotUtf8 { offset } => write!(
                f,
                "decoded message is not UTF-8 (invalid byte at offset {offset})"
            ),
            ErrorKind::NotUtf16 { offset } => write!(
                f,
                "the file starts with a UTF-16 byte order mark but is not UTF-16 (invalid unit at offset {offset})"
            ),
            ErrorKind::NotXml { detail } => write!(f, "not XML: {detail}"),
            ErrorKind::Doctype => {
                f.write_str("XML with a DOCTYPE or entity declaration is refused")
            }
            ErrorKind::TooDeep { depth, limit } => {
                write!(
                    f,
                    "XML nested deeper than {limit} elements (reached {depth})"
                )
            }
            ErrorKind::Xml { detail } => write!(f, "malformed XML: {detail}"),
            ErrorKind::Namespace { detail } => {
                write!(f, "XML is not namespace-well-formed: {detail}")
            }
            ErrorKind::Encoding { detail } => write!(f, "XML encoding mismatch: {detail}"),
            ErrorKind::TooMany {
                what, count, limit, ..
            } => write!(f, "{count} {what}, more than the limit of {limit}"),
            ErrorKind::MultipleRoots => f.write_str("malformed XML: more than one root element"),
            ErrorKind::Json {
                detail,
                line,
                column,
            } => {
                write!(
                    f,
                    "malformed JSON at line {line}, column {column}: {detail}"
                )
            }
            ErrorKind::DuplicateKey {
                line,
                column,
                first_line,
                first_column,
            } => write!(
                f,
                "the key at line {line}, column {column} is already in this object (line {first_line}, \
                 column {first_column})"
            ),
            ErrorKind::NoSaml { what, shown } => {
                write!(f, "no SAML message found in this {what}")?;
                // A capture of many failed attempts: the first few say it, the rest are counted.
                const SHOWN: usize = 5;
                for (i, (entry, by, title)) in shown.iter().take(SHOWN).enumerate() {
                    let sep = if i == 0 { "; it shows" } else { ";" };
                    match title {
                        Some(t) => write!(f, "{sep} entry {entry}: {by} answered `{t}`")?,
                        None => write!(
                            f,
                            "{sep} entry {entry}: {by} answered an error samlint does not know"
                        )?,
                    }
                }
                if shown.len() > SHOWN {
                    write!(f, "; and {} more error pages", shown.len() - SHOWN)?;
                }
                Ok(())
            }
            ErrorKind::RulePack { detail } => write!(f, "invalid rule pack: {detail}"),
            ErrorKind::Config { detail } => write!(f, "invalid config: {detail}"),
            ErrorKind::Usage { detail } => f.write_str(detail),
            ErrorKind::KeycloakProtocol { path, missing } => write!(
                f,
                "the client at {path} carries SAML settings but {}: its SAML logins fail with Wrong client protocol",
                if *missing {
                    "has no protocol member, so Keycloak imports it as an OpenID Connect client"
                } else {
                    "its protocol is not exactly saml in lower case (Keycloak compares it case for case)"
                }
            ),
            ErrorKind::Misplaced { what } => match what {
                Misplaced::Metadata { root } => write!(
                    f,
                    "this is SAML metadata (an md:{root} element), not a SAML message: pass it with --idp-metadata"
                ),
                Misplaced::Jwt {
                    alg,
                    encrypted: false,
                } => {
                    f.write_str("this is a JSON Web Token (JWT")?;
                    if let Some(a) = alg {
                        write!(f, ", signed with {a}")?;
                    }
                    f.write_str("), not a SAML message")
                }
                Misplaced::Jwt {
                    encrypted: true, ..
                } => f.write_str("this is an encrypted JSON Web Token (JWE), not a SAML message"),
                Misplaced::RelayState { why } => write!(
                    f,
                    "this looks like a RelayState ({why}), not a SAML message"
                ),
            },
        }
    }
}

/// An input (or one message inside an input) that could not be linted.
#[derive(Debug, Clone)]
pub struct InputError {
    pub origin: Origin,
    pub kind: ErrorKind,
    /// Where, in `text`, the problem is.
    pub span: Option<Span>,
    /// The decoded text the span points into, when there is one.
    pub text: Option<Arc<str>>,
}

impl InputError {
    pub fn new(origin: &Origin, kind: ErrorKind) -> Self {
        InputError {
            origin: origin.clone(),
            kind,
            span: None,
            text: None,
        }
    }
    /// A size limit was passed.
    pub fn too_large(
        origin: &Origin,
        what: &'static str,
        size: u64,
        limit: u64,
        flag: &'static str,
    ) -> Self {
        InputError::new(
            origin,
            ErrorKind::TooLarge {
                what,
                size,
                limit,
                flag,
            },
        )
    }
    pub fn at(origin: &Origin, kind: ErrorKind, text: Arc<str>, span: Span) -> Self {
        InputError {
            origin: origin.clone(),
            kind,
            span: Some(span),
            text: Some(text),
        }
    }
    pub fn help(&self) -> Option<String> {
        self.kind.help()
    }
    /// Did the text go through decoding steps (so "decoded" is worth saying)?
    pub fn encodings_hint(&self) -> bool {
        self.origin.0.len() > 1
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.kind)
    }
}

impl std::error::Error for InputError {}

impl miette::Diagnostic for InputError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.kind.code()))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.kind
            .help()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_of_many_error_pages_names_five_and_counts_the_rest() {
        let shown: Vec<(usize, &'static str, Option<String>)> = (1..=40)
            .map(|i| (i, "Keycloak", Some("Invalid redirect uri".to_string())))
            .collect();
        let t = ErrorKind::NoSaml {
            what: "HAR capture",
            shown,
        }
        .to_string();
        assert_eq!(t.matches("entry ").count(), 5, "{t}");
        assert!(t.ends_with("; and 35 more error pages"), "{t}");
    }
}
