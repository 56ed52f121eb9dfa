//! Rule packs: YAML files (the shipped ones under rules/, embedded with `include_str!`, and users' own
//! with `--pack FILE`). Loading is strict: an unknown key, an unknown function, bad options, a bad
//! selector or a duplicate code is an error that points into the YAML.
//!
//! Spans: YAML is read with marked-yaml, which keeps a position on every node (yaml_serde reports
//! positions only for syntax errors), and typed with serde through its `Spanned` values, so semantic
//! errors point at the exact key or value.

use super::functions::{self, Check};
use super::selector::Selector;
use crate::registry::{Causality, Confidence, RuleMeta, Severity};
use crate::source::Span;
use marked_yaml::{Node as Y, Spanned};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Which tree a rule runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The profile of any source (the normal case).
    Profile,
    /// The profile, only for captured responses.
    SamlResponse,
    /// The profile, only for AuthnRequests.
    AuthnRequest,
    /// The raw JSON of a Keycloak client.
    KeycloakClient,
    /// The raw JSON of a whole realm export.
    KeycloakRealm,
}

impl Target {
    fn parse(s: &str) -> Option<Target> {
        Some(match s {
            "profile" => Target::Profile,
            "saml-response" => Target::SamlResponse,
            "authn-request" => Target::AuthnRequest,
            "keycloak-client" => Target::KeycloakClient,
            "keycloak-realm" => Target::KeycloakRealm,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Profile => "profile",
            Target::SamlResponse => "saml-response",
            Target::AuthnRequest => "authn-request",
            Target::KeycloakClient => "keycloak-client",
            Target::KeycloakRealm => "keycloak-realm",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Stable,
    Preview,
    Deprecated,
}

/// One `given` + `then` call: select nodes, optionally descend into a member, run the function.
#[derive(Debug)]
pub struct Call {
    pub given: Selector,
    /// The member the function runs on, as a path of map keys from each selected node (a key may
    /// hold dots, as Keycloak's `saml.client.signature`); empty: the selected node itself. A missing
    /// step gives the function an absent value, as a missing last key does.
    pub field: Vec<String>,
    pub function: &'static str,
    pub check: Box<dyn Check>,
}

/// A pack or rule condition.
#[derive(Debug)]
pub struct Condition {
    pub call: Call,
    /// Said when the condition makes a pack apply.
    pub reason: Option<String>,
}

/// A pack rule as the engine runs it. What describes it (name, summary, severity, help, source,
/// confidence, causality, security, docs, where it is defined) is its registry entry, `meta`: the
/// build-time table's for a shipped pack, interned at load time for a user's.
#[derive(Debug)]
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub pack: &'static str,
    pub status: Status,
    pub target: Target,
    /// All must hold for the rule to run.
    pub when: Vec<Condition>,
    pub then: Vec<Call>,
    /// Where findings point when the node at fault is absent (`at:` in the YAML): the first node this
    /// selector reaches, e.g. the setting that makes the absent one necessary.
    pub at: Option<Selector>,
    pub message: String,
}

#[derive(Debug)]
pub struct Pack {
    pub name: &'static str,
    pub description: String,
    pub documentation_url: Option<String>,
    /// Any of these makes the pack apply; none means it applies to everything.
    pub applies_when: Vec<Condition>,
    pub rules: Vec<Rule>,
    /// `built-in` or the file it came from.
    pub origin: String,
}

/// Why a pack could not be loaded: the file, its text and the span at fault.
#[derive(Debug, Clone)]
pub struct PackError {
    pub file: String,
    pub text: Arc<str>,
    pub message: String,
    pub span: Option<Span>,
}

impl PackError {
    pub fn into_input_error(self) -> crate::error::InputError {
        let origin = crate::source::Origin::new(&self.file);
        let kind = crate::error::ErrorKind::RulePack {
            detail: self.message,
        };
        match self.span {
            Some(s) => crate::error::InputError::at(&origin, kind, self.text, s),
            None => crate::error::InputError::new(&origin, kind),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackDef {
    pack: Spanned<String>,
    #[allow(dead_code)]
    version: Option<String>,
    description: String,
    documentation_url: Option<String>,
    #[allow(dead_code)]
    applies_when: Option<IgnoredAny>,
    aliases: Option<BTreeMap<String, String>>,
    #[allow(dead_code)]
    rules: IgnoredAny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    name: Spanned<String>,
    summary: String,
    severity: Spanned<String>,
    status: Option<Spanned<String>>,
    target: Option<Spanned<String>>,
    #[allow(dead_code)]
    when: Option<IgnoredAny>,
    given: Spanned<String>,
    #[allow(dead_code)]
    then: IgnoredAny,
    at: Option<Spanned<String>>,
    message: String,
    help: String,
    confidence: Spanned<String>,
    causality: Option<Spanned<String>>,
    security: Option<bool>,
    source: String,
    visible_error: Option<String>,
    docs: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallDef {
    #[serde(default)]
    given: Option<Spanned<String>>,
    field: Option<FieldDef>,
    function: Spanned<String>,
    #[allow(dead_code)]
    options: Option<IgnoredAny>,
    reason: Option<String>,
}

/// `field: key` or `field: [key, key, …]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum FieldDef {
    Key(String),
    Path(Vec<String>),
}

/// Keep a string for the life of the process (rule metadata is `&'static` like the built-in rules').
/// Identical strings are stored once, so loading the same pack again does not grow memory.
pub fn intern(s: &str) -> &'static str {
    use std::sync::{Mutex, OnceLock};
    // Fx, not SipHash: the keys are the packs' strings (the shipped packs' at every start, issue 17),
    // never a message's.
    static POOL: OnceLock<Mutex<rustc_hash::FxHashSet<&'static str>>> = OnceLock::new();
    let pool = POOL.get_or_init(|| Mutex::new(rustc_hash::FxHashSet::default()));
    let mut g = match pool.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    if let Some(v) = g.get(s) {
        return v;
    }
    let v: &'static str = Box::leak(s.to_string().into_boxed_str());
    g.insert(v);
    v
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a Arc<str>,
    /// Byte offset of each line's start (the first line at 0).
    lines: Vec<usize>,
}

impl Ctx<'_> {
    /// Byte offset of a marker, from its 1-based line and column (in characters).
    fn offset(&self, m: &marked_yaml::Marker) -> usize {
        let Some(&start) = self.lines.get(m.line().saturating_sub(1)) else {
            return self.text.len();
        };
        let line = self.text.get(start..).unwrap_or_default();
        line.char_indices()
            .nth(m.column().saturating_sub(1))
            .map_or(self.text.len(), |(b, _)| start + b)
    }
    /// `len` characters (at least one) from the marker, not past the end of its line. Offsets are always
    /// on character boundaries (found by fuzzing: a byte count could end inside a character).
    fn span_of(&self, m: Option<&marked_yaml::Marker>, len: usize) -> Option<Span> {
        let start = self.offset(m?);
        let rest = self.text.get(start..).unwrap_or_default();
        let line = rest.split('\n').next().unwrap_or_default();
        let end = line
            .char_indices()
            .nth(len.max(1))
            .map_or(start + line.len(), |(i, _)| start + i);
        Some(Span::new(start, end))
    }
    fn err(&self, message: impl Into<String>, span: Option<Span>) -> PackError {
        PackError {
            file: self.file.to_string(),
            text: self.text.clone(),
            message: message.into(),
            span,
        }
    }
    fn at<T>(&self, s: &Spanned<T>, len: usize) -> Option<Span> {
        self.span_of(s.span().start(), len)
    }
    fn node_span(&self, n: &Y) -> Option<Span> {
        self.span_of(n.span().start(), 1)
    }
    fn typed<'n, T: Deserialize<'n>>(&self, n: &'n Y, what: &str) -> Result<T, PackError> {
        marked_yaml::from_node::<T>(n).map_err(|e| {
            let msg = format!("{what}: {e}");
            let inner = e.into_inner();
            // An unknown key: point at the key itself, not at the mapping.
            let key_span = match &inner {
                marked_yaml::Error::UnknownFieldError(key, _, _) => n.as_mapping().and_then(|m| {
                    m.iter()
                        .find(|(k, _)| k.as_str() == key)
                        .and_then(|(k, _)| self.span_of(k.span().start(), key.len()))
                }),
                _ => None,
            };
            let span = key_span
                .or_else(|| self.span_of(inner.start_mark().as_ref(), 1))
                .or_else(|| self.node_span(n));
            self.err(msg, span)
        })
    }
}

fn expand_alias(given: &str, aliases: &BTreeMap<String, String>) -> Option<String> {
    match given.strip_prefix('#') {
        Some(name) => aliases.get(name).cloned(),
        None => Some(given.to_string()),
    }
}

fn compile_call(
    cx: &Ctx,
    node: &Y,
    default_given: Option<&Spanned<String>>,
    aliases: &BTreeMap<String, String>,
    what: &str,
) -> Result<(Call, Option<String>), PackError> {
    let def: CallDef = cx.typed(node, what)?;
    let given_s = def
        .given
        .as_ref()
        .or(default_given)
        .ok_or_else(|| cx.err(format!("{what}: `given` is missing"), cx.node_span(node)))?;
    let text = expand_alias(given_s, aliases).ok_or_else(|| {
        cx.err(
            format!("{what}: unknown alias `{}`", given_s.as_str()),
            cx.at(given_s, given_s.len()),
        )
    })?;
    let given = Selector::parse(&text).map_err(|e| {
        let base = cx.at(given_s, given_s.len());
        // Point at the offending character when the selector is written inline.
        let span = base.map(|b| {
            let quoted = cx
                .text
                .get(b.start..b.start + 1)
                .is_some_and(|c| c == "'" || c == "\"");
            let at = (b.start + usize::from(quoted) + e.offset).min(cx.text.len());
            // The selector may hold multi-byte characters or YAML escapes: snap to a character.
            let at = (0..=at)
                .rev()
                .find(|i| cx.text.is_char_boundary(*i))
                .unwrap_or(0);
            let end = cx.text[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            Span::new(at, end)
        });
        cx.err(
            format!(
                "{what}: bad selector `{text}`: {} (at character {})",
                e.message,
                e.offset + 1
            ),
            span,
        )
    })?;
    let f = functions::find(&def.function).ok_or_else(|| {
        let known: Vec<&str> = functions::FUNCTIONS.iter().map(|f| f.name()).collect();
        cx.err(
            format!(
                "{what}: unknown function `{}` (known: {})",
                def.function.as_str(),
                known.join(", ")
            ),
            cx.at(&def.function, def.function.len()),
        )
    })?;
    let options = node.as_mapping().and_then(|m| m.get_node("options"));
    let check = f.compile(options).map_err(|e| {
        let span = e
            .mark
            .as_ref()
            .and_then(|m| cx.span_of(Some(m), 1))
            .or_else(|| options.and_then(|o| cx.node_span(o)))
            .or_else(|| cx.at(&def.function, def.function.len()));
        cx.err(format!("{what}: {}", e.message), span)
    })?;
    Ok((
        Call {
            given,
            field: match def.field {
                None => Vec::new(),
                Some(FieldDef::Key(k)) => vec![k],
                Some(FieldDef::Path(p)) => p,
            },
            function: f.name(),
            check,
        },
        def.reason,
    ))
}

fn conditions(
    cx: &Ctx,
    node: Option<&Y>,
    aliases: &BTreeMap<String, String>,
    what: &str,
) -> Result<Vec<Condition>, PackError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let Some(seq) = node.as_sequence() else {
        return Err(cx.err(
            format!("{what} must be a list of conditions"),
            cx.node_span(node),
        ));
    };
    seq.iter()
        .enumerate()
        .map(|(i, c)| {
            compile_call(cx, c, None, aliases, &format!("{what}[{i}]"))
                .map(|(call, reason)| Condition { call, reason })
        })
        .collect()
}

/// Load one pack. `seen` holds the codes already defined by other packs (duplicates are errors).
pub fn load(
    file: &str,
    text: &str,
    origin: &str,
    seen: &mut BTreeMap<String, String>,
) -> Result<Pack, PackError> {
    let text: Arc<str> = Arc::from(text);
    let cx = ctx(file, &text);
    // Measured first: marked_yaml's loader recurses (a few thousand levels of block mappings
    // overflowed the stack, review 57). A text yaml-rust2's scanner stops on (`Unmeasured`) is
    // refused by marked_yaml below, with its own error, before anything nests deeper.
    if let crate::limits::YamlDepth::TooDeep(at) = crate::limits::yaml_depth(&text) {
        return Err(cx.err(
            format!(
                "YAML: nested deeper than {} levels",
                crate::limits::MAX_YAML_DEPTH
            ),
            Some(crate::source::Span::new(at, at)),
        ));
    }
    let root = marked_yaml::parse_yaml_with_options(0, &*text, super::cache::yaml_options())
        .map_err(|e| {
            let mark = match &e {
                marked_yaml::LoadError::TopLevelMustBeMapping(m)
                | marked_yaml::LoadError::TopLevelMustBeSequence(m)
                | marked_yaml::LoadError::UnexpectedAnchor(m)
                | marked_yaml::LoadError::MappingKeyMustBeScalar(m)
                | marked_yaml::LoadError::UnexpectedTag(m)
                | marked_yaml::LoadError::ScanError(m, _) => Some(*m),
                marked_yaml::LoadError::DuplicateKey(d) => d.key.span().start().copied(),
            };
            cx.err(
                format!("YAML: {e}"),
                mark.and_then(|m| cx.span_of(Some(&m), 1)),
            )
        })?;
    load_tree(cx, &root, origin, seen)
}

/// Load a shipped pack from the tree build.rs parsed (rules/cache.rs); the YAML text is only used for
/// spans. `None` when the cached tree is missing or unreadable: then the YAML is parsed.
pub fn load_cached(
    file: &str,
    text: &str,
    cached: &str,
    origin: &str,
    seen: &mut BTreeMap<String, String>,
) -> Option<Result<Pack, PackError>> {
    let root = super::cache::decode(cached)?;
    let text: Arc<str> = Arc::from(text);
    Some(load_tree(ctx(file, &text), &root, origin, seen))
}

fn ctx<'a>(file: &'a str, text: &'a Arc<str>) -> Ctx<'a> {
    Ctx {
        file,
        text,
        lines: std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect(),
    }
}

/// A rule's registry entry: a shipped pack's is the build-time table's (build.rs read the same YAML;
/// `shipped_rules_are_the_registry_entries` checks they are equal), a user pack's is interned.
fn registered(meta: RuleMeta, origin: &str) -> &'static RuleMeta {
    match crate::registry::declared_rule(meta.code) {
        Some(m) if origin == "built-in" && *m == meta => m,
        _ => crate::registry::intern(meta),
    }
}

fn load_tree(
    cx: Ctx<'_>,
    root: &Y,
    origin: &str,
    seen: &mut BTreeMap<String, String>,
) -> Result<Pack, PackError> {
    let file = cx.file;
    let def: PackDef = cx.typed(root, "pack")?;
    let name = def.pack.as_str();
    if name.is_empty() || !crate::registry::kebab(name) {
        return Err(cx.err(
            format!("pack name `{name}` must be kebab-case"),
            cx.at(&def.pack, name.len()),
        ));
    }
    let pack_name = intern(name);
    let aliases = def.aliases.unwrap_or_default();
    let map = root.as_mapping();
    let applies_when = conditions(
        &cx,
        map.and_then(|m| m.get_node("applies_when")),
        &aliases,
        "applies_when",
    )?;
    let Some(rules_map) = map
        .and_then(|m| m.get_node("rules"))
        .and_then(|r| r.as_mapping())
    else {
        return Err(cx.err(
            "`rules` must be a mapping of CODE: rule",
            cx.node_span(root),
        ));
    };
    let mut rules = Vec::new();
    for (code_node, rule_node) in rules_map.iter() {
        let code = code_node.as_str();
        let code_span = cx.span_of(code_node.span().start(), code.len());
        if !crate::registry::valid_code(code) {
            return Err(cx.err(
                format!("rule code `{code}` must be upper-case letters followed by three digits (e.g. ATL001)"),
                code_span,
            ));
        }
        if crate::registry::builtin_rule(code).is_some() {
            return Err(cx.err(
                format!("rule code `{code}` is a built-in rule's"),
                code_span,
            ));
        }
        if let Some(other) = seen.get(code) {
            return Err(cx.err(
                format!("duplicate rule code `{code}` (already defined in {other})"),
                code_span,
            ));
        }
        seen.insert(code.to_string(), format!("pack {pack_name}"));
        let what = format!("rule {code}");
        let r: RuleDef = cx.typed(rule_node, &what)?;
        if !crate::registry::kebab(&r.name) {
            return Err(cx.err(
                format!("{what}: name `{}` must be kebab-case", r.name.as_str()),
                cx.at(&r.name, r.name.len()),
            ));
        }
        let severity: Severity = r.severity.parse().map_err(|e: String| {
            cx.err(format!("{what}: {e}"), cx.at(&r.severity, r.severity.len()))
        })?;
        let status = match r.status.as_ref().map(|s| s.as_str()) {
            None | Some("stable") => Status::Stable,
            Some("preview") => Status::Preview,
            Some("deprecated") => Status::Deprecated,
            Some(o) => {
                return Err(cx.err(
                    format!(
                        "{what}: unknown status `{o}` (expected stable, preview or deprecated)"
                    ),
                    r.status.as_ref().and_then(|s| cx.at(s, o.len())),
                ));
            }
        };
        let target = match &r.target {
            None => Target::Profile,
            Some(t) => Target::parse(t).ok_or_else(|| {
                cx.err(
                    format!(
                        "{what}: unknown target `{}` (expected profile, saml-response, authn-request, keycloak-client or keycloak-realm)",
                        t.as_str()
                    ),
                    cx.at(t, t.len()),
                )
            })?,
        };
        let Some(confidence) = Confidence::parse(&r.confidence) else {
            let all: Vec<&str> = Confidence::ALL.iter().map(|c| c.as_str()).collect();
            return Err(cx.err(
                format!(
                    "{what}: confidence `{}` must be one of {} ([C] the vendor says so, [S] secondary sources, [I] inferred, [U] unconfirmed)",
                    r.confidence.as_str(),
                    all.join(", ")
                ),
                cx.at(&r.confidence, r.confidence.len()),
            ));
        };
        let causality = match &r.causality {
            None => Causality::Content,
            Some(c) => Causality::parse(c).ok_or_else(|| {
                let all: Vec<&str> = Causality::ALL.iter().map(|c| c.as_str()).collect();
                cx.err(
                    format!(
                        "{what}: causality `{}` must be one of {}",
                        c.as_str(),
                        all.join(", ")
                    ),
                    cx.at(c, c.len()),
                )
            })?,
        };
        let rmap = rule_node.as_mapping();
        let when = conditions(
            &cx,
            rmap.and_then(|m| m.get_node("when")),
            &aliases,
            &format!("{what}: when"),
        )?;
        let then_node = rmap.and_then(|m| m.get_node("then"));
        let then_nodes: Vec<&Y> = match then_node {
            Some(n) if n.as_sequence().is_some() => n
                .as_sequence()
                .map(|s| s.iter().collect())
                .unwrap_or_default(),
            Some(n) => vec![n],
            None => Vec::new(),
        };
        let mut then = Vec::new();
        for (i, t) in then_nodes.into_iter().enumerate() {
            let (call, _) = compile_call(
                &cx,
                t,
                Some(&r.given),
                &aliases,
                &format!("{what}: then[{i}]"),
            )?;
            then.push(call);
        }
        let at = match &r.at {
            None => None,
            Some(a) => Some(Selector::parse(a).map_err(|e| {
                cx.err(
                    format!(
                        "{what}: bad selector in `at`: {} (at character {})",
                        e.message,
                        e.offset + 1
                    ),
                    cx.at(a, a.len()),
                )
            })?),
        };
        let line = code_node.span().start().map_or(0, |m| m.line());
        let meta = RuleMeta {
            code: intern(code),
            name: intern(&r.name),
            severity,
            summary: intern(&r.summary),
            help: intern(&r.help),
            source: intern(&r.source),
            pack: Some(pack_name),
            target: target.as_str(),
            confidence,
            causality,
            security: r.security.unwrap_or(false),
            docs: intern(&r.docs),
            visible_error: r.visible_error.as_deref().map(intern),
            defined_at: intern(&format!("{file}:{line}")),
        };
        rules.push(Rule {
            meta: registered(meta, origin),
            pack: pack_name,
            status,
            target,
            when,
            then,
            at,
            message: r.message,
        });
    }
    Ok(Pack {
        name: pack_name,
        description: def.description,
        documentation_url: def.documentation_url,
        applies_when,
        rules,
        origin: origin.to_string(),
    })
}
