#include "vigil/traffic/capture_analysis.hpp"

#include <algorithm>

namespace vigil::traffic {

Result<CaptureSummary> analyze_capture(PcapFile& file, const CaptureAnalysisOptions& options) {
    const int dlt = file.link_type();
    if (!is_supported_link_type(dlt)) {
        return make_error(ErrorCode::kFormat, "link type " + std::to_string(dlt) + " is not supported");
    }
    CaptureSummary summary;
    std::string score_error;
    ConnectionRules rules(options.rules);
    auto on_flow = [&](const FinishedConnection& flow) {
        ++summary.connections;
        ++summary.connections_by_flag[std::string(flow.flag)];
        const TrafficVerdict* verdict = nullptr;
        const std::string* error = nullptr;
        Result<TrafficVerdict> scored = make_error(ErrorCode::kInternal, "");
        if (options.model != nullptr) {
            scored = options.model->score(flow.record);
            if (scored) {
                rules.apply(flow.connection, scored.value());
                verdict = &scored.value();
                if (verdict->attack) {
                    ++summary.attacks;
                    ++summary.attacks_by_family[verdict->family];
                }
            } else {
                ++summary.score_errors;
                score_error = scored.error().message;
                error = &score_error;
            }
        }
        if (options.on_connection) options.on_connection(ScoredConnection{flow, verdict, error});
    };
    PacketPipeline pipeline(dlt, options.pipeline, on_flow);
    RawPacket raw;
    uint64_t n = 0;
    while (file.next(raw)) {
        if (n == 0) summary.first_us = raw.ts_us;
        summary.last_us = std::max(summary.last_us, raw.ts_us);
        pipeline.on_frame(raw.ts_us, raw.data, raw.caplen);
        if ((++n & 0x3FFF) == 0 && options.on_progress) options.on_progress(file.position(), file.size_bytes());
    }
    pipeline.finish();
    if (options.on_progress) options.on_progress(file.size_bytes(), file.size_bytes());
    const auto& s = pipeline.stats();
    summary.packets = s.frames;
    summary.not_ip = s.not_ip;
    summary.decode_errors = s.decode_errors();
    summary.ignored = pipeline.tracker_stats().ignored;
    if (!file.error().empty()) {
        return make_error(ErrorCode::kFormat, file.error() + " (after " + std::to_string(n) + " packets)");
    }
    return summary;
}

}  // namespace vigil::traffic
