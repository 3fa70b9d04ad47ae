# Runs the real wsuswatch binary: config check / config show exit codes and
# messages.  cmake -DWW_EXE=... -DWW_EMULATOR=... -DWORK=dir -DWW_SOURCE_DIR=src
#   -P cli_config.cmake
# Relative file names keep paths identical under Wine.

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

function(run expect_rc)
  execute_process(COMMAND ${WW_EMULATOR} "${WW_EXE}" ${ARGN}
    WORKING_DIRECTORY "${WORK}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "${expect_rc}")
    message(FATAL_ERROR "wsuswatch ${ARGN}: exit ${rc}, want ${expect_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

function(expect_in haystack needle what)
  string(FIND "${haystack}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "${what}: '${needle}' not found in:\n${haystack}")
  endif()
endfunction()

file(WRITE "${WORK}/bad.yaml" "interval: 5m\nthresholds:\n  sync_warn: 5h\n")
file(WRITE "${WORK}/good.yaml" "interval: 7m\nproxy:\n  password_env: WW_SECRET\n")

# An invalid file: exit 78 and FILE:LINE:COL.
run(78 --config bad.yaml config check)
expect_in("${ERR}" "bad.yaml:3:3: unknown key 'thresholds.sync_warn' (did you mean 'thresholds.sync_warning'?)" "check bad")
run(78 config check bad.yaml)
run(78 --config bad.yaml config show)
expect_in("${ERR}" "bad.yaml:3:3:" "show bad")

# A missing file: exit 66.
run(66 config check missing.yaml)
expect_in("${ERR}" "missing.yaml" "check missing")
run(66 --config missing.yaml config show)

# A valid file: "FILE: ok".
run(0 config check good.yaml)
expect_in("${OUT}" "good.yaml: ok" "check good")

# show: defaults without a file, the file's values with one, never a secret.
run(0 config show)
expect_in("${OUT}" "interval: 5m" "show defaults")
expect_in("${OUT}" "built-in defaults" "show defaults")
run(0 --config good.yaml config show)
expect_in("${OUT}" "interval: 7m" "show file")
expect_in("${OUT}" "password_env: \"WW_SECRET\"" "show file")
file(WRITE "${WORK}/shown.yaml" "${OUT}")
run(0 config check shown.yaml)

# Usage errors.
run(64 config)
run(64 config frobnicate)
run(64 config check)
run(0 config keys --markdown)
expect_in("${OUT}" "| `thresholds.sync_failures` | integer | `3` |" "keys")

# docs/configuration.md carries the generated key table; it must match.
string(REPLACE "\r" "" keys "${OUT}")
file(READ "${WW_SOURCE_DIR}/docs/configuration.md" doc)
expect_in("${doc}" "<!-- keys:begin -->\n${keys}<!-- keys:end -->"
  "docs/configuration.md is stale: regenerate with 'wsuswatch config keys --markdown'")
