//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod c14n;
pub mod leak;
pub mod oracle;
pub mod realm;

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixture Keycloak response (`xml`, from keycloak-atlassian-*.xml) addressed to an Atlassian Data
/// Center ACS instead of the Cloud connection.
pub fn to_data_center(xml: &str) -> String {
    const CONN: &str = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    xml.replace(
        &format!("https://auth.atlassian.com/login/callback?connection=saml-{CONN}"),
        "https://jira.example.com/plugins/servlet/samlconsumer",
    )
    .replace(
        &format!("https://auth.atlassian.com/saml/{CONN}"),
        "https://jira.example.com",
    )
}

/// The findings of a JSON report with this code.
pub fn findings_of<'a>(v: &'a Value, code: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .map(|a| a.iter().filter(|f| f["code"] == code).collect())
        .unwrap_or_default()
}

pub fn fixture(rel: &str) -> String {
    root()
        .join("fixtures")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// The samlint binary, with a fixed environment (no colour, fixed width, no format override).
pub fn samlint() -> Command {
    let mut c = Command::cargo_bin("samlint").expect("binary built");
    c.env_remove("SAMLINT_FORMAT")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(root());
    c
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Out {
    run_stdin(args, "")
}

pub fn run_stdin(args: &[&str], stdin: impl Into<Vec<u8>>) -> Out {
    let o = samlint()
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("samlint runs");
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(
        !out.stderr.contains("panicked"),
        "samlint panicked:\n{}",
        out.stderr
    );
    out
}

/// Run `check --format json`, validate the output against docs/report-v1.schema.json, return it.
pub fn check_json(args: &[&str]) -> (i32, Value) {
    let mut a = vec!["check", "--format", "json"];
    a.extend_from_slice(args);
    let o = run(&a);
    let v: Value = serde_json::from_str(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "samlint {a:?}: not JSON ({e}), exit {}:\n{}\nstderr:\n{}",
            o.code, o.stdout, o.stderr
        )
    });
    validate_report(&v);
    (o.code, v)
}

static SCHEMA: OnceLock<(boon::Schemas, boon::SchemaIndex)> = OnceLock::new();

pub fn validate_report(v: &Value) {
    let (schemas, idx) = SCHEMA.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("docs/report-v1.schema.json"))
            .expect("schema present");
        let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
        let url = schema["$id"].as_str().expect("schema has $id").to_string();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler
            .add_resource(&url, schema)
            .expect("schema resource");
        let idx = compiler
            .compile(&url, &mut schemas)
            .expect("schema compiles");
        (schemas, idx)
    });
    if let Err(e) = schemas.validate(v, *idx) {
        panic!(
            "JSON report does not match docs/report-v1.schema.json:\n{e:#}\n{}",
            serde_json::to_string_pretty(v).unwrap_or_default()
        );
    }
}

/// Codes of all findings in a JSON report.
pub fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Error codes of all inputs in a JSON report.
/// The `kind` of every message of a report, in order.
pub fn kinds(v: &Value) -> Vec<String> {
    v["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|m| m["kind"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub fn error_codes(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for i in v["inputs"].as_array().into_iter().flatten() {
        for e in i["errors"].as_array().into_iter().flatten() {
            out.push(e["code"].as_str().unwrap_or("").to_string());
        }
    }
    out
}

/// `../shared` next to the checkout. Absent: say so loudly; under CI=true, fail.
pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared");
    if p.join("corpus/MANIFEST.tsv").is_file() {
        return Some(p);
    }
    let msg = format!(
        "\n\n*** ../shared/corpus is ABSENT (looked in {}) — corpus tests did NOT run ***\n\n",
        p.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}under CI=true the corpus is required");
    }
    eprintln!("{msg}");
    None
}

pub fn write_temp(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write temp file");
    p.to_string_lossy().into_owned()
}

/// The summary line ends with the run's wall time; snapshots replace it.
pub fn no_elapsed(s: &str) -> String {
    s.lines()
        .map(|l| match l.rfind(" · ") {
            Some(i)
                if l.ends_with(" s") && l[i + " · ".len()..l.len() - 2].parse::<f64>().is_ok() =>
            {
                format!("{} · [ELAPSED]", &l[..i])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if s.ends_with('\n') { "\n" } else { "" }
}

/// Is the `xmlsec1` command line (Debian package xmlsec1, the reference verifier and libxml2's
/// canonicaliser of the differential tests) installed? Absent: say so loudly; under CI=true, fail.
pub fn xmlsec1_available() -> bool {
    let ok = std::process::Command::new("xmlsec1")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let msg = "\n\n*** xmlsec1 is not installed — a differential test against it did NOT run (apt-get install xmlsec1) ***\n";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}under CI=true it is required");
        }
        eprintln!("{msg}");
    }
    ok
}

/// CVE-2025-29775's forgery of the fixture response: `what` (one signature) signed with the test IdP key, then every
/// `from` replaced by `to` (content the signature covers), and the digest of each signed element as it
/// now is put in a comment at the start of its DigestValue, before the digest that was signed. The
/// SignedInfo canonicalises as signed (comments are dropped), so the signature value still verifies;
/// a library that reads `firstChild.data` compares the comment's digest.
pub fn digest_comment_forgery(what: samlint::verify::sign::What, from: &str, to: &str) -> String {
    use samlint::verify::sign::{Alg, pem_body, sign};
    let read = |rel: &str| std::fs::read_to_string(fixture(rel)).unwrap();
    let template = read("saml/keycloak-atlassian-unsigned.xml")
        .trim_end()
        .to_string();
    let sign_it = |xml: &str| {
        sign(
            xml,
            what,
            read("keys/idp-key.pem").as_bytes(),
            &pem_body(&read("keys/idp-cert.pem")),
            Alg::RsaSha256,
        )
        .unwrap()
    };
    let digests = |xml: &str| -> Vec<String> {
        xml.split("<ds:DigestValue>")
            .skip(1)
            .map(|r| r.split('<').next().unwrap().to_string())
            .collect()
    };
    // Both signed, the Response's digest covers the Assertion's altered signature: not this shape.
    assert_ne!(what, samlint::verify::sign::What::Both);
    assert!(template.contains(from), "the template lacks {from:?}");
    let signed = sign_it(&template);
    let altered = sign_it(&template.replace(from, to));
    let (old, new) = (digests(&signed), digests(&altered));
    assert!(!old.is_empty() && old.len() == new.len());
    let mut forged = signed.replace(from, to);
    for (o, n) in old.iter().zip(&new) {
        assert_ne!(o, n, "the change must alter every signed digest");
        forged = forged.replacen(
            &format!("<ds:DigestValue>{o}<"),
            &format!("<ds:DigestValue><!--{n}-->{o}<"),
            1,
        );
    }
    forged
}
