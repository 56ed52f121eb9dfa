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
        "A present string must hold no character that shows as nothing or as a plain space: a control character other than tab and newline, a line or paragraph separator, a default-ignorable code point (zero-width space and joiners, soft hyphen, byte-order mark, variation selectors, tag characters), a space character other than U+0020 (no-break, ideographic, en and em spaces …) or U+2800 (a Braille pattern without dots). Reports the first, by code point, and how many there are. Absent and unknown values pass. No options."
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
        let mut hidden = t.chars().filter(|c| crate::util::is_unseen(*c));
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
        for v in ["jane.doe@example.com", "Zoë Ünal", "a\tb\nc", "東京"] {
            assert_eq!(run(v), Vec::<String>::new(), "{v:?}");
        }
    }
}
