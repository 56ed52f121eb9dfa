//! Long lines (issue 15 item 4): a one-line message's root tag is 400 columns; the pretty view puts
//! each attribute of a start tag that would pass the terminal's width on its own line, so miette's
//! markers stay under their text. Snapshots at 80 and 120 columns of a finding on the root tag.

mod common;
use common::*;

/// The PRO004 diagnostic (Destination, an attribute of the root tag) at `width` columns.
fn destination_finding(width: &str) -> String {
    let o = samlint()
        .env("COLUMNS", width)
        .args([
            "check",
            "fixtures/saml/keycloak-atlassian-ok.b64",
            "--idp-cert",
            &fixture("keys/idp-cert.pem"),
            "--acs-url",
            "https://auth.atlassian.com/login/callback?connection=saml-other",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let start = out.find("PRO004(").expect("a PRO004 finding");
    let help = start + out[start..].find("help:").expect("a help line");
    let end = out[help..].find("\n\n").map_or(out.len(), |i| help + i);
    out[start..end].trim_end().to_string()
}

#[test]
fn a_finding_on_a_long_root_tag_stays_under_its_text() {
    for width in ["80", "120"] {
        let block = destination_finding(width);
        // The attribute is on a line of its own, four spaces in, and the marker starts under its value.
        let line = block
            .lines()
            .find(|l| l.contains("│     Destination=\"") || l.contains("│ …Destination=\""))
            .unwrap_or_else(|| panic!("Destination on its own line at {width}:\n{block}"));
        let marker = block
            .lines()
            .find(|l| l.contains('─') && l.trim_start().starts_with('·'))
            .unwrap();
        let value_col = line.find("Destination=\"").unwrap() + "Destination=\"".len();
        let marker_col = marker.find('─').unwrap();
        assert_eq!(
            line[..value_col].chars().count(),
            marker[..marker_col].chars().count(),
            "{block}"
        );
        // No source line holds the whole root tag any more.
        assert!(
            !block.contains("xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" Destination")
        );
        insta::assert_snapshot!(format!("pro004_root_tag_{width}"), block);
    }
}

#[test]
fn decode_breaks_long_tags_at_the_terminal_width() {
    for (width, broken) in [("80", true), ("400", false)] {
        let o = samlint()
            .env("COLUMNS", width)
            .args(["decode", "fixtures/saml/keycloak-atlassian-ok.b64"])
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            out.starts_with("<samlp:Response\n    xmlns:samlp="),
            broken,
            "{width}:\n{out}"
        );
        let w: usize = width.parse().unwrap();
        // Every line that is not a single unbreakable attribute or text fits.
        for l in out.lines() {
            let t = l.trim_start();
            let attrs = t.matches("=\"").count();
            assert!(l.chars().count() <= w || attrs <= 1, "{width}: {l}");
        }
    }
}

/// An attribute longer than the terminal cannot be broken (that would change its value): the
/// diagnostic shows a window of its line around the span, with `…` where it was cut, and the line and
/// column of the whole view.
#[test]
fn a_finding_on_a_line_wider_than_the_terminal_shows_a_window() {
    let xml = std::fs::read_to_string(fixture("saml/keycloak-atlassian-ok.xml")).unwrap();
    let long = format!(
        "https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9&amp;{}=1",
        "padding".repeat(30)
    );
    let xml = xml.replacen(
        "Destination=\"https://auth.atlassian.com/login/callback?connection=saml-0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9\"",
        &format!("Destination=\"{long}\""),
        1,
    );
    for width in ["80", "120"] {
        let o = samlint()
            .env("COLUMNS", width)
            .args([
                "check",
                "-",
                "--acs-url",
                "https://auth.atlassian.com/login/callback?connection=saml-other",
            ])
            .write_stdin(xml.clone())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let start = out.find("PRO004(").expect("a PRO004 finding");
        let end = start + out[start..].find("help:").unwrap();
        let block = out[start..end].trim_end().to_string();
        let w: usize = width.parse().unwrap();
        // The source lines (` 4 │ …`) fit; the header names line 4, column 18 of the whole view.
        for l in block
            .lines()
            .filter(|l| l.contains(" │ ") && !l.contains('×'))
        {
            if l.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
                assert!(l.chars().count() <= w, "{l}");
            }
        }
        assert!(block.contains("stdin:4:18]"), "{block}");
        assert!(block.contains("Destination=\"https://auth.atlassian.com/login/callback?conn"));
        insta::assert_snapshot!(format!("pro004_long_value_{width}"), block);
    }
}
