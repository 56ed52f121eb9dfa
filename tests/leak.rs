//! Planted-value leak test (issue 12): a distinctive value in every field of two SAML messages, a HAR
//! and a Keycloak export — NameID (also split by comments into 2-character pieces), every attribute name
//! and value, FriendlyName, Issuer, NameQualifier, SPNameQualifier, SessionIndex, StatusMessage, KeyName,
//! Audience, Destination, Recipient, InResponseTo, IDs, Address, AuthnContextClassRef, the signing
//! certificate's subject (generated with openssl, with a comma in its CN), Atlassian connection UUIDs,
//! values that merely start with a public prefix (`urn:oasis:names:tc:SAML:`, `http://www.w3.org/`);
//! HAR URLs, headers, cookies, query values, RelayState; Keycloak realm name, clientId, redirect URIs,
//! attributes, mapper names and values; input file names that hold an email address. Every redacted
//! output — `report`, and `check --redact` in every format, with `--domain` and without — is searched for
//! each value, each 8-character piece of its distinctive part, its base64 (three alignments) and its
//! URL-encoded forms, on stdout and stderr.

mod common;
use common::leak::{base64_forms, normalise, pct};
use common::*;
use samlint::verify::sign::{Alg, What, pem_body, sign};
use std::path::Path;
use std::process::Command;

/// One planted value: where it is, the value, and its distinctive parts (searched in 8-character
/// pieces; the generic parts of a URL or email — `https://`, `.test` — are not).
struct Plant {
    field: &'static str,
    value: String,
    cores: Vec<String>,
}

fn plant(field: &'static str, value: &str, cores: &[&str]) -> Plant {
    for c in cores {
        assert!(value.contains(c), "{field}: {c} not in {value}");
    }
    Plant {
        field,
        value: value.to_string(),
        cores: cores.iter().map(|c| c.to_string()).collect(),
    }
}

const CONN_UUID: &str = "badc0ffe-e0dd-4f00-8bad-f00dcafe1234";
const AUD_UUID: &str = "deadbeef-0b5e-4c1d-9e2f-feedfacecafe";

fn openssl_cert(dir: &Path) -> Option<(String, String)> {
    if Command::new("openssl").arg("version").output().is_err() {
        let msg = "\n\n*** openssl is not installed: the planted certificate subject was NOT tested ***\n";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{msg}under CI=true it is required");
        }
        eprintln!("{msg}");
        return None;
    }
    let key = dir.join("plant-key.pem");
    let cert = dir.join("plant-cert.pem");
    let o = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .args([
            "-subj",
            "/CN=kc.zqch-g4t2.test realm zqcr-e8w5\\, zqcc-7a9b/O=zqco-5k3d/emailAddress=zqce-m4il@zqcd-b6m1.test",
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Some((
        key.to_string_lossy().into_owned(),
        cert.to_string_lossy().into_owned(),
    ))
}

/// Message A: every field of a Response planted; message B: an Atlassian-shaped Response whose NameID
/// and one attribute value are split by comments into 2-character pieces.
fn messages(key: &str, cert: &str, plants: &mut Vec<Plant>) -> (String, String) {
    let t = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml")).unwrap();
    let mut a = t.trim_end().to_string();
    let mut local: Vec<Plant> = Vec::new();
    let mut sub = |from: &str, to: &str, p: Option<Plant>| {
        assert!(a.contains(from), "{from}");
        a = a.replace(from, to);
        if let Some(p) = p {
            local.push(p);
        }
    };
    sub(
        "ID=\"ID_6d1f6c0e-5b7a-4a3e-9c2d-1e0f9a8b7c6d\"",
        "ID=\"_zqri-4c8a1b\"",
        Some(plant("Response ID", "_zqri-4c8a1b", &["zqri-4c8a1b"])),
    );
    sub(
        "ID=\"ID_2a9c8e7f-3d4b-4c5a-8e9f-0a1b2c3d4e5f\"",
        "ID=\"_zqai-9e3d7f\"",
        Some(plant("Assertion ID", "_zqai-9e3d7f", &["zqai-9e3d7f"])),
    );
    sub(
        "_4b0a1d2c3e4f5a6b7c8d9e0f1a2b3c4d",
        "_zqir-7d2f9e",
        Some(plant("InResponseTo", "_zqir-7d2f9e", &["zqir-7d2f9e"])),
    );
    let dest = "https://zqdh-j3n5.test/saml/acs?zqdp=zqdq-k1m4";
    sub(
        "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
        dest,
        Some(plant(
            "Destination/Recipient",
            dest,
            &["zqdh-j3n5", "zqdq-k1m4"],
        )),
    );
    let issuer = "https://zqih-f6g2.test/realms/zqrm-c2k8";
    sub(
        "https://kc.example.com/realms/acme",
        issuer,
        Some(plant("Issuer", issuer, &["zqih-f6g2", "zqrm-c2k8"])),
    );
    let aud = "https://zqau-a8d3.test/sp";
    sub(
        "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
        aud,
        Some(plant("Audience", aud, &["zqau-a8d3"])),
    );
    let nid = "zqnu.k7w2@zqnd-p3x6.test";
    sub(
        ">jane.doe@example.com</saml:NameID>",
        &format!(">{nid}</saml:NameID>"),
        Some(plant("NameID", nid, &["zqnu.k7w2", "zqnd-p3x6"])),
    );
    sub(
        "<saml:NameID Format",
        "<saml:NameID NameQualifier=\"zqnq-h5r7\" SPNameQualifier=\"zqsq-m2v9\" Format",
        None,
    );
    plants.push(plant("NameQualifier", "zqnq-h5r7", &["zqnq-h5r7"]));
    plants.push(plant("SPNameQualifier", "zqsq-m2v9", &["zqsq-m2v9"]));
    let alt = "zqea.q8z1@zqed-w5u3.test";
    sub(
        ">jane.doe@example.com</saml:AttributeValue>",
        &format!(">{alt}</saml:AttributeValue>"),
        Some(plant(
            "email attribute value",
            alt,
            &["zqea.q8z1", "zqed-w5u3"],
        )),
    );
    sub(
        ">Jane<",
        ">zqgv-r9c1<",
        Some(plant("attribute value", "zqgv-r9c1", &["zqgv-r9c1"])),
    );
    sub(
        ">Doe<",
        ">zqsn-x3b6<",
        Some(plant("attribute value", "zqsn-x3b6", &["zqsn-x3b6"])),
    );
    sub(
        "3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9",
        "zqsi-6n4m",
        Some(plant(
            "attribute value (stable id)",
            "zqsi-6n4m",
            &["zqsi-6n4m"],
        )),
    );
    sub(
        "SessionIndex=\"5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9::0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f\"",
        "SessionIndex=\"zqs1-5b7e::zqs2-9a1c\"",
        Some(plant(
            "SessionIndex",
            "zqs1-5b7e::zqs2-9a1c",
            &["zqs1-5b7e", "zqs2-9a1c"],
        )),
    );
    sub(
        "urn:oasis:names:tc:SAML:2.0:ac:classes:unspecified",
        "urn:zq:zqac-p0l4",
        Some(plant(
            "AuthnContextClassRef",
            "urn:zq:zqac-p0l4",
            &["zq:zqac-p0l4"],
        )),
    );
    sub(
        "<saml:SubjectConfirmationData ",
        "<saml:SubjectConfirmationData Address=\"203.0.113.177\" ",
        Some(plant(
            "SubjectConfirmationData Address",
            "203.0.113.177",
            &["203.0.113.177"],
        )),
    );
    sub(
        "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>",
        "<samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/><samlp:StatusMessage>zqsm-w3e8 secret text</samlp:StatusMessage>",
        Some(plant(
            "StatusMessage",
            "zqsm-w3e8 secret text",
            &["zqsm-w3e8"],
        )),
    );
    // Attribute names (custom, and ones that only start like a public constant), FriendlyName, values
    // that only start like a public constant, a Keycloak group path.
    let extra = concat!(
        "<saml:Attribute Name=\"zqan-b4n8\" FriendlyName=\"zqfn-s1x5\"><saml:AttributeValue>zqcv-u7y4</saml:AttributeValue></saml:Attribute>",
        "<saml:Attribute Name=\"urn:oasis:names:tc:SAML:2.0:zqua-t8k3\"><saml:AttributeValue>urn:oasis:names:tc:SAML:2.0:zquv-d3p6</saml:AttributeValue></saml:Attribute>",
        "<saml:Attribute Name=\"http://www.w3.org/zqwa-y6j2\"><saml:AttributeValue>http://www.w3.org/zqwv-n7e9</saml:AttributeValue></saml:Attribute>",
        "<saml:Attribute Name=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/zqca-e2r5\"><saml:AttributeValue>http://schemas.xmlsoap.org/ws/2005/05/identity/claims/zqcl-h9s3</saml:AttributeValue></saml:Attribute>",
        "<saml:Attribute Name=\"groups\"><saml:AttributeValue>/zqgt-v2h4/zqgs-k5p7</saml:AttributeValue></saml:Attribute>",
        "</saml:AttributeStatement>"
    );
    sub("</saml:AttributeStatement>", extra, None);
    plants.append(&mut local);
    for (f, v, c) in [
        ("attribute name", "zqan-b4n8", "zqan-b4n8"),
        ("FriendlyName", "zqfn-s1x5", "zqfn-s1x5"),
        ("attribute value", "zqcv-u7y4", "zqcv-u7y4"),
        (
            "attribute name (SAML prefix)",
            "urn:oasis:names:tc:SAML:2.0:zqua-t8k3",
            "zqua-t8k3",
        ),
        (
            "attribute value (SAML prefix)",
            "urn:oasis:names:tc:SAML:2.0:zquv-d3p6",
            "zquv-d3p6",
        ),
        (
            "attribute name (W3C prefix)",
            "http://www.w3.org/zqwa-y6j2",
            "zqwa-y6j2",
        ),
        (
            "attribute value (W3C prefix)",
            "http://www.w3.org/zqwv-n7e9",
            "zqwv-n7e9",
        ),
        (
            "attribute name (claims prefix)",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/zqca-e2r5",
            "zqca-e2r5",
        ),
        (
            "attribute value (claims prefix)",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/zqcl-h9s3",
            "zqcl-h9s3",
        ),
        ("group path", "/zqgt-v2h4/zqgs-k5p7", "zqgt-v2h4"),
    ] {
        plants.push(plant(f, v, &[c]));
    }
    plants.push(plant("group path", "/zqgt-v2h4/zqgs-k5p7", &["zqgs-k5p7"]));
    let keyinfo_cert = pem_body(&std::fs::read_to_string(cert).unwrap());
    let key_pem = std::fs::read(key).unwrap();
    let a = sign(&a, What::Both, &key_pem, &keyinfo_cert, Alg::RsaSha256).unwrap();
    // KeyName in KeyInfo (outside SignedInfo).
    let a = a.replacen(
        "<ds:KeyInfo>",
        "<ds:KeyInfo><ds:KeyName>zqkn-u4q6</ds:KeyName>",
        1,
    );
    plants.push(plant("KeyName", "zqkn-u4q6", &["zqkn-u4q6"]));
    plants.push(plant(
        "certificate subject CN",
        "kc.zqch-g4t2.test realm zqcr-e8w5, zqcc-7a9b",
        &["zqch-g4t2", "zqcr-e8w5", "zqcc-7a9b"],
    ));
    plants.push(plant("certificate subject O", "zqco-5k3d", &["zqco-5k3d"]));
    plants.push(plant(
        "certificate subject email",
        "zqce-m4il@zqcd-b6m1.test",
        &["zqce-m4il", "zqcd-b6m1"],
    ));
    plants.push(plant("certificate body", &keyinfo_cert[40..120], &[]));

    // Message B: Atlassian-shaped, UUIDs planted, NameID and a value split into 2-character pieces.
    let split = |s: &str| -> String {
        s.chars()
            .collect::<Vec<_>>()
            .chunks(2)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join("<!---->")
    };
    let nid_b = "zqbn.h2o5@zqbd-x9k2.test";
    let b = t
        .trim_end()
        .replace("0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9", CONN_UUID)
        .replacen(
            &format!("https://auth.atlassian.com/saml/{CONN_UUID}"),
            &format!("https://auth.atlassian.com/saml/{AUD_UUID}"),
            1,
        )
        .replace(
            "https://kc.example.com/realms/acme",
            "https://zqbh-r4n7.test/realms/zqbr-7y3c",
        )
        .replacen(
            ">jane.doe@example.com</saml:NameID>",
            &format!(">{}</saml:NameID>", split(nid_b)),
            1,
        )
        .replacen(">Jane<", &format!(">{}<", split("zqbv-r5t8")), 1);
    plants.push(plant(
        "comment-split NameID",
        nid_b,
        &["zqbn.h2o5", "zqbd-x9k2"],
    ));
    plants.push(plant(
        "comment-split attribute value",
        "zqbv-r5t8",
        &["zqbv-r5t8"],
    ));
    plants.push(plant("connection UUID", CONN_UUID, &[CONN_UUID]));
    plants.push(plant("Audience UUID", AUD_UUID, &[AUD_UUID]));
    plants.push(plant(
        "Issuer (B)",
        "https://zqbh-r4n7.test/realms/zqbr-7y3c",
        &["zqbh-r4n7", "zqbr-7y3c"],
    ));
    let b = sign(&b, What::Assertion, &key_pem, &keyinfo_cert, Alg::RsaSha256).unwrap();
    (a, b)
}

fn deflate_b64(xml: &str) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(xml.as_bytes()).unwrap();
    base64::engine::general_purpose::STANDARD.encode(e.finish().unwrap())
}

fn har(a: &str, plants: &mut Vec<Plant>) -> String {
    use base64::Engine as _;
    let req = concat!(
        "<samlp:AuthnRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ",
        "AssertionConsumerServiceURL=\"https://zqhs-9f3e.test/saml/acs\" Destination=\"https://zqhi-2x8q.test/realms/zqhr-2x5w/protocol/saml\" ",
        "ID=\"_zqrq-5f3e\" IssueInstant=\"2026-11-20T09:59:55Z\" Version=\"2.0\">",
        "<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://zqse-k4v8.test/metadata</saml:Issuer></samlp:AuthnRequest>"
    );
    let get = format!(
        "https://zqhi-2x8q.test/realms/zqhr-2x5w/protocol/saml?SAMLRequest={}&RelayState=zqrs-a1q9&login_hint=zqlh.p6r2@zqld-6c1v.test",
        pct(&deflate_b64(req))
    );
    let post_body = format!(
        "SAMLResponse={}&RelayState=zqrs-a1q9",
        pct(&base64::engine::general_purpose::STANDARD.encode(a))
    );
    for (f, v, c) in [
        (
            "HAR IdP host/realm",
            "https://zqhi-2x8q.test/realms/zqhr-2x5w/protocol/saml",
            vec!["zqhi-2x8q", "zqhr-2x5w"],
        ),
        (
            "HAR SP host",
            "https://zqhs-9f3e.test/saml/acs",
            vec!["zqhs-9f3e"],
        ),
        ("AuthnRequest ID", "_zqrq-5f3e", vec!["zqrq-5f3e"]),
        (
            "AuthnRequest Issuer",
            "https://zqse-k4v8.test/metadata",
            vec!["zqse-k4v8"],
        ),
        ("RelayState", "zqrs-a1q9", vec!["zqrs-a1q9"]),
        (
            "query value (login_hint)",
            "zqlh.p6r2@zqld-6c1v.test",
            vec!["zqlh.p6r2", "zqld-6c1v"],
        ),
        ("cookie value", "zqck-x8r2", vec!["zqck-x8r2"]),
        ("cookie name", "zqcn-j3t7", vec!["zqcn-j3t7"]),
        (
            "Authorization header",
            "Bearer zqbt-77k4",
            vec!["zqbt-77k4"],
        ),
        ("custom header value", "zqhv-3m9d", vec!["zqhv-3m9d"]),
        ("SP query value", "zqsv-4t6h", vec!["zqsv-4t6h"]),
        ("Location code", "zqoc-9w2e", vec!["zqoc-9w2e"]),
        ("Set-Cookie", "zqsc-5h8u", vec!["zqsc-5h8u"]),
        ("password", "zqpw-X7k9q!", vec!["zqpw-X7k9q"]),
        ("app host", "https://zqap-n1v5.test/home", vec!["zqap-n1v5"]),
        // The timeline's steps (issue 15 item 5): the SP's redirect into the login, an IdP page, the
        // SP's answer chain; their hosts, path segments and query names.
        (
            "timeline SP start URL",
            "https://zqsr-6b1n.test/zqsp-7pth/login",
            vec!["zqsr-6b1n", "zqsp-7pth"],
        ),
        ("timeline query name", "zqqn-k2m4", vec!["zqqn-k2m4"]),
        ("timeline query value", "zqqv-h5s1", vec!["zqqv-h5s1"]),
        (
            "timeline IdP page path",
            "https://zqhi-2x8q.test/realms/zqhr-2x5w/zqip-3r7a/page",
            vec!["zqip-3r7a"],
        ),
        (
            "timeline SP answer URL",
            "https://zqan-8d3c.test/zqaq-4p2w",
            vec!["zqan-8d3c", "zqaq-4p2w"],
        ),
    ] {
        plants.push(plant(f, v, &c));
    }
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [
        {"startedDateTime": "2026-11-20T09:59:53.000Z",
         "request": {"method": "GET", "url": "https://zqsr-6b1n.test/zqsp-7pth/login?zqqn-k2m4=zqqv-h5s1"},
         "response": {"status": 302, "redirectURL": get, "content": {"mimeType": "text/html"}}},
        {"startedDateTime": "2026-11-20T09:59:54.000Z",
         "request": {"method": "POST", "url": "https://zqhi-2x8q.test/realms/zqhr-2x5w/login-actions/authenticate",
            "headers": [{"name": "Cookie", "value": "zqcn-j3t7=zqck-x8r2"}],
            "cookies": [{"name": "zqcn-j3t7", "value": "zqck-x8r2"}],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "username=zqlh.p6r2%40zqld-6c1v.test&password=zqpw-X7k9q%21",
                "params": [{"name": "username", "value": "zqlh.p6r2@zqld-6c1v.test"}, {"name": "password", "value": "zqpw-X7k9q!"}]}},
         "response": {"status": 200, "headers": [{"name": "Set-Cookie", "value": "KC=zqsc-5h8u; Path=/"}]}},
        {"startedDateTime": "2026-11-20T09:59:55.000Z",
         "request": {"method": "GET", "url": get,
            "headers": [{"name": "Authorization", "value": "Bearer zqbt-77k4"}, {"name": "X-Zq", "value": "zqhv-3m9d"}],
            "queryString": [{"name": "RelayState", "value": "zqrs-a1q9"}, {"name": "login_hint", "value": "zqlh.p6r2@zqld-6c1v.test"}],
            "cookies": [{"name": "zqcn-j3t7", "value": "zqck-x8r2"}]},
         "response": {"status": 200}},
        {"startedDateTime": "2026-11-20T09:59:56.000Z",
         "request": {"method": "GET", "url": "https://zqhi-2x8q.test/realms/zqhr-2x5w/zqip-3r7a/page?zqqn-k2m4=zqqv-h5s1"},
         "response": {"status": 200, "content": {"mimeType": "text/html"}}},
        {"startedDateTime": "2026-11-20T10:00:00.400Z",
         "request": {"method": "POST", "url": "https://zqhs-9f3e.test/saml/acs?zqsp=zqsv-4t6h",
            "headers": [{"name": "Cookie", "value": "zqcn-j3t7=zqck-x8r2"}],
            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": post_body}},
         "response": {"status": 302, "headers": [{"name": "Location", "value": "https://zqap-n1v5.test/home?code=zqoc-9w2e"},
            {"name": "Set-Cookie", "value": "S=zqsc-5h8u"}]}},
        {"startedDateTime": "2026-11-20T10:00:00.600Z",
         "request": {"method": "GET", "url": "https://zqap-n1v5.test/home?code=zqoc-9w2e"},
         "response": {"status": 302, "headers": [{"name": "Location", "value": "https://zqan-8d3c.test/zqaq-4p2w?zqqn-k2m4=zqqv-h5s1"}]}},
        {"startedDateTime": "2026-11-20T10:00:00.800Z",
         "request": {"method": "GET", "url": "https://zqan-8d3c.test/zqaq-4p2w?zqqn-k2m4=zqqv-h5s1"},
         "response": {"status": 200, "content": {"mimeType": "text/html"}}}
    ]}})
    .to_string()
}

fn keycloak(cert: &str, plants: &mut Vec<Plant>) -> String {
    let body = pem_body(&std::fs::read_to_string(cert).unwrap());
    for (f, v, c) in [
        ("realm name", "zqkr-8v2m", vec!["zqkr-8v2m"]),
        (
            "clientId",
            "https://zqkc-2n6p.test/metadata",
            vec!["zqkc-2n6p"],
        ),
        ("client name", "zqkm-t6w1 app", vec!["zqkm-t6w1"]),
        ("baseUrl", "https://zqkb-m1x4.test", vec!["zqkb-m1x4"]),
        (
            "redirectUris",
            "https://zqku-h7c3.test/acs*",
            vec!["zqku-h7c3"],
        ),
        (
            "ACS attribute",
            "https://zqka-b3y7.test/acs",
            vec!["zqka-b3y7"],
        ),
        ("IdP-initiated SSO name", "zqks-w2p5", vec!["zqks-w2p5"]),
        (
            "IdP-initiated relay state",
            "https://zqkl-f5d8.test",
            vec!["zqkl-f5d8"],
        ),
        ("mapper name", "zqmn-q9z4", vec!["zqmn-q9z4"]),
        ("mapper attribute.name", "zqma-d4e7", vec!["zqma-d4e7"]),
        ("mapper friendly.name", "zqmf-l6g2", vec!["zqmf-l6g2"]),
        ("mapper user.attribute", "zqmu-c8n3", vec!["zqmu-c8n3"]),
        ("mapper attribute value", "zqmv-z1h6", vec!["zqmv-z1h6"]),
        ("Atlassian clientId UUID", AUD_UUID, vec![AUD_UUID]),
        ("Atlassian ACS UUID", CONN_UUID, vec![CONN_UUID]),
    ] {
        plants.push(plant(f, v, &c));
    }
    plants.push(plant(
        "client signing certificate body",
        &body[40..120],
        &[],
    ));
    let mappers = serde_json::json!([
        {"name": "zqmn-q9z4", "protocol": "saml", "protocolMapper": "saml-user-attribute-mapper",
         "config": {"user.attribute": "zqmu-c8n3", "attribute.nameformat": "Basic", "attribute.name": "zqma-d4e7", "friendly.name": "zqmf-l6g2"}},
        {"name": "zqmn-q9z4 hardcoded", "protocol": "saml", "protocolMapper": "saml-hardcode-attribute-mapper",
         "config": {"attribute.nameformat": "Basic", "attribute.name": "zqma-d4e7", "attribute.value": "zqmv-z1h6"}},
        {"name": "groups", "protocol": "saml", "protocolMapper": "saml-group-membership-mapper",
         "config": {"attribute.name": "groups", "full.path": "true", "single": "true"}}
    ]);
    serde_json::json!({"realm": "zqkr-8v2m", "id": "zqkr-8v2m", "enabled": true, "clients": [
        {"clientId": "https://zqkc-2n6p.test/metadata", "name": "zqkm-t6w1 app", "protocol": "saml", "enabled": true,
         "baseUrl": "https://zqkb-m1x4.test", "redirectUris": ["https://zqku-h7c3.test/acs*"],
         "attributes": {"saml_assertion_consumer_url_post": "https://zqka-b3y7.test/acs", "saml_idp_initiated_sso_url_name": "zqks-w2p5",
            "saml_idp_initiated_sso_relay_state": "https://zqkl-f5d8.test", "saml.signing.certificate": body, "saml_name_id_format": "username",
            "saml.server.signature": "false", "saml.assertion.signature": "false",
            // Keys that are, or hold, a redacted value elsewhere (name-shaped, so only that tells
            // them apart): the value, in another case, as a part, the host of a redacted URL.
            "zqks-w2p5": "1", "ZQKS-W2P5": "2", "zqks-w2p5.x": "3", "zqkb-m1x4.test": "4"},
         "protocolMappers": mappers},
        {"clientId": format!("https://auth.atlassian.com/saml/{AUD_UUID}"), "name": "Atlassian", "protocol": "saml", "enabled": true,
         "redirectUris": [format!("https://auth.atlassian.com/login/callback?connection=saml-{CONN_UUID}")],
         "attributes": {"saml_assertion_consumer_url_post": format!("https://auth.atlassian.com/login/callback?connection=saml-{CONN_UUID}"),
            "saml_name_id_format": "username", "saml.server.signature": "true", "saml.assertion.signature": "false",
            "saml_idp_initiated_sso_url_name": "zqks-w2p5"},
         "protocolMappers": mappers}
    ]})
    .to_string()
}

/// Every form of every planted value found in `out`: "field: kind `needle`".
fn found(out: &str, plants: &[Plant]) -> Vec<String> {
    let hay = normalise(out);
    let raw = out.replace(['\n', '\r'], "");
    let mut v = Vec::new();
    for p in plants {
        let mut hit = |kind: &str, needle: &str| v.push(format!("{}: {kind} `{needle}`", p.field));
        let val = p.value.to_lowercase();
        if hay.contains(&val) {
            hit("value", &p.value);
        }
        for c in &p.cores {
            let chars: Vec<char> = c.to_lowercase().chars().collect();
            for w in chars.windows(8usize.min(chars.len())) {
                let w: String = w.iter().collect();
                if hay.contains(&w) {
                    hit("8-character piece", &w);
                    break;
                }
            }
        }
        for b in base64_forms(&p.value) {
            if raw.contains(&b) {
                hit("base64", &b);
                break;
            }
        }
        let encoded = pct(&p.value);
        let form = encoded.replace("%20", "+");
        for e in [encoded, form] {
            if e != p.value && (raw.contains(&e) || raw.to_lowercase().contains(&e.to_lowercase()))
            {
                hit("URL-encoded", &e);
                break;
            }
        }
    }
    v.sort();
    v.dedup();
    v
}

#[test]
fn no_planted_value_reaches_a_redacted_output() {
    let dir = tempfile::tempdir().unwrap();
    let Some((key, cert)) = openssl_cert(dir.path()) else {
        return;
    };
    let mut plants = Vec::new();
    let (a, b) = messages(&key, &cert, &mut plants);
    let har = har(&a, &mut plants);
    let kc = keycloak(&cert, &mut plants);
    // File names that hold an email address.
    let fa = write_temp(dir.path(), "zqf1.p8s3@zqfd-c3k7.test.xml", &a);
    let fb = write_temp(dir.path(), "zqf2.p8s3@zqfd-c3k7.test.b64", {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(&b)
    });
    let fh = write_temp(dir.path(), "zqf3.u5r1@zqfh-v8b2.test.har", &har);
    let fk = write_temp(dir.path(), "zqf4.a2d9@zqfk-u5n6.test.json", &kc);
    plants.push(plant(
        "file name (XML)",
        "zqf1.p8s3@zqfd-c3k7.test",
        &["zqf1.p8s3", "zqfd-c3k7"],
    ));
    plants.push(plant(
        "file name (base64)",
        "zqf2.p8s3@zqfd-c3k7.test",
        &["zqf2.p8s3"],
    ));
    plants.push(plant(
        "file name (HAR)",
        "zqf3.u5r1@zqfh-v8b2.test",
        &["zqf3.u5r1", "zqfh-v8b2"],
    ));
    plants.push(plant(
        "file name (Keycloak)",
        "zqf4.a2d9@zqfk-u5n6.test",
        &["zqf4.a2d9", "zqfk-u5n6"],
    ));
    // The planted values really are in the inputs samlint reads (decoded), so finding none proves something.
    let decoded = samlint::lint::run(
        &[fa.clone(), fb.clone(), fh.clone()],
        &mut std::io::empty(),
        &samlint::lint::Options {
            lint: false,
            ..Default::default()
        },
    );
    let texts: String = decoded
        .messages
        .iter()
        .map(|m| m.source.text.to_string())
        .collect();
    // The timeline holds the planted steps (unredacted), so finding none of them redacted proves
    // something.
    let tl = format!(
        "{:?}",
        decoded
            .inputs
            .iter()
            .filter_map(|i| i.timeline.as_ref())
            .collect::<Vec<_>>()
    );
    for v in [
        "zqsr-6b1n.test/zqsp-7pth/login?zqqn-k2m4",
        "zqip-3r7a/page",
        "zqan-8d3c.test/zqaq-4p2w",
        "SpRedirect",
        "IdpPage",
        "SpAnswer",
    ] {
        assert!(tl.contains(v), "the timeline lacks {v}: {tl}");
    }
    assert!(
        texts.contains("zqnu.k7w2@zqnd-p3x6.test")
            && texts.contains("zqrq-5f3e")
            && texts.contains("zq<!---->bn<!---->.h"),
        "the planted messages were not decoded"
    );

    let inputs = [fa.as_str(), fb.as_str(), fh.as_str(), fk.as_str()];
    let mut runs: Vec<(String, Vec<String>)> = Vec::new();
    // The organisation's verified domains are planted too (review 30: ATL005 listed them in clear).
    // The NameIDs' domains are among none of them, so that ATL005 quotes the list.
    let domains = ["zqvd-o4k1.test", "zqvd-w7y3.test"];
    for d in domains {
        plants.push(plant("--domain", d, &[d.trim_end_matches(".test")]));
    }
    for domain in [None, Some(domains)] {
        let dom: Vec<String> = domain
            .map(|ds| {
                ds.iter()
                    .flat_map(|d| ["--domain".to_string(), d.to_string()])
                    .collect()
            })
            .unwrap_or_default();
        let mut r: Vec<String> = vec!["report".into(), "--idp-cert".into(), cert.clone()];
        r.extend(dom.clone());
        r.extend(inputs.iter().map(|s| s.to_string()));
        runs.push((
            format!("report{}", if domain.is_some() { " --domain" } else { "" }),
            r,
        ));
        for f in [
            "full", "concise", "json", "sarif", "junit", "github", "markdown",
        ] {
            let mut r: Vec<String> = vec![
                "check".into(),
                "--redact".into(),
                "--format".into(),
                f.into(),
                "--idp-cert".into(),
                cert.clone(),
            ];
            r.extend(dom.clone());
            r.extend(inputs.iter().map(|s| s.to_string()));
            runs.push((
                format!(
                    "check --redact --format {f}{}",
                    if domain.is_some() { " --domain" } else { "" }
                ),
                r,
            ));
        }
        // A message paired with the Keycloak export (--keycloak), the message's ACS and the client's.
        let mut r: Vec<String> = vec![
            "report".into(),
            "--idp-cert".into(),
            cert.clone(),
            "--keycloak".into(),
            fk.clone(),
        ];
        r.extend(dom.clone());
        r.extend([fa.clone(), fb.clone()]);
        runs.push((
            format!(
                "report --keycloak{}",
                if domain.is_some() { " --domain" } else { "" }
            ),
            r,
        ));
    }
    let mut bad = Vec::new();
    for (name, args) in &runs {
        let o = samlint().args(args).output().expect("samlint runs");
        let code = o.status.code();
        let stdout = String::from_utf8_lossy(&o.stdout);
        let stderr = String::from_utf8_lossy(&o.stderr);
        println!("{name}: exit {code:?}, {} bytes", stdout.len());
        assert!(
            matches!(code, Some(0..=2)),
            "{name}: exit {code:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            stdout.len() > 200,
            "{name}: nearly empty output:\n{stdout}\n{stderr}"
        );
        for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
            for f in found(text, &plants) {
                bad.push(format!("{name} ({stream}): {f}"));
            }
        }
    }
    println!(
        "leak: {} planted values, {} redacted outputs, {} leaks",
        plants.len(),
        runs.len(),
        bad.len()
    );
    for b in &bad {
        println!("LEAK {b}");
    }
    assert!(bad.is_empty(), "{} leaks:\n{}", bad.len(), bad.join("\n"));
}

/// An input that cannot be read: the parser's message quotes the input (`expected </zq…>`), and a
/// redacted output must not carry it.
#[test]
fn input_errors_quote_nothing_from_the_input_when_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let xml = "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><zqel.k4m8x2 a=\"1\"></samlp:Response>";
    let fx = write_temp(dir.path(), "broken.xml", xml);
    let fb = write_temp(dir.path(), "broken.b64", {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(xml.replace("zqel.k4m8x2", "zqbb.w7n3v5"))
    });
    // The planted names are in the unredacted error (so finding none below proves something).
    let plain = run(&["check", "--format", "json", &fx, &fb]);
    assert!(plain.stdout.contains("zqel.k4m8x2"), "{}", plain.stdout);
    assert!(plain.stdout.contains("zqbb.w7n3v5"), "{}", plain.stdout);
    let mut outs = Vec::new();
    for f in [
        "full", "concise", "json", "sarif", "junit", "github", "markdown",
    ] {
        outs.push((
            f.to_string(),
            run(&["check", "--redact", "--format", f, &fx, &fb]),
        ));
    }
    outs.push(("report".into(), run(&["report", &fx, &fb])));
    for (name, o) in outs {
        assert_eq!(o.code, 2, "{name}");
        for planted in ["zqel", "k4m8x2", "zqbb", "w7n3v5"] {
            assert!(
                !o.stdout.contains(planted),
                "{name}: {planted} in\n{}",
                o.stdout
            );
        }
        // samlint's own words stay: the diagnosis survives redaction.
        assert!(
            o.stdout.contains("malformed XML") || name == "full" || name == "github",
            "{name}: {}",
            o.stdout
        );
    }
}

/// What an adversarial review found reaching redacted outputs, each planted with `zqlk`: signature
/// algorithm URIs (the Signatures table and JSON), input quoted by XML errors without quotes (an entity,
/// a character reference, undeclared or doubled attribute prefixes, a reserved namespace bound to a
/// prefix), an element path in a SIG005 message, a capture URL shortened for an origin label
/// (`?user=zqlk-…`), a HAR's method and time, the `--idp-cert` path, Keycloak keys (spaces, a URL keying
/// `roles.client` in a KC009 path) and a date of birth as an attribute value. Each is in the
/// unredacted output (so finding none below proves something); none is in `report` or
/// `check --redact --format json`.
#[test]
fn the_review_s_leaks_stay_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let read = |rel: &str| std::fs::read_to_string(fixture(rel)).unwrap();
    let cert_pem = read("keys/idp-cert.pem");
    let template = read("saml/keycloak-atlassian-unsigned.xml")
        .trim_end()
        .to_string();
    let signed = |t: &str| {
        sign(
            t,
            What::Response,
            read("keys/idp-key.pem").as_bytes(),
            &pem_body(&cert_pem),
            Alg::RsaSha256,
        )
        .unwrap()
    };
    let s = signed(&template);
    let mut inputs: Vec<(String, &str)> = Vec::new();
    // Algorithm URIs.
    let alg = s
        .replace(
            "xmldsig-more#rsa-sha256",
            "xmldsig-more#zqlk-alg.jane@corp.test",
        )
        .replace("http://www.w3.org/2001/04/xmlenc#sha256", "urn:zqlk-dig")
        .replacen(
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
            "<ds:Transform Algorithm=\"urn:zqlk-tr:Jane Roe\"/>",
            1,
        );
    inputs.push((write_temp(d, "alg.xml", alg), "zqlk-alg"));
    // XML errors.
    for (name, xml) in [
        ("entity.xml", template.replace(">Doe<", ">R&zqlkD Team;<")),
        ("charref.xml", "<a>&#xzqlk Roe;</a>".to_string()),
        // A backtick in the input must not end the quote that withholds it.
        (
            "tick-entity.xml",
            "<a>&a` zqlk Jane Roe `b;</a>".to_string(),
        ),
        ("tick-tag.xml", "<a></z`zqlkRoe`y>".to_string()),
        ("tick-name.xml", "<p`zqlkJane`q:a/>".to_string()),
        (
            "tick-attribute.xml",
            "<a Destination=\"&a` Jane Roe zqlk `b;\"/>".to_string(),
        ),
        ("ns1.xml", "<a zqlk:roe=\"1\"/>".to_string()),
        (
            "ns2.xml",
            "<a xmlns:p=\"urn:x\" xmlns:q=\"urn:x\" p:zqlkR=\"1\" q:zqlkR=\"2\"/>".to_string(),
        ),
        (
            "ns3.xml",
            "<a xmlns:zqlkP=\"http://www.w3.org/XML/1998/namespace\"/>".to_string(),
        ),
    ] {
        inputs.push((write_temp(d, name, xml), "zqlk"));
    }
    // A signature on an element of the attacker's naming (SIG005).
    let (s0, s1) = (
        s.find("<ds:Signature").unwrap(),
        s.find("</ds:Signature>").unwrap() + "</ds:Signature>".len(),
    );
    let moved = format!("{}{}", &s[..s0], &s[s1..]).replacen(
        "<samlp:Status>",
        &format!(
            "<samlp:Extensions><x:zqlkElem xmlns:x=\"urn:x\">{}</x:zqlkElem></samlp:Extensions><samlp:Status>",
            &s[s0..s1]
        ),
        1,
    );
    inputs.push((write_temp(d, "sigparent.xml", moved), "zqlkElem"));
    // A HAR: a shortened query value in the origin label, a free-text method and time.
    let mut h: serde_json::Value =
        serde_json::from_str(&read("har/sp-initiated-login.har")).unwrap();
    let e = &mut h["log"]["entries"][3];
    e["request"]["url"] = "https://zqlkhost.test/zqlkpath/acs?user=zqlk-at-home".into();
    e["request"]["method"] = "POST-zqlk".into();
    e["startedDateTime"] = "zqlk 2026-11-20T09:59:55Z".into();
    inputs.push((write_temp(d, "capture.har", h.to_string()), "zqlk"));
    // A HAR whose status is a string holding an escaped quote: the JSON error quotes it.
    let mut h: serde_json::Value =
        serde_json::from_str(&read("har/sp-initiated-login.har")).unwrap();
    h["log"]["entries"][3]["response"]["status"] = "a\"zqlk Jane".into();
    inputs.push((write_temp(d, "typed.har", h.to_string()), "zqlk"));
    // A Keycloak realm: keys that are not names.
    let realm = r#"{"realm": "acme", "id": "acme", "enabled": true, "clients": [{"clientId": "x", "protocol": "saml", "attributes": {"contact zqlk Roe": "1"}}], "roles": {"client": {"https://zqlkhost.test/jane": [{"name": "admin", "attributes": {"secret": ["hunter2"]}}]}}}"#;
    inputs.push((write_temp(d, "realm.json", realm), "zqlk"));
    // A date of birth as an attribute value.
    inputs.push((
        write_temp(
            d,
            "dob.xml",
            template.replace(">Doe<", ">1985-03-14T00:00:00Z<"),
        ),
        "1985-03-14",
    ));
    // The trusted certificate's path names its user.
    let home = d.join("home").join("zqlk.roe");
    std::fs::create_dir_all(&home).unwrap();
    let cert = write_temp(&home, "idp-cert.pem", &cert_pem);
    for (input, planted) in &inputs {
        let plain: String = ["json", "full"]
            .iter()
            .map(|f| {
                let o = run(&["check", "--format", f, "--idp-cert", &cert, input]);
                o.stdout + &o.stderr
            })
            .collect();
        assert!(
            plain.contains(planted),
            "{input}: {planted} not in the unredacted output"
        );
        for (name, o) in [
            ("report", run(&["report", "--idp-cert", &cert, input])),
            (
                "--redact json",
                run(&[
                    "check",
                    "--redact",
                    "--format",
                    "json",
                    "--idp-cert",
                    &cert,
                    input,
                ]),
            ),
        ] {
            // stdout and stderr: `samlint report > out.md 2>&1` is how a report gets pasted.
            for p in [*planted, "zqlk"] {
                assert!(
                    !o.stdout.contains(p),
                    "{name} {input}: {p} in\n{}",
                    o.stdout
                );
                assert!(
                    !o.stderr.contains(p),
                    "{name} {input}: {p} on stderr\n{}",
                    o.stderr
                );
            }
        }
    }
}

/// Review 46: values that reached redacted outputs by ways the planted test above did not take: a
/// request URL in an origin label that is relative (an HTML form's `action="/idp/…"`, a SAML-tracer
/// request) or whose scheme is not lower-case (`Https://`, `HTTPS://`), which the label's text
/// scrubbing did not see as a URL; the root element's name of a message of no known kind (JSON
/// `root`, the human header); a Redirect binding's `SigAlg` (JSON `binding.sig_alg`). Each is in the
/// unredacted JSON (so that finding none below proves something) and in no redacted output, in any
/// format.
#[test]
fn review_46_origin_urls_root_names_and_sigalg_stay_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let read = |rel: &str| std::fs::read_to_string(fixture(rel)).unwrap();
    let b64 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(read("saml/keycloak-atlassian-unsigned.xml").trim_end())
    };
    let form = |action: &str| {
        format!(
            "<html><body><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"{b64}\"></form></body></html>"
        )
    };
    let mut inputs: Vec<String> = vec![
        write_temp(
            d,
            "relative.html",
            form("/idp/profile/zqlk.roe/SAML2/POST/SSO?login_hint=zqlkhint&amp;sid=zq1"),
        ),
        write_temp(
            d,
            "upper.html",
            form("HTTPS://zqlk-idp.test/zqlk.roe/acs?login_hint=zqlkhint"),
        ),
        write_temp(
            d,
            "root.xml",
            "<zqlkRoot xmlns=\"urn:zqlkns\" ID=\"_x\" Version=\"2.0\"/>",
        ),
    ];
    let mut h: serde_json::Value =
        serde_json::from_str(&read("har/sp-initiated-login.har")).unwrap();
    let url = h["log"]["entries"][3]["request"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    h["log"]["entries"][3]["request"]["url"] = format!(
        "Https{}&zqlkparam=zqlkvalue",
        url.trim_start_matches("https")
    )
    .into();
    inputs.push(write_temp(d, "mixed.har", h.to_string()));
    let mut t: serde_json::Value =
        serde_json::from_str(&read("tracer/saml-tracer-export.json")).unwrap();
    t["requests"][1]["url"] = "/zqlkrel/zqlk.roe/acs?connection=saml-1&q=zqlkq".into();
    inputs.push(write_temp(d, "tracer.json", t.to_string()));
    inputs.push(format!(
        "{}&SigAlg=http%3A%2F%2Fzqlkalg.test%2Fx&Signature=AAAA",
        read("saml/authn-request-redirect.url").trim()
    ));
    for input in &inputs {
        let plain = run(&["check", "--isolated", "--format", "json", input]);
        assert!(
            plain.stdout.contains("zqlk"),
            "{input}: zqlk not in the unredacted output\n{}{}",
            plain.stdout,
            plain.stderr
        );
        let mut outputs = vec![("report".to_string(), run(&["report", "--isolated", input]))];
        for f in ["full", "concise", "json", "sarif", "junit", "github"] {
            outputs.push((
                format!("--redact --format {f}"),
                run(&["check", "--isolated", "--redact", "--format", f, input]),
            ));
        }
        for (name, o) in outputs {
            assert!(
                matches!(o.code, 0..=1),
                "{name} {input}: exit {}\n{}",
                o.code,
                o.stderr
            );
            for (stream, text) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
                assert!(
                    !text.to_lowercase().contains("zq"),
                    "{name} {input}: planted value on {stream}:\n{text}"
                );
            }
        }
    }
}

/// Review 46: an error about a file an option names says, in a redacting run, which option's file is
/// wrong, by its extension (as a redacted key origin does: a path names its user), and quotes and
/// shows nothing from it; without redaction it names the path.
#[test]
fn review_46_option_file_errors_name_no_path_and_quote_nothing_when_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("zqlk.roe");
    std::fs::create_dir_all(&home).unwrap();
    let bad_cert = write_temp(&home, "idp.pem", "not a certificate");
    let broken_md = write_temp(
        &home,
        "md.xml",
        "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"><zqlkElem></md:EntityDescriptor>",
    );
    let xml = fixture("saml/keycloak-atlassian-ok.xml");
    let baseline = write_temp(&home, "baseline.json", "<zqlkResponse/>");
    // The option, and what the error says to name it.
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        ("--idp-cert", "--idp-cert", vec!["--idp-cert", &bad_cert]),
        ("--sp-key", "--sp-key", vec!["--sp-key", &bad_cert]),
        (
            "--idp-metadata",
            "--idp-metadata",
            vec!["--idp-metadata", &broken_md],
        ),
        ("--baseline", "--baseline", vec!["--baseline", &baseline]),
        ("--pack", "rule pack", vec!["--pack", &baseline]),
    ];
    for (flag, said, args) in cases {
        let with = |pre: &[&str]| {
            let mut a: Vec<&str> = pre.to_vec();
            a.extend(["--isolated", xml.as_str()]);
            a.extend(args.iter().copied());
            run(&a)
        };
        let plain = with(&["check"]);
        assert_eq!(plain.code, 2, "{flag}: {}", plain.stderr);
        assert!(plain.stderr.contains("zqlk"), "{flag}: {}", plain.stderr);
        for (name, o) in [
            ("report", with(&["report"])),
            ("--redact", with(&["check", "--redact"])),
        ] {
            assert_eq!(o.code, 2, "{flag} {name}: {}", o.stderr);
            assert!(o.stderr.contains(said), "{flag} {name}: {}", o.stderr);
            assert!(
                !o.stderr.contains("zqlk"),
                "{flag} {name}: the path or the file's content on stderr:\n{}",
                o.stderr
            );
        }
    }
}

/// Review 47: what redacting runs (`report`, `--redact`) printed besides the findings. The notes about
/// suppressions (a clientId, which tied the output's own pseudonym back to the connection id, a file
/// glob and a reason) and about a baseline (its path; each gone entry's input path and request URL),
/// a Keycloak clientId or realm name holding a tab, a newline or U+202E (made one line for the label,
/// it matched no value the redactor had seen), the `--sp-key` path in JSON `decryption.key` when
/// SIG022 is not reported, input names whose last dot-part is no file kind (`jane.zqlkroe`) or that
/// start like samlint's own `argument N`, and the paths of `--config`, `-o` and `--write-baseline`
/// (and a broken config's snippet). Each planted value is in the unredacted output (so that finding
/// none below proves something), and in no redacted one, on stdout or stderr.
#[test]
fn review_47_notes_subjects_key_files_and_names_stay_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("zqlk.roe");
    std::fs::create_dir_all(home.join("zqlkteam")).unwrap();
    let read = |rel: &str| std::fs::read_to_string(fixture(rel)).unwrap();
    let client_id = "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    let realm = |client: &str, name: &str| {
        let mut c: serde_json::Value =
            serde_json::from_str(&read("keycloak/atlassian-cloud-ok.json")).unwrap();
        c["clientId"] = client.into();
        c["attributes"]["saml.client.signature"] = "true".into();
        serde_json::json!({"realm": name, "id": "x", "enabled": true, "clients": [c]}).to_string()
    };
    let kc = write_temp(
        &home.join("zqlkteam"),
        "realm.json",
        realm(client_id, "acme"),
    );
    let config = write_temp(
        &home,
        "samlint.yaml",
        format!(
            "suppress:\n  - rule: KC001\n    client: {client_id}\n    file: \"**/zqlkteam/*.json\"\n    reason: ticket for zqlk.roe@corp.test\n    expires: 2020-01-01\n  - rule: ATL0\n    client: {client_id}\n    file: \"**/zqlknomatch/*.json\"\n    reason: zqlkunused\n"
        ),
    );
    let xml = fixture("saml/keycloak-atlassian-ok.xml");
    let baseline = home
        .join("zqlkbaseline.json")
        .to_string_lossy()
        .into_owned();
    let har = write_temp(&home, "capture.har", {
        let mut h: serde_json::Value =
            serde_json::from_str(&read("har/sp-initiated-login.har")).unwrap();
        h["log"]["entries"][3]["request"]["url"] = "https://zqlkuser:zqlkpw@zqlkhost.test/p".into();
        h.to_string()
    });
    let written = run(&["check", "--isolated", "--write-baseline", &baseline, &har]);
    assert!(
        std::path::Path::new(&baseline).exists(),
        "{}",
        written.stderr
    );
    let odd = write_temp(
        &home,
        "odd.json",
        realm(
            "https://auth.atlassian.com/saml/zqlk\tone\n\u{202e}two",
            "zqlkrealm\u{85}x",
        ),
    );
    let named = write_temp(
        &home,
        "jane.zqlkroe",
        read("saml/keycloak-atlassian-ok.xml"),
    );
    let argument = write_temp(
        &home,
        "argument zqlk.xml",
        read("saml/keycloak-atlassian-ok.xml"),
    );
    let sp_key = home.join("zqlk-sp.pem");
    std::fs::copy(fixture("keys/sp-key.pem"), &sp_key).unwrap();
    let sp_key = sp_key.to_string_lossy().into_owned();
    let encrypted = fixture("saml/keycloak-atlassian-encrypted.xml");
    let broken_config = write_temp(
        &home,
        "broken.yaml",
        "suppress:\n  - rule: KC001\n    client: zqlkbroken\n    reason: [\n",
    );
    let bad_out = home
        .join("zqlknodir")
        .join("out.md")
        .to_string_lossy()
        .into_owned();
    let bad_baseline = home
        .join("zqlknodir")
        .join("b.json")
        .to_string_lossy()
        .into_owned();
    // (what, arguments after the command, the planted value the unredacted run prints)
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("suppression notes", vec!["--config", &config, &kc], "zqlk"),
        (
            "baseline notes",
            vec!["--isolated", "--baseline", &baseline, &xml],
            "zqlk",
        ),
        ("odd clientId and realm", vec!["--isolated", &odd], "zqlk"),
        (
            "decryption key",
            vec![
                "--isolated",
                "--sp-key",
                &sp_key,
                "--ignore",
                "SIG022",
                &encrypted,
            ],
            "zqlk",
        ),
        ("input name", vec!["--isolated", &named], "zqlk"),
        (
            "broken config",
            vec!["--config", &broken_config, &xml],
            "zqlk",
        ),
        ("-o", vec!["--isolated", "-o", &bad_out, &xml], "zqlk"),
        (
            "--write-baseline",
            vec!["--isolated", "--write-baseline", &bad_baseline, &xml],
            "zqlk",
        ),
    ];
    // Every case is run and every leak listed, so that each case is seen to fail on its own.
    let mut leaks = Vec::new();
    for (what, args, planted) in cases {
        let with = |pre: &[&str]| {
            let mut a: Vec<&str> = pre.to_vec();
            a.extend(args.iter().copied());
            run(&a)
        };
        let plain = with(&["check", "--format", "json"]);
        assert!(
            (plain.stdout.clone() + &plain.stderr).contains(planted),
            "{what}: {planted} not in the unredacted output\n{}\n{}",
            plain.stdout,
            plain.stderr
        );
        let mut outputs = vec![("report".to_string(), with(&["report"]))];
        for f in ["concise", "json", "sarif", "junit", "github"] {
            outputs.push((
                format!("--redact --format {f}"),
                with(&["check", "--redact", "--format", f]),
            ));
        }
        for (name, o) in outputs {
            assert!(
                !o.stderr.contains("panicked"),
                "{what} {name}: {}",
                o.stderr
            );
            for (stream, text) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
                if let Some(line) = text.lines().find(|l| l.contains(planted)) {
                    leaks.push(format!("{what} | {name} | {stream}: {line}"));
                }
            }
        }
    }
    // A file named like samlint's own `argument N`, named relative to the working directory (as a
    // pasted value's name is, it has no folder).
    let _ = argument;
    for f in ["concise", "json"] {
        let o = samlint()
            .current_dir(&home)
            .args([
                "check",
                "--isolated",
                "--redact",
                "--format",
                f,
                "argument zqlk.xml",
            ])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout) + String::from_utf8_lossy(&o.stderr);
        assert!(out.contains("input-1.xml"), "{out}");
        if let Some(line) = out.lines().find(|l| l.contains("zqlk")) {
            leaks.push(format!("argument-like name | --redact {f}: {line}"));
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// `samlint report > out.md 2>&1` is how a report gets pasted: the errors on stderr are redacted
/// with the report's own redactor, so a host has one pseudonym in both (review 47: stderr had its own
/// random key, and the same host another pseudonym there than in the report's timeline).
#[test]
fn review_47_report_errors_use_the_reports_pseudonyms() {
    let dir = tempfile::tempdir().unwrap();
    let mut h: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap(),
    )
    .unwrap();
    // A second request to the IdP's host whose SAMLRequest is not base64: an error on stderr.
    let mut bad = h["log"]["entries"][1].clone();
    bad["request"]["url"] =
        "https://kc.example.com/realms/acme/protocol/saml?SAMLRequest=!!!zqlkbad".into();
    bad["request"]["queryString"] =
        serde_json::json!([{"name": "SAMLRequest", "value": "!!!zqlkbad"}]);
    h["log"]["entries"].as_array_mut().unwrap().push(bad);
    let har = write_temp(dir.path(), "capture.har", h.to_string());
    let out = run(&["report", &har]);
    assert!(out.stderr.contains("SAMLRequest"), "{}", out.stderr);
    let hosts = |s: &str| -> Vec<String> {
        s.match_indices("host-")
            .map(|(i, _)| s[i..].chars().take(11).collect())
            .collect()
    };
    let in_errors = hosts(&out.stderr);
    assert!(
        !in_errors.is_empty(),
        "no host pseudonym on stderr: {}",
        out.stderr
    );
    for h in &in_errors {
        assert!(
            out.stdout.contains(h.as_str()),
            "{h} on stderr is not in the report:\n{}\n---\n{}",
            out.stderr,
            out.stdout
        );
    }
}
