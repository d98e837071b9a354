//! Issue 19: `init` on project shapes as they are found in the wild, made here file by file: the
//! app in a subfolder with its own Dockerfile beside a root compose file, framework apps with
//! their real scripts and layouts, apps whose module or port is not the default one. What `init`
//! writes must run them: their dev command, port, test command and version, each read from the
//! project's files and printed with where it came from, or printed as a guess with its `--var`.

use crate::support::{require, TestRepo};

/// `init` in `dir` of `repo`, in text: its stdout.
fn init_text(repo: &TestRepo, args: &[&str]) -> String {
    let mut all = vec!["init"];
    all.extend_from_slice(args);
    repo.dockwright(&all).ok().stdout
}

/// The lines of `text` that are not in it, for an assertion message.
fn assert_lines(text: &str, lines: &[&str]) {
    let missing: Vec<&&str> = lines
        .iter()
        .filter(|l| !text.lines().any(|t| t == **l))
        .collect();
    assert!(missing.is_empty(), "missing lines {missing:#?} in:\n{text}");
}

const ANGULAR_PACKAGE: &str = r#"{
  "name": "shop",
  "version": "0.0.0",
  "scripts": {
    "ng": "ng",
    "start": "ng serve",
    "build": "ng build",
    "watch": "ng build --watch --configuration development",
    "test": "ng test"
  },
  "private": true,
  "dependencies": {
    "@angular/animations": "^15.2.0",
    "@angular/common": "^15.2.0",
    "@angular/core": "^15.2.0",
    "@angular/router": "^15.2.0",
    "rxjs": "~7.8.0",
    "zone.js": "~0.12.0"
  },
  "devDependencies": {
    "@angular-devkit/build-angular": "^15.2.4",
    "@angular/cli": "~15.2.4",
    "karma": "~6.4.0",
    "typescript": "~4.9.4"
  }
}
"#;

/// An Angular app in `frontend/` with its own two-stage Dockerfile on Node 17, and an API
/// beside it, both in a root compose file: `init frontend` keeps their files, serves
/// `ng serve` beyond the container on 4200, moves Node 17 to a bookworm version saying so, and
/// warns that Karma wants a browser.
#[test]
fn angular_app_in_a_subfolder_with_its_own_dockerfile() {
    let repo = TestRepo::new();
    let dockerfile = "FROM node:17 AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npx ng build --configuration production\n\nFROM nginx:1.25-alpine\nCOPY --from=build /app/dist/shop /usr/share/nginx/html\n";
    let root_compose = "services:\n  frontend:\n    build: ./frontend\n    ports:\n      - \"80:80\"\n  api:\n    build: ./api\n    ports:\n      - \"8080:8080\"\n";
    repo.write("compose.yaml", root_compose)
        .write("frontend/package.json", ANGULAR_PACKAGE)
        .write("frontend/package-lock.json", "{\n  \"name\": \"shop\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {}\n}\n")
        .write("frontend/angular.json", "{\n  \"version\": 1,\n  \"projects\": { \"shop\": { \"root\": \"\", \"sourceRoot\": \"src\" } }\n}\n")
        .write("frontend/src/main.ts", "import { platformBrowserDynamic } from '@angular/platform-browser-dynamic';\n")
        .write("frontend/Dockerfile", dockerfile)
        .write("api/go.mod", "module example.com/api\n\ngo 1.21\n")
        .commit_all("shop");

    let out = init_text(&repo, &["frontend"]);
    assert_lines(
        &out,
        &[
            "version: 18 (from `Dockerfile`)",
            "  `Dockerfile` asks for Node 17, which has no maintained Debian bookworm image; using 18; change it with `--var version=…`",
            "dev command: `npm run start -- --host 0.0.0.0 --port 4200` (from Angular (`@angular/core`) and `scripts.start` of `package.json`)",
            "port: 4200 (from Angular's default)",
            "test command: `npm test` (from `scripts.test` of `package.json`)",
            "test command: `ng test` runs Karma, which needs a browser the runtime image does not have; a guess, change it with `--var test_command=…`",
        ],
    );
    // The project's own files keep every byte.
    assert_eq!(repo.read("frontend/Dockerfile"), dockerfile);
    assert_eq!(repo.read("compose.yaml"), root_compose);
    let compose = repo.read("frontend/compose.yaml");
    for line in [
        "      - \"4200:4200\"",
        "    command: [\"npm\", \"run\", \"start\", \"--\", \"--host\", \"0.0.0.0\", \"--port\", \"4200\"]",
    ] {
        assert!(compose.lines().any(|l| l == line), "{line:?} not in:\n{compose}");
    }
    assert!(
        !compose.contains("PORT"),
        "ng serve takes --port:\n{compose}"
    );
    let runtime = repo.read("frontend/Dockerfile.runtime");
    assert!(
        runtime.contains("\nFROM node:18-bookworm-slim\n"),
        "{runtime}"
    );
    assert!(runtime.contains("COREPACK_HOME=/opt/corepack"), "{runtime}");
}

/// An Express API with Yarn whose entry file listens on `process.env.PORT ?? 5000` and has no
/// test script: compose passes `PORT`, the port is published, the test command fails saying
/// what to set; `--var port=…` moves all three and drops the port from what was read.
#[test]
fn express_api_listens_on_the_port_it_reads_from_port() {
    let repo = TestRepo::new();
    repo.write(
        "package.json",
        "{\n  \"name\": \"orders-api\",\n  \"version\": \"1.2.0\",\n  \"scripts\": {\n    \"start\": \"node src/server.js\",\n    \"lint\": \"eslint src\"\n  },\n  \"dependencies\": {\n    \"express\": \"^4.18.2\",\n    \"pg\": \"^8.11.3\"\n  },\n  \"devDependencies\": { \"eslint\": \"^8.56.0\" },\n  \"packageManager\": \"yarn@1.22.19\"\n}\n",
    )
    .write("yarn.lock", "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n")
    .write(
        "src/server.js",
        "const express = require('express');\nconst orders = require('./routes/orders');\n\nconst app = express();\napp.use(express.json());\napp.use('/orders', orders);\n\nconst port = process.env.PORT ?? 5000;\napp.listen(port, () => console.log(`listening on ${port}`));\n",
    )
    .write("src/routes/orders.js", "const router = require('express').Router();\nmodule.exports = router;\n")
    .commit_all("api");

    let report = repo
        .dockwright(&["init", "--format", "json", "--dry-run"])
        .ok()
        .json();
    assert_eq!(report["stack"], "node-yarn");
    assert_eq!(
        report["read"],
        serde_json::json!([
            "dev command: `corepack yarn start` (from `scripts.start` of `package.json`)",
            "port: 5000, passed as `PORT` (from `src/server.js`)",
        ])
    );
    assert_eq!(
        report["guessed"],
        serde_json::json!([
            "test command: none: `package.json` has no `test` script, so `dockwright test` fails until you set `test` in dockwright.toml; a guess, change it with `--var test_command=…`",
        ])
    );

    repo.dockwright(&["init"]).ok();
    let compose = repo.read("compose.yaml");
    for line in ["      PORT: \"5000\"", "      - \"5000:5000\""] {
        assert!(
            compose.lines().any(|l| l == line),
            "{line:?} not in:\n{compose}"
        );
    }
    let toml = repo.read("dockwright.toml");
    assert!(
        toml.contains("test = \"\"\"echo 'package.json has no \"test\" script: set `test` in dockwright.toml' >&2; exit 1\"\"\""),
        "{toml}"
    );

    let moved = TestRepo::new();
    for file in ["package.json", "yarn.lock", "src/server.js"] {
        moved.write(file, repo.read(file));
    }
    let report = moved
        .dockwright(&["init", "--format", "json", "--var", "port=9000"])
        .ok()
        .json();
    let read: Vec<&str> = report["read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(read.iter().all(|l| !l.starts_with("port")), "{read:?}");
    let compose = moved.read("compose.yaml");
    for line in ["      PORT: \"9000\"", "      - \"9000:9000\""] {
        assert!(
            compose.lines().any(|l| l == line),
            "{line:?} not in:\n{compose}"
        );
    }
}

/// The compose command and the dockwright.toml test command `init` writes for `files`.
fn commands(files: &[(&str, &str)]) -> (String, String, serde_json::Value) {
    let repo = TestRepo::new();
    for (rel, text) in files {
        repo.write(rel, text);
    }
    let report = repo.dockwright(&["init", "--format", "json"]).ok().json();
    let compose = repo.read("compose.yaml");
    let command = compose
        .lines()
        .find_map(|l| l.strip_prefix("    command: "))
        .unwrap_or_else(|| panic!("no command in:\n{compose}"))
        .to_string();
    let toml = repo.read("dockwright.toml");
    let test = toml
        .lines()
        .find_map(|l| l.strip_prefix("test = "))
        .unwrap_or_else(|| panic!("no test in:\n{toml}"))
        .to_string();
    (command, test, report)
}

/// FastAPI with the app object in a package, routers beside it, pytest in the development
/// requirements: uvicorn imports `app.main:app`, the tests run with pytest.
#[test]
fn fastapi_app_in_a_package() {
    let (command, test, report) = commands(&[
        ("requirements.txt", "fastapi==0.110.0\nuvicorn[standard]==0.27.1\nSQLAlchemy==2.0.27\n"),
        ("requirements-dev.txt", "-r requirements.txt\npytest==8.0.2\nhttpx==0.27.0\n"),
        ("app/__init__.py", ""),
        ("app/main.py", "from fastapi import FastAPI\n\nfrom .routers import items, users\n\napp = FastAPI(title=\"Inventory\")\napp.include_router(items.router)\napp.include_router(users.router)\n"),
        ("app/routers/__init__.py", ""),
        ("app/routers/items.py", "from fastapi import APIRouter\n\nrouter = APIRouter(prefix=\"/items\")\n"),
        ("app/routers/users.py", "from fastapi import APIRouter\n\nrouter = APIRouter(prefix=\"/users\")\n"),
        ("tests/test_main.py", "from fastapi.testclient import TestClient\nfrom app.main import app\n"),
    ]);
    assert_eq!(
        command,
        r#"["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--reload"]"#
    );
    assert_eq!(test, r#""python -m pytest -q -p no:cacheprovider""#);
    assert_eq!(
        report["read"][0],
        "dev command: FastAPI app `app.main:app` (from `app/main.py`)"
    );
}

/// Flask in `server.py`, not `app.py`: `flask --app server`.
#[test]
fn flask_module_named_server() {
    let (command, test, _) = commands(&[
        ("requirements.txt", "Flask==2.3.3\ngunicorn==21.2.0\n"),
        ("server.py", "import os\n\nfrom flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.get(\"/health\")\ndef health():\n    return jsonify(ok=True)\n"),
        ("templates/index.html", "<h1>hello</h1>\n"),
    ]);
    assert_eq!(
        command,
        r#"["flask", "--app", "server", "run", "--host", "0.0.0.0", "--port", "8000", "--debug"]"#
    );
    // No pytest in the requirements: the standard library's runner, as a guess.
    assert_eq!(test, r#""python -m unittest discover""#);
}

/// A Django project without pytest: `runserver` on every interface, tests with `manage.py test`.
#[test]
fn django_project_tests_with_manage_py() {
    let (command, test, report) = commands(&[
        ("requirements.txt", "Django==4.2.10\npsycopg2-binary==2.9.9\n"),
        ("manage.py", "#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == \"__main__\":\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n"),
        ("mysite/__init__.py", ""),
        ("mysite/settings.py", "INSTALLED_APPS = [\"polls\"]\n"),
        ("mysite/urls.py", "urlpatterns = []\n"),
        ("polls/__init__.py", ""),
        ("polls/tests.py", "from django.test import TestCase\n"),
    ]);
    assert_eq!(
        command,
        r#"["python", "manage.py", "runserver", "0.0.0.0:8000"]"#
    );
    assert_eq!(test, r#""python manage.py test""#);
    assert!(
        report["read"].as_array().unwrap().iter().any(|l| l
            == "test command: `python manage.py test` (from `manage.py`, without pytest in the dependencies)"),
        "{report}"
    );
}

/// PHP without Composer, pages at the top: detected; the runtime image copies nothing and
/// installs nothing, so `inputs` and `check` work. `--stack php` on a project whose pages are
/// elsewhere does the same.
#[test]
fn php_without_composer() {
    let repo = TestRepo::new();
    repo.write(
        "index.php",
        "<?php\nrequire __DIR__ . '/includes/db.php';\necho 'Guestbook';\n",
    )
    .write(
        "includes/db.php",
        "<?php\n$pdo = new PDO('sqlite:/tmp/guestbook.db');\n",
    )
    .write("css/site.css", "body { font-family: sans-serif; }\n");
    let report = repo.dockwright(&["init", "--format", "json"]).ok().json();
    assert_eq!(report["stack"], "php");
    assert_eq!(
        report["reason"],
        "found `index.php` without `composer.json`"
    );
    assert_eq!(report["manifests"], serde_json::json!([]));
    assert_eq!(report["warnings"], serde_json::json!([]));
    for file in ["Dockerfile.runtime", "Dockerfile", "compose.yaml"] {
        let text = repo.read(file);
        for word in [
            "COPY composer",
            "COPY --from=composer",
            "composer install",
            "/vendor",
        ] {
            assert!(!text.contains(word), "{word:?} in {file}:\n{text}");
        }
    }
    repo.commit_all("init");
    let inputs = repo.dockwright(&["inputs", "--format", "json"]).ok().json();
    assert_eq!(inputs.as_array().unwrap().len(), 1, "{inputs}");
    assert_eq!(inputs[0]["path"], "Dockerfile.runtime");
    repo.dockwright(&["check"]).ok();

    let asked = TestRepo::new();
    asked.write("src/Page.php", "<?php\nclass Page {}\n");
    let report = asked
        .dockwright(&["init", "--stack", "php", "--format", "json"])
        .ok()
        .json();
    assert_eq!(report["manifests"], serde_json::json!([]));
    assert!(!asked.read("Dockerfile.runtime").contains("COPY"));
}

/// go.mod's `go` line is a minimum and bookworm images start at Go 1.19: `go 1.18` builds on
/// 1.19, saying so; a `toolchain` line wins over the `go` line.
#[test]
fn go_versions_map_to_tags_that_exist() {
    let old = TestRepo::new();
    old.write(
        "go.mod",
        "module example.com/legacy\n\ngo 1.18\n\nrequire github.com/go-chi/chi/v5 v5.0.8\n",
    )
    .write("main.go", "package main\n\nfunc main() {}\n");
    let out = init_text(&old, &[]);
    assert_lines(
        &out,
        &[
            "version: 1.19 (from `go.mod`)",
            "  `go.mod` says Go 1.18, but Debian bookworm images start at Go 1.19; using 1.19; change it with `--var version=…`",
        ],
    );
    assert!(old
        .read("Dockerfile.runtime")
        .contains("\nFROM golang:1.19-bookworm\n"));

    let pinned = TestRepo::new();
    pinned
        .write(
            "go.mod",
            "module example.com/svc\n\ngo 1.21\n\ntoolchain go1.22.1\n",
        )
        .write("main.go", "package main\n\nfunc main() {}\n");
    let report = pinned.dockwright(&["init", "--format", "json"]).ok().json();
    assert_eq!(report["version"], "1.22");
    assert!(report.get("version_note").is_none(), "{report}");
}

/// Where the stand-ins allow: a Node server with no framework, started by `npm start`, whose
/// entry file falls back to port 8080 but reads `PORT`. `init` reads both; the runtime image
/// builds; `dockwright test` runs the `test` script offline; `dockwright up` serves it, and it
/// answers on the port `--var port=…` chose, so `PORT` reached it.
#[test]
fn real_build_node_server_answers_on_the_port_passed_as_port() {
    if !require("images") || !require("compose") {
        return;
    }
    let repo = TestRepo::new();
    repo.write(
        "package.json",
        "{\n  \"name\": \"status-page\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\n    \"start\": \"node server.js\",\n    \"test\": \"node test/health.test.js\"\n  }\n}\n",
    )
    .write(
        "package-lock.json",
        "{\n  \"name\": \"status-page\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": { \"\": { \"name\": \"status-page\", \"version\": \"1.0.0\" } }\n}\n",
    )
    .write(
        "server.js",
        "const http = require('http');\nconst { health } = require('./health');\n\nconst port = process.env.PORT || 8080;\nhttp.createServer((req, res) => res.end(JSON.stringify(health()))).listen(port, () => console.log(`listening on ${port}`));\n",
    )
    .write("health.js", "exports.health = () => ({ status: 'ok' });\n")
    .write(
        "test/health.test.js",
        "const assert = require('assert');\nconst { health } = require('../health');\nassert.deepStrictEqual(health(), { status: 'ok' });\nconsole.log('health test passed');\n",
    );
    let report = repo
        .dockwright(&["init", "--format", "json", "--dry-run"])
        .ok()
        .json();
    assert!(
        report["read"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "port: 8080, passed as `PORT` (from `server.js`)"),
        "{report}"
    );
    let port = 22000 + std::process::id() % 20000;
    repo.dockwright(&["init", "--var", &format!("port={port}")])
        .ok();
    // What `just dev` does first: the mount point of the image's node_modules.
    std::fs::create_dir_all(repo.path().join("node_modules")).unwrap();
    repo.commit_all("scaffold");

    let test = repo.dockwright(&["test"]);
    assert_eq!(test.code, 0, "{}\n{}", test.stdout, test.stderr);
    assert!(
        format!("{}{}", test.stdout, test.stderr).contains("health test passed"),
        "{}\n{}",
        test.stdout,
        test.stderr
    );

    struct Down<'a>(&'a TestRepo);
    impl Drop for Down<'_> {
        fn drop(&mut self) {
            let _ = self
                .0
                .command("docker")
                .args(["compose", "down", "--volumes", "--timeout", "1"])
                .env("DOCKWRIGHT_IMAGE_APP", "unused")
                .output();
        }
    }
    let _down = Down(&repo);
    repo.dockwright(&["up", "--detach"]).ok();
    // The published port accepts before the server listens: ask until it answers.
    let get = || -> Option<String> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port as u16)).ok()?;
        stream.write_all(b"GET / HTTP/1.0\r\n\r\n").ok()?;
        let mut text = String::new();
        stream.read_to_string(&mut text).ok()?;
        (!text.is_empty()).then_some(text)
    };
    let answer = (0..60).find_map(|_| {
        get().or_else(|| {
            std::thread::sleep(std::time::Duration::from_millis(500));
            None
        })
    });
    let answer = answer.unwrap_or_else(|| {
        let logs = repo
            .command("docker")
            .args(["compose", "logs"])
            .env("DOCKWRIGHT_IMAGE_APP", "unused")
            .output()
            .unwrap();
        panic!(
            "nothing answered on port {port}:\n{}",
            String::from_utf8_lossy(&logs.stdout)
        )
    });
    assert!(answer.ends_with("{\"status\":\"ok\"}"), "{answer}");
}
