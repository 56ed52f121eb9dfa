//! Leak test of every redacted output (the Markdown report, and json, sarif, junit, github and concise
//! with --redact): every text and attribute value of every input (collected
//! with roxmltree, a parser independent of samlint's), every secret of a full-login HAR (password form
//! field, session cookies, Set-Cookie, OAuth-style query values), must not occur in the report — after
//! undoing Markdown and XML escaping and case, and in base64 or URL-encoded form either.

mod common;
use base64::Engine as _;
use common::leak::{normalise, occurs, pct};
use common::*;
use samlint::report::redact::is_public;

/// Text and attribute values of an XML document, by an independent parser.
fn xml_values(xml: &str) -> Vec<String> {
    let Ok(doc) = roxmltree::Document::parse_with_options(
        xml,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            ..Default::default()
        },
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for n in doc.descendants() {
        if n.is_element() {
            for a in n.attributes() {
                if a.name() != "Algorithm" {
                    out.push(a.value().to_string());
                }
            }
        } else if n.is_text() {
            out.push(n.text().unwrap_or("").trim().to_string());
        }
    }
    out
}

/// samlint's own words: a value that is one of them cannot be told from the report's prose. So are the
/// pseudonym scheme's words.
fn own_vocabulary() -> String {
    let mut s =
        String::from(" user- domain- .example host- site- group- value- _id- saml-conn- id- ");
    // The rules' own texts, their docs included (SARIF carries them): a value that is one of their
    // words (a credential `type` of `password`, which KC009's docs name) is not shown from the input.
    for r in samlint::registry::all() {
        s.push_str(&format!(
            "{} {} {} {} {} {} ",
            r.code, r.name, r.summary, r.help, r.source, r.docs
        ));
    }
    s.to_lowercase()
}

/// Element and attribute names: the report shows the document's structure by design.
fn xml_names(xml: &str) -> String {
    let Ok(doc) = roxmltree::Document::parse(xml) else {
        return String::new();
    };
    let mut s = String::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        s.push_str(n.tag_name().name());
        s.push(' ');
        for a in n.attributes() {
            s.push_str(a.name());
            s.push(' ');
        }
    }
    s.to_lowercase()
}

/// Values that leak into the report.
fn leaks(report: &str, values: &[String], vocab: &str) -> Vec<String> {
    let hay = normalise(report);
    let raw_hay = report.replace('\n', "");
    let mut out = Vec::new();
    for v in values {
        let v = v.trim();
        if v.chars().count() < 4 || is_public(v) || vocab.contains(&v.to_lowercase()) {
            continue;
        }
        let b64 = base64::engine::general_purpose::STANDARD.encode(v);
        if occurs(&hay, &v.to_lowercase())
            || raw_hay.contains(b64.trim_end_matches('='))
            || raw_hay.contains(&pct(v)) && pct(v) != v
        {
            out.push(v.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

fn report(input: &str) -> String {
    let o = run(&["report", input, "--redact-seed", "42"]);
    assert!(
        o.code == 0 || o.code == 1,
        "{input}: exit {} {}",
        o.code,
        o.stderr
    );
    o.stdout
}

/// Every redacted output of one input: the Markdown report and the machine formats with --redact.
fn all_outputs(input: &str) -> Vec<(&'static str, String)> {
    let mut out = vec![("markdown", report(input))];
    for f in ["json", "sarif", "junit", "github", "concise"] {
        let o = run(&[
            "check",
            input,
            "--redact",
            "--format",
            f,
            "--redact-seed",
            "42",
        ]);
        assert!(
            o.code == 0 || o.code == 1,
            "{input} {f}: exit {} {}",
            o.code,
            o.stderr
        );
        out.push((f, o.stdout));
    }
    out
}

/// String values of a JSON document (a Keycloak export), by an independent parser (serde_json).
fn json_values(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|i| json_values(i, out)),
        serde_json::Value::Object(o) => o.values().for_each(|i| json_values(i, out)),
        _ => {}
    }
}

/// Keys of a JSON document: the report shows its structure by design.
fn json_names(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|i| json_names(i, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, i)| {
            out.push_str(&k.to_lowercase());
            out.push(' ');
            json_names(i, out)
        }),
        _ => {}
    }
}

fn values_of_input(input: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in decoded(input) {
        match serde_json::from_str::<serde_json::Value>(&t) {
            Ok(v) => json_values(&v, &mut out),
            Err(_) => out.extend(xml_values(&t)),
        }
    }
    out.sort();
    out.dedup();
    out
}

fn names_of_input(input: &str) -> String {
    let mut s = String::new();
    for t in decoded(input) {
        match serde_json::from_str::<serde_json::Value>(&t) {
            Ok(v) => json_names(&v, &mut s),
            Err(_) => s.push_str(&xml_names(&t)),
        }
    }
    s
}

fn decoded(input: &str) -> Vec<String> {
    let run = samlint::lint::run(
        &[input.to_string()],
        &mut std::io::empty(),
        &samlint::lint::Options {
            lint: false,
            ..Default::default()
        },
    );
    run.messages
        .iter()
        .map(|m| m.source.text.to_string())
        .collect()
}

#[test]
fn the_report_leaks_nothing_from_the_corpus_or_the_fixtures() {
    let vocab = own_vocabulary();
    let mut inputs: Vec<String> = Vec::new();
    for rel in [
        "saml/keycloak-atlassian-ok.xml",
        "saml/keycloak-atlassian-ok.b64",
        "saml/keycloak-atlassian-unsigned.xml",
        "saml/authn-request-redirect.url",
        "saml/post-body.txt",
        "har/sp-initiated-login.har",
        "tracer/saml-tracer-export.json",
        "keycloak/atlassian-cloud-ok.json",
    ] {
        inputs.push(fixture(rel));
    }
    if let Some(shared) = shared() {
        let text = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if [
                "response-b64",
                "response-xml",
                "redirect-query",
                "logout-request-xml",
                "keycloak-client-json",
                "keycloak-realm-json",
            ]
            .contains(&f[4])
            {
                inputs.push(
                    shared
                        .join("corpus")
                        .join(f[0])
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    let (mut checked, mut values_checked, mut bad) = (0, 0, Vec::new());
    for input in &inputs {
        let values = values_of_input(input);
        if values.is_empty() {
            continue; // refused inputs: nothing decoded, nothing to leak
        }
        values_checked += values.len();
        checked += 1;
        let names = names_of_input(input);
        // The path the user typed is theirs, not the message's: the machine formats keep it for annotations.
        let path = input.to_lowercase();
        for (format, r) in all_outputs(input) {
            let l = leaks(&r, &values, &format!("{vocab} {names} {path}"));
            if !l.is_empty() {
                bad.push(format!("{input} ({format}): {l:?}"));
            }
        }
    }
    println!("redaction: {checked} inputs, {values_checked} values checked against their reports");
    assert!(checked >= 150, "only {checked} inputs checked");
    assert!(
        bad.is_empty(),
        "{} reports leak values:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn a_full_login_har_leaks_no_password_cookie_or_query_value() {
    let signed = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.b64"))
        .unwrap()
        .replace('\n', "");
    let enc = |s: &str| {
        s.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    };
    let secrets = [
        "Sup3rSecretPassw0rd!",
        "jane.doe.login",
        "AUTH_SESSION_ID_9f8e7d6c5b4a",
        "KC_RESTART_eyJhbGciOiJIUzI1NiJ9",
        "SplxlOBeZQQYbYS6WxSbIA",
        "xyzStateValue123",
        "10.20.30.40",
    ];
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
        {"startedDateTime": "2026-11-20T09:59:59.000Z",
         "request": {"method": "POST", "url": "https://kc.example.com/realms/acme/login-actions/authenticate?session_code=q1w2e3r4t5&tab_id=tab987654",
           "headers": [{"name": "Cookie", "value": format!("AUTH_SESSION_ID={}", secrets[2])}],
           "cookies": [{"name": "AUTH_SESSION_ID", "value": secrets[2]}],
           "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("username={}&password={}", secrets[1], enc(secrets[0])),
             "params": [{"name": "username", "value": secrets[1]}, {"name": "password", "value": secrets[0]}]}},
         "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": format!("KC_RESTART={}; Path=/", secrets[3])}],
           "content": {"text": format!("<html>{}</html>", secrets[6])}}},
        {"startedDateTime": "2026-11-20T10:00:00.400Z",
         "request": {"method": "POST", "url": "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
           "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("SAMLResponse={}&RelayState=relay-state-secret-77", enc(&signed))}},
         "response": {"status": 302, "headers": [{"name": "Location", "value": format!("https://acme-example.atlassian.net/?code={}&state={}", secrets[4], secrets[5])}]}},
        {"startedDateTime": "2026-11-20T10:00:01.000Z",
         "request": {"method": "GET", "url": format!("https://acme-example.atlassian.net/?code={}&state={}", secrets[4], secrets[5])},
         "response": {"status": 200}}
    ]}});
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "login.har", har.to_string());
    let mut values: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
    values.push("relay-state-secret-77".into());
    values.extend(values_of_input(&p));
    for (format, r) in all_outputs(&p) {
        let l = leaks(&r, &values, &own_vocabulary());
        assert!(l.is_empty(), "{format} leaked: {l:?}\n{r}");
    }
    assert!(report(&p).contains("## Timeline"));
}

/// A finding that compares a message with its --keycloak client names the place in the client file
/// by the file's own name, as the input table does: folders can carry identifiers (e2e/keycloak.sh
/// names them after the client ID, users after whatever they like).
#[test]
fn the_paired_client_file_is_named_without_its_folders() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("jane.doe@example.com-saml-0f1e2d3c");
    std::fs::create_dir(&folder).unwrap();
    // The correct client without Force name ID format: KC023 on the AuthnRequest names the client.
    let mut client: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap(),
    )
    .unwrap();
    client["attributes"]["saml_force_name_id_format"] = serde_json::json!("false");
    let c = write_temp(&folder, "client.json", client.to_string());
    let o = run(&[
        "report",
        &fixture("saml/authn-request-redirect.url"),
        "--keycloak",
        &c,
    ]);
    assert!(o.stdout.contains("KC023"), "{}", o.stdout);
    // Redacted, the file is named as the input table names it.
    assert!(o.stdout.contains("(input-2.json:"), "{}", o.stdout);
    assert!(!o.stdout.contains("jane.doe"), "{}", o.stdout);
}

#[test]
fn report_snapshot_and_docs_example_are_current() {
    // The rendered example kept in docs/ is exactly what samlint writes for the SP-initiated capture.
    let o = run(&[
        "report",
        "fixtures/har/sp-initiated-login.har",
        "--idp-cert",
        "fixtures/keys/idp-cert.pem",
        "--redact-seed",
        "7",
    ]);
    let v = env!("CARGO_PKG_VERSION");
    insta::assert_snapshot!("report_sp_initiated", o.stdout.replace(v, "[VERSION]"));
    let docs = std::fs::read_to_string(root().join("docs/examples/report-sp-initiated.md"))
        .unwrap_or_default();
    assert_eq!(
        docs.replace(v, "[VERSION]"),
        o.stdout.replace(v, "[VERSION]"),
        "regenerate: samlint report fixtures/har/sp-initiated-login.har --idp-cert fixtures/keys/idp-cert.pem --redact-seed 7 > docs/examples/report-sp-initiated.md"
    );
}
