//! Browser captures: HAR 1.2 files and SAML-tracer JSON exports, read as a stream.
//!
//! The file is never held whole: the JSON is walked with serde visitors, fields samlint does not need
//! (response bodies, headers, cookies, timings) are skipped without being stored, and only requests that
//! carry `SAMLResponse` / `SAMLRequest` are kept.

use super::query::{self, MESSAGE_PARAMS};
use crate::source::BindingParams;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A SAML message found in a capture, still encoded.
#[derive(Debug, Clone)]
pub struct Found {
    /// e.g. `entry 14 (POST https://…)`.
    pub label: String,
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
            let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
            let base = BindingParams {
                relay_state: get("RelayState"),
                sig_alg: get("SigAlg"),
                signature: get("Signature"),
                raw_query: get("originalQuery"),
                ..BindingParams::default()
            };
            for (name, value) in &params {
                if MESSAGE_PARAMS.contains(&name.as_str()) {
                    let mut b = base.clone();
                    b.parameter = Some(name.clone());
                    scan.found.push(Found {
                        label: "parameters".into(),
                        binding: b,
                        value: FoundValue::Encoded {
                            value: value.clone(),
                            form_encoded: false,
                        },
                    });
                }
            }
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
                "log" if self.scan.kind.is_none() => {
                    self.scan.kind = Some(JsonKind::Har);
                    map.next_value_seed(HarLogSeed {
                        scan: &mut *self.scan,
                    })?;
                }
                "requests" if self.scan.kind.is_none() => {
                    self.scan.kind = Some(JsonKind::SamlTracer);
                    map.next_value_seed(TracerSeqSeed {
                        scan: &mut *self.scan,
                    })?;
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
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
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
        while let Some(entry) = seq.next_element::<HarEntry>()? {
            self.scan.entries += 1;
            har_entry(
                self.scan.entries,
                entry,
                &mut self.scan.found,
                &mut self.scan.events,
            );
        }
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
struct HarResponse {
    #[serde(default)]
    status: Option<i64>,
    #[serde(default)]
    content: Option<HarContent>,
}

#[derive(Deserialize)]
struct HarContent {
    /// Only the title of a known Keycloak error page is kept; the body itself never is.
    #[serde(default, deserialize_with = "keycloak_error_only")]
    text: Option<String>,
}

/// Keycloak error pages samlint recognises in a HAR response body (the login page's error titles).
pub const KEYCLOAK_ERRORS: &[&str] = &[
    "Invalid requester",
    "Unknown login requester",
    "Invalid redirect uri",
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
/// carries the password).
fn saml_only<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    keep_str(d, |v| {
        (v.contains("SAMLResponse") || v.contains("SAMLRequest")).then(|| v.to_string())
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

fn har_entry(n: usize, e: HarEntry, found: &mut Vec<Found>, events: &mut Vec<CaptureEvent>) {
    if let Some(ev) = har_event(n, &e) {
        events.push(ev);
    }
    let method = e.request.method.to_ascii_uppercase();
    let label = format!(
        "entry {n} ({method} {})",
        query::display_url(&e.request.url)
    );
    let base = BindingParams {
        method: Some(method.clone()),
        url: Some(e.request.url.clone()),
        time: e.started_date_time.clone(),
        entry: Some(n),
        status: e.response.as_ref().and_then(|r| r.status),
        ..BindingParams::default()
    };
    // Redirect binding: the URL's query.
    if let Some((_, q)) = e.request.url.split_once('?') {
        let q = q.split_once('#').map_or(q, |(a, _)| a);
        push_pairs(&label, &base, q, found);
    }
    // POST binding: the form body (raw text preferred: it is exactly what was sent).
    if let Some(pd) = e.request.post_data {
        let form = pd
            .mime_type
            .as_deref()
            .is_none_or(|m| m.contains("x-www-form-urlencoded"));
        if let (Some(text), true) = (pd.text.as_deref(), form) {
            push_pairs(&label, &base, text, found);
        } else if let Some(params) = pd.params {
            let mut b = base.clone();
            for p in &params {
                let v = p.value.clone().unwrap_or_default();
                match p.name.as_str() {
                    "RelayState" => b.relay_state = Some(super::blob::percent_decode(&v, false)),
                    "SigAlg" => b.sig_alg = Some(super::blob::percent_decode(&v, false)),
                    "Signature" => b.signature = Some(super::blob::percent_decode(&v, false)),
                    _ => {}
                }
            }
            for p in params {
                if MESSAGE_PARAMS.contains(&p.name.as_str()) {
                    let mut b = b.clone();
                    b.parameter = Some(p.name.clone());
                    found.push(Found {
                        label: label.clone(),
                        binding: b,
                        value: FoundValue::Encoded {
                            value: p.value.unwrap_or_default(),
                            form_encoded: false,
                        },
                    });
                }
            }
        }
    }
}

/// Collect the SAML parameters of a raw query string or form body (a pasted URL or body).
pub fn push_pairs_pub(base: &BindingParams, raw: &str, found: &mut Vec<Found>) {
    let label = if base.url.is_some() {
        "query"
    } else {
        "parameters"
    };
    let before = found.len();
    push_pairs(label, base, raw, found);
    // A pasted value names only the parameter, not a request.
    for f in found.iter_mut().skip(before) {
        f.label = label.to_string();
    }
}

fn push_pairs(label: &str, base: &BindingParams, raw: &str, found: &mut Vec<Found>) {
    let pairs = query::parse_pairs(raw);
    if !pairs
        .iter()
        .any(|p| MESSAGE_PARAMS.contains(&p.name.as_str()))
    {
        return;
    }
    let mut b = base.clone();
    b.raw_query = Some(raw.to_string());
    for p in &pairs {
        match p.name.as_str() {
            "RelayState" => b.relay_state = Some(p.value()),
            "SigAlg" => b.sig_alg = Some(p.value()),
            "Signature" => b.signature = Some(p.value()),
            _ => {}
        }
    }
    for p in pairs {
        if MESSAGE_PARAMS.contains(&p.name.as_str()) {
            let mut b = b.clone();
            b.parameter = Some(p.name.clone());
            found.push(Found {
                label: label.to_string(),
                binding: b,
                value: FoundValue::Encoded {
                    value: p.raw_value,
                    form_encoded: true,
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
}

fn tracer_request(n: usize, r: TracerRequest, found: &mut Vec<Found>) {
    let method = r.method.to_ascii_uppercase();
    let label = format!("request {n} ({method} {})", query::display_url(&r.url));
    let before = found.len();
    let base = BindingParams {
        method: Some(method),
        url: Some(r.url.clone()),
        entry: Some(n),
        status: r.response_status.as_ref().and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        }),
        ..BindingParams::default()
    };
    // SAML-tracer stores parameters already URL-decoded.
    for list in [r.get.as_ref(), r.post.as_ref()].into_iter().flatten() {
        let mut b = base.clone();
        for (name, value) in list {
            match name.as_str() {
                "RelayState" => b.relay_state = Some(value.clone()),
                "SigAlg" => b.sig_alg = Some(value.clone()),
                "Signature" => b.signature = Some(value.clone()),
                _ => {}
            }
        }
        if r.get.as_ref().is_some_and(|g| std::ptr::eq(g, list)) {
            b.raw_query = r
                .url
                .split_once('?')
                .map(|(_, q)| q.split_once('#').map_or(q, |(a, _)| a).to_string());
        }
        for (name, value) in list {
            if MESSAGE_PARAMS.contains(&name.as_str()) {
                let mut b = b.clone();
                b.parameter = Some(name.clone());
                found.push(Found {
                    label: label.clone(),
                    binding: b,
                    value: FoundValue::Encoded {
                        value: value.clone(),
                        form_encoded: false,
                    },
                });
            }
        }
    }
    if found.len() == before
        && let Some(xml) = r.saml.filter(|s| super::blob::looks_like_xml(s))
    {
        found.push(Found {
            label,
            binding: base,
            value: FoundValue::DecodedXml(xml),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn tracer_export() {
        let t = r#"{"requests":[{"method":"POST","url":"https://sp/acs","post":[["SAMLResponse","PHg+PC94Pg=="]],"saml":"<x></x>"},
                               {"method":"GET","url":"https://sp/x","saml":"<y/>"}],"timestamp":"t"}"#;
        let s = scan(t.as_bytes()).unwrap();
        assert_eq!(s.kind, Some(JsonKind::SamlTracer));
        assert_eq!(s.found.len(), 2);
        assert!(matches!(&s.found[1].value, FoundValue::DecodedXml(x) if x == "<y/>"));
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
