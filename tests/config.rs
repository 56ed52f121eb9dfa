//! samlint.yaml: discovery (working directory, then parents), precedence (flags and SAMLINT_FORMAT over
//! the file), --config, --isolated, and strict errors that name the file and line.

mod common;
use common::*;

fn run_in(
    dir: &std::path::Path,
    args: &[&str],
    env: Option<(&str, &str)>,
) -> (i32, String, String) {
    let mut c = samlint();
    c.current_dir(dir).args(args);
    if let Some((k, v)) = env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn format_and_fail_on_from_the_nearest_samlint_yaml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("samlint.yaml"),
        "format: json\nfail-on: info\n",
    )
    .unwrap();
    let sub = dir.path().join("a/b");
    std::fs::create_dir_all(&sub).unwrap();
    let input = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    // Found from a subdirectory; fail-on info turns the info findings into exit 1.
    let (code, out, _) = run_in(&sub, &["check", &input, "--idp-cert", &cert], None);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON from the config's format");
    validate_report(&v);
    assert_eq!(code, 1);
    // Flags win, and so does SAMLINT_FORMAT.
    let (code, out, _) = run_in(
        &sub,
        &[
            "check",
            &input,
            "--idp-cert",
            &cert,
            "--format",
            "concise",
            "--fail-on",
            "error",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("1 input, 1 message"), "{out}");
    let (_, out, _) = run_in(
        &sub,
        &["check", &input, "--idp-cert", &cert],
        Some(("SAMLINT_FORMAT", "github")),
    );
    assert!(out.starts_with("::notice"), "{out}");
    // --isolated ignores the file.
    let (code, out, _) = run_in(
        &sub,
        &["check", &input, "--idp-cert", &cert, "--isolated"],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("── message 1"), "{out}");
}

#[test]
fn explicit_config_and_strict_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("ci.yaml");
    std::fs::write(&cfg, "format: sarif\n").unwrap();
    let input = fixture("saml/keycloak-atlassian-ok.xml");
    let (_, out, _) = run_in(
        dir.path(),
        &["check", &input, "--config", cfg.to_str().unwrap()],
        None,
    );
    assert!(out.contains("\"version\": \"2.1.0\""), "{out}");
    // Unknown key and bad value: exit 2, naming the file and the line.
    std::fs::write(&cfg, "format: json\nfromat: sarif\n").unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &["check", &input, "--config", cfg.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("ci.yaml:2:") && err.contains("fromat"),
        "{err}"
    );
    std::fs::write(&cfg, "format: xml\n").unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &["check", &input, "--config", cfg.to_str().unwrap()],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown format `xml`"), "{err}");
    // A value samlint itself refuses (not YAML's own error) is pointed at on its line too, with its key.
    for (text, at, says) in [
        (
            "format: json\nfail-on: sometimes\n",
            "ci.yaml:2:10",
            "fail-on: unknown severity `sometimes`",
        ),
        (
            "# CI\nformat: json\nseverity:\n  KC001: warning\n  KC004: loud\n",
            "ci.yaml:5:10",
            "severity of KC004: unknown severity `loud`",
        ),
        (
            "# CI\n\nformat: xml\n",
            "ci.yaml:3:",
            "unknown format `xml`",
        ),
    ] {
        std::fs::write(&cfg, text).unwrap();
        let (code, _, err) = run_in(
            dir.path(),
            &["check", &input, "--config", cfg.to_str().unwrap()],
            None,
        );
        assert_eq!(code, 2);
        assert!(err.contains(at) && err.contains(says), "{text}: {err}");
    }
}

/// Several bad values: the error names the first one in the file, at its line (serde stops there).
#[test]
fn several_bad_values_report_the_first_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_temp(
        dir.path(),
        "samlint.yaml",
        "severity:\n  ATL010: loud\nformat: fancy\nfail-on: never\n",
    );
    let o = run(&[
        "check",
        "--config",
        &cfg,
        &fixture("saml/keycloak-atlassian-ok.xml"),
    ]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("ATL010"), "{}", o.stderr);
    assert!(o.stderr.contains("samlint.yaml:2:"), "{}", o.stderr);
}

/// A rule pattern that names no rule is a usage error (exit 2), never a filter (review 35): an empty
/// one (a trailing comma, an empty variable, `ignore: [""]`) was the start of every code and
/// ignored every rule; a misspelt or lower-case one selected none. Both passed a broken export.
#[test]
fn rule_patterns_that_name_no_rule_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let export = fixture("keycloak/atlassian-cloud-broken.json");
    let plain = run_in(dir.path(), &["check", "--isolated", &export], None);
    assert_eq!(plain.0, 1, "{}", plain.2);
    for args in [
        vec!["--ignore", "KC004,"],
        vec!["--ignore="],
        vec!["--select", "KC0O1"],
        vec!["--select", "kc001"],
        vec!["--ignore", "NOPE"],
    ] {
        let mut all = vec!["check", "--isolated", &export];
        all.extend(&args);
        let (code, _, err) = run_in(dir.path(), &all, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains("rule code"), "{args:?}: {err}");
        let mut fix = vec!["fix", "--isolated", "--diff", &export];
        fix.extend(&args);
        assert_eq!(run_in(dir.path(), &fix, None).0, 2, "fix {args:?}");
    }
    // In samlint.yaml: an empty pattern; a severity override of a misspelt code or of a prefix
    // (looked up by exact code, it changed nothing).
    for config in [
        "ignore: [\"\"]\n",
        "severity:\n  KC0O1: warning\n",
        "severity:\n  KC: warning\n",
    ] {
        std::fs::write(dir.path().join("samlint.yaml"), config).unwrap();
        let (code, _, err) = run_in(dir.path(), &["check", &export], None);
        assert_eq!(code, 2, "{config}: {err}");
        assert!(err.contains("rule code"), "{config}: {err}");
    }
    std::fs::write(
        dir.path().join("samlint.yaml"),
        "severity:\n  KC001: warning\n",
    )
    .unwrap();
    assert_eq!(run_in(dir.path(), &["check", &export], None).0, 1);
    // A prefix names rules.
    std::fs::write(dir.path().join("samlint.yaml"), "select: [KC, ATL0]\n").unwrap();
    assert_eq!(run_in(dir.path(), &["check", &export], None).0, 1);
}

/// `*` in a glob stays inside one path segment (review 35): README's `file: realms/staging-*.json`
/// suppresses nothing in `realms/staging-eu/prod.json`, and `--exclude realms/staging-*` does not
/// leave it out; `**` crosses segments. An invalid `--include`/`--exclude` glob is a usage error
/// (it was dropped, and the filter with it).
#[test]
fn a_star_in_a_glob_does_not_cross_a_slash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("realms/staging-eu")).unwrap();
    let broken = std::fs::read_to_string(fixture("keycloak/atlassian-cloud-broken.json")).unwrap();
    std::fs::write(d.join("realms/staging-eu/prod.json"), &broken).unwrap();
    let errors = |args: &[&str]| {
        let (code, out, err) = run_in(d, args, None);
        assert!(code == 0 || code == 1, "{args:?}: {err}");
        out.lines().filter(|l| l.contains(": error[")).count()
    };
    let all = errors(&["check", "--format", "concise", "realms"]);
    assert!(all > 0);
    let suppress = |glob: &str| {
        std::fs::write(
            d.join("samlint.yaml"),
            format!("suppress:\n  - rule: ATL\n    file: {glob}\n    reason: staging\n  - rule: KC\n    file: {glob}\n    reason: staging\n"),
        )
        .unwrap();
        errors(&["check", "--format", "concise", "realms"])
    };
    assert_eq!(suppress("realms/staging-*.json"), all);
    assert_eq!(suppress("realms/staging-*/*.json"), 0);
    assert_eq!(suppress("realms/**/*.json"), 0);
    std::fs::remove_file(d.join("samlint.yaml")).unwrap();
    let excluded =
        |glob: &str| errors(&["check", "--format", "concise", "--exclude", glob, "realms"]);
    assert_eq!(excluded("realms/staging-*"), all);
    // Left out, the only export leaves nothing to lint: exit 2, not a pass.
    let (code, _, err) = run_in(
        d,
        &["check", "--exclude", "realms/staging-*/*", "realms"],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("input::nothing-to-lint"), "{err}");
    let (code, _, err) = run_in(d, &["check", "--exclude", "a[", "realms"], None);
    assert_eq!(code, 2, "{err}");
}

/// Review 57: a settings file or pack nested thousands deep is refused at once (exit 2, named): a
/// `samlint.yaml` of `[[[…]]]` 100,000 deep (200 KB) made libyaml scan for minutes, a few thousand
/// levels of block mappings overflowed marked_yaml's stack. Nesting a real file uses passes.
#[test]
fn deeply_nested_yaml_is_refused_at_once() {
    let input = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    let n = 100_000;
    let bodies = [
        format!("suppress: {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("severity: {}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
        format!("suppress:\n{}x\n", "- ".repeat(n)),
        (0..3000).fold("severity:\n".to_string(), |mut s, i| {
            s.push_str(&format!("{}k{i}:\n", " ".repeat(i + 1)));
            s
        }) + &" ".repeat(3001)
            + "x\n",
    ];
    // The settings file (found in the working directory) and the same text as a pack: each exit 2,
    // the settings file's error saying `config_says`, the pack's (when given) `pack_says`.
    let refused = |what: String, body: &str, config_says: &str, pack_says: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("samlint.yaml"), body).unwrap();
        let (code, _, err) = run_in(dir.path(), &["check", &input, "--idp-cert", &cert], None);
        assert_eq!(code, 2, "config {what}: {err}");
        assert!(
            err.contains("samlint.yaml") && err.contains(config_says),
            "config {what}: {err}"
        );
        let pack = dir.path().join("pack.yaml");
        std::fs::write(&pack, format!("pack: deep\nversion: 1\n{body}")).unwrap();
        let args = [
            "check",
            &input,
            "--isolated",
            "--pack",
            pack.to_str().unwrap(),
        ];
        let (code, _, err) = run_in(dir.path(), &args, None);
        assert_eq!(code, 2, "pack {what}: {err}");
        if let Some(says) = pack_says {
            assert!(
                err.contains("pack.yaml") && err.contains(says),
                "pack {what}: {err}"
            );
        }
    };
    let too_deep = "nested deeper than 64 levels";
    for (i, body) in bodies.iter().enumerate() {
        refused(format!("{i}"), body, too_deep, Some(too_deep));
    }
    // Review 58: a scanner error yaml-rust2 stops at and libyaml reads on (a `]` or `}` at column 0,
    // a tab) before the deep part: refused at once too, by the settings file; a pack is refused by
    // its own parser (marked_yaml stops at the same error).
    let deep = format!("{}\n{}\n", "[".repeat(n), "]".repeat(n));
    for (i, body) in [
        format!("suppress: [\n{deep}]\n"),
        format!("suppress: [\n\t{deep}]\n"),
        format!("suppress: {{a: 1,\n}}\nx: [\n{deep}]\n"),
    ]
    .iter()
    .enumerate()
    {
        refused(
            format!("hidden {i}"),
            body,
            "how deep it nests cannot be checked",
            None,
        );
    }
    // A file with few brackets that yaml-rust2 stops at and libyaml reads is read as before.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("samlint.yaml"), "ignore: [\nKC013,\n]\n").unwrap();
    let (code, _, err) = run_in(dir.path(), &["check", &input, "--idp-cert", &cert], None);
    assert_ne!(code, 2, "{err}");
    // The nesting a real file has is read as before.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("samlint.yaml"),
        "severity: { KC001: warning }\nsuppress:\n  - rule: KC001\n    file: \"a/**\"\n    reason: legacy\n",
    )
    .unwrap();
    let (code, _, err) = run_in(dir.path(), &["check", &input, "--idp-cert", &cert], None);
    assert_ne!(code, 2, "{err}");
}
