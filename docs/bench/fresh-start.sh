#!/usr/bin/env bash
# A fresh clone, ./ladd-local (with its build), and the moments a new user meets: launcher up, first image, the demo
# run's first checkpoint, that checkpoint's first (quick) score, and the demo run to its end. Needs git, curl, sed,
# base64, bc, python3 (URL-encoding) and free ports 8080-8084, 15432, 19092. The platform keeps running afterwards.
#   docs/bench/fresh-start.sh [clone-folder] [build|no-build] [repository]       (output: docs/bench/fresh-start-*.txt)
set -u
dir=${1:-/tmp/ladd-fresh}; mode=${2:-build}; repo=${3:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$(mktemp -d)
rm -rf "$dir" && git clone -q "$repo" "$dir" && cd "$dir"
log=$out/events.log; : > "$log"; echo "events: $log"
t0=$(date +%s.%N)
stamp() { printf '%8.1f s  %s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "$*" | tee -a "$log"; }
stamp "start: ./ladd-local $([ "$mode" = build ] || echo --no-build) in $dir (load $(cut -d' ' -f1-3 /proc/loadavg))"
if [ "$mode" = build ]; then ./ladd-local > $out/ladd-local.out 2>&1 &
else ./mvnw -B -q -DskipTests install >/dev/null 2>&1; t0=$(date +%s.%N); stamp "built; timing from here"; ./ladd-local --no-build > $out/ladd-local.out 2>&1 & fi
echo $! > $out/ladd-local.pid
up=; image=; ckpt=; score=; done_=
while :; do
  if [ -z "$up" ] && grep -q 'LADD platform is up' $out/ladd-local.out 2>/dev/null; then up=1; stamp "launcher: up"; fi
  if [ -z "$image" ] && [ -f .work/gateway-admin-key ]; then
    if curl -sf -m 5 localhost:8080/v1/images/generations -H "Authorization: Bearer $(cat .work/gateway-admin-key)" \
         -H 'Content-Type: application/json' -d '{"prompt":"a photo of an ankle boot","n":1,"size":"32x32","seed":7}' \
         | sed -E 's/.*"b64_json":"([^"]+)".*/\1/' | base64 -d > $out/boot.png 2>/dev/null && [ -s $out/boot.png ]; then
      image=1; stamp "first image: $(wc -c < $out/boot.png) bytes, $(head -c 4 $out/boot.png | tail -c 3)"; fi
  fi
  runs=$(curl -s -m 5 localhost:8082/api/v1/runs 2>/dev/null)
  demo=$(echo "$runs" | grep -o '"runId":"[^"]*"' | grep -v default-student | head -1 | cut -d'"' -f4)
  if [ -n "$demo" ] && [ -z "$ckpt" ]; then
    c=$(curl -s -m 5 "localhost:8082/api/v1/runs/$demo" | grep -o '"checkpointId":"[^"]*"' | head -1 | cut -d'"' -f4)
    [ -n "$c" ] && { ckpt=$c; stamp "first checkpoint published: $c"; }
  fi
  if [ -n "$ckpt" ] && [ -z "$score" ]; then
    enc=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$ckpt")
    body=$(curl -s -m 5 "localhost:8083/api/v1/checkpoints/$enc")
    echo "$body" | grep -q '"quickScoredAt":"' && { score=1; stamp "first score (quick) of $ckpt: $(echo "$body" | head -c 600)"; }
  fi
  if [ -n "$demo" ]; then
    st=$(curl -s -m 5 "localhost:8082/api/v1/runs/$demo" | grep -o '"state":"[^"]*"' | head -1)
    if [ -z "$done_" ] && echo "$st" | grep -qi 'completed\|failed\|cancelled'; then done_=1; stamp "demo run $demo: $st"; fi
  fi
  [ -n "$done_" ] && break
  sleep 1
done
stamp "loop ends; the platform keeps running (pid $(cat $out/ladd-local.pid))"
