//! A plain tree of values read from TOML, JSON or a JS object, walked with the path of every node,
//! so that any error names the exact field (`visits[3].amount`) whatever the input format was.
//!
//! Numbers with a fraction are kept out on purpose: they arrive as binary floating point, and money
//! must not. Whole numbers are exact and accepted where a decimal is expected.

use crate::error::{Error, ErrorKind, Expected, Result};
use crate::limits::MAX_FIELD_CHARS;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Deepest nesting accepted; the formats here need five levels, and a bound keeps hostile input
/// (or a cyclic JS object) from exhausting the stack.
pub const MAX_DEPTH: usize = 16;

/// Texts borrow from the input where they can (JSON text without escapes): reading a scenario
/// then makes one allocation per object instead of one per key and value as well.
#[derive(Clone, Debug, PartialEq)]
pub enum Tree<'s> {
    Null,
    Bool(bool),
    Int(i64),
    /// A number with a fraction or beyond i64; never used as a value, only reported.
    Float,
    Str(Cow<'s, str>),
    List(Vec<Tree<'s>>),
    Table(Vec<(Cow<'s, str>, Tree<'s>)>),
}

impl<'s> Tree<'s> {
    /// Reads any self-describing serde input (serde_json, toml).
    pub fn read<D: Deserializer<'s>>(input: D) -> std::result::Result<Tree<'s>, D::Error> {
        TreeSeed { depth: 0 }.deserialize(input)
    }

    /// A text value, borrowed or owned.
    pub fn text(text: impl Into<Cow<'s, str>>) -> Tree<'s> {
        Tree::Str(text.into())
    }

    /// The tree as a node at `path`.
    pub fn node<'a>(&'a self, path: Path<'a>) -> Node<'a>
    where
        's: 'a,
    {
        Node { tree: self, path }
    }
}

/// Written back out as the value it was read from (a scenario decoded from a link goes to the page
/// this way); `Float` never leaves the core and is written as null.
impl Serialize for Tree<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Tree::Null | Tree::Float => serializer.serialize_unit(),
            Tree::Bool(b) => serializer.serialize_bool(*b),
            Tree::Int(i) => serializer.serialize_i64(*i),
            Tree::Str(s) => serializer.serialize_str(s),
            Tree::List(items) => serializer.collect_seq(items),
            Tree::Table(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

struct TreeSeed {
    depth: usize,
}

/// The key under which the `toml` crate hands over its date-time values.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

impl<'de> DeserializeSeed<'de> for TreeSeed {
    type Value = Tree<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Tree<'de>, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(de::Error::custom("nested too deeply"));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TreeSeed {
    type Value = Tree<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Tree<'de>, E> {
        Ok(i64::try_from(v).map_or(Tree::Float, Tree::Int))
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::Float)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::text(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::text(v))
    }
    fn visit_none<E>(self) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::Null)
    }
    fn visit_unit<E>(self) -> std::result::Result<Tree<'de>, E> {
        Ok(Tree::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Tree<'de>, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Tree<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(TreeSeed { depth: self.depth + 1 })? {
            items.push(item);
        }
        Ok(Tree::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Tree<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(TreeSeed { depth: self.depth + 1 })? {
            // JSON and TOML keys are always text; borrowed, like every other text.
            let Tree::Str(key) = key else { return Err(de::Error::custom("a key that is not text")) };
            let value = map.next_value_seed(TreeSeed { depth: self.depth + 1 })?;
            if key == TOML_DATETIME_KEY {
                return Ok(value);
            }
            entries.push((key, value));
        }
        Ok(Tree::Table(entries))
    }
}

/// Digits, with an optional sign in front.
fn is_whole_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Where a node is in its input, for errors (`visits[3].amount`): references to its parent's path,
/// so that reading builds no text; the text is made only when an error names the node.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The input itself, named by text: a file name, a link's part, or nothing.
    Root(&'a str),
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// `visits[3]` and `amount` make `visits[3].amount`; an empty root adds nothing.
    fn write_to(&self, out: &mut String) {
        match self {
            Path::Root(text) => out.push_str(text),
            Path::Key(parent, key) => {
                parent.write_to(out);
                if !out.is_empty() && !key.is_empty() && !key.starts_with('[') {
                    out.push('.');
                }
                out.push_str(key);
            }
            Path::Index(parent, index) => {
                parent.write_to(out);
                out.push('[');
                out.push_str(&index.to_string());
                out.push(']');
            }
        }
    }
}

impl<'a> From<&'a str> for Path<'a> {
    fn from(text: &'a str) -> Path<'a> {
        Path::Root(text)
    }
}

impl From<Path<'_>> for String {
    fn from(path: Path<'_>) -> String {
        let mut text = String::new();
        path.write_to(&mut text);
        text
    }
}

/// Joins a field path: `join("visits[3]", "amount") == "visits[3].amount"`.
pub fn join(prefix: &str, field: &str) -> String {
    Path::Key(&Path::Root(prefix), field).into()
}

/// A value in the tree together with its path.
#[derive(Clone, Copy, Debug)]
pub struct Node<'a> {
    pub tree: &'a Tree<'a>,
    path: Path<'a>,
}

impl<'a> Node<'a> {
    pub fn path(&self) -> Path<'a> {
        self.path
    }

    pub fn error(&self, kind: ErrorKind) -> Error {
        Error::new(self.path, kind)
    }

    fn wrong(&self, expected: Expected) -> Error {
        self.error(ErrorKind::WrongType { expected })
    }

    pub fn is_null(&self) -> bool {
        matches!(self.tree, Tree::Null)
    }

    pub fn text(&self) -> Result<&'a str> {
        match self.tree {
            // Counting characters only when the bytes could be too many.
            Tree::Str(s) if s.len() > MAX_FIELD_CHARS && s.chars().count() > MAX_FIELD_CHARS => {
                Err(self.error(ErrorKind::TooLong { max_chars: MAX_FIELD_CHARS }))
            }
            Tree::Str(s) => Ok(s),
            _ => Err(self.wrong(Expected::Text)),
        }
    }

    /// Free prose (titles, notes): no length limit beyond the file's own.
    pub fn prose(&self) -> Result<&'a str> {
        match self.tree {
            Tree::Str(s) => Ok(s),
            _ => Err(self.wrong(Expected::Text)),
        }
    }

    /// A decimal written as a string, or a whole number (exact either way).
    pub fn decimal_text(&self) -> Result<Cow<'a, str>> {
        match self.tree {
            Tree::Int(i) => Ok(Cow::Owned(i.to_string())),
            Tree::Str(_) => self.text().map(Cow::Borrowed),
            _ => Err(self.wrong(Expected::DecimalText)),
        }
    }

    pub fn boolean(&self) -> Result<bool> {
        match self.tree {
            Tree::Bool(b) => Ok(*b),
            _ => Err(self.wrong(Expected::Boolean)),
        }
    }

    /// A whole number: a JSON integer, or one written as text (a form field sends what was typed),
    /// which is then "too large" rather than "not a whole number" beyond the range of `i64`.
    pub fn integer(&self) -> Result<i64> {
        match self.tree {
            Tree::Int(i) => Ok(*i),
            // An emptied input: say it is needed rather than that "" is not a whole number.
            Tree::Str(s) if s.trim().is_empty() => Err(self.error(ErrorKind::Missing)),
            Tree::Str(s) if is_whole_number(s.trim()) => {
                s.trim().parse().map_err(|_| self.error(ErrorKind::NumberTooLarge))
            }
            _ => Err(self.wrong(Expected::Integer)),
        }
    }

    pub fn list(&self) -> Result<&'a [Tree<'a>]> {
        match self.tree {
            Tree::List(items) => Ok(items),
            _ => Err(self.wrong(Expected::List)),
        }
    }

    pub fn table(&self) -> Result<&'a [(Cow<'a, str>, Tree<'a>)]> {
        match self.tree {
            Tree::Table(entries) => Ok(entries),
            _ => Err(self.wrong(Expected::Table)),
        }
    }
}

/// A table checked for unknown keys, whose fields are looked up by name.
pub struct Table<'a> {
    entries: &'a [(Cow<'a, str>, Tree<'a>)],
    pub path: Path<'a>,
}

impl<'a> Table<'a> {
    /// Opens `tree` as a table at `path` and refuses any key not in `allowed`.
    pub fn open(tree: &'a Tree<'a>, path: Path<'a>, allowed: &[&'static str]) -> Result<Table<'a>> {
        let entries = as_table(tree, path)?;
        for (key, _) in entries {
            if !allowed.contains(&key.as_ref()) {
                return Err(Error::new(Path::Key(&path, key), ErrorKind::UnknownKey { allowed: allowed.to_vec() }));
            }
        }
        Table::open_map(tree, path)
    }

    /// Opens `tree` as a table whose keys are free (a map such as `[sources]`).
    pub fn open_map(tree: &'a Tree<'a>, path: Path<'a>) -> Result<Table<'a>> {
        let entries = as_table(tree, path)?;
        // JSON allows a key twice and would let one silently win; refuse instead.
        for (i, (key, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(k, _)| k == key) {
                return Err(Error::new(Path::Key(&path, key), ErrorKind::DuplicateKey));
            }
        }
        Ok(Table { entries, path })
    }

    pub fn field_path<'k>(&'k self, key: &'k str) -> Path<'k> {
        Path::Key(&self.path, key)
    }

    pub fn get(&self, key: &str) -> Option<&'a Tree<'a>> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !matches!(v, Tree::Null))
    }

    pub fn require(&self, key: &str) -> Result<&'a Tree<'a>> {
        self.get(key).ok_or_else(|| Error::new(self.field_path(key), ErrorKind::Missing))
    }

    pub fn entries(&self) -> impl Iterator<Item = (&'a str, &'a Tree<'a>)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Reads a required field with `read(node)`, the node carrying the field's path.
    pub fn read<T>(&self, key: &str, read: impl FnOnce(Node<'_>) -> Result<T>) -> Result<T> {
        read(Node { tree: self.require(key)?, path: self.field_path(key) })
    }

    /// Reads an optional field; absent or null gives `None`.
    pub fn read_opt<T>(&self, key: &str, read: impl FnOnce(Node<'_>) -> Result<T>) -> Result<Option<T>> {
        self.get(key).map(|tree| read(Node { tree, path: self.field_path(key) })).transpose()
    }
}

fn as_table<'a>(tree: &'a Tree<'a>, path: Path<'_>) -> Result<&'a [(Cow<'a, str>, Tree<'a>)]> {
    match tree {
        Tree::Table(entries) => Ok(entries),
        _ => Err(Error::new(path, ErrorKind::WrongType { expected: Expected::Table })),
    }
}

/// Calls `read(index, node)` for each item of a list, each node carrying `path[index]`.
pub fn each<T>(
    items: &[Tree<'_>],
    path: Path<'_>,
    mut read: impl FnMut(usize, Node<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    items.iter().enumerate().map(|(i, tree)| read(i, Node { tree, path: Path::Index(&path, i) })).collect()
}
