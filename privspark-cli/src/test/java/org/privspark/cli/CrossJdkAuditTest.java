package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.ledger.Format3Ledgers;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LedgerGenesis;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LegacyLedger;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.NewerJdk;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.ReleaseDetails;
import org.privspark.core.ledger.confidential.BudgetProver;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.testing.ChildJvm;

/**
 * Ledgers written on the test JVM (Java 17 in CI) verify with {@code privspark audit verify}
 * running on a newer JDK (Temurin 25 on the CI machines; skipped, saying so, where it is missing).
 * Their doubles are the examples of JDK-4511638, which Java 17 and Java 19+ write differently: σ =
 * 2·10^23, b = 10^23, a budget ε of 8.41·10^21 and a budget δ of 2^−1073.
 *
 * <ul>
 *   <li>a transparent ledger written now (format version 3);
 *   <li>a confidential one, with its budget proof;
 *   <li>the transparent one as PrivSpark wrote it before version 3 ({@link LegacyLedger}: format
 *       version 1, the test JVM's {@code Double.toString}).
 * </ul>
 */
class CrossJdkAuditTest {
  private static final String ORIGIN = "test.privspark.org/cross-jdk";

  @TempDir Path tmp;

  private Ledger create(Path dir, String mode, double epsilon, double delta, NoteSigner signer)
      throws Exception {
    KeyFiles.write(dir.resolve("key"), signer);
    Ledger ledger =
        Format3Ledgers.create(
            new LocalDirectoryStore(dir.resolve("ledger")),
            ORIGIN,
            mode,
            epsilon,
            delta,
            OrderGrid.defaults(),
            signer,
            OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings"))));
    ledger.append("manual", new GaussianEvent(2.0E23, 1.0), ReleaseDetails.describing("q1"));
    ledger.append("manual", new LaplaceEvent(1.0E23, 1.0), ReleaseDetails.describing("q2"));
    return ledger;
  }

  /**
   * {@code privspark audit verify DIR/ledger --public-key DIR/key.pub --json ...} on the newer JDK.
   */
  private void assertVerifiesOnTheNewerJdk(Path dir, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "audit",
                "verify",
                dir.resolve("ledger").toString(),
                "--public-key",
                KeyFiles.publicKeyPath(dir.resolve("key")).toString(),
                "--json"));
    args.addAll(List.of(extra));
    Path stderr = dir.resolve("auditor.stderr");
    ChildJvm child =
        ChildJvm.start(NewerJdk.HOME, stderr, PrivSparkCli.class, args.toArray(String[]::new));
    int exit = child.awaitExit(120_000);
    assertThat(exit)
        .as(
            "audit verify of %s on %s: %s %s",
            dir.getFileName(), NewerJdk.HOME, child.lines(), Files.readString(stderr))
        .isZero();
  }

  private static String files(Path ledger) throws Exception {
    StringBuilder all = new StringBuilder(Files.readString(ledger.resolve(LedgerLayout.GENESIS)));
    try (Stream<Path> entries = Files.list(ledger.resolve(LedgerLayout.ENTRIES))) {
      for (Path e : entries.sorted().toList()) {
        all.append(Files.readString(e, StandardCharsets.UTF_8));
      }
    }
    return all.toString();
  }

  @Test
  void ledgersWrittenOnThisJdk_verifyOnTheNewerJdk() throws Exception {
    NewerJdk.assumePresent();
    NoteSigner signer = NoteSigner.generate(ORIGIN);
    Path transparent = tmp.resolve("transparent");
    create(transparent, LedgerGenesis.TRANSPARENT, 8.41E21, 0x1p-1073, signer);

    Path confidential = tmp.resolve("confidential");
    Ledger c = create(confidential, LedgerGenesis.CONFIDENTIAL, 8.41E21, 1e-6, signer);
    Path proof = confidential.resolve("budget.proof");
    Files.write(proof, BudgetProver.prove(c, Double.NaN, new SecureRandom()).encode());

    Path legacy = tmp.resolve("legacy");
    create(legacy, LedgerGenesis.TRANSPARENT, 8.41E21, 0x1p-1073, signer);
    LegacyLedger.rewriteAsBefore(legacy.resolve("ledger"), null, signer);
    String legacyFiles = files(legacy.resolve("ledger"));
    assertThat(legacyFiles)
        .contains(
            Double.toString(2.0E23),
            Double.toString(1.0E23),
            Double.toString(8.41E21),
            Double.toString(0x1p-1073));
    if (Runtime.version().feature() < 19) {
      assertThat(legacyFiles)
          .as("Java 17's texts, which a newer JDK writes otherwise")
          .contains(
              "1.9999999999999998E23", "9.999999999999999E22", "8.409999999999999E21", "1.0E-323");
    }

    assertVerifiesOnTheNewerJdk(transparent);
    assertVerifiesOnTheNewerJdk(confidential, "--budget-proof", proof.toString());
    assertVerifiesOnTheNewerJdk(legacy);
  }
}
