//! One test per substitution and scoping rule.

use std::collections::BTreeMap;

use super::lex::{process_word, Vars};
use super::*;

fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn resolve(
    text: &str,
    target: Option<&str>,
    build_args: &[(&str, &str)],
) -> Result<Vec<Source>, ResolveError> {
    match parse(text) {
        Ok(dockerfile) => dockerfile.context_sources(target, &args(build_args)),
        Err(e) => panic!("{text:?} should parse: {e}"),
    }
}

/// The paths read for the last stage, with no build args.
fn paths(text: &str) -> Vec<String> {
    paths_with(text, None, &[])
}

fn paths_with(text: &str, target: Option<&str>, build_args: &[(&str, &str)]) -> Vec<String> {
    match resolve(text, target, build_args) {
        Ok(sources) => sources.into_iter().map(|s| s.path).collect(),
        Err(e) => panic!("{text:?} should resolve: {e}"),
    }
}

fn word(text: &str, vars: &[(&str, &str)]) -> Result<String, String> {
    let vars: Vars = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    process_word(text, &vars, '\\')
}

#[test]
fn substitution_forms() {
    let vars = [("A", "a"), ("E", "")];
    for (text, want) in [
        ("$A", "a"),
        ("${A}", "a"),
        ("x$A/y", "xa/y"),
        ("${A:-d}", "a"),
        ("${E:-d}", "d"),
        ("${U:-d}", "d"),
        ("${E-d}", ""),
        ("${U-d}", "d"),
        ("${A:+alt}", "alt"),
        ("${E:+alt}", ""),
        ("${E+alt}", "alt"),
        ("${U+alt}", ""),
        ("${U:-${A}}", "a"),
        ("$U", ""),
        ("$", "$"),
        ("a$", "a$"),
        ("$1", ""),
    ] {
        assert_eq!(word(text, &vars).as_deref(), Ok(want), "{text}");
    }
}

#[test]
fn substitution_escapes_and_quotes() {
    let vars = [("A", "a")];
    for (text, want) in [
        (r"\$A", "$A"),
        (r"\${A}", "${A}"),
        ("'$A'", "$A"),
        ("\"$A b\"", "a b"),
        (r#""\$A""#, "$A"),
        (r#""a\b""#, r"a\b"),
        (r"a\ b", "a b"),
        ("a\\", "a"),
    ] {
        assert_eq!(word(text, &vars).as_deref(), Ok(want), "{text}");
    }
}

#[test]
fn substitution_errors() {
    for text in [
        "${",
        "${}",
        "${:a}",
        "${A",
        "'open",
        "\"open",
        "${A:x}",
        "${U?}",
        "${U:?gone}",
    ] {
        assert!(word(text, &[]).is_err(), "{text}");
    }
    assert_eq!(
        word("${U?}", &[]).unwrap_err(),
        "failed to process `${U?}`: U: is not allowed to be unset"
    );
}

#[test]
fn substitution_trims_and_replaces() {
    let vars = [("P", "dir/sub/file.tar.gz")];
    for (text, want) in [
        ("${P#*/}", "sub/file.tar.gz"),
        ("${P##*/}", "file.tar.gz"),
        ("${P%.*}", "dir/sub/file.tar"),
        ("${P%%.*}", "dir/sub/file"),
        ("${P/sub/x}", "dir/x/file.tar.gz"),
        ("${P//[/}", "dir/sub/file.tar.gz"),
        ("${P//./_}", "dir/sub/file_tar_gz"),
    ] {
        assert_eq!(word(text, &vars).as_deref(), Ok(want), "{text}");
    }
}

#[test]
fn substitution_nesting_is_bounded() {
    let deep = "${A:-".repeat(200) + &"}".repeat(200);
    assert!(word(&deep, &[]).is_err());
    let fine = "${A:-".repeat(10) + "x" + &"}".repeat(10);
    assert_eq!(word(&fine, &[]).as_deref(), Ok("x"));
}

#[test]
fn substitution_with_backtick_escape() {
    let vars: Vars = [("A".to_string(), "a".to_string())].into();
    assert_eq!(process_word("`$A\\x", &vars, '`').as_deref(), Ok("$A\\x"));
}

#[test]
fn global_arg_visible_in_from_only() {
    let text = "ARG V=1.0\nARG D=src\nFROM img:$V\nCOPY $D/x /y\n";
    assert_eq!(paths(text), vec!["x"]);
    let df = parse(text).ok();
    let base = df.as_ref().map(|df| df.stage_base(0, &args(&[])));
    assert_eq!(base.as_deref(), Some("img:1.0"));
    let base = df.as_ref().map(|df| df.stage_base(0, &args(&[("V", "2")])));
    assert_eq!(base.as_deref(), Some("img:2"));
    assert_eq!(
        df.map(|df| df.stage_base(9, &args(&[]))).as_deref(),
        Some("")
    );
}

#[test]
fn global_arg_redeclared_in_stage() {
    let text = "ARG D=src\nFROM a\nARG D\nCOPY $D/x /y\n";
    assert_eq!(paths(text), vec!["src/x"]);
    assert_eq!(paths_with(text, None, &[("D", "lib")]), vec!["lib/x"]);
}

#[test]
fn global_arg_defaults_see_earlier_globals() {
    let text = "ARG A=x\nARG B=${A}y\nFROM a\nARG B\nCOPY $B /d\n";
    assert_eq!(paths(text), vec!["xy"]);
}

#[test]
fn stage_arg_default_and_build_arg_override() {
    let text = "FROM a\nARG D=src\nCOPY $D /d\n";
    assert_eq!(paths(text), vec!["src"]);
    assert_eq!(paths_with(text, None, &[("D", "other")]), vec!["other"]);
}

#[test]
fn build_args_only_for_declared_args() {
    let text = "FROM a\nCOPY ${D:-dflt} /d\nARG D\nCOPY ${D:-dflt}2 /d\n";
    assert_eq!(
        paths_with(text, None, &[("D", "given")]),
        vec!["dflt", "given2"]
    );
}

#[test]
fn arg_visible_only_after_declaration() {
    let text = "FROM a\nCOPY $D /x\nARG D=late\nCOPY $D /x\n";
    assert_eq!(paths(text), vec!["", "late"]);
}

#[test]
fn env_visible_to_later_instructions() {
    let text = "FROM a\nENV DIR=app SUB=${DIR}/x\nENV LEGACY some value\nCOPY $DIR $SUB /d\nCOPY \"$LEGACY\" /d\n";
    // Pairs of one ENV see the variables from before it, so SUB is "/x".
    assert_eq!(paths(text), vec!["app", "x", "some value"]);
}

#[test]
fn env_overrides_arg_in_order() {
    let text = "FROM a\nARG X=arg\nENV X=env\nCOPY $X /d\n";
    assert_eq!(paths_with(text, None, &[("X", "build")]), vec!["env"]);
}

#[test]
fn stage_inherits_variables_from_parent_stage() {
    let text =
        "FROM a AS base\nENV DIR=app\nARG V=1\nFROM base\nCOPY $DIR/$V /d\nFROM a\nCOPY x$DIR /d\n";
    // Only a stage built FROM `base` sees its ENV (and, in BuildKit, its ARG values).
    assert_eq!(paths(text), vec!["app/1", "x"]);
}

#[test]
fn target_selects_stages_up_to_it() {
    let text = "FROM a AS one\nCOPY a /a\nFROM b AS two\nCOPY b /b\nFROM c\nCOPY c /c\n";
    assert_eq!(paths_with(text, Some("one"), &[]), vec!["a"]);
    assert_eq!(paths_with(text, Some("TWO"), &[]), vec!["a", "b"]);
    assert_eq!(paths(text), vec!["a", "b", "c"]);
}

#[test]
fn unknown_target_is_an_error() {
    let e = resolve("FROM a AS one\nFROM b\n", Some("nope"), &[]).unwrap_err();
    match &e {
        ResolveError::UnknownTarget { target, stages } => {
            assert_eq!(target, "nope");
            assert_eq!(stages, &vec!["one".to_string()]);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("nope"));
}

#[test]
fn copy_from_is_not_context() {
    let text =
        "FROM a AS b\nFROM c\nCOPY --from=b /x /y\nCOPY --from=alpine /z /w\nCOPY --from= ctx /d\n";
    assert_eq!(paths(text), vec!["ctx"]);
}

#[test]
fn heredoc_source_is_not_context() {
    let text = "FROM a\nCOPY <<EOF real /d/\nbody\nEOF\nADD <<-X /d\n\tb\n\tX\n";
    assert_eq!(paths(text), vec!["real"]);
}

#[test]
fn source_paths_are_cleaned() {
    let text = "FROM a\nCOPY /abs ./rel . ./ dir/ a/./b a//b ../up \"\" /d/\n";
    assert_eq!(
        paths(text),
        vec!["abs", "rel", "", "", "dir", "a/b", "a/b", "up", ""]
    );
}

#[test]
fn shell_form_quotes_are_removed() {
    assert_eq!(
        paths("FROM a\nCOPY \"q.txt\" 'p*' /d\n"),
        vec!["q.txt", "p*"]
    );
    // The engine splits on whitespace first: a quoted space leaves an open quote.
    let e = resolve("FROM a\nCOPY \"a b\" /d\n", None, &[]).unwrap_err();
    assert!(
        matches!(e, ResolveError::Substitution { line: 2, .. }),
        "{e:?}"
    );
}

#[test]
fn json_form_sources_are_substituted() {
    assert_eq!(
        paths("FROM a\nENV D=x\nCOPY [\"$D/a b\", \"c\", \"/d/\"]\n"),
        vec!["x/a b", "c"]
    );
}

#[test]
fn glob_sources_are_kept() {
    assert_eq!(
        paths("FROM a\nCOPY *.txt src/[ab]?.rs /d/\n"),
        vec!["*.txt", "src/[ab]?.rs"]
    );
}

#[test]
fn url_sources_of_add() {
    let text =
        "FROM a\nADD https://x.org/f.tgz http://y git@github.com:o/r.git git://h/r ssh://h/r \
                hg+x://h/r.git#main local /d/\n";
    let sources = resolve(text, None, &[]).unwrap_or_default();
    let kinds: Vec<_> = sources
        .iter()
        .map(|s| (s.path.as_str(), s.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("https://x.org/f.tgz", SourceKind::Url),
            ("http://y", SourceKind::Url),
            ("git@github.com:o/r.git", SourceKind::Url),
            ("git://h/r", SourceKind::Url),
            ("ssh://h/r", SourceKind::Url),
            ("hg+x://h/r.git#main", SourceKind::Url),
            ("local", SourceKind::Context),
        ]
    );
}

#[test]
fn url_in_copy_is_an_error() {
    let e = resolve("FROM a\nCOPY https://x/y /d\n", None, &[]).unwrap_err();
    assert!(
        matches!(e, ResolveError::UrlInCopy { line: 2, .. }),
        "{e:?}"
    );
}

#[test]
fn source_fields_are_filled() {
    let text = "FROM a\nARG P=*.md\nCOPY --exclude=$P --exclude=x a /d\n";
    let sources = resolve(text, None, &[]).unwrap_or_default();
    assert_eq!(
        sources,
        vec![Source {
            line: 3,
            instruction: "COPY".into(),
            path: "a".into(),
            excludes: vec!["*.md".into(), "x".into()],
            kind: SourceKind::Context,
        }]
    );
}

#[test]
fn builtin_platform_args() {
    let text = "FROM a\nARG TARGETOS\nARG TARGETARCH\nCOPY bin/$TARGETOS/$TARGETARCH /d\nCOPY x$BUILDOS /d\n";
    let got = paths_with(text, None, &[("TARGETARCH", "riscv64")]);
    assert_eq!(got, vec!["bin/linux/riscv64", "x"]);
}

#[test]
fn onbuild_triggers_run_in_child_stages() {
    let text = "FROM a AS base\nONBUILD COPY $D /x\nFROM base\nENV D=ignored\nFROM base AS c\n";
    // The trigger runs at the start of each child, before the child's own ENV.
    assert_eq!(paths_with(text, Some("base"), &[]), Vec::<String>::new());
    assert_eq!(paths(text), vec!["", ""]);
}

#[test]
fn run_bind_mounts_read_the_context() {
    let text = "FROM a\nARG F=go.sum\nRUN --mount=type=bind,source=go.mod,target=/m \
                --mount=type=bind,src=$F --mount=type=cache,target=/c \
                --mount=from=b,source=x --mount=target=/all go build\n";
    let sources = resolve(text, None, &[]).unwrap_or_default();
    let got: Vec<_> = sources
        .iter()
        .map(|s| (s.instruction.as_str(), s.path.as_str()))
        .collect();
    assert_eq!(got, vec![("RUN", "go.mod"), ("RUN", "go.sum"), ("RUN", "")]);
}

#[test]
fn empty_base_is_an_error() {
    let e = resolve("ARG IMG\nFROM $IMG\n", None, &[]).unwrap_err();
    assert!(
        matches!(e, ResolveError::EmptyBase { line: 2, .. }),
        "{e:?}"
    );
    assert_eq!(
        paths_with("ARG IMG\nFROM $IMG\nCOPY a /b\n", None, &[("IMG", "x")]),
        vec!["a"]
    );
}
