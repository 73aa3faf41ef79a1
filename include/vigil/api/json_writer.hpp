#pragma once
// Minimal append-only JSON writer for hot-path responses: no DOM, no intermediate allocation
// beyond the output string. Callers are responsible for structure (commas are automatic).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::api {

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(double d);          // NaN/inf written as null
    JsonWriter& value(int64_t i);
    JsonWriter& value(uint64_t i);
    JsonWriter& value(int i) { return value(static_cast<int64_t>(i)); }
    JsonWriter& value(unsigned i) { return value(static_cast<uint64_t>(i)); }
    JsonWriter& value(bool b);
    JsonWriter& null();
    JsonWriter& raw(std::string_view json);  // already-serialised JSON value

    template <class T>
    JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

private:
    void separate();
    template <class Int>
    JsonWriter& integer(Int i);
    std::string& out_;
    bool need_comma_ = false;
};

// Appends `s` as a JSON string literal (quoted, escaped; invalid UTF-8 bytes become U+FFFD).
void append_json_string(std::string& out, std::string_view s);

// Writing through a pointer, for serialisers that size their output once (see append_verdict_json):
// each function writes at most its bound and returns the end of what it wrote.
constexpr size_t kMaxJsonNumberBytes = 32;
// An escaped byte takes at most 6 bytes ("\u001f"), plus the two quotes.
constexpr size_t json_string_bound(std::string_view s) { return 6 * s.size() + 2; }
char* write_json_string(char* p, std::string_view s);  // quoted and escaped, as append_json_string
char* write_json_number(char* p, double d);            // 6 significant digits; NaN and inf as null
char* write_json_integer(char* p, int64_t i);
// The same between `prefix` and `suffix` (unescaped JSON punctuation such as "," and ":"), in one append
// when `s` needs no escaping.
void append_json_string(std::string& out, std::string_view s, std::string_view prefix, std::string_view suffix);

}  // namespace vigil::api
