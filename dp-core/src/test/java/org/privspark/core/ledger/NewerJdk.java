package org.privspark.core.ledger;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The newer JDK the cross-JDK tests run the auditor on: {@code -Dprivspark.newerJdk=JAVA_HOME}, by
 * default Temurin 25 where the CI machines ship it. Tests that need it are skipped, saying so,
 * where it is missing.
 */
public final class NewerJdk {
  public static final Path HOME =
      Path.of(System.getProperty("privspark.newerJdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));

  private NewerJdk() {}

  public static void assumePresent() {
    assumeTrue(
        Files.isExecutable(HOME.resolve("bin").resolve("java")),
        "no JDK at "
            + HOME
            + ": the cross-JDK check is skipped (set -Dprivspark.newerJdk=JAVA_HOME to a JDK 19 or"
            + " later)");
  }
}
