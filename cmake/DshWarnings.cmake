# Strict warnings for the project's own targets only; third-party headers
# come in as SYSTEM includes through their imported targets.
function(dsh_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wconversion -Wno-sign-conversion -Werror=return-type)
  if(DSH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
