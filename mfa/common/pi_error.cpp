#include "mfa/common/pi_error.hpp"

namespace osprey::mfa {

PiError FromError(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument: return ParameterError(error.message());
    case ErrorCode::kNotFound: return NotFoundError(error.message());
    case ErrorCode::kPermissionDenied: return PolicyError(error.message());
    case ErrorCode::kUnauthenticated: return AuthError(403, error.message());
    case ErrorCode::kUnimplemented: return {501, -501, error.message()};
    default: return InternalError(error.message());
  }
}

}  // namespace osprey::mfa
