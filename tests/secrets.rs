//! Secrets in a Keycloak export are never printed (docs/reference.md), with or without `--redact`:
//! not in a finding's snippet (the `full` format shows the lines around it), not in an input error's
//! excerpt (on stderr under every format, the GitHub Action's `github` one included), not in
//! `report`'s Markdown, not in the context lines of `fix --diff` (review 33), not by `decode`, and not
//! behind a byte-order mark (review 34).

mod common;
use common::*;

/// Distinctive parts of every planted secret.
const CANARIES: [&str; 7] = [
    "QSIGNKEYq",
    "QENCKEYq",
    "QPROVIDERq",
    "QIDPSECRETq",
    "QPASSWORDq",
    "QSMTPq",
    "QESCAPEDq",
];

fn client(extra: &str) -> String {
    let broken =
        std::fs::read_to_string(fixture("keycloak/atlassian-cloud-broken.json")).expect("fixture");
    // Beside a setting `fix` changes (so that the diff's context shows it), and at the end.
    broken
        .replacen(
            "\"saml.server.signature\": \"false\",",
            "\"saml.signing.private.key\": \"MIIEv-QSIGNKEYq-\\\"é\\\\\",\n    \"saml.server.signature\": \"false\",",
            1,
        )
        .replacen(
            "\"saml.encrypt\": \"true\",",
            &format!("\"saml.encrypt\": \"true\",\n    \"saml.encryption.private.key\": \"QENCKEYq\",{extra}"),
            1,
        )
}

fn realm() -> String {
    format!(
        r#"{{
  "realm": "acme", "id": "acme", "enabled": true,
  "smtpServer": {{ "host": "mail", "password": "QSMTPq" }},
  "components": {{ "org.keycloak.keys.KeyProvider": [ {{ "name": "rsa", "providerId": "rsa",
      "config": {{ "priority": ["100"], "privateKey": [ "QPROVIDERq" ], "certificate": ["MIIC"] }} }} ] }},
  "identityProviders": [ {{ "alias": "x", "providerId": "oidc", "config": {{ "clientId": "x", "clientSecret": "QIDPSECRETq" }} }} ],
  "users": [ {{ "username": "jane", "credentials": [ {{ "type": "password", "value": "QPASSWORDq" }} ] }} ],
  "clients": [ {} ]
}}"#,
        client("\n    \"priv\\u0061teKey\": \"QESCAPEDq\",")
    )
}

fn leaks(out: &str) -> Vec<&'static str> {
    CANARIES.into_iter().filter(|c| out.contains(c)).collect()
}

#[test]
fn no_secret_of_an_export_is_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let client_path = dir.path().join("client.json");
    let realm_path = dir.path().join("realm.json");
    // An input error (a duplicate key) next to the private keys: its excerpt shows the lines around.
    let dup_path = dir.path().join("dup.json");
    std::fs::write(&client_path, client("")).expect("write");
    std::fs::write(&realm_path, realm()).expect("write");
    std::fs::write(
        &dup_path,
        // On the line after the signing key's, which the excerpt shows as context.
        client("").replacen(
            "\"saml.server.signature\": \"false\",",
            "\"saml.server.signature\": \"false\", \"saml.server.signature\": \"false\",",
            1,
        ),
    )
    .expect("write");
    // The same behind a byte-order mark (review 34: the excerpt was not masked after one).
    let bom_path = dir.path().join("dup-bom.json");
    let dup = std::fs::read_to_string(&dup_path).expect("read");
    std::fs::write(&bom_path, format!("\u{feff}{dup}")).expect("write");
    let (c, r, d, b) = (
        client_path.to_string_lossy().into_owned(),
        realm_path.to_string_lossy().into_owned(),
        dup_path.to_string_lossy().into_owned(),
        bom_path.to_string_lossy().into_owned(),
    );
    let mut seen_secret_findings = 0;
    for args in [
        vec!["check", &c],
        vec!["check", &r],
        vec!["check", "--show-infos", &c, &r],
        vec!["check", "--format", "github", &d],
        vec!["check", "--format", "sarif", &d],
        vec!["check", &d],
        vec!["report", &c],
        vec!["report", &r],
        vec!["fix", "--diff", &c],
        vec!["check", &b],
        vec!["check", "--format", "github", &b],
        vec!["fix", "--diff", &b],
        vec!["decode", &c],
        vec!["decode", "--raw", &r],
    ] {
        let o = run(&args);
        let all = format!("{}{}", o.stdout, o.stderr);
        assert!(
            leaks(&all).is_empty(),
            "{args:?} prints {:?}:\n{all}",
            leaks(&all)
        );
        seen_secret_findings += all.matches("holds a secret").count();
    }
    // The secrets were there to print: the findings about them are.
    assert!(seen_secret_findings >= 6, "{seen_secret_findings}");
}

/// The masked text keeps every byte offset, and masks only strings below a secret's key.
#[test]
fn masking_keeps_offsets_and_other_values() {
    let text = realm();
    let masked = samlint::keycloak::mask_secrets(&text);
    assert_eq!(masked.len(), text.len());
    assert!(leaks(&masked).is_empty(), "{masked}");
    for kept in [
        "\"acme\"",
        "\"mail\"",
        "\"MIIC\"",
        "\"jane\"",
        "\"password\"",
        "\"100\"",
    ] {
        assert!(masked.contains(kept), "{kept} masked:\n{masked}");
    }
    let plain = "{\"clientId\": \"x\", \"attributes\": {\"saml.encrypt\": \"true\"}}";
    assert!(matches!(
        samlint::keycloak::mask_secrets(plain),
        std::borrow::Cow::Borrowed(_)
    ));
}

/// Review 60: a secret written as a JSON number, and other numbers from the input, were printed as
/// written (only strings were masked and redacted); and a `registeredNodes` host name, a map key, was
/// kept in the redacted report.
#[test]
fn numbers_and_host_keys_are_masked_and_redacted_too() {
    let client: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap(),
    )
    .unwrap();
    let mut c = client.clone();
    c["secret"] = serde_json::json!(123456789012u64);
    c["attributes"]["customer.phone"] = serde_json::json!(15550100123u64);
    c["registeredNodes"] = serde_json::json!({"jira-node1.corp-zq7.internal": 1700000000});
    c["nodeReRegistrationTimeout"] = serde_json::json!(-1);
    let text = serde_json::to_string_pretty(&c).unwrap();
    // Masked byte for byte in every view of the export's text.
    let masked = samlint::keycloak::mask_secrets(&text);
    assert_eq!(masked.len(), text.len());
    assert!(!masked.contains("123456789012"), "{masked}");
    assert!(
        masked.contains("15550100123"),
        "only secrets are masked: {masked}"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("client.json");
    std::fs::write(&p, &text).unwrap();
    let p = p.to_string_lossy().into_owned();
    // `decode` prints the export's text (review 61: `check` and `fix --diff` on this client print
    // none of it, so their assertions held either way): the secret's digits are masked there.
    let o = run(&["decode", &p]);
    assert!(
        o.stdout.contains("\"secret\": ************"),
        "{}",
        o.stdout
    );
    for args in [
        vec!["check", &p],
        vec!["fix", "--diff", &p],
        vec!["decode", &p],
    ] {
        let o = run(&args);
        assert!(
            !format!("{}{}", o.stdout, o.stderr).contains("123456789012"),
            "{args:?}"
        );
    }
    let o = run(&["report", &p]);
    for leaked in [
        "123456789012",
        "15550100123",
        "1700000000",
        "corp-zq7",
        "jira-node1",
    ] {
        assert!(
            !o.stdout.contains(leaked),
            "{leaked} in the report:\n{}",
            o.stdout
        );
    }
    // A small setting stays readable.
    assert!(
        o.stdout.contains("\"nodeReRegistrationTimeout\": -1"),
        "{}",
        o.stdout
    );
}

/// Re-read of this session's change: KC034/KC035 wrote the member's name as a value, so `--redact`
/// pseudonymised `enabled` (and every later path through it); they name it by its path now, which
/// keeps Keycloak's own keys.
#[test]
fn a_refused_members_name_survives_redaction() {
    let file = format!(
        "{}/e2e/keycloak/refused/realm-oidc-client-type.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = run(&["check", &file, "--format", "concise", "--redact"]);
    assert!(
        o.stdout.contains("`$.clients[1].enabled` is a string"),
        "{}",
        o.stdout
    );
}
