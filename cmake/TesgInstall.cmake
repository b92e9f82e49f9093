# `cmake --install build --prefix P`: the library, its public headers, the apps, a CMake package
# (find_package(tesg) -> tesg::tesg), a pkg-config file, and the bundled model, configs and
# tokenizer vocabularies under share/tesg. `cpack -G DEB` in the build folder packages the same
# tree as tesg_<version>_amd64.deb.
include(CMakePackageConfigHelpers)

# The public API: what a consumer includes (docs/library.md), each header self-contained. The rest
# of include/tesg/ is the apps' machinery, private to the build. The API reference (`docs`
# target, cmake/TesgApiDocs.cmake) covers the same list.
set(TESG_PUBLIC_HEADERS fuser.h stream_fuser.h error.h version.h)
list(TRANSFORM TESG_PUBLIC_HEADERS PREPEND ${PROJECT_SOURCE_DIR}/include/tesg/)

set(TESG_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tesg)
install(TARGETS tesg EXPORT tesgTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${TESG_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tesg)
if(TESG_WITH_OPENCV)
  install(TARGETS tesg-fuse tesg-video tesg-eval tesg-sig tesg-train tesg-detect RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(EXPORT tesgTargets NAMESPACE tesg:: DESTINATION ${TESG_CMAKE_DIR})

# What the consumer's find_dependency calls need: the LibTorch this tree was built with (Debian's
# or the pip one), and, for a static libtesg, the private dependencies too.
get_filename_component(TESG_TORCH_CMAKE_DIR "${Torch_DIR}" ABSOLUTE)
if(TESG_SHARED)
  set(TESG_STATIC_DEPENDENCIES OFF)
else()
  set(TESG_STATIC_DEPENDENCIES ON)
endif()
configure_package_config_file(cmake/tesgConfig.cmake.in ${CMAKE_BINARY_DIR}/tesgConfig.cmake
                              INSTALL_DESTINATION ${TESG_CMAKE_DIR})
# 0.x: a minor version may break the API, so only the same major.minor is compatible.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tesgConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/tesgConfig.cmake ${CMAKE_BINARY_DIR}/tesgConfigVersion.cmake
        DESTINATION ${TESG_CMAKE_DIR})

# pkg-config: LibTorch has no .pc file, so its include folders and libraries are spelled out.
set(TESG_PC_TORCH_CFLAGS "")
foreach(dir ${TORCH_INCLUDE_DIRS})
  string(APPEND TESG_PC_TORCH_CFLAGS " -I${dir}")
endforeach()
get_filename_component(TESG_PC_TORCH_LIBDIR "${TORCH_LIBRARY}" DIRECTORY)
file(RELATIVE_PATH TESG_PC_PREFIX "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")  # relocatable
configure_file(cmake/tesg.pc.in ${CMAKE_BINARY_DIR}/tesg.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/tesg.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

set(TESG_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/tesg)
install(FILES models/tesg_cpu_edge_guided.pt models/tesg_cpu_edge_guided.config.yaml
              models/tesg_cpu_edge_guided.md DESTINATION ${TESG_SHARE_DIR}/models)
install(DIRECTORY configs/ DESTINATION ${TESG_SHARE_DIR}/configs)
install(DIRECTORY third_party/ DESTINATION ${TESG_SHARE_DIR}/third_party)
install(FILES data/samples/README.md DESTINATION ${TESG_SHARE_DIR}/samples)
install(DIRECTORY data/samples/ir data/samples/vi DESTINATION ${TESG_SHARE_DIR}/samples)
install(DIRECTORY data/video_samples/ DESTINATION ${TESG_SHARE_DIR}/video_samples)

# The Debian package (Debian's LibTorch build): runtime dependencies from dpkg-shlibdeps, and the
# development packages the installed headers and CMake package need.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tesg)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "tesg developers <tesg@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "TeSG text-guided infrared and visible image fusion (C++ / LibTorch)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS usr/${CMAKE_INSTALL_LIBDIR})  # libtesg itself
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libtorch-dev, libopencv-dev, libyaml-cpp-dev, libspdlog-dev, libopenblas0-pthread | libopenblas0, libtcmalloc-minimal4")
include(CPack)
