//! The compose reader of `dockwright check`: the YAML reader on arbitrary text, then the whole
//! check (compose rules, and the services compose builds) on a small project whose `compose.yaml`
//! is that text. Nothing may panic; parsing is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

const FILES: &[(&str, &str)] = &[
    ("Dockerfile", "FROM python:3.11-slim\nCOPY . /app\n"),
    (
        "Dockerfile.runtime",
        "FROM python:3.11-slim\nCOPY requirements.txt /app/\n",
    ),
    ("requirements.txt", "flask==3.0\n"),
    ("web/Dockerfile", "FROM node:18\nCOPY package.json /app/\n"),
    ("web/package.json", "{}\n"),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = dockwright::check::yaml::parse(text);
    let again = dockwright::check::yaml::parse(text);
    assert_eq!(
        format!("{parsed:?}"),
        format!("{again:?}"),
        "parse is not deterministic"
    );

    let root = common::scratch(FILES);
    std::fs::write(root.join("compose.yaml"), text).unwrap();
    if let Ok(findings) = dockwright::check::check(root) {
        for finding in findings {
            let _ = format!("{finding:?}");
        }
    }
});
