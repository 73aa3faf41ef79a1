#include "vigil/store/write_queue.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace vigil::store::detail {

bool should_log_drop(uint64_t dropped_total) { return dropped_total == 1 || dropped_total % 10000 == 0; }

// stderr rather than a logging library: the store has no logger dependency and these lines are rare.
void log_drop(std::string_view queue, uint64_t dropped_total, std::size_t capacity, bool closed) {
    if (closed) {
        std::fprintf(stderr, "vigil: %.*s is shut down: dropped %llu row(s) so far\n", static_cast<int>(queue.size()),
                     queue.data(), static_cast<unsigned long long>(dropped_total));
        return;
    }
    std::fprintf(stderr, "vigil: %.*s full (capacity %zu): dropped %llu row(s) so far; the writer cannot keep up\n",
                 static_cast<int>(queue.size()), queue.data(), capacity,
                 static_cast<unsigned long long>(dropped_total));
}

void log_write_error(std::string_view queue, std::string_view message, std::size_t rows, uint64_t errors_total) {
    // Every failed batch up to 10, then every 100th, so a dead disk does not flood the log.
    if (errors_total > 10 && errors_total % 100 != 0) return;
    std::fprintf(stderr, "vigil: %.*s: write of %zu row(s) failed (%llu failed batch(es) so far): %.*s\n",
                 static_cast<int>(queue.size()), queue.data(), rows, static_cast<unsigned long long>(errors_total),
                 static_cast<int>(message.size()), message.data());
}

void lower_current_thread_priority(int increment) {
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int current = getpriority(PRIO_PROCESS, tid);
    if (errno != 0) return;
    (void)setpriority(PRIO_PROCESS, tid, std::min(19, current + increment));
}

}  // namespace vigil::store::detail
