//! `samlint explain TEXT|URL`: given what the user saw (an Atlassian error_description, a whole
//! `id.atlassian.com/...` error URL, a Keycloak error page title), say what it means, the likely causes,
//! the rules that detect them and what to run next. The knowledge is data: rules/explain.yaml.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    /// The text as the user sees it.
    pub title: String,
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub shown_by: String,
    pub meaning: String,
    pub causes: Vec<String>,
    pub rules: Vec<String>,
    pub next: String,
}

pub const EXPLAIN_YAML: &str = include_str!("../../rules/explain.yaml");

/// Every entry (the embedded file is checked by tests; a broken one yields none).
pub fn entries() -> Vec<Entry> {
    yaml_serde::from_str(EXPLAIN_YAML).unwrap_or_default()
}

/// The texts to match: for a URL that carries `error`, `error_description` or `message`, those values
/// (review 54: the rest of the URL matched too, so every Atlassian callback's `connection=saml` named
/// the wrong-guide entry); else the input itself. Each is percent-decoded until it stops changing (at
/// most three times: a doubly encoded `Invalid%2520thumbprint`), and its white space (line breaks,
/// no-break spaces) becomes one space.
pub fn texts(input: &str) -> Vec<String> {
    let params: Vec<String> = crate::decode::query::url_params(input)
        .iter()
        .filter(|p| matches!(p.name.as_str(), "error_description" | "error" | "message"))
        .map(|p| p.value())
        .collect();
    // Only a whole URL is reduced to its error values: a pasted text with a URL inside keeps its
    // own words (review 55).
    let t = input.trim();
    let url = crate::util::is_http_url(t) && !t.contains(char::is_whitespace);
    let raw = if params.is_empty() || !url {
        let mut all = vec![crate::decode::blob::percent_decode(t, true)];
        all.extend(params);
        all
    } else {
        params
    };
    let one_space = |t: &str| {
        t.split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out: Vec<String> = raw
        .into_iter()
        .map(|mut t| {
            for _ in 0..2 {
                if !t.contains('%') {
                    break;
                }
                let again = crate::decode::blob::percent_decode(&t, false);
                if again == t {
                    break;
                }
                t = again;
            }
            one_space(&t)
        })
        .collect();
    // A form-encoded value encoded again (`Invalid%2Bthumbprint`: the `+` was a space one layer
    // down) decodes to words joined by `+`: a text without a space is also read with them apart.
    let joined: Vec<String> = out
        .iter()
        .filter(|t| t.contains('+') && !t.contains(' '))
        .map(|t| one_space(&t.replace('+', " ")))
        .collect();
    out.extend(joined);
    out
}

/// Where `needle` (lower case) occurs in `hay` (lower case) as whole words, a plural `s` allowed:
/// neither end inside a word (review 54: "invalid request" inside "invalid requester", "scim" inside
/// "scimitar"). At most [`MOST_MATCHES`] of them: enough to tell a match inside a longer one, and the
/// comparison of matches stays bounded on a megabyte of repeated text (review 55).
fn word_matches(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    // `first … then`: both, in that order, with anything between (Keycloak's "Client <client ID>
    // already exists"; review 61: "already exists" alone explained a role's or a group's).
    if let Some((first, then)) = needle.split_once('…') {
        let (first, then) = (first.trim(), then.trim());
        return word_matches(hay, first)
            .into_iter()
            .filter_map(|(a, b)| {
                word_matches(&hay[b..], then)
                    .first()
                    .map(|&(_, e)| (a, b + e))
            })
            .collect();
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    hay.match_indices(needle)
        .filter(|(i, _)| {
            let before = hay[..*i].chars().next_back();
            let mut rest = hay[i + needle.len()..].chars();
            let mut after = rest.next();
            if after == Some('s') && !word(rest.next()) {
                after = None;
            }
            let starts_inside = word(before) && word(needle.chars().next());
            let ends_inside = word(after) && word(needle.chars().next_back());
            !starts_inside && !ends_inside
        })
        .map(|(i, m)| (i, i + m.len()))
        .take(MOST_MATCHES)
        .collect()
}

const MOST_MATCHES: usize = 8;

/// The entries matching what the user saw. A text that is exactly an entry's title (Keycloak's "Invalid
/// Request" is not its "Invalid requester") gets that entry alone. Otherwise each entry's match texts
/// are looked for as whole words, and an entry whose every match lies inside a longer match of another
/// entry is left out.
pub fn explain(input: &str) -> Vec<Entry> {
    let texts: Vec<String> = texts(input).iter().map(|t| t.to_lowercase()).collect();
    let bare = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    let all = entries();
    let exact: Vec<Entry> = all
        .iter()
        .filter(|e| texts.iter().any(|t| bare(t) == bare(&e.title)))
        .cloned()
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    // (entry, text, start, end) of every whole-word match.
    let found: Vec<(usize, usize, usize, usize)> = all
        .iter()
        .enumerate()
        .flat_map(|(ei, e)| {
            let texts = &texts;
            e.matches.iter().flat_map(move |m| {
                let m = m.to_lowercase();
                texts.iter().enumerate().flat_map(move |(ti, t)| {
                    word_matches(t, &m)
                        .into_iter()
                        .map(move |(a, b)| (ei, ti, a, b))
                })
            })
        })
        .collect();
    let inside_another = |&(ei, ti, a, b): &(usize, usize, usize, usize)| {
        found
            .iter()
            .any(|&(ej, tj, c, d)| ej != ei && tj == ti && c <= a && b <= d && (d - c) > (b - a))
    };
    all.into_iter()
        .enumerate()
        .filter(|(ei, _)| found.iter().any(|f| f.0 == *ei && !inside_another(f)))
        .map(|(_, e)| e)
        .collect()
}

/// The known errors nearest to a text samlint does not know, best first (at most `n`). Each entry is
/// scored by its closest title or match text: the share of that text's words (four letters or more)
/// that the input holds, a word counting when it is spelled within a letter or two (normalised
/// Levenshtein similarity of 0.75 or more), with the Jaro-Winkler similarity of the whole texts to break
/// ties. A typo ("Invalid thumbprnt") and a longer sentence around a known text both find it.
pub fn nearest(input: &str, n: usize) -> Vec<Entry> {
    let words_of = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 4)
            .map(str::to_string)
            .collect()
    };
    // Bounded work: each text compared is cut to a few hundred characters.
    let texts: Vec<(String, Vec<String>)> = texts(input)
        .iter()
        .map(|t| {
            let t: String = t.to_lowercase().chars().take(300).collect();
            let w = words_of(&t);
            (t, w)
        })
        .collect();
    let score = |cand: &str| -> f64 {
        let cand = cand.to_lowercase();
        let cw = words_of(&cand);
        texts
            .iter()
            .map(|(t, tw)| {
                let shared = cw
                    .iter()
                    .filter(|w| {
                        tw.iter()
                            .any(|x| strsim::normalized_levenshtein(w, x) >= 0.75)
                    })
                    .count();
                let overlap = if cw.is_empty() {
                    0.0
                } else {
                    shared as f64 / cw.len() as f64
                };
                overlap + 0.1 * strsim::jaro_winkler(t, &cand)
            })
            .fold(0.0, f64::max)
    };
    let mut scored: Vec<(f64, Entry)> = entries()
        .into_iter()
        .map(|e| {
            let best = std::iter::once(&e.title)
                .chain(e.matches.iter())
                .map(|c| score(c))
                .fold(0.0, f64::max);
            (best, e)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(n).map(|(_, e)| e).collect()
}

/// The parts of a URL that java-saml's Destination check compares (scheme, host, port, path and query),
/// split by hand: the text comes from a log line, not from a parser that must agree with an SP.
struct UrlParts<'a> {
    scheme: String,
    host: String,
    port: Option<&'a str>,
    path: &'a str,
    query: &'a str,
}

fn url_parts(u: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = u.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (authority, None),
    };
    let tail = tail.split('#').next().unwrap_or("");
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    Some(UrlParts {
        scheme: scheme.to_ascii_lowercase(),
        host: host.to_ascii_lowercase(),
        port,
        path,
        query,
    })
}

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    }
}

/// For java-saml's "The response was received at X instead of Y": the two URLs, and which of their
/// parts differ, with the usual cause of each. `None` for any other text.
pub fn received_at_detail(input: &str) -> Option<String> {
    let text = input.trim();
    let lower = text.to_ascii_lowercase();
    let start = lower.find("received at ")? + "received at ".len();
    let mid = lower[start..].find(" instead of ")? + start;
    let received = text[start..mid].trim();
    let after = &text[mid + " instead of ".len()..];
    let destination = after
        .split_whitespace()
        .next()?
        .trim_end_matches(['.', ',', ';', '"', '\'']);
    let (x, y) = (url_parts(received)?, url_parts(destination)?);
    let mut parts = Vec::new();
    if x.scheme != y.scheme {
        parts.push(format!(
            "scheme ({} here, {} in the Destination): TLS ends before the application server; set scheme=\"{}\" and secure=\"true\" on the Tomcat connector",
            x.scheme, y.scheme, y.scheme
        ));
    }
    if x.host != y.host {
        parts.push(
            "host: the server sees another host name than the users' (a reverse proxy); set proxyName on the Tomcat connector to the Base URL's host, or fix the IdP's ACS URL".to_string(),
        );
    }
    let port = |p: &UrlParts| p.port.or(default_port(&p.scheme)).map(str::to_string);
    if port(&x) != port(&y) {
        parts.push(
            "port: set proxyPort on the Tomcat connector to the port users reach (443 for https)"
                .to_string(),
        );
    }
    if x.path != y.path {
        parts.push("path: the context path or the ACS path differs; the ACS is <Base URL>/plugins/servlet/samlconsumer".to_string());
    }
    if x.query != y.query {
        parts.push("query string".to_string());
    }
    let clean = |s: &str| crate::util::sanitize(&crate::util::one_line(s)).into_owned();
    let mut s = format!(
        "  The URLs: received at {}, Destination {}\n",
        clean(received),
        clean(destination)
    );
    if parts.is_empty() {
        s.push_str("  They are the same URL written differently (default port, letter case): java-saml compares the text exactly.\n");
    } else {
        s.push_str("  They differ in:\n");
        for p in parts {
            s.push_str(&format!("    - {p}\n"));
        }
    }
    Some(s)
}

/// Human rendering, wrapped to `width` columns with hanging indents (as `check` wraps its rows).
pub fn render(input: &str, found: &[Entry], width: usize) -> String {
    let mut s = String::new();
    let para = |s: &mut String, text: &str, first: usize, rest: usize| {
        for line in crate::report::summary::hang(text, width, first, rest) {
            s.push_str(line.trim_end());
            s.push('\n');
        }
    };
    if found.is_empty() {
        para(
            &mut s,
            &format!(
                "samlint does not know this message: {}",
                crate::util::sanitize(&crate::util::one_line(input))
            ),
            0,
            2,
        );
        para(&mut s, "", 0, 0);
        para(&mut s, "The nearest known messages:", 0, 0);
        for e in nearest(input, 3) {
            para(&mut s, &format!("- {} ({})", e.title, e.shown_by), 2, 4);
        }
        para(&mut s, "", 0, 0);
        para(
            &mut s,
            "`samlint explain \"TEXT\"` with one of these texts says what it means. Run `samlint check` on \
             the response, HAR or Keycloak export to diagnose the setup itself.",
            0,
            0,
        );
        return s;
    }
    for e in found {
        para(&mut s, &e.title, 0, 2);
        para(&mut s, "", 0, 0);
        para(&mut s, &format!("Shown by: {}", e.shown_by), 2, 4);
        para(&mut s, &format!("What it means: {}", e.meaning), 2, 4);
        para(&mut s, "", 0, 0);
        if e.id == "dc-received-at"
            && let Some(d) = received_at_detail(input)
        {
            // Its lines wrapped at spaces, each under its own indent (a URL stays whole unless it is
            // longer than a line).
            for line in d.lines() {
                let indent = line.len() - line.trim_start().len();
                para(&mut s, line.trim_start(), indent, indent + 2);
            }
            s.push('\n');
        }
        para(&mut s, "Likely causes:", 2, 2);
        for c in &e.causes {
            para(&mut s, &format!("- {c}"), 4, 6);
        }
        if !e.rules.is_empty() {
            para(&mut s, "", 0, 0);
            para(&mut s, "Rules that detect them:", 2, 2);
            for code in &e.rules {
                let summary = crate::registry::rule(code).map_or("", |r| r.summary);
                para(&mut s, &format!("{code:<7} {summary}"), 4, 12);
            }
        }
        para(&mut s, "", 0, 0);
        para(&mut s, &format!("Next: {}", e.next), 2, 4);
        para(&mut s, "", 0, 0);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text Auth0's SP library answers (as Atlassian shows it) and every account-step text is
    /// explained, by entries that name every rule the model says predicts it.
    #[test]
    fn every_library_text_is_explained_with_its_rules() {
        use crate::predict::{account, auth0, text::visible};
        let mut texts: Vec<(String, Vec<&str>)> = Vec::new();
        for c in auth0::CHECKS {
            let shown: Vec<String> = if c.id == "status" {
                auth0::STATUS_TEXTS
                    .iter()
                    .map(|(_, t)| visible(t).to_string())
                    .collect()
            } else {
                // The longest run of the library's own words between the values it quotes.
                vec![
                    visible(c.text)
                        .split('…')
                        .map(str::trim)
                        .max_by_key(|w| w.len())
                        .unwrap_or("")
                        .to_string(),
                ]
            };
            for t in shown {
                texts.push((t, c.rules.to_vec()));
            }
        }
        for (_, t, rules) in account::CHECKS {
            texts.push((t.to_string(), rules.to_vec()));
        }
        for (t, rules) in texts {
            assert!(!t.is_empty());
            let found = explain(&t);
            assert!(!found.is_empty(), "samlint explain does not know {t:?}");
            for r in rules {
                assert!(
                    found.iter().any(|e| e.rules.iter().any(|x| x == r)),
                    "samlint explain {t:?} does not name {r}"
                );
                assert!(crate::registry::rule(r).is_some(), "no rule {r}");
            }
        }
    }

    #[test]
    fn url_error_description_is_decoded() {
        let u = "https://id.atlassian.com/error?error=access_denied&error_description=Invalid%20thumbprint";
        let e = explain(u);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].id, "invalid-thumbprint");
        assert!(explain("nothing like it").is_empty());
        assert_eq!(texts("a%2+b")[0], "a%2 b");
    }

    /// A form-encoded `+` encoded again (`%2B`), pasted alone or in a URL: the words it joined are
    /// read apart, as well as together.
    #[test]
    fn a_plus_encoded_again_joins_words() {
        let ids = |t: &str| -> Vec<String> { explain(t).into_iter().map(|e| e.id).collect() };
        assert_eq!(ids("Invalid%2Bthumbprint"), ["invalid-thumbprint"]);
        assert_eq!(
            ids(
                "https://id.atlassian.com/error?error=access_denied&error_description=Invalid%2Bthumbprint"
            ),
            ["invalid-thumbprint"]
        );
        // A text with a space keeps its plus signs as written.
        assert_eq!(texts("a+b c"), ["a b c"]);
        assert_eq!(texts("x%2By"), ["x+y", "x y"]);
    }

    /// Review 54: whole words only, a match inside a longer one is not a second answer, only a URL's
    /// error values are read, white space and double encoding do not hide a known text.
    #[test]
    fn matches_are_whole_words_of_the_error_values() {
        let ids = |t: &str| -> Vec<String> { explain(t).into_iter().map(|e| e.id).collect() };
        assert_eq!(
            ids("We are sorry... Invalid requester"),
            ["invalid-requester"]
        );
        assert!(ids("scimitar").is_empty());
        assert!(!ids("Unsubscription failed").contains(&"no-sso-redirect".to_string()));
        for t in [
            "Invalid  thumbprint",
            "Invalid\nthumbprint",
            "Invalid\u{a0}thumbprint",
            "Invalid%2520thumbprint",
        ] {
            assert_eq!(ids(t), ["invalid-thumbprint"], "{t:?}");
        }
        let u = "https://auth.atlassian.com/login/callback?connection=saml-1&error_description=Invalid%20thumbprint";
        assert_eq!(ids(u), ["invalid-thumbprint"]);
        // A scheme in capitals is a URL too: only its error values are read.
        let upper = "HTTPS://auth.atlassian.com/login/callback?connection=saml-1&error_description=Invalid%20thumbprint%20here";
        assert_eq!(ids(upper), ["invalid-thumbprint"]);
        // Review 55: a text holding a URL keeps its own words; a plural still matches.
        assert_eq!(
            ids("Invalid thumbprint https://x.example/cb?connection=saml-x&error=access_denied")
                .first()
                .map(String::as_str),
            Some("invalid-thumbprint")
        );
        assert!(!ids("group memberships").is_empty());
        // `first … then` (review 61): Keycloak's "Client <client ID> already exists", not a role's.
        assert_eq!(
            ids("Client https://auth.atlassian.com/saml/x already exists"),
            ["keycloak-import-duplicate"]
        );
        for other in [
            "Role with name admin already exists",
            "Top level group named 'staff' already exists.",
            "already exists, client",
        ] {
            assert!(
                !ids(other).contains(&"keycloak-import-duplicate".to_string()),
                "{other}"
            );
        }
    }

    #[test]
    fn received_at_names_the_part_that_differs() {
        let d = received_at_detail("Received invalid SAML response: The response was received at http://jira.internal:8080/plugins/servlet/samlconsumer instead of https://jira.example.com/plugins/servlet/samlconsumer").unwrap();
        assert!(
            d.contains("scheme (http here, https in the Destination)"),
            "{d}"
        );
        assert!(d.contains("host:"), "{d}");
        assert!(d.contains("port:"), "{d}");
        assert!(!d.contains("path:"), "{d}");
        let d = received_at_detail("The response was received at https://jira.example.com/jira/plugins/servlet/samlconsumer instead of https://jira.example.com:443/plugins/servlet/samlconsumer.").unwrap();
        assert!(
            d.contains("path:") && !d.contains("port:") && !d.contains("host:"),
            "{d}"
        );
        let d = received_at_detail(
            "The response was received at https://a.example/x instead of https://a.example:443/x",
        )
        .unwrap();
        assert!(d.contains("written differently"), "{d}");
        assert!(received_at_detail("assertion has expired").is_none());
        assert!(received_at_detail("The response was received at x instead of y").is_none());
        // Terminal escapes in the pasted text never reach the output.
        let d = received_at_detail(
            "received at http://a\u{1b}[31m.example/x instead of https://a.example/x",
        )
        .unwrap();
        assert!(!d.contains('\u{1b}'), "{d}");
    }
}
