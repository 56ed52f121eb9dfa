//! Any bytes as a Keycloak export: span-keeping JSON parsing, shape detection, the client projection and
//! every shipped pack never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &str| {
    let Ok(root) = samlint::tree::parse_json(data) else {
        return;
    };
    let Some(kind) = samlint::keycloak::detect(&root) else {
        return;
    };
    let realm = (kind == samlint::keycloak::ExportKind::Realm).then_some(&root);
    let engine = samlint::lint::default_engine();
    let trust = samlint::verify::Trust::default();
    for c in samlint::keycloak::clients(&root, kind) {
        let p = samlint::profile::from_client(c.node, realm);
        let _ = engine.apply(
            &samlint::rules::Subject::Client {
                profile: &p,
                raw: c.node,
            },
            &trust,
        );
    }
    if let Some(r) = realm {
        let _ = engine.apply(&samlint::rules::Subject::Realm { raw: r }, &trust);
    }
});
