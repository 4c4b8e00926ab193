package io.vigil.api;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The object mapper that reads request bodies and peers' answers. A holder of its own, so the mapper is set up at
 * the first body it reads and not while the REST API starts: its set-up (date formats, locale data) was about
 * 30 ms of every agent's start before the API answered (README "Footprint").
 */
final class RequestJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private RequestJson() {}
}
