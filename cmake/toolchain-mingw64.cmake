# Cross-compile wsuswatch for 64-bit Windows with MinGW-w64 on Debian.
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake \
#         -DWW_DEPS_PREFIX=$(cmake/build-mingw-deps.sh) ...
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(WW_MINGW_TRIPLE x86_64-w64-mingw32)

# A compiler given on the command line wins: .ci/test-all compiles the
# Windows sources with clang --target=x86_64-w64-mingw32 as well.
if(NOT CMAKE_C_COMPILER)
  set(CMAKE_C_COMPILER ${WW_MINGW_TRIPLE}-gcc)
endif()
set(CMAKE_RC_COMPILER ${WW_MINGW_TRIPLE}-windres)
set(CMAKE_MC_COMPILER ${WW_MINGW_TRIPLE}-windmc)
set(CMAKE_AR ${WW_MINGW_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${WW_MINGW_TRIPLE}-ranlib CACHE FILEPATH "")

set(CMAKE_FIND_ROOT_PATH /usr/${WW_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# Tests (add_test with a target) run through Wine.
find_program(WW_WINE NAMES wine wine64)
if(WW_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WW_WINE})
endif()
