//! End to end with a real identity provider and a real browser: Debian's SimpleSAMLphp serves an IdP on
//! 127.0.0.1 (e2e/setup-idp.sh), Debian's Chromium driven by playwright-core logs in (IdP-initiated) once
//! per scenario and records a HAR (e2e/har-flow.mjs), all inside a network namespace that has only
//! loopback (`unshare -n`, e2e/run.sh). Then samlint checks each HAR: the correct configuration passes
//! the atlassian-cloud pack with no error or warning; each misconfiguration gives its finding at the right
//! bytes; a third verifier (Shibboleth's samlsign) agrees with samlint's signature verdict on every
//! captured response; and the redacted report holds none of the test user's values, password or cookies.
//!
//! Not run under libtest (harness = false) so that it prints what it produced. Under CI=true a missing
//! prerequisite fails; elsewhere it says loudly that it did not run.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "common/oracle.rs"]
mod oracle;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn samlint(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_samlint"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SAMLINT_FORMAT")
        .current_dir(root())
        .output()
        .expect("samlint runs");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!err.contains("panicked"), "samlint panicked: {err}");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        err,
    )
}

/// What is missing to run the suite.
fn missing() -> Vec<String> {
    let mut m = Vec::new();
    for (what, p) in [
        ("simplesamlphp", "/usr/share/simplesamlphp/www"),
        ("php-cli", "/usr/bin/php"),
        ("chromium", "/usr/bin/chromium"),
        ("opensaml-tools (samlsign)", "/usr/bin/samlsign"),
        ("curl", "/usr/bin/curl"),
        ("unshare", "/usr/bin/unshare"),
        ("node", "/usr/bin/node"),
    ] {
        if !Path::new(p).exists() {
            m.push(format!("{what} ({p})"));
        }
    }
    if !root()
        .join("tests/node/node_modules/playwright-core")
        .is_dir()
    {
        m.push("playwright-core (npm ci --prefix tests/node)".into());
    }
    let unshare = Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !unshare {
        m.push("permission for `unshare -n` (run as root)".into());
    }
    m
}

/// One scenario: the HAR, extra flags, and the codes that must be reported, each with the text its span
/// must cover (a predicate on the decoded message).
/// (code, a predicate on (the decoded message, the text the finding's span covers)).
type Expect = (&'static str, fn(&str, &str) -> bool);

struct Scenario {
    name: &'static str,
    har: &'static str,
    flags: Vec<String>,
    expect: Vec<Expect>,
}

fn nameid_value(xml: &str, span: &str) -> bool {
    let v = xml
        .split("<saml:NameID")
        .nth(1)
        .and_then(|r| r.split_once('>'))
        .and_then(|(_, r)| r.split_once('<'))
        .map(|(v, _)| v);
    v == Some(span)
}

fn main() {
    let miss = missing();
    if !miss.is_empty() {
        let msg = format!(
            "\n*** e2e: the real-IdP/browser suite did NOT run; missing: {} ***\n",
            miss.join(", ")
        );
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}under CI=true these are required");
        }
        eprintln!("{msg}");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("e2e");
    let t0 = std::time::Instant::now();
    let run = Command::new("unshare")
        .args([
            "-n",
            "sh",
            "-c",
            &format!(
                "ip link set lo up && sh e2e/run.sh '{}'",
                out.to_string_lossy()
            ),
        ])
        .current_dir(root())
        .output()
        .expect("e2e/run.sh runs");
    assert!(
        run.status.success(),
        "e2e/run.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    println!(
        "e2e: SimpleSAMLphp + Chromium captured 9 HARs in {:.1} s (network namespace with loopback only)",
        t0.elapsed().as_secs_f64()
    );
    let o = |f: &str| out.join(f).to_string_lossy().into_owned();
    let meta = o("idp-metadata.xml");
    let with_meta = || vec!["--idp-metadata".to_string(), meta.clone()];
    // "expired": the correct response evaluated an hour after its capture.
    let har: Value = serde_json::from_str(&std::fs::read_to_string(o("ok.har")).unwrap()).unwrap();
    let acs_time = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["request"]["method"] == "POST"
                && e["request"]["url"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://auth.atlassian.com/"))
        })
        .and_then(|e| e["startedDateTime"].as_str())
        .expect("the HAR holds the ACS POST")
        .to_string();
    let later = samlint::verify::time::parse(&acs_time).expect("HAR time") + 3_600_000;
    let later = samlint::verify::time::format(later);
    let scenarios = vec![
        Scenario {
            name: "correct configuration",
            har: "ok.har",
            flags: with_meta(),
            expect: vec![],
        },
        Scenario {
            name: "NameID transient",
            har: "nameid-transient.har",
            flags: with_meta(),
            expect: vec![("ATL004", nameid_value)],
        },
        Scenario {
            name: "NameID = username",
            har: "nameid-username.har",
            flags: with_meta(),
            expect: vec![("ATL004", |x, s| nameid_value(x, s) && s == "alice")],
        },
        Scenario {
            name: "givenname/surname missing",
            har: "missing-names.har",
            flags: with_meta(),
            expect: vec![("ATL007", |_, s| s.starts_with("<saml:Assertion"))],
        },
        Scenario {
            name: "name = email",
            har: "name-is-email.har",
            flags: with_meta(),
            expect: vec![("ATL009", |_, s| s == "alice.anderson@example.com")],
        },
        Scenario {
            name: "unsigned",
            har: "unsigned.har",
            flags: with_meta(),
            expect: vec![("SIG002", |_, s| s.starts_with("<samlp:Response"))],
        },
        Scenario {
            name: "SHA-1",
            har: "sha1.har",
            flags: with_meta(),
            expect: vec![("SIG006", |_, s| s.contains("rsa-sha1"))],
        },
        Scenario {
            name: "group paths with a leading / (Data Center)",
            har: "group-slash.har",
            flags: [
                with_meta(),
                vec!["--pack".into(), "atlassian-datacenter".into()],
            ]
            .concat(),
            expect: vec![("ADC003", |_, s| s == "/jira-users")],
        },
        Scenario {
            name: "another certificate pasted into Atlassian",
            har: "ok.har",
            flags: vec!["--idp-cert".into(), o("other-cert.pem")],
            expect: vec![("SIG001", |_, s| s.starts_with("<ds:Signature"))],
        },
        Scenario {
            name: "expired (evaluated an hour after capture)",
            har: "ok.har",
            flags: [with_meta(), vec!["--at".into(), later.clone()]].concat(),
            expect: vec![("PRO009", |_, s| s.starts_with("20"))],
        },
    ];
    let mut failures = Vec::new();
    // SP-initiated: a crafted AuthnRequest (as Atlassian sends it, Redirect binding) and the response
    // answering it; samlint pairs them (no PRO007 mismatch, no PRO008 unsolicited), no error or warning.
    {
        let har = o("ok-sp-initiated.har");
        let (code, stdout, _) =
            samlint(&["check", "--format", "json", &har, "--idp-metadata", &meta]);
        let json: Value = serde_json::from_str(&stdout).unwrap_or_default();
        let kinds: Vec<&str> = json["messages"]
            .as_array()
            .map(|m| m.iter().filter_map(|x| x["kind"].as_str()).collect())
            .unwrap_or_default();
        let codes: Vec<&str> = json["findings"]
            .as_array()
            .map(|f| f.iter().filter_map(|x| x["code"].as_str()).collect())
            .unwrap_or_default();
        println!(
            "e2e: {:<45} {:<22} exit {code}, messages {kinds:?}, findings {codes:?}",
            "correct configuration, SP-initiated", "ok-sp-initiated.har"
        );
        if code != 0
            || kinds != ["AuthnRequest", "Response"]
            || codes.iter().any(|c| *c == "PRO007" || *c == "PRO008")
        {
            failures.push(format!(
                "SP-initiated: exit {code}, messages {kinds:?}, findings {codes:?}"
            ));
        }
    }
    for sc in &scenarios {
        let har = o(sc.har);
        let mut args = vec!["check", "--format", "json", har.as_str()];
        args.extend(sc.flags.iter().map(String::as_str));
        let (code, stdout, stderr) = samlint(&args);
        let json: Value = match serde_json::from_str(&stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{}: not JSON ({e}): {stderr}", sc.name));
                continue;
            }
        };
        let (_, xml, _) = samlint(&["decode", "--raw", har.as_str()]);
        let findings = json["findings"].as_array().cloned().unwrap_or_default();
        let text_of = |f: &Value| {
            let s = f["location"]["start"].as_u64().unwrap_or(0) as usize;
            let e = f["location"]["end"].as_u64().unwrap_or(0) as usize;
            xml.get(s..e).unwrap_or("").to_string()
        };
        let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
        let serious: Vec<&str> = findings
            .iter()
            .filter(|f| f["severity"] != "info")
            .filter_map(|f| f["code"].as_str())
            .collect();
        let verdict = json["messages"][0]["signature"]["status"]
            .as_str()
            .unwrap_or("-")
            .to_string();
        println!(
            "e2e: {:<45} {:<22} exit {code}, signature {verdict}, findings {:?}",
            sc.name, sc.har, serious
        );
        if sc.expect.is_empty() {
            if !serious.is_empty() || code != 0 {
                failures.push(format!(
                    "{}: expected no error or warning, got {serious:?}",
                    sc.name
                ));
            }
            let packs = json["messages"][0]["pack"].as_str().unwrap_or("");
            if !packs.contains("atlassian-cloud") {
                failures.push(format!(
                    "{}: the atlassian-cloud pack did not apply ({packs})",
                    sc.name
                ));
            }
        }
        for (code_want, at) in &sc.expect {
            let hits: Vec<&Value> = findings
                .iter()
                .filter(|f| f["code"] == *code_want)
                .collect();
            if hits.is_empty() {
                failures.push(format!("{}: {code_want} missing; got {codes:?}", sc.name));
            } else if !hits.iter().any(|f| at(&xml, &text_of(f))) {
                let seen: Vec<String> = hits.iter().map(|f| text_of(f)).collect();
                failures.push(format!(
                    "{}: {code_want} not at the expected bytes: {seen:?}",
                    sc.name
                ));
            }
        }
    }
    // A third, independent verifier: samlsign agrees with samlint on every captured response.
    let cert = o("idp-cert.pem");
    for har in [
        "ok.har",
        "nameid-transient.har",
        "nameid-username.har",
        "missing-names.har",
        "name-is-email.har",
        "unsigned.har",
        "sha1.har",
        "group-slash.har",
    ] {
        let p = o(har);
        let (_, xml, _) = samlint(&["decode", "--raw", &p]);
        let resp = out.join(format!("{har}.xml"));
        std::fs::write(&resp, &xml).unwrap();
        let (_, j, _) = samlint(&["check", "--format", "json", &p, "--idp-cert", &cert]);
        let json: Value = serde_json::from_str(&j).unwrap_or_default();
        let ours = json["messages"][0]["signature"]["status"]
            .as_str()
            .unwrap_or("")
            .to_string();
        // samlsign checks one element: the Response when it is signed, else the Assertion.
        let id_of = |tag: &str| {
            xml.split(&format!("<{tag} "))
                .nth(1)
                .and_then(|r| r.split("ID=\"").nth(1))
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        };
        let mut verdicts = Vec::new();
        for (tag, signed) in [
            (
                "samlp:Response",
                xml.split("<saml:Assertion")
                    .next()
                    .unwrap_or("")
                    .contains("<ds:Signature"),
            ),
            (
                "saml:Assertion",
                xml.split("<saml:Assertion")
                    .nth(1)
                    .unwrap_or("")
                    .contains("<ds:Signature"),
            ),
        ] {
            if !signed {
                continue;
            }
            let id = id_of(tag).unwrap_or_default();
            let ok = Command::new("samlsign")
                .args(["-c", &cert, "-f", &resp.to_string_lossy(), "-id", &id])
                .output()
                .is_ok_and(|o| o.status.success());
            verdicts.push(ok);
        }
        let theirs = !verdicts.is_empty() && verdicts.iter().all(|v| *v);
        let agree = theirs == (ours == "valid");
        println!(
            "e2e: samlsign on {har:<22} {} (samlint: {ours}) {}",
            if verdicts.is_empty() {
                "nothing signed".to_string()
            } else {
                format!("{verdicts:?}")
            },
            if agree { "agree" } else { "DISAGREE" }
        );
        if !agree {
            failures.push(format!("samlsign and samlint disagree on {har}"));
        }
    }
    // The redacted report leaks nothing of the test user, the password or the cookies.
    let (_, report, _) = samlint(&["report", &o("ok.har"), "--idp-metadata", &meta]);
    let mut secrets: Vec<String> = vec![
        "alice".into(),
        "alice.anderson@example.com".into(),
        "Alice".into(),
        "Anderson".into(),
        "E-4711".into(),
        "alice-e2e-password".into(),
    ];
    for e in har["log"]["entries"].as_array().unwrap() {
        for c in e["request"]["cookies"].as_array().into_iter().flatten() {
            if let Some(v) = c["value"].as_str() {
                secrets.push(v.to_string());
            }
        }
        for p in e["request"]["postData"]["params"]
            .as_array()
            .into_iter()
            .chain(e["request"]["queryString"].as_array())
            .flatten()
        {
            if let Some(v) = p["value"].as_str() {
                secrets.push(v.to_string());
            }
        }
    }
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| s.len() >= 5 && report.contains(s.as_str()))
        .collect();
    println!(
        "e2e: redacted report of ok.har: {} bytes, {} values checked, {} leaked",
        report.len(),
        secrets.len(),
        leaked.len()
    );
    if !leaked.is_empty() {
        failures.push(format!("the redacted report leaks {leaked:?}"));
    }
    // Auth0's SP library (tests/node/oracle.js) on every captured response, configured as the
    // Atlassian connection the browser posted it to: samlint's saml-library prediction must agree.
    if let Some(node_dir) = oracle::installed(&root()) {
        failures.extend(library_agrees(&node_dir, &out, &cert, &later));
    }
    if let Ok(dest) = std::env::var("SAMLINT_E2E_REPORT") {
        std::fs::write(dest, &report).unwrap();
    }
    assert!(
        failures.is_empty(),
        "e2e failures:\n{}",
        failures.join("\n")
    );
    println!("e2e: all scenarios passed");
}

/// The decoded messages of a capture, in order (`samlint decode --raw` separates them with a comment
/// line when there are several).
fn decoded_messages(path: &str) -> Vec<String> {
    const HEAD: &str = "<!-- samlint: message ";
    let (_, raw, _) = samlint(&["decode", "--raw", path]);
    if !raw.contains(HEAD) {
        return vec![raw.trim_end().to_string()];
    }
    raw.split(HEAD)
        .skip(1)
        .filter_map(|b| b.split_once('\n'))
        .map(|(_, body)| body.trim_end().to_string())
        .collect()
}

/// Compare samlint's prediction with the library on every response of every HAR; returns failures.
fn library_agrees(node_dir: &Path, out: &Path, cert: &str, later: &str) -> Vec<String> {
    let cert_b64 = oracle::pem_body(&std::fs::read_to_string(cert).expect("idp-cert.pem"));
    let other = out.join("other-cert.pem").to_string_lossy().into_owned();
    let other_b64 = oracle::pem_body(&std::fs::read_to_string(&other).expect("other-cert.pem"));
    let mut runs: Vec<(String, Vec<String>, String)> = Vec::new();
    for har in [
        "ok.har",
        "ok-sp-initiated.har",
        "nameid-transient.har",
        "nameid-username.har",
        "missing-names.har",
        "name-is-email.har",
        "unsigned.har",
        "sha1.har",
        "group-slash.har",
    ] {
        runs.push((
            har.into(),
            vec!["--idp-cert".into(), cert.into()],
            cert_b64.clone(),
        ));
    }
    runs.push((
        "ok.har".into(),
        vec!["--idp-cert".into(), other.clone()],
        other_b64,
    ));
    runs.push((
        "ok.har".into(),
        vec![
            "--idp-cert".into(),
            cert.into(),
            "--at".into(),
            later.into(),
        ],
        cert_b64,
    ));
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for (har, flags, pasted) in &runs {
        let p = out.join(har).to_string_lossy().into_owned();
        let mut args = vec!["check", "--format", "json", p.as_str()];
        args.extend(flags.iter().map(String::as_str));
        let (_, stdout, _) = samlint(&args);
        let json: Value = serde_json::from_str(&stdout).unwrap_or_default();
        let xml = decoded_messages(&p);
        for (i, m) in json["messages"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if m["kind"] != "Response" {
                continue;
            }
            // The connection the browser posted the response to.
            let acs = m["binding"]["url"].as_str().unwrap_or_default().to_string();
            let id = acs.rsplit("connection=saml-").next().unwrap_or_default();
            let shown: Vec<&str> = flags
                .iter()
                .map(|f| f.rsplit('/').next().unwrap_or(f))
                .collect();
            cases.push(oracle::LibCase {
                id: format!("{har} {} message {}", shown.join(" "), i + 1),
                xml: xml.get(i).cloned().unwrap_or_default(),
                now: m["at"].as_str().unwrap_or_default().to_string(),
                realm: format!("https://auth.atlassian.com/saml/{id}"),
                acs,
                cert_b64: pasted.clone(),
            });
            ours.push(oracle::prediction(&json, i));
        }
    }
    let answers = oracle::library(node_dir, &cases);
    let mut failures = Vec::new();
    for ((c, a), o) in cases.iter().zip(&answers).zip(&ours) {
        let lib = (a.accepted, a.error_description());
        let agree = o.as_ref() == Some(&lib);
        println!(
            "e2e: Auth0's SP library on {:<70} {:?} (samlint: {:?}) {}",
            c.id,
            lib,
            o,
            if agree { "agree" } else { "DISAGREE" }
        );
        if !agree {
            failures.push(format!(
                "{}: the library says {lib:?}, samlint predicts {o:?}",
                c.id
            ));
        }
    }
    failures
}
