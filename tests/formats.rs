//! The machine formats, checked by real consumers: SARIF against the official SARIF 2.1.0 schema and by
//! Microsoft's SARIF Multitool (`validate`), JUnit read back by a JUnit parser, GitHub annotations
//! parsed as the runner does; plus snapshots of each and an injection test.

mod common;
use common::*;
use std::path::PathBuf;

fn node_tools() -> Option<PathBuf> {
    let dir = root().join("tests/node/node_modules/@microsoft/sarif-multitool-linux");
    if dir.join("sarif-2.1.0.json").is_file() {
        return Some(dir);
    }
    let msg = "\n\n*** tests/node is not installed (npm ci --prefix tests/node): SARIF Multitool checks did NOT run ***\n";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}under CI=true they are required");
    }
    eprintln!("{msg}");
    None
}

/// A run over a mix: a raw XML file with findings, a HAR, a pasted value, and a missing file.
fn mixed_args() -> Vec<String> {
    vec![
        "fixtures/saml/keycloak-atlassian-unsigned.xml".into(),
        "fixtures/har/sp-initiated-login.har".into(),
        std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.b64")).unwrap(),
        "missing.xml".into(),
        "--idp-cert".into(),
        fixture("keys/client-cert.pem"),
    ]
}

fn output(format: &str, args: &[String]) -> (i32, String) {
    let mut a: Vec<&str> = vec!["check", "--format", format];
    a.extend(args.iter().map(String::as_str));
    let o = run(&a);
    (o.code, o.stdout)
}

#[test]
fn sarif_is_valid_and_accepted_by_the_multitool() {
    let (code, sarif) = output("sarif", &mixed_args());
    assert_eq!(code, 2, "a missing input");
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    // Same findings as the JSON report.
    let (_, json) = check_json(&mixed_args().iter().map(String::as_str).collect::<Vec<_>>());
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    // Every result's rule is described in tool.driver.rules at its ruleIndex.
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let i = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        assert!(
            r["partialFingerprints"]["samlint/v1"]
                .as_str()
                .unwrap()
                .len()
                == 32
        );
    }
    // A raw XML file gets a real region; an encoded input points at the input and names the XML path.
    let raw = results.iter().find(|r| r["ruleId"] == "SIG002").unwrap();
    assert_eq!(
        raw["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "fixtures/saml/keycloak-atlassian-unsigned.xml"
    );
    assert_eq!(
        raw["locations"][0]["physicalLocation"]["region"]["startColumn"],
        1
    );
    let har = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                == "fixtures/har/sp-initiated-login.har"
        })
        .unwrap();
    assert!(
        har["message"]["text"].as_str().unwrap().contains("entry 4"),
        "{har:#}"
    );
    assert!(
        har["properties"]["decodedRegion"]["startLine"]
            .as_u64()
            .is_some()
    );
    // The missing input is a tool execution notification.
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], false);
    // Fingerprints are stable across runs.
    let (_, again) = output("sarif", &mixed_args());
    assert_eq!(sarif, again);

    let Some(tools) = node_tools() else { return };
    // The official schema.
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tools.join("sarif-2.1.0.json")).unwrap())
            .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler
        .add_resource("https://samlint.invalid/sarif-2.1.0.json", schema)
        .unwrap();
    let idx = compiler
        .compile("https://samlint.invalid/sarif-2.1.0.json", &mut schemas)
        .unwrap();
    if let Err(e) = schemas.validate(&v, idx) {
        panic!("SARIF does not match the SARIF 2.1.0 schema:\n{e:#}");
    }
    // Microsoft's SARIF Multitool: no errors (its warnings are advice, listed for the curious).
    let dir = tempfile::tempdir().unwrap();
    let input = write_temp(dir.path(), "samlint.sarif", &sarif);
    let out_path = dir.path().join("validation.sarif");
    let o = std::process::Command::new(root().join("tests/node/node_modules/.bin/sarif-multitool"))
        .args(["validate", &input, "--output", out_path.to_str().unwrap()])
        .output()
        .expect("sarif-multitool runs");
    let text =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error ")).collect();
    assert!(
        errors.is_empty(),
        "SARIF Multitool errors:\n{}",
        errors.join("\n")
    );
    assert!(text.contains("Analysis completed successfully"), "{text}");
}

/// How many (message, rule) pairs a run evaluated, from its JSON report: the built-in rules for each SAML
/// message plus the rules each applied pack ran.
fn rules_run(json: &serde_json::Value) -> u64 {
    let builtin = samlint::registry::builtin().len() as u64;
    json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let packs: u64 = m["packs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["rules"].as_array().unwrap().len() as u64)
                .sum();
            let xml = !m["kind"].as_str().unwrap().starts_with("Keycloak");
            packs + if xml { builtin } else { 0 }
        })
        .sum()
}

#[test]
fn junit_is_read_back_by_a_junit_parser() {
    let (code, xml) = output("junit", &mixed_args());
    assert_eq!(code, 2);
    let suites =
        junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes())).expect("JUnit parses");
    assert_eq!(suites.suites.len(), 4, "one testsuite per input");
    let (_, json) = check_json(&mixed_args().iter().map(String::as_str).collect::<Vec<_>>());
    // Messages: 1 (XML) + 2 (HAR) + 1 (pasted) = 4, each evaluated against the built-in rules and the
    // rules of the packs that applied to it; one error.
    assert_eq!(json["messages"].as_array().unwrap().len(), 4);
    assert_eq!(suites.tests, rules_run(&json) + 1);
    assert_eq!(suites.errors, 1);
    let failing_rules: std::collections::BTreeSet<(u64, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["message_index"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(suites.failures, failing_rules.len() as u64);
    let har = &suites.suites[1];
    assert_eq!(har.name, "fixtures/har/sp-initiated-login.har");
    let failed: Vec<&str> = har
        .cases
        .iter()
        .filter(|c| c.status.is_failure())
        .map(|c| c.original_name.as_str())
        .collect();
    // The client certificate is the configured one: the signature fails, and for Atlassian the
    // certificate the response carries is not the pasted one (ATL021).
    assert_eq!(
        failed,
        [
            "SIG001 signature-invalid",
            "ATL021 keyinfo-certificate-not-pasted"
        ]
    );
    // --fail-on moves what counts as a failure.
    let mut args = mixed_args();
    args.extend(["--fail-on".into(), "info".into()]);
    let (_, xml) = output("junit", &args);
    let more = junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes())).unwrap();
    assert!(more.failures > suites.failures);
}

/// Parse workflow commands as the runner does: `::name props::data`, one per line.
fn commands(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .map(|l| {
            let rest = l
                .strip_prefix("::")
                .unwrap_or_else(|| panic!("not a command: {l}"));
            let (head, data) = rest.split_once("::").unwrap();
            let (name, props) = head.split_once(' ').unwrap_or((head, ""));
            (name.to_string(), props.to_string(), data.to_string())
        })
        .collect()
}

#[test]
fn github_annotations() {
    let (code, text) = output("github", &mixed_args());
    assert_eq!(code, 2);
    let cmds = commands(&text);
    let (_, json) = check_json(&mixed_args().iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        cmds.len(),
        json["findings"].as_array().unwrap().len() + 1,
        "one per finding, one per input error"
    );
    let raw = cmds.iter().find(|c| c.1.contains("SIG002")).unwrap();
    assert_eq!(raw.0, "error");
    assert!(
        raw.1
            .starts_with("file=fixtures/saml/keycloak-atlassian-unsigned.xml,line=1,col=1,"),
        "{}",
        raw.1
    );
    assert!(cmds.iter().any(|c| c.0 == "notice"));
}

#[test]
fn injected_values_change_nothing_in_the_structure_of_any_output() {
    // A NameID and an attribute value carrying a newline plus a workflow command, ANSI escapes, a
    // Markdown image and backticks; signed, so every check runs on it.
    // (U+009B is the C1 control-sequence introducer: legal in XML, dangerous on a terminal.)
    let evil = "x@example.com&#10;::error file=/etc/passwd::owned&#13;\u{9b}31m![img](https://evil.example/p.png)``` `";
    let t = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml"))
        .unwrap()
        .replace(
            ">jane.doe@example.com</saml:NameID>",
            &format!(">{evil}</saml:NameID>"),
        )
        .replace(
            ">Jane</saml:AttributeValue>",
            &format!(">{evil}</saml:AttributeValue>"),
        );
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "evil.xml", t.trim_end());
    let args = vec![p.clone()];
    // GitHub: the same number of commands as findings, none of them the injected one.
    let (_, text) = output("github", &args);
    let cmds = commands(&text);
    let (_, json) = check_json(&[&p]);
    assert_eq!(cmds.len(), json["findings"].as_array().unwrap().len());
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("::error file=/etc/passwd")),
        "{text}"
    );
    assert!(!text.contains('\u{9b}'));
    // SARIF and JSON stay valid JSON; JUnit stays parseable with the same counts.
    let (_, sarif) = output("sarif", &args);
    assert!(serde_json::from_str::<serde_json::Value>(&sarif).is_ok());
    let (_, xml) = output("junit", &args);
    let suites =
        junit_parser::from_reader(std::io::Cursor::new(xml.as_bytes())).expect("JUnit parses");
    assert_eq!(suites.tests, rules_run(&json));
    // Markdown, redacted or not: nothing from the input becomes an image, link or HTML, and no backtick
    // run from the input closes a fence.
    for extra in [None, Some("--no-redact")] {
        let mut a: Vec<&str> = vec!["report", &p];
        a.extend(extra);
        let md = run(&a).stdout;
        let mut fence: Option<String> = None;
        for line in md.lines() {
            let ticks: String = line.chars().take_while(|c| *c == '`').collect();
            match &fence {
                Some(f) if ticks.len() >= f.len() && line.trim_end() == ticks => fence = None,
                Some(_) => {}
                None if ticks.len() >= 3 => fence = Some(ticks),
                None => {
                    for bad in ["![", "](", "<img", "<b>", "<script"] {
                        let unescaped = line
                            .match_indices(bad)
                            .any(|(i, _)| i == 0 || &line[i - 1..i] != "\\");
                        assert!(
                            !unescaped || !line.contains("evil.example"),
                            "{extra:?}: live markup outside a fence: {line}"
                        );
                    }
                }
            }
        }
        assert!(
            fence.is_none(),
            "{extra:?}: a fence was left open (closed early by input backticks?)"
        );
        assert!(!md.contains('\u{9b}') && !md.contains('\u{1b}'));
        // Rendered by a real Markdown renderer: no link, image or HTML element comes from the input.
        if node_tools().is_some() {
            let html = marked(&md);
            for bad in ["<a ", "<img", "<script", "<b>"] {
                assert!(
                    !html.contains(bad),
                    "{extra:?}: rendered report contains {bad}:\n{html}"
                );
            }
        }
    }
    // Terminal formats carry no escape characters.
    for f in ["full", "concise"] {
        let (_, out) = output(f, &args);
        assert!(!out.contains('\u{9b}') && !out.contains('\u{1b}'), "{f}");
    }
}

/// Review (2026-12-05): GFM's extended autolinks start at `www.` after `(`, `:` or a quote too; a
/// StatusMessage (a finding's message in the report) with such words renders no link.
#[test]
fn markdown_report_renders_no_autolink_from_the_input() {
    if node_tools().is_none() {
        return;
    }
    let status = "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Responder\"/><samlp:StatusMessage>expired (www.evil.example/a at:WWW.evil.example/b \"www.evil.example/c x@evil.example</samlp:StatusMessage>";
    let t = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml"))
        .unwrap()
        .replace(
            "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>",
            status,
        );
    assert!(t.contains("evil.example/a"));
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "status.xml", t.trim_end());
    let md = run(&["report", &p, "--no-redact"]).stdout;
    assert!(md.contains("evil.example/a"), "{md}");
    let html = marked(&md);
    assert!(!html.contains("<a "), "a link from the input:\n{html}");
}

/// `md` rendered to HTML by marked (GFM), the renderer of tests/node.
fn marked(md: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let md_path = write_temp(dir.path(), "r.md", md);
    let js = "const {marked}=require('marked');process.stdout.write(marked.parse(require('fs').readFileSync(process.argv[1],'utf8')))";
    let o = std::process::Command::new("node")
        .current_dir(root().join("tests/node"))
        .args(["-e", js, &md_path])
        .output()
        .expect("node runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn format_snapshots() {
    // A raw file with findings, and a pasted value; fixed version so snapshots survive releases.
    let args = vec![
        "fixtures/saml/keycloak-atlassian-unsigned.xml".to_string(),
        "--idp-cert".into(),
        fixture("keys/idp-cert.pem"),
        "--sp-entity-id".into(),
        "https://auth.atlassian.com/saml/11111111-2222-3333-4444-555555555555".into(),
        "--at".into(),
        "2026-11-20T10:30:00Z".into(),
    ];
    let v = env!("CARGO_PKG_VERSION");
    for f in ["sarif", "junit", "github"] {
        let (_, out) = output(f, &args);
        insta::assert_snapshot!(format!("format_{f}"), out.replace(v, "[VERSION]"));
    }
}

#[test]
fn redacted_format_snapshots() {
    // The same capture, redacted with a fixed seed: what a CI log or a ticket would show.
    let args = vec![
        "fixtures/har/sp-initiated-login.har".to_string(),
        "--idp-cert".into(),
        fixture("keys/client-cert.pem"),
        "--redact".into(),
        "--redact-seed".into(),
        "3".into(),
    ];
    for f in ["github", "concise"] {
        let (_, out) = output(f, &args);
        assert!(
            !out.contains("jane") && !out.contains("kc.example.com/realms/acme"),
            "{out}"
        );
        insta::assert_snapshot!(format!("redacted_{f}"), no_elapsed(&out));
    }
}
