// The traffic settings (issue 3): --traffic-model, --alert-min-severity, --alert-fold-window-s,
// --max-predict-batch from flags, environment and TOML, with their validation.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "vigil/core/config.hpp"

namespace vigil {
namespace {

TEST(TrafficConfig, DefaultsMatchTheBrief) {
    const ServerConfig c;
    EXPECT_EQ(c.traffic_model_dir, "models/traffic");
    EXPECT_EQ(c.alert_min_severity, "MEDIUM");
    EXPECT_EQ(c.alert_fold_window_s, 60u);
    EXPECT_EQ(c.max_predict_batch, 10000u);
}

TEST(TrafficConfig, FlagsEnvironmentAndToml) {
    ServerConfig c;
    ASSERT_TRUE(apply_flag(c, "--alert-min-severity", "high").ok());
    EXPECT_EQ(c.alert_min_severity, "HIGH");  // case-insensitive, stored upper-case
    ASSERT_TRUE(apply_flag(c, "alert-fold-window-s", "0").ok());
    EXPECT_EQ(c.alert_fold_window_s, 0u);
    ASSERT_TRUE(apply_flag(c, "--traffic-model", "/opt/models/traffic").ok());
    EXPECT_EQ(c.traffic_model_dir, "/opt/models/traffic");

    const std::map<std::string, std::string> vars = {{"VIGIL_MAX_PREDICT_BATCH", "500"},
                                                      {"VIGIL_ALERT_MIN_SEVERITY", "LOW"}};
    ASSERT_TRUE(apply_env(c, [&](std::string_view n) -> std::optional<std::string> {
                    auto it = vars.find(std::string(n));
                    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
                }).ok());
    EXPECT_EQ(c.max_predict_batch, 500u);
    EXPECT_EQ(c.alert_min_severity, "LOW");

    ASSERT_TRUE(apply_toml(c, "[alerts]\nmin_severity = \"INFO\"\nfold_window_s = 300\n[model]\ntraffic_dir = \"t\"\n")
                    .ok());
    EXPECT_EQ(c.alert_min_severity, "INFO");
    EXPECT_EQ(c.alert_fold_window_s, 300u);
    EXPECT_EQ(c.traffic_model_dir, "t");
    // The TOML rendering reads back to the same values.
    ServerConfig round;
    ASSERT_TRUE(apply_toml(round, to_toml(c)).ok());
    EXPECT_EQ(round, c);
}

TEST(TrafficConfig, BadValuesAreRefusedWithTheirName) {
    ServerConfig c;
    for (const auto& [flag, value] : std::initializer_list<std::pair<const char*, const char*>>{
             {"alert-min-severity", "CRITICAL"},
             {"alert-min-severity", ""},
             {"alert-fold-window-s", "-1"},
             {"alert-fold-window-s", "86401"},
             {"max-predict-batch", "0"},
             {"max-predict-batch", "lots"},
             {"traffic-model", ""}}) {
        auto s = apply_flag(c, flag, value);
        ASSERT_FALSE(s.ok()) << flag << "=" << value;
        EXPECT_NE(s.error().message.find(flag), std::string::npos) << s.error().message;
    }
    EXPECT_EQ(c, ServerConfig{});
    auto unknown = apply_toml(c, "[alerts]\nmin_severty = \"HIGH\"\n");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("alerts.min_severity"), std::string::npos) << unknown.error().message;
}

}  // namespace
}  // namespace vigil
