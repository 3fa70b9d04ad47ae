# Under Wine: the host TLS registry checks read what `wine reg import` wrote.
#   cmake -DWW_PROG=hostcfg_dump.exe -DWW_EMULATOR=wine -DWORK=dir -P hostcfg_wine.cmake
# Three states of the same prefix: nothing set, half set (TLS 1.2 client
# disabled, a local cipher suite order without a usable suite, strong
# crypto only in the 64-bit view, WSUS installed), all set (TLS 1.0 and
# 1.1 off).  tls_paths.sh covers the policy, the OS and w3wp.exe.config.
set(ENV{WINEDEBUG} "-all")
set(TLS "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client")
set(NET64 "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319")
set(NET32 "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319")
set(SETUP "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup")
set(TLS10 "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client")
set(TLS11 "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.1\\Client")
set(LOCAL "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002")

# Wine's path of a host path (drive Z: is the root).
function(winpath out path)
  string(REPLACE "/" "\\" p "${path}")
  set(${out} "Z:${p}" PARENT_SCOPE)
endfunction()

# Import a .reg file with `wine reg import`, one Wine process per state
# instead of one `reg add` per value.  A failed import is retried once and
# said so in the output (CI saw one `reg add` exit 1 with no message, not
# reproduced since); a second failure ends the test with both answers.
function(reg_import file)
  winpath(wfile "${file}")
  set(log "")
  foreach(attempt 1 2)
    execute_process(COMMAND ${WW_EMULATOR} reg import "${wfile}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(rc EQUAL 0)
      if(NOT log STREQUAL "")
        message(STATUS "WARNING: reg import ${file} succeeded only on attempt 2:${log}")
      endif()
      return()
    endif()
    string(APPEND log "\n attempt ${attempt}: exit ${rc} [${out}] [${err}]")
    execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1)
  endforeach()
  message(FATAL_ERROR "reg import ${file} failed:${log}")
endfunction()

# One registry state, as the text of a .reg file (written to WORK).
function(state name text)
  file(WRITE "${WORK}/${name}.reg" "Windows Registry Editor Version 5.00\n\n${text}")
  reg_import("${WORK}/${name}.reg")
endfunction()

function(expect label)
  execute_process(COMMAND ${WW_EMULATOR} "${WW_PROG}" RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${label}: exit ${rc}\n${out}\n${err}")
  endif()
  foreach(line ${ARGN})
    string(FIND "${out}" "${line}" pos)
    if(pos EQUAL -1)
      message(FATAL_ERROR "${label}: output lacks '${line}':\n${out}")
    endif()
  endforeach()
  message(STATUS "${label}:\n${out}")
endfunction()

# Whatever an earlier test left behind (tests/wine/host_baseline.reg).
file(MAKE_DIRECTORY "${WORK}")
reg_import("${CMAKE_CURRENT_LIST_DIR}/host_baseline.reg")

expect("nothing set"
  "schannel_tls12_client ok - | TLS 1.2 not configured"
  "cipher_suite_order ok - | no cipher suite order configured"
  "w3wp_exe_config ok - | no w3wp.exe.config"
  "dotnet_strong_crypto warning import_tls_path | .NET 4 SchUseStrongCrypto is not set to 1 in the 64-bit and WOW6432Node views"
  "wsus_setup unknown - | WSUS is not installed")

# TLS 1.2 client disabled, a local cipher suite order (a REG_SZ comma list)
# without a usable suite, strong crypto only in the 64-bit view, WSUS set up.
state(half "[${TLS}]
\"Enabled\"=dword:00000000

[${NET64}]
\"SchUseStrongCrypto\"=dword:00000001

[${SETUP}]
\"PortNumber\"=dword:00002153
\"UsingSSL\"=dword:00000001
\"ContentDir\"=\"D:\\\\WSUS\"

[${LOCAL}]
\"Functions\"=\"TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA\"
")
expect("half set"
  "schannel_tls12_client critical - | TLS 1.2 is disabled for clients"
  "cipher_suite_order critical cipher_policy | the cipher suite order (the local setting"
  "dotnet_strong_crypto warning import_tls_path | .NET 4 SchUseStrongCrypto is not set to 1 in the WOW6432Node view"
  "wsus_setup ok - | WSUS is installed: port 8531, SSL on")

state(all "[${TLS}]
\"Enabled\"=dword:00000001
\"DisabledByDefault\"=dword:00000000

[${TLS10}]
\"Enabled\"=dword:00000000

[${TLS11}]
\"Enabled\"=dword:00000000

[${LOCAL}]
\"Functions\"=-

[${NET32}]
\"SchUseStrongCrypto\"=dword:00000001
\"SystemDefaultTlsVersions\"=dword:00000001

[${NET64}]
\"SystemDefaultTlsVersions\"=dword:00000001
")
expect("all set"
  "schannel_tls12_client ok - | TLS 1.2 is enabled for SCHANNEL clients; TLS 1.0 and 1.1 are off"
  "cipher_suite_order ok - | no cipher suite order configured"
  "dotnet_strong_crypto ok - | .NET 4 offers TLS 1.2 to manual import in both registry views")

# Leave the prefix as we found it.
reg_import("${CMAKE_CURRENT_LIST_DIR}/host_baseline.reg")
