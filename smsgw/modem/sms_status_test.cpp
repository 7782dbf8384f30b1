#include "smsgw/modem/sms_status.hpp"

#include <gtest/gtest.h>

namespace osprey::smsgw::modem {
namespace {

TEST(ClassifyCmsErrorTest, FollowsTheSpecTable) {
  for (int code : {1, 8, 10, 21, 29, 50, 96, 302, 304, 305, 310, 311, 316}) {
    EXPECT_EQ(ClassifyCmsError(code), SubmitErrorClass::kPermanent) << code;
  }
  for (int code : {27, 38, 41, 42, 47, 330, 331, 332, 500, 999}) {
    EXPECT_EQ(ClassifyCmsError(code), SubmitErrorClass::kTransient) << code;
  }
  EXPECT_TRUE(IsModemLevelCmsError(311));
  EXPECT_FALSE(IsModemLevelCmsError(1));
}

TEST(ClassifyTpStatusTest, FollowsLibgammusRule) {
  struct Case {
    int tp_st;
    DeliveryOutcome want;
  };
  for (auto c : {Case{0x00, DeliveryOutcome::kDelivered}, Case{0x02, DeliveryOutcome::kDelivered},
                 Case{0x03, DeliveryOutcome::kUnknown}, Case{0x1F, DeliveryOutcome::kUnknown},
                 Case{0x20, DeliveryOutcome::kPending}, Case{0x3F, DeliveryOutcome::kPending},
                 Case{0x46, DeliveryOutcome::kFailed}, Case{0x60, DeliveryOutcome::kFailed}}) {
    EXPECT_EQ(ClassifyTpStatus(c.tp_st), c.want) << c.tp_st;
  }
}

}  // namespace
}  // namespace osprey::smsgw::modem
