package org.privspark.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.privspark.core.noise.Secret;

/**
 * Release secrets from files, for reproducible releases: the same secret, data and query give the
 * same noise on any cluster (dp-spark draws every noise value from the secret and the cell).
 *
 * <p>A secret file holds exactly {@value Secret#LENGTH} raw bytes ({@code head -c 32
 * /dev/urandom}), or {@value Secret#LENGTH}·2 hex digits with an optional trailing newline ({@code
 * openssl rand -hex 32}). Keep it like a key: whoever holds it and the data can remove the noise.
 */
final class ReleaseSecrets {
  private static final String DOMAIN = "privspark-report-query-v1";

  private ReleaseSecrets() {}

  /** Reads a secret file; IllegalArgumentException naming the option if it is not one. */
  static Secret read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--release-secret " + file + " cannot be read: " + e.getMessage(), e);
    }
    try {
      if (bytes.length == Secret.LENGTH) {
        return Secret.fromBytes(bytes);
      }
      String text = new String(bytes, StandardCharsets.US_ASCII).strip();
      if (text.length() == 2 * Secret.LENGTH
          && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        byte[] decoded = HexFormat.of().parseHex(text);
        try {
          return Secret.fromBytes(decoded);
        } finally {
          Arrays.fill(decoded, (byte) 0);
        }
      }
      throw new IllegalArgumentException(
          "--release-secret "
              + file
              + " must hold "
              + Secret.LENGTH
              + " raw bytes or "
              + 2 * Secret.LENGTH
              + " hex digits; got "
              + bytes.length
              + " bytes");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /**
   * The secret of one query of a report: HMAC-SHA256 keyed by the report's secret over a domain tag
   * and the query's name. Queries have distinct names, so they never share a secret, and the
   * report's secret reproduces every one of them.
   */
  static Secret forQuery(Secret report, String queryName) {
    byte[] key = report.bytes();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      byte[] derived = mac.doFinal(queryName.getBytes(StandardCharsets.UTF_8));
      try {
        return Secret.fromBytes(derived);
      } finally {
        Arrays.fill(derived, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }
}
