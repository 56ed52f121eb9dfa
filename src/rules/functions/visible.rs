//! `visible`.

use super::*;
use crate::finding::Arg;
use crate::msg;

/// `visible`: a present string must hold no character a reader cannot see.
pub struct Visible;
#[derive(Debug)]
struct VisibleCheck;

impl Function for Visible {
    fn name(&self) -> &'static str {
        "visible"
    }
    fn doc(&self) -> &'static str {
        "A present string must hold no character that shows as nothing or as a plain space: a control character other than tab and newline, a line or paragraph separator, a default-ignorable code point (zero-width space and joiners, soft hyphen, byte-order mark, variation selectors, tag characters), a space character other than U+0020 (no-break, ideographic, en and em spaces …) or U+2800 (a Braille pattern without dots). A zero-width non-joiner or joiner inside a word of a script that spells with it (between a letter or mark and a letter, outside ASCII and Latin) passes. Reports the first, by code point, and how many there are. Absent and unknown values pass. No options."
    }
    fn compile(&self, o: Option<&marked_yaml::Node>) -> Result<Box<dyn Check>, OptionsError> {
        no_options(o, self.name())?;
        Ok(Box::new(VisibleCheck))
    }
}

impl Check for VisibleCheck {
    fn run(&self, node: Option<&Node>, _: &Cx) -> Vec<Hit> {
        let Some(t) = text(node) else {
            return Vec::new();
        };
        let chars: Vec<char> = t.chars().collect();
        let mut hidden = chars
            .iter()
            .enumerate()
            .filter(|(i, c)| crate::util::is_unseen(**c) && !spelling_joiner(&chars, *i))
            .map(|(_, c)| *c);
        let Some(first) = hidden.next() else {
            return Vec::new();
        };
        let more = hidden.count();
        vec![Hit::new(if more == 0 {
            msg!(
                "holds {}, a character that shows as nothing or as a plain space",
                Arg::plain(crate::util::code_point(first))
            )
        } else {
            msg!(
                "holds {} and {} more characters that show as nothing or as a plain space",
                Arg::plain(crate::util::code_point(first)),
                Arg::plain(more)
            )
        })]
    }
}

/// A zero-width non-joiner or joiner inside a word of a script that spells with it (Persian
/// `می‌خواهم`, Devanagari conjuncts after a virama): between a letter or mark outside ASCII and a
/// letter outside ASCII, it is part of the spelling, not hidden (review 66: a Persian name in an
/// attribute was reported, and its advice would have corrupted it). A joiner anywhere else, and
/// between Latin letters, is reported.
fn spelling_joiner(chars: &[char], i: usize) -> bool {
    let Some(&c) = chars.get(i) else {
        return false;
    };
    if c != '\u{200c}' && c != '\u{200d}' {
        return false;
    }
    let word = |x: char| !x.is_ascii() && x.is_alphabetic() && !is_latin(x);
    let before = i
        .checked_sub(1)
        .and_then(|j| chars.get(j))
        .is_some_and(|&b| {
            word(b) || (!b.is_ascii() && unicode_normalization::char::is_combining_mark(b))
        });
    let after = chars.get(i + 1).is_some_and(|&a| word(a));
    before && after
}

/// A Latin letter (accented ones too), where a joiner has no place.
fn is_latin(c: char) -> bool {
    use unicode_script::UnicodeScript;
    c.script() == unicode_script::Script::Latin
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
        VisibleCheck
            .run(Some(&tree), &cx)
            .into_iter()
            .map(|h| h.error.to_string())
            .collect()
    }

    /// Review 64: each of these made a NameID read as another address.
    #[test]
    fn invisible_characters_are_named() {
        for (v, c) in [
            ("jane\u{200b}.doe@example.com", "200B"),
            ("jane.doe@exam\u{ad}ple.com", "00AD"),
            ("\u{feff}jane.doe@example.com", "FEFF"),
            ("jane.doe@example.com\u{e0041}", "E0041"),
            ("jane\u{1b}.doe@example.com", "001B"),
            // Review 65: blanks that read as nothing at the end of a value, or as a plain space.
            ("jane.doe@example.com\u{2800}", "2800"),
            ("jane.doe@example.com\u{a0}", "00A0"),
            ("jane.doe@example.com\u{3000}", "3000"),
            ("jane\u{2009}doe@example.com", "2009"),
        ] {
            assert_eq!(
                run(v),
                [format!(
                    "holds U+{c}, a character that shows as nothing or as a plain space"
                )]
            );
        }
        assert_eq!(
            run("a\u{200d}b\u{200d}c\u{2060}"),
            ["holds U+200D and 2 more characters that show as nothing or as a plain space"]
        );
        // Review 66: joiners that spell Persian and Devanagari words are no hidden characters.
        for v in [
            "\u{645}\u{647}\u{631}\u{200c}\u{622}\u{633}\u{627}",
            "\u{915}\u{94d}\u{200d}\u{937}",
        ] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
        assert_eq!(
            run("jane\u{200c}doe@example.com"),
            ["holds U+200C, a character that shows as nothing or as a plain space"]
        );
        assert_eq!(
            run("\u{200d}\u{645}\u{647}\u{631}"),
            ["holds U+200D, a character that shows as nothing or as a plain space"]
        );
        for v in ["jane.doe@example.com", "Zoë Ünal", "a\tb\nc", "東京"] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
    }
}
