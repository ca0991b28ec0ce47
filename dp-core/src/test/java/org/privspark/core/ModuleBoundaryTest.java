package org.privspark.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * dp-core runs alone (the auditor has no Spark): the enforcer rule in dp-core/pom.xml bans the
 * dependencies, and this test bans the imports, including reflection by name. Noise may come only
 * from the noise package's secure sources: no java.util.Random, Math.random or nextGaussian in
 * main.
 */
class ModuleBoundaryTest {
  private static final Path MAIN = Path.of("src/main/java");

  private static List<String> offenders(Pattern pattern) throws IOException {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(
              p -> {
                try {
                  return pattern.matcher(Files.readString(p)).find();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .map(Path::toString)
          .toList();
    }
  }

  @Test
  void mainSources_neverReferenceSparkHadoopOrScala() throws IOException {
    assertThat(Files.isDirectory(MAIN)).isTrue();
    assertThat(offenders(Pattern.compile("org\\.apache\\.(spark|hadoop)|\\bscala\\."))).isEmpty();
  }

  @Test
  void mainSources_neverUseInsecureRandomness() throws IOException {
    assertThat(
            offenders(
                Pattern.compile(
                    "java\\.util\\.Random\\b|new"
                        + " Random\\(|Math\\.random\\(|nextGaussian\\(|ThreadLocalRandom|SplittableRandom")))
        .isEmpty();
  }
}
