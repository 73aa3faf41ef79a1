// NSL-KDD attack name -> family, as used in the literature (../shared/data/MANIFEST.md); the
// names that appear only in KDDTest+ are included so the test set maps completely.
#include <algorithm>
#include <array>
#include <utility>

#include "vigil/traffic/dataset.hpp"

namespace vigil::traffic {

namespace {
constexpr std::array<std::pair<std::string_view, std::string_view>, 40> kFamilies = {{
    {"normal", "normal"},
    {"back", "DoS"}, {"land", "DoS"}, {"neptune", "DoS"}, {"pod", "DoS"}, {"smurf", "DoS"},
    {"teardrop", "DoS"}, {"apache2", "DoS"}, {"mailbomb", "DoS"}, {"processtable", "DoS"}, {"udpstorm", "DoS"},
    {"ipsweep", "Probe"}, {"nmap", "Probe"}, {"portsweep", "Probe"}, {"satan", "Probe"}, {"mscan", "Probe"},
    {"saint", "Probe"},
    {"ftp_write", "R2L"}, {"guess_passwd", "R2L"}, {"imap", "R2L"}, {"multihop", "R2L"}, {"phf", "R2L"},
    {"spy", "R2L"}, {"warezclient", "R2L"}, {"warezmaster", "R2L"}, {"named", "R2L"}, {"sendmail", "R2L"},
    {"snmpgetattack", "R2L"}, {"snmpguess", "R2L"}, {"worm", "R2L"}, {"xlock", "R2L"}, {"xsnoop", "R2L"},
    {"httptunnel", "R2L"},
    {"buffer_overflow", "U2R"}, {"loadmodule", "U2R"}, {"perl", "U2R"}, {"rootkit", "U2R"}, {"ps", "U2R"},
    {"sqlattack", "U2R"}, {"xterm", "U2R"},
}};
}  // namespace

std::optional<std::string_view> nsl_kdd_family(std::string_view attack_name) {
    const auto* it = std::find_if(kFamilies.begin(), kFamilies.end(),
                                  [&](const auto& entry) { return entry.first == attack_name; });
    if (it == kFamilies.end()) return std::nullopt;
    return it->second;
}

const std::vector<std::string>& nsl_kdd_attack_families() {
    static const std::vector<std::string> families = {"DoS", "Probe", "R2L", "U2R"};
    return families;
}

std::optional<DataFormat> parse_data_format(std::string_view name) {
    if (name == "nsl-kdd") return DataFormat::kNslKdd;
    if (name == "unsw-nb15") return DataFormat::kUnswNb15;
    if (name == "csv") return DataFormat::kCsv;
    return std::nullopt;
}

}  // namespace vigil::traffic
