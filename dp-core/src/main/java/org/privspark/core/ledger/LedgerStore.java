package org.privspark.core.ledger;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where a ledger's files live: a local directory ({@link LocalDirectoryStore}), or a Hadoop file
 * system (dp-spark's {@code HadoopLedgerStore}: file://, hdfs://, s3a://).
 *
 * <p>Paths are relative and use '/' ({@code ledger.json}, {@code entries/…}, {@code heads/…}). The
 * one primitive the append protocol needs is {@link #createIfAbsent}: an atomic, durable
 * put-if-absent, which gives optimistic concurrency between writers in different processes (the
 * Delta Lake log protocol rests on the same primitive).
 */
public interface LedgerStore {

  /** The file's bytes, or empty when it does not exist. */
  Optional<byte[]> read(String path) throws IOException;

  /**
   * Creates the file with exactly these bytes if no file of that name exists, and makes it durable
   * before returning true. Returns false, changing nothing, when the file exists. Readers never see
   * a partly written file.
   */
  boolean createIfAbsent(String path, byte[] bytes) throws IOException;

  /**
   * {@link #createIfAbsent} for a file the writer can re-create byte for byte from durable files (a
   * checkpoint: its text is a function of the entries, and Ed25519 signing is deterministic).
   * Readers still never see a partly written file, and after a crash the file is either whole or
   * absent, but it may be absent: a store may skip the step that makes the new name durable. The
   * default is {@link #createIfAbsent}.
   */
  default boolean createRederivableIfAbsent(String path, byte[] bytes) throws IOException {
    return createIfAbsent(path, bytes);
  }

  /**
   * {@link #createIfAbsent} of {@code path} and, only if that created it, {@link
   * #createRederivableIfAbsent} of {@code companion} (the checkpoint that covers a new entry). A
   * store may order the two writes so that one durability barrier serves both; the default simply
   * does one after the other.
   *
   * @return whether {@code path} was created
   */
  default boolean createIfAbsentWithCompanion(
      String path, byte[] bytes, String companion, byte[] companionBytes) throws IOException {
    if (!createIfAbsent(path, bytes)) {
      return false;
    }
    createRederivableIfAbsent(companion, companionBytes);
    return true;
  }

  /**
   * {@link #createIfAbsent} for a secret of the holder's (an opening: salts, blindings, the
   * release's details): the file is readable by its owner only from the moment it exists, where the
   * store can say so (mode 0600, and new directories 0700, on a POSIX file system). The default,
   * for stores without per-file permissions, is {@link #createIfAbsent}: keep such a store private.
   */
  default boolean createSecretIfAbsent(String path, byte[] bytes) throws IOException {
    return createIfAbsent(path, bytes);
  }

  /** The names of the files in {@code directory}, sorted; empty when it does not exist. */
  List<String> list(String directory) throws IOException;

  /** Where the store is, for messages. */
  String location();
}
