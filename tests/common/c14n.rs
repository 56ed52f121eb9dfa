//! The canonicaliser and samlint's own signature check (src/xml/c14n.rs, src/verify/native.rs) against
//! two independent implementations, on one document at a time:
//! - bytes: every form it hashes or signs (each Reference's subtree, each SignedInfo) against
//!   bergshamra's canonicaliser on bergshamra's parse of the same text, and against libxml2's as
//!   libxmlsec1 uses it (`xmlsec1 --verify --store-references --store-signatures --print-debug`, the
//!   PreDigest and PreSigned buffers, Debian package xmlsec1);
//! - verdicts: with each key, when samlint's check says every signature is valid, bergshamra (with
//!   RustCrypto, no ring) must say the same of the same signatures and Reference targets.
//!
//! Used by tests/c14n.rs (fixtures, corpus) and tests/adversarial (every generated case).

use samlint::verify::cert::Cert;
use samlint::verify::dsig::{Crypto, RUSTCRYPTO, Verifier};
use samlint::verify::native::differential;
use samlint::xml::Document;
use std::path::Path;
use std::process::Command;

#[derive(Debug, Default)]
pub struct Tally {
    pub documents: usize,
    pub forms: usize,
    pub unsupported: usize,
    pub same_as_bergshamra: usize,
    pub bergshamra_failed: usize,
    pub same_as_libxml2: usize,
    pub libxml2_absent: usize,
    pub native_valid: usize,
    pub native_declined_bergshamra_valid: usize,
    pub differences: Vec<String>,
}

impl Tally {
    pub fn print(&self, what: &str) {
        println!(
            "{what}: {} documents, {} canonical forms ({} refused as unsupported); identical to bergshamra's: {} ({} it could not make); identical to libxml2's (xmlsec1): {} ({} not produced by xmlsec1); samlint's check valid with a key: {} (bergshamra agrees every time); bergshamra valid where samlint's check declined: {}; differences: {}",
            self.documents,
            self.forms,
            self.unsupported,
            self.same_as_bergshamra,
            self.bergshamra_failed,
            self.same_as_libxml2,
            self.libxml2_absent,
            self.native_valid,
            self.native_declined_bergshamra_valid,
            self.differences.len()
        );
        for d in self.differences.iter().take(20) {
            println!("  DIFFERENCE {d}");
        }
    }
}

/// The buffers between `start` and `end` markers of xmlsec1's debug dump.
fn buffers(out: &[u8], kind: &str) -> Vec<Vec<u8>> {
    let start = format!("== {kind} data - start buffer:\n");
    let end = format!("\n== {kind} data - end buffer");
    let mut v = Vec::new();
    let mut rest = out;
    while let Some(i) = find(rest, start.as_bytes()) {
        let after = &rest[i + start.len()..];
        let Some(j) = find(after, end.as_bytes()) else {
            break;
        };
        v.push(after[..j].to_vec());
        rest = &after[j..];
    }
    v
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// libxml2's PreDigest buffers (one per Reference) and PreSigned buffer of one signature.
type Buffers = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// libxml2's forms of signature `k` (0-based, document order): PreDigest per Reference, PreSigned.
fn libxml2(file: &Path, k: usize, id_attrs: &[(String, String)], cert: &str) -> Buffers {
    let mut cmd = Command::new("xmlsec1");
    cmd.args(["--verify", "--pubkey-cert-pem", cert])
        .args(["--enabled-key-data", "key-name"]);
    for (flag, node) in id_attrs {
        cmd.arg(flag).arg(node);
    }
    cmd.arg("--node-xpath").arg(format!(
        "(//*[local-name()='Signature' and namespace-uri()='http://www.w3.org/2000/09/xmldsig#'])[{}]",
        k + 1
    ));
    cmd.args(["--store-references", "--store-signatures", "--print-debug"])
        .arg(file);
    let Ok(o) = cmd.output() else {
        return (Vec::new(), Vec::new());
    };
    let mut all = o.stdout;
    all.extend_from_slice(&o.stderr);
    (buffers(&all, "PreDigest"), buffers(&all, "PreSigned"))
}

/// `--id-attr:NAME ns:local` for every element a Reference of the document points at.
fn id_attrs(doc: &Document, forms: &[differential::Form]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = Vec::new();
    for f in forms.iter().filter(|f| f.reference.is_some()) {
        let Some(e) = doc.element(f.apex) else {
            continue;
        };
        for a in &e.attrs {
            if ["ID", "Id", "id", "AssertionID"].contains(&a.local.as_str()) && a.ns.is_none() {
                let node = match &e.ns {
                    Some(ns) => format!("{ns}:{}", e.local),
                    None => e.local.to_string(),
                };
                let s = (format!("--id-attr:{}", a.local), node);
                if !v.contains(&s) {
                    v.push(s);
                }
            }
        }
    }
    v
}

/// Compare everything for one document (`text` as samlint parsed it into `doc` and `m`), trying
/// `keys` for the verdicts. `dir` is a scratch directory for xmlsec1's input.
#[allow(clippy::too_many_arguments)]
pub fn check_document(
    name: &str,
    text: &str,
    doc: &Document,
    m: &samlint::model::Message,
    keys: &[Cert],
    cert_pem: &str,
    dir: &Path,
    with_libxml2: bool,
    t: &mut Tally,
) {
    t.documents += 1;
    let forms = differential::forms(doc, m);
    // libxml2's forms, per signature, fetched once.
    let mut theirs: Vec<Option<Buffers>> = Vec::new();
    if with_libxml2 && !forms.is_empty() {
        let file = dir.join("doc.xml");
        let _ = std::fs::write(&file, text);
        let ids = id_attrs(doc, &forms);
        let sigs = forms.iter().map(|f| f.signature).max().unwrap_or(0) + 1;
        for k in 0..sigs {
            theirs.push(Some(libxml2(&file, k, &ids, cert_pem)));
        }
    }
    for f in &forms {
        t.forms += 1;
        let what = match f.reference {
            Some(r) => format!("{name}: signature {} Reference {r}", f.signature),
            None => format!("{name}: signature {} SignedInfo", f.signature),
        };
        let Ok(ours) = &f.bytes else {
            t.unsupported += 1;
            continue;
        };
        match differential::bergshamra(text, doc, f) {
            Ok(b) if b == *ours => t.same_as_bergshamra += 1,
            Ok(b) => t.differences.push(format!(
                "{what}: bergshamra gives\n    {}\n  samlint gives\n    {}",
                String::from_utf8_lossy(&b),
                String::from_utf8_lossy(ours)
            )),
            Err(_) => t.bergshamra_failed += 1,
        }
        let lib = theirs
            .get(f.signature)
            .and_then(|x| x.as_ref())
            .and_then(|(d, s)| match f.reference {
                Some(r) => d.get(r),
                None => s.first(),
            });
        match lib {
            Some(l) if l == ours => t.same_as_libxml2 += 1,
            Some(l) => t.differences.push(format!(
                "{what}: libxml2 gives\n    {}\n  samlint gives\n    {}",
                String::from_utf8_lossy(l),
                String::from_utf8_lossy(ours)
            )),
            None => t.libxml2_absent += 1,
        }
    }
    for key in keys {
        let native = differential::verify(doc, m, key);
        let reference = RUSTCRYPTO.verify_all(text.get(doc.content_start..).unwrap_or(text), key);
        let all_valid = reference.as_ref().is_ok_and(|r| {
            !r.is_empty() && r.iter().all(|x| matches!(x.outcome, Crypto::Valid { .. }))
        });
        match native {
            Some(ours) => {
                t.native_valid += 1;
                let theirs: Vec<_> = reference
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| (r.at.shifted(doc.content_start), r.outcome))
                    .map(|(at, o)| {
                        let o = match o {
                            Crypto::Valid { references } => Crypto::Valid {
                                references: references
                                    .into_iter()
                                    .map(|mut x| {
                                        x.resolved =
                                            x.resolved.map(|p| p.shifted(doc.content_start));
                                        x
                                    })
                                    .collect(),
                            },
                            other => other,
                        };
                        (at, o)
                    })
                    .collect();
                let ours: Vec<_> = ours.into_iter().map(|r| (r.at, r.outcome)).collect();
                if !all_valid || theirs != ours {
                    t.differences.push(format!(
                        "{name}: samlint's check says valid with {}, bergshamra says {theirs:?}",
                        key.origin
                    ));
                }
            }
            None if all_valid => t.native_declined_bergshamra_valid += 1,
            None => {}
        }
    }
}
