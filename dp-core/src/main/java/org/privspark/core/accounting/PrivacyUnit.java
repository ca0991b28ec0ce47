package org.privspark.core.accounting;

import java.util.regex.Pattern;
import org.privspark.core.Check;

/**
 * Whom a budget protects: the privacy unit, such as a person with all of their rows. A ledger
 * declares its unit once, in its genesis (docs/LEDGER-FORMAT.md §2), and every release charged to
 * it must claim to protect that unit ({@link UnitClaim}); a release whose guarantee is about
 * another unit is refused before anything is charged. Differential privacy's guarantee holds for
 * neighbouring data sets that differ in one unit's data, so costs about different units do not add
 * up to one guarantee.
 *
 * @param name a short identifier: 1 to 64 characters of a-z, 0-9, '_' and '-', starting with a
 *     letter (for example {@code person}, {@code household}, {@code device})
 * @param definition a free-text definition for auditors (what one unit is, how it is identified),
 *     at most {@value #MAX_DEFINITION} characters without control, format (bidirectional marks) or
 *     separator characters; may be empty
 */
public record PrivacyUnit(String name, String definition) {
  /** The longest definition. */
  public static final int MAX_DEFINITION = 1000;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

  public PrivacyUnit {
    checkName("name", name);
    Check.notNull("definition", definition);
    if (definition.length() > MAX_DEFINITION) {
      throw new IllegalArgumentException(
          "definition must be at most "
              + MAX_DEFINITION
              + " characters; got "
              + definition.length());
    }
    if (definition.codePoints().anyMatch(PrivacyUnit::unprintable)) {
      // An auditor prints the definition: no character may move or hide what follows it.
      throw new IllegalArgumentException(
          "definition must not hold control, format or separator characters (tabs,"
              + " new lines and bidirectional marks included)");
    }
  }

  private static boolean unprintable(int c) {
    int type = Character.getType(c);
    return Character.isISOControl(c)
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.UNASSIGNED
        || type == Character.SURROGATE
        || type == Character.PRIVATE_USE;
  }

  /** The unit {@code name}, defined by {@code definition}. */
  public static PrivacyUnit of(String name, String definition) {
    return new PrivacyUnit(name, definition);
  }

  /**
   * Refuses a unit name no ledger records, naming {@code parameter} and the rule.
   *
   * @return the name
   */
  public static String checkName(String parameter, String name) {
    Check.notNull(parameter, name);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          parameter
              + " must be 1 to 64 characters of a-z, 0-9, '_' and '-',"
              + " starting with a letter (a unit name such as person); got '"
              + name
              + "'");
    }
    return name;
  }
}
