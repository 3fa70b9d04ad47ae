# Under Wine: the host TLS registry checks read what `wine reg add` wrote.
#   cmake -DWW_PROG=hostcfg_dump.exe -DWW_EMULATOR=wine -P hostcfg_wine.cmake
# Three states of the same prefix: nothing set, half set (TLS 1.2 client
# disabled, strong crypto only in the 64-bit view, WSUS installed), all set.
set(ENV{WINEDEBUG} "-all")
set(TLS "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client")
set(NET64 "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319")
set(NET32 "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319")
set(SETUP "HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup")

function(reg)
  execute_process(COMMAND ${WW_EMULATOR} reg ${ARGN} RESULT_VARIABLE rc
    OUTPUT_QUIET ERROR_QUIET)
endfunction()

function(add_dword key name value)
  execute_process(COMMAND ${WW_EMULATOR} reg add "${key}" /v ${name} /t REG_DWORD /d ${value} /f
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "reg add ${key} ${name}: ${rc} ${out} ${err}")
  endif()
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

# Whatever an earlier run left behind.
reg(delete "${TLS}" /f)
reg(delete "${NET32}" /v SchUseStrongCrypto /f)
reg(delete "${NET64}" /v SchUseStrongCrypto /f)
reg(delete "${NET32}" /v SystemDefaultTlsVersions /f)
reg(delete "${NET64}" /v SystemDefaultTlsVersions /f)
reg(delete "${SETUP}" /f)

expect("nothing set"
  "schannel_tls12_client ok - | not configured"
  "dotnet_strong_crypto warning import_tls_path | .NET 4 SchUseStrongCrypto is not set to 1 in the 64-bit and WOW6432Node views"
  "wsus_setup unknown - | WSUS is not installed")

add_dword("${TLS}" Enabled 0)
add_dword("${NET64}" SchUseStrongCrypto 1)
add_dword("${SETUP}" PortNumber 8531)
add_dword("${SETUP}" UsingSSL 1)
execute_process(COMMAND ${WW_EMULATOR} reg add "${SETUP}" /v ContentDir /t REG_SZ /d "D:\\WSUS" /f
  OUTPUT_QUIET ERROR_QUIET)
expect("half set"
  "schannel_tls12_client critical - | TLS 1.2 is disabled for clients"
  "dotnet_strong_crypto warning import_tls_path | .NET 4 SchUseStrongCrypto is not set to 1 in the WOW6432Node view:"
  "wsus_setup ok - | WSUS is installed: port 8531, SSL on")

add_dword("${TLS}" Enabled 1)
add_dword("${TLS}" DisabledByDefault 0)
add_dword("${NET32}" SchUseStrongCrypto 1)
add_dword("${NET64}" SystemDefaultTlsVersions 1)
add_dword("${NET32}" SystemDefaultTlsVersions 1)
expect("all set"
  "schannel_tls12_client ok - | TLS 1.2 is enabled for SCHANNEL clients"
  "dotnet_strong_crypto ok - | .NET 4 strong crypto is on in both registry views")

# Leave the prefix as we found it.
reg(delete "${TLS}" /f)
reg(delete "${SETUP}" /f)
reg(delete "${NET32}" /v SchUseStrongCrypto /f)
reg(delete "${NET64}" /v SchUseStrongCrypto /f)
reg(delete "${NET32}" /v SystemDefaultTlsVersions /f)
reg(delete "${NET64}" /v SystemDefaultTlsVersions /f)
