package org.privspark.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;

/**
 * A store that changes under the auditor, or fails, between listing a directory and reading its
 * files: every such fault is a finding in the report, never an exception out of the verifier.
 */
class VerifierStoreFaultsTest {
  @TempDir Path dir;
  private LedgerFixture f;

  @BeforeEach
  void threeEntries() {
    f = new LedgerFixture(dir, 5.0, 1e-6);
    for (int i = 0; i < 3; i++) {
      f.spend(0.5, "q" + i);
    }
  }

  /** The store as it stands, except that {@code vanished} is gone by the time it is read. */
  private LedgerStore vanishing(String vanished) {
    return new Faulty(f.store) {
      @Override
      public Optional<byte[]> read(String path) throws IOException {
        return path.equals(vanished) ? Optional.empty() : super.read(path);
      }
    };
  }

  private AuditReport verify(LedgerStore store) {
    return new LedgerVerifier(f.signer.verifier()).verify(store, List.of());
  }

  @Test
  void newestCheckpointVanishingAfterTheListing_isAFinding() {
    AuditReport r = verify(vanishing(LedgerLayout.head(4)));
    assertThat(r.intact()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.UNSIGNED_ENTRIES);
    assertThat(r.message()).contains("vanished");
  }

  @Test
  void entryVanishingAfterTheListing_isAFinding() {
    AuditReport r = verify(vanishing(LedgerEntry.path(2)));
    assertThat(r.reason()).isEqualTo(Reason.MISSING_ENTRY);
    assertThat(r.failedIndex()).isEqualTo(2);
  }

  /** A listing that fails part way (Files.list reports it unchecked) is an I/O finding. */
  @Test
  void listingFailingUnchecked_isAnIoFinding() {
    LedgerStore failing =
        new Faulty(f.store) {
          @Override
          public List<String> list(String directory) {
            throw new UncheckedIOException(new IOException("directory changed while listed"));
          }
        };
    AuditReport r = verify(failing);
    assertThat(r.intact()).isFalse();
    assertThat(r.reason()).isEqualTo(Reason.IO_ERROR);
  }

  /** A read failing unchecked (a store wrapping its I/O errors) is an I/O finding. */
  @Test
  void readFailingUnchecked_isAnIoFinding() {
    LedgerStore failing =
        new Faulty(f.store) {
          @Override
          public Optional<byte[]> read(String path) throws IOException {
            if (path.equals(LedgerEntry.path(3))) {
              throw new UncheckedIOException(new IOException("connection reset"));
            }
            return super.read(path);
          }
        };
    AuditReport r = verify(failing);
    assertThat(r.reason()).isEqualTo(Reason.IO_ERROR);
  }

  /** Delegates everything to the fixture's store. */
  private static class Faulty implements LedgerStore {
    private final LedgerStore store;

    Faulty(LedgerStore store) {
      this.store = store;
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
      return store.read(path);
    }

    @Override
    public boolean createIfAbsent(String path, byte[] bytes) {
      throw new UnsupportedOperationException("read only");
    }

    @Override
    public List<String> list(String directory) throws IOException {
      return store.list(directory);
    }

    @Override
    public String location() {
      return store.location();
    }
  }
}
