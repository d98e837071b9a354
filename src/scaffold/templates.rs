//! The templates embedded in the binary, and the lookup that lets a user's template directory
//! override them.
//!
//! A file is looked up in the stack's folder (`python-uv`), then the language's (`python`), then
//! `common`: a stack overrides only what differs. A user directory (`DOCKWRIGHT_TEMPLATES`, one
//! folder per stack with the same names) is searched, the whole chain, before the embedded ones.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::stack::Stack;

/// Every template under `templates/`, in the binary.
static EMBEDDED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The embedded template `name` (`python/Dockerfile`, `common/parts/useradd`).
pub fn embedded(name: &str) -> Option<&'static str> {
    EMBEDDED.get_file(name).and_then(|f| f.contents_utf8())
}

/// The files `init` writes, in the order it reports them.
pub const FILES: &[&str] = &[
    "Dockerfile.runtime",
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    "justfile",
    "dockwright.toml",
];

/// The name of the template for `file` of `stack`: the first of the stack's folder
/// (`python-uv`), the language's (`python`) and `common` that has it, looking in `user_dir`
/// before the embedded templates.
pub fn find(stack: &Stack, file: &str, user_dir: Option<&Path>) -> Result<String> {
    let folders = [stack.id, stack.language, "common"];
    if let Some(dir) = user_dir {
        for folder in folders {
            let path: PathBuf = dir.join(folder).join(file);
            match std::fs::metadata(&path) {
                Ok(_) => return Ok(format!("{folder}/{file}")),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("read", path, e)),
            }
        }
    }
    for folder in folders {
        let name = format!("{folder}/{file}");
        if embedded(&name).is_some() {
            return Ok(name);
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
    fn every_stack_has_every_file() {
        for stack in Stack::all() {
            for file in FILES {
                find(stack, file, None).unwrap();
            }
        }
    }
}
