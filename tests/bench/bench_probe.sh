#!/bin/sh
# Benchmark of the probe's overhead: `wsuswatch probe --json URL` against a
# local nginx over HTTPS (a CA and a leaf certificate generated here) versus
# `curl -s -o /dev/null URL` with the same CA, 200 runs each, with hyperfine
# when it is installed (package hyperfine), else a timed loop.  Prints the
# ratio of the mean times.  Not a ctest.  Usage:
#   tests/bench/bench_probe.sh [BUILD_DIR] [WORK_DIR]
# Needs nginx, openssl, curl, python3, bc.  BENCH_PROBE_RUNS (200) runs;
# BENCH_NO_HYPERFINE=1 forces the loop.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build/bench}
work=${2:-/tmp/wwbench}
runs=${BENCH_PROBE_RUNS:-200}
mkdir -p "$work"
. "$src/tests/bench/lib.sh"
need nginx openssl curl python3 bc
build_targets wsuswatch
ww=$build/wsuswatch
d=$work/probe
rm -rf "$d"
mkdir -p "$d"

# ---- certificates: a CA and a leaf for 127.0.0.1 it signs ----
ossl() { openssl "$@" >>"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; die "openssl $1"; }; }
ossl req -x509 -newkey rsa:2048 -nodes -keyout "$d/ca.key" -out "$d/ca.pem" \
	-days 2 -subj "/CN=wsuswatch bench CA"
ossl req -new -newkey rsa:2048 -nodes -keyout "$d/leaf.key" -out "$d/leaf.csr" \
	-subj "/CN=127.0.0.1"
printf 'subjectAltName=IP:127.0.0.1\n' >"$d/ext.cnf"
ossl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
	-CAcreateserial -out "$d/leaf.pem" -days 2 -extfile "$d/ext.cnf"

# ---- nginx on a free port ----
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $d/body;
    proxy_temp_path $d/proxy;
    fastcgi_temp_path $d/fastcgi;
    uwsgi_temp_path $d/uwsgi;
    scgi_temp_path $d/scgi;
    server {
        listen 127.0.0.1:$port ssl;
        ssl_certificate $d/leaf.pem;
        ssl_certificate_key $d/leaf.key;
        location = /ServerSyncWebService/ServerSyncWebService.asmx {
            default_type text/html; return 200 "<html>ServerSyncWebService</html>";
        }
    }
}
EOF
nginx -p "$d" -c "$d/nginx.conf" >"$d/nginx.out" 2>&1 &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null || true' EXIT INT TERM
url=https://127.0.0.1:$port/ServerSyncWebService/ServerSyncWebService.asmx
i=0
until curl -s -o /dev/null --cacert "$d/ca.pem" "$url"; do
	i=$((i + 1))
	[ $i -lt 50 ] || { cat "$d/nginx-error.log" >&2; die "nginx did not start on $port"; }
	sleep 0.1
done

# Both must succeed before they are timed.
res=$("$ww" probe --json --cacert "$d/ca.pem" "$url" | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["results"][0]["result"])') ||
	die "wsuswatch probe failed"
[ "$res" = ok ] || die "wsuswatch probe $url: result $res, not ok"
[ "$(curl -s --cacert "$d/ca.pem" "$url")" = "<html>ServerSyncWebService</html>" ] ||
	die "curl $url"

probe_cmd="$ww probe --json --cacert $d/ca.pem $url"
curl_cmd="curl -s -o /dev/null --cacert $d/ca.pem $url"
if [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null 2>&1; then
	how="hyperfine, $runs runs each, 5 warm-up runs"
	hyperfine -N --warmup 5 --runs "$runs" --export-json "$d/hf.json" \
		--output=pipe "$probe_cmd" "$curl_cmd" >"$d/hyperfine.out" 2>&1 ||
		{ cat "$d/hyperfine.out" >&2; die "hyperfine"; }
	set -- $(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for x in r:
    if x.get("exit_codes") and any(x["exit_codes"]):
        sys.exit("a run failed: " + x["command"])
print(r[0]["mean"], r[0]["stddev"], r[1]["mean"], r[1]["stddev"])' "$d/hf.json") ||
		die "hyperfine results"
	tp=$1 sp=$2 tc=$3 sc=$4
else
	how="a loop of $runs runs each (no hyperfine: no stddev)"
	loop() {
		t0=$(date +%s.%N)
		n=0
		while [ $n -lt "$runs" ]; do
			"$@" >/dev/null || die "exit $?: $*"
			n=$((n + 1))
		done
		t1=$(date +%s.%N)
		echo "($t1 - $t0) / $runs" | bc -l
	}
	tp=$(loop $probe_cmd)
	tc=$(loop $curl_cmd)
	sp= sc=
fi
[ "$(echo "$tp > 0 && $tc > 0" | bc -l)" = 1 ] || die "no time measured"
echo "$how; $url (TLS, nginx $(nginx -v 2>&1 | sed 's|.*/||'))"
printf '%-36s %-10s %-10s %s\n' "" "mean ms" "stddev ms" "ratio"
ms() { if [ -n "$1" ]; then calc "$1 * 1000"; else echo -; fi; }
printf '%-36s %-10s %-10s %s\n' "wsuswatch probe --json URL" \
	"$(ms "$tp")" "$(ms "$sp")" "$(calc "$tp / $tc")"
printf '%-36s %-10s %-10s %s\n' "curl -s -o /dev/null URL" \
	"$(ms "$tc")" "$(ms "$sc")" "1.00"
