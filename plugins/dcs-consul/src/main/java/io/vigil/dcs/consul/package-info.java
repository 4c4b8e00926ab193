/**
 * The {@code consul:} DCS plugin over the Vert.x Consul client: {@link io.vigil.dcs.consul.ConsulDcsFactory}
 * (found by ServiceLoader) creates {@code ConsulDcs}, Patroni's Consul backend with leader and member keys held by
 * the agent's session ({@code ConsulSession}), {@code cas=<ModifyIndex>} writes, a blocking-query watch
 * ({@code ConsulWatch}) and optional service registration ({@code ConsulService}). See docs/dcs-layout.md §1.6.
 */
package io.vigil.dcs.consul;
