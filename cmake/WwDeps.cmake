# Dependencies as imported targets ww::curl, ww::sqlite3, ww::yaml, ww::check,
# ww::cjson, ww::expat.
#
# Native builds find Debian's packages through pkg-config.  The MinGW build
# uses the static libraries made by cmake/build-mingw-deps.sh from Debian's
# source packages, found under WW_DEPS_PREFIX.  MSVC builds take vcpkg's
# ports (vcpkg.json, CMakePresets.json "msvc") through their CMake packages.

function(ww_static_dep name lib)
  cmake_parse_arguments(A "" "" "DEFINES;LIBS" ${ARGN})
  set(path ${WW_DEPS_PREFIX}/lib/lib${lib}.a)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "${path} not found: run cmake/build-mingw-deps.sh and pass -DWW_DEPS_PREFIX=<its output>")
  endif()
  add_library(ww::${name} STATIC IMPORTED GLOBAL)
  set_target_properties(ww::${name} PROPERTIES
    IMPORTED_LOCATION ${path}
    INTERFACE_INCLUDE_DIRECTORIES ${WW_DEPS_PREFIX}/include
    INTERFACE_COMPILE_DEFINITIONS "${A_DEFINES}"
    INTERFACE_LINK_LIBRARIES "${A_LIBS}")
endfunction()

# ww::name standing for a package's own target (vcpkg).
function(ww_target_dep name target)
  add_library(ww::${name} INTERFACE IMPORTED GLOBAL)
  set_target_properties(ww::${name} PROPERTIES INTERFACE_LINK_LIBRARIES "${target}")
endfunction()

function(ww_pkg_dep name module)
  pkg_check_modules(WWPKG_${name} REQUIRED IMPORTED_TARGET GLOBAL ${module})
  add_library(ww::${name} ALIAS PkgConfig::WWPKG_${name})
endfunction()

if(MINGW)
  set(WW_DEPS_PREFIX "" CACHE PATH "Prefix of the static MinGW dependencies")
  if(NOT WW_DEPS_PREFIX)
    message(FATAL_ERROR "WW_DEPS_PREFIX is not set: run cmake/build-mingw-deps.sh")
  endif()
  ww_static_dep(curl curl DEFINES CURL_STATICLIB
    LIBS "ws2_32;crypt32;bcrypt;secur32;advapi32;wldap32;normaliz;iphlpapi;pthread")
  ww_static_dep(sqlite3 sqlite3)
  ww_static_dep(yaml yaml DEFINES YAML_DECLARE_STATIC)
  ww_static_dep(check check LIBS pthread)
  ww_static_dep(cjson cjson)
  ww_static_dep(expat expat DEFINES XML_STATIC)
elseif(MSVC)
  # The targets each port's usage file names.
  find_package(CURL CONFIG REQUIRED)
  find_package(unofficial-sqlite3 CONFIG REQUIRED)
  find_package(yaml CONFIG REQUIRED)
  find_package(check CONFIG REQUIRED)
  find_package(cJSON CONFIG REQUIRED)
  find_package(expat CONFIG REQUIRED)
  ww_target_dep(curl CURL::libcurl)
  ww_target_dep(sqlite3 unofficial::sqlite3::sqlite3)
  ww_target_dep(yaml yaml)
  ww_target_dep(check "$<IF:$<TARGET_EXISTS:Check::check>,Check::check,Check::checkShared>")
  ww_target_dep(cjson cjson)
  ww_target_dep(expat expat::expat)
else()
  find_package(PkgConfig REQUIRED)
  ww_pkg_dep(curl libcurl)
  ww_pkg_dep(sqlite3 sqlite3)
  ww_pkg_dep(yaml yaml-0.1)
  ww_pkg_dep(check check)
  ww_pkg_dep(cjson libcjson)
  ww_pkg_dep(expat expat)
endif()
