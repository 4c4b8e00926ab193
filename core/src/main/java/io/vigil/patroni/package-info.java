/**
 * Patroni's text formats and the derived views both of its faces show: the one place the REST API
 * ({@code io.vigil.api}, Patroni's api.py) and vigilctl ({@code io.vigil.ctl}, Patroni's ctl.py) take them from,
 * so that {@code GET /cluster} and {@code vigilctl list} cannot disagree.
 *
 * <ul>
 *   <li>{@link io.vigil.patroni.PyText}: Python's {@code str()}, {@code repr()}, float repr and truthiness;
 *       Patroni's {@code parse_bool}, {@code parse_int}, {@code postgres_version_to_int}; datetime text.</li>
 *   <li>{@link io.vigil.patroni.PyJson}: {@code json.dumps} with its default separators and {@code ensure_ascii}.</li>
 *   <li>{@link io.vigil.patroni.ConfigPatch}: utils.py {@code patch_config} and {@code deep_compare}, and Python's
 *       {@code ==} on JSON values.</li>
 *   <li>{@link io.vigil.patroni.DynamicConfig}: global_config.py's questions of {@code /config}, among them "is
 *       this a standby cluster".</li>
 *   <li>{@link io.vigil.patroni.ClusterJson} and {@link io.vigil.patroni.ConnKwargs}: utils.py
 *       {@code cluster_as_json} and {@code Member.conn_kwargs()}.</li>
 * </ul>
 *
 * <p>Where Patroni versions differ, these follow the released Patroni 4 (role {@code leader} in
 * {@code cluster_as_json}; {@code primary} is the member key's and {@code /patroni}'s word). Everything here is a
 * pure function of values: no Vert.x context, clock or I/O. DCS values, written with compact separators, are
 * {@code io.vigil.cluster.PatroniJson}'s business, not this package's.
 */
package io.vigil.patroni;
