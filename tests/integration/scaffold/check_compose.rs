//! `dockwright check` on compose files as people write them: flow lists, anchors and merges,
//! block scalars, the long volume syntax, and files that are not YAML at all.

use crate::support::TestRepo;

/// The compose findings of `check --format json`: (rule, file, line, message).
fn compose_findings(repo: &TestRepo) -> Vec<(String, String, u64, String)> {
    let run = repo.dockwright(&["check", "--format", "json"]);
    assert!(
        run.stderr.is_empty() && matches!(run.code, 0 | 4),
        "{run:?}"
    );
    run.json()
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"].as_str().unwrap().contains("compose"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn rules_and_lines(found: &[(String, String, u64, String)]) -> Vec<(&str, &str, u64)> {
    found
        .iter()
        .map(|(r, f, l, _)| (r.as_str(), f.as_str(), *l))
        .collect()
}

#[test]
fn check_reads_a_flow_list_of_volumes() {
    let repo = TestRepo::new();
    repo.write(
        "compose.yaml",
        "services:\n  web:\n    image: busybox:1\n    volumes: [\".:/app\", \"/app/node_modules\"]\n",
    );
    let found = compose_findings(&repo);
    assert_eq!(
        rules_and_lines(&found),
        [("whole-project-mounted", "compose.yaml", 4)]
    );
    assert!(
        found[0]
            .3
            .starts_with("service `web` mounts the whole project read-write at `/app`:"),
        "{found:?}"
    );
}

#[test]
fn check_follows_an_anchor_merged_into_a_service() {
    let repo = TestRepo::new();
    repo.write(
        "compose.yaml",
        "x-dev: &dev\n  image: busybox:1\n  volumes:\n    - .:/app\nservices:\n  web:\n    <<: *dev\n    command: serve\n  db:\n    image: postgres:16\n  worker: *dev\n",
    );
    let found = compose_findings(&repo);
    // Both findings sit on the mount itself (line 4), where the fix goes; each names the
    // service that inherits it and the line that brings it in.
    assert_eq!(
        rules_and_lines(&found),
        [
            ("whole-project-mounted", "compose.yaml", 4),
            ("whole-project-mounted", "compose.yaml", 4)
        ]
    );
    let messages: Vec<&str> = found.iter().map(|f| f.3.as_str()).collect();
    assert!(
        messages.contains(&"service `web` mounts the whole project read-write at `/app` (through `<<: *dev` at line 7): the container can change any file, as whatever user it runs as"),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("service `worker` mounts the whole project read-write at `/app` (through `worker: *dev` at line 11)")),
        "{messages:?}"
    );
}

#[test]
fn check_reads_past_a_block_scalar_command() {
    let repo = TestRepo::new();
    // The block scalar holds text that looks like keys, list items and comments.
    repo.write(
        "compose.yaml",
        "services:\n  web:\n    image: busybox:1\n    command: |\n      sh -c 'echo volumes:\n        - ./data:/data  # not a mount'\n    volumes:\n      - .:/app\n",
    );
    let found = compose_findings(&repo);
    assert_eq!(
        rules_and_lines(&found),
        [("whole-project-mounted", "compose.yaml", 8)]
    );
    assert!(found[0].3.starts_with("service `web` "), "{found:?}");
}

#[test]
fn check_reads_long_syntax_and_other_spellings_of_the_project() {
    let repo = TestRepo::new();
    repo.write(
        "compose.yaml",
        "services:\n  long:\n    image: busybox:1\n    volumes:\n      - type: bind\n        source: .\n        target: /src\n  slash:\n    image: busybox:1\n    volumes: [\"./:/work\"]\n  pwd:\n    image: busybox:1\n    volumes:\n      - ${PWD}:/code\n  readonly:\n    image: busybox:1\n    volumes:\n      - type: bind\n        source: ./\n        target: /ro\n        read_only: true\n      - .:/also:ro\n      - ./data:/data\n",
    );
    let found = compose_findings(&repo);
    assert_eq!(
        rules_and_lines(&found),
        [
            ("whole-project-mounted", "compose.yaml", 6),
            ("whole-project-mounted", "compose.yaml", 10),
            ("whole-project-mounted", "compose.yaml", 14)
        ]
    );
    let services: Vec<&str> = found
        .iter()
        .map(|f| f.3.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(services, ["long", "slash", "pwd"]);
}

#[test]
fn check_names_the_place_of_a_compose_file_that_is_not_yaml() {
    let repo = TestRepo::new();
    repo.write(
        "compose.yaml",
        "services:\n  web:\n    volumes: [\".:/app\"\n",
    )
    .write("docker-compose.prod.yml", "services:\n  web:\n\timage: x\n");
    let found = compose_findings(&repo);
    assert_eq!(
        rules_and_lines(&found),
        [
            ("invalid-compose-file", "compose.yaml", 3),
            ("invalid-compose-file", "docker-compose.prod.yml", 3)
        ]
    );
    assert_eq!(
        found[0].3,
        "`compose.yaml` is not valid YAML at line 3, column 14: unclosed bracket '['"
    );
    assert!(
        found[1]
            .3
            .starts_with("`docker-compose.prod.yml` is not valid YAML at line 3, column"),
        "{found:?}"
    );
    let text = repo.dockwright(&["check"]).code(4);
    assert!(
        text.stdout
            .contains("compose.yaml:3: `compose.yaml` is not valid YAML at line 3, column 14")
            && text
                .stdout
                .contains("  fix: correct the YAML at line 3, column 14"),
        "{}",
        text.stdout
    );
}

#[test]
fn check_cuts_long_quoted_input_to_a_readable_length() {
    let repo = TestRepo::new();
    let name = "s".repeat(400);
    let target = format!("/{}", "t".repeat(400));
    repo.write(
        "compose.yaml",
        format!("services:\n  {name}:\n    image: busybox:1\n    volumes:\n      - .:{target}\n"),
    );
    let found = compose_findings(&repo);
    assert_eq!(
        rules_and_lines(&found),
        [("whole-project-mounted", "compose.yaml", 5)]
    );
    let message = &found[0].3;
    assert!(message.chars().count() < 300, "{message}");
    assert!(
        message.starts_with(&format!("service `{}…` mounts", "s".repeat(79))),
        "{message}"
    );
}

/// Every finding of `check --format json`: (rule, file, line).
fn all_findings(repo: &TestRepo) -> Vec<(String, String, u64)> {
    repo.dockwright(&["check", "--format", "json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Issue 12 item 4 and issue 19 item 1: apps in subfolders, built by a root compose file.
#[test]
fn check_reads_each_compose_service_in_its_own_build_context() {
    let repo = TestRepo::new();
    repo.write(
        "compose.yaml",
        "services:\n  api:\n    build: ./backend\n    volumes:\n      - ./backend:/usr/src/app\n  web:\n    build:\n      context: frontend\n      dockerfile: Dockerfile.dev\n    volumes:\n      - ./frontend/:/app:ro\n  db:\n    image: postgres:16\n    volumes:\n      - data:/var/lib/postgresql/data\nvolumes:\n  data:\n",
    )
    // The backend's context: `.env` not ignored, everything else right.
    .write("backend/requirements.txt", "flask==3.0.0\n")
    .write("backend/.dockerignore", ".git\n")
    .write(
        "backend/Dockerfile.runtime",
        "FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nUSER 1000\n",
    )
    // The frontend is built from compose's own Dockerfile, which misses the lock file.
    .write("frontend/package.json", "{\"name\": \"web\"}\n")
    .write("frontend/package-lock.json", "{}\n")
    .write("frontend/.dockerignore", ".git\n.env\nnode_modules\n")
    .write(
        "frontend/Dockerfile.dev",
        "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nUSER node\n",
    );
    // Nothing about the root: it has no `.dockerignore` and no runtime Dockerfile, and no
    // build reads it. The frontend's node rule reads its own package.json (the root has none).
    assert_eq!(
        all_findings(&repo),
        [
            ("env-not-ignored", "backend/.dockerignore", 0),
            ("whole-project-mounted", "compose.yaml", 5),
            ("node-modules-not-isolated", "compose.yaml", 11),
            ("manifest-not-in-inputs", "frontend/Dockerfile.dev", 3),
        ]
        .map(|(r, f, l)| (r.to_string(), f.to_string(), l))
    );
    let found = compose_findings(&repo);
    assert_eq!(
        found[0].3,
        "service `api` mounts its whole build context `./backend` read-write at `/usr/src/app`: the container can change any file, as whatever user it runs as"
    );
    let text = repo.dockwright(&["check"]).code(4);
    assert!(
        text.stdout
            .contains("  fix: mount the source read-only (`./backend:/usr/src/app:ro`)"),
        "{}",
        text.stdout
    );
}

/// A service built from a subfolder that mounts the project root is still the whole project.
#[test]
fn check_flags_the_project_root_mounted_into_a_subfolder_service() {
    let repo = TestRepo::new();
    repo.write(
        "compose.yaml",
        "services:\n  api:\n    build:\n      context: ./backend\n    volumes:\n      - ${PWD}:/src\n      - ./backend/data:/data\n",
    )
    .write("backend/.dockerignore", ".git\n.env\n")
    .write(
        "backend/Dockerfile",
        "FROM busybox:1.36\nUSER 1000\nCMD [\"sh\"]\n",
    );
    assert_eq!(
        all_findings(&repo),
        [(
            "whole-project-mounted".to_string(),
            "compose.yaml".to_string(),
            6
        )]
    );
}
