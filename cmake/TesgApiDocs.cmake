# `cmake --build build --target docs`: the API reference of the public headers
# (TESG_PUBLIC_HEADERS) as HTML in build/docs/api/html, from their `///` comments. Every
# undocumented public symbol and every comment Doxygen cannot parse is an error. CI builds it.
find_program(TESG_DOXYGEN doxygen)
set(TESG_DOXYGEN_INPUT "")
foreach(header ${TESG_PUBLIC_HEADERS})
  string(APPEND TESG_DOXYGEN_INPUT " \"${header}\"")
endforeach()
set(TESG_DOXYGEN_OUTPUT ${CMAKE_BINARY_DIR}/docs/api)
configure_file(cmake/Doxyfile.in ${TESG_DOXYGEN_OUTPUT}/Doxyfile @ONLY)
if(TESG_DOXYGEN)
  add_custom_target(docs COMMAND ${TESG_DOXYGEN} ${TESG_DOXYGEN_OUTPUT}/Doxyfile
                    COMMENT "API reference: ${TESG_DOXYGEN_OUTPUT}/html/index.html" VERBATIM)
else()
  add_custom_target(docs COMMAND ${CMAKE_COMMAND} -E echo "docs: doxygen not found (apt-get install doxygen)"
                    COMMAND ${CMAKE_COMMAND} -E false VERBATIM)
endif()
