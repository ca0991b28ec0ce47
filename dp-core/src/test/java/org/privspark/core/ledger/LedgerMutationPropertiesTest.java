package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.IntRange;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * Random damage to a valid ledger's ledger.json and entry files: every mutated ledger either is
 * byte-identical to the original and verifies, or fails verification with a report and fails {@link
 * Ledger#open} with a {@link LedgerException} — never another exception or error.
 *
 * <p>Found by this property and fixed: {@link Ledger#open} accepted an entry whose bytes no longer
 * matched the stored checkpoint (regression test in {@link LedgerCorruptionTest}).
 */
class LedgerMutationPropertiesTest {
  private static final String ORIGIN = "test.privspark.org/mutations";
  private static final NoteSigner SIGNER = NoteSigner.fromSeed(ORIGIN, new byte[32]);
  private static final MemoryStore TEMPLATE = template();
  private static final List<String> TARGETS =
      TEMPLATE.paths().stream()
          .filter(p -> p.equals(LedgerLayout.GENESIS) || p.startsWith(LedgerLayout.ENTRIES + "/"))
          .toList();

  /** Tokens a mutation may insert: the JSON that stresses a parser most. */
  private static final String[] TOKENS = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "-",
    "1e400",
    "1.0E99999999999",
    "null",
    "true",
    "NaN",
    "9".repeat(100),
    "\\u0000",
    "\u00ff",
    "0",
    ".",
    "e"
  };

  private static MemoryStore template() {
    MemoryStore store = new MemoryStore();
    Ledger ledger =
        Format3Ledgers.create(
            store, ORIGIN, 5.0, 1e-6, LedgerFixture.GRID, SIGNER, OpeningStore.discarding());
    ledger.append("private-aggregation", new LaplaceEvent(10, 1), ReleaseDetails.describing("a"));
    ledger.append("dp-sgd", new GaussianEvent(8, 1), ReleaseDetails.describing("b"));
    ledger.append(
        "composed",
        ComposedEvent.of(new LaplaceEvent(20, 1), new GaussianEvent(16, 1)),
        ReleaseDetails.describing("c"));
    return store;
  }

  @Property(tries = 1_000)
  void mutatedFile_verifiesOnlyIfUnchanged_elseFailsCleanly(
      @ForAll @IntRange(min = 0, max = 1 << 20) int target,
      @ForAll @IntRange(min = 0, max = 6) int kind,
      @ForAll long seed) {
    check(target, kind, seed);
  }

  @Property(tries = 30_000)
  @Tag("reliability")
  void mutatedFile_verifiesOnlyIfUnchanged_elseFailsCleanly_manyTries(
      @ForAll @IntRange(min = 0, max = 1 << 20) int target,
      @ForAll @IntRange(min = 0, max = 6) int kind,
      @ForAll long seed) {
    check(target, kind, seed);
  }

  private static void check(int target, int kind, long seed) {
    String path = TARGETS.get(target % TARGETS.size());
    byte[] original = TEMPLATE.read(path).orElseThrow();
    byte[] mutated = mutate(original, kind, new Random(seed));
    MemoryStore store = TEMPLATE.copy();
    store.overwrite(path, mutated);

    AuditReport report;
    try {
      report = new LedgerVerifier(SIGNER.verifier()).verify(store, List.of());
    } catch (Throwable t) {
      throw new AssertionError("verify threw on " + describe(path, original, mutated), t);
    }
    boolean unchanged = Arrays.equals(original, mutated);
    assertThat(report.intact())
        .as("%s: %s", describe(path, original, mutated), report.message())
        .isEqualTo(unchanged);
    try {
      Ledger.open(store, SIGNER, OpeningStore.discarding());
      if (!unchanged) {
        fail("open accepted " + describe(path, original, mutated));
      }
    } catch (LedgerException e) {
      assertThat(unchanged).as("open refused an unchanged ledger: %s", e.getMessage()).isFalse();
    } catch (Throwable t) {
      throw new AssertionError("open threw " + t + " on " + describe(path, original, mutated), t);
    }
  }

  private static byte[] mutate(byte[] b, int kind, Random r) {
    int at = r.nextInt(b.length + 1);
    int len = 1 + r.nextInt(Math.min(32, b.length));
    switch (kind) {
      case 0:
        { // flip one bit
          byte[] m = b.clone();
          int i = r.nextInt(b.length);
          m[i] ^= (byte) (1 << r.nextInt(8));
          return m;
        }
      case 1:
        { // replace one byte
          byte[] m = b.clone();
          m[r.nextInt(b.length)] = (byte) r.nextInt(256);
          return m;
        }
      case 2: // truncate
        return Arrays.copyOf(b, r.nextInt(b.length));
      case 3:
        { // delete a range
          int from = Math.min(at, b.length - 1);
          int to = Math.min(b.length, from + len);
          byte[] m = new byte[b.length - (to - from)];
          System.arraycopy(b, 0, m, 0, from);
          System.arraycopy(b, to, m, from, b.length - to);
          return m;
        }
      case 4: // insert a token
        return splice(b, at, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
      case 5:
        { // duplicate a range
          int from = Math.min(at, b.length - 1);
          int to = Math.min(b.length, from + len);
          return splice(b, to, Arrays.copyOfRange(b, from, to));
        }
      default:
        { // change one digit
          byte[] m = b.clone();
          for (int tries = 0; tries < 100; tries++) {
            int i = r.nextInt(b.length);
            if (m[i] >= '0' && m[i] <= '9') {
              m[i] = (byte) ('0' + r.nextInt(10));
              break;
            }
          }
          return m;
        }
    }
  }

  private static byte[] splice(byte[] b, int at, byte[] insert) {
    byte[] m = new byte[b.length + insert.length];
    System.arraycopy(b, 0, m, 0, at);
    System.arraycopy(insert, 0, m, at, insert.length);
    System.arraycopy(b, at, m, at + insert.length, b.length - at);
    return m;
  }

  private static String describe(String path, byte[] original, byte[] mutated) {
    return path
        + " mutated from\n  "
        + new String(original, StandardCharsets.UTF_8)
        + "\nto\n  "
        + new String(mutated, StandardCharsets.UTF_8);
  }
}
