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

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

Result<size_t> for_each_line(const std::filesystem::path& path,
                             const std::function<void(std::string_view)>& on_line) {
    auto content = read_file(path);
    if (!content) return content.error();
    const auto lines = split_lines(*content);
    for (std::string_view line : lines) on_line(line);
    return lines.size();
}

bool CsvReader::next(std::vector<std::string>& fields) {
    fields.clear();
    if (pos_ >= text_.size()) return false;
    std::string field;
    bool quoted = false;
    while (pos_ < text_.size()) {
        char c = text_[pos_++];
        if (quoted) {
            if (c == '"') {
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    field.push_back('"');
                    ++pos_;
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
        } else if (c == '\n') {
            break;
        } else if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') {
            ++pos_;
            break;
        } else {
            field.push_back(c);
        }
    }
    fields.push_back(std::move(field));
    return true;
}

std::vector<std::string> split_csv_record(std::string_view line) {
    std::vector<std::string> fields;
    if (!CsvReader(line).next(fields)) fields.emplace_back();
    return fields;
}

}  // namespace vigil
