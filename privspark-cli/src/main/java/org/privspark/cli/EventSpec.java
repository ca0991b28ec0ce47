package org.privspark.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.privspark.core.accounting.GaussianEvent;
import org.privspark.core.accounting.LaplaceEvent;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PureDpEvent;
import org.privspark.core.accounting.SampledGaussianEvent;
import org.privspark.core.accounting.ZcdpEvent;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses the CLI's event specs into {@link PrivacyEvent}s. σ and b are multipliers of a sensitivity
 * of 1. A sampling rate q is a decimal or a fraction such as {@code 256/60000} ({@link
 * SampleRate}), taken as the smallest double at or above its exact value.
 *
 * <pre>
 *   gaussian:sigma=S[,count=K]      laplace:b=B[,count=K]      sampled-gaussian:q=Q,sigma=S,steps=T
 *   pure:epsilon=E[,count=K]        zcdp:rho=R[,count=K]
 * </pre>
 */
final class EventSpec implements ITypeConverter<PrivacyEvent> {
  static final String SYNTAX =
      "gaussian:sigma=S[,count=K] | laplace:b=B[,count=K] | sampled-gaussian:q=Q,sigma=S,steps=T"
          + " (Q: 0.004 or 256/60000) | pure:epsilon=E[,count=K] | zcdp:rho=R[,count=K]";

  @Override
  public PrivacyEvent convert(String spec) {
    return parse(spec);
  }

  static PrivacyEvent parse(String spec) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      throw bad(spec, "expected KIND:NAME=VALUE,...; kinds: " + SYNTAX);
    }
    String kind = spec.substring(0, colon).trim();
    Map<String, String> params = parameters(spec, spec.substring(colon + 1));
    try {
      return switch (kind) {
        case "gaussian" ->
            repeated(
                spec,
                params,
                Set.of("sigma"),
                GaussianEvent.withNoiseMultiplier(number(spec, params, "sigma")));
        case "laplace" ->
            repeated(spec, params, Set.of("b"), new LaplaceEvent(number(spec, params, "b"), 1.0));
        case "pure" ->
            repeated(
                spec, params, Set.of("epsilon"), new PureDpEvent(number(spec, params, "epsilon")));
        case "zcdp" ->
            repeated(spec, params, Set.of("rho"), new ZcdpEvent(number(spec, params, "rho")));
        case "sampled-gaussian" -> {
          onlyKnown(spec, params, Set.of("q", "sigma", "steps"));
          yield new SampledGaussianEvent(
              rate(spec, params, "q"),
              number(spec, params, "sigma"),
              integer(spec, params, "steps"));
        }
        default -> throw bad(spec, "unknown event kind '" + kind + "'; kinds: " + SYNTAX);
      };
    } catch (IllegalArgumentException e) {
      throw bad(spec, e.getMessage());
    }
  }

  private static PrivacyEvent repeated(
      String spec, Map<String, String> params, Set<String> required, PrivacyEvent event) {
    java.util.HashSet<String> allowed = new java.util.HashSet<>(required);
    allowed.add("count");
    onlyKnown(spec, params, allowed);
    return params.containsKey("count") ? event.times(integer(spec, params, "count")) : event;
  }

  private static Map<String, String> parameters(String spec, String body) {
    Map<String, String> params = new LinkedHashMap<>();
    if (body.isBlank()) {
      return params;
    }
    for (String part : body.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw bad(spec, "expected NAME=VALUE; got '" + part + "'");
      }
      String name = part.substring(0, eq).trim();
      if (params.put(name, part.substring(eq + 1).trim()) != null) {
        throw bad(spec, "parameter '" + name + "' given twice");
      }
    }
    return params;
  }

  private static void onlyKnown(String spec, Map<String, String> params, Set<String> allowed) {
    for (String name : params.keySet()) {
      if (!allowed.contains(name)) {
        throw bad(
            spec,
            "unknown parameter '"
                + name
                + "'; this kind takes "
                + new java.util.TreeSet<>(allowed));
      }
    }
  }

  private static double number(String spec, Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null) {
      throw bad(spec, "missing parameter '" + name + "'");
    }
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw bad(spec, name + " must be a number; got '" + value + "'");
    }
  }

  /** A sampling rate: a decimal or a fraction N/D, as the smallest double at or above it. */
  private static double rate(String spec, Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null) {
      throw bad(spec, "missing parameter '" + name + "'");
    }
    return SampleRate.parse(name, value).upperDouble();
  }

  private static long integer(String spec, Map<String, String> params, String name) {
    String value = params.get(name);
    if (value == null) {
      throw bad(spec, "missing parameter '" + name + "'");
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw bad(spec, name + " must be a whole number; got '" + value + "'");
    }
  }

  private static TypeConversionException bad(String spec, String reason) {
    return new TypeConversionException("bad event '" + spec + "': " + reason);
  }
}
