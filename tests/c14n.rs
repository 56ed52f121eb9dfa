//! samlint's canonicaliser and its own signature check against bergshamra and libxml2 (xmlsec1), on
//! every fixture and every message of the corpus (tests/common/c14n.rs says what is compared). The
//! adversarial suite runs the same comparison on each case it generates.

mod common;
use common::c14n::{Tally, check_document};
use common::*;

fn keys_of(
    l: &samlint::lint::Linted,
    extra: &[samlint::verify::cert::Cert],
) -> Vec<samlint::verify::cert::Cert> {
    let mut keys: Vec<samlint::verify::cert::Cert> = extra.to_vec();
    for n in l.doc.descendants(l.doc.root) {
        if l.doc.is(n, samlint::model::ns::DS, "X509Certificate")
            && let Some(der) = samlint::verify::cert::keyinfo_cert_der(&l.doc.own_text(n))
            && !keys.iter().any(|k| k.der[..] == der[..])
            && let Ok(info) = samlint::verify::cert::info(&der)
        {
            keys.push(samlint::verify::cert::Cert {
                der: der.into(),
                source: samlint::verify::cert::KeySource::KeyInfo,
                origin: "KeyInfo".into(),
                info,
            });
        }
    }
    keys
}

fn check_paths(what: &str, paths: &[(String, Vec<samlint::verify::cert::Cert>)]) -> Tally {
    let with_libxml2 = xmlsec1_available();
    let dir = tempfile::tempdir().expect("temp dir");
    let cert = fixture("keys/idp-cert.pem");
    let mut t = Tally::default();
    for (p, extra_keys) in paths {
        let run = samlint::lint::run(
            std::slice::from_ref(p),
            &mut std::io::empty(),
            &samlint::lint::Options::default(),
        );
        for l in &run.messages {
            if l.doc.is_empty() || l.model.signatures_anywhere == 0 {
                continue;
            }
            let keys = keys_of(l, extra_keys);
            check_document(
                p,
                &l.source.text,
                &l.doc,
                &l.model,
                &keys,
                &cert,
                dir.path(),
                with_libxml2,
                &mut t,
            );
        }
    }
    t.print(what);
    t
}

#[test]
fn fixtures_canonicalise_and_verify_as_bergshamra_and_libxml2_do() {
    let mut paths: Vec<String> = std::fs::read_dir(root().join("fixtures/saml"))
        .expect("fixtures/saml")
        .filter_map(|e| e.ok())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    paths.sort();
    let idp =
        samlint::verify::cert::load_idp_cert(&fixture("keys/idp-cert.pem")).expect("idp cert");
    let paths: Vec<_> = paths.into_iter().map(|p| (p, idp.clone())).collect();
    let t = check_paths("fixtures", &paths);
    assert!(
        t.differences.is_empty(),
        "{} differences (listed above)",
        t.differences.len()
    );
    assert!(
        t.same_as_bergshamra >= 6 && t.native_valid >= 2,
        "too few comparisons: {t:?}"
    );
    if xmlsec1_available() {
        assert!(t.same_as_libxml2 >= 6, "too few libxml2 comparisons: {t:?}");
    }
}

#[test]
fn the_corpus_canonicalises_and_verifies_as_bergshamra_and_libxml2_do() {
    let Some(shared) = shared() else { return };
    let text = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| *h == n)
            .unwrap_or_else(|| panic!("no {n} column"))
    };
    let (p, k, c) = (col("local_path"), col("kind"), col("cert_local_path"));
    let mut paths: Vec<(String, Vec<samlint::verify::cert::Cert>)> = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(path), Some(kind)) = (f.get(p), f.get(k)) else {
            continue;
        };
        if kind.contains("cert")
            || kind.contains("key")
            || kind.contains("metadata") && !kind.contains("response")
        {
            continue;
        }
        let keys = f
            .get(c)
            .filter(|c| !c.is_empty())
            .map(|cert| {
                let file = shared
                    .join("corpus")
                    .join(cert)
                    .to_string_lossy()
                    .into_owned();
                samlint::verify::cert::load_idp_cert(&file).unwrap_or_default()
            })
            .unwrap_or_default();
        paths.push((
            shared
                .join("corpus")
                .join(path)
                .to_string_lossy()
                .into_owned(),
            keys,
        ));
    }
    let t = check_paths("corpus", &paths);
    assert!(
        t.differences.is_empty(),
        "{} differences (listed above)",
        t.differences.len()
    );
    assert!(
        t.same_as_bergshamra >= 100 && t.native_valid >= 20,
        "too few comparisons: {t:?}"
    );
    if xmlsec1_available() {
        assert!(
            t.same_as_libxml2 >= 100,
            "too few libxml2 comparisons: {t:?}"
        );
    }
}
