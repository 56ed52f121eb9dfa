//! Any text through signature analysis with a configured certificate (and without one, so KeyInfo
//! certificates are parsed and tried), plus the protocol checks.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static TRUST: OnceLock<samlint::verify::Trust> = OnceLock::new();

fuzz_target!(|data: &str| {
    let trust = TRUST.get_or_init(|| {
        let pem = include_str!("../../fixtures/keys/idp-cert.pem");
        samlint::verify::Trust { certs: samlint::verify::cert::load_idp_cert(pem).unwrap_or_default(), entity_id: None, signer: samlint::verify::Signer::Idp }
    });
    let limits = samlint::limits::Limits::default();
    let Ok(doc) = samlint::xml::parse(data, &limits) else { return };
    let m = samlint::model::build(&doc);
    let _ = samlint::verify::analyse(&doc, &m, data, trust, &samlint::verify::dsig::RUST, 0);
    let _ = samlint::verify::analyse(&doc, &m, data, &samlint::verify::Trust::default(), &samlint::verify::dsig::RUST, 0);
});
