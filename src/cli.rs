//! Command-line interface: argument parsing, output routing and exit codes.
//!
//! Exit codes: 0 clean (nothing at or above `--fail-on`), 1 findings at or above it, 2 could not lint
//! (usage, unreadable or undecodable input). Every input is processed even when another fails.

use crate::finding::Severity;
use crate::limits::Limits;
use crate::lint::{self, Run};
use crate::report::{self, Format, human};
use crate::util::plural;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};

#[derive(Parser, Debug)]
#[command(
    name = "samlint",
    version,
    about = "Lint SAML single sign-on: decode SAML messages and captures, and say what is wrong and where",
    long_about = None,
    after_help = "Paste safely: `pbpaste | samlint check -` (or `xclip -o | samlint check -`) keeps the message out of your shell history."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Decode, parse and lint SAML messages.
    Check(CheckArgs),
    /// Decode SAML messages and print them as pretty XML (or the exact bytes, or the model as JSON).
    Decode(DecodeArgs),
    /// Write a Markdown report for a support thread: the diagnosis kept, identities redacted.
    Report(CheckArgs),
    /// List every rule (built-in and from the packs).
    Rules(RulesArgs),
    /// Print a rule's documentation (what, why, fix, source, confidence).
    Rule(RuleArgs),
    /// Explain an error the user saw: an Atlassian error_description or error URL, a Keycloak error page.
    Explain(ExplainArgs),
    /// List the built-in functions rule packs can call.
    Functions,
    /// Correct a Keycloak export for the rules whose fix is a value in the export (the file's other
    /// bytes are kept as they are).
    Fix(FixArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page (roff), as shipped in samlint.1.
    Man,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
#[command(after_help = FIX_AFTER_HELP)]
pub struct FixArgs {
    /// Keycloak exports (client, client list, realm or partial export), directories of them, or `-`
    /// (stdin; the corrected export goes to stdout).
    #[arg(required = true, value_name = "FILE")]
    pub inputs: Vec<String>,
    /// Print a unified diff of the fixes instead of writing anything.
    #[arg(long, conflicts_with_all = ["in_place", "output"])]
    pub diff: bool,
    /// Overwrite each export (default: write <name>.fixed.json beside it).
    #[arg(long, conflicts_with = "output")]
    pub in_place: bool,
    /// Write the corrected export to FILE (one input only).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Exit 1 when a finding at or above this severity remains after the fixes [default: error].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Read settings from this file instead of discovering samlint.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<std::path::PathBuf>,
    /// Ignore any samlint.yaml.
    #[arg(long)]
    pub isolated: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(flatten)]
    pub rules: FixRuleArgs,
}

/// The rule flags `fix` takes (those of `check` without --keycloak).
#[derive(Args, Debug)]
pub struct FixRuleArgs {
    /// Apply this pack whether or not it fits (a shipped pack's name), or load a pack file (repeatable).
    #[arg(
        long = "pack",
        alias = "rules",
        value_name = "NAME|FILE",
        help_heading = "Rules"
    )]
    pub packs: Vec<String>,
    /// Fix only these codes or code prefixes (comma-separated or repeated).
    #[arg(
        long,
        value_name = "CODE",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub select: Vec<String>,
    /// Never fix or report these codes or code prefixes.
    #[arg(
        long,
        value_name = "CODE",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,
    /// Run rules with status preview.
    #[arg(long, help_heading = "Rules")]
    pub preview: bool,
    /// Only fix the Keycloak client with this client ID.
    #[arg(long = "client", value_name = "CLIENT_ID", help_heading = "Rules")]
    pub client: Option<String>,
}

const FIX_AFTER_HELP: &str = "Fixed (a value in the export): ATL004 NameID format email · KC004 force \
name ID format · ATL015/ADC002 signing flags · ATL016/ATL017/KC016 RSA_SHA256 · ATL018 force POST binding · \
ATL022 exclusive C14N · KC001/KC026 client signature off · ATL014 encryption off · KC015 consent off · \
KC027 bearer-only off · KC028 standard flow on · KC003 the exact ACS in redirectUris · ATL013 mapper \
attribute names · KC012 mapper name formats · ADC003 group full path off · ADC004 single group \
attribute. Every other finding is listed with what to change by hand. Exit 0 when \
nothing at or above --fail-on remains, 1 when something does (to fix by hand), 2 when an input cannot \
be read or is not a Keycloak export.";

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Also list the rules of these pack files.
    #[arg(long = "pack", alias = "rules", value_name = "FILE")]
    pub packs: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct RuleArgs {
    /// The rule code (e.g. ATL004, KC001, SIG004).
    #[arg(value_name = "CODE", required_unless_present = "all")]
    pub code: Option<String>,
    /// Every rule; with --write DIR, write docs/rules (README.md and one page per rule).
    #[arg(long)]
    pub all: bool,
    /// With --all: write the pages into this directory instead of printing them.
    #[arg(long, value_name = "DIR", requires = "all")]
    pub write: Option<std::path::PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// What the user saw: an error text, an `error_description` value, or the whole error URL.
    #[arg(value_name = "TEXT|URL", required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
}

#[derive(Args, Debug)]
pub struct PackArgs {
    /// Apply this pack whether or not it fits (a shipped pack's name), or load a pack file (repeatable).
    #[arg(
        long = "pack",
        alias = "rules",
        value_name = "NAME|FILE",
        help_heading = "Rules"
    )]
    pub packs: Vec<String>,
    /// Report only these codes or code prefixes (comma-separated or repeated: ATL,KC001).
    #[arg(
        long,
        value_name = "CODE",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub select: Vec<String>,
    /// Never report these codes or code prefixes.
    #[arg(
        long,
        value_name = "CODE",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,
    /// Run rules with status preview.
    #[arg(long, help_heading = "Rules")]
    pub preview: bool,
    /// The organisation's verified email domains (Atlassian: Settings › Domains), repeatable.
    #[arg(
        long = "domain",
        value_name = "DOMAIN",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub domains: Vec<String>,
    /// A Keycloak client or realm export to lint with the inputs (the realm's keys are compared with
    /// --idp-cert).
    #[arg(long, value_name = "FILE", help_heading = "Rules")]
    pub keycloak: Vec<String>,
    /// Only lint the Keycloak client with this client ID.
    #[arg(long = "client", value_name = "CLIENT_ID", help_heading = "Rules")]
    pub client: Option<String>,
}

#[derive(Args, Debug)]
pub struct InputArgs {
    /// Inputs: file paths, `-` for stdin, or a pasted value (raw XML, base64, base64+DEFLATE,
    /// URL-encoded, a URL / query string / form body with SAMLResponse or SAMLRequest); files may also be
    /// HAR captures or SAML-tracer exports.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,

    /// Largest input file or stdin stream, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_input, help_heading = "Limits")]
    pub max_input: u64,
    /// Largest single SAML value (encoded parameter or XML), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_value, help_heading = "Limits")]
    pub max_value: usize,
    /// Largest inflated (DEFLATE) message, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_inflate, help_heading = "Limits")]
    pub max_inflate: usize,
    /// Largest DEFLATE expansion ratio once the output passes 64 KiB.
    #[arg(long, value_name = "RATIO", default_value_t = Limits::default().max_inflate_ratio, help_heading = "Limits")]
    pub max_inflate_ratio: usize,
    /// Deepest XML element nesting.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth, help_heading = "Limits")]
    pub max_depth: usize,
    /// Most XML elements in one message.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_elements, help_heading = "Limits")]
    pub max_elements: usize,
    /// Most attributes on one XML element.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_attributes, help_heading = "Limits")]
    pub max_attributes: usize,
    /// Most namespace declarations in one message.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_namespaces, help_heading = "Limits")]
    pub max_namespaces: usize,
    /// Most ds:Signature elements in one message.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_signatures, help_heading = "Limits")]
    pub max_signatures: usize,
    /// Most ds:Reference elements in one message.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_references, help_heading = "Limits")]
    pub max_references: usize,
    /// Most ds:Transform elements in one message.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_transforms, help_heading = "Limits")]
    pub max_transforms: usize,
    /// Most prefixes in the InclusiveNamespaces PrefixLists of one message, all together.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_prefixes, help_heading = "Limits")]
    pub max_prefixes: usize,
    /// Most namespace bindings in scope, summed over the elements (and their prefixed attributes) of a signed message, times its References.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_namespace_scope, help_heading = "Limits")]
    pub max_namespace_scope: usize,
    /// Most comments and processing instructions before and after the root element.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_outside_root, help_heading = "Limits")]
    pub max_outside_root: usize,
    /// Most SAML messages taken from one input (HAR, query, capture).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_messages, help_heading = "Limits")]
    pub max_messages: usize,
    /// Most findings of one rule on one message (the rest are summarised as "N more").
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_findings, help_heading = "Limits")]
    pub max_findings: usize,

    /// Directory inputs: read only files matching this glob (repeatable; default: *.xml *.har *.json
    /// *.b64 *.base64 *.txt *.url *.saml *.html *.htm) whose content can hold SAML or a Keycloak export
    /// (junit.xml, package.json, metadata are not). Other files are skipped and counted.
    #[arg(long, value_name = "GLOB", value_parser = path_glob)]
    pub include: Vec<String>,
    /// Directory inputs: leave out files matching this glob (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = path_glob)]
    pub exclude: Vec<String>,

    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Write results to FILE instead of stdout (`-` is stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

impl InputArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_input: self.max_input,
            max_value: self.max_value,
            max_inflate: self.max_inflate,
            max_inflate_ratio: self.max_inflate_ratio.max(1),
            max_depth: self.max_depth.max(1),
            max_elements: self.max_elements.max(1),
            max_attributes: self.max_attributes.max(1),
            max_namespaces: self.max_namespaces,
            max_signatures: self.max_signatures,
            max_references: self.max_references,
            max_transforms: self.max_transforms,
            max_prefixes: self.max_prefixes,
            max_namespace_scope: self.max_namespace_scope,
            max_outside_root: self.max_outside_root,
            max_messages: self.max_messages.max(1),
            max_findings: self.max_findings.max(1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Args, Debug)]
pub struct TrustArgs {
    /// The IdP signing certificate the SP trusts: a file (PEM or DER) or the value itself (PEM, or the bare
    /// base64 body Keycloak shows under Realm settings › Keys). Repeat for a rollover.
    #[arg(
        long = "idp-cert",
        value_name = "FILE|VALUE",
        allow_hyphen_values = true,
        help_heading = "Trust and expectations"
    )]
    pub idp_cert: Vec<String>,
    /// The SP's signing certificate (what the IdP trusts), to check what the SP signs: an AuthnRequest
    /// (with these keys only) and a LogoutRequest or LogoutResponse (with the IdP's too); never a
    /// Response. A file or the value itself. Repeatable.
    #[arg(
        long = "sp-cert",
        value_name = "FILE|VALUE",
        allow_hyphen_values = true,
        help_heading = "Trust and expectations"
    )]
    pub sp_cert: Vec<String>,
    /// The SP's RSA private key (PEM or DER, PKCS#1 or PKCS#8; a file only), to decrypt an
    /// EncryptedAssertion and check the assertion inside. Repeatable: each key is tried.
    #[arg(
        long = "sp-key",
        value_name = "FILE",
        help_heading = "Trust and expectations"
    )]
    pub sp_key: Vec<String>,
    /// IdP SAML metadata (EntityDescriptor / EntitiesDescriptor, Keycloak's realm descriptor): signing
    /// certificates and the expected IdP entity ID.
    #[arg(
        long = "idp-metadata",
        value_name = "FILE",
        help_heading = "Trust and expectations"
    )]
    pub idp_metadata: Option<String>,
    /// The IdP entity ID the SP expects (also picks the entity in metadata with several).
    #[arg(
        long = "idp-entity-id",
        value_name = "ID",
        help_heading = "Trust and expectations"
    )]
    pub idp_entity_id: Option<String>,
    /// The SP entity ID (Atlassian: "SP Entity URL", https://auth.atlassian.com/saml/<id>).
    #[arg(
        long = "sp-entity-id",
        value_name = "ID",
        help_heading = "Trust and expectations"
    )]
    pub sp_entity_id: Option<String>,
    /// The SP's Assertion Consumer Service URL, query included (Atlassian: "SP Assertion Consumer Service URL").
    #[arg(
        long = "acs-url",
        value_name = "URL",
        help_heading = "Trust and expectations"
    )]
    pub acs_url: Option<String>,
    /// The ID of the AuthnRequest the response must answer (InResponseTo).
    #[arg(
        long = "request-id",
        value_name = "ID",
        help_heading = "Trust and expectations"
    )]
    pub request_id: Option<String>,
    /// Evaluate time conditions at this instant: RFC 3339, `now`, or `capture` (the HAR entry time, else
    /// the message's IssueInstant; the default).
    #[arg(long, value_name = "TIME", default_value = "capture", value_parser = parse_at, help_heading = "Trust and expectations")]
    pub at: crate::lint::AtMode,
    /// Allowed clock skew in seconds.
    #[arg(
        long = "clock-skew",
        value_name = "SECONDS",
        default_value_t = 180,
        help_heading = "Trust and expectations"
    )]
    pub clock_skew: u32,
    /// Signature verifier.
    #[arg(long, value_enum, default_value_t = VerifierChoice::Rust, help_heading = "Trust and expectations")]
    pub verifier: VerifierChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifierChoice {
    /// Pure Rust (bergshamra): the default build.
    Rust,
    /// libxmlsec1 (needs a build with `--features xmlsec`).
    Xmlsec,
    /// Both; a disagreement is itself a finding.
    Both,
}

fn parse_at(s: &str) -> Result<crate::lint::AtMode, String> {
    match s {
        "now" => Ok(crate::lint::AtMode::Now),
        "capture" => Ok(crate::lint::AtMode::Capture),
        _ => crate::verify::time::parse_lenient(s)
            .map(crate::lint::AtMode::Fixed)
            .ok_or_else(|| {
                format!("`{s}` is not RFC 3339 (2026-11-20T10:00:00Z), `now` or `capture`")
            }),
    }
}

impl TrustArgs {
    /// The files (or pasted values) these options name.
    fn files(&self) -> Vec<&str> {
        self.idp_cert
            .iter()
            .chain(&self.sp_cert)
            .chain(&self.sp_key)
            .chain(&self.idp_metadata)
            .map(String::as_str)
            .collect()
    }

    /// Load the trust material; an unusable certificate or metadata file is a usage error (exit 2).
    fn options(&self, limits: Limits, lint: bool) -> Result<crate::lint::Options, String> {
        let verifier = match self.verifier {
            VerifierChoice::Rust => crate::verify::VerifierKind::Rust,
            VerifierChoice::Xmlsec => crate::verify::VerifierKind::Xmlsec,
            VerifierChoice::Both => crate::verify::VerifierKind::Both,
        };
        if !verifier.available() {
            return Err("this samlint was built without the `xmlsec` feature (cargo install --features xmlsec); only --verifier rust is available".into());
        }
        let mut trust = crate::verify::Trust {
            certs: Vec::new(),
            entity_id: self.idp_entity_id.clone(),
            signer: crate::verify::Signer::Idp,
        };
        let mut sp_trust = crate::verify::Trust {
            signer: crate::verify::Signer::Sp,
            ..Default::default()
        };
        for c in &self.sp_cert {
            // Labelled as what they are: the SP's (the summary's "from --sp-cert").
            sp_trust.certs.extend(
                crate::verify::cert::load_certs(c, crate::verify::cert::KeySource::SpConfig)
                    .map_err(|e| format!("--sp-cert {e}"))?,
            );
        }
        for c in &self.idp_cert {
            trust.certs.extend(
                crate::verify::cert::load_idp_cert(c).map_err(|e| format!("--idp-cert {e}"))?,
            );
        }
        if let Some(md) = &self.idp_metadata {
            let m = crate::verify::cert::load_metadata(md, self.idp_entity_id.as_deref(), &limits)
                .map_err(|e| format!("--idp-metadata {e}"))?;
            trust.certs.extend(m.certs);
            if trust.entity_id.is_none() {
                trust.entity_id = m.entity_id;
            }
        }
        // Every bad key file is named, not only the first.
        let mut sp_keys = Vec::new();
        let mut bad = Vec::new();
        for k in &self.sp_key {
            match crate::decrypt::load_sp_key(k) {
                Ok(key) => sp_keys.push(key),
                // A value that is no path may be the key itself, pasted (review 36): never shown.
                Err(_) if !std::path::Path::new(k).exists() && !crate::decode::looks_like_path(k) => {
                    bad.push(
                        "--sp-key: no such file (the value is not shown: it may be the key itself); pass the key's PEM or DER file"
                            .to_string(),
                    )
                }
                Err(e) => bad.push(format!("--sp-key {}: {e}", crate::util::one_line(k))),
            }
        }
        if !bad.is_empty() {
            return Err(bad.join("\nsamlint: "));
        }
        Ok(crate::lint::Options {
            sp_keys: crate::decrypt::SpKeys(std::sync::Arc::new(sp_keys)),
            limits,
            lint,
            trust,
            sp_trust,
            at: self.at,
            clock_skew_ms: i64::from(self.clock_skew) * 1000,
            now_ms: crate::verify::time::now(),
            expect: crate::verify::protocol::Expect {
                sp_entity_id: self.sp_entity_id.clone(),
                acs_url: self.acs_url.clone(),
                idp_entity_id: None,
                request_id: self.request_id.clone(),
            },
            verifier,
            include: Vec::new(),
            exclude: Vec::new(),
            progress: true,
            engine: crate::lint::default_engine(),
            client: None,
            finish: None,
        })
    }
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: InputArgs,
    #[command(flatten)]
    pub trust: TrustArgs,
    #[command(flatten)]
    pub rules: PackArgs,
    /// Output format [default: full, or `format:` in samlint.yaml].
    #[arg(long, value_enum, env = "SAMLINT_FORMAT")]
    pub format: Option<Format>,
    /// Exit 1 when a finding at or above this severity is reported [default: error, or `fail-on:` in
    /// samlint.yaml].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Read settings from this file instead of discovering samlint.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<std::path::PathBuf>,
    /// Ignore any samlint.yaml.
    #[arg(long)]
    pub isolated: bool,
    /// Exit 0 even when findings are reported (still 2 when an input could not be linted).
    #[arg(long)]
    pub exit_zero: bool,
    /// Redact every value taken from the input (json, sarif, junit, github, concise; `full` is then shown
    /// in the concise layout). Markdown is always redacted unless --no-redact.
    #[arg(long, help_heading = "Report", conflicts_with = "no_redact")]
    pub redact: bool,
    /// Markdown report: show values as they are (do not post such a report publicly).
    #[arg(long, help_heading = "Report")]
    pub no_redact: bool,
    /// Markdown report: keep email domains (when a verified-domain diagnosis needs them).
    #[arg(long, help_heading = "Report")]
    pub keep_domains: bool,
    /// Fixed redaction key, for reproducible tests.
    #[arg(long, hide = true)]
    pub redact_seed: Option<u64>,
    /// SARIF: where the rule pages (docs/rules) are published, for each rule's helpUri (`{code}` is
    /// replaced by the code, else `<URL>/<CODE>.md`) [or `docs-url:` in samlint.yaml].
    #[arg(long, value_name = "URL", help_heading = "Report")]
    pub docs_url: Option<String>,
    /// Show info findings in the `full` and `concise` formats (they are counted, not shown, without it)
    /// [or `show-infos: true` in samlint.yaml].
    #[arg(long, help_heading = "Report")]
    pub show_infos: bool,
    /// Print only the summary line (and why an input could not be linted); the exit code is unchanged.
    #[arg(short, long, help_heading = "Report", conflicts_with = "statistics")]
    pub quiet: bool,
    /// Print the number of findings per rule instead of the findings (`--format json`: as JSON).
    #[arg(long, help_heading = "Report")]
    pub statistics: bool,
    /// Write today's findings to FILE, keyed on their stable fingerprints (as SARIF's
    /// partialFingerprints), for --baseline.
    #[arg(long, value_name = "FILE", help_heading = "Adoption")]
    pub write_baseline: Option<std::path::PathBuf>,
    /// Report only findings that are not in FILE (written by --write-baseline); say how many were
    /// baselined and which baselined ones are gone.
    #[arg(long, value_name = "FILE", help_heading = "Adoption")]
    pub baseline: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecodeFormat {
    /// Pretty-printed XML (tags, attribute order and namespaces kept byte for byte).
    Xml,
    /// The parsed model with byte spans.
    Json,
}

#[derive(Args, Debug)]
pub struct DecodeArgs {
    #[command(flatten)]
    pub common: InputArgs,
    /// Print the exact decoded bytes instead of the pretty view.
    #[arg(long, conflicts_with = "format")]
    pub raw: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DecodeFormat::Xml)]
    pub format: DecodeFormat,
    /// Only message N (1-based, as `check` and `decode` number them), e.g. one message of a HAR.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub message: Option<u64>,
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn use_color(c: Color, to_terminal: bool) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The width human output is laid out for: `COLUMNS` when set (shells do not export it, tests do),
/// else the terminal's own width when output goes to one, else 100.
pub fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout())
                .or_else(|| terminal_size::terminal_size_of(std::io::stderr()))
                .map(|(w, _)| usize::from(w.0))
        })
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

/// Where results go.
struct Out {
    file: Option<std::fs::File>,
    terminal: bool,
}

impl Out {
    /// `-o -` is stdout, as it is for `fix` (review 63: `check -o -` wrote a file named `-`).
    fn open(path: &Option<std::path::PathBuf>) -> Result<Self, String> {
        match path {
            Some(p) if p.as_path() != std::path::Path::new("-") => std::fs::File::create(p)
                .map(|f| Out {
                    file: Some(f),
                    terminal: false,
                })
                .map_err(|e| format!("cannot write {}: {e}", p.display())),
            _ => Ok(Out {
                file: None,
                terminal: std::io::stdout().is_terminal(),
            }),
        }
    }
    /// Write what `f` writes, through a buffer; a closed pipe (`samlint … | head`) is not an error.
    fn stream(
        &mut self,
        f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), std::io::Error> {
        const BUF: usize = 256 * 1024;
        let r = match &mut self.file {
            Some(file) => {
                let mut w = std::io::BufWriter::with_capacity(BUF, file);
                f(&mut w).and_then(|_| w.flush())
            }
            None => {
                let so = std::io::stdout().lock();
                let mut w = std::io::BufWriter::with_capacity(BUF, so);
                f(&mut w).and_then(|_| w.flush())
            }
        };
        match r {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            r => r,
        }
    }
    /// Write; a closed pipe (`samlint … | head`) is not an error.
    fn write(&mut self, s: &str) -> Result<(), std::io::Error> {
        self.stream(|w| w.write_all(s.as_bytes()))
    }
}

fn report_errors(run: &Run, color: Color) {
    let style = human::Style {
        color: use_color(color, std::io::stderr().is_terminal()),
        width: width(),
        show_infos: false,
    };
    let mut err = std::io::stderr().lock();
    for e in run.errors() {
        let _ = err.write_all(human::render_error(style, e).as_bytes());
        let _ = err.write_all(b"\n");
    }
}

/// The clap command (completions and the man page are generated from it).
pub fn cli_command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// The man page, as committed in samlint.1 (a test checks that the file is current).
pub fn man_page() -> String {
    let mut out = Vec::new();
    let _ = clap_mangen::Man::new(cli_command()).render(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Print an error about the command line or a file a flag names, as a diagnostic; exit code 2.
fn usage_error(e: crate::error::InputError, color: Color) -> u8 {
    let style = human::Style {
        color: use_color(color, std::io::stderr().is_terminal()),
        width: width(),
        show_infos: false,
    };
    eprint!("{}", human::render_error(style, &e));
    2
}

/// Does this run redact: `report` and `--format markdown` unless `--no-redact`, any format with
/// `--redact`.
fn redacts(a: &CheckArgs, format: Option<Format>) -> bool {
    !a.no_redact && (a.redact || format == Some(Format::Markdown))
}

/// [`usage_error`] about a file an option names; a redacting run names the file by its extension
/// and quotes and shows nothing from it (review 46: `--idp-cert /home/jane.roe/idp.pem`, an element
/// name of a broken --idp-metadata, a snippet of a --baseline's first line).
fn file_error(e: crate::error::InputError, color: Color, redacting: bool) -> u8 {
    usage_error(
        if redacting {
            report::redact::usage_error(&e)
        } else {
            e
        },
        color,
    )
}

/// `--include` / `--exclude`: a glob, or a usage error (an invalid one was dropped, and with it the
/// filter: review 35).
fn path_glob(s: &str) -> Result<String, String> {
    crate::lint::glob(s)
        .map(|_| s.to_string())
        .map_err(|e| format!("not a glob: {e}"))
}

/// A usage error about one named thing (a flag's file, an input), without a place inside it.
fn usage(name: &str, detail: impl Into<String>) -> crate::error::InputError {
    crate::error::InputError::new(
        &crate::source::Origin::new(name),
        crate::error::ErrorKind::Usage {
            detail: detail.into(),
        },
    )
}

/// samlint.yaml for a run: --config, else discovered from the working directory; --isolated: none.
fn load_config(
    config: &Option<std::path::PathBuf>,
    isolated: bool,
) -> Result<crate::config::Config, crate::config::ConfigError> {
    let cwd = std::env::current_dir().ok();
    let path = if isolated {
        None
    } else {
        config.clone().or_else(|| {
            let found = crate::config::discover(cwd.as_deref()?)?;
            // Named relative to the working directory when it is below it (messages, annotations).
            Some(
                match cwd.as_deref().and_then(|d| found.strip_prefix(d).ok()) {
                    Some(rel) => rel.to_path_buf(),
                    None => found,
                },
            )
        })
    };
    Ok(path
        .as_deref()
        .map(crate::config::load)
        .transpose()?
        .unwrap_or_default())
}

/// Run the CLI; returns the process exit code.
pub fn main() -> u8 {
    // A private key pasted as an argument (`--sp-key "$(cat key.pem)"`, whose leading `-` clap reads
    // as an option) would be echoed whole by clap's error: refused first, never printed (review 36).
    let given: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .chain(std::env::var("SAMLINT_FORMAT"))
        .collect();
    if given.iter().any(|a| a.contains("PRIVATE KEY-----")) {
        eprintln!(
            "samlint: an argument (or SAMLINT_FORMAT) holds a private key (-----BEGIN … PRIVATE KEY-----), which is not shown; pass keys as files: --sp-key sp-key.pem"
        );
        return 2;
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap quotes the value it refuses; a long one (a key body without its PEM lines, a
            // pasted message given to the wrong option) is named by its length instead (review 37).
            let text = e.render().to_string();
            let long: Vec<&String> = given.iter().filter(|a| a.len() > 100).collect();
            if long.iter().any(|a| text.contains(a.as_str())) {
                let mut shown = text;
                for a in long {
                    shown = shown.replace(
                        a.as_str(),
                        &format!("<{} characters, not shown>", a.chars().count()),
                    );
                }
                eprint!("{shown}");
            } else {
                let _ = e.print();
            }
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let mut stdin = std::io::stdin().lock();
    match cli.command {
        Command::Report(mut a) => {
            a.format = Some(Format::Markdown);
            check(a, &mut stdin)
        }
        Command::Check(a) => check(a, &mut stdin),
        Command::Rules(a) => rules_cmd(&a),
        Command::Rule(a) => rule_cmd(&a),
        Command::Explain(a) => explain_cmd(&a),
        Command::Fix(a) => fix_cmd(&a, &mut stdin),
        Command::Completions(a) => {
            let mut out = Vec::new();
            clap_complete::generate(a.shell, &mut cli_command(), "samlint", &mut out);
            print_exact(&String::from_utf8_lossy(&out))
        }
        Command::Man => print_exact(&man_page()),
        Command::Functions => {
            // Each paragraph wrapped to the terminal (or 100 columns), indented under its name.
            let w = width().saturating_sub(4);
            let mut out = String::new();
            for f in crate::rules::functions::FUNCTIONS {
                out.push_str(f.name());
                out.push('\n');
                for line in crate::report::summary::wrap_words(f.doc(), w) {
                    out.push_str("    ");
                    out.push_str(&line);
                    out.push('\n');
                }
                out.push('\n');
            }
            print_out(&out)
        }
        Command::Decode(a) => {
            let mut out = match Out::open(&a.common.output) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("samlint: {e}");
                    return 2;
                }
            };
            let opts = lint::Options {
                limits: a.common.limits(),
                lint: false,
                include: a.common.include.clone(),
                exclude: a.common.exclude.clone(),
                progress: true,
                ..lint::Options::default()
            };
            let mut run = lint::run(&a.common.inputs, &mut stdin, &opts);
            report_errors(&run, a.common.color);
            if let Some(n) = a.message {
                let total = run.messages.len();
                run.messages.retain(|m| m.index as u64 + 1 == n);
                if run.messages.is_empty() {
                    let holds = match total {
                        0 => "no message".to_string(),
                        1 => "1 message".to_string(),
                        t => format!("{t} messages"),
                    };
                    return usage_error(
                        usage(
                            "--message",
                            format!("there is no message {n}: the inputs hold {holds}"),
                        ),
                        a.common.color,
                    );
                }
            }
            let text = render_decode(&run, &a, out.terminal);
            // `--raw` is the message's bytes exactly; the views are for reading (review 32).
            let text = if a.raw {
                std::borrow::Cow::Borrowed(text.as_str())
            } else {
                crate::util::defuse_ci(&text)
            };
            if let Err(e) = out.write(&text) {
                eprintln!("samlint: cannot write results: {e}");
                return 2;
            }
            if run.has_errors() { 2 } else { 0 }
        }
    }
}

fn check(a: CheckArgs, stdin: &mut dyn std::io::Read) -> u8 {
    crate::rules::preload();
    // Settings: flags and SAMLINT_FORMAT, then samlint.yaml, then defaults.
    let config = match load_config(&a.config, a.isolated) {
        Ok(c) => c,
        // Before the config names a format: `report` and `--redact` redact (review 47: a broken
        // samlint.yaml's snippet showed its suppressions' clients and reasons).
        Err(e) => {
            return file_error(e.into_input_error(), a.common.color, redacts(&a, a.format));
        }
    };
    let docs_url = a.docs_url.clone().or(config.docs_url.clone());
    if let Some(u) = &docs_url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        return usage_error(
            usage(
                "--docs-url",
                format!(
                    "`{}` is not an http(s) URL (the base where docs/rules is published)",
                    crate::util::one_line(u)
                ),
            ),
            a.common.color,
        );
    }
    let format_choice = a.format.or(config.format).unwrap_or(Format::Full);
    let redacting = redacts(&a, Some(format_choice));
    let option_error = |e| file_error(e, a.common.color, redacting);
    let baseline = match a
        .baseline
        .as_deref()
        .map(crate::adopt::read_baseline)
        .transpose()
    {
        Ok(b) => b,
        Err(e) => return option_error(e),
    };
    let fail_on = a.fail_on.or(config.fail_on).unwrap_or(Severity::Error);
    let mut out = match Out::open(&a.common.output) {
        Ok(o) => o,
        Err(e) => {
            let e = e.to_string();
            let e = match (&a.common.output, redacting) {
                (Some(p), true) => report::redact::option_files(&e, &[&p.to_string_lossy()]),
                _ => e,
            };
            eprintln!("samlint: {e}");
            return 2;
        }
    };
    let opts = match a.trust.options(a.common.limits(), true) {
        Ok(o) => o,
        Err(e) => {
            let e = if redacting {
                report::redact::option_files(&e, &a.trust.files())
            } else {
                e
            };
            eprintln!("samlint: {}", crate::util::sanitize(&e));
            return 2;
        }
    };
    let engine = match build_engine(&a.rules, &config) {
        Ok(e) => e,
        Err(e) => return option_error(e.into_input_error()),
    };
    if let Err(e) = rule_patterns(&engine.settings) {
        return usage_error(e, a.common.color);
    }
    let style = human::Style {
        color: use_color(a.common.color, out.terminal),
        width: width(),
        show_infos: a.show_infos || config.show_infos.unwrap_or(false),
    };
    let opts = lint::Options {
        include: a.common.include.clone(),
        exclude: a.common.exclude.clone(),
        engine: std::sync::Arc::new(engine),
        client: a.rules.client.clone(),
        // Suppressions, a baseline and statistics read every finding at the end: keep them.
        finish: if config.suppressions.is_empty() && baseline.is_none() && !a.statistics {
            // Quiet: only the counts are printed, as the machine formats need.
            finish(
                if a.quiet { Format::Json } else { format_choice },
                a.redact,
                style,
            )
        } else {
            None
        },
        ..opts
    };
    let mut inputs = a.common.inputs.clone();
    inputs.extend(a.rules.keycloak.iter().cloned());
    let mut run = lint::run(&inputs, stdin, &opts);
    if let Some(code) = client_not_found(&run, &a.rules.client, a.common.color) {
        return code;
    }
    let mut notes = crate::adopt::suppress(&mut run, &config.suppressions, &crate::adopt::today());
    if let Some(path) = &a.write_baseline {
        if let Err(e) = std::fs::write(path, crate::adopt::baseline(&run)) {
            return option_error(usage(
                &path.display().to_string(),
                format!("--write-baseline: cannot write: {e}"),
            ));
        }
        let n = run.messages.iter().map(|m| m.findings.len()).sum::<usize>();
        notes.push(crate::adopt::Note {
            at: None,
            warning: false,
            text: format!("{n} written to the baseline {}", path.display()),
            redacted: format!("{n} written to the baseline"),
        });
    }
    if let (Some(b), Some(file)) = (&baseline, &a.baseline) {
        notes.extend(crate::adopt::apply_baseline(&mut run, b, file));
    }
    // Never dropped: freeing every message one by one is serial work at the end of a batch (1.5 % of
    // its time), and the process exits right after the report is written.
    let run = std::mem::ManuallyDrop::new(run);
    let run: &Run = &run;
    let redacted;
    let (run, format) = if a.redact && format_choice != Format::Markdown {
        redacted = report::redact::run(run, a.redact_seed, a.keep_domains);
        let f = if format_choice == Format::Full {
            Format::Concise
        } else {
            format_choice
        };
        (&redacted, f)
    } else {
        (run, format_choice)
    };
    let mut report_redactor = report::redact::Redactor::new(a.redact_seed);
    report_redactor.keep_domains = a.keep_domains;
    let text = match format {
        _ if a.quiet => human::summary_line_with(run, style.show_infos),
        _ if a.statistics => {
            let counts = crate::adopt::statistics(run);
            if format == Format::Json {
                let mut s = crate::util::json_pretty(&counts);
                s.push('\n');
                s
            } else {
                crate::adopt::render_statistics(&counts) + &human::summary_line(run)
            }
        }
        // Streamed to the output below, after the errors and notes on stderr.
        Format::Json => String::new(),
        Format::Sarif => report::sarif::render_with(
            run,
            &report::sarif::Options {
                docs_url: docs_url.clone(),
            },
        ),
        Format::Junit => report::junit::render(run, fail_on),
        Format::Github => report::github::render(run),
        Format::Markdown => report::markdown::render_with(
            run,
            report::markdown::Options {
                redact: !a.no_redact,
                keep_domains: a.keep_domains,
                seed: a.redact_seed,
            },
            &mut report_redactor,
        ),
        Format::Concise => human::render_concise(run, style.show_infos),
        Format::Full => human::render_full(run, style),
    };
    if a.quiet {
        // One line per input that could not be linted: the reason for exit code 2.
        for e in run.errors() {
            let line = format!(
                "{}: error[{}] {}",
                e.origin,
                e.kind.code(),
                crate::util::one_line(&e.kind.to_string())
            );
            eprintln!("{}", crate::util::defuse_ci(&line));
        }
    } else if format == Format::Markdown && !a.no_redact {
        // The report is redacted, and so are the errors beside it (`samlint report > out.md 2>&1`
        // is how one gets pasted): samlint's words, no snippet of the input.
        // With the report's redactor: the same host has the same pseudonym in both.
        if run.errors().next().is_some() {
            let redacted = report::redact::run_with(run, &mut report_redactor);
            report_errors(&redacted, a.common.color);
        }
    } else if format != Format::Concise {
        report_errors(run, a.common.color);
    }
    let mut text = text;
    if redacting {
        notes = notes.iter().map(crate::adopt::Note::redact).collect();
    }
    for n in &notes {
        if format == Format::Github && !a.statistics {
            text.push_str(&n.annotation());
        } else {
            eprint!("{}", crate::util::defuse_ci(&n.line()));
        }
    }
    // Values from the input must not read as workflow commands in a CI log; `--format github` is
    // made of them (its values escaped), and JSON strings escape `##[` themselves.
    if !matches!(format, Format::Github | Format::Json | Format::Sarif)
        && let std::borrow::Cow::Owned(t) = crate::util::defuse_ci(&text)
    {
        text = t;
    }
    let stream = format == Format::Json && !a.quiet && !a.statistics;
    let written = if stream {
        out.stream(|w| report::json::render_to(run, w))
    } else {
        out.write(&text)
    };
    if let Err(e) = written {
        eprintln!("samlint: cannot write results: {e}");
        return 2;
    }
    exit_code(run, fail_on, a.exit_zero)
}

/// What each message keeps once linted (lint.rs `Finish`): the machine formats need only findings
/// and line numbers; the human ones render each message while its document is at hand. The Markdown
/// report and `--redact` read every message again at the end, so they keep everything.
pub fn finish(format: Format, redact: bool, style: human::Style) -> Option<lint::Finish> {
    use std::sync::Arc;
    if redact {
        return None;
    }
    let apply: Arc<lint::FinishFn> = match format {
        Format::Json | Format::Sarif | Format::Junit | Format::Github => {
            Arc::new(|m: &mut lint::Linted, may_pair: bool| m.slim(may_pair))
        }
        Format::Full | Format::Concise => Arc::new(move |m: &mut lint::Linted, may_pair: bool| {
            // Pairing would change the findings after they were rendered: keep the message whole.
            if may_pair || m.is_keycloak() {
                return;
            }
            m.rendered = Some(if format == Format::Full {
                human::full_body(m, style)
            } else {
                human::concise_findings(m, style.show_infos)
            });
            m.slim(false);
            // After rendering, a human report reads only the findings' severities (summary line,
            // exit code) and their fingerprints (--baseline, --write-baseline): their texts, the
            // signature report and the packs go; the path stays (review 61: without it a baseline
            // written in the default format matched no other format's, and one finding of a code
            // in a message stood for all of them).
            m.signature = None;
            m.packs = Vec::new();
            for f in &mut m.findings {
                f.message = crate::finding::Msg::default();
                f.help = String::new();
                f.label = None;
            }
        }),
        Format::Markdown => return None,
    };
    Some(lint::Finish(apply))
}

/// The rule engine for a run: shipped packs, pack files from --pack and samlint.yaml, settings.
/// `--pack` values: shipped pack names (to apply where they would not) and pack files (read here).
type PackFiles = (Vec<(String, String)>, Vec<String>);

fn read_packs<'a>(
    names: impl Iterator<Item = &'a String>,
) -> Result<PackFiles, crate::rules::pack::PackError> {
    let shipped: Vec<&str> = crate::rules::BUILTIN.iter().map(|(n, _, _)| *n).collect();
    let (mut files, mut force) = (Vec::new(), Vec::new());
    for p in names {
        if shipped.contains(&p.as_str()) {
            force.push(p.clone());
            continue;
        }
        match std::fs::read_to_string(p) {
            Ok(t) => files.push((p.clone(), t)),
            Err(e) => {
                return Err(crate::rules::pack::PackError {
                    file: p.clone(),
                    text: "".into(),
                    message: format!(
                        "cannot read `{p}` ({e}); shipped packs are {}",
                        shipped.join(", ")
                    ),
                    span: None,
                });
            }
        }
    }
    Ok((files, force))
}

/// Print a pack error as a diagnostic pointing into the YAML; exit code 2.
fn pack_error(e: crate::rules::pack::PackError, color: Color) -> u8 {
    let style = human::Style {
        color: use_color(color, std::io::stderr().is_terminal()),
        width: width(),
        show_infos: false,
    };
    eprint!("{}", human::render_error(style, &e.into_input_error()));
    2
}

fn build_engine(
    a: &PackArgs,
    config: &crate::config::Config,
) -> Result<crate::rules::Engine, crate::rules::pack::PackError> {
    let (files, force) = read_packs(config.packs.iter().chain(a.packs.iter()))?;
    let mut select = config.select.clone();
    select.extend(a.select.iter().cloned());
    let mut ignore = config.ignore.clone();
    ignore.extend(a.ignore.iter().cloned());
    let mut domains = config.domains.clone();
    domains.extend(a.domains.iter().cloned());
    let settings = crate::rules::Settings {
        select,
        ignore,
        severity: config.severity.clone(),
        force,
        preview: a.preview || config.preview.unwrap_or(false),
        domains,
    };
    let engine = crate::rules::Engine::load(&files, settings)?;
    Ok(engine)
}

/// A `--select` or `--ignore` pattern (or samlint.yaml's, or a severity override's code) that names no
/// rule is a mistake in the command, never a filter: an empty one is the start of every code (a
/// trailing comma or an empty variable ignored every rule), and a misspelt one selects none, so that
/// the run passed either way (review 35); a severity override of a prefix changed nothing. Retired
/// codes are known.
fn rule_patterns(s: &crate::rules::Settings) -> Result<(), crate::error::InputError> {
    let rules = crate::registry::all();
    let retired = crate::registry::retired_rules();
    // A prefix names rules for select and ignore; a severity override is looked up by its exact code.
    let names = |p: &str, exact: bool| {
        let fits = |code: &str| {
            if exact {
                code == p
            } else {
                code.starts_with(p)
            }
        };
        rules.iter().any(|r| fits(r.code)) || retired.iter().any(|r| fits(r.code))
    };
    let overrides: Vec<String> = s.severity.keys().cloned().collect();
    for (option, patterns, exact) in [
        ("--select (or samlint.yaml's select)", &s.select, false),
        ("--ignore (or samlint.yaml's ignore)", &s.ignore, false),
        ("samlint.yaml's severity", &overrides, true),
    ] {
        let known = |p: &str| names(p, exact);
        let what = if exact {
            "no rule code"
        } else {
            "no rule code nor the start of one"
        };
        for p in patterns {
            if p.trim().is_empty() {
                return Err(usage(
                    option,
                    "an empty rule code is the start of every code: remove it (a trailing comma, an empty variable?)",
                ));
            }
            if !known(p) {
                let upper = p.to_ascii_uppercase();
                let hint = if known(&upper) {
                    format!(
                        " (codes are upper case: `{}`)",
                        crate::util::one_line(&upper)
                    )
                } else {
                    String::new()
                };
                return Err(usage(
                    option,
                    format!(
                        "`{}` is {what}{hint}: `samlint rules` lists them",
                        crate::util::one_line(p)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// `--client` that names no client linted is a mistake in the command, never a clean pass (reviews 31
/// and 32): the usage error's exit code. Its value is not quoted: it may be an entity ID.
fn client_not_found(run: &Run, client: &Option<String>, color: Color) -> Option<u8> {
    let id = client.as_ref()?;
    let found = run
        .messages
        .iter()
        .any(|m| m.client.as_ref().is_some_and(|c| &c.id == id));
    (run.errors().next().is_none() && !found).then(|| {
        usage_error(
            usage(
                "--client",
                "no SAML client of the Keycloak exports given has this clientId".to_string(),
            ),
            color,
        )
    })
}

/// Print a command's answer (rules, rule, explain, decode's views): through [`crate::util::defuse_ci`],
/// as it may quote a pack's text or the user's (review 32).
fn print_out(s: &str) -> u8 {
    print_exact(&crate::util::defuse_ci(s))
}

/// Print samlint's own generated text as it is (shell completions, the man page).
fn print_exact(s: &str) -> u8 {
    let mut so = std::io::stdout().lock();
    match so.write_all(s.as_bytes()).and_then(|_| so.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("samlint: cannot write results: {e}");
            2
        }
        _ => 0,
    }
}

fn rules_cmd(a: &RulesArgs) -> u8 {
    let engine = match read_packs(a.packs.iter()).and_then(|(files, _)| {
        crate::rules::Engine::load(&files, crate::rules::Settings::default())
    }) {
        Ok(e) => e,
        Err(e) => return pack_error(e, Color::Auto),
    };
    #[derive(serde::Serialize)]
    struct Row<'a> {
        code: &'a str,
        name: &'a str,
        pack: &'a str,
        severity: Severity,
        target: &'a str,
        confidence: &'a str,
        summary: &'a str,
    }
    // The registry's rules (built-in, then the shipped packs'), then those of the packs given.
    let rows: Vec<Row> = crate::registry::declared()
        .iter()
        .chain(engine.user_rules().map(|r| r.meta))
        .map(|m| Row {
            code: m.code,
            name: m.name,
            pack: m.pack.unwrap_or("built-in"),
            severity: m.severity,
            target: m.target,
            confidence: m.confidence.as_str(),
            summary: m.summary,
        })
        .collect();
    let out = match a.format {
        ListFormat::Json => {
            let mut s = crate::util::json_pretty(&rows);
            s.push('\n');
            s
        }
        ListFormat::Table => {
            let mut s = String::new();
            for r in &rows {
                s.push_str(&format!(
                    "{:<8} {:<7} {:<20} {:<40} {}\n",
                    r.code,
                    r.severity.as_str(),
                    r.pack,
                    r.name,
                    r.summary
                ));
            }
            s
        }
    };
    print_out(&out)
}

fn rule_cmd(a: &RuleArgs) -> u8 {
    if a.all {
        let files = crate::rules::docs::all_files();
        if let Some(dir) = &a.write {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("samlint: cannot create {}: {e}", dir.display());
                return 2;
            }
            for (name, text) in &files {
                if let Err(e) = std::fs::write(dir.join(name), text) {
                    eprintln!("samlint: cannot write {name}: {e}");
                    return 2;
                }
            }
            return 0;
        }
        let all: Vec<String> = files.into_iter().skip(1).map(|(_, t)| t).collect();
        return print_out(&all.join("\n---\n\n"));
    }
    let code = a.code.as_deref().unwrap_or_default().to_ascii_uppercase();
    if let Some(r) = crate::registry::retired(&code) {
        return print_out(&format!(
            "{} was retired on {}: {}. Its code is not reused.\n\nRun `samlint rule {}` for the rule that replaces it.\n",
            r.code, r.since, r.why, r.replaced_by
        ));
    }
    match crate::rules::docs::markdown(&code) {
        Some(md) => print_out(&md),
        None => {
            eprintln!(
                "samlint: no rule `{}` (samlint rules lists them)",
                crate::util::sanitize(&code)
            );
            2
        }
    }
}

fn explain_cmd(a: &ExplainArgs) -> u8 {
    let text = a.text.join(" ");
    let found = crate::rules::explain::explain(&text);
    let out = match a.format {
        ListFormat::Json => {
            let mut s = crate::util::json_pretty(&found);
            s.push('\n');
            s
        }
        ListFormat::Table => crate::rules::explain::render(&text, &found, width()),
    };
    match print_out(&out) {
        // A text samlint does not know is an answer the user must not take for an explanation.
        0 if found.is_empty() => 1,
        code => code,
    }
}

/// The exit code of a `check` run.
pub fn exit_code(run: &Run, fail_on: Severity, exit_zero: bool) -> u8 {
    if run.has_errors() {
        2
    } else if !exit_zero && run.max_severity().is_some_and(|s| s >= fail_on) {
        1
    } else {
        0
    }
}

fn render_decode(run: &Run, a: &DecodeArgs, terminal: bool) -> String {
    if a.format == DecodeFormat::Json && !a.raw {
        #[derive(serde::Serialize)]
        struct M<'a> {
            index: usize,
            input: usize,
            origin: &'a [crate::source::Step],
            encodings: Vec<&'static str>,
            binding: &'a crate::source::BindingParams,
            model: &'a crate::model::Message,
        }
        let ms: Vec<M> = run
            .messages
            .iter()
            .map(|m| M {
                index: m.index,
                input: m.input,
                origin: &m.source.origin.0,
                encodings: m.source.encodings.iter().map(|e| e.label()).collect(),
                binding: &m.source.binding,
                model: &m.model,
            })
            .collect();
        let mut s = crate::util::json_pretty(&ms);
        s.push('\n');
        return s;
    }
    let many = run.messages.len() > 1;
    let mut out = String::new();
    let mut withheld = 0usize;
    for m in &run.messages {
        if many {
            // A comment line, so that the output of several messages stays readable as XML fragments.
            // Nothing of the origin (a capture's URL) may end the comment: no `--` at all, not one
            // pass of replacing (review 54: `--->` became `- -->`), and no `-` before the closing `-->`.
            let mut origin = crate::util::one_line(&m.source.origin.to_string());
            while origin.contains("--") {
                origin = origin.replace("--", "- -");
            }
            if origin.ends_with('-') {
                origin.push(' ');
            }
            out.push_str(&format!(
                "<!-- samlint: message {} · {origin} -->\n",
                m.index + 1,
            ));
        }
        // The pretty view is for reading, so it never carries a character that drives a terminal or
        // reorders text (written as a character reference instead); --raw keeps the exact bytes.
        // A Keycloak export's secrets are never printed, `--raw` included (docs/reference.md).
        let text = if m.is_keycloak() {
            crate::keycloak::mask_secrets(&m.source.text)
        } else {
            std::borrow::Cow::Borrowed(&*m.source.text)
        };
        let body = if a.raw {
            text.into_owned()
        } else {
            // Long start tags one attribute a line at the terminal's width (xml/pretty.rs).
            let p = crate::xml::pretty::pretty_width(&m.doc, &text, width());
            crate::util::xml_char_refs(&p.text).into_owned()
        };
        if terminal {
            // --raw on a terminal withholds what would drive it: said, never silent (review 54).
            if a.raw {
                withheld += crate::util::withheld(&body);
            }
            out.push_str(&crate::util::sanitize(&body));
        } else {
            out.push_str(&body);
        }
        if !body.ends_with('\n') && (many || terminal || !a.raw) {
            out.push('\n');
        }
    }
    if withheld > 0 {
        eprintln!(
            "samlint: {} withheld from this terminal (control or invisible formatting characters); pipe the output or use -o for the exact bytes, or leave out --raw to see them as character references",
            plural(withheld, "character")
        );
    }
    out
}

/// `samlint fix`: lint each Keycloak export, correct the values the fixable rules point at, check the
/// result by linting it again, and write it (or print a diff).
fn fix_cmd(a: &FixArgs, stdin: &mut dyn std::io::Read) -> u8 {
    crate::rules::preload();
    let config = match load_config(&a.config, a.isolated) {
        Ok(c) => c,
        Err(e) => return usage_error(e.into_input_error(), a.color),
    };
    let fail_on = a.fail_on.or(config.fail_on).unwrap_or(Severity::Error);
    let pack_args = PackArgs {
        packs: a.rules.packs.clone(),
        select: a.rules.select.clone(),
        ignore: a.rules.ignore.clone(),
        preview: a.rules.preview,
        domains: Vec::new(),
        keycloak: Vec::new(),
        client: a.rules.client.clone(),
    };
    let engine = match build_engine(&pack_args, &config) {
        Ok(e) => e,
        Err(e) => return pack_error(e, a.color),
    };
    if let Err(e) = rule_patterns(&engine.settings) {
        return usage_error(e, a.color);
    }
    let opts = lint::Options {
        engine: std::sync::Arc::new(engine),
        client: a.rules.client.clone(),
        progress: true,
        ..lint::Options::default()
    };
    // `-` beside a file given as `stdin`: both would be named `stdin`, and one written for the other.
    if a.inputs.iter().any(|x| x == "-") && a.inputs.iter().any(|x| x == "stdin") {
        return usage_error(
            usage(
                "stdin",
                "`-` (standard input) and a file named `stdin` in one run: name the file `./stdin`",
            ),
            a.color,
        );
    }
    let mut run = lint::run(&a.inputs, stdin, &opts);
    if let Some(code) = client_not_found(&run, &a.rules.client, a.color) {
        return code;
    }
    report_errors(&run, a.color);
    let today = crate::adopt::today();
    for n in crate::adopt::suppress(&mut run, &config.suppressions, &today) {
        eprint!("{}", n.line());
    }
    let linted: Vec<&crate::lint::InputReport> = run
        .inputs
        .iter()
        .filter(|i| i.status == lint::InputStatus::Linted)
        .collect();
    if a.output.is_some() && linted.len() > 1 {
        return usage_error(
            usage(
                "--output",
                format!(
                    "-o writes one export, but {} inputs were linted: use --in-place or the default <name>.fixed.json",
                    linted.len()
                ),
            ),
            a.color,
        );
    }
    let mut code = if run.has_errors() { 2 } else { 0 };
    let mut out = String::new();
    // Each output once, and never over an input of the run: `a.json` and `./a.txt` both default to
    // `a.fixed.json`, and `fix a.json a.fixed.json` would replace the second input (reviews 54, 55).
    // Paths are compared as the file system resolves them.
    let mut written: std::collections::HashSet<std::path::PathBuf> = linted
        .iter()
        .filter(|i| std::path::Path::new(&i.name).is_file())
        .map(|i| path_key(std::path::Path::new(&i.name)))
        .collect();
    for input in linted {
        let subjects: Vec<&crate::lint::Linted> = run
            .messages
            .iter()
            .filter(|m| m.input == input.index)
            .collect();
        if subjects.iter().any(|m| !m.is_keycloak()) {
            eprint!(
                "{}",
                human::render_error(
                    human::Style {
                        color: use_color(a.color, std::io::stderr().is_terminal()),
                        width: width(),
                        show_infos: false,
                    },
                    &usage(
                        &input.name,
                        "not a Keycloak export: samlint fix corrects Keycloak client and realm exports (use samlint check for SAML messages)",
                    ),
                )
            );
            code = 2;
            continue;
        }
        let Some(first) = subjects.first() else {
            continue;
        };
        match fix_one(
            a,
            input,
            &subjects,
            &first.source.text,
            &opts,
            fail_on,
            &config.suppressions,
            &mut out,
            &mut written,
        ) {
            Ok(c) => code = code.max(c),
            Err(e) => {
                code = 2;
                eprint!(
                    "{}",
                    human::render_error(
                        human::Style {
                            color: use_color(a.color, std::io::stderr().is_terminal()),
                            width: width(),
                            show_infos: false,
                        },
                        &e
                    )
                );
            }
        }
    }
    if !out.is_empty() && print_out(&out) != 0 {
        return 2;
    }
    code
}

/// A path as the file system resolves it, for comparing paths written differently (`./a.json`,
/// `d/../a.json`, a linked folder): its folder canonicalised, its own name kept (it may not exist yet).
fn path_key(p: &std::path::Path) -> std::path::PathBuf {
    let dir = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    match p.file_name() {
        Some(f) => dir.join(f),
        None => dir,
    }
}

/// Write `body` to `target` so that a write that fails (a full disk) leaves what was there: a temporary
/// file in the same folder with the permissions of `mode_of` (an export holding a private key stays as
/// private as it was), renamed over the target. A symlink at the target is replaced, never written
/// through (review 54: `<name>.fixed.json` pointing elsewhere overwrote that file).
fn write_atomic(
    target: &std::path::Path,
    body: &[u8],
    mode_of: &std::path::Path,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".samlint-fix-")
        .tempfile_in(dir)?;
    tmp.write_all(body)?;
    tmp.as_file().sync_all()?;
    if let Ok(m) = std::fs::metadata(mode_of) {
        tmp.as_file().set_permissions(m.permissions())?;
        // Replacing the input itself (--in-place) keeps its owner and group when this user may set
        // them (root fixing another user's export; review 55); else the file is the writer's, as
        // any editor leaves it. A hard link to the old file keeps the old text.
        #[cfg(unix)]
        if std::fs::canonicalize(target).ok() == std::fs::canonicalize(mode_of).ok() {
            use std::os::unix::fs::MetadataExt as _;
            let _ = std::os::unix::fs::chown(tmp.path(), Some(m.uid()), Some(m.gid()));
        }
    }
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Fix one export: returns the exit code for it (0, or 1 when findings at or above `fail_on` remain).
#[allow(clippy::too_many_arguments)]
fn fix_one(
    a: &FixArgs,
    input: &crate::lint::InputReport,
    subjects: &[&crate::lint::Linted],
    text: &str,
    opts: &lint::Options,
    fail_on: Severity,
    suppressions: &[crate::config::Suppression],
    out: &mut String,
    written: &mut std::collections::HashSet<std::path::PathBuf>,
) -> Result<u8, crate::error::InputError> {
    use crate::fix::Outcome;
    let name = input.name.as_str();
    // Piped in (`-`), not a file that happens to be named `stdin` (review 35: `fix - --in-place`
    // overwrote one in the working directory). Both at once is refused in fix_cmd.
    let stdin = name == "stdin" && a.inputs.iter().any(|x| x == "-");
    let (fixed_text, mut report) = crate::fix::fix_text(text, subjects)
        .map_err(|e| usage(name, format!("cannot fix: {e}")))?;
    // Check the result: it must still be a Keycloak export, and no fixed finding may remain.
    let mut again_input = fixed_text.as_bytes();
    let mut again = lint::run(&["-".to_string()], &mut again_input, opts);
    if again.has_errors() {
        return Err(usage(
            name,
            "the corrected export did not lint (a samlint bug: nothing was written)",
        ));
    }
    // The result was linted from memory: it is the input, under the input's name, for the
    // suppressions' `file:` globs (review 35: a glob matching "stdin" hid a finding, one matching
    // the file's name did not).
    for i in &mut again.inputs {
        i.name = name.to_string();
    }
    let _ = crate::adopt::suppress(&mut again, suppressions, &crate::adopt::today());
    let remaining: Vec<(String, &'static str, Severity)> = again
        .messages
        .iter()
        .flat_map(|m| {
            let subject = m.source.origin.within();
            m.findings
                .iter()
                .map(move |f| (subject.clone(), f.code, f.severity))
        })
        .collect();
    for r in &mut report {
        if matches!(r.outcome, Outcome::Fixed(_))
            && remaining
                .iter()
                .any(|(s, c, _)| *s == r.subject && *c == r.finding.code)
        {
            r.outcome =
                Outcome::Manual(format!("still reported after the fix; {}", r.finding.help));
        }
    }
    // A finding that is not a value in the export may still be gone after the others' fixes (a claim
    // that was missing because a mapper had a lookalike name).
    for r in &mut report {
        if matches!(r.outcome, Outcome::Manual(_))
            && !remaining
                .iter()
                .any(|(s, c, _)| *s == r.subject && *c == r.finding.code)
        {
            r.outcome = Outcome::Fixed(vec!["no longer reported after the fixes above".into()]);
        }
    }
    let n_fixed = report
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fixed(_)))
        .count();
    let n_manual = report.len() - n_fixed;
    let changed = fixed_text != text;
    // Where the corrected export goes.
    // An unchanged export is written only where -o asks for it (review 60: a second run whose input
    // needed nothing left the first run's corrected export in place, and a CI step imported that).
    // stdin's corrected export goes to stdout, or to -o when given (review 61: -o was ignored, and a
    // file left there by an earlier run stayed).
    // `-o -` is stdout (review 62: it wrote a file named `-`).
    let to_stdout = a
        .output
        .as_deref()
        .is_some_and(|o| o == std::path::Path::new("-"));
    let target: Option<std::path::PathBuf> =
        if a.diff || to_stdout || a.output.is_none() && (stdin || !changed) {
            None
        } else if a.in_place {
            Some(std::path::PathBuf::from(name))
        } else if let Some(o) = &a.output {
            Some(o.clone())
        } else {
            let p = std::path::Path::new(name);
            let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
            Some(p.with_file_name(format!("{}.fixed.json", stem.unwrap_or_default())))
        };
    if a.diff {
        if changed {
            // Secrets masked on both sides (byte for byte: the lines still pair up), so that the
            // context lines around a change never print a private key.
            // Control and invisible formatting characters (C1, bidi overrides) as the `\uXXXX` escapes
            // that mean the same in a JSON string, on both sides, so that a diff shown in a terminal
            // or CI log is never driven by the export (review 47); a carriage return ending a line
            // stays (CRLF files), one inside a line is escaped too.
            let visible = |s: &str| -> String {
                let mut out = String::with_capacity(s.len());
                let mut it = s.chars().peekable();
                while let Some(c) = it.next() {
                    if c == '\r' && it.peek() == Some(&'\n') {
                        out.push(c);
                    } else if crate::util::is_bad_control(c) {
                        out.push_str(&crate::util::json_u_escape(c));
                    } else {
                        out.push(c);
                    }
                }
                out
            };
            let (before, after) = (
                visible(&crate::keycloak::mask_secrets(text)),
                visible(&crate::keycloak::mask_secrets(&fixed_text)),
            );
            let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
            let shown = crate::util::sanitize(name);
            out.push_str(
                &diff
                    .unified_diff()
                    .context_radius(2)
                    .header(&format!("a/{shown}"), &format!("b/{shown}"))
                    .to_string(),
            );
        }
    } else if (stdin || to_stdout) && target.is_none() {
        out.push_str(&fixed_text);
    } else if let Some(t) = &target {
        // Keep the file's encoding: a UTF-8 byte-order mark it had (the parsed text starts after
        // it), or UTF-16 with its mark (read transcoded, decode/mod.rs `from_utf16`).
        // (Not for stdin: a file named `stdin` beside it is not its encoding; review 62.)
        let head = if stdin {
            Vec::new()
        } else {
            crate::decode::read_head(std::path::Path::new(name), 3).unwrap_or_default()
        };
        let utf16 = |f: fn(u16) -> [u8; 2]| -> Vec<u8> {
            std::iter::once(0xFEFF)
                .chain(fixed_text.encode_utf16())
                .flat_map(f)
                .collect()
        };
        let body = if let Some(le) = crate::decode::utf16_bom(&head) {
            utf16(if le {
                u16::to_le_bytes
            } else {
                u16::to_be_bytes
            })
        } else if head.starts_with(b"\xEF\xBB\xBF") && !text.starts_with('\u{feff}') {
            format!("\u{feff}{fixed_text}").into_bytes()
        } else {
            fixed_text.clone().into_bytes()
        };
        let key = path_key(t);
        let own_input = a.in_place && key == path_key(std::path::Path::new(name));
        if !own_input && !written.insert(key) {
            return Err(usage(
                &t.display().to_string(),
                "an input of this run is there, or another input's corrected export was just written there: name each output with -o, one input at a time",
            ));
        }
        // --in-place through a symlink writes the file it points to (the link stays a link).
        let t = match std::fs::symlink_metadata(t) {
            Ok(m) if a.in_place && m.file_type().is_symlink() => {
                std::fs::canonicalize(t).unwrap_or_else(|_| t.clone())
            }
            _ => t.clone(),
        };
        write_atomic(&t, &body, std::path::Path::new(name))
            .map_err(|e| usage(&t.display().to_string(), format!("cannot write: {e}")))?;
    }
    // What happened, on stderr.
    let mut msg = format!(
        "{}: {} fixed, {} to fix by hand",
        crate::util::sanitize(name),
        plural(n_fixed, "finding"),
        n_manual
    );
    match (&target, a.diff, changed) {
        (Some(t), _, false) => msg.push_str(&format!(" (nothing changed) → {}", t.display())),
        (_, _, false) => msg.push_str(" (nothing changed)"),
        (Some(t), _, _) => msg.push_str(&format!(" → {}", t.display())),
        (None, true, _) => msg.push_str(" (diff on stdout; nothing written)"),
        (None, false, _) => msg.push_str(" (corrected export on stdout)"),
    }
    msg.push('\n');
    // One index of the export's lines for every finding (a realm of many clients has thousands).
    let lines = crate::source::LineIndex::new(text);
    // One line a finding, `file:line:col: severity[CODE] message (subject)`, then what was done.
    let line = |msg: &mut String,
                file: &str,
                at: (usize, usize),
                f: &crate::finding::Finding,
                subject: &str,
                what: String| {
        msg.push_str(&format!(
            "{file}:{}:{}: {}[{}] {} ({})\n{what}\n",
            at.0,
            at.1,
            f.severity,
            f.code,
            f.message,
            crate::util::sanitize(subject),
        ));
    };
    let shown = crate::util::sanitize(name);
    for r in &report {
        let at = r.finding.span.map_or((1, 1), |s| lines.line_col(s.start));
        let what = match &r.outcome {
            Outcome::Fixed(d) => format!("  fixed    {}", crate::util::one_line(&d.join("; "))),
            Outcome::Manual(h) => format!("  by hand  {}", crate::util::one_line(h)),
        };
        line(&mut msg, &shown, at, r.finding, &r.subject, what);
    }
    // What the corrected export has that the input did not (a fix can bring one: an `attributes`
    // object made for one setting leaves the others unset; review 54: the exit code said so, nothing
    // on screen did). At its place in the corrected export.
    let before: std::collections::HashSet<(&str, &str)> = report
        .iter()
        .map(|r| (r.subject.as_str(), r.finding.code))
        .collect();
    let fixed_lines = crate::source::LineIndex::new(&fixed_text);
    for m in &again.messages {
        let subject = m.source.origin.within();
        for f in &m.findings {
            if before.contains(&(subject.as_str(), f.code)) {
                continue;
            }
            let at = f.span.map_or((1, 1), |s| fixed_lines.line_col(s.start));
            let what = format!(
                "  new      appeared with the fixes; {}",
                crate::util::one_line(&f.help)
            );
            line(
                &mut msg,
                &format!("{shown} (corrected)"),
                at,
                f,
                &subject,
                what,
            );
        }
    }
    eprint!("{msg}");
    let worst = remaining.iter().map(|(_, _, s)| *s).max();
    Ok(u8::from(worst.is_some_and(|s| s >= fail_on)))
}

#[cfg(test)]
mod tests {
    /// `samlint fix --help` names every rule fix corrects (review 54: ATL022 was missing).
    #[test]
    fn fix_help_names_every_fixable_rule() {
        for (code, _) in crate::fix::FIXABLE {
            assert!(super::FIX_AFTER_HELP.contains(code), "{code}");
        }
    }
}
