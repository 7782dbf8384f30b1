# Every dependency is a Debian 12 package; scripts/install-deps.sh installs them.

# osprey_soname(VAR library-file): the DT_SONAME of a shared library (what dlopen should be given), from
# `objdump -p` (binutils, there with the compiler).
function(osprey_soname var file)
  execute_process(COMMAND objdump -p ${file} OUTPUT_VARIABLE _dump RESULT_VARIABLE _rc ERROR_QUIET)
  string(REGEX MATCH "SONAME +([^\n ]+)" _match "${_dump}")
  if(NOT _rc EQUAL 0 OR NOT CMAKE_MATCH_1)
    message(FATAL_ERROR "no SONAME in ${file}")
  endif()
  set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(CURL REQUIRED)
# libcurl is not linked but loaded on the first HTTP request (libs/http client.cpp): it brings libldap,
# GnuTLS, Kerberos, libssh2 and more, ≈ 4 MB of resident pages in every process that maps it.
osprey_soname(CURL_SONAME ${CURL_LIBRARY})
add_library(osprey::curl_headers INTERFACE IMPORTED)
target_include_directories(osprey::curl_headers INTERFACE ${CURL_INCLUDE_DIRS})
target_compile_definitions(osprey::curl_headers INTERFACE OSPREY_CURL_LIBRARY="${CURL_SONAME}")
target_link_libraries(osprey::curl_headers INTERFACE ${CMAKE_DL_LIBS})
find_package(Boost 1.74 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# PCRE2 gives the HTTP SMS provider's REGEXP option Python-`re`-compatible semantics (std::regex is ECMAScript).
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(GAMMU REQUIRED IMPORTED_TARGET gammu)
# libgammu is not linked but loaded at run time by the modem worker (smsgw/gammu/gammu_library.hpp), so the
# other processes never map it and its dependencies. Its soname is what the development symlink points to.
find_library(GAMMU_LIBRARY_FILE NAMES Gammu HINTS ${GAMMU_LIBRARY_DIRS} REQUIRED)
osprey_soname(GAMMU_SONAME ${GAMMU_LIBRARY_FILE})
add_library(osprey::gammu_headers INTERFACE IMPORTED)
target_include_directories(osprey::gammu_headers INTERFACE ${GAMMU_INCLUDE_DIRS})
target_compile_definitions(osprey::gammu_headers INTERFACE OSPREY_GAMMU_LIBRARY="${GAMMU_SONAME}")
target_link_libraries(osprey::gammu_headers INTERFACE ${CMAKE_DL_LIBS})
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
if(OSPREY_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(OSPREY_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Debian's SOCI ships no CMake package; locate its libraries directly.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIB soci_postgresql REQUIRED)
add_library(soci::soci INTERFACE IMPORTED)
target_include_directories(soci::soci INTERFACE ${SOCI_INCLUDE_DIR} ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(soci::soci INTERFACE ${SOCI_SQLITE3_LIB} ${SOCI_CORE_LIB} SQLite::SQLite3 ${CMAKE_DL_LIBS})
# The PostgreSQL backend (and libpq with libldap, GnuTLS, Kerberos behind it: ≈ 4 MB of resident pages) is
# not linked into osprey: SOCI loads it by name when a postgresql:// database is opened (libs/sql
# engine.cpp). Test programs link it, for the sessions they open on the test server themselves.
add_library(soci::postgresql_linked INTERFACE IMPORTED)
target_link_libraries(soci::postgresql_linked INTERFACE ${SOCI_POSTGRESQL_LIB} PostgreSQL::PostgreSQL)
osprey_soname(PQ_SONAME ${PostgreSQL_LIBRARY})
