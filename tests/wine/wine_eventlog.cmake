# Under Wine: an alert reaches ReportEventW.  Wine cannot read the event
# log back, but WINEDEBUG=+eventlog traces each insertion string on
# stderr; the program also prints event 2001's text from its own message
# table.   cmake -DWW_PROG=... -DWW_EMULATOR=... -P wine_eventlog.cmake
set(ENV{WINEDEBUG} "+eventlog")
execute_process(COMMAND ${WW_EMULATOR} "${WW_PROG}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
foreach(s "L\"sync_staleness\"" "L\"warning\""
          "L\"last successful sync 30h ago (warning > 26h)\"" "L\"30h\""
          "L\"warning > 26h, critical > 50h\"" "L\"wsuswatch-wine-test-started\"")
  string(FIND "${err}" "ReportEventW ${s}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "ReportEventW trace lacks ${s}:\n${err}")
  endif()
endforeach()
# 0x7d1 = 2001, type 0x0002 = EVENTLOG_WARNING_TYPE, 5 strings.
if(NOT err MATCHES "ReportEventW \\([0-9A-Fa-f]+,0x0002,0x0000,0x000007d1,[0-9A-Fa-f]+,0x0005,")
  message(FATAL_ERROR "ReportEventW not called with type 2, ID 2001, 5 strings:\n${err}")
endif()
string(FIND "${out}" "message 2001: WSUS synchronization is stale (warning): last successful sync 30h ago (warning > 26h)." pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "message table text for 2001 missing:\n${out}")
endif()
message(STATUS "${out}")
