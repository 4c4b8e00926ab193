package io.vigil.ctl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsDataException;
import io.vigil.dcs.DcsFactory;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsPlugins;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One vigilctl invocation: its streams and environment, the loaded configuration, the prompts, the DCS clients
 * (one per cluster name, created on first use and closed at the end) and the REST client.
 *
 * <p>vigilctl talks to the DCS through the same plugins as the agent, under the member name {@value #CTL_MEMBER},
 * and only reads the cluster or writes cluster-level keys (config, failover, delete): it never touches a member
 * key or the leader key, and so never creates a lease or session.
 */
public final class CtlSession implements AutoCloseable {
  /** The member name the DCS client is created with; no member of that name is ever written. */
  public static final String CTL_MEMBER = "vigilctl";

  /** Opens the DCS client of one cluster. Tests replace the plugin lookup with their own. */
  @FunctionalInterface
  public interface DcsOpener {
    Dcs open(CtlConfig config, String scope, Supplier<Vertx> vertx);

    /** A read of the cluster without a client, when the plugin has one for these settings (see {@link #cluster}). */
    default Optional<DcsFactory.OneShotRead> oneShotRead(CtlConfig config, String scope) {
      return Optional.empty();
    }
  }

  /** The DCS plugins found on the class path, with their one-shot reads. */
  private static final DcsOpener PLUGINS = new DcsOpener() {
    @Override
    public Dcs open(CtlConfig config, String scope, Supplier<Vertx> vertx) {
      return plugin(config).create(vertx.get(), context(config, scope));
    }

    @Override
    public Optional<DcsFactory.OneShotRead> oneShotRead(CtlConfig config, String scope) {
      return plugin(config).oneShotRead(context(config, scope));
    }
  };

  public final PrintStream out;
  public final PrintStream err;
  public final Map<String, String> env;
  public final Prompter prompter;
  /** stdin and stdout are a terminal: the screen is cleared between watch refreshes. */
  public final boolean interactive;
  private final Supplier<CtlConfig> configLoader;
  private final DcsOpener opener;
  private CtlConfig config;
  private Vertx vertx;
  private final Map<String, Dcs> dcs = new HashMap<>();
  private PatroniClient rest;

  public CtlSession(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean interactive,
      Supplier<CtlConfig> configLoader, DcsOpener opener) {
    this.out = out;
    this.err = err;
    this.env = env;
    this.interactive = interactive;
    this.configLoader = configLoader;
    this.opener = opener == null ? PLUGINS : opener;
    this.prompter = new Prompter(in, out, interactive, Duration.ofSeconds(stdinTimeout(env)));
  }

  private static long stdinTimeout(Map<String, String> env) {
    try {
      return Math.max(1, Long.parseLong(env.getOrDefault("VIGILCTL_STDIN_TIMEOUT", "5").trim()));
    } catch (NumberFormatException e) {
      return 5;
    }
  }

  public CtlConfig config() {
    if (config == null) {
      config = configLoader.get();
    }
    return config;
  }

  /** The cluster name: the argument, else {@code scope} from the configuration. */
  public String clusterName(String given) {
    if (given != null && !given.isEmpty()) {
      return given;
    }
    String scope = config().scope();
    if (scope == null || scope.isEmpty()) {
      throw new CtlException("No cluster name given and no scope in the configuration");
    }
    return scope;
  }

  public Dcs dcs(String scope) {
    return dcs.computeIfAbsent(scope, s -> opener.open(config(), s, this::vertx));
  }

  /**
   * Created on first use by a DCS client: a command that needs none never starts an event loop. One event loop
   * and two workers are plenty for one short-lived command, and fewer threads start faster.
   */
  private Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
          .setInternalBlockingPoolSize(1));
    }
    return vertx;
  }

  /**
   * A fresh snapshot of the cluster {@code scope}. Before any client of that cluster is open, the plugin's one-shot
   * read is used when it has one (etcd over plain http: no gRPC channel and no event loop for a command that only
   * reads).
   */
  public Cluster cluster(String scope) {
    String what = "read cluster " + scope + " from the DCS";
    if (!dcs.containsKey(scope)) {
      Optional<DcsFactory.OneShotRead> direct = opener.oneShotRead(config(), scope);
      if (direct.isPresent()) {
        try {
          return direct.get().read();
        } catch (RuntimeException e) {
          throw failure(what, e);
        }
      }
    }
    return await(dcs(scope).readCluster(), what);
  }

  /**
   * Waits for a DCS call; a DCS that is down or slow becomes a one-line {@link CtlException}.
   */
  public <T> T await(Future<T> future, String what) {
    long limit = config().retryTimeout() + 5L;
    try {
      return future.toCompletionStage().toCompletableFuture().get(limit, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CtlException("could not " + what + ": no answer within " + limit + "s" + dcsWhere());
    } catch (ExecutionException e) {
      throw failure(what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException("interrupted while trying to " + what);
    }
  }

  /** A failed DCS call as one line: what could not be done, what kind of failure, where, and why. */
  private CtlException failure(String what, Throwable cause) {
    if (cause instanceof CtlException c) {
      return c;
    }
    String kind = cause instanceof DcsUnavailableException ? "DCS is not reachable"
        : cause instanceof DcsDataException ? "bad data in the DCS" : cause.getClass().getSimpleName();
    return new CtlException("could not " + what + ": " + kind + dcsWhere() + ": " + oneLine(cause.getMessage()), cause);
  }

  private String dcsWhere() {
    return config().dcs() == null ? "" : " (" + config().dcs().kind() + ")";
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').strip();
  }

  public PatroniClient rest() {
    if (rest == null) {
      rest = new PatroniClient(config(), Duration.ofSeconds(65));
    }
    return rest;
  }

  /** Prints the member table, as patronictl does before most actions. */
  public void outputMembers(Cluster cluster, String name, boolean extended, String fmt) {
    out.println(MemberTable.render(cluster, name, extended, fmt));
  }

  /**
   * patronictl's {@code get_members}: shows the cluster, narrows to {@code role} and the named members, asks
   * which member when none is named (unless {@code force}), and asks for confirmation when {@code confirm}.
   */
  public List<Member> selectMembers(Cluster cluster, String clusterName, List<String> memberNames, Members.Role role,
      boolean force, String action, boolean confirm) {
    List<Member> members = Members.all(cluster, role);
    Set<String> candidates = new LinkedHashSet<>();
    members.forEach(m -> candidates.add(m.name()));
    if (!force || role != null) {
      if (memberNames.isEmpty() && candidates.isEmpty()) {
        throw new CtlException(clusterName + " cluster doesn't have any members");
      }
      outputMembers(cluster, clusterName, false, "pretty");
    }
    List<String> names = new ArrayList<>();
    if (!memberNames.isEmpty()) {
      for (String n : memberNames) {
        if (candidates.contains(n) && !names.contains(n)) {
          names.add(n);
        }
      }
      if (names.isEmpty()) {
        throw new CtlException("No " + role + " among provided members");
      }
    } else if (!action.equals("reinitialize")) {
      names.addAll(candidates);
    }
    if (names.isEmpty() && !force) {
      names.add(prompter.prompt("Which member do you want to " + action + " [" + String.join(", ", candidates) + "]?", ""));
    }
    for (String n : names) {
      if (!candidates.contains(n)) {
        throw new CtlException(n + " is not a member of cluster");
      }
    }
    List<Member> selected = members.stream().filter(m -> names.contains(m.name())).toList();
    if (confirm) {
      confirmMembersAction(selected, force, action, null, false);
    }
    return selected;
  }

  /** patronictl's {@code confirm_members_action}. */
  public void confirmMembersAction(List<Member> members, boolean force, String action, String scheduledAt, boolean pending) {
    if (force) {
      return;
    }
    String names = String.join(", ", members.stream().map(Member::name).toList());
    if (scheduledAt != null) {
      boolean ok = pending
          ? prompter.confirm("The nodes needing a restart will be identified at the scheduled time, and might be"
              + " different from the ones showing pending restart right now. Is this fine?")
          : prompter.confirm("Are you sure you want to schedule " + action + " of members " + names + " at "
              + scheduledAt + "?");
      if (!ok) {
        throw new CtlException("Aborted scheduled " + action);
      }
    } else if (!prompter.confirm("Are you sure you want to " + action + " members " + names + "?")) {
      throw new CtlException("Aborted " + action);
    }
  }

  /** patronictl's {@code check_response}: prints Success/Failed and says whether the status was below 400. */
  public boolean checkResponse(PatroniClient.Response r, String member, String action, boolean silentSuccess) {
    if (r.status() >= 400) {
      out.println("Failed: " + action + " for member " + member + ", status code=" + r.status() + ", (" + r.body() + ")");
      return false;
    }
    if (!silentSuccess) {
      out.println("Success: " + action + " for member " + member);
    }
    return true;
  }

  /** Python logging's WARNING line, as patronictl logs unreachable members. */
  public void warn(String message) {
    String ts = CtlText.timestamp(6).substring(0, 23).replace('.', ',');
    err.println(ts + " - WARNING - " + message);
  }

  private static DcsFactory plugin(CtlConfig config) {
    if (config.dcs() == null) {
      throw new CtlException("Can not find suitable configuration of distributed configuration store");
    }
    String kind = config.dcs().kind();
    DcsFactory factory = DcsPlugins.find(kind).orElseThrow(() -> new CtlException(DcsPlugins.missingPluginMessage(kind)));
    List<String> problems = factory.validate(config.dcs());
    if (!problems.isEmpty()) {
      throw new CtlException("invalid " + kind + " configuration: " + String.join("; ", problems));
    }
    return factory;
  }

  private static DcsContext context(CtlConfig config, String scope) {
    int retry = config.retryTimeout();
    DcsTiming timing = new DcsTiming(Math.max(30, 2 * retry + 10), 10, retry);
    return new DcsContext(new DcsKeys(config.namespace(), scope), CTL_MEMBER, config.dcs(), timing);
  }

  /**
   * Closes the DCS clients (a ZooKeeper session is ended rather than left to expire), then the event loop.
   * Measured: about 0.06 s after the output; exiting without waiting for the event loop was slower (0.3 s
   * between the output and the exit in three runs of four), so the wait stays.
   */
  @Override
  public void close() {
    for (Dcs d : dcs.values()) {
      try {
        d.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing a client of an unreachable DCS may fail; the process is ending anyway
      }
    }
    dcs.clear();
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // same
      }
      vertx = null;
    }
  }
}
