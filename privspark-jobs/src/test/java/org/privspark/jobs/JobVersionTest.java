package org.privspark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Every job's {@code --version} names the build's version and commit. */
class JobVersionTest {

  @Test
  void everyJob_printsTheBuildsVersionAndCommit() {
    String build = System.getProperty("privspark.build.version");
    assertThat(build).as("surefire passes privspark.build.version").isNotBlank();

    for (Class<?> job : new Class<?>[] {AggregateJob.class, ReportJob.class, TrainJob.class}) {
      Command command = job.getAnnotation(Command.class);
      assertThat(command.versionProvider()).as(job.getSimpleName()).isEqualTo(JobVersion.class);
      StringWriter out = new StringWriter();
      CommandLine cli = new CommandLine(newInstance(job));
      cli.setOut(new PrintWriter(out));
      assertThat(cli.execute("--version")).as(job.getSimpleName()).isZero();
      assertThat(out.toString().strip())
          .as(job.getSimpleName())
          .matches("privspark-jobs \\Q" + build + "\\E \\(commit ([0-9a-f]{12}|unknown)\\)");
    }
  }

  @Test
  void main_version_printsTheSameLine() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.out;
    System.setOut(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      Main.run(Main.JOBS, new String[] {"--version"});
    } finally {
      System.setOut(saved);
    }
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).strip())
        .isEqualTo(JobVersion.line())
        .startsWith(
            "privspark-jobs " + System.getProperty("privspark.build.version") + " (commit ");
  }

  /** The job with a session supplier that fails: {@code --version} must not start Spark. */
  private static Object newInstance(Class<?> job) {
    Supplier<?> noSpark =
        () -> {
          throw new AssertionError("--version started a Spark session");
        };
    try {
      return job.getConstructor(Supplier.class).newInstance(noSpark);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(job + " has no (Supplier<SparkSession>) constructor", e);
    }
  }
}
