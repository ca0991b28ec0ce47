package org.privspark.connect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyUnit;
import org.privspark.core.ledger.Ledger;
import org.privspark.core.ledger.LocalDirectoryStore;
import org.privspark.core.ledger.OpeningStore;
import org.privspark.core.ledger.note.KeyFiles;
import org.privspark.core.ledger.note.NoteSigner;

/**
 * One Connect server for the whole test JVM (a server starts in about 20 s), with a ledger made
 * beforehand on local disk as {@code privspark ledger init --unit person} makes it, and its key in
 * the server's {@code spark.privspark.ledger.key}. The server stops when the JVM ends.
 */
final class ConnectFixture {
  /** The ledger's budget ε; tests compare the ledger before and after, never with a fixed total. */
  static final double BUDGET_EPSILON = 5.0;

  static final double BUDGET_DELTA = 1e-5;

  private static ConnectFixture instance;

  final ConnectServer server;
  final Path key;
  final Path ledgerDir;

  private ConnectFixture(ConnectServer server, Path key, Path ledgerDir) {
    this.server = server;
    this.key = key;
    this.ledgerDir = ledgerDir;
  }

  /** The fixture, started on first use. */
  static synchronized ConnectFixture get() throws IOException {
    if (instance == null) {
      Path dir = fresh(Path.of(System.getProperty("connect.work.dir")).toAbsolutePath());
      Path key = dir.resolve("ledger.key");
      Path ledgerDir = dir.resolve("ledgers").resolve("visits");
      NoteSigner signer = NoteSigner.generate("privspark.local/connect-it");
      KeyFiles.write(key, signer);
      Ledger.create(
          new LocalDirectoryStore(ledgerDir),
          signer.name(),
          BUDGET_EPSILON,
          BUDGET_DELTA,
          OrderGrid.defaults(),
          PrivacyUnit.of("person", "a visitor, identified by user_id"),
          signer,
          OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))));
      ConnectServer server =
          ConnectServer.start(
              dir.resolve("server"), Map.of("spark.privspark.ledger.key", key.toString()));
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (IOException e) {
                      // The server also ends when this JVM's end closes its standard input.
                    }
                  }));
      instance = new ConnectFixture(server, key, ledgerDir);
    }
    return instance;
  }

  /** The ledger as it is now on disk (a fresh read, as an auditor would open it). */
  Ledger openLedger() throws IOException {
    return Ledger.open(
        new LocalDirectoryStore(ledgerDir),
        KeyFiles.readSigner(key),
        OpeningStore.in(new LocalDirectoryStore(KeyFiles.openingsPath(key))));
  }

  /** Deletes {@code dir} and what it holds (a previous run's), then makes it anew. */
  private static Path fresh(Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
