package dev.schemagate.testenv.kubelet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A POSIX ustar archive of files, directories and symbolic links, every entry owned by 0:0 with
 * time 0: the same entries always make the same bytes, so an image's digests depend on its contents
 * only.
 */
final class Tar {
  private static final int BLOCK = 512;

  private Tar() {}

  /** One entry. Paths are relative ("bin/sh"); a directory's has no trailing slash. */
  record Entry(String path, int mode, char type, byte[] content, String target) {
    static Entry directory(String path, int mode) {
      return new Entry(path, mode, '5', new byte[0], "");
    }

    static Entry file(String path, int mode, byte[] content) {
      return new Entry(path, mode, '0', content, "");
    }

    static Entry symlink(String path, String target) {
      return new Entry(path, 0777, '2', new byte[0], target);
    }
  }

  static byte[] archive(List<Entry> entries) {
    var out = new ByteArrayOutputStream();
    try {
      for (var entry : entries) {
        write(entry, out);
      }
      out.write(new byte[2 * BLOCK]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(Entry entry, OutputStream out) throws IOException {
    var header = new byte[BLOCK];
    var name = entry.type() == '5' ? entry.path() + "/" : entry.path();
    var prefix = "";
    if (bytes(name).length > 100) {
      // ustar splits a long path at a slash: up to 155 bytes before it, 100 after.
      int cut = name.lastIndexOf('/', name.length() - 2);
      while (cut > 0 && bytes(name.substring(cut + 1)).length > 100) {
        cut = name.lastIndexOf('/', cut - 1);
      }
      if (cut <= 0 || bytes(name.substring(0, cut)).length > 155) {
        throw new IllegalArgumentException("path too long for a ustar archive: " + name);
      }
      prefix = name.substring(0, cut);
      name = name.substring(cut + 1);
    }
    put(header, 0, 100, bytes(name));
    put(header, 100, 8, octal(entry.mode(), 7));
    put(header, 108, 8, octal(0, 7));
    put(header, 116, 8, octal(0, 7));
    put(header, 124, 12, octal(entry.content().length, 11));
    put(header, 136, 12, octal(0, 11));
    header[156] = (byte) entry.type();
    put(header, 157, 100, bytes(entry.target()));
    put(header, 257, 6, bytes("ustar\0"));
    put(header, 263, 2, bytes("00"));
    put(header, 329, 8, octal(0, 7));
    put(header, 337, 8, octal(0, 7));
    put(header, 345, 155, bytes(prefix));
    // The checksum is computed with its own field as spaces.
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, 8, bytes(String.format("%06o\0 ", sum)));
    out.write(header);
    out.write(entry.content());
    int pad = (BLOCK - entry.content().length % BLOCK) % BLOCK;
    out.write(new byte[pad]);
  }

  private static byte[] octal(long value, int digits) {
    return bytes(String.format("%0" + digits + "o", value) + "\0");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void put(byte[] header, int offset, int length, byte[] value) {
    if (value.length > length) {
      throw new IllegalArgumentException("tar header field too long: " + new String(value));
    }
    System.arraycopy(value, 0, header, offset, value.length);
  }
}
