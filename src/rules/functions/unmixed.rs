//! `unmixed`.

use super::*;
use crate::finding::Arg;
use crate::msg;
use unicode_script::{Script, UnicodeScript};
use unicode_security::MixedScript;

/// `unmixed`: a present string whose parts are each written in one script, without compatibility
/// characters (NFKC), in Unicode's composed form (NFC).
pub struct Unmixed;
#[derive(Debug)]
struct UnmixedCheck;

impl Function for Unmixed {
    fn name(&self) -> &'static str {
        "unmixed"
    }
    fn doc(&self) -> &'static str {
        "A present string must write each of its parts in one script, hold no compatibility character (NFKC: fullwidth or styled letters, ligatures, a one-dot leader) and be in Unicode's composed form (NFC): `jаne` with a Cyrillic `а` among Latin letters, `ｊａｎｅ`, or `é` written as `e` and a combining accent, reads as another string. The parts of an email address are its local part and each label of its domain; any other value is one part. Digits and punctuation belong to every script, so an address wholly in another script passes; a domain label in one other script that reads as Latin as a whole (UTS #39's whole-script confusables: the confusable skeleton of an all-Cyrillic `аррӏе` is ASCII) is reported when another part of the address is in Latin; local parts and other values are people's names, and are not judged so. Reports the first part that mixes scripts, naming its first letter outside Latin (or outside the part's main script), else the first domain label that reads as Latin, else a decomposed form (NFC), else a compatibility character. Absent and unknown values pass. No options."
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
        // ASCII is Latin letters and common characters, composed and without compatibility forms.
        if t.is_ascii() {
            return Vec::new();
        }
        // One script a part (review 67: allowing Latin with Han, kana or Hangul, as UTS #39's highly
        // restrictive level does for identifiers, let `examp丨e`, `d〇e`, `ㅣ` through).
        if let Some(part) = parts(&t).find(|p| !p.is_single_script()) {
            return vec![Hit::new(match odd_one(part) {
                Some((c, more, script, main)) => msg!(
                    "mixes scripts in \"{}\": {}{} is {} among {} letters, so it may read as another address",
                    Arg::text(part),
                    Arg::plain(crate::util::code_point(c)),
                    Arg::plain(if more > 0 {
                        format!(" (and {more} more)")
                    } else {
                        String::new()
                    }),
                    Arg::plain(script),
                    Arg::plain(main)
                ),
                None => msg!(
                    "mixes letters of scripts that do not go together in \"{}\", so it may read as another address",
                    Arg::text(part)
                ),
            })];
        }
        // UTS #39 §4, whole-script confusables: a domain label in one other script that reads as
        // Latin (an all-Cyrillic `аррӏе`), in an address that writes other parts in Latin. Labels
        // only, as browsers' IDN display policies have it (review 68: local parts are people's
        // names, and саша, егор, ΑΝΝΑ read as Latin too).
        if let Some((_, domain)) = t.rsplit_once('@')
            && let Some((part, script)) = domain.split('.').find_map(reads_as_latin)
            && t.chars().any(|c| c.script() == Script::Latin)
        {
            return vec![Hit::new(msg!(
                "writes \"{}\" in {} letters that each read as a Latin one, beside parts in Latin, so it may read as another address",
                Arg::text(part),
                Arg::plain(script)
            ))];
        }
        // NFC first: a decomposed value is not NFKC either, and the decomposition is its problem.
        if !unicode_normalization::is_nfc(&t) {
            return vec![Hit::new(msg!(
                "is not in Unicode's composed form (NFC): a letter is written as a base and a combining mark, which reads like the single letter an SP compares differently"
            ))];
        }
        if !unicode_normalization::is_nfkc(&t) {
            // The first character NFKC changes (the whole is NFC, so one of them is).
            let c = t
                .chars()
                .find(|c| !unicode_normalization::is_nfkc(c.encode_utf8(&mut [0; 4])))
                .unwrap_or('?');
            return vec![Hit::new(msg!(
                "holds {}, a compatibility character (a fullwidth or styled letter, a ligature, a one-dot leader …) that reads as an ordinary one an SP compares differently",
                Arg::plain(crate::util::code_point(c))
            ))];
        }
        Vec::new()
    }
}

/// An email address's local part and each label of its domain (review 66: split at every `.`, a
/// lone Cyrillic `а` before the first dot was a part of one script); any other value whole.
fn parts(t: &str) -> Box<dyn Iterator<Item = &str> + '_> {
    match t.rsplit_once('@') {
        Some((local, domain)) => Box::new(std::iter::once(local).chain(domain.split('.'))),
        None => Box::new(std::iter::once(t)),
    }
}

/// A part with a letter, written in one script other than Latin, whose confusable skeleton (UTS #39
/// §4) is ASCII with a letter: it reads as a Latin string; and the script's name. A part of digits
/// alone (Persian `۱۵`, whose skeleton is `l5`) has no letter (review 68). Linear: a skeleton maps
/// each character to at most a few.
fn reads_as_latin(part: &str) -> Option<(&str, &'static str)> {
    if !part.chars().any(char::is_alphabetic) {
        return None;
    }
    let mut script = None;
    for c in part.chars() {
        match c.script() {
            Script::Common | Script::Inherited => {}
            Script::Latin | Script::Unknown => return None,
            s if script.is_none_or(|x| x == s) => script = Some(s),
            _ => return None,
        }
    }
    let script = script?;
    let mut letter = false;
    for c in unicode_security::confusable_detection::skeleton(part) {
        if !c.is_ascii() {
            return None;
        }
        letter |= c.is_ascii_alphabetic();
    }
    letter.then_some((part, script.full_name()))
}

/// In a part that mixes scripts: its first letter outside the part's main script (the script most
/// of its letters are written in), how many more there are, that letter's script and the main one
/// (review 66: the first letter's script was taken as the main one, and `еxample` named its Latin
/// letters; a character of Common script with script extensions was named as `?`).
fn odd_one(part: &str) -> Option<(char, usize, &'static str, &'static str)> {
    let mut counts: Vec<(Script, usize)> = Vec::new();
    for c in part.chars() {
        let s = c.script();
        if matches!(s, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        match counts.iter_mut().find(|(x, _)| *x == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    // Latin when the part has Latin letters (what a lookalike imitates: review 67, `соm` named its
    // `m`), else the most frequent; the first seen on a tie.
    let latin = counts.iter().any(|(s, _)| *s == Script::Latin);
    let main = if latin {
        Script::Latin
    } else {
        counts
            .iter()
            .fold(None, |best: Option<(Script, usize)>, &(s, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((s, n)),
            })?
            .0
    };
    let mut odd = part.chars().filter(|c| {
        let e = c.script_extension();
        !e.is_common() && !e.is_inherited() && !e.contains_script(main)
    });
    let first = odd.next()?;
    // A character of Common script used by several others (an Arabic tatweel, a Devanagari danda)
    // has no one script to name.
    let script = match first.script() {
        Script::Common | Script::Inherited | Script::Unknown => "a character of other scripts",
        s => s.full_name(),
    };
    Some((first, odd.count(), script, main.full_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &str) -> Vec<String> {
        super::super::errors_on_string(&UnmixedCheck, v)
    }

    /// Review 65: a Cyrillic `а` in a Latin address, and a decomposed `é`, read as other addresses;
    /// review 66: the letter named is the odd one, a lone odd letter before a dot is found, Latin
    /// with Han passes.
    #[test]
    fn lookalikes_are_named() {
        let cases: [(&str, &str); 6] = [
            (
                "j\u{430}ne.doe@example.com",
                "\"j\u{430}ne.doe\": U+0430 is Cyrillic among Latin",
            ),
            (
                "jane.doe@ex\u{3bf}mple.com",
                "\"ex\u{3bf}mple\": U+03BF is Greek among Latin",
            ),
            (
                "j\u{430}n\u{435}@example.com",
                "\"j\u{430}n\u{435}\": U+0430 (and 1 more) is Cyrillic among Latin",
            ),
            (
                "\u{430}.smith@example.com",
                "\"\u{430}.smith\": U+0430 is Cyrillic among Latin",
            ),
            (
                "jane.doe@\u{435}xample.com",
                "\"\u{435}xample\": U+0435 is Cyrillic among Latin",
            ),
            (
                "jane\u{640}\u{964}doe@example.com",
                "U+0640 (and 1 more) is a character of other scripts among Latin",
            ),
        ];
        for (v, want) in cases {
            let got = run(v);
            assert_eq!(got.len(), 1, "{v:?}");
            assert!(got[0].contains(want), "{v:?}: {got:?}");
            assert!(
                got[0].ends_with("letters, so it may read as another address"),
                "{got:?}"
            );
        }
        assert!(run("rene\u{301}@example.com")[0].starts_with("is not in Unicode's composed form"));
        // Characters of scripts that do not go together, none of them a letter of one script.
        assert_eq!(
            run("\u{640}\u{964}@example.com"),
            [
                "mixes letters of scripts that do not go together in \"\u{640}\u{964}\", so it may read as another address"
            ]
        );
        // Review 67: CJK that looks Latin, a majority of lookalikes, compatibility characters.
        for (v, want) in [
            ("jane.doe@examp\u{4e28}e.com", "U+4E28 is Han among Latin"),
            ("jane.d\u{3007}e@example.com", "U+3007 is Han among Latin"),
            (
                "jane.doe@example.\u{441}\u{43e}m",
                "U+0441 (and 1 more) is Cyrillic among Latin",
            ),
        ] {
            let got = run(v);
            assert!(got.len() == 1 && got[0].contains(want), "{v:?}: {got:?}");
        }
        for (v, c) in [
            ("\u{ff4a}\u{ff41}\u{ff4e}\u{ff45}@example.com", "FF4A"),
            ("jane@example\u{2024}com", "2024"),
        ] {
            let got = run(v);
            let want = format!("holds U+{c}, a compatibility character");
            assert!(
                got.len() == 1 && got[0].starts_with(&want),
                "{v:?}: {got:?}"
            );
        }
        // UTS #39 §4: a domain label in one other script that reads as Latin, beside Latin parts
        // (`аррӏе`; `саrе`, with a Latin `r`, is mixed and reported above).
        for (v, want) in [
            (
                "jane@\u{430}\u{440}\u{440}\u{4cf}\u{435}.com",
                "writes \"\u{430}\u{440}\u{440}\u{4cf}\u{435}\" in Cyrillic letters that each read as a Latin one",
            ),
            (
                "jane@\u{441}\u{43e}\u{440}\u{435}.example.com",
                "writes \"\u{441}\u{43e}\u{440}\u{435}\" in Cyrillic letters",
            ),
            (
                "jane@example.\u{3a4}\u{39f}\u{3a1}",
                "in Greek letters that each read as a Latin one",
            ),
        ] {
            let got = run(v);
            assert!(
                got.len() == 1 && got[0].starts_with("writes ") && got[0].contains(want),
                "{v:?}: {got:?}"
            );
        }
        for v in [
            // No Latin part to pass for: a wholly Cyrillic address reads as nothing else here.
            "\u{430}\u{440}\u{440}\u{4cf}\u{435}@\u{441}\u{43e}\u{440}\u{435}.\u{440}\u{444}",
            "\u{430}\u{440}\u{440}\u{4cf}\u{435}",
            // A letter that reads as no Latin one (и, п).
            "\u{43f}\u{435}\u{440}@example.com",
            // Digits and punctuation alone are no script's; Persian digits are no letters.
            "12-34@example.com",
            "jane@\u{6f1}\u{6f5}.example.com",
            // Local parts and other values are people's names (review 68: саша, ΑΝΝΑ).
            "\u{441}\u{430}\u{448}\u{430}@example.com",
            "\u{391}\u{39d}\u{39d}\u{391}@example.com",
            "\u{441}\u{430}\u{448}\u{430}",
        ] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
        for v in [
            "jane.doe@example.com",
            "ren\u{e9}@example.com",
            "\u{438}\u{432}\u{430}\u{43d}@example.com",
            "\u{438}\u{432}\u{430}\u{43d}@\u{43f}\u{440}\u{438}\u{43c}\u{435}\u{440}.\u{440}\u{444}",
            "\u{5c71}\u{7530}@example.jp",
            "jane.doe+sso@example.com",
            "user-42@example.com",
        ] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
    }
}
