//! The variables a stack's templates are rendered with: read from the project where it says
//! (manifests, versions, frameworks), defaults where it does not, `--var` over both.

use std::collections::BTreeMap;
use std::path::Path;

use super::stack::Stack;
use super::versions::Version;
use crate::error::{Error, Result};

/// The uv image `python-uv` copies its binary from.
const UV_VERSION: &str = "0.5";
/// The Poetry release `python-poetry` installs.
const POETRY_VERSION: &str = "1.8.5";

/// Variables that are derived from others and cannot be set with `--var`: set the source instead.
const DERIVED: &[(&str, &str)] = &[
    ("test_toml", "test_command"),
    ("dev_command_json", "dev_command"),
    ("prod_command_json", "prod_command"),
];

/// The variables for `stack` in `dir`, with `overrides` (from `--var`) applied.
pub fn compute(
    dir: &Path,
    stack: &Stack,
    version: &Version,
    overrides: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    let has = |name: &str| dir.join(name).exists();
    let mut v: BTreeMap<String, String> = BTreeMap::new();
    let mut set = |k: &str, val: String| {
        v.insert(k.to_string(), val);
    };
    set("stack", stack.id.into());
    set("version", version.value.clone());
    set("uid", "1000".into());
    set("gid", "1000".into());
    set("port", stack.port.to_string());
    set("service", crate::config::DEFAULT_SERVICE.into());
    set("workdir", "/app".into());
    set("test_command", stack.test.into());
    set("dev_setup", String::new());
    set("sandbox_env", "# NAME = \"value\"".into());

    let manifests = manifests(dir, stack);
    let lock = |name: &str| manifests.iter().any(|m| m == name);
    let deps = manifests
        .iter()
        .map(|m| read(m).to_lowercase())
        .collect::<Vec<_>>()
        .join("\n");
    let (install, dev, prod): (String, String, String) = match stack.id {
        "python-pip" | "python-poetry" | "python-uv" => {
            let install = match stack.id {
                "python-pip" => format!(
                    "pip install {}",
                    manifests.iter().map(|m| format!("-r {m}")).collect::<Vec<_>>().join(" ")
                ),
                "python-poetry" => format!(
                    "pip install poetry=={POETRY_VERSION} && poetry config virtualenvs.create false && poetry install --no-root --no-interaction --no-ansi"
                ),
                _ => format!("uv sync{} --no-install-project", if lock("uv.lock") { " --frozen" } else { "" }),
            };
            if stack.id == "python-uv" {
                set("uv_version", UV_VERSION.into());
            }
            set("sandbox_env", "PYTHONDONTWRITEBYTECODE = \"1\"".into());
            let (dev, prod) = if has("manage.py") && deps.contains("django") {
                (
                    "python manage.py runserver 0.0.0.0:{port}",
                    "python manage.py runserver 0.0.0.0:{port} --noreload",
                )
            } else if deps.contains("fastapi") || deps.contains("uvicorn") {
                (
                    "uvicorn main:app --host 0.0.0.0 --port {port} --reload",
                    "uvicorn main:app --host 0.0.0.0 --port {port}",
                )
            } else if deps.contains("flask") {
                (
                    "flask run --host 0.0.0.0 --port {port} --debug",
                    "flask run --host 0.0.0.0 --port {port}",
                )
            } else {
                ("python main.py", "python main.py")
            };
            (install, dev.into(), prod.into())
        }
        "node-npm" | "node-yarn" | "node-pnpm" => {
            let package: serde_json::Value =
                serde_json::from_str(&read("package.json")).unwrap_or_default();
            let run = match stack.id {
                "node-npm" => "npm run",
                "node-yarn" => "corepack yarn",
                _ => "corepack pnpm",
            };
            let install = match stack.id {
                "node-npm" if lock("package-lock.json") => {
                    "npm ci --no-audit --no-fund".to_string()
                }
                "node-npm" => "npm install --no-audit --no-fund".to_string(),
                "node-yarn" => "corepack yarn install --frozen-lockfile".to_string(),
                _ => "corepack pnpm install --frozen-lockfile".to_string(),
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
            set("dev_setup", "\n    mkdir -p node_modules".into());
            (install, dev, prod)
        }
        "go" => {
            let module =
                crate::scaffold::versions::capture_first(&read("go.mod"), r"(?m)^module\s+(\S+)");
            let binary = module
                .as_deref()
                .and_then(|m| m.rsplit('/').next())
                .unwrap_or("app")
                .to_string();
            set("binary", binary.clone());
            set("sandbox_env", "GOFLAGS = \"-mod=mod\"".into());
            ("go mod download".into(), "go run .".into(), binary)
        }
        "rust" => {
            let name = crate::scaffold::versions::capture_first(
                &read("Cargo.toml"),
                r#"(?m)^name\s*=\s*"([^"]+)""#,
            );
            let binary = name.unwrap_or_else(|| "app".into());
            set("binary", binary.clone());
            let install = format!(
                "mkdir -p src && echo 'fn main() {{}}' > src/main.rs && cargo fetch{} && rm -rf src && chown -R \"${{UID}}:${{GID}}\" \"$CARGO_HOME\"",
                if lock("Cargo.lock") { " --locked" } else { "" }
            );
            (install, "cargo run".into(), binary)
        }
        "ruby" => {
            let install = if lock("Gemfile.lock") {
                "BUNDLE_FROZEN=true bundle install"
            } else {
                "bundle install"
            };
            if has("spec") || deps.contains("rspec") {
                set("test_command", "bundle exec rspec".into());
            }
            let (dev, prod) = if deps.contains("rails") {
                (
                    "bin/rails server --binding 0.0.0.0 --port {port} --pid /tmp/server.pid",
                    "bin/rails server --binding 0.0.0.0 --port {port} --pid /tmp/server.pid",
                )
            } else if has("config.ru") {
                (
                    "bundle exec rackup --host 0.0.0.0 --port {port}",
                    "bundle exec rackup --host 0.0.0.0 --port {port}",
                )
            } else {
                ("ruby app.rb", "ruby app.rb")
            };
            (install.into(), dev.into(), prod.into())
        }
        "java-maven" => {
            set(
                "base_image",
                format!("maven:3.9-eclipse-temurin-{}", version.value),
            );
            set(
                "cache_env",
                "MAVEN_ARGS=\"-B -Dmaven.repo.local=/opt/m2\"".into(),
            );
            set(
                "package",
                "mvn -o package -DskipTests && cp target/*.jar /opt/app.jar".into(),
            );
            let dev = if deps.contains("spring-boot") {
                "mvn -o spring-boot:run"
            } else {
                "mvn -o compile exec:java"
            };
            (
                "mvn dependency:go-offline && chown -R \"${UID}:${GID}\" /opt/m2".into(),
                dev.into(),
                "java -jar /opt/app.jar".into(),
            )
        }
        "java-gradle" => {
            set("base_image", format!("gradle:8.10-jdk{}", version.value));
            set("cache_env", "GRADLE_USER_HOME=/opt/gradle".into());
            set(
                "package",
                "gradle --no-daemon --offline installDist && cp -r build/install/* /opt/app".into(),
            );
            (
                "gradle --no-daemon dependencies > /dev/null && chown -R \"${UID}:${GID}\" /opt/gradle".into(),
                "gradle --no-daemon --offline run".into(),
                "sh -c /opt/app/bin/*".into(),
            )
        }
        "php" => {
            let root = if has("public") { "public" } else { "." };
            set("dev_setup", "\n    mkdir -p vendor".into());
            let serve = format!("php -S 0.0.0.0:{{port}} -t {root}");
            (
                "composer install --prefer-dist --no-scripts --no-progress".into(),
                serve.clone(),
                serve,
            )
        }
        "dotnet" => {
            let project = super::detect::dotnet_project(dir).unwrap_or_default();
            let assembly = project
                .rsplit_once('.')
                .map(|(stem, _)| stem.to_string())
                .unwrap_or_else(|| "app".into());
            set("project_file", project.clone());
            set(
                "sandbox_env",
                "DOTNET_CLI_TELEMETRY_OPTOUT = \"1\"\nDOTNET_NOLOGO = \"1\"".into(),
            );
            (
                // The package folder exists only once a package is restored, and chown needs it.
                format!("mkdir -p /opt/nuget && dotnet restore {project} && chown -R \"${{UID}}:${{GID}}\" /opt/nuget")
                    .replace("  ", " "),
                "dotnet watch run --no-launch-profile".into(),
                format!("dotnet /opt/{{service}}/{assembly}.dll"),
            )
        }
        other => {
            return Err(Error::msg(
                format!("no variables for stack `{other}`"),
                "this is a bug; please report it",
            ))
        }
    };
    set("manifests", manifests.join(" "));
    set("install", install);
    set("dev_command", dev);
    set("prod_command", prod);

    for (key, value) in overrides {
        if let Some((_, source)) = DERIVED.iter().find(|(k, _)| k == key) {
            return Err(Error::msg(
                format!("`--var {key}` cannot be set: it is made from `{source}`"),
                format!("pass `--var {source}=…` instead"),
            ));
        }
        if !v.contains_key(key) {
            let known: Vec<&str> = v.keys().map(String::as_str).collect();
            let help = match crate::cli::closest(key, known.iter().copied()) {
                Some(close) => format!(
                    "did you mean `{close}`? The variables of `{}` are: {}",
                    stack.id,
                    known.join(", ")
                ),
                None => format!("the variables of `{}` are: {}", stack.id, known.join(", ")),
            };
            return Err(Error::msg(
                format!("unknown variable `{key}` in `--var`"),
                help,
            ));
        }
        v.insert(key.clone(), value.clone());
    }
    // Commands may name other variables in braces (`{port}`), so that `--var port=…` moves them.
    for key in ["dev_command", "prod_command"] {
        let text = ["port", "service"].iter().fold(v[key].clone(), |t, var| {
            t.replace(&format!("{{{var}}}"), &v[*var])
        });
        v.insert(key.into(), text);
    }
    let test = toml::Value::String(v["test_command"].clone()).to_string();
    v.insert("test_toml".into(), test);
    for (derived, source) in [
        ("dev_command_json", "dev_command"),
        ("prod_command_json", "prod_command"),
    ] {
        let words: Vec<String> = v[source]
            .split_whitespace()
            .map(|w| serde_json::Value::String(w.into()).to_string())
            .collect();
        v.insert(derived.into(), format!("[{}]", words.join(", ")));
    }
    Ok(v)
}

/// The dependency manifests the runtime image copies: the required ones always (a missing one
/// is reported, not hidden), the optional ones when they exist.
pub fn manifests(dir: &Path, stack: &Stack) -> Vec<String> {
    let has = |name: &str| dir.join(name).is_file();
    let mut out: Vec<String> = stack.required.iter().map(|m| m.to_string()).collect();
    match stack.id {
        "python-pip" => {
            // Every requirements file at the top: development requirements hold the test runner.
            let mut extra: Vec<String> = list(dir)
                .into_iter()
                .filter(|n| {
                    n.starts_with("requirements") && n.ends_with(".txt") && n != "requirements.txt"
                })
                .collect();
            extra.sort();
            out.extend(extra);
        }
        "java-gradle" => {
            out.extend(
                stack
                    .optional
                    .iter()
                    .filter(|m| has(m))
                    .map(|m| m.to_string()),
            );
            if out.is_empty() {
                out.push("build.gradle".into());
            }
            return out;
        }
        "dotnet" => {
            let projects: Vec<String> = list(dir)
                .into_iter()
                .filter(|n| {
                    n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".vbproj")
                })
                .collect();
            if projects.is_empty() {
                out.push("*.csproj".into());
            }
            out.extend(projects);
        }
        _ => {}
    }
    out.extend(
        stack
            .optional
            .iter()
            .filter(|m| has(m))
            .map(|m| m.to_string()),
    );
    out
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
