//! Batch runs finish each message as soon as its input is done (lint.rs `Finish`): the machine formats
//! keep only findings and line positions, the human formats render the message first. These tests
//! prove that the reports are byte for byte what they are when every message is kept whole, in every
//! format, including runs that pair messages with Keycloak clients (found by the quick look, or missed
//! by it and handled by the second run), and that the documents and texts are really gone.

mod common;
use common::*;
use samlint::cli::finish;
use samlint::finding::Severity;
use samlint::lint::{self, Run};
use samlint::report::{self, Format, human};

fn options(finish: Option<lint::Finish>) -> lint::Options {
    let cert = samlint::verify::cert::load_idp_cert(&fixture("keys/idp-cert.pem")).unwrap();
    let mut opts = lint::Options {
        finish,
        ..lint::Options::default()
    };
    opts.trust.certs = cert;
    opts
}

const STYLE: human::Style = human::Style {
    color: false,
    width: 100,
    show_infos: true,
};

fn render(run: &Run, format: Format) -> String {
    let mut run = run.clone();
    run.elapsed = std::time::Duration::ZERO;
    match format {
        Format::Json => report::json::render(&run),
        Format::Sarif => report::sarif::render(&run),
        Format::Junit => report::junit::render(&run, Severity::Error),
        Format::Github => report::github::render(&run),
        Format::Concise => human::render_concise(&run, true),
        Format::Full => human::render_full(&run, STYLE),
        Format::Markdown => unreachable!("the Markdown report keeps every message"),
    }
}

const FORMATS: [Format; 6] = [
    Format::Json,
    Format::Sarif,
    Format::Junit,
    Format::Github,
    Format::Concise,
    Format::Full,
];

/// Every format, finished and whole, must agree; returns the finished run of the last format.
fn same_reports(what: &str, inputs: &[String]) -> Vec<Run> {
    let whole = lint::run(inputs, &mut std::io::empty(), &options(None));
    assert!(!whole.messages.is_empty(), "{what}: nothing was linted");
    let mut runs = Vec::new();
    for format in FORMATS {
        let finished = lint::run(
            inputs,
            &mut std::io::empty(),
            &options(finish(format, false, STYLE)),
        );
        assert_eq!(
            render(&finished, format),
            render(&whole, format),
            "{what}: the {format:?} report changes when messages are finished early"
        );
        runs.push(finished);
    }
    runs
}

fn strings(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn finished_messages_give_the_same_reports() {
    let runs = same_reports(
        "fixtures",
        &strings(&[
            &fixture("saml/keycloak-atlassian-ok.xml"),
            &fixture("saml/keycloak-atlassian-ok.b64"),
            &fixture("saml/authn-request-redirect.url"),
            &fixture("saml/post-body.txt"),
            &fixture("har/sp-initiated-login.har"),
            &fixture("tracer"),
        ]),
    );
    // Without Keycloak clients every format drops the documents and texts of SAML messages.
    for run in &runs {
        for m in &run.messages {
            assert!(m.doc.is_empty(), "{} kept its document", m.source.origin);
            assert!(
                m.source.text.is_empty(),
                "{} kept its text",
                m.source.origin
            );
        }
    }
}

/// The response (input 0) was paired with the client that says NameID = username: KC018.
fn assert_paired(run: &Run, what: &str) {
    let codes: Vec<&str> = run
        .messages
        .iter()
        .filter(|m| m.input == 0)
        .flat_map(|m| m.findings.iter().map(|f| f.code))
        .collect();
    assert!(codes.contains(&"KC018"), "{what}: not paired: {codes:?}");
}

#[test]
fn pairing_still_works_on_finished_messages() {
    let dir = tempfile::tempdir().unwrap();
    let mut client: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap(),
    )
    .unwrap();
    // The client says NameID = username; the response sends the email: KC018 on the response.
    client["attributes"]["saml_name_id_format"] = "username".into();
    let found = write_temp(
        dir.path(),
        "client.json",
        serde_json::to_string_pretty(&client).unwrap(),
    );
    // The same client with a long first key (serde_json sorts keys): the quick look (4 KiB) does not see
    // `clientId`, so the run must notice the client afterwards and lint the files again.
    let mut late = serde_json::Map::new();
    late.insert("_padding".into(), "x".repeat(6000).into());
    late.extend(client.as_object().unwrap().clone());
    let missed = write_temp(
        dir.path(),
        "late.json",
        serde_json::to_string_pretty(&late).unwrap(),
    );
    let response = fixture("saml/keycloak-atlassian-ok.xml");
    for (what, client) in [("seen", &found), ("missed", &missed)] {
        let inputs = strings(&[&response, client]);
        let runs = same_reports(what, &inputs);
        for run in &runs {
            assert_paired(run, what);
        }
    }
}

/// A folder is read once per file: only `.json` files are looked at for Keycloak exports before the
/// lint. An export named otherwise is found by the lint, and the inputs with messages are linted again
/// (the export itself is not); a file that holds none of samlint's inputs is skipped, not reported.
#[test]
fn a_folder_pairs_an_export_whatever_its_name() {
    let mut client: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap(),
    )
    .unwrap();
    client["attributes"]["saml_name_id_format"] = "username".into();
    let text = serde_json::to_string_pretty(&client).unwrap();
    let response = std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    for name in ["client.json", "client.txt"] {
        let dir = tempfile::tempdir().unwrap();
        write_temp(dir.path(), "a-response.xml", &response);
        write_temp(dir.path(), name, &text);
        write_temp(
            dir.path(),
            "junit.xml",
            "<testsuites><testsuite/></testsuites>",
        );
        let inputs = strings(&[&dir.path().to_string_lossy()]);
        for run in same_reports(name, &inputs) {
            assert_paired(&run, name);
            let statuses: Vec<String> = run
                .inputs
                .iter()
                .map(|i| format!("{:?}", i.status))
                .collect();
            assert_eq!(
                statuses,
                ["Linted", "Linted", "Skipped"],
                "{name}: {:?}",
                run.inputs.iter().map(|i| &i.name).collect::<Vec<_>>()
            );
        }
    }
}

/// A file reads the same found in a folder as named on the command line: the folder's look reads 64
/// KiB, but whether the file is JSON is still decided by its first 512 bytes (a capture padded past
/// them and over the value limit is refused both ways, not parsed in one of them).
#[test]
fn a_file_reads_the_same_in_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let har = std::fs::read_to_string(fixture("har/sp-initiated-login.har")).unwrap();
    let padded = format!("{}{har}{}", " ".repeat(600), " ".repeat(70_000));
    let file = write_temp(dir.path(), "padded.har", padded);
    let folder = dir.path().to_string_lossy().into_owned();
    let named = run(&["check", &file, "--max-value", "1000", "--format", "concise"]);
    let found = run(&[
        "check",
        &folder,
        "--max-value",
        "1000",
        "--format",
        "concise",
    ]);
    assert_eq!(named.code, 2, "{}", named.stderr);
    assert_eq!(
        (found.code, no_elapsed(&found.stdout)),
        (named.code, no_elapsed(&named.stdout))
    );
    assert!(
        found.stdout.contains("input::too-large") || found.stderr.contains("too-large"),
        "{}\n{}",
        found.stdout,
        found.stderr
    );
}

/// The JSON report is written as it is made: a write that fails part-way (a full disk) is an error,
/// exit 2, never a report cut short under exit 0 or 1; a closed pipe (`| head`) is not an error.
#[test]
fn a_failing_write_of_the_streamed_report_is_exit_2() {
    let response = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    if std::path::Path::new("/dev/full").exists() {
        let o = run(&[
            "check",
            &response,
            "--idp-cert",
            &cert,
            "--format",
            "json",
            "-o",
            "/dev/full",
        ]);
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(o.stderr.contains("cannot write results"), "{}", o.stderr);
    } else {
        assert!(std::env::var_os("CI").is_none(), "/dev/full is missing");
    }
}

/// `-o -` is stdout for every command that writes a report, as for `fix` (review 63: `check -o -`
/// and `report -o -` wrote a file named `-`).
#[test]
fn dash_as_the_output_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let response = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    for args in [
        vec!["check", "--format", "json"],
        vec!["report"],
        vec!["decode"],
    ] {
        let mut args = args;
        args.extend([response.as_str(), "--idp-cert", cert.as_str(), "-o", "-"]);
        if args[0] == "decode" {
            args.retain(|a| *a != "--idp-cert" && *a != cert.as_str());
        }
        let o = samlint()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            stdout.contains("Assertion") || stdout.contains("assertion"),
            "{args:?}: {stdout}"
        );
        assert!(
            !dir.path().join("-").exists(),
            "{args:?} wrote a file named -"
        );
    }
}

/// A path that is a pipe (`<(cat client.json)`, a FIFO) gives its bytes once: it is read once, like
/// stdin, Keycloak exports included (they used to be read a second time and came back empty), and the
/// look for Keycloak exports does not read it.
#[test]
fn pipes_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut client: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap(),
    )
    .unwrap();
    client["attributes"]["saml_name_id_format"] = "username".into();
    let text = serde_json::to_string_pretty(&client).unwrap();
    let response = fixture("saml/keycloak-atlassian-ok.xml");
    let cert = fixture("keys/idp-cert.pem");
    for format in ["concise", "json"] {
        // A FIFO with a writer that gives the client JSON once.
        let fifo = dir.path().join(format!("client-{format}.json"));
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            assert!(std::env::var_os("CI").is_none(), "mkfifo is missing");
            println!("pipes_are_read_once did NOT run: no mkfifo");
            return;
        }
        let writer = {
            let (p, t) = (fifo.clone(), text.clone());
            std::thread::spawn(move || std::fs::write(p, t))
        };
        let path = fifo.to_string_lossy().into_owned();
        let o = run(&[
            "check",
            &response,
            &path,
            "--idp-cert",
            &cert,
            "--format",
            format,
        ]);
        assert!(
            o.stdout.contains("KC018") && !o.stdout.contains("could not be linted"),
            "{format}: the pipe was not linted and paired:\n{}\n{}",
            o.stdout,
            o.stderr
        );
        writer.join().unwrap().unwrap();
    }
}

/// A pipe that is not a JSON capture is one SAML value: reading stops just past the largest a value
/// can be (exit 2, the limit named), as for stdin.
#[test]
fn a_pipe_over_the_value_limit_is_refused_early() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("value.b64");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        assert!(std::env::var_os("CI").is_none(), "mkfifo is missing");
        println!("a_pipe_over_the_value_limit_is_refused_early did NOT run: no mkfifo");
        return;
    }
    // 10 MiB of base64 letters; samlint stops after 65 KiB + 1 byte, so the writer sees a closed pipe.
    let writer = {
        let p = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new().write(true).open(p)?;
            let chunk = vec![b'A'; 1 << 20];
            for _ in 0..10 {
                f.write_all(&chunk)?;
            }
            Ok::<(), std::io::Error>(())
        })
    };
    let o = run(&["check", &fifo.to_string_lossy(), "--max-value", "1000"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("the pipe (not a JSON capture, so one SAML value) is larger than the")
            && o.stderr.contains("limit of 65.0 KiB"),
        "{}",
        o.stderr
    );
    let sent = writer.join().unwrap();
    assert!(
        sent.is_err(),
        "samlint read all 10 MiB of a pipe it should have stopped reading"
    );
}

/// The clients of one Keycloak export share its text, and one index of its lines: a finding's line
/// and column is a lookup, never a scan of the export per finding (a realm of 600 clients took
/// seconds in every format; benches/pipeline.rs `realm-600-clients-*` times it).
#[test]
fn the_clients_of_one_export_share_one_line_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::realm::broken_clients(3, dir.path());
    let run = samlint::lint::run(
        &[path],
        &mut std::io::empty(),
        &samlint::lint::Options::default(),
    );
    let indexes: Vec<_> = run
        .messages
        .iter()
        .map(|m| {
            m.source
                .lines
                .clone()
                .expect("an index of the export's lines")
        })
        .collect();
    assert_eq!(indexes.len(), 4, "three clients and the realm");
    assert!(
        indexes
            .iter()
            .all(|i| std::sync::Arc::ptr_eq(i, &indexes[0]))
    );
}

/// Symbolic links found in a directory to a folder, or out of the directory, are not followed (review
/// 64: three links to `.` made the walk exponential, killed at 60 s and 738 MB; a link out of the
/// directory read files no one named): they are counted as skipped. A link to a file inside the
/// directory is read (review 65: `latest.xml` was skipped without a word); a link named on the
/// command line is read.
#[test]
fn links_inside_a_directory_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    let elsewhere = write_temp(
        outside.path(),
        "elsewhere.xml",
        std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap(),
    );
    let d = tempfile::tempdir().unwrap();
    write_temp(
        d.path(),
        "response.xml",
        std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap(),
    );
    // One link to `.` (more would make the old walk run for ever instead of failing).
    std::os::unix::fs::symlink(".", d.path().join("l1")).unwrap();
    std::os::unix::fs::symlink(outside.path(), d.path().join("out")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, d.path().join("linked.xml")).unwrap();
    std::fs::create_dir(d.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("../response.xml", d.path().join("sub/latest.xml")).unwrap();
    let dir = d.path().to_string_lossy().into_owned();
    let (code, v) = check_json(&[&dir]);
    assert_eq!(code, 0);
    let status = |name: &str| {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["source"].as_str().is_some_and(|s| s.ends_with(name)))
            .map(|i| i["status"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let sources: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["source"].as_str())
        .collect();
    assert_eq!(sources.len(), 5, "{sources:?}");
    assert_eq!(v["messages"].as_array().unwrap().len(), 2, "{sources:?}");
    assert_eq!(status("/response.xml"), ["linted"]);
    assert_eq!(status("/latest.xml"), ["linted"]);
    for l in ["l1", "out", "linked.xml"] {
        assert_eq!(status(&format!("/{l}")), ["skipped"], "{l}");
    }
    // Named on the command line, a link is read.
    let link = d.path().join("linked.xml").to_string_lossy().into_owned();
    let (code, v) = check_json(&[&link]);
    assert_eq!(
        (code, v["messages"].as_array().unwrap().len()),
        (0, 1),
        "{v}"
    );
}

/// A directory named on the command line in which nothing is linted (empty, only hidden files, or
/// every file skipped) is an input that could not be linted: exit 2 with `input::nothing-to-lint`,
/// never a pass that checked nothing. A skipped file beside a linted one is still only counted, and
/// the other inputs are linted and reported all the same.
#[test]
fn a_directory_with_nothing_to_lint_is_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let hidden = tempfile::tempdir().unwrap();
    write_temp(hidden.path(), ".response.xml", "<x/>");
    let junk = tempfile::tempdir().unwrap();
    write_temp(
        junk.path(),
        "junit.xml",
        "<testsuites><testsuite/></testsuites>",
    );
    write_temp(junk.path(), "notes.md", "# notes");
    let mixed = tempfile::tempdir().unwrap();
    write_temp(mixed.path(), "junit.xml", "<testsuites/>");
    write_temp(
        mixed.path(),
        "response.xml",
        std::fs::read(fixture("saml/keycloak-atlassian-ok.xml")).unwrap(),
    );
    let path = |d: &tempfile::TempDir| d.path().to_string_lossy().into_owned();
    let errors = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| {
                i["errors"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |e| {
                        (
                            i["source"].as_str().unwrap().to_string(),
                            e["message"].as_str().unwrap().to_string(),
                        )
                    })
            })
            .collect()
    };
    for (dir, message) in [
        (
            &empty,
            "nothing to lint: no file in the directory (hidden ones are not read)",
        ),
        (
            &hidden,
            "nothing to lint: no file in the directory (hidden ones are not read)",
        ),
        (
            &junk,
            "nothing to lint: 2 files in the directory, none of them a SAML message, a capture or a Keycloak export (a symbolic link to a folder, or out of the directory, is not followed)",
        ),
    ] {
        let (code, v) = check_json(&[&path(dir)]);
        assert_eq!(code, 2, "{message}");
        assert_eq!(errors(&v), [(path(dir), message.to_string())]);
    }
    let (code, v) = check_json(&[&path(&mixed)]);
    assert_eq!(code, 0, "{v}");
    assert!(errors(&v).is_empty());
    // Beside an empty directory, the other inputs are linted and reported.
    let (code, v) = check_json(&[&path(&empty), &path(&mixed)]);
    assert_eq!(code, 2);
    assert_eq!(v["messages"].as_array().unwrap().len(), 1);
    assert_eq!(errors(&v).len(), 1);
    // Stderr names the directory and says what to do.
    let out = run(&["check", &path(&junk), "--format", "full"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("input::nothing-to-lint"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--include GLOB"), "{}", out.stderr);
}

/// Review 60: the default patterns match extensions in any case (`Realm-Export.JSON`, `SAML.XML`
/// from Windows tools were skipped as unknown and the run passed); a user's `--include` is as written.
#[test]
fn default_patterns_ignore_the_extensions_case() {
    let dir = tempfile::tempdir().unwrap();
    write_temp(
        dir.path(),
        "Realm-Export.JSON",
        std::fs::read(fixture("keycloak/atlassian-cloud-broken.json")).unwrap(),
    );
    let d = dir.path().to_string_lossy().into_owned();
    let (code, v) = check_json(&[&d]);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["inputs"][0]["status"], "linted", "{v}");
    let (code, v) = check_json(&[&d, "--include", "*.json"]);
    assert_eq!(code, 2, "{v}");
    // Review 62: --exclude is matched as written (ignoring case dropped `prod/` for `Prod/*`).
    let (code, v) = check_json(&[&d, "--exclude", "*.json"]);
    assert_eq!(code, 1, "the .JSON file is not excluded: {v}");
    let (code, v) = check_json(&[&d, "--exclude", "*.{json,JSON}"]);
    assert_eq!(code, 2, "nothing left to lint: {v}");
}
