package org.privspark.core.ledger.note;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A ledger holder's key files, as the {@code privspark ledger} CLI and the Spark jobs write and
 * read them: KEY holds the signer key ({@code PRIVATE+KEY+name+id+key}, mode 0600 where the file
 * system has POSIX permissions), KEY.pub the verifier key ({@code name+id+key}), each on one line
 * in US-ASCII, as Go's sumdb/note writes them; the holder's openings live in KEY.openings by
 * default. Error messages name the options the callers take ({@code --key}, {@code --public-key}).
 */
public final class KeyFiles {
  private KeyFiles() {}

  /** KEY.pub, beside {@code key}: where the verifier key is written. */
  public static Path publicKeyPath(Path key) {
    return key.resolveSibling(key.getFileName() + ".pub");
  }

  /** The holder's openings, kept beside the key unless told otherwise. */
  public static Path openingsPath(Path key) {
    return key.resolveSibling(key.getFileName() + ".openings");
  }

  /**
   * Writes {@code signer}'s key to {@code key} (mode 0600) and its verifier key to KEY.pub,
   * creating the parent directory.
   *
   * @throws FileAlreadyExistsException if either file exists: a key file is never overwritten
   */
  public static void write(Path key, NoteSigner signer) throws IOException {
    Path pub = publicKeyPath(key);
    if (Files.exists(key) || Files.exists(pub)) {
      throw new FileAlreadyExistsException(Files.exists(key) ? key.toString() : pub.toString(), null,
          "refusing to overwrite a key file");
    }
    Path parent = key.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try {
      Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(key); // not a POSIX file system
    }
    Files.writeString(key, signer.exportSignerKey() + "\n", StandardCharsets.US_ASCII);
    Files.writeString(pub, signer.verifier().encode() + "\n", StandardCharsets.US_ASCII);
  }

  /**
   * Reads a signer key file.
   *
   * @throws IllegalArgumentException if the file does not hold a signer key
   */
  public static NoteSigner readSigner(Path key) throws IOException {
    try {
      return NoteSigner.parse(Files.readString(key, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--key " + key + " is not a PrivSpark signer key file: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a verifier key file.
   *
   * @throws IllegalArgumentException if the file does not hold a verifier key
   */
  public static NoteVerifier readVerifier(Path pub) throws IOException {
    try {
      return NoteVerifier.parse(Files.readString(pub, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--public-key " + pub + " is not a verifier key file: " + e.getMessage(), e);
    }
  }
}
