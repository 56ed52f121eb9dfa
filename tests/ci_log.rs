//! Review 31: nothing samlint prints from the input reads as a GitHub Actions workflow command in a CI
//! log. The runner takes a line that starts, after white space, with `::name ...::` (TryParseV2 trims
//! the line first) and, in its legacy form, `##[name]` anywhere in a line. Samlint's own
//! `--format github` lines are the only commands it may write.

mod common;
use common::*;
use serde_json::Value;

/// Lines of `text` the runner would read as a command.
fn commands(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            t.strip_prefix("::").is_some_and(|r| r.contains("::")) || l.contains("##[")
        })
        .map(str::to_string)
        .collect()
}

/// The fixture Atlassian client with `client_id` (JSON text).
fn client(client_id: &str) -> String {
    let mut c: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap(),
    )
    .unwrap();
    c["clientId"] = Value::String(client_id.into());
    serde_json::to_string_pretty(&c).unwrap()
}

#[test]
fn values_and_file_names_never_start_a_workflow_command() {
    let dir = tempfile::tempdir().unwrap();
    // A value that wraps so that a command starts a line, a value with the legacy form, and a file
    // name with newlines around a command.
    let wrapping = format!(
        "https://auth.atlassian.com/saml/0f1e2d3c {} ::error title=Injected::from-a-clientId",
        "A".repeat(90)
    );
    write_temp(dir.path(), "wrap.json", client(&wrapping));
    write_temp(
        dir.path(),
        "legacy.json",
        client("https://auth.atlassian.com/saml/x ##[error]legacy"),
    );
    write_temp(
        dir.path(),
        "a\n::warning file=x::from a file name\n.json",
        client("https://auth.atlassian.com/saml/y"),
    );
    let d = dir.path().to_str().unwrap();
    let mut lines = 0;
    for format in ["full", "concise", "junit", "markdown", "json", "sarif"] {
        let o = run(&["check", d, "--format", format]);
        assert!(
            matches!(o.code, 1),
            "{format}: exit {}: {}",
            o.code,
            o.stderr
        );
        lines += o.stdout.lines().count();
        assert_eq!(commands(&o.stdout), Vec::<String>::new(), "{format} stdout");
        assert_eq!(commands(&o.stderr), Vec::<String>::new(), "{format} stderr");
    }
    assert!(lines > 100, "the outputs were read");
    // JSON keeps the value itself (its `#` escaped, not changed).
    let (_, v) = check_json(&[d]);
    assert!(
        v.to_string().contains("##[error]legacy"),
        "the value is kept: {v}"
    );
    // --format github: every stdout line is samlint's own command, escaped.
    let o = run(&["check", d, "--format", "github"]);
    for l in o.stdout.lines() {
        assert!(l.starts_with("::"), "{l}");
        assert!(!l[2..].contains("\n"), "{l}");
    }
}

#[test]
fn an_unreadable_file_s_name_is_no_command_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write_temp(dir.path(), "bad##[error]x.json", "{\"clientId\": \"x");
    let d = dir.path().to_str().unwrap();
    for format in ["github", "full", "concise", "json"] {
        let o = run(&["check", d, "--format", format]);
        assert_eq!(o.code, 2, "{format}: {}", o.stderr);
        assert!(
            format!("{}{}", o.stdout, o.stderr).contains("x.json"),
            "{format}: the file is named"
        );
        assert_eq!(commands(&o.stderr), Vec::<String>::new(), "{format} stderr");
        if format != "github" {
            assert_eq!(commands(&o.stdout), Vec::<String>::new(), "{format} stdout");
        }
    }
}

/// Review 32: the other commands that print the input or the user's text (decode's views, explain).
#[test]
fn decode_and_explain_print_no_workflow_command() {
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml"))
        .unwrap()
        .replace(
            ">Jane<",
            ">Jane\n::warning file=x::from a value\n##[error]legacy<",
        );
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(dir.path(), "r.xml", &xml);
    let o = run(&["decode", &path]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("from a value"), "{}", o.stdout);
    assert_eq!(commands(&o.stdout), Vec::<String>::new());
    // --raw is the message's bytes exactly, by design.
    assert!(!commands(&run(&["decode", &path, "--raw"]).stdout).is_empty());
    let o = run(&["explain", "##[error]x\n::warning::y"]);
    assert_eq!(commands(&o.stdout), Vec::<String>::new(), "{}", o.stdout);
}

/// Every diagnostic goes through one defused rendering: `samlint fix`'s own ones too (a SAML message is
/// no Keycloak export, and its file name is quoted).
#[test]
fn fix_diagnostics_print_no_workflow_command() {
    let dir = tempfile::tempdir().unwrap();
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    let path = write_temp(dir.path(), "x##[error]y.xml", xml);
    let o = run(&["fix", &path]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("y.xml"), "{}", o.stderr);
    assert_eq!(commands(&o.stderr), Vec::<String>::new(), "{}", o.stderr);
}

/// Review 46: `samlint fix` writes the values it copies (an ACS URL into redirectUris) with the one
/// JSON writer every output uses: C1 controls and bidi overrides as `\uXXXX` (the same JSON string),
/// in the diff, in the summary on stderr and in the file it writes, never raw (serde_json escapes C0
/// only: U+202E, U+0085 and U+009B reached the terminal).
#[test]
fn fix_writes_no_c1_control_or_bidi_override_raw() {
    // (Review 47: and `--diff` shows the export's own values on its lines, and its file name, so.)
    let dir = tempfile::tempdir().unwrap();
    let evil = "\u{202e}\u{85}\u{9b}31m\u{2066}x";
    let mut c: Value = serde_json::from_str(&client(
        "https://auth.atlassian.com/saml/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
    ))
    .unwrap();
    c["attributes"]["saml_assertion_consumer_url_post"] = Value::String(format!(
        "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9{evil}"
    ));
    c["redirectUris"] = Value::Array(Vec::new());
    // Review 47: a value fix replaces is on a `-` line of the diff, as the export has it.
    c["attributes"]["saml_name_id_format"] = Value::String(format!("username{evil}"));
    // The file name is on the diff's header lines.
    let path = write_temp(
        dir.path(),
        "client\u{1b}[31m.json",
        serde_json::to_string_pretty(&c).unwrap(),
    );
    let raw = |s: &str| {
        s.chars()
            .filter(|c| matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
            .count()
    };
    let diff = run(&["fix", "--diff", &path]);
    assert!(
        diff.stdout
            .contains("-    \"saml_name_id_format\": \"username\\u202e"),
        "{}",
        diff.stdout
    );
    assert!(!diff.stdout.contains('\u{1b}'), "{}", diff.stdout);
    assert!(
        diff.stdout.contains("\\u202e"),
        "{}\n{}",
        diff.stdout,
        diff.stderr
    );
    assert_eq!(
        raw(&diff.stdout) + raw(&diff.stderr),
        0,
        "{}\n{}",
        diff.stdout,
        diff.stderr
    );
    // The file keeps its own text as it was (the ACS attribute, raw); what fix adds is escaped.
    let original = std::fs::read_to_string(&path).unwrap();
    let fixed = run(&["fix", "--in-place", &path]);
    let written = std::fs::read_to_string(&path).unwrap();
    assert!(written.contains("\\u202e"), "{written}");
    // (Less the NameID format's value, which fix replaced by `email`.)
    assert_eq!(raw(&written), raw(&original) - raw(evil), "{written}");
    assert_eq!(raw(&fixed.stderr), 0, "{}", fixed.stderr);
    // The same JSON string: the value Keycloak reads is unchanged.
    let v: Value = serde_json::from_str(&written).unwrap();
    assert!(
        v["redirectUris"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u.as_str().is_some_and(|u| u.ends_with(evil))),
        "{written}"
    );
}
