package dev.schemagate.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Why a migration pod has not started, read as the scheduler and kubelet say it. */
class PodProblemTest {
  static Pod pod(UnaryOperator<PodBuilder> status) {
    return status
        .apply(new PodBuilder().withNewMetadata().withName("m-r-abcde").endMetadata())
        .build();
  }

  static UnaryOperator<PodBuilder> waiting(String reason, String message) {
    return p ->
        p.withNewStatus()
            .withPhase("Pending")
            .addNewContainerStatus()
            .withName("migrate")
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus();
  }

  /** (what happened, the pod, the problem read or null, whether only a change fixes it) */
  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of(
            "a missing Secret",
            pod(waiting("CreateContainerConfigError", "secret \"nosuch\" not found")),
            "pod m-r-abcde: CreateContainerConfigError: secret \"nosuch\" not found",
            true),
        Arguments.of(
            "a missing key",
            pod(
                waiting(
                    "CreateContainerConfigError",
                    "couldn't find key SECRET_KEY in Secret basketball/basketball-secrets")),
            "pod m-r-abcde: CreateContainerConfigError: couldn't find key SECRET_KEY in Secret"
                + " basketball/basketball-secrets",
            true),
        Arguments.of(
            "an image pull backing off",
            pod(
                waiting(
                    "ImagePullBackOff",
                    "Back-off pulling image \"registry.example.com/basketball-api:1.9.0\"")),
            "pod m-r-abcde: ImagePullBackOff: Back-off pulling image"
                + " \"registry.example.com/basketball-api:1.9.0\"",
            false),
        Arguments.of(
            "an image pull failing, without a message",
            pod(waiting("ErrImagePull", null)),
            "pod m-r-abcde: ErrImagePull",
            false),
        Arguments.of(
            "an image name no runtime parses",
            pod(waiting("InvalidImageName", "Failed to apply default image tag")),
            "pod m-r-abcde: InvalidImageName: Failed to apply default image tag",
            true),
        Arguments.of(
            "no node for it",
            pod(
                p ->
                    p.withNewStatus()
                        .withPhase("Pending")
                        .addNewCondition()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage(
                            "0/1 nodes are available: 1 node(s) didn't match Pod's node"
                                + " affinity/selector.")
                        .endCondition()
                        .endStatus()),
            "pod m-r-abcde: Unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's"
                + " node affinity/selector.",
            false),
        Arguments.of(
            "a native sidecar's image not pulled",
            pod(
                p ->
                    p.withNewStatus()
                        .withPhase("Pending")
                        .addNewInitContainerStatus()
                        .withName("cloud-sql-proxy")
                        .withNewState()
                        .withNewWaiting()
                        .withReason("ErrImagePull")
                        .withMessage("pull access denied")
                        .endWaiting()
                        .endState()
                        .endInitContainerStatus()
                        .addNewContainerStatus()
                        .withName("migrate")
                        .withNewState()
                        .withNewWaiting()
                        .withReason("PodInitializing")
                        .endWaiting()
                        .endState()
                        .endContainerStatus()
                        .endStatus()),
            "pod m-r-abcde: ErrImagePull: pull access denied",
            false),
        Arguments.of(
            "scheduling gated by someone",
            pod(
                p ->
                    p.withNewStatus()
                        .addNewCondition()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("SchedulingGated")
                        .endCondition()
                        .endStatus()),
            null,
            false),
        Arguments.of("starting", pod(waiting("ContainerCreating", null)), null, false),
        Arguments.of("no status yet", pod(p -> p), null, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void readsWhyThePodHasNotStarted(String what, Pod pod, String expected, boolean configuration) {
    var problem = PodProblem.of(List.of(pod));
    assertThat(problem.map(PodProblem::describe)).isEqualTo(Optional.ofNullable(expected));
    assertThat(problem.map(PodProblem::configuration).orElse(false)).isEqualTo(configuration);
  }
}
