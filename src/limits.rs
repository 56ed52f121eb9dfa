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
