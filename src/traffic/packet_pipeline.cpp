#include "vigil/traffic/packet_pipeline.hpp"

namespace vigil::traffic {

PacketPipeline::PacketPipeline(int link_type, PipelineConfig config, Sink sink)
    : link_type_(link_type),
      sink_(std::move(sink)),
      features_(config.features),
      tracker_(config.tracker, [this](const Connection& c) { on_connection(c); }) {}

void PacketPipeline::on_frame(int64_t ts_us, const uint8_t* data, size_t caplen) {
    ++stats_.frames;
    switch (decode_packet(link_type_, data, caplen, ts_us, packet_)) {
        case DecodeStatus::kOk:
            tracker_.add(packet_);
            break;
        case DecodeStatus::kNotIp:
            ++stats_.not_ip;
            break;
        case DecodeStatus::kTruncated:
            ++stats_.truncated;
            break;
        case DecodeStatus::kMalformed:
            ++stats_.malformed;
            break;
        case DecodeStatus::kUnsupportedLink:
            ++stats_.unsupported_link;
            break;
    }
}

void PacketPipeline::on_connection(const Connection& c) {
    features_.build(c, record_);
    if (sink_) sink_(FinishedConnection{c, record_.values[2].text, record_.values[3].text, record_});
}

}  // namespace vigil::traffic
