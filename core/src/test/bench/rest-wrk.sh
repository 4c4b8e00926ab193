#!/bin/sh
# Throughput of GET /primary on the REST API: starts RestApiVerticle with a leader status on a free 127.0.0.1
# port and runs `wrk -t2 -c16 -d10s --latency` against it. Targets: >= 15000 req/s, p99 < 5 ms.
# Usage (from anywhere): core/src/test/bench/rest-wrk.sh [duration, default 10s]
set -eu
cd "$(dirname "$0")/../../../.."
mvn -o -q -B -pl core test -Dtest=RestWrkBenchIT -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvigil.bench=true -Dvigil.bench.duration="${1:-10s}" 2>&1 | sed -n '/^\$ wrk/,/^Transfer/p;/^RESULT/p'
