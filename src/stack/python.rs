//! Python with pip, Poetry or uv. The runtime image holds what the tests need: the
//! requirement files beside `requirements.txt` (and every file they pull in with `-r`/`-c`),
//! pyproject's test extras and dependency groups, Poetry's test groups.

use std::collections::BTreeSet;

use super::{
    capture, first, found, major_minor, test_groups, Detection, Language, Note, Project, Recipe,
    Stack, Version,
};
use crate::error::Result;

/// The uv image `python-uv` copies its binary from.
const UV_VERSION: &str = "0.5";
/// The Poetry release `python-poetry` installs.
const POETRY_VERSION: &str = "1.8.5";
const PYTEST: &str = "python -m pytest -q -p no:cacheprovider";
/// Django's test runner, for a project without pytest.
const DJANGO_TEST: &str = "python manage.py test";
/// The standard library's runner, for a project without pytest or Django.
const UNITTEST: &str = "python -m unittest discover";

/// Python.
pub struct Python;

static STACKS: &[Stack] = &[
    Stack {
        id: "python-pip",
        language: "python",
        manager: "pip",
        default_version: "3.11",
        required: &["requirements.txt"],
        optional: &[],
        test: PYTEST,
        port: 8000,
    },
    Stack {
        id: "python-poetry",
        language: "python",
        manager: "Poetry",
        default_version: "3.11",
        required: &["pyproject.toml"],
        optional: &["poetry.lock"],
        test: PYTEST,
        port: 8000,
    },
    Stack {
        id: "python-uv",
        language: "python",
        manager: "uv",
        default_version: "3.11",
        required: &["pyproject.toml"],
        optional: &["uv.lock"],
        test: PYTEST,
        port: 8000,
    },
];

impl Language for Python {
    fn name(&self) -> &'static str {
        "python"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        let one = if p.has("poetry.lock") {
            found("python-poetry", "found `poetry.lock`")
        } else if p.has("uv.lock") {
            found("python-uv", "found `uv.lock`")
        } else if p.read("pyproject.toml").contains("[tool.poetry") {
            found("python-poetry", "found `[tool.poetry]` in `pyproject.toml`")
        } else if p.has("requirements.txt") {
            found("python-pip", "found `requirements.txt`")
        } else if p.has("pyproject.toml") {
            found(
                "python-uv",
                "found `pyproject.toml` without a lock file; uv installs from it",
            )
        } else {
            return Vec::new();
        };
        vec![one]
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[
            (
                ".python-version",
                major_minor(p.read(".python-version").lines().next().unwrap_or("")),
            ),
            (
                "Dockerfile",
                p.dockerfile_tag(&["python"])
                    .and_then(|(tag, _)| major_minor(&tag)),
            ),
            (
                "pyproject.toml",
                pyproject_python(&p.read("pyproject.toml")),
            ),
        ])
    }

    fn manifests(&self, stack: &Stack, p: &Project) -> Vec<String> {
        if stack.id != "python-pip" {
            let mut out: Vec<String> = stack.required.iter().map(|m| m.to_string()).collect();
            out.extend(p.existing(stack.optional));
            return out;
        }
        let roots = requirement_roots(p);
        let mut out = roots.clone();
        for file in included_files(p, &roots) {
            if !out.contains(&file) {
                out.push(file);
            }
        }
        out
    }

    fn recipe(&self, stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let deps = self
            .manifests(stack, p)
            .iter()
            .map(|m| p.read(m).to_lowercase())
            .collect::<Vec<_>>()
            .join("\n");
        let pyproject = p.toml("pyproject.toml");
        let table = |path: &[&str]| -> Vec<String> {
            let mut value = pyproject.as_ref();
            for key in path {
                value = value.and_then(|v| v.get(key));
            }
            value
                .and_then(|v| v.as_table())
                .map(|t| t.keys().cloned().collect())
                .unwrap_or_default()
        };
        let mut args = Vec::new();
        let mut included = Vec::new();
        let mut vars = vec![("sandbox_env", "PYTHONDONTWRITEBYTECODE = \"1\"".to_string())];
        let install = match stack.id {
            "python-pip" => {
                for root in requirement_roots(p).iter().skip(1) {
                    args.push(format!("-r {root}"));
                    included.push(format!("`{root}`"));
                }
                "pip install -r requirements.txt {test_deps}".to_string()
            }
            "python-poetry" => {
                let groups = test_groups(&table(&["tool", "poetry", "group"]));
                if !groups.is_empty() {
                    args.push(format!("--with {}", groups.join(",")));
                }
                included.extend(groups.iter().map(|g| format!("Poetry group `{g}`")));
                for extra in test_groups(&table(&["tool", "poetry", "extras"])) {
                    args.push(format!("--extras {extra}"));
                    included.push(format!("Poetry extra `{extra}`"));
                }
                if !table(&["tool", "poetry", "dev-dependencies"]).is_empty() {
                    included.push("`[tool.poetry.dev-dependencies]` (installed by default)".into());
                }
                format!(
                    "pip install poetry=={POETRY_VERSION} && poetry config virtualenvs.create false && poetry install --no-root --no-interaction --no-ansi {{test_deps}}"
                )
            }
            _ => {
                for extra in test_groups(&table(&["project", "optional-dependencies"])) {
                    args.push(format!("--extra {extra}"));
                    included.push(format!("extra `{extra}` of pyproject.toml"));
                }
                for group in test_groups(&table(&["dependency-groups"])) {
                    args.push(format!("--group {group}"));
                    included.push(format!("group `{group}` of pyproject.toml"));
                }
                let legacy = pyproject
                    .as_ref()
                    .and_then(|v| v.get("tool")?.get("uv")?.get("dev-dependencies"))
                    .is_some();
                if legacy {
                    included.push("`[tool.uv] dev-dependencies` (installed by default)".into());
                }
                vars.push(("uv_version", UV_VERSION.to_string()));
                let frozen = if p.has("uv.lock") { " --frozen" } else { "" };
                format!("uv sync{frozen} --no-install-project {{test_deps}}")
            }
        };
        let mut notes = Vec::new();
        let (dev, prod) = server(p, &deps, &mut notes);
        // pytest only when the project installs it; Django's own runner otherwise.
        let test = if deps.contains("pytest") {
            notes.push(Note::read(
                "test_command",
                format!("`{PYTEST}`"),
                format!("`pytest` in {}", self.manifests(stack, p).join(", ")),
            ));
            PYTEST
        } else if p.has("manage.py") {
            notes.push(Note::read(
                "test_command",
                format!("`{DJANGO_TEST}`"),
                "`manage.py`, without pytest in the dependencies",
            ));
            DJANGO_TEST
        } else {
            notes.push(Note::guess(
                "test_command",
                format!("`{UNITTEST}` (no pytest in the dependencies)"),
            ));
            UNITTEST
        };
        vars.push(("test_command", test.to_string()));
        Ok(Recipe {
            install,
            test_deps: args.join(" "),
            included,
            dev,
            prod,
            vars,
            notes,
        })
    }
}

/// The development and production commands of the web framework in `deps` (the dependency
/// manifests' text), with the app object found in the project's modules.
fn server(p: &Project, deps: &str, notes: &mut Vec<Note>) -> (String, String) {
    if p.has("manage.py") && (deps.contains("django") || p.read("manage.py").contains("django")) {
        notes.push(Note::read(
            "dev_command",
            "Django's `runserver`",
            "`manage.py`",
        ));
        return (
            "python manage.py runserver 0.0.0.0:{port}".into(),
            "python manage.py runserver 0.0.0.0:{port} --noreload".into(),
        );
    }
    let framework = if deps.contains("fastapi") {
        Some((
            "FastAPI",
            r"(?m)^(\w+)\s*(?::[^=]+)?=\s*(?:fastapi\.)?FastAPI\(",
        ))
    } else if deps.contains("flask") {
        Some(("Flask", r"(?m)^(\w+)\s*(?::[^=]+)?=\s*(?:flask\.)?Flask\("))
    } else {
        None
    };
    let Some((name, pattern)) = framework else {
        // A script: the first top-level module that runs as one.
        let script = p.source_files("py", 0).into_iter().find(|f| {
            let text = p.read(f);
            text.contains("__name__ == \"__main__\"") || text.contains("__name__ == '__main__'")
        });
        return match script {
            Some(file) => {
                let dev = format!("python {file}");
                notes.push(Note::read(
                    "dev_command",
                    format!("`{dev}`"),
                    format!("`if __name__ == \"__main__\"` in `{file}`"),
                ));
                (dev.clone(), dev)
            }
            None => {
                let dev = "python main.py".to_string();
                notes.push(Note::guess(
                    "dev_command",
                    format!("`{dev}` (no web framework in the dependencies)"),
                ));
                (dev.clone(), dev)
            }
        };
    };
    // A Flask app made by a `create_app` factory: `flask --app <module>` finds the factory.
    let found = app_object(p, pattern).or_else(|| {
        (name == "Flask")
            .then(|| app_object(p, r"(?m)^def (create_app)\("))
            .flatten()
    });
    let (module, object, app_dir) = match &found {
        Some((file, object)) => {
            let (app_dir, rel) = match file.strip_prefix("src/") {
                Some(rel) => (Some("src"), rel),
                None => (None, file.as_str()),
            };
            let module = rel
                .trim_end_matches(".py")
                .trim_end_matches("/__init__")
                .replace('/', ".");
            notes.push(Note::read(
                "dev_command",
                format!("{name} app `{module}:{object}`"),
                format!("`{file}`"),
            ));
            (module, object.clone(), app_dir)
        }
        None => {
            let module = if name == "Flask" { "app" } else { "main" };
            notes.push(Note::guess(
                "dev_command",
                format!("{name} app `{module}:app` (no `app = {name}(…)` found)"),
            ));
            (module.to_string(), "app".to_string(), None)
        }
    };
    if name == "FastAPI" {
        let dir = app_dir.map_or(String::new(), |d| format!(" --app-dir {d}"));
        let base = format!("uvicorn {module}:{object}{dir} --host 0.0.0.0 --port {{port}}");
        (format!("{base} --reload"), base)
    } else {
        let target = match app_dir {
            Some(d) => format!("{d}/{}.py", module.replace('.', "/")),
            None => module,
        };
        let app = if object == "app" || object == "create_app" {
            target
        } else {
            format!("{target}:{object}")
        };
        let base = format!("flask --app {app} run --host 0.0.0.0 --port {{port}}");
        (format!("{base} --debug"), base)
    }
}

/// The module file and the name of the first app object `pattern` finds (its group 1), in the
/// project's Python files two folders deep, shallowest first.
fn app_object(p: &Project, pattern: &str) -> Option<(String, String)> {
    let assign = regex::Regex::new(pattern).ok()?;
    p.source_files("py", 2).into_iter().find_map(|file| {
        let text = p.read(&file);
        let object = assign.captures(&text)?[1].to_string();
        Some((file, object))
    })
}

/// The requirement files pip installs: `requirements.txt` first, then every other
/// `requirements*.txt` at the top (development requirements hold the test runner), then
/// `requirements/{test,tests,testing,dev}.txt`.
fn requirement_roots(p: &Project) -> Vec<String> {
    let mut out = vec!["requirements.txt".to_string()];
    out.extend(p.files().into_iter().filter(|n| {
        n.starts_with("requirements") && n.ends_with(".txt") && n != "requirements.txt"
    }));
    for group in super::TEST_GROUPS {
        let nested = format!("requirements/{group}.txt");
        if p.has(&nested) {
            out.push(nested);
        }
    }
    out
}

/// Every file the requirement files in `roots` pull in with `-r` or `-c`, transitively, as
/// paths relative to the project (pip reads them relative to the file that names them). A
/// file outside the project, or a URL, is not an input the runtime image can copy: left out.
fn included_files(p: &Project, roots: &[String]) -> Vec<String> {
    let include = regex::Regex::new(r"^(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+)?(\S+)")
        .expect("a valid pattern");
    let mut seen: BTreeSet<String> = roots.iter().cloned().collect();
    let mut out = Vec::new();
    let mut queue: Vec<String> = roots.to_vec();
    while let Some(file) = queue.pop() {
        let base = file.rsplit_once('/').map_or("", |(dir, _)| dir);
        for line in p.read(&file).lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            let Some(target) = include.captures(line).map(|c| c[1].to_string()) else {
                continue;
            };
            if target.contains("://") || target.starts_with('/') {
                continue;
            }
            let Some(rel) = normalize(base, &target) else {
                continue;
            };
            if seen.insert(rel.clone()) {
                out.push(rel.clone());
                queue.push(rel);
            }
        }
    }
    out
}

/// `base/target` with `.` and `..` resolved; `None` when it leaves the project.
fn normalize(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in base.split('/').chain(target.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn pyproject_python(text: &str) -> Option<String> {
    let value: toml::Value = toml::from_str(text).ok()?;
    let spec = value
        .get("project")
        .and_then(|p| p.get("requires-python"))
        .and_then(|v| v.as_str())
        .or_else(|| {
            value
                .get("tool")?
                .get("poetry")?
                .get("dependencies")?
                .get("python")?
                .as_str()
        })?;
    capture(spec, r"(\d+\.\d+)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let p = Project::new(dir.path());
        (dir, p)
    }

    fn recipe(id: &str, p: &Project) -> Recipe {
        let stack = Stack::by_id(id).unwrap();
        Python.recipe(stack, p, &stack.version(p.dir())).unwrap()
    }

    #[test]
    fn uv_installs_the_test_extra_and_the_dev_group() {
        let (_d, p) = project(&[(
            "pyproject.toml",
            "[project]\nname = \"x\"\nversion = \"1\"\n[project.optional-dependencies]\ntest = [\"pytest\"]\ndocs = [\"sphinx\"]\n[dependency-groups]\ndev = [\"ruff\"]\n",
        )]);
        let r = recipe("python-uv", &p);
        assert_eq!(r.test_deps, "--extra test --group dev");
        assert!(
            r.install.starts_with("uv sync --no-install-project"),
            "{}",
            r.install
        );
        assert_eq!(r.included.len(), 2, "{:?}", r.included);
    }

    #[test]
    fn poetry_installs_its_test_groups() {
        let (_d, p) = project(&[(
            "pyproject.toml",
            "[tool.poetry]\nname = \"x\"\n[tool.poetry.group.test.dependencies]\npytest = \"*\"\n[tool.poetry.group.docs.dependencies]\nmkdocs = \"*\"\n",
        )]);
        assert_eq!(recipe("python-poetry", &p).test_deps, "--with test");
    }

    #[test]
    fn pip_copies_every_file_a_requirement_file_pulls_in() {
        let (_d, p) = project(&[
            ("requirements.txt", "-r requirements/base.txt\n"),
            (
                "requirements/base.txt",
                "flask\n-c ../constraints.txt  # pinned\n",
            ),
            (
                "requirements-dev.txt",
                "--requirement=requirements.txt\npytest\n",
            ),
            (
                "requirements/test.txt",
                "-r ./base.txt\n-r https://example.invalid/x.txt\n-r ../../outside.txt\n",
            ),
            ("constraints.txt", "flask==3\n"),
        ]);
        let stack = Stack::by_id("python-pip").unwrap();
        assert_eq!(
            Python.manifests(stack, &p),
            [
                "requirements.txt",
                "requirements-dev.txt",
                "requirements/test.txt",
                "requirements/base.txt",
                "constraints.txt"
            ]
        );
        let r = recipe("python-pip", &p);
        assert_eq!(
            r.test_deps,
            "-r requirements-dev.txt -r requirements/test.txt"
        );
    }

    /// The dev command and test command of the project `files`.
    fn commands(id: &str, files: &[(&str, &str)]) -> (String, String) {
        let (_d, p) = project(files);
        let r = recipe(id, &p);
        let test = r
            .vars
            .iter()
            .find(|(k, _)| *k == "test_command")
            .unwrap()
            .1
            .clone();
        (r.dev, test)
    }

    #[test]
    fn fastapi_app_in_a_package() {
        let (dev, test) = commands(
            "python-pip",
            &[
                ("requirements.txt", "fastapi==0.110.0\nuvicorn[standard]\n"),
                ("app/__init__.py", ""),
                ("app/main.py", "from fastapi import FastAPI\nfrom .routers import items\n\napp = FastAPI()\napp.include_router(items.router)\n"),
                ("app/routers/items.py", "from fastapi import APIRouter\nrouter = APIRouter()\n"),
            ],
        );
        assert_eq!(
            dev,
            "uvicorn app.main:app --host 0.0.0.0 --port {port} --reload"
        );
        assert_eq!(test, UNITTEST, "no pytest in the requirements");
        let (dev, _) = commands(
            "python-uv",
            &[
                ("pyproject.toml", "[project]\nname = \"svc\"\nversion = \"1\"\ndependencies = [\"fastapi\"]\n[dependency-groups]\ndev = [\"pytest\"]\n"),
                ("src/svc/api.py", "import fastapi\n\napi: fastapi.FastAPI = fastapi.FastAPI()\n"),
            ],
        );
        assert_eq!(
            dev,
            "uvicorn svc.api:api --app-dir src --host 0.0.0.0 --port {port} --reload"
        );
    }

    #[test]
    fn flask_module_not_named_app() {
        let (dev, test) = commands(
            "python-pip",
            &[
                ("requirements.txt", "Flask==3.0.0\n"),
                ("requirements-dev.txt", "pytest==8.0.0\n"),
                (
                    "server.py",
                    "from flask import Flask\n\napp = Flask(__name__)\n",
                ),
            ],
        );
        assert_eq!(
            dev,
            "flask --app server run --host 0.0.0.0 --port {port} --debug"
        );
        assert_eq!(test, PYTEST);
    }

    #[test]
    fn flask_factory_and_plain_scripts() {
        let (dev, _) = commands(
            "python-pip",
            &[
                ("requirements.txt", "flask\n"),
                ("wsgi.py", "from blog import create_app\n\napplication = create_app()\n"),
                ("blog/__init__.py", "from flask import Flask\n\n\ndef create_app(config=None):\n    app = Flask(__name__)\n    return app\n"),
            ],
        );
        assert_eq!(
            dev,
            "flask --app blog run --host 0.0.0.0 --port {port} --debug"
        );
        let (dev, _) = commands(
            "python-pip",
            &[
                ("requirements.txt", "requests\n"),
                ("helpers.py", "def f():\n    pass\n"),
                (
                    "scrape.py",
                    "import requests\n\nif __name__ == \"__main__\":\n    print(requests.get)\n",
                ),
            ],
        );
        assert_eq!(dev, "python scrape.py");
    }

    #[test]
    fn django_without_pytest_tests_with_manage_py() {
        let (dev, test) = commands(
            "python-pip",
            &[
                ("requirements.txt", "Django>=4.2,<5\n"),
                ("manage.py", "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"),
            ],
        );
        assert_eq!(dev, "python manage.py runserver 0.0.0.0:{port}");
        assert_eq!(test, DJANGO_TEST);
    }

    #[test]
    fn the_dockerfile_version_before_the_pyproject_minimum() {
        let (_d, p) = project(&[
            ("pyproject.toml", "[project]\nrequires-python = \">=3.8\"\n"),
            ("Dockerfile", "FROM python:3.10-alpine\n"),
        ]);
        let v = Python.version(&p).unwrap();
        assert_eq!(
            (v.value.as_str(), v.source.as_str()),
            ("3.10", "Dockerfile")
        );
    }

    #[test]
    fn python_versions() {
        assert_eq!(
            pyproject_python("[project]\nrequires-python = \">=3.10\"\n").as_deref(),
            Some("3.10")
        );
        assert_eq!(
            pyproject_python("[tool.poetry.dependencies]\npython = \"^3.12\"\n").as_deref(),
            Some("3.12")
        );
    }
}
