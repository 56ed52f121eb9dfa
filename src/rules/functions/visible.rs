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
        "A present string must hold no character that shows as nothing or as a plain space: a control character other than tab and newline, a line or paragraph separator, a default-ignorable code point (zero-width space and joiners, soft hyphen, byte-order mark, variation selectors, tag characters), a space character other than U+0020 (no-break, ideographic, en and em spaces …) or U+2800 (a Braille pattern without dots). A zero-width non-joiner or joiner after a virama on a letter of its script, a non-joiner between two letters of one script that would join across it, combining marks aside (RFC 5892's CONTEXTJ rules: Indic conjuncts, Persian and Arabic spelling), a joiner between two emoji and one emoji variation selector after an emoji or symbol are spelling and pass. Reports the first, by code point, and how many there are. Absent and unknown values pass. No options."
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
        // Most values hold none (one pass over the bytes): no list of their characters is built.
        if !crate::util::has_unseen(&t) {
            return Vec::new();
        }
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

/// A character of [`crate::util::is_unseen`] that is spelling where it stands: a zero-width
/// non-joiner or joiner right after a virama (RFC 5892's CONTEXTJ rule for both: Devanagari and other
/// Indic conjuncts, Malayalam chillus), a zero-width non-joiner that parts two letters which would
/// otherwise join (its second CONTEXTJ rule: Persian `خانه‌ها`, `می‌خواهم`), a zero-width joiner
/// between two emoji (👩‍💻), and the emoji variation selector U+FE0F after an emoji or symbol (❤️).
/// Elsewhere such a character changes nothing a reader sees (review 67: exempting joiners between
/// any two non-Latin letters hid them in Cyrillic, Greek and Han names; review 66: a Persian ZWNJ
/// after a letter that does not join is invisible too, and is reported). Review 68: each rule asks
/// one script of the letters around (letters of two scripts never join, so a non-joiner between an
/// Arabic and a Syriac letter, or after a virama on a Latin letter, changes nothing either), and one
/// variation selector after an emoji, not a chain of them.
fn spelling_joiner(chars: &[char], i: usize) -> bool {
    let (Some(&c), Some(&before)) = (chars.get(i), i.checked_sub(1).and_then(|j| chars.get(j)))
    else {
        return false;
    };
    let after = chars.get(i + 1).copied();
    match c {
        '\u{200c}' | '\u{200d}'
            if unicode_normalization::char::canonical_combining_class(before) == 9 =>
        {
            // The virama's base letter, other marks (a nukta) aside, is of the virama's script.
            chars
                .get(..i.saturating_sub(1))
                .and_then(|b| {
                    b.iter()
                        .rev()
                        .find(|c| unicode_normalization::char::canonical_combining_class(**c) == 0)
                })
                .is_some_and(|base| same_script(*base, before))
        }
        '\u{200c}' => parts_joining_letters(chars, i),
        '\u{200d}' => is_emoji(before) && after.is_some_and(is_emoji),
        '\u{fe0f}' => {
            before != '\u{fe0f}'
                && (is_emoji(before) || ('\u{2190}'..='\u{2bff}').contains(&before))
        }
        _ => false,
    }
}

/// Whether two characters share a script (their Script_Extensions meet); characters of every script
/// (Common, Inherited) share none, so a virama after a digit is no conjunct.
fn same_script(a: char, b: char) -> bool {
    use unicode_script::UnicodeScript;
    let (a, b) = (a.script_extension(), b.script_extension());
    let unscripted = |x: unicode_script::ScriptExtension| x.is_common() || x.is_inherited();
    !(unscripted(a) || unscripted(b) || a.intersection(b).is_empty())
}

/// RFC 5892 Appendix A.1, rule 2: `(Joining_Type:{L,D})(Joining_Type:T)*` before the non-joiner at
/// `i` and `(Joining_Type:T)*(Joining_Type:{R,D})` after it. Each scan stops at the first character
/// that is not transparent (another non-joiner is not), so a value is read at most twice in all.
fn parts_joining_letters(chars: &[char], i: usize) -> bool {
    use unicode_joining_type::{JoiningType as J, get_joining_type};
    let opaque = |c: &&char| get_joining_type(**c) != J::Transparent;
    let before = chars.get(..i).and_then(|b| b.iter().rev().find(opaque));
    let after = chars.get(i + 1..).and_then(|a| a.iter().find(opaque));
    let (Some(&before), Some(&after)) = (before, after) else {
        return false;
    };
    matches!(get_joining_type(before), J::LeftJoining | J::DualJoining)
        && matches!(get_joining_type(after), J::RightJoining | J::DualJoining)
        && same_script(before, after)
}

/// An emoji of the pictographic blocks (or one already followed by its variation selector).
fn is_emoji(c: char) -> bool {
    ('\u{1f000}'..='\u{1faff}').contains(&c)
        || ('\u{2600}'..='\u{27bf}').contains(&c)
        || c == '\u{fe0f}'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &str) -> Vec<String> {
        super::super::errors_on_string(&VisibleCheck, v)
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
        // Review 66/67: joiners after a virama, between emoji, and U+FE0F after an emoji are spelling.
        for v in [
            "\u{915}\u{94d}\u{200d}\u{937}",
            "\u{d23}\u{d4d}\u{200d}",
            // Marks between the base letter and the virama: a nukta (क़्‌ष), a mark of every script.
            "\u{915}\u{93c}\u{94d}\u{200c}\u{937}",
            "\u{915}\u{301}\u{94d}\u{200c}\u{937}",
            "\u{1f469}\u{200d}\u{1f4bb}",
            "\u{2764}\u{fe0f}",
            // RFC 5892 A.1 rule 2: a non-joiner between letters that would join (Persian `خانه‌ها`,
            // `می‌خواهم`; with a transparent mark, a fatha, on either side).
            "\u{62e}\u{627}\u{646}\u{647}\u{200c}\u{647}\u{627}",
            "\u{645}\u{6cc}\u{200c}\u{62e}\u{648}\u{627}\u{647}\u{645}",
            "\u{647}\u{64e}\u{200c}\u{64e}\u{647}",
        ] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
        // Anywhere else they hide: Latin, Cyrillic, Han, a Persian letter that does not join.
        for v in [
            "jane\u{200c}doe@example.com",
            "\u{438}\u{432}\u{200c}\u{430}\u{43d}@example.com",
            "\u{5c71}\u{200c}\u{7530}",
            "\u{62f}\u{200c}\u{627}\u{648}\u{62f}",
            "\u{200d}\u{645}\u{647}\u{631}",
            // Rule 2 wants a letter that joins on its left before and one that joins on its right
            // after: not a right-joining dal before, nor a Latin letter, nor the value's end.
            "\u{62f}\u{200c}\u{647}",
            "\u{647}\u{200c}a",
            "\u{647}\u{200c}",
            "\u{200c}\u{647}",
            // Two non-joiners in a row: the second has one before it, which does not join.
            "\u{647}\u{200c}\u{200c}\u{647}",
            // Review 68: letters of two scripts never join (Arabic and Syriac, Arabic and Mongolian);
            // a virama on a Latin letter makes no conjunct; a chain of variation selectors.
            "\u{628}\u{200c}\u{710}",
            "\u{1820}\u{200c}\u{628}",
            "a\u{94d}\u{200c}b",
            "\u{2764}\u{fe0f}\u{fe0f}",
            // An Egyptian hieroglyph format control, alone or beside an exempt non-joiner.
            "\u{647}\u{13430}\u{647}",
            "\u{647}\u{13430}\u{200c}\u{647}",
        ] {
            assert_eq!(run(v).len(), 1, "{v:?}");
        }
        for v in ["jane.doe@example.com", "Zoë Ünal", "a\tb\nc", "東京"] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
    }
}
