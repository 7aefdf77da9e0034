package dev.schemagate.testenv;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real kubectl of the control plane's build, as a user would run it. */
public final class Kubectl {
  private Kubectl() {}

  /**
   * Runs kubectl and returns its output (stdout and stderr).
   *
   * @param kubeconfig the cluster to talk to, or null for commands that need none (kustomize)
   * @param stdin fed to kubectl, or null
   * @throws IllegalStateException when kubectl fails, with its output
   */
  public static String run(Path kubeconfig, String stdin, String... args) {
    var command = new ArrayList<String>();
    command.add(Binaries.of("kubectl").toString());
    if (kubeconfig != null) {
      command.add("--kubeconfig=" + kubeconfig);
    }
    command.addAll(List.of(args));
    var result =
        Command.run(
            new ProcessBuilder(command).redirectErrorStream(true), stdin, Duration.ofSeconds(60));
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "kubectl "
              + String.join(" ", args)
              + " exited "
              + result.exitCode()
              + ": "
              + result.stdout());
    }
    return result.stdout();
  }
}
