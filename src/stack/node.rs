//! Node with npm, Yarn or pnpm. The tests' tools are devDependencies: the runtime image sets
//! `NODE_ENV=development` before the install, so each manager installs them, and npm is told so
//! in so many words.

use super::{
    capture, first, found, major, Detection, Language, Note, Project, Recipe, Stack, Version,
};
use crate::error::Result;

/// Node.
pub struct Node;

static STACKS: &[Stack] = &[
    Stack {
        id: "node-npm",
        language: "node",
        manager: "npm",
        default_version: "18",
        required: &["package.json"],
        optional: &["package-lock.json", ".npmrc"],
        test: "npm test",
        port: 3000,
    },
    Stack {
        id: "node-yarn",
        language: "node",
        manager: "Yarn",
        default_version: "18",
        required: &["package.json", "yarn.lock"],
        optional: &[".yarnrc.yml", ".yarnrc"],
        test: "corepack yarn test",
        port: 3000,
    },
    Stack {
        id: "node-pnpm",
        language: "node",
        manager: "pnpm",
        default_version: "18",
        required: &["package.json", "pnpm-lock.yaml"],
        optional: &[".npmrc", "pnpm-workspace.yaml"],
        test: "corepack pnpm test",
        port: 3000,
    },
];

impl Language for Node {
    fn name(&self) -> &'static str {
        "node"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        if !p.has("package.json") {
            return Vec::new();
        }
        let locks: Vec<(&str, &str)> = [
            ("pnpm-lock.yaml", "node-pnpm"),
            ("yarn.lock", "node-yarn"),
            ("package-lock.json", "node-npm"),
        ]
        .into_iter()
        .filter(|(lock, _)| p.has(lock))
        .collect();
        match locks.as_slice() {
            [(lock, id)] => vec![found(id, format!("found `package.json` and `{lock}`"))],
            [] => {
                let declared = p
                    .json("package.json")
                    .and_then(|v| v["packageManager"].as_str().map(str::to_string));
                match declared.as_deref().and_then(|d| d.split('@').next()) {
                    Some(pm @ ("pnpm" | "yarn")) => vec![found(
                        &format!("node-{pm}"),
                        format!(
                            "found `\"packageManager\": \"{}\"` in `package.json`",
                            declared.clone().unwrap_or_default()
                        ),
                    )],
                    _ => vec![found(
                        "node-npm",
                        "found `package.json` without a lock file",
                    )],
                }
            }
            // Two lock files: each is a stack of its own until the user says which one is real.
            many => many
                .iter()
                .map(|(lock, id)| found(id, format!("found `{lock}`")))
                .collect(),
        }
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[
            (".nvmrc", major(&p.read(".nvmrc"))),
            (".node-version", major(&p.read(".node-version"))),
            (
                "Dockerfile",
                p.dockerfile_tag(&["node"]).and_then(|(tag, _)| major(&tag)),
            ),
            (
                "package.json",
                p.json("package.json")
                    .and_then(|v| major(v["engines"]["node"].as_str()?)),
            ),
        ])
        .map(bookworm)
    }

    fn recipe(&self, stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let package = p.json("package.json").unwrap_or_default();
        let run = match stack.id {
            "node-npm" => "npm run",
            "node-yarn" => "corepack yarn",
            _ => "corepack pnpm",
        };
        let has_dev = package["devDependencies"]
            .as_object()
            .is_some_and(|d| !d.is_empty());
        let (install, test_deps) = match stack.id {
            "node-npm" => {
                let command = if p.has("package-lock.json") {
                    "npm ci --no-audit --no-fund {test_deps}"
                } else {
                    "npm install --no-audit --no-fund {test_deps}"
                };
                (command, if has_dev { "--include=dev" } else { "" })
            }
            "node-yarn" => ("corepack yarn install --frozen-lockfile {test_deps}", ""),
            _ => ("corepack pnpm install --frozen-lockfile {test_deps}", ""),
        };
        let included = if has_dev {
            vec!["`devDependencies` of package.json".to_string()]
        } else {
            Vec::new()
        };
        let server = Server::read(p, &package, run);
        let script = |name: &str| package["scripts"][name].as_str().map(str::to_string);
        let prod = if script("start").is_some() {
            format!("{run} start")
        } else {
            format!("node {}", server.entry)
        };
        let mut notes = server.notes;
        let test = match script("test") {
            Some(test) if !test.contains(NPM_INIT_TEST) => {
                notes.push(Note::read(
                    "test_command",
                    format!("`{}`", stack.test),
                    "`scripts.test` of `package.json`",
                ));
                if runs(&test, "ng test") || runs(&test, "karma start") {
                    notes.push(Note::guess(
                        "test_command",
                        format!("`{test}` runs Karma, which needs a browser the runtime image does not have"),
                    ));
                }
                stack.test.to_string()
            }
            _ => {
                notes.push(Note::guess(
                    "test_command",
                    "none: `package.json` has no `test` script, so `dockwright test` fails until you set `test` in dockwright.toml",
                ));
                NO_TEST.to_string()
            }
        };
        Ok(Recipe {
            install: install.into(),
            test_deps: test_deps.into(),
            included,
            dev: server.dev,
            prod,
            vars: vec![
                ("dev_setup", "\n    mkdir -p node_modules".into()),
                ("port", server.port.to_string()),
                ("port_env", server.port_env.to_string()),
                ("test_command", test),
            ],
            notes,
        })
    }
}

/// The test script `npm init` writes, which is no test.
const NPM_INIT_TEST: &str = "Error: no test specified";

/// The test command when `package.json` has none: it fails, saying what to do.
const NO_TEST: &str =
    "echo 'package.json has no \"test\" script: set `test` in dockwright.toml' >&2; exit 1";

/// The oldest Node with a Debian bookworm image that is still maintained: older versions (and
/// 17, which ended before bookworm) are moved up to it, saying so.
const OLDEST_BOOKWORM: u32 = 18;

/// `version` as a tag the `node:<v>-bookworm-slim` images have.
fn bookworm(version: Version) -> Version {
    match version.value.parse::<u32>() {
        Ok(v) if v < OLDEST_BOOKWORM => Version {
            value: OLDEST_BOOKWORM.to_string(),
            note: Some(format!(
                "`{}` asks for Node {v}, which has no maintained Debian bookworm image; using {OLDEST_BOOKWORM}",
                version.source
            )),
            ..version
        },
        _ => version,
    }
}

/// A dev server a framework brings.
struct Framework {
    /// For people: `Angular`.
    name: &'static str,
    /// The dependencies of `package.json` that show it.
    dependencies: &'static [&'static str],
    /// What a script runs to start its dev server.
    runs: &'static str,
    /// Its default port.
    port: u16,
    /// The arguments that make it listen beyond the container's loopback.
    host_args: &'static str,
    /// The arguments that set its port; empty when it reads `PORT`.
    port_args: &'static str,
}

static FRAMEWORKS: &[Framework] = &[
    Framework {
        name: "Angular",
        dependencies: &["@angular/core", "@angular/cli"],
        runs: "ng serve",
        port: 4200,
        host_args: "--host 0.0.0.0",
        port_args: "--port {port}",
    },
    Framework {
        name: "Vue CLI",
        dependencies: &["@vue/cli-service"],
        runs: "vue-cli-service serve",
        port: 8080,
        host_args: "--host 0.0.0.0",
        port_args: "--port {port}",
    },
    Framework {
        name: "Next.js",
        dependencies: &["next"],
        runs: "next dev",
        port: 3000,
        host_args: "--hostname 0.0.0.0",
        port_args: "--port {port}",
    },
    Framework {
        name: "Vite",
        dependencies: &["vite"],
        runs: "vite",
        port: 5173,
        host_args: "--host 0.0.0.0",
        port_args: "--port {port}",
    },
    Framework {
        // Create React App listens on every interface and reads `PORT`.
        name: "Create React App",
        dependencies: &["react-scripts"],
        runs: "react-scripts start",
        port: 3000,
        host_args: "",
        port_args: "",
    },
];

/// How the project's development server starts and where it listens.
struct Server {
    dev: String,
    port: u16,
    /// The variable the server reads its port from (`PORT`), or empty.
    port_env: &'static str,
    /// The file `node` runs when no script says.
    entry: String,
    notes: Vec<Note>,
}

impl Server {
    /// Reads the `dev`, `start` and `serve` scripts, the framework dependencies and the entry
    /// file of `package`; `run` runs a script (`npm run`).
    fn read(p: &Project, package: &serde_json::Value, run: &str) -> Server {
        let depends = |name: &str| {
            ["dependencies", "devDependencies"]
                .iter()
                .any(|k| package[k][name].is_string())
        };
        let scripts: Vec<(&str, String)> = ["dev", "start", "serve"]
            .iter()
            .filter_map(|n| Some((*n, package["scripts"][*n].as_str()?.to_string())))
            .collect();
        let framework = FRAMEWORKS
            .iter()
            .find(|f| f.dependencies.iter().any(|d| depends(d)));
        let mut notes = Vec::new();
        let mut port_env = "";
        // The script that runs the framework's server, else the first of dev, start, serve.
        let chosen = framework
            .and_then(|f| scripts.iter().find(|(_, text)| runs(text, f.runs)))
            .or(scripts.first());
        let entry = chosen
            .and_then(|(_, text)| {
                capture(
                    text,
                    r"(?:^|\s)(?:node|nodemon|ts-node|tsx)\s+(?:-\S+\s+)*([^\s\-;&|]\S*)",
                )
            })
            .or_else(|| package["main"].as_str().map(str::to_string))
            .or_else(|| ENTRIES.iter().find(|e| p.has(e)).map(|e| e.to_string()))
            .unwrap_or_else(|| "index.js".to_string());
        let (dev, port) = match (chosen, framework) {
            (Some((name, text)), Some(f)) if runs(text, f.runs) => {
                let from_script = capture(text, r"(?:--port|-p)[= ](\d{2,5})\b")
                    .and_then(|p| p.parse::<u16>().ok());
                let args = match from_script {
                    Some(_) => f.host_args.to_string(),
                    None => format!("{} {}", f.host_args, f.port_args),
                };
                let args = if text.contains("--host") || text.contains("-H ") {
                    args.replace(f.host_args, "")
                } else {
                    args
                };
                let args = args.trim();
                let dev = match (args.is_empty(), run) {
                    (true, _) => format!("{run} {name}"),
                    (false, "npm run") => format!("{run} {name} -- {args}"),
                    (false, _) => format!("{run} {name} {args}"),
                };
                let dependency = f
                    .dependencies
                    .iter()
                    .find(|d| depends(d))
                    .copied()
                    .unwrap_or(f.name);
                notes.push(Note::read(
                    "dev_command",
                    format!("`{dev}`"),
                    format!(
                        "{} (`{dependency}`) and `scripts.{name}` of `package.json`",
                        f.name
                    ),
                ));
                if f.port_args.is_empty() {
                    port_env = "PORT";
                }
                let port = match from_script {
                    Some(port) => {
                        notes.push(Note::read(
                            "port",
                            port.to_string(),
                            format!("`scripts.{name}` of `package.json`"),
                        ));
                        port
                    }
                    None => {
                        notes.push(Note::read(
                            "port",
                            f.port.to_string(),
                            format!("{}'s default", f.name),
                        ));
                        f.port
                    }
                };
                (dev, port)
            }
            (script, _) => {
                let dev = match script {
                    Some((name, _)) => {
                        let dev = format!("{run} {name}");
                        notes.push(Note::read(
                            "dev_command",
                            format!("`{dev}`"),
                            format!("`scripts.{name}` of `package.json`"),
                        ));
                        dev
                    }
                    None => {
                        let dev = format!("node --watch {entry}");
                        notes.push(Note::guess(
                            "dev_command",
                            format!("`{dev}` (no `dev`, `start` or `serve` script)"),
                        ));
                        dev
                    }
                };
                // A plain server: the port its entry file falls back to, passed as `PORT`.
                let code = p.read(&entry);
                port_env = "PORT";
                let port = match capture(
                    &code,
                    r#"process\.env\.PORT\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})"#,
                )
                .or_else(|| capture(&code, r"\.listen\(\s*(\d{2,5})"))
                .and_then(|p| p.parse::<u16>().ok())
                {
                    Some(port) => {
                        notes.push(Note::read(
                            "port",
                            format!("{port}, passed as `PORT`"),
                            format!("`{entry}`"),
                        ));
                        port
                    }
                    None => {
                        notes.push(Note::guess("port", "3000, passed as `PORT`"));
                        3000
                    }
                };
                (dev, port)
            }
        };
        Server {
            dev,
            port,
            port_env,
            entry,
            notes,
        }
    }
}

/// The files a Node server usually starts from, when `package.json` does not say.
const ENTRIES: &[&str] = &[
    "index.js",
    "server.js",
    "app.js",
    "src/index.js",
    "src/server.js",
    "src/app.js",
    "bin/www",
];

/// Whether the script `text` runs `command` (as a command, not inside a word).
fn runs(text: &str, command: &str) -> bool {
    let pattern = format!(r"(?:^|[\s;&|/]){}(?:$|\s)", regex::escape(command));
    regex::Regex::new(&pattern).is_ok_and(|r| r.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::super::tests::{project, recipe, var};
    use super::*;

    /// The dev command, port, port variable and test command of the project `files`.
    fn server(id: &str, files: &[(&str, &str)]) -> (String, String, String, String) {
        let (_d, p) = project(files);
        let r = recipe(id, &p);
        (
            r.dev.replace("{port}", var(&r, "port")),
            var(&r, "port").to_string(),
            var(&r, "port_env").to_string(),
            var(&r, "test_command").to_string(),
        )
    }

    #[test]
    fn angular_serves_on_4200_beyond_the_container() {
        let (dev, port, env, test) = server(
            "node-npm",
            &[(
                "package.json",
                r#"{"scripts": {"ng": "ng", "start": "ng serve", "build": "ng build", "test": "ng test"},
                   "dependencies": {"@angular/core": "^16.2.0"}, "devDependencies": {"@angular/cli": "^16.2.0"}}"#,
            )],
        );
        assert_eq!(dev, "npm run start -- --host 0.0.0.0 --port 4200");
        assert_eq!((port.as_str(), env.as_str()), ("4200", ""));
        assert_eq!(test, "npm test");
    }

    #[test]
    fn vue_cli_vite_next_and_create_react_app() {
        let vue = server(
            "node-yarn",
            &[
                (
                    "package.json",
                    r#"{"scripts": {"serve": "vue-cli-service serve", "build": "vue-cli-service build"}, "devDependencies": {"@vue/cli-service": "~5.0.0"}}"#,
                ),
                ("yarn.lock", ""),
            ],
        );
        assert_eq!(vue.0, "corepack yarn serve --host 0.0.0.0 --port 8080");
        assert_eq!(vue.1, "8080");
        // No test script: a command that fails and says what to do.
        assert_eq!(vue.3, NO_TEST);

        let vite = server(
            "node-npm",
            &[(
                "package.json",
                r#"{"scripts": {"dev": "vite", "build": "vite build", "preview": "vite preview"}, "devDependencies": {"vite": "^5.0.0"}}"#,
            )],
        );
        assert_eq!(vite.0, "npm run dev -- --host 0.0.0.0 --port 5173");

        let next = server(
            "node-pnpm",
            &[
                (
                    "package.json",
                    r#"{"scripts": {"dev": "next dev -p 3001", "start": "next start"}, "dependencies": {"next": "14.1.0"}}"#,
                ),
                ("pnpm-lock.yaml", ""),
            ],
        );
        assert_eq!(next.0, "corepack pnpm dev --hostname 0.0.0.0");
        assert_eq!(next.1, "3001", "the port the script names");

        let cra = server(
            "node-npm",
            &[(
                "package.json",
                r#"{"scripts": {"start": "react-scripts start", "test": "react-scripts test"}, "dependencies": {"react-scripts": "5.0.1"}}"#,
            )],
        );
        assert_eq!(cra.0, "npm run start");
        assert_eq!((cra.1.as_str(), cra.2.as_str()), ("3000", "PORT"));
    }

    #[test]
    fn express_listens_on_the_port_its_entry_file_falls_back_to() {
        let (dev, port, env, test) = server(
            "node-npm",
            &[
                ("package.json", r#"{"scripts": {"start": "node src/app.js", "test": "echo \"Error: no test specified\" && exit 1"}, "dependencies": {"express": "^4.18.2"}}"#),
                ("src/app.js", "const express = require('express');\nconst app = express();\nconst PORT = process.env.PORT || 8080;\napp.listen(PORT);\n"),
            ],
        );
        assert_eq!(dev, "npm run start");
        assert_eq!((port.as_str(), env.as_str()), ("8080", "PORT"));
        assert_eq!(test, NO_TEST, "npm init's test script is no test");
    }

    #[test]
    fn express_generator_starts_bin_www() {
        let (dev, port, env, _) = server(
            "node-npm",
            &[
                ("package.json", r#"{"scripts": {"start": "node ./bin/www"}, "dependencies": {"express": "~4.16.1", "morgan": "~1.9.1"}}"#),
                ("bin/www", "#!/usr/bin/env node\nvar app = require('../app');\nvar port = normalizePort(process.env.PORT || '3000');\n"),
                ("index.js", "// an unused file: the start script names the entry\nconst port = process.env.PORT || 9999;\n"),
            ],
        );
        assert_eq!(
            (dev.as_str(), port.as_str(), env.as_str()),
            ("npm run start", "3000", "PORT")
        );
    }

    #[test]
    fn old_node_moves_to_a_bookworm_version_saying_so() {
        let (_d, p) = project(&[("package.json", "{}"), ("Dockerfile", "FROM node:17\n")]);
        let v = Node.version(&p).unwrap();
        assert_eq!((v.value.as_str(), v.source.as_str()), ("18", "Dockerfile"));
        assert!(v.note.unwrap().contains("Node 17"));
        let (_d, p) = project(&[
            ("package.json", "{}"),
            (".nvmrc", "v20.11.0\n"),
            ("Dockerfile", "FROM node:17\n"),
        ]);
        assert_eq!(Node.version(&p).unwrap().value, "20", ".nvmrc first");
    }
}
