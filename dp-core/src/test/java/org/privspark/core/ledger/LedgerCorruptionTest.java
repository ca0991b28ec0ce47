package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.privspark.core.accounting.ComposedEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.SelfComposedEvent;
import org.privspark.core.audit.AuditReport;

/**
 * Damaged ledger files: truncated JSON, wrong types, numbers too large for any field, JSON nested
 * 100 000 levels deep, strings of tens of megabytes. Each must give a clean {@link LedgerException}
 * from {@link Ledger#open} and a failed {@link AuditReport} from the verifier, naming the file's
 * leaf — never a StackOverflowError, an OutOfMemoryError or another unchecked exception.
 *
 * <p>Found by these tests and fixed: an exponent beyond int range (1.0E99999999999) escaped the
 * parser as a NumberFormatException; a number beyond the double range (1e400) was reported only as
 * non-canonical; a file of any size was read whole into memory; {@link Ledger#open} accepted an
 * entry changed after its checkpoint was signed (and the next append would have signed over it).
 */
class LedgerCorruptionTest {
  @TempDir Path dir;

  /** A corruption of one file's text, with a name for the report. */
  record Corruption(String name, String file, UnaryOperator<String> edit) {
    @Override
    public String toString() {
      return file + ": " + name;
    }
  }

  static final String ENTRY = "entry 2";
  static final String GENESIS = "ledger.json";
  static final String HEAD = "newest checkpoint";

  static Stream<Corruption> corruptions() {
    List<Corruption> all = new ArrayList<>();
    for (String file : List.of(ENTRY, GENESIS)) {
      all.add(new Corruption("empty", file, t -> ""));
      all.add(new Corruption("truncated to one byte", file, t -> t.substring(0, 1)));
      all.add(new Corruption("truncated to half", file, t -> t.substring(0, t.length() / 2)));
      all.add(new Corruption("last byte missing", file, t -> t.substring(0, t.length() - 1)));
      all.add(new Corruption("trailing garbage", file, t -> t + "{}"));
      all.add(
          new Corruption(
              "not UTF-8", file, t -> t.substring(0, 10) + "\u00ff\ufffe" + t.substring(10)));
      all.add(
          new Corruption(
              "nested 100k levels",
              file,
              t ->
                  t.replaceFirst(
                      "\"origin\":",
                      "\"origin\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"x\":")));
      all.add(
          new Corruption(
              "objects nested 100k levels",
              file,
              t -> "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000)));
      all.add(
          new Corruption(
              "2M-character string",
              file,
              t -> t.replaceFirst("\"origin\":\"", "\"origin\":\"" + "a".repeat(2_000_000))));
      all.add(
          new Corruption(
              "100-digit integer",
              file,
              t -> t.replaceFirst("\"fractionBits\":40|\"seq\":2", "\"seq\":" + "9".repeat(100))));
    }
    all.add(new Corruption("seq as a string", ENTRY, t -> t.replace("\"seq\":2", "\"seq\":\"2\"")));
    all.add(new Corruption("seq as a double", ENTRY, t -> t.replace("\"seq\":2", "\"seq\":2.0")));
    all.add(new Corruption("seq negative", ENTRY, t -> t.replace("\"seq\":2", "\"seq\":-2")));
    all.add(
        new Corruption(
            "seq 2^63", ENTRY, t -> t.replace("\"seq\":2", "\"seq\":9223372036854775808")));
    all.add(
        new Corruption(
            "time 100 digits",
            ENTRY,
            t -> t.replaceFirst("\"time\":[0-9]+", "\"time\":" + "1".repeat(100))));
    all.add(
        new Corruption(
            "scale as a string", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":\"10.0\"")));
    all.add(
        new Corruption("scale true", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":true")));
    all.add(
        new Corruption("scale null", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":null")));
    all.add(
        new Corruption("scale 1e400", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":1e400")));
    all.add(
        new Corruption(
            "scale 1E400", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":1.0E400")));
    all.add(
        new Corruption(
            "scale -1e400", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":-1.0E400")));
    all.add(
        new Corruption(
            "scale 1e-400", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":1.0E-400")));
    all.add(
        new Corruption(
            "scale exponent beyond int",
            ENTRY,
            t -> t.replace("\"scale\":10.0", "\"scale\":1.0E99999999999")));
    all.add(
        new Corruption(
            "scale 5000 digits",
            ENTRY,
            t -> t.replace("\"scale\":10.0", "\"scale\":1" + "0".repeat(5000) + ".0")));
    all.add(new Corruption("scale NaN", ENTRY, t -> t.replace("\"scale\":10.0", "\"scale\":NaN")));
    all.add(
        new Corruption(
            "rdp an object", ENTRY, t -> t.replaceFirst("\"rdp\":\\[[0-9,]*\\]", "\"rdp\":{}")));
    all.add(
        new Corruption(
            "rdp 100-digit",
            ENTRY,
            t -> t.replaceFirst("\"rdp\":\\[[0-9]+", "\"rdp\":[" + "7".repeat(100))));
    all.add(
        new Corruption(
            "rdp 200k elements",
            ENTRY,
            t -> t.replaceFirst("\"rdp\":\\[", "\"rdp\":[" + "1,".repeat(200_000))));
    all.add(
        new Corruption(
            "event null", ENTRY, t -> t.replaceFirst("\"event\":\\{[^}]*\\}", "\"event\":null")));
    all.add(
        new Corruption(
            "event nested 100k levels",
            ENTRY,
            t ->
                t.replaceFirst(
                    "\"event\":\\{[^}]*\\}",
                    "\"event\":"
                        + "{\"kind\":\"composed\",\"events\":[".repeat(100_000)
                        + "]}".repeat(100_000))));
    all.add(
        new Corruption(
            "budget epsilon 1e400",
            GENESIS,
            t -> t.replace("\"epsilon\":10.0", "\"epsilon\":1e400")));
    all.add(
        new Corruption(
            "orders 100-digit",
            GENESIS,
            t -> t.replace("\"orders\":[1.5", "\"orders\":[" + "9".repeat(100))));
    all.add(new Corruption("truncated", HEAD, t -> t.substring(0, t.length() / 2)));
    all.add(new Corruption("2M-character line", HEAD, t -> "x".repeat(2_000_000) + "\n" + t));
    all.add(
        new Corruption(
            "size 100 digits", HEAD, t -> t.replaceFirst("\n4\n", "\n" + "4".repeat(100) + "\n")));
    all.add(new Corruption("200k lines", HEAD, t -> "a\n".repeat(200_000) + t));
    return all.stream();
  }

  @Test
  void hugeEntryFile_verifyAndOpen_refuseToReadIt() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.spend(0.1, "a");
    f.spend(0.1, "b");
    // A sparse 3 GiB file: reading it whole would need a 3 GiB array.
    try (FileChannel ch = FileChannel.open(f.entry(2), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {'}'}), 3L << 30);
    }
    AuditReport report = f.verify();
    assertThat(report.intact()).isFalse();
    assertThat(report.reason()).isEqualTo(Reason.IO_ERROR);
    assertThat(report.message()).contains("at most 67108864");
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, OpeningStore.discarding()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("at most 67108864");
  }

  /**
   * Found by {@link LedgerMutationPropertiesTest}: one hex digit of a commitment in the newest
   * entry.
   */
  @Test
  void open_entryChangedAfterItsCheckpoint_refusesInsteadOfSigningOverIt() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.spend(0.1, "a");
    f.spend(0.1, "b");
    String text = f.text(f.entry(2));
    int at = text.indexOf("\"result\":\"") + 10;
    char digit = text.charAt(at);
    f.write(
        f.entry(2), text.substring(0, at) + (digit == '0' ? '1' : '0') + text.substring(at + 1));
    assertThat(f.verify().reason()).isEqualTo(Reason.ROOT_MISMATCH);
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, OpeningStore.discarding()))
        .isInstanceOf(LedgerException.class)
        .satisfies(e -> assertThat(((LedgerException) e).reason()).isEqualTo(Reason.ROOT_MISMATCH));
    assertThat(Files.exists(f.head(4))).as("nothing signed over the change").isFalse();
  }

  @Test
  void append_eventNestedTooDeep_refusesBeforeWriting() throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    PrivacyEvent deep = new LaplaceEvent(100, 1);
    for (int i = 0; i < 100_000; i++) {
      deep = new ComposedEvent(List.of(deep));
    }
    PrivacyEvent tooDeep = deep;
    assertThatThrownBy(() -> f.ledger.append("deep", tooDeep, ReleaseDetails.describing("q")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most 100 levels");
    assertThat(f.ledger.entries()).isZero();
    assertThat(f.verify().intact()).isTrue();
  }

  @Test
  void append_eventNestedAtTheLimit_isReadBack() {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    PrivacyEvent deep = new LaplaceEvent(100, 1);
    for (int i = 0; i < 100; i++) {
      deep = i % 2 == 0 ? new ComposedEvent(List.of(deep)) : new SelfComposedEvent(deep, 1);
    }
    f.ledger.append("deep", deep, ReleaseDetails.describing("q"));
    AuditReport report = f.verify();
    assertThat(report.intact()).as(report.message()).isTrue();
    Ledger.open(f.store, f.signer, OpeningStore.discarding());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corruptions")
  void corruptedFile_verifyAndOpen_failCleanly(Corruption c) throws Exception {
    LedgerFixture f = new LedgerFixture(dir, 10.0, 1e-6);
    f.spend(0.1, "a");
    f.ledger.append(
        "private-aggregation", new LaplaceEvent(10.0, 1.0), ReleaseDetails.describing("b"));
    f.spend(0.1, "c");
    Path file =
        switch (c.file()) {
          case ENTRY -> f.entry(2);
          case GENESIS -> f.store.root().resolve(LedgerLayout.GENESIS);
          default -> f.head(4);
        };
    String original = Files.readString(file, StandardCharsets.UTF_8);
    String damaged = c.edit().apply(original);
    assertThat(damaged).as("the corruption changes the file").isNotEqualTo(original);
    Files.writeString(file, damaged, StandardCharsets.UTF_8);

    AuditReport report = f.verify();
    assertThat(report.intact()).as("verify: %s", report.message()).isFalse();
    assertThat(report.message()).isNotBlank();
    assertThatThrownBy(() -> Ledger.open(f.store, f.signer, OpeningStore.discarding()))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining(
            switch (c.file()) {
              case ENTRY -> "entry 2";
              case GENESIS -> "entry 0";
              default -> "heads/00000000000000000004";
            });
  }
}
