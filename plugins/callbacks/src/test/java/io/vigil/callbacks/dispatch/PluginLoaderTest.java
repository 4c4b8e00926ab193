package io.vigil.callbacks.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jars that cannot give a plugin are named and left out; loading never throws. */
class PluginLoaderTest {
  @TempDir
  Path dir;

  private void jar(String name, String servicesContent) throws Exception {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve(name)))) {
      out.putNextEntry(new JarEntry("META-INF/services/io.vigil.callbacks.VigilCallback"));
      out.write(servicesContent.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  @Test
  void brokenJarsAreLeftOutAndTheRestLoads() throws Exception {
    Files.writeString(dir.resolve("garbage.jar"), "this is not a zip file");
    jar("missing-class.jar", "com.example.DoesNotExist\n");
    jar("not-a-callback.jar", "java.lang.String\n");
    Files.writeString(dir.resolve("readme.txt"), "ignored: not a jar");
    List<PluginLoader.Loaded> loaded = PluginLoader.load(getClass().getClassLoader(), dir);
    // the test class path holds no plugin either: nothing loads, and nothing threw
    assertEquals(List.of(), loaded);
  }

  @Test
  void aMissingDirectoryIsReportedNotThrown() {
    assertEquals(List.of(), PluginLoader.load(getClass().getClassLoader(), dir.resolve("absent")));
  }
}
