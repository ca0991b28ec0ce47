package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.privspark.core.audit.AuditReport;

/**
 * The structural tamper cases that every ledger mode must catch, whatever its entries hold: a
 * subclass sets {@link #f} to a ledger of four entries before each test.
 */
abstract class StructuralTamperCases {
  protected LedgerFixture f;

  static void assertRejected(AuditReport report, Reason reason, long index) {
    assertThat(report.intact()).as("intact").isFalse();
    assertThat(report.reason()).as(report.message()).isEqualTo(reason);
    assertThat(report.failedIndex()).as(report.message()).isEqualTo(index);
  }

  @Test
  void deletedEntry() throws Exception {
    Files.delete(f.entry(2));
    assertRejected(f.verify(), Reason.MISSING_ENTRY, 2);
  }

  /**
   * Entry 3's file at leaf 2 chains to entry 2, not to leaf 1 (its wrong sequence number is not
   * judged first).
   */
  @Test
  void swappedEntries() throws Exception {
    byte[] two = Files.readAllBytes(f.entry(2));
    Files.write(f.entry(2), Files.readAllBytes(f.entry(3)));
    Files.write(f.entry(3), two);
    assertRejected(f.verify(), Reason.CHAIN_BROKEN, 2);
  }

  /** Every single-byte change to entry 2 is rejected, whatever it hits. */
  @Test
  void anyAlteredByte_isRejected() throws Exception {
    byte[] original = Files.readAllBytes(f.entry(2));
    for (int i = 0; i < original.length; i++) {
      byte[] altered = original.clone();
      altered[i] ^= 0x01;
      Files.write(f.entry(2), altered);
      assertThat(f.verify().intact()).as("byte %d flipped", i).isFalse();
    }
    Files.write(f.entry(2), original);
    assertThat(f.verify().intact()).isTrue();
  }
}
