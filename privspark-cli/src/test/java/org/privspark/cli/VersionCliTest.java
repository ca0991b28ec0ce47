package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code privspark --version} names the build's version and commit, not a placeholder. */
class VersionCliTest {

  /** The build's ${project.version}, passed by this module's surefire configuration. */
  private static final String BUILD_VERSION = System.getProperty("privspark.build.version");

  @Test
  void version_printsTheBuildsVersionAndCommit() {
    assertThat(BUILD_VERSION).as("surefire passes privspark.build.version").isNotBlank();

    CliRun run = CliRun.of("--version");

    assertThat(run.exit()).isZero();
    // The commit is 12 hex digits from git, or "unknown" for a build without git history.
    assertThat(run.out().strip())
        .matches("privspark \\Q" + BUILD_VERSION + "\\E \\(commit ([0-9a-f]{12}|unknown)\\)");
  }
}
