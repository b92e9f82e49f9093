# cmake -DSOURCE_DIR=... -DOUTPUT=... -P TesgGitRevision.cmake: writes OUTPUT, a header defining
# TESG_GIT_COMMIT (HEAD of SOURCE_DIR, "unknown" outside a git checkout) and TESG_GIT_DIRTY
# (1 when tracked files have uncommitted changes). Rewritten only when that changes, so a build
# of the same tree recompiles nothing. Run by every build (src/CMakeLists.txt).
set(commit unknown)
set(dirty 0)
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse HEAD
                  OUTPUT_VARIABLE head RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT failed)
    set(commit ${head})
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} status --porcelain --untracked-files=no
                    OUTPUT_VARIABLE changes ERROR_QUIET)
    if(changes)
      set(dirty 1)
    endif()
  endif()
endif()
set(text "#pragma once\n#define TESG_GIT_COMMIT \"${commit}\"\n#define TESG_GIT_DIRTY ${dirty}\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUTPUT} "${text}")
endif()
