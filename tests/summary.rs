//! The first screen (issue 15): the verdict, the signatures with the key that verified them, the NameID
//! and the attributes before any finding; findings most important first, identical ones merged, infos
//! folded unless asked; `-q` prints only the summary line.

mod common;
use common::*;

const CONN: &str = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

/// The row a labelled line of the summary starts with (`  label   value`).
fn row<'a>(out: &'a str, label: &str) -> Option<&'a str> {
    out.lines().find_map(|l| {
        let t = l.strip_prefix("  ")?;
        let rest = t.strip_prefix(label)?;
        rest.starts_with(' ').then(|| rest.trim_start())
    })
}

#[test]
fn a_valid_signed_response_shows_verdict_key_nameid_and_attributes_on_the_first_screen() {
    let o = run(&[
        "check",
        "fixtures/saml/keycloak-atlassian-ok.b64",
        "--idp-cert",
        "fixtures/keys/idp-cert.pem",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // A terminal of 24 lines: everything a newcomer looks for is there.
    let screen: String = o.stdout.lines().take(24).collect::<Vec<_>>().join("\n");
    assert!(
        screen.contains("✔ Atlassian would accept this login"),
        "{screen}"
    );
    assert!(
        row(&screen, "signatures").is_some_and(|r| r.contains("Response valid")),
        "{screen}"
    );
    assert!(screen.contains("Assertion valid"), "{screen}");
    // The key that verified, with Atlassian's colon thumbprint and its expiry.
    assert!(
        row(&screen, "key").is_some_and(|r| r.contains("CN=kc.example.com")),
        "{screen}"
    );
    assert!(
        screen.contains("SHA-1 13:C0:80:FF:EE:4B:D4:E0:62:8B:BB:7D:08:7B:F1:BF:B2:AE:04:C0"),
        "{screen}"
    );
    assert!(screen.contains("expires 2036-01-01"), "{screen}");
    assert_eq!(
        row(&screen, "NameID"),
        Some("jane.doe@example.com (emailAddress)")
    );
    assert_eq!(
        row(&screen, "issuer"),
        Some("https://kc.example.com/realms/acme")
    );
    assert!(
        row(&screen, "audience").is_some_and(|r| r.contains(CONN)),
        "{screen}"
    );
    assert!(row(&screen, "checked at").is_some(), "{screen}");
    // The attribute table: a header, then one line per attribute with its value.
    assert!(
        row(&screen, "attributes").is_some_and(|r| r.starts_with("Name")),
        "{screen}"
    );
    for v in ["jane.doe@example.com", "Jane", "Doe"] {
        assert!(
            screen
                .lines()
                .any(|l| l.contains("/claims/") && l.trim_end().ends_with(v)),
            "{v}: {screen}"
        );
    }
    // The two infos are counted, not shown.
    assert!(
        !o.stdout.contains("PRO012(time-not-checked)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("2 infos (they are hidden: PRO012, PRO013; --show-infos"),
        "{}",
        o.stdout
    );
    insta::assert_snapshot!("full_valid", no_elapsed(&o.stdout));
}

#[test]
fn at_80_columns_no_summary_line_is_wider_than_the_terminal() {
    let o = samlint()
        .env("COLUMNS", "80")
        .args([
            "check",
            "fixtures/saml/keycloak-atlassian-ok.b64",
            "--idp-cert",
            "fixtures/keys/idp-cert-other.pem",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    // The summary block (before the first diagnostic): every line fits.
    for l in out.lines().take_while(|l| !l.contains("ATL021(")) {
        assert!(
            unicode_width(l) <= 80,
            "{} columns: {l}\n{out}",
            unicode_width(l)
        );
    }
    insta::assert_snapshot!("full_wrong_key_80", no_elapsed(&out));
}

/// Display columns (a wide character takes two).
fn unicode_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

#[test]
fn a_wrong_certificate_names_the_one_that_signed() {
    let o = run(&[
        "check",
        "fixtures/saml/keycloak-atlassian-ok.b64",
        "--idp-cert",
        "fixtures/keys/idp-cert-expired.pem",
    ]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    let head: String = o.stdout.lines().take(16).collect::<Vec<_>>().join("\n");
    assert!(
        head.contains("✘ Atlassian would reject this login"),
        "{head}"
    );
    // The configured key, then the one in the message that does verify.
    let signed = head
        .lines()
        .position(|l| l.starts_with("  signed by") || l.starts_with("  carries"))
        .expect("a row for the certificate the message carries");
    let lines: Vec<&str> = head.lines().collect();
    assert!(lines[signed].contains("CN=kc.example.com"), "{head}");
    assert!(
        lines[signed + 1]
            .contains("SHA-1 13:C0:80:FF:EE:4B:D4:E0:62:8B:BB:7D:08:7B:F1:BF:B2:AE:04:C0"),
        "{head}"
    );
}

#[test]
fn show_infos_shows_them_and_the_config_key_does_too() {
    let args = [
        "check",
        "fixtures/saml/keycloak-atlassian-ok.b64",
        "--idp-cert",
        "fixtures/keys/idp-cert.pem",
    ];
    let hidden = run(&args);
    let mut a = args.to_vec();
    a.push("--show-infos");
    let shown = run(&a);
    assert!(shown.stdout.contains("PRO012(time-not-checked)"));
    assert!(shown.stdout.contains("PRO013(expectations-inferred)"));
    assert!(!shown.stdout.contains("hidden"), "{}", shown.stdout);
    assert_eq!(hidden.code, shown.code);
    // Concise folds them too.
    let mut c = args.to_vec();
    c.extend(["--format", "concise"]);
    let concise = run(&c);
    assert!(
        !concise.stdout.contains("info[PRO012]"),
        "{}",
        concise.stdout
    );
    c.push("--show-infos");
    assert!(run(&c).stdout.contains("info[PRO012]"));
    // samlint.yaml's `show-infos: true`.
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_temp(dir.path(), "samlint.yaml", "show-infos: true\n");
    let mut y = args.to_vec();
    y.extend(["--config", &cfg]);
    assert!(run(&y).stdout.contains("PRO012(time-not-checked)"));
    let bad = write_temp(dir.path(), "bad.yaml", "show-infos: sometimes\n");
    let mut y = args.to_vec();
    y.extend(["--config", &bad]);
    let o = run(&y);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("bad.yaml"), "{}", o.stderr);
}

#[test]
fn quiet_prints_only_the_summary_line_and_keeps_the_exit_code() {
    for (input, code) in [
        ("fixtures/saml/keycloak-atlassian-ok.b64", 0),
        ("fixtures/saml/keycloak-atlassian-unsigned.xml", 1),
    ] {
        let o = run(&["check", "-q", input]);
        assert_eq!(o.code, code, "{input}: {}", o.stdout);
        assert_eq!(o.stdout.lines().count(), 1, "{input}: {}", o.stdout);
        assert!(o.stdout.starts_with("1 input, 1 message: "), "{}", o.stdout);
        assert!(o.stderr.is_empty(), "{}", o.stderr);
    }
    // An input that cannot be read: exit 2, and the reason on stderr in one line.
    let o = run_stdin(&["check", "--quiet", "-"], "not saml at all");
    assert_eq!(o.code, 2);
    assert_eq!(o.stdout.lines().count(), 1, "{}", o.stdout);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(o.stderr.starts_with("stdin: error["), "{}", o.stderr);
}

#[test]
fn a_failed_status_comes_before_not_signed_in_every_human_format() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml"))
        .unwrap()
        .replace(
            "urn:oasis:names:tc:SAML:2.0:status:Success",
            "urn:oasis:names:tc:SAML:2.0:status:Responder",
        );
    let x = write_temp(dir.path(), "responder.xml", text);
    let full = run(&["check", &x]);
    let pos = |s: &str, code: &str| s.find(code).unwrap_or(usize::MAX);
    assert!(
        pos(&full.stdout, "PRO001(") < pos(&full.stdout, "SIG002("),
        "{}",
        full.stdout
    );
    assert!(
        row(&full.stdout, "status").is_some_and(|r| r.starts_with("Responder")),
        "{}",
        full.stdout
    );
    let concise = run(&["check", &x, "--format", "concise"]);
    assert!(
        pos(&concise.stdout, "[PRO001]") < pos(&concise.stdout, "[SIG002]"),
        "{}",
        concise.stdout
    );
    assert!(
        concise
            .stdout
            .lines()
            .next()
            .unwrap_or("")
            .contains(": summary "),
        "{}",
        concise.stdout
    );
}

#[test]
fn identical_findings_are_shown_once_with_a_count() {
    // The client key signed both the Response and the Assertion: SIG001 twice with one message.
    let o = run(&[
        "check",
        "fixtures/saml/keycloak-atlassian-ok.b64",
        "--idp-cert",
        "fixtures/keys/client-cert.pem",
    ]);
    assert_eq!(
        o.stdout.matches("SIG001(signature-invalid)").count(),
        1,
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("(× 2)"), "{}", o.stdout);
    // The machine formats keep every finding.
    let (_, v) = check_json(&[
        "fixtures/saml/keycloak-atlassian-ok.b64",
        "--idp-cert",
        "fixtures/keys/client-cert.pem",
    ]);
    assert_eq!(
        codes(&v).iter().filter(|c| c.as_str() == "SIG001").count(),
        2,
        "{v:#}"
    );
}

#[test]
fn the_concise_summary_line_carries_no_value_from_the_input_when_redacted() {
    let o = run(&[
        "check",
        "fixtures/har/sp-initiated-login.har",
        "--idp-cert",
        "fixtures/keys/idp-cert.pem",
        "--format",
        "concise",
        "--redact",
    ]);
    let lines: Vec<&str> = o
        .stdout
        .lines()
        .filter(|l| l.contains(": summary "))
        .collect();
    assert_eq!(lines.len(), 2, "{}", o.stdout);
    for l in lines {
        for secret in ["jane.doe", "kc.example.com", "acme", CONN] {
            assert!(!l.contains(secret), "{secret} in {l}");
        }
    }
}

/// Two SPs predicted: each has its verdict line, not only the first (concise too).
#[test]
fn every_predicted_sp_has_a_verdict_line() {
    let args = [
        "check",
        "fixtures/saml/keycloak-atlassian-ok.b64",
        "--idp-cert",
        "fixtures/keys/idp-cert.pem",
        "--pack",
        "atlassian-datacenter",
    ];
    let o = run(&args);
    let head: Vec<&str> = o.stdout.lines().take(4).collect();
    assert!(head[1].contains("Atlassian would accept"), "{}", o.stdout);
    assert!(
        head[2].contains("Atlassian Data Center would reject"),
        "{}",
        o.stdout
    );
    let mut c = args.to_vec();
    c.extend(["--format", "concise"]);
    let first = run(&c)
        .stdout
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        first.contains("atlassian-cloud accepts · atlassian-datacenter rejects"),
        "{first}"
    );
}
