package org.privspark.core.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HexFormat;

/** Reads the JSON test vectors under src/test/resources/vectors. */
final class VectorFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private VectorFiles() {}

  static JsonNode read(String path) throws IOException {
    try (InputStream in = VectorFiles.class.getResourceAsStream("/vectors/" + path)) {
      if (in == null) {
        throw new IOException("missing vector file " + path);
      }
      return JSON.readTree(in);
    }
  }

  /** "0x…" to an integer. */
  static BigInteger hexInt(JsonNode n) {
    String s = n.asText();
    return new BigInteger(s.startsWith("0x") ? s.substring(2) : s, 16);
  }

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
