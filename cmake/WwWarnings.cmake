# Compiler warnings, sanitizers and runtime settings for wsuswatch targets:
# every compiler-specific flag of the project lives here.

option(WW_PEDANTIC "ISO C only: -pedantic (gcc, clang; .ci/test-all's clang step)" OFF)

function(ww_target_warnings target)
  if(MSVC)
    # /W4 is MSVC's -Wall -Wextra; C4100 (unreferenced parameter) is
    # -Wno-unused-parameter's twin: callbacks keep their full signature.
    target_compile_options(${target} PRIVATE /W4 /wd4100)
    if(WW_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
    return()
  endif()
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
    -Wpointer-arith -Wcast-qual -Wwrite-strings -Wno-unused-parameter)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    # snprintf truncation is how bounded messages are meant to behave.
    target_compile_options(${target} PRIVATE -Wno-format-truncation)
  endif()
  if(WW_PEDANTIC)
    target_compile_options(${target} PRIVATE -pedantic)
  endif()
  if(WW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(MSVC)
  # Sources and messages are UTF-8.  The CRT's "use the _s variant"
  # deprecations (fopen, strerror, getenv...) would fail /WX on calls that
  # are bounded on purpose; common/banned.h is this project's list instead.
  add_compile_options(/utf-8)
  add_compile_definitions(_CRT_SECURE_NO_WARNINGS _CRT_NONSTDC_NO_DEPRECATE)
  # A self-contained wsuswatch.exe, as -static does for MinGW: the static
  # CRT, matching vcpkg's x64-windows-static triplet (CMakePresets.json).
  set(CMAKE_MSVC_RUNTIME_LIBRARY "MultiThreaded$<$<CONFIG:Debug>:Debug>")
  if(WW_SANITIZE)
    # MSVC has AddressSanitizer only (no UBSan).
    add_compile_options(/fsanitize=address)
  endif()
elseif(WW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MINGW)
  # A self-contained wsuswatch.exe: no libgcc/winpthread DLLs to ship.
  add_link_options(-static)
endif()
