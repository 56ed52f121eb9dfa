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

/// Where a YAML text nests deeper than [`MAX_YAML_DEPTH`] (a byte offset), read as a stream of
/// events, without building a tree: marked_yaml's loader recurses and overflows the stack on a few
/// thousand levels of block mappings, and libyaml (under yaml_serde) takes quadratic time on deep
/// flow collections (review 57). A text the scanner refuses for another reason is left to the parser
/// that reports it.
#[must_use]
pub fn yaml_too_deep(text: &str) -> Option<usize> {
    use yaml_rust2::parser::{Event, Parser};
    let mut parser = Parser::new_from_str(text);
    let mut depth = 0usize;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            // The scanner reads ahead: `[[[…` past its own limit (255) fails before any event.
            Err(e) if e.info().contains("recursion limit") => {
                return Some(byte_offset(text, e.marker().index()));
            }
            Err(_) => return None,
        };
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_YAML_DEPTH {
                    return Some(byte_offset(text, mark.index()));
                }
            }
            Event::SequenceEnd | Event::MappingEnd => depth = depth.saturating_sub(1),
            Event::StreamEnd => return None,
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
        // `a:` is one mapping: 63 sequences inside it are 64 levels.
        assert_eq!(yaml_too_deep(&flow(MAX_YAML_DEPTH - 1)), None);
        let at = yaml_too_deep(&flow(MAX_YAML_DEPTH)).unwrap();
        assert_eq!(&flow(MAX_YAML_DEPTH)[at..=at], "[");
        // Past the scanner's own limit it fails before any event: still too deep.
        assert!(yaml_too_deep(&flow(100_000)).is_some());
        assert!(yaml_too_deep(&format!("{}x\n", "- ".repeat(MAX_YAML_DEPTH + 1))).is_some());
        assert_eq!(
            yaml_too_deep(&format!("{}x\n", "- ".repeat(MAX_YAML_DEPTH))),
            None
        );
        let block: String = (0..=MAX_YAML_DEPTH)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(yaml_too_deep(&(block + &" ".repeat(MAX_YAML_DEPTH + 1) + "x\n")).is_some());
        // Text the scanner refuses for another reason is left to the parser that reports it.
        assert_eq!(yaml_too_deep("a: [b\n"), None);
        assert_eq!(yaml_too_deep("é: ['ü', {x: 1}]\n"), None);
    }
}
