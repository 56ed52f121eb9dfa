//! Signature verdicts on messages this test signs with the test keys and then tampers with: every
//! named cause, the eight signature-wrapping families (XSW1-XSW8), a Reference to a local file, and a
//! KeyInfo certificate that differs from the configured one over the same key.

mod common;
use common::*;
use samlint::verify::sign::{Alg, What, pem_body, sign};
use serde_json::Value;

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

fn template() -> String {
    read("saml/keycloak-atlassian-unsigned.xml")
        .trim_end()
        .to_string()
}

/// `t` signed with the test IdP key (RSA-SHA256, its certificate in KeyInfo).
fn signed_text(t: &str, what: What) -> String {
    sign(
        t,
        what,
        read("keys/idp-key.pem").as_bytes(),
        &pem_body(&read("keys/idp-cert.pem")),
        Alg::RsaSha256,
    )
    .unwrap()
}

fn signed_with(what: What, key: &str, keyinfo_cert: &str, alg: Alg) -> String {
    sign(
        &template(),
        what,
        read(key).as_bytes(),
        &pem_body(&read(keyinfo_cert)),
        alg,
    )
    .unwrap()
}

fn signed(what: What) -> String {
    signed_with(
        what,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
        Alg::RsaSha256,
    )
}

/// Check a message; returns (exit, signature object, finding codes).
/// The verdict with `cert` trusted, as `--idp-cert` and `--sp-cert` both: these tests sign requests
/// (the SP's) and responses (the IdP's) with the same test keys. Which one a message is checked with
/// is tested apart (`an_authn_request_is_checked_with_the_sp_certificate_only`).
fn verdict(xml: &str, cert: Option<&str>) -> (i32, Value, Vec<String>) {
    let c = cert.map(fixture);
    let mut args = vec![xml];
    if let Some(c) = &c {
        args.extend(["--idp-cert", c.as_str(), "--sp-cert", c.as_str()]);
    }
    let (exit, v) = check_json(&args);
    (exit, v["messages"][0]["signature"].clone(), codes(&v))
}

fn assert_status(sig: &Value, status: &str, cause: Option<&str>) {
    assert_eq!(sig["status"], status, "{sig:#}");
    if let Some(c) = cause {
        assert_eq!(sig["cause"], c, "{sig:#}");
    }
}

const IDP: Option<&str> = Some("keys/idp-cert.pem");

#[test]
fn the_signed_fixtures_are_current() {
    // RSA PKCS#1 v1.5 is deterministic: re-signing the templates reproduces the committed fixtures,
    // in Keycloak's namespace shape before 26.8 and in the prefixed-only shape of 26.8 and later.
    assert_eq!(
        signed(What::Both),
        read("saml/keycloak-atlassian-ok.xml").trim_end(),
        "run sh fixtures/generate.sh"
    );
    let prefixed = signed_text(
        read("saml/keycloak-atlassian-prefixed-unsigned.xml").trim_end(),
        What::Both,
    );
    assert_eq!(
        prefixed,
        read("saml/keycloak-atlassian-prefixed-ok.xml").trim_end(),
        "run sh fixtures/generate.sh"
    );
}

#[test]
fn valid_response_assertion_and_both() {
    for what in [What::Response, What::Assertion, What::Both] {
        let (exit, sig, codes) = verdict(&signed(what), IDP);
        assert_status(&sig, "valid", None);
        assert_eq!(exit, 0);
        // Only the partial-signing notes: SIG016 (Response signed only) or SIG019 (Assertion signed only).
        let expected: &[&str] = match what {
            What::Response => &["SIG016"],
            What::Assertion => &["SIG019"],
            What::Both => &[],
        };
        let sig_codes: Vec<&str> = codes
            .iter()
            .filter(|c| c.starts_with("SIG"))
            .map(String::as_str)
            .collect();
        assert_eq!(sig_codes, expected, "{what:?}");
        let sigs = sig["signatures"].as_array().unwrap();
        assert_eq!(sigs.len(), if what == What::Both { 2 } else { 1 });
        for s in sigs {
            assert_eq!(s["result"], "valid");
            assert_eq!(s["covers_linted_content"], true);
            assert_eq!(s["key"]["source"], "config");
            assert!(s["key"]["sha1"].as_str().unwrap().contains(':'));
            assert_eq!(s["key"]["bits"], 2048);
        }
    }
    // Response signed, Assertion not: an info for Cloud (Data Center needs the assertion signed).
    let (_, _, codes) = verdict(&signed(What::Response), IDP);
    assert!(codes.contains(&"SIG016".to_string()), "{codes:?}");
}

#[test]
fn no_signature() {
    let (exit, sig, codes) = verdict(&template(), IDP);
    assert_status(&sig, "absent", Some("no-signature"));
    assert!(codes.contains(&"SIG002".into()));
    assert_eq!(exit, 1);
}

#[test]
fn untrusted_without_configured_certificate() {
    let (exit, sig, codes) = verdict(&signed(What::Both), None);
    assert_status(&sig, "untrusted", None);
    assert!(codes.contains(&"SIG003".into()), "{codes:?}");
    assert_eq!(sig["signatures"][0]["key"]["source"], "key-info");
    assert_eq!(exit, 0, "untrusted is a warning");
}

#[test]
fn digest_mismatch_when_content_changed_after_signing() {
    let x = signed(What::Assertion).replace(
        "jane.doe@example.com</saml:NameID>",
        "admin@example.com</saml:NameID>",
    );
    let (exit, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("digest-mismatch"));
    assert!(codes.contains(&"SIG001".into()));
    assert_eq!(exit, 1);
}

#[test]
fn wrong_key_client_certificate_pasted() {
    let (_, sig, _) = verdict(&signed(What::Both), Some("keys/client-cert.pem"));
    assert_status(&sig, "invalid", Some("wrong-key"));
    assert_eq!(
        sig["signatures"][0]["key"]["subject"],
        "CN=atlassian client key (samlint TEST)"
    );
    // And the other way round: signed with the client key, the realm certificate configured.
    let x = signed_with(
        What::Both,
        "keys/client-key.pem",
        "keys/client-cert.pem",
        Alg::RsaSha256,
    );
    let (_, sig, _) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("wrong-key"));
}

#[test]
fn keyinfo_certificate_differs_over_the_same_key() {
    // Keycloak's saml20-signed-response shape: crypto-valid, yet Atlassian says "Invalid thumbprint".
    let x = signed_with(
        What::Both,
        "keys/idp-key.pem",
        "keys/idp-cert-other.pem",
        Alg::RsaSha256,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "valid", None);
    assert_eq!(
        codes.iter().filter(|c| *c == "SIG004").count(),
        1,
        "once per message: {codes:?}"
    );
    let ki = &sig["signatures"][0]["keyinfo_certificates"][0]["sha1"];
    assert_ne!(ki, &sig["signatures"][0]["key"]["sha1"]);
}

#[test]
fn sha1_is_a_warning() {
    let x = signed_with(
        What::Both,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
        Alg::RsaSha1,
    );
    let (exit, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "valid", None);
    assert_eq!(
        codes.iter().filter(|c| *c == "SIG006").count(),
        2,
        "one per signature: {codes:?}"
    );
    assert_eq!(exit, 0);
}

#[test]
fn short_rsa_key() {
    let x = signed_with(
        What::Assertion,
        "keys/short-key.pem",
        "keys/short-cert.pem",
        Alg::RsaSha256,
    );
    let (_, sig, codes) = verdict(&x, Some("keys/short-cert.pem"));
    assert_status(&sig, "valid", None);
    assert!(codes.contains(&"SIG009".into()), "{codes:?}");
    assert_eq!(sig["signatures"][0]["key"]["bits"], 1024);
}

#[test]
fn expired_certificate_is_reported_beside_a_valid_signature() {
    let (_, sig, codes) = verdict(&signed(What::Assertion), Some("keys/idp-cert-expired.pem"));
    assert_status(&sig, "valid", None);
    assert!(codes.contains(&"SIG010".into()), "{codes:?}");
}

#[test]
fn forbidden_algorithms_are_refused() {
    for (from, to) in [
        ("xmldsig-more#rsa-sha256", "xmldsig#hmac-sha1"),
        (
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "http://www.w3.org/2000/09/xmldsig#dsa-sha1",
        ),
        (
            "http://www.w3.org/2001/04/xmlenc#sha256",
            "http://www.w3.org/2001/04/xmldsig-more#md5",
        ),
    ] {
        let x = signed(What::Assertion).replacen(from, to, 1);
        let (_, sig, codes) = verdict(&x, IDP);
        assert_eq!(sig["status"], "invalid", "{to}: {sig:#}");
        // Refused for the algorithm, before any digest is computed.
        assert_eq!(sig["cause"], "forbidden-algorithm", "{to}: {sig:#}");
        assert!(codes.contains(&"SIG007".into()), "{to}: {codes:?}");
    }
}

#[test]
fn duplicate_ids() {
    let x = signed(What::Assertion);
    let id = "ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f";
    let dup = x.replacen("<samlp:Status>", &format!("<samlp:Extensions><x:Evil xmlns:x=\"urn:x\" ID=\"{id}\"/></samlp:Extensions><samlp:Status>"), 1);
    let (_, sig, codes) = verdict(&dup, IDP);
    assert_status(&sig, "invalid", Some("duplicate-id"));
    assert!(codes.contains(&"SIG005".into()));
}

#[test]
fn reference_not_pointing_at_its_own_element() {
    // The Response's signature references the Assertion.
    let x = signed(What::Response).replacen(
        "URI=\"#ID_6d1f6c0e-5b7a-4a3e-9c2d-1e0f9a8b7c6d\"",
        "URI=\"#ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\"",
        1,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("wrapping"));
    assert!(codes.contains(&"SIG005".into()));
}

#[test]
fn reference_to_a_local_file_is_never_dereferenced() {
    let dir = tempfile::tempdir().unwrap();
    let secret = write_temp(dir.path(), "secret.txt", "top secret");
    let x = signed(What::Assertion).replacen(
        "URI=\"#ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\"",
        &format!("URI=\"{secret}\""),
        1,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("unsupported-reference"));
    assert_eq!(sig["signatures"][0]["result"], "not-verified");
    assert!(codes.contains(&"SIG008".into()));
    for uri in [
        "#xpointer(/)",
        "#element(/1/3)",
        "https://evil.example/x.xml",
    ] {
        let x = signed(What::Assertion).replacen(
            "URI=\"#ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\"",
            &format!("URI=\"{uri}\""),
            1,
        );
        let (_, sig, _) = verdict(&x, IDP);
        assert_status(&sig, "invalid", Some("unsupported-reference"));
    }
}

#[test]
fn xpath_transform_and_too_many_transforms() {
    let xpath = "<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\"><ds:XPath>not(self::x)</ds:XPath></ds:Transform>";
    let x = signed(What::Assertion).replacen(
        "</ds:Transforms>",
        &format!("{xpath}</ds:Transforms>"),
        1,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("unsafe-transform"));
    assert!(codes.contains(&"SIG012".into()));
    let extra = "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";
    let x = signed(What::Assertion).replacen(
        "</ds:Transforms>",
        &format!("{extra}</ds:Transforms>"),
        1,
    );
    let (_, sig, _) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("unsafe-transform"));
}

#[test]
fn with_comments_object_and_multiple_references() {
    let x = signed(What::Assertion).replacen(
        "xml-exc-c14n#\"/><ds:SignatureMethod",
        "xml-exc-c14n#WithComments\"/><ds:SignatureMethod",
        1,
    );
    let (_, _, codes) = verdict(&x, IDP);
    assert!(codes.contains(&"SIG013".into()), "{codes:?}");
    let x = signed(What::Assertion).replacen(
        "</ds:KeyInfo>",
        "</ds:KeyInfo><ds:Object><x xmlns=\"urn:x\">hidden</x></ds:Object>",
        1,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert!(codes.contains(&"SIG014".into()), "{codes:?}");
    assert_eq!(
        sig["status"], "valid",
        "a ds:Object outside SignedInfo does not break the signature"
    );
    let x = signed(What::Assertion);
    let i = x.find("<ds:Reference").unwrap();
    let j = x.find("</ds:Reference>").unwrap() + "</ds:Reference>".len();
    let doubled = format!("{}{}{}", &x[..j], &x[i..j], &x[j..]);
    let (_, sig, codes) = verdict(&doubled, IDP);
    assert_status(&sig, "invalid", Some("multiple-references"));
    assert!(codes.contains(&"SIG015".into()));
}

#[test]
fn comment_in_nameid_keeps_the_signature_valid_but_is_flagged() {
    // Exclusive c14n drops comments, so the signature still verifies: the attack family of CVE-2017-11427.
    let x = signed(What::Assertion).replacen(
        ">jane.doe@example.com</saml:NameID>",
        ">jane.doe@example.com<!-- x -->.evil.example</saml:NameID>",
        1,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert_eq!(
        sig["status"], "invalid",
        "the NameID changed: digest mismatch (the comment splits the text) — {sig:#}"
    );
    assert!(codes.contains(&"SIG011".into()), "{codes:?}");
    // Sign *after* inserting the comment: crypto-valid, still flagged.
    let t = template().replacen(
        ">jane.doe@example.com</saml:NameID>",
        ">jane.doe@example.com<!-- x -->.evil.example</saml:NameID>",
        1,
    );
    let x = signed_text(&t, What::Assertion);
    let (_, sig, codes) = verdict(&x, IDP);
    assert_eq!(sig["status"], "valid");
    assert!(codes.contains(&"SIG011".into()), "{codes:?}");
}

/// Review 26: SIG011 looked only at the NameID and attribute values; an Audience, an Issuer or the
/// AuthnContextClassRef split by a comment (signed after the split, so crypto-valid) was no finding,
/// while an SP reading the first text node sees `https://sp.example.com` of
/// `https://sp.example.com<!---->.attacker.example`. Each is flagged once, with its path.
#[test]
fn every_value_an_sp_decides_by_is_checked_for_splitting() {
    let cases = [
        (
            "<saml:Audience>https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9</saml:Audience>",
            "<saml:Audience>https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9<!---->.attacker.example</saml:Audience>",
            "/Conditions/AudienceRestriction/Audience",
            "an Audience",
        ),
        (
            "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified<",
            "<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:<!---->unspecified<",
            "/AuthnStatement/AuthnContext/AuthnContextClassRef",
            "the AuthnContextClassRef",
        ),
    ];
    let split = |t: &str| {
        let x = signed_text(t, What::Both);
        let (exit, v) = check_json(&[x.as_str(), "--idp-cert", &fixture("keys/idp-cert.pem")]);
        assert_eq!(v["messages"][0]["signature"]["status"], "valid", "{t}");
        let f: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "SIG011")
            .map(|f| {
                (
                    f["message"].as_str().unwrap().to_string(),
                    f["location"]["path"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        (exit, f)
    };
    for (from, to, path, what) in cases {
        let t = template().replacen(from, to, 1);
        assert_ne!(t, template());
        let (exit, f) = split(&t);
        assert_eq!(f.len(), 1, "{what}: {f:?}");
        assert!(f[0].0.starts_with(what), "{f:?}");
        assert!(f[0].1.ends_with(path), "{f:?}");
        assert_eq!(exit, 1);
    }
    // Both Issuers (the Response's and the Assertion's), each with its own path.
    let issuer = "<saml:Issuer>https://kc.example.com/realms/acme</saml:Issuer>";
    let t = template().replace(
        issuer,
        "<saml:Issuer>https://kc.example.com/realms/acme<!---->.evil</saml:Issuer>",
    );
    let (_, f) = split(&t);
    let paths: Vec<&str> = f.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(
        paths,
        ["/Response/Issuer", "/Response/Assertion/Issuer"],
        "{f:?}"
    );
    assert!(f.iter().all(|(m, _)| m.starts_with("the Issuer is split")));
    // A LogoutRequest's NameID and SessionIndex (what an SP ends the session of).
    let logout = r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" Version="2.0" IssueInstant="2026-11-20T10:00:00Z"><saml:Issuer>https://kc.example.com/realms/acme</saml:Issuer><saml:NameID>jane.doe@example.com<!---->.evil</saml:NameID><samlp:SessionIndex>a<!---->b</samlp:SessionIndex></samlp:LogoutRequest>"#;
    let (_, v) = check_json(&[logout]);
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SIG011")
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["/LogoutRequest/NameID", "/LogoutRequest/SessionIndex"],
        "{v:#}"
    );
}

/// CDATA splits a value only beside other text: a NameID or attribute value written as one CDATA
/// section reads the same to every parser (no SIG011), one with text beside the CDATA does not.
#[test]
fn a_value_that_is_one_cdata_section_is_not_split() {
    let code_for = |t: &str| {
        let x = signed_text(t, What::Assertion);
        let (_, sig, codes) = verdict(&x, IDP);
        assert_eq!(sig["status"], "valid", "{t}");
        codes.contains(&"SIG011".to_string())
    };
    let nameid = ">jane.doe@example.com</saml:NameID>";
    let value = ">Jane</saml:AttributeValue>";
    assert!(!code_for(&template().replacen(
        nameid,
        "><![CDATA[jane.doe@example.com]]></saml:NameID>",
        1
    )));
    assert!(!code_for(&template().replacen(
        value,
        "><![CDATA[Jane]]></saml:AttributeValue>",
        1
    )));
    assert!(code_for(&template().replacen(
        nameid,
        ">jane.doe@example.com<![CDATA[.evil.example]]></saml:NameID>",
        1
    )));
    assert!(code_for(&template().replacen(
        value,
        "><![CDATA[Ja]]>ne</saml:AttributeValue>",
        1
    )));
}

// --- The signature-wrapping families (Somorovsky et al. 2012), built from genuinely signed messages. ---

struct Parts {
    xml: String,
    assertion: (usize, usize),
    assertion_sig: Option<(usize, usize)>,
    response_sig: Option<(usize, usize)>,
    root_open_end: usize,
    root_close: usize,
}

fn parts(xml: &str) -> Parts {
    let a0 = xml.find("<saml:Assertion").unwrap();
    let a1 = xml.rfind("</saml:Assertion>").unwrap() + "</saml:Assertion>".len();
    let sig_in = |from: usize, to: usize| -> Option<(usize, usize)> {
        let s = from + xml[from..to].find("<ds:Signature")?;
        let e = s + xml[s..].find("</ds:Signature>")? + "</ds:Signature>".len();
        Some((s, e))
    };
    let a_sig = sig_in(a0, a1);
    let r_sig = sig_in(0, a0);
    Parts {
        xml: xml.to_string(),
        assertion: (a0, a1),
        assertion_sig: a_sig,
        response_sig: r_sig,
        root_open_end: xml.find('>').unwrap() + 1,
        root_close: xml.rfind("</samlp:Response>").unwrap(),
    }
}

fn evil(assertion: &str) -> String {
    let mut e = assertion.replacen(
        "jane.doe@example.com</saml:NameID>",
        "attacker@evil.example</saml:NameID>",
        1,
    );
    if let (Some(s), Some(t)) = (e.find("<ds:Signature"), e.find("</ds:Signature>")) {
        e.replace_range(s..t + "</ds:Signature>".len(), "");
    }
    e.replacen(
        "ID=\"ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\"",
        "ID=\"_evil\"",
        1,
    )
}

fn xsw_cases() -> Vec<(&'static str, String)> {
    let sr = parts(&signed(What::Response));
    let sa = parts(&signed(What::Assertion));
    let resp = &sr.xml;
    let (rs, re) = sr.response_sig.unwrap();
    let (a0, a1) = sa.assertion;
    let orig_a = &sa.xml[a0..a1];
    let (as0, as1) = sa.assertion_sig.unwrap();
    let a_sig = &sa.xml[as0..as1];
    let evil_a = evil(orig_a);
    let evil_root_open = resp[..sr.root_open_end].replacen(
        "ID=\"ID_6d1f6c0e-5b7a-4a3e-9c2d-1e0f9a8b7c6d\"",
        "ID=\"_evilresp\"",
        1,
    );
    let issuer = "<saml:Issuer>https://kc.example.com/realms/acme</saml:Issuer>";
    let evil_resp_body = evil(&resp[sr.assertion.0..sr.assertion.1]);
    let r_sig = &resp[rs..re];
    let r_without_sig = format!("{}{}", &resp[..rs], &resp[re..]);
    let mut v = Vec::new();
    // XSW1: a new Response; the original signed Response inside the copied Signature.
    let sig_with_orig = r_sig.replacen(
        "</ds:Signature>",
        &format!("<ds:Object>{resp}</ds:Object></ds:Signature>"),
        1,
    );
    v.push((
        "XSW1",
        format!("{evil_root_open}{issuer}{sig_with_orig}{evil_resp_body}</samlp:Response>"),
    ));
    // XSW2: the same, with the original Response as a sibling before the evil content.
    v.push((
        "XSW2",
        format!("{evil_root_open}{issuer}{r_sig}{r_without_sig}{evil_resp_body}</samlp:Response>"),
    ));
    let head = &sa.xml[..a0];
    let tail = &sa.xml[a1..];
    // XSW3: an evil assertion before the original signed one.
    v.push(("XSW3", format!("{head}{evil_a}{orig_a}{tail}")));
    // XSW4: the original signed assertion inside the evil one.
    let evil_wrap = evil_a.replacen(
        "</saml:Assertion>",
        &format!("{orig_a}</saml:Assertion>"),
        1,
    );
    v.push(("XSW4", format!("{head}{evil_wrap}{tail}")));
    // XSW5: the evil assertion carries the original signature; the original assertion is appended.
    let evil_with_sig = evil_a.replacen("</saml:Issuer>", &format!("</saml:Issuer>{a_sig}"), 1);
    let orig_unsigned = format!("{}{}", &sa.xml[a0..as0], &sa.xml[as1..a1]);
    v.push((
        "XSW5",
        format!("{head}{evil_with_sig}{tail}").replacen(
            "</samlp:Response>",
            &format!("{orig_unsigned}</samlp:Response>"),
            1,
        ),
    ));
    // XSW6: the original assertion inside the original signature, inside the evil assertion.
    let sig_with_a = a_sig.replacen(
        "</ds:Signature>",
        &format!("<ds:Object>{orig_unsigned}</ds:Object></ds:Signature>"),
        1,
    );
    v.push((
        "XSW6",
        format!(
            "{head}{}{tail}",
            evil_a.replacen("</saml:Issuer>", &format!("</saml:Issuer>{sig_with_a}"), 1)
        ),
    ));
    // XSW7: the original signed assertion hidden in Extensions; the evil one is read.
    let ext = format!("<samlp:Extensions>{orig_a}</samlp:Extensions>");
    let with_ext = format!("{head}{evil_a}{tail}").replacen(
        "<samlp:Status>",
        &format!("{ext}<samlp:Status>"),
        1,
    );
    v.push(("XSW7", with_ext));
    // XSW8: the evil assertion carries the original signature, with the original assertion in its ds:Object.
    v.push((
        "XSW8",
        format!(
            "{head}{}{tail}",
            evil_a.replacen("</saml:Issuer>", &format!("</saml:Issuer>{sig_with_a}"), 1)
        ),
    ));
    let _ = (
        sa.response_sig,
        sa.root_open_end,
        sa.root_close,
        sr.assertion_sig,
        sr.root_close,
    );
    v
}

#[test]
fn signature_wrapping_xsw1_to_xsw8_are_rejected() {
    for (name, x) in xsw_cases() {
        let (exit, sig, codes) = verdict(&x, IDP);
        assert_eq!(exit, 1, "{name}");
        assert_eq!(sig["status"], "invalid", "{name}: {sig:#}");
        let cause = sig["cause"].as_str().unwrap_or("");
        assert!(
            [
                "wrapping",
                "duplicate-id",
                "unexpected-signature",
                "partially-covered",
                "not-covering"
            ]
            .contains(&cause),
            "{name}: cause {cause}: {sig:#}"
        );
        assert!(
            ["SIG005", "SIG002", "STR007"]
                .iter()
                .any(|c| codes.contains(&c.to_string())),
            "{name}: {codes:?}"
        );
        // The attacker's values are what a naive SP would read; samlint never calls them signed.
        assert!(x.contains("attacker@evil.example"), "{name}");
    }
}

#[test]
fn xsw_originals_are_still_crypto_valid() {
    // The crypto layer alone says yes for the moved signature in XSW3/XSW4/XSW7: acceptance says no.
    for (name, x) in xsw_cases()
        .into_iter()
        .filter(|(n, _)| ["XSW3", "XSW4", "XSW7"].contains(n))
    {
        let (_, sig, _) = verdict(&x, IDP);
        let any_valid = sig["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["result"] == "valid");
        assert!(any_valid, "{name}: {sig:#}");
        assert_eq!(sig["status"], "invalid", "{name}");
    }
}

// --- Redirect binding: the signature covers the query octets exactly as received. ---

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn signed_redirect_url() -> String {
    signed_redirect_url_with("keys/idp-key.pem")
}

const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

fn signed_redirect_url_with(key_pem: &str) -> String {
    let url = read("saml/authn-request-redirect.url");
    let url = url.trim();
    let (base, query) = url.split_once('?').unwrap();
    let octets = format!("{query}&SigAlg={}", pct(RSA_SHA256));
    format!("{base}?{}", with_query_signature(&octets, key_pem))
}

/// `octets` (a query ending in its SigAlg) followed by `&Signature=`: RSA-SHA256 with `key_pem`.
fn with_query_signature(octets: &str, key_pem: &str) -> String {
    let key = bergshamra::keys::loader::load_rsa_private_pem(read(key_pem).as_bytes()).unwrap();
    let sk = key.to_signing_key().unwrap().unwrap();
    let sig = bergshamra::crypto::sign::from_uri(RSA_SHA256)
        .unwrap()
        .sign(&sk, octets.as_bytes())
        .unwrap();
    use base64::Engine as _;
    format!(
        "{octets}&Signature={}",
        pct(&base64::engine::general_purpose::STANDARD.encode(sig))
    )
}

/// `xml` as the Redirect binding carries it: raw DEFLATE, then base64 (not yet URL-encoded).
fn deflated_b64(xml: &str) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(xml.as_bytes()).unwrap();
    base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap())
}

#[test]
fn redirect_binding_signature_over_the_raw_query() {
    let url = signed_redirect_url();
    let (_, sig, codes) = verdict(&url, IDP);
    assert_status(&sig, "valid", None);
    assert_eq!(sig["signatures"][0]["path"], "?Signature");
    assert!(!codes.iter().any(|c| c.starts_with("SIG")), "{codes:?}");
    // The same key in an expired certificate: valid, and the key's facts are reported as for an XML
    // signature (SIG010 was missing for Redirect-binding signatures).
    let (_, sig, codes) = verdict(&url, Some("keys/idp-cert-expired.pem"));
    assert_status(&sig, "valid", None);
    assert!(codes.contains(&"SIG010".into()), "{codes:?}");
    // Another key: invalid.
    let (_, sig, _) = verdict(&url, Some("keys/client-cert.pem"));
    assert_status(&sig, "invalid", Some("wrong-key"));
    // A changed RelayState: invalid.
    let changed = url.replacen(
        "RelayState=https%3A%2F%2Facme-example",
        "RelayState=https%3A%2F%2Fevil-example",
        1,
    );
    assert_ne!(changed, url);
    let (_, sig, _) = verdict(&changed, IDP);
    assert_status(&sig, "invalid", None);
    // The same values re-encoded (lower-case escapes): equal after decoding, but not the signed octets.
    let reencoded = url.replacen("%2F", "%2f", 1);
    assert_ne!(reencoded, url);
    let (_, sig, _) = verdict(&reencoded, IDP);
    assert_status(&sig, "invalid", None);
    // No trust: cannot be checked, and samlint says so with an error (exit 1), not SIG003's warning
    // (review 26: a garbage Signature and a real one both exited 0), whatever the signature value.
    for u in [
        url.clone(),
        url.replacen("&Signature=", "&Signature=AAAA", 1),
    ] {
        let (exit, sig, codes) = verdict(&u, None);
        assert_status(&sig, "invalid", Some("no-key"));
        assert!(codes.contains(&"SIG001".into()), "{codes:?}");
        assert!(!codes.contains(&"SIG003".into()), "{codes:?}");
        assert_eq!(exit, 1);
    }
}

/// The key facts of a Redirect-binding signature, each on its own: a short RSA key (SIG009) and a
/// certificate about to expire at the evaluation time (SIG018), as for an XML signature.
#[test]
fn redirect_binding_signature_key_facts() {
    // Signed with RSA-1024 and checked with its certificate: valid, and SIG009 says the key is short.
    let short = signed_redirect_url_with("keys/short-key.pem");
    let (_, sig, short_codes) = verdict(&short, Some("keys/short-cert.pem"));
    assert_status(&sig, "valid", None);
    assert!(short_codes.contains(&"SIG009".into()), "{short_codes:?}");
    assert!(!short_codes.contains(&"SIG018".into()), "{short_codes:?}");
    // The RSA-2048 test certificate expires on 2036-01-01: two weeks before, SIG018 (and no SIG010
    // or SIG009); a year before, neither.
    let url = signed_redirect_url();
    let cert = fixture("keys/idp-cert.pem");
    for (at, soon) in [
        ("2035-12-18T00:00:00Z", true),
        ("2034-12-18T00:00:00Z", false),
    ] {
        let (_, v) = check_json(&[&url, "--sp-cert", &cert, "--at", at]);
        assert_status(&v["messages"][0]["signature"], "valid", None);
        let found = codes(&v);
        assert_eq!(found.contains(&"SIG018".into()), soon, "{at}: {found:?}");
        assert!(
            !found.iter().any(|c| c == "SIG009" || c == "SIG010"),
            "{at}: {found:?}"
        );
    }
}

/// Every message of a check, with its kind, signature status and codes (the test key trusted for
/// both sides, as in [`verdict`]).
fn all_messages(input: &str) -> Vec<(String, String, Vec<String>)> {
    let cert = fixture("keys/idp-cert.pem");
    let (_, v) = check_json(&[input, "--idp-cert", &cert, "--sp-cert", &cert]);
    v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let i = m["index"].as_u64().unwrap();
            let codes = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["message_index"].as_u64() == Some(i))
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect();
            (
                m["kind"].as_str().unwrap_or("").to_string(),
                m["signature"]["status"]
                    .as_str()
                    .unwrap_or("none")
                    .to_string(),
                codes,
            )
        })
        .collect()
}

/// One signature, one message (issue 12, class 1): a correctly signed Redirect-binding query never
/// lends its signature to another message beside it, and a query or form that repeats a binding
/// parameter is ambiguous: an error on every message it carries, none of them `valid`.
#[test]
fn a_redirect_signature_covers_one_message_and_repeats_are_refused() {
    let url = signed_redirect_url();
    let (_, query) = url.split_once('?').unwrap();
    let forged = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(read("saml/keycloak-atlassian-unsigned.xml"))
    };
    let forged = pct(&forged);
    let cases = [
        // A forged response beside the signed request, both orders, as a URL and as a form body.
        format!("{url}&SAMLResponse={forged}"),
        format!("SAMLResponse={forged}&{query}"),
        // The request twice (the second forged), RelayState / SigAlg / Signature twice.
        format!("{url}&SAMLRequest={forged}"),
        format!("{url}&RelayState=https%3A%2F%2Fevil.example%2F"),
        format!("{url}&SigAlg=http%3A%2F%2Fwww.w3.org%2F2000%2F09%2Fxmldsig%23rsa-sha1"),
        format!("{url}&Signature=AAAA"),
        // The request's name percent-encoded: a reader that compares raw names does not see it.
        url.replacen("SAMLRequest=", "SAML%52equest=", 1),
    ];
    for case in &cases {
        let msgs = all_messages(case);
        assert!(!msgs.is_empty(), "{case}");
        for (kind, status, codes) in &msgs {
            assert_ne!(status, "valid", "{kind} of {case}: {codes:?}");
            assert!(
                codes.contains(&"SIG020".to_string()),
                "{kind} of {case}: {codes:?}"
            );
        }
    }
    // The untouched query is still one valid request, with no ambiguity finding.
    let msgs = all_messages(&url);
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].1, "valid");
    assert!(!msgs[0].2.contains(&"SIG020".to_string()));
}

#[test]
fn corpus_redirect_signatures_verify_with_their_certificate() {
    let Some(shared) = shared() else { return };
    let text = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let mut n = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.get(4) != Some(&"redirect-query") || f.get(6).is_none_or(|c| c.is_empty()) {
            continue;
        }
        let path = shared
            .join("corpus")
            .join(f[0])
            .to_string_lossy()
            .into_owned();
        let cert = shared
            .join("corpus")
            .join(f[6])
            .to_string_lossy()
            .into_owned();
        let (_, v) = check_json(&[&path, "--idp-cert", &cert]);
        assert_eq!(
            v["messages"][0]["signature"]["status"], "valid",
            "{}: {:#}",
            f[0], v["messages"][0]["signature"]
        );
        let (_, v) = check_json(&[&path, "--idp-cert", &fixture("keys/idp-cert.pem")]);
        assert_eq!(
            v["messages"][0]["signature"]["status"], "invalid",
            "{}",
            f[0]
        );
        n += 1;
    }
    assert_eq!(
        n, 3,
        "the MANIFEST lists three signed Redirect-binding messages"
    );
}

// --- Trust from SAML metadata ---

#[test]
fn metadata_supplies_certificates_and_the_entity_id() {
    let Some(shared) = shared() else { return };
    let c = |p: &str| {
        shared
            .join("corpus/files")
            .join(p)
            .to_string_lossy()
            .into_owned()
    };
    let resp = c("samael/test_vectors/response_signed_by_idp_2.xml");
    // The right IdP's metadata: valid, and its entityID becomes the expected Issuer.
    let (_, v) = check_json(&[
        &resp,
        "--idp-metadata",
        &c("samael/test_vectors/idp_2_metadata.xml"),
    ]);
    let sig = &v["messages"][0]["signature"];
    assert_eq!(sig["status"], "valid", "{sig:#}");
    assert_eq!(sig["signatures"][0]["key"]["source"], "metadata");
    assert!(
        !codes(&v).contains(&"PRO013".to_string())
            || !v["findings"].to_string().contains("IdP entity ID ="),
        "the IdP entity ID came from metadata"
    );
    // Another IdP's metadata: the signature does not verify.
    let (_, v) = check_json(&[
        &resp,
        "--idp-metadata",
        &c("samael/test_vectors/idp_metadata.xml"),
    ]);
    assert_eq!(v["messages"][0]["signature"]["status"], "invalid");
    assert_eq!(v["messages"][0]["signature"]["cause"], "wrong-key");
    // ECDSA.
    let (_, v) = check_json(&[
        &c("samael/test_vectors/response_signed_by_idp_ecdsa.xml"),
        "--idp-metadata",
        &c("samael/test_vectors/idp_ecdsa_metadata.xml"),
    ]);
    assert_eq!(
        v["messages"][0]["signature"]["status"], "valid",
        "{:#}",
        v["messages"][0]["signature"]
    );
    assert_eq!(
        v["messages"][0]["signature"]["signatures"][0]["key"]["key_type"],
        "EC"
    );
}

/// SIG025: a signature verified with a certificate from metadata past its earliest `validUntil` (the
/// IDPSSODescriptor's, the EntityDescriptor's or an EntitiesDescriptor's), at the evaluation time
/// (review 64: metadata expired in 2020 was trusted without a word). One that is no xs:dateTime is
/// refused, exit 2.
#[test]
fn expired_metadata_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let body = pem_body(&read("keys/idp-cert.pem"));
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    let md = |outer: &str, entity: &str, role: &str| {
        let v = |t: &str| {
            if t.is_empty() {
                String::new()
            } else {
                format!(" validUntil=\"{t}\"")
            }
        };
        format!(
            "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"{}><md:EntityDescriptor entityID=\"https://kc.example.com/realms/acme\"{}><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"{}><md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor></md:EntitiesDescriptor>",
            v(outer),
            v(entity),
            v(role)
        )
    };
    let sig025 = |outer: &str, entity: &str, role: &str, at: Option<&str>| {
        let p = write_temp(dir.path(), "md.xml", md(outer, entity, role));
        let mut args = vec![ok.as_str(), "--idp-metadata", &p];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        let (_, v) = check_json(&args);
        assert_eq!(v["messages"][0]["signature"]["status"], "valid");
        findings_of(&v, "SIG025")
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(sig025("", "", "", None), Vec::<String>::new());
    assert_eq!(
        sig025("2030-01-01T00:00:00Z", "", "2040-01-01T00:00:00Z", None),
        Vec::<String>::new()
    );
    for (outer, entity, role, at, expired) in [
        ("2020-01-01T00:00:00Z", "", "", None, "2020-01-01T00:00:00Z"),
        (
            "",
            "2026-11-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
            None,
            "2026-11-01T00:00:00Z",
        ),
        (
            "2030-01-01T00:00:00Z",
            "2031-01-01T00:00:00Z",
            "2026-11-20T09:00:00Z",
            None,
            "2026-11-20T09:00:00Z",
        ),
        (
            "2030-01-01T00:00:00Z",
            "",
            "",
            Some("2031-01-01T00:00:00Z"),
            "2030-01-01T00:00:00Z",
        ),
    ] {
        let got = sig025(outer, entity, role, at);
        assert_eq!(got.len(), 1, "{outer} {entity} {role}: {got:?}");
        assert!(
            got[0].contains(&format!("expired at {expired} (validUntil)")),
            "{got:?}"
        );
    }
    // One certificate in two roles, one expired: it expires with the last (review 65: the first
    // role's expiry was taken, so the roles' order decided).
    let role = |until: &str| {
        format!(
            "<md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\" validUntil=\"{until}\"><md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor>"
        )
    };
    for (a, b) in [
        ("2020-01-01T00:00:00Z", "2040-01-01T00:00:00Z"),
        ("2040-01-01T00:00:00Z", "2020-01-01T00:00:00Z"),
    ] {
        let p = write_temp(
            dir.path(),
            "md.xml",
            format!(
                "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://kc.example.com/realms/acme\">{}{}</md:EntityDescriptor>",
                role(a),
                role(b)
            ),
        );
        let (_, v) = check_json(&[&ok, "--idp-metadata", &p]);
        assert!(findings_of(&v, "SIG025").is_empty(), "{a} {b}");
    }
    let p = write_temp(dir.path(), "md.xml", md("", "tomorrow", ""));
    let o = run(&["check", &ok, "--idp-metadata", &p]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("the validUntil of EntityDescriptor is not an xs:dateTime"),
        "{}",
        o.stderr
    );
}

#[test]
fn metadata_entity_selection_never_by_the_messages_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let body = pem_body(&read("keys/idp-cert.pem"));
    let other = pem_body(&read("keys/client-cert.pem"));
    let entity = |id: &str, cert: &str| {
        format!(
            "<md:EntityDescriptor entityID=\"{id}\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"><md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor></md:EntityDescriptor>"
        )
    };
    let md = format!(
        "<md:EntitiesDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">{}{}</md:EntitiesDescriptor>",
        entity("https://kc.example.com/realms/acme", &body),
        entity("https://other.example/idp", &other)
    );
    let p = write_temp(dir.path(), "md.xml", md);
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    // Two IdP entities and no --idp-entity-id: a usage error that lists them, not a guess from the Issuer.
    let o = run(&["check", &ok, "--idp-metadata", &p]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("choose one with --idp-entity-id")
            && o.stderr.contains("https://other.example/idp"),
        "{}",
        o.stderr
    );
    let (_, v) = check_json(&[
        &ok,
        "--idp-metadata",
        &p,
        "--idp-entity-id",
        "https://kc.example.com/realms/acme",
    ]);
    assert_eq!(v["messages"][0]["signature"]["status"], "valid");
    let (_, v) = check_json(&[
        &ok,
        "--idp-metadata",
        &p,
        "--idp-entity-id",
        "https://other.example/idp",
    ]);
    assert_eq!(v["messages"][0]["signature"]["status"], "invalid");
    assert!(
        codes(&v).contains(&"PRO002".to_string()),
        "the Issuer is not the chosen entity: {:?}",
        codes(&v)
    );
}

#[test]
fn idp_cert_forms_pem_bare_base64_der_and_rollover() {
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    let pem = read("keys/idp-cert.pem");
    let bare = pem_body(&pem);
    let dir = tempfile::tempdir().unwrap();
    use base64::Engine as _;
    let der = write_temp(
        dir.path(),
        "idp.der",
        base64::engine::general_purpose::STANDARD
            .decode(&bare)
            .unwrap(),
    );
    for trust in [pem.as_str(), bare.as_str(), der.as_str()] {
        let (_, v) = check_json(&[&ok, "--idp-cert", trust]);
        assert_eq!(v["messages"][0]["signature"]["status"], "valid");
    }
    // Rollover: the old certificate first, the current one second.
    let (_, v) = check_json(&[
        &ok,
        "--idp-cert",
        &fixture("keys/client-cert.pem"),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    assert_eq!(v["messages"][0]["signature"]["status"], "valid");
    // Stray characters in a pasted certificate (pitfall 8) are named.
    let o = run(&[
        "check",
        &ok,
        "--idp-cert",
        &format!("{}—{}", &bare[..40], &bare[40..]),
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unexpected characters"), "{}", o.stderr);
    // A certificate cut off in copying gets a sentence, never the parser's `NomError(Eof)`: cut at a
    // whole base64 quantum (the DER ends early), and one character later (the base64 itself is cut).
    let cut = &bare[..bare.len() / 2 / 4 * 4];
    for (value, says) in [
        (cut.to_string(), "the certificate is cut off: it declares"),
        (format!("{cut}A"), "base64 is cut off"),
        (
            format!("-----BEGIN CERTIFICATE-----\n{cut}\n-----END CERTIFICATE-----\n"),
            "the certificate is cut off: it declares",
        ),
    ] {
        let o = run(&["check", &ok, "--idp-cert", &value]);
        assert_eq!(o.code, 2);
        assert!(o.stderr.contains(says), "{}", o.stderr);
        assert!(!o.stderr.contains("Nom"), "{}", o.stderr);
    }
}

// --- The second verifier ---

#[test]
fn verifier_choice() {
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    if !cfg!(feature = "xmlsec") {
        // Asking for libxmlsec1 in a build without it is a usage error that says how to get it.
        let o = run(&["check", &ok, "--idp-cert", &cert, "--verifier", "xmlsec"]);
        assert_eq!(o.code, 2);
        assert!(o.stderr.contains("--features xmlsec"), "{}", o.stderr);
        return;
    }
    // Built with libxmlsec1: both verifiers reach the same verdicts, and `both` says it ran both.
    let tampered = read("saml/keycloak-atlassian-ok.xml").replace(
        "jane.doe@example.com</saml:NameID>",
        "x@example.com</saml:NameID>",
    );
    // An ASCII document that declares another ASCII-compatible encoding: libxml2 switches decoders
    // at the declaration, and its recorded positions (how a verdict finds samlint's signature) were
    // then 41 bytes off: "the verifier sees 2 signature(s) samlint's parser does not".
    let declared = signed_text(
        &format!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n{}",
            template()
        ),
        What::Both,
    );
    let cases: [(&str, &str, &str, Option<&str>); 4] = [
        ("ok", ok.as_str(), cert.as_str(), None),
        (
            "declared ISO-8859-1",
            declared.as_str(),
            cert.as_str(),
            None,
        ),
        (
            "wrong key",
            ok.as_str(),
            "keys/client-cert.pem",
            Some("wrong-key"),
        ),
        (
            "tampered",
            tampered.as_str(),
            cert.as_str(),
            Some("digest-mismatch"),
        ),
    ];
    for (name, xml, c, cause) in cases {
        let c = if c.starts_with("keys/") {
            fixture(c)
        } else {
            c.to_string()
        };
        for verifier in ["xmlsec", "both"] {
            let (_, v) = check_json(&[xml, "--idp-cert", &c, "--verifier", verifier]);
            let sig = &v["messages"][0]["signature"];
            assert_eq!(
                sig["status"],
                if cause.is_none() { "valid" } else { "invalid" },
                "{name} {verifier}: {sig:#}"
            );
            if let Some(cause) = cause {
                assert_eq!(sig["cause"], cause, "{name} {verifier}");
            }
            assert_eq!(
                sig["verifier"],
                if verifier == "both" {
                    "rust+xmlsec"
                } else {
                    "xmlsec"
                }
            );
            assert!(
                !codes(&v).contains(&"SIG017".to_string()),
                "{name}: the verifiers agree"
            );
        }
    }
    // libxmlsec1's own error output never reaches the terminal.
    let o = run(&[
        "check",
        &ok,
        "--idp-cert",
        &fixture("keys/client-cert.pem"),
        "--verifier",
        "xmlsec",
        "--format",
        "concise",
    ]);
    assert!(!o.stderr.contains("func=xmlSec"), "{}", o.stderr);
}

#[test]
fn keycloak_realm_descriptor_as_metadata() {
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    let md = fixture("saml/keycloak-realm-descriptor.xml");
    let (exit, v) = check_json(&[&ok, "--idp-metadata", &md]);
    assert_eq!(exit, 0);
    let sig = &v["messages"][0]["signature"];
    assert_eq!(sig["status"], "valid");
    assert_eq!(sig["signatures"][0]["key"]["source"], "metadata");
    // The entity ID came from the descriptor, so it is not among the inferred values.
    let inferred = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "PRO013")
        .map(|f| f["message"].as_str().unwrap().to_string());
    assert!(
        inferred
            .as_deref()
            .is_some_and(|m| !m.contains("IdP entity ID")),
        "{inferred:?}"
    );
    // A response from another realm fails the Issuer check against the descriptor's entityID.
    let other = read("saml/keycloak-atlassian-unsigned.xml").replace("realms/acme", "realms/other");
    let other = signed_text(other.trim_end(), What::Both);
    let (_, v) = check_json(&[&other, "--idp-metadata", &md]);
    assert!(codes(&v).contains(&"PRO002".to_string()), "{:?}", codes(&v));
}

#[test]
fn unusable_trust_material_is_a_usage_error() {
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    let dir = tempfile::tempdir().unwrap();
    let sp_only = write_temp(
        dir.path(),
        "sp.xml",
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://sp.example\"><md:SPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\"/></md:EntityDescriptor>",
    );
    let o = run(&["check", &ok, "--idp-metadata", &sp_only]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no IDPSSODescriptor"), "{}", o.stderr);
    let md = fixture("saml/keycloak-realm-descriptor.xml");
    let o = run(&[
        "check",
        &ok,
        "--idp-metadata",
        &md,
        "--idp-entity-id",
        "https://other.example",
    ]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("no IdP entity")
            && o.stderr.contains("https://kc.example.com/realms/acme"),
        "{}",
        o.stderr
    );
    let o = run(&["check", &ok, "--idp-metadata", "missing-metadata.xml"]);
    assert_eq!(o.code, 2);
    let o = run(&["check", &ok, "--idp-cert", &fixture("keys/idp-key.pem")]);
    assert_eq!(o.code, 2, "a private key is not a certificate");
    assert!(o.stderr.contains("not a certificate"), "{}", o.stderr);
    // An output file that cannot be written.
    let o = run(&["check", &ok, "-o", "/nonexistent-dir/out.json"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("cannot write"), "{}", o.stderr);
}

/// Inputs the verify_differential fuzz target found (fixtures/fuzz/verify_differential-*), replayed
/// with every verifier this build has: none may come out `valid`, and each is refused as wrapping.
#[test]
fn fuzz_regressions_verify_differential() {
    let dir = root().join("fixtures/fuzz");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("verify_differential-") {
            continue;
        }
        n += 1;
        let verifiers: &[&str] = if cfg!(feature = "xmlsec") {
            &["rust", "xmlsec", "both"]
        } else {
            &["rust"]
        };
        for v in verifiers {
            let (code, j) = check_json(&[
                p.to_str().unwrap(),
                "--idp-cert",
                &fixture("keys/idp-cert.pem"),
                "--verifier",
                v,
            ]);
            assert_eq!(code, 1, "{name} --verifier {v}: {j:#}");
            for m in j["messages"].as_array().unwrap() {
                assert_ne!(m["signature"]["status"], "valid", "{name} --verifier {v}");
            }
            assert!(
                j["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["code"] == "SIG005"),
                "{name} --verifier {v}: {j:#}"
            );
        }
    }
    assert!(
        n >= 1,
        "no verify_differential regressions in {}",
        dir.display()
    );
}

/// Found by the adversarial review of samlint's own signature check: shapes a libxml2-based SP refuses
/// must never be `valid` (each was `valid` before or after the check moved onto samlint's parse).
#[test]
fn what_libxml2_cannot_verify_is_never_valid() {
    let base = signed(What::Assertion);
    assert_status(&verdict(&base, IDP).1, "valid", None);
    // Markup inside the base64 of SignatureValue (libxml2 reads its text too).
    let x = base.replacen(
        "</ds:SignatureValue>",
        "<ds:X>AAAA</ds:X></ds:SignatureValue>",
        1,
    );
    let (_, sig, codes) = verdict(&x, IDP);
    assert_status(&sig, "invalid", Some("malformed"));
    assert!(codes.contains(&"SIG001".into()), "{codes:?}");
    // ... and inside a DigestValue.
    let x = base.replacen("</ds:DigestValue>", "<ds:X>QUFB</ds:X></ds:DigestValue>", 1);
    assert_status(&verdict(&x, IDP).1, "invalid", Some("malformed"));
    // A relative namespace URI anywhere (libxml2's c14n refuses the whole document), here unsigned.
    let x = base.replacen(
        "<samlp:Response ",
        "<samlp:Response xmlns:q=\"relative/ns\" ",
        1,
    );
    assert_status(&verdict(&x, IDP).1, "invalid", Some("malformed"));
    // A namespaced URI attribute before the plain one on the Reference: left to bergshamra, which
    // reads the first; never valid.
    let x = base.replacen(
        "<ds:Reference URI=",
        "<ds:Reference xmlns:f=\"urn:f\" f:URI=\"#nowhere\" URI=",
        1,
    );
    assert_ne!(verdict(&x, IDP).1["status"], "valid");
    // A literal U+FFFF in a comment, a malformed declaration: not XML (exit 2).
    let x = base.replacen("<saml:Issuer>", "<!-- \u{ffff} --><saml:Issuer>", 1);
    assert_eq!(verdict(&x, IDP).0, 2);
    let x = format!("<?xml version=\"1.0\" foo=\"bar\"?>{base}");
    assert_eq!(verdict(&x, IDP).0, 2);
}

/// A Response over the Redirect binding (DEFLATE, base64, in the query) with neither a query signature
/// nor an XML signature is unsigned, as it is over POST: SIG002 and exit 1, never a clean pass (it had
/// no signature check at all). The same Response signed in its XML is judged by that signature.
#[test]
fn an_unsigned_response_over_the_redirect_binding_is_unsigned() {
    let redirect_url = |xml: &str| {
        let b64 = deflated_b64(xml);
        format!(
            "https://auth.atlassian.com/login/callback?connection=saml-22222222-0000-4000-8000-000000000001&SAMLResponse={}",
            pct(&b64)
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let unsigned = write_temp(
        dir.path(),
        "unsigned.url",
        redirect_url(&read("saml/keycloak-atlassian-unsigned.xml")),
    );
    for cert in [IDP, None] {
        let (exit, sig, codes) = verdict(&unsigned, cert);
        assert_status(&sig, "absent", Some("no-signature"));
        assert!(codes.contains(&"SIG002".to_string()), "{codes:?}");
        assert_eq!(exit, 1, "{codes:?}");
    }
    let signed = write_temp(
        dir.path(),
        "signed.url",
        redirect_url(&read("saml/keycloak-atlassian-ok.xml")),
    );
    let (_, sig, codes) = verdict(&signed, IDP);
    assert_status(&sig, "valid", None);
    assert!(!codes.contains(&"SIG002".to_string()), "{codes:?}");
}

/// A Redirect-style signature (`SigAlg`, `Signature` over the raw octets) beside a message the Redirect
/// binding does not carry: a form body with plain base64, or a deflated query POSTed in a HAR. A
/// POST-binding SP ignores those parameters and reads the XML, so the message is judged by its XML
/// signatures (review, 2026-12-05: an unsigned Response POSTed so was `valid`, exit 0) and SIG023 says
/// why the query signature was not checked.
#[test]
fn a_query_signature_beside_a_posted_message_is_not_its_signature() {
    use base64::Engine as _;
    use std::io::Write as _;
    let signed_query = |message: &[u8]| {
        with_query_signature(
            &format!(
                "SAMLResponse={}&RelayState=r&SigAlg={}",
                pct(&base64::engine::general_purpose::STANDARD.encode(message)),
                pct(RSA_SHA256)
            ),
            "keys/idp-key.pem",
        )
    };
    let unsigned = read("saml/keycloak-atlassian-unsigned.xml");
    let dir = tempfile::tempdir().unwrap();
    // A form body: base64, not deflated.
    let body = write_temp(dir.path(), "body.txt", signed_query(unsigned.as_bytes()));
    // A deflated query, POSTed.
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(unsigned.as_bytes()).unwrap();
    let deflated = signed_query(&z.finish().unwrap());
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "startedDateTime": "2026-11-20T10:00:05.000Z",
        "request": {
            "method": "POST",
            "url": "https://sp.example.com/acs",
            "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": deflated.clone()}
        },
        "response": {"status": 200, "headers": []}
    }]}});
    let har = write_temp(dir.path(), "posted.har", har.to_string());
    // Review 2 (2026-12-05): the body of a GET, or of a method that is not quite POST, is no query.
    let in_body = |method: &str, name: &str| {
        let mut h: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&har).unwrap()).unwrap();
        h["log"]["entries"][0]["request"]["method"] = method.into();
        write_temp(dir.path(), name, h.to_string())
    };
    let get_body = in_body("GET", "get-body.har");
    let post_space = in_body("POST ", "post-space.har");
    for (input, why) in [
        (&body, "is not DEFLATE-encoded"),
        (&har, "was POSTed"),
        (&get_body, "came in a request body"),
        (&post_space, "came in a request body"),
    ] {
        let (exit, sig, codes) = verdict(input, IDP);
        assert_status(&sig, "absent", Some("no-signature"));
        assert!(codes.contains(&"SIG002".to_string()), "{input}: {codes:?}");
        assert!(codes.contains(&"SIG023".to_string()), "{input}: {codes:?}");
        assert_eq!(exit, 1, "{input}");
        let (_, v) = check_json(&[input.as_str(), "--idp-cert", &fixture("keys/idp-cert.pem")]);
        assert!(v.to_string().contains(why), "{input}: {v:#}");
    }
    // The same deflated query in a URL is the Redirect binding: its signature is checked, and holds.
    let url = write_temp(
        dir.path(),
        "redirect.url",
        format!("https://sp.example.com/acs?{deflated}"),
    );
    let (exit, sig, codes) = verdict(&url, IDP);
    assert_status(&sig, "valid", None);
    assert!(!codes.contains(&"SIG023".to_string()), "{codes:?}");
    assert_eq!(exit, 0, "{codes:?}");
}

/// Shapes another verifier reads differently, each seen `valid` in samlint and refused by xmlsec1 in
/// the sign-then-verify differential (2026-12-04): refused as malformed before any verifier runs.
/// A SignatureValue or DigestValue that is not plain base64 text, a Reference to an ID that is not an
/// NCName, an InclusiveNamespaces PrefixList not separated by single spaces. Controls stay valid.
#[test]
fn values_ids_and_prefix_lists_other_verifiers_read_differently_are_malformed() {
    let ok = signed(What::Both);
    let refused = |name: &str, x: &str, which: usize, cause: &str| {
        let (_, sig, codes) = verdict(x, IDP);
        let s = &sig["signatures"][which];
        assert_eq!(s["result"], "not-verified", "{name}: {sig:#}");
        assert_eq!(s["cause"], cause, "{name}: {sig:#}");
        assert_ne!(sig["status"], "valid", "{name}");
        let code = if cause == "unsupported-reference" {
            "SIG008"
        } else {
            "SIG001"
        };
        assert!(codes.contains(&code.to_string()), "{name}: {codes:?}");
    };
    let malformed = |name: &str, x: &str, which: usize| refused(name, x, which, "malformed");
    // The first SignatureValue / DigestValue in the document is the Response's.
    let end_sv = "</ds:SignatureValue>";
    for (name, add, cause) in [
        ("comment then text", "<!-- x -->AAAA", "malformed"),
        ("CDATA", "<![CDATA[AAAA]]>", "malformed"),
        ("no-break space", "&#160;", "bad-signature-value"),
        ("next line", "\u{85}", "bad-signature-value"),
        ("line separator", "\u{2028}", "bad-signature-value"),
    ] {
        let x = ok.replacen(end_sv, &format!("{add}{end_sv}"), 1);
        refused(name, &x, 0, cause);
    }
    let end_dv = "</ds:DigestValue>";
    malformed(
        "DigestValue no-break space",
        &ok.replacen(end_dv, &format!("\u{a0}{end_dv}"), 1),
        0,
    );
    // Plain XML white space inside a base64 value is read alike everywhere: still valid.
    let (_, sig, _) = verdict(&ok.replacen(end_sv, &format!("\n\t {end_sv}"), 1), IDP);
    assert_eq!(sig["status"], "valid", "{sig:#}");

    // An Assertion ID with an apostrophe, signed as such: libxmlsec1 cannot look it up.
    let id = "ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f";
    for bad in ["a'b", "a^^b", "1abc"] {
        let t = template().replace(id, bad);
        let x = signed_text(&t, What::Assertion);
        refused(bad, &x, 0, "unsupported-reference");
    }

    // PrefixLists, on the Response's exclusive c14n transform.
    let transform = "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";
    assert!(ok.contains(transform));
    let with_list = |list: &str| {
        ok.replacen(
            transform,
            &format!("<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"><ec:InclusiveNamespaces xmlns:ec=\"http://www.w3.org/2001/10/xml-exc-c14n#\" PrefixList=\"{list}\"/></ds:Transform>"),
            1,
        )
    };
    for list in [" ", " saml", "saml ", "saml  samlp", "saml&#9;samlp", "a:b"] {
        malformed(list, &with_list(list), 0);
    }
    // A comment in a SignedInfo canonicalised #WithComments; C14N 1.1 over an xml: attribute other
    // than xml:lang / xml:space. Controls: the same without the comment, with xml:lang.
    let c14n = "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>";
    assert!(ok.contains(c14n));
    let commented = |comment: &str| {
        ok.replacen(
            c14n,
            &format!("<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#WithComments\"/>{comment}"),
            1,
        )
    };
    malformed("comment in SignedInfo", &commented("<!-- x -->"), 0);
    let (_, sig, _) = verdict(&commented(""), IDP);
    assert_ne!(sig["signatures"][0]["cause"], "malformed", "{sig:#}");
    let c14n11 = |attr: &str| {
        ok.replacen(
            transform,
            "<ds:Transform Algorithm=\"http://www.w3.org/2006/12/xml-c14n11\"/>",
            1,
        )
        .replacen("<saml:NameID ", &format!("<saml:NameID {attr} "), 1)
    };
    malformed("xml:foo under C14N 1.1", &c14n11("xml:foo=\"x\""), 0);
    let (_, sig, _) = verdict(&c14n11("xml:lang=\"en\""), IDP);
    assert_ne!(sig["signatures"][0]["cause"], "malformed", "{sig:#}");
    for list in ["", "saml samlp", "#default"] {
        let (_, sig, _) = verdict(&with_list(list), IDP);
        assert_ne!(
            sig["signatures"][0]["cause"], "malformed",
            "{list:?}: {sig:#}"
        );
    }
}

/// SIG011 names both readings when they differ, and says what is at stake when the first text node is
/// the whole value (a processing instruction or comment after or before the text): the review of
/// 2026-12-05 found the message quoting the same value twice as if it were two.
#[test]
fn split_value_messages_say_what_differs() {
    let message = |t: &str| {
        let x = signed_text(t, What::Assertion);
        let (_, v) = check_json(&[x.as_str(), "--idp-cert", &fixture("keys/idp-cert.pem")]);
        let m: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "SIG011")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(m.len(), 1, "{t}: {m:?}");
        m[0].clone()
    };
    let value = ">Jane</saml:AttributeValue>";
    let pi_after = message(&template().replacen(value, ">Jane<?pi x?></saml:AttributeValue>", 1));
    assert!(
        pi_after.contains("processing instruction beside its text")
            && pi_after.contains("\"Jane\" in full")
            && !pi_after.contains("\"Jane\" to a parser"),
        "{pi_after}"
    );
    let split = message(&template().replacen(value, ">Ja<!--x-->ne</saml:AttributeValue>", 1));
    assert!(
        split.contains("is split by") && split.contains("\"Jane\" in full, but \"Ja\" to a parser"),
        "{split}"
    );
}

/// Review 26: a query-signed Response whose embedded Assertion signature no longer verifies was
/// `valid`, exit 0 (the XML signatures of a Redirect-binding message were never looked at), while
/// SPs that check them (OpenSAML, Atlassian's library) reject it. Both are judged now: the message is
/// `invalid` with the embedded signature's cause, and an intact one keeps the message `valid`.
#[test]
fn embedded_signatures_of_a_query_signed_message_are_judged_too() {
    let query_signed = |xml: &str| {
        let b64 = deflated_b64(xml);
        let octets = format!(
            "SAMLResponse={}&RelayState=r&SigAlg={}",
            pct(&b64),
            pct(RSA_SHA256)
        );
        format!(
            "https://sp.example.com/acs?{}",
            with_query_signature(&octets, "keys/idp-key.pem")
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let intact = signed(What::Assertion);
    let broken = intact.replacen("jane.doe@example.com<", "ceo@example.com<", 1);
    assert_ne!(intact, broken);
    let ok = write_temp(dir.path(), "ok.url", query_signed(&intact));
    // (The exit code is the protocol checks' too: this response is not addressed to the test SP.)
    let (_, sig, codes) = verdict(&ok, IDP);
    assert_status(&sig, "valid", None);
    assert_eq!(sig["signatures"].as_array().unwrap().len(), 2, "{sig}");
    // No signature finding: the query signature holds, and the embedded one is not said missing.
    assert!(
        !codes
            .iter()
            .any(|c| ["SIG001", "SIG002", "SIG005", "SIG019"].contains(&c.as_str())),
        "{codes:?}"
    );
    let bad = write_temp(dir.path(), "bad.url", query_signed(&broken));
    let (exit, sig, codes) = verdict(&bad, IDP);
    assert_status(&sig, "invalid", Some("digest-mismatch"));
    assert_eq!(
        sig["signatures"][0]["result"], "valid",
        "the query signature itself holds"
    );
    assert!(codes.contains(&"SIG001".to_string()), "{codes:?}");
    assert_eq!(exit, 1);
}

/// Review 27: a NameID inside an attribute value (how a targeted ID is sent, and ruby-saml reads it as
/// a subject identifier) split by a comment was no SIG011.
#[test]
fn a_nameid_inside_an_attribute_value_is_checked_for_splitting() {
    let t = template().replacen(
        ">Jane</saml:AttributeValue>",
        "><saml:NameID>admin-4711<!---->.attacker</saml:NameID></saml:AttributeValue>",
        1,
    );
    assert_ne!(t, template());
    let x = signed_text(&t, What::Both);
    let (_, v) = check_json(&[x.as_str(), "--idp-cert", &fixture("keys/idp-cert.pem")]);
    assert_eq!(v["messages"][0]["signature"]["status"], "valid");
    let split: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SIG011")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(split.len(), 1, "{split:?}");
    assert!(
        split[0].starts_with("a NameID in an attribute value is split"),
        "{split:?}"
    );
    // Any element's text (ruby-saml reads a child's text whatever it is), but structured content
    // (an element of elements) is no split.
    let codes_for = |inner: &str| {
        let t = template().replacen(
            ">Jane</saml:AttributeValue>",
            &format!(">{inner}</saml:AttributeValue>"),
            1,
        );
        let x = signed_text(&t, What::Both);
        let (_, v) = check_json(&[x.as_str(), "--idp-cert", &fixture("keys/idp-cert.pem")]);
        codes(&v)
    };
    let split = "SIG011".to_string();
    assert!(codes_for(r#"<x:v xmlns:x="urn:x">admin<!---->.attacker</x:v>"#).contains(&split));
    assert!(!codes_for(r#"<x:v xmlns:x="urn:x"><x:a>1</x:a><x:b>2</x:b></x:v>"#).contains(&split));
    // Review 29: indentation around the elements of structured content, or around a targeted ID's
    // NameID, is no split (both were SIG011, exit 1, on ordinary IdP output).
    let indented = "<x:v xmlns:x=\"urn:x\">\n  <x:a>1</x:a>\n  <x:b>2</x:b>\n</x:v>";
    assert!(!codes_for(indented).contains(&split));
    let targeted = "\n  <saml:NameID Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:persistent\">abc</saml:NameID>\n";
    assert!(!codes_for(targeted).contains(&split));
    // Text beside text around an element still is, and the message says that an element is inside
    // (review 64: it said the value read "in full", where textContent adds the element's text).
    assert!(codes_for("admin<x:b xmlns:x=\"urn:x\"/>.attacker").contains(&split));
    let t = template().replacen(
        ">Jane</saml:AttributeValue>",
        ">admin<x:b xmlns:x=\"urn:x\"/>.attacker</saml:AttributeValue>",
        1,
    );
    let (_, v) = check_json(&[
        signed_text(&t, What::Both).as_str(),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    assert!(
        v.to_string().contains(
            "an attribute value holds an element inside its value: its own text reads \\\"admin.attacker\\\", but a parser that reads all text inside it (textContent) adds the inner element's text, and one that stops at the first text node sees \\\"admin\\\""
        ),
        "{v:#}"
    );
}

/// Review 27: the SP signs an AuthnRequest, so it is checked with `--sp-cert` and never with the IdP's
/// keys (it was `wrong-key` with --idp-cert, and nothing could check it); and what the IdP signs is
/// never checked with `--sp-cert`.
#[test]
fn an_authn_request_is_checked_with_the_sp_certificate_only() {
    let request = signed_redirect_url_with("keys/sp-key.pem");
    let run = |input: &str, args: &[&str]| {
        let mut a = vec![input];
        a.extend_from_slice(args);
        let (exit, v) = check_json(&a);
        (exit, v["messages"][0]["signature"].clone(), v)
    };
    let (sp, idp) = (fixture("keys/sp-cert.pem"), fixture("keys/idp-cert.pem"));
    let (_, sig, _) = run(&request, &["--sp-cert", &sp]);
    assert_status(&sig, "valid", None);
    // The summary says whose key it is (review 29: "from --idp-cert").
    let shown = common::run(&["check", &request, "--sp-cert", &sp]).stdout;
    assert!(shown.contains("from --sp-cert"), "{shown}");
    // The IdP's certificate is not the key for it: not checked, and the message says which option is.
    for args in [&["--idp-cert", sp.as_str()][..], &[]] {
        let (exit, sig, v) = run(&request, args);
        assert_status(&sig, "invalid", Some("no-key"));
        assert!(v.to_string().contains("no --sp-cert was given"), "{v:#}");
        assert_eq!(exit, 1);
    }
    // A Response signed by the IdP, with its certificate given only as --sp-cert: not trusted.
    let response = signed(What::Both);
    let (_, sig, _) = run(&response, &["--sp-cert", &idp]);
    assert_status(&sig, "untrusted", None);
    let (_, sig, _) = run(&response, &["--idp-cert", &idp]);
    assert_status(&sig, "valid", None);
    // A logout message is signed by either side (review 28): the SP's LogoutRequest is valid with
    // --sp-cert beside --idp-cert, and not with the IdP's certificate alone.
    let logout = r#"<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l1" Version="2.0" IssueInstant="2026-11-20T10:00:00Z" Destination="https://kc.example.com/realms/acme/protocol/saml"><saml:Issuer>https://sp.example.com</saml:Issuer><saml:NameID>jane.doe@example.com</saml:NameID></samlp:LogoutRequest>"#;
    let octets = format!(
        "SAMLRequest={}&SigAlg={}",
        pct(&deflated_b64(logout)),
        pct(RSA_SHA256)
    );
    let url = format!(
        "https://kc.example.com/realms/acme/protocol/saml?{}",
        with_query_signature(&octets, "keys/sp-key.pem")
    );
    let (_, sig, _) = run(&url, &["--idp-cert", &idp, "--sp-cert", &sp]);
    assert_status(&sig, "valid", None);
    let (_, sig, v) = run(&url, &["--idp-cert", &idp]);
    assert_status(&sig, "invalid", Some("wrong-key"));
    let (_, sig, v2) = run(&url, &[]);
    assert_status(&sig, "invalid", Some("no-key"));
    assert!(
        v2.to_string()
            .contains("no --idp-cert, --idp-metadata or --sp-cert was given"),
        "{v:#} {v2:#}"
    );
    // Review 36: its Issuer names the sender when the entity IDs are known. The SP's logout (Issuer
    // the SP entity ID) signed with the SP key is valid; the same message saying the IdP sent it
    // (Issuer the IdP entity ID), still signed with the SP key, is not.
    let both = ["--idp-cert", idp.as_str(), "--sp-cert", sp.as_str()];
    let named = |issuer: &str, key: &str| {
        let xml = logout.replace("https://sp.example.com", issuer);
        let octets = format!(
            "SAMLRequest={}&SigAlg={}",
            pct(&deflated_b64(&xml)),
            pct(RSA_SHA256)
        );
        format!(
            "https://kc.example.com/realms/acme/protocol/saml?{}",
            with_query_signature(&octets, key)
        )
    };
    let ids = [
        "--idp-entity-id",
        "https://kc.example.com/realms/acme",
        "--sp-entity-id",
        "https://sp.example.com",
    ];
    let with_ids: Vec<&str> = both.iter().chain(&ids).copied().collect();
    for (issuer, key, want, cause) in [
        ("https://sp.example.com", "keys/sp-key.pem", "valid", None),
        (
            "https://kc.example.com/realms/acme",
            "keys/sp-key.pem",
            "invalid",
            Some("wrong-key"),
        ),
        (
            "https://kc.example.com/realms/acme",
            "keys/idp-key.pem",
            "valid",
            None,
        ),
        (
            "https://sp.example.com",
            "keys/idp-key.pem",
            "invalid",
            Some("wrong-key"),
        ),
        (
            "https://other.example.com",
            "keys/sp-key.pem",
            "valid",
            None,
        ),
    ] {
        let (_, sig, v) = run(&named(issuer, key), &with_ids);
        assert_eq!(sig["status"], want, "{issuer} {key}: {v:#}");
        if let Some(c) = cause {
            assert_eq!(sig["cause"], c, "{issuer} {key}: {v:#}");
        }
        // An Issuer that names neither side is PRO002 (review 37), one that names a side is not.
        let pro002 = findings_of(&v, "PRO002");
        assert_eq!(
            pro002.len(),
            usize::from(issuer == "https://other.example.com"),
            "{issuer}: {v:#}"
        );
        assert!(
            pro002.iter().all(|f| f["help"]
                .as_str()
                .unwrap_or_default()
                .contains("its sender's entity ID")),
            "{v:#}"
        );
    }
    // Without the entity IDs, which side sent it is not known: both key sets.
    let (_, sig, _) = run(
        &named("https://kc.example.com/realms/acme", "keys/sp-key.pem"),
        &both,
    );
    assert_status(&sig, "valid", None);
}

/// An AuthnRequest verified only with its own KeyInfo certificate (SIG003): the help names the SP's
/// option, not `--idp-cert` (the IdP's certificate is never the key for it).
#[test]
fn an_untrusted_authn_request_asks_for_the_sp_certificate() {
    let request = r#"<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="2026-11-20T10:00:00Z" Destination="https://kc.example.com/realms/acme/protocol/saml" AssertionConsumerServiceURL="https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c"><saml:Issuer>https://auth.atlassian.com/saml/0f1e2d3c</saml:Issuer></samlp:AuthnRequest>"#;
    let xml = sign(
        request,
        What::Response,
        read("keys/sp-key.pem").as_bytes(),
        &pem_body(&read("keys/sp-cert.pem")),
        Alg::RsaSha256,
    )
    .unwrap();
    let (_, v) = check_json(&[&xml]);
    let m = &v["messages"][0];
    assert_status(&m["signature"], "untrusted", None);
    let sig003 = findings_of(&v, "SIG003");
    assert_eq!(sig003.len(), 1, "{v:#}");
    let help = sig003[0]["help"].as_str().unwrap_or_default();
    assert!(
        help.contains("--sp-cert") && !help.contains("--idp-cert"),
        "{help}"
    );
    // So does the key line of the summary.
    let shown = common::run(&["check", &xml]).stdout;
    assert!(shown.contains("(not trusted: pass --sp-cert)"), "{shown}");
    // The concise summary names the signed root by its kind, not "element".
    let concise = common::run(&["check", &xml, "--format", "concise"]).stdout;
    assert!(
        concise.contains("signatures: AuthnRequest valid"),
        "{concise}"
    );
    // A Response keeps the IdP's options.
    let (_, v) = check_json(&[&signed(What::Both)]);
    let sig003 = findings_of(&v, "SIG003");
    assert_eq!(sig003.len(), 1, "{v:#}");
    let help = sig003[0]["help"].to_string();
    assert!(
        help.contains("--idp-cert") && !help.contains("--sp-cert"),
        "{help}"
    );
}

/// An RSA signature value is as long as the key's modulus (RFC 8017 §8.2.2). One whose leading zero
/// byte was dropped (255 bytes for RSA-2048) is invalid, for that reason (review 33: bergshamra takes
/// it, so the cause said the verifiers read different documents and the prediction was unknown); one
/// a byte longer too. Atlassian Cloud's library rejects both ("the signature value … is incorrect").
#[test]
fn a_signature_value_of_the_wrong_length_is_invalid() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    // A signature whose value starts with a zero byte: about one in 256, found by varying the ID.
    let (xml, value) = (0..4000)
        .find_map(|i| {
            let t = template().replace("ID_2a9c8e7f", &format!("ID_{i:08x}"));
            let xml = signed_text(&t, What::Assertion);
            let v = xml
                .split("<ds:SignatureValue>")
                .nth(1)?
                .split('<')
                .next()?
                .to_string();
            let raw = b64.decode(v.split_whitespace().collect::<String>()).ok()?;
            (raw.first() == Some(&0)).then_some((xml, (v, raw)))
        })
        .expect("a signature value with a leading zero byte");
    let (text, raw) = value;
    let (exit, sig, _) = verdict(&xml, IDP);
    assert_eq!(exit, 0, "{sig:#}");
    assert_status(&sig, "valid", None);
    for (name, changed) in [
        ("short", raw[1..].to_vec()),
        ("long", [&[0u8][..], &raw].concat()),
    ] {
        let x = xml.replacen(&text, &b64.encode(&changed), 1);
        let (exit, sig, codes) = verdict(&x, IDP);
        assert_eq!(exit, 1, "{name}: {codes:?}");
        assert_status(&sig, "invalid", Some("bad-signature-value"));
        let detail = sig["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(&format!("is {} bytes long", changed.len())),
            "{name}: {detail}"
        );
        let (_, v) = check_json(&[&x, "--idp-cert", &fixture("keys/idp-cert.pem")]);
        let library = &v["messages"][0]["predictions"][0];
        assert_eq!(library["outcome"], "rejected", "{name}: {library:#}");
    }
}

/// A binding parameter written without `=` in a signed Redirect query (`…&RelayState&SigAlg=…`): SPs
/// that take the signed octets from the raw query leave it out, SPs that rebuild them write
/// `RelayState=`. Review 51: samlint rebuilt `RelayState=` and called a signature over those octets
/// `valid`. Neither signature is valid now; the same query with `RelayState=` still verifies.
#[test]
fn a_signed_redirect_parameter_without_an_equals_sign_is_never_valid() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let url = read("saml/authn-request-redirect.url");
    let (base, query) = url.trim().split_once('?').unwrap();
    let message = query
        .split('&')
        .find(|p| p.starts_with("SAMLRequest="))
        .unwrap();
    let key = bergshamra::keys::loader::load_rsa_private_pem(read("keys/idp-key.pem").as_bytes())
        .unwrap()
        .to_signing_key()
        .unwrap()
        .unwrap();
    let sign = |octets: &str| {
        let raw = bergshamra::crypto::sign::from_uri(RSA_SHA256)
            .unwrap()
            .sign(&key, octets.as_bytes())
            .unwrap();
        pct(&b64.encode(raw))
    };
    let alg = format!("SigAlg={}", pct(RSA_SHA256));
    let with_eq = format!("{message}&RelayState=&{alg}");
    let (_, sig, _) = verdict(
        &format!("{base}?{with_eq}&Signature={}", sign(&with_eq)),
        IDP,
    );
    assert_status(&sig, "valid", None);
    let without = format!("{message}&RelayState&{alg}");
    for (name, octets) in [("rebuilt", &with_eq), ("as received", &without)] {
        let (_, sig, _) = verdict(&format!("{base}?{without}&Signature={}", sign(octets)), IDP);
        assert_ne!(sig["status"], "valid", "{name}: {sig:#}");
        let detail = sig["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("without '='"), "{name}: {detail}");
    }
}

/// An XML-DSig ECDSA value is r then s, each as long as the curve's field (XML-DSig 1.1 §6.4.3, RFC
/// 4050 §3.3: 64 bytes for P-256), and libxmlsec1 refuses any other. Review 51: the same (r, s)
/// written in ASN.1 DER (as OpenSSL and Java emit it), or with each half padded to 33 bytes, was
/// `valid` (bergshamra's ECDSA takes both). Now invalid, with the reason; the value as signed stays
/// valid.
#[test]
fn an_ecdsa_signature_value_not_written_as_r_then_s_is_invalid() {
    use base64::Engine as _;
    let Some(shared) = shared() else { return };
    let b64 = base64::engine::general_purpose::STANDARD;
    let dir = shared.join("corpus/files/samael/test_vectors");
    let xml = std::fs::read_to_string(dir.join("response_signed_by_idp_ecdsa.xml")).unwrap();
    let md = dir
        .join("idp_ecdsa_metadata.xml")
        .to_string_lossy()
        .into_owned();
    let text = xml
        .split("SignatureValue>")
        .nth(1)
        .and_then(|v| v.split('<').next())
        .unwrap()
        .to_string();
    let raw = b64
        .decode(text.split_whitespace().collect::<String>())
        .unwrap();
    assert_eq!(raw.len(), 64, "a P-256 value as XML-DSig writes it");
    // ASN.1 DER: SEQUENCE { INTEGER r, INTEGER s }, each without leading zeros, with one when its high
    // bit is set.
    let int = |half: &[u8]| {
        let mut v: Vec<u8> = half.iter().copied().skip_while(|b| *b == 0).collect();
        if v.first().is_none_or(|b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        [vec![0x02, v.len() as u8], v].concat()
    };
    let body = [int(&raw[..32]), int(&raw[32..])].concat();
    let der = [vec![0x30, body.len() as u8], body].concat();
    let padded = [&[0u8][..], &raw[..32], &[0u8][..], &raw[32..]].concat();
    let dir = tempfile::tempdir().unwrap();
    // The metadata's certificate as a PEM file.
    let md_text = std::fs::read_to_string(&md).unwrap();
    let cert = md_text
        .split("X509Certificate>")
        .nth(1)
        .and_then(|v| v.split('<').next())
        .unwrap()
        .split_whitespace()
        .collect::<String>();
    let ec = write_temp(
        dir.path(),
        "ec.pem",
        format!("-----BEGIN CERTIFICATE-----\n{cert}\n-----END CERTIFICATE-----\n"),
    );
    for (name, value, status) in [
        ("as signed", raw.clone(), "valid"),
        ("DER", der, "invalid"),
        ("padded halves", padded, "invalid"),
    ] {
        let p = write_temp(
            dir.path(),
            "ec.xml",
            xml.replacen(&text, &b64.encode(&value), 1),
        );
        // With the metadata's certificate, and (review 53) beside an RSA certificate given first or
        // last: the cause is the EC key's, whatever the order.
        let rsa = fixture("keys/idp-cert.pem");
        for args in [
            vec!["--idp-metadata", md.as_str()],
            vec!["--idp-cert", rsa.as_str(), "--idp-cert", ec.as_str()],
            vec!["--idp-cert", ec.as_str(), "--idp-cert", rsa.as_str()],
        ] {
            let (_, v) = check_json(&[[p.as_str()].as_slice(), &args].concat());
            let sig = &v["messages"][0]["signature"];
            assert_eq!(sig["status"], status, "{name} {args:?}: {sig:#}");
            if status == "invalid" {
                assert_eq!(
                    sig["cause"], "bad-signature-value",
                    "{name} {args:?}: {sig:#}"
                );
                let detail = sig["detail"].as_str().unwrap_or_default();
                assert!(
                    detail.contains(&format!("is {} bytes long", value.len()))
                        && detail.contains("64"),
                    "{name}: {detail}"
                );
            }
        }
    }
}

/// The same for the Redirect binding's signature over the query: a value of the wrong length is
/// invalid (OpenSSL, Java and the RFC refuse it), whichever library checks it.
#[test]
fn a_redirect_signature_of_the_wrong_length_is_invalid() {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let url = read("saml/authn-request-redirect.url");
    let (base, query) = url.trim().split_once('?').unwrap();
    let (octets, raw) = (0..4000)
        .find_map(|i| {
            let octets = format!(
                "{}&SigAlg={}",
                query.replacen("RelayState=", &format!("RelayState=x{i}"), 1),
                pct(RSA_SHA256)
            );
            let key =
                bergshamra::keys::loader::load_rsa_private_pem(read("keys/idp-key.pem").as_bytes())
                    .ok()?;
            let raw = bergshamra::crypto::sign::from_uri(RSA_SHA256)
                .ok()?
                .sign(&key.to_signing_key().ok()??, octets.as_bytes())
                .ok()?;
            (raw.first() == Some(&0)).then_some((octets, raw))
        })
        .expect("a signature value with a leading zero byte");
    let with = |sig: &[u8]| format!("{base}?{octets}&Signature={}", pct(&b64.encode(sig)));
    let (_, sig, _) = verdict(&with(&raw), IDP);
    assert_status(&sig, "valid", None);
    for changed in [raw[1..].to_vec(), [&[0u8][..], &raw].concat()] {
        let (exit, sig, codes) = verdict(&with(&changed), IDP);
        assert_eq!(exit, 1, "{codes:?} {sig:#}");
        assert_status(&sig, "invalid", Some("bad-signature-value"));
    }
}
