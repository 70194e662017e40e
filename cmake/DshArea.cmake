# Each area under lib/ is an object library. The areas an area may use are
# declared with USES, which both documents and enforces the layering of
# docs/architecture.md: an area sees only the headers of the areas it names.

function(dsh_add_area name)
  cmake_parse_arguments(AREA "" "" "SOURCES;USES;LIBS" ${ARGN})
  set(target dsh_${name})
  add_library(${target} OBJECT ${AREA_SOURCES})
  set_target_properties(${target} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LINKER_LANGUAGE CXX)
  target_include_directories(${target} PUBLIC
    "${PROJECT_SOURCE_DIR}/include" "${PROJECT_SOURCE_DIR}/lib")
  target_link_libraries(${target} PUBLIC
    absl::status absl::statusor absl::strings absl::span absl::str_format
    absl::flat_hash_map absl::flat_hash_set absl::hash)
  if(AREA_LIBS)
    target_link_libraries(${target} PRIVATE ${AREA_LIBS})
  endif()
  foreach(used IN LISTS AREA_USES)
    target_link_libraries(${target} PUBLIC dsh_${used})
  endforeach()
  dsh_set_warnings(${target})
  set_property(GLOBAL PROPERTY DSH_AREA_USES_${name} ${AREA_USES})
endfunction()

# Links the objects of `areas` and of every area they use into `target`.
function(dsh_link_areas target visibility)
  set(todo ${ARGN})
  set(done "")
  while(todo)
    list(POP_FRONT todo area)
    if(NOT area IN_LIST done)
      list(APPEND done ${area})
      get_property(uses GLOBAL PROPERTY DSH_AREA_USES_${area})
      list(APPEND todo ${uses})
    endif()
  endwhile()
  foreach(area IN LISTS done)
    target_link_libraries(${target} ${visibility} dsh_${area})
  endforeach()
endfunction()
