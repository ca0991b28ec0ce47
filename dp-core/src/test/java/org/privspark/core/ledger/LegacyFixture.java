package org.privspark.core.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.privspark.core.audit.AuditReport;
import org.privspark.core.audit.LedgerVerifier;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * A writable copy of one of the ledgers written by the base commit 70184fe, costs rounded to
 * nearest (dp-core/src/test/resources/legacy-ledgers, whose README says how they were made).
 */
public final class LegacyFixture {
  /** Format version 1: a transparent ledger. */
  public static final String TRANSPARENT = "transparent-v1";

  /** Format version 2: a confidential ledger, with its cost openings. */
  public static final String CONFIDENTIAL = "confidential-v2";

  /** How many entries each fixture holds. */
  public static final int ENTRIES = 9;

  /** The copy: ledger/, key, key.pub, key.openings/. */
  public final Path dir;

  public final Path ledgerDir;
  public final Path key;
  public final Path pub;
  final LocalDirectoryStore store;
  final NoteSigner signer;
  final OpeningStore openings;

  private LegacyFixture(Path dir) throws IOException {
    this.dir = dir;
    this.ledgerDir = dir.resolve("ledger");
    this.key = dir.resolve("key");
    this.pub = KeyFiles.publicKeyPath(key);
    this.store = new LocalDirectoryStore(ledgerDir);
    this.signer = KeyFiles.readSigner(key);
    this.openings = OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key)));
  }

  /**
   * Copies fixture {@code name} ({@link #TRANSPARENT} or {@link #CONFIDENTIAL}) into {@code to}.
   */
  public static LegacyFixture copy(String name, Path to) {
    try {
      java.net.URI uri = LegacyFixture.class.getResource("/legacy-ledgers/" + name).toURI();
      // From dp-core's own tests the fixtures are files; from another module's tests (the CLI's)
      // they are inside dp-core's test jar, read through a zip file system.
      if (uri.getScheme().equals("jar")) {
        try {
          java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of());
        } catch (java.nio.file.FileSystemAlreadyExistsException alreadyOpen) {
          // opened by an earlier copy
        }
      }
      Path from = Path.of(uri);
      try (Stream<Path> files = Files.walk(from)) {
        for (Path p : files.toList()) {
          Path target = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        }
      }
      return new LegacyFixture(to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  Ledger open() {
    return Ledger.open(store, signer, openings);
  }

  LedgerGenesis genesis() throws IOException {
    return LedgerGenesis.decode(Files.readAllBytes(ledgerDir.resolve(LedgerLayout.GENESIS)));
  }

  /**
   * Every signed checkpoint the writer left in heads/, as an auditor who kept them would hold them.
   */
  List<String> heads() throws IOException {
    List<String> notes = new ArrayList<>();
    try (Stream<Path> files = Files.list(ledgerDir.resolve(LedgerLayout.HEADS))) {
      for (Path p : files.sorted().toList()) {
        notes.add(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return notes;
  }

  AuditReport verify(List<String> saved) {
    return new LedgerVerifier(signer.verifier()).verify(store, saved);
  }

  Path entry(long seq) {
    return ledgerDir.resolve(LedgerEntry.path(seq));
  }

  LedgerEntry read(long seq) throws IOException {
    return LedgerEntry.decode(Files.readAllBytes(entry(seq)), seq);
  }

  String text(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /**
   * Replaces {@code from} by {@code to} (exactly once) in entry {@code seq}, then re-chains and
   * re-signs with the key.
   */
  void edit(long seq, String from, String to) throws IOException {
    String text = text(entry(seq));
    int at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0) {
      throw new IllegalArgumentException(
          "the text to replace must occur exactly once in entry " + seq);
    }
    Files.writeString(
        entry(seq),
        text.substring(0, at) + to + text.substring(at + from.length()),
        StandardCharsets.UTF_8);
    LegacyLedger.rechainAndSign(ledgerDir, signer);
  }
}
