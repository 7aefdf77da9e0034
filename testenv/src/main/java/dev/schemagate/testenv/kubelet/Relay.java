package dev.schemagate.testenv.kubelet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies connections from where it listens to where it connects, each end TCP or a UNIX socket: the
 * link between the machine's network namespace and a {@link RealNode}'s. A socket belongs to the
 * network namespace it was made in, and a UNIX socket's path is reachable from every one: so a
 * relay in each namespace, meeting at a socket file, carries TCP from one to the other without any
 * interface, address or route in the machine's own namespace.
 *
 * <p>Run in the test JVM ({@link #start}) or as a process of its own ({@link #main}, started in the
 * node's namespace with nsenter); each rule is {@code listen>connect}, each end {@code
 * tcp:<host>:<port>} or {@code unix:<path>}.
 */
final class Relay implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final List<ServerSocketChannel> listeners;

  private Relay(List<ServerSocketChannel> listeners) {
    this.listeners = listeners;
  }

  /** A rule: a {@code listen>connect} pair of ends. */
  static String rule(String listen, String connect) {
    return listen + ">" + connect;
  }

  static String tcp(String host, int port) {
    return "tcp:" + host + ":" + port;
  }

  static String unix(Path socket) {
    return "unix:" + socket.toAbsolutePath();
  }

  /** Listens on each rule's first end, in daemon threads, until closed. */
  static Relay start(List<String> rules) throws IOException {
    var listeners = new ArrayList<ServerSocketChannel>();
    try {
      for (var rule : rules) {
        var ends = rule.split(">", 2);
        if (ends.length != 2) {
          throw new IllegalArgumentException("not listen>connect: " + rule);
        }
        var listen = address(ends[0]);
        var connect = address(ends[1]);
        ServerSocketChannel server;
        if (listen instanceof UnixDomainSocketAddress unix) {
          Files.deleteIfExists(unix.getPath());
          server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        } else {
          server = ServerSocketChannel.open();
          server.socket().setReuseAddress(true);
        }
        listeners.add(server);
        server.bind(listen);
        thread("relay " + rule, () -> accept(server, connect)).start();
      }
    } catch (IOException | RuntimeException e) {
      new Relay(listeners).close();
      throw e;
    }
    return new Relay(listeners);
  }

  /** Relays until killed: {@code Relay listen>connect...}. Prints "ready" once listening. */
  public static void main(String[] args) throws Exception {
    start(List.of(args));
    System.out.println("ready");
    System.out.flush();
    Thread.currentThread().join();
  }

  private static SocketAddress address(String end) {
    if (end.startsWith("unix:")) {
      return UnixDomainSocketAddress.of(end.substring("unix:".length()));
    }
    if (end.startsWith("tcp:")) {
      var hostPort = end.substring("tcp:".length());
      var colon = hostPort.lastIndexOf(':');
      return new InetSocketAddress(
          hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
    throw new IllegalArgumentException("neither tcp:<host>:<port> nor unix:<path>: " + end);
  }

  private static void accept(ServerSocketChannel server, SocketAddress connect) {
    while (server.isOpen()) {
      SocketChannel in;
      try {
        in = server.accept();
      } catch (IOException closed) {
        return;
      }
      thread("relay connect", () -> connect(in, connect)).start();
    }
  }

  private static void connect(SocketChannel in, SocketAddress connect) {
    SocketChannel out;
    try {
      out = SocketChannel.open(connect);
    } catch (IOException e) {
      // Nothing listens there (yet): the client sees its connection closed, as with a refusal.
      closeQuietly(in);
      return;
    }
    var ended = new AtomicInteger();
    thread("relay copy", () -> copy(out, in, ended)).start();
    copy(in, out, ended);
  }

  /**
   * Copies until {@code from} ends, then ends {@code to}'s output (a half-close, as TLS and HTTP
   * clients expect); the second direction to end closes both.
   */
  private static void copy(SocketChannel from, SocketChannel to, AtomicInteger ended) {
    var buffer = ByteBuffer.allocate(BUFFER);
    try {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
      to.shutdownOutput();
      if (ended.incrementAndGet() < 2) {
        return;
      }
    } catch (IOException e) {
      // One side went away: so does the other.
    }
    closeQuietly(from);
    closeQuietly(to);
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing is all we wanted.
    }
  }

  private static Thread thread(String name, Runnable body) {
    var thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() {
    for (var listener : listeners) {
      try {
        var address = listener.getLocalAddress();
        listener.close();
        if (address instanceof UnixDomainSocketAddress unix) {
          Files.deleteIfExists(unix.getPath());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
