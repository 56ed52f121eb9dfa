//! Every SAML message in ../shared/corpus decodes and parses, except the hostile or malformed ones, which
//! are refused with a clear error (exit 2). Expectations come from MANIFEST.tsv (the source projects'
//! verdicts) and FACTS.jsonl (facts extracted by an independent parser), never from samlint's output.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;

const MESSAGE_KINDS: [&str; 4] = [
    "response-b64",
    "response-xml",
    "redirect-query",
    "logout-request-xml",
];

struct Row {
    path: String,
    kind: String,
    /// The expected verdict and the notes.
    expected: String,
    /// The expected verdict alone.
    verdict: String,
    cert: String,
    /// The SP private key the source decrypts this message with, when the MANIFEST names one.
    sp_key: Option<String>,
}

/// The SP key a MANIFEST row names ("decrypt with FILE", "decryption with FILE", "SP key FILE").
fn sp_key_of(text: &str) -> Option<String> {
    for phrase in ["decrypt with ", "decryption with ", "SP key "] {
        for (i, _) in text.match_indices(phrase) {
            let rest = &text[i + phrase.len()..];
            if !rest.starts_with("files/") {
                continue;
            }
            let end = rest.find([';', ')']).unwrap_or(rest.len());
            let cand = rest[..end].trim();
            for ext in [".key", ".pem"] {
                if let Some(p) = cand.find(ext) {
                    return Some(cand[..p + ext.len()].to_string());
                }
            }
        }
    }
    None
}

fn manifest(shared: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("MANIFEST has no {name} column"))
    };
    let (p, k, e, n, c, ev) = (
        col("local_path"),
        col("kind"),
        col("expected"),
        col("notes"),
        col("cert_local_path"),
        col("evidence"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Row {
                path: f[p].to_string(),
                kind: f[k].to_string(),
                // The notes say when a file is not namespace-well-formed.
                expected: format!("{} || {}", f[e], f.get(n).copied().unwrap_or("")),
                verdict: f[e].to_string(),
                cert: f.get(c).copied().unwrap_or("").to_string(),
                sp_key: sp_key_of(&format!(
                    "{} {}",
                    f.get(ev).copied().unwrap_or(""),
                    f.get(n).copied().unwrap_or("")
                )),
            }
        })
        .collect()
}

/// The MANIFEST's own words for "this must be refused as XML".
fn expect_refused(expected: &str) -> Option<&'static str> {
    if expected.contains("invalid:xxe") {
        Some("xml::doctype")
    } else if expected.contains("malformed-xml") && expected.contains("multiple root") {
        Some("xml::multiple-roots")
    } else if expected.contains("NOT namespace-well-formed") {
        Some("xml::namespace")
    } else {
        None
    }
}

fn exceptions() -> BTreeMap<(String, String), String> {
    let text = std::fs::read_to_string(root().join("tests/corpus_exceptions.tsv"))
        .expect("exceptions table");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(
                f.len() == 3 && !f[2].trim().is_empty(),
                "exception rows need path, test and a reason: {l}"
            );
            ((f[0].to_string(), f[1].to_string()), f[2].to_string())
        })
        .collect()
}

#[test]
fn every_corpus_message_decodes_and_parses_or_is_refused() {
    let Some(shared) = shared() else { return };
    let rows = manifest(&shared);
    let exc = exceptions();
    let messages: Vec<&Row> = rows
        .iter()
        .filter(|r| MESSAGE_KINDS.contains(&r.kind.as_str()))
        .collect();
    assert!(
        messages.len() >= 150,
        "MANIFEST lists only {} messages",
        messages.len()
    );
    let want_refused = messages
        .iter()
        .filter(|r| expect_refused(&r.expected).is_some())
        .count();
    let (mut parsed, mut refused, mut wrong) = (0, 0, Vec::new());
    for r in &messages {
        let path = shared.join("corpus").join(&r.path);
        let arg = path.to_string_lossy().into_owned();
        let run = samlint::lint::run(
            &[arg],
            &mut std::io::empty(),
            &samlint::lint::Options::default(),
        );
        let errors: Vec<&str> = run.errors().map(|e| e.kind.code()).collect();
        let exempt = exc.contains_key(&(r.path.clone(), "parse".into()));
        match expect_refused(&r.expected) {
            Some(code) => {
                if errors == [code] && run.messages.is_empty() {
                    refused += 1;
                } else if !exempt {
                    wrong.push(format!(
                        "{}: expected refusal {code}, got errors {errors:?}",
                        r.path
                    ));
                }
                // And the CLI exits 2 on it.
                assert_eq!(
                    samlint::cli::exit_code(&run, samlint::finding::Severity::Error, false),
                    2
                );
            }
            None => {
                if errors.is_empty() && !run.messages.is_empty() {
                    parsed += 1;
                    let kind = run.messages[0].model.kind.as_str();
                    let want = match r.kind.as_str() {
                        _ if r.expected.contains("not SAML 2.0") => Some("Other"),
                        "logout-request-xml" => Some("LogoutRequest"),
                        "response-b64" | "response-xml" => Some("Response"),
                        _ => None,
                    };
                    let kind_exempt = exc.contains_key(&(r.path.clone(), "kind".into()));
                    if want.is_some_and(|w| w != kind) && !kind_exempt {
                        wrong.push(format!(
                            "{}: parsed as {kind}, MANIFEST kind {}",
                            r.path, r.kind
                        ));
                    }
                } else if !exempt {
                    let detail: Vec<String> = run.errors().map(|e| e.to_string()).collect();
                    wrong.push(format!("{}: expected to parse, got {detail:?}", r.path));
                }
            }
        }
    }
    println!(
        "corpus: {} messages in MANIFEST; parsed {parsed} (expected {}), refused {refused} (expected {want_refused}); exceptions {}",
        messages.len(),
        messages.len() - want_refused,
        exc.len()
    );
    assert!(
        wrong.is_empty(),
        "{} corpus files disagree with the MANIFEST:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let exempt = exc.keys().filter(|(_, t)| t == "parse").count();
    assert_eq!(parsed + refused + exempt, messages.len());
    assert_eq!(refused, want_refused);
    assert!(
        want_refused >= 4,
        "the MANIFEST names at least four hostile/malformed files"
    );
}

/// The model agrees with FACTS.jsonl (extracted by an independent parser) on the facts rules depend on.
#[test]
fn model_agrees_with_independent_facts() {
    let Some(shared) = shared() else { return };
    let exc = exceptions();
    let text = std::fs::read_to_string(shared.join("corpus/FACTS.jsonl")).expect("FACTS.jsonl");
    let (mut compared, mut fields, mut wrong) = (0, 0, Vec::new());
    for line in text.lines() {
        let f: serde_json::Value = serde_json::from_str(line).expect("FACTS line is JSON");
        let rel = f["local_path"].as_str().unwrap_or_default().to_string();
        if !["Response", "LogoutRequest"].contains(&f["root"].as_str().unwrap_or("")) {
            continue;
        }
        if exc.contains_key(&(rel.clone(), "facts".into())) {
            continue;
        }
        let path = shared
            .join("corpus")
            .join(&rel)
            .to_string_lossy()
            .into_owned();
        let run = samlint::lint::run(
            &[path],
            &mut std::io::empty(),
            &samlint::lint::Options {
                lint: false,
                ..Default::default()
            },
        );
        let Some(m) = run.messages.first() else {
            continue;
        }; // refused files are covered above
        compared += 1;
        // FACTS.jsonl writes an empty value as null.
        let mut check = |name: &str, ours: Option<String>, theirs: &serde_json::Value| {
            let ours = ours.filter(|s| !s.is_empty());
            let theirs = theirs.as_str().map(str::to_string);
            if theirs.is_some() || ours.is_some() {
                fields += 1;
                if ours != theirs {
                    wrong.push(format!("{rel}: {name}: samlint {ours:?}, FACTS {theirs:?}"));
                }
            }
        };
        let model = &m.model;
        check("root", Some(model.root_name.clone()), &f["root"]);
        let enc = match m
            .source
            .encodings
            .iter()
            .map(|e| e.label())
            .collect::<Vec<_>>()
            .as_slice()
        {
            [] => "xml",
            ["base64"] => "b64",
            ["base64", "deflate"] => "deflate-b64",
            _ => "other",
        };
        check("encoding", Some(enc.into()), &f["encoding"]);
        check(
            "assertions",
            Some(model.assertions_anywhere.to_string()),
            &serde_json::json!(f["assertions"].to_string()),
        );
        let facts = &f["facts"];
        check(
            "Destination",
            model.destination.as_ref().map(|v| v.value.clone()),
            &facts["Destination"],
        );
        check(
            "Issuer",
            model
                .issuer
                .as_ref()
                .map(|i| i.value.value.trim().to_string()),
            &facts["Issuer"],
        );
        if model.assertions_anywhere == 1 && model.assertions.len() == 1 {
            let a = &model.assertions[0];
            check(
                "A.Issuer",
                a.issuer.as_ref().map(|i| i.value.value.trim().to_string()),
                &facts["A.Issuer"],
            );
            let nid = a
                .subject
                .as_ref()
                .and_then(|s| s.name_id.as_ref())
                .map(|n| n.value.value.trim().to_string());
            check("NameID", nid, &facts["NameID"]);
            let recipient = a
                .subject
                .as_ref()
                .and_then(|s| s.confirmations.first())
                .and_then(|c| c.data.as_ref())
                .and_then(|d| d.recipient.as_ref())
                .map(|r| r.value.clone());
            check("SCD.Recipient", recipient, &facts["SCD.Recipient"]);
            if let Some(aud) = facts["Audience"].as_array() {
                let ours: Vec<String> = a
                    .conditions
                    .iter()
                    .flat_map(|c| c.audience_restrictions.iter().flatten())
                    .map(|t| t.value.trim().to_string())
                    .collect();
                let theirs: Vec<String> = aud
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect();
                fields += 1;
                if ours != theirs {
                    wrong.push(format!(
                        "{rel}: Audience: samlint {ours:?}, FACTS {theirs:?}"
                    ));
                }
            }
        }
    }
    println!("facts: compared {fields} fields over {compared} messages with FACTS.jsonl");
    assert!(compared >= 150, "compared only {compared} messages");
    assert!(
        wrong.is_empty(),
        "{} disagreements with FACTS.jsonl:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The families of `invalid-signature:<family>` in MANIFEST.tsv, as samlint causes. A row is right when
/// the message is not `valid` and its cause, or one of its signatures' causes, is in the family.
fn family_causes(expected: &str) -> Option<&'static [&'static str]> {
    let fam = expected.split_once(':').map(|(_, f)| f).unwrap_or("");
    let fam = fam.split([' ', '(']).next().unwrap_or("");
    Some(match fam {
        "unsigned" => &["no-signature", "encrypted", "not-covering"],
        "signature-validation-failed" | "tampered" | "tampered/unsigned" => {
            &["digest-mismatch", "wrong-key", "bad-signature-value"]
        }
        "digest-mismatch" | "cdata-injection" => &["digest-mismatch"],
        "xsw" => &[
            "wrapping",
            "duplicate-id",
            "unexpected-signature",
            "partially-covered",
            "not-covering",
        ],
        "duplicated-id" => &["duplicate-id", "wrapping"],
        "duplicate-reference" => &["wrapping"],
        "malformed" => &["malformed"],
        "too-many-transforms" => &["unsafe-transform"],
        "wrong-cert" => &["wrong-key"],
        "xpointer-reference" => &["unsupported-reference"],
        "hmac" => &["forbidden-algorithm"],
        "spoofed-signature-element" => &["unexpected-signature"],
        _ => return None,
    })
}

/// The certificate the source project trusts, as samlint trust: a file, or the message's own KeyInfo
/// certificate when the source pins it (`embedded(KeyInfo)`).
fn trust_for(
    shared: &Path,
    cert_col: &str,
    message: &samlint::lint::Linted,
) -> samlint::verify::Trust {
    use samlint::verify::cert::{Cert, KeySource, info, keyinfo_cert_der, load_idp_cert};
    let mut t = samlint::verify::Trust::default();
    if cert_col == "embedded(KeyInfo)" {
        let sig = message.model.signatures.first().or_else(|| {
            message
                .model
                .assertions
                .iter()
                .find_map(|a| a.signature.as_ref())
        });
        if let Some(der) = sig
            .and_then(|s| s.key_info.as_ref())
            .and_then(|k| k.x509_certificates.first())
            .and_then(|c| keyinfo_cert_der(&c.value))
        {
            let i = info(&der).expect("embedded certificate parses");
            t.certs.push(Cert {
                der: der.into(),
                source: KeySource::Config,
                origin: "embedded".into(),
                info: i,
                valid_until: None,
            });
        }
    } else if !cert_col.is_empty() {
        // A bare public key (samael's public.pem) is not a certificate: run without trust then.
        if let Ok(c) = load_idp_cert(&shared.join("corpus").join(cert_col).to_string_lossy()) {
            t.certs = c;
        }
    }
    t
}

fn verifiers() -> Vec<samlint::verify::VerifierKind> {
    use samlint::verify::VerifierKind::*;
    [Rust, Xmlsec, Both]
        .into_iter()
        .filter(|v| v.available())
        .collect()
}

#[test]
fn signature_verdicts_agree_with_the_manifest() {
    for v in verifiers() {
        signature_verdicts_for(v);
    }
    if !cfg!(feature = "xmlsec") {
        println!(
            "signatures: built without the xmlsec feature, so only the Rust verifier ran (CI runs --all-features too)"
        );
    }
}

/// ring checks RSA signature values when every signature of a message verifies with it (verify/fast.rs);
/// RustCrypto decides everything else. Over every signed corpus message and every candidate key, the
/// two must give the same results, byte ranges and reasons included.
#[test]
fn ring_and_rustcrypto_agree_on_the_corpus() {
    use samlint::verify::dsig::{RUST, RUSTCRYPTO, Verifier};
    let Some(shared) = shared() else { return };
    let (mut compared, mut valid) = (0, 0);
    for row in manifest(&shared) {
        if !MESSAGE_KINDS.contains(&row.kind.as_str()) {
            continue;
        }
        let Some(m) = without_trust(&shared, &row).1 else {
            continue;
        };
        for key in &trust_for(&shared, &row.cert, &m).certs {
            let fast = RUST.verify_all(&m.source.text, key);
            let slow = RUSTCRYPTO.verify_all(&m.source.text, key);
            assert_eq!(fast, slow, "{}: the two verifiers differ", row.path);
            compared += 1;
            if let Ok(r) = &fast
                && !r.is_empty()
                && r.iter()
                    .all(|x| matches!(x.outcome, samlint::verify::dsig::Crypto::Valid { .. }))
            {
                valid += 1;
            }
        }
    }
    println!("ring vs RustCrypto: {compared} message/key pairs, {valid} all-valid, no difference");
    assert!(
        compared >= 40 && valid >= 20,
        "too few comparisons: {compared}, {valid} valid"
    );
}

/// A corpus message row's file, and its first message linted without trust (to read the KeyInfo
/// certificate when the source pins it).
fn without_trust(shared: &Path, row: &Row) -> (String, Option<samlint::lint::Linted>) {
    let path = shared
        .join("corpus")
        .join(&row.path)
        .to_string_lossy()
        .into_owned();
    let plain = samlint::lint::run(
        std::slice::from_ref(&path),
        &mut std::io::empty(),
        &samlint::lint::Options::default(),
    );
    (path, plain.messages.into_iter().next())
}

fn signature_verdicts_for(verifier: samlint::verify::VerifierKind) {
    let Some(shared) = shared() else { return };
    let exc = exceptions();
    let (mut valid_rows, mut valid_ok, mut invalid_rows, mut invalid_ok, mut excepted) =
        (0, 0, 0, 0, 0);
    let mut wrong = Vec::new();
    for row in manifest(&shared) {
        if !MESSAGE_KINDS.contains(&row.kind.as_str()) {
            continue;
        }
        let expected = row.verdict.as_str();
        let want_valid = expected.starts_with("valid-signature");
        let want_invalid =
            expected.starts_with("invalid-signature") || expected.starts_with("invalid:xsw");
        if !want_valid && !want_invalid {
            continue;
        }
        let (path, first) = without_trust(&shared, &row);
        let Some(first) = first else {
            wrong.push(format!("{}: did not parse", row.path));
            continue;
        };
        let opts = samlint::lint::Options {
            trust: trust_for(&shared, &row.cert, &first),
            verifier,
            sp_keys: sp_keys_for(&shared, &row),
            ..Default::default()
        };
        let run = samlint::lint::run(&[path], &mut std::io::empty(), &opts);
        let sig = run.messages.first().and_then(|m| m.signature.as_ref());
        let status = sig.map(|s| s.status);
        let mut causes: Vec<&str> = sig
            .iter()
            .flat_map(|s| {
                s.cause
                    .into_iter()
                    .chain(s.signatures.iter().filter_map(|x| x.cause))
            })
            .collect();
        causes.dedup();
        let exempt = exc.contains_key(&(row.path.clone(), "signature".into()));
        if want_valid {
            valid_rows += 1;
            if status == Some(samlint::verify::Status::Valid) {
                valid_ok += 1;
            } else if exempt {
                excepted += 1;
            } else {
                wrong.push(format!(
                    "{}: source says valid, samlint says {status:?} {causes:?}",
                    row.path
                ));
            }
        } else {
            invalid_rows += 1;
            let family = family_causes(expected);
            let not_valid = status != Some(samlint::verify::Status::Valid);
            let in_family = family.is_none_or(|fam| causes.iter().any(|c| fam.contains(c)));
            if not_valid && in_family {
                invalid_ok += 1;
            } else if exempt {
                excepted += 1;
            } else {
                wrong.push(format!(
                    "{}: source says {expected:?}, samlint says {status:?} {causes:?}",
                    row.path
                ));
            }
        }
    }
    println!(
        "signatures (verifier {verifier:?}): {valid_ok}/{valid_rows} valid rows accepted, {invalid_ok}/{invalid_rows} invalid rows rejected in their family, {excepted} exceptions"
    );
    assert!(
        wrong.is_empty(),
        "{} rows disagree with the MANIFEST:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        valid_rows >= 50 && invalid_rows >= 40,
        "too few signature rows: {valid_rows} valid, {invalid_rows} invalid"
    );
    assert_eq!(valid_ok + invalid_ok + excepted, valid_rows + invalid_rows);
}

/// A row that pins the IdP certificate by thumbprint ("fingerprint EE:17:4E:FB...") and names no file:
/// the MANIFEST's certificate row whose `sha1=` starts with that thumbprint.
fn cert_by_fingerprint(shared: &Path, text: &str) -> Option<String> {
    let fp = text.split("fingerprint ").nth(1)?;
    let fp: String = fp
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == ':')
        .collect();
    let fp = fp.trim_end_matches(':');
    if fp.len() < 11 {
        return None;
    }
    let text = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).ok()?;
    text.lines()
        .filter(|l| l.split('\t').nth(4) == Some("cert"))
        .find(|l| l.contains(&format!("sha1={fp}")))
        .and_then(|l| l.split('\t').next())
        .map(str::to_string)
}

/// The row's SP key, loaded as `--sp-key` loads it.
fn sp_keys_for(shared: &Path, row: &Row) -> samlint::decrypt::SpKeys {
    let keys = row
        .sp_key
        .iter()
        .map(|k| {
            let p = shared.join("corpus").join(k);
            samlint::decrypt::load_sp_key(&p.to_string_lossy())
                .unwrap_or_else(|e| panic!("{}: SP key {k}: {e}", row.path))
        })
        .collect();
    samlint::decrypt::SpKeys(std::sync::Arc::new(keys))
}

/// Every encrypted corpus response whose MANIFEST row names the SP key decrypts with it and verifies as
/// its source says, with every verifier of the build. The expectations are read from the row: the
/// verdict, the NameID the source's test reads after decrypting, whether the Response signature
/// verified with xmlsec1 (`xmlsec-check=Response:OK`), and the file's own name (ruby-saml's
/// `..._encrypted_signed_assertion` / `..._encrypted_unsigned_assertion`).
#[test]
fn encrypted_responses_decrypt_and_verify_as_their_source_says() {
    let Some(shared) = shared() else { return };
    for v in verifiers() {
        encrypted_for(&shared, v);
    }
}

fn encrypted_for(shared: &Path, verifier: samlint::verify::VerifierKind) {
    use samlint::verify::Status;
    let (mut rows, mut decrypted, mut refused) = (0, 0, 0);
    let mut wrong = Vec::new();
    for row in manifest(shared) {
        if !MESSAGE_KINDS.contains(&row.kind.as_str()) || row.sp_key.is_none() {
            continue;
        }
        rows += 1;
        let (path, first) = without_trust(shared, &row);
        let keys = sp_keys_for(shared, &row);
        if let Some(code) = expect_refused(&row.expected) {
            // Not namespace-well-formed (samael's vectors): refused with the key too.
            let opts = samlint::lint::Options {
                sp_keys: keys,
                verifier,
                ..Default::default()
            };
            let run = samlint::lint::run(&[path], &mut std::io::empty(), &opts);
            let errors: Vec<&str> = run.errors().map(|e| e.kind.code()).collect();
            if errors == [code] && run.messages.is_empty() {
                refused += 1;
            } else {
                wrong.push(format!(
                    "{}: expected refusal {code}, got {errors:?}",
                    row.path
                ));
            }
            continue;
        }
        let Some(first) = first else {
            wrong.push(format!("{}: did not parse", row.path));
            continue;
        };
        let cert = if row.cert.is_empty() {
            cert_by_fingerprint(shared, &row.expected).unwrap_or_default()
        } else {
            row.cert.clone()
        };
        let opts = samlint::lint::Options {
            trust: trust_for(shared, &cert, &first),
            sp_keys: keys,
            verifier,
            ..Default::default()
        };
        let run = samlint::lint::run(&[path], &mut std::io::empty(), &opts);
        let Some(m) = run.messages.first() else {
            wrong.push(format!("{}: no message", row.path));
            continue;
        };
        let codes: Vec<&str> = m.findings.iter().map(|f| f.code).collect();
        let mut bad = |what: String| wrong.push(format!("{}: {what}", row.path));
        if !codes.contains(&"SIG022") || codes.contains(&"SIG021") || m.model.decrypted.is_none() {
            bad(format!("not decrypted: {codes:?}"));
            continue;
        }
        decrypted += 1;
        let Some(a) = m.model.assertions.first() else {
            bad("no assertion after decryption".into());
            continue;
        };
        let sig = m.signature.as_ref();
        let status = sig.map(|s| s.status);
        let result_of = |el: &str| {
            sig.and_then(|s| {
                s.signatures
                    .iter()
                    .find(|x| x.element.as_deref() == Some(el))
                    .map(|x| x.result)
            })
        };
        let verdict = row.verdict.as_str();
        let file = row.path.rsplit('/').next().unwrap_or("");
        if verdict.starts_with("valid") && status != Some(Status::Valid) {
            bad(format!("source says {verdict:?}, samlint says {status:?}"));
        }
        if verdict.starts_with("invalid-signature") {
            let causes: Vec<&str> = sig
                .iter()
                .flat_map(|s| {
                    s.cause
                        .into_iter()
                        .chain(s.signatures.iter().filter_map(|x| x.cause))
                })
                .collect();
            let fam = family_causes(verdict).unwrap_or(&[]);
            if status == Some(Status::Valid) || !causes.iter().any(|c| fam.contains(c)) {
                bad(format!(
                    "source says {verdict:?}, samlint says {status:?} {causes:?}"
                ));
            }
        }
        if verdict.starts_with("invalid:unsigned-encrypted-assertion") && a.signature.is_some() {
            bad(
                "the source says the encrypted assertion is unsigned; samlint sees a signature"
                    .into(),
            );
        }
        if row.expected.contains("xmlsec-check=Response:OK;")
            && result_of("/Response") != Some("valid")
        {
            bad(format!(
                "the Response signature should verify: {:?}",
                result_of("/Response")
            ));
        }
        if file.contains("encrypted_signed_assertion")
            && result_of("/Response/Assertion") != Some("valid")
        {
            bad(format!(
                "the decrypted assertion's signature should verify: {:?}",
                result_of("/Response/Assertion")
            ));
        }
        if file.contains("encrypted_unsigned_assertion") && a.signature.is_some() {
            bad("the decrypted assertion should be unsigned".into());
        }
        if let Some(want) = verdict
            .split("NameID ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
        {
            let got = a
                .subject
                .as_ref()
                .and_then(|s| s.name_id.as_ref())
                .map(|n| n.value.value.clone());
            if got.as_deref() != Some(want) {
                bad(format!("NameID should be {want}, is {got:?}"));
            }
        }
    }
    println!(
        "encrypted (verifier {verifier:?}): {rows} rows with an SP key, {decrypted} decrypted and checked, {refused} refused as XML"
    );
    assert!(
        wrong.is_empty(),
        "{} rows disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        rows >= 20 && decrypted >= 20,
        "too few encrypted rows: {rows}, {decrypted} decrypted"
    );
    assert_eq!(decrypted + refused, rows);
}
