//! Browser captures: HAR 1.2 files and SAML-tracer JSON exports, read as a stream.
//!
//! The file is never held whole: the JSON is walked with serde visitors, fields samlint does not need
//! (response bodies, headers, cookies, timings) are skipped without being stored, and only requests that
//! carry `SAMLResponse` / `SAMLRequest` are kept.

use super::query::{self, MESSAGE_PARAMS};
use crate::source::{BindingParams, Step};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A SAML message found in a capture, still encoded.
#[derive(Debug, Clone)]
pub struct Found {
    /// e.g. `entry 14 (POST https://…)`.
    pub label: crate::source::Step,
    pub binding: BindingParams,
    /// The message parameter's value; `form_encoded` when it is the raw value from a query or body.
    pub value: FoundValue,
}

#[derive(Debug, Clone)]
pub enum FoundValue {
    Encoded {
        value: String,
        form_encoded: bool,
    },
    /// Only the decoded XML is available (a SAML-tracer export whose parameters were filtered).
    DecodedXml(String),
}

/// What kind of JSON document this was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    Har,
    SamlTracer,
    /// A flat object of binding parameters (`{"SAMLRequest": …, "RelayState": …}`), as web frameworks log
    /// a request's query; `originalQuery`, when present, is the raw query string.
    Params,
    Other,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub kind: Option<JsonKind>,
    /// Top-level binding parameters, for [`JsonKind::Params`].
    params: Vec<(String, String)>,
    pub found: Vec<Found>,
    /// Entries / requests seen.
    pub entries: usize,
    /// Errors shown outside SAML messages (HAR).
    pub events: Vec<CaptureEvent>,
    /// The steps of the login (HAR), read as the entries stream by.
    pub timeline: Option<super::timeline::Timeline>,
    /// Top-level keys or shape of a Keycloak export (`clientId`, `clients`, `realm`, or a top-level
    /// array): the caller reads the text again and decides with the parsed tree.
    pub keycloak_hint: bool,
}

/// Walk a JSON document from a reader.
pub fn scan<R: std::io::Read>(reader: R) -> Result<Scan, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut scan = Scan::default();
    TopSeed { scan: &mut scan }.deserialize(&mut de)?;
    de.end()?;
    if scan.kind.is_none() {
        if scan
            .params
            .iter()
            .any(|(k, _)| MESSAGE_PARAMS.contains(&k.as_str()))
        {
            scan.kind = Some(JsonKind::Params);
            let params = std::mem::take(&mut scan.params);
            let raw = params
                .iter()
                .find(|(n, _)| n == "originalQuery")
                .map(|(_, v)| v.as_str());
            let set = params
                .iter()
                .map(|(n, v)| SetParam::decoded(n, v))
                .collect();
            push_set(
                &Step::from("parameters"),
                &BindingParams::default(),
                raw,
                set,
                &mut scan.found,
            );
        } else {
            scan.kind = Some(JsonKind::Other);
        }
    }
    Ok(scan)
}

struct TopSeed<'a> {
    scan: &'a mut Scan,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                // A key twice is refused, as serde refuses it in the objects it reads into structs,
                // and so is a HAR's `log` beside SAML-tracer's `requests`: a tool that keeps the last
                // key, or reads the other kind, would read another capture than samlint.
                "log" | "requests" => {
                    let (kind, field) = if key == "log" {
                        (JsonKind::Har, "log")
                    } else {
                        (JsonKind::SamlTracer, "requests")
                    };
                    match self.scan.kind {
                        Some(k) if k == kind => return Err(de::Error::duplicate_field(field)),
                        Some(_) => {
                            return Err(de::Error::custom(
                                "both a HAR `log` and SAML-tracer's `requests`: samlint does not \
                                 guess which capture this is",
                            ));
                        }
                        None => self.scan.kind = Some(kind),
                    }
                    if kind == JsonKind::Har {
                        map.next_value_seed(HarLogSeed {
                            scan: &mut *self.scan,
                        })?;
                    } else {
                        map.next_value_seed(TracerSeqSeed {
                            scan: &mut *self.scan,
                        })?;
                    }
                }
                "SAMLRequest" | "SAMLResponse" | "RelayState" | "SigAlg" | "Signature"
                | "originalQuery" => {
                    if let serde_json::Value::String(v) = map.next_value::<serde_json::Value>()? {
                        self.scan.params.push((key, v));
                    }
                }
                _ => {
                    if matches!(key.as_str(), "clientId" | "clients" | "realm") {
                        self.scan.keycloak_hint = true;
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    // Any other top-level JSON value is "Other" (a top-level array may be a list of Keycloak clients).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.scan.keycloak_hint = true;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct HarLogSeed<'a> {
    scan: &'a mut Scan,
}

impl<'de> DeserializeSeed<'de> for HarLogSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for HarLogSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the HAR `log` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut entries = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                if std::mem::replace(&mut entries, true) {
                    return Err(de::Error::duplicate_field("entries"));
                }
                map.next_value_seed(HarEntriesSeed {
                    scan: &mut *self.scan,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct HarEntriesSeed<'a> {
    scan: &'a mut Scan,
}

impl<'de> DeserializeSeed<'de> for HarEntriesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for HarEntriesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the HAR `entries` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut timeline = super::timeline::Builder::default();
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            self.scan.entries += 1;
            har_entry(
                self.scan.entries,
                entry,
                &mut self.scan.found,
                &mut self.scan.events,
                &mut timeline,
            );
        }
        self.scan.timeline = Some(timeline.finish());
        Ok(())
    }
}

// Only the fields samlint reads; serde skips the rest without storing them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarEntry {
    #[serde(default)]
    started_date_time: Option<String>,
    request: HarRequest,
    #[serde(default)]
    response: Option<HarResponse>,
    /// Chrome's resource type (`document`, `script`, `xhr`, …).
    #[serde(default, rename = "_resourceType", deserialize_with = "lenient_str")]
    resource_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarRequest {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    post_data: Option<HarPostData>,
    /// Only the `Content-Type` headers are kept (what says how the body is read).
    #[serde(default, deserialize_with = "content_type_only")]
    headers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarPostData {
    #[serde(default)]
    mime_type: Option<String>,
    #[serde(default, deserialize_with = "saml_only")]
    text: Option<String>,
    #[serde(default)]
    params: Option<Vec<HarParam>>,
}

#[derive(Deserialize)]
struct HarParam {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarResponse {
    #[serde(default)]
    status: Option<i64>,
    #[serde(default)]
    content: Option<HarContent>,
    #[serde(default, rename = "redirectURL")]
    redirect_url: Option<String>,
    /// Only the `Location` headers are kept (cookies and the rest are dropped as they are read).
    #[serde(default, deserialize_with = "location_only")]
    headers: Vec<String>,
}

/// The distinct `Location` headers of a header list (at most two are kept: two already means the
/// target is ambiguous); every other header is dropped as it is read. Lenient: a header that is not
/// an object of strings, or a `headers` that is not a list, is skipped, never an error that would
/// lose the capture's SAML messages.
fn location_only<'de, D: de::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    named_headers(d, "location")
}

fn content_type_only<'de, D: de::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    named_headers(d, "content-type")
}

/// The values of the headers named `name` (ASCII case-insensitively): at most two distinct ones,
/// which is enough to know that a capture names two; every other header is dropped as it is read.
fn named_headers<'de, D: de::Deserializer<'de>>(
    d: D,
    name: &'static str,
) -> Result<Vec<String>, D::Error> {
    struct V(&'static str);
    impl<'de> Visitor<'de> for V {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of headers")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<String> = Vec::new();
            while let Some(h) = seq.next_element::<serde_json::Value>()? {
                let name = h.get("name").and_then(serde_json::Value::as_str);
                let value = h.get("value").and_then(serde_json::Value::as_str);
                if let (Some(n), Some(v)) = (name, value)
                    && n.eq_ignore_ascii_case(self.0)
                    && out.len() < 2
                    && !out.iter().any(|o| o == v)
                {
                    out.push(v.to_string());
                }
            }
            Ok(out)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                .is_some()
            {}
            Ok(Vec::new())
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V(name))
}

/// A string where one is expected, else nothing: an odd value in a field only the timeline reads
/// (`_resourceType`) is not an error that would lose the capture.
fn lenient_str<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HarContent {
    #[serde(default, deserialize_with = "lenient_str")]
    mime_type: Option<String>,
    /// Only the title of a known Keycloak error page is kept; the body itself never is.
    #[serde(default, deserialize_with = "keycloak_error_only")]
    text: Option<String>,
}

/// Keycloak error pages samlint recognises in a HAR response body (the login page's error titles).
pub const KEYCLOAK_ERRORS: &[&str] = &[
    "Invalid requester",
    "Unknown login requester",
    "Invalid redirect uri",
    // A client refused before the login form (SamlService; the texts of Keycloak 26.7.3's pages).
    "Bearer-only applications are not allowed to initiate browser login",
    "Standard flow is disabled for the client",
    "Login requester not enabled",
];

/// Keycloak error titles too generic to find anywhere in a body: they count only on Keycloak's error
/// page (the `kc-error-message` element). Keycloak 26.7 shows "Invalid Request" for an AuthnRequest
/// whose Issuer is no client's client ID (older versions said "Unknown login requester").
pub const KEYCLOAK_PAGE_ERRORS: &[&str] = &["Invalid Request"];

/// Keep only which known Keycloak error a response body shows; drop the body at once.
fn keycloak_error_only<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    keep_str(d, |v| {
        KEYCLOAK_ERRORS
            .iter()
            .find(|e| v.contains(*e))
            .or_else(|| {
                let (_, page) = v.split_once("kc-error-message")?;
                let page = page.get(..page.len().min(400)).unwrap_or(page);
                KEYCLOAK_PAGE_ERRORS.iter().find(|e| {
                    page.match_indices(*e).any(|(i, _)| {
                        !page[i + e.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                    })
                })
            })
            .map(|e| e.to_string())
    })
}

/// Deserialize a string (or null) and keep only what `keep` extracts from it; the string itself is never
/// stored.
fn keep_str<'de, D: de::Deserializer<'de>>(
    d: D,
    keep: fn(&str) -> Option<String>,
) -> Result<Option<String>, D::Error> {
    struct V(fn(&str) -> Option<String>);
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok((self.0)(v))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V(keep))
}

/// An error the capture shows outside any SAML message: Atlassian's `id.atlassian.com/...
/// error_description=` redirect, or a Keycloak error page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureEvent {
    /// HAR entry number (1-based).
    pub entry: usize,
    /// `Atlassian` or `Keycloak`.
    pub by: &'static str,
    /// The error text as shown (Atlassian's error_description decoded, or the Keycloak page title).
    pub text: String,
}

/// Keep a body only when it can carry a SAML parameter; drop anything else at once (a login form body
/// carries the password). "Can" is wide: the name in any letter case (ASP.NET reads `samlresponse`),
/// Java's case folding (`ſAMLResponse`: it still holds "AML"), or percent-encoded (`%53%41...`): a
/// body dropped here is one an SP cannot read a SAML message from, or the parsed `params` beside it
/// would be trusted unchecked (review 26).
fn saml_only<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    keep_str(d, |v| {
        let b = v.as_bytes();
        // A body dropped is kept as empty text: it was sent, and it carries no SAML message, which
        // makes any `params` beside it that do carry one suspect (review 27).
        Some(
            if memchr::memchr(b'%', b).is_some()
                || b.windows(3).any(|w| w.eq_ignore_ascii_case(b"aml"))
            {
                v.to_string()
            } else {
                String::new()
            },
        )
    })
}

/// An Atlassian error redirect or a Keycloak error page in one HAR entry.
fn har_event(n: usize, e: &HarEntry) -> Option<CaptureEvent> {
    let url = &e.request.url;
    if url.starts_with("https://id.atlassian.com/") {
        let p = super::query::url_params(url)
            .into_iter()
            .find(|p| p.name == "error_description")?;
        return Some(CaptureEvent {
            entry: n,
            by: "Atlassian",
            text: p.value(),
        });
    }
    let page = e.response.as_ref()?.content.as_ref()?.text.clone()?;
    Some(CaptureEvent {
        entry: n,
        by: "Keycloak",
        text: page,
    })
}

/// The SAML parameters of a HAR entry's request body. The raw text is what was sent and is read when
/// samlint can read it as the SP does (a URL-encoded or a multipart form); the parsed `params` a
/// browser adds beside it must then say the same, or every message of the body is ambiguous (a
/// capture whose parsed and raw bodies differ has been edited, and which copy an SP reads is the raw
/// one). A body samlint cannot read gives the parsed parameters, marked ambiguous.
fn post_body(
    label: &Step,
    base: &BindingParams,
    pd: HarPostData,
    headers: &[String],
    found: &mut Vec<Found>,
) {
    // The media type: the body's, else the request's Content-Type header; a capture where they
    // differ, or with two headers, has been edited (review 27: an empty mimeType beside a multipart
    // Content-Type header was read as a URL-encoded body). Compared on type/subtype only, never by
    // substring (`multipart/form-data; boundary=x-www-form-urlencoded`).
    let mut doubt: Option<String> = None;
    let declared = pd
        .mime_type
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let mime = match (declared, headers) {
        (Some(m), []) => m,
        (Some(m), [h]) if h.trim() == m => m,
        (None, [h]) => h.trim(),
        (Some(m), _) => {
            doubt =
                Some("the body's media type and the request's Content-Type header differ".into());
            m
        }
        (None, []) => "",
        (None, [h, ..]) => {
            doubt = Some("the request has two Content-Type headers".into());
            h.trim()
        }
    };
    let essence = media_essence(mime).to_ascii_lowercase();
    let first = found.len();
    let pd_text_empty = pd.text.as_deref().map(str::is_empty);
    let params = |found: &mut Vec<Found>, params: Vec<HarParam>| {
        let set = params
            .into_iter()
            .map(|p| {
                let v = p.value.unwrap_or_default();
                SetParam {
                    value: super::blob::percent_decode(&v, false),
                    message_value: v,
                    form_encoded: false,
                    raw_name: p.name.clone(),
                    name: p.name,
                }
            })
            .collect();
        push_set(label, base, None, set, found);
    };
    match pd.text.as_deref() {
        // A body that carries no SAML message (dropped when read) beside params that do.
        Some("") => {
            if let Some(ps) = pd.params {
                params(found, ps);
            }
            doubt = Some(
                "the body sent carries no SAML message, the parsed parameters beside it do".into(),
            );
        }
        Some(text) if essence == "application/x-www-form-urlencoded" => {
            push_pairs(label, base, text, found);
            // The parsed parameters beside it must name the same SAML parameters (review 49: an
            // edited capture whose params held a second SAMLResponse, or none, was not said to be
            // ambiguous), with the same values (review 57: another SAMLResponse there was linted
            // silently). How a browser records a value there varies (Chrome as sent, Firefox
            // decoded): any of those readings of the value sent matches.
            if let Some(ps) = &pd.params {
                let names = |mut v: Vec<String>| {
                    v.retain(|n| query::BINDING_PARAMS.contains(&n.as_str()));
                    v.sort();
                    v
                };
                let sent = names(
                    query::parse_pairs(text)
                        .into_iter()
                        .map(|p| p.name)
                        .collect(),
                );
                let parsed = names(ps.iter().map(|p| p.name.clone()).collect());
                if sent != parsed {
                    doubt = Some(
                        "the URL-encoded body and the parsed parameters beside it name different SAML parameters"
                            .into(),
                    );
                } else if !same_values(text, ps) {
                    doubt = Some(
                        "the URL-encoded body and the parsed parameters beside it give a SAML parameter different values"
                            .into(),
                    );
                }
            }
        }
        Some(text) if essence == "multipart/form-data" => match multipart_fields(mime, text) {
            Ok(fields) => {
                push_fields(label, base, &fields, found);
                if let Some(ps) = pd.params {
                    let from_params = ps
                        .into_iter()
                        .map(|p| (p.name, p.value.unwrap_or_default()));
                    if binding_pairs(fields) != binding_pairs(from_params) {
                        doubt = Some(
                            "the multipart body and the parsed parameters beside it disagree"
                                .into(),
                        );
                    }
                }
            }
            Err(why) => {
                if let Some(ps) = pd.params {
                    params(found, ps);
                }
                doubt = Some(format!(
                    "the multipart body cannot be read ({why}): the parsed parameters beside it may not be what was sent"
                ));
            }
        },
        // No media type at all: read as a URL-encoded form (what a form posts by default), but
        // which parser an SP used is not known.
        Some(text) if essence.is_empty() => {
            push_pairs(label, base, text, found);
            doubt.get_or_insert_with(|| {
                "the body has no media type: how an SP reads it depends on one".into()
            });
        }
        // Another body type (text/plain, JSON): SPs do not read SAML from it, and the parsed
        // parameters are not what was sent.
        Some(_) => {
            if let Some(ps) = pd.params {
                params(found, ps);
            }
            doubt = Some(
                "the body is neither a URL-encoded nor a multipart form: the parsed parameters beside it are not what was sent".into(),
            );
        }
        None => {
            if let Some(ps) = pd.params {
                params(found, ps);
            }
            for f in &mut found[first..] {
                f.binding.fields_only = true;
            }
        }
    }
    // What Express's URL-encoded parser reads: a body of that media type whose text carries the
    // message (or of which only the parsed fields are known). Anything else is not modelled (review 40:
    // a multipart body known by its fields only, text/plain, JSON, no media type, an empty text
    // beside parsed fields were each predicted accepted).
    let urlencoded = express_urlencoded(mime) && pd_text_empty.is_none_or(|empty| !empty);
    for f in &mut found[first..] {
        f.binding.not_urlencoded |= !urlencoded;
    }
    if let Some(d) = doubt {
        for f in &mut found[first..] {
            f.binding.ambiguous.push(d.clone());
        }
    }
}

/// The media type `mime` is a URL-encoded form in UTF-8, the body Express's URL-encoded parser reads
/// (it refuses another charset with 415; review 41). Compared on type/subtype, never by substring.
fn express_urlencoded(mime: &str) -> bool {
    media_essence(mime).eq_ignore_ascii_case("application/x-www-form-urlencoded")
        && mime.split(';').skip(1).all(|p| {
            p.split_once('=').is_none_or(|(k, v)| {
                // body-parser compares the lowercased charset with `utf-8` alone (review 44: `utf8`).
                !k.trim().eq_ignore_ascii_case("charset")
                    || v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
            })
        })
}

/// A media type's type/subtype, as written: what comes before its first `;`, trimmed.
fn media_essence(mime: &str) -> &str {
    mime.split(';').next().unwrap_or_default().trim()
}

/// The binding parameters of a set of (name, value) pairs, sorted: two sets that say the same in any
/// order compare equal.
/// Does each SAML parameter of a URL-encoded body have, among the parsed parameters of its name (in
/// order), a value that reads as the one sent: written as sent, decoded (with or without `+` as a
/// space), or both decoded alike?
fn same_values(text: &str, ps: &[HarParam]) -> bool {
    let sent = query::parse_pairs(text);
    query::BINDING_PARAMS.iter().all(|name| {
        let body = sent
            .iter()
            .filter(|p| p.name == *name)
            .map(|p| &p.raw_value);
        let parsed = ps
            .iter()
            .filter(|p| p.name == *name)
            .map(|p| p.value.as_deref().unwrap_or_default());
        body.zip(parsed).all(|(raw, v)| {
            // Compared as bytes: two escapes of bytes that are no UTF-8 are not one value (review
            // 58: `%FF` and `%FE` both read as U+FFFD).
            let decoded = super::blob::percent_decode_bytes(raw, true);
            v == raw
                || v.as_bytes() == decoded.as_slice()
                // Escapes decoded, a `+` left as written (review 58: `a%2Bb+c` as `a+b+c`).
                || v.as_bytes() == super::blob::percent_decode_bytes(raw, false).as_slice()
                || super::blob::percent_decode_bytes(v, true) == decoded
        })
    })
}

fn binding_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(n, _)| query::BINDING_PARAMS.contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

/// The boundary of a multipart media type, only when every form parser reads the same one (review
/// 27): exactly one parameter `boundary=VALUE` (no other name holding "boundary", no space around
/// `=`), the value (quoted or not) made of letters, digits, `-`, `_` and `.` only (PHP cuts a value
/// at `,` and Werkzeug takes the last of two; browsers write `----WebKitFormBoundary…`).
fn boundary(mime: &str) -> Result<&str, &'static str> {
    // The first "boundary" in the media type (PHP looks for it so) must be this parameter's name, and
    // no later parameter may be named with it (Werkzeug takes the last). The value may hold the word
    // (Chrome's `----WebKitFormBoundary…`).
    let lower = mime.to_ascii_lowercase();
    let at = lower
        .find("boundary")
        .ok_or("no boundary=VALUE parameter in its media type")?;
    let before = mime.get(..at).unwrap_or_default().trim_end();
    let rest = mime.get(at..).unwrap_or_default();
    let (param, later) = rest.split_once(';').unwrap_or((rest, ""));
    let v = param
        .get(..9)
        .filter(|k| k.eq_ignore_ascii_case("boundary=") && before.ends_with(';'))
        .and_then(|_| param.get(9..))
        .ok_or("its media type names a boundary other than as one boundary=VALUE parameter")?;
    if later
        .to_ascii_lowercase()
        .split(';')
        .any(|p| p.split_once('=').map_or(p, |(k, _)| k).contains("boundary"))
    {
        return Err("its media type names a boundary more than once");
    }
    let v = match v.strip_prefix('"') {
        Some(q) => q.strip_suffix('"').ok_or("an unclosed quoted boundary")?,
        None => v,
    };
    if v.is_empty()
        || v.len() > 70
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err("a boundary other than letters, digits, '-', '_' and '.'");
    }
    Ok(v)
}

/// The fields of a `multipart/form-data` body (RFC 7578), read strictly: anything beyond what a
/// browser writes for a text field (a preamble, a file part, a transfer encoding, a part without a
/// name, an unclosed body) is refused with the reason, since form parsers differ there.
fn multipart_fields(mime: &str, text: &str) -> Result<Vec<(String, String)>, &'static str> {
    let boundary = boundary(mime)?;
    let delimiter = format!("--{boundary}");
    let mut rest = text
        .strip_prefix(delimiter.as_str())
        .ok_or("it does not start with its boundary")?;
    // One line-ending style for the whole body, the first line's (review 28): parsers end a value
    // or the headers at different mixtures (Werkzeug at a bare CR before the boundary, and not at
    // `\n\r\n`), and browsers write every line break of form data as CRLF.
    let bytes = text.as_bytes();
    if rest.starts_with("\r\n") {
        let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'));
        let lone_lf =
            memchr::memchr_iter(b'\n', bytes).any(|i| i == 0 || bytes.get(i - 1) != Some(&b'\r'));
        if lone_cr || lone_lf {
            return Err("line breaks other than CRLF in a CRLF body");
        }
    } else if memchr::memchr(b'\r', bytes).is_some() {
        return Err("a carriage return in a body of LF line breaks");
    }
    let mut fields = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix("--") {
            if !after.trim().is_empty() {
                return Err("text after its closing boundary");
            }
            return Ok(fields);
        }
        rest = rest
            .strip_prefix("\r\n")
            .or_else(|| rest.strip_prefix('\n'))
            .ok_or("a boundary not followed by a line break")?;
        // The headers end at the first empty line (CRLF or LF line breaks), found in one scan.
        let (head, body) = memchr::memchr_iter(b'\n', rest.as_bytes())
            .find_map(|i| {
                let after = rest.get(i + 1..)?;
                let skip = if after.starts_with('\n') {
                    1
                } else if after.starts_with("\r\n") {
                    2
                } else {
                    return None;
                };
                Some((rest.get(..i)?, rest.get(i + 1 + skip..)?))
            })
            .ok_or("a part without the blank line after its headers")?;
        let end = body
            .find(&format!("\n{delimiter}"))
            .ok_or("a part not closed by its boundary")?;
        let value = body.get(..end).unwrap_or_default();
        let value = value.strip_suffix('\r').unwrap_or(value);
        rest = body.get(end + 1 + delimiter.len()..).unwrap_or_default();
        let mut name = None;
        // The last header's CR (of its CRLF) stays on `head`; the others' go with `lines`.
        let head = head.strip_suffix('\r').unwrap_or(head);
        for line in head.lines() {
            // A folded header (a line that starts with white space) continues the one above for some
            // parsers (PHP) and not for others; a bare CR is a line break to some.
            if line.starts_with([' ', '\t']) || line.contains('\r') {
                return Err("a folded part header, or a carriage return inside one");
            }
            let (k, v) = line
                .split_once(':')
                .ok_or("a part header without a colon")?;
            let k = k.trim();
            if k.eq_ignore_ascii_case("content-type") {
                continue;
            }
            if !k.eq_ignore_ascii_case("content-disposition") || name.is_some() {
                return Err("a part header other than one Content-Disposition and Content-Type");
            }
            let mut params = v.split(';');
            if !params
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("form-data"))
            {
                return Err("a part that is not form-data");
            }
            for p in params {
                let (k, v) = p
                    .split_once('=')
                    .ok_or("a Content-Disposition parameter without a value")?;
                let k = k.trim();
                if k.eq_ignore_ascii_case("name") && name.is_none() {
                    let v = v.trim();
                    let quoted = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .filter(|v| !v.contains(['"', '\\']));
                    name = Some(quoted.ok_or("a part name that is not a plain quoted string")?);
                } else {
                    return Err("a part with a file name or another parameter than one name");
                }
            }
            if name.is_none() {
                return Err("a part without a name");
            }
        }
        let name = name.ok_or("a part without a Content-Disposition")?;
        fields.push((name.to_string(), value.to_string()));
    }
}

fn har_entry(
    n: usize,
    e: HarEntry,
    found: &mut Vec<Found>,
    events: &mut Vec<CaptureEvent>,
    timeline: &mut super::timeline::Builder,
) {
    let found_before = found.len();
    let event = har_event(n, &e);
    let error = event.is_some();
    if let Some(ev) = event {
        events.push(ev);
    }
    let method = e.request.method.to_ascii_uppercase();
    let label = Step::request(
        format!("entry {n}"),
        Some(label_method(&method)),
        Some(&e.request.url),
    );
    let base = BindingParams {
        // No method given is an unknown one, not one that is no POST (review 40).
        method: (!method.is_empty()).then(|| method.clone()),
        url: Some(e.request.url.clone()),
        time: e.started_date_time.clone(),
        entry: Some(n),
        status: e.response.as_ref().and_then(|r| r.status),
        ..BindingParams::default()
    };
    // Redirect binding: the URL's query.
    let first = found.len();
    let query = url_query(&e.request.url);
    if let Some(q) = query {
        push_pairs(&label, &base, q, found);
    }
    // POST binding: the form body (raw text preferred: it is exactly what was sent).
    let base = BindingParams {
        in_body: true,
        ..base
    };
    let from_url = found.len() - first;
    let url_names = query.map(query::names_in).unwrap_or_default();
    let body_names: Vec<String> = e.request.post_data.as_ref().map_or_else(Vec::new, |pd| {
        let text = pd.text.as_deref().unwrap_or_default();
        // Every reading of the text: URL-encoded, and multipart under each media type given.
        let multipart = pd
            .mime_type
            .iter()
            .chain(e.request.headers.iter())
            .filter_map(|m| multipart_fields(m, text).ok())
            .flatten()
            .map(|(n, _)| n);
        query::names_in(text)
            .into_iter()
            .chain(multipart)
            .chain(pd.params.iter().flatten().map(|p| p.name.clone()))
            .collect()
    });
    if let Some(pd) = e.request.post_data {
        post_body(&label, &base, pd, &e.request.headers, found);
    }
    url_and_body(&url_names, &body_names, from_url, &mut found[first..]);
    let saml = found[found_before..]
        .iter()
        .find_map(|f| f.binding.parameter.as_deref())
        .map(|p| {
            if p == "SAMLRequest" {
                "SAMLRequest"
            } else {
                "SAMLResponse"
            }
        });
    let resp = e.response.as_ref();
    timeline.push(&super::timeline::Seen {
        entry: n,
        time: e.started_date_time.as_deref(),
        method: &e.request.method,
        url: &e.request.url,
        status: resp.and_then(|r| r.status),
        // One redirect target, or none when the entry names two (a redirectURL and a Location that
        // differ, or two Location headers): the timeline never follows one of two silently.
        location: resp.and_then(|r| {
            let mut all: Vec<&str> = r
                .redirect_url
                .as_deref()
                .filter(|u| !u.is_empty())
                .into_iter()
                .chain(r.headers.iter().map(String::as_str))
                .collect();
            all.dedup();
            all.sort_unstable();
            all.dedup();
            match all.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        }),
        resource_type: e.resource_type.as_deref(),
        mime: resp.and_then(|r| r.content.as_ref()?.mime_type.as_deref()),
        saml,
        error,
    });
}

/// Collect the SAML parameters of a raw query string or form body (a pasted URL or body).
pub fn push_pairs_pub(base: &BindingParams, raw: &str, found: &mut Vec<Found>) {
    let label = Step::from(if base.url.is_some() {
        "query"
    } else {
        "parameters"
    });
    let before = found.len();
    push_pairs(&label, base, raw, found);
    // A pasted value names only the parameter, not a request.
    for f in found.iter_mut().skip(before) {
        f.label = label.clone();
    }
}

/// Collect the SAML parameters of a set of fields whose names and values arrived decoded (an HTML form,
/// the lines of a devtools Payload view).
pub fn push_fields(
    label: &Step,
    base: &BindingParams,
    fields: &[(String, String)],
    found: &mut Vec<Found>,
) {
    let set = fields
        .iter()
        .map(|(n, v)| SetParam::decoded(n, v))
        .collect();
    push_set(label, base, None, set, found);
}

fn push_pairs(label: &Step, base: &BindingParams, raw: &str, found: &mut Vec<Found>) {
    let set = query::parse_pairs(raw)
        .into_iter()
        .map(|p| SetParam {
            value: p.value(),
            name: p.name,
            raw_name: p.raw_name,
            message_value: p.raw_value,
            form_encoded: true,
        })
        .collect();
    push_set(label, base, Some(raw), set, found);
}

/// How many bytes `s` takes in an `application/x-www-form-urlencoded` body: letters, digits and `*-._`
/// as they are, a space as `+`, a line break as `%0D%0A`, every other byte as `%XX`.
pub(super) fn form_encoded_len(s: &str) -> usize {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_' | b' ') {
                1
            } else if matches!(b, b'\n' | b'\r') {
                // A browser posts a line break as CR LF: `%0D%0A` (review 50). A CR LF pair is
                // counted twice: an upper bound.
                6
            } else {
                3
            }
        })
        .sum()
}

/// One parameter of a set (a query, a form body, a list of pairs).
struct SetParam {
    /// Decoded name, and the name as received.
    name: String,
    raw_name: String,
    /// Decoded value (RelayState, SigAlg, Signature).
    value: String,
    /// The value as the message decoder takes it (`form_encoded`: still URL-encoded).
    message_value: String,
    form_encoded: bool,
}

impl SetParam {
    /// A parameter whose name and value arrived already decoded.
    fn decoded(name: &str, value: &str) -> Self {
        SetParam {
            name: name.to_string(),
            raw_name: name.to_string(),
            value: value.to_string(),
            message_value: value.to_string(),
            form_encoded: false,
        }
    }
}

/// The one place a parameter set becomes binding parameters and messages: RelayState, SigAlg and
/// Signature are read from the set, the raw query is shared (never copied per message), and a set in
/// which a binding parameter repeats (or hides behind an encoded name, or carries both a request and a
/// response) is marked ambiguous on every message it carries.
fn push_set(
    label: &Step,
    base: &BindingParams,
    raw: Option<&str>,
    set: Vec<SetParam>,
    found: &mut Vec<Found>,
) {
    if !set
        .iter()
        .any(|p| MESSAGE_PARAMS.contains(&p.name.as_str()))
    {
        return;
    }
    let mut b = base.clone();
    b.raw_query = raw.map(std::sync::Arc::from);
    // body-parser counts the `&` of the raw body (empty pieces too), else the fields.
    b.set_fields = raw.map_or(set.len(), |r| {
        set.len()
            .max(memchr::memchr_iter(b'&', r.as_bytes()).count() + 1)
    });
    b.set_bytes = raw.map_or_else(
        || {
            set.iter()
                .map(|p| form_encoded_len(&p.name) + 1 + form_encoded_len(&p.message_value) + 1)
                .sum()
        },
        str::len,
    );
    b.repeated = MESSAGE_PARAMS
        .iter()
        .any(|m| set.iter().filter(|p| p.name == *m).nth(1).is_some());
    b.qs_merged = !b.repeated
        && MESSAGE_PARAMS.iter().any(|m| {
            set.iter()
                .filter(|p| query::qs_name(&p.name) == *m)
                .nth(1)
                .is_some()
        });
    b.ambiguous = query::ambiguities(set.iter().map(|p| (p.name.as_str(), p.raw_name.as_str())));
    // Legacy form parsers (Python 2's parse_qs, Rack 2's query strings) also split on `;`: a value
    // still as received that holds `;name=` carries one more parameter there.
    let legacy: Vec<(String, String)> = set
        .iter()
        .filter(|p| p.form_encoded)
        .flat_map(|p| {
            p.message_value
                .split(';')
                .skip(1)
                .filter_map(|piece| piece.split_once('=').map(|(n, _)| n.to_string()))
                .collect::<Vec<_>>()
        })
        .map(|n| (crate::decode::blob::percent_decode(&n, true), n))
        .collect();
    if !legacy.is_empty() {
        let with = query::ambiguities(
            set.iter()
                .map(|p| (p.name.as_str(), p.raw_name.as_str()))
                .chain(legacy.iter().map(|(n, r)| (n.as_str(), r.as_str()))),
        );
        if with != b.ambiguous {
            b.ambiguous = with;
            b.ambiguous.push(
                "a value holds ';' before a binding parameter's name, which legacy form parsers (Python 2, Rack 2) split off as one more parameter".into(),
            );
        }
    }
    // A raw query given beside already-decoded parameters (SAML-tracer, a logged parameter object)
    // must say the same: the Redirect-binding signature is checked over the raw query, the message is
    // decoded from the parameters.
    if let Some(raw) = raw {
        // Only binding parameters are decoded (a query may hold many others).
        let binding = |n: &str| query::BINDING_PARAMS.contains(&n);
        let from_raw = query::parse_pairs(raw)
            .into_iter()
            .filter(|p| binding(&p.name))
            .map(|p| (p.value(), p.name))
            .map(|(v, n)| (n, v));
        let from_set = set.iter().filter(|p| binding(&p.name)).map(|p| {
            let v = if p.form_encoded {
                super::blob::percent_decode(&p.message_value, true)
            } else {
                p.value.clone()
            };
            (p.name.clone(), v)
        });
        // The same parameters and values, in any order (a logged object need not keep the query's).
        if binding_pairs(from_raw) != binding_pairs(from_set) {
            b.ambiguous
                .push("the raw query and the decoded parameters disagree".into());
        }
    }
    // With an ambiguous set these are the first copies; nothing that reads them can be `valid`.
    let first = |n: &str| set.iter().find(|p| p.name == n).map(|p| p.value.clone());
    b.relay_state = first("RelayState");
    b.sig_alg = first("SigAlg");
    b.signature = first("Signature");
    // Only the first message of a set carries the raw query and the request URL: the others are
    // refused as ambiguous, and a copy (even a shared one) in each of their reports would make the
    // output quadratic (5,000 repeated parameters in a 2 MB URL).
    let mut raw_query = b.raw_query.take();
    let mut url = b.url.take();
    for p in set {
        if MESSAGE_PARAMS.contains(&p.name.as_str()) {
            let mut b = b.clone();
            b.raw_query = raw_query.take();
            b.url = url.take();
            b.parameter = Some(p.name);
            found.push(Found {
                label: label.clone(),
                binding: b,
                value: FoundValue::Encoded {
                    value: p.message_value,
                    form_encoded: p.form_encoded,
                },
            });
        }
    }
}

struct TracerSeqSeed<'a> {
    scan: &'a mut Scan,
}

impl<'de> DeserializeSeed<'de> for TracerSeqSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for TracerSeqSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the SAML-tracer `requests` array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(req) = seq.next_element::<TracerRequest>()? {
            self.scan.entries += 1;
            tracer_request(self.scan.entries, req, &mut self.scan.found);
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct TracerRequest {
    #[serde(default)]
    method: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    get: Option<Vec<(String, String)>>,
    #[serde(default)]
    post: Option<Vec<(String, String)>>,
    #[serde(default)]
    saml: Option<String>,
    #[serde(default, rename = "responseStatus")]
    response_status: Option<serde_json::Value>,
    /// Only the `Content-Type` headers the browser sent are kept (what says how the body was read).
    #[serde(
        default,
        rename = "requestHeaders",
        deserialize_with = "tracer_content_type"
    )]
    content_type: ContentTypeLook,
}

/// The `Content-Type` values of a SAML-tracer header list (at most two distinct ones), and whether the
/// list is not what SAML-tracer writes (not a list, a header without a string name, a Content-Type
/// named with white space around it or with a value that is no string): an edited capture, whose
/// body's media type is not known (review 44).
#[derive(Default)]
struct ContentTypeLook {
    values: Vec<String>,
    odd: bool,
}

fn tracer_content_type<'de, D: de::Deserializer<'de>>(d: D) -> Result<ContentTypeLook, D::Error> {
    use serde_json::Value;
    let mut out = ContentTypeLook::default();
    match Value::deserialize(d)? {
        Value::Null => {}
        Value::Array(headers) => {
            for h in &headers {
                let Some(name) = h.get("name").and_then(Value::as_str) else {
                    out.odd = true;
                    continue;
                };
                if !name.trim().eq_ignore_ascii_case("content-type") {
                    continue;
                }
                match h.get("value") {
                    Some(Value::String(v)) if name.eq_ignore_ascii_case("content-type") => {
                        if out.values.len() < 2 && !out.values.iter().any(|o| o == v) {
                            out.values.push(v.clone());
                        }
                    }
                    _ => out.odd = true,
                }
            }
        }
        _ => out.odd = true,
    }
    Ok(out)
}

/// The method as an origin label shows it: a standard one, or "request" (a capture's method is free
/// text; the label is repeated in every output, redacted ones included).
fn label_method(m: &str) -> &str {
    if crate::util::is_http_method(m) {
        m
    } else {
        "request"
    }
}

/// A request whose URL and body both carry a SAML message, under any name an SP reads as one
/// ([`query::names_a_message`]): which copy an SP reads depends on it, so every message found in the
/// request is ambiguous (review 40: a copy under `SAMLResponse]` or `samlresponse` in one part was
/// not counted, and the exactly named copy in the other was `valid`).
///
/// Review 41: the names are those of every reading of each part (split at `;` too, a multipart body's
/// fields, a capture's decoded parameters), and messages found in both parts count whatever names
/// were gathered (a multipart body's text read as URL-encoded named none).
fn url_and_body(url_names: &[String], body_names: &[String], from_url: usize, found: &mut [Found]) {
    let named = |names: &[String]| names.iter().any(|n| query::names_a_message(n));
    let found_in_both = from_url > 0 && found.len() > from_url;
    if found_in_both || (named(url_names) && named(body_names)) {
        for f in found {
            f.binding
                .ambiguous
                .push("the URL and the body both carry a SAML message".into());
        }
    }
}

/// A request URL's query as sent: after its `?`, without the fragment; `None` without a `?`.
fn url_query(url: &str) -> Option<&str> {
    url.split_once('?')
        .map(|(_, q)| q.split_once('#').map_or(q, |(a, _)| a))
}

fn tracer_request(n: usize, r: TracerRequest, found: &mut Vec<Found>) {
    let method = r.method.to_ascii_uppercase();
    let label = Step::request(
        format!("request {n}"),
        Some(label_method(&method)),
        Some(&r.url),
    );
    let before = found.len();
    let base = BindingParams {
        method: (!method.is_empty()).then_some(method),
        url: Some(r.url.clone()),
        entry: Some(n),
        status: r.response_status.as_ref().and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        }),
        ..BindingParams::default()
    };
    let raw = url_query(&r.url);
    // SAML-tracer stores parameters already URL-decoded (checked against the raw query). Without
    // them, or when they carry no message, the URL's query is read itself (review 39: a URL carrying
    // a tampered response beside a `saml` or `post` holding the genuine one was not read at all).
    if let Some(get) = &r.get {
        let set = get.iter().map(|(n, v)| SetParam::decoded(n, v)).collect();
        push_set(&label, &base, raw, set, found);
        // The decoded parameters are checked against the raw query on the binding parameters' own
        // names only: a name an SP reads as one (`SAMLResponse]`, `samlresponse`) in the raw query
        // makes the set ambiguous too (review 40).
        if let Some(q) = raw {
            let pairs = query::parse_pairs(q);
            let why =
                query::ambiguities(pairs.iter().map(|p| (p.name.as_str(), p.raw_name.as_str())));
            for f in &mut found[before..] {
                for w in &why {
                    if !f.binding.ambiguous.contains(w) {
                        f.binding.ambiguous.push(w.clone());
                    }
                }
            }
        }
    }
    if found.len() == before
        && let Some(q) = raw
    {
        push_pairs(&label, &base, q, found);
    }
    let from_url = found.len() - before;
    // The URL's names: the raw query's, and the decoded ones SAML-tracer kept (review 41: a `get`
    // naming a message beside a URL without one).
    let url_names: Vec<String> = raw
        .map(query::names_in)
        .unwrap_or_default()
        .into_iter()
        .chain(r.get.iter().flatten().map(|(n, _)| n.clone()))
        .collect();
    let body_names: Vec<String> = r.post.iter().flatten().map(|(n, _)| n.clone()).collect();
    if let Some(post) = &r.post {
        let set = post.iter().map(|(n, v)| SetParam::decoded(n, v)).collect();
        let body = BindingParams {
            in_body: true,
            ..base.clone()
        };
        let first = found.len();
        push_set(&label, &body, None, set, found);
        // SAML-tracer keeps the fields the browser parsed, from a multipart form as from a URL-encoded
        // one: the Content-Type header it recorded says which body Express's URL-encoded parser read
        // (review 41). An export without the header (older, or made by hand) is read as a form's
        // default; two headers, or a type of which the browser parses no fields, mean an edited capture.
        let (urlencoded, doubt) = match r.content_type.values.as_slice() {
            _ if r.content_type.odd => (
                false,
                Some(
                    "the request's headers, as the capture holds them, cannot be read: which body was sent is not known",
                ),
            ),
            [] => (true, None),
            [h] if express_urlencoded(h) => (true, None),
            [h] => {
                let essence = media_essence(h);
                let form = essence.eq_ignore_ascii_case("multipart/form-data")
                    || essence.eq_ignore_ascii_case("application/x-www-form-urlencoded");
                (false, (!form).then_some(
                    "the body is neither a URL-encoded nor a multipart form: the parsed parameters beside it are not what was sent",
                ))
            }
            [..] => (false, Some("the request has two Content-Type headers")),
        };
        for f in &mut found[first..] {
            f.binding.not_urlencoded |= !urlencoded;
            f.binding.ambiguous.extend(doubt.map(String::from));
        }
    }
    url_and_body(&url_names, &body_names, from_url, &mut found[before..]);
    if found.len() == before
        && let Some(xml) = r.saml.filter(|s| super::blob::looks_like_xml(s))
    {
        // The message SAML-tracer decoded, for a request whose parameters samlint has none of (an
        // older export). Parameters that carry no message beside it: the capture was edited, or the
        // message came otherwise than they say (review 39).
        let mut binding = base;
        // A body captured without the message, or a name an SP reads as one in the URL (only a
        // disguised one reaches here: `SAMLResponse]`, `samlresponse`).
        let disguised = url_names.iter().any(|n| query::names_a_message(n));
        if disguised || r.post.as_ref().is_some_and(|p| !p.is_empty()) {
            binding.ambiguous.push(
                "the request's parameters carry no SAML message: the one SAML-tracer decoded beside them is not what they say was sent".into(),
            );
        }
        found.push(Found {
            label,
            binding,
            value: FoundValue::DecodedXml(xml),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key twice in the objects samlint walks by hand is refused like one in the objects serde reads
    /// into structs (a tool that keeps the last would read another capture), and so is `log` beside
    /// `requests`; other keys read as before.
    #[test]
    fn a_capture_key_twice_is_refused() {
        let entries = r#"[{"request":{"method":"GET","url":"https://idp/sso?SAMLRequest=abc"}}]"#;
        let log = format!(r#"{{"version":"1.2","entries":{entries}}}"#);
        for (json, field) in [
            (format!(r#"{{"log":{log},"log":{log}}}"#), "log"),
            (r#"{"requests":[],"requests":[]}"#.to_string(), "requests"),
            (
                format!(r#"{{"log":{{"entries":{entries},"entries":[]}}}}"#),
                "entries",
            ),
            (
                r#"{"log":{"entries":[{"request":{"url":"a","url":"b"}}]}}"#.to_string(),
                "url",
            ),
        ] {
            let err = scan(json.as_bytes()).err().map(|e| e.to_string());
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.contains(&format!("duplicate field `{field}`"))),
                "{json}: {err:?}"
            );
        }
        for json in [
            format!(r#"{{"log":{log},"requests":[]}}"#),
            format!(r#"{{"requests":[],"log":{log}}}"#),
        ] {
            let err = scan(json.as_bytes()).err().map(|e| e.to_string());
            assert!(
                err.as_deref()
                    .is_some_and(|e| e.contains("both a HAR `log`")),
                "{json}: {err:?}"
            );
        }
        let json = format!(r#"{{"log":{log},"other":1,"other":2}}"#);
        let s = scan(json.as_bytes()).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(s.found.len(), 1, "{json}");
    }

    #[test]
    fn har_finds_post_and_redirect_and_skips_passwords() {
        let har = r#"{"log":{"version":"1.2","creator":{"name":"x"},"entries":[
          {"startedDateTime":"2026-01-01T00:00:00Z","request":{"method":"POST","url":"https://idp/login",
             "postData":{"mimeType":"application/x-www-form-urlencoded","text":"username=a&password=secret"}},
           "response":{"status":200,"content":{"text":"<html>big</html>"}}},
          {"startedDateTime":"2026-01-01T00:00:01Z","request":{"method":"GET","url":"https://idp/sso?SAMLRequest=abc%2B&RelayState=r&SigAlg=s&Signature=t"}},
          {"request":{"method":"POST","url":"https://sp/acs",
             "postData":{"mimeType":"application/x-www-form-urlencoded","text":"SAMLResponse=PHg%2BPC94Pg%3D%3D&RelayState=z"}}}
        ]}}"#;
        let s = scan(har.as_bytes()).unwrap();
        assert_eq!(s.kind, Some(JsonKind::Har));
        assert_eq!(s.entries, 3);
        assert_eq!(s.found.len(), 2);
        assert!(
            s.found[0]
                .label
                .to_string()
                .starts_with("entry 2 (GET https://idp/sso?SAMLRequest=abc%2B")
        );
        assert_eq!(s.found[0].binding.sig_alg.as_deref(), Some("s"));
        assert_eq!(
            s.found[0].binding.raw_query.as_deref(),
            Some("SAMLRequest=abc%2B&RelayState=r&SigAlg=s&Signature=t")
        );
        assert_eq!(s.found[1].binding.relay_state.as_deref(), Some("z"));
        assert!(format!("{:?}", s.found).find("secret").is_none());
    }

    #[test]
    fn multipart_bodies_are_read_strictly() {
        let m = "multipart/form-data; boundary=\"b-1\"";
        let ok = "--b-1\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\nPHg+\r\n--b-1\r\ncontent-disposition: form-data; name=\"RelayState\"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n--b-1--\r\n";
        assert_eq!(
            multipart_fields(m, ok).unwrap(),
            [
                ("SAMLResponse".to_string(), "PHg+".to_string()),
                ("RelayState".to_string(), "line 1\r\nline 2".to_string())
            ]
        );
        // LF line breaks (a capture that normalised them) read the same; a CR among them does not.
        let lf = ok.replace("\r\n", "\n");
        assert_eq!(multipart_fields(m, &lf).unwrap()[0].1, "PHg+");
        assert!(multipart_fields(m, &lf.replacen("line 1", "line\r1", 1)).is_err());
        // Refused: no boundary, a preamble, a transfer encoding, a file, an unquoted or escaped name,
        // an unclosed body, text after the close, a folded header or a bare CR in one (review 27).
        assert!(multipart_fields("multipart/form-data", ok).is_err());
        assert!(multipart_fields(m, &format!("preamble\r\n{ok}")).is_err());
        for (from, to) in [
            (
                "Content-Type: text/plain",
                "Content-Transfer-Encoding: base64",
            ),
            (
                "name=\"RelayState\"",
                "name=\"RelayState\"; filename=\"r.txt\"",
            ),
            ("name=\"RelayState\"", "name=RelayState"),
            ("name=\"RelayState\"", "name=\"Relay\\\"State\""),
            ("--b-1--\r\n", ""),
            ("--b-1--\r\n", "--b-1--\r\nmore"),
            (
                "\r\nContent-Type: text/plain",
                "\r\n Content-Type: a; name=\"SAMLResponse\"",
            ),
            ("; name=\"RelayState\"", "; name=\"RelayState\"\r x: y"),
            // Review 28: a bare CR before a boundary inside a value, and headers ended by LF CRLF.
            (
                "line 1",
                "x\r--b-1\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\nPHh",
            ),
            (
                "name=\"SAMLResponse\"\r\n\r\n",
                "name=\"SAMLResponse\"\n\r\n",
            ),
            ("line 1\r\nline 2", "line 1\nline 2"),
        ] {
            let bad = ok.replace(from, to);
            assert_ne!(bad, ok);
            assert!(multipart_fields(m, &bad).is_err(), "{to}");
        }
        // The boundary: one plain `boundary=VALUE`, which every form parser reads alike (review 27).
        let body = |b: &str| ok.replace("b-1", b);
        for (mime, b) in [
            (
                "multipart/form-data; boundary=----WebKitFormBoundaryAb12",
                "----WebKitFormBoundaryAb12",
            ),
            ("Multipart/Form-Data;BOUNDARY=b.1_x; charset=utf-8", "b.1_x"),
        ] {
            assert!(multipart_fields(mime, &body(b)).is_ok(), "{mime}");
        }
        for mime in [
            "multipart/form-data; boundary=\"a;b\"",
            "multipart/form-data; boundary=b-1,y",
            "multipart/form-data; boundary=b-1; boundary=other",
            "multipart/form-data; xboundary=evil; boundary=b-1",
            "multipart/form-data; boundary = b-1",
            "multipart/form-data; boundary=\"b 1\"",
            "multipart/form-data; boundary=\"b-1",
        ] {
            assert!(multipart_fields(mime, &body("b-1")).is_err(), "{mime}");
        }
    }

    #[test]
    fn tracer_export() {
        let t = r#"{"requests":[{"method":"POST","url":"https://sp/acs","post":[["SAMLResponse","PHg+PC94Pg=="]],"saml":"<x></x>"},
                               {"method":"GET","url":"https://sp/x","saml":"<y/>"}],"timestamp":"t"}"#;
        let s = scan(t.as_bytes()).unwrap();
        assert_eq!(s.kind, Some(JsonKind::SamlTracer));
        assert_eq!(s.found.len(), 2);
        assert!(matches!(&s.found[1].value, FoundValue::DecodedXml(x) if x == "<y/>"));
    }

    #[test]
    fn repeated_parameters_mark_every_message_of_the_set_ambiguous() {
        let har = r#"{"log":{"entries":[
          {"request":{"method":"GET","url":"https://idp/sso?SAMLRequest=a&SAMLRequest=b&SigAlg=s&Signature=t"}},
          {"request":{"method":"POST","url":"https://sp/acs","postData":{"mimeType":"application/x-www-form-urlencoded",
             "params":[{"name":"SAMLResponse","value":"x"},{"name":"RelayState","value":"1"},{"name":"RelayState","value":"2"}]}}},
          {"request":{"method":"GET","url":"https://idp/sso?SAMLRequest=a&RelayState=r"}},
          {"request":{"method":"POST","url":"https://sp/acs?SAMLResponse=a","postData":{"text":"SAMLResponse=b"}}}
        ]}}"#;
        let s = scan(har.as_bytes()).unwrap();
        assert_eq!(s.found.len(), 6);
        assert_eq!(
            s.found[4].binding.ambiguous,
            ["the URL and the body both carry a SAML message"]
        );
        // The body has no media type either (review 27).
        assert_eq!(
            s.found[5].binding.ambiguous,
            [
                "the body has no media type: how an SP reads it depends on one",
                "the URL and the body both carry a SAML message"
            ]
        );
        assert_eq!(
            s.found[0].binding.ambiguous,
            ["SAMLRequest appears 2 times"]
        );
        assert_eq!(
            s.found[1].binding.ambiguous,
            ["SAMLRequest appears 2 times"]
        );
        // The raw query is reported once, with the first message of its set.
        assert_eq!(
            s.found[0].binding.raw_query.as_deref(),
            Some("SAMLRequest=a&SAMLRequest=b&SigAlg=s&Signature=t")
        );
        assert_eq!(s.found[1].binding.raw_query, None);
        assert_eq!(s.found[2].binding.ambiguous, ["RelayState appears 2 times"]);
        assert!(s.found[3].binding.ambiguous.is_empty());
        // SAML-tracer: the decoded parameters must say what the raw URL says.
        let t = r#"{"requests":[{"method":"GET","url":"https://idp/sso?SAMLRequest=genuine&SigAlg=s&Signature=t",
            "get":[["SAMLRequest","forged"],["SigAlg","s"],["Signature","t"]]}]}"#;
        let s = scan(t.as_bytes()).unwrap();
        assert_eq!(
            s.found[0].binding.ambiguous,
            ["the raw query and the decoded parameters disagree"]
        );
        let t = t.replace("forged", "genuine");
        assert!(
            scan(t.as_bytes()).unwrap().found[0]
                .binding
                .ambiguous
                .is_empty()
        );
    }

    #[test]
    fn other_json() {
        assert_eq!(
            scan(&b"{\"clientId\":\"x\"}"[..]).unwrap().kind,
            Some(JsonKind::Other)
        );
        assert_eq!(scan(&b"[1,2]"[..]).unwrap().kind, Some(JsonKind::Other));
        assert!(scan(&b"{\"log\":"[..]).is_err());
    }
}
