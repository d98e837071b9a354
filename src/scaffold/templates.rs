//! The templates embedded in the binary, and the lookup that lets a user's template directory
//! override them.
//!
//! A file is looked up in the stack's folder (`python-uv`), then the language's (`python`), then
//! `common`: a stack overrides only what differs. A user directory (`DOCKWRIGHT_TEMPLATES`, one
//! folder per stack with the same names) is searched, the whole chain, before the embedded ones.

use std::path::{Path, PathBuf};

use super::stack::Stack;
use crate::error::{Error, Result};

/// Every template, by its path under `templates/`. A unit test checks that the folder and this
/// table agree, so a new template cannot be forgotten.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "common/compose.yaml",
        include_str!("../../templates/common/compose.yaml"),
    ),
    (
        "common/dockwright.toml",
        include_str!("../../templates/common/dockwright.toml"),
    ),
    (
        "common/justfile",
        include_str!("../../templates/common/justfile"),
    ),
    (
        "dotnet/.dockerignore",
        include_str!("../../templates/dotnet/.dockerignore"),
    ),
    (
        "dotnet/Dockerfile",
        include_str!("../../templates/dotnet/Dockerfile"),
    ),
    (
        "dotnet/Dockerfile.runtime",
        include_str!("../../templates/dotnet/Dockerfile.runtime"),
    ),
    (
        "dotnet/compose.yaml",
        include_str!("../../templates/dotnet/compose.yaml"),
    ),
    (
        "go/.dockerignore",
        include_str!("../../templates/go/.dockerignore"),
    ),
    (
        "go/Dockerfile",
        include_str!("../../templates/go/Dockerfile"),
    ),
    (
        "go/Dockerfile.runtime",
        include_str!("../../templates/go/Dockerfile.runtime"),
    ),
    (
        "java/.dockerignore",
        include_str!("../../templates/java/.dockerignore"),
    ),
    (
        "java/Dockerfile",
        include_str!("../../templates/java/Dockerfile"),
    ),
    (
        "java/Dockerfile.runtime",
        include_str!("../../templates/java/Dockerfile.runtime"),
    ),
    (
        "node/.dockerignore",
        include_str!("../../templates/node/.dockerignore"),
    ),
    (
        "node/Dockerfile",
        include_str!("../../templates/node/Dockerfile"),
    ),
    (
        "node/Dockerfile.runtime",
        include_str!("../../templates/node/Dockerfile.runtime"),
    ),
    (
        "node/compose.yaml",
        include_str!("../../templates/node/compose.yaml"),
    ),
    (
        "php/.dockerignore",
        include_str!("../../templates/php/.dockerignore"),
    ),
    (
        "php/Dockerfile",
        include_str!("../../templates/php/Dockerfile"),
    ),
    (
        "php/Dockerfile.runtime",
        include_str!("../../templates/php/Dockerfile.runtime"),
    ),
    (
        "php/compose.yaml",
        include_str!("../../templates/php/compose.yaml"),
    ),
    (
        "python-uv/Dockerfile",
        include_str!("../../templates/python-uv/Dockerfile"),
    ),
    (
        "python-uv/Dockerfile.runtime",
        include_str!("../../templates/python-uv/Dockerfile.runtime"),
    ),
    (
        "python/.dockerignore",
        include_str!("../../templates/python/.dockerignore"),
    ),
    (
        "python/Dockerfile",
        include_str!("../../templates/python/Dockerfile"),
    ),
    (
        "python/Dockerfile.runtime",
        include_str!("../../templates/python/Dockerfile.runtime"),
    ),
    (
        "ruby/.dockerignore",
        include_str!("../../templates/ruby/.dockerignore"),
    ),
    (
        "ruby/Dockerfile",
        include_str!("../../templates/ruby/Dockerfile"),
    ),
    (
        "ruby/Dockerfile.runtime",
        include_str!("../../templates/ruby/Dockerfile.runtime"),
    ),
    (
        "rust/.dockerignore",
        include_str!("../../templates/rust/.dockerignore"),
    ),
    (
        "rust/Dockerfile",
        include_str!("../../templates/rust/Dockerfile"),
    ),
    (
        "rust/Dockerfile.runtime",
        include_str!("../../templates/rust/Dockerfile.runtime"),
    ),
];

/// The files `init` writes, in the order it reports them.
pub const FILES: &[&str] = &[
    "Dockerfile.runtime",
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    "justfile",
    "dockwright.toml",
];

/// A template found for a stack: where it came from (for messages) and its text.
#[derive(Debug, Clone)]
pub struct Template {
    /// `python/Dockerfile` for an embedded one, the file's path for a user's.
    pub name: String,
    /// The text, with `{{var}}` placeholders.
    pub text: String,
}

/// The template for `file` of `stack`, from `user_dir` when it has one, else embedded.
pub fn find(stack: &Stack, file: &str, user_dir: Option<&Path>) -> Result<Template> {
    let folders = [stack.id, stack.language, "common"];
    if let Some(dir) = user_dir {
        for folder in folders {
            let path: PathBuf = dir.join(folder).join(file);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    return Ok(Template {
                        name: path.display().to_string(),
                        text,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("read", path, e)),
            }
        }
    }
    for folder in folders {
        let name = format!("{folder}/{file}");
        if let Some((_, text)) = EMBEDDED.iter().find(|(n, _)| *n == name) {
            return Ok(Template {
                name,
                text: text.to_string(),
            });
        }
    }
    Err(Error::msg(
        format!("no template `{file}` for stack `{}`", stack.id),
        "this is a bug in the embedded templates; please report it",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_under_templates_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    on_disk.push(
                        path.strip_prefix(&root)
                            .unwrap()
                            .to_string_lossy()
                            .into_owned(),
                    );
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, embedded, "add the new template to EMBEDDED");
    }

    #[test]
    fn every_stack_has_every_file() {
        for stack in super::super::stack::STACKS {
            for file in FILES {
                find(stack, file, None).unwrap();
            }
        }
    }
}
