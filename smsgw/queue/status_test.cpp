#include "smsgw/queue/status.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace osprey::smsgw::queue {
namespace {

using S = MessageStatus;

TEST(StatusNamesTest, BothSpellingsRoundTrip) {
  for (S s : {S::kReserved, S::kSendingOkNoReport, S::kSendingOk, S::kDeliveryOk, S::kDeliveryFailed,
              S::kDeliveryPending, S::kDeliveryUnknown, S::kSendingError, S::kError}) {
    EXPECT_EQ(*ParseFolderStatusName(FolderStatusName(s)), s);
  }
  EXPECT_EQ(FolderStatusName(S::kSendingOkNoReport), "sending_ok_no_report");
  EXPECT_EQ(GammuStatusName(S::kSendingOkNoReport), "SendingOKNoReport");
  EXPECT_EQ(GammuStatusName(S::kDeliveryOk), "DeliveryOK");
  EXPECT_FALSE(ParseFolderStatusName("queued").ok());
}

TEST(FolderTest, FoldersFollowTheSpec) {
  EXPECT_TRUE(InFolder(S::kReserved, Folder::kOutbox));
  EXPECT_TRUE(InFolder(S::kDeliveryOk, Folder::kSent));
  EXPECT_TRUE(InFolder(S::kDeliveryOk, Folder::kDelivered));
  EXPECT_FALSE(InFolder(S::kDeliveryFailed, Folder::kDelivered));
  EXPECT_TRUE(InFolder(S::kError, Folder::kError));
  EXPECT_TRUE(InFolder(S::kSendingError, Folder::kError));
  EXPECT_FALSE(InFolder(S::kSendingError, Folder::kSent));
}

// smseagle-api.md §8, one row per rule.
TEST(AggregateStatusTest, FollowsTheMultipartRule) {
  struct Case {
    std::vector<S> parts;
    S want;
  };
  const std::vector<Case> cases = {
      {{S::kDeliveryOk, S::kSendingError}, S::kSendingError},
      {{S::kError, S::kDeliveryOk}, S::kError},
      {{S::kDeliveryOk, S::kDeliveryOk}, S::kDeliveryOk},
      {{S::kDeliveryOk, S::kDeliveryFailed, S::kDeliveryPending}, S::kDeliveryFailed},
      {{S::kDeliveryPending, S::kDeliveryUnknown}, S::kDeliveryPending},
      {{S::kDeliveryUnknown, S::kSendingOk}, S::kDeliveryUnknown},
      {{S::kDeliveryOk, S::kSendingOk}, S::kSendingOk},
      {{S::kSendingOk, S::kSendingOk}, S::kSendingOk},
      {{S::kSendingOkNoReport}, S::kSendingOkNoReport},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(AggregateStatus(c.parts), c.want) << FolderStatusName(c.want);
  }
}

TEST(PartStatusTest, MapsPartStates) {
  EXPECT_EQ(PartStatus(PartState::kSubmitted, true), S::kSendingOk);
  EXPECT_EQ(PartStatus(PartState::kSubmitted, false), S::kSendingOkNoReport);
  EXPECT_EQ(PartStatus(PartState::kDelivered, true), S::kDeliveryOk);
  EXPECT_EQ(PartStatus(PartState::kFailed, true), S::kSendingError);
  EXPECT_EQ(*ParsePartStateName(PartStateName(PartState::kDeliveryUnknown)), PartState::kDeliveryUnknown);
}

TEST(ValidityTest, MapsTheEnumToTpVp) {
  EXPECT_EQ(ParseValidity("5m")->vp, 0);
  EXPECT_EQ(ParseValidity("1d")->vp, 167);
  EXPECT_EQ(ParseValidity("4w")->vp, 194);
  EXPECT_EQ(ParseValidity("max")->vp, 255);
  EXPECT_FALSE(ParseValidity("3h").ok());
  EXPECT_EQ(*ValidityDuration(*ParseValidity("1h")), std::chrono::minutes(60));
  EXPECT_FALSE(ValidityDuration(*ParseValidity("max")).has_value());
}

}  // namespace
}  // namespace osprey::smsgw::queue
