package io.vigil.ctl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One vigilctl run in-process: exit code, stdout and stderr, with stdin given as text (not a terminal). */
record CtlRun(int code, String out, String err) {

  static CtlRun run(InMemoryDcs dcs, String stdin, Map<String, String> extraEnv, String... args) {
    return runWithStdin(dcs, stdin == null ? InputStream.nullInputStream()
        : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), extraEnv, args);
  }

  static CtlRun runWithStdin(InMemoryDcs dcs, InputStream stdin, Map<String, String> extraEnv, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>();
    env.put("HOME", "/nonexistent-vigilctl-home");
    env.putAll(extraEnv);
    int code = VigilCtl.execute(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false, (config, scope, vertx) -> {
          if (dcs == null) {
            throw new CtlException("no DCS in this test");
          }
          return dcs;
        });
    return new CtlRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A run with the DCS plugins on the class path, as the real command does. */
  static CtlRun real(String stdin, Map<String, String> extraEnv, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>();
    env.put("HOME", "/nonexistent-vigilctl-home");
    env.putAll(extraEnv);
    InputStream in = stdin == null ? InputStream.nullInputStream()
        : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    int code = VigilCtl.execute(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return new CtlRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static CtlRun run(InMemoryDcs dcs, String stdin, String... args) {
    return run(dcs, stdin, Map.of(), args);
  }
}
