//! `--sp-key` as a user sees it (issue 15 item 7): the encrypted Keycloak-shaped fixture
//! (fixtures/saml/keycloak-atlassian-encrypted.xml, made by fixtures/generate.sh) in the full and concise
//! formats without a key, with the SP's key (decrypted and valid) and with a key that does not fit; and
//! no output of any format ever carries the private key.

mod common;
use common::*;

const FIXTURE: &str = "fixtures/saml/keycloak-atlassian-encrypted.xml";
const IDP_CERT: &str = "fixtures/keys/idp-cert.pem";
const SP_KEY: &str = "fixtures/keys/sp-key.pem";
const WRONG_KEY: &str = "fixtures/keys/client-key.pem";

fn shown(format: &str, key: Option<&str>) -> (i32, String) {
    let mut a = vec!["check", FIXTURE, "--idp-cert", IDP_CERT, "--format", format];
    if let Some(k) = key {
        a.extend(["--sp-key", k]);
    }
    let o = run(&a);
    (o.code, no_elapsed(&o.stdout))
}

#[test]
fn without_key_says_what_is_encrypted_and_for_whom() {
    let (code, full) = shown("full", None);
    assert_eq!(code, 1, "ATL014 is an error");
    assert!(full.contains("--sp-key"), "{full}");
    assert!(
        full.contains("AES-256-GCM") && full.contains("CN=sp.example.com"),
        "{full}"
    );
    insta::assert_snapshot!("encrypted_without_key_full", full);
    insta::assert_snapshot!("encrypted_without_key_concise", shown("concise", None).1);
}

#[test]
fn with_key_decrypts_and_verifies() {
    let (_, full) = shown("full", Some(SP_KEY));
    assert!(full.contains("SIG022"), "{full}");
    assert!(!full.contains("SIG021"), "{full}");
    insta::assert_snapshot!("encrypted_with_key_full", full);
    insta::assert_snapshot!(
        "encrypted_with_key_concise",
        shown("concise", Some(SP_KEY)).1
    );
    let (_, json) = check_json(&[FIXTURE, "--idp-cert", IDP_CERT, "--sp-key", SP_KEY]);
    let sig = &json["messages"][0]["signature"];
    assert_eq!(sig["status"], "valid", "{sig}");
    let results: Vec<(&str, &str)> = sig["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["element"].as_str().unwrap_or(""),
                s["result"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        results,
        [("/Response", "valid"), ("/Response/Assertion", "valid")]
    );
    let d = &json["messages"][0]["decryption"];
    assert_eq!(d["key"], SP_KEY, "{d}");
    assert_eq!(
        d["content_algorithm"],
        "http://www.w3.org/2009/xmlenc11#aes256-gcm"
    );
    assert_eq!(
        d["key_transport"],
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"
    );
    assert_eq!(
        (d["encrypted_key"].as_u64(), d["encrypted_keys"].as_u64()),
        (Some(1), Some(1))
    );
    let (_, without) = check_json(&[FIXTURE, "--idp-cert", IDP_CERT]);
    assert!(without["messages"][0].get("decryption").is_none());
    // The decrypted assertion is linted: its NameID reaches the profile rules (no STR008 any more).
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(!codes.contains(&"STR008"), "{codes:?}");
    assert!(
        codes.contains(&"ATL014"),
        "Atlassian still cannot decrypt: {codes:?}"
    );
    // The predictions are about the message as sent: the same with the key and without it (Data
    // Center's own case: tests/adversarial/encrypted.rs).
    let accepted = |v: &serde_json::Value| -> Vec<(String, bool)> {
        v["messages"][0]["predictions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["sp"].as_str().unwrap().to_string(), p["accepted"] == true))
            .collect()
    };
    assert_eq!(accepted(&json), accepted(&without));
}

#[test]
fn wrong_key_is_an_error_naming_the_key() {
    let (code, full) = shown("full", Some(WRONG_KEY));
    assert_eq!(code, 1);
    assert!(
        full.contains("SIG021") && full.contains("client-key.pem"),
        "{full}"
    );
    insta::assert_snapshot!("encrypted_wrong_key_full", full);
    insta::assert_snapshot!(
        "encrypted_wrong_key_concise",
        shown("concise", Some(WRONG_KEY)).1
    );
    // The Response signature over the ciphertext is genuine, but nothing inside was checked.
    let (_, json) = check_json(&[FIXTURE, "--idp-cert", IDP_CERT, "--sp-key", WRONG_KEY]);
    let sig = &json["messages"][0]["signature"];
    assert_eq!(
        (&sig["status"], &sig["cause"]),
        (&"invalid".into(), &"encrypted".into()),
        "{sig}"
    );
    // The right key among wrong ones: each is tried.
    let o = run(&[
        "check",
        FIXTURE,
        "--idp-cert",
        IDP_CERT,
        "--format",
        "concise",
        "--sp-key",
        WRONG_KEY,
        "--sp-key",
        SP_KEY,
        "--show-infos",
    ]);
    assert!(
        o.stdout.contains("SIG022") && !o.stdout.contains("SIG021"),
        "{}",
        o.stdout
    );
}

/// The private key's material (its base64 body, 8-character pieces of it, and the DER's hex) is in
/// no output: every format, redacted or not, with the right key, a wrong key, and a key file passed
/// where an input goes.
#[test]
fn the_private_key_never_appears_in_any_output() {
    let pem = std::fs::read_to_string(fixture("keys/sp-key.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let pieces: Vec<&str> = (0..body.len().saturating_sub(8))
        .step_by(37)
        .map(|i| &body[i..i + 8])
        .collect();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(&body)
        .unwrap();
    let hex: String = der[40..60].iter().map(|b| format!("{b:02x}")).collect();
    let hex_upper = hex.to_uppercase();
    let sp_key_eq = format!("--sp-key={pem}");
    let mut runs = 0;
    for format in [
        "full", "concise", "json", "sarif", "junit", "github", "markdown",
    ] {
        for key in [SP_KEY, "fixtures/keys/sp-key-pkcs1.pem", WRONG_KEY] {
            for redact in [false, true] {
                let mut a = vec!["check", FIXTURE, "--idp-cert", IDP_CERT, "--format", format];
                a.extend(["--sp-key", key]);
                if redact {
                    a.push("--redact");
                }
                let o = run(&a);
                runs += 1;
                for out in [&o.stdout, &o.stderr] {
                    for p in &pieces {
                        assert!(
                            !out.contains(p),
                            "{a:?}: a piece of the key ({p}) is in the output"
                        );
                    }
                    assert!(
                        !out.contains(&hex) && !out.contains(&hex_upper),
                        "{a:?}: key DER in the output"
                    );
                }
            }
        }
    }
    // `report` too, and the key given as an input (it is not SAML: an error that must not echo it).
    for a in [
        vec![
            "report",
            FIXTURE,
            "--idp-cert",
            IDP_CERT,
            "--sp-key",
            SP_KEY,
        ],
        vec!["check", SP_KEY],
        vec!["check", FIXTURE, "--sp-key", FIXTURE],
        // The key pasted as a value (review 36: echoed in "--sp-key <key>: no such file", and in
        // clap's "unexpected argument"), with and without its PEM lines, and as an input.
        vec!["check", FIXTURE, &sp_key_eq],
        vec!["check", FIXTURE, "--sp-key", &pem],
        vec!["check", FIXTURE, "--sp-key", &body],
        vec!["check", &pem],
        vec!["check", FIXTURE, "--idp-cert", &pem],
    ] {
        let o = run(&a);
        runs += 1;
        if a.iter().any(|x| x.contains(&body[..16])) {
            assert_eq!(o.code, 2, "a key given as a value is refused");
        }
        for out in [&o.stdout, &o.stderr] {
            for p in &pieces {
                assert!(
                    !out.contains(p),
                    "a piece of the key ({p}) is in the output: {out}"
                );
            }
        }
    }
    assert!(runs >= 45);
}

/// What decryption reveals is redacted like any other content: the decrypted NameID reaches the
/// unredacted Markdown report (so the check below can fail), and no redacted output carries it.
#[test]
fn decrypted_values_are_redacted() {
    let secret = "jane.doe";
    let plain = run(&[
        "report",
        FIXTURE,
        "--idp-cert",
        IDP_CERT,
        "--sp-key",
        SP_KEY,
        "--no-redact",
    ]);
    assert!(
        plain.stdout.contains(secret),
        "the decrypted NameID is not in the report at all"
    );
    let without_key = run(&["report", FIXTURE, "--idp-cert", IDP_CERT, "--no-redact"]);
    assert!(
        !without_key.stdout.contains(secret),
        "readable without the key?"
    );
    let mut outs = vec![run(&[
        "report",
        FIXTURE,
        "--idp-cert",
        IDP_CERT,
        "--sp-key",
        SP_KEY,
    ])];
    for format in [
        "full", "concise", "json", "sarif", "junit", "github", "markdown",
    ] {
        outs.push(run(&[
            "check",
            FIXTURE,
            "--idp-cert",
            IDP_CERT,
            "--sp-key",
            SP_KEY,
            "--redact",
            "--format",
            format,
        ]));
    }
    for o in outs {
        assert!(
            !o.stdout.contains(secret) && !o.stderr.contains(secret),
            "{}",
            o.stdout
        );
        // The key is named by a pseudonym and its public-key SHA-1, as input files are.
        assert!(!o.stdout.contains(SP_KEY), "{}", o.stdout);
    }
}

/// The same key in every form `--sp-key` takes (PKCS#8 PEM, PKCS#1 PEM, DER, bare base64, PEM after a
/// certificate in one file) loads to the same public key, which is the one of the SP certificate.
#[test]
fn every_key_form_loads_to_the_same_key() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read_to_string(fixture("keys/sp-key.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(&body)
        .unwrap();
    let cert = std::fs::read_to_string(fixture("keys/sp-cert.pem")).unwrap();
    let forms = [
        fixture("keys/sp-key.pem"),
        fixture("keys/sp-key-pkcs1.pem"),
        write_temp(dir.path(), "k.der", &der),
        write_temp(dir.path(), "k.b64", &body),
        write_temp(dir.path(), "both.pem", format!("{cert}{pem}")),
    ];
    let want = {
        let c = samlint::verify::cert::load_idp_cert(&fixture("keys/sp-cert.pem")).unwrap();
        use x509_parser::prelude::FromDer;
        let (_, x) = x509_parser::certificate::X509Certificate::from_der(&c[0].der).unwrap();
        x.tbs_certificate.subject_pki.raw.to_vec()
    };
    for f in &forms {
        let k = samlint::decrypt::load_sp_key(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(k.spki, want, "{f}");
        assert_eq!(k.bits, 2048, "{f}");
        // Debug output never shows the material.
        let dbg = format!("{k:?}");
        assert!(!dbg.contains(&body[64..80]), "{dbg}");
    }
}

/// Every single-byte change across the EncryptedAssertion of the fixture (one position in 17, two
/// replacement bytes), linted with the key through the library: never a panic, and a message that
/// still decrypts holds exactly one assertion; one that is `valid` decrypted to the genuine NameID.
#[test]
fn mutated_encrypted_assertions_never_panic() {
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-encrypted.xml")).unwrap();
    let start = xml.find("<saml:EncryptedAssertion").unwrap();
    let end = xml.find("</saml:EncryptedAssertion>").unwrap() + 26;
    let key = samlint::decrypt::load_sp_key(&fixture("keys/sp-key.pem")).unwrap();
    let trust = samlint::verify::Trust {
        certs: samlint::verify::cert::load_idp_cert(&fixture("keys/idp-cert.pem")).unwrap(),
        entity_id: None,
        signer: samlint::verify::Signer::Idp,
    };
    let opts = samlint::lint::Options {
        sp_keys: samlint::decrypt::SpKeys(std::sync::Arc::new(vec![key])),
        trust,
        ..Default::default()
    };
    let (mut runs, mut decrypted, mut valid) = (0, 0, 0);
    for p in (start..end).step_by(17) {
        for b in [b'A', b'<'] {
            let mut bytes = xml.clone().into_bytes();
            if bytes[p] == b {
                continue;
            }
            bytes[p] = b;
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let run = samlint::lint::run(&[text], &mut std::io::empty(), &opts);
            runs += 1;
            for m in &run.messages {
                if m.model.decrypted.is_some() {
                    decrypted += 1;
                    assert_eq!(m.model.assertions.len(), 1);
                    assert!(m.model.encrypted_assertions.is_empty());
                }
                if m.signature
                    .as_ref()
                    .is_some_and(|s| s.status == samlint::verify::Status::Valid)
                {
                    valid += 1;
                    let id = m.model.assertions[0]
                        .subject
                        .as_ref()
                        .and_then(|s| s.name_id.as_ref());
                    assert_eq!(
                        id.map(|n| n.value.value.as_str()),
                        Some("jane.doe@example.com")
                    );
                }
            }
        }
    }
    println!("{runs} mutations: {decrypted} still decrypted, {valid} valid");
    assert!(runs > 600, "{runs}");
    // Some mutations (outside the ciphertext) still decrypt: otherwise the assertions in the loop
    // above never ran, and the test would pass with decryption broken. (None stays valid: the
    // Response signature covers the whole EncryptedAssertion.)
    assert!(decrypted > 0, "{decrypted} decrypted");
    // The untouched fixture is the control: it decrypts and is valid.
    let run = samlint::lint::run(&[xml], &mut std::io::empty(), &opts);
    assert!(run.messages[0].model.decrypted.is_some());
    assert_eq!(
        run.messages[0].signature.as_ref().map(|s| s.status),
        Some(samlint::verify::Status::Valid)
    );
}

/// A file with two private keys is refused (which one is meant?), and every bad --sp-key is named,
/// not only the first.
#[test]
fn two_keys_in_one_file_and_several_bad_files_are_all_said() {
    let dir = tempfile::tempdir().unwrap();
    let two = format!(
        "{}{}",
        std::fs::read_to_string(fixture("keys/idp-key.pem")).unwrap(),
        std::fs::read_to_string(fixture(SP_KEY.trim_start_matches("fixtures/"))).unwrap()
    );
    let two = write_temp(dir.path(), "two.pem", two);
    let o = run(&["check", FIXTURE, "--sp-key", &two]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("more than one private key"),
        "{}",
        o.stderr
    );
    let o = run(&[
        "check",
        FIXTURE,
        "--sp-key",
        "/nonexistent/sp.pem",
        "--sp-key",
        "fixtures/keys/sp-cert.pem",
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("/nonexistent/sp.pem"), "{}", o.stderr);
    assert!(o.stderr.contains("holds a certificate"), "{}", o.stderr);
}

/// Review 37: other ways a key or a secret named on the command line came back on stderr: a key file
/// or a token file given as `--config` (the YAML parser quoted the whole text), the key in
/// `SAMLINT_FORMAT`, and a key body without its PEM lines given to an option that refuses it (clap
/// quoted the value). None of them is shown.
#[test]
fn secrets_given_to_other_options_are_not_echoed() {
    let pem = std::fs::read_to_string(fixture("keys/sp-key.pem")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let dir = tempfile::tempdir().unwrap();
    let netrc = write_temp(
        dir.path(),
        "netrc",
        "machine api.example.com login ci password hunter2-SECRET\n",
    );
    let token = write_temp(dir.path(), "token.yaml", "api_token: hunter2-SECRET\n");
    let credentials = write_temp(
        dir.path(),
        "sa.json",
        "{\"type\": \"service_account\", \"private_key\": \"hunter2-SECRET\"}\n",
    );
    let key = fixture("keys/sp-key.pem");
    let runs: Vec<Out> = vec![
        run(&["check", FIXTURE, "--config", &key]),
        run(&["check", FIXTURE, "--config", &netrc]),
        // Review 38: a mapping none of whose keys is samlint's was quoted (its snippet, its key).
        run(&["check", FIXTURE, "--config", &token]),
        run(&["check", FIXTURE, "--config", &credentials]),
        run(&["check", FIXTURE, "--at", &body]),
        run(&["check", FIXTURE, "--max-input", &body]),
        {
            let o = samlint()
                .args(["check", FIXTURE])
                .env("SAMLINT_FORMAT", &pem)
                .output()
                .unwrap();
            Out {
                code: o.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            }
        },
    ];
    for o in runs {
        assert_eq!(o.code, 2, "{}", o.stderr);
        let all = format!("{}{}", o.stdout, o.stderr);
        assert!(!all.contains("hunter2-SECRET"), "{all}");
        assert!(
            !all.contains(&body[..16]) && !all.contains(&body[800..816]),
            "{all}"
        );
    }
}
