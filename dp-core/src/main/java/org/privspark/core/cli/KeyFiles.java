package org.privspark.core.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.privspark.core.ledger.note.NoteSigner;
import org.privspark.core.ledger.note.NoteVerifier;

/**
 * The CLI's key files: KEY holds the signer key ({@code PRIVATE+KEY+name+id+key}, mode 0600),
 * KEY.pub the verifier key ({@code name+id+key}), each on one line, as Go's sumdb/note writes them.
 */
final class KeyFiles {
  private KeyFiles() {}

  static Path publicKeyPath(Path key) {
    return key.resolveSibling(key.getFileName() + ".pub");
  }

  /** The holder's openings, kept beside the key unless told otherwise. */
  static Path openingsPath(Path key) {
    return key.resolveSibling(key.getFileName() + ".openings");
  }

  static void write(Path key, NoteSigner signer) throws IOException {
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

  static NoteSigner readSigner(Path key) throws IOException {
    try {
      return NoteSigner.parse(Files.readString(key, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--key " + key + " is not a PrivSpark signer key file: " + e.getMessage(), e);
    }
  }

  static NoteVerifier readVerifier(Path pub) throws IOException {
    try {
      return NoteVerifier.parse(Files.readString(pub, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--public-key " + pub + " is not a verifier key file: " + e.getMessage(), e);
    }
  }
}
