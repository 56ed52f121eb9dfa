//! Class 4: parser differentials with the SPs. The bytes an SP's libxml2 reads must be the bytes samlint
//! verified and shows: a false encoding declaration (ISO-8859-1, US-ASCII, windows-1252 or UTF-16 over
//! UTF-8 bytes), whitespace before the XML declaration inside a base64 value, a double BOM — refused or
//! not `valid`; a genuinely Latin-1 or UTF-16 document and a tab or newline inside a signed attribute
//! value (equal after attribute-value normalisation) — the verdict of every verifier agrees with the
//! `xmlsec1` command line (the reference, libxml2 underneath), and a `valid` NameID is shown as libxml2
//! reads it.

use crate::util::*;
use samlint::verify::sign::What;

const JORG: &str = "jörg.müller@example.com";

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    /// Refused or not valid, with every verifier.
    NotValid,
    /// Each verifier's verdict equals xmlsec1's (valid ⇔ OK).
    AsXmlsec1,
}

pub(crate) struct Case {
    pub name: String,
    /// The input as samlint reads it (a file).
    input: Vec<u8>,
    /// The XML bytes xmlsec1 reads (the input decoded when it is base64).
    pub xml: Vec<u8>,
    expect: Expect,
    /// The NameID libxml2 reads.
    nameid: &'static str,
}

fn signed_jorg() -> String {
    sign_xml(&template().replace(NAMEID, JORG), What::Assertion)
}

fn latin1(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 only"))
        .collect()
}

fn utf16le_with_bom(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend(u.to_le_bytes());
    }
    v
}

/// The template with a FriendlyName holding spaces, signed: the place for normalised whitespace.
fn signed_with_spaces() -> String {
    let t = template().replacen(
        "<saml:Attribute Name=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname\"",
        "<saml:Attribute FriendlyName=\"Given Name Of User\" Name=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname\"",
        1,
    );
    sign_xml(&t, What::Assertion)
}

pub(crate) fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    let mut push = |name: &str, input: Vec<u8>, xml: Vec<u8>, expect: Expect| {
        let nameid = if String::from_utf8_lossy(&xml).contains(NAMEID) {
            NAMEID
        } else {
            JORG
        };
        v.push(Case {
            name: name.to_string(),
            input,
            xml,
            expect,
            nameid,
        })
    };
    let j = signed_jorg();
    for enc in ["ISO-8859-1", "US-ASCII", "windows-1252", "UTF-16"] {
        let doc = format!("<?xml version=\"1.0\" encoding=\"{enc}\"?>\n{j}");
        push(
            &format!("UTF-8 bytes declared {enc} (non-ASCII NameID)"),
            doc.clone().into_bytes(),
            doc.into_bytes(),
            Expect::NotValid,
        );
    }
    // A false UTF-16 declaration over an all-ASCII signed document.
    let ascii = signed(What::Assertion);
    let doc = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n{ascii}");
    push(
        "ASCII bytes declared UTF-16",
        doc.clone().into_bytes(),
        doc.into_bytes(),
        Expect::NotValid,
    );
    // Genuinely Latin-1 and UTF-16: the same characters, which c14n turns into the same UTF-8.
    let l1 = latin1(&format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n{j}"
    ));
    push(
        "genuine ISO-8859-1 document",
        l1.clone(),
        l1,
        Expect::AsXmlsec1,
    );
    let utf16 = utf16le_with_bom(&format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n{j}"));
    push(
        "genuine UTF-16LE document with BOM",
        utf16.clone(),
        utf16,
        Expect::AsXmlsec1,
    );
    // Whitespace before the XML declaration, inside base64 (and raw).
    let ws = format!(" \n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{ascii}");
    push(
        "whitespace before the XML declaration, in base64",
        b64(&ws).into_bytes(),
        ws.clone().into_bytes(),
        Expect::NotValid,
    );
    push(
        "whitespace before the XML declaration, raw",
        ws.clone().into_bytes(),
        ws.into_bytes(),
        Expect::NotValid,
    );
    // Double BOM (raw and in base64).
    let mut bb = "\u{feff}\u{feff}".as_bytes().to_vec();
    bb.extend(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{ascii}").bytes());
    push("double BOM, raw", bb.clone(), bb.clone(), Expect::NotValid);
    push(
        "double BOM, in base64",
        b64(&bb).into_bytes(),
        bb,
        Expect::NotValid,
    );
    // Whitespace normalised inside a signed attribute value: libxml2 reads "Given Name…" either way.
    let s = signed_with_spaces();
    for (name, ws) in [
        ("tab", "\t"),
        ("newline", "\n"),
        ("CR LF", "\r\n"),
        ("CR", "\r"),
    ] {
        let d = s.replacen(
            "FriendlyName=\"Given Name",
            &format!("FriendlyName=\"Given{ws}Name"),
            1,
        );
        assert_ne!(d, s);
        push(
            &format!("{name} inside a signed attribute value"),
            d.clone().into_bytes(),
            d.into_bytes(),
            Expect::AsXmlsec1,
        );
    }
    // A character reference is not normalised: the value changed, every verifier says so.
    let d = s.replacen(
        "FriendlyName=\"Given Name",
        "FriendlyName=\"Given&#9;Name",
        1,
    );
    push(
        "&#9; inside a signed attribute value",
        d.clone().into_bytes(),
        d.into_bytes(),
        Expect::AsXmlsec1,
    );
    // A tab inside the signed NameID text (not normalised): changed content.
    let d = s.replacen(
        "jane.doe@example.com</saml:NameID>",
        "jane.doe@example.com\t</saml:NameID>",
        1,
    );
    push(
        "tab inside the signed NameID text",
        d.clone().into_bytes(),
        d.into_bytes(),
        Expect::AsXmlsec1,
    );
    v
}

/// NameID values in `samlint decode --format json` (the parsed model), by walking every string under a
/// key that names a NameID.
fn shown_nameids(input: &str) -> Vec<String> {
    let e = samlint(
        &[
            "decode".into(),
            "--format".into(),
            "json".into(),
            input.into(),
        ],
        &Opts::default(),
    );
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&e.stdout) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, under: bool, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                for (k, x) in o {
                    let k = k.to_lowercase();
                    walk(
                        x,
                        under || k.contains("name_id") || k.contains("nameid"),
                        out,
                    );
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, under, out)),
            serde_json::Value::String(s) if under && s.contains('@') => out.push(s.clone()),
            _ => {}
        }
    }
    walk(&v, false, &mut out);
    out
}

#[test]
fn class4_samlint_reads_what_libxml2_reads() {
    let xmlsec1_here = require("xmlsec1", "the comparison with the xmlsec1 command line");
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    for (i, c) in cases().into_iter().enumerate() {
        l.cases += 1;
        let input = write(dir.path(), &format!("enc-{i}.in"), &c.input);
        let xml = write(dir.path(), &format!("enc-{i}.xml"), &c.xml);
        let reference = if xmlsec1_here { xmlsec1(&xml) } else { None };
        let mut statuses = Vec::new();
        for v in verifiers() {
            let r = check(&[&input], v, &[], &Opts::default());
            l.row(format!(
                "{:<58} {} · xmlsec1 {}",
                c.name,
                r.line(),
                match reference {
                    Some(true) => "OK",
                    Some(false) => "FAIL",
                    None => "-",
                }
            ));
            l.invariants(&c.name, &r);
            let valid = r.any_valid();
            if *v != "both" {
                statuses.push((v, r.statuses()));
            }
            if c.expect == Expect::NotValid {
                l.check(!valid, &c.name, || format!("{v}: `valid`: {}", r.line()));
            }
            if let Some(ok) = reference {
                // Never valid where libxml2's reading fails; with AsXmlsec1, never invalid where it holds.
                l.check(!valid || ok, &c.name, || {
                    format!("{v}: samlint `valid`, xmlsec1 FAIL: {}", r.line())
                });
                if c.expect == Expect::AsXmlsec1 && r.exec.code != Some(2) {
                    l.check(valid == ok, &c.name, || {
                        format!(
                            "{v}: samlint says {:?}, xmlsec1 says {}",
                            r.statuses(),
                            if ok { "OK" } else { "FAIL" }
                        )
                    });
                }
            }
            if valid {
                // What samlint shows is what libxml2 reads.
                let shown = shown_nameids(&input);
                let expected = c.nameid;
                l.check(!shown.is_empty() && shown.iter().all(|s| s == expected), &c.name, || {
                    format!("{v}: `valid`, and samlint shows NameID {shown:?}, libxml2 reads {expected:?}")
                });
            }
        }
        // The Rust verifier and libxmlsec1 agree (a disagreement is SIG017 under --verifier both).
        let first = &statuses[0].1;
        l.check(statuses.iter().all(|(_, s)| s == first), &c.name, || {
            format!("verifiers disagree: {statuses:?}")
        });
    }
    l.finish("class 4 (encodings)");
}
