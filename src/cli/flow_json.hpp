#pragma once
// Suricata EVE-like JSON for one scored connection ("event_type":"flow") and for the capture summary.
#include <string>

#include "vigil/traffic/capture_analysis.hpp"

namespace vigil::cli {

// Severity from P(attack), the same scale as URL verdicts: high >= 0.8, medium >= 0.5, low >= 0.3, info.
const char* traffic_severity(double probability);

// Appends one JSON object (no newline). With `features`, the 41 NSL-KDD values are included.
void append_flow_json(std::string& out, const traffic::ScoredConnection& scored, bool features);
void append_summary_json(std::string& out, const traffic::CaptureSummary& summary, const std::string& file,
                         double took_ms);

}  // namespace vigil::cli
