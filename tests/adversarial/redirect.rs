//! Class 1: Redirect binding — one signature, one message. A query string, a form body or a HAR entry
//! with a correctly signed `SAMLRequest` (or `SAMLResponse`) and something else beside it: an unsigned
//! forged message, a second copy of any SAML parameter (before or after the signed ones), a parameter
//! whose name is percent-encoded. Each must be refused as ambiguous or come out not `valid`, with an
//! error, in every carrier and with every verifier; the untouched signed query is the positive control.

use crate::util::*;

const ENDPOINT: &str = "https://kc.example.com/realms/acme/protocol/saml";

struct Parts {
    /// `SAMLRequest=…&RelayState=…&SigAlg=…&Signature=…` (the genuine Keycloak-style AuthnRequest).
    signed_req: String,
    /// The same shape around a Redirect-binding `SAMLResponse` (the unsigned template, deflated).
    signed_resp: String,
    sig_param: String,
    forged_resp: String,
    forged_req: String,
}

fn request_xml() -> String {
    let url = read("saml/authn-request-redirect.url");
    let q = url.trim().split_once('?').unwrap().1;
    let v = q
        .split('&')
        .find_map(|p| p.strip_prefix("SAMLRequest="))
        .unwrap();
    inflate_b64(&percent_decode(v))
}

/// `NAME=value&RelayState=…&SigAlg=…` signed with the IdP key: (octets, `Signature=…`).
fn redirect_sign(name: &str, xml: &str) -> (String, String) {
    let octets = format!(
        "{name}={}&RelayState={}&SigAlg={}",
        pct(&deflate_b64(xml)),
        pct("https://acme-example.atlassian.net/"),
        pct(RSA_SHA256)
    );
    let sig = rsa_sign(octets.as_bytes(), RSA_SHA256, "keys/idp-key.pem");
    (octets, format!("Signature={}", pct(&b64(sig))))
}

fn parts() -> Parts {
    let req = request_xml();
    assert!(req.contains("AssertionConsumerServiceURL=\"https://auth.atlassian.com/"));
    let (oct, sig) = redirect_sign("SAMLRequest", &req);
    let (roct, rsig) = redirect_sign("SAMLResponse", &template());
    let evil_req = req.replacen(
        "AssertionConsumerServiceURL=\"https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9\"",
        "AssertionConsumerServiceURL=\"https://evil.example/acs\"",
        1,
    );
    assert_ne!(evil_req, req);
    let evil_resp = template().replace(NAMEID, EVIL_NAMEID);
    Parts {
        signed_req: format!("{oct}&{sig}"),
        signed_resp: format!("{roct}&{rsig}"),
        sig_param: sig,
        forged_resp: format!("SAMLResponse={}", pct(&deflate_b64(&evil_resp))),
        forged_req: format!("SAMLRequest={}", pct(&deflate_b64(&evil_req))),
    }
}

/// (case, query): every forged or ambiguous query.
fn cases(p: &Parts) -> Vec<(String, String)> {
    let s = &p.signed_req;
    let evil_rs = "RelayState=https%3A%2F%2Fevil.example%2F".to_string();
    let sha1 = format!("SigAlg={}", pct(RSA_SHA1));
    let junk_sig = format!("Signature={}", pct(&b64([7u8; 256])));
    let pct_name = |param: &str, n: usize| -> String {
        // Percent-encode the n-th character of the name (SAML%52equest, Relay%53tate, …).
        let (name, value) = param.split_once('=').unwrap();
        let c = name.as_bytes()[n];
        format!("{}%{c:02X}{}={value}", &name[..n], &name[n + 1..])
    };
    let mut v: Vec<(String, String)> = Vec::new();
    let mut both = |name: &str, extra: String| {
        v.push((format!("{name}, after"), format!("{s}&{extra}")));
        v.push((format!("{name}, before"), format!("{extra}&{s}")));
    };
    both("unsigned forged SAMLResponse beside", p.forged_resp.clone());
    both(
        "second SAMLRequest (ACS evil.example)",
        p.forged_req.clone(),
    );
    both("second RelayState", evil_rs.clone());
    both("second SigAlg (rsa-sha1)", sha1.clone());
    both("second Signature (the same value)", p.sig_param.clone());
    both("second Signature (junk)", junk_sig.clone());
    both("SAML%52equest forged beside", pct_name(&p.forged_req, 4));
    both("SAML%52esponse forged beside", pct_name(&p.forged_resp, 4));
    both("Relay%53tate beside", pct_name(&evil_rs, 5));
    both("Sig%41lg beside", pct_name(&sha1, 3));
    both("%53ignature beside", pct_name(&junk_sig, 0));
    // Names that differ in case only: SPs that match names case-insensitively (ASP.NET) read them.
    let lower = |param: &str| -> String {
        let (name, value) = param.split_once('=').unwrap();
        format!("{}={value}", name.to_ascii_lowercase())
    };
    both(
        "samlrequest (lower case) forged beside",
        lower(&p.forged_req),
    );
    both(
        "samlresponse (lower case) forged beside",
        lower(&p.forged_resp),
    );
    both("relaystate (lower case) beside", lower(&evil_rs));
    // And as Java's equalsIgnoreCase folds: long s (U+017F) upper-cases to S.
    let long_s = format!("%C5%BF{}", p.forged_req.strip_prefix('S').unwrap());
    both("\u{17f}AMLRequest (long s) forged beside", long_s);
    // Names PHP, Node's qs and Rack rewrite into the binding parameter (review, 2026-12-05): leading
    // spaces dropped (`+` and %20 decode to one), cut at a NUL, `name[…]` read as an array `name`.
    // PHP keeps the last copy: the forged one.
    for (label, rewrite) in [
        ("+SAMLResponse", "+SAMLResponse"),
        ("%20SAMLResponse", "%20SAMLResponse"),
        ("SAMLResponse%00x", "SAMLResponse%00x"),
        ("SAMLResponse[]", "SAMLResponse%5B%5D"),
        // Rack 2 drops leading brackets and a trailing `]` (review 39).
        ("SAMLResponse]", "SAMLResponse%5D"),
        ("]SAMLResponse", "%5DSAMLResponse"),
        ("[[SAMLResponse", "%5B%5BSAMLResponse"),
    ] {
        let (_, value) = p.forged_resp.split_once('=').unwrap();
        both(
            &format!("{label} forged beside (PHP or Rack reads it)"),
            format!("{rewrite}={value}"),
        );
    }
    // The forged message between the signed parameters.
    let (msg, rest) = s.split_once('&').unwrap();
    v.push((
        "unsigned forged SAMLResponse, between".into(),
        format!("{msg}&{}&{rest}", p.forged_resp),
    ));
    v.push((
        "second SAMLRequest, between".into(),
        format!("{msg}&{}&{rest}", p.forged_req),
    ));
    // A signed SAMLResponse with a forged SAMLRequest beside it.
    let r = &p.signed_resp;
    v.push((
        "signed SAMLResponse + forged SAMLRequest, after".into(),
        format!("{r}&{}", p.forged_req),
    ));
    v.push((
        "signed SAMLResponse + forged SAMLRequest, before".into(),
        format!("{}&{r}", p.forged_req),
    ));
    v.push((
        "signed SAMLResponse + second SAMLResponse, after".into(),
        format!("{r}&{}", p.forged_resp),
    ));
    let (_, forged) = p.forged_resp.split_once('=').unwrap();
    // Legacy parsers (Python 2's parse_qs, Rack 2) split on `;` too (review 2, 2026-12-05).
    v.push((
        "signed SAMLResponse + ;SAMLResponse in another value, after".into(),
        format!("{r}&x=1;SAMLResponse={forged}"),
    ));
    for rewrite in [
        "+SAMLResponse",
        "SAMLResponse%00x",
        "SAMLResponse%5B0%5D",
        "SAMLResponse]",
        "]SAMLResponse",
        "[[SAMLResponse",
    ] {
        v.push((
            format!("signed SAMLResponse + {rewrite} (PHP or Rack reads it), after"),
            format!("{r}&{rewrite}={forged}"),
        ));
    }
    v
}

/// Each carrier writes the query into an input samlint reads: (carrier, input argument). (A HAR
/// response's Location header is not a carrier: samlint reads the request that follows it.)
fn carriers(dir: &std::path::Path, tag: &str, q: &str) -> Vec<(&'static str, String)> {
    let url = format!("{ENDPOINT}?{q}");
    let har = |entry: serde_json::Value| {
        serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
            "entries": [entry]}})
        .to_string()
    };
    let get = har(
        serde_json::json!({"startedDateTime": "2026-11-20T09:59:55.000Z",
        "request": {"method": "GET", "url": url, "headers": []}, "response": {"status": 200}}),
    );
    let post = har(
        serde_json::json!({"startedDateTime": "2026-11-20T09:59:55.000Z",
        "request": {"method": "POST", "url": ENDPOINT, "headers": [],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": q}},
        "response": {"status": 200}}),
    );
    vec![
        ("query (argument)", q.to_string()),
        ("url (argument)", url.clone()),
        (
            "form body (file)",
            write(dir, &format!("{tag}.form.txt"), q),
        ),
        (
            "har request url",
            write(dir, &format!("{tag}.get.har"), get),
        ),
        (
            "har form body",
            write(dir, &format!("{tag}.post.har"), post),
        ),
    ]
}

#[test]
fn class1_the_signed_redirect_query_is_valid_in_every_redirect_carrier() {
    let dir = tempfile::tempdir().unwrap();
    let p = parts();
    let mut l = Ledger::default();
    for (i, q) in [&p.signed_req, &p.signed_resp].into_iter().enumerate() {
        for (carrier, input) in carriers(dir.path(), &format!("c{i}"), q) {
            // POSTed, the query is a form body: a POST-binding SP reads the message and its XML
            // signatures, never SigAlg/Signature (SIG023; review, 2026-12-05). Neither message is
            // signed in its XML.
            if carrier == "har form body" {
                l.not_valid(
                    &format!("POSTed signed query {i} [{carrier}]"),
                    &input,
                    &[],
                    false,
                );
            } else {
                l.control_valid(&format!("control {i} [{carrier}]"), &input, &[]);
            }
        }
    }
    l.finish("class 1 controls");
}

#[test]
fn class1_one_signature_never_validates_another_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let p = parts();
    let mut l = Ledger::default();
    for (i, (case, q)) in cases(&p).into_iter().enumerate() {
        for (carrier, input) in carriers(dir.path(), &format!("q{i}"), &q) {
            l.not_valid(&format!("{case} [{carrier}]"), &input, &[], true);
        }
    }
    // A fragment after the signed query (error redirects carry parameters there): the browser never
    // sends it, so the signed request may stay valid, but the forged Response never is.
    let url = format!("{ENDPOINT}?{}#{}", p.signed_req, p.forged_resp);
    l.kind_not_valid(
        "unsigned forged SAMLResponse in the fragment [url]",
        &url,
        "Response",
    );
    l.finish("class 1");
}
