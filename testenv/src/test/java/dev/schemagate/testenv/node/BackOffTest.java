package dev.schemagate.testenv.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackOffTest {
  private final BackOff kubelet = new BackOff(BackOff.KUBELET_BASE, BackOff.KUBELET_CAP);

  @Test
  void firstRestartIsImmediateThenDoublesUpToTheCap() {
    assertThat(kubelet.delay(0)).isZero();
    assertThat(kubelet.delay(1)).hasSeconds(10);
    assertThat(kubelet.delay(2)).hasSeconds(20);
    assertThat(kubelet.delay(6)).hasSeconds(300);
    assertThat(kubelet.delay(100)).hasSeconds(300);
  }

  @Test
  void formatsDurationsAsGoDoes() {
    assertThat(BackOff.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(BackOff.format(Duration.ofMinutes(5))).isEqualTo("5m0s");
    assertThat(BackOff.format(Duration.ofSeconds(80))).isEqualTo("1m20s");
    assertThat(BackOff.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(BackOff.format(Duration.ofMillis(500))).isEqualTo("500ms");
  }
}
