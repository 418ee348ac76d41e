// core/sha256: the digest API token secrets are stored as. Checked against
// the FIPS 180-2 examples (one block, two blocks, a million 'a's) and, for
// lengths around every padding edge, against coreutils' sha256sum.
#include "core/sha256.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

namespace asbb {
namespace {

TEST(Sha256, MatchesTheFipsExamples) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

std::string sha256sum_of(const std::string& data) {
    char path[] = "/tmp/asbb-sha256-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) return "mkstemp failed";
    FILE* file = fdopen(fd, "wb");
    fwrite(data.data(), 1, data.size(), file);
    fclose(file);
    FILE* pipe = popen(("sha256sum " + std::string(path)).c_str(), "r");
    std::array<char, 65> digest{};
    const size_t n = pipe != nullptr ? fread(digest.data(), 1, 64, pipe) : 0;
    if (pipe != nullptr) pclose(pipe);
    std::remove(path);
    return std::string(digest.data(), n);
}

TEST(Sha256, AgreesWithSha256sumAroundEveryPaddingEdge) {
    // 55/56 bytes: the length still fits the last block or needs another;
    // 63/64/65: a whole block and one byte either side.
    for (size_t size : {1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000}) {
        std::string data;
        for (size_t i = 0; i < size; ++i) data += static_cast<char>((i * 131 + 7) & 0xff);
        EXPECT_EQ(sha256_hex(data), sha256sum_of(data)) << size << " bytes";
    }
}

TEST(Sha256, InPiecesIsTheSameDigest) {
    // A bill file is hashed as it is read, in pieces of any size.
    std::string data;
    for (size_t i = 0; i < 1000; ++i) data += static_cast<char>((i * 37 + 11) & 0xff);
    for (size_t piece : {1, 3, 63, 64, 65, 200, 999}) {
        Sha256 hash;
        for (size_t at = 0; at < data.size(); at += piece) hash.update(data.substr(at, piece));
        EXPECT_EQ(lower_hex(hash.finish()), sha256_hex(data)) << piece << "-byte pieces";
    }
    Sha256 empty;
    EXPECT_EQ(lower_hex(empty.finish()), sha256_hex(""));
}

}  // namespace
}  // namespace asbb
