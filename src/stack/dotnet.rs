//! .NET with NuGet. `dotnet restore` of the project restores its packages; a test project is a
//! project of its own (see the README's limits).

use super::{capture, first, found, Detection, Language, Project, Recipe, Stack, Version};
use crate::error::Result;

/// .NET.
pub struct Dotnet;

static STACKS: &[Stack] = &[Stack {
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
}];

impl Language for Dotnet {
    fn name(&self) -> &'static str {
        "dotnet"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        project_file(p)
            .or_else(|| p.has("global.json").then(|| "global.json".to_string()))
            .map(|file| vec![found("dotnet", format!("found `{file}`"))])
            .unwrap_or_default()
    }

    fn version(&self, p: &Project) -> Option<Version> {
        let from_project = project_file(p)
            .filter(|f| !f.ends_with(".sln"))
            .and_then(|f| {
                let v = capture(&p.read(&f), r"<TargetFrameworks?>\s*net(\d+\.\d+)")?;
                Some(Version {
                    value: v,
                    source: f,
                    note: None,
                })
            });
        first(&[(
            "global.json",
            p.json("global.json")
                .and_then(|v| capture(v["sdk"]["version"].as_str()?, r"^(\d+\.\d+)")),
        )])
        .or(from_project)
        .or_else(|| {
            first(&[(
                "Dockerfile",
                p.dockerfile_tag(&["sdk", "aspnet", "runtime"])
                    .and_then(|(tag, _)| capture(&tag, r"^(\d+\.\d+)")),
            )])
        })
    }

    fn manifests(&self, stack: &Stack, p: &Project) -> Vec<String> {
        let projects: Vec<String> = p
            .files()
            .into_iter()
            .filter(|n| n.ends_with(".csproj") || n.ends_with(".fsproj") || n.ends_with(".vbproj"))
            .collect();
        let mut out = if projects.is_empty() {
            vec!["*.csproj".to_string()]
        } else {
            projects
        };
        out.extend(p.existing(stack.optional));
        out
    }

    fn recipe(&self, _stack: &Stack, p: &Project, _version: &Version) -> Result<Recipe> {
        let project = project_file(p).unwrap_or_default();
        let assembly = project
            .rsplit_once('.')
            .map(|(stem, _)| stem.to_string())
            .unwrap_or_else(|| "app".into());
        let included = project_file(p)
            .filter(|f| p.read(f).contains("Microsoft.NET.Test.Sdk"))
            .map(|f| vec![format!("the test packages of `{f}`")])
            .unwrap_or_default();
        Ok(Recipe {
            // The package folder exists only once a package is restored, and chown needs it.
            install: format!("mkdir -p /opt/nuget && dotnet restore {project} {{test_deps}} && chown -R \"${{UID}}:${{GID}}\" /opt/nuget")
                .replace("  ", " "),
            test_deps: String::new(),
            included,
            dev: "dotnet watch run --no-launch-profile".into(),
            prod: format!("dotnet /opt/{{service}}/{assembly}.dll"),
            vars: vec![
                ("project_file", project),
                ("os_user", "appuser".into()),
                (
                    "sandbox_env",
                    "DOTNET_CLI_TELEMETRY_OPTOUT = \"1\"\nDOTNET_NOLOGO = \"1\"".into(),
                ),
            ],
            ..Default::default()
        })
    }
}

/// The first `.csproj`, `.fsproj`, `.vbproj` or `.sln` at the top of the project, by name.
pub fn project_file(p: &Project) -> Option<String> {
    let mut names: Vec<String> = p
        .files()
        .into_iter()
        .filter(|n| {
            n.ends_with(".csproj")
                || n.ends_with(".fsproj")
                || n.ends_with(".vbproj")
                || n.ends_with(".sln")
        })
        .collect();
    // A project file before a solution: restore needs the project, the solution only lists it.
    names.sort_by_key(|n| (n.ends_with(".sln"), n.clone()));
    names.into_iter().next()
}
