//! Auth0's SP library as a test oracle (tests/node/oracle.js): run it on many responses in one
//! process, and read samlint's `saml-library` prediction of Atlassian Cloud from a JSON report. Shared
//! by tests/oracle.rs and the end-to-end suite.
#![allow(dead_code)]

use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One response for the library, configured as an Atlassian Cloud connection.
#[derive(Clone)]
pub struct LibCase {
    pub id: String,
    /// The decoded SAMLResponse.
    pub xml: String,
    /// The instant the library judges it at (RFC 3339).
    pub now: String,
    pub realm: String,
    pub acs: String,
    /// The base64 DER of the certificate pasted into Atlassian.
    pub cert_b64: String,
}

impl LibCase {
    /// A case configured as the Atlassian connection `uuid` (its SP entity ID and ACS).
    pub fn atlassian(id: usize, xml: &str, now: &str, uuid: &str, cert_b64: &str) -> Self {
        LibCase {
            id: id.to_string(),
            xml: xml.to_string(),
            now: now.to_string(),
            realm: format!("https://auth.atlassian.com/saml/{uuid}"),
            acs: format!("https://auth.atlassian.com/login/callback?connection=saml-{uuid}"),
            cert_b64: cert_b64.to_string(),
        }
    }
}

/// The library's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibAnswer {
    pub accepted: bool,
    /// The library's whole error message (`None` for an error without one: xml-crypto throws bare
    /// strings in a few places).
    pub message: Option<String>,
    /// The error was thrown rather than passed to the callback.
    pub threw: bool,
}

impl LibAnswer {
    /// What Atlassian shows of it: samlint's model of the cut (src/predict/text.rs), the one place
    /// that rule lives.
    pub fn error_description(&self) -> Option<String> {
        self.message
            .as_deref()
            .map(|m| samlint::predict::text::visible(m).to_string())
    }
}

/// The tests/node directory with the library installed, or `None` after saying loudly that the
/// comparison did not run (under CI=true, a panic).
pub fn installed(root: &Path) -> Option<PathBuf> {
    let dir = root.join("tests/node");
    if dir
        .join("node_modules/passport-wsfed-saml2/lib/passport-wsfed-saml2/samlp.js")
        .is_file()
        && dir.join("node_modules/xml-crypto/package.json").is_file()
    {
        return Some(dir);
    }
    let msg = "\n\n*** Auth0's SP library (passport-wsfed-saml2 in tests/node) is NOT installed: the \
               comparison of samlint's Atlassian predictions with it did NOT run. Run: npm ci --prefix \
               tests/node (needs ../shared/oracle beside the checkout) ***\n\n";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}under CI=true the library is required");
    }
    eprintln!("{msg}");
    None
}

/// Run the library on every case, in one Node process.
pub fn library(node_dir: &Path, cases: &[LibCase]) -> Vec<LibAnswer> {
    let mut input = String::new();
    for c in cases {
        let line = serde_json::json!({
            "id": c.id, "xml": c.xml, "now": c.now, "realm": c.realm, "acs": c.acs, "cert": c.cert_b64,
        });
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let out = node(node_dir, "oracle.js", input);
    let lines: Vec<Value> = String::from_utf8_lossy(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("oracle.js writes JSON lines"))
        .collect();
    assert_eq!(lines.len(), cases.len(), "one answer per case");
    lines
        .iter()
        .zip(cases)
        .map(|(v, c)| {
            assert_eq!(v["id"].as_str(), Some(c.id.as_str()), "answers in order");
            LibAnswer {
                accepted: v["accepted"].as_bool().expect("accepted"),
                message: v["message"].as_str().map(str::to_string),
                threw: v["threw"].as_bool().unwrap_or(false),
            }
        })
        .collect()
}

/// samlint's `saml-library` prediction for Atlassian Cloud of message `index`: (accepted,
/// error_description), or `None` when there is none.
pub fn prediction(report: &Value, index: usize) -> Option<(bool, Option<String>)> {
    report["messages"][index]["predictions"]
        .as_array()?
        .iter()
        .find(|p| p["sp"] == "atlassian-cloud" && p["stage"] == "saml-library")
        // `outcome: unknown` is no prediction (a build before `outcome` has none: its `accepted`).
        .filter(|p| p["outcome"] != "unknown")
        .map(|p| {
            (
                p["accepted"].as_bool().unwrap_or(false),
                p["error_description"].as_str().map(str::to_string),
            )
        })
}

/// The base64 body of a PEM certificate.
pub fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect()
}

/// `xml` signed by xml-crypto 1.4.1-auth0.2, the fork the library runs (tests/node/sign.js), as an
/// IdP built on it signs: `what` is `assertion`, `response` or `both`, `c14n` `exc` or `inc`; with
/// `hmac`, an HMAC-SHA1 keyed with the certificate's PEM text and an unprefixed X509Data.
pub fn xml_crypto_signed(
    node_dir: &Path,
    xml: &str,
    key_pem: &str,
    cert_b64: &str,
    what: &str,
    c14n: &str,
    hmac: bool,
) -> String {
    let input = serde_json::json!({
        "xml": xml, "key": key_pem, "cert": cert_b64, "what": what, "c14n": c14n, "hmac": hmac,
    })
    .to_string();
    String::from_utf8(node(node_dir, "sign.js", input)).expect("sign.js writes UTF-8")
}

/// What node-forge 0.10, as the library calls it, makes of each certificate (base64 DER): `None`
/// when it reads it, else its error (tests/node/forge.js).
pub fn forge_reads(node_dir: &Path, certs_b64: &[String]) -> Vec<Option<String>> {
    let out = node(
        node_dir,
        "forge.js",
        serde_json::json!(certs_b64).to_string(),
    );
    serde_json::from_slice(&out).expect("forge.js writes a JSON array")
}

/// `node SCRIPT` in `node_dir` with `input` on stdin (written from a thread, so a large input and
/// a large output cannot block each other): its stdout, after it succeeded. In UTC: the library
/// reads `new Date(...)` of times without a zone as local time, and Atlassian's is UTC.
fn node(node_dir: &Path, script: &str, input: String) -> Vec<u8> {
    let mut child = Command::new("node")
        .arg(script)
        .current_dir(node_dir)
        .env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs (install Node.js)");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("node finishes");
    writer
        .join()
        .expect("writer thread")
        .unwrap_or_else(|e| panic!("input written to {script}: {e}"));
    assert!(
        out.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
