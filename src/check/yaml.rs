//! Compose files as YAML trees whose nodes know their lines, read by serde-saphyr.
//!
//! A real parser, because compose files use all of YAML: flow lists (`volumes: [".:/app"]`),
//! anchors, aliases and `<<:` merges (`x-common: &common`), block scalars (`command: |`).
//! serde-saphyr resolves aliases and merges and gives every value two places: where it is
//! written (`defined`) and where it is used (`referenced`, the alias or the `<<:` entry). A rule
//! reports a finding at the first and names the second, so the user sees both the mount and the
//! service that inherits it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned, UserMessageFormatter};

/// A node of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// 1-based line where the node is written (for an alias or merge, in the anchored node).
    pub line: usize,
    /// 1-based line of the alias or `<<:` entry that brought the node here, when it came
    /// through one.
    pub via: Option<usize>,
}

/// The value of a node. Scalars are kept as text (`true`, `8080`) because the rules compare text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A mapping, in document order (merged keys after the mapping's own).
    Map(Vec<(String, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar, as text.
    Scalar(String),
    /// `~`, `null` or nothing.
    Null,
}

/// Why a text is not YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based line; 0 when the parser does not know.
    pub line: usize,
    /// 1-based column; 0 when the parser does not know.
    pub column: usize,
    /// What the parser said, lower-case, without the place.
    pub message: String,
}

impl Node {
    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of a mapping (none for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (none for anything else).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }
}

/// Parses one YAML document (an empty text is `Null`).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    // Without the snippet the message is one line; the finding gives the place itself.
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options::<Spanned<Raw>>(text, options) {
        Ok(root) => Ok(convert(root)),
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| (l.line() as usize, l.column() as usize))
                .unwrap_or((0, 0));
            let message = UserMessageFormatter.format_message(e.without_snippet());
            let mut chars = message.trim().chars();
            let message = match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "not valid YAML".to_string(),
            };
            Err(SyntaxError {
                line,
                column,
                message,
            })
        }
    }
}

/// The tree as serde-saphyr hands it over: every child wrapped in its places.
enum Raw {
    Map(Vec<(Spanned<Raw>, Spanned<Raw>)>),
    Seq(Vec<Spanned<Raw>>),
    Scalar(String),
    Null,
}

fn convert(node: Spanned<Raw>) -> Node {
    let line = node.defined.line() as usize;
    let used = node.referenced.line() as usize;
    let value = match node.value {
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (key_text(k.value), convert(v)))
                .collect(),
        ),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(convert).collect()),
        Raw::Scalar(s) => Value::Scalar(s),
        Raw::Null => Value::Null,
    };
    Node {
        value,
        line,
        via: (used != line && used != 0).then_some(used),
    }
}

/// A key as text; compose keys are strings, so a complex key only needs to not match any.
fn key_text(key: Raw) -> String {
    match key {
        Raw::Scalar(s) => s,
        Raw::Null => String::new(),
        Raw::Map(_) | Raw::Seq(_) => "?".to_string(),
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Scalar(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Scalar(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Raw, E> {
        Ok(Raw::Scalar(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw, D::Error> {
        Raw::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(node: &'a Node, path: &[&str]) -> &'a Node {
        path.iter().fold(node, |n, key| match key.parse::<usize>() {
            Ok(i) => &n.items()[i],
            Err(_) => n.get(key).unwrap_or_else(|| panic!("no `{key}` in {n:?}")),
        })
    }

    #[test]
    fn block_flow_and_long_syntax_keep_their_lines() {
        let text = "services:\n  web:  # the app\n    build:\n      context: .\n      target: development\n    volumes:\n      - .:/app:ro\n      - \"/app/node_modules\"\n      - type: bind\n        source: .\n        target: /app\n        read_only: yes\n  api:\n    volumes: [\".:/src\", {type: bind, source: ./, target: /x}]\n";
        let root = parse(text).unwrap();
        let web = at(&root, &["services", "web"]);
        assert_eq!(at(web, &["build", "target"]).as_str(), Some("development"));
        let short = at(web, &["volumes", "0"]);
        assert_eq!(
            (short.as_str(), short.line, short.via),
            (Some(".:/app:ro"), 7, None)
        );
        assert_eq!(at(web, &["volumes", "2", "source"]).line, 10);
        assert_eq!(
            at(web, &["volumes", "2", "read_only"]).as_str(),
            Some("true")
        );
        let flow = at(&root, &["services", "api", "volumes"]);
        assert_eq!(
            (flow.items()[0].as_str(), flow.items()[0].line),
            (Some(".:/src"), 14)
        );
        assert_eq!(at(flow, &["1", "source"]).as_str(), Some("./"));
    }

    #[test]
    fn aliases_and_merges_point_at_the_anchor_and_the_use() {
        let text = "x-base: &base\n  volumes:\n    - .:/app\nservices:\n  web:\n    <<: *base\n    command: |\n      run\n      - .:/nope\n  worker: *base\n";
        let root = parse(text).unwrap();
        let web = at(&root, &["services", "web", "volumes", "0"]);
        assert_eq!(
            (web.as_str(), web.line, web.via),
            (Some(".:/app"), 3, Some(6))
        );
        assert_eq!(
            at(&root, &["services", "web", "command"]).as_str(),
            Some("run\n- .:/nope\n")
        );
        let worker = at(&root, &["services", "worker", "volumes", "0"]);
        assert_eq!((worker.line, worker.via), (3, Some(10)));
    }

    #[test]
    fn bad_yaml_is_an_error_with_its_place() {
        let e = parse("services:\n  web:\n    volumes: [\".:/app\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 14), "{e:?}");
        assert!(e.message.contains("unclosed bracket"), "{e:?}");
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
        assert!(e.message.contains("duplicate"), "{e:?}");
        assert!(parse("a: &x [*x]\n").is_err());
        assert_eq!(parse("").unwrap().value, Value::Null);
    }
}
