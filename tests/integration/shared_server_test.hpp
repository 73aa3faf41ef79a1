#pragma once
// A test suite sharing one `vigil serve` process: derive as `class X : public SharedServerTest<X>` and give X a
// `static std::vector<std::string> server_flags()`.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_server.hpp"

namespace vigil::testing {

template <class Suite>
class SharedServerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new TestServer(Suite::server_flags()); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    void SetUp() override { ASSERT_TRUE(server_->running()) << server_->output(); }

    static inline TestServer* server_ = nullptr;
};

}  // namespace vigil::testing
