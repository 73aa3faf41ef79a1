#include <gtest/gtest.h>

#include "vigil/intel/hash_list.hpp"

namespace vigil::intel {
namespace {

std::shared_ptr<const ThreatIndex> build(std::vector<std::string> urls, uint64_t version) {
    std::vector<FeedItem> items;
    for (auto& u : urls) items.push_back(FeedItem{u, ThreatType::kPhishing});
    auto e = build_entries(items, 1).entries;
    const ThreatIndex::SourceEntries parts[] = {{"s", e}};
    return ThreatIndex::build(parts, version);
}

TEST(HashList, FullUpdateVerifies) {
    const auto idx = build({"http://a.example/", "http://b.example/", "http://c.example/x"}, 3);
    const ListUpdate u = compute_update(*idx, nullptr);
    EXPECT_TRUE(u.full);
    EXPECT_EQ(u.additions, idx->prefixes());
    EXPECT_EQ(u.new_state, state_token(*idx));
    auto applied = apply_update({}, u);
    ASSERT_TRUE(applied.ok());
    EXPECT_EQ(*applied, idx->prefixes());
    EXPECT_EQ(prefix_list_checksum(*applied), idx->prefix_checksum());
}

TEST(HashList, DiffAddsAndRemovesByIndex) {
    const auto v1 = build({"http://a.example/", "http://b.example/", "http://c.example/"}, 1);
    const auto v2 = build({"http://b.example/", "http://d.example/", "http://e.example/"}, 2);
    const ListUpdate u = compute_update(*v2, v1.get());
    EXPECT_FALSE(u.full);
    EXPECT_EQ(u.additions.size(), 2u);
    EXPECT_EQ(u.removal_indices.size(), 2u);
    auto applied = apply_update(v1->prefixes(), u);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    EXPECT_EQ(*applied, v2->prefixes());
    // Applied to the wrong list, the checksum catches it.
    const std::vector<uint32_t> other = {1, 2, 3};
    auto wrong = apply_update(other, u);
    EXPECT_FALSE(wrong.ok());
    // No change.
    const ListUpdate same = compute_update(*v2, v2.get());
    EXPECT_TRUE(same.additions.empty());
    EXPECT_TRUE(same.removal_indices.empty());
}

TEST(HashList, RemovalIndexOutOfRangeIsAnError) {
    const auto v1 = build({"http://a.example/"}, 1);
    ListUpdate u = compute_update(*v1, v1.get());
    u.removal_indices = {5};
    EXPECT_FALSE(apply_update(v1->prefixes(), u).ok());
}

TEST(HashList, StateTokens) {
    const auto idx = build({"http://a.example/"}, 42);
    const std::string token = state_token(*idx);
    auto ref = parse_state_token(token);
    ASSERT_TRUE(ref.has_value());
    EXPECT_EQ(ref->version, 42u);
    EXPECT_TRUE(token_matches(*idx, *ref));
    const auto other = build({"http://b.example/"}, 42);  // same version, another list (another server run)
    EXPECT_FALSE(token_matches(*other, *ref));
    for (std::string bad : {"", "42", "-0123456789abcdef", "42-0123", "x-0123456789abcdef", "42-0123456789ABCDEF",
                            "99999999999999999999999-0123456789abcdef"}) {
        EXPECT_FALSE(parse_state_token(bad).has_value()) << bad;
    }
}

TEST(HashList, PackUnpack) {
    const std::vector<uint32_t> p = {1, 0x01020304, 0xFFFFFFFF};
    const std::string raw = pack_prefixes(p);
    EXPECT_EQ(raw.size(), 12u);
    EXPECT_EQ(raw.substr(4, 4), std::string("\x01\x02\x03\x04", 4));
    EXPECT_EQ(*unpack_prefixes(raw), p);
    EXPECT_FALSE(unpack_prefixes("abc").ok());
    EXPECT_FALSE(unpack_prefixes(pack_prefixes(std::vector<uint32_t>{2, 1})).ok());
}

TEST(Base64, RoundTripsAndRejects) {
    for (std::string s : {std::string(), std::string("f"), std::string("fo"), std::string("foo"),
                          std::string("foob"), std::string("\x00\xff\x10", 3)}) {
        auto back = base64_decode(base64_encode(s));
        ASSERT_TRUE(back.ok());
        EXPECT_EQ(*back, s);
    }
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(*base64_decode("Zm9vYg"), "foob");  // padding optional
    EXPECT_FALSE(base64_decode("Zm9v YmFy").ok());
    EXPECT_FALSE(base64_decode("Z").ok());
    EXPECT_FALSE(base64_decode("Zm9v*").ok());
}

TEST(HashPrefix, DecodesHexAndBase64WithLimits) {
    EXPECT_EQ(*decode_hash_prefix("0a0b0c0d", PrefixEncoding::kAuto), std::string("\x0a\x0b\x0c\x0d", 4));
    EXPECT_EQ(*decode_hash_prefix("CgsMDQ==", PrefixEncoding::kAuto), std::string("\x0a\x0b\x0c\x0d", 4));
    EXPECT_EQ(decode_hash_prefix("0a0b0c0d", PrefixEncoding::kBase64)->size(), 6u);
    EXPECT_FALSE(decode_hash_prefix("0a0b0c", PrefixEncoding::kHex).ok());       // 3 bytes
    EXPECT_FALSE(decode_hash_prefix(std::string(66, 'a'), PrefixEncoding::kHex).ok());  // 33 bytes
    EXPECT_FALSE(decode_hash_prefix("zz0b0c0d", PrefixEncoding::kHex).ok());
    EXPECT_FALSE(decode_hash_prefix("!!!!", PrefixEncoding::kAuto).ok());
    EXPECT_FALSE(decode_hash_prefix(std::string(200, 'A'), PrefixEncoding::kAuto).ok());
    EXPECT_EQ(decode_hash_prefix(std::string(64, 'f'), PrefixEncoding::kAuto)->size(), 32u);
}

}  // namespace
}  // namespace vigil::intel
