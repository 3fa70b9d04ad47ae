# `wsuswatch eventlog-check` where the Windows event log cannot be read -
# the POSIX build, and Wine, whose wevtapi is a stub - must say "event log
# unavailable" and exit 0 (the monitor keeps going without this source).
# It runs the live reader's real first calls (EvtQuery, then the render
# context) through wsuswatch.exe, not a fake.  `diagnose` reaches the same
# calls through its scan and must report the same, with a verdict.
#
# cmake -DWW_EXE=<exe> [-DWW_EMULATOR=<wine>] -P this-file

foreach(args "eventlog-check" "eventlog-check;--json")
  execute_process(
    COMMAND ${WW_EMULATOR} "${WW_EXE}" ${args}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${args}: exit ${rc}, expected 0\nstdout: ${out}\nstderr: ${err}")
  endif()
  string(FIND "${out}" "event log unavailable: " at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${args}: no 'event log unavailable' report\nstdout: ${out}\nstderr: ${err}")
  endif()
endforeach()
if(NOT out MATCHES "\"available\":[ \t]*false")
  message(FATAL_ERROR "--json does not say available: false: ${out}")
endif()

# diagnose reads the live log through the same first calls (the store-less
# scan): the Event log group says "event log unavailable" (Wine) or skipped
# (POSIX), and diagnose still ends with a verdict (0-3), not an error.
include(${CMAKE_CURRENT_LIST_DIR}/diag_item.cmake)
execute_process(
  COMMAND ${WW_EMULATOR} "${WW_EXE}" diagnose --no-probes --json
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT rc MATCHES "^[0-3]$")
  message(FATAL_ERROR "diagnose: exit ${rc}, expected a verdict 0-3\nstdout: ${out}\nstderr: ${err}")
endif()
diag_item("${out}" "Event log" eventlog e)
if(WW_EMULATOR)
  set(want_state warning)
  set(want_text "event log unavailable: ")
else()
  set(want_state skipped)
  set(want_text "not available on this system")
endif()
string(FIND "${e_summary}" "${want_text}" at)
if(NOT e_state STREQUAL want_state OR at EQUAL -1)
  message(FATAL_ERROR "diagnose eventlog item: ${e_state} '${e_summary}', expected ${want_state} '${want_text}...'")
endif()
string(JSON cs TYPE "${out}" catalog_sync)
if(NOT cs STREQUAL "NULL")
  message(FATAL_ERROR "diagnose: catalog_sync is ${cs} without events\n${out}")
endif()
