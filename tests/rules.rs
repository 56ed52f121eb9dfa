//! Rule metadata, rule docs, `samlint rules|rule|explain|functions`, strict pack loading, the 25
//! pitfalls of requirements.md §6, and the public Keycloak exports of the corpus.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn codes_are_unique_and_every_rule_is_documented() {
    let o = run(&["rules", "--format", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&o.stdout).unwrap();
    let codes: Vec<&str> = rows.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "duplicate codes");
    insta::assert_snapshot!("rule_codes", codes.join("\n"));
    for r in samlint::rules::shipped_rules() {
        let m = r.meta;
        assert!(!m.docs.trim().is_empty(), "{} has no docs", m.code);
        assert!(
            m.docs.contains("## What it does"),
            "{} docs lack 'What it does'",
            m.code
        );
        assert!(!m.source.is_empty() && !m.help.is_empty(), "{}", m.code);
        let prefix = match r.pack {
            "saml-core" => "CORE",
            "atlassian-cloud" => "ATL",
            "atlassian-datacenter" => "ADC",
            "keycloak" => "KC",
            p => panic!("unexpected pack {p}"),
        };
        assert!(m.code.starts_with(prefix), "{} in pack {}", m.code, r.pack);
    }
}

/// Every declared rule, built-in (rules/builtin.yaml) or of a shipped pack, carries its documentation
/// through the registry, and `samlint rule CODE` prints it: a built-in rule's page says what the Rust
/// check reports and why, not only its summary and help.
#[test]
fn every_declared_rule_has_docs_in_its_page() {
    let builtin = samlint::registry::builtin();
    assert!(builtin.len() >= 40, "only {} built-in rules", builtin.len());
    for m in samlint::registry::declared() {
        assert!(!m.docs.trim().is_empty(), "{} has no docs", m.code);
        assert!(
            m.docs.contains("## What it does"),
            "{} docs lack 'What it does'",
            m.code
        );
        let page = samlint::rules::docs::markdown(m.code).unwrap();
        assert!(
            page.contains(m.docs.trim_end()),
            "{}: docs not in its page",
            m.code
        );
    }
    for m in builtin {
        assert!(m.docs.contains("## Why"), "{} docs lack 'Why'", m.code);
    }
    let o = run(&["rule", "SIG001"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("## What it does"), "{}", o.stdout);
    assert!(o.stdout.contains("`digest-mismatch`"), "{}", o.stdout);
}

#[test]
fn functions_are_unique_and_documented() {
    let names: Vec<&str> = samlint::rules::functions::FUNCTIONS
        .iter()
        .map(|f| f.name())
        .collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    assert_eq!(unique.len(), names.len());
    insta::assert_snapshot!("function_names", names.join("\n"));
    let o = run(&["functions"]);
    assert_eq!(o.code, 0);
    // Every paragraph, word for word (wrapped to the width, each line indented), and no line over it.
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let all = words(&o.stdout);
    for f in samlint::rules::functions::FUNCTIONS {
        assert!(all.contains(&words(f.doc())), "{}", f.name());
    }
    assert!(
        o.stdout.lines().all(|l| l.chars().count() <= 100),
        "{}",
        o.stdout
    );
}

#[test]
fn rule_docs_in_docs_rules_are_current() {
    let dir = root().join("docs/rules");
    let want = samlint::rules::docs::all_files();
    let mut stale = Vec::new();
    for (name, text) in &want {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(t) if &t == text => {}
            _ => stale.push(name.clone()),
        }
    }
    let names: BTreeSet<String> = want.iter().map(|(n, _)| n.clone()).collect();
    for e in std::fs::read_dir(&dir).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().into_owned();
        if !names.contains(&n) {
            stale.push(format!("{n} (no such rule)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is out of date ({stale:?}); run: cargo run -- rule --all --write docs/rules"
    );
    // `samlint rule CODE` prints the same page.
    let o = run(&["rule", "kc001"]);
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout,
        std::fs::read_to_string(dir.join("KC001.md")).unwrap()
    );
    let o = run(&["rule", "NOPE999"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("no rule `NOPE999`"), "{}", o.stderr);
}

/// Every Atlassian error text of requirements.md §1.13 and §10.9, and Keycloak's error pages.
const SEEN_TEXTS: &[&str] = &[
    "https://id.atlassian.com/error?error=access_denied&error_description=authentication-policy-strategy-mismatch",
    "https://id.atlassian.com/error?error=access_denied&error_description=Invalid%20thumbprint",
    "Certificate in SAML Response does not match the certificate in APS",
    "error_description=handle-linked-saml-users%3Aupdate-linked-primary-user-email-failed-400",
    "login.forbidden.handle-linked-saml-users.update-linked-primary-user-email-failed-400",
    "Your email address has changed at your Identity Provider. Ask your administrator to make a corresponding change",
    "Whoops! The email address you entered can't be used to log in here.",
    "assertion has expired",
    "Audience is invalid.",
    "verify-saml-domains:malformed-email-address",
    "Hang on, we need to verify a few things before you can log in",
    "Recipient is invalid.",
    "Destination endpoint https://x did not match https://y",
    "Hmm... We're having trouble logging you in.",
    "Invalid requester",
    "Unknown login requester",
    "Invalid Request",
    "Invalid redirect uri",
    "urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy",
    "The Assertion of the Response is not signed and the SP requires it",
];

#[test]
fn explain_covers_every_known_error_text() {
    let codes: BTreeSet<String> = samlint::registry::all()
        .iter()
        .map(|r| r.code.to_string())
        .collect();
    for e in samlint::rules::explain::entries() {
        for c in &e.rules {
            assert!(
                codes.contains(c),
                "explain entry {} names unknown rule {c}",
                e.id
            );
        }
    }
    assert!(
        samlint::rules::explain::entries().len() >= 15,
        "explain.yaml did not load"
    );
    for t in SEEN_TEXTS {
        let found = samlint::rules::explain::explain(t);
        assert!(!found.is_empty(), "explain does not know: {t}");
    }
    let o = run(&[
        "explain",
        "https://id.atlassian.com/error?error=access_denied&error_description=Invalid%20thumbprint",
    ]);
    assert_eq!(o.code, 0);
    insta::assert_snapshot!("explain_invalid_thumbprint", o.stdout);
    let o = run(&["explain", "--format", "json", "Invalid requester"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v[0]["rules"][0], "KC001");
    // Keycloak 26.7's "Invalid Request" (unknown Issuer) is not its "Invalid requester" (unsigned
    // request): a text that is exactly a title gets that entry alone.
    let ids = |t: &str| -> Vec<String> {
        samlint::rules::explain::explain(t)
            .into_iter()
            .map(|e| e.id)
            .collect()
    };
    assert_eq!(ids("Invalid requester"), ["invalid-requester"]);
    assert_eq!(ids("Invalid Request"), ["invalid-request"]);
    // A text samlint does not know exits 1 and names the nearest known ones.
    let o = run(&["explain", "something nobody has seen"]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("does not know this message"));
    assert_eq!(
        o.stdout.matches("\n  - ").count(),
        3,
        "three suggestions: {}",
        o.stdout
    );
    let o = run(&["explain", "--format", "json", "something nobody has seen"]);
    assert_eq!(o.code, 1);
    assert_eq!(o.stdout.trim(), "[]");
    // A typo and a longer sentence around a known text find it first.
    let first = |t: &str| samlint::rules::explain::nearest(t, 3)[0].id.clone();
    assert_eq!(first("Invalid thumbprnt"), "invalid-thumbprint");
    assert_eq!(first("the audiense was invalid"), "audience-invalid");
    let o = run(&["explain", "Invalid thumbprnt"]);
    assert_eq!(o.code, 1);
    insta::assert_snapshot!("explain_unknown_typo", o.stdout);
}

#[test]
fn retired_rule_points_at_its_replacement() {
    for code in ["PRO014", "pro014"] {
        let o = run(&["rule", code]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(
            o.stdout
                .starts_with("PRO014 was retired on 2026-12-02: the atlassian-cloud pack's ATL003"),
            "{}",
            o.stdout
        );
        assert!(o.stdout.contains("samlint rule ATL003"), "{}", o.stdout);
    }
    // The replacement exists, and a retired code is not a live rule.
    assert_eq!(run(&["rule", "ATL003"]).code, 0);
    assert!(samlint::registry::builtin_rule("PRO014").is_none());
}

/// Atlassian Data Center and its SSO apps: each error text is explained by exactly one entry, and where
/// a response shows the cause, a rule that entry names reports it on a Data Center-shaped response
/// (the correct fixture with the ACS and Audience of a Data Center instance, signed with the test key).
#[test]
fn data_center_texts_are_explained_and_predicted() {
    const RECEIVED_AT: &str = "Received invalid SAML response: The response was received at http://jira.internal:8080/plugins/servlet/samlconsumer instead of https://jira.example.com/plugins/servlet/samlconsumer";
    let texts: &[(&str, &str)] = &[
        (
            "Received invalid SAML response: Timing issues (please check your clock settings)",
            "dc-timing-issues",
        ),
        (
            "Could not validate timestamp: not yet valid. Check system clock.",
            "timestamp-not-yet-valid",
        ),
        (
            "Reading SAMLResponse failed: 19: Could not validate timestamp: not yet valid. Check system clock.",
            "timestamp-not-yet-valid",
        ),
        (
            "SAML-message with NotBefore 2026-11-20T10:00:00Z is not valid yet",
            "timestamp-not-yet-valid",
        ),
        (
            "Could not validate timestamp: expired. Check system clock.",
            "timestamp-expired",
        ),
        (RECEIVED_AT, "dc-received-at"),
        (
            "Received invalid SAML response: The response has an empty Destination value",
            "dc-empty-destination",
        ),
        (
            "SUBJECT_CONFIRMATION_DATA_UNEXPECTED_IN_RESPONSE_TO",
            "kantega-unexpected-in-response-to",
        ),
    ];
    for (text, id) in texts {
        let found: Vec<String> = samlint::rules::explain::explain(text)
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(found, [*id], "{text}");
    }
    // The human answer to java-saml's Destination error names the parts of the URLs that differ.
    let o = run(&["explain", RECEIVED_AT]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("They differ in:"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("scheme (http here, https in the Destination)"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("proxyName"), "{}", o.stdout);

    // The causes a response shows, on a Data Center-shaped response.
    const DC_ACS: &str = "https://jira.example.com/plugins/servlet/samlconsumer";
    let atlassian_acs = "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    let atlassian_sp = "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    let template = std::fs::read_to_string(fixture("saml/keycloak-atlassian-unsigned.xml"))
        .unwrap()
        .replace(atlassian_acs, DC_ACS)
        .replace(atlassian_sp, "https://jira.example.com");
    let sign = |xml: &str| {
        samlint::verify::sign::sign(
            xml.trim_end(),
            samlint::verify::sign::What::Both,
            &std::fs::read(fixture("keys/idp-key.pem")).unwrap(),
            &samlint::verify::sign::pem_body(
                &std::fs::read_to_string(fixture("keys/idp-cert.pem")).unwrap(),
            ),
            samlint::verify::sign::Alg::RsaSha256,
        )
        .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let ok = write_temp(dir.path(), "dc.xml", sign(&template));
    let empty = write_temp(
        dir.path(),
        "dc-empty-destination.xml",
        sign(&template.replacen(&format!("Destination=\"{DC_ACS}\""), "Destination=\"\"", 1)),
    );
    let cert = fixture("keys/idp-cert.pem");
    let base = [
        "--idp-cert",
        cert.as_str(),
        "--pack",
        "atlassian-datacenter",
    ];
    type Case<'a> = (&'a str, &'a str, Vec<&'a str>, &'a str);
    let cases: Vec<Case> = vec![
        // (explain entry, input, extra flags, the code that predicts it)
        (
            "dc-timing-issues",
            &ok,
            vec!["--at", "2026-11-20T10:30:00Z"],
            "PRO009",
        ),
        (
            "timestamp-expired",
            &ok,
            vec!["--at", "2026-11-20T10:30:00Z"],
            "PRO009",
        ),
        (
            "timestamp-not-yet-valid",
            &ok,
            vec!["--at", "2026-11-20T09:50:00Z"],
            "PRO010",
        ),
        (
            "dc-received-at",
            &ok,
            vec![
                "--acs-url",
                "http://jira.internal:8080/plugins/servlet/samlconsumer",
            ],
            "PRO004",
        ),
        ("dc-empty-destination", &empty, vec![], "PRO004"),
        (
            "kantega-unexpected-in-response-to",
            &ok,
            vec!["--request-id", "_another-request"],
            "PRO007",
        ),
    ];
    let entries = samlint::rules::explain::entries();
    // The correct Data Center-shaped response: none of those codes, and the Data Center pack applies.
    let (_, v) = check_json(&[&[ok.as_str()][..], &base[..]].concat());
    let clean = codes(&v);
    for (id, input, flags, code) in &cases {
        let entry = entries.iter().find(|e| e.id == *id).unwrap();
        assert!(
            entry.rules.iter().any(|r| r == code),
            "{id} does not name {code}"
        );
        assert!(
            !clean.contains(&code.to_string()),
            "the correct response gives {code}"
        );
        let args = [&[*input][..], &base[..], &flags[..]].concat();
        let (exit, v) = check_json(&args);
        assert_eq!(exit, 1, "{id}");
        assert!(
            codes(&v).contains(&code.to_string()),
            "{id}: {:?}",
            codes(&v)
        );
    }
}

/// requirements.md §6: pitfall → the codes that catch it → where the evidence is; the four that no
/// input shows are answered by `samlint explain`.
const PITFALLS: &[(u8, &[&str], &str)] = &[
    (1, &["KC001"], "client export"),
    (2, &["ATL004"], "client export, response"),
    (3, &["KC004"], "client export"),
    (4, &["ATL012"], "response"),
    (5, &["ADC002", "SIG016"], "client export, response"),
    (
        6,
        &["SIG004", "KC014"],
        "response + --idp-cert, realm export + --idp-cert",
    ),
    (
        7,
        &["SIG004", "KC014", "KC017"],
        "response + --idp-cert, realm export",
    ),
    (8, &[], "--idp-cert itself (refused, exit 2)"),
    (9, &["PRO002"], "response + --idp-entity-id"),
    (10, &["KC003"], "client export"),
    (11, &["KC005"], "client export"),
    (12, &["ATL018"], "client export, response"),
    (13, &["ATL014"], "client export, response"),
    (14, &["ADC003", "KC011"], "client export, response"),
    (15, &[], "explain"),
    (16, &["ATL013", "KC012"], "client export, response"),
    (17, &["ATL007"], "client export, response"),
    (18, &["ATL008", "ATL009"], "client export, response"),
    (19, &["KC010"], "client export"),
    (20, &["KC006", "KC007"], "client export"),
    (21, &["ATL005"], "response + --domain"),
    (22, &[], "explain"),
    (23, &[], "explain"),
    (24, &["ATL002"], "client export, response (and explain)"),
    (25, &["ATL016", "SIG006"], "client export, response"),
];

#[test]
fn every_pitfall_is_caught_or_explained() {
    assert_eq!(PITFALLS.len(), 25);
    let entries = samlint::rules::explain::entries();
    for (n, codes, evidence) in PITFALLS {
        let tag = format!("pitfall {n}");
        let tag_in = |s: &str| {
            s.match_indices(&tag)
                .any(|(i, _)| !s[i + tag.len()..].starts_with(|c: char| c.is_ascii_digit()))
                || s.contains(&format!("pitfalls {n} "))
                || s.contains(&format!("and {n}"))
        };
        // The rules exist (their sources cite the public pages, not the pitfall numbers of the
        // research file users do not have: see rules_cite_public_sources).
        for c in *codes {
            assert!(
                samlint::registry::rule(c).is_some(),
                "pitfall {n}: no rule {c}"
            );
        }
        if codes.is_empty() || evidence.contains("explain") {
            assert!(
                entries.iter().any(|e| e.causes.iter().any(|c| tag_in(c))),
                "pitfall {n} is not answered by samlint explain"
            );
        }
    }
}

/// Rule pages cite public sources (vendor documentation, source files at a commit, issues), never the
/// project's research notes (requirements.md, design.md), which users do not have; every shipped pack
/// rule names at least one public URL.
#[test]
fn rules_cite_public_sources() {
    const PRIVATE: &[&str] = &["requirements.md", "design.md"];
    let mut bad = Vec::new();
    for m in samlint::registry::builtin() {
        if PRIVATE
            .iter()
            .any(|p| m.source.contains(p) || m.help.contains(p))
        {
            bad.push(format!("{}: {}", m.code, m.source));
        }
    }
    for r in samlint::rules::shipped_rules() {
        let m = r.meta;
        if PRIVATE
            .iter()
            .any(|p| m.source.contains(p) || m.help.contains(p) || m.docs.contains(p))
        {
            bad.push(format!("{}: {}", m.code, m.source));
        }
        if !m.source.contains("https://") {
            bad.push(format!("{} cites no public URL: {}", m.code, m.source));
        }
    }
    for (name, text) in samlint::rules::docs::all_files() {
        if PRIVATE.iter().any(|p| text.contains(p)) {
            bad.push(format!("docs/rules/{name}"));
        }
    }
    assert!(bad.is_empty(), "{bad:#?}");
    // The committed pages too (rule_docs_in_docs_rules_are_current checks they are the generated ones).
    for e in std::fs::read_dir(root().join("docs/rules")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(!PRIVATE.iter().any(|x| text.contains(x)), "{p:?}");
    }
}

#[test]
fn pitfall_8_a_pasted_certificate_with_escaped_line_breaks_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read_to_string(fixture("keys/idp-cert.pem")).unwrap();
    let broken = pem.replace('\n', "\\x0a");
    let p = write_temp(dir.path(), "pasted.pem", broken);
    let o = run(&[
        "check",
        &fixture("saml/keycloak-atlassian-ok.xml"),
        "--idp-cert",
        &p,
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--idp-cert"), "{}", o.stderr);
}

#[test]
fn pitfall_9_auth_prefix_is_an_issuer_mismatch() {
    let o = run(&[
        "check",
        "--format",
        "concise",
        &fixture("saml/keycloak-atlassian-ok.xml"),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
        "--idp-entity-id",
        "https://kc.example.com/auth/realms/acme",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stdout.contains("error[PRO002]"), "{}", o.stdout);
}

fn pack_file(dir: &std::path::Path, body: &str) -> String {
    write_temp(dir, "my-pack.yaml", body)
}

const GOOD_PACK: &str = "pack: my-org\nversion: 1\ndescription: our own rules\nrules:\n  ORG001:\n    name: nameid-must-be-corp\n    summary: NameID is not a corp.example address\n    severity: error\n    given: $.name_id.value\n    then: { function: pattern, options: { match: '@corp\\.example$' } }\n    message: \"NameID `{{value}}` {{error}}\"\n    help: use the corporate address\n    confidence: inferred\n    source: our policy\n    docs: |\n      ## What it does\n      Checks the NameID domain.\n";

#[test]
fn a_user_pack_runs_and_bad_packs_point_into_the_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let p = pack_file(dir.path(), GOOD_PACK);
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--pack",
        &p,
        &fixture("saml/keycloak-atlassian-ok.xml"),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "error[ORG001] NameID `jane.doe@example.com` does not have the form this rule expects"
        ),
        "{}",
        o.stdout
    );
    // --ignore and severity overrides in samlint.yaml apply to pack rules and built-in ones alike.
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--pack",
        &p,
        "--ignore",
        "ORG,PRO",
        &fixture("saml/keycloak-atlassian-ok.xml"),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(
        !o.stdout.contains("ORG001") && !o.stdout.contains("PRO01"),
        "{}",
        o.stdout
    );
    let cfg = write_temp(
        dir.path(),
        "samlint.yaml",
        format!("packs: [{p}]\nseverity:\n  ORG001: warning\n"),
    );
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--config",
        &cfg,
        &fixture("saml/keycloak-atlassian-ok.xml"),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    assert_eq!(o.code, 0, "{}", o.stdout);
    assert!(o.stdout.contains("warning[ORG001]"), "{}", o.stdout);

    // Each bad pack: exit 2, the problem named, the line of the YAML at fault shown.
    let bad: &[(&str, &str, &str, &str)] = &[
        (
            "unknown key",
            "    severity: error\n",
            "    severity: error\n    sevrity: high\n",
            "Unknown field `sevrity`",
        ),
        (
            "unknown function",
            "function: pattern",
            "function: regex",
            "unknown function `regex`",
        ),
        (
            "bad options",
            "options: { match: '@corp\\.example$' }",
            "options: { matches: 'x' }",
            "Unknown field `matches`",
        ),
        (
            "bad regex",
            "options: { match: '@corp\\.example$' }",
            "options: { match: '(' }",
            "bad regular expression",
        ),
        (
            // Valid syntax, but too large to compile: refused when the pack loads, not a rule that
            // silently never matches.
            "regex too large",
            "options: { match: '@corp\\.example$' }",
            "options: { not_match: '(a{1000}){1000}' }",
            "bad regular expression",
        ),
        (
            "words for a missing expression",
            "options: { match: '@corp\\.example$' }",
            "options: { not_match: 'x', expect: a corporate address }",
            "there is no `match`",
        ),
        (
            "bad selector",
            "given: $.name_id.value",
            "given: $.name_id[?(@.x == )]",
            "bad selector",
        ),
        (
            "bad severity",
            "severity: error",
            "severity: fatal",
            "unknown severity `fatal`",
        ),
        (
            "duplicate code",
            "  ORG001:",
            "  ATL001:",
            "duplicate rule code `ATL001`",
        ),
        ("bad code", "  ORG001:", "  org-1:", "rule code `org-1`"),
        (
            "YAML syntax",
            "description: our own rules",
            "description: [unclosed",
            "YAML",
        ),
        (
            "bad confidence",
            "confidence: inferred",
            "confidence: sure",
            "confidence `sure`",
        ),
        (
            "bad causality",
            "confidence: inferred",
            "confidence: inferred\n    causality: early",
            "causality `early` must be one of unreadable, refused, untrusted, signature, protocol, content",
        ),
        (
            "bad security",
            "confidence: inferred",
            "confidence: inferred\n    security: yes please",
            "rule ORG001: Value was not a boolean",
        ),
    ];
    for (label, from, to, says) in bad {
        assert!(GOOD_PACK.contains(from), "{label}");
        let p = pack_file(dir.path(), &GOOD_PACK.replacen(from, to, 1));
        // Wide, so that miette does not wrap the message.
        let out = samlint()
            .env("COLUMNS", "1000")
            .args([
                "check",
                "--pack",
                &p,
                &fixture("saml/keycloak-atlassian-ok.xml"),
            ])
            .output()
            .unwrap();
        let o = Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert_eq!(o.code, 2, "{label}: {}", o.stderr);
        assert!(
            o.stderr.contains("rules::invalid-pack"),
            "{label}: {}",
            o.stderr
        );
        assert!(o.stderr.contains(says), "{label}: {}", o.stderr);
        assert!(
            o.stderr.contains("my-pack.yaml:"),
            "{label}: no position: {}",
            o.stderr
        );
    }
    // One rendering in full.
    let p = pack_file(
        dir.path(),
        &GOOD_PACK.replacen("function: pattern", "function: regex", 1),
    );
    let o = run(&[
        "check",
        "--pack",
        &p,
        &fixture("saml/keycloak-atlassian-ok.xml"),
    ]);
    let shown = o.stderr.replace(&p, "[PACK]");
    insta::assert_snapshot!("bad_pack_unknown_function", shown);
    // A user pack that takes a shipped pack's name, or another user pack's.
    let good = write_temp(dir.path(), "good-pack.yaml", GOOD_PACK);
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    for (label, name) in [("shipped", "saml-core"), ("twice", "my-org")] {
        let taken = write_temp(
            dir.path(),
            "taken-pack.yaml",
            GOOD_PACK
                .replacen("pack: my-org", &format!("pack: {name}"), 1)
                .replace("ORG001", "ORG002"),
        );
        let mut args = vec!["check", "--pack", &good, "--pack", &taken];
        args.push(&ok);
        let o = run(&args);
        assert_eq!(o.code, 2, "{label}: {}", o.stderr);
        assert!(
            o.stderr
                .contains(&format!("a pack named `{name}` is already loaded")),
            "{label}: {}",
            o.stderr
        );
    }
    // A pack name that is neither shipped nor a file.
    let o = run(&[
        "check",
        "--pack",
        "atlassian-clod",
        &fixture("saml/keycloak-atlassian-ok.xml"),
    ]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr
            .contains("shipped packs are saml-core, atlassian-cloud"),
        "{}",
        o.stderr
    );
}

/// The public Keycloak exports of the corpus: what each contains (read from the files, see
/// requirements.md §7) and the codes that must therefore be reported, by default and with the
/// Atlassian packs forced (none of these clients is an Atlassian one).
#[test]
fn corpus_keycloak_exports_get_the_findings_their_contents_warrant() {
    let Some(shared) = shared() else { return };
    let c = |p: &str| shared.join("corpus").join(p).to_string_lossy().into_owned();
    let quickstart_client: &[(&str, usize)] = &[
        // saml.signing.private.key in the client
        ("KC008", 1),
        // X500 mappers (email, givenName, surname) with attribute.nameformat = a raw URN
        ("KC012", 3),
        // redirectUris "http://localhost:8080/<app>/*" (a path wildcard)
        ("KC024", 1),
    ];
    type Case<'a> = (String, &'a [&'a str], Vec<(&'a str, usize)>);
    let cases: Vec<Case> = vec![
        (
            c("files/keycloak-quickstarts/app-profile-saml-jee-jsp/config/client-import.json"),
            &[],
            quickstart_client.to_vec(),
        ),
        (
            c(
                "derived/keycloak-quickstarts/realm-import.client-servlet-saml-service-provider.json",
            ),
            &[],
            quickstart_client.to_vec(),
        ),
        (
            c(
                "files/keycloak-quickstarts/jakarta/servlet-saml-service-provider/config/realm-import.json",
            ),
            &[],
            // ... plus one user's password credential in the realm
            [quickstart_client, &[("KC009", 1)]].concat(),
        ),
        (
            c(
                "files/keycloak-quickstarts/jakarta/servlet-saml-service-provider/src/test/resources/quickstart-realm.json",
            ),
            &[],
            [quickstart_client, &[("KC009", 1)]].concat(),
        ),
        // tenant1: client private key; realm-level privateKey and two users' passwords
        (
            c(
                "files/keycloak/testsuite/integration-arquillian/tests/base/src/test/resources/adapter-test/keycloak-saml/tenant1-realm.json",
            ),
            &[],
            vec![("KC008", 1), ("KC009", 3), ("KC024", 1)],
        ),
        (
            c("derived/keycloak/tenant1-realm.clients-multi-tenant.json"),
            &[],
            vec![("KC008", 1), ("KC024", 1)],
        ),
        // For Atlassian Cloud: NameID username (explicit, or absent = Keycloak's default), X.500 names
        // instead of the claims, no givenname/surname/name/emailaddress, a Role attribute, wrong IDs.
        (
            c("files/keycloak-quickstarts/app-profile-saml-jee-jsp/config/client-import.json"),
            &["atlassian-cloud"],
            vec![
                ("ATL001", 1),
                ("ATL002", 1),
                ("ATL004", 1),
                ("ATL007", 1),
                ("ATL008", 1),
                ("ATL010", 1),
                ("ATL011", 1),
                ("ATL013", 3),
                ("KC008", 1),
                ("KC012", 3),
                ("KC024", 1),
            ],
        ),
        (
            c("derived/keycloak/tenant1-realm.clients-multi-tenant.json"),
            &["atlassian-cloud"],
            // ... and this client has no saml.force.post.binding at all.
            vec![
                ("ATL001", 1),
                ("ATL002", 1),
                ("ATL004", 1),
                ("ATL007", 1),
                ("ATL008", 1),
                ("ATL010", 1),
                ("ATL018", 1),
                ("KC008", 1),
                ("KC024", 1),
            ],
        ),
        // For Data Center: the assertion is unsigned (saml.assertion.signature "false", or absent).
        (
            c("files/keycloak-quickstarts/app-profile-saml-jee-jsp/config/client-import.json"),
            &["atlassian-datacenter"],
            vec![
                ("ADC001", 1),
                ("ADC002", 1),
                ("KC008", 1),
                ("KC012", 3),
                ("KC024", 1),
            ],
        ),
        (
            c("derived/keycloak/tenant1-realm.clients-multi-tenant.json"),
            &["atlassian-datacenter"],
            vec![
                ("ADC001", 1),
                ("ADC002", 1),
                ("ADC005", 1),
                ("KC008", 1),
                ("KC024", 1),
            ],
        ),
    ];
    for (file, packs, want) in cases {
        let mut args = vec![file.as_str()];
        for p in packs {
            args.push("--pack");
            args.push(p);
        }
        let (code, json) = check_json(&args);
        assert_ne!(code, 2, "{file} could not be linted");
        let mut got: BTreeMap<String, usize> = BTreeMap::new();
        for f in json["findings"].as_array().unwrap() {
            *got.entry(f["code"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        let want: BTreeMap<String, usize> =
            want.into_iter().map(|(c, n)| (c.to_string(), n)).collect();
        assert_eq!(got, want, "{file} with {packs:?}");
        // Secrets are never printed.
        let text = std::fs::read_to_string(&file).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut secrets = Vec::new();
        collect_secrets(&v, &mut secrets);
        let out = serde_json::to_string(&json).unwrap();
        for s in secrets {
            assert!(!out.contains(&s), "{file}: a secret is in the report");
        }
    }
}

fn collect_secrets(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                if matches!(
                    k.as_str(),
                    "saml.signing.private.key" | "privateKey" | "value" | "secret"
                ) && let Some(s) = x.as_str()
                    && s.len() > 6
                {
                    out.push(s.to_string());
                }
                collect_secrets(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_secrets(x, out)),
        _ => {}
    }
}

fn pro017(json: &serde_json::Value) -> Vec<&serde_json::Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "PRO017")
        .collect()
}

/// A HAR that shows the login failing outside any SAML message: Atlassian's error redirect after the
/// ACS POST, or Keycloak's error page after the AuthnRequest. PRO017 names it on the message just before.
#[test]
fn error_redirects_and_error_pages_in_a_har_are_reported() {
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Atlassian rejects the response: entry 5 is the redirect to its error page.
    let mut har = base.clone();
    let mut err = har["log"]["entries"][0].clone();
    err["request"]["url"] = serde_json::json!(
        "https://id.atlassian.com/error?error=access_denied&error_description=Invalid%20thumbprint"
    );
    har["log"]["entries"].as_array_mut().unwrap().push(err);
    let p = write_temp(dir.path(), "atl.har", serde_json::to_string(&har).unwrap());
    let (_, json) = check_json(&[&p, "--idp-cert", &fixture("keys/idp-cert.pem")]);
    let f = pro017(&json);
    assert_eq!(f.len(), 1, "{json}");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("HAR entry 5: Atlassian answered `Invalid thumbprint`"),
        "{}",
        f[0]["message"]
    );
    // On the response (message 2), the one Atlassian rejected.
    assert_eq!(f[0]["message_index"], 1);
    // Keycloak shows "Invalid requester" instead of the login form: the body says so, and only the
    // known title is kept.
    let mut har = base;
    har["log"]["entries"][1]["response"]["content"] = serde_json::json!({
        "size": 90, "mimeType": "text/html",
        "text": "<html><title>We are sorry...</title><p id=\"kc-error-message\">Invalid requester</p></html>"
    });
    let entries = har["log"]["entries"].as_array_mut().unwrap();
    entries.truncate(2);
    let p = write_temp(dir.path(), "kc.har", serde_json::to_string(&har).unwrap());
    let (code, json) = check_json(&[&p]);
    assert_eq!(code, 1);
    let f = pro017(&json);
    assert_eq!(f.len(), 1, "{json}");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("HAR entry 2: Keycloak answered `Invalid requester` (rules that detect its causes: KC001, KC021)"),
        "{}",
        f[0]["message"]
    );
    assert!(
        !serde_json::to_string(&json)
            .unwrap()
            .contains("We are sorry")
    );
    // Keycloak 26.7's page for an AuthnRequest whose Issuer is no client's: "Invalid Request", a title
    // too generic to find anywhere, so it counts only inside Keycloak's error element.
    for (body, known) in [
        (
            "<div id=\"kc-error-message\">\n  <p class=\"instruction\">Invalid Request</p>\n</div>",
            true,
        ),
        ("<p>Invalid Request</p>", false),
        (
            "<div id=\"kc-error-message\"><p>Invalid Requests are logged</p></div>",
            false,
        ),
    ] {
        har["log"]["entries"][1]["response"]["content"]["text"] = serde_json::json!(body);
        let p = write_temp(dir.path(), "kc2.har", serde_json::to_string(&har).unwrap());
        let (_, json) = check_json(&[&p]);
        let f = pro017(&json);
        if known {
            assert_eq!(f.len(), 1, "{json}");
            assert!(
                f[0]["message"].as_str().unwrap().contains(
                    "HAR entry 2: Keycloak answered `Invalid Request` (rules that detect its causes: ATL001, KC020)"
                ),
                "{}",
                f[0]["message"]
            );
        } else {
            assert!(f.is_empty(), "{body}: {json}");
        }
    }
    // An IdP-initiated login Keycloak refuses before any SAML message (a client without an ACS): the
    // capture cannot be linted, and the error names the page instead of "record it again".
    har["log"]["entries"].as_array_mut().unwrap().remove(0);
    har["log"]["entries"][0]["request"]["url"] =
        serde_json::json!("https://kc.example.com/realms/acme/protocol/saml/clients/atlassian");
    har["log"]["entries"][0]["response"]["content"]["text"] = serde_json::json!(
        "<html><title>We are sorry...</title><p id=\"kc-error-message\">Invalid redirect uri</p></html>"
    );
    let p = write_temp(dir.path(), "idp.har", serde_json::to_string(&har).unwrap());
    let (code, json) = check_json(&[&p]);
    assert_eq!(code, 2, "{json}");
    assert_eq!(
        json["inputs"][0]["errors"][0]["message"],
        "no SAML message found in this HAR file; it shows entry 1: Keycloak answered `Invalid redirect uri`"
    );
    let o = run(&["check", &p]);
    let stderr = o.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        stderr.contains("`samlint explain \"Invalid redirect uri\"` lists the causes")
            && !stderr.contains("We are sorry"),
        "{stderr}"
    );
}

/// Fuzz crash inputs of the rule_pack target, kept as regressions: loading never panics and every error
/// span lies inside the text, on character boundaries.
#[test]
fn fuzz_regressions_rule_pack() {
    let dir = root().join("fixtures/fuzz");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if !p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("rule_pack-")
        {
            continue;
        }
        n += 1;
        let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
        let mut seen = std::collections::BTreeMap::new();
        if let Err(e) = samlint::rules::pack::load("fuzz.yaml", &text, "fuzz", &mut seen)
            && let Some(s) = e.span
        {
            assert!(s.start <= s.end && s.end <= text.len(), "{p:?}: {s:?}");
            assert!(
                text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
                "{p:?}: {s:?}"
            );
        }
        let o = run(&[
            "check",
            "--pack",
            &p.to_string_lossy(),
            &fixture("saml/keycloak-atlassian-ok.xml"),
        ]);
        assert!(o.code == 2 || o.code == 0 || o.code == 1, "{p:?}");
    }
    assert!(n >= 1, "no rule_pack regressions in {dir:?}");
}

/// SARIF for a Keycloak export points into the file itself (the JSON is the file): the region is the
/// line and column of the value at fault, and the logical location is its JSON path.
#[test]
fn sarif_regions_point_into_keycloak_exports() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json"))
        .unwrap()
        .replace(
            "\"saml.client.signature\": \"false\"",
            "\"saml.client.signature\": \"true\"",
        );
    let p = write_temp(dir.path(), "client.json", &text);
    let o = run(&["check", "--format", "sarif", &p]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let s: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let r = &s["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "KC001");
    let line = text
        .lines()
        .position(|l| l.contains("\"saml.client.signature\": \"true\""))
        .unwrap()
        + 1;
    let loc = &r["locations"][0];
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], line);
    let col = text
        .lines()
        .nth(line - 1)
        .unwrap()
        .find("\"true\"")
        .unwrap()
        + 1;
    assert_eq!(loc["physicalLocation"]["region"]["startColumn"], col);
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "$.attributes['saml.client.signature']"
    );
}

/// Settings paths that the other tests do not reach: --select, preview rules, a bad severity in
/// samlint.yaml, --client, and `samlint rules --pack FILE`.
#[test]
fn select_preview_config_severity_client_and_rules_with_a_pack() {
    let dir = tempfile::tempdir().unwrap();
    let ok = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    // --select keeps only the named codes or prefixes (built-in rules too).
    let p = pack_file(dir.path(), GOOD_PACK);
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--pack",
        &p,
        "--select",
        "ORG",
        &ok,
        "--idp-cert",
        &cert,
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stdout.contains("ORG001") && !o.stdout.contains("PRO01"),
        "{}",
        o.stdout
    );
    // A preview rule runs only with --preview.
    let preview = pack_file(
        dir.path(),
        &GOOD_PACK.replacen(
            "    severity: error\n",
            "    severity: error\n    status: preview\n",
            1,
        ),
    );
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--pack",
        &preview,
        &ok,
        "--idp-cert",
        &cert,
    ]);
    assert!(!o.stdout.contains("ORG001"), "{}", o.stdout);
    let o = run(&[
        "check",
        "--format",
        "concise",
        "--preview",
        "--pack",
        &preview,
        &ok,
        "--idp-cert",
        &cert,
    ]);
    assert!(o.stdout.contains("ORG001"), "{}", o.stdout);
    // An unknown severity in samlint.yaml is a usage error naming the file and the code.
    let cfg = write_temp(dir.path(), "samlint.yaml", "severity:\n  ATL010: fatal\n");
    let o = run(&["check", "--config", &cfg, &ok]);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("samlint.yaml") && o.stderr.contains("severity of ATL010"),
        "{}",
        o.stderr
    );
    // --client picks one client of a realm export; one that names no client is a usage error (review
    // 31: only the realm was linted, and the run passed).
    let realm = fixture("keycloak/realm-atlassian.json");
    let o = run(&["check", &realm, "--client", "no-such-client"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let (_, v) = check_json(&[
        &realm,
        "--client",
        "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
    ]);
    assert_eq!(v["messages"].as_array().unwrap().len(), 2);
    // `samlint rules --pack FILE` lists the pack's rules; a bad pack there is the same diagnostic.
    let o = run(&["rules", "--pack", &p]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("ORG001"), "{}", o.stdout);
    let bad = pack_file(
        dir.path(),
        &GOOD_PACK.replacen("function: pattern", "function: regex", 1),
    );
    let o = run(&["rules", "--pack", &bad]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("rules::invalid-pack"), "{}", o.stderr);
}

/// `check --pack PACK` on the signed Atlassian fixture with its certificate, and `extra`.
fn check_ok_with_pack(pack: &str, extra: &[&str]) -> Out {
    let (msg, cert) = (
        fixture("saml/keycloak-atlassian-ok.xml"),
        fixture("keys/idp-cert.pem"),
    );
    let mut args = vec!["check", "--pack", pack, &msg, "--idp-cert", &cert];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn pack_messages_name_what_is_expected_never_the_regular_expression() {
    let dir = tempfile::tempdir().unwrap();
    let pack = "pack: my-org\nversion: 1\ndescription: our own rules\nrules:\n  ORG001:\n    name: nameid-must-be-corp\n    summary: NameID is not a corp.example address\n    severity: error\n    given: $.name_id.value\n    then: { function: pattern, options: { match: '@corp\\.example$', expect: a corporate address } }\n    message: \"the NameID `{{value}}` {{error}}\"\n    help: use the corporate address\n    confidence: inferred\n    source: our policy\n    docs: |\n      ## What it does\n      Checks the NameID domain.\n  ORG002:\n    name: nameid-example\n    summary: NameID at example.com\n    severity: warning\n    given: $.name_id.value\n    then: { function: pattern, options: { not_match: '(?i)@example\\.com$', found: an address at example.com } }\n    message: \"The NameID `{{value}}` {{error}}\"\n    help: use a real address\n    confidence: inferred\n    source: our policy\n    docs: |\n      ## What it does\n      Checks the NameID domain.\n";
    let o = check_ok_with_pack(&pack_file(dir.path(), pack), &["--show-infos"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    // A sentence (capitalised), the author's words, and no regular expression anywhere.
    assert!(
        o.stdout
            .contains("The NameID `jane.doe@example.com` is not a corporate address"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("The NameID `jane.doe@example.com` is an address at example.com"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("corp\\.example"), "{}", o.stdout);
    assert!(!o.stdout.contains("(?i)"), "{}", o.stdout);
}

/// `ascii: true` compiles a pattern with Unicode off, a negated class included (cheaper to compile:
/// the shipped packs' URI patterns use it); without it a pattern is Unicode text as before, and one
/// that could match half a character (`(?-u)[^?#]`) is a pack error, not a rule that never fires.
#[test]
fn a_pattern_can_match_ascii_only() {
    let dir = tempfile::tempdir().unwrap();
    let pack = |opts: &str| {
        format!(
            "pack: my-org\nversion: 1\ndescription: our own rules\nrules:\n  ORG001:\n    name: nameid-plain\n    summary: NameID without query characters\n    severity: warning\n    given: $.name_id.value\n    then: {{ function: pattern, options: {{ {opts}, found: an address without query characters }} }}\n    message: \"The NameID `{{{{value}}}}` {{{{error}}}}\"\n    help: nothing to do\n    confidence: inferred\n    source: our policy\n    docs: |\n      ## What it does\n      Checks the NameID.\n"
        )
    };
    let run_with = |opts: &str| check_ok_with_pack(&pack_file(dir.path(), &pack(opts)), &[]);
    let o = run_with("not_match: '^[^?#]+@[^?#]+$', ascii: true");
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("The NameID `jane.doe@example.com` is an address without query characters"),
        "{}",
        o.stdout
    );
    let o = run_with("not_match: '(?-u)^[^?#]+@[^?#]+$'");
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("bad regular expression"), "{}", o.stderr);
}

/// A pack rule's `causality` places its findings in the reading order, and `security: true` gives it
/// SARIF's security tag and severity, for a user's pack as for the shipped ones (the same declaration
/// and the same registry).
#[test]
fn a_user_pack_rule_declares_its_reading_order_and_security() {
    let dir = tempfile::tempdir().unwrap();
    let declared = GOOD_PACK.replacen(
        "confidence: inferred",
        "confidence: inferred\n    causality: refused\n    security: true",
        1,
    );
    let msg = fixture("saml/keycloak-atlassian-ok.xml");
    let order = |pack: &str| {
        let p = pack_file(dir.path(), pack);
        let o = run(&[
            "check",
            "--pack",
            &p,
            "--format",
            "concise",
            "--at",
            "2026-01-01T00:00:00Z",
            &msg,
        ]);
        assert_eq!(o.code, 1, "{}", o.stderr);
        let codes: Vec<String> = o
            .stdout
            .lines()
            .filter_map(|l| l.split_once(": error[")?.1.split_once(']'))
            .map(|(c, _)| c.to_string())
            .collect();
        codes
    };
    // ORG001 is the NameID (line 60), PRO010 the IssueInstant and NotBefore before it: by default a pack
    // rule's findings come after the protocol's, declared `refused` before them.
    assert_eq!(order(GOOD_PACK), ["PRO010", "PRO010", "PRO010", "ORG001"]);
    assert_eq!(order(&declared), ["ORG001", "PRO010", "PRO010", "PRO010"]);
    let descriptor = |pack: &str| {
        let p = pack_file(dir.path(), pack);
        let o = run(&["check", "--pack", &p, "--format", "sarif", &msg]);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "ORG001")
            .cloned()
            .unwrap()
    };
    let d = descriptor(&declared);
    assert_eq!(d["properties"]["security-severity"], "8.0", "{d:#}");
    assert_eq!(
        d["properties"]["tags"],
        serde_json::json!(["ORG", "my-org", "security"])
    );
    let d = descriptor(GOOD_PACK);
    assert!(d["properties"].get("security-severity").is_none(), "{d:#}");
    assert_eq!(
        d["properties"]["tags"],
        serde_json::json!(["ORG", "my-org"])
    );
}
