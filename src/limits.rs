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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 512 * 1024 * 1024,
            max_value: 10 * 1024 * 1024,
            max_inflate: 1024 * 1024,
            max_inflate_ratio: 100,
            max_depth: 256,
        }
    }
}
