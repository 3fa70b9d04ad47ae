# wsuswatch.exe's VERSIONINFO and application manifest: installer/wsuswatch.rc.in
# and installer/wsuswatch.manifest configured with the project's version and
# compiled by windres into an object linked into the executable (GNU ld
# merges its .rsrc with the message table's).  Windows builds only.
function(ww_add_exe_resources target)
  set(dir ${CMAKE_BINARY_DIR}/generated/resources/${target})
  set(WW_VERSION_QUAD ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.${PROJECT_VERSION_PATCH}.0)
  configure_file(${PROJECT_SOURCE_DIR}/installer/wsuswatch.rc.in ${dir}/wsuswatch.rc @ONLY)
  configure_file(${PROJECT_SOURCE_DIR}/installer/wsuswatch.manifest ${dir}/wsuswatch.manifest @ONLY)
  if(MSVC)
    # rc.exe through CMake; the manifest is ours (RT_MANIFEST 1), so the
    # linker must not embed its default one beside it (CVT1100).
    target_sources(${target} PRIVATE ${dir}/wsuswatch.rc)
    target_link_options(${target} PRIVATE /MANIFEST:NO)
    return()
  endif()
  find_program(WW_WINDRES NAMES ${CMAKE_RC_COMPILER} x86_64-w64-mingw32-windres windres)
  if(NOT WW_WINDRES)
    message(FATAL_ERROR "windres not found: install binutils-mingw-w64")
  endif()
  set(obj ${dir}/wsuswatch_version.o)
  add_custom_command(OUTPUT ${obj}
    COMMAND ${WW_WINDRES} -I ${dir} -i ${dir}/wsuswatch.rc -o ${obj}
    WORKING_DIRECTORY ${dir}
    DEPENDS ${dir}/wsuswatch.rc ${dir}/wsuswatch.manifest
    COMMENT "Compiling the version resource and manifest")
  set_source_files_properties(${obj} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  target_sources(${target} PRIVATE ${obj})
endfunction()
