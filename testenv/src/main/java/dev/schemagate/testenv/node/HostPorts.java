package dev.schemagate.testenv.node;

import dev.schemagate.testenv.Ports;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The host ports of one container. Pods on the local node share 127.0.0.1, so two replicas cannot
 * both listen on their containerPort: each declared port gets a free loopback port, which the
 * process learns as $PORT (the first) and $PORT_NAME (named ports), and which probes are sent to.
 */
record HostPorts(Map<Integer, Integer> byNumber, Map<String, Integer> byName) {
  static HostPorts allocate(Container container) {
    var byNumber = new LinkedHashMap<Integer, Integer>();
    var byName = new LinkedHashMap<String, Integer>();
    for (var port : container.getPorts()) {
      int host = byNumber.computeIfAbsent(port.getContainerPort(), p -> Ports.freeLoopbackPort());
      if (port.getName() != null) {
        byName.put(port.getName(), host);
      }
    }
    return new HostPorts(byNumber, byName);
  }

  /** PORT and PORT_NAME for the process. */
  Map<String, String> env() {
    var env = new LinkedHashMap<String, String>();
    byNumber.values().stream().findFirst().ifPresent(p -> env.put("PORT", p.toString()));
    byName.forEach(
        (name, port) ->
            env.put("PORT_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), port.toString()));
    return env;
  }

  /**
   * The host port a probe's port (a containerPort number or name) maps to; undeclared numbers stay.
   */
  Optional<Integer> translate(IntOrString port) {
    if (port.getStrVal() != null) {
      return Optional.ofNullable(byName.get(port.getStrVal()));
    }
    return Optional.of(byNumber.getOrDefault(port.getIntVal(), port.getIntVal()));
  }
}
