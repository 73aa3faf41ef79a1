#pragma once
// A thread-safe publish/subscribe point for server-pushed events (WS /ws/alerts). Publishers hand over one
// serialised message; every subscriber gets the same shared, immutable copy. Sinks are called outside the lock
// and must not block (the WebSocket session posts the message to its own strand).
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace vigil::api {

class EventFeed {
public:
    using Message = std::shared_ptr<const std::string>;
    using Sink = std::function<void(const Message&)>;

    uint64_t subscribe(Sink sink);
    void unsubscribe(uint64_t id);
    // Returns the number of subscribers the message was handed to.
    std::size_t publish(std::string message);
    std::size_t subscribers() const;

private:
    mutable std::mutex mutex_;
    uint64_t next_id_ = 1;
    std::vector<std::pair<uint64_t, std::shared_ptr<const Sink>>> sinks_;
};

}  // namespace vigil::api
