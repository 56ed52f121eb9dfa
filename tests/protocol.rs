//! Protocol checks on the correct response after one change each (re-signed, so only the protocol
//! problem remains), with the SP's configuration given as flags.

mod common;
use common::*;
use samlint::verify::sign::{Alg, What, pem_body, sign};

const SP: &str = "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
const ACS: &str = "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
const IDP: &str = "https://kc.example.com/realms/acme";
const IN_WINDOW: &str = "2026-11-20T10:00:30Z";

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

/// The template with one change, signed (Response and Assertion) with the test IdP key.
fn variant(from: &str, to: &str) -> String {
    let t = read("saml/keycloak-atlassian-unsigned.xml")
        .trim_end()
        .to_string();
    assert!(t.contains(from), "template lacks {from:?}");
    let t = t.replace(from, to);
    sign(
        &t,
        What::Both,
        read("keys/idp-key.pem").as_bytes(),
        &pem_body(&read("keys/idp-cert.pem")),
        Alg::RsaSha256,
    )
    .unwrap()
}

/// Findings (code, message) with the full SP configuration and an evaluation time inside the window.
fn lint(xml: &str, extra: &[&str]) -> Vec<(String, String)> {
    let cert = fixture("keys/idp-cert.pem");
    let mut args = vec![
        xml,
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        SP,
        "--acs-url",
        ACS,
        "--idp-entity-id",
        IDP,
    ];
    if !extra.contains(&"--at") {
        args.extend(["--at", IN_WINDOW]);
    }
    args.extend_from_slice(extra);
    let (_, v) = check_json(&args);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn only(fs: &[(String, String)], code: &str) -> String {
    let codes: Vec<&str> = fs.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        codes.iter().all(|c| *c == code),
        "expected only {code}: {fs:#?}"
    );
    assert!(!codes.is_empty(), "expected {code}, got nothing");
    fs[0].1.clone()
}

#[test]
fn correct_configuration_is_clean() {
    assert_eq!(
        lint(&variant("x", "x"), &[]),
        Vec::<(String, String)>::new()
    );
}

#[test]
fn audience_destination_recipient() {
    let other = "https://auth.atlassian.com/saml/11111111-2222-3333-4444-555555555555";
    let x = variant(
        &format!("<saml:Audience>{SP}</saml:Audience>"),
        &format!("<saml:Audience>{other}</saml:Audience>"),
    );
    let fs = lint(&x, &[]);
    assert!(
        fs.iter().any(|(c, m)| c == "PRO003" && m.contains(other)),
        "{fs:#?}"
    );
    // Without --sp-entity-id, the mismatch between the Audience's id and the ACS's id is still caught (ATL003).
    let cert = fixture("keys/idp-cert.pem");
    let (_, v) = check_json(&[&x, "--idp-cert", &cert]);
    assert!(codes(&v).contains(&"ATL003".to_string()), "{:?}", codes(&v));
    // An Audience with a query after its id is no Atlassian SP entity ID (ATL001), but it names the
    // connection its id does: no ATL003 when that is the ACS's (review 46), ATL003 when it is not.
    for (audience, atl003) in [(format!("{SP}?x=1"), false), (format!("{other}?x=1"), true)] {
        let x = variant(
            &format!("<saml:Audience>{SP}</saml:Audience>"),
            &format!("<saml:Audience>{audience}</saml:Audience>"),
        );
        let (_, v) = check_json(&[&x, "--idp-cert", &cert]);
        let c = codes(&v);
        assert!(c.contains(&"ATL001".to_string()), "{audience}: {c:?}");
        assert_eq!(
            c.contains(&"ATL003".to_string()),
            atl003,
            "{audience}: {c:?}"
        );
    }
    // The ACS without its ?connection= query (pitfall: redirect URI without the query).
    let bare = "https://auth.atlassian.com/login/callback";
    let x = variant(
        &format!("Recipient=\"{}\"", ACS.replace('&', "&amp;")),
        &format!("Recipient=\"{bare}\""),
    );
    let m = only(&lint(&x, &[]), "PRO005");
    assert!(m.contains(bare), "{m}");
    assert!(m.ends_with("(they differ in the query)"), "{m}");
}

/// Two URLs that differ only in a query value look alike redacted (query values are dropped): the
/// message says where they differ, so that a redacted report keeps the diagnosis.
#[test]
fn a_redacted_url_mismatch_says_where_the_urls_differ() {
    let acs = "https://sp.example.org/acs?tenant=acme";
    let x = variant(
        &format!("Recipient=\"{}\"", ACS.replace('&', "&amp;")),
        "Recipient=\"https://sp.example.org/acs?tenant=other\"",
    );
    let cert = fixture("keys/idp-cert.pem");
    let (_, v) = check_json(&[&x, "--idp-cert", &cert, "--acs-url", acs, "--redact"]);
    let m: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "PRO005")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(m.len(), 1, "{v:#}");
    assert!(
        !m[0].contains("acme") && !m[0].contains("other"),
        "{}",
        m[0]
    );
    assert!(m[0].ends_with("(they differ in the query)"), "{}", m[0]);
}

/// The Audiences of one AudienceRestriction are alternatives, and every AudienceRestriction must hold
/// (SAML 2.0 Core §2.5.1.4): another Audience beside the SP's is clean, a second restriction without
/// the SP is not.
#[test]
fn audiences_of_one_restriction_are_alternatives() {
    let other = "https://other.example/sp";
    let ours = format!("<saml:Audience>{SP}</saml:Audience>");
    for beside in [
        format!("<saml:Audience>{other}</saml:Audience>{ours}"),
        format!("{ours}<saml:Audience>{other}</saml:Audience>"),
    ] {
        // (The packs read the first Audience as the SP entity ID: only PRO003 is asked here.)
        let fs = lint(&variant(&ours, &beside), &[]);
        assert!(!fs.iter().any(|(c, _)| c == "PRO003"), "{beside}: {fs:#?}");
    }
    let second = format!(
        "{ours}</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>{other}</saml:Audience>"
    );
    let m = only(&lint(&variant(&ours, &second), &[]), "PRO003");
    assert!(m.contains(other), "{m}");
    // Without --sp-entity-id (review, 2026-12-05): restrictions that share no Audience exclude every
    // SP; ones that share the SP's are clean.
    let cert = fixture("keys/idp-cert.pem");
    let pro003 = |x: &str| {
        let (_, v) = check_json(&[x, "--idp-cert", &cert, "--at", IN_WINDOW]);
        codes(&v).iter().filter(|c| *c == "PRO003").count()
    };
    assert_eq!(pro003(&variant(&ours, &second)), 1);
    let shared = format!(
        "{ours}</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>{other}</saml:Audience>{ours}"
    );
    assert_eq!(pro003(&variant(&ours, &shared)), 0);
    assert_eq!(pro003(&variant("x", "x")), 0);
}

/// White space around the Audience (review 33): Auth0's library compares it as written and answers
/// "Audience is invalid.", so it is PRO003, once, with or without `--sp-entity-id`; the prediction
/// says rejected.
#[test]
fn white_space_around_the_audience() {
    let ours = format!("<saml:Audience>{SP}</saml:Audience>");
    let cert = fixture("keys/idp-cert.pem");
    for padded in [
        format!("<saml:Audience> {SP} </saml:Audience>"),
        format!("<saml:Audience>\n\t{SP}</saml:Audience>"),
    ] {
        let x = variant(&ours, &padded);
        let m = only(&lint(&x, &[]), "PRO003");
        assert!(m.contains("white space"), "{m}");
        let (code, v) = check_json(&[&x, "--idp-cert", &cert, "--at", IN_WINDOW]);
        assert_eq!(code, 1, "{v:#}");
        let pro003 = codes(&v).iter().filter(|c| *c == "PRO003").count();
        assert_eq!(pro003, 1, "{v:#}");
    }
}

#[test]
fn issuer_with_the_legacy_auth_prefix() {
    let x = variant(
        "<saml:Issuer>https://kc.example.com/realms/acme</saml:Issuer>",
        "<saml:Issuer>https://kc.example.com/auth/realms/acme</saml:Issuer>",
    );
    let fs = lint(&x, &[]);
    assert!(fs.iter().all(|(c, _)| c == "PRO002"), "{fs:#?}");
    assert_eq!(fs.len(), 2, "Response and Assertion Issuer");
    assert!(fs[0].1.contains("/auth"), "{}", fs[0].1);
}

#[test]
fn status_invalid_name_id_policy() {
    let x = variant(
        "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>",
        "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Requester\"><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy\"/></samlp:StatusCode>",
    );
    let fs = lint(&x, &[]);
    let m = &fs.iter().find(|(c, _)| c == "PRO001").expect("PRO001").1;
    assert!(m.contains("no email address"), "{m}");
}

#[test]
fn expired_and_not_yet_valid_with_the_smallest_skew() {
    let x = variant("x", "x");
    // Conditions NotOnOrAfter is 10:00:58.123; 3 min skew; at 10:05:00 it is 1.877 s past the skew.
    let fs = lint(&x, &["--at", "2026-11-20T10:05:00Z"]);
    let m = &fs.iter().find(|(c, _)| c == "PRO009").expect("PRO009").1;
    assert!(m.contains("a clock skew of 242 s"), "{m}");
    // With that skew it passes.
    assert!(
        lint(&x, &["--at", "2026-11-20T10:05:00Z", "--clock-skew", "242"])
            .iter()
            .all(|(c, _)| c != "PRO009")
    );
    let fs = lint(&x, &["--at", "2026-11-20T09:50:00Z"]);
    let m = &fs.iter().find(|(c, _)| c == "PRO010").expect("PRO010").1;
    assert!(m.contains("a clock skew of 599 s"), "{m}");
}

/// A time that is not an xs:dateTime is PRO018 whatever the evaluation time, never PRO009 ("expired");
/// an unreadable Response IssueInstant leaves no time to check the windows at, and PRO018 says so.
#[test]
fn a_time_that_is_not_a_date_time_is_invalid_time_not_expired() {
    let x = variant(
        "NotOnOrAfter=\"2026-11-20T10:04:58.123Z\"",
        "NotOnOrAfter=\"soon\"",
    );
    for extra in [
        &["--at", "capture"][..],
        &["--at", "2026-11-20T10:00:00Z"][..],
    ] {
        let fs = lint(&x, extra);
        let bad: Vec<_> = fs.iter().filter(|(c, _)| c == "PRO018").collect();
        assert_eq!(bad.len(), 1, "{extra:?}: {fs:#?}");
        assert_eq!(
            bad[0].1,
            "SubjectConfirmationData NotOnOrAfter \"soon\" is not a valid xs:dateTime (not of the form YYYY-MM-DDThh:mm:ssZ)"
        );
        assert!(fs.iter().all(|(c, _)| c != "PRO009"), "{fs:#?}");
    }
    let x = variant(
        "3c4d\" IssueInstant=\"2026-11-20T10:00:00.123Z\"",
        "3c4d\" IssueInstant=\"\"",
    );
    let fs = lint(&x, &["--at", "capture"]);
    let m = &fs.iter().find(|(c, _)| c == "PRO018").expect("PRO018").1;
    assert!(
        m.starts_with(
            "Response IssueInstant \"\" is not a valid xs:dateTime (not of the form YYYY-MM-DDThh:mm:ssZ), so no time window was checked"
        ),
        "{m}"
    );
    // With --at the windows are checked, and the sentence does not say otherwise.
    let fs = lint(&x, &["--at", "2026-11-20T10:05:00Z"]);
    assert!(fs.iter().any(|(c, _)| c == "PRO009"), "{fs:#?}");
    let m = &fs.iter().find(|(c, _)| c == "PRO018").expect("PRO018").1;
    assert_eq!(
        m,
        "Response IssueInstant \"\" is not a valid xs:dateTime (not of the form YYYY-MM-DDThh:mm:ssZ)"
    );
    // No IssueInstant at all (SAML requires one on the Response and on each Assertion): it passed
    // silently, with no window checked.
    let x = variant("3c4d\" IssueInstant=\"2026-11-20T10:00:00.123Z\"", "3c4d\"");
    let fs = lint(&x, &["--at", "capture"]);
    let bad: Vec<_> = fs.iter().filter(|(c, _)| c == "PRO018").collect();
    assert_eq!(bad.len(), 1, "{fs:#?}");
    assert_eq!(
        bad[0].1,
        "The Response has no IssueInstant, so no time window was checked (pass --at, or a HAR capture)"
    );
    let x = variant("4e5f\" IssueInstant=\"2026-11-20T10:00:00.123Z\"", "4e5f\"");
    let fs = lint(&x, &[]);
    let bad: Vec<_> = fs.iter().filter(|(c, _)| c == "PRO018").collect();
    assert_eq!(bad.len(), 1, "{fs:#?}");
    assert_eq!(bad[0].1, "The Assertion has no IssueInstant");
}

/// Requests and logout messages carry an IssueInstant too (SAML Core §3.2.1, §3.2.2): a missing or
/// unreadable one is PRO018, and so is an unreadable LogoutRequest NotOnOrAfter. Raw XML, unsigned,
/// so that nothing else is reported.
#[test]
fn requests_and_logout_messages_need_a_readable_issue_instant() {
    let dir = tempfile::tempdir().unwrap();
    let msg = |root: &str, instant: &str, extra: &str| {
        format!(
            "<samlp:{root} xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_r1\" Version=\"2.0\"{instant}{extra}><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">{SP}</saml:Issuer></samlp:{root}>"
        )
    };
    let pro018 = |xml: String| -> Vec<String> {
        let f = write_temp(dir.path(), "m.xml", xml);
        let (_, v) = check_json(&[&f]);
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "PRO018")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let ok = " IssueInstant=\"2026-11-20T09:59:55Z\"";
    for root in ["AuthnRequest", "LogoutRequest", "LogoutResponse"] {
        assert_eq!(pro018(msg(root, ok, "")), Vec::<String>::new(), "{root}");
        assert_eq!(
            pro018(msg(root, "", "")),
            [format!("The {root} has no IssueInstant")],
            "{root}"
        );
        assert_eq!(
            pro018(msg(root, " IssueInstant=\"2026-11-20 09:59\"", "")),
            [format!(
                "{root} IssueInstant \"2026-11-20 09:59\" is not a valid xs:dateTime (not of the form YYYY-MM-DDThh:mm:ssZ)"
            )],
            "{root}"
        );
    }
    // What a lenient date library reads but xs:dateTime refuses (a strict SP too): each says why.
    for (time, why) in [
        (
            "2026-11-20 09:59:55Z",
            "the date and the time must be separated by an upper-case T",
        ),
        (
            "2026-11-20t09:59:55Z",
            "the date and the time must be separated by an upper-case T",
        ),
        (
            "2026-11-20T09:59:55z",
            "UTC is written with an upper-case Z",
        ),
        (
            "2026-02-30T09:59:55Z",
            "the day does not exist in that month",
        ),
        (
            "2026-11-20T24:30:00Z",
            "hour 24 is only allowed as 24:00:00",
        ),
        (
            "2026-11-20T23:59:60Z",
            "xs:dateTime has no leap second (seconds run 00 to 59)",
        ),
    ] {
        assert_eq!(
            pro018(msg(
                "AuthnRequest",
                &format!(" IssueInstant=\"{time}\""),
                ""
            )),
            [format!(
                "AuthnRequest IssueInstant \"{time}\" is not a valid xs:dateTime ({why})"
            )],
        );
    }
    assert_eq!(
        pro018(msg(
            "LogoutRequest",
            ok,
            " NotOnOrAfter=\"2026-11-20T10:04:55\u{2009}Z\""
        )),
        [
            // The thin space shown, not written as a plain one (review 65).
            "LogoutRequest NotOnOrAfter \"2026-11-20T10:04:55<U+2009>Z\" is not a valid xs:dateTime (the time zone is not Z or ±hh:mm)"
        ]
    );
}

#[test]
fn time_evaluated_at_issue_instant_says_so() {
    let cert = fixture("keys/idp-cert.pem");
    let (_, v) = check_json(&[
        &variant("x", "x"),
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        SP,
        "--acs-url",
        ACS,
        "--idp-entity-id",
        IDP,
    ]);
    assert_eq!(codes(&v), ["PRO012"]);
    assert_eq!(v["messages"][0]["at_source"], "issue-instant");
}

#[test]
fn in_response_to() {
    let x = variant("x", "x");
    let m = only(&lint(&x, &["--request-id", "_other"]), "PRO007");
    assert!(m.contains("_other"), "{m}");
    // IdP-initiated: no InResponseTo anywhere.
    let x = variant(" InResponseTo=\"_4b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d\"", "");
    only(&lint(&x, &[]), "PRO008");
}

#[test]
fn bearer_confirmation_and_subject() {
    let x = variant(
        "urn:oasis:names:tc:SAML:2.0:cm:bearer",
        "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key",
    );
    only(&lint(&x, &[]), "PRO006");
}

#[test]
fn har_pairs_the_response_with_its_request_and_uses_capture_time() {
    let cert = fixture("keys/idp-cert.pem");
    let (_, v) = check_json(&[
        &fixture("har/sp-initiated-login.har"),
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        SP,
        "--acs-url",
        ACS,
        "--idp-entity-id",
        IDP,
    ]);
    assert_eq!(codes(&v), Vec::<String>::new());
    assert_eq!(v["messages"][1]["at_source"], "capture");
    assert_eq!(v["messages"][1]["at"], "2026-11-20T10:00:00.400Z");
    // A response to another request in the same capture is caught without --request-id.
    use base64::Engine as _;
    use std::io::Write as _;
    let req = format!(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_another_request\" Version=\"2.0\" IssueInstant=\"2026-11-20T09:59:55Z\"><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">{SP}</saml:Issuer></samlp:AuthnRequest>"
    );
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(req.as_bytes()).unwrap();
    let q = base64::engine::general_purpose::STANDARD
        .encode(enc.finish().unwrap())
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let resp = base64::engine::general_purpose::STANDARD
        .encode(read("saml/keycloak-atlassian-ok.xml").trim_end())
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [
        {"startedDateTime": "2026-11-20T09:59:55.100Z", "request": {"method": "GET", "url": format!("https://kc.example.com/realms/acme/protocol/saml?SAMLRequest={q}")}},
        {"startedDateTime": "2026-11-20T10:00:00.400Z", "request": {"method": "POST", "url": ACS,
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("SAMLResponse={resp}")}}}
    ]}});
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "other.har", har.to_string());
    let (_, v) = check_json(&[
        &p,
        "--idp-cert",
        &cert,
        "--sp-entity-id",
        SP,
        "--acs-url",
        ACS,
        "--idp-entity-id",
        IDP,
    ]);
    assert_eq!(codes(&v), ["PRO007"], "{v:#}");
}

/// In a capture, a response is paired with the AuthnRequests *before* it (the messages of one input
/// are linted in parallel, so this order must be kept on purpose): a request that comes after its
/// response does not count.
#[test]
fn in_response_to_counts_only_earlier_requests_of_the_capture() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let form = |name: &str, value: &str| {
        format!(
            "{name}={}",
            value
                .replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D")
        )
    };
    // The AuthnRequest the correct response answers, as XML (decoded from the Redirect fixture).
    let url = fixture("saml/authn-request-redirect.url");
    let run = samlint::lint::run(
        &[url],
        &mut std::io::empty(),
        &samlint::lint::Options::default(),
    );
    let request = run.messages[0].source.text.to_string();
    let id = "_4b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d";
    assert!(request.contains(id), "{request}");
    let other = request.replace(id, "_another_request");
    let response = read("saml/keycloak-atlassian-ok.xml");
    assert!(response.contains(&format!("InResponseTo=\"{id}\"")));
    let entry = |url: &str, body: String| {
        serde_json::json!({
            "startedDateTime": "2026-11-20T10:00:00.000Z", "time": 1,
            "request": {"method": "POST", "url": url, "httpVersion": "HTTP/1.1", "headers": [],
                        "queryString": [], "cookies": [], "headersSize": -1, "bodySize": -1,
                        "postData": {"mimeType": "application/x-www-form-urlencoded", "text": body}},
            "response": {"status": 200, "statusText": "", "httpVersion": "HTTP/1.1", "headers": [],
                         "cookies": [], "content": {"size": 0, "mimeType": "text/html"},
                         "redirectURL": "", "headersSize": -1, "bodySize": -1},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}
        })
    };
    let to_idp = |xml: &str| {
        entry(
            &format!("{IDP}/protocol/saml"),
            form("SAMLRequest", &b64(xml)),
        )
    };
    let to_sp = entry(ACS, form("SAMLResponse", &b64(&response)));
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let codes_of = |name: &str, entries: Vec<serde_json::Value>| {
        let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
                                              "entries": entries}});
        let path = write_temp(dir.path(), name, har.to_string());
        let (_, v) = check_json(&[&path, "--idp-cert", &cert, "--at", IN_WINDOW]);
        codes(&v)
    };
    // Another request, the response, then the request it answers: PRO007 (answers none earlier).
    let late = codes_of(
        "late.har",
        vec![to_idp(&other), to_sp.clone(), to_idp(&request)],
    );
    assert!(late.contains(&"PRO007".to_string()), "{late:?}");
    // The request it answers first: paired, no PRO007.
    let paired = codes_of("paired.har", vec![to_idp(&request), to_sp, to_idp(&other)]);
    assert!(!paired.contains(&"PRO007".to_string()), "{paired:?}");
}

/// "What if there are two?" when nothing is given: the ACS taken from the first Recipient must not
/// hide a second that differs, and the InResponseTo of the first SubjectConfirmationData must not hide
/// a second.
#[test]
fn without_flags_a_second_recipient_or_in_response_to_is_still_compared() {
    let t = read("saml/keycloak-atlassian-unsigned.xml");
    let dest = format!(" Destination=\"{ACS}\"");
    assert!(t.contains(&dest));
    let conf_start = t.find("<saml:SubjectConfirmation ").unwrap();
    let conf_end =
        t.find("</saml:SubjectConfirmation>").unwrap() + "</saml:SubjectConfirmation>".len();
    let conf = &t[conf_start..conf_end];
    let dir = tempfile::tempdir().unwrap();
    let codes_of = |name: &str, xml: String| {
        let p = write_temp(dir.path(), name, xml);
        let (_, v) = check_json(&[&p]);
        codes(&v)
    };
    // Two Recipients, no Destination, no --acs-url.
    let evil = conf.replace("saml-0f1e2d3c", "saml-EVIL0000");
    let two = t
        .replace(&dest, "")
        .replacen(conf, &format!("{conf}{evil}"), 1);
    assert!(codes_of("two-recipients.xml", two).contains(&"PRO005".to_string()));
    // The same message with one Recipient has no PRO005 (the test can fail for the right reason).
    let one = t.replace(&dest, "");
    assert!(!codes_of("one-recipient.xml", one).contains(&"PRO005".to_string()));
    // Two SubjectConfirmationData InResponseTo values, no Response InResponseTo, no --request-id.
    let irt = " InResponseTo=\"_4b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d\"";
    let other = conf.replace("_4b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d", "_other");
    let first_irt = t.find(irt).unwrap();
    let mut no_resp_irt = t.clone();
    no_resp_irt.replace_range(first_irt..first_irt + irt.len(), "");
    let two_irt = no_resp_irt.replacen(conf, &format!("{conf}{other}"), 1);
    assert!(codes_of("two-irt.xml", two_irt).contains(&"PRO007".to_string()));
    assert!(!codes_of("one-irt.xml", no_resp_irt).contains(&"PRO007".to_string()));
}

/// PRO022: a window that stays open more than a day after the assertion was issued, whatever the
/// evaluation time; exactly a day is not reported. The session's length (SessionNotOnOrAfter) is
/// never read.
#[test]
fn a_window_open_for_more_than_a_day_is_reported() {
    let day = variant(
        "NotOnOrAfter=\"2026-11-20T10:00:58.123Z\"",
        "NotOnOrAfter=\"2026-11-21T10:00:00.123Z\"",
    );
    assert!(lint(&day, &[]).iter().all(|(c, _)| c != "PRO022"));
    let long = variant(
        "NotOnOrAfter=\"2026-11-20T10:00:58.123Z\"",
        "NotOnOrAfter=\"2026-11-21T10:00:00.124Z\"",
    );
    let m = only(&lint(&long, &[]), "PRO022");
    assert!(
        m.contains("Conditions NotOnOrAfter 2026-11-21T10:00:00.124Z is 1 d 0 h after the Assertion's IssueInstant"),
        "{m}"
    );
    // Years are said in years too, for the bearer confirmation as for Conditions.
    let years = variant(
        "NotOnOrAfter=\"2026-11-20T10:04:58.123Z\"",
        "NotOnOrAfter=\"2036-11-20T10:04:58.123Z\"",
    );
    let m = only(&lint(&years, &[]), "PRO022");
    assert!(m.starts_with("SubjectConfirmationData NotOnOrAfter"), "{m}");
    assert!(m.contains(" is about 10 years (3653 days) after "), "{m}");
    // An assertion without an IssueInstant is measured from the Response's (PRO018 reports it).
    let unissued = variant(
        "ID=\"ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\" IssueInstant=\"2026-11-20T10:00:00.123Z\"",
        "ID=\"ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\"",
    );
    let unissued = unissued.replacen(
        "NotOnOrAfter=\"2026-11-20T10:00:58.123Z\"",
        "NotOnOrAfter=\"2026-11-22T10:00:58.123Z\"",
        1,
    );
    let fs = lint(&unissued, &[]);
    let m = &fs.iter().find(|(c, _)| c == "PRO022").expect("PRO022").1;
    assert!(
        m.contains("after the Response's IssueInstant (2026-11-20T10:00:00.123Z)"),
        "{m}"
    );
    let session = variant(
        "SessionNotOnOrAfter=\"2026-11-20T20:00:00.123Z\"",
        "SessionNotOnOrAfter=\"2036-11-20T20:00:00.123Z\"",
    );
    assert!(lint(&session, &[]).iter().all(|(c, _)| c != "PRO022"));
}

/// PRO023: NotOnOrAfter not after NotBefore (SAML core: NotBefore MUST be earlier), equal or
/// earlier; a bound that is not a time is PRO018's alone.
#[test]
fn a_window_that_closes_before_it_opens_is_reported() {
    let equal = variant(
        "NotBefore=\"2026-11-20T09:59:58.123Z\"",
        "NotBefore=\"2026-11-20T10:00:58.123Z\"",
    );
    let fs = lint(&equal, &["--at", "2026-11-20T10:00:58Z"]);
    let m = only(&fs, "PRO023");
    assert!(
        m.contains("is the same instant as its NotBefore 2026-11-20T10:00:58.123Z"),
        "{m}"
    );
    let inverted = variant(
        "NotBefore=\"2026-11-20T09:59:58.123Z\"",
        "NotBefore=\"2026-11-20T10:02:58.123Z\"",
    );
    let fs = lint(&inverted, &["--at", "2026-11-20T10:01:30Z"]);
    let m = only(&fs, "PRO023");
    assert!(m.contains("is 2 min before its NotBefore"), "{m}");
    let not_a_time = variant(
        "NotBefore=\"2026-11-20T09:59:58.123Z\"",
        "NotBefore=\"2026-11-20 10:02:58Z\"",
    );
    let codes: Vec<String> = lint(&not_a_time, &[]).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["PRO018"]);
}
