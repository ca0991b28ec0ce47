package org.privspark.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Version} reads what the build wrote into version.properties. */
class VersionTest {

  @Test
  void version_isTheBuildsProjectVersion() {
    String expected = System.getProperty("privspark.build.version");
    assertThat(expected).as("surefire passes privspark.build.version").isNotBlank();

    assertThat(Version.version()).isEqualTo(expected);
  }

  @Test
  void commit_isAnAbbreviatedGitIdOrUnknown() {
    assertThat(Version.commit()).matches("[0-9a-f]{12}|" + Version.UNKNOWN);
  }

  @Test
  void describe_namesToolVersionAndCommit() {
    assertThat(Version.describe("privspark"))
        .isEqualTo("privspark " + Version.version() + " (commit " + Version.commit() + ")");
  }
}
