// SOCI's PostgreSQL backend is loaded at run time (engine.cpp opens "postgresql" by name), not linked into
// osprey. Database::IsRetryable still needs the SQLSTATE of its exception type, whose class is complete in
// <soci/postgresql/soci-postgresql.h> (so dynamic_cast works without the library) except for one out-of-line
// accessor. It is defined here exactly as SOCI 4.0.3 defines it (backends/postgresql/error.cpp). Programs
// that link the backend (the tests) use either definition: they are the same.
#include <soci/postgresql/soci-postgresql.h>

#include <string>

std::string soci::postgresql_soci_error::sqlstate() const { return std::string(sqlstate_, 5); }
