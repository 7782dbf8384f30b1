// Shared libraries loaded when first needed instead of linked (libcurl, libpq via SOCI, libgammu), so that a
// process maps only what it uses (docs/architecture.md).
#pragma once

#include "osprey/core/result.hpp"

namespace osprey {

// dlopen(soname, RTLD_NOW | RTLD_LOCAL): the library's symbols stay out of the global scope. The handle is
// never closed: the library stays for the life of the process. kUnavailable "cannot load <soname>:
// <dlerror>".
Result<void*> OpenSharedLibrary(const char* soname);

namespace internal {
void* RawSymbol(void* handle, const char* name);
}  // namespace internal

// dlsym(handle, name) as the pointer type T (a function pointer); nullptr when the library lacks it.
template <typename T>
T SharedLibrarySymbol(void* handle, const char* name) {
  return reinterpret_cast<T>(internal::RawSymbol(handle, name));
}

}  // namespace osprey
