//! Rule packs over the profile: loading (pack.rs), selectors (selector.rs), built-in functions
//! (functions/), the engine that applies packs to a message or a Keycloak client, rule docs (docs.rs)
//! and `samlint explain` (explain.rs).
//!
//! What YAML cannot express (signature verdicts, time windows, structure) stays in Rust (check.rs,
//! verify/) with the same [`Finding`] type; `--select`, `--ignore` and severity overrides apply to both.

mod cache;
pub mod docs;
pub mod explain;
pub mod functions;
pub mod pack;
pub mod selector;

use crate::finding::{Arg, Finding, Msg, Severity};
use crate::msg;
use crate::tree::Node;
use pack::{Pack, PackError, Status, Target};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The shipped packs, in the order they are applied (`packs:` in rules/builtin.yaml): (name, YAML,
/// the tree build.rs parsed from it, see src/rules/cache.rs).
pub const BUILTIN: &[(&str, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/shipped_packs.rs"));

/// How a run uses the packs (flags and samlint.yaml).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Only these codes or code prefixes (`ATL`, `KC010`); empty = all.
    pub select: Vec<String>,
    /// Never these codes or prefixes.
    pub ignore: Vec<String>,
    /// Severity per code; `None` turns the rule off.
    pub severity: BTreeMap<String, Option<Severity>>,
    /// Packs applied whatever their `applies-when` says (`--pack NAME`).
    pub force: Vec<String>,
    /// Run rules with `status: preview`.
    pub preview: bool,
    /// `--domain`: verified domains.
    pub domains: Vec<String>,
}

fn code_matches(code: &str, pats: &[String]) -> bool {
    pats.iter().any(|p| code.starts_with(p.as_str()))
}

impl Settings {
    /// Apply `--select`, `--ignore` and severity overrides to findings (built-in and pack rules alike).
    pub fn filter(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| {
            (self.select.is_empty() || code_matches(f.code, &self.select))
                && !code_matches(f.code, &self.ignore)
                && !matches!(self.severity.get(f.code), Some(None))
        });
        for f in findings.iter_mut() {
            if let Some(Some(s)) = self.severity.get(f.code) {
                f.severity = *s;
            }
        }
    }
}

/// A pack that applied to a message or client, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Applied {
    pub pack: &'static str,
    pub reason: Msg,
    /// The rules of the pack that ran on this message or client (their target and conditions fit it).
    #[serde(serialize_with = "codes")]
    pub rules: Vec<&'static crate::finding::RuleMeta>,
}

fn codes<S: serde::Serializer>(
    rules: &[&'static crate::finding::RuleMeta],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_seq(rules.iter().map(|r| r.code))
}

/// What packs are applied to.
pub enum Subject<'a> {
    /// A SAML message's profile.
    Message {
        profile: &'a Node,
        kind: crate::model::MessageKind,
    },
    /// A Keycloak client: its profile and its raw JSON.
    Client { profile: &'a Node, raw: &'a Node },
    /// A realm export as a whole (realm-level rules: key providers, secrets outside clients).
    Realm { raw: &'a Node },
}

/// Loaded packs plus settings.
#[derive(Debug)]
pub struct Engine {
    /// User packs (kept for the process: their rule metadata is `&'static`, like the built-in rules').
    /// The shipped packs come first and are loaded on first use (see [`Engine::packs`]).
    user: Vec<&'static Pack>,
    pub settings: Settings,
}

/// The shipped packs, read from their build-time trees (from the YAML if a tree is unreadable).
fn builtin_packs() -> Result<Vec<Pack>, PackError> {
    let mut seen = BTreeMap::new();
    BUILTIN
        .iter()
        .map(|(name, text, tree)| {
            let file = format!("rules/{name}.yaml");
            pack::load_cached(&file, text, tree, "built-in", &mut seen)
                .unwrap_or_else(|| pack::load(&file, text, "built-in", &mut seen))
        })
        .collect()
}

/// The shipped packs, loaded once per process. A broken shipped pack is a bug caught by the tests;
/// at run time it leaves the list empty rather than panicking.
pub fn shipped() -> &'static [Pack] {
    static PACKS: OnceLock<Vec<Pack>> = OnceLock::new();
    PACKS.get_or_init(|| builtin_packs().unwrap_or_default())
}

/// Start loading the shipped packs (their regular expressions compiled) on another thread, so that a
/// single run overlaps it with reading, decoding and verifying its input.
pub fn preload() {
    std::thread::spawn(|| {
        shipped();
    });
}

/// Metadata of every shipped pack rule.
pub fn shipped_rules() -> impl Iterator<Item = &'static pack::Rule> {
    shipped().iter().flat_map(|p| p.rules.iter())
}

impl Engine {
    /// The shipped packs plus user packs `(file name, text)`; `force` may name shipped packs or user
    /// packs by name.
    pub fn load(user: &[(String, String)], settings: Settings) -> Result<Engine, PackError> {
        // Without user packs nothing needs the shipped packs yet: they load on first use (a single
        // paste overlaps that with decoding and verification, see `preload`).
        let mut user_packs: Vec<&'static Pack> = Vec::new();
        if !user.is_empty() {
            let mut seen: BTreeMap<String, String> = shipped()
                .iter()
                .flat_map(|p| {
                    p.rules
                        .iter()
                        .map(|r| (r.meta.code.to_string(), format!("pack {}", p.name)))
                })
                .collect();
            for (file, text) in user {
                let p = pack::load(file, text, file, &mut seen)?;
                let taken = BUILTIN.iter().any(|(n, _, _)| *n == p.name)
                    || user_packs.iter().any(|q| q.name == p.name);
                if taken {
                    return Err(PackError {
                        file: file.clone(),
                        text: text.as_str().into(),
                        message: format!("a pack named `{}` is already loaded", p.name),
                        span: None,
                    });
                }
                user_packs.push(Box::leak(Box::new(p)));
            }
        }
        let names: Vec<&str> = BUILTIN
            .iter()
            .map(|(n, _, _)| *n)
            .chain(user_packs.iter().map(|p| p.name))
            .collect();
        if let Some(f) = settings.force.iter().find(|f| !names.contains(&f.as_str())) {
            return Err(PackError {
                file: "--pack".into(),
                text: "".into(),
                message: format!("no pack named `{f}` (loaded: {})", names.join(", ")),
                span: None,
            });
        }
        Ok(Engine {
            user: user_packs,
            settings,
        })
    }

    /// Every loaded pack: the shipped ones, then the user's.
    pub fn packs(&self) -> impl Iterator<Item = &'static Pack> + '_ {
        shipped().iter().chain(self.user.iter().copied())
    }

    /// The shipped packs only (they load on first use), with these settings; `force` is not checked.
    pub fn shipped(settings: Settings) -> Engine {
        Engine {
            user: Vec::new(),
            settings,
        }
    }

    /// The rules of the user's packs (the shipped packs' are in the registry without loading them).
    pub fn user_rules(&self) -> impl Iterator<Item = &pack::Rule> {
        self.user.iter().flat_map(|p| p.rules.iter())
    }

    /// Apply every pack that fits; returns the findings and the packs that applied, with why.
    pub fn apply(
        &self,
        subject: &Subject,
        trust: &crate::verify::Trust,
    ) -> (Vec<Finding>, Vec<Applied>) {
        let (profile, raw) = match subject {
            Subject::Message { profile, .. } => (Some(*profile), None),
            Subject::Client { profile, raw } => (Some(*profile), Some(*raw)),
            Subject::Realm { raw } => (None, Some(*raw)),
        };
        let mut findings = Vec::new();
        let mut applied = Vec::new();
        for p in self.packs() {
            let Some(reason) = self.applies(p, profile.or(raw), trust) else {
                continue;
            };
            let mut ran = Vec::new();
            let mut fits = false;
            for r in &p.rules {
                if r.status == Status::Preview && !self.settings.preview {
                    continue;
                }
                let tree = match (r.target, subject) {
                    (Target::Profile, _) => profile,
                    (Target::SamlResponse, Subject::Message { kind, profile })
                        if *kind == crate::model::MessageKind::Response =>
                    {
                        Some(*profile)
                    }
                    (Target::AuthnRequest, Subject::Message { kind, profile })
                        if *kind == crate::model::MessageKind::AuthnRequest =>
                    {
                        Some(*profile)
                    }
                    (Target::KeycloakClient, Subject::Client { raw, .. }) => Some(*raw),
                    (Target::KeycloakRealm, Subject::Realm { raw }) => Some(*raw),
                    _ => None,
                };
                let Some(tree) = tree else { continue };
                fits = true;
                let cx = functions::Cx {
                    root: tree,
                    domains: &self.settings.domains,
                    idp_certs: &trust.certs,
                };
                // `when` conditions read the profile (the raw tree for a realm, which has none).
                let on = profile.unwrap_or(tree);
                let wcx = functions::Cx { root: on, ..cx };
                if !r.when.iter().all(|c| holds(&c.call, on, &wcx)) {
                    continue;
                }
                ran.push(r.meta);
                for call in &r.then {
                    run_call(r, call, tree, &cx, &mut findings);
                }
            }
            if fits {
                applied.push(Applied {
                    pack: p.name,
                    reason,
                    rules: ran,
                });
            }
        }
        // One finding per (code, place): the first of each kept, the paths borrowed (not cloned).
        if findings.len() > 1 {
            let mut seen = std::collections::HashSet::with_capacity(findings.len());
            let keep: Vec<bool> = findings
                .iter()
                .map(|f| seen.insert((f.code, f.span, f.path.as_deref())))
                .collect();
            let mut keep = keep.into_iter();
            findings.retain(|_| keep.next().unwrap_or(true));
        }
        (findings, applied)
    }

    fn applies(&self, p: &Pack, tree: Option<&Node>, trust: &crate::verify::Trust) -> Option<Msg> {
        if self.settings.force.iter().any(|f| f == p.name) {
            return Some(msg!("selected with --pack"));
        }
        if p.applies_when.is_empty() {
            return Some(msg!("applies to every input"));
        }
        let tree = tree?;
        let cx = functions::Cx {
            root: tree,
            domains: &self.settings.domains,
            idp_certs: &trust.certs,
        };
        p.applies_when.iter().find_map(|c| {
            // One selection for both the reason's value and the condition ([`holds`] on it).
            let sel = c.call.given.select(tree);
            let first = sel.first()?;
            holds_on(&c.call, &sel, &cx).then(|| {
                let value = first.node.scalar_text().unwrap_or_default();
                match &c.reason {
                    Some(r) => render(r, &[("value", msg!("{}", Arg::value(value)))]),
                    None => msg!("{} is `{}`", Arg::path(first.path()), Arg::value(value)),
                }
            })
        })
    }
}

/// A condition holds when its selector reaches something and the function reports nothing on it.
fn holds(call: &pack::Call, tree: &Node, cx: &functions::Cx) -> bool {
    holds_on(call, &call.given.select(tree), cx)
}

/// [`holds`] on the nodes the call's selector reached.
fn holds_on(call: &pack::Call, sel: &[selector::Selected], cx: &functions::Cx) -> bool {
    !sel.is_empty()
        && sel
            .iter()
            .all(|s| call.check.run(member(s.node, &call.field), cx).is_empty())
}

/// The member a call's `field` path names below a selected node (the node itself for an empty path).
fn member<'a>(node: &'a Node, field: &[String]) -> Option<&'a Node> {
    field.iter().try_fold(node, |n, k| step(n, k))
}

/// One step of a `field` path: a map's key, or a list's item by its decimal index
/// (`field: [protocolMappers, 0, name]`; a step once stepped into maps only, so that path found
/// nothing and `defined` reported a mapper that had its name).
fn step<'a>(n: &'a Node, k: &str) -> Option<&'a Node> {
    match &n.value {
        crate::tree::Value::List(l) => index(k).and_then(|i| l.get(i)),
        _ => n.get(k),
    }
}

/// A list index as a path writes it: decimal digits, no sign, no leading zero.
fn index(k: &str) -> Option<usize> {
    let canonical =
        k == "0" || (!k.starts_with('0') && !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()));
    canonical.then(|| k.parse().ok()).flatten()
}

/// The JSONPath of a call's `field` below a selected node at `base`: `['key']` or `.key` for a
/// map's key, `[i]` for a list's item.
fn member_path(node: &Node, base: String, field: &[String]) -> String {
    let mut cur = Some(node);
    let mut path = base;
    for k in field {
        match (cur.map(|n| &n.value), index(k)) {
            (Some(crate::tree::Value::List(_)), Some(i)) => path.push_str(&format!("[{i}]")),
            _ => path = selector::member_path(&path, k),
        }
        cur = cur.and_then(|n| step(n, k));
    }
    path
}

/// A pack's message template with its `{{placeholders}}` filled by typed values. The template is
/// the pack author's text (trusted); the values keep their types, so that `--redact` replaces those
/// from the input.
fn render(template: &str, vars: &[(&str, Msg)]) -> Msg {
    Msg::template(template, |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
}

fn run_call(
    r: &pack::Rule,
    call: &pack::Call,
    tree: &Node,
    cx: &functions::Cx,
    out: &mut Vec<Finding>,
) {
    for s in call.given.select(tree) {
        let target = member(s.node, &call.field);
        for hit in call.check.run(target, cx) {
            let value = hit
                .value
                .clone()
                .or_else(|| target.and_then(Node::scalar_text))
                .unwrap_or_default();
            let mut path = member_path(s.node, s.path(), &call.field);
            if let Some(p) = &hit.path {
                if p.starts_with('$') {
                    path = p.clone();
                } else {
                    path.push_str(p);
                }
            }
            let note = target.and_then(|t| t.note.clone()).unwrap_or_default();
            let message = render(
                &r.message,
                &[
                    ("value", msg!("{}", Arg::value(value))),
                    ("path", msg!("{}", Arg::path(&path))),
                    (
                        "property",
                        msg!(
                            "{}",
                            Arg::plain(call.field.last().map_or("", String::as_str))
                        ),
                    ),
                    ("error", hit.error.clone()),
                    ("note", note.clone()),
                ],
            );
            let at =
                r.at.as_ref()
                    .and_then(|a| a.select(tree).into_iter().find_map(|x| x.node.span));
            // The function's own place, else the rule's `at:` (the author said where), else the node.
            let span = hit
                .span
                .or(at)
                .or_else(|| target.and_then(|t| t.span))
                .or(s.node.span)
                .or(tree.span);
            let mut f = Finding::new(r.meta, message);
            f.span = span;
            f.key = selector::key_path(tree, &path);
            f.path = Some(path);
            // Under the marked place: the function's own words, but never a generic predicate
            // ("is false", "is not one of …"), which reads well only inside the rule's message.
            f.label = if !note.is_empty() {
                Some(note)
            } else if hit.generic {
                None
            } else {
                Some(hit.error.clone())
            };
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `field` path steps into a list by index as into a map by key, and says so in the path.
    #[test]
    fn a_field_path_steps_into_lists() {
        let tree = crate::tree::parse_json(
            r#"{"protocolMappers": [{"name": "email"}, {"name": "groups"}], "attributes": {"0": "zero"}}"#,
        )
        .expect("parses");
        let field = |p: &[&str]| p.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        let at = |p: &[&str]| member(&tree, &field(p)).and_then(Node::scalar_text);
        assert_eq!(
            at(&["protocolMappers", "1", "name"]).as_deref(),
            Some("groups")
        );
        assert_eq!(
            at(&["protocolMappers", "0", "name"]).as_deref(),
            Some("email")
        );
        // A map keeps its keys, digits or not; a list takes canonical indexes only.
        assert_eq!(at(&["attributes", "0"]).as_deref(), Some("zero"));
        for odd in ["2", "01", "+1", "-1", "", "name"] {
            assert_eq!(at(&["protocolMappers", odd, "name"]), None, "{odd:?}");
        }
        assert_eq!(
            member_path(&tree, "$".into(), &field(&["protocolMappers", "1", "name"])),
            "$.protocolMappers[1].name"
        );
        assert_eq!(
            member_path(&tree, "$".into(), &field(&["attributes", "0"])),
            "$.attributes['0']"
        );
    }

    #[test]
    fn forcing_a_pack_that_is_not_loaded_is_an_error() {
        let settings = Settings {
            force: vec!["keycloak".into(), "no-such-pack".into()],
            ..Settings::default()
        };
        let e = Engine::load(&[], settings).err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some(
                "no pack named `no-such-pack` (loaded: saml-core, atlassian-cloud, atlassian-datacenter, keycloak)"
            )
        );
    }

    #[test]
    fn the_build_time_tree_loads_the_same_packs_as_the_yaml() {
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        for (name, text, tree) in BUILTIN {
            let file = format!("rules/{name}.yaml");
            let cached = pack::load_cached(&file, text, tree, "built-in", &mut a)
                .unwrap_or_else(|| panic!("{file}: build.rs wrote no readable tree"))
                .unwrap_or_else(|e| panic!("{}", e.message));
            let parsed = pack::load(&file, text, "built-in", &mut b)
                .unwrap_or_else(|e| panic!("{}", e.message));
            // Debug shows every field, spans and compiled selectors and patterns included.
            assert_eq!(format!("{cached:?}"), format!("{parsed:?}"), "{file}");
        }
        assert!(
            pack::load_cached("x", "", "S1- -:9:short", "built-in", &mut a).is_none(),
            "a tree that is not what encode wrote must fall back to the YAML"
        );
    }

    /// The loader reads a shipped rule's declaration as build.rs did, so its metadata is the registry's
    /// entry itself (not an interned copy), in the registry's order.
    #[test]
    fn shipped_rules_are_the_registry_entries() {
        let loaded: Vec<&crate::finding::RuleMeta> = shipped_rules().map(|r| r.meta).collect();
        let declared = crate::registry::shipped();
        assert_eq!(loaded.len(), declared.len());
        for (l, d) in loaded.iter().zip(declared) {
            assert!(std::ptr::eq(*l, d), "{}: {l:?} is not {d:?}", l.code);
        }
    }

    #[test]
    fn shipped_packs_load() {
        let packs = builtin_packs().unwrap_or_else(|e| panic!("{}: {}", e.file, e.message));
        assert_eq!(packs.len(), BUILTIN.len());
        for p in &packs {
            assert!(!p.rules.is_empty(), "{} has no rules", p.name);
        }
    }
}
