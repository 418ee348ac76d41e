#include "core/sha256.hpp"

#include <bit>

namespace asbb {

namespace {

constexpr std::array<uint32_t, 64> kRound = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// One 64-byte block into the state (FIPS 180-4, 6.2.2).
void compress(Sha256::State& h, const uint8_t* block) {
    std::array<uint32_t, 64> w{};
    for (int t = 0; t < 16; ++t) {
        w[t] = uint32_t{block[4 * t]} << 24 | uint32_t{block[4 * t + 1]} << 16 |
               uint32_t{block[4 * t + 2]} << 8 | uint32_t{block[4 * t + 3]};
    }
    for (int t = 16; t < 64; ++t) {
        const uint32_t s0 = std::rotr(w[t - 15], 7) ^ std::rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        const uint32_t s1 = std::rotr(w[t - 2], 17) ^ std::rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    Sha256::State v = h;
    for (int t = 0; t < 64; ++t) {
        const uint32_t e = v[4];
        const uint32_t a = v[0];
        const uint32_t t1 = v[7] + (std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25)) +
                            ((e & v[5]) ^ (~e & v[6])) + kRound[t] + w[t];
        const uint32_t t2 = (std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22)) +
                            ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
        v = {t1 + t2, a, v[1], v[2], v[3] + t1, e, v[5], v[6]};
    }
    for (size_t i = 0; i < h.size(); ++i) h[i] += v[i];
}

}  // namespace

Sha256::Sha256()
    : state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void Sha256::update(std::string_view data) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    size_t at = 0;
    total_bytes_ += data.size();
    if (pending_bytes_ > 0) {
        while (at < data.size() && pending_bytes_ < 64) pending_[pending_bytes_++] = bytes[at++];
        if (pending_bytes_ < 64) return;
        compress(state_, pending_.data());
        pending_bytes_ = 0;
    }
    for (; at + 64 <= data.size(); at += 64) compress(state_, bytes + at);
    while (at < data.size()) pending_[pending_bytes_++] = bytes[at++];
}

Sha256Digest Sha256::finish() {
    // The tail, 0x80, zeros and the length in bits, in one or two blocks.
    std::array<uint8_t, 128> tail{};
    for (size_t i = 0; i < pending_bytes_; ++i) tail[i] = pending_[i];
    tail[pending_bytes_] = 0x80;
    const size_t tail_size = pending_bytes_ < 56 ? 64 : 128;
    const uint64_t bits = total_bytes_ * 8;
    for (int i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    for (size_t at = 0; at < tail_size; at += 64) compress(state_, tail.data() + at);
    Sha256Digest digest{};
    for (size_t i = 0; i < state_.size(); ++i) {
        for (int j = 0; j < 4; ++j) {
            digest[4 * i + j] = static_cast<uint8_t>(state_[i] >> (24 - 8 * j));
        }
    }
    return digest;
}

Sha256Digest sha256(std::string_view data) {
    Sha256 hash;
    hash.update(data);
    return hash.finish();
}

std::string lower_hex(std::span<const uint8_t> bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    text.reserve(2 * bytes.size());
    for (uint8_t byte : bytes) {
        text += kHex[byte >> 4];
        text += kHex[byte & 0xf];
    }
    return text;
}

std::string sha256_hex(std::string_view data) {
    return lower_hex(sha256(data));
}

}  // namespace asbb
