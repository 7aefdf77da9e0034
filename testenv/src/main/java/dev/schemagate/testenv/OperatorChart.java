package dev.schemagate.testenv;

import dev.schemagate.testenv.kubelet.OciImage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * charts/schemagate installed with {@code helm install} as a user installs it, the operator its
 * pod, from an image already imported into the cluster's nodes (pull policy Never: there is no
 * registry). The release is named {@code schemagate}, as {@link ControlPlane} named the admission
 * policies it applied at start; helm takes them over.
 */
public final class OperatorChart {
  public static final String RELEASE = "schemagate";
  public static final String NAMESPACE = "schemagate-system";
  private static final Duration WAIT = Duration.ofMinutes(3);

  private OperatorChart() {}

  /**
   * Installs the chart with {@code image} as the operator's (and the Flyway runner's) image and
   * waits until the operator's Deployment is available; returns how long that took.
   */
  public static Duration install(ControlPlane plane, OciImage image) {
    var colon = image.name().lastIndexOf(':');
    var started = Instant.now();
    var helm =
        Command.run(
            List.of(
                Binaries.of("helm").toString(),
                "--kubeconfig=" + plane.kubeconfig(),
                "install",
                RELEASE,
                Binaries.repoRoot().resolve("charts/schemagate").toString(),
                "--namespace=" + NAMESPACE,
                "--create-namespace",
                "--take-ownership",
                "--set=image.repository=" + image.name().substring(0, colon),
                "--set=image.tag=" + image.name().substring(colon + 1),
                "--set=image.pullPolicy=Never",
                "--wait",
                "--timeout=" + WAIT.toSeconds() + "s"),
            null,
            WAIT.plusSeconds(30));
    if (helm.exitCode() != 0) {
      throw new IllegalStateException("helm install of the chart failed: " + helm);
    }
    return Duration.between(started, Instant.now());
  }
}
