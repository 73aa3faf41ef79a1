#pragma once
// Line-oriented reading of plain or gzip-compressed text files.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil {

// Reads the whole file, transparently gunzipping names ending in ".gz".
Result<std::string> read_file(const std::filesystem::path& path);

// Calls `on_line` for each line (without the trailing "\n" or "\r\n"). Returns lines read.
Result<size_t> for_each_line(const std::filesystem::path& path, const std::function<void(std::string_view)>& on_line);

// Lines of a buffer, without the trailing "\n" or "\r\n".
std::vector<std::string_view> split_lines(std::string_view text);

// RFC 4180 records over a whole buffer; quoted fields may span lines.
class CsvReader {
public:
    explicit CsvReader(std::string_view text) : text_(text) {}
    // Fills `fields` with the next record; false at the end of the input.
    bool next(std::vector<std::string>& fields);

private:
    std::string_view text_;
    size_t pos_ = 0;
};

// Splits one CSV record (RFC 4180 quoting) into fields; an empty line is one empty field.
std::vector<std::string> split_csv_record(std::string_view line);

}  // namespace vigil
