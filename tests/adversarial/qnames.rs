//! Class 3: names that are not namespace-well-formed (`<:Signature xmlns="…xmldsig#">`, `xmlns:="…"`,
//! `a:b:c` element and attribute QNames) make samlint's DOM and libxml2 see different sets of
//! signatures. Built as the attack was: the genuine signed Assertion moved into the Advice of a forged
//! visible one, which carries a copy of the genuine signature written with the odd name. Decision
//! (2026-12-02): what libxml2 refuses, samlint refuses — so each is refused (exit 2) and none is `valid`,
//! with every verifier.

use crate::util::*;
use samlint::verify::sign::What;

/// The genuine signature written with another element name for `Signature` (and no ds prefix inside):
/// `open` is the start tag's name and namespace declarations, e.g. `:Signature xmlns="…#"`.
fn renamed_signature(sig: &str, open: &str, close: &str, prefixed_inside: bool) -> String {
    let body_start = sig.find('>').unwrap() + 1;
    let body_end = sig.rfind("</ds:Signature>").unwrap();
    let mut body = sig[body_start..body_end].to_string();
    if !prefixed_inside {
        body = body.replace("<ds:", "<").replace("</ds:", "</");
    }
    format!("<{open}>{body}</{close}>")
}

pub(crate) fn cases() -> Vec<(String, String)> {
    let x = signed(What::Assertion);
    let (a0, a1) = assertion_range(&x);
    let genuine = &x[a0..a1];
    let (s0, s1) = element_range(genuine, "<ds:Signature", "</ds:Signature>", 0);
    let sig = &genuine[s0..s1];
    let head = &x[..a0];
    let tail = &x[a1..];
    let evil = forged(genuine, "_evil");
    let (e_s, e_e) = (
        evil.find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len(),
        evil.find("</saml:Conditions>").unwrap() + "</saml:Conditions>".len(),
    );
    // The forged assertion with `fake` after its Issuer and the genuine assertion in its Advice.
    let build = |fake: &str, advice: &str| -> String {
        format!(
            "{head}{}{fake}{}<saml:Advice>{advice}</saml:Advice>{}{tail}",
            &evil[..e_s],
            &evil[e_s..e_e],
            &evil[e_e..]
        )
    };
    let to_evil = |s: &str| s.replace(&format!("#{ASSERTION_ID}"), "#_evil");
    let d = DSIG;
    let mut v = Vec::new();
    let wrappers: Vec<(&str, String, String, bool)> = vec![
        (
            "<:Signature xmlns=dsig>",
            format!(":Signature xmlns=\"{d}\""),
            ":Signature".into(),
            false,
        ),
        (
            "<ds:Signature xmlns:ds=dsig xmlns:=\"urn:x\">",
            format!("ds:Signature xmlns:ds=\"{d}\" xmlns:=\"urn:x\""),
            "ds:Signature".into(),
            true,
        ),
        (
            "<Signature xmlns=dsig xmlns:=\"urn:x\">",
            format!("Signature xmlns=\"{d}\" xmlns:=\"urn:x\""),
            "Signature".into(),
            false,
        ),
        (
            "<ds:Signature:x> (a:b:c element)",
            format!("ds:Signature:x xmlns:ds=\"{d}\""),
            "ds:Signature:x".into(),
            true,
        ),
        (
            "<x:ds:Signature> (a:b:c element)",
            format!("x:ds:Signature xmlns:ds=\"{d}\" xmlns:x=\"urn:x\""),
            "x:ds:Signature".into(),
            true,
        ),
        (
            "<ds:Signature a:b:c=\"1\"> (a:b:c attribute)",
            format!("ds:Signature xmlns:ds=\"{d}\" xmlns:a=\"urn:a\" a:b:c=\"1\""),
            "ds:Signature".into(),
            true,
        ),
        (
            "<ds:Signature :Id=\"x\"> (empty-prefix attribute)",
            format!("ds:Signature xmlns:ds=\"{d}\" :Id=\"x\""),
            "ds:Signature".into(),
            true,
        ),
    ];
    for (name, open, close, prefixed) in &wrappers {
        let fake = renamed_signature(sig, open, close, *prefixed);
        // The copy's Reference names the forged assertion, or still the genuine one.
        v.push((
            format!("forged visible, genuine in Advice, copy {name} → #_evil"),
            build(&to_evil(&fake), genuine),
        ));
        v.push((
            format!("forged visible, genuine in Advice, copy {name} → #genuine"),
            build(&fake, genuine),
        ));
        // The genuine assertion keeps its signature, written with the odd name, where it is.
        let own = format!("{head}{}{fake}{}{tail}", &genuine[..s0], &genuine[s1..]);
        v.push((
            format!("genuine assertion, its own signature as {name}"),
            own,
        ));
    }
    // Odd QNames elsewhere in the forged assertion (element and attribute), genuine in Advice with its
    // normal signature, the copy normal too.
    let copy = to_evil(sig);
    for (name, from, to) in [
        (
            "a:b:c attribute on the forged Assertion",
            "<saml:Assertion ",
            "<saml:Assertion xmlns:a=\"urn:a\" a:b:c=\"1\" ",
        ),
        (
            "xmlns:=\"urn:x\" on the forged Assertion",
            "<saml:Assertion ",
            "<saml:Assertion xmlns:=\"urn:x\" ",
        ),
        ("a:b:c NameID element", "<saml:NameID ", "<saml:NameID:x "),
        (
            "a:b:c Subject element",
            "<saml:Subject>",
            "<saml:Subject:x>",
        ),
    ] {
        let mut doc = build(&copy, genuine);
        // Only in the forged (first) assertion.
        let at = doc.find(from).unwrap();
        doc.replace_range(at..at + from.len(), to);
        if to.starts_with("<saml:NameID:x") {
            doc = doc.replacen("</saml:NameID>", "</saml:NameID:x>", 1);
        }
        if to.starts_with("<saml:Subject:x") {
            doc = doc.replacen("</saml:Subject>", "</saml:Subject:x>", 1);
        }
        v.push((name.to_string(), doc));
    }
    v.extend(combined());
    v
}

/// The genuine message as an IdP that writes unprefixed XML-DSig (`<Signature xmlns="…#">`, as ADFS
/// does) signs it: the Assertion's signature unprefixed, SignedInfo signed with the IdP key.
pub(crate) fn unprefixed_genuine() -> String {
    let x = signed(What::Assertion);
    let (a0, a1) = assertion_range(&x);
    let genuine = &x[a0..a1];
    let (s0, s1) = element_range(genuine, "<ds:Signature", "</ds:Signature>", 0);
    let u = renamed_signature(
        &genuine[s0..s1],
        &format!("Signature xmlns=\"{DSIG}\""),
        "Signature",
        false,
    );
    let doc = format!(
        "{}{}{u}{}{}",
        &x[..a0],
        &genuine[..s0],
        &genuine[s1..],
        &x[a1..]
    );
    resign(&doc, 0)
}

/// The attack of the issue, both odd names together so that samlint and libxml2 count the same number
/// of signatures but not the same ones: the forged visible Assertion carries a copy of the genuine
/// signature as `<:Signature xmlns="…#">` (Reference to the forged ID); the genuine Assertion, in the
/// forged one's Advice (or beside it), keeps its genuine unprefixed signature with `xmlns:="urn:x"` added.
fn combined() -> Vec<(String, String)> {
    let u = unprefixed_genuine();
    let (a0, a1) = assertion_range(&u);
    let gen_u = &u[a0..a1];
    let (head, tail) = (&u[..a0], &u[a1..]);
    let open = format!("<Signature xmlns=\"{DSIG}\">");
    assert!(gen_u.contains(&open));
    let y = gen_u.replacen(
        &open,
        &format!("<Signature xmlns=\"{DSIG}\" xmlns:=\"urn:x\">"),
        1,
    );
    let (s0, s1) = element_range(gen_u, "<Signature", "</Signature>", 0);
    let sig_u = &gen_u[s0..s1];
    let body = &sig_u[open.len()..sig_u.len() - "</Signature>".len()];
    let x_copy = format!("<:Signature xmlns=\"{DSIG}\">{body}</:Signature>")
        .replace(&format!("#{ASSERTION_ID}"), "#_evil");
    let plain_copy =
        format!("{open}{body}</Signature>").replace(&format!("#{ASSERTION_ID}"), "#_evil");
    let prefixed = signed(What::Assertion);
    let (p0, p1) = assertion_range(&prefixed);
    let evil = forged(&prefixed[p0..p1], "_evil");
    let e_s = evil.find("</saml:Issuer>").unwrap() + "</saml:Issuer>".len();
    let e_e = evil.find("</saml:Conditions>").unwrap() + "</saml:Conditions>".len();
    let with = |sig: &str, advice: &str| {
        format!(
            "{head}{}{sig}{}<saml:Advice>{advice}</saml:Advice>{}{tail}",
            &evil[..e_s],
            &evil[e_s..e_e],
            &evil[e_e..]
        )
    };
    let visible = |sig: &str| format!("{}{sig}{}", &evil[..e_s], &evil[e_s..]);
    vec![
        (
            "combined: forged with <:Signature> copy → #_evil, genuine with xmlns:= in Advice"
                .into(),
            with(&x_copy, &y),
        ),
        (
            "combined: forged with <:Signature> copy → #_evil, genuine (unprefixed) in Advice"
                .into(),
            with(&x_copy, gen_u),
        ),
        (
            "combined: forged with plain copy → #_evil, genuine with xmlns:= in Advice".into(),
            with(&plain_copy, &y),
        ),
        (
            "combined: genuine with xmlns:= first, forged with <:Signature> copy after".into(),
            format!("{head}{y}{}{tail}", visible(&x_copy)),
        ),
        (
            "combined: forged with <:Signature> copy first, genuine with xmlns:= after".into(),
            format!("{head}{}{y}{tail}", visible(&x_copy)),
        ),
    ]
}

#[test]
fn class3_namespace_ill_formed_names_are_refused_and_never_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    // The genuine message signed the unprefixed way is valid: the combined cases start from it.
    let control = write(dir.path(), "unprefixed.xml", unprefixed_genuine());
    l.control_valid("control: unprefixed genuine signature", &control, &[]);
    if let Some(ok) = xmlsec1(&control) {
        l.check(ok, "control: unprefixed genuine signature", || {
            "xmlsec1 says FAIL".into()
        });
    }
    for (i, (case, doc)) in cases().into_iter().enumerate() {
        let p = write(dir.path(), &format!("qname-{i}.xml"), &doc);
        l.not_valid(&case, &p, &[], false);
        // Decision: refused like libxml2's namespace check refuses it.
        let r = check(&[&p], "rust", &[], &Opts::default());
        let refused = r.exec.code == Some(2)
            && r.codes()
                .iter()
                .any(|c| c.starts_with("xml::") || c.starts_with("STR"));
        l.check(refused, &case, || {
            format!("not refused as not namespace-well-formed: {}", r.line())
        });
    }
    l.finish("class 3 (QNames)");
}
