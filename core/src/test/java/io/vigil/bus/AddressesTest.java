package io.vigil.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bus contract of {@link Addresses} against the main sources of core and the plugins: every address has a
 * sender ({@code publish}, {@code send}, {@code request}) and a listener ({@code consumer}, {@code localConsumer});
 * its Javadoc names each class that sends or listens; each listener's declared body type is one of the address's
 * {@link Addresses#BODY_TYPES}; and every record body has a codec after {@link Addresses#registerCodecs}.
 */
class AddressesTest {
  /**
   * Addresses whose in-agent listener is built by another part of the work on issue 12 (the event journal behind
   * GET /events and the TCP bridge listen on EVENTS). Checked both ways: once a listener exists, the address
   * must leave this set.
   */
  private static final Set<String> LISTENER_TO_COME = Set.of();

  private static final Pattern SEND = Pattern.compile(
      "\\.(publish|send|request)\\(\\s*(?:io\\.vigil\\.bus\\.)?Addresses\\.([A-Z_]+)\\b");
  private static final Pattern LISTEN = Pattern.compile(
      "(?:<([\\w.]+)>)?(?:localConsumer|consumer)\\(\\s*(?:io\\.vigil\\.bus\\.)?Addresses\\.([A-Z_]+)\\b");

  private static Vertx vertx;
  private static Path root;
  private static final Map<String, String> constants = new TreeMap<>();
  private static final Map<String, Set<String>> senders = new TreeMap<>();
  private static final Map<String, Set<String>> listeners = new TreeMap<>();
  private static final Map<String, Set<String>> listenerTypes = new TreeMap<>();

  @BeforeAll
  static void scanSources() throws Exception {
    vertx = Vertx.vertx();
    for (Field f : Addresses.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        constants.put(f.getName(), (String) f.get(null));
      }
    }
    root = repositoryRoot();
    List<Path> dirs = new ArrayList<>(List.of(root.resolve("core/src/main/java")));
    try (Stream<Path> plugins = Files.list(root.resolve("plugins"))) {
      plugins.map(p -> p.resolve("src/main/java")).filter(Files::isDirectory).forEach(dirs::add);
    }
    for (Path dir : dirs) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(p -> p.toString().endsWith(".java")).forEach(AddressesTest::scan);
      }
    }
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("core/src/main/java")) && Files.isDirectory(p.resolve("plugins"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
  }

  private static void scan(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String cls = file.getFileName().toString().replace(".java", "");
    Matcher s = SEND.matcher(text);
    while (s.find()) {
      senders.computeIfAbsent(s.group(2), k -> new TreeSet<>()).add(cls);
    }
    Matcher l = LISTEN.matcher(text);
    while (l.find()) {
      listeners.computeIfAbsent(l.group(2), k -> new TreeSet<>()).add(cls);
      listenerTypes.computeIfAbsent(l.group(2), k -> new TreeSet<>()).add(l.group(1) == null ? "Object" : l.group(1));
    }
  }

  @AfterAll
  static void closeVertx() {
    vertx.close();
  }

  @Test
  void everyAddressHasASenderAndAListener() {
    for (String name : constants.keySet()) {
      assertTrue(senders.containsKey(name), () -> "Addresses." + name + " has no sender in the main sources");
      if (LISTENER_TO_COME.contains(name)) {
        assertFalse(listeners.containsKey(name), () -> "Addresses." + name + " has a listener now ("
            + listeners.get(name) + "): remove it from LISTENER_TO_COME");
      } else {
        assertTrue(listeners.containsKey(name), () -> "Addresses." + name + " has no listener in the main sources");
      }
    }
  }

  @Test
  void theSourcesUseNoAddressThatIsNotListed() {
    Set<String> used = new TreeSet<>(senders.keySet());
    used.addAll(listeners.keySet());
    used.removeAll(constants.keySet());
    assertEquals(Set.of(), used, "used but not declared in Addresses");
  }

  @Test
  void theJavadocNamesEverySenderAndListener() throws IOException {
    String source = Files.readString(root.resolve("core/src/main/java/io/vigil/bus/Addresses.java"));
    for (String name : constants.keySet()) {
      Matcher m = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*public static final String " + name + "\\b",
          Pattern.DOTALL).matcher(source);
      assertTrue(m.find(), () -> "no Javadoc for Addresses." + name);
      String doc = m.group(1);
      Set<String> parties = new TreeSet<>(senders.getOrDefault(name, Set.of()));
      parties.addAll(listeners.getOrDefault(name, Set.of()));
      for (String party : parties) {
        assertTrue(doc.contains(party), () -> "the Javadoc of Addresses." + name + " does not name " + party);
      }
    }
  }

  @Test
  void listenersExpectADeclaredBodyType() {
    assertEquals(new TreeSet<>(constants.values()), new TreeSet<>(Addresses.BODY_TYPES.keySet()),
        "BODY_TYPES covers exactly the addresses");
    listenerTypes.forEach((name, types) -> {
      List<String> declared = Addresses.BODY_TYPES.get(constants.get(name)).stream()
          .map(Class::getSimpleName).toList();
      for (String type : types) {
        String simple = type.substring(type.lastIndexOf('.') + 1);
        assertTrue("Object".equals(simple) || declared.contains(simple),
            () -> "a listener of Addresses." + name + " expects " + type + ", not in BODY_TYPES " + declared);
      }
    });
  }

  @Test
  void everyRecordBodyHasACodec() {
    Addresses.registerCodecs(vertx);
    Addresses.BODY_TYPES.forEach((address, types) -> {
      for (Class<?> type : types) {
        if (type == String.class) {
          continue;
        }
        // registering a second default codec fails exactly when one is registered already
        assertThrows(IllegalStateException.class, () -> registerProbe(type),
            () -> type.getName() + " (on " + address + ") has no codec after Addresses.registerCodecs");
      }
    });
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void registerProbe(Class<?> type) {
    vertx.eventBus().registerDefaultCodec((Class) type, new MessageCodec<Object, Object>() {
      @Override
      public void encodeToWire(Buffer buffer, Object o) {}

      @Override
      public Object decodeFromWire(int pos, Buffer buffer) {
        return null;
      }

      @Override
      public Object transform(Object o) {
        return o;
      }

      @Override
      public String name() {
        return "probe-" + type.getName();
      }

      @Override
      public byte systemCodecID() {
        return -1;
      }
    });
  }
}
