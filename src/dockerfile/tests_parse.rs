//! One test per parsing rule.

use super::*;

fn ok(text: &str) -> Dockerfile {
    match parse(text) {
        Ok(dockerfile) => dockerfile,
        Err(e) => panic!("{text:?} should parse: {e} ({})", e.help),
    }
}

fn err(text: &str) -> ParseError {
    match parse(text) {
        Ok(dockerfile) => panic!("{text:?} should not parse: {dockerfile:?}"),
        Err(e) => e,
    }
}

/// The instructions of the last stage.
fn body(text: &str) -> Vec<Instruction> {
    ok(text)
        .stages
        .pop()
        .map(|s| s.instructions)
        .unwrap_or_default()
}

fn only(text: &str) -> Instruction {
    let mut instructions = body(text);
    assert_eq!(instructions.len(), 1, "{instructions:?}");
    instructions.remove(0)
}

#[test]
fn directive_escape_backtick() {
    let df = ok("# escape=`\nFROM a\nRUN one `\n  two\nCOPY x\\ y /d\n");
    assert_eq!(df.escape, '`');
    let run = &df.stages[0].instructions[0];
    assert_eq!(run.args, vec!["one   two"]);
    // A backslash is an ordinary character now, so it does not continue the line.
    assert_eq!(df.stages[0].instructions[1].args, vec!["x\\", "y", "/d"]);
}

#[test]
fn directive_escape_backslash() {
    assert_eq!(ok("# escape=\\\nFROM a\n").escape, '\\');
}

#[test]
fn directive_keys_are_case_insensitive() {
    let df = ok("# ESCAPE = `\n#Syntax=docker/dockerfile:1\n# check=skip=all\nFROM a\n");
    assert_eq!(df.escape, '`');
}

#[test]
fn directive_only_at_the_top() {
    // After an instruction, a blank line or another comment, it is just a comment.
    assert_eq!(ok("FROM a\n# escape=`\n").escape, '\\');
    assert_eq!(ok("\n# escape=`\nFROM a\n").escape, '\\');
    assert_eq!(ok("# hello\n# escape=`\nFROM a\n").escape, '\\');
    assert_eq!(ok("# unknown=1\n# escape=`\nFROM a\n").escape, '\\');
}

#[test]
fn directive_repeated_or_invalid_is_an_error() {
    let e = err("# escape=`\n# escape=\\\nFROM a\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("only one escape"));
    assert!(err("# escape=x\nFROM a\n")
        .message
        .contains("invalid escape"));
}

#[test]
fn continuation_joins_lines() {
    let run = only("FROM a\nRUN a \\\n  b \\\t \n c\n");
    assert_eq!(run.args, vec!["a   b  c"]);
    assert_eq!(run.line, 2);
}

#[test]
fn continuation_skips_comments_and_empty_lines() {
    let df = ok("FROM a\nRUN a \\\n# inside\n   # indented\n\n  b\nCOPY x /y\n");
    let stage = &df.stages[0];
    assert_eq!(stage.instructions[0].args, vec!["a   b"]);
    assert_eq!(stage.instructions[1].line, 7);
}

#[test]
fn continuation_not_taken_for_escaped_escape() {
    let df = ok("FROM a\nRUN echo \\\\\nCOPY a /b\n");
    assert_eq!(df.stages[0].instructions.len(), 2);
}

#[test]
fn continuation_at_end_of_file() {
    assert_eq!(only("FROM a\nRUN a \\").args, vec!["a"]);
    assert_eq!(only("FROM a\nRUN a \\\n").args, vec!["a"]);
}

#[test]
fn continuation_joins_the_from_line() {
    let df = ok("FROM \\\n  alpine \\\n  AS Build\n");
    assert_eq!(df.stages[0].base, "alpine");
    assert_eq!(df.stages[0].name.as_deref(), Some("build"));
}

#[test]
fn comments_are_ignored() {
    let df = ok("# top\nFROM a\nRUN echo # not a comment\n  # indented comment\nRUN x\n");
    let instructions = &df.stages[0].instructions;
    assert_eq!(instructions.len(), 2);
    assert_eq!(instructions[0].args, vec!["echo # not a comment"]);
}

#[test]
fn crlf_line_endings() {
    let df = ok("FROM a\r\nCOPY a b \\\r\n  /c/\r\n");
    assert_eq!(df.stages[0].instructions[0].args, vec!["a", "b", "/c/"]);
}

#[test]
fn bom_is_accepted() {
    let df = ok("\u{feff}# escape=`\nFROM a\n");
    assert_eq!(df.escape, '`');
}

#[test]
fn heredoc_body_is_consumed_not_parsed() {
    let df = ok("FROM a\nRUN <<EOF\nFROM evil\nCOPY secret /\nEOF\nUSER me\n");
    let stage = &df.stages[0];
    assert_eq!(df.stages.len(), 1);
    assert_eq!(stage.instructions.len(), 2);
    let run = &stage.instructions[0];
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].name, "EOF");
    assert_eq!(run.heredocs[0].body, "FROM evil\nCOPY secret /\n");
    assert_eq!(stage.instructions[1].line, 6);
}

#[test]
fn heredoc_copy_with_two_bodies() {
    let copy = only("FROM a\nCOPY <<a <<b /dest/\none\na\ntwo\nb\n");
    assert_eq!(copy.args, vec!["<<a", "<<b", "/dest/"]);
    let bodies: Vec<_> = copy
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.body.as_str()))
        .collect();
    assert_eq!(bodies, vec![("a", "one\n"), ("b", "two\n")]);
}

#[test]
fn heredoc_chomp_strips_leading_tabs() {
    let run = only("FROM a\nRUN <<-END\n\t\techo hi\n\tEND\n");
    assert_eq!(run.heredocs[0].body, "echo hi\n");
}

#[test]
fn heredoc_quoted_names() {
    let run = only("FROM a\nRUN <<\"EOF\" <<'X'\n$a\nEOF\nb\nX\n");
    let names: Vec<_> = run.heredocs.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, vec!["EOF", "X"]);
    assert_eq!(run.heredocs[0].body, "$a\n");
}

#[test]
fn heredoc_unterminated_is_an_error() {
    let e = err("FROM a\n\nRUN <<EOF\necho\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("unterminated heredoc"));
}

#[test]
fn heredoc_not_in_json_form_or_other_instructions() {
    let df = ok("FROM a\nRUN [\"cat\", \"<<EOF\"]\nENV A=<<EOF\nCOPY x /y\n");
    assert_eq!(df.stages[0].instructions.len(), 3);
}

#[test]
fn heredoc_ignored_when_a_quote_is_left_open() {
    // The engine's shell split fails, and it then finds no heredoc.
    let df = ok("FROM a\nRUN echo it's <<EOF\nUSER x\n");
    assert_eq!(df.stages[0].instructions.len(), 2);
}

#[test]
fn instructions_are_case_insensitive() {
    let df = ok("from a as B\ncopy x /y\nRun z\n");
    let keywords: Vec<_> = df.stages[0]
        .instructions
        .iter()
        .map(|i| i.keyword.as_str())
        .collect();
    assert_eq!(keywords, vec!["COPY", "RUN"]);
    assert_eq!(df.stages[0].name.as_deref(), Some("b"));
}

#[test]
fn flags_in_order_with_and_without_values() {
    let copy = only(
        "FROM a\nCOPY --from=builder --link --chown=\"a b\" --exclude=*.md --exclude=x src /d\n",
    );
    let flags: Vec<_> = copy
        .flags
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_deref()))
        .collect();
    assert_eq!(
        flags,
        vec![
            ("from", Some("builder")),
            ("link", None),
            ("chown", Some("a b")),
            ("exclude", Some("*.md")),
            ("exclude", Some("x"))
        ]
    );
    assert_eq!(copy.args, vec!["src", "/d"]);
    assert_eq!(copy.flag("from"), Some("builder"));
    assert_eq!(
        copy.flag_values("exclude").collect::<Vec<_>>(),
        vec!["*.md", "x"]
    );
}

#[test]
fn flags_end_at_double_dash() {
    let copy = only("FROM a\nCOPY --link -- --weird /d\n");
    assert_eq!(copy.flags.len(), 1);
    assert_eq!(copy.args, vec!["--weird", "/d"]);
}

#[test]
fn flag_errors_follow_the_engine() {
    assert!(err("FROM a\nCOPY --from a /b\n")
        .message
        .contains("missing a value"));
    assert!(err("FROM a\nCOPY --link=maybe a /b\n")
        .message
        .contains("boolean"));
    assert!(err("FROM a\nCOPY --from=x --from=y a /b\n")
        .message
        .contains("duplicate"));
    // Flags we do not know are kept, not refused.
    assert_eq!(only("FROM a\nCOPY --future=1 a /b\n").flags.len(), 1);
}

#[test]
fn json_form() {
    let copy = only("FROM a\nCOPY [\"a b\", \"c\", \"/dest/\"]\n");
    assert!(copy.json);
    assert_eq!(copy.args, vec!["a b", "c", "/dest/"]);
    let run = only("FROM a\nRUN [\"echo\", \"\\u00e9\\n\"]\n");
    assert_eq!(run.args, vec!["echo", "é\n"]);
}

#[test]
fn json_invalid_is_shell_form() {
    let copy = only("FROM a\nCOPY [a, b] /d\n");
    assert!(!copy.json);
    assert_eq!(copy.args, vec!["[a,", "b]", "/d"]);
    let run = only("FROM a\nRUN [\"a\",]\n");
    assert_eq!(run.args, vec!["[\"a\",]"]);
}

#[test]
fn json_with_non_strings_is_an_error() {
    let e = err("FROM a\nCOPY [\"a\", 1, \"/d\"]\n");
    assert!(e.message.contains("strings only"));
    assert!(err("FROM a\nCMD [\"a\", {\"b\": [null]}]\n")
        .message
        .contains("strings only"));
}

#[test]
fn copy_needs_a_destination() {
    let e = err("FROM a\n\nCOPY onlyone\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("at least two arguments"));
    assert!(!e.help.is_empty());
    assert!(err("FROM a\nADD x\n").message.contains("ADD requires"));
    assert!(err("FROM a\nCOPY [\"x\"]\n")
        .message
        .contains("COPY requires"));
    assert!(err("FROM a\nCOPY x <<EOF\nEOF\n")
        .message
        .contains("destination"));
}

#[test]
fn from_platform_and_name() {
    let df = ok("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build-1\nFROM scratch\n");
    let stage = &df.stages[0];
    assert_eq!(stage.base, "golang:1.22");
    assert_eq!(stage.name.as_deref(), Some("build-1"));
    assert_eq!(stage.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!((stage.index, stage.line), (0, 1));
    assert_eq!(
        (df.stages[1].index, df.stages[1].name.as_deref()),
        (1, None)
    );
}

#[test]
fn from_errors() {
    assert!(err("FROM a AS 1x\n").message.contains("invalid name"));
    assert!(err("FROM a b\n").message.contains("one or three"));
    assert!(err("FROM\n").message.contains("one or three"));
}

#[test]
fn only_arg_before_from() {
    let df = ok("# c\nARG A=1\nARG B\nFROM a\n");
    assert_eq!(df.global_args.len(), 2);
    let e = err("ARG A\nRUN x\nFROM a\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("before the first FROM"));
}

#[test]
fn no_from_is_an_error() {
    for text in ["", "\n\n# only a comment\n", "ARG A=1\n"] {
        let e = err(text);
        assert_eq!(e.message, "no FROM instruction");
        assert_eq!(e.help, "a Dockerfile starts with FROM <image>");
    }
}

#[test]
fn unknown_instruction_is_an_error_with_suggestion() {
    let e = err("FROM a\nCOPPY a b\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("unknown instruction"));
    assert!(e.help.contains("COPY"));
}

#[test]
fn arg_and_env_forms() {
    let df = ok("FROM a\nARG A B=\"x y\" C=\nENV D=1 E=\"2 3\"\nENV F legacy value\n");
    let i = &df.stages[0].instructions;
    assert_eq!(i[0].args, vec!["A", "B=\"x y\"", "C="]);
    assert_eq!(i[1].args, vec!["D", "1", "E", "\"2 3\""]);
    assert_eq!(i[2].args, vec!["F", "legacy value"]);
    assert!(err("FROM a\nENV A=1 B\n").message.contains("can't find ="));
    assert!(err("FROM a\nENV A\n").message.contains("two arguments"));
    assert!(err("FROM a\nARG =1\n").message.contains("blank"));
}

#[test]
fn single_value_instructions() {
    let df = ok("FROM a\nWORKDIR /a b\nUSER x\n");
    assert_eq!(df.stages[0].instructions[0].args, vec!["/a b"]);
    assert!(err("FROM a\nWORKDIR\n").message.contains("exactly one"));
    assert!(err("FROM a\nSHELL sh -c\n").message.contains("JSON"));
}

#[test]
fn onbuild_keeps_its_trigger() {
    let onbuild = only("FROM a\nONBUILD COPY --chown=1 x /y\n");
    let trigger = onbuild
        .onbuild
        .as_deref()
        .map(|t| (t.keyword.as_str(), t.args.clone()));
    assert_eq!(
        trigger,
        Some(("COPY", vec!["x".to_string(), "/y".to_string()]))
    );
    assert_eq!(onbuild.args, vec!["COPY", "x", "/y"]);
    assert!(err("FROM a\nONBUILD ONBUILD RUN x\n")
        .message
        .contains("Chaining"));
    assert!(err("FROM a\nONBUILD FROM x\n")
        .message
        .contains("ONBUILD trigger"));
    let with_heredoc = only("FROM a\nONBUILD RUN <<EOF\nbody\nEOF\n");
    assert_eq!(with_heredoc.heredocs.len(), 1);
}

#[test]
fn raw_keeps_the_logical_line() {
    let copy = only("FROM a\nCOPY a \\\n b /c\n");
    assert_eq!(copy.raw, "COPY a  b /c");
}

#[test]
fn stage_index_is_case_insensitive() {
    let df = ok("FROM a AS One\nFROM b AS two\nFROM c AS one\n");
    assert_eq!(df.stage_index("TWO"), Some(1));
    assert_eq!(df.stage_index("one"), Some(2));
    assert_eq!(df.stage_index("three"), None);
}
