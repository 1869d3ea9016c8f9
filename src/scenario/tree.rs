//! A TOML document as a tree that remembers where every value came from
//! (file, line, column, or a `--set` on the command line), so that `extends`
//! and `--set` can be merged before typing and every later error can still point
//! at the line the user wrote.

use std::fmt;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

/// Where a value was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// The file, or `--set KEY=VALUE` for a command-line override.
    pub source: Arc<str>,
    /// 1-based line; 0 for command-line overrides.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Origin {
    /// Whether the value came from a `--set` on the command line, not from a file.
    pub fn is_override(&self) -> bool {
        self.line == 0
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.source)
        } else {
            write!(f, "{}:{}:{}", self.source, self.line, self.column)
        }
    }
}

/// A value with its origin.
#[derive(Clone, Debug)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it was written (for table entries: where the key was written).
    pub origin: Origin,
}

/// A TOML value whose children are [`Node`]s.
#[derive(Clone, Debug)]
pub enum Value {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// An array.
    Array(Vec<Node>),
    /// A table, keys in the order written.
    Table(Vec<(String, Node)>),
}

/// One step of a path into the tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Turns byte offsets into 1-based line and column, in time independent of the
/// line's length where the line is ASCII (a column is then a byte count).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(i, &start)| {
                let end = starts.get(i + 1).copied().unwrap_or(text.len());
                text.as_bytes()[start..end].is_ascii()
            })
            .collect();
        Self {
            text,
            starts,
            ascii,
        }
    }

    fn origin(&self, source: &Arc<str>, offset: usize) -> Origin {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let end = offset.min(self.text.len()).max(start);
        let column = if self.ascii[line - 1] {
            end - start + 1
        } else {
            self.text
                .get(start..end)
                .map_or(1, |s| s.chars().count() + 1)
        };
        Origin {
            source: source.clone(),
            line,
            column,
        }
    }
}

/// A TOML syntax error, located.
#[derive(Debug)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub origin: Origin,
    /// The parser's message.
    pub message: String,
}

/// Parses TOML text into a tree; `source` names the file in later messages.
pub fn parse(text: &str, source: &Arc<str>) -> Result<Node, SyntaxError> {
    let index = LineIndex::new(text);
    let root = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = e.message().trim().to_string();
        // The parser does not say which key; its span does.
        if message == "duplicate key" {
            let key = text.get(span.clone()).unwrap_or("").trim();
            message = format!("duplicate key `{key}`: each key may appear once in a table");
        }
        SyntaxError {
            origin: index.origin(source, span.start),
            message,
        }
    })?;
    let origin = index.origin(source, 0);
    convert_table(root.get_ref(), origin, &index, source)
}

fn convert_table(
    table: &DeTable<'_>,
    origin: Origin,
    index: &LineIndex<'_>,
    source: &Arc<str>,
) -> Result<Node, SyntaxError> {
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let at = index.origin(source, key.span().start);
        let node = convert(value.get_ref(), at, index, source)?;
        entries.push((key.get_ref().to_string(), node));
    }
    Ok(Node {
        value: Value::Table(entries),
        origin,
    })
}

fn convert(
    value: &DeValue<'_>,
    origin: Origin,
    index: &LineIndex<'_>,
    source: &Arc<str>,
) -> Result<Node, SyntaxError> {
    let bad_number = |what: &str| SyntaxError {
        origin: origin.clone(),
        message: format!("`{what}` is not a number this program can read"),
    };
    let value = match value {
        DeValue::String(s) => Value::Str(s.to_string()),
        DeValue::Integer(i) => Value::Int(
            i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| bad_number(i.as_str()))?,
        ),
        DeValue::Float(f) => Value::Float(f.as_str().parse().map_err(|_| bad_number(f.as_str()))?),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(_) => {
            return Err(SyntaxError {
                origin,
                message: "dates are not used in scenarios; write durations such as \"30d\"".into(),
            });
        }
        DeValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                let at = index.origin(source, item.span().start);
                out.push(convert(item.get_ref(), at, index, source)?);
            }
            Value::Array(out)
        }
        DeValue::Table(t) => return convert_table(t, origin, index, source),
    };
    Ok(Node { value, origin })
}

impl Node {
    /// The entries if this is a table.
    pub fn as_table(&self) -> Option<&Vec<(String, Node)>> {
        match &self.value {
            Value::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The child under `key`, if this is a table that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_table()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The child under `key`, mutable, if this is a table that has it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        let Value::Table(t) = &mut self.value else {
            return None;
        };
        t.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Removes and returns the child under `key`.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let Value::Table(t) = &mut self.value else {
            return None;
        };
        let at = t.iter().position(|(k, _)| k == key)?;
        Some(t.remove(at).1)
    }

    /// The node at `path`, if there is one.
    pub fn at_mut(&mut self, path: &[Seg]) -> Option<&mut Node> {
        let mut node = self;
        for seg in path {
            node = match (seg, &mut node.value) {
                (Seg::Key(k), Value::Table(t)) => {
                    t.iter_mut().find(|(key, _)| key == k).map(|(_, v)| v)?
                }
                (Seg::Index(i), Value::Array(items)) => items.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Removes the table entry at `path`; false if there is none.
    pub fn remove_at(&mut self, path: &[Seg]) -> bool {
        let Some((Seg::Key(last), parent)) = path.split_last() else {
            return false;
        };
        self.at_mut(parent)
            .is_some_and(|table| table.remove(last).is_some())
    }

    /// The `name` of a table, as used to address tables in arrays.
    pub fn name(&self) -> Option<&str> {
        match &self.get("name")?.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A short word for the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }

    /// Merges `over` into `self`: tables merge key by key, arrays of named tables merge
    /// element by element (matched by `name`, new names appended), anything else is replaced.
    pub fn merge(&mut self, over: Node) {
        match (&mut self.value, over.value) {
            (Value::Table(base), Value::Table(entries)) => {
                for (key, node) in entries {
                    match base.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, existing)) => existing.merge(node),
                        None => base.push((key, node)),
                    }
                }
            }
            (Value::Array(base), Value::Array(items)) if all_named(base) && all_named(&items) => {
                for item in items {
                    let name = item.name().map(str::to_string);
                    match base
                        .iter_mut()
                        .find(|b| b.name().map(str::to_string) == name)
                    {
                        Some(existing) => existing.merge(item),
                        None => base.push(item),
                    }
                }
            }
            (_, value) => {
                self.value = value;
                self.origin = over.origin;
            }
        }
    }

    /// The node a `--set` key names (`call_types.psychosis.share`: tables in arrays by
    /// their `name` or index), if the scenario has it.
    pub fn lookup(&self, key: &str) -> Option<&Node> {
        let mut node = self;
        for seg in key.split('.') {
            node = match &node.value {
                Value::Table(_) => node.get(seg)?,
                Value::Array(items) => items
                    .iter()
                    .find(|n| n.name() == Some(seg))
                    .or_else(|| seg.parse::<usize>().ok().and_then(|i| items.get(i)))?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// Follows `path` as far as it goes; returns the deepest node reached.
    pub fn deepest(&self, path: &[Seg]) -> &Node {
        let mut node = self;
        for seg in path {
            let next = match (seg, &node.value) {
                (Seg::Key(k), Value::Table(_)) => node.get(k),
                (Seg::Index(i), Value::Array(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// Writes `path` for people: tables in arrays are shown by their name,
    /// e.g. `call_types.psychosis.share`.
    pub fn display_path(&self, path: &[Seg]) -> String {
        let mut node = Some(self);
        let mut out = String::new();
        for seg in path {
            let child = match (seg, node.map(|n| &n.value)) {
                (Seg::Key(k), Some(Value::Table(_))) => node.and_then(|n| n.get(k)),
                (Seg::Index(i), Some(Value::Array(items))) => items.get(*i),
                _ => None,
            };
            let label = match seg {
                Seg::Key(k) => k.clone(),
                Seg::Index(i) => child
                    .and_then(Node::name)
                    .map_or_else(|| format!("[{i}]"), str::to_string),
            };
            if !out.is_empty() && !label.starts_with('[') {
                out.push('.');
            }
            out.push_str(&label);
            node = child;
        }
        out
    }

    /// Converts to a plain TOML value for typed deserialization.
    pub fn to_toml(&self) -> toml::Value {
        match &self.value {
            Value::Str(s) => toml::Value::String(s.clone()),
            Value::Int(i) => toml::Value::Integer(*i),
            Value::Float(f) => toml::Value::Float(*f),
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Array(items) => toml::Value::Array(items.iter().map(Node::to_toml).collect()),
            Value::Table(entries) => toml::Value::Table(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_toml()))
                    .collect(),
            ),
        }
    }
}

fn all_named(items: &[Node]) -> bool {
    !items.is_empty() && items.iter().all(|n| n.name().is_some())
}

/// Applies one `--set KEY=VALUE`: tables in arrays are addressed by their `name`
/// (or a numeric index); missing table keys are created. The value is read as TOML,
/// or taken as a plain string when it is not valid TOML (`--set scenario.name=Big city`).
pub fn apply_set(root: &mut Node, assignment: &str) -> Result<(), String> {
    let origin = Origin {
        source: Arc::from(format!("--set {assignment}")),
        line: 0,
        column: 0,
    };
    let Some((key, raw)) = assignment.split_once('=') else {
        return Err("expected KEY=VALUE, e.g. --set responders.police.units=10".into());
    };
    let path: Vec<&str> = key.trim().split('.').collect();
    if path.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{key}` is not a key path; write e.g. scenario.replications"
        ));
    }
    let value = parse_set_value(raw.trim(), &origin)?;
    let mut node = root;
    for (depth, seg) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        node = step_into(node, seg, last.then(|| value.clone()), &origin)
            .map_err(|e| format!("`{}`: {e}", path[..=depth].join(".")))?;
    }
    Ok(())
}

fn parse_set_value(raw: &str, origin: &Origin) -> Result<Node, String> {
    let as_string = || Node {
        value: Value::Str(raw.to_string()),
        origin: origin.clone(),
    };
    let doc = format!("v = {raw}");
    match parse(&doc, &origin.source) {
        Ok(mut table) => {
            let value = table.remove("v");
            if table.as_table().is_some_and(|t| !t.is_empty()) {
                return Err(format!(
                    "`{raw}` holds more than one value; give one value per --set"
                ));
            }
            Ok(value.map_or_else(as_string, |mut v| {
                set_origin(&mut v, origin);
                v
            }))
        }
        Err(_) => Ok(as_string()),
    }
}

fn set_origin(node: &mut Node, origin: &Origin) {
    node.origin = origin.clone();
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|n| set_origin(n, origin)),
        Value::Table(entries) => entries.iter_mut().for_each(|(_, n)| set_origin(n, origin)),
        _ => {}
    }
}

fn step_into<'a>(
    node: &'a mut Node,
    seg: &str,
    assign: Option<Node>,
    origin: &Origin,
) -> Result<&'a mut Node, String> {
    let kind = node.type_name();
    match &mut node.value {
        Value::Table(entries) => {
            let at = match entries.iter().position(|(k, _)| k == seg) {
                Some(at) => at,
                None => {
                    let empty = Node {
                        value: Value::Table(Vec::new()),
                        origin: origin.clone(),
                    };
                    entries.push((seg.to_string(), empty));
                    entries.len() - 1
                }
            };
            let child = &mut entries[at].1;
            if let Some(value) = assign {
                *child = value;
            }
            Ok(child)
        }
        Value::Array(items) => {
            let found = items
                .iter()
                .position(|n| n.name() == Some(seg))
                .or_else(|| seg.parse::<usize>().ok().filter(|i| *i < items.len()));
            let Some(at) = found else {
                let names: Vec<&str> = items.iter().filter_map(Node::name).collect();
                let numbers = match items.len() {
                    0 => "it is empty".to_string(),
                    n => format!("entries are numbered 0 to {}", n - 1),
                };
                if names.is_empty() {
                    return Err(format!("no entry `{seg}`: {numbers}"));
                }
                return Err(format!(
                    "no entry named `{seg}`; known: {} ({numbers})",
                    names.join(", ")
                ));
            };
            if let Some(value) = assign {
                items[at] = value;
            }
            Ok(&mut items[at])
        }
        _ => Err(format!("is {kind}, which has no key `{seg}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Node {
        parse(text, &Arc::from("t.toml")).unwrap()
    }

    #[test]
    fn origins_point_at_keys() {
        let d = doc("[a]\nx = 1\n\n[[r]]\nname = \"p\"\n  units = 3\n");
        assert_eq!(d.get("a").unwrap().get("x").unwrap().origin.line, 2);
        let units = d.deepest(&[
            Seg::Key("r".into()),
            Seg::Index(0),
            Seg::Key("units".into()),
        ]);
        assert_eq!((units.origin.line, units.origin.column), (6, 3));
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse("a = 1\nb = = 2\n", &Arc::from("t.toml")).unwrap_err();
        assert_eq!(e.origin.line, 2);
    }

    #[test]
    fn merge_by_name_and_set() {
        let mut base = doc("[s]\nx = 1\ny = 2\n[[r]]\nname = \"p\"\nunits = 3\n");
        base.merge(doc(
            "[s]\ny = 5\n[[r]]\nname = \"p\"\nunits = 4\n[[r]]\nname = \"m\"\n",
        ));
        apply_set(&mut base, "r.m.units=7").unwrap();
        apply_set(&mut base, "s.label=Big city").unwrap();
        let t = base.to_toml();
        assert_eq!(t["s"]["x"].as_integer(), Some(1));
        assert_eq!(t["s"]["y"].as_integer(), Some(5));
        assert_eq!(t["r"][0]["units"].as_integer(), Some(4));
        assert_eq!(t["r"][1]["units"].as_integer(), Some(7));
        assert_eq!(t["s"]["label"].as_str(), Some("Big city"));
        let path = [
            Seg::Key("r".into()),
            Seg::Index(1),
            Seg::Key("units".into()),
        ];
        assert_eq!(base.display_path(&path), "r.m.units");
        assert!(
            apply_set(&mut base, "r.zz.units=1")
                .unwrap_err()
                .contains("known: p, m")
        );
        assert!(apply_set(&mut base, "s.x.deeper=1").is_err());
        assert!(apply_set(&mut base, "novalue").is_err());
    }

    /// A document `[s]` of integer keys and `[[r]]` of named tables with `units`.
    type Doc = (Vec<(String, i64)>, Vec<(String, i64)>);

    fn render((s, r): &Doc) -> String {
        let mut text = String::from("[s]\n");
        for (k, v) in s {
            text.push_str(&format!("{k} = {v}\n"));
        }
        for (name, units) in r {
            text.push_str(&format!("[[r]]\nname = \"{name}\"\nunits = {units}\n"));
        }
        text
    }

    fn unique(entries: Vec<(String, i64)>) -> Vec<(String, i64)> {
        let mut out: Vec<(String, i64)> = Vec::new();
        for (k, v) in entries {
            if !out.iter().any(|(o, _)| *o == k) {
                out.push((k, v));
            }
        }
        out
    }

    fn document() -> impl proptest::strategy::Strategy<Value = Doc> {
        use proptest::prelude::*;
        let entry = |keys: &'static [&'static str]| {
            (proptest::sample::select(keys), -50..50i64).prop_map(|(k, v)| (k.to_string(), v))
        };
        (
            proptest::collection::vec(entry(&["a", "b", "c", "d"]), 0..5).prop_map(unique),
            proptest::collection::vec(entry(&["p", "q", "m"]), 0..4).prop_map(unique),
        )
    }

    /// Base entries updated in place by the override's, the override's new ones appended.
    fn merged(base: &[(String, i64)], over: &[(String, i64)]) -> Vec<(String, i64)> {
        let mut out = base.to_vec();
        for (k, v) in over {
            match out.iter_mut().find(|(o, _)| o == k) {
                Some(e) => e.1 = *v,
                None => out.push((k.clone(), *v)),
            }
        }
        out
    }

    proptest::proptest! {
        /// `extends` merges tables key by key and arrays of tables by name, in the
        /// order a reader expects; `--set` then changes exactly the key it names.
        #[test]
        fn merging_and_setting_match_a_reference(
            base in document(),
            over in document(),
            key in proptest::sample::select(vec!["s.a", "s.d", "r.p.units", "r.q.units"]),
            value in -9..9i64,
        ) {
            let mut tree = doc(&render(&base));
            tree.merge(doc(&render(&over)));
            let mut want = (merged(&base.0, &over.0), merged(&base.1, &over.1));
            proptest::prop_assert_eq!(tree.to_toml(), doc(&render(&want)).to_toml());
            if key.starts_with("r.") && want.1.is_empty() {
                // No `[[r]]` anywhere: `--set` would create a plain table, as documented.
                return Ok(());
            }
            let applied = apply_set(&mut tree, &format!("{key}={value}"));
            match key.split('.').collect::<Vec<_>>()[..] {
                ["s", k] => {
                    proptest::prop_assert!(applied.is_ok());
                    want.0 = merged(&want.0, &[(k.to_string(), value)]);
                }
                ["r", name, _] if want.1.iter().any(|(n, _)| n == name) => {
                    proptest::prop_assert!(applied.is_ok());
                    want.1 = merged(&want.1, &[(name.to_string(), value)]);
                }
                _ => {
                    proptest::prop_assert!(applied.is_err(), "no table named so");
                    return Ok(());
                }
            }
            proptest::prop_assert_eq!(tree.to_toml(), doc(&render(&want)).to_toml());
        }
    }
}
