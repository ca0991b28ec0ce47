package org.privspark.core.ledger.note;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
  private static final String SIGNER_PREFIX = "PRIVATE+KEY+";

  /** Far above a key file's size (one line of about 100 characters); bigger files are not read. */
  private static final long MAX_KEY_FILE_BYTES = 64 * 1024;

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
      throw new FileAlreadyExistsException(
          Files.exists(key) ? key.toString() : pub.toString(),
          null,
          "refusing to overwrite a key file");
    }
    Path parent = key.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try {
      Files.createFile(
          key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(key); // not a POSIX file system
    }
    Files.writeString(key, signer.exportSignerKey() + "\n", StandardCharsets.US_ASCII);
    Files.writeString(pub, signer.verifier().encode() + "\n", StandardCharsets.US_ASCII);
  }

  /**
   * Reads a signer key file. Error messages never show the file's contents.
   *
   * @throws IllegalArgumentException naming {@code --key} if the file is missing or unreadable, is
   *     a public key ("this looks like a public key"), or does not hold a signer key
   */
  public static NoteSigner readSigner(Path key) throws IOException {
    String text = readKeyText(key, "--key").strip();
    if (!text.startsWith(SIGNER_PREFIX) && parsesAsVerifier(text)) {
      throw new IllegalArgumentException(
          "--key "
              + key
              + ": this looks like a public key (a verifier key, as KEY.pub holds); --key needs the"
              + " private signer key, the file 'ledger init --key-out' wrote (without .pub)");
    }
    try {
      return NoteSigner.parse(text);
    } catch (IllegalArgumentException e) {
      // NoteSigner's messages never contain the key.
      throw new IllegalArgumentException(
          "--key " + key + " is not a PrivSpark signer key file: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a verifier key file. Error messages never show the file's contents: a file given here by
   * mistake may be a secret (the signer key beside it, an SSH key).
   *
   * @throws IllegalArgumentException naming {@code --public-key} if the file is missing or
   *     unreadable, looks like a private key ("this looks like a private key"), does not hold a
   *     verifier key, or holds more than the key's canonical line ({@link NoteVerifier#encode()})
   *     and its line ending: then a report's key fingerprint, SHA-256 of that line, is always what
   *     {@code tr -d '\r\n' < KEY.pub | sha256sum} prints (docs/LEDGER-FORMAT.md §6)
   */
  public static NoteVerifier readVerifier(Path pub) throws IOException {
    String raw = readKeyText(pub, "--public-key");
    String text = raw.strip();
    if (looksPrivate(text)) {
      throw new IllegalArgumentException(
          "--public-key "
              + pub
              + ": this looks like a private key, not the ledger's public key (its contents are not"
              + " shown). Give the public key, KEY.pub; the private key must stay with the ledger's"
              + " holder");
    }
    NoteVerifier v;
    try {
      v = NoteVerifier.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--public-key "
              + pub
              + " is not a PrivSpark public key file: it must hold one line <key name>+<8 hex"
              + " digits>+<base64 key>, as KEY.pub does (its contents are not shown)",
          e);
    }
    if (!raw.replace("\r", "").replace("\n", "").equals(v.encode())) {
      throw new IllegalArgumentException(
          "--public-key "
              + pub
              + " holds the key, but not as its one canonical line: the file must be exactly <key"
              + " name>+<8 lower-case hex digits>+<base64 key>, with no spaces, and a line ending"
              + " (LF or CRLF) or none, as KEY.pub is written (its contents are not shown)");
    }
    return v;
  }

  /**
   * Whether a key file's text is a secret key: a signed-note signer key, or a PEM or OpenSSH
   * private key.
   */
  static boolean looksPrivate(String text) {
    return text.startsWith(SIGNER_PREFIX) || text.contains("PRIVATE KEY");
  }

  private static boolean parsesAsVerifier(String text) {
    try {
      NoteVerifier.parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The stripped text of a small US-ASCII file, or an {@link IllegalArgumentException} naming the
   * option.
   */
  private static String readKeyText(Path file, String option) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(option + " " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + " is not a file");
    }
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_KEY_FILE_BYTES) {
        throw new IllegalArgumentException(
            option
                + " "
                + file
                + " is not a key file: a key file is one short line,"
                + " this one is "
                + Files.size(file)
                + " bytes");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          option + " " + file + " cannot be read: " + e.getClass().getSimpleName(), e);
    }
    try {
      return StandardCharsets.US_ASCII.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          option
              + " "
              + file
              + " is not a key file: it is not ASCII text (its"
              + " contents are not shown)");
    }
  }
}
