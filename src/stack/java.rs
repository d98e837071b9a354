//! Java with Maven or Gradle. Both resolve every scope ahead: `dependency:go-offline` takes the
//! test scope, `gradle dependencies` every configuration, `testImplementation` included.

use super::{capture, first, found, Detection, Language, Project, Recipe, Stack, Version};
use crate::error::Result;

/// Java.
pub struct Java;

const GRADLE_FILES: &[&str] = &[
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
    "gradle.properties",
];

static STACKS: &[Stack] = &[
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
        optional: GRADLE_FILES,
        test: "gradle --no-daemon --offline test",
        port: 8080,
    },
];

impl Language for Java {
    fn name(&self) -> &'static str {
        "java"
    }

    fn stacks(&self) -> &'static [Stack] {
        STACKS
    }

    fn detect(&self, p: &Project) -> Vec<Detection> {
        if p.has("pom.xml") {
            return vec![found("java-maven", "found `pom.xml`")];
        }
        [
            "build.gradle.kts",
            "build.gradle",
            "settings.gradle.kts",
            "settings.gradle",
        ]
        .into_iter()
        .find(|f| p.has(f))
        .map(|file| vec![found("java-gradle", format!("found `{file}`"))])
        .unwrap_or_default()
    }

    fn version(&self, p: &Project) -> Option<Version> {
        first(&[
            (
                "pom.xml",
                capture(
                    &p.read("pom.xml"),
                    r"<(?:maven\.compiler\.release|java\.version|maven\.compiler\.source)>\s*(?:1\.)?(\d+)",
                ),
            ),
            // maven-compiler-plugin's own `<release>` or `<source>`.
            (
                "pom.xml",
                capture(
                    &p.read("pom.xml"),
                    r"(?s)<artifactId>maven-compiler-plugin</artifactId>.*?<(?:release|source)>\s*(?:1\.)?(\d+)\s*<",
                ),
            ),
            ("build.gradle.kts", gradle_java(&p.read("build.gradle.kts"))),
            ("build.gradle", gradle_java(&p.read("build.gradle"))),
            (
                "Dockerfile",
                p.dockerfile_tag(&[
                    "eclipse-temurin",
                    "openjdk",
                    "amazoncorretto",
                    "maven",
                    "gradle",
                ])
                .and_then(|(tag, _)| capture(&tag, r"^(?:.*?(?:temurin-|jdk-?|corretto-))?(\d+)")),
            ),
        ])
    }

    fn manifests(&self, stack: &Stack, p: &Project) -> Vec<String> {
        let mut out: Vec<String> = stack.required.iter().map(|m| m.to_string()).collect();
        out.extend(p.existing(stack.optional));
        if out.is_empty() {
            out.push("build.gradle".into());
        }
        out
    }

    fn recipe(&self, stack: &Stack, p: &Project, version: &Version) -> Result<Recipe> {
        if stack.id == "java-maven" {
            let pom = p.read("pom.xml");
            let dev = if pom.to_lowercase().contains("spring-boot") {
                "mvn -o spring-boot:run"
            } else {
                "mvn -o compile exec:java"
            };
            let included = if pom.contains("<scope>test</scope>") {
                vec![
                    "test-scoped dependencies (`dependency:go-offline` resolves every scope)"
                        .to_string(),
                ]
            } else {
                Vec::new()
            };
            return Ok(Recipe {
                install:
                    "mvn dependency:go-offline {test_deps} && chown -R \"${UID}:${GID}\" /opt/m2"
                        .into(),
                test_deps: String::new(),
                included,
                dev: dev.into(),
                prod: "java -jar /opt/app.jar".into(),
                vars: vec![
                    (
                        "base_image",
                        format!("maven:3.9-eclipse-temurin-{}", version.value),
                    ),
                    (
                        "cache_env",
                        "MAVEN_ARGS=\"-B -Dmaven.repo.local=/opt/m2\"".into(),
                    ),
                    (
                        "package",
                        "mvn -o package -DskipTests && cp target/*.jar /opt/app.jar".into(),
                    ),
                ],
                ..Default::default()
            });
        }
        let build = format!("{}\n{}", p.read("build.gradle"), p.read("build.gradle.kts"));
        let included = if build.contains("testImplementation") {
            vec![
                "`testImplementation` (`gradle dependencies` resolves every configuration)"
                    .to_string(),
            ]
        } else {
            Vec::new()
        };
        Ok(Recipe {
            install: "gradle --no-daemon dependencies {test_deps} > /dev/null && chown -R \"${UID}:${GID}\" /opt/gradle".into(),
            test_deps: String::new(),
            included,
            dev: "gradle --no-daemon --offline run".into(),
            prod: "sh -c /opt/app/bin/*".into(),
            vars: vec![
                ("base_image", format!("gradle:8.10-jdk{}", version.value)),
                ("cache_env", "GRADLE_USER_HOME=/opt/gradle".into()),
                ("package", "gradle --no-daemon --offline installDist && cp -r build/install/* /opt/app".into()),
            ],
            ..Default::default()
        })
    }
}

fn gradle_java(text: &str) -> Option<String> {
    capture(
        text,
        r"(?:JavaLanguageVersion\.of\(|JavaVersion\.VERSION_(?:1_)?|sourceCompatibility\s*=\s*['\x22]?)(\d+)",
    )
}

#[cfg(test)]
mod tests {
    use super::super::tests::project;
    use super::*;

    #[test]
    fn maven_compiler_plugin_and_dockerfile_versions() {
        let pom = "<project>\n  <build>\n    <plugins>\n      <plugin>\n        <groupId>org.apache.maven.plugins</groupId>\n        <artifactId>maven-compiler-plugin</artifactId>\n        <version>3.11.0</version>\n        <configuration>\n          <source>1.8</source>\n          <target>1.8</target>\n        </configuration>\n      </plugin>\n    </plugins>\n  </build>\n</project>\n";
        let (_d, p) = project(&[("pom.xml", pom)]);
        assert_eq!(Java.version(&p).unwrap().value, "8");
        for (from, want) in [
            ("FROM maven:3.9-eclipse-temurin-21 AS build", "21"),
            ("FROM eclipse-temurin:17-jdk-jammy", "17"),
            ("FROM gradle:8.5-jdk11 AS build", "11"),
        ] {
            let (_d, p) = project(&[("pom.xml", "<project/>"), ("Dockerfile", from)]);
            let v = Java.version(&p).unwrap();
            assert_eq!(
                (v.value.as_str(), v.source.as_str()),
                (want, "Dockerfile"),
                "{from}"
            );
        }
    }

    #[test]
    fn gradle_versions() {
        assert_eq!(
            gradle_java("java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }")
                .as_deref(),
            Some("21")
        );
        assert_eq!(
            gradle_java("sourceCompatibility = '11'").as_deref(),
            Some("11")
        );
    }
}
