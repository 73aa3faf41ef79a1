#include "vigil/api/event_feed.hpp"

#include <algorithm>

namespace vigil::api {

uint64_t EventFeed::subscribe(Sink sink) {
    std::lock_guard lock(mutex_);
    const uint64_t id = next_id_++;
    sinks_.emplace_back(id, std::make_shared<const Sink>(std::move(sink)));
    return id;
}

void EventFeed::unsubscribe(uint64_t id) {
    std::lock_guard lock(mutex_);
    std::erase_if(sinks_, [id](const auto& s) { return s.first == id; });
}

std::size_t EventFeed::publish(std::string message) {
    std::vector<std::shared_ptr<const Sink>> sinks;
    {
        std::lock_guard lock(mutex_);
        if (sinks_.empty()) return 0;
        sinks.reserve(sinks_.size());
        for (const auto& s : sinks_) sinks.push_back(s.second);
    }
    const auto shared = std::make_shared<const std::string>(std::move(message));
    for (const auto& sink : sinks) (*sink)(shared);
    return sinks.size();
}

std::size_t EventFeed::subscribers() const {
    std::lock_guard lock(mutex_);
    return sinks_.size();
}

}  // namespace vigil::api
