//! `dockwright check`: each mistake found with file and line; the suggested fixes accepted.

use std::collections::BTreeSet;

use super::sample;
use crate::support::TestRepo;

/// Each mistake of the issue, seeded once, found with its file and line.
#[test]
fn check_finds_each_mistake_in_a_seeded_bad_project() {
    let repo = TestRepo::new();
    repo.write("package.json", "{\"name\": \"web\"}\n")
        .write("package-lock.json", "{}\n")
        .write("src/index.js", "console.log(1)\n")
        // line 1 unpinned, no USER (root), line 4 COPY . . (which also copies every manifest).
        .write("Dockerfile.runtime", "FROM node\nWORKDIR /app\nCOPY package.json ./\nCOPY . .\nRUN npm install\n")
        // .git and .env not ignored; line 2 hides a manifest.
        .write(".dockerignore", "node_modules\npackage.json\n")
        .write("Dockerfile", "FROM node:latest AS base\nFROM base AS development\nFROM development AS production\nUSER root\n")
        .write("compose.yaml", "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n")
        .write("compose.prod.yaml", "services:\n  web:\n    build:\n      context: .\n      target: development\n");
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let found: BTreeSet<(String, String, u64)> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().into(),
                f["file"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String, u64)> = [
        ("unpinned-base", "Dockerfile.runtime", 1),
        ("root-user", "Dockerfile.runtime", 1),
        ("source-in-runtime-image", "Dockerfile.runtime", 4),
        ("git-not-ignored", ".dockerignore", 0),
        ("env-not-ignored", ".dockerignore", 0),
        ("manifest-ignored", ".dockerignore", 2),
        ("unpinned-base", "Dockerfile", 1),
        ("development-in-production", "Dockerfile", 3),
        ("root-user", "Dockerfile", 4),
        ("compose-not-runtime-image", "compose.yaml", 3),
        ("whole-project-mounted", "compose.yaml", 5),
        ("node-modules-not-isolated", "compose.yaml", 5),
        ("development-in-production", "compose.prod.yaml", 5),
    ]
    .into_iter()
    .map(|(r, f, l)| (r.to_string(), f.to_string(), l))
    .collect();
    assert_eq!(found, expected, "\n{}", run.stdout);

    // For people: file:line, the rule, and a fix per finding.
    let text = repo.dockwright(&["check"]).code(4);
    assert!(
        text.stdout
            .contains("Dockerfile.runtime:4: the runtime image copies the whole project"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("  fix: copy only the dependency manifests"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("13 mistakes found"), "{}", text.stdout);

    // A runtime image that copies one manifest of two: the other is named, at the COPY.
    let repo = TestRepo::new();
    repo.write("package.json", "{\"name\": \"web\"}\n")
        .write("package-lock.json", "{}\n")
        .write(".dockerignore", ".git\n.env\n")
        .write("Dockerfile.runtime", "FROM node:20-bookworm-slim\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nUSER 1000\n");
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let findings = run.json();
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["rule"], "manifest-not-in-inputs");
    assert_eq!(findings[0]["line"], 3);
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .contains("`package-lock.json`"),
        "{findings}"
    );
}

#[test]
fn check_accepts_the_fixes_it_suggests() {
    let repo = sample("node-npm");
    repo.dockwright(&["init"]).ok();
    repo.dockwright(&["check"]).ok();
    // Dropping the anonymous volume over node_modules is exactly one finding.
    let compose = repo
        .read("compose.yaml")
        .replace("      - /app/node_modules\n", "");
    repo.write("compose.yaml", compose);
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let rules: Vec<String> = run
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, ["node-modules-not-isolated"]);
}

/// A project scaffolded before `dockwright up`: its compose.yaml builds the `development` stage
/// itself. `check` says to run the runtime image instead, and accepts the result.
#[test]
fn check_moves_an_old_scaffold_onto_the_runtime_image() {
    let repo = sample("python-pip");
    repo.dockwright(&["init"]).ok();
    let current = repo.read("compose.yaml");
    let image_line = "    image: ${DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}\n    # The runtime image is dockwright's, never pulled or built by compose.\n    pull_policy: never\n";
    assert!(current.contains(image_line), "{current}");
    // The compose.yaml of the templates before: a `build:` of the development target.
    let old = current.replace(
        image_line,
        "    build:\n      context: .\n      target: development\n",
    );
    repo.write("compose.yaml", &old);
    let line = old.lines().position(|l| l == "    build:").unwrap() + 1;
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let findings = run.json();
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["rule"], "compose-not-runtime-image");
    assert_eq!(findings[0]["file"], "compose.yaml");
    assert_eq!(findings[0]["line"], line);
    assert_eq!(
        findings[0]["message"],
        "service `app` builds its own image (the `development` target), not the runtime image of dockwright service `app`: after a change to the dependency manifests it runs an image nothing checks"
    );
    assert_eq!(
        findings[0]["fix"],
        "run the runtime image: `image: ${DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}` with `pull_policy: never` instead of the `build:` section, and start it with `dockwright up` (in the justfile: `dev: dockwright up`); by hand, `eval \"$(dockwright env)\"` sets the variable"
    );

    // Another image named outright is the same mistake, at its line.
    let pinned = current.replace(
        "${DOCKWRIGHT_IMAGE_APP:-app-runtime-image:run-dockwright-up}",
        "python:3.12-slim",
    );
    repo.write("compose.yaml", &pinned);
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let findings = run.json();
    assert_eq!(
        findings[0]["rule"], "compose-not-runtime-image",
        "{findings}"
    );
    assert!(
        findings[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("service `app` runs `python:3.12-slim`, not the runtime image"),
        "{findings}"
    );

    // The fix as suggested: nothing found.
    repo.write("compose.yaml", &current);
    repo.dockwright(&["check"]).ok();
}

/// The `root-user` finding of a project whose runtime Dockerfile is `dockerfile`: its fix.
fn root_user_fix(dockerfile: &str) -> String {
    let repo = TestRepo::new();
    repo.write(".dockerignore", ".git\n.env\n")
        .write("Dockerfile.runtime", dockerfile);
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let findings = run.json();
    let found: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "root-user")
        .collect();
    assert_eq!(found.len(), 1, "{findings}");
    found[0]["fix"].as_str().unwrap().to_string()
}

/// Issue 19 item 7: the fix names a command the base image has.
#[test]
fn check_fits_the_root_user_fix_to_the_base_image_family() {
    let debian = root_user_fix("FROM python:3.12-slim-bookworm\nWORKDIR /app\n");
    assert!(
        debian.contains("RUN useradd --uid \"$UID\" app"),
        "{debian}"
    );

    for alpine in [
        "FROM node:20-alpine\n",
        "FROM alpine:3.20 AS base\nFROM base\nRUN true\n",
        "FROM dockwright-test/busybox:1\n",
    ] {
        let fix = root_user_fix(alpine);
        assert!(
            fix.contains("RUN adduser -D -u \"$UID\" app") && !fix.contains("useradd --uid"),
            "{alpine}: {fix}"
        );
    }

    for no_shell in [
        "FROM scratch\nCOPY app /app\n",
        "FROM gcr.io/distroless/static-debian12:nonroot AS base\nFROM base\nUSER root\n",
    ] {
        let fix = root_user_fix(no_shell);
        assert!(
            fix.contains("has no shell to create a user with")
                && fix.contains("`USER 65532:65532`")
                && !fix.contains("RUN "),
            "{no_shell}: {fix}"
        );
    }
}

/// Issue 19 item 7: a development stage that a plain build makes is not "the production image".
#[test]
fn check_names_a_dev_envs_stage_for_what_it_is() {
    let repo = TestRepo::new();
    repo.write(".dockerignore", ".git\n.env\n")
        .write("Dockerfile.runtime", "FROM node:20-bookworm-slim\nUSER node\n")
        .write(
            "Dockerfile",
            "FROM node:20-bookworm-slim AS development\nWORKDIR /app\nCMD [\"npm\", \"run\", \"dev\"]\n\nFROM development AS dev-envs\nRUN apt-get update\n",
        );
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let findings = run.json();
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["rule"], "root-user");
    assert_eq!(findings[0]["line"], 5);
    let message = findings[0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "the image of the last stage `dev-envs` (what a plain `docker build` makes) runs as root: no USER in stage `dev-envs` or the stages it is built from"
    );
    assert!(!message.contains("production"), "{message}");
}

/// Issue 19 item 7: `COPY --from=<image>` pulls an image; without a tag it is unpinned.
#[test]
fn check_flags_copy_from_an_unpinned_image() {
    let repo = TestRepo::new();
    repo.write(".dockerignore", ".git\n.env\n").write(
        "Dockerfile.runtime",
        "FROM golang:1.22-bookworm AS build\nCOPY --from=busybox /bin/busybox /bin/\nCOPY --from=alpine:latest /etc/apk /etc/apk\nCOPY --from=ghcr.io/astral-sh/uv:0.4.0 /uv /bin/\nCOPY --from=tools@sha256:0123 /t /t\nFROM debian:bookworm-slim\nCOPY --from=build /go/bin /bin\nCOPY --from=0 /go /go\nUSER 1000\n",
    );
    let run = repo.dockwright(&["check", "--format", "json"]).code(4);
    let findings = run.json();
    let found: Vec<(String, u64, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "unpinned-base".to_string(),
                2,
                "`COPY --from=busybox` copies from an image that has no tag, so it is whatever `latest` is on the day of the build".to_string()
            ),
            (
                "unpinned-base".to_string(),
                3,
                "`COPY --from=alpine:latest` copies from an image that is `latest`, which moves under you".to_string()
            ),
        ]
    );
    assert!(
        findings[0]["fix"]
            .as_str()
            .unwrap()
            .contains("`busybox:<version>`"),
        "{findings}"
    );
}
