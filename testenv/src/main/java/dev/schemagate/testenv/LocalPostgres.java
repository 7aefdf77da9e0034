package dev.schemagate.testenv;

import dev.schemagate.runner.DatabaseUrl;
import dev.schemagate.testenv.kubelet.RealNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests and the local demo: the one named by {@code SCHEMAGATE_PG_URL}
 * (a {@code postgresql://} URL with rights to create databases), or else a private throwaway
 * cluster on a free loopback port, started once per JVM and stopped by a shutdown hook.
 */
public final class LocalPostgres {
  private static final Path INSTALLS = Path.of("/usr/lib/postgresql");
  private static LocalPostgres shared;

  /**
   * A URL of the server's maintenance database; {@link #createDatabase} swaps the database name.
   */
  private final String adminUrl;

  /** The private server; null for one named by SCHEMAGATE_PG_URL. */
  private final PrivateCluster server;

  private LocalPostgres(String adminUrl, PrivateCluster server) {
    this.adminUrl = adminUrl;
    this.server = server;
  }

  public static synchronized LocalPostgres shared() {
    if (shared == null) {
      String url = System.getenv("SCHEMAGATE_PG_URL");
      if (url != null && !url.isBlank()) {
        shared = new LocalPostgres(url, null);
      } else {
        var server = PrivateCluster.start();
        shared = new LocalPostgres(server.url(), server);
      }
    }
    return shared;
  }

  /**
   * Stops the private server as a crash would (pg_ctl stop -m immediate): clients are cut off, what
   * was in flight is rolled back by recovery at the next start. For database outage tests.
   */
  public void stopServer() {
    privateServer().halt();
  }

  /** Starts the private server again, on the same port with the same data. */
  public void startServer() {
    privateServer().serve();
  }

  private PrivateCluster privateServer() {
    if (server == null) {
      throw new IllegalStateException("the server of SCHEMAGATE_PG_URL is not ours to stop");
    }
    return server;
  }

  /**
   * The private server's UNIX socket and TCP port, for a real node to relay to its pods; empty for
   * the server of SCHEMAGATE_PG_URL, which pods cannot reach from the node's network.
   */
  public Optional<RealNode.Exposed> exposed() {
    return Optional.ofNullable(server)
        .map(s -> new RealNode.Exposed(s.port(), s.dir().resolve(".s.PGSQL." + s.port())));
  }

  /** Creates a fresh database named {@code prefix_<random>}; returns its postgresql:// URL. */
  public String createDatabase(String prefix) {
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "database prefix must be a plain SQL identifier: " + prefix);
    }
    try (Connection c = connect(adminUrl)) {
      c.createStatement().execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return DatabaseUrl.withDatabase(adminUrl, name);
  }

  /** A JDBC connection for assertions, from any URL the runner accepts. */
  public static Connection connect(String url) throws SQLException {
    DatabaseUrl db = DatabaseUrl.parse(url);
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  /** initdb + pg_ctl in a temporary directory, as the {@code postgres} OS user when run as root. */
  private record PrivateCluster(List<String> asOwner, Path bin, Path dir, int port) {
    String url() {
      return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    static PrivateCluster start() {
      Path bin = newestBinDir();
      Path dir = createDir();
      List<String> asOwner = runAsOwnerOf(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(asOwner, bin, dir)));
      Path data = dir.resolve("data");
      run(
          asOwner,
          bin.resolve("initdb").toString(),
          "-D",
          data.toString(),
          "-U",
          "postgres",
          "--auth=trust",
          "--encoding=UTF8",
          "--locale=C",
          "--no-sync",
          "--no-instructions");
      var cluster = new PrivateCluster(asOwner, bin, dir, Ports.freeLoopbackPort());
      cluster.serve();
      return cluster;
    }

    void serve() {
      Path data = dir.resolve("data");
      Path log = dir.resolve("server.log");
      try {
        // -w: return once the server accepts connections. Durability off: the data dies with this
        // JVM.
        run(
            asOwner,
            bin.resolve("pg_ctl").toString(),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            data.toString(),
            "-l",
            log.toString(),
            "-o",
            "-c listen_addresses=127.0.0.1 -p "
                + port
                + " -c unix_socket_directories="
                + dir
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + "server log:\n" + read(log), e);
      }
    }

    void halt() {
      run(
          asOwner,
          bin.resolve("pg_ctl").toString(),
          "stop",
          "-w",
          "-m",
          "immediate",
          "-D",
          dir.resolve("data").toString());
    }

    private static void stop(List<String> asOwner, Path bin, Path dir) {
      Path data = dir.resolve("data");
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(
            asOwner,
            bin.resolve("pg_ctl").toString(),
            "stop",
            "-w",
            "-m",
            "immediate",
            "-D",
            data.toString());
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        System.err.println("LocalPostgres: cannot delete " + dir + ": " + e);
      }
    }

    private static Path newestBinDir() {
      try (Stream<Path> installs =
          Files.isDirectory(INSTALLS) ? Files.list(INSTALLS) : Stream.empty()) {
        return installs
            .filter(p -> p.getFileName().toString().matches("\\d+"))
            .filter(
                p ->
                    Files.isExecutable(p.resolve("bin/initdb"))
                        && Files.isExecutable(p.resolve("bin/pg_ctl")))
            .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
            .map(p -> p.resolve("bin"))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "No PostgreSQL server binaries in "
                            + INSTALLS
                            + "/*/bin: apt-get install -y postgresql"
                            + " (or set SCHEMAGATE_PG_URL to a server's postgresql:// URL)"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Path createDir() {
      try {
        return Files.createTempDirectory("schemagate-pg");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** initdb and postgres refuse to run as root: hand the directory to the postgres user. */
    private static List<String> runAsOwnerOf(Path dir) {
      try {
        if (!Files.getOwner(dir).getName().equals("root")) {
          return List.of();
        }
        var postgres =
            dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
        return List.of("runuser", "-u", "postgres", "--");
      } catch (IOException e) {
        throw new IllegalStateException(
            "running as root, and cannot hand " + dir + " to the postgres user", e);
      }
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        return "(" + e + ")";
      }
    }

    private static void run(List<String> prefix, String... command) {
      List<String> argv = new ArrayList<>(prefix);
      argv.addAll(List.of(command));
      try {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
          throw new IllegalStateException(String.join(" ", argv) + " failed:\n" + output);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
