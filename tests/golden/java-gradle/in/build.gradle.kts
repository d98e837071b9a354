plugins { id("application") }
java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }
