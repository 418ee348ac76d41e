#include "bill/cur_file.hpp"

#include <zlib.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace asbb::bill {

namespace {

// What the first bytes say the file is, when it is something asbb does not
// read; "" for text or gzip.
std::string unreadable_format(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) throw BillFileError(std::string("cannot open: ") + std::strerror(errno));
    std::array<unsigned char, 4> magic{};
    const size_t got = std::fread(magic.data(), 1, magic.size(), file);
    std::fclose(file);
    if (got == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
        return "a zip archive: asbb reads .csv and .csv.gz; unzip it first";
    }
    if (got == 4 && std::memcmp(magic.data(), "PAR1", 4) == 0) {
        return "a Parquet file: asbb reads the CSV delivery (.csv or .csv.gz)";
    }
    return "";
}

}  // namespace

CurFile::CurFile(const std::string& path) {
    if (std::string format = unreadable_format(path); !format.empty()) throw BillFileError(format);
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) throw BillFileError(std::string("cannot open: ") + std::strerror(errno));
    gzbuffer(gz, 256 * 1024);
    gz_ = gz;
}

CurFile::~CurFile() {
    if (gz_ != nullptr) gzclose_r(static_cast<gzFile>(gz_));
}

size_t CurFile::read(char* buffer, size_t capacity) {
    auto gz = static_cast<gzFile>(gz_);
    const int got = gzread(gz, buffer, static_cast<unsigned>(std::min<size_t>(capacity, INT_MAX)));
    int code = Z_OK;
    const char* message = gzerror(gz, &code);
    // Z_BUF_ERROR at the end: the gzip stream stopped before its trailer.
    if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
        if (code == Z_BUF_ERROR) throw BillFileError("the gzip data is cut short (truncated file)");
        throw BillFileError(std::string("cannot read: ") + (message ? message : "zlib error"));
    }
    const auto bytes = static_cast<size_t>(got);
    if (std::memchr(buffer, '\0', bytes) != nullptr) {
        throw BillFileError("binary data (a NUL byte): not a CSV file");
    }
    hash_.update(std::string_view(buffer, bytes));
    return bytes;
}

std::string CurFile::content_sha256() {
    return lower_hex(hash_.finish());
}

}  // namespace asbb::bill
