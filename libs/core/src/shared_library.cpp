#include "osprey/core/shared_library.hpp"

#include <dlfcn.h>

#include <string>

namespace osprey {

Result<void*> OpenSharedLibrary(const char* soname) {
  void* handle = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle != nullptr) return handle;
  const char* why = ::dlerror();
  return Error(ErrorCode::kUnavailable,
               std::string("cannot load ") + soname + ": " + (why != nullptr ? why : "unknown error"));
}

namespace internal {
void* RawSymbol(void* handle, const char* name) { return ::dlsym(handle, name); }
}  // namespace internal

}  // namespace osprey
