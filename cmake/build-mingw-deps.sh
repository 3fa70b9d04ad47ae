#!/usr/bin/env bash
# build-mingw-deps.sh - build the static MinGW-w64 (x86_64-w64-mingw32) libraries
# wsuswatch links against, from Debian's *source* packages (Debian patches
# applied), into a version-keyed cache prefix outside the checkout.
#
# Usage: cmake/build-mingw-deps.sh [--verify] [PREFIX_ROOT]
#   PREFIX_ROOT defaults to ${WW_DEPS_CACHE:-$HOME/.cache/wsuswatch}.
#   The prefix is $PREFIX_ROOT/mingw-<key>; <key> hashes SCRIPT_REVISION, the
#   MinGW gcc version and the Debian source version of every package.
#   The prefix path is the LAST line of stdout; all other output goes to stderr.
#   A complete prefix (stamp file present) is reused at once.
#   --verify  also builds a test program against all six libraries (and runs
#             it under Wine when `wine` is available), even on a cache hit.
#
# Result (other code depends on exactly this layout):
#   include/curl/*.h  include/sqlite3.h  include/yaml.h  include/check.h
#   include/check_stdint.h  include/cjson/cJSON.h  include/expat.h
#   include/expat_external.h
#   lib/libcurl.a lib/libsqlite3.a lib/libyaml.a lib/libcheck.a lib/libcjson.a
#   lib/libexpat.a
#   BUILDINFO.txt (versions, flags, build times), .stamp (written last)
#
# Consumers: -DCURL_STATICLIB -DYAML_DECLARE_STATIC -DXML_STATIC, link -static
#   -lcurl -lsqlite3 -lyaml -lcheck -lcjson -lexpat -lws2_32 -lcrypt32 -lbcrypt
#   -lsecur32 -ladvapi32 -lwldap32 -lnormaliz -liphlpapi -lpthread
#
# Notes:
# - check: its CMake build compiles the libcompat sources it needs (fpclassify,
#   clock_gettime, timer_*, ...) directly into libcheck.a, so libcompat.a is
#   neither needed nor installed. libcheck uses winpthreads: link -lpthread.
#   It is built with -D__USE_MINGW_ANSI_STDIO=1 (C99 %jd in failure messages)
#   and check.h declares its format attribute gnu_printf instead of printf
#   (MinGW gcc's ms_printf check warns on every ck_assert_int_* otherwise).
# - expat: Debian's CVE-2024-8176 patch needs "#if XML_DTD == 1"; the CMake
#   config header template is adjusted to define XML_DTD/XML_NS as 1.
# - curl: Debian's openssl-flavour source (the last two series patches,
#   90_gnutls/99_nss, only rename the library for the other flavours and are
#   reverted, as debian/rules does). Schannel + SSPI, Win32 threads
#   (--disable-pthreads), HTTP/HTTPS/FILE only; no zlib, IDN, HTTP/2, LDAP.
#   AM_MAINTAINER_MODE is off, so the patched configure.ac (LDAP/GSSAPI only)
#   is not regenerated; the shipped configure is used as is.
# - sqlite3: -DSQLITE_ENABLE_FTS5=0 would *enable* FTS5 (SQLite tests it with
#   #ifdef), so FTS5 is disabled by not defining SQLITE_ENABLE_FTS5 at all.
# - cjson: compiled with -DCJSON_HIDE_SYMBOLS (no dllexport in the .exe);
#   consumers need no define on x86_64.
# - If the mirror lists a newer Debian revision than it can serve (seen with
#   security updates on a stale mirror), the next older listed revision is
#   built, a warning is printed, and $PREFIX_ROOT/mingw-<wanted key> becomes a
#   symlink to the prefix actually built. Delete that symlink to retry.
set -euo pipefail

SCRIPT_REVISION=1
HOST=x86_64-w64-mingw32
PKGS=(curl sqlite3 libyaml check cjson expat)
LINK_LIBS=(-lcurl -lsqlite3 -lyaml -lcheck -lcjson -lexpat -lws2_32 -lcrypt32
  -lbcrypt -lsecur32 -ladvapi32 -lwldap32 -lnormaliz -liphlpapi -lpthread)
CONSUMER_DEFS=(-DCURL_STATICLIB -DYAML_DECLARE_STATIC -DXML_STATIC)

# stdout is reserved for the final path: keep it on fd 3, send the rest to stderr.
exec 3>&1 1>&2

log() { printf '[mingw-deps] %s\n' "$*" >&2; }
die() { printf '[mingw-deps] ERROR: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

VERIFY=0
PREFIX_ROOT=
while [ $# -gt 0 ]; do
  case $1 in
    --verify) VERIFY=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage; die "unknown option: $1" ;;
    *) [ -z "$PREFIX_ROOT" ] || die "only one PREFIX_ROOT allowed"; PREFIX_ROOT=$1 ;;
  esac
  shift
done
PREFIX_ROOT=${PREFIX_ROOT:-${WW_DEPS_CACHE:-$HOME/.cache/wsuswatch}}
mkdir -p "$PREFIX_ROOT"
PREFIX_ROOT=$(cd "$PREFIX_ROOT" && pwd -P)

# tool -> Debian package that provides it
need_tools() {
  local t pkg missing=()
  for t in "$@"; do
    command -v "${t%%:*}" >/dev/null 2>&1 && continue
    pkg=${t#*:}
    missing+=("${t%%:*} (Debian package: $pkg)")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf '[mingw-deps] ERROR: required tool missing: %s\n' "${missing[@]}" >&2
    exit 1
  fi
}

need_tools apt-cache:apt dpkg:dpkg "$HOST-gcc:gcc-mingw-w64-x86-64" sha256sum:coreutils

# ---------------------------------------------------------------------------
# Versions (from the deb-src indexes) and cache key
# ---------------------------------------------------------------------------
declare -A VERSIONS   # pkg -> "newest older ..." (all versions the index lists)

have_debsrc_entries() {
  grep -rqsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*[[:space:]]deb-src\b)' \
    /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}

add_debsrc_entries() {
  [ "$(id -u)" -eq 0 ] || die "no deb-src entries in APT sources; run as root or add them (Types: deb-src) yourself"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    log "adding deb-src entries: /etc/apt/sources.list.d/wsuswatch-deb-src.sources"
    sed -E 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
      > /etc/apt/sources.list.d/wsuswatch-deb-src.sources
  elif grep -qsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    log "adding deb-src entries: /etc/apt/sources.list.d/wsuswatch-deb-src.list"
    sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
      > /etc/apt/sources.list.d/wsuswatch-deb-src.list
  else
    die "no Debian APT sources found to derive deb-src entries from"
  fi
}

apt_update() {
  [ "$(id -u)" -eq 0 ] || die "APT source indexes missing; run 'apt-get update' as root (or run this script as root)"
  local i out
  for i in $(seq 1 60); do
    if out=$(apt-get update 2>&1); then return 0; fi
    if grep -q 'Could not get lock\|Unable to lock' <<<"$out"; then
      log "apt lists are locked by another process, waiting ($i/60)"
      sleep 5
      continue
    fi
    printf '%s\n' "$out" >&2
    die "apt-get update failed"
  done
  die "apt-get update: lock not released after 5 minutes"
}

# Fills VERSIONS; returns 1 when a package has no source record.
read_versions() {
  local pkg ver sorted v i inserted
  declare -A raw=()
  while read -r pkg ver; do
    case " ${raw[$pkg]:-} " in *" $ver "*) ;; *) raw[$pkg]="${raw[$pkg]:-} $ver" ;; esac
  done < <(apt-cache showsrc --only-source "${PKGS[@]}" 2>/dev/null |
           awk '/^Package: /{p=$2} /^Version: /{print p, $2}')
  for pkg in "${PKGS[@]}"; do
    [ -n "${raw[$pkg]:-}" ] || return 1
    sorted=()
    for v in ${raw[$pkg]}; do          # insertion sort, newest first
      inserted=0
      for i in "${!sorted[@]}"; do
        if dpkg --compare-versions "$v" gt "${sorted[$i]}"; then
          sorted=("${sorted[@]:0:$i}" "$v" "${sorted[@]:$i}"); inserted=1; break
        fi
      done
      [ $inserted -eq 1 ] || sorted+=("$v")
    done
    VERSIONS[$pkg]="${sorted[*]}"
  done
}

if ! read_versions; then
  have_debsrc_entries || add_debsrc_entries
  log "source package indexes missing: running apt-get update"
  apt_update
  read_versions || die "apt-cache showsrc finds no source for one of: ${PKGS[*]} (check deb-src entries)"
fi

GCC_VERSION=$("$HOST-gcc" -dumpfullversion 2>/dev/null || "$HOST-gcc" -dumpversion)

# key_of pkg=ver... -> prints "r<rev>-<hash>"
key_of() {
  local h
  h=$(printf '%s\n' "rev=$SCRIPT_REVISION" "host=$HOST" "gcc=$GCC_VERSION" "$@" |
      sha256sum | cut -c1-16)
  printf 'r%s-%s' "$SCRIPT_REVISION" "$h"
}

WANTED=()
for pkg in "${PKGS[@]}"; do WANTED+=("$pkg=${VERSIONS[$pkg]%% *}"); done
WANTED_KEY=$(key_of "${WANTED[@]}")
WANTED_PREFIX=$PREFIX_ROOT/mingw-$WANTED_KEY

# ---------------------------------------------------------------------------
# Verification program
# ---------------------------------------------------------------------------
verify_prefix() {  # prefix run(0|1)
  local p=$1 run=$2 d out rc=0
  d=$(mktemp -d "${TMPDIR:-/tmp}/ww-verify.XXXXXX")
  cat > "$d/verify.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include <yaml.h>
#include <check.h>
#include <cjson/cJSON.h>
#include <expat.h>

START_TEST(test_sanity)
{
    ck_assert_int_eq(1 + 1, 2);
}
END_TEST

static int json_cb(void *arg, int n, char **vals, char **names)
{
    (void)arg; (void)names;
    printf("sqlite-json %s\n", n > 0 && vals[0] ? vals[0] : "(null)");
    return 0;
}

int main(void)
{
    curl_version_info_data *cv;
    sqlite3 *db = NULL;
    cJSON *obj;
    char *js;
    XML_Parser xp;
    Suite *s;
    TCase *tc;
    SRunner *sr;
    int failed;

    if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK) return 2;
    cv = curl_version_info(CURLVERSION_NOW);
    printf("curl %s ssl %s features%s%s%s\n", cv->version,
           cv->ssl_version ? cv->ssl_version : "(none)",
           (cv->features & CURL_VERSION_ASYNCHDNS) ? " AsynchDNS" : "",
           (cv->features & CURL_VERSION_SSPI) ? " SSPI" : "",
           (cv->features & CURL_VERSION_NTLM) ? " NTLM" : "");
    curl_global_cleanup();

    printf("sqlite %s\n", sqlite3_libversion());
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 3;
    if (sqlite3_exec(db, "SELECT json_object('a', 1)", json_cb, NULL, NULL) != SQLITE_OK) return 3;
    sqlite3_close(db);

    printf("yaml %s\n", yaml_get_version_string());

    obj = cJSON_CreateObject();
    cJSON_AddNumberToObject(obj, "a", 1);
    js = cJSON_PrintUnformatted(obj);
    printf("cjson %s %s\n", cJSON_Version(), js);
    cJSON_free(js);
    cJSON_Delete(obj);

    xp = XML_ParserCreate(NULL);
    printf("expat %s parse %d\n", XML_ExpatVersion(),
           (int)XML_Parse(xp, "<a><b/></a>", 11, 1));
    XML_ParserFree(xp);

    s = suite_create("verify");
    tc = tcase_create("core");
    tcase_add_test(tc, test_sanity);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
EOF
  log "verify: compiling and linking a test program against $p"
  if ! "$HOST-gcc" -std=c11 -O1 -Wall -Werror "${CONSUMER_DEFS[@]}" -I"$p/include" \
       "$d/verify.c" -o "$d/verify.exe" -static -L"$p/lib" "${LINK_LIBS[@]}" >"$d/cc.log" 2>&1; then
    cat "$d/cc.log" >&2; rm -rf "$d"; return 1
  fi
  if [ "$run" = 1 ]; then
    if command -v wine >/dev/null 2>&1; then
      log "verify: running the test program under Wine (throw-away WINEPREFIX)"
      mkdir -p "$d/wineprefix"
      out=$(cd "$d" && WINEPREFIX="$d/wineprefix" WINEDEBUG=-all \
            timeout 300 wine ./verify.exe 2>"$d/wine.err" | tr -d '\r') || rc=$?
      WINEPREFIX="$d/wineprefix" wineserver -k >/dev/null 2>&1 || true
      printf '%s\n' "$out" | sed 's/^/    /' >&2
      local want
      for want in '^curl .* ssl Schannel' '^sqlite 3\.' '^sqlite-json \{"a":1\}$' \
                  '^yaml [0-9]' '^cjson [0-9.]+ \{"a":1\}$' '^expat expat_[0-9.]+ parse 1$' \
                  '100%: Checks: 1, Failures: 0, Errors: 0'; do
        grep -qE "$want" <<<"$out" || { log "verify: output lacks /$want/"; rc=1; }
      done
      if [ $rc -ne 0 ]; then
        sed 's/^/    wine: /' "$d/wine.err" | tail -n 20 >&2
        rm -rf "$d"; return 1
      fi
      log "verify: OK under Wine"
    else
      log "verify: wine not found; compiled and linked only"
    fi
  fi
  rm -rf "$d"
}

# ---------------------------------------------------------------------------
# Cache hit
# ---------------------------------------------------------------------------
if [ -f "$WANTED_PREFIX/.stamp" ]; then
  final=$(cd "$WANTED_PREFIX" && pwd -P)
  [ "$final" = "$WANTED_PREFIX" ] ||
    log "note: $WANTED_PREFIX is a fallback alias (see BUILDINFO.txt); delete it to retry the newest versions"
  if [ $VERIFY -eq 1 ]; then verify_prefix "$final" 1 || die "verification failed for $final"; fi
  printf '%s\n' "$final" >&3
  exit 0
fi

# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------
need_tools apt-get:apt dpkg-source:dpkg-dev patch:patch make:make cmake:cmake \
  tclsh:tcl gcc:gcc "$HOST-ar:binutils-mingw-w64-x86-64" \
  "$HOST-ranlib:binutils-mingw-w64-x86-64" pkg-config:pkg-config \
  tar:tar xz:xz-utils flock:util-linux setsid:util-linux timeout:coreutils

JOBS=$(nproc 2>/dev/null || echo 2)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ww-mingw-deps.XXXXXX")
TMP_PREFIX=
cleanup() {
  local rc=$?
  if [ $rc -ne 0 ] && [ "${WW_DEPS_KEEP_BUILD:-0}" = 1 ]; then
    log "kept for debugging: $WORK ${TMP_PREFIX}"
  else
    [ -z "$TMP_PREFIX" ] || rm -rf "$TMP_PREFIX"
    rm -rf "$WORK"
  fi
}
# Long steps run in their own process group in the background, so a signal is
# handled at once (bash defers traps until a foreground child finishes) and
# the whole step (make and its compilers) is stopped with it.
CHILD=
on_signal() {
  if [ -n "$CHILD" ]; then
    kill -TERM -- "-$CHILD" 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
  fi
  log "interrupted"
  exit 130
}
trap cleanup EXIT
trap on_signal INT TERM

# run LOGNAME CMD... : run CMD with output to $WORK/logs/LOGNAME.log
mkdir -p "$WORK/logs" "$WORK/dl" "$WORK/src" "$WORK/build"
run() {
  local logf=$WORK/logs/$1.log rc=0; shift
  printf '+ %s\n' "$*" >>"$logf"
  setsid "$@" >>"$logf" 2>&1 </dev/null &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=
  if [ $rc -ne 0 ]; then
    log "command failed (exit $rc): $*"
    log "last lines of $logf:"
    tail -n 40 "$logf" | sed 's/^/    /' >&2
    exit 1
  fi
}

declare -A BUILT_VER SRCDIR TIMES

# Download the newest listed version the mirror can actually serve.
APT_SRC_OPTS=(-qq)
[ "$(id -u)" -ne 0 ] || APT_SRC_OPTS+=(-o APT::Sandbox::User=root)
fetch() {
  local pkg=$1 v dsc
  for v in ${VERSIONS[$pkg]}; do
    if (cd "$WORK/dl" && apt-get source --download-only "${APT_SRC_OPTS[@]}" "$pkg=$v") \
         >>"$WORK/logs/download.log" 2>&1; then
      BUILT_VER[$pkg]=$v
      [ "$v" = "${VERSIONS[$pkg]%% *}" ] ||
        log "WARNING: $pkg ${VERSIONS[$pkg]%% *} is listed but not downloadable; using $v"
      dsc=$WORK/dl/${pkg}_${v#*:}.dsc
      [ -f "$dsc" ] || die "expected $dsc after download"
      run "extract-$pkg" dpkg-source -x "$dsc" "$WORK/src/$pkg"
      SRCDIR[$pkg]=$WORK/src/$pkg
      return 0
    fi
  done
  tail -n 20 "$WORK/logs/download.log" | sed 's/^/    /' >&2
  die "could not download any version of source package $pkg (${VERSIONS[$pkg]})"
}

log "downloading and unpacking Debian sources into $WORK"
for pkg in "${PKGS[@]}"; do fetch "$pkg"; done

ACTUAL=()
for pkg in "${PKGS[@]}"; do ACTUAL+=("$pkg=${BUILT_VER[$pkg]}"); done
KEY=$(key_of "${ACTUAL[@]}")
PREFIX=$PREFIX_ROOT/mingw-$KEY

# Serialise concurrent builds of the same key.
exec 9>"$PREFIX_ROOT/.lock-$KEY"
flock 9

# Leftovers of killed runs (SIGKILL skips the cleanup trap); we hold the lock.
rm -rf "$PREFIX".tmp.*
# A fallback alias under the name of versions we could download now is stale.
[ ! -L "$PREFIX" ] || rm -f "$PREFIX"

make_alias() {
  [ "$KEY" = "$WANTED_KEY" ] && return 0
  if [ -d "$WANTED_PREFIX" ] && [ ! -L "$WANTED_PREFIX" ]; then return 0; fi
  ln -sfn "mingw-$KEY" "$WANTED_PREFIX"
  log "WARNING: fallback versions built; $WANTED_PREFIX -> mingw-$KEY"
}

if [ -f "$PREFIX/.stamp" ]; then
  log "$PREFIX already complete"
  make_alias
  if [ $VERIFY -eq 1 ]; then verify_prefix "$PREFIX" 1 || die "verification failed for $PREFIX"; fi
  printf '%s\n' "$PREFIX" >&3
  exit 0
fi

TMP_PREFIX=$PREFIX.tmp.$$
rm -rf "$TMP_PREFIX"
mkdir -p "$TMP_PREFIX/include" "$TMP_PREFIX/lib"

cat > "$WORK/toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF
CMAKE_COMMON=(-DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF)

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
timed() {  # name function
  local t0 t1
  log "building $1 ${BUILT_VER[$1]}"
  t0=$(now)
  "$2"
  t1=$(now)
  TIMES[$1]=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  log "built $1 in ${TIMES[$1]} s"
}

build_curl() {
  local s=${SRCDIR[curl]} p
  # Debian builds the OpenSSL flavour without these two flavour-renaming patches.
  for p in 99_nss 90_gnutls; do
    if grep -qx "$p.patch" "$s/debian/patches/series"; then
      run curl patch -d "$s" -R -p1 -s -i "debian/patches/$p.patch"
    fi
  done
  mkdir -p "$WORK/build/curl"
  run curl env -C "$WORK/build/curl" CFLAGS="-O2" "$s/configure" \
    --host="$HOST" --prefix=/ \
    --disable-shared --enable-static --disable-dependency-tracking \
    --with-schannel --without-openssl --enable-sspi --disable-pthreads \
    --without-ca-bundle --without-ca-path \
    --without-libpsl --without-brotli --without-zstd --without-nghttp2 \
    --without-ngtcp2 --without-nghttp3 --without-libidn2 --without-zlib \
    --without-libssh2 --without-libssh --without-librtmp --without-libgsasl \
    --disable-ldap --disable-ldaps --disable-rtsp --disable-dict --disable-telnet \
    --disable-tftp --disable-pop3 --disable-imap --disable-smtp --disable-gopher \
    --disable-mqtt --disable-smb --disable-ftp --disable-manual
  run curl make -C "$WORK/build/curl/lib" -j"$JOBS"
  mkdir -p "$TMP_PREFIX/include/curl"
  install -m 0644 "$s"/include/curl/*.h "$TMP_PREFIX/include/curl/"
  install -m 0644 "$WORK/build/curl/lib/.libs/libcurl.a" "$TMP_PREFIX/lib/libcurl.a"
}

build_sqlite3() {
  local s=${SRCDIR[sqlite3]} b=$WORK/build/sqlite3
  mkdir -p "$b"
  # Native configure only to generate the amalgamation.
  run sqlite3 env -C "$b" CC=gcc CFLAGS="-O0" "$s/configure" \
    --disable-tcl --disable-readline --disable-shared
  run sqlite3 make -C "$b" -j"$JOBS" sqlite3.c
  run sqlite3 "$HOST-gcc" -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION \
    -c "$b/sqlite3.c" -o "$b/sqlite3.o"
  run sqlite3 "$HOST-ar" rcs "$TMP_PREFIX/lib/libsqlite3.a" "$b/sqlite3.o"
  install -m 0644 "$b/sqlite3.h" "$TMP_PREFIX/include/sqlite3.h"
}

build_libyaml() {
  local s=${SRCDIR[libyaml]} b=$WORK/build/libyaml
  run libyaml cmake -S "$s" -B "$b" "${CMAKE_COMMON[@]}" -DYAML_STATIC_LIB_NAME=yaml
  run libyaml cmake --build "$b" -j "$JOBS" --target yaml
  install -m 0644 "$s/include/yaml.h" "$TMP_PREFIX/include/yaml.h"
  install -m 0644 "$(find "$b" -name 'lib*.a' | head -n1)" "$TMP_PREFIX/lib/libyaml.a"
}

build_check() {
  local s=${SRCDIR[check]} b=$WORK/build/check
  # libcheck formats assertion messages (%jd, ...) with vsnprintf: use MinGW's
  # C99 printf rather than msvcrt's, and declare it gnu_printf in check.h so
  # consumers' -Wall/-Wformat does not flag every ck_assert_int_* (MinGW gcc
  # maps the "printf" archetype to ms_printf, which lacks %jd).
  sed -i 's/CK_ATTRIBUTE_FORMAT(printf,/CK_ATTRIBUTE_FORMAT(gnu_printf,/' "$s/src/check.h.in"
  run check cmake -S "$s" -B "$b" "${CMAKE_COMMON[@]}" -DCHECK_ENABLE_TESTS=OFF \
    -DCMAKE_C_FLAGS="-D__USE_MINGW_ANSI_STDIO=1" \
    -DCHECK_ENABLE_GCOV=OFF -DENABLE_MEMORY_LEAKING_TESTS=OFF
  run check cmake --build "$b" -j "$JOBS" --target check
  install -m 0644 "$b/src/check.h" "$b/check_stdint.h" "$TMP_PREFIX/include/"
  install -m 0644 "$b/src/libcheck.a" "$TMP_PREFIX/lib/libcheck.a"
}

build_cjson() {
  local s=${SRCDIR[cjson]} b=$WORK/build/cjson
  mkdir -p "$b" "$TMP_PREFIX/include/cjson"
  run cjson "$HOST-gcc" -O2 -std=c89 -DCJSON_HIDE_SYMBOLS -c "$s/cJSON.c" -o "$b/cJSON.o"
  run cjson "$HOST-ar" rcs "$TMP_PREFIX/lib/libcjson.a" "$b/cJSON.o"
  install -m 0644 "$s/cJSON.h" "$TMP_PREFIX/include/cjson/cJSON.h"
}

build_expat() {
  local s=${SRCDIR[expat]}/expat b=$WORK/build/expat a
  # Debian's CVE-2024-8176 patch tests "#if XML_DTD == 1" (autotools defines 1);
  # CMake's template defines XML_DTD/XML_NS empty. Define them to 1 as autotools does.
  sed -i -E 's/^#cmakedefine (XML_DTD|XML_NS)$/#cmakedefine \1 1/' "$s/expat_config.h.cmake"
  run expat cmake -S "$s" -B "$b" "${CMAKE_COMMON[@]}" \
    -DEXPAT_BUILD_TOOLS=OFF -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF \
    -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_DOCS=OFF -DEXPAT_BUILD_PKGCONFIG=OFF \
    -DEXPAT_BUILD_FUZZERS=OFF
  run expat cmake --build "$b" -j "$JOBS" --target expat
  a=$(find "$b" -maxdepth 1 -name 'libexpat*.a' | head -n1)   # libexpat.a or libexpatMD.a
  [ -n "$a" ] || die "expat: no static library produced"
  install -m 0644 "$a" "$TMP_PREFIX/lib/libexpat.a"
  install -m 0644 "$s/lib/expat.h" "$s/lib/expat_external.h" "$TMP_PREFIX/include/"
}

T_START=$(now)
timed curl build_curl
timed sqlite3 build_sqlite3
timed libyaml build_libyaml
timed check build_check
timed cjson build_cjson
timed expat build_expat

for f in include/curl/curl.h include/sqlite3.h include/yaml.h include/check.h \
         include/check_stdint.h include/cjson/cJSON.h include/expat.h \
         include/expat_external.h lib/libcurl.a lib/libsqlite3.a lib/libyaml.a \
         lib/libcheck.a lib/libcjson.a lib/libexpat.a; do
  [ -s "$TMP_PREFIX/$f" ] || die "missing from result: $f"
done

# Always make sure the result links before publishing it.
verify_prefix "$TMP_PREFIX" 0 || die "test program does not link against the new prefix"

TOTAL=$(awk -v a="$T_START" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')
{
  echo "# wsuswatch MinGW deps, built $(date -u +%Y-%m-%dT%H:%M:%SZ) by cmake/build-mingw-deps.sh"
  echo "key=$KEY"
  echo "script_revision=$SCRIPT_REVISION"
  echo "host=$HOST"
  echo "gcc=$GCC_VERSION"
  for pkg in "${PKGS[@]}"; do
    echo "$pkg=${BUILT_VER[$pkg]} (newest listed: ${VERSIONS[$pkg]%% *}) build_seconds=${TIMES[$pkg]}"
  done
  echo "total_build_seconds=$TOTAL"
  echo "consumer_defines=${CONSUMER_DEFS[*]}"
  echo "consumer_libs=-static ${LINK_LIBS[*]}"
} > "$TMP_PREFIX/BUILDINFO.txt"
date -u +%Y-%m-%dT%H:%M:%SZ > "$TMP_PREFIX/.stamp"

# Publish atomically. A leftover prefix without stamp (impossible unless made
# by hand) is removed first; mv -T fails instead of nesting into a directory.
[ ! -e "$PREFIX" ] || rm -rf "$PREFIX"
mv -T "$TMP_PREFIX" "$PREFIX"
TMP_PREFIX=
make_alias

log "build times (s): $(for pkg in "${PKGS[@]}"; do printf '%s=%s ' "$pkg" "${TIMES[$pkg]}"; done)total=$TOTAL"
if [ $VERIFY -eq 1 ]; then verify_prefix "$PREFIX" 1 || die "verification failed for $PREFIX"; fi
printf '%s\n' "$PREFIX" >&3
