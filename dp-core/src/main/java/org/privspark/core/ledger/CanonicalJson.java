package org.privspark.core.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ledger's JSON: strict parsing, one canonical encoding, and typed field access that fails with
 * {@link Reason#MALFORMED}.
 *
 * <p>Canonical form: UTF-8, no whitespace, object fields in the order the format defines, integers
 * as plain decimals, doubles in {@link DoubleText#canonical}'s text (the same on every JDK;
 * docs/LEDGER-FORMAT.md §3.1). A file is accepted only if re-encoding what was parsed reproduces
 * its bytes exactly, so the bytes stored are the bytes hashed and no two encodings of one entry
 * exist. Files of the formats written before that text was fixed may hold a double in a legacy text
 * (what Java 17's {@code Double.toString} wrote); {@link DoubleRule#CANONICAL_OR_LEGACY} accepts
 * it: the re-encoding then writes each number just read in its own Java layout.
 *
 * <p>Internal to the ledger: public only for {@code org.privspark.core.ledger.confidential}, whose
 * files share this code; not an API, and it may change without notice.
 */
public final class CanonicalJson {
  /**
   * JSON nesting the reader accepts: Jackson's default, stated here because the writer relies on it
   * ({@link EventCodec#MAX_EVENT_NESTING} keeps every entry it writes well inside). Deeper input
   * fails as {@link Reason#MALFORMED} before any recursion, so no file can overflow the stack.
   */
  static final int MAX_NESTING_DEPTH = 1000;

  /** The longest number token: a canonical number has at most 25 characters. */
  static final int MAX_NUMBER_LENGTH = 1000;

  /** The longest string: ledger strings are hashes, names and keys (a few hundred characters). */
  static final int MAX_STRING_LENGTH = 1 << 20;

  /**
   * The longest document, in bytes (a store may refuse larger files before they reach the parser).
   */
  static final long MAX_DOCUMENT_LENGTH = 64L << 20;

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .maxStringLength(MAX_STRING_LENGTH)
                          .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                          .build())
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();
  private static final JsonMapper WRITER = JsonMapper.builder().build();
  private static final HexFormat HEX = HexFormat.of();

  private CanonicalJson() {}

  /** Which texts of a double a reader accepts. */
  public enum DoubleRule {
    /** Only {@link DoubleText#canonical}: ledgers of format version 3 and later. */
    CANONICAL,
    /**
     * Also a legacy text: Java's layout of any decimal that rounds to the double, without
     * superfluous zeros ({@link DoubleText#format}). Ledgers of format versions 1 and 2 and the
     * holder's side files (openings, proofs), which Java 17 wrote with its {@code Double.toString}.
     */
    CANONICAL_OR_LEGACY
  }

  /**
   * A new, empty object, to be filled in the field order its format defines.
   *
   * @return the empty object
   */
  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  /**
   * The canonical bytes of {@code node}: Jackson's compact output, with doubles in the canonical
   * text.
   *
   * @param node the value to encode
   * @return its UTF-8 bytes
   */
  public static byte[] encode(JsonNode node) {
    return encode(node, DoubleRule.CANONICAL);
  }

  private static byte[] encode(JsonNode node, DoubleRule rule) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = new DoubleTexts(WRITER.getFactory().createGenerator(out), rule)) {
      WRITER.writeTree(g, node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode ledger JSON", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes each double in {@link DoubleText#canonical}'s text instead of {@code Double.toString}'s,
   * and each exact decimal (a number just parsed) in the text {@code rule} expects of it: the
   * canonical text of its double, or under {@link DoubleRule#CANONICAL_OR_LEGACY} its own Java
   * layout, which is its file text exactly when that text is canonical or legacy.
   */
  private static final class DoubleTexts extends JsonGeneratorDelegate {
    private final DoubleRule rule;

    DoubleTexts(JsonGenerator g, DoubleRule rule) {
      super(g, false);
      this.rule = rule;
    }

    @Override
    public void writeNumber(double v) throws IOException {
      delegate.writeNumber(DoubleText.canonical(v));
    }

    @Override
    public void writeNumber(BigDecimal v) throws IOException {
      delegate.writeNumber(
          rule == DoubleRule.CANONICAL_OR_LEGACY
              ? DoubleText.format(v)
              : DoubleText.canonical(v.doubleValue()));
    }

    @Override
    public void writeNumber(float v) {
      throw new IllegalStateException("the ledger holds no floats");
    }
  }

  /**
   * Parses {@code bytes} as one JSON object and requires them to be its canonical encoding under
   * {@code rule}.
   *
   * @param bytes the file
   * @param index the leaf the file should be, or −1 for another file (for messages)
   * @param what what the file is (for messages)
   * @param rule the double texts accepted
   * @return the object parsed
   */
  public static ObjectNode parseCanonical(byte[] bytes, long index, String what, DoubleRule rule) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException | RuntimeException e) {
      // RuntimeException: Jackson lets some number conversions escape unwrapped (a
      // NumberFormatException
      // for an exponent beyond int range, 1.0E99999999999); they are malformed input all the same.
      String detail =
          e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new LedgerException(
          Reason.MALFORMED, index, what + " is not a single JSON object: " + detail, e);
    }
    if (node == null || !node.isObject()) {
      throw new LedgerException(Reason.MALFORMED, index, what + " is not a JSON object");
    }
    ObjectNode object = (ObjectNode) node;
    // Floats were read as exact decimals: their text is checked with the file's, then they become
    // doubles.
    checkRange(object, index, what);
    if (!Arrays.equals(encode(object, rule), bytes)) {
      throw new LedgerException(Reason.NON_CANONICAL, index, what + " is not in canonical form");
    }
    toDoubles(object);
    return object;
  }

  /** Refuses a decimal beyond the range of a double, anywhere in {@code node}. */
  private static void checkRange(JsonNode node, long index, String what) {
    if (node.isBigDecimal()) {
      if (Double.isInfinite(node.decimalValue().doubleValue())) {
        throw new LedgerException(
            Reason.MALFORMED, index, what + " holds a number beyond the range of a double");
      }
    } else if (node.isContainerNode()) {
      for (JsonNode child : node) {
        checkRange(child, index, what);
      }
    }
  }

  /** Replaces, in place, each exact decimal in {@code node}'s objects and arrays by its double. */
  private static void toDoubles(JsonNode node) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isBigDecimal()) {
          field.setValue(asDouble(field.getValue()));
        } else {
          toDoubles(field.getValue());
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        JsonNode element = array.get(i);
        if (element.isBigDecimal()) {
          array.set(i, asDouble(element));
        } else {
          toDoubles(element);
        }
      }
    }
  }

  /** The double a decimal rounds to (BigDecimal.doubleValue is correctly rounded on every JDK). */
  private static JsonNode asDouble(JsonNode decimal) {
    return JsonNodeFactory.instance.numberNode(decimal.decimalValue().doubleValue());
  }

  /** Typed reads from one parsed object, each failing with {@link Reason#MALFORMED}. */
  public static final class Fields {
    private final ObjectNode node;
    private final long index;
    private final String what;

    /**
     * The fields of {@code node}.
     *
     * @param node the object
     * @param index the leaf it was parsed from, or −1 for another file (for messages)
     * @param what what it is (for messages)
     */
    public Fields(ObjectNode node, long index, String what) {
      this.node = node;
      this.index = index;
      this.what = what;
    }

    /**
     * Requires exactly these field names, in this order.
     *
     * @param names the field names
     * @return these fields
     */
    public Fields exactly(String... names) {
      List<String> actual = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        actual.add(it.next());
      }
      if (!actual.equals(List.of(names))) {
        Set<String> unknown = new TreeSet<>(actual);
        unknown.removeAll(List.of(names));
        Set<String> missing = new TreeSet<>(List.of(names));
        missing.removeAll(actual);
        throw malformed(
            "fields must be "
                + List.of(names)
                + (unknown.isEmpty() ? "" : "; unknown " + unknown)
                + (missing.isEmpty() ? "" : "; missing " + missing));
      }
      return this;
    }

    JsonNode get(String name) {
      JsonNode value = node.get(name);
      if (value == null) {
        throw malformed("missing field '" + name + "'");
      }
      return value;
    }

    /**
     * The string field {@code name}.
     *
     * @param name the field
     * @return its text
     */
    public String text(String name) {
      JsonNode value = get(name);
      if (!value.isTextual()) {
        throw malformed("field '" + name + "' must be a string");
      }
      return value.textValue();
    }

    /**
     * A privacy unit's name ({@code PrivacyUnit#checkName}); the message quotes none of it, since
     * an auditor prints no unverified text.
     */
    String unitName(String name) {
      String value = text(name);
      try {
        org.privspark.core.accounting.PrivacyUnit.checkName(name, value);
      } catch (IllegalArgumentException e) {
        throw malformed(
            name + " must be 1 to 64 characters of a-z, 0-9, '_' and '-', starting with a letter");
      }
      return value;
    }

    boolean bool(String name) {
      JsonNode value = get(name);
      if (!value.isBoolean()) {
        throw malformed("field '" + name + "' must be true or false");
      }
      return value.booleanValue();
    }

    /**
     * The integer field {@code name}.
     *
     * @param name the field
     * @return its value
     */
    public long integer(String name) {
      JsonNode value = get(name);
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw malformed("field '" + name + "' must be an integer");
      }
      return value.longValue();
    }

    /**
     * The number field {@code name}, as a double.
     *
     * @param name the field
     * @return its value
     */
    public double number(String name) {
      JsonNode value = get(name);
      if (!value.isDouble()) {
        throw malformed("field '" + name + "' must be a number with a fraction or exponent");
      }
      return value.doubleValue();
    }

    /**
     * The field {@code name}: exactly {@code length} bytes in lower-case hex.
     *
     * @param name the field
     * @param length the number of bytes
     * @return the bytes
     */
    public byte[] hex(String name, int length) {
      String text = text(name);
      if (text.length() != 2 * length || !text.equals(text.toLowerCase(java.util.Locale.ROOT))) {
        throw malformed("field '" + name + "' must be " + length + " bytes of lower-case hex");
      }
      try {
        return HEX.parseHex(text);
      } catch (IllegalArgumentException e) {
        throw malformed("field '" + name + "' must be " + length + " bytes of lower-case hex");
      }
    }

    /**
     * The object field {@code name}.
     *
     * @param name the field
     * @return the object
     */
    public ObjectNode object(String name) {
      JsonNode value = get(name);
      if (!value.isObject()) {
        throw malformed("field '" + name + "' must be an object");
      }
      return (ObjectNode) value;
    }

    /**
     * The array field {@code name}.
     *
     * @param name the field
     * @return the array
     */
    public ArrayNode array(String name) {
      JsonNode value = get(name);
      if (!value.isArray()) {
        throw malformed("field '" + name + "' must be an array");
      }
      return (ArrayNode) value;
    }

    Fields nested(String name) {
      return new Fields(object(name), index, what + "." + name);
    }

    /**
     * A {@link Reason#MALFORMED} finding about this object.
     *
     * @param message what is wrong
     * @return the finding, to throw
     */
    public LedgerException malformed(String message) {
      return new LedgerException(Reason.MALFORMED, index, what + ": " + message);
    }
  }

  /**
   * {@code bytes} in lower-case hex.
   *
   * @param bytes the bytes
   * @return their hex
   */
  public static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
