//! Resource limits, enforced by samlint's own code before any third-party parser sees the bytes.

/// Limits for one run. Every limit has a command-line flag (see `samlint check --help`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest input file or stdin stream read whole (HAR files are streamed and may be larger).
    pub max_input: u64,
    /// Largest single SAML value (encoded parameter or XML text).
    pub max_value: usize,
    /// Largest inflated (DEFLATE) output.
    pub max_inflate: usize,
    /// Largest inflate ratio (output ÷ input) accepted once the output passes 64 KiB.
    pub max_inflate_ratio: usize,
    /// Deepest XML element nesting.
    pub max_depth: usize,
    /// Most elements in one message.
    pub max_elements: usize,
    /// Most attributes (namespace declarations included) on one element.
    pub max_attributes: usize,
    /// Most namespace declarations in one message.
    pub max_namespaces: usize,
    /// Most ds:Signature elements in one message (each may make a verifier canonicalise the whole
    /// document).
    pub max_signatures: usize,
    /// Most ds:Reference elements in one message, wherever they sit (each makes a verifier
    /// canonicalise and hash its target, up to the whole document).
    pub max_references: usize,
    /// Most ds:Transform elements in one message (a verifier applies each to its Reference's data).
    pub max_transforms: usize,
    /// Most prefixes in all the InclusiveNamespaces PrefixLists of one message together (an exclusive
    /// canonicaliser looks at each of them at every element).
    pub max_prefixes: usize,
    /// Most namespace bindings in scope, summed over the elements of a message with a signature (once
    /// per element and once more per prefixed attribute) and multiplied by its References (an
    /// inclusive canonicaliser copies them at every element, an exclusive one looks up each prefix
    /// an element or an attribute uses among them).
    pub max_namespace_scope: usize,
    /// Most comments and processing instructions before and after the root element (a verifier of a
    /// `URI=""` Reference looks at the siblings of each).
    pub max_outside_root: usize,
    /// Most SAML messages taken from one input (a HAR, a query, a directory file).
    pub max_messages: usize,
    /// Most findings of one rule on one message; the rest are counted in one summary finding.
    pub max_findings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 512 * 1024 * 1024,
            max_value: 10 * 1024 * 1024,
            max_inflate: 1024 * 1024,
            max_inflate_ratio: 100,
            max_depth: 256,
            max_elements: 50_000,
            max_attributes: 256,
            max_namespaces: 4_096,
            max_signatures: 16,
            max_references: 16,
            max_transforms: 32,
            max_prefixes: 64,
            max_namespace_scope: 1_000_000,
            max_outside_root: 64,
            max_messages: 10_000,
            max_findings: 20,
        }
    }
}

/// Deepest YAML nesting accepted in a settings file or rule pack (a pack nests about 6 deep).
pub const MAX_YAML_DEPTH: usize = 64;

/// How deep a YAML text nests, as far as samlint can tell before a parser that recurses or takes
/// quadratic time sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlDepth {
    /// Within [`MAX_YAML_DEPTH`], or too few `[`/`{` to nest deeper.
    Fine,
    /// Deeper than [`MAX_YAML_DEPTH`], at this byte offset.
    TooDeep(usize),
    /// The scanner stopped at this byte offset, for this reason, in a text with more `[`/`{` than
    /// [`MAX_YAML_DEPTH`]: how deep the rest nests is not known.
    Unmeasured(usize, String),
}

/// How deep a YAML text nests, read as a stream of yaml-rust2 events, without building a tree:
/// marked_yaml's loader recurses and overflows the stack on a few thousand levels of block mappings,
/// and libyaml (under yaml_serde) takes time quadratic in the depth of flow collections (review 57).
/// Where yaml-rust2's scanner stops on an error libyaml may not share (review 58: a `]` at column 0
/// before the deep part), the text is only `Fine` when it holds no more `[` and `{` than the
/// depth allowed, so that no reading of it nests deeper.
#[must_use]
pub fn yaml_depth(text: &str) -> YamlDepth {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            // The scanner reads ahead: `[[[…` past its own limit (255) fails before any event.
            Err(e) if e.info().contains("recursion limit") => {
                return YamlDepth::TooDeep(byte_offset(text, e.marker().index()));
            }
            Err(e) => {
                let brackets = memchr::memchr2_iter(b'[', b'{', text.as_bytes()).count();
                return if brackets <= MAX_YAML_DEPTH {
                    YamlDepth::Fine
                } else {
                    YamlDepth::Unmeasured(
                        byte_offset(text, e.marker().index()),
                        e.info().to_string(),
                    )
                };
            }
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return YamlDepth::TooDeep(byte_offset(text, mark.index()));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            Event::StreamEnd => return YamlDepth::Fine,
            _ => {}
        }
    }
}

/// The byte offset of the `chars`-th character of `text` (its end when there are fewer).
fn byte_offset(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_nesting_is_measured_without_a_tree() {
        let flow = |n: usize| format!("a: {}{}\n", "[".repeat(n), "]".repeat(n));
        let deep = |t: &str| matches!(yaml_depth(t), YamlDepth::TooDeep(_));
        // `a:` is one mapping: 63 sequences inside it are 64 levels.
        assert_eq!(yaml_depth(&flow(MAX_YAML_DEPTH - 1)), YamlDepth::Fine);
        let YamlDepth::TooDeep(at) = yaml_depth(&flow(MAX_YAML_DEPTH)) else {
            panic!("too deep");
        };
        assert_eq!(&flow(MAX_YAML_DEPTH)[at..=at], "[");
        // Past the scanner's own limit it fails before any event: still too deep.
        assert!(deep(&flow(100_000)));
        assert!(deep(&format!("{}x\n", "- ".repeat(MAX_YAML_DEPTH + 1))));
        assert_eq!(
            yaml_depth(&format!("{}x\n", "- ".repeat(MAX_YAML_DEPTH))),
            YamlDepth::Fine
        );
        let block: String = (0..=MAX_YAML_DEPTH)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(deep(&(block + &" ".repeat(MAX_YAML_DEPTH + 1) + "x\n")));
        // Text the scanner refuses for another reason, with few brackets, is left to the parser
        // that reports it (libyaml reads a `]` at column 0, yaml-rust2 does not) ...
        assert_eq!(yaml_depth("a: [b\n"), YamlDepth::Fine);
        assert_eq!(yaml_depth("select: [\nKC001,\n]\n"), YamlDepth::Fine);
        assert_eq!(yaml_depth("é: ['ü', {x: 1}]\n"), YamlDepth::Fine);
        // ... but with more brackets than the depth allowed, its depth is not known (review 58: a
        // scanner error before 100,000 levels of `[` turned the check off).
        let hidden = format!("suppress: {{a: 1,\n}}\nx: [\n{}\n]\n", flow(1000));
        assert!(
            matches!(yaml_depth(&hidden), YamlDepth::Unmeasured(..)),
            "{:?}",
            yaml_depth(&hidden)
        );
    }
}
