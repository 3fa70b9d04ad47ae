# `wsuswatch diagnose --events FILE` on real-format exports, on every
# platform (POSIX, and wsuswatch.exe under Wine): the Event log group is
# judged from the export - WSUS's catalog verdict through the health rule
# wsus_health_events, content download failures (364) and self-check
# failures (12xxx) - and an export that cannot be used exits as in
# `analyze`: 66 missing, 65 malformed, 64 given twice.
#
# cmake -DWW_EXE=<exe> [-DWW_EMULATOR=<wine>] -DWW_SOURCE_DIR=<src>
#       -DWORK=<dir> -P this-file

include(${CMAKE_CURRENT_LIST_DIR}/diag_item.cmake)
set(ev "${WW_SOURCE_DIR}/tests/fixtures/events")
file(MAKE_DIRECTORY "${WORK}")
# No WSUS log and no probes: only the event log speaks.
set(base diagnose --no-probes --log "${WORK}/no-such.log")

function(run expect_rc)
  execute_process(COMMAND ${WW_EMULATOR} "${WW_EXE}" ${base} ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc MATCHES "^(${expect_rc})$")
    message(FATAL_ERROR "diagnose ${ARGN}: exit ${rc}, expected ${expect_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect label got want)
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "${label}: '${got}', expected '${want}'\n${out}")
  endif()
endfunction()

# French Event Viewer export (UTF-16): 10022 is the newest - CRITICAL.
run(2 --json --events "${ev}/eventviewer-fr-utf16.xml")
diag_item("${out}" "Event log" catalog_sync c)
expect("fr catalog_sync" "${c_state}" critical)
expect_in("fr catalog_sync" "${c_summary}" "WSUS event 10022 at 2026-11-22T02:17:00Z")
string(JSON st GET "${out}" catalog_sync state)
expect("fr catalog_sync.state" "${st}" failed)
string(JSON st GET "${out}" health)
expect("fr health" "${st}" critical)
string(JSON chk GET "${out}" checks)
expect_in("fr checks" "${chk}" "\"wsus_health_events\"")

# German wevtutil /f:RenderedXml: healthy catalog, but a 364 and a 12072.
run("0|1|2|3" --json --events "${ev}/wevtutil-rendered-de.xml")
diag_item("${out}" "Event log" eventlog e)
expect("de eventlog" "${e_state}" ok)
expect_in("de eventlog" "${e_summary}" "9 WSUS event(s) in the export ")
diag_item("${out}" "Event log" catalog_sync c)
expect("de catalog_sync" "${c_state}" ok)
diag_item("${out}" "Event log" content_download d)
expect("de content_download" "${d_state}" warning)
expect_in("de content_download" "${d_evidence}" "Quelldatei: /Content/wuagent.exe")
diag_item("${out}" "Event log" self_check s)
expect("de self_check" "${s_state}" warning)
expect_in("de self_check" "${s_summary}" "content directory (12072) 1x")

# The text report shows the same items.
run("0|1|2|3" --events "${ev}/wevtutil-rendered-de.xml")
expect_in("text" "${out}" "6. Event log" "content_download" "self_check")

# Truncated: the complete events are judged, the note goes to stderr.
run("0|1|2|3" --json --events "${ev}/wevtutil-truncated.xml")
expect_in("truncated stderr" "${err}" "truncated: ")
diag_item("${out}" "Event log" eventlog t)
expect_in("truncated evidence" "${t_evidence}" "truncated: ")

run(65 --events "${ev}/wevtutil-malformed.xml")
run(66 --events "${ev}/no-such-export.xml")
run(64 --events "${ev}/wevtutil-plain.xml" --events "${ev}/wevtutil-plain.xml")
