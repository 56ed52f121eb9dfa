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
                valid_until: None,
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

/// A signed Assertion inside a signed Response is canonicalised once and written again into the
/// Response's form where exclusive c14n writes it the same (src/xml/c14n.rs, `Piece`). Around it
/// here: the usual message, and namespaces that make it not fit (the Response's prefix used inside
/// the Assertion, by an element and by an attribute; a default namespace written by the Response).
/// Signed by bergshamra; every form must be libxml2's and bergshamra's, and samlint's own check must
/// call both signatures valid, as bergshamra does.
#[test]
fn a_signed_assertion_in_a_signed_response_is_hashed_as_libxml2_does() {
    use samlint::verify::sign::{Alg, What, pem_body, sign};
    let template =
        std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml")).expect("template");
    let key = std::fs::read(fixture("keys/idp-key.pem")).expect("key");
    let cert_pem = std::fs::read_to_string(fixture("keys/idp-cert.pem")).expect("cert");
    let idp = samlint::verify::cert::load_idp_cert(&fixture("keys/idp-cert.pem")).expect("idp");
    let jane = ">Jane</saml:AttributeValue>";
    let variants = [
        ("usual", template.clone()),
        (
            "protocol prefix used by an element in the assertion",
            template.replace(jane, "><samlp:Extra/>Jane</saml:AttributeValue>"),
        ),
        (
            "protocol prefix used by an attribute in the assertion",
            template.replace(jane, " samlp:extra=\"1\">Jane</saml:AttributeValue>"),
        ),
        (
            "default namespace written by the response",
            template
                .replacen(
                    "<samlp:Response ",
                    "<Response xmlns=\"urn:oasis:names:tc:SAML:2.0:protocol\" ",
                    1,
                )
                .replace("</samlp:Response>", "</Response>")
                .replace(
                    jane,
                    "><Extra xmlns=\"\"/><Other/>Jane</saml:AttributeValue>",
                ),
        ),
    ];
    let with_libxml2 = xmlsec1_available();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut t = Tally::default();
    for (name, xml) in &variants {
        assert!(xml != &template || *name == "usual", "{name}: no change");
        let signed = sign(xml, What::Both, &key, &pem_body(&cert_pem), Alg::RsaSha256)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let doc = samlint::xml::parse(&signed, &samlint::limits::Limits::default())
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let m = samlint::model::build(&doc);
        assert_eq!(m.signatures_anywhere, 2, "{name}");
        check_document(
            name,
            &signed,
            &doc,
            &m,
            &idp,
            &fixture("keys/idp-cert.pem"),
            dir.path(),
            with_libxml2,
            &mut t,
        );
    }
    t.print("a signed assertion in a signed response");
    assert!(
        t.differences.is_empty(),
        "{} differences (listed above)",
        t.differences.len()
    );
    assert_eq!(t.native_valid, variants.len(), "{t:?}");
    assert_eq!(t.same_as_bergshamra, 4 * variants.len(), "{t:?}");
    if with_libxml2 {
        assert_eq!(t.same_as_libxml2, 4 * variants.len(), "{t:?}");
    }
}
