//! Hostile and broken input: one clear diagnostic naming the input and the problem, exit 2, never a
//! panic, never a silent pass, and never hiding the other inputs' results.

mod common;
use base64::Engine as _;
use common::*;
use flate2::Compression;
use flate2::write::DeflateEncoder;
use std::io::Write;

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// Check one bad input: exit 2, the expected error code in JSON, and a human diagnostic that names the
/// input.
fn refused(arg: &str, code: &str, stderr_has: &str) {
    let (exit, v) = check_json(&[arg]);
    assert_eq!(exit, 2, "{v:#}");
    assert_eq!(error_codes(&v), [code], "{v:#}");
    assert_eq!(v["inputs"][0]["status"], "failed");
    assert!(v["messages"].as_array().unwrap().is_empty());
    let o = run(&["check", arg]);
    assert_eq!(o.code, 2);
    // miette wraps long lines: compare with the wrapping and box drawing undone.
    let flat = o
        .stderr
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(flat.contains(code), "stderr lacks {code}:\n{}", o.stderr);
    assert!(
        flat.contains(stderr_has),
        "stderr lacks {stderr_has:?}:\n{}",
        o.stderr
    );
}

#[test]
fn billion_laughs_is_refused_without_expansion() {
    refused(
        &fixture("hostile/billion-laughs.xml"),
        "xml::doctype",
        "billion-laughs.xml",
    );
}

#[test]
fn xxe_is_refused() {
    refused(&fixture("hostile/xxe-file.xml"), "xml::doctype", "DOCTYPE");
}

#[test]
fn doctype_inside_base64_is_refused() {
    let b = base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(fixture("hostile/xxe-file.xml")).unwrap());
    refused(&b, "xml::doctype", "argument 1 › base64");
}

#[test]
fn undeclared_prefix() {
    refused(
        &fixture("hostile/undeclared-prefix.xml"),
        "xml::namespace",
        "prefix `saml`",
    );
}

#[test]
fn multiple_roots() {
    refused(
        "<a/><b/>",
        "xml::multiple-roots",
        "more than one root element",
    );
}

#[test]
fn truncated_base64() {
    refused(
        &fixture("hostile/truncated.b64"),
        "decode::base64",
        "truncated",
    );
}

#[test]
fn truncated_xml_after_base64() {
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    let b = base64::engine::general_purpose::STANDARD.encode(&xml.as_bytes()[..xml.len() / 2]);
    refused(&b, "xml::syntax", "argument 1 › base64");
}

#[test]
fn corrupted_base64() {
    refused(
        "PHNhbWxwOlJlc3BvbnNl!!!!",
        "decode::base64",
        "not in either base64 alphabet",
    );
}

#[test]
fn not_xml_text() {
    refused(
        &fixture("hostile/not-xml.txt"),
        "input::unrecognised",
        "not-xml.txt",
    );
}

#[test]
fn non_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes =
        b"<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">caf".to_vec();
    bytes.extend_from_slice(&[0xE9, b'<', b'/']);
    let p = write_temp(dir.path(), "latin1.xml", &bytes);
    refused(&p, "decode::not-utf8", "offset 70");
    // Also behind base64.
    let b = base64::engine::general_purpose::STANDARD.encode(&bytes);
    refused(&b, "decode::not-utf8", "argument 1");
}

#[test]
fn deflate_bomb_1000_to_1() {
    let bomb = deflate(&vec![b' '; 64 * 1024 * 1024]);
    assert!(bomb.len() * 1000 < 64 * 1024 * 1024, "a real 1000:1 bomb");
    let b = base64::engine::general_purpose::STANDARD.encode(&bomb);
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "bomb.b64", &b);
    refused(&p, "decode::deflate-bomb", "stopped early");
}

#[test]
fn inflate_size_cap() {
    // A legitimate ratio, but more than --max-inflate.
    let xml = format!(
        "<a>{}</a>",
        (0..60_000).map(|i| format!("{i:x}")).collect::<String>()
    );
    let b = base64::engine::general_purpose::STANDARD.encode(deflate(xml.as_bytes()));
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "big.b64", &b);
    let (exit, v) = check_json(&["--max-inflate", "10000", &p]);
    assert_eq!(exit, 2);
    assert_eq!(error_codes(&v), ["decode::deflate-bomb"]);
}

#[test]
fn deep_nesting_100k() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    let p = write_temp(dir.path(), "deep.xml", &deep);
    refused(&p, "xml::too-deep", "deeper than 256");
}

#[test]
fn keycloak_export_nested_too_deep() {
    // A Keycloak-looking object whose attributes nest 5,000 deep: refused before the span-keeping
    // parser runs (it recurses), with the place.
    let dir = tempfile::tempdir().unwrap();
    let deep = format!(
        "{{\"clientId\":\"x\",\"protocol\":\"saml\",\"attributes\":{}{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let p = write_temp(dir.path(), "deep.json", &deep);
    refused(&p, "json::syntax", "nested deeper than 128 levels");
}

#[test]
fn keycloak_export_with_a_key_twice() {
    // Keycloak keeps the last `saml_name_id_format` (username), the rules would read the first (email):
    // refused at the second key, naming the first, and the export beside it is still linted.
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(
        dir.path(),
        "dup.json",
        "{\"clientId\":\"https://x.atlassian.net\",\"protocol\":\"saml\",\n \"attributes\":{\"saml_name_id_format\":\"email\",\n  \"saml_name_id_format\":\"username\"}}\n",
    );
    refused(
        &p,
        "json::duplicate-key",
        "the key at line 3, column 3 is already in this object (line 2, column 16)",
    );
    let good = fixture("keycloak/atlassian-cloud-broken.json");
    let (exit, v) = check_json(&[&p, &good]);
    assert_eq!(exit, 2);
    assert_eq!(v["inputs"][1]["status"], "linted", "{v:#}");
    assert!(!v["messages"].as_array().unwrap().is_empty());
}

#[test]
fn single_value_over_10_mib() {
    let dir = tempfile::tempdir().unwrap();
    let big = "A".repeat(11 * 1024 * 1024);
    let p = write_temp(dir.path(), "big.b64", &big);
    refused(&p, "input::too-large", "limit 10.1 MiB");
    // With a value limit that admits it, the same value is read (and then fails as base64 of nothing).
    let (_, v) = check_json(&["--max-value", "20000000", &p]);
    assert_ne!(error_codes(&v), ["input::too-large"]);
}

#[test]
fn input_file_over_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "x.xml", "<a/>".repeat(100));
    let (exit, v) = check_json(&["--max-input", "100", &p]);
    assert_eq!(exit, 2);
    assert_eq!(error_codes(&v), ["input::too-large"]);
}

#[test]
fn stdin_over_the_limit_stops_reading() {
    let o = run_stdin(&["check", "--max-value", "1000", "-"], vec![b'A'; 100_000]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("stdin") && o.stderr.contains("input::too-large"),
        "{}",
        o.stderr
    );
}

#[test]
fn har_that_is_not_json() {
    refused(
        &fixture("hostile/not-json.har"),
        "json::syntax",
        "malformed JSON at line",
    );
}

#[test]
fn har_without_saml() {
    refused(
        &fixture("har/no-saml.har"),
        "input::no-saml",
        "no SAML message found in this HAR file",
    );
}

#[test]
fn json_of_the_wrong_shape() {
    refused(
        "{\"clientId\": \"x\"}",
        "input::unrecognised",
        "neither a HAR capture",
    );
}

#[test]
fn missing_path_says_no_such_file() {
    refused(
        "captures/response.b64",
        "input::not-found",
        "no such file: captures/response.b64",
    );
    refused("./missing", "input::not-found", "no such file");
}

#[test]
fn empty_input() {
    let o = run_stdin(&["check", "-"], "  \n");
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("input::empty"), "{}", o.stderr);
}

#[test]
fn a_bad_input_never_hides_the_others() {
    let ok = fixture("saml/keycloak-atlassian-ok.b64");
    let (exit, v) = check_json(&[&fixture("hostile/billion-laughs.xml"), &ok, "nope.xml", &ok]);
    assert_eq!(exit, 2);
    let statuses: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed", "linted", "failed", "linted"]);
    assert_eq!(v["messages"].as_array().unwrap().len(), 2);
    assert_eq!(v["summary"]["failed_inputs"], 2);
    // Human output: both messages reported on stdout, both errors on stderr.
    let o = run(&[
        "check",
        &fixture("hostile/billion-laughs.xml"),
        &ok,
        "nope.xml",
        &ok,
    ]);
    assert_eq!(o.code, 2);
    assert_eq!(o.stdout.matches("── message").count(), 2);
    assert!(o.stderr.contains("xml::doctype") && o.stderr.contains("input::not-found"));
}

#[test]
fn a_bad_message_in_a_har_does_not_hide_the_good_one() {
    let dir = tempfile::tempdir().unwrap();
    let good = base64::engine::general_purpose::STANDARD
        .encode(std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap());
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [
        {"startedDateTime": "2026-01-01T00:00:00Z", "request": {"method": "POST", "url": "https://sp/acs",
          "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "SAMLResponse=PHNhbWxwOl%21%21"}}},
        {"startedDateTime": "2026-01-01T00:00:01Z", "request": {"method": "POST", "url": "https://sp/acs",
          "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("SAMLResponse={}", good.replace('+', "%2B"))}}}
    ]}});
    let p = write_temp(dir.path(), "mixed.har", har.to_string());
    let (exit, v) = check_json(&[&p]);
    assert_eq!(exit, 2);
    assert_eq!(v["messages"].as_array().unwrap().len(), 1);
    assert_eq!(error_codes(&v), ["decode::base64"]);
    let origin = v["inputs"][0]["errors"][0]["origin"].as_array().unwrap();
    assert!(
        origin[1].as_str().unwrap().starts_with("entry 1 (POST"),
        "{origin:?}"
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    // ANSI escapes in an element name: not XML, refused, and the excerpt shown is defanged.
    let o = run(&["check", "<x\u{1b}[31m xmlns=\"urn:x\"/>"]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("control character U+001B"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stdout.contains('\u{1b}') && !o.stderr.contains('\u{1b}'),
        "{:?}{:?}",
        o.stdout,
        o.stderr
    );
    let o = run(&["check", "--format", "concise", "<p:a\u{1b}]0;pwned\u{7}/>"]);
    assert!(
        !o.stdout.contains('\u{1b}') && !o.stdout.contains('\u{7}'),
        "{:?}",
        o.stdout
    );
    // C1 controls and bidi overrides are not name characters (libxml2 refuses the name too): refused,
    // and they never reach the terminal.
    let o = run(&["check", "<x\u{9b}31m\u{202e} xmlns=\"urn:x\"/>"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("xml::namespace"), "{}", o.stderr);
    for s in [&o.stdout, &o.stderr] {
        assert!(!s.contains('\u{9b}') && !s.contains('\u{202e}'), "{s:?}");
    }
    // In text they are legal XML characters: they parse, and still never reach the terminal.
    let o = run(&["check", "<x xmlns=\"urn:x\">\u{9b}31m\u{202e}</x>"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        !o.stdout.contains('\u{9b}') && !o.stdout.contains('\u{202e}'),
        "{:?}",
        o.stdout
    );
}

/// A CDATA section of millions of `<` is one text node: the parse must not size its node arena from
/// them (5 million `<` reserved about 800 MB and aborted under a 600 MB address-space limit; 300 MB here).
#[test]
fn a_cdata_full_of_angle_brackets_reserves_no_arena() {
    let dir = tempfile::tempdir().unwrap();
    let xml = format!(
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><![CDATA[{}]]></samlp:Response>",
        "<".repeat(5_000_000)
    );
    let path = write_temp(dir.path(), "lt.xml", xml);
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 300000 && exec '{}' check '{path}' --format concise",
            env!("CARGO_BIN_EXE_samlint")
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("memory allocation"), "{stderr}");
}

/// A HAR entry's body as a browser records it: a `text` (the bytes sent) and `params` (parsed).
fn har_with_body(mime: &str, text: Option<&str>, params: &[(&str, &str)]) -> String {
    har_with_headers(mime, &[], text, params)
}

/// [`har_with_body`] with request headers (name, value).
fn har_with_headers(
    mime: &str,
    headers: &[(&str, &str)],
    text: Option<&str>,
    params: &[(&str, &str)],
) -> String {
    let mut post = serde_json::json!({ "mimeType": mime });
    if let Some(t) = text {
        post["text"] = t.into();
    }
    if !params.is_empty() {
        post["params"] = params
            .iter()
            .map(|(n, v)| serde_json::json!({"name": n, "value": v}))
            .collect();
    }
    serde_json::json!({"log": {"version": "1.2", "entries": [
        {"startedDateTime": "2026-11-20T10:00:00.200Z",
         "request": {"method": "POST", "url": "https://sp.example.com/acs", "postData": post,
                     "headers": headers.iter().map(|(n, v)| serde_json::json!({"name": n, "value": v})).collect::<Vec<_>>()}}
    ]}})
    .to_string()
}

/// The signed fixture response and a copy with another NameID, both base64 (as a form carries them).
fn signed_and_forged() -> (String, String) {
    let signed = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    let forged = signed.replacen("jane.doe@example.com<", "ceo@example.com<", 1);
    assert_ne!(signed, forged);
    let b64 = |x: &str| base64::engine::general_purpose::STANDARD.encode(x);
    (b64(&signed), b64(&forged))
}

fn multipart(parts: &[(&str, &str)]) -> String {
    let mut s = String::new();
    for (n, v) in parts {
        s.push_str(&format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n"
        ));
    }
    s + "--XyZ--\r\n"
}

/// Review 26: a multipart body's parsed `params` held the signed response, its `text` (what was sent,
/// and what a PHP SP reads) a copy with another NameID. samlint read `params` and said `valid`.
#[test]
fn a_multipart_body_is_read_as_sent_and_must_agree_with_its_parsed_params() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = signed_and_forged();
    let mime = "multipart/form-data; boundary=XyZ";
    let cert = fixture("keys/idp-cert.pem");
    let run = |name: &str, har: String| {
        let p = write_temp(dir.path(), name, har);
        let (exit, v) = check_json(&[&p, "--idp-cert", &cert]);
        let statuses: Vec<String> = v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["signature"]["status"].as_str().unwrap_or("-").to_string())
            .collect();
        (exit, statuses, codes(&v))
    };
    // The control: text and params agree, the multipart body is read and the message is valid.
    let (exit, st, c) = run(
        "agree.har",
        har_with_body(
            mime,
            Some(&multipart(&[("SAMLResponse", &good), ("RelayState", "r")])),
            &[("SAMLResponse", &good), ("RelayState", "r")],
        ),
    );
    assert_eq!(
        (exit, st.as_slice()),
        (0, &["valid".to_string()][..]),
        "{c:?}"
    );
    // The text without params (a capture that kept only the raw body): read, valid.
    let (_, st, _) = run(
        "text-only.har",
        har_with_body(mime, Some(&multipart(&[("SAMLResponse", &good)])), &[]),
    );
    assert_eq!(st, ["valid"]);
    // The attack: the message read is the one sent, and it is ambiguous beside the params.
    let (exit, st, c) = run(
        "edited.har",
        har_with_body(
            mime,
            Some(&multipart(&[("SAMLResponse", &bad)])),
            &[("SAMLResponse", &good)],
        ),
    );
    assert_eq!(st, ["invalid"]);
    assert!(c.contains(&"SIG020".to_string()), "{c:?}");
    assert_eq!(exit, 1);
    // Two parts of one name (PHP keeps the last): every copy ambiguous, none valid.
    let (_, st, c) = run(
        "two-parts.har",
        har_with_body(
            mime,
            Some(&multipart(&[
                ("SAMLResponse", &good),
                ("SAMLResponse", &bad),
            ])),
            &[("SAMLResponse", &good)],
        ),
    );
    assert!(!st.iter().any(|s| s == "valid"), "{st:?}");
    assert!(c.contains(&"SIG020".to_string()), "{c:?}");
    // A URL-encoded body whose name only an SP that ignores letter case reads (ASP.NET) is still the
    // body read: it is no longer dropped as "no SAML here" in favour of the params (samlint reads no
    // message from it, and says so).
    let (exit, st, c) = run(
        "lowercase.har",
        har_with_body(
            "application/x-www-form-urlencoded",
            Some(&format!("samlresponse={}", bad.replace('+', "%2B"))),
            &[("SAMLResponse", &good)],
        ),
    );
    assert!(!st.iter().any(|s| s == "valid"), "{st:?} {c:?}");
    assert_ne!(exit, 0);
    // A body samlint cannot read as a form (text/plain, an unclosed multipart body): the params
    // are used, and marked ambiguous.
    for (name, mime, text) in [
        ("plain.har", "text/plain", format!("SAMLResponse={good}")),
        (
            "unclosed.har",
            mime,
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\n{good}"),
        ),
        (
            "file.har",
            mime,
            multipart(&[("SAMLResponse\"; filename=\"a.txt", &good)]),
        ),
    ] {
        let (_, st, c) = run(
            name,
            har_with_body(mime, Some(&text), &[("SAMLResponse", &good)]),
        );
        assert!(!st.iter().any(|s| s == "valid"), "{name}: {st:?}");
        assert!(c.contains(&"SIG020".to_string()), "{name}: {c:?}");
    }
}

/// Review 27, against the multipart fix: the media type matched by substring
/// (`boundary=x-www-form-urlencoded` read the body as URL-encoded, where a later part's value held a
/// signed `&SAMLResponse=`), a boundary parsers read differently, a folded part header, a body that
/// carries no SAML message beside params that do, and an empty mimeType beside a multipart
/// Content-Type header. None may be `valid`.
#[test]
fn a_body_is_read_by_its_media_type_and_boundary_as_every_parser_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let (good, bad) = signed_and_forged();
    let good_pct = good
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let cert = fixture("keys/idp-cert.pem");
    // Each case names what it must give: the statuses of its messages (none: the body is refused
    // and nothing else carries one, exit 2) and whether they are ambiguous (SIG020).
    let never_valid = |name: &str, har: String, want: &[&str], ambiguous: bool| {
        let p = write_temp(dir.path(), name, har);
        let (exit, v) = check_json(&[&p, "--idp-cert", &cert]);
        let st: Vec<&str> = v["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["signature"]["status"].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(st, want, "{name}");
        assert_eq!(
            codes(&v).contains(&"SIG020".to_string()),
            ambiguous,
            "{name}"
        );
        assert_eq!(exit, if want.is_empty() { 2 } else { 1 }, "{name}");
    };
    let body = |b: &str, junk: &str| {
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\n{bad}\r\n--{b}\r\nContent-Disposition: form-data; name=\"junk\"\r\n\r\n{junk}\r\n--{b}--\r\n"
        )
    };
    let smuggled = format!("&SAMLResponse={good_pct}&");
    never_valid(
        "substring.har",
        har_with_body(
            "multipart/form-data; boundary=x-www-form-urlencoded",
            Some(&body("x-www-form-urlencoded", &smuggled)),
            &[],
        ),
        &["invalid"],
        false,
    );
    never_valid(
        "header-only.har",
        har_with_headers(
            "",
            &[(
                "Content-Type",
                "multipart/form-data; boundary=x-www-form-urlencoded",
            )],
            Some(&body("x-www-form-urlencoded", &smuggled)),
            &[],
        ),
        &["invalid"],
        false,
    );
    for mime in [
        "multipart/form-data; boundary=x; boundary=y",
        "multipart/form-data; boundary = x",
        "multipart/form-data; xboundary=y; boundary=x",
    ] {
        never_valid(
            "boundary.har",
            har_with_body(mime, Some(&body("x", "j")), &[("SAMLResponse", &good)]),
            &["invalid"],
            true,
        );
    }
    never_valid(
        "folded.har",
        har_with_body(
            "multipart/form-data; boundary=x",
            Some(&body("x", "j").replace(
                "name=\"junk\"\r\n",
                "name=\"junk\"\r\n Content-Type: a; name=\"SAMLResponse\"\r\n",
            )),
            &[("SAMLResponse", &good)],
        ),
        &["invalid"],
        true,
    );
    // Review 28: a bare CR before a boundary inside a value ends the part for Werkzeug, and part
    // headers ended by LF CRLF are no blank line to it: one line-ending style per body.
    never_valid(
        "bare-cr.har",
        har_with_body(
            "multipart/form-data; boundary=x",
            Some(&format!(
                "--x\r\nContent-Disposition: form-data; name=\"RelayState\"\r\n\r\nr\r--x\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\n{bad}\r\n--x\r\nContent-Disposition: form-data; name=\"SAMLResponse\"\r\n\r\n{good}\r\n--x--\r\n"
            )),
            &[],
        ),
        &[],
        false,
    );
    never_valid(
        "dropped.har",
        har_with_body(
            "application/x-www-form-urlencoded",
            Some("RelayState=x"),
            &[("SAMLResponse", &good)],
        ),
        &["invalid"],
        true,
    );
}

/// A NameID holding characters no one sees (review 64: a zero-width space, a soft hyphen, a byte-order
/// mark, a tag character) is reported (CORE007), and every view shows the character: `<U+XXXX>` in the
/// human formats (it was dropped, and the summary showed another address), a character reference in
/// the report's XML, an escape in JSON.
#[test]
fn invisible_characters_in_the_nameid_are_shown_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml")).unwrap();
    for (c, hex) in [
        ('\u{200b}', "200B"),
        ('\u{ad}', "00AD"),
        ('\u{feff}', "FEFF"),
        ('\u{e0041}', "E0041"),
        ('\u{2800}', "2800"),
        ('\u{a0}', "00A0"),
    ] {
        let nameid = format!("jane{c}.doe@example.com");
        let forged = xml.replacen(">jane.doe@example.com<", &format!(">{nameid}<"), 1);
        assert_ne!(forged, xml);
        let p = write_temp(dir.path(), "r.xml", &forged);
        let (_, v) = check_json(&[&p]);
        let f = findings_of(&v, "CORE007");
        assert_eq!(f.len(), 1, "{hex}");
        assert!(
            f[0]["message"].as_str().unwrap().starts_with(&format!(
                "The NameID holds U+{hex}, a character that shows as nothing"
            )),
            "{}",
            f[0]["message"]
        );
        let shown = format!("jane<U+{hex}>.doe@example.com");
        let human = run(&["check", &p]);
        assert!(human.stdout.contains(&shown), "{hex}: {}", human.stdout);
        let concise = run(&["check", &p, "--format", "concise"]);
        assert!(concise.stdout.contains("CORE007"), "{}", concise.stdout);
        let report = run(&["report", &p, "--no-redact"]);
        assert!(
            report
                .stdout
                .contains(&format!("jane&#x{:X};.doe@example.com", u32::from(c))),
            "{hex}: {}",
            report.stdout
        );
        assert!(!report.stdout.contains(c) && !human.stdout.contains(c));
    }
    // At the end of the value too: the profile trimmed Unicode's spaces with the XML layout, and a
    // NameID ending in a no-break space (or a line separator) was the plain address to every rule.
    for (c, hex) in [
        ('\u{a0}', "00A0"),
        ('\u{2028}', "2028"),
        ('\u{3000}', "3000"),
    ] {
        let forged = xml.replacen(
            ">jane.doe@example.com</saml:NameID>",
            &format!(">jane.doe@example.com{c}</saml:NameID>"),
            1,
        );
        let p = write_temp(dir.path(), "r.xml", &forged);
        let (_, v) = check_json(&[&p]);
        let f = findings_of(&v, "CORE007");
        assert_eq!(f.len(), 1, "{hex}");
        assert!(
            f[0]["message"].as_str().unwrap().contains(hex),
            "{}",
            f[0]["message"]
        );
    }
    let (_, v) = check_json(&[&fixture("saml/keycloak-atlassian-unsigned.xml")]);
    assert!(findings_of(&v, "CORE007").is_empty());
}

/// An attribute value holding such a character (review 65: the emailaddress attribute with a
/// zero-width space was shown with the marker but not reported) is CORE008, with the value as shown;
/// the NameID's rule stays CORE007 alone.
#[test]
fn invisible_characters_in_an_attribute_value_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml")).unwrap();
    let forged = xml.replacen(
        "xsi:type=\"xs:string\">jane.doe@example.com<",
        "xsi:type=\"xs:string\">jane\u{200b}.doe@example.com<",
        1,
    );
    assert_ne!(forged, xml);
    let forged = forged.replacen(">Doe<", ">Doe\u{a0}\u{a0}<", 1);
    let p = write_temp(dir.path(), "r.xml", &forged);
    let (_, v) = check_json(&[&p]);
    assert!(findings_of(&v, "CORE007").is_empty());
    let f = findings_of(&v, "CORE008");
    let messages: Vec<&str> = f.iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert_eq!(
        messages,
        [
            "An attribute value holds U+200B, a character that shows as nothing or as a plain space, so it is not the value it reads as (samlint shows such a character as <U+XXXX> in the summary)",
            "An attribute value holds U+00A0 and 1 more characters that show as nothing or as a plain space, so it is not the value it reads as (samlint shows such a character as <U+XXXX> in the summary)",
        ]
    );
    let paths: Vec<&str> = f
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["$.attributes[0].values[0]", "$.attributes[2].values[0]"]
    );
    // The summary shows each value with its characters marked.
    let human = run(&["check", &p]).stdout;
    assert!(human.contains("jane<U+200B>.doe@example.com"), "{human}");
    assert!(human.contains("Doe<U+00A0><U+00A0>"), "{human}");
    let (_, v) = check_json(&[&fixture("saml/keycloak-atlassian-unsigned.xml")]);
    assert!(findings_of(&v, "CORE008").is_empty());
}

/// A NameID with a letter of another script among Latin ones, or in decomposed form (review 65: a
/// Cyrillic `а` read as the plain address, exit 0), is CORE009; an address wholly in another script
/// is not.
#[test]
fn lookalike_letters_in_the_nameid_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml")).unwrap();
    let with = |nameid: &str| {
        let forged = xml.replacen(
            ">jane.doe@example.com</saml:NameID>",
            &format!(">{nameid}</saml:NameID>"),
            1,
        );
        assert_ne!(forged, xml);
        let p = write_temp(dir.path(), "r.xml", &forged);
        let (_, v) = check_json(&[&p]);
        findings_of(&v, "CORE009")
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        with("j\u{430}ne.doe@example.com"),
        [
            "The NameID mixes scripts in \"j\u{430}ne.doe\": U+0430 is Cyrillic among Latin letters, so it may read as another address"
        ]
    );
    let nfd = with("rene\u{301}.doe@example.com");
    assert_eq!(nfd.len(), 1);
    assert!(
        nfd[0].starts_with("The NameID is not in Unicode's composed form (NFC)"),
        "{nfd:?}"
    );
    assert!(with("\u{438}\u{432}\u{430}\u{43d}@example.com").is_empty());
    assert!(with("ren\u{e9}.doe@example.com").is_empty());
    let (_, v) = check_json(&[&fixture("saml/keycloak-atlassian-unsigned.xml")]);
    assert!(findings_of(&v, "CORE009").is_empty());
}

/// A file name holding a character that shows as nothing is shown with it as `<U+XXXX>` (review 65:
/// `resp<U+200B>.xml` read as `resp.xml`, the valid file beside it), and a GitHub annotation, whose
/// `file` cannot carry it, names the input in its message instead of landing on the other file.
#[test]
fn invisible_characters_in_file_names_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let ok = std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    let unsigned = std::fs::read(fixture("saml/keycloak-atlassian-unsigned.xml")).unwrap();
    write_temp(dir.path(), "resp.xml", ok);
    write_temp(dir.path(), "resp\u{200b}.xml", unsigned);
    let d = dir.path().to_string_lossy().into_owned();
    let github = run(&["check", &d, "--format", "github"]);
    let sig002: Vec<&str> = github
        .stdout
        .lines()
        .filter(|l| l.contains("SIG002"))
        .collect();
    assert_eq!(sig002.len(), 1, "{}", github.stdout);
    assert!(
        !sig002[0].contains("file=") && sig002[0].contains("resp<U+200B>.xml at /Response]"),
        "{}",
        sig002[0]
    );
    for args in [
        vec!["check", d.as_str(), "--format", "concise"],
        vec!["check", d.as_str()],
    ] {
        let o = run(&args);
        assert!(
            o.stdout.contains("resp<U+200B>.xml"),
            "{args:?}: {}",
            o.stdout
        );
        assert!(!o.stdout.contains('\u{200b}'), "{args:?}");
    }
}
