// PiError: a failure as privacyIDEA reports it on the wire (spec privacyidea-api.md §3): HTTP status, the
// `error.code` and the exact `error.message`. Domain code of the MFA server returns these for the failures
// the spec names, because the code and the text are part of the contract (ERR904 names the user, ERR1007 the
// lock). The api layer renders them unchanged; it never invents the text. Thread rule: plain values.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "osprey/core/result.hpp"

namespace osprey::mfa {

struct PiError {
  int http_status = 500;
  int code = -500;
  std::string message;  // exactly as on the wire, e.g. "ERR905: Invalid user."
};

// 400 with "ERR<code>: <text>" (905 parameter, 904 user, 401 validate, 77 setDefault, 1007 locked, ...).
inline PiError CodedError(int code, const std::string& text) {
  return {400, code, "ERR" + std::to_string(code) + ": " + text};
}
inline PiError ParameterError(const std::string& text) { return CodedError(905, text); }
inline PiError UserError(const std::string& text) { return CodedError(904, text); }
// 404, 601, bare text, e.g. "The requested token could not be found."
inline PiError NotFoundError(const std::string& text) { return {404, 601, text}; }
// 403, 303, bare text.
inline PiError PolicyError(const std::string& text) { return {403, 303, text}; }
// 401 with an authentication code (403, 4031, 4032, 4033, 4304, 4305, 4306), bare text.
inline PiError AuthError(int code, const std::string& text) { return {401, code, text}; }
// 500, -500: infrastructure (database unreachable, ...). The text must not contain secrets.
inline PiError InternalError(const std::string& text) { return {500, -500, text}; }

// Maps an infrastructure/domain osprey::Error to the wire: kInvalidArgument → ERR905, kNotFound → 404/601,
// kPermissionDenied → 403/303, kUnauthenticated → 401/403, kUnimplemented → 501/-501, anything else →
// 500/-500.
PiError FromError(const Error& error);

// PiResult<T>: a T or a PiError (the MFA server's Result).
template <typename T>
class [[nodiscard]] PiResult {
 public:
  PiResult(T value) : v_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  PiResult(PiError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const PiError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, PiError> v_;
};

struct Done {};  // PiResult<Done>: success without a value
using PiStatus = PiResult<Done>;
inline PiStatus PiOk() { return Done{}; }

}  // namespace osprey::mfa
