# Under Wine: WSUS discovery on the real binary.  The Setup registry key is
# written with `wine reg add`; Wine has no SQL Server, so SUSDB must be
# reported as "SUSDB not readable: <ODBC message>" and nothing may fail.
#   cmake -DWW_EXE=wsuswatch.exe -DWW_EMULATOR=wine -DWORK=dir -P discover_wine.cmake
set(ENV{WINEDEBUG} "-all")
set(SETUP "HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup")
file(MAKE_DIRECTORY "${WORK}")

function(reg_add name type value)
  execute_process(COMMAND ${WW_EMULATOR} reg add "${SETUP}" /v ${name} /t ${type} /d "${value}" /f
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "reg add ${name}: ${rc} ${out} ${err}")
  endif()
endfunction()

function(run label expect_rc)
  execute_process(COMMAND ${WW_EMULATOR} "${WW_EXE}" ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc MATCHES "^(${expect_rc})$")
    message(FATAL_ERROR "${label}: exit ${rc}, expected ${expect_rc}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/../integration/diag_item.cmake)

execute_process(COMMAND ${WW_EMULATOR} reg delete "${SETUP}" /f OUTPUT_QUIET ERROR_QUIET)

# 1. No WSUS: nothing discovered, no note, defaults.
run("no WSUS" 0 config show)
expect_in("no WSUS" "${out}" "WSUS settings not discovered: WSUS is not installed here"
  "  log: \"C:\\\\Program Files\\\\Update Services\\\\LogFiles\\\\SoftwareDistribution.log\"  # WSUS's")
if(err MATCHES "note:")
  message(FATAL_ERROR "no WSUS: unexpected note on stderr: ${err}")
endif()

# 2. WSUS installed (registry only), WID by default: registry values used,
#    SUSDB not readable, reported as a note and never fatal.
reg_add(PortNumber REG_DWORD 8531)
reg_add(UsingSSL REG_DWORD 1)
reg_add(ContentDir REG_SZ "D:\\WSUS")
reg_add(TargetDir REG_SZ "D:\\Program Files\\Update Services\\")
run("registry" 0 config show)
expect_in("registry" "${out}"
  "# This WSUS server: port 8531, SSL on, SUSDB on WID (default), content D:\\WSUS"
  "# SUSDB not readable: np:\\\\.\\pipe\\MICROSOFT##WID\\tsql\\query: "
  "  log: \"D:\\\\Program Files\\\\Update Services\\\\LogFiles\\\\SoftwareDistribution.log\"  # discovered: registry Setup\\TargetDir")
expect_in("registry stderr" "${err}" "wsuswatch: note: WSUS settings: SUSDB not readable: ")
message(STATUS "config show with the Setup key:\n${out}\n${err}")

# 3. A configuration file wins over the registry.
file(WRITE "${WORK}/w.yaml" "wsus:\n  log: 'Z:\\\\mine.log'\n")
run("file wins" 0 --config "${WORK}/w.yaml" config show)
expect_in("file wins" "${out}" "  log: \"Z:\\\\\\\\mine.log\"  # WSUS's SoftwareDistribution.log")

# 4. diagnose: values with their origin, the SUSDB item unknown with the
#    ODBC message and the first check; verdict codes only (0-3).
run("diagnose" "0|1|2|3" diagnose --no-probes --json)
diag_item("${out}" "Configuration" "discovery" d)
if(NOT d_state STREQUAL "unknown")
  message(FATAL_ERROR "discovery item is ${d_state}, expected unknown: ${d_summary}")
endif()
expect_in("diagnose discovery" "${d_summary}" "SUSDB not readable: np:\\\\.\\pipe\\MICROSOFT##WID\\tsql\\query: ")
expect_in("diagnose hint" "${d_hint}" "LocalSystem")
expect_in("diagnose evidence" "${d_evidence}" "port 8531, SSL on")
diag_item("${out}" "Configuration" "value_sources" v)
expect_in("diagnose sources" "${v_summary}" "0 from the file, 3 discovered from WSUS")
expect_in("diagnose sources" "${v_evidence}" "wsus.log (registry Setup\\TargetDir)")
# This server's own port and SSL, for probes.local (docs/probes.md).
expect_in("diagnose sources" "${v_evidence}" "wsus.server.port (registry Setup\\PortNumber)")
expect_in("diagnose sources" "${v_evidence}" "wsus.server.ssl (registry Setup\\UsingSSL)")
message(STATUS "discovery: ${d_state} - ${d_summary}")

# 5. wsus.discover: false switches it off.
file(WRITE "${WORK}/off.yaml" "wsus:\n  discover: false\n")
run("off" "0|1|2|3" --config "${WORK}/off.yaml" diagnose --no-probes --json)
diag_item("${out}" "Configuration" "discovery" o)
if(NOT o_state STREQUAL "skipped")
  message(FATAL_ERROR "discover: false gives ${o_state}: ${o_summary}")
endif()

execute_process(COMMAND ${WW_EMULATOR} reg delete "${SETUP}" /f OUTPUT_QUIET ERROR_QUIET)
