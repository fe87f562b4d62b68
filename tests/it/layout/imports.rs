//! The module graph of `src/`, read from the source text: which module uses which.
//! A module is a file (`a/mod.rs` is the module `a`); it uses another when its code
//! (before its unit tests) names a path into it — `crate::…`, `super::…`, `self::…`, or
//! a child module it declares — directly or in a `use …::{…}` group. Comments are not
//! code. Paths resolve to the longest prefix that is a module, so `super::plan::Plan`
//! is an arrow to `plan`, and `super::Plan` (an item of the parent, or re-exported by
//! it) an arrow to the parent.

use std::collections::{BTreeMap, BTreeSet};

pub type Module = Vec<String>;

pub fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Other,
}

/// The code without comments (line and block) and without the contents of string and
/// character literals (raw strings too), which may hold anything.
fn strip(code: &str) -> String {
    let c: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        match c[i] {
            '/' if next == Some('/') => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') => {
                i += 2;
                while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            // A raw string: r"…", r#"…"#, br##"…"##.
            'r' if (next == Some('"') || next == Some('#'))
                && (i == 0
                    || !(c[i - 1].is_alphanumeric() || c[i - 1] == '_')
                    || c[i - 1] == 'b') =>
            {
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                while j < c.len() {
                    if c[j] == '"' && (1..=hashes).all(|h| c.get(j + h) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
                continue;
            }
            '"' => {
                i += 1;
                while i < c.len() && c[i] != '"' {
                    i += if c[i] == '\\' { 2 } else { 1 };
                }
                out.push_str("\"\"");
                i += 1;
                continue;
            }
            // A character literal ('x', '\n', '\''), not a lifetime ('a).
            '\'' if next == Some('\\') => {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
                continue;
            }
            '\'' if c.get(i + 2) == Some(&'\'') => {
                i += 3;
                out.push_str("' '");
                continue;
            }
            ch => out.push(ch),
        }
        i += 1;
    }
    out
}

fn tokens(code: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token::Path);
            i += 2;
            continue;
        }
        out.push(match c {
            '{' => Token::Open,
            '}' => Token::Close,
            ',' => Token::Comma,
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            _ => Token::Other,
        });
        i += 1;
    }
    out
}

/// Every path the code names (`a::b::c`), and for a group `a::b::{c, d::e}` the paths
/// `a::b::c` and `a::b::d` too.
fn paths(code: &str) -> Vec<Vec<String>> {
    let tokens = tokens(&strip(code));
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let after_path = i > 0 && tokens[i - 1] == Token::Path;
        let Token::Ident(first) = &tokens[i] else {
            i += 1;
            continue;
        };
        // `pub(in crate::a)` limits who sees an item; it uses nothing.
        let visibility = i >= 3
            && tokens[i - 1] == Token::Ident("in".into())
            && tokens[i - 2] == Token::Other
            && tokens[i - 3] == Token::Ident("pub".into());
        if after_path || visibility || tokens.get(i + 1) != Some(&Token::Path) {
            i += 1;
            continue;
        }
        let mut path = vec![first.clone()];
        // A group's prefix alone (`super` in `use super::{a, b}`) names no item.
        let mut grouped = false;
        let mut j = i + 1;
        while tokens.get(j) == Some(&Token::Path) {
            match tokens.get(j + 1) {
                Some(Token::Ident(next)) => {
                    path.push(next.clone());
                    j += 2;
                }
                Some(Token::Open) => {
                    // A group: the first name of each item, at this level only.
                    let mut depth = 0;
                    let mut expect = true;
                    let mut k = j + 1;
                    while let Some(t) = tokens.get(k) {
                        match t {
                            Token::Open => depth += 1,
                            Token::Close => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            Token::Comma if depth == 1 => expect = true,
                            Token::Ident(item) if depth == 1 && expect => {
                                let mut p = path.clone();
                                p.push(item.clone());
                                out.push(p);
                                expect = false;
                            }
                            _ => {}
                        }
                        k += 1;
                    }
                    j = k;
                    grouped = true;
                    break;
                }
                _ => break,
            }
        }
        if !grouped {
            out.push(path);
        }
        i = j.max(i + 1);
    }
    out
}

/// The code of a file, before its unit tests.
pub fn before_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// The children a module declares (`mod x;`, `pub mod x;`, `pub(crate) mod x;`).
fn children(code: &str) -> BTreeSet<String> {
    let tokens = tokens(&strip(code));
    let mut out = BTreeSet::new();
    for w in tokens.windows(3) {
        if let [Token::Ident(m), Token::Ident(name), Token::Other] = w {
            if m == "mod" {
                out.insert(name.clone());
            }
        }
    }
    out
}

/// Each module's arrows to the other modules of `modules` (module → its code).
pub fn graph(modules: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut edges = BTreeMap::new();
    for (module, code) in modules {
        let code = before_tests(code);
        let kids = children(code);
        let mut to = BTreeSet::new();
        for path in paths(code) {
            let (mut full, rest) = match path[0].as_str() {
                "crate" => (Vec::new(), &path[1..]),
                "super" | "self" => {
                    let mut base = module.clone();
                    let mut rest = &path[..];
                    while let Some(first) = rest.first() {
                        match first.as_str() {
                            "super" => {
                                base.pop();
                            }
                            "self" => {}
                            _ => break,
                        }
                        rest = &rest[1..];
                    }
                    (base, rest)
                }
                child if kids.contains(child) => (module.clone(), &path[..]),
                _ => continue,
            };
            full.extend(rest.iter().cloned());
            let target = (0..=full.len())
                .rev()
                .map(|k| full[..k].to_vec())
                .find(|m| modules.contains_key(m));
            if let Some(target) = target.filter(|t| t != module) {
                to.insert(target);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

/// A cycle of arrows, if there is one: the modules in order, the first repeated last.
pub fn cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    // Depth-first search; a module on the current path reached again closes a cycle.
    fn visit(
        m: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        path: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(at) = path.iter().position(|p| p == m) {
            let mut cycle = path[at..].to_vec();
            cycle.push(m.clone());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        if let Some(c) = visit(m, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}
