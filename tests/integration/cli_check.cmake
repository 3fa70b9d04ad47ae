# Runs the real `wsuswatch check` over a store: the issue's "done when"
# (a last successful sync 30 hours old -> WARNING with the age, exit 1),
# the other exit codes, and UNKNOWN (3) for every error, as the Nagios
# plugin guidelines require.
#   cmake -DWW_EXE=... -DWW_MAKE_STORE=... -DWW_EMULATOR=... -DWORK=dir -P cli_check.cmake
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
endfunction()

function(store db age)
  execute_process(COMMAND ${WW_EMULATOR} "${WW_MAKE_STORE}" ${db} ${age} ${ARGN}
    WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "make_health_store ${db}: ${rc} ${err}")
  endif()
endfunction()

function(expect_match text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: output does not match '${regex}':\n${text}")
  endif()
endfunction()

# 30 hours: WARNING, with the age and the threshold, perfdata in seconds.
store(stale.db 108000)
file(WRITE "${WORK}/stale.yaml" "database: stale.db\n")
run(1 --config stale.yaml check)
expect_match("${OUT}" "^WSUSWATCH WARNING - last successful sync 30h ago \\(warning > 26h\\) \\| sync_age=1080[0-9][0-9]s;93600;180000;0 sync_failures=0;3;;0 probes_failed=0;;;0\n$" "30h")

# 2 hours: OK.  51 hours: CRITICAL.
store(fresh.db 7200)
file(WRITE "${WORK}/fresh.yaml" "database: fresh.db\n")
run(0 --config fresh.yaml check)
expect_match("${OUT}" "^WSUSWATCH OK - last successful sync 2h ago \\|" "2h")
store(old.db 183600 3)
file(WRITE "${WORK}/old.yaml" "database: old.db\nthresholds: {sync_critical: 2d}\n")
run(2 --config old.yaml check)
expect_match("${OUT}" "^WSUSWATCH CRITICAL - last successful sync 51h ago \\(critical > 48h\\) \\| sync_age=[0-9]+s;93600;172800;0 sync_failures=3;3;;0[^\n]*\nsync_failures warning: 3 consecutive" "51h")

# No database (service never ran), a broken configuration: UNKNOWN, exit 3.
file(WRITE "${WORK}/none.yaml" "database: none.db\n")
run(3 --config none.yaml check)
expect_match("${OUT}" "^WSUSWATCH UNKNOWN - no database at none.db: is the wsuswatch service running\\?\n$" "no db")
file(WRITE "${WORK}/bad.yaml" "thresholds: {sync_warn: 5h}\n")
run(3 --config bad.yaml check)
expect_match("${OUT}" "^WSUSWATCH UNKNOWN - configuration: bad.yaml:1:" "bad config")
file(WRITE "${WORK}/junk.db" "this is not a database, just some text that is long enough\n")
file(WRITE "${WORK}/junk.yaml" "database: junk.db\n")
run(3 --config junk.yaml check)
expect_match("${OUT}" "^WSUSWATCH UNKNOWN - .*junk.db" "junk db")
run(3 check extra)
