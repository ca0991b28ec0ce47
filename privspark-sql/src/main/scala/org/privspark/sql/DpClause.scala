package org.privspark.sql

import java.util.Locale

/**
 * The text of a DP statement, split at its clause: `[EXPLAIN] SELECT WITH DIFFERENTIAL_PRIVACY
 * OPTIONS (...)` and the rest of the SELECT, which Spark's own parser reads.
 *
 * Only the clause's keywords and the OPTIONS list's outer shape are scanned here (parentheses,
 * commas and `name =` outside quotes and comments); every option value is an expression that Spark's
 * parser reads.
 *
 * @param explain whether the statement is `EXPLAIN SELECT WITH DIFFERENTIAL_PRIVACY ...`
 * @param options the options' names (lower case) and their value texts, in order
 * @param select the rest of the query, as a plain `SELECT ...`
 */
final case class DpClause(explain: Boolean, options: Seq[(String, String)], select: String)

object DpClause {

  /** The clause of `sql`, or None when `sql` is not a DP statement (Spark parses it as usual). */
  def parse(sql: String): Option[DpClause] = {
    val s = new Scanner(sql)
    s.skipSpace()
    val explain = s.keyword("EXPLAIN")
    if (explain) s.skipSpace()
    if (!(s.keyword("SELECT") && s.spaceThen("WITH") && s.spaceThen("DIFFERENTIAL_PRIVACY"))) {
      None
    } else {
      s.skipSpace()
      val options = if (s.keyword("OPTIONS")) { s.skipSpace(); s.optionList() } else Seq.empty
      Some(DpClause(explain, options, "SELECT " + sql.substring(s.pos)))
    }
  }

  private final class Scanner(text: String) {
    var pos = 0

    def skipSpace(): Unit = {
      var moved = true
      while (moved) {
        moved = false
        while (pos < text.length && Character.isWhitespace(text.charAt(pos))) { pos += 1; moved = true }
        if (text.startsWith("--", pos)) {
          while (pos < text.length && text.charAt(pos) != '\n') pos += 1
          moved = true
        } else if (text.startsWith("/*", pos)) {
          val end = text.indexOf("*/", pos + 2)
          pos = if (end < 0) text.length else end + 2
          moved = true
        }
      }
    }

    /** Consumes `word` (any case) if it is next and is a whole word. */
    def keyword(word: String): Boolean = {
      val end = pos + word.length
      val matches = end <= text.length &&
        text.substring(pos, end).toUpperCase(Locale.ROOT) == word &&
        (end == text.length || !isWordChar(text.charAt(end)))
      if (matches) pos = end
      matches
    }

    def spaceThen(word: String): Boolean = {
      val before = pos
      skipSpace()
      if (pos == before || !keyword(word)) { pos = before; false } else true
    }

    /** `( name = value, ... )`: the names and the value texts, split outside quotes and brackets. */
    def optionList(): Seq[(String, String)] = {
      if (pos >= text.length || text.charAt(pos) != '(') {
        throw new DpSqlException("OPTIONS must be followed by '(' name = value, ... ')'")
      }
      val start = pos + 1
      val items = Seq.newBuilder[String]
      var depth = 0
      var itemStart = start
      var i = start
      var closed = false
      while (!closed && i < text.length) {
        text.charAt(i) match {
          case q @ ('\'' | '"' | '`') => i = endOfQuoted(i, q)
          case '(' | '[' => depth += 1
          case ')' if depth == 0 =>
            items += text.substring(itemStart, i); closed = true
          case ')' | ']' => depth -= 1
          case ',' if depth == 0 => items += text.substring(itemStart, i); itemStart = i + 1
          case _ =>
        }
        i += 1
      }
      if (!closed) throw new DpSqlException("OPTIONS ( ... ) is not closed by ')'")
      pos = i
      items.result().map(_.trim).filter(_.nonEmpty).map(option)
    }

    private def option(item: String): (String, String) = {
      val eq = item.indexOf('=')
      val name = if (eq < 0) "" else item.substring(0, eq).trim
      if (eq < 0 || name.isEmpty || !name.forall(isWordChar)) {
        throw new DpSqlException(
          s"each option is name = value (for example epsilon = 0.5); got '${abbreviate(item)}'")
      }
      (name.toLowerCase(Locale.ROOT), item.substring(eq + 1).trim)
    }

    private def endOfQuoted(open: Int, quote: Char): Int = {
      var i = open + 1
      while (i < text.length && text.charAt(i) != quote) {
        if (text.charAt(i) == '\\' && quote != '`') i += 1
        i += 1
      }
      i
    }
  }

  private def isWordChar(c: Char): Boolean = Character.isLetterOrDigit(c) || c == '_'

  private def abbreviate(s: String): String = if (s.length <= 60) s else s.take(57) + "..."
}
