package io.vigil.dcs;

import io.vigil.config.DcsSettings;

/**
 * Everything a backend is created with: where the cluster lives ({@link DcsKeys}), who this agent is, the
 * plugin's own config section and the starting timings.
 */
public record DcsContext(DcsKeys keys, String memberName, DcsSettings settings, DcsTiming timing) {}
