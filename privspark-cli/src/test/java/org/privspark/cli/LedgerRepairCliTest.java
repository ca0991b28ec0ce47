package org.privspark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.LedgerEntry;
import org.privspark.core.ledger.LedgerLayout;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.note.KeyFiles;

/**
 * {@code privspark ledger repair}: removes only an interrupted append's leftovers, never a complete
 * entry.
 */
class LedgerRepairCliTest {
  @TempDir Path tmp;
  private Path ledger;
  private Path key;

  @BeforeEach
  void init() {
    ledger = tmp.resolve("ledger");
    key = tmp.resolve("keys/holder.key");
    CliRun r =
        CliRun.of(
            "ledger",
            "init",
            ledger.toString(),
            "--unit",
            "person",
            "--budget-epsilon",
            "5.0",
            "--budget-delta",
            "1e-6",
            "--key-out",
            key.toString(),
            "--origin",
            "example.org/repair-ledger");
    assertThat(r.exit()).as(r.err()).isZero();
    for (int i = 0; i < 3; i++) {
      CliRun rec =
          CliRun.of(
              "ledger",
              "record",
              ledger.toString(),
              "--unit",
              "person",
              "--key",
              key.toString(),
              "--event",
              "laplace:b=10");
      assertThat(rec.exit()).as(rec.err()).isZero();
    }
  }

  private CliRun repair() {
    return CliRun.of("ledger", "repair", ledger.toString(), "--key", key.toString());
  }

  private AuditReport verify() throws Exception {
    return new LedgerVerifier(KeyFiles.readVerifier(KeyFiles.publicKeyPath(key)))
        .verify(new LocalDirectoryStore(ledger), List.of());
  }

  private Path entry(long seq) {
    return ledger.resolve(LedgerEntry.path(seq));
  }

  @Test
  void repair_intactLedger_changesNothing() throws Exception {
    CliRun r = repair();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("nothing to repair").contains("ledger intact: 3 entries");
  }

  @Test
  void repair_partialTrailingEntryAndTemporaryFiles_removesOnlyThem() throws Exception {
    byte[] whole = Files.readAllBytes(entry(3));
    // What a store without atomic create could leave: entry 4 half written, no checkpoint for it.
    Files.write(entry(4), Arrays.copyOf(whole, whole.length / 2));
    Files.write(ledger.resolve("entries/.tmp-0c5e"), new byte[] {'{'});
    Files.write(ledger.resolve("heads/.tmp-77aa"), new byte[0]);
    Files.write(ledger.resolve(".tmp-19b2"), new byte[] {'{'});
    assertThat(verify().intact()).isFalse();

    CliRun r = repair();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("removed temporary file entries/.tmp-0c5e")
        .contains("removed temporary file heads/.tmp-77aa")
        .contains("removed temporary file .tmp-19b2")
        .contains(
            "moved incomplete trailing entry entries/00000000000000000004.json to quarantine/")
        .contains("ledger intact: 3 entries");
    assertThat(Files.readAllBytes(entry(3))).isEqualTo(whole);
    assertThat(Files.exists(entry(4))).isFalse();
    assertThat(ledger.resolve("quarantine/entries-00000000000000000004.json")).exists();
    assertThat(verify().intact()).isTrue();
  }

  @Test
  void repair_completeUnsignedEntry_keepsItAndSignsIt() throws Exception {
    byte[] head = Files.readAllBytes(ledger.resolve(LedgerLayout.head(4)));
    Files.delete(ledger.resolve(LedgerLayout.head(4)));
    CliRun r = repair();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("signed the checkpoint of size 4")
        .contains("ledger intact: 3 entries");
    assertThat(Files.readAllBytes(ledger.resolve(LedgerLayout.head(4)))).isEqualTo(head);
  }

  @Test
  void repair_partialNewestCheckpoint_replacesItWithTheSameSignedBytes() throws Exception {
    Path newest = ledger.resolve(LedgerLayout.head(4));
    byte[] head = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(head, 20));
    CliRun r = repair();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("moved incomplete checkpoint heads/00000000000000000004");
    assertThat(Files.readAllBytes(newest)).isEqualTo(head);
  }

  @Test
  void repair_damagedMiddleEntry_refusesAndChangesNothing() throws Exception {
    byte[] whole = Files.readAllBytes(entry(2));
    Files.write(entry(2), Arrays.copyOf(whole, whole.length - 5));
    CliRun r = repair();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("entry 2");
    assertThat(Files.size(entry(2))).isEqualTo(whole.length - 5);
    assertThat(Files.exists(entry(3))).isTrue();
    assertThat(ledger.resolve("quarantine")).doesNotExist();
  }

  @Test
  void repair_damagedTrailingEntryCoveredByACheckpoint_refuses() throws Exception {
    byte[] whole = Files.readAllBytes(entry(3));
    Files.write(entry(3), Arrays.copyOf(whole, whole.length / 2));
    CliRun r = repair();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("checkpoint 4 covers it");
    assertThat(Files.exists(entry(3))).isTrue();
  }

  @Test
  void repair_completeEntryChangedAfterSigning_refuses() throws Exception {
    String text = Files.readString(entry(3));
    int at = text.indexOf("\"result\":\"") + 10;
    Files.writeString(
        entry(3),
        text.substring(0, at) + (text.charAt(at) == '0' ? '1' : '0') + text.substring(at + 1));
    CliRun r = repair();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("does not match the entries");
  }
}
