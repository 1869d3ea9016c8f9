//! Reading scenario files: TOML with origins, `extends`, `--set`, and the typed
//! [`Scenario`]. Every error names the file, line, column and key.

mod follow;
pub mod schema;
pub mod tree;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use schema::Scenario;
use tree::{Node, Origin, Seg};

/// An error at a place in the scenario.
#[derive(Debug, Clone)]
pub struct Located {
    /// Where.
    pub origin: Origin,
    /// The key, e.g. `call_types.psychosis.share` (empty for the whole file).
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.origin, self.message)
        } else {
            write!(f, "{}: key `{}`: {}", self.origin, self.key, self.message)
        }
    }
}

/// Why a scenario could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read the scenario: {why}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// Bad TOML, a bad `extends` or a bad `--set`.
    #[error("{0}")]
    Invalid(Located),
    /// Keys the scenario format does not know or of the wrong type, all of them.
    #[error("{}", lines(.0))]
    Schema(Vec<Located>),
}

impl ScenarioError {
    /// Whether the first problem comes from a `--set` override rather than a file.
    pub fn from_override(&self) -> bool {
        match self {
            ScenarioError::Read { .. } => false,
            ScenarioError::Invalid(l) => l.origin.is_override(),
            ScenarioError::Schema(all) => all.first().is_some_and(|l| l.origin.is_override()),
        }
    }
}

fn lines(problems: &[Located]) -> String {
    let text: Vec<String> = problems.iter().map(Located::to_string).collect();
    text.join("\n")
}

/// Schema errors reported at most, so a file of another format does not flood the screen.
const MAX_SCHEMA_ERRORS: usize = 20;

/// A scenario read from disk, with the tree it came from (for locating later errors).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The typed scenario.
    pub scenario: Scenario,
    /// The merged tree, with origins.
    pub tree: Node,
    /// The file that was loaded.
    pub path: PathBuf,
    /// The text of that file, as the user wrote it.
    pub text: String,
    /// `(path, text)` of the files it extends, nearest base first.
    pub bases: Vec<(String, String)>,
    /// What some `--set` keys changed besides themselves, for the console.
    pub notes: Vec<String>,
}

impl Loaded {
    /// An error located at `path` (or at the nearest enclosing key that exists).
    pub fn error_at(&self, path: &[Seg], message: impl Into<String>) -> Located {
        Located {
            origin: self.tree.deepest(path).origin.clone(),
            key: self.tree.display_path(path),
            message: message.into(),
        }
    }
}

impl Loaded {
    /// The files it was read from: the scenario and every file it extends.
    pub fn paths(&self) -> Vec<&Path> {
        std::iter::once(self.path.as_path())
            .chain(self.bases.iter().map(|(p, _)| Path::new(p.as_str())))
            .collect()
    }

    /// The comment beside the value at `origin` (after it on its line, or else the
    /// comment lines just above it): where a scenario says where a value came from.
    pub fn comment_at(&self, origin: &Origin) -> String {
        let file: &str = &origin.source;
        let text = if file == self.path.display().to_string() {
            Some(&self.text)
        } else {
            self.bases.iter().find(|(p, _)| p == file).map(|(_, t)| t)
        };
        let Some(text) = text else {
            return String::new();
        };
        let lines: Vec<&str> = text.lines().collect();
        let Some(at) = origin.line.checked_sub(1).filter(|i| *i < lines.len()) else {
            return String::new();
        };
        let line = lines[at];
        let after_value = line.rfind('"').map_or(0, |q| q + 1);
        if let Some(hash) = line[after_value..].find('#') {
            return line[after_value + hash + 1..].trim().to_string();
        }
        let above: Vec<&str> = lines[..at]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with('#'))
            .map(|l| l.trim_start().trim_start_matches('#').trim())
            .collect();
        above.into_iter().rev().collect::<Vec<_>>().join(" ")
    }
}

/// Reads `path`, follows `extends`, applies each `--set KEY=VALUE`, and types the result.
pub fn load(path: &Path, sets: &[String]) -> Result<Loaded, ScenarioError> {
    let text = read_text(path)?;
    let mut bases = Vec::new();
    let root = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut near = Vec::new();
    let mut notes = Vec::new();
    let mut tree = load_tree(
        path,
        &text,
        &mut vec![root],
        &mut bases,
        (&mut near, &mut notes),
    )?;
    for set in sets {
        tree::apply_set(&mut tree, set).map_err(|message| {
            ScenarioError::Invalid(Located {
                origin: Origin {
                    source: Arc::from(format!("--set {set}")),
                    line: 0,
                    column: 0,
                },
                key: String::new(),
                message,
            })
        })?;
    }
    notes.extend(follow::apply(&mut tree, sets));
    let scenario =
        typed(&tree).map_err(|problems| ScenarioError::Schema(hinted(problems, &near)))?;
    Ok(Loaded {
        scenario,
        tree,
        path: path.to_path_buf(),
        text,
        bases,
        notes,
    })
}

/// Parses one file and, if it `extends` another, merges it over its base.
fn load_tree(
    path: &Path,
    text: &str,
    chain: &mut Vec<PathBuf>,
    bases: &mut Vec<(String, String)>,
    (near, notes): (&mut Vec<NearMiss>, &mut Vec<String>),
) -> Result<Node, ScenarioError> {
    let source: Arc<str> = Arc::from(path.display().to_string());
    let mut node = tree::parse(text, &source).map_err(|e| {
        ScenarioError::Invalid(Located {
            origin: e.origin,
            key: String::new(),
            message: format!("TOML syntax error: {}", e.message),
        })
    })?;
    let Some(extends) = node.remove("extends") else {
        return Ok(node);
    };
    let bad = |message: String| {
        ScenarioError::Invalid(Located {
            origin: extends.origin.clone(),
            key: "extends".into(),
            message,
        })
    };
    let tree::Value::Str(base_name) = &extends.value else {
        return Err(bad(format!(
            "is {}; write the path of the base scenario as a string",
            extends.type_name()
        )));
    };
    let base_path = path.parent().unwrap_or(Path::new(".")).join(base_name);
    let canonical = base_path
        .canonicalize()
        .unwrap_or_else(|_| base_path.clone());
    if let Some(at) = chain.iter().position(|c| *c == canonical) {
        let names: Vec<String> = chain[at..]
            .iter()
            .chain([&canonical])
            .map(|p| {
                p.file_name()
                    .map_or(String::new(), |n| n.to_string_lossy().to_string())
            })
            .collect();
        return Err(bad(format!(
            "`{base_name}` makes a cycle: {}",
            names.join(" → ")
        )));
    }
    let base_text = read_text(&base_path).map_err(|e| match e {
        ScenarioError::Read { why, .. } => {
            bad(format!("cannot read `{}`: {why}", base_path.display()))
        }
        other => other,
    })?;
    if chain.len() >= MAX_EXTENDS {
        return Err(bad(format!(
            "more than {MAX_EXTENDS} files extend one another; a scenario may extend at \
             most {MAX_EXTENDS} levels deep"
        )));
    }
    chain.push(canonical);
    bases.push((base_path.display().to_string(), base_text.clone()));
    let mut base = load_tree(
        &base_path,
        &base_text,
        chain,
        bases,
        (&mut *near, &mut *notes),
    )?;
    chain.pop();
    near.extend(near_misses(&base, &node));
    notes.extend(follow::extending(&mut base, &node));
    base.merge(node);
    Ok(base)
}

/// A named table an `extends` file adds whose name is close to one its base has: most
/// likely a misspelling of the base's, which would otherwise silently become a new entry.
struct NearMiss {
    /// The key of the entry as added (`call_types.psychossis`).
    key: String,
    /// The base's name it is close to.
    meant: String,
}

/// The named tables of `over` (in `zones`, `call_types`, `facilities`, `responders`) that
/// `base` lacks and whose names are close to one it has ([`crate::text::closest`]).
fn near_misses(base: &Node, over: &Node) -> Vec<NearMiss> {
    let mut out = Vec::new();
    for array in ["zones", "call_types", "facilities", "responders"] {
        let names = |n: &Node| -> Vec<String> {
            match n.get(array).map(|a| &a.value) {
                Some(tree::Value::Array(items)) => items
                    .iter()
                    .filter_map(|i| i.name().map(String::from))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let known = names(base);
        for name in names(over).into_iter().filter(|n| !known.contains(n)) {
            if let Some(meant) = crate::text::closest(&name, known.iter().map(String::as_str)) {
                out.push(NearMiss {
                    key: format!("{array}.{name}"),
                    meant: meant.to_string(),
                });
            }
        }
    }
    out
}

/// Adds "did you mean" to a problem inside an entry that looks like a misspelt name.
fn hinted(mut problems: Vec<Located>, near: &[NearMiss]) -> Vec<Located> {
    for p in &mut problems {
        let miss = near
            .iter()
            .find(|m| p.key == m.key || p.key.starts_with(&format!("{}.", m.key)));
        if let Some(m) = miss {
            let (array, name) = m.key.split_once('.').unwrap_or_default();
            p.message.push_str(&format!(
                " (the base scenario has no {array} entry `{name}`, so this adds a new one; did \
                 you mean `{}`?)",
                m.meant
            ));
        }
    }
    problems
}

/// Types the tree. serde stops at the first problem, so each problem's key is taken
/// out and the rest typed again, until it types or nothing more can be taken out; a
/// required key reported missing because its bad value was taken out is not reported
/// twice.
fn typed(tree: &Node) -> Result<Scenario, Vec<Located>> {
    let mut work = tree.clone();
    let mut problems = Vec::new();
    out_of_range_numbers(tree, &mut Vec::new(), &mut problems, &mut work);
    let mut removed: Vec<Vec<Seg>> = Vec::new();
    loop {
        let e = match serde_path_to_error::deserialize(work.to_toml()) {
            Ok(scenario) if problems.is_empty() => return Ok(scenario),
            Ok(_) => return Err(in_file_order(problems)),
            Err(e) => e,
        };
        let path = convert_path(e.path());
        let message = e.into_inner().message().to_string();
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
            .map(|k| [path.as_slice(), &[Seg::Key(k.to_string())]].concat());
        if missing.is_some_and(|m| removed.contains(&m)) {
            return Err(in_file_order(problems));
        }
        problems.push(Located {
            origin: tree.deepest(&path).origin.clone(),
            key: tree.display_path(&path),
            message: explain(&message),
        });
        if problems.len() >= MAX_SCHEMA_ERRORS || !set_aside(&mut work, &path, &message) {
            return Err(in_file_order(problems));
        }
        removed.push(path);
    }
}

/// The largest size of any number in a scenario: beyond it (or not finite) a value
/// is a slip, and arithmetic on it gives nonsense rather than an error.
pub const MAX_NUMBER: f64 = 1e15;

/// Every float that is not finite or beyond [`MAX_NUMBER`] in size, as problems; each
/// is set to 0 in `work` so that typing can go on and find the rest.
fn out_of_range_numbers(
    node: &Node,
    path: &mut Vec<Seg>,
    problems: &mut Vec<Located>,
    work: &mut Node,
) {
    match &node.value {
        tree::Value::Float(x) if !(x.is_finite() && x.abs() <= MAX_NUMBER) => {
            problems.push(Located {
                origin: node.origin.clone(),
                key: work.display_path(path),
                message: format!(
                    "{x:e} is out of range; numbers must be finite and at most 1e15 in size"
                ),
            });
            if let Some(n) = work.at_mut(path) {
                n.value = tree::Value::Float(0.0);
            }
        }
        // Seeds are whole numbers of any size.
        tree::Value::Int(i) if (*i as f64).abs() > MAX_NUMBER && !is_seed(path) => {
            problems.push(Located {
                origin: node.origin.clone(),
                key: work.display_path(path),
                message: format!("{i} is out of range; numbers must be at most 1e15 in size"),
            });
            if let Some(n) = work.at_mut(path) {
                n.value = tree::Value::Int(0);
            }
        }
        tree::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                out_of_range_numbers(item, path, problems, work);
                path.pop();
            }
        }
        tree::Value::Table(entries) => {
            for (key, child) in entries {
                path.push(Seg::Key(key.clone()));
                out_of_range_numbers(child, path, problems, work);
                path.pop();
            }
        }
        _ => {}
    }
}

fn is_seed(path: &[Seg]) -> bool {
    path == [Seg::Key("scenario".into()), Seg::Key("seed".into())]
}

fn in_file_order(mut problems: Vec<Located>) -> Vec<Located> {
    problems.sort_by(|a, b| {
        let place = |p: &Located| (p.origin.source.clone(), p.origin.line, p.origin.column);
        place(a).cmp(&place(b))
    });
    problems
}

/// Puts a problem out of serde's way so the rest can be typed: an unknown key is taken
/// out, a value of the wrong type becomes a stand-in of the right one (the scenario is
/// refused anyway), anything else is taken out. False when nothing could be done.
fn set_aside(work: &mut Node, path: &[Seg], message: &str) -> bool {
    let stand_in = if message.starts_with("unknown field") {
        None
    } else if ["f64", "u32", "u64", "i64", "usize"]
        .iter()
        .any(|t| message.ends_with(&format!("expected {t}")))
    {
        Some(tree::Value::Int(1))
    } else if message.ends_with("expected a string") {
        Some(tree::Value::Str(String::new()))
    } else if message.ends_with("expected a boolean") {
        Some(tree::Value::Bool(false))
    } else if message.ends_with("expected a sequence") {
        Some(tree::Value::Array(Vec::new()))
    } else {
        None
    };
    match (stand_in, work.at_mut(path)) {
        (Some(value), Some(node)) => {
            node.value = value;
            true
        }
        _ => work.remove_at(path),
    }
}

/// Largest scenario file read: real ones are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// How many files deep `extends` may go.
pub const MAX_EXTENDS: usize = 32;

/// Reads a scenario file: a regular file (not a device or a pipe, which could be
/// endless), at most [`MAX_FILE_BYTES`], UTF-8 (a byte-order mark is dropped); bad
/// encoding is reported at its line and column.
fn read_text(path: &Path) -> Result<String, ScenarioError> {
    let fail = |why: String| ScenarioError::Read {
        path: path.display().to_string(),
        why,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "{} bytes; a scenario file is at most {} MiB",
            meta.len(),
            MAX_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(invalid_at(
            path,
            &[],
            "the file is UTF-16; save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => Err(invalid_at(
            path,
            &bytes[..e.valid_up_to()],
            "a byte that is not UTF-8; save the file as UTF-8",
        )),
    }
}

/// An error at the end of `before` (the valid text preceding the problem).
fn invalid_at(path: &Path, before: &[u8], message: &str) -> ScenarioError {
    let text = String::from_utf8_lossy(before);
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    ScenarioError::Invalid(Located {
        origin: Origin {
            source: Arc::from(path.display().to_string()),
            line,
            column,
        },
        key: String::new(),
        message: message.to_string(),
    })
}

fn convert_path(path: &serde_path_to_error::Path) -> Vec<Seg> {
    path.iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

/// Rewords serde's messages for people who write scenarios, not Rust.
fn explain(message: &str) -> String {
    let m = message
        .replace("invalid type: ", "wrong type: found ")
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .replace("expected u32", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected an array");
    // serde names Rust types ("expected struct Zone"); a scenario has tables.
    let m = match m.find("expected struct ") {
        Some(at) => format!("{}expected a table", &m[..at]),
        None => m,
    };
    let number = m.contains("found integer") || m.contains("found floating point");
    if m.contains("integer `-") && m.contains("whole number") {
        format!("{m} (negative values are not allowed)")
    } else if number && m.ends_with("expected a string") {
        format!(
            "{m}; a duration or distribution is written in quotes with its unit, such as \"15min\" or \"exp(30min)\""
        )
    } else {
        m
    }
}
