#include "vigil/core/text_file.hpp"

#include <zlib.h>

#include <memory>

namespace vigil {
namespace {

struct GzCloser {
    void operator()(gzFile f) const { gzclose(f); }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

}  // namespace

Result<std::string> read_file(const std::filesystem::path& path) {
    // gzopen reads uncompressed files unchanged, so one path serves both.
    GzHandle file(gzopen(path.c_str(), "rb"));
    if (!file) return make_error(ErrorCode::kIo, "cannot open " + path.string());
    gzbuffer(file.get(), 1 << 18);
    std::string out;
    char buf[1 << 16];
    for (;;) {
        int n = gzread(file.get(), buf, sizeof buf);
        if (n < 0) return make_error(ErrorCode::kIo, "cannot read " + path.string());
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

Result<size_t> for_each_line(const std::filesystem::path& path,
                             const std::function<void(std::string_view)>& on_line) {
    auto content = read_file(path);
    if (!content) return content.error();
    std::string_view rest = *content;
    size_t lines = 0;
    while (!rest.empty()) {
        size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        on_line(line);
        ++lines;
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
    return lines;
}

std::vector<std::string> split_csv_record(std::string_view line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field.push_back(c);
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
        } else {
            field.push_back(c);
        }
    }
    fields.push_back(std::move(field));
    return fields;
}

}  // namespace vigil
