# osprey_test(NAME name SOURCES a_test.cpp ... LIBS lib ... [LABELS l ...])
# Builds one GoogleTest executable and registers its tests with CTest.
include(GoogleTest)
function(osprey_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT OSPREY_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  # soci::postgresql_linked: tests open PostgreSQL sessions of their own (osprey loads the backend by name).
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} soci::postgresql_linked GTest::gtest GTest::gtest_main GTest::gmock)
  # gtest_discover_tests flattens lists in PROPERTIES, so each test executable carries one label.
  list(GET T_LABELS -1 _label)
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST PROPERTIES LABELS "${_label}"
                       DISCOVERY_TIMEOUT 60)
endfunction()

# osprey_library(NAME name DIR dir LIBS public-libs... [PRIVATE_LIBS ...] [TEST_LIBS ...])
# A library from DIR/src/*.cpp (tests excluded) with public headers in DIR/include, plus one test executable
# `<name>_tests` from DIR/src/*_test.cpp when there are any. Globs keep "one new file" true for extensions.
function(osprey_library)
  cmake_parse_arguments(L "" "NAME;DIR" "LIBS;PRIVATE_LIBS;TEST_LIBS;TEST_LABELS" ${ARGN})
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${L_DIR}/src/*.cpp)
  file(GLOB_RECURSE _tests CONFIGURE_DEPENDS ${L_DIR}/src/*_test.cpp)
  if(_tests)
    list(REMOVE_ITEM _srcs ${_tests})
  endif()
  add_library(${L_NAME} STATIC ${_srcs})
  target_include_directories(${L_NAME} PUBLIC ${L_DIR}/include PRIVATE ${L_DIR}/src)
  target_link_libraries(${L_NAME} PUBLIC ${L_LIBS} PRIVATE ${L_PRIVATE_LIBS})
  if(_tests AND OSPREY_BUILD_TESTS)
    osprey_test(NAME ${L_NAME}_tests SOURCES ${_tests} LIBS ${L_NAME} ${L_PRIVATE_LIBS} ${L_TEST_LIBS}
                LABELS unit ${L_TEST_LABELS})
    target_include_directories(${L_NAME}_tests PRIVATE ${L_DIR}/src)
  endif()
endfunction()

# osprey_module(NAME name DIR dir LIBS ... [TEST_LIBS ...])
# A service module (mfa/..., smsgw/...): sources are DIR/*.cpp with headers beside them, included as
# "mfa/api/service.hpp" from the repository root; DIR/*_test.cpp become `<name>_tests`.
function(osprey_module)
  cmake_parse_arguments(M "" "NAME;DIR" "LIBS;TEST_LIBS;TEST_LABELS" ${ARGN})
  file(GLOB _srcs CONFIGURE_DEPENDS ${M_DIR}/*.cpp)
  file(GLOB _tests CONFIGURE_DEPENDS ${M_DIR}/*_test.cpp)
  if(_tests)
    list(REMOVE_ITEM _srcs ${_tests})
  endif()
  add_library(${M_NAME} STATIC ${_srcs})
  target_include_directories(${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${M_NAME} PUBLIC ${M_LIBS})
  if(_tests AND OSPREY_BUILD_TESTS)
    osprey_test(NAME ${M_NAME}_tests SOURCES ${_tests} LIBS ${M_NAME} ${M_TEST_LIBS} LABELS unit ${M_TEST_LABELS})
  endif()
endfunction()
