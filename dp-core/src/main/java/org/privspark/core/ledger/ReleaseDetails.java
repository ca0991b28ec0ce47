package org.privspark.core.ledger;

import org.privspark.core.Check;

/**
 * What a release was, kept private by the data holder: the ledger stores only salted commitments to
 * these four texts, and the holder can later open one entry to an auditor.
 *
 * @param query a description of the query (for example its text)
 * @param parameters its parameters (bounds, ε split, noise kind, …)
 * @param dataset a fingerprint of the data set it read (for example a table version or a hash)
 * @param result a digest of the released result
 */
public record ReleaseDetails(String query, String parameters, String dataset, String result) {
  /** The labels, in the order commitments and openings list them. */
  static final String[] LABELS = {"query", "parameters", "dataset", "result"};

  public ReleaseDetails {
    Check.notNull("query", query);
    Check.notNull("parameters", parameters);
    Check.notNull("dataset", dataset);
    Check.notNull("result", result);
  }

  /** Details with only a query description. */
  public static ReleaseDetails describing(String query) {
    return new ReleaseDetails(query, "", "", "");
  }

  String get(int i) {
    return switch (i) {
      case 0 -> query;
      case 1 -> parameters;
      case 2 -> dataset;
      case 3 -> result;
      default -> throw new IndexOutOfBoundsException(i);
    };
  }
}
