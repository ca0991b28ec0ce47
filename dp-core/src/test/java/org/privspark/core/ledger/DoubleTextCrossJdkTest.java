package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.testing.ChildJvm;

/**
 * {@link DoubleText#canonical}, computed here on the test JVM (Java 17 in CI), against the newer
 * JDK's own {@code Double.toString}, which JDK 19 and later specify to be the same text: 100,000
 * doubles from every part of the range must agree character for character.
 */
class DoubleTextCrossJdkTest {
  @TempDir Path tmp;

  @Test
  void canonical_agreesWithDoubleToStringOfTheNewerJdk() throws Exception {
    NewerJdk.assumePresent();
    ChildJvm child =
        ChildJvm.start(NewerJdk.HOME, tmp.resolve("stderr"), JdkDoubleTexts.class, "7", "100000");
    assertThat(child.awaitExit(120_000)).as("child exit").isZero();
    List<String> lines = child.lines();
    assertThat(lines).hasSize(100_001);
    assertThat(Integer.parseInt(lines.get(0).substring("feature=".length())))
        .as("the newer JDK's release")
        .isGreaterThanOrEqualTo(19);
    List<String> differences = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(" ");
      String ours = DoubleText.canonical(Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16)));
      if (!ours.equals(f[1]) && differences.size() < 10) {
        differences.add(line + " but ours is " + ours);
      }
    }
    assertThat(differences).isEmpty();
  }
}
