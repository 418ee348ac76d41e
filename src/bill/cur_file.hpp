// The bytes of one Cost and Usage Report file, plain CSV or gzip (AWS's
// .csv.gz), as a CsvReader source. zlib reads both; what it cannot read is
// an error thrown as BillFileError with the reason: a .gz cut short, a zip
// or Parquet delivery (asbb reads CSV), binary data. The SHA-256 of the CSV
// text read so far names the file's content, however it was compressed.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "core/sha256.hpp"

namespace asbb::bill {

class BillFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The one message shape for a file asbb cannot read: "PATH: REASON".
[[noreturn]] inline void fail_file(const std::string& path, const std::string& reason) {
    throw BillFileError(path + ": " + reason);
}

class CurFile {
  public:
    // Throws BillFileError when the file cannot be opened or is a format
    // asbb does not read.
    explicit CurFile(const std::string& path);
    ~CurFile();
    CurFile(const CurFile&) = delete;
    CurFile& operator=(const CurFile&) = delete;

    // Up to capacity bytes of CSV text; 0 at the end. Throws BillFileError.
    size_t read(char* buffer, size_t capacity);

    // The digest of every byte read; call once, after read returned 0.
    std::string content_sha256();

  private:
    void* gz_ = nullptr;  // gzFile; zlib.h stays in cur_file.cpp
    Sha256 hash_;
};

}  // namespace asbb::bill
