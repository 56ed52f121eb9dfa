//! A HAR read as the login it was (issue 15 item 5): the timeline in the `full` format (80 and 120
//! columns), in the Markdown report (redacted), in JSON (validated against the schema), and its bound.

mod common;
use common::*;
use serde_json::{Value, json};
use std::io::Write as _;

/// The fixture login, with what a real capture has around it: the application's page before, the SP's
/// redirect into the login, an image, another tab, and Atlassian's error redirect after the Response.
fn login_with_error(dir: &std::path::Path) -> String {
    let har: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap(),
    )
    .unwrap();
    let e = har["log"]["entries"].as_array().unwrap().clone();
    let doc = |t: &str, method: &str, url: &str, status: i64, location: &str| {
        json!({"startedDateTime": t,
               "request": {"method": method, "url": url, "headers": [{"name": "Cookie", "value": "c=secret"}]},
               "response": {"status": status, "redirectURL": location,
                            "headers": [{"name": "Set-Cookie", "value": "s=secret"}],
                            "content": {"mimeType": "text/html"}}})
    };
    let error =
        "https://id.atlassian.com/login?error_description=Invalid%20thumbprint&application=jira";
    let mut post = e[3].clone();
    post["response"]["redirectURL"] = json!(error);
    let entries = vec![
        doc(
            "2026-11-20T09:59:50.000Z",
            "GET",
            "https://acme-example.atlassian.net/jira/your-work",
            200,
            "",
        ),
        doc(
            "2026-11-20T09:59:54.100Z",
            "GET",
            "https://acme-example.atlassian.net/login?dest-url=%2Fjira",
            302,
            "https://id.atlassian.com/login?email=jane.doe%40example.com",
        ),
        e[0].clone(),
        json!({"startedDateTime": "2026-11-20T09:59:55.300Z",
               "request": {"method": "GET", "url": "https://kc.example.com/resources/logo.png"},
               "response": {"status": 200, "content": {"mimeType": "image/png"}}}),
        e[1].clone(),
        doc(
            "2026-11-20T09:59:57.000Z",
            "GET",
            "https://news.example/today",
            200,
            "",
        ),
        e[2].clone(),
        post,
        doc("2026-11-20T10:00:00.900Z", "GET", error, 200, ""),
    ];
    let har = json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": entries}});
    write_temp(dir, "login-with-error.har", har.to_string())
}

fn timeline_block(stdout: &str) -> String {
    let start = stdout.find("── timeline").expect("a timeline");
    let end = stdout[start..]
        .find("── message")
        .map_or(stdout.len(), |i| start + i);
    stdout[start..end].to_string()
}

fn full_at(width: &str, har: &str) -> String {
    let o = samlint()
        .env("COLUMNS", width)
        .args(["check", har, "--idp-cert", &fixture("keys/idp-cert.pem")])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let block = timeline_block(&out);
    let w: usize = width.parse().unwrap();
    for l in block.lines() {
        assert!(l.chars().count() <= w, "wider than {w}: {l}");
    }
    block
}

#[test]
fn full_timeline_of_the_fixture_login() {
    insta::assert_snapshot!(
        "full_sp_initiated_80",
        full_at("80", "fixtures/har/sp-initiated-login.har")
    );
}

#[test]
fn full_timeline_with_redirects_and_an_error_page() {
    let dir = tempfile::tempdir().unwrap();
    let har = login_with_error(dir.path());
    let name_free = |s: String| s.replace(&har, "login-with-error.har");
    let at80 = name_free(full_at("80", &har));
    let at120 = name_free(full_at("120", &har));
    // The steps and their roles, read from the output: the app page and the other tab are not steps.
    for (entry, role) in [
        (2, "sp-redirect"),
        (3, "sp-redirect"),
        (5, "authn-request"),
        (7, "idp-page"),
        (8, "response-post"),
        (9, "error-page"),
    ] {
        assert!(
            at120
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{entry} ")) && l.contains(role)),
            "entry {entry} {role}:\n{at120}"
        );
    }
    for gone in [
        "your-work",
        "logo.png",
        "news.example",
        "secret",
        "jane.doe",
    ] {
        assert!(!at120.contains(gone), "{gone}:\n{at120}");
    }
    assert!(at120.contains("answers entry 5"), "{at120}");
    insta::assert_snapshot!("full_with_error_80", at80);
    insta::assert_snapshot!("full_with_error_120", at120);
}

#[test]
fn report_timeline_is_redacted_and_has_the_first_request_and_the_error_page() {
    let dir = tempfile::tempdir().unwrap();
    let har = login_with_error(dir.path());
    let o = run(&[
        "report",
        &har,
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
        "--redact-seed",
        "7",
    ]);
    let start = o.stdout.find("## Timeline").expect("a timeline");
    let end = o.stdout[start..]
        .find("\n## Messages")
        .map_or(o.stdout.len(), |i| start + i);
    let section = &o.stdout[start..end];
    for secret in [
        "kc.example.com",
        "acme",
        "jane",
        "Invalid%20thumbprint",
        "jira",
    ] {
        assert!(!section.contains(secret), "{secret} in\n{section}");
    }
    assert!(section.contains("| sp-redirect |") && section.contains("| error-page |"));
    insta::assert_snapshot!("report_with_error", section);
}

#[test]
fn json_timeline_validates_and_links_messages() {
    let dir = tempfile::tempdir().unwrap();
    let har = login_with_error(dir.path());
    let (_, v) = check_json(&[&har, "--idp-cert", &fixture("keys/idp-cert.pem")]);
    let steps = v["inputs"][0]["timeline"]["steps"].as_array().unwrap();
    let roles: Vec<(u64, &str)> = steps
        .iter()
        .map(|s| (s["entry"].as_u64().unwrap(), s["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            (2, "sp-redirect"),
            (3, "sp-redirect"),
            (5, "authn-request"),
            (7, "idp-page"),
            (8, "response-post"),
            (9, "error-page")
        ]
    );
    let post = &steps[4];
    assert_eq!(post["answers"], json!({"kind": "entry", "entry": 5}));
    // `message` indexes messages[]: the Response rode on entry 8.
    let m = post["message"].as_u64().unwrap() as usize;
    assert_eq!(v["messages"][m]["kind"], "Response");
    assert_eq!(v["messages"][m]["binding"]["entry"], 8);
    assert_eq!(post["location"], "id.atlassian.com/login");
    assert!(
        !v["inputs"][0]["timeline"]
            .to_string()
            .contains("thumbprint")
    );
    // --redact: the timeline's hosts are pseudonyms.
    let (_, r) = check_json(&[
        "--redact",
        &har,
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    let t = r["inputs"][0]["timeline"].to_string();
    assert!(!t.contains("kc.example.com") && !t.contains("acme"), "{t}");
}

/// A capture without SAML still shows what the browser did (its last documents, as `other`).
#[test]
fn a_capture_without_saml_shows_its_pages() {
    let o = run(&["check", "fixtures/har/no-saml.har"]);
    assert_eq!(o.code, 2);
    let block = timeline_block(&o.stdout);
    assert!(block.contains("2 steps in 2 entries"), "{block}");
    assert!(
        block.contains("    1   +0.0 s  other          GET id.atlassian.com/login?email"),
        "{block}"
    );
    assert!(
        block.contains("302 → kc.example.com/realms/acme/protocol/saml"),
        "{block}"
    );
    assert!(o.stderr.contains("no SAML message found"), "{}", o.stderr);
}

/// 100,000 documents after a request on the IdP's host: every one is a step, 200 are kept, the rest are
/// counted, and the run stays fast.
#[test]
fn a_har_with_100k_steps_is_capped() {
    let fixture_har: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap(),
    )
    .unwrap();
    // The fixture's AuthnRequest (a real message, so that the input is linted).
    let request = fixture_har["log"]["entries"][1]["request"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.har");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    write!(f, "{{\"log\":{{\"version\":\"1.2\",\"entries\":[").unwrap();
    write!(f, "{{\"startedDateTime\":\"2026-11-20T10:00:00Z\",\"request\":{{\"method\":\"GET\",\"url\":\"{request}\"}},\"response\":{{\"status\":200}}}}").unwrap();
    for i in 0..100_000 {
        write!(f, ",{{\"startedDateTime\":\"2026-11-20T10:00:01Z\",\"request\":{{\"method\":\"GET\",\"url\":\"https://kc.example.com/page/{i}?a={i}\"}},\"response\":{{\"status\":302,\"redirectURL\":\"https://kc.example.com/page/{}\",\"content\":{{\"mimeType\":\"text/html\"}}}}}}", i + 1).unwrap();
    }
    write!(f, "]}}}}").unwrap();
    f.flush().unwrap();
    drop(f);
    // How fast is benches/pipeline.rs `har-100k-steps` (a timing bound here failed a loaded machine).
    let o = run(&["check", "--format", "json", p.to_str().unwrap()]);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    validate_report(&v);
    let tl = &v["inputs"][0]["timeline"];
    assert_eq!(tl["steps"].as_array().unwrap().len(), 200);
    assert_eq!(tl["more"], 100_001 - 200);
    let o = run(&["check", p.to_str().unwrap()]);
    assert!(
        o.stdout.contains("99801 more steps not shown"),
        "{}",
        o.stdout
    );
}

/// Review of the timeline: a relative Location whose query holds a URL stays relative (its query value
/// never becomes the shown host); two different redirect targets on one entry are followed neither;
/// a header the timeline does not need that is malformed (a null name, headers as an object, a
/// non-string `_resourceType`) never loses the capture; a `|` in a URL does not break the report table.
#[test]
fn odd_redirects_and_headers_neither_leak_nor_lose_the_capture() {
    let dir = tempfile::tempdir().unwrap();
    let mut har: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap(),
    )
    .unwrap();
    {
        let e = har["log"]["entries"].as_array_mut().unwrap();
        e[3]["response"]["redirectURL"] = json!("");
        e[3]["response"]["headers"] =
            json!([{"name": "Location", "value": "/home?session=tok://ZQSECRETVALUE"}]);
        e[0]["response"]["headers"] = json!([{"name": null, "value": 5}, {"name": "Location", "value": "https://other.example/x"}]);
        e[1]["response"]["headers"] = json!({"not": "a list"});
        e[1]["_resourceType"] = json!(7);
        e[2]["request"]["url"] = json!("https://kc.example.com/realms/acme/login-actions/a|b");
    }
    let p = write_temp(dir.path(), "odd.har", serde_json::to_string(&har).unwrap());
    let (code, v) = check_json(&[&p]);
    assert!(code == 0 || code == 1, "the capture is linted: {v:#}");
    assert_eq!(v["messages"].as_array().unwrap().len(), 2, "{v:#}");
    let tl = &v["inputs"][0]["timeline"];
    let text = tl.to_string();
    assert!(!text.contains("ZQSECRETVALUE"), "{text}");
    // Entry 1 names two targets (redirectURL and another Location): none is followed.
    let first = &tl["steps"][0];
    assert!(first["location"].is_null(), "{first}");
    // The response POST's relative Location resolves on its own host.
    let post = tl["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == "response-post")
        .unwrap();
    assert_eq!(post["location"], "auth.atlassian.com/home", "{post}");
    let full = run(&["check", &p]).stdout;
    assert!(!full.contains("ZQSECRETVALUE"), "{full}");
    let report = run(&["report", "--no-redact", &p]).stdout;
    let row = report
        .lines()
        .find(|l| l.contains("login-actions"))
        .expect("the IdP page's row");
    assert!(row.contains("a\\|b"), "{row}");
    assert_eq!(row.matches(" | ").count(), 8, "{row}");
}

/// A capture's request time with an ISO 8601 offset samlint did not read (`+0100`, review 33) fell
/// back to the message's IssueInstant, and an expired response was predicted accepted. It is read
/// now; a time that is no ISO 8601 at all makes PRO012 a warning that says so.
#[test]
fn capture_times_with_offsets_and_unreadable_ones() {
    let har = std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap();
    let posted = "\"2026-11-20T10:00:00.400Z\"";
    assert!(har.contains(posted));
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let run = |time: &str| {
        let p = dir.path().join("t.har");
        std::fs::write(&p, har.replace(posted, &format!("\"{time}\""))).unwrap();
        let (_, v) = check_json(&[&p.to_string_lossy(), "--idp-cert", &cert]);
        let response = v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["kind"] == "Response")
            .cloned()
            .unwrap_or_else(|| panic!("no Response: {v:#}"));
        let index = response["index"].clone();
        let findings: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["message_index"] == index)
            .map(|f| {
                (
                    f["code"].as_str().unwrap_or_default().to_string(),
                    f["severity"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        (findings, response["predictions"][0]["outcome"].clone())
    };
    // An hour after the window (NotOnOrAfter 10:00:58Z), written with offsets ISO 8601 allows.
    for late in [
        "2026-11-20T12:00:00.400+0100",
        "2026-11-20T12:00:00.400+01",
        "2026-11-20T11:00:00.400+00:00",
    ] {
        let (f, outcome) = run(late);
        assert!(f.iter().any(|(c, _)| c == "PRO009"), "{late}: {f:?}");
        assert!(!f.iter().any(|(c, _)| c == "PRO012"), "{late}: {f:?}");
        assert_eq!(outcome, "rejected", "{late}");
    }
    // In the window, with an offset.
    let (f, _) = run("2026-11-20T11:00:00.400+0100");
    assert!(
        !f.iter().any(|(c, _)| c == "PRO009" || c == "PRO012"),
        "{f:?}"
    );
    // Not a time samlint reads: the IssueInstant, and a warning.
    let (f, _) = run("Fri, 20 Nov 2026 11:00:00 GMT");
    assert!(f.contains(&("PRO012".into(), "warning".into())), "{f:?}");
}
