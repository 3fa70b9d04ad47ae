# Under Wine: the host TLS registry checks read what `wine reg add` wrote.
#   cmake -DWW_PROG=hostcfg_dump.exe -DWW_EMULATOR=wine -P hostcfg_wine.cmake
# Three states of the same prefix: nothing set, half set (TLS 1.2 client
# disabled, a local cipher suite order without a usable suite, strong
# crypto only in the 64-bit view, WSUS installed), all set (TLS 1.0 and
# 1.1 off).  tls_paths.sh covers the policy, the OS and w3wp.exe.config.
set(ENV{WINEDEBUG} "-all")
set(TLS "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client")
set(NET64 "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319")
set(NET32 "HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319")
set(SETUP "HKLM\\SOFTWARE\\Microsoft\\Update Services\\Server\\Setup")
set(TLS10 "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Client")
set(TLS11 "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.1\\Client")
set(LOCAL "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Cryptography\\Configuration\\Local\\SSL\\00010002")

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
reg(delete "${TLS10}" /f)
reg(delete "${TLS11}" /f)
reg(delete "${LOCAL}" /v Functions /f)

expect("nothing set"
  "schannel_tls12_client ok - | TLS 1.2 not configured"
  "cipher_suite_order ok - | no cipher suite order configured"
  "w3wp_exe_config ok - | no w3wp.exe.config"
  "dotnet_strong_crypto warning import_tls_path | .NET 4 SchUseStrongCrypto is not set to 1 in the 64-bit and WOW6432Node views"
  "wsus_setup unknown - | WSUS is not installed")

add_dword("${TLS}" Enabled 0)
add_dword("${NET64}" SchUseStrongCrypto 1)
add_dword("${SETUP}" PortNumber 8531)
add_dword("${SETUP}" UsingSSL 1)
execute_process(COMMAND ${WW_EMULATOR} reg add "${SETUP}" /v ContentDir /t REG_SZ /d "D:\\WSUS" /f
  OUTPUT_QUIET ERROR_QUIET)
# The local cipher suite order, a REG_SZ comma list without a usable suite.
execute_process(COMMAND ${WW_EMULATOR} reg add "${LOCAL}" /v Functions /t REG_SZ
  /d "TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_3DES_EDE_CBC_SHA" /f
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
expect("half set"
  "schannel_tls12_client critical - | TLS 1.2 is disabled for clients"
  "cipher_suite_order critical cipher_policy | the cipher suite order (the local setting"
  "dotnet_strong_crypto warning import_tls_path | .NET 4 SchUseStrongCrypto is not set to 1 in the WOW6432Node view"
  "wsus_setup ok - | WSUS is installed: port 8531, SSL on")

add_dword("${TLS}" Enabled 1)
add_dword("${TLS}" DisabledByDefault 0)
add_dword("${TLS10}" Enabled 0)
add_dword("${TLS11}" Enabled 0)
reg(delete "${LOCAL}" /v Functions /f)
add_dword("${NET32}" SchUseStrongCrypto 1)
add_dword("${NET64}" SystemDefaultTlsVersions 1)
add_dword("${NET32}" SystemDefaultTlsVersions 1)
expect("all set"
  "schannel_tls12_client ok - | TLS 1.2 is enabled for SCHANNEL clients; TLS 1.0 and 1.1 are off"
  "cipher_suite_order ok - | no cipher suite order configured"
  "dotnet_strong_crypto ok - | .NET 4 offers TLS 1.2 to manual import in both registry views")

# Leave the prefix as we found it.
reg(delete "${TLS}" /f)
reg(delete "${TLS10}" /f)
reg(delete "${TLS11}" /f)
reg(delete "${SETUP}" /f)
reg(delete "${NET32}" /v SchUseStrongCrypto /f)
reg(delete "${NET64}" /v SchUseStrongCrypto /f)
reg(delete "${NET32}" /v SystemDefaultTlsVersions /f)
reg(delete "${NET64}" /v SystemDefaultTlsVersions /f)
