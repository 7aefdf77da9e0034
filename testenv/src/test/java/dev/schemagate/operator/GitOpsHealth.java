package dev.schemagate.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.testenv.Binaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What Argo CD and Flux make of an object: our argocd-health (the shipped Lua health check, run
 * with gopher-lua as Argo CD runs it) and kstatus (cli-utils' status.Compute), built from
 * testenv/go/health by testenv/build-health-tools.sh.
 */
final class GitOpsHealth {
  /** The health check we ship for Argo CD, relative to the repository root. */
  static final String ARGOCD_HEALTH_LUA =
      "integrations/argocd/schemagate.dev/SchemaMigration/health.lua";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path tools;

  /** A tool's verdict: Argo CD's health status or kstatus' status, and the message. */
  record Verdict(String status, String message) {}

  private GitOpsHealth() {}

  /** Argo CD's health of the object (JSON as the API server returns it). */
  static Verdict argoCd(String objectJson) {
    return run(
        List.of(
            tool("argocd-health").toString(),
            Binaries.repoRoot().resolve(ARGOCD_HEALTH_LUA).toString()),
        objectJson);
  }

  /** kstatus' status of the object, as Flux's health checks read it. */
  static Verdict kstatus(String objectJson) {
    return run(List.of(tool("kstatus").toString()), objectJson);
  }

  private static synchronized Path tool(String name) {
    if (tools == null) {
      tools = Binaries.runBuildScript("build-health-tools.sh");
    }
    return tools.resolve(name);
  }

  private static Verdict run(List<String> command, String stdin) {
    try {
      var process = new ProcessBuilder(new ArrayList<>(command)).start();
      try (var in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      var err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " did not finish in 30 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(command + " exited " + process.exitValue() + ": " + err);
      }
      return JSON.readValue(out, Verdict.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
