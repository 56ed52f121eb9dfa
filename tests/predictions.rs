//! What users see of the predictions (tests/oracle.rs proves them against Auth0's SP library): the
//! first lines of the human formats, the JSON fields, the Markdown report, redaction of every value the
//! library quotes, and the Data Center prediction.

mod common;
use common::*;
use samlint::verify::sign::{Alg, What, pem_body, sign};
use serde_json::Value;

const CONN: &str = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).unwrap()
}

fn template() -> String {
    read("saml/keycloak-atlassian-unsigned.xml")
        .trim_end()
        .to_string()
}

fn signed_with(xml: &str, key: &str, cert: &str) -> String {
    sign_as(xml, What::Both, key, cert)
}

/// `xml` with `what` signed (RSA-SHA256) with `key`, `cert` in its KeyInfo.
fn sign_as(xml: &str, what: What, key: &str, cert: &str) -> String {
    sign(
        xml,
        what,
        read(key).as_bytes(),
        &pem_body(&read(cert)),
        Alg::RsaSha256,
    )
    .unwrap()
}

/// The response signed with the client key (its certificate in KeyInfo): the realm certificate is the
/// one pasted into Atlassian.
fn client_signed(dir: &std::path::Path) -> String {
    write_temp(
        dir,
        "client-signed.xml",
        signed_with(&template(), "keys/client-key.pem", "keys/client-cert.pem"),
    )
}

fn connection() -> Vec<String> {
    vec![
        "--sp-entity-id".into(),
        format!("https://auth.atlassian.com/saml/{CONN}"),
        "--acs-url".into(),
        format!("https://auth.atlassian.com/login/callback?connection=saml-{CONN}"),
        "--at".into(),
        "2026-11-20T10:00:05Z".into(),
    ]
}

/// The human output with its wrapped lines joined (one space between words).
fn unwrapped(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn another_key_leads_with_invalid_thumbprint_and_the_certificate_that_signed() {
    let dir = tempfile::tempdir().unwrap();
    let x = client_signed(dir.path());
    let mut a: Vec<String> = vec![
        "check".into(),
        x.clone(),
        "--idp-cert".into(),
        fixture("keys/idp-cert.pem"),
    ];
    a.extend(connection());
    let o = run(&args(&a));
    assert_eq!(o.code, 1);
    let body = o.stdout.replace(&x, "client-signed.xml");
    let first: Vec<&str> = body.lines().take(12).collect();
    assert!(
        first[1].contains(
            "Atlassian would reject this login: Invalid thumbprint — predicted from Auth0's"
        ),
        "{body}"
    );
    // The certificate that did sign, with its colon thumbprint, in the summary under the verdict
    // (after the signatures and the configured key).
    let head = first.join("\n");
    assert!(
        head.contains("signed by    CN=atlassian client key (samlint TEST)"),
        "{head}"
    );
    assert!(head.contains("73:77:55:C8"), "{head}");
    assert!(
        body.contains("paste this certificate into Atlassian"),
        "{body}"
    );
    assert!(body.contains("-----BEGIN CERTIFICATE-----"), "{body}");
    insta::assert_snapshot!("full_another_key", no_elapsed(&body));

    let mut c = a.clone();
    c.extend(["--format".into(), "concise".into()]);
    let o = run(&args(&c));
    insta::assert_snapshot!(
        "concise_another_key",
        no_elapsed(&o.stdout.replace(&x, "client-signed.xml"))
    );

    let j = a[1..].to_vec();
    let (_, v) = check_json(&args(&j));
    let m = &v["messages"][0];
    insta::assert_json_snapshot!("json_another_key", (&m["predictions"], &m["signed_by"]));
    assert_eq!(
        m["signed_by"]["sha1"],
        m["signature"]["signatures"][0]["keyinfo_certificates"][0]["sha1"]
    );
}

#[test]
fn accepted_without_flags_says_what_it_assumed() {
    let (_, v) = check_json(&[&fixture("saml/keycloak-atlassian-ok.xml")]);
    let p = &v["messages"][0]["predictions"];
    assert_eq!(p[0]["stage"], "saml-library");
    assert_eq!(p[0]["accepted"], true);
    assert_eq!(p[0]["error_description"], Value::Null);
    assert_eq!(p[0]["error"], Value::Null);
    // The connection and the certificate were inferred: never more than `inferred`.
    assert_eq!(p[0]["confidence"], "inferred");
    assert_eq!(p[1]["stage"], "account");
    assert!(v["messages"][0].get("signed_by").is_none());
    let o = run(&["check", "fixtures/saml/keycloak-atlassian-ok.xml"]);
    let text = unwrapped(&o.stdout);
    assert!(
        text.contains(
            "── message 1 · Response · fixtures/saml/keycloak-atlassian-ok.xml ✔ Atlassian would accept this login — predicted from Auth0's SP library 4.6.1"
        ),
        "{text}"
    );
    assert!(text.contains("assumed: the ACS URL is"), "{text}");
    assert!(
        text.contains("the certificate pasted into Atlassian is the one the response carries"),
        "{text}"
    );
}

#[test]
fn the_account_step_is_its_own_stage() {
    let dir = tempfile::tempdir().unwrap();
    let x = write_temp(
        dir.path(),
        "username.xml",
        signed_with(
            &template().replace(">jane.doe@example.com</saml:NameID>", ">jane</saml:NameID>"),
            "keys/idp-key.pem",
            "keys/idp-cert.pem",
        ),
    );
    let mut a: Vec<String> = vec![x.clone(), "--idp-cert".into(), fixture("keys/idp-cert.pem")];
    a.extend(connection());
    let (_, v) = check_json(&args(&a));
    let p = &v["messages"][0]["predictions"];
    assert_eq!(p[0]["accepted"], true, "{p:#}");
    assert_eq!(p[0]["confidence"], "secondary", "{p:#}");
    assert_eq!(p[1]["stage"], "account");
    assert_eq!(p[1]["accepted"], false);
    assert_eq!(
        p[1]["error_description"],
        "verify-saml-domains:malformed-email-address"
    );
    assert_eq!(p[1]["confidence"], "confirmed");
    // With --domain, a domain that is not verified.
    let mut d = a.clone();
    d[0] = fixture("saml/keycloak-atlassian-ok.xml");
    d.extend(["--domain".into(), "corp.example".into()]);
    let (_, v) = check_json(&args(&d));
    let p = &v["messages"][0]["predictions"][1];
    assert_eq!(
        p["error_description"],
        "authentication-policy-strategy-mismatch"
    );
    let o = run(&args(&[vec!["check".to_string()], a].concat()));
    let first = unwrapped(&o.stdout.lines().take(3).collect::<Vec<_>>().join("\n"));
    assert!(
        first.contains(
            "Atlassian would reject this login: verify-saml-domains:malformed-email-address — Atlassian's account step"
        ),
        "{first}"
    );
}

#[test]
fn redacted_outputs_pseudonymise_what_the_library_quotes() {
    let dir = tempfile::tempdir().unwrap();
    // The Destination names another connection: the library quotes it and the ACS.
    let other = "9a8b7c6d-5e4f-4321-8765-0fedcba98765";
    let x = write_temp(
        dir.path(),
        "destination.xml",
        signed_with(
            &template().replacen(
                &format!("Destination=\"https://auth.atlassian.com/login/callback?connection=saml-{CONN}\""),
                &format!("Destination=\"https://auth.atlassian.com/login/callback?connection=saml-{other}\""),
                1,
            ),
            "keys/idp-key.pem",
            "keys/idp-cert.pem",
        ),
    );
    // A signature value changed after signing: the library quotes it.
    let s = signed_with(&template(), "keys/idp-key.pem", "keys/idp-cert.pem");
    let i = s.find("<ds:SignatureValue>").unwrap() + "<ds:SignatureValue>".len();
    // The part of the value that stays the same in the flipped document (what the library quotes).
    let sigval: String = s[i + 1..].split('<').next().unwrap().to_string();
    assert!(sigval.len() > 40);
    let flipped = format!(
        "{}{}{}",
        &s[..i],
        if &s[i..i + 1] == "A" { "B" } else { "A" },
        &s[i + 1..]
    );
    let y = write_temp(dir.path(), "sigval.xml", flipped);
    let mut a: Vec<String> = vec![
        x.clone(),
        y.clone(),
        "--idp-cert".into(),
        fixture("keys/idp-cert.pem"),
    ];
    a.extend(connection());
    let (_, plain) = check_json(&args(&a));
    let d0 = plain["messages"][0]["predictions"][0]["error_description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d0.starts_with(
            "Destination endpoint https://auth.atlassian.com/login/callback?connection=saml-9a8b"
        ),
        "{d0}"
    );
    let d1 = plain["messages"][1]["predictions"][0]["error_description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d1.starts_with("Signature check errors: invalid signature: the signature value "),
        "{d1}"
    );
    let mut r = a.clone();
    r.extend(["--redact".into(), "--redact-seed".into(), "3".into()]);
    let (_, red) = check_json(&args(&r));
    let text = red["messages"].to_string();
    for secret in [CONN, other, &sigval[..40]] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let r0 = red["messages"][0]["predictions"][0]["error_description"]
        .as_str()
        .unwrap();
    assert!(
        r0.starts_with(
            "Destination endpoint https://auth.atlassian.com/login/callback?connection=saml-conn-"
        ),
        "{r0}"
    );
    let r1 = red["messages"][1]["predictions"][0]["error_description"]
        .as_str()
        .unwrap();
    assert!(r1.contains("[encoded value removed]"), "{r1}");
    // The Markdown report (redacted by default) and the concise format under --redact.
    let o = run(&args(
        &[
            vec!["report".to_string()],
            a.clone(),
            vec!["--redact-seed".into(), "3".into()],
        ]
        .concat(),
    ));
    assert!(
        o.stdout.contains("## What Atlassian would answer"),
        "{}",
        o.stdout
    );
    let mut c = r.clone();
    c.extend(["--format".into(), "concise".into()]);
    let oc = run(&args(&[vec!["check".to_string()], c].concat()));
    for out in [&o.stdout, &oc.stdout] {
        for secret in [CONN, other, &sigval[..40]] {
            assert!(!out.contains(secret), "{secret} leaked:\n{out}");
        }
    }
}

#[test]
fn data_center_is_predicted_unconfirmed() {
    let dc = to_data_center(&template());
    let dir = tempfile::tempdir().unwrap();
    // Response signed only: Data Center requires the assertion signed.
    let x = write_temp(
        dir.path(),
        "dc.xml",
        sign(
            &dc,
            What::Response,
            read("keys/idp-key.pem").as_bytes(),
            &pem_body(&read("keys/idp-cert.pem")),
            Alg::RsaSha256,
        )
        .unwrap(),
    );
    let (_, v) = check_json(&[&x, "--idp-cert", &fixture("keys/idp-cert.pem")]);
    let p = v["messages"][0]["predictions"].as_array().unwrap();
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0]["sp"], "atlassian-datacenter");
    assert_eq!(p[0]["confidence"], "unconfirmed");
    assert_eq!(p[0]["accepted"], false);
    assert_eq!(
        p[0]["error_description"],
        "The Assertion of the Response is not signed and the SP requires it"
    );
}

/// A valid signature that Atlassian Cloud's library canonicalises otherwise (a processing instruction
/// in the signed content): the prediction rejects, and SIG024 says why where the signature is, so a
/// pasted response does not look clean (tests/oracle.rs checks every SIG024 against the library).
#[test]
fn a_canonical_form_the_library_writes_otherwise_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let with_pi = template().replacen(
        "<saml:AttributeStatement>",
        "<?xml-stylesheet href=\"x\"?><saml:AttributeStatement>",
        1,
    );
    assert_ne!(with_pi, template());
    let pi = write_temp(
        dir.path(),
        "pi.xml",
        signed_with(&with_pi, "keys/idp-key.pem", "keys/idp-cert.pem"),
    );
    let plain = write_temp(
        dir.path(),
        "plain.xml",
        signed_with(&template(), "keys/idp-key.pem", "keys/idp-cert.pem"),
    );
    let mut a = vec![pi.clone(), "--idp-cert".into(), cert.clone()];
    a.extend(connection());
    let (code, v) = check_json(&args(&a));
    assert_eq!(code, 0, "a warning, below the default --fail-on");
    assert_eq!(v["messages"][0]["signature"]["status"], "valid");
    let cloud = &v["messages"][0]["predictions"][0];
    assert_eq!(cloud["stage"], "saml-library");
    assert_eq!(cloud["accepted"], false);
    // The library rejects it (tests/oracle.rs), with a text samlint does not compute.
    assert_eq!(cloud["outcome"], "rejected");
    assert_eq!(cloud["error"], "access_denied");
    assert_eq!(cloud["error_description"], Value::Null);
    let sig024: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SIG024")
        .collect();
    assert_eq!(sig024.len(), 1, "{:#}", v["findings"]);
    assert_eq!(sig024[0]["severity"], "warning");
    let msg = sig024[0]["message"].as_str().unwrap();
    assert!(msg.contains("processing instruction"), "{msg}");
    // At the Response's Signature start tag.
    assert!(
        sig024[0]["location"]["path"] == "/Response/Signature",
        "{:#}",
        sig024[0]
    );
    // --fail-on warning makes it fail; --ignore removes it.
    let mut f = a.clone();
    f.extend(["--fail-on".into(), "warning".into()]);
    assert_eq!(check_json(&args(&f)).0, 1);
    let mut ig = a.clone();
    ig.extend(["--ignore".into(), "SIG024".into()]);
    let (_, v) = check_json(&args(&ig));
    assert!(!codes(&v).contains(&"SIG024".to_string()));
    // The same response without it: accepted, no SIG024.
    let mut b = vec![plain, "--idp-cert".into(), cert];
    b.extend(connection());
    let (_, v) = check_json(&args(&b));
    assert_eq!(v["messages"][0]["predictions"][0]["accepted"], true);
    assert!(!codes(&v).contains(&"SIG024".to_string()));
}

/// Beyond the model (a SAML 1.1 assertion, correctly signed), samlint says it cannot predict the
/// answer and why, in every format: never "would reject", which the library may not (tests/oracle.rs
/// lists responses it accepts that samlint cannot predict).
#[test]
fn an_answer_beyond_the_model_is_unknown_not_a_rejection() {
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let t = template().replacen("<saml:Assertion ", "<saml:Assertion MajorVersion=\"1\" ", 1);
    assert_ne!(t, template());
    let p = write_temp(
        dir.path(),
        "saml11.xml",
        signed_with(&t, "keys/idp-key.pem", "keys/idp-cert.pem"),
    );
    let mut a = vec![p.clone(), "--idp-cert".into(), cert];
    a.extend(connection());
    let (code, v) = check_json(&args(&a));
    assert_eq!(code, 0, "{:#}", v["findings"]);
    assert_eq!(v["messages"][0]["signature"]["status"], "valid");
    let cloud = &v["messages"][0]["predictions"][0];
    assert_eq!(cloud["stage"], "saml-library");
    assert_eq!(cloud["outcome"], "unknown");
    assert_eq!(
        cloud["accepted"], false,
        "true only for a predicted acceptance"
    );
    assert_eq!(cloud["error"], Value::Null);
    assert_eq!(cloud["error_description"], Value::Null);
    assert_eq!(cloud["confidence"], "unconfirmed");

    let mut h = vec!["check".to_string()];
    h.extend(a.clone());
    let text = unwrapped(&run(&args(&h)).stdout);
    assert!(
        text.contains(
            "? samlint cannot predict whether Atlassian accepts this login — beyond its model of Auth0's SP library 4.6.1"
        ),
        "{text}"
    );
    assert!(
        text.contains("why: a SAML 1.1 assertion: samlint models the library's SAML 2.0 path only"),
        "{text}"
    );
    assert!(!text.contains("would reject"), "{text}");
    for (format, expect) in [
        ("concise", "summary atlassian-cloud unknown ·"),
        (
            "concise",
            "prediction[atlassian-cloud/saml-library] unknown (",
        ),
        (
            "markdown",
            "- samlint cannot predict whether Atlassian accepts this login",
        ),
    ] {
        let mut c = h.clone();
        c.extend(["--format".into(), format.into()]);
        let out = run(&args(&c)).stdout;
        assert!(out.contains(expect), "{format}: {out}");
        assert!(
            !out.contains("would reject") && !out.contains("rejected"),
            "{format}: {out}"
        );
    }
}

/// Without any connection id (no Destination, no Recipient, a foreign Audience, the pack asked for),
/// the assumed ACS and SP entity ID carry samlint's placeholder, which a redacted report shows as it
/// is: a pseudonym would read like a real connection's id.
#[test]
fn the_unknown_connection_placeholder_is_not_pseudonymised() {
    let t = template();
    let destination = format!(
        " Destination=\"https://auth.atlassian.com/login/callback?connection=saml-{CONN}\""
    );
    let recipient =
        format!(" Recipient=\"https://auth.atlassian.com/login/callback?connection=saml-{CONN}\"");
    assert!(t.contains(&destination) && t.contains(&recipient));
    let x = t.replace(&destination, "").replace(&recipient, "").replace(
        &format!("https://auth.atlassian.com/saml/{CONN}"),
        "https://sp.example.org/metadata",
    );
    assert!(!x.contains(CONN));
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "noid.xml", x);
    for redact in [false, true] {
        let mut a = vec![
            "check",
            p.as_str(),
            "--pack",
            "atlassian-cloud",
            "--format",
            "markdown",
        ];
        if redact {
            a.push("--redact");
        }
        let o = run(&a);
        let out = o.stdout;
        assert!(
            out.contains("https://auth.atlassian.com/login/callback?connection=saml-<id>")
                && out.contains("https://auth.atlassian.com/saml/<id>"),
            "redact {redact}: {out}{}",
            o.stderr
        );
        assert!(!out.contains("conn-"), "redact {redact}: {out}");
    }
}

/// Without a NameID, the account step reads the nameidentifier claim the library hands on in its
/// place (saml.js parseAttributes); with several values, which it hands on as a list, no prediction.
#[test]
fn the_account_step_reads_the_nameidentifier_claim_without_a_nameid() {
    let dir = tempfile::tempdir().unwrap();
    let one = read("oracle/no-nameid-nameidentifier-claim.xml");
    let claim = "nameidentifier\"><saml:AttributeValue>jane.doe@example.com</saml:AttributeValue>";
    assert!(one.contains(claim) && !one.contains("NameID"));
    let two = one.replacen(
        claim,
        "nameidentifier\"><saml:AttributeValue>jane.doe@example.com</saml:AttributeValue><saml:AttributeValue>x@example.com</saml:AttributeValue>",
        1,
    );
    // Review 36: Auth0's library keeps the last Attribute of that Name (in any namespace, under an
    // AttributeStatement), and reads every element child of it, whatever its name; one with no
    // child node is no claim. samlint merged them all and read only AttributeValue children.
    let attr = "<saml:Attribute Name=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier\"";
    let after = |extra: &str| {
        let end = format!("{claim}</saml:Attribute>");
        assert!(one.contains(&end));
        one.replacen(&end, &format!("{end}{extra}"), 1)
    };
    let later = after(&format!(
        "{attr}><x:Value xmlns:x=\"urn:x\">evil@evil.test</x:Value></saml:Attribute>"
    ));
    let foreign = one.replacen(
        claim,
        "nameidentifier\"><x:Value xmlns:x=\"urn:x\">evil@evil.test</x:Value>",
        1,
    );
    let emptied = after(&format!("{attr}/>"));
    let listed = after(&format!("{attr}> </saml:Attribute>"));
    for (name, xml, want) in [
        ("one.xml", &one, "accepted"),
        ("two.xml", &two, "unknown"),
        ("later.xml", &later, "rejected"),
        ("foreign.xml", &foreign, "rejected"),
        ("emptied.xml", &emptied, "rejected"),
        ("listed.xml", &listed, "unknown"),
    ] {
        let p = write_temp(dir.path(), name, xml);
        let mut a = vec![p, "--idp-cert".into(), fixture("keys/idp-cert.pem")];
        a.extend(["--domain".into(), "example.com".into()]);
        a.extend(connection());
        let (_, v) = check_json(&args(&a));
        let account = v["messages"][0]["predictions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["stage"] == "account")
            .cloned()
            .unwrap_or_default();
        assert_eq!(account["outcome"], want, "{name}: {account:#}");
    }
}

/// Review 36: Atlassian holds one certificate (the library one thumbprint). A Response and an
/// Assertion signed under two certificates (a key rollover, or an assertion signed by someone else)
/// were predicted accepted without `--idp-cert` (each signature's certificate assumed the one held)
/// and with both certificates given. Rejected now, "Invalid thumbprint", whichever is held; a single
/// signature under one of several certificates given is accepted, saying which one is assumed held.
#[test]
fn two_certificates_cannot_both_be_the_one_atlassian_holds() {
    let dir = tempfile::tempdir().unwrap();
    let t = template();
    let reissued = sign_as(
        &t,
        What::Assertion,
        "keys/idp-key.pem",
        "keys/idp-cert-other.pem",
    );
    let mixed = sign_as(
        &reissued,
        What::Response,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
    );
    let others = sign_as(
        &t,
        What::Assertion,
        "keys/client-key.pem",
        "keys/client-cert.pem",
    );
    let others = sign_as(
        &others,
        What::Response,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
    );
    let one = sign_as(
        &t,
        What::Assertion,
        "keys/client-key.pem",
        "keys/client-cert.pem",
    );
    let idp = fixture("keys/idp-cert.pem");
    let both_certs = write_temp(
        dir.path(),
        "both.pem",
        read("keys/idp-cert.pem") + &read("keys/client-cert.pem"),
    );
    // The JSON report, and the human output's words (unwrapped).
    let checked = |xml: &str, certs: &[&str]| -> (Value, String) {
        let x = write_temp(dir.path(), "r.xml", xml);
        let mut a = vec![x.as_str()];
        for c in certs {
            a.extend(["--idp-cert", c]);
        }
        let c = connection();
        a.extend(args(&c));
        let (_, v) = check_json(&a);
        let mut h = vec!["check"];
        h.extend(&a);
        (v, unwrapped(&run(&h).stdout))
    };
    // The JSON prediction of the SAML library's stage, and the human output's words.
    let predicted = |xml: &str, certs: &[&str]| -> (Value, String) {
        let (v, text) = checked(xml, certs);
        (v["messages"][0]["predictions"][0].clone(), text)
    };
    let other = fixture("keys/idp-cert-other.pem");
    let client = fixture("keys/client-cert.pem");
    for (what, xml, certs) in [
        ("re-issued, no certificate", &mixed, vec![]),
        (
            "re-issued, both given",
            &mixed,
            vec![idp.as_str(), other.as_str()],
        ),
        (
            "re-issued, both given, other first",
            &mixed,
            vec![other.as_str(), idp.as_str()],
        ),
        ("another key, no certificate", &others, vec![]),
        (
            "another key, both in one file",
            &others,
            vec![both_certs.as_str()],
        ),
    ] {
        let (p, text) = predicted(xml, &certs);
        assert_eq!(p["accepted"], false, "{what}: {p:#}");
        assert!(
            p["error_description"]
                .as_str()
                .unwrap()
                .starts_with("Invalid thumbprint"),
            "{what}: {p:#}"
        );
        assert!(
            text.contains("Atlassian would reject this login: Invalid thumbprint"),
            "{what}: {text}"
        );
    }
    // One signature, one of the certificates given: accepted, the one held assumed and named.
    let held = "of the 2 certificates given, the one pasted into Atlassian (it holds one) is SHA-1 73:77:55:C8";
    let (p, text) = predicted(&one, &[both_certs.as_str()]);
    assert_eq!(p["accepted"], true, "{p:#}");
    assert!(text.contains(held), "{text}");
    let (p, text) = predicted(&one, &[client.as_str()]);
    assert_eq!(p["accepted"], true, "{p:#}");
    assert!(!text.contains("certificates given"), "{text}");
    // Review 37: a signature without KeyInfo is checked with the one certificate held, whichever of
    // those given that is. Under the second given: accepted. Beside a signature under the other
    // certificate's KeyInfo: no single certificate passes both (the library answers "Invalid
    // thumbprint" or "the signature value … is incorrect").
    let bare = |xml: &str| {
        let (start, end) = (
            xml.find("<ds:KeyInfo>").unwrap(),
            xml.find("</ds:KeyInfo>").unwrap(),
        );
        format!("{}{}", &xml[..start], &xml[end + "</ds:KeyInfo>".len()..])
    };
    let one_bare = bare(&one);
    for certs in [
        [idp.as_str(), client.as_str()],
        [client.as_str(), idp.as_str()],
    ] {
        let (p, text) = predicted(&one_bare, &certs);
        assert_eq!(p["accepted"], true, "{certs:?} {p:#}");
        assert!(text.contains(held), "{text}");
    }
    // Review 38: rejected under every certificate given, the answer is the one under the
    // certificate that verified the signature (its audience, its processing instruction with
    // SIG024), named as held, whatever the order they were given in.
    let wrong_audience = sign_as(
        &t.replace(
            "/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9</saml:Audience>",
            "/saml/other</saml:Audience>",
        ),
        What::Assertion,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
    );
    let pi = bare(&sign_as(
        &t.replacen("<saml:Subject>", "<?pi x?><saml:Subject>", 1),
        What::Assertion,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
    ));
    let idp_held = "of the 2 certificates given, the one pasted into Atlassian (it holds one) is SHA-1 13:C0:80:FF";
    for certs in [
        [idp.as_str(), client.as_str()],
        [client.as_str(), idp.as_str()],
    ] {
        let (p, text) = predicted(&wrong_audience, &certs);
        assert_eq!(
            p["error_description"], "Audience is invalid.",
            "{certs:?} {p:#}"
        );
        assert!(text.contains(idp_held), "{text}");
        let (v, _) = checked(&pi, &certs);
        assert_eq!(
            v["messages"][0]["predictions"][0]["outcome"], "rejected",
            "{certs:?} {v:#}"
        );
        assert_eq!(findings_of(&v, "SIG024").len(), 1, "{certs:?} {v:#}");
    }
    // Review 38: a KeyInfo certificate that is one of those given is not "another certificate"
    // (SIG004 said "Invalid thumbprint" beside a prediction that accepted, naming it held).
    for (certs, sig004) in [
        (vec![idp.as_str(), other.as_str()], 0),
        (vec![idp.as_str()], 1),
    ] {
        let (v, _) = checked(&reissued, &certs);
        assert_eq!(findings_of(&v, "SIG004").len(), sig004, "{certs:?} {v:#}");
    }
    let unkeyed_assertion = sign_as(
        &bare(&sign_as(
            &t,
            What::Assertion,
            "keys/client-key.pem",
            "keys/client-cert.pem",
        )),
        What::Response,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
    );
    for certs in [
        [idp.as_str(), client.as_str()],
        [client.as_str(), idp.as_str()],
    ] {
        let (p, _) = predicted(&unkeyed_assertion, &certs);
        assert_eq!(p["accepted"], false, "{certs:?} {p:#}");
    }
}

/// Review 36: Data Center, whose one configured certificate checks the assertion, was predicted to
/// accept an assertion signed by anyone when no `--idp-cert` was given, with nothing assumed.
#[test]
fn data_center_says_it_assumed_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let dc = to_data_center(&template());
    let x = write_temp(
        dir.path(),
        "dc.xml",
        sign_as(
            &dc,
            What::Assertion,
            "keys/client-key.pem",
            "keys/client-cert.pem",
        ),
    );
    let assumed =
        "assumed: the certificate configured in Data Center is the one the response carries";
    let text = unwrapped(&run(&["check", &x]).stdout);
    assert!(
        text.contains("Atlassian Data Center would accept this login"),
        "{text}"
    );
    assert!(text.contains(assumed), "{text}");
    let text =
        unwrapped(&run(&["check", &x, "--idp-cert", &fixture("keys/client-cert.pem")]).stdout);
    assert!(
        text.contains("Atlassian Data Center would accept this login"),
        "{text}"
    );
    assert!(!text.contains(assumed), "{text}");
}

/// Review 42: the library parses with @auth0/xmldom 0.1.22, which throws on white space before an end
/// tag's `>` (XML allows it, canonicalisation drops it: the signatures stay valid) and reads an
/// astral-plane name or an XHTML script holding a reference into another tree. Each was predicted
/// accepted; the first is the library's parse error, with the cause, the others are no prediction.
#[test]
fn what_the_librarys_parser_reads_otherwise_is_never_predicted_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let signed = signed_with(&template(), "keys/idp-key.pem", "keys/idp-cert.pem");
    let resigned = |from: &str, to: &str| {
        let t = template();
        assert!(t.contains(from), "{from}");
        signed_with(
            &t.replacen(from, to, 1),
            "keys/idp-key.pem",
            "keys/idp-cert.pem",
        )
    };
    let cases = [
        (
            "end-tag.xml",
            signed.replacen("</saml:Audience>", "</saml:Audience\t>", 1),
            "rejected",
        ),
        (
            "astral.xml",
            resigned("<saml:Subject>", "<saml:Subject a\u{10000}=\"1\">"),
            "unknown",
        ),
        (
            "script.xml",
            resigned(
                ">Jane</saml:AttributeValue>",
                "><Script xmlns=\"http://www.w3.org/1999/xhtml\">a &amp; b</Script>Jane</saml:AttributeValue>",
            ),
            "unknown",
        ),
        // Prefixed, it is no special element to the parser: read as XML.
        (
            "prefixed.xml",
            resigned(
                ">Jane</saml:AttributeValue>",
                "><h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">a &amp; b</h:script>Jane</saml:AttributeValue>",
            ),
            "accepted",
        ),
    ];
    for (name, xml, outcome) in cases {
        let p = write_temp(dir.path(), name, xml);
        let mut a = vec![p, "--idp-cert".into(), cert.clone()];
        a.extend(connection());
        let (_, v) = check_json(&args(&a));
        assert_eq!(v["messages"][0]["signature"]["status"], "valid", "{name}");
        let cloud = &v["messages"][0]["predictions"][0];
        assert_eq!(cloud["outcome"], outcome, "{name}: {cloud:#}");
        if outcome == "rejected" {
            assert_eq!(
                cloud["error_description"],
                "SAMLResponse should be a valid xml"
            );
            let mut h = vec!["check".to_string()];
            h.extend(a);
            let text = unwrapped(&run(&args(&h)).stdout);
            assert!(
                text.contains("why: the end tag of /Response/Assertion/Conditions/AudienceRestriction/Audience has white space before its '>'"),
                "{text}"
            );
        }
    }
}

/// Review 41 (F7): Express's URL-encoded parser refuses a body over 100 kB (its default) before the
/// library runs, and Atlassian's limit is not published: a response whose form body would be larger is
/// no prediction; one below it is judged as before.
#[test]
fn a_response_too_large_for_the_default_form_limit_is_not_predicted() {
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    let groups = |n: usize| {
        let values: String = (0..n)
            .map(|i| format!("<saml:AttributeValue>/group-{i:05}</saml:AttributeValue>"))
            .collect();
        let t = template();
        let at = t.find("</saml:AttributeStatement>").unwrap();
        format!(
            "{}<saml:Attribute Name=\"groups\">{values}</saml:Attribute>{}",
            &t[..at],
            &t[at..]
        )
    };
    // Review 44: a browser writes each '+', '/' and '=' of the base64 as three bytes. 60,000 '~' make
    // a base64 of about 91 kB either way, a '+' in every four characters of it for '~' (a body of
    // about 131 kB), none for 'a'.
    let filled = |c: char| {
        template().replacen(
            ">Jane</saml:AttributeValue>",
            &format!(">{}</saml:AttributeValue>", c.to_string().repeat(60_000)),
            1,
        )
    };
    // Each group value is 56 bytes: 1,000 of them make a body of about 80 kB, 1,500 of about 120 kB.
    for (n, xml, outcome) in [
        (1000, groups(1000), "accepted"),
        (1500, groups(1500), "unknown"),
        (1, filled('a'), "accepted"),
        (2, filled('~'), "unknown"),
    ] {
        let xml = signed_with(&xml, "keys/idp-key.pem", "keys/idp-cert.pem");
        let p = write_temp(dir.path(), &format!("groups-{n}.xml"), xml);
        let mut a = vec![p, "--idp-cert".into(), cert.clone()];
        a.extend(connection());
        let (_, v) = check_json(&args(&a));
        assert_eq!(v["messages"][0]["signature"]["status"], "valid", "{n}");
        let cloud = &v["messages"][0]["predictions"][0];
        assert_eq!(cloud["outcome"], outcome, "{n}: {cloud:#}");
        if outcome == "unknown" {
            let why = cloud["reason"].as_str().unwrap_or_default();
            assert!(why.contains("above the 100 kB"), "{why}");
        }
    }
}

/// CVE-2025-29775's forgery (review 64: predicted unknown): the NameID changed after signing and the
/// altered content's digest put in a comment at the start of the DigestValue. Atlassian's library
/// reads `firstChild.data`, so it accepts it as the new NameID (tests/oracle.rs proves it against the
/// library); samlint's verifier refuses it, and SIG026 says why the login still goes through. The
/// same comment over an unaltered response is a digest the library rejects, quoting the comment.
#[test]
fn a_digest_in_a_comment_is_what_the_library_compares() {
    let dir = tempfile::tempdir().unwrap();
    let cert = fixture("keys/idp-cert.pem");
    for what in [What::Assertion, What::Response] {
        let forged = digest_comment_forgery(
            what,
            ">jane.doe@example.com</saml:NameID>",
            ">admin@example.com</saml:NameID>",
        );
        let p = write_temp(dir.path(), "forged.xml", &forged);
        let mut a = vec![p.clone(), "--idp-cert".into(), cert.clone()];
        a.extend(connection());
        let (code, v) = check_json(&args(&a));
        assert_eq!(code, 1, "{what:?}");
        let m = &v["messages"][0];
        assert_ne!(m["signature"]["status"], "valid", "{what:?}");
        let p0 = &m["predictions"][0];
        assert_eq!(p0["accepted"], true, "{what:?}: {p0}");
        let f = findings_of(&v, "SIG026");
        assert_eq!(f.len(), 1, "{what:?}");
        // The headline does not read as a clean acceptance.
        let mut h = vec!["check"];
        h.extend(args(&a));
        let human = run(&h).stdout;
        // The support report's headline too.
        let mut r = vec!["report"];
        r.extend(args(&a));
        assert!(
            unwrapped(&run(&r).stdout).contains("though its signed content was altered (SIG026)"),
            "{what:?}"
        );
        assert!(
            unwrapped(&human).contains("! Atlassian would accept this login, though its signed content was altered (SIG026)"),
            "{human}"
        );
        assert_eq!(f[0]["severity"], "error");
        assert!(
            f[0]["message"].as_str().unwrap().contains("CVE-2025-29775"),
            "{}",
            f[0]["message"]
        );
    }
    // Review 66: SIG026 only where the library passes the signature, not beside the thumbprint it
    // refuses (another certificate pasted into Atlassian).
    let forged = digest_comment_forgery(
        What::Response,
        ">jane.doe@example.com</saml:NameID>",
        ">admin@example.com</saml:NameID>",
    );
    let p = write_temp(dir.path(), "forged.xml", &forged);
    let mut a = vec![p, "--idp-cert".into(), fixture("keys/client-cert.pem")];
    a.extend(connection());
    let (_, v) = check_json(&args(&a));
    let p0 = &v["messages"][0]["predictions"][0];
    assert_eq!(p0["error_description"], "Invalid thumbprint", "{p0}");
    assert!(findings_of(&v, "SIG026").is_empty());
    // Unaltered, with a made-up digest in the comment: the library compares the comment's.
    let signed = sign_as(
        &template(),
        What::Assertion,
        "keys/idp-key.pem",
        "keys/idp-cert.pem",
    );
    let commented = signed.replacen(
        "<ds:DigestValue>",
        "<ds:DigestValue><!--AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=-->",
        1,
    );
    assert_ne!(commented, signed);
    let p = write_temp(dir.path(), "commented.xml", &commented);
    let mut a = vec![p, "--idp-cert".into(), cert];
    a.extend(connection());
    let (_, v) = check_json(&args(&a));
    let p0 = &v["messages"][0]["predictions"][0];
    assert_eq!(p0["accepted"], false, "{p0}");
    assert!(
        p0.to_string().contains(
            "but the xml to validate supplies digest AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        ),
        "{p0}"
    );
    assert!(findings_of(&v, "SIG026").is_empty());
}
