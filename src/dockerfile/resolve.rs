//! Which context paths the stages read, after substitution with the engine's variable scoping:
//! global ARGs only in FROM lines (and where a stage re-declares them), a stage's ARG and ENV
//! from where they are set, build args only for declared ARGs, and a stage built FROM another
//! stage starting with that stage's variables.

use std::collections::BTreeMap;

use super::lex::{self, Vars};
use super::{words, Dockerfile, Instruction, ResolveError, Source, SourceKind};

pub(super) fn context_sources(
    dockerfile: &Dockerfile,
    target: Option<&str>,
    build_args: &BTreeMap<String, String>,
) -> Result<Vec<Source>, ResolveError> {
    let last = match target {
        Some(name) => dockerfile
            .stage_index(name)
            .ok_or_else(|| ResolveError::UnknownTarget {
                target: name.to_string(),
                stages: dockerfile
                    .stages
                    .iter()
                    .filter_map(|s| s.name.clone())
                    .collect(),
            })?,
        None => match dockerfile.stages.len().checked_sub(1) {
            Some(last) => last,
            None => return Ok(Vec::new()),
        },
    };
    let globals = global_vars(dockerfile, build_args, last)?;
    let escape = dockerfile.escape;
    let mut finals: Vec<Vars> = Vec::new();
    let mut sources = Vec::new();
    for (index, stage) in dockerfile.stages.iter().enumerate().take(last + 1) {
        let base = substitute(&stage.base, &globals, escape, stage.line)?;
        if base.is_empty() {
            return Err(ResolveError::EmptyBase {
                line: stage.line,
                base: stage.base.clone(),
            });
        }
        // Like the engine, the latest earlier stage of that name.
        let parent = dockerfile
            .stages
            .iter()
            .take(index)
            .rposition(|s| s.name.as_deref() == Some(base.as_str()));
        let mut scope = Scope {
            vars: parent
                .and_then(|p| finals.get(p))
                .cloned()
                .unwrap_or_default(),
            globals: &globals,
            build_args,
            escape,
        };
        if let Some(parent) = parent.and_then(|p| dockerfile.stages.get(p)) {
            // The parent's ONBUILD triggers run first in a stage built FROM it.
            for trigger in parent
                .instructions
                .iter()
                .filter_map(|i| i.onbuild.as_deref())
            {
                scope.run(trigger, &mut sources)?;
            }
        }
        for instruction in &stage.instructions {
            scope.run(instruction, &mut sources)?;
        }
        finals.push(scope.vars);
    }
    Ok(sources)
}

pub(super) fn stage_base(
    dockerfile: &Dockerfile,
    index: usize,
    build_args: &BTreeMap<String, String>,
) -> String {
    let Some(stage) = dockerfile.stages.get(index) else {
        return String::new();
    };
    let last = dockerfile.stages.len().saturating_sub(1);
    global_vars(dockerfile, build_args, last)
        .and_then(|globals| substitute(&stage.base, &globals, dockerfile.escape, stage.line))
        .unwrap_or_else(|_| stage.base.clone())
}

/// The variables of FROM lines: the engine's automatic platform ARGs, then the global ARGs,
/// each overridden by a build arg of its name.
fn global_vars(
    dockerfile: &Dockerfile,
    build_args: &BTreeMap<String, String>,
    target: usize,
) -> Result<Vars, ResolveError> {
    let target = dockerfile.stages.get(target).and_then(|s| s.name.clone());
    let mut vars = builtin_args(target.as_deref().unwrap_or_default());
    for (name, value) in vars.iter_mut() {
        if let Some(arg) = build_args.get(name) {
            value.clone_from(arg);
        }
    }
    for instruction in &dockerfile.global_args {
        for (name, default) in arg_pairs(instruction) {
            let value = match (build_args.get(name), default) {
                (Some(arg), _) => Some(arg.clone()),
                (None, Some(default)) => Some(substitute(
                    default,
                    &vars,
                    dockerfile.escape,
                    instruction.line,
                )?),
                (None, None) => None,
            };
            if let Some(value) = value {
                vars.insert(name.to_string(), value);
            }
        }
    }
    Ok(vars)
}

/// BuildKit's automatic ARGs (BUILDPLATFORM, TARGETARCH, ...). The platform is guessed from
/// this machine, building Linux images, as a default engine does; build args override it.
fn builtin_args(target: &str) -> Vars {
    let (arch, variant) = match std::env::consts::ARCH {
        "x86_64" => ("amd64", ""),
        "aarch64" => ("arm64", ""),
        "arm" => ("arm", "v7"),
        "x86" => ("386", ""),
        "powerpc64" if cfg!(target_endian = "little") => ("ppc64le", ""),
        "powerpc64" => ("ppc64", ""),
        "loongarch64" => ("loong64", ""),
        other => (other, ""),
    };
    let platform = if variant.is_empty() {
        format!("linux/{arch}")
    } else {
        format!("linux/{arch}/{variant}")
    };
    let mut vars = Vars::new();
    for side in ["BUILD", "TARGET"] {
        vars.insert(format!("{side}PLATFORM"), platform.clone());
        vars.insert(format!("{side}OS"), "linux".into());
        vars.insert(format!("{side}ARCH"), arch.into());
        vars.insert(format!("{side}VARIANT"), variant.into());
    }
    vars.insert("TARGETSTAGE".into(), target.into());
    vars
}

/// `ARG a b=1` as `[("a", None), ("b", Some("1"))]`.
fn arg_pairs(instruction: &Instruction) -> Vec<(&str, Option<&str>)> {
    instruction
        .args
        .iter()
        .map(|arg| match arg.split_once('=') {
            Some((name, default)) => (name, Some(default)),
            None => (arg.as_str(), None),
        })
        .collect()
}

fn substitute(word: &str, vars: &Vars, escape: char, line: usize) -> Result<String, ResolveError> {
    lex::process_word(word, vars, escape)
        .map_err(|message| ResolveError::Substitution { line, message })
}

/// The variables of one stage as its instructions run.
struct Scope<'a> {
    vars: Vars,
    globals: &'a Vars,
    build_args: &'a BTreeMap<String, String>,
    escape: char,
}

impl Scope<'_> {
    fn sub(&self, word: &str, line: usize) -> Result<String, ResolveError> {
        substitute(word, &self.vars, self.escape, line)
    }

    fn run(
        &mut self,
        instruction: &Instruction,
        out: &mut Vec<Source>,
    ) -> Result<(), ResolveError> {
        let line = instruction.line;
        match instruction.keyword.as_str() {
            "ARG" => {
                for (name, default) in arg_pairs(instruction) {
                    // A build arg wins, then the default, then a global ARG of that name.
                    let value = match (self.build_args.get(name), default) {
                        (Some(arg), _) => Some(arg.clone()),
                        (None, Some(default)) => Some(self.sub(default, line)?),
                        (None, None) => self.globals.get(name).cloned(),
                    };
                    if let Some(value) = value {
                        self.vars.insert(name.to_string(), value);
                    }
                }
            }
            "ENV" => {
                // Every pair sees the variables from before the instruction.
                let mut assigned = Vec::new();
                for pair in instruction.args.chunks(2) {
                    if let [name, value] = pair {
                        assigned.push((self.sub(name, line)?, self.sub(value, line)?));
                    }
                }
                self.vars.extend(assigned);
            }
            "COPY" | "ADD" => self.copy(instruction, out)?,
            "RUN" => self.bind_mounts(instruction, out)?,
            _ => {}
        }
        Ok(())
    }

    fn copy(&self, instruction: &Instruction, out: &mut Vec<Source>) -> Result<(), ResolveError> {
        let line = instruction.line;
        // `--from=<stage or image>` copies from there, not from the context.
        if instruction
            .flag("from")
            .is_some_and(|from| !from.is_empty())
        {
            return Ok(());
        }
        let excludes = instruction
            .flag_values("exclude")
            .map(|pattern| self.sub(pattern, line))
            .collect::<Result<Vec<_>, _>>()?;
        let Some((_, sources)) = instruction.args.split_last() else {
            return Ok(());
        };
        for raw in sources {
            // A heredoc source is inline content.
            if words::heredoc_marker(raw).is_some() {
                continue;
            }
            let path = self.sub(raw, line)?;
            let (path, kind) = if is_url(&path) {
                if instruction.keyword != "ADD" {
                    return Err(ResolveError::UrlInCopy { line, url: path });
                }
                (path, SourceKind::Url)
            } else {
                (clean_source(&path), SourceKind::Context)
            };
            out.push(Source {
                line,
                instruction: instruction.keyword.clone(),
                path,
                excludes: excludes.clone(),
                kind,
            });
        }
        Ok(())
    }

    /// `RUN --mount=type=bind,source=x` without `from=` mounts part of the context (bind is
    /// the default type, the whole context the default source).
    fn bind_mounts(
        &self,
        instruction: &Instruction,
        out: &mut Vec<Source>,
    ) -> Result<(), ResolveError> {
        for spec in instruction.flag_values("mount") {
            let mut kind = "bind".to_string();
            let mut from = String::new();
            let mut source = String::new();
            for field in csv_fields(spec) {
                let Some((key, value)) = field.split_once('=') else {
                    continue;
                };
                let value = self.sub(value, instruction.line)?;
                match key.to_lowercase().as_str() {
                    "type" => kind = value.to_lowercase(),
                    "from" => from = value,
                    "source" | "src" => source = value,
                    _ => {}
                }
            }
            if kind == "bind" && from.is_empty() {
                out.push(Source {
                    line: instruction.line,
                    instruction: instruction.keyword.clone(),
                    path: clean_source(&source),
                    excludes: Vec::new(),
                    kind: SourceKind::Context,
                });
            }
        }
        Ok(())
    }
}

/// One CSV record, as the engine reads `--mount` values: `"..."` fields may hold commas.
fn csv_fields(spec: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = spec.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => quoted = true,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Whether an ADD source is fetched rather than read from the context: http(s), git and ssh
/// URLs, scp-like `user@host:path` git remotes, and any `scheme://....git`.
fn is_url(source: &str) -> bool {
    if ["http://", "https://", "git://", "ssh://"]
        .iter()
        .any(|scheme| source.starts_with(scheme))
    {
        return true;
    }
    if let Some((user, rest)) = source.split_once('@') {
        let user_ok = !user.is_empty()
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let host_ok = rest.split_once(':').is_some_and(|(host, _)| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        });
        if user_ok && host_ok {
            return true;
        }
    }
    match source.split_once("://") {
        Some((scheme, rest)) => {
            let scheme_ok = !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            let path = rest.split('#').next().unwrap_or(rest);
            scheme_ok && path.ends_with(".git")
        }
        None => false,
    }
}

/// The engine's `path.Join("/", source)` made relative: "" is the whole context, and `..`
/// cannot climb out of it.
fn clean_source(source: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}
