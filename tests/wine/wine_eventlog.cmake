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
          "L\"warning > 26h, critical > 50h\"" "L\"wsuswatch-wine-test-started\""
          "L\"endpoint:microsoft_update\""
          "L\"proxy requires authentication (407, 0x8024401B) at proxy.corp:8080\""
          "L\"check the proxy user and password in WSUS\"")
  string(FIND "${err}" "ReportEventW ${s}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "ReportEventW trace lacks ${s}:\n${err}")
  endif()
endforeach()
# 0x7d1 = 2001, type 0x0002 = EVENTLOG_WARNING_TYPE, 9 strings.
if(NOT err MATCHES "ReportEventW \\([0-9A-Fa-f]+,0x0002,0x0000,0x000007d1,[0-9A-Fa-f]+,0x0009,")
  message(FATAL_ERROR "ReportEventW not called with type 2, ID 2001, 9 strings:\n${err}")
endif()
foreach(s "message 2001: WSUS synchronization is stale (warning): last successful sync 30h ago (warning > 26h)."
          "Likely cause: proxy requires authentication (407, 0x8024401B) at proxy.corp:8080"
          "Fix: check the proxy user and password in WSUS")
  string(FIND "${out}" "${s}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "message table text for 2001 lacks '${s}':\n${out}")
  endif()
endforeach()
message(STATUS "${out}")
