//! How a message travelled, and what the SP decodes of it (review 30): a binding parameter that holds
//! the XML itself (CORE005), a Redirect query without DEFLATE (CORE006), and the Atlassian prediction
//! for a response whose request body the input shows (DEFLATE-compressed, or with `+` unescaped),
//! which Auth0's SP library base64-decodes and never inflates.

mod common;
use base64::Engine as _;
use common::*;
use serde_json::{Value, json};
use std::io::Write as _;

const ACS: &str = "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

/// The signed Keycloak response of the fixtures.
fn xml() -> String {
    std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml"))
        .unwrap()
        .trim()
        .to_string()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn deflated(xml: &str) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(xml.as_bytes()).unwrap();
    e.finish().unwrap()
}

/// Form encoding of a value, with `+` left unescaped when `plus_raw` (what a sender that writes spaces
/// into the value, or a tool that decoded the capture, produces).
fn form(v: &str, plus_raw: bool) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b'+' if plus_raw => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A HAR of one request: POSTed with `body` as its form body, or a GET of `url` when `body` is None.
fn har(url: &str, body: Option<&str>) -> String {
    let mut request = json!({
        "method": if body.is_some() { "POST" } else { "GET" },
        "url": url,
        "httpVersion": "HTTP/2",
        "headers": [],
        "queryString": [],
        "cookies": []
    });
    if let Some(b) = body {
        request["headers"] =
            json!([{"name": "content-type", "value": "application/x-www-form-urlencoded"}]);
        request["postData"] = json!({"mimeType": "application/x-www-form-urlencoded", "text": b});
    }
    json!({"log": {"version": "1.2", "creator": {"name": "samlint tests", "version": "1"}, "pages": [],
        "entries": [{"startedDateTime": "2026-11-20T10:00:00.400Z", "time": 200, "request": request,
            "response": {"status": 302, "statusText": "", "httpVersion": "HTTP/2", "headers": [],
                "cookies": [], "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "",
                "headersSize": -1, "bodySize": 0},
            "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0}}]}})
    .to_string()
}

/// The Atlassian Cloud prediction of the SAML step: its JSON, and the human output's words (where its
/// reason and assumptions are), white space collapsed.
struct Cloud {
    json: Value,
    shown: String,
}

/// Check `text` (written to a file named `name`) with the fixture IdP certificate: the exit code, the
/// finding codes, and the Atlassian Cloud prediction.
fn check(name: &str, text: &str) -> (i32, Vec<String>, Cloud) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), name, text);
    let cert = fixture("keys/idp-cert.pem");
    let (exit, v) = check_json(&[&path, "--idp-cert", &cert]);
    let shown = run(&["check", &path, "--idp-cert", &cert])
        .stdout
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let m = &v["messages"][0];
    assert_eq!(m["signature"]["status"], "valid", "{v:#}");
    let cloud = m["predictions"]
        .as_array()
        .and_then(|p| {
            p.iter()
                .find(|p| p["sp"] == "atlassian-cloud" && p["stage"] == "saml-library")
        })
        .cloned()
        .unwrap_or(Value::Null);
    (exit, codes(&v), Cloud { json: cloud, shown })
}

/// Rejected because what the SP decodes is not the response, for the reason `rule` reports.
fn assert_undecodable(c: &Cloud, rule: &str) {
    assert_eq!(c.json["outcome"], "rejected", "{:#}", c.json);
    assert!(
        c.shown.contains("Atlassian would reject this login")
            && c.shown.contains("prediction why:")
            && c.shown.contains(&format!("({rule})")),
        "{}",
        c.shown
    );
}

/// Accepted, with `assumed` among what it assumes.
fn assert_accepted_assuming(c: &Cloud, assumed: &str) {
    assert_eq!(c.json["outcome"], "accepted", "{:#}", c.json);
    assert!(c.shown.contains(assumed), "{}", c.shown);
}

#[test]
fn a_parameter_that_holds_the_xml_itself_is_an_error_and_a_rejection() {
    let body = format!("SAMLResponse={}&RelayState=x", form(&xml(), false));
    for (name, text) in [
        ("body.txt", body.clone()),
        ("capture.har", har(ACS, Some(&body))),
    ] {
        let (exit, codes, cloud) = check(name, &text);
        assert!(codes.contains(&"CORE005".to_string()), "{name}: {codes:?}");
        assert_eq!(exit, 1, "{name}");
        assert_undecodable(&cloud, "CORE005");
    }
    // The same response base64-encoded, as the binding sends it: neither.
    let body = format!(
        "SAMLResponse={}&RelayState=x",
        form(&b64(xml().as_bytes()), false)
    );
    let (exit, codes, cloud) = check("body.txt", &body);
    assert!(!codes.contains(&"CORE005".to_string()), "{codes:?}");
    assert_eq!(exit, 0, "{codes:?}");
    assert_eq!(cloud.json["outcome"], "accepted", "{:#}", cloud.json);
}

#[test]
fn a_posted_deflated_response_is_rejected_and_a_pasted_one_assumed_posted() {
    let body = format!("SAMLResponse={}", form(&b64(&deflated(&xml())), false));
    // In a HAR's request body it was POSTed so: the library parses compressed bytes.
    let (_, codes, cloud) = check("capture.har", &har(ACS, Some(&body)));
    assert!(codes.contains(&"ATL018".to_string()), "{codes:?}");
    assert_undecodable(&cloud, "ATL018");
    // Parameters pasted without their request (most likely a Redirect URL's query): the prediction
    // states what it would answer had the response been POSTed.
    let (_, _, cloud) = check("body.txt", &body);
    assert_accepted_assuming(&cloud, "had the response been POSTed");
}

#[test]
fn an_unescaped_plus_in_a_captured_body_is_a_rejection() {
    let value = b64(xml().as_bytes());
    assert!(value.contains('+'), "the fixture's base64 has a '+'");
    let body = format!("SAMLResponse={}", form(&value, true));
    let (_, codes, cloud) = check("capture.har", &har(ACS, Some(&body)));
    assert!(codes.contains(&"CORE004".to_string()), "{codes:?}");
    assert_undecodable(&cloud, "CORE004");
    // Pasted without its request, a tool may have decoded it once: the '+' is assumed to have arrived.
    let (_, codes, cloud) = check("body.txt", &body);
    assert!(codes.contains(&"CORE004".to_string()), "{codes:?}");
    assert_accepted_assuming(&cloud, "reached Atlassian as '+'");
}

#[test]
fn a_redirect_query_without_deflate_is_a_warning() {
    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-11-20T10:00:00Z" Destination="https://kc.example.com/realms/acme/protocol/saml" AssertionConsumerServiceURL="https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c"><saml:Issuer>https://auth.atlassian.com/saml/0f1e2d3c</saml:Issuer></samlp:AuthnRequest>"#;
    let idp = "https://kc.example.com/realms/acme/protocol/saml";
    let run = |input: &str| {
        let (_, v) = check_json(&[input]);
        assert_eq!(v["messages"][0]["kind"], "AuthnRequest", "{v:#}");
        codes(&v)
    };
    let plain = form(&b64(request.as_bytes()), false);
    let compressed = form(&b64(&deflated(request)), false);
    // A URL, and a HAR's GET: the Redirect binding, whose value is DEFLATE-compressed.
    let url = format!("{idp}?SAMLRequest={plain}");
    assert!(run(&url).contains(&"CORE006".to_string()));
    let dir = tempfile::tempdir().unwrap();
    let h = write_temp(dir.path(), "get.har", har(&url, None));
    assert!(run(&h).contains(&"CORE006".to_string()));
    // Compressed, or another encoding named by SAMLEncoding: not reported.
    assert!(!run(&format!("{idp}?SAMLRequest={compressed}")).contains(&"CORE006".to_string()));
    let named = format!("{url}&SAMLEncoding=urn%3Aexample%3Aplain");
    assert!(!run(&named).contains(&"CORE006".to_string()));
    // Pasted parameters without a URL may be a form body, where base64 alone is right.
    assert!(!run(&format!("SAMLRequest={plain}")).contains(&"CORE006".to_string()));
    // The XML itself in the query: CORE005 (not CORE006 as well).
    let raw = run(&format!("{idp}?SAMLRequest={}", form(request, false)));
    assert!(
        raw.contains(&"CORE005".to_string()) && !raw.contains(&"CORE006".to_string()),
        "{raw:?}"
    );
}

/// The Data Center prediction reads the transport too: a parameter holding the XML is rejected there,
/// the same response base64-encoded is not.
#[test]
fn data_center_rejects_a_parameter_that_holds_the_xml() {
    use samlint::verify::sign::{Alg, What, pem_body, sign};
    let read = |rel: &str| std::fs::read_to_string(fixture(rel)).unwrap();
    let dc = to_data_center(read("saml/keycloak-atlassian-unsigned.xml").trim());
    let signed = sign(
        &dc,
        What::Both,
        read("keys/idp-key.pem").as_bytes(),
        &pem_body(&read("keys/idp-cert.pem")),
        Alg::RsaSha256,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let dc_prediction = |body: &str| {
        let path = write_temp(dir.path(), "body.txt", body);
        let (_, v) = check_json(&[&path, "--idp-cert", &cert]);
        let p = v["messages"][0]["predictions"].as_array().unwrap().clone();
        assert_eq!(p.len(), 1, "{p:#?}");
        assert_eq!(p[0]["sp"], "atlassian-datacenter");
        let shown = run(&["check", &path, "--idp-cert", &cert]).stdout;
        (
            p[0]["accepted"].clone(),
            shown.split_whitespace().collect::<Vec<_>>().join(" "),
        )
    };
    let (accepted, shown) = dc_prediction(&format!("SAMLResponse={}", form(&signed, false)));
    assert_eq!(accepted, false, "{shown}");
    assert!(shown.contains("(CORE005)"), "{shown}");
    let (accepted, shown) = dc_prediction(&format!(
        "SAMLResponse={}",
        form(&b64(signed.as_bytes()), false)
    ));
    assert_eq!(accepted, true, "{shown}");
}

/// Review 31: a response in a URL's query (a GET to the ACS, or a pasted URL) never reaches the
/// library, which reads only a POSTed form: rejected, and ATL018 says the binding, compressed or not.
#[test]
fn a_response_in_a_url_query_is_rejected() {
    for value in [b64(&deflated(&xml())), b64(xml().as_bytes())] {
        let url = format!("{ACS}&SAMLResponse={}", form(&value, false));
        for (name, text) in [("get.har", har(&url, None)), ("url.txt", url.clone())] {
            let (_, codes, cloud) = check(name, &text);
            assert!(codes.contains(&"ATL018".to_string()), "{name}: {codes:?}");
            assert_eq!(cloud.json["outcome"], "rejected", "{name}: {}", cloud.shown);
            assert!(
                cloud.shown.contains("came in a URL's query"),
                "{}",
                cloud.shown
            );
        }
    }
}

/// Review 31: a HAR that gives the form's parsed fields and no body text cannot show a '+' the IdP left
/// unescaped; the prediction says it assumed none.
#[test]
fn a_har_with_fields_only_says_what_it_assumes() {
    let value = b64(xml().as_bytes());
    let mut h: Value = serde_json::from_str(&har(
        ACS,
        Some(&format!("SAMLResponse={}", form(&value, false))),
    ))
    .unwrap();
    let pd = &mut h["log"]["entries"][0]["request"]["postData"];
    pd.as_object_mut().unwrap().remove("text");
    pd["params"] = json!([{"name": "SAMLResponse", "value": value}]);
    let (_, _, cloud) = check("fields.har", &h.to_string());
    assert_accepted_assuming(&cloud, "it has no body text");
    // With the body text: no such assumption.
    let (_, _, cloud) = check(
        "text.har",
        &har(ACS, Some(&format!("SAMLResponse={}", form(&value, false)))),
    );
    assert!(
        !cloud.shown.contains("it has no body text"),
        "{}",
        cloud.shown
    );
}

/// Review 32: a POST whose URL, not its body, carries the response: the library reads the body only.
#[test]
fn a_post_with_the_response_in_its_url_is_rejected() {
    let url = format!("{ACS}&SAMLResponse={}", form(&b64(xml().as_bytes()), false));
    let (_, _, cloud) = check("post.har", &har(&url, Some("RelayState=x")));
    assert_eq!(cloud.json["outcome"], "rejected", "{}", cloud.shown);
    assert!(
        cloud.shown.contains("URL's query of a POST"),
        "{}",
        cloud.shown
    );
}

/// Review 59: a Redirect URL copied from a page's HTML source (`&amp;` between the parameters) was
/// read with `amp;SigAlg` and `amp;Signature`, as unsigned, and passed; it is refused and said so.
#[test]
fn a_query_copied_from_html_source_is_refused() {
    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r1" Version="2.0" IssueInstant="2026-11-20T10:00:00Z"/>"#;
    let idp = "https://kc.example.com/realms/acme/protocol/saml";
    let value = form(&b64(&deflated(request)), false);
    // Review 61: the numeric references put a `#` in the query (which cut it there, SigAlg and
    // Signature read as a fragment), and an `&amp;amp;` is escaped twice.
    for url in [
        format!("{idp}?SAMLRequest={value}&amp;RelayState=x&amp;SigAlg=a&amp;Signature=b"),
        format!("SAMLRequest={value}&AMP;Signature=b"),
        format!("{idp}?SAMLRequest={value}&#38;SigAlg=a&#38;Signature=b"),
        format!("{idp}?SAMLRequest={value}&#x26;SigAlg=a&#X0026;Signature=b"),
        format!("{idp}?SAMLRequest={value}&amp;amp;SigAlg=a&amp;amp;Signature=b"),
        format!("{idp}?SAMLRequest={value}&amp%3BSigAlg=a&amp%3BSignature=b"),
        // Review 62: a numeric reference without its `;`, and one with many leading zeros.
        format!("{idp}?SAMLRequest={value}&#38SigAlg=a&#38Signature=b"),
        format!("{idp}?SAMLRequest={value}&#0000000000038;SigAlg=a"),
    ] {
        let (code, v) = check_json(&[&url]);
        assert_eq!(code, 2, "{v:#}");
        let e = &v["inputs"][0]["errors"][0];
        assert_eq!(e["code"], "input::html-escaped", "{v:#}");
    }
    // A parameter merely named so is no such query.
    let (code, v) = check_json(&[&format!("{idp}?SAMLRequest={value}&amp=1")]);
    assert_ne!(code, 2, "{v:#}");
}
