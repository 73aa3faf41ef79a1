#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "vigil/core/text_file.hpp"

namespace vigil {
namespace {

TEST(SplitCsvRecord, HandlesQuotesAndEmptyFields) {
    auto f = split_csv_record(R"(a,"b,c",,"d ""e""")");
    ASSERT_EQ(f.size(), 4u);
    EXPECT_EQ(f[0], "a");
    EXPECT_EQ(f[1], "b,c");
    EXPECT_EQ(f[2], "");
    EXPECT_EQ(f[3], "d \"e\"");
}

TEST(CsvReader, QuotedFieldsMaySpanLinesAndCrLfEndsRecords) {
    CsvReader reader("url,label\r\n\"a\nb\",1\nc,0");
    std::vector<std::string> f;
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f, (std::vector<std::string>{"url", "label"}));
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f, (std::vector<std::string>{"a\nb", "1"}));
    ASSERT_TRUE(reader.next(f));
    EXPECT_EQ(f, (std::vector<std::string>{"c", "0"}));
    EXPECT_FALSE(reader.next(f));
    EXPECT_EQ(split_csv_record(""), std::vector<std::string>{""});
}

TEST(ForEachLine, ReadsGzipAndStripsCarriageReturns) {
    auto path = std::filesystem::temp_directory_path() / "vigil_core_test.txt.gz";
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    gzputs(f, "one\r\ntwo\nthree");
    gzclose(f);
    std::vector<std::string> lines;
    auto n = for_each_line(path, [&](std::string_view l) { lines.emplace_back(l); });
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 3u);
    EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
    std::filesystem::remove(path);
}

TEST(ReadFile, MissingFileIsAnError) {
    auto r = read_file("/nonexistent/vigil/file");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace vigil
