package org.privspark.core.ledger.note;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.privspark.core.Check;

/**
 * The note text of a C2SP tlog-checkpoint: a signed tree head. It is three or more lines, each
 * ending in a newline: the origin (the log's identity), the tree size in decimal, the base64 RFC
 * 9162 root hash, then optional extension lines.
 *
 * <pre>
 * example.com/behind-the-sofa
 * 20852163
 * CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
 * </pre>
 *
 * <p>Parsing is strict and {@link #format()} is its exact inverse: no leading zeros, canonical
 * base64 of exactly 32 bytes, no empty line. The root hash is copied in and out. This class only
 * handles the text; {@link SignedNotes} signs and verifies it.
 *
 * @param origin the log's identity; non-empty, no control characters
 * @param size the number of leaves, &ge; 0
 * @param rootHash the 32-byte SHA-256 RFC 9162 root of the tree of {@code size} leaves
 * @param extensions the extension lines, each non-empty without control characters; usually none
 * @see <a href="https://c2sp.org/tlog-checkpoint">C2SP tlog-checkpoint</a>
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
  /** The length of the root hash in bytes (SHA-256). */
  public static final int HASH_SIZE = 32;

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if a component breaks the rules above
   */
  public Checkpoint {
    checkLine("origin", origin);
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0; got " + size);
    }
    Check.notNull("rootHash", rootHash);
    if (rootHash.length != HASH_SIZE) {
      throw new IllegalArgumentException(
          "rootHash must be " + HASH_SIZE + " bytes long; got " + rootHash.length);
    }
    rootHash = rootHash.clone();
    extensions = List.copyOf(Check.notNull("extensions", extensions));
    for (int i = 0; i < extensions.size(); i++) {
      checkLine("extensions[" + i + "]", extensions.get(i));
    }
  }

  /** A checkpoint without extension lines. */
  public static Checkpoint of(String origin, long size, byte[] rootHash) {
    return new Checkpoint(origin, size, rootHash, List.of());
  }

  /**
   * Parses a checkpoint's note text (as returned by {@link VerifiedNote#text()}).
   *
   * @throws IllegalArgumentException naming the offending line if the text is not a checkpoint
   */
  public static Checkpoint parse(String text) {
    Check.notNull("text", text);
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("checkpoint text must end with a newline");
    }
    List<String> lines = List.of(text.substring(0, text.length() - 1).split("\n", -1));
    if (lines.size() < 3) {
      throw new IllegalArgumentException(
          "checkpoint text must have at least 3 lines (origin,"
              + " tree size, root hash); got "
              + lines.size());
    }
    String sizeLine = lines.get(1);
    if (!sizeLine.matches("0|[1-9][0-9]{0,18}")) {
      throw new IllegalArgumentException(
          "checkpoint line 2 (tree size) must be a decimal number"
              + " without sign or leading zeros, at most "
              + Long.MAX_VALUE
              + "; got \""
              + sizeLine
              + "\"");
    }
    long size;
    try {
      size = Long.parseLong(sizeLine);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "checkpoint line 2 (tree size) must be at most " + Long.MAX_VALUE + "; got " + sizeLine,
          e);
    }
    Optional<byte[]> root = NoteEncoding.decodeBase64(lines.get(2));
    if (root.isEmpty() || root.get().length != HASH_SIZE) {
      throw new IllegalArgumentException(
          "checkpoint line 3 (root hash) must be the canonical"
              + " base64 of "
              + HASH_SIZE
              + " bytes; got \""
              + lines.get(2)
              + "\"");
    }
    return new Checkpoint(lines.get(0), size, root.get(), lines.subList(3, lines.size()));
  }

  /** The note text: each line followed by a newline. */
  public String format() {
    StringBuilder sb =
        new StringBuilder()
            .append(origin)
            .append('\n')
            .append(size)
            .append('\n')
            .append(NoteEncoding.encodeBase64(rootHash))
            .append('\n');
    extensions.forEach(e -> sb.append(e).append('\n'));
    return sb.toString();
  }

  /** The root hash (a copy). */
  @Override
  public byte[] rootHash() {
    return rootHash.clone();
  }

  private static void checkLine(String name, String line) {
    Check.notNull(name, line);
    if (line.isEmpty()
        || SignedNotes.firstControlCharacter(line) >= 0
        || line.contains("\n")
        || !NoteEncoding.isWellFormed(line)) {
      throw new IllegalArgumentException(
          name
              + " must be a non-empty line without control"
              + " characters; got \""
              + line.replace("\n", "\\n")
              + "\"");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && origin.equals(c.origin)
        && size == c.size
        && Arrays.equals(rootHash, c.rootHash)
        && extensions.equals(c.extensions);
  }

  @Override
  public int hashCode() {
    return ((31 * origin.hashCode() + Long.hashCode(size)) * 31 + Arrays.hashCode(rootHash)) * 31
        + extensions.hashCode();
  }

  @Override
  public String toString() {
    return "Checkpoint[origin="
        + origin
        + ", size="
        + size
        + ", rootHash="
        + NoteEncoding.encodeBase64(rootHash)
        + ", extensions="
        + extensions
        + "]";
  }
}
