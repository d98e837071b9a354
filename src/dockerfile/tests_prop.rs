//! Any input, however hostile, gives an answer and never a panic.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::lex::{process_word, Vars};
use super::*;

/// Fragments that steer random text into every corner of the parser.
fn token() -> impl Strategy<Value = String> {
    let fixed = prop::sample::select(vec![
        "FROM ",
        "from ",
        "COPY ",
        "ADD ",
        "RUN ",
        "ARG ",
        "ENV ",
        "ONBUILD ",
        "WORKDIR ",
        "HEALTHCHECK ",
        "SHELL ",
        "AS ",
        " as ",
        "\\",
        "`",
        "\n",
        "\r\n",
        " ",
        "\t",
        "<<EOF",
        "<<-EOF",
        "<<'EOF'",
        "<<\"X\"",
        "EOF",
        "\tEOF",
        "X",
        "\"",
        "'",
        "${",
        "}",
        "$",
        ":-",
        ":+",
        "#",
        "%",
        "/",
        "[",
        "]",
        ",",
        "=",
        "--from=",
        "--exclude=",
        "--mount=type=bind,source=",
        "--link",
        "--",
        "# escape=`\n",
        "# escape=\\\n",
        "# syntax=x\n",
        "a",
        "b/c",
        "*",
        "..",
        "http://x",
        "git@h:r",
        "\u{feff}",
        "1",
        "{",
        "[\"a\"",
        "\u{e9}",
        "ARG A=${B:-x}\n",
    ]);
    prop_oneof![
        4 => fixed.prop_map(str::to_string),
        1 => "[a-z$.{}\\[\\]\"' ]{0,6}",
    ]
}

fn exercise(text: &str) {
    let Ok(dockerfile) = parse(text) else {
        return;
    };
    let none = BTreeMap::new();
    let some: BTreeMap<String, String> = [("A".to_string(), "${".to_string())].into();
    for build_args in [&none, &some] {
        let _ = dockerfile.context_sources(None, build_args);
        for stage in &dockerfile.stages {
            let _ = dockerfile.stage_base(stage.index, build_args);
            if let Some(name) = &stage.name {
                let _ = dockerfile.context_sources(Some(name), build_args);
            }
        }
        let _ = dockerfile.context_sources(Some("missing"), build_args);
        let _ = dockerfile.stage_base(usize::MAX, build_args);
    }
}

proptest! {
    #[test]
    fn parse_never_panics_on_any_text(text in any::<String>()) {
        exercise(&text);
    }

    #[test]
    fn parse_never_panics_on_dockerfile_tokens(tokens in prop::collection::vec(token(), 0..60)) {
        let text = tokens.concat();
        exercise(&text);
        exercise(&format!("FROM a AS s\n{text}"));
        exercise(&format!("FROM a AS s\nCOPY {text} /d\nFROM s\nRUN {text}\n"));
    }

    #[test]
    fn process_word_never_panics(tokens in prop::collection::vec(token(), 0..30)) {
        let vars: Vars = [("a".to_string(), "x/y.z".to_string())].into();
        let word = tokens.concat();
        let _ = process_word(&word, &vars, '\\');
        let _ = process_word(&word, &vars, '`');
    }
}
