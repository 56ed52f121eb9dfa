//! Signature wrapping beyond XSW1-8 (tests/signatures.rs): the genuine signed Assertion (or a copy)
//! hidden in samlp:Extensions, samlp:StatusDetail, saml:Advice, ds:Object or a foreign-namespace
//! wrapper, with a forged Assertion where an SP reads; a foreign-namespace `Assertion`; `Id`, `id`,
//! `xml:id`, `wsu:Id` and prefixed `x:ID` twins of the signed ID; duplicate IDs in both orders; a second
//! signature over the Response. None may be `valid`, with any verifier. And the comment-split NameID,
//! signed after the split: it may be `valid` (the signed text is the whole value), but SIG011 says so and
//! samlint shows the whole value, as libxml2 reads it.

use crate::util::*;
use samlint::verify::sign::What;

pub(crate) fn cases() -> Vec<(String, String)> {
    let x = signed(What::Assertion);
    let (a0, a1) = assertion_range(&x);
    let genuine = x[a0..a1].to_string();
    let head = &x[..a0];
    let tail = &x[a1..];
    let evil = forged(&genuine, "_evil");
    let evil_same_id = forged(&genuine, ASSERTION_ID);
    let mut v: Vec<(String, String)> = Vec::new();
    let in_status = |doc: &str, inner: &str| -> String {
        doc.replacen(
            "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>",
            &format!("<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/><samlp:StatusDetail>{inner}</samlp:StatusDetail></samlp:Status>"),
            1,
        )
    };
    let in_extensions = |doc: &str, inner: &str| -> String {
        doc.replacen(
            "<samlp:Status>",
            &format!("<samlp:Extensions>{inner}</samlp:Extensions><samlp:Status>"),
            1,
        )
    };
    let in_advice = |assertion: &str, inner: &str| -> String {
        assertion.replacen(
            "</saml:Conditions>",
            &format!("</saml:Conditions><saml:Advice>{inner}</saml:Advice>"),
            1,
        )
    };
    for (label, e) in [
        ("forged ID _evil", &evil),
        ("forged with the signed ID", &evil_same_id),
    ] {
        let visible = format!("{head}{e}{tail}");
        v.push((
            format!("genuine in Extensions, {label}"),
            in_extensions(&visible, &genuine),
        ));
        v.push((
            format!("genuine in StatusDetail, {label}"),
            in_status(&visible, &genuine),
        ));
        v.push((
            format!("genuine in the forged one's Advice, {label}"),
            format!("{head}{}{tail}", in_advice(e, &genuine)),
        ));
        v.push((
            format!("genuine in a ds:Object of the forged one's copied signature, {label}"),
            {
                let (s0, s1) = element_range(&genuine, "<ds:Signature", "</ds:Signature>", 0);
                let sig = &genuine[s0..s1];
                let with_obj = sig.replacen(
                    "</ds:Signature>",
                    &format!("<ds:Object>{genuine}</ds:Object></ds:Signature>"),
                    1,
                );
                let e2 = e.replacen("</saml:Issuer>", &format!("</saml:Issuer>{with_obj}"), 1);
                format!("{head}{e2}{tail}")
            },
        ));
        v.push((
            format!("genuine in a foreign-namespace wrapper, {label}"),
            format!("{head}{e}<x:Wrapper xmlns:x=\"urn:x:evil\">{genuine}</x:Wrapper>{tail}"),
        ));
        v.push((
            format!("genuine in a foreign-namespace wrapper before, {label}"),
            format!("{head}<x:Wrapper xmlns:x=\"urn:x:evil\">{genuine}</x:Wrapper>{e}{tail}"),
        ));
    }
    // A foreign-namespace Assertion (local name `Assertion`) with the forged values, beside the genuine.
    let foreign = evil
        .replacen(
            "<saml:Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"",
            "<saml:Assertion xmlns=\"urn:x:evil\"",
            1,
        )
        .replace("saml:", "evil:")
        .replacen(
            "<evil:Assertion ",
            "<evil:Assertion xmlns:evil=\"urn:x:evil\" ",
            1,
        );
    v.push((
        "foreign-namespace Assertion (forged) before the genuine".into(),
        format!("{head}{foreign}{genuine}{tail}"),
    ));
    v.push((
        "foreign-namespace Assertion (forged) after the genuine".into(),
        format!("{head}{genuine}{foreign}{tail}"),
    ));
    let near = evil.replacen(
        "<saml:Assertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"",
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion \" xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\"",
        1,
    );
    v.push((
        "near-miss namespace (trailing space) forged Assertion before the genuine".into(),
        format!("{head}{near}{genuine}{tail}"),
    ));
    // An EncryptedAssertion anyone can add (in Extensions, or in StatusDetail) beside the genuine signed
    // Assertion: an SP that decrypts what it finds reads content samlint never saw.
    let encrypted = "<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc=\"http://www.w3.org/2001/04/xmlenc#\"/></saml:EncryptedAssertion>";
    v.push((
        "EncryptedAssertion in Extensions beside the genuine".into(),
        in_extensions(&format!("{head}{genuine}{tail}"), encrypted),
    ));
    v.push((
        "EncryptedAssertion in StatusDetail beside the genuine".into(),
        in_status(&format!("{head}{genuine}{tail}"), encrypted),
    ));
    // The genuine signed Assertion under a root that is not SAML's protocol Response (a version-bumped
    // or foreign namespace, or another protocol element): no SP reads it as a login (found by the
    // verify_differential fuzz target, kept as fixtures/fuzz/verify_differential-foreign-root.xml).
    let proto = "urn:oasis:names:tc:SAML:2.0:protocol";
    for (label, ns) in [
        ("SAML:4.0", "urn:oasis:names:tc:SAML:4.0:protocol"),
        (
            "near-miss (trailing space)",
            "urn:oasis:names:tc:SAML:2.0:protocol ",
        ),
        ("foreign", "urn:x:evil"),
    ] {
        v.push((
            format!("{label} Response root around the genuine Assertion"),
            format!("{head}{genuine}{tail}").replacen(
                &format!("xmlns:samlp=\"{proto}\""),
                &format!("xmlns:samlp=\"{ns}\""),
                1,
            ),
        ));
    }
    // ID twins: the forged assertion visible and first, carrying the signed ID under another attribute
    // name; the genuine hidden in Extensions.
    for twin in [
        "Id",
        "id",
        "xml:id",
        "AssertionID",
        "wsu:Id",
        "x:ID",
        "saml:ID",
        "samlp:ID",
    ] {
        let decl = match twin {
            "wsu:Id" => {
                " xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\""
            }
            "x:ID" => " xmlns:x=\"urn:x\"",
            "saml:ID" => " xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"",
            _ => "",
        };
        let with_twin = |e: &str| {
            e.replacen(
                "<saml:Assertion ",
                &format!("<saml:Assertion{decl} {twin}=\"{ASSERTION_ID}\" "),
                1,
            )
        };
        let e = with_twin(&evil);
        let visible = format!("{head}{e}{tail}");
        v.push((
            format!("{twin} twin on the forged, genuine in Extensions"),
            in_extensions(&visible, &genuine),
        ));
        // The forged one with only the twin (its ID attribute removed).
        let e_no_id = with_twin(&evil).replacen(" ID=\"_evil\"", "", 1);
        let visible = format!("{head}{e_no_id}{tail}");
        v.push((
            format!("{twin} twin, no ID, on the forged, genuine in Extensions"),
            in_extensions(&visible, &genuine),
        ));
        // The twin on another element before the genuine assertion (Extensions), genuine visible but the
        // forged one is what the twin-resolving verifier digests.
        let decoy = format!(
            "<x:Decoy xmlns:x=\"urn:x\"{decl} {twin}=\"{ASSERTION_ID}\">{EVIL_NAMEID}</x:Decoy>"
        );
        v.push((
            format!("{twin} twin on a decoy in Extensions, forged visible"),
            in_extensions(&format!("{head}{evil}{genuine}{tail}"), &decoy),
        ));
    }
    // Duplicate IDs: forged copy with the signed ID, before and after the genuine.
    v.push((
        "duplicate ID, forged first".into(),
        format!("{head}{evil_same_id}{genuine}{tail}"),
    ));
    v.push((
        "duplicate ID, forged last".into(),
        format!("{head}{genuine}{evil_same_id}{tail}"),
    ));
    v.push((
        "duplicate ID on the Response (forged Response ID = Assertion ID)".into(),
        format!("{head}{evil}{genuine}{tail}").replacen(
            &format!("ID=\"{RESPONSE_ID}\""),
            &format!("ID=\"{ASSERTION_ID}\""),
            1,
        ),
    ));
    // A second signature over the Response: the forged Response signed by the client key (untrusted),
    // with the genuine Response signature copied in, in both orders.
    let genuine_resp = signed(What::Response);
    let (r0, r1) = element_range(&genuine_resp, "<ds:Signature", "</ds:Signature>", 0);
    let genuine_sig = &genuine_resp[r0..r1];
    let forged_resp = sign_xml_with(
        &template().replace(NAMEID, EVIL_NAMEID),
        What::Response,
        "keys/client-key.pem",
        "keys/client-cert.pem",
    );
    let (f0, f1) = element_range(&forged_resp, "<ds:Signature", "</ds:Signature>", 0);
    v.push((
        "forged Response: client-key signature, then the genuine one".into(),
        format!("{}{genuine_sig}{}", &forged_resp[..f1], &forged_resp[f1..]),
    ));
    v.push((
        "forged Response: the genuine signature, then the client-key one".into(),
        format!("{}{genuine_sig}{}", &forged_resp[..f0], &forged_resp[f0..]),
    ));
    v.push((
        "forged Response: only the genuine Response signature".into(),
        format!("{}{genuine_sig}{}", &forged_resp[..f0], &forged_resp[f1..]),
    ));
    // A forged Assertion in a saml:Advice the attacker placed where no assertion owns it (SAML puts
    // Advice only in an Assertion): under the Response before or after the genuine, in Extensions, in
    // StatusDetail, in the genuine signature's KeyInfo or a ds:Object of it (both outside what the
    // enveloped signature digests), an EncryptedAssertion in such an Advice, and an Advice inside a
    // foreign wrapper. An SP that takes the first saml:Assertion reads the forged one.
    let stray = |inner: &str| format!("<saml:Advice>{inner}</saml:Advice>");
    let visible = format!("{head}{genuine}{tail}");
    let in_sig = |doc: &str, close: &str, inner: &str| -> String {
        let (s0, s1) = element_range(doc, "<ds:Signature", "</ds:Signature>", 0);
        let sig = doc[s0..s1].replacen(close, &format!("{inner}{close}"), 1);
        format!("{}{sig}{}", &doc[..s0], &doc[s1..])
    };
    for (label, doc) in [
        (
            "stray Advice under the Response, forged before the genuine",
            format!("{head}{}{genuine}{tail}", stray(&evil)),
        ),
        (
            "stray Advice under the Response, forged after the genuine",
            format!("{head}{genuine}{}{tail}", stray(&evil)),
        ),
        (
            "stray Advice in Extensions holding the forged",
            in_extensions(&visible, &stray(&evil)),
        ),
        (
            "stray Advice in StatusDetail holding the forged",
            in_status(&visible, &stray(&evil)),
        ),
        (
            "stray Advice in the genuine signature's KeyInfo holding the forged",
            in_sig(&visible, "</ds:KeyInfo>", &stray(&evil)),
        ),
        (
            "stray Advice in a ds:Object of the genuine signature holding the forged",
            in_sig(
                &visible,
                "</ds:Signature>",
                &format!("<ds:Object>{}</ds:Object>", stray(&evil)),
            ),
        ),
        (
            "stray Advice under the Response holding an EncryptedAssertion",
            format!("{head}{genuine}{}{tail}", stray(encrypted)),
        ),
        (
            "stray Advice in a foreign wrapper holding the forged",
            format!(
                "{head}<x:Wrapper xmlns:x=\"urn:x:evil\">{}</x:Wrapper>{genuine}{tail}",
                stray(&evil)
            ),
        ),
    ] {
        v.push((label.into(), doc));
    }
    // The genuine Response-signed message with a second, forged assertion appended.
    let both = signed(What::Both);
    let (b0, b1) = assertion_range(&both);
    let evil_b = forged(&both[b0..b1], "_evil2");
    // Both signed, the forged Assertion in a stray Advice in the Response signature's KeyInfo (which
    // the enveloped transform leaves out of the Response's digest): both signatures still verify.
    let (bs0, bs1) = element_range(&both, "<ds:Signature", "</ds:Signature>", 0);
    let response_sig = both[bs0..bs1].replacen(
        "</ds:KeyInfo>",
        &format!("{}</ds:KeyInfo>", stray(&evil_b)),
        1,
    );
    v.push((
        "Response+Assertion signed, forged in a stray Advice in the Response signature's KeyInfo"
            .into(),
        format!("{}{response_sig}{}", &both[..bs0], &both[bs1..]),
    ));
    // Assertion content with no assertion around it: a forged Subject (or a bare NameID, or an
    // AttributeStatement) where an SP that takes the first element of that name in the document finds
    // it first: in the Response signature's KeyInfo (before the genuine assertion, outside both
    // digests), in Extensions, in StatusDetail, under the Response.
    let subject = format!(
        "<saml:Subject xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:NameID>{EVIL_NAMEID}</saml:NameID></saml:Subject>"
    );
    let name_id = format!(
        "<saml:NameID xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">{EVIL_NAMEID}</saml:NameID>"
    );
    let statement = format!(
        "<saml:AttributeStatement xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:Attribute Name=\"email\"><saml:AttributeValue>{EVIL_NAMEID}</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>"
    );
    for (label, doc) in [
        (
            "Response+Assertion signed, a stray Subject in the Response signature's KeyInfo",
            format!(
                "{}{}{}",
                &both[..bs0],
                both[bs0..bs1].replacen("</ds:KeyInfo>", &format!("{subject}</ds:KeyInfo>"), 1),
                &both[bs1..]
            ),
        ),
        // Inside the assertion's own signature, which sits before its Subject: the enveloped
        // transform leaves the whole Signature unsigned, so the planted NameID is the first of the
        // document and every verifier still says the signature is valid (found by review, 2026-12-05).
        (
            "a Subject in the assertion signature's KeyInfo",
            in_sig(&visible, "</ds:KeyInfo>", &subject),
        ),
        (
            "a NameID in a ds:Object of the assertion signature",
            in_sig(
                &visible,
                "</ds:Signature>",
                &format!("<ds:Object>{name_id}</ds:Object>"),
            ),
        ),
        // Look-alikes an SP that selects by local name reads (review, 2026-12-05).
        (
            "a NameID in another namespace in the assertion signature's KeyInfo",
            in_sig(
                &visible,
                "</ds:KeyInfo>",
                &format!("<NameID xmlns=\"urn:x\">{EVIL_NAMEID}</NameID>"),
            ),
        ),
        (
            "a NameID in no namespace in the assertion signature's KeyInfo",
            in_sig(
                &visible,
                "</ds:KeyInfo>",
                &format!("<NameID>{EVIL_NAMEID}</NameID>"),
            ),
        ),
        (
            "an Audience in another namespace in the assertion signature's KeyInfo",
            in_sig(
                &visible,
                "</ds:KeyInfo>",
                "<Audience xmlns=\"urn:x\">https://evil.example/sp</Audience>",
            ),
        ),
        (
            "a SubjectConfirmationData in another namespace in Extensions",
            in_extensions(
                &visible,
                "<x:SubjectConfirmationData xmlns:x=\"urn:x\" NotOnOrAfter=\"2099-01-01T00:00:00Z\"/>",
            ),
        ),
        (
            "a lower-case nameid in Extensions",
            in_extensions(
                &visible,
                &format!("<nameid xmlns=\"urn:x\">{EVIL_NAMEID}</nameid>"),
            ),
        ),
        (
            "a Subject in a near-miss SAML namespace before the assertion",
            format!(
                "{head}<saml:Subject xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion/\"><saml:NameID>{EVIL_NAMEID}</saml:NameID></saml:Subject>{genuine}{tail}"
            ),
        ),
        (
            "Response+Assertion signed, a samlp:Status in the Response signature's KeyInfo",
            format!(
                "{}{}{}",
                &both[..bs0],
                both[bs0..bs1].replacen(
                    "</ds:KeyInfo>",
                    "<samlp:Status xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status></ds:KeyInfo>",
                    1
                ),
                &both[bs1..]
            ),
        ),
        (
            "a stray NameID in Extensions",
            in_extensions(&visible, &name_id),
        ),
        (
            "a stray Subject in StatusDetail",
            in_status(&visible, &subject),
        ),
        (
            "a second Issuer under the Response (only the first is the Response's)",
            visible.replacen(
                "</saml:Issuer>",
                "</saml:Issuer><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://evil.example/idp</saml:Issuer>",
                1,
            ),
        ),
        (
            "a stray AttributeStatement under the Response, before the genuine",
            format!("{head}{statement}{genuine}{tail}"),
        ),
        (
            "Response+Assertion signed, a stray NameID appended to the Response",
            both.replacen(
                "</samlp:Response>",
                &format!("{name_id}</samlp:Response>"),
                1,
            ),
        ),
    ] {
        v.push((label.into(), doc));
    }
    v.push((
        "Response+Assertion signed, forged 2nd assertion appended (unsigned content)".into(),
        both.replacen(
            "</samlp:Response>",
            &format!("{evil_b}</samlp:Response>"),
            1,
        ),
    ));
    v
}

#[test]
fn xsw_no_wrapped_or_twinned_forgery_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    l.control_valid(
        "control: signed assertion",
        &write(dir.path(), "control.xml", signed(What::Assertion)),
        &[],
    );
    // Advice where SAML puts it, in the signed Assertion (Core §2.6.1), holding another assertion:
    // the assertion it carries is advice, not a wrapping shape.
    let t = template();
    let (a0, a1) = assertion_range(&t);
    let advised = t[a0..a1].replacen(
        "</saml:Conditions>",
        &format!(
            "</saml:Conditions><saml:Advice>{}</saml:Advice>",
            forged(&t[a0..a1], "_advice")
        ),
        1,
    );
    let with_advice = sign_xml(
        &format!("{}{advised}{}", &t[..a0], &t[a1..]),
        What::Assertion,
    );
    l.control_valid(
        "control: signed assertion with an assertion in its Advice",
        &write(dir.path(), "control-advice.xml", with_advice),
        &[],
    );
    for (i, (case, doc)) in cases().into_iter().enumerate() {
        let p = write(dir.path(), &format!("xsw-{i}.xml"), &doc);
        l.not_valid(&case, &p, &[], false);
    }
    l.finish("XSW families");
}

/// `admin@exa<!---->mple.com`, signed after the split: what samlint shows, and SIG011.
#[test]
fn xsw_comment_split_nameid_is_reported_and_shown_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    for (case, split) in [
        ("comment-split NameID", "jane.doe@exa<!---->mple.com"),
        (
            "comment-split NameID (many pieces)",
            "ja<!-- a -->ne.d<!---->oe@<!-- b -->example.com",
        ),
        ("PI-split NameID", "jane.doe@exa<?x y?>mple.com"),
        ("CDATA-split NameID", "jane.doe@exa<![CDATA[mple]]>.com"),
    ] {
        l.cases += 1;
        let t = template().replacen(
            &format!(">{NAMEID}</saml:NameID>"),
            &format!(">{split}</saml:NameID>"),
            1,
        );
        let doc = sign_xml(&t, What::Assertion);
        let p = write(dir.path(), "split.xml", &doc);
        for v in verifiers() {
            let r = check(&[&p], v, &[], &Opts::default());
            l.row(format!("{case:<58} {}", r.line()));
            l.invariants(case, &r);
            if !case.starts_with("CDATA") {
                l.check(r.codes().contains(&"SIG011".to_string()), case, || {
                    format!("{v}: no SIG011: {}", r.line())
                });
            }
            // The whole value (as libxml2's text content reads it) is what samlint shows, never a piece.
            let full = samlint(
                &[
                    "check".into(),
                    "--format".into(),
                    "full".into(),
                    "--idp-cert".into(),
                    idp_cert(),
                    "--verifier".into(),
                    v.to_string(),
                    p.clone(),
                ],
                &Opts::default(),
            );
            let shown_piece =
                full.stdout.contains("jane.doe@exa ") || full.stdout.contains("jane.doe@exa\n");
            l.check(!shown_piece, case, || {
                format!("{v}: shows only the first piece of the split NameID")
            });
        }
    }
    l.finish("comment-split NameID");
}

/// A Reference that finds the Assertion by another attribute than its `ID` (`id`, `Id`,
/// `AssertionID`), signed for real: every verifier that takes those attributes as IDs says the
/// signature verifies, but SAML SPs register only `ID`, resolve the Reference to nothing and refuse
/// it. samlint must not call it valid (found by review, 2026-12-05); SIG008 names the cause.
#[test]
fn a_reference_by_another_id_attribute_is_not_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    let t = template();
    for attr in ["id", "Id", "AssertionID"] {
        let with = t.replacen(
            &format!("ID=\"{ASSERTION_ID}\""),
            &format!("ID=\"{ASSERTION_ID}\" {attr}=\"other\""),
            1,
        );
        let signed = sign_xml(&with, What::Assertion);
        // The Reference changes, the digest (over the Assertion without its Signature) does not.
        let by_other = resign(
            &signed.replacen(&format!("URI=\"#{ASSERTION_ID}\""), "URI=\"#other\"", 1),
            0,
        );
        let p = write(dir.path(), &format!("by-{attr}.xml"), &by_other);
        l.not_valid(
            &format!("Reference #other to the Assertion's {attr}"),
            &p,
            &[],
            true,
        );
        let r = check(&[p.as_str()], "rust", &[], &Opts::default());
        assert!(
            r.exec.stdout.contains("\"SIG008\"")
                && r.exec.stdout.contains("another attribute than its ID"),
            "{attr}: {}",
            r.exec.stdout
        );
        // The control: the same Assertion, its Reference by ID.
        let p = write(dir.path(), &format!("by-ID-{attr}.xml"), &signed);
        l.control_valid(&format!("control: Reference by ID beside {attr}"), &p, &[]);
    }
    l.finish("Reference by another ID attribute");
}
