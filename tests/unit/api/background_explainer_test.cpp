// The default explanation mode: answers carry the path attribution, and the exact TreeSHAP of flagged
// verdicts is computed on the idle thread and replaces the cached verdict.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "../../../src/api/background_explainer.hpp"
#include "vigil/api/url_checker.hpp"

namespace vigil::api {
namespace {

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

std::vector<const Reason*> feature_reasons(const UrlVerdict& v) {
    std::vector<const Reason*> out;
    for (const auto& r : v.reasons) {
        if (r.kind == "feature") out.push_back(&r);
    }
    return out;
}

class BackgroundExplanations : public ::testing::Test {
protected:
    void SetUp() override {
        auto psl = domain::PublicSuffixList::load_default();
        ASSERT_TRUE(psl.ok()) << psl.error().message;
        psl_ = std::make_unique<domain::PublicSuffixList>(std::move(*psl));
        brands_ = domain::BrandList::from_domains({"paypal.com", "google.com", "apple.com", "microsoft.com"});
        // The bundled 300-tree model: deep enough that path attribution and TreeSHAP differ.
        auto forest = ml::Forest::load_xgboost_json(std::filesystem::path(VIGIL_SOURCE_DIR) / "models/url/model.json");
        ASSERT_TRUE(forest.ok()) << forest.error().message;
        forest_ = std::make_unique<ml::Forest>(std::move(*forest));
    }

    UrlChecker make(ExplainMode mode, size_t cache_capacity) {
        UrlCheckerOptions options;
        options.explain = mode;
        options.cache_capacity = cache_capacity;
        return UrlChecker(UrlModel{forest_.get(), 0.5, "bundled", "test"}, *psl_, brands_, options);
    }

    std::unique_ptr<domain::PublicSuffixList> psl_;
    domain::BrandList brands_;
    std::unique_ptr<ml::Forest> forest_;
};

TEST_F(BackgroundExplanations, FlaggedVerdictsGetExactTreeShapInTheCache) {
    auto background = make(ExplainMode::kBackground, 1000);
    auto exact = make(ExplainMode::kAlways, 0);
    const std::vector<std::string> urls = {
        "http://paypal.com.secure-login.example.ru/webscr?cmd=_login",
        "http://192.168.13.7/apple-id/verify/account.php?session=8c1f0e",
        "http://login-microsoftonline.com.verify-user.tk/common/oauth2/authorize",
        "https://www.wikipedia.org/",
        "https://github.com/",
    };
    size_t flagged = 0;
    for (const auto& u : urls) {
        auto first = background.check(u);
        ASSERT_TRUE(first.ok()) << u;
        EXPECT_FALSE(first->cached);
        EXPECT_EQ(first->verdict->explanation, "path") << u;
        if (first->verdict->verdict != VerdictLabel::kBenign) ++flagged;
    }
    ASSERT_GE(flagged, 2u) << "the test needs flagged verdicts";
    ASSERT_LT(flagged, urls.size()) << "the test needs a benign verdict";
    ASSERT_TRUE(wait_for([&] { return background.background_explained() == flagged; }))
        << background.background_explained() << " of " << flagged;
    EXPECT_EQ(background.background_dropped(), 0u);

    size_t differs_from_path = 0;
    for (const auto& u : urls) {
        auto again = background.check(u);
        ASSERT_TRUE(again.ok());
        EXPECT_TRUE(again->cached);
        const UrlVerdict& v = *again->verdict;
        if (v.verdict == VerdictLabel::kBenign) {
            EXPECT_EQ(v.explanation, "path") << u;  // benign verdicts are not refined
            continue;
        }
        EXPECT_EQ(v.explanation, "treeshap") << u;
        auto reference = exact.check(u);
        ASSERT_TRUE(reference.ok());
        EXPECT_EQ(v.score, reference->verdict->score);
        const auto got = feature_reasons(v);
        const auto want = feature_reasons(*reference->verdict);
        ASSERT_EQ(got.size(), want.size()) << u;
        for (size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i]->name, want[i]->name) << u;
            EXPECT_NEAR(got[i]->contribution, want[i]->contribution, 1e-6) << u;
        }
        // Rule reasons (e.g. lookalike) survive the refinement.
        EXPECT_EQ(v.reasons.size() - got.size(), reference->verdict->reasons.size() - want.size()) << u;
        auto path = make(ExplainMode::kNever, 0).check(u);
        ASSERT_TRUE(path.ok());
        const auto approx = feature_reasons(*path->verdict);
        if (approx.empty() || approx[0]->contribution != got[0]->contribution) ++differs_from_path;
    }
    EXPECT_GT(differs_from_path, 0u) << "path attribution and TreeSHAP should differ on a 300-tree model";
}

TEST_F(BackgroundExplanations, FlaggedModeComputesExactValuesOnTheRequestPath) {
    auto checker = make(ExplainMode::kFlagged, 1000);
    auto phishing = checker.check("http://paypal.com.secure-login.example.ru/webscr?cmd=_login");
    ASSERT_TRUE(phishing.ok());
    ASSERT_NE(phishing->verdict->verdict, VerdictLabel::kBenign);
    EXPECT_EQ(phishing->verdict->explanation, "treeshap");
    auto benign = checker.check("https://github.com/");
    ASSERT_TRUE(benign.ok());
    ASSERT_EQ(benign->verdict->verdict, VerdictLabel::kBenign);
    EXPECT_EQ(benign->verdict->explanation, "path");
    EXPECT_EQ(checker.background_explained() + checker.background_pending(), 0u);
}

TEST_F(BackgroundExplanations, NoCacheMeansNoBackgroundWork) {
    auto checker = make(ExplainMode::kBackground, 0);
    auto r = checker.check("http://paypal.com.secure-login.example.ru/webscr?cmd=_login");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->verdict->explanation, "path");
    EXPECT_EQ(checker.background_explained() + checker.background_dropped() + checker.background_pending(), 0u);
}

TEST(BackgroundExplainer, DropsWhenTheQueueIsFullAndNeverBlocks) {
    std::mutex m;
    std::condition_variable cv;
    bool entered = false, release = false;
    int explained = 0;
    {
        BackgroundExplainer worker(
            1,
            [&](ExactExplanationJob& job) {
                std::unique_lock lock(m);
                entered = true;
                cv.notify_all();
                cv.wait(lock, [&] { return release; });
                job.contributions[0] = 1.0f;
            },
            [&](const ExactExplanationJob& job) { explained += job.contributions[0] == 1.0f; });
        ASSERT_TRUE(worker.try_post({}));
        {
            std::unique_lock lock(m);
            ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return entered; }));
        }
        EXPECT_TRUE(worker.try_post({}));   // waits in the queue (capacity 1)
        EXPECT_FALSE(worker.try_post({}));  // full: dropped at once
        EXPECT_EQ(worker.dropped(), 1u);
        EXPECT_EQ(worker.pending(), 1u);
        {
            std::lock_guard lock(m);
            release = true;
        }
        cv.notify_all();
        ASSERT_TRUE(wait_for([&] { return worker.done() == 2; }));
    }  // the destructor joins the idle thread
    EXPECT_EQ(explained, 2);
}

}  // namespace
}  // namespace vigil::api
