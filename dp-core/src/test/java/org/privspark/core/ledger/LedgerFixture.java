package org.privspark.core.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.privspark.core.accounting.Accountant;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.merkle.MerkleTree;
import org.privspark.core.ledger.note.Checkpoint;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.SignedNotes;

/** A small ledger in a temporary directory, and the tools to tamper with it. */
final class LedgerFixture {
  static final String ORIGIN = "test.privspark.org/ledger-1";
  static final OrderGrid GRID = OrderGrid.of(1.5, 2, 4, 8, 16, 32, 64);

  final Path dir;
  final LocalDirectoryStore store;
  final NoteSigner signer;
  final Ledger ledger;

  final OpeningStore openings;

  LedgerFixture(Path dir, double budgetEpsilon, double budgetDelta) {
    this(dir, LedgerGenesis.TRANSPARENT, budgetEpsilon, budgetDelta);
  }

  /**
   * A ledger of format 3, which declares no privacy unit (the format most tamper tests were written
   * for).
   */
  LedgerFixture(Path dir, String mode, double budgetEpsilon, double budgetDelta) {
    this.dir = dir;
    this.store = new LocalDirectoryStore(dir.resolve("ledger"));
    this.signer = NoteSigner.generate(ORIGIN);
    this.openings = OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings")));
    this.ledger =
        Format3Ledgers.create(
            store, ORIGIN, mode, budgetEpsilon, budgetDelta, GRID, signer, openings);
  }

  /** A ledger of the current format, protecting {@code unit}. */
  LedgerFixture(Path dir, String mode, double budgetEpsilon, double budgetDelta, PrivacyUnit unit) {
    this(dir, mode, Accountant.RDP, budgetEpsilon, budgetDelta, GRID, unit);
  }

  /**
   * A ledger of the current format on {@code accountant} and {@code grid}, protecting {@code unit}.
   */
  LedgerFixture(
      Path dir,
      String mode,
      Accountant accountant,
      double budgetEpsilon,
      double budgetDelta,
      OrderGrid grid,
      PrivacyUnit unit) {
    this.dir = dir;
    this.store = new LocalDirectoryStore(dir.resolve("ledger"));
    this.signer = NoteSigner.generate(ORIGIN);
    this.openings = OpeningStore.in(new LocalDirectoryStore(dir.resolve("openings")));
    this.ledger =
        Ledger.create(
            store,
            ORIGIN,
            mode,
            accountant,
            budgetEpsilon,
            budgetDelta,
            grid,
            unit,
            signer,
            openings);
  }

  /** A Laplace release of ε = {@code epsilon} (scale 1/ε, sensitivity 1). */
  static PrivacyEvent laplace(double epsilon) {
    return new LaplaceEvent(1 / epsilon, 1);
  }

  Receipt spend(double epsilon, String query) {
    return ledger.append("private-aggregation", laplace(epsilon), ReleaseDetails.describing(query));
  }

  AuditReport verify(String... saved) {
    return new LedgerVerifier(signer.verifier()).verify(store, List.of(saved));
  }

  Path entry(long seq) {
    return store.root().resolve(LedgerEntry.path(seq));
  }

  Path head(long size) {
    return store.root().resolve(LedgerLayout.head(size));
  }

  String text(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  LedgerEntry read(long seq) throws IOException {
    return LedgerEntry.decode(Files.readAllBytes(entry(seq)), seq);
  }

  /**
   * What someone holding the real key can do: rewrite the entries as given (chained afresh) and
   * sign a checkpoint over them. Files in entries/ and heads/ are replaced.
   */
  void rewriteWithRealKey(List<LedgerEntry> entries) throws IOException {
    byte[] genesis = Files.readAllBytes(store.root().resolve(LedgerLayout.GENESIS));
    clear(store.root().resolve(LedgerLayout.ENTRIES));
    clear(store.root().resolve(LedgerLayout.HEADS));
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(genesis);
    List<LedgerEntry> chained = new ArrayList<>();
    for (LedgerEntry e : entries) {
      long seq = tree.size();
      LedgerEntry c =
          new LedgerEntry(
              seq,
              e.timeMillis(),
              e.origin(),
              tree.leafHash(seq - 1),
              e.releaseId(),
              e.mechanism(),
              e.event(),
              e.cost(),
              e.commitments(),
              e.confidentialCost(),
              e.unit());
      byte[] bytes = c.encode();
      store.createIfAbsent(LedgerEntry.path(seq), bytes);
      tree.appendLeafData(bytes);
      chained.add(c);
    }
    signHead(tree);
  }

  /**
   * What someone holding the real key can do with any bytes: entry {@code seq}'s file replaced by
   * {@code bytes} (appended when {@code seq} is one past the last), the entries after it chained
   * afresh, and a checkpoint signed over them all. Files in entries/ and heads/ are replaced.
   */
  void replaceWithRealKey(long seq, byte[] bytes) throws IOException {
    byte[] genesis = Files.readAllBytes(store.root().resolve(LedgerLayout.GENESIS));
    List<byte[]> files = new ArrayList<>();
    for (long i = 1; Files.exists(entry(i)); i++) {
      files.add(Files.readAllBytes(entry(i)));
    }
    if (seq == files.size() + 1) {
      files.add(bytes);
    } else {
      files.set((int) (seq - 1), bytes);
    }
    clear(store.root().resolve(LedgerLayout.ENTRIES));
    clear(store.root().resolve(LedgerLayout.HEADS));
    MerkleTree tree = new MerkleTree();
    tree.appendLeafData(genesis);
    for (byte[] file : files) {
      long i = tree.size();
      byte[] chained = file;
      if (i > seq) {
        LedgerEntry e = LedgerEntry.decode(file, i);
        chained =
            new LedgerEntry(
                    i,
                    e.timeMillis(),
                    e.origin(),
                    tree.leafHash(i - 1),
                    e.releaseId(),
                    e.mechanism(),
                    e.event(),
                    e.cost(),
                    e.commitments(),
                    e.confidentialCost(),
                    e.unit())
                .encode();
      }
      store.createIfAbsent(LedgerEntry.path(i), chained);
      tree.appendLeafData(chained);
    }
    signHead(tree);
  }

  void signHead(MerkleTree tree) throws IOException {
    String note =
        SignedNotes.sign(Checkpoint.of(ORIGIN, tree.size(), tree.root()).format(), signer);
    store.createIfAbsent(LedgerLayout.head(tree.size()), note.getBytes(StandardCharsets.UTF_8));
  }

  List<LedgerEntry> entries() throws IOException {
    List<LedgerEntry> all = new ArrayList<>();
    for (long seq = 1; Files.exists(entry(seq)); seq++) {
      all.add(read(seq));
    }
    return all;
  }

  private static void clear(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (var files = Files.list(directory)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
  }
}
