//! What in a Dockerfile only BuildKit understands, so that an engine without it gets a clear
//! error naming the instruction instead of the legacy builder's own words halfway through.

use super::{lines, Dockerfile, Instruction};

/// An instruction that needs BuildKit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildKitOnly {
    /// 1-based line.
    pub line: usize,
    /// The instruction as written (continuations joined).
    pub instruction: String,
    /// What needs BuildKit (`` `RUN --mount` ``, `a heredoc`, …).
    pub feature: String,
}

/// The first instruction of `dockerfile` that the legacy builder refuses, if any; `text` is the
/// Dockerfile's text, for its `# syntax=` directive.
pub fn buildkit_only(text: &str, dockerfile: &Dockerfile) -> Option<BuildKitOnly> {
    all_buildkit_only(text, dockerfile).into_iter().next()
}

/// Every instruction that needs BuildKit, in line order.
pub fn all_buildkit_only(text: &str, dockerfile: &Dockerfile) -> Vec<BuildKitOnly> {
    let mut found = Vec::new();
    if let Some((line, image)) = syntax(text) {
        found.push(BuildKitOnly {
            line,
            instruction: format!("# syntax={image}"),
            feature: "the `# syntax=` directive".into(),
        });
    }
    let instructions = dockerfile
        .global_args
        .iter()
        .chain(dockerfile.stages.iter().flat_map(|s| s.instructions.iter()));
    found.extend(instructions.filter_map(needs));
    found.sort_by_key(|f| f.line);
    found
}

fn needs(instruction: &Instruction) -> Option<BuildKitOnly> {
    let flags: &[&str] = match instruction.keyword.as_str() {
        "RUN" => &["mount", "network", "security"],
        "COPY" => &["link", "parents", "exclude", "chmod"],
        "ADD" => &[
            "link",
            "parents",
            "exclude",
            "chmod",
            "checksum",
            "keep-git-dir",
        ],
        _ => &[],
    };
    let feature = instruction
        .flags
        .iter()
        .find(|(name, _)| flags.contains(&name.as_str()))
        .map(|(name, _)| format!("`{} --{name}`", instruction.keyword))
        .or_else(|| {
            (!instruction.heredocs.is_empty()).then(|| {
                format!(
                    "a heredoc (`{} <<{}`)",
                    instruction.keyword, instruction.heredocs[0].name
                )
            })
        })?;
    Some(BuildKitOnly {
        line: instruction.line,
        instruction: instruction.raw.clone(),
        feature,
    })
}

/// The `# syntax=` parser directive: its line and the frontend image it names.
pub fn syntax(text: &str) -> Option<(usize, String)> {
    for (index, line) in text.lines().enumerate() {
        let (key, value) = lines::directive(line.trim_start())?;
        match key.to_ascii_lowercase().as_str() {
            "syntax" => return Some((index + 1, value.to_string())),
            "escape" | "check" => continue,
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<(usize, String)> {
        let parsed = super::super::parse(text).expect("parses");
        buildkit_only(text, &parsed).map(|f| (f.line, f.feature))
    }

    #[test]
    fn legacy_dockerfiles_need_nothing() {
        assert_eq!(
            first("FROM busybox\nCOPY --chown=1:1 a /a\nRUN echo hi\nADD b /b\n"),
            None
        );
    }

    #[test]
    fn each_buildkit_form_is_named_with_its_line() {
        let cases = [
            (
                "FROM b\nRUN --mount=type=cache,target=/c true\n",
                2,
                "`RUN --mount`",
            ),
            ("FROM b\nCOPY --link a /a\n", 2, "`COPY --link`"),
            ("FROM b\nCOPY --parents a/b /x/\n", 2, "`COPY --parents`"),
            ("FROM b\nCOPY --exclude=*.md . /x/\n", 2, "`COPY --exclude`"),
            (
                "FROM b\nRUN true\nCOPY --chmod=755 a /a\n",
                3,
                "`COPY --chmod`",
            ),
            (
                "FROM b\nRUN <<EOF\necho hi\nEOF\n",
                2,
                "a heredoc (`RUN <<EOF`)",
            ),
            (
                "# syntax=docker/dockerfile:1\nFROM b\n",
                1,
                "the `# syntax=` directive",
            ),
        ];
        for (text, line, feature) in cases {
            assert_eq!(first(text), Some((line, feature.to_string())), "{text}");
        }
    }

    #[test]
    fn the_syntax_directive_only_at_the_top() {
        assert_eq!(
            syntax("# escape=`\n# syntax=docker/dockerfile:1.7\nFROM b\n"),
            Some((2, "docker/dockerfile:1.7".into()))
        );
        assert_eq!(syntax("FROM b\n# syntax=docker/dockerfile:1\n"), None);
        assert_eq!(syntax("# a comment\n# syntax=x\nFROM b\n"), None);
    }
}
