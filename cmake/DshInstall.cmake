# Install rules: the public headers, libdsh with its SONAME, a CMake package
# (find_package(dsh) gives dsh::dsh) and a pkg-config file (dsh.pc).
#
# The dsh target links its areas' object libraries PRIVATE. For a shared
# library those objects end up inside libdsh.so and nothing about them
# reaches INTERFACE_LINK_LIBRARIES, so the export set holds dsh alone and
# needs none of the dsh_<area> targets. A static libdsh.a would have to
# carry its private dependencies (simdjson, libpqxx, SQLite) in the export;
# that is not supported yet and is refused below rather than half-done.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_target_property(_dsh_type dsh TYPE)

# What libdsh.so exports is decided by DSH_EXPORT and, for what visibility
# cannot reach (std template instantiations), by this version script; see
# dsh.map. tests/install checks the result.
if(_dsh_type STREQUAL "SHARED_LIBRARY"
   AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE)
  target_link_options(dsh PRIVATE
    "LINKER:--version-script=${PROJECT_SOURCE_DIR}/cmake/dsh.map")
  set_property(TARGET dsh APPEND PROPERTY
    LINK_DEPENDS "${PROJECT_SOURCE_DIR}/cmake/dsh.map")
endif()

if(NOT _dsh_type STREQUAL "SHARED_LIBRARY")
  message(STATUS "dsh: install rules cover the shared library only; "
                 "BUILD_SHARED_LIBS=OFF installs nothing")
  return()
endif()

set(DSH_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/dsh"
    CACHE STRING "Where dshConfig.cmake is installed, under the prefix")

# lib/CMakeLists.txt gives dsh the install include directory "include";
# another CMAKE_INSTALL_INCLUDEDIR is added to the exported target here.
set(_dsh_includes "")
if(NOT CMAKE_INSTALL_INCLUDEDIR STREQUAL "include")
  set(_dsh_includes INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
endif()

install(TARGETS dsh
  EXPORT dshTargets
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
    COMPONENT runtime NAMELINK_COMPONENT development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
  ${_dsh_includes})

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/dsh"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  COMPONENT development
  FILES_MATCHING PATTERN "*.h")

install(EXPORT dshTargets
  NAMESPACE dsh::
  FILE dshTargets.cmake
  DESTINATION "${DSH_INSTALL_CMAKEDIR}"
  COMPONENT development)

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/dshConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/dshConfig.cmake"
  INSTALL_DESTINATION "${DSH_INSTALL_CMAKEDIR}")
# 0.x releases promise nothing between minor versions.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_dsh_compat SameMinorVersion)
else()
  set(_dsh_compat SameMajorVersion)
endif()
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/dshConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY ${_dsh_compat})
install(FILES
  "${PROJECT_BINARY_DIR}/dshConfig.cmake"
  "${PROJECT_BINARY_DIR}/dshConfigVersion.cmake"
  DESTINATION "${DSH_INSTALL_CMAKEDIR}"
  COMPONENT development)

# dsh.pc finds its prefix from its own location (${pcfiledir}), so an
# install moved elsewhere, or made with `cmake --install --prefix`, works.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}"
   OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(DSH_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(DSH_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(DSH_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _dsh_up "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" _dsh_up "${_dsh_up}")
  set(DSH_PC_PREFIX "\${pcfiledir}/${_dsh_up}")
  set(DSH_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(DSH_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/dsh.pc.in"
               "${PROJECT_BINARY_DIR}/dsh.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/dsh.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
  COMPONENT development)
