//! `dockwright.toml` loading: parse arbitrary text. Nothing may panic (errors render with their
//! help); parsing is deterministic.
#![no_main]

use dockwright::config::Config;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("dockwright.toml");
    match Config::parse(text, path) {
        Ok(config) => {
            let again = Config::parse(text, path).expect("parse is not deterministic");
            assert_eq!(config, again, "parse is not deterministic");
            for service in &config.services {
                if let Some(test) = &service.test {
                    let _ = (test.argv(), test.display());
                }
            }
        }
        Err(e) => {
            let _ = (e.to_string(), e.help());
        }
    }
});
