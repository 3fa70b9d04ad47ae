# Compiler warnings and sanitizers for wsuswatch targets.

function(ww_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wvla
    -Wpointer-arith -Wcast-qual -Wwrite-strings -Wno-unused-parameter)
  if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    # snprintf truncation is how bounded messages are meant to behave.
    target_compile_options(${target} PRIVATE -Wno-format-truncation)
  endif()
  if(WW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(WW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()

if(MINGW)
  # A self-contained wsuswatch.exe: no libgcc/winpthread DLLs to ship.
  add_link_options(-static)
endif()
