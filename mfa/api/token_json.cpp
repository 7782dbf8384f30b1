#include "mfa/api/token_json.hpp"

namespace osprey::mfa::api {

nlohmann::json TokenObject(const token::TokenView& view) {
  const token::TokenRecord& r = view.record;
  nlohmann::json info = nlohmann::json::object();
  for (const auto& [k, v] : r.info) info[k] = v;
  return {{"id", r.id},
          {"description", r.description},
          {"serial", r.serial},
          {"tokentype", r.tokentype},
          {"info", info},
          {"resolver", r.resolver},
          {"user_id", r.user_id},
          {"otplen", r.otplen},
          {"maxfail", r.maxfail},
          {"active", r.active},
          {"revoked", r.revoked},
          {"locked", r.locked},
          {"failcount", r.failcount},
          {"count", r.count},
          {"count_window", r.count_window},
          {"sync_window", r.sync_window},
          {"rollout_state", r.rollout_state},
          {"realms", r.realms},
          {"tokengroup", nlohmann::json::array()},
          {"username", view.username},
          {"user_realm", r.user_realm},
          {"user_editable", view.user_editable},
          {"container_serial", ""}};
}

nlohmann::json TokenListValue(const token::TokenListResult& list) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const token::TokenView& view : list.tokens) tokens.push_back(TokenObject(view));
  auto opt = [](const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"tokens", tokens},
          {"prev", opt(list.prev)},
          {"next", opt(list.next)},
          {"count", list.count},
          {"current", list.current}};
}

nlohmann::json InitDetail(const token::InitResult& init) {
  nlohmann::json detail = {
      {"serial", init.serial},
      {"rollout_state", init.rollout_state},
      {"otpkey",
       {{"description", "OTP seed"},
        {"value", "seed://" + init.otpkey_hex},
        {"img", ""},
        {"value_b32", init.value_b32}}},
      {"oathurl", {{"description", "URL for OATH token"}, {"value", init.oathurl}, {"img", ""}}}};
  if (init.googleurl) {
    detail["googleurl"] = {
        {"description", "URL for google Authenticator"}, {"value", *init.googleurl}, {"img", ""}};
  }
  return detail;
}

}  // namespace osprey::mfa::api
