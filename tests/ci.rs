//! samlint in a Keycloak-config repository's CI, with the real tools: pre-commit running
//! .pre-commit-hooks.yaml (`try-repo` on the working tree, committed into a temporary clone), the
//! GitHub Action's command (action/run.sh) on a scratch repository, actionlint over action.yml and the
//! example workflow, shellcheck over the action's script. The tools come from PyPI into
//! tests/python/.venv (e2e/install.sh, part of the README's test command).

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tool of tests/python/.venv; absent: say so loudly, and fail under CI=true.
fn tool(name: &str) -> Option<PathBuf> {
    let p = root().join("tests/python/.venv/bin").join(name);
    if p.is_file() {
        return Some(p);
    }
    let msg = format!(
        "\n\n*** tests/python/.venv/bin/{name} is not installed (sh e2e/install.sh): this CI-integration test did NOT run ***\n"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}under CI=true it is required");
    }
    eprintln!("{msg}");
    None
}

/// Run a command; (exit code, stdout + stderr).
fn sh(cmd: &mut Command) -> (i32, String) {
    let o = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

/// git with a fixed identity and fixed dates (a commit of the same tree gets the same hash).
fn git(dir: &Path, args: &[&str]) {
    let (code, out) = sh(Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "samlint tests")
        .env("GIT_AUTHOR_EMAIL", "tests@example.com")
        .env("GIT_COMMITTER_NAME", "samlint tests")
        .env("GIT_COMMITTER_EMAIL", "tests@example.com")
        .env("GIT_AUTHOR_DATE", "2026-12-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-12-01T00:00:00Z")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir));
    assert_eq!(code, 0, "git {args:?}:\n{out}");
}

fn good_export() -> String {
    std::fs::read_to_string(fixture("keycloak/atlassian-cloud-ok.json")).unwrap()
}

/// The good export with Client signature required on (KC001, an error for an Atlassian client), and
/// the line of the value.
fn bad_export() -> (String, usize) {
    let good = good_export();
    let bad = good.replace(
        "\"saml.client.signature\": \"false\"",
        "\"saml.client.signature\": \"true\"",
    );
    assert_ne!(good, bad);
    let line = bad
        .lines()
        .position(|l| l.contains("\"saml.client.signature\": \"true\""))
        .unwrap()
        + 1;
    (bad, line)
}

/// The repository as it is in the working tree (tracked and new files, not ignored ones), committed
/// into a temporary repository: `pre-commit try-repo` clones a repository at a commit, so this is how
/// it sees uncommitted work.
fn working_tree_repo(dir: &Path) -> PathBuf {
    let repo = dir.join("samlint");
    let (code, list) = sh(Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root()));
    assert_eq!(code, 0, "{list}");
    for rel in list.split('\0').filter(|s| !s.is_empty()) {
        let from = root().join(rel);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = repo.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "working tree"]);
    repo
}

#[test]
fn pre_commit_hook_passes_a_good_export_and_fails_a_bad_one_naming_the_rule_at_its_line() {
    let Some(pre_commit) = tool("pre-commit") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hook_repo = working_tree_repo(dir.path());
    let work = dir.path().join("realm-config");
    std::fs::create_dir_all(work.join("realms")).unwrap();
    std::fs::write(work.join("realms/atlassian.json"), good_export()).unwrap();
    git(&work, &["init", "-q", "-b", "main"]);
    git(&work, &["add", "-A"]);
    // `language: rust` runs `cargo install --path` in pre-commit's clone of the hook repository. The
    // build goes to a target directory kept between runs, unoptimised, so that the suite stays short;
    // the hook definition is exactly the one users get.
    let try_repo = |extra: &[&str]| {
        let mut c = Command::new(&pre_commit);
        c.args(["try-repo", hook_repo.to_str().unwrap(), "samlint-keycloak"])
            .args(extra)
            .current_dir(&work)
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", root().join("target/pre-commit-hook"))
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
            .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
            .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
            .env("NO_COLOR", "1")
            .env("HOME", dir.path());
        sh(&mut c)
    };
    let (code, out) = try_repo(&["--all-files"]);
    assert_eq!(code, 0, "a good export must pass:\n{out}");
    assert!(out.contains("samlint (Keycloak exports)"), "{out}");
    assert!(out.contains("Passed"), "{out}");

    let (bad, line) = bad_export();
    std::fs::write(work.join("realms/broken.json"), bad).unwrap();
    git(&work, &["add", "-A"]);
    let (code, out) = try_repo(&["--all-files"]);
    assert_eq!(code, 1, "a bad export must fail:\n{out}");
    assert!(out.contains("Failed"), "{out}");
    let at = format!("realms/broken.json:{line}:");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&at) && l.contains("error[KC001]")),
        "the finding at its line, naming the rule ({at} … error[KC001]):\n{out}"
    );
    assert!(
        !out.contains("realms/atlassian.json:"),
        "the good export has no finding:\n{out}"
    );
    // Staged files only (what the hook sees on `git commit`): the same verdict.
    let (code, out) = try_repo(&[]);
    assert_eq!(code, 1, "{out}");
}

/// Run the action's command as the composite action does: inputs as INPUT_* variables, samlint on PATH.
fn action(work: &Path, inputs: &[(&str, &str)]) -> (i32, String, String) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_samlint"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let outputs = work.join("github-output");
    let _ = std::fs::remove_file(&outputs);
    let mut c = Command::new("bash");
    c.arg(root().join("action/run.sh"))
        .current_dir(work)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &outputs)
        .env("NO_COLOR", "1")
        .env_remove("SAMLINT_FORMAT");
    for (k, v) in inputs {
        c.env(format!("INPUT_{k}"), v);
    }
    let (code, out) = sh(&mut c);
    (
        code,
        out,
        std::fs::read_to_string(&outputs).unwrap_or_default(),
    )
}

#[test]
fn the_actions_command_annotates_the_line_fails_and_adopts_a_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    std::fs::create_dir_all(work.join("realms")).unwrap();
    std::fs::write(work.join("realms/atlassian.json"), good_export()).unwrap();
    let (code, out, outputs) = action(work, &[("PATHS", "realms")]);
    assert_eq!(code, 0, "{out}");
    assert!(outputs.contains("exit-code=0"), "{outputs}");
    assert!(!out.contains("::error"), "{out}");

    let (bad, line) = bad_export();
    std::fs::write(work.join("realms/broken.json"), &bad).unwrap();
    let (code, out, outputs) = action(work, &[("PATHS", "realms"), ("FAIL_ON", "error")]);
    assert_eq!(code, 1, "{out}");
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    let col = bad.lines().nth(line - 1).unwrap().find("\"true\"").unwrap() + 1;
    let want = format!("::error file=realms/broken.json,line={line},col={col},");
    let ann = out
        .lines()
        .find(|l| l.starts_with(&want))
        .unwrap_or_else(|| panic!("no annotation at {want}:\n{out}"));
    assert!(
        ann.contains("title=KC001 client-signature-required::"),
        "{ann}"
    );

    // SARIF for upload-sarif.
    let (code, out, outputs) = action(
        work,
        &[
            ("PATHS", "realms"),
            ("FORMAT", "sarif"),
            ("SARIF_FILE", "out.sarif"),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(outputs.contains("sarif-file=out.sarif"), "{outputs}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("out.sarif")).unwrap()).unwrap();
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "KC001");
    assert_eq!(
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        line as u64
    );

    // Adopting: a baseline of today's findings passes; a new pitfall fails, even after lines moved.
    let o = samlint()
        .current_dir(work)
        .args(["check", "realms", "--write-baseline", "baseline.json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let (code, out, _) = action(work, &[("PATHS", "realms"), ("BASELINE", "baseline.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 finding in the baseline baseline.json"),
        "{out}"
    );
    let moved = bad
        .replacen("{\n", "{\n  \"description\": \"moved down\",\n\n", 1)
        .replace("\"saml.encrypt\": \"false\"", "\"saml.encrypt\": \"true\"");
    std::fs::write(work.join("realms/broken.json"), moved).unwrap();
    let (code, out, _) = action(work, &[("PATHS", "realms"), ("BASELINE", "baseline.json")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("title=ATL014 assertion-encrypted"), "{out}");
    assert!(
        !out.contains("KC001"),
        "KC001 moved down but is baselined:\n{out}"
    );

    // A wrong input is an error of the step, exit 2.
    let (code, out, outputs) = action(work, &[("PATHS", "realms"), ("FORMAT", "xml")]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("::error title=samlint action::format must be github or sarif"),
        "{out}"
    );
    assert!(outputs.contains("exit-code=2"), "{outputs}");
}

/// The repository's samlint.yaml `fail-on` holds in the action unless the workflow sets `fail-on`
/// (review 35: the input's default `error` overrode the config's `warning`, and the step passed).
#[test]
fn the_action_keeps_the_repositorys_fail_on() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    std::fs::create_dir_all(work.join("realms")).unwrap();
    // A warning only: Client signature required unset (KC026).
    let warned = good_export().replace("    \"saml.client.signature\": \"false\",\n", "");
    assert_ne!(warned, good_export());
    std::fs::write(work.join("realms/client.json"), warned).unwrap();
    let (code, out, _) = action(work, &[("PATHS", "realms")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("KC026"), "{out}");
    std::fs::write(work.join("samlint.yaml"), "fail-on: warning\n").unwrap();
    let (code, out, outputs) = action(work, &[("PATHS", "realms")]);
    assert_eq!(code, 1, "{out}");
    assert!(outputs.contains("exit-code=1"), "{outputs}");
    // The workflow's input still wins.
    let (code, out, _) = action(work, &[("PATHS", "realms"), ("FAIL_ON", "error")]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn actionlint_accepts_the_action_and_the_example_workflow() {
    let (Some(actionlint), Some(shellcheck)) = (tool("actionlint"), tool("shellcheck")) else {
        return;
    };
    let venv_bin = actionlint.parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        venv_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // A repository that uses the action as the example workflow does: samlint checked out into
    // .samlint, so that actionlint reads action.yml and checks the inputs the workflow passes.
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    std::fs::create_dir_all(repo.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(repo.join(".samlint/action")).unwrap();
    std::fs::copy(root().join("action.yml"), repo.join(".samlint/action.yml")).unwrap();
    std::fs::copy(
        root().join("action/run.sh"),
        repo.join(".samlint/action/run.sh"),
    )
    .unwrap();
    let workflow =
        std::fs::read_to_string(root().join("docs/examples/github-workflow.yml")).unwrap();
    std::fs::write(repo.join(".github/workflows/samlint.yml"), &workflow).unwrap();
    git(repo, &["init", "-q", "-b", "main"]);
    let lint = |repo: &Path| {
        sh(Command::new(&actionlint)
            .args(["-no-color"])
            .current_dir(repo)
            .env("PATH", &path))
    };
    let (code, out) = lint(repo);
    assert_eq!(code, 0, "actionlint:\n{out}");
    // actionlint really reads action.yml: an input the action does not have is an error.
    std::fs::write(
        repo.join(".github/workflows/samlint.yml"),
        workflow.replacen("packs: atlassian-cloud", "pack: atlassian-cloud", 1),
    )
    .unwrap();
    let (code, out) = lint(repo);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("\"pack\""), "{out}");
    // The action's script.
    let (code, out) = sh(Command::new(&shellcheck).arg(root().join("action/run.sh")));
    assert_eq!(code, 0, "shellcheck action/run.sh:\n{out}");
}
