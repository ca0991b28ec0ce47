package org.privspark.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a test main class on the test class path, with its standard output collected
 * line by line (readable while it runs) and its standard error sent to a file.
 */
public final class ChildJvm {
  private final Process process;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("READ-ERROR " + e);
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  public static ChildJvm start(Path stderr, Class<?> main, String... args) throws IOException {
    return start(Path.of(System.getProperty("java.home")), stderr, main, args);
  }

  /** As {@link #start(Path, Class, String...)}, on the JDK or JRE installed at {@code javaHome}. */
  public static ChildJvm start(Path javaHome, Path stderr, Class<?> main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1"); // short-lived: C1 is enough and starts faster
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    return new ChildJvm(pb.start());
  }

  /**
   * Waits until the child printed a line equal to {@code line} or exited; true if it printed it.
   */
  public boolean awaitLine(String line, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (lines.contains(line)) {
        return true;
      }
      if (!process.isAlive()) {
        reader.join(1_000);
        return lines.contains(line);
      }
      Thread.sleep(2);
    }
    return false;
  }

  /**
   * Waits for the child to exit by itself and returns its exit code (−1 on timeout, after killing
   * it).
   */
  public int awaitExit(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
      reader.join(1_000);
      return -1;
    }
    reader.join(5_000);
    return process.exitValue();
  }

  /**
   * SIGKILL: the child gets no chance to clean up. Sent through {@link
   * ProcessHandle#destroyForcibly} (the same signal as {@link Process#destroyForcibly}), because
   * the latter also closes our end of the child's standard output and so drops every line not yet
   * read: under load the crash test then saw up to 4 releases "without" their printed line. The
   * reader drains the pipe to its end after the child is dead.
   */
  public void kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    process.waitFor();
    reader.join(10_000);
  }

  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
