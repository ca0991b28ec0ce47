package org.privspark.connect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Spark Connect server with the DP SQL extension in a child JVM ({@link ConnectServerMain}), on
 * 127.0.0.1 and a port the system picks. Its class path is the one Maven wrote at
 * generate-test-resources (system property {@code connect.server.classpath}): Spark classic, the
 * Connect server and PrivSpark; the test JVM holds only the Connect client.
 *
 * <p>The child ends when {@link #close()} closes its standard input, and also when this JVM dies
 * without closing it: no server outlives its test run. Its output goes to {@code server.log} in its
 * work directory.
 */
final class ConnectServer implements AutoCloseable {
  private static final long START_SECONDS = 180;

  private final Process process;
  private final int port;
  private final Path log;

  private ConnectServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts a server and waits until it listens.
   *
   * @param workDir the server's directory: its warehouse and log
   * @param sparkConf Spark conf on top of the defaults (local[2], no UI, the extension)
   * @throws IOException if the server does not start; its log's tail is in the message
   */
  static ConnectServer start(Path workDir, Map<String, String> sparkConf) throws IOException {
    Files.createDirectories(workDir);
    Path log = workDir.resolve("server.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(required("spark.jvm.flags").trim().split("\\s+")));
    command.add("-Xmx1g");
    command.add("-Dspark.master=local[2]");
    command.add("-Dspark.app.name=privspark-connect-it");
    command.add("-Dspark.ui.enabled=false");
    command.add("-Dspark.sql.warehouse.dir=" + workDir.resolve("warehouse").toAbsolutePath());
    command.add("-Dspark.connect.grpc.binding.address=127.0.0.1");
    command.add("-Dspark.connect.grpc.binding.port=0"); // the port the system picks: no clash
    command.add("-Dspark.sql.extensions=org.privspark.sql.PrivSparkExtensions");
    sparkConf.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(
        required("connect.server.classes")
            + java.io.File.pathSeparator
            + Files.readString(Path.of(required("connect.server.classpath"))).trim());
    command.add(ConnectServerMain.class.getName());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .directory(workDir.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    try {
      int port = awaitReady(process, log);
      return new ConnectServer(process, port, log);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** Reads the child's standard output up to the ready line; the rest goes to the log. */
  private static int awaitReady(Process process, Path log) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    // Drains the output for the child's whole life, so that it never blocks on a full pipe.
    Thread drain =
        new Thread(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  if (line.startsWith(ConnectServerMain.READY + " ")) {
                    ready.complete(
                        Integer.parseInt(line.substring(ConnectServerMain.READY.length() + 1)));
                  } else {
                    Files.writeString(
                        log,
                        line + "\n",
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                  }
                }
              } catch (IOException | RuntimeException e) {
                // The child is gone or its output is unreadable: the port is never known.
              }
              ready.complete(-1);
            },
            "connect-server-output");
    drain.setDaemon(true);
    drain.start();
    int port;
    try {
      port = ready.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException(
          "the Connect server did not start in " + START_SECONDS + " s; log:\n" + tail(log));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the Connect server started", e);
    } catch (ExecutionException e) {
      throw new IOException("the Connect server did not start", e.getCause());
    }
    if (port <= 0) {
      throw new IOException(
          "the Connect server exited before it listened (exit code "
              + exitCode(process)
              + "); log:\n"
              + tail(log));
    }
    return port;
  }

  /** The URL a client connects to: {@code sc://127.0.0.1:<port>}. */
  String url() {
    return "sc://127.0.0.1:" + port;
  }

  /** The last lines of the server's log, for a failure message. */
  String logTail() {
    return tail(log);
  }

  /** Stops the server: closes its standard input, then kills it if it has not ended in 30 s. */
  @Override
  public void close() throws IOException {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "none";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "none";
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + property + " is not set; run the tests through Maven");
    }
    return value;
  }
}
