#include "vigil/domain/flat_string_map.hpp"

namespace vigil::domain {

const FlatStringMap::Slot* FlatStringMap::lookup(std::string_view key, uint64_t h) const {
    if (slots_.empty()) return nullptr;
    const size_t mask = slots_.size() - 1;
    for (size_t pos = home(h);; pos = (pos + 1) & mask) {
        const Slot& s = slots_[pos];
        if (s.length == 0) return &s;
        if (s.hash == h && std::string_view(pool_).substr(s.offset, s.length) == key) return &s;
    }
}

void FlatStringMap::grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
        if (s.length == 0) continue;
        size_t pos = home(s.hash);
        while (slots_[pos].length != 0) pos = (pos + 1) & mask;
        slots_[pos] = s;
    }
}

void FlatStringMap::insert(std::string_view key, uint32_t value, bool merge_or) {
    if (key.empty()) return;
    if ((size_ + 1) * 2 > slots_.size()) grow();  // load factor <= 0.5
    const uint64_t h = hash_key(key);
    auto* slot = const_cast<Slot*>(lookup(key, h));
    if (slot->length != 0) {
        if (merge_or) slot->value |= value;
        return;
    }
    *slot = Slot{h, static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(key.size()), value};
    pool_ += key;
    ++size_;
}

void FlatStringMap::set_if_unset(std::string_view key, bool second, uint32_t value) {
    if (key.empty()) return;
    if ((size_ + 1) * 2 > slots_.size()) grow();  // load factor <= 0.5
    const uint64_t h = hash_key(key);
    auto* slot = const_cast<Slot*>(lookup(key, h));
    if (slot->length == 0) {
        *slot = Slot{h, static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(key.size()), 0, 0};
        pool_ += key;
        ++size_;
    }
    uint32_t& field = second ? slot->value2 : slot->value;
    if (field == 0) field = value;
}

uint32_t FlatStringMap::find(std::string_view key, uint32_t missing) const {
    const Slot* s = lookup(key, hash_key(key));
    return (s == nullptr || s->length == 0) ? missing : s->value;
}

bool FlatStringMap::contains(std::string_view key) const {
    const Slot* s = lookup(key, hash_key(key));
    return s != nullptr && s->length != 0;
}

}  // namespace vigil::domain
