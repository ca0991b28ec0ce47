package org.privspark.jobs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A report's query file: a name and a battery of {@link QuerySpec queries}, all charged to one
 * ledger as one release.
 *
 * <pre>
 * {
 *   "report": "monthly-statistics",
 *   "queries": [
 *     {"name": "people-by-education", "groupBy": ["education"], "publicGroups": "education.csv",
 *      "statistics": [{"kind": "count"}], "epsilon": 0.25},
 *     {"name": "age-by-occupation", "groupBy": ["occupation"],
 *      "statistics": [{"kind": "mean", "column": "age", "lower": 17, "upper": 90}],
 *      "epsilon": 0.5, "delta": 1e-6, "noise": "gaussian"}
 *   ]
 * }
 * </pre>
 *
 * Unknown fields are refused (a misspelt {@code "delta"} must not silently become 0). A relative
 * {@code publicGroups} path is resolved against the query file's directory.
 *
 * @param report the report's name (recorded in the ledger entry)
 * @param queries at least one query, with distinct names
 */
public record ReportSpec(String report, List<QuerySpec> queries) {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Checks for a name and at least one query with distinct names. */
  public ReportSpec {
    if (report == null || report.isBlank()) {
      throw new IllegalArgumentException("report must have a name (\"report\"); got nothing");
    }
    if (queries == null || queries.isEmpty()) {
      throw new IllegalArgumentException(
          "report '" + report + "' must hold at least one query; got none");
    }
    queries = List.copyOf(queries);
    Set<String> names = new HashSet<>();
    for (QuerySpec q : queries) {
      if (!names.add(q.name())) {
        throw new IllegalArgumentException(
            "query names must be distinct in report '"
                + report
                + "'; '"
                + q.name()
                + "' appears twice");
      }
    }
  }

  @JsonCreator
  static ReportSpec fromJson(
      @JsonProperty(value = "report", required = true) String report,
      @JsonProperty(value = "queries", required = true) List<QuerySpec> queries) {
    return new ReportSpec(report, queries);
  }

  /**
   * Reads a query file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong in it
   */
  static ReportSpec read(Path file) {
    ReportSpec spec;
    try {
      spec = JSON.readValue(Files.readAllBytes(file), ReportSpec.class);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException(
          "--queries " + file + ": " + cause.getMessage() + location(e), e);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(
          "--queries " + file + ": " + e.getOriginalMessage() + location(e), e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "--queries " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--queries " + file + " cannot be read: " + e.getMessage(), e);
    }
    Path base = file.toAbsolutePath().getParent();
    List<QuerySpec> resolved = new ArrayList<>();
    for (QuerySpec q : spec.queries()) {
      String groups = q.publicGroups();
      if (groups != null
          && URI.create(groups.replace(" ", "%20")).getScheme() == null
          && !Path.of(groups).isAbsolute()) {
        groups = base.resolve(groups).toString();
      }
      resolved.add(
          new QuerySpec(
              q.name(),
              q.groupBy(),
              groups,
              q.statistics(),
              q.maxGroupsContributed(),
              q.maxContributionsPerGroup(),
              q.epsilon(),
              q.delta(),
              q.noise()));
    }
    return new ReportSpec(spec.report(), resolved);
  }

  /** Where in the file, as {@code queries[1].statistics[0].lower}. */
  private static String location(JsonMappingException e) {
    StringBuilder at = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        at.append(at.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        at.append('[').append(r.getIndex()).append(']');
      }
    }
    return at.length() == 0 ? "" : " (at " + at + ")";
  }
}
