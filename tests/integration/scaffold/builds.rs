//! Real builds on the stand-in base images (tests/images/debian.sh), and `just init` with the
//! real `just`.

use std::process::Command;

use super::sample;
use crate::support::{bin_dir, path_with_bins, require, TestRepo};

/// What a sample project is and what its tests print.
struct Sample<'a> {
    /// The test's name, for the failure messages.
    name: &'a str,
    /// The project's files.
    files: &'a [(&'a str, &'a str)],
    /// Extra `dockwright init` arguments.
    init: &'a [&'a str],
    /// A hello-world test command, run in the runtime image with `docker run`.
    test: &'a [&'a str],
    /// What the test command (and the scaffolded `dockwright test`) prints on success.
    expect: &'a str,
}

/// Scaffolds the sample, builds its runtime image with `dockwright build`, and runs the test in
/// it with the source mounted read-only and no network, as its non-root user; then the
/// scaffolded test command through `dockwright test`; then builds the `production` target of the
/// multi-stage Dockerfile with the classic builder and runs it (it prints "hello from production").
fn build_and_run(sample: Sample<'_>) {
    let Sample {
        name,
        files,
        init,
        test,
        expect,
    } = sample;
    if !require("images") {
        return;
    }
    let repo = TestRepo::new();
    for (rel, content) in files {
        repo.write(rel, content);
    }
    let mut args = vec!["init"];
    args.extend_from_slice(init);
    repo.dockwright(&args).ok();
    repo.commit_all("scaffold");
    repo.dockwright(&["build"]).ok();
    let status = repo.dockwright(&["status", "--format", "json"]).ok().json();
    assert_eq!(status[0]["state"], "fresh", "{status}");
    let image = status[0]["image"].as_str().unwrap().to_string();

    let user = Command::new("docker")
        .args(["image", "inspect", "--format", "{{.Config.User}}", &image])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&user.stdout).trim(),
        "1000:1000",
        "the runtime image must not run as root"
    );

    let mount = format!("{}:/app:ro", repo.path().display());
    let out = Command::new("docker")
        .args([
            "run",
            "--rm",
            "--network",
            "none",
            "-v",
            &mount,
            "-w",
            "/app",
            &image,
        ])
        .args(test)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name}: {test:?} failed in {image}:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains(expect) || stderr.contains(expect),
        "{test:?} did not print {expect:?}:\n{stdout}\n{stderr}"
    );

    // The scaffolded dockwright.toml's test command, in dockwright's clean sandbox.
    let run = repo.dockwright(&["test"]);
    assert_eq!(
        run.code, 0,
        "dockwright test failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.contains(expect) || run.stderr.contains(expect),
        "dockwright test did not print {expect:?}:\n{}\n{}",
        run.stdout,
        run.stderr
    );

    // The production image, labelled so the repository's cleanup removes it. The Dockerfile
    // has no development stage any more: development runs the runtime image built above.
    let label = format!("dev.dockwright.project={}", repo.project);
    let tag = format!("{}-production:test", repo.project);
    let build = Command::new("docker")
        .args(["build", "-q", "--target", "production", "-f", "Dockerfile"])
        .args(["--label", &label, "-t", &tag, "."])
        .env("DOCKER_BUILDKIT", "0")
        .current_dir(repo.path())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "production build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let stages = repo.read("Dockerfile");
    assert!(!stages.contains(" AS development"), "{stages}");
    // The production image: code baked in, non-root.
    let out = Command::new("docker")
        .args(["run", "--rm", "--network", "none", &tag])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("hello from production"),
        "the production image did not run:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let user = Command::new("docker")
        .args(["image", "inspect", "--format", "{{.Config.User}}", &tag])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&user.stdout).trim(), "1000:1000");
}

#[test]
fn real_build_python_runtime_image_runs_a_test() {
    build_and_run(Sample {
        name: "real_build_python_runtime_image_runs_a_test",
        files: &[
            ("requirements.txt", "pytest\n"),
            ("main.py", "print('hello from production')\n"),
            (
                "test_hello.py",
                "def test_hello():\n    assert 'hello'.upper() == 'HELLO'\n",
            ),
        ],
        init: &[],
        test: &["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        expect: "1 passed",
    });
}

/// The test runner is only in the development requirements, which pull in the others with
/// `-r`, themselves including a nested file: the build needs that file copied (before the stack
/// model it was not, and pip stopped), and the image imports pytest and runs the tests. (The
/// stand-in has Debian's pytest, so the import alone cannot tell; `init`'s tests check that the
/// install names the development requirements.)
#[test]
fn real_build_python_runtime_image_holds_the_test_dependencies() {
    build_and_run(Sample {
        name: "real_build_python_runtime_image_holds_the_test_dependencies",
        files: &[
            ("requirements.txt", "-r requirements/base.txt\n"),
            ("requirements/base.txt", "# the app's own dependencies\n"),
            ("requirements-dev.txt", "-r requirements.txt\npytest\n"),
            ("main.py", "print('hello from production')\n"),
            (
                "test_hello.py",
                "def test_hello():\n    assert 'hello'.upper() == 'HELLO'\n",
            ),
        ],
        init: &[],
        test: &[
            "python",
            "-c",
            "import pytest; raise SystemExit(pytest.main(['-q', '-p', 'no:cacheprovider']))",
        ],
        expect: "1 passed",
    });
}

#[test]
fn real_build_node_runtime_image_runs_a_test() {
    build_and_run(Sample {
        name: "real_build_node_runtime_image_runs_a_test",
        files: &[
            ("package.json", "{\n  \"name\": \"hello\",\n  \"version\": \"1.0.0\",\n  \"scripts\": { \"test\": \"node test.js\" }\n}\n"),
            ("package-lock.json", "{\n  \"name\": \"hello\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": { \"\": { \"name\": \"hello\", \"version\": \"1.0.0\" } }\n}\n"),
            ("index.js", "console.log('hello from production');\n"),
            ("test.js", "const assert = require('assert');\nassert.strictEqual('hello'.toUpperCase(), 'HELLO');\nconsole.log('hello test passed');\n"),
        ],
        init: &[],
        test: &["npm", "test"],
        expect: "hello test passed",
    });
}

#[test]
fn real_build_go_runtime_image_runs_a_test() {
    build_and_run(Sample {
        name: "real_build_go_runtime_image_runs_a_test",
        files: &[
            ("go.mod", "module example.com/hello\n\ngo 1.19\n"),
            ("main.go", "package main\n\nimport \"fmt\"\n\nfunc Hello() string { return \"hello\" }\n\nfunc main() { fmt.Println(Hello(), \"from production\") }\n"),
            ("main_test.go", "package main\n\nimport \"testing\"\n\nfunc TestHello(t *testing.T) {\n\tif Hello() != \"hello\" {\n\t\tt.Fatal(Hello())\n\t}\n}\n"),
        ],
        init: &["--var", "test_command=go test -v ./..."],
        test: &["go", "test", "-v", "./..."],
        expect: "--- PASS: TestHello",
    });
}

#[test]
fn real_build_ruby_runtime_image_runs_a_test() {
    build_and_run(Sample {
        name: "real_build_ruby_runtime_image_runs_a_test",
        files: &[
            ("Gemfile", "source \"https://rubygems.org\"\n"),
            ("app.rb", "puts 'hello from production'\n"),
            ("test/hello_test.rb", "require \"minitest/autorun\"\n\nclass HelloTest < Minitest::Test\n  def test_hello\n    assert_equal \"HELLO\", \"hello\".upcase\n  end\nend\n"),
        ],
        // The Gemfile has no rake: the test file runs on its own.
        init: &["--var", "test_command=ruby test/hello_test.rb"],
        test: &["ruby", "test/hello_test.rb"],
        expect: "1 runs, 1 assertions, 0 failures",
    });
}

// ---------------------------------------------------------------------------------------------
// `just init`, with the real `just`.

/// A teammate clones a scaffolded project and runs `just init`: hooks installed, image built.
#[test]
fn just_init_in_a_fresh_clone_installs_hooks_and_builds_the_runtime_image() {
    if !require("images") || !require("just") {
        return;
    }
    let origin = TestRepo::new();
    origin
        .write("requirements.txt", "pytest\n")
        .write("test_hello.py", "def test_hello():\n    assert True\n");
    origin.dockwright(&["init"]).ok();
    origin.commit_all("scaffold");

    // The clone's directory has the origin's name, so its images carry the origin's project
    // label and the origin's cleanup removes them.
    let parent = tempfile::tempdir().unwrap();
    let clone = parent.path().join(&origin.project);
    origin.git(&[
        "clone",
        "-q",
        origin.path().to_str().unwrap(),
        clone.to_str().unwrap(),
    ]);
    // `nu` may be here: its plugin registration goes to a throwaway config, not the machine's.
    let nu_config = tempfile::tempdir().unwrap();
    let out = Command::new("just")
        .arg("init")
        .current_dir(&clone)
        .env("PATH", path_with_bins())
        .env("XDG_CONFIG_HOME", nu_config.path())
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "just init failed:\n{stdout}\n{stderr}"
    );

    for hook in ["post-checkout", "post-merge", "post-rewrite", "pre-push"] {
        let path = clone.join(".git/hooks").join(hook);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{hook} not installed: {e}\n{stdout}\n{stderr}"));
        assert!(
            text.contains("dockwright"),
            "{hook} is not dockwright's:\n{text}"
        );
    }
    let status = Command::new(bin_dir().join("dockwright"))
        .args(["status", "--format", "json"])
        .current_dir(&clone)
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status[0]["state"], "fresh", "{status}");
}

/// The repository's own `just init DIR`: install the binaries (cargo stood in for by a script
/// that copies this build's binaries, since cargo's lock is held by the running test), then
/// scaffold DIR and install its hooks.
#[test]
fn root_just_init_installs_the_binaries_then_scaffolds_and_installs_hooks() {
    if !require("just") {
        return;
    }
    let project = sample("go");
    let tools = tempfile::tempdir().unwrap();
    let fake_cargo = tools.path().join("cargo");
    std::fs::write(
        &fake_cargo,
        format!(
            "#!/bin/sh\n# Stands in for `cargo install --path . --locked --root R`.\necho \"$@\" > '{log}'\nroot=''\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\nmkdir -p \"$root/bin\" && cp '{bins}'/dockwright '{bins}'/dockwright-hook-* \"$root/bin/\"\n",
            log = tools.path().join("cargo-args").display(),
            bins = bin_dir().display(),
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake_cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = tools.path().join("root");
    let mut paths = vec![tools.path().to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));

    let out = Command::new("just")
        .args([
            "--justfile",
            concat!(env!("CARGO_MANIFEST_DIR"), "/justfile"),
            "init",
        ])
        .arg(project.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("DOCKWRIGHT_INSTALL_ROOT", &root)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "just init failed:\n{stdout}\n{stderr}"
    );
    let args = std::fs::read_to_string(tools.path().join("cargo-args")).unwrap();
    assert!(args.contains("install --path . --locked --root"), "{args}");
    assert!(root.join("bin/dockwright-hook-pre-push").is_file());
    assert!(
        project.path().join("Dockerfile.runtime").is_file(),
        "{stdout}"
    );
    let hook = std::fs::read_to_string(project.path().join(".git/hooks/post-checkout")).unwrap();
    assert!(hook.contains("dockwright"), "{hook}");
}
