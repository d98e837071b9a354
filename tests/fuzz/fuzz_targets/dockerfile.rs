//! The Dockerfile reader: parse arbitrary text, then resolve its inputs over a small fixed file
//! set, as `status` does for the working tree. Nothing may panic; parsing is deterministic; every
//! input found is a clean path inside the context.
#![no_main]

use dockwright::config::Config;
use dockwright::tree::Tree;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

mod common;

const FILES: &[(&str, &str)] = &[
    ("requirements.txt", "flask==3.0\n"),
    ("package.json", "{}\n"),
    ("src/app.py", "print('hi')\n"),
    ("src/lib/util.py", "x = 1\n"),
    ("many/a.txt", "a\n"),
    ("many/b.txt", "b\n"),
    ("many/sub/c.txt", "c\n"),
    ("docs/readme.md", "docs\n"),
    (".dockerignore", "docs\n*.md\n!src/**\n"),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = dockwright::dockerfile::parse(text);
    let again = dockwright::dockerfile::parse(text);
    assert_eq!(
        format!("{parsed:?}"),
        format!("{again:?}"),
        "parse is not deterministic"
    );
    let Ok(dockerfile) = parsed else { return };
    let args = BTreeMap::from([("VERSION".to_string(), "1".to_string())]);
    let _ = dockerfile.context_sources(None, &args);
    for (index, _) in dockerfile.stages.iter().enumerate() {
        let _ = dockerfile.stage_base(index, &args);
    }

    let root = common::scratch(FILES);
    std::fs::write(root.join("Dockerfile.runtime"), text).unwrap();
    let service = Config::default_config().services.remove(0);
    let tree = Tree::work(root);
    match dockwright::inputs::resolve(&tree, &service) {
        Ok(inputs) => {
            for input in &inputs.inputs {
                if input.kind == dockwright::inputs::InputKind::Url {
                    continue;
                }
                let path = &input.path;
                assert!(
                    !path.starts_with('/') && !path.split('/').any(|s| s == ".." || s.is_empty()),
                    "input `{path}` is not a clean path inside the context"
                );
            }
        }
        Err(e) => {
            let _ = (e.to_string(), e.help());
        }
    }
});
