package org.privspark.core.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.privspark.core.accounting.Calibration;
import org.privspark.core.accounting.OrderGrid;
import org.privspark.core.accounting.PrivacyEvent;
import org.privspark.core.accounting.PrivacyGuarantee;
import org.privspark.core.accounting.RdpAccountant;
import org.privspark.core.accounting.SampledGaussianEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code privspark accountant}: what a composition of releases costs, and how much noise to add. */
@Command(
    name = "accountant",
    description = "Rényi-DP accounting: ε or δ of a composition of events, and noise calibration.",
    mixinStandardHelpOptions = true,
    subcommands = {
      AccountantCommand.Epsilon.class,
      AccountantCommand.Delta.class,
      AccountantCommand.Calibrate.class
    })
final class AccountantCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Options every accountant subcommand shares. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--orders", defaultValue = "default", paramLabel = "default|opacus|A1,A2,...",
        description = "Rényi orders to track (default: ${DEFAULT-VALUE}).")
    String orders;

    @Option(names = "--json", description = "Print one JSON line.")
    boolean json;

    @Override
    public Integer call() {
      try {
        run(OrderGrid.parse(orders));
        return 0;
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
    }

    abstract void run(OrderGrid grid);

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    void printJson(Map<String, Object> fields) {
      try {
        out().println(JSON.writeValueAsString(fields));
        out().flush();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    void warnIfEdge(PrivacyGuarantee g) {
      if (g.orderAtGridEdge()) {
        spec.commandLine().getErr().println("warning: " + g.edgeWarning());
        spec.commandLine().getErr().flush();
      }
    }

    /** JSON has no infinities: a missing bound or the pure-DP path prints as null. */
    static Object finiteOrNull(double value) {
      return Double.isFinite(value) ? value : null;
    }
  }

  /** The subcommands that compose a list of events. */
  abstract static class Composing extends Base {
    @Parameters(arity = "1..*", paramLabel = "EVENT", converter = EventSpec.class,
        description = "Events to compose: " + EventSpec.SYNTAX)
    List<PrivacyEvent> events;

    RdpAccountant composed(OrderGrid grid) {
      RdpAccountant accountant = new RdpAccountant(grid);
      events.forEach(accountant::compose);
      return accountant;
    }
  }

  @Command(name = "epsilon", mixinStandardHelpOptions = true,
      description = "The RDP-based ε of the composed events at total δ (the number the budget filter uses).")
  static final class Epsilon extends Composing {
    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target δ in [0, 1).")
    double delta;

    @Override
    void run(OrderGrid grid) {
      PrivacyGuarantee g = composed(grid).epsilon(delta);
      warnIfEdge(g);
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("epsilon", finiteOrNull(g.epsilon()));
        fields.put("delta", g.delta());
        fields.put("order", finiteOrNull(g.order()));
        printJson(fields);
      } else {
        out().printf(Locale.ROOT, "epsilon = %.6g at delta = %s (%s)%n", g.epsilon(), g.delta(), orderText(g));
        out().flush();
      }
    }
  }

  @Command(name = "delta", mixinStandardHelpOptions = true,
      description = "The smallest total δ of the composed events at ε.")
  static final class Delta extends Composing {
    @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε >= 0.")
    double epsilon;

    @Override
    void run(OrderGrid grid) {
      PrivacyGuarantee g = composed(grid).delta(epsilon);
      warnIfEdge(g);
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("delta", g.delta());
        printJson(fields);
      } else {
        out().printf(Locale.ROOT, "delta = %.6g at epsilon = %s (%s)%n", g.delta(), g.epsilon(), orderText(g));
        out().flush();
      }
    }
  }

  @Command(name = "calibrate", mixinStandardHelpOptions = true,
      description = {
        "The smallest noise multiplier σ (at sensitivity 1) for a target (ε, δ).",
        "Without --sample-rate/--steps: one Gaussian release, analytic Gaussian (Balle & Wang 2018).",
        "With them: DP-SGD, Poisson-subsampled Gaussian for T steps, by the RDP accountant."
      })
  static final class Calibrate extends Base {
    @Option(names = "--epsilon", required = true, paramLabel = "E", description = "Target ε > 0.")
    double epsilon;

    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target δ in (0, 1).")
    double delta;

    @Option(names = "--sample-rate", paramLabel = "Q", description = "DP-SGD sampling rate q in (0, 1].")
    Double sampleRate;

    @Option(names = "--steps", paramLabel = "T", description = "DP-SGD steps >= 1.")
    Long steps;

    @Override
    void run(OrderGrid grid) {
      if ((sampleRate == null) != (steps == null)) {
        throw new IllegalArgumentException("--sample-rate and --steps must be given together");
      }
      double sigma;
      String method;
      if (sampleRate == null) {
        sigma = Calibration.analyticGaussianSigma(epsilon, delta, 1.0);
        method = "analytic Gaussian, one release";
      } else {
        sigma = Calibration.dpSgdNoiseMultiplier(sampleRate, steps, epsilon, delta, grid);
        method = "RDP, " + steps + " Poisson-subsampled steps at q=" + sampleRate;
        // At the grid's edge a wider grid would certify the target with less noise.
        warnIfEdge(RdpAccountant.epsilonOf(new SampledGaussianEvent(sampleRate, sigma, steps), delta, grid));
      }
      if (json) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("sigma", sigma);
        printJson(fields);
      } else {
        out().printf(Locale.ROOT, "sigma = %.6g (%s)%n", sigma, method);
        out().flush();
      }
    }
  }

  private static String orderText(PrivacyGuarantee g) {
    if (Double.isInfinite(g.order())) {
      return "pure-DP composition";
    }
    return Double.isNaN(g.order()) ? "no order gives a bound" : "optimal order " + g.order();
  }
}
