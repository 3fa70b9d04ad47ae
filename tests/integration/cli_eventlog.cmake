# `wsuswatch eventlog-check` where the Windows event log cannot be read -
# the POSIX build, and Wine, whose wevtapi is a stub - must say "event log
# unavailable" and exit 0 (the monitor keeps going without this source).
# It runs the live reader's real first calls (EvtQuery, then the render
# context) through wsuswatch.exe, not a fake.
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
