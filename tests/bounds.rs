//! Resource bounds: huge inputs end in bounded time and memory with a clear message (exit 2), or are
//! processed within the bounds when legitimate. Sizes are real; nothing here asserts a duration.

mod common;
use common::*;
use std::io::Write;
use std::process::Stdio;

/// Stream `total` bytes of `fill` into samlint's stdin; returns (exit, stderr, bytes it accepted).
fn stream_stdin(args: &[&str], total: u64, fill: u8) -> (i32, String, u64) {
    let bin = assert_cmd::cargo::cargo_bin("samlint");
    let mut child = std::process::Command::new(bin)
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![fill; 1 << 20];
        let mut sent = 0u64;
        while sent < total {
            if stdin.write_all(&chunk).is_err() {
                break; // samlint stopped reading
            }
            sent += chunk.len() as u64;
        }
        sent
    });
    let out = child.wait_with_output().unwrap();
    let sent = writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        sent,
    )
}

#[test]
fn one_gib_on_stdin_stops_early() {
    let (code, err, sent) = stream_stdin(&["check", "-"], 1 << 30, b'A');
    assert_eq!(code, 2);
    assert!(
        err.contains("input::too-large") && err.contains("stdin"),
        "{err}"
    );
    assert!(
        sent < 200 << 20,
        "samlint kept reading: {sent} bytes accepted"
    );
}

#[test]
fn a_json_stream_over_max_input_is_refused() {
    // A HAR piped in is streamed; --max-input bounds it.
    let mut har = String::from("{\"log\":{\"entries\":[");
    for i in 0..2000 {
        har.push_str(&format!(
            "{}{{\"request\":{{\"method\":\"GET\",\"url\":\"https://x.example/{i}\"}}}}",
            if i > 0 { "," } else { "" }
        ));
    }
    har.push_str("]}}");
    let o = run_stdin(&["check", "--max-input", "10000", "-"], har);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("input::too-large"), "{}", o.stderr);
}

#[test]
fn a_200_mib_base64_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.b64");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(200 << 20).unwrap(); // sparse: the size is what matters
    let (code, v) = check_json(&[p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(error_codes(&v), ["input::too-large"]);
    // The same as a stream: samlint stops after the largest value it could accept.
    let (code, err, sent) = stream_stdin(&["check", "-"], 200 << 20, b'Q');
    assert_eq!(code, 2, "{err}");
    assert!(sent < 100 << 20, "{sent}");
}

#[test]
fn a_har_with_100k_entries_is_processed() {
    let ok = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.b64"))
        .unwrap()
        .replace('\n', "");
    let enc = ok
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.har");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    write!(f, "{{\"log\":{{\"version\":\"1.2\",\"entries\":[").unwrap();
    for i in 0..100_000 {
        write!(f, "{{\"startedDateTime\":\"2026-11-20T10:00:00Z\",\"request\":{{\"method\":\"GET\",\"url\":\"https://cdn.example/asset/{i}.js\",\"headers\":[{{\"name\":\"Cookie\",\"value\":\"s=1\"}}]}},\"response\":{{\"status\":200,\"content\":{{\"text\":\"{}\"}}}}}},", "x".repeat(64)).unwrap();
    }
    write!(f, "{{\"startedDateTime\":\"2026-11-20T10:00:00.400Z\",\"request\":{{\"method\":\"POST\",\"url\":\"https://auth.atlassian.com/login/callback\",\"postData\":{{\"mimeType\":\"application/x-www-form-urlencoded\",\"text\":\"SAMLResponse={enc}\"}}}}}}]}}}}").unwrap();
    f.flush().unwrap();
    drop(f);
    let (code, v) = check_json(&[
        p.to_str().unwrap(),
        "--idp-cert",
        &fixture("keys/idp-cert.pem"),
    ]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["inputs"][0]["entries"], 100_001);
    assert_eq!(v["messages"].as_array().unwrap().len(), 1);
    assert_eq!(v["messages"][0]["binding"]["entry"], 100_001);
    assert_eq!(v["messages"][0]["signature"]["status"], "valid");
}

/// A Keycloak export is parsed whole, so stdin keeps a copy only up to 64 MiB; a larger one is refused
/// with a message that says what to do (exit 2), and a small one on stdin is linted like a file.
#[test]
fn a_keycloak_export_on_stdin_is_linted_or_refused_when_huge() {
    let client = std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap();
    let o = run_stdin(&["check", "--format", "json", "-"], client.clone());
    assert_eq!(o.code, 0, "{}", o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["messages"][0]["kind"], "KeycloakClient");
    let mut big = String::from("{\"clientId\": \"x\", \"protocol\": \"saml\", \"pad\": \"");
    big.push_str(&"a".repeat(65 << 20));
    big.push_str("\"}");
    let o = run_stdin(&["check", "-"], big);
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("not read from stdin") && o.stderr.contains("pass it as a file path"),
        "{}",
        o.stderr
    );
}

/// Every limit flag of `samlint check --help` is in docs/reference.md's table, with the default the
/// help prints.
#[test]
fn every_limit_is_documented_with_its_default() {
    let help = run(&["check", "-h"]).stdout;
    let doc = std::fs::read_to_string(root().join("docs/reference.md")).unwrap();
    let mut seen = 0;
    for line in help.lines() {
        let Some(flag) = line
            .split_whitespace()
            .next()
            .filter(|f| f.starts_with("--max-"))
        else {
            continue;
        };
        seen += 1;
        let default = line
            .split("[default: ")
            .nth(1)
            .and_then(|d| d.split(']').next())
            .unwrap_or_else(|| panic!("{flag}: no default in `{line}`"));
        let row = doc
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("`{flag}`")))
            .unwrap_or_else(|| panic!("{flag} is not in docs/reference.md's limits table"));
        let n: u64 = default.parse().unwrap();
        let written = [
            n.to_string(),
            format!("{} MiB", n / (1024 * 1024)),
            format!("{n}:1"),
            // 50,000
            n.to_string()
                .as_bytes()
                .rchunks(3)
                .rev()
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(","),
        ];
        assert!(
            written.iter().any(|w| row.contains(&format!("| {w} |"))),
            "{flag}: default {default} not in `{row}`"
        );
    }
    assert!(seen >= 14, "only {seen} --max- flags in the help");
}
