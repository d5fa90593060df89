# Each public header compiles alone, with -I include and nothing else, and pulls in only the
# standard library: no broker client (nats.h, rdkafka.h), no third-party library, nothing from
# src/. Run by CTest (`public_headers_compile_alone`):
#   cmake -DCXX=<compiler> -DINCLUDE_DIR=<repo>/include -P cmake/CheckPublicHeaders.cmake
# The compiler's -H lists every file a header includes, so a header that reaches anything else
# fails, even on a machine where those headers are on the default include path.
if(NOT CXX OR NOT INCLUDE_DIR)
  message(FATAL_ERROR "usage: cmake -DCXX=... -DINCLUDE_DIR=... -P CheckPublicHeaders.cmake")
endif()

# Third-party and internal paths a public header must never reach.
set(forbidden "sqlite3.h" "/nats/" "/librdkafka/" "/spdlog/" "/fmt/" "/nlohmann/" "/yaml-cpp/"
  "httplib" "/gtest/" "/benchmark/" "/src/")

# The outbox's headers too: they declare `struct sqlite3;` rather than include <sqlite3.h>.
file(GLOB headers "${INCLUDE_DIR}/eventbus/*.hpp" "${INCLUDE_DIR}/eventbus/outbox/*.hpp")
list(LENGTH headers count)
if(count EQUAL 0)
  message(FATAL_ERROR "no public headers under ${INCLUDE_DIR}/eventbus")
endif()
set(failures 0)
set(unit "${CMAKE_CURRENT_BINARY_DIR}/public_header_alone.cpp")
foreach(header IN LISTS headers)
  file(RELATIVE_PATH name "${INCLUDE_DIR}" "${header}")
  file(WRITE "${unit}" "#include \"${name}\"\n")
  execute_process(
    COMMAND "${CXX}" -std=c++20 -fsyntax-only -H -Wall -Wextra -Werror -I "${INCLUDE_DIR}"
            "${unit}"
    RESULT_VARIABLE result ERROR_VARIABLE included OUTPUT_QUIET)
  if(NOT result EQUAL 0)
    message(SEND_ERROR "${header} does not compile alone:\n${included}")
    math(EXPR failures "${failures} + 1")
    continue()
  endif()
  string(REPLACE "\n" ";" lines "${included}")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^\\.+ +(.*)$")
      continue()
    endif()
    set(path "${CMAKE_MATCH_1}")
    foreach(bad IN LISTS forbidden)
      string(FIND "${path}" "${bad}" at)
      if(NOT at EQUAL -1 AND NOT path MATCHES "^${INCLUDE_DIR}/")
        message(SEND_ERROR "${header} includes ${path}: public headers use the standard library only")
        math(EXPR failures "${failures} + 1")
      endif()
    endforeach()
  endforeach()
endforeach()
file(REMOVE "${unit}")
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} public header problem(s)")
endif()
message(STATUS "${count} public headers compile alone on the standard library")
