//! Node with npm, Yarn or pnpm. The tests' tools are devDependencies: the runtime image sets
//! `NODE_ENV=development` before the install, so each manager installs them, and npm is told so
//! in so many words.

use super::{first, found, major, Detection, Language, Project, Recipe, Stack, Version};
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
                "package.json",
                p.json("package.json")
                    .and_then(|v| major(v["engines"]["node"].as_str()?)),
            ),
        ])
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
        let main = package["main"].as_str().unwrap_or("index.js").to_string();
        let script = |name: &str| package["scripts"][name].is_string();
        let dev = if script("dev") {
            format!("{run} dev")
        } else {
            format!("node --watch {main}")
        };
        let prod = if script("start") {
            format!("{run} start")
        } else {
            format!("node {main}")
        };
        Ok(Recipe {
            install: install.into(),
            test_deps: test_deps.into(),
            included,
            dev,
            prod,
            vars: vec![("dev_setup", "\n    mkdir -p node_modules".into())],
        })
    }
}
