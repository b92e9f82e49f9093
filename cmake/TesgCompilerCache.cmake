# Use ccache when it is installed; its PCH-compatible settings are exported by scripts/setup.sh
# and repeated here so a plain `cmake --build` gets them too.
find_program(TESG_CCACHE ccache)
if(TESG_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER
      ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      CCACHE_BASEDIR=${PROJECT_SOURCE_DIR}
      ${TESG_CCACHE})
endif()
