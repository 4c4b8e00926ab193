package io.vigil.api;

import java.util.Map;

/**
 * Error pages as Python's {@code BaseHTTPRequestHandler.send_error} writes them (Patroni answers 400, 409, 411,
 * 501, 502 and 503 this way), and the reason phrases of the status line.
 */
final class ApiErrors {
  private ApiErrors() {}

  /** code → {short message, explanation}, from Python's {@code http.HTTPStatus}. */
  private static final Map<Integer, String[]> RESPONSES = Map.ofEntries(
      Map.entry(200, new String[] {"OK", "Request fulfilled, document follows"}),
      Map.entry(202, new String[] {"Accepted", "Request accepted, processing continues off-line"}),
      Map.entry(400, new String[] {"Bad Request", "Bad request syntax or unsupported method"}),
      Map.entry(401, new String[] {"Unauthorized", "No permission -- see authorization schemes"}),
      Map.entry(403, new String[] {"Forbidden", "Request forbidden -- authorization will not help"}),
      Map.entry(404, new String[] {"Not Found", "Nothing matches the given URI"}),
      Map.entry(409, new String[] {"Conflict", "Request conflict"}),
      Map.entry(411, new String[] {"Length Required", "Client must specify Content-Length"}),
      Map.entry(412, new String[] {"Precondition Failed", "Precondition in headers is false"}),
      Map.entry(413, new String[] {"Request Entity Too Large", "Entity is too large"}),
      Map.entry(422, new String[] {"Unprocessable Entity", "Unprocessable Content"}),
      Map.entry(500, new String[] {"Internal Server Error", "Server got itself in trouble"}),
      Map.entry(501, new String[] {"Not Implemented", "Server does not support this operation"}),
      Map.entry(502, new String[] {"Bad Gateway", "Invalid responses from another server/proxy"}),
      Map.entry(503, new String[] {"Service Unavailable",
          "The server cannot process the request due to a high load"}));

  static String reason(int code) {
    String[] r = RESPONSES.get(code);
    return r == null ? "" : r[0];
  }

  /** The HTML page of {@code send_error(code, message)}; the message defaults to the reason phrase. */
  static String page(int code, String message) {
    String[] r = RESPONSES.getOrDefault(code, new String[] {"???", "???"});
    String msg = escape(message == null ? r[0] : message);
    return "<!DOCTYPE HTML>\n"
        + "<html lang=\"en\">\n"
        + "    <head>\n"
        + "        <meta charset=\"utf-8\">\n"
        + "        <title>Error response</title>\n"
        + "    </head>\n"
        + "    <body>\n"
        + "        <h1>Error response</h1>\n"
        + "        <p>Error code: " + code + "</p>\n"
        + "        <p>Message: " + msg + ".</p>\n"
        + "        <p>Error code explanation: " + code + " - " + escape(r[1]) + ".</p>\n"
        + "    </body>\n"
        + "</html>\n";
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#x27;");
  }
}
