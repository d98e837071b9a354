//! Reading a Dockerfile the way the engine does, to learn which build-context files an image is
//! made from.
//!
//! [`parse`] mirrors BuildKit's Dockerfile frontend (parser directives, line continuation,
//! heredocs, JSON and shell forms, flags) and [`Dockerfile::context_sources`] its variable
//! scoping, so the files we fingerprint are the files `docker build` reads: a file we miss lets
//! a stale image pass for fresh, a file we add rebuilds for nothing.

use std::collections::BTreeMap;

pub mod buildkit;
mod instruction;
mod json;
mod lex;
mod lines;
mod resolve;
mod words;

#[cfg(test)]
mod tests_parse;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_resolve;

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// The escape character (`\`, or `` ` `` after `# escape=``), which also continues lines.
    pub escape: char,
    /// The ARG instructions before the first FROM: visible in FROM lines, and in a stage only
    /// once it re-declares them.
    pub global_args: Vec<Instruction>,
    /// The build stages, one per FROM, in file order.
    pub stages: Vec<Stage>,
}

/// One build stage: a FROM and the instructions up to the next FROM.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Position among the stages, from 0 (what `COPY --from=0` refers to).
    pub index: usize,
    /// The `AS` name, lower-cased as the engine compares it.
    pub name: Option<String>,
    /// The image text of the FROM as written, before substitution.
    pub base: String,
    /// The `--platform` flag of the FROM, as written.
    pub platform: Option<String>,
    /// 1-based line of the FROM.
    pub line: usize,
    /// The stage's instructions after its FROM.
    pub instructions: Vec<Instruction>,
}

/// One instruction, after joining continuation lines.
#[derive(Debug, Clone)]
pub struct Instruction {
    /// 1-based line where the instruction starts.
    pub line: usize,
    /// Upper-cased: COPY, ADD, RUN, ARG, ENV, USER, WORKDIR, FROM, ...
    pub keyword: String,
    /// Leading `--name[=value]` flags, in order (e.g. `("from", Some("builder"))`,
    /// `("link", None)`), quotes removed.
    pub flags: Vec<(String, Option<String>)>,
    /// The arguments as the engine splits them for this keyword: JSON-form elements; or for
    /// COPY/ADD/FROM/EXPOSE the whitespace-separated words (quotes kept: the engine removes them
    /// during substitution); for ARG the quote-aware words; for ENV/LABEL `[name, value, ...]`;
    /// for RUN/CMD/ENTRYPOINT/WORKDIR/USER the whole text as one element; for ONBUILD the
    /// trigger's keyword and arguments.
    pub args: Vec<String>,
    /// Whether the arguments were written in JSON form.
    pub json: bool,
    /// Bodies of the `<<EOF` heredocs attached to this instruction, in order.
    pub heredocs: Vec<Heredoc>,
    /// The logical line after joining continuations, for messages.
    pub raw: String,
    /// For ONBUILD, the trigger instruction (run by stages built FROM this one).
    pub onbuild: Option<Box<Instruction>>,
}

/// An inline file: `<<EOF` ... `EOF`.
#[derive(Debug, Clone)]
pub struct Heredoc {
    /// The delimiter, quotes removed.
    pub name: String,
    /// The lines between marker and delimiter, with their line endings (leading tabs removed
    /// for `<<-`).
    pub body: String,
}

/// A Dockerfile the engine would refuse to read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// 1-based line of the offending instruction.
    pub line: usize,
    /// What is wrong, in the engine's words where it has some.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// A build-context path (or URL) that a COPY, ADD or `RUN --mount=type=bind` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// 1-based line of the instruction.
    pub line: usize,
    /// "COPY", "ADD", or "RUN" for a bind mount of the context.
    pub instruction: String,
    /// Relative to the context root, substituted and cleaned: no leading "/" or "./", no
    /// trailing "/", no "." or ".." parts; "" is the whole context. May contain glob
    /// characters. For a URL, the URL.
    pub path: String,
    /// The instruction's `--exclude` patterns, substituted.
    pub excludes: Vec<String>,
    /// Whether the path is in the context or fetched.
    pub kind: SourceKind,
}

/// Where a [`Source`] comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// A path in the build context.
    Context,
    /// An ADD of a URL or git repository: fetched at build time, so reported but not read.
    Url,
}

/// Why the sources of a parsed Dockerfile cannot be worked out, as the engine would fail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResolveError {
    /// The requested target names no stage.
    #[error("target stage `{target}` not found; the stages are: {}", list(.stages))]
    UnknownTarget {
        /// The target asked for.
        target: String,
        /// The stage names there are.
        stages: Vec<String>,
    },
    /// A `$VAR` substitution the engine refuses (bad syntax, `${VAR?}` unset, open quote).
    #[error("line {line}: {message}")]
    Substitution {
        /// 1-based line of the instruction.
        line: usize,
        /// The engine's message.
        message: String,
    },
    /// COPY of a URL, which only ADD can fetch.
    #[error("line {line}: COPY cannot fetch `{url}`; use ADD for URLs")]
    UrlInCopy {
        /// 1-based line of the COPY.
        line: usize,
        /// The URL.
        url: String,
    },
    /// A FROM whose image text substitutes to nothing.
    #[error("line {line}: base name ({base}) should not be blank")]
    EmptyBase {
        /// 1-based line of the FROM.
        line: usize,
        /// The image text as written.
        base: String,
    },
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none named)".to_string()
    } else {
        names.join(", ")
    }
}

/// Parses a Dockerfile as the engine would, refusing what it refuses.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let (escape, instructions) = lines::parse(text)?;
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for instruction in instructions {
        if instruction.keyword == "FROM" {
            let named = instruction.args.len() == 3;
            stages.push(Stage {
                index: stages.len(),
                name: named
                    .then(|| instruction.args.get(2).map(|n| n.to_lowercase()))
                    .flatten(),
                base: instruction.args.first().cloned().unwrap_or_default(),
                platform: instruction.flag("platform").map(str::to_string),
                line: instruction.line,
                instructions: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.instructions.push(instruction);
        } else if instruction.keyword == "ARG" {
            global_args.push(instruction);
        } else {
            return Err(ParseError {
                line: instruction.line,
                message: format!("{} before the first FROM", instruction.keyword),
                help: "only ARG may come before the first FROM; move this into a stage".into(),
            });
        }
    }
    if stages.is_empty() {
        return Err(ParseError {
            line: 1,
            message: "no FROM instruction".into(),
            help: "a Dockerfile starts with FROM <image>".into(),
        });
    }
    Ok(Dockerfile {
        escape,
        global_args,
        stages,
    })
}

impl Dockerfile {
    /// Build-context sources of the COPY/ADD instructions of the stages the classic builder runs
    /// for `target` (every stage up to and including the target stage; the last stage when
    /// None), after ARG/ENV substitution.
    ///
    /// Also reported, because the engine reads them from the context too: ONBUILD COPY/ADD
    /// triggers of a stage that a later stage is built FROM, and `RUN --mount=type=bind`
    /// mounts of the context (instruction "RUN").
    pub fn context_sources(
        &self,
        target: Option<&str>,
        build_args: &BTreeMap<String, String>,
    ) -> Result<Vec<Source>, ResolveError> {
        resolve::context_sources(self, target, build_args)
    }

    /// The image of stage `index`'s FROM after substitution of global ARGs (defaults overridden
    /// by build_args). The text as written when substitution fails; "" for no such stage.
    pub fn stage_base(&self, index: usize, build_args: &BTreeMap<String, String>) -> String {
        resolve::stage_base(self, index, build_args)
    }

    /// Index of the stage called `name` (case-insensitive), or None. With two stages of one
    /// name, the later, as the engine picks.
    pub fn stage_index(&self, name: &str) -> Option<usize> {
        let name = name.to_lowercase();
        self.stages
            .iter()
            .rposition(|s| s.name.as_deref() == Some(name.as_str()))
    }
}

impl Instruction {
    /// The value of the last `--name` flag: Some("") for `--name=`, None when absent or given
    /// without a value.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// The values of every `--name=value` flag, in order (`--exclude` and `--mount` repeat).
    pub fn flag_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.flags
            .iter()
            .filter(move |(n, _)| n == name)
            .filter_map(|(_, v)| v.as_deref())
    }
}
