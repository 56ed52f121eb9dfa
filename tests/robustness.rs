//! Randomised robustness: thousands of corruptions of real-shaped inputs (byte flips, truncations,
//! insertions of markup and escapes) go through the whole pipeline. Each must end in a message or a typed
//! error, never a panic, and every span must point inside its text. Deterministic (fixed seeds), so a
//! failure reproduces; cargo-fuzz targets go deeper.

mod common;
use common::*;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: &[&str] = &[
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#x110000;",
    "&#13;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<!DOCTYPE x>",
    "<?pi x?>",
    "xmlns:p=\"\"",
    "p:",
    "\"",
    "'",
    "=",
    "%",
    "%2",
    "%zz",
    "+",
    "/",
    "\u{feff}",
    "\u{0}",
    "\u{1b}",
    "é",
    "\u{202e}",
    "\n",
];

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(4) {
        if v.is_empty() {
            break;
        }
        let at = rng.below(v.len());
        match rng.below(4) {
            0 => v[at] = (rng.next() & 0xff) as u8,
            1 => v.truncate(at),
            2 => {
                let ins = INSERTS[rng.below(INSERTS.len())].as_bytes();
                v.splice(at..at, ins.iter().copied());
            }
            _ => {
                let end = (at + rng.below(64)).min(v.len());
                v.drain(at..end);
            }
        }
    }
    v
}

fn exercise(label: &str, base: &[u8], rounds: usize, seed: u64) {
    let mut rng = Rng(seed);
    let opts = samlint::lint::Options::default();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input");
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..rounds {
        let bytes = mutate(&mut rng, base);
        std::fs::write(&path, &bytes).unwrap();
        let run = samlint::lint::run(
            &[path.to_string_lossy().into_owned()],
            &mut std::io::empty(),
            &opts,
        );
        for m in &run.messages {
            for f in &m.findings {
                if let Some(s) = f.span {
                    assert!(
                        s.start <= s.end && s.end <= m.source.text.len(),
                        "{label}: span out of range"
                    );
                }
            }
            // The human renderers must cope with whatever parsed.
            let style = samlint::report::human::Style {
                color: false,
                width: 80,
                show_infos: true,
            };
            let v = samlint::report::human::view(m, style);
            for f in &m.findings {
                let _ = samlint::report::human::render_finding(style, &v, f);
            }
            // The summary block and the concise lines, at a narrow and a wide terminal: no panic, and
            // the summary rows (before the first diagnostic) fit the width but for words longer than
            // a line (a certificate line, a URL broken at the width stays within it).
            for width in [40, 120] {
                let style = samlint::report::human::Style {
                    color: false,
                    width,
                    show_infos: width == 40,
                };
                let body = samlint::report::human::full_body(m, style);
                for l in body.lines().take_while(|l| !l.is_empty()) {
                    assert!(
                        l.chars().count() <= width.max(80),
                        "{label}: a summary line of {} columns at {width}: {l}",
                        l.chars().count()
                    );
                }
                let _ = samlint::report::human::concise_findings(m, width == 40);
            }
        }
        for e in run.errors() {
            if let (Some(t), Some(s)) = (&e.text, e.span) {
                assert!(
                    s.start <= s.end && s.end <= t.len(),
                    "{label}: error span out of range: {e}"
                );
            }
            let _ = samlint::report::human::render_error(
                samlint::report::human::Style {
                    color: false,
                    width: 80,
                    show_infos: true,
                },
                e,
            );
        }
        let _ = samlint::report::json::render(&run);
        if run.has_errors() {
            failed += 1
        } else {
            ok += 1
        }
    }
    println!("{label}: {rounds} mutations, {ok} linted, {failed} refused");
    assert_eq!(ok + failed, rounds);
}

#[test]
fn mutated_xml() {
    exercise(
        "xml",
        &std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap(),
        1500,
        0x5eed_0001,
    );
}

#[test]
fn mutated_base64() {
    exercise(
        "base64",
        &std::fs::read(fixture("saml/keycloak-atlassian-ok.b64")).unwrap(),
        800,
        0x5eed_0002,
    );
}

#[test]
fn mutated_redirect_url() {
    exercise(
        "url",
        &std::fs::read(fixture("saml/authn-request-redirect.url")).unwrap(),
        800,
        0x5eed_0003,
    );
}

#[test]
fn mutated_har() {
    exercise(
        "har",
        &std::fs::read(fixture("har/sp-initiated-login.har")).unwrap(),
        300,
        0x5eed_0004,
    );
}

#[test]
fn mutated_tracer() {
    exercise(
        "tracer",
        &std::fs::read(fixture("tracer/saml-tracer-export.json")).unwrap(),
        300,
        0x5eed_0005,
    );
}
