//! CI over Keycloak exports: annotations and concise lines at the export's line, SARIF rule help,
//! baselines (which survive line moves), suppressions with reasons and expiry, statistics, `samlint fix`
//! (on fixtures and on the corpus exports), shell completions and the man page; with snapshots of what
//! users see and of the errors of every new flag.

mod common;
use common::*;
use std::path::Path;

const OK: &str = "fixtures/keycloak/atlassian-cloud-ok.json";
const BROKEN: &str = "fixtures/keycloak/atlassian-cloud-broken.json";

fn run_in(dir: &Path, args: &[&str]) -> Out {
    let o = samlint()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("samlint runs");
    let out = Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// Replace a temporary directory's path in output.
fn scrub(s: &str, dir: &Path) -> String {
    no_elapsed(&s.replace(&dir.display().to_string(), "[TMP]"))
}

/// The line and column (1-based, characters) of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let i = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

#[test]
fn concise_and_github_point_at_the_line_of_a_keycloak_export() {
    let text = std::fs::read_to_string(root().join(BROKEN)).unwrap();
    let o = run(&["check", BROKEN, "--format", "concise"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let (l, c) = at(&text, "\"true\",\n    \"saml.encrypt\"");
    let want = format!("{BROKEN}:{l}:{c}: error[KC001] ");
    assert!(
        o.stdout.lines().any(|x| x.starts_with(&want)),
        "{want}\n{}",
        o.stdout
    );
    // Every line starts with path:line:col: (editors jump to it).
    for line in o
        .stdout
        .lines()
        .filter(|l| l.contains("error[") || l.contains("warning["))
    {
        assert!(line.starts_with(&format!("{BROKEN}:")), "{line}");
    }
    insta::assert_snapshot!("concise_keycloak", no_elapsed(&o.stdout));
    let g = run(&["check", BROKEN, "--format", "github"]);
    let want = format!("::error file={BROKEN},line={l},col={c},");
    assert!(
        g.stdout
            .lines()
            .any(|x| x.starts_with(&want) && x.contains("KC001")),
        "{want}\n{}",
        g.stdout
    );
    insta::assert_snapshot!("github_keycloak", g.stdout);
}

#[test]
fn sarif_rules_carry_help_and_a_help_uri_only_when_configured() {
    let o = run(&["check", BROKEN, "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 8);
    for r in rules {
        assert!(r["shortDescription"]["text"].as_str().unwrap().len() > 5);
        assert!(r["fullDescription"]["text"].as_str().unwrap().len() > 20);
        let md = r["help"]["markdown"].as_str().unwrap();
        let code = r["id"].as_str().unwrap();
        assert_eq!(md, samlint::rules::docs::markdown(code).unwrap(), "{code}");
        assert!(r["help"]["text"].as_str().unwrap().contains("How to fix"));
        assert!(r.get("helpUri").is_none(), "{r:#}");
    }
    let sec = |code: &str| {
        rules
            .iter()
            .find(|r| r["id"] == code)
            .unwrap_or_else(|| panic!("{code} fired"))["properties"]
            .clone()
    };
    // A security rule: tagged, with a security-severity; a login-only rule: neither.
    assert_eq!(sec("ATL015")["security-severity"], "8.0");
    assert!(
        sec("ATL015")["tags"]
            .as_array()
            .unwrap()
            .contains(&"security".into())
    );
    assert!(sec("ATL004").get("security-severity").is_none());
    // --docs-url and docs-url: in samlint.yaml.
    let o = run(&[
        "check",
        BROKEN,
        "--format",
        "sarif",
        "--docs-url",
        "https://docs.example.com/samlint/rules/",
    ]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let r = &v["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(
        r["helpUri"],
        format!(
            "https://docs.example.com/samlint/rules/{}.md",
            r["id"].as_str().unwrap()
        )
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("samlint.yaml"),
        "docs-url: https://wiki.example.com/samlint/{code}\n",
    )
    .unwrap();
    std::fs::copy(root().join(BROKEN), dir.path().join("client.json")).unwrap();
    let o = run_in(dir.path(), &["check", "client.json", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    let r = &v["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(
        r["helpUri"],
        format!(
            "https://wiki.example.com/samlint/{}",
            r["id"].as_str().unwrap()
        )
    );
    // Microsoft's SARIF Multitool accepts it (no errors).
    let tools = root().join("tests/node/node_modules/.bin/sarif-multitool");
    if !tools.is_file() {
        assert!(
            std::env::var("CI").is_err_and(|_| true) || std::env::var("CI").unwrap() != "true",
            "tests/node is required under CI=true"
        );
        eprintln!("\n*** tests/node is not installed: SARIF Multitool check did NOT run ***\n");
        return;
    }
    let input = write_temp(dir.path(), "k.sarif", &o.stdout);
    let out = dir.path().join("v.sarif");
    let m = std::process::Command::new(tools)
        .args(["validate", &input, "--output", out.to_str().unwrap()])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&m.stdout).into_owned() + &String::from_utf8_lossy(&m.stderr);
    assert!(m.status.success(), "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(": error ")).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn baseline_survives_line_moves_and_reports_new_and_gone_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let broken = std::fs::read_to_string(root().join(BROKEN)).unwrap();
    std::fs::write(d.join("client.json"), &broken).unwrap();
    let w = run_in(
        d,
        &["check", "client.json", "--write-baseline", "base.json"],
    );
    assert_eq!(w.code, 1, "{}", w.stderr);
    let n = run_in(d, &["check", "client.json", "--format", "json"]).stdout;
    let total = serde_json::from_str::<serde_json::Value>(&n).unwrap()["findings"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        w.stderr
            .contains(&format!("{total} written to the baseline base.json")),
        "{}",
        w.stderr
    );
    let b = run_in(d, &["check", "client.json", "--baseline", "base.json"]);
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    assert!(
        b.stderr.contains(&format!(
            "{total} findings in the baseline base.json (not reported); 0 no longer found"
        )),
        "{}",
        b.stderr
    );
    // Lines move (new members above, re-indented nothing else): still baselined.
    let moved = broken.replacen(
        "{\n",
        "{\n  \"description\": \"a\",\n  \"rootUrl\": \"\",\n\n",
        1,
    );
    std::fs::write(d.join("client.json"), &moved).unwrap();
    let b = run_in(
        d,
        &[
            "check",
            "client.json",
            "--baseline",
            "base.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(b.code, 0, "{}{}", b.stdout, b.stderr);
    // A new pitfall fails; a fixed one is reported as gone.
    let changed = moved
        .replace("\"enabled\": true", "\"enabled\": false")
        .replace("\"saml.encrypt\": \"true\"", "\"saml.encrypt\": \"false\"");
    std::fs::write(d.join("client.json"), &changed).unwrap();
    let b = run_in(
        d,
        &[
            "check",
            "client.json",
            "--baseline",
            "base.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(b.code, 1, "{}{}", b.stdout, b.stderr);
    assert!(b.stdout.contains("error[KC002]"), "{}", b.stdout);
    assert!(!b.stdout.contains("KC001"), "{}", b.stdout);
    assert!(
        b.stderr.contains("baselined and gone (fixed, or no longer linted): ATL014 assertion-encrypted in client.json › client https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"),
        "{}",
        b.stderr
    );
    insta::assert_snapshot!(
        "baseline_new_and_gone",
        scrub(&(b.stdout + "--- stderr\n" + &b.stderr), d)
    );
}

#[test]
fn suppressions_need_a_reason_and_are_reported_when_unused_or_expired() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(root().join(BROKEN), d.join("client.json")).unwrap();
    let client = "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    std::fs::write(
        d.join("samlint.yaml"),
        format!(
            "suppress:\n  - rule: KC001\n    client: {client}\n    reason: the legacy app signs its requests\n  - rule: ATL014\n    file: '*.json'\n    reason: until the SP has a key\n    expires: 2020-01-31\n  - rule: KC002\n    reason: nothing is disabled\n  - rule: ATL016\n    client: another-client\n    reason: elsewhere\n"
        ),
    )
    .unwrap();
    let o = run_in(d, &["check", "client.json", "--format", "concise"]);
    assert!(!o.stdout.contains("KC001"), "{}", o.stdout);
    assert!(
        o.stdout.contains("ATL014"),
        "expired: reported again\n{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("ATL016"),
        "another client's suppression\n{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("samlint.yaml:5: warning: the suppression of ATL014 in *.json expired on 2020-01-31: 1 finding it covered is reported again"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(
            "samlint.yaml:9: warning: the suppression of KC002 matched no finding: remove it"
        ),
        "{}",
        o.stderr
    );
    insta::assert_snapshot!("suppressions_stderr", o.stderr);
    // In GitHub format the warnings are annotations on samlint.yaml.
    let g = run_in(d, &["check", "client.json", "--format", "github"]);
    assert!(
        g.stdout.contains("::warning file=samlint.yaml,line=9,title=samlint::the suppression of KC002 matched no finding"),
        "{}",
        g.stdout
    );
    // A suppression without a reason is a config error at its line, exit 2.
    std::fs::write(
        d.join("samlint.yaml"),
        "format: concise\nsuppress:\n  - rule: KC001\n    reason: ok\n  - rule: KC004\n    client: x\n",
    )
    .unwrap();
    let o = run_in(d, &["check", "client.json"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("samlint.yaml:5:"), "{}", o.stderr);
    insta::assert_snapshot!("suppression_without_reason", o.stderr);
}

#[test]
fn statistics_count_findings_per_rule() {
    let o = run(&["check", BROKEN, "--statistics"]);
    assert_eq!(o.code, 1);
    insta::assert_snapshot!("statistics", no_elapsed(&o.stdout));
    let j = run(&["check", BROKEN, "--statistics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let (_, report) = check_json(&[BROKEN]);
    let total: u64 = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, report["findings"].as_array().unwrap().len());
}

#[test]
fn new_flags_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy(root().join(OK), d.join("client.json")).unwrap();
    std::fs::write(d.join("not-a-baseline.json"), "{\"findings\": 3}\n").unwrap();
    let cases: &[(&str, &[&str])] = &[
        (
            "baseline_missing",
            &["check", "client.json", "--baseline", "nope.json"],
        ),
        (
            "baseline_not_a_baseline",
            &["check", "client.json", "--baseline", "not-a-baseline.json"],
        ),
        (
            "docs_url_not_a_url",
            &[
                "check",
                "client.json",
                "--format",
                "sarif",
                "--docs-url",
                "docs/rules",
            ],
        ),
        ("fix_not_keycloak", &["fix", "../../x/../nope.xml"]),
        ("completions_unknown_shell", &["completions", "tcsh"]),
    ];
    let mut all = String::new();
    for (name, args) in cases {
        let o = run_in(d, args);
        assert_eq!(o.code, 2, "{name}: {}", o.stderr);
        assert!(!o.stderr.trim().is_empty(), "{name}");
        all.push_str(&format!(
            "== {name}: samlint {}\n{}\n",
            args.join(" "),
            scrub(&o.stderr, d)
        ));
    }
    // fix on a SAML message: not a Keycloak export.
    let o = run(&["fix", "fixtures/saml/keycloak-atlassian-unsigned.xml"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not a Keycloak export"), "{}", o.stderr);
    all.push_str(&format!("== fix_saml_message\n{}\n", o.stderr));
    // -o with two inputs.
    std::fs::copy(root().join(OK), d.join("second.json")).unwrap();
    let o = run_in(d, &["fix", "client.json", "second.json", "-o", "out.json"]);
    assert_eq!(o.code, 2);
    all.push_str(&format!(
        "== fix_output_two_inputs\n{}\n",
        scrub(&o.stderr, d)
    ));
    insta::assert_snapshot!("new_flag_errors", all);
}

/// Every JSON path of a document with its type: the "shape" a fix must keep.
fn shape(v: &serde_json::Value, path: String, out: &mut Vec<(String, &'static str)>) {
    use serde_json::Value as V;
    let t = match v {
        V::Null => "null",
        V::Bool(_) => "bool",
        V::Number(_) => "number",
        V::String(_) => "string",
        V::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                shape(x, format!("{path}[{i}]"), out);
            }
            "array"
        }
        V::Object(o) => {
            for (k, x) in o {
                shape(x, format!("{path}.{k}"), out);
            }
            "object"
        }
    };
    out.push((path, t));
}

/// Fix `file` into a temporary directory; check the output is JSON of the same shape (paths may only be
/// added under `attributes`, a mapper's `config` or `redirectUris`), and that re-linting it reports no
/// finding `fix` said it fixed. Returns (the fix's stderr, the original, the fixed text).
fn fix_and_check(file: &Path, extra: &[&str]) -> (String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let copy = dir.path().join(&name);
    std::fs::copy(file, &copy).unwrap();
    let mut args = vec!["fix", name.as_str(), "--isolated"];
    args.extend_from_slice(extra);
    let o = run_in(dir.path(), &args);
    assert!(
        o.code == 0 || o.code == 1,
        "{name}: exit {}: {}",
        o.code,
        o.stderr
    );
    let original = std::fs::read_to_string(&copy).unwrap();
    let fixed_path = dir.path().join(name.replace(".json", ".fixed.json"));
    let Ok(fixed) = std::fs::read_to_string(&fixed_path) else {
        assert!(o.stderr.contains("(nothing changed)"), "{}", o.stderr);
        return (o.stderr, original.clone(), original);
    };
    let a: serde_json::Value = serde_json::from_str(&original).unwrap();
    let b: serde_json::Value = serde_json::from_str(&fixed).expect("the fixed export is JSON");
    let (mut sa, mut sb) = (Vec::new(), Vec::new());
    shape(&a, "$".into(), &mut sa);
    shape(&b, "$".into(), &mut sb);
    for p in &sa {
        assert!(
            sb.contains(p) || p.0.contains(".attributes.") || p.0.ends_with("consentRequired"),
            "{name}: {p:?} lost or retyped by the fix"
        );
    }
    for p in &sb {
        assert!(
            sa.contains(p)
                || p.0.contains(".attributes")
                || p.0.contains(".config.")
                || p.0.contains(".redirectUris"),
            "{name}: {p:?} added by the fix"
        );
    }
    // Every line the fix did not touch is byte for byte the same, in order.
    // A minimal diff: at most the lines of the values fixed (an insertion adds lines, removes one).
    let diff = similar_lines(&original, &fixed);
    let fixes = o.stderr.matches("  fixed    ").count();
    assert!(
        diff <= fixes * 2,
        "{name}: {diff} lines changed for {fixes} fixes:\n{}",
        o.stderr
    );
    // Re-linting: no fixed finding remains.
    let mut re = vec!["check", "--format", "json", "--isolated"];
    re.extend(extra.iter().filter(|a| !a.starts_with("--diff")));
    let fixed_name = fixed_path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    re.push(&fixed_name);
    let r = run_in(dir.path(), &re);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    validate_report(&v);
    let after = codes(&v);
    let fixed_codes = fixed_codes(&o.stderr);
    for c in &fixed_codes {
        assert!(
            !after.contains(c),
            "{name}: {c} fixed but still reported: {after:?}"
        );
    }
    (o.stderr, original, fixed)
}

/// Lines removed from `a` by a line diff to `b` (a changed line counts once).
fn similar_lines(a: &str, b: &str) -> usize {
    similar::TextDiff::from_lines(a, b)
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .count()
}

/// The codes `samlint fix` reported as fixed (a finding line followed by a `fixed` line).
fn fixed_codes(stderr: &str) -> Vec<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for w in lines.windows(2) {
        if w[1].trim_start().starts_with("fixed ")
            && let Some(code) = w[0].split('[').nth(1).and_then(|r| r.split(']').next())
        {
            out.push(code.to_string());
        }
    }
    out
}

/// Review 54: ATL013's fix (rename a lookalike attribute) is left by hand when another mapper of the
/// client already sends the claim it would rename to: the result would send it twice.
#[test]
fn fix_never_makes_two_mappers_send_one_claim() {
    let broken = std::fs::read_to_string(root().join(BROKEN)).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&broken).unwrap();
    v["protocolMappers"].as_array_mut().unwrap().push(serde_json::json!({
        "name": "gn2", "protocol": "saml", "protocolMapper": "saml-user-property-mapper",
        "config": {"user.attribute": "username", "attribute.name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"}
    }));
    let dir = tempfile::tempdir().unwrap();
    let p = write_json(dir.path(), "c.json", &v);
    let o = run(&["fix", &p, "--select", "ATL013"]);
    assert!(o.stderr.contains("already sends"), "{}", o.stderr);
    assert!(
        !dir.path().join("c.fixed.json").exists() || {
            let f = std::fs::read_to_string(dir.path().join("c.fixed.json")).unwrap();
            f.matches("claims/givenname").count() == 1
        }
    );
    // Review 55: two lookalikes of one claim in one client: one is renamed, the other left by hand.
    let mut v: serde_json::Value = serde_json::from_str(&broken).unwrap();
    let mut twin = v["protocolMappers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["config"]["attribute.name"] == "firstName")
        .cloned()
        .unwrap();
    twin["name"] = serde_json::json!("twin");
    twin["config"]["attribute.name"] = serde_json::json!("first_name");
    v["protocolMappers"].as_array_mut().unwrap().push(twin);
    let p = write_json(dir.path(), "t.json", &v);
    let o = run(&["fix", &p, "--select", "ATL013"]);
    assert!(o.stderr.contains("already sends"), "{}", o.stderr);
    let f = std::fs::read_to_string(dir.path().join("t.fixed.json")).unwrap();
    assert_eq!(f.matches("claims/givenname").count(), 1, "{f}");
    // Review 55: in a realm export, a default client scope's mapper that sends the claim counts too.
    let mut client: serde_json::Value = serde_json::from_str(&broken).unwrap();
    client["defaultClientScopes"] = serde_json::json!(["names"]);
    let realm = serde_json::json!({
        "id": "acme", "realm": "acme", "enabled": true,
        "clients": [client],
        "clientScopes": [{"name": "names", "protocol": "saml", "protocolMappers": [{
            "name": "gn", "protocol": "saml", "protocolMapper": "saml-user-property-mapper",
            "config": {"user.attribute": "firstName", "attribute.name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"}
        }]}]
    });
    let p = write_json(dir.path(), "realm.json", &realm);
    let o = run(&["fix", &p, "--select", "ATL013"]);
    assert!(o.stderr.contains("already sends"), "{}", o.stderr);
    assert!(
        !dir.path().join("realm.fixed.json").exists(),
        "{}",
        o.stderr
    );
}

/// Review 54: a client without `attributes` gets one new object holding every attribute fix (each
/// planned its own and only the first was written), KC026 included (the client without the map leaves
/// Client signature required unset); and a finding the fixes bring (here a pack's rule on the value the
/// ATL018 fix writes) is listed, not only counted in the exit code.
#[test]
fn fix_makes_one_attributes_object_and_lists_what_the_fixes_bring() {
    let ok =
        std::fs::read_to_string(root().join("fixtures/keycloak/atlassian-cloud-ok.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&ok).unwrap();
    v.as_object_mut().unwrap().remove("attributes");
    let dir = tempfile::tempdir().unwrap();
    let p = write_json(dir.path(), "n.json", &v);
    let pack = write_temp(
        dir.path(),
        "org.yaml",
        "pack: org\nversion: 1\ndescription: ours\nrules:\n  ORG001:\n    name: no-forced-post\n    summary: POST is forced\n    severity: warning\n    target: keycloak-client\n    given: $\n    then: { field: [attributes, saml.force.post.binding], function: equals, options: { value: \"true\", not: true } }\n    message: \"POST is forced\"\n    help: our policy\n    confidence: inferred\n    source: our policy\n    docs: |\n      ## What it does\n      Reports a forced POST binding.\n",
    );
    let o = run(&["fix", &p, "--fail-on", "warning", "--pack", &pack]);
    let fixed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("n.fixed.json")).unwrap())
            .unwrap();
    let attrs = fixed["attributes"].as_object().unwrap();
    for (k, want) in [
        ("saml_name_id_format", "email"),
        ("saml.server.signature", "true"),
        ("saml.assertion.signature", "true"),
        ("saml.force.post.binding", "true"),
        ("saml_force_name_id_format", "true"),
        ("saml.client.signature", "false"),
    ] {
        assert_eq!(
            attrs.get(k),
            Some(&serde_json::json!(want)),
            "{k}: {attrs:?}\n{}",
            o.stderr
        );
    }
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("[ORG001]") && o.stderr.contains("appeared with the fixes"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("5 findings fixed, 0 to fix by hand"),
        "{}",
        o.stderr
    );
}

/// Review 54: the corrected export is written through a temporary file renamed over the target, with
/// the input's permissions: a symlink at `<name>.fixed.json` is replaced, never written through; a
/// 0600 export (it may hold a private key) gives a 0600 copy; two inputs with one default output are
/// refused at the second; --in-place through a symlink writes the file it points to, and the link stays.
#[cfg(unix)]
#[test]
fn fix_writes_safely() {
    use std::os::unix::fs::PermissionsExt as _;
    let broken = std::fs::read_to_string(root().join(BROKEN)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = write_temp(d, "a.json", &broken);
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o600)).unwrap();
    let victim = write_temp(d, "victim.txt", "IMPORTANT");
    std::os::unix::fs::symlink(&victim, d.join("a.fixed.json")).unwrap();
    let o = run(&["fix", &a]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "IMPORTANT");
    let out = std::fs::symlink_metadata(d.join("a.fixed.json")).unwrap();
    assert!(out.file_type().is_file());
    assert_eq!(out.permissions().mode() & 0o777, 0o600);
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".samlint"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // a.json and a.txt both default to a.fixed.json: the second is refused.
    std::fs::remove_file(d.join("a.fixed.json")).unwrap();
    let t = write_temp(d, "a.txt", &broken);
    let o = run(&["fix", &a, &t]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("input of this run"), "{}", o.stderr);
    // Review 55: written another way (`./`), and an input that is another's default output.
    std::fs::remove_file(d.join("a.fixed.json")).unwrap();
    let dotted = d.join(".").join("a.txt");
    let o = run(&["fix", &a, &dotted.to_string_lossy()]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    std::fs::remove_file(d.join("a.fixed.json")).unwrap();
    let other = write_temp(d, "a.fixed.json", &broken);
    let o = run(&["fix", &a, &other]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&other).unwrap(), broken);
    // --in-place through a link.
    let link = d.join("link.json");
    std::os::unix::fs::symlink(&t, &link).unwrap();
    let o = run(&["fix", &link.to_string_lossy(), "--in-place"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_ne!(std::fs::read_to_string(&t).unwrap(), broken);
    // Review 55: --in-place keeps the export's owner and group, where this user may set them (root,
    // as CI runs; another user writes files as itself, as any editor does, and learns nothing here).
    use std::os::unix::fs::MetadataExt as _;
    let owned = write_temp(d, "owned.json", &broken);
    if std::fs::metadata(&owned).unwrap().uid() == 0 {
        std::os::unix::fs::chown(&owned, Some(4242), Some(4243)).unwrap();
        let o = run(&["fix", &owned, "--in-place"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        let m = std::fs::metadata(&owned).unwrap();
        assert_ne!(std::fs::read_to_string(&owned).unwrap(), broken);
        assert_eq!((m.uid(), m.gid()), (4242, 4243));
    }
}

/// KC027 and KC028 (review 52): a bearer-only client, and one with the standard flow off, are fixed in
/// the JSON type the export uses (a boolean stays a boolean, a string a string), and lint clean of them.
#[test]
fn fix_turns_bearer_only_off_and_the_standard_flow_on() {
    let ok =
        std::fs::read_to_string(root().join("fixtures/keycloak/atlassian-cloud-ok.json")).unwrap();
    let broken = ok.replacen(
        "\"protocol\"",
        "\"bearerOnly\": true, \"standardFlowEnabled\": \"false\", \"protocol\"",
        1,
    );
    assert_ne!(broken, ok);
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "client.json", &broken);
    let o = run(&["fix", &p, "--in-place"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let fixed = std::fs::read_to_string(&p).unwrap();
    assert!(
        fixed.contains("\"bearerOnly\": false, \"standardFlowEnabled\": \"true\""),
        "{fixed}"
    );
    let (code, v) = check_json(&[&p]);
    assert_eq!(code, 0, "{:?}", codes_of(&v));
}

#[test]
fn fix_corrects_a_broken_atlassian_client_with_a_minimal_diff() {
    let (stderr, original, fixed) = fix_and_check(&root().join(BROKEN), &[]);
    let codes = fixed_codes(&stderr);
    for c in [
        "ATL004", "KC004", "ATL015", "ATL016", "ATL018", "KC001", "ATL014", "KC015", "KC003",
        "ATL013", "KC012",
    ] {
        assert!(codes.contains(&c.to_string()), "{c} not fixed:\n{stderr}");
    }
    // Nothing at or above error remains, so the fixed export lints clean of errors.
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "fixed.json", &fixed);
    let (code, v) = check_json(&[&p]);
    assert_eq!(code, 0, "{:?}", codes_of(&v));
    // Unrelated bytes: the fix only changed values and added members/items.
    assert!(original.len() < fixed.len());
    let diff = run(&["fix", BROKEN, "--diff"]);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    insta::assert_snapshot!("fix_diff", diff.stdout);
    insta::assert_snapshot!("fix_report", diff.stderr);
    // --in-place, and a second fix has nothing left to do.
    let p = write_temp(dir.path(), "client.json", &original);
    let o = run(&["fix", &p, "--in-place"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), fixed);
    let o = run(&["fix", &p]);
    assert!(
        o.stderr
            .contains("0 findings fixed, 0 to fix by hand (nothing changed)"),
        "{}",
        o.stderr
    );
    // stdin: the corrected export on stdout.
    let o = run_stdin(&["fix", "-"], original.clone());
    assert_eq!(o.stdout, fixed);
}

fn codes_of(v: &serde_json::Value) -> Vec<String> {
    codes(v)
}

#[test]
fn fix_keeps_a_realm_export_byte_for_byte_outside_the_fixes() {
    // The fixture realm, with a broken Atlassian client: CRLF line ends and tabs stay as they are.
    let realm =
        std::fs::read_to_string(root().join("fixtures/keycloak/realm-atlassian.json")).unwrap();
    let broken = realm
        .replace("\"saml.encrypt\": \"false\"", "\"saml.encrypt\": \"true\"")
        .replace("\"saml_force_name_id_format\": \"true\",\n", "")
        .replace('\n', "\r\n")
        .replace("  ", "\t");
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "realm.json", &broken);
    let (stderr, original, fixed) = fix_and_check(Path::new(&p), &[]);
    assert!(
        fixed_codes(&stderr).contains(&"ATL014".to_string()),
        "{stderr}"
    );
    assert!(
        fixed_codes(&stderr).contains(&"KC004".to_string()),
        "{stderr}"
    );
    let want = original
        .replace("\"saml.encrypt\": \"true\"", "\"saml.encrypt\": \"false\"")
        .replacen(
            "\"saml_idp_initiated_sso_relay_state\": \"https://acme-example.atlassian.net\"",
            "\"saml_idp_initiated_sso_relay_state\": \"https://acme-example.atlassian.net\",\r\n\t\t\t\t\"saml_force_name_id_format\": \"true\"",
            1,
        );
    assert_eq!(fixed, want);
}

#[test]
fn fix_on_the_corpus_exports_keeps_their_shape() {
    let Some(shared) = shared() else { return };
    let manifest = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let mut n = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if !matches!(
            cols.get(4),
            Some(&"keycloak-realm-json" | &"keycloak-client-json")
        ) {
            continue;
        }
        let file = shared.join("corpus").join(cols[0]);
        // The corpus clients are not Atlassian's: apply the Atlassian packs anyway, so that their
        // fixes run on real exports.
        for packs in [
            &["--pack", "atlassian-cloud"][..],
            &["--pack", "atlassian-datacenter"][..],
        ] {
            let (stderr, _, _) = fix_and_check(&file, packs);
            assert!(!stderr.is_empty());
        }
        n += 1;
    }
    assert_eq!(n, 6, "the corpus has six Keycloak exports");
}

#[test]
fn completions_and_the_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = run(&["completions", shell]);
        assert_eq!(o.code, 0, "{shell}: {}", o.stderr);
        assert!(
            o.stdout.contains("samlint") && o.stdout.contains("baseline"),
            "{shell}"
        );
    }
    let bash = run(&["completions", "bash"]).stdout;
    assert!(bash.contains("complete -F _samlint"), "{bash}");
    // bash itself accepts the script.
    let dir = tempfile::tempdir().unwrap();
    let p = write_temp(dir.path(), "samlint.bash", &bash);
    let o = std::process::Command::new("bash")
        .args(["-n", &p])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The committed man page is what the code generates.
    let committed = std::fs::read_to_string(root().join("samlint.1")).unwrap_or_default();
    assert!(
        committed == samlint::cli::man_page(),
        "samlint.1 is out of date; run: cargo run -- man > samlint.1"
    );
    assert_eq!(run(&["man"]).stdout, committed);
}

/// ATL022 (inclusive canonicalization, which Atlassian Cloud's library canonicalizes otherwise) is
/// fixed to exclusive C14N, Keycloak's default, and nothing else changes.
#[test]
fn fix_sets_exclusive_canonicalization() {
    let ok =
        std::fs::read_to_string(root().join("fixtures/keycloak/atlassian-cloud-ok.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&ok).unwrap();
    v["attributes"]["saml_signature_canonicalization_method"] =
        "http://www.w3.org/TR/2001/REC-xml-c14n-20010315".into();
    let dir = tempfile::tempdir().unwrap();
    let p = write_json(dir.path(), "client.json", &v);
    let (_, before) = check_json(&[&p]);
    assert!(
        codes_of(&before).contains(&"ATL022".to_string()),
        "{:?}",
        codes_of(&before)
    );
    let o = run(&["fix", &p, "--in-place"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("ATL022"), "{}", o.stderr);
    let (_, after) = check_json(&[&p]);
    assert!(
        !codes_of(&after).contains(&"ATL022".to_string()),
        "{:?}",
        codes_of(&after)
    );
    let fixed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    assert_eq!(
        fixed["attributes"]["saml_signature_canonicalization_method"],
        "http://www.w3.org/2001/10/xml-exc-c14n#"
    );
}

/// `fix` checks its result under the input's own name (review 35): a suppression whose `file:` glob
/// matched `stdin` hid a finding in the re-check (reported fixed, exit 0, nothing changed), and one
/// matching the file did not hold there (exit 1 with nothing to fix). And `fix - --in-place` writes
/// the piped export to stdout, never over a file named `stdin`.
#[test]
fn fix_rechecks_under_the_inputs_name_and_never_writes_a_file_named_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap();
    let disabled = ok.replacen("\"enabled\": true", "\"enabled\": false", 1);
    assert_ne!(disabled, ok);
    std::fs::write(d.join("prod.json"), &disabled).unwrap();
    std::fs::write(d.join("legacy.json"), &disabled).unwrap();
    let suppress = |glob: &str| {
        std::fs::write(
            d.join("samlint.yaml"),
            format!("suppress:\n  - rule: KC\n    file: \"{glob}\"\n    reason: test\n"),
        )
        .unwrap();
    };
    suppress("st*");
    assert_eq!(run_in(d, &["check", "prod.json"]).code, 1);
    let o = run_in(d, &["fix", "prod.json", "--diff"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("1 to fix by hand"), "{}", o.stderr);
    suppress("legacy.json");
    assert_eq!(run_in(d, &["check", "legacy.json"]).code, 0);
    let o = run_in(d, &["fix", "legacy.json", "--diff"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::remove_file(d.join("samlint.yaml")).unwrap();
    // A file named `stdin` beside a piped export.
    std::fs::write(d.join("stdin"), "precious").unwrap();
    let broken = std::fs::read_to_string(fixture("keycloak/atlassian-cloud-broken.json")).unwrap();
    let o = samlint()
        .current_dir(d)
        .args(["fix", "-", "--in-place"])
        .write_stdin(broken)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(d.join("stdin")).unwrap(),
        "precious"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"clientId\""));
    let o = run_in(d, &["fix", "-", "stdin"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}

/// In a list of realms (`kc.sh export` without `--realm`), two realms may each have a client of one
/// clientId: a baselined finding of one realm's client never hides a new one of the other's
/// (review 35: the fingerprint named the client only).
#[test]
fn a_baseline_keeps_realms_of_a_realm_list_apart() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let realm: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/realm-atlassian.json")).unwrap(),
    )
    .unwrap();
    let list = |staging_encrypt: &str, prod_encrypt: &str| {
        let mut out = Vec::new();
        for (name, encrypt) in [("staging", staging_encrypt), ("prod", prod_encrypt)] {
            let mut r = realm.clone();
            r["realm"] = serde_json::json!(name);
            r["id"] = serde_json::json!(name);
            r["clients"][0]["attributes"]["saml.encrypt"] = serde_json::json!(encrypt);
            out.push(r);
        }
        serde_json::to_string_pretty(&out).unwrap()
    };
    let check = |more: &[&str]| {
        let args: Vec<&str> = ["check", "--isolated", "--format", "concise", "realms.json"]
            .into_iter()
            .chain(more.iter().copied())
            .collect();
        run_in(d, &args)
    };
    std::fs::write(d.join("realms.json"), list("true", "false")).unwrap();
    let o = check(&["--write-baseline", "b.json"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(check(&["--baseline", "b.json"]).code, 0);
    std::fs::write(d.join("realms.json"), list("false", "true")).unwrap();
    let o = check(&["--baseline", "b.json"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("in realm prod"), "{}", o.stdout);
}

/// Review 35: a baseline keyed a finding on a Keycloak list item by its position. Exported in another
/// order, every baselined mapper finding came back as new (and "gone"); and a new mapper inserted
/// where a fixed one was took over its baseline entry, so its finding was never reported. Items with
/// a name (clientId, alias, name) are keyed by it.
#[test]
fn a_baseline_keys_list_items_by_name_not_position() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let client: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(BROKEN)).unwrap()).unwrap();
    let write = |c: &serde_json::Value| {
        std::fs::write(
            d.join("client.json"),
            serde_json::to_string_pretty(c).unwrap(),
        )
        .unwrap()
    };
    let check = |more: &[&str]| {
        let args: Vec<&str> = ["check", "--isolated", "--format", "json", "client.json"]
            .into_iter()
            .chain(more.iter().copied())
            .collect();
        let o = run_in(d, &args);
        let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
        let found: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["location"]["path"].as_str().unwrap()
                )
            })
            .collect();
        (found, o.stderr)
    };
    write(&client);
    let (all, _) = check(&["--write-baseline", "b.json"]);
    assert!(
        all.iter().any(|f| f.starts_with("ATL013 $.attributes[1]")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|f| f.starts_with("KC012 $.protocolMappers[1]")),
        "{all:?}"
    );
    // The same client exported with its mappers in another order: nothing new, nothing gone.
    let mut reordered = client.clone();
    reordered["protocolMappers"]
        .as_array_mut()
        .unwrap()
        .reverse();
    write(&reordered);
    let (found, err) = check(&["--baseline", "b.json"]);
    assert!(found.is_empty(), "{found:?}");
    assert!(err.contains("; 0 no longer found"), "{err}");
    // givenname fixed, and a new lookalike mapper inserted before it: the new one is reported.
    let mut changed = client.clone();
    let mappers = changed["protocolMappers"].as_array_mut().unwrap();
    mappers[1]["config"]["attribute.name"] =
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname".into();
    mappers[1]["config"]["attribute.nameformat"] = "Unspecified".into();
    let mut new = mappers[2].clone();
    new["name"] = "surname (legacy)".into();
    new["config"]["attribute.name"] = "lastName".into();
    new["config"]["attribute.nameformat"] =
        "urn:oasis:names:tc:SAML:2.0:attrname-format:uri".into();
    mappers.insert(1, new);
    write(&changed);
    let (found, err) = check(&["--baseline", "b.json"]);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("ATL013 $.attributes[1]")),
        "{found:?} {err}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("KC012 $.protocolMappers[1]")),
        "{found:?} {err}"
    );
    assert!(err.contains("baselined and gone"), "{err}");
}

/// `v` as pretty JSON in a file `name` of `dir` (an export written for one test).
fn write_json(dir: &std::path::Path, name: &str, v: &serde_json::Value) -> String {
    write_temp(dir, name, serde_json::to_string_pretty(v).unwrap())
}

/// Review 60: `fix -o OUT` on an export that needs nothing wrote nothing, and OUT kept the corrected
/// export of an earlier run (a CI step then imported another client): it is written as it is.
#[test]
fn fix_with_output_writes_an_unchanged_export_too() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.json");
    std::fs::copy(fixture("keycloak/atlassian-cloud-broken.json"), &broken).unwrap();
    let ok = dir.path().join("ok.json");
    std::fs::copy(fixture("keycloak/atlassian-cloud-ok.json"), &ok).unwrap();
    let out = dir.path().join("out.json");
    let args = |input: &std::path::Path| {
        vec![
            "fix".to_string(),
            input.to_string_lossy().into_owned(),
            "-o".into(),
            out.to_string_lossy().into_owned(),
            "--isolated".into(),
        ]
    };
    let run_args = |v: Vec<String>| {
        let a: Vec<&str> = v.iter().map(String::as_str).collect();
        run_in(dir.path(), &a)
    };
    let first = run_args(args(&broken));
    assert!(first.code == 0 || first.code == 1, "{}", first.stderr);
    assert_ne!(std::fs::read(&out).unwrap(), std::fs::read(&ok).unwrap());
    let second = run_args(args(&ok));
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stderr.contains("(nothing changed) →"),
        "{}",
        second.stderr
    );
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&ok).unwrap());
}

/// Review 60: in a list of realms (`kc.sh export` of several), a client's realm scopes were not
/// consulted, and a mapper was renamed onto a claim a default client scope already sends; a realm
/// alone refused that. Both refuse it now.
#[test]
fn fix_in_a_list_of_realms_sees_the_clients_scopes() {
    let mut realm: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/realm-atlassian.json")).unwrap(),
    )
    .unwrap();
    let given = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
    realm["clientScopes"].as_array_mut().unwrap().push(serde_json::json!({
        "name": "names", "protocol": "saml",
        "protocolMappers": [{"name": "given", "protocol": "saml", "protocolMapper": "saml-user-property-mapper",
            "config": {"user.attribute": "firstName", "attribute.name": given, "attribute.nameformat": "URI Reference"}}]
    }));
    realm["defaultDefaultClientScopes"] = serde_json::json!(["names"]);
    let client = &mut realm["clients"][0];
    client
        .as_object_mut()
        .unwrap()
        .remove("defaultClientScopes");
    client
        .as_object_mut()
        .unwrap()
        .remove("optionalClientScopes");
    let mappers = client["protocolMappers"].as_array_mut().unwrap();
    let m = mappers
        .iter_mut()
        .find(|m| m["config"]["attribute.name"] == given)
        .expect("the fixture's client sends givenname");
    m["config"]["attribute.name"] = serde_json::json!("firstName");
    let dir = tempfile::tempdir().unwrap();
    for (name, doc) in [
        ("realm.json", realm.clone()),
        ("realms.json", serde_json::json!([realm])),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
        let o = run_in(dir.path(), &["fix", name, "--diff", "--isolated"]);
        assert!(
            o.stderr
                .contains("Another mapper of this client already sends"),
            "{name}: {}",
            o.stderr
        );
        assert!(
            !o.stdout.contains(given),
            "{name}: renamed onto a claim sent already: {}",
            o.stdout
        );
    }
}

/// Review 61: `fix - -o OUT` printed the corrected export on stdout and left OUT as an earlier run
/// wrote it; -o is where it goes, from stdin too (and nothing but the report on stdout). Review 62: a
/// file named `stdin` in UTF-16 beside it is not stdin's encoding; `-o -` is stdout, not a file
/// named `-`.
#[test]
fn fix_from_stdin_writes_to_the_output_given() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.json");
    let broken = fixture("keycloak/atlassian-cloud-broken.json");
    let from_stdin = || {
        samlint()
            .current_dir(dir.path())
            .args(["fix", "-", "-o", "out.json"])
            .write_stdin(std::fs::read_to_string(&broken).unwrap())
            .output()
            .unwrap()
    };
    std::fs::write(&out, "stale").unwrap();
    for stdin_file in [None, Some(&b"\xFF\xFE{\x00"[..])] {
        if let Some(bytes) = stdin_file {
            std::fs::write(dir.path().join("stdin"), bytes).unwrap();
        }
        let o = from_stdin();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.stdout.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stdout)
        );
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(
            written.starts_with('{') && written.contains("RSA_SHA256"),
            "written, as UTF-8: {written}"
        );
    }
    let o = run_in(dir.path(), &["fix", &broken, "-o", "-"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("RSA_SHA256"), "{}", o.stdout);
    assert!(!dir.path().join("-").exists());
}

/// Review 61: the default (human) format dropped each finding's path before the baseline was written
/// or read, so its fingerprints matched no other format's and one finding of a code in a message
/// stood for every other of that code there.
#[test]
fn a_baseline_is_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let signed = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    // Without givenname: ATL007 (a warning) at the attribute list.
    let start = signed
        .find("<saml:Attribute Name=\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname\"")
        .expect("the fixture sends givenname");
    let end =
        start + signed[start..].find("</saml:Attribute>").unwrap() + "</saml:Attribute>".len();
    let response = format!("{}{}", &signed[..start], &signed[end..]);
    std::fs::write(d.join("r.xml"), &response).unwrap();
    for (format, other) in [("full", "json"), ("json", "full"), ("concise", "sarif")] {
        let o = run_in(
            d,
            &[
                "check",
                "r.xml",
                "--isolated",
                "--format",
                format,
                "--write-baseline",
                "b.json",
            ],
        );
        assert!(o.code == 0 || o.code == 1, "{}", o.stderr);
        let o = run_in(
            d,
            &[
                "check",
                "r.xml",
                "--isolated",
                "--format",
                other,
                "--baseline",
                "b.json",
                "--fail-on",
                "warning",
            ],
        );
        assert_eq!(
            o.code, 0,
            "written as {format}, read as {other}: {}{}",
            o.stdout, o.stderr
        );
    }
}
