//! What every adversarial case needs: messages signed with the fixture keys (and re-signed after their
//! SignedInfo is changed), a runner that puts the CLI binary under a wall-clock guard, a 4 GiB
//! address-space limit and optionally strace, and a ledger that lists every case (pass or fail) before
//! it fails the test, so one run reports every broken case and not only the first.

#![allow(dead_code)] // a helper library: each test module uses its part, as with tests/common.

use crate::common::{fixture, root};
use base64::Engine as _;
use samlint::verify::sign::{Alg, What, pem_body, sign};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
/// The IDs of the template's Response and Assertion.
pub const RESPONSE_ID: &str = "ID_6d1f6c0e-5b7a-4a3e-9c2d-1e0f9a8b7c6d";
pub const ASSERTION_ID: &str = "ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f";
pub const NAMEID: &str = "jane.doe@example.com";
pub const EVIL_NAMEID: &str = "attacker@evil.example";

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

pub fn idp_cert() -> String {
    fixture("keys/idp-cert.pem")
}

/// The unsigned Keycloak-style Response of the fixtures.
pub fn template() -> String {
    read("saml/keycloak-atlassian-unsigned.xml")
        .trim_end()
        .to_string()
}

/// Sign `xml` (a Response with an Assertion) with the IdP's key, as Keycloak does.
pub fn sign_xml(xml: &str, what: What) -> String {
    sign_xml_with(xml, what, "keys/idp-key.pem", "keys/idp-cert.pem")
}

pub fn sign_xml_with(xml: &str, what: What, key: &str, cert: &str) -> String {
    sign(
        xml,
        what,
        read(key).as_bytes(),
        &pem_body(&read(cert)),
        Alg::RsaSha256,
    )
    .unwrap_or_else(|e| panic!("signing failed: {e}"))
}

pub fn signed(what: What) -> String {
    sign_xml(&template(), what)
}

/// RSA signature over `data` with a fixture key (`keys/idp-key.pem` unless told).
pub fn rsa_sign(data: &[u8], alg: &str, key: &str) -> Vec<u8> {
    let key = bergshamra::keys::loader::load_rsa_private_pem(read(key).as_bytes()).unwrap();
    let sk = key.to_signing_key().unwrap().unwrap();
    bergshamra::crypto::sign::from_uri(alg)
        .unwrap()
        .sign(&sk, data)
        .unwrap()
}

pub fn b64(data: impl AsRef<[u8]>) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn sha256_b64(data: &[u8]) -> String {
    use sha2::Digest as _;
    b64(sha2::Sha256::digest(data))
}

/// Raw DEFLATE then base64: the Redirect binding's encoding.
pub fn deflate_b64(xml: &str) -> String {
    use flate2::Compression;
    use flate2::write::DeflateEncoder;
    let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(xml.as_bytes()).unwrap();
    b64(e.finish().unwrap())
}

pub fn inflate_b64(v: &str) -> String {
    let raw = base64::engine::general_purpose::STANDARD.decode(v).unwrap();
    let mut out = String::new();
    flate2::read::DeflateDecoder::new(&raw[..])
        .read_to_string(&mut out)
        .unwrap();
    out
}

pub use crate::common::leak::pct;

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("-"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Byte range of the `n`th (0-based) element whose start tag begins with `open` (e.g. `<ds:SignedInfo`)
/// and that ends with the first following `close`.
pub fn element_range(xml: &str, open: &str, close: &str, n: usize) -> (usize, usize) {
    let mut from = 0;
    let mut start = 0;
    for _ in 0..=n {
        start = from
            + xml[from..]
                .find(open)
                .unwrap_or_else(|| panic!("no {open} #{n}"));
        from = start + open.len();
    }
    let end = start + xml[start..].find(close).expect("close tag") + close.len();
    (start, end)
}

/// Recompute the SignatureValue of the `n`th signature (its SignedInfo written `<ds:SignedInfo` or
/// `<SignedInfo` under a default namespace) after SignedInfo was changed: exclusive c14n of SignedInfo
/// (standalone, with the ds namespace declared on it — equal to its canonical form in place, since exc-c14n
/// only emits visibly used namespaces), then RSA-SHA256 with the IdP's key. Reference digests are left as
/// they are: the caller decides which are right.
pub fn resign(xml: &str, n: usize) -> String {
    resign_with(xml, n, "keys/idp-key.pem")
}

pub fn resign_with(xml: &str, n: usize, key: &str) -> String {
    let (prefixed, open, close) = if xml.contains("<ds:SignedInfo") {
        (true, "<ds:SignedInfo", "</ds:SignedInfo>")
    } else {
        (false, "<SignedInfo", "</SignedInfo>")
    };
    let (s, e) = element_range(xml, open, close, n);
    let si = &xml[s..e];
    let decl = if prefixed {
        format!(" xmlns:ds=\"{DSIG}\"")
    } else {
        format!(" xmlns=\"{DSIG}\"")
    };
    let standalone = if si[open.len()..].starts_with(&decl) {
        si.to_string()
    } else {
        format!("{open}{decl}{}", &si[open.len()..])
    };
    let c14n = bergshamra::c14n::canonicalize(
        &standalone,
        bergshamra::c14n::C14nMode::Exclusive,
        None,
        &[] as &[&str],
    )
    .unwrap();
    let alg = if si.contains(RSA_SHA1) {
        RSA_SHA1
    } else {
        RSA_SHA256
    };
    let sv = b64(rsa_sign(&c14n, alg, key));
    let sv_open = if prefixed {
        "<ds:SignatureValue>"
    } else {
        "<SignatureValue>"
    };
    let sv_close = if prefixed {
        "</ds:SignatureValue>"
    } else {
        "</SignatureValue>"
    };
    let a = e + xml[e..].find(sv_open).expect("SignatureValue") + sv_open.len();
    let b = a + xml[a..].find(sv_close).unwrap();
    format!("{}{sv}{}", &xml[..a], &xml[b..])
}

/// The signed Assertion of a message signed with `What::Assertion`: (start, end) of the element.
pub fn assertion_range(xml: &str) -> (usize, usize) {
    let a0 = xml.find("<saml:Assertion").unwrap();
    let a1 = xml.rfind("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    (a0, a1)
}

/// The attacker's copy of an assertion: NameID and email replaced, signature removed, ID changed.
pub fn forged(assertion: &str, id: &str) -> String {
    let mut e = assertion.replace(NAMEID, EVIL_NAMEID);
    while let (Some(s), Some(t)) = (e.find("<ds:Signature"), e.find("</ds:Signature>")) {
        e.replace_range(s..t + "</ds:Signature>".len(), "");
    }
    e.replacen(
        &format!("ID=\"{ASSERTION_ID}\""),
        &format!("ID=\"{id}\""),
        1,
    )
}

// --- Running the CLI ---

/// Verifiers compiled into this build: every case runs with each.
pub fn verifiers() -> &'static [&'static str] {
    if cfg!(feature = "xmlsec") {
        &["rust", "xmlsec", "both"]
    } else {
        &["rust"]
    }
}

pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd} >/dev/null")])
        .status()
        .is_ok_and(|s| s.success())
}

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A required tool: absent, the test says so loudly, and fails under CI=true.
pub fn require(cmd: &str, what: &str) -> bool {
    if have(cmd) {
        return true;
    }
    let msg = format!(
        "\n\n*** `{cmd}` is not installed: {what} did NOT run (apt-get install {cmd}) ***\n"
    );
    if ci() {
        panic!("{msg}under CI=true it is required");
    }
    eprintln!("{msg}");
    false
}

#[derive(Default, Clone)]
pub struct Opts {
    pub cwd: Option<PathBuf>,
    /// Wall-clock guard: the process group is killed after this long (default 20 s).
    pub guard: Option<Duration>,
    pub stdin: Option<Vec<u8>>,
    /// Write an strace log of openat/open/connect to this file.
    pub strace: Option<PathBuf>,
    /// Write GNU time's report (max RSS) to this file.
    pub time: Option<PathBuf>,
}

pub struct Exec {
    /// Exit code; None when killed by a signal (`signal` says which) or by the guard.
    pub code: Option<i32>,
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub secs: f64,
    pub stdout: String,
    pub stderr: String,
    /// Were stdout and stderr valid UTF-8 (a raw 8-bit C1 byte is not)?
    pub utf8: bool,
}

impl Exec {
    /// Exit 0, 1 or 2 within the guard.
    pub fn ok_exit(&self) -> bool {
        !self.timed_out && matches!(self.code, Some(0..=2))
    }
    pub fn describe(&self) -> String {
        if self.timed_out {
            format!("HANG (killed after {:.1} s)", self.secs)
        } else if let Some(c) = self.code {
            format!("exit {c}")
        } else {
            format!("signal {:?}", self.signal)
        }
    }
}

/// Run the samlint binary with `args` under the guard (GNU `timeout -s KILL`, which kills the whole
/// process group it runs: wrappers, samlint and anything it started) and a 4 GiB address-space limit
/// (prlimit).
pub fn samlint(args: &[String], o: &Opts) -> Exec {
    let bin = assert_cmd::cargo::cargo_bin("samlint");
    let guard = o.guard.unwrap_or(Duration::from_secs(20));
    let mut argv: Vec<String> = vec![
        "timeout".into(),
        "-s".into(),
        "KILL".into(),
        format!("{}", guard.as_secs_f64()),
    ];
    if let Some(t) = &o.time {
        argv.extend(["/usr/bin/time".into(), "-v".into(), "-o".into()]);
        argv.push(t.to_string_lossy().into_owned());
    }
    if have("prlimit") {
        argv.extend(["prlimit".into(), "--as=4294967296".into(), "--".into()]);
    }
    if let Some(log) = &o.strace {
        argv.extend([
            "strace".into(),
            "-f".into(),
            "-qq".into(),
            "-e".into(),
            "trace=openat,open,connect".into(),
            "-o".into(),
        ]);
        argv.push(log.to_string_lossy().into_owned());
    }
    argv.push(bin.to_string_lossy().into_owned());
    argv.extend(args.iter().cloned());
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .env_remove("SAMLINT_FORMAT")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        .current_dir(o.cwd.clone().unwrap_or_else(root));
    let mut e = exec(cmd, guard + Duration::from_secs(10), o.stdin.clone());
    // `timeout` exits 137 (or dies of SIGKILL) when the guard expired.
    if e.secs >= guard.as_secs_f64() - 0.5 && (e.code == Some(137) || e.signal == Some(9)) {
        e.timed_out = true;
    }
    e
}

/// Spawn `cmd`, feed it `stdin`, collect its output; past `guard`, kill it (the direct child, by its
/// handle: samlint() puts `timeout` there, which has already killed its group by then).
pub fn exec(mut cmd: Command, guard: Duration, stdin: Option<Vec<u8>>) -> Exec {
    use std::os::unix::process::ExitStatusExt;
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let t0 = Instant::now();
    let mut child = cmd.spawn().expect("spawn");
    if let (Some(data), Some(mut w)) = (stdin, child.stdin.take()) {
        std::thread::spawn(move || {
            let _ = w.write_all(&data);
        });
    }
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let h1 = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let h2 = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if t0.elapsed() > guard {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let secs = t0.elapsed().as_secs_f64();
    let (out, err) = (h1.join().unwrap(), h2.join().unwrap());
    let utf8 = std::str::from_utf8(&out).is_ok() && std::str::from_utf8(&err).is_ok();
    let stdout = String::from_utf8_lossy(&out).into_owned();
    let stderr = String::from_utf8_lossy(&err).into_owned();
    Exec {
        code: status.code(),
        signal: status.signal(),
        timed_out,
        secs,
        stdout,
        stderr,
        utf8,
    }
}

/// `check --format json --idp-cert fixtures/keys/idp-cert.pem --sp-cert (the same) --verifier V
/// INPUT… EXTRA…`. The suite signs requests and responses with one test key, so it is given as both
/// (what the SP signs is checked with --sp-cert only: tests/signatures.rs checks that apart).
pub fn check_args(inputs: &[&str], verifier: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = [
        "check",
        "--format",
        "json",
        "--idp-cert",
        &idp_cert(),
        "--sp-cert",
        &idp_cert(),
        "--verifier",
        verifier,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    a.extend(inputs.iter().map(|s| s.to_string()));
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

pub struct Verdict {
    pub verifier: String,
    pub exec: Exec,
    pub json: Option<Value>,
}

impl Verdict {
    pub fn statuses(&self) -> Vec<String> {
        messages(self.json.as_ref())
            .iter()
            .map(|m| {
                m["signature"]["status"]
                    .as_str()
                    .unwrap_or("no-signature-field")
                    .to_string()
            })
            .collect()
    }
    pub fn any_valid(&self) -> bool {
        self.statuses().iter().any(|s| s == "valid")
    }
    pub fn codes(&self) -> Vec<String> {
        let mut c: Vec<String> = self
            .json
            .as_ref()
            .and_then(|v| v["findings"].as_array())
            .into_iter()
            .flatten()
            .map(|f| f["code"].as_str().unwrap_or("").to_string())
            .collect();
        for i in self
            .json
            .as_ref()
            .and_then(|v| v["inputs"].as_array())
            .into_iter()
            .flatten()
        {
            for e in i["errors"].as_array().into_iter().flatten() {
                c.push(e["code"].as_str().unwrap_or("").to_string());
            }
            if let Some(e) = i["error"]["code"].as_str() {
                c.push(e.to_string());
            }
        }
        c.sort();
        c.dedup();
        c
    }
    pub fn has_error_finding(&self) -> bool {
        self.json
            .as_ref()
            .and_then(|v| v["findings"].as_array())
            .into_iter()
            .flatten()
            .any(|f| f["severity"] == "error")
    }
    /// "exit 1 · valid,invalid · SIG001 SIG005 · 0.12 s"
    pub fn line(&self) -> String {
        let codes: Vec<String> = self
            .codes()
            .into_iter()
            .filter(|c| c.starts_with("SIG") || c.starts_with("STR") || c.contains("::"))
            .collect();
        format!(
            "{:<6} {} · [{}] · {} · {:.2} s",
            self.verifier,
            self.exec.describe(),
            self.statuses().join(","),
            codes.join(" "),
            self.exec.secs
        )
    }
}

pub fn messages(v: Option<&Value>) -> Vec<Value> {
    v.and_then(|v| v["messages"].as_array().cloned())
        .unwrap_or_default()
}

pub fn check(inputs: &[&str], verifier: &str, extra: &[&str], o: &Opts) -> Verdict {
    let exec = samlint(&check_args(inputs, verifier, extra), o);
    let json = serde_json::from_str::<Value>(&exec.stdout).ok();
    Verdict {
        verifier: verifier.to_string(),
        exec,
        json,
    }
}

/// Every case's outcome in a table, and the failures, printed before the test fails.
#[derive(Default)]
pub struct Ledger {
    rows: Vec<String>,
    fails: Vec<String>,
    pub cases: usize,
}

impl Ledger {
    pub fn row(&mut self, s: String) {
        println!("{s}");
        self.rows.push(s);
    }
    pub fn fail(&mut self, case: &str, why: String) {
        let s = format!("FAIL {case}: {why}");
        println!("{s}");
        self.fails.push(s);
    }
    pub fn check(&mut self, ok: bool, case: &str, why: impl FnOnce() -> String) {
        if !ok {
            self.fail(case, why());
        }
    }
    pub fn finish(self, title: &str) {
        println!(
            "{title}: {} cases, {} failures",
            self.cases,
            self.fails.len()
        );
        assert!(
            self.fails.is_empty(),
            "{title}: {} of the checks failed:\n{}",
            self.fails.len(),
            self.fails.join("\n")
        );
    }

    /// The invariant of the whole suite: run `input` through every verifier; each run ends within the
    /// guard with exit 0, 1 or 2 and valid JSON, and no message is `valid`. `need_error`: also an
    /// error finding or an input error (exit 2).
    pub fn not_valid(&mut self, case: &str, input: &str, extra: &[&str], need_error: bool) {
        self.cases += 1;
        for v in verifiers() {
            let r = check(&[input], v, extra, &Opts::default());
            self.row(format!("{case:<58} {}", r.line()));
            self.invariants(case, &r);
            self.check(!r.any_valid(), case, || {
                format!("{v}: a message is `valid`: {}", r.line())
            });
            if need_error {
                self.check(
                    r.has_error_finding() || r.exec.code == Some(2),
                    case,
                    || format!("{v}: no error finding and not refused: {}", r.line()),
                );
            }
        }
    }

    /// As `not_valid`, for the messages of one kind only (the forged one's).
    pub fn kind_not_valid(&mut self, case: &str, input: &str, kind: &str) {
        self.cases += 1;
        for v in verifiers() {
            let r = check(&[input], v, &[], &Opts::default());
            self.row(format!("{case:<58} {}", r.line()));
            self.invariants(case, &r);
            let bad = messages(r.json.as_ref())
                .iter()
                .any(|m| m["kind"] == kind && m["signature"]["status"] == "valid");
            self.check(!bad, case, || {
                format!("{v}: the {kind} is `valid`: {}", r.line())
            });
        }
    }

    /// Exit 0/1/2 within the guard, JSON on stdout that matches the report schema, no panic.
    pub fn invariants(&mut self, case: &str, r: &Verdict) {
        let v = &r.verifier;
        self.check(r.exec.ok_exit(), case, || {
            format!(
                "{v}: {} (stderr: {})",
                r.exec.describe(),
                tail(&r.exec.stderr)
            )
        });
        self.check(!r.exec.stderr.contains("panicked"), case, || {
            format!("{v}: panicked: {}", tail(&r.exec.stderr))
        });
        if r.exec.ok_exit() {
            match &r.json {
                None => self.fail(case, format!("{v}: stdout is not JSON")),
                Some(j) => {
                    if let Err(e) = std::panic::catch_unwind(|| crate::common::validate_report(j)) {
                        let _ = e;
                        self.fail(case, format!("{v}: JSON does not match the schema"));
                    }
                }
            }
        }
    }

    /// A positive control: the unmodified input must be `valid` with every verifier, or the cases built
    /// from it prove nothing.
    pub fn control_valid(&mut self, case: &str, input: &str, extra: &[&str]) {
        self.cases += 1;
        for v in verifiers() {
            let r = check(&[input], v, extra, &Opts::default());
            self.row(format!("{case:<58} {}", r.line()));
            self.check(
                r.statuses().iter().all(|s| s == "valid") && !r.statuses().is_empty(),
                case,
                || {
                    format!(
                        "{v}: the CONTROL is not valid (the test's construction is wrong): {}",
                        r.line()
                    )
                },
            );
        }
    }
}

pub fn tail(s: &str) -> String {
    let t: Vec<&str> = s.lines().rev().take(6).collect();
    t.into_iter().rev().collect::<Vec<_>>().join(" | ")
}

pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

/// The `xmlsec1` command line's verdict on the first signature of a file (the reference verifier):
/// Some(true) OK, Some(false) FAIL or error, None when xmlsec1 is missing.
pub fn xmlsec1(path: &str) -> Option<bool> {
    let out = Command::new("xmlsec1")
        .args(["--verify", "--pubkey-cert-pem", &idp_cert()])
        .args(["--enabled-key-data", "key-name"])
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:protocol:Response",
        ])
        .arg(path)
        .output()
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    Some(out.status.success() && text.lines().any(|l| l.trim() == "OK"))
}
