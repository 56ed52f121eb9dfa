//! `unmixed`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use unicode_security::MixedScript;

/// `unmixed`: a present string whose every part (between `@`, `.`, `-`, `_`, `+` and spaces) is
/// written in one script, in Unicode's composed form (NFC).
pub struct Unmixed;
#[derive(Debug)]
struct UnmixedCheck;

impl Function for Unmixed {
    fn name(&self) -> &'static str {
        "unmixed"
    }
    fn doc(&self) -> &'static str {
        "A present string must write each of its parts (between `@`, `.`, `-`, `_`, `+` and spaces) in one script, and be in Unicode's composed form (NFC): `jаne` with a Cyrillic `а` among Latin letters, or `é` written as `e` and a combining accent, reads as another string. Digits and punctuation belong to every script; a part wholly in another script (an internationalised address) passes. Reports the first part that mixes scripts, else the decomposed form. Absent and unknown values pass. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(UnmixedCheck))
    }
}

impl Check for UnmixedCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(t) = text(node) else {
            return Vec::new();
        };
        // Linear: each part is scanned once by the script check.
        if let Some(part) = t
            .split(['@', '.', '-', '_', '+', ' '])
            .find(|p| !p.is_single_script())
        {
            let (first, odd, script, main) = odd_one(part);
            let more = if odd > 1 {
                format!(" (and {} more)", odd - 1)
            } else {
                String::new()
            };
            return vec![Hit::new(msg!(
                "mixes scripts in \"{}\": {}{} is {} among {} letters, so it may read as another address",
                Arg::text(part),
                Arg::plain(crate::util::code_point(first)),
                Arg::plain(more),
                Arg::plain(script),
                Arg::plain(main)
            ))];
        }
        if !unicode_normalization::is_nfc(&t) {
            return vec![Hit::new(msg!(
                "is not in Unicode's composed form (NFC): a letter is written as a base and a combining mark, which reads like the single letter an SP compares differently"
            ))];
        }
        Vec::new()
    }
}

/// In a part that mixes scripts: the first letter not of the first letter's script, how many such
/// letters there are, its script and the first one's.
fn odd_one(part: &str) -> (char, usize, &'static str, &'static str) {
    use unicode_script::{Script, UnicodeScript};
    let mut letters = part
        .chars()
        .map(|c| (c, c.script()))
        .filter(|(_, s)| !matches!(s, Script::Common | Script::Inherited | Script::Unknown));
    let Some((_, main)) = letters.next() else {
        return ('?', 0, "", "");
    };
    let mut odd = letters.filter(|(_, s)| *s != main);
    match odd.next() {
        Some((c, s)) => (c, 1 + odd.count(), s.full_name(), main.full_name()),
        None => ('?', 0, "", main.full_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &str) -> Vec<String> {
        let tree =
            crate::tree::parse_json(&serde_json::to_string(v).expect("JSON")).expect("parses");
        let cx = Cx {
            root: &tree,
            domains: &[],
            idp_certs: &[],
        };
        UnmixedCheck
            .run(Some(&tree), &cx)
            .into_iter()
            .map(|h| h.error.to_string())
            .collect()
    }

    /// Review 65: a Cyrillic `а` in a Latin address, and a decomposed `é`, read as other addresses.
    #[test]
    fn lookalikes_are_named() {
        assert_eq!(
            run("j\u{430}ne.doe@example.com"),
            [
                "mixes scripts in \"j\u{430}ne\": U+0430 is Cyrillic among Latin letters, so it may read as another address"
            ]
        );
        assert_eq!(
            run("jane.doe@ex\u{3bf}mple.com"),
            [
                "mixes scripts in \"ex\u{3bf}mple\": U+03BF is Greek among Latin letters, so it may read as another address"
            ]
        );
        assert_eq!(
            run("j\u{430}n\u{435}@example.com"),
            [
                "mixes scripts in \"j\u{430}n\u{435}\": U+0430 (and 1 more) is Cyrillic among Latin letters, so it may read as another address"
            ]
        );
        assert_eq!(run("rene\u{301}@example.com").len(), 1);
        assert!(run("rene\u{301}@example.com")[0].starts_with("is not in Unicode's composed form"));
        for v in [
            "jane.doe@example.com",
            "ren\u{e9}@example.com",
            "\u{438}\u{432}\u{430}\u{43d}@example.com",
            "\u{5c71}\u{7530}@example.jp",
            "jane.doe+sso@example.com",
            "user-42@example.com",
        ] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
    }
}
