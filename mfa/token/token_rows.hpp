// Internal to the token store: the column list of a token row and the loader that assembles TokenRecords from
// the one-statement reads (token columns + one info or realm entry per row).
#pragma once

#include <soci/soci.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mfa/token/token.hpp"

namespace osprey::mfa::token::internal {

// Columns of mfa_token (alias t) in the order LoadToken reads them; 64-bit and boolean columns cast so that
// both engines return them the same way.
extern const char* const kTokenColumns;
inline constexpr std::size_t kTokenColumnCount = 21;

TokenRecord LoadToken(const soci::row& row);

// Rows of: kTokenColumns, kind ('i' info / 'r' realm / NULL), key, value. Tokens in first-seen order.
class Assembler {
 public:
  void Add(const soci::row& row);
  std::vector<TokenRecord> Finish();

 private:
  std::vector<TokenRecord> out_;
  std::map<std::int64_t, std::size_t> index_;
};
std::vector<TokenRecord> Assemble(soci::rowset<soci::row>& rows);

// "SELECT kTokenColumns, 'i', i.info_key, i.info_value ... WHERE <where> UNION ALL ... realms ... WHERE
// <where2>" `where` and `where2` must use distinct bind names.
std::string WithDetails(const std::string& where, const std::string& where2);

}  // namespace osprey::mfa::token::internal
