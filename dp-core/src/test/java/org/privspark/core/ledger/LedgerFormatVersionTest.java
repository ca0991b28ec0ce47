package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.BudgetReport;
import org.privspark.core.audit.ConfidentialVerifier;
import org.privspark.core.ledger.confidential.BudgetProof;
import org.privspark.core.ledger.confidential.BudgetProver;

/**
 * Format versions and double texts (docs/LEDGER-FORMAT.md §3.1, §9): new ledgers are version 3 and
 * hold canonical texts only; ledgers of versions 1 and 2, written by Java 17's {@code
 * Double.toString}, keep verifying; a legacy text is still held to Java's layout.
 */
class LedgerFormatVersionTest {
  /**
   * σ = 2·10^23 is written 1.9999999999999998E23 by Java 17 and 2.0E23 by Java 19+ and version 3.
   */
  private static final PrivacyEvent JDK_4511638 = new GaussianEvent(2.0E23, 1.0E23);

  @TempDir Path dir;

  private static String text(Path file) throws Exception {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static void assertRejected(AuditReport r, Reason reason, long index) {
    assertThat(r.intact()).as("intact").isFalse();
    assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    assertThat(r.failedIndex()).as(r.message()).isEqualTo(index);
  }

  private LedgerFixture transparent() {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.ledger.append("manual", JDK_4511638, ReleaseDetails.describing("q"));
    f.ledger.append("manual", new LaplaceEvent(8.41E21, 1.0E21), ReleaseDetails.describing("q"));
    return f;
  }

  @Test
  void create_writesVersion3InBothModes_withCanonicalDoubles() throws Exception {
    LedgerFixture f = transparent();
    assertThat(text(f.store.root().resolve(LedgerLayout.GENESIS)))
        .startsWith("{\"format\":\"privspark-ledger/3\"");
    assertThat(text(f.entry(1))).contains("\"sigma\":2.0E23,\"l2Sensitivity\":1.0E23");
    assertThat(text(f.entry(2))).contains("\"scale\":8.41E21");
    assertThat(f.verify().intact()).isTrue();
    LedgerFixture c = new LedgerFixture(dir.resolve("c"), LedgerGenesis.CONFIDENTIAL, 4.0, 1e-6);
    assertThat(text(c.store.root().resolve(LedgerLayout.GENESIS)))
        .startsWith("{\"format\":\"privspark-ledger/3\"")
        .contains("\"mode\":\"confidential\"");
  }

  /**
   * A version 1 ledger as Java 17 wrote it (σ as 1.9999999999999998E23) verifies, and stays open
   * for appends.
   */
  @Test
  void version1_writtenByTheOldWriter_verifiesAndAppends() throws Exception {
    LedgerFixture f = transparent();
    LegacyLedger.rewriteAsBefore(f.store.root(), null, f.signer);
    assertThat(text(f.store.root().resolve(LedgerLayout.GENESIS)))
        .startsWith("{\"format\":\"privspark-ledger/1\"");
    assertThat(text(f.entry(1))).contains("\"sigma\":" + Double.toString(2.0E23) + ",");
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
    Ledger reopened = Ledger.open(f.store, f.signer, f.openings);
    reopened.append("manual", JDK_4511638, ReleaseDetails.describing("q"));
    assertThat(text(f.entry(3))).contains("\"sigma\":2.0E23,");
    assertThat(f.verify().intact()).isTrue();
  }

  /** Java 17's texts, by construction of the rewrite; on this JVM when it is older than 19. */
  @Test
  void version1_java17Texts_verify() throws Exception {
    LedgerFixture f = transparent();
    LegacyLedger.rewriteAsBefore(f.store.root(), null, f.signer);
    String one = text(f.entry(1));
    f.write(
        f.entry(1),
        one.replace("\"sigma\":" + Double.toString(2.0E23), "\"sigma\":1.9999999999999998E23"));
    String two = text(f.entry(2));
    f.write(
        f.entry(2),
        two.replace("\"scale\":" + Double.toString(8.41E21), "\"scale\":8.409999999999999E21"));
    LegacyLedger.rechainAndSign(f.store.root(), f.signer);
    AuditReport r = f.verify();
    assertThat(r.intact()).as(r.message()).isTrue();
  }

  /** Even in a legacy ledger, a text is held to Java's layout: no superfluous zeros. */
  @Test
  void version1_textWithSuperfluousZeros_isNonCanonical() throws Exception {
    LedgerFixture f = transparent();
    LegacyLedger.rewriteAsBefore(f.store.root(), null, f.signer);
    String one = text(f.entry(1));
    f.write(f.entry(1), one.replaceFirst("\"sigma\":[^,]*,", "\"sigma\":2.00E23,"));
    LegacyLedger.rechainAndSign(f.store.root(), f.signer);
    assertRejected(f.verify(), Reason.NON_CANONICAL, 1);
  }

  /** In version 3 only the canonical text is canonical, even re-signed with the real key. */
  @Test
  void version3_java17TextInAnEntry_isNonCanonical() throws Exception {
    LedgerFixture f = transparent();
    String one = text(f.entry(1));
    f.write(f.entry(1), one.replace("\"sigma\":2.0E23", "\"sigma\":1.9999999999999998E23"));
    LegacyLedger.rechainAndSign(f.store.root(), f.signer);
    assertRejected(f.verify(), Reason.NON_CANONICAL, 1);
  }

  @Test
  void version3_java17TextInLedgerJson_isNonCanonical() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 2.0E23, 1e-6);
    Path genesis = f.store.root().resolve(LedgerLayout.GENESIS);
    f.write(
        genesis, text(genesis).replace("\"epsilon\":2.0E23", "\"epsilon\":1.9999999999999998E23"));
    LegacyLedger.rechainAndSign(f.store.root(), f.signer);
    assertRejected(f.verify(), Reason.NON_CANONICAL, 0);
  }

  @Test
  void unknownVersion_isMalformedNamingTheVersion() throws Exception {
    LedgerFixture f = transparent();
    Path genesis = f.store.root().resolve(LedgerLayout.GENESIS);
    f.write(genesis, text(genesis).replace("privspark-ledger/3", "privspark-ledger/5"));
    LegacyLedger.rechainAndSign(f.store.root(), f.signer);
    AuditReport r = f.verify();
    assertRejected(r, Reason.MALFORMED, 0);
    assertThat(r.message()).contains("privspark-ledger/5").contains("newer PrivSpark");
  }

  @Test
  void version1WithConfidentialMode_isMalformed() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, LedgerGenesis.CONFIDENTIAL, 4.0, 1e-6);
    Path genesis = f.store.root().resolve(LedgerLayout.GENESIS);
    f.write(genesis, text(genesis).replace("privspark-ledger/3", "privspark-ledger/1"));
    LegacyLedger.rechainAndSign(f.store.root(), f.signer);
    assertRejected(f.verify(), Reason.MALFORMED, 0);
  }

  /**
   * A confidential version 2 ledger with Java 17's texts in its cost openings: the holder proves,
   * the auditor verifies.
   */
  @Test
  void version2_oldWriter_provesAndVerifiesItsBudget() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, LedgerGenesis.CONFIDENTIAL, 10.0, 1e-6);
    f.ledger.append("manual", JDK_4511638, ReleaseDetails.describing("q"));
    LegacyLedger.rewriteAsBefore(f.store.root(), dir.resolve("openings"), f.signer);
    assertThat(text(f.store.root().resolve(LedgerLayout.GENESIS)))
        .startsWith("{\"format\":\"privspark-ledger/2\"");
    Ledger reopened = Ledger.open(f.store, f.signer, f.openings);
    BudgetProof proof = BudgetProver.prove(reopened, Double.NaN, new SecureRandom());
    BudgetReport r =
        new ConfidentialVerifier(f.signer.verifier())
            .verifyBudget(f.store, List.of(), BudgetProof.decode(proof.encode()));
    assertThat(r.ok()).as(r.message()).isTrue();
  }
}
