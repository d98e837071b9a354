//! The stacks dockwright scaffolds: a language and its package manager, each with its template
//! folder, default runtime version, dependency manifests, and commands.

/// A language and a package manager, such as Python with Poetry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stack {
    /// The name users pass to `--stack` and the template folder: `python-poetry`.
    pub id: &'static str,
    /// The language, also the shared template folder: `python`.
    pub language: &'static str,
    /// The package manager as people call it: `Poetry`.
    pub manager: &'static str,
    /// The runtime version when the project does not say.
    pub default_version: &'static str,
    /// Manifests the runtime image always copies (they must exist to build).
    pub required: &'static [&'static str],
    /// Manifests copied when they exist (lock files, settings).
    pub optional: &'static [&'static str],
    /// The test command of `dockwright.toml`.
    pub test: &'static str,
    /// The development server's port.
    pub port: u16,
}

/// Every stack, in the order `--stack` lists them.
pub const STACKS: &[Stack] = &[
    Stack {
        id: "python-pip",
        language: "python",
        manager: "pip",
        default_version: "3.11",
        required: &["requirements.txt"],
        optional: &[],
        test: "python -m pytest -q -p no:cacheprovider",
        port: 8000,
    },
    Stack {
        id: "python-poetry",
        language: "python",
        manager: "Poetry",
        default_version: "3.11",
        required: &["pyproject.toml"],
        optional: &["poetry.lock"],
        test: "python -m pytest -q -p no:cacheprovider",
        port: 8000,
    },
    Stack {
        id: "python-uv",
        language: "python",
        manager: "uv",
        default_version: "3.11",
        required: &["pyproject.toml"],
        optional: &["uv.lock"],
        test: "python -m pytest -q -p no:cacheprovider",
        port: 8000,
    },
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
    Stack {
        id: "go",
        language: "go",
        manager: "Go modules",
        default_version: "1.19",
        required: &["go.mod"],
        optional: &["go.sum"],
        test: "go test ./...",
        port: 8080,
    },
    Stack {
        id: "rust",
        language: "rust",
        manager: "Cargo",
        default_version: "1.85",
        required: &["Cargo.toml"],
        optional: &["Cargo.lock"],
        test: "cargo test --offline",
        port: 8080,
    },
    Stack {
        id: "ruby",
        language: "ruby",
        manager: "Bundler",
        default_version: "3.1",
        required: &["Gemfile"],
        optional: &["Gemfile.lock"],
        test: "bundle exec rake test",
        port: 3000,
    },
    Stack {
        id: "java-maven",
        language: "java",
        manager: "Maven",
        default_version: "17",
        required: &["pom.xml"],
        optional: &[],
        test: "mvn -B -o test",
        port: 8080,
    },
    Stack {
        id: "java-gradle",
        language: "java",
        manager: "Gradle",
        default_version: "17",
        required: &[],
        optional: &[
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
        ],
        test: "gradle --no-daemon --offline test",
        port: 8080,
    },
    Stack {
        id: "php",
        language: "php",
        manager: "Composer",
        default_version: "8.2",
        required: &["composer.json"],
        optional: &["composer.lock"],
        test: "vendor/bin/phpunit",
        port: 8000,
    },
    Stack {
        id: "dotnet",
        language: "dotnet",
        manager: "NuGet",
        default_version: "8.0",
        required: &[],
        optional: &[
            "global.json",
            "NuGet.config",
            "nuget.config",
            "Directory.Build.props",
            "Directory.Packages.props",
        ],
        test: "dotnet test",
        port: 8080,
    },
];

impl Stack {
    /// The stack with this id.
    pub fn by_id(id: &str) -> Option<&'static Stack> {
        STACKS.iter().find(|s| s.id == id)
    }

    /// The stacks of a language, the first being its default manager.
    pub fn of_language(language: &str) -> impl Iterator<Item = &'static Stack> + '_ {
        STACKS.iter().filter(move |s| s.language == language)
    }

    /// Every id and language name `--stack` accepts.
    pub fn names() -> Vec<&'static str> {
        let mut names: Vec<&str> = STACKS.iter().map(|s| s.id).collect();
        for s in STACKS {
            if !names.contains(&s.language) {
                names.push(s.language);
            }
        }
        names
    }
}
