package dev.schemagate.testenv.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {
  @Test
  void theFullRunIsTheIssuesNumbers() {
    var o = ChaosOptions.parse(new String[] {"--seed=7"});
    assertThat(List.of(o.apps(), o.kills(), o.failovers(), o.handovers(), o.documents()))
        .containsExactly(20, 100, 20, 5, 1000);
    assertThat(o.parts())
        .containsExactly("kills", "failover", "restarts", "db", "fuzz", "passwords", "rbac");
    assertThat(o.seed()).isEqualTo(7);
  }

  @Test
  void quickIsShortButGivenOptionsWin() {
    var o = ChaosOptions.parse(new String[] {"--quick", "--kills=3", "--parts=failover"});
    assertThat(List.of(o.apps(), o.kills(), o.failovers(), o.handovers()))
        .containsExactly(
            ChaosOptions.Quick.APPS, 3, ChaosOptions.Quick.FAILOVERS, ChaosOptions.Quick.HANDOVERS);
    assertThat(o.parts()).containsExactly("failover");
    assertThat(o.documents()).isEqualTo(ChaosOptions.Quick.DOCUMENTS);
  }

  @Test
  void anUnknownOptionIsRefusedRatherThanIgnored() {
    assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--kill=3"}))
        .hasMessageContaining("unknown options [kill]");
    assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"quick"}))
        .hasMessageContaining("not an option: quick");
  }
}
