# `wsuswatch analyze --events FILE [--log FILE] --json` on real-format
# exports: the WSUS events, the catalog verdict, the sync runs the events
# imply merged with the log's into one timeline; a truncated export keeps
# its complete events (exit 0, note on stderr), a malformed one is exit 65,
# a missing one 66.
#
# cmake -DWW_EXE=<exe> [-DWW_EMULATOR=<wine>] -DWW_SOURCE_DIR=<src> -P this-file

set(ev "${WW_SOURCE_DIR}/tests/fixtures/events")
set(log "${WW_SOURCE_DIR}/tests/fixtures/synclog/track-sync.log")

function(run expect_rc)
  execute_process(COMMAND ${WW_EMULATOR} "${WW_EXE}" analyze ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "analyze ${ARGN}: exit ${rc}, expected ${expect_rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect_json json want)
  string(JSON got ERROR_VARIABLE e GET "${out}" ${json})
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "${json}: '${got}' (${e}), expected '${want}'\n${out}")
  endif()
endfunction()

function(expect_len json want)
  string(JSON got ERROR_VARIABLE e LENGTH "${out}" ${json})
  if(NOT got STREQUAL want)
    message(FATAL_ERROR "length of ${json}: '${got}' (${e}), expected '${want}'\n${out}")
  endif()
endfunction()

# German wevtutil /f:RenderedXml export alone.
run(0 --events "${ev}/wevtutil-rendered-de.xml" --json)
expect_len(wsus_events 9)
expect_json("wsus_events;2;event_id" 10022)
expect_json("wsus_events;2;meaning" catalog_sync_failed)
expect_json("wsus_events;2;level" error)
expect_json("wsus_events;2;record_id" 4711)
expect_json("wsus_events;2;time" 2026-11-20T02:15:33Z)
expect_json("catalog_sync;state" healthy)
expect_len(sync_runs 2)
expect_json("sync_runs;0;result" failed)
expect_json("sync_runs;1;kind" manual)
expect_json("last_successful_sync" 2026-11-21T09:41:12Z)
expect_json("last_sync_attempt" 2026-11-21T09:30:00Z)
expect_json("events_input;truncated" OFF)

# With a log: one timeline holding the log's runs and the events' runs.
run(0 --log "${log}" --json)
string(JSON log_runs LENGTH "${out}" sync_runs)
run(0 --log "${log}" --events "${ev}/wevtutil-rendered-de.xml" --json)
math(EXPR want "${log_runs} + 2")
expect_len(sync_runs ${want})
expect_len(wsus_events 9)

# Event Viewer "Save as XML", UTF-16 with BOM.
run(0 --events "${ev}/eventviewer-fr-utf16.xml" --json)
expect_len(wsus_events 2)
expect_json("catalog_sync;state" failed)

# Truncated: complete events kept, the place named on stderr.
run(0 --events "${ev}/wevtutil-truncated.xml" --json)
expect_json("events_input;truncated" ON)
expect_len(wsus_events 2)
if(NOT err MATCHES "wevtutil-truncated.xml:4:[0-9]+: truncated: ")
  message(FATAL_ERROR "no truncation report on stderr: ${err}")
endif()

# Malformed: exit 65 with FILE:LINE:COL.
run(65 --events "${ev}/wevtutil-malformed.xml")
if(NOT err MATCHES "wevtutil-malformed.xml:2:[0-9]+: mismatched tag")
  message(FATAL_ERROR "malformed report: ${err}")
endif()

# Missing file: exit 66.
run(66 --events "${ev}/does-not-exist.xml")

# Human output names WSUS's verdict.
run(0 --events "${ev}/wevtutil-rendered-de.xml")
if(NOT out MATCHES "Catalog sync \\(WSUS's own verdict\\): healthy")
  message(FATAL_ERROR "human output: ${out}")
endif()
