#pragma once
// A bounded queue in front of a slow writer, so that the request path never waits on disk.
//
// try_push() appends to a vector under a short mutex and returns at once; when the queue is full the row is
// dropped and counted (a degraded mode with a metric and a rate-limited log line). One background thread
// swaps the vector out and hands it to the writer in batches of at most max_batch rows (one transaction
// each). shutdown() writes everything that was accepted before it returns.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::store {

struct WriteQueueOptions {
    std::size_t capacity = 65536;  // rows waiting to be written (not counting the batch being written)
    std::size_t max_batch = 512;   // rows per writer call (one transaction)
    std::chrono::milliseconds flush_interval{200};  // the longest an accepted row waits before a write starts
    int max_attempts = 2;           // a failed batch is retried once (e.g. SQLITE_BUSY past the busy timeout)
    std::string name = "write_queue";  // for log lines
    // Added to the writer thread's nice value (0-19). A positive value lets request threads preempt a
    // long batch write; the queue absorbs the rows meanwhile (vigil serve uses 10).
    int writer_nice = 0;
};

namespace detail {
// Log lines to stderr; a drop is logged the first time and then every 10,000th time.
bool should_log_drop(uint64_t dropped_total);
void log_drop(std::string_view queue, uint64_t dropped_total, std::size_t capacity, bool closed);
void log_write_error(std::string_view queue, std::string_view message, std::size_t rows, uint64_t errors_total);
// Raises the calling thread's nice value by `increment` (Linux: nice is per thread); best effort.
void lower_current_thread_priority(int increment);
}  // namespace detail

template <class Row>
class WriteQueue {
public:
    // Called on the background thread only, so it may own a non-thread-safe resource (a Database).
    using Writer = std::function<Status(std::span<const Row>)>;

    WriteQueue(Writer writer, WriteQueueOptions options)
        : writer_(std::move(writer)), options_(std::move(options)) {
        if (options_.capacity == 0) options_.capacity = 1;
        if (options_.max_batch == 0) options_.max_batch = 1;
        if (options_.max_attempts < 1) options_.max_attempts = 1;
        pending_.reserve(std::min(options_.capacity, options_.max_batch * 2));
        thread_ = std::thread([this] { run(); });
    }

    WriteQueue(const WriteQueue&) = delete;
    WriteQueue& operator=(const WriteQueue&) = delete;
    ~WriteQueue() { shutdown(); }

    // Never waits on the writer. Returns false (and counts a drop) when the queue is full or shut down;
    // the row is then left untouched.
    bool try_push(Row&& row) {
        std::size_t size = 0;
        bool closed = false;
        {
            std::lock_guard lock(mutex_);
            closed = stopping_;
            if (!closed && pending_.size() < options_.capacity) {
                pending_.push_back(std::move(row));
                ++accepted_seq_;
                size = pending_.size();
                // Counted under the lock so that depth() never undercounts what the writer later subtracts.
                depth_.fetch_add(1, std::memory_order_relaxed);
            }
        }
        if (size == 0) {
            const uint64_t dropped = dropped_.fetch_add(1, std::memory_order_relaxed) + 1;
            if (detail::should_log_drop(dropped)) detail::log_drop(options_.name, dropped, options_.capacity, closed);
            return false;
        }
        accepted_.fetch_add(1, std::memory_order_relaxed);
        // Wake the writer only when a full batch is ready; otherwise its flush_interval timer picks rows up.
        if (size == options_.max_batch) wake_.notify_one();
        return true;
    }

    // Blocks until every row accepted before the call has been handed to the writer (written or failed).
    void flush() {
        std::unique_lock lock(mutex_);
        const uint64_t target = accepted_seq_;
        flush_requested_ = true;
        wake_.notify_one();
        done_.wait(lock, [&] { return completed_seq_ >= target || writer_exited_; });
    }

    // Stops accepting rows, writes everything accepted, joins the thread. Safe to call more than once.
    void shutdown() {
        std::call_once(shutdown_once_, [this] {
            {
                std::lock_guard lock(mutex_);
                stopping_ = true;
            }
            wake_.notify_one();
            if (thread_.joinable()) thread_.join();
        });
    }

    std::size_t depth() const { return depth_.load(std::memory_order_relaxed); }  // queued + being written
    uint64_t accepted() const { return accepted_.load(std::memory_order_relaxed); }
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    uint64_t written() const { return written_.load(std::memory_order_relaxed); }
    uint64_t write_errors() const { return write_errors_.load(std::memory_order_relaxed); }  // failed batches
    uint64_t failed_rows() const { return failed_rows_.load(std::memory_order_relaxed); }   // rows lost to them
    uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }           // successful batches
    std::size_t capacity() const { return options_.capacity; }

private:
    void run() {
        if (options_.writer_nice > 0) detail::lower_current_thread_priority(options_.writer_nice);
        std::vector<Row> batch;
        batch.reserve(pending_.capacity());
        std::unique_lock lock(mutex_);
        while (true) {
            wake_.wait_for(lock, options_.flush_interval, [&] {
                return stopping_ || flush_requested_ || pending_.size() >= options_.max_batch;
            });
            flush_requested_ = false;
            if (pending_.empty()) {
                if (stopping_) break;
                continue;
            }
            // Swap rather than copy: pending_ gets the drained buffer back with its capacity, so try_push
            // rarely allocates.
            batch.swap(pending_);
            lock.unlock();
            write_all(batch);
            const std::size_t n = batch.size();
            batch.clear();
            lock.lock();
            completed_seq_ += n;
            done_.notify_all();
        }
        writer_exited_ = true;
        done_.notify_all();
    }

    void write_all(const std::vector<Row>& rows) {
        for (std::size_t begin = 0; begin < rows.size(); begin += options_.max_batch) {
            const std::size_t n = std::min(options_.max_batch, rows.size() - begin);
            write_batch(std::span<const Row>(rows.data() + begin, n));
            depth_.fetch_sub(n, std::memory_order_relaxed);
        }
    }

    void write_batch(std::span<const Row> rows) {
        std::string last_error;
        for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
            // Nothing may escape this thread: a throwing writer counts as a failed attempt.
            try {
                Status s = writer_(rows);
                if (s.ok()) {
                    written_.fetch_add(rows.size(), std::memory_order_relaxed);
                    batches_.fetch_add(1, std::memory_order_relaxed);
                    return;
                }
                last_error = s.error().message;
            } catch (const std::exception& e) {
                last_error = std::string("exception: ") + e.what();
            } catch (...) {
                last_error = "unknown exception";
            }
            if (attempt < options_.max_attempts) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        const uint64_t errors = write_errors_.fetch_add(1, std::memory_order_relaxed) + 1;
        failed_rows_.fetch_add(rows.size(), std::memory_order_relaxed);
        detail::log_write_error(options_.name, last_error, rows.size(), errors);
    }

    Writer writer_;
    WriteQueueOptions options_;

    std::mutex mutex_;
    std::condition_variable wake_;  // wakes the writer thread
    std::condition_variable done_;  // wakes flush() callers
    std::vector<Row> pending_;      // guarded by mutex_
    uint64_t accepted_seq_ = 0;     // guarded by mutex_
    uint64_t completed_seq_ = 0;    // guarded by mutex_
    bool stopping_ = false;         // guarded by mutex_
    bool flush_requested_ = false;  // guarded by mutex_
    bool writer_exited_ = false;    // guarded by mutex_

    std::atomic<std::size_t> depth_{0};
    std::atomic<uint64_t> accepted_{0};
    std::atomic<uint64_t> dropped_{0};
    std::atomic<uint64_t> written_{0};
    std::atomic<uint64_t> write_errors_{0};
    std::atomic<uint64_t> failed_rows_{0};
    std::atomic<uint64_t> batches_{0};

    std::once_flag shutdown_once_;
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace vigil::store
