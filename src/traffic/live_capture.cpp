#include "vigil/traffic/live_capture.hpp"

#include <pcap/pcap.h>

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace vigil::traffic {
namespace {

int64_t wall_clock_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

void LiveCapture::Closer::operator()(pcap* p) const {
    if (p != nullptr) pcap_close(p);
}

Result<std::unique_ptr<LiveCapture>> LiveCapture::open(LiveCaptureOptions options, PacketPipeline::Sink sink) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap, Closer> handle(pcap_create(options.interface.c_str(), errbuf));
    if (!handle) return make_error(ErrorCode::kIo, "capture on '" + options.interface + "': " + errbuf);
    pcap_set_snaplen(handle.get(), options.snaplen);
    pcap_set_promisc(handle.get(), options.promiscuous ? 1 : 0);
    pcap_set_timeout(handle.get(), options.buffer_timeout_ms);
    pcap_set_buffer_size(handle.get(), options.buffer_size_bytes);
    pcap_set_tstamp_precision(handle.get(), PCAP_TSTAMP_PRECISION_MICRO);
    const int rc = pcap_activate(handle.get());
    if (rc < 0) {
        std::string why = pcap_geterr(handle.get());
        if (rc == PCAP_ERROR_PERM_DENIED) why += " (capturing needs root or CAP_NET_RAW)";
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE) why = "no such interface";
        return make_error(ErrorCode::kIo, "capture on '" + options.interface + "': " + why);
    }
    const int dlt = pcap_datalink(handle.get());
    if (!is_supported_link_type(dlt)) {
        return make_error(ErrorCode::kFormat, "capture on '" + options.interface + "': link type " +
                                                  std::to_string(dlt) + " is not supported");
    }
    if (!options.bpf_filter.empty()) {
        bpf_program program{};
        if (pcap_compile(handle.get(), &program, options.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            return make_error(ErrorCode::kInvalidArgument,
                              "capture filter '" + options.bpf_filter + "': " + pcap_geterr(handle.get()));
        }
        const int set = pcap_setfilter(handle.get(), &program);
        pcap_freecode(&program);
        if (set != 0) {
            return make_error(ErrorCode::kIo, "capture filter '" + options.bpf_filter + "': " +
                                                  pcap_geterr(handle.get()));
        }
    }
    return std::unique_ptr<LiveCapture>(new LiveCapture(std::move(options), std::move(handle), std::move(sink)));
}

LiveCapture::LiveCapture(LiveCaptureOptions options, std::unique_ptr<pcap, Closer> handle,
                         PacketPipeline::Sink sink)
    : options_(std::move(options)),
      handle_(std::move(handle)),
      pipeline_(pcap_datalink(handle_.get()), options_.pipeline, std::move(sink)) {}

LiveCapture::~LiveCapture() { stop(); }

void LiveCapture::start() {
    if (thread_.joinable() || stop_.load()) return;
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void LiveCapture::stop() {
    stop_ = true;
    if (handle_) pcap_breakloop(handle_.get());
    if (thread_.joinable()) thread_.join();
}

void LiveCapture::run() {
    auto on_packet = [](u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
        auto* self = reinterpret_cast<LiveCapture*>(user);
        const int64_t ts = static_cast<int64_t>(h->ts.tv_sec) * 1'000'000 + h->ts.tv_usec;
        self->pipeline_.on_frame(ts, bytes, h->caplen);
    };
    // Non-blocking reads behind our own poll(): on Linux (TPACKET_V3) a blocking read waits for the
    // first packet however long that takes, and idle connections must still time out meanwhile.
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    const int fd = pcap_get_selectable_fd(handle_.get());
    if (fd < 0 || pcap_setnonblock(handle_.get(), 1, errbuf) != 0) {
        std::lock_guard lock(error_mutex_);
        error_ = fd < 0 ? "capture handle has no selectable descriptor" : errbuf;
        running_ = false;
        return;
    }
    auto last_stats = std::chrono::steady_clock::now();
    auto last_advance = last_stats;
    while (!stop_.load(std::memory_order_relaxed)) {
        pollfd pfd{fd, POLLIN, 0};
        const int ready = poll(&pfd, 1, options_.buffer_timeout_ms);
        if (ready < 0 && errno != EINTR) {
            std::lock_guard lock(error_mutex_);
            error_ = std::string("poll: ") + std::strerror(errno);
            break;
        }
        int n = 0;
        do {
            n = pcap_dispatch(handle_.get(), -1, on_packet, reinterpret_cast<u_char*>(this));
        } while (n > 0 && !stop_.load(std::memory_order_relaxed));
        if (n == PCAP_ERROR) {
            std::lock_guard lock(error_mutex_);
            error_ = pcap_geterr(handle_.get());
            break;
        }
        // Time moves on even when the wire is quiet: idle connections must still time out. A sweep walks
        // the whole flow table, so at most four a second.
        const auto now = std::chrono::steady_clock::now();
        if (now - last_advance >= std::chrono::milliseconds(250)) {
            pipeline_.advance(wall_clock_us());
            last_advance = now;
        }
        if (now - last_stats > std::chrono::milliseconds(200)) {
            publish_stats();
            last_stats = now;
        }
    }
    // Whatever the kernel already handed over belongs to this run.
    while (pcap_dispatch(handle_.get(), -1, on_packet, reinterpret_cast<u_char*>(this)) > 0) {
    }
    pipeline_.finish();
    publish_stats();
    running_ = false;
}

void LiveCapture::publish_stats() {
    pcap_stat ps{};
    if (pcap_stats(handle_.get(), &ps) == 0) {
        kernel_drops_ = ps.ps_drop;
        interface_drops_ = ps.ps_ifdrop;
    }
    const auto& s = pipeline_.stats();
    packets_ = s.frames;
    decode_errors_ = s.decode_errors();
    connections_ = pipeline_.tracker_stats().connections;
    active_ = pipeline_.active_connections();
}

LiveCaptureStats LiveCapture::stats() const {
    LiveCaptureStats s;
    s.packets = packets_;
    s.decode_errors = decode_errors_;
    s.connections = connections_;
    s.active_connections = active_;
    s.kernel_drops = kernel_drops_;
    s.interface_drops = interface_drops_;
    s.running = running_;
    return s;
}

std::string LiveCapture::error() const {
    std::lock_guard lock(error_mutex_);
    return error_;
}

}  // namespace vigil::traffic
