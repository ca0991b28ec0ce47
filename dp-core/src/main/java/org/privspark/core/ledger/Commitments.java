package org.privspark.core.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Salted SHA-256 commitments to a release's {@link ReleaseDetails}:
 * SHA-256("privspark-commitment-v1" ‖ 0x00 ‖ label ‖ 0x00 ‖ salt ‖ UTF-8 value), with a fresh
 * 32-byte salt per value. Hiding (the salt is secret until opened) and binding (SHA-256 collision
 * resistance); one value can be opened without the others.
 */
final class Commitments {
  static final int SALT_LENGTH = 32;
  private static final byte[] TAG = "privspark-commitment-v1".getBytes(StandardCharsets.US_ASCII);

  private Commitments() {}

  static byte[] commit(String label, byte[] salt, String value) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(TAG);
      sha.update((byte) 0);
      sha.update(label.getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) 0);
      sha.update(salt);
      sha.update(value.getBytes(StandardCharsets.UTF_8));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** The commitments object of an entry: one hex digest per label. */
  static ObjectNode encode(byte[][] digests) {
    ObjectNode o = CanonicalJson.object();
    for (int i = 0; i < ReleaseDetails.LABELS.length; i++) {
      o.put(ReleaseDetails.LABELS[i], CanonicalJson.hex(digests[i]));
    }
    return o;
  }

  static byte[][] decode(CanonicalJson.Fields f) {
    f.exactly(ReleaseDetails.LABELS);
    byte[][] digests = new byte[ReleaseDetails.LABELS.length][];
    for (int i = 0; i < digests.length; i++) {
      digests[i] = f.hex(ReleaseDetails.LABELS[i], 32);
    }
    return digests;
  }

  static boolean equal(byte[][] a, byte[][] b) {
    return Arrays.deepEquals(a, b);
  }
}
