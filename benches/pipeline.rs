//! Benchmarks of each stage on realistic inputs: Keycloak-shaped responses signed with RSA-2048 /
//! SHA-256, Response and Assertion both signed, with 5, 10 and 20 attributes, generated here with the
//! test key. `cargo bench` (not run in CI); bench/compare.sh compares whole tools.

use base64::Engine as _;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use samlint::verify::sign::{Alg, What, pem_body, sign};
use std::hint::black_box;

#[path = "../tests/common/realm.rs"]
mod realm;

fn response(attrs: usize) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let t = std::fs::read_to_string(format!(
        "{root}/fixtures/saml/keycloak-atlassian-unsigned.xml"
    ))
    .unwrap();
    let extra: String = (0..attrs.saturating_sub(4))
        .map(|i| {
            format!(
                "<saml:Attribute Name=\"urn:oid:1.3.6.1.4.1.{i}\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\"><saml:AttributeValue>value {i} for the benchmark</saml:AttributeValue></saml:Attribute>"
            )
        })
        .collect();
    let t = t.trim_end().replace(
        "</saml:AttributeStatement>",
        &format!("{extra}</saml:AttributeStatement>"),
    );
    let key = std::fs::read(format!("{root}/fixtures/keys/idp-key.pem")).unwrap();
    let cert =
        pem_body(&std::fs::read_to_string(format!("{root}/fixtures/keys/idp-cert.pem")).unwrap());
    sign(&t, What::Both, &key, &cert, Alg::RsaSha256).unwrap()
}

fn trust() -> samlint::verify::Trust {
    let root = env!("CARGO_MANIFEST_DIR");
    samlint::verify::Trust {
        certs: samlint::verify::cert::load_idp_cert(&format!("{root}/fixtures/keys/idp-cert.pem"))
            .unwrap(),
        entity_id: None,
        signer: samlint::verify::Signer::Idp,
    }
}

fn stages(c: &mut Criterion) {
    let limits = samlint::limits::Limits::default();
    let trust = trust();
    for attrs in [5, 10, 20] {
        let xml = response(attrs);
        let b64 = base64::engine::general_purpose::STANDARD.encode(&xml);
        let origin = samlint::source::Origin::new("bench");
        c.bench_with_input(BenchmarkId::new("decode", attrs), &b64, |b, v| {
            b.iter(|| {
                samlint::decode::blob::decode_value(black_box(v), false, &origin, &limits).unwrap()
            })
        });
        c.bench_with_input(BenchmarkId::new("parse", attrs), &xml, |b, x| {
            b.iter(|| {
                let d = samlint::xml::parse(black_box(x), &limits).unwrap();
                samlint::model::build(&d)
            })
        });
        let doc = samlint::xml::parse(&xml, &limits).unwrap();
        let m = samlint::model::build(&doc);
        // Each backend: the default (ring for RSA values), RustCrypto alone, libxmlsec1.
        let verifiers: &[(&str, &dyn samlint::verify::dsig::Verifier)] = &[
            ("verify-rust", &samlint::verify::dsig::RUST),
            ("verify-rustcrypto", &samlint::verify::dsig::RUSTCRYPTO),
            #[cfg(feature = "xmlsec")]
            ("verify-xmlsec", &samlint::verify::dsig::Xmlsec),
        ];
        for &(name, v) in verifiers {
            c.bench_with_input(BenchmarkId::new(name, attrs), &xml, |b, x| {
                b.iter(|| samlint::verify::analyse(&doc, &m, black_box(x), &trust, v, 0))
            });
        }
        c.bench_with_input(BenchmarkId::new("checks", attrs), &m, |b, m| {
            b.iter(|| {
                let mut f = samlint::check::check(&doc, m);
                let cx = samlint::verify::protocol::Context {
                    skew_ms: 180_000,
                    ..Default::default()
                };
                f.extend(samlint::verify::protocol::check(
                    m,
                    &samlint::verify::protocol::Expect::default(),
                    &cx,
                ));
                f
            })
        });
        // The profile projection and every pack that applies (atlassian-cloud and saml-core here).
        let engine = samlint::lint::default_engine();
        let source = samlint::source::Source::raw("bench", &xml);
        c.bench_with_input(BenchmarkId::new("profile+rules", attrs), &m, |b, m| {
            b.iter(|| {
                let p = samlint::profile::from_message(black_box(m), &source);
                engine.apply(
                    &samlint::rules::Subject::Message {
                        profile: &p,
                        kind: m.kind,
                    },
                    &trust,
                )
            })
        });
        let opts = samlint::lint::Options {
            trust: trust.clone(),
            ..Default::default()
        };
        c.bench_with_input(BenchmarkId::new("end-to-end", attrs), &b64, |b, v| {
            b.iter(|| samlint::lint::run(std::slice::from_ref(v), &mut std::io::empty(), &opts))
        });
    }
}

/// Loading the shipped packs: paid once per process. What a run does (the tree build.rs parsed), and
/// parsing their YAML, as a user's pack is loaded.
fn packs(c: &mut Criterion) {
    c.bench_function("load-shipped-packs", |b| {
        b.iter(|| {
            let mut seen = std::collections::BTreeMap::new();
            for (name, text, tree) in samlint::rules::BUILTIN {
                samlint::rules::pack::load_cached(name, text, black_box(tree), "bench", &mut seen)
                    .unwrap()
                    .unwrap();
            }
        })
    });
    c.bench_function("load-shipped-packs-from-yaml", |b| {
        b.iter(|| {
            let mut seen = std::collections::BTreeMap::new();
            for (name, text, _) in samlint::rules::BUILTIN {
                samlint::rules::pack::load(name, black_box(text), "bench", &mut seen).unwrap();
            }
        })
    });
    let client = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/keycloak/realm-atlassian.json"
    ))
    .unwrap();
    c.bench_function("keycloak-realm-end-to-end", |b| {
        b.iter(|| {
            samlint::lint::run(
                std::slice::from_ref(&client),
                &mut std::io::empty(),
                &samlint::lint::Options::default(),
            )
        })
    });
}

/// A HAR of 100,000 navigation steps around one AuthnRequest (what tests/timeline.rs checks is capped
/// at 200 steps shown): linear in the entries, or this shows it.
fn big_har(c: &mut Criterion) {
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/har/sp-initiated-login.har"
        ))
        .unwrap(),
    )
    .unwrap();
    let request = fixture["log"]["entries"][1]["request"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let mut har = format!(
        "{{\"log\":{{\"version\":\"1.2\",\"entries\":[{{\"startedDateTime\":\"2026-11-20T10:00:00Z\",\"request\":{{\"method\":\"GET\",\"url\":\"{request}\"}},\"response\":{{\"status\":200}}}}"
    );
    for i in 0..100_000 {
        har.push_str(&format!(",{{\"startedDateTime\":\"2026-11-20T10:00:01Z\",\"request\":{{\"method\":\"GET\",\"url\":\"https://kc.example.com/page/{i}?a={i}\"}},\"response\":{{\"status\":302,\"redirectURL\":\"https://kc.example.com/page/{}\",\"content\":{{\"mimeType\":\"text/html\"}}}}}}", i + 1));
    }
    har.push_str("]}}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.har");
    std::fs::write(&path, har).unwrap();
    let arg = path.to_string_lossy().into_owned();
    let opts = samlint::lint::Options::default();
    c.bench_function("har-100k-steps", |b| {
        b.iter(|| samlint::lint::run(std::slice::from_ref(&arg), &mut std::io::empty(), &opts))
    });
}

/// A realm export of 600 SAML clients: every client's findings are shown from the one export text, so
/// showing them must not read the whole text per finding or per client (the `full` format took 32 s,
/// the others 3 to 10 s, before 2026-12-06).
fn big_realm_full(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let arg = realm::broken_clients(600, dir.path());
    let run = samlint::lint::run(
        std::slice::from_ref(&arg),
        &mut std::io::empty(),
        &samlint::lint::Options::default(),
    );
    let style = samlint::report::human::Style {
        color: false,
        width: 100,
        show_infos: false,
    };
    c.bench_function("realm-600-clients-full", |b| {
        b.iter(|| samlint::report::human::render_full(&run, style))
    });
    // Every finding's line and column (concise, JSON, SARIF, JUnit, GitHub) and the redaction of the
    // whole run: each was a scan of the export per finding or per client.
    c.bench_function("realm-600-clients-concise", |b| {
        b.iter(|| samlint::report::human::render_concise(&run, false))
    });
    c.bench_function("realm-600-clients-redact", |b| {
        b.iter(|| samlint::report::redact::run(&run, Some(1), false))
    });
}

/// A response whose attribute value repeats one letter 8,000 times, redacted as `samlint report`
/// redacts it (the XML view and the Markdown report): the automata over the values seen must be built
/// in time linear in them (review 46: a DFA's construction took over two minutes on this input).
fn redact_repetitive(c: &mut Criterion) {
    let root = env!("CARGO_MANIFEST_DIR");
    let t = std::fs::read_to_string(format!(
        "{root}/fixtures/saml/keycloak-atlassian-unsigned.xml"
    ))
    .unwrap()
    .replace(">Doe<", &format!(">{}<", "A".repeat(8000)));
    let run = samlint::lint::run(
        &[t],
        &mut std::io::empty(),
        &samlint::lint::Options::default(),
    );
    c.bench_function("redact-repetitive-value", |b| {
        b.iter(|| {
            samlint::report::markdown::render(
                &run,
                samlint::report::markdown::Options {
                    redact: true,
                    keep_domains: false,
                    seed: Some(1),
                },
            )
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = stages, packs, big_har, big_realm_full, redact_repetitive
}
criterion_main!(benches);
