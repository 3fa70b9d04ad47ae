# The build refuses an include against the layers (docs/architecture.md):
# a source compiled with only ww_base's usage requirements cannot include a
# configuration header.  The control target, the same source without that
# include, must build, so the refusal cannot come from anything else; and
# the compiler's message must name config.h.
#
# cmake -DBUILD_DIR=<build tree> -P build_refuses.cmake
if(NOT BUILD_DIR)
  message(FATAL_ERROR "usage: cmake -DBUILD_DIR=<build tree> -P build_refuses.cmake")
endif()

function(build target)
  execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${target}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  set(rc ${rc} PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
endfunction()

build(ww_layers_allowed)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the control (base headers only, ww_base's usage requirements) "
    "does not build, so the refusal below would prove nothing:\n${out}")
endif()
message(STATUS "control: base-layer source with base headers builds")

build(ww_layers_refused)
if(rc EQUAL 0)
  message(FATAL_ERROR "a base-layer source including config.h built: "
    "ww_base exposes more than common/\n${out}")
endif()
# GCC: "config.h: No such file or directory"; clang: "'config.h' file not found".
if(NOT out MATCHES "[' ]config\\.h['][^\n]*not found|[ ]config\\.h: No such file")
  message(FATAL_ERROR "a base-layer source including config.h failed to build, "
    "but not for want of config.h:\n${out}")
endif()
message(STATUS "refused: base-layer source including config.h does not build")
