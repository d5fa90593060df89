# What `cmake --install` puts under a prefix: the static libraries, the public headers, a CMake
# package (find_package(eventbus 0.2 CONFIG), targets eventbus::eventbus,
# eventbus::metrics_server and, when their libraries were found, eventbus::outbox (SQLite, and
# PostgreSQL with libpq) and eventbus::prometheus_cpp) and eventbus.pc for pkg-config. tests/package builds a program
# against each (scripts/package-test.sh, run by scripts/test.sh).
include(CMakePackageConfigHelpers)

set(EVENTBUS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/eventbus)
set(installed_targets eventbus)
if(EVENTBUS_METRICS_SERVER)
  list(APPEND installed_targets eventbus_metrics_server)
endif()
set(EVENTBUS_INSTALLED_PROMETHEUS_CPP OFF)  # read by eventbusConfig.cmake.in
set(skipped_headers "")
set(EVENTBUS_INSTALLED_OUTBOX OFF)  # read by eventbusConfig.cmake.in
set(EVENTBUS_INSTALLED_OUTBOX_POSTGRES OFF)  # read by eventbusConfig.cmake.in
if(TARGET eventbus_outbox)
  list(APPEND installed_targets eventbus_outbox)
  set(EVENTBUS_INSTALLED_OUTBOX ON)
  if(LIBPQ_FOUND)
    set(EVENTBUS_INSTALLED_OUTBOX_POSTGRES ON)
  else()
    list(APPEND skipped_headers PATTERN "outbox/postgres.hpp" EXCLUDE)
  endif()
else()
  list(APPEND skipped_headers REGEX "/outbox/" EXCLUDE)
endif()
if(TARGET eventbus_prometheus_cpp)
  list(APPEND installed_targets eventbus_prometheus_cpp)
  set(EVENTBUS_INSTALLED_PROMETHEUS_CPP ON)
else()
  list(APPEND skipped_headers PATTERN "adapters/prometheus_cpp.hpp" EXCLUDE)
endif()

install(TARGETS ${installed_targets} EXPORT eventbusTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/eventbus
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp" ${skipped_headers})
install(EXPORT eventbusTargets NAMESPACE eventbus:: DESTINATION ${EVENTBUS_CMAKE_DIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/eventbusConfig.cmake.in
  ${PROJECT_BINARY_DIR}/eventbusConfig.cmake INSTALL_DESTINATION ${EVENTBUS_CMAKE_DIR})
# 0.x: a minor version may break the API, so only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/eventbusConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/eventbusConfig.cmake
  ${PROJECT_BINARY_DIR}/eventbusConfigVersion.cmake DESTINATION ${EVENTBUS_CMAKE_DIR})

# What the static library links goes with it: the broker clients only when their transport
# was built (EVENTBUS_WITH_NATS / EVENTBUS_WITH_KAFKA).
set(EVENTBUS_PC_REQUIRES "")
if(EVENTBUS_WITH_NATS)
  string(APPEND EVENTBUS_PC_REQUIRES "libnats ")
endif()
if(EVENTBUS_WITH_KAFKA)
  string(APPEND EVENTBUS_PC_REQUIRES "rdkafka ")
endif()
string(APPEND EVENTBUS_PC_REQUIRES "yaml-cpp fmt")
# The .pc file finds its prefix from where it lies, so `cmake --install --prefix P` works
# whatever CMAKE_INSTALL_PREFIX was at configure time.
file(RELATIVE_PATH EVENTBUS_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" EVENTBUS_PC_TO_PREFIX "${EVENTBUS_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/eventbus.pc.in ${PROJECT_BINARY_DIR}/eventbus.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/eventbus.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
