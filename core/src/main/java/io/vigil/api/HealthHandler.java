package io.vigil.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Health checks ({@code GET /<anything else>}, {@code HEAD}/{@code OPTIONS} on any path), {@code /liveness},
 * {@code /readiness}, {@code /patroni} and {@code /metrics}. All answer from the last published status only.
 */
final class HealthHandler {
  private final ApiState state;
  private final io.vigil.taps.TapStats taps;

  HealthHandler(ApiState state, io.vigil.taps.TapStats taps) {
    this.state = state;
    this.taps = taps;
  }

  /** GET: the health code with the status JSON as body. */
  void health(ApiExchange ex) {
    ApiState.Snapshot s = state.snapshot();
    int code = HealthChecks.code(s.view(), s.status(), ex.path, ex.query);
    ex.write(code, s.body(), "application/json", Map.of());
  }

  /** HEAD and OPTIONS on any path: only the status line, for HAProxy. */
  void statusOnly(ApiExchange ex) {
    ApiState.Snapshot s = state.snapshot();
    ex.statusOnly(HealthChecks.code(s.view(), s.status(), ex.path, ex.query));
  }

  void patroni(ApiExchange ex) {
    ex.write(200, state.snapshot().body(), "application/json", Map.of());
  }

  void liveness(ApiExchange ex) {
    ex.statusOnly(HealthChecks.liveness(NodeView.of(state.latest(), state.clock), state.clock.monotonicMillis()));
  }

  void readiness(ApiExchange ex) {
    ApiState.Snapshot s = state.snapshot();
    String failure = HealthChecks.readinessFailure(s.view(), s.status(), ex.query);
    ex.statusOnly(failure == null ? 200 : 503);
  }

  void metrics(ApiExchange ex) {
    ApiState.Snapshot s = state.snapshot();
    String text = Metrics.render(s.view(), s.status(), state.patroniVersion, state.clock.monotonicMillis())
        + Metrics.renderTaps(s.view(), taps);
    ex.write(200, io.vertx.core.buffer.Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)), "text/plain",
        Map.of());
  }
}
