//! Builds through the engine's BuildKit: its Dockerfile syntax, the legacy fallback, the
//! errors for what this engine's frontend cannot do, and output without escapes off a terminal.

use std::process::Command;

use crate::support::{busybox, TestRepo, BUSYBOX};

/// `docker run --rm IMAGE sh -c SCRIPT`'s stdout.
fn run_in(image: &str, script: &str) -> String {
    let out = Command::new("docker")
        .args([
            "run",
            "--rm",
            "--network",
            "none",
            image,
            "sh",
            "-c",
            script,
        ])
        .output()
        .expect("docker run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The image a `build --format json` made.
fn built_image(repo: &TestRepo) -> String {
    let run = repo.dockwright(&["build", "--format", "json"]).ok();
    run.json()[0]["image"].as_str().unwrap().to_string()
}

/// The engine's major version: its built-in Dockerfile frontend follows it.
fn engine_major() -> u32 {
    let out = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .output()
        .expect("docker version");
    String::from_utf8_lossy(&out.stdout)
        .split('.')
        .next()
        .and_then(|m| m.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn cache_mounts_and_copy_chmod_build_from_exactly_the_inputs() {
    let repo = TestRepo::new();
    busybox();
    // The cache id is unique to this test, so parallel tests never share the mount.
    let cache = format!("dwt-cache-{}", repo.project);
    repo.write(
        "Dockerfile.runtime",
        format!(
            "FROM {BUSYBOX}\n\
             COPY --chmod=751 tool.sh /usr/local/bin/tool\n\
             COPY requirements.txt /deps/\n\
             RUN --mount=type=cache,id={cache},target=/cache \\\n    \
             cat /deps/requirements.txt >> /cache/seen && cp /cache/seen /deps/seen\n"
        ),
    )
    .write("tool.sh", "#!/bin/sh\necho tool\n")
    .write("requirements.txt", "one\n")
    .write("README.md", "not an input\n");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().stdout;
    assert!(inputs.contains("tool.sh"), "{inputs}");
    assert!(!inputs.contains("README.md"), "{inputs}");

    let image = built_image(&repo);
    assert_eq!(
        run_in(&image, "stat -c %a /usr/local/bin/tool; cat /deps/seen"),
        "751\none\n"
    );
    // A changed manifest runs the step again; the cache mount still holds the first run's
    // download: BuildKit's cache, which the legacy builder has no way to express.
    repo.write("requirements.txt", "two\n");
    let image = built_image(&repo);
    assert_eq!(run_in(&image, "cat /deps/seen"), "one\ntwo\n");
    let _ = Command::new("docker")
        .args(["builder", "prune", "-f", "--filter", &format!("id={cache}")])
        .output();
}

#[test]
fn piped_build_output_is_plain_steps_with_times_and_cache_hits_and_no_escapes() {
    let repo = TestRepo::new();
    repo.busybox_service();
    let first = repo.dockwright(&["build"]).ok();
    assert!(!first.stderr.contains('\x1b'), "{:?}", first.stderr);
    assert!(
        first
            .stderr
            .lines()
            .any(|l| l.contains("| #") && l.contains("RUN cp /deps/requirements.txt")),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.lines().any(|l| l.contains(" DONE ")),
        "{}",
        first.stderr
    );
    // Same steps under another fingerprint: every step is a cache hit.
    repo.write("app.py", "print('changed, not an input')\n")
        .write(
            "Dockerfile.runtime",
            format!(
                "{}# a comment changes the fingerprint, not the steps\n",
                repo.read("Dockerfile.runtime")
            ),
        );
    let second = repo.dockwright(&["build"]).ok();
    assert!(
        second.stderr.lines().any(|l| l.ends_with(" CACHED")),
        "{}",
        second.stderr
    );
}

#[test]
fn a_failing_step_shows_its_output_without_escapes_even_when_it_prints_colour() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!("FROM {BUSYBOX}\nRUN printf '\\033[91mERROR\\033[0m: red-alert\\n' && false\n"),
    );
    for env in [vec![], vec![("NO_COLOR", "1")]] {
        let run = repo.dockwright_env(&["build"], &env).code(5);
        assert!(run.stderr.contains("ERROR: red-alert"), "{}", run.stderr);
        assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
        assert!(
            run.stderr.contains("the build failed at `[2/2] RUN printf"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("help: fix the failing step in `Dockerfile.runtime`"),
            "{}",
            run.stderr
        );
    }
}

/// The forms the engine's built-in frontend learnt after 20.10 (Dockerfile 1.4 and later): on
/// an engine older than the major given each is an error naming the line and the feature; on a
/// newer one they build.
#[test]
fn newer_copy_forms_build_or_name_the_instruction_the_frontend_lacks() {
    let cases = [
        (
            23,
            "COPY <<EOF /etc/greeting\nhello\nEOF\n",
            "a heredoc (`COPY <<EOF`)",
            "cat /etc/greeting",
            "hello\n",
        ),
        (
            23,
            "COPY --link a.txt /a.txt\n",
            "`COPY --link`",
            "cat /a.txt",
            "a\n",
        ),
        (
            28,
            "COPY --parents dir/sub/b.txt /x/\n",
            "`COPY --parents`",
            "cat /x/dir/sub/b.txt",
            "b\n",
        ),
        (
            28,
            "COPY --exclude=*.md dir/ /y/\n",
            "`COPY --exclude`",
            "ls /y/sub",
            "b.txt\n",
        ),
    ];
    let engine = engine_major();
    for (since, instruction, feature, check, expected) in cases {
        let repo = TestRepo::new();
        busybox();
        repo.write(
            "Dockerfile.runtime",
            format!("FROM {BUSYBOX}\n{instruction}"),
        )
        .write("a.txt", "a\n")
        .write("dir/sub/b.txt", "b\n")
        .write("dir/sub/notes.md", "excluded\n");
        if engine >= since {
            let image = built_image(&repo);
            assert_eq!(run_in(&image, check), expected, "{instruction}");
            continue;
        }
        let run = repo.dockwright(&["build"]);
        assert_ne!(run.code, 0, "{instruction}: {}", run.stderr);
        assert!(
            run.stderr.contains("`Dockerfile.runtime` line 2"),
            "{instruction}: {}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains(&format!("does not understand {feature}")),
            "{instruction}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains("help: update the engine"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_syntax_directive_whose_frontend_cannot_be_had_is_named() {
    let repo = TestRepo::new();
    busybox();
    repo.write(
        "Dockerfile.runtime",
        format!("# syntax=docker/dockerfile:1.7\nFROM {BUSYBOX}\nRUN true\n"),
    );
    let run = repo.dockwright(&["build"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "`Dockerfile.runtime` line 1: the engine cannot get the Dockerfile frontend `docker/dockerfile:1.7`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: remove the `# syntax=` line"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_legacy_builder_builds_plain_dockerfiles_and_names_what_needs_buildkit() {
    let repo = TestRepo::new();
    repo.busybox_service();
    let legacy = [("DOCKWRIGHT_BUILDER", "legacy")];
    let run = repo.dockwright_env(&["build"], &legacy).ok();
    assert!(run.stderr.contains("Step 2/"), "{}", run.stderr);
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);

    repo.write(
        "Dockerfile.runtime",
        format!(
            "FROM {BUSYBOX}\nCOPY requirements.txt /deps/\nRUN --mount=type=cache,target=/c cp /deps/requirements.txt /c/\n"
        ),
    );
    let run = repo.dockwright_env(&["build"], &legacy);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains(
            "`Dockerfile.runtime` line 3 needs BuildKit (`RUN --mount`), which this engine does not have"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: use an engine with BuildKit"),
        "{}",
        run.stderr
    );

    let run = repo.dockwright_env(&["build"], &[("DOCKWRIGHT_BUILDER", "classic")]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains("DOCKWRIGHT_BUILDER=`classic` names no builder"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_build_secret_reaches_its_step_and_nothing_else() {
    let repo = TestRepo::new();
    busybox();
    let value = format!("s3cr3t-{}", repo.project);
    repo.write(
        "dockwright.toml",
        "[services.app]\nsecrets = { pip_index = { env = \"DWT_TEST_PIP_INDEX\" }, netrc = { file = \".netrc-test\" } }\n",
    )
    .write(
        "Dockerfile.runtime",
        format!(
            "FROM {BUSYBOX}\nCOPY requirements.txt /deps/\n\
             RUN --mount=type=secret,id=pip_index --mount=type=secret,id=netrc \\\n    \
             wc -c < /run/secrets/pip_index > /deps/index-length && wc -c < /run/secrets/netrc > /deps/netrc-length\n"
        ),
    )
    .write("requirements.txt", "flask\n")
    .write(".netrc-test", format!("machine example password {value}\n"));

    let missing = repo.dockwright(&["build"]);
    assert_ne!(missing.code, 0);
    assert!(
        missing.stderr.contains(
            "build secret `pip_index` comes from the environment variable `DWT_TEST_PIP_INDEX`, which is not set"
        ),
        "{}",
        missing.stderr
    );

    let env = [("DWT_TEST_PIP_INDEX", value.as_str())];
    let run = repo
        .dockwright_env(&["build", "--format", "json"], &env)
        .ok();
    let image = run.json()[0]["image"].as_str().unwrap().to_string();
    let fingerprint = run.json()[0]["fingerprint"].as_str().unwrap().to_string();
    // The step read both secrets: their lengths are in the image, their values nowhere.
    assert_eq!(
        run_in(&image, "cat /deps/index-length /deps/netrc-length"),
        format!("{}\n{}\n", value.len(), value.len() + 26)
    );
    assert!(!run.stdout.contains(&value) && !run.stderr.contains(&value));
    let verbose = repo.dockwright_env(&["build", "--verbose"], &env).ok();
    assert!(!verbose.stderr.contains(&value));
    // Not in the labels, the history or any layer of the image.
    let inspect = Command::new("docker")
        .args(["image", "inspect", &image])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&inspect.stdout).contains(&value));
    let history = Command::new("docker")
        .args(["history", "--no-trunc", &image])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&history.stdout).contains(&value));
    let saved = Command::new("docker")
        .args(["save", &image])
        .output()
        .unwrap();
    assert!(saved.status.success());
    assert!(
        !saved
            .stdout
            .windows(value.len())
            .any(|w| w == value.as_bytes()),
        "the secret is in a layer"
    );
    // Not in the fingerprint: another value leaves the image fresh.
    let other = [("DWT_TEST_PIP_INDEX", "another-value")];
    let status = repo
        .dockwright_env(&["status", "--format", "json"], &other)
        .ok()
        .json();
    assert_eq!(status[0]["fingerprint"].as_str().unwrap(), fingerprint);
    assert_eq!(status[0]["state"].as_str().unwrap(), "fresh", "{status}");
}
