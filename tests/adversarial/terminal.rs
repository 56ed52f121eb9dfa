//! Class 7: terminal injection. U+202E (RLO), U+009B (8-bit CSI), U+0085 (NEL), U+2028 (LINE
//! SEPARATOR), U+200F (RLM) — and ESC where XML cannot carry it — in every place a value can be (NameID,
//! attribute names and values, Issuer, Destination, Audience, a HAR URL, the input's file name). No
//! output of any format, nor stderr, carries one raw; JSON outputs carry them as `\uXXXX` and stay JSON.

use crate::util::*;
use samlint::verify::sign::What;

const CHARS: [(&str, char); 6] = [
    ("U+202E", '\u{202E}'),
    ("U+009B", '\u{009B}'),
    ("U+0085", '\u{0085}'),
    ("U+2028", '\u{2028}'),
    ("U+200F", '\u{200F}'),
    ("U+001B", '\u{001B}'),
];

fn doc(c: char) -> String {
    let t = template()
        .replace(NAMEID, &format!("jane{c}doe@example.com"))
        .replace(
            "https://kc.example.com/realms/acme<",
            &format!("https://kc.example.com/realms/ac{c}me<"),
        )
        .replacen("claims/givenname\"", &format!("claims/givenname{c}\""), 1)
        .replacen(">Jane<", &format!(">Ja{c}ne<"), 1)
        .replacen(
            "Destination=\"https://auth.atlassian.com/login/callback?connection=saml-",
            &format!("Destination=\"https://auth.atlassian.com/login/callback{c}?connection=saml-"),
            1,
        )
        .replacen(
            "<saml:Audience>https://auth.atlassian.com/saml/",
            &format!("<saml:Audience>https://auth.atlassian.com/saml/{c}"),
            1,
        );
    sign_xml(&t, What::Assertion)
}

fn outputs() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut v: Vec<(&'static str, Vec<&'static str>)> = [
        "full", "concise", "json", "sarif", "junit", "github", "markdown",
    ]
    .into_iter()
    .map(|f| (f, vec!["check", "--format", f]))
    .collect();
    v.push((
        "markdown --no-redact",
        vec!["check", "--format", "markdown", "--no-redact"],
    ));
    v.push((
        "full --redact",
        vec!["check", "--format", "full", "--redact"],
    ));
    v.push(("report", vec!["report"]));
    v.push(("decode --format json", vec!["decode", "--format", "json"]));
    v.push(("decode (pretty XML)", vec!["decode"]));
    v
}

#[test]
fn class7_no_raw_bidi_or_c1_character_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = Ledger::default();
    for (cname, c) in CHARS {
        let xml_ok = c != '\u{001B}'; // XML 1.0 cannot carry ESC: only the HAR URL and file name do
        let d = if xml_ok {
            doc(c)
        } else {
            signed(What::Assertion)
        };
        let file = write(dir.path(), &format!("msg-{c}-jane.doe@example.com.xml"), &d);
        let enc = pct(&b64(&d));
        let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"},
            "entries": [{"startedDateTime": "2026-11-20T10:00:00.000Z",
                "request": {"method": "POST", "url": format!("https://auth.atlassian.com/login/callback?connection=saml-{c}x&e{c}=v{c}"),
                    "headers": [],
                    "postData": {"mimeType": "application/x-www-form-urlencoded", "text": format!("SAMLResponse={enc}&RelayState=r{c}s")}},
                "response": {"status": 302, "headers": [{"name": "Location", "value": format!("https://x.example/{c}#error_description=bad{c}")}]}}]}})
        .to_string();
        let har = write(dir.path(), &format!("capture-{c}.har"), har);
        for (input_name, input) in [("file", &file), ("har", &har)] {
            for (oname, args) in outputs() {
                l.cases += 1;
                let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
                if a[0] != "decode" {
                    a.extend(["--idp-cert".into(), idp_cert()]);
                }
                a.push(input.clone());
                let e = samlint(&a, &Opts::default());
                let case = format!("{cname} in {input_name} → {oname}");
                l.row(format!("{case:<58} {} · {:.2} s", e.describe(), e.secs));
                l.check(e.ok_exit(), &case, || {
                    format!("{} {}", e.describe(), tail(&e.stderr))
                });
                // A raw 8-bit C1 byte is not UTF-8. (U+FFFD is how samlint neutralises a character.)
                l.check(e.utf8, &case, || "output is not valid UTF-8".into());
                for (stream, text) in [("stdout", &e.stdout), ("stderr", &e.stderr)] {
                    let bad: Vec<String> = text
                        .chars()
                        .filter(|&x| {
                            x == c
                                || CHARS.iter().any(|&(_, y)| y == x)
                                || ('\u{80}'..='\u{9F}').contains(&x)
                        })
                        .map(|x| format!("U+{:04X}", u32::from(x)))
                        .collect();
                    l.check(bad.is_empty(), &case, || {
                        let mut b = bad.clone();
                        b.dedup();
                        format!("raw {b:?} in {stream}")
                    });
                }
                if (oname.starts_with("json")
                    || oname.starts_with("sarif")
                    || oname == "decode --format json")
                    && e.ok_exit()
                {
                    l.check(
                        serde_json::from_str::<serde_json::Value>(&e.stdout).is_ok(),
                        &case,
                        || "stdout is not valid JSON".into(),
                    );
                }
            }
        }
    }
    l.finish("class 7 (terminal injection)");
}
