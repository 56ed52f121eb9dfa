//! Differential: one (mutated) signed document through samlint's analysis with the Rust verifier and
//! with libxmlsec1, and samlint's reading of NameID and attributes against libxml2's. Crashes when
//! (a) the two verifiers disagree about `valid` and `--verifier both` does not report it as SIG017 (or
//! still says `valid`), or (b) a `valid` message shows a NameID, attribute name or attribute value that
//! libxml2 reads differently (or libxml2 cannot parse the document at all).
//! Build: RUSTC_BOOTSTRAP=1 cargo fuzz run --features xmlsec verify_differential (seeds: sh seed.sh).
#![no_main]
use libfuzzer_sys::fuzz_target;
use samlint::verify::{Status, Trust, VerifierKind, analyse_with};
use std::sync::OnceLock;

static TRUST: OnceLock<Trust> = OnceLock::new();

const SAMLP: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";

/// What samlint's model reads: per top-level assertion, the NameID and every attribute (name, values).
fn ours(m: &samlint::model::Message) -> Vec<String> {
    let mut v = Vec::new();
    for a in &m.assertions {
        if let Some(n) = a.subject.as_ref().and_then(|s| s.name_id.as_ref()) {
            v.push(format!("NameID={}", n.value.value));
        }
        for at in &a.attributes {
            v.push(format!("Attribute={}", at.name.as_ref().map_or("", |n| n.value.as_str())));
            for val in &at.values {
                v.push(format!("Value={}", val.value.value));
            }
        }
    }
    v
}

/// The same through libxml2 (as SPs built on it read the document), by XPath over the same shape.
fn theirs(data: &str) -> Option<Vec<String>> {
    let doc = libxml::parser::Parser::default().parse_string(data).ok()?;
    let ctx = libxml::xpath::Context::new(&doc).ok()?;
    ctx.register_namespace("samlp", SAMLP).ok()?;
    ctx.register_namespace("saml", SAML).ok()?;
    let mut v = Vec::new();
    let assertions = ctx.evaluate("/samlp:Response/saml:Assertion | /saml:Assertion").ok()?.get_nodes_as_vec();
    for a in &assertions {
        let names = ctx.node_evaluate("saml:Subject/saml:NameID", a).ok()?.get_nodes_as_vec();
        if let Some(n) = names.first() {
            v.push(format!("NameID={}", n.get_content()));
        }
        for at in ctx
            .node_evaluate("saml:AttributeStatement/saml:Attribute", a)
            .ok()?
            .get_nodes_as_vec()
        {
            v.push(format!("Attribute={}", at.get_attribute("Name").unwrap_or_default()));
            for val in ctx.node_evaluate("saml:AttributeValue", &at).ok()?.get_nodes_as_vec() {
                v.push(format!("Value={}", val.get_content()));
            }
        }
    }
    Some(v)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let trust = TRUST.get_or_init(|| {
        let pem = include_str!("../../fixtures/keys/idp-cert.pem");
        Trust { certs: samlint::verify::cert::load_idp_cert(pem).unwrap_or_default(), entity_id: None, signer: samlint::verify::Signer::Idp }
    });
    let limits = samlint::limits::Limits::default();
    let Ok(doc) = samlint::xml::parse(text, &limits) else { return };
    let m = samlint::model::build(&doc);
    if m.signatures_anywhere == 0 {
        return;
    }
    let now = 1_795_000_000_000; // 2026-11-18, before the fixtures' certificate expires
    let rust = analyse_with(VerifierKind::Rust, &doc, &m, text, trust, now);
    let xmlsec = analyse_with(VerifierKind::Xmlsec, &doc, &m, text, trust, now);
    let both = analyse_with(VerifierKind::Both, &doc, &m, text, trust, now);
    let (rv, xv) = (rust.report.status == Status::Valid, xmlsec.report.status == Status::Valid);
    if rv != xv {
        let sig017 = both.findings.iter().any(|f| f.code == "SIG017");
        assert!(
            sig017 && both.report.status != Status::Valid,
            "verifiers disagree (rust {:?}, xmlsec {:?}) and --verifier both says {:?} without SIG017: rust {:?} / xmlsec {:?}",
            rust.report.status, xmlsec.report.status, both.report.status, rust.report.detail, xmlsec.report.detail
        );
    }
    if rv || xv || both.report.status == Status::Valid {
        let Some(lib) = theirs(text) else {
            panic!("samlint says valid (rust {rv}, xmlsec {xv}) but libxml2 cannot read the document");
        };
        let us = ours(&m);
        assert_eq!(us, lib, "a valid message (rust {rv}, xmlsec {xv}) that samlint and libxml2 read differently");
    }
});
