package dev.schemagate.testenv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for the local processes of testenv. */
public final class Ports {
  private Ports() {}

  /**
   * A loopback port that was free a moment ago: the OS picks it, and the socket is closed before
   * the caller's process binds it, so a rare clash with another process is possible.
   */
  public static int freeLoopbackPort() {
    try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
