//! Selectors: a documented subset of RFC 9535 JSONPath, evaluated over a [`Node`] tree.
//!
//! ```text
//! $                      the root
//! .name  ['name']        a member (bracket form for names with dots or spaces)
//! .*  [*]                every member of a map or item of a list
//! [3]                    one list item
//! [?(@.a.b == 'x')]      items whose relative path equals a literal (also !=, =~ /regex/)
//! [?(@.a == 'x' && @.b)] items for which every filter joined by && holds
//! [?(@.a)]               items where the relative path exists
//! ```
//! Literals are 'single' or "double" quoted strings, `true`, `false`, or numbers.

use crate::tree::{Node, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct Selector {
    text: String,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Member(String),
    Wildcard,
    Index(usize),
    /// Items for which every filter holds (`[?(@.a == 'x' && @.b)]`).
    Filter(Vec<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    path: Vec<String>,
    op: Option<(Op, Lit)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Match,
}

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Bool(bool),
    Num(String),
    Regex(Re),
}

/// A `/regex/` literal, compiled once when the selector is parsed (it was compiled again for every
/// node it was compared with); two are equal when their sources are.
#[derive(Debug, Clone)]
struct Re(regex::Regex);

impl PartialEq for Re {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// A selected node; its path is written only when asked for ([`Selected::path`]): most selections
/// report nothing, and writing every intermediate path was a fifth of a message's rule work.
#[derive(Debug, Clone)]
pub struct Selected<'a> {
    pub node: &'a Node,
    /// How the selection got here: `(parent step, step)` from the root (index 0), shared by every
    /// node of one [`Selector::select`].
    trail: std::rc::Rc<Vec<(usize, Step<'a>)>>,
    at: usize,
}

#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl Selected<'_> {
    /// The node's path from the root, as the selector language writes it (`$.a['b c'][0]`).
    pub fn path(&self) -> String {
        let mut steps = Vec::new();
        let mut i = self.at;
        while let Some(&(parent, step)) = self.trail.get(i) {
            steps.push(step);
            if i == 0 {
                break;
            }
            i = parent;
        }
        let mut out = String::new();
        for step in steps.into_iter().rev() {
            match step {
                Step::Root => out.push('$'),
                Step::Key(k) => out = member_path(&out, k),
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// A selector error: what is wrong, and the byte offset in the selector text.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectorError {
    pub message: String,
    pub offset: usize,
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
    text: &'a str,
}

impl P<'_> {
    fn err<T>(&self, m: impl Into<String>) -> Result<T, SelectorError> {
        Err(SelectorError {
            message: m.into(),
            offset: self.i,
        })
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn ws(&mut self) {
        while self.peek().is_some_and(|c| c == b' ') {
            self.i += 1;
        }
    }
    fn name(&mut self) -> Result<String, SelectorError> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            self.i += 1;
        }
        if self.i == start {
            return self.err("expected a member name");
        }
        Ok(self.text[start..self.i].to_string())
    }
    fn quoted(&mut self) -> Result<String, SelectorError> {
        let Some(q) = self.peek().filter(|c| *c == b'\'' || *c == b'"') else {
            return self.err("expected a quoted string");
        };
        self.i += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return self.err("unterminated string"),
                Some(c) if c == q => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c) => {
                            out.push(c as char);
                            self.i += 1;
                        }
                        None => return self.err("unterminated string"),
                    }
                }
                Some(_) => {
                    // Copy one UTF-8 character.
                    let rest = &self.text[self.i..];
                    let ch = rest.chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }
    fn literal(&mut self) -> Result<Lit, SelectorError> {
        match self.peek() {
            Some(b'\'') | Some(b'"') => Ok(Lit::Str(self.quoted()?)),
            Some(b'/') => {
                self.i += 1;
                let start = self.i;
                while self.peek().is_some_and(|c| c != b'/') {
                    if self.peek() == Some(b'\\') {
                        self.i += 1;
                    }
                    self.i += 1;
                }
                if !self.eat(b'/') {
                    return self.err("unterminated /regex/");
                }
                let re = self
                    .text
                    .get(start..self.i - 1)
                    .unwrap_or_default()
                    .to_string();
                match regex::Regex::new(&re) {
                    Ok(r) => Ok(Lit::Regex(Re(r))),
                    Err(e) => self.err(format!("bad regex: {e}")),
                }
            }
            _ => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-')
                {
                    self.i += 1;
                }
                match &self.text[start..self.i] {
                    "true" => Ok(Lit::Bool(true)),
                    "false" => Ok(Lit::Bool(false)),
                    n if !n.is_empty() && n.parse::<f64>().is_ok() => Ok(Lit::Num(n.to_string())),
                    _ => {
                        self.i = start;
                        self.err("expected a literal: 'string', true, false, a number or /regex/")
                    }
                }
            }
        }
    }
    fn filter(&mut self) -> Result<Filter, SelectorError> {
        self.ws();
        if !self.eat(b'@') {
            return self.err("a filter starts with @");
        }
        let mut path = Vec::new();
        loop {
            if self.eat(b'.') {
                path.push(self.name()?);
            } else if self.peek() == Some(b'[') {
                self.i += 1;
                path.push(self.quoted()?);
                if !self.eat(b']') {
                    return self.err("expected ]");
                }
            } else {
                break;
            }
        }
        self.ws();
        let op = if self.s[self.i..].starts_with(b"==") {
            Some(Op::Eq)
        } else if self.s[self.i..].starts_with(b"!=") {
            Some(Op::Ne)
        } else if self.s[self.i..].starts_with(b"=~") {
            Some(Op::Match)
        } else {
            None
        };
        let op = match op {
            Some(o) => {
                self.i += 2;
                self.ws();
                let lit = self.literal()?;
                if (o == Op::Match) != matches!(lit, Lit::Regex(_)) {
                    return self.err("=~ takes a /regex/, and a /regex/ needs =~");
                }
                Some((o, lit))
            }
            None => None,
        };
        self.ws();
        Ok(Filter { path, op })
    }
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut p = P {
            s: text.as_bytes(),
            i: 0,
            text,
        };
        if !p.eat(b'$') {
            return p.err("a selector starts with $");
        }
        let mut segments = Vec::new();
        while p.i < p.s.len() {
            if p.eat(b'.') {
                if p.eat(b'*') {
                    segments.push(Segment::Wildcard);
                } else if p.peek() == Some(b'.') {
                    return p.err("recursive descent (..) is not supported");
                } else {
                    segments.push(Segment::Member(p.name()?));
                }
            } else if p.eat(b'[') {
                p.ws();
                if p.eat(b'*') {
                    segments.push(Segment::Wildcard);
                } else if p.eat(b'?') {
                    let paren = p.eat(b'(');
                    let mut f = vec![p.filter()?];
                    while p.s.get(p.i..p.i + 2) == Some(b"&&") {
                        p.i += 2;
                        f.push(p.filter()?);
                    }
                    if paren && !p.eat(b')') {
                        return p.err("expected )");
                    }
                    segments.push(Segment::Filter(f));
                } else if p.peek().is_some_and(|c| c.is_ascii_digit()) {
                    let start = p.i;
                    while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                        p.i += 1;
                    }
                    match text[start..p.i].parse() {
                        Ok(n) => segments.push(Segment::Index(n)),
                        Err(_) => return p.err("index too large"),
                    }
                } else {
                    segments.push(Segment::Member(p.quoted()?));
                }
                p.ws();
                if !p.eat(b']') {
                    return p.err("expected ]");
                }
            } else {
                return p.err("expected . or [");
            }
        }
        Ok(Selector {
            text: text.to_string(),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every node the selector reaches, in document order.
    pub fn select<'a>(&self, root: &'a Node) -> Vec<Selected<'a>> {
        // A first member the root does not have (most selectors of a pack, in a given message):
        // nothing is reached, and nothing is allocated to find that out.
        if let Some(Segment::Member(name)) = self.segments.first()
            && root.get(name).is_none()
        {
            return Vec::new();
        }
        let mut trail: Vec<(usize, Step<'a>)> = Vec::with_capacity(self.segments.len() + 8);
        trail.push((0, Step::Root));
        let mut cur: Vec<(&'a Node, usize)> = Vec::with_capacity(8);
        cur.push((root, 0));
        // Two lists for every segment, swapped: the nodes reached and those the segment reaches.
        let mut next: Vec<(&'a Node, usize)> = Vec::with_capacity(8);
        for seg in &self.segments {
            if cur.is_empty() {
                // Most selectors of a pack reach nothing in a given message: no trail to share.
                return Vec::new();
            }
            next.clear();
            for &(node, at) in &cur {
                let mut step = |n: &'a Node, s: Step<'a>| {
                    trail.push((at, s));
                    next.push((n, trail.len() - 1));
                };
                match (seg, &node.value) {
                    (Segment::Member(name), Value::Map(m)) => {
                        if let Some(e) = m.iter().find(|e| &e.key == name) {
                            step(&e.node, Step::Key(&e.key));
                        }
                    }
                    (Segment::Wildcard, Value::Map(m)) => {
                        for e in m {
                            step(&e.node, Step::Key(&e.key));
                        }
                    }
                    (Segment::Wildcard, Value::List(l)) => {
                        for (i, n) in l.iter().enumerate() {
                            step(n, Step::Index(i));
                        }
                    }
                    (Segment::Index(i), Value::List(l)) => {
                        if let Some(n) = l.get(*i) {
                            step(n, Step::Index(*i));
                        }
                    }
                    (Segment::Filter(f), Value::List(l)) => {
                        for (i, n) in l
                            .iter()
                            .enumerate()
                            .filter(|(_, n)| f.iter().all(|f| f.holds(n)))
                        {
                            step(n, Step::Index(i));
                        }
                    }
                    _ => {}
                }
            }
            std::mem::swap(&mut cur, &mut next);
        }
        if cur.is_empty() {
            return Vec::new();
        }
        let trail = std::rc::Rc::new(trail);
        cur.into_iter()
            .map(|(node, at)| Selected {
                node,
                trail: trail.clone(),
                at,
            })
            .collect()
    }
}

impl Filter {
    fn holds(&self, n: &Node) -> bool {
        // `Node::path` without a list of the keys made for every node compared.
        let Some(v) = self.path.iter().try_fold(n, |n, k| n.get(k)) else {
            return matches!(self.op, Some((Op::Ne, _)));
        };
        match &self.op {
            None => true,
            Some((op, lit)) => {
                let eq = match (lit, &v.value) {
                    (Lit::Str(a), Value::Str(b)) => a == b,
                    (Lit::Bool(a), Value::Bool(b)) => a == b,
                    (Lit::Num(a), Value::Num(b)) => a.parse::<f64>().ok() == b.parse::<f64>().ok(),
                    (Lit::Regex(re), Value::Str(b)) => re.0.is_match(b),
                    _ => false,
                };
                match op {
                    Op::Eq | Op::Match => eq,
                    Op::Ne => !eq,
                }
            }
        }
    }
}

/// `base.name`, or `base['name']` when the name is not a plain identifier (e.g. `saml.encrypt`).
/// The members that name an item of a Keycloak list, in the order asked: a client's `clientId`, an
/// identity provider's or flow's `alias`, a mapper's, scope's, role's or component's `name` (also the
/// profile's attributes). Never a user's: a username in a fingerprint is identity.
const ITEM_NAMES: [&str; 3] = ["clientId", "alias", "name"];

/// `path` (as [`Selected::path`] and the functions write it, from `root`) with each list index whose
/// item has a name ([`ITEM_NAMES`]) written as that name: `$.protocolMappers[1].config` becomes
/// `$.protocolMappers[name="email"].config`. What baselines and SARIF fingerprints key on, so that a
/// mapper added, removed or exported in another order neither moves a baselined finding onto another
/// mapper nor shows it as new. `None` when no index was renamed (or the path does not walk `root`).
pub fn key_path(root: &Node, path: &str) -> Option<String> {
    let mut rest = path.strip_prefix('$')?;
    let mut out = String::from("$");
    let mut node = Some(root);
    let mut renamed = false;
    while !rest.is_empty() {
        let (step, key, after) = if let Some(r) = rest.strip_prefix('.') {
            let end = r
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(r.len());
            (&rest[..=end], Some(r[..end].to_string()), &r[end..])
        } else if let Some(r) = rest.strip_prefix("['") {
            // A quoted member: `\\` and `\'` escaped (member_path).
            let mut key = String::new();
            let mut chars = r.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => key.extend(chars.next().map(|(_, c)| c)),
                    '\'' => {
                        end = Some(i);
                        break;
                    }
                    c => key.push(c),
                }
            }
            let end = end?;
            let after = r.get(end + 1..)?.strip_prefix(']')?;
            (&rest[..rest.len() - after.len()], Some(key), after)
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            let i: usize = r[..close].parse().ok()?;
            let item = node.and_then(|n| n.items().get(i));
            let name = item.and_then(|it| {
                ITEM_NAMES
                    .iter()
                    .find_map(|k| it.get(k).and_then(Node::as_str).map(|v| (*k, v)))
            });
            match name {
                Some((k, v)) => {
                    out.push_str(&format!(
                        "[{k}={}]",
                        serde_json::to_string(v).unwrap_or_default()
                    ));
                    renamed = true;
                }
                None => out.push_str(&rest[..close + 2]),
            }
            node = item;
            rest = &r[close + 1..];
            continue;
        } else {
            return None;
        };
        out.push_str(step);
        node = node.and_then(|n| key.and_then(|k| n.get(&k)));
        rest = after;
    }
    renamed.then_some(out)
}

pub fn member_path(base: &str, name: &str) -> String {
    // A name that starts with a digit is bracketed: `.0` would read as a list's item (and RFC
    // 9535's shorthand names start with a letter or `_`).
    if name.bytes().next().is_some_and(|c| !c.is_ascii_digit())
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        format!("{base}.{name}")
    } else {
        format!(
            "{base}['{}']",
            name.replace('\\', "\\\\").replace('\'', "\\'")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::parse_json;

    #[test]
    fn key_paths_name_list_items_and_keep_the_rest() {
        let n = parse_json(
            r#"{"clients": [{"clientId": "app", "secret": "s"}, {"id": 1}],
                "protocolMappers": [{"name": "it's", "config": {"a.b": "x"}}],
                "identityProviders": [{"alias": "okta", "name": "Okta"}],
                "users": [{"username": "jane"}], "list": [[1, 2]]}"#,
        )
        .unwrap();
        let key = |p: &str| key_path(&n, p);
        assert_eq!(
            key("$.clients[0].secret").as_deref(),
            Some(r#"$.clients[clientId="app"].secret"#)
        );
        assert_eq!(
            key("$.protocolMappers[0].config['a.b']").as_deref(),
            Some(r#"$.protocolMappers[name="it's"].config['a.b']"#)
        );
        // A quoted member that holds a quote, escaped as member_path writes it.
        let q = parse_json(r#"{"it's": [{"name": "m"}]}"#).unwrap();
        let quoted = member_path("$", "it's") + "[0]";
        assert_eq!(
            key_path(&q, &quoted).as_deref(),
            Some(r#"$['it\'s'][name="m"]"#)
        );
        assert_eq!(
            key("$.identityProviders[0]").as_deref(),
            Some(r#"$.identityProviders[alias="okta"]"#)
        );
        // No name (a user is never named by its username), nothing renamed, or no such path: None.
        for p in [
            "$.clients[1].id",
            "$.users[0].username",
            "$.list[0][1]",
            "$",
            "$.nope[3]",
            "x",
            "$[",
            "$['a",
        ] {
            assert_eq!(key(p), None, "{p}");
        }
    }

    fn sel(s: &str, n: &Node) -> Vec<String> {
        Selector::parse(s)
            .unwrap()
            .select(n)
            .into_iter()
            .map(|x| x.path())
            .collect()
    }

    #[test]
    fn members_wildcards_filters() {
        let n = parse_json(
            r#"{"attributes":{"saml.encrypt":"true"},"m":[{"name":"a","c":{"x":"1"}},{"name":"b"}],"f":true}"#,
        )
        .unwrap();
        assert_eq!(
            sel("$.attributes['saml.encrypt']", &n),
            ["$.attributes['saml.encrypt']"]
        );
        assert_eq!(sel("$.m[*].name", &n), ["$.m[0].name", "$.m[1].name"]);
        assert_eq!(sel("$.m[?(@.name == 'b')]", &n), ["$.m[1]"]);
        assert_eq!(sel("$.m[?@.name != 'b']", &n), ["$.m[0]"]);
        assert_eq!(sel("$.m[?(@.c.x == '1')].name", &n), ["$.m[0].name"]);
        assert_eq!(sel("$.m[?(@.c)]", &n), ["$.m[0]"]);
        assert_eq!(sel("$.m[?(@.name =~ /^[ab]$/)]", &n), ["$.m[0]", "$.m[1]"]);
        assert_eq!(sel("$.m[1]", &n), ["$.m[1]"]);
        // Filters joined by && all hold.
        assert_eq!(sel("$.m[?(@.name =~ /^[ab]$/ && @.c)]", &n), ["$.m[0]"]);
        assert_eq!(
            sel("$.m[?(@.name == 'b' && @.c)]", &n),
            Vec::<String>::new()
        );
        assert_eq!(sel("$.m[?@.c.x == '1' && @.name == 'a']", &n), ["$.m[0]"]);
        assert_eq!(sel("$.f", &n), ["$.f"]);
        assert!(sel("$.nothing.here", &n).is_empty());
    }

    #[test]
    fn errors_say_where() {
        for (s, at) in [
            ("a.b", 0),
            ("$.", 2),
            ("$[?(@.a == )]", 11),
            ("$['x", 4),
            ("$..a", 2),
            ("$[?(@.a =~ 'x')]", 14),
            ("$[?(@.a =~ /(/)]", 14),
            ("$[?(@.a && )]", 11),
        ] {
            let e = Selector::parse(s).unwrap_err();
            assert_eq!(e.offset, at, "{s}: {e:?}");
        }
    }
}
