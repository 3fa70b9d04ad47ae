# `wsuswatch history` given a file that is not a SQLite database (through a
# configuration file's `database:` key) must exit 74, name the file in its
# message, and leave the file byte-for-byte as it was.
#
# cmake -DWW_EXE=<exe> [-DWW_EMULATOR=<wine>] -DWORK=<dir> -P this-file

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(db "${WORK}/not-a-database.db")
set(cfg "${WORK}/wsuswatch.yaml")
file(WRITE "${db}" "This is an administrator's notes file, not SQLite.\n0123456789\n")
file(SHA256 "${db}" before_hash)
file(SIZE "${db}" before_size)
file(WRITE "${cfg}" "database: ${db}\n")

execute_process(
  COMMAND ${WW_EMULATOR} "${WW_EXE}" --config "${cfg}" history --json
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

if(NOT rc EQUAL 74)
  message(FATAL_ERROR "exit ${rc}, expected 74\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "not-a-database.db" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the message does not name the file: ${err}")
endif()
string(FIND "${err}" "not a database" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the message does not say what is wrong: ${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "unexpected output on stdout: ${out}")
endif()
file(SHA256 "${db}" after_hash)
file(SIZE "${db}" after_size)
if(NOT after_hash STREQUAL before_hash OR NOT after_size EQUAL before_size)
  message(FATAL_ERROR "${db} was modified (${before_size} -> ${after_size} bytes)")
endif()
file(GLOB side "${db}-*")
if(side)
  message(FATAL_ERROR "side files were created: ${side}")
endif()
file(REMOVE_RECURSE "${WORK}")
