//! Classes 2 and 3 (network and files): no verifier may open a connection or a file the command line
//! did not name, whatever the signature asks for — a second Reference to a local HTTP listener, to
//! `file:///dev/zero`, to a canary file by relative and absolute path, to `#xpointer(/)`; XSLT and
//! XPath transforms; a ds:Manifest in a ds:Object; KeyInfo RetrievalMethod; XInclude, xml-stylesheet
//! and schemaLocation hints. SignedInfo is re-signed with the IdP key after each change, so a verifier
//! that fetched and digested what it fetched would find a genuinely signed document.
//!
//! Proof of no fetch: a TCP listener on 127.0.0.1 that must see no connection (it answers like a web
//! server, so a fetching verifier would proceed); and, when `strace` is installed (required under
//! CI=true), a trace of every openat/open/connect of samlint and its children: no canary path, no
//! /dev/zero, no AF_INET/AF_INET6 connect. Wall time is printed; 20 s is only a hang guard.
//!
//! The guide keeps test servers in a loopback-only network namespace: the outer test re-runs the inner
//! one under `unshare -n` (with lo up), listener and samlint together.

use crate::util::*;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BODY: &[u8] = b"<x xmlns=\"urn:canary\">served by the test listener</x>";
const CANARY: &str = "samlint-canary-ref.xml";
const CANARY_KEY: &str = "samlint-canary-key.der";
const CANARY_BODY: &[u8] = b"<x xmlns=\"urn:canary\">canary file</x>";

struct Listener {
    port: u16,
    hits: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    fn start() -> Listener {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        l.set_nonblocking(true).unwrap();
        let port = l.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (h, r, s) = (hits.clone(), requests.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            while !s.load(Ordering::SeqCst) {
                match l.accept() {
                    Ok((mut c, _)) => {
                        h.fetch_add(1, Ordering::SeqCst);
                        let _ = c.set_nonblocking(false);
                        let _ = c.set_read_timeout(Some(Duration::from_secs(1)));
                        let mut buf = [0u8; 1024];
                        let n = c.read(&mut buf).unwrap_or(0);
                        let first = String::from_utf8_lossy(&buf[..n])
                            .lines()
                            .next()
                            .unwrap_or("")
                            .to_string();
                        r.lock().unwrap().push(first);
                        let _ = c.write_all(
                            format!(
                                "HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
                                BODY.len()
                            )
                            .as_bytes(),
                        );
                        let _ = c.write_all(BODY);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Listener {
            port,
            hits,
            requests,
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn reference(uri: &str, digest: &str, extra_attr: &str) -> String {
    format!(
        "<ds:Reference URI=\"{uri}\"{extra_attr}><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference>"
    )
}

/// A second Reference in the Assertion's SignedInfo, SignedInfo re-signed.
fn with_reference(r: &str) -> String {
    let x = signed(samlint::verify::sign::What::Assertion).replacen(
        "</ds:SignedInfo>",
        &format!("{r}</ds:SignedInfo>"),
        1,
    );
    resign(&x, 0)
}

/// A transform placed first in the genuine Reference, SignedInfo re-signed.
fn with_transform(t: &str) -> String {
    let x = signed(samlint::verify::sign::What::Assertion).replacen(
        "<ds:Transforms>",
        &format!("<ds:Transforms>{t}"),
        1,
    );
    resign(&x, 0)
}

fn with_keyinfo(k: &str) -> String {
    let x = signed(samlint::verify::sign::What::Assertion);
    let (s, e) = element_range(&x, "<ds:KeyInfo>", "</ds:KeyInfo>", 0);
    format!("{}<ds:KeyInfo>{k}</ds:KeyInfo>{}", &x[..s], &x[e..])
}

const XSLT: &str = "http://www.w3.org/TR/1999/REC-xslt-19991116";

fn xslt(body: &str) -> String {
    format!(
        "<ds:Transform Algorithm=\"{XSLT}\"><xsl:stylesheet version=\"1.0\" xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">{body}</xsl:stylesheet></ds:Transform>"
    )
}

/// (case, document, may the message be `valid`?). Only cases whose signed content is untouched and
/// whose hostile part lies outside it (KeyInfo, an unreferenced Object, unsigned places) may be valid.
fn cases(port: u16, dir: &Path) -> Vec<(&'static str, String, bool)> {
    let url = |p: &str| format!("http://127.0.0.1:{port}/{p}");
    let abs = dir.join(CANARY).to_string_lossy().into_owned();
    let net = sha256_b64(BODY);
    let file = sha256_b64(CANARY_BODY);
    let junk = sha256_b64(b"junk");
    let mut v = vec![
        ("2nd Reference → http listener", with_reference(&reference(&url("ref"), &net, "")), false),
        ("2nd Reference → https listener", with_reference(&reference(&format!("https://127.0.0.1:{port}/tls"), &net, "")), false),
        ("2nd Reference → ftp listener", with_reference(&reference(&format!("ftp://127.0.0.1:{port}/ftp"), &net, "")), false),
        ("2nd Reference → file:///dev/zero", with_reference(&reference("file:///dev/zero", &junk, "")), false),
        ("2nd Reference → relative canary file", with_reference(&reference(CANARY, &file, "")), false),
        ("2nd Reference → absolute canary path", with_reference(&reference(&abs, &file, "")), false),
        ("2nd Reference → file:// canary", with_reference(&reference(&format!("file://{abs}"), &file, "")), false),
        ("2nd Reference → #xpointer(/)", with_reference(&reference("#xpointer(/)", &junk, "")), false),
        ("2nd Reference → #xpointer(id('x'))", with_reference(&reference(&format!("#xpointer(id('{ASSERTION_ID}'))"), &junk, "")), false),
        (
            "2nd Reference → Manifest → http listener",
            {
                let x = signed(samlint::verify::sign::What::Assertion)
                    .replacen(
                        "</ds:SignedInfo>",
                        &format!("{}</ds:SignedInfo>", reference("#manifest-1", &junk, " Type=\"http://www.w3.org/2000/09/xmldsig#Manifest\"")),
                        1,
                    )
                    .replacen(
                        "</ds:KeyInfo>",
                        &format!("</ds:KeyInfo><ds:Object><ds:Manifest Id=\"manifest-1\">{}</ds:Manifest></ds:Object>", reference(&url("manifest"), &net, "")),
                        1,
                    );
                resign(&x, 0)
            },
            false,
        ),
        (
            "ds:Object ds:Manifest (unreferenced) → http listener",
            signed(samlint::verify::sign::What::Assertion).replacen(
                "</ds:KeyInfo>",
                &format!("</ds:KeyInfo><ds:Object><ds:Manifest Id=\"manifest-2\">{}</ds:Manifest></ds:Object>", reference(&url("manifest2"), &net, "")),
                1,
            ),
            true,
        ),
        ("XSLT transform: document() → http listener", with_transform(&xslt(&format!("<xsl:template match=\"/\"><xsl:copy-of select=\"document('{}')\"/></xsl:template>", url("xslt")))), false),
        ("XSLT transform: document() → canary file", with_transform(&xslt(&format!("<xsl:template match=\"/\"><xsl:copy-of select=\"document('{CANARY}')\"/></xsl:template>"))), false),
        ("XSLT transform: xsl:import → http listener", with_transform(&xslt(&format!("<xsl:import href=\"{}\"/>", url("import")))), false),
        (
            "XSLT transform: exponential recursion",
            with_transform(&xslt(concat!(
                "<xsl:template match=\"/\"><xsl:call-template name=\"f\"><xsl:with-param name=\"n\" select=\"60\"/></xsl:call-template></xsl:template>",
                "<xsl:template name=\"f\"><xsl:param name=\"n\"/><xsl:if test=\"$n &gt; 0\">",
                "<xsl:call-template name=\"f\"><xsl:with-param name=\"n\" select=\"$n - 1\"/></xsl:call-template>",
                "<xsl:call-template name=\"f\"><xsl:with-param name=\"n\" select=\"$n - 1\"/></xsl:call-template>",
                "</xsl:if></xsl:template>"
            ))),
            false,
        ),
        ("XPath transform", with_transform("<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>not(ancestor-or-self::ds:Signature)</ds:XPath></ds:Transform>"), false),
        ("XPath transform: costly expression", with_transform("<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>count(//. | //. | //. | //.) &gt; count(//node()[count(//node()) &gt; 0])</ds:XPath></ds:Transform>"), false),
        ("XPath Filter 2.0 transform", with_transform("<ds:Transform Algorithm=\"http://www.w3.org/2002/06/xmldsig-filter2\"><dsig-xpath:XPath xmlns:dsig-xpath=\"http://www.w3.org/2002/06/xmldsig-filter2\" Filter=\"union\">/</dsig-xpath:XPath></ds:Transform>"), false),
        ("KeyInfo RetrievalMethod → http listener", with_keyinfo(&format!("<ds:RetrievalMethod URI=\"{}\" Type=\"http://www.w3.org/2000/09/xmldsig#X509Data\"/>", url("key"))), true),
        ("KeyInfo RetrievalMethod → canary file", with_keyinfo(&format!("<ds:RetrievalMethod URI=\"{CANARY_KEY}\" Type=\"http://www.w3.org/2000/09/xmldsig#rawX509Certificate\"/>")), true),
        ("KeyInfo RetrievalMethod → file:///dev/zero", with_keyinfo("<ds:RetrievalMethod URI=\"file:///dev/zero\" Type=\"http://www.w3.org/2000/09/xmldsig#rawX509Certificate\"/>"), true),
        (
            "XInclude in Extensions → http listener",
            signed(samlint::verify::sign::What::Assertion).replacen(
                "<samlp:Status>",
                &format!("<samlp:Extensions><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"{}\" parse=\"xml\"/></samlp:Extensions><samlp:Status>", url("xinclude")),
                1,
            ),
            true,
        ),
        (
            "xml-stylesheet PI and xsi:schemaLocation → http listener",
            format!(
                "<?xml-stylesheet type=\"text/xsl\" href=\"{}\"?>{}",
                url("pi"),
                signed(samlint::verify::sign::What::Assertion).replacen(
                    "<samlp:Response ",
                    &format!("<samlp:Response xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:oasis:names:tc:SAML:2.0:protocol {}\" ", url("xsd")),
                    1,
                )
            ),
            true,
        ),
    ];
    // XML Encryption's own references (opened with --sp-key, which every run passes): a
    // CipherReference for the content or the content key, a RetrievalMethod for the key.
    let x = signed(samlint::verify::sign::What::Assertion);
    let (a0, a1) = assertion_range(&x);
    let plain = x[a0..a1].replacen(
        "<saml:Assertion",
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"",
        1,
    );
    let der = samlint::verify::cert::load_idp_cert(&crate::common::fixture("keys/sp-cert.pem"))
        .unwrap()[0]
        .der
        .clone();
    let seal = samlint::decrypt::seal::Seal::default();
    let enc =
        samlint::decrypt::seal::encrypted_assertion(plain.as_bytes(), &der, &[7u8; 32], &seal)
            .unwrap();
    let in_doc = |e: &str| format!("{}{e}{}", &x[..a0], &x[a1..]);
    let last_cd = enc.rfind("<xenc:CipherData>").unwrap();
    let content_ref = |uri: &str| {
        in_doc(&format!(
            "{}<xenc:CipherData><xenc:CipherReference URI=\"{uri}\"/></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>",
            &enc[..last_cd]
        ))
    };
    v.push((
        "EncryptedData CipherReference → http listener",
        content_ref(&url("cipher")),
        false,
    ));
    v.push((
        "EncryptedData CipherReference → file canary",
        content_ref(&format!("file://{abs}")),
        false,
    ));
    let k0 = enc.find("<xenc:CipherData>").unwrap();
    let k1 = enc.find("</xenc:CipherData>").unwrap() + "</xenc:CipherData>".len();
    let key_ref = format!(
        "{}<xenc:CipherData><xenc:CipherReference URI=\"{}\"/></xenc:CipherData>{}",
        &enc[..k0],
        url("key"),
        &enc[k1..]
    );
    v.push((
        "EncryptedKey CipherReference → http listener",
        in_doc(&key_ref),
        false,
    ));
    let retrieval = enc.replacen(
        "<xenc:EncryptedKey>",
        &format!(
            "<ds:RetrievalMethod URI=\"{}\" Type=\"http://www.w3.org/2001/04/xmlenc#EncryptedKey\"/><xenc:EncryptedKey>",
            url("retrieval")
        ),
        1,
    );
    v.push((
        "KeyInfo RetrievalMethod → http listener",
        in_doc(&retrieval),
        false,
    ));
    // The Response-level signature too: both signatures carry the hostile Reference.
    let both = signed(samlint::verify::sign::What::Both);
    let r = reference(&url("both"), &net, "");
    let x = both.replace("</ds:SignedInfo>", &format!("{r}</ds:SignedInfo>"));
    v.push((
        "2nd Reference in both signatures → http listener",
        resign(&resign(&x, 0), 1),
        false,
    ));
    v
}

/// What an strace log says samlint opened or connected to that it should not have.
fn trace_problems(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| {
            l.contains(CANARY)
                || l.contains(CANARY_KEY)
                || l.contains("/dev/zero")
                || (l.contains("connect(") && (l.contains("AF_INET") || l.contains("AF_INET6")))
        })
        .map(|l| l.chars().take(200).collect())
        .collect()
}

fn body() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), CANARY, CANARY_BODY);
    write(dir.path(), CANARY_KEY, b"not a certificate");
    let strace = require("strace", "the file/connect trace of class 2");
    let listener = Listener::start();
    let mut l = Ledger::default();
    for (i, (case, xml, may_be_valid)) in cases(listener.port, dir.path()).into_iter().enumerate() {
        let input = write(dir.path(), &format!("case-{i}.xml"), &xml);
        for trust in [true, false] {
            if !trust && !case.starts_with("KeyInfo") {
                continue; // without --idp-cert only the KeyInfo cases differ (keys from KeyInfo are tried)
            }
            for v in verifiers() {
                let log = dir.path().join(format!("strace-{i}-{v}-{trust}.log"));
                let before = listener.hits.load(Ordering::SeqCst);
                let before_requests = listener.requests.lock().unwrap().len();
                let key = crate::common::fixture("keys/sp-key.pem");
                let mut args = check_args(&[&input], v, &["--sp-key", &key]);
                if !trust {
                    let at = args.iter().position(|a| a == "--idp-cert").unwrap();
                    args.remove(at);
                    args.remove(at);
                }
                let exec = samlint(
                    &args,
                    &Opts {
                        cwd: Some(dir.path().to_path_buf()),
                        strace: strace.then(|| log.clone()),
                        ..Default::default()
                    },
                );
                std::thread::sleep(Duration::from_millis(30));
                let hits = listener.hits.load(Ordering::SeqCst) - before;
                let json = serde_json::from_str(&exec.stdout).ok();
                let r = Verdict {
                    verifier: v.to_string(),
                    exec,
                    json,
                };
                let name = format!("{case}{}", if trust { "" } else { " (no --idp-cert)" });
                l.row(format!("{name:<58} {} · listener {hits}", r.line()));
                l.invariants(&name, &r);
                l.check(hits == 0, &name, || {
                    format!(
                        "{v}: the listener saw {hits} connection(s): {:?}",
                        &listener.requests.lock().unwrap()[before_requests..]
                    )
                });
                if strace {
                    let t = std::fs::read_to_string(&log).unwrap_or_default();
                    let p = trace_problems(&t);
                    l.check(p.is_empty(), &name, || format!("{v}: strace: {p:?}"));
                }
                if !may_be_valid {
                    l.check(!r.any_valid(), &name, || {
                        format!("{v}: `valid` with a hostile signature: {}", r.line())
                    });
                }
            }
        }
        l.cases += 1;
    }
    drop(listener);
    l.finish("class 2 (no fetch)");
}

fn in_netns() -> bool {
    std::env::var_os("SAMLINT_ADV_NETNS").is_some()
}

#[test]
fn class2_no_verifier_opens_a_connection_or_a_file() {
    let netns = have("ip")
        && Command::new("unshare")
            .args(["-n", "true"])
            .status()
            .is_ok_and(|s| s.success());
    if !netns {
        let msg = "\n*** `unshare -n` (root) or `ip` is unavailable: the listener runs in the host network namespace (127.0.0.1 only) ***\n";
        if ci() {
            panic!("{msg}under CI=true the loopback-only namespace is required");
        }
        eprintln!("{msg}");
        body();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new("unshare");
    cmd.args(["-n", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""])
        .arg(exe)
        .args([
            "--ignored",
            "--exact",
            "fetch::class2_inner",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SAMLINT_ADV_NETNS", "1");
    let e = exec(cmd, Duration::from_secs(3600), None);
    println!("{}", e.stdout);
    eprintln!("{}", e.stderr);
    assert!(
        e.code == Some(0) && e.stdout.contains("1 passed"),
        "class 2 inside the network namespace: {}\n{}",
        e.describe(),
        tail(&e.stdout)
    );
}

#[test]
#[ignore = "run inside a loopback-only network namespace by class2_no_verifier_opens_a_connection_or_a_file"]
fn class2_inner() {
    if !in_netns() {
        eprintln!("note: running outside the network namespace");
    }
    body();
}
