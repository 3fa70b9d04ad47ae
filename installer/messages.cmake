# The Event Log message table: installer/wsuswatch.mc compiled by windmc
# into an .rc + MSG00409.bin, then by windres into an object linked into
# wsuswatch.exe (the event source's EventMessageFile is the exe itself, as
# nssm does).  Included from service/CMakeLists.txt for Windows builds.
function(ww_add_message_table target)
  set(mc ${PROJECT_SOURCE_DIR}/installer/wsuswatch.mc)
  set(dir ${CMAKE_BINARY_DIR}/generated/messages/${target})
  if(MSVC)
    # The SDK's mc.exe writes the same .rc + .bin; CMake compiles the .rc
    # with rc.exe and links the .res (CMakePresets.json "msvc").
    find_program(WW_MC NAMES mc REQUIRED)
    file(MAKE_DIRECTORY ${dir})
    add_custom_command(OUTPUT ${dir}/wsuswatch.rc ${dir}/wsuswatch.h
      COMMAND ${WW_MC} -U -h ${dir} -r ${dir} ${mc}
      WORKING_DIRECTORY ${dir}
      DEPENDS ${mc}
      COMMENT "Compiling the Event Log message table")
    target_sources(${target} PRIVATE ${dir}/wsuswatch.rc)
    return()
  endif()
  find_program(WW_WINDMC NAMES ${CMAKE_MC_COMPILER} x86_64-w64-mingw32-windmc windmc)
  find_program(WW_WINDRES NAMES ${CMAKE_RC_COMPILER} x86_64-w64-mingw32-windres windres)
  if(NOT WW_WINDMC OR NOT WW_WINDRES)
    message(FATAL_ERROR "windmc/windres not found: install binutils-mingw-w64")
  endif()
  # One copy per target: two directories must not race on one output.
  set(obj ${dir}/wsuswatch_messages.o)
  file(MAKE_DIRECTORY ${dir})
  add_custom_command(OUTPUT ${obj} ${dir}/wsuswatch.h
    COMMAND ${WW_WINDMC} -U -h ${dir} -r ${dir} ${mc}
    COMMAND ${WW_WINDRES} -I ${dir} -i ${dir}/wsuswatch.rc -o ${obj}
    WORKING_DIRECTORY ${dir}
    DEPENDS ${mc}
    COMMENT "Compiling the Event Log message table")
  set_source_files_properties(${obj} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  target_sources(${target} PRIVATE ${obj})
endfunction()
