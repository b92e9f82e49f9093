# Every dependency through find_package. Debian 12 packages need no hints; on a CUDA machine
# pass the pip PyTorch's prefix: -DCMAKE_PREFIX_PATH=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
find_package(Torch REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
message(STATUS "tesg: LibTorch ${Torch_VERSION} from ${TORCH_INSTALL_PREFIX}")
# With two LibTorch installs (Debian's and a pip one), the CMake package of one can pick up the
# library of the other: refuse that mix rather than crash at run time.
get_filename_component(TESG_TORCH_LIB_DIR "${TORCH_LIBRARY}" DIRECTORY)
get_filename_component(TESG_TORCH_LIB_DIR "${TESG_TORCH_LIB_DIR}" REALPATH)
get_filename_component(TESG_TORCH_PREFIX "${TORCH_INSTALL_PREFIX}/lib" REALPATH)
if(NOT TESG_TORCH_LIB_DIR STREQUAL TESG_TORCH_PREFIX AND NOT TORCH_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "LibTorch's CMake package at ${TORCH_INSTALL_PREFIX} found another LibTorch's "
          "library ${TORCH_LIBRARY}: put ${TORCH_INSTALL_PREFIX} itself first in CMAKE_PREFIX_PATH")
endif()
# Installed apps and libraries find a LibTorch outside the system folders (the pip one, which
# CMake would not add by itself when it lies inside the checkout, as .deps/ does).
if(NOT TORCH_INSTALL_PREFIX STREQUAL "/usr")
  list(APPEND CMAKE_INSTALL_RPATH "${TESG_TORCH_LIB_DIR}")
endif()

# The GPU build (scripts/setup.sh with TESG_TORCH=pip) insists on a LibTorch with CUDA and NCCL,
# and its tests check that both are linked into the binaries.
option(TESG_REQUIRE_CUDA "Fail unless LibTorch has its CUDA backend and NCCL" OFF)
if(TESG_REQUIRE_CUDA)
  if(NOT TARGET torch_cuda)
    message(FATAL_ERROR "TESG_REQUIRE_CUDA: the LibTorch at ${TORCH_INSTALL_PREFIX} has no CUDA backend")
  endif()
  get_target_property(TESG_TORCH_CUDA_DEFINES torch_cuda INTERFACE_COMPILE_DEFINITIONS)
  if(NOT "USE_C10D_NCCL" IN_LIST TESG_TORCH_CUDA_DEFINES)
    message(FATAL_ERROR "TESG_REQUIRE_CUDA: the LibTorch at ${TORCH_INSTALL_PREFIX} has no NCCL")
  endif()
  message(STATUS "tesg: CUDA ${CUDA_VERSION}, cuDNN and NCCL through LibTorch")
endif()

# The pip LibTorch ships its own (newer) fmt headers in its include folder, which would shadow
# the fmt that spdlog was built with. Put spdlog's fmt first, through a folder holding only it.
if(TARGET fmt::fmt AND EXISTS "${TORCH_INSTALL_PREFIX}/include/fmt")
  get_target_property(TESG_FMT_INCLUDE fmt::fmt INTERFACE_INCLUDE_DIRECTORIES)
  list(GET TESG_FMT_INCLUDE 0 TESG_FMT_INCLUDE)
endif()
if(TESG_FMT_INCLUDE AND NOT TESG_FMT_INCLUDE STREQUAL "${TORCH_INSTALL_PREFIX}/include")
  set(TESG_FMT_FIRST "${CMAKE_BINARY_DIR}/fmt-first")
  file(MAKE_DIRECTORY "${TESG_FMT_FIRST}")
  file(CREATE_LINK "${TESG_FMT_INCLUDE}/fmt" "${TESG_FMT_FIRST}/fmt" SYMBOLIC)
  message(STATUS "tesg: spdlog's fmt (${TESG_FMT_INCLUDE}) before LibTorch's bundled fmt")
endif()
# ProcessGroupGloo.hpp includes gloo's headers, which the pip LibTorch does not ship: Debian's
# libgloo-dev provides them (only declarations are used; the code is inside libtorch_cpu).
find_path(TESG_GLOO_INCLUDE_DIR gloo/algorithm.h REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(ICU REQUIRED COMPONENTS uc)
if(TESG_WITH_OPENCV)
  find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs videoio video)
endif()
if(TESG_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

# tcmalloc-minimal: Debian ships only the versioned runtime library (no -dev symlink needed).
set(TESG_TCMALLOC "")
if(TESG_WITH_TCMALLOC)
  find_library(TESG_TCMALLOC_LIB NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(TESG_TCMALLOC_LIB)
    set(TESG_TCMALLOC ${TESG_TCMALLOC_LIB})
    message(STATUS "tesg: executables use tcmalloc (${TESG_TCMALLOC_LIB})")
  else()
    message(STATUS "tesg: tcmalloc not found, using the system malloc")
  endif()
endif()

# tesg_executable(name sources...): an app, test or benchmark linked against the library.
function(tesg_executable name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE tesg)
  # Libraries that must come before LibTorch in the executable's lookup order, kept even though
  # no symbol is referenced by name: tcmalloc, and libstdc++ itself, because the pip LibTorch
  # exports its own copies of parts of libstdc++ (std::filesystem among them) that crash when
  # our code binds to them (std::filesystem::remove_all jumped to address 0). The library's link
  # interface puts libstdc++ first for consumers too.
  target_link_libraries(${name} PRIVATE "-Wl,--push-state,--no-as-needed" ${TESG_TCMALLOC} stdc++
                        "-Wl,--pop-state")
  # The library's objects are position-independent when it is shared: compile ours alike, so
  # that they can share its precompiled header.
  if(TESG_SHARED)
    target_compile_options(${name} PRIVATE -fPIC)
  endif()
  if(TESG_USE_PCH)
    target_precompile_headers(${name} REUSE_FROM tesg)
  endif()
endfunction()
