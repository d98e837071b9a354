//! `dockwright init`: never overwriting, backups, dry runs, errors, variables, user templates.

use super::{files_under, sample, snapshot};
use crate::support::TestRepo;

#[test]
fn init_twice_is_a_no_op() {
    let repo = sample("python-pip");
    repo.dockwright(&["init"]).ok();
    let first = snapshot(&repo);
    let again = repo.dockwright(&["init", "--format", "json"]).ok().json();
    for file in again["files"].as_array().unwrap() {
        assert_eq!(file["action"], "unchanged", "{file}");
    }
    assert_eq!(snapshot(&repo), first, "the second init changed files");
}

#[test]
fn init_over_hand_written_files_keeps_them_byte_identical() {
    let repo = sample("node-npm");
    let mine: &[(&str, &[u8])] = &[
        ("Dockerfile", b"FROM node:20\r\nCOPY . .\r\n"),
        ("compose.yaml", b"services: {}\n\xff not even utf-8\n"),
        (".dockerignore", b"node_modules"),
    ];
    for (rel, bytes) in mine {
        repo.write(rel, bytes);
    }
    let run = repo.dockwright(&["init"]).ok();
    for (rel, bytes) in mine {
        assert_eq!(
            std::fs::read(repo.path().join(rel)).unwrap(),
            *bytes,
            "{rel} was changed"
        );
        assert!(
            run.stdout
                .contains(&format!("skipped  {rel} (exists and differs; kept)")),
            "{rel} not reported:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("created  Dockerfile.runtime"),
        "{}",
        run.stdout
    );
    assert!(!repo.path().join("Dockerfile.dockwright-backup").exists());

    // --dry-run shows what differs, and still writes nothing.
    let before = snapshot(&repo);
    let dry = repo.dockwright(&["init", "--dry-run"]).ok();
    assert!(
        dry.stdout.contains("would skip  Dockerfile"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("--- Dockerfile\n+++ Dockerfile (dockwright)"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("\n-FROM node:20\n")
            && dry
                .stdout
                .contains("\n+FROM node:20-bookworm-slim AS base\n"),
        "{}",
        dry.stdout
    );
    assert_eq!(snapshot(&repo), before, "--dry-run wrote something");
}

#[test]
fn dry_run_on_a_new_project_writes_nothing() {
    let repo = sample("go");
    let before = snapshot(&repo);
    let report = repo
        .dockwright(&["init", "--dry-run", "--format", "json"])
        .ok()
        .json();
    assert!(
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["action"] == "would-create"),
        "{report}"
    );
    assert_eq!(snapshot(&repo), before);
}

#[test]
fn force_keeps_a_backup_of_every_replaced_file_and_never_touches_the_justfile() {
    let repo = sample("python-pip");
    repo.write("Dockerfile", "FROM python:3.12\nCOPY . .\n");
    repo.write("justfile", "# mine\nserve:\n    flask run\n");
    let report = repo
        .dockwright(&["init", "--force", "--format", "json"])
        .ok()
        .json();
    let dockerfile = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "Dockerfile")
        .unwrap();
    assert_eq!(dockerfile["action"], "replaced");
    assert_eq!(dockerfile["backup"], "Dockerfile.dockwright-backup");
    assert_eq!(
        repo.read("Dockerfile.dockwright-backup"),
        "FROM python:3.12\nCOPY . .\n"
    );
    assert!(repo.read("Dockerfile").contains("AS production"));

    // The justfile is the user's, --force or not: the recipes go beside it.
    assert_eq!(repo.read("justfile"), "# mine\nserve:\n    flask run\n");
    assert!(repo
        .read("dockwright.just")
        .contains("dockwright hooks install"));
    assert_eq!(report["import_line"], "import 'dockwright.just'");

    // A second replacement keeps the first backup too.
    repo.write("Dockerfile", "FROM python:3.12\n# edited again\n");
    repo.dockwright(&["init", "--force"]).ok();
    assert_eq!(
        repo.read("Dockerfile.dockwright-backup"),
        "FROM python:3.12\nCOPY . .\n"
    );
    assert_eq!(
        repo.read("Dockerfile.dockwright-backup.1"),
        "FROM python:3.12\n# edited again\n"
    );
}

#[test]
fn an_existing_justfile_gets_the_import_line_printed() {
    let repo = sample("existing-justfile");
    let run = repo.dockwright(&["init"]).ok();
    assert!(
        run.stdout.contains("import 'dockwright.just'"),
        "{}",
        run.stdout
    );
    assert_eq!(
        repo.read("justfile"),
        "# my own tasks\nserve:\n    flask run\n"
    );
    // Once imported, the line is not asked for again.
    repo.write(
        "justfile",
        "import 'dockwright.just'\n# my own tasks\nserve:\n    flask run\n",
    );
    let again = repo.dockwright(&["init"]).ok();
    assert!(!again.stdout.contains("Add this line"), "{}", again.stdout);
}

#[test]
fn unknown_stack_is_an_error_that_lists_the_stacks() {
    let repo = sample("python-pip");
    let run = repo.dockwright(&["init", "--stack", "cobol"]).code(1);
    assert!(
        run.stderr.contains("error: unknown stack `cobol`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help:") && run.stderr.contains("python-poetry"),
        "{}",
        run.stderr
    );
    let typo = repo.dockwright(&["init", "--stack", "pyton"]).code(1);
    assert!(
        typo.stderr.contains("did you mean `python`"),
        "{}",
        typo.stderr
    );
    assert_eq!(
        files_under(repo.path()).len(),
        3,
        "an error must write nothing"
    );
}

#[test]
fn a_project_without_manifests_asks_for_stack() {
    let repo = TestRepo::new();
    repo.write("README.md", "hello\n");
    let run = repo.dockwright(&["init"]).code(1);
    assert!(run.stderr.contains("no stack detected"), "{}", run.stderr);
    assert!(run.stderr.contains("pass `--stack`"), "{}", run.stderr);
    // With --stack, a new project is scaffolded and the missing manifest is named.
    let run = repo.dockwright(&["init", "--stack", "go"]).ok();
    assert!(
        run.stderr.contains("`go.mod` does not exist yet"),
        "{}",
        run.stderr
    );
    assert!(repo
        .read("Dockerfile.runtime")
        .contains("FROM golang:1.19-bookworm"));
}

#[test]
fn a_project_of_two_stacks_asks_for_stack() {
    let repo = TestRepo::new();
    repo.write("requirements.txt", "flask\n")
        .write("package.json", "{\"name\": \"web\"}\n");
    let run = repo.dockwright(&["init"]).code(1);
    assert!(run.stderr.contains("more than one stack"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`python-pip` (found `requirements.txt`)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`node-npm`"), "{}", run.stderr);
    assert!(run.stderr.contains("--stack"), "{}", run.stderr);
    assert!(!repo.path().join("Dockerfile.runtime").exists());
    // Two lock files of one language are as ambiguous.
    let repo = TestRepo::new();
    repo.write("package.json", "{}\n")
        .write("yarn.lock", "")
        .write("package-lock.json", "{}\n");
    let run = repo.dockwright(&["init"]).code(1);
    assert!(
        run.stderr.contains("node-yarn") && run.stderr.contains("node-npm"),
        "{}",
        run.stderr
    );
    let chosen = repo
        .dockwright(&["init", "--stack", "node-yarn", "--format", "json"])
        .ok()
        .json();
    assert_eq!(chosen["stack"], "node-yarn");
}

#[test]
fn vars_override_detected_values_and_typos_are_refused() {
    let repo = sample("python-pip");
    repo.dockwright(&[
        "init",
        "--var",
        "uid=1234",
        "--var",
        "gid=2345",
        "--var",
        "version=3.13",
        "--var",
        "port=9000",
    ])
    .ok();
    let runtime = repo.read("Dockerfile.runtime");
    assert!(
        runtime.contains("FROM python:3.13-slim-bookworm"),
        "{runtime}"
    );
    assert!(runtime.contains("ARG UID=1234\nARG GID=2345"), "{runtime}");
    assert!(repo.read("compose.yaml").contains("\"9000:9000\""));
    assert!(repo.read("Dockerfile").contains("\"--port\", \"9000\""));

    let other = sample("python-pip");
    let run = other.dockwright(&["init", "--var", "uidd=1"]).code(1);
    assert!(
        run.stderr.contains("unknown variable `uidd`") && run.stderr.contains("did you mean `uid`"),
        "{}",
        run.stderr
    );
    let run = other.dockwright(&["init", "--var", "nonsense"]).code(2);
    assert!(run.stderr.contains("KEY=VALUE"), "{}", run.stderr);
}

#[test]
fn user_templates_override_the_embedded_ones_and_unknown_placeholders_are_named() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(templates.path().join("python")).unwrap();
    std::fs::write(
        templates.path().join("python/.dockerignore"),
        ".git\n.env\n# python {{version}}\n",
    )
    .unwrap();
    let dir = templates.path().to_str().unwrap();
    let repo = sample("python-pip");
    repo.dockwright_env(&["init"], &[("DOCKWRIGHT_TEMPLATES", dir)])
        .ok();
    assert_eq!(repo.read(".dockerignore"), ".git\n.env\n# python 3.12\n");
    assert!(
        repo.read("Dockerfile.runtime").contains("FROM python:3.12"),
        "the others stay embedded"
    );

    std::fs::write(
        templates.path().join("python/Dockerfile"),
        "FROM {{imagee}}\n",
    )
    .unwrap();
    let other = sample("python-pip");
    let run = other
        .dockwright_env(&["init"], &[("DOCKWRIGHT_TEMPLATES", dir)])
        .code(1);
    assert!(
        run.stderr.contains("python/Dockerfile`")
            && run.stderr.contains("unknown variable `imagee`"),
        "{}",
        run.stderr
    );
    assert!(
        !other.path().join("Dockerfile.runtime").exists(),
        "a render error must write nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// Test dependencies: the runtime image is where the tests run, so its install must name them.

/// Scaffolds `files` (with `init` args `extra`) and returns the runtime Dockerfile's install
/// line and the report's test dependencies.
fn install_of(files: &[(&str, &str)], extra: &[&str]) -> (TestRepo, String, Vec<String>) {
    let repo = TestRepo::new();
    for (rel, text) in files {
        repo.write(rel, text);
    }
    let mut args = vec!["init", "--format", "json"];
    args.extend_from_slice(extra);
    let report = repo.dockwright(&args).ok().json();
    let dockerfile = repo.read("Dockerfile.runtime");
    let install = dockerfile
        .lines()
        .find(|l| l.starts_with("RUN ") && !l.contains("getent"))
        .unwrap_or_else(|| panic!("no install step:\n{dockerfile}"))
        .to_string();
    let deps = report["test_deps"]
        .as_array()
        .unwrap_or_else(|| panic!("no test_deps in {report}"))
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    (repo, install, deps)
}

fn assert_names(install: &str, deps: &[String], in_install: &str, in_report: &str) {
    assert!(
        install.contains(in_install),
        "{in_install:?} not in {install:?}"
    );
    assert!(
        deps.iter().any(|d| d.contains(in_report)),
        "{in_report:?} not in the reported test dependencies {deps:?}"
    );
}

const PYPROJECT_EXTRAS: &str = "[project]\nname = \"hello\"\nversion = \"0.1.0\"\ndependencies = [\"flask\"]\n\n[project.optional-dependencies]\ntest = [\"pytest\"]\ndocs = [\"sphinx\"]\n\n[dependency-groups]\ndev = [\"ruff\"]\n";

#[test]
fn uv_installs_the_pyproject_test_extra_and_dev_group() {
    let (repo, install, deps) = install_of(&[("pyproject.toml", PYPROJECT_EXTRAS)], &[]);
    assert_eq!(
        install,
        "RUN uv sync --no-install-project --extra test --group dev"
    );
    assert_names(&install, &deps, "--extra test", "extra `test`");
    assert!(!install.contains("docs"), "{install}");
    // The people's output says it, and how to change it.
    repo.remove("Dockerfile.runtime");
    let run = repo.dockwright(&["init"]).ok();
    assert!(
        run.stdout.contains("test dependencies: extra `test` of pyproject.toml, group `dev` of pyproject.toml (change with `--var test_deps=…`)"),
        "{}",
        run.stdout
    );
}

#[test]
fn test_deps_var_replaces_the_install_arguments() {
    let (_repo, install, deps) = install_of(
        &[("pyproject.toml", PYPROJECT_EXTRAS)],
        &["--var", "test_deps=--extra docs"],
    );
    assert_eq!(install, "RUN uv sync --no-install-project --extra docs");
    assert_eq!(deps, ["`--extra docs` (from `--var test_deps`)"]);
    let (_repo, install, deps) = install_of(
        &[("pyproject.toml", PYPROJECT_EXTRAS)],
        &["--var", "test_deps="],
    );
    assert_eq!(install, "RUN uv sync --no-install-project");
    assert_eq!(deps, ["`` (from `--var test_deps`)"]);
}

#[test]
fn poetry_installs_its_test_group() {
    let (_repo, install, deps) = install_of(
        &[(
            "pyproject.toml",
            "[tool.poetry]\nname = \"hello\"\nversion = \"0.1.0\"\n\n[tool.poetry.group.test]\noptional = true\n\n[tool.poetry.group.test.dependencies]\npytest = \"*\"\n",
        )],
        &[],
    );
    assert!(
        install.ends_with("poetry install --no-root --no-interaction --no-ansi --with test"),
        "{install}"
    );
    assert_names(&install, &deps, "--with test", "Poetry group `test`");
}

#[test]
fn pip_installs_dev_requirements_and_copies_what_they_include() {
    let (repo, install, deps) = install_of(
        &[
            ("requirements.txt", "-r requirements/base.txt\n"),
            ("requirements/base.txt", "flask\n"),
            ("requirements-dev.txt", "-r requirements.txt\npytest\n"),
        ],
        &[],
    );
    assert_eq!(
        install,
        "RUN pip install -r requirements.txt -r requirements-dev.txt"
    );
    assert_names(
        &install,
        &deps,
        "-r requirements-dev.txt",
        "`requirements-dev.txt`",
    );
    let dockerfile = repo.read("Dockerfile.runtime");
    assert!(
        dockerfile.contains("COPY requirements.txt requirements-dev.txt ./\nCOPY requirements/base.txt requirements/\n"),
        "{dockerfile}"
    );
    // The included file is an input: changing it makes the image stale.
    repo.commit_all("init");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    assert!(
        inputs
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["path"] == "requirements/base.txt"),
        "{inputs}"
    );
    assert_eq!(
        repo.dockwright(&["check"]).code,
        0,
        "a fresh scaffold passes check"
    );
}

#[test]
fn npm_installs_dev_dependencies() {
    let (_repo, install, deps) = install_of(
        &[(
            "package.json",
            "{\"name\": \"x\", \"devDependencies\": {\"vitest\": \"^2\"}}\n",
        )],
        &[],
    );
    assert_names(
        &install,
        &deps,
        "npm install --no-audit --no-fund --include=dev",
        "devDependencies",
    );
}

#[test]
fn yarn_and_pnpm_install_dev_dependencies_under_node_env_development() {
    for (lock, manager) in [("yarn.lock", "yarn"), ("pnpm-lock.yaml", "pnpm")] {
        let (repo, install, deps) = install_of(
            &[
                (
                    "package.json",
                    "{\"name\": \"x\", \"devDependencies\": {\"jest\": \"^29\"}}\n",
                ),
                (lock, ""),
            ],
            &[],
        );
        assert_names(
            &install,
            &deps,
            &format!("corepack {manager} install"),
            "devDependencies",
        );
        let dockerfile = repo.read("Dockerfile.runtime");
        let env = dockerfile
            .find("NODE_ENV=development")
            .expect("NODE_ENV set");
        assert!(env < dockerfile.find(&install).unwrap(), "{dockerfile}");
        assert!(!install.contains("--prod"), "{install}");
    }
}

#[test]
fn bundler_installs_the_test_and_development_groups() {
    let (_repo, install, deps) = install_of(
        &[(
            "Gemfile",
            "source \"https://rubygems.org\"\n\ngem \"sinatra\"\n\ngroup :development, :test do\n  gem \"rspec\"\nend\n",
        )],
        &[],
    );
    assert_eq!(install, "RUN BUNDLE_WITH=development:test bundle install");
    assert_names(
        &install,
        &deps,
        "BUNDLE_WITH=development:test",
        "group `test`",
    );
}

#[test]
fn composer_installs_require_dev() {
    let (_repo, install, deps) = install_of(
        &[(
            "composer.json",
            "{\"require\": {\"php\": \"^8.2\"}, \"require-dev\": {\"phpunit/phpunit\": \"^11\"}}\n",
        )],
        &[],
    );
    assert!(!install.contains("--no-dev"), "{install}");
    assert_names(&install, &deps, "composer install", "phpunit/phpunit");
}

#[test]
fn go_cargo_maven_gradle_and_dotnet_fetch_test_dependencies_with_the_others() {
    // (files, in the install step, in the report)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (&[("go.mod", "module example.com/x\n\ngo 1.19\n")], "go mod download", "test imports"),
        (
            &[("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dev-dependencies]\nproptest = \"1\"\n")],
            "cargo fetch",
            "[dev-dependencies]",
        ),
        (
            &[("pom.xml", "<project><dependencies><dependency><artifactId>junit</artifactId><scope>test</scope></dependency></dependencies></project>\n")],
            "mvn dependency:go-offline",
            "test-scoped",
        ),
        (
            &[("build.gradle", "dependencies { testImplementation 'junit:junit:4.13.2' }\n")],
            "gradle --no-daemon dependencies",
            "testImplementation",
        ),
        (
            &[("Hello.csproj", "<Project><ItemGroup><PackageReference Include=\"Microsoft.NET.Test.Sdk\" /></ItemGroup></Project>\n")],
            "dotnet restore Hello.csproj",
            "Hello.csproj",
        ),
    ];
    for (files, in_install, in_report) in cases {
        let (_repo, install, deps) = install_of(files, &[]);
        assert_names(&install, &deps, in_install, in_report);
    }
}

#[test]
fn a_quoted_dev_command_stays_one_argument() {
    let (repo, _, _) = install_of(
        &[("requirements.txt", "flask\n")],
        &["--var", "dev_command=sh -c \"flask run --port {port}\""],
    );
    let compose = repo.read("compose.yaml");
    assert!(
        compose.contains("command: [\"sh\", \"-c\", \"flask run --port 8000\"]"),
        "{compose}"
    );
    let bad = repo.dockwright(&["init", "--dry-run", "--var", "dev_command=sh -c \"oops"]);
    assert_eq!(bad.code, 1, "{}", bad.stderr);
    assert!(bad.stderr.contains("unclosed quote"), "{}", bad.stderr);
}

/// `dockwright` run in `dir` (a folder of the repository).
fn dockwright_in(repo: &TestRepo, dir: &str, args: &[&str]) -> crate::support::Run {
    let mut cmd = repo.command(crate::support::bin("dockwright"));
    cmd.current_dir(repo.path().join(dir)).args(args);
    crate::support::Run::from(cmd.output().unwrap())
}

/// Issue 19: an app in a subfolder is registered at the repository root, whose existing
/// `dockwright.toml` keeps every byte; every command works from the root and from the folder.
#[test]
fn init_in_a_subfolder_registers_the_service_at_the_root() {
    let repo = TestRepo::new();
    let ours = "# the team's settings\non_stale = \"warn\"";
    repo.write("dockwright.toml", ours)
        .write("backend/requirements.txt", "flask==3.0.0\n")
        .write("backend/app.py", "print('hello')\n")
        .commit_all("app in a subfolder");

    let report = repo
        .dockwright(&["init", "backend", "--format", "json"])
        .ok()
        .json();
    let actions: Vec<(String, String)> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        actions.contains(&("../dockwright.toml".into(), "amended".into())),
        "{actions:?}"
    );
    assert!(!repo.path().join("backend/dockwright.toml").exists());
    for file in [
        "Dockerfile.runtime",
        "compose.yaml",
        "justfile",
        ".dockerignore",
    ] {
        assert!(repo.path().join("backend").join(file).is_file(), "{file}");
    }
    let root = repo.read("dockwright.toml");
    assert!(
        root.starts_with(ours),
        "the root file's bytes changed:\n{root}"
    );
    assert!(
        root[ours.len()..].starts_with("\n\n[services.backend]\n"),
        "{root}"
    );
    assert!(root.contains("\ncontext = \"backend\"\n"), "{root}");
    // The compose service and the justfile name the service as the folder does.
    let compose = repo.read("backend/compose.yaml");
    assert!(
        compose.contains("  backend:\n    image: ${DOCKWRIGHT_IMAGE_BACKEND:-backend-runtime-image:run-dockwright-up}"),
        "{compose}"
    );
    assert!(repo
        .read("backend/justfile")
        .contains("dockwright env backend"));

    // From the root and from the folder, the service is the folder's.
    for dir in ["", "backend"] {
        let inputs = dockwright_in(&repo, dir, &["inputs", "--format", "json"])
            .ok()
            .json();
        let paths: Vec<&str> = inputs
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            ["backend/Dockerfile.runtime", "backend/requirements.txt"],
            "from `{dir}`: {inputs}"
        );
        let status = dockwright_in(&repo, dir, &["status", "--format", "json"])
            .ok()
            .json();
        assert_eq!(status[0]["service"], "backend", "from `{dir}`");
        assert_eq!(status[0]["state"], "missing");
    }
    repo.dockwright(&["check"]).ok();

    // Again, from the folder: nothing changes, the registration is kept.
    let before = repo.read("dockwright.toml");
    let again = dockwright_in(&repo, "backend", &["init", "--format", "json"])
        .ok()
        .json();
    let root_entry = again["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "../dockwright.toml")
        .cloned()
        .unwrap();
    assert_eq!(root_entry["action"], "skipped", "{again}");
    assert_eq!(repo.read("dockwright.toml"), before);

    // A repository without a root dockwright.toml gets one, naming the folder.
    let fresh = TestRepo::new();
    fresh
        .write("api/requirements.txt", "fastapi\n")
        .commit_all("api");
    dockwright_in(&fresh, "api", &["init"]).ok();
    let created = fresh.read("dockwright.toml");
    assert!(created.contains("[services.api]\n"), "{created}");
    assert!(created.contains("\ncontext = \"api\"\n"), "{created}");
    assert_eq!(
        dockwright_in(&fresh, "", &["status", "--format", "json"])
            .ok()
            .json()[0]["service"],
        "api"
    );
}
