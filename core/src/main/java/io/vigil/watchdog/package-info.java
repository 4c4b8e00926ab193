/**
 * The watchdog (docs/watchdog.md): Patroni's {@code watchdog} section, the device behind it and the verticle that
 * feeds it after every HA cycle in which this node confirmed its leader key.
 *
 * <ul>
 *   <li>{@link io.vigil.watchdog.Watchdog}: the facade of Patroni's {@code patroni/watchdog/base.py} (activate,
 *       keepalive, disable, health, configuration changes); thread-safe.</li>
 *   <li>{@link io.vigil.watchdog.WatchdogDevice} and its implementations: the Linux character device through
 *       ioctl ({@link io.vigil.watchdog.LinuxWatchdogDevice}), Patroni's {@code driver: testing} harness
 *       ({@link io.vigil.watchdog.TestingWatchdogDevice}) and the null device.</li>
 *   <li>{@link io.vigil.watchdog.WatchdogVerticle}: feeds the device from {@code Addresses.HA_CYCLE}, never from a
 *       timer, so a stalled loop stops feeding it.</li>
 * </ul>
 */
package io.vigil.watchdog;
