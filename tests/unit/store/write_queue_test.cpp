#include "vigil/store/write_queue.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "temp_dir.hpp"
#include "vigil/store/url_check_queue.hpp"

namespace vigil::store {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// Collects what the writer was given; can hold the writer thread inside its first call.
struct RecordingWriter {
    std::mutex mutex;
    std::vector<int> rows;
    std::vector<std::size_t> batch_sizes;
    std::promise<void> entered;
    std::shared_future<void> release;
    bool block_first = false;
    bool first = true;

    WriteQueue<int>::Writer fn() {
        return [this](std::span<const int> batch) -> Status {
            bool wait = false;
            {
                std::lock_guard lock(mutex);
                if (first && block_first) wait = true;
                first = false;
            }
            if (wait) {
                entered.set_value();
                release.wait();
            }
            std::lock_guard lock(mutex);
            rows.insert(rows.end(), batch.begin(), batch.end());
            batch_sizes.push_back(batch.size());
            return Status::success();
        };
    }
};

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(2ms);
    }
    return pred();
}

TEST(WriteQueue, ShutdownDrainsEverythingInOrderInBoundedBatches) {
    RecordingWriter w;
    {
        WriteQueue<int> q(w.fn(), WriteQueueOptions{.capacity = 10000, .max_batch = 64, .flush_interval = 1h});
        for (int i = 0; i < 1000; ++i) ASSERT_TRUE(q.try_push(int{i}));
        q.shutdown();
        EXPECT_EQ(q.written(), 1000u);
        EXPECT_EQ(q.depth(), 0u);
        EXPECT_EQ(q.dropped(), 0u);
        EXPECT_FALSE(q.try_push(1000));  // closed after shutdown
        EXPECT_EQ(q.dropped(), 1u);
    }
    ASSERT_EQ(w.rows.size(), 1000u);
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(w.rows[i], i);
    for (std::size_t n : w.batch_sizes) EXPECT_LE(n, 64u);
}

TEST(WriteQueue, FullQueueDropsAndCountsWhileWriterIsBlocked) {
    RecordingWriter w;
    std::promise<void> release;
    w.release = release.get_future().share();
    w.block_first = true;
    auto entered = w.entered.get_future();
    WriteQueue<int> q(w.fn(), WriteQueueOptions{.capacity = 4, .max_batch = 2, .flush_interval = 5ms});
    ASSERT_TRUE(q.try_push(0));
    ASSERT_EQ(entered.wait_for(5s), std::future_status::ready);  // row 0 is in flight, writer is stuck
    for (int i = 1; i <= 4; ++i) EXPECT_TRUE(q.try_push(int{i})) << i;
    EXPECT_EQ(q.depth(), 5u);  // 4 queued + 1 in flight
    int rejected = 100;
    EXPECT_FALSE(q.try_push(std::move(rejected)));
    EXPECT_FALSE(q.try_push(101));
    EXPECT_EQ(q.dropped(), 2u);
    EXPECT_EQ(q.accepted(), 5u);
    EXPECT_EQ(q.written(), 0u);
    release.set_value();
    q.shutdown();
    EXPECT_EQ(q.written(), 5u);
    EXPECT_EQ(w.rows, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WriteQueue, FlushIntervalWritesWithoutAFullBatch) {
    RecordingWriter w;
    WriteQueue<int> q(w.fn(), WriteQueueOptions{.capacity = 100, .max_batch = 50, .flush_interval = 10ms});
    ASSERT_TRUE(q.try_push(7));
    EXPECT_TRUE(eventually([&] { return q.written() == 1; }));
}

TEST(WriteQueue, WriterNiceLowersOnlyTheWriterThread) {
    auto nice_of_this_thread = [] { return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))); };
    const int caller = nice_of_this_thread();
    std::atomic<int> writer{-100};
    WriteQueue<int> q(
        [&](std::span<const int>) {
            writer = nice_of_this_thread();
            return Status::success();
        },
        WriteQueueOptions{.capacity = 10, .max_batch = 5, .flush_interval = 1h, .writer_nice = 5});
    ASSERT_TRUE(q.try_push(1));
    q.flush();
    EXPECT_EQ(writer.load(), std::min(19, caller + 5));
    EXPECT_EQ(nice_of_this_thread(), caller);
}

TEST(WriteQueue, FlushWaitsForAcceptedRows) {
    RecordingWriter w;
    WriteQueue<int> q(w.fn(), WriteQueueOptions{.capacity = 100, .max_batch = 50, .flush_interval = 1h});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(q.try_push(int{i}));
    q.flush();
    EXPECT_EQ(q.written(), 3u);
    EXPECT_EQ(q.depth(), 0u);
}

TEST(WriteQueue, FailedAndThrowingBatchesAreCountedAndTheThreadSurvives) {
    std::mutex m;
    std::vector<int> written;
    int attempts_on_bad = 0;
    auto writer = [&](std::span<const int> batch) -> Status {
        std::lock_guard lock(m);
        if (batch.front() == 13) {
            ++attempts_on_bad;
            return make_error(ErrorCode::kIo, "disk says no");
        }
        if (batch.front() == 14) throw std::runtime_error("writer threw");
        written.insert(written.end(), batch.begin(), batch.end());
        return Status::success();
    };
    WriteQueue<int> q(writer, WriteQueueOptions{.capacity = 100, .max_batch = 1, .flush_interval = 1h,
                                                .max_attempts = 2, .name = "test queue"});
    for (int v : {12, 13, 14, 15}) ASSERT_TRUE(q.try_push(int{v}));
    q.shutdown();
    EXPECT_EQ(written, (std::vector<int>{12, 15}));
    EXPECT_EQ(attempts_on_bad, 2);  // retried once
    EXPECT_EQ(q.write_errors(), 2u);
    EXPECT_EQ(q.failed_rows(), 2u);
    EXPECT_EQ(q.written(), 2u);
    EXPECT_EQ(q.depth(), 0u);
}

TEST(UrlCheckQueue, RowsPushedFromSeveralThreadsAreAllInTheDatabase) {
    TempDir dir;
    const auto path = dir.path() / "var" / "vigil.db";
    auto db = Database::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message;
    constexpr int kThreads = 4;
    constexpr int kPerThread = 2500;
    auto q = make_url_check_queue(std::move(*db), WriteQueueOptions{.capacity = kThreads * kPerThread,
                                                                     .max_batch = 256,
                                                                     .flush_interval = 20ms});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&q, t] {
            for (int i = 0; i < kPerThread; ++i) {
                UrlCheckRow row;
                row.ts_ms = i;
                row.canonical_url = "http://t" + std::to_string(t) + ".example/" + std::to_string(i);
                row.registrable_domain = "t" + std::to_string(t) + ".example";
                row.score = 0.5;
                row.verdict = "suspicious";
                row.severity = "MEDIUM";
                row.model_version = "test";
                row.latency_us = 42;
                ASSERT_TRUE(q->try_push(std::move(row)));
            }
        });
    }
    // A second connection reads while the writer writes (WAL): it must never fail or see a partial batch
    // count beyond what was pushed.
    auto reader = Database::open(path);
    ASSERT_TRUE(reader.ok());
    for (int i = 0; i < 5; ++i) {
        auto n = reader->count_url_checks();
        ASSERT_TRUE(n.ok()) << n.error().message;
        EXPECT_LE(*n, kThreads * kPerThread);
        std::this_thread::sleep_for(5ms);
    }
    for (auto& th : threads) th.join();
    q->shutdown();
    EXPECT_EQ(q->written(), static_cast<uint64_t>(kThreads * kPerThread));
    EXPECT_EQ(q->dropped(), 0u);
    EXPECT_EQ(q->write_errors(), 0u);
    EXPECT_EQ(*reader->count_url_checks(), kThreads * kPerThread);
    auto distinct = reader->prepare("SELECT COUNT(DISTINCT canonical_url) FROM url_checks");
    ASSERT_TRUE(distinct.ok());
    ASSERT_TRUE(*distinct->step());
    EXPECT_EQ(distinct->column_int64(0), kThreads * kPerThread);
}

}  // namespace
}  // namespace vigil::store
