#include "vigil/intel/domain_list.hpp"

#include "vigil/core/text_file.hpp"

namespace vigil::intel {
namespace {

std::string normalise(std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (const size_t comma = line.find(','); comma != std::string_view::npos) line = line.substr(comma + 1);
    while (!line.empty() && line.back() == '.') line.remove_suffix(1);
    std::string out(line);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace

Result<DomainList> DomainList::load(const std::filesystem::path& path, size_t max_domains) {
    DomainList list;
    list.source_ = path.string();
    auto lines = for_each_line(path, [&](std::string_view line) {
        if (line.empty() || line.front() == '#') return;
        list.add(line, max_domains);
    });
    if (!lines) return make_error(lines.error().code, "domain list " + path.string() + ": " + lines.error().message);
    return list;
}

DomainList DomainList::from(const std::vector<std::string>& domains) {
    DomainList list;
    list.source_ = "inline";
    for (const auto& d : domains) list.add(d, 0);
    return list;
}

void DomainList::add(std::string_view line, size_t max_domains) {
    if (max_domains != 0 && set_.size() >= max_domains) return;
    const std::string d = normalise(line);
    if (d.empty() || d == "domain") return;  // a header line
    set_.insert(d, 1);
}

}  // namespace vigil::intel
