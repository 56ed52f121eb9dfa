//! Differential: samlint's canonicaliser (src/xml/c14n.rs) against bergshamra's on (mutated) signed
//! documents. For every form samlint's own signature check would hash or sign (each Reference's
//! subtree minus the enveloped signature, each SignedInfo), when both parse the document and both
//! canonicalise it, any byte of difference is a crash. And when samlint's check calls every signature
//! valid with the fixture key, bergshamra (RustCrypto) must too, for the same signatures.
//! Build: RUSTC_BOOTSTRAP=1 cargo fuzz run c14n_differential (seeds: sh seed.sh).
#![no_main]
use libfuzzer_sys::fuzz_target;
use samlint::verify::dsig::{Crypto, RUSTCRYPTO, Verifier};
use samlint::verify::native::differential;
use std::sync::OnceLock;

static KEY: OnceLock<Vec<samlint::verify::cert::Cert>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = samlint::limits::Limits::default();
    let Ok(doc) = samlint::xml::parse(text, &limits) else { return };
    let m = samlint::model::build(&doc);
    if m.signatures_anywhere == 0 {
        return;
    }
    // A known bergshamra deviation, where samlint agrees with libxml2 (`xmllint --exc-c14n`): uppsala
    // does not normalise a CR inside a CDATA section to LF (XML 1.0 §2.11), so bergshamra canonicalises
    // `&#xD;` where libxml2 and samlint write a line feed. Such documents prove nothing either way here.
    let cr_in_cdata = doc.nodes.iter().any(|n| {
        matches!(n.kind, samlint::xml::NodeKind::CData { .. })
            && text.get(n.span.range()).is_some_and(|t| t.contains('\r'))
    });
    // A document the contract refuses is never canonicalised for a verdict (e.g. a namespace URI
    // libxml2 cannot parse, on which bergshamra's parse also differs).
    if cr_in_cdata || differential::refused(&doc, &m) {
        return;
    }
    for f in differential::forms(&doc, &m) {
        let Ok(ours) = &f.bytes else { continue };
        if let Ok(theirs) = differential::bergshamra(text, &doc, &f) {
            assert!(
                theirs == *ours,
                "canonical forms differ (signature {}, reference {:?}):\nbergshamra {}\nsamlint    {}",
                f.signature,
                f.reference,
                String::from_utf8_lossy(&theirs),
                String::from_utf8_lossy(ours)
            );
        }
    }
    let keys = KEY.get_or_init(|| {
        samlint::verify::cert::load_idp_cert(include_str!("../../fixtures/keys/idp-cert.pem")).unwrap_or_default()
    });
    for key in keys {
        if let Some(ours) = differential::verify(&doc, &m, key) {
            let body = text.get(doc.content_start..).unwrap_or(text);
            let theirs = RUSTCRYPTO.verify_all(body, key);
            let valid = theirs.as_ref().is_ok_and(|r| {
                r.len() == ours.len() && r.iter().all(|x| matches!(x.outcome, Crypto::Valid { .. }))
            });
            assert!(valid, "samlint's check says valid, bergshamra says {theirs:?}");
        }
    }
});
