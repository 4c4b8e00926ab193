package io.vigil.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DynamicConfigTest {

  private static DynamicConfig config(String json) {
    return new DynamicConfig(ConfigPatchTest.json(json));
  }

  /** {@code /config}, is_standby_cluster; the comment names the copy that decided otherwise. */
  static Stream<Arguments> standby() {
    return Stream.of(
        Arguments.of("{}", false),
        Arguments.of("{\"standby_cluster\": null}", false),
        Arguments.of("{\"standby_cluster\": {}}", false),
        Arguments.of("{\"standby_cluster\": \"yes\"}", false),
        Arguments.of("{\"standby_cluster\": {\"host\": \"10.0.0.1\"}}", true),
        Arguments.of("{\"standby_cluster\": {\"host\": \"\"}}", false),
        Arguments.of("{\"standby_cluster\": {\"host\": \"0\"}}", true),
        Arguments.of("{\"standby_cluster\": {\"port\": 5432}}", true),
        Arguments.of("{\"standby_cluster\": {\"port\": 0}}", false), // REST said standby
        Arguments.of("{\"standby_cluster\": {\"port\": 0.5}}", true), // vigilctl said not
        Arguments.of("{\"standby_cluster\": {\"restore_command\": []}}", false), // both said standby
        Arguments.of("{\"standby_cluster\": {\"restore_command\": \"cp %f %p\"}}", true),
        Arguments.of("{\"standby_cluster\": {\"host\": false, \"primary_slot_name\": \"s\"}}", false));
  }

  @ParameterizedTest(name = "{0} is a standby cluster: {1}")
  @MethodSource("standby")
  void standbyClusterAsGlobalConfig(String json, boolean expected) {
    assertEquals(expected, config(json).isStandbyCluster());
  }

  /** {@code /config}, is_synchronous_mode, is_quorum_commit_mode. */
  static Stream<Arguments> sync() {
    return Stream.of(
        Arguments.of("{}", false, false),
        Arguments.of("{\"synchronous_mode\": true}", true, false),
        Arguments.of("{\"synchronous_mode\": \"on\"}", true, false),
        Arguments.of("{\"synchronous_mode\": \"quorum\"}", true, true),
        Arguments.of("{\"synchronous_mode\": \"Quorum\"}", true, true), // both copies: not quorum, not sync
        Arguments.of("{\"synchronous_mode\": 2}", false, false), // both copies: sync
        Arguments.of("{\"synchronous_mode\": \"y\"}", false, false), // both copies: sync
        Arguments.of("{\"synchronous_mode\": true, \"standby_cluster\": {\"host\": \"h\"}}", false, false),
        Arguments.of("{\"synchronous_mode\": \"quorum\", \"standby_cluster\": {\"host\": \"h\"}}", false, true));
  }

  @ParameterizedTest(name = "{0}: synchronous {1}, quorum {2}")
  @MethodSource("sync")
  void synchronousModeAsGlobalConfig(String json, boolean synchronous, boolean quorum) {
    assertEquals(synchronous, config(json).isSynchronousMode());
    assertEquals(quorum, config(json).isQuorumCommitMode());
  }

  static Stream<Arguments> pause() {
    return Stream.of(
        Arguments.of("{}", false), Arguments.of("{\"pause\": true}", true), Arguments.of("{\"pause\": \"on\"}", true),
        Arguments.of("{\"pause\": 1}", true), Arguments.of("{\"pause\": false}", false),
        Arguments.of("{\"pause\": 2}", false), // vigilctl (tags' truthiness) said paused
        Arguments.of("{\"pause\": \"y\"}", false)); // vigilctl said paused
  }

  @ParameterizedTest(name = "{0} is paused: {1}")
  @MethodSource("pause")
  void pauseAsCheckMode(String json, boolean paused) {
    assertEquals(paused, config(json).isPaused());
  }

  static Stream<Arguments> ints() {
    return Stream.of(
        Arguments.of("{}", 10L), Arguments.of("{\"loop_wait\": 5}", 5L), Arguments.of("{\"loop_wait\": \"5\"}", 5L),
        Arguments.of("{\"loop_wait\": \"2min\"}", 120L), Arguments.of("{\"loop_wait\": \"soon\"}", 10L),
        Arguments.of("{\"loop_wait\": 7.5}", 8L));
  }

  @ParameterizedTest(name = "{0}: loop_wait {1}")
  @MethodSource("ints")
  void intsAsGetInt(String json, long expected) {
    assertEquals(expected, config(json).getInt("loop_wait", 10, "s"));
  }
}
