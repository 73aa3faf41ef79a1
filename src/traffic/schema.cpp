// Schema lookups and the NSL-KDD schema (column names from ../shared/data/MANIFEST.md).
#include <array>

#include "vigil/traffic/record.hpp"

namespace vigil::traffic {

std::optional<size_t> Schema::index_of(std::string_view name) const {
    for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name == name) return i;
    }
    return std::nullopt;
}

const Schema& nsl_kdd_schema() {
    static const Schema schema = [] {
        constexpr std::array<std::string_view, 41> kNames = {
            "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land", "wrong_fragment",
            "urgent", "hot", "num_failed_logins", "logged_in", "num_compromised", "root_shell", "su_attempted",
            "num_root", "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds",
            "is_host_login", "is_guest_login", "count", "srv_count", "serror_rate", "srv_serror_rate",
            "rerror_rate", "srv_rerror_rate", "same_srv_rate", "diff_srv_rate", "srv_diff_host_rate",
            "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate", "dst_host_diff_srv_rate",
            "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate",
            "dst_host_srv_serror_rate", "dst_host_rerror_rate", "dst_host_srv_rerror_rate"};
        Schema s;
        s.fields.reserve(kNames.size());
        for (std::string_view name : kNames) {
            const bool categorical = name == "protocol_type" || name == "service" || name == "flag";
            s.fields.push_back({std::string(name), categorical ? FieldKind::kCategorical : FieldKind::kNumeric});
        }
        return s;
    }();
    return schema;
}

}  // namespace vigil::traffic
