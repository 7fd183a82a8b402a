#include <gtest/gtest.h>
#include <stdexcept>
#include <vector>

static int top(const std::vector<int>& v) {
    if (v.empty()) throw std::out_of_range("top of empty stack");
    return v.back();
}

TEST(Stack, TopOfOne) {
    ASSERT_EQ(top({7}), 7);
}

TEST(Stack, TopOfEmpty) {
    EXPECT_EQ(top({}), 0);
}

TEST(Stack, SizeAfterPush) {
    std::vector<int> v{1, 2};
    v.push_back(3);
    ASSERT_TRUE(v.size() == 2) << "size was " << v.size();
}
