package dev.schemagate.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.schemagate.testenv.Binaries;
import dev.schemagate.testenv.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
    var out = Command.run(command, stdin, Duration.ofSeconds(30)).ok();
    try {
      return JSON.readValue(out, Verdict.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + command + "'s verdict: " + out, e);
    }
  }
}
